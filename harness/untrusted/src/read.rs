//! Reads that stay where they were sent: a file under a root is opened only when its
//! resolved path is still under the root, only when it is a regular file, and only up to a
//! stated size, checked before reading and again while reading (a file may grow).
//!
//! Owns: `Folder` (a root and the reads under it), `read_regular` (one named file), and
//! `Refusal`, the reason a read did not happen. Does not own walking (`walk`) or name
//! syntax (`name`).

use std::fmt;
use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Why an untrusted name or file was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The name itself is not acceptable.
    Name { name: String, why: String },
    /// The name resolves (through a symbolic link or `..`) outside the root.
    Escapes { name: String, root: PathBuf },
    /// A directory, device, FIFO or socket where a regular file was expected.
    NotRegular { name: String, kind: &'static str },
    /// Larger than the limit for its kind.
    TooLarge { name: String, size: u64, limit: u64 },
    /// A walk went deeper or wider than its limits.
    WalkLimit { root: PathBuf, why: String },
    /// The operating system refused.
    Io { name: String, error: String },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Name { name, why } => write!(f, "{name:?}: refused as a name: {why}"),
            Refusal::Escapes { name, root } => {
                write!(
                    f,
                    "{name:?}: resolves outside {} (or through a broken link); not read",
                    root.display()
                )
            }
            Refusal::NotRegular { name, kind } => write!(f, "{name:?}: a {kind}, not a regular file; not read"),
            Refusal::TooLarge { name, size, limit } => {
                write!(f, "{name:?}: {size} bytes or more, over the limit of {limit}; not read")
            }
            Refusal::WalkLimit { root, why } => write!(f, "{}: {why}", root.display()),
            Refusal::Io { name, error } => write!(f, "{name}: {error}"),
        }
    }
}

impl std::error::Error for Refusal {}

impl From<Refusal> for String {
    fn from(r: Refusal) -> String {
        r.to_string()
    }
}

fn io(name: &str, e: std::io::Error) -> Refusal {
    Refusal::Io {
        name: name.to_string(),
        error: e.to_string(),
    }
}

/// What kind of file `meta` describes, for messages.
pub fn kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "directory"
    } else if t.is_symlink() {
        "symbolic link"
    } else if t.is_fifo() {
        "FIFO"
    } else if t.is_socket() {
        "socket"
    } else if t.is_char_device() || t.is_block_device() {
        "device"
    } else if t.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

/// Opens without blocking (a FIFO would wait for a writer) and, when `follow` is false,
/// without following a final symbolic link.
fn open(path: &Path, follow: bool) -> std::io::Result<File> {
    let flags = libc::O_NONBLOCK | if follow { 0 } else { libc::O_NOFOLLOW };
    OpenOptions::new().read(true).custom_flags(flags).open(path)
}

/// Reads an open regular file of at most `limit` bytes; `name` is for messages.
fn read_open(file: File, name: &str, limit: u64) -> Result<Vec<u8>, Refusal> {
    let meta = file.metadata().map_err(|e| io(name, e))?;
    if !meta.is_file() {
        return Err(Refusal::NotRegular {
            name: name.to_string(),
            kind: kind(&meta),
        });
    }
    if meta.len() > limit {
        return Err(Refusal::TooLarge {
            name: name.to_string(),
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| io(name, e))?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge {
            name: name.to_string(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Reads one file the user named (links followed: the user chose the name), refusing
/// anything but a regular file and anything over `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let name = path.display().to_string();
    let file = open(path, true).map_err(|e| io(&name, e))?;
    read_open(file, &name, limit)
}

/// A folder whose contents are untrusted: every read names a relative path that must
/// resolve inside it.
#[derive(Clone, Debug)]
pub struct Folder {
    root: PathBuf,
    canonical: PathBuf,
}

impl Folder {
    pub fn open(root: &Path) -> Result<Folder, Refusal> {
        let canonical = std::fs::canonicalize(root).map_err(|e| io(&root.display().to_string(), e))?;
        Ok(Folder {
            root: root.to_path_buf(),
            canonical,
        })
    }

    /// The root as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The resolved path of `name`, refused when the name is not a plain relative name or
    /// when it resolves (through links) outside the root.
    /// A name that goes through a link and does not resolve is refused like one that resolves
    /// outside: otherwise the two messages would tell whether a file exists elsewhere.
    pub fn resolve(&self, name: &str) -> Result<PathBuf, Refusal> {
        let rel = crate::name::relative(name)?;
        let joined = self.canonical.join(&rel);
        let escapes = || Refusal::Escapes {
            name: name.to_string(),
            root: self.root.clone(),
        };
        match std::fs::canonicalize(&joined) {
            Ok(resolved) if resolved.starts_with(&self.canonical) => Ok(resolved),
            Ok(_) => Err(escapes()),
            Err(e) => {
                let through_link = joined
                    .ancestors()
                    .take_while(|a| *a != self.canonical)
                    .any(|a| std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink()));
                Err(if through_link { escapes() } else { io(name, e) })
            }
        }
    }

    /// Reads `name` under the root: a regular file inside it, at most `limit` bytes.
    pub fn read(&self, name: &str, limit: u64) -> Result<Vec<u8>, Refusal> {
        let resolved = self.resolve(name)?;
        // The resolved path has no links left; refusing one now means it was swapped in.
        let file = open(&resolved, false).map_err(|e| io(name, e))?;
        read_open(file, name, limit)
    }

    /// Reads `name` as UTF-8 text.
    pub fn read_text(&self, name: &str, limit: u64) -> Result<String, Refusal> {
        String::from_utf8(self.read(name, limit)?).map_err(|_| Refusal::Io {
            name: name.to_string(),
            error: "not UTF-8 text".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn folder() -> (tempfile::TempDir, Folder) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("capture")).unwrap();
        std::fs::write(dir.path().join("capture/quote.bin"), b"quote").unwrap();
        std::fs::write(dir.path().join("secret"), b"secret").unwrap();
        let f = Folder::open(&dir.path().join("capture")).unwrap();
        (dir, f)
    }

    #[test]
    fn reads_inside_the_root() {
        let (_d, f) = folder();
        assert_eq!(f.read("quote.bin", 100).unwrap(), b"quote");
    }

    #[test]
    fn links_and_parents_leaving_the_root_are_refused() {
        let (d, f) = folder();
        symlink(d.path().join("secret"), d.path().join("capture/out")).unwrap();
        symlink("/etc", d.path().join("capture/etc")).unwrap();
        assert!(matches!(f.read("out", 100), Err(Refusal::Escapes { .. })));
        assert!(matches!(f.read("etc/hostname", 100), Err(Refusal::Escapes { .. })));
        assert!(matches!(f.read("../secret", 100), Err(Refusal::Name { .. })));
        assert!(matches!(f.read("/etc/hostname", 100), Err(Refusal::Name { .. })));
        // A link that stays inside is followed.
        symlink("quote.bin", d.path().join("capture/alias")).unwrap();
        assert_eq!(f.read("alias", 100).unwrap(), b"quote");
        // Whether a file exists outside is not revealed: missing or present, one refusal.
        symlink(d.path(), d.path().join("capture/up")).unwrap();
        assert!(matches!(f.read("up/secret", 100), Err(Refusal::Escapes { .. })));
        assert!(matches!(f.read("up/no-such-file", 100), Err(Refusal::Escapes { .. })));
        assert!(matches!(f.read("missing", 100), Err(Refusal::Io { .. })));
    }

    #[test]
    fn devices_fifos_and_large_files_are_refused_before_reading() {
        let (d, f) = folder();
        symlink("/dev/zero", d.path().join("capture/zero")).unwrap();
        assert!(f.read("zero", 100).is_err());
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 100),
            Err(Refusal::NotRegular { .. })
        ));
        let fifo = d.path().join("capture/fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo {}", fifo.display());
        assert!(matches!(
            f.read("fifo", 100),
            Err(Refusal::NotRegular { kind: "FIFO", .. })
        ));
        std::fs::write(d.path().join("capture/big"), vec![0u8; 101]).unwrap();
        assert!(matches!(f.read("big", 100), Err(Refusal::TooLarge { size: 101, .. })));
        assert!(matches!(f.read("", 100), Err(Refusal::Name { .. })));
    }
}
