//! `trace-conform dashboard REPORT_DIRS... --out DIR`: the static site comparing several
//! runs (trace_runner::dashboard), from the `summary.json` in each folder named.
//!
//! Owns: reading the summaries and writing (or, with --check, comparing) the pages. Does
//! not own the pages' content.

use crate::cmd_verify::clean;
use crate::exit::{self, Exit};
use std::path::PathBuf;
use trace_runner::dashboard;

#[derive(clap::Args)]
pub struct Args {
    /// Report folders, each holding a summary.json (a run's --out, or a published report).
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Where the site is written (index.html, vectors.html).
    #[arg(long)]
    pub out: PathBuf,
    /// Compare instead of writing: exit 1 if the site in --out is not what these reports give.
    #[arg(long)]
    pub check: bool,
}

fn fail(e: impl std::fmt::Display) -> Exit {
    exit::fail("dashboard", Exit::Usage, e)
}

pub fn run(a: Args) -> Exit {
    let mut runs = Vec::new();
    for dir in &a.reports {
        let path = dir.join("summary.json");
        let bytes = match trace_untrusted::read::read_regular(&path, crate::inputs::MAX_INPUT_BYTES) {
            Ok(b) => b,
            Err(e) => return fail(String::from(e)),
        };
        let parsed = serde_json::from_slice(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|v| dashboard::parse(&v).map_err(String::from));
        match parsed {
            Ok(r) => runs.push(r),
            Err(e) => return fail(format!("{}: {e}", path.display())),
        }
    }
    let mut stale = Vec::new();
    for (name, text) in dashboard::site(&runs) {
        let path = a.out.join(name);
        if a.check {
            if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
                stale.push(path.display().to_string());
            }
            continue;
        }
        if let Err(e) = std::fs::create_dir_all(&a.out) {
            return fail(format!("{}: {e}", a.out.display()));
        }
        if let Err(e) = trace_untrusted::write::write_file(&path, text.as_bytes()) {
            return fail(String::from(e));
        }
    }
    if !stale.is_empty() {
        eprintln!(
            "trace-conform dashboard: out of date (regenerate without --check): {}",
            clean(&stale.join(", "))
        );
        return Exit::Failed;
    }
    println!(
        "{} {} run(s) into {}",
        if a.check { "checked" } else { "wrote" },
        runs.len(),
        a.out.display()
    );
    Exit::Ok
}
