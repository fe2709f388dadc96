//! Reading vector files of format v1 (`trace-vector-file.v1`), kept until the next release
//! of the set. v1 kept a group's verifier inputs (keys, evidence, revocation, inclusion,
//! policy, reference values, deployment) as JSON text inside strings; v2 holds them as
//! JSON values. Tests, ids and digests are the same in both formats (a digest covers the
//! test, never its group).
//!
//! Owns: the v1 group context and its upgrade to v2. Does not own reading files
//! ([`crate::load`]) or anything v2 writes.

use crate::format::{self, FILE_SCHEMA, Group, VectorFile};
use serde::Deserialize;
use serde_json::Value;
use trace_protocol::Op;

/// A v1 group context: the v2 one with its inputs as JSON text.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Context {
    pub op: Op,
    pub format: String,
    pub level: u8,
    pub platform: String,
    pub profile: String,
    pub strict: bool,
    pub verification_time: i64,
    pub max_age: i64,
    pub skew: i64,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub record_kind: Option<String>,
    #[serde(default)]
    pub cmcp_canonicalization: Option<String>,
    /// JWK text or RFC 7638 thumbprints.
    #[serde(default)]
    pub trusted_keys: Vec<String>,
    #[serde(default)]
    pub inclusion: Option<String>,
    #[serde(default)]
    pub evidence: Option<String>,
    #[serde(default)]
    pub revocation: Option<String>,
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default)]
    pub reference_values: Option<String>,
    #[serde(default)]
    pub deployment: Option<String>,
    /// JWK text.
    #[serde(default)]
    pub issuer_keys: Vec<String>,
    #[serde(default)]
    pub receipts: Option<String>,
}

/// One input's JSON text as the value v2 holds, read as strictly as the reference read it
/// (trace-record's parser: no duplicate member names, integers within ±(2^53-1)).
fn value(name: &str, text: &str) -> Result<Value, String> {
    trace_record::json::parse(text.as_bytes())
        .map(|v| v.to_serde())
        .map_err(|e| format!("{name} is not strict JSON text: {e}"))
}

fn input(name: &str, text: Option<String>) -> Result<Option<Value>, String> {
    text.map(|t| value(name, &t)).transpose()
}

impl Context {
    /// The v2 context, checked by v2's own rules (inputs are objects, trusted keys JWKs or
    /// thumbprints, issuer keys JWKs). A trusted key whose text starts with `{` is a JWK, as
    /// the reference took it; any other is a thumbprint and stays a string.
    pub fn upgrade(self) -> Result<format::Context, String> {
        let trusted_keys = self
            .trusted_keys
            .into_iter()
            .map(|k| {
                if k.starts_with('{') {
                    value("trusted key", &k)
                } else {
                    Ok(Value::String(k))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let issuer_keys = self
            .issuer_keys
            .iter()
            .map(|k| value("issuer key", k))
            .collect::<Result<Vec<_>, _>>()?;
        let mut v2 = serde_json::Map::new();
        let mut put = |name: &str, v: Option<Value>| {
            if let Some(v) = v {
                v2.insert(name.into(), v);
            }
        };
        put("op", Some(Value::String(self.op.name().into())));
        put("format", Some(self.format.into()));
        put("level", Some(self.level.into()));
        put("platform", Some(self.platform.into()));
        put("profile", Some(self.profile.into()));
        put("strict", Some(self.strict.into()));
        put("verification_time", Some(self.verification_time.into()));
        put("max_age", Some(self.max_age.into()));
        put("skew", Some(self.skew.into()));
        put("nonce", self.nonce.map(Value::from));
        put("record_kind", self.record_kind.map(Value::from));
        put("cmcp_canonicalization", self.cmcp_canonicalization.map(Value::from));
        put("trusted_keys", (!trusted_keys.is_empty()).then(|| trusted_keys.into()));
        put("inclusion", input("inclusion", self.inclusion)?);
        put("evidence", input("evidence", self.evidence)?);
        put("revocation", input("revocation", self.revocation)?);
        put("policy", input("policy", self.policy)?);
        put("reference_values", input("reference_values", self.reference_values)?);
        put("deployment", input("deployment", self.deployment)?);
        put("issuer_keys", (!issuer_keys.is_empty()).then(|| issuer_keys.into()));
        put("receipts", self.receipts.map(Value::from));
        serde_json::from_value(Value::Object(v2)).map_err(|e| e.to_string())
    }
}

/// A v1 file as v2: the same tests, each group's inputs parsed.
pub fn upgrade(file: VectorFile<Context>) -> Result<VectorFile, String> {
    let groups = file
        .groups
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            Ok(Group {
                description: g.description,
                context: g.context.upgrade().map_err(|e| format!("group {i}: {e}"))?,
                tests: g.tests,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(VectorFile {
        schema: FILE_SCHEMA.into(),
        suite_version: file.suite_version,
        module: file.module,
        topic: file.topic,
        header: file.header,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use crate::format::FILE_SCHEMA_V1;
    use crate::load::parse;
    use serde_json::json;

    /// A v1 file with one verify group: every input as JSON text.
    fn v1_file(group_inputs: serde_json::Value) -> Vec<u8> {
        let mut group = json!({
            "description": "d", "op": "verify", "format": "embedded", "level": 1,
            "platform": "aws-nitro", "profile": "v0.2", "strict": false,
            "verification_time": 1, "max_age": 2, "skew": 3,
            "tests": [{"id": "m::t::one", "description": "d", "comment": "", "input": {"record_text": "{}"},
                       "expected": {"result": "invalid"}, "spec_refs": [], "since": "0.1.0", "digest": "x"}]
        });
        for (k, v) in group_inputs.as_object().unwrap() {
            group[k] = v.clone();
        }
        serde_json::to_vec(&json!({
            "schema": FILE_SCHEMA_V1, "suite_version": "0.1.0", "module": "m", "topic": "t",
            "header": ["h"], "groups": [group]
        }))
        .unwrap()
    }

    #[test]
    fn inputs_held_as_text_become_values() {
        let bytes = v1_file(json!({
            "trusted_keys": [r#"{"kty":"OKP","crv":"Ed25519","x":"abc"}"#, "A".repeat(43)],
            "issuer_keys": [r#"{"kty":"OKP"}"#],
            "evidence": r#"{"platform":"aws-nitro","format":"capture","files":{}}"#,
            "inclusion": r#"{"leaf_index":0}"#,
            "revocation": r#"{"bundle":{}}"#,
            "policy": r#"{"bundle_hash":"sha256:00"}"#,
            "reference_values": r#"{"measurements":[]}"#,
            "deployment": r#"{"fips":true}"#,
        }));
        let file = parse("v1.json", &bytes).unwrap();
        assert_eq!(file.schema, crate::format::FILE_SCHEMA);
        let c = &file.groups[0].context;
        assert_eq!(
            c.trusted_keys,
            [
                json!({"kty": "OKP", "crv": "Ed25519", "x": "abc"}),
                json!("A".repeat(43))
            ]
        );
        assert_eq!(c.issuer_keys, [json!({"kty": "OKP"})]);
        assert_eq!(
            c.evidence,
            Some(json!({"platform": "aws-nitro", "format": "capture", "files": {}}))
        );
        assert_eq!(c.inclusion, Some(json!({"leaf_index": 0})));
        assert_eq!(c.revocation, Some(json!({"bundle": {}})));
        assert_eq!(c.policy, Some(json!({"bundle_hash": "sha256:00"})));
        assert_eq!(c.reference_values, Some(json!({"measurements": []})));
        assert_eq!(c.deployment, Some(json!({"fips": true})));
        assert_eq!(file.groups[0].tests[0].id, "m::t::one");
    }

    #[test]
    fn text_that_is_not_json_is_refused_with_the_input_named() {
        let e = parse("v1.json", &v1_file(json!({"evidence": "{not json"}))).unwrap_err();
        assert!(
            e.contains("v1.json") && e.contains("group 0") && e.contains("evidence"),
            "{e}"
        );
        let e = parse("v1.json", &v1_file(json!({"issuer_keys": ["thumbprint"]}))).unwrap_err();
        assert!(e.contains("issuer key"), "{e}");
        // As strictly as the reference read them: a duplicate member is refused.
        let e = parse(
            "v1.json",
            &v1_file(json!({"policy": r#"{"bundle_hash":"a","bundle_hash":"b"}"#})),
        )
        .unwrap_err();
        assert!(e.contains("policy"), "{e}");
        // v2's rules apply: text that is JSON but not an object is no input.
        let e = parse("v1.json", &v1_file(json!({"deployment": "7"}))).unwrap_err();
        assert!(e.contains("must be a JSON object"), "{e}");
        assert!(parse("v1.json", &v1_file(json!({"evidence": "null"}))).is_err());
    }

    #[test]
    fn a_v1_file_with_structured_inputs_or_an_unknown_schema_is_refused() {
        // v1 readers took text only: an object where text belongs is not v1.
        assert!(parse("v1.json", &v1_file(json!({"policy": {"bundle_hash": "x"}}))).is_err());
        let mut v: serde_json::Value = serde_json::from_slice(&v1_file(json!({}))).unwrap();
        v["schema"] = json!("trace-vector-file.v9");
        let e = parse("v9.json", &serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert!(e.contains("trace-vector-file.v9"), "{e}");
    }
}
