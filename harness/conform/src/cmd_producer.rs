//! `trace-conform producer`: a producer's records, or its production log, checked against
//! the reference verifier and each case's expectations (trace_runner::producer), written
//! as the same report folder `run` writes for a verifier.
//!
//! Owns: reading the records and the log (from a file, or from a command's standard output
//! under a deadline), the producer's name, and the exit status. Does not own the scoring.

use crate::cmd_run::{finish, load_profile, split_command};
use crate::cmd_verify::{Clock, clean, trusted_key};
use crate::exit::{self, Exit};
use crate::inputs;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;
use trace_protocol::Implementation;
use trace_runner::producer::{self, Defaults};
use trace_runner::report;

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
    /// The producer's name and version, for records given without a log.
    #[arg(long, default_value = "unnamed producer")]
    pub name: String,
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

/// The log's lines scored: the producer it names, its cases, and whether it was whole.
fn from_log(bytes: &[u8], d: &Defaults) -> Result<(Implementation, Vec<trace_runner::run::CaseResult>), String> {
    let mut lines = bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace));
    let (_, first) = lines.next().ok_or("the production log is empty")?;
    let head: Value = serde_json::from_slice(first).map_err(|e| format!("line 1: {e}"))?;
    let who = producer::header(&head)?;
    let mut cases = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, line) in lines {
        let n = i + 1;
        let parsed: Result<Value, String> = std::str::from_utf8(line)
            .map_err(|_| "not UTF-8".to_string())
            .and_then(|t| {
                trace_record::json::parse(t.as_bytes())
                    .map_err(|e| e.to_string())
                    .map(|_| t)
            })
            .and_then(|t| serde_json::from_str(t).map_err(|e| e.to_string()));
        let result = match parsed.map_err(|e| (None, e)).and_then(|v| producer::case(&v)) {
            Ok(case) if !seen.insert(case.id.clone()) => producer::unusable(
                None,
                n,
                &format!("case {} appears twice", trace_untrusted::escape::quoted(&case.id)),
            ),
            Ok(case) => producer::score(&case, d),
            Err((id, why)) => producer::unusable(id, n, &why),
        };
        cases.push(result);
    }
    Ok((who, cases))
}

pub fn run(a: Args) -> Exit {
    let defaults = match a.clock.time().and_then(|now| {
        Ok(Defaults {
            level: a.level,
            verification_time: now,
            max_age: a.clock.max_age,
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
    let mut who = Implementation {
        name: a.name.clone(),
        version: a.producer_version.clone(),
        ..Implementation::default()
    };
    let mut cases = Vec::new();
    let mut complete = true;
    let mut argv = Vec::new();
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
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            let limit = LOG_LIMIT as usize;
            match trace_runner::command::run_to_end(&argv, &cwd, Duration::from_secs(a.timeout_s), limit) {
                Ok(f) => {
                    if !f.success || f.truncated {
                        complete = false;
                        eprintln!(
                            "trace-conform producer: the command {}{}; the cases it finished are scored. Its last output on stderr:\n{}",
                            if f.timed_out {
                                format!("ran past {} s and was killed", a.timeout_s)
                            } else {
                                format!("ended with {}", f.status)
                            },
                            if f.truncated {
                                " and wrote more than the limit"
                            } else {
                                ""
                            },
                            clean(trace_untrusted::escape::excerpt(&f.stderr, 2000).as_str())
                        );
                    }
                    Some(f.stdout)
                }
                Err(e) => {
                    eprintln!("trace-conform producer: {}", clean(&e.to_string()));
                    return Exit::Adapter;
                }
            }
        }
        (None, None) => None,
    };
    if let Some(bytes) = log {
        match from_log(&bytes, &defaults) {
            Ok((named, scored)) => {
                who = named;
                cases = scored;
            }
            Err(e) => return usage(format!("the production log: {e}")),
        }
    }
    let names = match (!a.records.is_empty()).then(|| inputs::expand(&a.records)).transpose() {
        Ok(n) => n,
        Err(e) => return usage(e),
    };
    for name in names.into_iter().flatten() {
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
    producer::apply_profile(&mut cases, &profile);
    let result = producer::run_result(who, argv, cases, complete);
    if let Err(e) = report::write_all(&a.out, &result, trace_vector_format::SUITE_VERSION) {
        return usage(e);
    }
    let exit = finish(&result, &a.out, None, None);
    if !complete { Exit::Adapter } else { exit }
}
