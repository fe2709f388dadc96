//! Synthetic evidence made by the project with its own test roots, so that negative and
//! positive cases exist for bindings no real capture can have (a record key the suite holds).
//! Nothing here is trusted by default: a verifier accepts a synthetic root only when the
//! caller pins it (for example a vector's trust inputs), exactly as it would pin a vendor.
//!
//! Owns: minimal X.509 certificates (ECDSA P-384) and Nitro-shaped attestation documents
//! and SPDM GPU reports signed through them, all deterministic from seeds; [`snp`] the
//! SEV-SNP chain and reports, [`tpm`] TPM quotes with a certified AK, [`token`] Confidential
//! Space tokens, [`tdx`] TD quotes with DCAP collateral, [`cca`] Arm CCA tokens. Does not own
//! any verdict. [`fixtures`] is the project's synthetic captures made from this evidence
//! (`fixtures/synthetic/`).
#![forbid(unsafe_code)]

pub mod azure;
pub mod cca;
pub mod fixtures;
pub mod snp;
pub mod tdx;
pub mod token;
pub mod tpm;

use coset::{CoseSign1Builder, HeaderBuilder, TaggedCborSerializable};
use p384::ecdsa::{SigningKey, signature::Signer};
use std::str::FromStr;
use std::time::Duration;
use x509_cert::der::Encode;
use x509_cert::der::asn1::{BitString, GeneralizedTime, ObjectIdentifier};
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

const ID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const SECP384R1: &str = "1.3.132.0.34";
const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";

/// A P-384 key from a 32-byte seed (SHA-384 of it, reduced into the field: deterministic).
pub fn key(seed: &str) -> SigningKey {
    use sha2::Digest;
    let wide = sha2::Sha384::digest(format!("trace-conformance synthetic key {seed}").as_bytes());
    SigningKey::from_slice(&wide).expect("a SHA-384 digest is a valid P-384 scalar with overwhelming probability")
}

/// The SubjectPublicKeyInfo of a P-384 key.
pub(crate) fn spki(k: &SigningKey) -> SubjectPublicKeyInfoOwned {
    let point = k.verifying_key().to_sec1_point(false);
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap(ID_EC_PUBLIC_KEY),
            parameters: Some(x509_cert::der::Any::from(&ObjectIdentifier::new_unwrap(SECP384R1))),
        },
        subject_public_key: BitString::from_bytes(point.as_bytes()).expect("bits"),
    }
}

/// An X.509 time from Unix seconds.
fn time(t: i64) -> x509_cert::time::Time {
    x509_cert::time::Time::GeneralTime(
        GeneralizedTime::from_unix_duration(Duration::from_secs(t.max(0) as u64)).expect("time"),
    )
}

/// What a synthetic certificate says, whatever signs it.
pub(crate) struct CertFields<'a> {
    pub subject: &'a str,
    pub subject_key: SubjectPublicKeyInfoOwned,
    pub issuer: &'a str,
    pub not_before: i64,
    pub not_after: i64,
    pub serial: u8,
    pub extensions: Option<Vec<x509_cert::ext::Extension>>,
}

/// The to-be-signed part of a certificate signed with `alg`.
pub(crate) fn tbs(f: CertFields, alg: &AlgorithmIdentifierOwned) -> x509_cert::TbsCertificate {
    x509_cert::TbsCertificate {
        version: x509_cert::Version::V3,
        serial_number: x509_cert::serial_number::SerialNumber::new(&[f.serial]).expect("serial"),
        signature: alg.clone(),
        issuer: x509_cert::name::Name::from_str(f.issuer).expect("issuer name"),
        validity: x509_cert::time::Validity {
            not_before: time(f.not_before),
            not_after: time(f.not_after),
        },
        subject: x509_cert::name::Name::from_str(f.subject).expect("subject name"),
        subject_public_key_info: f.subject_key,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: f.extensions,
    }
}

/// A certificate with `fields`, signed ECDSA P-384/SHA-384 by `issuer_key`.
pub(crate) fn ecdsa_signed(fields: CertFields, issuer_key: &SigningKey) -> x509_cert::Certificate {
    let alg = AlgorithmIdentifierOwned {
        oid: ObjectIdentifier::new_unwrap(ECDSA_SHA384),
        parameters: None,
    };
    let tbs = tbs(fields, &alg);
    let tbs_der = tbs.to_der().expect("encodes");
    let sig: p384::ecdsa::Signature = issuer_key.sign(&tbs_der);
    x509_cert::Certificate {
        tbs_certificate: tbs,
        signature_algorithm: alg,
        signature: BitString::from_bytes(sig.to_der().as_bytes()).expect("bits"),
    }
}

/// A certificate for `subject_key` named `subject`, issued by `issuer` (name and key),
/// valid from `not_before` to `not_after` (Unix seconds).
pub fn certificate(
    subject: &str,
    subject_key: &SigningKey,
    issuer: &str,
    issuer_key: &SigningKey,
    not_before: i64,
    not_after: i64,
    serial: u8,
) -> x509_cert::Certificate {
    let fields = CertFields {
        subject,
        subject_key: spki(subject_key),
        issuer,
        not_before,
        not_after,
        serial,
        extensions: None,
    };
    ecdsa_signed(fields, issuer_key)
}

/// The test root every synthetic Nitro document chains to, and the SHA-256 a verifier pins.
pub fn nitro_test_root() -> (SigningKey, x509_cert::Certificate) {
    let k = key("nitro-root");
    let c = certificate(
        "CN=trace-conformance synthetic Nitro root",
        &k,
        "CN=trace-conformance synthetic Nitro root",
        &k,
        1_700_000_000,
        2_500_000_000,
        1,
    );
    (k, c)
}

/// The test root's DER (for a chain that should not be pinned: another CA).
pub fn nitro_test_root_der() -> Vec<u8> {
    nitro_test_root().1.to_der().expect("der")
}

/// The SHA-256 (hex) of the test root's DER: what a verifier pins to accept synthetic documents.
pub fn nitro_test_root_sha256() -> String {
    trace_hardware::sha256_hex(&nitro_test_root().1)
}

/// What goes into a synthetic Nitro document.
pub struct NitroClaims {
    pub pcr0: [u8; 48],
    pub user_data: Vec<u8>,
    /// Issuance time (Unix seconds); the enclave certificate lives 3 hours from it.
    pub issued_at: i64,
}

/// A COSE_Sign1 attestation document: root → enclave certificate → ES384 signature.
pub fn nitro_document(c: &NitroClaims) -> Vec<u8> {
    use coset::cbor::value::Value as Cbor;
    let (root_key, root) = nitro_test_root();
    let enclave_key = key("nitro-enclave");
    let leaf = certificate(
        "CN=synthetic-enclave",
        &enclave_key,
        "CN=trace-conformance synthetic Nitro root",
        &root_key,
        c.issued_at,
        c.issued_at + 3 * 3600,
        2,
    );
    let bytes = |b: &[u8]| Cbor::Bytes(b.to_vec());
    let mut pcrs = vec![(Cbor::Integer(0.into()), bytes(&c.pcr0))];
    for i in 1..3 {
        pcrs.push((Cbor::Integer(i.into()), bytes(&[0u8; 48])));
    }
    let map = Cbor::Map(vec![
        (Cbor::Text("module_id".into()), Cbor::Text("synthetic-enclave".into())),
        (Cbor::Text("digest".into()), Cbor::Text("SHA384".into())),
        (
            Cbor::Text("timestamp".into()),
            Cbor::Integer((c.issued_at * 1000).into()),
        ),
        (Cbor::Text("pcrs".into()), Cbor::Map(pcrs)),
        (Cbor::Text("certificate".into()), bytes(&leaf.to_der().expect("der"))),
        (
            Cbor::Text("cabundle".into()),
            Cbor::Array(vec![bytes(&root.to_der().expect("der"))]),
        ),
        (Cbor::Text("public_key".into()), Cbor::Null),
        (Cbor::Text("user_data".into()), bytes(&c.user_data)),
        (Cbor::Text("nonce".into()), Cbor::Null),
    ]);
    let mut payload = Vec::new();
    coset::cbor::ser::into_writer(&map, &mut payload).expect("CBOR");
    let protected = HeaderBuilder::new().algorithm(coset::iana::Algorithm::ES384).build();
    let unsigned = CoseSign1Builder::new().protected(protected).payload(payload).build();
    let sig: p384::ecdsa::Signature = enclave_key.sign(&unsigned.tbs_data(b""));
    let mut signed = unsigned;
    signed.signature = sig.to_bytes().to_vec();
    signed.to_tagged_vec().expect("COSE")
}

/// The test root synthetic GPU reports chain to.
pub fn nvidia_test_root() -> (SigningKey, x509_cert::Certificate) {
    let k = key("nvidia-root");
    let c = certificate(
        "CN=trace-conformance synthetic Device Identity CA",
        &k,
        "CN=trace-conformance synthetic Device Identity CA",
        &k,
        1_600_000_000,
        4_000_000_000,
        3,
    );
    (k, c)
}

pub fn nvidia_test_root_sha256() -> String {
    trace_hardware::sha256_hex(&nvidia_test_root().1)
}

pub(crate) fn pem(cert: &x509_cert::Certificate) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(cert.to_der().expect("DER"));
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

/// The measurement record of a synthetic GPU report: one block (index 1, DMTF, a 3-byte
/// header and the 48-byte digest).
fn spdm_record(measurement: [u8; 48]) -> Vec<u8> {
    let block_len = 3 + 48;
    let mut record = vec![1u8, 0x01];
    record.extend_from_slice(&(block_len as u16).to_le_bytes());
    record.push(0x01); // DMTF measurement value type
    record.extend_from_slice(&48u16.to_le_bytes());
    record.extend_from_slice(&measurement);
    record
}

/// The TRACE measurement of a synthetic GPU report with this block digest (`sha384:` over its
/// measurement record, `trace_hardware::nvidia`'s profile).
pub fn spdm_measurement(measurement: [u8; 48]) -> String {
    use sha2::Digest;
    format!(
        "sha384:{}",
        trace_hardware::hex(&sha2::Sha384::digest(spdm_record(measurement)))
    )
}

/// A GPU evidence pair: the SPDM GET_MEASUREMENTS request (with `nonce`) and MEASUREMENTS
/// response (one SHA-384 measurement block), signed by a device key certified by the test
/// root, as hex text; and the chain, leaf first, as PEM.
pub fn spdm_report(nonce: [u8; 32], measurement: [u8; 48]) -> (String, String) {
    let (root_key, root) = nvidia_test_root();
    let device = key("nvidia-device");
    let leaf = certificate(
        "CN=synthetic GPU device",
        &device,
        "CN=trace-conformance synthetic Device Identity CA",
        &root_key,
        1_600_000_000,
        4_000_000_000,
        4,
    );
    let mut m = vec![0x11, 0xE0, 0x01, 0xFF];
    m.extend_from_slice(&nonce);
    m.push(0); // slot
    let record = spdm_record(measurement);
    m.extend_from_slice(&[0x11, 0x60, 0x00, 0x00, 0x01]);
    m.extend_from_slice(&(record.len() as u32).to_le_bytes()[..3]);
    m.extend_from_slice(&record);
    m.extend_from_slice(&[0x5a; 32]); // responder nonce
    m.extend_from_slice(&0u16.to_le_bytes()); // no opaque data
    let sig: p384::ecdsa::Signature = device.sign(&m);
    m.extend_from_slice(&sig.to_bytes());
    (trace_hardware::hex(&m), format!("{}{}", pem(&leaf), pem(&root)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use trace_hardware::Verdict;

    fn claims() -> NitroClaims {
        NitroClaims {
            pcr0: [7u8; 48],
            user_data: vec![0xAB; 32],
            issued_at: 1_785_000_000,
        }
    }

    fn root_pin() -> String {
        nitro_test_root_sha256()
    }

    #[test]
    fn a_synthetic_document_verifies_only_under_its_pinned_test_root() {
        let doc = nitro_document(&claims());
        let a = trace_hardware::nitro::appraise_with_root(&doc, 1_785_000_060, &root_pin());
        assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
        assert_eq!(
            a.measurement.as_deref(),
            Some(format!("sha384:{}", "07".repeat(48)).as_str())
        );
        assert_eq!(a.report_data.as_deref(), Some("ab".repeat(32).as_str()));
        assert_eq!(a.debug, Some(false));
        // Under the real AWS pin it is not AWS's: invalid.
        let a = trace_hardware::nitro::appraise(&doc, 1_785_000_060);
        assert!(
            a.verdict == Verdict::Invalid
                && a.checks
                    .iter()
                    .any(|c| c.name == trace_hardware::CheckName::RootPin && !c.passed)
        );
        // Past the enclave certificate's 3 hours, and before it.
        assert_eq!(
            trace_hardware::nitro::appraise_with_root(&doc, 1_785_000_000 + 3 * 3600 + 1, &root_pin()).verdict,
            Verdict::Invalid
        );
        assert_eq!(
            trace_hardware::nitro::appraise_with_root(&doc, 1_784_999_999, &root_pin()).verdict,
            Verdict::Invalid
        );
        // Any byte changed.
        for i in [20, doc.len() / 2, doc.len() - 1] {
            let mut d = doc.clone();
            d[i] ^= 1;
            assert_eq!(
                trace_hardware::nitro::appraise_with_root(&d, 1_785_000_060, &root_pin()).verdict,
                Verdict::Invalid,
                "byte {i}"
            );
        }
    }

    #[test]
    fn a_synthetic_gpu_report_verifies_only_under_its_pinned_test_root() {
        let (report, chain) = spdm_report([0x42; 32], [9; 48]);
        let root = nvidia_test_root_sha256();
        let a = trace_hardware::nvidia::appraise_with_root(report.as_bytes(), chain.as_bytes(), 1_785_000_000, &root);
        assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
        assert_eq!(a.report_data.as_deref(), Some("42".repeat(32).as_str()));
        assert_eq!(
            trace_hardware::nvidia::appraise(report.as_bytes(), chain.as_bytes(), 1_785_000_000).verdict,
            Verdict::Invalid
        );
        let mut flipped = report.clone().into_bytes();
        flipped[10] = if flipped[10] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            trace_hardware::nvidia::appraise_with_root(&flipped, chain.as_bytes(), 1_785_000_000, &root).verdict,
            Verdict::Invalid
        );
    }

    #[test]
    fn documents_are_deterministic() {
        assert_eq!(nitro_document(&claims()), nitro_document(&claims()));
    }
}
