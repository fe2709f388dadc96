//! External execution evidence inside audit entries (TR-EXT-*, S2 §3.3.2), with the issuer
//! key configured or not, under TRACE's rules and under cMCP's (`cmcp-compat`).

use crate::chain_build::Sealed;
use trace_record::audit::{ReceiptPolicy, seal};
use trace_record::json::Value;

crate::no_families!();

fn text(s: &str) -> Value {
    Value::String(s.into())
}

vectors! { "ext", "receipts", "Receipts (external_execution_evidence) in audit entries, per S2 §3.3.2 and per cMCP.";
    /// A receipt verified with its issuer key configured
    /// RFC 8785 of the receipt without signature, Ed25519, linked_call_id equal to the entry's call_id.
    fn verified_receipt(b) {
        b.chain();
        b.valid(&["TR-EXT-001", "TR-EXT-002", "TR-EXT-003"]).spec("S2 §3.3.2");
    }
    /// A receipt whose issuer key is not configured
    /// Unverified, not invalid: the record's own evidence is unaffected; an advisory is surfaced.
    fn issuer_not_configured(b) {
        b.chain().issuer_configured = false;
        b.valid(&["TR-EXT-004"]).warning("TR-EXT-004").spec("S2 §3.3.2");
    }
    /// A receipt from an issuer other than the one configured
    /// A configured key that the receipt does not name leaves it unverified under TRACE.
    fn issuer_other_than_configured(b) {
        let c = b.chain();
        c.issuer_configured = false;
        c.unrelated_issuer = true;
        b.valid(&["TR-EXT-004"]).warning("TR-EXT-004").spec("S2 §3.3.2");
    }
    /// A non-ASCII issuer name signed over RFC 8785
    /// S2 §3.3.2 canonicalizes receipts with RFC 8785, which keeps non-ASCII text as UTF-8.
    fn non_ascii_issuer_jcs(b) {
        b.chain().sealed.push(Sealed::ReceiptMember("issuer", text("spiffe://steuerung.example/sicherheit-ä")));
        b.valid(&["TR-EXT-003"]).spec("S2 §3.3.2; D-25");
    }
    /// A receipt reproduced under cMCP's rules
    /// cmcp-compat: sorted-ASCII signing input, as cmcp-runtime 0.7.1 verifies it.
    fn cmcp_compat_receipt(b) {
        b.chain().receipt_form = ReceiptPolicy::CmcpCompat;
        b.valid(&["TR-EXT-003"]).spec("D-25");
    }
    /// cmcp-compat without issuer keys ignores receipts entirely
    /// cMCP checks receipts only when an issuer key map is given; a misbound one passes silently.
    fn cmcp_compat_without_keys_ignores(b) {
        let c = b.chain();
        c.receipt_form = ReceiptPolicy::CmcpCompat;
        c.issuer_configured = false;
        c.sealed.push(Sealed::ReceiptMember("linked_call_id", text(&seal::call_id(1))));
        b.valid(&["TR-EXT-004"]).spec("D-25; research cmcp.md §2.3");
    }
    /// The receipt without its issuer member, re-signed
    /// All six members are required (cMCP's verifier accepts this once re-signed).
    fn receipt_without_issuer(b) {
        b.chain().sealed.push(Sealed::ReceiptWithout("issuer"));
        b.invalid("evidence/receipt-malformed", "TR-EXT-001").spec("S2 §3.3.2; research cmcp.md §5 C.32");
    }
    /// issuer_key_id in uppercase hex, signed under that id
    /// No configured key answers to the id as spelled, so the receipt is unverified, not
    /// invalid (S2 §3.3.2 names no spelling for key ids).
    fn uppercase_issuer_key_id_unverified(b) {
        let id = seal::issuer_key_id(&crate::chain_build::issuer_key().public_key()).expect("Ed25519");
        b.chain().sealed.push(Sealed::ReceiptMember("issuer_key_id", text(&id.to_uppercase())));
        b.valid(&["TR-EXT-004"]).warning("TR-EXT-004").spec("S2 §3.3.2");
    }
    /// issuer_key_id as a DID URL while a hex-named key is configured
    /// The spec's own examples name issuers with DID-style ids; an id no configured key
    /// answers to leaves the receipt unverified, however it is spelled.
    fn did_url_issuer_key_id_unverified(b) {
        b.chain()
            .sealed
            .push(Sealed::ReceiptMember("issuer_key_id", text("did:web:controller.example#receipt-key-1")));
        b.valid(&["TR-EXT-004"]).warning("TR-EXT-004").spec("S2 §3.3.2");
    }
    /// A receipt without its issuer member, from an issuer not configured
    /// With no key for it the receipt is unverified whatever its shape: the three checks
    /// of S2 §3.3.2 apply only under a configured issuer key.
    fn receipt_without_issuer_unconfigured(b) {
        let c = b.chain();
        c.issuer_configured = false;
        c.sealed.push(Sealed::ReceiptWithout("issuer"));
        b.valid(&["TR-EXT-004"]).warning("TR-EXT-004").spec("S2 §3.3.2");
    }
    /// issuer_key_id in uppercase hex under cmcp-compat
    /// cMCP requires the lowercase hex SHA-256 of the issuer key before any lookup; the
    /// 64-hex form is cMCP's, so it is enforced only under --cmcp-compat (D-25).
    fn uppercase_issuer_key_id_under_cmcp_compat(b) {
        let id = seal::issuer_key_id(&crate::chain_build::issuer_key().public_key()).expect("Ed25519");
        let c = b.chain();
        c.receipt_form = ReceiptPolicy::CmcpCompat;
        c.sealed.push(Sealed::ReceiptMember("issuer_key_id", text(&id.to_uppercase())));
        b.invalid("evidence/receipt-malformed", "TR-EXT-001").spec("D-25; research cmcp.md §5 C.24");
    }
    /// evidence_hash with a truncated digest
    /// A sha256 digest has 64 hex digits (cMCP does not check the length).
    fn truncated_evidence_hash(b) {
        b.chain().sealed.push(Sealed::ReceiptMember("evidence_hash", text("sha256:0f49598138a42cd6")));
        b.invalid("evidence/receipt-malformed", "TR-EXT-001").spec("research cmcp.md §5 C.29");
    }
    /// The receipt is a string
    /// A receipt is an object; anything else is refused without a crash.
    fn receipt_not_an_object(b) {
        b.chain().sealed.push(Sealed::ReceiptValue(text("accepted")));
        b.invalid("evidence/receipt-malformed", "TR-EXT-001").spec("research cmcp.md §5 C.31");
    }
    /// The receipt is an empty object
    /// Absence is null; an empty object is a malformed receipt (cMCP reads it as absent).
    fn receipt_empty_object(b) {
        b.chain().sealed.push(Sealed::ReceiptValue(Value::Object(Default::default())));
        b.invalid("evidence/receipt-malformed", "TR-EXT-001").spec("research cmcp.md §5 C.31");
    }
    /// linked_call_id names another call, validly signed
    /// A receipt for a different call must not vouch for this one.
    fn linked_to_another_call(b) {
        b.chain().sealed.push(Sealed::ReceiptMember("linked_call_id", text(&seal::call_id(1))));
        b.invalid("evidence/receipt-misbound", "TR-EXT-002").spec("S2 §3.3.2 step 3");
    }
    /// linked_call_id differs from the call_id only in case
    /// The comparison is byte for byte (trace-spec fixture 20 makes the same point).
    fn linked_call_id_case_variant(b) {
        b.chain().sealed.push(Sealed::ReceiptMember("linked_call_id", text(&seal::call_id(3).to_uppercase())));
        b.invalid("evidence/receipt-misbound", "TR-EXT-002").spec("S2 §3.3.2 step 3");
    }
    /// A misbound receipt under cmcp-compat
    /// cMCP checks the binding first; this is the one receipt rule both sides agree on.
    fn misbound_under_cmcp_compat(b) {
        let c = b.chain();
        c.receipt_form = ReceiptPolicy::CmcpCompat;
        c.sealed.push(Sealed::ReceiptMember("linked_call_id", text(&seal::call_id(1))));
        b.invalid("evidence/receipt-misbound", "TR-EXT-002").spec("research cmcp.md §2.3");
    }
    /// evidence_type changed after the issuer signed
    /// Any member changed after signing breaks the issuer signature.
    fn receipt_altered_after_signing(b) {
        b.chain().sealed.push(Sealed::ReceiptMemberUnsigned("evidence_type", text("tee-signed-receipt")));
        b.invalid("evidence/receipt-signature-invalid", "TR-EXT-003").spec("S2 §3.3.2 step 2");
    }
    /// Signed by another key under the issuer's key id
    /// The configured key decides, not the key id the receipt claims.
    fn receipt_signed_by_impostor(b) {
        b.chain().sealed.push(Sealed::ReceiptSignedBy("impostor"));
        b.invalid("evidence/receipt-signature-invalid", "TR-EXT-003").spec("S2 §3.3.2 step 2");
    }
    /// Non-ASCII issuer signed over sorted ASCII, checked per S2
    /// cMCP's signing input escapes non-ASCII text; RFC 8785 does not (D-25).
    fn non_ascii_issuer_signed_pyjson(b) {
        let c = b.chain();
        c.sealed.push(Sealed::ReceiptMember("issuer", text("spiffe://steuerung.example/sicherheit-ä")));
        c.sealed.push(Sealed::ReceiptSignedOver(ReceiptPolicy::CmcpCompat));
        b.invalid("evidence/receipt-signature-invalid", "TR-EXT-003").spec("S2 §3.3.2 step 1; D-25");
    }
    /// Non-ASCII issuer signed over RFC 8785, checked as cMCP does
    /// The reverse divergence: what S2 accepts, cmcp-runtime 0.7.1 rejects.
    fn non_ascii_issuer_jcs_under_cmcp_compat(b) {
        let c = b.chain();
        c.receipt_form = ReceiptPolicy::CmcpCompat;
        c.sealed.push(Sealed::ReceiptMember("issuer", text("spiffe://steuerung.example/sicherheit-ä")));
        c.sealed.push(Sealed::ReceiptSignedOver(ReceiptPolicy::Trace));
        b.invalid("evidence/receipt-signature-invalid", "TR-EXT-003").spec("D-25");
    }
    /// cmcp-compat: an unknown issuer fails once any key is configured
    /// cMCP's behaviour, diverging from S2's "unverified, not invalid".
    fn unknown_issuer_under_cmcp_compat(b) {
        let c = b.chain();
        c.receipt_form = ReceiptPolicy::CmcpCompat;
        c.issuer_configured = false;
        c.unrelated_issuer = true;
        b.invalid("evidence/issuer-unknown", "TR-EXT-004").spec("D-25; research cmcp.md §2.3");
    }
}
