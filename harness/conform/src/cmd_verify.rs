//! `trace-conform verify`: verify many inputs in parallel and print one report each.
//!
//! Owns: option parsing into `VerifyOptions`, parallel verification, text and JSON output,
//! and the exit code (0 all accepted at the level, 1 any not accepted, 2 usage or I/O).

use crate::exit::Exit;
use crate::inputs;
use clap::ValueEnum;
use rayon::prelude::*;
use std::fmt::Write as _;
use trace_record::time;
use trace_record::{
    Form, FormChoice, Level, Profile, PublicKey, Report, Status, TrustedKey, Verdict, VerifyOptions, json,
};

#[derive(clap::Args)]
pub struct Args {
    /// Files, directories (walked recursively), glob patterns (`'records/**/*.json'`), JSON
    /// Lines streams (`.jsonl`, `.ndjson`: one record per line) or - for standard input.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Read every input (standard input included) as JSON Lines: one record per line.
    #[arg(long)]
    pub jsonl: bool,
    /// Trust level to verify at.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub level: u8,
    #[command(flatten)]
    pub clock: Clock,
    /// Challenge nonce that runtime.nonce must echo.
    #[arg(long)]
    pub nonce: Option<String>,
    /// Trusted key: a JWK (inline JSON or a file) or an RFC 7638 thumbprint. Repeatable.
    #[arg(long = "trusted-key")]
    pub trusted_keys: Vec<String>,
    /// Envelope form to expect (auto: whatever the input is).
    #[arg(long, value_enum, default_value_t = FormArg::Auto)]
    pub format: FormArg,
    /// Record profile.
    #[arg(long, value_enum, default_value_t = ProfileArg::V02)]
    pub profile: ProfileArg,
    /// Trust cnf.jwk itself when no --trusted-key is given (proves only self-consistency).
    #[arg(long)]
    pub allow_embedded_key: bool,
    /// Add the stricter rules of the agentrust-trace 0.11.0 schema.
    #[arg(long)]
    pub strict: bool,
    /// cMCP RuntimeClaims only: the canonical form their signature is checked over (jcs, as
    /// S2 §3.2.2 requires, or pyjson, the sorted-ASCII JSON cmcp-runtime signs).
    #[arg(long, default_value = "jcs", value_parser = ["jcs", "pyjson"])]
    pub cmcp_canonicalization: String,
    /// How results are printed: text for people, json for tools.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormArg {
    /// Whatever form the input is.
    Auto,
    /// JSON with the signature embedded (accepted as `json` too).
    #[value(alias = "json")]
    Embedded,
    /// A JWS compact serialization.
    Jws,
    /// A COSE_Sign1 message.
    Cose,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ProfileArg {
    #[value(name = "v0.2")]
    V02,
    #[value(name = "v0.1")]
    V01,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Text,
    Json,
}

pub fn trusted_key(text: &str) -> Result<TrustedKey, String> {
    let jwk_text = if text.trim_start().starts_with('{') {
        text.as_bytes().to_vec()
    } else if std::path::Path::new(text).is_file() {
        inputs::read(text)?
    } else if text.len() == 43 && trace_record::b64::decode(text).is_ok() {
        return Ok(TrustedKey::Thumbprint(text.to_string()));
    } else {
        return Err(format!(
            "--trusted-key {text:?} is not a JWK, a JWK file or a thumbprint"
        ));
    };
    let value = json::parse(&jwk_text).map_err(|e| format!("--trusted-key: {e}"))?;
    PublicKey::from_jwk(&value)
        .map(TrustedKey::Jwk)
        .map_err(|e| format!("--trusted-key: {e}"))
}

/// When a record (for `verify-chain`, the claim) is verified, and how old or early it may
/// be: the options `verify` and `verify-chain` share.
#[derive(clap::Args)]
pub struct Clock {
    /// Verification time: Unix seconds or RFC 3339 (default: the system clock).
    #[arg(long)]
    pub now: Option<String>,
    /// Maximum age of the record (verify-chain: the claim) in seconds.
    #[arg(long, default_value_t = VerifyOptions::DEFAULT_MAX_AGE)]
    pub max_age: i64,
    /// Allowed future skew of its iat in seconds.
    #[arg(long, default_value_t = VerifyOptions::DEFAULT_SKEW)]
    pub skew: i64,
}

impl Clock {
    /// The verification time, with the age and skew checked.
    pub fn time(&self) -> Result<i64, String> {
        verification_time(self.now.as_deref(), self.max_age, self.skew)
    }
}

/// `--now` (Unix seconds or RFC 3339; default the system clock), with `--max-age` and
/// `--skew` checked not to be negative.
pub fn verification_time(now: Option<&str>, max_age: i64, skew: i64) -> Result<i64, String> {
    if max_age < 0 || skew < 0 {
        return Err("--max-age and --skew must not be negative".into());
    }
    match now {
        Some(t) => time::parse_time(t),
        None => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs() as i64),
    }
}

pub fn options(a: &Args) -> Result<VerifyOptions, String> {
    let now = a.clock.time()?;
    let mut o = VerifyOptions::at(now);
    o.level = Level::from_number(a.level).expect("clap range");
    o.max_age = a.clock.max_age;
    o.skew = a.clock.skew;
    o.nonce = a.nonce.clone();
    o.trusted_keys = a
        .trusted_keys
        .iter()
        .map(|k| trusted_key(k))
        .collect::<Result<_, _>>()?;
    o.form = match a.format {
        FormArg::Auto => FormChoice::Auto,
        FormArg::Embedded => FormChoice::Only(Form::Embedded),
        FormArg::Jws => FormChoice::Only(Form::Jws),
        FormArg::Cose => FormChoice::Only(Form::Cose),
    };
    o.profile = match a.profile {
        ProfileArg::V02 => Profile::V02,
        ProfileArg::V01 => Profile::V01,
    };
    o.strict = a.strict;
    o.allow_embedded_key = a.allow_embedded_key;
    o.cmcp_canonicalization =
        trace_record::cmcp::CmcpCanonicalization::parse(&a.cmcp_canonicalization).expect("clap checks the value");
    Ok(o)
}

/// Records verified together on every core: enough to keep every core busy, few enough
/// that memory stays flat however long the input is (at most three chunks are held: one
/// read and handed over, one being verified, one being written). A chunk also closes once its records hold
/// [`CHUNK_BYTES`], so large records cannot multiply.
const CHUNK: usize = 1024;
const CHUNK_BYTES: usize = 64 * 1024 * 1024;

type Chunk = Vec<(String, Vec<u8>)>;

/// One record as the output shows it: its entry, rendered on the verifying core, and
/// whether it was accepted.
struct Verified {
    accepted: bool,
    entry: String,
}

/// Verifies in three overlapping stages, so no core waits on I/O: this thread reads chunks
/// of records, a verifier verifies each chunk on every core (rendering each record's entry
/// there too), and a writer writes the entries in input order. The stages hand chunks over
/// without a queue between them; a writer that stops (a failed write) stops the others.
pub fn run(a: Args) -> Exit {
    let prepared = options(&a).and_then(|o| Ok((o, inputs::expand(&a.inputs)?)));
    let (opts, names) = match prepared {
        Ok(p) => p,
        Err(e) => {
            eprintln!("trace-conform verify: {}", clean(&e));
            return Exit::Usage;
        }
    };
    let output = a.output;
    let mut records = inputs::Records::new(names, a.jsonl);
    let mut io_error = false;
    let (to_verifier, chunks) = std::sync::mpsc::sync_channel::<Chunk>(0);
    let (to_writer, verified) = std::sync::mpsc::sync_channel::<Vec<Verified>>(0);
    let written = std::thread::scope(|scope| {
        let opts = &opts;
        let verifier = scope.spawn(move || {
            for chunk in chunks {
                let done: Vec<Verified> = chunk
                    .into_par_iter()
                    .map(|(name, bytes)| {
                        let report = trace_record::verify(&bytes, opts);
                        Verified {
                            accepted: report.verdict == Verdict::Accept,
                            entry: entry(output, &name, &report),
                        }
                    })
                    .collect();
                if to_writer.send(done).is_err() {
                    return;
                }
            }
        });
        let writer = scope.spawn(move || {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let mut sink = Sink::new(output);
            for chunk in verified {
                sink.write(&mut out, &chunk)?;
            }
            sink.finish(&mut out)?;
            Ok::<Sink, std::io::Error>(sink)
        });
        let mut sent = 0;
        loop {
            let (chunk, exhausted) = next_chunk(&mut records, &mut io_error);
            let n = chunk.len();
            if n > 0 && to_verifier.send(chunk).is_err() {
                break;
            }
            sent += n;
            if exhausted {
                break;
            }
        }
        drop(to_verifier);
        let verified = verifier.join().is_ok();
        (verified, sent, writer.join())
    });
    match written {
        (_, _, Ok(Err(e))) => {
            eprintln!("trace-conform verify: writing the report: {e}");
            Exit::Usage
        }
        // Every record read must have been verified and written: never a short report
        // that looks complete.
        (verified, sent, Ok(Ok(sink))) if verified && sink.inputs == sent => {
            if io_error {
                Exit::Usage
            } else {
                Exit::failed_if(!sink.all_accepted())
            }
        }
        (_, sent, written) => {
            let got = written.ok().and_then(Result::ok).map_or(0, |s| s.inputs);
            eprintln!(
                "trace-conform verify: only {got} of {sent} records were verified and written; the report is incomplete"
            );
            Exit::Usage
        }
    }
}

/// The next chunk of records in input order, and whether the input is exhausted; read
/// errors are reported as they come.
fn next_chunk(records: &mut inputs::Records, io_error: &mut bool) -> (Chunk, bool) {
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut bytes = 0;
    for r in records.by_ref() {
        match r {
            Ok(record) => {
                bytes += record.1.len();
                chunk.push(record);
            }
            Err(e) => {
                eprintln!("trace-conform verify: {}", clean(&e));
                *io_error = true;
            }
        }
        if chunk.len() == CHUNK || bytes >= CHUNK_BYTES {
            return (chunk, false);
        }
    }
    (chunk, true)
}

/// One record's entry: its text block, or its JSON object indented as a member of
/// `results`.
fn entry(output: Output, name: &str, report: &Report) -> String {
    match output {
        Output::Text => render_text(&[(name, report)]),
        Output::Json => crate::verify_json::entry(name, report),
    }
}

/// Output written as results come: text blocks, or one JSON document whose counts follow
/// its results (they are known only at the end).
struct Sink {
    output: Output,
    inputs: usize,
    accepted: usize,
}

impl Sink {
    fn new(output: Output) -> Sink {
        Sink {
            output,
            inputs: 0,
            accepted: 0,
        }
    }

    fn all_accepted(&self) -> bool {
        self.accepted == self.inputs
    }

    fn write(&mut self, out: &mut impl std::io::Write, chunk: &[Verified]) -> std::io::Result<()> {
        match self.output {
            Output::Text => {
                for v in chunk {
                    out.write_all(v.entry.as_bytes())?;
                }
            }
            Output::Json => {
                if self.inputs == 0 && !chunk.is_empty() {
                    out.write_all(b"{\n  \"results\": [\n")?;
                }
                for (i, v) in chunk.iter().enumerate() {
                    if self.inputs + i > 0 {
                        out.write_all(b",\n")?;
                    }
                    out.write_all(v.entry.as_bytes())?;
                }
            }
        }
        self.inputs += chunk.len();
        self.accepted += chunk.iter().filter(|v| v.accepted).count();
        Ok(())
    }

    fn finish(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        if self.output == Output::Json {
            if self.inputs == 0 {
                out.write_all(b"{\n  \"results\": [],\n")?;
            } else {
                out.write_all(b"\n  ],\n")?;
            }
            writeln!(
                out,
                "  \"accepted\": {},\n  \"inputs\": {},\n  \"not_accepted\": {},\n  \"trace_conform_version\": \"{}\"\n}}",
                self.accepted,
                self.inputs,
                self.inputs - self.accepted,
                env!("CARGO_PKG_VERSION")
            )?;
        }
        out.flush()
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Accept => "ACCEPT",
        Verdict::Reject => "REJECT",
        Verdict::Unverified => "UNVERIFIED",
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Fail => "fail",
        Status::Unverified => "unverified",
        Status::Advisory => "advisory",
    }
}

/// Escapes control and other invisible characters so that input text (names, messages,
/// pointers) cannot forge lines or terminal sequences in the report.
pub fn clean(text: &str) -> String {
    trace_untrusted::escape::terminal_line(text)
}

/// One block per input: the verdict line, then one line per finding.
pub fn render_text(reports: &[(&str, &Report)]) -> String {
    let mut out = String::new();
    for (name, r) in reports {
        let form = r.form.map(Form::name).unwrap_or("undecodable");
        let alg = r.alg.unwrap_or("no verifiable signature");
        let highest = r
            .highest_level
            .map(|l| format!("level {}", l.number()))
            .unwrap_or_else(|| "none".into());
        let _ = writeln!(
            out,
            "{}: {} at level {} ({form}, {alg}; highest level accepted: {highest})",
            clean(name),
            verdict_word(r.verdict),
            r.level.number()
        );
        for f in &r.findings {
            let at = if f.pointer.is_empty() {
                "(record)".to_string()
            } else {
                clean(&f.pointer)
            };
            let _ = writeln!(
                out,
                "  {} {} {} at {} [{}]: {}",
                status_word(f.status),
                f.rule,
                f.class,
                at,
                f.section,
                clean(&f.message)
            );
        }
        if !r.above_level.is_empty() && r.verdict != Verdict::Reject {
            let mut rules: Vec<&str> = r.above_level.iter().map(|f| f.rule).collect();
            rules.dedup();
            let _ = writeln!(out, "  (above level {}: {})", r.level.number(), rules.join(", "));
        }
    }
    out
}
