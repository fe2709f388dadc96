//! The knobs of a `verify-action-receipt` vector: one action, its detached evidence and a
//! receipt signed by a test controller key, then broken in one documented way.
//!
//! Owns: [`ActionBuild`] and its materialisation into the document the verifier reads
//! (`{context, action, trusted_issuer_keys, evidence, receipt}`). Every knob that is set
//! must change the document; one with no effect is a generator error. Does not own which
//! action-receipt vectors exist (`sets::action`).

use sha2::{Digest, Sha256};
use trace_record::json::{Number, Object, Value};
use trace_record::sample::{self, SAMPLE_IAT, hex};
use trace_record::{Alg, b64, jcs};

pub const CALL_ID: &str = "0198a3f2-7c1e-7d40-9b2a-4e6f00c0ffee";
pub const SESSION_ID: &str = "trace-session-2026-07-25T17:15:00Z";
pub const KEY_ID: &str = "did:web:controller.example:safety#ed25519-2026q3";
pub const PREVIOUS: &str = "sha256:5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";
pub const MAX_AGE: i64 = 300;

/// Where the receipt is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptPresence {
    Present,
    Null,
    Absent,
}

#[derive(Clone, Debug)]
pub struct ActionBuild {
    pub presence: ReceiptPresence,
    pub require_receipt: bool,
    /// Declare this `action_ref` in both the action and the receipt (not the digest).
    pub declared_action_ref: Option<String>,
    /// Receipt members set before signing.
    pub receipt_members: Vec<(&'static str, Value)>,
    /// Evidence members set before the receipt commits to the evidence.
    pub evidence_members: Vec<(&'static str, Value)>,
    /// Evidence members set after the receipt was signed (the evidence swapped).
    pub evidence_swapped: Vec<(&'static str, Value)>,
    /// Context members set last.
    pub context_members: Vec<(&'static str, Value)>,
    /// Context members removed last.
    pub context_without: Vec<&'static str>,
    /// Pin the issuer key under this id instead of the receipt's.
    pub pin_as: Option<String>,
    /// Sign with this test key instead of the pinned one.
    pub signer: Option<&'static str>,
    /// Replace the signature with this text after signing.
    pub signature_text: Option<String>,
    /// Seconds between issuance and verification (negative: issued after).
    pub age: i64,
    /// Replace the whole receipt with this value.
    pub receipt_value: Option<Value>,
    /// The algorithm of the issuer key, pinned and signing (the profile allows Ed25519 only).
    pub alg: Alg,
}

impl Default for ActionBuild {
    fn default() -> Self {
        ActionBuild {
            presence: ReceiptPresence::Present,
            require_receipt: true,
            declared_action_ref: None,
            receipt_members: Vec::new(),
            evidence_members: Vec::new(),
            evidence_swapped: Vec::new(),
            context_members: Vec::new(),
            context_without: Vec::new(),
            pin_as: None,
            signer: None,
            signature_text: None,
            age: 120,
            receipt_value: None,
            alg: Alg::EdDSA,
        }
    }
}

fn s(text: &str) -> Value {
    Value::String(text.into())
}

fn digest(v: &Value) -> String {
    format!("sha256:{}", hex(&Sha256::digest(jcs::canonicalize(v))))
}

fn object(members: &[(&str, Value)]) -> Object {
    let mut o = Object::new();
    for (k, v) in members {
        o.insert(*k, v.clone());
    }
    o
}

fn set_all(o: &mut Object, members: &[(&'static str, Value)], what: &str) -> Result<(), String> {
    for (k, v) in members {
        if o.get(k) == Some(v) {
            return Err(format!("action knob {what}.{k} had no effect"));
        }
        o.insert(*k, v.clone());
    }
    Ok(())
}

impl ActionBuild {
    /// The document's bytes (RFC 8785, so that it reads the same in every language).
    pub fn materialize(&self) -> Result<Vec<u8>, String> {
        let now = SAMPLE_IAT;
        let mut action = object(&[
            ("agent_id", s("spiffe://factory.example/agent/pick-and-place")),
            ("action_type", s("ros2.action.example_interfaces/Fibonacci")),
            ("action_scope", s("/cell-a/pick_place")),
            (
                "action_timestamp",
                s(&trace_record::time::format_utc(now - self.age - 2).replace("+00:00", "Z")),
            ),
        ]);
        let action_ref = match &self.declared_action_ref {
            Some(r) => r.clone(),
            None => digest(&Value::Object(action.clone())),
        };
        action.insert("action_ref", s(&action_ref));
        let mut evidence = object(&[
            ("terminal_state", s("accepted")),
            ("physical_completion_claim", s("none")),
            ("completeness_claim", s("not_proven")),
        ]);
        set_all(&mut evidence, &self.evidence_members, "evidence")?;
        let mut receipt = object(&[
            ("issuer", s("did:web:controller.example:safety")),
            ("issuer_key_id", s(KEY_ID)),
            ("issuer_independence", s("separate_process")),
            ("linked_call_id", s(CALL_ID)),
            ("session_id", s(SESSION_ID)),
            ("action_ref", s(&action_ref)),
            ("evidence_type", s("application/vnd.agentrust.action-receipt+json")),
            ("evidence_hash", s(&digest(&Value::Object(evidence.clone())))),
            ("previous_receipt_hash", s(PREVIOUS)),
            (
                "issued_at",
                s(&trace_record::time::format_utc(now - self.age).replace("+00:00", "Z")),
            ),
            ("decision", s("accepted")),
        ]);
        set_all(&mut receipt, &self.receipt_members, "receipt")?;
        let signer = sample::test_key(self.alg, self.signer.unwrap_or("action-controller"));
        let sig = signer.sign(&jcs::canonicalize(&Value::Object(receipt.clone())));
        receipt.insert("signature", s(&b64::encode(&sig)));
        if let Some(t) = &self.signature_text {
            receipt.insert("signature", s(t));
        }
        set_all(&mut evidence, &self.evidence_swapped, "evidence")?;
        let mut keys = Object::new();
        keys.insert(
            self.pin_as.as_deref().unwrap_or(KEY_ID),
            Value::Object(sample::test_key(self.alg, "action-controller").public_key().to_jwk()),
        );
        let mut context = object(&[
            ("call_id", s(CALL_ID)),
            ("session_id", s(SESSION_ID)),
            ("require_receipt", Value::Bool(self.require_receipt)),
            (
                "verification_time",
                s(&trace_record::time::format_utc(now).replace("+00:00", "Z")),
            ),
            ("max_receipt_age_seconds", Value::Number(Number::Int(MAX_AGE))),
            ("expected_previous_receipt_hash", s(PREVIOUS)),
        ]);
        set_all(&mut context, &self.context_members, "context")?;
        for k in &self.context_without {
            context
                .remove(k)
                .ok_or_else(|| format!("action knob context_without {k} had no effect"))?;
        }
        let mut doc = Object::new();
        doc.insert("context", Value::Object(context));
        doc.insert("action", Value::Object(action));
        doc.insert("trusted_issuer_keys", Value::Object(keys));
        doc.insert("evidence", Value::Object(evidence));
        match (self.presence, &self.receipt_value) {
            (_, Some(v)) => doc.insert("receipt", v.clone()),
            (ReceiptPresence::Present, None) => doc.insert("receipt", Value::Object(receipt)),
            (ReceiptPresence::Null, None) => doc.insert("receipt", Value::Null),
            (ReceiptPresence::Absent, None) => {}
        }
        Ok(jcs::canonicalize(&Value::Object(doc)))
    }
}
