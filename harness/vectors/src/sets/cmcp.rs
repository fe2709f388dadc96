//! cMCP RuntimeClaims (TR-WIR-*, TR-SIG-001/002): the envelope the cMCP gateway emits,
//! under both canonical forms (research D-24).

use crate::build::SignatureKnob;
use trace_record::cmcp::CmcpCanonicalization::{Jcs, Pyjson};

crate::no_families!();

vectors! { "cmcp", "runtime-claim", "cMCP RuntimeClaim envelopes: shape, key, signature and canonical form.";
    /// A RuntimeClaim signed and verified over RFC 8785
    /// S2 §3.2.2 requires RFC 8785 unless a profile declares otherwise; trace-tests checks this form.
    fn jcs_signed_claim(b) {
        b.cmcp = Some(Jcs);
        // The cMCP trace object has no model, build_provenance or appraisal (profile gap).
        b.remove("/model").remove("/build_provenance").remove("/appraisal");
        b.valid(&["TR-WIR-002", "TR-SIG-001", "TR-SIG-002"]).warning("TR-WIR-003").warning("TR-WIR-004").spec("S2 §3.2.2");
    }
    /// A claim signed and verified over cMCP's sorted-ASCII JSON
    /// cmcp-runtime 0.7.1 signs json.dumps(sort_keys, ensure_ascii); the cmcp mode reproduces it.
    fn pyjson_signed_claim(b) {
        b.cmcp = Some(Pyjson);
        b.remove("/model").remove("/build_provenance").remove("/appraisal");
        b.valid(&["TR-WIR-002", "TR-SIG-001"]).warning("TR-WIR-003").warning("TR-WIR-004").spec("D-24");
    }
    /// A RuntimeClaim whose signature verifies, with no trusted key
    /// As for records, a self-signed claim proves only self-consistency: without a trust anchor it is unverified (D-31).
    fn claim_without_trust_anchor(b) {
        b.cmcp = Some(Jcs);
        b.remove("/model").remove("/build_provenance").remove("/appraisal");
        b.pin_key = false;
        b.unverified("key/not-pinned", "TR-SIG-009").spec("docs/verification.md step 2");
    }
    /// Non-ASCII claim signed over sorted ASCII, checked over RFC 8785
    /// The two canonical forms differ on non-ASCII text, so the signature cannot verify (D-24).
    fn pyjson_signed_non_ascii_under_jcs(b) {
        b.cmcp = Some(Pyjson);
        b.ctx.cmcp_canonicalization = Some("jcs".into());
        b.set_str("/data_class", "vertraulich-ä€").invalid("signature/invalid", "TR-SIG-001").spec("D-24");
    }
    /// Non-ASCII claim signed over RFC 8785, checked over sorted ASCII
    /// The reverse divergence: what trace-tests accepts, cmcp_verify rejects.
    fn jcs_signed_non_ascii_under_pyjson(b) {
        b.cmcp = Some(Jcs);
        b.ctx.cmcp_canonicalization = Some("pyjson".into());
        b.set_str("/data_class", "vertraulich-ä€").invalid("signature/invalid", "TR-SIG-001").spec("D-24");
    }
    /// A RuntimeClaim with a member repeated with the same value
    /// Either copy gives the signed claim, but a repeated name is not I-JSON; found by
    /// `trace-conform fuzz` against cmcp-runtime, whose json.loads keeps the last copy.
    fn duplicate_member_same_value(b) {
        b.cmcp = Some(Jcs);
        b.remove("/model").remove("/build_provenance").remove("/appraisal");
        b.text_edit("\"cmcp_version\":\"1.0\"", "\"cmcp_version\":\"1.0\",\"cmcp_version\":\"1.0\"").invalid("input/duplicate-member", "TR-GEN-003").spec("RFC 7493 §2.3");
    }
    /// The gateway member changed after signing
    /// The signature covers the whole envelope, gateway included.
    fn tampered_gateway(b) {
        b.cmcp = Some(Jcs);
        b.tamper("conformance-session", "conformance-sessioN").invalid("signature/invalid", "TR-SIG-001").spec("S2 §3.1");
    }
    /// An unsigned RuntimeClaim
    /// No binding, no claim.
    fn unsigned_claim(b) {
        b.cmcp = Some(Jcs);
        b.signature = SignatureKnob::Omit;
        b.invalid("signature/missing", "TR-SIG-001").spec("S2 §3.2.2");
    }
    /// An ES256 key in trace.cnf.jwk
    /// RuntimeClaims are Ed25519-signed (trace-tests TR-SIG-002).
    fn es256_trace_key(b) {
        b.cmcp = Some(Jcs);
        b.alg(trace_record::Alg::ES256).invalid("key/unsupported", "TR-SIG-002").spec("trace-tests TR-SIG-002");
    }
    /// An ES384 key in trace.cnf.jwk, sorted-ASCII form
    /// The same rule under the other canonical form.
    fn es384_trace_key_pyjson(b) {
        b.cmcp = Some(Pyjson);
        b.alg(trace_record::Alg::ES384).invalid("key/unsupported", "TR-SIG-002").spec("trace-tests TR-SIG-002");
    }
    /// cmcp_version 2.0
    /// Only version 1.0 is defined; an unknown version is refused, not guessed.
    fn unknown_cmcp_version(b) {
        b.cmcp = Some(Jcs);
        b.tamper(r#""cmcp_version":"1.0""#, r#""cmcp_version":"2.0""#).invalid("envelope/unsupported", "TR-WIR-002").spec("trace-tests loader");
    }
    /// A stale RuntimeClaim
    /// The trace object's iat is subject to the same freshness rule as any record.
    fn stale_claim(b) {
        b.cmcp = Some(Jcs);
        b.now_offset(86_401).invalid("freshness/stale", "TR-ENV-002").spec("S2 §3.2.2");
    }
}
