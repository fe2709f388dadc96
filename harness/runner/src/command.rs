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
use std::sync::{Arc, Mutex, mpsc};
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
    /// Something it started kept its output open past the deadline (after leaving its
    /// process group and dropping its token); what was read by then is kept.
    pub held_open: bool,
}

fn kill_group(child: &std::process::Child) {
    // SAFETY: kill(2) with a negative pid signals the process group we created; a group
    // that is already gone gives ESRCH.
    unsafe {
        libc::kill(-(child.id() as i32), libc::SIGKILL);
    }
}

const STDERR_KEPT: usize = 16 * 1024;

/// What a reader has kept so far, and whether it passed its limit.
type Kept = Arc<Mutex<(Vec<u8>, bool)>>;

/// Reads `from` to its end into `kept`, keeping at most `limit` bytes (the last ones when
/// `tail`); what it kept is there to take even if the end never comes.
fn drain(mut from: impl Read, kept: &Kept, limit: usize, tail: bool) {
    let mut buf = [0u8; 64 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 {
            break;
        }
        let mut k = kept.lock().expect("lock");
        k.0.extend_from_slice(&buf[..n]);
        if k.0.len() > limit {
            k.1 = true;
            if tail {
                let excess = k.0.len() - limit;
                k.0.drain(..excess);
            } else {
                k.0.truncate(limit);
            }
        }
    }
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
    let (out, err): (Kept, Kept) = Default::default();
    let (done, finished) = mpsc::channel();
    for (pipe, kept, limit, tail) in [
        (Box::new(stdout) as Box<dyn Read + Send>, &out, stdout_limit, false),
        (Box::new(stderr), &err, STDERR_KEPT, true),
    ] {
        let (kept, done) = (Arc::clone(kept), done.clone());
        std::thread::spawn(move || {
            drain(pipe, &kept, limit, tail);
            let _ = done.send(());
        });
    }
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| Error::Io(e.to_string()))? {
            break status;
        }
        if started.elapsed() >= deadline {
            timed_out = true;
            kill_group(&child);
            // The child itself too, should it have moved to another process group.
            let _ = child.kill();
            break child.wait().map_err(|e| Error::Io(e.to_string()))?;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // What it started and left running ends with it: its process group, and whatever
    // carries its token outside the group; then the pipes close and the readers finish.
    kill_group(&child);
    reaper::end_instance(&token);
    reaper::unregister(child.id());
    // A process that left the group and dropped the token can still hold a pipe open: the
    // readers are waited for until the deadline (at least a second after the end), then
    // what they kept is taken as it is.
    let at_deadline = started.checked_add(deadline).unwrap_or_else(Instant::now);
    let until = at_deadline.max(Instant::now() + Duration::from_secs(1));
    let mut held_open = false;
    for _ in 0..2 {
        if finished
            .recv_timeout(until.saturating_duration_since(Instant::now()))
            .is_err()
        {
            held_open = true;
            break;
        }
    }
    let take = |k: &Kept| std::mem::take(&mut *k.lock().expect("lock"));
    let ((stdout, truncated), (stderr, _)) = (take(&out), take(&err));
    Ok(Finished {
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        status: crate::adapter::describe_exit(status),
        success: status.success() && !timed_out && !held_open,
        timed_out,
        truncated,
        held_open,
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
        let f = sh("echo partial; (setsid sleep 30 &) ; sleep 30", 1_000, 1024);
        assert!(f.timed_out && !f.success && !f.held_open, "{f:?}");
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
    fn a_command_that_ends_takes_its_group_with_it() {
        // The driver exits at once; what it left behind without a token would hold stdout
        // open for 30 s if only token holders were ended.
        let started = Instant::now();
        let f = sh("env -i sleep 30 & echo done", 20_000, 1024);
        assert!(f.success && !f.held_open, "{f:?}");
        assert_eq!(f.stdout, b"done\n");
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn output_held_open_until_before_the_deadline_is_read_to_its_end() {
        // Out of the group and without the token, it writes after the command has ended:
        // its output is waited for, as long as the deadline allows.
        // The marker file says the escaped process is running before the command ends.
        let dir = tempfile::tempdir().unwrap();
        let script = format!(
            "(setsid env -i sh -c 'touch {m}; sleep 1.5; echo late' &); until [ -e {m} ]; do sleep 0.01; done; echo early",
            m = dir.path().join("up").display()
        );
        let f = sh(&script, 20_000, 1024);
        assert!(f.success && !f.held_open, "{f:?}");
        assert_eq!(f.stdout, b"early\nlate\n");
    }

    #[test]
    fn output_held_open_past_the_deadline_is_given_up() {
        // Out of the group and without the token: nothing can end it, so it is waited for
        // until the deadline only.
        let started = Instant::now();
        let dir = tempfile::tempdir().unwrap();
        let script = format!(
            "(setsid env -i sh -c 'touch {m}; sleep 8' &); until [ -e {m} ]; do sleep 0.01; done; echo done",
            m = dir.path().join("up").display()
        );
        let f = sh(&script, 1_500, 1024);
        assert!(f.held_open && !f.success && !f.timed_out, "{f:?}");
        assert_eq!(f.stdout, b"done\n");
        assert!(started.elapsed() < Duration::from_secs(6), "{:?}", started.elapsed());
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
