//! Traceability: `vectors/rules/spec-statements.toml`, every normative statement of the TRACE
//! documents (and of the RFCs the rules rest on) mapped to the rules that test it, marked
//! not testable with a reason, or named as a gap; and `vectors/SPEC-COVERAGE.md`, rendered
//! from it with the vector counts of each statement.
//!
//! Owns: the statement format, its checks (used by lint) and the rendering. Does not own the
//! rules (trace-record's catalogue) nor the vectors.

use crate::catalog::coverage;
use crate::format::VectorFile;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use trace_record::rules::catalog::RULES;

/// Where the index lives, relative to the vectors directory.
pub const FILE: &str = "rules/spec-statements.toml";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub id: String,
    pub document: String,
    pub section: String,
    pub keyword: String,
    pub actor: String,
    pub summary: String,
    #[serde(default)]
    pub rules: Vec<String>,
    pub not_testable: Option<String>,
    pub gap: Option<String>,
    /// The suite's expectation on this statement is set by a decision (it follows another
    /// source, or scopes the statement): the decision id and why, in one line.
    pub decided: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexFile {
    statement: Vec<Statement>,
}

/// How far the suite tests a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Rules test it and have vectors.
    Mapped,
    /// Rules test part of it; `gap` says what is missing.
    Partial,
    /// No rule tests it yet; `gap` says what is missing.
    Gap,
    /// Rules test it as a decision settles it (`decided` names the decision and why).
    Decided,
    /// A verifier-side test cannot observe it (producer, registry, deployment duty).
    NotTestable,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Mapped => "mapped",
            Status::Partial => "partial",
            Status::Gap => "gap",
            Status::Decided => "decided",
            Status::NotTestable => "not testable",
        }
    }
}

impl Statement {
    pub fn status(&self) -> Status {
        match (&self.not_testable, self.rules.is_empty(), &self.gap, &self.decided) {
            (Some(_), _, _, _) => Status::NotTestable,
            (None, true, _, _) => Status::Gap,
            (None, false, Some(_), _) => Status::Partial,
            (None, false, None, Some(_)) => Status::Decided,
            (None, false, None, None) => Status::Mapped,
        }
    }
}

/// Parses the index text.
pub fn parse(text: &str) -> Result<Vec<Statement>, String> {
    toml::from_str::<IndexFile>(text)
        .map(|f| f.statement)
        .map_err(|e| format!("{FILE}: {e}"))
}

/// The index this build was made with (the generator's input, like the catalogue's code).
pub const EMBEDDED: &str = include_str!("../../../vectors/rules/spec-statements.toml");

/// The embedded index, parsed.
pub fn embedded() -> Result<Vec<Statement>, String> {
    parse(EMBEDDED)
}

/// Reads `<dir>/rules/spec-statements.toml` (lint checks the files it is given).
pub fn load(dir: &Path) -> Result<Vec<Statement>, String> {
    // Read inside the vector folder only (it may come from elsewhere): SECURITY.md.
    let text =
        trace_untrusted::Folder::open(dir).and_then(|f| f.read_text(FILE, trace_untrusted::limits::MANIFEST_BYTES))?;
    parse(&text)
}

/// The decision ids (`D-..`, `IMPL-..`) a rule's decision text starts with or names.
pub fn decision_ids(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'-';
        let prefix = if bytes[i..].starts_with(b"IMPL-") {
            5
        } else if bytes[i..].starts_with(b"D-") {
            2
        } else {
            0
        };
        if starts_word && prefix > 0 {
            let mut end = i + prefix;
            while end < bytes.len()
                && (bytes[end].is_ascii_uppercase() || bytes[end].is_ascii_digit() || bytes[end] == b'-')
            {
                end += 1;
            }
            let id = text[i..end].trim_end_matches('-');
            if id.len() > prefix && id.as_bytes().last().is_some_and(u8::is_ascii_digit) {
                out.push(id.to_string());
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Rule id -> the statements that name it.
pub fn statements_of_rules(statements: &[Statement]) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in statements {
        for rule in &s.rules {
            map.entry(rule.clone()).or_default().push(s.id.clone());
        }
    }
    map
}

const KEYWORDS: &[&str] = &[
    "MUST",
    "MUST NOT",
    "SHALL",
    "SHALL NOT",
    "SHOULD",
    "SHOULD NOT",
    "MAY",
    "REQUIRED",
    "must",
    "step",
    "definition",
    "rule",
    "informative",
];
const ACTORS: &[&str] = &["verifier", "producer", "registry", "profile", "deployment"];

/// One message per problem: malformed or duplicate entries, unknown rules, a statement
/// with no mapping, a rule that cites no statement and rests on no decision.
pub fn check(statements: &[Statement]) -> Vec<String> {
    let mut problems = Vec::new();
    let known: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    let mut seen = BTreeSet::new();
    for s in statements {
        let at = format!("{FILE}: {}", s.id);
        if !seen.insert(s.id.as_str()) {
            problems.push(format!("{at}: id used twice; give the second statement its own id"));
        }
        if s.summary.trim().is_empty() || s.summary.contains('\n') {
            problems.push(format!("{at}: summary must be one non-empty line"));
        }
        if s.document.is_empty() || s.section.is_empty() {
            problems.push(format!("{at}: name the document and the section"));
        }
        if !KEYWORDS.contains(&s.keyword.as_str()) {
            problems.push(format!("{at}: keyword {:?} is not one of {KEYWORDS:?}", s.keyword));
        }
        if !ACTORS.contains(&s.actor.as_str()) {
            problems.push(format!("{at}: actor {:?} is not one of {ACTORS:?}", s.actor));
        }
        for rule in &s.rules {
            if !known.contains(rule.as_str()) {
                problems.push(format!("{at}: rule {rule} is not in rules/catalog.toml"));
            }
        }
        match (&s.not_testable, s.rules.is_empty(), &s.gap) {
            (Some(reason), true, None) if !reason.trim().is_empty() => {}
            (Some(_), _, _) => problems.push(format!(
                "{at}: not_testable stands alone, with a reason (no rules, no gap)"
            )),
            (None, true, None) => problems.push(format!(
                "{at}: unmapped; give rules = [...] that test it (with decided = \"<id>: why\" where a decision settles it) or not_testable = \"<reason>\""
            )),
            (None, _, Some(gap)) => problems.push(format!(
                "{at}: a gap is a statement the suite does not test ({}); add the rule and vectors, or settle it in a decision (decided = \"<D-/IMPL- id>: why\")",
                if gap.trim().is_empty() { "and it says nothing" } else { gap.trim() }
            )),
            _ => {}
        }
        if let Some(why) = &s.decided {
            if s.rules.is_empty() || s.gap.is_some() || s.not_testable.is_some() {
                problems.push(format!(
                    "{at}: decided goes with the rules that test the statement as decided, never with a gap or not_testable"
                ));
            }
            if decision_ids(why).is_empty() {
                problems.push(format!(
                    "{at}: decided names the decision (D-.. or IMPL-.., defined in docs/decisions.md) and why"
                ));
            }
        }
    }
    let cited = statements_of_rules(statements);
    for rule in RULES {
        if !cited.contains_key(rule.id) && decision_ids(rule.decision).is_empty() {
            problems.push(format!(
                "{}: {} cites no statement and rests on no decision; name it in a statement's rules, or give its decision an id defined in docs/decisions.md",
                FILE, rule.id
            ));
        }
    }
    problems
}

/// `vectors/SPEC-COVERAGE.md`: per document and section, each statement with its rules,
/// vector counts and status.
pub fn coverage_md(statements: &[Statement], files: &[VectorFile]) -> String {
    let cov = coverage(files);
    let vectors_of = |s: &Statement| {
        let mut neg = BTreeSet::new();
        let mut pos = BTreeSet::new();
        for rule in &s.rules {
            if let Some((n, p)) = cov.get(rule) {
                neg.extend(n.iter().cloned());
                pos.extend(p.iter().cloned());
            }
        }
        (pos.len(), neg.len())
    };
    let mut documents: Vec<&str> = Vec::new();
    for s in statements {
        if !documents.contains(&s.document.as_str()) {
            documents.push(&s.document);
        }
    }
    let mut out = String::from(
        "# Spec coverage\n\nGenerated by `trace-conform vectors generate` from `rules/spec-statements.toml`: every \
         normative statement of the TRACE documents and of the RFCs the rules rest on, the rules that test it, \
         how many vectors exercise those rules (positive: valid vectors listing them as controls or required \
         reports; negative: invalid vectors breaking them) and its status. Statuses: **mapped** (rules test it), \
         **partial** (rules test part of it; the gap says what is missing), **gap** (no rule yet), **decided** \
         (rules test it as a suite decision settles it: the decision follows another source or scopes the \
         statement, and says why), **not testable** (a producer, registry or deployment duty no verifier-side \
         test can observe).\n\n\
         | document | statements | mapped | partial | gap | decided | not testable |\n|---|---|---|---|---|---|---|\n",
    );
    let mut totals = [0usize; 6];
    for doc in &documents {
        let mine: Vec<&Statement> = statements.iter().filter(|s| s.document == *doc).collect();
        let count = |st: Status| mine.iter().filter(|s| s.status() == st).count();
        let row = [
            mine.len(),
            count(Status::Mapped),
            count(Status::Partial),
            count(Status::Gap),
            count(Status::Decided),
            count(Status::NotTestable),
        ];
        for (t, r) in totals.iter_mut().zip(row) {
            *t += r;
        }
        let _ = writeln!(
            out,
            "| {doc} | {} | {} | {} | {} | {} | {} |",
            row[0], row[1], row[2], row[3], row[4], row[5]
        );
    }
    let _ = writeln!(
        out,
        "| **all** | {} | {} | {} | {} | {} | {} |",
        totals[0], totals[1], totals[2], totals[3], totals[4], totals[5]
    );
    for doc in &documents {
        let _ = writeln!(out, "\n## {doc}\n");
        let mut section = "";
        for s in statements.iter().filter(|s| s.document == *doc) {
            if s.section != section {
                section = &s.section;
                let _ = writeln!(
                    out,
                    "\n### {section}\n\n| id | keyword | actor | statement | rules | vectors (+/-) | status |\n|---|---|---|---|---|---|---|"
                );
            }
            let (pos, neg) = vectors_of(s);
            let rules = if s.rules.is_empty() {
                "–".to_string()
            } else {
                s.rules.join(", ")
            };
            let status = match (s.status(), &s.not_testable, &s.gap, &s.decided) {
                (Status::NotTestable, Some(why), _, _) => format!("not testable: {why}"),
                (st, _, Some(gap), _) => format!("{}: {gap}", st.name()),
                (Status::Decided, _, _, Some(why)) => format!("decided: {why}"),
                (st, _, _, _) => st.name().to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {rules} | {pos} / {neg} | {} |",
                s.id,
                s.keyword,
                s.actor,
                cell(&s.summary),
                cell(&status)
            );
        }
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
[[statement]]
id = "S2-25"
document = "trace-v0.2"
section = "§3.2.2"
keyword = "MUST"
actor = "verifier"
summary = "A record without a verifiable signature is rejected."
rules = ["TR-SIG-005"]
"#;

    #[test]
    fn a_statement_parses_and_is_mapped() {
        let s = parse(ONE).expect("parses");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].status(), Status::Mapped);
        assert_eq!(statements_of_rules(&s)["TR-SIG-005"], vec!["S2-25".to_string()]);
    }

    #[test]
    fn an_unmapped_statement_an_unknown_rule_and_a_bare_not_testable_are_named() {
        let mut s = parse(ONE).expect("parses");
        s[0].rules.clear();
        let problems = check(&s);
        assert!(problems.iter().any(|p| p.contains("S2-25: unmapped")), "{problems:?}");
        s[0].rules = vec!["TR-XXX-001".into()];
        assert!(check(&s).iter().any(|p| p.contains("TR-XXX-001 is not in")));
        s[0].rules.clear();
        s[0].not_testable = Some(" ".into());
        assert!(check(&s).iter().any(|p| p.contains("not_testable stands alone")));
        s[0].not_testable = Some("producer-only: gateway configuration".into());
        assert!(!check(&s).iter().any(|p| p.contains("S2-25:")), "{:?}", check(&s));
        assert_eq!(s[0].status(), Status::NotTestable);
    }

    #[test]
    fn a_rule_with_neither_statement_nor_decision_is_named() {
        let s = parse(ONE).expect("parses");
        let problems = check(&s);
        // TR-SIG-005 is cited; a rule without any decision id and no statement is not.
        assert!(!problems.iter().any(|p| p.contains("TR-SIG-005 cites")), "{problems:?}");
        // Many rules rest on the spec alone (no decision id); the first of them must be named.
        let bare = RULES
            .iter()
            .find(|r| r.id != "TR-SIG-005" && decision_ids(r.decision).is_empty());
        let rule = bare.expect("the catalogue has rules without a decision id");
        {
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains(&format!("{} cites no statement", rule.id)))
            );
        }
    }

    #[test]
    fn decision_ids_are_found_where_they_stand_alone() {
        assert_eq!(decision_ids("D-GEN-02: rejected"), vec!["D-GEN-02"]);
        assert_eq!(decision_ids("as IMPL-04 and D-11 say"), vec!["IMPL-04", "D-11"]);
        assert!(decision_ids("TR-D-11 and RFC-D-").is_empty());
        assert!(decision_ids("no id here").is_empty());
        assert_eq!(decision_ids("§3.1.2 ä D-04: after non-ASCII text"), vec!["D-04"]);
    }

    #[test]
    fn a_decided_statement_names_its_decision_and_keeps_its_rules() {
        let mut s = parse(ONE).expect("parses");
        s[0].decided = Some("D-09: the spec allows ES256 at Level 0; the docs' wording is an erratum".into());
        assert_eq!(s[0].status(), Status::Decided);
        assert!(!check(&s).iter().any(|p| p.contains("S2-25:")), "{:?}", check(&s));
        s[0].decided = Some("because we said so".into());
        assert!(check(&s).iter().any(|p| p.contains("decided names the decision")));
        s[0].decided = Some("D-09: settled".into());
        s[0].gap = Some("something".into());
        assert!(check(&s).iter().any(|p| p.contains("decided goes with the rules")));
    }

    #[test]
    fn a_gap_fails_lint_whatever_it_says() {
        let mut s = parse(ONE).expect("parses");
        s[0].gap = Some("no vector omits the member".into());
        assert_eq!(s[0].status(), Status::Partial);
        assert!(
            check(&s)
                .iter()
                .any(|p| p.contains("a gap is a statement the suite does not test (no vector omits"))
        );
        s[0].rules.clear();
        assert_eq!(s[0].status(), Status::Gap);
        assert!(check(&s).iter().any(|p| p.contains("a gap is a statement")));
    }

    #[test]
    fn a_duplicate_id_and_a_bad_keyword_are_named() {
        let mut s = parse(&format!("{ONE}{ONE}")).expect("parses");
        s[1].keyword = "Must".into();
        let problems = check(&s);
        assert!(problems.iter().any(|p| p.contains("used twice")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("keyword \"Must\"")), "{problems:?}");
    }
}
