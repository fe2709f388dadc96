//! Our own schemas must give the same verdict as the official ones (read in place from
//! ../shared/trace-spec/schema) on every example record and on a set of mutations of them:
//!
//! - schema/trace-v0.2.json        ~ trace-claim.json, except records with `references` (D-04);
//! - schema/trace-v0.2-strict.json ~ agentrust-trace-0.11.0/trace-v0.2.json;
//! - schema/trace-v0.1.json        ~ agentrust-trace-0.11.0/trace-v0.1.json.
//!
//! Both sides are compiled by the same validator, so only the schemas differ.

mod shared;

use serde_json::{Value, json};
use trace_record::schema::{V01_SCHEMA, V02_SCHEMA, V02_STRICT_SCHEMA};

fn compile(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles")
}

fn load(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

fn set(v: &mut Value, pointer: &str, new: Value) {
    let (parent, name) = pointer.rsplit_once('/').expect("pointer");
    if let Some(Value::Object(o)) = v.pointer_mut(parent) {
        o.insert(name.to_string(), new);
    }
}

fn remove(v: &mut Value, pointer: &str) {
    let (parent, name) = pointer.rsplit_once('/').expect("pointer");
    if let Some(Value::Object(o)) = v.pointer_mut(parent) {
        o.remove(name);
    }
}

type Mutation = (&'static str, fn(&mut Value));

fn mutations() -> Vec<Mutation> {
    vec![
        ("identity", |_| {}),
        ("no eat_profile", |v| remove(v, "/eat_profile")),
        ("no iat", |v| remove(v, "/iat")),
        ("no subject", |v| remove(v, "/subject")),
        ("no model", |v| remove(v, "/model")),
        ("no runtime", |v| remove(v, "/runtime")),
        ("no policy", |v| remove(v, "/policy")),
        ("no data_class", |v| remove(v, "/data_class")),
        ("no build_provenance", |v| remove(v, "/build_provenance")),
        ("no appraisal", |v| remove(v, "/appraisal")),
        ("no cnf", |v| remove(v, "/cnf")),
        ("no tool_transcript", |v| remove(v, "/tool_transcript")),
        ("no transparency", |v| remove(v, "/transparency")),
        ("iat string", |v| set(v, "/iat", json!("1785000000"))),
        ("iat too small", |v| set(v, "/iat", json!(1_600_000_000))),
        ("iat integral float", |v| set(v, "/iat", json!(1_785_000_000.0))),
        ("subject https", |v| set(v, "/subject", json!("https://a/b"))),
        ("subject spiffe no path", |v| set(v, "/subject", json!("spiffe://a"))),
        ("subject did upper", |v| set(v, "/subject", json!("did:Web:x"))),
        ("subject did empty", |v| set(v, "/subject", json!("did:"))),
        ("platform sev-snp", |v| set(v, "/runtime/platform", json!("sev-snp"))),
        ("platform tpm-2.0", |v| set(v, "/runtime/platform", json!("tpm-2.0"))),
        ("measurement upper", |v| {
            set(v, "/runtime/measurement", json!(format!("sha256:{}", "AB".repeat(32))))
        }),
        ("measurement sha384 short", |v| {
            set(v, "/runtime/measurement", json!(format!("sha384:{}", "ab".repeat(32))))
        }),
        ("measurement sha512", |v| {
            set(v, "/runtime/measurement", json!(format!("sha512:{}", "ab".repeat(64))))
        }),
        ("runtime extensions", |v| {
            set(v, "/runtime/extensions", json!({"cpu": "x"}))
        }),
        ("mode declared", |v| {
            set(v, "/policy/enforcement_mode", json!("declared"))
        }),
        ("mode strict", |v| set(v, "/policy/enforcement_mode", json!("strict"))),
        ("policy_uri relative", |v| set(v, "/policy/policy_uri", json!("p/1"))),
        ("data_class number", |v| set(v, "/data_class", json!(3))),
        ("data_class empty", |v| set(v, "/data_class", json!(""))),
        ("slsa 4", |v| set(v, "/build_provenance/slsa_level", json!(4))),
        ("slsa -1", |v| set(v, "/build_provenance/slsa_level", json!(-1))),
        ("depth transitive", |v| {
            set(v, "/build_provenance/provenance_depth", json!("transitive"))
        }),
        ("depth deep", |v| {
            set(v, "/build_provenance/provenance_depth", json!("deep"))
        }),
        ("status ok", |v| set(v, "/appraisal/status", json!("ok"))),
        ("verifier self", |v| set(v, "/appraisal/verifier", json!("self"))),
        ("appraisal timestamp negative", |v| {
            set(v, "/appraisal/timestamp", json!(-5))
        }),
        ("transparency empty", |v| set(v, "/transparency", json!(""))),
        ("transparency null", |v| set(v, "/transparency", Value::Null)),
        ("transparency http", |v| {
            set(v, "/transparency", json!("http://log.example/1"))
        }),
        ("exp member", |v| set(v, "/exp", json!(1))),
        ("cnf extra", |v| set(v, "/cnf/x5c", json!(["a"]))),
        ("jwk private d", |v| set(v, "/cnf/jwk/d", json!("AAAA"))),
        ("jwk private k", |v| set(v, "/cnf/jwk/k", json!("AAAA"))),
        ("jwk float extra", |v| set(v, "/cnf/jwk/zz", json!(1.5))),
        ("jwk unsafe int extra", |v| {
            set(v, "/cnf/jwk/zz", json!(9_007_199_254_740_993_i64))
        }),
        ("jwk no kty", |v| remove(v, "/cnf/jwk/kty")),
        ("jwk EC without y", |v| {
            set(v, "/cnf/jwk", json!({"kty": "EC", "crv": "P-256", "x": "AAAA"}));
        }),
        ("jwk RSA", |v| {
            set(v, "/cnf/jwk", json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"}))
        }),
        ("jwk RSA without e", |v| {
            set(v, "/cnf/jwk", json!({"kty": "RSA", "n": "AQAB"}))
        }),
        ("signature padded", |v| set(v, "/signature", json!("AAAA=="))),
        ("signature plain", |v| set(v, "/signature", json!("AAAA"))),
        ("origin third-party", |v| {
            set(
                v,
                "/origin",
                json!({"kind": "third-party-control-plane", "producer": "cp"}),
            )
        }),
        ("origin log-import software", |v| {
            set(v, "/origin", json!({"kind": "log-import", "producer": "imp"}));
            set(v, "/runtime/platform", json!("software-only"));
        }),
        ("origin self", |v| {
            set(v, "/origin", json!({"kind": "self", "producer": "me"}))
        }),
        ("origin empty producer", |v| {
            set(v, "/origin", json!({"kind": "self", "producer": ""}))
        }),
        ("delegation", |v| {
            set(
                v,
                "/delegation",
                json!({"parent_record_hash": format!("sha256:{}", "cd".repeat(32)), "credential_id": "c1"}),
            )
        }),
        ("delegation empty credential", |v| {
            set(
                v,
                "/delegation",
                json!({"parent_record_hash": format!("sha256:{}", "cd".repeat(32)), "credential_id": ""}),
            )
        }),
        ("call_count negative", |v| {
            set(v, "/tool_transcript/call_count", json!(-1))
        }),
        ("call_count bool", |v| {
            set(v, "/tool_transcript/call_count", json!(true))
        }),
        ("references valid", |v| {
            set(
                v,
                "/references",
                json!([{"rel": "behavior-trace", "id": "t1", "resolver": "https://r.example/"}]),
            )
        }),
        ("references bad retention", |v| {
            set(
                v,
                "/references",
                json!([{"rel": "x", "id": "t1", "resolver": "r", "retention": "P"}]),
            )
        }),
        ("reproducibility", |v| {
            set(
                v,
                "/reproducibility",
                json!({"function": "f", "code_identity": format!("sha256:{}", "ef".repeat(32)), "input_closure": [], "transcript_digest": format!("sha256:{}", "ef".repeat(32))}),
            )
        }),
        ("method without re_execution", |v| {
            set(v, "/appraisal/method", json!("re-execution"))
        }),
    ]
}

fn bases() -> Option<Vec<(String, Value)>> {
    let examples = shared::shared("trace-spec/examples")?;
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&examples).expect("examples") {
        let p = entry.expect("entry").path();
        if p.extension().is_some_and(|e| e == "json") {
            out.push((p.display().to_string(), load(&p)));
        }
    }
    for entry in std::fs::read_dir(examples.join("canonicalization-boundary")).expect("dir") {
        let p = entry.expect("entry").path();
        if p.extension().is_some_and(|e| e == "json") {
            out.push((p.display().to_string(), load(&p)["record"].clone()));
        }
    }
    let sample = trace_record::sign::sign(
        &trace_record::sample::hardware_claims(),
        &trace_record::sample::test_key(trace_record::Alg::ES256, "primary"),
        Some("k1"),
        trace_record::Form::Embedded,
        trace_record::CoseTag::Tagged,
    );
    out.push((
        "sample hardware record".into(),
        serde_json::from_slice(&sample).expect("json"),
    ));
    Some(out)
}

fn compare(
    ours: &jsonschema::Validator,
    official: &jsonschema::Validator,
    records: &[(String, Value)],
    v01: bool,
    exempt: fn(&Value) -> bool,
) -> usize {
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for (name, base) in records {
        for (what, mutate) in mutations() {
            let mut rec = base.clone();
            if v01 {
                set(&mut rec, "/eat_profile", json!("tag:agentrust.io,2026:trace-v0.1"));
            }
            mutate(&mut rec);
            if exempt(&rec) {
                continue;
            }
            let (a, b) = (ours.is_valid(&rec), official.is_valid(&rec));
            compared += 1;
            if a != b {
                disagreements.push(format!("{name} / {what}: ours {a}, official {b}"));
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    compared
}

#[test]
fn our_schemas_agree_with_the_official_ones() {
    let (Some(schema_dir), Some(records)) = (shared::shared("trace-spec/schema"), bases()) else {
        return;
    };
    let parse = |s: &str| serde_json::from_str::<Value>(s).expect("json");
    let official_v02 = compile(&load(&schema_dir.join("trace-claim.json")));
    let official_strict = compile(&load(&schema_dir.join("agentrust-trace-0.11.0/trace-v0.2.json")));
    let official_v01 = compile(&load(&schema_dir.join("agentrust-trace-0.11.0/trace-v0.1.json")));
    let has_references = |r: &Value| r.get("references").is_some();
    let n1 = compare(
        &compile(&parse(V02_SCHEMA)),
        &official_v02,
        &records,
        false,
        has_references,
    );
    let n2 = compare(
        &compile(&parse(V02_STRICT_SCHEMA)),
        &official_strict,
        &records,
        false,
        |_| false,
    );
    let n3 = compare(&compile(&parse(V01_SCHEMA)), &official_v01, &records, true, |_| false);
    assert!(n1 > 500 && n2 > 500 && n3 > 500, "compared {n1}/{n2}/{n3}");
    // The one deliberate difference: a well-formed references array is accepted by ours.
    let mut with_refs = records.last().expect("sample").1.clone();
    set(
        &mut with_refs,
        "/references",
        json!([{"rel": "behavior-trace", "id": "t1", "resolver": "https://r.example/"}]),
    );
    assert!(compile(&parse(V02_SCHEMA)).is_valid(&with_refs));
    assert!(!official_v02.is_valid(&with_refs));
}
