//! The origin rule (TR-ORG-001).

crate::no_families!();

vectors! { "org", "origin", "origin.kind and the software-only rule of S2 §3.1.1.";
    /// third-party-control-plane on a tpm2 platform
    /// S2 §3.1.1: a record not made by the runtime itself must say software-only.
    fn third_party_on_tpm2(b) {
        b.platform("tpm2").set_json("/origin", r#"{"kind":"third-party-control-plane","producer":"cp.example"}"#);
        b.invalid("origin/platform", "TR-ORG-001").spec("S2 §3.1.1");
    }
    /// log-import on an intel-tdx platform
    /// An imported log line cannot claim hardware assurance.
    fn log_import_on_tdx(b) {
        b.hardware("intel-tdx").set_json("/origin", r#"{"kind":"log-import","producer":"importer.example"}"#);
        b.invalid("origin/platform", "TR-ORG-001").spec("S2 §3.1.1");
    }
    /// log-import on software-only is valid
    /// Positive control: imported records are fine when they claim nothing.
    fn log_import_software_only(b) {
        b.set_json("/origin", r#"{"kind":"log-import","producer":"importer.example","ingested_at":1785000000}"#).valid(&["TR-ORG-001"]).spec("S2 §3.1.1");
    }
    /// origin self on a hardware platform is valid
    /// self is the default and may be stated (S2 §3.1.1).
    fn self_on_hardware(b) {
        b.hardware("amd-sev-snp").set_json("/origin", r#"{"kind":"self","producer":"agent.example"}"#).valid(&["TR-ORG-001"]).spec("S2 §3.1.1");
    }
    /// origin.kind outside the closed set
    /// S2 §3.1.1 closes kind to self, third-party-control-plane and log-import.
    fn origin_kind_unknown(b) {
        b.set_json("/origin", r#"{"kind":"vendor-import","producer":"importer.example"}"#);
        b.invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1.1");
    }
    /// origin without a producer
    /// producer is required: it names who made a record the runtime did not make.
    fn origin_producer_missing(b) {
        b.set_json("/origin", r#"{"kind":"log-import"}"#);
        b.invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1.1");
    }
    /// origin with an empty producer
    /// An empty name names nobody.
    fn origin_producer_empty(b) {
        b.set_json("/origin", r#"{"kind":"log-import","producer":""}"#);
        b.invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1.1");
    }
}
