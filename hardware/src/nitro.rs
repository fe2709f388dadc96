//! AWS Nitro Enclaves attestation documents: COSE_Sign1 (ES384) over a CBOR map, signed by
//! an enclave certificate that chains, through the document's own `cabundle`, to the pinned
//! AWS Nitro Enclaves Root-G1.
//!
//! Owns: decoding the document (raw CBOR, or base64 text), the root pin (SHA-256 of its DER,
//! a public fact), the chain's ECDSA signatures and validity at the pinned time, the COSE
//! signature, and the facts TRACE uses (PCR0 as `sha384:` measurement; all-zero PCRs mean a
//! debug enclave; `user_data`/`public_key`/`nonce` where a key binding goes).

use crate::CheckName;
use crate::{Appraisal, Verdict, hex, push, x509};
use coset::cbor::value::Value as Cbor;
use coset::{CborSerializable, CoseSign1, TaggedCborSerializable};
use x509_cert::der::Decode;

/// SHA-256 of the DER of "CN=aws.nitro-enclaves" Root-G1 (AWS publishes this certificate).
pub const ROOT_G1_SHA256: &str = "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";

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

/// Appraises a Nitro attestation document at `at` (Unix seconds) under the AWS root.
pub fn appraise(document: &[u8], at: i64) -> Appraisal {
    appraise_with_root(document, at, ROOT_G1_SHA256)
}

/// Appraises under the root whose DER has SHA-256 `root_sha256` (a caller's explicit pin,
/// e.g. the project's synthetic test root).
pub fn appraise_with_root(document: &[u8], at: i64, root_sha256: &str) -> Appraisal {
    let mut checks = Vec::new();
    let mut a = Appraisal::invalid();
    let bytes = decode(document);
    let sign1 = CoseSign1::from_tagged_slice(&bytes).or_else(|_| CoseSign1::from_slice(&bytes));
    let Ok(sign1) = sign1 else {
        push(&mut checks, CheckName::Cose, false, "not a COSE_Sign1 structure");
        a.checks = checks;
        return a;
    };
    let alg_ok = sign1.protected.header.alg
        == Some(coset::RegisteredLabelWithPrivate::Assigned(
            coset::iana::Algorithm::ES384,
        ));
    push(
        &mut checks,
        CheckName::CoseAlg,
        alg_ok,
        "the protected header names ES384",
    );
    let payload = sign1.payload.clone().unwrap_or_default();
    let map = match coset::cbor::de::from_reader::<Cbor, _>(payload.as_slice()) {
        Ok(Cbor::Map(m)) => m,
        _ => {
            push(&mut checks, CheckName::Document, false, "the payload is not a CBOR map");
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
        push(
            &mut checks,
            CheckName::Chain,
            false,
            "the document has no certificate or an empty cabundle",
        );
        a.checks = checks;
        return a;
    };
    let root_digest = x509::sha256_hex(root);
    push(
        &mut checks,
        CheckName::RootPin,
        root_digest == root_sha256,
        format!("cabundle[0] SHA-256 {root_digest}"),
    );
    // cabundle is root first; each certificate is signed by the one before, the leaf by the last.
    let mut path: Vec<&x509_cert::Certificate> = bundle.iter().collect();
    path.push(&leaf);
    x509::check_ecdsa_path(&path, at, &mut checks);
    // The COSE signature with the enclave certificate's key.
    let sig_ok = x509::p384_leaf_verifies(&leaf, &sign1.tbs_data(b""), &sign1.signature);
    push(
        &mut checks,
        CheckName::CoseSignature,
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

/// A capture's attestation document (`attestation.cose`, `attestation_doc.cbor` or
/// `attestation_doc.b64`), appraised under AWS's root or `pin`.
pub fn appraise_files(files: &crate::platforms::Files, at: i64, pin: Option<&str>) -> Appraisal {
    let names = ["attestation.cose", "attestation_doc.cbor", "attestation_doc.b64"];
    match (crate::platforms::first(files, &names), pin) {
        (Some(doc), Some(root)) => appraise_with_root(doc, at, root),
        (Some(doc), None) => appraise(doc, at),
        (None, _) => Appraisal::not_implemented("a Nitro capture without attestation.cose/attestation_doc.*"),
    }
}
