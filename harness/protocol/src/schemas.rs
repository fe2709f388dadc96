//! The JSON Schemas of protocol v1 (`harness/protocol/schemas/v1/`), embedded.
//!
//! Owns: which schema file belongs to which operation. The files are the contract adapter
//! authors code against; `trace-runner`'s contract check and this crate's tests validate
//! real messages with them. Does not own validating (the callers build validators).

use crate::Op;

/// The `$id` every schema file's name is appended to.
pub const BASE_ID: &str = "https://trace-conformance.dev/schema/adapter/v1/";

/// The envelope every request and response shares (`envelope.json`).
pub const ENVELOPE: &str = include_str!("../schemas/v1/envelope.json");

/// The schema of `op`: the request at the top level, the response under `$defs/response`.
pub fn schema(op: Op) -> &'static str {
    match op {
        Op::Hello => include_str!("../schemas/v1/hello.json"),
        Op::Verify => include_str!("../schemas/v1/verify.json"),
        Op::Canonicalize => include_str!("../schemas/v1/canonicalize.json"),
        Op::VerifyChain => include_str!("../schemas/v1/verify-chain.json"),
        Op::VerifyActionReceipt => include_str!("../schemas/v1/verify-action-receipt.json"),
        Op::VerifyProvenanceDepth => include_str!("../schemas/v1/verify-provenance-depth.json"),
        Op::VerifyServerProvenance => include_str!("../schemas/v1/verify-server-provenance.json"),
        Op::VerifyContentMarking => include_str!("../schemas/v1/verify-content-marking.json"),
        Op::ReplayEvidence => include_str!("../schemas/v1/replay-evidence.json"),
        Op::Sign => include_str!("../schemas/v1/sign.json"),
        Op::Decode => include_str!("../schemas/v1/decode.json"),
        Op::Encode => include_str!("../schemas/v1/encode.json"),
        Op::Bench => include_str!("../schemas/v1/bench.json"),
        Op::Ping => include_str!("../schemas/v1/ping.json"),
        Op::Shutdown => include_str!("../schemas/v1/shutdown.json"),
    }
}

/// Every schema as `($id, text)`: the envelope, then one per operation.
pub fn all() -> Vec<(String, &'static str)> {
    let mut out = vec![(format!("{BASE_ID}envelope.json"), ENVELOPE)];
    out.extend(Op::ALL.map(|op| (format!("{BASE_ID}{}.json", op.name()), schema(op))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The folder holds exactly the envelope and one file per operation, each naming itself
    /// in `$id` and its operation in `properties.op.const`: a schema added for an operation
    /// `Op` lacks, or an operation without its schema, fails here.
    #[test]
    fn the_schema_folder_is_the_envelope_and_one_file_per_operation() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/v1");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = all()
            .iter()
            .map(|(id, _)| id.strip_prefix(BASE_ID).unwrap().to_string())
            .collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
        for (id, text) in all() {
            let doc: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(doc["$id"], Value::String(id.clone()));
            let stem = id.strip_prefix(BASE_ID).unwrap().strip_suffix(".json").unwrap();
            if stem != "envelope" {
                assert_eq!(doc["properties"]["op"]["const"], Value::String(stem.into()), "{id}");
                assert!(Op::parse(stem).is_some(), "{stem}");
            }
        }
    }
}
