//! The runner end to end: the reference through the protocol, and deliberately broken
//! adapters (tests/fauxplementations/faux.py in trace-runner), each of which must yield
//! its outcome, the right exit code and a complete report. The HTML report is rendered
//! in headless Chromium and checked from the DOM.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_trace-conform");

fn faux(mode: &str) -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../runner/tests/fauxplementations/faux.py");
    format!("python3 {} {mode}", script.display())
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

/// A small selection: valid and invalid verify vectors in every form, and canonicalize.
const SELECTION: [&str; 10] = [
    "--only",
    "valid::matrix::software-only-",
    "--only",
    "sig::embedded::tampered-data-class",
    "--only",
    "sig::jws::alg-none",
    "--only",
    "canon::rfc8785::utf16-order",
    "--only",
    "env::freshness::stale-by-one-second",
];

struct Ran {
    code: i32,
    summary: Value,
    dir: tempfile::TempDir,
    stderr: String,
}

fn run_with(adapter: Option<&str>, extra: &[&str]) -> Ran {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let mut args: Vec<String> = vec![
        "run".into(),
        "--out".into(),
        out.display().to_string(),
        "--deadline-ms".into(),
        "400".into(),
    ];
    if let Some(a) = adapter {
        args.push("--adapter".into());
        args.push(a.into());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let o = Command::new(BIN)
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    let summary = std::fs::read(out.join("summary.json"))
        .map(|b| serde_json::from_slice(&b).expect("summary.json parses"))
        .unwrap_or(Value::Null);
    for f in ["summary.json", "junit.xml", "summary.md", "index.html", "badge.json"] {
        assert!(
            out.join(f).exists(),
            "{f} missing: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    Ran {
        code: o.status.code().expect("exit code"),
        summary,
        dir,
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn count(r: &Ran, outcome: &str) -> u64 {
    r.summary["counts"][outcome].as_u64().unwrap_or(0)
}

#[test]
fn the_reference_passes_every_vector_through_the_protocol() {
    let r = run_with(None, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let total = r.summary["results"].as_array().unwrap().len() as u64;
    assert!(total > 250);
    assert_eq!(count(&r, "pass"), total);
    // With synthetic hardware evidence and inclusion receipts the reference reaches Level 2.
    assert_eq!(r.summary["level_reached"], 2);
    assert_eq!(r.summary["complete"], true);
    assert_summary_schema(&r.summary);
}

fn assert_summary_schema(summary: &Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../reports/schema/summary.v1.json");
    let schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let v = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let errors: Vec<String> = v
        .iter_errors(summary)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "summary.json does not match reports/schema/summary.v1.json: {errors:#?}"
    );
}

#[test]
fn each_fauxplementation_yields_its_outcome_and_a_complete_report() {
    let cases: &[(&str, &[&str], i32, &str)] = &[
        ("accept-all", &[], 1, "fail_verdict_unexpected_accept"),
        ("reject-all", &[], 1, "fail_verdict"),
        ("wrong-class", &[], 1, "fail_error_class"),
        ("crash-nth 2", &[], 1, "crash"),
        ("partial", &["--restart-budget", "20"], 1, "timeout"),
        ("noise", &["--restart-budget", "20"], 1, "protocol_violation"),
        ("slow-start", &[], 1, "fail_verdict_unexpected_accept"),
        ("hang", &["--restart-budget", "2"], 3, "not_run"),
        ("lying-hello", &[], 3, "not_run"),
        ("exits-at-once", &[], 3, "not_run"),
    ];
    for (mode, extra, code, outcome) in cases {
        let mut args: Vec<&str> = SELECTION.to_vec();
        args.extend_from_slice(extra);
        let r = run_with(Some(&faux(mode)), &args);
        assert_eq!(r.code, *code, "{mode}: exit {}; {}", r.code, r.stderr);
        assert!(
            count(&r, outcome) > 0,
            "{mode}: no {outcome} in {}",
            r.summary["counts"]
        );
        if *code == 3 {
            assert_eq!(r.summary["complete"], false, "{mode}");
        }
        assert_summary_schema(&r.summary);
        let junit = std::fs::read_to_string(r.dir.path().join("report/junit.xml")).unwrap();
        assert!(junit.contains("<testsuites"), "{mode}");
    }
}

#[test]
fn crash_and_partial_line_details_are_recorded_with_stderr() {
    let mut args: Vec<&str> = SELECTION.to_vec();
    args.extend_from_slice(&["--restart-budget", "20"]);
    // The faux adapter crashes on its second request, every time it is (re)started.
    let r = run_with(Some(&faux("crash-nth 2")), &args);
    let results = r.summary["results"].as_array().unwrap();
    let crashed: Vec<&Value> = results.iter().filter(|c| c["outcome"] == "crash").collect();
    assert!(!crashed.is_empty());
    let first = results.iter().position(|c| c["outcome"] == "crash").unwrap();
    assert!(
        results[first + 1..]
            .iter()
            .any(|c| c["outcome"] != "crash" && c["outcome"] != "not_run"),
        "the run goes on after a restart"
    );
    assert!(r.summary["restarts"].as_u64().unwrap() >= 1);
    let id = crashed[0]["id"].as_str().unwrap().replace("::", "__");
    let case: Value =
        serde_json::from_slice(&std::fs::read(r.dir.path().join(format!("report/cases/{id}.json"))).unwrap()).unwrap();
    assert!(
        case["stderr"].as_str().unwrap().contains("crashing on request 2"),
        "{case}"
    );
    assert!(
        case["detail"].as_str().unwrap().contains("exited with status 3"),
        "{case}"
    );
    assert!(case["replay"].as_str().unwrap().contains("--only"), "{case}");
    let r = run_with(Some(&faux("partial")), &args);
    let timeout = r.summary["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["outcome"] == "timeout")
        .expect("timeout");
    assert!(
        timeout["detail"].as_str().unwrap().contains("partial line"),
        "{timeout}"
    );
}

#[test]
fn known_failure_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    let write = |text: &str| std::fs::write(&profile, text).unwrap();
    // accept-all accepts the invalid vectors: marked known failing, they become xfail.
    write(
        "[[known_failing]]\nid = \"sig::*\"\nreason = \"accepts everything\"\n\
         [[known_failing]]\nid = \"env::freshness::*\"\nreason = \"no clock\"\n",
    );
    let mut args: Vec<&str> = SELECTION.to_vec();
    args.extend_from_slice(&["--profile", profile.to_str().unwrap()]);
    let r = run_with(Some(&faux("accept-all")), &args);
    // sig::jws::alg-none, the tampered record, the stale one.
    assert_eq!(count(&r, "xfail"), 3, "{}", r.summary["counts"]);
    // accept-all also gets the canonicalize vector wrong (it echoes): still unexpected.
    assert_eq!(r.code, 1);
    // A known failure that passes fails the run (xpass).
    write("[[known_failing]]\nid = \"valid::matrix::software-only-embedded-eddsa\"\nreason = \"stale entry\"\n");
    let mut args: Vec<&str> = vec!["--only", "valid::matrix::software-only-embedded-eddsa"];
    args.extend_from_slice(&["--profile", profile.to_str().unwrap()]);
    let r = run_with(None, &args);
    assert_eq!(count(&r, "xpass"), 1);
    assert_eq!(r.code, 1);
    // A pattern that matches nothing is a profile error.
    write("[[disabled]]\nid = \"no::such::vector\"\nreason = \"typo\"\n");
    let o = run(&[
        "run",
        "--profile",
        profile.to_str().unwrap(),
        "--out",
        dir.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // Disabled vectors are skipped; flaky failures do not fail the run.
    write(
        "[[disabled]]\nid = \"canon::*\"\nreason = \"no canonicalizer\"\n[[flaky]]\nid = \"valid::*\"\nreason = \"test\"\n",
    );
    let mut args: Vec<&str> = vec![
        "--only",
        "canon::rfc8785::utf16-order",
        "--only",
        "valid::matrix::software-only-",
    ];
    args.extend_from_slice(&["--profile", profile.to_str().unwrap()]);
    let r = run_with(Some(&faux("reject-all")), &args);
    assert_eq!(count(&r, "skipped"), 2, "utf16-order and utf16-order-private-use");
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn shards_partition_the_selection_and_diff_compares_runs() {
    let a = run_with(None, &["--only", "sig::", "--shard", "1/2"]);
    let b = run_with(None, &["--only", "sig::", "--shard", "2/2"]);
    let all = run_with(None, &["--only", "sig::"]);
    let n = |r: &Ran| r.summary["results"].as_array().unwrap().len();
    assert_eq!(n(&a) + n(&b), n(&all));
    // Two adapter processes in parallel give the same results in the same order.
    let parallel = run_with(None, &["--only", "sig::", "--jobs", "2"]);
    let ids = |r: &Ran| {
        r.summary["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].clone(), c["outcome"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&parallel), ids(&all));
    let x = all.dir.path().join("report/summary.json");
    let o = run(&["diff", x.to_str().unwrap(), x.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let bad = run_with(Some(&faux("accept-all")), &["--only", "sig::"]);
    let y = bad.dir.path().join("report/summary.json");
    let o = run(&["diff", x.to_str().unwrap(), y.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    // With the bad run as baseline, the same failures are not regressions.
    let again = run_with(
        Some(&faux("accept-all")),
        &["--only", "sig::", "--baseline", y.to_str().unwrap()],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    // --fail-under 1: the reference reaches level 0 only.
    let under = run_with(None, &["--only", "valid::", "--fail-under", "1"]);
    assert_eq!(under.code, 1);
}

#[test]
fn smoke_checks_only_claimed_ops_and_runs_relative_commands() {
    let Some(py) = common::python("agentrust_trace") else {
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    // trace-tests only verifies: smoke must not fail it for canonicalize. The adapter
    // command is relative to the repository root, where smoke is started.
    let o = Command::new(BIN)
        .args([
            "smoke",
            "--adapter",
            &format!("{} harness/adapters/trace-tests/adapter.py", py.display()),
        ])
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).contains("skip canonicalize"));
}

#[test]
fn smoke_passes_a_runtime_claim_only_adapter_with_a_runtime_claim() {
    let Some(py) = common::python("agentrust_trace") else {
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    // The cMCP adapter claims record_kinds ["runtime-claim"]: smoke sends it a RuntimeClaim.
    let o = Command::new(BIN)
        .args([
            "smoke",
            "--adapter",
            &format!("{} harness/adapters/cmcp/adapter.py", py.display()),
        ])
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("ok   verify a valid record: accept") && out.contains("ok   verify a byte-flipped copy"),
        "{out}"
    );
}

#[test]
fn smoke_passes_the_reference_and_fails_a_broken_adapter() {
    assert_eq!(run(&["smoke"]).status.code(), Some(0));
    let o = run(&["smoke", "--adapter", &faux("accept-all")]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
}

fn chromium() -> Option<PathBuf> {
    for c in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(c).exists() {
            return Some(PathBuf::from(c));
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install Debian's chromium (.ci/run does)"
    );
    eprintln!("SKIP: no chromium; install Debian's chromium to render the HTML report");
    None
}

#[test]
fn the_html_report_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else { return };
    let r = run_with(Some(&faux("wrong-class")), &SELECTION);
    let page = r.dir.path().join("report/index.html");
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            &format!("file://{}", page.display()),
        ])
        .stdin(Stdio::null())
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&o.stdout);
    assert!(
        dom.contains("<table id=\"matrix\">"),
        "no matrix in the rendered DOM: {dom:.500}"
    );
    assert!(
        dom.contains("class=\"case\" id=\"sig::jws::alg-none\""),
        "the failing case is not in the DOM"
    );
    assert!(dom.contains("fail_error_class"));
    assert!(
        !dom.contains("http://") && !dom.contains("https://"),
        "the report must be self-contained"
    );
}

#[test]
fn the_python_example_adapter_runs_the_suite() {
    let Some(py) = common::python("agentrust_trace") else {
        return;
    };
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../adapters/example-python/adapter.py");
    let adapter = format!("{} {}", py.display(), script.display());
    let r = run_with(Some(&adapter), &[]);
    assert_eq!(r.summary["complete"], true, "{}", r.stderr);
    assert_eq!(r.summary["implementation"]["name"], "agentrust-trace");
    assert!(count(&r, "pass") > 100, "{}", r.summary["counts"]);
    // It claims embedded EdDSA at Level 0 only: the rest is not claimed, not failed.
    assert!(count(&r, "not_claimed") > 100);
    assert_eq!(
        count(&r, "crash") + count(&r, "timeout") + count(&r, "protocol_violation"),
        0
    );
}
