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
