//! Oracles of the strict JSON parser, RFC 8785 and `verify` over arbitrary bytes.

use crate::render::{Choices, render};
use trace_record::finding::verdict_at;
use trace_record::json::{self, Value};
use trace_record::{FormChoice, Level, Status, Verdict, VerifyOptions, jcs, sample};

/// Report invariants: the verdict is the one its findings give at the level, an accepted
/// record has no failure or unverified finding at its level, and the highest level
/// accepted agrees with the verdict.
pub fn check_report(report: &trace_record::Report) {
    let mut all = report.findings.clone();
    all.extend(report.above_level.iter().cloned());
    assert_eq!(
        report.verdict,
        verdict_at(&all, report.level),
        "verdict disagrees with findings: {report:?}"
    );
    if report.verdict == Verdict::Accept {
        assert!(
            report.findings.iter().all(|f| f.status == Status::Advisory),
            "accepted with a failure or unverified finding: {report:?}"
        );
        assert!(report.highest_level.is_some_and(|l| l >= report.level), "{report:?}");
    }
    for f in &report.above_level {
        assert!(
            f.min_level() > report.level,
            "a finding of this level filed above it: {f:?}"
        );
    }
}

/// Strict parsing, canonicalization and verification of any bytes: canonical output
/// parses back to itself (idempotence), and every report is self-consistent at every
/// level and with the embedded key allowed or not.
pub fn json_verify(data: &[u8]) {
    if let Ok(v) = json::parse(data) {
        let canonical = jcs::canonicalize(&v);
        match json::parse(&canonical) {
            Ok(again) => assert_eq!(
                jcs::canonicalize(&again),
                canonical,
                "canonicalization is not idempotent"
            ),
            // RFC 8785 writes a large double such as 1e20 as the integer token
            // 100000000000000000000, which the strict parser refuses (TR-GEN-006, I-JSON's
            // 2^53 bound). That is the one refusal canonical output may meet (found by this
            // target; fuzz/regressions/json_verify/float-beyond-2-53).
            Err(e) if e.kind == json::ParseErrorKind::UnsafeInteger => {
                assert!(
                    has_large_float(&v),
                    "unsafe integer in canonical output without a large double: {e:?}"
                )
            }
            Err(e) => panic!("RFC 8785 output is not strict JSON: {e:?}"),
        }
    }
    for level in Level::ALL {
        let mut opts = VerifyOptions::at(sample::SAMPLE_IAT);
        opts.level = level;
        opts.form = FormChoice::Auto;
        opts.allow_embedded_key = level == Level::L0;
        check_report(&trace_record::verify(data, &opts));
    }
}

/// Whether `v` holds a double of magnitude 2^53 or more (written as an integer by RFC 8785).
fn has_large_float(v: &Value) -> bool {
    match v {
        Value::Number(json::Number::Float(f)) => f.abs() >= 9_007_199_254_740_992.0,
        Value::Array(items) => items.iter().any(has_large_float),
        Value::Object(o) => o.iter().any(|(_, item)| has_large_float(item)),
        _ => false,
    }
}

/// A parsed value rendered again with members in another order and other whitespace has
/// the same canonical form.
pub fn jcs_invariance(data: &[u8]) {
    // The first half is the document, the rest drives order and whitespace.
    let split = data.first().map_or(0, |b| *b as usize % (data.len().max(1)));
    let (doc, choices) = data.split_at(split.min(data.len()));
    let Ok(v) = json::parse(doc) else { return };
    let canonical = jcs::canonicalize(&v);
    let mut text = String::new();
    render(&v, &mut Choices::new(choices), &mut text);
    let reparsed = json::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("a re-rendering of a parsed value does not parse ({e}): {text}"));
    assert_eq!(
        String::from_utf8_lossy(&jcs::canonicalize(&reparsed)),
        String::from_utf8_lossy(&canonical),
        "canonical form depends on member order or whitespace: {text}"
    );
    if let Value::Object(_) = v {
        assert_eq!(canonical.first(), Some(&b'{'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oracles_hold_on_a_signed_sample_and_catch_a_broken_invariant() {
        let key = sample::test_key(trace_record::Alg::EdDSA, "oracle");
        let signed = trace_record::sign::sign(
            &sample::base_claims(),
            &key,
            None,
            trace_record::Form::Embedded,
            trace_record::CoseTag::Tagged,
        );
        json_verify(&signed);
        let mut data = vec![40u8];
        data.extend_from_slice(&signed);
        data.extend_from_slice(&[7, 3, 9, 1, 200, 13]);
        jcs_invariance(&data);
        // A report whose verdict contradicts its findings must be caught.
        let mut report = trace_record::verify(&signed, &VerifyOptions::embedded_key_at(sample::SAMPLE_IAT));
        assert_eq!(report.verdict, Verdict::Accept);
        report.findings.push(trace_record::Finding::fail(
            "TR-SIG-005",
            "signature/invalid",
            "",
            "forged",
        ));
        assert!(std::panic::catch_unwind(|| check_report(&report)).is_err());
    }
}
