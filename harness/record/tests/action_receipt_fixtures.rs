//! Cross-check with trace-spec's action-receipt conformance fixtures
//! (../shared/trace-spec/examples/action-receipts/conformance/, profile
//! `trace.action_receipt.conformance.v0`): for each fixture our verifier must return exactly
//! the documented status, controller outcome, failures and warnings, in order. The fixtures
//! are read where they are, never copied; without the folder the test says so and passes
//! (fails under `CI=true`).

mod shared;

use std::path::PathBuf;
use trace_record::action::verify_action_receipt;

fn fixtures_dir() -> Option<PathBuf> {
    shared::shared("trace-spec/examples/action-receipts/conformance")
}

#[test]
fn every_fixture_gets_its_documented_result_in_order() {
    let Some(dir) = fixtures_dir() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "expected the 30 fixtures, found {}", files.len());
    let mut wrong = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("read");
        let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("fixture JSON");
        let want = &doc["expected"];
        let got = verify_action_receipt(&bytes);
        let got_json = serde_json::json!({
            "status": got.status,
            "controller_outcome": got.controller_outcome,
            "failures": got.failures,
            "warnings": got.warnings,
        });
        if &got_json != want {
            wrong.push(format!(
                "{}: expected {want}, got {got_json}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} fixtures differ:\n{}",
        wrong.len(),
        files.len(),
        wrong.join("\n")
    );
}
