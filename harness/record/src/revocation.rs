//! Revocation of record-signing keys (S2 §3.2.3): signed `TraceRevocationBundle/1.0`
//! bundles of `TraceRevocation/1.0` statements, the entry-ID rule on the named log, the
//! binary fallback, signing-key independence, and what a verifier reports when it could not
//! check (an expired, untrusted or malformed bundle is never a pass).
//!
//! Every statement naming the record's key is verified on its own (RSCH-01: a signature over
//! RFC 8785 of the statement without `sig`) by a key the verifier designates to sign
//! revocations, which must not be the revoked key (S2 §3.2.3, signing-key independence):
//! the bundle's signature only says who assembled the bundle. A statement that cannot be
//! verified neither revokes nor clears the key: the record is unverified for revocation.
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
    /// Keys designated to sign revocation statements, each above a record-signing key in
    /// the S2 §3.2.1 hierarchy or an independent organisational recovery key; a statement
    /// names its signer in `revocation_key_id` by RFC 7638 thumbprint or `kid`.
    pub statement_keys: Vec<StatementKey>,
}

/// A key designated to sign revocation statements.
#[derive(Clone, Debug)]
pub struct StatementKey {
    pub key: PublicKey,
    pub kid: Option<String>,
    pub role: StatementKeyRole,
}

/// Where a statement key sits (S2 §3.2.1 hierarchy, or beside it as a recovery key). Every
/// role is above a record-signing key, which can never sign its own revocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementKeyRole {
    SiliconRoot,
    PlatformAttestation,
    WorkloadAttestation,
    OrganisationalRecovery,
}

impl StatementKeyRole {
    pub const NAMES: [&'static str; 4] = [
        "silicon-root",
        "platform-attestation",
        "workload-attestation",
        "organisational-recovery",
    ];

    pub fn from_name(name: &str) -> Option<StatementKeyRole> {
        Some(match name {
            "silicon-root" => StatementKeyRole::SiliconRoot,
            "platform-attestation" => StatementKeyRole::PlatformAttestation,
            "workload-attestation" => StatementKeyRole::WorkloadAttestation,
            "organisational-recovery" => StatementKeyRole::OrganisationalRecovery,
            _ => return None,
        })
    }
}

impl RevocationInputs {
    /// Reads `{bundle, bundle_keys: [public JWK], max_bundle_age, entry: {log_id, entry_id} | null,
    /// statement_keys?: [{jwk, role}]}` (the protocol's and the vectors' form).
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
        let mut statement_keys = Vec::new();
        match o.get("statement_keys") {
            None => {}
            Some(Value::Array(a)) => {
                for k in a {
                    let k = k.as_object().ok_or("a statement key is not an object")?;
                    let jwk = k.get("jwk").ok_or("a statement key has no jwk")?;
                    let key = PublicKey::from_jwk(jwk).map_err(|e| format!("statement key: {e}"))?;
                    let kid = jwk
                        .as_object()
                        .and_then(|j| j.get("kid"))
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    let role = k
                        .get("role")
                        .and_then(Value::as_str)
                        .and_then(StatementKeyRole::from_name)
                        .ok_or_else(|| format!("a statement key's role is not one of {:?}", StatementKeyRole::NAMES))?;
                    statement_keys.push(StatementKey { key, kid, role });
                }
            }
            Some(_) => return Err("statement_keys is not an array".into()),
        }
        Ok(RevocationInputs {
            bundle,
            bundle_keys,
            max_bundle_age,
            entry,
            statement_keys,
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

/// The `{alg, value}` signature of `o` verifies under `key` over RFC 8785 of `o` without
/// `sig` (the bundle's and each statement's signing input).
fn signature_verifies(o: &Object, key: &PublicKey) -> bool {
    let Some(sig) = o
        .get("sig")
        .and_then(Value::as_object)
        .and_then(|s| s.get("value"))
        .and_then(Value::as_str)
        .and_then(|v| b64::decode(v).ok())
    else {
        return false;
    };
    let mut unsigned = o.clone();
    unsigned.remove("sig");
    key.verify(&jcs::canonicalize(&Value::Object(unsigned)), &sig).is_ok()
}

/// The `sig.alg` of a statement or bundle names the signer's algorithm.
fn sig_alg_matches(o: &Object, key: &PublicKey) -> bool {
    let alg = o
        .get("sig")
        .and_then(Value::as_object)
        .and_then(|s| s.get("alg"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    matches!(
        (alg, key.alg()),
        ("ed25519", Alg::EdDSA) | ("ES256", Alg::ES256) | ("ES384", Alg::ES384)
    )
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
    let signed = sig_alg_matches(bundle, signer) && signature_verifies(bundle, signer);
    if !signed {
        return vec![unverified(
            "bundle_signature_invalid",
            "the bundle signature does not verify under the trusted bundle key".into(),
        )];
    }
    // A revoked key counts even in an expired bundle: each statement is verified on its own
    // signature and can only withdraw trust (PROTOCOL.md §4.1, IMPL-08).
    let mut out = Vec::new();
    let mut statement_unverified = false;
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
        let statement = s.as_object().expect("statements are objects (checked above)");
        let signer = nonempty(statement, "revocation_key_id").and_then(|id| {
            inputs
                .statement_keys
                .iter()
                .find(|k| k.key.thumbprint() == id || k.kid.as_deref() == Some(id))
        });
        // A designated key that is the revoked key itself is no independent signer.
        let self_signed = self_signed || signer.is_some_and(|k| k.key.thumbprint() == key.thumbprint);
        if self_signed {
            out.push(Finding::fail(
                "TR-REV-005",
                "revocation/self-signed-statement",
                "/cnf/jwk",
                "the record's key is revoked by a statement it signed itself: its last_valid_entry_id cannot be trusted, so every record of the key is rejected",
            ));
            continue;
        }
        let Some(signer) = signer else {
            statement_unverified = true;
            out.push(unverified(
                "statement_signer_unknown",
                format!(
                    "a statement revoking the record's key is signed by {:?}, which is not a key designated to sign revocations: it neither revokes nor clears the key",
                    nonempty(statement, "revocation_key_id").unwrap_or_default()
                ),
            ));
            continue;
        };
        if !(sig_alg_matches(statement, &signer.key) && signature_verifies(statement, &signer.key)) {
            statement_unverified = true;
            out.push(unverified(
                "statement_signature_invalid",
                "a statement revoking the record's key does not verify under its designated signer (RFC 8785 of the statement without sig): it neither revokes nor clears the key".into(),
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
    } else if !statement_unverified {
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
