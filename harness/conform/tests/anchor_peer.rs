//! Cross-check of inclusion-proof replay (RA §5.1) with trace-verify (PyPI, pinned in
//! harness/python-requirements.txt), the registry's own verifier: for proofs we build over
//! batches of 1 to 24 signed records (some with non-ASCII and supplementary-plane text) and
//! for single-point mutations of them, trace-verify and trace_record::anchor must agree on
//! every answer, and the genuine ones must be included.
//!
//! The interpreter is $TRACE_CONFORM_PYTHON or <repo>/.venv/bin/python. Without one that
//! can import trace_verify the test says so and passes, except under CI=true.

mod common;

use serde_json::{Value as J, json};
use std::io::Write;

use std::process::{Command, Stdio};
use trace_record::anchor::{self, Inclusion};
use trace_record::json::{Object, Value};
use trace_record::sample::{self, SAMPLE_IAT};
use trace_record::{Alg, CoseTag, Form, jcs, sign};

/// A signed embedded record, `n`-th of its batch, as the object RA §1 anchors.
fn record(n: usize) -> Object {
    let mut claims = sample::base_claims();
    claims.insert(
        "iat",
        Value::Number(trace_record::json::Number::Int(SAMPLE_IAT + n as i64)),
    );
    let class = match n % 3 {
        0 => "internal".to_string(),
        1 => format!("vertraulich-ä-{n}"),
        _ => format!("secret-\u{1F512}-{n}"),
    };
    claims.insert("data_class", Value::String(class));
    let key = sample::test_key(Alg::EdDSA, "anchor");
    let mut with_key = claims.clone();
    let mut cnf = Object::new();
    cnf.insert("jwk", Value::Object(key.public_key().to_jwk()));
    with_key.insert("cnf", Value::Object(cnf));
    let bytes = sign::sign(&with_key, &key, None, Form::Embedded, CoseTag::Tagged);
    match trace_record::json::parse(&bytes).expect("signed record parses") {
        Value::Object(o) => o,
        _ => unreachable!(),
    }
}

#[test]
fn trace_verify_and_we_agree_on_every_proof_and_mutation() {
    let Some(py) = common::python("trace_verify") else {
        return;
    };
    let mut questions: Vec<(String, Object, Inclusion, bool)> = Vec::new();
    for size in [1usize, 2, 3, 5, 8, 13, 24] {
        let records: Vec<Object> = (0..size).map(|i| record(size * 100 + i)).collect();
        let leaves: Vec<[u8; 32]> = records
            .iter()
            .map(|r| anchor::leaf_hash(&anchor::canonical_claim_bytes(r).expect("integers only")))
            .collect();
        let root = anchor::root(&leaves).expect("non-empty");
        for (i, r) in records.iter().enumerate() {
            let genuine = Inclusion {
                leaf_index: i as u64,
                audit_path: anchor::prove(&leaves, i).expect("in range"),
                leaf_count: size as u64,
                merkle_root: root,
            };
            questions.push((format!("{size}/{i} genuine"), r.clone(), genuine.clone(), true));
            let mut m = genuine.clone();
            m.merkle_root[31] ^= 1;
            questions.push((format!("{size}/{i} root flipped"), r.clone(), m, false));
            let mut m = genuine.clone();
            m.audit_path.push(root);
            questions.push((format!("{size}/{i} path too long"), r.clone(), m, false));
            if size > 1 {
                let mut m = genuine.clone();
                m.leaf_index = ((i + 1) % size) as u64;
                questions.push((format!("{size}/{i} other index"), r.clone(), m, false));
                let mut m = genuine.clone();
                m.audit_path.pop();
                questions.push((format!("{size}/{i} path too short"), r.clone(), m, false));
                let mut m = genuine.clone();
                m.audit_path[0][0] ^= 0x80;
                questions.push((format!("{size}/{i} sibling flipped"), r.clone(), m, false));
            }
            let mut other = r.clone();
            other.remove("signature");
            questions.push((format!("{size}/{i} unsigned claim"), other, genuine.clone(), false));
        }
        // The RA §0 trap: a leaf over RFC 8785 of a non-ASCII record never verifies.
        let r = &records[records.len() - 1];
        let mut jcs_leaves = leaves.clone();
        let last = jcs_leaves.len() - 1;
        jcs_leaves[last] = anchor::leaf_hash(&jcs::canonicalize(&Value::Object(r.clone())));
        if jcs_leaves != leaves {
            let p = Inclusion {
                leaf_index: last as u64,
                audit_path: anchor::prove(&jcs_leaves, last).expect("in range"),
                leaf_count: size as u64,
                merkle_root: anchor::root(&jcs_leaves).expect("non-empty"),
            };
            questions.push((format!("{size} JCS leaf"), r.clone(), p, false));
        }
    }
    let input: String = questions
        .iter()
        .map(|(_, claim, p, _)| {
            let mut q: J = Value::Object(p.to_json()).to_serde();
            q["claim"] = Value::Object(claim.clone()).to_serde();
            format!("{q}\n")
        })
        .collect();
    let mut child = Command::new(&py)
        .arg(common::repo().join("harness/conform/tests/peer/anchor_peer.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("peer starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("peer runs");
    writer.join().expect("writer").expect("write");
    let answers: Vec<J> = out
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("json"))
        .collect();
    assert_eq!(answers.len(), questions.len());
    let mut disagreements = Vec::new();
    for ((name, claim, p, want), theirs) in questions.iter().zip(&answers) {
        let ours = anchor::verify_inclusion(claim, p).is_ok();
        let theirs_included = theirs == &json!({"included": true});
        if ours != *want || theirs_included != *want {
            disagreements.push(format!("{name}: expected {want}, ours {ours}, trace-verify {theirs}"));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {}:\n{}",
        disagreements.len(),
        questions.len(),
        disagreements.join("\n")
    );
    assert!(questions.len() > 200, "{} questions", questions.len());
}
