//! The vector file format (`vectors/<module>/<topic>.json`, schema in `vectors/schema/`).
//!
//! Owns: the serde types, their conversion to verifier inputs, and the per-vector digest.
//! Groups fix the context (operation, form, level, platform, profile, time, trust inputs);
//! tests carry the input and the expectation. Does not own building or scoring vectors.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use trace_protocol::Op;
use trace_record::audit::{ChainOptions, ReceiptPolicy};
use trace_record::{Form, FormChoice, Level, Profile, PublicKey, TrustedKey, VerifyOptions, b64, json};

pub const FILE_SCHEMA: &str = "trace-vector-file.v1";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VectorFile {
    pub schema: String,
    pub suite_version: String,
    pub module: String,
    pub topic: String,
    pub header: Vec<String>,
    pub groups: Vec<Group>,
}

/// The shared context of a group of tests: everything the verifier is told besides the input.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
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
    /// Trusted public keys (JWK text) or RFC 7638 thumbprints; empty means none pinned
    /// (for `verify-chain`: the claim is checked against its own `cnf` key).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub trusted_keys: Vec<String>,
    /// For `verify`: an inclusion receipt for the record (JSON text,
    /// `{leaf_index, audit_path, leaf_count, merkle_root}`, RA §5), replayed for TR-ANC-002.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub inclusion: Option<String>,
    /// For `verify`: hardware evidence for the record (JSON text, `{platform, format, ...}`,
    /// appraised by trace-hardware at the verification time) for the Level 1 binding rules.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub evidence: Option<String>,
    /// For `verify`: revocation inputs (JSON text, `{bundle, bundle_keys, max_bundle_age,
    /// entry}`, S2 §3.2.3); absent means no revocation check.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub revocation: Option<String>,
    /// For `verify`: the policy the verifier expects (JSON text, `{bundle_hash}`, S2 §3.3
    /// step 5); absent means no expectation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub policy: Option<String>,
    /// For `verify`: the reference values the verifier holds (JSON text, `{measurements}`,
    /// S2 §3.3 step 4); absent means none.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reference_values: Option<String>,
    /// For `verify`: the deployment profile's requirements (JSON text, `{fips,
    /// min_slsa_level}`, IMPL-13); absent means none.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub deployment: Option<String>,
    /// For `verify-chain`: the receipt issuers' Ed25519 public keys (JWK text).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub issuer_keys: Vec<String>,
    /// For `verify-chain`: `trace` (S2 §3.3.2, the default when absent) or `cmcp-compat`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub receipts: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub description: String,
    #[serde(flatten)]
    pub context: Context,
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

    /// The reference verifier's options for this context.
    pub fn verify_options(&self) -> Result<VerifyOptions, String> {
        let mut o = VerifyOptions::at(self.verification_time);
        o.level = Level::from_number(self.level).ok_or_else(|| format!("level {} is not 0, 1 or 2", self.level))?;
        o.max_age = self.max_age;
        o.skew = self.skew;
        o.nonce = self.nonce.clone();
        o.form = FormChoice::Only(form_named(&self.format)?);
        o.profile = match self.profile.as_str() {
            "v0.2" => Profile::V02,
            "v0.1" => Profile::V01,
            other => return Err(format!("profile {other:?} is not v0.2 or v0.1")),
        };
        o.strict = self.strict;
        if let Some(text) = &self.evidence {
            let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("evidence: {e}"))?;
            o.evidence = Some(trace_hardware::input::facts(&v, self.verification_time)?);
        }
        if let Some(text) = &self.revocation {
            let v = json::parse(text.as_bytes()).map_err(|e| format!("revocation: {e}"))?;
            o.revocation = Some(trace_record::revocation::RevocationInputs::from_json(&v)?);
        }
        if let Some(text) = &self.inclusion {
            o.inclusion = Some(json::parse(text.as_bytes()).map_err(|e| format!("inclusion: {e}"))?);
        }
        if let Some(text) = &self.policy {
            o.expected_policy_hash = Some(expected_policy_hash(text)?);
        }
        if let Some(text) = &self.reference_values {
            o.reference_measurements = Some(reference_measurements(text)?);
        }
        if let Some(text) = &self.deployment {
            o.deployment = deployment(text)?;
        }
        if let Some(c) = &self.cmcp_canonicalization {
            o.cmcp_canonicalization = trace_record::cmcp::CmcpCanonicalization::parse(c)
                .ok_or_else(|| format!("cmcp_canonicalization {c:?}"))?;
        }
        for key in &self.trusted_keys {
            o.trusted_keys.push(if key.starts_with('{') {
                let jwk = json::parse(key.as_bytes()).map_err(|e| format!("trusted key: {e}"))?;
                TrustedKey::Jwk(PublicKey::from_jwk(&jwk).map_err(|e| format!("trusted key: {e}"))?)
            } else {
                TrustedKey::Thumbprint(key.clone())
            });
        }
        Ok(o)
    }
}

impl Context {
    /// The reference's options for a `verify-chain` context.
    pub fn chain_options(&self) -> Result<ChainOptions, String> {
        let mut claim = self.verify_options()?;
        claim.allow_embedded_key = claim.trusted_keys.is_empty();
        let mut o = ChainOptions::at(self.verification_time);
        o.claim = claim;
        if let Some(r) = &self.receipts {
            o.receipts =
                ReceiptPolicy::parse(r).ok_or_else(|| format!("receipts {r:?} is not trace or cmcp-compat"))?;
        }
        for key in &self.issuer_keys {
            let jwk = json::parse(key.as_bytes()).map_err(|e| format!("issuer key: {e}"))?;
            o.issuer_keys
                .push(PublicKey::from_jwk(&jwk).map_err(|e| format!("issuer key: {e}"))?);
        }
        Ok(o)
    }
}

pub fn form_named(name: &str) -> Result<Form, String> {
    Form::ALL
        .into_iter()
        .find(|f| f.name() == name)
        .ok_or_else(|| format!("format {name:?} is not embedded, jws or cose"))
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

/// A `deployment` input: `{"fips": bool, "min_slsa_level": int, "require_policy_evaluation":
/// bool}`, each optional.
pub fn deployment(text: &str) -> Result<trace_record::Deployment, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("deployment: {e}"))?;
    let o = v.as_object().ok_or("deployment is not an object")?;
    if let Some(k) = o
        .keys()
        .find(|k| !matches!(k.as_str(), "fips" | "min_slsa_level" | "require_policy_evaluation"))
    {
        return Err(format!("deployment has an unknown member {k:?}"));
    }
    Ok(trace_record::Deployment {
        fips: match o.get("fips") {
            None => false,
            Some(f) => f.as_bool().ok_or("deployment.fips is not a boolean")?,
        },
        min_slsa_level: match o.get("min_slsa_level") {
            None => None,
            Some(n) => Some(n.as_i64().ok_or("deployment.min_slsa_level is not an integer")?),
        },
        require_policy_evaluation: match o.get("require_policy_evaluation") {
            None => false,
            Some(f) => f
                .as_bool()
                .ok_or("deployment.require_policy_evaluation is not a boolean")?,
        },
    })
}

/// The `measurements` of a `reference_values` input (`{"measurements": ["<alg>:<hex>", ...]}`).
pub fn reference_measurements(text: &str) -> Result<Vec<String>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("reference_values: {e}"))?;
    v.get("measurements")
        .and_then(serde_json::Value::as_array)
        .and_then(|a| {
            a.iter()
                .map(|m| m.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| "reference_values has no measurements array of strings".to_string())
}

/// The `bundle_hash` of a `policy` input (`{"bundle_hash": "<alg>:<hex>"}`).
pub fn expected_policy_hash(text: &str) -> Result<String, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("policy: {e}"))?;
    v.get("bundle_hash")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| "policy has no bundle_hash string".to_string())
}
