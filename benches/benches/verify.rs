//! criterion benchmarks. Each group times the full path beside the bare signature check of
//! the same records (`bare-signature`), so `tools/criterion-ratios.py` can state overhead
//! as a ratio measured side by side rather than as an absolute time.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use std::hint::black_box;
use trace_benches::{Signed, corpus, matrix};
use trace_record::envelope::Form;
use trace_record::keys::Alg;
use trace_record::{Profile, jcs, json, schema};

fn bare(set: &[Signed]) {
    for s in set {
        assert!(black_box(black_box(s).bare_verify()));
    }
}

fn full(set: &[Signed]) {
    for s in set {
        black_box(trace_record::verify(black_box(&s.bytes), &s.opts));
    }
}

/// RFC 8785 and the schema check of one record, each beside the record's bare signature.
fn codecs(c: &mut Criterion) {
    let set = corpus(Alg::EdDSA, Form::Embedded, 1);
    let parsed = json::parse(&set[0].bytes).expect("parses");
    let mut g = c.benchmark_group("codecs");
    g.bench_function("parse", |b| b.iter(|| json::parse(black_box(&set[0].bytes))));
    g.bench_function("jcs", |b| b.iter(|| jcs::canonicalize(black_box(&parsed))));
    g.bench_function("schema", |b| {
        b.iter(|| schema::check(black_box(&parsed), Profile::V02, false))
    });
    g.bench_function("bare-signature", |b| b.iter(|| bare(&set)));
    g.finish();
}

/// Full Level 0 verification in each form and algorithm.
fn forms(c: &mut Criterion) {
    for (form, alg, name) in matrix() {
        let set = corpus(alg, form, 8);
        let mut g = c.benchmark_group(format!("verify-{name}"));
        g.throughput(Throughput::Elements(set.len() as u64));
        g.bench_function("full", |b| b.iter(|| full(&set)));
        g.bench_function("bare-signature", |b| b.iter(|| bare(&set)));
        g.finish();
    }
}

/// 1,024 distinct Ed25519 records: full verify on one thread and on every core, and the
/// bare signature check of the same records.
fn batch(c: &mut Criterion) {
    let set = corpus(Alg::EdDSA, Form::Embedded, 1024);
    let mut g = c.benchmark_group("level0-batch");
    g.throughput(Throughput::Elements(set.len() as u64));
    g.sample_size(10);
    g.bench_function("full", |b| b.iter(|| full(&set)));
    g.bench_function("full-all-cores", |b| {
        b.iter(|| {
            set.par_iter()
                .for_each(|s| drop(black_box(trace_record::verify(&s.bytes, &s.opts))))
        })
    });
    g.bench_function("bare-signature", |b| b.iter(|| bare(&set)));
    g.finish();
}

criterion_group!(benches, codecs, forms, batch);
criterion_main!(benches);
