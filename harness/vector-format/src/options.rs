//! The reference verifier's options for a protocol request: `serve` answers requests with
//! them, and the in-process reference (vector generation, scoring, tools) builds the same
//! request from a vector's context first ([`crate::format::Context::verify_request`]), so
//! the reference answers alike in-process and through the protocol.
//!
//! Owns: reading the inputs of `verify` and `verify-chain` requests (keys, evidence,
//! revocation, inclusion, policy, reference values, deployment) into trace-record's options.
//! Does not own the message types (trace-protocol) or running the verifier.

use serde_json::Value;
use trace_protocol::request;
use trace_record::audit::{ChainOptions, ReceiptPolicy};
use trace_record::cmcp::CmcpCanonicalization;
use trace_record::{Form, FormChoice, Level, Profile, PublicKey, TrustedKey, VerifyOptions, json};

/// A JSON value as trace-record's own JSON tree (what its key and input readers take).
pub fn to_record_json(name: &str, v: &Value) -> Result<json::Value, String> {
    json::parse(v.to_string().as_bytes()).map_err(|e| format!("{name}: {e}"))
}

/// Trusted keys as the wire and vector files carry them: a JWK object, or an RFC 7638
/// thumbprint as a string.
pub fn trusted_keys(keys: &[Value]) -> Result<Vec<TrustedKey>, String> {
    keys.iter()
        .map(|k| match k {
            Value::String(t) => Ok(TrustedKey::Thumbprint(t.clone())),
            Value::Object(_) => Ok(TrustedKey::Jwk(
                PublicKey::from_jwk(&to_record_json("trusted key", k)?).map_err(|e| format!("trusted key: {e}"))?,
            )),
            other => Err(format!(
                "a trusted key is a JWK object or a thumbprint string, not {}",
                crate::format::kind(other)
            )),
        })
        .collect()
}

pub fn form_named(name: &str) -> Result<Form, String> {
    Form::ALL
        .into_iter()
        .find(|f| f.name() == name)
        .ok_or_else(|| format!("format {name:?} is not embedded, jws or cose"))
}

fn cmcp_canonicalization(name: &Option<String>) -> Result<Option<CmcpCanonicalization>, String> {
    name.as_deref()
        .map(|c| {
            CmcpCanonicalization::parse(c).ok_or_else(|| format!("cmcp_canonicalization {c:?} is not jcs or pyjson"))
        })
        .transpose()
}

/// The options of a `verify` request.
pub fn verify(req: &request::Verify) -> Result<VerifyOptions, String> {
    let mut o = VerifyOptions::at(req.verification_time);
    o.level = Level::from_number(req.level).ok_or_else(|| format!("level {} is not 0, 1 or 2", req.level))?;
    o.max_age = req.max_age;
    o.skew = req.skew;
    o.nonce = req.nonce.clone();
    o.form = FormChoice::Only(form_named(&req.format)?);
    o.profile = match req.profile.as_str() {
        "v0.2" => Profile::V02,
        "v0.1" => Profile::V01,
        other => return Err(format!("profile {other:?} is not v0.2 or v0.1")),
    };
    o.strict = req.strict;
    if let Some(c) = cmcp_canonicalization(&req.cmcp_canonicalization)? {
        o.cmcp_canonicalization = c;
    }
    o.trusted_keys = trusted_keys(&req.trusted_keys)?;
    if let Some(input) = &req.evidence {
        o.evidence = Some(trace_hardware::input::facts(input, o.now)?);
    }
    if let Some(inputs) = &req.revocation {
        o.revocation = Some(trace_record::revocation::RevocationInputs::from_json(&to_record_json(
            "revocation",
            inputs,
        )?)?);
    }
    if let Some(receipt) = &req.inclusion {
        o.inclusion = Some(to_record_json("inclusion", receipt)?);
    }
    if let Some(d) = &req.deployment {
        o.deployment = deployment(d)?;
    }
    if let Some(values) = &req.reference_values {
        o.reference_measurements = Some(reference_measurements(values)?);
    }
    if let Some(policy) = &req.policy {
        o.expected_policy_hash = Some(expected_policy_hash(policy)?);
    }
    Ok(o)
}

/// The options of a `verify-chain` request. The claim is checked against its own `cnf`
/// key when no key is trusted.
pub fn chain(req: &request::VerifyChain) -> Result<ChainOptions, String> {
    let mut o = ChainOptions::at(req.verification_time);
    o.claim.max_age = req.max_age;
    o.claim.skew = req.skew;
    if let Some(c) = cmcp_canonicalization(&req.cmcp_canonicalization)? {
        o.claim.cmcp_canonicalization = c;
    }
    o.claim.trusted_keys = trusted_keys(&req.trusted_keys)?;
    o.claim.allow_embedded_key = o.claim.trusted_keys.is_empty();
    for key in &req.issuer_keys {
        o.issuer_keys
            .push(PublicKey::from_jwk(&to_record_json("issuer key", key)?).map_err(|e| format!("issuer key: {e}"))?);
    }
    o.receipts = ReceiptPolicy::parse(&req.receipts)
        .ok_or_else(|| format!("receipts {:?} is not trace or cmcp-compat", req.receipts))?;
    Ok(o)
}

/// A `deployment` input: `{"fips": bool, "min_slsa_level": int, "require_policy_evaluation":
/// bool}`, each optional, nothing else.
pub fn deployment(v: &Value) -> Result<trace_record::Deployment, String> {
    let o = v.as_object().ok_or("deployment is not an object")?;
    if let Some(k) = o
        .keys()
        .find(|k| !matches!(k.as_str(), "fips" | "min_slsa_level" | "require_policy_evaluation"))
    {
        return Err(format!("deployment has an unknown member {k:?}"));
    }
    let flag = |name: &str| match o.get(name) {
        None => Ok(false),
        Some(f) => f.as_bool().ok_or(format!("deployment.{name} is not a boolean")),
    };
    Ok(trace_record::Deployment {
        fips: flag("fips")?,
        min_slsa_level: match o.get("min_slsa_level") {
            None => None,
            Some(n) => Some(n.as_i64().ok_or("deployment.min_slsa_level is not an integer")?),
        },
        require_policy_evaluation: flag("require_policy_evaluation")?,
    })
}

/// The `measurements` of a `reference_values` input (`{"measurements": ["<alg>:<hex>", ...]}`).
pub fn reference_measurements(v: &Value) -> Result<Vec<String>, String> {
    v.get("measurements")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .map(|m| m.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| "reference_values has no measurements array of strings".to_string())
}

/// The `bundle_hash` of a `policy` input (`{"bundle_hash": "<alg>:<hex>"}`).
pub fn expected_policy_hash(v: &Value) -> Result<String, String> {
    v.get("bundle_hash")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| "policy has no bundle_hash string".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_key_that_is_neither_object_nor_string_is_refused() {
        assert!(trusted_keys(&[json!(7)]).is_err());
        assert!(trusted_keys(&[json!(null)]).is_err());
        assert!(matches!(
            trusted_keys(&[json!("abc")]).unwrap().as_slice(),
            [TrustedKey::Thumbprint(t)] if t == "abc"
        ));
    }

    #[test]
    fn deployment_members_are_typed_and_closed() {
        let d = deployment(&json!({"fips": true, "min_slsa_level": 2})).unwrap();
        assert!(d.fips && !d.require_policy_evaluation);
        assert_eq!(d.min_slsa_level, Some(2));
        assert!(deployment(&json!({"fips": "yes"})).is_err());
        assert!(deployment(&json!({"min_slsa_level": 1.5})).is_err());
        assert!(deployment(&json!({"other": true})).is_err());
        assert!(deployment(&json!([])).is_err());
    }

    #[test]
    fn policy_and_reference_values_need_their_member() {
        assert_eq!(
            expected_policy_hash(&json!({"bundle_hash": "sha256:ab"})).unwrap(),
            "sha256:ab"
        );
        assert!(expected_policy_hash(&json!({"bundle_hash": 1})).is_err());
        assert_eq!(
            reference_measurements(&json!({"measurements": ["a", "b"]})).unwrap(),
            ["a", "b"]
        );
        assert!(reference_measurements(&json!({"measurements": ["a", 1]})).is_err());
        assert!(reference_measurements(&json!({})).is_err());
    }
}
