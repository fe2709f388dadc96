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

/// The sample records' `policy.bundle_hash`.
pub fn policy_bundle_hash() -> String {
    digest("policy bundle")
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
        policy = policy_bundle_hash(),
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

/// The reference tokens of an RFC 6901 pointer, unescaped (`~1` is `/`, `~0` is `~`).
fn tokens(pointer: &str) -> Vec<String> {
    assert!(pointer.starts_with('/'), "JSON pointer {pointer:?} must start with '/'");
    pointer[1..]
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// An array index token (RFC 6901 §4: decimal, no leading zeros) for an array of `len`
/// elements; `-` and `len` itself name the position after the last element.
fn index(token: &str, len: usize, pointer: &str) -> usize {
    if token == "-" {
        return len;
    }
    let ok =
        !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) && (token == "0" || !token.starts_with('0'));
    let i: usize = if ok {
        token.parse().unwrap_or(usize::MAX)
    } else {
        usize::MAX
    };
    assert!(
        i <= len,
        "JSON pointer {pointer:?}: {token:?} is not an index of an array of {len}"
    );
    i
}

/// Sets the value at an RFC 6901 pointer: object members by name (missing objects on the
/// way are created), array elements by index (the element is replaced; `-` or the length
/// appends). Panics on a pointer that runs through a scalar or past an array's end: these
/// are builders of test data, and a knob that would silently edit something else than it
/// says must not produce a vector.
pub fn set_pointer(obj: &mut Object, pointer: &str, value: Value) {
    let tokens = tokens(pointer);
    let (last, parents) = tokens.split_last().expect("non-empty pointer");
    let mut here = obj;
    for (depth, name) in parents.iter().enumerate() {
        if !matches!(here.get(name), Some(Value::Object(_) | Value::Array(_))) {
            here.insert(name.as_str(), Value::Object(Object::new()));
        }
        match here.get_mut(name) {
            Some(Value::Object(o)) => here = o,
            Some(Value::Array(a)) => {
                set_in_array(a, &parents[depth + 1..], last, value, pointer);
                return;
            }
            _ => unreachable!("an object or an array"),
        }
    }
    here.insert(last.as_str(), value);
}

fn set_in_array(array: &mut Vec<Value>, rest: &[String], last: &str, value: Value, pointer: &str) {
    let Some((token, rest)) = rest.split_first() else {
        let i = index(last, array.len(), pointer);
        if i == array.len() {
            array.push(value);
        } else {
            array[i] = value;
        }
        return;
    };
    let i = index(token, array.len(), pointer);
    assert!(
        i < array.len(),
        "JSON pointer {pointer:?}: no element {token} to descend into"
    );
    match &mut array[i] {
        Value::Object(o) => {
            let mut tail = String::new();
            for t in rest.iter().map(String::as_str).chain([last]) {
                tail.push('/');
                tail.push_str(&t.replace('~', "~0").replace('/', "~1"));
            }
            set_pointer(o, &tail, value);
        }
        Value::Array(a) => set_in_array(a, rest, last, value, pointer),
        _ => panic!("JSON pointer {pointer:?}: element {token} is neither an object nor an array"),
    }
}

/// Removes the value at an RFC 6901 pointer (object member or array element), if present.
pub fn remove_pointer(obj: &mut Object, pointer: &str) {
    enum Here<'a> {
        Object(&'a mut Object),
        Array(&'a mut Vec<Value>),
    }
    let tokens = tokens(pointer);
    let (last, parents) = tokens.split_last().expect("non-empty pointer");
    let mut here = Here::Object(obj);
    for name in parents {
        let next = match here {
            Here::Object(o) => o.get_mut(name),
            Here::Array(a) => {
                let i = index(name, a.len(), pointer);
                a.get_mut(i)
            }
        };
        here = match next {
            Some(Value::Object(o)) => Here::Object(o),
            Some(Value::Array(a)) => Here::Array(a),
            _ => return,
        };
    }
    match here {
        Here::Object(o) => {
            o.remove(last);
        }
        Here::Array(a) => {
            let i = index(last, a.len(), pointer);
            if i < a.len() {
                a.remove(i);
            }
        }
    }
}

#[cfg(test)]
mod pointer_tests {
    use super::*;

    fn doc() -> Object {
        let v = json::parse(br#"{"subject":[{"name":"a","digest":{"sha256":"00"}}],"a/b":{"~":1}}"#).expect("json");
        v.as_object().expect("object").clone()
    }

    #[test]
    fn a_pointer_into_an_array_edits_the_element_and_keeps_the_array() {
        let mut d = doc();
        set_pointer(&mut d, "/subject/0/digest/sha256", Value::String("ff".into()));
        let text = String::from_utf8(crate::jcs::canonicalize(&Value::Object(d.clone()))).expect("utf8");
        assert!(
            text.contains(r#""subject":[{"digest":{"sha256":"ff"},"name":"a"}]"#),
            "{text}"
        );
        set_pointer(&mut d, "/subject/-", Value::String("appended".into()));
        set_pointer(&mut d, "/a~1b/~0", Value::Number(json::Number::Int(2)));
        let text = String::from_utf8(crate::jcs::canonicalize(&Value::Object(d.clone()))).expect("utf8");
        assert!(
            text.contains(r#""appended"]"#) && text.contains(r#""a/b":{"~":2}"#),
            "{text}"
        );
        remove_pointer(&mut d, "/subject/0/digest");
        remove_pointer(&mut d, "/subject/1");
        let text = String::from_utf8(crate::jcs::canonicalize(&Value::Object(d))).expect("utf8");
        assert!(text.contains(r#""subject":[{"name":"a"}]"#), "{text}");
    }

    #[test]
    fn arrays_nest_and_removing_past_the_end_changes_nothing() {
        let v = json::parse(br#"{"m":[[1,2],[3]]}"#).expect("json");
        let mut d = v.as_object().expect("object").clone();
        set_pointer(&mut d, "/m/0/1", Value::String("two".into()));
        set_pointer(&mut d, "/m/1/-", Value::String("four".into()));
        remove_pointer(&mut d, "/m/1/2");
        remove_pointer(&mut d, "/m/-");
        let text = String::from_utf8(crate::jcs::canonicalize(&Value::Object(d))).expect("utf8");
        assert_eq!(text, r#"{"m":[[1,"two"],[3,"four"]]}"#);
    }

    #[test]
    #[should_panic(expected = "is not an index")]
    fn an_index_past_the_end_is_refused() {
        set_pointer(&mut doc(), "/subject/5/name", Value::Null);
    }

    #[test]
    #[should_panic(expected = "is not an index")]
    fn a_leading_zero_is_not_an_index() {
        set_pointer(&mut doc(), "/subject/00/name", Value::Null);
    }
}
