//! What the integration tests share: the repository root, the pinned Python venv, and
//! running the built `trace-conform`.
#![allow(dead_code)] // each test binary uses its own part

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
