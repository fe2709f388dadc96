//! `trace-conform fuzz`: differential fuzzing of an implementation against the reference,
//! and `vectors accept` for the regression vectors it proposes.
//!
//! Owns: choosing seeds (the vector set's `verify` vectors, minus what the profile already
//! lists as known), turning each disagreement into a candidate vector file, and accepting a
//! candidate into `vectors/regressions/`. Does not own the fuzzing loop
//! (trace_runner::differential) or the mutators.

use crate::cmd_run::split_command;
use crate::exit::{self, Exit};
use std::path::{Path, PathBuf};
use std::time::Duration;
use trace_protocol::Op;
use trace_runner::differential::{self, Disagreement, Seed};
use trace_runner::profile::Marking;
use trace_vector_format::SUITE_VERSION;
use trace_vector_format::format::{ExpectedError, Group, Outcome, Test, VectorFile, VerdictKind};

#[derive(clap::Args)]
pub struct Args {
    /// The adapter command of the implementation under test.
    #[arg(long)]
    pub adapter: String,
    /// Its known-failure profile: vectors listed there are not used as seeds.
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// How long to fuzz, in seconds.
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
    /// The seed of the mutation order (the same seed repeats a session).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where candidate regression vectors are written.
    #[arg(long, default_value = "target/fuzz-findings")]
    pub out: PathBuf,
    /// Stop after this many distinct disagreements.
    #[arg(long, default_value_t = 20)]
    pub max_findings: usize,
    /// Per-request deadline in milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub deadline_ms: u64,
}

fn fail(exit: Exit, e: impl std::fmt::Display) -> Exit {
    exit::fail("fuzz", exit, e)
}

fn slug(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

pub fn run(a: Args) -> Exit {
    let argv = match split_command(&a.adapter) {
        Ok(v) => v,
        Err(e) => return fail(Exit::Usage, e),
    };
    let profile = match crate::cmd_run::load_profile(a.profile.as_deref()) {
        Ok(p) => p,
        Err(e) => return fail(Exit::Usage, e),
    };
    let files = match trace_vector_format::load::load_default() {
        Ok(f) => f,
        Err(e) => return fail(Exit::Usage, e),
    };
    let seeds: Vec<Seed> = files
        .iter()
        .flat_map(|(_, f)| f.groups.iter())
        .filter(|g| g.context.op == Op::Verify)
        .flat_map(|g| {
            g.tests.iter().map(move |t| Seed {
                ctx: g.context.clone(),
                test: t.clone(),
            })
        })
        .filter(|s| profile.marking(&s.test.id) == Marking::None)
        .collect();
    let opts = differential::Options {
        adapter: argv,
        budget: Duration::from_secs(a.seconds),
        seed: a.seed,
        deadline: Duration::from_millis(a.deadline_ms),
        max_findings: a.max_findings,
        minimize_checks: 400,
    };
    let summary = match differential::fuzz(&seeds, &opts) {
        Ok(s) => s,
        Err(e) => return fail(Exit::from(&e), e),
    };
    println!(
        "{} inputs from {} seeds ({} not claimed), {} adapter restarts, {} distinct disagreement(s)",
        summary.inputs,
        seeds.len(),
        summary.not_claimed,
        summary.restarts,
        summary.findings.len()
    );
    let implementation = slug(&summary.implementation);
    for d in &summary.findings {
        match write_candidate(&a.out, &implementation, d) {
            Ok(path) => {
                println!(
                    "  reference {} ({}), implementation {}: {}",
                    d.reference.word(),
                    if d.reference_rules.is_empty() {
                        "no rules".to_string()
                    } else {
                        d.reference_rules.join(", ")
                    },
                    crate::cmd_verify::clean(&d.implementation.to_string()),
                    path.display()
                );
                println!("    accept it with: trace-conform vectors accept {}", path.display());
            }
            Err(e) => return fail(Exit::Usage, e),
        }
    }
    Exit::failed_if(!summary.findings.is_empty())
}

/// The candidate vector for one disagreement: the reference's verdict is the expectation.
fn candidate(implementation: &str, d: &Disagreement) -> Result<VectorFile, String> {
    let report = trace_vector_format::reference::verify_report(&d.ctx, &candidate_test(d, None))?;
    let first = report
        .findings
        .iter()
        .find(|f| f.status != trace_record::Status::Advisory);
    let error = first.map(|f| ExpectedError {
        class: f.class.to_string(),
        rules: vec![f.rule.to_string()],
    });
    let mut test = candidate_test(d, error);
    test.spec_refs = first.map(|f| vec![f.section.to_string()]).unwrap_or_default();
    let hash = &test.compute_digest()["sha256:".len()..][..12];
    test.id = format!("regressions::{implementation}::{hash}");
    test.description = format!(
        "Found by differential fuzzing: the reference {} ({}), {implementation} answered {}.",
        verdict_word(d.reference),
        if d.reference_rules.is_empty() {
            "no findings".to_string()
        } else {
            d.reference_rules.join(", ")
        },
        d.implementation
    );
    test.comment = format!(
        "Mutated from {} ({}), then minimized.",
        d.origin,
        d.mutations.join("; ")
    );
    test.digest = test.compute_digest();
    Ok(VectorFile {
        schema: trace_vector_format::format::FILE_SCHEMA.into(),
        suite_version: SUITE_VERSION.into(),
        module: "regressions".into(),
        topic: implementation.into(),
        header: vec![format!(
            "Regression vectors found by `trace-conform fuzz` against {implementation}."
        )],
        groups: vec![Group {
            description: format!(
                "verify {} at level {}, found by differential fuzzing",
                d.ctx.format, d.ctx.level
            ),
            context: d.ctx.clone(),
            tests: vec![test],
        }],
    })
}

fn verdict_word(v: trace_record::Verdict) -> &'static str {
    match v {
        trace_record::Verdict::Accept => "accepts",
        trace_record::Verdict::Reject => "rejects",
        trace_record::Verdict::Unverified => "leaves it unverified",
    }
}

fn candidate_test(d: &Disagreement, error: Option<ExpectedError>) -> Test {
    let accepted = d.reference == trace_record::Verdict::Accept;
    let mut test = Test::of_input("", &d.input, if accepted { Outcome::Valid } else { Outcome::Invalid });
    test.expected.error = if accepted { None } else { error };
    test.expected.verdict = match d.reference {
        trace_record::Verdict::Accept => None,
        trace_record::Verdict::Reject => Some(VerdictKind::Reject),
        trace_record::Verdict::Unverified => Some(VerdictKind::Unverified),
    };
    test.since = SUITE_VERSION.into();
    test
}

fn write_candidate(out: &Path, implementation: &str, d: &Disagreement) -> Result<PathBuf, String> {
    let file = candidate(implementation, d)?;
    let id = &file.groups[0].tests[0].id;
    let name = id.rsplit("::").next().unwrap_or("candidate");
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let path = out.join(format!("{implementation}-{name}.json"));
    let text = serde_json::to_string_pretty(&file).expect("vector files serialize") + "\n";
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// `vectors accept CANDIDATE`: checks that the reference still gives every candidate test
/// its expectation, then merges the groups into `DIR/regressions/<topic>.json`.
pub fn accept(candidate: &Path, dir: &Path) -> Result<PathBuf, String> {
    let text = trace_untrusted::read::read_regular(candidate, trace_untrusted::limits::VECTOR_FILE_BYTES)?;
    let file = trace_vector_format::load::parse(&candidate.display().to_string(), &text)?;
    if file.module != "regressions" {
        return Err(format!(
            "{}: not a regression candidate (module {:?})",
            candidate.display(),
            file.module
        ));
    }
    for g in &file.groups {
        for t in &g.tests {
            if t.compute_digest() != t.digest {
                return Err(format!("{}: the digest does not match the test; was it edited?", t.id));
            }
            let observed = trace_vector_format::reference::observe(&g.context, t)?;
            if trace_vector_format::score::score(&t.expected, &observed) != trace_vector_format::score::Score::Pass {
                return Err(format!("{}: the reference no longer gives the expected result", t.id));
            }
        }
    }
    // The topic names the file: a slug, so the file stays in DIR/regressions.
    let target = dir
        .join("regressions")
        .join(trace_untrusted::name::slug_file_name(&file.topic, "json")?);
    let mut merged = match trace_untrusted::read::read_regular(&target, trace_untrusted::limits::VECTOR_FILE_BYTES) {
        Ok(bytes) => trace_vector_format::load::parse(&target.display().to_string(), &bytes)?,
        Err(_) => VectorFile {
            groups: Vec::new(),
            ..file.clone()
        },
    };
    let known: std::collections::BTreeSet<String> = merged
        .groups
        .iter()
        .flat_map(|g| g.tests.iter().map(|t| t.id.clone()))
        .collect();
    for g in file.groups {
        if g.tests.iter().all(|t| !known.contains(&t.id)) {
            merged.groups.push(g);
        }
    }
    std::fs::create_dir_all(target.parent().expect("a parent")).map_err(|e| e.to_string())?;
    let text = serde_json::to_string_pretty(&merged).expect("vector files serialize") + "\n";
    std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
    Ok(target)
}
