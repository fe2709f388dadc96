//! Azure confidential VMs with SEV-SNP behind the Hyper-V paravisor: the SNP report binds the
//! HCL runtime data (`report_data[0..32]` = SHA-256 of it), the runtime data carries the vTPM
//! attestation key (`HCLAkPub`), and that AK signs a TPM quote over the verifier's nonce.
//!
//! Owns: the links between the three (report → runtime data → AK → quote → nonce). The SNP
//! report itself is `snp`'s, the quote structure `tpm`'s.

use crate::CheckName;
use crate::{Appraisal, Check, Verdict, hex, snp, tpm};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The parts of Azure CVM evidence.
pub struct AzureEvidence<'a> {
    pub snp_report: &'a [u8],
    /// The VCEK (DER or PEM) and, optionally, a PEM bundle with ASK and ARK.
    pub vcek: &'a [u8],
    pub ca_bundle: Option<&'a [u8]>,
    /// The HCL runtime data (a JSON key set with HCLAkPub) the report binds.
    pub runtime_data: &'a [u8],
    pub quote: &'a [u8],
    pub quote_signature: &'a [u8],
    /// The verifier's nonce, hex, when the capture has it; the quote's extraData is its
    /// SHA-256 (the cMCP gateway's convention).
    pub nonce_hex: Option<&'a [u8]>,
    /// The PCR values (SHA-256 bank, index order), when the capture has them.
    pub pcrs: Option<Vec<Vec<u8>>>,
    /// Optional CRL of the ARK (snp::SnpEvidence::ark_crl).
    pub ark_crl: Option<&'a [u8]>,
}

pub fn first_pem_block(pem: &[u8]) -> Option<&[u8]> {
    let text = std::str::from_utf8(pem).ok()?;
    // The END marker after the BEGIN one (an END earlier in the text must not slice backwards).
    let start = text.find("-----BEGIN CERTIFICATE-----")?;
    let end = start + text[start..].find("-----END CERTIFICATE-----")? + "-----END CERTIFICATE-----".len();
    Some(&pem[start..end])
}

use crate::unhex;

/// The HCLAkPub RSA key of the runtime data, as SPKI PEM.
fn hcl_ak_pem(runtime_data: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(runtime_data).ok()?;
    let key = v
        .get("keys")?
        .as_array()?
        .iter()
        .find(|k| k.get("kid").and_then(|k| k.as_str()) == Some("HCLAkPub"))?;
    let b = |name: &str| -> Option<Vec<u8>> {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(key.get(name)?.as_str()?)
            .ok()
    };
    let rsa_key = rsa::RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(&b("n")?),
        rsa::BigUint::from_bytes_be(&b("e")?),
    )
    .ok()?;
    use rsa::pkcs8::EncodePublicKey;
    rsa_key.to_public_key_pem(rsa::pkcs8::LineEnding::LF).ok()
}

/// Appraises the evidence with AMD's built-in ARKs as the roots.
pub fn appraise(e: &AzureEvidence, at: i64) -> Appraisal {
    appraise_under(e, at, None)
}

/// Appraises the evidence with the ARK pinned by the SHA-256 of its DER (the project's
/// synthetic captures).
pub fn appraise_with_root(e: &AzureEvidence, at: i64, root_sha256: &str) -> Appraisal {
    appraise_under(e, at, Some(root_sha256))
}

fn appraise_under(e: &AzureEvidence, at: i64, root_sha256: Option<&str>) -> Appraisal {
    let report = snp::SnpEvidence {
        report: e.snp_report,
        vek: e.vcek,
        ca_bundle: e.ca_bundle,
        ark_crl: e.ark_crl,
    };
    let mut a = match root_sha256 {
        Some(root) => snp::appraise_with_root(&report, at, root),
        None => snp::appraise(&report, at),
    };
    let mut add = |name: CheckName, passed: bool, detail: String| a.checks.push(Check { name, passed, detail });
    // Report → runtime data.
    let bound = e.snp_report.len() == snp::REPORT_LEN
        && e.snp_report[0x50..0x70] == Sha256::digest(e.runtime_data)[..]
        && e.snp_report[0x70..0x90].iter().all(|b| *b == 0);
    add(
        CheckName::RuntimeData,
        bound,
        "report_data is SHA-256 of the HCL runtime data, then 32 zero bytes".into(),
    );
    // Runtime data → AK → quote → nonce.
    let ak = hcl_ak_pem(e.runtime_data);
    let quote = match &ak {
        Some(pem) => {
            let q = tpm::appraise(e.quote, e.quote_signature, pem.as_bytes(), None, None);
            let signed = q.checks.iter().any(|c| c.name == CheckName::Signature && c.passed);
            add(
                CheckName::VtpmQuote,
                signed,
                "the vTPM quote is signed by HCLAkPub from the runtime data".into(),
            );
            tpm::parse_quote(e.quote)
        }
        None => {
            add(
                CheckName::VtpmQuote,
                false,
                "the runtime data has no HCLAkPub RSA key".into(),
            );
            None
        }
    };
    if let Some(n) = e.nonce_hex {
        let fresh = match (&quote, unhex(n)) {
            (Some(q), Some(n)) => q.extra_data == Sha256::digest(&n)[..],
            _ => false,
        };
        add(
            CheckName::Nonce,
            fresh,
            format!(
                "the quote's extraData {} is SHA-256 of the nonce",
                quote.as_ref().map(|q| hex(&q.extra_data)).unwrap_or_default()
            ),
        );
    }
    if let (Some(pcrs), Some(q)) = (&e.pcrs, &quote) {
        let (matches, detail) = pcr_digest_check(pcrs, q);
        add(CheckName::PcrDigest, matches, detail);
    }
    a.verdict = match a.verdict {
        Verdict::Valid if a.checks.iter().all(|c| c.passed) => Verdict::Valid,
        Verdict::Valid => Verdict::Invalid,
        other => other,
    };
    a
}

/// The trustee `az-snp-vtpm` evidence JSON: `{version, hcl_report (b64url HCL blob: 32-byte
/// header, the SNP report, the IGVM request header, the runtime data), tpm_quote {message,
/// signature, pcrs} (hex), vcek (b64url DER)}`.
pub fn appraise_trustee(evidence_json: &[u8], ark_crl: Option<&[u8]>, at: i64) -> Appraisal {
    let t = match Trustee::read(evidence_json) {
        Ok(t) => t,
        Err(detail) => return fail(detail),
    };
    let Some(vcek) = t.b64("vcek") else {
        return fail("no vcek");
    };
    appraise(
        &AzureEvidence {
            snp_report: &t.hcl[HW_REPORT],
            vcek: &vcek,
            ca_bundle: None,
            runtime_data: t.runtime_data(),
            quote: &t.quote,
            quote_signature: &t.signature,
            nonce_hex: None,
            pcrs: t.pcrs.clone(),
            ark_crl,
        },
        at,
    )
}

/// The trustee `az-tdx-vtpm` evidence JSON: the same HCL blob (its hardware report is a
/// TDREPORT, in the same 1184-byte slot) and vTPM quote, plus `td_quote` (b64url DCAP quote)
/// whose REPORT_DATA begins with SHA-256 of the runtime data. Without Intel collateral the TD
/// quote is appraised to signature-and-chain depth, so the whole is `unverifiable` at best.
pub fn appraise_trustee_tdx(evidence_json: &[u8], at: i64) -> Appraisal {
    let t = match Trustee::read(evidence_json) {
        Ok(t) => t,
        Err(detail) => return fail(detail),
    };
    let Some(td_quote) = t.b64("td_quote") else {
        return fail("no td_quote");
    };
    let mut a = crate::dcap::appraise_signature_and_chain(&td_quote, at);
    let runtime_data = t.runtime_data();
    let mut add = |name: CheckName, passed: bool, detail: String| a.checks.push(Check { name, passed, detail });
    // The TD report's REPORT_DATA as the parsed quote gives it (v4 and v5 bodies differ).
    let report_data = dcap_qvl::quote::Quote::parse(&td_quote)
        .ok()
        .and_then(|q| q.report.as_td10().map(|td| td.report_data));
    let bound =
        report_data.is_some_and(|rd| rd[..32] == Sha256::digest(runtime_data)[..] && rd[32..].iter().all(|b| *b == 0));
    add(
        CheckName::RuntimeData,
        bound,
        "the TD quote's REPORT_DATA is SHA-256 of the HCL runtime data, then 32 zero bytes".into(),
    );
    let signed = hcl_ak_pem(runtime_data).is_some_and(|pem| {
        let q = tpm::appraise(&t.quote, &t.signature, pem.as_bytes(), None, None);
        q.checks.iter().any(|c| c.name == CheckName::Signature && c.passed)
    });
    add(
        CheckName::VtpmQuote,
        signed,
        "the vTPM quote is signed by HCLAkPub from the runtime data".into(),
    );
    if let (Some(pcrs), Some(q)) = (&t.pcrs, tpm::parse_quote(&t.quote)) {
        let (matches, detail) = pcr_digest_check(pcrs, &q);
        add(CheckName::PcrDigest, matches, detail);
    }
    // Only the missing collateral may stand between this evidence and `valid`.
    let only_tcb = a.checks.iter().all(|c| c.passed || c.name == CheckName::Tcb);
    a.verdict = if only_tcb {
        Verdict::Unverifiable
    } else {
        Verdict::Invalid
    };
    a
}

/// The slot of the hardware report in an HCL blob (after its 32-byte header).
const HW_REPORT: std::ops::Range<usize> = 32..32 + snp::REPORT_LEN;

fn fail(detail: &str) -> Appraisal {
    Appraisal {
        verdict: Verdict::Invalid,
        measurement: None,
        report_data: None,
        debug: None,
        checks: vec![Check {
            name: CheckName::Evidence,
            passed: false,
            detail: detail.into(),
        }],
    }
}

/// A trustee evidence JSON: the HCL blob, the vTPM quote and its PCRs.
struct Trustee {
    json: serde_json::Value,
    hcl: Vec<u8>,
    runtime: std::ops::Range<usize>,
    quote: Vec<u8>,
    signature: Vec<u8>,
    pcrs: Option<Vec<Vec<u8>>>,
}

impl Trustee {
    fn read(evidence_json: &[u8]) -> Result<Trustee, &'static str> {
        let json: serde_json::Value = serde_json::from_slice(evidence_json).map_err(|_| "not JSON")?;
        let b64 = |name: &str| -> Option<Vec<u8>> {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(json.get(name)?.as_str()?.trim_end_matches('='))
                .ok()
        };
        let hcl = b64("hcl_report").ok_or("no hcl_report")?;
        let var_start = HW_REPORT.end + 20;
        let size_bytes = hcl
            .get(HW_REPORT.end + 16..var_start)
            .ok_or("the HCL report is too short")?;
        let var_len = u32::from_le_bytes(size_bytes.try_into().expect("4 bytes")) as usize;
        let runtime = var_start..var_start + var_len;
        hcl.get(runtime.clone())
            .ok_or("the runtime data overruns the HCL report")?;
        let q = |name: &str| {
            json.pointer(&format!("/tpm_quote/{name}"))
                .and_then(|x| x.as_str())
                .and_then(|t| unhex(t.as_bytes()))
        };
        let (quote, signature) = (q("message"), q("signature"));
        let (Some(quote), Some(signature)) = (quote, signature) else {
            return Err("no tpm_quote message/signature");
        };
        let pcrs = json.pointer("/tpm_quote/pcrs").and_then(|p| p.as_array()).map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().and_then(|t| unhex(t.as_bytes())))
                .collect::<Vec<_>>()
        });
        Ok(Trustee {
            json,
            hcl,
            runtime,
            quote,
            signature,
            pcrs,
        })
    }

    fn b64(&self, name: &str) -> Option<Vec<u8>> {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(self.json.get(name)?.as_str()?.trim_end_matches('='))
            .ok()
    }

    fn runtime_data(&self) -> &[u8] {
        &self.hcl[self.runtime.clone()]
    }
}

/// Whether the quote's pcrDigest is SHA-256 over the PCR values it selects (SHA-256 bank,
/// in selection order), and the check's detail.
fn pcr_digest_check(pcrs: &[Vec<u8>], q: &tpm::Quote) -> (bool, String) {
    let selected: Vec<u8> = q
        .selected
        .iter()
        .filter_map(|i| pcrs.get(*i))
        .flatten()
        .copied()
        .collect();
    (
        Sha256::digest(&selected)[..] == q.pcr_digest[..],
        format!("pcrDigest over PCRs {:?}", q.selected),
    )
}

/// An Azure SEV-SNP CVM capture: Trustee's `evidence-v1.json` (vendor roots only), or
/// cMCP's layout (`snp_report.bin`, `vcek_chain.pem`, `runtime_data.json`, `quote.msg`,
/// `quote.sig`, `nonce.hex`) under AMD's roots or `pin`.
pub fn appraise_files(files: &crate::platforms::Files, at: i64, pin: Option<&str>) -> Appraisal {
    use crate::platforms::first;
    if pin.is_none()
        && let Some(ev) = first(files, &["evidence-v1.json"])
    {
        return appraise_trustee(ev, first(files, &snp::ARK_CRL_FILES), at);
    }
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
    let Some(vcek) = first_pem_block(c) else {
        return Appraisal::not_implemented("an Azure CVM capture whose vcek_chain.pem has no certificate");
    };
    let e = AzureEvidence {
        snp_report: r,
        vcek,
        ca_bundle: Some(c),
        runtime_data: d,
        quote: q,
        quote_signature: s,
        nonce_hex: Some(n),
        pcrs: None,
        ark_crl: first(files, &snp::ARK_CRL_FILES),
    };
    match pin {
        Some(root) => appraise_with_root(&e, at, root),
        None => appraise(&e, at),
    }
}

/// An Azure TDX CVM capture: Trustee's `evidence-v1.json`, under Intel's roots (no pin:
/// the platform table refuses one).
pub fn appraise_tdx_files(files: &crate::platforms::Files, at: i64, _pin: Option<&str>) -> Appraisal {
    match crate::platforms::first(files, &["evidence-v1.json"]) {
        Some(ev) => appraise_trustee_tdx(ev, at),
        None => Appraisal::not_implemented("an Azure TDX CVM capture without evidence-v1.json"),
    }
}
