//! The three signature forms: bytes in, record plus what was signed out.
//!
//! Owns: recognising and unwrapping the embedded form (JSON with a top-level `signature`),
//! JWS compact serialization (RFC 7515) and COSE_Sign1 (RFC 9052, tagged or untagged),
//! and producing each when signing. The signing input is always built from the bytes
//! received (never a re-serialized struct): the embedded form signs the RFC 8785 bytes of
//! the record without `signature`; JWS signs `header.payload` as received; COSE signs the
//! Sig_structure over the payload as received. Does not own key handling (`keys`) or any
//! TRACE rule about the record's content.

use crate::b64;
use crate::finding::Finding;
use crate::jcs;
use crate::json::{self, ParseErrorKind, Value};
use crate::keys::{self, Alg, SigningKey};
use coset::{CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable};

/// The wire form of a Trust Record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    Embedded,
    Jws,
    Cose,
}

impl Form {
    pub const ALL: [Form; 3] = [Form::Embedded, Form::Jws, Form::Cose];
    pub fn name(self) -> &'static str {
        match self {
            Form::Embedded => "embedded",
            Form::Jws => "jws",
            Form::Cose => "cose",
        }
    }
}

/// The signature as carried by the envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureField {
    Missing,
    /// Present but not decodable; the finding says why.
    Undecodable(Finding),
    Bytes(Vec<u8>),
}

/// An unwrapped envelope.
#[derive(Clone, Debug)]
pub struct Decoded {
    pub form: Form,
    /// The payload as parsed: a JSON object for every well-formed record.
    pub record: Value,
    /// The exact bytes the signature covers.
    pub signing_input: Vec<u8>,
    pub signature: SignatureField,
    /// The algorithm the envelope names (JWS, COSE); the embedded form names none.
    pub declared_alg: Option<Alg>,
    /// Envelope-level findings that do not stop verification (advisories, crit, ...).
    pub findings: Vec<Finding>,
}

/// Maps a strict-JSON failure to its finding; `prefix` locates a nested payload.
pub fn parse_finding(e: &json::ParseError, prefix: &str) -> Finding {
    let (rule, class) = match &e.kind {
        ParseErrorKind::NotUtf8 => ("TR-GEN-001", "input/not-utf8"),
        ParseErrorKind::Syntax(_) => ("TR-GEN-002", "input/syntax"),
        ParseErrorKind::DuplicateMember(_) => ("TR-GEN-003", "input/duplicate-member"),
        ParseErrorKind::LoneSurrogate => ("TR-GEN-004", "input/lone-surrogate"),
        ParseErrorKind::TooDeep => ("TR-GEN-005", "input/too-deep"),
        ParseErrorKind::UnsafeInteger => ("TR-GEN-006", "input/unsafe-integer"),
        ParseErrorKind::NonFiniteNumber => ("TR-GEN-007", "input/non-finite-number"),
    };
    Finding::fail(rule, class, format!("{prefix}{}", e.pointer), e.to_string())
}

fn malformed(msg: impl Into<String>) -> Vec<Finding> {
    vec![Finding::fail("TR-SIG-010", "envelope/malformed", "", msg)]
}

/// Guesses the form: CBOR arrays and tags are COSE; text that is not JSON but looks like
/// a compact serialization (printable ASCII with a '.') is JWS; everything else is JSON.
pub fn sniff(bytes: &[u8]) -> Form {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    match first {
        // A CBOR array in any of its encodings (major type 4: preferred, longer length
        // forms, indefinite length) or a CBOR tag (major type 6). No JSON text or JWS
        // compact serialization starts with these bytes.
        Some(0x80..=0x9F | 0xC0..=0xDB) => Form::Cose,
        Some(b'{') | None => Form::Embedded,
        Some(_) => {
            let text = bytes.trim_ascii();
            let compact_like = text.contains(&b'.') && text.iter().all(|b| b.is_ascii_graphic());
            if compact_like && json::parse(text).is_err() {
                Form::Jws
            } else {
                Form::Embedded
            }
        }
    }
}

/// Unwraps `bytes` in the given form. `Err` carries the findings that stop verification.
pub fn decode(bytes: &[u8], form: Form) -> Result<Decoded, Vec<Finding>> {
    match form {
        Form::Embedded => decode_embedded(bytes),
        Form::Jws => decode_jws(bytes),
        Form::Cose => decode_cose(bytes),
    }
}

fn parse_record(bytes: &[u8], prefix: &str) -> Result<Value, Vec<Finding>> {
    let value = json::parse(bytes).map_err(|e| vec![parse_finding(&e, prefix)])?;
    if value.as_object().is_none() {
        return Err(vec![Finding::fail(
            "TR-GEN-008",
            "input/not-object",
            prefix.to_string(),
            "the record is not a JSON object",
        )]);
    }
    Ok(value)
}

fn decode_embedded(bytes: &[u8]) -> Result<Decoded, Vec<Finding>> {
    let record = parse_record(bytes, "")?;
    let object = record.as_object().expect("object");
    let signature = match object.get("signature") {
        None => SignatureField::Missing,
        Some(Value::String(s)) => match b64::decode(s) {
            Ok(b) => SignatureField::Bytes(b),
            Err(_) => SignatureField::Undecodable(Finding::fail(
                "TR-SIG-006",
                "signature/encoding",
                "/signature",
                "signature is not canonical base64url without padding",
            )),
        },
        Some(_) => SignatureField::Undecodable(Finding::fail(
            "TR-SIG-006",
            "signature/encoding",
            "/signature",
            "signature is not a string",
        )),
    };
    let signing_input = jcs::canonicalize_without(object, "signature");
    Ok(Decoded {
        form: Form::Embedded,
        record,
        signing_input,
        signature,
        declared_alg: None,
        findings: Vec::new(),
    })
}

fn embedded_signature_advisory(record: &Value, findings: &mut Vec<Finding>) {
    if record.as_object().is_some_and(|o| o.contains("signature")) {
        findings.push(Finding::new(
            "TR-SIG-013",
            crate::finding::Status::Advisory,
            "envelope/embedded-signature",
            "/signature",
            "enveloped record also carries an embedded signature; it is not verified",
        ));
    }
}

/// TR-SIG-012: S2 §3.2.2 binds the signature to the record's canonical JSON form, so an
/// envelope's payload is exactly the record's RFC 8785 bytes; a signature over any other
/// serialization of the same value does not bind the record.
fn payload_canonical(record: &Value, payload: &[u8], form: &str, findings: &mut Vec<Finding>) {
    if jcs::canonicalize(record) != payload {
        findings.push(Finding::fail(
            "TR-SIG-012",
            "envelope/payload-not-canonical",
            "",
            format!("the {form} payload is not the record's RFC 8785 bytes (S2 §3.2.2)"),
        ));
    }
}

fn decode_jws(bytes: &[u8]) -> Result<Decoded, Vec<Finding>> {
    let not_jws = |why: &str| malformed(format!("input is not a JWS compact serialization ({why})"));
    let text = std::str::from_utf8(bytes.trim_ascii()).map_err(|_| not_jws("not ASCII text"))?;
    if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+' | b'/' | b'='))
    {
        return Err(not_jws("characters outside base64 and '.'"));
    }
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 3 {
        return Err(malformed(format!(
            "JWS compact form has {} segments, 3 expected",
            parts.len()
        )));
    }
    let header_bytes = b64::decode(parts[0]).map_err(|_| malformed("JWS header is not canonical base64url"))?;
    let header = json::parse(&header_bytes).map_err(|e| malformed(format!("JWS header: {e}")))?;
    let header = header
        .as_object()
        .ok_or_else(|| malformed("JWS header is not a JSON object"))?;
    let mut findings = Vec::new();
    let alg_name = match header.get("alg") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(malformed("JWS header lacks a string \"alg\"")),
    };
    if keys::is_forbidden_jose_alg(&alg_name) {
        return Err(vec![Finding::fail(
            "TR-SIG-007",
            "signature/alg-forbidden",
            "",
            format!("JWS alg {alg_name:?} is never acceptable for a Trust Record"),
        )]);
    }
    let Some(alg) = Alg::from_jose(&alg_name) else {
        return Err(vec![Finding::fail(
            "TR-SIG-007",
            "signature/alg-unsupported",
            "",
            format!("JWS alg {alg_name:?} is not EdDSA, ES256 or ES384"),
        )]);
    };
    let b64_true = header.get("b64").is_none_or(|v| *v == Value::Bool(true));
    let understood_crit = match header.get("crit") {
        None => true,
        // RFC 7797: "b64" is the one extension understood, and only with its default value.
        Some(Value::Array(names)) => !names.is_empty() && b64_true && names.iter().all(|n| n.as_str() == Some("b64")),
        Some(_) => false,
    };
    if !understood_crit {
        return Err(vec![Finding::fail(
            "TR-SIG-008",
            "envelope/unknown-crit",
            "",
            "JWS crit names parameters this verifier does not understand",
        )]);
    }
    if header.get("b64").is_some_and(|v| *v != Value::Bool(true)) {
        return Err(malformed(
            "unencoded JWS payloads (b64) are not part of any TRACE profile",
        ));
    }
    let payload = b64::decode(parts[1]).map_err(|_| malformed("JWS payload is not canonical base64url"))?;
    let record = parse_record(&payload, "")?;
    payload_canonical(&record, &payload, "JWS", &mut findings);
    embedded_signature_advisory(&record, &mut findings);
    let signature = match b64::decode(parts[2]) {
        Ok(b) if !b.is_empty() => SignatureField::Bytes(b),
        Ok(_) => SignatureField::Missing,
        Err(_) => SignatureField::Undecodable(Finding::fail(
            "TR-SIG-006",
            "signature/encoding",
            "",
            "JWS signature is not canonical base64url",
        )),
    };
    let signing_input = format!("{}.{}", parts[0], parts[1]).into_bytes();
    Ok(Decoded {
        form: Form::Jws,
        record,
        signing_input,
        signature,
        declared_alg: Some(alg),
        findings,
    })
}

fn decode_cose(bytes: &[u8]) -> Result<Decoded, Vec<Finding>> {
    // RFC 9052 §9 constrains the encoding of what is signed (Sig_structure), not of the
    // message: a tag in any valid encoding (0xD2, or 0xD8 0x12) and indefinite-length
    // arrays are decoded alike. A tag other than 18 is refused by the tagged decoder.
    let tagged = bytes.first().is_some_and(|b| (0xC0..=0xDB).contains(b));
    let parsed = if tagged {
        CoseSign1::from_tagged_slice(bytes)
    } else {
        CoseSign1::from_slice(bytes)
    };
    let sign1 = parsed.map_err(|e| malformed(format!("not a COSE_Sign1 structure: {e}")))?;
    let protected = &sign1.protected.header;
    if sign1.unprotected.alg.is_some() {
        return Err(malformed(
            "COSE_Sign1 names an algorithm in its unprotected header (RFC 9052 §3: it belongs in the protected one)",
        ));
    }
    if !protected.crit.is_empty() || !sign1.unprotected.crit.is_empty() {
        return Err(vec![Finding::fail(
            "TR-SIG-008",
            "envelope/unknown-crit",
            "",
            "COSE crit names parameters this verifier does not understand",
        )]);
    }
    let alg_id = match &protected.alg {
        Some(coset::RegisteredLabelWithPrivate::Assigned(a)) => coset::iana::EnumI64::to_i64(a),
        Some(coset::RegisteredLabelWithPrivate::PrivateUse(i)) => *i,
        Some(coset::RegisteredLabelWithPrivate::Text(t)) => {
            return Err(vec![Finding::fail(
                "TR-SIG-007",
                "signature/alg-unsupported",
                "",
                format!("COSE alg {t:?} is not a registered algorithm"),
            )]);
        }
        None => {
            return Err(malformed("COSE_Sign1 has no algorithm in its protected header"));
        }
    };
    let Some(alg) = Alg::from_cose(alg_id) else {
        let class = if matches!(alg_id, 4..=7) {
            "signature/alg-forbidden"
        } else {
            "signature/alg-unsupported"
        };
        return Err(vec![Finding::fail(
            "TR-SIG-007",
            class,
            "",
            format!("COSE alg {alg_id} is not EdDSA, ES256 or ES384"),
        )]);
    };
    let Some(payload) = sign1.payload.as_deref() else {
        return Err(malformed(
            "COSE_Sign1 payload is detached; this profile requires it attached",
        ));
    };
    let record = parse_record(payload, "")?;
    let mut findings = Vec::new();
    payload_canonical(&record, payload, "COSE", &mut findings);
    embedded_signature_advisory(&record, &mut findings);
    let signature = if sign1.signature.is_empty() {
        SignatureField::Missing
    } else {
        SignatureField::Bytes(sign1.signature.clone())
    };
    let signing_input = sign1.tbs_data(b"");
    Ok(Decoded {
        form: Form::Cose,
        record,
        signing_input,
        signature,
        declared_alg: Some(alg),
        findings,
    })
}

/// COSE_Sign1 tagging on output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoseTag {
    Tagged,
    Untagged,
}

/// Signs a record (any `signature` member is dropped first) in the given form.
/// The record is canonicalized with RFC 8785 in every form.
pub fn encode(record: &json::Object, key: &SigningKey, form: Form, tag: CoseTag) -> Vec<u8> {
    let mut unsigned = record.clone();
    unsigned.remove("signature");
    let canonical = jcs::canonicalize(&Value::Object(unsigned.clone()));
    match form {
        Form::Embedded => {
            let sig = key.sign(&canonical);
            unsigned.insert("signature", Value::String(b64::encode(&sig)));
            jcs::canonicalize(&Value::Object(unsigned))
        }
        Form::Jws => {
            let header = format!("{{\"alg\":\"{}\"}}", key.alg().jose_name());
            let input = format!("{}.{}", b64::encode(header.as_bytes()), b64::encode(&canonical));
            let sig = key.sign(input.as_bytes());
            format!("{input}.{}", b64::encode(&sig)).into_bytes()
        }
        Form::Cose => {
            let alg = coset::iana::Algorithm::from_i64_checked(key.alg().cose_id());
            let sign1 = CoseSign1Builder::new()
                .protected(HeaderBuilder::new().algorithm(alg).build())
                .payload(canonical)
                .create_signature(b"", |tbs| key.sign(tbs))
                .build();
            match tag {
                CoseTag::Tagged => sign1.to_tagged_vec(),
                CoseTag::Untagged => sign1.to_vec(),
            }
            .expect("COSE_Sign1 with a registered alg encodes")
        }
    }
}

trait FromI64Checked {
    fn from_i64_checked(id: i64) -> Self;
}

impl FromI64Checked for coset::iana::Algorithm {
    fn from_i64_checked(id: i64) -> Self {
        <coset::iana::Algorithm as coset::iana::EnumI64>::from_i64(id).expect("registered COSE algorithm")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_takes_only_dotted_printable_non_json_text_for_jws() {
        for (input, form) in [
            (&b" {\"a\":1}"[..], Form::Embedded),
            (b"", Form::Embedded),
            (b"e30.e30.c2ln", Form::Jws),
            (b"  e30.e30.  \n", Form::Jws),
            // Printable but without a '.', or dotted but not printable: not a compact JWS.
            (b"notarecord", Form::Embedded),
            (b"e30 .e30.c2ln", Form::Embedded),
            // Dotted, printable, but JSON.
            (b"[1.5]", Form::Embedded),
            (b"\"a.b\"", Form::Embedded),
            (&[0x84, 0x40][..], Form::Cose),
            (&[0xD2, 0x84][..], Form::Cose),
            // Every CBOR array encoding and tag form is COSE: indefinite length, a one-byte
            // length, tag 18 in its two-byte form.
            (&[0x9F, 0x40][..], Form::Cose),
            (&[0x98, 0x04][..], Form::Cose),
            (&[0xD8, 0x12, 0x84][..], Form::Cose),
            (&[0xD8, 0x12, 0x9F][..], Form::Cose),
        ] {
            assert_eq!(sniff(input), form, "{:?}", String::from_utf8_lossy(input));
        }
    }
}
