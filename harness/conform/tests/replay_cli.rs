//! `trace-conform replay` and `fixtures check` on the real captures vendored under
//! fixtures/captures/, and on a damaged copy made here.

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_trace-conform");

/// fixtures/captures/, part of the repository: its absence is a failure.
fn captures_dir() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/captures");
    assert!(p.is_dir(), "{} is missing from the checkout", p.display());
    Some(p)
}

fn run(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(BIN).args(args).output().expect("runs");
    (o.status.code(), String::from_utf8_lossy(&o.stdout).to_string())
}

#[test]
fn every_shared_capture_replays_as_expected_and_an_unknown_platform_fails_the_run() {
    let Some(root) = captures_dir() else { return };
    let snp = root.join("amd-sev-snp");
    let (code, out) = run(&["replay", snp.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("4 of 4 case(s) as expected in 3 capture(s)"), "{out}");
    assert!(out.contains("[forged-vcek]: invalid"), "{out}");
    // Every capture of every platform.
    let (code, out) = run(&["replay", root.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("28 of 28 case(s) as expected in 25 capture(s)"), "{out}");
    // A platform with no verifier: said so, and the run is not a success.
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = snp.join("trustee-milan-vcek");
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        std::fs::copy(e.path(), tmp.path().join(e.file_name())).unwrap();
    }
    let manifest = std::fs::read_to_string(tmp.path().join("MANIFEST.toml")).unwrap();
    assert!(manifest.contains("platform = \"amd-sev-snp\""), "{manifest}");
    let unknown = manifest.replacen("platform = \"amd-sev-snp\"", "platform = \"made-up-tee\"", 1);
    std::fs::write(tmp.path().join("MANIFEST.toml"), unknown).unwrap();
    let (code, out) = run(&["replay", tmp.path().to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("not_implemented"), "{out}");
    // A time outside the VCEK's window: the expected verdicts no longer hold.
    let (code, out) = run(&["replay", "--at", "2019-01-01T00:00:00Z", snp.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("validity failed"), "{out}");
    let (code, out) = run(&["replay", "--output", "json", snp.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["as_expected"], true);
}

#[test]
fn fixtures_check_finds_a_changed_file() {
    let Some(root) = captures_dir() else { return };
    let src = root.join("amd-sev-snp/trustee-milan-vcek");
    let (code, out) = run(&["fixtures", "check", src.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    let tmp = tempfile::tempdir().expect("tempdir");
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        std::fs::copy(e.path(), tmp.path().join(e.file_name())).unwrap();
    }
    let mut report = std::fs::read(tmp.path().join("report.bin")).unwrap();
    report[0x90] ^= 1;
    std::fs::write(tmp.path().join("report.bin"), &report).unwrap();
    std::fs::write(tmp.path().join("extra.bin"), b"x").unwrap();
    let (code, out) = run(&["fixtures", "check", tmp.path().to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("report.bin: SHA-256 is"), "{out}");
    assert!(out.contains("extra.bin: present but not listed"), "{out}");
    // And replay refuses to call the damaged capture as expected.
    let (code, out) = run(&["replay", tmp.path().to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}");
}

/// A capture directory made from a Level 1 vector's evidence (its `capture` input), and the
/// vector's record: what a vendor's capture plus an implementer's record look like.
fn capture_from_vector(file: &str, id: &str, dir: &std::path::Path) -> PathBuf {
    use base64::Engine;
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.join("vectors").join(file)).unwrap()).unwrap();
    let (group, test) = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["tests"].as_array().unwrap().iter().map(move |t| (g, t)))
        .find(|(_, t)| t["id"] == id)
        .unwrap_or_else(|| panic!("no vector {id}"));
    let evidence = &group["evidence"];
    let capture = dir.join("capture");
    std::fs::create_dir_all(&capture).unwrap();
    let mut sha = String::new();
    for (name, b64) in evidence["files"].as_object().unwrap() {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(b64.as_str().unwrap())
            .unwrap();
        std::fs::write(capture.join(name), &bytes).unwrap();
        use sha2::Digest;
        let digest: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        sha.push_str(&format!("\"{name}\" = \"{digest}\"\n"));
    }
    let platform = evidence["platform"].as_str().unwrap();
    let manifest = format!(
        "schema = \"trace-hwcapture/1\"\nname = \"test/{id}\"\nplatform = \"{platform}\"\ntrace_runtime_platform = \"{platform}\"\n\n[verify]\nverification_time_unix = {}\nroot_sha256 = \"{}\"\n\n[sha256]\n{sha}\n[expect]\nverdict = \"valid\"\n",
        group["verification_time"],
        evidence["root_sha256"].as_str().unwrap()
    );
    std::fs::write(capture.join("MANIFEST.toml"), manifest).unwrap();
    let record = dir.join("record.json");
    std::fs::write(&record, test["input"]["record_text"].as_str().unwrap()).unwrap();
    record
}

#[test]
fn replay_record_holds_a_record_against_a_capture() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let record = capture_from_vector("evidence/tpm.json", "evidence::tpm::level-1-bound", tmp.path());
    let capture = tmp.path().join("capture");
    let (code, out) = run(&["replay", capture.to_str().unwrap()]);
    assert_eq!(code, Some(0), "the capture replays: {out}");
    let (code, out) = run(&[
        "replay",
        capture.to_str().unwrap(),
        "--record",
        record.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("the record is bound to 1 of 1 capture(s)"), "{out}");
    // The same capture, a record of another measurement: TR-RTE-009, exit 1.
    let other = tempfile::tempdir().expect("tempdir");
    let record = capture_from_vector(
        "evidence/tpm.json",
        "evidence::tpm::level-1-other-measurement",
        other.path(),
    );
    let (code, out) = run(&[
        "replay",
        other.path().join("capture").to_str().unwrap(),
        "--record",
        record.to_str().unwrap(),
        "--output",
        "json",
    ]);
    assert_eq!(code, Some(1), "{out}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["bound"], false);
    let rules: Vec<&str> = doc["captures"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["TR-RTE-009"], "{out}");
    // Not a record: a usage error, said so.
    std::fs::write(tmp.path().join("junk"), b"\xff\xfe").unwrap();
    let o = Command::new(BIN)
        .args(["replay", capture.to_str().unwrap(), "--record"])
        .arg(tmp.path().join("junk"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--record"));
}

#[test]
fn a_token_capture_must_pin_its_issuer_key_and_is_held_to_it() {
    let Some(root) = captures_dir() else { return };
    let src = root.join("gcp-confidential-space/atlas-pca-sev-2026-10-08");
    let copy = |manifest: &str| {
        let tmp = tempfile::tempdir().expect("tempdir");
        for e in std::fs::read_dir(&src).unwrap().flatten() {
            std::fs::copy(e.path(), tmp.path().join(e.file_name())).unwrap();
        }
        std::fs::write(tmp.path().join("MANIFEST.toml"), manifest).unwrap();
        tmp
    };
    let manifest = std::fs::read_to_string(src.join("MANIFEST.toml")).unwrap();
    let pin_line = manifest
        .lines()
        .find(|l| l.starts_with("root_sha256 = "))
        .expect("the capture pins its issuer key");
    // Without the pin the manifest is refused, by `fixtures check` and by `replay`.
    let unpinned = copy(&manifest.replacen(&format!("{pin_line}\n"), "", 1));
    for command in ["fixtures", "replay"] {
        let mut args = vec![command];
        if command == "fixtures" {
            args.push("check");
        }
        args.push(unpinned.path().to_str().unwrap());
        let o = Command::new(BIN).args(&args).output().expect("runs");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert_ne!(o.status.code(), Some(0), "{command}: {all}");
        assert!(all.contains("must pin its issuer's signing key"), "{command}: {all}");
    }
    // Pinned to another key, the genuine token and its own key snapshot are no longer valid.
    let other = copy(&manifest.replacen(pin_line, &format!("root_sha256 = \"{}\"", "ab".repeat(32)), 1));
    let (code, out) = run(&["replay", other.path().to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("invalid"), "{out}");
}
