//! Benchmark inputs: distinct signed Level 0 records in every form and algorithm, with the
//! pieces a bare signature check needs, so every bench times the same records both ways.
//!
//! Owns: building deterministic corpora from the suite's published test keys. Does not own
//! any timing (benches/verify.rs) or expectation.
#![forbid(unsafe_code)]

use trace_record::envelope::{self, CoseTag, Form, SignatureField};
use trace_record::json::Value;
use trace_record::keys::{Alg, PublicKey};
use trace_record::{TrustedKey, Verdict, VerifyOptions, sample, sign};

/// One signed record and what verifying it needs.
pub struct Signed {
    pub bytes: Vec<u8>,
    pub opts: VerifyOptions,
    pub alg: Alg,
    /// The raw public key, the exact bytes the signature covers, and the signature: all a
    /// bare signature check needs.
    pub raw_key: Vec<u8>,
    pub signing_input: Vec<u8>,
    pub signature: Vec<u8>,
}

impl Signed {
    /// The bare signature check: decode the raw key (RFC 8032 §5.1.7 step 1 decodes A; SEC1
    /// points are checked on the curve) and verify, nothing else.
    pub fn bare_verify(&self) -> bool {
        PublicKey::from_raw(self.alg, &self.raw_key)
            .is_ok_and(|k| k.verify(&self.signing_input, &self.signature).is_ok())
    }
}

/// `count` distinct records (each with its own subject) signed with one test key in
/// `form`, each checked to verify before it is returned.
pub fn corpus(alg: Alg, form: Form, count: usize) -> Vec<Signed> {
    let key = sample::test_key(alg, "bench");
    let public = key.public_key();
    let mut opts = VerifyOptions::at(sample::SAMPLE_IAT);
    opts.trusted_keys = vec![TrustedKey::Jwk(public.clone())];
    (0..count)
        .map(|i| {
            let mut claims = sample::base_claims();
            let subject = format!("spiffe://conformance.example/agent/bench-{i}");
            sample::set_pointer(&mut claims, "/subject", Value::String(subject));
            let bytes = sign::sign(&claims, &key, None, form, CoseTag::Tagged);
            let decoded = envelope::decode(&bytes, form).expect("a signed record decodes");
            let SignatureField::Bytes(signature) = decoded.signature else {
                panic!("a signed record has a signature");
            };
            let report = trace_record::verify(&bytes, &opts);
            assert_eq!(report.verdict, Verdict::Accept, "{:?}", report.findings);
            Signed {
                bytes,
                opts: opts.clone(),
                alg,
                raw_key: public.to_raw(),
                signing_input: decoded.signing_input,
                signature,
            }
        })
        .collect()
}

/// The forms and algorithms benchmarked, with names safe for criterion's directories.
pub fn matrix() -> Vec<(Form, Alg, String)> {
    let mut out = Vec::new();
    for form in [Form::Embedded, Form::Jws, Form::Cose] {
        for alg in [Alg::EdDSA, Alg::ES256, Alg::ES384] {
            out.push((form, alg, format!("{}-{}", form.name(), alg.jose_name())));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_and_algorithm_yields_distinct_verifying_records() {
        for (form, alg, _) in matrix() {
            let set = corpus(alg, form, 2);
            assert_ne!(set[0].bytes, set[1].bytes);
            for s in &set {
                assert!(s.bare_verify());
                let mut tampered = Signed {
                    signing_input: s.signing_input.clone(),
                    bytes: Vec::new(),
                    opts: s.opts.clone(),
                    alg: s.alg,
                    raw_key: s.raw_key.clone(),
                    signature: s.signature.clone(),
                };
                tampered.signing_input[5] ^= 1;
                assert!(!tampered.bare_verify());
            }
        }
    }
}
