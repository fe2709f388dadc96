//! What a vector's expectation rests on, so that a report can tell an implementer what is
//! negotiable: a spec statement (MUST, MUST NOT, SHOULD), a suite decision where the sources
//! disagree (`D-..`, docs/decisions.md), or an implementation-defined profile where the spec
//! is silent (`IMPL-..`, or a rule of implementation-defined strength).
//!
//! Owns: the classification. Does not own the decisions' text nor any scoring.

use crate::format::Test;
use crate::statements::decision_ids;
use trace_record::rules::catalog::{RULES, Strength};

/// The kind of ground an expectation stands on, from firmest to most negotiable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BasisKind {
    /// A normative statement of the spec or an RFC.
    Spec,
    /// A suite decision where the sources disagree (D-..).
    Decision,
    /// An implementation-defined profile this suite names (IMPL-.., or an IMPL rule).
    Profile,
}

impl BasisKind {
    pub fn describe(self) -> &'static str {
        match self {
            BasisKind::Spec => "spec statement",
            BasisKind::Decision => "suite decision",
            BasisKind::Profile => "implementation-defined profile",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Basis {
    pub kind: BasisKind,
    /// The decision and profile ids involved (docs/decisions.md), in the order cited.
    pub decisions: Vec<String>,
}

impl Basis {
    /// "spec statement", "suite decision D-25", "implementation-defined profile IMPL-03".
    pub fn label(&self) -> String {
        if self.decisions.is_empty() {
            self.kind.describe().to_string()
        } else {
            format!("{} {}", self.kind.describe(), self.decisions.join(", "))
        }
    }
}

/// The basis of `test`: the decision ids its spec references cite, and the strength of the
/// rules it names (an implementation-defined rule makes it a profile expectation).
pub fn basis(test: &Test) -> Basis {
    let rules: Vec<&str> = test
        .expected
        .error
        .iter()
        .flat_map(|e| e.rules.iter())
        .chain(&test.expected.controls)
        .map(String::as_str)
        .collect();
    let mut decisions: Vec<String> = Vec::new();
    for id in test.spec_refs.iter().flat_map(|r| decision_ids(r)) {
        if !decisions.contains(&id) {
            decisions.push(id);
        }
    }
    let impl_rule = RULES
        .iter()
        .filter(|r| rules.contains(&r.id) && r.strength == Strength::Impl)
        .inspect(|r| {
            for id in decision_ids(r.section) {
                if !decisions.contains(&id) {
                    decisions.push(id);
                }
            }
        })
        .count()
        > 0;
    let kind = if impl_rule || decisions.iter().any(|d| d.starts_with("IMPL-")) {
        BasisKind::Profile
    } else if !decisions.is_empty() {
        BasisKind::Decision
    } else {
        BasisKind::Spec
    };
    Basis { kind, decisions }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::committed_test as find;

    #[test]
    fn a_spec_a_decision_and_a_profile_vector_are_told_apart() {
        let spec = basis(&find("sig::embedded::tampered-data-class"));
        assert_eq!(spec.kind, BasisKind::Spec, "{spec:?}");
        assert_eq!(spec.label(), "spec statement");
        let decision = basis(&find("ext::receipts::uppercase-issuer-key-id-under-cmcp-compat"));
        assert_eq!(decision.kind, BasisKind::Decision, "{decision:?}");
        assert!(decision.label().contains("D-25"), "{}", decision.label());
        let profile = basis(&find("sig::cose::detached-payload"));
        assert_eq!(profile.kind, BasisKind::Profile, "{profile:?}");
        assert!(profile.label().contains("IMPL-03"), "{}", profile.label());
    }
}
