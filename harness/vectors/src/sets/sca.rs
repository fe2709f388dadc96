//! Build provenance (TR-SCA-*).

use trace_record::json::{Number, Value};

crate::no_families!();

vectors! { "sca", "provenance", "build_provenance.slsa_level and digest.";
    /// slsa_level 4
    /// SLSA build levels run from 0 to 3.
    fn slsa_level_4(b) {
        b.set("/build_provenance/slsa_level", Value::Number(Number::Int(4))).invalid("schema/range", "TR-SCA-001").spec("S2 §3.1");
    }
    /// slsa_level -1
    /// The lower bound is 0.
    fn slsa_level_negative(b) {
        b.set("/build_provenance/slsa_level", Value::Number(Number::Int(-1))).invalid("schema/range", "TR-SCA-001").spec("S2 §3.1");
    }
    /// slsa_level as the string "3"
    /// The level is an integer.
    fn slsa_level_string(b) {
        b.set_str("/build_provenance/slsa_level", "3").invalid("schema/range", "TR-SCA-001").spec("S2 §3.1");
    }
    /// slsa_level 0 is valid
    /// No floor applies in v0.2 (D-41); 0 is the software-only level.
    fn slsa_level_0(b) {
        b.set("/build_provenance/slsa_level", Value::Number(Number::Int(0))).valid(&["TR-SCA-001"]).spec("S2 §3.1");
    }
    /// An md5 build digest
    /// Only sha256 and sha384 digests exist.
    fn digest_md5(b) {
        b.set_str("/build_provenance/digest", "md5:0123456789abcdef0123456789abcdef").invalid("schema/digest", "TR-SCA-002").spec("S2 §3.1");
    }
    /// A build digest without its algorithm prefix
    /// Bare hex is ambiguous between algorithms.
    fn digest_bare_hex(b) {
        b.set_str("/build_provenance/digest", &"ab".repeat(32)).invalid("schema/digest", "TR-SCA-002").spec("S2 §3.1");
    }
    /// A sha384 build digest is valid
    /// trust-levels.md says sha256, but the schema and trace-tests accept sha384 (D-17).
    fn digest_sha384(b) {
        b.set_str("/build_provenance/digest", &format!("sha384:{}", "ef".repeat(48))).valid(&["TR-SCA-002"]).spec("S2 §3.1");
    }
}
