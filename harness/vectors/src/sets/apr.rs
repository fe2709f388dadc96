//! Appraisal claims (TR-APR-001..003, TR-APR-006; the timestamp bound is in env/freshness).

crate::no_families!();

vectors! { "apr", "appraisal", "appraisal.status, verifier and policy_ref.";
    /// appraisal.status ok
    /// The status vocabulary is the EAR one: affirming, warning, contraindicated, none.
    fn status_ok(b) {
        b.set_str("/appraisal/status", "ok").invalid("schema/enum", "TR-APR-001").spec("S2 §3.1");
    }
    /// appraisal.status Affirming, capitalised
    /// Enum values are case-sensitive.
    fn status_capitalised(b) {
        b.set_str("/appraisal/status", "Affirming").invalid("schema/enum", "TR-APR-001").spec("S2 §3.1");
    }
    /// appraisal.status warning is valid at Level 0
    /// Positive control for the status enum.
    fn status_warning(b) {
        b.set_str("/appraisal/status", "warning").valid(&["TR-APR-001", "TR-APR-006"]).spec("S2 §3.1");
    }
    /// appraisal.status contraindicated at Level 0
    /// The record's own appraisal says its evidence failed: untrusted at every level
    /// (docs/verification.md step 5), not only where Level 1 asks for affirming.
    fn status_contraindicated(b) {
        b.set_str("/appraisal/status", "contraindicated").invalid("appraisal/contraindicated", "TR-APR-006").spec("docs/verification.md step 5").spec("D-49");
    }
    /// appraisal.status contraindicated in a JWS ES384 record
    /// The same in another envelope: the verdict follows the claim, not the form.
    fn status_contraindicated_jws_es384(b) {
        b.form(trace_record::Form::Jws).alg(trace_record::Alg::ES384);
        b.set_str("/appraisal/status", "contraindicated").invalid("appraisal/contraindicated", "TR-APR-006").spec("docs/verification.md step 5").spec("D-49");
    }
    /// appraisal.verifier self
    /// The tutorial's "self" is not a URI.
    fn verifier_self(b) {
        b.set_str("/appraisal/verifier", "self").invalid("schema/uri", "TR-APR-002").spec("S2 §3.1");
    }
    /// appraisal.verifier as a relative path
    /// A path without a scheme is not an absolute URI.
    fn verifier_relative(b) {
        b.set_str("/appraisal/verifier", "/verifiers/1").invalid("schema/uri", "TR-APR-002").spec("S2 §3.1");
    }
    /// A urn: verifier is valid
    /// Any absolute URI names a verifier, not only https.
    fn verifier_urn(b) {
        b.set_str("/appraisal/verifier", "urn:example:verifier:1").valid(&["TR-APR-002"]).spec("S2 §3.1");
    }
    /// A relative appraisal.policy_ref
    /// policy_ref, when present, is an absolute URI.
    fn policy_ref_relative(b) {
        b.set_str("/appraisal/policy_ref", "/ref").invalid("schema/uri", "TR-APR-003").spec("S2 §3.1");
    }
    /// A policy_ref with a line feed
    /// Control characters are not URI characters.
    fn policy_ref_newline(b) {
        b.set_str("/appraisal/policy_ref", "https://policy.example/ref\n").invalid("schema/uri", "TR-APR-003").spec("RFC 3986 §2");
    }
    /// An https policy_ref is valid
    /// Positive control.
    fn policy_ref_https(b) {
        b.set_str("/appraisal/policy_ref", "https://policy.conformance.example/ref").valid(&["TR-APR-003"]).spec("S2 §3.1");
    }
}
