//! Tool transcript shape at Level 0 (TR-TXN-002); presence at Level 2 is in level.rs.

crate::no_families!();

fn with_transcript(b: &mut crate::build::Build, call_count: &str) {
    b.set_json(
        "/tool_transcript",
        &format!(r#"{{"hash":"sha256:{}","call_count":{call_count}}}"#, "1".repeat(64)),
    );
}

vectors! { "txn", "transcript", "tool_transcript.call_count.";
    /// A negative call_count
    /// A count of calls is never negative.
    fn call_count_negative(b) {
        with_transcript(b, "-1");
        b.invalid("schema/range", "TR-TXN-002").spec("S2 §3.1");
    }
    /// call_count as a boolean
    /// true is not an integer, even where a language treats it as 1.
    fn call_count_boolean(b) {
        with_transcript(b, "true");
        b.invalid("schema/range", "TR-TXN-002").spec("S2 §3.1");
    }
    /// call_count 0 is valid
    /// A session with no tool calls.
    fn call_count_zero(b) {
        with_transcript(b, "0");
        b.valid(&["TR-TXN-002"]).spec("S2 §3.1");
    }
}
