//! `trace-conform replay` and `fixtures check` on the shared captures (read in place; skipped
//! with a message when ../shared is absent), and on a damaged copy made here.

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_trace-conform");

fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/hardware-captures");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("SKIP: {} is absent", p.display());
        None
    }
}

fn run(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(BIN).args(args).output().expect("runs");
    (o.status.code(), String::from_utf8_lossy(&o.stdout).to_string())
}

#[test]
fn sev_snp_captures_replay_as_expected_and_unimplemented_platforms_fail_the_run() {
    let Some(root) = shared() else { return };
    let snp = root.join("amd-sev-snp");
    let (code, out) = run(&["replay", snp.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("4 of 4 case(s) as expected in 3 capture(s)"), "{out}");
    assert!(out.contains("[forged-vcek]: invalid"), "{out}");
    // Every other platform: no verifier yet, said so, and the run is not a success.
    let (code, out) = run(&["replay", root.to_str().unwrap()]);
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
    let Some(root) = shared() else { return };
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
