//! Level 1 and 2 binding with synthetic Google Confidential Space tokens: RS256 JWTs by a test
//! signer pinned by its RFC 7638 thumbprint, `eat_nonce` the cnf.jwk thumbprint in hex,
//! `submods.container.image_digest` the record's measurement, `dbgstat` the debug state.
//! A token is an attestation result: trust rests on the pinned signer, not on silicon.

use crate::anchor_build::AnchorKnob;
use crate::evidence_build::{EvidenceKnob, EvidenceSource::Token};
use trace_record::{Alg, Form};

crate::no_families!();

vectors! { "evidence", "confidential-space", "Synthetic Confidential Space tokens: Level 1 and 2 binding.";
    /// A Level 1 Confidential Space record with a token binding its key
    /// eat_nonce is the cnf.jwk thumbprint, the image digest is runtime.measurement, dbgstat says disabled-since-boot, the signer is the pinned one and the token is within nbf/exp.
    fn level_1_bound(b) {
        b.hardware("google-confidential-space").level(1).evidence_from(Token, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-RTE-008", "TR-RTE-009", "TR-RTE-010", "TR-RTE-011"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 Confidential Space JWS record with a bound token
    /// The binding is to the key, whatever form carries the record.
    fn level_1_bound_jws(b) {
        b.hardware("google-confidential-space").level(1).form(Form::Jws).evidence_from(Token, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 Confidential Space COSE ES256 record with a bound token
    /// Another form and algorithm; the thumbprint is the key's.
    fn level_1_bound_cose_es256(b) {
        b.hardware("google-confidential-space").level(1).form(Form::Cose).alg(Alg::ES256).evidence_from(Token, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 2 Confidential Space record: bound token, replayed receipt
    /// Level 2 adds the anchor over the exact signed record.
    fn level_2_bound_and_anchored(b) {
        b.hardware("google-confidential-space").level(2).evidence_from(Token, EvidenceKnob::Genuine);
        b.anchor = Some(AnchorKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-ANC-001", "TR-ANC-002"]).spec("docs/trust-levels.md Level 2; RA §5.1");
    }
    /// A token binding another key
    /// eat_nonce is the thumbprint of a key that did not sign this record.
    fn level_1_other_key_bound(b) {
        b.hardware("google-confidential-space").level(1).evidence_from(Token, EvidenceKnob::OtherKey);
        b.invalid("evidence/key-not-bound", "TR-RTE-010").spec("S2 §3.2.1");
    }
    /// A token for another container image
    /// runtime.measurement must be the token's image digest.
    fn level_1_other_measurement(b) {
        b.hardware("google-confidential-space").level(1).evidence_from(Token, EvidenceKnob::OtherMeasurement);
        b.invalid("evidence/measurement-mismatch", "TR-RTE-009").spec("S2 §3.3 step 4");
    }
    /// A token from a debuggable VM
    /// dbgstat is not disabled-since-boot: authentic, bound, and not Level 1.
    fn level_1_debug(b) {
        b.hardware("google-confidential-space").level(1).form(Form::Jws).evidence_from(Token, EvidenceKnob::Debug);
        b.invalid("evidence/debug", "TR-RTE-011").spec("research hardware.md §4.2");
    }
    /// A token past its exp
    /// The token expired an hour before the verification time.
    fn level_1_expired(b) {
        b.hardware("google-confidential-space").level(1).evidence_from(Token, EvidenceKnob::Expired);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A token with no signer pinned
    /// The token brings its own key snapshot; without a pin nothing vouches for it: unverified, never a pass.
    fn level_1_no_signer_pinned(b) {
        b.hardware("google-confidential-space").level(1).evidence_from(Token, EvidenceKnob::NoPin);
        b.unverified("evidence/hardware-unverified", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A token whose signer is not the pinned key
    /// The verifier pins another RSA key; the key snapshot the evidence brings does not make its signer trusted.
    fn level_1_unpinned_signer(b) {
        b.hardware("google-confidential-space").level(1).evidence_from(Token, EvidenceKnob::UnpinnedRoot);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
}
