//! Strict JSON: the only way bytes become a [`Value`] in this crate.
//!
//! Owns: the I-JSON (RFC 7493) subset a Trust Record may use, parsed from the exact bytes
//! received. It rejects, with a [`ParseError`] that names a rule, what has no RFC 8785
//! form or is ambiguous: bytes that are not UTF-8, syntax errors, duplicate member names,
//! lone surrogates, nesting deeper than [`MAX_DEPTH`], integers outside ±(2^53-1) and
//! numbers that overflow to infinity. Objects keep their members in the order received;
//! integer and fractional number tokens stay distinct (a `2.0` is not an integer token).
//! Does not own: canonical serialization (`jcs`) or any TRACE rule.

use std::collections::HashSet;
use std::fmt;

/// The deepest nesting of arrays and objects accepted. A Trust Record needs five levels;
/// 64 leaves room for `cnf.jwk` extras while keeping every walk over a value shallow.
pub const MAX_DEPTH: usize = 64;
/// Objects with fewer members than this find duplicate names by scanning; larger ones by a
/// set, so a hostile object with many members stays linear.
const DUPLICATE_SCAN_LIMIT: usize = 32;

/// The largest magnitude an integer may have: 2^53 - 1 (I-JSON, RFC 8785 §3.2.2.3).
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

/// A JSON number, remembering whether its token was an integer token.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A token without fraction or exponent, within ±(2^53-1).
    Int(i64),
    /// A token with a fraction or an exponent; always finite.
    Float(f64),
}

/// An object's members in the order received; names are unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object {
    members: Vec<(String, Value)>,
}

impl Object {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.members.iter_mut().find(|(k, _)| k == name).map(|(_, v)| v)
    }
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    /// Sets a member, replacing an existing one of the same name in place.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) {
        let name = name.into();
        match self.members.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.members.push((name, value)),
        }
    }
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let at = self.members.iter().position(|(k, _)| k == name)?;
        Some(self.members.remove(at).1)
    }
    /// The members, names with values, in the order received.
    pub fn entries(&self) -> &[(String, Value)] {
        &self.members
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.members.iter().map(|(k, v)| (k, v))
    }
    pub fn len(&self) -> usize {
        self.members.len()
    }
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

impl Value {
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// The value of an integer token; `None` for fractional tokens and non-numbers.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Number(Number::Int(i)) => Some(*i),
            _ => None,
        }
    }
    /// Follows an RFC 6901 JSON pointer made of plain member names and indices.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut here = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = if raw.contains('~') {
                std::borrow::Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
            } else {
                std::borrow::Cow::Borrowed(raw)
            };
            here = match here {
                Value::Object(o) => o.get(&token)?,
                Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(here)
    }
    /// Converts to a `serde_json::Value` (for the schema validator). Numbers keep their
    /// value; an integer token becomes an integer, a fractional token a float.
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(Number::Int(i)) => serde_json::Value::from(*i),
            Value::Number(Number::Float(f)) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Value::to_serde).collect()),
            Value::Object(o) => serde_json::Value::Object(o.iter().map(|(k, v)| (k.clone(), v.to_serde())).collect()),
        }
    }
}

/// Escapes one member name for use in a JSON pointer (RFC 6901).
pub fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Why bytes are not an acceptable JSON text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    NotUtf8,
    Syntax(String),
    DuplicateMember(String),
    LoneSurrogate,
    TooDeep,
    UnsafeInteger,
    NonFiniteNumber,
}

/// A parse failure: what, where in the bytes, and the JSON pointer of the enclosing value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub offset: usize,
    pub pointer: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.kind {
            ParseErrorKind::NotUtf8 => "input is not valid UTF-8".to_string(),
            ParseErrorKind::Syntax(s) => format!("JSON syntax error: {s}"),
            ParseErrorKind::DuplicateMember(n) => format!("duplicate member name {n:?}"),
            ParseErrorKind::LoneSurrogate => "string contains a lone UTF-16 surrogate".into(),
            ParseErrorKind::TooDeep => format!("nesting deeper than {MAX_DEPTH} levels"),
            ParseErrorKind::UnsafeInteger => "integer outside ±(2^53-1)".into(),
            ParseErrorKind::NonFiniteNumber => "number is not finite as an IEEE double".into(),
        };
        write!(f, "{what} at byte {}", self.offset)
    }
}

impl std::error::Error for ParseError {}

/// Parses one JSON text (any top-level value) strictly.
pub fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError {
        kind: ParseErrorKind::NotUtf8,
        offset: e.valid_up_to(),
        pointer: String::new(),
    })?;
    let mut p = Parser {
        s: text.as_bytes(),
        at: 0,
        path: Vec::new(),
    };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.at != p.s.len() {
        return Err(p.err(ParseErrorKind::Syntax("trailing data after the JSON value".into())));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
    path: Vec<String>,
}

impl Parser<'_> {
    fn err(&self, kind: ParseErrorKind) -> ParseError {
        let pointer = self.path.iter().map(|t| format!("/{}", pointer_token(t))).collect();
        ParseError {
            kind,
            offset: self.at,
            pointer,
        }
    }
    fn syntax(&self, msg: &str) -> ParseError {
        self.err(ParseErrorKind::Syntax(msg.into()))
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }
    fn expect_word(&mut self, word: &[u8], v: Value) -> Result<Value, ParseError> {
        if self.s[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(v)
        } else {
            Err(self.syntax("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        match self.peek() {
            None => Err(self.syntax("unexpected end of input")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.expect_word(b"true", Value::Bool(true)),
            Some(b'f') => self.expect_word(b"false", Value::Bool(false)),
            Some(b'n') => self.expect_word(b"null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.syntax("unexpected character")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err(ParseErrorKind::TooDeep));
        }
        self.at += 1;
        let mut obj = Object::new();
        // Duplicate names: a scan of the members so far, and a set once there are many.
        let mut seen: Option<HashSet<String>> = None;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(obj));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.syntax("expected a member name"));
            }
            let name_at = self.at;
            let name = self.string()?;
            let duplicate = if obj.members.len() < DUPLICATE_SCAN_LIMIT {
                obj.members.iter().any(|(k, _)| *k == name)
            } else {
                let set = seen.get_or_insert_with(|| obj.members.iter().map(|(k, _)| k.clone()).collect());
                !set.insert(name.clone())
            };
            if duplicate {
                self.at = name_at;
                return Err(self.err(ParseErrorKind::DuplicateMember(name)));
            }
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.syntax("expected ':' after a member name"));
            }
            self.at += 1;
            self.skip_ws();
            // The name lives on the path while its value is parsed (error pointers name it),
            // then moves into the object: no copy.
            self.path.push(name);
            let v = self.value(depth)?;
            let name = self.path.pop().expect("pushed above");
            obj.members.push((name, v));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(obj));
                }
                _ => return Err(self.syntax("expected ',' or '}' in an object")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err(ParseErrorKind::TooDeep));
        }
        self.at += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            self.path.push(items.len().to_string());
            let v = self.value(depth)?;
            self.path.pop();
            items.push(v);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.syntax("expected ',' or ']' in an array")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u16, ParseError> {
        let digits = self
            .s
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.syntax("short \\u escape"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.syntax("bad \\u escape"))?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.syntax("bad \\u escape"));
        }
        self.at += 4;
        Ok(u16::from_str_radix(text, 16).expect("four hex digits"))
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.at += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // The input was checked to be UTF-8 and we only stop at ASCII bytes.
            out.push_str(std::str::from_utf8(&self.s[start..self.at]).expect("utf-8 slice"));
            match self.peek() {
                None => return Err(self.syntax("unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let esc = self.peek().ok_or_else(|| self.syntax("unterminated escape"))?;
                    self.at += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let esc_at = self.at - 2;
                            let unit = self.hex4()?;
                            let c = match unit {
                                0xD800..=0xDBFF => {
                                    if self.s[self.at..].starts_with(b"\\u") {
                                        self.at += 2;
                                        let low = self.hex4()?;
                                        if !(0xDC00..=0xDFFF).contains(&low) {
                                            self.at = esc_at;
                                            return Err(self.err(ParseErrorKind::LoneSurrogate));
                                        }
                                        let cp = 0x10000 + (((unit as u32) - 0xD800) << 10) + ((low as u32) - 0xDC00);
                                        char::from_u32(cp).expect("valid surrogate pair")
                                    } else {
                                        self.at = esc_at;
                                        return Err(self.err(ParseErrorKind::LoneSurrogate));
                                    }
                                }
                                0xDC00..=0xDFFF => {
                                    self.at = esc_at;
                                    return Err(self.err(ParseErrorKind::LoneSurrogate));
                                }
                                _ => char::from_u32(unit as u32).expect("BMP scalar"),
                            };
                            out.push(c);
                        }
                        _ => return Err(self.syntax("invalid escape")),
                    }
                }
                Some(_) => return Err(self.syntax("control character in a string")),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.syntax("leading zero in a number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.syntax("invalid number")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.syntax("digit expected after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integer = false;
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.syntax("digit expected in an exponent"));
            }
        }
        let token = std::str::from_utf8(&self.s[start..self.at]).expect("ascii number");
        if integer {
            match token.parse::<i64>() {
                Ok(i) if i.abs() <= MAX_SAFE_INTEGER => Ok(Value::Number(Number::Int(i))),
                _ => {
                    self.at = start;
                    Err(self.err(ParseErrorKind::UnsafeInteger))
                }
            }
        } else {
            let f: f64 = token.parse().expect("grammar-checked float token");
            if f.is_finite() {
                Ok(Value::Number(Number::Float(f)))
            } else {
                self.at = start;
                Err(self.err(ParseErrorKind::NonFiniteNumber))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &[u8]) -> ParseErrorKind {
        parse(text).unwrap_err().kind
    }

    #[test]
    fn an_object_is_empty_until_a_member_is_inserted() {
        let mut o = Object::new();
        assert!(o.is_empty() && o.is_empty());
        o.insert("a", Value::Null);
        assert!(!o.is_empty() && o.len() == 1);
        assert!(parse(b"{}").unwrap().as_object().is_some_and(Object::is_empty));
    }

    #[test]
    fn a_lone_surrogate_is_reported_at_its_escape() {
        // The escape starts at byte 7 in each: `{"k": "` is 7 bytes.
        for text in [
            &br#"{"k": "\ud800x"}"#[..],
            br#"{"k": "\ud800\u0041"}"#,
            br#"{"k": "\udc00"}"#,
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(
                (e.kind, e.offset, e.pointer.as_str()),
                (ParseErrorKind::LoneSurrogate, 7, "/k")
            );
        }
    }

    #[test]
    fn parses_members_in_order_and_keeps_token_kinds() {
        let v = parse(br#" {"b": 2.0, "a": [1, -0, true, null, "x"]} "#).unwrap();
        let o = v.as_object().unwrap();
        let names: Vec<_> = o.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
        assert_eq!(o.get("b"), Some(&Value::Number(Number::Float(2.0))));
        assert_eq!(v.pointer("/a/1").and_then(Value::as_int), Some(0));
    }

    #[test]
    fn rejects_what_has_no_canonical_form() {
        assert_eq!(kind(b"{\"a\":1,\"a\":2}"), ParseErrorKind::DuplicateMember("a".into()));
        assert_eq!(kind(b"{\"a\":\"\\ud800\"}"), ParseErrorKind::LoneSurrogate);
        assert_eq!(kind(b"{\"\\udc00\":1}"), ParseErrorKind::LoneSurrogate);
        assert_eq!(kind(b"{\"a\":\"\\ud800\\u0041\"}"), ParseErrorKind::LoneSurrogate);
        assert_eq!(kind(b"[9007199254740992]"), ParseErrorKind::UnsafeInteger);
        assert_eq!(kind(b"[-9007199254740992]"), ParseErrorKind::UnsafeInteger);
        assert_eq!(kind(b"[1e400]"), ParseErrorKind::NonFiniteNumber);
        assert_eq!(kind(b"{\"a\":\"\xff\"}"), ParseErrorKind::NotUtf8);
        assert!(parse(b"[9007199254740991, -9007199254740991]").is_ok());
    }

    #[test]
    fn duplicate_names_are_found_after_unescaping() {
        assert_eq!(
            kind(br#"{"a":1,"\u0061":2}"#),
            ParseErrorKind::DuplicateMember("a".into())
        );
    }

    #[test]
    fn duplicates_are_found_on_both_sides_of_the_scan_limit() {
        for members in [
            2,
            DUPLICATE_SCAN_LIMIT - 1,
            DUPLICATE_SCAN_LIMIT,
            DUPLICATE_SCAN_LIMIT + 1,
            500,
        ] {
            let names: Vec<String> = (0..members).map(|i| format!("\"m{i}\":{i}")).collect();
            let unique = format!("{{{}}}", names.join(","));
            assert!(parse(unique.as_bytes()).is_ok(), "{members} distinct members");
            for dup in [0, members / 2, members - 1] {
                let with_dup = format!("{{{},\"m{dup}\":true}}", names.join(","));
                assert_eq!(
                    kind(with_dup.as_bytes()),
                    ParseErrorKind::DuplicateMember(format!("m{dup}")),
                    "{members} members, m{dup} repeated last"
                );
            }
        }
    }

    #[test]
    fn depth_is_bounded_without_recursion_overflow() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
        let deep = "[".repeat(100_000);
        assert_eq!(kind(deep.as_bytes()), ParseErrorKind::TooDeep);
        // Objects: exactly MAX_DEPTH levels parse, one more is too deep.
        let objects = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        assert!(parse(objects(MAX_DEPTH).as_bytes()).is_ok());
        assert_eq!(kind(objects(MAX_DEPTH + 1).as_bytes()), ParseErrorKind::TooDeep);
        let arrays = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(kind(arrays(MAX_DEPTH + 1).as_bytes()), ParseErrorKind::TooDeep);
    }

    #[test]
    fn an_error_says_what_and_at_which_byte() {
        let said = |text: &[u8]| parse(text).unwrap_err().to_string();
        assert_eq!(said(b"[1,]"), "JSON syntax error: unexpected character at byte 3");
        assert_eq!(said(b"\xff"), "input is not valid UTF-8 at byte 0");
        assert_eq!(said(br#"{"a":1,"a":2}"#), "duplicate member name \"a\" at byte 7");
        assert!(said(br#"["\ud800"]"#).starts_with("string contains a lone UTF-16 surrogate"));
        assert!(said("[".repeat(100).as_bytes()).starts_with("nesting deeper than 64 levels"));
        assert!(said(b"[9007199254740992]").starts_with("integer outside"));
        assert!(said(b"[1e400]").starts_with("number is not finite"));
    }

    #[test]
    fn syntax_errors_are_errors() {
        for bad in [
            &b""[..],
            b"{",
            b"{\"a\"}",
            b"[1,]",
            b"{\"a\":1,}",
            b"01",
            b"1.",
            b"1e",
            b"-",
            b"tru",
            b"\"\x01\"",
            b"\"\\x\"",
            b"[1] 2",
            b"\xef\xbb\xbf{}",
            b"NaN",
            b"Infinity",
            b"'a'",
        ] {
            assert!(matches!(kind(bad), ParseErrorKind::Syntax(_)), "{:?}", bad);
        }
    }

    #[test]
    fn error_pointer_names_the_enclosing_member() {
        let e = parse(br#"{"cnf":{"jwk":{"x":"\ud800"}}}"#).unwrap_err();
        assert_eq!(e.pointer, "/cnf/jwk/x");
    }
}
