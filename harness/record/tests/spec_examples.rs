//! Every example Trust Record of the spec repository, read in place from ../shared.
//! The top-level examples are unsigned, so a spec-faithful verifier rejects them at every
//! level (S2 §3.2.2, D-11); the canonicalization-boundary records are signed and must verify.

mod shared;

use trace_record::{Level, TrustedKey, Verdict, VerifyOptions, json, keys::PublicKey, verify};

#[test]
fn unsigned_examples_are_rejected_for_the_missing_signature_only() {
    let Some(dir) = shared::shared("trace-spec/examples") else {
        return;
    };
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let iat = json::parse(&bytes)
            .expect("parse")
            .pointer("/iat")
            .and_then(|v| v.as_int())
            .expect("iat");
        for level in Level::ALL {
            let mut o = VerifyOptions::at(iat);
            o.level = level;
            let r = verify(&bytes, &o);
            assert_eq!(r.verdict, Verdict::Reject, "{}", path.display());
            let fails: Vec<_> = r
                .findings
                .iter()
                .filter(|f| f.status == trace_record::Status::Fail)
                .map(|f| f.rule)
                .collect();
            assert!(fails.contains(&"TR-SIG-005"), "{}: {fails:?}", path.display());
            if level == Level::L0 {
                assert_eq!(
                    fails,
                    ["TR-SIG-005"],
                    "{}: only the signature is missing at Level 0",
                    path.display()
                );
            }
        }
        seen += 1;
    }
    assert!(seen >= 5, "expected the five example records, saw {seen}");
}

#[test]
fn canonicalization_boundary_records_verify_with_their_trusted_key() {
    let Some(dir) = shared::shared("trace-spec/examples/canonicalization-boundary") else {
        return;
    };
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let doc = json::parse(&std::fs::read(&path).expect("read")).expect("parse");
        let record = doc.pointer("/record").expect("record");
        let bytes = std::fs::read(&path).expect("read");
        // Verify the record's own bytes as they stand in the file, not a re-serialization.
        let text = std::str::from_utf8(&bytes).expect("utf-8");
        let start = text.find("\"record\"").expect("record member");
        let open = start + text[start..].find('{').expect("object");
        let record_bytes = &bytes[open..open + balanced_len(&text[open..])];
        assert_eq!(json::parse(record_bytes).expect("record parses"), *record);
        let mut o = VerifyOptions::at(record.pointer("/iat").and_then(|v| v.as_int()).expect("iat"));
        o.trusted_keys = vec![TrustedKey::Jwk(
            PublicKey::from_jwk(doc.pointer("/trusted_key").expect("key")).expect("jwk"),
        )];
        let r = verify(record_bytes, &o);
        assert_eq!(r.verdict, Verdict::Accept, "{}: {:#?}", path.display(), r.findings);
        seen += 1;
    }
    assert_eq!(seen, 4);
}

/// Length of the JSON object starting at `text[0] == '{'`, honouring strings.
fn balanced_len(text: &str) -> usize {
    let (mut depth, mut in_str, mut esc) = (0i32, false, false);
    for (i, c) in text.char_indices() {
        match (in_str, esc, c) {
            (true, true, _) => esc = false,
            (true, false, '\\') => esc = true,
            (true, false, '"') => in_str = false,
            (true, false, _) => {}
            (false, _, '"') => in_str = true,
            (false, _, '{') => depth += 1,
            (false, _, '}') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced object")
}
