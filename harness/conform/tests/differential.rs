//! `trace-conform fuzz` end to end: an implementation that accepts everything yields
//! minimized candidate vectors that, once accepted, fail that implementation and pass the
//! reference; the reference fuzzed against itself yields nothing; a crashing adapter is a
//! finding and is restarted.

mod common;

use common::trace_conform as tc;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

const BIN: &str = env!("CARGO_BIN_EXE_trace-conform");

fn faux(mode: &str) -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../runner/tests/fauxplementations/faux.py");
    format!("python3 {} {mode}", script.display())
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn an_accept_everything_adapter_yields_regression_vectors_that_catch_it() {
    let dir = tempfile::tempdir().unwrap();
    let adapter = faux("accept-all");
    let o = tc(
        &[
            "fuzz",
            "--adapter",
            &adapter,
            "--seconds",
            "4",
            "--max-findings",
            "3",
            "--seed",
            "7",
            "--out",
            "found",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(dir.path().join("found"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    candidates.sort();
    assert!(!candidates.is_empty() && candidates.len() <= 3, "{candidates:?}");
    for c in &candidates {
        let v: Value = serde_json::from_slice(&std::fs::read(c).unwrap()).unwrap();
        let t = &v["groups"][0]["tests"][0];
        assert!(
            t["id"].as_str().unwrap().starts_with("regressions::faux-accept-all::"),
            "{t:#}"
        );
        assert_eq!(
            t["expected"]["result"], "invalid",
            "accept-all only errs by accepting: {t:#}"
        );
        assert!(
            t["expected"]["error"]["rules"][0].as_str().unwrap().starts_with("TR-"),
            "{t:#}"
        );
        assert!(t["comment"].as_str().unwrap().starts_with("Mutated from "), "{t:#}");
    }
    // Accepted into a vector directory, the candidates fail the implementation that
    // produced them and pass the reference.
    let vectors = dir.path().join("vectors");
    for c in &candidates {
        let o = tc(
            &[
                "vectors",
                "accept",
                c.to_str().unwrap(),
                "--dir",
                vectors.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let regressions = vectors.join("regressions");
    let reg = regressions.to_str().unwrap();
    let broken = tc(
        &["run", "--vectors", reg, "--adapter", &adapter, "--out", "r1"],
        dir.path(),
    );
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
    let reference = tc(&["run", "--vectors", reg, "--out", "r2"], dir.path());
    assert_eq!(reference.status.code(), Some(0), "{}", text(&reference));
    assert!(String::from_utf8_lossy(&reference.stdout).contains(&format!("{} passed, 0 failed", candidates.len())));
    // An edited candidate is refused.
    let mut v: Value = serde_json::from_slice(&std::fs::read(&candidates[0]).unwrap()).unwrap();
    v["groups"][0]["tests"][0]["expected"]["result"] = "valid".into();
    std::fs::write(dir.path().join("edited.json"), v.to_string()).unwrap();
    let o = tc(
        &["vectors", "accept", "edited.json", "--dir", vectors.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn the_reference_against_itself_finds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let adapter = format!("{BIN} serve");
    let o = tc(
        &["fuzz", "--adapter", &adapter, "--seconds", "3", "--out", "found"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("0 distinct disagreement(s)"), "{out}");
    let inputs: usize = out.split_whitespace().next().unwrap().parse().unwrap();
    assert!(inputs > 50, "{out}");
}

#[test]
fn a_crashing_adapter_is_a_finding_and_is_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let o = tc(
        &[
            "fuzz",
            "--adapter",
            &faux("crash-nth 4"),
            "--seconds",
            "3",
            // Enough room that the crash is recorded whatever the order of the seeds: the
            // crashing adapter also accepts everything, so disagreements come first.
            "--max-findings",
            "200",
            "--out",
            "found",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("implementation crash"), "{out}");
    let restarts: usize = out
        .split(" adapter restarts")
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(restarts >= 1, "{out}");
}
