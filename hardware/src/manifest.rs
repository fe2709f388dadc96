//! Capture manifests: `MANIFEST.toml` of schema `trace-hwcapture/1` (the format of the shared
//! captures, read as they are), and the integrity of the files they list.
//!
//! Owns: the manifest types and [`check_files`]. Does not own any evidence check.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Component, Path};

pub const SCHEMA: &str = "trace-hwcapture/1";

#[derive(Clone, Debug, Deserialize)]
pub struct Manifest {
    pub schema: String,
    pub name: String,
    /// The TRACE `runtime.platform` (or the capture family, e.g. `nvidia-gpu`).
    pub platform: String,
    #[serde(default)]
    pub trace_runtime_platform: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
    pub verify: VerifySection,
    /// SHA-256 (lowercase hex) of every evidence file, by file name.
    pub sha256: BTreeMap<String, String>,
    pub expect: Expect,
}

#[derive(Clone, Debug, Deserialize)]
pub struct VerifySection {
    /// The pinned verification time: every check uses it, never the clock.
    pub verification_time_unix: i64,
    #[serde(default)]
    pub verification_time: Option<String>,
    #[serde(default)]
    pub offline: Option<String>,
    /// The SHA-256 of a root certificate to pin instead of the vendor's: only the project's
    /// synthetic captures (`fixtures/synthetic/`) carry one, naming their test root.
    #[serde(default)]
    pub root_sha256: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Expect {
    pub verdict: String,
    #[serde(default)]
    pub depth: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub variant: Vec<Variant>,
}

/// The same capture with some files substituted, and its own expected verdict.
#[derive(Clone, Debug, Deserialize)]
pub struct Variant {
    pub name: String,
    pub verdict: String,
    #[serde(default)]
    pub replace: BTreeMap<String, String>,
}

/// Reads and checks a manifest's shape.
pub fn read(dir: &Path) -> Result<Manifest, String> {
    let path = dir.join("MANIFEST.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let m: Manifest = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if m.schema != SCHEMA {
        return Err(format!("{}: schema {:?} is not {SCHEMA}", path.display(), m.schema));
    }
    for v in std::iter::once(m.expect.verdict.as_str()).chain(m.expect.variant.iter().map(|v| v.verdict.as_str())) {
        if crate::Verdict::parse(v).is_none() {
            return Err(format!(
                "{}: expected verdict {v:?} is not valid, invalid or unverifiable",
                path.display()
            ));
        }
    }
    Ok(m)
}

/// A file name a manifest may list: a plain relative name inside the capture directory.
fn safe_name(name: &str) -> bool {
    let p = Path::new(name);
    !name.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Every problem with the capture's files: unsafe names, missing files, digests that differ,
/// variant substitutions naming unlisted files, files present but not listed.
pub fn check_files(dir: &Path, m: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, want) in &m.sha256 {
        if !safe_name(name) {
            problems.push(format!("{name}: not a plain file name inside the capture"));
            continue;
        }
        match std::fs::read(dir.join(name)) {
            Err(e) => problems.push(format!("{name}: {e}")),
            Ok(bytes) => {
                let got = crate::hex(&Sha256::digest(&bytes));
                if !want.eq_ignore_ascii_case(&got) {
                    problems.push(format!("{name}: SHA-256 is {got}, the manifest says {want}"));
                }
            }
        }
    }
    for v in &m.expect.variant {
        for (from, to) in &v.replace {
            for f in [from, to] {
                if !m.sha256.contains_key(f) {
                    problems.push(format!("variant {}: {f} is not a listed file", v.name));
                }
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if e.path().is_file() && name != "MANIFEST.toml" && !m.sha256.contains_key(&name) {
                problems.push(format!("{name}: present but not listed in [sha256]"));
            }
        }
    }
    problems
}
