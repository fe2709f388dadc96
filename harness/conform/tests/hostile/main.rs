//! Hostile input, one module per class of attack (issue 19, SECURITY.md): each test builds
//! its attack at test time and shows the suite answering it with a clear finding or outcome,
//! inside its bounds.
//!
//! - `paths`: writes outside the output folder, reads outside a capture folder;
//! - `injection`: markup, forged Markdown, terminal sequences and shell words from adapters
//!   and vector files;
//! - `hangs`: inputs and adapters that used to stall the suite;
//! - `processes`: oversized answers, and adapters that leave processes behind.

#[path = "../common/mod.rs"]
mod common;

mod hangs;
mod injection;
mod paths;
mod processes;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the built `trace-conform` and fails the test (after killing it) if it has not ended
/// within `limit`: a hang is a failure, not a stuck test run.
pub fn conform_within(args: &[&str], cwd: &Path, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_trace-conform"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("trace-conform starts");
    // Drain the pipes while waiting, so a chatty run cannot block on them.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut b).ok();
        b
    });
    let err_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut b).ok();
        b
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let elapsed = started.elapsed();
            let output = Output {
                status,
                stdout: out_reader.join().unwrap(),
                stderr: err_reader.join().unwrap(),
            };
            return (output, elapsed);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("trace-conform {args:?} was still running after {limit:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The fauxplementation (deliberately broken adapter) in `mode`, as an adapter command.
pub fn faux(mode: &str, n: u64) -> String {
    let script = common::repo().join("harness/runner/tests/fauxplementations/faux.py");
    format!("python3 {} {mode} {n}", script.display())
}

/// A vector folder holding the first `n` verify vectors of one committed file, with `edit`
/// applied to the file's JSON first.
pub fn vector_dir(root: &Path, n: usize, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let text = std::fs::read(common::repo().join("vectors/sig/embedded.json")).unwrap();
    let mut file: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let groups = file["groups"].as_array_mut().unwrap();
    groups.retain(|g| g["op"] == "verify");
    groups.truncate(1);
    groups[0]["tests"].as_array_mut().unwrap().truncate(n);
    edit(&mut file);
    let dir = root.join("vectors");
    std::fs::create_dir_all(dir.join("sig")).unwrap();
    std::fs::write(dir.join("sig/embedded.json"), serde_json::to_vec_pretty(&file).unwrap()).unwrap();
    dir
}

/// Every file under `dir`, recursively, with its size.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else {
                out.push((e.path(), m.len()));
            }
        }
    }
    out
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
