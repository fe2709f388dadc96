//! Capture manifests: `MANIFEST.toml` of schema `trace-hwcapture/1` (the format of the shared
//! captures, read as they are), and the integrity of the files they list.
//!
//! Owns: the manifest types and [`load`], the one reader of a capture folder (through
//! `trace_untrusted`, so nothing outside the folder is read). Does not own any evidence check.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use trace_untrusted::{Folder, limits};

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
    /// What the capture is appraised under instead of the vendor's anchor (`platforms::Pin`):
    /// the SHA-256 of the test root the project's synthetic captures (`fixtures/synthetic/`)
    /// chain to; for an attestation token, the RFC 7638 thumbprint (hex) of the issuer's
    /// signing key, which every token capture must name (its key snapshot travels with it).
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

/// Reads and checks a manifest's shape. The manifest is read through the capture folder
/// (a regular file inside it, at most `limits::MANIFEST_BYTES`).
pub fn read(dir: &Path) -> Result<Manifest, String> {
    let folder = Folder::open(dir)?;
    read_in(&folder)
}

fn read_in(folder: &Folder) -> Result<Manifest, String> {
    let path = folder.root().join("MANIFEST.toml");
    let text = folder.read_text("MANIFEST.toml", limits::MANIFEST_BYTES)?;
    let m: Manifest = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if m.schema != SCHEMA {
        return Err(format!("{}: schema {:?} is not {SCHEMA}", path.display(), m.schema));
    }
    let token = crate::platforms::lookup(&m.platform).is_some_and(|p| p.self_vouching);
    if token && m.verify.root_sha256.is_none() {
        return Err(format!(
            "{}: a {} capture must pin its issuer's signing key: [verify] root_sha256, the RFC 7638 \
             thumbprint (hex) of the key that signs the token (hardware/SUBMITTING.md)",
            path.display(),
            m.platform
        ));
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

/// A capture as read: its manifest, the listed files that could be read, and every problem
/// with them.
pub struct Capture {
    pub manifest: Manifest,
    pub files: BTreeMap<String, Vec<u8>>,
    pub problems: Vec<String>,
}

/// Reads a capture folder. Every listed name must be a plain relative name resolving to a
/// regular file inside the folder (links leaving it are refused), each file at most
/// `limits::CAPTURE_FILE_BYTES` and all of them at most `limits::CAPTURE_TOTAL_BYTES`; what
/// cannot be read is a problem, and its bytes are never seen. The problems also cover
/// digests that differ, variant substitutions naming unlisted files, and files present but
/// not listed.
pub fn load(dir: &Path) -> Result<Capture, String> {
    let folder = Folder::open(dir)?;
    let manifest = read_in(&folder)?;
    let mut problems = Vec::new();
    let mut files = BTreeMap::new();
    let mut budget = limits::CAPTURE_TOTAL_BYTES;
    for (name, want) in &manifest.sha256 {
        match folder.read(name, limits::CAPTURE_FILE_BYTES.min(budget)) {
            Err(e) => problems.push(e.to_string()),
            Ok(bytes) => {
                budget -= bytes.len() as u64;
                let got = crate::hex(&Sha256::digest(&bytes));
                if !want.eq_ignore_ascii_case(&got) {
                    problems.push(format!("{name}: SHA-256 is {got}, the manifest says {want}"));
                }
                files.insert(name.clone(), bytes);
            }
        }
    }
    for v in &manifest.expect.variant {
        for (from, to) in &v.replace {
            for f in [from, to] {
                if !manifest.sha256.contains_key(f) {
                    problems.push(format!("variant {}: {f} is not a listed file", v.name));
                }
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if e.path().is_file() && name != "MANIFEST.toml" && !manifest.sha256.contains_key(&name) {
                problems.push(format!("{name}: present but not listed in [sha256]"));
            }
        }
    }
    Ok(Capture {
        manifest,
        files,
        problems,
    })
}
