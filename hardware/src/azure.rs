//! Azure confidential VMs with SEV-SNP behind the Hyper-V paravisor: the SNP report binds the
//! HCL runtime data (`report_data[0..32]` = SHA-256 of it), the runtime data carries the vTPM
//! attestation key (`HCLAkPub`), and that AK signs a TPM quote over the verifier's nonce.
//!
//! Owns: the links between the three (report → runtime data → AK → quote → nonce). The SNP
//! report itself is `snp`'s, the quote structure `tpm`'s.

use crate::{Appraisal, Check, Verdict, hex, snp, tpm};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The files of a cMCP-style Azure CVM capture.
pub struct AzureEvidence<'a> {
    pub snp_report: &'a [u8],
    /// VCEK, ASK, ARK (PEM, VCEK first).
    pub vcek_chain: &'a [u8],
    pub runtime_data: &'a [u8],
    pub quote: &'a [u8],
    pub quote_signature: &'a [u8],
    /// The verifier's nonce, hex; the quote's extraData is its SHA-256.
    pub nonce_hex: &'a [u8],
}

fn first_pem_block(pem: &[u8]) -> Option<&[u8]> {
    let text = std::str::from_utf8(pem).ok()?;
    let end = text.find("-----END CERTIFICATE-----")? + "-----END CERTIFICATE-----".len();
    let start = text.find("-----BEGIN CERTIFICATE-----")?;
    Some(&pem[start..end])
}

fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    let t = std::str::from_utf8(text).ok()?.trim();
    (t.len() % 2 == 0).then(|| {
        (0..t.len() / 2)
            .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16).ok())
            .collect()
    })?
}

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

pub fn appraise(e: &AzureEvidence, at: i64) -> Appraisal {
    let Some(vcek) = first_pem_block(e.vcek_chain) else {
        return Appraisal {
            verdict: Verdict::Invalid,
            measurement: None,
            report_data: None,
            debug: None,
            checks: vec![Check {
                name: "vcek-chain",
                passed: false,
                detail: "no certificate in vcek_chain.pem".into(),
            }],
        };
    };
    let mut a = snp::appraise(
        &snp::SnpEvidence {
            report: e.snp_report,
            vek: vcek,
            ca_bundle: Some(e.vcek_chain),
        },
        at,
    );
    let mut add = |name: &'static str, passed: bool, detail: String| a.checks.push(Check { name, passed, detail });
    // Report → runtime data.
    let bound = e.snp_report.len() == snp::REPORT_LEN
        && e.snp_report[0x50..0x70] == Sha256::digest(e.runtime_data)[..]
        && e.snp_report[0x70..0x90].iter().all(|b| *b == 0);
    add(
        "runtime-data",
        bound,
        "report_data is SHA-256 of the HCL runtime data, then 32 zero bytes".into(),
    );
    // Runtime data → AK → quote → nonce.
    let ak = hcl_ak_pem(e.runtime_data);
    let quote = match &ak {
        Some(pem) => {
            let q = tpm::appraise(e.quote, e.quote_signature, pem.as_bytes(), None, None);
            let signed = q.checks.iter().any(|c| c.name == "signature" && c.passed);
            add(
                "vtpm-quote",
                signed,
                "the vTPM quote is signed by HCLAkPub from the runtime data".into(),
            );
            tpm::parse_quote(e.quote)
        }
        None => {
            add("vtpm-quote", false, "the runtime data has no HCLAkPub RSA key".into());
            None
        }
    };
    let nonce = unhex(e.nonce_hex);
    let fresh = match (&quote, &nonce) {
        (Some(q), Some(n)) => q.extra_data == Sha256::digest(n)[..],
        _ => false,
    };
    add(
        "nonce",
        fresh,
        format!(
            "the quote's extraData {} is SHA-256 of the nonce",
            quote.as_ref().map(|q| hex(&q.extra_data)).unwrap_or_default()
        ),
    );
    a.verdict = match a.verdict {
        Verdict::Valid if a.checks.iter().all(|c| c.passed) => Verdict::Valid,
        Verdict::Valid => Verdict::Invalid,
        other => other,
    };
    a
}
