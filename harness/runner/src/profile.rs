//! Known-failure profiles: a TOML file per implementation saying which vectors are known
//! to fail (and why), which are flaky, which are disabled, and how native error strings
//! map to error classes.
//!
//! ```toml
//! [implementation]            # optional: whose profile this is (IMPL-41)
//! name = "my-library"
//! version = "2.1.0"           # optional
//!
//! [[known_failing]]
//! id = "sig::jws::*"          # a vector id, or a glob with * (any run of characters)
//! reason = "JWS is not implemented"
//! rule = "TR-SIG-007"           # optional: the rule and spec section the entry is about
//! section = "S2 §3.2.1"
//!
//! [[flaky]]
//! id = "..."
//! reason = "..."
//!
//! [[disabled]]
//! id = "..."
//! reason = "..."
//!
//! [error_map]
//! "(?i)signature" = "signature/invalid"   # regex over the native message -> class
//! ```
//!
//! Every entry needs a reason; a pattern that matches no vector is an error.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub implementation: Option<ProfileImplementation>,
    #[serde(default)]
    pub known_failing: Vec<Entry>,
    #[serde(default)]
    pub flaky: Vec<Entry>,
    #[serde(default)]
    pub disabled: Vec<Entry>,
    #[serde(default)]
    pub error_map: BTreeMap<String, String>,
}

/// The implementation a profile says it was written for (its optional `[implementation]`).
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileImplementation {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub reason: String,
    #[serde(default)]
    pub rule: Option<String>,
    #[serde(default)]
    pub section: Option<String>,
}

/// What the profile says about one vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marking {
    None,
    KnownFailing,
    Flaky,
    Disabled,
}

/// `*` matches any run of characters; everything else is literal.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text.ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

impl Profile {
    pub fn parse(text: &str) -> Result<Profile, crate::Error> {
        Profile::read(text).map_err(crate::Error::Invalid)
    }

    fn read(text: &str) -> Result<Profile, String> {
        let p: Profile = toml::from_str(text).map_err(|e| format!("profile: {e}"))?;
        for e in p.known_failing.iter().chain(&p.flaky).chain(&p.disabled) {
            if e.reason.trim().is_empty() {
                return Err(format!("profile: entry {:?} has no reason", e.id));
            }
        }
        for (pattern, class) in &p.error_map {
            regex::Regex::new(pattern).map_err(|e| format!("profile: error_map {pattern:?}: {e}"))?;
            if !trace_record::rules::catalog::ERROR_CLASSES.contains(&class.as_str()) {
                return Err(format!("profile: error_map maps to unknown class {class:?}"));
            }
        }
        Ok(p)
    }

    pub fn marking(&self, id: &str) -> Marking {
        let hit = |list: &[Entry]| list.iter().any(|e| glob_matches(&e.id, id));
        if hit(&self.disabled) {
            Marking::Disabled
        } else if hit(&self.known_failing) {
            Marking::KnownFailing
        } else if hit(&self.flaky) {
            Marking::Flaky
        } else {
            Marking::None
        }
    }

    /// The reason the profile gives for a vector it marks, if any.
    pub fn reason(&self, id: &str) -> Option<String> {
        self.disabled
            .iter()
            .chain(&self.known_failing)
            .chain(&self.flaky)
            .find(|e| glob_matches(&e.id, id))
            .map(|e| match (&e.rule, &e.section) {
                (Some(r), Some(s)) => format!("{} [{r}, {s}]", e.reason),
                (Some(r), None) => format!("{} [{r}]", e.reason),
                _ => e.reason.clone(),
            })
    }

    /// Patterns that match none of `ids`: each is a profile error.
    pub fn dead_patterns(&self, ids: &[&str]) -> Vec<String> {
        self.known_failing
            .iter()
            .chain(&self.flaky)
            .chain(&self.disabled)
            .filter(|e| !ids.iter().any(|id| glob_matches(&e.id, id)))
            .map(|e| e.id.clone())
            .collect()
    }

    /// The implementation this profile was written for, when it names one that is not the
    /// run's (`name` and `version` as the adapter's hello gave them): another release, whose
    /// known failures are then read as that release's (IMPL-41). None when the profile names
    /// no implementation, names this one, or the adapter named none (it did not start).
    pub fn written_for_another(&self, name: &str, version: &str) -> Option<ProfileImplementation> {
        let written = self.implementation.as_ref()?;
        let other = written.name != name || written.version.as_deref().is_some_and(|v| v != version);
        (other && !name.trim().is_empty()).then(|| written.clone())
    }

    /// The class a native error message maps to, if any.
    pub fn map_native(&self, native: &str) -> Option<String> {
        self.error_map
            .iter()
            .find(|(p, _)| regex::Regex::new(p).is_ok_and(|r| r.is_match(native)))
            .map(|(_, c)| c.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_for_another_release_or_implementation_is_named() {
        let p = Profile::parse("[implementation]\nname = \"lib\"\nversion = \"2.0\"\n").unwrap();
        assert_eq!(p.written_for_another("lib", "2.0"), None);
        let other = p.written_for_another("lib", "1.0").expect("another release");
        assert_eq!((other.name.as_str(), other.version.as_deref()), ("lib", Some("2.0")));
        assert!(p.written_for_another("other-lib", "2.0").is_some());
        assert_eq!(
            p.written_for_another("", ""),
            None,
            "an adapter that did not start named nothing"
        );
        let any_version = Profile::parse("[implementation]\nname = \"lib\"\n").unwrap();
        assert_eq!(any_version.written_for_another("lib", "1.0"), None);
        assert!(any_version.written_for_another("other-lib", "1.0").is_some());
        assert_eq!(Profile::default().written_for_another("lib", "1.0"), None);
    }

    #[test]
    fn globs() {
        assert!(glob_matches("sig::jws::*", "sig::jws::alg-none"));
        assert!(glob_matches("*::alg-none", "sig::jws::alg-none"));
        assert!(glob_matches("sig::*::alg-*", "sig::cose::alg-hmac"));
        assert!(!glob_matches("sig::jws::*", "sig::cose::alg-none"));
        assert!(glob_matches("a", "a") && !glob_matches("a", "ab"));
        assert!(!glob_matches("ab*ba", "aba"));
        // The star may match nothing, but the two ends may not overlap.
        assert!(glob_matches("a*b", "ab"));
        assert!(!glob_matches("a*a", "a"));
        assert!(glob_matches("a*a", "aa"));
        assert!(glob_matches("*", ""));
    }

    #[test]
    fn profiles_need_reasons_and_valid_maps() {
        assert!(Profile::parse("[[known_failing]]\nid = \"x\"\nreason = \"\"\n").is_err());
        assert!(Profile::parse("[error_map]\n\"(\" = \"signature/invalid\"\n").is_err());
        assert!(Profile::parse("[error_map]\n\"x\" = \"no/such-class\"\n").is_err());
        assert!(Profile::parse("[[flaky]]\nid = \"x\"\nreason = \"r\"\nextra = 1\n").is_err());
        let p = Profile::parse(
            "[[known_failing]]\nid = \"sig::*\"\nreason = \"r\"\n[error_map]\n\"(?i)stale\" = \"freshness/stale\"\n",
        )
        .unwrap();
        assert_eq!(p.marking("sig::jws::a"), Marking::KnownFailing);
        assert_eq!(p.map_native("Record is STALE"), Some("freshness/stale".into()));
        assert_eq!(p.dead_patterns(&["env::x"]), vec!["sig::*".to_string()]);
    }

    #[test]
    fn a_reason_carries_the_rule_and_section_it_has() {
        let p = Profile::parse(concat!(
            "[[known_failing]]\nid = \"a::*\"\nreason = \"both\"\nrule = \"TR-SIG-001\"\nsection = \"S2\"\n",
            "[[flaky]]\nid = \"b::x\"\nreason = \"rule only\"\nrule = \"TR-ENV-002\"\n",
            "[[disabled]]\nid = \"c::x\"\nreason = \"plain\"\nsection = \"S3\"\n",
        ))
        .unwrap();
        assert_eq!(p.reason("a::y").as_deref(), Some("both [TR-SIG-001, S2]"));
        assert_eq!(p.reason("b::x").as_deref(), Some("rule only [TR-ENV-002]"));
        assert_eq!(p.reason("c::x").as_deref(), Some("plain"));
        assert_eq!(p.reason("d::x"), None);
    }
}
