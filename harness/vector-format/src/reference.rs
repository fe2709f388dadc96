//! The reference implementation (trace-record) answering vectors in-process.
//!
//! Owns: running one test of a group through trace-record and describing the result as an
//! [`Observed`]. Does not own scoring or any expectation.

use crate::format::{Context, Test};
use crate::score::{Detail, Observed};
use trace_protocol::Op;
use trace_record::audit::{ChainReport, verify_chain};
use trace_record::{Report, Verdict, envelope, jcs, json};

/// Runs a `verify` test and returns the full report (for tools that want findings).
pub fn verify_report(ctx: &Context, test: &Test) -> Result<Report, String> {
    let bytes = test.input.bytes()?;
    Ok(trace_record::verify(&bytes, &ctx.verify_options()?))
}

/// Runs a `verify-chain` test: the record is the bundle, `claim_text` the claim.
pub fn chain_report(ctx: &Context, test: &Test) -> Result<ChainReport, String> {
    let bundle = test.input.bytes()?;
    let claim = test.input.claim_text.as_ref().map(|c| c.as_bytes());
    Ok(verify_chain(&bundle, claim, &ctx.chain_options()?))
}

/// The reference's answer to one test.
pub fn observe(ctx: &Context, test: &Test) -> Result<Observed, String> {
    match ctx.op {
        Op::Verify => Ok(Observed::from_report(&verify_report(ctx, test)?)),
        Op::Canonicalize => {
            let bytes = test.input.bytes()?;
            Ok(match json::parse(&bytes) {
                Ok(v) => Observed {
                    verdict: Verdict::Accept,
                    errors: Vec::new(),
                    warnings: Vec::new(),
                    output: Some(jcs::canonicalize(&v)),
                    detail: Detail::RuleAndClass,
                },
                Err(e) => {
                    let f = envelope::parse_finding(&e, "");
                    Observed {
                        verdict: Verdict::Reject,
                        errors: vec![(f.rule.to_string(), f.class.to_string())],
                        warnings: Vec::new(),
                        output: None,
                        detail: Detail::RuleAndClass,
                    }
                }
            })
        }
        Op::VerifyChain => Ok(Observed::from_chain_report(&chain_report(ctx, test)?)),
        Op::ReplayEvidence => {
            let input: serde_json::Value = serde_json::from_slice(&test.input.bytes()?).map_err(|e| e.to_string())?;
            let a = trace_hardware::input::replay_request(&input, ctx.verification_time)?;
            let findings = replay_findings(&a);
            Ok(Observed::from_verdict_and_findings(
                replay_verdict(a.verdict),
                &findings,
            ))
        }
        Op::VerifyProvenanceDepth => {
            let r = trace_record::provenance::verify_depth_document(&test.input.bytes()?);
            let mut o = Observed::from_verdict_and_findings(r.verdict, &r.findings);
            o.output = r.verified_depth.map(|d| d.name().as_bytes().to_vec());
            Ok(o)
        }
        Op::VerifyServerProvenance => {
            let r = trace_record::companion::server_provenance::verify_server_provenance(&test.input.bytes()?);
            let mut o = Observed::from_verdict_and_findings(r.verdict, &r.findings);
            o.output = Some(r.assurance.into_bytes());
            Ok(o)
        }
        Op::VerifyContentMarking => {
            let r = trace_record::companion::content_marking::verify_content_marking(&test.input.bytes()?);
            let mut o = Observed::from_verdict_and_findings(r.verdict, &r.findings);
            o.output = Some(r.binding.into_bytes());
            Ok(o)
        }
        Op::VerifyActionReceipt => {
            let r = trace_record::action::verify_action_receipt(&test.input.bytes()?);
            Ok(Observed::from_verdict_and_findings(r.verdict, &r.findings))
        }
        other => Err(format!("operation {other} has no vectors")),
    }
}

/// The protocol verdict of an appraisal: valid accepts, unverifiable is unverified.
pub fn replay_verdict(v: trace_hardware::Verdict) -> Verdict {
    match v {
        trace_hardware::Verdict::Valid => Verdict::Accept,
        trace_hardware::Verdict::Unverifiable => Verdict::Unverified,
        trace_hardware::Verdict::Invalid | trace_hardware::Verdict::NotImplemented => Verdict::Reject,
    }
}

/// One TR-HWE-001 finding per failed check.
pub fn replay_findings(a: &trace_hardware::Appraisal) -> Vec<trace_record::Finding> {
    let status = if a.verdict == trace_hardware::Verdict::Unverifiable {
        trace_record::Status::Unverified
    } else {
        trace_record::Status::Fail
    };
    a.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            trace_record::Finding::new(
                "TR-HWE-001",
                status,
                c.name.class(),
                "",
                format!("{}: {}", c.name, c.detail),
            )
        })
        .collect()
}
