//! Python's `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True)`,
//! byte for byte: the canonical form cMCP signs its claims with and the registry-anchor
//! leaf form (RA §1). It is not RFC 8785: members sort by code point, every non-ASCII
//! character and DEL are `\uXXXX` escapes (surrogate pairs above the BMP), and numbers
//! follow Python's `repr`.
//!
//! Owns: that serialization only. Does not own where it is required.

use crate::compact::Dialect;
use crate::json::Value;

pub fn dumps(value: &Value) -> Vec<u8> {
    let mut out = String::new();
    PYTHON.write(value, &mut out);
    out.into_bytes()
}

/// Python's choices: `repr` floats, ASCII-only escapes, code-point member order (Rust's
/// `str` order is UTF-8 byte order, which is code-point order).
const PYTHON: Dialect = Dialect {
    float: py_repr,
    string,
    member_order: |a, b| a.cmp(b),
};

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: shortest round-trip digits; positional for decimal exponents
/// from -4 to 15 (always with a fractional part), otherwise `d.ddde±XX`.
pub fn py_repr(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    if f < 0.0 {
        return format!("-{}", py_repr(-f));
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("exponent form");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let e: i32 = exp.parse().expect("exponent");
    if (-4..16).contains(&e) {
        let point = e + 1;
        if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        }
    } else {
        let m = if digits.len() == 1 {
            digits
        } else {
            format!("{}.{}", &digits[..1], &digits[1..])
        };
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    #[test]
    fn matches_python_json_dumps() {
        // Expected bytes as Python 3.11 prints them (json.dumps with the cMCP arguments).
        let v = parse(
            "{\"b\":1,\"a\":[\"\\u007f\\u0001é😀\\u2028/\",1.0,1e-05,12345678901234567.0,0.0001,1e16,-0.0]}".as_bytes(),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(dumps(&v)).unwrap(),
            r#"{"a":["\u007f\u0001\u00e9\ud83d\ude00\u2028/",1.0,1e-05,1.2345678901234568e+16,0.0001,1e+16,-0.0],"b":1}"#
        );
    }

    #[test]
    fn negative_floats_are_the_positive_repr_with_a_sign() {
        // repr() of each in Python 3.11.
        for (f, text) in [
            (-1.5, "-1.5"),
            (-0.0001, "-0.0001"),
            (-1e20, "-1e+20"),
            (-123456789012345678.0, "-1.2345678901234568e+17"),
        ] {
            assert_eq!(py_repr(f), text);
        }
    }

    #[test]
    fn sorts_by_code_point_unlike_rfc8785() {
        let v = parse("{\"\u{fffd}\":1,\"\u{1f600}\":2}".as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(dumps(&v)).unwrap(),
            r#"{"\ufffd":1,"\ud83d\ude00":2}"#
        );
    }

    #[test]
    fn float_reprs() {
        for (f, want) in [
            (0.1, "0.1"),
            (100.0, "100.0"),
            (1e15, "1000000000000000.0"),
            (1e-4, "0.0001"),
            (1.5e-7, "1.5e-07"),
            (1e300, "1e+300"),
            (123.456, "123.456"),
        ] {
            assert_eq!(py_repr(f), want);
        }
    }
}
