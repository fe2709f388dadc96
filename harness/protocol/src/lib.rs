//! Adapter protocol v1 (harness/PROTOCOL.md) as types, shared by the runner that drives
//! implementations and the reference adapter (`trace-conform serve`) that answers it.
//!
//! Owns: the operations (`Op`), the request bodies (`request`), the response envelope and
//! the `hello` result (`response`), and the embedded JSON Schemas (`schemas`). Does not own
//! transport, supervision or scoring (trace-runner) nor TRACE semantics (trace-record).

#![forbid(unsafe_code)]

pub mod op;
pub mod request;
pub mod response;
pub mod schemas;

pub use op::Op;
pub use request::{Body, Request};
pub use response::{Capabilities, ErrorDetail, HelloResult, Implementation, Response, ResponseStatus};

/// The protocol version this crate speaks (the envelope's `trace_adapter`).
pub const PROTOCOL_VERSION: u64 = 1;
