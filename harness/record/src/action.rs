//! Action receipts for embodied workflows (S2 §3.3.3, informative), as the profile
//! `trace.action_receipt.conformance.v0` of trace-spec's examples defines them: a detached,
//! signed receipt about one action request, checked against the session, the call, the
//! action's canonical pre-image, the detached evidence, a pinned issuer key, freshness and
//! the receipt chain.
//!
//! Owns: [`verify_action_receipt`] and the rule order of its report (every rule runs, no
//! short-circuit; failures and warnings are listed in the profile's registry order). Does
//! not own the Trust Record or the audit chain (`audit`): this is a separate evidence layer.

use crate::b64;
use crate::envelope;
use crate::finding::{Finding, Status, Verdict};
use crate::jcs;
use crate::json::{self, Object, Value};
use crate::keys::{Alg, PublicKey};
use crate::sample::hex;
use sha2::{Digest, Sha256};

/// The profile's failure and warning codes with their rules, in registry order.
pub const CODES: [(&str, &str); 14] = [
    ("receipt_missing", "TR-ACT-001"),
    ("action_ref_invalid", "TR-ACT-002"),
    ("action_ref_mismatch", "TR-ACT-003"),
    ("call_id_mismatch", "TR-ACT-004"),
    ("session_id_mismatch", "TR-ACT-005"),
    ("evidence_hash_mismatch", "TR-ACT-006"),
    ("issuer_key_unknown", "TR-ACT-007"),
    ("signature_or_key_mismatch", "TR-ACT-008"),
    ("receipt_stale", "TR-ACT-009"),
    ("receipt_from_future", "TR-ACT-010"),
    ("receipt_chain_gap", "TR-ACT-011"),
    ("unsupported_physical_completion_claim", "TR-ACT-012"),
    ("issuer_not_independent", "TR-ACT-013"),
    ("decision_invalid", "TR-ACT-014"),
];

/// The decisions a controller can sign, byte for byte.
pub const DECISIONS: [&str; 2] = ["accepted", "rejected"];

/// What the verifier concluded about one receipt.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ActionReport {
    pub verdict: Verdict,
    /// `receipt_valid_accepted`, `receipt_valid_rejected`, `receipt_invalid`,
    /// `receipt_unverified`, `receipt_missing_required` or `receipt_absent`.
    pub status: &'static str,
    /// The controller's terminal state when the receipt is valid, else `unknown`.
    pub controller_outcome: String,
    /// Failure codes, in registry order.
    pub failures: Vec<&'static str>,
    /// Warning codes (`issuer_key_unknown`, `issuer_not_independent`), in registry order.
    pub warnings: Vec<&'static str>,
    pub findings: Vec<Finding>,
}

fn code_of(rule: &str) -> &'static str {
    CODES
        .iter()
        .find(|(_, r)| *r == rule)
        .map(|(c, _)| *c)
        .unwrap_or("malformed")
}

fn digest(v: &Value) -> String {
    format!("sha256:{}", hex(&Sha256::digest(jcs::canonicalize(v))))
}

fn text<'a>(o: Option<&'a Object>, name: &str) -> Option<&'a str> {
    o?.get(name)?.as_str()
}

struct Checks {
    found: Vec<Finding>,
}

impl Checks {
    fn add(&mut self, rule: &'static str, class: &'static str, pointer: &str, message: String) {
        let status = match rule {
            "TR-ACT-007" => Status::Unverified,
            "TR-ACT-013" => Status::Advisory,
            _ => Status::Fail,
        };
        self.found.push(Finding::new(rule, status, class, pointer, message));
    }
    fn expect_eq(&mut self, got: Option<&str>, want: Option<&str>, rule: &'static str, class: &'static str, at: &str) {
        if got.is_none() || got != want {
            let show = |v: Option<&str>| v.map_or("absent".to_string(), |v| format!("{v:?}"));
            self.add(
                rule,
                class,
                at,
                format!("{} is not the expected {}", show(got), show(want)),
            );
        }
    }
}

/// Verifies one action-receipt document: `{context, action, trusted_issuer_keys, evidence,
/// receipt}` (other members, such as a fixture's `name` or `expected`, are ignored).
pub fn verify_action_receipt(bytes: &[u8]) -> ActionReport {
    let mut c = Checks { found: Vec::new() };
    match json::parse(bytes) {
        Err(e) => c.found.push(envelope::parse_finding(&e, "")),
        Ok(Value::Object(doc)) => check(&doc, &mut c),
        Ok(_) => c.found.push(Finding::fail(
            "TR-GEN-008",
            "input/not-object",
            "",
            "an action-receipt document is a JSON object",
        )),
    }
    report(c.found, bytes)
}

fn check(doc: &Object, c: &mut Checks) {
    let obj = |name: &str| doc.get(name).and_then(Value::as_object);
    let (context, action) = (obj("context"), obj("action"));
    let now = text(context, "verification_time").and_then(|t| crate::time::parse_time(t).ok());
    let max_age = context
        .and_then(|o| o.get("max_receipt_age_seconds"))
        .and_then(Value::as_int);
    let (Some(now), Some(max_age), Some(_)) = (now, max_age, action) else {
        c.found.push(Finding::fail(
            "TR-ACT-015",
            "evidence/action-document-malformed",
            "/context",
            "the document needs context.verification_time (RFC 3339), context.max_receipt_age_seconds and an action object",
        ));
        return;
    };
    let receipt = match doc.get("receipt") {
        None | Some(Value::Null) => None,
        Some(Value::Object(r)) => Some(r),
        Some(_) => {
            c.found.push(Finding::fail(
                "TR-ACT-015",
                "evidence/action-document-malformed",
                "/receipt",
                "the receipt is neither an object nor null",
            ));
            return;
        }
    };
    let required = context.and_then(|o| o.get("require_receipt")) == Some(&Value::Bool(true));
    if receipt.is_none() && required {
        c.add(
            "TR-ACT-001",
            "evidence/receipt-missing",
            "/receipt",
            "the profile requires a receipt and there is none".into(),
        );
    }
    // The action's own reference: the digest of its canonical pre-image.
    let preimage: Option<Object> = ["agent_id", "action_type", "action_scope", "action_timestamp"]
        .into_iter()
        .map(|k| Some((k, action?.get(k)?.clone())))
        .collect::<Option<Vec<_>>>()
        .map(|members| {
            let mut o = Object::new();
            for (k, v) in members {
                o.insert(k, v);
            }
            o
        });
    let recomputed = preimage.map(|p| digest(&Value::Object(p)));
    c.expect_eq(
        text(action, "action_ref"),
        recomputed.as_deref(),
        "TR-ACT-002",
        "evidence/action-ref-invalid",
        "/action/action_ref",
    );
    let Some(r) = receipt else { return };
    let r_text = |name: &str| r.get(name).and_then(Value::as_str);
    c.expect_eq(
        r_text("action_ref"),
        text(action, "action_ref"),
        "TR-ACT-003",
        "evidence/action-ref-mismatch",
        "/receipt/action_ref",
    );
    c.expect_eq(
        r_text("linked_call_id"),
        text(context, "call_id"),
        "TR-ACT-004",
        "evidence/receipt-misbound",
        "/receipt/linked_call_id",
    );
    c.expect_eq(
        r_text("session_id"),
        text(context, "session_id"),
        "TR-ACT-005",
        "evidence/session-mismatch",
        "/receipt/session_id",
    );
    let evidence = doc.get("evidence").filter(|e| e.as_object().is_some());
    let evidence_digest = evidence.map(digest);
    c.expect_eq(
        r_text("evidence_hash"),
        evidence_digest.as_deref(),
        "TR-ACT-006",
        "evidence/evidence-hash-mismatch",
        "/receipt/evidence_hash",
    );
    check_signature(doc, r, c);
    match r_text("issued_at").and_then(|t| crate::time::parse_time(t).ok()) {
        None => c.add(
            "TR-ACT-009",
            "freshness/stale",
            "/receipt/issued_at",
            "issued_at is not an RFC 3339 timestamp".into(),
        ),
        Some(issued) if now - issued > max_age => c.add(
            "TR-ACT-009",
            "freshness/stale",
            "/receipt/issued_at",
            format!(
                "issued {} s before the verification time; at most {max_age} s allowed",
                now - issued
            ),
        ),
        Some(issued) if issued > now => c.add(
            "TR-ACT-010",
            "freshness/future",
            "/receipt/issued_at",
            format!(
                "issued {} s after the verification time (no skew is tolerated)",
                issued - now
            ),
        ),
        Some(_) => {}
    }
    if let Some(expected) = context.and_then(|o| o.get("expected_previous_receipt_hash")) {
        c.expect_eq(
            r_text("previous_receipt_hash"),
            expected.as_str(),
            "TR-ACT-011",
            "evidence/receipt-chain-gap",
            "/receipt/previous_receipt_hash",
        );
    }
    let claim = evidence
        .and_then(Value::as_object)
        .and_then(|e| e.get("physical_completion_claim"));
    if claim.is_some_and(|v| v.as_str() != Some("none")) {
        c.add(
            "TR-ACT-012",
            "evidence/unsupported-claim",
            "/evidence/physical_completion_claim",
            "base TRACE cannot verify a physical-completion claim other than \"none\"".into(),
        );
    }
    if r_text("issuer_independence") == Some("gateway_self_report") {
        c.add(
            "TR-ACT-013",
            "advisory/issuer-not-independent",
            "/receipt/issuer_independence",
            "the issuer is the gateway itself, not an independent party".into(),
        );
    }
    if !r_text("decision").is_some_and(|d| DECISIONS.contains(&d)) {
        c.add(
            "TR-ACT-014",
            "evidence/decision-invalid",
            "/receipt/decision",
            format!("decision {:?} is not accepted or rejected", r.get("decision")),
        );
    }
}

/// The issuer key comes from the pinned set only, under exactly the id the receipt names.
fn check_signature(doc: &Object, r: &Object, c: &mut Checks) {
    let key_id = r.get("issuer_key_id").and_then(Value::as_str);
    let pinned = doc.get("trusted_issuer_keys").and_then(Value::as_object);
    let Some(jwk) = key_id.and_then(|id| pinned?.get(id)) else {
        c.add(
            "TR-ACT-007",
            "evidence/receipt-unverified",
            "/receipt/issuer_key_id",
            format!("issuer_key_unknown: {key_id:?} is not a pinned issuer key id"),
        );
        return;
    };
    let mut unsigned = r.clone();
    unsigned.remove("signature");
    let valid = match (
        PublicKey::from_jwk(jwk),
        r.get("signature").and_then(Value::as_str).map(b64::decode),
    ) {
        (Ok(key), Some(Ok(sig))) if key.alg() == Alg::EdDSA => {
            key.verify(&jcs::canonicalize(&Value::Object(unsigned)), &sig).is_ok()
        }
        _ => false,
    };
    if !valid {
        c.add(
            "TR-ACT-008",
            "evidence/receipt-signature-invalid",
            "/receipt/signature",
            "the signature does not verify under the pinned Ed25519 key over RFC 8785 of the receipt without signature"
                .into(),
        );
    }
}

fn report(mut findings: Vec<Finding>, bytes: &[u8]) -> ActionReport {
    let rank = |f: &Finding| CODES.iter().position(|(_, r)| *r == f.rule).unwrap_or(0);
    findings.sort_by_key(rank);
    let codes = |status: &[Status]| -> Vec<&'static str> {
        findings
            .iter()
            .filter(|f| status.contains(&f.status))
            .map(|f| code_of(f.rule))
            .collect()
    };
    let failures = codes(&[Status::Fail]);
    let warnings = codes(&[Status::Unverified, Status::Advisory]);
    let doc = json::parse(bytes).ok();
    let at = |p: &str| doc.as_ref().and_then(|d| d.pointer(p));
    let has_receipt = !matches!(at("/receipt"), None | Some(Value::Null));
    let (verdict, status) = if findings.iter().any(|f| f.rule == "TR-ACT-001") {
        (Verdict::Reject, "receipt_missing_required")
    } else if !failures.is_empty() {
        (Verdict::Reject, "receipt_invalid")
    } else if findings.iter().any(|f| f.status == Status::Unverified) {
        (Verdict::Unverified, "receipt_unverified")
    } else if !has_receipt {
        (Verdict::Accept, "receipt_absent")
    } else if at("/receipt/decision").and_then(Value::as_str) == Some("accepted") {
        (Verdict::Accept, "receipt_valid_accepted")
    } else {
        (Verdict::Accept, "receipt_valid_rejected")
    };
    let controller_outcome = match status {
        "receipt_valid_accepted" | "receipt_valid_rejected" => at("/evidence/terminal_state")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string(),
        _ => "unknown".to_string(),
    };
    ActionReport {
        verdict,
        status,
        controller_outcome,
        failures,
        warnings,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_listed_in_registry_order_whatever_order_they_were_found_in() {
        let fail = |rule| Finding::fail(rule, "evidence/receipt-signature-invalid", "/receipt", "x");
        let r = report(vec![fail("TR-ACT-011"), fail("TR-ACT-003"), fail("TR-ACT-008")], b"{}");
        assert_eq!(
            r.failures,
            ["action_ref_mismatch", "signature_or_key_mismatch", "receipt_chain_gap"]
        );
        assert_eq!(
            r.findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
            ["TR-ACT-003", "TR-ACT-008", "TR-ACT-011"]
        );
    }
}
