//! `trace-vectors`: the generator of the suite's golden vectors.
//!
//! [`sets`] holds one named builder per vector (its doc comment becomes the vector's
//! description and comment), [`build`] turns a builder into genuinely signed bytes
//! ([`chain_build`] into sealed audit bundles, [`action_build`] into action-receipt
//! documents, [`depth_build`] into provenance-depth documents),
//! [`generate`] writes `vectors/` deterministically, [`lint`] keeps the files honest, and
//! [`implied`] finds the rules a vector breaks besides the one it names.
//!
//! Does not own the file format, loading, scoring or the reference's answers: those are
//! `trace-vector-format`, which the runner uses without this crate.
#![forbid(unsafe_code)]

pub mod action_build;
pub mod anchor_build;
pub mod build;
pub mod chain_build;
pub mod companion_build;
pub mod depth_build;
pub mod evidence_build;
pub mod evidence_capture;
pub mod generate;
pub mod implied;
pub mod lint;
pub mod revocation_build;
pub mod sets;
