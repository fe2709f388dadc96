//! Level 1 and 2 binding with synthetic Intel TDX evidence: a version 4 TD quote whose
//! REPORT_DATA begins with the cnf.jwk thumbprint and whose MRTD is the record's measurement,
//! with PCS-shaped DCAP collateral (PCK chain and CRLs, TCB info, QE identity) under the
//! project's synthetic SGX root, pinned; verified by dcap-qvl. And replay of the capture with
//! one link broken at a time.

use crate::anchor_build::AnchorKnob;
use crate::evidence_build::{EvidenceKnob, EvidenceSource::Tdx};
use crate::evidence_capture::TdxReplayKnob;
use trace_record::{Alg, Form};

crate::no_families!();

vectors! { "evidence", "tdx", "Synthetic Intel TDX evidence: Level 1 and 2 binding of a DCAP quote with its collateral, and replay.";
    /// A Level 1 TDX record with a TD quote binding its key and MRTD
    /// REPORT_DATA begins with the cnf.jwk thumbprint, MRTD is runtime.measurement, the quote, QE report, PCK chain, CRLs, TCB info and QE identity verify under the pinned test root at UpToDate, TD_ATTRIBUTES.DEBUG is clear.
    fn level_1_bound(b) {
        b.hardware("intel-tdx").level(1).evidence_from(Tdx, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-RTE-008", "TR-RTE-009", "TR-RTE-010", "TR-RTE-011"]).spec("S2 §3.3 steps 3-4").spec("docs/trust-levels.md Level 1");
    }
    /// A Level 1 TDX JWS record with a bound TD quote
    /// The binding is to the key, whatever form carries the record.
    fn level_1_bound_jws(b) {
        b.hardware("intel-tdx").level(1).form(Form::Jws).evidence_from(Tdx, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 TDX COSE ES384 record with a bound TD quote
    /// Another form and algorithm; the thumbprint is the key's.
    fn level_1_bound_cose_es384(b) {
        b.hardware("intel-tdx").level(1).form(Form::Cose).alg(Alg::ES384).evidence_from(Tdx, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 2 TDX record: bound TD quote, replayed inclusion receipt
    /// Level 2 adds the anchor over the exact signed record.
    fn level_2_bound_and_anchored(b) {
        b.hardware("intel-tdx").level(2).evidence_from(Tdx, EvidenceKnob::Genuine);
        b.anchor = Some(AnchorKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-ANC-001", "TR-ANC-002"]).spec("docs/trust-levels.md Level 2; RA §5.1");
    }
    /// A TD quote binding another key
    /// REPORT_DATA carries the thumbprint of a key that did not sign this record.
    fn level_1_other_key_bound(b) {
        b.hardware("intel-tdx").level(1).evidence_from(Tdx, EvidenceKnob::OtherKey);
        b.invalid("evidence/key-not-bound", "TR-RTE-010").spec("S2 §3.2.1");
    }
    /// A TD quote of another MRTD
    /// runtime.measurement must be the quote's MRTD.
    fn level_1_other_measurement(b) {
        b.hardware("intel-tdx").level(1).form(Form::Jws).evidence_from(Tdx, EvidenceKnob::OtherMeasurement);
        b.invalid("evidence/measurement-mismatch", "TR-RTE-009").spec("S2 §3.3 step 4");
    }
    /// A TD quote of a debuggable TD
    /// TD_ATTRIBUTES.DEBUG is set: authentic, bound, and the host can read the TD's memory.
    fn level_1_debug_td(b) {
        b.hardware("intel-tdx").level(1).evidence_from(Tdx, EvidenceKnob::Debug);
        b.invalid("evidence/debug", "TR-RTE-011").spec("research hardware.md §4.2");
    }
    /// A TD quote whose PCK certificate expired
    /// The PCK certificate's validity ended an hour before the verification time.
    fn level_1_pck_expired(b) {
        b.hardware("intel-tdx").level(1).evidence_from(Tdx, EvidenceKnob::Expired);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A synthetic TD quote under Intel's root
    /// The verifier pins the Intel SGX Root CA, which issues no test PCK chain.
    fn level_1_unpinned_root(b) {
        b.hardware("intel-tdx").level(1).evidence_from(Tdx, EvidenceKnob::UnpinnedRoot);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A synthetic TDX capture replayed under its pinned test root
    /// replay-evidence: quote signature, QE report and its binding of the attestation key, PCK chain and both CRLs, TCB info and QE identity signatures and windows, TCB status UpToDate.
    fn replay_genuine(b) {
        b.replay_tdx(TdxReplayKnob::Genuine).valid(&["TR-HWE-001"]).spec("S2 §3.3 step 3");
    }
    /// A debuggable TD's quote replayed
    /// Authenticity is not policy: the quote verifies, and reports the debug attribute that Level 1 refuses (TR-RTE-011).
    fn replay_debug_td(b) {
        b.replay_tdx(TdxReplayKnob::DebugTd).valid(&["TR-HWE-001"]).spec("S2 §3.3 step 3");
    }
    /// MRTD changed after the attestation key signed
    /// One flipped bit in the signed TD report.
    fn replay_quote_changed(b) {
        b.replay_tdx(TdxReplayKnob::QuoteChanged).invalid("evidence/signature-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A PCK certificate on the PCK CRL
    /// The collateral's own CRL revokes the key that signed the QE report.
    fn replay_pck_revoked(b) {
        b.replay_tdx(TdxReplayKnob::PckRevoked).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A platform whose TCB level is Revoked
    /// The signed TCB info says this platform's TCB must not be trusted.
    fn replay_tcb_revoked(b) {
        b.replay_tdx(TdxReplayKnob::TcbRevoked).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A synthetic TDX capture under Intel's root
    /// The pinned root is Intel's; the capture's root_ca.der is not it.
    fn replay_unpinned_root(b) {
        b.replay_tdx(TdxReplayKnob::UnpinnedRoot).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
}
