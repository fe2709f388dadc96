//! The oracle of capture folders: a manifest and files as a vendor might submit them, names
//! and links included. Reading and replaying never panics, and nothing outside the folder is
//! ever read: a secret placed beside the folder, reachable by `..`, an absolute path or a
//! link, never reaches the loaded files.
//!
//! Writes a scratch folder under the system temporary directory (one per process, emptied
//! for every input): a capture is a folder, and the property is about the file system.

use arbitrary::{Arbitrary, Unstructured};
use std::path::PathBuf;

const SECRET: &[u8] = b"the secret beside the capture folder";

#[derive(Arbitrary, Debug)]
enum Entry {
    File(String, Vec<u8>),
    /// A link named .0 to the secret outside the folder.
    LinkOut(String),
    /// A link named .0 to a listed name .1 (possibly a chain, possibly a loop).
    LinkIn(String, String),
    Dir(String),
}

#[derive(Arbitrary, Debug)]
struct Submission {
    platform: u8,
    /// Names listed in the manifest's [sha256], each with the digest of the secret or junk.
    listed: Vec<(String, bool)>,
    entries: Vec<Entry>,
    verdict: u8,
}

/// Every capture platform name of the table, and one it lacks (a manifest family name).
fn platforms() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = trace_hardware::platforms::PLATFORMS
        .iter()
        .flat_map(|p| p.names.iter().copied())
        .collect();
    names.push("nvidia-gpu");
    names
}

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("trace-oracle-captures-{}", std::process::id()))
}

/// A name usable inside the scratch folder for building (the oracle's own files must not
/// escape it either; the hostile names go into the manifest, not onto the disk).
fn plain(name: &str) -> Option<&str> {
    trace_untrusted::name::relative(name)
        .ok()
        .map(|_| name)
        .filter(|n| !n.contains('/') && *n != "MANIFEST.toml")
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn capture_folder(data: &[u8]) {
    let Ok(sub) = Submission::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let root = scratch();
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("capture");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    std::fs::write(root.join("secret"), SECRET).expect("secret");
    let secret_digest = {
        use sha2::Digest;
        sha2::Sha256::digest(SECRET)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    for e in sub.entries.iter().take(16) {
        match e {
            // A file inside may not hold the secret itself: the property is about reading it
            // from outside.
            Entry::File(n, bytes) if bytes.as_slice() != SECRET => {
                if let Some(n) = plain(n) {
                    let _ = std::fs::write(dir.join(n), bytes);
                }
            }
            Entry::LinkOut(n) => {
                if let Some(n) = plain(n) {
                    let _ = std::os::unix::fs::symlink(root.join("secret"), dir.join(n));
                }
            }
            Entry::LinkIn(n, to) => {
                if let Some(n) = plain(n) {
                    let _ = std::os::unix::fs::symlink(to, dir.join(n));
                }
            }
            Entry::Dir(n) => {
                if let Some(n) = plain(n) {
                    let _ = std::fs::create_dir(dir.join(n));
                }
            }
            Entry::File(..) => {}
        }
    }
    let mut manifest = format!(
        "schema = \"trace-hwcapture/1\"\nname = \"fuzz\"\nplatform = {}\n[verify]\nverification_time_unix = 1700000000\n[sha256]\n",
        toml_string({
            let names = platforms();
            names[sub.platform as usize % names.len()]
        })
    );
    for (name, secret) in sub.listed.iter().take(16) {
        let digest = if *secret {
            secret_digest.clone()
        } else {
            "00".repeat(32)
        };
        manifest.push_str(&format!("{} = \"{digest}\"\n", toml_string(name)));
    }
    let verdict = ["valid", "invalid", "unverifiable"][sub.verdict as usize % 3];
    manifest.push_str(&format!("[expect]\nverdict = \"{verdict}\"\n"));
    std::fs::write(dir.join("MANIFEST.toml"), manifest).expect("manifest");

    if let Ok(capture) = trace_hardware::manifest::load(&dir) {
        for (name, bytes) in &capture.files {
            assert!(trace_untrusted::name::relative(name).is_ok(), "{name:?} was read");
            assert_ne!(bytes.as_slice(), SECRET, "{name:?} read the secret outside the folder");
        }
        for p in &capture.problems {
            assert!(
                !p.contains(&format!("SHA-256 is {secret_digest}")),
                "a digest of the secret: {p}"
            );
        }
    }
    let _ = trace_hardware::replay::replay(&dir, None);
    let _ = trace_hardware::replay::find_captures(&root);
    let _ = std::fs::remove_dir_all(&root);
}
