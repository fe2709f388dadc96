//! `trace-conform producer`: the real agentrust-trace-adapters driven through its driver
//! (pinned in harness/python-requirements.txt), records handed over as files, and logs and
//! commands that break (garbage lines, a crash, a hang), each ending in a report.

mod common;

use serde_json::{Value, json};
use std::path::Path;

/// A report's summary.json, checked against the published summary schema first: a
/// producer's report is read by the same tools as a verifier's.
fn summary(dir: &Path) -> Value {
    let s: Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).expect("summary.json")).unwrap();
    let schema: Value =
        serde_json::from_slice(&std::fs::read(common::repo().join("reports/schema/summary.v1.json")).unwrap()).unwrap();
    let v = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let errors: Vec<String> = v
        .iter_errors(&s)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    s
}

fn outcomes(s: &Value) -> Vec<(String, String)> {
    s["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn agentrust_trace_adapters_is_checked_as_a_producer() {
    let Some(py) = common::python("agentrust_trace_adapters,agentrust_trace") else {
        return;
    };
    let root = common::repo();
    let driver = format!(
        "{} {}",
        py.display(),
        root.join("harness/adapters/agentrust-trace-adapters/driver.py")
            .display()
    );
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("plain");
    let plain = common::trace_conform(
        &["producer", "--command", &driver, "--out", report.to_str().unwrap()],
        out.path(),
    );
    // Without its profile the one difference fails the run, and names the rule.
    assert_eq!(
        plain.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    let s = summary(&report);
    assert_eq!(
        (
            s["implementation"]["name"].as_str(),
            s["implementation"]["version"].as_str()
        ),
        (Some("agentrust-trace-adapters"), Some("0.2.0"))
    );
    let failed: Vec<_> = outcomes(&s).into_iter().filter(|(_, o)| o != "pass").collect();
    assert_eq!(
        failed,
        [(
            "producer::generic::readme-producer-name".to_string(),
            "fail_verdict".to_string()
        )]
    );
    let results = s["results"].as_array().unwrap();
    assert!(results.len() >= 20, "{}", results.len());
    let refusals = results.iter().filter(|r| r["format"] == "none").count();
    assert!(
        refusals >= 10 && results.len() - refusals >= 5,
        "both records and refusals are checked"
    );
    // With it, the difference is known and level 0 is reached.
    let profiled = out.path().join("profiled");
    let profile = root.join("harness/adapters/agentrust-trace-adapters/profile.toml");
    let ok = common::trace_conform(
        &[
            "producer",
            "--command",
            &driver,
            "--profile",
            profile.to_str().unwrap(),
            "--out",
            profiled.to_str().unwrap(),
        ],
        out.path(),
    );
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(summary(&profiled)["level_reached"], 0);
    let md = std::fs::read_to_string(profiled.join("summary.md")).unwrap();
    assert!(md.contains("A producer's cases"), "{md:.600}");
}

/// A key, a record signed with it, and the same record altered after signing.
fn records(dir: &Path) -> (String, String) {
    let key = common::trace_conform(&["keygen", "--alg", "EdDSA", "--name", "producer"], dir);
    std::fs::write(dir.join("key.json"), &key.stdout).unwrap();
    let mut public: Value = serde_json::from_slice(&key.stdout).unwrap();
    public.as_object_mut().unwrap().remove("d");
    std::fs::write(dir.join("pub.json"), public.to_string()).unwrap();
    let claims = r#"{"eat_profile":"tag:agentrust-io.com,2026:trace-v0.2","iat":1785000000,"subject":"spiffe://example.org/agent/a",
"model":{"provider":"example","model_id":"m","version":"1"},"runtime":{"platform":"software-only","measurement":"sha256:0000000000000000000000000000000000000000000000000000000000000000"},
"policy":{"bundle_hash":"sha256:1111111111111111111111111111111111111111111111111111111111111111","enforcement_mode":"enforce"},
"data_class":"internal","build_provenance":{"slsa_level":1,"digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222"},
"appraisal":{"status":"none","verifier":"https://verifier.example.org/"}}"#;
    std::fs::write(dir.join("claims.json"), claims).unwrap();
    let signed = common::trace_conform(&["sign", "--key", "key.json", "claims.json"], dir);
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    let good = String::from_utf8(signed.stdout).unwrap();
    let bad = good.replace("\"internal\"", "\"public\"");
    assert_ne!(good, bad);
    (good, bad)
}

#[test]
fn records_handed_over_must_verify_with_the_producers_key() {
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = records(dir.path());
    std::fs::create_dir(dir.path().join("made")).unwrap();
    std::fs::write(dir.path().join("made/a.json"), &good).unwrap();
    std::fs::write(dir.path().join("made/b.json"), &bad).unwrap();
    let out = common::trace_conform(
        &[
            "producer",
            "made",
            "--trusted-key",
            "pub.json",
            "--now",
            "1785000060",
            "--name",
            "mine",
            "--producer-version",
            "1.2",
            "--out",
            "rep",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let s = summary(&dir.path().join("rep"));
    assert_eq!(s["implementation"]["name"], "mine");
    assert_eq!(
        outcomes(&s),
        [
            ("producer::records::record-1".into(), "pass".into()),
            ("producer::records::record-2".into(), "fail_verdict".into())
        ]
    );
    assert!(dir.path().join("rep/junit.xml").is_file() && dir.path().join("rep/index.html").is_file());
}

#[test]
fn a_broken_log_gives_findings_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let (good, _) = records(dir.path());
    let b64 = |s: &str| trace_record::b64::encode(s.as_bytes());
    let header = json!({"schema": "trace-conform/production.v1", "producer": {"name": "p", "version": "1"}});
    let case = json!({"case": "p::log::ok", "produced": {"record_b64u": b64(&good)}, "expect": {"record": {"/data_class": "internal"}},
                      "verify": {"verification_time": 1785000060}});
    let deep = "[".repeat(100_000);
    let mut log = Vec::new();
    for line in [
        header.to_string(),
        case.to_string(),
        case.to_string(),
        "{not json".to_string(),
        r#"{"case":"p::dup","case":"p::dup2"}"#.to_string(),
        deep,
        "{\"case\":\"p::huge\",\"n\":1e999999}".to_string(),
        r#"{"case":"producer::log::line-2","refused":{"error":"E"},"expect":{"refusal":"E"}}"#.to_string(),
        r#"{"case":"p::log::taken","refused":{"error":7},"expect":{"refusal":"E"}}"#.to_string(),
        r#"{"case":"p::log::taken","refused":{"error":"E"},"expect":{"refusal":"E"}}"#.to_string(),
    ] {
        log.extend_from_slice(line.as_bytes());
        log.push(b'\n');
    }
    log.extend_from_slice(b"\xff\xfe not utf-8\n");
    std::fs::write(dir.path().join("log.jsonl"), &log).unwrap();
    let out = common::trace_conform(
        &["producer", "--log", "log.jsonl", "--allow-embedded-key", "--out", "rep"],
        dir.path(),
    );
    // --allow-embedded-key is not an option of this command: usage error, nothing written.
    assert_eq!(out.status.code(), Some(2));
    let out = common::trace_conform(
        &[
            "producer",
            "--log",
            "log.jsonl",
            "--trusted-key",
            "pub.json",
            "--out",
            "rep",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let got = outcomes(&summary(&dir.path().join("rep")));
    assert_eq!(got[0], ("p::log::ok".to_string(), "pass".to_string()));
    assert_eq!(got.len(), 10, "{got:?}");
    assert!(got[1..].iter().all(|(_, o)| o == "harness_error"), "{got:?}");
    let details: Vec<String> = summary(&dir.path().join("rep"))["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["detail"].as_str().unwrap().to_string())
        .collect();
    assert!(details[1].contains("appears twice"), "{details:?}");
    // The command's own ids are not the log's to use; an id read from a bad line is taken.
    assert!(details[6].contains("the command's own"), "{details:?}");
    assert_eq!(got[7].0, "p::log::taken");
    assert!(details[8].contains("appears twice"), "{details:?}");
    assert!(details[9].contains("not UTF-8"), "{details:?}");
    let ids: std::collections::BTreeSet<&String> = got.iter().map(|(id, _)| id).collect();
    assert_eq!(ids.len(), got.len(), "every result has its own id");
    // A header and no case: nothing was checked.
    std::fs::write(dir.path().join("empty.jsonl"), format!("{header}\n")).unwrap();
    let out = common::trace_conform(&["producer", "--log", "empty.jsonl", "--out", "rep3"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was checked"));
    // A log without its header is refused whole.
    std::fs::write(dir.path().join("headless.jsonl"), format!("{case}\n")).unwrap();
    let out = common::trace_conform(&["producer", "--log", "headless.jsonl", "--out", "rep2"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("header"));
}

#[test]
fn a_driver_that_crashes_or_hangs_ends_with_an_incomplete_report() {
    let dir = tempfile::tempdir().unwrap();
    let header = r#"{"schema":"trace-conform/production.v1","producer":{"name":"p","version":"1"}}"#;
    let refusal = r#"{"case":"p::log::refused","refused":{"error":"E","message":"m"},"expect":{"refusal":"E"}}"#;
    std::fs::write(
        dir.path().join("crash.sh"),
        format!("echo '{header}'\necho '{refusal}'\necho dying >&2\nexit 3\n"),
    )
    .unwrap();
    let out = common::trace_conform(&["producer", "--command", "sh crash.sh", "--out", "rep"], dir.path());
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dying"));
    let s = summary(&dir.path().join("rep"));
    assert_eq!(s["complete"], false);
    assert_eq!(outcomes(&s), [("p::log::refused".to_string(), "pass".to_string())]);
    std::fs::write(dir.path().join("hang.sh"), format!("echo '{header}'\nsleep 60\n")).unwrap();
    let started = std::time::Instant::now();
    let out = common::trace_conform(
        &[
            "producer",
            "--command",
            "sh hang.sh",
            "--timeout-s",
            "1",
            "--out",
            "rep2",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("killed"));
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    // A driver that dies before its header, cannot start, or ends well having written no log
    // still leaves a report: empty, incomplete, under the name given.
    std::fs::write(dir.path().join("early.sh"), "echo 'no header' >&2\nexit 1\n").unwrap();
    for (command, report) in [
        ("sh early.sh", "rep3"),
        ("/nonexistent/driver", "rep4"),
        ("true", "rep5"),
    ] {
        let out = common::trace_conform(
            &["producer", "--command", command, "--name", "mine", "--out", report],
            dir.path(),
        );
        assert_eq!(
            out.status.code(),
            Some(3),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let s = summary(&dir.path().join(report));
        assert_eq!(
            (s["complete"].as_bool(), s["implementation"]["name"].as_str()),
            (Some(false), Some("mine"))
        );
        assert!(outcomes(&s).is_empty());
    }
}

#[test]
fn the_cmcp_gateway_is_checked_as_a_producer_and_its_evidence_cannot_be_altered() {
    let Some(py) = common::python("cmcp_runtime, cmcp_verify") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let script = common::repo().join("harness/adapters/cmcp/gateway_production.py");
    let made = std::process::Command::new(&py)
        .arg(&script)
        .output()
        .expect("the driver runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    std::fs::write(dir.path().join("log.jsonl"), &made.stdout).unwrap();
    let out = common::trace_conform(&["producer", "--log", "log.jsonl", "--out", "rep"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let s = summary(&dir.path().join("rep"));
    assert_eq!(s["implementation"]["name"], "cmcp-gateway");
    let results = s["results"].as_array().unwrap();
    let chains = results.iter().filter(|r| r["format"] == "chain").count();
    assert_eq!((results.len(), chains), (8, 4), "a claim and a chain per session");
    // The same log with the gateway's output altered, or its claim read for other figures:
    // each must fail.
    let mut lines: Vec<Value> = String::from_utf8(made.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let decode = |v: &Value| -> Value {
        serde_json::from_slice(&trace_record::b64::decode(v.as_str().unwrap()).unwrap()).unwrap()
    };
    let encode = |v: &Value| Value::String(trace_record::b64::encode(v.to_string().as_bytes()));
    let claim = lines
        .iter()
        .position(|l| l["case"] == "producer::gateway::basic-s1-claim")
        .unwrap();
    lines[claim]["expect"]["record"]["/gateway/call_summary/tool_calls_denied"] = json!(0);
    let chain = lines
        .iter()
        .position(|l| l["case"] == "producer::gateway::basic-s1-chain")
        .unwrap();
    let mut bundle = decode(&lines[chain]["produced"]["bundle_b64u"]);
    bundle["entries"].as_array_mut().unwrap().swap(1, 2);
    lines[chain]["produced"]["bundle_b64u"] = encode(&bundle);
    let text: String = lines.iter().map(|l| l.to_string() + "\n").collect();
    std::fs::write(dir.path().join("altered.jsonl"), text).unwrap();
    let out = common::trace_conform(&["producer", "--log", "altered.jsonl", "--out", "rep2"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let got = outcomes(&summary(&dir.path().join("rep2")));
    let bad: Vec<_> = got.iter().filter(|(_, o)| o != "pass").collect();
    assert_eq!(
        bad,
        [
            &(
                "producer::gateway::basic-s1-claim".to_string(),
                "fail_output".to_string()
            ),
            &(
                "producer::gateway::basic-s1-chain".to_string(),
                "fail_verdict".to_string()
            )
        ]
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("TR-AUD-003"), "{said}");
}
