//! Deterministic input mutations for differential fuzzing: byte-level damage, JSON-level
//! edits that keep the rest of the text intact, and freshly signed records whose content
//! sits on a rule's edge.
//!
//! Owns: the mutators and their seeded generator. Does not own running anything or deciding
//! what a disagreement is (`differential`).

use trace_record::json::{self, Number, Value};
use trace_record::{CoseTag, Form, sample, sign};

/// xorshift64*: small, seedable, the same sequence on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "\"",
    "\\u0000",
    "\\ud800",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "1e400",
    "-0",
    "9007199254740993",
    "\"eat_profile\":1,",
    "\u{feff}",
    "\u{202e}",
    " ",
];

/// One mutation of `input`, named for the finding's comment.
pub fn mutate(input: &[u8], rng: &mut Rng) -> (Vec<u8>, String) {
    let mut out = input.to_vec();
    let at = rng.below(out.len() + 1);
    match rng.below(8) {
        0 if !out.is_empty() => {
            let i = rng.below(out.len());
            let bit = 1u8 << rng.below(8);
            out[i] ^= bit;
            (out, format!("flipped bit {bit:#04x} of byte {i}"))
        }
        1 if !out.is_empty() => {
            let len = 1 + rng.below(8.min(out.len()));
            let from = rng.below(out.len() - len + 1);
            out.drain(from..from + len);
            (out, format!("deleted bytes {from}..{}", from + len))
        }
        2 => {
            let token = TOKENS[rng.below(TOKENS.len())];
            out.splice(at..at, token.bytes());
            (out, format!("inserted {token:?} at {at}"))
        }
        3 if out.len() > 1 => {
            out.truncate(at.max(1));
            (out, format!("truncated to {} bytes", at.max(1)))
        }
        _ => match json_edit(input, rng) {
            Some(edit) => edit,
            None => {
                out.push(b' ');
                (out, "appended a space".into())
            }
        },
    }
}

/// A JSON-level edit of the text: a member repeated, a value changed in place, a member
/// removed. The text around the edit is kept byte for byte where possible.
fn json_edit(input: &[u8], rng: &mut Rng) -> Option<(Vec<u8>, String)> {
    let Ok(Value::Object(o)) = json::parse(input) else {
        return None;
    };
    let names: Vec<&String> = o.iter().map(|(k, _)| k).collect();
    let name = names.get(rng.below(names.len()))?.to_string();
    let text = std::str::from_utf8(input).ok()?;
    match rng.below(3) {
        0 => {
            // Repeat the member with another value just before the closing brace.
            // Half the time with the value it already has: a parser that keeps either copy
            // then reads exactly the signed record.
            let close = text.rfind('}')?;
            let same = String::from_utf8(trace_record::jcs::canonicalize(o.get(&name)?)).ok()?;
            let value = [
                "null",
                "\"\"",
                "0",
                "{}",
                "\"repeated\"",
                &same,
                &same,
                &same,
                &same,
                &same,
            ][rng.below(10)];
            let edited = format!("{},\"{}\":{}{}", &text[..close], name, value, &text[close..]);
            Some((edited.into_bytes(), format!("repeated member {name:?} as {value}")))
        }
        1 => {
            let mut edited = o.clone();
            let replacement = edge_value(rng);
            let what = format!(
                "set {name:?} to {}",
                String::from_utf8_lossy(&trace_record::jcs::canonicalize(&replacement))
            );
            edited.insert(name, replacement);
            Some((trace_record::jcs::canonicalize(&Value::Object(edited)), what))
        }
        _ => {
            let mut edited = o.clone();
            edited.remove(&name);
            Some((
                trace_record::jcs::canonicalize(&Value::Object(edited)),
                format!("removed member {name:?}"),
            ))
        }
    }
}

fn edge_value(rng: &mut Rng) -> Value {
    match rng.below(8) {
        0 => Value::Null,
        1 => Value::String(String::new()),
        2 => Value::Number(Number::Int(json::MAX_SAFE_INTEGER)),
        3 => Value::Number(Number::Int(-1)),
        4 => Value::Number(Number::Float(0.5)),
        5 => Value::Array(Vec::new()),
        6 => Value::Object(json::Object::new()),
        _ => Value::String("\u{0130}\u{fb01}".into()),
    }
}

/// Edge values for members of a freshly signed record: each one sits on a rule's edge.
const SEMANTIC_EDITS: &[(&str, &str)] = &[
    ("/iat", "1785000301"),
    ("/iat", "1785000300"),
    ("/iat", "1784913599"),
    ("/iat", "1785000000.0"),
    ("/data_class", "\"secret\""),
    ("/data_class", "\"PUBLIC\""),
    ("/subject", "\"spiffe://conformance.example/agent/../x\""),
    ("/subject", "\"https://conformance.example/agent\""),
    ("/runtime/platform", "\"quantum-enclave\""),
    ("/runtime/measurement", "\"sha256:ABCDEF\""),
    ("/runtime/measurement", "\"sha384:00\""),
    ("/policy/enforcement_mode", "\"audit\""),
    ("/policy/enforcement_mode", "\"Enforce\""),
    ("/build_provenance/slsa_level", "5"),
    ("/build_provenance/slsa_level", "-1"),
    ("/appraisal/status", "\"affirming\""),
    ("/appraisal/status", "\"contraindicated\""),
    ("/appraisal/verifier", "\"not a uri\""),
    ("/eat_profile", "\"tag:agentrust-io.com,2026:trace-v0.1\""),
    ("/x-extension", "{\"nested\":[1,2,3]}"),
    ("/nonce", "\"\""),
    ("/model/provider", "\"\""),
];

/// A record signed with the suite's `fuzz` test key (EdDSA, embedded) whose claims carry one
/// or two edge values; verify it at the sample time trusting that key.
pub fn signed_edge_record(rng: &mut Rng) -> (Vec<u8>, String) {
    let mut claims = sample::base_claims();
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(2) {
        let (pointer, value) = SEMANTIC_EDITS[rng.below(SEMANTIC_EDITS.len())];
        let v = json::parse(value.as_bytes()).expect("edit values are JSON");
        sample::set_pointer(&mut claims, pointer, v);
        what.push(format!("{pointer} = {value}"));
    }
    let key = sample::test_key(trace_record::Alg::EdDSA, "fuzz");
    let bytes = sign::sign(&claims, &key, None, Form::Embedded, CoseTag::Tagged);
    (bytes, format!("signed with {}", what.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_every_mutation_changes_something() {
        let record = sign::sign(
            &sample::base_claims(),
            &sample::test_key(trace_record::Alg::EdDSA, "fuzz"),
            None,
            Form::Embedded,
            CoseTag::Tagged,
        );
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..500 {
            let (x, what) = mutate(&record, &mut a);
            assert_eq!(mutate(&record, &mut b), (x.clone(), what.clone()));
            assert_ne!(x, record, "{what}");
        }
        let (r1, _) = signed_edge_record(&mut Rng::new(3));
        let (r2, _) = signed_edge_record(&mut Rng::new(3));
        assert_eq!(r1, r2);
    }
}
