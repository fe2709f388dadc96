//! How every command ends: the four exit statuses of `trace-conform` (docs/guide.md §12), and
//! the error line of commands that stop on one error (`trace-conform COMMAND: WHY`).
//!
//! Owns: the meaning of each status and the shape of that line (commands that report per
//! input write their own lines). Does not own which
//! command returns what (each `cmd_*.rs` says so, and the guide's table lists it).

use std::fmt::Display;
use std::process::ExitCode;

/// The exit status of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything checked came out as it should (or the command had nothing to check).
    Ok,
    /// The command did its work and what it checked did not pass: a rejected record, an
    /// unexpected result, a stale file, a regression.
    Failed,
    /// The command could not do what was asked: a usage, input, profile or I/O error.
    Usage,
    /// The implementation under test could not be driven: its adapter did not start, gave
    /// out on every vector, or left the run incomplete.
    Adapter,
}

impl Exit {
    /// `Failed` when `failed`, else `Ok`.
    pub fn failed_if(failed: bool) -> Exit {
        if failed { Exit::Failed } else { Exit::Ok }
    }

    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Failed => 1,
            Exit::Usage => 2,
            Exit::Adapter => 3,
        }
    }
}

/// A runner error's status: an adapter that could not be driven is `Adapter`; a bad input
/// or an unreadable or unwritable file is `Usage`.
impl From<&trace_runner::Error> for Exit {
    fn from(e: &trace_runner::Error) -> Exit {
        match e {
            trace_runner::Error::Adapter(_) => Exit::Adapter,
            trace_runner::Error::Invalid(_) | trace_runner::Error::Io(_) => Exit::Usage,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

/// Writes `trace-conform COMMAND: WHY` to stderr (escaped for a terminal: the reason may
/// quote input) and returns `exit`.
pub fn fail(command: &str, exit: Exit, why: impl Display) -> Exit {
    eprintln!(
        "trace-conform {command}: {}",
        crate::cmd_verify::clean(&why.to_string())
    );
    exit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_are_the_documented_ones() {
        let codes = [Exit::Ok, Exit::Failed, Exit::Usage, Exit::Adapter].map(Exit::code);
        assert_eq!(codes, [0, 1, 2, 3]);
        assert_eq!(Exit::failed_if(true), Exit::Failed);
        assert_eq!(Exit::failed_if(false), Exit::Ok);
        let guide = include_str!("../../../docs/guide.md");
        assert!(
            guide.contains("| command | 0 | 1 | 2 | 3 |"),
            "the guide's table of exit codes"
        );
    }
}
