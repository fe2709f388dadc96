//! Reading the committed vector files: from a directory, or the copy embedded at build
//! time (so an installed binary needs no checkout).

use crate::format::VectorFile;
use std::path::{Path, PathBuf};
use trace_untrusted::limits;
use trace_untrusted::read::read_regular;
use trace_untrusted::walk::{self, Walk};

/// Every `*.json` vector file under `dir` (not `schema/` or `regressions/`), sorted, parsed
/// strictly. The folder may come from elsewhere: the walk stays inside it and is bounded,
/// each file is a regular file of at most `limits::VECTOR_FILE_BYTES` (all together at most
/// `limits::VECTOR_SET_BYTES`), and a file whose ids lint would refuse is refused, since ids
/// become report file names.
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, VectorFile)>, String> {
    let skip = |d: &Path| d == dir.join("schema") || d == dir.join("regressions");
    let paths = walk::files(dir, &Walk::confined(), &skip)?;
    let mut budget = limits::VECTOR_SET_BYTES;
    paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let bytes = read_regular(&p, limits::VECTOR_FILE_BYTES.min(budget))?;
            budget -= bytes.len() as u64;
            let file = parse(&p.display().to_string(), &bytes)?;
            Ok((p, file))
        })
        .collect()
}

/// Parses one vector file strictly and checks that every id is one lint accepts.
pub fn parse(name: &str, bytes: &[u8]) -> Result<VectorFile, String> {
    let file: VectorFile = serde_json::from_slice(bytes).map_err(|e| format!("{name}: {e}"))?;
    for g in &file.groups {
        for t in &g.tests {
            if !trace_untrusted::name::is_vector_id(&t.id) {
                return Err(format!(
                    "{name}: id {:?} is not a vector id (slugs of a-z, 0-9 and '-' joined by '::')",
                    trace_untrusted::escape::terminal_line(&t.id)
                ));
            }
        }
    }
    Ok(file)
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
            let file = parse(&format!("embedded {name}"), bytes)?;
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
