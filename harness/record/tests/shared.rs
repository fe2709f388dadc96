//! Locating `../shared` (public reference material read in place, never copied).

use std::path::PathBuf;

/// `../shared/<rel>` from the workspace root, or `None` (with a message) when absent.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if root.exists() {
        Some(root)
    } else {
        eprintln!(
            "SKIP: {} is absent; this test needs the shared reference material",
            root.display()
        );
        None
    }
}
