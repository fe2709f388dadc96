//! The older releases of harness/releases/releases.toml (issue 23, IMPL-41): each is pinned,
//! published and shown across versions; and the adapters translate an older release's
//! entry points without deciding for it (a clock the release reads itself is pinned, an
//! input it cannot be given is refused as unsupported or not claimed).
//!
//! The adapter checks need the releases' venvs (.venvs/<package>-<version>/, made by
//! `tools/releases.py venvs`, which tools/test.sh runs). Without one they say so and pass,
//! except under CI=true, where a missing venv is a failure.

mod common;

use base64::Engine as _;
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use trace_record::sample::{self, SAMPLE_IAT};
use trace_record::{CoseTag, Form, sign};

#[derive(serde::Deserialize)]
struct Releases {
    release: Vec<Release>,
}

#[derive(serde::Deserialize)]
struct Release {
    package: String,
    version: String,
    adapter: String,
    notes: String,
}

fn releases() -> Vec<Release> {
    let text = std::fs::read_to_string(common::repo().join("harness/releases/releases.toml")).unwrap();
    toml::from_str::<Releases>(&text).unwrap().release
}

fn read_json(path: PathBuf) -> Value {
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

#[test]
fn every_older_release_is_pinned_published_and_compared_across_versions() {
    let root = common::repo();
    let comparison = std::fs::read_to_string(root.join("reports/COMPARISON.md")).unwrap();
    let list = releases();
    assert!(list.len() >= 8, "the releases issue 23 names");
    for r in &list {
        let name = format!("{}-{}", r.package, r.version);
        assert!(
            !r.notes.trim().is_empty(),
            "{name}: notes say what differs in its entry points"
        );
        // Pinned: the release itself, exactly, among exact pins only.
        let pins = std::fs::read_to_string(root.join(format!("harness/releases/{name}.txt"))).unwrap();
        let specs: Vec<&str> = pins
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .collect();
        assert!(
            specs.contains(&format!("{}=={}", r.package, r.version).as_str()),
            "{name}: {pins}"
        );
        assert!(
            specs
                .iter()
                .all(|s| s.split_once("==").is_some_and(|(_, v)| !v.is_empty())),
            "{name}: {pins}"
        );
        // Published through its implementation's adapter, labelled with whose profile it used.
        let summary = read_json(root.join(format!("reports/{name}/summary.json")));
        assert_eq!(summary["implementation"]["name"], json!(r.package), "{name}");
        assert_eq!(summary["implementation"]["version"], json!(r.version), "{name}");
        let adapter = summary["adapter"].as_array().unwrap();
        assert_eq!(adapter[0], json!(format!(".venvs/{name}/bin/python")), "{name}");
        assert_eq!(
            adapter[1],
            json!(format!("harness/adapters/{}/adapter.py", r.adapter)),
            "{name}"
        );
        let profile: toml::Value = toml::from_str(
            &std::fs::read_to_string(root.join(format!("harness/adapters/{}/profile.toml", r.adapter))).unwrap(),
        )
        .unwrap();
        let written = &profile["implementation"];
        assert_eq!(
            summary["profile_written_for"]["name"],
            json!(written["name"].as_str().unwrap()),
            "{name}"
        );
        assert_eq!(
            summary["profile_written_for"]["version"],
            json!(written["version"].as_str().unwrap()),
            "{name}"
        );
        let md = std::fs::read_to_string(root.join(format!("reports/{name}/summary.md"))).unwrap();
        assert!(
            md.contains("Known failures are those of the profile written for"),
            "{name}"
        );
        // In the comparison across versions, as a row linking its report.
        assert!(
            comparison.contains(&format!("](<{name}/summary.md>)")),
            "{name} is not in COMPARISON.md"
        );
    }
    assert!(comparison.contains("## Across versions") && comparison.contains("### Vectors whose outcome changed"));
    // The dashboard's history lists every version.
    let site = std::fs::read_to_string(root.join("reports/site/index.html")).unwrap();
    for r in &list {
        assert!(
            site.contains(&format!("<tr><th>{}</th><td>{}</td>", r.package, r.version)),
            "{}",
            r.version
        );
    }
}

/// The interpreter of a release's venv, or None (a skip, except under CI=true).
fn release_python(name: &str) -> Option<PathBuf> {
    let py = common::repo().join(format!(".venvs/{name}/bin/python"));
    if py.is_file() {
        return Some(py);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must provide the release venvs: {} is missing (tools/releases.py venvs)",
        py.display()
    );
    eprintln!("SKIP: {} is missing (tools/releases.py venvs)", py.display());
    None
}

/// Sends hello, `requests` and shutdown to an adapter and returns the answers by id.
fn exchange(py: &PathBuf, adapter: &str, requests: &[Value]) -> std::collections::BTreeMap<String, Value> {
    let mut lines = vec![json!({"trace_adapter": 1, "id": "h", "op": "hello", "protocol": {"min": 1, "max": 1}})];
    lines.extend(requests.iter().cloned());
    lines.push(json!({"trace_adapter": 1, "id": "bye", "op": "shutdown"}));
    let mut child = Command::new(py)
        .arg(common::repo().join(format!("harness/adapters/{adapter}/adapter.py")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| (v["id"].as_str().unwrap().to_string(), v))
        .collect()
}

/// A valid Level 0 record signed at SAMPLE_IAT, and its key as a public JWK.
fn signed_record() -> (String, Value) {
    let bytes = sign::sign(
        &sample::base_claims(),
        &sample::rfc8037_key(),
        None,
        Form::Embedded,
        CoseTag::Tagged,
    );
    let record: Value = serde_json::from_slice(&bytes).unwrap();
    (
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes),
        record["cnf"]["jwk"].clone(),
    )
}

fn verify_request(id: &str, record_b64u: &str, key: &Value, time: i64, nonce: Value) -> Value {
    json!({"trace_adapter": 1, "id": id, "op": "verify", "case": id, "deadline_ms": 5000,
           "record_b64u": record_b64u, "format": "embedded", "level": 0, "profile": "v0.2", "strict": false,
           "verification_time": time, "max_age": 86400, "skew": 300, "nonce": nonce, "trusted_keys": [key]})
}

#[test]
fn agentrust_trace_0_9_0_is_verified_at_the_request_time_though_it_reads_the_clock_itself() {
    let Some(py) = release_python("agentrust-trace-0.9.0") else {
        return;
    };
    let (record, key) = signed_record();
    let answers = exchange(
        &py,
        "agentrust-trace",
        &[
            // At its own time the record is fresh; a day and a second later it is stale. With
            // the wall clock (months after SAMPLE_IAT) both would be stale.
            verify_request("fresh", &record, &key, SAMPLE_IAT, Value::Null),
            verify_request("stale", &record, &key, SAMPLE_IAT + 86_401, Value::Null),
        ],
    );
    let hello = &answers["h"]["result"];
    assert_eq!(hello["implementation"]["version"], json!("0.9.0"));
    assert_eq!(
        hello["capabilities"]["inputs"],
        json!([]),
        "0.9.0 takes no revocation bundle"
    );
    assert_eq!(
        answers["fresh"]["result"]["verdict"],
        json!("accept"),
        "{}",
        answers["fresh"]
    );
    assert_eq!(
        answers["stale"]["result"]["verdict"],
        json!("reject"),
        "{}",
        answers["stale"]
    );
    assert_eq!(
        answers["stale"]["result"]["errors"][0]["class"],
        json!("freshness/stale")
    );
}

#[test]
fn trace_tests_0_5_0_cannot_be_given_a_nonce_or_a_receipt_and_says_so() {
    let Some(py) = release_python("agentrust-trace-tests-0.5.0") else {
        return;
    };
    let (record, key) = signed_record();
    let answers = exchange(
        &py,
        "trace-tests",
        &[
            verify_request("plain", &record, &key, SAMPLE_IAT, Value::Null),
            verify_request("nonce", &record, &key, SAMPLE_IAT, json!("n-1")),
            verify_request("stale", &record, &key, SAMPLE_IAT + 86_401, Value::Null),
        ],
    );
    let hello = &answers["h"]["result"];
    assert_eq!(hello["implementation"]["version"], json!("0.5.0"));
    assert_eq!(hello["capabilities"]["inputs"], json!([]), "no receipt before 0.6.0");
    // The record's bytes reach 0.5.0's file loader; at its own time it passes Level 0.
    assert_eq!(
        answers["plain"]["result"]["verdict"],
        json!("accept"),
        "{}",
        answers["plain"]
    );
    assert_eq!(answers["nonce"]["status"], json!("unsupported"), "{}", answers["nonce"]);
    assert_eq!(
        answers["stale"]["result"]["verdict"],
        json!("reject"),
        "{}",
        answers["stale"]
    );
}
