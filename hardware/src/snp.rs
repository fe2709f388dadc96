//! AMD SEV-SNP: the 1184-byte ATTESTATION_REPORT, its VCEK or VLEK, and the chain to a
//! pinned AMD root, at a pinned time.
//!
//! Owns: the report fields TRACE uses (offsets from the SNP ABI: policy 0x08, VMPL 0x30,
//! key_info 0x48, report_data 0x50, measurement 0x90, reported_tcb 0x180, chip_id 0x1A0,
//! signature 0x2A0) and the checks the `sev` crate leaves to its caller: the report
//! signature over the original bytes (not a re-encoding), certificate validity at the pinned
//! time, VCEK hwID and TCB extensions against the report, and key_info against VCEK/VLEK.
//! `sev` (crypto_nossl) parses the report and checks the RSA-PSS chain ARK → ASK/ASVK → VEK.
//! Roots: the ARKs built into `sev` (Milan, Genoa, Turin); a capture may supply an ASK/ASVK
//! bundle, trusted only when its ARK is byte-identical to a built-in one. With the ARK's CRL
//! (`ark_crl.pem` or `ark_crl.der`), the chain's ASK must not be revoked (amd_crl).

use crate::CheckName;
use crate::{Appraisal, Check, Verdict, hex, x509};
use sev::certs::snp::{Certificate, Chain, Verifiable, builtin, ca};

pub const REPORT_LEN: usize = 0x4A0;
/// The names a capture gives the ARK's CRL.
pub const ARK_CRL_FILES: [&str; 2] = ["ark_crl.pem", "ark_crl.der"];
const SIGNED_LEN: usize = 0x2A0;
/// VCEK extension OIDs (AMD VCEK certificate spec): SPLs and the hardware id.
pub mod oid {
    pub const BL_SPL: &str = "1.3.6.1.4.1.3704.1.3.1";
    pub const TEE_SPL: &str = "1.3.6.1.4.1.3704.1.3.2";
    pub const SNP_SPL: &str = "1.3.6.1.4.1.3704.1.3.3";
    pub const UCODE_SPL: &str = "1.3.6.1.4.1.3704.1.3.8";
    pub const HWID: &str = "1.3.6.1.4.1.3704.1.4";
    pub const CSP_ID: &str = "1.3.6.1.4.1.3704.1.5";
}
use oid::{
    BL_SPL as OID_BL_SPL, CSP_ID as OID_CSP_ID, HWID as OID_HWID, SNP_SPL as OID_SNP_SPL, TEE_SPL as OID_TEE_SPL,
    UCODE_SPL as OID_UCODE_SPL,
};

/// The evidence files of one SNP capture.
pub struct SnpEvidence<'a> {
    pub report: &'a [u8],
    /// The VCEK or VLEK certificate (DER or PEM).
    pub vek: &'a [u8],
    /// Optional PEM bundle of ASK or ASVK and ARK.
    pub ca_bundle: Option<&'a [u8]>,
    /// Optional CRL of the ARK (DER or PEM): when given, it must be the chain's ARK's, current
    /// at the pinned time, and not list the chain's ASK or ASVK.
    pub ark_crl: Option<&'a [u8]>,
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

struct Checks(Vec<Check>);
impl Checks {
    fn add(&mut self, name: CheckName, passed: bool, detail: impl Into<String>) -> bool {
        self.0.push(Check {
            name,
            passed,
            detail: detail.into(),
        });
        passed
    }
}

/// The built-in AMD chains: (generation, ARK, ASK).
fn builtin_chains() -> Vec<(&'static str, Certificate, Certificate)> {
    let mut out = Vec::new();
    if let (Ok(ark), Ok(ask)) = (builtin::milan::ark(), builtin::milan::ask()) {
        out.push(("Milan", ark, ask));
    }
    if let (Ok(ark), Ok(ask)) = (builtin::genoa::ark(), builtin::genoa::ask()) {
        out.push(("Genoa", ark, ask));
    }
    if let (Ok(ark), Ok(ask)) = (builtin::turin::ark(), builtin::turin::ask()) {
        out.push(("Turin", ark, ask));
    }
    out
}

fn to_x509(c: &Certificate) -> x509_cert::Certificate {
    x509_cert::Certificate::from(c.clone())
}

/// Candidate CA chains: the built-in ones, plus a supplied bundle whose ARK is built in.
fn ca_candidates(bundle: Option<&[u8]>) -> Vec<(&'static str, Certificate, Certificate)> {
    let builtins = builtin_chains();
    let mut out = Vec::new();
    if let Some(bundle) = bundle {
        let certs = x509::parse_pem_bundle(bundle);
        for (family, ark, _) in &builtins {
            let ark_der = x509::der(&to_x509(ark));
            if certs.iter().any(|c| x509::der(c) == ark_der) {
                for c in certs.iter().filter(|c| x509::der(c) != ark_der) {
                    out.push((*family, ark.clone(), Certificate::from(c.clone())));
                }
            }
        }
    }
    out.extend(builtins);
    out
}

/// Chains from a supplied bundle whose self-signed ARK has the pinned SHA-256 (the project's
/// synthetic test ARK, for vectors and fixtures); AMD's built-in roots are not used then.
fn pinned_candidates(bundle: Option<&[u8]>, root_sha256: &str) -> Vec<(&'static str, Certificate, Certificate)> {
    let certs = bundle.map(x509::parse_pem_bundle).unwrap_or_default();
    let mut out = Vec::new();
    for ark in certs
        .iter()
        .filter(|c| x509::sha256_hex(c).eq_ignore_ascii_case(root_sha256))
    {
        for ask in certs.iter().filter(|c| x509::der(c) != x509::der(ark)) {
            out.push(("pinned", Certificate::from(ark.clone()), Certificate::from(ask.clone())));
        }
    }
    out
}

/// Appraises SEV-SNP evidence at `at` (Unix seconds) against AMD's built-in ARKs.
pub fn appraise(e: &SnpEvidence, at: i64) -> Appraisal {
    appraise_against(e, at, ca_candidates(e.ca_bundle))
}

/// Appraises SEV-SNP evidence whose ARK is pinned by the SHA-256 of its DER, and is in the
/// evidence's CA bundle.
pub fn appraise_with_root(e: &SnpEvidence, at: i64, root_sha256: &str) -> Appraisal {
    appraise_against(e, at, pinned_candidates(e.ca_bundle, root_sha256))
}

fn appraise_against(e: &SnpEvidence, at: i64, candidates: Vec<(&'static str, Certificate, Certificate)>) -> Appraisal {
    let mut c = Checks(Vec::new());
    let mut a = Appraisal::invalid();
    let r = e.report;
    if !c.add(
        CheckName::ReportLength,
        r.len() == REPORT_LEN,
        format!("{} bytes; an ATTESTATION_REPORT is {REPORT_LEN}", r.len()),
    ) {
        a.checks = c.0;
        return a;
    }
    use sev::parser::ByteParser;
    let parsed = sev::firmware::guest::AttestationReport::from_bytes(r);
    if !c.add(
        CheckName::ReportStructure,
        parsed.is_ok(),
        parsed
            .as_ref()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| format!("version {}", u32_at(r, 0))),
    ) {
        a.checks = c.0;
        return a;
    }
    let policy = u64_at(r, 0x08);
    let signing_key = (u32_at(r, 0x48) >> 2) & 0x7;
    let tcb = u64_at(r, 0x180).to_le_bytes();
    let chip_id = &r[0x1A0..0x1E0];
    a.debug = Some(policy & (1 << 19) != 0);
    a.measurement = Some(format!("sha384:{}", hex(&r[0x90..0xC0])));
    a.report_data = Some(hex(&r[0x50..0x90]));
    c.add(CheckName::Vmpl, true, format!("VMPL {}", u32_at(r, 0x30)));

    let Some(vek_x509) = x509::parse(e.vek) else {
        c.add(
            CheckName::VekCertificate,
            false,
            "the VCEK/VLEK is not an X.509 certificate",
        );
        a.checks = c.0;
        return a;
    };
    let vek = Certificate::from(vek_x509.clone());
    let is_vlek = x509::extension(&vek_x509, OID_CSP_ID).is_some();
    c.add(
        CheckName::KeyInfo,
        (signing_key == 0 && !is_vlek) || (signing_key == 1 && is_vlek),
        format!(
            "key_info names {}; the certificate is a {}",
            ["VCEK", "VLEK"].get(signing_key as usize).unwrap_or(&"an unknown key"),
            if is_vlek { "VLEK" } else { "VCEK" }
        ),
    );

    // The chain to a pinned ARK.
    let mut generation = None;
    let mut chain_certs = Vec::new();
    for (family, ark, ask) in candidates {
        let chain = Chain {
            ca: ca::Chain {
                ark: ark.clone(),
                ask: ask.clone(),
            },
            vek: vek.clone(),
        };
        if (&chain).verify().is_ok() {
            generation = Some(family);
            chain_certs = vec![
                ("ARK", to_x509(&ark)),
                (if is_vlek { "ASVK" } else { "ASK" }, to_x509(&ask)),
            ];
            break;
        }
    }
    let chained = c.add(
        CheckName::Chain,
        generation.is_some(),
        match generation {
            Some("pinned") => format!(
                "the pinned ARK signs the {} that signs the {}",
                if is_vlek { "ASVK" } else { "ASK" },
                if is_vlek { "VLEK" } else { "VCEK" }
            ),
            Some(g) => format!(
                "ARK-{g} (built in) signs the {} that signs the {}",
                if is_vlek { "ASVK" } else { "ASK" },
                if is_vlek { "VLEK" } else { "VCEK" }
            ),
            None if is_vlek && e.ca_bundle.is_none() => {
                "a VLEK needs the ASVK, which no built-in chain has and the capture does not supply".into()
            }
            None => "no pinned AMD chain signs this certificate".into(),
        },
    );

    // Revocation, when the capture carries the ARK's CRL: checked against the chain that
    // verified (without one there is no ARK to hold the CRL to).
    if let Some(crl) = e.ark_crl {
        let (ok, detail) = match (&chain_certs[..], chained) {
            ([(_, ark), (_, ask)], true) => crate::amd_crl::check(crl, ark, ask, at),
            _ => (false, "no verified chain to check the ARK's CRL against".to_string()),
        };
        c.add(CheckName::Revocation, ok, detail);
    }

    // The report signature, over the original bytes.
    let sig_ok = report_signature(r, vek.public_key_sec1());
    c.add(
        CheckName::ReportSignature,
        sig_ok,
        "ECDSA P-384/SHA-384 over bytes 0x000..0x29F with the VEK key",
    );

    // Validity at the pinned time, for every certificate on the path.
    chain_certs.push((if is_vlek { "VLEK" } else { "VCEK" }, vek_x509.clone()));
    let mut valid_now = true;
    for (name, cert) in &chain_certs {
        let (from, until) = x509::validity(cert);
        valid_now &= from <= at && at <= until;
        if !(from <= at && at <= until) {
            c.add(
                CheckName::Validity,
                false,
                format!("{name} is valid from {from} to {until}, not at {at}"),
            );
        }
    }
    if valid_now {
        c.add(
            CheckName::Validity,
            true,
            format!("every certificate on the path is valid at {at}"),
        );
    }

    // A VCEK names its chip and TCB; the report must be from that chip at that TCB.
    if !is_vlek {
        let hwid = x509::extension(&vek_x509, OID_HWID).map(|v| x509::octets(&v));
        let masked = chip_id.iter().all(|b| *b == 0);
        c.add(
            CheckName::VcekHwid,
            masked || hwid.as_deref() == Some(chip_id),
            if masked {
                "chip_id is masked".to_string()
            } else {
                format!(
                    "VCEK hwID {} vs report chip_id",
                    hwid.map(|h| hex(&h)).unwrap_or_else(|| "absent".into())
                )
            },
        );
        // Milan/Genoa TCB layout: bootloader, tee, 4 reserved, snp, microcode.
        // Turin: fmc, bootloader, tee, snp, 3 reserved, microcode.
        let turin = generation == Some("Turin");
        let spls: [(&str, &str, u8); 4] = if turin {
            [
                ("bootloader", OID_BL_SPL, tcb[1]),
                ("tee", OID_TEE_SPL, tcb[2]),
                ("snp", OID_SNP_SPL, tcb[3]),
                ("microcode", OID_UCODE_SPL, tcb[7]),
            ]
        } else {
            [
                ("bootloader", OID_BL_SPL, tcb[0]),
                ("tee", OID_TEE_SPL, tcb[1]),
                ("snp", OID_SNP_SPL, tcb[6]),
                ("microcode", OID_UCODE_SPL, tcb[7]),
            ]
        };
        let mismatched: Vec<String> = spls
            .iter()
            .filter_map(|(name, oid, reported)| {
                let cert = x509::extension(&vek_x509, oid).and_then(|v| x509::der_uint(&v));
                (cert != Some(u64::from(*reported))).then(|| format!("{name}: VCEK {cert:?}, report {reported}"))
            })
            .collect();
        c.add(
            CheckName::VcekTcb,
            mismatched.is_empty(),
            if mismatched.is_empty() {
                "the VCEK's SPLs equal reported_tcb".to_string()
            } else {
                mismatched.join("; ")
            },
        );
    }

    let failed = c.0.iter().any(|k| !k.passed);
    a.verdict = match (failed, chained) {
        (false, _) => Verdict::Valid,
        (true, false) if is_vlek && e.ca_bundle.is_none() && sig_ok => Verdict::Unverifiable,
        (true, _) => Verdict::Invalid,
    };
    a.checks = c.0;
    a
}

/// ECDSA P-384 over the first 0x2A0 bytes; r and s are 72-byte little-endian fields.
fn report_signature(r: &[u8], sec1: &[u8]) -> bool {
    let scalar = |at: usize| -> Option<[u8; 48]> {
        let mut be: Vec<u8> = r[at..at + 72].iter().rev().copied().collect();
        if be[..24].iter().any(|b| *b != 0) {
            return None;
        }
        be.drain(..24);
        be.try_into().ok()
    };
    let (Some(rs), Some(ss)) = (scalar(SIGNED_LEN), scalar(SIGNED_LEN + 72)) else {
        return false;
    };
    let Ok(sig) = p384::ecdsa::Signature::from_scalars(rs, ss) else {
        return false;
    };
    let Ok(key) = p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1) else {
        return false;
    };
    use p384::ecdsa::signature::Verifier;
    key.verify(&r[..SIGNED_LEN], &sig).is_ok()
}

/// A capture's report (`report.bin` or `attestation.bin`), VCEK or VLEK (`vcek.der`,
/// `vlek.der`), optional CA bundle (any `.pem` but the CRL) and optional ARK CRL
/// (`ark_crl.pem` or `ark_crl.der`), appraised under AMD's roots or `pin`.
pub fn appraise_files(files: &crate::platforms::Files, at: i64, pin: Option<&str>) -> Appraisal {
    use crate::platforms::first;
    let (Some(report), Some(vek)) = (
        first(files, &["report.bin", "attestation.bin"]),
        first(files, &["vcek.der", "vlek.der"]),
    ) else {
        return Appraisal::not_implemented(
            "an SEV-SNP capture without report.bin/attestation.bin and vcek.der/vlek.der",
        );
    };
    let ca_bundle = files
        .iter()
        .find(|(n, _)| n.ends_with(".pem") && !n.starts_with("ark_crl"))
        .map(|(_, b)| b.as_slice());
    let ark_crl = first(files, &ARK_CRL_FILES);
    let e = SnpEvidence {
        report,
        vek,
        ca_bundle,
        ark_crl,
    };
    match pin {
        Some(root) => appraise_with_root(&e, at, root),
        None => appraise(&e, at),
    }
}
