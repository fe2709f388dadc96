//! Attestation-result tokens: GCP Confidential Space and Azure MAA JWTs (RS256), verified
//! against the issuer's key snapshot the capture carries, at the pinned time.
//!
//! Owns: the compact JWS, the RS256 check against the JWKS key the header's `kid` names,
//! `nbf`/`exp` at the pinned time, and the facts TRACE uses (Confidential Space: the
//! container `image_digest`, `dbgstat`, `eat_nonce`; MAA: the SEV-SNP launch measurement and
//! `is-debuggable`). Trust is in the key snapshot, not in silicon: these tokens are
//! attestation results, so they say what a verifier concluded, not what the hardware signed.

use crate::CheckName;
use crate::{Appraisal, Verdict, push};
use base64::Engine;
use serde_json::Value;

fn b64url(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .ok()
}

fn rs256(jwk: &Value, input: &[u8], sig: &[u8]) -> bool {
    let (Some(n), Some(e)) = (
        jwk.get("n").and_then(Value::as_str).and_then(b64url),
        jwk.get("e").and_then(Value::as_str).and_then(b64url),
    ) else {
        return false;
    };
    let Ok(key) = rsa::RsaPublicKey::new(rsa::BigUint::from_bytes_be(&n), rsa::BigUint::from_bytes_be(&e)) else {
        return false;
    };
    use rsa::signature::Verifier;
    let vk = rsa::pkcs1v15::VerifyingKey::<sha2_010::Sha256>::new(key);
    rsa::pkcs1v15::Signature::try_from(sig).is_ok_and(|s| vk.verify(input, &s).is_ok())
}

/// The RFC 7638 SHA-256 thumbprint (hex) of an RSA JWK: what a caller pins.
pub fn rsa_jwk_thumbprint_hex(jwk: &Value) -> Option<String> {
    use sha2::Digest;
    let (n, e) = (jwk.get("n")?.as_str()?, jwk.get("e")?.as_str()?);
    let members = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    Some(crate::hex(&sha2::Sha256::digest(members.as_bytes())))
}

/// Appraises a token against a JWKS snapshot at `at` (Unix seconds): the snapshot is the trust.
pub fn appraise(token: &[u8], jwks: &[u8], at: i64) -> Appraisal {
    appraise_under(token, jwks, at, None)
}

/// Appraises a token whose signing key must also be the pinned one: `key_sha256` is the
/// key's RFC 7638 thumbprint in hex (the issuer's key, or the project's synthetic signer).
pub fn appraise_pinned(token: &[u8], jwks: &[u8], at: i64, key_sha256: &str) -> Appraisal {
    appraise_under(token, jwks, at, Some(key_sha256))
}

fn appraise_under(token: &[u8], jwks: &[u8], at: i64, pin: Option<&str>) -> Appraisal {
    let mut checks = Vec::new();
    let mut a = Appraisal::invalid();
    let text = String::from_utf8_lossy(token).trim().to_string();
    let parts: Vec<&str> = text.split('.').collect();
    let decoded = (parts.len() == 3).then(|| {
        let header = b64url(parts[0]).and_then(|h| serde_json::from_slice::<Value>(&h).ok());
        let claims = b64url(parts[1]).and_then(|c| serde_json::from_slice::<Value>(&c).ok());
        (header, claims, b64url(parts[2]))
    });
    let Some((Some(header), Some(claims), Some(sig))) = decoded else {
        push(
            &mut checks,
            CheckName::Jws,
            false,
            "not a compact JWS with JSON header and claims",
        );
        a.checks = checks;
        return a;
    };
    let alg_ok = header.get("alg").and_then(Value::as_str) == Some("RS256");
    push(
        &mut checks,
        CheckName::Alg,
        alg_ok,
        format!("header alg {}", header.get("alg").unwrap_or(&Value::Null)),
    );
    let kid = header.get("kid").and_then(Value::as_str);
    let keys: Vec<Value> = serde_json::from_slice::<Value>(jwks)
        .ok()
        .and_then(|j| j.get("keys").and_then(Value::as_array).cloned())
        .unwrap_or_default();
    let key = keys
        .iter()
        .find(|k| kid.is_some() && k.get("kid").and_then(Value::as_str) == kid);
    let input = format!("{}.{}", parts[0], parts[1]);
    let sig_ok = key.is_some_and(|k| rs256(k, input.as_bytes(), &sig));
    push(
        &mut checks,
        CheckName::Signature,
        sig_ok,
        match key {
            Some(_) => format!("RS256 with the snapshot key {kid:?}"),
            None => format!("the key snapshot has no key {kid:?}"),
        },
    );
    if let Some(pin) = pin {
        let thumbprint = key.and_then(rsa_jwk_thumbprint_hex);
        push(
            &mut checks,
            CheckName::RootPin,
            thumbprint.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(pin)),
            format!("signing key thumbprint {thumbprint:?}"),
        );
    }
    let (nbf, exp) = (
        claims.get("nbf").and_then(Value::as_i64),
        claims.get("exp").and_then(Value::as_i64),
    );
    let in_window = matches!((nbf, exp), (Some(n), Some(e)) if n <= at && at <= e);
    push(
        &mut checks,
        CheckName::Validity,
        in_window,
        format!("nbf {nbf:?}, exp {exp:?}, at {at}"),
    );
    // Facts.
    if let Some(d) = claims
        .pointer("/submods/container/image_digest")
        .and_then(Value::as_str)
    {
        a.measurement = Some(d.to_string());
    } else if let Some(m) = claims.get("x-ms-sevsnpvm-launchmeasurement").and_then(Value::as_str) {
        a.measurement = Some(format!("sha384:{}", m.to_ascii_lowercase()));
    }
    if let Some(d) = claims.get("dbgstat").and_then(Value::as_str) {
        a.debug = Some(d != "disabled-since-boot");
    } else if let Some(d) = claims.get("x-ms-sevsnpvm-is-debuggable").and_then(Value::as_bool) {
        a.debug = Some(d);
    }
    a.report_data = claims.get("eat_nonce").and_then(Value::as_str).map(str::to_string);
    a.verdict = if checks.iter().all(|c| c.passed) {
        Verdict::Valid
    } else {
        Verdict::Invalid
    };
    a.checks = checks;
    a
}

/// A capture's `token.jwt` and its `*jwks.json` key snapshot, the signer pinned by `pin`
/// (an RFC 7638 thumbprint) when given.
pub fn appraise_files(files: &crate::platforms::Files, at: i64, pin: Option<&str>) -> Appraisal {
    let jwks = files
        .iter()
        .find(|(n, _)| n.ends_with("jwks.json"))
        .map(|(_, b)| b.as_slice());
    let (Some(token), Some(jwks)) = (crate::platforms::first(files, &["token.jwt"]), jwks) else {
        return Appraisal::not_implemented("a token capture without token.jwt and a *jwks.json snapshot");
    };
    match pin {
        Some(key) => appraise_pinned(token, jwks, at, key),
        None => appraise(token, jwks, at),
    }
}
