//! `trace-conform replay`: captured TEE evidence replayed offline at its pinned time.
//!
//! Owns: finding captures under the arguments, text and JSON output, and exit codes (0 every
//! case gives its manifest's expected verdict, 1 otherwise, 2 usage). Does not own any
//! evidence check (`trace_hardware`), nor `--record` (`cmd_replay_record`).

use crate::cmd_verify::{Output, clean};
use crate::exit::Exit;
use std::fmt::Write as _;
use std::path::PathBuf;
use trace_hardware::replay;

#[derive(clap::Args)]
pub struct ReplayArgs {
    /// Capture directories, or directories to search for them.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Verification time instead of each capture's pinned one: Unix seconds or RFC 3339.
    #[arg(long)]
    pub at: Option<String>,
    /// Only captures of this platform (repeatable).
    #[arg(long = "platform")]
    pub platforms: Vec<String>,
    /// Hold this Trust Record against each capture's evidence (the Level 1 binding rules)
    /// instead of checking the captures' expected verdicts.
    #[arg(long)]
    pub record: Option<PathBuf>,
    /// How results are printed: text for people, json for tools.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

pub(crate) fn captures(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for d in dirs {
        if !d.is_dir() {
            return Err(format!("{}: not a directory", d.display()));
        }
        out.extend(replay::find_captures(d)?);
    }
    if out.is_empty() {
        return Err("no capture (a directory with a trace-hwcapture/1 MANIFEST.toml) found".into());
    }
    Ok(out)
}

pub fn replay_cmd(a: ReplayArgs) -> Exit {
    let at = match a.at.as_deref().map(trace_record::time::parse_time).transpose() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("trace-conform replay: --at {e}");
            return Exit::Usage;
        }
    };
    let dirs = match captures(&a.dirs) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("trace-conform replay: {}", clean(&e));
            return Exit::Usage;
        }
    };
    if let Some(record) = &a.record {
        return crate::cmd_replay_record::bind_record(record, &dirs, at, a.output);
    }
    let mut results = Vec::new();
    let mut unreadable = Vec::new();
    for d in dirs {
        match replay::replay(&d, at) {
            Ok(r) if a.platforms.is_empty() || r.cases.iter().any(|c| a.platforms.contains(&c.platform)) => {
                results.push(r)
            }
            Ok(_) => {}
            Err(e) => unreadable.push(e),
        }
    }
    let ok = |r: &replay::Replay| r.file_problems.is_empty() && r.cases.iter().all(|c| c.as_expected());
    let all_ok = unreadable.is_empty() && results.iter().all(ok);
    match a.output {
        Output::Json => {
            let doc = serde_json::json!({"as_expected": all_ok, "unreadable": unreadable, "captures": results});
            println!("{}", serde_json::to_string_pretty(&doc).expect("json"));
        }
        Output::Text => {
            let mut out = String::new();
            for e in &unreadable {
                let _ = writeln!(out, "UNREADABLE {}", clean(e));
            }
            for r in &results {
                for p in &r.file_problems {
                    let _ = writeln!(out, "FILES {}: {}", clean(&r.dir.display().to_string()), clean(p));
                }
                for c in &r.cases {
                    let name = match &c.variant {
                        Some(v) => format!("{} [{v}]", c.capture),
                        None => c.capture.clone(),
                    };
                    let _ = writeln!(
                        out,
                        "{} {}: {} at {} (expected {})",
                        if c.as_expected() && r.file_problems.is_empty() {
                            "ok  "
                        } else {
                            "FAIL"
                        },
                        clean(&name),
                        c.appraisal.verdict.name(),
                        c.at,
                        c.expected.name()
                    );
                    for k in c.appraisal.checks.iter().filter(|k| !k.passed) {
                        let _ = writeln!(out, "     {} failed: {}", k.name, clean(&k.detail));
                    }
                }
            }
            let cases: usize = results.iter().map(|r| r.cases.len()).sum();
            let good: usize = results
                .iter()
                .map(|r| r.cases.iter().filter(|c| c.as_expected()).count())
                .sum();
            let _ = writeln!(
                out,
                "{good} of {cases} case(s) as expected in {} capture(s)",
                results.len()
            );
            print!("{out}");
        }
    }
    Exit::failed_if(!all_ok)
}
