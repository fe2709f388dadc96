//! AWS Nitro Enclaves attestation documents: COSE_Sign1 (ES384) over a CBOR map, signed by
//! an enclave certificate that chains, through the document's own `cabundle`, to the pinned
//! AWS Nitro Enclaves Root-G1.
//!
//! Owns: decoding the document (raw CBOR, or base64 text), the root pin (SHA-256 of its DER,
//! a public fact), the chain's ECDSA signatures and validity at the pinned time, the COSE
//! signature, and the facts TRACE uses (PCR0 as `sha384:` measurement; all-zero PCRs mean a
//! debug enclave; `user_data`/`public_key`/`nonce` where a key binding goes).

use crate::{Appraisal, Check, Verdict, hex, x509};
use coset::cbor::value::Value as Cbor;
use coset::{CborSerializable, CoseSign1, TaggedCborSerializable};
use x509_cert::der::{Decode, Encode};

/// SHA-256 of the DER of "CN=aws.nitro-enclaves" Root-G1 (AWS publishes this certificate).
pub const ROOT_G1_SHA256: &str = "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";

const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";

fn check(checks: &mut Vec<Check>, name: &'static str, passed: bool, detail: impl Into<String>) -> bool {
    checks.push(Check {
        name,
        passed,
        detail: detail.into(),
    });
    passed
}

/// The document bytes: CBOR as is, or base64 text of it.
pub fn decode(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let looks_b64 = !compact.is_empty()
        && compact
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=-_".contains(c));
    if looks_b64 {
        use base64::Engine;
        let e = base64::engine::general_purpose::STANDARD;
        if let Ok(b) = e.decode(compact.replace('-', "+").replace('_', "/")) {
            return b;
        }
    }
    bytes.to_vec()
}

fn field<'a>(map: &'a [(Cbor, Cbor)], name: &str) -> Option<&'a Cbor> {
    map.iter().find(|(k, _)| k.as_text() == Some(name)).map(|(_, v)| v)
}

/// Verifies `cert` was signed by the key of `issuer` (ECDSA P-384/SHA-384 or P-256/SHA-256).
pub(crate) fn ecdsa_signed_by(cert: &x509_cert::Certificate, issuer: &x509_cert::Certificate) -> Result<(), String> {
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

/// Appraises a Nitro attestation document at `at` (Unix seconds) under the AWS root.
pub fn appraise(document: &[u8], at: i64) -> Appraisal {
    appraise_with_root(document, at, ROOT_G1_SHA256)
}

/// Appraises under the root whose DER has SHA-256 `root_sha256` (a caller's explicit pin,
/// e.g. the project's synthetic test root).
pub fn appraise_with_root(document: &[u8], at: i64, root_sha256: &str) -> Appraisal {
    let mut checks = Vec::new();
    let mut a = Appraisal {
        verdict: Verdict::Invalid,
        measurement: None,
        report_data: None,
        debug: None,
        checks: Vec::new(),
    };
    let bytes = decode(document);
    let sign1 = CoseSign1::from_tagged_slice(&bytes).or_else(|_| CoseSign1::from_slice(&bytes));
    let Ok(sign1) = sign1 else {
        check(&mut checks, "cose", false, "not a COSE_Sign1 structure");
        a.checks = checks;
        return a;
    };
    let alg_ok = sign1.protected.header.alg
        == Some(coset::RegisteredLabelWithPrivate::Assigned(
            coset::iana::Algorithm::ES384,
        ));
    check(&mut checks, "cose-alg", alg_ok, "the protected header names ES384");
    let payload = sign1.payload.clone().unwrap_or_default();
    let map = match coset::cbor::de::from_reader::<Cbor, _>(payload.as_slice()) {
        Ok(Cbor::Map(m)) => m,
        _ => {
            check(&mut checks, "document", false, "the payload is not a CBOR map");
            a.checks = checks;
            return a;
        }
    };
    let bstr = |name: &str| field(&map, name).and_then(Cbor::as_bytes).cloned();
    let leaf = bstr("certificate").and_then(|d| x509_cert::Certificate::from_der(&d).ok());
    let bundle: Vec<x509_cert::Certificate> = match field(&map, "cabundle") {
        Some(Cbor::Array(items)) => items
            .iter()
            .filter_map(|c| c.as_bytes())
            .filter_map(|d| x509_cert::Certificate::from_der(d).ok())
            .collect(),
        _ => Vec::new(),
    };
    // PCRs: PCR0 is the enclave image; all zero means a debug enclave.
    if let Some(Cbor::Map(pcrs)) = field(&map, "pcrs") {
        let pcr = |i: i64| {
            pcrs.iter()
                .find(|(k, _)| k.as_integer().map(i128::from) == Some(i128::from(i)))
                .and_then(|(_, v)| v.as_bytes())
        };
        if let Some(p0) = pcr(0) {
            a.measurement = Some(format!("sha384:{}", hex(p0)));
            a.debug = Some(p0.iter().all(|b| *b == 0));
        }
    }
    a.report_data = bstr("user_data")
        .or_else(|| bstr("public_key"))
        .or_else(|| bstr("nonce"))
        .map(|b| hex(&b));

    let (Some(leaf), Some(root)) = (leaf, bundle.first()) else {
        check(
            &mut checks,
            "chain",
            false,
            "the document has no certificate or an empty cabundle",
        );
        a.checks = checks;
        return a;
    };
    let root_digest = hex(&sha2::Digest::finalize(
        <sha2::Sha256 as sha2::Digest>::new_with_prefix(x509::der(root)),
    ));
    check(
        &mut checks,
        "root-pin",
        root_digest == root_sha256,
        format!("cabundle[0] SHA-256 {root_digest}"),
    );
    // cabundle is root first; each certificate is signed by the one before, the leaf by the last.
    let mut path: Vec<&x509_cert::Certificate> = bundle.iter().collect();
    path.push(&leaf);
    let mut chain_ok = ecdsa_signed_by(root, root).is_ok();
    for pair in path.windows(2) {
        if let Err(e) = ecdsa_signed_by(pair[1], pair[0]) {
            chain_ok = false;
            check(&mut checks, "chain", false, e);
        }
    }
    if chain_ok {
        check(
            &mut checks,
            "chain",
            true,
            format!("{} certificates from the root to the enclave certificate", path.len()),
        );
    }
    let mut in_window = true;
    for (i, c) in path.iter().enumerate() {
        let (from, until) = x509::validity(c);
        if !(from <= at && at <= until) {
            in_window = false;
            check(
                &mut checks,
                "validity",
                false,
                format!("certificate {i} is valid from {from} to {until}, not at {at}"),
            );
        }
    }
    if in_window {
        check(
            &mut checks,
            "validity",
            true,
            format!("every certificate is valid at {at}"),
        );
    }
    // The COSE signature with the enclave certificate's key.
    let key = leaf
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .as_bytes()
        .unwrap_or_default();
    let tbs = sign1.tbs_data(b"");
    let sig_ok = p384::ecdsa::VerifyingKey::from_sec1_bytes(key).is_ok_and(|vk| {
        use p384::ecdsa::signature::Verifier;
        p384::ecdsa::Signature::from_slice(&sign1.signature).is_ok_and(|s| vk.verify(&tbs, &s).is_ok())
    });
    check(
        &mut checks,
        "cose-signature",
        sig_ok,
        "ES384 over the Sig_structure with the enclave certificate's key",
    );
    a.verdict = if checks.iter().all(|c| c.passed) {
        Verdict::Valid
    } else {
        Verdict::Invalid
    };
    a.checks = checks;
    a
}
