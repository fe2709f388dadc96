//! `trace-conform verify-provenance-depth`: verify `build_provenance` at an attempted depth
//! (S2 §3.3.1, profile `trace.build_provenance.depth.v0`) and print the verified depth.
//!
//! Owns: reading the documents, choosing the depth (`--depth`, else the document's
//! `attempted_depth`), output, and the exit code (0 no contradicting evidence; 1 any
//! rejected; 2 usage or I/O). Does not own any check (`trace_record::provenance`).

use crate::cmd_verify::{Output, clean};
use crate::exit::Exit;
use crate::inputs;
use std::fmt::Write as _;
use trace_record::Verdict;
use trace_record::json::{self, Value};
use trace_record::provenance::{Depth, DepthReport, verify_depth, verify_depth_document};

#[derive(clap::Args)]
pub struct Args {
    /// Documents `{build_provenance, context[, attempted_depth]}`: files, directories, or -.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// The depth to attempt, instead of the document's attempted_depth.
    #[arg(long, value_parser = ["surface", "builder", "transitive"])]
    pub depth: Option<String>,
    /// How results are printed: text for people, json for tools.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

fn verify_one(bytes: &[u8], depth: Option<Depth>) -> DepthReport {
    match (depth, json::parse(bytes)) {
        (Some(d), Ok(Value::Object(doc))) => verify_depth(&doc, d),
        _ => verify_depth_document(bytes),
    }
}

pub fn run(a: Args) -> Exit {
    let depth = a
        .depth
        .as_deref()
        .map(|d| Depth::parse(d).expect("clap checks the value"));
    let reports: Vec<(String, _)> = match inputs::read_all(&a.inputs) {
        Ok(all) => all
            .into_iter()
            .map(|(name, bytes)| (name, verify_one(&bytes, depth)))
            .collect(),
        Err(e) => {
            eprintln!("trace-conform verify-provenance-depth: {e}");
            return Exit::Usage;
        }
    };
    match a.output {
        Output::Json => {
            println!("{}", inputs::json_reports(&reports));
        }
        Output::Text => {
            let mut out = String::new();
            for (name, r) in &reports {
                let d = |d: Option<Depth>| d.map_or("none", Depth::name);
                let _ = writeln!(
                    out,
                    "{}: {} at {} (verified depth: {}; failures: [{}]; unresolved: [{}])",
                    clean(name),
                    if r.verdict == Verdict::Accept {
                        "ACCEPT"
                    } else {
                        "REJECT"
                    },
                    d(r.attempted),
                    d(r.verified_depth),
                    r.failures.join(", "),
                    r.unresolved.join(", ")
                );
                inputs::finding_lines(&mut out, &r.findings);
            }
            print!("{out}");
        }
    }
    if reports.iter().all(|(_, r)| r.verdict == Verdict::Accept) {
        Exit::Ok
    } else {
        Exit::Failed
    }
}
