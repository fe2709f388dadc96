//! Arm CCA attestation tokens: a CBOR tag 399 collection of a platform token (key 44234) and
//! a realm token (key 44241), each a COSE_Sign1. The platform token is signed by the
//! platform's initial attestation key (IAK, ECDSA P-256 or P-384), which the verifier pins by
//! the SHA-256 of its SubjectPublicKeyInfo DER (CCA endorses the key itself, no chain); its
//! challenge is the hash of the realm attestation key (RAK) the realm token carries; the realm
//! token is signed ES384 by that RAK.
//!
//! Owns: the collection, both signatures, the IAK pin, the RAK binding, the platform
//! security lifecycle, and the facts TRACE uses: the realm initial measurement (RIM) as
//! `sha256:`/`sha384:`/`sha512:` by the realm hash algorithm, the realm challenge as report
//! data, debug from the lifecycle (non-PSA-RoT and recoverable PSA-RoT debug). Does not own
//! reference values for the platform software components (the relying party's policy).

use crate::CheckName;
use crate::{Appraisal, Verdict, hex, push};
use coset::cbor::value::Value as Cbor;
use coset::{CborSerializable, CoseSign1, TaggedCborSerializable};
use sha2::Digest;

/// CBOR tag of the CCA token collection and its two members.
pub const COLLECTION_TAG: u64 = 399;
pub const PLATFORM_TOKEN: i64 = 44234;
pub const REALM_TOKEN: i64 = 44241;
/// Claim keys (EAT nonce and the CCA claims).
pub const CHALLENGE: i64 = 10;
pub const PLATFORM_LIFECYCLE: i64 = 2395;
pub const REALM_PERSONALIZATION: i64 = 44235;
pub const REALM_HASH_ALG: i64 = 44236;
pub const REALM_PUBLIC_KEY: i64 = 44237;
pub const REALM_INITIAL_MEASUREMENT: i64 = 44238;
pub const REALM_EXTENSIBLE_MEASUREMENTS: i64 = 44239;
pub const REALM_PUBLIC_KEY_HASH_ALG: i64 = 44240;

fn claim(map: &[(Cbor, Cbor)], key: i64) -> Option<&Cbor> {
    map.iter()
        .find(|(k, _)| matches!(k, Cbor::Integer(i) if i128::from(*i) == i128::from(key)))
        .map(|(_, v)| v)
}

fn bytes(map: &[(Cbor, Cbor)], key: i64) -> Option<&[u8]> {
    match claim(map, key)? {
        Cbor::Bytes(b) => Some(b),
        _ => None,
    }
}

fn text(map: &[(Cbor, Cbor)], key: i64) -> Option<&str> {
    match claim(map, key)? {
        Cbor::Text(t) => Some(t),
        _ => None,
    }
}

fn digest(alg: &str, data: &[u8]) -> Option<Vec<u8>> {
    match alg {
        "sha-256" => Some(sha2::Sha256::digest(data).to_vec()),
        "sha-384" => Some(sha2::Sha384::digest(data).to_vec()),
        "sha-512" => Some(sha2::Sha512::digest(data).to_vec()),
        _ => None,
    }
}

/// The two COSE_Sign1 of a collection, platform first.
fn split(token: &[u8]) -> Option<(CoseSign1, CoseSign1)> {
    let mut rest = token;
    let value: Cbor = coset::cbor::de::from_reader(&mut rest).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let Cbor::Tag(COLLECTION_TAG, inner) = value else {
        return None;
    };
    let Cbor::Map(members) = *inner else {
        return None;
    };
    // Exactly the two tokens, each once: nothing unsigned rides along.
    let keys: Vec<i128> = members
        .iter()
        .filter_map(|(k, _)| match k {
            Cbor::Integer(i) => Some(i128::from(*i)),
            _ => None,
        })
        .collect();
    if members.len() != 2 || !keys.contains(&PLATFORM_TOKEN.into()) || !keys.contains(&REALM_TOKEN.into()) {
        return None;
    }
    let sign1 = |key| {
        let b = bytes(&members, key)?;
        CoseSign1::from_tagged_slice(b)
            .or_else(|_| CoseSign1::from_slice(b))
            .ok()
    };
    Some((sign1(PLATFORM_TOKEN)?, sign1(REALM_TOKEN)?))
}

fn claims(sign1: &CoseSign1) -> Option<Vec<(Cbor, Cbor)>> {
    match coset::cbor::de::from_reader(sign1.payload.as_deref()?).ok()? {
        Cbor::Map(m) => Some(m),
        _ => None,
    }
}

/// ECDSA over the COSE_Sign1's to-be-signed bytes with a SEC1 point on P-256 or P-384.
fn verifies(sign1: &CoseSign1, point: &[u8]) -> bool {
    use p256::ecdsa::signature::Verifier;
    let tbs = sign1.tbs_data(b"");
    match point.len() {
        65 => p256::ecdsa::VerifyingKey::from_sec1_bytes(point).is_ok_and(|k| {
            p256::ecdsa::Signature::from_slice(&sign1.signature).is_ok_and(|s| k.verify(&tbs, &s).is_ok())
        }),
        97 => p384::ecdsa::VerifyingKey::from_sec1_bytes(point).is_ok_and(|k| {
            p384::ecdsa::Signature::from_slice(&sign1.signature).is_ok_and(|s| k.verify(&tbs, &s).is_ok())
        }),
        _ => false,
    }
}

/// The SEC1 point of an EC SubjectPublicKeyInfo (DER or PEM).
fn spki_point(iak: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    use x509_cert::der::{Decode, Encode};
    let der = crate::pem::decode(iak, "PUBLIC KEY").unwrap_or_else(|| iak.to_vec());
    let spki = x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(&der).ok()?;
    Some((spki.subject_public_key.as_bytes()?.to_vec(), spki.to_der().ok()?))
}

/// Appraises a token with the IAK (SPKI, DER or PEM) pinned by the SHA-256 of its DER. No time
/// enters: CCA tokens carry no validity, freshness is the challenge's.
pub fn appraise(token: &[u8], iak: &[u8], iak_sha256: &str) -> Appraisal {
    let mut a = Appraisal::invalid();
    let checks = &mut a.checks;
    let Some((platform, realm)) = split(token) else {
        push(
            checks,
            CheckName::CcaToken,
            false,
            "not a CBOR tag 399 collection of exactly the two COSE_Sign1 tokens, and nothing after it",
        );
        return a;
    };
    let (Some(p), Some(r)) = (claims(&platform), claims(&realm)) else {
        push(
            checks,
            CheckName::CcaToken,
            false,
            "a token's payload is not a CBOR claims map",
        );
        return a;
    };
    push(
        checks,
        CheckName::CcaToken,
        true,
        "platform (44234) and realm (44241) tokens",
    );
    let pinned = spki_point(iak);
    let digest_hex = pinned.as_ref().map(|(_, der)| hex(&sha2::Sha256::digest(der)));
    push(
        checks,
        CheckName::RootPin,
        digest_hex
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case(iak_sha256)),
        format!("IAK SubjectPublicKeyInfo SHA-256 {digest_hex:?}"),
    );
    push(
        checks,
        CheckName::Signature,
        pinned.as_ref().is_some_and(|(point, _)| verifies(&platform, point)),
        "the platform token is signed by the IAK",
    );
    let rak = bytes(&r, REALM_PUBLIC_KEY);
    push(
        checks,
        CheckName::ReportSignature,
        rak.is_some_and(|k| verifies(&realm, k)),
        "the realm token is signed by the RAK it carries (cca-realm-public-key)",
    );
    let bound = match (rak, text(&r, REALM_PUBLIC_KEY_HASH_ALG), bytes(&p, CHALLENGE)) {
        (Some(k), Some(alg), Some(challenge)) => digest(alg, k).is_some_and(|d| d == challenge),
        _ => false,
    };
    push(
        checks,
        CheckName::RakBinding,
        bound,
        "the platform challenge is the hash of the RAK (cca-realm-public-key-hash-algo-id)",
    );
    let lifecycle = match claim(&p, PLATFORM_LIFECYCLE) {
        Some(Cbor::Integer(i)) => u16::try_from(i128::from(*i)).ok(),
        _ => None,
    };
    let state = lifecycle.map(|l| l >> 8);
    push(
        checks,
        CheckName::Lifecycle,
        matches!(state, Some(0x30 | 0x40 | 0x50)),
        format!("security lifecycle {lifecycle:04x?}: secured, or a debug state reported as such"),
    );
    a.debug = match state {
        Some(0x30) => Some(false),
        Some(0x40 | 0x50) => Some(true),
        _ => None,
    };
    let rim = bytes(&r, REALM_INITIAL_MEASUREMENT);
    a.measurement = match (text(&r, REALM_HASH_ALG), rim) {
        (Some(alg @ ("sha-256" | "sha-384" | "sha-512")), Some(m)) => {
            Some(format!("{}:{}", alg.replace('-', ""), hex(m)))
        }
        _ => None,
    };
    a.report_data = bytes(&r, CHALLENGE).map(hex);
    a.verdict = if a.checks.iter().all(|c| c.passed) {
        Verdict::Valid
    } else {
        Verdict::Invalid
    };
    a
}

/// A capture's `token.cbor` and IAK (`iak.der` or `iak.pem`), the IAK pinned by `pin`.
/// Without a pin the token is at best authentic to the key it names: unverifiable.
pub fn appraise_files(files: &crate::platforms::Files, at: i64, pin: Option<&str>) -> Appraisal {
    let _ = at; // CCA tokens carry no validity period to check.
    use crate::platforms::first;
    let (Some(token), Some(iak)) = (first(files, &["token.cbor"]), first(files, &["iak.der", "iak.pem"])) else {
        return Appraisal::not_implemented("a CCA capture without token.cbor and iak.der/iak.pem");
    };
    match pin {
        Some(pin) => appraise(token, iak, pin),
        None => {
            let mut a = appraise(token, iak, "");
            let only_unpinned = a.checks.iter().all(|c| c.passed || c.name == CheckName::RootPin);
            if only_unpinned {
                a.verdict = Verdict::Unverifiable;
            }
            a
        }
    }
}
