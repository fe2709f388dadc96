//! `trace-conform fixtures check` (capture submissions checked before anything is appraised)
//! and `trace-conform fixtures generate` (the project's synthetic captures written to, or
//! compared with, `fixtures/`).
//!
//! Owns: the file work and exit codes (check: 0 well-formed, 1 problems, 2 usage; generate:
//! 0 written or unchanged, 1 `--check` found a difference, 2 I/O error). Does not own what a
//! capture holds (`trace_synthetic::fixtures`) or any evidence check.

use crate::cmd_replay::captures;
use crate::cmd_verify::clean;
use crate::exit::Exit;
use std::path::{Path, PathBuf};
use trace_hardware::manifest;

#[derive(clap::Subcommand)]
pub enum FixturesCommand {
    /// Check capture submissions: manifest schema, expected verdicts, file digests.
    Check {
        /// Capture directories, or directories to search for them.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
    /// Write the project's synthetic captures (made with its test roots) under DIR.
    Generate {
        /// Compare instead of writing: exit 1 if regenerating would change, add or remove a file.
        #[arg(long)]
        check: bool,
        /// Where the synthetic captures go.
        #[arg(default_value = "fixtures")]
        dir: PathBuf,
    },
}

pub fn fixtures(c: FixturesCommand) -> Exit {
    match c {
        FixturesCommand::Check { dirs } => check(&dirs),
        FixturesCommand::Generate { check, dir } => generate(&dir, check),
    }
}

fn check(dirs: &[PathBuf]) -> Exit {
    let dirs = match captures(dirs) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("trace-conform fixtures check: {}", clean(&e));
            return Exit::Usage;
        }
    };
    let mut problems = 0;
    for d in dirs {
        let found = match manifest::load(&d) {
            Err(e) => vec![e],
            Ok(capture) => capture.problems,
        };
        problems += found.len();
        if found.is_empty() {
            println!("ok   {}", clean(&d.display().to_string()));
        }
        for p in found {
            println!("FAIL {}: {}", clean(&d.display().to_string()), clean(&p));
        }
    }
    Exit::failed_if(problems != 0)
}

/// The files of one synthetic capture directory as they should be, MANIFEST.toml included.
fn expected_files(f: &trace_synthetic::fixtures::Fixture) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = f.files.iter().map(|(n, b)| (n.clone(), b.clone())).collect();
    files.push(("MANIFEST.toml".into(), f.manifest.clone().into_bytes()));
    files
}

fn differences(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for f in trace_synthetic::fixtures::all() {
        let dir = root.join(&f.dir);
        let expected = expected_files(&f);
        for (name, bytes) in &expected {
            match std::fs::read(dir.join(name)) {
                Ok(b) if &b == bytes => {}
                Ok(_) => out.push(format!("{}/{name} differs", f.dir)),
                Err(_) => out.push(format!("{}/{name} is missing", f.dir)),
            }
        }
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !expected.iter().any(|(n, _)| *n == name) {
                out.push(format!("{}/{name} is not generated", f.dir));
            }
        }
    }
    out
}

fn generate(root: &Path, check: bool) -> Exit {
    if check {
        let found = differences(root);
        for d in &found {
            println!("STALE {d}");
        }
        if found.is_empty() {
            println!("{}: the synthetic captures are current", root.display());
            return Exit::Ok;
        }
        println!("run `trace-conform fixtures generate {}` to regenerate", root.display());
        return Exit::Failed;
    }
    for f in trace_synthetic::fixtures::all() {
        let dir = root.join(&f.dir);
        let written = std::fs::remove_dir_all(&dir)
            .or_else(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(e)
                }
            })
            .and_then(|_| std::fs::create_dir_all(&dir))
            .and_then(|_| {
                expected_files(&f)
                    .iter()
                    .try_for_each(|(n, b)| std::fs::write(dir.join(n), b))
            });
        if let Err(e) = written {
            eprintln!("trace-conform fixtures generate: {}: {e}", dir.display());
            return Exit::Usage;
        }
        println!("wrote {}", dir.display());
    }
    Exit::Ok
}
