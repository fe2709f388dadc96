//! Cross-check with trace-spec's build-provenance depth vectors
//! (../shared/trace-spec/examples/build-provenance-depth/, profile
//! `trace.build_provenance.depth.v0`): each fixture, verified at each of the three depths,
//! must give exactly the documented outcome, verified depth, failures and unresolved
//! evidence. Read in place, never copied; without the folder the test says so and passes
//! (fails under `CI=true`).

mod shared;

use std::path::PathBuf;
use trace_record::json::{self, Value};
use trace_record::provenance::{Depth, verify_depth};

#[test]
fn every_fixture_at_every_depth_gets_its_documented_result() {
    let Some(dir) = shared::shared("trace-spec/examples/build-provenance-depth") else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "expected the 6 fixtures, found {}", files.len());
    let mut wrong = Vec::new();
    let mut compared = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("read");
        let Ok(Value::Object(doc)) = json::parse(&bytes) else {
            panic!("{} is not an object", path.display())
        };
        let expected: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        for depth in Depth::ALL {
            let want = &expected["expected"][depth.name()];
            let r = verify_depth(&doc, depth);
            let got = serde_json::json!({
                "outcome": if r.failures.is_empty() { "accept" } else { "reject" },
                "verified_depth": r.verified_depth.map(Depth::name),
                "failures": r.failures,
                "unresolved": r.unresolved,
            });
            compared += 1;
            if &got != want {
                wrong.push(format!(
                    "{} at {}: expected {want}, got {got}",
                    path.file_name().unwrap().to_string_lossy(),
                    depth.name()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {compared} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
