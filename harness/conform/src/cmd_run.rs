//! `trace-conform run`: the built-in case set against the reference implementation, scored
//! and written as `summary.json` and `summary.md`.
//!
//! Owns: comparing a report with a case's expectation, the per-rule tally, and the two
//! report files. Does not own the cases (`cases`) or verification (`trace_record`).

use crate::cases::{self, Case, Expect};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use trace_record::{Report, Status, Verdict};

#[derive(clap::Args)]
pub struct Args {
    /// Directory the report is written to.
    #[arg(long, default_value = "reports/latest")]
    pub out: String,
    /// Run only cases whose id contains this text.
    #[arg(long)]
    pub only: Option<String>,
}

/// Whether `report` is what `expect` requires; `Err` says what differs.
pub fn compare(expect: &Expect, report: &Report) -> Result<(), String> {
    let has = |rule: &str, status: Status| report.findings.iter().any(|f| f.rule == rule && f.status == status);
    let fails: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.rule)
        .collect();
    match (expect, report.verdict) {
        (Expect::Accept, Verdict::Accept) => Ok(()),
        (Expect::AcceptWithAdvisory(rule), Verdict::Accept) if has(rule, Status::Advisory) => Ok(()),
        (Expect::AcceptWithAdvisory(rule), Verdict::Accept) => Err(format!("accepted without the {rule} advisory")),
        (Expect::Reject(rule), Verdict::Reject) if has(rule, Status::Fail) => Ok(()),
        (Expect::Reject(rule), Verdict::Reject) => {
            Err(format!("rejected, but not for {rule} (failures: {})", fails.join(", ")))
        }
        (Expect::Unverified(rule), Verdict::Unverified) if has(rule, Status::Unverified) => Ok(()),
        (Expect::Unverified(rule), Verdict::Unverified) => Err(format!("unverified, but not because of {rule}")),
        (want, got) => Err(format!(
            "expected {want:?}, got {got:?} (failures: {})",
            fails.join(", ")
        )),
    }
}

pub struct CaseResult {
    pub id: String,
    pub rule: &'static str,
    pub description: String,
    pub outcome: Result<(), String>,
}

pub fn run_cases(cases: &[Case]) -> Vec<CaseResult> {
    cases
        .par_iter()
        .map(|c| {
            let report = trace_record::verify(&c.input, &c.opts);
            CaseResult {
                id: c.id.clone(),
                rule: c.rule,
                description: c.description.clone(),
                outcome: compare(&c.expect, &report),
            }
        })
        .collect()
}

pub fn run(a: Args) -> u8 {
    let cases: Vec<Case> = cases::all()
        .into_iter()
        .filter(|c| a.only.as_deref().is_none_or(|o| c.id.contains(o)))
        .collect();
    if cases.is_empty() {
        eprintln!(
            "trace-conform run: no case matches --only {:?}",
            a.only.unwrap_or_default()
        );
        return 2;
    }
    let results = run_cases(&cases);
    let failed = results.iter().filter(|r| r.outcome.is_err()).count();
    if let Err(e) = write_reports(&a.out, &results) {
        eprintln!("trace-conform run: {e}");
        return 2;
    }
    for r in results.iter().filter(|r| r.outcome.is_err()) {
        eprintln!("FAIL {}: {}", r.id, r.outcome.as_ref().unwrap_err());
    }
    println!("{} passed, {} failed", results.len() - failed, failed);
    println!("report: {}/summary.md", a.out);
    if failed == 0 { 0 } else { 1 }
}

fn write_reports(dir: &str, results: &[CaseResult]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{dir}: {e}"))?;
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in results {
        let e = per_rule.entry(r.rule).or_default();
        if r.outcome.is_ok() { e.0 += 1 } else { e.1 += 1 }
    }
    let failed = results.iter().filter(|r| r.outcome.is_err()).count();
    let json = serde_json::json!({
        "schema": "trace-conform/selfcheck-summary/0",
        "implementation": {"name": "trace-record", "version": env!("CARGO_PKG_VERSION"), "reference": true},
        "cases": results.len(),
        "passed": results.len() - failed,
        "failed": failed,
        "rules": per_rule.iter().map(|(k, (p, f))| serde_json::json!({"rule": k, "passed": p, "failed": f})).collect::<Vec<_>>(),
        "results": results.iter().map(|r| serde_json::json!({
            "id": r.id, "rule": r.rule, "description": r.description,
            "outcome": if r.outcome.is_ok() { "pass" } else { "fail" },
            "detail": r.outcome.as_ref().err(),
        })).collect::<Vec<_>>(),
    });
    let path = format!("{dir}/summary.json");
    std::fs::write(&path, serde_json::to_string_pretty(&json).expect("json") + "\n")
        .map_err(|e| format!("{path}: {e}"))?;
    let mut md = String::new();
    let _ = writeln!(md, "# trace-conform run: reference implementation\n");
    let _ = writeln!(
        md,
        "{} cases, {} passed, {} failed.\n",
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
        for r in results.iter().filter(|r| r.outcome.is_err()) {
            let _ = writeln!(md, "- `{}`: {}", r.id, r.outcome.as_ref().unwrap_err());
        }
    }
    let path = format!("{dir}/summary.md");
    std::fs::write(&path, md).map_err(|e| format!("{path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use trace_record::rules::catalog::RULES;

    #[test]
    fn the_reference_meets_every_built_in_case() {
        let results = run_cases(&cases::all());
        let failures: Vec<String> = results
            .iter()
            .filter_map(|r| r.outcome.as_ref().err().map(|e| format!("{}: {e}", r.id)))
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn case_ids_are_unique() {
        let all = cases::all();
        let ids: BTreeSet<_> = all.iter().map(|c| c.id.clone()).collect();
        assert_eq!(ids.len(), all.len());
    }

    #[test]
    fn every_rule_has_a_case_that_triggers_it() {
        let all = cases::all();
        let triggered: BTreeSet<&str> = all
            .iter()
            .filter_map(|c| match c.expect {
                Expect::Reject(r) | Expect::Unverified(r) | Expect::AcceptWithAdvisory(r) => Some(r),
                Expect::Accept => None,
            })
            .collect();
        let missing: Vec<&str> = RULES
            .iter()
            .map(|r| r.id)
            .filter(|id| !triggered.contains(id))
            .collect();
        assert!(missing.is_empty(), "rules without a triggering case: {missing:?}");
    }

    /// A verifier that skips one rule (drops its findings) must fail at least one case,
    /// for every rule in the catalog: no rule is dead weight in the case set.
    #[test]
    fn skipping_any_single_rule_fails_some_case() {
        let all = cases::all();
        let reports: Vec<Report> = all.iter().map(|c| trace_record::verify(&c.input, &c.opts)).collect();
        let mut undetected = Vec::new();
        for rule in RULES {
            let caught = all.iter().zip(&reports).any(|(case, report)| {
                let mut broken = report.clone();
                let mut every: Vec<_> = broken
                    .findings
                    .drain(..)
                    .chain(broken.above_level.drain(..))
                    .filter(|f| f.rule != rule.id)
                    .collect();
                broken.verdict = trace_record::finding::verdict_at(&every, case.opts.level);
                every.retain(|f| f.min_level() <= case.opts.level);
                broken.findings = every;
                compare(&case.expect, &broken).is_err()
            });
            if !caught {
                undetected.push(rule.id);
            }
        }
        assert!(
            undetected.is_empty(),
            "a verifier skipping these rules passes every case: {undetected:?}"
        );
    }

    #[test]
    fn a_verifier_that_accepts_everything_fails_the_cases() {
        let accept_all = Report {
            verdict: Verdict::Accept,
            level: trace_record::Level::L0,
            highest_level: Some(trace_record::Level::L2),
            form: None,
            alg: None,
            profile: trace_record::Profile::V02,
            strict: false,
            key_thumbprint: None,
            findings: Vec::new(),
            above_level: Vec::new(),
        };
        let all = cases::all();
        let wrongly_passed: Vec<&str> = all
            .iter()
            .filter(|c| !matches!(c.expect, Expect::Accept))
            .filter(|c| compare(&c.expect, &accept_all).is_ok())
            .map(|c| c.id.as_str())
            .collect();
        assert!(wrongly_passed.is_empty(), "{wrongly_passed:?}");
    }
}
