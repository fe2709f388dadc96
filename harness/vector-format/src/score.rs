//! Scoring one observed result against one vector's expectation.
//!
//! Owns: [`Observed`] (what an implementation said, whoever it is) and [`score`]. The
//! reference's `Report` converts into an `Observed`; adapters will produce one from the
//! protocol. Does not own running anything.

use crate::format::{Expected, Outcome, VerdictKind};
use trace_protocol::Op;
use trace_record::audit::ChainReport;
use trace_record::{Finding, Report, Status, Verdict};
use trace_untrusted::escape::quoted;

/// What an implementation concluded for one vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    pub verdict: Verdict,
    /// (rule, class) of every failed or unverified rule, when the implementation reports detail.
    pub errors: Vec<(String, String)>,
    /// Rules reported as advisories.
    pub warnings: Vec<String>,
    /// For canonicalize: the output bytes.
    pub output: Option<Vec<u8>>,
    /// How precisely the implementation reports why it rejected.
    pub detail: Detail,
}

/// The precision at which rejections are matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Only the verdict is scored.
    None,
    /// The error class must match.
    Class,
    /// The rule id must match.
    Rule,
    /// Rule and class must both match (the reference).
    RuleAndClass,
}

impl Observed {
    pub fn from_report(r: &Report) -> Observed {
        Self::from_findings(r.verdict, &r.findings)
    }
    /// A chain report: the chain's findings and the claim's.
    pub fn from_chain_report(r: &ChainReport) -> Observed {
        let all: Vec<Finding> = r.all_findings().cloned().collect();
        Self::from_findings(r.verdict, &all)
    }
    /// Any verdict with the findings behind it.
    pub fn from_verdict_and_findings(verdict: Verdict, findings: &[Finding]) -> Observed {
        Self::from_findings(verdict, findings)
    }
    fn from_findings(verdict: Verdict, findings: &[Finding]) -> Observed {
        Observed {
            verdict,
            errors: findings
                .iter()
                .filter(|f| f.status != Status::Advisory)
                .map(|f| (f.rule.to_string(), f.class.to_string()))
                .collect(),
            warnings: findings
                .iter()
                .filter(|f| f.status == Status::Advisory)
                .flat_map(|f| [f.rule.to_string(), f.class.to_string()])
                .collect(),
            output: None,
            detail: Detail::RuleAndClass,
        }
    }
}

/// The result of comparing an observation with an expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Score {
    Pass,
    /// The verdict is wrong; `unexpected_accept` is the dangerous direction.
    FailVerdict {
        unexpected_accept: bool,
        detail: String,
    },
    /// The verdict is right but the reported rule or class is not the expected one.
    FailErrorClass {
        detail: String,
    },
    /// A codec operation produced other bytes.
    FailOutput {
        detail: String,
    },
}

impl Score {
    pub fn is_pass(&self) -> bool {
        *self == Score::Pass
    }
}

pub fn score(expected: &Expected, observed: &Observed) -> Score {
    let accepted = observed.verdict == Verdict::Accept;
    match expected.result {
        Outcome::Acceptable => Score::Pass,
        Outcome::Valid if !accepted => Score::FailVerdict {
            unexpected_accept: false,
            detail: format!(
                "expected valid, got {} ({})",
                observed.verdict.word(),
                list(&observed.errors)
            ),
        },
        Outcome::Valid if missing_report(expected, observed).is_some() => Score::FailErrorClass {
            detail: format!(
                "the verifier must report {}",
                missing_report(expected, observed).unwrap_or_default()
            ),
        },
        Outcome::Valid => match output_mismatch(expected, observed) {
            Some(detail) => Score::FailOutput { detail },
            None => Score::Pass,
        },
        Outcome::Invalid if accepted => Score::FailVerdict {
            unexpected_accept: true,
            detail: "expected invalid, got accept".into(),
        },
        Outcome::Invalid
            if expected.verdict == Some(VerdictKind::Reject) && observed.verdict == Verdict::Unverified =>
        {
            Score::FailVerdict {
                unexpected_accept: false,
                detail: format!(
                    "expected reject, got unverified ({}): what the vector shows wrong can be checked from its inputs",
                    list(&observed.errors)
                ),
            }
        }
        Outcome::Invalid if expected.verdict == Some(VerdictKind::Absent) && observed.verdict == Verdict::Reject => {
            Score::FailVerdict {
                unexpected_accept: false,
                detail: format!(
                    "expected unverified, got reject ({}): nothing was presented, and absence is recorded, never a failed check",
                    list(&observed.errors)
                ),
            }
        }
        Outcome::Invalid if output_mismatch(expected, observed).is_some() => Score::FailOutput {
            detail: output_mismatch(expected, observed).unwrap_or_default(),
        },
        Outcome::Invalid => match &expected.error {
            Some(e) if observed.detail != Detail::None => {
                let hit = observed.errors.iter().any(|(rule, class)| {
                    let (rule_ok, class_ok) = (e.rules.contains(rule), *class == e.class);
                    match observed.detail {
                        Detail::Rule => rule_ok,
                        Detail::Class => class_ok,
                        _ => rule_ok && class_ok,
                    }
                });
                if hit {
                    Score::Pass
                } else {
                    Score::FailErrorClass {
                        detail: format!(
                            "expected {} {}, got {}",
                            e.rules.join("/"),
                            e.class,
                            list(&observed.errors)
                        ),
                    }
                }
            }
            _ => Score::Pass,
        },
    }
}

/// How the output (canonical bytes, or the value an operation reports: a verified depth,
/// an assurance, a binding) differs from the one the vector states, if it does.
fn output_mismatch(expected: &Expected, observed: &Observed) -> Option<String> {
    match (&expected.output_text, &observed.output) {
        (Some(want), Some(got)) if want.as_bytes() != got.as_slice() => {
            let at = want
                .bytes()
                .zip(got.iter())
                .position(|(a, b)| a != *b)
                .unwrap_or(want.len().min(got.len()));
            Some(format!(
                "expected {}, got {} (they differ from byte {at})",
                quoted(want),
                quoted(&String::from_utf8_lossy(got))
            ))
        }
        (Some(want), None) => Some(format!("expected {}, got no output", quoted(want))),
        _ => None,
    }
}

/// The result member in which an operation reports the value its vectors state as
/// `output_text` (canonicalize reports bytes in `output_b64u` instead).
pub fn reported_member(op: Op) -> Option<&'static str> {
    match op {
        Op::VerifyProvenanceDepth => Some("verified_depth"),
        Op::VerifyServerProvenance => Some("assurance"),
        Op::VerifyContentMarking => Some("binding"),
        _ => None,
    }
}

/// The MUST-strength rules a vector requires as reports (e.g. TR-REV-001 "no revocation
/// check performed").
fn required_report_rules(expected: &Expected) -> impl Iterator<Item = &'static trace_record::rules::catalog::Rule> {
    use trace_record::rules::catalog::{RULES, Strength};
    expected.warnings.iter().filter_map(|w| {
        RULES
            .iter()
            .find(|r| r.id == w.as_str() && matches!(r.strength, Strength::Must | Strength::MustNot))
    })
}

/// The ids of the reports a vector requires: an implementation that reports no detail
/// cannot be scored on them.
pub fn required_reports(expected: &Expected) -> Vec<&'static str> {
    required_report_rules(expected).map(|r| r.id).collect()
}

/// A MUST-strength report (e.g. "no revocation check performed") the observation lacks.
fn missing_report(expected: &Expected, observed: &Observed) -> Option<String> {
    if observed.detail == Detail::None {
        return None;
    }
    required_report_rules(expected)
        .find(|r| match observed.detail {
            // A class-level implementation reports the class of the required report.
            Detail::Class => !observed.warnings.iter().any(|w| w == r.class),
            _ => !observed.warnings.iter().any(|w| w == r.id),
        })
        .map(|r| r.id.to_string())
}

fn list(errors: &[(String, String)]) -> String {
    if errors.is_empty() {
        return "no errors".into();
    }
    errors
        .iter()
        .map(|(r, c)| format!("{r} {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::ExpectedError;

    fn seen(verdict: Verdict, errors: &[(&str, &str)], warnings: &[&str], detail: Detail) -> Observed {
        Observed {
            verdict,
            errors: errors.iter().map(|(r, c)| (r.to_string(), c.to_string())).collect(),
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
            output: None,
            detail,
        }
    }

    fn invalid(rule: &str, class: &str) -> Expected {
        let mut e = Expected::only(Outcome::Invalid);
        e.error = Some(ExpectedError {
            class: class.into(),
            rules: vec![rule.into()],
        });
        e
    }

    #[test]
    fn unverified_where_a_reject_is_due_fails_and_a_reject_where_unverified_is_due_passes() {
        let errors = [("TR-ANC-002", "evidence/inclusion-invalid")];
        let mut reject = invalid("TR-ANC-002", "evidence/inclusion-invalid");
        reject.verdict = Some(VerdictKind::Reject);
        for detail in [Detail::None, Detail::RuleAndClass] {
            let s = score(&reject, &seen(Verdict::Unverified, &errors, &[], detail));
            assert!(
                matches!(&s, Score::FailVerdict { unexpected_accept: false, detail } if detail.contains("got unverified")),
                "{s:?}"
            );
            assert!(score(&reject, &seen(Verdict::Reject, &errors, &[], detail)).is_pass());
        }
        let mut unverified = reject.clone();
        unverified.verdict = Some(VerdictKind::Unverified);
        for v in [Verdict::Reject, Verdict::Unverified] {
            assert!(score(&unverified, &seen(v, &errors, &[], Detail::RuleAndClass)).is_pass());
        }
        // Without a stated kind (older files, fuzz corpora) either is fine.
        reject.verdict = None;
        assert!(score(&reject, &seen(Verdict::Unverified, &errors, &[], Detail::RuleAndClass)).is_pass());
    }

    #[test]
    fn verdicts_decide_first_and_an_accept_of_an_invalid_vector_is_flagged() {
        let valid = Expected::only(Outcome::Valid);
        assert!(score(&valid, &seen(Verdict::Accept, &[], &[], Detail::None)).is_pass());
        for v in [Verdict::Reject, Verdict::Unverified] {
            assert!(matches!(
                score(&valid, &seen(v, &[], &[], Detail::None)),
                Score::FailVerdict {
                    unexpected_accept: false,
                    ..
                }
            ));
        }
        let e = invalid("TR-SIG-005", "signature/invalid");
        assert!(matches!(
            score(&e, &seen(Verdict::Accept, &[], &[], Detail::RuleAndClass)),
            Score::FailVerdict {
                unexpected_accept: true,
                ..
            }
        ));
        assert!(
            score(
                &e,
                &seen(
                    Verdict::Unverified,
                    &[("TR-SIG-005", "signature/invalid")],
                    &[],
                    Detail::RuleAndClass
                )
            )
            .is_pass()
        );
        let either = Expected::only(Outcome::Acceptable);
        assert!(score(&either, &seen(Verdict::Reject, &[], &[], Detail::None)).is_pass());
        assert!(score(&either, &seen(Verdict::Accept, &[], &[], Detail::None)).is_pass());
    }

    #[test]
    fn a_failure_says_what_was_expected_and_what_was_reported() {
        let valid = Expected::only(Outcome::Valid);
        let got = seen(
            Verdict::Reject,
            &[("TR-SIG-005", "signature/invalid"), ("TR-ENV-002", "freshness/stale")],
            &[],
            Detail::RuleAndClass,
        );
        assert_eq!(
            score(&valid, &got),
            Score::FailVerdict {
                unexpected_accept: false,
                detail: "expected valid, got reject (TR-SIG-005 signature/invalid, TR-ENV-002 freshness/stale)".into()
            }
        );
        let e = invalid("TR-SIG-005", "signature/invalid");
        assert_eq!(
            score(&e, &seen(Verdict::Reject, &[], &[], Detail::Rule)),
            Score::FailErrorClass {
                detail: "expected TR-SIG-005 signature/invalid, got no errors".into()
            }
        );
    }

    #[test]
    fn errors_are_matched_at_the_detail_the_implementation_reports() {
        let e = invalid("TR-SIG-005", "signature/invalid");
        let case = |errors: &[(&str, &str)], detail| score(&e, &seen(Verdict::Reject, errors, &[], detail)).is_pass();
        assert!(case(&[("TR-SIG-005", "signature/invalid")], Detail::RuleAndClass));
        assert!(!case(&[("TR-SIG-005", "signature/missing")], Detail::RuleAndClass));
        assert!(!case(&[("TR-SIG-004", "signature/invalid")], Detail::RuleAndClass));
        assert!(case(&[("TR-SIG-004", "signature/invalid")], Detail::Class));
        assert!(!case(&[("TR-SIG-005", "signature/missing")], Detail::Class));
        assert!(case(&[("TR-SIG-005", "signature/missing")], Detail::Rule));
        assert!(!case(&[("TR-SIG-004", "signature/invalid")], Detail::Rule));
        assert!(
            case(&[], Detail::None),
            "verdict-only implementations are scored on the verdict"
        );
        assert!(!case(&[], Detail::Rule));
        assert!(case(
            &[("TR-ENV-002", "freshness/stale"), ("TR-SIG-005", "signature/invalid")],
            Detail::RuleAndClass
        ));
    }

    #[test]
    fn a_valid_vector_needs_its_must_reports_and_its_output() {
        // TR-REV-002 ("unverified for revocation") is a MUST report; TR-SIG-013 an advisory.
        let mut e = Expected::only(Outcome::Valid);
        e.warnings = vec!["TR-REV-002".into(), "TR-SIG-013".into()];
        let with = |w: &[&str], d| score(&e, &seen(Verdict::Accept, &[], w, d));
        assert!(with(&["TR-REV-002"], Detail::RuleAndClass).is_pass());
        assert!(matches!(with(&[], Detail::RuleAndClass), Score::FailErrorClass { .. }));
        assert!(matches!(
            with(&["TR-REV-002"], Detail::Class),
            Score::FailErrorClass { .. }
        ));
        assert!(with(&["revocation/unverified"], Detail::Class).is_pass());
        assert!(with(&[], Detail::None).is_pass());
        let mut c = Expected::only(Outcome::Valid);
        c.output_text = Some("{}".into());
        let out = |o: Option<&[u8]>| {
            let mut s = seen(Verdict::Accept, &[], &[], Detail::None);
            s.output = o.map(<[u8]>::to_vec);
            score(&c, &s)
        };
        assert!(out(Some(b"{}")).is_pass());
        assert_eq!(
            out(Some(b"{ }")),
            Score::FailOutput {
                detail: "expected \"{}\", got \"{ }\" (they differ from byte 1)".into()
            }
        );
        assert_eq!(
            out(Some(b"{")),
            Score::FailOutput {
                detail: "expected \"{}\", got \"{\" (they differ from byte 1)".into()
            },
            "a prefix differs where it ends"
        );
        assert_eq!(
            out(None),
            Score::FailOutput {
                detail: "expected \"{}\", got no output".into()
            }
        );
        // A stated output is scored on invalid vectors too (an assurance of none).
        let mut none = invalid("TR-SPV-005", "companion/catalog-mismatch");
        none.output_text = Some("none".into());
        let rejected = |o: &[u8]| {
            let mut s = seen(
                Verdict::Reject,
                &[("TR-SPV-005", "companion/catalog-mismatch")],
                &[],
                Detail::RuleAndClass,
            );
            s.output = Some(o.to_vec());
            score(&none, &s)
        };
        assert!(rejected(b"none").is_pass());
        assert!(matches!(rejected(b"publisher-asserted"), Score::FailOutput { .. }));
    }

    #[test]
    fn absence_must_be_answered_unverified_never_rejected() {
        let mut e = invalid("TR-CMK-007", "companion/absent");
        e.verdict = Some(VerdictKind::Absent);
        let errors = [("TR-CMK-007", "companion/absent")];
        assert!(score(&e, &seen(Verdict::Unverified, &errors, &[], Detail::RuleAndClass)).is_pass());
        for detail in [Detail::None, Detail::RuleAndClass] {
            assert!(matches!(
                score(&e, &seen(Verdict::Reject, &errors, &[], detail)),
                Score::FailVerdict {
                    unexpected_accept: false,
                    ..
                }
            ));
        }
        assert!(matches!(
            score(&e, &seen(Verdict::Accept, &[], &[], Detail::None)),
            Score::FailVerdict {
                unexpected_accept: true,
                ..
            }
        ));
    }
}
