//! The strict [`Value`] as jsonschema sees it, so a record is validated where it was parsed,
//! without a copy into `serde_json` first.
//!
//! Owns: jsonschema's JSON representation traits for `Value` (nodes, objects in the order
//! received, arrays, numbers that keep their integer or fractional token). Numbers read as
//! `serde_json` reads the same token, so validation answers exactly as over
//! [`Value::to_serde`], which the cold paths (error messages) still use. One difference is
//! visible: where jsonschema walks an object's members (unexpected members listed in a
//! message, the order of the violations found), it walks them in the record's order, where a
//! `serde_json` map sorted them. Does not own which schema applies (`schema`) or any finding.

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Instances that reach every kind of node and number the representation reads.
    const INSTANCES: &[&str] = &[
        r#"null"#,
        r#"true"#,
        r#"false"#,
        r#"0"#,
        r#"-7"#,
        r#"9007199254740991"#,
        r#"2.0"#,
        r#"2.5"#,
        r#"-1e3"#,
        r#""text""#,
        r#""é\u0000""#,
        r#"[]"#,
        r#"[1, 1]"#,
        r#"[true, false, null, "a", 1.5]"#,
        r#"{}"#,
        r#"{"b": 1, "a": [2], "flag": true, "n": 3.0}"#,
        r#"{"flag": false, "name": "x", "count": 12, "ratio": 0.5, "tags": ["a", "b"]}"#,
        r#"{"flag": "yes", "count": -1, "tags": ["a", "a"], "extra": {}}"#,
    ];

    /// A schema using the keywords that read booleans, numbers, strings, names and items.
    const SCHEMA: &str = r#"{
        "type": ["object", "array", "string", "number", "boolean", "null"],
        "properties": {
            "flag": {"const": true},
            "count": {"type": "integer", "minimum": 0, "maximum": 10, "multipleOf": 2},
            "ratio": {"exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "name": {"minLength": 2, "pattern": "^[a-z]+$"},
            "tags": {"uniqueItems": true, "maxItems": 1},
            "n": {"type": "integer"}
        },
        "propertyNames": {"maxLength": 5},
        "additionalProperties": false,
        "items": {"enum": [1, 2, true, "a", null]},
        "minimum": 1,
        "minLength": 3,
        "enum": [null, true, 2, 2.5, "text", [1, 1], {"b": 1, "a": [2], "flag": true, "n": 3.0}, {}, []]
    }"#;

    fn strict(text: &str) -> Value {
        crate::json::parse(text.as_bytes()).expect("a strict JSON instance")
    }

    #[test]
    fn validation_over_the_parsed_value_answers_as_over_its_serde_copy() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
        let ours = jsonschema::options_for::<Strict>().build(&schema).unwrap();
        let serde = jsonschema::options().build(&schema).unwrap();
        for text in INSTANCES {
            let value = strict(text);
            let copy = value.to_serde();
            assert_eq!(ours.is_valid(&value), serde.is_valid(&copy), "{text}");
            // Where each error is and which keyword raised it. The messages may differ in one
            // way: names listed from an object (unexpected members) come in the order the
            // record has them, where a serde map sorts them.
            let errors =
                |e: jsonschema::ValidationError<'_>| (e.instance_path().to_string(), e.schema_path().to_string());
            let mut mine: Vec<_> = ours.iter_errors(&value).map(errors).collect();
            let mut theirs: Vec<_> = serde.iter_errors(&copy).map(errors).collect();
            mine.sort();
            theirs.sort();
            assert_eq!(mine, theirs, "{text}");
            assert_eq!(mine.is_empty(), ours.is_valid(&value), "{text}");
        }
    }

    #[test]
    fn every_node_reads_as_its_serde_copy_reads() {
        use repr::Node;
        for text in INSTANCES {
            let value = strict(text);
            let copy = value.to_serde();
            let (ours, theirs) = (&value, &copy);
            assert_eq!(Node::json_type(&ours), Node::json_type(&theirs), "{text}");
            assert_eq!(Node::as_boolean(&ours), Node::as_boolean(&theirs), "{text}");
            assert_eq!(Node::is_null(&ours), Node::is_null(&theirs), "{text}");
            assert_eq!(Node::as_string(&ours), Node::as_string(&theirs), "{text}");
            assert_eq!(Node::to_value(&ours).into_owned(), copy, "{text}");
            assert_eq!(Node::as_number(&ours).is_some(), theirs.is_number(), "{text}");
            if let (Some(n), Some(m)) = (Node::as_number(&ours), Node::as_number(&theirs)) {
                assert_eq!(
                    (n.as_u64(), n.as_i64(), n.as_f64(), n.is_integer()),
                    (m.as_u64(), m.as_i64(), m.as_f64(), JsonNumber::is_integer(&m)),
                    "{text}"
                );
                assert_eq!(n.to_number().into_owned(), *m, "{text}");
                assert_eq!(n.as_str(), m.to_string(), "{text}");
                // The token decides: 2.0 is an integer but not written as one.
                assert_eq!(n.is_written_as_integer(), !text.contains(['.', 'e']), "{text}");
            }
            assert_eq!(Node::as_object(&ours).is_some(), theirs.is_object(), "{text}");
            if let (Some(o), Some(p)) = (Node::as_object(&ours), Node::as_object(&theirs)) {
                assert_eq!(repr::Object::len(&o), repr::Object::len(&p), "{text}");
                let names: Vec<&str> = repr::Object::members(&o).map(|(k, _)| k).collect();
                // Members in the order received.
                let received: Vec<&str> = value.as_object().unwrap().iter().map(|(k, _)| k.as_str()).collect();
                assert_eq!(names, received, "{text}");
                for name in names {
                    let key = <Strict as repr::Json>::prepare_key(name);
                    let mine = repr::Object::get(&o, &key).map(Value::to_serde);
                    assert_eq!(mine.as_ref(), repr::Object::get(&p, &name.to_string()), "{text}");
                }
                assert!(repr::Object::get(&o, &"absent".to_string()).is_none());
            }
            assert_eq!(Node::as_array(&ours).is_some(), theirs.is_array(), "{text}");
            if let (Some(a), Some(b)) = (Node::as_array(&ours), Node::as_array(&theirs)) {
                assert_eq!(repr::Array::len(&a), repr::Array::len(&b), "{text}");
                let mine: Vec<serde_json::Value> = repr::Array::elements(&a).map(Value::to_serde).collect();
                assert_eq!(mine, b.to_vec(), "{text}");
            }
        }
    }

    #[test]
    fn a_property_name_is_a_string_node_reused_from_name_to_name() {
        let mut buffer = NameBuffer::default();
        for name in ["first", "second-longer", ""] {
            let seen = <Strict as repr::Json>::with_string_node(&mut buffer, name, |n| {
                repr::Node::as_string(&n).map(|s| s.into_owned())
            });
            assert_eq!(seen.as_deref(), Some(name));
        }
    }
}
