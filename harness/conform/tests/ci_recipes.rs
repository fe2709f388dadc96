//! The CI recipes run here as their CI systems would run them (tools/ci/run_locally.py):
//! the GitHub Action installs trace-conform with cargo, gates the agentrust-trace adapter
//! (passing at level 0, failing at level 1 with the reports still uploaded), the GitLab
//! include clones this repository at HEAD, installs from the clone and gates the reference,
//! and the install script's git mode (the action's `suite-version`) installs from a URL.

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The recipes' cargo install flags: a debug build (the recipes' defaults build a release),
/// without the optimisation the workspace gives its verifier crates and JSON in debug builds
/// for the test run's sake (Cargo.toml): an install here runs 724 vectors once, and would
/// spend more time optimising them than it saves.
const INSTALL_FLAGS: &str = "--locked --debug \
    --config profile.dev.package.trace-record.opt-level=0 \
    --config profile.dev.package.trace-hardware.opt-level=0 \
    --config profile.dev.package.trace-vector-format.opt-level=0 \
    --config profile.dev.package.serde_json.opt-level=0 \
    --config profile.dev.package.rsa.opt-level=0 \
    --config profile.dev.package.num-bigint-dig.opt-level=0";

/// Runs one recipe; returns (exit code, the runner's JSON account).
fn recipe(python: &Path, system: &str, args: &[String], workspace: &Path, install_root: &Path) -> (i32, Value) {
    let repo = common::repo();
    let out = Command::new(python)
        .arg(repo.join("tools/ci/run_locally.py"))
        .args([system, "--workspace", workspace.to_str().unwrap()])
        .args(args)
        // Installs use the debug profile and the recipes' own build directory (see
        // `install_target`). The recipes' defaults build a release.
        .env("CARGO_TARGET_DIR", install_target(system))
        .env("TC_INSTALL_ROOT", install_root)
        .output()
        .expect("python runs");
    let account: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), account)
}

/// The commit checked out at `repo`, or None (with a skip message) outside a git checkout.
fn head_commit(repo: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo)
        .output()
        .expect("git runs");
    if !out.status.success() {
        eprintln!("SKIP: {} is not a git checkout", repo.display());
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The build directory of every install here, prepared for an install from `source`.
///
/// Not the workspace's own target/: cargo names a path package's artifacts without its
/// place on disk, so a build from another checkout there would overwrite the workspace's
/// (trace-vector-format embeds files by absolute path). One directory for all the installs
/// so that the third-party crates are compiled once; but the suite's own crates must be
/// compiled from each source: cargo can take a crate built from another checkout or commit
/// for fresh (it once linked a trace-hardware older than the embedded vectors). So the
/// suite's crates are forgotten there first (`forget_suite_crates`), unless the last install
/// was from the same source in this same test process, and the caller holds `INSTALLS` from
/// here until its install is done.
fn install_target(source: &str) -> std::path::PathBuf {
    let dir = common::repo().join("target/ci-recipes/shared");
    let marker = dir.join("last-source");
    let this = format!("{} {source}", std::process::id());
    if std::fs::read_to_string(&marker).ok() != Some(this.clone()) {
        forget_suite_crates(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&marker, &this).unwrap();
    }
    dir
}

/// Installs take turns: each prepares the shared build directory for its own source.
static INSTALLS: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn take_turn() -> std::sync::MutexGuard<'static, ()> {
    INSTALLS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes every artifact of the suite's own crates (the `trace-*` packages, which no
/// third-party crate's name shares: checked against Cargo.lock) from a build directory.
fn forget_suite_crates(dir: &Path) {
    let lock = std::fs::read_to_string(common::repo().join("Cargo.lock")).unwrap();
    let ours = |name: &str| name.starts_with("trace-") || name.starts_with("trace_") || name.starts_with("libtrace_");
    for entry in lock.split("[[package]]").skip(1) {
        let name = entry.lines().find_map(|l| l.strip_prefix("name = \"")).unwrap_or("");
        assert!(
            !ours(name) || !entry.contains("source = "),
            "a third-party crate named like the suite's: {name}"
        );
    }
    for profile in ["debug", "release"] {
        for sub in ["", "deps", ".fingerprint", "build", "incremental"] {
            let Ok(entries) = std::fs::read_dir(dir.join(profile).join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                if ours(&e.file_name().to_string_lossy()) {
                    let p = e.path();
                    let _ = if p.is_dir() {
                        std::fs::remove_dir_all(&p)
                    } else {
                        std::fs::remove_file(&p)
                    };
                }
            }
        }
    }
}

fn step<'a>(account: &'a Value, name: &str) -> &'a Value {
    account["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name}"))
}

#[test]
fn the_github_action_gates_the_agentrust_trace_adapter() {
    let Some(python) = common::python("yaml,agentrust_trace") else {
        return;
    };
    let repo = common::repo();
    let adapter = format!(
        "{} {}",
        python.display(),
        repo.join("harness/adapters/agentrust-trace/adapter.py").display()
    );
    let profile = repo.join("harness/adapters/agentrust-trace/profile.toml");
    let install_root = tempfile::tempdir().unwrap();
    let inputs = |fail_under: &str| {
        [
            format!("adapter={adapter}"),
            format!("profile={}", profile.display()),
            format!("fail-under={fail_under}"),
            format!("cargo-install-flags={INSTALL_FLAGS}"),
        ]
        .iter()
        .flat_map(|i| ["--input".to_string(), i.clone()])
        .collect::<Vec<_>>()
    };

    let _turn = take_turn();
    let ws = tempfile::tempdir().unwrap();
    let (code, account) = recipe(&python, "github", &inputs("0"), ws.path(), install_root.path());
    assert_eq!(code, 0, "{account:#}");
    let installed = account["env"]["TRACE_CONFORM"]
        .as_str()
        .expect("the install step sets TRACE_CONFORM");
    assert!(
        installed.starts_with(install_root.path().to_str().unwrap()),
        "{installed}"
    );
    assert_eq!(step(&account, "Run the TRACE conformance suite")["status"], "success");
    let summary = account["summary"].as_str().unwrap();
    assert!(
        summary.contains("agentrust-trace"),
        "the job summary is summary.md: {summary}"
    );
    let uploaded: Vec<&str> = step(&account, "Upload the reports")["uploaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for f in ["summary.json", "summary.md", "junit.xml", "index.html"] {
        assert!(uploaded.contains(&f), "{f} not uploaded: {uploaded:?}");
    }

    // agentrust-trace claims Level 0 only: a Level 1 gate fails the job, and the reports
    // are uploaded all the same.
    let ws = tempfile::tempdir().unwrap();
    let (code, account) = recipe(&python, "github", &inputs("1"), ws.path(), install_root.path());
    assert_eq!(code, 1, "{account:#}");
    let run = step(&account, "Run the TRACE conformance suite");
    assert_eq!(
        (run["status"].as_str(), run["exit"].as_i64()),
        (Some("failure"), Some(1))
    );
    assert_eq!(step(&account, "Upload the reports")["status"], "success");
    assert!(ws.path().join("trace-conformance-report/summary.json").is_file());
}

#[test]
fn the_gitlab_include_installs_from_a_clone_and_gates_the_reference() {
    let Some(python) = common::python("yaml") else { return };
    let repo = common::repo();
    let Some(head) = head_commit(&repo) else { return };
    let install_root = tempfile::tempdir().unwrap();
    let ws = tempfile::tempdir().unwrap();
    let vars = [
        format!("TC_SUITE_REPOSITORY={}", repo.canonicalize().unwrap().display()),
        format!("TC_SUITE_VERSION={head}"),
        "TC_FAIL_UNDER=2".to_string(),
        format!("TC_CARGO_FLAGS={INSTALL_FLAGS}"),
    ];
    let args: Vec<String> = vars.iter().flat_map(|v| ["--var".to_string(), v.clone()]).collect();
    let _turn = take_turn();
    let (code, account) = recipe(&python, "gitlab", &args, ws.path(), install_root.path());
    assert_eq!(code, 0, "{account:#}");
    assert_eq!(account["junit"], true);
    assert_eq!(account["artifacts"]["$TC_OUT"], true);
    let summary: Value =
        serde_json::from_slice(&std::fs::read(ws.path().join("trace-conformance-report/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["implementation"]["name"], "trace-record", "{summary:#}");
}

/// `suite-version` installs from a git URL (here this repository at HEAD): the binary runs
/// the whole embedded vector set from an empty directory.
#[test]
fn install_from_a_git_url_gives_a_working_trace_conform() {
    let repo = common::repo().canonicalize().unwrap();
    let Some(head) = head_commit(&repo) else { return };
    let install_root = tempfile::tempdir().unwrap();
    let turn = take_turn();
    let out = Command::new("bash")
        .arg(repo.join("tools/ci/install.sh"))
        .env("TC_SUITE_VERSION", &head)
        .env("TC_SUITE_REPOSITORY", format!("file://{}", repo.display()))
        .env("TC_CARGO_FLAGS", INSTALL_FLAGS)
        .env("TC_INSTALL_ROOT", install_root.path())
        .env("CARGO_TARGET_DIR", install_target(&format!("git-url-{head}")))
        .output()
        .expect("bash runs");
    drop(turn);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let bin = line
        .strip_prefix("TRACE_CONFORM=")
        .unwrap_or_else(|| panic!("install.sh printed {line:?}"));
    let empty = tempfile::tempdir().unwrap();
    let run = Command::new(bin)
        .args(["run", "--out", "report"])
        .env("TRACE_CONFORM_VECTORS", "embedded")
        .current_dir(empty.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let summary: Value =
        serde_json::from_slice(&std::fs::read(empty.path().join("report/summary.json")).unwrap()).unwrap();
    let results = summary["results"].as_array().unwrap();
    assert!(
        results.len() > 400 && results.iter().all(|r| r["outcome"] == "pass"),
        "{summary:#}"
    );
}

/// `suite-version` without a repository URL (what the action gets where GitHub leaves
/// `github.action_repository` empty) stops with a message, before any install.
#[test]
fn a_suite_version_without_a_repository_is_refused_with_a_reason() {
    let repo = common::repo();
    let root = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(repo.join("tools/ci/install.sh"))
        .env("TC_SUITE_VERSION", "v0.1.0")
        .env("TC_SUITE_REPOSITORY", "")
        .env("TC_ACTION_REPOSITORY", "")
        .env("TC_INSTALL_ROOT", root.path())
        .output()
        .expect("bash runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("needs the repository URL") && stderr.contains("suite-repository"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing installed, nothing exported");
}
