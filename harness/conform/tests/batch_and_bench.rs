//! Bulk verification (globs, JSON Lines) and `trace-conform bench`: the measurement runs
//! end to end through real adapter processes, and an input an implementation answers
//! wrongly is never timed.

mod common;

use common::trace_conform as tc;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trace-conform");
const IAT: i64 = 1_785_000_000;

fn claims(i: usize) -> String {
    let zeros = "0".repeat(64);
    let digest = format!("sha256:{}", "ab".repeat(32));
    format!(
        r#"{{"eat_profile":"tag:agentrust-io.com,2026:trace-v0.2","iat":{IAT},
"subject":"spiffe://batch.example/agent/{i}","model":{{"provider":"example","model_id":"m","version":"1"}},
"runtime":{{"platform":"software-only","measurement":"sha256:{zeros}"}},
"policy":{{"bundle_hash":"{digest}","enforcement_mode":"enforce"}},"data_class":"internal",
"build_provenance":{{"slsa_level":1,"digest":"{digest}"}},
"appraisal":{{"status":"none","verifier":"https://verifier.batch.example/"}}}}"#
    )
}

/// `count` signed records in `dir/records/rec-N.json`, and `dir/records.jsonl` with the same
/// records one per line plus one whose signed content was changed (line count + 1).
fn corpus(dir: &Path, count: usize) {
    let key = tc(&["keygen", "--alg", "EdDSA", "--name", "batch"], dir);
    std::fs::write(dir.join("key.json"), &key.stdout).unwrap();
    std::fs::create_dir_all(dir.join("records/sub")).unwrap();
    let mut lines = Vec::new();
    for i in 0..count {
        std::fs::write(dir.join("claims.json"), claims(i)).unwrap();
        let signed = tc(&["sign", "--key", "key.json", "claims.json"], dir);
        assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
        let sub = if i % 2 == 0 { "records" } else { "records/sub" };
        std::fs::write(dir.join(format!("{sub}/rec-{i}.json")), &signed.stdout).unwrap();
        let v: Value = serde_json::from_slice(&signed.stdout).unwrap();
        lines.push(v.to_string());
    }
    let mut tampered: Value = serde_json::from_str(&lines[0]).unwrap();
    tampered["data_class"] = "public".into();
    lines.push(tampered.to_string());
    std::fs::write(dir.join("records.jsonl"), lines.join("\n") + "\n").unwrap();
}

fn results(out: &Output) -> Vec<(String, String)> {
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json output");
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["input"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const NOW: &str = "1785000100";

#[test]
fn verify_walks_globs_and_json_lines_and_names_each_line() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 4);
    let common = ["verify", "--allow-embedded-key", "--now", NOW, "--output", "json"];
    let shallow = tc(&[&common[..], &["records/*.json"]].concat(), dir.path());
    assert_eq!(
        shallow.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&shallow.stderr)
    );
    let names: Vec<String> = results(&shallow).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["records/rec-0.json", "records/rec-2.json"]);
    let deep = tc(&[&common[..], &["records/**/*.json"]].concat(), dir.path());
    assert_eq!(results(&deep).len(), 4);

    let stream = tc(&[&common[..], &["records.jsonl"]].concat(), dir.path());
    assert_eq!(stream.status.code(), Some(1), "the tampered line is not accepted");
    let got = results(&stream);
    assert_eq!(got.len(), 5);
    assert!(got[..4].iter().all(|(_, v)| v == "accept"), "{got:?}");
    assert_eq!(got[4], ("records.jsonl:5".to_string(), "reject".to_string()));

    // --jsonl reads standard input as a stream too.
    let mut child = Command::new(BIN)
        .args([&common[..], &["--jsonl", "-"]].concat())
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let bytes = std::fs::read(dir.path().join("records.jsonl")).unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let piped = child.wait_with_output().unwrap();
    assert_eq!(results(&piped).len(), 5);
    assert_eq!(results(&piped)[4].0, "-:5");

    let nothing = tc(&["verify", "records/*.cbor"], dir.path());
    assert_eq!(nothing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("matches no file"));
}

/// Records stream through verify in chunks read, verified and written by overlapping
/// stages: across several chunks every record keeps its line and its own verdict, in input
/// order, in both outputs, and the counts add up.
#[test]
fn verify_keeps_input_order_and_counts_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 1);
    let text = std::fs::read_to_string(dir.path().join("records.jsonl")).unwrap();
    let (good, bad) = text.split_once('\n').unwrap();
    let bad = bad.trim_end();
    let n = 2500;
    let tampered = [0, 1023, 1024, 2047, 2048, n - 1];
    let lines: Vec<&str> = (0..n).map(|i| if tampered.contains(&i) { bad } else { good }).collect();
    std::fs::write(dir.path().join("many.jsonl"), lines.join("\n") + "\n").unwrap();
    let common = ["verify", "--allow-embedded-key", "--now", NOW, "--jsonl", "many.jsonl"];
    let json = tc(&[&common[..], &["--output", "json"]].concat(), dir.path());
    assert_eq!(json.status.code(), Some(1));
    let got = results(&json);
    assert_eq!(got.len(), n);
    for (i, (name, verdict)) in got.iter().enumerate() {
        assert_eq!(name, &format!("many.jsonl:{}", i + 1));
        let want = if tampered.contains(&i) { "reject" } else { "accept" };
        assert_eq!(verdict, want, "line {}", i + 1);
    }
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        (doc["inputs"].as_u64(), doc["accepted"].as_u64()),
        (Some(n as u64), Some((n - 6) as u64))
    );
    let plain = tc(&common, dir.path());
    let verdicts: Vec<String> = String::from_utf8_lossy(&plain.stdout)
        .lines()
        .filter(|l| l.starts_with("many.jsonl:"))
        .map(String::from)
        .collect();
    assert_eq!(verdicts.len(), n);
    for (i, line) in verdicts.iter().enumerate() {
        let want = if tampered.contains(&i) { "REJECT" } else { "ACCEPT" };
        assert!(line.starts_with(&format!("many.jsonl:{}: {want} ", i + 1)), "{line}");
    }
}

/// An adapter that accepts every record: right on the valid inputs, wrong on the rest. Given
/// `invert` it rejects every valid record and accepts the rest: it answers nothing as expected.
const ACCEPT_ALL: &str = r#"
import json, sys
invert = sys.argv[1:] == ["invert"]
for line in sys.stdin:
    req = json.loads(line)
    op = req["op"]
    if op == "hello":
        result = {"protocol": 1, "framing": "jsonl",
                  "implementation": {"name": "accept-all", "version": "1.0.0", "language": "python"},
                  "capabilities": {"ops": ["verify", "ping", "shutdown"], "formats": ["embedded", "jws", "cose"],
                                   "algs": ["EdDSA", "ES256", "ES384"], "levels": [0, 1, 2],
                                   "platforms": ["software-only", "aws-nitro", "amd-sev-snp", "intel-tdx"],
                                   "profiles": ["v0.2", "v0.1"], "error_detail": "none", "accepts_flags": []}}
    elif op == "verify" and invert:
        import base64
        raw = base64.urlsafe_b64decode(req["record_b64u"] + "==")
        tampered = b"\"public\"" in raw
        result = ({"verdict": "accept", "errors": []} if tampered else
                  {"verdict": "reject", "errors": [{"code": "TR-SIG-005", "native": "inverted"}]})
    elif op == "verify":
        result = {"verdict": "accept", "errors": []}
    else:
        result = {}
    print(json.dumps({"trace_adapter": 1, "id": req["id"], "status": "ok", "result": result}), flush=True)
    if op == "shutdown":
        break
"#;

fn bench_json(args: &[&str], cwd: &Path) -> Value {
    let out = tc(
        &[
            &["bench", "--seconds", "0.2", "--cold-starts", "1", "--output", "json"][..],
            args,
        ]
        .concat(),
        cwd,
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("bench prints JSON")
}

#[test]
fn bench_times_only_what_every_implementation_answered_correctly() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 3);
    std::fs::write(dir.path().join("accept_all.py"), ACCEPT_ALL).unwrap();
    let doc = bench_json(
        &[
            "--corpus",
            "records.jsonl",
            "--now",
            NOW,
            "--adapter",
            "python3 accept_all.py",
        ],
        dir.path(),
    );
    assert_eq!(doc["workload"]["kind"], "corpus");
    assert_eq!(doc["workload"]["inputs"], 4);
    // The tampered record is rejected by the reference and accepted by accept-all: it is
    // never timed, for either implementation.
    assert_eq!(doc["workload"]["timed"], 3);
    let impls = doc["implementations"].as_array().unwrap();
    assert_eq!(
        (
            impls[0]["role"].as_str(),
            impls[0]["correct"].as_u64(),
            impls[0]["incorrect"].as_u64()
        ),
        (Some("reference"), Some(4), Some(0))
    );
    assert_eq!(
        (
            impls[1]["role"].as_str(),
            impls[1]["correct"].as_u64(),
            impls[1]["incorrect"].as_u64()
        ),
        (Some("adapter"), Some(3), Some(1))
    );
    assert!(
        impls[0]["in_adapter_ns"].as_f64().unwrap() > 0.0,
        "the reference claims bench"
    );
    assert!(impls[1]["in_adapter_ns"].is_null(), "accept-all does not claim bench");
    for i in impls {
        assert!(i["throughput"]["requests"].as_u64().unwrap() >= 3);
        assert!(i["throughput"]["per_second"].as_f64().unwrap() > 0.0);
        let l = &i["throughput"]["latency"];
        let [p50, p90, p99] = ["p50_us", "p90_us", "p99_us"].map(|p| l[p].as_f64().expect(p));
        assert!(0.0 < p50 && p50 <= p90 && p90 <= p99, "{l}");
        assert_eq!(i["cold_start"]["samples"], 1);
        assert_eq!(i["throughput"]["in_flight"], 1);
        assert!(i["peak_memory_kb"].as_u64().unwrap() > 100, "{}", i["peak_memory_kb"]);
    }
    // The reference claims pipeline and is timed with requests in flight too; accept-all is not.
    let piped = &impls[0]["throughput_pipelined"];
    assert_eq!(piped["in_flight"], 16);
    assert!(piped["requests"].as_u64().unwrap() >= 3 && piped["per_second"].as_f64().unwrap() > 0.0);
    assert!(impls[1]["throughput_pipelined"].is_null());
    assert!(doc["ratios"]["throughput_reference_over_adapter"].as_f64().unwrap() > 0.0);
    let eddsa = &doc["in_process"][0];
    assert_eq!(
        (eddsa["alg"].as_str(), eddsa["records"].as_u64()),
        (Some("EdDSA"), Some(3))
    );
    assert!(eddsa["overhead_ratio"].as_f64().unwrap() > 0.0);
    // The ceiling: the bare check on every core, beside full verification on every core.
    let ceiling = eddsa["ceiling_per_second"].as_f64().unwrap();
    assert!(ceiling > 0.0 && eddsa["ceiling_over_batch"].as_f64().unwrap() > 0.0);
    assert_eq!(
        doc["ceiling"]["per_second"].as_f64(),
        Some(ceiling),
        "one algorithm: its ceiling"
    );
    assert!(
        doc.get("suite").is_none(),
        "the suite figure belongs to the vector workload"
    );
}

#[test]
fn bench_measures_several_adapters_and_leaves_untimed_one_that_answered_nothing_as_expected() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 3);
    std::fs::write(dir.path().join("accept_all.py"), ACCEPT_ALL).unwrap();
    let common = [
        "--corpus",
        "records.jsonl",
        "--now",
        NOW,
        "--adapter",
        "python3 accept_all.py",
        "--adapter",
        "python3 accept_all.py invert",
    ];
    let doc = bench_json(&common, dir.path());
    let impls = doc["implementations"].as_array().unwrap();
    let rows: Vec<(u64, u64, bool)> = impls
        .iter()
        .map(|i| {
            (
                i["correct"].as_u64().unwrap(),
                i["incorrect"].as_u64().unwrap(),
                i["throughput"].is_null(),
            )
        })
        .collect();
    // The inverted adapter is wrong on all four: reported with its cold start and memory,
    // but not timed, and the others are timed on what they share (the three valid records).
    assert_eq!(rows, [(4, 0, false), (3, 1, false), (0, 4, true)]);
    assert_eq!(doc["workload"]["timed"], 3);
    assert!(impls[2]["cold_start"]["p50_us"].as_f64().unwrap() > 0.0);
    assert!(impls[2]["in_adapter_ns"].is_null() && impls[2]["throughput_pipelined"].is_null());
    assert!(
        doc.get("ratios").is_none(),
        "the two-implementation ratios need exactly two"
    );
    assert_eq!(doc["schema"], "trace-conform/bench.v1");
    // The dashboard draws its throughput table from this document.
    std::fs::write(dir.path().join("bench.json"), serde_json::to_vec(&doc).unwrap()).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let reference = root.join("reports/trace-record-0.1.0");
    let site = tc(
        &[
            "dashboard",
            reference.to_str().unwrap(),
            "--bench",
            "bench.json",
            "--out",
            "site",
        ],
        dir.path(),
    );
    assert_eq!(site.status.code(), Some(0), "{}", String::from_utf8_lossy(&site.stderr));
    let index = std::fs::read_to_string(dir.path().join("site/index.html")).unwrap();
    assert!(index.contains("<table id=\"throughput\">"), "{index:.2000}");
    assert!(index.contains("<th>accept-all 1.0.0</th><td>0 of 4</td><td colspan=\"3\">not timed"));
    // Profiles pair with adapters one to one.
    let mismatched = tc(
        &[&["bench"][..], &common, &["--profile", "p.toml", "--seconds", "0.1"]].concat(),
        dir.path(),
    );
    assert_eq!(mismatched.status.code(), Some(2));
    let said = String::from_utf8_lossy(&mismatched.stderr);
    assert!(said.contains("1 --profile for 2 --adapter"), "{said}");
}

#[test]
fn bench_over_the_vector_set_compares_the_protocol_with_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let doc = bench_json(&[], dir.path());
    assert_eq!(doc["workload"]["kind"], "vectors");
    let inputs = doc["workload"]["inputs"].as_u64().unwrap();
    assert!(inputs > 400);
    assert_eq!(
        doc["workload"]["timed"].as_u64(),
        Some(inputs),
        "the reference answers every vector as expected"
    );
    let suite = &doc["suite"];
    for figure in [
        "in_process_ms",
        "one_at_a_time_ms",
        "pipelined_ms",
        "ratio",
        "ratio_one_at_a_time",
    ] {
        assert!(suite[figure].as_f64().unwrap() > 0.0, "{figure}: {suite}");
    }
    assert_eq!(suite["pipeline"], 16);
    // Three algorithms: the mix's ceiling lies between the slowest's and the fastest's.
    let ceilings: Vec<f64> = doc["in_process"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["ceiling_per_second"].as_f64().unwrap())
        .collect();
    let mix = doc["ceiling"]["per_second"].as_f64().unwrap();
    assert!(
        ceilings.iter().any(|c| *c < mix) && ceilings.iter().any(|c| *c > mix),
        "{mix} {ceilings:?}"
    );
    let algs: Vec<&str> = doc["in_process"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["alg"].as_str().unwrap())
        .collect();
    assert_eq!(algs, ["ES256", "ES384", "EdDSA"]);
}

#[test]
fn bench_reports_an_adapter_that_cannot_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = tc(
        &["bench", "--seconds", "0.1", "--adapter", "/nonexistent/adapter"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not start"));
}
