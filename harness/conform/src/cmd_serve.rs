//! `trace-conform serve`: the reference implementation (trace-record) as an adapter of
//! protocol v1, so the reference is run exactly like every other implementation.
//!
//! Owns: reading JSON Lines requests, answering each with one line, and mapping
//! trace-record's reports onto protocol results. A malformed request gets a
//! `harness_error`; nothing but protocol lines is written to stdout. Does not own turning a
//! request's inputs into the reference's options (`trace_vector_format::options`, which
//! the in-process reference shares).

use crate::exit::Exit;
use serde_json::{Value, json};
use std::io::{BufRead, Write};
use trace_protocol::request::{self, Body, Request};
use trace_protocol::{Op, PROTOCOL_VERSION, ResponseStatus};
use trace_record::{CoseTag, SigningKey, Status, Verdict, b64, envelope, jcs, json, sign};
use trace_vector_format::options;

fn hello() -> Value {
    json!({
        "protocol": 1,
        "framing": "jsonl",
        "implementation": {"name": "trace-record", "version": env!("CARGO_PKG_VERSION"), "language": "rust"},
        "capabilities": {
            "ops": Op::ALL.map(Op::name),
            "formats": ["embedded", "jws", "cose"],
            "algs": ["EdDSA", "ES256", "ES384"],
            "levels": [0, 1, 2],
            "platforms": trace_record::platform::NAMES,
            "profiles": ["v0.2", "v0.2-strict", "v0.1"],
            "error_detail": "rule",
            "accepts_flags": trace_vector_format::catalog::FLAGS.iter().map(|f| f.0).collect::<Vec<_>>(),
            "inputs": ["inclusion", "revocation", "evidence", "policy", "reference_values", "deployment"],
            // Requests are read in order and answered one by one, so any number may wait.
            "pipeline": trace_runner::adapter::MAX_PIPELINE,
        }
    })
}

fn bytes(b64u: &str, name: &str) -> Result<Vec<u8>, String> {
    b64::decode(b64u).map_err(|_| format!("{name:?} is not canonical base64url"))
}

/// A finding as an entry of `errors`: its rule, class and message (as `native`).
fn error_entry(f: &trace_record::Finding) -> Value {
    json!({"rule": f.rule, "class": f.class, "native": f.message})
}

/// `{verdict, errors, warnings}`: advisories are warnings, everything else an error.
fn result<'a>(verdict: Verdict, findings: impl IntoIterator<Item = &'a trace_record::Finding>) -> Value {
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    for f in findings {
        let v = json!({"rule": f.rule, "class": f.class, "native": f.message, "pointer": f.pointer});
        if f.status == Status::Advisory {
            warnings.push(v)
        } else {
            errors.push(v)
        }
    }
    json!({"verdict": verdict.word(), "errors": errors, "warnings": warnings})
}

fn verify(req: &request::Verify) -> Result<Value, String> {
    let record = bytes(&req.record_b64u, "record_b64u")?;
    let r = trace_record::verify(&record, &options::verify(req)?);
    Ok(result(r.verdict, &r.findings))
}

fn verify_action_receipt(req: &request::Document) -> Result<Value, String> {
    let r = trace_record::action::verify_action_receipt(&bytes(&req.document_b64u, "document_b64u")?);
    let mut out = result(r.verdict, &r.findings);
    out["status"] = json!(r.status);
    out["controller_outcome"] = json!(r.controller_outcome);
    Ok(out)
}

fn verify_provenance_depth(req: &request::Document) -> Result<Value, String> {
    let r = trace_record::provenance::verify_depth_document(&bytes(&req.document_b64u, "document_b64u")?);
    let mut out = result(r.verdict, &r.findings);
    if let Some(d) = r.verified_depth {
        out["verified_depth"] = json!(d.name());
    }
    Ok(out)
}

fn verify_server_provenance(req: &request::Document) -> Result<Value, String> {
    let doc = bytes(&req.document_b64u, "document_b64u")?;
    let r = trace_record::companion::server_provenance::verify_server_provenance(&doc);
    let mut out = result(r.verdict, &r.findings);
    out["assurance"] = json!(r.assurance);
    Ok(out)
}

fn verify_content_marking(req: &request::Document) -> Result<Value, String> {
    let doc = bytes(&req.document_b64u, "document_b64u")?;
    let r = trace_record::companion::content_marking::verify_content_marking(&doc);
    let mut out = result(r.verdict, &r.findings);
    out["binding"] = json!(r.binding);
    Ok(out)
}

fn replay_evidence(req: &request::ReplayEvidence) -> Result<Value, String> {
    let input = serde_json::to_value(req).expect("requests serialize");
    let a = trace_hardware::input::replay_request(&input, req.verification_time)?;
    let findings = trace_vector_format::reference::replay_findings(&a);
    let errors: Vec<Value> = findings.iter().map(error_entry).collect();
    let mut out =
        json!({"verdict": trace_vector_format::reference::replay_verdict(a.verdict).word(), "errors": errors});
    if let Some(m) = &a.measurement {
        out["measurement"] = json!(m);
    }
    if let Some(d) = &a.report_data {
        out["report_data_hex"] = json!(d);
    }
    Ok(out)
}

fn verify_chain(req: &request::VerifyChain) -> Result<Value, String> {
    let bundle = bytes(&req.bundle_b64u, "bundle_b64u")?;
    let claim = req.claim_b64u.as_deref().map(|c| bytes(c, "claim_b64u")).transpose()?;
    let o = options::chain(req)?;
    let r = trace_record::audit::verify_chain(&bundle, claim.as_deref(), &o);
    Ok(result(r.verdict, r.all_findings()))
}

fn canonicalize(req: &request::Canonicalize) -> Result<Value, String> {
    Ok(match json::parse(&bytes(&req.input_b64u, "input_b64u")?) {
        Ok(v) => json!({"verdict": "accept", "output_b64u": b64::encode(&jcs::canonicalize(&v))}),
        Err(e) => {
            let f = envelope::parse_finding(&e, "");
            json!({"verdict": "reject", "errors": [error_entry(&f)]})
        }
    })
}

fn sign_op(req: &request::Sign) -> Result<Value, String> {
    let claims = match options::to_record_json("claims", &req.claims)? {
        json::Value::Object(o) => o,
        _ => return Err("claims is not an object".into()),
    };
    let key = SigningKey::from_private_jwk(&options::to_record_json("key", &req.key)?).map_err(|e| e.to_string())?;
    let tag = if req.cose_tagged.unwrap_or(true) {
        CoseTag::Tagged
    } else {
        CoseTag::Untagged
    };
    let out = sign::sign(&claims, &key, None, options::form_named(&req.format)?, tag);
    Ok(json!({"record_b64u": b64::encode(&out)}))
}

fn decode(req: &request::Decode) -> Result<Value, String> {
    let input = bytes(&req.input_b64u, "input_b64u")?;
    Ok(match envelope::decode(&input, options::form_named(&req.format)?) {
        Ok(d) => {
            let sig = match &d.signature {
                envelope::SignatureField::Bytes(b) => Some(b64::encode(b)),
                _ => None,
            };
            let mut r = json!({"verdict": "accept", "payload_b64u": b64::encode(&jcs::canonicalize(&d.record)),
                               "signing_input_b64u": b64::encode(&d.signing_input)});
            if let Some(sig) = sig {
                r["signature_b64u"] = json!(sig);
            }
            if let Some(alg) = d.declared_alg {
                r["alg"] = json!(alg.jose_name());
            }
            r
        }
        Err(fs) => {
            json!({"verdict": "reject", "errors": fs.iter().map(error_entry).collect::<Vec<_>>()})
        }
    })
}

/// `encode` with a key (the reference does not assemble a given signature: `answer`).
fn encode(req: &request::Encode, key: &Value) -> Result<Value, String> {
    let payload = bytes(&req.payload_b64u, "payload_b64u")?;
    let claims = match json::parse(&payload).map_err(|e| e.to_string())? {
        json::Value::Object(o) => o,
        _ => return Err("payload is not a JSON object".into()),
    };
    let key = SigningKey::from_private_jwk(&options::to_record_json("key", key)?).map_err(|e| e.to_string())?;
    let out = envelope::encode(&claims, &key, options::form_named(&req.format)?, CoseTag::Tagged);
    Ok(json!({"record_b64u": b64::encode(&out)}))
}

/// `bench`: the inner request answered `iterations` times (1 to 1,000,000).
fn bench(req: &request::Bench) -> Result<Value, String> {
    // The inner request's envelope is not used (PROTOCOL.md §4.6): supply what it lacks.
    let mut inner = req.request.clone();
    if let Value::Object(o) = &mut inner {
        o.entry("trace_adapter").or_insert(json!(PROTOCOL_VERSION));
        o.entry("id").or_insert(json!("bench"));
    }
    let inner: Request = serde_json::from_value(inner).map_err(|e| format!("the request to time: {e}"))?;
    let iterations = req.iterations.clamp(1, 1_000_000);
    let start = std::time::Instant::now();
    for _ in 0..iterations {
        match &inner.body {
            Body::Verify(b) => verify(b)?,
            Body::Canonicalize(b) => canonicalize(b)?,
            Body::VerifyChain(b) => verify_chain(b)?,
            Body::VerifyActionReceipt(b) => verify_action_receipt(b)?,
            Body::VerifyProvenanceDepth(b) => verify_provenance_depth(b)?,
            Body::VerifyServerProvenance(b) => verify_server_provenance(b)?,
            Body::VerifyContentMarking(b) => verify_content_marking(b)?,
            other => return Err(format!("bench of {} is not supported", other.op())),
        };
    }
    Ok(json!({"iterations": iterations, "total_ns": start.elapsed().as_nanos() as u64}))
}

/// The response line for `id`: a result, or a status other than `ok` with its message.
fn reply(id: &Value, outcome: Result<Value, (ResponseStatus, String)>) -> Value {
    match outcome {
        Ok(r) => json!({"trace_adapter": PROTOCOL_VERSION, "id": id, "status": ResponseStatus::Ok.word(), "result": r}),
        Err((status, message)) => {
            json!({"trace_adapter": PROTOCOL_VERSION, "id": id, "status": status.word(), "message": message})
        }
    }
}

/// Answers one request line; returns the response and whether to stop. An operation
/// protocol v1 lacks is `unsupported`; a request its operation's fields do not fit is a
/// `harness_error` naming the field.
pub fn answer(line: &[u8]) -> (Value, bool) {
    let raw: Value = match serde_json::from_slice(line) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            let problem = (ResponseStatus::HarnessError, "request is not a JSON object".to_string());
            return (reply(&Value::Null, Err(problem)), false);
        }
    };
    let id = raw.get("id").cloned().unwrap_or(Value::Null);
    let op_name = raw.get("op").and_then(Value::as_str).unwrap_or_default();
    let Some(op) = Op::parse(op_name) else {
        let message = format!("operation {op_name:?} is not implemented by the reference");
        return (reply(&id, Err((ResponseStatus::Unsupported, message))), false);
    };
    let req: Request = match serde_json::from_value(raw) {
        Ok(req) => req,
        Err(e) => {
            let message = format!("the request does not fit {op}: {e}");
            return (
                reply(&id, Err((ResponseStatus::HarnessError, message))),
                op == Op::Shutdown,
            );
        }
    };
    let result = match &req.body {
        Body::Hello(_) => Ok(hello()),
        Body::Verify(b) => verify(b),
        Body::Canonicalize(b) => canonicalize(b),
        Body::VerifyChain(b) => verify_chain(b),
        Body::VerifyActionReceipt(b) => verify_action_receipt(b),
        Body::VerifyProvenanceDepth(b) => verify_provenance_depth(b),
        Body::VerifyServerProvenance(b) => verify_server_provenance(b),
        Body::VerifyContentMarking(b) => verify_content_marking(b),
        Body::ReplayEvidence(b) => replay_evidence(b),
        Body::Sign(b) => sign_op(b),
        Body::Decode(b) => decode(b),
        Body::Encode(request::Encode { key: None, .. }) => {
            let message = "encode with a given signature (no key) is not implemented by the reference";
            return (reply(&id, Err((ResponseStatus::Unsupported, message.into()))), false);
        }
        Body::Encode(b @ request::Encode { key: Some(key), .. }) => encode(b, key),
        Body::Bench(b) => bench(b),
        Body::Ping | Body::Shutdown => Ok(json!({})),
    };
    let response = reply(&id, result.map_err(|e| (ResponseStatus::HarnessError, e)));
    (response, op == Op::Shutdown)
}

pub fn run() -> Exit {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().split(b'\n') {
        let Ok(line) = line else { return Exit::Usage };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let (response, stop) = answer(&line);
        let mut out = serde_json::to_vec(&response).expect("responses serialize");
        out.push(b'\n');
        if stdout.write_all(&out).and_then(|_| stdout.flush()).is_err() || stop {
            return Exit::Ok;
        }
    }
    Exit::Ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(req: Value) -> (Value, bool) {
        answer(req.to_string().as_bytes())
    }

    #[test]
    fn what_the_reference_answers_to_requests_that_do_not_fit() {
        let (r, stop) = ask(json!({"trace_adapter": 1, "id": "a", "op": "verify-everything"}));
        assert_eq!((r["status"].as_str(), stop), (Some("unsupported"), false));
        let (r, _) = ask(json!({"trace_adapter": 1, "id": "b", "op": "canonicalize", "case": "c", "deadline_ms": 5}));
        assert_eq!(r["status"], "harness_error");
        assert!(r["message"].as_str().unwrap().contains("input_b64u"), "{r}");
        assert_eq!(r["id"], "b");
        let (r, _) = ask(
            json!({"trace_adapter": 1, "id": "c", "op": "encode", "payload_b64u": "e30",
            "format": "jws", "alg": "EdDSA", "signature_b64u": "AAAA"}),
        );
        assert_eq!(r["status"], "unsupported", "{r}");
        let (r, _) = ask(
            json!({"trace_adapter": 1, "id": "d", "op": "encode", "payload_b64u": "e30",
            "format": "jws", "alg": "EdDSA", "key": null}),
        );
        assert_eq!(r["status"], "harness_error", "a null key is not an absent one: {r}");
        let (r, stop) = ask(json!({"id": "e", "op": "shutdown"}));
        assert_eq!((r["status"].as_str(), stop), (Some("harness_error"), true));
        let (r, stop) = answer(b"[1]");
        assert_eq!(
            (r["status"].as_str(), r["id"].is_null(), stop),
            (Some("harness_error"), true, false)
        );
    }

    #[test]
    fn a_null_optional_input_is_an_error_not_an_absent_input() {
        let verify = |extra: Value| {
            let mut req = json!({"trace_adapter": 1, "id": "v", "op": "verify", "case": "c", "deadline_ms": 5,
                "record_b64u": "e30", "format": "embedded", "level": 0, "profile": "v0.2", "strict": false,
                "verification_time": 1, "max_age": 1, "skew": 1, "nonce": null, "trusted_keys": []});
            for (k, v) in extra.as_object().unwrap() {
                req[k] = v.clone();
            }
            ask(req).0
        };
        assert_eq!(verify(json!({}))["status"], "ok");
        for member in [
            "evidence",
            "revocation",
            "inclusion",
            "deployment",
            "reference_values",
            "policy",
        ] {
            let r = verify(json!({member: null}));
            assert_eq!(r["status"], "harness_error", "{member}: {r}");
        }
    }

    #[test]
    fn bench_times_an_inner_request_without_its_envelope() {
        let (r, _) = ask(json!({"trace_adapter": 1, "id": "b", "op": "bench", "iterations": 2,
            "request": {"op": "canonicalize", "input_b64u": "e30"}}));
        assert_eq!(r["status"], "ok", "{r}");
        assert_eq!(r["result"]["iterations"], 2);
    }
}
