//! A negative vector breaks exactly one rule: whatever else the reference reports beside
//! the rule the vector names must be a consequence that rule implies
//! (`trace_vectors::implied::IMPLIES`), so a vector never passes for a second reason.
//! `vectors lint` runs the same check.

use trace_vector_format::format::Outcome;
use trace_vector_format::load;
use trace_vectors::implied;

#[test]
fn every_negative_vector_breaks_one_rule_and_its_consequences_only() {
    let files: Vec<_> = load::load_dir(&load::default_dir())
        .expect("vectors load")
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    let negatives = files
        .iter()
        .flat_map(|f| &f.groups)
        .flat_map(|g| &g.tests)
        .filter(|t| t.expected.result == Outcome::Invalid)
        .count();
    assert!(negatives > 300, "only {negatives} negative vectors");
    let problems = implied::problems(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_vector_that_breaks_a_second_rule_is_named() {
    let mut files: Vec<_> = load::load_dir(&load::default_dir())
        .expect("vectors load")
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    // Rename the rule a JWK-without-kty vector names: its signature failure is then no
    // longer a consequence of the named rule, and the check must say so.
    let test = files
        .iter_mut()
        .flat_map(|f| f.groups.iter_mut())
        .flat_map(|g| g.tests.iter_mut())
        .find(|t| t.id == "env::envelope::jwk-without-kty")
        .expect("the vector exists");
    test.expected.error.as_mut().expect("invalid").rules = vec!["TR-ENV-003".into()];
    let problems = implied::problems(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("naming TR-ENV-003 also break TR-SIG-005")),
        "{problems:?}"
    );
}
