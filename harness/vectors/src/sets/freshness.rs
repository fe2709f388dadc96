//! Freshness boundaries (TR-ENV-002, TR-ENV-006, TR-APR-004): both sides of every limit.

use trace_record::json::{Number, Value};
use trace_record::sample::SAMPLE_IAT;

crate::no_families!();

fn int(i: i64) -> Value {
    Value::Number(Number::Int(i))
}

vectors! { "env", "freshness", "Maximum age, future skew and appraisal timestamps, on both sides of each limit.";
    /// Exactly the maximum age old (86400 s)
    /// S2 §3.2.2 rejects records older than the maximum; equal is not older (IMPL-06).
    fn age_at_limit(b) {
        b.now_offset(86_400).valid(&["TR-ENV-002"]).spec("S2 §3.2.2");
    }
    /// One second older than the maximum age
    /// The first stale second.
    fn stale_by_one_second(b) {
        b.now_offset(86_401).invalid("freshness/stale", "TR-ENV-002").spec("S2 §3.2.2");
    }
    /// A week old under the default maximum age
    /// Far past the bound, in case a verifier only compares days.
    fn stale_by_a_week(b) {
        b.now_offset(7 * 86_400).invalid("freshness/stale", "TR-ENV-002").spec("S2 §3.2.2");
    }
    /// A configured maximum age of 60 s, 61 s old
    /// A deployment profile may change the maximum; the verifier must honour the smaller value.
    fn configured_max_age_exceeded(b) {
        b.now_offset(61);
        b.ctx.max_age = 60;
        b.invalid("freshness/stale", "TR-ENV-002").spec("S2 §3.2.2");
    }
    /// iat exactly the allowed skew (300 s) ahead
    /// S2 §3.2.2 allows 5 minutes of clock skew; equal is allowed (IMPL-06).
    fn future_at_skew(b) {
        b.now_offset(-300).valid(&["TR-ENV-006"]).spec("S2 §3.2.2");
    }
    /// iat one second beyond the allowed skew
    /// trace-tests uses 60 s; the spec says 300 s (D-10).
    fn future_beyond_skew(b) {
        b.now_offset(-301).invalid("freshness/future", "TR-ENV-006").spec("S2 §3.2.2");
    }
    /// iat 120 s ahead: inside the spec's skew, outside trace-tests'
    /// Separates a 300 s verifier from a 60 s one (D-10).
    fn future_inside_spec_skew(b) {
        b.now_offset(-120).valid(&["TR-ENV-006"]).spec("S2 §3.2.2");
    }
    /// iat a day in the future
    /// Far past the bound.
    fn future_by_a_day(b) {
        b.now_offset(-86_400).invalid("freshness/future", "TR-ENV-006").spec("S2 §3.2.2");
    }
    /// appraisal.timestamp exactly the skew ahead of now
    /// The appraisal cannot postdate the verification by more than the skew.
    fn appraisal_timestamp_at_skew(b) {
        b.set("/appraisal/timestamp", int(SAMPLE_IAT + 300)).valid(&["TR-APR-004"]).spec("S2 §3.1");
    }
    /// appraisal.timestamp one second beyond the skew
    /// An appraisal from the future is not evidence.
    fn appraisal_timestamp_beyond_skew(b) {
        b.set("/appraisal/timestamp", int(SAMPLE_IAT + 301)).invalid("freshness/future", "TR-APR-004").spec("S2 §3.1");
    }
    /// appraisal.timestamp an hour ahead
    /// Far past the bound.
    fn appraisal_timestamp_an_hour_ahead(b) {
        b.set("/appraisal/timestamp", int(SAMPLE_IAT + 3600)).invalid("freshness/future", "TR-APR-004").spec("S2 §3.1");
    }
    /// A configured skew of 60 s, iat 61 s ahead
    /// A deployment profile may set another skew (S2 §3.2.2); the verifier honours it.
    fn configured_skew_exceeded(b) {
        b.now_offset(-61);
        b.ctx.skew = 60;
        b.invalid("freshness/future", "TR-ENV-006").spec("S2 §3.2.2");
    }
    /// A configured skew of 600 s, iat 500 s ahead
    /// A larger configured skew admits what the default would refuse.
    fn configured_skew_wider(b) {
        b.now_offset(-500);
        b.ctx.skew = 600;
        b.valid(&["TR-ENV-006"]).spec("S2 §3.2.2");
    }
}
