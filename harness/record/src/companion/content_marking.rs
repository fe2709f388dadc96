//! The C2PA assertion `com.agentrust-io.trace` (content-marking v1, CM), the consumer's
//! side from the assertion on: its version (§4 step 2) and shape (§2), the fetched record's
//! bytes against `record.hash` (step 3), the record verified per TRACE v0.2 §3.3 under a
//! key the consumer trusts (step 4), the assertion's `subject` and `eat_profile` against
//! the record (step 5), inclusion when `anchor` is present (step 6), the record's level
//! reported (step 7) and absence recorded, never a failed check (§5).
//!
//! Owns: [`verify_content_marking`] over `{context, assertion, record_b64u, inclusion}`.
//! Does not own the C2PA manifest and its signature (§4 step 1, C2PA 2.1: the document's
//! assertion is one read from a manifest already verified, IMPL-37) nor fetching `record.url`
//! (the fetched bytes are an input).

use super::{Presence, digest_text, flag, is_digest_text, presence, read_document, replay_inclusion};
use crate::finding::{Finding, Status, Verdict, verdict_at};
use crate::json::{Object, Value};
use crate::verify::{TrustedKey, VerifyOptions};
use crate::{Level, PublicKey, b64, envelope};

/// The assertion's label (CM §2).
pub const LABEL: &str = "com.agentrust-io.trace";
/// What is reported when no binding was verified.
pub const BINDING_ABSENT: &str = "absent";
pub const BINDING_NONE: &str = "none";

#[derive(Clone, Debug, serde::Serialize)]
pub struct ContentMarkingReport {
    pub verdict: Verdict,
    /// `level-0`, `level-1` or `level-2` (the highest level the record verifies at) when the
    /// binding verified; `absent` when there is no assertion; `none` otherwise (CM §4 step 7).
    pub binding: String,
    pub findings: Vec<Finding>,
}

/// Verifies one content-marking document. Other members (a fixture's name) are ignored.
pub fn verify_content_marking(bytes: &[u8]) -> ContentMarkingReport {
    let mut found = Vec::new();
    let mut binding = BINDING_NONE.to_string();
    match read_document(bytes, "content-marking") {
        Err(f) => found.push(f),
        Ok(doc) => match check(&doc, &mut found) {
            Some(level) => binding = format!("level-{}", level.number()),
            None if found.iter().any(|f| f.rule == "TR-CMK-007") => binding = BINDING_ABSENT.into(),
            None => {}
        },
    }
    let verdict = verdict_at(&found, Level::L0);
    if verdict != Verdict::Accept && binding.starts_with("level-") {
        binding = BINDING_NONE.into();
    }
    ContentMarkingReport {
        verdict,
        binding,
        findings: found,
    }
}

fn fail(found: &mut Vec<Finding>, rule: &'static str, class: &'static str, at: &str, message: String) {
    found.push(Finding::fail(rule, class, at, message));
}

fn malformed_document(found: &mut Vec<Finding>, at: &str, why: &str) {
    fail(found, "TR-CMK-008", "companion/document-malformed", at, why.to_string());
}

/// The verification time and trusted keys of the context.
fn verify_options(doc: &Object) -> Result<VerifyOptions, String> {
    let context = doc
        .get("context")
        .and_then(Value::as_object)
        .ok_or("no context object")?;
    let now = match context.get("verification_time") {
        Some(Value::String(t)) => crate::time::parse_time(t)?,
        Some(v) => v
            .as_int()
            .ok_or("verification_time is neither RFC 3339 nor an integer")?,
        None => return Err("no context.verification_time".into()),
    };
    let keys = context
        .get("trusted_keys")
        .and_then(Value::as_array)
        .ok_or("context.trusted_keys is not an array of JWKs")?
        .iter()
        .map(|k| {
            PublicKey::from_jwk(k)
                .map(TrustedKey::Jwk)
                .map_err(|e| format!("a trusted key: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(VerifyOptions {
        trusted_keys: keys,
        ..VerifyOptions::at(now)
    })
}

/// Runs the checks in CM §4 order; returns the record's level when the binding verified.
fn check(doc: &Object, found: &mut Vec<Finding>) -> Option<Level> {
    let opts = match verify_options(doc) {
        Ok(o) => o,
        Err(e) => {
            malformed_document(found, "/context", &e);
            return None;
        }
    };
    let assertion = match presence(doc, "assertion") {
        Presence::Present(a) => a,
        Presence::NotAnObject => {
            malformed_document(found, "/assertion", "the assertion is neither an object nor null");
            return None;
        }
        Presence::Absent => {
            let required = flag(doc, "require_assertion");
            let status = if required { Status::Fail } else { Status::Unverified };
            let why = if required {
                "no com.agentrust-io.trace assertion, in a channel that requires marks"
            } else {
                "no com.agentrust-io.trace assertion: absence recorded, not a failed check"
            };
            found.push(Finding::new(
                "TR-CMK-007",
                status,
                "companion/absent",
                "/assertion",
                why,
            ));
            return None;
        }
    };
    let data = assertion.get("data").and_then(Value::as_object);
    if assertion.get("label").and_then(Value::as_str) != Some(LABEL) || data.is_none() {
        fail(
            found,
            "TR-CMK-002",
            "companion/malformed",
            "/assertion/label",
            format!("the assertion is not a {LABEL:?} label with a data object"),
        );
        return None;
    }
    let data = data.expect("checked above");
    if data.get("version").and_then(Value::as_int) != Some(1) {
        fail(
            found,
            "TR-CMK-001",
            "companion/unknown-version",
            "/assertion/data/version",
            "version is not 1: rejected, not parsed best-effort".into(),
        );
        return None;
    }
    let shape_ok = check_shape(data, found);
    let Some(record_bytes) = doc
        .get("record_b64u")
        .and_then(Value::as_str)
        .and_then(|t| b64::decode(t).ok())
    else {
        malformed_document(
            found,
            "/record_b64u",
            "record_b64u, the bytes fetched from record.url, is missing or not base64url",
        );
        return None;
    };
    if shape_ok {
        let hash = text(data, "/record/hash");
        let alg = text(data, "/record/alg").unwrap_or_default();
        let actual = digest_text(alg, &record_bytes).unwrap_or_default();
        if hash != Some(actual.as_str()) {
            fail(
                found,
                "TR-CMK-003",
                "companion/record-hash-mismatch",
                "/assertion/data/record/hash",
                format!("the fetched record hashes to {actual}: not the record the asset was signed with"),
            );
        }
    }
    let report = crate::verify(&record_bytes, &opts);
    let status = match report.verdict {
        Verdict::Accept => None,
        Verdict::Reject => Some(Status::Fail),
        Verdict::Unverified => Some(Status::Unverified),
    };
    if let Some(status) = status {
        let causes: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.status != Status::Advisory)
            .map(|f| format!("{} {}", f.rule, f.class))
            .collect();
        found.push(Finding::new(
            "TR-CMK-004",
            status,
            "companion/record-invalid",
            "/record_b64u",
            format!(
                "the Trust Record does not verify under a trusted key: {}",
                causes.join(", ")
            ),
        ));
    }
    let record = envelope::decode(&record_bytes, envelope::sniff(&record_bytes))
        .ok()
        .and_then(|d| d.record.as_object().cloned());
    if let (Some(record), true) = (&record, shape_ok) {
        for member in ["subject", "eat_profile"] {
            let (said, is) = (
                data.get(member).and_then(Value::as_str),
                record.get(member).and_then(Value::as_str),
            );
            if said != is {
                fail(
                    found,
                    "TR-CMK-005",
                    "companion/assertion-mismatch",
                    &format!("/assertion/data/{member}"),
                    format!("the assertion says {said:?}, the record it points at says {is:?}"),
                );
            }
        }
    }
    if data.get("anchor").is_some() {
        match record.as_ref().and_then(|r| replay_inclusion(doc, r)) {
            None => found.push(Finding::new(
                "TR-CMK-006",
                Status::Unverified,
                "evidence/inclusion-unverified",
                "/assertion/data/anchor",
                "the assertion names an anchor and no inclusion receipt was supplied",
            )),
            Some(Err(e)) => fail(
                found,
                "TR-CMK-006",
                "evidence/inclusion-invalid",
                "/inclusion",
                format!("the record is not proven included: {e}"),
            ),
            Some(Ok(())) => {}
        }
    }
    report.highest_level
}

fn text<'a>(data: &'a Object, pointer: &str) -> Option<&'a str> {
    let mut at = data;
    let mut parts = pointer.trim_start_matches('/').split('/').peekable();
    while let Some(p) = parts.next() {
        let v = at.get(p)?;
        if parts.peek().is_none() {
            return v.as_str();
        }
        at = v.as_object()?;
    }
    None
}

/// CM §2's table; false when a member the later steps read is unusable.
fn check_shape(data: &Object, found: &mut Vec<Finding>) -> bool {
    let mut ok = true;
    let mut bad = |at: &str, why: &str| {
        ok = false;
        fail(
            found,
            "TR-CMK-002",
            "companion/malformed",
            &format!("/assertion/data{at}"),
            why.to_string(),
        );
    };
    let url = text(data, "/record/url").unwrap_or_default();
    if !url.starts_with("https://") || url.len() <= "https://".len() {
        bad("/record/url", "record.url is not an https URL");
    }
    let alg = text(data, "/record/alg").unwrap_or_default();
    if !matches!(alg, "sha256" | "sha384") {
        bad("/record/alg", "record.alg is neither sha256 nor sha384");
    } else if !text(data, "/record/hash").is_some_and(|h| is_digest_text(h, alg)) {
        bad("/record/hash", "record.hash is not <alg>:<lowercase hex> of record.alg");
    }
    for member in ["subject", "eat_profile"] {
        if data.get(member).and_then(Value::as_str).is_none_or(|s| s.is_empty()) {
            bad(&format!("/{member}"), "subject and eat_profile are non-empty strings");
        }
    }
    if data.get("anchor").is_some_and(|a| a.as_str().is_none()) {
        bad("/anchor", "anchor, when present, is a URI string");
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absence_is_recorded_and_never_a_failed_check_unless_the_channel_requires_marks() {
        let r = verify_content_marking(br#"{"context":{"verification_time":1,"trusted_keys":[]},"assertion":null}"#);
        assert_eq!((r.verdict, r.binding.as_str()), (Verdict::Unverified, BINDING_ABSENT));
        let r = verify_content_marking(
            br#"{"context":{"verification_time":1,"trusted_keys":[],"require_assertion":true}}"#,
        );
        assert_eq!((r.verdict, r.binding.as_str()), (Verdict::Reject, BINDING_ABSENT));
    }

    #[test]
    fn nested_text_reads_strings_only() {
        let doc = match crate::json::parse(br#"{"record":{"hash":"h","n":1}}"#).unwrap() {
            Value::Object(o) => o,
            _ => unreachable!(),
        };
        assert_eq!(text(&doc, "/record/hash"), Some("h"));
        assert_eq!(text(&doc, "/record/n"), None);
        assert_eq!(text(&doc, "/record/none/x"), None);
    }
}
