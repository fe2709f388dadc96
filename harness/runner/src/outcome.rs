//! The closed set of outcomes a vector can have in a run, and what counts as unexpected.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    /// The implementation accepted what it must not (the dangerous direction).
    FailVerdictUnexpectedAccept,
    FailVerdict,
    FailErrorClass,
    FailOutput,
    /// A known failure that failed, as the profile says.
    Xfail,
    /// A known failure that passed: the profile is stale, and that fails the run.
    Xpass,
    /// Outside the capabilities the implementation claims.
    NotClaimed,
    /// Disabled by the profile.
    Skipped,
    /// `unsupported` inside a claimed capability.
    UnsupportedClaimed,
    HarnessError,
    ProtocolViolation,
    Timeout,
    Crash,
    /// Never sent: the restart budget ran out.
    NotRun,
}

impl Outcome {
    pub const ALL: [Outcome; 15] = [
        Outcome::Pass,
        Outcome::FailVerdictUnexpectedAccept,
        Outcome::FailVerdict,
        Outcome::FailErrorClass,
        Outcome::FailOutput,
        Outcome::Xfail,
        Outcome::Xpass,
        Outcome::NotClaimed,
        Outcome::Skipped,
        Outcome::UnsupportedClaimed,
        Outcome::HarnessError,
        Outcome::ProtocolViolation,
        Outcome::Timeout,
        Outcome::Crash,
        Outcome::NotRun,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::FailVerdictUnexpectedAccept => "fail_verdict_unexpected_accept",
            Outcome::FailVerdict => "fail_verdict",
            Outcome::FailErrorClass => "fail_error_class",
            Outcome::FailOutput => "fail_output",
            Outcome::Xfail => "xfail",
            Outcome::Xpass => "xpass",
            Outcome::NotClaimed => "not_claimed",
            Outcome::Skipped => "skipped",
            Outcome::UnsupportedClaimed => "unsupported_claimed",
            Outcome::HarnessError => "harness_error",
            Outcome::ProtocolViolation => "protocol_violation",
            Outcome::Timeout => "timeout",
            Outcome::Crash => "crash",
            Outcome::NotRun => "not_run",
        }
    }

    /// Whether this outcome fails the run (unless the profile marks the vector flaky).
    pub fn is_unexpected(self) -> bool {
        !matches!(
            self,
            Outcome::Pass | Outcome::Xfail | Outcome::NotClaimed | Outcome::Skipped | Outcome::NotRun
        )
    }

    /// Outcomes that say the adapter, not the library, misbehaved.
    pub fn is_adapter_trouble(self) -> bool {
        matches!(
            self,
            Outcome::HarnessError | Outcome::ProtocolViolation | Outcome::Timeout | Outcome::Crash
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each outcome's report name, whether it fails the run, and whether it is the
    /// adapter's fault rather than the library's.
    const TABLE: [(Outcome, &str, bool, bool); 15] = [
        (Outcome::Pass, "pass", false, false),
        (
            Outcome::FailVerdictUnexpectedAccept,
            "fail_verdict_unexpected_accept",
            true,
            false,
        ),
        (Outcome::FailVerdict, "fail_verdict", true, false),
        (Outcome::FailErrorClass, "fail_error_class", true, false),
        (Outcome::FailOutput, "fail_output", true, false),
        (Outcome::Xfail, "xfail", false, false),
        (Outcome::Xpass, "xpass", true, false),
        (Outcome::NotClaimed, "not_claimed", false, false),
        (Outcome::Skipped, "skipped", false, false),
        (Outcome::UnsupportedClaimed, "unsupported_claimed", true, false),
        (Outcome::HarnessError, "harness_error", true, true),
        (Outcome::ProtocolViolation, "protocol_violation", true, true),
        (Outcome::Timeout, "timeout", true, true),
        (Outcome::Crash, "crash", true, true),
        (Outcome::NotRun, "not_run", false, false),
    ];

    #[test]
    fn every_outcome_has_its_name_and_its_weight() {
        assert_eq!(TABLE.map(|t| t.0), Outcome::ALL);
        for (o, name, unexpected, adapter) in TABLE {
            assert_eq!(o.name(), name);
            assert_eq!(
                serde_json::to_value(o).unwrap(),
                name,
                "the JSON report spells it the same"
            );
            assert_eq!(o.is_unexpected(), unexpected, "{name}");
            assert_eq!(o.is_adapter_trouble(), adapter, "{name}");
        }
    }
}
