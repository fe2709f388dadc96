//! Synthetic TPM 2.0 quotes whose attestation key a synthetic TPM CA certifies, the CA
//! pinned: Level 1 and 2 binding (extraData begins with the cnf.jwk thumbprint, pcrDigest is
//! the `sha256:` measurement; a TPM has no debug attribute, see TR-RTE-011's decision), and
//! replay of the quote's structure, signature and nonce, and the AK's chain.

use crate::anchor_build::AnchorKnob;
use crate::evidence_build::{EvidenceKnob, EvidenceSource::Tpm, TpmKnob};
use trace_record::{Alg, Form};

crate::no_families!();

vectors! { "evidence", "tpm", "Synthetic TPM 2.0 quotes: Level 1 and 2 binding, and replay with the AK certificate and pinned CA.";
    /// A Level 1 TPM 2.0 record with a quote binding its key and PCRs
    /// extraData begins with the cnf.jwk thumbprint, pcrDigest is runtime.measurement, the AK is certified by the pinned test CA; a quote states no debug mode, and none is needed (the boot state is in the PCRs).
    fn level_1_bound(b) {
        b.hardware("tpm2").level(1).evidence_from(Tpm, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-RTE-008", "TR-RTE-009", "TR-RTE-010", "TR-RTE-011"]).spec("S2 §3.3 steps 3-4").spec("docs/trust-levels.md Level 1");
    }
    /// A Level 1 TPM 2.0 JWS record with a bound quote
    /// The binding is to the key, whatever form carries the record.
    fn level_1_bound_jws(b) {
        b.hardware("tpm2").level(1).form(Form::Jws).evidence_from(Tpm, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 TPM 2.0 COSE record signed with ES256, with a bound quote
    /// Another form and algorithm; the thumbprint is the key's.
    fn level_1_bound_cose_es256(b) {
        b.hardware("tpm2").level(1).form(Form::Cose).alg(Alg::ES256).evidence_from(Tpm, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 2 TPM 2.0 record: bound quote, replayed inclusion receipt
    /// Level 2 adds the anchor over the exact signed record.
    fn level_2_bound_and_anchored(b) {
        b.hardware("tpm2").level(2).evidence_from(Tpm, EvidenceKnob::Genuine);
        b.anchor = Some(AnchorKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-ANC-001", "TR-ANC-002"]).spec("docs/trust-levels.md Level 2; RA §5.1");
    }
    /// A quote binding another key
    /// extraData carries the thumbprint of a key that did not sign this record.
    fn level_1_other_key_bound(b) {
        b.hardware("tpm2").level(1).evidence_from(Tpm, EvidenceKnob::OtherKey);
        b.invalid("evidence/key-not-bound", "TR-RTE-010").spec("S2 §3.2.1");
    }
    /// A quote over other PCR values
    /// runtime.measurement must be the quote's pcrDigest.
    fn level_1_other_measurement(b) {
        b.hardware("tpm2").level(1).evidence_from(Tpm, EvidenceKnob::OtherMeasurement);
        b.invalid("evidence/measurement-mismatch", "TR-RTE-009").spec("S2 §3.3 step 4");
    }
    /// A quote whose AK certificate expired
    /// The AK certificate's validity ended an hour before the verification time.
    fn level_1_ak_expired(b) {
        b.hardware("tpm2").level(1).form(Form::Jws).evidence_from(Tpm, EvidenceKnob::Expired);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A quote whose AK chains to another CA than the pinned one
    /// The verifier pins a CA that did not certify this AK.
    fn level_1_unpinned_ca(b) {
        b.hardware("tpm2").level(1).evidence_from(Tpm, EvidenceKnob::UnpinnedRoot);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A TPM quote for a record claiming SEV-SNP
    /// The evidence must be from the platform the record names, even when it binds the key.
    fn level_1_platform_mismatch(b) {
        b.hardware("amd-sev-snp").level(1).evidence_from(Tpm, EvidenceKnob::Genuine);
        b.invalid("evidence/platform-mismatch", "TR-RTE-008").spec("S2 §3.3 step 3");
    }
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
