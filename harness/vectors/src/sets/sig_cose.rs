//! COSE_Sign1 (RFC 9052) under this suite's profile: payload = the record's RFC 8785 bytes.

use crate::build::{CoseWire, EnvelopePayload, SignatureKnob};
use trace_record::{Alg, Form};

crate::no_families!();

vectors! { "sig", "cose", "COSE_Sign1 envelopes: algorithm, crit, payload profile, structure and tampering.";
    /// An HMAC algorithm id (5, HMAC 256/256)
    /// MACs never bind a Trust Record to its cnf key.
    fn alg_hmac(b) {
        b.form(Form::Cose).cose_alg = Some(5);
        b.invalid("signature/alg-forbidden", "TR-SIG-007").spec("RFC 9053 §3.1");
    }
    /// ES256 (-7) on an Ed25519-keyed record
    /// The COSE alg must match the cnf key.
    fn alg_es256_with_ed25519_key(b) {
        b.form(Form::Cose).cose_alg = Some(-7);
        b.invalid("signature/alg-mismatch", "TR-SIG-007").spec("S2 §3.2.1");
    }
    /// ES256K (-47), a registered algorithm TRACE does not use
    /// Algorithms outside S2 §3.2.1 are refused, not guessed.
    fn alg_es256k(b) {
        b.form(Form::Cose).cose_alg = Some(-47);
        b.invalid("signature/alg-unsupported", "TR-SIG-007").spec("RFC 9052 §3.1");
    }
    /// The fully specified Ed25519 id (-19, RFC 9864)
    /// A verifier may know the new identifier of EdDSA over Ed25519.
    fn alg_ed25519_fully_specified(b) {
        b.form(Form::Cose).cose_alg = Some(-19);
        b.acceptable("FullySpecifiedAlg", &["TR-SIG-007"]).spec("RFC 9864");
    }
    /// A crit label in the protected header
    /// RFC 9052 §3.1: a recipient that does not understand a critical label must reject.
    fn unknown_crit(b) {
        b.form(Form::Cose).cose_crit = true;
        b.invalid("envelope/unknown-crit", "TR-SIG-008").spec("RFC 9052 §3.1");
    }
    /// A crit label with an ES384 signature
    /// The same rule on another algorithm.
    fn unknown_crit_es384(b) {
        b.form(Form::Cose).alg(Alg::ES384).cose_crit = true;
        b.invalid("envelope/unknown-crit", "TR-SIG-008").spec("RFC 9052 §3.1");
    }
    /// A detached payload
    /// This profile carries the record in the envelope; with no payload nothing is verified.
    fn detached_payload(b) {
        b.form(Form::Cose).payload = EnvelopePayload::Detached;
        b.invalid("envelope/malformed", "TR-SIG-010").spec("IMPL-03");
    }
    /// Bytes after the COSE_Sign1 structure
    /// Trailing data is not part of the signed message.
    fn trailing_bytes(b) {
        b.form(Form::Cose).trailing = vec![0x00];
        b.invalid("envelope/malformed", "TR-SIG-010").spec("RFC 8949 §5.1");
    }
    /// A CBOR array of three elements
    /// COSE_Sign1 has exactly four.
    fn three_elements(b) {
        b.form(Form::Cose);
        b.raw = Some(vec![0xD2, 0x83, 0x40, 0xA0, 0xF6]);
        b.invalid("envelope/malformed", "TR-SIG-010").spec("RFC 9052 §4.2");
    }
    /// A payload that is not the record's RFC 8785 bytes, genuinely signed
    /// S2 §3.2.2 binds the signature to the record's canonical form: a signature over
    /// another serialization of the same value does not bind the record.
    fn payload_not_canonical(b) {
        b.form(Form::Cose).payload = EnvelopePayload::NonCanonical;
        b.invalid("envelope/payload-not-canonical", "TR-SIG-012").spec("S2 §3.2.2").spec("IMPL-03");
    }
    /// A non-canonical ES256 payload, genuinely signed
    /// The same profile rule with ECDSA.
    fn payload_not_canonical_es256(b) {
        b.form(Form::Cose).alg(Alg::ES256).payload = EnvelopePayload::NonCanonical;
        b.invalid("envelope/payload-not-canonical", "TR-SIG-012").spec("S2 §3.2.2").spec("IMPL-03");
    }
    /// A payload byte changed after signing
    /// The payload is signed content (data_class internal becomes iNternal).
    fn tampered_payload(b) {
        b.form(Form::Cose).tamper("\"internal\"", "\"iNternal\"").invalid("signature/invalid", "TR-SIG-005").spec("RFC 9052 §4.4");
    }
    /// An ES384 payload changed after signing
    /// The same with ECDSA.
    fn tampered_payload_es384(b) {
        b.form(Form::Cose).alg(Alg::ES384).tamper("\"internal\"", "\"iNternal\"").invalid("signature/invalid", "TR-SIG-005").spec("RFC 9052 §4.4");
    }
    /// An empty signature
    /// No signature is no binding.
    fn empty_signature(b) {
        b.form(Form::Cose).signature = SignatureKnob::Omit;
        b.invalid("signature/missing", "TR-SIG-005").spec("S2 §3.2.2");
    }
    /// An ES256 signature one byte short
    /// COSE ECDSA signatures are fixed-length r||s.
    fn truncated_es256(b) {
        b.form(Form::Cose).alg(Alg::ES256).signature = SignatureKnob::Truncate(1);
        b.invalid("signature/wrong-length", "TR-SIG-006").spec("RFC 9053 §2.1");
    }
    /// Tag 18 in its two-byte form (0xD8 0x12)
    /// RFC 9052 §9 constrains only what is signed; a tag encoded in a longer valid form
    /// names the same message, so the record verifies as with 0xD2.
    fn tag_18_two_byte_form(b) {
        b.form(Form::Cose).valid(&["TR-SIG-010", "TR-SIG-012"]).spec("RFC 9052 §9").spec("RFC 8949 §3.4");
        b.cose_wire = CoseWire::TagTwoBytes;
    }
    /// A tagged COSE_Sign1 whose array has indefinite length
    /// RFC 8949 §3.2.2 indefinite-length arrays are valid CBOR, and the Sig_structure
    /// that is signed does not depend on the message's own encoding (RFC 9052 §9).
    fn indefinite_length_array(b) {
        b.form(Form::Cose).valid(&["TR-SIG-010", "TR-SIG-012"]).spec("RFC 9052 §9").spec("RFC 8949 §3.2.2");
        b.cose_wire = CoseWire::IndefiniteArray;
    }
    /// An untagged COSE_Sign1 with an indefinite-length array, ES256
    /// The same without the tag: the form is recognised from the array alone.
    fn indefinite_length_array_untagged(b) {
        b.form(Form::Cose).alg(Alg::ES256).valid(&["TR-SIG-010"]).spec("RFC 9052 §9").spec("RFC 8949 §3.2.2");
        b.cose_wire = CoseWire::IndefiniteArray;
        b.cose_tag = trace_record::CoseTag::Untagged;
    }
    /// A COSE_Sign message (tag 98) with the record key as its one signer
    /// S2 §3.2.2 uses COSE_Sign1 for one signer, and a Trust Record has one (its cnf key):
    /// a COSE_Sign is not the record's envelope (IMPL-03), however well it verifies.
    fn cose_sign_single_signer(b) {
        b.form(Form::Cose).invalid("envelope/malformed", "TR-SIG-010").spec("S2 §3.2.2").spec("IMPL-03");
        b.cose_wire = CoseWire::CoseSign;
    }
}
