//! What a person needs beside a vector's verdict: its description and comment, the spec
//! statements behind the rules it names (with their keyword), the label of what its
//! expectation rests on (a spec MUST, a suite decision, a profile) and a link to each
//! decision. Case files and `trace-conform explain` print the same explanation.
//!
//! Owns: assembling the explanation from the embedded statement index and decisions page.
//! Does not own the classification (`basis`) nor any rendering.

use crate::basis::{Basis, BasisKind, basis};
use crate::format::Test;
use crate::statements::{self, Statement};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use trace_record::rules::catalog::{RULES, Strength};

/// One statement of the spec-statement index a case's rules test.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatementRef {
    pub id: String,
    pub document: String,
    pub section: String,
    pub keyword: String,
    pub summary: String,
}

/// A decision a case rests on, with the link to its entry.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DecisionRef {
    pub id: String,
    pub title: String,
    pub choice: String,
    pub link: String,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Explanation {
    pub description: String,
    pub comment: String,
    /// The vector's own citations, as written.
    pub spec_refs: Vec<String>,
    pub statements: Vec<StatementRef>,
    pub basis: Basis,
    /// The strongest keyword among the rules the vector names, when it names any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<Strength>,
    pub decisions: Vec<DecisionRef>,
}

impl Explanation {
    /// An explanation with nothing but a basis (for results built by hand).
    pub fn of_basis(basis: Basis) -> Explanation {
        Explanation {
            description: String::new(),
            comment: String::new(),
            spec_refs: Vec::new(),
            statements: Vec::new(),
            basis,
            strength: None,
            decisions: Vec::new(),
        }
    }

    /// "spec MUST", "spec SHOULD", "suite decision D-25",
    /// "implementation-defined profile IMPL-03".
    pub fn label(&self) -> String {
        label(&self.basis, self.strength)
    }
}

/// The embedded statement index, parsed once; an index that does not parse (a build from
/// a broken checkout) gives no statements rather than no report.
/// Every statement, and the statement ids of each rule.
type StatementIndex = (Vec<Statement>, BTreeMap<String, Vec<String>>);

fn index() -> &'static StatementIndex {
    static INDEX: OnceLock<StatementIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let all = statements::embedded().unwrap_or_default();
        let by_rule = statements::statements_of_rules(&all);
        (all, by_rule)
    })
}

/// The rules a test names: its expected error's rules, then its controls.
fn rules_of(test: &Test) -> Vec<&str> {
    test.expected
        .error
        .iter()
        .flat_map(|e| e.rules.iter())
        .chain(&test.expected.controls)
        .map(String::as_str)
        .collect()
}

/// The strongest keyword among the rules: MUST NOT and MUST before SHOULD.
fn strongest(rules: &[&str]) -> Option<Strength> {
    let rank = |s: Strength| match s {
        Strength::MustNot => 0,
        Strength::Must => 1,
        Strength::Should => 2,
        Strength::Impl => 3,
    };
    RULES
        .iter()
        .filter(|r| rules.contains(&r.id))
        .map(|r| r.strength)
        .min_by_key(|s| rank(*s))
}

/// The label for a basis and the strongest keyword of its rules.
pub fn label(b: &Basis, strength: Option<Strength>) -> String {
    match b.kind {
        BasisKind::Spec => match strength {
            Some(s) if s != Strength::Impl => format!("spec {}", s.keyword()),
            _ => "spec statement".to_string(),
        },
        BasisKind::Decision | BasisKind::Profile => b.label(),
    }
}

pub fn explain(test: &Test) -> Explanation {
    let (all, by_rule) = index();
    let rules = rules_of(test);
    let mut ids: Vec<&str> = Vec::new();
    for rule in &rules {
        for id in by_rule.get(*rule).into_iter().flatten() {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
    }
    let statements = ids
        .iter()
        .filter_map(|id| all.iter().find(|s| s.id == *id))
        .map(|s| StatementRef {
            id: s.id.clone(),
            document: s.document.clone(),
            section: s.section.clone(),
            keyword: s.keyword.clone(),
            summary: s.summary.clone(),
        })
        .collect();
    let b = basis(test);
    let known = crate::decisions::all();
    let decisions = b
        .decisions
        .iter()
        .filter_map(|id| known.get_key_value(id.as_str()))
        .map(|(id, d)| DecisionRef {
            id: id.clone(),
            title: d.title.clone(),
            choice: d.choice.clone(),
            link: crate::decisions::link(id, d),
        })
        .collect();
    Explanation {
        description: test.description.clone(),
        comment: test.comment.clone(),
        spec_refs: test.spec_refs.clone(),
        statements,
        strength: strongest(&rules),
        basis: b,
        decisions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::committed_test as find;

    #[test]
    fn a_spec_vector_names_its_statements_and_keyword() {
        let e = explain(&find("sig::embedded::tampered-data-class"));
        assert_eq!(e.label(), "spec MUST", "{e:?}");
        assert!(e.decisions.is_empty());
        assert!(!e.statements.is_empty(), "TR-SIG-005 is in the statement index");
        assert!(e.statements.iter().all(|s| !s.id.is_empty() && !s.keyword.is_empty()));
        assert_eq!(e.description, "data_class changed after signing");
    }

    #[test]
    fn a_decision_vector_links_its_decision() {
        let e = explain(&find("ext::receipts::uppercase-issuer-key-id-under-cmcp-compat"));
        assert!(e.label().starts_with("suite decision D-25"), "{}", e.label());
        let d = e.decisions.iter().find(|d| d.id == "D-25").expect("D-25 linked");
        assert!(d.link.starts_with("docs/decisions.md#d-25-"), "{}", d.link);
        assert!(!d.choice.is_empty());
    }

    #[test]
    fn a_profile_vector_is_labelled_as_one() {
        let e = explain(&find("sig::cose::detached-payload"));
        assert!(e.label().starts_with("implementation-defined profile"), "{}", e.label());
        assert!(e.label().contains("IMPL-03"), "{}", e.label());
    }

    #[test]
    fn should_rules_are_not_labelled_must() {
        let b = Basis {
            kind: BasisKind::Spec,
            decisions: vec![],
        };
        assert_eq!(label(&b, Some(Strength::Should)), "spec SHOULD");
        assert_eq!(label(&b, Some(Strength::MustNot)), "spec MUST NOT");
        assert_eq!(label(&b, None), "spec statement");
    }
}
