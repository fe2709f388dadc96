//! Every command in docs/*.md runs (tools/docs_examples.py): the per-audience pages are
//! checked the way a newcomer would follow them, in a fresh copy of the repository.

mod common;

use std::process::Command;

#[test]
fn every_command_in_the_docs_runs() {
    let Some(python) = common::python("yaml,agentrust_trace") else {
        return;
    };
    let repo = common::repo();
    let out = Command::new(&python)
        .arg(repo.join("tools/docs_examples.py"))
        .arg(env!("CARGO_BIN_EXE_trace-conform"))
        .output()
        .expect("python runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let pages = [
        "implementers.md",
        "ci.md",
        "vendors.md",
        "vector-authors.md",
        "guide.md",
    ];
    for page in pages {
        assert!(
            text.contains(&format!("ok   docs/{page}")),
            "no command of {page} ran:\n{text}"
        );
    }
    let every_page = std::fs::read_dir(repo.join("docs"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    assert!(
        text.contains(&format!("0 failure(s) in {every_page} page(s)")),
        "{text}"
    );
}
