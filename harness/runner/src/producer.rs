//! Producer conformance: for each case a producer was asked to build, what it made (a
//! record) or refused to make (an error it named), scored against the reference verifier
//! and the case's expectations, as the same case results a verifier run gives, so that the
//! reports (summary, JUnit, HTML, dashboard) are those of `run`.
//!
//! The input is a production log (`trace-conform/production.v1`, JSON Lines; PROTOCOL.md
//! section 10): a header naming the producer, then one line per case. Records handed over
//! without a log (a folder, a JSON Lines file) become cases that must verify.
//!
//! Owns: the log's format, and turning each case into a `CaseResult`. Does not run the
//! producer nor read files (`trace-conform producer` does), nor write reports (report.rs).

use crate::outcome::Outcome;
use crate::profile::{Marking, Profile};
use crate::run::{CaseResult, RunResult};
use serde_json::{Value, json};
use trace_protocol::{Capabilities, Implementation, Op};
use trace_record::finding::{Level, verdict_at};
use trace_record::{Status, Verdict};
use trace_untrusted::escape::{excerpt, quoted};
use trace_vector_format::format::{Context, ExpectedError, Outcome as Expect, Test};

/// The `schema` of a production log's header line.
pub const PRODUCTION_SCHEMA: &str = "trace-conform/production.v1";

/// The module every producer case is reported under.
pub const MODULE: &str = "producer";

/// The `format` of a result: `none` when the producer refused, `log` for a line of the log
/// that could not be read; otherwise the form of what it built (`embedded`, `jws`, `cose`,
/// `chain`).
pub const REFUSED: &str = "none";
pub const UNREADABLE: &str = "log";

/// How a record is verified when its case does not say: the command line's options.
#[derive(Clone, Debug)]
pub struct Defaults {
    pub level: u8,
    pub verification_time: i64,
    pub max_age: i64,
    /// Allowed future skew of an iat, in seconds.
    pub skew: i64,
    /// JWKs (objects) or RFC 7638 thumbprints (strings), as in a vector's context.
    pub trusted_keys: Vec<Value>,
}

/// The header of a production log: who produced.
pub fn header(line: &Value) -> Result<Implementation, String> {
    if line["schema"] != PRODUCTION_SCHEMA {
        return Err(format!("the first line is not a {PRODUCTION_SCHEMA} header"));
    }
    let text = |k: &str| {
        line["producer"][k]
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
            .ok_or(format!("the header's producer.{k} is missing"))
    };
    Ok(Implementation {
        name: text("name")?,
        version: text("version")?,
        language: line["producer"]["language"].as_str().unwrap_or_default().to_string(),
        homepage: line["producer"]["homepage"].as_str().map(str::to_string),
    })
}

/// What a case expects of the producer.
enum Expectation {
    /// A record that verifies, with these members at these JSON Pointers.
    Record(Vec<(String, Value)>),
    /// A refusal naming this error (its class or a class it is a kind of), and a word its
    /// message must contain, when the case names one.
    Refusal(String, Option<String>),
}

/// A case as read from its line (or made for a record handed over without a log).
pub struct Case {
    pub id: String,
    test: Test,
    expectation: Expectation,
    /// The record, or for a chain the audit bundle; or the refusal.
    produced: Result<Vec<u8>, Refused>,
    /// For a chain: the claim that commits to the bundle, when one was produced.
    claim: Option<Vec<u8>>,
    chain: bool,
    verify: Value,
}

/// What a producer said when it built nothing.
struct Refused {
    error: String,
    /// The classes the error is a kind of, when the log names them.
    classes: Vec<String>,
    message: String,
}

impl Refused {
    fn is(&self, want: &str) -> bool {
        self.error == want || self.classes.iter().any(|c| c == want)
    }
}

/// A record handed over without a log: it must verify under the defaults.
pub fn record_case(id: &str, name: &str, bytes: &[u8]) -> Case {
    let mut test = Test::of_input(id, bytes, Expect::Valid);
    test.description = format!("{name}: a record the producer made, which must verify");
    Case {
        id: id.to_string(),
        test,
        expectation: Expectation::Record(Vec::new()),
        produced: Ok(bytes.to_vec()),
        claim: None,
        chain: false,
        verify: Value::Null,
    }
}

/// The most entries of a list a case names (rules, statements, classes), and the longest
/// text of one: a log may come from anywhere, and what it says goes into the reports.
const MAX_LIST: usize = 32;
const MAX_TEXT: usize = 300;

fn strings(v: &Value, what: &str) -> Result<Vec<String>, String> {
    let list = match v {
        Value::Null => return Ok(Vec::new()),
        Value::Array(a) if a.len() <= MAX_LIST => a,
        Value::Array(_) => return Err(format!("{what} has more than {MAX_LIST} entries")),
        _ => return Err(format!("{what} is not an array of strings")),
    };
    list.iter()
        .map(|x| {
            x.as_str()
                .filter(|t| t.len() <= MAX_TEXT)
                .map(str::to_string)
                .ok_or(format!("{what} holds a non-string or one over {MAX_TEXT} bytes"))
        })
        .collect()
}

/// Whether `id` has the shape of a rule id (`TR-ABC-001`).
fn is_rule_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    matches!(parts.as_slice(), ["TR", area, n]
        if (2..=4).contains(&area.len()) && area.bytes().all(|b| b.is_ascii_uppercase())
            && n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `id` is one the command gives (to an unreadable line, or a record handed over
/// without a log), which a log may not use.
pub fn is_generated_id(id: &str) -> bool {
    id.starts_with("producer::log::") || id.starts_with("producer::records::")
}

/// Whether `id` has the shape of a vector id in a summary (reports/schema/summary.v1.json):
/// `module::topic::name`, the module of a-z and 0-9, the others slugs.
pub fn is_case_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split("::").collect();
    parts.len() == 3
        && parts[0].bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && parts.iter().all(|p| trace_untrusted::name::is_slug(p))
}

/// One case line. `Err` is (the case id when it could be read, why the line is unusable).
pub fn case(line: &Value) -> Result<Case, (Option<String>, String)> {
    let id = line["case"]
        .as_str()
        .filter(|id| is_case_id(id))
        .ok_or((
            None,
            "a case without a usable id (module::topic::name: a-z and 0-9, then slugs of a-z, 0-9 and '-')".to_string(),
        ))?
        .to_string();
    let bad = |why: String| (Some(id.clone()), why);
    let decoded = |p: &serde_json::Map<String, Value>, k: &str| -> Result<Option<Vec<u8>>, (Option<String>, String)> {
        p.get(k)
            .map(|v| {
                v.as_str()
                    .and_then(|t| trace_record::b64::decode(t).ok())
                    .ok_or(bad(format!("produced.{k} is not base64url")))
            })
            .transpose()
    };
    let (mut claim, mut chain) = (None, false);
    let produced = match (&line["produced"], &line["refused"]) {
        (Value::Object(p), Value::Null) => match (decoded(p, "record_b64u")?, decoded(p, "bundle_b64u")?) {
            (Some(record), None) if !p.contains_key("claim_b64u") => Ok(record),
            (None, Some(bundle)) => {
                (claim, chain) = (decoded(p, "claim_b64u")?, true);
                Ok(bundle)
            }
            _ => {
                return Err(bad(
                    "produced has exactly one of record_b64u and bundle_b64u (claim_b64u goes with a bundle)".into(),
                ));
            }
        },
        (Value::Null, Value::Object(r)) => Err(Refused {
            error: r
                .get("error")
                .and_then(Value::as_str)
                .filter(|e| !e.is_empty())
                .ok_or(bad("refused.error is not an error's name".into()))?
                .to_string(),
            classes: strings(r.get("classes").unwrap_or(&Value::Null), "refused.classes").map_err(bad)?,
            message: match r.get("message") {
                None => String::new(),
                Some(m) => m
                    .as_str()
                    .ok_or(bad("refused.message is not a string".into()))?
                    .to_string(),
            },
        }),
        _ => return Err(bad("a case has exactly one of produced and refused".into())),
    };
    let expect = &line["expect"];
    let expectation = match (&expect["record"], &expect["refusal"]) {
        (Value::Object(claims), Value::Null) => {
            let claims: Vec<(String, Value)> = claims.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            if claims.iter().any(|(k, _)| !k.is_empty() && !k.starts_with('/')) {
                return Err(bad("expect.record's keys are JSON Pointers".into()));
            }
            Expectation::Record(claims)
        }
        (Value::Null, Value::String(error)) if !error.is_empty() && error.len() <= MAX_TEXT => {
            let mentions = match &expect["mentions"] {
                Value::Null => None,
                Value::String(m) if m.len() <= MAX_TEXT => Some(m.clone()),
                _ => return Err(bad("expect.mentions is not a string".into())),
            };
            Expectation::Refusal(error.clone(), mentions)
        }
        _ => {
            return Err(bad(
                "expect has exactly one of record (an object) and refusal (an error name)".into(),
            ));
        }
    };
    let rules = strings(&line["rules"], "rules").map_err(bad)?;
    if let Some(r) = rules.iter().find(|r| !is_rule_id(r)) {
        return Err(bad(format!("rules holds {}, not a rule id", quoted(&excerpt(r, 60)))));
    }
    let bytes = produced.as_ref().map(Vec::as_slice).unwrap_or_default();
    let mut test = Test::of_input(&id, bytes, Expect::Valid);
    test.description = excerpt(line["description"].as_str().unwrap_or_default(), 4 * MAX_TEXT);
    test.spec_refs = strings(&line["statements"], "statements").map_err(bad)?;
    match &expectation {
        Expectation::Record(_) => test.expected.controls = rules,
        Expectation::Refusal(error, _) => {
            test.expected.result = Expect::Invalid;
            test.expected.error = Some(ExpectedError {
                class: error.clone(),
                rules,
            });
        }
    }
    let verify = match &line["verify"] {
        v @ (Value::Null | Value::Object(_)) => v.clone(),
        _ => return Err(bad("verify is not an object".into())),
    };
    // Checked here, for refusals too: a case whose verification cannot be read is the log's
    // fault whatever the producer did.
    apply_verify(&verify, chain, &mut Context::verify("embedded", "software-only", 0)).map_err(bad)?;
    Ok(Case {
        id,
        test,
        expectation,
        produced,
        claim,
        chain,
        verify,
    })
}

/// The verification context of a case: the defaults, with what its `verify` member sets.
fn context(case: &Case, bytes: &[u8], d: &Defaults) -> Result<Context, String> {
    let form = trace_record::envelope::sniff(bytes).name();
    let mut ctx = Context::verify(form, "software-only", d.verification_time);
    ctx.level = d.level;
    ctx.max_age = d.max_age;
    ctx.skew = d.skew;
    ctx.trusted_keys = d.trusted_keys.clone();
    apply_verify(&case.verify, case.chain, &mut ctx)?;
    Ok(ctx)
}

/// A case's `verify` member set on `ctx`; `Err` names the member that is not what it must be.
fn apply_verify(v: &Value, chain: bool, ctx: &mut Context) -> Result<(), String> {
    if let Some(level) = v.get("level") {
        ctx.level = level
            .as_u64()
            .and_then(|l| u8::try_from(l).ok())
            .filter(|l| *l <= 2)
            .ok_or("verify.level is not 0, 1 or 2")?;
    }
    if let Some(t) = v.get("verification_time") {
        ctx.verification_time = t.as_i64().ok_or("verify.verification_time is not Unix seconds")?;
    }
    if let Some(m) = v.get("max_age") {
        ctx.max_age = m
            .as_i64()
            .filter(|m| *m >= 0)
            .ok_or("verify.max_age is not a number of seconds")?;
    }
    if let Some(keys) = v.get("trusted_keys") {
        ctx.trusted_keys = keys.as_array().cloned().ok_or("verify.trusted_keys is not an array")?;
    }
    if let Some(keys) = v.get("issuer_keys") {
        ctx.issuer_keys = keys.as_array().cloned().ok_or("verify.issuer_keys is not an array")?;
    }
    let text = |k: &str| -> Result<Option<String>, String> {
        v.get(k)
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or(format!("verify.{k} is not a string"))
            })
            .transpose()
    };
    ctx.record_kind = text("record_kind")?;
    ctx.cmcp_canonicalization = text("cmcp_canonicalization")?;
    ctx.receipts = text("receipts")?;
    if chain {
        ctx.op = Op::VerifyChain;
        ctx.format = "chain".into();
    }
    Ok(())
}

fn result(case: &Case, level: u8, format: &str, outcome: Outcome, detail: String, actual: Option<Value>) -> CaseResult {
    let mut rules: Vec<String> = case.test.expected.controls.clone();
    rules.extend(case.test.expected.error.iter().flat_map(|e| e.rules.clone()));
    CaseResult {
        id: case.id.clone(),
        module: MODULE.into(),
        op: if case.chain { Op::VerifyChain } else { Op::Verify },
        format: format.into(),
        platform: "software-only".into(),
        level,
        rules,
        alg: None,
        explanation: trace_vector_format::explanation::explain(&case.test),
        request: None,
        outcome,
        flaky: false,
        detail,
        expected: case.test.expected.clone(),
        actual,
        stderr: String::new(),
        duration_ms: 0,
    }
}

/// A line that could not be scored: the log is at fault, not (necessarily) the producer.
pub fn unusable(id: Option<String>, line_number: usize, why: &str) -> CaseResult {
    let id = id.unwrap_or_else(|| format!("producer::log::line-{line_number}"));
    let mut test = Test::of_input(&id, b"", Expect::Valid);
    test.description = format!("line {line_number} of the production log");
    let case = Case {
        id,
        test,
        expectation: Expectation::Record(Vec::new()),
        produced: Ok(Vec::new()),
        claim: None,
        chain: false,
        verify: Value::Null,
    };
    result(
        &case,
        0,
        UNREADABLE,
        Outcome::HarnessError,
        format!("line {line_number}: {why}"),
        None,
    )
}

/// A finding as the report shows it: `TR-XXX-NNN at /pointer: message`.
fn said(f: &trace_record::Finding) -> String {
    format!("{} at {}: {}", f.rule, f.pointer, f.message)
}

/// Scores one case: what was produced against what was expected.
pub fn score(case: &Case, d: &Defaults) -> CaseResult {
    let level = case.verify["level"].as_u64().map_or(d.level, |l| l.min(2) as u8);
    let bytes = match (&case.produced, &case.expectation) {
        (Err(r), expectation) => {
            let (error, message) = (quoted(&r.error), excerpt(&r.message, 300));
            let (outcome, detail) = match expectation {
                Expectation::Refusal(want, _) if !r.is(want) => (
                    Outcome::FailErrorClass,
                    format!("refused with {error}, expected {}: {message}", quoted(want)),
                ),
                Expectation::Refusal(_, Some(word)) if !r.message.contains(word.as_str()) => (
                    Outcome::FailErrorClass,
                    format!(
                        "refused with {error}, but the message does not name {}: {message}",
                        quoted(word)
                    ),
                ),
                Expectation::Refusal(..) => (Outcome::Pass, format!("refused as expected: {error}: {message}")),
                Expectation::Record(_) => (
                    Outcome::FailVerdict,
                    format!("refused ({error}: {message}) where a record was expected"),
                ),
            };
            let actual = json!({"refused": {"error": excerpt(&r.error, 200), "classes": r.classes.iter().take(16).map(|c| excerpt(c, 200)).collect::<Vec<_>>(), "message": excerpt(&r.message, 2000)}});
            return result(case, level, REFUSED, outcome, detail, Some(actual));
        }
        (Ok(bytes), _) => bytes,
    };
    let ctx = match context(case, bytes, d) {
        Ok(c) => c,
        Err(why) => return result(case, level, UNREADABLE, Outcome::HarnessError, why, None),
    };
    let level_of = Level::from_number(ctx.level).unwrap_or(Level::L0);
    let checked = if case.chain {
        ctx.chain_options().map(|o| {
            let r = trace_record::audit::verify_chain(bytes, case.claim.as_deref(), &o);
            (r.verdict, r.all_findings().cloned().collect::<Vec<_>>())
        })
    } else {
        ctx.verify_options().map(|o| {
            let r = trace_record::verify(bytes, &o);
            (verdict_at(&r.findings, level_of), r.findings)
        })
    };
    let (verdict, findings) = match checked {
        Ok(x) => x,
        Err(why) => return result(case, level, &ctx.format, Outcome::HarnessError, why, None),
    };
    let failed: Vec<String> = findings
        .iter()
        .filter(|f| f.status != Status::Advisory && f.min_level() <= level_of)
        .map(said)
        .collect();
    let actual = json!({
        "verdict": verdict.word(),
        "findings": findings.iter().map(|f| json!({"rule": f.rule, "status": f.status, "pointer": f.pointer, "message": f.message})).collect::<Vec<_>>(),
    });
    let format = ctx.format.clone();
    let out = |outcome, detail| result(case, ctx.level, &format, outcome, detail, Some(actual.clone()));
    let claims = match &case.expectation {
        Expectation::Refusal(want, _) => {
            return out(
                Outcome::FailVerdictUnexpectedAccept,
                format!(
                    "built a record where it must refuse ({}); the reference's verdict on it: {}",
                    quoted(want),
                    verdict.word()
                ),
            );
        }
        Expectation::Record(claims) => claims,
    };
    // `failed` is not empty exactly when the verdict is not accept: it names why.
    if verdict != Verdict::Accept {
        return out(
            Outcome::FailVerdict,
            format!(
                "the reference {} at level {}: {}",
                match (verdict, case.chain) {
                    (Verdict::Reject, false) => "rejects the record",
                    (Verdict::Reject, true) => "rejects the chain",
                    (_, false) => "leaves the record unverified",
                    (_, true) => "leaves the chain unverified",
                },
                ctx.level,
                failed.join("; ")
            ),
        );
    }
    // Pointers resolve in the document as produced when it is JSON (a record in embedded
    // form, a RuntimeClaim, an audit bundle), else in the record a JWS or COSE form carries.
    let record = serde_json::from_slice::<Value>(bytes).ok().or_else(|| {
        trace_record::envelope::decode(bytes, trace_record::envelope::sniff(bytes))
            .ok()
            .map(|d| d.record.to_serde())
    });
    let broken: Vec<String> = claims
        .iter()
        .filter_map(|(pointer, want)| {
            let got = record.as_ref().and_then(|r| r.pointer(pointer));
            (got != Some(want)).then(|| {
                format!(
                    "{} is {}, the case expects {}",
                    quoted(&excerpt(pointer, 200)),
                    got.map_or("absent".to_string(), |g| excerpt(&g.to_string(), 200)),
                    excerpt(&want.to_string(), 200)
                )
            })
        })
        .collect();
    if !broken.is_empty() {
        return out(
            Outcome::FailOutput,
            format!(
                "the {} verifies, but {}",
                if case.chain { "chain" } else { "record" },
                broken.join("; ")
            ),
        );
    }
    out(
        Outcome::Pass,
        format!(
            "verifies at level {} and holds the {} member(s) the case expects",
            ctx.level,
            claims.len()
        ),
    )
}

/// A profile applied to scored cases as a verifier run applies it: a disabled case is
/// skipped, a known failure that fails is `xfail` and one that passes `xpass`.
pub fn apply_profile(cases: &mut [CaseResult], profile: &Profile) {
    for c in cases {
        let reason = || profile.reason(&c.id).unwrap_or_default();
        match profile.marking(&c.id) {
            Marking::Disabled => {
                c.outcome = Outcome::Skipped;
                c.detail = format!("disabled by the profile: {}", reason());
            }
            Marking::KnownFailing => {
                c.detail = format!("{} (known failing: {}) {}", c.outcome.name(), reason(), c.detail);
                c.outcome = if c.outcome == Outcome::Pass {
                    Outcome::Xpass
                } else {
                    Outcome::Xfail
                };
            }
            Marking::None | Marking::Flaky => {}
        }
    }
}

/// Whether `r` is a producer's run (every case a producer case), which reports describe
/// as such rather than as a verifier's.
pub fn is_producer_run(r: &RunResult) -> bool {
    !r.cases.is_empty() && r.cases.iter().all(|c| c.module == MODULE)
}

/// The run a producer's cases make, for the report writers.
pub fn run_result(
    implementation: Implementation,
    command: Vec<String>,
    cases: Vec<CaseResult>,
    complete: bool,
) -> RunResult {
    RunResult {
        adapter: command,
        implementation,
        capabilities: Capabilities::default(),
        cases,
        complete,
        startup_error: None,
        restarts: 0,
        vector_set: None,
        started_at: None,
        profile_written_for: None,
    }
}

#[cfg(test)]
#[path = "producer_tests.rs"]
mod tests;
