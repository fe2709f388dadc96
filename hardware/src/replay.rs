//! Replaying a capture: its files (digest-checked), its evidence appraised at the pinned
//! time, and the result compared with the manifest's expected verdict, for the capture and
//! each of its variants.
//!
//! Owns: finding captures and [`replay`]. Does not own which files a platform reads nor
//! its checks (`platforms` and the platform modules).

use crate::manifest;
use crate::platforms::Files;
use crate::{Appraisal, Verdict};
use std::path::{Path, PathBuf};
use trace_untrusted::{Folder, limits};

/// One replayed case: the capture itself, or one of its variants.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Case {
    pub capture: String,
    /// `None` for the capture as stored; the variant's name otherwise.
    pub variant: Option<String>,
    pub platform: String,
    pub at: i64,
    pub expected: Verdict,
    pub appraisal: Appraisal,
}

impl Case {
    pub fn as_expected(&self) -> bool {
        self.appraisal.verdict == self.expected
    }
}

/// The result of replaying one capture directory.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Replay {
    pub dir: PathBuf,
    /// Problems with the capture's files; any makes every case fail.
    pub file_problems: Vec<String>,
    pub cases: Vec<Case>,
}

/// Capture directories under `root` (itself, or any directory below holding a
/// `trace-hwcapture/1` manifest), sorted. The walk is confined to `root` and bounded
/// (`trace_untrusted::walk`); a walk that exceeds its limits is an error.
pub fn find_captures(root: &Path) -> Result<Vec<PathBuf>, String> {
    use trace_untrusted::walk::{Entry, Walk, walk};
    let mut out = Vec::new();
    walk(root, &Walk::confined(), &mut |e| match e {
        Entry::Dir(d) => {
            let is_capture = Folder::open(d)
                .and_then(|f| f.read_text("MANIFEST.toml", limits::MANIFEST_BYTES))
                .is_ok_and(|t| t.contains(manifest::SCHEMA));
            if is_capture {
                out.push(d.to_path_buf());
            }
            !is_capture
        }
        Entry::File(_) => true,
    })?;
    out.sort();
    Ok(out)
}

/// Appraises `files` as evidence of the capture platform `platform` at `at`, under the pin
/// when given (what a pin pins, per platform: [`crate::platforms::Pin`]).
pub fn appraise_pinned(platform: &str, files: &Files, at: i64, root_sha256: Option<&str>) -> Appraisal {
    crate::platforms::appraise(platform, files, at, root_sha256)
}

/// Appraises `files` as evidence of `platform` under the vendor's roots.
pub fn appraise(platform: &str, files: &Files, at: i64) -> Appraisal {
    crate::platforms::appraise(platform, files, at, None)
}

/// Replays a capture at its pinned time (or `at`).
pub fn replay(dir: &Path, at: Option<i64>) -> Result<Replay, String> {
    let manifest::Capture {
        manifest: m,
        files,
        problems: file_problems,
    } = manifest::load(dir)?;
    let at = at.unwrap_or(m.verify.verification_time_unix);
    let pin = m.verify.root_sha256.as_deref();
    let parse = |v: &str| Verdict::parse(v).expect("manifest::read checked the verdicts");
    let mut cases = vec![Case {
        capture: m.name.clone(),
        variant: None,
        platform: m.platform.clone(),
        at,
        expected: parse(&m.expect.verdict),
        appraisal: appraise_pinned(&m.platform, &files, at, pin),
    }];
    for v in &m.expect.variant {
        let mut swapped = files.clone();
        for (from, to) in &v.replace {
            if let Some(bytes) = files.get(to) {
                swapped.insert(from.clone(), bytes.clone());
            }
            swapped.remove(to);
        }
        cases.push(Case {
            capture: m.name.clone(),
            variant: Some(v.name.clone()),
            platform: m.platform.clone(),
            at,
            expected: parse(&v.verdict),
            appraisal: appraise_pinned(&m.platform, &swapped, at, pin),
        });
    }
    Ok(Replay {
        dir: dir.to_path_buf(),
        file_problems,
        cases,
    })
}
