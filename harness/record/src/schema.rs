//! The project's own JSON Schemas (harness/record/schema/), compiled once per process.
//!
//! Owns: choosing the schema for a profile (v0.2, v0.2 `--strict`, v0.1 legacy), compiling
//! it with format assertion on, and turning every violation into a `TR-SCH-001` finding at
//! the violating member. Does not own the TRACE rules that are not expressible in a schema.

use crate::finding::Finding;
use crate::json::Value;
use crate::schema_value::Strict;
use std::sync::OnceLock;

/// Which record profile is verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Profile {
    #[serde(rename = "v0.2")]
    V02,
    #[serde(rename = "v0.1")]
    V01,
}

impl Profile {
    pub fn uri(self) -> &'static str {
        match self {
            Profile::V02 => "tag:agentrust-io.com,2026:trace-v0.2",
            Profile::V01 => "tag:agentrust.io,2026:trace-v0.1",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Profile::V02 => "v0.2",
            Profile::V01 => "v0.1",
        }
    }
}

pub const V02_SCHEMA: &str = include_str!("../schema/trace-v0.2.json");
pub const V02_STRICT_SCHEMA: &str = include_str!("../schema/trace-v0.2-strict.json");
pub const V01_SCHEMA: &str = include_str!("../schema/trace-v0.1.json");

/// A validator of records as parsed (`schema_value`), with no copy into `serde_json`.
pub type Validator = jsonschema::Validator<Strict>;

fn compile(text: &str) -> Validator {
    let schema: serde_json::Value = serde_json::from_str(text).expect("bundled schema is JSON");
    jsonschema::options_for::<Strict>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("bundled schema compiles")
}

/// The compiled validator for a profile; compiled on first use, then shared.
pub fn validator(profile: Profile, strict: bool) -> &'static Validator {
    static V02: OnceLock<Validator> = OnceLock::new();
    static V02_STRICT: OnceLock<Validator> = OnceLock::new();
    static V01: OnceLock<Validator> = OnceLock::new();
    match (profile, strict) {
        (Profile::V02, false) => V02.get_or_init(|| compile(V02_SCHEMA)),
        (Profile::V02, true) => V02_STRICT.get_or_init(|| compile(V02_STRICT_SCHEMA)),
        (Profile::V01, _) => V01.get_or_init(|| compile(V01_SCHEMA)),
    }
}

/// Every schema violation of `record`, as `TR-SCH-001` findings.
pub fn check(record: &Value, profile: Profile, strict: bool) -> Vec<Finding> {
    let validator = validator(profile, strict);
    // The common case, a valid record, takes the validator's fast path; errors are
    // collected (the slower walk) only for records that have some.
    if validator.is_valid(record) {
        return Vec::new();
    }
    validator
        .iter_errors(record)
        .map(|e| {
            let mut pointer = e.instance_path().to_string();
            if let jsonschema::error::ValidationErrorKind::Required {
                property: serde_json::Value::String(name),
            } = e.kind()
            {
                pointer = format!("{pointer}/{}", crate::json::pointer_token(name));
            }
            Finding::fail("TR-SCH-001", "schema/violation", pointer, e.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_named_as_the_vectors_and_the_cli_name_them() {
        assert_eq!((Profile::V02.name(), Profile::V01.name()), ("v0.2", "v0.1"));
        assert_eq!(Profile::V02.uri(), "tag:agentrust-io.com,2026:trace-v0.2");
        assert_eq!(Profile::V01.uri(), "tag:agentrust.io,2026:trace-v0.1");
    }

    #[test]
    fn every_bundled_schema_compiles() {
        for (p, s) in [(Profile::V02, false), (Profile::V02, true), (Profile::V01, false)] {
            let _ = validator(p, s);
        }
    }
}
