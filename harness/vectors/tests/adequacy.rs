//! Adequacy: deliberately broken verifiers must each fail the vector set. A suite that a
//! wrong verifier passes is worse than none, so every broken verifier here is a plausible
//! shortcut or a known divergence of another implementation, and each must be caught.
//!
//! Most are the reference with one behaviour removed (its findings for that behaviour
//! dropped and the verdict recomputed); the code-point canonicalizer is a real
//! reimplementation of a wrong canonical form.

use trace_hardware::CheckName;
use trace_protocol::Op;
use trace_record::audit::ChainReport;
use trace_record::finding::verdict_at;
use trace_record::json::{Number, Value};
use trace_record::{Finding, Level, Report, Verdict, jcs, json};
use trace_vector_format::format::{Context, Test, VectorFile};
use trace_vector_format::load;
use trace_vector_format::reference;
use trace_vector_format::score::{Observed, score};

type Broken = fn(&Context, &Test) -> Observed;

fn files() -> Vec<VectorFile> {
    load::load_dir(&load::default_dir())
        .expect("vectors load")
        .into_iter()
        .map(|(_, f)| f)
        .collect()
}

/// The reference with the findings `drop` selects removed, verdict recomputed.
fn without(ctx: &Context, test: &Test, drop: impl Fn(&Finding) -> bool) -> Observed {
    if ctx.op == Op::VerifyChain {
        return chain_without(&reference::chain_report(ctx, test).expect("runs"), drop);
    }
    if let Some((findings, output)) = document_findings(ctx, test) {
        let kept: Vec<Finding> = findings.into_iter().filter(|f| !drop(f)).collect();
        let mut o = Observed::from_verdict_and_findings(verdict_at(&kept, Level::L0), &kept);
        o.output = output;
        return o;
    }
    if ctx.op != Op::Verify {
        return reference::observe(ctx, test).expect("runs");
    }
    let r: Report = reference::verify_report(ctx, test).expect("runs");
    let level = r.level;
    let kept: Vec<Finding> = r
        .findings
        .iter()
        .chain(&r.above_level)
        .filter(|f| !drop(f))
        .cloned()
        .collect();
    let mut broken = r.clone();
    broken.verdict = verdict_at(&kept, level);
    broken.findings = kept.into_iter().filter(|f| f.min_level() <= level).collect();
    Observed::from_report(&broken)
}

/// The reference's findings and reported value for the operations that read one document
/// (action receipts, provenance depth, server provenance, content marking).
fn document_findings(ctx: &Context, test: &Test) -> Option<(Vec<Finding>, Option<Vec<u8>>)> {
    use trace_record::companion::{content_marking, server_provenance};
    let bytes = || test.input.bytes().expect("input");
    Some(match ctx.op {
        Op::VerifyActionReceipt => (trace_record::action::verify_action_receipt(&bytes()).findings, None),
        Op::VerifyProvenanceDepth => {
            let r = trace_record::provenance::verify_depth_document(&bytes());
            (r.findings, r.verified_depth.map(|d| d.name().as_bytes().to_vec()))
        }
        Op::VerifyServerProvenance => {
            let r = server_provenance::verify_server_provenance(&bytes());
            (r.findings, Some(r.assurance.into_bytes()))
        }
        Op::VerifyContentMarking => {
            let r = content_marking::verify_content_marking(&bytes());
            (r.findings, Some(r.binding.into_bytes()))
        }
        _ => return None,
    })
}

/// A chain report with the findings `drop` selects removed from the chain and the claim,
/// both verdicts recomputed and combined as `verify_chain` combines them.
fn chain_without(r: &ChainReport, drop: impl Fn(&Finding) -> bool) -> Observed {
    let mut broken = r.clone();
    broken.findings.retain(|f| !drop(f));
    let chain = verdict_at(&broken.findings, Level::L0);
    let claim = broken.claim.as_mut().map(|c| {
        c.findings.retain(|f| !drop(f));
        c.verdict = verdict_at(&c.findings, c.level);
        c.verdict
    });
    broken.verdict = match (chain, claim) {
        (Verdict::Reject, _) | (_, Some(Verdict::Reject)) => Verdict::Reject,
        (Verdict::Unverified, _) | (_, Some(Verdict::Unverified)) => Verdict::Unverified,
        _ => Verdict::Accept,
    };
    Observed::from_chain_report(&broken)
}

fn receipts_never_checked(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule.starts_with("TR-EXT-"))
}

/// Refuses any receipt whose issuer_key_id is not cMCP's 64 lowercase hex, before looking
/// for its key: S2 §3.3.2 makes an unknown key id unverified, however it is spelled.
fn receipt_key_ids_held_to_hex(c: &Context, t: &Test) -> Observed {
    let reference = reference::observe(c, t).expect("runs");
    if c.op != Op::VerifyChain {
        return reference;
    }
    let bundle: serde_json::Value = match serde_json::from_slice(&t.input.bytes().expect("input")) {
        Ok(v) => v,
        Err(_) => return reference,
    };
    let hex64 = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let odd_id = bundle["entries"].as_array().into_iter().flatten().any(|e| {
        e["external_execution_evidence"]["issuer_key_id"]
            .as_str()
            .is_some_and(|id| !hex64(id))
    });
    if !odd_id {
        return reference;
    }
    let f = Finding::fail(
        "TR-EXT-001",
        "evidence/receipt-malformed",
        "",
        "issuer_key_id is not 64 hex",
    );
    Observed::from_verdict_and_findings(Verdict::Reject, &[f])
}

/// Takes every revocation statement on the bundle's signature (RSCH-01 says each is signed
/// on its own): statements it cannot verify are neither reported nor refused.
fn revocation_statements_taken_on_the_bundle(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-REV-002" && f.message.contains("statement"))
}

/// The depth document of a `verify-provenance-depth` test, parsed.
fn depth_doc(c: &Context, t: &Test) -> Option<serde_json::Value> {
    (c.op == Op::VerifyProvenanceDepth)
        .then(|| serde_json::from_slice(&t.input.bytes().expect("input")).ok())
        .flatten()
}

/// Compares attestation subjects on `digest.sha256` only: a record named by SHA-384 never
/// binds to its attestation.
fn subjects_compared_on_sha256_only(c: &Context, t: &Test) -> Observed {
    let reference = reference::observe(c, t).expect("runs");
    let Some(doc) = depth_doc(c, t) else { return reference };
    let sha384 = doc["build_provenance"]["digest"]
        .as_str()
        .is_some_and(|d| d.starts_with("sha384:"));
    if sha384 && doc["attempted_depth"] != "surface" {
        let f = Finding::fail("TR-DEP-004", "provenance/subject-mismatch", "", "no sha256 subject");
        return Observed::from_verdict_and_findings(Verdict::Reject, &[f]);
    }
    reference
}

/// Reads a DSSE envelope's payload without verifying its signature.
fn dsse_signature_never_checked(c: &Context, t: &Test) -> Observed {
    let Some(doc) = depth_doc(c, t) else {
        return reference::observe(c, t).expect("runs");
    };
    let has_envelope = doc["context"]["attestations"]
        .as_object()
        .is_some_and(|a| a.values().any(|x| x["envelope"].is_object()));
    if !has_envelope {
        return reference::observe(c, t).expect("runs");
    }
    let mut o = without(c, t, |f| f.rule == "TR-DEP-010");
    o.output = doc["attempted_depth"].as_str().map(|d| d.as_bytes().to_vec());
    o
}

/// Attempts transitive depth when neither the request nor the record names one (S2 §3.3.1
/// says surface).
fn missing_depth_claim_read_as_transitive(c: &Context, t: &Test) -> Observed {
    let Some(doc) = depth_doc(c, t) else {
        return reference::observe(c, t).expect("runs");
    };
    if doc.get("attempted_depth").is_some() || doc["build_provenance"].get("provenance_depth").is_some() {
        return reference::observe(c, t).expect("runs");
    }
    let parsed = match json::parse(&t.input.bytes().expect("input")) {
        Ok(Value::Object(o)) => o,
        _ => return reference::observe(c, t).expect("runs"),
    };
    let r = trace_record::provenance::verify_depth(&parsed, trace_record::provenance::Depth::Transitive);
    let mut o = Observed::from_verdict_and_findings(r.verdict, &r.findings);
    o.output = r.verified_depth.map(|d| d.name().as_bytes().to_vec());
    o
}

/// Counts a record's references as the evidence Level 1 asks for (S2 §3.1.2 forbids it).
fn references_counted_as_evidence(c: &Context, t: &Test) -> Observed {
    // The embedded form carries the record as JSON text, where its references show.
    let has_references =
        c.op == Op::Verify && String::from_utf8_lossy(&t.input.bytes().unwrap_or_default()).contains("\"references\"");
    if has_references {
        without(c, t, |f| f.rule == "TR-RTE-006")
    } else {
        reference::observe(c, t).expect("runs")
    }
}

/// Never compares the measurement with the reference values it was given (S2 §3.3 step 4).
fn reference_values_ignored(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-RTE-012")
}

/// Applies neither the FIPS-aligned digest rule nor the SLSA floor of a deployment profile.
fn deployment_profile_ignored(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule.starts_with("TR-PRF-"))
}

/// Never compares the verified depth with the profile's floor.
fn depth_floor_ignored(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-DEP-009")
}

/// Walks SLSA v1 resolvedDependencies only, so SLSA v0.2 materials go unchecked.
fn materials_ignored(c: &Context, t: &Test) -> Observed {
    let Some(doc) = depth_doc(c, t) else {
        return reference::observe(c, t).expect("runs");
    };
    let v0_2 = doc["context"]["attestations"]
        .as_object()
        .is_some_and(|a| a.values().any(|x| x["statement"]["predicate"]["materials"].is_array()));
    if v0_2 {
        without(c, t, |f| f.rule == "TR-DEP-006")
    } else {
        reference::observe(c, t).expect("runs")
    }
}

/// Never compares the record's policy with the one the verifier expects (S2 §3.3 step 5).
fn expected_policy_ignored(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-POL-005")
}

/// The parsed document of a companion-format test.
fn companion_doc(c: &Context, t: &Test) -> Option<serde_json::Value> {
    matches!(c.op, Op::VerifyServerProvenance | Op::VerifyContentMarking)
        .then(|| serde_json::from_slice(&t.input.bytes().expect("input")).ok())
        .flatten()
}

/// Compares the served tools by count only (SP §5 step 5 done on the cheap): a changed
/// description or schema goes unnoticed.
fn served_tools_counted_not_hashed(c: &Context, t: &Test) -> Observed {
    let Some(doc) = companion_doc(c, t) else {
        return reference::observe(c, t).expect("runs");
    };
    let served = doc["served_tools"].as_array().map(Vec::len);
    let claimed = doc["record"]["tool_catalog"]["tool_count"].as_u64().map(|n| n as usize);
    if served.is_some() && served == claimed {
        let mut o = without(c, t, |f| f.rule == "TR-SPV-005");
        if o.verdict == Verdict::Accept {
            o.output = doc["record"]["kind"].as_str().map(|k| k.as_bytes().to_vec());
        }
        return o;
    }
    reference::observe(c, t).expect("runs")
}

/// Reports the record's claimed kind as its assurance whatever the checks found, or
/// publisher-asserted when there is no record (SP §1: absence is no assurance).
fn assurance_as_claimed(c: &Context, t: &Test) -> Observed {
    let mut o = reference::observe(c, t).expect("runs");
    if let Some(doc) = companion_doc(c, t).filter(|_| c.op == Op::VerifyServerProvenance) {
        let kind = doc["record"]["kind"].as_str().unwrap_or("publisher-asserted");
        o.output = Some(kind.as_bytes().to_vec());
    }
    o
}

/// Treats an asset without an assertion as a failed check (CM §5 forbids it).
fn missing_mark_is_a_failure(c: &Context, t: &Test) -> Observed {
    let mut o = reference::observe(c, t).expect("runs");
    if c.op == Op::VerifyContentMarking && o.output.as_deref() == Some(b"absent") {
        o.verdict = Verdict::Reject;
    }
    o
}

/// Reports a verified binding as a bare pass, without the record's level (CM §4 step 7).
fn binding_without_level(c: &Context, t: &Test) -> Observed {
    let mut o = reference::observe(c, t).expect("runs");
    if c.op == Op::VerifyContentMarking && o.verdict == Verdict::Accept {
        o.output = Some(b"pass".to_vec());
    }
    o
}

/// Verifies the fetched record but never hashes its bytes (CM §4 step 3 skipped).
fn record_hash_never_compared(c: &Context, t: &Test) -> Observed {
    let mut o = without(c, t, |f| f.rule == "TR-CMK-003");
    if c.op == Op::VerifyContentMarking && o.verdict == Verdict::Accept {
        o.output = Some(b"level-0".to_vec());
    }
    o
}

/// Reports the attempted depth as the verified one, whatever did not resolve.
fn depth_reported_as_attempted(c: &Context, t: &Test) -> Observed {
    let mut o = reference::observe(c, t).expect("runs");
    if let Some(doc) = depth_doc(c, t) {
        o.output = doc["attempted_depth"].as_str().map(|d| d.as_bytes().to_vec());
    }
    o
}

fn chain_not_compared_with_claim(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| {
        matches!(f.rule, "TR-AUD-005" | "TR-AUD-006" | "TR-AUD-007" | "TR-AUD-008")
    })
}

fn export_label_trusted(c: &Context, t: &Test) -> Observed {
    // cMCP's reading: the bundle's session_id is taken as given.
    without(c, t, |f| f.rule == "TR-AUD-010")
}

fn action_receipt_trusts_itself(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| matches!(f.rule, "TR-ACT-007" | "TR-ACT-008"))
}

fn depth_recorded_as_attempted(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-DEP-007")
}

fn evidence_accepted_without_binding(c: &Context, t: &Test) -> Observed {
    // Checks that the evidence verifies, never what it is evidence of.
    without(c, t, |f| {
        matches!(f.rule, "TR-RTE-008" | "TR-RTE-009" | "TR-RTE-010" | "TR-RTE-011")
    })
}

/// The reference's replay of a `replay-evidence` test with some checks dropped: valid when
/// every remaining check passes. Other operations as the reference answers them.
fn replay_without(c: &Context, t: &Test, drop: impl Fn(&trace_hardware::Check) -> bool) -> Observed {
    if c.op != Op::ReplayEvidence {
        return reference::observe(c, t).expect("runs");
    }
    let input: serde_json::Value = serde_json::from_slice(&t.input.bytes().expect("input")).expect("json");
    let mut a = trace_hardware::input::replay_request(&input, c.verification_time).expect("replays");
    a.checks.retain(|k| !drop(k));
    if a.checks.iter().all(|k| k.passed) {
        a.verdict = trace_hardware::Verdict::Valid;
    }
    Observed::from_verdict_and_findings(reference::replay_verdict(a.verdict), &reference::replay_findings(&a))
}

fn snp_stops_at_the_chain(c: &Context, t: &Test) -> Observed {
    // What the sev crate checks and no more: the VCEK's TCB and hwID are never held against
    // the report, nor key_info against the certificate.
    replay_without(c, t, |k| {
        matches!(k.name, CheckName::VcekTcb | CheckName::VcekHwid | CheckName::KeyInfo)
    })
}

fn tpm_ak_taken_on_trust(c: &Context, t: &Test) -> Observed {
    // A certificate came with the AK, so the AK is trusted: its chain never checked.
    replay_without(c, t, |k| {
        c.platform == "tpm2"
            && matches!(
                k.name,
                CheckName::RootPin | CheckName::Chain | CheckName::Validity | CheckName::AkChain
            )
    })
}

fn cca_platform_signature_unchecked(c: &Context, t: &Test) -> Observed {
    // Checks the IAK pin and the realm token, never the platform token's signature.
    replay_without(c, t, |k| c.platform == "arm-cca" && k.name == CheckName::Signature)
}

fn cca_realm_taken_without_its_platform(c: &Context, t: &Test) -> Observed {
    // Checks both signatures, never that the platform token vouches for this realm's RAK.
    replay_without(c, t, |k| c.platform == "arm-cca" && k.name == CheckName::RakBinding)
}

fn lenient_revocation_entry_ids(c: &Context, t: &Test) -> Observed {
    // Parses entry ids with the language's integer parser, which takes a leading '+' (found
    // by mutation testing: "+1000" compared as 1000 instead of falling back).
    let mut ctx = c.clone();
    if let Some(inputs) = ctx.revocation.as_mut()
        && let Some(id) = inputs.pointer_mut("/entry/entry_id")
        && let Some(plain) = id.as_str().and_then(|s| s.strip_prefix('+'))
    {
        *id = plain.to_string().into();
    }
    reference::observe(&ctx, t).expect("runs")
}

fn first_trusted_bundle_key(c: &Context, t: &Test) -> Observed {
    // Checks the bundle signature with the first trusted bundle key instead of the one the
    // bundle names (found by mutation testing).
    let mut ctx = c.clone();
    if let Some(serde_json::Value::Array(keys)) = ctx.revocation.as_mut().and_then(|r| r.get_mut("bundle_keys")) {
        keys.truncate(1);
    }
    reference::observe(&ctx, t).expect("runs")
}

fn inclusion_receipt_ignored(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.class == "evidence/inclusion-invalid")
}

fn inclusion_replay_skipped_as_unverified(c: &Context, t: &Test) -> Observed {
    // Never replays a receipt and says so: every receipt is "unverified", none is refuted
    // (the gap the verdict kind closes: same rule, weaker verdict).
    if c.op != Op::Verify {
        return reference::observe(c, t).expect("runs");
    }
    let mut r: Report = reference::verify_report(c, t).expect("runs");
    for f in r.findings.iter_mut().chain(r.above_level.iter_mut()) {
        if f.class == "evidence/inclusion-invalid" {
            f.class = "evidence/inclusion-unverified";
            f.status = trace_record::finding::Status::Unverified;
        }
    }
    let all: Vec<Finding> = r.findings.iter().chain(&r.above_level).cloned().collect();
    r.verdict = verdict_at(&all, r.level);
    // Reported at rule precision, where only the verdict kind tells it from the reference.
    let mut observed = Observed::from_report(&r);
    observed.detail = trace_vector_format::score::Detail::Rule;
    observed
}

fn token_signer_from_its_snapshot(c: &Context, t: &Test) -> Observed {
    // Trusts whichever key snapshot the token brings: the pinned signer is never compared.
    let mut ctx = c.clone();
    if let Some(evidence) = ctx.evidence.as_mut()
        && evidence["platform"] == "google-confidential-space"
    {
        evidence.as_object_mut().expect("an object").remove("root_sha256");
    }
    reference::observe(&ctx, t).expect("runs")
}

fn lenient_inclusion_hashes(c: &Context, t: &Test) -> Observed {
    // Reads receipt hashes case-insensitively and ignores digits past the 64th (found by
    // mutation testing: a decoder that checks length or case but not both).
    let mut ctx = c.clone();
    if let Some(receipt) = ctx.inclusion.as_mut() {
        let relax = |h: &mut serde_json::Value| {
            if let Some(text) = h.as_str() {
                *h = text
                    .to_ascii_lowercase()
                    .chars()
                    .take("sha256:".len() + 64)
                    .collect::<String>()
                    .into();
            }
        };
        if let Some(root) = receipt.get_mut("merkle_root") {
            relax(root);
        }
        if let Some(serde_json::Value::Array(path)) = receipt.get_mut("audit_path") {
            path.iter_mut().for_each(relax);
        }
    }
    reference::observe(&ctx, t).expect("runs")
}

fn accept_everything(_: &Context, _: &Test) -> Observed {
    Observed {
        verdict: Verdict::Accept,
        errors: vec![],
        warnings: vec![],
        output: None,
        detail: trace_vector_format::score::Detail::None,
    }
}

fn reject_everything(_: &Context, _: &Test) -> Observed {
    Observed {
        verdict: Verdict::Reject,
        errors: vec![],
        warnings: vec![],
        output: None,
        detail: trace_vector_format::score::Detail::None,
    }
}

fn skip_signature(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| matches!(f.rule, "TR-SIG-005" | "TR-SIG-006"))
}

fn ignore_freshness(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| matches!(f.rule, "TR-ENV-002" | "TR-ENV-006" | "TR-APR-004"))
}

fn accept_alg_none_and_hmac(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.class == "signature/alg-forbidden")
}

fn lenient_base64(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.class == "signature/encoding")
}

fn trust_any_embedded_key(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-SIG-009")
}

fn no_schema_validation(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-SCH-001")
}

fn unsigned_passes_level_0(c: &Context, t: &Test) -> Observed {
    // trace-tests: a record with no signature is "unverified" at Level 0, not a failure.
    without(c, t, |f| f.class == "signature/missing" && c.level == 0)
}

fn no_level_rules(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.min_level().number() > 0)
}

fn accepts_duplicate_members(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-GEN-003")
}

fn ignores_origin_rule(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-ORG-001")
}

fn ignores_crit(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-SIG-008")
}

fn ignores_nonce(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-ENV-007")
}

fn accepts_v0_1_profile(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.class == "profile/legacy-v0.1")
}

fn silent_on_unchecked_duties(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| matches!(f.rule, "TR-REV-001" | "TR-DEP-001"))
}

/// trace-tests' future bound: 60 s instead of the spec's 300 s.
fn sixty_second_skew(c: &Context, t: &Test) -> Observed {
    let mut o = reference::observe(c, t).expect("runs");
    if c.op == Op::Verify
        && let Ok(bytes) = t.input.bytes()
        && let Ok(v) = json::parse(&bytes)
        && let Some(iat) = v.pointer("/iat").and_then(Value::as_int)
        && iat - c.verification_time > 60
    {
        o.verdict = Verdict::Reject;
        o.errors.push(("TR-ENV-006".into(), "freshness/future".into()));
    }
    o
}

/// A canonicalizer that sorts member names by code point (UTF-8 byte order).
fn code_point_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(o) => {
            let mut members: Vec<_> = o.iter().collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (k, val)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend(jcs::canonicalize(&Value::String(k.clone())));
                out.push(b':');
                code_point_canonical(val, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                code_point_canonical(item, out);
            }
            out.push(b']');
        }
        other => out.extend(jcs::canonicalize(other)),
    }
}

fn sorts_keys_by_code_point(c: &Context, t: &Test) -> Observed {
    let mut o = reference::observe(c, t).expect("runs");
    let Ok(bytes) = t.input.bytes() else { return o };
    let Ok(v) = json::parse(&bytes) else { return o };
    if c.op == Op::Canonicalize {
        let mut out = Vec::new();
        code_point_canonical(&v, &mut out);
        o.output = Some(out);
    } else if c.format == "embedded" && o.verdict == Verdict::Accept {
        // Re-check the signature over the code-point form of the record.
        let mut unsigned = v.as_object().expect("object").clone();
        let sig = unsigned
            .remove("signature")
            .and_then(|s| s.as_str().map(str::to_string))
            .unwrap_or_default();
        let mut input = Vec::new();
        code_point_canonical(&Value::Object(unsigned.clone()), &mut input);
        // A plain record's key; RuntimeClaims (key under trace) are left to the reference.
        let jwk = unsigned
            .get("cnf")
            .and_then(|c| c.as_object())
            .and_then(|c| c.get("jwk"));
        let Some(key) = jwk.and_then(|j| trace_record::PublicKey::from_jwk(j).ok()) else {
            return o;
        };
        let ok = trace_record::b64::decode(&sig)
            .ok()
            .is_some_and(|s| key.verify(&input, &s).is_ok());
        if !ok {
            o.verdict = Verdict::Reject;
            o.errors.push(("TR-SIG-005".into(), "signature/invalid".into()));
        }
    }
    o
}

/// Integral floats (1785000000.0) accepted as integers, as JSON Schema does.
fn integral_floats_are_integers(c: &Context, t: &Test) -> Observed {
    without(c, t, |f| f.rule == "TR-SCH-002")
}

/// Fractional numbers allowed in cnf.jwk extras, as the mirror schema does.
fn float_jwk_extras(c: &Context, t: &Test) -> Observed {
    let _ = Number::Int(0);
    without(c, t, |f| f.rule == "TR-ENV-008")
}

const BROKEN: &[(&str, Broken)] = &[
    ("accept everything", accept_everything),
    ("reject everything", reject_everything),
    ("skip the signature", skip_signature),
    ("ignore freshness", ignore_freshness),
    ("accept alg none and HMAC", accept_alg_none_and_hmac),
    ("lenient base64url", lenient_base64),
    ("trust any embedded key", trust_any_embedded_key),
    ("no schema validation (trace-tests)", no_schema_validation),
    ("unsigned passes Level 0 (trace-tests)", unsigned_passes_level_0),
    ("60 s future skew (trace-tests)", sixty_second_skew),
    ("no level rules", no_level_rules),
    ("duplicate members accepted", accepts_duplicate_members),
    ("origin rule ignored (trace-tests)", ignores_origin_rule),
    ("crit ignored", ignores_crit),
    ("nonce ignored", ignores_nonce),
    ("v0.1 profile accepted", accepts_v0_1_profile),
    (
        "silent about unchecked revocation and depth",
        silent_on_unchecked_duties,
    ),
    ("keys sorted by code point", sorts_keys_by_code_point),
    ("integral floats accepted as integers", integral_floats_are_integers),
    ("fractional cnf.jwk extras accepted", float_jwk_extras),
    ("receipts never checked", receipts_never_checked),
    (
        "receipt key ids held to cMCP's hex form (S2 §3.3.2)",
        receipt_key_ids_held_to_hex,
    ),
    ("chain not compared with its claim", chain_not_compared_with_claim),
    ("export label trusted", export_label_trusted),
    ("action receipt authenticates itself", action_receipt_trusts_itself),
    ("depth recorded as attempted", depth_recorded_as_attempted),
    (
        "verified_depth reported as the attempted depth",
        depth_reported_as_attempted,
    ),
    (
        "served tools counted, never hashed (SP §5 step 5)",
        served_tools_counted_not_hashed,
    ),
    ("server assurance reported as claimed (SP §1, §6)", assurance_as_claimed),
    (
        "a missing content mark is a failed check (CM §5)",
        missing_mark_is_a_failure,
    ),
    (
        "content binding reported as a bare pass (CM §4 step 7)",
        binding_without_level,
    ),
    (
        "fetched record bytes never hashed (CM §4 step 3)",
        record_hash_never_compared,
    ),
    ("expected policy bundle ignored", expected_policy_ignored),
    (
        "attestation subjects compared on sha256 only",
        subjects_compared_on_sha256_only,
    ),
    ("SLSA v0.2 materials ignored", materials_ignored),
    (
        "DSSE attestation read without checking its signature",
        dsse_signature_never_checked,
    ),
    (
        "no depth claim read as transitive (S2 §3.3.1: surface)",
        missing_depth_claim_read_as_transitive,
    ),
    ("profile depth floor ignored", depth_floor_ignored),
    (
        "reference measurements ignored (S2 §3.3 step 4)",
        reference_values_ignored,
    ),
    (
        "references counted as hardware evidence (S2 §3.1.2)",
        references_counted_as_evidence,
    ),
    ("deployment profile ignored (IMPL-13)", deployment_profile_ignored),
    ("inclusion receipt ignored", inclusion_receipt_ignored),
    ("inclusion hashes read leniently", lenient_inclusion_hashes),
    (
        "inclusion receipts never replayed, reported unverified",
        inclusion_replay_skipped_as_unverified,
    ),
    (
        "Confidential Space: token signer trusted from its own key snapshot",
        token_signer_from_its_snapshot,
    ),
    (
        "hardware evidence accepted without binding",
        evidence_accepted_without_binding,
    ),
    (
        "SEV-SNP: VCEK TCB, hwID and key_info not held against the report",
        snp_stops_at_the_chain,
    ),
    ("TPM: AK certificate chain not checked", tpm_ak_taken_on_trust),
    (
        "CCA: realm token not bound to the platform token",
        cca_realm_taken_without_its_platform,
    ),
    (
        "CCA: platform token signature not checked",
        cca_platform_signature_unchecked,
    ),
    ("revocation entry ids parsed leniently", lenient_revocation_entry_ids),
    (
        "revocation statements taken on the bundle's signature",
        revocation_statements_taken_on_the_bundle,
    ),
    (
        "revocation bundle checked with the first trusted key",
        first_trusted_bundle_key,
    ),
];

#[test]
fn every_broken_verifier_fails_the_vector_set() {
    let files = files();
    let tests: Vec<(&Context, &Test)> = files
        .iter()
        .flat_map(|f| &f.groups)
        .flat_map(|g| g.tests.iter().map(move |t| (&g.context, t)))
        .collect();
    // The ids of the vectors that catch one broken verifier.
    let caught_by = |broken: &Broken| -> Vec<String> {
        tests
            .iter()
            .filter(|(c, t)| !score(&t.expected, &broken(c, t)).is_pass())
            .map(|(_, t)| t.id.clone())
            .collect()
    };
    // The broken verifiers are spread over every core.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut results: Vec<(usize, &str, Vec<String>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|k| {
                let caught_by = &caught_by;
                s.spawn(move || {
                    BROKEN
                        .iter()
                        .enumerate()
                        .skip(k)
                        .step_by(threads)
                        .map(|(i, (name, broken))| (i, *name, caught_by(broken)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("worker")).collect()
    });
    results.sort_by_key(|(i, _, _)| *i);
    let mut survivors = Vec::new();
    for (_, name, caught) in results {
        eprintln!("{name}: caught by {} vectors (e.g. {:?})", caught.len(), caught.first());
        if caught.is_empty() {
            survivors.push(name);
        }
    }
    assert!(
        survivors.is_empty(),
        "broken verifiers that pass every vector: {survivors:?}"
    );
}

/// Every MUST rule is load-bearing: a verifier that skips it fails some vector. (SHOULD
/// and implementation-defined rules only produce advisories, which never decide a verdict.)
#[test]
fn skipping_any_single_must_rule_fails_some_vector() {
    use trace_record::rules::catalog::{RULES, Strength};
    let files = files();
    let chains: Vec<(&Test, ChainReport)> = files
        .iter()
        .flat_map(|f| &f.groups)
        .filter(|g| g.context.op == Op::VerifyChain)
        .flat_map(|g| {
            g.tests
                .iter()
                .map(move |t| (t, reference::chain_report(&g.context, t).expect("runs")))
        })
        .collect();
    let cases: Vec<(&Context, &Test, Option<Report>)> = files
        .iter()
        .flat_map(|f| &f.groups)
        .flat_map(|g| g.tests.iter().map(move |t| (&g.context, t)))
        .map(|(c, t)| {
            (
                c,
                t,
                (c.op == Op::Verify).then(|| reference::verify_report(c, t).expect("runs")),
            )
        })
        .collect();
    // Each test with the reference's findings and, when it accepts, its output bytes.
    #[allow(clippy::type_complexity)]
    let actions: Vec<(&Test, Vec<Finding>, Option<Vec<u8>>)> = files
        .iter()
        .flat_map(|f| &f.groups)
        .flat_map(|g| g.tests.iter().map(move |t| (g, t)))
        .filter_map(|(g, t)| {
            if g.context.op == Op::ReplayEvidence {
                let input: serde_json::Value = serde_json::from_slice(&t.input.bytes().expect("input")).expect("json");
                let at = g.context.verification_time;
                let a = trace_hardware::input::replay_request(&input, at).expect("replays");
                return Some((t, reference::replay_findings(&a), None));
            }
            document_findings(&g.context, t).map(|(findings, output)| (t, findings, output))
        })
        .collect();
    // Whether some vector fails a verifier that skips `rule`.
    let caught = |rule: &trace_record::rules::catalog::Rule| -> bool {
        let caught = cases.iter().any(|(c, t, report)| {
            let observed = match report {
                Some(r) => {
                    let kept: Vec<Finding> = r
                        .findings
                        .iter()
                        .chain(&r.above_level)
                        .filter(|f| f.rule != rule.id)
                        .cloned()
                        .collect();
                    let mut broken = r.clone();
                    broken.verdict = verdict_at(&kept, r.level);
                    broken.findings = kept.into_iter().filter(|f| f.min_level() <= r.level).collect();
                    Observed::from_report(&broken)
                }
                None if rule.id == "TR-CAN-001" => {
                    // Skipping canonicalization: echo the input.
                    let mut o = reference::observe(c, t).expect("runs");
                    o.output = t.input.bytes().ok();
                    o
                }
                None => reference::observe(c, t).expect("runs"),
            };
            !score(&t.expected, &observed).is_pass()
        });
        caught
            || actions.iter().any(|(t, findings, output)| {
                let kept: Vec<Finding> = findings.iter().filter(|f| f.rule != rule.id).cloned().collect();
                let mut observed = Observed::from_verdict_and_findings(verdict_at(&kept, Level::L0), &kept);
                observed.output = output.clone();
                !score(&t.expected, &observed).is_pass()
            })
            || chains
                .iter()
                .any(|(t, r)| !score(&t.expected, &chain_without(r, |f| f.rule == rule.id)).is_pass())
    };
    let must: Vec<_> = RULES
        .iter()
        .filter(|r| matches!(r.strength, Strength::Must | Strength::MustNot))
        .collect();
    // The rules are spread over every core.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut survivors: Vec<&str> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|k| {
                let (caught, must) = (&caught, &must);
                s.spawn(move || {
                    must.iter()
                        .skip(k)
                        .step_by(threads)
                        .filter(|rule| !caught(rule))
                        .map(|rule| rule.id)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("worker")).collect()
    });
    survivors.sort_unstable();
    assert!(
        survivors.is_empty(),
        "a verifier skipping one of these rules passes every vector: {survivors:?}"
    );
}
