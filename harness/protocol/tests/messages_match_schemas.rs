//! Every request body type serializes to what its operation's schema accepts, and reads
//! back to itself. A request missing a required member is refused by the schema and by the
//! types; one carrying a member the schema forbids is refused by the schema (the types,
//! read by adapters, ignore it); a `null` optional input is refused by the types. The
//! runner's own test (harness/conform/tests/protocol_schemas.rs) checks every vector's
//! request against the schemas.

use serde_json::{Value, json};
use trace_protocol::request::{self, Body, Request};
use trace_protocol::{Op, schemas};

fn validator(op: Op) -> jsonschema::Validator {
    let mut builder = jsonschema::Registry::new();
    for (id, text) in schemas::all() {
        builder = builder.add(id, serde_json::from_str::<Value>(text).unwrap()).unwrap();
    }
    let registry = builder.prepare().unwrap();
    jsonschema::options()
        .with_registry(&registry)
        .build(&json!({"$ref": format!("{}{op}.json", schemas::BASE_ID)}))
        .unwrap()
}

fn verify() -> request::Verify {
    request::Verify {
        record_b64u: "e30".into(),
        format: "jws".into(),
        level: 1,
        profile: "v0.2".into(),
        strict: true,
        verification_time: 1_700_000_000,
        max_age: 86400,
        skew: 300,
        nonce: None,
        cmcp_canonicalization: Some("jcs".into()),
        trusted_keys: vec![
            json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}),
            json!("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"),
        ],
        evidence: None,
        revocation: None,
        inclusion: None,
        deployment: None,
        reference_values: Some(json!({"measurements": []})),
        policy: None,
    }
}

/// One request of every operation, each with a case and deadline as vectors send them.
fn one_of_each() -> Vec<Request> {
    let key = json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA", "d": "AAAA"});
    let document = || request::Document {
        document_b64u: "e30".into(),
    };
    let bodies = Op::ALL.map(|op| match op {
        Op::Hello => Body::Hello(request::Hello::v1("1.0.0")),
        Op::Verify => Body::Verify(Box::new(verify())),
        Op::Canonicalize => Body::Canonicalize(request::Canonicalize {
            input_b64u: "IHt9".into(),
        }),
        Op::VerifyChain => Body::VerifyChain(request::VerifyChain {
            bundle_b64u: "W10".into(),
            claim_b64u: None,
            verification_time: 1,
            max_age: 2,
            skew: 3,
            cmcp_canonicalization: None,
            trusted_keys: vec![],
            issuer_keys: vec![],
            receipts: "trace".into(),
        }),
        op if op.is_document_check() => Body::document(op, document()).unwrap(),
        Op::ReplayEvidence => Body::ReplayEvidence(request::ReplayEvidence {
            platform: Some(json!("aws-nitro")),
            files: Some(json!({"attestation.cose": "AAAA"})),
            root_sha256: None,
            verification_time: 1,
        }),
        Op::Sign => Body::Sign(request::Sign {
            claims: json!({"iss": "x"}),
            key: key.clone(),
            format: "cose".into(),
            cose_tagged: Some(false),
        }),
        Op::Decode => Body::Decode(request::Decode {
            input_b64u: "e30".into(),
            format: "embedded".into(),
        }),
        Op::Encode => Body::Encode(request::Encode {
            payload_b64u: "e30".into(),
            format: "jws".into(),
            alg: "EdDSA".into(),
            signature_b64u: None,
            key: Some(key.clone()),
        }),
        Op::Bench => Body::Bench(request::Bench {
            request: Request::for_case("inner", "c", 5, Body::Verify(Box::new(verify()))).to_value(),
            iterations: 10,
        }),
        Op::Ping => Body::Ping,
        Op::Shutdown => Body::Shutdown,
        other => unreachable!("{other}"),
    });
    bodies
        .into_iter()
        .map(|body| match body.op() {
            Op::Hello | Op::Ping | Op::Shutdown => Request::new("r", body),
            _ => Request::for_case("r", "case-1", 5000, body),
        })
        .collect()
}

#[test]
fn every_operation_s_request_matches_its_schema_and_reads_back() {
    for req in one_of_each() {
        let op = req.op();
        let wire = req.to_value();
        assert_eq!(wire["op"], json!(op.name()));
        let errors: Vec<String> = validator(op).iter_errors(&wire).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{op}: {errors:?}\n{wire}");
        let back: Request = serde_json::from_value(wire).unwrap();
        assert_eq!(back, req, "{op}");
    }
}

#[test]
fn a_missing_member_and_a_forbidden_one_fail_the_schema_and_the_types() {
    let wire = Request::for_case("r", "c", 5, Body::Verify(Box::new(verify()))).to_value();
    let mut missing = wire.clone();
    missing.as_object_mut().unwrap().remove("record_b64u");
    assert!(!validator(Op::Verify).is_valid(&missing));
    let e = serde_json::from_value::<Request>(missing).unwrap_err().to_string();
    assert!(e.contains("record_b64u"), "{e}");
    let mut extra = wire.clone();
    extra["expected"] = json!("valid");
    assert!(
        !validator(Op::Verify).is_valid(&extra),
        "expectations never enter a request"
    );
    let mut unknown = wire.clone();
    unknown["op"] = json!("verify-everything");
    assert!(serde_json::from_value::<Request>(unknown).is_err());
    for required_nullable in ["nonce", "strict"] {
        let mut without = wire.clone();
        without.as_object_mut().unwrap().remove(required_nullable);
        assert!(!validator(Op::Verify).is_valid(&without), "{required_nullable}");
        assert!(
            serde_json::from_value::<Request>(without).is_err(),
            "{required_nullable}"
        );
    }
    let mut null_input = wire;
    null_input["evidence"] = json!(null);
    assert!(!validator(Op::Verify).is_valid(&null_input));
    let e = serde_json::from_value::<Request>(null_input).unwrap_err().to_string();
    assert!(e.contains("leave the member out"), "{e}");
}
