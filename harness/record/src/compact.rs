//! The shape every compact serialization of a strict [`Value`] shares: no whitespace,
//! `null`, `true`, `false`, integers in decimal, arrays in order, members sorted. The
//! dialects ([`crate::jcs`], RFC 8785; [`crate::pyjson`], Python's `json.dumps`) differ only
//! in how a float and a string are written and how member names are ordered.
//!
//! Owns: the walk. Does not own any dialect's choices.

use crate::json::{Number, Object, Value};
use std::cmp::Ordering;
use std::fmt::Write as _;

/// A dialect's three choices.
pub(crate) struct Dialect {
    pub float: fn(f64) -> String,
    pub string: fn(&str, &mut String),
    pub member_order: fn(&str, &str) -> Ordering,
}

impl Dialect {
    /// Appends `value` in this dialect to `out`.
    pub(crate) fn write(&self, value: &Value, out: &mut String) {
        match value {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(Number::Int(i)) => {
                let _ = write!(out, "{i}");
            }
            Value::Number(Number::Float(f)) => out.push_str(&(self.float)(*f)),
            Value::String(s) => (self.string)(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.write(item, out);
                }
                out.push(']');
            }
            Value::Object(obj) => self.write_object(obj, None, out),
        }
    }

    /// Appends `obj` in this dialect to `out`, leaving out the member named `without`.
    pub(crate) fn write_object(&self, obj: &Object, without: Option<&str>, out: &mut String) {
        let mut members: Vec<_> = obj.iter().filter(|(name, _)| Some(name.as_str()) != without).collect();
        members.sort_by(|a, b| (self.member_order)(a.0, b.0));
        out.push('{');
        for (i, (name, v)) in members.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            (self.string)(name, out);
            out.push(':');
            self.write(v, out);
        }
        out.push('}');
    }
}
