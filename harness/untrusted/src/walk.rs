//! Directory walks that end: every directory is entered once however many links lead to
//! it (device and inode remembered), the depth and the number of entries are bounded, and a
//! confined walk never follows a link out of its root.
//!
//! Owns: the traversal and its limits. Does not read files or decide which ones matter; the
//! caller's visitor does.

use crate::limits::{WALK_DEPTH, WALK_ENTRIES};
use crate::read::Refusal;
use std::collections::HashSet;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// How a walk treats links and how far it goes.
#[derive(Clone, Debug)]
pub struct Walk {
    /// Follow symbolic links to files and directories (each directory is still entered once).
    pub follow_links: bool,
    /// Skip any entry whose resolved path is outside the root.
    pub confine: bool,
    pub max_depth: usize,
    pub max_entries: usize,
}

impl Walk {
    /// Links followed anywhere: the user named the root (`verify DIR`).
    pub fn following() -> Walk {
        Walk {
            follow_links: true,
            confine: false,
            max_depth: WALK_DEPTH,
            max_entries: WALK_ENTRIES,
        }
    }

    /// Links followed only while they stay under the root: folders from elsewhere.
    pub fn confined() -> Walk {
        Walk {
            confine: true,
            ..Walk::following()
        }
    }
}

/// What the visitor sees: a directory (return true to enter it) or a regular file.
pub enum Entry<'a> {
    Dir(&'a Path),
    File(&'a Path),
}

/// Walks `root` in sorted order, calling `visit` for the root, every directory reached and
/// every regular file. Other kinds (devices, FIFOs, sockets, dangling links) are passed over.
pub fn walk(root: &Path, opts: &Walk, visit: &mut dyn FnMut(Entry<'_>) -> bool) -> Result<(), Refusal> {
    let io = |p: &Path, e: std::io::Error| Refusal::Io {
        name: p.display().to_string(),
        error: e.to_string(),
    };
    let canonical_root = std::fs::canonicalize(root).map_err(|e| io(root, e))?;
    let mut seen: HashSet<(u64, u64)> = HashSet::new();
    let mut entries = 0usize;
    // (path, depth); popped from the end, so children are pushed in reverse order.
    let mut stack: Vec<(PathBuf, usize)> = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let meta = std::fs::metadata(&dir).map_err(|e| io(&dir, e))?;
        if !seen.insert((meta.dev(), meta.ino())) {
            continue;
        }
        if !visit(Entry::Dir(&dir)) {
            continue;
        }
        if depth >= opts.max_depth {
            return Err(Refusal::WalkLimit {
                root: root.to_path_buf(),
                why: format!("deeper than {} levels at {}", opts.max_depth, dir.display()),
            });
        }
        let mut children: Vec<PathBuf> = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|e| io(&dir, e))? {
            entries += 1;
            if entries > opts.max_entries {
                return Err(Refusal::WalkLimit {
                    root: root.to_path_buf(),
                    why: format!("more than {} entries", opts.max_entries),
                });
            }
            children.push(entry.map_err(|e| io(&dir, e))?.path());
        }
        children.sort();
        let mut subdirs = Vec::new();
        for path in children {
            let Some(meta) = classify(&path, &canonical_root, opts) else {
                continue;
            };
            if meta.is_dir() {
                subdirs.push(path);
            } else if meta.is_file() {
                visit(Entry::File(&path));
            }
        }
        stack.extend(subdirs.into_iter().rev().map(|p| (p, depth + 1)));
    }
    Ok(())
}

/// The metadata the walk acts on, or None for an entry it passes over.
fn classify(path: &Path, canonical_root: &Path, opts: &Walk) -> Option<Metadata> {
    let own = std::fs::symlink_metadata(path).ok()?;
    if !own.file_type().is_symlink() {
        return Some(own);
    }
    if !opts.follow_links {
        return None;
    }
    if opts.confine && !std::fs::canonicalize(path).ok()?.starts_with(canonical_root) {
        return None;
    }
    std::fs::metadata(path).ok()
}

/// The regular files under `root`, sorted, with directories for which `skip` is true left out.
pub fn files(root: &Path, opts: &Walk, skip: &dyn Fn(&Path) -> bool) -> Result<Vec<PathBuf>, Refusal> {
    let mut out = Vec::new();
    walk(root, opts, &mut |e| match e {
        Entry::Dir(d) => !skip(d),
        Entry::File(f) => {
            out.push(f.to_path_buf());
            true
        }
    })?;
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_diamond_of_links_is_walked_once_per_directory() {
        let d = tempfile::tempdir().unwrap();
        // Level i has two links to level i+1: without memory, 2^20 paths.
        for i in 0..20 {
            std::fs::create_dir(d.path().join(format!("l{i}"))).unwrap();
        }
        for i in 0..19 {
            for side in ["a", "b"] {
                symlink(
                    d.path().join(format!("l{}", i + 1)),
                    d.path().join(format!("l{i}/{side}")),
                )
                .unwrap();
            }
        }
        std::fs::write(d.path().join("l19/record.json"), "{}").unwrap();
        let found = files(&d.path().join("l0"), &Walk::following(), &|_| false).unwrap();
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn a_loop_ends_and_depth_is_bounded() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("a")).unwrap();
        symlink(d.path(), d.path().join("a/back")).unwrap();
        std::fs::write(d.path().join("a/x.json"), "{}").unwrap();
        assert_eq!(files(d.path(), &Walk::following(), &|_| false).unwrap().len(), 1);
        let mut deep = d.path().to_path_buf();
        for _ in 0..5 {
            deep.push("d");
            std::fs::create_dir(&deep).unwrap();
        }
        let shallow = Walk {
            max_depth: 3,
            ..Walk::following()
        };
        assert!(matches!(
            files(d.path(), &shallow, &|_| false),
            Err(Refusal::WalkLimit { .. })
        ));
    }

    #[test]
    fn a_confined_walk_does_not_leave_its_root() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("root/in")).unwrap();
        std::fs::create_dir(d.path().join("outside")).unwrap();
        std::fs::write(d.path().join("outside/secret.json"), "{}").unwrap();
        std::fs::write(d.path().join("root/in/ok.json"), "{}").unwrap();
        symlink(d.path().join("outside"), d.path().join("root/out")).unwrap();
        symlink(d.path().join("outside/secret.json"), d.path().join("root/leak.json")).unwrap();
        let root = d.path().join("root");
        let confined = files(&root, &Walk::confined(), &|_| false).unwrap();
        assert_eq!(confined, vec![root.join("in/ok.json")]);
        assert_eq!(files(&root, &Walk::following(), &|_| false).unwrap().len(), 3);
    }
}
