//! The knobs of a `verify-chain` vector: a sample audit session sealed the way the cMCP
//! gateway seals it, then broken in one documented way.
//!
//! Owns: [`ChainBuild`] and its materialisation into (bundle bytes, claim text). Edits in
//! [`Sealed`] happen before the chain is linked and committed (a producer that sealed
//! something wrong); edits in [`Tamper`] happen after (someone changed the evidence).
//! Every knob that is set must change the output; one with no effect is a generator error.
//! Does not own which chain vectors exist (`sets::chain`).

use trace_record::audit::ReceiptPolicy;
use trace_record::audit::seal::{self, Call};
use trace_record::cmcp::CmcpCanonicalization;
use trace_record::json::{Object, Value};
use trace_record::sample::{self, SAMPLE_IAT};
use trace_record::{Alg, SigningKey, pyjson};

pub const SESSION: &str = "7f3c9a10-0000-4000-8000-00000000000a";
pub const SUCCESSOR: &str = "7f3c9a10-0000-4000-8000-00000000000b";

pub fn gateway_key() -> SigningKey {
    sample::test_key(Alg::EdDSA, "cmcp-gateway")
}
pub fn issuer_key() -> SigningKey {
    sample::test_key(Alg::EdDSA, "receipt-issuer")
}

/// A producer-side change, made before linking and committing (so hashes, links and the
/// claim all agree with it).
#[derive(Clone, Debug)]
pub enum Sealed {
    /// Set a member of the receipt and re-sign it with the issuer key.
    ReceiptMember(&'static str, Value),
    /// Remove a member of the receipt and re-sign it.
    ReceiptWithout(&'static str),
    /// Set a member of the receipt after the issuer signed it (no re-signing).
    ReceiptMemberUnsigned(&'static str, Value),
    /// Replace the whole receipt value of the receipt entry.
    ReceiptValue(Value),
    /// Sign the receipt with another key that claims the issuer's key id.
    ReceiptSignedBy(&'static str),
    /// Re-sign the receipt with the issuer key over the other canonical form.
    ReceiptSignedOver(ReceiptPolicy),
    /// Set a member of entry `n`.
    EntryMember(usize, &'static str, Value),
    /// Change the session of entries from `n` on without a reset entry.
    SessionFrom(usize, &'static str),
}

/// A change made after the chain was linked, committed and signed.
#[derive(Clone, Debug)]
pub enum Tamper {
    /// Set a member of entry `n` without re-hashing it.
    EntryMember(usize, &'static str, Value),
    /// Set `prev_entry_hash` of the first entry and re-hash it (a different genesis).
    Genesis(&'static str),
    /// Swap two entries.
    Swap(usize, usize),
    /// Remove entry `n` and re-link the rest (hashes valid, the claim still old).
    DeleteAndRelink(usize),
    /// Duplicate entry `n` in place.
    Duplicate(usize),
    /// Drop the last `n` entries.
    Truncate(usize),
}

/// How the bundle is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BundleSignature {
    Genuine,
    Omit,
    /// Present as the empty string.
    Empty,
    /// Signed by the receipt issuer instead of the claim key.
    OtherKey,
    /// Signed over the entries before tampering (so it covers what the claim commits).
    BeforeTamper,
}

/// The export wrapper's `session_id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// The session of the last entry, as the gateway exports.
    LastEntry,
    Named(&'static str),
    Omit,
}

#[derive(Clone, Debug)]
pub struct ChainBuild {
    pub calls: Vec<Call>,
    /// A `session_reset` after this many calls; later entries are in the successor session.
    pub reset_after: Option<usize>,
    /// Give the claim with the bundle (off: the bundle is checked alone).
    pub with_claim: bool,
    /// Configure the issuer key (off: the verifier does not know it).
    pub issuer_configured: bool,
    /// Configure another test key as an issuer key too (an issuer the receipt does not name).
    pub unrelated_issuer: bool,
    /// The canonical form the receipt is signed over (RFC 8785 as S2 §3.3.2, or cMCP's).
    pub receipt_form: ReceiptPolicy,
    pub sealed: Vec<Sealed>,
    pub tamper: Vec<Tamper>,
    /// Claim members set before the claim is signed (a producer stating wrong counts).
    pub claim_edits: Vec<(&'static str, Value)>,
    pub bundle_signature: BundleSignature,
    pub label: Label,
}

impl Default for ChainBuild {
    fn default() -> Self {
        ChainBuild {
            calls: vec![Call::Deny, Call::Allow, Call::Receipt],
            reset_after: None,
            with_claim: true,
            issuer_configured: true,
            unrelated_issuer: false,
            receipt_form: ReceiptPolicy::Trace,
            sealed: Vec::new(),
            tamper: Vec::new(),
            claim_edits: Vec::new(),
            bundle_signature: BundleSignature::Genuine,
            label: Label::LastEntry,
        }
    }
}

fn receipt_entry(entries: &mut [Object]) -> Result<&mut Object, String> {
    entries
        .iter_mut()
        .find(|e| matches!(e.get("external_execution_evidence"), Some(Value::Object(_))))
        .ok_or_else(|| "no entry carries a receipt".to_string())
}

fn receipt_of(e: &mut Object) -> &mut Object {
    match e.get_mut("external_execution_evidence") {
        Some(Value::Object(r)) => r,
        _ => unreachable!("receipt_entry found one"),
    }
}

fn changed<T: PartialEq>(before: &T, after: &T, what: &str) -> Result<(), String> {
    if before == after {
        Err(format!("chain knob {what} had no effect"))
    } else {
        Ok(())
    }
}

impl ChainBuild {
    fn entries(&self) -> Vec<Object> {
        let issuer = issuer_key();
        let (before, after) = match self.reset_after {
            Some(n) => (&self.calls[..n], &self.calls[n..]),
            None => (&self.calls[..], &[][..]),
        };
        let mut entries = seal::sample_entries(SESSION, before, &issuer, self.receipt_form);
        let Some(_) = self.reset_after else {
            return entries;
        };
        entries.pop(); // the first session ends in a reset, not a session_end
        let mut reset = seal::entry(entries.len(), SESSION, "session_reset", None);
        let detail = format!(
            r#"{{"closed_session_id":"{SESSION}","successor_session_id":"{SUCCESSOR}","reset_count":1,"credential_verified":"operator_token","reason":"operator reset"}}"#
        );
        reset.insert(
            "detail",
            trace_record::json::parse(detail.as_bytes()).expect("detail JSON"),
        );
        entries.push(reset);
        let mut later = seal::sample_entries(SUCCESSOR, after, &issuer, self.receipt_form);
        later.remove(0); // the successor has no session_start of its own
        let offset = entries.len();
        for (i, mut e) in later.into_iter().enumerate() {
            e.insert(
                "sequence_number",
                Value::Number(trace_record::json::Number::Int((offset + i) as i64)),
            );
            entries.push(e);
        }
        seal::link(&mut entries);
        entries
    }

    fn apply_sealed(&self, entries: &mut Vec<Object>) -> Result<(), String> {
        for edit in &self.sealed {
            let before = entries.clone();
            match edit {
                Sealed::ReceiptMember(name, v) => {
                    let r = receipt_of(receipt_entry(entries)?);
                    r.insert(*name, v.clone());
                    seal::sign_receipt(r, &issuer_key(), self.receipt_form);
                }
                Sealed::ReceiptWithout(name) => {
                    let r = receipt_of(receipt_entry(entries)?);
                    r.remove(name);
                    seal::sign_receipt(r, &issuer_key(), self.receipt_form);
                }
                Sealed::ReceiptMemberUnsigned(name, v) => {
                    receipt_of(receipt_entry(entries)?).insert(*name, v.clone());
                }
                Sealed::ReceiptValue(v) => {
                    receipt_entry(entries)?.insert("external_execution_evidence", v.clone());
                }
                Sealed::ReceiptSignedBy(name) => {
                    let other = sample::test_key(Alg::EdDSA, name);
                    seal::sign_receipt(receipt_of(receipt_entry(entries)?), &other, self.receipt_form);
                }
                Sealed::ReceiptSignedOver(form) => {
                    seal::sign_receipt(receipt_of(receipt_entry(entries)?), &issuer_key(), *form);
                }
                Sealed::EntryMember(n, name, v) => {
                    entries.get_mut(*n).ok_or("no such entry")?.insert(*name, v.clone());
                }
                Sealed::SessionFrom(n, sid) => {
                    for e in entries.iter_mut().skip(*n) {
                        e.insert("session_id", Value::String(sid.to_string()));
                    }
                }
            }
            changed(&before, entries, &format!("{edit:?}"))?;
        }
        seal::link(entries);
        Ok(())
    }

    fn apply_tamper(&self, entries: &mut Vec<Object>) -> Result<(), String> {
        for t in &self.tamper {
            let before = entries.clone();
            match t {
                Tamper::EntryMember(n, name, v) => {
                    entries.get_mut(*n).ok_or("no such entry")?.insert(*name, v.clone());
                }
                Tamper::Genesis(text) => {
                    entries[0].insert("prev_entry_hash", Value::String(text.to_string()));
                    let h = seal::entry_hash(&entries[0]);
                    entries[0].insert("entry_hash", Value::String(h));
                }
                Tamper::Swap(a, b) => entries.swap(*a, *b),
                Tamper::DeleteAndRelink(n) => {
                    entries.remove(*n);
                    seal::link(entries);
                }
                Tamper::Duplicate(n) => {
                    let e = entries.get(*n).ok_or("no such entry")?.clone();
                    entries.insert(*n, e);
                }
                Tamper::Truncate(n) => entries.truncate(entries.len().saturating_sub(*n)),
            }
            changed(&before, entries, &format!("{t:?}"))?;
        }
        Ok(())
    }

    /// The bundle bytes and, when the vector has one, the claim text.
    pub fn materialize(&self) -> Result<(Vec<u8>, Option<String>), String> {
        let mut entries = self.entries();
        self.apply_sealed(&mut entries)?;
        let gateway = gateway_key();
        let mut claim = seal::claim_for(&entries, &gateway, SAMPLE_IAT);
        for (pointer, v) in &self.claim_edits {
            let before = claim.clone();
            sample::set_pointer(&mut claim, pointer, v.clone());
            changed(&before, &claim, pointer)?;
        }
        seal::sign_claim(&mut claim, &gateway, CmcpCanonicalization::Pyjson);
        let committed = entries.clone();
        self.apply_tamper(&mut entries)?;
        let mut bundle = match self.bundle_signature {
            BundleSignature::OtherKey => seal::bundle(SESSION, &entries, &issuer_key()),
            BundleSignature::BeforeTamper => {
                let signed = seal::bundle(SESSION, &committed, &gateway);
                let mut b = seal::bundle(SESSION, &entries, &gateway);
                changed(&b, &signed, "BeforeTamper")?;
                b.insert(
                    "bundle_signature",
                    signed.get("bundle_signature").cloned().expect("signed"),
                );
                b
            }
            _ => seal::bundle(SESSION, &entries, &gateway),
        };
        match self.bundle_signature {
            BundleSignature::Omit => {
                bundle.remove("bundle_signature");
            }
            BundleSignature::Empty => bundle.insert("bundle_signature", Value::String(String::new())),
            _ => {}
        }
        let last_session = entries.last().and_then(|e| e.get("session_id")).cloned();
        match (self.label, last_session) {
            (Label::LastEntry, Some(s)) => bundle.insert("session_id", s),
            (Label::Named(name), _) => bundle.insert("session_id", Value::String(name.into())),
            (Label::Omit, _) => {
                bundle.remove("session_id");
            }
            (Label::LastEntry, None) => return Err("no last entry to label the bundle with".into()),
        };
        let claim_text = self
            .with_claim
            .then(|| String::from_utf8(pyjson::dumps(&Value::Object(claim))).expect("ASCII"));
        Ok((pyjson::dumps(&Value::Object(bundle)), claim_text))
    }
}

pub fn unrelated_issuer_key() -> SigningKey {
    sample::test_key(Alg::EdDSA, "unrelated-issuer")
}
