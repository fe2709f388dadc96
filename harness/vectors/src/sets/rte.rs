//! Runtime claims at Level 0 (TR-RTE-002, TR-RTE-007) and the reference values of S2 §3.3
//! step 4 (TR-RTE-012); Level 1 rules are in level.rs.

crate::no_families!();

/// The hardware sample's measurement and another one.
fn ab48() -> String {
    format!("sha384:{}", "ab".repeat(48))
}
fn cd48() -> String {
    format!("sha384:{}", "cd".repeat(48))
}

vectors! { "rte", "runtime", "runtime.measurement and the legacy dev-mode sentinel.";
    /// A measurement digest ending in a line feed
    /// ECMA-262 '$' is end of input; Python's '$' would accept this (D-36).
    fn measurement_trailing_newline(b) {
        b.set_str("/runtime/measurement", &format!("sha256:{}\n", "0".repeat(64))).invalid("schema/digest", "TR-RTE-002").spec("S2 §3.1");
    }
    /// A measurement with Arabic-Indic digits
    /// Hex digits are ASCII only; a Unicode-aware \d would accept these.
    fn measurement_unicode_digits(b) {
        b.set_str("/runtime/measurement", &format!("sha256:{}\u{663}", "0".repeat(63))).invalid("schema/digest", "TR-RTE-002").spec("S2 §3.1");
    }
    /// A measurement digest in uppercase hex
    /// The digest form is lowercase hex; found by `trace-conform fuzz` against trace-tests,
    /// which accepts any hex case and length at Level 0.
    fn measurement_uppercase_hex(b) {
        b.set_str("/runtime/measurement", &format!("sha256:{}", "AB".repeat(32))).invalid("schema/digest", "TR-RTE-002").spec("S2 §3.1");
    }
    /// A measurement digest of three bytes
    /// A sha256 digest is 64 hex digits; found by `trace-conform fuzz` against trace-tests.
    fn measurement_short_digest(b) {
        b.set_str("/runtime/measurement", "sha256:abcdef").invalid("schema/digest", "TR-RTE-002").spec("S2 §3.1");
    }
    /// A sha384 measurement is valid
    /// Positive control; no platform is tied to an algorithm (D-14).
    fn measurement_sha384(b) {
        b.set_str("/runtime/measurement", &format!("sha384:{}", "cd".repeat(48))).valid(&["TR-RTE-002"]).spec("S2 §3.1");
    }
    /// tpm2 with the cMCP dev-mode sentinel firmware_version
    /// Appraised as hardware tpm2 (as the schema reads it), with an advisory (D-43).
    fn tpm2_dev_mode_sentinel(b) {
        b.platform("tpm2").set_str("/runtime/firmware_version", "software-only-dev-mode").valid(&["TR-RTE-007"]).warning("TR-RTE-007").spec("D-43");
    }
    /// A measurement among the verifier's reference values
    /// S2 §3.3 step 4: the measurement matches what the RIM endorses.
    fn measurement_in_reference_values(b) {
        b.hardware("amd-sev-snp").reference_measurements(&[&cd48(), &ab48()]);
        b.valid(&["TR-RTE-012"]).spec("S2 §3.3 step 4");
    }
    /// A measurement that is none of the reference values
    /// The workload is not one the RIM endorses.
    fn measurement_not_in_reference_values(b) {
        b.hardware("amd-sev-snp").reference_measurements(&[&cd48()]);
        b.invalid("evidence/measurement-not-reference", "TR-RTE-012").spec("S2 §3.3 step 4");
    }
    /// The reference value in uppercase hex
    /// Measurements are compared as exact strings; the digest form is lowercase.
    fn reference_value_uppercase(b) {
        b.hardware("amd-sev-snp").reference_measurements(&[&ab48().to_uppercase().replacen("SHA384", "sha384", 1)]);
        b.invalid("evidence/measurement-not-reference", "TR-RTE-012").spec("S2 §3.3 step 4");
    }
    /// A reference value of the same zeros under another algorithm
    /// sha256:0... and sha384:0... are different measurements.
    fn reference_value_other_algorithm(b) {
        b.reference_measurements(&[&format!("sha384:{}", "0".repeat(96))]);
        b.invalid("evidence/measurement-not-reference", "TR-RTE-012").spec("S2 §3.3 step 4");
    }
    /// Genuine Level 1 evidence, a measurement outside the reference values
    /// Evidence and record agreeing is not enough: both may be of an unendorsed workload.
    fn evidence_agrees_reference_does_not(b) {
        b.hardware("aws-nitro").level(1).evidence = Some(crate::evidence_build::EvidenceKnob::Genuine);
        b.reference_measurements(&[&cd48()]);
        b.invalid("evidence/measurement-not-reference", "TR-RTE-012").spec("S2 §3.3 step 4");
    }
}
