//! `trace-hardware`: offline replay of captured TEE evidence at a pinned time, for TRACE
//! Level 1 (the record's key made inside a verified TEE).
//!
//! Bytes and a verification time in, an [`Appraisal`] out; no network, no clock. [`manifest`]
//! reads capture manifests (`trace-hwcapture/1`, the format of the real captures vendored
//! in `fixtures/captures/`) and checks their file digests; [`snp`] verifies AMD SEV-SNP reports with their VCEK/VLEK chains,
//! with [`amd_crl`] the ARK's CRL a capture carries, [`nitro`] AWS Nitro attestation documents,
//! [`nvidia`] Hopper and Blackwell SPDM reports, [`tpm`] TPM 2.0 quotes, [`dcap`] Intel TDX
//! and SGX quotes with collateral ([`pcs`] reads raw PCS responses as collateral), [`azure`]
//! Azure CVMs (SNP + vTPM), [`token`] Confidential Space and MAA tokens, [`cca`] Arm CCA tokens;
//! [`platforms`] is the table of capture platforms (names, TRACE platform, pin, appraisal);
//! [`replay`] runs a capture (and its variants) and compares with the expected verdicts.
//! [`check`] names every check an appraisal makes and gives each the error class its failure
//! carries, exhaustively.
//! Platforms without a verifier yet answer [`Verdict::NotImplemented`], never a guess.
#![forbid(unsafe_code)]

pub mod amd_crl;
pub mod azure;
pub mod cca;
pub mod check;
pub mod dcap;
pub mod input;
pub mod manifest;
pub mod nitro;
pub mod nvidia;
pub mod pcs;
mod pem;
pub mod platforms;
pub mod replay;
pub mod snp;
pub mod token;
pub mod tpm;
mod x509;

pub use check::CheckName;
pub use x509::sha256_hex;

/// What replaying one piece of evidence concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Signature and chain verify to a pinned vendor root at the verification time.
    Valid,
    /// Something that was checked failed: a signature, a chain link, a validity window, a
    /// binding between the certificate and the report.
    Invalid,
    /// Authentic as far as it can be checked offline, but not chainable to a pinned root with
    /// what the capture includes.
    Unverifiable,
    /// This suite version has no verifier for the platform or format.
    NotImplemented,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::Unverifiable => "unverifiable",
            Verdict::NotImplemented => "not_implemented",
        }
    }
    pub fn parse(name: &str) -> Option<Verdict> {
        [
            Verdict::Valid,
            Verdict::Invalid,
            Verdict::Unverifiable,
            Verdict::NotImplemented,
        ]
        .into_iter()
        .find(|v| v.name() == name)
    }
}

/// One named check and what it found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub name: CheckName,
    pub passed: bool,
    pub detail: String,
}

/// The facts and checks of one appraisal.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Appraisal {
    pub verdict: Verdict,
    /// The TRACE `runtime.measurement` this evidence stands for, when it has one.
    pub measurement: Option<String>,
    /// The 64 bytes the guest bound into the evidence (hex), where the key binding goes.
    pub report_data: Option<String>,
    /// Debug enabled by the guest policy: authentic evidence that Level 1 must refuse.
    pub debug: Option<bool>,
    pub checks: Vec<Check>,
}

impl Appraisal {
    /// An invalid appraisal with no facts and no checks yet: verifiers start from it.
    pub fn invalid() -> Appraisal {
        Appraisal {
            verdict: Verdict::Invalid,
            measurement: None,
            report_data: None,
            debug: None,
            checks: Vec::new(),
        }
    }

    pub fn not_implemented(what: &str) -> Appraisal {
        Appraisal {
            verdict: Verdict::NotImplemented,
            measurement: None,
            report_data: None,
            debug: None,
            checks: vec![Check {
                name: CheckName::Platform,
                passed: false,
                detail: format!("no verifier for {what} in this suite version"),
            }],
        }
    }
}

/// Hex text to bytes: ASCII hex digits only (either case), an even count, surrounding ASCII
/// whitespace ignored; anything else (a sign, a multi-byte character) is `None`.
pub fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    let t = text.trim_ascii();
    if !t.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    t.chunks_exact(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

/// Records a check; returns whether it passed.
pub(crate) fn push(checks: &mut Vec<Check>, name: CheckName, passed: bool, detail: impl Into<String>) -> bool {
    checks.push(Check {
        name,
        passed,
        detail: detail.into(),
    });
    passed
}

/// Lowercase hex, as reports and the captures' text files (`nonce.hex`) hold bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn unhex_takes_hex_digits_only() {
        assert_eq!(super::unhex(b" 0aFf\n"), Some(vec![0x0a, 0xff]));
        for bad in [&b"+a"[..], b"0", b"a\xc3\xa9b", "a\u{e9}".as_bytes(), b"0x", b"-1"] {
            assert_eq!(super::unhex(bad), None, "{bad:?}");
        }
    }
}
