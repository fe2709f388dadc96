//! The adapter contract as the runner enforces it: every answer is checked against the
//! schema of the operation it answers (harness/protocol/schemas/v1/, embedded in the build),
//! so a member the schema forbids, a missing member or a wrong type is a protocol
//! violation, named in the schema's words with where it is.
//!
//! Owns: the response validators and the check of one answer (the schemas are
//! trace-protocol's). Does not own framing (`adapter`)
//! nor scoring (`run`).

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use trace_protocol::{Op, schemas};

/// At most this many schema errors are named in one finding, each cut to
/// [`ERROR_CHARS`] (a schema error quotes the offending value, which the adapter chose).
const ERRORS_NAMED: usize = 3;
const ERROR_CHARS: usize = 300;

/// One validator per operation for its `$defs/response`, built once.
fn validators() -> &'static BTreeMap<Op, jsonschema::Validator> {
    static VALIDATORS: OnceLock<BTreeMap<Op, jsonschema::Validator>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let mut builder = jsonschema::Registry::new();
        for (id, text) in schemas::all() {
            let doc: Value = serde_json::from_str(text).expect("the embedded schemas are JSON");
            builder = builder.add(id, doc).expect("the embedded schemas register");
        }
        let registry = builder.prepare().expect("the embedded schemas resolve");
        Op::ALL
            .into_iter()
            .map(|op| {
                let target = serde_json::json!({"$ref": format!("{}{op}.json#/$defs/response", schemas::BASE_ID)});
                let v = jsonschema::options()
                    .with_registry(&registry)
                    .build(&target)
                    .unwrap_or_else(|e| panic!("{op}: {e}"));
                (op, v)
            })
            .collect()
    })
}

/// Why `answer` (a whole response line) breaks the schema of `op`, if it does.
pub fn answer_problem(op: Op, answer: &Value) -> Option<String> {
    let v = &validators()[&op];
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
    fn every_operation_has_a_response_validator() {
        assert_eq!(validators().len(), Op::ALL.len());
    }

    #[test]
    fn a_forbidden_member_a_missing_one_and_a_wrong_type_are_named() {
        let good = json!({"trace_adapter": 1, "id": "r1", "status": "ok",
            "result": {"verdict": "reject", "errors": [{"rule": "TR-SIG-005", "class": "signature/invalid"}]}});
        assert_eq!(answer_problem(Op::Verify, &good), None);
        let mut extra = good.clone();
        extra["result"]["pad"] = json!([0]);
        let p = answer_problem(Op::Verify, &extra).expect("a forbidden member");
        assert!(p.contains("pad") && p.contains("verify response schema"), "{p}");
        let mut top = good.clone();
        top["debug"] = json!(true);
        assert!(answer_problem(Op::Verify, &top).expect("top level").contains("debug"));
        let missing = json!({"trace_adapter": 1, "id": "r1", "status": "ok", "result": {"errors": []}});
        assert!(
            answer_problem(Op::Verify, &missing)
                .expect("no verdict")
                .contains("verdict")
        );
        let typed =
            json!({"trace_adapter": 1, "id": "r1", "status": "ok", "result": {"verdict": "reject", "errors": "none"}});
        assert!(answer_problem(Op::Verify, &typed).is_some());
    }

    #[test]
    fn a_finding_stays_small_whatever_the_answer_holds() {
        let huge = "v".repeat(1 << 20);
        let mut answer = json!({"trace_adapter": 1, "id": "r1", "status": "ok",
            "result": {"verdict": huge.clone(), "errors": []}});
        for i in 0..5000 {
            answer["result"][format!("extra{i}")] = json!(huge.len());
        }
        let p = answer_problem(Op::Verify, &answer).expect("broken");
        assert!(p.len() < 2000, "{} bytes", p.len());
        assert!(p.contains("characters in all"), "{p}");
    }
}
