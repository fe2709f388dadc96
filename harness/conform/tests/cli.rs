//! The `trace-conform` binary end to end: exit codes, stdin and directories, hostile
//! input, and insta snapshots of `verify`'s text and JSON output.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use trace_record::sample::{self, SAMPLE_IAT};
use trace_record::{Alg, CoseTag, Form, jcs, json, sign};

const BIN: &str = env!("CARGO_BIN_EXE_trace-conform");

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        // A process that exits on a usage error may close stdin first: not a test failure.
        let _ = pipe.write_all(bytes);
    }
    drop(pipe);
    child.wait_with_output().expect("binary finishes")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally (no signal, no panic abort)")
}

fn text(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p.display().to_string()
}

fn signed(alg: Alg, form: Form) -> Vec<u8> {
    sign::sign(
        &sample::base_claims(),
        &sample::test_key(alg, "primary"),
        None,
        form,
        CoseTag::Tagged,
    )
}

const NOW: &str = "2026-07-25T17:20:00Z";

#[test]
fn verify_text_output_names_rule_class_pointer_and_section() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.json", &signed(Alg::EdDSA, Form::Embedded));
    let tampered = String::from_utf8(signed(Alg::EdDSA, Form::Embedded))
        .unwrap()
        .replace("internal", "public");
    let bad = write(dir.path(), "tampered.json", tampered.as_bytes());
    let thumb = sample::test_key(Alg::EdDSA, "primary").public_key().thumbprint();
    let o = run(&["verify", &good, &bad, "--now", NOW, "--trusted-key", &thumb], None);
    assert_eq!(code(&o), 1);
    let out = text(&o).replace(&dir.path().display().to_string(), "<dir>");
    insta::assert_snapshot!("verify_text_good_and_tampered", out);
    let o = run(&["verify", &good, "--now", NOW, "--trusted-key", &thumb], None);
    assert_eq!(code(&o), 0, "{}", text(&o));
    // Without a trust anchor a self-signed record proves nothing: unverified, exit 1.
    let o = run(&["verify", &good, "--now", NOW], None);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("UNVERIFIED"), "{}", text(&o));
}

#[test]
fn verify_json_output_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let jws = write(dir.path(), "record.jws", &signed(Alg::ES256, Form::Jws));
    let thumb = sample::test_key(Alg::EdDSA, "other").public_key().thumbprint();
    let o = run(
        &[
            "verify",
            &jws,
            "--now",
            NOW,
            "--output",
            "json",
            "--trusted-key",
            &thumb,
        ],
        None,
    );
    assert_eq!(code(&o), 1);
    let out = text(&o).replace(&dir.path().display().to_string(), "<dir>");
    let parsed: serde_json::Value = serde_json::from_str(&out).expect("JSON output parses");
    assert_eq!(parsed["results"][0]["verdict"], "reject");
    insta::assert_snapshot!("verify_json_untrusted_jws", out);
}

#[test]
fn verify_at_level_one_reports_unverified_evidence_not_a_pass() {
    let bytes = sign::sign(
        &sample::hardware_claims(),
        &sample::test_key(Alg::ES384, "primary"),
        None,
        Form::Cose,
        CoseTag::Tagged,
    );
    let o = run(&["verify", "-", "--now", NOW, "--level", "1"], Some(&bytes));
    assert_eq!(code(&o), 1);
    insta::assert_snapshot!("verify_text_cose_level1", text(&o));
}

#[test]
fn every_form_and_algorithm_round_trips_through_sign_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let claims = write(
        dir.path(),
        "claims.json",
        &jcs::canonicalize(&json::Value::Object(sample::base_claims())),
    );
    for alg in ["EdDSA", "ES256", "ES384"] {
        let key = run(&["keygen", "--alg", alg], None);
        assert_eq!(code(&key), 0);
        let key_file = write(dir.path(), &format!("{alg}.jwk"), &key.stdout);
        for form in ["embedded", "jws", "cose"] {
            let out = dir.path().join(format!("{alg}.{form}"));
            let s = run(
                &[
                    "sign",
                    &claims,
                    "--key",
                    &key_file,
                    "--format",
                    form,
                    "--alg",
                    alg,
                    "--out",
                    out.to_str().unwrap(),
                ],
                None,
            );
            assert_eq!(code(&s), 0, "{}", String::from_utf8_lossy(&s.stderr));
            let v = run(
                &[
                    "verify",
                    out.to_str().unwrap(),
                    "--now",
                    &SAMPLE_IAT.to_string(),
                    "--allow-embedded-key",
                ],
                None,
            );
            assert_eq!(code(&v), 0, "{alg} {form}: {}", text(&v));
        }
        let wrong = run(
            &[
                "sign",
                &claims,
                "--key",
                &key_file,
                "--alg",
                if alg == "EdDSA" { "ES256" } else { "EdDSA" },
            ],
            None,
        );
        assert_eq!(code(&wrong), 2);
    }
    // A directory is walked; the exit code covers every file.
    let v = run(
        &["verify", dir.path().to_str().unwrap(), "--now", NOW, "--format", "cose"],
        None,
    );
    assert_eq!(code(&v), 1, "the claims and key files are not COSE records");
}

#[test]
fn canonicalize_prints_bytes_or_a_finding() {
    let o = run(
        &["canonicalize", "-"],
        Some(br#"{"b":[1E2, 0.1e1, -0.0],"a":"\u00e9\u2028"}"#),
    );
    assert_eq!(code(&o), 0);
    assert_eq!(o.stdout, "{\"a\":\"é\u{2028}\",\"b\":[100,1,0]}".as_bytes());
    let o = run(&["canonicalize", "-"], Some(br#"{"a":"\ud800"}"#));
    assert_eq!(code(&o), 1);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("TR-GEN-004 input/lone-surrogate at /a"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&["canonicalize", "/nonexistent/file.json"], None);
    assert_eq!(code(&o), 2);
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(code(&run(&["verify", "/nonexistent/record.json"], None)), 2);
    assert_eq!(code(&run(&["verify", "-", "--level", "3"], Some(b"{}"))), 2);
    assert_eq!(code(&run(&["verify", "-", "--now", "yesterday"], Some(b"{}"))), 2);
    assert_eq!(
        code(&run(&["verify", "-", "--trusted-key", "not-a-key"], Some(b"{}"))),
        2
    );
    assert_eq!(code(&run(&["verify", "-", "--max-age", "-1"], Some(b"{}"))), 2);
}

#[test]
fn hostile_inputs_get_findings_never_a_crash() {
    let deep = "[".repeat(200_000);
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not utf-8", vec![0xff, 0xfe, b'{']),
        ("deep", deep.into_bytes()),
        ("huge number", format!("{{\"iat\":1{}}}", "0".repeat(5000)).into_bytes()),
        ("huge exponent", b"{\"iat\":1e999999999999}".to_vec()),
        ("nul", b"{\"a\":\"\0\"}".to_vec()),
        ("jws garbage", b"a.b.c".to_vec()),
        ("cose garbage", vec![0xD2, 0xFF, 0x00]),
        (
            "cbor bomb",
            vec![0x84, 0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        ),
        ("top-level string", b"\"x\"".to_vec()),
    ];
    for (name, bytes) in inputs {
        let o = run(&["verify", "-", "--now", NOW, "--output", "json"], Some(&bytes));
        assert_eq!(code(&o), 1, "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let findings = v["results"][0]["findings"].as_array().expect("findings");
        assert!(findings.iter().any(|f| f["status"] == "fail"), "{name}: {v}");
    }
}

#[test]
fn control_characters_in_input_cannot_forge_report_lines() {
    let forged = "\n/tmp/x.json: ACCEPT at level 0\n\u{1b}[2K";
    let mut claims = sample::base_claims();
    claims.insert(forged, json::Value::Bool(true));
    let bytes = sign::sign(
        &claims,
        &sample::test_key(Alg::EdDSA, "primary"),
        None,
        Form::Embedded,
        CoseTag::Tagged,
    );
    let o = run(&["verify", "-", "--now", NOW, "--allow-embedded-key"], Some(&bytes));
    assert_eq!(code(&o), 1);
    let out = text(&o);
    assert!(out.lines().all(|l| !l.starts_with("/tmp/x.json")), "{out}");
    assert!(out.lines().next().is_some_and(|l| l.starts_with("-: REJECT")), "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
}

#[test]
fn symlinked_records_are_verified_and_an_empty_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(dir.path(), "bad.json", b"{}");
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    std::os::unix::fs::symlink(&target, tree.join("linked.json")).unwrap();
    let o = run(&["verify", tree.to_str().unwrap(), "--now", NOW], None);
    assert_eq!(code(&o), 1, "the linked record is verified and rejected: {}", text(&o));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(code(&run(&["verify", empty.to_str().unwrap(), "--now", NOW], None)), 2);
}

#[test]
fn readme_examples_work_as_written() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/readme-examples.sh");
    let o = Command::new("bash")
        .arg(&script)
        .arg(BIN)
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    assert!(
        o.status.success(),
        "guide examples (tools/readme-examples.sh) diverged:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn vectors_check_lint_and_explain() {
    let o = run(&["vectors", "generate", "--check"], None);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["vectors", "lint"], None);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("0 problem(s)"));
    let o = run(&["explain", "TR-SIG-007"], None);
    assert_eq!(code(&o), 0);
    assert!(text(&o).contains("invalid: sig::jws::alg-none"), "{}", text(&o));
    let o = run(&["explain", "sig::jws::alg-none"], None);
    assert_eq!(code(&o), 0);
    let t = text(&o);
    for part in [
        "reference: reject (TR-SIG-007 signature/alg-forbidden)",
        "rests on: spec MUST",
        "statement RFC7518-03: MUST NOT RFC 7518",
        "\"case\":\"sig::jws::alg-none\"",
        "replay: trace-conform run --adapter CMD --only sig::jws::alg-none",
    ] {
        assert!(t.contains(part), "{part} missing: {t}");
    }
    // The request line is exactly what `run` sends: one JSON object of the verify schema.
    let line = t.lines().find(|l| l.starts_with("{\"")).expect("a request line");
    let req: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(
        (req["op"].as_str(), req["format"].as_str()),
        (Some("verify"), Some("jws"))
    );
    assert_eq!(code(&run(&["explain", "nothing"], None)), 2);
    // A vector directory with a broken file is reported, not a crash.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sig")).unwrap();
    std::fs::write(dir.path().join("sig/bad.json"), b"{\"schema\": 1}").unwrap();
    assert_eq!(
        code(&run(&["vectors", "lint", "--dir", dir.path().to_str().unwrap()], None)),
        2
    );
    // A stale directory fails the regeneration check.
    assert_eq!(
        code(&run(
            &["vectors", "generate", "--check", "--dir", dir.path().to_str().unwrap()],
            None
        )),
        1
    );
}
