//! Class 4: inputs and adapters that used to stall the suite end within their bounds.

use super::*;
use sha2::Digest;
use std::os::unix::fs::symlink;
use std::time::Duration;

/// 58 bytes that looped the `der` crate's PEM reader forever.
const SHORT_PEM: &[u8] = b"-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----";

#[test]
fn a_short_pem_certificate_in_a_capture_is_refused_not_looped_on() {
    let tmp = tempfile::tempdir().unwrap();
    let cap = tmp.path().join("snp");
    std::fs::create_dir(&cap).unwrap();
    let synthetic = common::repo().join("fixtures/synthetic/amd-sev-snp");
    for e in std::fs::read_dir(&synthetic).unwrap().flatten() {
        std::fs::copy(e.path(), cap.join(e.file_name())).unwrap();
    }
    // The VCEK and the chain both become the short PEM; the manifest is re-pinned so the
    // files are well-formed as far as `fixtures check` can tell.
    let mut manifest = std::fs::read_to_string(cap.join("MANIFEST.toml")).unwrap();
    for name in ["vcek.der", "cert_chain.pem"] {
        let old = hex(&sha2::Sha256::digest(std::fs::read(cap.join(name)).unwrap()));
        std::fs::write(cap.join(name), SHORT_PEM).unwrap();
        manifest = manifest.replace(&old, &hex(&sha2::Sha256::digest(SHORT_PEM)));
    }
    std::fs::write(cap.join("MANIFEST.toml"), manifest).unwrap();
    let (o, _) = conform_within(&["replay", cap.to_str().unwrap()], tmp.path(), Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(1), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(
        text(&o.stdout).contains("invalid") || text(&o.stdout).contains("unverifiable"),
        "{}",
        text(&o.stdout)
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn an_adapter_that_stops_reading_times_out_at_the_deadline() {
    let tmp = tempfile::tempdir().unwrap();
    // Requests far larger than a pipe's buffer, so writing one blocks until it is read.
    let vectors = vector_dir(tmp.path(), 2, |f| {
        for t in f["groups"][0]["tests"].as_array_mut().unwrap() {
            let record = t["input"]["record_text"].as_str().unwrap().to_string();
            t["input"]["record_text"] = (record + &" ".repeat(4 * 1024 * 1024)).into();
        }
    });
    let out = tmp.path().join("out");
    let (o, elapsed) = conform_within(
        &[
            "run",
            "--adapter",
            &faux("deaf", 1),
            "--vectors",
            vectors.to_str().unwrap(),
            "--deadline-ms",
            "1000",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
        Duration::from_secs(90),
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap_or_default())
            .unwrap_or_else(|_| panic!("no report: {}", text(&o.stderr)));
    assert_eq!(summary["counts"]["timeout"], 2, "{summary:#}\n{}", text(&o.stderr));
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

#[test]
fn linked_directory_diamonds_loops_and_many_double_stars_are_walked_in_bounded_time() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("records");
    // 24 levels, each linking twice to the next: 2^24 paths, 25 directories.
    for i in 0..25 {
        std::fs::create_dir_all(root.join(format!("l{i}"))).unwrap();
    }
    for i in 0..24 {
        for side in ["a", "b"] {
            symlink(root.join(format!("l{}", i + 1)), root.join(format!("l{i}/{side}"))).unwrap();
        }
    }
    symlink(&root, root.join("l24/loop")).unwrap();
    std::fs::write(root.join("l24/record.json"), "{}").unwrap();
    let start = root.join("l0");
    let (o, elapsed) = conform_within(
        &["verify", start.to_str().unwrap()],
        tmp.path(),
        Duration::from_secs(60),
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "the one record is found and rejected: {}",
        text(&o.stderr)
    );
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");

    let pattern = format!("{}/{}*.json", root.display(), "**/".repeat(40));
    let (o, elapsed) = conform_within(&["verify", &pattern], tmp.path(), Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");

    // A capture search through a loop of links ends too.
    let caps = tmp.path().join("captures");
    std::fs::create_dir_all(caps.join("a")).unwrap();
    symlink(&caps, caps.join("a/back")).unwrap();
    let (o, elapsed) = conform_within(&["replay", caps.to_str().unwrap()], tmp.path(), Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(2), "no capture found: {}", text(&o.stderr));
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}
