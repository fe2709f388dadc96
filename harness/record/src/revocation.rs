//! Revocation of record-signing keys (S2 §3.2.3): signed `TraceRevocationBundle/1.0`
//! bundles of `TraceRevocation/1.0` statements, the entry-ID rule on the named log, the
//! binary fallback, signing-key independence, and what a verifier reports when it could not
//! check (an expired, untrusted or malformed bundle is never a pass).
//!
//! Owns: [`check`], which turns a bundle and the record's key into findings. Does not own
//! fetching bundles or deciding which log entry a record sits at: the caller supplies the
//! record's entry (IMPL-08; entry IDs are compared as non-negative integers).

use crate::b64;
use crate::finding::{Finding, Status};
use crate::jcs;
use crate::json::{Number, Object, Value};
use crate::keys::{Alg, PublicKey};

/// What the verifier holds for the revocation check.
#[derive(Clone, Debug)]
pub struct RevocationInputs {
    pub bundle: Value,
    /// Keys trusted to sign bundles, named by RFC 7638 thumbprint or `kid` in `bundle_key_id`.
    pub bundle_keys: Vec<(PublicKey, Option<String>)>,
    /// The profile's maximum bundle age in seconds (S2 §3.2.2's model).
    pub max_bundle_age: i64,
    /// The record's inclusion entry: (log id, entry id), when it has one.
    pub entry: Option<(String, String)>,
}

impl RevocationInputs {
    /// Reads `{bundle, bundle_keys: [public JWK], max_bundle_age, entry: {log_id, entry_id} | null}`
    /// (the protocol's and the vectors' form).
    pub fn from_json(v: &Value) -> Result<RevocationInputs, String> {
        let o = v.as_object().ok_or("revocation inputs are not an object")?;
        let bundle = o.get("bundle").cloned().ok_or("revocation inputs have no bundle")?;
        let mut bundle_keys = Vec::new();
        for k in match o.get("bundle_keys") {
            Some(Value::Array(a)) => a.as_slice(),
            _ => return Err("bundle_keys is not an array".into()),
        } {
            let key = PublicKey::from_jwk(k).map_err(|e| format!("bundle key: {e}"))?;
            let kid = k
                .as_object()
                .and_then(|j| j.get("kid"))
                .and_then(Value::as_str)
                .map(str::to_string);
            bundle_keys.push((key, kid));
        }
        let max_bundle_age = match o.get("max_bundle_age") {
            Some(Value::Number(Number::Int(n))) if *n >= 0 => *n,
            _ => return Err("max_bundle_age is not a non-negative integer".into()),
        };
        let entry = match o.get("entry") {
            None | Some(Value::Null) => None,
            Some(e) => {
                let log = e.as_object().and_then(|e| e.get("log_id")).and_then(Value::as_str);
                let id = e.as_object().and_then(|e| e.get("entry_id")).and_then(Value::as_str);
                match (log, id) {
                    (Some(l), Some(i)) => Some((l.to_string(), i.to_string())),
                    _ => return Err("entry is not {log_id, entry_id}".into()),
                }
            }
        };
        Ok(RevocationInputs {
            bundle,
            bundle_keys,
            max_bundle_age,
            entry,
        })
    }
}

/// The record's signing key as statements may name it.
pub struct RecordKey<'a> {
    pub thumbprint: &'a str,
    pub kid: Option<&'a str>,
}

fn unverified(cause: &str, message: String) -> Finding {
    Finding::new(
        "TR-REV-002",
        Status::Advisory,
        "revocation/unverified",
        "",
        format!("unverified for revocation ({cause}): {message}"),
    )
}

fn int(o: &Object, name: &str) -> Option<i64> {
    match o.get(name) {
        Some(Value::Number(Number::Int(n))) if *n >= 1_700_000_000 => Some(*n),
        _ => None,
    }
}

fn nonempty<'a>(o: &'a Object, name: &str) -> Option<&'a str> {
    o.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn sig_ok(o: &Object) -> bool {
    let Some(Value::Object(sig)) = o.get("sig") else {
        return false;
    };
    sig.len() == 2
        && matches!(
            sig.get("alg").and_then(Value::as_str),
            Some("ed25519" | "ES256" | "ES384")
        )
        && sig
            .get("value")
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty() && b64::decode(v).is_ok())
}

fn only(o: &Object, allowed: &[&str]) -> bool {
    o.iter().all(|(k, _)| allowed.contains(&k.as_str()))
}

/// RSCH: the statement's shape.
fn statement_ok(s: &Value, log_id: &str) -> bool {
    let Value::Object(s) = s else { return false };
    only(
        s,
        &[
            "type",
            "compromised_key_id",
            "last_valid_entry_id",
            "revoked_after_entry",
            "log_id",
            "reason",
            "revoked_at",
            "revocation_key_id",
            "sig",
        ],
    ) && s.get("type").and_then(Value::as_str) == Some("TraceRevocation/1.0")
        && [
            "compromised_key_id",
            "last_valid_entry_id",
            "log_id",
            "revocation_key_id",
        ]
        .iter()
        .all(|m| nonempty(s, m).is_some())
        && s.get("log_id").and_then(Value::as_str) == Some(log_id)
        && (!s.contains("revoked_after_entry") || nonempty(s, "revoked_after_entry").is_some())
        && (!s.contains("reason") || s.get("reason").and_then(Value::as_str).is_some())
        && (!s.contains("revoked_at") || int(s, "revoked_at").is_some())
        && sig_ok(s)
}

fn entry_number(id: &str) -> Option<u64> {
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .then(|| id.parse().ok())
        .flatten()
}

/// The findings of the revocation check for a record signed by `key`, at `now`.
pub fn check(inputs: &RevocationInputs, key: &RecordKey, now: i64, skew: i64) -> Vec<Finding> {
    let Value::Object(bundle) = &inputs.bundle else {
        return vec![unverified("bundle_malformed", "the bundle is not an object".into())];
    };
    let log_id = nonempty(bundle, "log_id");
    let (issued, until) = (int(bundle, "issued_at"), int(bundle, "valid_until"));
    let statements = match bundle.get("statements") {
        Some(Value::Array(a)) => Some(a.as_slice()),
        _ => None,
    };
    let shape = only(
        bundle,
        &[
            "type",
            "log_id",
            "issued_at",
            "valid_until",
            "statements",
            "bundle_key_id",
            "sig",
        ],
    ) && bundle.get("type").and_then(Value::as_str) == Some("TraceRevocationBundle/1.0")
        && nonempty(bundle, "bundle_key_id").is_some()
        && sig_ok(bundle);
    let (Some(log_id), Some(issued), Some(until), Some(statements), true) = (log_id, issued, until, statements, shape)
    else {
        return vec![unverified(
            "bundle_malformed",
            "the bundle does not have the TraceRevocationBundle/1.0 shape".into(),
        )];
    };
    if let Some(i) = statements.iter().position(|s| !statement_ok(s, log_id)) {
        return vec![unverified(
            "bundle_malformed",
            format!("statement {i} is not a TraceRevocation/1.0 statement on log {log_id:?}"),
        )];
    }
    // The bundle signature, by a trusted bundle key named by thumbprint or kid.
    let key_id = nonempty(bundle, "bundle_key_id").unwrap_or_default();
    let Some((signer, _)) = inputs
        .bundle_keys
        .iter()
        .find(|(k, kid)| k.thumbprint() == key_id || kid.as_deref() == Some(key_id))
    else {
        return vec![unverified(
            "bundle_key_untrusted",
            format!("bundle_key_id {key_id:?} is not a trusted bundle key"),
        )];
    };
    let sig_member = bundle.get("sig").and_then(Value::as_object);
    let alg = sig_member
        .and_then(|s| s.get("alg"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let alg_matches = matches!(
        (alg, signer.alg()),
        ("ed25519", Alg::EdDSA) | ("ES256", Alg::ES256) | ("ES384", Alg::ES384)
    );
    let mut unsigned = bundle.clone();
    unsigned.remove("sig");
    let sig: Option<Vec<u8>> = sig_member
        .and_then(|s| s.get("value"))
        .and_then(Value::as_str)
        .and_then(|v| b64::decode(v).ok());
    let input = jcs::canonicalize(&Value::Object(unsigned));
    let signed = alg_matches && sig.is_some_and(|s| signer.verify(&input, &s).is_ok());
    if !signed {
        return vec![unverified(
            "bundle_signature_invalid",
            "the bundle signature does not verify under the trusted bundle key".into(),
        )];
    }
    // A revoked key counts even in an expired bundle: the statement is signed and can only
    // withdraw trust (research REV-08).
    let mut out = Vec::new();
    let named = |s: &Value| {
        let id = s.pointer("/compromised_key_id").and_then(Value::as_str);
        id == Some(key.thumbprint) || (key.kid.is_some() && id == key.kid)
    };
    for s in statements.iter().filter(|s| named(s)) {
        let last = s
            .pointer("/last_valid_entry_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let self_signed = s.pointer("/revocation_key_id") == s.pointer("/compromised_key_id")
            || s.pointer("/revocation_key_id").and_then(Value::as_str) == Some(key.thumbprint)
            || (key.kid.is_some() && s.pointer("/revocation_key_id").and_then(Value::as_str) == key.kid);
        if self_signed {
            out.push(Finding::fail(
                "TR-REV-005",
                "revocation/self-signed-statement",
                "/cnf/jwk",
                "the record's key is revoked by a statement it signed itself: its last_valid_entry_id cannot be trusted, so every record of the key is rejected",
            ));
            continue;
        }
        let entry = inputs.entry.as_ref().filter(|(log, _)| log == log_id);
        match entry.and_then(|(_, id)| Some((entry_number(id)?, entry_number(last)?))) {
            None => out.push(Finding::fail(
                "TR-REV-003",
                "revocation/key-revoked",
                "/cnf/jwk",
                format!("the record's key is revoked and the record has no comparable inclusion entry on log {log_id:?}: binary fallback"),
            )),
            Some((id, last)) if id > last => out.push(Finding::fail(
                "TR-REV-004",
                "revocation/after-last-valid-entry",
                "/cnf/jwk",
                format!("the record's key is revoked after entry {last}; the record is at entry {id}"),
            )),
            Some(_) => {}
        }
    }
    if issued > now + skew {
        out.push(unverified(
            "bundle_issued_in_future",
            format!("the bundle was issued at {issued}, after now plus skew"),
        ));
    } else if now > until || now - issued > inputs.max_bundle_age {
        out.push(unverified(
            "bundle_expired",
            format!(
                "the bundle was valid until {until} (issued {issued}, max age {} s)",
                inputs.max_bundle_age
            ),
        ));
    } else {
        out.push(Finding::new(
            "TR-REV-006",
            Status::Advisory,
            "revocation/checked",
            "",
            format!("verified against revocation bundle of log {log_id:?} valid until {until}"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maximum_bundle_age_is_a_non_negative_integer() {
        let inputs = |age: &str| {
            let text = format!(r#"{{"bundle":{{}},"bundle_keys":[],"max_bundle_age":{age},"entry":null}}"#);
            RevocationInputs::from_json(&crate::json::parse(text.as_bytes()).unwrap())
        };
        assert_eq!(inputs("0").map(|i| i.max_bundle_age), Ok(0));
        assert_eq!(inputs("86400").map(|i| i.max_bundle_age), Ok(86_400));
        for bad in ["-1", "1.5", "\"60\"", "null"] {
            assert!(inputs(bad).is_err(), "{bad}");
        }
    }
}
