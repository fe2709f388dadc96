//! Reading the committed vector files.

use crate::format::VectorFile;
use std::path::{Path, PathBuf};

/// Every `*.json` vector file under `dir` (not `schema/`), sorted, parsed strictly.
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, VectorFile)>, String> {
    let mut paths = Vec::new();
    collect(dir, dir, &mut paths)?;
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let file: VectorFile = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", p.display()))?;
            Ok((p, file))
        })
        .collect()
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            if path != root.join("schema") && path != root.join("regressions") {
                collect(root, &path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// The vectors directory of this checkout (harness/vectors/../../vectors).
pub fn default_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../vectors")
}
