//! Oracles of the structured documents around records: audit bundles with their claims,
//! vector files, and adapter protocol messages.

use arbitrary::{Arbitrary, Unstructured};
use trace_record::audit::{ChainOptions, ReceiptPolicy, seal, verify_chain};
use trace_record::cmcp::CmcpCanonicalization;
use trace_record::json::{self, Value};
use trace_record::{Alg, Verdict, sample};

/// An edit of a sealed bundle, chosen by the fuzzer.
#[derive(Arbitrary, Debug)]
enum Edit {
    Drop(u8),
    Swap(u8, u8),
    Duplicate(u8),
    ChangeByte(u16, u8),
}

/// Raw bytes: split at the first 0xFF into bundle and claim, verified in both receipt
/// policies without a panic. Structure-aware: a genuine sealed bundle with its signed
/// claim verifies; after any edit that changes the bundle it is not accepted.
pub fn audit_chain(data: &[u8]) {
    let (bundle, claim) = match data.iter().position(|b| *b == 0xff) {
        Some(at) => (&data[..at], Some(&data[at + 1..])),
        None => (data, None),
    };
    for policy in [ReceiptPolicy::Trace, ReceiptPolicy::CmcpCompat] {
        let mut opts = ChainOptions::at(sample::SAMPLE_IAT);
        opts.receipts = policy;
        let _ = verify_chain(bundle, claim, &opts);
    }
    let Ok(edit) = Edit::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let issuer = sample::test_key(Alg::EdDSA, "fuzz-issuer");
    let gateway = sample::test_key(Alg::EdDSA, "fuzz-gateway");
    use seal::Call::{Allow, Deny, Receipt};
    let entries = seal::sample_entries(
        "fuzz-session",
        &[Deny, Allow, Receipt, Allow],
        &issuer,
        ReceiptPolicy::Trace,
    );
    let mut claim = seal::claim_for(&entries, &gateway, sample::SAMPLE_IAT);
    seal::sign_claim(&mut claim, &gateway, CmcpCanonicalization::Jcs);
    let claim_text = trace_record::jcs::canonicalize(&Value::Object(claim));
    let encode = |entries: &[json::Object]| {
        trace_record::jcs::canonicalize(&Value::Object(seal::bundle("fuzz-session", entries, &gateway)))
    };
    let genuine = encode(&entries);
    let mut opts = ChainOptions::at(sample::SAMPLE_IAT);
    opts.issuer_keys = vec![issuer.public_key()];
    let report = verify_chain(&genuine, Some(&claim_text), &opts);
    assert_eq!(
        report.verdict,
        Verdict::Accept,
        "a genuine sealed bundle: {:?}",
        report.findings
    );
    let n = entries.len();
    let mut edited = entries.clone();
    let bytes = match edit {
        Edit::Drop(i) => {
            edited.remove(i as usize % n);
            encode(&edited)
        }
        Edit::Swap(i, j) => {
            edited.swap(i as usize % n, j as usize % n);
            encode(&edited)
        }
        Edit::Duplicate(i) => {
            let e = edited[i as usize % n].clone();
            edited.insert(i as usize % n, e);
            encode(&edited)
        }
        Edit::ChangeByte(at, b) => {
            let mut g = genuine.clone();
            let at = at as usize % g.len();
            g[at] = b;
            g
        }
    };
    if bytes != genuine {
        let after = verify_chain(&bytes, Some(&claim_text), &opts);
        // An edit of pure whitespace or of an unsigned, uncommitted spelling could leave
        // the parsed bundle equal; only a changed document must fail.
        let same = json::parse(&bytes).is_ok_and(|v| trace_record::jcs::canonicalize(&v) == genuine);
        if !same {
            assert_ne!(
                after.verdict,
                Verdict::Accept,
                "an edited bundle was accepted: {edit:?}"
            );
        }
    }
}

/// Any bytes as a vector file (format v2, or v1 through its upgrade): parsing never panics,
/// and for every parsed test the request the runner would send is built without a panic.
pub fn vector_file(data: &[u8]) {
    let Ok(file) = trace_vector_format::load::parse("fuzz", data) else {
        return;
    };
    for g in &file.groups {
        for t in &g.tests {
            let _ = t.input.bytes();
            let _ = trace_runner::protocol::vector_request("fuzz", &g.context, t, 1000);
            let _ = g.context.verify_options();
            let _ = g.context.chain_options();
        }
    }
}

/// Any bytes as an adapter's response line: the runner's message types parse or refuse
/// without a panic.
pub fn protocol_messages(data: &[u8]) {
    use trace_runner::protocol::{Capabilities, HelloResult, Response};
    let _ = serde_json::from_slice::<Response>(data);
    let _ = serde_json::from_slice::<HelloResult>(data);
    let _ = serde_json::from_slice::<Capabilities>(data);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = serde_json::from_value::<Response>(v.clone());
        let _ = serde_json::from_value::<HelloResult>(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_edit_is_caught() {
        for data in [&[0u8, 1][..], &[1, 0, 2], &[2, 3], &[3, 0, 40, 0x41]] {
            audit_chain(data);
        }
    }
}
