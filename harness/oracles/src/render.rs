//! Writing a JSON value back out with a chosen member order and whitespace, so an oracle
//! can check that canonical output does not depend on either.

use trace_record::json::{Number, Value};

/// Choices read while rendering: member order and whitespace, from fuzzer bytes.
pub struct Choices<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Choices<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Choices { bytes, at: 0 }
    }
    fn next(&mut self) -> u8 {
        let b = self.bytes.get(self.at % self.bytes.len().max(1)).copied().unwrap_or(0);
        self.at += 1;
        b
    }
    fn space(&mut self, out: &mut String) {
        const WS: [&str; 4] = ["", " ", "\n  ", "\t"];
        out.push_str(WS[(self.next() % 4) as usize]);
    }
}

fn string(s: &str, out: &mut String) {
    // serde_json's escaping is valid JSON and differs from RFC 8785's in places (that is
    // the point: the canonical form must not depend on it).
    out.push_str(&serde_json::to_string(s).expect("strings serialize"));
}

/// `v` as JSON text with members permuted and whitespace inserted per `c`.
pub fn render(v: &Value, c: &mut Choices, out: &mut String) {
    c.space(out);
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(Number::Int(i)) => out.push_str(&i.to_string()),
        Value::Number(Number::Float(f)) => out.push_str(&format!("{f:e}")),
        Value::String(s) => string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                render(item, c, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            let mut members: Vec<(&String, &Value)> = o.iter().collect();
            // A Fisher-Yates shuffle driven by the choices.
            for i in (1..members.len()).rev() {
                let j = c.next() as usize % (i + 1);
                members.swap(i, j);
            }
            out.push('{');
            for (i, (k, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                c.space(out);
                string(k, out);
                c.space(out);
                out.push(':');
                render(item, c, out);
            }
            c.space(out);
            out.push('}');
        }
    }
    c.space(out);
}
