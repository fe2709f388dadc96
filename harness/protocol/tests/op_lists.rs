//! The other lists of operation names in the repository agree with `Op`: the capability
//! enum of the hello schema holds every operation, the vector-file schema every operation
//! that has vectors (in `Op::ALL`'s order), and the ops row of PROTOCOL.md's capability
//! table names every operation but `hello`.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use trace_protocol::{Op, schemas};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("{v} is not an array"))
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_hello_schema_enumerates_every_operation() {
    let hello: Value = serde_json::from_str(schemas::schema(Op::Hello)).unwrap();
    let listed: BTreeSet<String> = names(&hello["$defs"]["capabilities"]["properties"]["ops"]["items"]["enum"])
        .into_iter()
        .collect();
    let all: BTreeSet<String> = Op::ALL.iter().map(|op| op.name().to_string()).collect();
    assert_eq!(listed, all);
}

#[test]
fn the_vector_file_schema_enumerates_the_operations_with_vectors() {
    let text = std::fs::read_to_string(repo().join("vectors/schema/vector-file.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let listed = names(&schema["$defs"]["group"]["properties"]["op"]["enum"]);
    let with_vectors: Vec<String> = Op::ALL
        .into_iter()
        .filter(|op| op.has_vectors())
        .map(|op| op.name().to_string())
        .collect();
    assert_eq!(listed, with_vectors);
}

#[test]
fn protocol_md_lists_every_operation_in_the_capability_table() {
    let text = std::fs::read_to_string(repo().join("harness/PROTOCOL.md")).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("| `ops` |"))
        .expect("PROTOCOL.md has the ops row of the capability table");
    let cell = row.split('|').nth(2).unwrap();
    let listed: Vec<&str> = cell.split(',').map(|n| n.trim().trim_matches('`')).collect();
    let expected: Vec<&str> = Op::ALL
        .into_iter()
        .filter(|op| *op != Op::Hello)
        .map(Op::name)
        .collect();
    assert_eq!(listed, expected);
}
