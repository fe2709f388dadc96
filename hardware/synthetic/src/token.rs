//! Synthetic Confidential Space attestation tokens: RS256 JWTs signed by a test key committed
//! under `hardware/synthetic/testkeys/` (published on purpose), carrying the claims `trace_hardware::token` reads
//! (container `image_digest`, `dbgstat`, `eat_nonce`, `nbf`/`exp`), and the key snapshot
//! (JWKS) a verifier checks them with. Nothing trusts the key unless a caller pins its
//! RFC 7638 thumbprint.
//!
//! Owns: the token layout and the signer. Does not own any verdict.

use base64::Engine;
use rsa::RsaPrivateKey;
use std::sync::OnceLock;

const KID: &str = "trace-conformance-synthetic-cs";

fn signer() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        use rsa::pkcs8::DecodePrivateKey;
        RsaPrivateKey::from_pkcs8_pem(include_str!("../testkeys/synthetic-token-signer.pem"))
            .expect("the committed test key parses")
    })
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The signer's public key as a JWK with its `kid`.
fn jwk() -> serde_json::Value {
    use rsa::traits::PublicKeyParts;
    let public = signer().to_public_key();
    serde_json::json!({
        "kty": "RSA", "alg": "RS256", "use": "sig", "kid": KID,
        "n": b64(&public.n().to_bytes_be()), "e": b64(&public.e().to_bytes_be()),
    })
}

/// The key snapshot (`{"keys": [...]}`) that verifies synthetic tokens.
pub fn jwks() -> Vec<u8> {
    serde_json::json!({ "keys": [jwk()] }).to_string().into_bytes()
}

/// The RFC 7638 thumbprint (hex) of the signer: what a verifier pins.
pub fn signer_sha256() -> String {
    trace_hardware::token::rsa_jwk_thumbprint_hex(&jwk()).expect("an RSA JWK")
}

/// What a synthetic token says.
pub struct TokenClaims<'a> {
    /// `submods.container.image_digest`, e.g. `sha256:<hex>`.
    pub image_digest: &'a str,
    /// `disabled-since-boot`, or anything else for a debuggable VM.
    pub dbgstat: &'a str,
    /// `eat_nonce`: hex of the bytes the workload bound (the record key binding goes here).
    pub eat_nonce: String,
    pub nbf: i64,
    pub exp: i64,
}

/// A compact RS256 JWT with the Confidential Space claims.
pub fn confidential_space_token(c: &TokenClaims) -> String {
    use rsa::signature::{SignatureEncoding, Signer};
    let header = serde_json::json!({"alg": "RS256", "kid": KID, "typ": "JWT"});
    let claims = serde_json::json!({
        "iss": "https://confidentialcomputing.googleapis.com",
        "aud": "trace-conformance",
        "iat": c.nbf, "nbf": c.nbf, "exp": c.exp,
        "hwmodel": "GCP_AMD_SEV",
        "swname": "CONFIDENTIAL_SPACE",
        "dbgstat": c.dbgstat,
        "eat_nonce": c.eat_nonce,
        "submods": {"container": {"image_digest": c.image_digest}},
    });
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let key = rsa::pkcs1v15::SigningKey::<sha2_010::Sha256>::new(signer().clone());
    let sig = key.sign(input.as_bytes()).to_vec();
    format!("{input}.{}", b64(&sig))
}

#[cfg(test)]
mod tests {
    use super::*;
    use trace_hardware::Verdict;

    fn claims<'a>(dbgstat: &'a str) -> TokenClaims<'a> {
        TokenClaims {
            image_digest: "sha256:0101",
            dbgstat,
            eat_nonce: "ab".repeat(32),
            nbf: 1_785_000_000,
            exp: 1_785_003_600,
        }
    }

    #[test]
    fn a_synthetic_token_verifies_under_its_pinned_signer_only() {
        let token = confidential_space_token(&claims("disabled-since-boot"));
        let a = trace_hardware::token::appraise_pinned(token.as_bytes(), &jwks(), 1_785_000_060, &signer_sha256());
        assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
        assert_eq!(a.measurement.as_deref(), Some("sha256:0101"));
        assert_eq!(a.report_data.as_deref(), Some("ab".repeat(32).as_str()));
        assert_eq!(a.debug, Some(false));
        let other_pin = "00".repeat(32);
        let a = trace_hardware::token::appraise_pinned(token.as_bytes(), &jwks(), 1_785_000_060, &other_pin);
        assert!(
            a.verdict == Verdict::Invalid
                && a.checks
                    .iter()
                    .any(|c| c.name == trace_hardware::CheckName::RootPin && !c.passed)
        );
        // After exp, and with a claim changed after signing.
        let a = trace_hardware::token::appraise_pinned(token.as_bytes(), &jwks(), 1_785_003_601, &signer_sha256());
        assert_eq!(a.verdict, Verdict::Invalid);
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        parts[1] = b64(br#"{"nbf":1785000000,"exp":1785003600,"dbgstat":"disabled-since-boot"}"#);
        let a = trace_hardware::token::appraise_pinned(
            parts.join(".").as_bytes(),
            &jwks(),
            1_785_000_060,
            &signer_sha256(),
        );
        assert!(
            a.checks
                .iter()
                .any(|c| c.name == trace_hardware::CheckName::Signature && !c.passed)
        );
    }

    #[test]
    fn a_debuggable_vm_says_so() {
        let token = confidential_space_token(&claims("enabled"));
        let a = trace_hardware::token::appraise_pinned(token.as_bytes(), &jwks(), 1_785_000_060, &signer_sha256());
        assert_eq!((a.verdict, a.debug), (Verdict::Valid, Some(true)));
    }
}
