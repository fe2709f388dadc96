//! Action receipts for embodied workflows (TR-ACT-*, S2 §3.3.3, profile
//! `trace.action_receipt.conformance.v0`): each rule broken by two independent defects.

use crate::action_build::{CALL_ID, KEY_ID, MAX_AGE, ReceiptPresence, SESSION_ID};
use trace_record::json::Value;

crate::no_families!();

fn text(s: &str) -> Value {
    Value::String(s.into())
}

/// The string with its last character changed (a defect a prefix comparison misses).
fn last_changed(s: &str) -> String {
    let mut t: Vec<char> = s.chars().collect();
    let last = t.pop().expect("non-empty");
    t.push(if last == '0' { '1' } else { '0' });
    t.into_iter().collect()
}

vectors! { "act", "action-receipts", "Action receipts under a pinned controller key (trace.action_receipt.conformance.v0).";
    /// A controller accepts the bound action
    /// Valid: digest, binding, key, freshness and chain all check; physical completion stays unproven.
    fn valid_accepted(b) {
        b.action();
        b.valid(&["TR-ACT-001", "TR-ACT-002", "TR-ACT-003", "TR-ACT-004", "TR-ACT-005", "TR-ACT-006", "TR-ACT-007",
                  "TR-ACT-008", "TR-ACT-009", "TR-ACT-010", "TR-ACT-011", "TR-ACT-012", "TR-ACT-014", "TR-ACT-015"])
            .spec("S2 §3.3.3");
    }
    /// A controller rejects (aborts) the bound action
    /// A signed rejection is valid negative evidence, not a verification failure.
    fn valid_rejected(b) {
        let a = b.action();
        a.receipt_members.push(("decision", text("rejected")));
        a.evidence_members.push(("terminal_state", text("aborted")));
        b.valid(&["TR-ACT-014"]).spec("S2 §3.3.3");
    }
    /// Issued exactly the maximum age before verification
    /// Equality is fresh.
    fn age_at_the_limit(b) {
        b.action().age = MAX_AGE;
        b.valid(&["TR-ACT-009"]).spec("S2 §3.3.3");
    }
    /// Issued at the verification time itself
    /// Zero age is neither stale nor from the future.
    fn issued_now(b) {
        b.action().age = 0;
        b.valid(&["TR-ACT-010"]).spec("S2 §3.3.3");
    }
    /// No receipt where the profile does not require one
    /// Absence is reported, not a failure, when nothing was required.
    fn absent_not_required(b) {
        let a = b.action();
        a.presence = ReceiptPresence::Absent;
        a.require_receipt = false;
        b.valid(&["TR-ACT-001"]).spec("S2 §3.3.3");
    }
    /// A gateway self-report, accepted
    /// Valid, with issuer_not_independent reported.
    fn self_report_accepted(b) {
        b.action().receipt_members.push(("issuer_independence", text("gateway_self_report")));
        b.valid(&["TR-ACT-013"]).warning("TR-ACT-013").spec("S2 §3.3.3");
    }
    /// A gateway self-report on the rejected branch
    /// Issuer independence matters on both decisions.
    fn self_report_rejected(b) {
        let a = b.action();
        a.receipt_members.push(("issuer_independence", text("gateway_self_report")));
        a.receipt_members.push(("decision", text("rejected")));
        b.valid(&["TR-ACT-013"]).warning("TR-ACT-013").spec("S2 §3.3.3");
    }
    /// A required receipt is absent
    /// The profile requires one.
    fn missing_required(b) {
        b.action().presence = ReceiptPresence::Absent;
        b.invalid("evidence/receipt-missing", "TR-ACT-001").spec("S2 §3.3.3");
    }
    /// A required receipt given as null
    /// Null is absence through another door (presence checks miss it).
    fn null_required(b) {
        b.action().presence = ReceiptPresence::Null;
        b.invalid("evidence/receipt-missing", "TR-ACT-001").spec("S2 §3.3.3");
    }
    /// action_ref is not the digest of its pre-image
    /// A declared reference that is not recomputable binds nothing.
    fn action_ref_not_recomputable(b) {
        b.action().declared_action_ref = Some(format!("sha256:{}", "ab".repeat(32)));
        b.invalid("evidence/action-ref-invalid", "TR-ACT-002").spec("S2 §3.3.3 item 1");
    }
    /// action_ref wrong in its last character only
    /// A truncated comparison would accept it.
    fn action_ref_tail_forged(b) {
        let a = b.action();
        let good = a.materialize().ok().and_then(|d| trace_record::json::parse(&d).ok())
            .and_then(|d| d.pointer("/action/action_ref").and_then(Value::as_str).map(str::to_string)).expect("ref");
        a.declared_action_ref = Some(last_changed(&good));
        b.invalid("evidence/action-ref-invalid", "TR-ACT-002").spec("S2 §3.3.3 item 1");
    }
    /// The receipt binds another action
    /// Signed, but over a different action_ref.
    fn receipt_for_another_action(b) {
        b.action().receipt_members.push(("action_ref", text(&format!("sha256:{}", "cd".repeat(32)))));
        b.invalid("evidence/action-ref-mismatch", "TR-ACT-003").spec("S2 §3.3.3 item 4");
    }
    /// The receipt's action_ref differs in its last character
    /// A prefix comparison would accept it.
    fn receipt_action_ref_tail(b) {
        let a = b.action();
        let good = a.materialize().ok().and_then(|d| trace_record::json::parse(&d).ok())
            .and_then(|d| d.pointer("/action/action_ref").and_then(Value::as_str).map(str::to_string)).expect("ref");
        a.receipt_members.push(("action_ref", text(&last_changed(&good))));
        b.invalid("evidence/action-ref-mismatch", "TR-ACT-003").spec("S2 §3.3.3 item 4");
    }
    /// Bound to another call
    /// An authentic receipt for a different call.
    fn another_call(b) {
        b.action().receipt_members.push(("linked_call_id", text("0198a3f2-7c1e-7d40-9b2a-4e6f00000001")));
        b.invalid("evidence/receipt-misbound", "TR-ACT-004").spec("S2 §3.3.3 item 4");
    }
    /// The call id in upper case
    /// Case-normalised matching would accept it; it is another id.
    fn call_id_case_variant(b) {
        b.action().receipt_members.push(("linked_call_id", text(&CALL_ID.to_uppercase())));
        b.invalid("evidence/receipt-misbound", "TR-ACT-004").spec("S2 §3.3.3 item 4");
    }
    /// From another session
    /// An authentic receipt for a different session.
    fn another_session(b) {
        b.action().receipt_members.push(("session_id", text("trace-session-2026-07-25T09:00:00Z")));
        b.invalid("evidence/session-mismatch", "TR-ACT-005").spec("S2 §3.3.3 item 4");
    }
    /// The session id in lower case
    /// Byte-exact comparison: case variants are other sessions.
    fn session_id_case_variant(b) {
        b.action().receipt_members.push(("session_id", text(&SESSION_ID.to_lowercase())));
        b.invalid("evidence/session-mismatch", "TR-ACT-005").spec("S2 §3.3.3 item 4");
    }
    /// The detached evidence swapped after signing
    /// The signature covers a digest whose document was replaced.
    fn evidence_swapped(b) {
        b.action().evidence_swapped.push(("completeness_claim", text("proven")));
        b.invalid("evidence/evidence-hash-mismatch", "TR-ACT-006").spec("S2 §3.3.3 item 1");
    }
    /// evidence_hash wrong in its last character
    /// A truncated digest comparison would accept it.
    fn evidence_hash_tail(b) {
        let a = b.action();
        let good = a.materialize().ok().and_then(|d| trace_record::json::parse(&d).ok())
            .and_then(|d| d.pointer("/receipt/evidence_hash").and_then(Value::as_str).map(str::to_string)).expect("hash");
        a.receipt_members.push(("evidence_hash", text(&last_changed(&good))));
        b.invalid("evidence/evidence-hash-mismatch", "TR-ACT-006").spec("S2 §3.3.3 item 1");
    }
    /// The issuer key is not pinned
    /// Unverified, not invalid: the receipt never authenticates itself.
    fn issuer_key_unknown(b) {
        b.action().pin_as = Some("did:web:controller.example:other#ed25519-2026q3".into());
        b.unverified("evidence/receipt-unverified", "TR-ACT-007").spec("S2 §3.3.3 item 2");
    }
    /// The right key pinned under a case variant of the key id
    /// Not the id the receipt names: unverified.
    fn issuer_key_id_case_variant(b) {
        b.action().pin_as = Some(KEY_ID.to_uppercase());
        b.unverified("evidence/receipt-unverified", "TR-ACT-007").spec("S2 §3.3.3 item 2");
    }
    /// Signed by another key under the pinned key id
    /// The pinned key decides.
    fn signed_by_impostor(b) {
        b.action().signer = Some("impostor");
        b.invalid("evidence/receipt-signature-invalid", "TR-ACT-008").spec("S2 §3.3.3 item 2");
    }
    /// Signed with ES256 by the pinned ES256 key
    /// The action-receipt profile signs with Ed25519 only; another algorithm is refused, even verified.
    fn signed_es256(b) {
        b.action().alg = trace_record::Alg::ES256;
        b.invalid("evidence/receipt-signature-invalid", "TR-ACT-008").spec("S2 §3.3.3 item 2");
    }
    /// A signature of 32 bytes
    /// Valid base64url, wrong structure: refused without cryptography.
    fn signature_too_short(b) {
        b.action().signature_text = Some(trace_record::b64::encode(&[7u8; 32]));
        b.invalid("evidence/receipt-signature-invalid", "TR-ACT-008").spec("S2 §3.3.3 item 2");
    }
    /// Issued one second past the maximum age
    /// Stale by exactly one second.
    fn stale_by_one_second(b) {
        b.action().age = MAX_AGE + 1;
        b.invalid("freshness/stale", "TR-ACT-009").spec("S2 §3.3.3 item 5");
    }
    /// Issued a day before verification
    /// Far outside the window.
    fn stale_by_a_day(b) {
        b.action().age = 86_400;
        b.invalid("freshness/stale", "TR-ACT-009").spec("S2 §3.3.3 item 5");
    }
    /// Issued one second after the verification time
    /// No skew is tolerated.
    fn future_by_one_second(b) {
        b.action().age = -1;
        b.invalid("freshness/future", "TR-ACT-010").spec("S2 §3.3.3 item 5");
    }
    /// Issued an hour after the verification time
    /// An upper bound on age alone never rejects it.
    fn future_by_an_hour(b) {
        b.action().age = -3_600;
        b.invalid("freshness/future", "TR-ACT-010").spec("S2 §3.3.3 item 5");
    }
    /// The receipt links to another predecessor
    /// The chain has a gap.
    fn chain_gap(b) {
        b.action().receipt_members.push(("previous_receipt_hash", text(&format!("sha256:{}", "77".repeat(32)))));
        b.invalid("evidence/receipt-chain-gap", "TR-ACT-011").spec("S2 §3.3.3 item 3");
    }
    /// The predecessor link wrong in its last character
    /// A prefix comparison would accept it.
    fn chain_gap_in_tail(b) {
        b.action().context_members.push(("expected_previous_receipt_hash", text(&last_changed(crate::action_build::PREVIOUS))));
        b.invalid("evidence/receipt-chain-gap", "TR-ACT-011").spec("S2 §3.3.3 item 3");
    }
    /// The evidence claims physical completion
    /// Base TRACE cannot verify it.
    fn physical_completion_claimed(b) {
        b.action().evidence_members.push(("physical_completion_claim", text("completed")));
        b.invalid("evidence/unsupported-claim", "TR-ACT-012").spec("S2 §3.3.3");
    }
    /// The claim "None" instead of "none"
    /// In the vocabulary case-insensitively, outside it as bytes.
    fn physical_completion_case_variant(b) {
        b.action().evidence_members.push(("physical_completion_claim", text("None")));
        b.invalid("evidence/unsupported-claim", "TR-ACT-012").spec("S2 §3.3.3");
    }
    /// The decision "deferred"
    /// An unknown verb must not read as accept or reject.
    fn decision_deferred(b) {
        b.action().receipt_members.push(("decision", text("deferred")));
        b.invalid("evidence/decision-invalid", "TR-ACT-014").spec("S2 §3.3.3");
    }
    /// The decision "Accepted"
    /// In the vocabulary case-insensitively, outside it as bytes.
    fn decision_case_variant(b) {
        b.action().receipt_members.push(("decision", text("Accepted")));
        b.invalid("evidence/decision-invalid", "TR-ACT-014").spec("S2 §3.3.3");
    }
    /// The context has no verification time
    /// Without it no freshness rule can be applied.
    fn context_without_time(b) {
        b.action().context_without.push("verification_time");
        b.invalid("evidence/action-document-malformed", "TR-ACT-015").spec("S2 §3.3.3");
    }
    /// The receipt is a string
    /// A receipt is an object or null.
    fn receipt_is_a_string(b) {
        b.action().receipt_value = Some(text("accepted"));
        b.invalid("evidence/action-document-malformed", "TR-ACT-015").spec("S2 §3.3.3");
    }
}
