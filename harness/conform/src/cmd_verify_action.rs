//! `trace-conform verify-action-receipt`: verify action-receipt documents (S2 §3.3.3,
//! profile `trace.action_receipt.conformance.v0`) and print the profile's result for each.
//!
//! Owns: reading the documents, text and JSON output, and the exit code (0 every receipt
//! valid, whether the controller accepted or rejected; 1 any invalid, missing or
//! unverified; 2 usage or I/O). Does not own any check (`trace_record::action`).

use crate::cmd_verify::{Output, clean};
use crate::exit::Exit;
use crate::inputs;
use std::fmt::Write as _;
use trace_record::Verdict;
use trace_record::action::{ActionReport, verify_action_receipt};

#[derive(clap::Args)]
pub struct Args {
    /// Documents `{context, action, trusted_issuer_keys, evidence, receipt}`: files,
    /// directories, or - for stdin.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// How results are printed: text for people, json for tools.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

pub fn run(a: Args) -> Exit {
    let reports: Vec<(String, _)> = match inputs::read_all(&a.inputs) {
        Ok(all) => all
            .into_iter()
            .map(|(name, bytes)| (name, verify_action_receipt(&bytes)))
            .collect(),
        Err(e) => {
            eprintln!("trace-conform verify-action-receipt: {e}");
            return Exit::Usage;
        }
    };
    match a.output {
        Output::Text => print!("{}", render_text(&reports)),
        Output::Json => {
            println!("{}", inputs::json_reports(&reports));
        }
    }
    if reports.iter().all(|(_, r)| r.verdict == Verdict::Accept) {
        Exit::Ok
    } else {
        Exit::Failed
    }
}

fn render_text(reports: &[(String, ActionReport)]) -> String {
    let mut out = String::new();
    for (name, r) in reports {
        let _ = writeln!(
            out,
            "{}: {} (controller outcome: {}; failures: [{}]; warnings: [{}])",
            clean(name),
            r.status,
            clean(&r.controller_outcome),
            r.failures.join(", "),
            r.warnings.join(", ")
        );
        inputs::finding_lines(&mut out, &r.findings);
    }
    out
}
