//! The few X.509 facts the evidence verifiers need that the platform crates do not check:
//! validity at a pinned time and private extensions.
//!
//! Owns: reading `x509_cert` certificates. Does not own any signature check.

use crate::CheckName;
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

/// Lowercase hex SHA-256 of the certificate's DER: how roots are pinned.
pub fn sha256_hex(cert: &Certificate) -> String {
    use sha2::Digest;
    crate::hex(&sha2::Sha256::digest(der(cert)))
}

pub fn der(cert: &Certificate) -> Vec<u8> {
    cert.to_der().unwrap_or_default()
}

/// Parses PEM or DER, one certificate.
pub fn parse(bytes: &[u8]) -> Option<Certificate> {
    if bytes.starts_with(b"-----BEGIN") {
        Certificate::from_der(&crate::pem::decode(bytes, "CERTIFICATE")?).ok()
    } else {
        Certificate::from_der(bytes).ok()
    }
}

/// Every certificate of a PEM bundle, in order (blocks that do not parse are left out).
pub fn parse_pem_bundle(bytes: &[u8]) -> Vec<Certificate> {
    crate::pem::decode_all(bytes, "CERTIFICATE")
        .iter()
        .filter_map(|der| Certificate::from_der(der).ok())
        .collect()
}

/// Whether the P-384 key of `cert` verifies `sig` (raw r || s) over `message` (SHA-384):
/// the signature of a Nitro document or an NVIDIA report by its leaf certificate.
pub fn p384_leaf_verifies(cert: &Certificate, message: &[u8], sig: &[u8]) -> bool {
    use p384::ecdsa::signature::Verifier;
    let key = cert
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .as_bytes()
        .unwrap_or_default();
    p384::ecdsa::VerifyingKey::from_sec1_bytes(key)
        .is_ok_and(|vk| p384::ecdsa::Signature::from_slice(sig).is_ok_and(|s| vk.verify(message, &s).is_ok()))
}

const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";

/// Verifies `cert` was signed by the key of `issuer` (ECDSA P-384/SHA-384 or P-256/SHA-256).
pub fn ecdsa_signed_by(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    let tbs = cert.tbs_certificate.to_der().map_err(|e| e.to_string())?;
    let sig = cert
        .signature
        .as_bytes()
        .ok_or("signature is not a whole number of bytes")?;
    let key = issuer
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .as_bytes()
        .ok_or("issuer key bits")?;
    match cert.signature_algorithm.oid.to_string().as_str() {
        ECDSA_SHA384 => {
            use p384::ecdsa::signature::Verifier;
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(key).map_err(|_| "the issuer key is not P-384")?;
            let s = p384::ecdsa::Signature::from_der(sig).map_err(|_| "the signature is not DER ECDSA")?;
            vk.verify(&tbs, &s)
                .map_err(|_| "the signature does not verify".to_string())
        }
        ECDSA_SHA256 => {
            use p256::ecdsa::signature::Verifier;
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(key).map_err(|_| "the issuer key is not P-256")?;
            let s = p256::ecdsa::Signature::from_der(sig).map_err(|_| "the signature is not DER ECDSA")?;
            vk.verify(&tbs, &s)
                .map_err(|_| "the signature does not verify".to_string())
        }
        other => Err(format!("signature algorithm {other} is not ECDSA with SHA-256/384")),
    }
}

/// Checks an ECDSA certificate path given root first: the root signs itself, each certificate
/// signs the next, and every certificate is valid at `at`. Records "chain" and "validity".
pub fn check_ecdsa_path(path: &[&Certificate], at: i64, checks: &mut Vec<crate::Check>) {
    let mut chain_ok = true;
    match path.first().map(|root| ecdsa_signed_by(root, root)) {
        Some(Ok(())) => {}
        Some(Err(e)) => {
            chain_ok = false;
            crate::push(
                checks,
                CheckName::Chain,
                false,
                format!("the root does not sign itself: {e}"),
            );
        }
        None => {
            chain_ok = false;
            crate::push(checks, CheckName::Chain, false, "no certificate on the path");
        }
    }
    for pair in path.windows(2) {
        if let Err(e) = ecdsa_signed_by(pair[1], pair[0]) {
            chain_ok = false;
            crate::push(checks, CheckName::Chain, false, e);
        }
    }
    if chain_ok {
        crate::push(
            checks,
            CheckName::Chain,
            true,
            format!("{} certificates from the root to the leaf", path.len()),
        );
    }
    let mut in_window = true;
    for (i, c) in path.iter().enumerate() {
        let (from, until) = validity(c);
        if !(from <= at && at <= until) {
            in_window = false;
            crate::push(
                checks,
                CheckName::Validity,
                false,
                format!("certificate {i} from the root is valid from {from} to {until}, not at {at}"),
            );
        }
    }
    if in_window {
        crate::push(
            checks,
            CheckName::Validity,
            true,
            format!("every certificate is valid at {at}"),
        );
    }
}
