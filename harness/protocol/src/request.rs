//! Requests of protocol v1: what the runner writes and the reference adapter (`serve`) reads.
//!
//! Owns: the envelope members and one body type per operation, with the optional members
//! left out when absent exactly as the schemas allow. Values that belong to the record
//! layer (JWKs, evidence, revocation and inclusion inputs) stay JSON here: this crate
//! knows the wire, not TRACE. Does not own building requests from vectors (the runner)
//! nor answering them (the adapters).

use crate::{Op, PROTOCOL_VERSION};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// An optional member that, when present, must not be `null` (the schemas give every
/// optional input a type without `null`): absent is `None`, `null` is an error.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Err(serde::de::Error::custom(
            "null is not a value here; leave the member out",
        )),
        v => Ok(Some(v)),
    }
}

/// A required member that may be `null` (`nonce`, `claim_b64u`): absent is an error.
fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)
}

/// One request line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub trace_adapter: u64,
    pub id: String,
    /// The vector's id, for the adapter's logs (vector requests only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_ms: Option<u64>,
    #[serde(flatten)]
    pub body: Body,
}

impl Request {
    /// A request of protocol v1 with no case and no deadline.
    pub fn new(id: impl Into<String>, body: Body) -> Request {
        Request {
            trace_adapter: PROTOCOL_VERSION,
            id: id.into(),
            case: None,
            deadline_ms: None,
            body,
        }
    }

    /// The request for vector `case`, answered within `deadline_ms`.
    pub fn for_case(id: impl Into<String>, case: &str, deadline_ms: u64, body: Body) -> Request {
        Request {
            case: Some(case.to_string()),
            deadline_ms: Some(deadline_ms),
            ..Request::new(id, body)
        }
    }

    pub fn op(&self) -> Op {
        self.body.op()
    }

    /// The request as the JSON line's value.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("requests serialize")
    }
}

/// What a request carries besides the envelope, by operation (`op` on the wire).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Body {
    Hello(Hello),
    Verify(Box<Verify>),
    Canonicalize(Canonicalize),
    VerifyChain(VerifyChain),
    VerifyActionReceipt(Document),
    VerifyProvenanceDepth(Document),
    VerifyServerProvenance(Document),
    VerifyContentMarking(Document),
    ReplayEvidence(ReplayEvidence),
    Sign(Sign),
    Decode(Decode),
    Encode(Encode),
    Bench(Bench),
    Ping,
    Shutdown,
}

impl Body {
    pub fn op(&self) -> Op {
        match self {
            Body::Hello(_) => Op::Hello,
            Body::Verify(_) => Op::Verify,
            Body::Canonicalize(_) => Op::Canonicalize,
            Body::VerifyChain(_) => Op::VerifyChain,
            Body::VerifyActionReceipt(_) => Op::VerifyActionReceipt,
            Body::VerifyProvenanceDepth(_) => Op::VerifyProvenanceDepth,
            Body::VerifyServerProvenance(_) => Op::VerifyServerProvenance,
            Body::VerifyContentMarking(_) => Op::VerifyContentMarking,
            Body::ReplayEvidence(_) => Op::ReplayEvidence,
            Body::Sign(_) => Op::Sign,
            Body::Decode(_) => Op::Decode,
            Body::Encode(_) => Op::Encode,
            Body::Bench(_) => Op::Bench,
            Body::Ping => Op::Ping,
            Body::Shutdown => Op::Shutdown,
        }
    }

    /// The body of a companion-document check (`op` must be one, `Op::is_document_check`).
    pub fn document(op: Op, document: Document) -> Option<Body> {
        Some(match op {
            Op::VerifyActionReceipt => Body::VerifyActionReceipt(document),
            Op::VerifyProvenanceDepth => Body::VerifyProvenanceDepth(document),
            Op::VerifyServerProvenance => Body::VerifyServerProvenance(document),
            Op::VerifyContentMarking => Body::VerifyContentMarking(document),
            _ => return None,
        })
    }
}

/// `hello`: the protocol range the runner speaks and the suite's version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: VersionRange,
    pub suite: Suite,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionRange {
    pub min: u64,
    pub max: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suite {
    pub version: String,
}

impl Hello {
    /// The runner's `hello`: protocol v1 only, from suite `version`.
    pub fn v1(version: &str) -> Hello {
        Hello {
            protocol: VersionRange {
                min: PROTOCOL_VERSION,
                max: PROTOCOL_VERSION,
            },
            suite: Suite {
                version: version.to_string(),
            },
        }
    }
}

/// `verify`: one record and everything the verifier is told besides it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verify {
    pub record_b64u: String,
    /// `embedded`, `jws` or `cose`.
    pub format: String,
    pub level: u8,
    pub profile: String,
    pub strict: bool,
    pub verification_time: i64,
    pub max_age: i64,
    pub skew: i64,
    /// Always sent; `null` when the vector pins no nonce.
    #[serde(deserialize_with = "nullable")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmcp_canonicalization: Option<String>,
    /// JWKs (objects) or RFC 7638 thumbprints (strings).
    pub trusted_keys: Vec<Value>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Value>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub revocation: Option<Value>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub inclusion: Option<Value>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Value>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub reference_values: Option<Value>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub policy: Option<Value>,
}

/// `canonicalize`: bytes to parse and canonicalize (RFC 8785).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Canonicalize {
    pub input_b64u: String,
}

/// `verify-chain`: an audit bundle, the claim it belongs to, and the keys and policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerifyChain {
    pub bundle_b64u: String,
    /// Always sent; `null` when the vector has no claim.
    #[serde(deserialize_with = "nullable")]
    pub claim_b64u: Option<String>,
    pub verification_time: i64,
    pub max_age: i64,
    pub skew: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmcp_canonicalization: Option<String>,
    pub trusted_keys: Vec<Value>,
    pub issuer_keys: Vec<Value>,
    /// `trace` or `cmcp-compat`.
    pub receipts: String,
}

/// The four companion-document checks: the document's bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub document_b64u: String,
}

/// `replay-evidence`: captured evidence files appraised at a pinned time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplayEvidence {
    /// Left out when the vector's input has none (the adapter then says what is missing).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub platform: Option<Value>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub files: Option<Value>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub root_sha256: Option<Value>,
    pub verification_time: i64,
}

/// `sign`: claims signed with a private test JWK into one form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sign {
    pub claims: Value,
    pub key: Value,
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cose_tagged: Option<bool>,
}

/// `decode`: an enveloped record split into its parts without verifying it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decode {
    pub input_b64u: String,
    pub format: String,
}

/// `encode`: a payload assembled with either a given signature or a key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Encode {
    pub payload_b64u: String,
    pub format: String,
    pub alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_b64u: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub key: Option<Value>,
}

/// `bench`: one inner request run `iterations` times inside the adapter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bench {
    pub request: Value,
    pub iterations: u64,
}
