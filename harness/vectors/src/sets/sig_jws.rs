//! JWS compact serialization: algorithm confusion, crit, structure, encoding, tampering.

use crate::build::{EnvelopePayload, SignatureKnob};
use trace_record::{Alg, Form};

crate::no_families!();

vectors! { "sig", "jws", "JWS compact serialization (RFC 7515) of a Trust Record.";
    /// alg none with a genuine signature segment
    /// RFC 7515 §4.1.1: none must never verify a Trust Record.
    fn alg_none(b) {
        b.form(Form::Jws).jws_header = Some(r#"{"alg":"none"}"#.into());
        b.invalid("signature/alg-forbidden", "TR-SIG-007").spec("RFC 7515 §4.1.1");
    }
    /// An HMAC alg (HS256) on an Ed25519-keyed record
    /// Key confusion: the public key must never be used as an HMAC secret.
    fn alg_hs256(b) {
        b.form(Form::Jws).jws_header = Some(r#"{"alg":"HS256"}"#.into());
        b.invalid("signature/alg-forbidden", "TR-SIG-007").spec("RFC 7518 §3.2");
    }
    /// alg ES256 on a record whose cnf key is Ed25519
    /// The alg must match the cnf key; the signature is a genuine Ed25519 one.
    fn alg_es256_with_ed25519_key(b) {
        b.form(Form::Jws).jws_header = Some(r#"{"alg":"ES256"}"#.into());
        b.invalid("signature/alg-mismatch", "TR-SIG-007").spec("S2 §3.2.1");
    }
    /// alg ES384 on a record whose cnf key is P-256
    /// Curve and algorithm are paired: P-256 with ES256 only.
    fn alg_es384_with_p256_key(b) {
        b.form(Form::Jws).alg(Alg::ES256).jws_header = Some(r#"{"alg":"ES384"}"#.into());
        b.invalid("signature/alg-mismatch", "TR-SIG-007").spec("RFC 7518 §3.4");
    }
    /// alg written in lower case (eddsa)
    /// JOSE algorithm names are case-sensitive.
    fn alg_lower_case(b) {
        b.form(Form::Jws).jws_header = Some(r#"{"alg":"eddsa"}"#.into());
        b.invalid("signature/alg-unsupported", "TR-SIG-007").spec("RFC 7515 §4.1.1");
    }
    /// The fully specified Ed25519 alg name (RFC 9864)
    /// Ed25519 is the new name of EdDSA over Ed25519; a verifier may know it.
    fn alg_ed25519_fully_specified(b) {
        b.form(Form::Jws).jws_header = Some(r#"{"alg":"Ed25519"}"#.into());
        b.acceptable("FullySpecifiedAlg", &["TR-SIG-007"]).spec("RFC 9864");
    }
    /// crit names an extension nobody understands
    /// RFC 7515 §4.1.11: unknown critical parameters make the JWS invalid.
    fn unknown_crit(b) {
        b.form(Form::Jws).jws_header = Some(r#"{"alg":"EdDSA","crit":["urn:example:x"],"urn:example:x":1}"#.into());
        b.invalid("envelope/unknown-crit", "TR-SIG-008").spec("RFC 7515 §4.1.11");
    }
    /// An empty crit array
    /// RFC 7515 §4.1.11 forbids an empty list.
    fn empty_crit(b) {
        b.form(Form::Jws).jws_header = Some(r#"{"alg":"EdDSA","crit":[]}"#.into());
        b.invalid("envelope/unknown-crit", "TR-SIG-008").spec("RFC 7515 §4.1.11");
    }
    /// Two segments instead of three
    /// The compact form always has three.
    fn two_segments(b) {
        b.form(Form::Jws);
        b.raw = Some(b"eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ".to_vec());
        b.invalid("envelope/malformed", "TR-SIG-010").spec("RFC 7515 §7.1");
    }
    /// A header that is not JSON
    /// The protected header must decode to a JSON object.
    fn header_not_json(b) {
        b.form(Form::Jws).jws_header = Some("alg=EdDSA".into());
        b.invalid("envelope/malformed", "TR-SIG-010").spec("RFC 7515 §4");
    }
    /// Unencoded payload (b64 false, RFC 7797)
    /// No TRACE profile uses unencoded payloads; the payload would be ambiguous.
    fn b64_false(b) {
        b.form(Form::Jws).jws_header = Some(r#"{"alg":"EdDSA","b64":false,"crit":["b64"]}"#.into());
        b.invalid("envelope/unknown-crit", "TR-SIG-008").spec("RFC 7797 §3");
    }
    /// data_class changed inside the payload after signing
    /// The payload is signed content.
    fn tampered_payload(b) {
        b.form(Form::Jws).tamper("\"internal\"", "\"public\"").invalid("signature/invalid", "TR-SIG-005").spec("RFC 7515 §5.2");
    }
    /// ES384 payload changed after signing
    /// The same with ECDSA.
    fn tampered_payload_es384(b) {
        b.form(Form::Jws).alg(Alg::ES384).tamper("\"internal\"", "\"public\"").invalid("signature/invalid", "TR-SIG-005").spec("RFC 7515 §5.2");
    }
    /// A padded signature segment
    /// JWS segments are unpadded base64url.
    fn padded_signature(b) {
        b.form(Form::Jws).signature = SignatureKnob::Padded;
        b.invalid("signature/encoding", "TR-SIG-006").spec("RFC 7515 §2");
    }
    /// Trailing bits set in the signature segment
    /// A second spelling of the same signature.
    fn trailing_bits(b) {
        b.form(Form::Jws).alg(Alg::ES256).signature = SignatureKnob::TrailingBits;
        b.invalid("signature/encoding", "TR-SIG-006").spec("RFC 4648 §3.5");
    }
    /// An empty signature segment with alg EdDSA
    /// No signature is no binding.
    fn empty_signature(b) {
        b.form(Form::Jws).signature = SignatureKnob::Omit;
        b.invalid("signature/missing", "TR-SIG-005").spec("S2 §3.2.2");
    }
    /// A payload that also carries an embedded signature member
    /// Which signature binds is implementation-defined (IMPL-02); the JWS one verifies.
    fn payload_with_embedded_signature(b) {
        b.form(Form::Jws).set_str("/signature", "AAAA");
        b.acceptable("EmbeddedSignatureInEnvelope", &["TR-SIG-013"]).warning("TR-SIG-013").spec("IMPL-02");
    }
    /// Data after the compact serialization
    /// Anything after the signature segment is not part of the JWS.
    fn trailing_garbage(b) {
        b.form(Form::Jws);
        b.trailing = b".extra".to_vec();
        b.invalid("envelope/malformed", "TR-SIG-010").spec("RFC 7515 §7.1");
    }
    /// A payload that is not the record's RFC 8785 bytes, genuinely signed
    /// S2 §3.2.2 binds the signature to the record's canonical form; the JWS form gets the
    /// same answer as COSE (a space after every comma, signed as sent).
    fn payload_not_canonical(b) {
        b.form(Form::Jws).payload = EnvelopePayload::NonCanonical;
        b.invalid("envelope/payload-not-canonical", "TR-SIG-012").spec("S2 §3.2.2");
    }
    /// A non-canonical ES384 payload, genuinely signed
    /// The same binding rule with ECDSA.
    fn payload_not_canonical_es384(b) {
        b.form(Form::Jws).alg(Alg::ES384).payload = EnvelopePayload::NonCanonical;
        b.invalid("envelope/payload-not-canonical", "TR-SIG-012").spec("S2 §3.2.2");
    }
    /// A JWS whose crit names b64 with its default value
    /// RFC 7515 §4.1.11: a verifier that does not implement RFC 7797 must refuse a crit it
    /// does not understand; one that does may accept b64 true, which changes nothing.
    fn crit_b64_true(b) {
        b.form(Form::Jws).jws_header = Some(r#"{"alg":"EdDSA","b64":true,"crit":["b64"]}"#.into());
        b.acceptable("JwsB64Extension", &["TR-SIG-008"]).spec("RFC 7515 §4.1.11").spec("RFC 7797 §3");
    }
}
