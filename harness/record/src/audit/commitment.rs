//! What a RuntimeClaim says about its chain, checked against the chain.
//!
//! Owns: TR-AUD-005 (root, tip, length, `tool_transcript.hash`), TR-AUD-006 (call counts),
//! TR-AUD-007 (the session the chain ends in) and TR-AUD-008 (`bundle_signature`). Does not
//! own the claim's signature or content rules (`crate::verify`).

use super::chain::Chain;
use super::seal;
use crate::b64;
use crate::finding::Finding;
use crate::json::{Number, Object, Value};
use crate::keys::PublicKey;

pub(super) fn check(bundle: &Value, chain: &Chain, claim: &Object, out: &mut Vec<Finding>) {
    let at = |path: &str| claim_pointer(claim, path);
    check_summary_pointers(chain, out, &at);
    check_counts(chain, claim, out);
    if let Some(final_session) = chain.final_session
        && at("/gateway/session_id").and_then(Value::as_str) != Some(final_session)
    {
        out.push(Finding::fail(
            "TR-AUD-007",
            "chain/session-mismatch",
            "/gateway/session_id",
            format!("gateway.session_id is not {final_session:?}, the session the chain ends in"),
        ));
    }
    check_bundle_signature(bundle, chain, claim, out);
}

fn claim_pointer<'a>(claim: &'a Object, path: &str) -> Option<&'a Value> {
    let mut cur = claim;
    let mut parts = path.trim_start_matches('/').split('/').peekable();
    while let Some(part) = parts.next() {
        let v = cur.get(part)?;
        if parts.peek().is_none() {
            return Some(v);
        }
        cur = v.as_object()?;
    }
    None
}

fn commitment(pointer: &str, message: String) -> Finding {
    Finding::fail("TR-AUD-005", "chain/commitment-mismatch", pointer, message)
}

fn check_summary_pointers<'a>(chain: &Chain, out: &mut Vec<Finding>, at: &dyn Fn(&str) -> Option<&'a Value>) {
    let first = chain.entries.first().and_then(|e| e.get("entry_hash"));
    let last = chain.entries.last().and_then(|e| e.get("entry_hash"));
    if at("/gateway/audit_chain/root") != first {
        out.push(commitment(
            "/gateway/audit_chain/root",
            "gateway.audit_chain.root is not the first entry's entry_hash".into(),
        ));
    }
    if at("/gateway/audit_chain/tip") != last {
        out.push(commitment(
            "/gateway/audit_chain/tip",
            "gateway.audit_chain.tip is not the last entry's entry_hash".into(),
        ));
    }
    let length = chain.entries.len() as i64;
    if at("/gateway/audit_chain/length") != Some(&Value::Number(Number::Int(length))) {
        out.push(commitment(
            "/gateway/audit_chain/length",
            format!("gateway.audit_chain.length is not {length}, the number of entries"),
        ));
    }
    let has_calls = chain.entries.iter().any(|e| is_tool_call(e));
    match (at("/trace/tool_transcript/hash"), last.and_then(Value::as_str)) {
        (None, _) if has_calls => out.push(commitment(
            "/trace/tool_transcript/hash",
            "the chain has tool calls but the claim has no tool_transcript.hash".into(),
        )),
        (Some(stated), Some(tip)) if stated.as_str() != Some(format!("sha256:{tip}").as_str()) => out.push(commitment(
            "/trace/tool_transcript/hash",
            "tool_transcript.hash is not \"sha256:\" followed by the last entry_hash".into(),
        )),
        _ => {}
    }
}

fn is_tool_call(e: &Object) -> bool {
    e.get("entry_type").and_then(Value::as_str) == Some("tool_call")
}

/// The counts a claim states, recomputed from the `tool_call` entries (as cMCP does:
/// denied counts `deny` and `advisory_deny`, faulted counts `fault`).
fn check_counts(chain: &Chain, claim: &Object, out: &mut Vec<Finding>) {
    let calls: Vec<&Object> = chain.entries.iter().copied().filter(|e| is_tool_call(e)).collect();
    let decided = |names: &[&str]| {
        calls
            .iter()
            .filter(|e| {
                e.get("policy_decision")
                    .and_then(Value::as_str)
                    .is_some_and(|d| names.contains(&d))
            })
            .count() as i64
    };
    let mut tools: Vec<&str> = calls.iter().filter_map(|e| e.get("tool_name")?.as_str()).collect();
    tools.sort_unstable();
    tools.dedup();
    let int = |n: i64| Value::Number(Number::Int(n));
    let expected: [(&str, Value); 6] = [
        ("/trace/tool_transcript/call_count", int(calls.len() as i64)),
        ("/gateway/call_summary/tool_calls_total", int(calls.len() as i64)),
        ("/gateway/call_summary/tool_calls_allowed", int(decided(&["allow"]))),
        (
            "/gateway/call_summary/tool_calls_denied",
            int(decided(&["deny", "advisory_deny"])),
        ),
        ("/gateway/call_summary/tool_calls_faulted", int(decided(&["fault"]))),
        (
            "/gateway/call_summary/tools_invoked",
            Value::Array(tools.iter().map(|t| Value::String(t.to_string())).collect()),
        ),
    ];
    for (pointer, want) in expected {
        if claim_pointer(claim, pointer) != Some(&want) {
            out.push(Finding::fail(
                "TR-AUD-006",
                "chain/summary-mismatch",
                pointer,
                format!("{pointer} does not match the chain's tool_call entries"),
            ));
        }
    }
}

fn check_bundle_signature(bundle: &Value, chain: &Chain, claim: &Object, out: &mut Vec<Finding>) {
    let pointer = "/bundle_signature";
    let signature = match bundle.pointer(pointer) {
        Some(Value::String(s)) if !s.is_empty() => s,
        _ => {
            out.push(Finding::fail(
                "TR-AUD-008",
                "signature/missing",
                pointer,
                "the bundle has no bundle_signature",
            ));
            return;
        }
    };
    let key = claim_pointer(claim, "/trace/cnf/jwk").map(PublicKey::from_jwk);
    let Some(Ok(key @ PublicKey::Ed25519(_))) = key else {
        // The claim's own verification reports an unusable key (TR-SIG-002).
        return;
    };
    let digest = seal::bundle_digest(&chain.entries);
    let valid = b64::decode(signature).is_ok_and(|sig| key.verify(&digest, &sig).is_ok());
    if !valid {
        out.push(Finding::fail(
            "TR-AUD-008",
            "signature/invalid",
            pointer,
            "bundle_signature is not the claim key's signature over SHA-256 of the canonical entries",
        ));
    }
}
