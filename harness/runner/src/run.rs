//! One run: the selected vectors through one implementation's adapter, each with exactly
//! one outcome from the closed set.
//!
//! Owns: the handshake, capability checks (`not_claimed`), turning a response into an
//! observation and a score, dividing the vectors across `jobs` adapter processes (each
//! driven by a `worker`, which owns sending, deadlines and restarts), and the level
//! reached. Does not own reports.

use crate::Error;
use crate::adapter::{Adapter, Exchange, MESSAGE_CHARS};
use crate::outcome::Outcome;
use crate::profile::Profile;
use crate::protocol::{self, Capabilities, ErrorDetail, HelloResult, Implementation, Op, ResponseStatus};
use crate::worker::{Shared, Worker};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use trace_record::{Verdict, b64};
use trace_untrusted::escape::{excerpt, quoted};
use trace_vector_format::format::{Context, Expected, Outcome as Expect, Test};
use trace_vector_format::score::{Detail, Observed, Score};

/// Requests kept in flight to an adapter that claims `pipeline`, unless the run says otherwise.
pub const DEFAULT_PIPELINE: usize = 16;

pub struct RunOptions {
    pub adapter: Vec<String>,
    pub profile: Profile,
    pub deadline: Duration,
    pub hello_deadline: Duration,
    pub restart_budget: usize,
    pub jobs: usize,
    /// The most requests kept in flight to one adapter process when it claims `pipeline`
    /// (1: one at a time whatever it claims).
    pub pipeline: usize,
    /// Called after every vector with (done, total).
    pub progress: Option<Arc<dyn Fn(usize, usize) + Send + Sync>>,
}

/// One vector to run, with the context of its group.
#[derive(Clone)]
pub struct Work {
    pub ctx: Context,
    pub test: Test,
    pub module: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CaseResult {
    pub id: String,
    pub module: String,
    pub op: Op,
    pub format: String,
    pub platform: String,
    pub level: u8,
    pub rules: Vec<String>,
    /// The signature algorithm the input needs, when it has one.
    pub alg: Option<String>,
    /// The vector's description, comment, spec statements, and what its expectation rests
    /// on: a spec statement, a suite decision or an implementation-defined profile
    /// (docs/decisions.md).
    pub explanation: trace_vector_format::explanation::Explanation,
    /// The request line exactly as the adapter was sent it (without its newline), when one
    /// was sent.
    pub request: Option<String>,
    pub outcome: Outcome,
    pub flaky: bool,
    pub detail: String,
    pub expected: Expected,
    /// The adapter's result (or the offending output), when there was one.
    pub actual: Option<Value>,
    pub stderr: String,
    pub duration_ms: u64,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunResult {
    pub adapter: Vec<String>,
    pub implementation: Implementation,
    pub capabilities: Capabilities,
    pub cases: Vec<CaseResult>,
    /// False when some vectors were not run (restart budget exhausted, adapter never started).
    pub complete: bool,
    pub startup_error: Option<String>,
    pub restarts: usize,
    /// The vector set the run used (set by the caller that loaded it).
    pub vector_set: Option<trace_vector_format::load::SetInfo>,
    /// When the run began, UTC (RFC 3339); shown in the HTML report only, so that the
    /// published summaries stay reproducible.
    pub started_at: Option<String>,
    /// The implementation the known-failure profile was written for, when it is not this
    /// one (another release: IMPL-41); set by the caller that loaded the profile.
    #[serde(default)]
    pub profile_written_for: Option<crate::profile::ProfileImplementation>,
}

impl RunResult {
    pub fn unexpected(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| c.outcome.is_unexpected() && !c.flaky)
    }
    /// True when every executed vector ended in adapter trouble. Never for a producer's run:
    /// its harness errors are unreadable log lines, reported as results (PROTOCOL.md §10).
    pub fn adapter_looks_broken(&self) -> bool {
        if crate::producer::is_producer_run(self) {
            return false;
        }
        let executed: Vec<_> = self
            .cases
            .iter()
            .filter(|c| !matches!(c.outcome, Outcome::NotClaimed | Outcome::Skipped | Outcome::NotRun))
            .collect();
        !executed.is_empty() && executed.iter().all(|c| c.outcome.is_adapter_trouble())
    }
    /// The highest level L such that a valid vector at L passed and nothing unexpected
    /// happened at any level up to L.
    pub fn level_reached(&self) -> Option<u8> {
        level_reached_by(&self.cases.iter().collect::<Vec<_>>())
    }
}

/// The highest level L such that no case at or below L is unexpected and each level up to
/// L has a passing valid vector; None when Level 0 is not reached.
pub fn level_reached_by(cases: &[&CaseResult]) -> Option<u8> {
    let mut reached = None;
    for level in 0..=2u8 {
        let bad = cases
            .iter()
            .any(|c| c.level <= level && c.outcome.is_unexpected() && !c.flaky);
        let positive = cases
            .iter()
            .any(|c| c.level == level && c.outcome == Outcome::Pass && c.expected.result == Expect::Valid);
        if bad || !positive {
            break;
        }
        reached = Some(level);
    }
    reached
}

/// Sends `hello` and checks the answer: an adapter that does not answer it as protocol v1
/// with a named implementation cannot be driven.
pub fn handshake(adapter: &mut Adapter, deadline: Duration) -> Result<HelloResult, Error> {
    hello(adapter, deadline).map_err(Error::Adapter)
}

fn hello(adapter: &mut Adapter, deadline: Duration) -> Result<HelloResult, String> {
    let id = protocol::next_id("hello");
    match adapter.exchange(&protocol::hello_request(&id), deadline) {
        Exchange::Response { response, stderr } => {
            if response.status != ResponseStatus::Ok {
                return Err(format!(
                    "hello answered {}: {}",
                    response.status.word(),
                    excerpt(&response.message.unwrap_or_default(), MESSAGE_CHARS)
                ));
            }
            let hello: HelloResult = serde_json::from_value(response.result.unwrap_or(Value::Null))
                .map_err(|e| format!("hello result is not protocol v1: {e}; stderr: {stderr}"))?;
            if hello.protocol != protocol::PROTOCOL_VERSION {
                return Err(format!(
                    "adapter chose protocol {}, the runner speaks 1..=1",
                    hello.protocol
                ));
            }
            if hello.implementation.name.is_empty()
                || matches!(hello.implementation.version.as_str(), "" | "main" | "master")
            {
                return Err(format!(
                    "hello must name the implementation and a real version, got name {} and version {}",
                    quoted(&hello.implementation.name),
                    quoted(&hello.implementation.version)
                ));
            }
            if let Some(problem) = response.schema_problem {
                return Err(format!("hello: {problem}"));
            }
            Ok(hello)
        }
        Exchange::Timeout { partial, stderr } => Err(format!(
            "no hello within {} ms{}; stderr: {stderr}",
            deadline.as_millis(),
            if partial.is_empty() {
                String::new()
            } else {
                format!(" (partial output {})", quoted(&partial))
            }
        )),
        Exchange::Crash { exit, stderr, .. } => Err(format!("adapter {exit} before answering hello; stderr: {stderr}")),
        Exchange::Violation { line, reason, stderr } => {
            Err(format!("hello: {reason}: {}; stderr: {stderr}", quoted(&line)))
        }
    }
}

/// Why a vector is outside the claimed capabilities, if it is.
pub fn not_claimed(caps: &Capabilities, w: &Work) -> Option<String> {
    let c = &w.ctx;
    let profile = if c.strict {
        format!("{}-strict", c.profile)
    } else {
        c.profile.clone()
    };
    let kind = c.record_kind.as_deref().unwrap_or("trust-record");
    let input = |name: &str, given: bool| c.op != Op::Verify || !given || caps.inputs.iter().any(|i| i == name);
    let checks: [(bool, String); 13] = [
        (caps.claims(c.op), format!("op {}", c.op)),
        (
            c.op != Op::Verify || caps.formats.contains(&c.format),
            format!("format {}", c.format),
        ),
        (
            w.test.alg.as_ref().is_none_or(|a| caps.algs.contains(a)),
            format!("alg {}", w.test.alg.as_deref().unwrap_or_default()),
        ),
        (
            c.op != Op::Verify || caps.levels.contains(&c.level),
            format!("level {}", c.level),
        ),
        (
            c.op != Op::Verify || caps.platforms.contains(&c.platform),
            format!("platform {}", c.platform),
        ),
        (
            c.op != Op::Verify || caps.profiles.contains(&profile),
            format!("profile {profile}"),
        ),
        (
            c.op != Op::Verify || caps.record_kinds.as_ref().is_none_or(|k| k.iter().any(|k| k == kind)),
            format!("record kind {kind}"),
        ),
        (input("inclusion", c.inclusion.is_some()), "input inclusion".to_string()),
        (
            input("revocation", c.revocation.is_some()),
            "input revocation".to_string(),
        ),
        (input("evidence", c.evidence.is_some()), "input evidence".to_string()),
        (input("policy", c.policy.is_some()), "input policy".to_string()),
        (
            input("reference_values", c.reference_values.is_some()),
            "input reference_values".to_string(),
        ),
        (
            input("deployment", c.deployment.is_some()),
            "input deployment".to_string(),
        ),
    ];
    checks
        .into_iter()
        .find(|(ok, _)| !ok)
        .map(|(_, what)| format!("not claimed: {what}"))
}

/// For an `acceptable` vector scored as invalid because the implementation did not declare
/// every flag it depends on: the hint to declare them, if accepting is its choice.
pub(crate) fn undeclared_flags(expected: &Expected, caps: &Capabilities) -> Option<String> {
    if expected.result != Expect::Acceptable {
        return None;
    }
    let missing: Vec<&str> = expected
        .flags
        .iter()
        .filter(|f| !caps.accepts_flags.contains(f))
        .map(String::as_str)
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "either verdict conforms here: this one was scored as invalid because hello did not declare {} in capabilities.accepts_flags; an implementation that accepts such input declares it (PROTOCOL.md, section 3)",
            missing.join(", ")
        )
    })
}

/// The expectation an `acceptable` vector resolves to for this implementation.
pub(crate) fn resolve(expected: &Expected, caps: &Capabilities) -> Expected {
    let mut e = expected.clone();
    if e.result == Expect::Acceptable {
        let accepts = e.flags.iter().all(|f| caps.accepts_flags.contains(f));
        e.result = if accepts { Expect::Valid } else { Expect::Invalid };
    }
    e
}

pub(crate) fn observe(op: Op, result: &Value, caps: &Capabilities, profile: &Profile) -> Result<Observed, String> {
    let verdict = match result.get("verdict").and_then(Value::as_str) {
        Some("accept") => Verdict::Accept,
        Some("reject") => Verdict::Reject,
        Some("unverified") => Verdict::Unverified,
        Some(other) => {
            return Err(format!(
                "result.verdict is {}, not accept, reject or unverified",
                quoted(other)
            ));
        }
        None => return Err("result.verdict is missing or not a string (accept, reject or unverified)".to_string()),
    };
    let list = |name: &str| result.get(name).and_then(Value::as_array).cloned().unwrap_or_default();
    let field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let errors: Vec<(String, String)> = list("errors")
        .iter()
        .map(|e| {
            let class = match field(e, "class") {
                c if !c.is_empty() => c,
                _ => profile.map_native(&field(e, "native")).unwrap_or_default(),
            };
            (field(e, "rule"), class)
        })
        .collect();
    // Rules and classes of advisories: required reports are matched at the detail claimed.
    let warnings = list("warnings")
        .iter()
        .flat_map(|w| [field(w, "rule"), field(w, "class")])
        .filter(|r| !r.is_empty())
        .collect();
    let output = match (
        result.get("output_b64u"),
        trace_vector_format::score::reported_member(op),
    ) {
        (Some(Value::String(s)), _) => {
            Some(b64::decode(s).map_err(|_| "output_b64u is not canonical base64url".to_string())?)
        }
        (_, Some(member)) => match result.get(member) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone().into_bytes()),
            Some(other) => return Err(format!("result.{member} is {other}, not a string")),
        },
        _ => None,
    };
    let detail = detail_of(caps, profile);
    Ok(Observed {
        verdict,
        errors,
        warnings,
        output,
        detail,
    })
}

/// The precision at which an implementation's rejections and reports are matched.
fn detail_of(caps: &Capabilities, profile: &Profile) -> Detail {
    match caps.error_detail {
        ErrorDetail::Rule => Detail::Rule,
        ErrorDetail::Class => Detail::Class,
        ErrorDetail::None if !profile.error_map.is_empty() => Detail::Class,
        ErrorDetail::None => Detail::None,
    }
}

/// Why a vector that requires reports cannot be scored for an implementation that reports
/// no detail: passing it would call a silent verifier compliant with a reporting duty.
pub fn reports_not_claimed(caps: &Capabilities, profile: &Profile, expected: &Expected) -> Option<String> {
    let required = trace_vector_format::score::required_reports(expected);
    (detail_of(caps, profile) == Detail::None && !required.is_empty()).then(|| {
        format!(
            "not claimed: the vector requires the report(s) {} and the adapter reports no error detail (error_detail none), so they cannot be checked",
            required.join(", ")
        )
    })
}

pub(crate) fn outcome_of(s: &Score) -> (Outcome, String) {
    match s {
        Score::Pass => (Outcome::Pass, String::new()),
        Score::FailVerdict {
            unexpected_accept: true,
            detail,
        } => (Outcome::FailVerdictUnexpectedAccept, detail.clone()),
        Score::FailVerdict { detail, .. } => (Outcome::FailVerdict, detail.clone()),
        Score::FailErrorClass { detail } => (Outcome::FailErrorClass, detail.clone()),
        Score::FailOutput { detail } => (Outcome::FailOutput, detail.clone()),
    }
}

/// Runs `work` through the adapter. `Err` only for a run that could not begin.
/// The largest answer result kept whole in the reports (compact JSON bytes); a larger one is
/// kept as its size and an excerpt, so the reports stay small whatever adapters answer.
pub const RESULT_KEPT_BYTES: usize = 64 * 1024;

/// The result as the reports keep it: whole when both its compact and its indented form
/// (reports print it indented, which a deeply nested answer makes far longer) fit in
/// [`RESULT_KEPT_BYTES`]; otherwise its size and an excerpt.
pub(crate) fn kept_in_report(result: &Value) -> Value {
    let text = serde_json::to_string(result).unwrap_or_default();
    // Writing into a buffer of the bound fails once the indented form would pass it.
    let mut room = vec![0u8; RESULT_KEPT_BYTES];
    if text.len() <= RESULT_KEPT_BYTES && serde_json::to_writer_pretty(&mut room[..], result).is_ok() {
        return result.clone();
    }
    let mut cut = 4096;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    serde_json::json!({
        "not_kept": format!(
            "the result is {} bytes of JSON ({} indented), over the {RESULT_KEPT_BYTES} kept in reports",
            text.len(),
            if text.len() <= RESULT_KEPT_BYTES { "more" } else { "at least as many" }
        ),
        "bytes": text.len(),
        "excerpt": &text[..cut],
    })
}

pub fn run(work: Vec<Work>, opts: &RunOptions) -> RunResult {
    // The adapter runs where the runner was started, so relative paths in its command work.
    let cwd = std::env::current_dir().unwrap_or_else(|_| std::env::temp_dir());
    let started_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| trace_record::time::format_utc(d.as_secs() as i64))
        .unwrap_or_default();
    let shared = Shared {
        restarts: AtomicUsize::new(0),
        budget: opts.restart_budget,
        done: AtomicUsize::new(0),
        total: work.len(),
    };
    let jobs = opts.jobs.max(1).min(work.len().max(1));
    let results: Mutex<Vec<(usize, CaseResult)>> = Mutex::new(Vec::new());
    let first_hello: Mutex<Option<Result<HelloResult, String>>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for job in 0..jobs {
            let (shared, results, first_hello, cwd, work) = (&shared, &results, &first_hello, &cwd, &work);
            scope.spawn(move || {
                let start = Adapter::start(&opts.adapter, cwd)
                    .and_then(|mut a| handshake(&mut a, opts.hello_deadline).map(|h| (a, h)));
                let (adapter, hello) = match start {
                    Ok((a, h)) => {
                        // One process that started is enough to name the implementation: a
                        // failed start of another job does not make the run "not started".
                        let mut first = first_hello.lock().expect("lock");
                        if !matches!(*first, Some(Ok(_))) {
                            *first = Some(Ok(h.clone()));
                        }
                        (Some(a), h)
                    }
                    Err(e) => {
                        first_hello.lock().expect("lock").get_or_insert(Err(e.into()));
                        (None, HelloResult::default())
                    }
                };
                let started = adapter.is_some();
                let mut worker = Worker {
                    opts,
                    shared,
                    cwd: cwd.clone(),
                    adapter,
                    hello,
                };
                let share = work.iter().enumerate().filter(|(i, _)| i % jobs == job);
                let mut emit = |i: usize, r: CaseResult| {
                    results.lock().expect("lock").push((i, r));
                    let done = shared.done.fetch_add(1, Ordering::SeqCst) + 1;
                    if let Some(p) = &opts.progress {
                        p(done, shared.total);
                    }
                };
                if started {
                    worker.run_share(share, &mut emit);
                } else {
                    for (i, w) in share {
                        let r = CaseResult {
                            detail: "the adapter did not start".into(),
                            ..skeleton(w)
                        };
                        emit(i, r);
                    }
                }
                if let Some(a) = worker.adapter.take() {
                    a.shutdown();
                }
            });
        }
    });
    let mut cases = results.into_inner().expect("lock");
    cases.sort_by_key(|(i, _)| *i);
    let cases: Vec<CaseResult> = cases.into_iter().map(|(_, r)| r).collect();
    let hello = first_hello.into_inner().expect("lock");
    let (implementation, capabilities, startup_error) = match hello {
        Some(Ok(h)) => (h.implementation, h.capabilities, None),
        Some(Err(e)) => (Implementation::default(), Capabilities::default(), Some(e)),
        None => (Implementation::default(), Capabilities::default(), None),
    };
    let complete = startup_error.is_none() && !cases.iter().any(|c| c.outcome == Outcome::NotRun);
    RunResult {
        adapter: opts.adapter.clone(),
        implementation,
        capabilities,
        cases,
        complete,
        startup_error,
        restarts: shared.restarts.load(Ordering::SeqCst).min(opts.restart_budget),
        vector_set: None,
        started_at: Some(started_at),
        profile_written_for: None,
    }
}

/// A result for `w` with nothing observed yet (outcome `not_run`).
pub(crate) fn skeleton(w: &Work) -> CaseResult {
    CaseResult {
        id: w.test.id.clone(),
        module: w.module.clone(),
        op: w.ctx.op,
        format: w.ctx.format.clone(),
        platform: w.ctx.platform.clone(),
        level: w.ctx.level,
        rules: w
            .test
            .expected
            .error
            .iter()
            .flat_map(|e| e.rules.clone())
            .chain(w.test.expected.controls.clone())
            .collect(),
        alg: w.test.alg.clone(),
        explanation: trace_vector_format::explanation::explain(&w.test),
        request: None,
        outcome: Outcome::NotRun,
        flaky: false,
        detail: String::new(),
        expected: w.test.expected.clone(),
        actual: None,
        stderr: String::new(),
        duration_ms: 0,
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
pub(crate) mod tests;
