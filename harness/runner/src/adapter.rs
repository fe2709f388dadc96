//! Supervising one adapter process: start it, exchange one request at a time under a
//! deadline, and say precisely what went wrong when it does not answer properly.
//!
//! Owns: the process (its own process group, killed as a group), a stdout reader thread
//! that splits lines and remembers a partial line, a stderr ring buffer with per-request
//! slices, and the classification of every exchange: a response, a timeout (with the
//! partial line), a crash (exit status), or a protocol violation (the offending bytes).
//! Never retries: one request, one outcome. Does not own scoring or restart policy.

use crate::protocol::Response;
use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The longest protocol line accepted (16 MiB).
pub const MAX_LINE: usize = 16 * 1024 * 1024;
/// stderr kept per adapter process (the last 256 KiB).
pub const STDERR_KEEP: usize = 256 * 1024;
/// Bytes of offending output kept in a finding.
const EXCERPT: usize = 4096;

enum Event {
    Line(Vec<u8>),
    /// A line longer than MAX_LINE (its first bytes).
    Oversized(Vec<u8>),
    Eof,
}

/// stderr written so far: the kept tail and the total count, for per-request slices.
#[derive(Default)]
struct StderrLog {
    tail: Vec<u8>,
    total: usize,
}

/// What one exchange produced.
#[derive(Debug)]
pub enum Exchange {
    Response {
        response: Response,
        stderr: String,
    },
    /// No complete line before the deadline; `partial` holds bytes of an unfinished line.
    Timeout {
        partial: String,
        stderr: String,
    },
    /// The process ended (or closed stdout) with the request in flight.
    Crash {
        exit: String,
        partial: String,
        stderr: String,
    },
    /// A line that is not a protocol response for this request.
    Violation {
        line: String,
        reason: String,
        stderr: String,
    },
}

pub struct Adapter {
    argv: Vec<String>,
    child: Child,
    stdin: Option<ChildStdin>,
    events: Receiver<Event>,
    partial: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<StderrLog>>,
}

fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT)]).into_owned()
}

impl Adapter {
    /// Starts `argv` in its own process group with the protocol environment.
    pub fn start(argv: &[String], cwd: &std::path::Path) -> Result<Adapter, String> {
        let (program, args) = argv.split_first().ok_or("empty adapter command")?;
        let mut child = Command::new(program)
            .args(args)
            .current_dir(cwd)
            .env("TRACE_CONF_PROTOCOL", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {program:?}: {e}"))?;
        let mut stdout = child.stdout.take().expect("piped stdout");
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");
        let (tx, events) = channel();
        let partial = Arc::new(Mutex::new(Vec::new()));
        let partial_w = Arc::clone(&partial);
        std::thread::spawn(move || {
            let mut buf = [0u8; 64 * 1024];
            loop {
                let n = match stdout.read(&mut buf) {
                    Ok(0) | Err(_) => {
                        let _ = tx.send(Event::Eof);
                        return;
                    }
                    Ok(n) => n,
                };
                let mut pending = partial_w.lock().expect("lock");
                pending.extend_from_slice(&buf[..n]);
                while let Some(at) = pending.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = pending.drain(..=at).collect();
                    if tx.send(Event::Line(line[..line.len() - 1].to_vec())).is_err() {
                        return;
                    }
                }
                if pending.len() > MAX_LINE {
                    let head = pending[..EXCERPT].to_vec();
                    pending.clear();
                    let _ = tx.send(Event::Oversized(head));
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(StderrLog::default()));
        let stderr_w = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    return;
                }
                let mut log = stderr_w.lock().expect("lock");
                log.tail.extend_from_slice(&buf[..n]);
                log.total += n;
                if log.tail.len() > STDERR_KEEP {
                    let cut = log.tail.len() - STDERR_KEEP;
                    log.tail.drain(..cut);
                }
            }
        });
        let stdin = child.stdin.take();
        Ok(Adapter {
            argv: argv.to_vec(),
            child,
            stdin,
            events,
            partial,
            stderr,
        })
    }

    pub fn argv(&self) -> &[String] {
        &self.argv
    }

    fn stderr_mark(&self) -> usize {
        self.stderr.lock().expect("lock").total
    }

    /// stderr written since `mark` (as much of it as is still kept).
    fn stderr_since(&self, mark: usize) -> String {
        let log = self.stderr.lock().expect("lock");
        let new = log.total - mark;
        let start = log.tail.len().saturating_sub(new);
        String::from_utf8_lossy(&log.tail[start..]).into_owned()
    }

    fn exit_status(&mut self) -> String {
        for _ in 0..50 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return describe_exit(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        "stdout closed; the process is still running".into()
    }

    /// Sends one request and waits for its response until `deadline`.
    pub fn exchange(&mut self, request: &Value, deadline: Duration) -> Exchange {
        let mark = self.stderr_mark();
        let id = request
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut line = serde_json::to_vec(request).expect("requests serialize");
        line.push(b'\n');
        let sent = match self.stdin.as_mut() {
            Some(stdin) => stdin.write_all(&line).and_then(|_| stdin.flush()),
            None => Err(std::io::Error::other("stdin closed")),
        };
        if sent.is_err() {
            let exit = self.exit_status();
            return Exchange::Crash {
                exit,
                partial: String::new(),
                stderr: self.stderr_since(mark),
            };
        }
        match self.events.recv_timeout(deadline) {
            Ok(Event::Line(bytes)) => {
                // An adapter that wrote diagnostics while answering gets a moment for the
                // rest of them to drain; one that wrote none is not slowed down (the runner
                // also measures throughput through this call).
                if self.stderr_mark() != mark {
                    std::thread::sleep(Duration::from_millis(2));
                }
                let stderr = self.stderr_since(mark);
                match serde_json::from_slice::<Response>(&bytes) {
                    Ok(r) if r.trace_adapter != crate::protocol::PROTOCOL_VERSION => Exchange::Violation {
                        line: excerpt(&bytes),
                        reason: format!("trace_adapter is {}, not 1", r.trace_adapter),
                        stderr,
                    },
                    Ok(r) if r.id != id => Exchange::Violation {
                        line: excerpt(&bytes),
                        reason: format!("response id {:?} does not answer request {id:?}", r.id),
                        stderr,
                    },
                    Ok(response) => Exchange::Response { response, stderr },
                    Err(e) => Exchange::Violation {
                        line: excerpt(&bytes),
                        reason: format!("not a protocol response: {e}"),
                        stderr,
                    },
                }
            }
            Ok(Event::Oversized(head)) => Exchange::Violation {
                line: excerpt(&head),
                reason: format!("a line longer than {MAX_LINE} bytes"),
                stderr: self.stderr_since(mark),
            },
            Ok(Event::Eof) | Err(RecvTimeoutError::Disconnected) => {
                let partial = excerpt(&self.partial.lock().expect("lock"));
                let exit = self.exit_status();
                Exchange::Crash {
                    exit,
                    partial,
                    stderr: self.stderr_since(mark),
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                let partial = excerpt(&self.partial.lock().expect("lock"));
                Exchange::Timeout {
                    partial,
                    stderr: self.stderr_since(mark),
                }
            }
        }
    }

    /// Asks the adapter to stop, then makes sure the whole process group is gone.
    pub fn shutdown(mut self) {
        let req = crate::protocol::simple_request(&crate::protocol::next_id("shutdown"), "shutdown");
        let _ = self.exchange(&req, Duration::from_secs(2));
        self.stdin.take();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                self.kill_group();
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
    }

    /// Kills the process group at once (after a timeout or a protocol violation).
    pub fn kill(mut self) {
        self.kill_group();
        let _ = self.child.wait();
    }

    fn kill_group(&mut self) {
        let pid = self.child.id() as i32;
        // SAFETY: kill(2) with a negative pid signals the process group we created.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
        let _ = self.child.kill();
    }
}

impl Drop for Adapter {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.kill_group();
            let _ = self.child.wait();
        }
    }
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(sig)) => format!(
            "killed by signal {sig}{}",
            if status.core_dumped() { " (core dumped)" } else { "" }
        ),
        _ => "ended".into(),
    }
}
