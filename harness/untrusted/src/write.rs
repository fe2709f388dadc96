//! Writes into an output folder that do not follow a planted link: the final name is opened
//! with `O_NOFOLLOW`, and an existing entry that is not a regular file is refused.
//!
//! Owns: creating or replacing one file. Does not choose names (`name` does).

use crate::read::{Refusal, kind};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Creates or truncates `path` and writes `bytes`, refusing a symbolic link (to anywhere)
/// or a non-regular file at that name.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Refusal> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| Refusal::Io {
        name: name.clone(),
        error: e.to_string(),
    };
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && !meta.is_file()
    {
        return Err(Refusal::NotRegular {
            name: name.clone(),
            kind: kind(&meta),
        });
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .mode(0o644)
        .open(path)
        .map_err(io)?;
    file.write_all(bytes).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planted_link_is_not_followed() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("victim"), b"keep").unwrap();
        std::os::unix::fs::symlink(d.path().join("victim"), d.path().join("case.json")).unwrap();
        assert!(write_file(&d.path().join("case.json"), b"report").is_err());
        assert_eq!(std::fs::read(d.path().join("victim")).unwrap(), b"keep");
        write_file(&d.path().join("new.json"), b"report").unwrap();
        write_file(&d.path().join("new.json"), b"again").unwrap();
        assert_eq!(std::fs::read(d.path().join("new.json")).unwrap(), b"again");
    }
}
