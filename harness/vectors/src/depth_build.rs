//! The knobs of a `verify-provenance-depth` vector: a record's `build_provenance`, the
//! verifier's trust configuration, and the attestations its URIs resolve to (offline), then
//! one documented change.
//!
//! Owns: [`DepthBuild`] and its materialisation into `{build_provenance, context,
//! attempted_depth}`. Every knob that is set must change the document; one with no effect is
//! a generator error. Does not own which depth vectors exist (`sets::dep`).

use sha2::{Digest, Sha256};
use trace_record::jcs;
use trace_record::json::{self, Object, Value};
use trace_record::provenance::Depth;
use trace_record::sample::{self, hex};

pub const BUILDER: &str = "https://builder.example/slsa-generator";
pub const URI: &str = "https://provenance.example/agent/1.0.0.intoto.jsonl";
pub const ISSUER: &str = "https://token.actions.githubusercontent.com";
pub const DEPS: [&str; 2] = ["pkg:cargo/serde@1.0.200", "pkg:pypi/requests@2.32.3"];

pub fn digest_of(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

pub fn artifact_digest() -> String {
    format!("sha256:{}", digest_of("trace-conformance/provenance-depth/artifact"))
}

/// The same artifact named by a SHA-384 digest.
pub fn artifact_digest_sha384() -> String {
    format!(
        "sha384:{}",
        hex(&sha2::Sha384::digest(b"trace-conformance/provenance-depth/artifact"))
    )
}

#[derive(Clone, Debug)]
pub struct DepthBuild {
    pub attempted: Depth,
    /// build_provenance members set (Some) or removed (None).
    pub record: Vec<(&'static str, Option<Value>)>,
    /// Members of the top-level attestation's statement set or removed, by pointer.
    pub statement: Vec<(&'static str, Option<Value>)>,
    /// provenance_uri resolves to nothing.
    pub unresolvable: bool,
    /// The publisher attestation of the n-th build input is missing.
    pub dependency_unattested: Option<usize>,
    /// The n-th build input was published under this (untrusted) issuer.
    pub dependency_issuer: Option<(usize, &'static str)>,
    /// The artifact (record, context, attestation subject) is named by its SHA-384 digest.
    pub sha384: bool,
    /// The attestation is SLSA provenance v0.2: builder.id and materials in the predicate.
    pub slsa_v0_2: bool,
    /// Leave attempted_depth out: the depth is the record's provenance_depth (or surface).
    pub no_attempted: bool,
    /// The profile's minimum verified depth (context.min_verified_depth).
    pub floor: Option<&'static str>,
    /// Give the attestation as a DSSE envelope signed by a test attestor, spoiled this way.
    pub dsse: Option<DsseKnob>,
}

/// How the attestation's DSSE envelope is made (the attestor's key is always trusted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DsseKnob {
    Genuine,
    /// Signed by a key the verifier does not trust.
    UntrustedSigner,
    /// The payload changed after signing (a subject swapped in transit).
    PayloadAltered,
    /// Signed over the bare payload instead of the DSSE pre-authentication encoding.
    SignedWithoutPae,
}

pub const ATTESTOR: &str = "slsa-attestor";
const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

fn pae(payload: &[u8]) -> Vec<u8> {
    let mut out = format!("DSSEv1 {} {PAYLOAD_TYPE} {} ", PAYLOAD_TYPE.len(), payload.len()).into_bytes();
    out.extend_from_slice(payload);
    out
}

fn envelope(statement: &Object, knob: DsseKnob) -> Value {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let payload = jcs::canonicalize(&Value::Object(statement.clone()));
    let signer = match knob {
        DsseKnob::UntrustedSigner => "slsa-impostor",
        _ => ATTESTOR,
    };
    let key = sample::test_key(trace_record::Alg::EdDSA, signer);
    let sig = match knob {
        DsseKnob::SignedWithoutPae => key.sign(&payload),
        _ => key.sign(&pae(&payload)),
    };
    let carried = match knob {
        DsseKnob::PayloadAltered => String::from_utf8(payload.clone())
            .expect("JSON text")
            .replacen("registry.example/agent", "registry.example/other", 1)
            .into_bytes(),
        _ => payload,
    };
    let mut sig_entry = Object::new();
    sig_entry.insert("keyid", Value::String(ATTESTOR.into()));
    sig_entry.insert("sig", Value::String(STANDARD.encode(sig)));
    let mut e = Object::new();
    e.insert("payloadType", Value::String(PAYLOAD_TYPE.into()));
    e.insert("payload", Value::String(STANDARD.encode(carried)));
    e.insert("signatures", Value::Array(vec![Value::Object(sig_entry)]));
    Value::Object(e)
}

impl DepthBuild {
    pub fn at(attempted: Depth) -> DepthBuild {
        DepthBuild {
            attempted,
            record: Vec::new(),
            statement: Vec::new(),
            unresolvable: false,
            dependency_unattested: None,
            dependency_issuer: None,
            sha384: false,
            slsa_v0_2: false,
            no_attempted: false,
            floor: None,
            dsse: None,
        }
    }

    fn parse(text: &str) -> Value {
        json::parse(text.as_bytes()).expect("builder JSON")
    }

    pub fn materialize(&self) -> Result<Vec<u8>, String> {
        let artifact = if self.sha384 {
            artifact_digest_sha384()
        } else {
            artifact_digest()
        };
        let (subject_alg, subject_hex) = artifact.split_once(':').expect("alg:hex");
        let mut record = match Self::parse(&format!(
            r#"{{"slsa_level":3,"builder":"{BUILDER}","digest":"{artifact}","provenance_uri":"{URI}"}}"#
        )) {
            Value::Object(o) => o,
            _ => unreachable!(),
        };
        for (k, v) in &self.record {
            let before = record.clone();
            match v {
                Some(v) => record.insert(*k, v.clone()),
                None => {
                    record.remove(k);
                }
            }
            if before == record {
                return Err(format!("depth knob record.{k} had no effect"));
            }
        }
        let deps: Vec<String> = DEPS
            .iter()
            .map(|d| format!(r#"{{"uri":"{d}","digest":{{"sha256":"{}"}}}}"#, digest_of(d)))
            .collect();
        let subject = format!(r#"[{{"name":"registry.example/agent","digest":{{"{subject_alg}":"{subject_hex}"}}}}]"#);
        let statement_text = if self.slsa_v0_2 {
            format!(
                r#"{{"_type":"https://in-toto.io/Statement/v0.1","subject":{subject},"predicateType":"https://slsa.dev/provenance/v0.2","predicate":{{"builder":{{"id":"{BUILDER}"}},"buildType":"https://slsa.dev/container-based-build/v0.1","materials":[{}]}}}}"#,
                deps.join(",")
            )
        } else {
            format!(
                r#"{{"_type":"https://in-toto.io/Statement/v1","subject":{subject},"predicateType":"https://slsa.dev/provenance/v1","predicate":{{"buildDefinition":{{"buildType":"https://slsa.dev/container-based-build/v0.1","resolvedDependencies":[{}]}},"runDetails":{{"builder":{{"id":"{BUILDER}"}}}}}}}}"#,
                deps.join(",")
            )
        };
        let mut statement = match Self::parse(&statement_text) {
            Value::Object(o) => o,
            _ => unreachable!(),
        };
        for (p, v) in &self.statement {
            let before = statement.clone();
            match v {
                Some(v) => sample::set_pointer(&mut statement, p, v.clone()),
                None => sample::remove_pointer(&mut statement, p),
            }
            if before == statement {
                return Err(format!("depth knob statement {p} had no effect"));
            }
        }
        let mut attestations = Object::new();
        if !self.unresolvable {
            let mut a = Object::new();
            match self.dsse {
                Some(knob) => a.insert("envelope", envelope(&statement, knob)),
                None => a.insert("statement", Value::Object(statement)),
            }
            attestations.insert(URI, Value::Object(a));
        }
        let mut published = Object::new();
        for (i, d) in DEPS.iter().enumerate() {
            if self.dependency_unattested == Some(i) {
                continue;
            }
            let issuer = match self.dependency_issuer {
                Some((n, issuer)) if n == i => issuer,
                _ => ISSUER,
            };
            published.insert(
                *d,
                Self::parse(&format!(
                    r#"{{"statement":{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"{d}","digest":{{"sha256":"{}"}}}}]}},"verified_identity":{{"issuer":"{issuer}","subject_alternative_name":"https://publisher.example/{i}"}}}}"#,
                    digest_of(d)
                )),
            );
        }
        let mut context = Object::new();
        context.insert("artifact_digest", Value::String(artifact));
        context.insert("trusted_builders", Self::parse(&format!(r#"["{BUILDER}"]"#)));
        context.insert("trusted_publisher_issuers", Self::parse(&format!(r#"["{ISSUER}"]"#)));
        context.insert("attestations", Value::Object(attestations));
        context.insert("dependency_attestations", Value::Object(published));
        if self.dsse.is_some() {
            let attestor = sample::test_key(trace_record::Alg::EdDSA, ATTESTOR)
                .public_key()
                .to_jwk();
            context.insert("attestation_keys", Value::Array(vec![Value::Object(attestor)]));
        }
        if let Some(floor) = self.floor {
            context.insert("min_verified_depth", Value::String(floor.into()));
        }
        let mut doc = Object::new();
        doc.insert("build_provenance", Value::Object(record));
        doc.insert("context", Value::Object(context));
        if !self.no_attempted {
            doc.insert("attempted_depth", Value::String(self.attempted.name().into()));
        }
        Ok(jcs::canonicalize(&Value::Object(doc)))
    }
}
