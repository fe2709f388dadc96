//! Level 1 binding (TR-RTE-006, TR-RTE-008..011): records with synthetic hardware evidence
//! made with the project's test root (Nitro-shaped), so that the binding of the record's key
//! and measurement can be proven right and broken one link at a time.

use crate::anchor_build::AnchorKnob;
use crate::evidence_build::{EvidenceKnob, GpuKnob, ReplayKnob};
use trace_record::{Alg, Form};

crate::no_families!();

vectors! { "evidence", "binding", "Hardware evidence bound to the record: Level 1 and 2 with synthetic Nitro evidence.";
    /// A Level 1 record with evidence binding its key and measurement
    /// PCR0 is runtime.measurement, user_data begins with the cnf.jwk thumbprint, the chain verifies to the pinned test root.
    fn level_1_bound(b) {
        b.hardware("aws-nitro").level(1).evidence = Some(EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-RTE-008", "TR-RTE-009", "TR-RTE-010", "TR-RTE-011"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 JWS record with bound evidence
    /// The binding is to the key, whatever form carries the record.
    fn level_1_bound_jws(b) {
        b.hardware("aws-nitro").level(1).form(Form::Jws).evidence = Some(EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 1 COSE record signed with ES384, with bound evidence
    /// Another form and algorithm; the thumbprint is the key's.
    fn level_1_bound_cose_es384(b) {
        b.hardware("aws-nitro").level(1).form(Form::Cose).alg(Alg::ES384).evidence = Some(EvidenceKnob::Genuine);
        b.valid(&["TR-RTE-010"]).spec("S2 §3.3 steps 3-4");
    }
    /// A Level 2 record: bound evidence and a replayed inclusion receipt
    /// Level 2 adds the anchor: transparency, and inclusion proven over the exact signed record.
    fn level_2_bound_and_anchored(b) {
        b.hardware("aws-nitro").level(2).evidence = Some(EvidenceKnob::Genuine);
        b.anchor = Some(AnchorKnob::Genuine);
        b.valid(&["TR-RTE-006", "TR-ANC-001", "TR-ANC-002"]).spec("docs/trust-levels.md Level 2; RA §5.1");
    }
    /// Evidence binding another key
    /// The TEE vouches for a key, but not for the one that signed this record.
    fn other_key_bound(b) {
        b.hardware("aws-nitro").level(1).evidence = Some(EvidenceKnob::OtherKey);
        b.invalid("evidence/key-not-bound", "TR-RTE-010").spec("S2 §3.2.1");
    }
    /// An ES256 record with evidence binding another key, at Level 2
    /// The same rule with another key type and level.
    fn other_key_bound_es256_level_2(b) {
        b.hardware("aws-nitro").level(2).alg(Alg::ES256).evidence = Some(EvidenceKnob::OtherKey);
        b.anchor = Some(AnchorKnob::Genuine);
        b.invalid("evidence/key-not-bound", "TR-RTE-010").spec("S2 §3.2.1");
    }
    /// Evidence measuring another image
    /// runtime.measurement must be what the hardware measured (PCR0).
    fn other_measurement(b) {
        b.hardware("aws-nitro").level(1).evidence = Some(EvidenceKnob::OtherMeasurement);
        b.invalid("evidence/measurement-mismatch", "TR-RTE-009").spec("S2 §3.3 step 4");
    }
    /// Evidence measuring another image, JWS at Level 2
    /// The same link broken in another form and level.
    fn other_measurement_jws_level_2(b) {
        b.hardware("aws-nitro").level(2).form(Form::Jws).evidence = Some(EvidenceKnob::OtherMeasurement);
        b.invalid("evidence/measurement-mismatch", "TR-RTE-009").spec("S2 §3.3 step 4");
    }
    /// Nitro evidence for a record claiming SEV-SNP
    /// The evidence must be from the platform the record names.
    fn platform_mismatch_snp(b) {
        b.hardware("amd-sev-snp").level(1).evidence = Some(EvidenceKnob::Genuine);
        b.invalid("evidence/platform-mismatch", "TR-RTE-008").spec("S2 §3.3 step 3");
    }
    /// Nitro evidence for a record claiming TDX
    /// The same mismatch with another platform.
    fn platform_mismatch_tdx(b) {
        b.hardware("intel-tdx").level(1).evidence = Some(EvidenceKnob::Genuine);
        b.invalid("evidence/platform-mismatch", "TR-RTE-008").spec("S2 §3.3 step 3");
    }
    /// Evidence whose enclave certificate expired
    /// Issued four hours before verification; the certificate lives three.
    fn evidence_expired(b) {
        b.hardware("aws-nitro").level(1).evidence = Some(EvidenceKnob::Expired);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// Evidence chaining to a root the verifier does not pin
    /// Only a pinned root makes evidence hardware evidence.
    fn evidence_unpinned_root(b) {
        b.hardware("aws-nitro").level(1).evidence = Some(EvidenceKnob::UnpinnedRoot);
        b.invalid("evidence/hardware-invalid", "TR-RTE-006").spec("S2 §3.3 step 3");
    }
    /// Evidence from a debug enclave (all-zero PCRs)
    /// Authentic, bound, and still not Level 1: debug memory is not confidential.
    fn debug_enclave(b) {
        b.hardware("aws-nitro").level(1).set_str("/runtime/measurement", &format!("sha384:{}", "0".repeat(96)));
        b.evidence = Some(EvidenceKnob::Debug);
        b.invalid("evidence/debug", "TR-RTE-011").spec("research hardware.md §4.2");
    }
    /// A debug enclave at Level 2, anchored
    /// An inclusion proof does not make debug evidence confidential.
    fn debug_enclave_level_2(b) {
        b.hardware("aws-nitro").level(2).set_str("/runtime/measurement", &format!("sha384:{}", "0".repeat(96)));
        b.evidence = Some(EvidenceKnob::Debug);
        b.anchor = Some(AnchorKnob::Genuine);
        b.invalid("evidence/debug", "TR-RTE-011").spec("research hardware.md §4.2");
    }
    /// Synthetic Nitro evidence replayed under its pinned test root
    /// replay-evidence: structure, chain, validity at the verification time and COSE signature all verify.
    fn replay_genuine(b) {
        b.replay(ReplayKnob::Genuine).valid(&["TR-HWE-001"]).spec("S2 §3.3 step 3");
    }
    /// Replayed four hours after issuance
    /// The enclave certificate lives three hours: expired at the pinned time.
    fn replay_expired(b) {
        b.replay(ReplayKnob::Expired).invalid("evidence/expired", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// Replayed an hour before issuance
    /// A certificate not yet valid is as unusable as an expired one.
    fn replay_not_yet_valid(b) {
        b.replay(ReplayKnob::NotYetValid).invalid("evidence/expired", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// The COSE signature damaged
    /// One flipped bit in the signature.
    fn replay_signature_flipped(b) {
        b.replay(ReplayKnob::SignatureFlipped).invalid("evidence/signature-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// The document cut in half
    /// Malformed evidence is refused, never a crash.
    fn replay_truncated(b) {
        b.replay(ReplayKnob::Truncated).invalid("evidence/malformed", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// Synthetic evidence under the AWS root pin
    /// The chain does not end at the pinned root.
    fn replay_unpinned_root(b) {
        b.replay(ReplayKnob::UnpinnedRoot).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A synthetic GPU report replayed under its pinned test root
    /// SPDM request and response signed by a device key certified by the test root.
    fn replay_gpu_genuine(b) {
        b.replay_gpu(GpuKnob::Genuine).valid(&["TR-HWE-001"]).spec("S2 §3.3 step 3");
    }
    /// The requester nonce changed after the GPU signed
    /// The nonce is signed: changing it breaks the signature.
    fn replay_gpu_nonce_changed(b) {
        b.replay_gpu(GpuKnob::NonceChanged).invalid("evidence/signature-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// The GPU report's signature changed
    /// One hex digit of the signature.
    fn replay_gpu_signature_changed(b) {
        b.replay_gpu(GpuKnob::SignatureChanged).invalid("evidence/signature-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A GPU report cut short
    /// Parsed by its length fields: refused as malformed, never read past its end.
    fn replay_gpu_truncated(b) {
        b.replay_gpu(GpuKnob::Truncated).invalid("evidence/malformed", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A synthetic GPU report under NVIDIA's root pin
    /// The chain does not end at the pinned root.
    fn replay_gpu_unpinned_root(b) {
        b.replay_gpu(GpuKnob::UnpinnedRoot).invalid("evidence/chain-invalid", "TR-HWE-001").spec("S2 §3.3 step 3");
    }
    /// A Level 1 record with an unresolvable reference and genuine evidence
    /// references never change runtime.platform and are never resolved: the record keeps
    /// the platform its evidence earned, and the dead resolver refuses nothing (S2 §3.1).
    fn references_beside_evidence_at_level_1(b) {
        b.hardware("aws-nitro").level(1).evidence = Some(EvidenceKnob::Genuine);
        b.set_json("/references", r#"[{"rel":"behavior-trace","id":"t-1","resolver":"https://unreachable.invalid/"}]"#);
        b.valid(&["TR-RTE-006", "TR-ORG-001"]).spec("S2 §3.1.2");
    }
    /// A Level 1 record with references and no hardware evidence
    /// A reference is never attested evidence: without evidence Level 1 stays unverified.
    fn references_are_not_evidence(b) {
        b.hardware("aws-nitro").level(1);
        b.set_json("/references", r#"[{"rel":"attestation","id":"quote-1","resolver":"https://evidence.example/quotes/"}]"#);
        b.unverified("evidence/hardware-unverified", "TR-RTE-006").spec("S2 §3.1.2");
    }
    /// A Level 1 record whose policy hash was substituted after signing
    /// S2 §4.3: the policy hash is bound through the TEE-bound cnf key's signature, so
    /// substituting the policy invalidates the runtime claim, evidence notwithstanding.
    fn policy_substituted_at_level_1(b) {
        b.hardware("aws-nitro").level(1).evidence = Some(EvidenceKnob::Genuine);
        let policy = trace_record::sample::policy_bundle_hash();
        let other = format!("sha256:{}", "5e".repeat(32));
        b.tamper(&policy, &other).invalid("signature/invalid", "TR-SIG-005").spec("S2 §4.3");
    }
}
