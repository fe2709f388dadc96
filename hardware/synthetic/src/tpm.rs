//! Synthetic TPM 2.0 evidence: quotes (`TPMS_ATTEST` of type `TPM_ST_ATTEST_QUOTE`) signed
//! RSASSA-PKCS1-v1_5/SHA-256 by an attestation key (AK) whose certificate a synthetic TPM CA
//! (P-384) issues. The AK private key is a test key committed under `hardware/synthetic/testkeys/` and
//! published on purpose; nothing trusts the CA unless a caller pins its SHA-256.
//!
//! Owns: the quote layout (as `trace_hardware::tpm::parse_quote` reads it) and the AK chain. Does not
//! own any verdict.

use crate::{CertFields, ecdsa_signed, key};
use rsa::RsaPrivateKey;
use std::sync::OnceLock;
use x509_cert::der::{Decode, Encode};

const CA_NAME: &str = "CN=trace-conformance synthetic TPM CA";

fn ak() -> &'static RsaPrivateKey {
    static AK: OnceLock<RsaPrivateKey> = OnceLock::new();
    AK.get_or_init(|| {
        use rsa::pkcs8::DecodePrivateKey;
        RsaPrivateKey::from_pkcs8_pem(include_str!("../testkeys/synthetic-tpm-ak.pem"))
            .expect("the committed test key parses")
    })
}

/// The AK's public key (Azure's HCL runtime data carries it as `HCLAkPub`).
pub fn ak_public() -> rsa::RsaPublicKey {
    ak().to_public_key()
}

/// The synthetic TPM CA certificate (self-signed, P-384).
pub fn ca() -> x509_cert::Certificate {
    let k = key("tpm-ca");
    let fields = CertFields {
        subject: CA_NAME,
        subject_key: crate::spki(&k),
        issuer: CA_NAME,
        not_before: 1_600_000_000,
        not_after: 4_000_000_000,
        serial: 1,
        extensions: None,
    };
    ecdsa_signed(fields, &k)
}

/// The CA certificate's DER, and its SHA-256 (hex): what a verifier pins.
pub fn ca_der() -> Vec<u8> {
    ca().to_der().expect("encodes")
}
pub fn ca_sha256() -> String {
    trace_hardware::sha256_hex(&ca())
}

/// The AK's public key as SPKI PEM (`ak.pub`).
pub fn ak_pem() -> String {
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    ak().to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("an RSA public key encodes")
}

/// A certificate for the AK issued by the synthetic CA, valid from `not_before` to
/// `not_after` (Unix seconds), as DER.
pub fn ak_certificate(not_before: i64, not_after: i64) -> Vec<u8> {
    use rsa::pkcs8::EncodePublicKey;
    let der = ak().to_public_key().to_public_key_der().expect("encodes");
    let fields = CertFields {
        subject: "CN=synthetic TPM attestation key",
        subject_key: x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).expect("decodes"),
        issuer: CA_NAME,
        not_before,
        not_after,
        serial: 2,
        extensions: None,
    };
    ecdsa_signed(fields, &key("tpm-ca")).to_der().expect("encodes")
}

/// A certificate from the synthetic CA for another key (P-384) than the AK.
pub fn other_key_certificate(not_before: i64, not_after: i64) -> Vec<u8> {
    let fields = CertFields {
        subject: "CN=synthetic TPM attestation key",
        subject_key: crate::spki(&key("tpm-other-key")),
        issuer: CA_NAME,
        not_before,
        not_after,
        serial: 3,
        extensions: None,
    };
    ecdsa_signed(fields, &key("tpm-ca")).to_der().expect("encodes")
}

/// What goes into a synthetic quote.
pub struct QuoteClaims {
    /// The qualifying data the verifier asked for (`extraData`): where the key binding goes.
    pub extra_data: Vec<u8>,
    /// The selected PCRs (SHA-256 bank), and the digest over their values.
    pub pcrs: Vec<usize>,
    pub pcr_digest: [u8; 32],
}

fn sized(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// The marshalled `TPMS_ATTEST` of a quote.
pub fn quote(c: &QuoteClaims) -> Vec<u8> {
    let mut q = Vec::new();
    q.extend_from_slice(&0xff54_4347u32.to_be_bytes()); // TPM_GENERATED_VALUE
    q.extend_from_slice(&0x8018u16.to_be_bytes()); // TPM_ST_ATTEST_QUOTE
    let mut signer = 0x000bu16.to_be_bytes().to_vec(); // a SHA-256 name
    signer.extend_from_slice(&[0x7a; 32]);
    sized(&mut q, &signer);
    sized(&mut q, &c.extra_data);
    q.extend_from_slice(&1_000_000u64.to_be_bytes()); // clock
    q.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 1]); // resetCount, restartCount, safe
    q.extend_from_slice(&0x0002_0000_0000_0000u64.to_be_bytes()); // firmwareVersion
    q.extend_from_slice(&1u32.to_be_bytes()); // one selection
    q.extend_from_slice(&0x000bu16.to_be_bytes()); // SHA-256 bank
    let mut bits = [0u8; 3];
    for &p in &c.pcrs {
        bits[p / 8] |= 1 << (p % 8);
    }
    q.push(3);
    q.extend_from_slice(&bits);
    sized(&mut q, &c.pcr_digest);
    q
}

/// A `TPMT_SIGNATURE` (RSASSA, SHA-256) by the AK over `quote`.
pub fn signature(quote: &[u8]) -> Vec<u8> {
    use rsa::signature::{SignatureEncoding, Signer};
    let signer = rsa::pkcs1v15::SigningKey::<sha2_010::Sha256>::new(ak().clone());
    let sig = signer.sign(quote).to_vec();
    let mut out = Vec::new();
    out.extend_from_slice(&0x0014u16.to_be_bytes()); // TPM_ALG_RSASSA
    out.extend_from_slice(&0x000bu16.to_be_bytes()); // TPM_ALG_SHA256
    sized(&mut out, &sig);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use trace_hardware::Verdict;
    use trace_hardware::tpm::{PinnedAk, appraise, appraise_with_root};

    const AT: i64 = 1_785_000_000;

    fn claims() -> QuoteClaims {
        QuoteClaims {
            extra_data: vec![0x42; 32],
            pcrs: vec![0, 7, 14],
            pcr_digest: [0x24; 32],
        }
    }

    fn pinned(quote: &[u8], sig: &[u8], cert: &[u8], ca: &[u8]) -> trace_hardware::Appraisal {
        let chain = PinnedAk {
            ak_cert: cert,
            ca_cert: ca,
            root_sha256: &ca_sha256(),
        };
        appraise_with_root(
            quote,
            sig,
            ak_pem().as_bytes(),
            Some("42".repeat(32).as_bytes()),
            &chain,
            AT,
        )
    }

    fn failed(a: &trace_hardware::Appraisal) -> Vec<&'static str> {
        a.checks.iter().filter(|c| !c.passed).map(|c| c.name.name()).collect()
    }

    #[test]
    fn a_synthetic_quote_is_valid_only_with_its_ak_certified_by_the_pinned_ca() {
        let q = quote(&claims());
        let parsed = trace_hardware::tpm::parse_quote(&q).expect("parses");
        assert_eq!((parsed.selected, parsed.pcr_digest), (vec![0, 7, 14], vec![0x24; 32]));
        let (sig, cert) = (signature(&q), ak_certificate(AT - 60, AT + 3600));
        let a = pinned(&q, &sig, &cert, &ca_der());
        assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
        assert_eq!(a.measurement, Some(format!("sha256:{}", "24".repeat(32))));
        // Without a pin, as before: authentic, not chainable.
        let a = appraise(&q, &sig, ak_pem().as_bytes(), None, Some(&cert));
        assert_eq!(a.verdict, Verdict::Unverifiable);
    }

    #[test]
    fn each_spoiled_link_is_refused_by_the_check_that_owns_it() {
        let q = quote(&claims());
        let (sig, cert) = (signature(&q), ak_certificate(AT - 60, AT + 3600));
        let mut changed = q.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert_eq!(failed(&pinned(&changed, &sig, &cert, &ca_der())), ["signature"]);
        let expired = ak_certificate(AT - 7200, AT - 3600);
        assert_eq!(failed(&pinned(&q, &sig, &expired, &ca_der())), ["validity"]);
        let other_ca = crate::nitro_test_root().1.to_der().expect("der");
        assert_eq!(failed(&pinned(&q, &sig, &cert, &other_ca)), ["root-pin", "chain"]);
        let mut other = claims();
        other.extra_data = vec![0x43; 32];
        let q2 = quote(&other);
        assert_eq!(failed(&pinned(&q2, &signature(&q2), &cert, &ca_der())), ["nonce"]);
        assert_eq!(failed(&pinned(&q[..20], &sig, &cert, &ca_der())), ["tpms-attest"]);
    }
}
