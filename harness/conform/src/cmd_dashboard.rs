//! `trace-conform dashboard REPORT_DIRS... --out DIR [--bench FILE]`: the static site
//! comparing several runs (trace_runner::dashboard), from the `summary.json` in each folder
//! named and, with --bench, one bench run's throughput figures.
//!
//! Owns: reading the summaries and the bench document and writing (or, with --check, comparing) the pages. Does
//! not own the pages' content.

use crate::cmd_verify::clean;
use crate::exit::{self, Exit};
use serde_json::Value;
use std::path::{Path, PathBuf};
use trace_runner::{dashboard, dashboard_bench};

#[derive(clap::Args)]
pub struct Args {
    /// Report folders, each holding a summary.json (a run's --out, or a published report).
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// Where the site is written (index.html, vectors.html).
    #[arg(long)]
    pub out: PathBuf,
    /// A bench run's figures for the throughput table: `trace-conform bench --output json`,
    /// or the reports/benchmarks.json of tools/bench-report.sh (its bench_corpus run).
    #[arg(long)]
    pub bench: Option<PathBuf>,
    /// Compare instead of writing: exit 1 if the site in --out is not what these reports give.
    #[arg(long)]
    pub check: bool,
}

fn fail(e: impl std::fmt::Display) -> Exit {
    exit::fail("dashboard", Exit::Usage, e)
}

/// A JSON file from elsewhere, read within the input limit and turned into `T` by `parse`.
fn read_json<T>(path: &Path, parse: impl Fn(&Value) -> Result<T, trace_runner::Error>) -> Result<T, String> {
    let bytes = trace_untrusted::read::read_regular(path, crate::inputs::MAX_INPUT_BYTES).map_err(String::from)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| e.to_string())
        .and_then(|v| parse(&v).map_err(String::from))
        .map_err(|e| format!("{}: {e}", path.display()))
}

pub fn run(a: Args) -> Exit {
    let mut runs = Vec::new();
    for dir in &a.reports {
        match read_json(&dir.join("summary.json"), dashboard::parse) {
            Ok(r) => runs.push(r),
            Err(e) => return fail(e),
        }
    }
    let bench = match a
        .bench
        .as_deref()
        .map(|p| read_json(p, dashboard_bench::parse))
        .transpose()
    {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let mut stale = Vec::new();
    for (name, text) in dashboard::site(&runs, bench.as_ref()) {
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
