//! NVIDIA Hopper and Blackwell GPU evidence: an SPDM 1.1 GET_MEASUREMENTS request and
//! MEASUREMENTS response (hex text), signed with ECDSA P-384 by the GPU's attestation key,
//! whose certificate chains to the pinned NVIDIA Device Identity CA.
//!
//! Owns: parsing by the SPDM length fields (trailing bytes after the signature are reported,
//! not read as part of it), the signature over request ‖ response-without-signature, the
//! chain (leaf first) and its validity at the pinned time, the requester nonce (where a
//! key binding goes), and the GPU generation the chain names (a Hopper report is no evidence
//! of a Blackwell GPU). Does not own OCSP, CRLs or RIM comparison (vendor collateral the
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

/// The GPU generations the TRACE platform enum tells apart (`nvidia-h100`, `nvidia-blackwell`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generation {
    Hopper,
    Blackwell,
}

impl Generation {
    /// NVIDIA's chip names begin with G and the architecture's letter: GH100 for Hopper,
    /// GB100 and GB202 for Blackwell.
    fn letter(self) -> char {
        match self {
            Generation::Hopper => 'H',
            Generation::Blackwell => 'B',
        }
    }
}

/// The chip names (`G` + an upper-case letter + three digits, as `GH100` or `GB202`) that
/// the subjects of a chain's certificates carry, each once: NVIDIA's device certificates
/// name the chip in their common names ("GH100 A01 GSP FMC LF", "NVIDIA GB100 Identity").
pub fn chips_named(certs: &[x509_cert::Certificate]) -> Vec<String> {
    let mut chips: Vec<String> = Vec::new();
    for cert in certs {
        let subject = cert.tbs_certificate.subject.to_string();
        for word in subject.split(|c: char| !c.is_ascii_alphanumeric()) {
            let b = word.as_bytes();
            let chip =
                b.len() == 5 && b[0] == b'G' && b[1].is_ascii_uppercase() && b[2..].iter().all(u8::is_ascii_digit);
            if chip && !chips.iter().any(|c| c == word) {
                chips.push(word.to_string());
            }
        }
    }
    chips
}

/// Whether the chain is evidence of a GPU of `generation`: every chip it names is of that
/// generation. A chain that names none passes only when its last certificate is not NVIDIA's
/// Device Identity CA (the suite's synthetic test root issues such chains); ending at NVIDIA's
/// root it fails, since NVIDIA's device certificates always name the chip. Which root the
/// chain ends at is read from the chain itself, whatever pin was asked for.
fn generation_check(chain_pem: &[u8], generation: Generation) -> (bool, String) {
    let certs = x509::parse_pem_bundle(chain_pem);
    let nvidia_root = certs
        .last()
        .is_some_and(|root| x509::sha256_hex(root) == DEVICE_IDENTITY_CA_SHA256);
    let chips = chips_named(&certs);
    let wanted = generation.letter();
    if chips.is_empty() {
        let note = if nvidia_root {
            "the chain ends at NVIDIA's root yet names no GPU chip, which NVIDIA's device certificates always do"
        } else {
            "the chain names no GPU chip (a root other than NVIDIA's)"
        };
        return (!nvidia_root, format!("{generation:?} expected; {note}"));
    }
    let ok = chips.iter().all(|c| c.chars().nth(1) == Some(wanted));
    (
        ok,
        format!(
            "{generation:?} expected (G{wanted}…); the chain names {}",
            chips.join(", ")
        ),
    )
}

/// A capture's `attestation_report.hex` and `device_cert_chain.pem`, appraised under
/// NVIDIA's root or `pin`, as evidence of a GPU of `generation`.
pub fn appraise_generation(
    files: &crate::platforms::Files,
    at: i64,
    pin: Option<&str>,
    generation: Generation,
) -> Appraisal {
    use crate::platforms::first;
    let (Some(report), Some(chain)) = (
        first(files, &["attestation_report.hex"]),
        first(files, &["device_cert_chain.pem"]),
    ) else {
        return Appraisal::not_implemented("a GPU capture without attestation_report.hex and device_cert_chain.pem");
    };
    let root = pin.unwrap_or(DEVICE_IDENTITY_CA_SHA256);
    let mut a = appraise_with_root(report, chain, at, root);
    let (ok, detail) = generation_check(chain, generation);
    push(&mut a.checks, CheckName::GpuGeneration, ok, detail);
    if !ok {
        a.verdict = Verdict::Invalid;
    }
    a
}

/// [`appraise_generation`] for a Hopper GPU (`nvidia-h100`).
pub fn appraise_hopper_files(files: &crate::platforms::Files, at: i64, pin: Option<&str>) -> Appraisal {
    appraise_generation(files, at, pin, Generation::Hopper)
}

/// [`appraise_generation`] for a Blackwell GPU (`nvidia-blackwell`).
pub fn appraise_blackwell_files(files: &crate::platforms::Files, at: i64, pin: Option<&str>) -> Appraisal {
    appraise_generation(files, at, pin, Generation::Blackwell)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture_file(path: &str) -> Vec<u8> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
        std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn a_chain_is_of_the_generation_every_chip_it_names_is_of() {
        let hopper = capture_file("captures/nvidia-gpu/nvtrust-h100-550.90.07/device_cert_chain.pem");
        let blackwell = capture_file("captures/nvidia-gpu/attestation-sdk-gb100-575.32/device_cert_chain.pem");
        let synthetic = capture_file("synthetic/nvidia-h100/device_cert_chain.pem");
        assert_eq!(chips_named(&x509::parse_pem_bundle(&hopper)), ["GH100"]);
        assert_eq!(chips_named(&x509::parse_pem_bundle(&blackwell)), ["GB100"]);
        assert!(generation_check(&hopper, Generation::Hopper).0);
        assert!(!generation_check(&hopper, Generation::Blackwell).0);
        assert!(generation_check(&blackwell, Generation::Blackwell).0);
        assert!(!generation_check(&blackwell, Generation::Hopper).0);
        // Both generations named (a Blackwell leaf put before a Hopper chain): neither.
        let mixed = [&blackwell[..], &hopper[..]].concat();
        assert!(!generation_check(&mixed, Generation::Hopper).0);
        assert!(!generation_check(&mixed, Generation::Blackwell).0);
        // The synthetic chain names no chip: fine under its own root, refused once it ends at
        // NVIDIA's (the Hopper chain's root appended).
        assert!(chips_named(&x509::parse_pem_bundle(&synthetic)).is_empty());
        assert!(generation_check(&synthetic, Generation::Blackwell).0);
        let root_at = hopper
            .windows(27)
            .rposition(|w| w == b"-----BEGIN CERTIFICATE-----")
            .unwrap();
        let ending_at_nvidia = [&synthetic[..], &hopper[root_at..]].concat();
        let (ok, detail) = generation_check(&ending_at_nvidia, Generation::Hopper);
        assert!(!ok && detail.contains("names no GPU chip"), "{detail}");
    }
}
