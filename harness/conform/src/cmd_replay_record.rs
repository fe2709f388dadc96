//! `trace-conform replay DIR... --record RECORD`: one Trust Record held against each capture's
//! evidence with the Level 1 binding rules (TR-RTE-006, TR-RTE-008 to TR-RTE-011) at the
//! capture's pinned time (or `--at`): verified evidence, the same platform and measurement,
//! the record's `cnf` key in the report data, no debug TEE.
//!
//! Owns: reading the record and the captures for it, the output and exit codes (0 the record
//! is bound to every capture given, 1 not, 2 usage). Does not own the rules
//! (`trace_record::evidence`) or the appraisal (`trace_hardware`).

use crate::cmd_verify::{Output, clean};
use crate::exit::Exit;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use trace_record::json::{Object, Value};

/// The record's claims, from any form (its signature is `trace-conform verify`'s business).
fn claims(path: &Path) -> Result<Object, String> {
    let bytes = trace_untrusted::read::read_regular(path, crate::inputs::MAX_INPUT_BYTES)?;
    let form = trace_record::envelope::sniff(&bytes);
    match trace_record::envelope::decode(&bytes, form) {
        Ok(d) => match d.record {
            Value::Object(o) => Ok(o),
            _ => Err(format!("{}: the record is not a JSON object", path.display())),
        },
        Err(findings) => Err(format!(
            "{}: not a Trust Record: {}",
            path.display(),
            findings.first().map(|f| f.message.clone()).unwrap_or_default()
        )),
    }
}

/// One capture's binding result.
#[derive(serde::Serialize)]
struct Binding {
    capture: String,
    platform: String,
    at: i64,
    /// The pin the capture's manifest names (its own choice: a vendor root, or a test root).
    pin: Option<String>,
    bound: bool,
    findings: Vec<serde_json::Value>,
}

fn bind_one(record: &Object, dir: &Path, at: Option<i64>) -> Result<Binding, String> {
    let trace_hardware::manifest::Capture {
        manifest: m,
        files,
        problems,
    } = trace_hardware::manifest::load(dir)?;
    if !problems.is_empty() {
        return Err(format!("{}: {}", dir.display(), problems.join("; ")));
    }
    let at = at.unwrap_or(m.verify.verification_time_unix);
    // The TRACE platform of what is appraised (never the manifest's free-text label, which
    // could claim a platform whose evidence states no debug state).
    let platform = trace_hardware::platforms::lookup(&m.platform)
        .and_then(|p| p.trace_platform)
        .map_or_else(|| m.platform.clone(), |p| p.name().to_string());
    let facts =
        trace_hardware::input::capture_files_facts(&m.platform, &platform, &files, at, m.verify.root_sha256.as_deref());
    let findings = trace_record::evidence::bind(record, &facts);
    Ok(Binding {
        capture: m.name.clone(),
        platform,
        at,
        pin: m.verify.root_sha256.clone(),
        bound: findings.is_empty(),
        findings: findings
            .iter()
            .map(|f| serde_json::json!({"rule": f.rule, "class": f.class, "pointer": f.pointer, "message": f.message}))
            .collect(),
    })
}

/// Binds the record at `record` to every capture under `dirs`.
pub fn bind_record(record: &Path, dirs: &[PathBuf], at: Option<i64>, output: Output) -> Exit {
    let record = match claims(record) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("trace-conform replay: --record {}", clean(&e));
            return Exit::Usage;
        }
    };
    let mut results = Vec::new();
    let mut unreadable = Vec::new();
    for d in dirs {
        match bind_one(&record, d, at) {
            Ok(b) => results.push(b),
            Err(e) => unreadable.push(e),
        }
    }
    let all_bound = unreadable.is_empty() && results.iter().all(|b| b.bound);
    match output {
        Output::Json => {
            let doc = serde_json::json!({"bound": all_bound, "unreadable": unreadable, "captures": results});
            println!("{}", serde_json::to_string_pretty(&doc).expect("json"));
        }
        Output::Text => {
            let mut out = String::new();
            for e in &unreadable {
                let _ = writeln!(out, "UNREADABLE {}", clean(e));
            }
            for b in &results {
                let verdict = if b.bound { "bound  " } else { "UNBOUND" };
                let pin = match &b.pin {
                    Some(p) => format!("pinned root {}", clean(p)),
                    None => "vendor roots".to_string(),
                };
                let _ = writeln!(
                    out,
                    "{verdict} {} ({}) at {}, {pin}",
                    clean(&b.capture),
                    b.platform,
                    b.at
                );
                for f in &b.findings {
                    let _ = writeln!(
                        out,
                        "        {} {}: {}",
                        f["rule"].as_str().unwrap_or_default(),
                        f["class"].as_str().unwrap_or_default(),
                        clean(f["message"].as_str().unwrap_or_default())
                    );
                }
            }
            let bound = results.iter().filter(|b| b.bound).count();
            let _ = writeln!(out, "the record is bound to {bound} of {} capture(s)", results.len());
            print!("{out}");
        }
    }
    Exit::failed_if(!all_bound)
}
