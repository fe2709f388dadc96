//! Intel TDX and SGX quotes (DCAP v3/v4/v5) with their PCS collateral, verified by
//! `dcap-qvl` (pure Rust, no network) against the Intel SGX Root CA it embeds, at the pinned
//! time: quote and QE report signatures, PCK chain and CRLs, TCB info and QE identity
//! signatures and windows, and the TCB status.
//!
//! Owns: calling `dcap-qvl` with the capture's `QuoteCollateralV3` JSON and the facts TRACE
//! uses (TDX: `mr_td` as a `sha384:` measurement and TD_ATTRIBUTES.DEBUG; SGX: `mr_enclave`
//! as `sha256:` and ATTRIBUTES.DEBUG; the 64-byte report_data where a key binding goes).
//! The collateral is the capture's `collateral.json`, or its raw PCS responses with their
//! issuer chains (`pcs`). A quote without usable collateral (raw PCS responses lacking their
//! issuer chains, or none) is appraised to signature-and-chain depth
//! ([`appraise_signature_and_chain`]): at best `unverifiable`, since the TCB status cannot be
//! known.

use crate::CheckName;
use crate::{Appraisal, Check, Verdict, hex};

/// SHA-256 of the DER of Intel's SGX Root CA (the root `dcap-qvl` embeds).
pub const INTEL_SGX_ROOT_SHA256: &str = "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";
use dcap_qvl::quote::Report;

/// The length a quote's own length fields give it (header and report, then the signature
/// data length and the signature data), when they fit: bytes beyond it are not the quote's.
fn quote_length(quote: &[u8], signed_length: usize) -> Option<usize> {
    let len = quote.get(signed_length..signed_length + 4)?;
    let auth = u32::from_le_bytes(len.try_into().ok()?) as usize;
    signed_length.checked_add(4)?.checked_add(auth)
}

/// The quote's length against its length fields: shorter is malformed; bytes beyond are
/// reported and never read (real quotes carry zero padding there, and go-tdx-guest's sample
/// a line of test text), as the NVIDIA reader treats bytes after a report's signature.
fn length_check(quote: &[u8], checks: &mut Vec<Check>) -> bool {
    let expected = dcap_qvl::quote::Quote::parse(quote)
        .ok()
        .and_then(|q| quote_length(quote, q.signed_length()));
    let fits = expected.is_some_and(|n| n <= quote.len());
    let trailing = expected.map(|n| quote.len().saturating_sub(n)).unwrap_or(0);
    crate::push(
        checks,
        CheckName::Quote,
        fits,
        match expected {
            Some(n) if fits => format!("{n} bytes by its length fields; {trailing} trailing byte(s), not read"),
            _ => format!("{} bytes; the length fields give {expected:?}", quote.len()),
        },
    )
}

/// The check a `dcap-qvl` error stands for (replay classes: `validity` expired, `chain` the
/// PCK chain, CRLs or TCB collateral refuse the platform, `signature` the quote or QE report).
fn failed_check(message: &str) -> CheckName {
    let lower = message.to_ascii_lowercase();
    if lower.contains("expired") {
        CheckName::Validity
    } else if ["certificate chain", "crl", "tcb", "root ca", "qe identity"]
        .iter()
        .any(|w| lower.contains(w))
    {
        CheckName::Chain
    } else {
        CheckName::Signature
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
    match serde_json::from_slice::<dcap_qvl::QuoteCollateralV3>(collateral_json) {
        Ok(collateral) => appraise_collateral(quote, &collateral, at, verifier),
        Err(e) => unusable_collateral(quote, format!("not QuoteCollateralV3 JSON: {e}")),
    }
}

/// A quote whose collateral cannot be read: invalid, its length checked and the collateral
/// check failing with `why`.
fn unusable_collateral(quote: &[u8], why: String) -> Appraisal {
    let mut a = Appraisal::invalid();
    if length_check(quote, &mut a.checks) {
        crate::push(&mut a.checks, CheckName::Collateral, false, why);
    }
    a
}

/// Appraises a quote with collateral already read, under Intel's root or `verifier`'s.
fn appraise_collateral(
    quote: &[u8],
    collateral: &dcap_qvl::QuoteCollateralV3,
    at: i64,
    verifier: dcap_qvl::verify::QuoteVerifier,
) -> Appraisal {
    let mut a = Appraisal::invalid();
    if !length_check(quote, &mut a.checks) {
        return a;
    }
    let mut check = |name: CheckName, passed: bool, detail: String| a.checks.push(Check { name, passed, detail });
    let verified = verifier.allow_debug(true).verify(quote, collateral, at.max(0) as u64);
    match verified {
        Ok(v) => {
            check(
                CheckName::Dcap,
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
            report_facts(&v.report, &mut a);
            a.verdict = Verdict::Valid;
        }
        Err(e) => {
            let message = format!("{e:#}");
            check(failed_check(&message), false, message)
        }
    }
    a
}

/// The facts TRACE uses from a quote's report (see the module header).
fn report_facts(report: &Report, a: &mut Appraisal) {
    match report {
        Report::SgxEnclave(r) => {
            a.measurement = Some(format!("sha256:{}", hex(&r.mr_enclave)));
            a.report_data = Some(hex(&r.report_data));
            a.debug = Some(r.attributes[0] & 0x02 != 0);
        }
        other => {
            if let Some(td) = other.as_td10() {
                a.measurement = Some(format!("sha384:{}", hex(&td.mr_td)));
                a.report_data = Some(hex(&td.report_data));
                // TUD: DEBUG (bit 0), profiling (bits 4-6) and reserved bits all mean the TD
                // is not a production TD.
                a.debug = Some(td.td_attributes[0] != 0);
            }
        }
    }
}

/// Appraises a quote without collateral at `at`: the quote signature by the attestation
/// key, the QE report binding that key (SHA-256 of key and QE auth data), the QE report
/// signature by the PCK certificate, and the PCK chain (P-256) to Intel's SGX Root CA, valid
/// at `at`. All of that passing is `unverifiable`: without TCB info, QE identity and CRLs the
/// platform's TCB status is unknown. Anything failing is `invalid`.
pub fn appraise_signature_and_chain(quote: &[u8], at: i64) -> Appraisal {
    use p256::ecdsa::{Signature, VerifyingKey, signature::Verifier};
    use sha2::Digest;
    let mut a = Appraisal::invalid();
    let Ok(q) = dcap_qvl::quote::Quote::parse(quote) else {
        crate::push(
            &mut a.checks,
            CheckName::Quote,
            false,
            "not a DCAP quote (v3, v4 or v5)",
        );
        return a;
    };
    let (signature, key, qe_report, qe_signature, qe_auth) = match &q.auth_data {
        dcap_qvl::quote::AuthData::V3(d) => (
            d.ecdsa_signature,
            d.ecdsa_attestation_key,
            d.qe_report,
            d.qe_report_signature,
            d.qe_auth_data.data.clone(),
        ),
        dcap_qvl::quote::AuthData::V4(d) => (
            d.ecdsa_signature,
            d.ecdsa_attestation_key,
            d.qe_report_data.qe_report,
            d.qe_report_data.qe_report_signature,
            d.qe_report_data.qe_auth_data.data.clone(),
        ),
    };
    if !length_check(quote, &mut a.checks) {
        return a;
    }
    report_facts(&q.report, &mut a);
    let verify = |point: &[u8], message: &[u8], sig: &[u8]| {
        VerifyingKey::from_sec1_bytes(point)
            .is_ok_and(|k| Signature::from_slice(sig).is_ok_and(|s| k.verify(message, &s).is_ok()))
    };
    let attestation_point = [&[0x04u8][..], &key].concat();
    let signed = quote.get(..q.signed_length()).unwrap_or_default();
    crate::push(
        &mut a.checks,
        CheckName::Signature,
        verify(&attestation_point, signed, &signature),
        "ECDSA P-256 over the header and report by the attestation key",
    );
    let binding = sha2::Sha256::digest([key.as_slice(), &qe_auth].concat());
    crate::push(
        &mut a.checks,
        CheckName::QeBinding,
        qe_report[320..352] == binding[..],
        "the QE report's report data is SHA-256 of the attestation key and the QE auth data",
    );
    let certs = q
        .raw_cert_chain()
        .map(crate::x509::parse_pem_bundle)
        .unwrap_or_default();
    let Some(leaf) = certs.first() else {
        crate::push(
            &mut a.checks,
            CheckName::Chain,
            false,
            "no PCK certificate chain in the quote",
        );
        return a;
    };
    let leaf_point = leaf
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .as_bytes()
        .unwrap_or_default();
    crate::push(
        &mut a.checks,
        CheckName::ReportSignature,
        verify(leaf_point, &qe_report, &qe_signature),
        "the QE report is signed by the PCK certificate's key",
    );
    let root = certs.last().expect("not empty");
    let root_digest = crate::x509::sha256_hex(root);
    crate::push(
        &mut a.checks,
        CheckName::RootPin,
        root_digest == INTEL_SGX_ROOT_SHA256,
        format!("last certificate SHA-256 {root_digest} (Intel SGX Root CA)"),
    );
    let root_first: Vec<&x509_cert::Certificate> = certs.iter().rev().collect();
    crate::x509::check_ecdsa_path(&root_first, at, &mut a.checks);
    if a.checks.iter().all(|c| c.passed) {
        crate::push(
            &mut a.checks,
            CheckName::Tcb,
            false,
            "no usable collateral: TCB status, QE identity and CRLs not evaluable",
        );
        a.verdict = Verdict::Unverifiable;
    }
    a
}

/// A capture's `quote.bin` and `collateral.json` (without collateral: the signature and
/// chain only); pinned, the capture's own `root_ca.der`, whose SHA-256 must be `pin`.
pub fn appraise_files(files: &crate::platforms::Files, at: i64, pin: Option<&str>) -> Appraisal {
    use crate::platforms::first;
    let (quote, collateral) = (first(files, &["quote.bin"]), first(files, &["collateral.json"]));
    let Some(root) = pin else {
        return match (quote, collateral) {
            (Some(q), Some(c)) => appraise(q, c, at),
            (Some(q), None) => match crate::pcs::collateral(files) {
                // Raw PCS responses with their issuer chains.
                Some(Ok(c)) => appraise_collateral(q, &c, at, dcap_qvl::verify::QuoteVerifier::new_prod()),
                // Raw PCS responses meant as collateral (they come with issuer chains) but
                // incomplete or damaged: refused, with the reason.
                Some(Err(why)) if crate::pcs::has_issuer_chains(files) => {
                    unusable_collateral(q, format!("raw PCS collateral: {why}"))
                }
                // Raw PCS responses without their issuer chains, or none at all.
                Some(Err(_)) | None => appraise_signature_and_chain(q, at),
            },
            _ => Appraisal::not_implemented("a DCAP capture without quote.bin"),
        };
    };
    let (Some(q), Some(c), Some(root_der)) = (quote, collateral, first(files, &["root_ca.der"])) else {
        return Appraisal::not_implemented("a pinned DCAP capture without quote.bin, collateral.json and root_ca.der");
    };
    let digest = hex(&<sha2::Sha256 as sha2::Digest>::digest(root_der));
    if digest.eq_ignore_ascii_case(root) {
        return appraise_with_root(q, c, at, root_der);
    }
    let mut a = Appraisal::invalid();
    crate::push(
        &mut a.checks,
        CheckName::RootPin,
        false,
        format!("root_ca.der has SHA-256 {digest}, not the pinned root"),
    );
    a
}
