//! The vector file format v2 (`vectors/<module>/<topic>.json`, schema in
//! `vectors/schema/vector-file.json`).
//!
//! Owns: the serde types with the shape checks of a group's inputs, the protocol request a
//! group's context makes, and the per-vector digest. Groups fix the context (operation, form, level, platform, profile, time, and the
//! verifier's inputs as JSON values); tests carry the input and the expectation. Does not
//! own reading v1 files ([`crate::v1`]), turning requests into the reference's options
//! ([`crate::options`]), or building or scoring vectors.

use crate::options;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use trace_protocol::{Op, request};
use trace_record::audit::{ChainOptions, ReceiptPolicy};
use trace_record::{VerifyOptions, b64, json};

/// The format written and read: group inputs are JSON values.
pub const FILE_SCHEMA: &str = "trace-vector-file.v2";
/// The format before: group inputs were JSON text inside strings. Still read (upgraded on
/// load, [`crate::v1`]) until the next release of the set.
pub const FILE_SCHEMA_V1: &str = "trace-vector-file.v1";

/// A vector file; `C` is the group context of the format read (v1 files are read with
/// [`crate::v1::Context`] and upgraded).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VectorFile<C = Context> {
    pub schema: String,
    pub suite_version: String,
    pub module: String,
    pub topic: String,
    pub header: Vec<String>,
    pub groups: Vec<Group<C>>,
}

/// The shared context of a group of tests: everything the verifier is told besides the input.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Context {
    pub op: Op,
    /// `embedded`, `jws` or `cose`: the form the verifier is told to expect.
    pub format: String,
    pub level: u8,
    /// The runtime.platform of the records in the group (metadata for selection).
    pub platform: String,
    pub profile: String,
    pub strict: bool,
    /// Verification time, Unix seconds.
    pub verification_time: i64,
    pub max_age: i64,
    pub skew: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nonce: Option<String>,
    /// `runtime-claim` for cMCP RuntimeClaims; absent for Trust Records.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub record_kind: Option<String>,
    /// For cMCP RuntimeClaims: `jcs` (the default when absent) or `pyjson`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cmcp_canonicalization: Option<String>,
    /// Trusted public keys: JWK objects, or RFC 7638 thumbprints as strings; empty means
    /// none pinned (for `verify-chain`: the claim is checked against its own `cnf` key).
    #[serde(skip_serializing_if = "Vec::is_empty", default, deserialize_with = "keys")]
    pub trusted_keys: Vec<Value>,
    /// For `verify`: an inclusion receipt for the record (`{leaf_index, audit_path,
    /// leaf_count, merkle_root}`, RA §5), replayed for TR-ANC-002.
    #[serde(skip_serializing_if = "Option::is_none", default, deserialize_with = "object")]
    pub inclusion: Option<Value>,
    /// For `verify`: hardware evidence for the record (`{platform, format, ...}`, appraised
    /// by trace-hardware at the verification time) for the Level 1 binding rules.
    #[serde(skip_serializing_if = "Option::is_none", default, deserialize_with = "object")]
    pub evidence: Option<Value>,
    /// For `verify`: revocation inputs (`{bundle, bundle_keys, max_bundle_age, entry,
    /// statement_keys}`, S2 §3.2.3); absent means no revocation check.
    #[serde(skip_serializing_if = "Option::is_none", default, deserialize_with = "object")]
    pub revocation: Option<Value>,
    /// For `verify`: the policy the verifier expects (`{bundle_hash}`, S2 §3.3 step 5);
    /// absent means no expectation.
    #[serde(skip_serializing_if = "Option::is_none", default, deserialize_with = "object")]
    pub policy: Option<Value>,
    /// For `verify`: the reference values the verifier holds (`{measurements}`, S2 §3.3
    /// step 4); absent means none.
    #[serde(skip_serializing_if = "Option::is_none", default, deserialize_with = "object")]
    pub reference_values: Option<Value>,
    /// For `verify`: the deployment profile's requirements (`{fips, min_slsa_level,
    /// require_policy_evaluation}`, IMPL-13); absent means none.
    #[serde(skip_serializing_if = "Option::is_none", default, deserialize_with = "object")]
    pub deployment: Option<Value>,
    /// For `verify-chain`: the receipt issuers' Ed25519 public keys (JWK objects).
    #[serde(skip_serializing_if = "Vec::is_empty", default, deserialize_with = "jwks")]
    pub issuer_keys: Vec<Value>,
    /// For `verify-chain`: `trace` (S2 §3.3.2, the default when absent) or `cmcp-compat`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub receipts: Option<String>,
}

/// What a JSON value is, for messages (never its text: it may be large or hostile).
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A group input: a JSON object. A string is refused: it would be a v1 input (JSON text)
/// in a v2 file.
/// Absent is written by leaving the member out; `null` is refused.
fn object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    match Value::deserialize(d)? {
        v @ Value::Object(_) => Ok(Some(v)),
        v => Err(D::Error::custom(format!(
            "a group input must be a JSON object, not {}",
            kind(&v)
        ))),
    }
}

/// An RFC 7638 thumbprint: the SHA-256 digest in base64url without padding, 43 characters.
fn is_thumbprint(s: &str) -> bool {
    s.len() == 43 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Trusted keys: JWK objects or thumbprint strings.
fn keys<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    let keys = Vec::<Value>::deserialize(d)?;
    let ok = |k: &Value| k.is_object() || k.as_str().is_some_and(is_thumbprint);
    match keys.iter().find(|k| !ok(k)) {
        Some(k) => Err(D::Error::custom(format!(
            "a trusted key must be a JWK object or an RFC 7638 thumbprint (43 base64url characters), not {}",
            if k.is_string() { "another string" } else { kind(k) }
        ))),
        None => Ok(keys),
    }
}

/// Issuer keys: JWK objects.
fn jwks<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    let keys = Vec::<Value>::deserialize(d)?;
    match keys.iter().find(|k| !k.is_object()) {
        Some(k) => Err(D::Error::custom(format!(
            "an issuer key must be a JWK object, not {}",
            kind(k)
        ))),
        None => Ok(keys),
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Group<C = Context> {
    pub description: String,
    #[serde(flatten)]
    pub context: C,
    pub tests: Vec<Test>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Test {
    pub id: String,
    pub description: String,
    pub comment: String,
    pub input: Input,
    /// The signature algorithm of the input, when it has one (a capability it requires).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub alg: Option<String>,
    pub expected: Expected,
    pub spec_refs: Vec<String>,
    #[serde(skip_serializing_if = "Intermediates::is_empty", default)]
    pub intermediates: Intermediates,
    pub since: String,
    /// SHA-256 of the test without description and comment (tooling-computed).
    pub digest: String,
}

/// The input bytes: text when they are UTF-8, base64url otherwise. Exactly one is set.
/// For `verify-chain` the record is the audit bundle, and `claim_text` the RuntimeClaim
/// that commits it, when the vector has one.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Input {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub record_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub record_b64u: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub claim_text: Option<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Must be accepted.
    Valid,
    /// Must not be accepted (rejected, or left unverified for want of evidence).
    Invalid,
    /// Either outcome conforms; the flags say what the choice depends on.
    Acceptable,
}

/// How an invalid vector is not accepted.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum VerdictKind {
    /// Checked and refused: what the vector shows wrong can be shown from its inputs.
    Reject,
    /// Not checkable with the inputs given (no trust anchor, no evidence, an expired
    /// revocation bundle): not accepted, and never to be reported as checked. An
    /// implementation that rejects instead is stricter and conforms.
    Unverified,
    /// Nothing was presented to check, and the format says absence is recorded, never a
    /// failed check (content-marking v1 §5): the verdict must be `unverified`; a `reject`
    /// fails.
    Absent,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub result: Outcome,
    /// For invalid vectors: reject or unverified (the reference's verdict, by design).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub verdict: Option<VerdictKind>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<ExpectedError>,
    /// Advisory (SHOULD-level) rules a verifier reports; never decide the verdict.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub warnings: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub flags: Vec<String>,
    /// For `canonicalize`: the exact output bytes (always UTF-8).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub output_text: Option<String>,
    /// For valid and acceptable vectors: the rules this vector is a positive control for.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub controls: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedError {
    pub class: String,
    pub rules: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Intermediates {
    /// RFC 8785 bytes of the record without `signature` (what the embedded form signs).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub canonical_text: Option<String>,
    /// The exact bytes the signature covers, base64url.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub signing_input_b64u: Option<String>,
}

impl Intermediates {
    pub fn is_empty(&self) -> bool {
        self.canonical_text.is_none() && self.signing_input_b64u.is_none()
    }
}

impl Expected {
    /// An expectation of `result` alone: no error, warnings, flags, output or controls.
    pub fn only(result: Outcome) -> Expected {
        Expected {
            result,
            verdict: None,
            error: None,
            warnings: Vec::new(),
            flags: Vec::new(),
            output_text: None,
            controls: Vec::new(),
        }
    }
}

impl Test {
    /// A test of `bytes` expecting `result`, with nothing else filled in (tools that make
    /// tests outside the generator: corpora, fuzz findings).
    pub fn of_input(id: &str, bytes: &[u8], result: Outcome) -> Test {
        Test {
            id: id.into(),
            description: String::new(),
            comment: String::new(),
            input: Input::from_bytes(bytes),
            alg: None,
            expected: Expected::only(result),
            spec_refs: Vec::new(),
            intermediates: Intermediates::default(),
            since: String::new(),
            digest: String::new(),
        }
    }
}

impl Input {
    pub fn from_bytes(bytes: &[u8]) -> Input {
        match std::str::from_utf8(bytes) {
            Ok(text) => Input {
                record_text: Some(text.to_string()),
                ..Input::default()
            },
            Err(_) => Input {
                record_b64u: Some(b64::encode(bytes)),
                ..Input::default()
            },
        }
    }
    pub fn bytes(&self) -> Result<Vec<u8>, String> {
        match (&self.record_text, &self.record_b64u) {
            (Some(t), None) => Ok(t.as_bytes().to_vec()),
            (None, Some(b)) => b64::decode(b).map_err(|e| format!("record_b64u: {e:?}")),
            _ => Err("input needs exactly one of record_text and record_b64u".into()),
        }
    }
}

impl Context {
    /// A `verify` context: Level 0, profile v0.2, the default age and skew, no key pinned
    /// and no optional input. Builders and tools change what they need from here.
    pub fn verify(format: &str, platform: &str, verification_time: i64) -> Context {
        Context {
            op: Op::Verify,
            format: format.into(),
            level: 0,
            platform: platform.into(),
            profile: "v0.2".into(),
            strict: false,
            verification_time,
            max_age: VerifyOptions::DEFAULT_MAX_AGE,
            skew: VerifyOptions::DEFAULT_SKEW,
            nonce: None,
            record_kind: None,
            cmcp_canonicalization: None,
            trusted_keys: Vec::new(),
            inclusion: None,
            evidence: None,
            revocation: None,
            policy: None,
            reference_values: None,
            deployment: None,
            issuer_keys: Vec::new(),
            receipts: None,
        }
    }

    /// The `verify` request for this context and a record (what the runner sends).
    pub fn verify_request(&self, record_b64u: String) -> request::Verify {
        request::Verify {
            record_b64u,
            format: self.format.clone(),
            level: self.level,
            profile: self.profile.clone(),
            strict: self.strict,
            verification_time: self.verification_time,
            max_age: self.max_age,
            skew: self.skew,
            nonce: self.nonce.clone(),
            cmcp_canonicalization: self.cmcp_canonicalization.clone(),
            trusted_keys: self.trusted_keys.clone(),
            evidence: self.evidence.clone(),
            revocation: self.revocation.clone(),
            inclusion: self.inclusion.clone(),
            deployment: self.deployment.clone(),
            reference_values: self.reference_values.clone(),
            policy: self.policy.clone(),
        }
    }

    /// The `verify-chain` request for this context, a bundle and the claim committing it.
    pub fn chain_request(&self, bundle_b64u: String, claim_b64u: Option<String>) -> request::VerifyChain {
        request::VerifyChain {
            bundle_b64u,
            claim_b64u,
            verification_time: self.verification_time,
            max_age: self.max_age,
            skew: self.skew,
            cmcp_canonicalization: self.cmcp_canonicalization.clone(),
            trusted_keys: self.trusted_keys.clone(),
            issuer_keys: self.issuer_keys.clone(),
            receipts: self
                .receipts
                .clone()
                .unwrap_or_else(|| ReceiptPolicy::Trace.name().into()),
        }
    }

    /// The reference verifier's options for this context: those of its `verify` request.
    pub fn verify_options(&self) -> Result<VerifyOptions, String> {
        options::verify(&self.verify_request(String::new()))
    }

    /// The reference's options for a `verify-chain` context: those of its request.
    pub fn chain_options(&self) -> Result<ChainOptions, String> {
        options::chain(&self.chain_request(String::new(), None))
    }
}

impl Test {
    /// The digest over everything but description, comment and the digest itself.
    pub fn compute_digest(&self) -> String {
        let mut t = self.clone();
        t.description.clear();
        t.comment.clear();
        t.digest.clear();
        let v = serde_json::to_vec(&t).expect("serializes");
        let canonical = trace_record::jcs::canonicalize(&json::parse(&v).expect("serde_json output parses"));
        format!("sha256:{}", trace_record::sample::hex(&Sha256::digest(&canonical)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn group_with(k: &str, v: Value) -> Result<Group, serde_json::Error> {
        let mut g = json!({
            "description": "d", "op": "verify", "format": "embedded", "level": 0,
            "platform": "software-only", "profile": "v0.2", "strict": false,
            "verification_time": 1, "max_age": 2, "skew": 3, "tests": []
        });
        g[k] = v;
        serde_json::from_value(g)
    }

    #[test]
    fn inputs_are_objects_and_keys_are_jwks_or_thumbprints() {
        for input in [
            "inclusion",
            "evidence",
            "revocation",
            "policy",
            "reference_values",
            "deployment",
        ] {
            assert!(group_with(input, json!({"a": 1})).is_ok(), "{input}");
            // JSON text inside a string is the v1 form: refused in a v2 file.
            let e = group_with(input, json!("{\"a\":1}")).unwrap_err().to_string();
            assert!(e.contains("must be a JSON object, not a string"), "{input}: {e}");
            assert!(group_with(input, json!([1])).is_err(), "{input}");
            // Absent is written by leaving the member out.
            assert!(group_with(input, json!(null)).is_err(), "{input}");
        }
        let thumbprint = "A".repeat(43);
        assert!(group_with("trusted_keys", json!([{"kty": "OKP"}, thumbprint])).is_ok());
        assert!(group_with("trusted_keys", json!([7])).is_err());
        // A JWK as text (a v1 key in a v2 file) or any other string is no thumbprint.
        assert!(group_with("trusted_keys", json!(["{\"kty\":\"OKP\"}"])).is_err());
        assert!(group_with("trusted_keys", json!(["A".repeat(42)])).is_err());
        assert!(group_with("trusted_keys", json!([format!("{}=", "A".repeat(42))])).is_err());
        assert!(group_with("issuer_keys", json!([{"kty": "OKP"}])).is_ok());
        assert!(group_with("issuer_keys", json!(["thumb"])).is_err());
    }

    #[test]
    fn a_context_becomes_the_request_the_runner_sends() {
        let mut c = Context::verify("jws", "aws-nitro", 100);
        c.evidence = Some(json!({"platform": "aws-nitro", "format": "capture"}));
        c.trusted_keys = vec![json!("thumb")];
        let r = c.verify_request("AA".into());
        assert_eq!(
            (r.record_b64u.as_str(), r.format.as_str(), r.verification_time),
            ("AA", "jws", 100)
        );
        assert_eq!(r.evidence, c.evidence);
        assert_eq!(r.trusted_keys, c.trusted_keys);
        let chain = c.chain_request("BB".into(), None);
        assert_eq!(chain.receipts, "trace");
        c.receipts = Some("cmcp-compat".into());
        assert_eq!(c.chain_request("BB".into(), None).receipts, "cmcp-compat");
    }
}
