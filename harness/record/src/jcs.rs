//! RFC 8785 (JSON Canonicalization Scheme) serialization of a strict [`Value`].
//!
//! Owns: member order by UTF-16 code units (§3.2.3), ECMAScript `Number.prototype.toString`
//! number form (§3.2.2.3), minimal string escaping (§3.2.2.2). Values reach this module
//! only through `json::parse`, which already refused everything without a canonical form,
//! so serialization cannot fail. Does not own: parsing, or the anchor-leaf (sorted ASCII)
//! serialization used by registry anchors.

use crate::compact::Dialect;
use crate::json::{Number, Object, Value};
use std::cmp::Ordering;

/// The canonical bytes of a value.
pub fn canonicalize(value: &Value) -> Vec<u8> {
    let mut out = String::with_capacity(256);
    JCS.write(value, &mut out);
    out.into_bytes()
}

/// The canonical bytes of an object without its member `without` (the signed bytes of an
/// embedded-signature record: the record without `signature`), with no copy of the object.
pub fn canonicalize_without(obj: &Object, without: &str) -> Vec<u8> {
    let mut out = String::with_capacity(1024);
    JCS.write_object(obj, Some(without), &mut out);
    out.into_bytes()
}

/// True when some number's canonical form is an integer token outside ±(2^53-1): a float
/// such as `1e17` canonicalizes to `100000000000000000`, which strict parsers (ours, and
/// Python's rfc8785 over `json.loads`) refuse, so such bytes cannot be verified elsewhere.
pub fn has_unsafe_integral_float(value: &Value) -> bool {
    match value {
        Value::Number(Number::Float(f)) => {
            f.fract() == 0.0 && f.abs() > crate::json::MAX_SAFE_INTEGER as f64 && f.abs() < 1e21
        }
        Value::Array(items) => items.iter().any(has_unsafe_integral_float),
        Value::Object(o) => o.iter().any(|(_, v)| has_unsafe_integral_float(v)),
        _ => false,
    }
}

/// Compares member names by their UTF-16 code units, as RFC 8785 §3.2.3 requires.
pub fn utf16_order(a: &str, b: &str) -> Ordering {
    // ASCII names (nearly all) order the same by bytes: one byte, one code unit.
    if a.is_ascii() && b.is_ascii() {
        return a.as_bytes().cmp(b.as_bytes());
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// RFC 8785's choices: ECMAScript numbers, minimal escapes, UTF-16 member order.
const JCS: Dialect = Dialect {
    float: ecmascript_number,
    string: write_string,
    member_order: utf16_order,
};

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    // Runs that need no escape are copied whole; only `"`, `\` and controls are escaped.
    let mut rest = s;
    while let Some(at) = rest.bytes().position(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&rest[..at]);
        // The byte at `at` is ASCII, so it is a whole char.
        let c = rest.as_bytes()[at] as char;
        rest = &rest[at + 1..];
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c => out.push_str(&format!("\\u{:04x}", c as u32)),
        }
    }
    out.push_str(rest);
    out.push('"');
}

/// Formats a finite double as ECMAScript `Number.prototype.toString` does (ECMA-262
/// §6.1.6.1.20): shortest round-trip digits, plain notation for decimal exponents in
/// [-6, 21), otherwise `d.ddde±n`. `-0` becomes `0`.
pub fn ecmascript_number(f: f64) -> String {
    assert!(f.is_finite(), "json::parse admits only finite numbers");
    if f == 0.0 {
        return "0".into();
    }
    if f < 0.0 {
        return format!("-{}", ecmascript_number(-f));
    }
    // Rust's `{:e}` without precision prints the shortest digits that round-trip.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("exponent form");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let n = exp.parse::<i32>().expect("exponent") + 1; // value = 0.digits × 10^n
    let digits = even_on_tie(digits, n, f);
    let k = digits.len() as i32;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        if k == 1 {
            format!("{digits}e{sign}{}", e.abs())
        } else {
            format!("{}.{}e{sign}{}", &digits[..1], &digits[1..], e.abs())
        }
    }
}

/// ECMA-262 picks, among the shortest digit strings that round-trip, the one closest to
/// the exact value, and on a tie the even one; Rust's shortest formatting rounds a tie up.
/// A tie means the exact value has one digit more than the shortest form, and it is a 5.
fn even_on_tie(digits: String, n: i32, f: f64) -> String {
    let k = digits.len();
    // 780 significant digits cover the exact expansion of every double (at most 767).
    let exact = format!("{f:.779e}");
    let (mantissa, exp) = exact.split_once('e').expect("exponent form");
    if exp.parse::<i32>().expect("exponent") + 1 != n {
        return digits;
    }
    let all: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if all[k] != b'5' || !all[k + 1..].iter().all(|d| *d == b'0') {
        return digits;
    }
    let down = String::from_utf8(all[..k].to_vec()).expect("digits");
    let Some(up) = increment(&down) else {
        return digits;
    };
    let even = if (down.as_bytes()[k - 1] - b'0').is_multiple_of(2) {
        down
    } else {
        up
    };
    let round_trips = format!("0.{even}e{n}").parse::<f64>() == Ok(f);
    if round_trips { even } else { digits }
}

/// The decimal digit string plus one, if it keeps its length.
fn increment(digits: &str) -> Option<String> {
    let mut bytes = digits.as_bytes().to_vec();
    for d in bytes.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return Some(String::from_utf8(bytes).expect("digits"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    #[test]
    fn only_integral_floats_beyond_2_53_and_below_1e21_are_unsafe() {
        let float = |f: f64| Value::Number(Number::Float(f));
        let max = crate::json::MAX_SAFE_INTEGER as f64;
        for safe in [1.0, -3.0, 0.5, max, -max, 1e21, 2.5e21] {
            assert!(!has_unsafe_integral_float(&float(safe)), "{safe}");
        }
        for unsafe_ in [max + 1.0, -(max + 1.0), 1e17, 1e20, 9.5e20] {
            assert!(has_unsafe_integral_float(&float(unsafe_)), "{unsafe_}");
        }
        let nested = parse(b"[{\"a\":[1]}]").unwrap();
        assert!(!has_unsafe_integral_float(&nested));
        // Found at any depth, in arrays as in objects.
        for text in [&b"[1e17]"[..], b"{\"a\":1e17}", b"[{\"a\":[2, 1e17]}]"] {
            let v = parse(text).unwrap();
            assert!(has_unsafe_integral_float(&v), "{}", String::from_utf8_lossy(text));
        }
    }

    fn canon(text: &str) -> String {
        String::from_utf8(canonicalize(&parse(text.as_bytes()).unwrap())).unwrap()
    }

    #[test]
    fn numbers_follow_ecmascript() {
        let cases: [(f64, &str); 18] = [
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (1e-6, "0.000001"),
            (123456789012345680000.0, "123456789012345680000"),
            (4.5, "4.5"),
            (0.002, "0.002"),
            (-0.0, "0"),
            (100.0, "100"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-1.5e-9, "-1.5e-9"),
            (333333333.3333333, "333333333.3333333"),
            (f64::from_bits(0x43143ff3c1cb0959), "1424953923781206.2"),
            // Exact ties between two 17-digit strings that both round-trip (checked with
            // node): ECMAScript takes the even one, which is the lower here (Rust prints
            // ...313) and the upper there (the lower, ...187, also round-trips).
            (2.9802322387695312e-8, "2.9802322387695312e-8"),
            (1.7881393432617188e-7, "1.7881393432617188e-7"),
            // A tie where the candidate below the lower one round-trips too.
            (2.2649765014648438e-6, "0.0000022649765014648438"),
        ];
        for (f, want) in cases {
            assert_eq!(ecmascript_number(f), want, "{f:e}");
        }
    }

    #[test]
    fn keys_sort_by_utf16_code_units_at_every_depth() {
        // U+1F600 is D83D DE00 in UTF-16 and so sorts before U+FFFD; by code point it is after.
        assert_eq!(
            canon("{\"\u{fffd}\":1,\"\u{1f600}\":2}"),
            "{\"\u{1f600}\":2,\"\u{fffd}\":1}"
        );
        assert_eq!(
            canon(r#"{"b":{"z":1,"a":[{"d":1,"c":2}]},"a":0}"#),
            r#"{"a":0,"b":{"a":[{"c":2,"d":1}],"z":1}}"#
        );
    }

    #[test]
    fn strings_escape_minimally() {
        assert_eq!(
            canon(r#"["\u0000\u001f\b\t\n\f\r\"\\\/\u007f\u2028é😀"]"#),
            "[\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\u{7f}\u{2028}é😀\"]"
        );
    }

    #[test]
    fn rfc8785_section_3_2_4_example() {
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        let want = concat!(
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"#,
            "\"string\":\"\u{20ac}$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"
        );
        assert_eq!(canon(input), want);
    }
}
