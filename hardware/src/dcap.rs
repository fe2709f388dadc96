//! Intel TDX and SGX quotes (DCAP v3/v4/v5) with their PCS collateral, verified by
//! `dcap-qvl` (pure Rust, no network) against the Intel SGX Root CA it embeds, at the pinned
//! time: quote and QE report signatures, PCK chain and CRLs, TCB info and QE identity
//! signatures and windows, and the TCB status.
//!
//! Owns: calling `dcap-qvl` with the capture's `QuoteCollateralV3` JSON and the facts TRACE
//! uses (TDX: `mr_td` as a `sha384:` measurement and TD_ATTRIBUTES.DEBUG; SGX: `mr_enclave`
//! as `sha256:` and ATTRIBUTES.DEBUG; the 64-byte report_data where a key binding goes).
//! Captures without collateral in that form (raw PCS responses lacking issuer chains) are not
//! appraised.

use crate::{Appraisal, Check, Verdict, hex};

/// SHA-256 of the DER of Intel's SGX Root CA (the root `dcap-qvl` embeds).
pub const INTEL_SGX_ROOT_SHA256: &str = "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";
use dcap_qvl::quote::Report;

/// The check a `dcap-qvl` error stands for (replay classes: `validity` expired, `chain` the
/// PCK chain, CRLs or TCB collateral refuse the platform, `signature` the quote or QE report).
fn failed_check(message: &str) -> &'static str {
    let lower = message.to_ascii_lowercase();
    if lower.contains("expired") {
        "validity"
    } else if ["certificate chain", "crl", "tcb", "root ca", "qe identity"]
        .iter()
        .any(|w| lower.contains(w))
    {
        "chain"
    } else {
        "signature"
    }
}

/// Appraises a quote with its collateral JSON at `at` (Unix seconds), under Intel's root.
pub fn appraise(quote: &[u8], collateral_json: &[u8], at: i64) -> Appraisal {
    appraise_under(quote, collateral_json, at, dcap_qvl::verify::QuoteVerifier::new_prod())
}

/// Appraises under another root (its DER), such as the project's synthetic SGX root; the
/// caller has checked it is the pinned one.
pub fn appraise_with_root(quote: &[u8], collateral_json: &[u8], at: i64, root_der: &[u8]) -> Appraisal {
    appraise_under(
        quote,
        collateral_json,
        at,
        dcap_qvl::verify::QuoteVerifier::new(root_der.to_vec()),
    )
}

/// Debug TDs and enclaves are let through `dcap-qvl` so that their debug attribute is a fact
/// (TR-RTE-011 refuses them), as a debug SEV-SNP report is authentic and says so.
fn appraise_under(
    quote: &[u8],
    collateral_json: &[u8],
    at: i64,
    verifier: dcap_qvl::verify::QuoteVerifier,
) -> Appraisal {
    let mut a = Appraisal::invalid();
    let mut check = |name: &'static str, passed: bool, detail: String| a.checks.push(Check { name, passed, detail });
    let collateral = match serde_json::from_slice::<dcap_qvl::QuoteCollateralV3>(collateral_json) {
        Ok(c) => c,
        Err(e) => {
            check("collateral", false, format!("not QuoteCollateralV3 JSON: {e}"));
            return a;
        }
    };
    let verified = verifier.allow_debug(true).verify(quote, &collateral, at.max(0) as u64);
    match verified {
        Ok(v) => {
            check(
                "dcap",
                true,
                format!(
                    "TCB status {}{}",
                    v.status,
                    if v.advisory_ids.is_empty() {
                        String::new()
                    } else {
                        format!(", advisories {}", v.advisory_ids.join(" "))
                    }
                ),
            );
            match &v.report {
                Report::SgxEnclave(r) => {
                    a.measurement = Some(format!("sha256:{}", hex(&r.mr_enclave)));
                    a.report_data = Some(hex(&r.report_data));
                    a.debug = Some(r.attributes[0] & 0x02 != 0);
                }
                other => {
                    if let Some(td) = other.as_td10() {
                        a.measurement = Some(format!("sha384:{}", hex(&td.mr_td)));
                        a.report_data = Some(hex(&td.report_data));
                        a.debug = Some(td.td_attributes[0] & 0x01 != 0);
                    }
                }
            }
            a.verdict = Verdict::Valid;
        }
        Err(e) => {
            let message = format!("{e:#}");
            check(failed_check(&message), false, message)
        }
    }
    a
}
