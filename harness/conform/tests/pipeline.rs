//! Pipelining changes how requests travel, never what a run reports: the same vectors
//! through the same adapter, with requests in flight (`pipeline` claimed, the default) and
//! one at a time (`--pipeline 1`), give the same report files but for timings and request
//! ids; and through an adapter that answers out of order.

mod common;

use common::{normalized_files, repo, trace_conform};

fn faux(mode: &str) -> String {
    let script = repo().join("harness/runner/tests/fauxplementations/faux.py");
    format!("python3 {} {mode}", script.display())
}

/// Runs the selection through `adapter` into `out`, returning the exit status.
fn run(adapter: &str, extra: &[&str], out: &std::path::Path) -> i32 {
    let out_dir = out.display().to_string();
    let base = [
        "run",
        "--adapter",
        adapter,
        "--only",
        "sig::",
        "--only",
        "schema::",
        "--out",
        &out_dir,
    ];
    trace_conform(&[&base[..], extra].concat(), &repo())
        .status
        .code()
        .unwrap_or(-1)
}

#[test]
fn a_pipelined_run_reports_what_a_run_one_request_at_a_time_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = format!("{} serve", env!("CARGO_BIN_EXE_trace-conform"));
    // The reference passes; reorder (out of order, rejecting the ids that say invalid) fails
    // some vectors: both kinds of result must survive pipelining unchanged.
    // reorder logs the size of each batch it answers: the one thing meant to differ.
    let batch = regex::Regex::new(r"faux: answering a batch of \d+(\\n)?").unwrap();
    let sizes = regex::Regex::new(r"faux: answering a batch of (\d+)").unwrap();
    for (name, adapter) in [("reference", reference), ("reorder", faux("reorder@8"))] {
        let piped = tmp.path().join(format!("{name}-piped"));
        let single = tmp.path().join(format!("{name}-single"));
        let piped_code = run(&adapter, &[], &piped);
        let single_code = run(&adapter, &["--pipeline", "1"], &single);
        assert_eq!(piped_code, single_code, "{name}: exit status");
        let files = |dir| -> std::collections::BTreeMap<String, String> {
            normalized_files(dir)
                .into_iter()
                .map(|(name, text)| (name, batch.replace_all(&text, "").into_owned()))
                .collect()
        };
        if name == "reorder" {
            // The pipelined run did keep requests in flight, and the single one did not.
            let batches = |dir: &std::path::Path| -> usize {
                normalized_files(dir)
                    .values()
                    .flat_map(|text| {
                        sizes
                            .captures_iter(text)
                            .map(|c| c[1].parse::<usize>().unwrap())
                            .collect::<Vec<_>>()
                    })
                    .max()
                    .unwrap_or(0)
            };
            assert!(batches(&piped) > 1, "no batch of more than one request");
            assert_eq!(batches(&single), 1);
        }
        let (a, b) = (files(&piped), files(&single));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{name}: files"
        );
        for (file, text) in &a {
            assert!(
                text == &b[file],
                "{name}: {file} differs between pipelined and single runs"
            );
        }
        let summary: serde_json::Value = serde_json::from_str(&a["summary.json"]).unwrap();
        let count = |what: &str| summary["counts"][what].as_u64().unwrap();
        let failed = count("fail_verdict") + count("fail_verdict_unexpected_accept");
        assert!(
            count("pass") > 0 && (failed > 0) == (name == "reorder"),
            "{name}: {}",
            summary["counts"]
        );
    }
}
