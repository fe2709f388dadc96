//! Signing: claims plus a private key to a Trust Record in a chosen form.
//!
//! Owns: setting `cnf.jwk` to the signing key's public JWK (keeping a `kid` the caller
//! put on the private JWK) and handing the record to `envelope::encode`. Does not own
//! key parsing (`keys`) or the wire forms (`envelope`).

use crate::envelope::{self, CoseTag, Form};
use crate::json::{Object, Value};
use crate::keys::SigningKey;

/// Returns the signed record's bytes. `kid`, when given, is kept in `cnf.jwk`.
pub fn sign(claims: &Object, key: &SigningKey, kid: Option<&str>, form: Form, tag: CoseTag) -> Vec<u8> {
    let mut record = claims.clone();
    let mut jwk = key.public_key().to_jwk();
    if let Some(kid) = kid {
        jwk.insert("kid", Value::String(kid.to_string()));
    }
    let mut cnf = Object::new();
    cnf.insert("jwk", Value::Object(jwk));
    record.insert("cnf", Value::Object(cnf));
    envelope::encode(&record, key, form, tag)
}
