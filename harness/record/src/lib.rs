//! `trace-record`: the reference implementation of TRACE Trust Records that the
//! conformance suite measures every other implementation against.
//!
//! Bytes in, findings out; no I/O anywhere in this crate. The pipeline is
//! [`json::parse`] (strict input) → [`envelope::decode`] (embedded, JWS, COSE_Sign1) →
//! [`keys`] (the cnf key and the signature) → [`schema`] and [`rules`] → [`verify::Report`].
//! [`jcs`] is the RFC 8785 canonicalizer; [`sign`] makes records.
#![forbid(unsafe_code)]

pub mod action;
pub mod anchor;
pub mod audit;
pub mod b64;
pub mod cmcp;
mod compact;
pub mod companion;
pub mod envelope;
pub mod evidence;
pub mod finding;
pub mod jcs;
pub mod json;
pub mod keys;
pub mod platform;
pub mod provenance;
pub mod pyjson;
pub mod revocation;
pub mod rules;
pub mod sample;
pub mod schema;
mod schema_value;
pub mod sign;
pub mod time;
pub mod verify;

pub use envelope::{CoseTag, Form};
pub use finding::{Finding, Level, Status, Verdict};
pub use keys::{Alg, PublicKey, SigningKey};
pub use platform::Platform;
pub use schema::Profile;
pub use verify::{Deployment, FormChoice, Report, TrustedKey, VerifyOptions, verify};
