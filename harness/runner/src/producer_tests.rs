//! Each way a producer case can end, from real signed records: a scorer that skipped any
//! check (the verdict, a claim, the error's name, the direction of a refusal) fails here.

use super::*;
use trace_record::envelope::{CoseTag, Form};
use trace_record::json::Value as J;
use trace_record::sample::{SAMPLE_IAT, base_claims, set_pointer, test_key};
use trace_record::{Alg, sign::sign};

fn signed(edit: impl FnOnce(&mut trace_record::json::Object)) -> Vec<u8> {
    let mut claims = base_claims();
    edit(&mut claims);
    sign(
        &claims,
        &test_key(Alg::EdDSA, "producer"),
        None,
        Form::Embedded,
        CoseTag::Tagged,
    )
}

fn defaults() -> Defaults {
    let jwk = test_key(Alg::EdDSA, "producer").public_key().to_jwk();
    Defaults {
        level: 0,
        verification_time: SAMPLE_IAT + 60,
        max_age: 86_400,
        skew: 300,
        trusted_keys: vec![J::Object(jwk).to_serde()],
    }
}

fn line(produced: Result<&[u8], (&str, &str)>, expect: Value) -> Value {
    let mut l = json!({"case": "producer::gen::case", "description": "d", "statements": ["S2 §3.1.1"], "rules": ["TR-ORG-001"], "expect": expect});
    match produced {
        Ok(bytes) => l["produced"] = json!({"record_b64u": trace_record::b64::encode(bytes)}),
        Err((error, message)) => l["refused"] = json!({"error": error, "message": message}),
    }
    l
}

fn scored(l: &Value) -> CaseResult {
    score(&case(l).expect("a usable line"), &defaults())
}

#[test]
fn a_record_that_verifies_and_holds_what_was_asked_passes() {
    let record = signed(|_| {});
    let r = scored(&line(
        Ok(&record),
        json!({"record": {"/runtime/platform": "software-only", "/policy/enforcement_mode": "enforce"}}),
    ));
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.detail);
    assert_eq!(
        (r.format.as_str(), r.rules.as_slice()),
        ("embedded", &["TR-ORG-001".to_string()][..])
    );
    assert_eq!(r.expected.result, Expect::Valid);
}

#[test]
fn a_record_the_reference_rejects_fails_with_the_rule() {
    // origin.kind third-party with a hardware platform: S2 §3.1.1 says a verifier must reject.
    let record = signed(|c| {
        set_pointer(
            c,
            "/origin",
            trace_record::json::parse(br#"{"kind":"log-import","producer":"p"}"#).unwrap(),
        );
        set_pointer(c, "/runtime/platform", J::String("intel-tdx".into()));
    });
    let r = scored(&line(Ok(&record), json!({"record": {}})));
    assert_eq!(r.outcome, Outcome::FailVerdict);
    assert!(r.detail.contains("TR-ORG-001"), "{}", r.detail);
    // Only what decided the verdict is named: not the advisories every record carries.
    assert!(
        !r.detail.contains("TR-REV-001") && !r.detail.contains("TR-DEP-001"),
        "{}",
        r.detail
    );
}

#[test]
fn a_record_signed_by_another_key_fails() {
    let other = sign(
        &base_claims(),
        &test_key(Alg::EdDSA, "someone else"),
        None,
        Form::Embedded,
        CoseTag::Tagged,
    );
    let r = scored(&line(Ok(&other), json!({"record": {}})));
    assert_eq!(r.outcome, Outcome::FailVerdict, "{}", r.detail);
}

#[test]
fn a_record_that_verifies_but_says_something_else_fails_its_output() {
    let record = signed(|_| {});
    let r = scored(&line(
        Ok(&record),
        json!({"record": {"/policy/enforcement_mode": "declared", "/origin/kind": "log-import"}}),
    ));
    assert_eq!(r.outcome, Outcome::FailOutput);
    assert!(
        r.detail
            .contains(r#""/policy/enforcement_mode" is "enforce", the case expects "declared""#),
        "{}",
        r.detail
    );
    assert!(r.detail.contains(r#""/origin/kind" is absent"#), "{}", r.detail);
}

#[test]
fn a_refusal_passes_only_with_the_named_error() {
    let want = json!({"refusal": "MissingEvidence"});
    let right = scored(&line(Err(("MissingEvidence", "no bytes")), want.clone()));
    assert_eq!((right.outcome, right.format.as_str()), (Outcome::Pass, "none"));
    assert_eq!(right.expected.result, Expect::Invalid);
    let wrong = scored(&line(Err(("ValueError", "no bytes")), want));
    assert_eq!(wrong.outcome, Outcome::FailErrorClass);
}

#[test]
fn a_refusal_matches_the_classes_its_error_is_a_kind_of_and_a_named_word() {
    let mut l = line(
        Err(("MissingEvidence", "needs bytes")),
        json!({"refusal": "ValueError"}),
    );
    assert_eq!(scored(&l).outcome, Outcome::FailErrorClass, "no classes given");
    l["refused"]["classes"] = json!(["MissingEvidence", "ValueError"]);
    assert_eq!(scored(&l).outcome, Outcome::Pass);
    let mut other = line(Err(("TypeError", "m")), json!({"refusal": "ValueError"}));
    other["refused"]["classes"] = json!(["TypeError"]);
    assert_eq!(
        scored(&other).outcome,
        Outcome::FailErrorClass,
        "no class of it is the one named"
    );
    l["expect"] = json!({"refusal": "ValueError", "mentions": "enforcement_mode"});
    let r = scored(&l);
    assert_eq!(
        r.outcome,
        Outcome::FailErrorClass,
        "the message does not name the member"
    );
    assert!(r.detail.contains(r#"does not name "enforcement_mode""#), "{}", r.detail);
    l["refused"]["message"] = json!("missing argument: 'enforcement_mode'");
    assert_eq!(scored(&l).outcome, Outcome::Pass);
    l["refused"]["error"] = json!(7);
    assert!(case(&l).is_err(), "an error that is not a name");
}

#[test]
fn a_record_where_a_refusal_was_due_is_the_dangerous_failure() {
    let record = signed(|_| {});
    let r = scored(&line(Ok(&record), json!({"refusal": "MissingEvidence"})));
    assert_eq!(r.outcome, Outcome::FailVerdictUnexpectedAccept);
    let refused = scored(&line(Err(("MissingEvidence", "m")), json!({"record": {}})));
    assert_eq!(refused.outcome, Outcome::FailVerdict);
}

#[test]
fn a_case_may_set_its_own_verification() {
    let record = signed(|_| {});
    let mut l = line(Ok(&record), json!({"record": {}}));
    l["verify"] = json!({"verification_time": SAMPLE_IAT + 10 * 86_400});
    assert_eq!(scored(&l).outcome, Outcome::FailVerdict, "too old at its own time");
    l["verify"] = json!({"trusted_keys": []});
    assert_eq!(scored(&l).outcome, Outcome::FailVerdict, "no key trusted");
    // A verification the case cannot have is the log's fault, found when the line is read.
    for (verify, says) in [
        (json!({"level": 9}), "verify.level"),
        (json!({"level": "1"}), "verify.level"),
        (json!({"max_age": -1}), "verify.max_age"),
        (json!({"trusted_keys": {}}), "verify.trusted_keys"),
    ] {
        l["verify"] = verify;
        assert!(matches!(case(&l), Err((_, why)) if why.contains(says)), "{says}");
    }
    // A software-only record has no Level 1 binding: verified there, it is not accepted.
    l["verify"] = json!({"level": 1});
    let at_one = scored(&l);
    assert_eq!(
        (at_one.outcome, at_one.level),
        (Outcome::FailVerdict, 1),
        "{}",
        at_one.detail
    );
    assert!(at_one.detail.contains("at level 1"), "{}", at_one.detail);
}

#[test]
fn a_bundle_is_checked_as_a_chain() {
    let l = json!({"case": "p::a::chain", "produced": {"bundle_b64u": trace_record::b64::encode(br#"{"entries":[]}"#)},
                   "expect": {"record": {}}, "verify": {"verification_time": SAMPLE_IAT}});
    let r = scored(&l);
    assert_eq!(
        (r.outcome, r.format.as_str(), r.op),
        (Outcome::FailVerdict, "chain", Op::VerifyChain),
        "{}",
        r.detail
    );
    assert!(r.detail.contains("rejects the chain"), "{}", r.detail);
    let both =
        json!({"case": "p::a::b", "produced": {"bundle_b64u": "e30", "record_b64u": "e30"}, "expect": {"record": {}}});
    assert!(case(&both).is_err(), "a record or a bundle, not both");
}

#[test]
fn a_case_needs_no_rules_nor_statements() {
    let record = signed(|_| {});
    let l = json!({"case": "p::a::b", "produced": {"record_b64u": trace_record::b64::encode(&record)}, "expect": {"record": {}}});
    let r = score(&case(&l).expect("usable"), &defaults());
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.detail);
}

#[test]
fn a_producer_run_of_unreadable_lines_is_not_a_broken_adapter() {
    let lines = vec![unusable(None, 2, "not JSON"), unusable(None, 3, "not JSON")];
    let run = run_result(Implementation::default(), Vec::new(), lines, true);
    assert!(is_producer_run(&run) && !run.adapter_looks_broken());
    let mut verifier = run.clone();
    for c in &mut verifier.cases {
        c.module = "sig".into();
    }
    assert!(verifier.adapter_looks_broken(), "the same results from a verifier are");
}

#[test]
fn only_a_run_of_producer_cases_is_a_producer_run() {
    let record = signed(|_| {});
    let case = scored(&line(Ok(&record), json!({"record": {}})));
    let run = |cases: Vec<CaseResult>| run_result(Implementation::default(), Vec::new(), cases, true);
    assert!(is_producer_run(&run(vec![case.clone()])));
    assert!(!is_producer_run(&run(Vec::new())));
    let mut verifier_case = case.clone();
    verifier_case.module = "sig".into();
    assert!(!is_producer_run(&run(vec![case, verifier_case])));
}

#[test]
fn unusable_lines_say_why() {
    let bad = |v: Value, says: &str| match case(&v) {
        Err((_, why)) => assert!(why.contains(says), "{v}: {why}"),
        Ok(_) => panic!("{v} was accepted"),
    };
    bad(json!({"case": "Not An Id"}), "usable id");
    bad(json!({"case": "two::parts"}), "usable id");
    let refusal = |extra: Value| {
        let mut l = json!({"case": "p::a::b", "refused": {"error": "E"}, "expect": {"refusal": "E"}});
        for (k, v) in extra.as_object().unwrap() {
            l[k] = v.clone();
        }
        l
    };
    bad(refusal(json!({"rules": ["TR-ORG-1"]})), "not a rule id");
    bad(refusal(json!({"rules": ["TR-ORG-001 "]})), "not a rule id");
    for not_a_rule in [
        "TR-A-001",
        "TR-ABCDE-001",
        "TR-org-001",
        "TR-ORG-0a1",
        "XX-ORG-001",
        "TR-ORG-001-2",
    ] {
        bad(refusal(json!({"rules": [not_a_rule]})), "not a rule id");
    }
    assert!(case(&refusal(json!({"rules": ["TR-AB-001", "TR-ABCD-999"]}))).is_ok());
    assert!(
        case(&refusal(json!({"statements": vec!["S"; 32]}))).is_ok(),
        "32 entries are allowed"
    );
    assert!(
        case(&refusal(json!({"statements": ["x".repeat(300)]}))).is_ok(),
        "300 bytes are allowed"
    );
    bad(
        refusal(json!({"expect": {"refusal": "E", "mentions": "m".repeat(301)}})),
        "expect.mentions",
    );
    assert!(
        case(&refusal(
            json!({"expect": {"refusal": "E", "mentions": "m".repeat(300)}})
        ))
        .is_ok()
    );
    // A description is kept to 1,200 characters: a long one whole, a longer one cut.
    let described = |n: usize| {
        let c = case(&refusal(json!({"description": "d".repeat(n)}))).unwrap();
        score(&c, &defaults()).explanation.description.matches('d').count()
    };
    assert_eq!(described(1_000), 1_000);
    assert!((1_000..=1_200).contains(&described(5_000)), "{}", described(5_000));
    bad(refusal(json!({"statements": vec!["S"; 33]})), "more than 32");
    bad(refusal(json!({"statements": ["x".repeat(301)]})), "over 300 bytes");
    bad(refusal(json!({"verify": {"level": "0"}})), "verify.level");
    bad(refusal(json!({"verify": {"receipts": 1}})), "verify.receipts");
    bad(
        refusal(json!({"expect": {"refusal": "E".repeat(301)}})),
        "exactly one of record",
    );
    assert!(
        case(&refusal(
            json!({"rules": ["TR-ORG-001", "TR-SIG-009"], "statements": ["S2"]})
        ))
        .is_ok()
    );
    bad(
        json!({"case": "p::a::b", "produced": {"record_b64u": "e30", "claim_b64u": "e30"}, "expect": {"record": {}}}),
        "claim_b64u goes with a bundle",
    );
    bad(
        json!({"case": "p::a::b", "expect": {"record": {}}}),
        "exactly one of produced and refused",
    );
    bad(
        json!({"case": "p::a::b", "produced": {"record_b64u": "***"}, "expect": {"record": {}}}),
        "not base64url",
    );
    bad(
        json!({"case": "p::a::b", "refused": {"error": "E"}, "expect": {}}),
        "exactly one of record",
    );
    bad(
        json!({"case": "p::a::b", "refused": {"error": "E"}, "expect": {"record": {"no-slash": 1}}}),
        "JSON Pointers",
    );
    bad(
        json!({"case": "p::a::b", "refused": {"error": "E"}, "expect": {"refusal": ""}}),
        "exactly one of record",
    );
    bad(
        json!({"case": "p::a::b", "refused": {"error": "E"}, "expect": {"refusal": "E"}, "verify": 1}),
        "verify is not an object",
    );
    bad(
        json!({"case": "p::a::b", "refused": {"error": "E", "message": 3}, "expect": {"refusal": "E"}}),
        "refused.message",
    );
    bad(
        json!({"case": "p::a::b", "refused": {"error": "E"}, "expect": {"refusal": "E"}, "rules": "TR"}),
        "array of strings",
    );
    let r = unusable(None, 7, "not JSON");
    assert_eq!(
        (r.id.as_str(), r.outcome, r.format.as_str()),
        ("producer::log::line-7", Outcome::HarnessError, UNREADABLE)
    );
    assert!(is_generated_id(&r.id) && is_generated_id("producer::records::record-1"));
    assert!(!is_generated_id("producer::gen::x") && !is_generated_id("p::log::x"));
}

#[test]
fn the_header_names_the_producer() {
    let h = header(&json!({"schema": PRODUCTION_SCHEMA, "producer": {"name": "p", "version": "1.0"}})).unwrap();
    assert_eq!((h.name.as_str(), h.version.as_str()), ("p", "1.0"));
    assert!(header(&json!({"schema": "other"})).is_err());
    assert!(header(&json!({"schema": PRODUCTION_SCHEMA, "producer": {"name": " ", "version": "1"}})).is_err());
}

#[test]
fn a_profile_marks_known_failures_and_stale_ones() {
    let profile = Profile::parse(
        "[[known_failing]]\nid = \"producer::gen::case\"\nreason = \"r\"\n[[disabled]]\nid = \"producer::gen::off\"\nreason = \"off\"\n",
    )
    .unwrap();
    let record = signed(|_| {});
    let mut failing = scored(&line(Ok(&record), json!({"record": {"/data_class": "secret"}})));
    let mut passing = scored(&line(Ok(&record), json!({"record": {}})));
    let mut off = passing.clone();
    off.id = "producer::gen::off".into();
    let mut cases = [failing.clone(), passing.clone(), off];
    apply_profile(&mut cases, &profile);
    assert_eq!(
        cases.map(|c| c.outcome),
        [Outcome::Xfail, Outcome::Xpass, Outcome::Skipped]
    );
    failing.id = "producer::gen::other".into();
    passing.id = "producer::gen::other".into();
    let mut untouched = [failing, passing];
    apply_profile(&mut untouched, &profile);
    assert_eq!(untouched.map(|c| c.outcome), [Outcome::FailOutput, Outcome::Pass]);
}
