//! Evidence as a verifier input (protocol `verify` member `evidence`, vector contexts):
//! `{"platform", "format", ...}` in, the facts the rule engine binds to the record out.
//!
//! Owns: the input forms and their appraisal at the verification time. Formats:
//! `nitro-cose` (`document_b64u`, and `root_sha256`, the pinned root: AWS's, or the
//! project's synthetic test root for vectors); `snp-report` (`report_b64u`, `vek_b64u` the
//! VCEK or VLEK in DER, optional `ca_bundle_b64u` (PEM ASK/ASVK and ARK) and `root_sha256`:
//! without it AMD's built-in ARKs are the roots); `capture` (`files`, a capture's files by
//! name as in hardware/SUBMITTING.md, base64url, and `root_sha256`, the pin
//! [`crate::replay::appraise_pinned`] takes): every platform the replay reads.
//!
//! Azure CVM captures bind the guest's data through the vTPM quote, not the SNP report (whose
//! REPORT_DATA is the paravisor's runtime-data hash): their report data is the verifier's
//! nonce, once the quote's signed extraData is found to be its SHA-256.

use base64::Engine;
use serde_json::Value;
use trace_record::evidence::EvidenceFacts;

/// Appraises an evidence input at `at` and returns the facts for the rule engine.
pub fn facts(input: &Value, at: i64) -> Result<EvidenceFacts, String> {
    let s = |name: &str| {
        input
            .get(name)
            .and_then(Value::as_str)
            .ok_or(format!("evidence.{name} is missing"))
    };
    let platform = s("platform")?;
    let bytes = |name: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s(name)?)
            .map_err(|e| format!("evidence.{name}: {e}"))
    };
    let root = input.get("root_sha256").and_then(Value::as_str);
    let appraisal = match s("format")? {
        "nitro-cose" => {
            let doc = bytes("document_b64u")?;
            crate::nitro::appraise_with_root(&doc, at, root.unwrap_or(crate::nitro::ROOT_G1_SHA256))
        }
        "snp-report" => {
            let (report, vek) = (bytes("report_b64u")?, bytes("vek_b64u")?);
            let bundle = match input.get("ca_bundle_b64u") {
                Some(_) => Some(bytes("ca_bundle_b64u")?),
                None => None,
            };
            let e = crate::snp::SnpEvidence {
                report: &report,
                vek: &vek,
                ca_bundle: bundle.as_deref(),
            };
            match root {
                Some(root) => crate::snp::appraise_with_root(&e, at, root),
                None => crate::snp::appraise(&e, at),
            }
        }
        "capture" => return capture_facts(platform, input, at),
        other => {
            return Err(format!(
                "evidence format {other:?} is not supported (nitro-cose, snp-report, capture)"
            ));
        }
    };
    Ok(facts_of(platform, &appraisal))
}

/// The facts of a `capture` input: its files appraised as a replay would, under the pin.
fn capture_facts(platform: &str, input: &Value, at: i64) -> Result<EvidenceFacts, String> {
    let files = decode_files(input)?;
    let root = input.get("root_sha256").and_then(Value::as_str);
    Ok(capture_files_facts(platform, platform, &files, at, root))
}

/// The facts of a capture's files appraised as `replay` does (`appraise_as`, under `root`),
/// for evidence of the TRACE platform `platform`.
pub fn capture_files_facts(
    appraise_as: &str,
    platform: &str,
    files: &std::collections::BTreeMap<String, Vec<u8>>,
    at: i64,
    root: Option<&str>,
) -> EvidenceFacts {
    let appraisal = crate::replay::appraise_pinned(appraise_as, files, at, root);
    let mut facts = facts_of(platform, &appraisal);
    if appraise_as == "azure-cvm-sev-snp" {
        let nonce_bound = appraisal.checks.iter().any(|c| c.name == "nonce" && c.passed);
        facts.report_data = files
            .get("nonce.hex")
            .filter(|_| nonce_bound)
            .and_then(|n| unhex(String::from_utf8_lossy(n).trim()));
    }
    facts
}

fn facts_of(platform: &str, appraisal: &crate::Appraisal) -> EvidenceFacts {
    let failed: Vec<String> = appraisal
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    EvidenceFacts {
        platform: platform.to_string(),
        verified: appraisal.verdict == crate::Verdict::Valid,
        summary: if failed.is_empty() {
            "every check passed".into()
        } else {
            failed.join("; ")
        },
        measurement: appraisal.measurement.clone(),
        report_data: appraisal.report_data.as_deref().and_then(unhex),
        debug: appraisal.debug,
    }
}

/// `files`: names to base64url contents.
fn decode_files(input: &Value) -> Result<std::collections::BTreeMap<String, Vec<u8>>, String> {
    let mut files = std::collections::BTreeMap::new();
    for (name, v) in input
        .get("files")
        .and_then(Value::as_object)
        .ok_or("files is not an object")?
    {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(v.as_str().ok_or(format!("files.{name} is not a string"))?)
            .map_err(|e| format!("files.{name}: {e}"))?;
        files.insert(name.clone(), bytes);
    }
    Ok(files)
}

fn unhex(t: &str) -> Option<Vec<u8>> {
    (t.len() % 2 == 0).then(|| {
        (0..t.len() / 2)
            .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16).ok())
            .collect()
    })?
}

/// A `replay-evidence` request's evidence: `{platform, files: {name: base64url}, root_sha256?}`.
pub fn replay_request(input: &Value, at: i64) -> Result<crate::Appraisal, String> {
    let platform = input
        .get("platform")
        .and_then(Value::as_str)
        .ok_or("platform is missing")?;
    let files = decode_files(input)?;
    let root = input.get("root_sha256").and_then(Value::as_str);
    Ok(crate::replay::appraise_pinned(platform, &files, at, root))
}
