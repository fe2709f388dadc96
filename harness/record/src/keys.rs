//! Keys and the three signature algorithms: JWK in, verdict on bytes out.
//!
//! Owns: turning a `cnf.jwk` (or a trusted JWK) into a public key, refusing private or
//! secret members, wrong coordinate lengths, points not on the curve and unsupported
//! key types; private JWKs for signing; RFC 7638 thumbprints; Ed25519 (`verify_strict`),
//! ES256 and ES384 over raw `r||s` signatures. Does not own: where the signature bytes
//! or signing input come from (see `envelope`).

use crate::b64;
use crate::json::{Object, Value};
use ed25519_dalek::Signer as _;
use p256::ecdsa::signature::Verifier as _;
use sha2::{Digest, Sha256};

/// JWK members that carry private or secret key material (RFC 7517/7518).
pub const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "k"];

/// A signature algorithm this suite verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Alg {
    EdDSA,
    ES256,
    ES384,
}

impl Alg {
    pub const ALL: [Alg; 3] = [Alg::EdDSA, Alg::ES256, Alg::ES384];

    /// The JOSE name (RFC 7518 / RFC 8037).
    pub fn jose_name(self) -> &'static str {
        match self {
            Alg::EdDSA => "EdDSA",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
        }
    }
    /// The COSE algorithm identifier we write (RFC 9053).
    pub fn cose_id(self) -> i64 {
        match self {
            Alg::EdDSA => -8,
            Alg::ES256 => -7,
            Alg::ES384 => -35,
        }
    }
    /// Accepts the JOSE names and the fully-specified RFC 9864 names.
    pub fn from_jose(name: &str) -> Option<Alg> {
        match name {
            "EdDSA" | "Ed25519" => Some(Alg::EdDSA),
            "ES256" | "ESP256" => Some(Alg::ES256),
            "ES384" | "ESP384" => Some(Alg::ES384),
            _ => None,
        }
    }
    /// Accepts the COSE ids, including the fully-specified RFC 9864 ones.
    pub fn from_cose(id: i64) -> Option<Alg> {
        match id {
            -8 | -19 => Some(Alg::EdDSA),
            -7 | -9 => Some(Alg::ES256),
            -35 | -51 => Some(Alg::ES384),
            _ => None,
        }
    }
    pub fn parse(name: &str) -> Option<Alg> {
        Self::from_jose(name).or(match name.to_ascii_lowercase().as_str() {
            "eddsa" | "ed25519" => Some(Alg::EdDSA),
            "es256" => Some(Alg::ES256),
            "es384" => Some(Alg::ES384),
            _ => None,
        })
    }
    fn signature_len(self) -> usize {
        match self {
            Alg::EdDSA | Alg::ES256 => 64,
            Alg::ES384 => 96,
        }
    }
}

/// True for algorithm names that must never verify a Trust Record: `none` and MACs.
pub fn is_forbidden_jose_alg(name: &str) -> bool {
    name.eq_ignore_ascii_case("none") || name.starts_with("HS")
}

/// Why a JWK is not a usable public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    NotAnObject,
    PrivateMember(&'static str),
    Missing(&'static str),
    NotAString(&'static str),
    Unsupported(String),
    Encoding(&'static str),
    WrongLength {
        member: &'static str,
        got: usize,
        want: usize,
    },
    NotOnCurve,
    AlgMismatch(String),
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::NotAnObject => write!(f, "JWK is not an object"),
            KeyError::PrivateMember(m) => write!(f, "JWK carries private member {m:?}"),
            KeyError::Missing(m) => write!(f, "JWK lacks {m:?}"),
            KeyError::NotAString(m) => write!(f, "JWK member {m:?} is not a string"),
            KeyError::Unsupported(s) => write!(f, "unsupported key type {s}"),
            KeyError::Encoding(m) => write!(f, "JWK member {m:?} is not canonical base64url"),
            KeyError::WrongLength { member, got, want } => {
                write!(f, "JWK member {member:?} decodes to {got} bytes, {want} expected")
            }
            KeyError::NotOnCurve => write!(f, "JWK point is not on the curve"),
            KeyError::AlgMismatch(a) => write!(f, "JWK \"alg\" {a:?} does not fit the key"),
        }
    }
}

/// A verified-usable public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

/// A key that can sign, with its public JWK.
pub enum SigningKey {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

fn str_member<'a>(jwk: &'a Object, name: &'static str) -> Result<&'a str, KeyError> {
    match jwk.get(name) {
        None => Err(KeyError::Missing(name)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(KeyError::NotAString(name)),
    }
}

fn fixed_bytes(jwk: &Object, name: &'static str, want: usize) -> Result<Vec<u8>, KeyError> {
    let bytes = b64::decode(str_member(jwk, name)?).map_err(|_| KeyError::Encoding(name))?;
    if bytes.len() != want {
        return Err(KeyError::WrongLength {
            member: name,
            got: bytes.len(),
            want,
        });
    }
    Ok(bytes)
}

fn ec_point(jwk: &Object, size: usize) -> Result<Vec<u8>, KeyError> {
    let mut sec1 = vec![0x04];
    sec1.extend(fixed_bytes(jwk, "x", size)?);
    sec1.extend(fixed_bytes(jwk, "y", size)?);
    Ok(sec1)
}

impl PublicKey {
    /// Reads a public JWK. Private members are refused outright, never ignored.
    pub fn from_jwk(jwk: &Value) -> Result<PublicKey, KeyError> {
        let jwk = jwk.as_object().ok_or(KeyError::NotAnObject)?;
        if let Some(m) = PRIVATE_MEMBERS.iter().find(|m| jwk.contains(m)) {
            return Err(KeyError::PrivateMember(m));
        }
        let key = match (str_member(jwk, "kty")?, jwk.get("crv").and_then(Value::as_str)) {
            ("OKP", Some("Ed25519")) => PublicKey::from_raw(Alg::EdDSA, &fixed_bytes(jwk, "x", 32)?)?,
            ("EC", Some("P-256")) => PublicKey::from_raw(Alg::ES256, &ec_point(jwk, 32)?)?,
            ("EC", Some("P-384")) => PublicKey::from_raw(Alg::ES384, &ec_point(jwk, 48)?)?,
            (kty @ ("OKP" | "EC"), None) if !jwk.contains("crv") => {
                let _ = kty;
                return Err(KeyError::Missing("crv"));
            }
            (kty, crv) => {
                return Err(KeyError::Unsupported(format!("kty={kty:?} crv={crv:?}")));
            }
        };
        if let Some(alg) = jwk.get("alg") {
            let name = alg.as_str().ok_or(KeyError::NotAString("alg"))?;
            if Alg::from_jose(name) != Some(key.alg()) {
                return Err(KeyError::AlgMismatch(name.to_string()));
            }
        }
        Ok(key)
    }

    /// Decodes a key from its raw encoding: the 32-byte Ed25519 point (RFC 8032 §5.1.3) or
    /// an uncompressed SEC1 point. Decoding checks the point is on the curve.
    pub fn from_raw(alg: Alg, raw: &[u8]) -> Result<PublicKey, KeyError> {
        Ok(match alg {
            Alg::EdDSA => {
                let x: &[u8; 32] = raw.try_into().map_err(|_| KeyError::NotOnCurve)?;
                PublicKey::Ed25519(ed25519_dalek::VerifyingKey::from_bytes(x).map_err(|_| KeyError::NotOnCurve)?)
            }
            Alg::ES256 => {
                PublicKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(raw).map_err(|_| KeyError::NotOnCurve)?)
            }
            Alg::ES384 => {
                PublicKey::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(raw).map_err(|_| KeyError::NotOnCurve)?)
            }
        })
    }

    /// The raw encoding [`PublicKey::from_raw`] reads.
    pub fn to_raw(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(k) => k.as_bytes().to_vec(),
            PublicKey::P256(k) => k.to_sec1_point(false).as_bytes().to_vec(),
            PublicKey::P384(k) => k.to_sec1_point(false).as_bytes().to_vec(),
        }
    }

    /// The one algorithm this key signs with.
    pub fn alg(&self) -> Alg {
        match self {
            PublicKey::Ed25519(_) => Alg::EdDSA,
            PublicKey::P256(_) => Alg::ES256,
            PublicKey::P384(_) => Alg::ES384,
        }
    }

    /// The public JWK with only the RFC 7638 required members, in canonical order.
    pub fn to_jwk(&self) -> Object {
        let mut o = Object::new();
        match self {
            PublicKey::Ed25519(k) => {
                o.insert("crv", Value::String("Ed25519".into()));
                o.insert("kty", Value::String("OKP".into()));
                o.insert("x", Value::String(b64::encode(k.as_bytes())));
            }
            PublicKey::P256(k) => {
                let p = k.to_sec1_point(false);
                ec_members(&mut o, "P-256", &p.as_bytes()[1..]);
            }
            PublicKey::P384(k) => {
                let p = k.to_sec1_point(false);
                ec_members(&mut o, "P-384", &p.as_bytes()[1..]);
            }
        }
        o
    }

    /// RFC 7638 thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> String {
        // The RFC 8785 form of `to_jwk()`, written directly: its members are already in
        // order and base64url needs no escaping (the known-answer test holds the two equal).
        let canonical = match self {
            PublicKey::Ed25519(k) => format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, b64::encode(k.as_bytes())),
            PublicKey::P256(k) => ec_canonical("P-256", &k.to_sec1_point(false).as_bytes()[1..]),
            PublicKey::P384(k) => ec_canonical("P-384", &k.to_sec1_point(false).as_bytes()[1..]),
        };
        b64::encode(&Sha256::digest(canonical.as_bytes()))
    }

    /// Verifies `sig` over `msg`. Ed25519 is strict (no small-order keys, canonical S).
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<Verified, SignatureError> {
        let want = self.alg().signature_len();
        if sig.len() != want {
            return Err(SignatureError::WrongLength { got: sig.len(), want });
        }
        match self {
            PublicKey::Ed25519(k) => {
                let s = ed25519_dalek::Signature::from_slice(sig).map_err(|_| SignatureError::Invalid)?;
                k.verify_strict(msg, &s).map_err(|_| SignatureError::Invalid)?;
                Ok(Verified { high_s: false })
            }
            PublicKey::P256(k) => {
                let s = p256::ecdsa::Signature::from_slice(sig).map_err(|_| SignatureError::Invalid)?;
                k.verify(msg, &s).map_err(|_| SignatureError::Invalid)?;
                Ok(Verified {
                    high_s: s.normalize_s() != s,
                })
            }
            PublicKey::P384(k) => {
                let s = p384::ecdsa::Signature::from_slice(sig).map_err(|_| SignatureError::Invalid)?;
                k.verify(msg, &s).map_err(|_| SignatureError::Invalid)?;
                Ok(Verified {
                    high_s: s.normalize_s() != s,
                })
            }
        }
    }
}

/// The RFC 8785 form of an EC public JWK's required members.
fn ec_canonical(crv: &str, xy: &[u8]) -> String {
    let (x, y) = xy.split_at(xy.len() / 2);
    format!(
        r#"{{"crv":"{crv}","kty":"EC","x":"{}","y":"{}"}}"#,
        b64::encode(x),
        b64::encode(y)
    )
}

fn ec_members(o: &mut Object, crv: &str, xy: &[u8]) {
    let (x, y) = xy.split_at(xy.len() / 2);
    o.insert("crv", Value::String(crv.into()));
    o.insert("kty", Value::String("EC".into()));
    o.insert("x", Value::String(b64::encode(x)));
    o.insert("y", Value::String(b64::encode(y)));
}

/// A signature that verified; `high_s` marks an ECDSA signature whose low-S twin also verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    pub high_s: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureError {
    WrongLength { got: usize, want: usize },
    Invalid,
}

impl SigningKey {
    /// Reads a private JWK (`d` present) and checks that its public members match `d`.
    pub fn from_private_jwk(jwk: &Value) -> Result<SigningKey, KeyError> {
        let obj = jwk.as_object().ok_or(KeyError::NotAnObject)?;
        let mut public = obj.clone();
        let d = public.remove("d").ok_or(KeyError::Missing("d"))?;
        let d = b64::decode(d.as_str().ok_or(KeyError::NotAString("d"))?).map_err(|_| KeyError::Encoding("d"))?;
        let declared = PublicKey::from_jwk(&Value::Object(public))?;
        let key = match declared.alg() {
            Alg::EdDSA => {
                let seed: [u8; 32] = d.as_slice().try_into().map_err(|_| KeyError::WrongLength {
                    member: "d",
                    got: d.len(),
                    want: 32,
                })?;
                SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
            Alg::ES256 => {
                SigningKey::P256(p256::ecdsa::SigningKey::from_slice(&d).map_err(|_| KeyError::Encoding("d"))?)
            }
            Alg::ES384 => {
                SigningKey::P384(p384::ecdsa::SigningKey::from_slice(&d).map_err(|_| KeyError::Encoding("d"))?)
            }
        };
        if key.public_key().thumbprint() != declared.thumbprint() {
            return Err(KeyError::Unsupported(
                "private JWK whose public members do not match d".into(),
            ));
        }
        Ok(key)
    }

    /// A deterministic key from a 32-byte seed (test keys; the seed is the private scalar).
    pub fn from_seed(alg: Alg, seed: &[u8; 32]) -> Option<SigningKey> {
        Some(match alg {
            Alg::EdDSA => SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(seed)),
            Alg::ES256 => SigningKey::P256(p256::ecdsa::SigningKey::from_slice(seed).ok()?),
            Alg::ES384 => {
                let wide: Vec<u8> = Sha256::digest(seed)
                    .iter()
                    .chain(seed.iter())
                    .take(48)
                    .copied()
                    .collect();
                SigningKey::P384(p384::ecdsa::SigningKey::from_slice(&wide).ok()?)
            }
        })
    }

    pub fn public_key(&self) -> PublicKey {
        match self {
            SigningKey::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
            SigningKey::P256(k) => PublicKey::P256(*k.verifying_key()),
            SigningKey::P384(k) => PublicKey::P384(*k.verifying_key()),
        }
    }

    pub fn alg(&self) -> Alg {
        self.public_key().alg()
    }

    /// The private JWK (public members plus `d`).
    pub fn to_private_jwk(&self) -> Object {
        let mut o = self.public_key().to_jwk();
        let d = match self {
            SigningKey::Ed25519(k) => b64::encode(&k.to_bytes()),
            SigningKey::P256(k) => b64::encode(&k.to_bytes()),
            SigningKey::P384(k) => b64::encode(&k.to_bytes()),
        };
        o.insert("d", Value::String(d));
        o
    }

    /// Signs deterministically (RFC 8032; RFC 6979 ECDSA, normalised to low S), raw `r||s`.
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match self {
            SigningKey::Ed25519(k) => k.sign(msg).to_bytes().to_vec(),
            SigningKey::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign(msg);
                s.normalize_s().to_bytes().to_vec()
            }
            SigningKey::P384(k) => {
                let s: p384::ecdsa::Signature = k.sign(msg);
                s.normalize_s().to_bytes().to_vec()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn jwk(text: &str) -> Value {
        parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn every_key_error_says_what_is_wrong() {
        let said = |e: KeyError| e.to_string();
        assert_eq!(said(KeyError::NotAnObject), "JWK is not an object");
        assert_eq!(said(KeyError::PrivateMember("d")), "JWK carries private member \"d\"");
        assert_eq!(said(KeyError::Missing("crv")), "JWK lacks \"crv\"");
        assert_eq!(said(KeyError::NotAString("x")), "JWK member \"x\" is not a string");
        assert_eq!(said(KeyError::Unsupported("RSA".into())), "unsupported key type RSA");
        assert_eq!(
            said(KeyError::Encoding("x")),
            "JWK member \"x\" is not canonical base64url"
        );
        assert_eq!(
            said(KeyError::WrongLength {
                member: "x",
                got: 31,
                want: 32
            }),
            "JWK member \"x\" decodes to 31 bytes, 32 expected"
        );
        assert_eq!(said(KeyError::NotOnCurve), "JWK point is not on the curve");
        assert_eq!(
            said(KeyError::AlgMismatch("ES256".into())),
            "JWK \"alg\" \"ES256\" does not fit the key"
        );
    }

    #[test]
    fn a_missing_crv_is_missing_and_a_crv_that_is_not_a_string_is_unsupported() {
        let x = r#""x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo""#;
        assert_eq!(
            PublicKey::from_jwk(&jwk(&format!(r#"{{"kty":"OKP",{x}}}"#))).err(),
            Some(KeyError::Missing("crv"))
        );
        assert!(matches!(
            PublicKey::from_jwk(&jwk(&format!(r#"{{"kty":"OKP","crv":5,{x}}}"#))),
            Err(KeyError::Unsupported(_))
        ));
    }

    #[test]
    fn algorithm_names_parse_in_jose_and_lowercase_spellings() {
        for (name, alg) in [
            ("EdDSA", Alg::EdDSA),
            ("ed25519", Alg::EdDSA),
            ("Ed25519", Alg::EdDSA),
            ("ES256", Alg::ES256),
            ("es256", Alg::ES256),
            ("ES384", Alg::ES384),
            ("es384", Alg::ES384),
        ] {
            assert_eq!(Alg::parse(name), Some(alg), "{name}");
        }
        for name in ["none", "HS256", "RS256", "", "es512"] {
            assert_eq!(Alg::parse(name), None, "{name}");
        }
    }

    #[test]
    fn rfc8037_thumbprint_known_answer() {
        let k = PublicKey::from_jwk(&jwk(
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
        ))
        .unwrap();
        assert_eq!(k.thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    #[test]
    fn the_thumbprint_hashes_the_rfc8785_form_of_the_required_members_for_every_algorithm() {
        for alg in [Alg::EdDSA, Alg::ES256, Alg::ES384] {
            for seed in [[1u8; 32], [7u8; 32], [200u8; 32]] {
                let key = SigningKey::from_seed(alg, &seed).expect("a key").public_key();
                let canonical = crate::jcs::canonicalize(&Value::Object(key.to_jwk()));
                assert_eq!(key.thumbprint(), b64::encode(&Sha256::digest(&canonical)), "{alg:?}");
            }
        }
    }

    #[test]
    fn rfc8037_a4_signature_known_answer() {
        let sk = SigningKey::from_private_jwk(&jwk(
            r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
        ))
        .unwrap();
        let input = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
        assert_eq!(
            b64::encode(&sk.sign(input)),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
    }

    #[test]
    fn refuses_bad_keys() {
        let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
        let err = |t: &str| PublicKey::from_jwk(&jwk(t)).unwrap_err();
        assert_eq!(
            err(&format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","d":"AA"}}"#)),
            KeyError::PrivateMember("d")
        );
        assert!(matches!(
            err(r#"{"kty":"OKP","crv":"Ed25519","x":"AAAA"}"#),
            KeyError::WrongLength { .. }
        ));
        assert!(matches!(
            err(r#"{"kty":"oct","k":"AAAA"}"#),
            KeyError::PrivateMember("k")
        ));
        assert!(matches!(
            err(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#),
            KeyError::Unsupported(_)
        ));
        assert!(matches!(
            err(r#"{"kty":"OKP","crv":"X25519","x":"AAAA"}"#),
            KeyError::Unsupported(_)
        ));
        assert_eq!(
            err(&format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","alg":"ES256"}}"#)),
            KeyError::AlgMismatch("ES256".into())
        );
        // (1, 1) is not on P-256.
        let one = b64::encode(&[[0u8; 31].as_slice(), &[1]].concat());
        assert_eq!(
            err(&format!(r#"{{"kty":"EC","crv":"P-256","x":"{one}","y":"{one}"}}"#)),
            KeyError::NotOnCurve
        );
    }

    #[test]
    fn raw_encodings_round_trip_and_off_curve_points_are_refused() {
        for alg in [Alg::EdDSA, Alg::ES256, Alg::ES384] {
            let pk = crate::sample::test_key(alg, "raw").public_key();
            let raw = pk.to_raw();
            assert_eq!(PublicKey::from_raw(alg, &raw).unwrap(), pk);
            assert_eq!(PublicKey::from_raw(alg, &raw[1..]), Err(KeyError::NotOnCurve));
        }
        let mut off = crate::sample::test_key(Alg::ES256, "raw").public_key().to_raw();
        off[64] ^= 1;
        assert_eq!(PublicKey::from_raw(Alg::ES256, &off), Err(KeyError::NotOnCurve));
    }

    #[test]
    fn each_algorithm_signs_and_verifies_and_rejects_tampering() {
        for alg in Alg::ALL {
            let sk = SigningKey::from_seed(alg, &[7; 32]).unwrap();
            let pk = PublicKey::from_jwk(&Value::Object(sk.public_key().to_jwk())).unwrap();
            assert_eq!(pk.alg(), alg);
            let sig = sk.sign(b"msg");
            assert_eq!(pk.verify(b"msg", &sig), Ok(Verified { high_s: false }));
            assert_eq!(pk.verify(b"msh", &sig), Err(SignatureError::Invalid));
            assert!(matches!(
                pk.verify(b"msg", &sig[1..]),
                Err(SignatureError::WrongLength { .. })
            ));
            let back = SigningKey::from_private_jwk(&Value::Object(sk.to_private_jwk())).unwrap();
            assert_eq!(back.public_key().thumbprint(), pk.thumbprint());
        }
    }
}
