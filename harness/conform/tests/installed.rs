//! What an installed `trace-conform` does without a checkout: it runs the embedded vector
//! set (forced here with TRACE_CONFORM_VECTORS=embedded, from an empty directory) and names
//! the suite, protocol and vector set in `--version`.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_trace-conform");

#[test]
fn runs_the_embedded_suite_from_an_empty_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report");
    let o = Command::new(BIN)
        .args(["run", "--out", out.to_str().unwrap()])
        .env("TRACE_CONFORM_VECTORS", "embedded")
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let total = summary["results"].as_array().unwrap().len();
    assert!(total > 400, "{total}");
    // A directory that does not exist is a usage error, not an empty pass.
    let o = Command::new(BIN)
        .args(["run", "--out", out.to_str().unwrap()])
        .env("TRACE_CONFORM_VECTORS", dir.path().join("nowhere"))
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn version_names_suite_protocol_and_vector_set() {
    let o = Command::new(BIN).arg("--version").output().expect("runs");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("adapter protocol 1"), "{text}");
    assert!(text.contains("vector set sha256:"), "{text}");
}
