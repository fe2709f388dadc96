//! docs/decisions.md defines every decision id the suite uses (D-.., IMPL-..): in the rule
//! catalogue, the vectors' spec references, the statement index, the docs, the protocol and
//! the adapters' profiles. A report that names a decision must be able to link to it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use trace_record::rules::catalog::RULES;
use trace_vector_format::statements::decision_ids;
use trace_vector_format::{load, statements};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Ids defined by a `## <ID>: <title>` heading.
fn defined(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter_map(|l| l.split_once(':'))
        .flat_map(|(id, _)| decision_ids(id))
        .collect()
}

fn text_files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            text_files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

#[test]
fn every_decision_id_in_use_is_defined() {
    let root = repo();
    let doc = std::fs::read_to_string(root.join("docs/decisions.md")).expect("docs/decisions.md");
    let defined = defined(&doc);
    let mut used: Vec<(String, String)> = Vec::new();
    for r in RULES {
        for id in decision_ids(r.decision).into_iter().chain(decision_ids(r.section)) {
            used.push((id, format!("catalogue {}", r.id)));
        }
    }
    for (_, file) in load::load_dir(&load::default_dir()).expect("vectors load") {
        for t in file.groups.iter().flat_map(|g| &g.tests) {
            for id in t.spec_refs.iter().flat_map(|s| decision_ids(s)) {
                used.push((id, t.id.clone()));
            }
        }
    }
    for s in statements::embedded().expect("index parses") {
        for text in [
            Some(&s.summary),
            s.gap.as_ref(),
            s.not_testable.as_ref(),
            s.decided.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            for id in decision_ids(text) {
                used.push((id, format!("statement {}", s.id)));
            }
        }
    }
    let mut pages = vec![root.join("README.md"), root.join("harness/PROTOCOL.md")];
    text_files(&root.join("docs"), "md", &mut pages);
    text_files(&root.join("harness/adapters"), "toml", &mut pages);
    for page in pages {
        let text = std::fs::read_to_string(&page).expect("readable");
        for id in decision_ids(&text) {
            used.push((id, page.strip_prefix(&root).unwrap_or(&page).display().to_string()));
        }
    }
    assert!(used.len() > 100, "only {} uses found", used.len());
    let missing: BTreeSet<String> = used
        .iter()
        .filter(|(id, _)| !defined.contains(id))
        .map(|(id, at)| format!("{id} (used in {at})"))
        .collect();
    assert!(
        missing.is_empty(),
        "decision ids used but not defined in docs/decisions.md (add a `## <ID>: <title>` section):\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn a_heading_defines_its_id_and_prose_does_not() {
    let d = defined("## D-11: Rejected at every level\nsee D-99 below\n## IMPL-03: COSE\n");
    assert_eq!(d, BTreeSet::from(["D-11".to_string(), "IMPL-03".to_string()]));
}
