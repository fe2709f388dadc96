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

use crate::CheckName;
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
                ark_crl: None,
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
    let mut appraisal = crate::platforms::appraise(appraise_as, files, at, root);
    // A token brings the key snapshot it is checked with: unpinned, nothing vouches for it.
    let self_vouching = crate::platforms::lookup(appraise_as).is_some_and(|p| p.self_vouching);
    if self_vouching && root.is_none() && appraisal.verdict == crate::Verdict::Valid {
        appraisal.verdict = crate::Verdict::Unverifiable;
        crate::push(
            &mut appraisal.checks,
            CheckName::RootPin,
            false,
            "no signer pinned: only the token's own key snapshot vouches for it",
        );
    }
    let mut facts = facts_of(platform, &appraisal);
    if appraise_as == "azure-cvm-sev-snp" {
        let nonce_bound = appraisal.checks.iter().any(|c| c.name == CheckName::Nonce && c.passed);
        facts.report_data = files
            .get("nonce.hex")
            .filter(|_| nonce_bound)
            .and_then(|n| crate::unhex(n));
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
        unverifiable: appraisal.verdict == crate::Verdict::Unverifiable,
        summary: if failed.is_empty() {
            "every check passed".into()
        } else {
            failed.join("; ")
        },
        measurement: appraisal.measurement.clone(),
        report_data: appraisal
            .report_data
            .as_deref()
            .and_then(|t| crate::unhex(t.as_bytes())),
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

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn capture(platform: &str, files: &[(&str, Vec<u8>)], root: Option<&str>) -> Value {
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let files: serde_json::Map<String, Value> = files.iter().map(|(n, b)| (n.to_string(), b64(b).into())).collect();
        let mut v = serde_json::json!({"platform": platform, "format": "capture", "files": files});
        if let Some(r) = root {
            v["root_sha256"] = r.into();
        }
        v
    }

    fn token_files() -> Vec<(&'static str, Vec<u8>)> {
        use trace_synthetic::token;
        let jwt = token::confidential_space_token(&token::TokenClaims {
            image_digest: "sha256:0101",
            dbgstat: "disabled-since-boot",
            eat_nonce: "ab".repeat(32),
            nbf: 1_785_000_000,
            exp: 1_785_003_600,
        });
        vec![("token.jwt", jwt.into_bytes()), ("jwks.json", token::jwks())]
    }

    #[test]
    fn a_token_without_a_pinned_signer_is_never_verified() {
        let at = 1_785_000_060;
        let pinned = facts(
            &capture(
                "google-confidential-space",
                &token_files(),
                Some(&trace_synthetic::token::signer_sha256()),
            ),
            at,
        )
        .unwrap();
        assert!(pinned.verified && !pinned.unverifiable, "{}", pinned.summary);
        let unpinned = facts(&capture("google-confidential-space", &token_files(), None), at).unwrap();
        assert!(!unpinned.verified && unpinned.unverifiable, "{}", unpinned.summary);
        assert!(unpinned.summary.contains("no signer pinned"), "{}", unpinned.summary);
    }

    #[test]
    fn a_pin_is_never_dropped() {
        // A platform without a pinned form refuses the pin rather than ignore it.
        let f = facts(
            &capture(
                "azure-cvm-tdx",
                &[("evidence-v1.json", b"{}".to_vec())],
                Some(&"00".repeat(32)),
            ),
            0,
        )
        .unwrap();
        assert!(!f.verified && !f.unverifiable, "{}", f.summary);
        assert!(f.summary.contains("root-pin"), "{}", f.summary);
    }

    #[test]
    fn hostile_hex_is_refused_without_a_panic() {
        let files = vec![
            ("token.jwt", b"x.y.z".to_vec()),
            ("jwks.json", b"{}".to_vec()),
            ("nonce.hex", "a\u{e9}b".as_bytes().to_vec()),
        ];
        for platform in [
            "google-confidential-space",
            "azure-cvm-sev-snp",
            "tpm2",
            "nvidia-h100",
            "intel-tdx",
            "arm-cca",
        ] {
            let f = facts(&capture(platform, &files, Some(&"00".repeat(32))), 0).unwrap();
            assert!(!f.verified, "{platform}");
        }
    }
}
