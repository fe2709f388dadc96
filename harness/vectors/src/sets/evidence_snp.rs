//! Level 1 binding and replay with synthetic AMD SEV-SNP evidence: a version 3 report signed
//! by a VCEK that the project's test ASK and ARK certify (RSA-PSS, AMD's scheme), the ARK
//! pinned. The same links as the Nitro set, and the ones only SNP has (VCEK TCB and chip id,
//! key_info, the ASK in the bundle).

use crate::anchor_build::AnchorKnob;
use crate::evidence_build::{EvidenceKnob, SnpKnob};
use trace_record::{Alg, Form};

crate::no_families!();

vectors! { "evidence", "snp", "Synthetic SEV-SNP evidence: Level 1 and 2 binding, and replay of the report and its chain.";
    /// A Level 1 SEV-SNP record with a report binding its key and measurement
    /// MEASUREMENT is runtime.measurement, REPORT_DATA begins with the cnf.jwk thumbprint, the VCEK chains to the pinned test ARK.
    fn level_1_bound(b) {
        b.hardware("amd-sev-snp").level(1).snp_evidence(EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-RTE-008", "TR-RTE-009", "TR-RTE-010", "TR-RTE-011"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 SEV-SNP JWS record with a bound report
    /// The binding is to the key, whatever form carries the record.
    fn level_1_bound_jws(b) {
        b.hardware("amd-sev-snp").level(1).form(Form::Jws).snp_evidence(EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 SEV-SNP COSE record signed with ES384, with a bound report
    /// Another form and algorithm; the thumbprint is the key's.
    fn level_1_bound_cose_es384(b) {
        b.hardware("amd-sev-snp").level(1).form(Form::Cose).alg(Alg::ES384).snp_evidence(EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 2 SEV-SNP record: bound report, replayed inclusion receipt
    /// Level 2 adds the anchor over the exact signed record.
    fn level_2_bound_and_anchored(b) {
        b.hardware("amd-sev-snp").level(2).snp_evidence(EvidenceKnob::Genuine);
        b.anchor = Some(AnchorKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-ANC-001", "TR-ANC-002"]).spec("docs/trust-levels.md Level 2; RA §5.1");
    }
    /// A report binding another key
    /// REPORT_DATA carries the thumbprint of a key that did not sign this record.
    fn other_key_bound(b) {
        b.hardware("amd-sev-snp").level(1).snp_evidence(EvidenceKnob::OtherKey);
        b.invalid("evidence/key-not-bound", "TR-RTE-010").spec("S2 §3.2.1");
    }
    /// A report measuring another launch digest
    /// runtime.measurement must be the report's MEASUREMENT.
    fn other_measurement(b) {
        b.hardware("amd-sev-snp").level(1).form(Form::Jws).snp_evidence(EvidenceKnob::OtherMeasurement);
        b.invalid("evidence/measurement-mismatch", "TR-RTE-009").spec("S2 §3.3 step 4");
    }
    /// A report from a debuggable guest
    /// Guest policy bit 19 lets the hypervisor read guest memory: authentic, bound, and not Level 1.
    fn debug_policy(b) {
        b.hardware("amd-sev-snp").level(1).snp_evidence(EvidenceKnob::Debug);
        b.invalid("evidence/debug", "TR-RTE-011").spec("research hardware.md §4.2");
    }
    /// A debuggable guest at Level 2, anchored
    /// An inclusion proof does not make a debuggable guest confidential.
    fn debug_policy_level_2(b) {
        b.hardware("amd-sev-snp").level(2).alg(Alg::ES256).snp_evidence(EvidenceKnob::Debug);
        b.anchor = Some(AnchorKnob::Genuine);
        b.invalid("evidence/debug", "TR-RTE-011").spec("research hardware.md §4.2");
    }
    /// A report whose VCEK expired
    /// The VCEK's validity ended an hour before the verification time.
    fn vcek_expired(b) {
        b.hardware("amd-sev-snp").level(1).snp_evidence(EvidenceKnob::Expired);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A report under AMD's roots instead of the pinned test ARK
    /// No root is pinned, so only AMD's built-in ARKs count, and they sign no test ASK.
    fn unpinned_root(b) {
        b.hardware("amd-sev-snp").level(1).snp_evidence(EvidenceKnob::UnpinnedRoot);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A report at another TCB than its VCEK certifies
    /// The SNP SPL in REPORTED_TCB is one below the VCEK's: the VCEK is not the key for this TCB.
    fn tcb_mismatch(b) {
        b.hardware("amd-sev-snp").level(1).snp_evidence(EvidenceKnob::TcbMismatch);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A report from another chip than its VCEK's
    /// CHIP_ID differs from the VCEK's hwID extension.
    fn other_chip(b) {
        b.hardware("amd-sev-snp").level(1).snp_evidence(EvidenceKnob::OtherChip);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// SEV-SNP evidence for a record claiming Nitro
    /// The evidence must be from the platform the record names.
    fn platform_mismatch_nitro(b) {
        b.hardware("aws-nitro").level(1).snp_evidence(EvidenceKnob::Genuine);
        b.invalid("evidence/platform-mismatch", "TR-RTE-008").spec("S2 §3.3 step 3");
    }
    /// A synthetic SEV-SNP report replayed under its pinned test ARK
    /// replay-evidence: report structure, VCEK chain, validity, report signature, hwID and TCB all verify.
    fn replay_genuine(b) {
        b.replay_snp(SnpKnob::Genuine).valid(&["TR-HWE-001"]).spec("S2 §3.3 step 3");
    }
    /// A report whose chip id is masked
    /// A guest may mask CHIP_ID; there is then nothing to hold against the VCEK's hwID, and the report still verifies.
    fn replay_masked_chip(b) {
        b.replay_snp(SnpKnob::MaskedChip).valid(&["TR-HWE-001"]).spec("S2 §3.3 step 3");
    }
    /// The measurement changed after signing
    /// One flipped bit in the signed part of the report.
    fn replay_report_changed(b) {
        b.replay_snp(SnpKnob::ReportChanged).invalid("evidence/signature-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A report cut to 1,000 bytes
    /// An ATTESTATION_REPORT is 1,184 bytes: malformed, refused, never read past its end.
    fn replay_truncated(b) {
        b.replay_snp(SnpKnob::Truncated).invalid("evidence/malformed", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A synthetic report under AMD's roots
    /// No root pinned: the test ARK is not AMD's.
    fn replay_unpinned_root(b) {
        b.replay_snp(SnpKnob::UnpinnedRoot).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// The bundle holds the ARK but not the ASK
    /// Nothing links the VCEK to the pinned ARK.
    fn replay_ask_missing(b) {
        b.replay_snp(SnpKnob::AskMissing).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A VCEK that expired before verification
    /// Every certificate on the path must be valid at the pinned time.
    fn replay_vcek_expired(b) {
        b.replay_snp(SnpKnob::VcekExpired).invalid("evidence/expired", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A VCEK not valid yet at verification
    /// Not yet valid is as unusable as expired.
    fn replay_vcek_not_yet_valid(b) {
        b.replay_snp(SnpKnob::VcekNotYetValid).invalid("evidence/expired", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A report at a TCB below its VCEK's
    /// The VCEK certifies the SPLs it was derived for; REPORTED_TCB must equal them.
    fn replay_tcb_mismatch(b) {
        b.replay_snp(SnpKnob::TcbMismatch).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A report from another chip than the VCEK's
    /// CHIP_ID must equal the VCEK's hwID unless masked.
    fn replay_other_chip(b) {
        b.replay_snp(SnpKnob::OtherChip).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// key_info names a VLEK, the certificate is a VCEK
    /// The report says which kind of key signed it; a verifier must hold the certificate to that.
    fn replay_vlek_claimed(b) {
        b.replay_snp(SnpKnob::VlekClaimed).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
}
