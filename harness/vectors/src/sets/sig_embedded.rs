//! The embedded signature form: binding, encoding and tampering (TR-SIG-005, TR-SIG-006).

use crate::build::SignatureKnob;
use trace_record::Alg;

crate::no_families!();

vectors! { "sig", "embedded", "Embedded signature member: presence, base64url encoding, length and tampering.";
    /// No signature at all
    /// S2 §3.2.2: a record with no verifiable binding is not a Trust Record, at any level (D-11).
    fn unsigned(b) {
        b.signature = SignatureKnob::Omit;
        b.invalid("signature/missing", "TR-SIG-005").spec("S2 §3.2.2");
    }
    /// An unsigned ES256-keyed record
    /// Same rule with an EC key, as in the spec's unsigned example records.
    fn unsigned_es256(b) {
        b.alg(Alg::ES256).signature = SignatureKnob::Omit;
        b.invalid("signature/missing", "TR-SIG-005").spec("S2 §3.2.2");
    }
    /// data_class changed after signing
    /// Any change to signed content breaks the binding.
    fn tampered_data_class(b) {
        b.tamper("\"internal\"", "\"public\"").invalid("signature/invalid", "TR-SIG-005").spec("S2 §3.2.2");
    }
    /// iat moved one second after signing
    /// A one-character change in a number is still a change.
    fn tampered_iat(b) {
        b.tamper("1785000000", "1785000001").invalid("signature/invalid", "TR-SIG-005").spec("S2 §3.2.2");
    }
    /// cnf.jwk swapped for another key after signing (ES256)
    /// cnf is covered by the signature; replacing the key breaks it.
    fn tampered_cnf_es256(b) {
        b.alg(Alg::ES256);
        let other = crate::build::key_named(Alg::ES256, "other").public_key().to_jwk();
        let mine = b.key().public_key().to_jwk();
        for c in ["x", "y"] {
            let get = |o: &trace_record::json::Object| o.get(c).and_then(|v| v.as_str()).expect("coordinate").to_string();
            b.tamper(&get(&mine), &get(&other));
        }
        b.pin_key = false;
        let other = crate::build::key_named(Alg::ES256, "other").public_key().to_jwk();
        b.trust_jwk(other);
        b.invalid("signature/invalid", "TR-SIG-005").spec("S2 §3.2.2");
    }
    /// A signature made by another key than cnf
    /// The signature verifies under some key, just not the one the record names.
    fn signed_by_other_key(b) {
        b.signature = SignatureKnob::OtherKey("other");
        b.invalid("signature/invalid", "TR-SIG-005").spec("S2 §3.2.2");
    }
    /// An ES384 signature made by another key
    /// The same with the largest curve.
    fn signed_by_other_key_es384(b) {
        b.alg(Alg::ES384).signature = SignatureKnob::OtherKey("other");
        b.invalid("signature/invalid", "TR-SIG-005").spec("S2 §3.2.2");
    }
    /// base64url padding on the signature
    /// '=' is outside the pattern and the encoding must be canonical (D-35).
    fn padded_signature(b) {
        b.signature = SignatureKnob::Padded;
        b.invalid("signature/encoding", "TR-SIG-006").spec("S2 §3.2.2").spec("RFC 7515 §2");
    }
    /// The standard base64 alphabet
    /// '+' and '/' are not base64url.
    fn standard_alphabet(b) {
        b.signature = SignatureKnob::StandardAlphabet;
        b.invalid("signature/encoding", "TR-SIG-006").spec("RFC 4648 §5");
    }
    /// Unused low bits of the last character set
    /// Two spellings of one signature would make signatures malleable (D-35).
    fn trailing_bits(b) {
        b.signature = SignatureKnob::TrailingBits;
        b.invalid("signature/encoding", "TR-SIG-006").spec("RFC 4648 §3.5");
    }
    /// An Ed25519 signature two bytes short
    /// A 62-byte signature is no Ed25519 signature.
    fn truncated_signature(b) {
        b.signature = SignatureKnob::Truncate(2);
        b.invalid("signature/wrong-length", "TR-SIG-006").spec("RFC 8032 §5.1.6");
    }
    /// An ES256 signature one byte short
    /// Raw r||s is exactly 64 bytes (IMPL-04); DER or short forms are refused.
    fn truncated_es256(b) {
        b.alg(Alg::ES256).signature = SignatureKnob::Truncate(1);
        b.invalid("signature/wrong-length", "TR-SIG-006").spec("RFC 7518 §3.4");
    }
    /// A references entry changed after signing
    /// The signature covers the references block like every other member (S2 §3.2.2).
    fn references_changed_after_signing(b) {
        b.set_json("/references", r#"[{"rel":"behavior-trace","id":"t-1","resolver":"https://r.example/"}]"#);
        b.tamper("\"t-1\"", "\"t-2\"").invalid("signature/invalid", "TR-SIG-005").spec("S2 §3.2.2");
    }
    /// transparency added to a signed record
    /// Adding a member changes the signed bytes: the record must be signed again.
    fn transparency_added_after_signing(b) {
        let subject = "\"subject\":\"spiffe://conformance.example/agent/sample\"";
        b.tamper(subject, &format!("{subject},\"transparency\":\"https://log.example/entries/1\""));
        b.invalid("signature/invalid", "TR-SIG-005").spec("S2 §3.2.2").spec("docs/schema.md");
    }
}
