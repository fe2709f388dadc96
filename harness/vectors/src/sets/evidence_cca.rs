//! Level 1 and 2 binding with synthetic Arm CCA tokens: a realm token whose challenge begins
//! with the cnf.jwk thumbprint and whose initial measurement (RIM) is the record's
//! measurement, signed by its RAK, which the platform token's challenge binds; the platform
//! token signed by the synthetic IAK, pinned by the SHA-256 of its SubjectPublicKeyInfo. And
//! replay of the capture with one link broken at a time.

use crate::anchor_build::AnchorKnob;
use crate::evidence_build::{EvidenceKnob, EvidenceSource::Cca};
use crate::evidence_capture::CcaReplayKnob;
use trace_record::{Alg, Form};

crate::no_families!();

vectors! { "evidence", "cca", "Synthetic Arm CCA tokens: Level 1 and 2 binding of a realm and platform token, and replay.";
    /// A Level 1 Arm CCA record with a token binding its key and RIM
    /// The realm challenge begins with the cnf.jwk thumbprint, the RIM is runtime.measurement, the RAK signs the realm token and is bound by the platform challenge, the pinned IAK signs the platform token, the lifecycle is secured.
    fn level_1_bound(b) {
        b.hardware("arm-cca").level(1).evidence_from(Cca, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-RTE-008", "TR-RTE-009", "TR-RTE-010", "TR-RTE-011"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 Arm CCA JWS record with a bound token
    /// The binding is to the key, whatever form carries the record.
    fn level_1_bound_jws(b) {
        b.hardware("arm-cca").level(1).form(Form::Jws).evidence_from(Cca, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 Arm CCA COSE ES256 record with a bound token
    /// Another form and algorithm; the thumbprint is the key's.
    fn level_1_bound_cose_es256(b) {
        b.hardware("arm-cca").level(1).form(Form::Cose).alg(Alg::ES256).evidence_from(Cca, EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 2 Arm CCA record: bound token, replayed inclusion receipt
    /// Level 2 adds the anchor over the exact signed record.
    fn level_2_bound_and_anchored(b) {
        b.hardware("arm-cca").level(2).evidence_from(Cca, EvidenceKnob::Genuine);
        b.anchor = Some(AnchorKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-ANC-001", "TR-ANC-002"]).spec("docs/trust-levels.md Level 2; RA §5.1");
    }
    /// A CCA token binding another key
    /// The realm challenge carries the thumbprint of a key that did not sign this record.
    fn level_1_other_key_bound(b) {
        b.hardware("arm-cca").level(1).evidence_from(Cca, EvidenceKnob::OtherKey);
        b.invalid("evidence/key-not-bound", "TR-RTE-010").spec("S2 §3.2.1");
    }
    /// A CCA token of another realm image
    /// runtime.measurement must be the realm initial measurement.
    fn level_1_other_measurement(b) {
        b.hardware("arm-cca").level(1).form(Form::Jws).evidence_from(Cca, EvidenceKnob::OtherMeasurement);
        b.invalid("evidence/measurement-mismatch", "TR-RTE-009").spec("S2 §3.3 step 4");
    }
    /// A CCA token from a platform in a debug lifecycle state
    /// Security lifecycle non-PSA-RoT debug: authentic and bound, and not Level 1.
    fn level_1_debug_lifecycle(b) {
        b.hardware("arm-cca").level(1).evidence_from(Cca, EvidenceKnob::Debug);
        b.invalid("evidence/debug", "TR-RTE-011").spec("research hardware.md §4.2");
    }
    /// A CCA token whose IAK is not the pinned key
    /// The verifier pins another key; the token's IAK signs nothing it trusts.
    fn level_1_unpinned_iak(b) {
        b.hardware("arm-cca").level(1).evidence_from(Cca, EvidenceKnob::UnpinnedRoot);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A synthetic CCA capture replayed under its pinned IAK
    /// replay-evidence: both COSE signatures, the IAK pin, the RAK bound by the platform challenge, a secured lifecycle.
    fn replay_genuine(b) {
        b.replay_cca(CcaReplayKnob::Genuine).valid(&["TR-HWE-001"]).spec("S2 §3.3 step 3");
    }
    /// A platform in a debug lifecycle state, replayed
    /// Authenticity is not policy: the token verifies and reports the debug state Level 1 refuses.
    fn replay_debug_lifecycle(b) {
        b.replay_cca(CcaReplayKnob::DebugLifecycle).valid(&["TR-HWE-001"]).spec("S2 §3.3 step 3");
    }
    /// The realm token's signature changed
    /// One bit of the RAK's signature flipped.
    fn replay_realm_signature_changed(b) {
        b.replay_cca(CcaReplayKnob::RealmSignatureChanged).invalid("evidence/signature-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A decommissioned platform's token
    /// Lifecycle 0x6000: neither secured nor a debug state, the platform attests nothing.
    fn replay_decommissioned(b) {
        b.replay_cca(CcaReplayKnob::Decommissioned).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A realm token not bound to its platform token
    /// Both are genuinely signed, but the platform challenge is the hash of another RAK: the realm could be anyone's.
    fn replay_rak_unbound(b) {
        b.replay_cca(CcaReplayKnob::RakUnbound).invalid("evidence/binding-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// The platform token's signature changed
    /// One bit of the IAK's signature flipped: the platform claims (lifecycle, the RAK's hash) are no longer vouched for.
    fn replay_platform_signature_changed(b) {
        b.replay_cca(CcaReplayKnob::PlatformSignatureChanged).invalid("evidence/signature-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A CCA token with no IAK pinned
    /// Only the key the capture brings vouches for the platform token: unverified, never a pass.
    fn level_1_no_iak_pinned(b) {
        b.hardware("arm-cca").level(1).evidence_from(Cca, EvidenceKnob::NoPin);
        b.unverified("evidence/hardware-unverified", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// A token under another pinned key
    /// The pinned key is not the IAK that signed the platform token.
    fn replay_unpinned_iak(b) {
        b.replay_cca(CcaReplayKnob::UnpinnedIak).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
}
