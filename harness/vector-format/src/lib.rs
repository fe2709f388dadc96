//! `trace-vector-format`: what the runner and third parties need of the suite's vectors.
//!
//! [`format`] is the vector file format (v2; [`v1`] reads the format before), [`load`]
//! reads a set from a directory or the copy embedded at build time, [`options`] turns a
//! protocol request into the reference's options (shared with `serve`), [`score`] compares
//! what an implementation said with what a vector expects, [`reference`] is trace-record
//! answering vectors in-process,
//! [`statements`] maps the spec's normative statements to rules, [`catalog`] and
//! [`explanation`] describe rules and vectors for reports, [`decisions`] links the
//! project's decisions, [`basis`] names what each expectation rests on, [`release`] writes
//! and checks a release of the set, and [`corpus`] seeds the fuzz targets from it.
//!
//! Does not own making vectors: the builders, sets, generation and lint are `trace-vectors`.
#![forbid(unsafe_code)]

pub mod basis;
pub mod catalog;
pub mod corpus;
pub mod decisions;
pub mod explanation;
pub mod format;
pub mod load;
pub mod options;
pub mod reference;
pub mod release;
pub mod score;
pub mod statements;
pub mod v1;

/// The suite's version: the vector set's `suite_version` and what reports name.
pub const SUITE_VERSION: &str = env!("CARGO_PKG_VERSION");
