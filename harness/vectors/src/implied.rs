//! The consequences a broken rule carries with it: when a vector breaks rule A, the
//! reference may also report rule B only if A implies B here (a record without a usable key
//! also has no verifiable signature). `tests/one_rule.rs` holds every negative vector to it.
//!
//! Owns: [`IMPLIES`], [`implies`] and [`problems`], the check `vectors lint` runs. Does not
//! own the rules (trace-record's catalogue).

use std::collections::BTreeMap;
use trace_protocol::Op;
use trace_record::Status;
use trace_vector_format::format::{Context, Outcome, Test, VectorFile, VerdictKind};
use trace_vector_format::reference;

/// (rule broken, rules it may bring with it, why).
pub static IMPLIES: &[(&str, &[&str], &str)] = &[
    (
        "TR-AUD-003",
        &["TR-AUD-005"],
        "an entry hash that is not the recomputed one changes the chain, so the claim's commitment to it no longer holds",
    ),
    (
        "TR-AUD-005",
        &["TR-AUD-006"],
        "a chain the claim does not commit to also differs in the summary counts the claim carries",
    ),
    (
        "TR-AUD-008",
        &["TR-AUD-003", "TR-AUD-005"],
        "an entry appended after the bundle was signed is unsigned, unlinked and outside the committed chain",
    ),
    (
        "TR-DEP-002",
        &["TR-DEP-004"],
        "the record's digest is compared with the artifact and with the attestation subject alike: a wrong one misses both",
    ),
    (
        "TR-DEP-003",
        &["TR-DEP-005"],
        "a missing builder is untrusted and is also not the builder the attestation names",
    ),
    (
        "TR-ENV-001",
        &["TR-SCH-001"],
        "the schema fixes eat_profile to the v0.2 URI, so another profile is also a schema violation",
    ),
    (
        "TR-ENV-004",
        &["TR-SIG-005"],
        "without a usable cnf.jwk there is no key the signature could verify under",
    ),
    (
        "TR-ENV-005",
        &["TR-SIG-005"],
        "a JWK with private members is refused as a key, so the signature has nothing to verify under",
    ),
    (
        "TR-ORG-001",
        &["TR-SCH-001"],
        "the schema states the same origin rule (a record not made by the runtime is software-only)",
    ),
    (
        "TR-RTE-006",
        &["TR-RTE-009", "TR-RTE-010", "TR-RTE-011"],
        "evidence that does not verify yields no facts, so no measurement, key or debug state is bound by it",
    ),
    (
        "TR-RTE-011",
        &["TR-RTE-005"],
        "a debug Nitro enclave reports all-zero PCRs, so its measurement is the all-zero one as well",
    ),
    (
        "TR-SIG-004",
        &["TR-SCH-001", "TR-SIG-005"],
        "a key that is not a usable key of its type fails the schema's JWK shape and leaves the signature unverifiable",
    ),
    (
        "TR-SIG-006",
        &["TR-SCH-001"],
        "the schema's signature pattern is the canonical base64url alphabet, so padding breaks both",
    ),
    (
        "TR-WIR-002",
        &["TR-ENV-001", "TR-ENV-004", "TR-SIG-002"],
        "a RuntimeClaim whose trace object is empty lacks everything that object must carry",
    ),
];

/// Whether breaking `rule` may also break `consequence` (directly; chains are listed).
pub fn implies(rule: &str, consequence: &str) -> bool {
    IMPLIES.iter().any(|(r, cs, _)| *r == rule && cs.contains(&consequence))
}

/// The rules the reference says a vector breaks. For a vector due a reject, only failed
/// rules count: an input the vector does not give (evidence at Level 1, a receipt at Level
/// 2) leaves other rules unverified, which is no second reason to reject. For a vector due
/// `unverified`, unverified rules count too.
fn breaking(c: &Context, t: &Test) -> Result<Vec<String>, String> {
    let counts = |s: Status| match t.expected.verdict {
        Some(VerdictKind::Unverified) => s != Status::Advisory,
        _ => s == Status::Fail,
    };
    let findings = match c.op {
        Op::Verify => reference::verify_report(c, t)?.findings,
        Op::VerifyChain => reference::chain_report(c, t)?.all_findings().cloned().collect(),
        _ => {
            return Ok(reference::observe(c, t)?
                .errors
                .into_iter()
                .map(|(rule, _)| rule)
                .collect());
        }
    };
    Ok(findings
        .into_iter()
        .filter(|f| counts(f.status))
        .map(|f| f.rule.to_string())
        .collect())
}

/// One message per (named rule, other rule broken) pair that [`IMPLIES`] does not allow,
/// with how many negative vectors show it and one of them.
pub fn problems(files: &[VectorFile]) -> Vec<String> {
    let mut seen: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut out = Vec::new();
    for group in files.iter().flat_map(|f| &f.groups) {
        for test in group.tests.iter().filter(|t| t.expected.result == Outcome::Invalid) {
            let Some(named) = test.expected.error.as_ref().map(|e| &e.rules) else {
                continue;
            };
            let rules = match breaking(&group.context, test) {
                Ok(r) => r,
                Err(e) => {
                    out.push(format!("{}: the reference cannot run it: {e}", test.id));
                    continue;
                }
            };
            for rule in rules {
                if !named.contains(&rule) && !named.iter().any(|n| implies(n, &rule)) {
                    seen.entry((named.join("/"), rule)).or_default().push(test.id.clone());
                }
            }
        }
    }
    out.extend(seen.into_iter().map(|((named, extra), ids)| {
        format!(
            "one rule: {} vector(s) naming {named} also break {extra} (e.g. {}); break only the named rule, or record the consequence in implied.rs with why",
            ids.len(),
            ids[0]
        )
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use trace_record::rules::catalog::RULES;

    #[test]
    fn every_implication_names_catalogued_rules_and_says_why() {
        for (rule, consequences, why) in IMPLIES {
            for id in std::iter::once(rule).chain(consequences.iter()) {
                assert!(RULES.iter().any(|r| r.id == *id), "{id} is not a rule");
            }
            assert!(!consequences.contains(rule) && why.len() > 20, "{rule}");
        }
        assert!(implies("TR-SIG-004", "TR-SIG-005"));
        assert!(!implies("TR-SIG-005", "TR-SIG-004"));
    }
}
