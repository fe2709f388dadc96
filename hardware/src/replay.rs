//! Replaying a capture: its files (digest-checked), its evidence appraised at the pinned
//! time, and the result compared with the manifest's expected verdict, for the capture and
//! each of its variants.
//!
//! Owns: finding the evidence files of a capture by platform and [`replay`]. Does not own
//! the platform checks (`snp`, ...).

use crate::CheckName;
use crate::manifest;
use crate::{Appraisal, Verdict, snp};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use trace_untrusted::{Folder, limits};

/// One replayed case: the capture itself, or one of its variants.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Case {
    pub capture: String,
    /// `None` for the capture as stored; the variant's name otherwise.
    pub variant: Option<String>,
    pub platform: String,
    pub at: i64,
    pub expected: Verdict,
    pub appraisal: Appraisal,
}

impl Case {
    pub fn as_expected(&self) -> bool {
        self.appraisal.verdict == self.expected
    }
}

/// The result of replaying one capture directory.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Replay {
    pub dir: PathBuf,
    /// Problems with the capture's files; any makes every case fail.
    pub file_problems: Vec<String>,
    pub cases: Vec<Case>,
}

/// Capture directories under `root` (itself, or any directory below holding a
/// `trace-hwcapture/1` manifest), sorted. The walk is confined to `root` and bounded
/// (`trace_untrusted::walk`); a walk that exceeds its limits is an error.
pub fn find_captures(root: &Path) -> Result<Vec<PathBuf>, String> {
    use trace_untrusted::walk::{Entry, Walk, walk};
    let mut out = Vec::new();
    walk(root, &Walk::confined(), &mut |e| match e {
        Entry::Dir(d) => {
            let is_capture = Folder::open(d)
                .and_then(|f| f.read_text("MANIFEST.toml", limits::MANIFEST_BYTES))
                .is_ok_and(|t| t.contains(manifest::SCHEMA));
            if is_capture {
                out.push(d.to_path_buf());
            }
            !is_capture
        }
        Entry::File(_) => true,
    })?;
    out.sort();
    Ok(out)
}

fn first<'a>(files: &'a BTreeMap<String, Vec<u8>>, names: &[&str]) -> Option<&'a [u8]> {
    names.iter().find_map(|n| files.get(*n)).map(Vec::as_slice)
}

/// Appraises with an explicit root pin for the formats that take one (Nitro, NVIDIA GPUs,
/// SEV-SNP and TPM AK CAs, DCAP roots (`root_ca.der` in the capture): the SHA-256 of the
/// root's DER, e.g. the project's synthetic test roots; Arm CCA: the SHA-256 of the IAK's
/// SubjectPublicKeyInfo DER; Confidential Space tokens: the RFC 7638 thumbprint of the signing
/// key); others use their vendor roots.
pub fn appraise_pinned(
    platform: &str,
    files: &BTreeMap<String, Vec<u8>>,
    at: i64,
    root_sha256: Option<&str>,
) -> Appraisal {
    match (platform, root_sha256) {
        ("aws-nitro", Some(root)) => match first(
            files,
            &["attestation.cose", "attestation_doc.cbor", "attestation_doc.b64"],
        ) {
            Some(doc) => crate::nitro::appraise_with_root(doc, at, root),
            None => Appraisal::not_implemented("a Nitro capture without attestation.cose/attestation_doc.*"),
        },
        ("nvidia-h100" | "nvidia-blackwell", Some(root)) => match (
            first(files, &["attestation_report.hex"]),
            first(files, &["device_cert_chain.pem"]),
        ) {
            (Some(report), Some(chain)) => crate::nvidia::appraise_with_root(report, chain, at, root),
            _ => Appraisal::not_implemented("a GPU capture without attestation_report.hex and device_cert_chain.pem"),
        },
        ("tpm2", Some(root)) => match (
            first(files, &["quote.msg"]),
            first(files, &["quote.sig"]),
            first(files, &["ak.pub", "ak_pub.pem"]),
            first(files, &["akcert.der", "akcert.pem"]),
            first(files, &["ak_ca.der", "ak_ca.pem"]),
        ) {
            (Some(q), Some(s), Some(ak), Some(ak_cert), Some(ca_cert)) => {
                let chain = crate::tpm::PinnedAk {
                    ak_cert,
                    ca_cert,
                    root_sha256: root,
                };
                crate::tpm::appraise_with_root(q, s, ak, first(files, &["nonce.hex"]), &chain, at)
            }
            _ => Appraisal::not_implemented(
                "a pinned TPM capture without quote.msg, quote.sig, ak.pub, akcert.der and ak_ca.der",
            ),
        },
        ("azure-cvm-sev-snp", Some(root)) => azure_cmcp_layout(files, at, Some(root)),
        ("gcp-confidential-space" | "google-confidential-space" | "azure-maa", Some(pin)) => match token_files(files) {
            Some((token, jwks)) => crate::token::appraise_pinned(token, jwks, at, pin),
            None => Appraisal::not_implemented("a token capture without token.jwt and a *jwks.json snapshot"),
        },
        ("arm-cca", Some(pin)) => match (first(files, &["token.cbor"]), first(files, &["iak.der", "iak.pem"])) {
            (Some(token), Some(iak)) => crate::cca::appraise(token, iak, pin),
            _ => Appraisal::not_implemented("a CCA capture without token.cbor and iak.der/iak.pem"),
        },
        ("intel-tdx" | "intel-sgx", Some(root)) => match (
            first(files, &["quote.bin"]),
            first(files, &["collateral.json"]),
            first(files, &["root_ca.der"]),
        ) {
            (Some(q), Some(c), Some(root_der)) => {
                let digest = crate::hex(&<sha2::Sha256 as sha2::Digest>::digest(root_der));
                if digest.eq_ignore_ascii_case(root) {
                    crate::dcap::appraise_with_root(q, c, at, root_der)
                } else {
                    let mut a = Appraisal::invalid();
                    crate::push(
                        &mut a.checks,
                        CheckName::RootPin,
                        false,
                        format!("root_ca.der has SHA-256 {digest}, not the pinned root"),
                    );
                    a
                }
            }
            _ => Appraisal::not_implemented("a pinned DCAP capture without quote.bin, collateral.json and root_ca.der"),
        },
        ("amd-sev-snp", Some(root)) => match snp_evidence(files) {
            Ok(e) => snp::appraise_with_root(&e, at, root),
            Err(missing) => missing,
        },
        (_, None) => appraise(platform, files, at),
        // A pin is never dropped: a platform without a pinned form refuses it.
        (other, Some(_)) => {
            let mut a = Appraisal::invalid();
            crate::push(
                &mut a.checks,
                CheckName::RootPin,
                false,
                format!("{other} evidence cannot be appraised under a pinned root in this suite version"),
            );
            a
        }
    }
}

/// A token capture's `token.jwt` and its `*jwks.json` key snapshot.
fn token_files(files: &BTreeMap<String, Vec<u8>>) -> Option<(&[u8], &[u8])> {
    let jwks = files
        .iter()
        .find(|(n, _)| n.ends_with("jwks.json"))
        .map(|(_, b)| b.as_slice());
    Some((first(files, &["token.jwt"])?, jwks?))
}

/// An Azure CVM capture in cMCP's layout, appraised under AMD's ARKs or a pinned one.
fn azure_cmcp_layout(files: &BTreeMap<String, Vec<u8>>, at: i64, root_sha256: Option<&str>) -> Appraisal {
    let names = [
        "snp_report.bin",
        "vcek_chain.pem",
        "runtime_data.json",
        "quote.msg",
        "quote.sig",
        "nonce.hex",
    ];
    let [Some(r), Some(c), Some(d), Some(q), Some(s), Some(n)] = names.map(|n| first(files, &[n])) else {
        return Appraisal::not_implemented("an Azure CVM capture in another layout");
    };
    let Some(vcek) = crate::azure::first_pem_block(c) else {
        return Appraisal::not_implemented("an Azure CVM capture whose vcek_chain.pem has no certificate");
    };
    let e = crate::azure::AzureEvidence {
        snp_report: r,
        vcek,
        ca_bundle: Some(c),
        runtime_data: d,
        quote: q,
        quote_signature: s,
        nonce_hex: Some(n),
        pcrs: None,
    };
    match root_sha256 {
        Some(root) => crate::azure::appraise_with_root(&e, at, root),
        None => crate::azure::appraise(&e, at),
    }
}

/// An SEV-SNP capture's report, VCEK or VLEK and optional CA bundle (any `.pem`).
fn snp_evidence(files: &BTreeMap<String, Vec<u8>>) -> Result<snp::SnpEvidence<'_>, Appraisal> {
    let (Some(report), Some(vek)) = (
        first(files, &["report.bin", "attestation.bin"]),
        first(files, &["vcek.der", "vlek.der"]),
    ) else {
        return Err(Appraisal::not_implemented(
            "an SEV-SNP capture without report.bin/attestation.bin and vcek.der/vlek.der",
        ));
    };
    let ca_bundle = files
        .iter()
        .find(|(n, _)| n.ends_with(".pem"))
        .map(|(_, b)| b.as_slice());
    Ok(snp::SnpEvidence { report, vek, ca_bundle })
}

/// Appraises the evidence of one platform from the capture's files.
pub fn appraise(platform: &str, files: &BTreeMap<String, Vec<u8>>, at: i64) -> Appraisal {
    match platform {
        "amd-sev-snp" => match snp_evidence(files) {
            Ok(e) => snp::appraise(&e, at),
            Err(missing) => missing,
        },
        "aws-nitro" => match first(
            files,
            &["attestation.cose", "attestation_doc.cbor", "attestation_doc.b64"],
        ) {
            Some(doc) => crate::nitro::appraise(doc, at),
            None => Appraisal::not_implemented("a Nitro capture without attestation.cose/attestation_doc.*"),
        },
        "gcp-confidential-space" | "google-confidential-space" | "azure-maa" => match token_files(files) {
            Some((token, jwks)) => crate::token::appraise(token, jwks, at),
            None => Appraisal::not_implemented("a token capture without token.jwt and a *jwks.json snapshot"),
        },
        "nvidia-h100" | "nvidia-blackwell" => match (
            first(files, &["attestation_report.hex"]),
            first(files, &["device_cert_chain.pem"]),
        ) {
            (Some(report), Some(chain)) => crate::nvidia::appraise(report, chain, at),
            _ => Appraisal::not_implemented("a GPU capture without attestation_report.hex and device_cert_chain.pem"),
        },
        "tpm2" => match (
            first(files, &["quote.msg"]),
            first(files, &["quote.sig"]),
            first(files, &["ak.pub", "ak_pub.pem"]),
        ) {
            (Some(q), Some(s), Some(ak)) => {
                let cert = files
                    .iter()
                    .find(|(n, _)| n.starts_with("akcert"))
                    .map(|(_, b)| b.as_slice());
                crate::tpm::appraise(q, s, ak, first(files, &["nonce.hex"]), cert)
            }
            _ => Appraisal::not_implemented("a TPM capture without quote.msg, quote.sig and ak.pub"),
        },
        "intel-tdx" | "intel-sgx" => match (first(files, &["quote.bin"]), first(files, &["collateral.json"])) {
            (Some(q), Some(c)) => crate::dcap::appraise(q, c, at),
            // Raw PCS responses without their issuer chains, or no collateral at all.
            (Some(q), None) => crate::dcap::appraise_signature_and_chain(q, at),
            _ => Appraisal::not_implemented("a DCAP capture without quote.bin"),
        },
        "azure-cvm-tdx" => match first(files, &["evidence-v1.json"]) {
            Some(ev) => crate::azure::appraise_trustee_tdx(ev, at),
            None => Appraisal::not_implemented("an Azure TDX CVM capture without evidence-v1.json"),
        },
        "azure-cvm-sev-snp" => {
            if let Some(ev) = first(files, &["evidence-v1.json"]) {
                return crate::azure::appraise_trustee(ev, at);
            }
            azure_cmcp_layout(files, at, None)
        }
        "arm-cca" => match (first(files, &["token.cbor"]), first(files, &["iak.der", "iak.pem"])) {
            // Without a pinned IAK the token is at best authentic to the key it names.
            (Some(token), Some(iak)) => {
                let mut a = crate::cca::appraise(token, iak, "");
                let only_unpinned = a.checks.iter().all(|c| c.passed || c.name == CheckName::RootPin);
                if only_unpinned {
                    a.verdict = Verdict::Unverifiable;
                }
                a
            }
            _ => Appraisal::not_implemented("a CCA capture without token.cbor and iak.der/iak.pem"),
        },
        other => Appraisal::not_implemented(other),
    }
}

/// Replays a capture at its pinned time (or `at`).
pub fn replay(dir: &Path, at: Option<i64>) -> Result<Replay, String> {
    let manifest::Capture {
        manifest: m,
        files,
        problems: file_problems,
    } = manifest::load(dir)?;
    let at = at.unwrap_or(m.verify.verification_time_unix);
    let pin = m.verify.root_sha256.as_deref();
    let parse = |v: &str| Verdict::parse(v).expect("manifest::read checked the verdicts");
    let mut cases = vec![Case {
        capture: m.name.clone(),
        variant: None,
        platform: m.platform.clone(),
        at,
        expected: parse(&m.expect.verdict),
        appraisal: appraise_pinned(&m.platform, &files, at, pin),
    }];
    for v in &m.expect.variant {
        let mut swapped = files.clone();
        for (from, to) in &v.replace {
            if let Some(bytes) = files.get(to) {
                swapped.insert(from.clone(), bytes.clone());
            }
            swapped.remove(to);
        }
        cases.push(Case {
            capture: m.name.clone(),
            variant: Some(v.name.clone()),
            platform: m.platform.clone(),
            at,
            expected: parse(&v.verdict),
            appraisal: appraise_pinned(&m.platform, &swapped, at, pin),
        });
    }
    Ok(Replay {
        dir: dir.to_path_buf(),
        file_problems,
        cases,
    })
}
