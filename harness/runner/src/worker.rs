//! One adapter process's share of a run: each vector prepared, sent, answered and scored,
//! with up to the adapter's `pipeline` claim in flight at once.
//!
//! Owns: what a vector becomes without the adapter (skipped, not claimed, no request),
//! keeping requests in flight, the deadline (it runs for the oldest request in flight, from
//! the moment the adapter could start on it: its sending or the previous answer, whichever
//! came later), charging trouble (a crash or a line that answers nothing in flight is
//! charged to every request in flight; a timeout to the oldest, the others are sent again to
//! the restarted process), restarts within the run's shared budget, and known failures.
//! Does not own the process itself (`adapter`), claims and scoring rules (`run`), or reports.

use crate::adapter::{Adapter, Exchange, InFlight, MAX_PIPELINE, MESSAGE_CHARS, Received};
use crate::outcome::Outcome;
use crate::profile::Marking;
use crate::protocol::{self, HelloResult, ResponseStatus};
use crate::run::{
    CaseResult, RunOptions, Work, handshake, kept_in_report, not_claimed, observe, outcome_of, reports_not_claimed,
    resolve, skeleton, undeclared_flags,
};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use trace_untrusted::escape::{excerpt, quoted};
use trace_vector_format::score::{Score, score};

/// What the workers of one run share: the restart budget and the progress count.
pub(crate) struct Shared {
    pub restarts: AtomicUsize,
    pub budget: usize,
    pub done: AtomicUsize,
    pub total: usize,
}

/// The grace added to a request's `deadline_ms` before it is a timeout (RUNNER.md §8).
const GRACE: Duration = Duration::from_millis(500);

pub(crate) struct Worker<'a> {
    pub opts: &'a RunOptions,
    pub shared: &'a Shared,
    pub cwd: std::path::PathBuf,
    pub adapter: Option<Adapter>,
    pub hello: HelloResult,
}

/// A vector before it reaches the adapter.
enum Prepared {
    /// Decided without the adapter: skipped, not claimed, no request, no adapter.
    Done(CaseResult),
    /// To send: its result so far and its request.
    Send(CaseResult, Value),
}

/// A vector whose request is in flight.
struct Waiting<'w> {
    index: usize,
    work: &'w Work,
    result: CaseResult,
}

impl<'w> Worker<'_> {
    /// How many requests may be in flight: the adapter's claim within the run's limit.
    fn depth(&self) -> usize {
        self.hello
            .capabilities
            .pipeline_depth()
            .min(self.opts.pipeline)
            .clamp(1, MAX_PIPELINE)
    }

    /// Replaces a dead or suspect adapter; false when the budget is spent or it won't start.
    fn restart(&mut self) -> bool {
        if let Some(a) = self.adapter.take() {
            a.kill();
        }
        let used = self.shared.restarts.fetch_add(1, Ordering::SeqCst);
        if used >= self.shared.budget {
            return false;
        }
        // Exponential backoff against crash loops: 10 ms doubling, at most 500 ms.
        std::thread::sleep(Duration::from_millis((10u64 << used.min(6)).min(500)));
        match Adapter::start(&self.opts.adapter, &self.cwd) {
            Ok(mut a) => match handshake(&mut a, self.opts.hello_deadline) {
                Ok(h) => {
                    self.hello = h;
                    self.adapter = Some(a);
                    true
                }
                Err(_) => false,
            },
            Err(_) => false,
        }
    }

    /// Runs `share` (vectors with their index in the run), handing each result to `emit`.
    pub fn run_share(
        &mut self,
        share: impl Iterator<Item = (usize, &'w Work)>,
        emit: &mut dyn FnMut(usize, CaseResult),
    ) {
        let mut share = share;
        // Vectors whose request was in flight when another one timed out: sent again first.
        let mut again: VecDeque<(usize, &'w Work)> = VecDeque::new();
        let mut sent: Vec<InFlight> = Vec::new();
        let mut waiting: Vec<Waiting<'w>> = Vec::new();
        // A vector whose request could not be handed over (the adapter stopped reading), with
        // why: it shares the fate of the requests still in flight, once their answers are in.
        let mut unsent: Option<(Waiting<'w>, Exchange)> = None;
        let budget = self.opts.deadline + GRACE;
        // When the adapter last answered: the earliest it could start on what is queued.
        let mut last_answer = Instant::now();
        loop {
            while unsent.is_none() && waiting.len() < self.depth() {
                let Some((index, work)) = again.pop_front().or_else(|| share.next()) else {
                    break;
                };
                let (result, request, adapter) = match (self.prepare(work), self.adapter.as_mut()) {
                    (Prepared::Send(result, request), Some(adapter)) => (result, request, adapter),
                    (Prepared::Send(result, _), None) | (Prepared::Done(result), _) => {
                        emit(index, result);
                        continue;
                    }
                };
                match adapter.send(&request) {
                    Ok(flight) => {
                        sent.push(flight);
                        waiting.push(Waiting { index, work, result });
                    }
                    Err(trouble) => unsent = Some((Waiting { index, work, result }, *trouble)),
                }
            }
            if waiting.is_empty() {
                match unsent.take() {
                    Some((case, trouble)) => {
                        self.charge_all(vec![case], &trouble, Instant::now(), emit);
                        continue;
                    }
                    None => return,
                }
            }
            // The clock runs for the oldest request in flight, from when the adapter could
            // start on it: its sending or the previous answer, whichever came later. The
            // requests behind it wait their turn; an adapter that answers out of order keeps
            // restarting that clock, so the oldest also has an absolute bound: as long as
            // every request in flight could take in turn.
            let oldest = sent.first().map_or(last_answer, |f| f.sent);
            let began = oldest.max(last_answer);
            let until = (began + budget).min(oldest + budget * self.depth() as u32);
            let Some(adapter) = self.adapter.as_mut() else {
                // Not reached: requests are in flight only to a running adapter.
                waiting.drain(..).for_each(|case| emit(case.index, case.result));
                return;
            };
            match adapter.receive(&sent, until) {
                Received::Answer(k, exchange) => {
                    let flight = sent.remove(k);
                    let case = waiting.remove(k);
                    let now = Instant::now();
                    let began = flight.sent.max(last_answer);
                    last_answer = now;
                    let mut result = self.conclude(case.work, case.result, exchange);
                    result.duration_ms = now.duration_since(began).as_millis() as u64;
                    emit(case.index, result);
                }
                Received::Trouble(trouble @ Exchange::Timeout { .. }) => {
                    // The oldest request is charged; the adapter may not even have read the
                    // others, which are sent again to the restarted process, in their order.
                    let mut cases = waiting.drain(..);
                    if let Some(late) = cases.next() {
                        let mut result = self.conclude(late.work, late.result, trouble);
                        result.duration_ms = began.elapsed().as_millis() as u64;
                        emit(late.index, result);
                    }
                    let not_sent = unsent.take().map(|(case, _)| case);
                    for case in cases.chain(not_sent).rev() {
                        again.push_front((case.index, case.work));
                    }
                    sent.clear();
                    self.restart_or_stop();
                }
                Received::Trouble(trouble) => {
                    let mut charged = std::mem::take(&mut waiting);
                    charged.extend(unsent.take().map(|(case, _)| case));
                    self.charge_all(charged, &trouble, began, emit);
                    sent.clear();
                }
            }
        }
    }

    /// Charges a crash or violation to every request in flight (the adapter cannot say which
    /// one caused it), each timed from `began` (when the adapter could start on the oldest),
    /// then restarts the adapter within the budget.
    fn charge_all(
        &mut self,
        waiting: Vec<Waiting<'w>>,
        trouble: &Exchange,
        began: Instant,
        emit: &mut dyn FnMut(usize, CaseResult),
    ) {
        let others = waiting.len().saturating_sub(1);
        let duration_ms = began.elapsed().as_millis() as u64;
        for case in waiting {
            let mut result = self.conclude(case.work, case.result, trouble.clone());
            result.duration_ms = duration_ms;
            if others > 0 {
                result.detail = format!(
                    "{}; {others} other request(s) were in flight, and this is charged to each (run with --pipeline 1 to tell which one caused it)",
                    result.detail
                );
            }
            emit(case.index, result);
        }
        self.restart_or_stop();
    }

    fn restart_or_stop(&mut self) {
        if !self.restart() {
            self.adapter = None;
        }
    }

    /// What `w` becomes before the adapter sees it.
    fn prepare(&self, w: &Work) -> Prepared {
        let caps = &self.hello.capabilities;
        let expected = resolve(&w.test.expected, caps);
        let mut result = CaseResult {
            expected: expected.clone(),
            ..skeleton(w)
        };
        match self.opts.profile.marking(&w.test.id) {
            Marking::Disabled => {
                result.outcome = Outcome::Skipped;
                result.detail = "disabled by the profile".into();
                return Prepared::Done(result);
            }
            Marking::Flaky => result.flaky = true,
            _ => {}
        }
        if let Some(why) = not_claimed(caps, w).or_else(|| reports_not_claimed(caps, &self.opts.profile, &expected)) {
            result.outcome = Outcome::NotClaimed;
            result.detail = why;
            return Prepared::Done(result);
        }
        if self.adapter.is_none() {
            result.detail = "the adapter could not be (re)started".into();
            return Prepared::Done(result);
        }
        match protocol::vector_request(
            &protocol::next_id("r"),
            &w.ctx,
            &w.test,
            self.opts.deadline.as_millis() as u64,
        ) {
            Ok(request) => {
                result.request = serde_json::to_string(&request).ok();
                Prepared::Send(result, request)
            }
            Err(e) => {
                result.outcome = Outcome::HarnessError;
                result.detail = format!("runner: {e}");
                Prepared::Done(result)
            }
        }
    }

    /// Scores what the adapter did with `w`'s request (restarting is the caller's).
    fn conclude(&self, w: &Work, mut result: CaseResult, exchange: Exchange) -> CaseResult {
        let caps = &self.hello.capabilities;
        let expected = result.expected.clone();
        match exchange {
            Exchange::Response { response, stderr } => {
                result.stderr = stderr;
                result.actual = response.result.as_ref().map(kept_in_report);
                if let Some(problem) = &response.schema_problem {
                    // An answer that breaks its schema is a protocol violation, unless it
                    // accepts what must not be accepted: that stays the finding it is.
                    let accepted_wrongly = observe(
                        w.ctx.op,
                        response.result.as_ref().unwrap_or(&Value::Null),
                        caps,
                        &self.opts.profile,
                    )
                    .is_ok_and(|seen| {
                        matches!(
                            score(&expected, &seen),
                            Score::FailVerdict {
                                unexpected_accept: true,
                                ..
                            }
                        )
                    });
                    (result.outcome, result.detail) = if accepted_wrongly {
                        (
                            Outcome::FailVerdictUnexpectedAccept,
                            format!("expected invalid, got accept; and {problem}"),
                        )
                    } else {
                        (Outcome::ProtocolViolation, problem.clone())
                    };
                    return self.known_failure(w, result);
                }
                match response.status {
                    ResponseStatus::Ok => match observe(
                        w.ctx.op,
                        response.result.as_ref().unwrap_or(&Value::Null),
                        caps,
                        &self.opts.profile,
                    ) {
                        Ok(observed) => {
                            let (o, d) = outcome_of(&score(&expected, &observed));
                            result.outcome = o;
                            result.detail = match undeclared_flags(&w.test.expected, caps) {
                                Some(hint) if o == Outcome::FailVerdictUnexpectedAccept => format!("{d}; {hint}"),
                                _ => d,
                            };
                        }
                        Err(e) => {
                            result.outcome = Outcome::ProtocolViolation;
                            result.detail = e;
                        }
                    },
                    ResponseStatus::Unsupported => {
                        result.outcome = Outcome::UnsupportedClaimed;
                        result.detail = format!(
                            "unsupported inside the claimed capabilities: {}",
                            excerpt(&response.message.unwrap_or_default(), MESSAGE_CHARS)
                        );
                    }
                    ResponseStatus::HarnessError => {
                        result.outcome = Outcome::HarnessError;
                        result.detail = excerpt(&response.message.unwrap_or_default(), MESSAGE_CHARS);
                    }
                }
            }
            Exchange::Timeout { partial, stderr } => {
                result.outcome = Outcome::Timeout;
                result.detail = if partial.is_empty() {
                    "no answer before the deadline".into()
                } else {
                    format!("partial line before the deadline: {}", quoted(&partial))
                };
                result.stderr = stderr;
            }
            Exchange::Crash { exit, partial, stderr } => {
                result.outcome = Outcome::Crash;
                result.detail = format!(
                    "adapter {exit}{}",
                    if partial.is_empty() {
                        String::new()
                    } else {
                        format!("; partial line {}", quoted(&partial))
                    }
                );
                result.stderr = stderr;
            }
            Exchange::Violation { line, reason, stderr } => {
                result.outcome = Outcome::ProtocolViolation;
                result.detail = format!("{reason}: {}", quoted(&line));
                result.stderr = stderr;
            }
        }
        self.known_failure(w, result)
    }

    /// A vector the profile marks known failing: a pass is an xpass, anything else xfail.
    fn known_failure(&self, w: &Work, mut result: CaseResult) -> CaseResult {
        if self.opts.profile.marking(&w.test.id) == Marking::KnownFailing {
            let reason = self.opts.profile.reason(&w.test.id).unwrap_or_default();
            result.detail = format!("{} (known failing: {reason}) {}", result.outcome.name(), result.detail);
            result.outcome = if result.outcome == Outcome::Pass {
                Outcome::Xpass
            } else {
                Outcome::Xfail
            };
        }
        result
    }
}

#[cfg(test)]
#[path = "worker_tests.rs"]
mod tests;
