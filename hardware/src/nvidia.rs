//! NVIDIA Hopper GPU evidence: an SPDM 1.1 GET_MEASUREMENTS request and MEASUREMENTS
//! response (hex text), signed with ECDSA P-384 by the GPU's attestation key, whose
//! certificate chains to the pinned NVIDIA Device Identity CA.
//!
//! Owns: parsing by the SPDM length fields (trailing bytes after the signature are reported,
//! not read as part of it), the signature over request ‖ response-without-signature, the
//! chain (leaf first) and its validity at the pinned time, and the requester nonce (where a
//! key binding goes). Does not own OCSP, CRLs or RIM comparison (vendor collateral the
//! public captures do not carry).
//!
//! Measurement profile (the suite's, NVIDIA defines none for TRACE): `sha384:` SHA-384 of the
//! response's whole measurement record as signed (every block, in order), so that
//! `runtime.measurement` stands for the GPU's complete measured state, whatever the number
//! of blocks. Comparing the blocks with NVIDIA's RIMs is the relying party's policy.

use crate::CheckName;
use crate::{Appraisal, Verdict, hex, push, x509};

/// SHA-256 of the DER of "O=NVIDIA, CN=NVIDIA Device Identity CA" (NVIDIA publishes it).
pub const DEVICE_IDENTITY_CA_SHA256: &str = "102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48";
const REQUEST_LEN: usize = 37;
const SIGNATURE_LEN: usize = 96;

/// The report's hex text without its whitespace (line breaks), as bytes.
fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    let t: Vec<u8> = text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    crate::unhex(&t)
}

/// The length of a MEASUREMENTS response without its signature, from its length fields.
fn response_len(resp: &[u8]) -> Option<usize> {
    // header(4) NumberOfBlocks(1) MeasurementRecordLength(3) record nonce(32) OpaqueLength(2) opaque
    let record = usize::from(*resp.get(5)?) | usize::from(*resp.get(6)?) << 8 | usize::from(*resp.get(7)?) << 16;
    let after_record = 8 + record + 32;
    let opaque = usize::from(*resp.get(after_record)?) | usize::from(*resp.get(after_record + 1)?) << 8;
    Some(after_record + 2 + opaque)
}

/// The measurement record of a response whose length fields [`response_len`] accepted.
fn measurement_record(resp: &[u8]) -> &[u8] {
    let record = usize::from(resp[5]) | usize::from(resp[6]) << 8 | usize::from(resp[7]) << 16;
    &resp[8..8 + record]
}

/// Appraises a GPU report (hex text) with its PEM chain (leaf first) at `at`.
pub fn appraise(report_hex: &[u8], chain_pem: &[u8], at: i64) -> Appraisal {
    appraise_with_root(report_hex, chain_pem, at, DEVICE_IDENTITY_CA_SHA256)
}

/// Appraises under the root whose DER has SHA-256 `root_sha256` (an explicit pin, e.g. the
/// project's synthetic test root).
pub fn appraise_with_root(report_hex: &[u8], chain_pem: &[u8], at: i64, root_sha256: &str) -> Appraisal {
    let mut checks = Vec::new();
    let mut a = Appraisal::invalid();
    let Some(bytes) = unhex(report_hex) else {
        push(&mut checks, CheckName::Report, false, "the report is not hex text");
        a.checks = checks;
        return a;
    };
    let request_ok = bytes.len() > REQUEST_LEN && bytes[1] == 0xE0;
    if !push(
        &mut checks,
        CheckName::SpdmRequest,
        request_ok,
        "GET_MEASUREMENTS (0xE0) request of 37 bytes first",
    ) {
        a.checks = checks;
        return a;
    }
    let resp = &bytes[REQUEST_LEN..];
    let signed_len = match response_len(resp) {
        Some(n) if resp.get(1) == Some(&0x60) && REQUEST_LEN + n + SIGNATURE_LEN <= bytes.len() => REQUEST_LEN + n,
        _ => {
            push(
                &mut checks,
                CheckName::SpdmResponse,
                false,
                "not a MEASUREMENTS (0x60) response whose length fields fit the report",
            );
            a.checks = checks;
            return a;
        }
    };
    let trailing = bytes.len() - signed_len - SIGNATURE_LEN;
    push(
        &mut checks,
        CheckName::SpdmResponse,
        true,
        format!(
            "{} bytes signed; {trailing} trailing byte(s) after the signature, ignored",
            signed_len
        ),
    );
    a.report_data = Some(hex(&bytes[4..36]));
    a.measurement = Some(format!(
        "sha384:{}",
        hex(&<sha2::Sha384 as sha2::Digest>::digest(measurement_record(resp)))
    ));
    let certs = x509::parse_pem_bundle(chain_pem);
    let Some(leaf) = certs.first() else {
        push(&mut checks, CheckName::Chain, false, "no certificate in the chain file");
        a.checks = checks;
        return a;
    };
    // The signature: raw r || s over SHA-384 of request || response-without-signature.
    let sig = &bytes[signed_len..signed_len + SIGNATURE_LEN];
    let sig_ok = x509::p384_leaf_verifies(leaf, &bytes[..signed_len], sig);
    push(
        &mut checks,
        CheckName::Signature,
        sig_ok,
        "ECDSA P-384/SHA-384 over the request and the response without its signature",
    );
    // The chain, leaf first, to the pinned root.
    let root = certs.last().expect("non-empty");
    let root_digest = x509::sha256_hex(root);
    push(
        &mut checks,
        CheckName::RootPin,
        root_digest == root_sha256,
        format!("last certificate SHA-256 {root_digest}"),
    );
    let root_first: Vec<&x509_cert::Certificate> = certs.iter().rev().collect();
    x509::check_ecdsa_path(&root_first, at, &mut checks);
    a.verdict = if checks.iter().all(|c| c.passed) {
        Verdict::Valid
    } else {
        Verdict::Invalid
    };
    a.checks = checks;
    a
}

/// A capture's `attestation_report.hex` and `device_cert_chain.pem`, appraised under
/// NVIDIA's root or `pin`.
pub fn appraise_files(files: &crate::platforms::Files, at: i64, pin: Option<&str>) -> Appraisal {
    use crate::platforms::first;
    let (Some(report), Some(chain)) = (
        first(files, &["attestation_report.hex"]),
        first(files, &["device_cert_chain.pem"]),
    ) else {
        return Appraisal::not_implemented("a GPU capture without attestation_report.hex and device_cert_chain.pem");
    };
    match pin {
        Some(root) => appraise_with_root(report, chain, at, root),
        None => appraise(report, chain, at),
    }
}
