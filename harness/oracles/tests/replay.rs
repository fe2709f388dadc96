//! Every committed fuzz input replays under `cargo test`: the seeds in `fuzz/seeds/<target>/`
//! and the crash inputs in `fuzz/regressions/<target>/` (each a past failure, kept so it
//! never returns) go through the same oracles as the fuzz targets.

use std::path::PathBuf;

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn committed_inputs_hold_every_property() {
    let mut replayed = 0;
    for kind in ["seeds", "regressions"] {
        for target in trace_oracles::TARGETS {
            let dir = fuzz_dir().join(kind).join(target);
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
            files.sort();
            for f in files {
                let data = std::fs::read(&f).unwrap();
                let outcome = std::panic::catch_unwind(|| trace_oracles::run(target, &data));
                assert!(outcome.is_ok(), "{} fails its oracle", f.display());
                replayed += 1;
            }
        }
    }
    assert!(
        replayed >= trace_oracles::TARGETS.len(),
        "only {replayed} committed inputs found under {}",
        fuzz_dir().display()
    );
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    for target in trace_oracles::TARGETS {
        let f = fuzz_dir().join("fuzz_targets").join(format!("{target}.rs"));
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(
            text.contains(&format!("trace_oracles::run(\"{target}\"")),
            "{} does not run its oracle",
            f.display()
        );
    }
}

/// `fuzz/Cargo.toml` declares one `[[bin]]` per target, named after it and built from its
/// file, and no other: a target left out there is never built by cargo-fuzz or
/// ClusterFuzzLite, and a file left in `fuzz_targets/` without an oracle runs nothing.
#[test]
fn the_fuzz_manifest_declares_exactly_the_targets() {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap()).unwrap();
    let mut declared: Vec<(String, String)> = manifest["bin"]
        .as_array()
        .expect("[[bin]] entries")
        .iter()
        .map(|b| (b["name"].as_str().unwrap().into(), b["path"].as_str().unwrap().into()))
        .collect();
    declared.sort();
    let mut expected: Vec<(String, String)> = trace_oracles::TARGETS
        .iter()
        .map(|t| (t.to_string(), format!("fuzz_targets/{t}.rs")))
        .collect();
    expected.sort();
    assert_eq!(declared, expected);
    let mut files: Vec<String> = std::fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut wanted: Vec<String> = trace_oracles::TARGETS.iter().map(|t| format!("{t}.rs")).collect();
    wanted.sort();
    assert_eq!(files, wanted);
}
