//! Replay of synthetic TPM 2.0 quotes whose attestation key a synthetic TPM CA certifies,
//! the CA pinned: the quote's structure, signature and nonce, and the AK's chain. (No
//! Level 1 binding vectors yet: a TPM has no debug mode for TR-RTE-011 to read; see the
//! catalog decision before adding them.)

use crate::evidence_build::TpmKnob;

crate::no_families!();

vectors! { "evidence", "tpm", "Synthetic TPM 2.0 quotes replayed with their AK certificate and pinned CA.";
    /// A synthetic quote replayed with its AK certified by the pinned CA
    /// replay-evidence: TPMS_ATTEST structure, RSASSA signature by the AK, extraData equal to the nonce, the AK certificate chained to the pinned CA and valid.
    fn replay_genuine(b) {
        b.replay_tpm(TpmKnob::Genuine).valid(&["TR-HWE-001"]).spec("S2 §3.3 step 3");
    }
    /// The quote changed after the AK signed
    /// One bit of pcrDigest flipped.
    fn replay_quote_changed(b) {
        b.replay_tpm(TpmKnob::QuoteChanged).invalid("evidence/signature-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A quote cut short
    /// Parsed by its size fields: refused as malformed, never read past its end.
    fn replay_truncated(b) {
        b.replay_tpm(TpmKnob::Truncated).invalid("evidence/malformed", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A quote for another nonce
    /// extraData is what binds the quote to this request; it must equal the verifier's nonce.
    fn replay_nonce_mismatch(b) {
        b.replay_tpm(TpmKnob::NonceMismatch).invalid("evidence/binding-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// An AK certificate that expired before verification
    /// The AK chain must be valid at the pinned time.
    fn replay_ak_cert_expired(b) {
        b.replay_tpm(TpmKnob::AkCertExpired).invalid("evidence/expired", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// An AK certificate for another key
    /// The CA vouches for a key, but not the one that signed the quote.
    fn replay_ak_cert_other_key(b) {
        b.replay_tpm(TpmKnob::AkCertOtherKey).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// An AK certified by a CA that is not pinned
    /// Only the pinned CA makes the AK a TPM's.
    fn replay_other_ca(b) {
        b.replay_tpm(TpmKnob::OtherCa).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
}
