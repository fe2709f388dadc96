//! The command reference, `docs/cli.md`, rendered from the clap definitions so that it
//! cannot drift from the binary: a test in `main.rs` compares the committed file with
//! [`markdown`] and rewrites it when `TRACE_CONFORM_BLESS=1`.
//!
//! Owns: the page's layout. Does not own what the commands say (main.rs and the `cmd_*`
//! modules), nor the worked examples (docs/guide.md).

use std::fmt::Write as _;

/// The whole page for a command tree: an index of every command, then each command's
/// `--help` text in full, depth first.
pub fn markdown(cli: &clap::Command) -> String {
    let mut cli = cli.clone();
    cli.build();
    let mut commands = Vec::new();
    collect(&cli, &mut commands);
    let mut page = String::new();
    let _ = writeln!(page, "# trace-conform command reference\n");
    let _ = writeln!(
        page,
        "Generated from the command line's own definitions (`harness/conform/src/cli_reference.rs`);\n\
         do not edit. After changing a command, regenerate with\n\
         `TRACE_CONFORM_BLESS=1 cargo test -p trace-conform --bin trace-conform cli_reference`.\n\
         Worked examples by task are in [guide.md](guide.md).\n"
    );
    for (path, cmd) in &commands[1..] {
        let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
        let first = about.lines().next().unwrap_or("");
        let _ = writeln!(page, "- [`{path}`](#{}): {first}", anchor(path));
    }
    for (path, cmd) in &commands {
        let _ = writeln!(page, "\n## {path}\n");
        let help = cmd.clone().render_long_help().to_string();
        let _ = writeln!(page, "```text\n{}\n```", help.trim_end());
    }
    page
}

/// Every command with its full name (`trace-conform vectors lint`), the root first.
fn collect(cmd: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
    let path = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    out.push((path, cmd.clone()));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        collect(sub, out);
    }
}

/// The anchor GitHub gives a heading: lower case, spaces to hyphens.
fn anchor(heading: &str) -> String {
    heading.to_lowercase().replace(' ', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> clap::Command {
        clap::Command::new("tool")
            .about("A tool")
            .subcommand(
                clap::Command::new("inner")
                    .about("Does inner things\n\nat length")
                    .arg(clap::Arg::new("depth").long("depth").help("How deep")),
            )
            .subcommand(
                clap::Command::new("outer")
                    .about("Outer")
                    .subcommand(clap::Command::new("leaf").about("Leaf")),
            )
    }

    #[test]
    fn every_command_has_an_index_line_a_heading_and_its_help() {
        let page = markdown(&tree());
        for (index, heading) in [
            ("- [`tool inner`](#tool-inner): Does inner things", "## tool inner"),
            ("- [`tool outer`](#tool-outer): Outer", "## tool outer"),
            ("- [`tool outer leaf`](#tool-outer-leaf): Leaf", "## tool outer leaf"),
        ] {
            assert!(page.contains(index), "{index} missing:\n{page}");
            assert!(page.contains(heading), "{heading} missing:\n{page}");
        }
        assert!(page.contains("## tool\n"), "{page}");
        assert!(page.contains("--depth <depth>") && page.contains("How deep"), "{page}");
        assert!(page.contains("Usage: tool inner"), "{page}");
        assert!(
            !page.contains("tool help"),
            "clap's help command is not a command of ours:\n{page}"
        );
    }
}
