//! Responses of protocol v1: the envelope every answer shares, and the `hello` result.
//!
//! Owns: the response envelope, its status words, and the implementation's capability
//! claims. Operation results other than `hello` are checked against their schemas by the
//! runner's contract check and read by scoring; they are not typed here. Does not own
//! transport.

use crate::Op;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    /// How many requests the adapter may be sent before it answers the first (absent: 1,
    /// one at a time). Answers may come in any order, matched by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<u32>,
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

impl Capabilities {
    /// Whether the adapter lists `op` (`hello` is always implemented).
    pub fn claims(&self, op: Op) -> bool {
        op == Op::Hello || self.ops.iter().any(|o| o == op.name())
    }
    /// How many requests may be in flight at once: the `pipeline` claim, else one.
    pub fn pipeline_depth(&self) -> usize {
        self.pipeline.map_or(1, |n| n.max(1) as usize)
    }
}
