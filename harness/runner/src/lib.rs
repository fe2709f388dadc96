//! `trace-runner`: drives any TRACE implementation through adapter protocol v1
//! (harness/PROTOCOL.md) and scores it against the vectors.
//!
//! [`adapter`] supervises one adapter process; [`run`] runs a selection of vectors
//! through it with one outcome each ([`outcome`]); [`profile`] applies known failures;
//! [`report`] writes the reports; [`select`] picks the vectors; [`merge`] joins the runs of
//! shards into one; [`error`] says why the
//! runner could not do what it was asked.

pub mod adapter;
pub mod bench;
pub mod command;
pub mod contract;
pub mod dashboard;
pub mod dashboard_bench;
pub mod differential;
pub mod error;
pub mod merge;
pub mod mutate;
pub mod outcome;
pub mod producer;
pub mod profile;
pub mod protocol;
pub mod reaper;
pub mod report;
pub mod report_html;
pub mod run;
pub mod select;
mod worker;

pub use error::Error;
