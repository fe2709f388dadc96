//! Reading the committed vector files: from a directory, or the copy embedded at build
//! time (so an installed binary needs no checkout). A file is strict JSON in format v2, or
//! in v1, which is upgraded on reading ([`crate::v1`]).

use crate::format::{FILE_SCHEMA, FILE_SCHEMA_V1, VectorFile};
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
    read_dir_set(dir).map(|files| files.into_iter().map(|(p, f, _)| (p, f)).collect())
}

/// [`load_dir`] with each file's bytes, read once: what was parsed is what is digested.
fn read_dir_set(dir: &Path) -> Result<Vec<(PathBuf, VectorFile, Vec<u8>)>, String> {
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
            Ok((p, file, bytes))
        })
        .collect()
}

/// Parses one vector file strictly (format v2, or v1 upgraded to v2) and checks that every
/// id is one lint accepts.
pub fn parse(name: &str, bytes: &[u8]) -> Result<VectorFile, String> {
    /// Only the format's name; the rest is read by the format's own types.
    #[derive(serde::Deserialize)]
    struct Head {
        schema: String,
    }
    // Strict JSON first (trace-record's parser): no duplicate member names, lone
    // surrogates, integers past ±(2^53-1) or nesting past its depth, anywhere in the file;
    // serde alone would keep the last of two members silently.
    trace_record::json::parse(bytes).map_err(|e| format!("{name}: not strict JSON: {e}"))?;
    let head: Head = serde_json::from_slice(bytes).map_err(|e| format!("{name}: {e}"))?;
    let file: VectorFile = match head.schema.as_str() {
        FILE_SCHEMA => serde_json::from_slice(bytes).map_err(|e| format!("{name}: {e}"))?,
        FILE_SCHEMA_V1 => {
            let old: VectorFile<crate::v1::Context> =
                serde_json::from_slice(bytes).map_err(|e| format!("{name}: {e}"))?;
            crate::v1::upgrade(old).map_err(|e| format!("{name}: {e}"))?
        }
        other => {
            return Err(format!(
                "{name}: schema {:?} is not {FILE_SCHEMA} or {FILE_SCHEMA_V1}",
                trace_untrusted::escape::terminal_line(other)
            ));
        }
    };
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

/// The committed vector `id` (from the embedded set), for the crate's unit tests.
#[cfg(test)]
pub(crate) fn committed_test(id: &str) -> crate::format::Test {
    load_embedded()
        .expect("the embedded set loads")
        .into_iter()
        .flat_map(|(_, f)| f.groups)
        .flat_map(|g| g.tests)
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} is a committed vector"))
}

/// Where a run's vectors came from and which they were: printed by every run and
/// recorded in every report, so a CI owner can say which vectors gated a release.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SetInfo {
    /// `embedded` (the copy built into the binary) or the directory read.
    pub source: String,
    /// The suite version the set belongs to.
    pub suite_version: String,
    /// `sha256:` over every file's path relative to the set and its bytes, in path order:
    /// equal for a directory and the binary embedding the same files.
    pub digest: String,
    pub files: usize,
    pub vectors: usize,
}

/// A loaded vector set with its provenance.
pub struct VectorSet {
    pub info: SetInfo,
    pub files: Vec<(PathBuf, VectorFile)>,
}

/// The set digest of (relative path, bytes) pairs, which must be sorted by path as bytes.
fn set_digest<'a>(files: impl Iterator<Item = (String, &'a [u8])>) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for (rel, bytes) in files {
        h.update((rel.len() as u64).to_be_bytes());
        h.update(rel.as_bytes());
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    }
    format!(
        "sha256:{}",
        h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

fn info(source: String, digest: String, files: &[(PathBuf, VectorFile)]) -> SetInfo {
    SetInfo {
        source,
        suite_version: crate::SUITE_VERSION.to_string(),
        digest,
        files: files.len(),
        vectors: files.iter().flat_map(|(_, f)| &f.groups).map(|g| g.tests.len()).sum(),
    }
}

/// The digest of the embedded set, without parsing it (for `--version`).
pub fn embedded_digest() -> String {
    let mut named: Vec<(String, &[u8])> = embedded::EMBEDDED.iter().map(|(n, b)| (n.to_string(), *b)).collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    set_digest(named.into_iter())
}

/// The embedded set with its provenance.
pub fn embedded_set() -> Result<VectorSet, String> {
    let files = load_embedded()?;
    Ok(VectorSet {
        info: info("embedded".into(), embedded_digest(), &files),
        files,
    })
}

/// A directory's set with its provenance (read as [`load_dir`] reads it).
pub fn dir_set(dir: &Path) -> Result<VectorSet, String> {
    let read = read_dir_set(dir)?;
    let mut named: Vec<(String, &[u8])> = read
        .iter()
        .map(|(p, _, b)| {
            (
                p.strip_prefix(dir).unwrap_or(p).to_string_lossy().replace('\\', "/"),
                b.as_slice(),
            )
        })
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let digest = set_digest(named.into_iter());
    let files: Vec<(PathBuf, VectorFile)> = read.into_iter().map(|(p, f, _)| (p, f)).collect();
    let source = std::fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string();
    Ok(VectorSet {
        info: info(source, digest, &files),
        files,
    })
}

/// The set a run uses: `vectors` when given, else `$TRACE_CONFORM_VECTORS` (a directory,
/// or `embedded`), else the embedded copy. The checkout the binary was built in is never
/// consulted: an installed binary runs what it embeds unless told otherwise.
pub fn chosen_set(vectors: Option<&Path>) -> Result<VectorSet, String> {
    match (vectors, std::env::var("TRACE_CONFORM_VECTORS")) {
        (Some(dir), _) => dir_set(dir),
        (None, Ok(v)) if v == "embedded" => embedded_set(),
        (None, Ok(dir)) => dir_set(Path::new(&dir)),
        (None, Err(_)) => embedded_set(),
    }
}

/// The default vector set's files (see [`chosen_set`]).
pub fn load_default() -> Result<Vec<(PathBuf, VectorFile)>, String> {
    chosen_set(None).map(|s| s.files)
}

/// The number of embedded vector files.
pub fn embedded_files() -> usize {
    embedded::EMBEDDED.len()
}
