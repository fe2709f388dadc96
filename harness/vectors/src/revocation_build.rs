//! The revocation inputs of a vector: a `TraceRevocationBundle/1.0` signed by a test bundle
//! key, its statements naming the record's key (or another), each signed on its own by the
//! key it names as `revocation_key_id`, the keys the verifier designates to sign statements,
//! the record's inclusion entry, and one documented misbehaviour.
//!
//! Owns: [`RevocationBuild`] and [`RevocationBuild::inputs_json`], the JSON text the vector
//! context carries. Does not own the record.

use trace_record::json::{self, Number, Object, Value};
use trace_record::sample;
use trace_record::{Alg, b64, jcs};

pub const LOG: &str = "https://log.example/trace";

/// Which key a statement revokes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    /// The record key's RFC 7638 thumbprint.
    RecordThumbprint,
    /// The record key's `kid`.
    RecordKid,
    /// Some other key.
    OtherKey,
}

#[derive(Clone, Debug)]
pub struct Statement {
    pub names: Names,
    pub last_valid: &'static str,
    /// Whose key the statement names as its revocation key.
    pub revoker: Revoker,
    /// An edit of the statement before it is signed: most make it, and so the bundle,
    /// malformed; some (an omitted optional member) keep it well formed.
    pub edit: Option<StatementEdit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revoker {
    /// The revocation authority's key (independent of the revoked one), designated to the
    /// verifier as an organisational recovery key and named by thumbprint.
    Authority,
    /// The same authority named by its `kid` instead of its thumbprint.
    AuthorityByKid,
    /// A key the verifier does not designate to sign statements (it signs genuinely).
    Undesignated,
    /// The record's own key, designated to the verifier under a kid and named by that kid:
    /// a key can never sign its own revocation, however it is listed.
    RecordKeyDesignated,
    /// The revoked key itself, named exactly as the statement names the compromised key.
    Itself,
    /// The revoked key by its thumbprint, whatever the statement names it by.
    RecordThumbprint,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementEdit {
    /// type "TraceRevocation/1" instead of "TraceRevocation/1.0".
    WrongType,
    /// The statement's sig says alg "none" (its value still genuine).
    SigAlgNone,
    /// The statement's sig value is not base64url (RSCH: `^[A-Za-z0-9_-]+$`).
    SigValueNotBase64url,
    /// The optional `revoked_at` with this value: RSCH allows integers from 1,700,000,000,
    /// so below that it is a flaw, and at it a well-formed statement.
    RevokedAt(i64),
    /// A member RSCH does not define (its statements are closed).
    ExtraMember,
    /// The optional `reason` left out: still well formed.
    NoReason,
    /// `last_valid_entry_id` raised to this value after the statement was signed (what a
    /// bundle assembler would do to clear records made after a compromise).
    LastValidRaisedAfterSigning(&'static str),
    /// The statement's `sig.alg` says ES256 while its signer is an Ed25519 key (the value
    /// is the genuine Ed25519 signature).
    SigAlgMismatch,
    /// The statement names another log than the bundle (signed so, genuinely).
    OtherLog,
}

#[derive(Clone, Debug)]
pub struct RevocationBuild {
    pub statements: Vec<Statement>,
    /// The record's inclusion entry (log id, entry id).
    pub entry: Option<(&'static str, &'static str)>,
    /// Seconds before the verification time that the bundle was issued.
    pub issued_ago: i64,
    /// valid_until - issued_at.
    pub valid_for: i64,
    /// Signed by a key the verifier does not trust.
    pub untrusted_signer: bool,
    /// A member changed after signing.
    pub tampered: bool,
    /// The bundle type misspelled (a malformed bundle).
    pub malformed: bool,
    /// The bundle's `sig` member edited after signing (outside the signed bytes).
    pub sig_edit: Option<SigEdit>,
    /// The verifier trusts another bundle key too, listed before the one that signed.
    pub another_trusted_key_first: bool,
    /// The verifier designates no key to sign revocation statements.
    pub no_statement_keys: bool,
}

/// An edit of the bundle's `{alg, value}` signature member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigEdit {
    /// alg "none", the value still the genuine signature.
    AlgNone,
    /// A third member beside alg and value.
    ExtraMember,
}

impl Default for RevocationBuild {
    fn default() -> Self {
        RevocationBuild {
            statements: Vec::new(),
            entry: Some((LOG, "1000")),
            issued_ago: 3_600,
            valid_for: 86_400,
            untrusted_signer: false,
            tampered: false,
            malformed: false,
            sig_edit: None,
            another_trusted_key_first: false,
            no_statement_keys: false,
        }
    }
}

fn s(t: &str) -> Value {
    Value::String(t.into())
}
fn n(v: i64) -> Value {
    Value::Number(Number::Int(v))
}

/// The designated statement signer's kid (Revoker::AuthorityByKid).
const AUTHORITY_KID: &str = "org-recovery-2026";
/// The kid under which Revoker::RecordKeyDesignated lists the record's own key.
const RECORD_KEY_KID: &str = "workload-2026";

fn statement_key(jwk: Object, kid: Option<&str>, role: &str) -> Value {
    let mut jwk = jwk;
    if let Some(kid) = kid {
        jwk.insert("kid", s(kid));
    }
    let mut k = Object::new();
    k.insert("jwk", Value::Object(jwk));
    k.insert("role", s(role));
    Value::Object(k)
}

fn signed(mut o: Object, key: &trace_record::SigningKey) -> Object {
    let sig = key.sign(&jcs::canonicalize(&Value::Object(o.clone())));
    let mut member = Object::new();
    member.insert("alg", s("ed25519"));
    member.insert("value", s(&b64::encode(&sig)));
    o.insert("sig", Value::Object(member));
    o
}

impl RevocationBuild {
    /// `{bundle, bundle_keys, max_bundle_age, entry, statement_keys}` for a record signed by
    /// `record_key` (with `kid`), verified at `now`.
    pub fn inputs_json(
        &self,
        record_key: &trace_record::PublicKey,
        kid: Option<&str>,
        now: i64,
    ) -> Result<String, String> {
        let thumbprint = &record_key.thumbprint();
        let bundle_key = sample::test_key(Alg::EdDSA, "revocation-bundle");
        let signer = sample::test_key(
            Alg::EdDSA,
            if self.untrusted_signer {
                "revocation-impostor"
            } else {
                "revocation-bundle"
            },
        );
        let authority = sample::test_key(Alg::EdDSA, "revocation-authority");
        let undesignated = sample::test_key(Alg::EdDSA, "revocation-undesignated");
        let mut statements = Vec::new();
        for st in &self.statements {
            let id = match st.names {
                Names::RecordThumbprint => thumbprint.to_string(),
                Names::RecordKid => kid.ok_or("Names::RecordKid needs a record key with a kid")?.to_string(),
                Names::OtherKey => sample::test_key(Alg::EdDSA, "someone-else").public_key().thumbprint(),
            };
            let mut o = Object::new();
            o.insert("type", s("TraceRevocation/1.0"));
            o.insert("compromised_key_id", s(&id));
            o.insert("last_valid_entry_id", s(st.last_valid));
            o.insert("log_id", s(LOG));
            o.insert("reason", s("key compromise"));
            let revoker = match st.revoker {
                Revoker::Itself => id.clone(),
                Revoker::RecordThumbprint => thumbprint.to_string(),
                Revoker::Authority => authority.public_key().thumbprint(),
                Revoker::AuthorityByKid => AUTHORITY_KID.to_string(),
                Revoker::Undesignated => undesignated.public_key().thumbprint(),
                Revoker::RecordKeyDesignated => RECORD_KEY_KID.to_string(),
            };
            o.insert("revocation_key_id", s(&revoker));
            // The statement's own signature: by the key it names, where the build holds it.
            // The record's key is not held here, so statements naming it as revoker are
            // signed by the authority; the verifier refuses them on the key ids alone.
            match st.edit {
                Some(StatementEdit::WrongType) => o.insert("type", s("TraceRevocation/1")),
                Some(StatementEdit::RevokedAt(t)) => o.insert("revoked_at", n(t)),
                Some(StatementEdit::ExtraMember) => o.insert("note", s("not in the schema")),
                Some(StatementEdit::OtherLog) => o.insert("log_id", s("https://other-log.example/")),
                Some(StatementEdit::NoReason) => {
                    o.remove("reason");
                }
                _ => {}
            }
            let mut statement = signed(
                o,
                if st.revoker == Revoker::Undesignated {
                    &undesignated
                } else {
                    &authority
                },
            );
            if let Some(StatementEdit::LastValidRaisedAfterSigning(raised)) = st.edit {
                statement.insert("last_valid_entry_id", s(raised));
            }
            match (st.edit, statement.get_mut("sig")) {
                (Some(StatementEdit::SigAlgMismatch), Some(Value::Object(sig))) => sig.insert("alg", s("ES256")),
                (Some(StatementEdit::SigAlgNone), Some(Value::Object(sig))) => sig.insert("alg", s("none")),
                (Some(StatementEdit::SigValueNotBase64url), Some(Value::Object(sig))) => {
                    sig.insert("value", s("not base64url!"))
                }
                _ => {}
            }
            statements.push(Value::Object(statement));
        }
        let issued = now - self.issued_ago;
        let mut b = Object::new();
        b.insert(
            "type",
            s(if self.malformed {
                "TraceRevocationBundle/1"
            } else {
                "TraceRevocationBundle/1.0"
            }),
        );
        b.insert("log_id", s(LOG));
        b.insert("issued_at", n(issued));
        b.insert("valid_until", n(issued + self.valid_for));
        b.insert("statements", Value::Array(statements));
        b.insert("bundle_key_id", s(&bundle_key.public_key().thumbprint()));
        let mut bundle = signed(b, &signer);
        if self.tampered {
            bundle.insert("valid_until", n(issued + self.valid_for + 86_400));
        }
        if let (Some(edit), Some(Value::Object(sig))) = (self.sig_edit, bundle.get_mut("sig")) {
            match edit {
                SigEdit::AlgNone => sig.insert("alg", s("none")),
                SigEdit::ExtraMember => sig.insert("kid", s("bundle-key")),
            }
        }
        let mut inputs = Object::new();
        inputs.insert("bundle", Value::Object(bundle));
        let mut bundle_keys = vec![Value::Object(bundle_key.public_key().to_jwk())];
        if self.another_trusted_key_first {
            let other = sample::test_key(Alg::EdDSA, "revocation-other-authority");
            bundle_keys.insert(0, Value::Object(other.public_key().to_jwk()));
        }
        inputs.insert("bundle_keys", Value::Array(bundle_keys));
        inputs.insert("max_bundle_age", n(86_400));
        if !self.no_statement_keys {
            let mut keys = vec![statement_key(
                authority.public_key().to_jwk(),
                Some(AUTHORITY_KID),
                "organisational-recovery",
            )];
            if self
                .statements
                .iter()
                .any(|st| st.revoker == Revoker::RecordKeyDesignated)
            {
                keys.push(statement_key(
                    record_key.to_jwk(),
                    Some(RECORD_KEY_KID),
                    "workload-attestation",
                ));
            }
            inputs.insert("statement_keys", Value::Array(keys));
        }
        inputs.insert(
            "entry",
            match self.entry {
                Some((log, id)) => {
                    json::parse(format!(r#"{{"log_id":"{log}","entry_id":"{id}"}}"#).as_bytes()).expect("json")
                }
                None => Value::Null,
            },
        );
        Ok(String::from_utf8(jcs::canonicalize(&Value::Object(inputs))).expect("utf-8"))
    }
}
