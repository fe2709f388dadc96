//! Synthetic Arm CCA attestation tokens: a platform token signed ES256 by a synthetic IAK
//! whose challenge is the SHA-256 of the realm's RAK, and a realm token signed ES384 by that
//! RAK, in a CBOR tag 399 collection. The IAK's SubjectPublicKeyInfo is what a verifier pins.
//!
//! Owns: the token layout as `trace_hardware::cca` reads it. Does not own any verdict.

use coset::cbor::value::Value as Cbor;
use coset::{CoseSign1Builder, HeaderBuilder, TaggedCborSerializable};
use p256::ecdsa::signature::Signer;
use sha2::Digest;
use trace_hardware::cca::*;

/// PSA security lifecycle "secured" and "non-PSA-RoT debug".
pub const LIFECYCLE_SECURED: u16 = 0x3000;
pub const LIFECYCLE_DEBUG: u16 = 0x4000;

fn iak() -> p256::ecdsa::SigningKey {
    let d = sha2::Sha256::digest(b"trace-conformance synthetic cca iak");
    p256::ecdsa::SigningKey::from_slice(&d).expect("a valid P-256 scalar with overwhelming probability")
}

fn rak() -> p384::ecdsa::SigningKey {
    crate::key("cca-rak")
}

/// The IAK's SubjectPublicKeyInfo (DER).
pub fn iak_spki_der() -> Vec<u8> {
    use p256::pkcs8::EncodePublicKey;
    iak()
        .verifying_key()
        .to_public_key_der()
        .expect("a P-256 key encodes")
        .as_bytes()
        .to_vec()
}

/// The SHA-256 of the IAK's SubjectPublicKeyInfo DER: what a verifier pins.
pub fn iak_sha256() -> String {
    trace_hardware::hex(&sha2::Sha256::digest(iak_spki_der()))
}

/// What a synthetic token says.
pub struct CcaClaims {
    /// cca-realm-challenge (64 bytes): where the record key binding goes.
    pub challenge: [u8; 64],
    /// cca-realm-initial-measurement, SHA-256 (`cca-realm-hash-algo-id` sha-256).
    pub rim: [u8; 32],
    pub lifecycle: u16,
}

fn int(i: i64) -> Cbor {
    Cbor::Integer(i.into())
}

fn sign1<S: Signer<Sig>, Sig: SigBytes>(claims: Cbor, alg: coset::iana::Algorithm, key: &S) -> Vec<u8> {
    let mut payload = Vec::new();
    coset::cbor::ser::into_writer(&claims, &mut payload).expect("CBOR");
    let protected = HeaderBuilder::new().algorithm(alg).build();
    let mut unsigned = CoseSign1Builder::new().protected(protected).payload(payload).build();
    let sig: Sig = key.sign(&unsigned.tbs_data(b""));
    unsigned.signature = sig.raw();
    unsigned.to_tagged_vec().expect("COSE")
}

/// Raw r‖s of an ECDSA signature.
pub trait SigBytes {
    fn raw(&self) -> Vec<u8>;
}
impl SigBytes for p256::ecdsa::Signature {
    fn raw(&self) -> Vec<u8> {
        self.to_bytes().to_vec()
    }
}
impl SigBytes for p384::ecdsa::Signature {
    fn raw(&self) -> Vec<u8> {
        self.to_bytes().to_vec()
    }
}

/// The CBOR token collection.
pub fn token(c: &CcaClaims) -> Vec<u8> {
    token_binding(c, true)
}

/// A collection whose platform token's signature has one bit flipped after signing.
pub fn token_with_changed_platform_signature(c: &CcaClaims) -> Vec<u8> {
    let genuine = token(c);
    let value: Cbor = coset::cbor::de::from_reader(genuine.as_slice()).expect("CBOR");
    let Cbor::Tag(tag, inner) = value else {
        unreachable!("a tagged collection")
    };
    let Cbor::Map(mut members) = *inner else {
        unreachable!("a map")
    };
    for (k, v) in members.iter_mut() {
        if *k == int(PLATFORM_TOKEN)
            && let Cbor::Bytes(b) = v
        {
            let last = b.len() - 1;
            b[last] ^= 1; // the COSE_Sign1 signature ends the platform token
        }
    }
    let mut out = Vec::new();
    coset::cbor::ser::into_writer(&Cbor::Tag(tag, Box::new(Cbor::Map(members))), &mut out).expect("CBOR");
    out
}

/// A collection whose platform challenge is the hash of another key than the realm's RAK: each
/// token genuine and signed, the two not bound to each other.
pub fn token_with_unbound_rak(c: &CcaClaims) -> Vec<u8> {
    token_binding(c, false)
}

fn token_binding(c: &CcaClaims, rak_bound: bool) -> Vec<u8> {
    let rak_point = rak().verifying_key().to_sec1_point(false).as_bytes().to_vec();
    let bound_point = if rak_bound {
        rak_point.clone()
    } else {
        crate::key("cca-other-rak")
            .verifying_key()
            .to_sec1_point(false)
            .as_bytes()
            .to_vec()
    };
    let realm = Cbor::Map(vec![
        (int(CHALLENGE), Cbor::Bytes(c.challenge.to_vec())),
        (int(REALM_PERSONALIZATION), Cbor::Bytes(vec![0; 64])),
        (int(REALM_INITIAL_MEASUREMENT), Cbor::Bytes(c.rim.to_vec())),
        (
            int(REALM_EXTENSIBLE_MEASUREMENTS),
            Cbor::Array((0..4).map(|_| Cbor::Bytes(vec![0; 32])).collect()),
        ),
        (int(REALM_HASH_ALG), Cbor::Text("sha-256".into())),
        (int(REALM_PUBLIC_KEY), Cbor::Bytes(rak_point.clone())),
        (int(REALM_PUBLIC_KEY_HASH_ALG), Cbor::Text("sha-256".into())),
    ]);
    let platform = Cbor::Map(vec![
        (int(265), Cbor::Text("tag:arm.com,2023:cca_platform#1.0.0".into())),
        (int(CHALLENGE), Cbor::Bytes(sha2::Sha256::digest(&bound_point).to_vec())),
        (int(2396), Cbor::Bytes(vec![0x1d; 32])),
        (int(256), Cbor::Bytes([vec![0x01], vec![0x1e; 32]].concat())),
        (int(2401), Cbor::Bytes(vec![0xcf])),
        (int(PLATFORM_LIFECYCLE), int(i64::from(c.lifecycle))),
        (
            int(2399),
            Cbor::Array(vec![Cbor::Map(vec![
                (int(1), Cbor::Text("RMM".into())),
                (int(2), Cbor::Bytes(vec![0x2a; 32])),
                (int(5), Cbor::Bytes(vec![0x5b; 32])),
            ])]),
        ),
        (int(2402), Cbor::Text("sha-256".into())),
    ]);
    let collection = Cbor::Tag(
        COLLECTION_TAG,
        Box::new(Cbor::Map(vec![
            (
                int(PLATFORM_TOKEN),
                Cbor::Bytes(sign1::<_, p256::ecdsa::Signature>(
                    platform,
                    coset::iana::Algorithm::ES256,
                    &iak(),
                )),
            ),
            (
                int(REALM_TOKEN),
                Cbor::Bytes(sign1::<_, p384::ecdsa::Signature>(
                    realm,
                    coset::iana::Algorithm::ES384,
                    &rak(),
                )),
            ),
        ])),
    );
    let mut out = Vec::new();
    coset::cbor::ser::into_writer(&collection, &mut out).expect("CBOR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use trace_hardware::Verdict;

    fn claims(lifecycle: u16) -> CcaClaims {
        CcaClaims {
            challenge: [0x11; 64],
            rim: [0x7a; 32],
            lifecycle,
        }
    }

    #[test]
    fn a_synthetic_token_verifies_under_its_pinned_iak_only() {
        let t = token(&claims(LIFECYCLE_SECURED));
        let a = appraise(&t, &iak_spki_der(), &iak_sha256());
        assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
        assert_eq!(a.measurement, Some(format!("sha256:{}", "7a".repeat(32))));
        assert_eq!(a.report_data, Some("11".repeat(64)));
        assert_eq!(a.debug, Some(false));
        let a = appraise(&t, &iak_spki_der(), &"00".repeat(32));
        assert!(
            a.verdict == Verdict::Invalid
                && a.checks
                    .iter()
                    .any(|c| c.name == trace_hardware::CheckName::RootPin && !c.passed)
        );
    }

    #[test]
    fn a_debug_platform_verifies_and_says_so() {
        let a = appraise(&token(&claims(LIFECYCLE_DEBUG)), &iak_spki_der(), &iak_sha256());
        assert_eq!((a.verdict, a.debug), (Verdict::Valid, Some(true)), "{:#?}", a.checks);
        // Decommissioned is neither.
        let a = appraise(&token(&claims(0x6000)), &iak_spki_der(), &iak_sha256());
        assert!(
            a.verdict == Verdict::Invalid
                && a.checks
                    .iter()
                    .any(|c| c.name == trace_hardware::CheckName::Lifecycle && !c.passed)
        );
    }

    #[test]
    fn a_changed_byte_or_a_foreign_token_is_refused() {
        let t = token(&claims(LIFECYCLE_SECURED));
        // Every single-byte change is refused: each byte is signed, or structure.
        for i in 0..t.len() {
            let mut bad = t.clone();
            bad[i] ^= 0x01;
            let a = appraise(&bad, &iak_spki_der(), &iak_sha256());
            assert_eq!(a.verdict, Verdict::Invalid, "byte {i}: {:#?}", a.checks);
        }
        let changed = token_with_changed_platform_signature(&claims(LIFECYCLE_SECURED));
        let a = appraise(&changed, &iak_spki_der(), &iak_sha256());
        let failed: Vec<&str> = a.checks.iter().filter(|c| !c.passed).map(|c| c.name.name()).collect();
        assert_eq!(failed, ["signature"], "the IAK's signature alone");
        let a = appraise(b"\xa0", &iak_spki_der(), &iak_sha256());
        assert_eq!(a.verdict, Verdict::Invalid);
        let a = appraise(&[t.as_slice(), b"\x00"].concat(), &iak_spki_der(), &iak_sha256());
        assert!(
            a.verdict == Verdict::Invalid && a.checks[0].name == trace_hardware::CheckName::CcaToken,
            "trailing data"
        );
        let a = appraise(
            &token_with_unbound_rak(&claims(LIFECYCLE_SECURED)),
            &iak_spki_der(),
            &iak_sha256(),
        );
        let failed: Vec<&str> = a.checks.iter().filter(|c| !c.passed).map(|c| c.name.name()).collect();
        assert_eq!(failed, ["rak-binding"]);
    }
}
