//! A run split into shards (`run --shard I/N`) and joined again (`report merge`) gives the
//! reports of the unsharded run: summary.json, summary.md, junit.xml, index.html, badge.json
//! and every case file, equal but for timings and request ids (a process numbers its own
//! requests, as a run with `--jobs` or restarts does). And through `tools/ci/run-suite.sh`, the step
//! the GitHub Action and the GitLab include share, a shard matrix and its merge job.

mod common;

use common::{normalized_files, repo, trace_conform};
use std::path::Path;

/// The fauxplementation that rejects every record: passes, failures and cases not claimed.
fn reject_all() -> String {
    let script = repo().join("harness/runner/tests/fauxplementations/faux.py");
    format!("python3 {} reject-all", script.display())
}

/// The selection: two topics, one of `verify` and one of `verify-chain` (which the
/// fauxplementation does not claim), so the merge interleaves every kind of result.
const SELECTION: [&str; 4] = ["--only", "sig::embedded", "--only", "chain::"];

fn run(args: &[&str], cwd: &Path) -> i32 {
    let out = trace_conform(args, cwd);
    out.status.code().unwrap_or(-1)
}

#[test]
fn four_shards_merged_equal_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let adapter = reject_all();
    let at = |name: &str| tmp.path().join(name).display().to_string();
    let base = ["run", "--adapter", adapter.as_str()];
    let whole = at("whole");
    let whole_code = run(&[&base[..], &SELECTION, &["--out", &whole]].concat(), tmp.path());
    assert_eq!(whole_code, 1, "the fauxplementation fails valid vectors");
    let mut shard_dirs = Vec::new();
    for i in 1..=4 {
        let dir = at(&format!("shard-{i}"));
        let shard = format!("{i}/4");
        run(
            &[&base[..], &SELECTION, &["--shard", &shard, "--out", &dir]].concat(),
            tmp.path(),
        );
        assert!(
            Path::new(&dir).join("shard.json").is_file(),
            "shard {i} left no shard.json"
        );
        shard_dirs.push(dir);
    }
    assert!(!Path::new(&whole).join("shard.json").exists());
    // In another order than 1 to 4: the merge puts the cases back in selection order.
    let merged = at("merged");
    let mut args = vec!["report", "merge", "--out", merged.as_str()];
    for i in [2, 4, 1, 3] {
        args.push(shard_dirs[i - 1].as_str());
    }
    let merged_code = run(&args, tmp.path());
    assert_eq!(merged_code, whole_code, "the merge gates as the run did");
    let (want, got) = (
        normalized_files(Path::new(&whole)),
        normalized_files(Path::new(&merged)),
    );
    assert_eq!(want.keys().collect::<Vec<_>>(), got.keys().collect::<Vec<_>>());
    assert!(
        want.keys().any(|k| k.starts_with("cases/")),
        "the run has failing cases"
    );
    for (name, text) in &want {
        assert!(
            got[name] == *text,
            "{name} differs between the merged shards and one run"
        );
    }
}

#[test]
fn shards_that_do_not_make_one_run_are_refused_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let adapter = reject_all();
    let at = |name: &str| tmp.path().join(name).display().to_string();
    for (name, shard, only) in [
        ("a", "1/2", "sig::embedded"),
        ("b", "2/2", "sig::jws"),
        ("c", "2/2", "sig::embedded"),
    ] {
        run(
            &[
                "run",
                "--adapter",
                &adapter,
                "--only",
                only,
                "--shard",
                shard,
                "--out",
                &at(name),
            ],
            tmp.path(),
        );
    }
    let merge = |dirs: &[&str]| {
        let mut args = vec!["report".to_string(), "merge".into(), "--out".into(), at("out")];
        args.extend(dirs.iter().map(|d| at(d)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = trace_conform(&args, tmp.path());
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, err) = merge(&["a", "b"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("filters"), "{err}");
    let (code, err) = merge(&["a"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not 1 to 2"), "{err}");
    // A folder without a shard record (an unsharded run, a typo) is named.
    std::fs::create_dir_all(at("plain")).unwrap();
    let (code, err) = merge(&["a", "plain"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("shard.json"), "{err}");
    // A record that is not one: refused, not a panic.
    std::fs::write(tmp.path().join("plain/shard.json"), b"{\"schema\": 1}").unwrap();
    let (code, err) = merge(&["a", "plain"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a shard record"), "{err}");
    assert!(
        merge(&["a", "c"]).0 == Some(1),
        "a and c make one run of reject-all: it fails"
    );
}

/// What `tools/ci/run-suite.sh` does with the CI recipes' shard settings, with this build.
fn run_suite(env: &[(&str, String)], cwd: &Path) -> i32 {
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(repo().join("tools/ci/run-suite.sh"))
        .current_dir(cwd)
        .env("TRACE_CONFORM", env!("CARGO_BIN_EXE_trace-conform"))
        .env("TC_SUMMARY", "/dev/null")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.status().unwrap().code().unwrap_or(-1)
}

#[test]
fn the_ci_step_runs_a_shard_matrix_and_its_merge_job_gates() {
    let tmp = tempfile::tempdir().unwrap();
    let adapter = reject_all();
    let base = [("TC_ADAPTER", adapter.clone()), ("TC_LEVEL", "0".to_string())];
    let whole = tmp.path().join("whole");
    let code = run_suite(
        &[&base[..], &[("TC_OUT", whole.display().to_string())]].concat(),
        tmp.path(),
    );
    assert_eq!(code, 1);
    for i in 1..=3 {
        let out = tmp.path().join(format!("shards/{i}"));
        let shard = [("TC_SHARD", format!("{i}/3")), ("TC_OUT", out.display().to_string())];
        // A shard does not gate on its results; the merge job does.
        assert_eq!(run_suite(&[&base[..], &shard].concat(), tmp.path()), 0, "shard {i}");
    }
    let merged = tmp.path().join("merged");
    let merge = [
        ("TC_MERGE_FROM", tmp.path().join("shards").display().to_string()),
        ("TC_OUT", merged.display().to_string()),
    ];
    assert_eq!(run_suite(&merge, tmp.path()), 1, "the merge job gates as one run");
    let summary = |d: &Path| normalized_files(d).remove("summary.json").unwrap();
    assert_eq!(summary(&merged), summary(&whole));
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert_eq!(
        run_suite(&[("TC_MERGE_FROM", empty.display().to_string())], tmp.path()),
        2,
        "no shard to merge is a usage error"
    );
}

/// The recipes wire their shard settings to the CI step: the GitHub Action's inputs, and
/// the GitLab include's matrix and merge jobs (their variables and artifact folders).
#[test]
fn the_recipes_offer_a_shard_matrix_and_a_merge_job() {
    let Some(python) = common::python("yaml") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let plan = |args: &[&str]| -> serde_json::Value {
        let out = std::process::Command::new(&python)
            .arg(repo().join("tools/ci/run_locally.py"))
            .args(args)
            .args(["--workspace", tmp.path().to_str().unwrap(), "--dry-run"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let gh = plan(&["github", "--input", "shard=2/4", "--input", "artifact-name=report-2"]);
    let step = |name: &str| {
        gh["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(step("Run the TRACE conformance suite")["env"]["TC_SHARD"], "2/4");
    assert_eq!(step("Upload the reports")["with"]["name"], "report-2");
    let gh = plan(&["github", "--input", "merge-from=shards"]);
    let run = gh["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Run the TRACE conformance suite")
        .unwrap();
    assert_eq!(run["env"]["TC_MERGE_FROM"], "shards");
    let shard = plan(&[
        "gitlab",
        "--job",
        ".trace-conformance-shards",
        "--var",
        "CI_NODE_INDEX=3",
        "--var",
        "CI_NODE_TOTAL=4",
    ]);
    assert_eq!(shard["variables"]["TC_SHARD"], "3/4");
    assert_eq!(shard["variables"]["TC_OUT"], "trace-conformance-shards/3");
    assert_eq!(shard["artifacts"], serde_json::json!(["trace-conformance-shards/3"]));
    let merge = plan(&["gitlab", "--job", ".trace-conformance-merge"]);
    // The merge job reads the folder the matrix jobs' artifacts land in.
    assert_eq!(merge["variables"]["TC_MERGE_FROM"], "trace-conformance-shards");
    assert_eq!(merge["variables"]["TC_SHARD"], "");
}
