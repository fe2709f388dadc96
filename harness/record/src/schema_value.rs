//! The strict [`Value`] as jsonschema sees it, so a record is validated where it was parsed,
//! without a copy into `serde_json` first.
//!
//! Owns: jsonschema's JSON representation traits for `Value` (nodes, objects in the order
//! received, arrays, numbers that keep their integer or fractional token). Numbers read as
//! `serde_json` reads the same token, so validation answers exactly as over
//! [`Value::to_serde`], which the cold paths (error messages) still use. Does not own which
//! schema applies (`schema`) or any finding.

use crate::json::{Number, Object, Value};
use jsonschema::json::{self as repr, JsonNumber, NodeIdentity};
use jsonschema::types::JsonType;
use std::borrow::Cow;

/// The representation marker jsonschema's validators are built for.
pub struct Strict;

impl repr::Json for Strict {
    type Node<'a> = &'a Value;
    type PreparedKey = String;
    type StringBuffer = NameBuffer;

    // Objects are short lists of members, searched in order: a lookup visits about half.
    const KEYS_PER_LOOKUP: usize = 4;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(buffer: &mut NameBuffer, string: &str, f: impl FnOnce(&Value) -> T) -> T {
        match &mut buffer.0 {
            Value::String(kept) => {
                kept.clear();
                kept.push_str(string);
            }
            other => *other = Value::String(string.to_owned()),
        }
        f(&buffer.0)
    }
}

/// A string node for property names (`propertyNames`), reused from name to name.
pub struct NameBuffer(Value);

impl Default for NameBuffer {
    fn default() -> Self {
        NameBuffer(Value::Null)
    }
}

impl<'a> repr::Node<'a, Strict> for &'a Value {
    type Object = &'a Object;
    type Array = &'a [Value];
    type Number = Number;

    fn as_object(&self) -> Option<&'a Object> {
        Value::as_object(self)
    }

    fn as_array(&self) -> Option<&'a [Value]> {
        Value::as_array(self).map(Vec::as_slice)
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        Value::as_str(self).map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<Number> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    fn json_type(&self) -> JsonType {
        match self {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'a, serde_json::Value> {
        Cow::Owned(self.to_serde())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Value>(self) as usize))
    }
}

/// A member as jsonschema reads it: its name and its value.
type Member<'a> = fn(&'a (String, Value)) -> (&'a str, &'a Value);

impl<'a> repr::Object<'a, Strict> for &'a Object {
    type Node = &'a Value;
    type MemberName = &'a str;
    type MembersIter = std::iter::Map<std::slice::Iter<'a, (String, Value)>, Member<'a>>;

    fn len(&self) -> usize {
        Object::len(self)
    }

    fn get(&self, key: &String) -> Option<&'a Value> {
        Object::get(self, key)
    }

    fn members(&self) -> Self::MembersIter {
        let member: Member<'a> = |(name, value)| (name.as_str(), value);
        self.entries().iter().map(member)
    }
}

impl<'a> repr::Array<'a, Strict> for &'a [Value] {
    type Node = &'a Value;
    type ElementsIter = std::slice::Iter<'a, Value>;

    fn len(&self) -> usize {
        <[Value]>::len(self)
    }

    fn elements(&self) -> Self::ElementsIter {
        self.iter()
    }
}

impl JsonNumber for Number {
    fn as_u64(&self) -> Option<u64> {
        match self {
            Number::Int(i) => u64::try_from(*i).ok(),
            Number::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        Some(match self {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
        })
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match self {
            Number::Int(i) => serde_json::Number::from(*i),
            // Parsed numbers are finite, so this always holds one (as in `to_serde`).
            Number::Float(f) => serde_json::Number::from_f64(*f).unwrap_or_else(|| serde_json::Number::from(0)),
        })
    }

    // As serde_json's number for the same token: an integer token, or a float with no
    // fractional part (2020-12 counts 2.0 as an integer).
    fn is_integer(&self) -> bool {
        match self {
            Number::Int(_) => true,
            Number::Float(f) => f.fract() == 0.0,
        }
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, Number::Int(_))
    }
}
