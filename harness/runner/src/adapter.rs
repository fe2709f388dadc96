//! Supervising one adapter process: start it, send requests (one at a time, or several in
//! flight for an adapter that pipelines), match each answer to its request by id, and say
//! precisely what went wrong when it does not answer properly.
//!
//! Owns: the process (its own process group and an instance token its children inherit,
//! both ended with it), a writer thread (so a request the adapter does not read cannot
//! stall the run past the deadline), a stdout reader thread that splits lines into a
//! bounded queue and never holds more than [`MAX_ANSWER`] bytes of one answer, a stderr ring
//! buffer with bounded per-request slices, and the classification of every exchange: a
//! response, a timeout (with the partial line), a crash (exit status, seen when the process
//! exits even if a child still holds its stdout), or a protocol violation (the offending
//! bytes, or the size of an oversized answer). Never retries: one request, one outcome.
//! Does not own scoring, restart policy, or how deadlines of pipelined requests are counted
//! (the run's).
// Process groups, signals and reaping go through libc; each unsafe block says why it is sound.
#![allow(unsafe_code)]

use crate::Error;
use crate::protocol::{Op, Response};
use crate::reaper;
use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use trace_protocol::Body;

/// The largest answer (one protocol line) accepted: 1 MiB. A longer line is read to its end
/// without being kept (its first bytes and its size go into the finding) and is a protocol
/// violation. PROTOCOL.md states the limit.
pub const MAX_ANSWER: usize = 1024 * 1024;
/// stderr kept per adapter process (the last 256 KiB).
pub const STDERR_KEEP: usize = 256 * 1024;
/// stderr kept per exchange for the reports (the last 16 KiB of what it wrote).
pub const STDERR_PER_EXCHANGE: usize = 16 * 1024;
/// Bytes of offending output kept in a finding.
const EXCERPT: usize = 4096;
/// Lines read ahead of the runner; beyond them the reader waits (and so does the adapter).
const QUEUE: usize = 16;
/// The most requests the runner keeps in flight to one adapter (the `pipeline` capability
/// is capped at it); the writer thread's queue holds that many, so sending never waits.
pub const MAX_PIPELINE: usize = 64;
/// How often a waiting exchange checks whether the process has exited.
const EXIT_POLL: Duration = Duration::from_millis(20);
/// How long an exited adapter's last output may take to arrive through the reader thread.
const EXIT_DRAIN: Duration = Duration::from_millis(200);

enum Event {
    Line(Vec<u8>),
    /// A line longer than MAX_ANSWER: its first bytes and its length.
    Oversized(Vec<u8>, usize),
    /// Writing a request failed (the adapter closed its stdin or exited).
    WriteFailed(String),
    Eof,
}

/// stderr written so far: the kept tail and the total count, for per-request slices.
#[derive(Default)]
struct StderrLog {
    tail: Vec<u8>,
    total: usize,
}

/// What one exchange produced.
#[derive(Clone, Debug)]
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

/// The most of an adapter's `message` a finding keeps, in characters.
pub const MESSAGE_CHARS: usize = 2000;

impl Exchange {
    /// What happened, in a sentence for a person.
    pub fn describe(&self) -> String {
        let q = trace_untrusted::escape::quoted;
        match self {
            Exchange::Response { response, .. } => match (&response.schema_problem, &response.message) {
                (Some(p), _) => p.clone(),
                (None, Some(m)) => format!(
                    "answered {}: {}",
                    response.status.word(),
                    trace_untrusted::escape::excerpt(m, MESSAGE_CHARS)
                ),
                (None, None) => format!("answered {}", response.status.word()),
            },
            Exchange::Timeout { partial, .. } if partial.is_empty() => "no answer before the deadline".into(),
            Exchange::Timeout { partial, .. } => {
                format!("no complete answer before the deadline (partial line {})", q(partial))
            }
            Exchange::Crash { exit, partial, .. } if partial.is_empty() => format!("the adapter {exit}"),
            Exchange::Crash { exit, partial, .. } => format!("the adapter {exit} (partial line {})", q(partial)),
            Exchange::Violation { line, reason, .. } => format!("{reason}: {}", q(line)),
        }
    }
}

/// A request handed to the adapter and not yet answered.
#[derive(Debug)]
pub struct InFlight {
    pub id: String,
    op: Option<Op>,
    /// stderr written before it was sent.
    mark: usize,
    /// When it was handed to the writer thread.
    pub sent: Instant,
}

/// What waiting for the next answer produced.
#[derive(Debug)]
pub enum Received {
    /// The answer to the request at this index of those in flight (always an
    /// [`Exchange::Response`]).
    Answer(usize, Exchange),
    /// A timeout, crash or violation: the adapter is out of step with every request in flight.
    Trouble(Exchange),
}

pub struct Adapter {
    argv: Vec<String>,
    child: Child,
    /// Requests for the writer thread; dropping it closes the adapter's stdin.
    requests: Option<SyncSender<Vec<u8>>>,
    events: Receiver<Event>,
    partial: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<StderrLog>>,
    token: String,
    /// Set once the process has been waited for.
    exited: Option<std::process::ExitStatus>,
    /// Set once the group and the token's processes have been ended.
    ended: bool,
    /// Why writing a request failed, once it has: the adapter stopped reading. What it
    /// already wrote may still answer requests in flight, so this is reported only after.
    write_failed: Option<String>,
}

fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT)]).into_owned()
}

/// Why a line is not a protocol response, in the adapter author's terms.
fn not_a_response(bytes: &[u8], e: &serde_json::Error) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Err(_) => "a line on stdout that is not JSON: stdout carries protocol lines only (write logs to stderr)".into(),
        Ok(v) if !v.is_object() => "a JSON line that is not an object: each response is one JSON object".into(),
        Ok(_) => {
            // serde's own words without its position (the line is quoted beside it).
            let text = e.to_string();
            let what = text.split(" at line ").next().unwrap_or(&text).replace('`', "");
            let what = trace_untrusted::escape::excerpt(&what, 300);
            format!("a JSON object that is not a protocol response: {what} (PROTOCOL.md, section 2)")
        }
    }
}

/// Why `program` did not start, saying where it was looked for: a name with a slash is a
/// path from the adapter's working directory, a bare name is searched on PATH.
fn cannot_start(program: &str, cwd: &std::path::Path, e: &std::io::Error) -> String {
    let q = trace_untrusted::escape::quoted;
    let looked = if program.contains('/') {
        let rel: std::path::PathBuf = std::path::Path::new(program)
            .components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect();
        let p = cwd.join(rel);
        format!("looked for {}", q(&p.to_string_lossy()))
    } else {
        "looked for it on PATH".to_string()
    };
    format!("cannot start {}: {e} ({looked})", q(program))
}

impl Adapter {
    /// Starts `argv` in its own process group with the protocol environment.
    pub fn start(argv: &[String], cwd: &std::path::Path) -> Result<Adapter, Error> {
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| Error::Adapter("empty adapter command".into()))?;
        let token = reaper::new_token();
        let mut child = Command::new(program)
            .args(args)
            .current_dir(cwd)
            .env("TRACE_CONF_PROTOCOL", "1")
            .env(reaper::INSTANCE_ENV, &token)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|e| Error::Adapter(cannot_start(program, cwd, &e)))?;
        reaper::register(child.id());
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");
        let mut stdin = child.stdin.take().expect("piped stdin");
        let (tx, events) = sync_channel(QUEUE);
        let partial = Arc::new(Mutex::new(Vec::new()));
        let partial_w = Arc::clone(&partial);
        let reader_tx = tx.clone();
        std::thread::spawn(move || read_lines(stdout, &reader_tx, &partial_w));
        let (requests, queued) = sync_channel::<Vec<u8>>(MAX_PIPELINE);
        std::thread::spawn(move || {
            block_sigpipe();
            for line in queued {
                if let Err(e) = stdin.write_all(&line).and_then(|_| stdin.flush()) {
                    let _ = tx.send(Event::WriteFailed(e.to_string()));
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
        Ok(Adapter {
            argv: argv.to_vec(),
            child,
            requests: Some(requests),
            events,
            partial,
            stderr,
            token,
            exited: None,
            ended: false,
            write_failed: None,
        })
    }

    pub fn argv(&self) -> &[String] {
        &self.argv
    }

    /// The process's peak resident set so far in kB (`VmHWM` of /proc), where the system
    /// says; the adapter's own children are not counted.
    pub fn peak_memory_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.trim_start_matches("VmHWM:")
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    }

    fn stderr_mark(&self) -> usize {
        self.stderr.lock().expect("lock").total
    }

    /// stderr written since `mark`: at most its last [`STDERR_PER_EXCHANGE`] bytes, with a
    /// note of how much came before.
    fn stderr_since(&self, mark: usize) -> String {
        let log = self.stderr.lock().expect("lock");
        let new = log.total - mark;
        let kept = new.min(STDERR_PER_EXCHANGE).min(log.tail.len());
        let text = String::from_utf8_lossy(&log.tail[log.tail.len() - kept..]).into_owned();
        if kept < new {
            format!("[{} earlier bytes of stderr not kept]\n{text}", new - kept)
        } else {
            text
        }
    }

    /// The exit status, if the process has exited (waited for once, then remembered). The
    /// moment it is found, what is left of its process group is killed: the group id still
    /// names it while members remain, and can name nothing else until they are gone.
    fn poll_exit(&mut self) -> Option<std::process::ExitStatus> {
        if self.exited.is_none() {
            self.exited = self.child.try_wait().ok().flatten();
            if self.exited.is_some() {
                self.kill_group();
            }
        }
        self.exited
    }

    fn kill_group(&self) {
        // SAFETY: kill(2) with a negative pid signals the process group we created.
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
    }

    fn exit_status(&mut self) -> String {
        for _ in 0..50 {
            if let Some(status) = self.poll_exit() {
                return describe_exit(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        "stdout closed; the process is still running".into()
    }

    fn crash(&mut self, mark: usize, why: Option<String>) -> Exchange {
        let partial = excerpt(&self.partial.lock().expect("lock"));
        let exit = self.exit_status();
        Exchange::Crash {
            exit: match why {
                Some(w) => format!("{exit} ({w})"),
                None => exit,
            },
            partial,
            stderr: self.stderr_since(mark),
        }
    }

    /// Sends one request and waits for its response until `deadline`. The deadline covers
    /// the write too: a request is handed to the writer thread, so an adapter that does not
    /// read its input times out like one that does not answer. An adapter that exits
    /// without answering is a crash as soon as it exits, even while a child it left holds
    /// its stdout open.
    pub fn exchange(&mut self, request: &Value, deadline: Duration) -> Exchange {
        let until = Instant::now() + deadline;
        let sent = match self.send(request) {
            Ok(sent) => sent,
            Err(trouble) => return *trouble,
        };
        match self.receive(std::slice::from_ref(&sent), until) {
            Received::Answer(_, exchange) | Received::Trouble(exchange) => exchange,
        }
    }

    /// Hands one request to the writer thread without waiting for its answer (a pipelining
    /// adapter may hold several). Fails as a timeout when the writer still holds earlier
    /// requests the adapter has not read, and as a crash when its stdin is gone.
    pub fn send(&mut self, request: &Value) -> Result<InFlight, Box<Exchange>> {
        let mark = self.stderr_mark();
        let id = request
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        // An operation protocol v1 lacks (a test's) has no schema to check the answer by.
        let op = request.get("op").and_then(Value::as_str).and_then(Op::parse);
        let mut line = serde_json::to_vec(request).expect("requests serialize");
        line.push(b'\n');
        match self.requests.as_ref().map(|r| r.try_send(line)) {
            Some(Ok(())) => Ok(InFlight {
                id,
                op,
                mark,
                sent: Instant::now(),
            }),
            Some(Err(TrySendError::Full(_))) => Err(Box::new(Exchange::Timeout {
                partial: "(the adapter has not read its previous requests)".into(),
                stderr: self.stderr_since(mark),
            })),
            Some(Err(TrySendError::Disconnected(_))) | None => {
                Err(Box::new(self.crash(mark, Some("stdin closed".into()))))
            }
        }
    }

    /// Waits until `until` for the next line on stdout and says which of the requests in
    /// `in_flight` it answers. Anything else (no complete line in time, the end of the
    /// process, a line that answers none of them) is trouble the caller cannot pin on one
    /// request: its stderr is everything written since the oldest of them was sent.
    pub fn receive(&mut self, in_flight: &[InFlight], until: Instant) -> Received {
        let mark = in_flight
            .iter()
            .map(|f| f.mark)
            .min()
            .unwrap_or_else(|| self.stderr_mark());
        loop {
            if let Some(e) = self.write_failed.clone() {
                // The adapter stopped reading: what it writes until it ends (or until the
                // deadline) still answers the requests in flight.
                let left = until.saturating_duration_since(Instant::now());
                return match self.events.recv_timeout(left.max(EXIT_DRAIN)) {
                    Ok(Event::Line(bytes)) => self.answer(&bytes, in_flight, mark),
                    _ => Received::Trouble(self.crash(mark, Some(format!("writing the request failed: {e}")))),
                };
            }
            let left = until.saturating_duration_since(Instant::now());
            let event = match self.events.recv_timeout(left.min(EXIT_POLL)) {
                Ok(event) => event,
                Err(RecvTimeoutError::Disconnected) => Event::Eof,
                Err(RecvTimeoutError::Timeout) => {
                    if self.poll_exit().is_some() {
                        // Exited: a line it wrote just before may still be on its way
                        // through the reader thread; wait briefly for it or for the end.
                        match self.events.recv_timeout(EXIT_DRAIN) {
                            Ok(event) => event,
                            Err(_) => return Received::Trouble(self.crash(mark, None)),
                        }
                    } else if left.is_zero() {
                        let partial = excerpt(&self.partial.lock().expect("lock"));
                        return Received::Trouble(Exchange::Timeout {
                            partial,
                            stderr: self.stderr_since(mark),
                        });
                    } else {
                        continue;
                    }
                }
            };
            return match event {
                Event::Line(bytes) => self.answer(&bytes, in_flight, mark),
                Event::Oversized(head, size) => Received::Trouble(Exchange::Violation {
                    line: excerpt(&head),
                    reason: format!("an answer of {size} bytes, over the limit of {MAX_ANSWER}"),
                    stderr: self.stderr_since(mark),
                }),
                Event::WriteFailed(e) => {
                    self.write_failed = Some(e);
                    continue;
                }
                Event::Eof => Received::Trouble(self.crash(mark, None)),
            };
        }
    }

    fn answer(&mut self, bytes: &[u8], in_flight: &[InFlight], mark: usize) -> Received {
        let violation = |reason: String, stderr: String| {
            Received::Trouble(Exchange::Violation {
                line: excerpt(bytes),
                reason,
                stderr,
            })
        };
        let parsed = serde_json::from_slice::<Value>(bytes)
            .and_then(|v| serde::Deserialize::deserialize(&v).map(|r: Response| (r, v)));
        let (mut response, answer) = match parsed {
            Ok(parsed) => parsed,
            Err(e) => return violation(not_a_response(bytes, &e), self.settled_stderr(mark)),
        };
        if response.trace_adapter != crate::protocol::PROTOCOL_VERSION {
            let reason = format!("trace_adapter is {}, not 1", response.trace_adapter);
            return violation(reason, self.settled_stderr(mark));
        }
        let Some(k) = in_flight.iter().position(|f| f.id == response.id) else {
            let q = trace_untrusted::escape::quoted;
            let reason = match in_flight {
                [one] => format!("response id {} does not answer request {}", q(&response.id), q(&one.id)),
                many => format!(
                    "response id {} answers none of the {} requests in flight",
                    q(&response.id),
                    many.len()
                ),
            };
            return violation(reason, self.settled_stderr(mark));
        };
        // In step with the adapter, so no restart: the caller scores a schema problem.
        response.schema_problem = in_flight[k]
            .op
            .and_then(|op| crate::contract::answer_problem(op, &answer));
        let stderr = self.settled_stderr(in_flight[k].mark);
        Received::Answer(k, Exchange::Response { response, stderr })
    }

    /// stderr written since `mark`. An adapter that wrote some while answering gets a moment
    /// for the rest of it to drain; one that wrote none is not slowed down (the runner also
    /// measures throughput through this call).
    fn settled_stderr(&self, mark: usize) -> String {
        if self.stderr_mark() != mark {
            std::thread::sleep(Duration::from_millis(2));
        }
        self.stderr_since(mark)
    }

    /// Asks the adapter to stop, then makes sure the whole process group is gone.
    pub fn shutdown(mut self) {
        let req = crate::protocol::simple_request(&crate::protocol::next_id("shutdown"), Body::Shutdown);
        let _ = self.exchange(&req, Duration::from_secs(2));
        self.requests.take();
        for _ in 0..100 {
            if self.poll_exit().is_some() {
                self.end_all();
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
    }

    /// Kills the process group at once (after a timeout or a protocol violation).
    pub fn kill(mut self) {
        self.end_all();
    }

    /// Ends the process group, every process carrying this adapter's token (children that
    /// left the group), and waits for the adapter itself.
    fn end_all(&mut self) {
        if self.exited.is_none() {
            // Not yet reaped, so the group id is still ours.
            self.kill_group();
            let _ = self.child.kill();
            self.exited = self.child.wait().ok();
        }
        reaper::end_instance(&self.token);
        reaper::unregister(self.child.id());
        self.ended = true;
    }
}

/// Writing to an adapter that has exited must be an error the writer sees (EPIPE), not a
/// SIGPIPE that ends the whole run: the signal is blocked in the writer thread, where it is
/// raised (a pending thread-directed signal is discarded with the thread).
fn block_sigpipe() {
    // SAFETY: a zeroed sigset_t is initialised by sigemptyset before use; pthread_sigmask
    // changes only the calling thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// Reads stdout into lines for the queue. A line over [`MAX_ANSWER`] is not kept: its first
/// bytes are, the rest is counted and dropped up to its end, then reading goes on.
fn read_lines(mut stdout: impl Read, tx: &SyncSender<Event>, partial: &Mutex<Vec<u8>>) {
    let mut buf = vec![0u8; 64 * 1024];
    // (first bytes, length so far) of a line being dropped.
    let mut dropping: Option<(Vec<u8>, usize)> = None;
    loop {
        let n = match stdout.read(&mut buf) {
            Ok(0) | Err(_) => {
                let _ = tx.send(Event::Eof);
                return;
            }
            Ok(n) => n,
        };
        let mut chunk = &buf[..n];
        if let Some((head, size)) = dropping.as_mut() {
            match chunk.iter().position(|b| *b == b'\n') {
                None => {
                    *size += chunk.len();
                    continue;
                }
                Some(at) => {
                    let event = Event::Oversized(std::mem::take(head), *size + at);
                    dropping = None;
                    if tx.send(event).is_err() {
                        return;
                    }
                    chunk = &chunk[at + 1..];
                }
            }
        }
        let mut lines = Vec::new();
        {
            let mut pending = partial.lock().expect("lock");
            // Only the new bytes can hold a newline: the kept partial line was scanned before.
            let mut from = pending.len();
            pending.extend_from_slice(chunk);
            while let Some(i) = pending[from..].iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=from + i).collect();
                lines.push(line[..line.len() - 1].to_vec());
                from = 0;
            }
            if pending.len() > MAX_ANSWER {
                dropping = Some((pending[..EXCERPT].to_vec(), pending.len()));
                pending.clear();
            }
        }
        for line in lines {
            let event = if line.len() > MAX_ANSWER {
                Event::Oversized(line[..EXCERPT].to_vec(), line.len())
            } else {
                Event::Line(line)
            };
            if tx.send(event).is_err() {
                return;
            }
        }
    }
}

impl Drop for Adapter {
    fn drop(&mut self) {
        if !self.ended {
            self.end_all();
        }
    }
}

pub(crate) fn describe_exit(status: std::process::ExitStatus) -> String {
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
