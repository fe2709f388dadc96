//! One report of `verify --output json`: the JSON object the command prints for an input,
//! written straight from the report.
//!
//! Owns: the entry's members and their order (alphabetical, as a `serde_json` map orders
//! them, which is what the command printed before it wrote entries directly) and its
//! indentation as a member of `results`. Does not own the document around the entries
//! (`cmd_verify`'s sink) or the report (trace-record).

use serde::Serialize;
use trace_record::{Finding, Form, Level, Profile, Report, Status, Verdict};

/// A report with its input's name, members in alphabetical order.
#[derive(Serialize)]
struct Entry<'a> {
    above_level: Vec<FindingEntry<'a>>,
    alg: Option<&'static str>,
    findings: Vec<FindingEntry<'a>>,
    form: Option<Form>,
    highest_level: Option<Level>,
    input: &'a str,
    key_thumbprint: Option<&'a str>,
    level: Level,
    profile: Profile,
    strict: bool,
    verdict: Verdict,
}

/// A finding, members in alphabetical order.
#[derive(Serialize)]
struct FindingEntry<'a> {
    class: &'a str,
    message: &'a str,
    pointer: &'a str,
    rule: &'a str,
    section: &'a str,
    status: Status,
}

fn findings(list: &[Finding]) -> Vec<FindingEntry<'_>> {
    list.iter()
        .map(|f| FindingEntry {
            class: f.class,
            message: &f.message,
            pointer: &f.pointer,
            rule: f.rule,
            section: f.section,
            status: f.status,
        })
        .collect()
}

/// `report` for input `name` as indented JSON, every line indented four more spaces (a
/// member of the document's `results`).
pub fn entry(name: &str, report: &Report) -> String {
    let entry = Entry {
        above_level: findings(&report.above_level),
        alg: report.alg,
        findings: findings(&report.findings),
        form: report.form,
        highest_level: report.highest_level,
        input: name,
        key_thumbprint: report.key_thumbprint.as_deref(),
        level: report.level,
        profile: report.profile,
        strict: report.strict,
        verdict: report.verdict,
    };
    let text = serde_json::to_string_pretty(&entry).expect("reports serialize");
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use trace_record::sample::{self, SAMPLE_IAT};
    use trace_record::{Alg, CoseTag, VerifyOptions, sign};

    /// What the command printed before entries were written directly: the report as a
    /// `serde_json` value (members sorted) with `input` added, pretty-printed and indented.
    fn through_a_value(name: &str, report: &Report) -> String {
        let mut v = serde_json::to_value(report).unwrap();
        v.as_object_mut().unwrap().insert("input".into(), name.into());
        let text = serde_json::to_string_pretty(&v).unwrap();
        text.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn an_entry_is_the_report_as_a_sorted_json_object_with_its_input() {
        let key = sample::test_key(Alg::EdDSA, "json entry");
        let record = sign::sign(&sample::base_claims(), &key, None, Form::Embedded, CoseTag::Tagged);
        let mut tampered = record.clone();
        tampered[40] ^= 1;
        let at = |level, allow_embedded_key| VerifyOptions {
            level,
            allow_embedded_key,
            ..VerifyOptions::at(SAMPLE_IAT)
        };
        let cases: Vec<(&[u8], VerifyOptions)> = vec![
            (&record, at(Level::L0, true)),
            (&record, at(Level::L2, false)),
            (&tampered, at(Level::L0, true)),
            (b"not json \"\\\n\x01", at(Level::L0, true)),
            (
                &record,
                VerifyOptions {
                    strict: true,
                    ..at(Level::L1, true)
                },
            ),
        ];
        assert_eq!(trace_record::verify(&record, &cases[0].1).verdict, Verdict::Accept);
        for (bytes, opts) in cases {
            let report = trace_record::verify(bytes, &opts);
            // A name that needs escaping in JSON and a report with findings of every kind.
            let name = "dir/\"odd\" name\u{7}.json";
            assert_eq!(entry(name, &report), through_a_value(name, &report));
        }
    }
}
