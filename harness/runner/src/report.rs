//! The reports of a run, all written to one directory: `summary.json` (schema
//! reports/schema/summary.v1.json), `junit.xml`, `summary.md`, a self-contained
//! `index.html` (`report_html`), `badge.json` and `cases/<id>.json` for every vector that did
//! not pass.
//!
//! Owns: rendering only; every figure comes from the `RunResult`.

use crate::outcome::Outcome;
use crate::protocol::Op;
use crate::run::{CaseResult, RunResult};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use trace_untrusted::escape::{markdown as md, markdown_code as md_code, shell, xml};

pub const SUMMARY_SCHEMA: &str = "trace-conform/summary.v1";

/// Counts per outcome name, every outcome present (zero when absent).
pub fn counts(cases: &[CaseResult]) -> BTreeMap<&'static str, usize> {
    let mut m: BTreeMap<&'static str, usize> = Outcome::ALL.iter().map(|o| (o.name(), 0)).collect();
    for c in cases {
        *m.entry(c.outcome.name()).or_default() += 1;
    }
    m
}

/// The shell line that reruns one case: every word quoted (`escape::shell`). A producer's
/// case is rerun with its whole log: its driver, or the records as given.
pub(crate) fn replay_command(r: &RunResult, c: &CaseResult) -> String {
    let adapter = r.adapter.iter().map(|a| shell(a)).collect::<Vec<_>>().join(" ");
    if c.module == crate::producer::MODULE {
        return match adapter.is_empty() {
            true => {
                "trace-conform producer --log LOG (or the records) --out DIR, with this run's log, records and options"
                    .into()
            }
            false => format!("trace-conform producer --command {} --out DIR", shell(&adapter)),
        };
    }
    format!(
        "trace-conform run --adapter {} --only {}",
        shell(&adapter),
        shell(&c.id)
    )
}

pub fn summary_json(r: &RunResult, suite_version: &str) -> Value {
    let mut summary = json!({
        "schema": SUMMARY_SCHEMA,
        "suite_version": suite_version,
        "adapter": r.adapter,
        "implementation": r.implementation,
        "capabilities": r.capabilities,
        "complete": r.complete,
        "startup_error": r.startup_error,
        "restarts": r.restarts,
        "vector_set": r.vector_set,
        "level_reached": r.level_reached(),
        "counts": counts(&r.cases),
        "categories": Categories::of(&r.cases),
        "unexpected": r.unexpected().count(),
        "results": r.cases.iter().map(|c| json!({
            "id": c.id, "outcome": c.outcome.name(), "flaky": c.flaky, "detail": c.detail,
            "module": c.module, "op": c.op, "format": c.format, "platform": c.platform, "level": c.level, "rules": c.rules,
            "alg": c.alg, "basis": c.explanation.basis, "label": c.explanation.label(), "duration_ms": c.duration_ms,
        })).collect::<Vec<_>>(),
    });
    // Only when the profile was written for another implementation or release (IMPL-41).
    if let Some(w) = &r.profile_written_for {
        summary["profile_written_for"] = json!(w);
    }
    summary
}

/// The four things a person asks of a run, each vector in exactly one: it passed; it
/// failed (the run fails); it failed as the profile says it does (a known failure, or a
/// vector the profile marks flaky); or it was not tested (outside the claimed capabilities,
/// skipped by the profile, or never sent).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Categories {
    pub passed: usize,
    pub failed: usize,
    pub known: usize,
    pub not_tested: usize,
}

impl Categories {
    pub fn of(cases: &[CaseResult]) -> Categories {
        let mut c = Categories::default();
        for case in cases {
            match case.outcome {
                Outcome::Pass => c.passed += 1,
                Outcome::NotClaimed | Outcome::Skipped | Outcome::NotRun => c.not_tested += 1,
                Outcome::Xfail => c.known += 1,
                _ if case.flaky => c.known += 1,
                _ => c.failed += 1,
            }
        }
        c
    }

    /// "167 passed, 0 failed, 35 known failures, 398 not tested".
    pub fn sentence(&self) -> String {
        format!(
            "{} passed, {} failed, {} known failure{}, {} not tested",
            self.passed,
            self.failed,
            self.known,
            if self.known == 1 { "" } else { "s" },
            self.not_tested
        )
    }
}

/// The implementation as a title: its name and version, or why there is none.
pub fn implementation_title(r: &RunResult) -> String {
    let imp = &r.implementation;
    match (imp.name.trim().is_empty(), &r.startup_error) {
        (true, Some(_)) => "the adapter did not start".to_string(),
        (true, None) => "an implementation that did not name itself".to_string(),
        (false, _) => format!("{} {}", imp.name, imp.version).trim_end().to_string(),
    }
}

/// When the known-failure profile was written for another implementation or release
/// (IMPL-41): which one, and how to read the outcomes against it.
pub fn profile_sentence(r: &RunResult) -> Option<String> {
    let w = r.profile_written_for.as_ref()?;
    let written = match &w.version {
        Some(v) => format!("{} {v}", w.name),
        None => w.name.clone(),
    };
    Some(format!(
        "Known failures are those of the profile written for {written}, not for this implementation: \
         a known failure is a vector {written} is also known to fail (this one may fail it otherwise, and the \
         reason given is {written}'s), a failure one {written} does not fail, and an unexpected pass one \
         {written} fails and this one passes."
    ))
}

/// The vector set in one line for people: source, suite version, digest and size.
pub fn vector_set_line(r: &RunResult) -> Option<String> {
    r.vector_set.as_ref().map(|s| {
        format!(
            "{} (suite {}, {}, {} vectors in {} files)",
            s.source, s.suite_version, s.digest, s.vectors, s.files
        )
    })
}

/// JUnit `<properties>` naming the vector set, for each test suite.
fn junit_properties(r: &RunResult) -> String {
    let Some(s) = &r.vector_set else {
        return String::new();
    };
    let mut out = String::from("    <properties>\n");
    for (name, value) in [
        ("vector_set.source", s.source.as_str()),
        ("vector_set.suite_version", s.suite_version.as_str()),
        ("vector_set.digest", s.digest.as_str()),
    ] {
        let _ = writeln!(out, "      <property name=\"{name}\" value=\"{}\"/>", xml(value));
    }
    out.push_str("    </properties>\n");
    out
}

pub fn junit(r: &RunResult) -> String {
    let mut by_module: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for c in &r.cases {
        by_module.entry(c.module.as_str()).or_default().push(c);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = r.unexpected().count();
    let _ = writeln!(
        out,
        "<testsuites name=\"trace-conform\" tests=\"{}\" failures=\"{failures}\">",
        r.cases.len()
    );
    for (module, cases) in by_module {
        let f = cases.iter().filter(|c| c.outcome.is_unexpected() && !c.flaky).count();
        let s = cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::NotClaimed | Outcome::Skipped | Outcome::NotRun))
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" skipped=\"{s}\">",
            xml(module),
            cases.len()
        );
        out.push_str(&junit_properties(r));
        for c in cases {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">",
                xml(module),
                xml(&c.id),
                c.duration_ms as f64 / 1000.0
            );
            if c.outcome.is_unexpected() && !c.flaky {
                let _ = write!(
                    out,
                    "<failure type=\"{}\" message=\"{}\">{}</failure>",
                    c.outcome.name(),
                    xml(&c.detail),
                    xml(&c.stderr)
                );
            } else if matches!(c.outcome, Outcome::NotClaimed | Outcome::Skipped | Outcome::NotRun) {
                let _ = write!(
                    out,
                    "<skipped message=\"{}\"/>",
                    xml(&format!("{}: {}", c.outcome.name(), c.detail))
                );
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The badge names the highest level reached and its scope (the forms and algorithms of the
/// `verify` vectors tested), never a percentage, and says
/// what is not a plain pass: failures, known failures, vectors not tested. Green only for a
/// run with nothing failed and nothing known to fail.
pub fn badge(r: &RunResult) -> Value {
    // The scope is what was tested, not what the adapter claimed.
    let tested: Vec<&CaseResult> = r
        .cases
        .iter()
        .filter(|c| crate::report_html::category(c) != "not-tested" && c.op == Op::Verify)
        .collect();
    let formats: std::collections::BTreeSet<&str> = tested.iter().map(|c| c.format.as_str()).collect();
    let algs: std::collections::BTreeSet<&str> = tested.iter().filter_map(|c| c.alg.as_deref()).collect();
    let scope = format!(
        "{} / {}",
        formats.into_iter().collect::<Vec<_>>().join(","),
        algs.into_iter().collect::<Vec<_>>().join(",")
    );
    let c = Categories::of(&r.cases);
    let mut caveats = Vec::new();
    if c.failed > 0 {
        caveats.push(format!("{} failed", c.failed));
    }
    if c.known > 0 {
        caveats.push(format!("{} known failing", c.known));
    }
    if c.not_tested > 0 {
        caveats.push(format!("{} not tested", c.not_tested));
    }
    let caveats = if caveats.is_empty() {
        String::new()
    } else {
        format!(", {}", caveats.join(", "))
    };
    let (message, color) = match (r.level_reached(), r.complete) {
        (_, false) => ("incomplete run".to_string(), "lightgrey"),
        (Some(l), true) => (
            format!("level {l} ({scope}){caveats}"),
            if c.failed > 0 {
                "orange"
            } else if c.known > 0 {
                "yellow"
            } else {
                "green"
            },
        ),
        (None, true) => (format!("no level reached{caveats}"), "red"),
    };
    json!({"schemaVersion": 1, "label": "TRACE conformance", "message": message, "color": color})
}

pub fn markdown(r: &RunResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# trace-conform: {}\n", md(&implementation_title(r)));
    if let Some(v) = &r.vector_set {
        let _ = writeln!(
            out,
            "Vector set: {} (suite {}, {}, {} vectors in {} files)\n",
            md(&v.source),
            md(&v.suite_version),
            md_code(&v.digest),
            v.vectors,
            v.files
        );
    }
    if let Some(e) = &r.startup_error {
        let _ = writeln!(
            out,
            "**The adapter did not start, so no vector was tested:** {}\n",
            md(e)
        );
    }
    if !r.complete {
        let _ = writeln!(out, "**Incomplete run:** some vectors were not run.\n");
    }
    if let Some(sentence) = profile_sentence(r) {
        let _ = writeln!(out, "**{}**\n", md(&sentence));
    }
    let _ = writeln!(out, "**{}.**\n", Categories::of(&r.cases).sentence());
    if r.adapter_looks_broken() {
        let _ = writeln!(
            out,
            "**The adapter looks broken** (every executed vector ended in a crash, timeout, harness error or protocol violation); check it with `trace-conform smoke`.\n"
        );
    }
    let level = r
        .level_reached()
        .map(|l| format!("level {l}"))
        .unwrap_or_else(|| "none".into());
    if crate::producer::is_producer_run(r) {
        let _ = writeln!(
            out,
            "Level reached: **{level}**. A producer's cases: each record it made checked by the reference \
             verifier and against what its case expects, each refusal against the error the case names.\n"
        );
    } else {
        let _ = writeln!(
            out,
            "Level reached: **{level}**. Scored on {}. Adapter restarts: {}.\n",
            r.capabilities.error_detail.describe(),
            r.restarts
        );
    }
    let _ = writeln!(out, "| outcome | vectors |\n|---|---|");
    for (name, n) in counts(&r.cases) {
        if n > 0 {
            let _ = writeln!(out, "| {name} | {n} |");
        }
    }
    let unexpected: Vec<&CaseResult> = r.unexpected().collect();
    if !unexpected.is_empty() {
        let _ = writeln!(out, "\n## Failed ({})\n", unexpected.len());
        let _ = writeln!(
            out,
            "Each names what its expectation rests on: a spec statement, a suite decision or an implementation-defined profile (ids: docs/decisions.md).\n"
        );
        for c in &unexpected {
            let _ = writeln!(
                out,
                "- {} **{}** ({}): {}",
                md_code(&c.id),
                c.outcome.name(),
                c.explanation.label(),
                md(&c.detail)
            );
        }
    }
    let known: Vec<&CaseResult> = r
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Xfail || (c.flaky && c.outcome.is_unexpected()))
        .collect();
    if !known.is_empty() {
        let _ = writeln!(out, "\n## Known failures ({}, from the profile)\n", known.len());
        for c in &known {
            let _ = writeln!(
                out,
                "- {} {} ({}): {}",
                md_code(&c.id),
                if c.flaky { "flaky" } else { c.outcome.name() },
                c.explanation.label(),
                md(&c.detail)
            );
        }
    }
    // Not tested, by reason: a long list of ids would hide the reasons.
    let mut untested: BTreeMap<String, usize> = BTreeMap::new();
    for c in r
        .cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::NotClaimed | Outcome::Skipped | Outcome::NotRun))
    {
        let why = if c.detail.is_empty() {
            "not run"
        } else {
            c.detail.as_str()
        };
        *untested.entry(why.to_string()).or_default() += 1;
    }
    if !untested.is_empty() {
        let total: usize = untested.values().sum();
        let _ = writeln!(out, "\n## Not tested ({total})\n\n| why | vectors |\n|---|---|");
        for (why, n) in &untested {
            let _ = writeln!(out, "| {} | {n} |", md(why));
        }
    }
    let cited = cited_decisions(known.iter().copied().chain(r.unexpected()));
    if !cited.is_empty() {
        let _ = writeln!(
            out,
            "\n## Decisions these cases rest on\n\nWhere the sources disagree or are silent, the suite decided (docs/decisions.md); a case resting on a decision is negotiable in that sense only.\n"
        );
        for (id, d) in cited {
            let _ = writeln!(out, "- **{id}** {}: {}", d.title, d.choice);
        }
    }
    out
}

/// The decisions (docs/decisions.md) the given cases rest on, by id.
pub(crate) fn cited_decisions<'a>(
    cases: impl Iterator<Item = &'a CaseResult>,
) -> BTreeMap<&'static str, &'static trace_vector_format::decisions::Decision> {
    let all = trace_vector_format::decisions::all();
    cases
        .flat_map(|c| c.explanation.basis.decisions.iter())
        .filter_map(|id| all.get_key_value(id.as_str()))
        .map(|(id, d)| (id.as_str(), d))
        .collect()
}

/// Writes every report file into `dir`.
pub fn write_all(dir: &Path, r: &RunResult, suite_version: &str) -> Result<(), crate::Error> {
    write_files(dir, r, suite_version).map_err(crate::Error::Io)
}

fn write_files(dir: &Path, r: &RunResult, suite_version: &str) -> Result<(), String> {
    let io = |e: std::io::Error, p: &Path| format!("{}: {e}", p.display());
    std::fs::create_dir_all(dir.join("cases")).map_err(|e| io(e, dir))?;
    // Case files go into `cases/` itself, never through a link planted in its place.
    if std::fs::symlink_metadata(dir.join("cases")).is_ok_and(|m| !m.is_dir()) {
        return Err(format!(
            "{}: not a directory (a link?); no report written",
            dir.join("cases").display()
        ));
    }
    let files: [(&str, String); 5] = [
        (
            "summary.json",
            serde_json::to_string_pretty(&summary_json(r, suite_version)).expect("json") + "\n",
        ),
        ("junit.xml", junit(r)),
        ("summary.md", markdown(r)),
        ("index.html", crate::report_html::html(r, suite_version)),
        (
            "badge.json",
            serde_json::to_string_pretty(&badge(r)).expect("json") + "\n",
        ),
    ];
    for (name, text) in files {
        trace_untrusted::write::write_file(&dir.join(name), text.as_bytes())?;
    }
    for c in r.cases.iter().filter(|c| c.outcome != Outcome::Pass) {
        let mut v = serde_json::to_value(c).expect("json");
        v["replay"] = Value::String(replay_command(r, c));
        v["explanation"]["label"] = Value::String(c.explanation.label());
        // Ids were checked when the vectors loaded; one that was not gets a name from its digest.
        let name = trace_untrusted::name::id_file_name(&c.id, "json").unwrap_or_else(|_| {
            use sha2::Digest;
            let d = sha2::Sha256::digest(c.id.as_bytes());
            format!(
                "invalid-id-{}.json",
                d[..8].iter().map(|b| format!("{b:02x}")).collect::<String>()
            )
        });
        let p = dir.join("cases").join(name);
        trace_untrusted::write::write_file(&p, (serde_json::to_string_pretty(&v).expect("json") + "\n").as_bytes())?;
    }
    Ok(())
}
