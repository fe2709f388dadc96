//! Deterministic test material: published test keys and a valid base record.
//!
//! Owns: the suite's test keys (each derived from a published seed string, so anyone can
//! re-derive them; they protect nothing) and a minimal valid v0.2 record. Used by tests,
//! the built-in case set and the vector generator. Does not own any expectation.

use crate::json::{self, Object, Value};
use crate::keys::{Alg, SigningKey};
use sha2::{Digest, Sha256};

/// The fixed verification time of the sample record: 2026-07-25T17:20:00Z.
pub const SAMPLE_IAT: i64 = 1_785_000_000;

/// The seed string of a test key; the key's private scalar is SHA-256 of it.
pub fn seed_text(alg: Alg, name: &str) -> String {
    format!("trace-conformance test key {} {name}", alg.jose_name())
}

/// A deterministic test key. `name` distinguishes several keys of one algorithm.
pub fn test_key(alg: Alg, name: &str) -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(seed_text(alg, name).as_bytes()).into();
    SigningKey::from_seed(alg, &seed).expect("SHA-256 seeds are valid scalars for these curves")
}

/// The RFC 8037 Appendix A.1 Ed25519 key (its private half is published in the RFC).
pub fn rfc8037_key() -> SigningKey {
    let jwk = r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    SigningKey::from_private_jwk(&json::parse(jwk.as_bytes()).expect("json")).expect("RFC 8037 key")
}

fn digest(tag: &str) -> String {
    format!("sha256:{}", hex(&Sha256::digest(tag.as_bytes())))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A minimal valid Level 0 claims object (no `cnf`, no `signature`): software-only,
/// appraisal `none`, issued at [`SAMPLE_IAT`].
pub fn base_claims() -> Object {
    let text = format!(
        r#"{{
  "eat_profile": "tag:agentrust-io.com,2026:trace-v0.2",
  "iat": {SAMPLE_IAT},
  "subject": "spiffe://conformance.example/agent/sample",
  "model": {{"provider": "example", "model_id": "sample-model", "version": "1"}},
  "runtime": {{"platform": "software-only", "measurement": "sha256:{zeros}"}},
  "policy": {{"bundle_hash": "{policy}", "enforcement_mode": "enforce"}},
  "data_class": "internal",
  "build_provenance": {{"slsa_level": 1, "digest": "{build}"}},
  "appraisal": {{"status": "none", "verifier": "https://verifier.conformance.example/"}}
}}"#,
        zeros = "0".repeat(64),
        policy = digest("policy bundle"),
        build = digest("workload image"),
    );
    match json::parse(text.as_bytes()).expect("sample parses") {
        Value::Object(o) => o,
        _ => unreachable!("sample is an object"),
    }
}

/// Claims shaped for Levels 1 and 2: a hardware platform with a non-zero measurement,
/// an affirming appraisal, a tool transcript and a transparency URI.
pub fn hardware_claims() -> Object {
    let mut c = base_claims();
    let set = |c: &mut Object, path: &str, v: Value| set_pointer(c, path, v);
    set(&mut c, "/runtime/platform", Value::String("amd-sev-snp".into()));
    set(
        &mut c,
        "/runtime/measurement",
        Value::String(format!("sha384:{}", "ab".repeat(48))),
    );
    set(&mut c, "/appraisal/status", Value::String("affirming".into()));
    set(
        &mut c,
        "/build_provenance/slsa_level",
        Value::Number(json::Number::Int(3)),
    );
    let transcript =
        json::parse(format!(r#"{{"hash":"{}","call_count":3}}"#, digest("transcript")).as_bytes()).expect("json");
    c.insert("tool_transcript", transcript);
    c.insert(
        "transparency",
        Value::String("https://log.conformance.example/entries/1".into()),
    );
    c
}

/// Sets the member at a pointer of plain names, creating objects on the way.
pub fn set_pointer(obj: &mut Object, pointer: &str, value: Value) {
    let names: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let (last, parents) = names.split_last().expect("non-empty pointer");
    let mut here = obj;
    for name in parents {
        if !matches!(here.get(name), Some(Value::Object(_))) {
            here.insert(*name, Value::Object(Object::new()));
        }
        here = match here.get_mut(name) {
            Some(Value::Object(o)) => o,
            _ => unreachable!("just inserted an object"),
        };
    }
    here.insert(*last, value);
}

/// Removes the member at a pointer of plain names, if present.
pub fn remove_pointer(obj: &mut Object, pointer: &str) {
    let names: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let (last, parents) = names.split_last().expect("non-empty pointer");
    let mut here = obj;
    for name in parents {
        here = match here.get_mut(name) {
            Some(Value::Object(o)) => o,
            _ => return,
        };
    }
    here.remove(last);
}
