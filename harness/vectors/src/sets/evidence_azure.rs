//! Replay of synthetic Azure confidential VM evidence (cMCP's layout): the SNP report binds
//! the HCL runtime data, the runtime data carries the vTPM attestation key, the key signs a
//! quote over the verifier's nonce. Each link broken once; the synthetic ARK pinned.

use crate::evidence_build::AzureKnob;

crate::no_families!();

vectors! { "evidence", "azure-cvm", "Synthetic Azure CVM evidence replayed: SNP report, HCL runtime data, vTPM quote.";
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
