//! RFC 8785 canonicalization (`canonicalize` operation): numbers, member order, escaping,
//! and inputs with no canonical form.

crate::no_families!();

vectors! { "canon", "rfc8785", "The canonicalize operation: exact RFC 8785 bytes, or a refusal for input with no canonical form.";
    /// Members sorted at every depth, whitespace removed
    /// RFC 8785 §3.2.3 sorts recursively; §3.2.1 drops insignificant whitespace.
    fn nested_member_order(b) {
        b.canonicalize("{ \"b\": {\"z\": 1, \"a\": [ {\"d\":1,\"c\":2} ]}, \"a\": 0 }", Ok(r#"{"a":0,"b":{"a":[{"c":2,"d":1}],"z":1}}"#)).valid(&["TR-CAN-001", "TR-GEN-003", "TR-GEN-008"]).spec("RFC 8785 §3.2.3");
    }
    /// Member names sorted by UTF-16 code units, not code points
    /// U+1F600 (D83D DE00) sorts before U+FFFD; a code-point sort puts it after.
    fn utf16_order(b) {
        b.canonicalize("{\"\u{fffd}\":1,\"\u{1f600}\":2,\"a\":3}", Ok("{\"a\":3,\"\u{1f600}\":2,\"\u{fffd}\":1}")).valid(&["TR-CAN-001", "TR-GEN-001"]).spec("RFC 8785 §3.2.3");
    }
    /// Private-use U+E000 sorts after a supplementary character
    /// E000 is above the D800 lead surrogate of U+10000, the reverse of code-point order.
    fn utf16_order_private_use(b) {
        b.canonicalize("{\"\u{e000}\":1,\"\u{10000}\":2}", Ok("{\"\u{10000}\":2,\"\u{e000}\":1}")).spec("RFC 8785 §3.2.3");
    }
    /// ECMAScript number forms: exponent thresholds and trailing zeros
    /// 1e21 switches to exponent form, 1e-7 too; 100.0 loses its fraction; -0 becomes 0.
    fn number_forms(b) {
        b.canonicalize("[1E21, 1e20, 1e-7, 0.000001, 100.0, -0.0, 4.50, 2e-3]", Ok("[1e+21,100000000000000000000,1e-7,0.000001,100,0,4.5,0.002]")).valid(&["TR-CAN-001", "TR-GEN-007"]).spec("RFC 8785 §3.2.2.3");
    }
    /// Shortest round-trip digits, with ties going to the even digit
    /// 0x43143ff3c1cb0959 lies exactly between ...206.2 and ...206.3; ECMAScript picks the even one.
    fn number_round_to_even(b) {
        b.canonicalize("[1424953923781206.25, 333333333.33333329, 5e-324, 1.7976931348623157e308]", Ok("[1424953923781206.2,333333333.3333333,5e-324,1.7976931348623157e+308]")).valid(&["TR-CAN-001", "TR-GEN-007"]).spec("RFC 8785 Appendix B");
    }
    /// Integers at the edge of the I-JSON range stay integers
    /// ±(2^53-1) are exact; a verifier must not print them in exponent form.
    fn safe_integer_edges(b) {
        b.canonicalize("[9007199254740991,-9007199254740991,0,-0]", Ok("[9007199254740991,-9007199254740991,0,0]")).valid(&["TR-CAN-001", "TR-GEN-006"]).spec("RFC 8785 §3.2.2.3");
    }
    /// Minimal escaping: controls, quote and backslash only
    /// \b \t \n \f \r use their short forms, other controls \u00xx in lower case; '/', DEL and U+2028 are raw.
    fn minimal_escaping(b) {
        b.canonicalize(r#"["\u0000\u001F\b\t\n\f\r\"\\\/\u007f\u2028\u00e9\ud83d\ude00"]"#, Ok("[\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\u{7f}\u{2028}é😀\"]")).valid(&["TR-CAN-001", "TR-GEN-004"]).spec("RFC 8785 §3.2.2.2");
    }
    /// The RFC 8785 §3.2.4 example
    /// The worked example of the RFC, byte for byte.
    fn rfc_example(b) {
        b.canonicalize(r#"{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}"#,
            Ok("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}")).spec("RFC 8785 §3.2.4");
    }
    /// An integer beyond 2^53-1 has no canonical form
    /// rfc8785 raises IntegerDomainError; the value is not exact for every reader.
    fn unsafe_integer(b) {
        b.canonicalize("{\"n\":9007199254740992}", Err(("input/unsafe-integer", "TR-GEN-006"))).spec("RFC 8785 §3.2.2.3");
    }
    /// A lone surrogate has no canonical form
    /// It cannot be written as UTF-8.
    fn lone_surrogate(b) {
        b.canonicalize("{\"s\":\"\\udfff\"}", Err(("input/lone-surrogate", "TR-GEN-004"))).spec("RFC 8785 §3.2.2.2");
    }
    /// Duplicate names have no canonical form
    /// Which value wins is parser-defined, so the canonical bytes are undefined.
    fn duplicate_names(b) {
        b.canonicalize("{\"a\":1,\"a\":1}", Err(("input/duplicate-member", "TR-GEN-003"))).spec("RFC 7493 §2.3");
    }
    /// Infinity has no canonical form
    /// 1e999 overflows; RFC 8785 has no spelling for it.
    fn overflow(b) {
        b.canonicalize("[1e999]", Err(("input/non-finite-number", "TR-GEN-007"))).spec("RFC 8785 §3.2.2.3");
    }
}
