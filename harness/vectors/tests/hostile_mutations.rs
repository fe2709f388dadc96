//! Hostile input never panics: every vector of the newer operations (verify-chain,
//! verify-action-receipt, verify-provenance-depth, the companion formats, replay-evidence, and verify with evidence,
//! inclusion or revocation inputs) is mutated many times (bit flips, truncations, insertions,
//! deletions, deterministic from a seed and the vector's id, so the vectors are spread over
//! every core and a failure replays exactly) and run through the reference. Any answer is
//! fine; a panic fails the test and names the mutation.

use std::panic::{AssertUnwindSafe, catch_unwind};
use trace_protocol::Op;
use trace_vector_format::format::{Context, Test};
use trace_vector_format::{load, reference};

/// A small deterministic generator (xorshift), so a failure replays exactly.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(b.len());
        match rng.below(5) {
            0 if !b.is_empty() => b[at] ^= 1 << rng.below(8),
            1 => b.truncate(at),
            2 => b.insert(at, rng.next() as u8),
            3 if !b.is_empty() => {
                b.remove(at);
            }
            _ => {
                // A structural character where it hurts JSON and CBOR alike.
                let c = [b'{', b'}', b'[', b']', b'"', b',', b':', 0xff, 0x00][rng.below(9)];
                if at < b.len() {
                    b[at] = c;
                }
            }
        }
    }
    b
}

fn interesting(c: &Context) -> bool {
    matches!(c.op, Op::VerifyChain | Op::ReplayEvidence)
        || c.op.is_document_check()
        || c.evidence.is_some()
        || c.inclusion.is_some()
        || c.revocation.is_some()
}

/// The mutations of one vector's input (or of its claim, every other time): the panics seen.
fn mutate_one(context: &Context, t: &Test) -> Vec<String> {
    // FNV-1a of the id: each vector its own sequence, the same on every run.
    let seed = t.id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = Rng(seed | 1);
    let input = t.input.bytes().expect("input");
    let mut panics = Vec::new();
    for i in 0..40 {
        let mutated = mutate(&input, &mut rng);
        let mut test: Test = t.clone();
        test.input = trace_vector_format::format::Input::from_bytes(&mutated);
        test.input.claim_text = t.input.claim_text.clone();
        if i % 2 == 1
            && let Some(c) = &t.input.claim_text
        {
            // Mutate the claim instead, keeping the bundle.
            test.input = t.input.clone();
            test.input.claim_text = String::from_utf8(mutate(c.as_bytes(), &mut rng)).ok();
        }
        if catch_unwind(AssertUnwindSafe(|| reference::observe(context, &test))).is_err() {
            panics.push(format!(
                "{} mutation {i} panicked: {:?}",
                t.id,
                String::from_utf8_lossy(&mutated)
            ));
        }
    }
    panics
}

#[test]
fn mutated_inputs_of_the_newer_operations_never_panic() {
    let files = load::load_dir(&load::default_dir()).expect("vectors");
    let cases: Vec<(&Context, &Test)> = files
        .iter()
        .flat_map(|(_, f)| &f.groups)
        .filter(|g| interesting(&g.context))
        .flat_map(|g| g.tests.iter().map(move |t| (&g.context, t)))
        .collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let panics: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|k| {
                let cases = &cases;
                s.spawn(move || {
                    cases
                        .iter()
                        .skip(k)
                        .step_by(threads)
                        .flat_map(|(c, t)| mutate_one(c, t))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("worker")).collect()
    });
    let runs = cases.len() * 40;
    assert!(runs > 5_000, "only {runs} mutated runs");
    assert!(panics.is_empty(), "{} panics, first: {}", panics.len(), panics[0]);
}
