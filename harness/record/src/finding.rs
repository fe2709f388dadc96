//! Findings and verdicts: the vocabulary every check speaks.
//!
//! Owns: [`Finding`] (rule id, status, error class, JSON pointer, spec section, message),
//! [`Level`], [`Verdict`], and how findings decide a verdict at a level. Does not own the
//! rules themselves (`rules::catalog`) or any check.

use crate::rules::catalog;
use serde::Serialize;

/// A TRACE trust level (docs/trust-levels.md; cumulative).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    L0 = 0,
    L1 = 1,
    L2 = 2,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::L0, Level::L1, Level::L2];
    pub fn number(self) -> u8 {
        self as u8
    }
    pub fn from_number(n: u8) -> Option<Level> {
        Level::ALL.get(n as usize).copied()
    }
}

/// What a check concluded about one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The rule is broken: the record is rejected at every level the rule applies to.
    Fail,
    /// The rule could not be checked (evidence this verifier does not have): never a pass.
    Unverified,
    /// Worth knowing; no effect on the verdict.
    Advisory,
}

/// One finding about one rule at one place in the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub status: Status,
    /// `category/detail`, from the closed list in `rules::catalog::ERROR_CLASSES`.
    pub class: &'static str,
    /// RFC 6901 pointer of the offending member ("" for the whole input).
    pub pointer: String,
    pub section: &'static str,
    pub message: String,
    /// The rule's lowest level, looked up once (verdicts at each level read it often).
    #[serde(skip)]
    min_level: Level,
}

impl Finding {
    /// A finding for a catalogued rule; panics in debug builds on an unknown id or class.
    pub fn new(
        rule: &'static str,
        status: Status,
        class: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let meta = catalog::rule(rule);
        debug_assert!(catalog::ERROR_CLASSES.contains(&class), "unknown error class {class}");
        Finding {
            rule,
            status,
            class,
            pointer: pointer.into(),
            section: meta.section,
            message: message.into(),
            min_level: meta.min_level,
        }
    }
    pub fn fail(
        rule: &'static str,
        class: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(rule, Status::Fail, class, pointer, message)
    }
    /// The lowest level at which this finding counts.
    pub fn min_level(&self) -> Level {
        self.min_level
    }
}

/// The outcome for one input at one level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accept,
    Reject,
    /// Nothing failed, but something the level needs could not be checked.
    Unverified,
}

impl Verdict {
    /// The protocol's word for it: `accept`, `reject`, `unverified`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
            Verdict::Unverified => "unverified",
        }
    }
}

/// The verdict at `level`: any failure of a rule that applies there rejects; otherwise any
/// unverified rule that applies there leaves the record unverified.
pub fn verdict_at(findings: &[Finding], level: Level) -> Verdict {
    let applies = |f: &&Finding| f.min_level() <= level;
    if findings.iter().filter(applies).any(|f| f.status == Status::Fail) {
        Verdict::Reject
    } else if findings.iter().filter(applies).any(|f| f.status == Status::Unverified) {
        Verdict::Unverified
    } else {
        Verdict::Accept
    }
}

/// The highest level at which the record is accepted, if any.
pub fn highest_level(findings: &[Finding]) -> Option<Level> {
    Level::ALL
        .into_iter()
        .rev()
        .find(|l| verdict_at(findings, *l) == Verdict::Accept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_level_is_the_last_one_nothing_fails_or_stays_unverified() {
        let at = |rule: &'static str, status: Status| Finding::new(rule, status, "input/syntax", "", "m");
        assert_eq!(highest_level(&[]), Some(Level::L2));
        let l2 = [at("TR-ANC-002", Status::Fail)];
        assert_eq!(highest_level(&l2), Some(Level::L1));
        let l1 = [at("TR-RTE-006", Status::Unverified), at("TR-ANC-002", Status::Fail)];
        assert_eq!(highest_level(&l1), Some(Level::L0));
        let l0 = [at("TR-ENV-002", Status::Fail)];
        assert_eq!(highest_level(&l0), None);
        // Advisories never lower it.
        assert_eq!(highest_level(&[at("TR-ENV-002", Status::Advisory)]), Some(Level::L2));
    }
}
