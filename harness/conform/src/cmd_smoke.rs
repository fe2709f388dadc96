//! `trace-conform smoke --adapter CMD`: checks the adapter, not the library: the
//! handshake, ping, a known-good record and a byte-flipped copy, canonicalize of `{}`,
//! `unsupported` for an unknown op, and a clean shutdown. Exit 0 when all pass, 1 if not.

use crate::exit::Exit;
use serde_json::{Value, json};
use std::time::Duration;
use trace_protocol::Op;
use trace_protocol::request::{self, Body, Request};
use trace_record::audit::{ReceiptPolicy, seal};
use trace_record::cmcp::CmcpCanonicalization;
use trace_record::sample::{self, SAMPLE_IAT};
use trace_record::{Alg, CoseTag, Form, b64, sign};
use trace_runner::adapter::{Adapter, Exchange};
use trace_runner::protocol;

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
            println!("FAIL start: {}", crate::cmd_verify::clean(&e));
            return Exit::Failed;
        }
    };
    let t = Duration::from_secs(10);
    let mut failures = 0;
    let mut check = |name: &str, outcome: Result<String, String>| match outcome {
        Ok(note) => println!(
            "ok   {name}{}",
            if note.is_empty() {
                String::new()
            } else {
                format!(": {}", crate::cmd_verify::clean(&note))
            }
        ),
        Err(e) => {
            failures += 1;
            println!("FAIL {name}: {}", crate::cmd_verify::clean(&e));
        }
    };
    let hello = ok_result(adapter.exchange(&protocol::hello_request("s1"), t));
    let caps: Option<protocol::HelloResult> = hello.as_ref().ok().and_then(|h| serde_json::from_value(h.clone()).ok());
    check(
        "hello",
        match &caps {
            Some(h) => Ok(format!(
                "{} {} ({})",
                h.implementation.name,
                h.implementation.version,
                h.capabilities.ops.join(",")
            )),
            None => Err(match &hello {
                Err(e) => e.clone(),
                Ok(_) => "the hello result is not protocol v1 (PROTOCOL.md, section 3)".to_string(),
            }),
        },
    );
    check(
        "ping",
        ok_result(adapter.exchange(&protocol::simple_request("s2", Body::Ping), t)).map(|_| String::new()),
    );
    // A Trust Record, or a cMCP RuntimeClaim for an adapter that verifies only those.
    let claims_only = caps
        .as_ref()
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
    let jwk = serde_json::from_slice::<Value>(&trace_record::jcs::canonicalize(&trace_record::json::Value::Object(
        sample::test_key(Alg::EdDSA, "smoke").public_key().to_jwk(),
    )))
    .expect("jwk");
    let verify = |id: &str, bytes: &[u8]| {
        let body = request::Verify {
            record_b64u: b64::encode(bytes),
            format: "embedded".into(),
            level: 0,
            profile: "v0.2".into(),
            strict: false,
            verification_time: SAMPLE_IAT,
            max_age: 86400,
            skew: 300,
            nonce: None,
            cmcp_canonicalization: None,
            trusted_keys: vec![jwk.clone()],
            evidence: None,
            revocation: None,
            inclusion: None,
            deployment: None,
            reference_values: None,
            policy: None,
        };
        Request::for_case(id, "smoke", 5000, Body::Verify(Box::new(body))).to_value()
    };
    let verdict = |ex: Exchange| ok_result(ex).map(|r| r["verdict"].as_str().unwrap_or("?").to_string());
    check(
        "verify a valid record",
        verdict(adapter.exchange(&verify("s3", &record), t)).and_then(|v| if v == "accept" { Ok(v) } else { Err(v) }),
    );
    let mut flipped = record.clone();
    let at = flipped.windows(8).position(|w| w == b"internal").expect("marker");
    flipped[at] = b'I';
    check(
        "verify a byte-flipped copy",
        verdict(adapter.exchange(&verify("s4", &flipped), t))
            .and_then(|v| if v != "accept" { Ok(v) } else { Err("accepted".into()) }),
    );
    let claims_canonicalize = caps.as_ref().is_some_and(|h| h.capabilities.claims(Op::Canonicalize));
    if claims_canonicalize {
        let body = request::Canonicalize {
            input_b64u: b64::encode(b" { } "),
        };
        let canon = Request::for_case("s5", "smoke", 5000, Body::Canonicalize(body)).to_value();
        check(
            "canonicalize {}",
            ok_result(adapter.exchange(&canon, t)).and_then(|r| {
                let out = r["output_b64u"].as_str().and_then(|s| b64::decode(s).ok());
                if out.as_deref() == Some(b"{}".as_slice()) {
                    Ok(String::new())
                } else {
                    Err(format!("{r}"))
                }
            }),
        );
    } else {
        println!("skip canonicalize (not claimed)");
    }
    check(
        "unsupported for an unknown op",
        match adapter.exchange(
            &json!({"trace_adapter": protocol::PROTOCOL_VERSION, "id": "s6", "op": "no-such-op"}),
            t,
        ) {
            Exchange::Response { response, .. }
                if response.status == protocol::ResponseStatus::Unsupported && response.schema_problem.is_none() =>
            {
                Ok(String::new())
            }
            other => Err(other.describe()),
        },
    );
    adapter.shutdown();
    println!("{failures} smoke check(s) failed");
    Exit::failed_if(failures != 0)
}
