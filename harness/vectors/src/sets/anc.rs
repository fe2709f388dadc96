//! Transparency at Level 2 (TR-ANC-*).

crate::no_families!();

vectors! { "anc", "transparency", "transparency at Level 2: an https URI, and inclusion that must be proven.";
    /// transparency http:// at Level 2
    /// Level 2 needs an https URI with a host (TR-ANC-001).
    fn http_at_level_2(b) {
        b.hardware("intel-tdx").level(2).set_str("/transparency", "http://log.example/entries/1");
        b.invalid("level/transparency", "TR-ANC-001").spec("docs/trust-levels.md");
    }
    /// transparency without a host at Level 2
    /// https:/// names no log.
    fn no_host_at_level_2(b) {
        b.hardware("intel-tdx").level(2).set_str("/transparency", "https:///entries/1");
        b.invalid("level/transparency", "TR-ANC-001").spec("docs/trust-levels.md");
    }
    /// No transparency at Level 2
    /// An unanchored record cannot be Level 2.
    fn absent_at_level_2(b) {
        b.hardware("intel-tdx").level(2).remove("/transparency");
        b.invalid("level/transparency", "TR-ANC-001").spec("docs/trust-levels.md");
    }
    /// A Level 2 record without an inclusion receipt
    /// A URI points at an anchor; it is not evidence of one (RA §6). Without a receipt: not accepted.
    fn no_receipt_at_level_2(b) {
        b.hardware("amd-sev-snp").level(2);
        b.invalid("evidence/inclusion-unverified", "TR-ANC-002").spec("RA §5.1");
    }
    /// A Level 2 JWS record without an inclusion receipt
    /// The same in another form.
    fn no_receipt_at_level_2_jws(b) {
        b.hardware("aws-nitro").level(2).form(trace_record::Form::Jws);
        b.invalid("evidence/inclusion-unverified", "TR-ANC-002").spec("RA §5.1");
    }
    /// No transparency at Level 0 is valid
    /// transparency is optional below Level 2 (D-03).
    fn absent_at_level_0(b) {
        b.hardware("intel-tdx").remove("/transparency").valid(&["TR-ANC-001"]).spec("S2 §3.1");
    }
}
