//! The cnf key and the trust anchor: key shape, curves, trusted keys, malleable ECDSA.

use crate::build::SignatureKnob;
use trace_record::json::{Value, parse};
use trace_record::{Alg, Form, b64};

crate::no_families!();

/// The first little-endian y = 2, 3, ... that no Ed25519 point has (found, not hard-coded,
/// so the vector states the property rather than a constant).
fn undecodable_ed25519_point() -> [u8; 32] {
    (2u8..=255)
        .map(|y| {
            let mut bytes = [0u8; 32];
            bytes[0] = y;
            bytes
        })
        .find(|bytes| trace_record::PublicKey::from_raw(Alg::EdDSA, bytes).is_err())
        .expect("some small y is not on Ed25519")
}

fn jwk(text: &str) -> Value {
    parse(text.as_bytes()).expect("builder JWK parses")
}

vectors! { "sig", "keys", "The confirmation key (cnf.jwk) and the trust anchor.";
    /// cnf.jwk P-256 point (1, 1), which is not on the curve
    /// Invalid-curve points must be refused before any signature arithmetic.
    fn point_not_on_curve(b) {
        let one = b64::encode(&[[0u8; 31].as_slice(), &[1]].concat());
        b.alg(Alg::ES256).cnf_jwk = Some(jwk(&format!(r#"{{"kty":"EC","crv":"P-256","x":"{one}","y":"{one}"}}"#)));
        b.invalid("key/not-on-curve", "TR-SIG-004").spec("RFC 7518 §6.2.1");
    }
    /// An X25519 key in cnf.jwk
    /// X25519 is a key-agreement curve; it cannot verify a signature.
    fn x25519_key(b) {
        b.cnf_jwk = Some(jwk(r#"{"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}"#));
        b.invalid("key/unsupported", "TR-SIG-004").spec("S2 §3.2.1");
    }
    /// An RSA key in cnf.jwk
    /// S2 §3.2.1 lists no RSA algorithm (IMPL-05).
    fn rsa_key(b) {
        b.cnf_jwk = Some(jwk(r#"{"kty":"RSA","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}"#));
        b.invalid("key/unsupported", "TR-SIG-004").spec("S2 §3.2.1");
    }
    /// An Ed25519 x of 31 bytes
    /// Ed25519 public keys are exactly 32 bytes.
    fn ed25519_short_x(b) {
        b.cnf_jwk = Some(jwk(r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUQ"}"#));
        b.invalid("key/wrong-length", "TR-SIG-004").spec("RFC 8037 §2");
    }
    /// A P-384 key whose y is missing
    /// An EC JWK needs both coordinates.
    fn p384_without_y(b) {
        let mut k = b.alg(Alg::ES384).key().public_key().to_jwk();
        k.remove("y");
        b.cnf_jwk = Some(Value::Object(k));
        b.invalid("key/malformed", "TR-SIG-004").spec("RFC 7518 §6.2.1");
    }
    /// A JWK alg that contradicts the key (ES256 on an Ed25519 key)
    /// JWK alg, when present, must fit the key (RFC 7517 §4.4).
    fn jwk_alg_mismatch(b) {
        let mut k = b.key().public_key().to_jwk();
        k.insert("alg", Value::String("ES256".into()));
        b.cnf_jwk = Some(Value::Object(k));
        b.invalid("signature/alg-mismatch", "TR-SIG-004").spec("RFC 7517 §4.4");
    }
    /// A fractional number in a cnf.jwk extra member
    /// Canonicalizers disagree on such numbers more often than on any other value (D-08).
    fn jwk_float_extra(b) {
        let mut k = b.key().public_key().to_jwk();
        k.insert("zz", Value::Number(trace_record::json::Number::Float(1.5)));
        b.cnf_jwk = Some(Value::Object(k));
        b.invalid("key/non-canonicalizable-extra", "TR-ENV-008").spec("D-08");
    }
    /// A fractional number nested in a cnf.jwk extra object
    /// The rule applies at every depth of an extra member.
    fn jwk_nested_float_extra(b) {
        let mut k = b.key().public_key().to_jwk();
        k.insert("meta", jwk(r#"{"weights":[1,0.25]}"#));
        b.cnf_jwk = Some(Value::Object(k));
        b.invalid("key/non-canonicalizable-extra", "TR-ENV-008").spec("D-08");
    }
    /// cnf.jwk is not among the trusted keys
    /// A valid signature by an untrusted key proves nothing about who signed.
    fn untrusted_key(b) {
        let other = crate::build::key_named(Alg::EdDSA, "other").public_key().to_jwk();
        b.trust_jwk(other);
        b.invalid("key/untrusted", "TR-SIG-009").spec("docs/verification.md step 2");
    }
    /// An ES384 cnf key that is not among the trusted keys
    /// The same with an EC key, trusted set given as a JWK.
    fn untrusted_key_jwk(b) {
        let other = crate::build::key_named(Alg::ES384, "other").public_key().to_jwk();
        b.alg(Alg::ES384).form(Form::Jws).trust_jwk(other);
        b.invalid("key/untrusted", "TR-SIG-009").spec("docs/verification.md step 2");
    }
    /// No trusted key at all
    /// A self-signed record proves only self-consistency; without a trust anchor it is unverified (D-31).
    fn no_trust_anchor(b) {
        b.pin_key = false;
        b.unverified("key/not-pinned", "TR-SIG-009").spec("docs/verification.md step 2");
    }
    /// The trusted key given as an RFC 7638 thumbprint
    /// A verifier may pin keys by thumbprint (docs/verification.md step 2).
    fn trusted_thumbprint(b) {
        let thumb = b.key().public_key().thumbprint();
        b.trust_thumbprint(thumb).valid(&["TR-SIG-009"]).spec("RFC 7638 §3");
    }
    /// An untrusted key with the trust anchor given as a thumbprint
    /// The same rule when the pinned key is only known by its thumbprint.
    fn untrusted_thumbprint(b) {
        b.trust_thumbprint(crate::build::key_named(Alg::EdDSA, "other").public_key().thumbprint());
        b.invalid("key/untrusted", "TR-SIG-009").spec("RFC 7638 §3");
    }
    /// The trusted key given as a JWK with a kid
    /// Thumbprints ignore kid, so a trusted JWK with another kid still matches (RFC 7638).
    fn trusted_jwk_with_kid(b) {
        let mut k = b.alg(Alg::ES256).key().public_key().to_jwk();
        k.insert("kid", Value::String("ops-key-7".into()));
        b.trust_jwk(k).valid(&["TR-SIG-009"]).spec("RFC 7638 §3");
    }
    /// An ES256 signature with high S
    /// ECDSA signatures are malleable; JOSE and COSE accept both twins, a strict verifier may not.
    fn es256_high_s(b) {
        b.alg(Alg::ES256).signature = SignatureKnob::HighS;
        b.acceptable("EcdsaHighS", &["TR-SIG-011"]).warning("TR-SIG-011").spec("IMPL-04");
    }
    /// An Ed25519 key whose 32 bytes decode to no curve point
    /// RFC 8032 §5.1.3: a y with no matching x fails to decode and is refused.
    fn ed25519_point_undecodable(b) {
        let x = b64::encode(&undecodable_ed25519_point());
        b.cnf_jwk = Some(jwk(&format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#)));
        b.invalid("key/not-on-curve", "TR-SIG-004").spec("RFC 8032 §5.1.3");
    }
    /// An Ed25519 signature with S + L in place of S
    /// RFC 8032 §5.1.7 refuses S at or above the group order: the signature is malleable otherwise.
    fn ed25519_s_not_reduced(b) {
        b.signature = SignatureKnob::NonCanonicalS;
        b.invalid("signature/invalid", "TR-SIG-005").spec("RFC 8032 §5.1.7");
    }
}
