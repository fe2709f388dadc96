//! `trace-conform run`: the vector set against the reference implementation, scored and
//! written as `summary.json` and `summary.md`.
//!
//! Owns: selecting vectors, running them through `trace_vectors::reference`, the per-rule
//! tally and the two report files. Does not own the vectors or the scoring rules.

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use trace_vectors::format::{Context, Test};
use trace_vectors::score::{Score, score};
use trace_vectors::{load, reference};

#[derive(clap::Args)]
pub struct Args {
    /// Directory the report is written to.
    #[arg(long, default_value = "reports/latest")]
    pub out: String,
    /// Vector directory (default: this checkout's vectors/).
    #[arg(long)]
    pub vectors: Option<PathBuf>,
    /// Run only vectors whose id contains this text.
    #[arg(long)]
    pub only: Option<String>,
    /// Run only vectors of this level.
    #[arg(long)]
    pub level: Option<u8>,
    /// Run only vectors of this platform.
    #[arg(long)]
    pub platform: Option<String>,
    /// Run only vectors of this form (embedded, jws, cose).
    #[arg(long)]
    pub format: Option<String>,
}

pub struct VectorResult {
    pub id: String,
    pub rules: Vec<String>,
    pub description: String,
    pub score: Score,
}

fn selected(a: &Args, ctx: &Context, test: &Test) -> bool {
    a.only.as_deref().is_none_or(|o| test.id.contains(o))
        && a.level.is_none_or(|l| ctx.level == l)
        && a.platform.as_deref().is_none_or(|p| ctx.platform == p)
        && a.format.as_deref().is_none_or(|f| ctx.format == f)
}

pub fn run(a: Args) -> u8 {
    let dir = a.vectors.clone().unwrap_or_else(load::default_dir);
    let files = match load::load_dir(&dir) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!("trace-conform run: no vector files in {}", dir.display());
            return 2;
        }
        Err(e) => {
            eprintln!("trace-conform run: {e}");
            return 2;
        }
    };
    let work: Vec<(&Context, &Test)> = files
        .iter()
        .flat_map(|(_, f)| &f.groups)
        .flat_map(|g| g.tests.iter().map(move |t| (&g.context, t)))
        .filter(|(c, t)| selected(&a, c, t))
        .collect();
    if work.is_empty() {
        eprintln!("trace-conform run: no vector matches the selection");
        return 2;
    }
    let results: Vec<VectorResult> = work
        .par_iter()
        .map(|(ctx, test)| {
            let score = match reference::observe(ctx, test) {
                Ok(observed) => score(&test.expected, &observed),
                Err(e) => Score::FailOutput {
                    detail: format!("harness error: {e}"),
                },
            };
            let rules = test
                .expected
                .error
                .iter()
                .flat_map(|e| e.rules.clone())
                .chain(test.expected.controls.clone())
                .collect();
            VectorResult {
                id: test.id.clone(),
                rules,
                description: test.description.clone(),
                score,
            }
        })
        .collect();
    let failed = results.iter().filter(|r| !r.score.is_pass()).count();
    if let Err(e) = write_reports(&a.out, &results) {
        eprintln!("trace-conform run: {e}");
        return 2;
    }
    for r in results.iter().filter(|r| !r.score.is_pass()) {
        eprintln!("FAIL {}: {:?}", r.id, r.score);
    }
    println!("{} passed, {} failed", results.len() - failed, failed);
    println!("report: {}/summary.md", a.out);
    if failed == 0 { 0 } else { 1 }
}

fn outcome(s: &Score) -> &'static str {
    match s {
        Score::Pass => "pass",
        Score::FailVerdict {
            unexpected_accept: true,
            ..
        } => "fail_verdict_unexpected_accept",
        Score::FailVerdict { .. } => "fail_verdict",
        Score::FailErrorClass { .. } => "fail_error_class",
        Score::FailOutput { .. } => "fail_output",
    }
}

fn write_reports(dir: &str, results: &[VectorResult]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{dir}: {e}"))?;
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in results {
        for rule in &r.rules {
            let e = per_rule.entry(rule).or_default();
            if r.score.is_pass() { e.0 += 1 } else { e.1 += 1 }
        }
    }
    let failed = results.iter().filter(|r| !r.score.is_pass()).count();
    let json = serde_json::json!({
        "schema": "trace-conform/run-summary/0",
        "implementation": {"name": "trace-record", "version": env!("CARGO_PKG_VERSION"), "reference": true},
        "suite_version": trace_vectors::generate::SUITE_VERSION,
        "vectors": results.len(),
        "passed": results.len() - failed,
        "failed": failed,
        "rules": per_rule.iter().map(|(k, (p, f))| serde_json::json!({"rule": k, "passed": p, "failed": f})).collect::<Vec<_>>(),
        "results": results.iter().map(|r| serde_json::json!({
            "id": r.id, "description": r.description, "outcome": outcome(&r.score),
            "detail": match &r.score { Score::Pass => None, other => Some(format!("{other:?}")) },
        })).collect::<Vec<_>>(),
    });
    let path = format!("{dir}/summary.json");
    std::fs::write(&path, serde_json::to_string_pretty(&json).expect("json") + "\n")
        .map_err(|e| format!("{path}: {e}"))?;
    let mut md = String::new();
    let _ = writeln!(md, "# trace-conform run: reference implementation\n");
    let _ = writeln!(
        md,
        "{} vectors, {} passed, {} failed.\n",
        results.len(),
        results.len() - failed,
        failed
    );
    let _ = writeln!(md, "| rule | passed | failed |\n|---|---|---|");
    for (rule, (p, f)) in &per_rule {
        let _ = writeln!(md, "| {rule} | {p} | {f} |");
    }
    if failed > 0 {
        let _ = writeln!(md, "\n## Failures\n");
        for r in results.iter().filter(|r| !r.score.is_pass()) {
            let _ = writeln!(md, "- `{}` ({}): {:?}", r.id, outcome(&r.score), r.score);
        }
    }
    let path = format!("{dir}/summary.md");
    std::fs::write(&path, md).map_err(|e| format!("{path}: {e}"))
}
