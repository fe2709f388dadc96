//! Oracles of the three wire forms and of cMCP RuntimeClaims: signing then verifying
//! accepts, any change to signed content rejects, decode(encode(x)) == x, and a record
//! reads the same in every form.

use arbitrary::{Arbitrary, Unstructured};
use trace_record::cmcp::CmcpCanonicalization;
use trace_record::envelope::{self, CoseTag, Form};
use trace_record::json::{self, Object, Value};
use trace_record::{Alg, Status, TrustedKey, Verdict, VerifyOptions, b64, jcs, sample, sign};

const FORMS: [Form; 3] = [Form::Embedded, Form::Jws, Form::Cose];

/// Claims a fuzzer varies: free text in the subject and in an extension member.
#[derive(Arbitrary, Debug)]
struct SignInput {
    subject_tail: String,
    data_class: u8,
    extension_name: String,
    extension_value: String,
    alg: u8,
    iat_offset: u16,
}

fn claims(input: &SignInput) -> Object {
    let mut c = sample::base_claims();
    let tail: String = input
        .subject_tail
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(40)
        .collect();
    let subject = format!(
        "spiffe://fuzz.example/agent/{}",
        if tail.is_empty() { "x" } else { &tail }
    );
    sample::set_pointer(&mut c, "/subject", Value::String(subject));
    let class = ["public", "internal", "confidential", "restricted"][input.data_class as usize % 4];
    sample::set_pointer(&mut c, "/data_class", Value::String(class.into()));
    sample::set_pointer(
        &mut c,
        "/iat",
        Value::Number(json::Number::Int(sample::SAMPLE_IAT - input.iat_offset as i64)),
    );
    if !input.extension_name.is_empty() && !c.contains(&input.extension_name) {
        c.insert(
            format!("x-{}", input.extension_name),
            Value::String(input.extension_value.clone()),
        );
    }
    c
}

/// The findings that say something about the signature or envelope.
fn signature_failures(report: &trace_record::Report) -> Vec<&'static str> {
    report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && (f.rule.starts_with("TR-SIG") || f.rule.starts_with("TR-GEN")))
        .map(|f| f.rule)
        .collect()
}

/// Sign arbitrary claims in every form with one key: each verifies without any signature
/// or parse failure, decodes to exactly the signed record, all forms agree on the verdict
/// and the findings, and a one-letter change of the signed subject rejects in each form.
pub fn sign_roundtrip(data: &[u8]) {
    let Ok(input) = SignInput::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let alg = [Alg::EdDSA, Alg::ES256, Alg::ES384][input.alg as usize % 3];
    let key = sample::test_key(alg, "fuzz");
    let mut opts = VerifyOptions::at(sample::SAMPLE_IAT);
    opts.trusted_keys = vec![TrustedKey::Jwk(key.public_key())];
    let claims = claims(&input);
    let mut outcomes = Vec::new();
    for form in FORMS {
        let bytes = sign::sign(&claims, &key, None, form, CoseTag::Tagged);
        let decoded = envelope::decode(&bytes, form).unwrap_or_else(|f| panic!("{form:?} of signed claims: {f:?}"));
        let mut expected = claims.clone();
        let mut cnf = Object::new();
        cnf.insert("jwk", Value::Object(key.public_key().to_jwk()));
        expected.insert("cnf", Value::Object(cnf));
        let mut got = decoded.record.as_object().expect("an object").clone();
        got.remove("signature");
        assert_eq!(
            jcs::canonicalize(&Value::Object(got)),
            jcs::canonicalize(&Value::Object(expected)),
            "{form:?}: decode(encode(x)) != x"
        );
        let report = trace_record::verify(&bytes, &opts);
        crate::codec::check_report(&report);
        assert!(
            signature_failures(&report).is_empty(),
            "{form:?}: {:?}",
            report.findings
        );
        let findings: Vec<(&str, Status)> = report
            .findings
            .iter()
            .filter(|f| f.rule != "TR-SIG-011")
            .map(|f| (f.rule, f.status))
            .collect();
        outcomes.push((report.verdict, findings));
        let tampered = tamper(&bytes, form);
        let after = trace_record::verify(&tampered, &opts);
        assert_ne!(
            after.verdict,
            Verdict::Accept,
            "{form:?}: a changed subject was accepted"
        );
        assert!(
            signature_failures(&after).contains(&"TR-SIG-005"),
            "{form:?}: {:?}",
            after.findings
        );
    }
    assert!(
        outcomes.windows(2).all(|w| w[0] == w[1]),
        "the forms disagree: {outcomes:?}"
    );
}

/// The signed bytes with the last letter of the subject's agent name swapped in case,
/// keeping every length and the envelope's structure.
fn tamper(bytes: &[u8], form: Form) -> Vec<u8> {
    let swap = |text: &mut [u8]| {
        let needle = b"/agent/";
        let at = text
            .windows(needle.len())
            .position(|w| w == needle)
            .expect("the subject is signed")
            + needle.len();
        let end = at + text[at..].iter().position(|b| *b == b'"').expect("a closed string");
        let letter = (at..end).rev().find(|i| text[*i].is_ascii_alphabetic());
        match letter {
            Some(i) => text[i] ^= 0x20,
            None => text[at] = if text[at] == b'0' { b'1' } else { b'0' },
        }
    };
    match form {
        Form::Embedded | Form::Cose => {
            let mut out = bytes.to_vec();
            swap(&mut out);
            out
        }
        Form::Jws => {
            let text = std::str::from_utf8(bytes).expect("compact JWS is ASCII");
            let parts: Vec<&str> = text.split('.').collect();
            let mut payload = b64::decode(parts[1]).expect("payload");
            swap(&mut payload);
            format!("{}.{}.{}", parts[0], b64::encode(&payload), parts[2]).into_bytes()
        }
    }
}

/// Any bytes decoded as `form`: no panic, and whatever decodes verifies consistently.
pub fn decode_form(data: &[u8], form: Form) {
    let _ = envelope::decode(data, form);
    let mut opts = VerifyOptions::embedded_key_at(sample::SAMPLE_IAT);
    opts.form = trace_record::FormChoice::Only(form);
    crate::codec::check_report(&trace_record::verify(data, &opts));
}

/// Any bytes as a RuntimeClaim, checked over both canonical forms: no panic, and every
/// report is self-consistent.
pub fn cmcp_claim(data: &[u8]) {
    for canon in [CmcpCanonicalization::Jcs, CmcpCanonicalization::Pyjson] {
        let mut opts = VerifyOptions::embedded_key_at(sample::SAMPLE_IAT);
        opts.cmcp_canonicalization = canon;
        crate::codec::check_report(&trace_record::verify(data, &opts));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_round_trips_for_simple_and_odd_inputs() {
        sign_roundtrip(&[]);
        sign_roundtrip(b"subject\x05\x00ext\x03val\x01\x00\x10");
        sign_roundtrip(&[0xff; 64]);
        sign_roundtrip(&(0u8..=255).collect::<Vec<_>>());
    }

    #[test]
    fn tampering_changes_exactly_the_signed_subject() {
        let key = sample::test_key(Alg::EdDSA, "fuzz");
        for form in FORMS {
            let bytes = sign::sign(&sample::base_claims(), &key, None, form, CoseTag::Tagged);
            let t = tamper(&bytes, form);
            assert_ne!(t, bytes);
            if form != Form::Jws {
                assert_eq!(t.len(), bytes.len());
                assert_eq!(t.iter().zip(&bytes).filter(|(a, b)| a != b).count(), 1);
            }
        }
    }
}
