//! `trace-conform diff A B`: compares two runs' summary.json by vector id.
//! Exit 0 when nothing got worse from A to B, 1 when something did, 2 on bad input.

use crate::cmd_verify::clean;
use crate::exit::Exit;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The earlier run's summary.json.
    pub before: PathBuf,
    /// The later run's summary.json.
    pub after: PathBuf,
}

/// Outcomes that fail a run (see trace_runner::outcome::Outcome::is_unexpected).
pub fn is_bad(outcome: &str) -> bool {
    !matches!(outcome, "pass" | "xfail" | "not_claimed" | "skipped" | "not_run")
}

pub fn load_outcomes(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let bytes = trace_untrusted::read::read_regular(path, crate::inputs::MAX_INPUT_BYTES)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    if v.get("schema").and_then(|s| s.as_str()) != Some(trace_runner::report::SUMMARY_SCHEMA) {
        return Err(format!(
            "{}: not a {} file",
            path.display(),
            trace_runner::report::SUMMARY_SCHEMA
        ));
    }
    Ok(v["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some((r["id"].as_str()?.to_string(), r["outcome"].as_str()?.to_string())))
        .collect())
}

pub fn run(a: Args) -> Exit {
    let (before, after) = match (load_outcomes(&a.before), load_outcomes(&a.after)) {
        (Ok(b), Ok(c)) => (b, c),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("trace-conform diff: {}", clean(&e));
            return Exit::Usage;
        }
    };
    let mut worse = 0;
    for (id, new) in &after {
        match before.get(id) {
            Some(old) if old == new => {}
            Some(old) => {
                let mark = if is_bad(new) && !is_bad(old) {
                    worse += 1;
                    "worse"
                } else if !is_bad(new) && is_bad(old) {
                    "better"
                } else {
                    "changed"
                };
                println!("{mark:7} {}: {} -> {}", clean(id), clean(old), clean(new));
            }
            None => println!("added   {}: {}", clean(id), clean(new)),
        }
    }
    for id in before.keys().filter(|id| !after.contains_key(*id)) {
        println!("removed {}", clean(id));
    }
    println!("{worse} vector(s) got worse");
    Exit::failed_if(worse != 0)
}
