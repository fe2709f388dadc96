//! Strict JSON input (TR-GEN-*): what has no canonical form or is ambiguous is refused.

use trace_record::Form;

crate::no_families!();

vectors! { "gen", "strict-json", "Input handling before any TRACE rule: UTF-8, syntax, duplicates, surrogates, depth, numbers.";
    /// A Latin-1 byte inside a signed string
    /// Bytes that are not UTF-8 have no JSON meaning; decoding them leniently would verify
    /// something other than what was signed.
    fn latin1_byte(b) {
        b.byte_edit(b"\"internal\"", b"\"int\xe9rnal\"").invalid("input/not-utf8", "TR-GEN-001").spec("RFC 8259 §8.1");
    }
    /// A UTF-8 encoded surrogate code point (CESU-8) in a string
    /// ED A0 80 is how CESU-8 writes U+D800; it is not UTF-8.
    fn cesu8_surrogate(b) {
        b.byte_edit(b"\"internal\"", b"\"int\xed\xa0\x80rnal\"").invalid("input/not-utf8", "TR-GEN-001").spec("RFC 3629 §3");
    }
    /// The record cut in half
    /// A truncated transfer must be a finding, not a crash or a partial verdict.
    fn truncated(b) {
        b.cut_to = Some(300);
        b.invalid("input/syntax", "TR-GEN-002").spec("RFC 8259 §2");
    }
    /// A byte-order mark before the record
    /// RFC 8259 §8.1 forbids emitting a BOM; a strict verifier refuses it rather than guess.
    fn byte_order_mark(b) {
        b.text_edit("{\"appraisal\"", "\u{feff}{\"appraisal\"").invalid("input/syntax", "TR-GEN-002").spec("RFC 8259 §8.1");
    }
    /// A trailing comma after the last member
    /// Lenient parsers accept it; the bytes are not JSON.
    fn trailing_comma(b) {
        b.text_edit("\"subject\":\"spiffe://conformance.example/agent/sample\"", "\"subject\":\"spiffe://conformance.example/agent/sample\",").invalid("input/syntax", "TR-GEN-002").spec("RFC 8259 §4");
    }
    /// data_class appears twice; only the first copy is signed
    /// Parsers disagree on which duplicate wins, so a duplicate lets two verifiers see two records.
    fn duplicate_data_class(b) {
        b.text_edit("\"data_class\":\"internal\"", "\"data_class\":\"internal\",\"data_class\":\"public\"").invalid("input/duplicate-member", "TR-GEN-003").spec("RFC 7493 §2.3");
    }
    /// A member repeated with the same value
    /// Either copy gives the signed record, so a parser that keeps the last (or the first)
    /// verifies it; a repeated name is still not I-JSON and is refused. Found by
    /// `trace-conform fuzz` against agentrust-trace, which accepts it.
    fn duplicate_same_value(b) {
        b.text_edit("\"data_class\":\"internal\"", "\"data_class\":\"internal\",\"data_class\":\"internal\"").invalid("input/duplicate-member", "TR-GEN-003").spec("RFC 7493 §2.3");
    }
    /// A duplicate spelled with an escape (\u0061 for a)
    /// Duplicate detection must compare names after unescaping.
    fn duplicate_after_unescaping(b) {
        b.text_edit("\"data_class\":\"internal\"", "\"data_class\":\"internal\",\"d\\u0061ta_class\":\"internal\"").invalid("input/duplicate-member", "TR-GEN-003").spec("RFC 7493 §2.3");
    }
    /// A lone high surrogate escape in a signed string
    /// A lone surrogate has no UTF-8 form, so the record has no canonical form (RFC 8785 §3.2.2.2).
    fn lone_high_surrogate(b) {
        b.text_edit("\"internal\"", "\"internal\\ud800\"").invalid("input/lone-surrogate", "TR-GEN-004").spec("RFC 8785 §3.2.2.2");
    }
    /// A lone low surrogate escape in a member name
    /// Names are strings too; a lone surrogate there has no canonical form either.
    fn lone_low_surrogate_in_name(b) {
        b.text_edit("\"kty\":", "\"\\udc00\":1,\"kty\":").invalid("input/lone-surrogate", "TR-GEN-004").spec("RFC 8785 §3.2.2.2");
    }
    /// A record nested 65 levels deep (in a cnf.jwk extra)
    /// One level beyond the documented limit of 64: refused, never a stack overflow.
    fn nesting_65(b) {
        let mut v = trace_record::json::Value::Bool(true);
        for _ in 0..62 {
            v = trace_record::json::Value::Array(vec![v]);
        }
        b.cnf_jwk = Some(trace_record::json::Value::Object({
            let mut jwk = b.key().public_key().to_jwk();
            jwk.insert("zz", v);
            jwk
        }));
        b.invalid("input/too-deep", "TR-GEN-005").spec("GEN-05");
    }
    /// Nesting 100000 levels deep
    /// Hostile depth must be refused quickly, without recursion proportional to the input.
    fn nesting_100000(b) {
        let deep = format!("\"zz\":{}1{},\"kty\":", "[".repeat(100_000), "]".repeat(100_000));
        b.text_edit("\"kty\":", &deep).invalid("input/too-deep", "TR-GEN-005").spec("GEN-05");
    }
    /// An integer of 2^53 in a cnf.jwk extra
    /// One past the I-JSON range: the value is not exactly representable for every reader.
    fn integer_2_pow_53(b) {
        b.text_edit("\"kty\":", "\"zz\":9007199254740992,\"kty\":").invalid("input/unsafe-integer", "TR-GEN-006").spec("RFC 8785 §3.2.2.3");
    }
    /// An integer of -2^53 in a cnf.jwk extra
    /// The negative boundary, one past -(2^53-1).
    fn integer_minus_2_pow_53(b) {
        b.text_edit("\"kty\":", "\"zz\":-9007199254740992,\"kty\":").invalid("input/unsafe-integer", "TR-GEN-006").spec("RFC 8785 §3.2.2.3");
    }
    /// The integer 2^53-1 is inside the range
    /// The boundary on the accepting side; the record is re-signed over it.
    fn integer_2_pow_53_minus_1(b) {
        b.cnf_jwk = Some(trace_record::json::Value::Object({
            let mut jwk = b.key().public_key().to_jwk();
            jwk.insert("zz", trace_record::json::Value::Number(trace_record::json::Number::Int(9_007_199_254_740_991)));
            jwk
        }));
        b.valid(&["TR-GEN-006"]).spec("RFC 8785 §3.2.2.3");
    }
    /// 1e400 overflows a double
    /// Infinity has no JSON or RFC 8785 form.
    fn overflow_1e400(b) {
        b.text_edit("\"kty\":", "\"zz\":1e400,\"kty\":").invalid("input/non-finite-number", "TR-GEN-007").spec("RFC 8785 §3.2.2.3");
    }
    /// -1E999 overflows a double
    /// The negative overflow, with an upper-case exponent.
    fn overflow_minus_1e999(b) {
        b.text_edit("\"kty\":", "\"zz\":-1E999,\"kty\":").invalid("input/non-finite-number", "TR-GEN-007").spec("RFC 8785 §3.2.2.3");
    }
    /// A record wrapped in an array
    /// S2 §3.1: a Trust Record is a JSON object.
    fn top_level_array(b) {
        b.text_edit("{\"appraisal\"", "[{\"appraisal\"");
        b.trailing = b"]".to_vec();
        b.invalid("input/not-object", "TR-GEN-008").spec("S2 §3.1");
    }
    /// A JSON string instead of a record
    /// Any top-level value other than an object is refused with a finding.
    fn top_level_string(b) {
        b.raw = Some(b"\"tag:agentrust-io.com,2026:trace-v0.2\"".to_vec());
        b.invalid("input/not-object", "TR-GEN-008").spec("S2 §3.1");
    }
    /// Nesting exactly 64 levels deep in a cnf.jwk extra
    /// The documented limit itself is accepted; the record is signed over it.
    fn nesting_64(b) {
        let mut v = trace_record::json::Value::Bool(true);
        for _ in 0..61 {
            v = trace_record::json::Value::Array(vec![v]);
        }
        b.cnf_jwk = Some(trace_record::json::Value::Object({
            let mut jwk = b.key().public_key().to_jwk();
            jwk.insert("zz", v);
            jwk
        }));
        b.valid(&["TR-GEN-005"]).spec("GEN-05");
    }
    /// A 100000-character data_class (valid: no length limit applies)
    /// Hostile sizes must cost linear time and still verify when the record is valid.
    fn huge_data_class(b) {
        b.set_str("/data_class", &"x\u{e9}".repeat(50_000)).valid(&["TR-GEN-002"]).spec("RFC 8259 §9");
    }
    /// An empty input
    /// Zero bytes are a syntax error, not a panic.
    fn empty_input(b) {
        b.form(Form::Embedded);
        b.raw = Some(Vec::new());
        b.invalid("input/syntax", "TR-GEN-002").spec("RFC 8259 §2");
    }
}
