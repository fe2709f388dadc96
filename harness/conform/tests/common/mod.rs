//! What the integration tests share: the repository root, the pinned Python venv,
//! running the built `trace-conform`, and report folders with what varies between runs
//! taken out.
#![allow(dead_code)] // each test binary uses its own part

use std::collections::BTreeMap;
use std::path::Path;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs the built `trace-conform` with `args` in `cwd`.
pub fn trace_conform(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trace-conform"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("trace-conform runs")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The interpreter ($TRACE_CONFORM_PYTHON, else <repo>/.venv/bin/python) when it can
/// `import` every module of `modules` (comma-separated). Without one the caller skips with
/// a message, except under CI=true, where a missing peer is a failure.
pub fn python(modules: &str) -> Option<PathBuf> {
    let candidate = std::env::var_os("TRACE_CONFORM_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv/bin/python"));
    let works = Command::new(&candidate)
        .args(["-c", &format!("import {modules}")])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if works {
        return Some(candidate);
    }
    let msg = format!(
        "{} cannot import {modules} (run tools/test.sh to create the venv)",
        candidate.display()
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must provide the Python peers: {msg}"
    );
    eprintln!("SKIP: {msg}");
    None
}

/// Every file under `dir` with what varies between two runs of the same vectors taken out:
/// per-case times, the start time the HTML banner shows, and request ids (`r-N`).
pub fn normalized_files(dir: &Path) -> BTreeMap<String, String> {
    let duration = regex::Regex::new(r#""duration_ms": \d+"#).unwrap();
    let junit_time = regex::Regex::new(r#" time="[0-9.]+""#).unwrap();
    let started = regex::Regex::new(r#"<time id="date">[^<]*</time>"#).unwrap();
    let request_id = regex::Regex::new(r"\br-\d+\b").unwrap();
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let text = duration.replace_all(&text, r#""duration_ms": 0"#);
            let text = junit_time.replace_all(&text, r#" time="0""#);
            let text = started.replace_all(&text, r#"<time id="date"></time>"#);
            let text = request_id.replace_all(&text, "r-N");
            let name = p.strip_prefix(dir).unwrap().display().to_string();
            out.insert(name, text.into_owned());
        }
    }
    out
}
