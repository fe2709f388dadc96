//! Rules over the record's content: profile, subject, key shape, freshness, policy,
//! appraisal, runtime, provenance, transcript, transparency and origin.
//!
//! Owns: one function per rule, each pushing findings with the member's JSON pointer. A
//! rule fires on a member that is present and wrong (a missing required member is the
//! schema's finding), except where a level makes a member required. Does not own
//! signature verification (`verify`) or schema validation (`schema`).

use super::lexical::{is_absolute_uri, is_digest, is_https_with_host, is_strict_subject, is_zero_digest};
use crate::finding::{Finding, Status};
use crate::json::{Number, Object, Value};
use crate::keys::PRIVATE_MEMBERS;
use crate::verify::VerifyOptions;

/// The record under check and the verifier's inputs.
pub struct Ctx<'a> {
    pub record: &'a Object,
    pub root: &'a Value,
    pub opts: &'a VerifyOptions,
}

impl Ctx<'_> {
    fn at(&self, pointer: &str) -> Option<&Value> {
        self.root.pointer(pointer)
    }
    fn str_at(&self, pointer: &str) -> Option<&str> {
        self.at(pointer).and_then(Value::as_str)
    }
}

type Check = fn(&Ctx, &mut Vec<Finding>);

/// Every content rule, in catalog order.
pub const CHECKS: &[Check] = &[
    profile,
    subject,
    key_shape,
    integer_tokens,
    freshness,
    nonce,
    policy,
    appraisal,
    runtime,
    provenance,
    transcript,
    transparency,
    origin,
    not_checked,
];

pub fn check_all(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for check in CHECKS {
        check(ctx, &mut out);
    }
    out
}

fn profile(ctx: &Ctx, out: &mut Vec<Finding>) {
    let want = ctx.opts.profile.uri();
    match ctx.record.get("eat_profile") {
        Some(Value::String(s)) if s == want => {}
        Some(Value::String(s)) if s == crate::schema::Profile::V01.uri() => out.push(Finding::fail(
            "TR-ENV-001",
            "profile/legacy-v0.1",
            "/eat_profile",
            "v0.1 profile URI: a v0.2 verifier must reject it (cutover, not coexistence)",
        )),
        Some(other) => out.push(Finding::fail(
            "TR-ENV-001",
            "profile/mismatch",
            "/eat_profile",
            format!("eat_profile is {}, expected {want:?}", brief(other)),
        )),
        None => out.push(Finding::fail(
            "TR-ENV-001",
            "profile/mismatch",
            "/eat_profile",
            "eat_profile is missing",
        )),
    }
}

fn brief(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Object(_) => "an object".into(),
        Value::Array(_) => "an array".into(),
        other => format!("{other:?}"),
    }
}

fn subject(ctx: &Ctx, out: &mut Vec<Finding>) {
    // The v0.1 profile's subject is any spiffe:// URI (its schema says so); the strict form is v0.2's.
    if ctx.opts.profile == crate::schema::Profile::V01 {
        return;
    }
    if let Some(s) = ctx.str_at("/subject")
        && !is_strict_subject(s)
    {
        out.push(Finding::fail(
            "TR-ENV-003",
            "schema/subject",
            "/subject",
            format!("subject {s:?} is not spiffe://<domain>/<path> or did:<method>:<id>"),
        ));
    }
}

fn key_shape(ctx: &Ctx, out: &mut Vec<Finding>) {
    let jwk = match ctx.at("/cnf/jwk") {
        Some(Value::Object(jwk)) => jwk,
        Some(_) => {
            return out.push(Finding::fail(
                "TR-ENV-004",
                "key/missing",
                "/cnf/jwk",
                "cnf.jwk is not an object",
            ));
        }
        None => {
            return out.push(Finding::fail(
                "TR-ENV-004",
                "key/missing",
                "/cnf/jwk",
                "cnf.jwk is missing",
            ));
        }
    };
    if !jwk.contains("kty") {
        out.push(Finding::fail(
            "TR-ENV-004",
            "key/missing",
            "/cnf/jwk",
            "cnf.jwk has no kty",
        ));
    }
    for (name, v) in jwk.iter() {
        if contains_fraction(v) {
            out.push(Finding::fail(
                "TR-ENV-008",
                "key/non-canonicalizable-extra",
                format!("/cnf/jwk/{}", crate::json::pointer_token(name)),
                format!("cnf.jwk member {name:?} holds a fractional number"),
            ));
        }
    }
    for m in PRIVATE_MEMBERS.iter().filter(|m| jwk.contains(m)) {
        out.push(Finding::fail(
            "TR-ENV-005",
            "key/private-member",
            format!("/cnf/jwk/{m}"),
            format!("cnf.jwk carries private member {m:?}"),
        ));
    }
}

fn contains_fraction(v: &Value) -> bool {
    match v {
        Value::Number(Number::Float(_)) => true,
        Value::Array(items) => items.iter().any(contains_fraction),
        Value::Object(o) => o.iter().any(|(_, v)| contains_fraction(v)),
        _ => false,
    }
}

/// What this verifier did not check and must say so (S2 §3.2.3, §3.3.1).
fn not_checked(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.opts.revocation.is_none() {
        out.push(Finding::new(
            "TR-REV-001",
            Status::Advisory,
            "revocation/not-checked",
            "",
            "performed no revocation check (no revocation bundle was given)",
        ));
    }
    out.push(Finding::new(
        "TR-DEP-001",
        Status::Advisory,
        "provenance/depth-not-verified",
        "/build_provenance",
        "build provenance depth verified: none (provenance is not appraised by this verifier yet)",
    ));
}

const INTEGER_MEMBERS: [&str; 5] = [
    "/iat",
    "/build_provenance/slsa_level",
    "/tool_transcript/call_count",
    "/appraisal/timestamp",
    "/origin/ingested_at",
];

fn integer_tokens(ctx: &Ctx, out: &mut Vec<Finding>) {
    for p in INTEGER_MEMBERS {
        if let Some(Value::Number(Number::Float(f))) = ctx.at(p) {
            out.push(Finding::fail(
                "TR-SCH-002",
                "schema/integer-token",
                p,
                format!("{f} is written as a fraction or exponent; an integer token is required"),
            ));
        }
    }
}

fn freshness(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(iat) = ctx.at("/iat").and_then(Value::as_int) else {
        return;
    };
    let (now, o) = (ctx.opts.now, ctx.opts);
    if now.saturating_sub(iat) > o.max_age {
        out.push(Finding::fail(
            "TR-ENV-002",
            "freshness/stale",
            "/iat",
            format!(
                "iat {iat} is {} s old at {now}; the maximum age is {} s",
                now.saturating_sub(iat),
                o.max_age
            ),
        ));
    }
    // S1 had no future bound; it came with v0.2.
    if iat.saturating_sub(now) > o.skew && o.profile == crate::schema::Profile::V02 {
        out.push(Finding::fail(
            "TR-ENV-006",
            "freshness/future",
            "/iat",
            format!(
                "iat {iat} is {} s after {now}; the allowed skew is {} s",
                iat.saturating_sub(now),
                o.skew
            ),
        ));
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn nonce(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(expected) = &ctx.opts.nonce else {
        return;
    };
    match ctx.str_at("/runtime/nonce") {
        Some(got) if constant_time_eq(got.as_bytes(), expected.as_bytes()) => {}
        Some(_) => out.push(Finding::fail(
            "TR-ENV-007",
            "freshness/nonce",
            "/runtime/nonce",
            "runtime.nonce does not echo the challenge nonce",
        )),
        None => out.push(Finding::fail(
            "TR-ENV-007",
            "freshness/nonce",
            "/runtime/nonce",
            "a challenge nonce was issued but runtime.nonce is absent",
        )),
    }
}

fn digest_rule(ctx: &Ctx, out: &mut Vec<Finding>, rule: &'static str, pointer: &str) {
    if let Some(v) = ctx.at(pointer)
        && !v.as_str().is_some_and(is_digest)
    {
        out.push(Finding::fail(
            rule,
            "schema/digest",
            pointer,
            format!("{} is not sha256:<64 hex> or sha384:<96 hex>", brief(v)),
        ));
    }
}

fn uri_rule(ctx: &Ctx, out: &mut Vec<Finding>, rule: &'static str, pointer: &str) {
    if let Some(v) = ctx.at(pointer)
        && !v.as_str().is_some_and(is_absolute_uri)
    {
        out.push(Finding::fail(
            rule,
            "schema/uri",
            pointer,
            format!("{} is not an absolute URI", brief(v)),
        ));
    }
}

fn enum_rule(ctx: &Ctx, out: &mut Vec<Finding>, rule: &'static str, pointer: &str, allowed: &[&str]) {
    if let Some(v) = ctx.at(pointer)
        && !v.as_str().is_some_and(|s| allowed.contains(&s))
    {
        out.push(Finding::fail(
            rule,
            "schema/enum",
            pointer,
            format!("{} is not one of {allowed:?}", brief(v)),
        ));
    }
}

fn policy(ctx: &Ctx, out: &mut Vec<Finding>) {
    digest_rule(ctx, out, "TR-POL-001", "/policy/bundle_hash");
    enum_rule(
        ctx,
        out,
        "TR-POL-002",
        "/policy/enforcement_mode",
        &["enforce", "advisory", "silent", "declared"],
    );
    uri_rule(ctx, out, "TR-POL-003", "/policy/policy_uri");
    if ctx.str_at("/policy/enforcement_mode") == Some("declared") {
        out.push(Finding::new(
            "TR-POL-004",
            Status::Advisory,
            "advisory/declared-mode",
            "/policy/enforcement_mode",
            "declared: the producer did not evaluate policy; treat as no enforcement claim",
        ));
    }
}

fn appraisal(ctx: &Ctx, out: &mut Vec<Finding>) {
    enum_rule(
        ctx,
        out,
        "TR-APR-001",
        "/appraisal/status",
        &["affirming", "warning", "contraindicated", "none"],
    );
    uri_rule(ctx, out, "TR-APR-002", "/appraisal/verifier");
    uri_rule(ctx, out, "TR-APR-003", "/appraisal/policy_ref");
    if let Some(ts) = ctx.at("/appraisal/timestamp").and_then(Value::as_int)
        && ts.saturating_sub(ctx.opts.now) > ctx.opts.skew
    {
        out.push(Finding::fail(
            "TR-APR-004",
            "freshness/future",
            "/appraisal/timestamp",
            format!("appraisal.timestamp {ts} is later than now plus {} s", ctx.opts.skew),
        ));
    }
    if ctx.str_at("/appraisal/status") == Some("contraindicated") {
        out.push(Finding::fail(
            "TR-APR-006",
            "appraisal/contraindicated",
            "/appraisal/status",
            "appraisal.status is contraindicated: the evidence failed its appraisal, so the record is not trusted at any level",
        ));
    }
    if let Some(status) = ctx.str_at("/appraisal/status")
        && status != "affirming"
    {
        out.push(Finding::fail(
            "TR-APR-005",
            "level/appraisal",
            "/appraisal/status",
            format!("appraisal.status is {status:?}; Level 1 needs affirming"),
        ));
    }
}

fn runtime(ctx: &Ctx, out: &mut Vec<Finding>) {
    digest_rule(ctx, out, "TR-RTE-002", "/runtime/measurement");
    let platform = ctx.str_at("/runtime/platform");
    if platform == Some("software-only") {
        out.push(Finding::fail(
            "TR-RTE-001",
            "level/platform",
            "/runtime/platform",
            "software-only is never attested evidence; Level 1 needs a hardware platform",
        ));
    }
    if let Some(m) = ctx.str_at("/runtime/measurement")
        && is_zero_digest(m)
    {
        out.push(Finding::fail(
            "TR-RTE-005",
            "level/measurement",
            "/runtime/measurement",
            "an all-zero measurement is no hardware measurement",
        ));
    }
    if let Some(v) = ctx.at("/runtime/rim_uri")
        && !v.as_str().is_some_and(|s| s.starts_with("https://"))
    {
        out.push(Finding::fail(
            "TR-RTE-003",
            "level/rim-uri",
            "/runtime/rim_uri",
            "runtime.rim_uri is not an https URI",
        ));
    }
    match &ctx.opts.evidence {
        Some(facts) => out.extend(crate::evidence::bind(ctx.record, facts)),
        None => out.push(Finding::new(
            "TR-RTE-006",
            Status::Unverified,
            "evidence/hardware-unverified",
            "/runtime",
            "no hardware evidence binding cnf.jwk to runtime.measurement was given",
        )),
    }
    if platform == Some("tpm2") && ctx.str_at("/runtime/firmware_version") == Some("software-only-dev-mode") {
        out.push(Finding::new(
            "TR-RTE-007",
            Status::Advisory,
            "advisory/dev-mode-sentinel",
            "/runtime/firmware_version",
            "tpm2 with the cMCP dev-mode sentinel is appraised as hardware tpm2 here; cMCP treats it as software-only",
        ));
    }
}

fn provenance(ctx: &Ctx, out: &mut Vec<Finding>) {
    if let Some(v) = ctx.at("/build_provenance/slsa_level")
        && !v.as_int().is_some_and(|l| (0..=3).contains(&l))
        && !matches!(v, Value::Number(Number::Float(f)) if (0.0..=3.0).contains(f) && f.fract() == 0.0)
    {
        out.push(Finding::fail(
            "TR-SCA-001",
            "schema/range",
            "/build_provenance/slsa_level",
            format!("slsa_level {} is not an integer from 0 to 3", brief(v)),
        ));
    }
    digest_rule(ctx, out, "TR-SCA-002", "/build_provenance/digest");
}

fn transcript(ctx: &Ctx, out: &mut Vec<Finding>) {
    match ctx.at("/tool_transcript") {
        Some(Value::Object(t)) => {
            if !t.get("hash").and_then(Value::as_str).is_some_and(is_digest) {
                out.push(Finding::fail(
                    "TR-TXN-001",
                    "level/transcript",
                    "/tool_transcript/hash",
                    "tool_transcript.hash is not a digest",
                ));
            }
        }
        Some(_) => out.push(Finding::fail(
            "TR-TXN-001",
            "level/transcript",
            "/tool_transcript",
            "tool_transcript is not an object",
        )),
        None => out.push(Finding::fail(
            "TR-TXN-001",
            "level/transcript",
            "/tool_transcript",
            "Level 2 needs a tool_transcript",
        )),
    }
    if let Some(v) = ctx.at("/tool_transcript/call_count")
        && !matches!(v, Value::Number(Number::Int(n)) if *n >= 0)
        && !matches!(v, Value::Number(Number::Float(f)) if *f >= 0.0 && f.fract() == 0.0)
    {
        out.push(Finding::fail(
            "TR-TXN-002",
            "schema/range",
            "/tool_transcript/call_count",
            format!("call_count {} is not a non-negative integer", brief(v)),
        ));
    }
}

fn transparency(ctx: &Ctx, out: &mut Vec<Finding>) {
    match ctx.at("/transparency") {
        Some(v) if v.as_str().is_some_and(is_https_with_host) => out.push(Finding::new(
            "TR-ANC-002",
            Status::Unverified,
            "evidence/inclusion-unverified",
            "/transparency",
            "no inclusion receipt was verified (receipt replay is not part of this verifier yet)",
        )),
        Some(v) => out.push(Finding::fail(
            "TR-ANC-001",
            "level/transparency",
            "/transparency",
            format!("transparency {} is not an https URI with a host", brief(v)),
        )),
        None => out.push(Finding::fail(
            "TR-ANC-001",
            "level/transparency",
            "/transparency",
            "Level 2 needs a transparency URI",
        )),
    }
}

fn origin(ctx: &Ctx, out: &mut Vec<Finding>) {
    if let Some(kind) = ctx.str_at("/origin/kind")
        && kind != "self"
        && ctx.str_at("/runtime/platform") != Some("software-only")
    {
        out.push(Finding::fail(
            "TR-ORG-001",
            "origin/platform",
            "/runtime/platform",
            format!("origin.kind {kind:?} requires runtime.platform software-only"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_quotes_the_offending_value_briefly() {
        assert_eq!(brief(&Value::String("x\"y".into())), r#""x\"y""#);
        assert_eq!(brief(&Value::Object(Object::new())), "an object");
        assert_eq!(brief(&Value::Array(Vec::new())), "an array");
        assert!(brief(&Value::Number(Number::Int(7))).contains('7'));
    }
}
