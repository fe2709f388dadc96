//! `trace-conform smoke --adapter CMD`: checks the adapter, not the library: the
//! handshake, ping, a known-good record and a byte-flipped copy, canonicalize of `{}`,
//! `unsupported` for an unknown op, several pings in flight at once when it claims
//! `pipeline`, and a clean shutdown. Exit 0 when all pass, 1 if not.

use crate::exit::Exit;
use serde_json::{Value, json};
use std::time::Duration;
use trace_protocol::Op;
use trace_protocol::request::{self, Body, Request};
use trace_record::audit::{ReceiptPolicy, seal};
use trace_record::cmcp::CmcpCanonicalization;
use trace_record::sample::{self, SAMPLE_IAT};
use trace_record::{Alg, CoseTag, Form, b64, sign};
use trace_runner::adapter::{Adapter, Exchange, Received};
use trace_runner::protocol;
use trace_vector_format::format::Context;

#[derive(clap::Args)]
pub struct Args {
    /// The adapter command line (default: the reference, `trace-conform serve`).
    #[arg(long)]
    pub adapter: Option<String>,
}

/// The result of an `ok` answer that keeps to its schema; otherwise what went wrong.
fn ok_result(ex: Exchange) -> Result<Value, String> {
    match ex {
        Exchange::Response { response, .. }
            if response.status == protocol::ResponseStatus::Ok && response.schema_problem.is_none() =>
        {
            Ok(response.result.unwrap_or(Value::Null))
        }
        other => Err(other.describe()),
    }
}

/// The checks' tally: one line per check, `ok` or `FAIL`.
#[derive(Default)]
struct Tally {
    failures: usize,
}

impl Tally {
    fn check(&mut self, name: &str, outcome: Result<String, String>) {
        match outcome {
            Ok(note) if note.is_empty() => println!("ok   {name}"),
            Ok(note) => println!("ok   {name}: {}", crate::cmd_verify::clean(&note)),
            Err(e) => {
                self.failures += 1;
                println!("FAIL {name}: {}", crate::cmd_verify::clean(&e));
            }
        }
    }
}

const DEADLINE: Duration = Duration::from_secs(10);

pub fn run(a: Args) -> Exit {
    let argv = match a
        .adapter
        .as_deref()
        .map(crate::cmd_run::split_command)
        .unwrap_or_else(crate::cmd_run::reference_adapter)
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!("trace-conform smoke: {e}");
            return Exit::Usage;
        }
    };
    // Like `run`: the adapter starts where the caller is, so relative commands work.
    let cwd = std::env::current_dir().unwrap_or_else(|_| std::env::temp_dir());
    let mut adapter = match Adapter::start(&argv, &cwd) {
        Ok(a) => a,
        Err(e) => {
            println!("FAIL start: {}", crate::cmd_verify::clean(e.message()));
            return Exit::Failed;
        }
    };
    let mut tally = Tally::default();
    let hello = check_hello(&mut adapter, &mut tally);
    tally.check(
        "ping",
        ok_result(adapter.exchange(&protocol::simple_request("s2", Body::Ping), DEADLINE)).map(|_| String::new()),
    );
    check_verify(&mut adapter, &mut tally, hello.as_ref());
    if hello.as_ref().is_some_and(|h| h.capabilities.claims(Op::Canonicalize)) {
        check_canonicalize(&mut adapter, &mut tally);
    } else {
        println!("skip canonicalize (not claimed)");
    }
    check_unknown_op(&mut adapter, &mut tally);
    match hello.as_ref().map(|h| h.capabilities.pipeline_depth()) {
        Some(depth) if depth > 1 => tally.check("pipeline", pipelined_pings(&mut adapter, depth.min(4))),
        _ => println!("skip pipeline (not claimed)"),
    }
    adapter.shutdown();
    println!("{} smoke check(s) failed", tally.failures);
    Exit::failed_if(tally.failures != 0)
}

/// `hello`, answered as protocol v1; its result when it was.
fn check_hello(adapter: &mut Adapter, tally: &mut Tally) -> Option<protocol::HelloResult> {
    let hello = ok_result(adapter.exchange(&protocol::hello_request("s1"), DEADLINE));
    let parsed: Option<protocol::HelloResult> =
        hello.as_ref().ok().and_then(|h| serde_json::from_value(h.clone()).ok());
    tally.check(
        "hello",
        match &parsed {
            Some(h) => Ok(format!(
                "{} {} ({})",
                h.implementation.name,
                h.implementation.version,
                h.capabilities.ops.join(",")
            )),
            None => Err(match hello {
                Err(e) => e,
                Ok(_) => "the hello result is not protocol v1 (PROTOCOL.md, section 3)".to_string(),
            }),
        },
    );
    parsed
}

/// A known-good record (a cMCP RuntimeClaim for an adapter that verifies only those) must
/// be accepted, and a copy with one byte flipped must not.
fn check_verify(adapter: &mut Adapter, tally: &mut Tally, hello: Option<&protocol::HelloResult>) {
    let claims_only = hello
        .and_then(|h| h.capabilities.record_kinds.as_ref())
        .is_some_and(|k| !k.iter().any(|k| k == "trust-record") && k.iter().any(|k| k == "runtime-claim"));
    let key = sample::test_key(Alg::EdDSA, "smoke");
    let record = if claims_only {
        let entries = seal::sample_entries("smoke", &[], &key, ReceiptPolicy::Trace);
        let mut claim = seal::claim_for(&entries, &key, SAMPLE_IAT);
        seal::sign_claim(&mut claim, &key, CmcpCanonicalization::Pyjson);
        trace_record::pyjson::dumps(&trace_record::json::Value::Object(claim))
    } else {
        sign::sign(&sample::base_claims(), &key, None, Form::Embedded, CoseTag::Tagged)
    };
    let mut ctx = Context::verify("embedded", "software-only", SAMPLE_IAT);
    ctx.trusted_keys = vec![trace_record::json::Value::Object(key.public_key().to_jwk()).to_serde()];
    let mut verdict = |id: &str, bytes: &[u8]| {
        let body = Body::Verify(Box::new(ctx.verify_request(b64::encode(bytes))));
        let req = Request::for_case(id, "smoke", 5000, body).to_value();
        ok_result(adapter.exchange(&req, DEADLINE)).map(|r| r["verdict"].as_str().unwrap_or("?").to_string())
    };
    tally.check(
        "verify a valid record",
        verdict("s3", &record).and_then(|v| if v == "accept" { Ok(v) } else { Err(v) }),
    );
    let mut flipped = record.clone();
    let at = flipped.windows(8).position(|w| w == b"internal").expect("marker");
    flipped[at] = b'I';
    tally.check(
        "verify a byte-flipped copy",
        verdict("s4", &flipped).and_then(|v| if v != "accept" { Ok(v) } else { Err("accepted".into()) }),
    );
}

/// `canonicalize` of ` { } ` must give `{}`.
fn check_canonicalize(adapter: &mut Adapter, tally: &mut Tally) {
    let body = request::Canonicalize {
        input_b64u: b64::encode(b" { } "),
    };
    let canon = Request::for_case("s5", "smoke", 5000, Body::Canonicalize(body)).to_value();
    tally.check(
        "canonicalize {}",
        ok_result(adapter.exchange(&canon, DEADLINE)).and_then(|r| {
            let out = r["output_b64u"].as_str().and_then(|s| b64::decode(s).ok());
            if out.as_deref() == Some(b"{}".as_slice()) {
                Ok(String::new())
            } else {
                Err(format!("{r}"))
            }
        }),
    );
}

/// An operation no protocol version has must be answered `unsupported`.
fn check_unknown_op(adapter: &mut Adapter, tally: &mut Tally) {
    let req = json!({"trace_adapter": protocol::PROTOCOL_VERSION, "id": "s6", "op": "no-such-op"});
    tally.check(
        "unsupported for an unknown op",
        match adapter.exchange(&req, DEADLINE) {
            Exchange::Response { response, .. }
                if response.status == protocol::ResponseStatus::Unsupported && response.schema_problem.is_none() =>
            {
                Ok(String::new())
            }
            other => Err(other.describe()),
        },
    );
}

/// `count` pings sent before any answer is read: each must be answered once, in any order.
fn pipelined_pings(adapter: &mut Adapter, count: usize) -> Result<String, String> {
    let mut in_flight = Vec::new();
    for i in 0..count {
        let ping = protocol::simple_request(&format!("s-pipe-{i}"), Body::Ping);
        in_flight.push(adapter.send(&ping).map_err(|e| e.describe())?);
    }
    let until = std::time::Instant::now() + DEADLINE;
    let mut order = Vec::new();
    while !in_flight.is_empty() {
        match adapter.receive(&in_flight, until) {
            Received::Answer(k, answer) => {
                ok_result(answer)?;
                order.push(in_flight.remove(k).id);
            }
            Received::Trouble(trouble) => {
                return Err(format!(
                    "{} with {} ping(s) in flight",
                    trouble.describe(),
                    in_flight.len()
                ));
            }
        }
    }
    Ok(format!("{count} pings in flight, answered as {}", order.join(", ")))
}
