//! `trace-conform producer`: a producer's records, or its production log, checked against
//! the reference verifier and each case's expectations (trace_runner::producer), written
//! as the same report folder `run` writes for a verifier.
//!
//! Owns: reading the records and the log (from a file, or from a command's standard output
//! under a deadline), the producer's name, and the exit status. Does not own the scoring.

use crate::cmd_run::{finish, label_profile, load_profile, split_command};
use crate::cmd_verify::{Clock, clean, trusted_key};
use crate::exit::{self, Exit};
use crate::inputs;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;
use trace_protocol::Implementation;
use trace_runner::producer::{self, Defaults};
use trace_runner::report;
use trace_runner::run::CaseResult;

#[derive(clap::Args)]
pub struct Args {
    /// Records the producer made: files, directories, globs, JSON Lines. Each must verify.
    pub records: Vec<String>,
    /// A production log (trace-conform/production.v1): what the producer was asked, what it
    /// made or refused, and what each case expects.
    #[arg(long, conflicts_with = "command")]
    pub log: Option<PathBuf>,
    /// A command whose standard output is a production log (a producer driver).
    #[arg(long)]
    pub command: Option<String>,
    /// Seconds the command may run before it and what it started are killed.
    #[arg(long, default_value_t = 600)]
    pub timeout_s: u64,
    /// Read every record input as JSON Lines.
    #[arg(long)]
    pub jsonl: bool,
    /// The level records are verified at, unless a case says otherwise.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub level: u8,
    #[command(flatten)]
    pub clock: Clock,
    /// A key records must be signed with: a JWK, a JWK file or an RFC 7638 thumbprint.
    #[arg(long = "trusted-key")]
    pub trusted_keys: Vec<String>,
    /// Known failures, as for `run` (the ids are the cases').
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// The producer's name, for records given without a log.
    #[arg(long, default_value = "unnamed producer")]
    pub name: String,
    /// The producer's version, for records given without a log.
    #[arg(long = "producer-version", default_value = "unknown")]
    pub producer_version: String,
    /// Where the report is written (summary.md, summary.json, junit.xml, index.html, cases/).
    #[arg(long)]
    pub out: PathBuf,
}

/// The most of a production log read, from a file or a command's output.
const LOG_LIMIT: u64 = 64 * 1024 * 1024;

fn usage(e: impl std::fmt::Display) -> Exit {
    exit::fail("producer", Exit::Usage, e)
}

/// A --trusted-key as a vector context holds it: the JWK object, or the thumbprint.
fn key_value(text: &str) -> Result<Value, String> {
    trusted_key(text)?;
    if text.len() == 43 && !text.trim_start().starts_with('{') && !std::path::Path::new(text).is_file() {
        return Ok(Value::String(text.to_string()));
    }
    let bytes = if text.trim_start().starts_with('{') {
        text.as_bytes().to_vec()
    } else {
        inputs::read(text)?
    };
    serde_json::from_slice(&bytes).map_err(|e| format!("--trusted-key: {e}"))
}

/// One line of the log as JSON: UTF-8, and no duplicate member or other input the reference
/// parser refuses (depth, huge numbers) before serde reads it.
fn json_line(line: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(line).map_err(|_| "not UTF-8".to_string())?;
    trace_record::json::parse(text.as_bytes()).map_err(|e| e.to_string())?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The log's lines scored: the producer its header names, and its cases.
fn from_log(bytes: &[u8], d: &Defaults) -> Result<(Implementation, Vec<CaseResult>), String> {
    let mut lines = bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace));
    let (_, first) = lines.next().ok_or("the production log is empty")?;
    let who = producer::header(&json_line(first).map_err(|e| format!("line 1: {e}"))?)?;
    let mut cases = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, line) in lines {
        let n = i + 1;
        let result = match json_line(line).map_err(|e| (None, e)).and_then(|v| producer::case(&v)) {
            Ok(case) if producer::is_generated_id(&case.id) => producer::unusable(
                None,
                n,
                "ids under producer::log:: and producer::records:: are the command's own",
            ),
            Ok(case) if !seen.insert(case.id.clone()) => producer::unusable(
                None,
                n,
                &format!("case {} appears twice", trace_untrusted::escape::quoted(&case.id)),
            ),
            Ok(case) => producer::score(&case, d),
            // An id read from an unusable line is taken: a later line may not reuse it.
            Err((Some(id), why)) if !producer::is_generated_id(&id) && seen.insert(id.clone()) => {
                producer::unusable(Some(id), n, &why)
            }
            Err((_, why)) => producer::unusable(None, n, &why),
        };
        cases.push(result);
    }
    Ok((who, cases))
}

/// The driver's production log, or why there is none (it could not start: exit 3).
/// `complete` turns false when it failed, was killed or wrote too much.
fn from_command(a: &Args, argv: &[String], complete: &mut bool) -> Result<Vec<u8>, String> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let deadline = Duration::from_secs(a.timeout_s);
    let f = trace_runner::command::run_to_end(argv, &cwd, deadline, LOG_LIMIT as usize).map_err(|e| e.to_string())?;
    if !f.success || f.truncated {
        *complete = false;
        let how = if f.timed_out {
            format!("ran past {} s and was killed", a.timeout_s)
        } else if f.held_open {
            "left a process holding its output open past the deadline".to_string()
        } else {
            format!("ended with {}", f.status)
        };
        eprintln!(
            "trace-conform producer: the command {how}{}; the cases it finished are scored. The end of its stderr:\n{}",
            if f.truncated {
                " and wrote more than the limit"
            } else {
                ""
            },
            clean(&trace_untrusted::escape::excerpt(&f.stderr, 2000))
        );
    }
    Ok(f.stdout)
}

pub fn run(a: Args) -> Exit {
    let defaults = match a.clock.time().and_then(|now| {
        Ok(Defaults {
            level: a.level,
            verification_time: now,
            max_age: a.clock.max_age,
            skew: a.clock.skew,
            trusted_keys: a.trusted_keys.iter().map(|k| key_value(k)).collect::<Result<_, _>>()?,
        })
    }) {
        Ok(d) => d,
        Err(e) => return usage(e),
    };
    let profile = match load_profile(a.profile.as_deref()) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    if a.log.is_none() && a.command.is_none() && a.records.is_empty() {
        return usage("nothing to check: give records, --log or --command");
    }
    let names = match (!a.records.is_empty()).then(|| inputs::expand(&a.records)).transpose() {
        Ok(n) => n.unwrap_or_default(),
        Err(e) => return usage(e),
    };
    let mut who = Implementation {
        name: a.name.clone(),
        version: a.producer_version.clone(),
        ..Implementation::default()
    };
    let (mut cases, mut complete, mut argv) = (Vec::new(), true, Vec::new());
    let log = match (&a.log, &a.command) {
        (Some(path), _) => match trace_untrusted::read::read_regular(path, LOG_LIMIT) {
            Ok(b) => Some(b),
            Err(e) => return usage(String::from(e)),
        },
        (None, Some(cmd)) => {
            argv = match split_command(cmd) {
                Ok(v) => v,
                Err(e) => return usage(e),
            };
            match from_command(&a, &argv, &mut complete) {
                Ok(out) => Some(out),
                Err(e) => {
                    eprintln!("trace-conform producer: {}", clean(&e));
                    complete = false;
                    None
                }
            }
        }
        (None, None) => None,
    };
    if let Some(bytes) = log {
        match from_log(&bytes, &defaults) {
            Ok((named, scored)) => (who, cases) = (named, scored),
            // A driver that failed before its header, or wrote no log, still gets its
            // (empty, incomplete) report: the driver is at fault, not the command line.
            Err(e) if !complete || a.log.is_none() => {
                complete = false;
                eprintln!("trace-conform producer: the production log: {}", clean(&e));
            }
            Err(e) => return usage(format!("the production log: {e}")),
        }
    }
    for name in names {
        match inputs::records(&name, a.jsonl) {
            Ok(records) => {
                for (label, bytes) in &records {
                    let id = format!("producer::records::record-{}", cases.len() + 1);
                    cases.push(producer::score(&producer::record_case(&id, label, bytes), &defaults));
                }
            }
            Err(e) => return usage(e),
        }
    }
    if cases.is_empty() && complete {
        return usage("nothing was checked: the log has no case and no record was given");
    }
    producer::apply_profile(&mut cases, &profile);
    let mut result = producer::run_result(who, argv, cases, complete);
    result.profile_written_for = label_profile(&profile, &result);
    if let Err(e) = report::write_all(&a.out, &result, trace_vector_format::SUITE_VERSION) {
        return usage(e);
    }
    let exit = finish(&result, &a.out, None, None);
    if complete { exit } else { Exit::Adapter }
}
