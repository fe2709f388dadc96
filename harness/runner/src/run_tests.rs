//! Unit tests of the run's verdict over its cases (what fails a run, when the adapter looks
//! broken, which level an implementation reaches) and of capability matching.

use super::*;
use std::time::Instant;
use trace_vector_format::format::{Context, Expected, Outcome as Expect, Test};

pub(crate) fn case(id: &str, level: u8, outcome: Outcome, expected: Expect, flaky: bool) -> CaseResult {
    CaseResult {
        id: id.into(),
        module: "m".into(),
        op: Op::Verify,
        format: "embedded".into(),
        platform: "software-only".into(),
        level,
        rules: Vec::new(),
        alg: None,
        explanation: trace_vector_format::explanation::Explanation::of_basis(trace_vector_format::basis::Basis {
            kind: trace_vector_format::basis::BasisKind::Spec,
            decisions: Vec::new(),
        }),
        request: None,
        outcome,
        flaky,
        detail: String::new(),
        expected: Expected::only(expected),
        actual: None,
        stderr: String::new(),
        duration_ms: 0,
    }
}

pub(crate) fn run_of(cases: Vec<CaseResult>) -> RunResult {
    RunResult {
        adapter: Vec::new(),
        implementation: Implementation::default(),
        capabilities: Capabilities::default(),
        cases,
        complete: true,
        startup_error: None,
        restarts: 0,
        vector_set: None,
        started_at: None,
        profile_written_for: None,
    }
}

use Expect::{Invalid, Valid};
use Outcome::*;

#[test]
fn unexpected_outcomes_fail_the_run_unless_flaky() {
    let r = run_of(vec![
        case("pass", 0, Pass, Valid, false),
        case("fail", 0, FailVerdict, Valid, false),
        case("flaky", 0, FailVerdict, Valid, true),
        case("xfail", 0, Xfail, Valid, false),
        case("xpass", 0, Xpass, Valid, false),
    ]);
    let ids: Vec<_> = r.unexpected().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["fail", "xpass"]);
}

#[test]
fn an_adapter_looks_broken_only_when_everything_it_ran_was_adapter_trouble() {
    let broken = |outcomes: &[Outcome]| {
        run_of(outcomes.iter().map(|o| case("c", 0, *o, Valid, false)).collect()).adapter_looks_broken()
    };
    assert!(broken(&[Crash, Timeout, NotClaimed, Skipped, NotRun]));
    assert!(broken(&[ProtocolViolation, HarnessError]));
    assert!(!broken(&[Crash, Pass]));
    assert!(!broken(&[Crash, FailVerdict]));
    assert!(
        !broken(&[NotClaimed, NotRun]),
        "nothing executed is not a broken adapter"
    );
    assert!(!broken(&[]));
}

#[test]
fn the_level_reached_needs_a_passed_positive_and_nothing_unexpected_up_to_it() {
    let level = |cases: Vec<CaseResult>| run_of(cases).level_reached();
    let pass = |l: u8| case("p", l, Pass, Valid, false);
    assert_eq!(level(vec![pass(0), pass(1), pass(2)]), Some(2));
    assert_eq!(
        level(vec![pass(0), pass(1), case("f", 1, FailVerdict, Valid, false), pass(2)]),
        Some(0)
    );
    assert_eq!(
        level(vec![pass(0), pass(1), case("f", 2, FailErrorClass, Invalid, false)]),
        Some(1)
    );
    // A passed negative vector is not a positive.
    assert_eq!(level(vec![pass(0), case("n", 1, Pass, Invalid, false)]), Some(0));
    // Flaky and expected failures do not count against a level.
    assert_eq!(
        level(vec![
            pass(0),
            case("x", 0, Xfail, Valid, false),
            case("f", 0, Crash, Valid, true),
            pass(1)
        ]),
        Some(1)
    );
    // A gap at a level stops the climb even when a higher level passes.
    assert_eq!(level(vec![pass(0), pass(2)]), Some(0));
    assert_eq!(level(vec![pass(1), pass(2)]), None);
    assert_eq!(
        level(vec![case("f", 0, FailVerdictUnexpectedAccept, Invalid, false), pass(0)]),
        None
    );
    assert_eq!(level(vec![]), None);
}

fn caps() -> Capabilities {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    Capabilities {
        ops: s(&["verify", "canonicalize"]),
        formats: s(&["embedded"]),
        algs: s(&["EdDSA"]),
        levels: vec![0],
        platforms: s(&["software-only"]),
        profiles: s(&["v0.2"]),
        ..Capabilities::default()
    }
}

fn work(edit: impl FnOnce(&mut Context, &mut Test)) -> Work {
    let mut ctx = Context::verify("embedded", "software-only", 1_785_000_000);
    let mut test = Test::of_input("t", b"{}", Valid);
    test.alg = Some("EdDSA".into());
    edit(&mut ctx, &mut test);
    Work {
        ctx,
        test,
        module: "m".into(),
    }
}

#[test]
fn a_vector_is_not_claimed_for_the_first_capability_it_lacks() {
    let why = |w: Work| not_claimed(&caps(), &w);
    assert_eq!(why(work(|_, _| {})), None);
    for (edit, reason) in [
        (work(|c, _| c.op = Op::VerifyChain), "op verify-chain"),
        (work(|c, _| c.format = "jws".into()), "format jws"),
        (work(|_, t| t.alg = Some("ES384".into())), "alg ES384"),
        (work(|c, _| c.level = 1), "level 1"),
        (work(|c, _| c.platform = "tpm2".into()), "platform tpm2"),
        (work(|c, _| c.strict = true), "profile v0.2-strict"),
        (
            work(|c, _| c.inclusion = Some(serde_json::json!({}))),
            "input inclusion",
        ),
        (
            work(|c, _| c.revocation = Some(serde_json::json!({}))),
            "input revocation",
        ),
        (work(|c, _| c.evidence = Some(serde_json::json!({}))), "input evidence"),
    ] {
        assert_eq!(why(edit), Some(format!("not claimed: {reason}")));
    }
    // Format, level, platform, profile and inputs constrain verify only.
    let canon = work(|c, _| {
        c.op = Op::Canonicalize;
        c.format = "jws".into();
        c.level = 2;
        c.inclusion = Some(serde_json::json!({}));
    });
    assert_eq!(why(canon), None);
    // Claimed inputs and record kinds.
    let mut with_inputs = caps();
    with_inputs.inputs = vec!["inclusion".into()];
    assert_eq!(
        not_claimed(&with_inputs, &work(|c, _| c.inclusion = Some(serde_json::json!({})))),
        None
    );
    let mut claims_only = caps();
    claims_only.record_kinds = Some(vec!["runtime-claim".into()]);
    assert_eq!(
        not_claimed(&claims_only, &work(|_, _| {})),
        Some("not claimed: record kind trust-record".into())
    );
    let claim = work(|c, _| c.record_kind = Some("runtime-claim".into()));
    assert_eq!(not_claimed(&claims_only, &claim), None);
}

#[test]
fn an_acceptable_vector_resolves_by_the_flags_the_adapter_accepts() {
    let mut e = Expected::only(Expect::Acceptable);
    e.flags = vec!["A".into(), "B".into()];
    let mut c = caps();
    c.accepts_flags = vec!["A".into()];
    assert_eq!(resolve(&e, &c).result, Invalid);
    c.accepts_flags.push("B".into());
    assert_eq!(resolve(&e, &c).result, Valid);
    assert_eq!(resolve(&Expected::only(Invalid), &c).result, Invalid);
}

#[test]
fn an_adapter_result_is_read_at_the_detail_it_claims() {
    let profile = Profile::parse("[error_map]\n\"(?i)stale\" = \"freshness/stale\"\n").unwrap();
    let result = serde_json::json!({
        "verdict": "reject",
        "errors": [
            {"rule": "TR-SIG-005", "class": "signature/invalid"},
            {"native": "Record is STALE"},
            {"native": "unmapped"}
        ],
        "warnings": [{"rule": "TR-REV-006", "class": ""}, {"class": "advisory/x"}],
        "output_b64u": "e30"
    });
    let mut c = caps();
    let o = observe(Op::Verify, &result, &c, &profile).unwrap();
    assert_eq!(o.verdict, Verdict::Reject);
    assert_eq!(
        o.errors,
        [
            ("TR-SIG-005".to_string(), "signature/invalid".to_string()),
            (String::new(), "freshness/stale".to_string()),
            (String::new(), String::new()),
        ]
    );
    assert_eq!(o.warnings, ["TR-REV-006", "advisory/x"]);
    assert_eq!(o.output.as_deref(), Some(&b"{}"[..]));
    assert_eq!(o.detail, Detail::Class, "no claimed detail, but a native error map");
    assert_eq!(
        observe(Op::Verify, &result, &c, &Profile::default()).unwrap().detail,
        Detail::None
    );
    c.error_detail = ErrorDetail::Rule;
    assert_eq!(observe(Op::Verify, &result, &c, &profile).unwrap().detail, Detail::Rule);
    c.error_detail = ErrorDetail::Class;
    assert_eq!(
        observe(Op::Verify, &result, &c, &Profile::default()).unwrap().detail,
        Detail::Class
    );
    for (verdict, want) in [("accept", Verdict::Accept), ("unverified", Verdict::Unverified)] {
        let r = serde_json::json!({ "verdict": verdict });
        assert_eq!(observe(Op::Verify, &r, &c, &profile).unwrap().verdict, want);
    }
    assert!(observe(Op::Verify, &serde_json::json!({"verdict": "ok"}), &c, &profile).is_err());
    assert!(
        observe(
            Op::Canonicalize,
            &serde_json::json!({"verdict": "accept", "output_b64u": "e30="}),
            &c,
            &profile
        )
        .is_err()
    );
    // Operations that report a value beside the verdict: it is read as the output.
    let depth = serde_json::json!({"verdict": "accept", "verified_depth": "builder"});
    assert_eq!(
        observe(Op::VerifyProvenanceDepth, &depth, &c, &profile)
            .unwrap()
            .output
            .as_deref(),
        Some(&b"builder"[..])
    );
    assert_eq!(observe(Op::Verify, &depth, &c, &profile).unwrap().output, None);
    let assurance = serde_json::json!({"verdict": "accept", "assurance": 3});
    assert!(observe(Op::VerifyServerProvenance, &assurance, &c, &profile).is_err());
    let binding = serde_json::json!({"verdict": "unverified", "binding": "absent"});
    assert_eq!(
        observe(Op::VerifyContentMarking, &binding, &c, &profile)
            .unwrap()
            .output
            .as_deref(),
        Some(&b"absent"[..])
    );
}

#[test]
fn each_score_has_its_outcome() {
    let d = || "d".to_string();
    assert_eq!(outcome_of(&Score::Pass), (Pass, String::new()));
    let accept = Score::FailVerdict {
        unexpected_accept: true,
        detail: d(),
    };
    assert_eq!(outcome_of(&accept), (FailVerdictUnexpectedAccept, d()));
    let reject = Score::FailVerdict {
        unexpected_accept: false,
        detail: d(),
    };
    assert_eq!(outcome_of(&reject), (FailVerdict, d()));
    assert_eq!(
        outcome_of(&Score::FailErrorClass { detail: d() }),
        (FailErrorClass, d())
    );
    assert_eq!(outcome_of(&Score::FailOutput { detail: d() }), (FailOutput, d()));
}

/// The command of a fauxplementation (`harness/runner/tests/fauxplementations/faux.py`);
/// N = 2 for the modes that count requests.
fn faux_command(mode: &str) -> Vec<String> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fauxplementations/faux.py");
    vec!["python3".into(), script.display().to_string(), mode.into(), "2".into()]
}

fn faux(mode: &str) -> Adapter {
    Adapter::start(&faux_command(mode), std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).expect("python3 starts")
}

#[test]
fn the_handshake_accepts_protocol_1_with_a_named_release_only() {
    let hello = handshake(&mut faux("reject-all"), Duration::from_secs(20)).expect("a good hello");
    assert_eq!(
        (hello.protocol, hello.implementation.name.as_str()),
        (1, "faux-reject-all")
    );
    assert!(hello.capabilities.ops.iter().any(|o| o == "verify"));
    for (mode, deadline, says) in [
        ("lying-hello", 20_000, "adapter chose protocol 2"),
        ("unversioned", 20_000, "a real version"),
        ("refuses-hello", 20_000, "hello answered unsupported: not today"),
        ("exits-at-once", 20_000, "before answering hello"),
        ("slow-start", 200, "no hello within"),
    ] {
        let err = handshake(&mut faux(mode), Duration::from_millis(deadline)).expect_err(mode);
        // An adapter that cannot be driven, with what it did.
        assert!(matches!(&err, Error::Adapter(m) if m.contains(says)), "{mode}: {err:?}");
    }
}

pub(crate) fn faux_options(mode: &str, profile: &str, jobs: usize, budget: usize) -> RunOptions {
    RunOptions {
        adapter: faux_command(mode),
        profile: Profile::parse(profile).expect("profile"),
        deadline: Duration::from_secs(20),
        hello_deadline: Duration::from_secs(20),
        restart_budget: budget,
        jobs,
        pipeline: DEFAULT_PIPELINE,
        progress: None,
    }
}

pub(crate) fn named(id: &str, expect: Expect, edit: impl FnOnce(&mut Context)) -> Work {
    work(|c, t| {
        t.id = id.into();
        t.expected = Expected::only(expect);
        edit(c);
    })
}

#[test]
fn a_run_turns_answers_and_profile_markings_into_outcomes_in_vector_order() {
    let profile = concat!(
        "[[known_failing]]\nid = \"k*\"\nreason = \"r\"\n",
        "[[disabled]]\nid = \"off\"\nreason = \"r\"\n",
        "[[flaky]]\nid = \"wobbly\"\nreason = \"r\"\n",
    );
    let mut opts = faux_options("reject-all", profile, 2, 0);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    opts.progress = Some(Arc::new(move |done, total| log.lock().unwrap().push((done, total))));
    let work = vec![
        named("valid", Valid, |_| {}),
        named("invalid", Invalid, |_| {}),
        named("k-fails", Valid, |_| {}),
        named("k-passes", Invalid, |_| {}),
        named("off", Valid, |_| {}),
        named("wobbly", Valid, |_| {}),
        named("elsewhere", Valid, |c| c.format = "jwe".into()),
        work(|_, t| {
            t.id = "either".into();
            t.expected = Expected::only(Expect::Acceptable);
            t.expected.flags = vec!["SomeChoice".into()];
        }),
    ];
    let r = run(work, &opts);
    let got: Vec<_> = r.cases.iter().map(|c| (c.id.as_str(), c.outcome, c.flaky)).collect();
    assert_eq!(
        got,
        [
            ("valid", FailVerdict, false),
            ("invalid", Pass, false),
            ("k-fails", Xfail, false),
            ("k-passes", Xpass, false),
            ("off", Skipped, false),
            ("wobbly", FailVerdict, true),
            ("elsewhere", NotClaimed, false),
            // Acceptable, but the adapter accepts no flags: it must reject, and it does.
            ("either", Pass, false),
        ]
    );
    assert_eq!(
        r.cases[7].expected.result, Invalid,
        "the case carries the resolved expectation"
    );
    assert!(
        r.cases[2].detail.starts_with("fail_verdict (known failing: r)"),
        "{}",
        r.cases[2].detail
    );
    assert!(r.cases[..7].iter().all(|c| c.expected.result
        == if c.id.contains("invalid") || c.id == "k-passes" {
            Invalid
        } else {
            Valid
        }));
    assert_eq!(
        r.cases[1].actual.as_ref().and_then(|a| a.get("verdict")),
        Some(&serde_json::json!("reject"))
    );
    assert!((r.complete, r.restarts, r.startup_error.is_none()) == (true, 0, true));
    assert_eq!(r.implementation.name, "faux-reject-all");
    assert_eq!(
        r.unexpected().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["valid", "k-passes"]
    );
    let mut progress = seen.lock().unwrap().clone();
    progress.sort();
    assert_eq!(progress, (1..=8).map(|d| (d, 8)).collect::<Vec<_>>());
}

#[test]
fn a_crashing_adapter_is_restarted_within_the_budget_and_then_the_rest_is_not_run() {
    // crash-nth 2: every second request after a (re)start kills the adapter.
    let work: Vec<Work> = (0..5).map(|i| named(&format!("v{i}"), Valid, |_| {})).collect();
    let r = run(work, &faux_options("crash-nth", "", 1, 1));
    let got: Vec<_> = r.cases.iter().map(|c| c.outcome).collect();
    assert_eq!(got, [Pass, Crash, Pass, Crash, NotRun]);
    // Alone in flight (no pipeline claimed), a crash is that request's own.
    assert_eq!(
        r.cases[1].detail, "adapter exited with status 3",
        "{}",
        r.cases[1].detail
    );
    assert!(
        r.cases[1].stderr.contains("crashing on request 2"),
        "{}",
        r.cases[1].stderr
    );
    assert_eq!((r.restarts, r.complete), (1, false));
    let started = run(
        vec![named("v", Valid, |_| {})],
        &faux_options("exits-at-once", "", 1, 3),
    );
    assert!(started.startup_error.is_some() && !started.complete);
    assert_eq!(
        (started.cases[0].outcome, started.cases[0].detail.as_str()),
        (NotRun, "the adapter did not start")
    );
}

#[test]
fn request_ids_are_unique_across_the_adapter_processes_and_restarts_of_a_run() {
    // Two jobs (two adapter processes), and crash-nth restarts each after every second
    // request; faux.py logs every id it is sent, hellos and shutdowns included.
    let log = std::env::temp_dir().join(format!("trace-conform-faux-ids-{}", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let mut opts = faux_options("crash-nth", "", 2, 4);
    opts.adapter.push(log.display().to_string());
    let work: Vec<Work> = (0..6).map(|i| named(&format!("v{i}"), Valid, |_| {})).collect();
    let r = run(work, &opts);
    assert!(r.restarts >= 2, "{} restarts", r.restarts);
    let text = std::fs::read_to_string(&log).expect("faux.py logged the ids");
    let _ = std::fs::remove_file(&log);
    let ids: Vec<&str> = text.lines().collect();
    let hellos = ids.iter().filter(|i| i.starts_with("hello-")).count();
    assert!(hellos >= 4 && ids.len() >= hellos + 6, "{ids:?}");
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a repeated id: {ids:?}");
}

#[test]
fn a_required_report_is_not_claimed_by_an_adapter_without_detail() {
    let mut expected = Expected::only(Valid);
    expected.warnings = vec!["TR-REV-001".into(), "TR-SIG-013".into()];
    let mut c = caps();
    let why = reports_not_claimed(&c, &Profile::default(), &expected).expect("not claimed");
    assert!(why.contains("TR-REV-001") && !why.contains("TR-SIG-013"), "{why}");
    // Detail at rule or class level: the report is checked, so the vector is run.
    c.error_detail = ErrorDetail::Class;
    assert_eq!(reports_not_claimed(&c, &Profile::default(), &expected), None);
    c.error_detail = ErrorDetail::None;
    // Only advisories (no MUST-strength report): nothing to claim.
    expected.warnings = vec!["TR-SIG-013".into()];
    assert_eq!(reports_not_claimed(&c, &Profile::default(), &expected), None);
}

#[test]
fn reports_say_what_a_decision_settled_and_link_it_in_html() {
    let mut fail = case("sig::x::fail", 0, FailVerdict, Valid, false);
    fail.explanation.basis = trace_vector_format::basis::Basis {
        kind: trace_vector_format::basis::BasisKind::Decision,
        decisions: vec!["D-09".into()],
    };
    let mut known = case("sig::x::known", 0, Xfail, Valid, false);
    known.explanation.basis = trace_vector_format::basis::Basis {
        kind: trace_vector_format::basis::BasisKind::Profile,
        decisions: vec!["IMPL-03".into()],
    };
    let spec_only = case("sig::x::spec", 0, FailVerdict, Valid, false);
    let r = run_of(vec![fail, known, spec_only]);
    let md = crate::report::markdown(&r);
    let d09 = &trace_vector_format::decisions::all()["D-09"];
    assert!(
        md.contains("`sig::x::known` xfail (implementation-defined profile IMPL-03)"),
        "{md}"
    );
    assert!(
        md.contains("`sig::x::fail` **fail_verdict** (suite decision D-09)"),
        "{md}"
    );
    assert!(
        md.contains(&format!("- **D-09** {}: {}", d09.title, d09.choice)),
        "{md}"
    );
    assert!(md.contains("- **IMPL-03** "), "{md}");
    let html = crate::report_html::html(&r, "0.0.0");
    assert!(
        html.contains("suite decision <a href=\"#decision-D-09\">D-09</a>"),
        "{html}"
    );
    assert!(html.contains("<dt id=\"decision-D-09\">D-09: "), "{html}");
    // Every case is on the page: each decision link lands on its entry.
    for (at, _) in html.match_indices("href=\"#decision-") {
        let id = &html[at + 16..at + 16 + html[at + 16..].find('"').unwrap()];
        assert!(
            html.contains(&format!("<dt id=\"decision-{id}\">")),
            "no entry for {id}"
        );
    }
    assert!(html.contains("<dt id=\"decision-IMPL-03\">IMPL-03: "), "{html}");
    let none = crate::report::markdown(&run_of(vec![case("ok", 0, Pass, Valid, false)]));
    assert!(!none.contains("Decisions these cases rest on"));
}

#[test]
fn a_result_is_kept_whole_up_to_its_bound_and_as_size_and_excerpt_above_it() {
    let small = serde_json::json!({"verdict": "accept", "errors": []});
    assert_eq!(kept_in_report(&small), small);
    // Exactly at the bound: kept whole.
    let at_bound = Value::String("x".repeat(RESULT_KEPT_BYTES - 2));
    assert_eq!(serde_json::to_string(&at_bound).unwrap().len(), RESULT_KEPT_BYTES);
    assert_eq!(kept_in_report(&at_bound), at_bound);
    // One byte over, with a multi-byte character across the excerpt's end.
    let over = Value::String(format!("{}é{}", "x".repeat(4094), "y".repeat(RESULT_KEPT_BYTES)));
    let kept = kept_in_report(&over);
    let bytes = serde_json::to_string(&over).unwrap().len();
    assert_eq!(kept["bytes"], bytes);
    let excerpt = kept["excerpt"].as_str().unwrap();
    assert!(excerpt.len() <= 4096 && excerpt.len() >= 4094, "{}", excerpt.len());
    assert!(kept["not_kept"].as_str().unwrap().contains(&bytes.to_string()));
    // Small compact, huge indented: deep nesting around many elements is not kept whole.
    let mut deep = Value::Array(vec![Value::from(0); 2000]);
    for _ in 0..100 {
        deep = Value::Array(vec![deep]);
    }
    assert!(serde_json::to_string(&deep).unwrap().len() < RESULT_KEPT_BYTES);
    let kept = kept_in_report(&deep);
    assert!(
        kept["not_kept"].as_str().unwrap().contains("more"),
        "{}",
        kept["not_kept"]
    );
}

/// Processes whose command line is `sleep <marker>`.
fn sleepers(marker: &str) -> Vec<u32> {
    let want = format!("sleep\0{marker}\0");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == want.as_bytes()))
        .collect()
}

#[test]
fn a_child_that_left_the_process_group_ends_with_its_adapter_by_its_token() {
    // In a library (no subreaper), only the instance token can find the detached child.
    let marker = "987653";
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fauxplementations/faux.py");
    let argv = vec![
        "python3".into(),
        script.display().to_string(),
        "orphan".into(),
        marker.into(),
    ];
    let mut a = Adapter::start(&argv, std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).expect("python3 starts");
    let req = serde_json::json!({"trace_adapter": 1, "id": "v-1", "op": "verify", "input": {}});
    let started = Instant::now();
    assert!(matches!(
        a.exchange(&req, Duration::from_secs(20)),
        Exchange::Crash { .. }
    ));
    assert!(started.elapsed() < Duration::from_secs(10), "seen when it exited");
    // The detached child is alive until the adapter is ended.
    let deadline = Instant::now() + Duration::from_secs(5);
    while sleepers(marker).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(sleepers(marker).len(), 1, "the orphan mode starts one child");
    a.kill();
    // Killed; init reaps it (this test process is no subreaper), which takes a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !sleepers(marker).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(sleepers(marker), Vec::<u32>::new(), "the token found and ended it");
}

#[test]
fn every_vector_is_in_exactly_one_category() {
    use crate::report::Categories;
    let cases: Vec<CaseResult> = Outcome::ALL
        .iter()
        .enumerate()
        .map(|(i, o)| case(&format!("c{i}"), 0, *o, Valid, false))
        .chain([
            case("flaky", 0, Timeout, Valid, true),
            case("flaky-pass", 0, Pass, Valid, true),
        ])
        .collect();
    let c = Categories::of(&cases);
    // pass x2; not tested: not_claimed, skipped, not_run; known: xfail and the flaky
    // timeout; failed: every other outcome (xpass and unsupported_claimed included).
    assert_eq!(
        c,
        Categories {
            passed: 2,
            failed: 10,
            known: 2,
            not_tested: 3
        }
    );
    assert_eq!(c.passed + c.failed + c.known + c.not_tested, cases.len());
    assert_eq!(c.failed, run_of(cases).unexpected().count());
    assert_eq!(c.sentence(), "2 passed, 10 failed, 2 known failures, 3 not tested");
    let one = Categories { known: 1, ..c };
    assert!(one.sentence().contains("1 known failure,"));
}

#[test]
fn the_badge_is_green_only_when_nothing_failed_or_is_known_to_fail_and_names_the_rest() {
    let clean = run_of(vec![case("a", 0, Pass, Valid, false)]);
    let b = crate::report::badge(&clean);
    assert_eq!(
        (b["message"].as_str(), b["color"].as_str()),
        (Some("level 0 (embedded / )"), Some("green"))
    );
    // The scope is what was tested: a claimed form or algorithm with no vector run is not in it.
    let mut claimed = run_of(vec![
        case("a", 0, Pass, Valid, false),
        case("b", 0, NotClaimed, Valid, false),
    ]);
    claimed.cases[0].alg = Some("EdDSA".into());
    claimed.cases[1].format = "cose".into();
    claimed.cases[1].alg = Some("ES384".into());
    claimed.capabilities.formats = vec!["embedded".into(), "jws".into(), "cose".into()];
    claimed.capabilities.algs = vec!["EdDSA".into(), "ES384".into()];
    let b = crate::report::badge(&claimed);
    assert_eq!(b["message"], "level 0 (embedded / EdDSA), 1 not tested");
    let known = run_of(vec![
        case("a", 0, Pass, Valid, false),
        case("b", 0, Xfail, Invalid, false),
        case("c", 0, NotClaimed, Invalid, false),
    ]);
    let b = crate::report::badge(&known);
    assert_eq!(b["color"], "yellow");
    assert_eq!(b["message"], "level 0 (embedded / ), 1 known failing, 1 not tested");
    let failed = run_of(vec![
        case("a", 0, Pass, Valid, false),
        case("b", 1, FailVerdict, Invalid, false),
    ]);
    let b = crate::report::badge(&failed);
    assert_eq!(
        (b["message"].as_str(), b["color"].as_str()),
        (Some("level 0 (embedded / ), 1 failed"), Some("orange"))
    );
}

#[test]
fn an_acceptable_vector_failed_for_an_undeclared_flag_names_the_flag_to_declare() {
    let mut expected = Expected::only(Expect::Acceptable);
    expected.flags = vec!["Declared".into(), "Missing".into()];
    let mut c = caps();
    c.accepts_flags = vec!["Declared".into()];
    let hint = undeclared_flags(&expected, &c).expect("a flag is missing");
    assert!(
        hint.contains("did not declare Missing in capabilities.accepts_flags"),
        "{hint}"
    );
    assert!(!hint.contains("Declared"), "{hint}");
    c.accepts_flags.push("Missing".into());
    assert_eq!(undeclared_flags(&expected, &c), None, "every flag declared");
    let mut valid = expected.clone();
    valid.result = Valid;
    assert_eq!(undeclared_flags(&valid, &caps()), None, "only acceptable vectors");

    // Through a run: the hint comes with a failure, never with a pass.
    let either = |id: &str| {
        work(|_, t| {
            t.id = id.into();
            t.expected = Expected::only(Expect::Acceptable);
            t.expected.flags = vec!["SomeChoice".into()];
        })
    };
    let accepted = run(vec![either("a")], &faux_options("accept-all", "", 1, 0));
    assert_eq!(accepted.cases[0].outcome, FailVerdictUnexpectedAccept);
    assert!(
        accepted.cases[0].detail.contains("did not declare SomeChoice"),
        "{}",
        accepted.cases[0].detail
    );
    let rejected = run(
        vec![either("r"), named("v", Valid, |_| {})],
        &faux_options("reject-all", "", 1, 0),
    );
    assert_eq!(rejected.cases[0].outcome, Pass);
    assert!(
        !rejected.cases[0].detail.contains("accepts_flags"),
        "{}",
        rejected.cases[0].detail
    );
    assert_eq!(rejected.cases[1].outcome, FailVerdict);
    assert!(
        !rejected.cases[1].detail.contains("accepts_flags"),
        "{}",
        rejected.cases[1].detail
    );
}

#[test]
fn an_answer_that_breaks_its_schema_is_a_violation_unless_it_accepts_what_must_not_be() {
    let r = run(
        vec![named("v", Valid, |_| {}), named("i", Invalid, |_| {})],
        &faux_options("extra-member", "", 1, 0),
    );
    assert_eq!(r.cases[0].outcome, ProtocolViolation, "{}", r.cases[0].detail);
    assert!(r.cases[0].detail.contains("debug_trace"), "{}", r.cases[0].detail);
    assert_eq!(r.cases[1].outcome, FailVerdictUnexpectedAccept, "{}", r.cases[1].detail);
    assert!(
        r.cases[1]
            .detail
            .starts_with("expected invalid, got accept; and the answer breaks the verify response schema"),
        "{}",
        r.cases[1].detail
    );
    assert_eq!((r.restarts, r.complete), (0, true), "the stream stayed in step");
}

#[test]
fn a_started_run_names_its_implementation_from_the_hello_it_got() {
    // Two jobs, each with its own process and hello.
    let r = run(
        (0..4).map(|i| named(&format!("v{i}"), Valid, |_| {})).collect(),
        &faux_options("accept-all", "", 2, 0),
    );
    assert_eq!(
        (r.implementation.name.as_str(), r.startup_error.is_none()),
        ("faux-accept-all", true)
    );
}
