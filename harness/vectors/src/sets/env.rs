//! Profile, subject, key shape, nonce and envelope kind (TR-ENV-*, TR-WIR-002).

use trace_record::json::Value;

crate::no_families!();

vectors! { "env", "envelope", "Profile URI, subject form, cnf.jwk shape, challenge nonce, and envelope kinds.";
    /// The v0.1 profile URI under a v0.2 verifier
    /// S2 "cutover, not coexistence": a v0.2 verifier must reject the v0.1 identifier.
    fn v0_1_profile_uri(b) {
        b.set_str("/eat_profile", "tag:agentrust.io,2026:trace-v0.1").invalid("profile/legacy-v0.1", "TR-ENV-001").spec("S2 §3.2");
    }
    /// A profile URI this verifier does not implement (v0.3)
    /// A valid signature over semantics the verifier does not implement is not evidence.
    fn unknown_profile_uri(b) {
        b.set_str("/eat_profile", "tag:agentrust-io.com,2026:trace-v0.3").invalid("profile/mismatch", "TR-ENV-001").spec("S2 §3.2");
    }
    /// The profile URI differing only in case
    /// The URI is compared as an exact string, with no case folding (FMT-06).
    fn profile_uri_case(b) {
        b.set_str("/eat_profile", "tag:agentrust-io.com,2026:TRACE-v0.2").invalid("profile/mismatch", "TR-ENV-001").spec("S2 §3.2");
    }
    /// A v0.1 record verified under the legacy v0.1 profile
    /// The legacy profile is selectable; its records carry transparency and the v0.1 URI.
    fn v0_1_record_under_v0_1_profile(b) {
        b.set_str("/eat_profile", "tag:agentrust.io,2026:trace-v0.1").set_str("/transparency", "https://log.conformance.example/entries/7");
        b.ctx.profile = "v0.1".into();
        b.valid(&["TR-ENV-001"]).spec("S1 §3.2");
    }
    /// A v0.2 record under the v0.1 profile
    /// The profiles do not coexist in either direction.
    fn v0_2_record_under_v0_1_profile(b) {
        b.set_str("/transparency", "https://log.conformance.example/entries/7");
        b.ctx.profile = "v0.1".into();
        b.invalid("profile/mismatch", "TR-ENV-001").spec("S2 §3.2");
    }
    /// subject spiffe://<domain> with no path
    /// The strict form needs a trust domain and a non-empty path (D-07).
    fn spiffe_without_path(b) {
        b.set_str("/subject", "spiffe://conformance.example").invalid("schema/subject", "TR-ENV-003").spec("S2 §3.1");
    }
    /// subject spiffe://<domain>/ with an empty path
    /// A trailing slash is not a path.
    fn spiffe_empty_path(b) {
        b.set_str("/subject", "spiffe://conformance.example/").invalid("schema/subject", "TR-ENV-003").spec("S2 §3.1");
    }
    /// A DID method name in upper case
    /// DID method names are [a-z0-9]+.
    fn did_uppercase_method(b) {
        b.set_str("/subject", "did:Web:conformance.example").invalid("schema/subject", "TR-ENV-003").spec("S2 §3.1");
    }
    /// A subject ending in a line feed
    /// ECMA-262 '.' does not match line terminators; Python's '$' would accept this.
    fn subject_trailing_newline(b) {
        b.set_str("/subject", "spiffe://conformance.example/agent\n").invalid("schema/subject", "TR-ENV-003").spec("S2 §3.1");
    }
    /// A did:web subject is valid
    /// The positive control for the subject rule on the DID branch.
    fn did_web_subject(b) {
        b.set_str("/subject", "did:web:conformance.example:agents:a1").valid(&["TR-ENV-003"]).spec("S2 §3.1");
    }
    /// cnf.jwk without kty
    /// kty is required in every JWK (RFC 7517 §4.1); the signature cannot be checked.
    fn jwk_without_kty(b) {
        let mut jwk = b.key().public_key().to_jwk();
        jwk.remove("kty");
        b.cnf_jwk = Some(Value::Object(jwk));
        b.invalid("key/missing", "TR-ENV-004").spec("S2 §3.1");
    }
    /// cnf.jwk is null
    /// cnf carries the confirmation key as a JWK object; null binds nothing.
    fn cnf_jwk_null(b) {
        b.cnf_jwk = Some(Value::Null);
        b.invalid("key/missing", "TR-ENV-004").spec("S2 §3.1");
    }
    /// cnf.jwk carries the private scalar d
    /// GHSA-vc4p-h84j-7qxj: a record leaking its signing key is refused (D-08).
    fn jwk_with_private_d(b) {
        let mut jwk = b.key().to_private_jwk();
        jwk.insert("alg", Value::String("EdDSA".into()));
        b.cnf_jwk = Some(Value::Object(jwk));
        b.invalid("key/private-member", "TR-ENV-005").spec("S2 §3.1");
    }
    /// An oct key with its secret k in cnf.jwk
    /// A symmetric secret in a record is a leak and cannot verify a signature anyway.
    fn jwk_oct_secret(b) {
        b.cnf_jwk = Some(trace_record::json::parse(br#"{"kty":"oct","k":"c2VjcmV0LWtleS1tYXRlcmlhbA"}"#).expect("jwk"));
        b.invalid("key/private-member", "TR-ENV-005").spec("S2 §3.1");
    }
    /// runtime.nonce echoes the challenge
    /// The positive control: a challenge was issued and answered.
    fn nonce_echoed(b) {
        b.set_str("/runtime/nonce", "Y2hhbGxlbmdlLTE");
        b.ctx.nonce = Some("Y2hhbGxlbmdlLTE".into());
        b.valid(&["TR-ENV-007"]).spec("S2 §3.2.2");
    }
    /// runtime.nonce differs from the challenge
    /// S2 §3.2.2: a record that mismatches the issued nonce must be rejected.
    fn nonce_mismatch(b) {
        b.set_str("/runtime/nonce", "Y2hhbGxlbmdlLTI");
        b.ctx.nonce = Some("Y2hhbGxlbmdlLTE".into());
        b.invalid("freshness/nonce", "TR-ENV-007").spec("S2 §3.2.2");
    }
    /// A challenge was issued but the record has no nonce
    /// Omitting the nonce is as bad as mismatching it.
    fn nonce_absent(b) {
        b.ctx.nonce = Some("Y2hhbGxlbmdlLTE".into());
        b.invalid("freshness/nonce", "TR-ENV-007").spec("S2 §3.2.2");
    }
    /// The nonce differs only in case
    /// Nonces compare as exact strings (IMPL-07).
    fn nonce_case(b) {
        b.set_str("/runtime/nonce", "y2hhbGxlbmdlLTE");
        b.ctx.nonce = Some("Y2hhbGxlbmdlLTE".into());
        b.invalid("freshness/nonce", "TR-ENV-007").spec("S2 §3.2.2");
    }
    /// The nonce with two characters swapped
    /// Same characters, other order: a comparison that folds differences with XOR sees none.
    fn nonce_swapped_characters(b) {
        b.set_str("/runtime/nonce", "Y2hhbGxlbmdlTLE");
        b.ctx.nonce = Some("Y2hhbGxlbmdlLTE".into());
        b.invalid("freshness/nonce", "TR-ENV-007").spec("S2 §3.2.2");
    }
    /// A plain record marked with cmcp_version
    /// Any object marked with cmcp_version is a RuntimeClaim; without trace it is malformed (no downgrade).
    fn cmcp_version_on_a_plain_record(b) {
        b.set_str("/cmcp_version", "1.0").invalid("envelope/malformed", "TR-WIR-002").spec("S2 §3.2.2");
    }
    /// A cMCP envelope with an empty trace object and no gateway
    /// A RuntimeClaim needs both objects; it is never verified as a plain record instead.
    fn cmcp_with_empty_trace(b) {
        b.set_str("/cmcp_version", "1.0").set_json("/trace", "{}").invalid("envelope/malformed", "TR-WIR-002").spec("S2 §3.2.2");
    }
}
