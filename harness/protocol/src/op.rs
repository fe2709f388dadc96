//! The protocol's operations (PROTOCOL.md section 4) as one enum.
//!
//! Owns: the names on the wire and the order they are listed in. The tables keyed by
//! operation match on `Op` or `Body` exhaustively where every operation needs an answer (the
//! schemas, `serve`'s dispatch, the names), so adding an operation is a compile error there;
//! the tables of operations with vectors (the runner's request forms, the reference's
//! in-process answers) end in a catch-all. Does not own what an operation carries
//! (`request`, `response`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An operation of protocol v1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    Hello,
    Verify,
    Canonicalize,
    VerifyChain,
    VerifyActionReceipt,
    VerifyProvenanceDepth,
    VerifyServerProvenance,
    VerifyContentMarking,
    ReplayEvidence,
    Sign,
    Decode,
    Encode,
    Bench,
    Ping,
    Shutdown,
}

impl Op {
    /// Every operation, in the order of the `ops` row of PROTOCOL.md's capability table
    /// (`hello` first).
    pub const ALL: [Op; 15] = [
        Op::Hello,
        Op::Verify,
        Op::Canonicalize,
        Op::VerifyChain,
        Op::VerifyActionReceipt,
        Op::VerifyProvenanceDepth,
        Op::VerifyServerProvenance,
        Op::VerifyContentMarking,
        Op::ReplayEvidence,
        Op::Sign,
        Op::Decode,
        Op::Encode,
        Op::Bench,
        Op::Ping,
        Op::Shutdown,
    ];

    /// The name on the wire (`verify-chain`), also the schema's file stem.
    pub fn name(self) -> &'static str {
        match self {
            Op::Hello => "hello",
            Op::Verify => "verify",
            Op::Canonicalize => "canonicalize",
            Op::VerifyChain => "verify-chain",
            Op::VerifyActionReceipt => "verify-action-receipt",
            Op::VerifyProvenanceDepth => "verify-provenance-depth",
            Op::VerifyServerProvenance => "verify-server-provenance",
            Op::VerifyContentMarking => "verify-content-marking",
            Op::ReplayEvidence => "replay-evidence",
            Op::Sign => "sign",
            Op::Decode => "decode",
            Op::Encode => "encode",
            Op::Bench => "bench",
            Op::Ping => "ping",
            Op::Shutdown => "shutdown",
        }
    }

    /// The operation named `name` on the wire, if protocol v1 has one.
    pub fn parse(name: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The four operations that verify one companion document (`document_b64u`) and answer
    /// a verdict with findings and the document's own members.
    pub fn is_document_check(self) -> bool {
        matches!(
            self,
            Op::VerifyActionReceipt | Op::VerifyProvenanceDepth | Op::VerifyServerProvenance | Op::VerifyContentMarking
        )
    }

    /// Whether vectors exercise the operation (the others are the session's own: `hello`,
    /// `ping`, `shutdown`, and the tool operations `sign`, `decode`, `encode`, `bench`).
    pub fn has_vectors(self) -> bool {
        matches!(
            self,
            Op::Verify | Op::Canonicalize | Op::VerifyChain | Op::ReplayEvidence
        ) || self.is_document_check()
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Op {
    type Err = String;
    fn from_str(s: &str) -> Result<Op, String> {
        Op::parse(s).ok_or_else(|| format!("{s:?} is not an operation of protocol v1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_parse() {
        for op in Op::ALL {
            let wire = serde_json::to_value(op).unwrap();
            assert_eq!(wire, serde_json::Value::String(op.name().into()));
            assert_eq!(serde_json::from_value::<Op>(wire).unwrap(), op);
            assert_eq!(Op::parse(op.name()), Some(op));
            assert_eq!(op.name().parse::<Op>(), Ok(op));
        }
        assert_eq!(Op::parse("Verify"), None);
        assert!("verify_chain".parse::<Op>().unwrap_err().contains("verify_chain"));
    }
}
