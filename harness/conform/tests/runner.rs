//! The runner end to end: the reference through the protocol, and deliberately broken
//! adapters (tests/fauxplementations/faux.py in trace-runner), each of which must yield
//! its outcome, the right exit code and a complete report. (The HTML report in Chromium:
//! html_report.rs.)

mod common;

use serde_json::Value;
use std::path::PathBuf;
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
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("skip canonicalize"), "{out}");
    // The Python adapters answer through adapter_kit.serve, which claims pipelining.
    assert!(out.contains("ok   pipeline: 4 pings in flight"), "{out}");
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
    let o = run(&["smoke"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("ok   pipeline: 4 pings in flight"));
    let o = run(&["smoke", "--adapter", &faux("accept-all")]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
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
    // It names itself, with the library release it wraps in the version's build metadata.
    assert_eq!(r.summary["implementation"]["name"], "example-python");
    assert!(
        r.summary["implementation"]["version"]
            .as_str()
            .is_some_and(|v| v.starts_with("0.1.0+agentrust-trace.")),
        "{}",
        r.summary["implementation"]
    );
    assert!(count(&r, "pass") > 100, "{}", r.summary["counts"]);
    // It claims embedded EdDSA at Level 0 only: the rest is not claimed, not failed.
    assert!(count(&r, "not_claimed") > 100);
    assert_eq!(
        count(&r, "crash") + count(&r, "timeout") + count(&r, "protocol_violation"),
        0
    );
}

/// Debug formatting and parser jargon a person should never read: `Some(..)`, `None`,
/// `Ok(..)`, `Err(..)`, a struct printed as `Name { field: ..`, an enum variant in
/// CamelCase, or serde's "at line 1 column 3".
fn speaks_rust(text: &str) -> Option<String> {
    let words = |w: &str| {
        text.match_indices(w).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + w.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    };
    for w in [
        "None",
        "MustNot",
        "HarnessError",
        "FailVerdict",
        "FailErrorClass",
        "FailOutput",
        "NotClaimed",
        "NotRun",
        "UnsupportedClaimed",
        "ProtocolViolation",
        "RuleAndClass",
        "Xfail",
        "Xpass",
        "BasisKind",
        "ErrorDetail",
    ] {
        if words(w) {
            return Some(w.to_string());
        }
    }
    for w in [
        "Some(",
        "Ok(",
        "Err(",
        "got Reject",
        "got Accept",
        "got Unverified",
        "(Must,",
        "(Should,",
        "(Impl,",
    ] {
        if text.contains(w) {
            return Some(w.to_string());
        }
    }
    if let Some(at) = text.find(" at line ")
        && text[at..].chars().nth(9).is_some_and(|c| c.is_ascii_digit())
    {
        return Some(text[at..(at + 30).min(text.len())].to_string());
    }
    // `Name { field: `: a capitalised word, " { ", a lower-case identifier and ": ".
    for (at, _) in text.match_indices(" { ") {
        let name = text[..at].rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        let field: String = text[at + 3..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        if name.starts_with(|c: char| c.is_ascii_uppercase())
            && !field.is_empty()
            && text[at + 3 + field.len()..].starts_with(": ")
        {
            return Some(format!("{name} {{ {field}: "));
        }
    }
    None
}

#[test]
fn the_rust_detector_finds_what_it_looks_for() {
    for bad in [
        "got Reject ( )",
        "result.verdict is Some(\"rejected\")",
        "Implementation { name: \"x\", homepage: None }",
        "(Must, from level 0)",
        "expected ident at line 1 column 3",
        "outcome NotClaimed",
    ] {
        assert!(speaks_rust(bad).is_some(), "{bad}");
    }
    for good in [
        "expected valid, got reject (no errors)",
        "result.verdict is \"rejected\", not accept, reject or unverified",
        "{\"a\": \"Nonexistent\"}",
        "not claimed: alg ES256",
    ] {
        assert!(speaks_rust(good).is_none(), "{good}: {:?}", speaks_rust(good));
    }
}

/// Every mode of the fauxplementations (read from faux.py, so a new mode is covered), run
/// over a small selection: no line on the console, in the reports or in the case files
/// speaks Rust.
#[test]
fn no_message_or_report_speaks_rust() {
    let script = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../runner/tests/fauxplementations/faux.py"),
    )
    .unwrap();
    let mut modes: Vec<&str> = script
        .match_indices("MODE == \"")
        .map(|(at, _)| {
            let rest = &script[at + 9..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    modes.sort();
    modes.dedup();
    assert!(modes.len() > 15, "{modes:?}");
    let mut checked = 0;
    for mode in modes {
        // Slow on purpose (an hour's sleep after hello, a large answer): covered elsewhere.
        if ["deaf", "huge-answer"].contains(&mode) {
            continue;
        }
        let adapter = format!("{} 2", faux(mode));
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        let o = Command::new(BIN)
            .args(["run", "--deadline-ms", "300", "--restart-budget", "2", "--out"])
            .arg(&out)
            .args(["--adapter", &adapter])
            .args(SELECTION)
            .env("TRACE_CONFORM_BIN", BIN)
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        let mut texts = vec![
            ("stdout".to_string(), String::from_utf8_lossy(&o.stdout).into_owned()),
            ("stderr".to_string(), String::from_utf8_lossy(&o.stderr).into_owned()),
        ];
        for f in ["summary.md", "summary.json", "junit.xml", "index.html"] {
            let text = std::fs::read_to_string(out.join(f)).unwrap_or_else(|e| panic!("faux {mode}: {f}: {e}"));
            texts.push((f.to_string(), text));
        }
        for e in std::fs::read_dir(out.join("cases")).into_iter().flatten().flatten() {
            texts.push((
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            ));
        }
        for (name, text) in &texts {
            if let Some(found) = speaks_rust(text) {
                panic!("faux {mode}, {name}: {found}\n{text:.3000}");
            }
        }
        checked += 1;
    }
    assert!(checked > 12);
}

/// An adapter that does not start: the console and every report say so in words, name
/// where the command was looked for, and count every vector as not tested.
#[test]
fn a_start_failure_says_so_in_words_and_in_the_report() {
    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("report");
    let o = Command::new(BIN)
        .args(["run", "--adapter", "./no-such-adapter --flag", "--out"])
        .arg(&out)
        .args(SELECTION)
        .current_dir(cwd.path())
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(3), "{stdout}{stderr}");
    let summary: Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let n = summary["results"].as_array().unwrap().len();
    assert!(n >= 5, "{n}");
    assert!(
        stdout.contains(&format!("0 passed, 0 failed, 0 known failures, {n} not tested")),
        "{stdout}"
    );
    assert!(
        stdout.contains("the adapter did not start, so no vector was tested"),
        "{stdout}"
    );
    let looked = cwd.path().canonicalize().unwrap().join("no-such-adapter");
    assert!(
        stderr.contains(&format!("looked for \"{}\"", looked.display()))
            || stderr.contains(&format!(
                "looked for \"{}\"",
                cwd.path().join("no-such-adapter").display()
            )),
        "{stderr}"
    );
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.starts_with("# trace-conform: the adapter did not start\n"), "{md}");
    assert!(
        md.contains("**The adapter did not start, so no vector was tested:** cannot start"),
        "{md}"
    );
    assert!(md.contains(&format!("| the adapter did not start | {n} |")), "{md}");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<p id=\"startup-error\""), "{html:.2000}");
    assert!(html.contains("<title>trace-conform: the adapter did not start</title>"));
}

/// An adapter that accepts an `acceptable` vector without declaring its flag fails it, and
/// the finding says which flag to declare; an answer with a member its schema forbids is a
/// protocol violation that names the member, and costs no restart.
#[test]
fn contract_findings_say_what_to_change() {
    let r = run_with(Some(&faux("accept-all")), &["--only", "sig::keys::es256-high-s"]);
    let result = &r.summary["results"][0];
    assert_eq!(result["outcome"], "fail_verdict_unexpected_accept", "{result}");
    let detail = result["detail"].as_str().unwrap();
    assert!(
        detail.contains("did not declare EcdsaHighS in capabilities.accepts_flags"),
        "{detail}"
    );
    let r = run_with(Some(&faux("extra-member")), &SELECTION);
    assert!(count(&r, "protocol_violation") >= 5, "{}", r.summary["counts"]);
    assert_eq!(r.summary["restarts"], 0, "a schema failure keeps the adapter");
    assert_eq!(r.summary["complete"], true);
    // It accepts everything: on an invalid vector the unexpected accept is the finding, the
    // schema problem named beside it, never hiding it.
    let tampered = r.summary["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "sig::embedded::tampered-data-class")
        .unwrap();
    assert_eq!(tampered["outcome"], "fail_verdict_unexpected_accept", "{tampered}");
    assert!(
        tampered["detail"]
            .as_str()
            .unwrap()
            .starts_with("expected invalid, got accept; and the answer breaks the verify response schema"),
        "{tampered}"
    );
    let violation = r.summary["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["outcome"] == "protocol_violation")
        .unwrap();
    let detail = violation["detail"].as_str().unwrap();
    assert!(
        detail.contains("breaks the verify response schema") && detail.contains("debug_trace"),
        "{detail}"
    );
}
