//! Differential fuzzing: mutated vector inputs and freshly signed edge records go to an
//! implementation through its adapter and to the reference in-process; where their
//! verdicts part (accept against anything else), the input is minimized and kept.
//!
//! Owns: the loop, the comparison, deduplication by cause, minimization, and restarting the
//! adapter after a crash or timeout (which are findings too). Does not own the mutators
//! (`mutate`), writing candidates or the command line.

use crate::Error;
use crate::adapter::{Adapter, Exchange};
use crate::mutate::{self, Rng};
use crate::protocol::{Capabilities, Op, ResponseStatus, vector_request};
use crate::run::handshake;
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use trace_record::{Status, Verdict, sample};
use trace_vector_format::format::{Context, Test};

/// A vector to mutate, with the context it is verified in.
#[derive(Clone)]
pub struct Seed {
    pub ctx: Context,
    pub test: Test,
}

/// A disagreement (or a crash or timeout) on one minimized input.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Disagreement {
    pub origin: String,
    pub mutations: Vec<String>,
    pub ctx: Context,
    pub input: Vec<u8>,
    pub reference: Verdict,
    /// The reference's failing or unverified rules (empty when it accepts).
    pub reference_rules: Vec<String>,
    /// `accept`, `reject`, `unverified`, `crash`, `timeout` or `violation`.
    pub implementation: String,
    pub implementation_detail: Value,
}

pub struct Options {
    pub adapter: Vec<String>,
    pub budget: Duration,
    pub seed: u64,
    pub deadline: Duration,
    pub max_findings: usize,
    /// Checks allowed to minimize one finding.
    pub minimize_checks: usize,
}

#[derive(Default, Debug, serde::Serialize)]
pub struct Summary {
    /// The implementation's name from its `hello`.
    pub implementation: String,
    pub inputs: usize,
    pub not_claimed: usize,
    pub restarts: usize,
    pub findings: Vec<Disagreement>,
}

/// The reference's verdict and its rules, or None when the reference cannot run the test.
fn reference(ctx: &Context, test: &Test) -> Option<(Verdict, Vec<String>)> {
    let r = trace_vector_format::reference::verify_report(ctx, test).ok()?;
    let rules = r
        .findings
        .iter()
        .filter(|f| f.status != Status::Advisory)
        .map(|f| f.rule.to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Some((r.verdict, rules))
}

/// Whether the implementation claims this test (the runner's own capability check).
fn claimed(caps: &Capabilities, ctx: &Context, test: &Test) -> bool {
    let work = crate::run::Work {
        ctx: ctx.clone(),
        test: test.clone(),
        module: String::new(),
    };
    crate::run::not_claimed(caps, &work).is_none()
}

struct Session {
    name: String,
    argv: Vec<String>,
    adapter: Option<Adapter>,
    caps: Capabilities,
    restarts: usize,
}

impl Session {
    fn start(argv: &[String]) -> Result<Session, Error> {
        let cwd = std::env::current_dir().map_err(|e| Error::Io(format!("the current directory: {e}")))?;
        let mut adapter = Adapter::start(argv, &cwd)?;
        let hello = handshake(&mut adapter, Duration::from_secs(10))?;
        Ok(Session {
            name: hello.implementation.name,
            argv: argv.to_vec(),
            adapter: Some(adapter),
            caps: hello.capabilities,
            restarts: 0,
        })
    }

    /// The implementation's verdict word and detail for one test.
    fn ask(&mut self, ctx: &Context, test: &Test, deadline: Duration) -> (String, Value) {
        let req = match vector_request(&crate::protocol::next_id("f"), ctx, test, deadline.as_millis() as u64) {
            Ok(r) => r,
            Err(e) => return ("harness_error".into(), Value::String(e.into())),
        };
        let Some(adapter) = self.adapter.as_mut() else {
            return (
                "crash".into(),
                Value::String("the adapter could not be restarted".into()),
            );
        };
        let (word, detail) = match adapter.exchange(&req, deadline) {
            Exchange::Response { response, .. } if response.status == ResponseStatus::Ok => {
                let result = response.result.unwrap_or(Value::Null);
                let verdict = result
                    .get("verdict")
                    .and_then(Value::as_str)
                    .unwrap_or("violation")
                    .to_string();
                return (verdict, result);
            }
            Exchange::Response { response, .. } => {
                return (
                    response.status.word().to_string(),
                    Value::String(response.message.unwrap_or_default()),
                );
            }
            Exchange::Timeout { stderr, .. } => ("timeout", stderr),
            Exchange::Crash { exit, stderr, .. } => ("crash", format!("{exit}; {stderr}")),
            Exchange::Violation { reason, .. } => ("violation", reason),
        };
        // The adapter is gone or out of step: a fresh one for the next input.
        if let Some(a) = self.adapter.take() {
            a.kill();
        }
        self.restarts += 1;
        self.adapter = Session::start(&self.argv).ok().and_then(|s| s.adapter_into());
        (word.to_string(), Value::String(detail))
    }

    fn adapter_into(mut self) -> Option<Adapter> {
        self.adapter.take()
    }
}

fn accepts(word: &str) -> bool {
    word == "accept"
}

/// The cause of a disagreement, for deduplication: the reference's verdict and rules and
/// the implementation's verdict word.
fn cause(reference: &(Verdict, Vec<String>), implementation: &str) -> String {
    format!("{:?} {:?} / {implementation}", reference.0, reference.1)
}

/// Whether `input` still shows a disagreement with the same cause; None when the adapter
/// crashed, hung or broke the protocol (minimizing against it would chase its state).
fn disagrees(session: &mut Session, seed: &Seed, input: &[u8], want: &str, deadline: Duration) -> Option<bool> {
    let test = Test {
        input: trace_vector_format::format::Input::from_bytes(input),
        ..seed.test.clone()
    };
    let Some(r) = reference(&seed.ctx, &test) else {
        return Some(false);
    };
    let (word, _) = session.ask(&seed.ctx, &test, deadline);
    if is_trouble(&word) {
        return None;
    }
    Some(accepts(&word) != (r.0 == Verdict::Accept) && cause(&r, &word) == want)
}

fn is_trouble(word: &str) -> bool {
    matches!(word, "crash" | "timeout" | "violation")
}

/// Shortens `input` while the disagreement keeps its cause: chunks of halving size are
/// removed where the result still disagrees (delta debugging, bounded by the number of
/// checks and by the end of the fuzzing budget).
fn minimize(session: &mut Session, seed: &Seed, input: Vec<u8>, want: &str, opts: &Options, until: Instant) -> Vec<u8> {
    let mut best = input;
    let mut checks = 0;
    let mut chunk = best.len() / 2;
    let more = |checks: usize| checks < opts.minimize_checks && Instant::now() < until;
    while chunk > 0 && more(checks) {
        let mut at = 0;
        while at < best.len() && more(checks) {
            let mut shorter = best.clone();
            shorter.drain(at..(at + chunk).min(best.len()));
            checks += 1;
            if shorter.is_empty() {
                at += chunk;
                continue;
            }
            match disagrees(session, seed, &shorter, want, opts.deadline) {
                Some(true) => best = shorter,
                Some(false) => at += chunk,
                None => return best,
            }
        }
        chunk /= 2;
    }
    best
}

/// Fuzzes until the budget is spent or `max_findings` distinct causes were found.
pub fn fuzz(seeds: &[Seed], opts: &Options) -> Result<Summary, Error> {
    let mut session = Session::start(&opts.adapter)?;
    let usable: Vec<&Seed> = seeds
        .iter()
        .filter(|s| s.ctx.op == Op::Verify && claimed(&session.caps, &s.ctx, &s.test))
        .collect();
    let mut summary = Summary {
        implementation: session.name.clone(),
        not_claimed: seeds.len() - usable.len(),
        ..Summary::default()
    };
    let edge_ctx = edge_context();
    let edge_claimed = claimed(&session.caps, &edge_ctx, &edge_test(Vec::new()));
    if usable.is_empty() && !edge_claimed {
        return Err(Error::Adapter(
            "the adapter claims none of the seeds (verify of a claimed form, level, platform)".into(),
        ));
    }
    let mut rng = Rng::new(opts.seed);
    let mut seen = BTreeSet::new();
    let started = Instant::now();
    while started.elapsed() < opts.budget && summary.findings.len() < opts.max_findings {
        let (seed, input, mutations) = if edge_claimed && (usable.is_empty() || rng.below(4) == 0) {
            let (bytes, what) = mutate::signed_edge_record(&mut rng);
            (
                Seed {
                    ctx: edge_ctx.clone(),
                    test: edge_test(bytes.clone()),
                },
                bytes,
                vec![what],
            )
        } else {
            let seed = usable[rng.below(usable.len())].clone();
            let mut bytes = seed.test.input.bytes().map_err(Error::Invalid)?;
            let mut mutations = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let (next, what) = mutate::mutate(&bytes, &mut rng);
                bytes = next;
                mutations.push(what);
            }
            (seed, bytes, mutations)
        };
        let test = Test {
            input: trace_vector_format::format::Input::from_bytes(&input),
            ..seed.test.clone()
        };
        summary.inputs += 1;
        let Some(r) = reference(&seed.ctx, &test) else { continue };
        let (word, detail) = session.ask(&seed.ctx, &test, opts.deadline);
        // A crash, a hang or a broken answer is a finding whatever the reference says; it
        // is kept as found (a process that fails on the n-th request does not minimize).
        let trouble = is_trouble(&word);
        if !trouble && accepts(&word) == (r.0 == Verdict::Accept) {
            continue;
        }
        let why = if trouble { word.clone() } else { cause(&r, &word) };
        if !seen.insert(why.clone()) {
            continue;
        }
        let minimized = if trouble {
            input
        } else {
            minimize(&mut session, &seed, input, &why, opts, started + opts.budget)
        };
        let test = Test {
            input: trace_vector_format::format::Input::from_bytes(&minimized),
            ..seed.test.clone()
        };
        let r = reference(&seed.ctx, &test).unwrap_or(r);
        summary.findings.push(Disagreement {
            origin: seed.test.id.clone(),
            mutations,
            ctx: seed.ctx.clone(),
            input: minimized,
            reference: r.0,
            reference_rules: r.1,
            implementation: word,
            implementation_detail: detail,
        });
    }
    summary.restarts = session.restarts;
    if let Some(a) = session.adapter.take() {
        a.shutdown();
    }
    Ok(summary)
}

/// The context of the freshly signed edge records: Level 0 embedded at the sample time,
/// trusting the `fuzz` test key.
fn edge_context() -> Context {
    let key = sample::test_key(trace_record::Alg::EdDSA, "fuzz").public_key();
    let mut ctx = Context::verify("embedded", "software-only", sample::SAMPLE_IAT);
    ctx.trusted_keys = vec![trace_record::json::Value::Object(key.to_jwk()).to_serde()];
    ctx
}

fn edge_test(bytes: Vec<u8>) -> Test {
    let mut test = Test::of_input(
        "fuzz::signed-edge::record",
        &bytes,
        trace_vector_format::format::Outcome::Valid,
    );
    test.alg = Some("EdDSA".into());
    test
}
