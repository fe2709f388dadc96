//! Running a command to its end with bounds: a producer driver whose standard output is
//! its production log. The command runs in its own process group with an instance token
//! (reaper.rs), its output is read up to a limit, and past its deadline it and everything
//! it started are killed, so a hanging or flooding command ends with a clear outcome.
//!
//! Owns: starting, reading, the deadline and the kill. Does not own what the output means.
// Signalling the process group goes through libc; the unsafe block says why it is sound.
#![allow(unsafe_code)]

use crate::Error;
use crate::reaper;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a command ended, and what it wrote.
#[derive(Debug)]
pub struct Finished {
    pub stdout: Vec<u8>,
    /// The last of its standard error (at most 16 KiB), lossily decoded.
    pub stderr: String,
    /// `exit status 0`, `killed by signal 9`, ...
    pub status: String,
    pub success: bool,
    /// The deadline passed and the command was killed.
    pub timed_out: bool,
    /// Standard output passed the limit; what was read is kept, the rest dropped.
    pub truncated: bool,
}

const STDERR_KEPT: usize = 16 * 1024;

/// Reads `from` to its end, keeping at most `limit` bytes (the last ones when `tail`).
fn drain(mut from: impl Read, limit: usize, tail: bool) -> (Vec<u8>, bool) {
    let (mut kept, mut over) = (Vec::new(), false);
    let mut buf = [0u8; 64 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 {
            break;
        }
        kept.extend_from_slice(&buf[..n]);
        if kept.len() > limit {
            over = true;
            if tail {
                kept.drain(..kept.len() - limit);
            } else {
                kept.truncate(limit);
            }
        }
    }
    (kept, over)
}

/// Runs `argv` in `cwd` with no standard input until it ends or `deadline` passes.
pub fn run_to_end(
    argv: &[String],
    cwd: &std::path::Path,
    deadline: Duration,
    stdout_limit: usize,
) -> Result<Finished, Error> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| Error::Invalid("empty command".into()))?;
    let token = reaper::new_token();
    let mut child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .env(reaper::INSTANCE_ENV, &token)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| {
            Error::Adapter(format!(
                "cannot start {}: {e}",
                trace_untrusted::escape::quoted(program)
            ))
        })?;
    reaper::register(child.id());
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || drain(stdout, stdout_limit, false));
    let err = std::thread::spawn(move || drain(stderr, STDERR_KEPT, true));
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| Error::Io(e.to_string()))? {
            break status;
        }
        if started.elapsed() >= deadline {
            timed_out = true;
            // SAFETY: kill(2) with a negative pid signals the process group we created.
            unsafe {
                libc::kill(-(child.id() as i32), libc::SIGKILL);
            }
            break child.wait().map_err(|e| Error::Io(e.to_string()))?;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // What it started and left running (even outside its group) ends with it, so the
    // pipes close and the readers finish.
    reaper::end_instance(&token);
    reaper::unregister(child.id());
    let (stdout, truncated) = out.join().unwrap_or_default();
    let (stderr, _) = err.join().unwrap_or_default();
    Ok(Finished {
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        status: crate::adapter::describe_exit(status),
        success: status.success() && !timed_out,
        timed_out,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, deadline_ms: u64, limit: usize) -> Finished {
        let argv = ["sh", "-c", script].map(String::from);
        run_to_end(
            &argv,
            std::path::Path::new("."),
            Duration::from_millis(deadline_ms),
            limit,
        )
        .unwrap()
    }

    #[test]
    fn a_command_that_ends_gives_its_output_and_status() {
        let f = sh("printf 'a\\nb\\n'; echo oops >&2; exit 3", 10_000, 1024);
        assert_eq!(f.stdout, b"a\nb\n");
        assert_eq!(f.stderr, "oops\n");
        assert!(!f.success && !f.timed_out && !f.truncated);
        assert!(f.status.contains('3'), "{}", f.status);
    }

    #[test]
    fn a_hanging_command_and_what_it_started_are_killed_at_the_deadline() {
        let started = Instant::now();
        // The background sleep keeps the pipe open: only killing it lets the read end.
        let f = sh("echo partial; (setsid sleep 30 &) ; sleep 30", 300, 1024);
        assert!(f.timed_out && !f.success);
        assert_eq!(f.stdout, b"partial\n");
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn a_flood_is_cut_at_the_limit() {
        let f = sh("yes x | head -c 1000000", 10_000, 1000);
        assert!(f.truncated && f.success);
        assert_eq!(f.stdout.len(), 1000);
        let exact = sh("printf 0123456789", 10_000, 10);
        assert!(!exact.truncated && exact.stdout == b"0123456789");
    }

    #[test]
    fn only_the_end_of_a_long_stderr_is_kept() {
        let f = sh("yes e | head -c 100000 >&2; echo THE-END >&2", 10_000, 10);
        assert_eq!(f.stderr.len(), 16 * 1024);
        assert!(
            f.stderr.ends_with("e\nTHE-END\n"),
            "{:?}",
            &f.stderr[f.stderr.len() - 20..]
        );
    }

    #[test]
    fn a_grandchild_that_drops_its_environment_dies_with_the_group() {
        // No instance token finds it (env -i); only the kill of the process group does, and
        // until then it holds the output pipe open.
        let started = Instant::now();
        let f = sh("env -i sleep 30 & sleep 30", 300, 1024);
        assert!(f.timed_out);
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn a_command_that_cannot_start_says_so() {
        let e = run_to_end(
            &["/nonexistent/driver".to_string()],
            std::path::Path::new("."),
            Duration::from_secs(1),
            10,
        );
        assert!(matches!(e, Err(Error::Adapter(m)) if m.contains("cannot start")));
    }
}
