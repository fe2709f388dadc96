//! Deployment profiles (TR-PRF-*, IMPL-13): what a profile may require beyond S2's minimum,
//! given to the verifier with the request: SHA-384 digests for a FIPS-aligned profile
//! (S2 §3.2.1) and an SLSA Build Level floor (S2 §4.1).

use serde_json::json;
use trace_record::json::{Number, Value};

crate::no_families!();

fn sha384(seed: &str) -> String {
    format!("sha384:{}", seed.repeat(96 / seed.len()))
}

/// Every digest of the sample record in SHA-384.
fn all_sha384(b: &mut crate::build::Build) -> &mut crate::build::Build {
    b.set_str("/runtime/measurement", &sha384("ab"))
        .set_str("/policy/bundle_hash", &sha384("c1"))
        .set_str("/build_provenance/digest", &sha384("d2"))
}

vectors! { "prf", "deployment-profile", "Deployment profiles: SHA-384 for FIPS-aligned profiles, an SLSA floor (IMPL-13).";
    /// A FIPS-aligned profile, every digest SHA-384
    /// S2 §3.2.1: SHA-384 is required for FIPS-aligned profiles; this record has nothing else.
    fn fips_all_sha384(b) {
        all_sha384(b).deployment(json!({"fips": true}));
        b.valid(&["TR-PRF-001"]).spec("S2 §3.2.1");
    }
    /// A FIPS-aligned profile, policy.bundle_hash in SHA-256
    /// One SHA-256 digest is enough to leave the profile.
    fn fips_policy_sha256(b) {
        all_sha384(b).set_str("/policy/bundle_hash", &format!("sha256:{}", "c1".repeat(32)));
        b.deployment(json!({"fips": true})).invalid("profile/digest-not-sha384", "TR-PRF-001").spec("S2 §3.2.1");
    }
    /// A FIPS-aligned profile, runtime.measurement in SHA-256
    /// The measurement is a digest like the others.
    fn fips_measurement_sha256(b) {
        all_sha384(b).set_str("/runtime/measurement", &format!("sha256:{}", "ab".repeat(32)));
        b.deployment(json!({"fips": true})).invalid("profile/digest-not-sha384", "TR-PRF-001").spec("S2 §3.2.1");
    }
    /// No FIPS-aligned profile, SHA-256 digests
    /// SHA-256 is the spec's minimum: without the profile it is accepted.
    fn fips_off_sha256(b) {
        b.deployment(json!({"fips": false})).valid(&["TR-PRF-001"]).spec("S2 §3.2.1");
    }
    /// An SLSA floor of 1, slsa_level 1
    /// The floor is reached.
    fn slsa_floor_met(b) {
        b.deployment(json!({"min_slsa_level": 1})).valid(&["TR-PRF-002"]).spec("S2 §4.1");
    }
    /// An SLSA floor of 2, slsa_level 1
    /// Build Level 2 is the floor S2 §4.1 names for v1.0; a profile may apply it now.
    fn slsa_below_floor(b) {
        b.deployment(json!({"min_slsa_level": 2})).invalid("profile/slsa-below-floor", "TR-PRF-002").spec("S2 §4.1");
    }
    /// An SLSA floor of 3 (production), slsa_level 2
    /// Build Level 3 is the production target; level 2 misses it.
    fn slsa_production_floor(b) {
        b.set("/build_provenance/slsa_level", Value::Number(Number::Int(2)));
        b.deployment(json!({"min_slsa_level": 3})).invalid("profile/slsa-below-floor", "TR-PRF-002").spec("S2 §4.1");
    }
    /// A deployment appraising for enforcement, enforcement_mode declared
    /// S2 §4.3: declared is no evidence any rule was checked; such a verifier treats it as
    /// no enforcement claim at all.
    fn declared_where_enforcement_appraised(b) {
        b.set_str("/policy/enforcement_mode", "declared");
        b.deployment(json!({"require_policy_evaluation": true}));
        b.invalid("profile/policy-not-evaluated", "TR-PRF-003").spec("S2 §4.3");
    }
    /// A deployment appraising for enforcement, enforcement_mode advisory
    /// advisory evaluates the policy without blocking: it asserts an evaluation.
    fn advisory_where_enforcement_appraised(b) {
        b.set_str("/policy/enforcement_mode", "advisory");
        b.deployment(json!({"require_policy_evaluation": true})).valid(&["TR-PRF-003"]).spec("S2 §4.3");
    }
    /// enforcement_mode declared, no enforcement appraisal
    /// Without the profile, declared is accepted with its advisory.
    fn declared_without_appraisal(b) {
        b.set_str("/policy/enforcement_mode", "declared");
        b.deployment(json!({"require_policy_evaluation": false})).warning("TR-POL-004").valid(&["TR-PRF-003"]).spec("S2 §4.3");
    }
    /// enforcement_mode declared on an attested Level 1 record
    /// Genuine hardware evidence proves where the record was made, not that a policy was
    /// evaluated: a deployment appraising for enforcement still refuses declared.
    fn declared_on_attested_record(b) {
        b.hardware("aws-nitro").level(1).evidence = Some(crate::evidence_build::EvidenceKnob::Genuine);
        b.set_str("/policy/enforcement_mode", "declared");
        b.deployment(json!({"require_policy_evaluation": true}));
        b.invalid("profile/policy-not-evaluated", "TR-PRF-003").spec("S2 §4.3");
    }
}
