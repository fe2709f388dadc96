//! Adapter protocol v1 (harness/PROTOCOL.md): the messages, as the runner sees them.
//!
//! Owns: the envelope, the hello result and capabilities, and building requests from
//! vectors. Expectations never enter a request. Does not own transport or scoring.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use trace_record::b64;
use trace_vector_format::format::{Context, Test};

pub const PROTOCOL_VERSION: u64 = 1;

/// A response line.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Response {
    pub trace_adapter: u64,
    pub id: String,
    pub status: ResponseStatus,
    #[serde(default)]
    pub result: Option<Value>,
    #[serde(default)]
    pub message: Option<String>,
    /// Why the whole answer breaks its operation's response schema (`contract`), if it
    /// does: set by the adapter supervisor, never read from the wire.
    #[serde(skip)]
    pub schema_problem: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    Ok,
    Unsupported,
    HarnessError,
}

impl ResponseStatus {
    /// The word on the wire: `ok`, `unsupported`, `harness_error`.
    pub fn word(self) -> &'static str {
        match self {
            ResponseStatus::Ok => "ok",
            ResponseStatus::Unsupported => "unsupported",
            ResponseStatus::HarnessError => "harness_error",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Default)]
pub struct Implementation {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
}

/// How precisely an implementation reports why it rejected.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ErrorDetail {
    Rule,
    Class,
    #[default]
    None,
}

impl ErrorDetail {
    /// What the runner scores, in words.
    pub fn describe(self) -> &'static str {
        match self {
            ErrorDetail::Rule => "the rule id",
            ErrorDetail::Class => "the error class",
            ErrorDetail::None => "the verdict only",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Default)]
pub struct Capabilities {
    pub ops: Vec<String>,
    #[serde(default)]
    pub formats: Vec<String>,
    #[serde(default)]
    pub algs: Vec<String>,
    #[serde(default)]
    pub levels: Vec<u8>,
    #[serde(default)]
    pub platforms: Vec<String>,
    #[serde(default)]
    pub profiles: Vec<String>,
    #[serde(default)]
    pub error_detail: ErrorDetail,
    #[serde(default)]
    pub accepts_flags: Vec<String>,
    /// Kinds of record `verify` handles (`trust-record`, `runtime-claim`); absent: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_kinds: Option<Vec<String>>,
    /// Optional `verify` inputs the adapter passes on (`inclusion`, `revocation`, `evidence`,
    /// `policy`); absent: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Default)]
pub struct HelloResult {
    pub protocol: u64,
    #[serde(default)]
    pub framing: String,
    pub implementation: Implementation,
    pub capabilities: Capabilities,
}

static REQUESTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A request id no other request of this process carries (PROTOCOL.md: ids are unique in
/// the run, across its adapter processes and restarts): `KIND-N`.
pub fn next_id(kind: &str) -> String {
    format!("{kind}-{}", REQUESTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
}

pub fn hello_request(id: &str) -> Value {
    json!({"trace_adapter": PROTOCOL_VERSION, "id": id, "op": "hello",
           "protocol": {"min": PROTOCOL_VERSION, "max": PROTOCOL_VERSION},
           "suite": {"version": trace_vector_format::SUITE_VERSION}})
}

pub fn simple_request(id: &str, op: &str) -> Value {
    json!({"trace_adapter": PROTOCOL_VERSION, "id": id, "op": op})
}

/// The request for one vector. Only inputs: never the expectation.
pub fn vector_request(id: &str, ctx: &Context, test: &Test, deadline_ms: u64) -> Result<Value, String> {
    let bytes = test.input.bytes()?;
    let mut req =
        json!({"trace_adapter": PROTOCOL_VERSION, "id": id, "op": ctx.op, "case": test.id, "deadline_ms": deadline_ms});
    let o = req.as_object_mut().expect("object");
    match ctx.op.as_str() {
        "verify" => {
            let trusted: Vec<Value> = ctx
                .trusted_keys
                .iter()
                .map(|k| serde_json::from_str::<Value>(k).unwrap_or_else(|_| Value::String(k.clone())))
                .collect();
            o.insert("record_b64u".into(), Value::String(b64::encode(&bytes)));
            o.insert("format".into(), json!(ctx.format));
            o.insert("level".into(), json!(ctx.level));
            o.insert("profile".into(), json!(ctx.profile));
            o.insert("strict".into(), json!(ctx.strict));
            o.insert("verification_time".into(), json!(ctx.verification_time));
            o.insert("max_age".into(), json!(ctx.max_age));
            o.insert("skew".into(), json!(ctx.skew));
            o.insert("nonce".into(), json!(ctx.nonce));
            if let Some(c) = &ctx.cmcp_canonicalization {
                o.insert("cmcp_canonicalization".into(), json!(c));
            }
            o.insert("trusted_keys".into(), Value::Array(trusted));
            if let Some(text) = &ctx.evidence {
                let input: Value = serde_json::from_str(text).map_err(|e| format!("evidence: {e}"))?;
                o.insert("evidence".into(), input);
            }
            if let Some(text) = &ctx.revocation {
                let inputs: Value = serde_json::from_str(text).map_err(|e| format!("revocation: {e}"))?;
                o.insert("revocation".into(), inputs);
            }
            if let Some(text) = &ctx.inclusion {
                let receipt: Value = serde_json::from_str(text).map_err(|e| format!("inclusion: {e}"))?;
                o.insert("inclusion".into(), receipt);
            }
            if let Some(text) = &ctx.deployment {
                let d: Value = serde_json::from_str(text).map_err(|e| format!("deployment: {e}"))?;
                o.insert("deployment".into(), d);
            }
            if let Some(text) = &ctx.reference_values {
                let values: Value = serde_json::from_str(text).map_err(|e| format!("reference_values: {e}"))?;
                o.insert("reference_values".into(), values);
            }
            if let Some(text) = &ctx.policy {
                let policy: Value = serde_json::from_str(text).map_err(|e| format!("policy: {e}"))?;
                o.insert("policy".into(), policy);
            }
        }
        "canonicalize" => {
            o.insert("input_b64u".into(), Value::String(b64::encode(&bytes)));
        }
        "replay-evidence" => {
            let input: Value = serde_json::from_slice(&bytes).map_err(|e| format!("replay input: {e}"))?;
            for name in ["platform", "files", "root_sha256"] {
                if let Some(v) = input.get(name) {
                    o.insert(name.into(), v.clone());
                }
            }
            o.insert("verification_time".into(), json!(ctx.verification_time));
        }
        "verify-action-receipt" | "verify-provenance-depth" | "verify-server-provenance" | "verify-content-marking" => {
            o.insert("document_b64u".into(), Value::String(b64::encode(&bytes)));
        }
        "verify-chain" => {
            let jwks = |keys: &[String]| -> Vec<Value> {
                keys.iter()
                    .map(|k| serde_json::from_str::<Value>(k).unwrap_or_else(|_| Value::String(k.clone())))
                    .collect()
            };
            o.insert("bundle_b64u".into(), Value::String(b64::encode(&bytes)));
            let claim = test.input.claim_text.as_ref().map(|c| b64::encode(c.as_bytes()));
            o.insert("claim_b64u".into(), json!(claim));
            o.insert("verification_time".into(), json!(ctx.verification_time));
            o.insert("max_age".into(), json!(ctx.max_age));
            o.insert("skew".into(), json!(ctx.skew));
            if let Some(c) = &ctx.cmcp_canonicalization {
                o.insert("cmcp_canonicalization".into(), json!(c));
            }
            o.insert("trusted_keys".into(), Value::Array(jwks(&ctx.trusted_keys)));
            o.insert("issuer_keys".into(), Value::Array(jwks(&ctx.issuer_keys)));
            o.insert("receipts".into(), json!(ctx.receipts.as_deref().unwrap_or("trace")));
        }
        other => return Err(format!("no request form for operation {other:?}")),
    }
    Ok(req)
}
