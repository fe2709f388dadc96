//! Level 1 and 2 binding with synthetic NVIDIA H100 and Blackwell evidence (one SPDM format:
//! research hardware.md §1.3; Blackwell only with GB100 certificates under the same root): an SPDM measurement report whose
//! requester nonce is the cnf.jwk thumbprint, signed by a device key the pinned test Device
//! Identity CA certifies. The record's measurement is the suite's GPU profile (SHA-384 of the
//! whole measurement record); a GPU report states no debug mode (see TR-RTE-011's decision).

use crate::anchor_build::AnchorKnob;
use crate::evidence_build::{EvidenceKnob, EvidenceSource::Gpu, EvidenceSource::GpuBlackwell};
use trace_record::{Alg, Form};

crate::no_families!();

vectors! { "evidence", "gpu", "Synthetic NVIDIA H100 and Blackwell evidence: Level 1 and 2 binding of an SPDM measurement report.";
    /// A Level 1 H100 record with a GPU report binding its key
    /// The requester nonce is the cnf.jwk thumbprint, runtime.measurement is SHA-384 of the signed measurement record, the chain ends in the pinned test CA; a GPU report states no debug mode, and none is needed (a development mode changes the measurements).
    fn level_1_bound(b) {
        b.hardware("nvidia-h100").level(1).evidence_from(Gpu, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-RTE-008", "TR-RTE-009", "TR-RTE-010", "TR-RTE-011"]).spec("S2 §3.3 steps 3-4").spec("docs/trust-levels.md Level 1");
    }
    /// A Level 1 H100 JWS record with a bound GPU report
    /// The binding is to the key, whatever form carries the record.
    fn level_1_bound_jws(b) {
        b.hardware("nvidia-h100").level(1).form(Form::Jws).evidence_from(Gpu, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 H100 COSE record signed with ES384, with a bound GPU report
    /// Another form and algorithm; the thumbprint is the key's.
    fn level_1_bound_cose_es384(b) {
        b.hardware("nvidia-h100").level(1).form(Form::Cose).alg(Alg::ES384).evidence_from(Gpu, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 2 H100 record: bound GPU report, replayed inclusion receipt
    /// Level 2 adds the anchor over the exact signed record.
    fn level_2_bound_and_anchored(b) {
        b.hardware("nvidia-h100").level(2).evidence_from(Gpu, EvidenceKnob::Genuine);
        b.anchor = Some(AnchorKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-ANC-001", "TR-ANC-002"]).spec("docs/trust-levels.md Level 2; RA §5.1");
    }
    /// A GPU report binding another key
    /// The requester nonce is the thumbprint of a key that did not sign this record.
    fn level_1_other_key_bound(b) {
        b.hardware("nvidia-h100").level(1).evidence_from(Gpu, EvidenceKnob::OtherKey);
        b.invalid("evidence/key-not-bound", "TR-RTE-010").spec("S2 §3.2.1");
    }
    /// A GPU report with another measurement block
    /// One measured byte differs, so the digest of the record is not runtime.measurement.
    fn level_1_other_measurement(b) {
        b.hardware("nvidia-h100").level(1).form(Form::Jws).evidence_from(Gpu, EvidenceKnob::OtherMeasurement);
        b.invalid("evidence/measurement-mismatch", "TR-RTE-009").spec("S2 §3.3 step 4");
    }
    /// A synthetic GPU report under NVIDIA's root
    /// The verifier pins the NVIDIA Device Identity CA, which certifies no test device.
    fn level_1_unpinned_root(b) {
        b.hardware("nvidia-h100").level(1).evidence_from(Gpu, EvidenceKnob::UnpinnedRoot);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A Level 1 Blackwell record with a GPU report binding its key
    /// Blackwell reports in Hopper's SPDM format under the same Device Identity CA; the binding and the measurement profile are the same.
    fn blackwell_level_1_bound(b) {
        b.hardware("nvidia-blackwell").level(1).evidence_from(GpuBlackwell, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-RTE-008", "TR-RTE-009", "TR-RTE-010", "TR-RTE-011"]).spec("S2 §3.3 steps 3-4").spec("docs/trust-levels.md Level 1");
    }
    /// A Level 1 Blackwell JWS record with a bound GPU report
    /// The binding is to the key, whatever form carries the record.
    fn blackwell_level_1_bound_jws(b) {
        b.hardware("nvidia-blackwell").level(1).form(Form::Jws).evidence_from(GpuBlackwell, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 Blackwell COSE ES256 record with a bound GPU report
    /// Another form and algorithm; the thumbprint is the key's.
    fn blackwell_level_1_bound_cose_es256(b) {
        b.hardware("nvidia-blackwell").level(1).form(Form::Cose).alg(Alg::ES256).evidence_from(GpuBlackwell, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 2 Blackwell record: bound GPU report, replayed receipt
    /// Level 2 adds the anchor over the exact signed record.
    fn blackwell_level_2_bound_and_anchored(b) {
        b.hardware("nvidia-blackwell").level(2).evidence_from(GpuBlackwell, EvidenceKnob::Genuine);
        b.anchor = Some(AnchorKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-ANC-001", "TR-ANC-002"]).spec("docs/trust-levels.md Level 2; RA §5.1");
    }
    /// A Blackwell report binding another key
    /// The requester nonce is the thumbprint of a key that did not sign this record.
    fn blackwell_level_1_other_key_bound(b) {
        b.hardware("nvidia-blackwell").level(1).evidence_from(GpuBlackwell, EvidenceKnob::OtherKey);
        b.invalid("evidence/key-not-bound", "TR-RTE-010").spec("S2 §3.2.1");
    }
    /// H100 evidence for a record claiming Blackwell
    /// The same format is not the same platform: the evidence must be from the GPU the record names.
    fn blackwell_record_with_h100_evidence(b) {
        b.hardware("nvidia-blackwell").level(1).evidence_from(Gpu, EvidenceKnob::Genuine);
        b.invalid("evidence/platform-mismatch", "TR-RTE-008").spec("S2 §3.3 step 3");
    }
}
