//! Synthetic Azure confidential VM evidence in the cMCP gateway's layout: an SEV-SNP report of
//! the synthetic chip whose REPORT_DATA is SHA-256 of the HCL runtime data (then zeros), the
//! runtime data carrying the synthetic TPM AK as `HCLAkPub`, and a vTPM quote by that AK whose
//! extraData is SHA-256 of the verifier's nonce.
//!
//! Owns: the runtime data and how the three parts are tied. Does not own any verdict
//! (`trace_hardware::azure`).

use crate::{snp, tpm};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The HCL runtime data: a JSON key set with the AK as `HCLAkPub` (RSA, base64url n and e).
pub fn runtime_data() -> Vec<u8> {
    use rsa::traits::PublicKeyParts;
    let ak = tpm::ak_public();
    let b64 = |b: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    serde_json::json!({
        "keys": [{
            "kid": "HCLAkPub",
            "kty": "RSA",
            "key_ops": ["sign"],
            "n": b64(ak.n().to_bytes_be()),
            "e": b64(ak.e().to_bytes_be()),
        }],
        "vm-configuration": {"secure-boot": true, "tpm-enabled": true},
    })
    .to_string()
    .into_bytes()
}

/// What goes into a synthetic Azure CVM capture.
pub struct AzureClaims {
    /// The paravisor's launch measurement (the SNP report's MEASUREMENT).
    pub measurement: [u8; 48],
    /// The runtime data the report binds (normally [`runtime_data`]).
    pub runtime_data: Vec<u8>,
    /// The verifier's nonce; the quote's extraData is its SHA-256.
    pub nonce: Vec<u8>,
    /// The guest policy's DEBUG bit.
    pub debug: bool,
}

/// The capture's files by name: `snp_report.bin`, `vcek_chain.pem` (VCEK, ASK, ARK),
/// `runtime_data.json`, `quote.msg`, `quote.sig`, `nonce.hex`.
pub fn capture(c: &AzureClaims) -> BTreeMap<String, Vec<u8>> {
    let mut report_data = [0u8; 64];
    report_data[..32].copy_from_slice(&Sha256::digest(&c.runtime_data));
    let mut claims = snp::SnpClaims::new(c.measurement, report_data);
    claims.debug = c.debug;
    let report = snp::report(&claims);
    let quote = tpm::quote(&tpm::QuoteClaims {
        extra_data: Sha256::digest(&c.nonce).to_vec(),
        pcrs: (0..8).collect(),
        pcr_digest: [0x33; 32],
    });
    BTreeMap::from([
        ("snp_report.bin".to_string(), report),
        (
            "vcek_chain.pem".to_string(),
            snp::vcek_chain_pem(&snp::VcekFields::default()).into_bytes(),
        ),
        ("runtime_data.json".to_string(), c.runtime_data.clone()),
        ("quote.sig".to_string(), tpm::signature(&quote)),
        ("quote.msg".to_string(), quote),
        ("nonce.hex".to_string(), trace_hardware::hex(&c.nonce).into_bytes()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use trace_hardware::Verdict;

    const AT: i64 = 1_785_000_000;

    fn claims() -> AzureClaims {
        AzureClaims {
            measurement: [0x5b; 48],
            runtime_data: runtime_data(),
            nonce: vec![0x6e; 64],
            debug: false,
        }
    }

    fn failed(files: &BTreeMap<String, Vec<u8>>) -> (Verdict, Vec<&'static str>) {
        let a = trace_hardware::replay::appraise_pinned("azure-cvm-sev-snp", files, AT, Some(&snp::test_ark_sha256()));
        (
            a.verdict,
            a.checks.iter().filter(|c| !c.passed).map(|c| c.name.name()).collect(),
        )
    }

    #[test]
    fn a_synthetic_capture_verifies_under_the_pinned_ark_and_each_link_is_checked() {
        let files = capture(&claims());
        assert_eq!(failed(&files), (Verdict::Valid, vec![]));
        // Unpinned: AMD's ARKs do not sign the test ASK.
        let a = trace_hardware::replay::appraise("azure-cvm-sev-snp", &files, AT);
        assert_ne!(a.verdict, Verdict::Valid);
        // Runtime data other than the report binds.
        let mut other = files.clone();
        other.insert("runtime_data.json".into(), b"{\"keys\":[]}".to_vec());
        assert_eq!(failed(&other).1, ["runtime-data", "vtpm-quote", "nonce"]);
        // The quote changed after the AK signed.
        let mut changed = files.clone();
        let q = changed.get_mut("quote.msg").expect("quote");
        let last = q.len() - 1;
        q[last] ^= 1;
        assert_eq!(failed(&changed).1, ["vtpm-quote"]);
        // Another nonce than the quote's.
        let mut nonce = files.clone();
        nonce.insert("nonce.hex".into(), "00".repeat(64).into_bytes());
        assert_eq!(failed(&nonce).1, ["nonce"]);
    }
}
