//! Timing one adapter through the protocol: start-up, round trip, steady throughput, and
//! the adapter's own `bench` op.
//!
//! Owns: the measurements and their order statistics. Does not own which requests are
//! timed (the caller passes only those the implementation answered correctly), baselines,
//! ratios or presentation.

use crate::Error;
use crate::adapter::{Adapter, Exchange, InFlight, MAX_PIPELINE, Received};
use crate::protocol::{self, ResponseStatus};
use crate::run::handshake;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};
use trace_protocol::{Body, Request};

/// Order statistics of a sample of durations, in microseconds.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Stats {
    pub samples: usize,
    pub min_us: f64,
    pub p50_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    pub mean_us: f64,
}

impl Stats {
    /// Nearest-rank percentiles of `samples` (which must not be empty).
    pub fn of(samples: &[Duration]) -> Stats {
        assert!(!samples.is_empty(), "statistics of no samples");
        let mut us: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
        us.sort_by(f64::total_cmp);
        let rank = |p: f64| us[(((p / 100.0) * us.len() as f64).ceil() as usize).clamp(1, us.len()) - 1];
        Stats {
            samples: us.len(),
            min_us: us[0],
            p50_us: rank(50.0),
            p90_us: rank(90.0),
            p99_us: rank(99.0),
            max_us: us[us.len() - 1],
            mean_us: us.iter().sum::<f64>() / us.len() as f64,
        }
    }
}

/// Steady-state throughput over a set of requests, cycled until the budget is spent.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Throughput {
    /// Requests kept in flight (1: each sent when the previous one was answered).
    pub in_flight: usize,
    pub requests: usize,
    pub seconds: f64,
    pub per_second: f64,
    /// From when the adapter could start on a request (its sending or the previous answer,
    /// whichever came later) to its answer.
    pub latency: Stats,
}

/// What went wrong with one timed exchange.
fn failure(what: &str, e: Exchange) -> String {
    match e {
        Exchange::Crash { exit, stderr, .. } => format!("{what}: the adapter {exit}; stderr: {stderr}"),
        other => format!("{what}: {}", other.describe()),
    }
}

/// The result of an answer that must be `ok` and keep to its schema (only those are timed).
fn ok_result(what: &str, exchange: Exchange) -> Result<Value, Error> {
    match exchange {
        Exchange::Response { response, .. }
            if response.status == ResponseStatus::Ok && response.schema_problem.is_none() =>
        {
            Ok(response.result.unwrap_or(Value::Null))
        }
        other => Err(Error::Adapter(failure(what, other))),
    }
}

fn op_of(request: &Value) -> &str {
    request.get("op").and_then(Value::as_str).unwrap_or("request")
}

/// One exchange that must be answered `ok`; returns its result.
fn ok_exchange(adapter: &mut Adapter, request: &Value, deadline: Duration) -> Result<Value, Error> {
    ok_result(op_of(request), adapter.exchange(request, deadline))
}

/// Starts the adapter `runs` times and times each start up to its answered `hello`.
pub fn cold_start(argv: &[String], cwd: &Path, runs: usize, deadline: Duration) -> Result<Stats, Error> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let mut adapter = Adapter::start(argv, cwd)?;
        let hello = handshake(&mut adapter, deadline);
        let elapsed = started.elapsed();
        adapter.shutdown();
        hello?;
        samples.push(elapsed);
    }
    Ok(Stats::of(&samples))
}

/// Starts the adapter and completes the handshake, for the steady-state measurements.
pub fn start(argv: &[String], cwd: &Path, deadline: Duration) -> Result<Adapter, Error> {
    let mut adapter = Adapter::start(argv, cwd)?;
    match handshake(&mut adapter, deadline) {
        Ok(_) => Ok(adapter),
        Err(e) => {
            adapter.kill();
            Err(e)
        }
    }
}

/// `count` pings: the protocol's round trip with no work in it.
pub fn ping(adapter: &mut Adapter, count: usize, deadline: Duration) -> Result<Stats, Error> {
    let mut samples = Vec::with_capacity(count);
    for i in 0..count.max(1) {
        let req = protocol::simple_request(&format!("ping-{i}"), Body::Ping);
        let started = Instant::now();
        ok_exchange(adapter, &req, deadline)?;
        samples.push(started.elapsed());
    }
    Ok(Stats::of(&samples))
}

/// Sends `requests` round-robin until `budget` has passed (at least one full pass), with
/// up to `in_flight` requests sent ahead of their answers (1: one at a time; more only for
/// an adapter that claims `pipeline`). Each request gets an id no other request of the run has. Every answer must
/// be `ok`: the caller chose requests already answered correctly, so anything else is a
/// failure of the measurement.
pub fn throughput(
    adapter: &mut Adapter,
    requests: &[Value],
    budget: Duration,
    deadline: Duration,
    in_flight: usize,
) -> Result<Throughput, Error> {
    if requests.is_empty() {
        return Err(Error::Invalid("no requests to time".into()));
    }
    let depth = in_flight.clamp(1, MAX_PIPELINE);
    let mut flying: Vec<InFlight> = Vec::with_capacity(depth);
    let mut samples = Vec::new();
    let started = Instant::now();
    let mut last_answer = started;
    let mut sent = 0usize;
    loop {
        while flying.len() < depth && (sent < requests.len() || started.elapsed() < budget) {
            let mut request = requests[sent % requests.len()].clone();
            request["id"] = Value::String(protocol::next_id("t"));
            let flight = adapter
                .send(&request)
                .map_err(|e| Error::Adapter(failure(op_of(&request), *e)))?;
            flying.push(flight);
            sent += 1;
        }
        if flying.is_empty() {
            break;
        }
        let oldest = flying[0].sent.max(last_answer);
        match adapter.receive(&flying, oldest + deadline) {
            Received::Answer(k, answer) => {
                let flight = flying.remove(k);
                ok_result("a timed request", answer)?;
                let now = Instant::now();
                samples.push(now - flight.sent.max(last_answer));
                last_answer = now;
            }
            Received::Trouble(trouble) => return Err(Error::Adapter(failure("a timed request", trouble))),
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(Throughput {
        in_flight: depth,
        requests: samples.len(),
        seconds,
        per_second: samples.len() as f64 / seconds,
        latency: Stats::of(&samples),
    })
}

/// The adapter's own timing of `request` repeated `iterations` times (the `bench` op), in
/// nanoseconds per run; `None` when the adapter does not claim `bench`.
pub fn in_adapter(
    adapter: &mut Adapter,
    claimed: bool,
    request: &Value,
    iterations: u64,
    deadline: Duration,
) -> Result<Option<f64>, Error> {
    if !claimed {
        return Ok(None);
    }
    let req = Request::new(
        "bench",
        Body::Bench(trace_protocol::request::Bench {
            request: request.clone(),
            iterations,
        }),
    )
    .to_value();
    let result = ok_exchange(adapter, &req, deadline)?;
    let runs = result.get("iterations").and_then(Value::as_u64).filter(|n| *n > 0);
    let total = result.get("total_ns").and_then(Value::as_u64);
    match (runs, total) {
        (Some(n), Some(t)) => Ok(Some(t as f64 / n as f64)),
        _ => Err(Error::Adapter(format!(
            "bench result lacks iterations or total_ns: {}",
            trace_untrusted::escape::excerpt(&result.to_string(), crate::adapter::MESSAGE_CHARS)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).rev().map(Duration::from_micros).collect();
        let s = Stats::of(&samples);
        assert_eq!(
            (s.min_us, s.p50_us, s.p90_us, s.p99_us, s.max_us),
            (1.0, 50.0, 90.0, 99.0, 100.0)
        );
        assert_eq!(s.mean_us, 50.5);
        let one = Stats::of(&[Duration::from_micros(7)]);
        assert_eq!((one.p50_us, one.p99_us), (7.0, 7.0));
    }
}
