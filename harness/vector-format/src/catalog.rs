//! The published face of the engine's rule list: `vectors/rules/catalog.toml`,
//! `error-classes.toml`, `flags.toml` and `COVERAGE.md`, all rendered from
//! `trace_record::rules::catalog` so that the catalog and the engine cannot drift.
//!
//! Owns: the flag registry and the rendering. Does not own the rules themselves.

use crate::format::{Outcome, VectorFile};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use trace_record::rules::catalog::{ERROR_CLASSES, RULES};
use trace_record::rules::classes::{meaning, rules_producing};

/// Flags an `acceptable` vector may carry: what the verdict depends on.
pub const FLAGS: &[(&str, &str)] = &[
    (
        "EcdsaHighS",
        "ECDSA signature with a high S value: JOSE and COSE accept it, a malleability-strict verifier rejects it (IMPL-04).",
    ),
    (
        "FullySpecifiedAlg",
        "RFC 9864 fully specified algorithm identifiers (Ed25519, ESP256, ESP384): newer than the JOSE/COSE names a verifier may know.",
    ),
    (
        "EmbeddedSignatureInEnvelope",
        "An enveloped record that also carries an embedded signature member: which binding counts is implementation-defined (IMPL-02).",
    ),
    (
        "JwsB64Extension",
        "A JWS whose crit names RFC 7797's b64 (with its default value true): a verifier implementing RFC 7797 accepts it, one that does not refuses it (RFC 7515 §4.1.11).",
    ),
];

/// The module of a rule: the middle part of its id (`TR-SIG-005` -> `sig`).
pub fn module_of(rule: &str) -> String {
    rule.split('-').nth(1).unwrap_or("").to_ascii_lowercase()
}

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The catalogue, each rule with the statements that name it (`rules/spec-statements.toml`)
/// and the decisions its expectation rests on.
pub fn catalog_toml(statements_of: &BTreeMap<String, Vec<String>>) -> String {
    let mut out = String::from(
        "# The rules the reference engine checks. Generated from harness/record/src/rules/catalog.rs\n\
         # by `trace-conform vectors generate`; edit the Rust list, not this file.\n",
    );
    for r in RULES {
        let _ = write!(
            out,
            "\n[[rule]]\nid = {}\nstrength = {}\nmodule = {}\nmin_level = {}\nclass = {}\nsection = {}\nstatement = {}\n",
            toml_str(r.id),
            toml_str(r.strength.keyword()),
            toml_str(&module_of(r.id)),
            r.min_level.number(),
            toml_str(r.class),
            toml_str(r.section),
            toml_str(r.statement),
        );
        if !r.decision.is_empty() {
            let _ = writeln!(out, "decision = {}", toml_str(r.decision));
        }
        let list = |ids: &[String]| ids.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", ");
        if let Some(ids) = statements_of.get(r.id) {
            let _ = writeln!(out, "statements = [{}]", list(ids));
        }
        let decisions = crate::statements::decision_ids(r.decision);
        if !decisions.is_empty() {
            let _ = writeln!(out, "rests_on = [{}]", list(&decisions));
        }
    }
    out
}

pub fn error_classes_toml() -> String {
    let mut out = String::from(
        "# Error classes (category/detail) a finding or a vector may name: what each means, the rules whose\n\
         # default it is, and every rule that may produce it (the contract: lint refuses a vector whose class\n\
         # its rules cannot carry). Generated from harness/record/src/rules/{catalog,classes}.rs.\n",
    );
    for class in ERROR_CLASSES {
        let defaults: Vec<&str> = RULES.iter().filter(|r| r.class == *class).map(|r| r.id).collect();
        let (category, detail) = class.split_once('/').expect("category/detail");
        let list = |ids: &[&str]| ids.iter().map(|r| toml_str(r)).collect::<Vec<_>>().join(", ");
        let _ = write!(
            out,
            "\n[[class]]\nname = {}\ncategory = {}\ndetail = {}\nmeaning = {}\ndefault_for = [{}]\nrules = [{}]\n",
            toml_str(class),
            toml_str(category),
            toml_str(detail),
            toml_str(meaning(class)),
            list(&defaults),
            list(&rules_producing(class)),
        );
    }
    out
}

pub fn flags_toml() -> String {
    let mut out = String::from("# Flags of acceptable vectors. Generated from harness/vector-format/src/catalog.rs.\n");
    for (name, description) in FLAGS {
        let _ = write!(
            out,
            "\n[[flag]]\nname = {}\ndescription = {}\n",
            toml_str(name),
            toml_str(description)
        );
    }
    out
}

/// Rule -> (negative vectors, positive controls).
pub fn coverage(files: &[VectorFile]) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut map: BTreeMap<String, (Vec<String>, Vec<String>)> = RULES
        .iter()
        .map(|r| (r.id.to_string(), (Vec::new(), Vec::new())))
        .collect();
    for test in files.iter().flat_map(|f| &f.groups).flat_map(|g| &g.tests) {
        if test.expected.result == Outcome::Invalid {
            for rule in test.expected.error.iter().flat_map(|e| &e.rules) {
                map.entry(rule.clone()).or_default().0.push(test.id.clone());
            }
        }
        for rule in test.expected.controls.iter().chain(&test.expected.warnings) {
            map.entry(rule.clone()).or_default().1.push(test.id.clone());
        }
    }
    map
}

pub fn coverage_md(files: &[VectorFile]) -> String {
    let total: usize = files.iter().flat_map(|f| &f.groups).map(|g| g.tests.len()).sum();
    let mut out = format!(
        "# Vector coverage\n\nGenerated by `trace-conform vectors generate`. {total} vectors in {} files.\n\n\
         | rule | strength | level | negative vectors | positive controls |\n|---|---|---|---|---|\n",
        files.len()
    );
    let cov = coverage(files);
    for r in RULES {
        let (neg, pos) = &cov[r.id];
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            r.id,
            r.strength.keyword(),
            r.min_level.number(),
            neg.len(),
            pos.len()
        );
    }
    for r in RULES {
        let (neg, pos) = &cov[r.id];
        let _ = writeln!(out, "\n## {}\n\n{}\n", r.id, r.statement);
        for id in neg {
            let _ = writeln!(out, "- invalid: `{id}`");
        }
        for id in pos {
            let _ = writeln!(out, "- control: `{id}`");
        }
    }
    out
}
