//! The committed vectors: current with the builders, lint-clean, and passed by the
//! reference implementation, every one, within the error-class contract.

use trace_record::rules::classes::may_produce;
use trace_vector_format::format::{Outcome, VerdictKind};
use trace_vector_format::{load, reference, score};
use trace_vectors::{generate, lint};

#[test]
fn committed_files_match_the_builders_byte_for_byte() {
    let dir = load::default_dir();
    let stale = generate::check(&dir).expect("generate");
    assert!(
        stale.is_empty(),
        "regenerating would change {stale:?}: run `trace-conform vectors generate`"
    );
}

#[test]
fn committed_files_are_lint_clean() {
    let dir = load::default_dir();
    let files = load::load_dir(&dir).expect("load");
    assert!(
        files.len() >= 15,
        "expected the full vector set, found {} files",
        files.len()
    );
    let problems = lint::lint(&dir, &files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reference_passes_every_vector() {
    let files = load::load_dir(&load::default_dir()).expect("load");
    let mut failures = Vec::new();
    let mut count = 0;
    for (_, file) in &files {
        for group in &file.groups {
            for test in &group.tests {
                count += 1;
                let observed = reference::observe(&group.context, test).expect("runs");
                // The error-class contract holds for what the reference itself reports.
                for (rule, class) in &observed.errors {
                    if !may_produce(rule, class) {
                        failures.push(format!(
                            "{}: the reference reports {rule} with class {class}, which rules/error-classes.toml does not allow",
                            test.id
                        ));
                    }
                }
                let s = score::score(&test.expected, &observed);
                if !s.is_pass() {
                    failures.push(format!("{}: {s:?}", test.id));
                }
                // Scoring lets others reject what is only unverified; the reference says
                // exactly what the vector expects.
                let kind = match observed.verdict {
                    trace_record::Verdict::Reject => Some(VerdictKind::Reject),
                    trace_record::Verdict::Unverified => Some(VerdictKind::Unverified),
                    trace_record::Verdict::Accept => None,
                };
                let stated = match test.expected.verdict {
                    Some(VerdictKind::Absent) => Some(VerdictKind::Unverified),
                    other => other,
                };
                if test.expected.result == Outcome::Invalid && kind != stated {
                    failures.push(format!(
                        "{}: expected.verdict is {:?}, the reference says {kind:?}",
                        test.id, test.expected.verdict
                    ));
                }
                // The reference also gives every report the vector names, advisories included
                // (scoring asks other implementations for MUST-strength reports only).
                for w in &test.expected.warnings {
                    if !observed.warnings.contains(w) {
                        failures.push(format!("{}: the reference does not report {w}", test.id));
                    }
                }
            }
        }
    }
    assert!(count > 250, "only {count} vectors");
    assert!(
        failures.is_empty(),
        "{} of {count} fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let a = generate::files(dir.path()).expect("first");
    let b = generate::files(dir.path()).expect("second");
    assert_eq!(a, b);
}
