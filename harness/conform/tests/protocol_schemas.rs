//! The protocol's JSON Schemas (harness/protocol/schemas/v1/) are the contract adapter
//! authors code against, so they are checked against what really goes over the wire: every
//! request the runner builds for a vector must match its operation's schema, and every
//! response of the reference adapter (`trace-conform serve`) must match `$defs/response`.
//! And a schema that accepts anything proves nothing: a few broken messages must fail.

use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use trace_runner::protocol::{hello_request, simple_request, vector_request};
use trace_vector_format::load;

const BASE: &str = "https://trace-conformance.dev/schema/adapter/v1/";

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../protocol/schemas/v1")
}

struct Schemas {
    registry: jsonschema::Registry<'static>,
}

impl Schemas {
    fn load() -> Schemas {
        let mut builder = jsonschema::Registry::new();
        for entry in std::fs::read_dir(schemas_dir()).expect("schemas dir") {
            let path = entry.expect("entry").path();
            let doc: Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("schema is JSON");
            let id = doc["$id"].as_str().expect("$id").to_string();
            assert_eq!(id, format!("{BASE}{}", path.file_name().unwrap().to_string_lossy()));
            builder = builder.add(id, doc).expect("add");
        }
        Schemas {
            registry: builder.prepare().expect("registry"),
        }
    }
    /// A validator for `<op>.json` (the request) or `<op>.json#/$defs/response`.
    fn validator(&self, op: &str, response: bool) -> jsonschema::Validator {
        let target = if response {
            format!("{BASE}{op}.json#/$defs/response")
        } else {
            format!("{BASE}{op}.json")
        };
        jsonschema::options()
            .with_registry(&self.registry)
            .build(&json!({"$ref": target}))
            .unwrap_or_else(|e| panic!("{op}: {e}"))
    }
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn every_request_and_every_reference_response_match_the_schemas() {
    let schemas = Schemas::load();
    let mut requests = vec![hello_request("h0")];
    for (_, file) in load::load_dir(&load::default_dir()).expect("vectors") {
        for group in &file.groups {
            for test in &group.tests {
                let id = format!("r{}", requests.len());
                requests.push(vector_request(&id, &group.context, test, 5000).expect("request"));
            }
        }
    }
    requests.push(simple_request("p", trace_protocol::Body::Ping));
    requests.push(simple_request("s", trace_protocol::Body::Shutdown));
    let mut ops = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for req in &requests {
        let op = req["op"].as_str().expect("op");
        ops.insert(op.to_string());
        for e in errors(&schemas.validator(op, false), req) {
            problems.push(format!("request {} ({op}): {e}", req["case"]));
        }
    }
    assert!(
        ops.contains("verify-chain") && ops.contains("verify") && ops.contains("canonicalize"),
        "{ops:?}"
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_trace-conform"))
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let text: String = requests.iter().map(|r| format!("{r}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("serve runs");
    writer.join().expect("writer").expect("write");
    let lines: Vec<&[u8]> = out.stdout.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), requests.len(), "one response per request");
    for (req, line) in requests.iter().zip(lines) {
        let resp: Value = serde_json::from_slice(line).expect("response is JSON");
        let op = req["op"].as_str().unwrap();
        assert_eq!(resp["id"], req["id"]);
        assert_eq!(resp["status"], "ok", "{op} {}: {resp}", req["case"]);
        for e in errors(&schemas.validator(op, true), &resp) {
            problems.push(format!("response to {} ({op}): {e}", req["case"]));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems, first: {:#?}",
        problems.len(),
        &problems[..problems.len().min(10)]
    );
}

#[test]
fn the_schemas_refuse_broken_messages() {
    let schemas = Schemas::load();
    let request = schemas.validator("verify-chain", false);
    let good = json!({"trace_adapter": 1, "id": "1", "op": "verify-chain", "case": "c", "deadline_ms": 10,
        "bundle_b64u": "e30", "claim_b64u": null, "verification_time": 0, "max_age": 0, "skew": 0,
        "trusted_keys": [], "issuer_keys": [], "receipts": "trace"});
    assert!(errors(&request, &good).is_empty(), "{:?}", errors(&request, &good));
    for (name, broken) in [
        ("missing bundle", {
            let mut b = good.clone();
            b.as_object_mut().unwrap().remove("bundle_b64u");
            b
        }),
        ("unknown receipts mode", {
            let mut b = good.clone();
            b["receipts"] = json!("lenient");
            b
        }),
        ("padded base64", {
            let mut b = good.clone();
            b["bundle_b64u"] = json!("e30=");
            b
        }),
        ("extra member", {
            let mut b = good.clone();
            b["expected"] = json!("valid");
            b
        }),
    ] {
        assert!(
            !errors(&request, &broken).is_empty(),
            "{name} passed the request schema"
        );
    }
    let response = schemas.validator("verify", true);
    for (name, broken) in [
        (
            "accept with errors",
            json!({"trace_adapter": 1, "id": "1", "status": "ok",
            "result": {"verdict": "accept", "errors": [{"class": "input/syntax"}]}}),
        ),
        (
            "unknown verdict",
            json!({"trace_adapter": 1, "id": "1", "status": "ok",
            "result": {"verdict": "maybe", "errors": []}}),
        ),
        (
            "ok without result",
            json!({"trace_adapter": 1, "id": "1", "status": "ok"}),
        ),
    ] {
        assert!(
            !errors(&response, &broken).is_empty(),
            "{name} passed the response schema"
        );
    }
    let hello = schemas.validator("hello", true);
    let caps = json!({"ops": ["verify"], "formats": [], "algs": [], "levels": [0], "platforms": [], "profiles": [],
        "error_detail": "none", "accepts_flags": [], "record_kinds": ["runtime-claim"]});
    let mut resp = json!({"trace_adapter": 1, "id": "h", "status": "ok", "result": {"protocol": 1, "framing": "jsonl",
        "implementation": {"name": "x", "version": "1.0", "language": "rust"}, "capabilities": caps}});
    assert!(errors(&hello, &resp).is_empty(), "{:?}", errors(&hello, &resp));
    resp["result"]["capabilities"]["record_kinds"] = json!(["audit-log"]);
    assert!(!errors(&hello, &resp).is_empty(), "an unknown record kind passed");
}
