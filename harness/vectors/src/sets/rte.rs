//! Runtime claims at Level 0 (TR-RTE-002, TR-RTE-007); Level 1 rules are in level.rs.

crate::no_families!();

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
}
