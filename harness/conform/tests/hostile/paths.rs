//! Class 1 and 2: nothing is written outside the output folder, nothing is read outside a
//! capture folder.

use super::*;
use sha2::Digest;
use std::os::unix::fs::symlink;
use std::time::Duration;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn ids_and_topics_from_elsewhere_cannot_name_files_outside_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // A vector id that would be the report file ../../escaped.json, and an absolute one.
    for bad in ["../../escaped", "/tmp/escaped-absolute"] {
        let vectors = vector_dir(root, 2, |f| f["groups"][0]["tests"][0]["id"] = bad.into());
        let out = root.join("out/deeper");
        let (o, _) = conform_within(
            &[
                "run",
                "--vectors",
                vectors.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            root,
            Duration::from_secs(120),
        );
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains("is not a vector id"), "{}", text(&o.stderr));
        assert!(!root.join("escaped.json").exists() && !root.join("out/escaped.json").exists());
        assert!(!Path::new("/tmp/escaped-absolute.json").exists());
    }

    // A regression candidate whose topic climbs out of DIR/regressions.
    let vectors = vector_dir(root, 1, |f| {
        f["module"] = "regressions".into();
        f["topic"] = "../../../candidate-escaped".into();
    });
    let candidate = vectors.join("sig/embedded.json");
    let dir = root.join("accepted");
    let (o, _) = conform_within(
        &[
            "vectors",
            "accept",
            candidate.to_str().unwrap(),
            "--dir",
            dir.to_str().unwrap(),
        ],
        root,
        Duration::from_secs(60),
    );
    assert_ne!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("not a slug"), "{}", text(&o.stderr));
    assert!(
        files_under(root)
            .iter()
            .all(|(p, _)| !p.to_string_lossy().contains("candidate-escaped"))
    );
}

/// A capture folder naming files outside it (by `..`, an absolute path and links), a
/// device, a FIFO and a file over the size limit.
#[test]
fn a_capture_folder_cannot_make_the_suite_read_outside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let secret = b"a file the capture must not reveal".to_vec();
    std::fs::write(root.join("secret"), &secret).unwrap();
    let digest = hex(&sha2::Sha256::digest(&secret));
    let cap = root.join("captures/evil");
    std::fs::create_dir_all(&cap).unwrap();
    symlink(root.join("secret"), cap.join("linked.bin")).unwrap();
    symlink("/dev/zero", cap.join("zero.bin")).unwrap();
    let fifo = Command::new("mkfifo").arg(cap.join("fifo.bin")).status().unwrap();
    assert!(fifo.success());
    let big = std::fs::File::create(cap.join("huge.bin")).unwrap();
    big.set_len(64 * 1024 * 1024).unwrap(); // sparse: costs no disk
    let names = [
        "../../secret",
        "/etc/hostname",
        "linked.bin",
        "zero.bin",
        "fifo.bin",
        "huge.bin",
    ];
    let listed: String = names.iter().map(|n| format!("\"{n}\" = \"{digest}\"\n")).collect();
    std::fs::write(
        cap.join("MANIFEST.toml"),
        format!(
            "schema = \"trace-hwcapture/1\"\nname = \"evil\"\nplatform = \"amd-sev-snp\"\n\
             [verify]\nverification_time_unix = 1700000000\n[sha256]\n{listed}\
             [expect]\nverdict = \"valid\"\n"
        ),
    )
    .unwrap();
    for args in [vec!["fixtures", "check"], vec!["replay"]] {
        let mut args = args.clone();
        args.push(cap.to_str().unwrap());
        let (o, elapsed) = conform_within(&args, root, Duration::from_secs(60));
        let all = text(&o.stdout) + &text(&o.stderr);
        assert_ne!(o.status.code(), Some(0), "{args:?} accepted the capture: {all}");
        assert!(
            !all.contains(&digest),
            "{args:?} printed the digest of a file outside the capture: {all}"
        );
        assert!(
            !all.contains("SHA-256 is"),
            "{args:?} hashed something it should not have read: {all}"
        );
        assert!(elapsed < Duration::from_secs(30), "{args:?} took {elapsed:?}");
        if args[0] == "fixtures" {
            for n in ["../../secret", "/etc/hostname"] {
                assert!(all.contains(&format!("{n:?}: refused as a name")), "{n}: {all}");
            }
            assert!(all.contains("\"linked.bin\": resolves outside"), "{all}");
            assert!(all.contains("\"zero.bin\": resolves outside"), "{all}");
            assert!(all.contains("\"fifo.bin\": a FIFO, not a regular file"), "{all}");
            assert!(
                all.contains("\"huge.bin\": 67108864 bytes or more, over the limit"),
                "{all}"
            );
        }
    }
}
