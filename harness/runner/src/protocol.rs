//! Adapter protocol v1 (harness/PROTOCOL.md) as the runner speaks it: request ids and the
//! requests built from vectors (the message types are trace-protocol's, re-exported).
//!
//! Owns: building requests from vectors (the `verify` and `verify-chain` bodies are the
//! vector context's own, `Context::verify_request` and `chain_request`, so the in-process
//! reference answers the same request). Expectations never enter a request. Does not own
//! the message types (trace-protocol), transport (`adapter`) or scoring.

use serde_json::Value;
use trace_protocol::request::{self, Body, Request};
use trace_record::b64;
use trace_vector_format::format::{Context, Test};

pub use trace_protocol::{
    Capabilities, ErrorDetail, HelloResult, Implementation, Op, PROTOCOL_VERSION, Response, ResponseStatus,
};

static REQUESTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A request id no other request of this process carries (PROTOCOL.md: ids are unique in
/// the run, across its adapter processes and restarts): `KIND-N`.
pub fn next_id(kind: &str) -> String {
    format!("{kind}-{}", REQUESTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
}

pub fn hello_request(id: &str) -> Value {
    Request::new(id, Body::Hello(request::Hello::v1(trace_vector_format::SUITE_VERSION))).to_value()
}

/// `ping` or `shutdown`, or any operation whose body is empty.
pub fn simple_request(id: &str, body: Body) -> Value {
    Request::new(id, body).to_value()
}

/// The request for one vector. Only inputs: never the expectation.
pub fn vector_request(id: &str, ctx: &Context, test: &Test, deadline_ms: u64) -> Result<Value, crate::Error> {
    request_body(ctx, test)
        .map(|body| Request::for_case(id, &test.id, deadline_ms, body).to_value())
        .map_err(crate::Error::Invalid)
}

fn request_body(ctx: &Context, test: &Test) -> Result<Body, String> {
    let bytes = test.input.bytes()?;
    let body = match ctx.op {
        Op::Verify => Body::Verify(Box::new(ctx.verify_request(b64::encode(&bytes)))),
        Op::Canonicalize => Body::Canonicalize(request::Canonicalize {
            input_b64u: b64::encode(&bytes),
        }),
        Op::ReplayEvidence => {
            let input: Value = serde_json::from_slice(&bytes).map_err(|e| format!("replay input: {e}"))?;
            Body::ReplayEvidence(request::ReplayEvidence {
                platform: input.get("platform").cloned(),
                files: input.get("files").cloned(),
                root_sha256: input.get("root_sha256").cloned(),
                verification_time: ctx.verification_time,
            })
        }
        Op::VerifyChain => Body::VerifyChain(ctx.chain_request(
            b64::encode(&bytes),
            test.input.claim_text.as_ref().map(|c| b64::encode(c.as_bytes())),
        )),
        op if op.is_document_check() => Body::document(
            op,
            request::Document {
                document_b64u: b64::encode(&bytes),
            },
        )
        .expect("a document check"),
        other => return Err(format!("no request form for operation {other}")),
    };
    Ok(body)
}
