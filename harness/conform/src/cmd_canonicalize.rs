//! `trace-conform canonicalize`: RFC 8785 bytes of one JSON document on stdout.
//!
//! Exit 0 with the bytes; 1 with a finding on stderr when the input has no canonical form
//! (any strict-JSON refusal); 2 for usage or I/O errors.

use crate::exit::Exit;
use crate::inputs;
use std::io::Write;
use trace_record::{envelope, jcs, json};

#[derive(clap::Args)]
pub struct Args {
    /// A JSON file, or - for stdin.
    pub input: String,
}

pub fn run(a: Args) -> Exit {
    let bytes = match inputs::read(&a.input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("trace-conform canonicalize: {e}");
            return Exit::Usage;
        }
    };
    match json::parse(&bytes) {
        Ok(value) => match std::io::stdout().lock().write_all(&jcs::canonicalize(&value)) {
            Ok(()) => Exit::Ok,
            Err(e) => {
                eprintln!("trace-conform canonicalize: {e}");
                Exit::Usage
            }
        },
        Err(e) => {
            let f = envelope::parse_finding(&e, "");
            let at = if f.pointer.is_empty() {
                "(record)".to_string()
            } else {
                f.pointer.clone()
            };
            eprintln!(
                "{}: no canonical form: {} {} at {} [{}]: {}",
                a.input, f.rule, f.class, at, f.section, f.message
            );
            Exit::Failed
        }
    }
}
