//! The few X.509 facts the evidence verifiers need that the platform crates do not check:
//! validity at a pinned time and private extensions.
//!
//! Owns: reading `x509_cert` certificates. Does not own any signature check.

use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

/// (notBefore, notAfter) in Unix seconds.
pub fn validity(cert: &Certificate) -> (i64, i64) {
    let v = &cert.tbs_certificate.validity;
    (
        v.not_before.to_unix_duration().as_secs() as i64,
        v.not_after.to_unix_duration().as_secs() as i64,
    )
}

/// The raw `extnValue` of the extension `oid` (dotted), when present.
pub fn extension(cert: &Certificate, oid: &str) -> Option<Vec<u8>> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id.to_string() == oid)
        .map(|e| e.extn_value.as_bytes().to_vec())
}

/// The value of a DER INTEGER that fits in a u64 (AMD's SPL extensions).
pub fn der_uint(bytes: &[u8]) -> Option<u64> {
    let int = x509_cert::der::asn1::Uint::from_der(bytes).ok()?;
    let b = int.as_bytes();
    (b.len() <= 8).then(|| b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
}

/// The content of a DER OCTET STRING, or the bytes themselves when they are not one.
pub fn octets(bytes: &[u8]) -> Vec<u8> {
    match x509_cert::der::asn1::OctetString::from_der(bytes) {
        Ok(o) => o.as_bytes().to_vec(),
        Err(_) => bytes.to_vec(),
    }
}

pub fn der(cert: &Certificate) -> Vec<u8> {
    cert.to_der().unwrap_or_default()
}

/// Parses PEM or DER, one certificate.
pub fn parse(bytes: &[u8]) -> Option<Certificate> {
    if bytes.starts_with(b"-----BEGIN") {
        use x509_cert::der::DecodePem;
        Certificate::from_pem(bytes).ok()
    } else {
        Certificate::from_der(bytes).ok()
    }
}

/// Every certificate of a PEM bundle, in order.
pub fn parse_pem_bundle(bytes: &[u8]) -> Vec<Certificate> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let Some(end) = rest[start..].find("-----END CERTIFICATE-----") else {
            break;
        };
        let block = &rest[start..start + end + "-----END CERTIFICATE-----".len()];
        if let Some(c) = parse(block.as_bytes()) {
            out.push(c);
        }
        rest = &rest[start + end + 1..];
    }
    out
}
