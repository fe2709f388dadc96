//! `trace-conform serve`: the reference implementation (trace-record) as an adapter of
//! protocol v1, so the reference is run exactly like every other implementation.
//!
//! Owns: reading JSON Lines requests, answering each with one line, and mapping
//! trace-record's reports onto protocol results. A malformed request gets a
//! `harness_error`; nothing but protocol lines is written to stdout.

use serde_json::{Value, json};
use std::io::{BufRead, Write};
use trace_record::audit::{ChainOptions, ReceiptPolicy};
use trace_record::cmcp::CmcpCanonicalization;
use trace_record::{
    CoseTag, Form, FormChoice, Level, Profile, PublicKey, SigningKey, Status, TrustedKey, Verdict, VerifyOptions, b64,
    envelope, jcs, json, sign,
};

const OPS: [&str; 15] = [
    "hello",
    "verify",
    "canonicalize",
    "verify-chain",
    "verify-action-receipt",
    "verify-provenance-depth",
    "verify-server-provenance",
    "verify-content-marking",
    "replay-evidence",
    "sign",
    "decode",
    "encode",
    "bench",
    "ping",
    "shutdown",
];

fn hello() -> Value {
    json!({
        "protocol": 1,
        "framing": "jsonl",
        "implementation": {"name": "trace-record", "version": env!("CARGO_PKG_VERSION"), "language": "rust"},
        "capabilities": {
            "ops": OPS,
            "formats": ["embedded", "jws", "cose"],
            "algs": ["EdDSA", "ES256", "ES384"],
            "levels": [0, 1, 2],
            "platforms": trace_record::platform::NAMES,
            "profiles": ["v0.2", "v0.2-strict", "v0.1"],
            "error_detail": "rule",
            "accepts_flags": trace_vector_format::catalog::FLAGS.iter().map(|f| f.0).collect::<Vec<_>>(),
            "inputs": ["inclusion", "revocation", "evidence", "policy", "reference_values", "deployment"],
        }
    })
}

fn get<'a>(req: &'a Value, name: &str) -> Result<&'a Value, String> {
    req.get(name).ok_or_else(|| format!("request lacks {name:?}"))
}

fn get_str<'a>(req: &'a Value, name: &str) -> Result<&'a str, String> {
    get(req, name)?
        .as_str()
        .ok_or_else(|| format!("{name:?} is not a string"))
}

fn get_i64(req: &Value, name: &str) -> Result<i64, String> {
    get(req, name)?
        .as_i64()
        .ok_or_else(|| format!("{name:?} is not an integer"))
}

fn bytes(req: &Value, name: &str) -> Result<Vec<u8>, String> {
    b64::decode(get_str(req, name)?).map_err(|_| format!("{name:?} is not canonical base64url"))
}

fn form(name: &str) -> Result<Form, String> {
    Form::ALL
        .into_iter()
        .find(|f| f.name() == name)
        .ok_or_else(|| format!("unknown format {name:?}"))
}

fn jwk_value(v: &Value) -> Result<json::Value, String> {
    json::parse(v.to_string().as_bytes()).map_err(|e| e.to_string())
}

fn verify_options(req: &Value) -> Result<VerifyOptions, String> {
    let mut o = VerifyOptions::at(get_i64(req, "verification_time")?);
    o.level = Level::from_number(get_i64(req, "level")? as u8).ok_or("level is not 0, 1 or 2")?;
    o.max_age = get_i64(req, "max_age")?;
    o.skew = get_i64(req, "skew")?;
    o.nonce = req.get("nonce").and_then(Value::as_str).map(str::to_string);
    o.form = FormChoice::Only(form(get_str(req, "format")?)?);
    o.profile = match get_str(req, "profile")? {
        "v0.2" => Profile::V02,
        "v0.1" => Profile::V01,
        other => return Err(format!("unknown profile {other:?}")),
    };
    o.strict = req.get("strict").and_then(Value::as_bool).unwrap_or(false);
    if let Some(c) = req.get("cmcp_canonicalization").and_then(Value::as_str) {
        o.cmcp_canonicalization = CmcpCanonicalization::parse(c).ok_or("unknown cmcp_canonicalization")?;
    }
    for k in get(req, "trusted_keys")?
        .as_array()
        .ok_or("trusted_keys is not an array")?
    {
        o.trusted_keys.push(match k {
            Value::String(t) => TrustedKey::Thumbprint(t.clone()),
            jwk => TrustedKey::Jwk(PublicKey::from_jwk(&jwk_value(jwk)?).map_err(|e| format!("trusted key: {e}"))?),
        });
    }
    if let Some(input) = req.get("evidence") {
        o.evidence = Some(trace_hardware::input::facts(input, o.now)?);
    }
    if let Some(inputs) = req.get("revocation") {
        o.revocation = Some(trace_record::revocation::RevocationInputs::from_json(&jwk_value(
            inputs,
        )?)?);
    }
    if let Some(receipt) = req.get("inclusion") {
        o.inclusion = Some(jwk_value(receipt)?);
    }
    if let Some(d) = req.get("deployment") {
        o.deployment = trace_vector_format::format::deployment(&d.to_string())?;
    }
    if let Some(values) = req.get("reference_values") {
        o.reference_measurements = Some(
            values
                .get("measurements")
                .and_then(Value::as_array)
                .and_then(|a| {
                    a.iter()
                        .map(|m| m.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or("reference_values has no measurements array of strings")?,
        );
    }
    if let Some(policy) = req.get("policy") {
        o.expected_policy_hash = Some(
            policy
                .get("bundle_hash")
                .and_then(Value::as_str)
                .ok_or("policy has no bundle_hash string")?
                .to_string(),
        );
    }
    Ok(o)
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

fn verify(req: &Value) -> Result<Value, String> {
    let record = bytes(req, "record_b64u")?;
    let r = trace_record::verify(&record, &verify_options(req)?);
    Ok(result(r.verdict, &r.findings))
}

fn verify_action_receipt(req: &Value) -> Result<Value, String> {
    let r = trace_record::action::verify_action_receipt(&bytes(req, "document_b64u")?);
    let mut out = result(r.verdict, &r.findings);
    out["status"] = json!(r.status);
    out["controller_outcome"] = json!(r.controller_outcome);
    Ok(out)
}

fn verify_provenance_depth(req: &Value) -> Result<Value, String> {
    let r = trace_record::provenance::verify_depth_document(&bytes(req, "document_b64u")?);
    let mut out = result(r.verdict, &r.findings);
    if let Some(d) = r.verified_depth {
        out["verified_depth"] = json!(d.name());
    }
    Ok(out)
}

fn verify_server_provenance(req: &Value) -> Result<Value, String> {
    let doc = bytes(req, "document_b64u")?;
    let r = trace_record::companion::server_provenance::verify_server_provenance(&doc);
    let mut out = result(r.verdict, &r.findings);
    out["assurance"] = json!(r.assurance);
    Ok(out)
}

fn verify_content_marking(req: &Value) -> Result<Value, String> {
    let doc = bytes(req, "document_b64u")?;
    let r = trace_record::companion::content_marking::verify_content_marking(&doc);
    let mut out = result(r.verdict, &r.findings);
    out["binding"] = json!(r.binding);
    Ok(out)
}

fn replay_evidence(req: &Value) -> Result<Value, String> {
    let a = trace_hardware::input::replay_request(req, get_i64(req, "verification_time")?)?;
    let findings = trace_vector_format::reference::replay_findings(&a);
    let errors: Vec<Value> = findings
        .iter()
        .map(|f| json!({"rule": f.rule, "class": f.class, "native": f.message}))
        .collect();
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

fn verify_chain(req: &Value) -> Result<Value, String> {
    let bundle = bytes(req, "bundle_b64u")?;
    let claim = match get(req, "claim_b64u")? {
        Value::Null => None,
        Value::String(s) => Some(b64::decode(s).map_err(|e| format!("claim_b64u: {e:?}"))?),
        _ => return Err("claim_b64u is neither a string nor null".into()),
    };
    let mut o = ChainOptions::at(get_i64(req, "verification_time")?);
    o.claim.max_age = get_i64(req, "max_age")?;
    o.claim.skew = get_i64(req, "skew")?;
    if let Some(c) = req.get("cmcp_canonicalization").and_then(Value::as_str) {
        o.claim.cmcp_canonicalization = CmcpCanonicalization::parse(c).ok_or("unknown cmcp_canonicalization")?;
    }
    for key in get(req, "trusted_keys")?
        .as_array()
        .ok_or("trusted_keys is not an array")?
    {
        o.claim.trusted_keys.push(match key {
            Value::String(t) => TrustedKey::Thumbprint(t.clone()),
            jwk => TrustedKey::Jwk(PublicKey::from_jwk(&jwk_value(jwk)?).map_err(|e| format!("trusted key: {e}"))?),
        });
    }
    o.claim.allow_embedded_key = o.claim.trusted_keys.is_empty();
    for key in get(req, "issuer_keys")?
        .as_array()
        .ok_or("issuer_keys is not an array")?
    {
        o.issuer_keys
            .push(PublicKey::from_jwk(&jwk_value(key)?).map_err(|e| format!("issuer key: {e}"))?);
    }
    o.receipts = ReceiptPolicy::parse(get_str(req, "receipts")?).ok_or("receipts is not trace or cmcp-compat")?;
    let r = trace_record::audit::verify_chain(&bundle, claim.as_deref(), &o);
    Ok(result(r.verdict, r.all_findings()))
}

fn canonicalize(req: &Value) -> Result<Value, String> {
    Ok(match json::parse(&bytes(req, "input_b64u")?) {
        Ok(v) => json!({"verdict": "accept", "output_b64u": b64::encode(&jcs::canonicalize(&v))}),
        Err(e) => {
            let f = envelope::parse_finding(&e, "");
            json!({"verdict": "reject", "errors": [{"rule": f.rule, "class": f.class, "native": f.message}]})
        }
    })
}

fn sign_op(req: &Value) -> Result<Value, String> {
    let claims = match jwk_value(get(req, "claims")?)? {
        json::Value::Object(o) => o,
        _ => return Err("claims is not an object".into()),
    };
    let key = SigningKey::from_private_jwk(&jwk_value(get(req, "key")?)?).map_err(|e| e.to_string())?;
    let tag = if req.get("cose_tagged").and_then(Value::as_bool).unwrap_or(true) {
        CoseTag::Tagged
    } else {
        CoseTag::Untagged
    };
    let out = sign::sign(&claims, &key, None, form(get_str(req, "format")?)?, tag);
    Ok(json!({"record_b64u": b64::encode(&out)}))
}

fn decode(req: &Value) -> Result<Value, String> {
    let input = bytes(req, "input_b64u")?;
    Ok(match envelope::decode(&input, form(get_str(req, "format")?)?) {
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
            json!({"verdict": "reject", "errors": fs.iter().map(|f| json!({"rule": f.rule, "class": f.class, "native": f.message})).collect::<Vec<_>>()})
        }
    })
}

fn encode(req: &Value) -> Result<Value, String> {
    let payload = bytes(req, "payload_b64u")?;
    let claims = match json::parse(&payload).map_err(|e| e.to_string())? {
        json::Value::Object(o) => o,
        _ => return Err("payload is not a JSON object".into()),
    };
    let key = SigningKey::from_private_jwk(&jwk_value(get(req, "key")?)?).map_err(|e| e.to_string())?;
    let out = envelope::encode(&claims, &key, form(get_str(req, "format")?)?, CoseTag::Tagged);
    Ok(json!({"record_b64u": b64::encode(&out)}))
}

fn bench(req: &Value) -> Result<Value, String> {
    let inner = get(req, "request")?;
    let iterations = get_i64(req, "iterations")?.clamp(1, 1_000_000) as u64;
    let op = get_str(inner, "op")?;
    let start = std::time::Instant::now();
    for _ in 0..iterations {
        match op {
            "verify" => verify(inner)?,
            "canonicalize" => canonicalize(inner)?,
            "verify-chain" => verify_chain(inner)?,
            "verify-action-receipt" => verify_action_receipt(inner)?,
            "verify-provenance-depth" => verify_provenance_depth(inner)?,
            "verify-server-provenance" => verify_server_provenance(inner)?,
            "verify-content-marking" => verify_content_marking(inner)?,
            other => return Err(format!("bench of {other:?} is not supported")),
        };
    }
    Ok(json!({"iterations": iterations, "total_ns": start.elapsed().as_nanos() as u64}))
}

/// Answers one request line; returns the response and whether to stop.
pub fn answer(line: &[u8]) -> (Value, bool) {
    let req: Value = match serde_json::from_slice(line) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            return (
                json!({"trace_adapter": 1, "id": null, "status": "harness_error", "message": "request is not a JSON object"}),
                false,
            );
        }
    };
    let id = req.get("id").cloned().unwrap_or(Value::Null);
    let op = req.get("op").and_then(Value::as_str).unwrap_or_default();
    let result = match op {
        "hello" => Ok(hello()),
        "verify" => verify(&req),
        "canonicalize" => canonicalize(&req),
        "verify-chain" => verify_chain(&req),
        "verify-action-receipt" => verify_action_receipt(&req),
        "verify-provenance-depth" => verify_provenance_depth(&req),
        "verify-server-provenance" => verify_server_provenance(&req),
        "verify-content-marking" => verify_content_marking(&req),
        "replay-evidence" => replay_evidence(&req),
        "sign" => sign_op(&req),
        "decode" => decode(&req),
        "encode" if req.get("key").is_none() => {
            let msg = "encode with a given signature (no key) is not implemented by the reference";
            return (
                json!({"trace_adapter": 1, "id": id, "status": "unsupported", "message": msg}),
                false,
            );
        }
        "encode" => encode(&req),
        "bench" => bench(&req),
        "ping" | "shutdown" => Ok(json!({})),
        other => {
            let msg = format!("operation {other:?} is not implemented by the reference");
            return (
                json!({"trace_adapter": 1, "id": id, "status": "unsupported", "message": msg}),
                false,
            );
        }
    };
    let response = match result {
        Ok(r) => json!({"trace_adapter": 1, "id": id, "status": "ok", "result": r}),
        Err(e) => json!({"trace_adapter": 1, "id": id, "status": "harness_error", "message": e}),
    };
    (response, op == "shutdown")
}

pub fn run() -> u8 {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().split(b'\n') {
        let Ok(line) = line else { return 2 };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let (response, stop) = answer(&line);
        let mut out = serde_json::to_vec(&response).expect("responses serialize");
        out.push(b'\n');
        if stdout.write_all(&out).and_then(|_| stdout.flush()).is_err() || stop {
            return 0;
        }
    }
    0
}
