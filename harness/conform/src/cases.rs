//! The built-in case set: for every rule, inputs that pass it and inputs that break it,
//! each genuinely signed over the broken content, with the outcome the spec requires.
//!
//! Owns: building the cases in memory from the sample keys and record, and the
//! expectation of each. Does not own how a case is run or scored (`selfcheck`). The vector
//! files of a later issue are meant to be generated from builders like these.

use trace_record::envelope::{CoseTag, Form};
use trace_record::json::{Number, Object, Value};
use trace_record::sample::{self, SAMPLE_IAT};
use trace_record::{Alg, Level, SigningKey, TrustedKey, VerifyOptions, b64, jcs, sign};

/// What a conformant verifier must conclude.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    Accept,
    /// Accepted, with an advisory of this rule.
    AcceptWithAdvisory(&'static str),
    /// Rejected, with a failure of this rule among the findings.
    Reject(&'static str),
    /// Not accepted because this rule could not be checked.
    Unverified(&'static str),
}

pub struct Case {
    pub id: String,
    /// The rule this case is about.
    pub rule: &'static str,
    pub description: String,
    pub input: Vec<u8>,
    pub opts: VerifyOptions,
    pub expect: Expect,
}

fn opts() -> VerifyOptions {
    VerifyOptions::at(SAMPLE_IAT)
}

fn key(alg: Alg) -> SigningKey {
    sample::test_key(alg, "primary")
}

fn sign_claims(claims: &Object, alg: Alg, form: Form) -> Vec<u8> {
    sign::sign(claims, &key(alg), None, form, CoseTag::Tagged)
}

fn edited(edit: impl FnOnce(&mut Object)) -> Object {
    let mut c = sample::base_claims();
    edit(&mut c);
    c
}

fn string(s: &str) -> Value {
    Value::String(s.into())
}

fn int(i: i64) -> Value {
    Value::Number(Number::Int(i))
}

/// A signed embedded record whose text is then edited (the edit keeps the signed content).
fn signed_then_text(claims: &Object, from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(sign_claims(claims, Alg::EdDSA, Form::Embedded)).expect("utf-8");
    assert!(text.contains(from), "{from} not in {text}");
    text.replacen(from, to, 1).into_bytes()
}

/// A JWS compact record with a hand-made header, signed by `key`.
fn jws_with_header(header: &str, claims: &Object, key: &SigningKey) -> Vec<u8> {
    let mut record = claims.clone();
    sample::set_pointer(&mut record, "/cnf/jwk", Value::Object(key.public_key().to_jwk()));
    let input = format!(
        "{}.{}",
        b64::encode(header.as_bytes()),
        b64::encode(&jcs::canonicalize(&Value::Object(record)))
    );
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", b64::encode(&sig)).into_bytes()
}

struct Builder {
    cases: Vec<Case>,
}

impl Builder {
    fn add(
        &mut self,
        rule: &'static str,
        slug: &str,
        description: &str,
        input: Vec<u8>,
        opts: VerifyOptions,
        expect: Expect,
    ) {
        let id = format!("rules::{}::{slug}", rule.to_ascii_lowercase());
        self.cases.push(Case {
            id,
            rule,
            description: description.into(),
            input,
            opts,
            expect,
        });
    }
    fn reject(&mut self, rule: &'static str, slug: &str, description: &str, input: Vec<u8>) {
        self.add(rule, slug, description, input, opts(), Expect::Reject(rule));
    }
    fn reject_claims(&mut self, rule: &'static str, slug: &str, description: &str, claims: Object) {
        let input = sign_claims(&claims, Alg::EdDSA, Form::Embedded);
        self.reject(rule, slug, description, input);
    }
}

/// Every built-in case.
pub fn all() -> Vec<Case> {
    let mut b = Builder { cases: Vec::new() };
    positives(&mut b);
    input_rules(&mut b);
    envelope_rules(&mut b);
    signature_rules(&mut b);
    content_rules(&mut b);
    level_rules(&mut b);
    profiles(&mut b);
    b.cases
}

fn positives(b: &mut Builder) {
    let claims = sample::base_claims();
    for alg in Alg::ALL {
        for form in Form::ALL {
            let input = sign_claims(&claims, alg, form);
            let slug = format!("valid-{}-{}", form.name(), alg.jose_name().to_ascii_lowercase());
            b.add(
                "TR-SIG-005",
                &slug,
                "a valid Level 0 record",
                input,
                opts(),
                Expect::Accept,
            );
        }
        let untagged = sign::sign(&claims, &key(alg), None, Form::Cose, CoseTag::Untagged);
        let slug = format!("valid-cose-untagged-{}", alg.jose_name().to_ascii_lowercase());
        b.add(
            "TR-SIG-005",
            &slug,
            "a valid untagged COSE_Sign1 record",
            untagged,
            opts(),
            Expect::Accept,
        );
    }
    let pretty = {
        let compact = String::from_utf8(sign_claims(&claims, Alg::EdDSA, Form::Embedded)).expect("utf-8");
        compact.replace(",\"", ",\n  \"").replace("{\"", "{ \"")
    };
    b.add(
        "TR-SIG-005",
        "valid-whitespace-and-order",
        "whitespace in the wire JSON does not change the canonical form",
        pretty.into_bytes(),
        opts(),
        Expect::Accept,
    );
    let rfc = sign::sign(
        &claims,
        &sample::rfc8037_key(),
        Some("rfc8037"),
        Form::Embedded,
        CoseTag::Tagged,
    );
    b.add(
        "TR-SIG-005",
        "valid-rfc8037-key-with-kid",
        "a kid in cnf.jwk is signed content like any other",
        rfc,
        opts(),
        Expect::Accept,
    );
    let mut trusted = opts();
    trusted.trusted_keys = vec![TrustedKey::Jwk(key(Alg::ES256).public_key())];
    b.add(
        "TR-SIG-009",
        "trusted-key-matches",
        "cnf.jwk is the trusted key",
        sign_claims(&claims, Alg::ES256, Form::Jws),
        trusted,
        Expect::Accept,
    );
    let mut by_thumb = opts();
    by_thumb.trusted_keys = vec![TrustedKey::Thumbprint(key(Alg::EdDSA).public_key().thumbprint())];
    b.add(
        "TR-SIG-009",
        "trusted-thumbprint-matches",
        "cnf.jwk matches a trusted thumbprint",
        sign_claims(&claims, Alg::EdDSA, Form::Embedded),
        by_thumb,
        Expect::Accept,
    );
}

fn input_rules(b: &mut Builder) {
    let claims = sample::base_claims();
    let mut latin1 = signed_then_text(&claims, "internal", "intXrnal");
    let at = latin1.windows(8).position(|w| w == b"intXrnal").expect("marker") + 3;
    latin1[at] = 0xE9; // ISO-8859-1 e-acute: not UTF-8 on its own
    b.reject(
        "TR-GEN-001",
        "latin1-byte",
        "a byte that is not UTF-8 inside a string",
        latin1,
    );
    let text = String::from_utf8(sign_claims(&claims, Alg::EdDSA, Form::Embedded)).expect("utf-8");
    b.reject(
        "TR-GEN-002",
        "truncated",
        "the record cut short",
        text.as_bytes()[..text.len() / 2].to_vec(),
    );
    b.reject(
        "TR-GEN-003",
        "duplicate-data-class",
        "data_class appears twice; the second copy is not signed",
        signed_then_text(
            &claims,
            "\"data_class\":\"internal\"",
            "\"data_class\":\"internal\",\"data_class\":\"public\"",
        ),
    );
    b.reject(
        "TR-GEN-004",
        "lone-surrogate",
        "a lone high surrogate in a string has no canonical form",
        signed_then_text(&claims, "\"internal\"", "\"internal\\ud800\""),
    );
    let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
    b.reject(
        "TR-GEN-005",
        "deep-jwk-extra",
        "a cnf.jwk extra nested 70 levels deep",
        signed_then_text(&claims, "\"kty\":", &format!("\"zz\":{deep},\"kty\":")),
    );
    b.reject(
        "TR-GEN-006",
        "integer-2-pow-53",
        "an integer of 2^53 in a cnf.jwk extra",
        signed_then_text(&claims, "\"kty\":", "\"zz\":9007199254740992,\"kty\":"),
    );
    b.reject(
        "TR-GEN-007",
        "overflowing-number",
        "1e400 overflows a double",
        signed_then_text(&claims, "\"kty\":", "\"zz\":1e400,\"kty\":"),
    );
    b.reject(
        "TR-GEN-008",
        "top-level-array",
        "a record wrapped in an array",
        format!("[{text}]").into_bytes(),
    );
}

fn envelope_rules(b: &mut Builder) {
    let claims = sample::base_claims();
    let ed = key(Alg::EdDSA);
    b.reject(
        "TR-SIG-007",
        "jws-alg-none",
        "JWS with alg none",
        jws_with_header(r#"{"alg":"none"}"#, &claims, &ed),
    );
    b.reject(
        "TR-SIG-007",
        "jws-alg-hs256",
        "JWS with an HMAC alg",
        jws_with_header(r#"{"alg":"HS256"}"#, &claims, &ed),
    );
    b.reject(
        "TR-SIG-007",
        "jws-alg-es256-with-ed25519-key",
        "JWS alg does not match the cnf key",
        jws_with_header(r#"{"alg":"ES256"}"#, &claims, &ed),
    );
    b.add(
        "TR-SIG-007",
        "jws-alg-ed25519-fully-specified",
        "RFC 9864 Ed25519 alg name",
        jws_with_header(r#"{"alg":"Ed25519"}"#, &claims, &ed),
        opts(),
        Expect::Accept,
    );
    b.reject(
        "TR-SIG-008",
        "jws-unknown-crit",
        "JWS crit names an unknown parameter",
        jws_with_header(
            r#"{"alg":"EdDSA","crit":["urn:example:x"],"urn:example:x":1}"#,
            &claims,
            &ed,
        ),
    );
    b.reject(
        "TR-SIG-010",
        "jws-two-segments",
        "JWS compact form with a segment missing",
        b"eyJhbGciOiJFZERTQSJ9.e30".to_vec(),
    );
    b.reject(
        "TR-SIG-010",
        "cose-garbage",
        "bytes that start like COSE but are not",
        vec![0xD2, 0x84, 0x40, 0xA0],
    );
    let pretty_payload = {
        let mut record = claims.clone();
        sample::set_pointer(&mut record, "/cnf/jwk", Value::Object(ed.public_key().to_jwk()));
        let canonical = String::from_utf8(jcs::canonicalize(&Value::Object(record))).expect("utf-8");
        canonical.replace(",\"", ", \"").into_bytes()
    };
    let cose = coset::CoseSign1Builder::new()
        .protected(
            coset::HeaderBuilder::new()
                .algorithm(coset::iana::Algorithm::EdDSA)
                .build(),
        )
        .payload(pretty_payload)
        .create_signature(b"", |tbs| ed.sign(tbs))
        .build();
    let cose = coset::TaggedCborSerializable::to_tagged_vec(cose).expect("cose");
    b.reject(
        "TR-SIG-012",
        "cose-payload-not-canonical",
        "COSE payload with spaces: not the RFC 8785 bytes this profile requires",
        cose,
    );
    let mut with_sig = claims.clone();
    with_sig.insert("signature", string("AAAA"));
    let jws = {
        let mut record = with_sig.clone();
        sample::set_pointer(&mut record, "/cnf/jwk", Value::Object(ed.public_key().to_jwk()));
        let input = format!(
            "{}.{}",
            b64::encode(br#"{"alg":"EdDSA"}"#),
            b64::encode(&jcs::canonicalize(&Value::Object(record)))
        );
        format!("{input}.{}", b64::encode(&ed.sign(input.as_bytes()))).into_bytes()
    };
    b.add(
        "TR-SIG-013",
        "jws-payload-with-signature",
        "a JWS payload that also carries a signature member",
        jws,
        opts(),
        Expect::AcceptWithAdvisory("TR-SIG-013"),
    );
    let mut cmcp = claims.clone();
    cmcp.insert("cmcp_version", string("1.0"));
    b.add(
        "TR-WIR-002",
        "cmcp-envelope",
        "a cMCP RuntimeClaim envelope",
        sign_claims(&cmcp, Alg::EdDSA, Form::Embedded),
        opts(),
        Expect::Unverified("TR-WIR-002"),
    );
}

fn signature_rules(b: &mut Builder) {
    let claims = sample::base_claims();
    let unsigned = {
        let mut c = claims.clone();
        sample::set_pointer(&mut c, "/cnf/jwk", Value::Object(key(Alg::EdDSA).public_key().to_jwk()));
        jcs::canonicalize(&Value::Object(c))
    };
    b.reject(
        "TR-SIG-005",
        "unsigned",
        "no signature at all: rejected at every level",
        unsigned,
    );
    for alg in Alg::ALL {
        for form in Form::ALL {
            let good = String::from_utf8_lossy(&sign_claims(&claims, alg, form)).into_owned();
            if form == Form::Cose {
                let mut bytes = sign_claims(&claims, alg, form);
                let at = bytes.windows(8).position(|w| w == b"internal").expect("payload") + 2;
                bytes[at] ^= 0x20; // internal -> iNternal
                b.reject(
                    "TR-SIG-005",
                    &format!("tampered-cose-{}", alg.jose_name().to_ascii_lowercase()),
                    "data_class changed after signing",
                    bytes,
                );
                continue;
            }
            let tampered = if form == Form::Jws {
                let parts: Vec<&str> = good.split('.').collect();
                let payload = String::from_utf8(b64::decode(parts[1]).expect("b64"))
                    .expect("utf-8")
                    .replace("internal", "public");
                format!("{}.{}.{}", parts[0], b64::encode(payload.as_bytes()), parts[2])
            } else {
                good.replace("internal", "public")
            };
            let slug = format!("tampered-{}-{}", form.name(), alg.jose_name().to_ascii_lowercase());
            b.reject(
                "TR-SIG-005",
                &slug,
                "data_class changed after signing",
                tampered.into_bytes(),
            );
        }
    }
    let other = sign::sign(
        &claims,
        &sample::test_key(Alg::EdDSA, "other"),
        None,
        Form::Embedded,
        CoseTag::Tagged,
    );
    let other_sig = String::from_utf8(other).expect("utf-8");
    let other_sig = other_sig
        .split("\"signature\":\"")
        .nth(1)
        .expect("sig")
        .split('"')
        .next()
        .expect("sig")
        .to_string();
    let good = String::from_utf8(sign_claims(&claims, Alg::EdDSA, Form::Embedded)).expect("utf-8");
    let good_sig = good
        .split("\"signature\":\"")
        .nth(1)
        .expect("sig")
        .split('"')
        .next()
        .expect("sig")
        .to_string();
    b.reject(
        "TR-SIG-005",
        "signature-of-another-key",
        "the signature was made by a key other than cnf",
        good.replace(&good_sig, &other_sig).into_bytes(),
    );
    b.reject(
        "TR-SIG-006",
        "padded-signature",
        "base64url padding on the signature",
        good.replace(&good_sig, &format!("{good_sig}==")).into_bytes(),
    );
    let mut last = good_sig.clone().into_bytes();
    let n = last.len() - 1;
    last[n] = if last[n] == b'A' { b'B' } else { b'A' }; // 86 chars: 4 unused bits; B sets one
    let noncanonical = String::from_utf8(last).expect("ascii");
    if b64::decode(&noncanonical).is_err() {
        b.reject(
            "TR-SIG-006",
            "noncanonical-trailing-bits",
            "unused low bits of the last character set",
            good.replace(&good_sig, &noncanonical).into_bytes(),
        );
    }
    b.reject(
        "TR-SIG-006",
        "truncated-signature",
        "a signature two bytes short",
        good.replace(&good_sig, &b64::encode(&b64::decode(&good_sig).expect("b64")[..62]))
            .into_bytes(),
    );
    let standard = good_sig.replace('-', "+").replace('_', "/");
    if standard != good_sig {
        b.reject(
            "TR-SIG-006",
            "standard-alphabet",
            "a signature in the standard base64 alphabet",
            good.replace(&good_sig, &standard).into_bytes(),
        );
    }
    let mut untrusted = opts();
    untrusted.trusted_keys = vec![TrustedKey::Jwk(sample::test_key(Alg::EdDSA, "other").public_key())];
    b.add(
        "TR-SIG-009",
        "untrusted-key",
        "cnf.jwk is not the trusted key",
        good.clone().into_bytes(),
        untrusted,
        Expect::Reject("TR-SIG-009"),
    );
    // A point that is not on P-256, with a signature that therefore cannot verify.
    let one = b64::encode(&[[0u8; 31].as_slice(), &[1]].concat());
    let off_curve = edited(|c| {
        let jwk =
            trace_record::json::parse(format!(r#"{{"kty":"EC","crv":"P-256","x":"{one}","y":"{one}"}}"#).as_bytes())
                .expect("jwk");
        sample::set_pointer(c, "/cnf/jwk", jwk);
        c.insert("signature", string(&b64::encode(&[7u8; 64])));
    });
    b.reject(
        "TR-SIG-004",
        "point-not-on-curve",
        "cnf.jwk P-256 point (1, 1) is not on the curve",
        jcs::canonicalize(&Value::Object(off_curve)),
    );
    let x25519 = edited(|c| {
        let jwk = trace_record::json::parse(
            br#"{"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}"#,
        )
        .expect("jwk");
        sample::set_pointer(c, "/cnf/jwk", jwk);
        c.insert("signature", string(&b64::encode(&[7u8; 64])));
    });
    b.reject(
        "TR-SIG-004",
        "x25519-key",
        "an X25519 key cannot sign",
        jcs::canonicalize(&Value::Object(x25519)),
    );
    let high_s = high_s_record(&claims);
    b.add(
        "TR-SIG-011",
        "es256-high-s",
        "an ES256 signature with high S verifies but is malleable",
        high_s,
        opts(),
        Expect::AcceptWithAdvisory("TR-SIG-011"),
    );
    let private = edited(|c| {
        let mut jwk = key(Alg::EdDSA).to_private_jwk();
        jwk.insert("alg", string("EdDSA"));
        sample::set_pointer(c, "/cnf/jwk", Value::Object(jwk));
    });
    let mut signed = private.clone();
    signed.insert(
        "signature",
        string(&b64::encode(
            &key(Alg::EdDSA).sign(&jcs::canonicalize(&Value::Object(private))),
        )),
    );
    b.reject(
        "TR-ENV-005",
        "private-d-in-cnf",
        "cnf.jwk leaks the private scalar d",
        jcs::canonicalize(&Value::Object(signed)),
    );
}

/// An ES256 embedded record whose signature is replaced by its high-S twin.
fn high_s_record(claims: &Object) -> Vec<u8> {
    let k = key(Alg::ES256);
    let mut record = claims.clone();
    sample::set_pointer(&mut record, "/cnf/jwk", Value::Object(k.public_key().to_jwk()));
    let sig = k.sign(&jcs::canonicalize(&Value::Object(record.clone())));
    let low = p256::ecdsa::Signature::from_slice(&sig).expect("sig");
    let (r, s) = low.split_scalars();
    let high = p256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).expect("high-s");
    record.insert("signature", string(&b64::encode(&high.to_bytes())));
    jcs::canonicalize(&Value::Object(record))
}

fn content_rules(b: &mut Builder) {
    b.reject_claims(
        "TR-ENV-001",
        "v0-1-profile",
        "the v0.1 profile URI",
        edited(|c| c.insert("eat_profile", string("tag:agentrust.io,2026:trace-v0.1"))),
    );
    b.reject_claims(
        "TR-ENV-001",
        "unknown-profile",
        "a profile this verifier does not implement",
        edited(|c| c.insert("eat_profile", string("tag:agentrust-io.com,2026:trace-v0.3"))),
    );
    let signed = sign_claims(&sample::base_claims(), Alg::EdDSA, Form::Embedded);
    let mut at = |slug: &str, delta: i64, expect: Expect, d: &str, rule: &'static str| {
        let mut o = opts();
        o.now = SAMPLE_IAT + delta;
        b.add(rule, slug, d, signed.clone(), o, expect);
    };
    at(
        "age-at-limit",
        86_400,
        Expect::Accept,
        "exactly the maximum age old",
        "TR-ENV-002",
    );
    at(
        "stale-by-one-second",
        86_401,
        Expect::Reject("TR-ENV-002"),
        "one second older than the maximum age",
        "TR-ENV-002",
    );
    at(
        "future-at-skew",
        -300,
        Expect::Accept,
        "iat exactly the allowed skew ahead",
        "TR-ENV-006",
    );
    at(
        "future-beyond-skew",
        -301,
        Expect::Reject("TR-ENV-006"),
        "iat one second beyond the allowed skew",
        "TR-ENV-006",
    );
    b.reject_claims(
        "TR-ENV-003",
        "spiffe-without-path",
        "spiffe://<domain> with no path",
        edited(|c| c.insert("subject", string("spiffe://conformance.example"))),
    );
    b.reject_claims(
        "TR-ENV-003",
        "did-uppercase-method",
        "a DID method name in upper case",
        edited(|c| c.insert("subject", string("did:Web:conformance.example"))),
    );
    let no_kty = edited(|c| {
        let mut jwk = key(Alg::EdDSA).public_key().to_jwk();
        jwk.remove("kty");
        sample::set_pointer(c, "/cnf/jwk", Value::Object(jwk));
        c.insert("signature", string(&b64::encode(&[1u8; 64])));
    });
    b.reject(
        "TR-ENV-004",
        "jwk-without-kty",
        "cnf.jwk has no kty",
        jcs::canonicalize(&Value::Object(no_kty)),
    );
    let mut nonce = opts();
    nonce.nonce = Some("challenge-1".into());
    let with_nonce = sign_claims(
        &edited(|c| sample::set_pointer(c, "/runtime/nonce", string("challenge-1"))),
        Alg::EdDSA,
        Form::Embedded,
    );
    b.add(
        "TR-ENV-007",
        "nonce-echoed",
        "runtime.nonce echoes the challenge",
        with_nonce.clone(),
        nonce.clone(),
        Expect::Accept,
    );
    let wrong = sign_claims(
        &edited(|c| sample::set_pointer(c, "/runtime/nonce", string("challenge-2"))),
        Alg::EdDSA,
        Form::Embedded,
    );
    b.add(
        "TR-ENV-007",
        "nonce-mismatch",
        "runtime.nonce differs from the challenge",
        wrong,
        nonce.clone(),
        Expect::Reject("TR-ENV-007"),
    );
    b.add(
        "TR-ENV-007",
        "nonce-absent",
        "a challenge was issued but the record has no nonce",
        signed.clone(),
        nonce,
        Expect::Reject("TR-ENV-007"),
    );
    b.reject_claims(
        "TR-SCH-001",
        "exp-member",
        "exp is not a Trust Record member",
        edited(|c| c.insert("exp", int(SAMPLE_IAT + 60))),
    );
    b.reject_claims(
        "TR-SCH-001",
        "transparency-empty",
        "transparency \"\" instead of absent",
        edited(|c| c.insert("transparency", string(""))),
    );
    b.reject_claims(
        "TR-SCH-001",
        "model-id-missing",
        "model.model_id removed",
        edited(|c| sample::remove_pointer(c, "/model/model_id")),
    );
    b.reject(
        "TR-SCH-002",
        "iat-integral-float",
        "iat written 1785000000.0 (same canonical bytes, signature valid)",
        signed_then_text(
            &sample::base_claims(),
            &format!("\"iat\":{SAMPLE_IAT}"),
            &format!("\"iat\":{SAMPLE_IAT}.0"),
        ),
    );
    b.reject_claims(
        "TR-POL-001",
        "bundle-hash-uppercase",
        "upper-case hex in policy.bundle_hash",
        edited(|c| sample::set_pointer(c, "/policy/bundle_hash", string(&format!("sha256:{}", "AB".repeat(32))))),
    );
    b.reject_claims(
        "TR-POL-001",
        "bundle-hash-sha384-short",
        "sha384: with 64 hex digits",
        edited(|c| sample::set_pointer(c, "/policy/bundle_hash", string(&format!("sha384:{}", "ab".repeat(32))))),
    );
    b.reject_claims(
        "TR-POL-002",
        "mode-strict",
        "an enforcement_mode outside the enum",
        edited(|c| sample::set_pointer(c, "/policy/enforcement_mode", string("strict"))),
    );
    b.reject_claims(
        "TR-POL-003",
        "policy-uri-relative",
        "a relative policy_uri",
        edited(|c| sample::set_pointer(c, "/policy/policy_uri", string("policies/p1"))),
    );
    let declared = sign_claims(
        &edited(|c| sample::set_pointer(c, "/policy/enforcement_mode", string("declared"))),
        Alg::EdDSA,
        Form::Embedded,
    );
    b.add(
        "TR-POL-004",
        "declared-mode",
        "declared mode is valid but is no enforcement claim",
        declared,
        opts(),
        Expect::AcceptWithAdvisory("TR-POL-004"),
    );
    b.reject_claims(
        "TR-APR-001",
        "status-ok",
        "appraisal.status outside the EAR enum",
        edited(|c| sample::set_pointer(c, "/appraisal/status", string("ok"))),
    );
    b.reject_claims(
        "TR-APR-002",
        "verifier-self",
        "appraisal.verifier \"self\" is not a URI",
        edited(|c| sample::set_pointer(c, "/appraisal/verifier", string("self"))),
    );
    b.reject_claims(
        "TR-APR-003",
        "policy-ref-relative",
        "a relative appraisal.policy_ref",
        edited(|c| sample::set_pointer(c, "/appraisal/policy_ref", string("/ref"))),
    );
    b.reject_claims(
        "TR-APR-004",
        "timestamp-future",
        "appraisal.timestamp beyond the skew",
        edited(|c| sample::set_pointer(c, "/appraisal/timestamp", int(SAMPLE_IAT + 301))),
    );
    b.reject_claims(
        "TR-RTE-002",
        "measurement-trailing-newline",
        "a measurement digest with a trailing newline",
        edited(|c| {
            sample::set_pointer(
                c,
                "/runtime/measurement",
                string(&format!("sha256:{}\n", "0".repeat(64))),
            )
        }),
    );
    b.reject_claims(
        "TR-SCA-001",
        "slsa-level-4",
        "slsa_level above 3",
        edited(|c| sample::set_pointer(c, "/build_provenance/slsa_level", int(4))),
    );
    b.reject_claims(
        "TR-SCA-002",
        "build-digest-md5",
        "a build digest that is not sha256/sha384",
        edited(|c| {
            sample::set_pointer(
                c,
                "/build_provenance/digest",
                string("md5:0123456789abcdef0123456789abcdef"),
            )
        }),
    );
    b.reject_claims(
        "TR-TXN-002",
        "call-count-negative",
        "a negative call_count",
        edited(|c| {
            sample::set_pointer(
                c,
                "/tool_transcript/hash",
                string(&format!("sha256:{}", "1".repeat(64))),
            );
            sample::set_pointer(c, "/tool_transcript/call_count", int(-1));
        }),
    );
    b.reject_claims(
        "TR-ORG-001",
        "third-party-on-hardware",
        "origin third-party-control-plane on a tpm2 platform",
        edited(|c| {
            sample::set_pointer(c, "/runtime/platform", string("tpm2"));
            c.insert(
                "origin",
                trace_record::json::parse(br#"{"kind":"third-party-control-plane","producer":"cp.example"}"#)
                    .expect("json"),
            );
        }),
    );
    let log_import = sign_claims(
        &edited(|c| {
            c.insert(
                "origin",
                trace_record::json::parse(br#"{"kind":"log-import","producer":"importer.example"}"#).expect("json"),
            )
        }),
        Alg::EdDSA,
        Form::Embedded,
    );
    b.add(
        "TR-ORG-001",
        "log-import-software-only",
        "an imported record on software-only is valid",
        log_import,
        opts(),
        Expect::Accept,
    );
    let dev_mode = sign_claims(
        &edited(|c| {
            sample::set_pointer(c, "/runtime/platform", string("tpm2"));
            sample::set_pointer(c, "/runtime/firmware_version", string("software-only-dev-mode"));
        }),
        Alg::EdDSA,
        Form::Embedded,
    );
    b.add(
        "TR-RTE-007",
        "tpm2-dev-mode-sentinel",
        "the cMCP dev-mode sentinel is flagged",
        dev_mode,
        opts(),
        Expect::AcceptWithAdvisory("TR-RTE-007"),
    );
}

fn profiles(b: &mut Builder) {
    let float_extra = {
        let k = key(Alg::EdDSA);
        let mut c = sample::base_claims();
        let mut jwk = k.public_key().to_jwk();
        jwk.insert("zz", Value::Number(Number::Float(1.5)));
        sample::set_pointer(&mut c, "/cnf/jwk", Value::Object(jwk));
        let sig = k.sign(&jcs::canonicalize(&Value::Object(c.clone())));
        c.insert("signature", string(&b64::encode(&sig)));
        jcs::canonicalize(&Value::Object(c))
    };
    b.add(
        "TR-SCH-001",
        "default-allows-float-jwk-extra",
        "the v0.2 schema allows a float in a cnf.jwk extra",
        float_extra.clone(),
        opts(),
        Expect::Accept,
    );
    let mut strict = opts();
    strict.strict = true;
    b.add(
        "TR-SCH-001",
        "strict-refuses-float-jwk-extra",
        "--strict (0.11.0 schema) refuses a float in a cnf.jwk extra",
        float_extra,
        strict,
        Expect::Reject("TR-SCH-001"),
    );
    let v01 = edited(|c| {
        c.insert("eat_profile", string(trace_record::Profile::V01.uri()));
        c.insert("transparency", string("https://log.conformance.example/entries/7"));
    });
    let v01 = sign_claims(&v01, Alg::EdDSA, Form::Embedded);
    let mut legacy = opts();
    legacy.profile = trace_record::Profile::V01;
    b.add(
        "TR-ENV-001",
        "v0-1-record-under-v0-1-profile",
        "a v0.1 record verifies under the selected legacy profile",
        v01.clone(),
        legacy.clone(),
        Expect::Accept,
    );
    b.add(
        "TR-ENV-001",
        "v0-1-record-under-v0-2-profile",
        "the same record is rejected by a v0.2 verifier",
        v01,
        opts(),
        Expect::Reject("TR-ENV-001"),
    );
    let v02 = sign_claims(&sample::base_claims(), Alg::EdDSA, Form::Embedded);
    b.add(
        "TR-ENV-001",
        "v0-2-record-under-v0-1-profile",
        "a v0.2 record is not a v0.1 record",
        v02,
        legacy,
        Expect::Reject("TR-ENV-001"),
    );
}

fn at_level(level: Level) -> VerifyOptions {
    let mut o = opts();
    o.level = level;
    o
}

fn level_rules(b: &mut Builder) {
    let hw = sample::hardware_claims();
    let at1 = at_level(Level::L1);
    let at2 = at_level(Level::L2);
    let signed_hw = sign_claims(&hw, Alg::ES384, Form::Embedded);
    b.add(
        "TR-RTE-006",
        "hardware-record-at-level-1",
        "a hardware-shaped record: Level 1 needs evidence this verifier does not check",
        signed_hw.clone(),
        at1.clone(),
        Expect::Unverified("TR-RTE-006"),
    );
    b.add(
        "TR-ANC-002",
        "anchored-record-at-level-2",
        "a Level 2 record: inclusion needs a receipt this verifier does not check",
        signed_hw.clone(),
        at2.clone(),
        Expect::Unverified("TR-ANC-002"),
    );
    b.add(
        "TR-RTE-006",
        "hardware-record-at-level-0",
        "the same record is accepted at Level 0",
        signed_hw,
        opts(),
        Expect::Accept,
    );
    let base = sign_claims(&sample::base_claims(), Alg::EdDSA, Form::Embedded);
    b.add(
        "TR-RTE-001",
        "software-only-at-level-1",
        "software-only is not Level 1",
        base.clone(),
        at1.clone(),
        Expect::Reject("TR-RTE-001"),
    );
    b.add(
        "TR-APR-005",
        "appraisal-none-at-level-1",
        "appraisal none is not Level 1",
        base.clone(),
        at1.clone(),
        Expect::Reject("TR-APR-005"),
    );
    b.add(
        "TR-RTE-005",
        "zero-measurement-at-level-1",
        "an all-zero measurement is not Level 1",
        base.clone(),
        at1.clone(),
        Expect::Reject("TR-RTE-005"),
    );
    let hw_edit = |edit: &dyn Fn(&mut Object)| {
        let mut c = sample::hardware_claims();
        edit(&mut c);
        sign_claims(&c, Alg::EdDSA, Form::Embedded)
    };
    let rim_http = hw_edit(&|c| sample::set_pointer(c, "/runtime/rim_uri", string("http://rim.example/x")));
    let no_txn = hw_edit(&|c| {
        c.remove("tool_transcript");
    });
    let http_log = hw_edit(&|c| c.insert("transparency", string("http://log.example/1")));
    b.add(
        "TR-RTE-003",
        "rim-uri-http-at-level-1",
        "rim_uri must be https at Level 1",
        rim_http,
        at1,
        Expect::Reject("TR-RTE-003"),
    );
    b.add(
        "TR-TXN-001",
        "no-transcript-at-level-2",
        "Level 2 needs a tool transcript",
        no_txn.clone(),
        at2.clone(),
        Expect::Reject("TR-TXN-001"),
    );
    b.add(
        "TR-TXN-001",
        "no-transcript-at-level-0",
        "the transcript is optional at Level 0",
        no_txn,
        opts(),
        Expect::Accept,
    );
    b.add(
        "TR-ANC-001",
        "transparency-http-at-level-2",
        "transparency must be https at Level 2",
        http_log,
        at2,
        Expect::Reject("TR-ANC-001"),
    );
}
