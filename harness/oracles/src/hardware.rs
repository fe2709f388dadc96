//! Oracles of the hardware evidence parsers: any bytes are appraised without a panic;
//! evidence missing a part (no collateral, no key, no chain) is never valid; and evidence
//! that does appraise as valid stops being valid when one signed byte changes.

use trace_hardware::{Verdict, cca, dcap, nitro, nvidia, snp, tpm};

/// The verification time used for arbitrary evidence (2025-06-01).
const AT: i64 = 1_748_736_000;

fn never_valid(v: Verdict, what: &str) {
    assert_ne!(v, Verdict::Valid, "{what}: arbitrary bytes appraised as valid evidence");
}

/// An SEV-SNP report (the first 1184 bytes) and a VCEK (the rest). A valid one stops
/// being valid when its measurement (offset 0x90, inside the signed part) changes.
pub fn snp_report(data: &[u8]) {
    let (report, vek) = data.split_at(data.len().min(1184));
    let a = snp::appraise(
        &snp::SnpEvidence {
            report,
            vek,
            ca_bundle: None,
            ark_crl: None,
        },
        AT,
    );
    if a.verdict == Verdict::Valid {
        let mut changed = report.to_vec();
        changed[0x90] ^= 1;
        let b = snp::appraise(
            &snp::SnpEvidence {
                report: &changed,
                vek,
                ca_bundle: None,
                ark_crl: None,
            },
            AT,
        );
        never_valid(b.verdict, "SEV-SNP with a changed measurement");
    }
}

/// A TDX or SGX quote without collateral, and the same bytes as collateral JSON and as the
/// raw PCS responses of a capture (every body and chain the same bytes).
pub fn tdx_quote(data: &[u8]) {
    never_valid(dcap::appraise(data, b"{}", AT).verdict, "DCAP quote");
    never_valid(dcap::appraise(b"", data, AT).verdict, "DCAP collateral");
    let raw: trace_hardware::platforms::Files = trace_hardware::pcs::FILES
        .iter()
        .map(|(name, _)| (name.to_string(), data.to_vec()))
        .chain([("quote.bin".to_string(), data.to_vec())])
        .collect();
    never_valid(dcap::appraise_files(&raw, AT, None).verdict, "raw PCS collateral");
    // The scanner of raw PCS bodies returns a part of what it was given, or nothing.
    if let Ok(text) = std::str::from_utf8(data) {
        for member in ["tcbInfo", "enclaveIdentity", "signature"] {
            if let Some(found) = trace_hardware::pcs::raw_member(text, member) {
                assert!(text.contains(found), "{member}: not a part of the body");
            }
        }
    }
}

/// An AWS Nitro attestation document (COSE_Sign1 over CBOR, raw or base64). A valid one
/// stops being valid when the last byte of its signature changes.
pub fn nitro_document(data: &[u8]) {
    let raw = nitro::decode(data);
    if nitro::appraise(data, AT).verdict == Verdict::Valid && !raw.is_empty() {
        let mut changed = raw.clone();
        *changed.last_mut().expect("not empty") ^= 1;
        never_valid(
            nitro::appraise(&changed, AT).verdict,
            "Nitro document with a changed signature",
        );
    }
}

/// An NVIDIA SPDM report (hex text) with the same bytes as its PEM chain.
pub fn nvidia_report(data: &[u8]) {
    never_valid(nvidia::appraise(data, b"", AT).verdict, "NVIDIA report");
    never_valid(nvidia::appraise(b"00", data, AT).verdict, "NVIDIA chain");
}

/// A TPM 2.0 quote (TPMS_ATTEST), its signature and AK taken from the same bytes.
pub fn tpm_quote(data: &[u8]) {
    let _ = tpm::parse_quote(data);
    let (quote, sig) = data.split_at(data.len() / 2);
    let _ = tpm::raw_signature(sig);
    never_valid(tpm::appraise(quote, sig, b"", None, None).verdict, "TPM quote");
}

/// An Arm CCA token collection appraised with the synthetic IAK pinned, so that a genuine
/// synthetic token is valid: a valid one stops being valid when its last byte (inside the
/// realm token's signature) changes; the same bytes as their own IAK are never valid.
pub fn cca_token(data: &[u8]) {
    let (iak, pin) = (trace_synthetic::cca::iak_spki_der(), trace_synthetic::cca::iak_sha256());
    if cca::appraise(data, &iak, &pin).verdict == Verdict::Valid {
        let mut changed = data.to_vec();
        *changed.last_mut().expect("a valid token is not empty") ^= 1;
        never_valid(
            cca::appraise(&changed, &iak, &pin).verdict,
            "CCA token with a changed realm signature",
        );
    }
    never_valid(cca::appraise(data, data, &pin).verdict, "CCA token as its own IAK");
}
