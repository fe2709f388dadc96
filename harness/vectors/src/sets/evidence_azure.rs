//! Synthetic Azure confidential VM evidence (cMCP's layout): the SNP report binds the HCL
//! runtime data, the runtime data carries the vTPM attestation key, the key signs a quote over
//! the verifier's nonce. Level 1 and 2 binding (the nonce begins with the cnf.jwk thumbprint,
//! the SNP MEASUREMENT is the record's), and replay with each link broken once; the synthetic
//! ARK pinned.

use crate::anchor_build::AnchorKnob;
use crate::evidence_build::{AzureKnob, EvidenceKnob, EvidenceSource::Azure};
use trace_record::{Alg, Form};

crate::no_families!();

vectors! { "evidence", "azure-cvm", "Synthetic Azure CVM evidence (SNP report, HCL runtime data, vTPM quote): Level 1 and 2 binding, and replay.";
    /// A Level 1 Azure CVM record whose vTPM quote binds its key
    /// The quote's extraData is SHA-256 of a nonce that begins with the cnf.jwk thumbprint, HCLAkPub signs it, the SNP report binds HCLAkPub and measures runtime.measurement.
    fn level_1_bound(b) {
        b.hardware("azure-cvm-sev-snp").level(1).evidence_from(Azure, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-RTE-008", "TR-RTE-009", "TR-RTE-010", "TR-RTE-011"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 Azure CVM JWS record with bound evidence
    /// The binding is to the key, whatever form carries the record.
    fn level_1_bound_jws(b) {
        b.hardware("azure-cvm-sev-snp").level(1).form(Form::Jws).evidence_from(Azure, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 Azure CVM COSE record signed with ES384, with bound evidence
    /// Another form and algorithm; the thumbprint is the key's.
    fn level_1_bound_cose_es384(b) {
        b.hardware("azure-cvm-sev-snp").level(1).form(Form::Cose).alg(Alg::ES384).evidence_from(Azure, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 2 Azure CVM record: bound evidence, replayed inclusion receipt
    /// Level 2 adds the anchor over the exact signed record.
    fn level_2_bound_and_anchored(b) {
        b.hardware("azure-cvm-sev-snp").level(2).evidence_from(Azure, EvidenceKnob::Genuine);
        b.anchor = Some(AnchorKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-ANC-001", "TR-ANC-002"]).spec("docs/trust-levels.md Level 2; RA §5.1");
    }
    /// A vTPM nonce binding another key
    /// The nonce the quote covers begins with the thumbprint of a key that did not sign this record.
    fn level_1_other_key_bound(b) {
        b.hardware("azure-cvm-sev-snp").level(1).evidence_from(Azure, EvidenceKnob::OtherKey);
        b.invalid("evidence/key-not-bound", "TR-RTE-010").spec("S2 §3.2.1");
    }
    /// An Azure CVM whose paravisor measures another launch digest
    /// runtime.measurement must be the SNP report's MEASUREMENT.
    fn level_1_other_measurement(b) {
        b.hardware("azure-cvm-sev-snp").level(1).evidence_from(Azure, EvidenceKnob::OtherMeasurement);
        b.invalid("evidence/measurement-mismatch", "TR-RTE-009").spec("S2 §3.3 step 4");
    }
    /// An Azure CVM with the SNP debug policy bit set
    /// Authentic and bound, and the hypervisor can read guest memory: not Level 1.
    fn level_1_debug_policy(b) {
        b.hardware("azure-cvm-sev-snp").level(1).evidence_from(Azure, EvidenceKnob::Debug);
        b.invalid("evidence/debug", "TR-RTE-011").spec("research hardware.md §4.2");
    }
    /// Azure CVM evidence under AMD's roots instead of the pinned test ARK
    /// No root pinned: AMD's built-in ARKs sign no test ASK.
    fn level_1_unpinned_root(b) {
        b.hardware("azure-cvm-sev-snp").level(1).form(Form::Jws).evidence_from(Azure, EvidenceKnob::UnpinnedRoot);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A synthetic Azure CVM capture replayed under the pinned test ARK
    /// replay-evidence: the SNP report and chain, REPORT_DATA over the runtime data, HCLAkPub signing the quote, extraData over the nonce.
    fn replay_genuine(b) {
        b.replay_azure(AzureKnob::Genuine).valid(&["TR-HWE-001"]).spec("S2 §3.3 step 3");
    }
    /// The vTPM quote changed after the AK signed
    /// One bit of pcrDigest flipped: the AK's signature no longer verifies.
    fn replay_quote_changed(b) {
        b.replay_azure(AzureKnob::QuoteChanged).invalid("evidence/signature-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// Runtime data other than the report binds
    /// REPORT_DATA must be SHA-256 of the runtime data; the substitute has no AK either.
    fn replay_other_runtime_data(b) {
        b.replay_azure(AzureKnob::OtherRuntimeData).invalid("evidence/binding-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A quote over another nonce
    /// The quote's extraData must be SHA-256 of the verifier's nonce.
    fn replay_other_nonce(b) {
        b.replay_azure(AzureKnob::OtherNonce).invalid("evidence/binding-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A synthetic capture under AMD's roots
    /// No root pinned: the test ARK is not AMD's.
    fn replay_unpinned_root(b) {
        b.replay_azure(AzureKnob::UnpinnedRoot).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
}
