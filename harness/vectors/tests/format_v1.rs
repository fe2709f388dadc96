//! The v1 reader (trace-vector-format's `v1`) reads the committed set as format v1 held it:
//! every file, written back in v1 (group inputs as JSON text, valid against
//! `vectors/schema/vector-file.v1.json`), loads into the same vectors with the same digests.

use serde_json::Value;
use trace_vector_format::format::{FILE_SCHEMA_V1, VectorFile};
use trace_vector_format::load;

const V1_SCHEMA: &str = include_str!("../../../vectors/schema/vector-file.v1.json");
const INPUTS: [&str; 6] = [
    "inclusion",
    "evidence",
    "revocation",
    "policy",
    "reference_values",
    "deployment",
];

/// A v2 file as v1 wrote it: each input and each JWK as JSON text.
fn downgrade(file: &VectorFile) -> Value {
    let mut v = serde_json::to_value(file).unwrap();
    v["schema"] = FILE_SCHEMA_V1.into();
    for group in v["groups"].as_array_mut().unwrap() {
        let g = group.as_object_mut().unwrap();
        for name in INPUTS {
            if let Some(input) = g.get_mut(name) {
                *input = Value::String(input.to_string());
            }
        }
        for name in ["trusted_keys", "issuer_keys"] {
            for key in g.get_mut(name).and_then(Value::as_array_mut).into_iter().flatten() {
                if key.is_object() {
                    *key = Value::String(key.to_string());
                }
            }
        }
    }
    v
}

#[test]
fn the_committed_set_written_as_v1_reads_back_the_same() {
    let schema: Value = serde_json::from_str(V1_SCHEMA).unwrap();
    let v1 = jsonschema::draft202012::new(&schema).unwrap();
    let files = load::load_dir(&load::default_dir()).unwrap();
    let (mut inputs, mut tests) = (0, 0);
    for (path, file) in &files {
        let old = downgrade(file);
        let problems: Vec<String> = v1
            .iter_errors(&old)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(problems.is_empty(), "{}: not v1: {problems:?}", path.display());
        let read = load::parse("v1", &serde_json::to_vec(&old).unwrap()).unwrap();
        assert_eq!(&read, file, "{}", path.display());
        for g in &read.groups {
            let c = &g.context;
            inputs += [&c.evidence, &c.revocation, &c.inclusion]
                .iter()
                .filter(|i| i.is_some())
                .count();
            for t in &g.tests {
                assert_eq!(t.digest, t.compute_digest(), "{}", t.id);
                tests += 1;
            }
        }
    }
    // The round trip covered files with structured inputs, not only bare contexts.
    assert!(
        inputs > 100 && tests > 500,
        "{inputs} evidence, revocation and inclusion inputs, {tests} tests"
    );
}

#[test]
fn a_v2_file_is_not_valid_v1() {
    // The two schemas tell the formats apart, so a reader cannot mistake one for the other.
    let schema: Value = serde_json::from_str(V1_SCHEMA).unwrap();
    let v1 = jsonschema::draft202012::new(&schema).unwrap();
    let files = load::load_dir(&load::default_dir()).unwrap();
    let with_inputs = files
        .iter()
        .find(|(_, f)| f.groups.iter().any(|g| g.context.evidence.is_some()))
        .expect("a file with evidence");
    assert!(!v1.is_valid(&serde_json::to_value(&with_inputs.1).unwrap()));
}
