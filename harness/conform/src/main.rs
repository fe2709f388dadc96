//! `trace-conform`: the command line of the TRACE conformance suite.
//!
//! Owns: argument parsing and dispatch to one module per command. Exit codes: 0 as
//! expected, 1 a rejection (or an unexpected case result), 2 usage or I/O errors.

mod bench_workload;
#[cfg(test)]
mod cli_reference;
mod cmd_bench;
mod cmd_canonicalize;
mod cmd_dashboard;
mod cmd_diff;
mod cmd_fixtures;
mod cmd_fuzz;
mod cmd_producer;
mod cmd_replay;
mod cmd_replay_record;
mod cmd_report;
mod cmd_run;
mod cmd_serve;
mod cmd_sign;
mod cmd_smoke;
mod cmd_vectors;
mod cmd_verify;
mod cmd_verify_action;
mod cmd_verify_chain;
mod cmd_verify_depth;
mod exit;
mod inputs;
mod values;
mod verify_json;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "trace-conform", version, about = "Conformance suite for TRACE Trust Records")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify Trust Records (files, directories, globs, JSON Lines, or - for stdin).
    Verify(cmd_verify::Args),
    /// Verify an audit bundle, its receipts, and the RuntimeClaim that commits it.
    VerifyChain(cmd_verify_chain::Args),
    /// Verify action receipts (S2 §3.3.3, trace.action_receipt.conformance.v0).
    VerifyActionReceipt(cmd_verify_action::Args),
    /// Verify build provenance at a depth (S2 §3.3.1, trace.build_provenance.depth.v0).
    VerifyProvenanceDepth(cmd_verify_depth::Args),
    /// Sign claims with a private JWK into a Trust Record.
    Sign(cmd_sign::Args),
    /// Print a deterministic test key as a private JWK.
    Keygen(cmd_sign::KeygenArgs),
    /// Print the RFC 8785 canonical bytes of a JSON document.
    Canonicalize(cmd_canonicalize::Args),
    /// Run the vector set through an adapter (default: the reference) and write the reports.
    Run(cmd_run::Args),
    /// Serve the reference implementation over adapter protocol v1 (stdin/stdout).
    Serve,
    /// Check an adapter (not the library): handshake, ping, a good and a flipped record.
    Smoke(cmd_smoke::Args),
    /// Compare two runs' summary.json by vector id.
    Diff(cmd_diff::Args),
    /// Build a static site comparing several runs (their report folders) side by side.
    Dashboard(cmd_dashboard::Args),
    /// Check what a producer made (records, or a production log from a file or a command)
    /// against the reference and each case's expectations, and write the reports.
    Producer(cmd_producer::Args),
    /// Work on report folders: merge the shards of a run into one report.
    #[command(subcommand)]
    Report(cmd_report::Command),
    /// Generate or lint the vector set.
    #[command(subcommand)]
    Vectors(cmd_vectors::Command),
    /// Replay captured TEE evidence offline at its pinned time against its expected verdict.
    Replay(cmd_replay::ReplayArgs),
    /// Check hardware capture submissions, or generate the synthetic captures in fixtures/.
    #[command(subcommand)]
    Fixtures(cmd_fixtures::FixturesCommand),
    /// Differential fuzzing: mutated vectors through an adapter and the reference; each
    /// disagreement is minimized into a candidate regression vector.
    Fuzz(cmd_fuzz::Args),
    /// Measure verification speed in-process and through the protocol, against the reference.
    Bench(cmd_bench::Args),
    /// Print a rule with its vectors, or a vector with its rule and expectation.
    Explain(cmd_vectors::ExplainArgs),
}

/// `--version`: the tool, the suite, the adapter protocol and the embedded vector set.
fn long_version() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{v} (TRACE conformance suite {v}, adapter protocol 1, vector set {} with {} files embedded)",
            trace_vector_format::load::embedded_digest(),
            trace_vector_format::load::embedded_files(),
            v = env!("CARGO_PKG_VERSION")
        )
    })
}

/// Output piped into `head` and closed early ends the process quietly, as for any Unix
/// tool, instead of a panic on the failed write (Rust ignores SIGPIPE by default).
#[cfg(unix)]
#[allow(unsafe_code)]
fn default_sigpipe() {
    // SAFETY: restores the default disposition of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The command line, parsed. `--version` names the embedded vector set's digest, which
/// hashes the whole set: it is worked out only when asked for, not on every invocation.
fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    if std::env::args_os().skip(1).any(|a| a == "--version") {
        command = command.long_version(long_version());
    }
    Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|e| e.exit())
}

/// Whether a command can start processes (adapters, peers): only those make this process
/// the reaper of orphans and scan /proc for them, which costs a one-record `verify` more
/// than the verification.
fn starts_processes(command: &Command) -> bool {
    !matches!(
        command,
        Command::Verify(_)
            | Command::VerifyChain(_)
            | Command::VerifyActionReceipt(_)
            | Command::VerifyProvenanceDepth(_)
            | Command::Sign(_)
            | Command::Keygen(_)
            | Command::Canonicalize(_)
            | Command::Serve
            | Command::Diff(_)
            | Command::Explain(_)
    )
}

fn main() -> ExitCode {
    #[cfg(unix)]
    default_sigpipe();
    let cli = parse();
    let reaps = starts_processes(&cli.command);
    if reaps {
        // Adapters' orphans come back to this process, which ends them before it exits.
        trace_runner::reaper::become_subreaper();
    }
    let code = match cli.command {
        Command::Verify(a) => cmd_verify::run(a),
        Command::Bench(a) => cmd_bench::run(a),
        Command::Fuzz(a) => cmd_fuzz::run(a),
        Command::VerifyChain(a) => cmd_verify_chain::run(a),
        Command::VerifyActionReceipt(a) => cmd_verify_action::run(a),
        Command::VerifyProvenanceDepth(a) => cmd_verify_depth::run(a),
        Command::Sign(a) => cmd_sign::run(a),
        Command::Keygen(a) => cmd_sign::keygen(a),
        Command::Canonicalize(a) => cmd_canonicalize::run(a),
        Command::Run(a) => cmd_run::run(a),
        Command::Vectors(c) => cmd_vectors::run(c),
        Command::Serve => cmd_serve::run(),
        Command::Smoke(a) => cmd_smoke::run(a),
        Command::Diff(a) => cmd_diff::run(a),
        Command::Dashboard(a) => cmd_dashboard::run(a),
        Command::Producer(a) => cmd_producer::run(a),
        Command::Report(c) => cmd_report::run(c),
        Command::Explain(a) => cmd_vectors::explain(a),
        Command::Replay(a) => cmd_replay::replay_cmd(a),
        Command::Fixtures(c) => cmd_fixtures::fixtures(c),
    };
    if reaps {
        trace_runner::reaper::end_orphans();
    }
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every argument of every command, however deep, with the path that reaches it.
    fn all_args(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String, bool)>) {
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            out.push((path.to_string(), id.to_string(), a.get_help().is_some()));
        }
        for sub in cmd.get_subcommands() {
            all_args(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn every_command_and_option_says_what_it_is_for() {
        let cli = Cli::command();
        cli.clone().debug_assert();
        let mut args = Vec::new();
        all_args(&cli, "trace-conform", &mut args);
        assert!(args.len() > 80, "{}", args.len());
        let silent: Vec<String> = args
            .iter()
            .filter(|(_, _, help)| !help)
            .map(|(path, id, _)| format!("{path} --{id}"))
            .collect();
        assert!(silent.is_empty(), "options without help text:\n{}", silent.join("\n"));
        let mut stack = vec![cli];
        while let Some(c) = stack.pop() {
            for sub in c.get_subcommands() {
                assert!(
                    sub.get_about().is_some(),
                    "command {} has no description",
                    sub.get_name()
                );
                stack.push(sub.clone());
            }
        }
    }

    /// docs/cli.md is what the definitions render; `TRACE_CONFORM_BLESS=1` rewrites it.
    #[test]
    fn cli_reference_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli.md");
        let page = crate::cli_reference::markdown(&Cli::command());
        if std::env::var_os("TRACE_CONFORM_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &page).expect("docs/cli.md writable");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == page,
            "docs/cli.md is not what the command definitions render: regenerate with \
             TRACE_CONFORM_BLESS=1 cargo test -p trace-conform --bin trace-conform cli_reference"
        );
    }

    #[test]
    fn invalid_values_are_refused_while_parsing() {
        use clap::Parser;
        for bad in [
            &["trace-conform", "run", "--format", "xml"][..],
            &["trace-conform", "run", "--level", "7"],
            &["trace-conform", "run", "--jobs", "0"],
            &["trace-conform", "run", "--fail-under", "3"],
            &["trace-conform", "run", "--platform", "mars"],
            &["trace-conform", "verify", "--format", "xml", "-"],
        ] {
            assert!(Cli::try_parse_from(bad).is_err(), "{bad:?} was accepted");
        }
        for good in [
            &[
                "trace-conform",
                "run",
                "--format",
                "jws",
                "--level",
                "2",
                "--jobs",
                "2",
                "--fail-under",
                "1",
            ][..],
            &["trace-conform", "verify", "--format", "embedded", "-"],
            &["trace-conform", "verify", "--format", "json", "-"],
            &["trace-conform", "sign", "c.json", "--key", "k", "--format", "cose"],
            &["trace-conform", "sign", "c.json", "--key", "k", "--form", "jws"],
        ] {
            assert!(Cli::try_parse_from(good).is_ok(), "{good:?} was refused");
        }
    }
}
