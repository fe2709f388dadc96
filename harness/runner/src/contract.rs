//! The adapter contract as the runner enforces it: every answer is checked against the
//! schema of the operation it answers (harness/protocol/schemas/v1/, embedded in the build),
//! so a member the schema forbids, a missing member or a wrong type is a protocol
//! violation, named in the schema's words with where it is.
//!
//! Owns: the embedded schemas and the check of one answer. Does not own framing (`adapter`)
//! nor scoring (`run`).

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The `$id` prefix of every protocol schema.
pub const BASE: &str = "https://trace-conformance.dev/schema/adapter/v1/";

/// At most this many schema errors are named in one finding, each cut to
/// [`ERROR_CHARS`] (a schema error quotes the offending value, which the adapter chose).
const ERRORS_NAMED: usize = 3;
const ERROR_CHARS: usize = 300;

const SCHEMAS: [(&str, &str); 16] = [
    ("bench.json", include_str!("../../protocol/schemas/v1/bench.json")),
    (
        "canonicalize.json",
        include_str!("../../protocol/schemas/v1/canonicalize.json"),
    ),
    ("decode.json", include_str!("../../protocol/schemas/v1/decode.json")),
    ("encode.json", include_str!("../../protocol/schemas/v1/encode.json")),
    ("envelope.json", include_str!("../../protocol/schemas/v1/envelope.json")),
    ("hello.json", include_str!("../../protocol/schemas/v1/hello.json")),
    ("ping.json", include_str!("../../protocol/schemas/v1/ping.json")),
    (
        "replay-evidence.json",
        include_str!("../../protocol/schemas/v1/replay-evidence.json"),
    ),
    ("shutdown.json", include_str!("../../protocol/schemas/v1/shutdown.json")),
    ("sign.json", include_str!("../../protocol/schemas/v1/sign.json")),
    (
        "verify-action-receipt.json",
        include_str!("../../protocol/schemas/v1/verify-action-receipt.json"),
    ),
    (
        "verify-chain.json",
        include_str!("../../protocol/schemas/v1/verify-chain.json"),
    ),
    (
        "verify-content-marking.json",
        include_str!("../../protocol/schemas/v1/verify-content-marking.json"),
    ),
    (
        "verify-provenance-depth.json",
        include_str!("../../protocol/schemas/v1/verify-provenance-depth.json"),
    ),
    (
        "verify-server-provenance.json",
        include_str!("../../protocol/schemas/v1/verify-server-provenance.json"),
    ),
    ("verify.json", include_str!("../../protocol/schemas/v1/verify.json")),
];

/// The schema documents, by file name.
pub fn documents() -> impl Iterator<Item = (&'static str, Value)> {
    SCHEMAS.iter().map(|(name, text)| {
        (
            *name,
            serde_json::from_str(text).expect("the embedded schemas are JSON"),
        )
    })
}

/// One validator per operation for its `$defs/response`, built once.
fn validators() -> &'static BTreeMap<String, jsonschema::Validator> {
    static VALIDATORS: OnceLock<BTreeMap<String, jsonschema::Validator>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let docs: Vec<(&str, Value)> = documents().collect();
        let mut builder = jsonschema::Registry::new();
        for (name, doc) in &docs {
            builder = builder
                .add(format!("{BASE}{name}"), doc.clone())
                .expect("the embedded schemas register");
        }
        let registry = builder.prepare().expect("the embedded schemas resolve");
        docs.iter()
            .filter(|(name, _)| *name != "envelope.json")
            .map(|(name, _)| {
                let op = name.trim_end_matches(".json").to_string();
                let target = serde_json::json!({"$ref": format!("{BASE}{name}#/$defs/response")});
                let v = jsonschema::options()
                    .with_registry(&registry)
                    .build(&target)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                (op, v)
            })
            .collect()
    })
}

/// Why `answer` (a whole response line) breaks the schema of `op`, if it does. An op with
/// no schema (one the runner never sends) is checked against nothing here.
pub fn answer_problem(op: &str, answer: &Value) -> Option<String> {
    let v = validators().get(op)?;
    let mut all = v.iter_errors(answer);
    let errors: Vec<String> = all
        .by_ref()
        .take(ERRORS_NAMED)
        .map(|e| {
            let at = trace_untrusted::escape::excerpt(&e.instance_path().to_string(), ERROR_CHARS);
            let what = trace_untrusted::escape::excerpt(&e.to_string(), ERROR_CHARS);
            if at.is_empty() {
                what
            } else {
                format!("{what} (at {at})")
            }
        })
        .collect();
    if errors.is_empty() {
        return None;
    }
    let shown = errors.join("; ");
    let more = all.count();
    Some(format!(
        "the answer breaks the {op} response schema (harness/protocol/schemas/v1/{op}.json): {shown}{}",
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_operation_schema_has_a_response_validator() {
        let ops: Vec<&String> = validators().keys().collect();
        for op in [
            "hello",
            "verify",
            "canonicalize",
            "verify-chain",
            "ping",
            "shutdown",
            "bench",
        ] {
            assert!(ops.iter().any(|o| *o == op), "{op}: {ops:?}");
        }
    }

    #[test]
    fn a_forbidden_member_a_missing_one_and_a_wrong_type_are_named() {
        let good = json!({"trace_adapter": 1, "id": "r1", "status": "ok",
            "result": {"verdict": "reject", "errors": [{"rule": "TR-SIG-005", "class": "signature/invalid"}]}});
        assert_eq!(answer_problem("verify", &good), None);
        let mut extra = good.clone();
        extra["result"]["pad"] = json!([0]);
        let p = answer_problem("verify", &extra).expect("a forbidden member");
        assert!(p.contains("pad") && p.contains("verify response schema"), "{p}");
        let mut top = good.clone();
        top["debug"] = json!(true);
        assert!(answer_problem("verify", &top).expect("top level").contains("debug"));
        let missing = json!({"trace_adapter": 1, "id": "r1", "status": "ok", "result": {"errors": []}});
        assert!(
            answer_problem("verify", &missing)
                .expect("no verdict")
                .contains("verdict")
        );
        let typed =
            json!({"trace_adapter": 1, "id": "r1", "status": "ok", "result": {"verdict": "reject", "errors": "none"}});
        assert!(answer_problem("verify", &typed).is_some());
        assert_eq!(answer_problem("no-such-op", &typed), None);
    }

    #[test]
    fn a_finding_stays_small_whatever_the_answer_holds() {
        let huge = "v".repeat(1 << 20);
        let mut answer = json!({"trace_adapter": 1, "id": "r1", "status": "ok",
            "result": {"verdict": huge.clone(), "errors": []}});
        for i in 0..5000 {
            answer["result"][format!("extra{i}")] = json!(huge.len());
        }
        let p = answer_problem("verify", &answer).expect("broken");
        assert!(p.len() < 2000, "{} bytes", p.len());
        assert!(p.contains("characters in all"), "{p}");
    }
}
