//! Level 1 and Level 2 rules. Until hardware evidence and inclusion receipts are verified,
//! no record reaches Level 1: a record that meets every Level 1 claim rule is still
//! unverified (never accepted), and these vectors say so.

crate::no_families!();

vectors! { "level", "levels", "Rules that apply from Level 1 or Level 2.";
    /// A hardware-shaped record at Level 1 with no evidence
    /// Level 1 means the key was made in a verified TEE; with no evidence checked, not accepted.
    fn hardware_record_without_evidence(b) {
        b.hardware("amd-sev-snp").level(1);
        b.unverified("evidence/hardware-unverified", "TR-RTE-006").spec("S2 §3.3").spec("docs/trust-levels.md");
    }
    /// A tpm2 COSE record at Level 1 with no evidence
    /// The same in another platform and form.
    fn tpm2_cose_without_evidence(b) {
        b.hardware("tpm2").level(1).form(trace_record::Form::Cose);
        b.unverified("evidence/hardware-unverified", "TR-RTE-006").spec("S2 §3.3");
    }
    /// software-only at Level 1
    /// software-only is never attested evidence.
    fn software_only_at_level_1(b) {
        b.hardware("software-only").level(1);
        b.invalid("level/platform", "TR-RTE-001").spec("docs/trust-levels.md");
    }
    /// software-only JWS at Level 2
    /// Level 2 includes Level 1's rules.
    fn software_only_at_level_2(b) {
        b.hardware("software-only").level(2).form(trace_record::Form::Jws);
        b.invalid("level/platform", "TR-RTE-001").spec("docs/trust-levels.md");
    }
    /// appraisal none at Level 1
    /// Level 1 needs an affirming appraisal.
    fn appraisal_none_at_level_1(b) {
        b.hardware("intel-tdx").level(1).set_str("/appraisal/status", "none");
        b.invalid("level/appraisal", "TR-APR-005").spec("docs/trust-levels.md");
    }
    /// appraisal warning at Level 1
    /// warning is not affirming.
    fn appraisal_warning_at_level_1(b) {
        b.hardware("intel-tdx").level(1).set_str("/appraisal/status", "warning");
        b.invalid("level/appraisal", "TR-APR-005").spec("docs/trust-levels.md");
    }
    /// An all-zero measurement at Level 1
    /// A zero measurement measures nothing (D-17).
    fn zero_measurement_at_level_1(b) {
        b.hardware("nvidia-h100").level(1).set_str("/runtime/measurement", &format!("sha384:{}", "0".repeat(96)));
        b.invalid("level/measurement", "TR-RTE-005").spec("docs/trust-levels.md");
    }
    /// An all-zero sha256 measurement at Level 1
    /// The software-only convention is not a hardware measurement.
    fn zero_sha256_measurement_at_level_1(b) {
        b.hardware("tpm2").level(1).set_str("/runtime/measurement", &format!("sha256:{}", "0".repeat(64)));
        b.invalid("level/measurement", "TR-RTE-005").spec("docs/trust-levels.md");
    }
    /// rim_uri http:// at Level 1
    /// Reference integrity manifests are fetched over https (trace-tests TR-RTE-003).
    fn rim_uri_http_at_level_1(b) {
        b.hardware("amd-sev-snp").level(1).set_str("/runtime/rim_uri", "http://rim.example/x");
        b.invalid("level/rim-uri", "TR-RTE-003").spec("D-34");
    }
    /// rim_uri ftp:// at Level 1
    /// Any scheme other than https.
    fn rim_uri_ftp_at_level_1(b) {
        b.hardware("amd-sev-snp").level(1).set_str("/runtime/rim_uri", "ftp://rim.example/x");
        b.invalid("level/rim-uri", "TR-RTE-003").spec("D-34");
    }
    /// rim_uri http:// is fine at Level 0
    /// The https rule starts at Level 1.
    fn rim_uri_http_at_level_0(b) {
        b.hardware("amd-sev-snp").set_str("/runtime/rim_uri", "http://rim.example/x").valid(&["TR-RTE-003"]).spec("D-34");
    }
    /// No tool_transcript at Level 2
    /// Level 2 needs the transcript commitment (D-03).
    fn no_transcript_at_level_2(b) {
        b.hardware("intel-tdx").level(2).remove("/tool_transcript");
        b.invalid("level/transcript", "TR-TXN-001").spec("S2 §3.1");
    }
    /// No tool_transcript at Level 2, COSE form
    /// The same rule in another form and platform.
    fn no_transcript_at_level_2_cose(b) {
        b.hardware("arm-cca").level(2).form(trace_record::Form::Cose).remove("/tool_transcript");
        b.invalid("level/transcript", "TR-TXN-001").spec("S2 §3.1");
    }
    /// No tool_transcript at Level 0 is valid
    /// The transcript is optional below Level 2.
    fn no_transcript_at_level_0(b) {
        b.hardware("intel-tdx").remove("/tool_transcript").valid(&["TR-TXN-001"]).spec("S2 §3.1");
    }
    /// A hardware record is accepted at Level 0
    /// Level 0 checks the binding and the claims, not the evidence.
    fn hardware_record_at_level_0(b) {
        b.hardware("intel-tdx").valid(&["TR-RTE-006", "TR-APR-005", "TR-RTE-001", "TR-RTE-005", "TR-ANC-002"]).spec("docs/trust-levels.md");
    }
}
