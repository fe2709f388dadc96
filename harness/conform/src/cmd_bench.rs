//! `trace-conform bench`: how fast verification is, in-process and through the adapter
//! protocol, for the reference and any other implementations, measured side by side in the
//! same run.
//!
//! Owns: the correctness gate (an input is timed only when every measured implementation
//! answered it as expected), the order of measurements, ratios, and text or JSON output.
//! Does not own the workload (bench_workload) or the protocol timings (trace_runner::bench).
//! Speed is never scored as conformance: exit 0 means the measurement completed.

use crate::bench_workload::{self, AlgFigures};
use crate::cmd_run::{reference_adapter, split_command};
use crate::cmd_verify::{Output, clean, verification_time};
use crate::exit::{self, Exit};
use crate::inputs;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use trace_record::VerifyOptions;
use trace_runner::bench::{self, Stats, Throughput};
use trace_runner::outcome::Outcome;
use trace_runner::profile::Profile;
use trace_runner::run::{DEFAULT_PIPELINE, RunOptions, RunResult, Work};
use trace_runner::select::{Selection, select};

#[derive(clap::Args)]
pub struct Args {
    /// An adapter to measure beside the reference; repeat it to measure several in the same
    /// run (default: the reference alone).
    #[arg(long)]
    pub adapter: Vec<String>,
    /// A profile for an adapter (its error_map is used when scoring correctness). Given at
    /// all, one per --adapter, in the same order.
    #[arg(long)]
    pub profile: Vec<PathBuf>,
    /// Records to time instead of the vector set: files, directories, globs, JSON Lines.
    /// Each is verified at level 0 trusting its own cnf.jwk.
    #[arg(long)]
    pub corpus: Vec<String>,
    /// Read every corpus input as JSON Lines.
    #[arg(long)]
    pub jsonl: bool,
    /// Seconds of steady-state throughput per implementation (and of in-process timing).
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// How many times each adapter is started cold.
    #[arg(long, default_value_t = 5)]
    pub cold_starts: usize,
    /// Verification time for corpus records: Unix seconds or RFC 3339 (default: now).
    #[arg(long)]
    pub now: Option<String>,
    /// Maximum record age for corpus records, in seconds.
    #[arg(long, default_value_t = VerifyOptions::DEFAULT_MAX_AGE)]
    pub max_age: i64,
    /// Per-request deadline in milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub deadline_ms: u64,
    /// How results are printed: text for people, json for tools.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

/// One implementation's figures through the protocol.
#[derive(serde::Serialize)]
struct Measured {
    role: &'static str,
    implementation: String,
    adapter: Vec<String>,
    /// Inputs answered as expected, and the rest (never timed).
    correct: usize,
    incorrect: usize,
    cold_start: Stats,
    ping: Stats,
    /// One request at a time; none when the implementation answered no input as expected
    /// (it is not timed, and the other implementations are timed without it).
    throughput: Option<Throughput>,
    /// With requests in flight, when the adapter claims `pipeline`.
    throughput_pipelined: Option<Throughput>,
    /// Nanoseconds per run of one timed request inside the adapter (`bench` op).
    in_adapter_ns: Option<f64>,
    /// The adapter process's peak resident set after the measurements, in kB.
    peak_memory_kb: Option<u64>,
}

fn fail(e: impl std::fmt::Display) -> Exit {
    exit::fail("bench", Exit::Usage, e)
}

fn workload(a: &Args) -> Result<(Vec<Work>, &'static str), String> {
    if a.corpus.is_empty() {
        let files: Vec<_> = trace_vector_format::load::load_default()?
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        return Ok((select(&files, &Selection::default()), "vectors"));
    }
    let now = verification_time(a.now.as_deref(), a.max_age, 0)?;
    let mut records = Vec::new();
    for name in inputs::expand(&a.corpus)? {
        records.extend(inputs::records(&name, a.jsonl)?);
    }
    use rayon::prelude::*;
    let works = records
        .par_iter()
        .enumerate()
        .map(|(i, (name, bytes))| bench_workload::corpus_work(i, name, bytes, now, a.max_age))
        .collect();
    Ok((works, "corpus"))
}

/// A run of `works` through the adapter (one process), with up to `pipeline` in flight.
fn correctness(
    works: &[Work],
    adapter: &[String],
    profile: &Profile,
    deadline: Duration,
    pipeline: usize,
) -> RunResult {
    let opts = RunOptions {
        adapter: adapter.to_vec(),
        profile: profile.clone(),
        deadline,
        hello_deadline: Duration::from_secs(10),
        restart_budget: 3,
        jobs: 1,
        pipeline,
        progress: None,
    };
    trace_runner::run::run(works.to_vec(), &opts)
}

/// Rounds of the vector suite's three timings (in-process, through the protocol one request
/// at a time, and pipelined), alternated so a shared machine's drift falls on all alike.
const SUITE_ROUNDS: usize = 5;

/// The suite's cost in-process and through the reference adapter, median of each.
#[derive(serde::Serialize)]
struct SuiteCost {
    vectors: usize,
    in_process_ms: f64,
    one_at_a_time_ms: f64,
    pipelined_ms: f64,
    pipeline: usize,
}

fn suite_cost(works: &[Work], reference: &[String], profile: &Profile, deadline: Duration) -> SuiteCost {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let timed = |pipeline: usize| {
        let started = Instant::now();
        std::hint::black_box(correctness(works, reference, profile, deadline, pipeline));
        ms(started.elapsed())
    };
    let (mut inproc, mut single, mut piped) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..SUITE_ROUNDS {
        inproc.push(ms(bench_workload::suite_in_process(works)));
        single.push(timed(1));
        piped.push(timed(DEFAULT_PIPELINE));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    SuiteCost {
        vectors: works.len(),
        in_process_ms: median(inproc),
        one_at_a_time_ms: median(single),
        pipelined_ms: median(piped),
        pipeline: DEFAULT_PIPELINE,
    }
}

fn passed(r: &RunResult) -> std::collections::HashSet<String> {
    r.cases
        .iter()
        .filter(|c| c.outcome == Outcome::Pass)
        .map(|c| c.id.clone())
        .collect()
}

/// One implementation's figures; `requests` empty when it is not timed.
fn measure(
    role: &'static str,
    argv: &[String],
    check: &RunResult,
    requests: &[Value],
    a: &Args,
) -> Result<Measured, trace_runner::Error> {
    let cwd = std::env::current_dir().map_err(|e| trace_runner::Error::Io(format!("the current directory: {e}")))?;
    let deadline = Duration::from_millis(a.deadline_ms);
    let cold_start = bench::cold_start(argv, &cwd, a.cold_starts, Duration::from_secs(10))?;
    let mut adapter = bench::start(argv, &cwd, Duration::from_secs(10))?;
    let measured = (|| {
        let ping = bench::ping(&mut adapter, 200, deadline)?;
        let budget = Duration::from_secs_f64(a.seconds.max(0.0));
        let (mut throughput, mut throughput_pipelined, mut in_adapter_ns) = (None, None, None);
        if let Some(first) = requests.first() {
            throughput = Some(bench::throughput(&mut adapter, requests, budget, deadline, 1)?);
            let depth = check.capabilities.pipeline_depth().min(DEFAULT_PIPELINE);
            if depth > 1 {
                throughput_pipelined = Some(bench::throughput(&mut adapter, requests, budget, deadline, depth)?);
            }
            let claimed = check.capabilities.claims(trace_protocol::Op::Bench);
            in_adapter_ns = bench::in_adapter(&mut adapter, claimed, first, 200, deadline * 10)?;
        }
        let correct = passed(check).len();
        Ok(Measured {
            role,
            implementation: format!("{} {}", check.implementation.name, check.implementation.version),
            adapter: argv.to_vec(),
            correct,
            incorrect: check.cases.len() - correct,
            cold_start,
            ping,
            throughput,
            throughput_pipelined,
            in_adapter_ns,
            peak_memory_kb: adapter.peak_memory_kb(),
        })
    })();
    adapter.shutdown();
    measured
}

pub fn run(a: Args) -> Exit {
    let (works, kind) = match workload(&a) {
        Ok(w) if !w.0.is_empty() => w,
        Ok(_) => return fail("nothing to time: the workload is empty"),
        Err(e) => return fail(e),
    };
    let adapters = match implementations(&a) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let deadline = Duration::from_millis(a.deadline_ms);
    let mut checks = Vec::new();
    for (role, argv, profile) in &adapters {
        let r = correctness(&works, argv, profile, deadline, DEFAULT_PIPELINE);
        if let Some(e) = &r.startup_error {
            eprintln!(
                "trace-conform bench: {role} ({}) did not start: {e}",
                clean(&argv.join(" "))
            );
            return Exit::Adapter;
        }
        checks.push(r);
    }
    // An implementation that answered nothing as expected (a verifier of another format) is
    // reported untimed rather than leaving nothing to time for the others.
    let answered: Vec<_> = checks.iter().map(passed).collect();
    let common = answered
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .reduce(|x, y| x.intersection(&y).cloned().collect())
        .unwrap_or_default();
    let timed: Vec<&Work> = works.iter().filter(|w| common.contains(&w.test.id)).collect();
    let requests: Vec<Value> = timed
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            trace_runner::protocol::vector_request(&format!("t{i}"), &w.ctx, &w.test, a.deadline_ms).ok()
        })
        .collect();
    if requests.is_empty() {
        return fail("no input was answered correctly by every implementation; nothing to time");
    }
    let budget = Duration::from_secs_f64(a.seconds.max(0.0));
    let timed_owned: Vec<Work> = timed.iter().map(|w| (*w).clone()).collect();
    let algs = bench_workload::in_process(&timed_owned, budget);
    // The suite's cost through the protocol: process start, handshake and every vector.
    let suite = (kind == "vectors").then(|| suite_cost(&works, &adapters[0].1, &adapters[0].2, deadline));
    let mut measured = Vec::new();
    for (((role, argv, _), check), ok) in adapters.iter().zip(&checks).zip(&answered) {
        let requests = if ok.is_empty() { &[][..] } else { &requests[..] };
        match measure(role, argv, check, requests, &a) {
            Ok(m) => measured.push(m),
            Err(e) => {
                eprintln!("trace-conform bench: measuring {role}: {e}");
                return Exit::from(&e);
            }
        }
    }
    let doc = document(kind, works.len(), requests.len(), &algs, suite.as_ref(), &measured);
    match a.output {
        Output::Json => println!("{}", serde_json::to_string_pretty(&doc).expect("json")),
        Output::Text => print!("{}", text(&doc, &algs, &measured)),
    }
    Exit::Ok
}

/// An implementation to measure: its role, its adapter's command line and its profile.
type Implementation = (&'static str, Vec<String>, Profile);

/// The reference, then every --adapter with its profile (the reference's is the default).
fn implementations(a: &Args) -> Result<Vec<Implementation>, String> {
    if !a.profile.is_empty() && a.profile.len() != a.adapter.len() {
        return Err(format!(
            "{} --profile for {} --adapter: give none, or one per adapter in the same order",
            a.profile.len(),
            a.adapter.len()
        ));
    }
    let mut out = vec![("reference", reference_adapter()?, Profile::default())];
    for (i, cmd) in a.adapter.iter().enumerate() {
        let profile = crate::cmd_run::load_profile(a.profile.get(i).map(PathBuf::as_path))?;
        out.push(("adapter", split_command(cmd)?, profile));
    }
    Ok(out)
}

/// Records per second on every core if each timed input cost only its bare signature
/// check: the ceiling of the workload's mix of algorithms.
fn ceiling(algs: &[AlgFigures]) -> f64 {
    let records: usize = algs.iter().map(|a| a.records).sum();
    let seconds: f64 = algs.iter().map(|a| a.records as f64 / a.ceiling_per_second).sum();
    records as f64 / seconds.max(1e-12)
}

/// What a `--output json` document is: trace_runner::dashboard_bench reads it by this name.
pub const BENCH_SCHEMA: &str = trace_runner::dashboard_bench::BENCH_SCHEMA;

fn document(
    kind: &str,
    inputs: usize,
    timed: usize,
    algs: &[AlgFigures],
    suite: Option<&SuiteCost>,
    measured: &[Measured],
) -> Value {
    let ceiling = ceiling(algs);
    let mut doc = json!({
        "schema": BENCH_SCHEMA,
        "trace_conform_version": env!("CARGO_PKG_VERSION"),
        "workload": {"kind": kind, "inputs": inputs, "timed": timed},
        "machine": {"threads": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
                    "os": std::env::consts::OS, "arch": std::env::consts::ARCH},
        "ceiling": {"per_second": ceiling,
                    "what": "the bare signature check (key decoding and verify) of every timed input on every core"},
        "in_process": algs,
        "implementations": measured,
    });
    if let Some(s) = suite {
        doc["suite"] = json!({
            "vectors": s.vectors,
            "in_process_ms": s.in_process_ms,
            "one_at_a_time_ms": s.one_at_a_time_ms,
            "pipelined_ms": s.pipelined_ms,
            "pipeline": s.pipeline,
            "ratio_one_at_a_time": s.one_at_a_time_ms / s.in_process_ms.max(1e-9),
            "ratio": s.pipelined_ms / s.in_process_ms.max(1e-9),
        });
    }
    if let [reference, other] = measured
        && let (Some(r), Some(o)) = (&reference.throughput, &other.throughput)
    {
        doc["ratios"] = json!({
            "throughput_reference_over_adapter": r.per_second / o.per_second,
            "cold_start_p50_adapter_over_reference": other.cold_start.p50_us / reference.cold_start.p50_us,
            "ping_p50_adapter_over_reference": other.ping.p50_us / reference.ping.p50_us,
        });
    }
    doc
}

fn text(doc: &Value, algs: &[AlgFigures], measured: &[Measured]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let w = &doc["workload"];
    let _ = writeln!(
        out,
        "workload: {} ({} inputs, {} timed: answered correctly by every implementation)",
        w["kind"].as_str().unwrap_or(""),
        w["inputs"],
        w["timed"]
    );
    let _ = writeln!(
        out,
        "in-process, accepted records (full verify vs bare signature check, one thread; batch on {} threads):",
        algs.first().map(|a| a.threads).unwrap_or(1)
    );
    for a in algs {
        let _ = writeln!(
            out,
            "  {:<6} {:>6} records  verify {:>10.0}/s  bare signature {:>10.0}/s  overhead x{:.2}  batch {:>10.0}/s  ceiling {:>10.0}/s (x{:.2})",
            a.alg,
            a.records,
            a.verify_per_second,
            a.bare_signature_per_second,
            a.overhead_ratio,
            a.batch_per_second,
            a.ceiling_per_second,
            a.ceiling_over_batch
        );
    }
    let ceiling = doc["ceiling"]["per_second"].as_f64().unwrap_or(0.0);
    let _ = writeln!(
        out,
        "ceiling: {ceiling:.0} inputs/s (the bare signature check of the timed inputs on every core); \"xC\" below is how many times slower a path is"
    );
    if let Some(s) = doc.get("suite") {
        let f = |k: &str| s[k].as_f64().unwrap_or(0.0);
        let _ = writeln!(
            out,
            "vector suite: in-process {:.1} ms; through the protocol {:.1} ms one request at a time (x{:.2}), {:.1} ms with {} in flight (x{:.2})",
            f("in_process_ms"),
            f("one_at_a_time_ms"),
            f("ratio_one_at_a_time"),
            f("pipelined_ms"),
            s["pipeline"],
            f("ratio")
        );
    }
    for m in measured {
        let _ = writeln!(
            out,
            "{} ({}): {} correct, {} not timed",
            m.role, m.implementation, m.correct, m.incorrect
        );
        let _ = writeln!(
            out,
            "  cold start  p50 {:>9.1} ms  p90 {:>9.1} ms  ({} runs)",
            m.cold_start.p50_us / 1e3,
            m.cold_start.p90_us / 1e3,
            m.cold_start.samples
        );
        let _ = writeln!(
            out,
            "  ping        p50 {:>9.1} us  p99 {:>9.1} us",
            m.ping.p50_us, m.ping.p99_us
        );
        if m.throughput.is_none() {
            let _ = writeln!(out, "  throughput  not timed: it answered no input as expected");
        }
        for t in m.throughput.iter().chain(&m.throughput_pipelined) {
            let _ = writeln!(
                out,
                "  throughput  {:>9.0}/s  xC {:.1}  {} in flight  latency p50 {:.1} us  p90 {:.1} us  p99 {:.1} us  ({} requests in {:.1} s)",
                t.per_second,
                ceiling / t.per_second,
                t.in_flight,
                t.latency.p50_us,
                t.latency.p90_us,
                t.latency.p99_us,
                t.requests,
                t.seconds
            );
        }
        if let Some(ns) = m.in_adapter_ns {
            let _ = writeln!(out, "  in-adapter  {:.1} us per request (bench op)", ns / 1e3);
        }
        if let Some(kb) = m.peak_memory_kb {
            let _ = writeln!(out, "  peak memory {:.1} MB (the adapter process)", kb as f64 / 1e3);
        }
    }
    if let Some(r) = doc.get("ratios") {
        let _ = writeln!(
            out,
            "ratios: reference throughput / adapter x{:.2}; cold start adapter / reference x{:.2}; ping adapter / reference x{:.2}",
            r["throughput_reference_over_adapter"].as_f64().unwrap_or(0.0),
            r["cold_start_p50_adapter_over_reference"].as_f64().unwrap_or(0.0),
            r["ping_p50_adapter_over_reference"].as_f64().unwrap_or(0.0)
        );
    }
    out
}
