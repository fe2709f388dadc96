//! The producer side of the chain profile: hashing and linking entries, signing bundles
//! and receipts, and committing a claim to a chain. Used by tests and the vector
//! generator, and by [`super`] for the digests both sides share.
//!
//! Owns: the canonical forms of the profile (entries and bundles: sorted-ASCII JSON, as
//! cMCP; receipts: RFC 8785, or sorted-ASCII under `cmcp-compat`) and a deterministic sample
//! session. Does not own any verdict.

use super::ReceiptPolicy;
use crate::b64;
use crate::cmcp::CmcpCanonicalization;
use crate::json::{Number, Object, Value};
use crate::keys::{PublicKey, SigningKey};
use crate::pyjson;
use crate::sample::hex;
use sha2::{Digest, Sha256};

/// The `prev_entry_hash` of the first entry (lowercase; case-sensitive).
pub const GENESIS: &str = "genesis";

/// Lowercase hex SHA-256 of the entry without `entry_hash`, over every member present.
pub fn entry_hash(entry: &Object) -> String {
    let mut e = entry.clone();
    e.remove("entry_hash");
    hex(&Sha256::digest(pyjson::dumps(&Value::Object(e))))
}

/// Sets `prev_entry_hash` and `entry_hash` of every entry, in order, from `"genesis"`.
pub fn link(entries: &mut [Object]) {
    let mut prev = GENESIS.to_string();
    for e in entries {
        e.insert("prev_entry_hash", Value::String(prev));
        let h = entry_hash(e);
        e.insert("entry_hash", Value::String(h.clone()));
        prev = h;
    }
}

/// SHA-256 of the sorted-ASCII JSON of the entries array: what `bundle_signature` signs.
pub fn bundle_digest(entries: &[&Object]) -> Vec<u8> {
    let array = Value::Array(entries.iter().map(|e| Value::Object((*e).clone())).collect());
    Sha256::digest(pyjson::dumps(&array)).to_vec()
}

/// `{session_id, entries, bundle_signature}` signed by `key` (the claim's key).
pub fn bundle(session_id: &str, entries: &[Object], key: &SigningKey) -> Object {
    let refs: Vec<&Object> = entries.iter().collect();
    let mut b = Object::new();
    b.insert("session_id", Value::String(session_id.into()));
    b.insert(
        "entries",
        Value::Array(entries.iter().cloned().map(Value::Object).collect()),
    );
    b.insert(
        "bundle_signature",
        Value::String(b64::encode(&key.sign(&bundle_digest(&refs)))),
    );
    b
}

/// The `issuer_key_id` of an Ed25519 key: lowercase hex SHA-256 of the raw 32 bytes.
pub fn issuer_key_id(key: &PublicKey) -> Option<String> {
    match key {
        PublicKey::Ed25519(k) => Some(hex(&Sha256::digest(k.as_bytes()))),
        _ => None,
    }
}

pub fn receipt_canonicalization(policy: ReceiptPolicy) -> CmcpCanonicalization {
    match policy {
        ReceiptPolicy::Trace => CmcpCanonicalization::Jcs,
        ReceiptPolicy::CmcpCompat => CmcpCanonicalization::Pyjson,
    }
}

/// The bytes a receipt signature covers: the receipt without `signature`.
pub fn receipt_signing_input(receipt: &Object, policy: ReceiptPolicy) -> Vec<u8> {
    let mut r = receipt.clone();
    r.remove("signature");
    receipt_canonicalization(policy).bytes(&Value::Object(r))
}

/// A receipt for the call `linked_call_id`, signed by `issuer` over the form `policy` uses.
pub fn receipt(issuer: &SigningKey, issuer_name: &str, linked_call_id: &str, policy: ReceiptPolicy) -> Object {
    let mut r = Object::new();
    r.insert(
        "evidence_hash",
        s(&format!("sha256:{}", hex(&Sha256::digest(linked_call_id.as_bytes())))),
    );
    r.insert("evidence_type", s("controller-execution-receipt/v1"));
    r.insert("issuer", s(issuer_name));
    r.insert(
        "issuer_key_id",
        s(&issuer_key_id(&issuer.public_key()).expect("Ed25519 issuer")),
    );
    r.insert("linked_call_id", s(linked_call_id));
    sign_receipt(&mut r, issuer, policy);
    r
}

/// (Re)signs a receipt in place.
pub fn sign_receipt(r: &mut Object, issuer: &SigningKey, policy: ReceiptPolicy) {
    let sig = issuer.sign(&receipt_signing_input(r, policy));
    r.insert("signature", Value::String(b64::encode(&sig)));
}

fn s(text: &str) -> Value {
    Value::String(text.into())
}

fn int(n: i64) -> Value {
    Value::Number(Number::Int(n))
}

/// One call of a sample session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `salesforce.contacts` (pii), denied by policy.
    Deny,
    /// `echo` (public), allowed.
    Allow,
    /// `robot.move` (confidential), allowed, with a controller receipt.
    Receipt,
}

/// A deterministic sample session in the shape cmcp-runtime 0.7.1 emits (24 members per
/// entry): `session_start`, the calls, `session_end`. Ids and times are fixed.
pub fn sample_entries(session_id: &str, calls: &[Call], issuer: &SigningKey, policy: ReceiptPolicy) -> Vec<Object> {
    let mut entries = vec![entry(0, session_id, "session_start", None)];
    for (n, call) in calls.iter().enumerate() {
        let i = entries.len();
        let call_id = call_id(n + 1);
        let mut e = entry(i, session_id, "tool_call", Some(&call_id));
        let (tool, decision, class) = match call {
            Call::Deny => ("salesforce.contacts", "deny", "pii"),
            Call::Allow => ("echo", "allow", "public"),
            Call::Receipt => ("robot.move", "allow", "confidential"),
        };
        e.insert("tool_name", s(tool));
        e.insert("policy_decision", s(decision));
        e.insert("policy_rule_matched", s(&format!("Cedar (cedarpy): {decision}")));
        e.insert("session_sensitivity_after", s(class));
        e.insert(
            "request_payload_hash",
            s(&format!("sha256:{}", hex(&Sha256::digest(tool.as_bytes())))),
        );
        if *call == Call::Receipt {
            let r = receipt(issuer, "spiffe://controller.example/safety", &call_id, policy);
            e.insert("external_execution_evidence", Value::Object(r));
        }
        entries.push(e);
    }
    let end = entries.len();
    entries.push(entry(end, session_id, "session_end", None));
    link(&mut entries);
    entries
}

/// The call id of the n-th call (from 1) of a sample session.
pub fn call_id(n: usize) -> String {
    format!("ca11ab1e-0000-4000-8000-{n:012}")
}

/// An unlinked entry with every member cMCP writes (`null` where it writes `null`).
pub fn entry(seq: usize, session_id: &str, entry_type: &str, call_id: Option<&str>) -> Object {
    let mut e = Object::new();
    e.insert("entry_id", s(&format!("10000000-0000-4000-8000-{seq:012}")));
    e.insert("sequence_number", int(seq as i64));
    e.insert(
        "timestamp_utc",
        s(&format!("2026-07-25T17:20:{:02}.000000+00:00", seq % 60)),
    );
    e.insert("session_id", s(session_id));
    e.insert("call_id", call_id.map_or(Value::Null, s));
    e.insert("entry_type", s(entry_type));
    e.insert("tool_name", Value::Null);
    e.insert("server_identity", s("http://127.0.0.1:9/mcp"));
    e.insert("policy_decision", s("n/a"));
    e.insert("policy_rule_matched", Value::Null);
    e.insert("latency_us", int(1000 + seq as i64));
    e.insert("request_payload_hash", Value::Null);
    e.insert("response_payload_hash", Value::Null);
    e.insert("response_inspection_result", Value::Null);
    e.insert("session_sensitivity_before", s("public"));
    e.insert("session_sensitivity_after", s("public"));
    e.insert("detail", Value::Null);
    e.insert("workflow_id", s("conformance-agent"));
    e.insert("prev_entry_hash", Value::Null);
    e.insert("evidence_class", s("hash-only"));
    e.insert("external_execution_evidence", Value::Null);
    e.insert("effective_data_class", Value::Null);
    e.insert("execution_id", Value::Null);
    e.insert("entry_hash", Value::Null);
    e
}

/// Data classes from least to most sensitive, for `session_max_sensitivity`.
const SENSITIVITY: [&str; 4] = ["public", "internal", "confidential", "pii"];

/// Writes the chain's commitment into a RuntimeClaim: `gateway.audit_chain`,
/// `gateway.session_id`, `gateway.call_summary` and `trace.tool_transcript`. The claim is
/// left unsigned; sign it afterwards.
pub fn commit(claim: &mut Object, entries: &[Object]) {
    let hash = |e: &Object| e.get("entry_hash").cloned().unwrap_or(Value::Null);
    let calls: Vec<&Object> = entries
        .iter()
        .filter(|e| e.get("entry_type").and_then(Value::as_str) == Some("tool_call"))
        .collect();
    let count = |d: &[&str]| {
        calls
            .iter()
            .filter(|e| {
                e.get("policy_decision")
                    .and_then(Value::as_str)
                    .is_some_and(|p| d.contains(&p))
            })
            .count() as i64
    };
    let mut tools: Vec<String> = calls
        .iter()
        .filter_map(|e| e.get("tool_name")?.as_str().map(str::to_string))
        .collect();
    tools.sort();
    tools.dedup();
    let final_session = entries.last().and_then(|e| e.get("session_id")).cloned();
    let mut chain = Object::new();
    chain.insert("root", entries.first().map_or(Value::Null, hash));
    chain.insert("tip", entries.last().map_or(Value::Null, hash));
    chain.insert("length", int(entries.len() as i64));
    let mut summary = Object::new();
    summary.insert("tool_calls_total", int(calls.len() as i64));
    summary.insert("tool_calls_allowed", int(count(&["allow"])));
    summary.insert("tool_calls_denied", int(count(&["deny", "advisory_deny"])));
    summary.insert("tool_calls_faulted", int(count(&["fault"])));
    summary.insert(
        "tools_invoked",
        Value::Array(tools.into_iter().map(Value::String).collect()),
    );
    // Informative members the claim model requires; no verifier checks them against the chain.
    let max = calls
        .iter()
        .filter_map(|e| e.get("session_sensitivity_after")?.as_str())
        .max_by_key(|c| SENSITIVITY.iter().position(|k| k == c))
        .unwrap_or("public");
    summary.insert("session_max_sensitivity", s(max));
    let mut graph = Object::new();
    graph.insert("compliance_domains_touched", Value::Array(Vec::new()));
    graph.insert("cross_boundary_events", Value::Array(Vec::new()));
    summary.insert("call_graph_summary", Value::Object(graph));
    let tip = entries
        .last()
        .and_then(|e| e.get("entry_hash")?.as_str().map(str::to_string));
    if let Some(Value::Object(g)) = claim.get_mut("gateway") {
        g.insert("audit_chain", Value::Object(chain));
        g.insert("call_summary", Value::Object(summary));
        if let Some(sid) = final_session {
            g.insert("session_id", sid);
        }
    }
    if let Some(Value::Object(t)) = claim.get_mut("trace") {
        let mut transcript = Object::new();
        if let Some(tip) = tip {
            transcript.insert("hash", s(&format!("sha256:{tip}")));
        }
        transcript.insert("call_count", int(calls.len() as i64));
        t.insert("tool_transcript", Value::Object(transcript));
    }
}

/// A RuntimeClaim (unsigned) for `key` committing `entries`, issued at `iat`, with every
/// member the cmcp-runtime 0.7.1 claim model requires (its `trace` carries no `model`,
/// `build_provenance` or `appraisal`: that model forbids them).
pub fn claim_for(entries: &[Object], key: &SigningKey, iat: i64) -> Object {
    let mut trace = crate::sample::base_claims();
    for gap in ["model", "build_provenance", "appraisal"] {
        trace.remove(gap);
    }
    trace.insert("iat", int(iat));
    let mut cnf = Object::new();
    cnf.insert("jwk", Value::Object(key.public_key().to_jwk()));
    trace.insert("cnf", Value::Object(cnf));
    let mut gateway = Object::new();
    gateway.insert("gateway_version", s("0.7.1"));
    gateway.insert("sequence_number", int(1));
    let mut catalog = Object::new();
    catalog.insert(
        "hash",
        s(&format!("sha256:{}", hex(&Sha256::digest(b"conformance catalog")))),
    );
    catalog.insert("drift_detected", Value::Bool(false));
    gateway.insert("catalog", Value::Object(catalog));
    gateway.insert("attestation_generated_at", s(&crate::time::format_utc(iat)));
    gateway.insert("attestation_validity_seconds", int(86_400));
    gateway.insert("attestation_stale", Value::Bool(false));
    gateway.insert("catalog_exceptions", Value::Array(Vec::new()));
    gateway.insert("kill_switch_triggered", Value::Bool(false));
    let mut claim = Object::new();
    claim.insert("cmcp_version", s("1.0"));
    claim.insert("trace", Value::Object(trace));
    claim.insert("gateway", Value::Object(gateway));
    commit(&mut claim, entries);
    claim
}

/// Signs a RuntimeClaim in place over `canon` (cMCP signs sorted-ASCII JSON).
pub fn sign_claim(claim: &mut Object, key: &SigningKey, canon: CmcpCanonicalization) {
    claim.remove("signature");
    let sig = key.sign(&canon.bytes(&Value::Object(claim.clone())));
    claim.insert("signature", Value::String(b64::encode(&sig)));
}
