//! What `trace-conform bench` times: the vector set, or a corpus of records turned into
//! `verify` work items whose expectation is the reference's own verdict.
//!
//! Owns: building work items from records (trust in each record's own `cnf.jwk`, as
//! `agentrust_trace.verify_record(record, jwk)` is timed) and the in-process figures: full
//! verification against a bare signature check of the same records, one thread and all
//! cores (the bare check on all cores is the ceiling every path is compared with). Does not own the protocol timings (trace_runner::bench) or output.

use rayon::prelude::*;
use std::time::{Duration, Instant};
use trace_protocol::Op;
use trace_record::envelope::{self, SignatureField};
use trace_record::{PublicKey, Verdict, VerifyOptions, json};
use trace_runner::run::Work;
use trace_vector_format::format::{Context, Outcome, Test};

/// A `verify` work item for one corpus record, expecting what the reference answers.
pub fn corpus_work(index: usize, name: &str, bytes: &[u8], now: i64, max_age: i64) -> Work {
    let form = envelope::sniff(bytes);
    let decoded = envelope::decode(bytes, form).ok();
    let member = |path: &[&str]| -> Option<json::Value> {
        let mut v = decoded.as_ref()?.record.clone();
        for p in path {
            v = v.as_object()?.get(p)?.clone();
        }
        Some(v)
    };
    let trusted_keys: Vec<serde_json::Value> = member(&["cnf", "jwk"]).map(|jwk| jwk.to_serde()).into_iter().collect();
    let platform = member(&["runtime", "platform"])
        .and_then(|p| p.as_str().map(str::to_string))
        .unwrap_or_else(|| "software-only".into());
    let mut ctx = Context::verify(form.name(), &platform, now);
    ctx.max_age = max_age;
    ctx.trusted_keys = trusted_keys;
    let mut test = Test::of_input(&format!("corpus::{index}"), bytes, Outcome::Invalid);
    test.description = name.to_string();
    let report = trace_vector_format::reference::verify_report(&ctx, &test);
    if let Ok(r) = report {
        test.alg = r.alg.map(str::to_string);
        if r.verdict == Verdict::Accept {
            test.expected.result = Outcome::Valid;
        }
    }
    Work {
        ctx,
        test,
        module: "corpus".into(),
    }
}

/// One accepted record prepared for the in-process comparison.
struct Prepared {
    bytes: Vec<u8>,
    opts: VerifyOptions,
    alg: trace_record::Alg,
    raw_key: Vec<u8>,
    signing_input: Vec<u8>,
    signature: Vec<u8>,
}

/// Full verification against the bare signature arithmetic, for one algorithm.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AlgFigures {
    pub alg: String,
    pub records: usize,
    /// Full verification (parse, canonicalize, schema, rules, signature), one thread.
    pub verify_per_second: f64,
    /// The signature check alone (decode the raw key, verify) over pre-extracted inputs,
    /// one thread.
    pub bare_signature_per_second: f64,
    /// Full verification time over bare signature time (the median of the rounds' ratios).
    pub overhead_ratio: f64,
    /// Full verification on every core.
    pub batch_per_second: f64,
    /// The ceiling: the bare signature check on every core, timed like the batch.
    pub ceiling_per_second: f64,
    /// How many times slower full verification on every core is than the ceiling (1.0:
    /// the hardware's limit).
    pub ceiling_over_batch: f64,
    pub threads: usize,
}

impl Prepared {
    /// The signature check alone: decode the raw key, verify.
    fn bare_check(&self) -> bool {
        let key = PublicKey::from_raw(self.alg, std::hint::black_box(&self.raw_key));
        key.is_ok_and(|k| k.verify(&self.signing_input, &self.signature).is_ok())
    }
}

fn prepare(w: &Work) -> Option<Prepared> {
    let bytes = w.test.input.bytes().ok()?;
    let opts = w.ctx.verify_options().ok()?;
    if w.ctx.op != Op::Verify || trace_record::verify(&bytes, &opts).verdict != Verdict::Accept {
        return None;
    }
    let decoded = envelope::decode(&bytes, envelope::sniff(&bytes)).ok()?;
    let jwk = decoded.record.as_object()?.get("cnf")?.as_object()?.get("jwk")?;
    let key = PublicKey::from_jwk(jwk).ok()?;
    let SignatureField::Bytes(signature) = decoded.signature else {
        return None;
    };
    key.verify(&decoded.signing_input, &signature).ok()?;
    Some(Prepared {
        bytes,
        opts,
        alg: key.alg(),
        raw_key: key.to_raw(),
        signing_input: decoded.signing_input,
        signature,
    })
}

/// Runs `pass` over the whole set repeatedly until `budget` has passed (at least once);
/// returns items per second.
fn rate(items: usize, budget: Duration, mut pass: impl FnMut()) -> f64 {
    let started = Instant::now();
    let mut passes = 0usize;
    while passes == 0 || started.elapsed() < budget {
        pass();
        passes += 1;
    }
    (items * passes) as f64 / started.elapsed().as_secs_f64()
}

/// The median of per-round rates.
fn median(mut rates: Vec<f64>) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

/// Rounds of the four measurements, interleaved so that a slower or faster stretch of a
/// shared machine falls on all of them alike.
const ROUNDS: u32 = 7;

/// Per algorithm: the accepted records whose signature is checked with the key in
/// `cnf.jwk`, verified in full and by signature alone, interleaved in the same run.
pub fn in_process(works: &[Work], budget: Duration) -> Vec<AlgFigures> {
    let prepared: Vec<Prepared> = works.iter().filter_map(prepare).collect();
    let mut algs: Vec<&'static str> = prepared.iter().map(|p| p.alg.jose_name()).collect();
    algs.sort();
    algs.dedup();
    let threads = rayon::current_num_threads();
    let share = budget / (4 * ROUNDS * algs.len().max(1) as u32);
    algs.into_iter()
        .map(|alg| {
            let set: Vec<&Prepared> = prepared.iter().filter(|p| p.alg.jose_name() == alg).collect();
            // Full and bare alternate record by record, so drift of a shared machine falls
            // on both alike; each round gives a ratio of their summed times, and the figures
            // are the rounds' medians (a noisy round moves none of them).
            let (mut full, mut bare, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            let (mut batch, mut ceiling) = (Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                let (mut full_time, mut bare_time, mut checked) = (Duration::ZERO, Duration::ZERO, 0usize);
                let started = Instant::now();
                while checked == 0 || started.elapsed() < share * 2 {
                    for p in &set {
                        let t0 = Instant::now();
                        std::hint::black_box(trace_record::verify(std::hint::black_box(&p.bytes), &p.opts));
                        let t1 = Instant::now();
                        let ok = p.bare_check();
                        let t2 = Instant::now();
                        assert!(std::hint::black_box(ok), "verified while preparing");
                        full_time += t1 - t0;
                        bare_time += t2 - t1;
                    }
                    checked += set.len();
                }
                full.push(checked as f64 / full_time.as_secs_f64());
                bare.push(checked as f64 / bare_time.as_secs_f64());
                ratios.push(full_time.as_secs_f64() / bare_time.as_secs_f64());
                batch.push(rate(set.len(), share, || {
                    set.par_iter().for_each(|p| {
                        std::hint::black_box(trace_record::verify(&p.bytes, &p.opts));
                    });
                }));
                ceiling.push(rate(set.len(), share, || {
                    set.par_iter().for_each(|p| {
                        std::hint::black_box(p.bare_check());
                    });
                }));
            }
            let (full, bare, overhead) = (median(full), median(bare), median(ratios));
            let (batch, ceiling) = (median(batch), median(ceiling));
            AlgFigures {
                alg: alg.to_string(),
                records: set.len(),
                verify_per_second: full,
                bare_signature_per_second: bare,
                overhead_ratio: overhead,
                batch_per_second: batch,
                ceiling_per_second: ceiling,
                ceiling_over_batch: ceiling / batch,
                threads,
            }
        })
        .collect()
}

/// The reference answering every work item in-process, once: the protocol's baseline.
pub fn suite_in_process(works: &[Work]) -> Duration {
    let started = Instant::now();
    for w in works {
        let _ = std::hint::black_box(trace_vector_format::reference::observe(&w.ctx, &w.test));
    }
    started.elapsed()
}
