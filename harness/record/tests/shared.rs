//! Locating `../shared` (public reference material read in place, never copied): the spec's
//! own examples and the incumbent suite's vectors. Also compiled into trace-vectors'
//! cross-check test (`#[path]`), so both crates answer a missing folder the same way.

use std::path::PathBuf;

/// `../shared/<rel>` beside the checkout, or `None` with a message when it is absent.
/// Under `CI=true` a missing folder is a failure, not a skip: CI must not pass a
/// cross-check it never ran.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if root.exists() {
        return Some(root);
    }
    let message = format!(
        "{} is absent; this test needs the shared reference material (../shared beside the checkout)",
        root.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true: {message}");
    }
    eprintln!("SKIP: {message}");
    None
}
