//! Reading the committed vector files: from a directory, or the copy embedded at build
//! time (so an installed binary needs no checkout).

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

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// An identifier of the embedded vector set (FNV-1a over names and bytes).
pub const SET_ID: &str = embedded::SET_ID;

/// The vector files embedded in this build, parsed strictly.
pub fn load_embedded() -> Result<Vec<(PathBuf, VectorFile)>, String> {
    embedded::EMBEDDED
        .iter()
        .map(|(name, bytes)| {
            let file: VectorFile = serde_json::from_slice(bytes).map_err(|e| format!("embedded {name}: {e}"))?;
            Ok((PathBuf::from("embedded").join(name), file))
        })
        .collect()
}

/// The default vector set: `$TRACE_CONFORM_VECTORS` (a directory, or `embedded`), else this
/// checkout's `vectors/` when it exists, else the embedded copy.
pub fn load_default() -> Result<Vec<(PathBuf, VectorFile)>, String> {
    match std::env::var("TRACE_CONFORM_VECTORS") {
        Ok(v) if v == "embedded" => load_embedded(),
        Ok(dir) => load_dir(Path::new(&dir)),
        Err(_) if default_dir().is_dir() => load_dir(&default_dir()),
        Err(_) => load_embedded(),
    }
}

/// The number of embedded vector files.
pub fn embedded_files() -> usize {
    embedded::EMBEDDED.len()
}
