//! The inclusion receipt of a vector's record: the record anchored in a batch of five
//! (RA §1–§3), its proof (RA §5), and one documented way to spoil it.
//!
//! Owns: [`AnchorKnob`] and [`receipt`]. Every knob other than `Genuine` must change the
//! receipt; one with no effect is a generator error. Does not own the record.

use trace_record::anchor::{self, Inclusion};
use trace_record::json::{self, Object, Value};

/// Where the record sits in its batch, and how large the batch is.
pub const INDEX: usize = 2;
pub const BATCH: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnchorKnob {
    Genuine,
    /// The proof's leaf_index points at a neighbour.
    WrongIndex,
    /// leaf_index equal to leaf_count.
    IndexOutOfRange,
    /// One extra audit-path element.
    PathTooLong,
    /// The last audit-path element dropped.
    PathTooShort,
    /// The root of another batch.
    OtherRoot,
    /// The leaf computed over RFC 8785 instead of sorted-key ASCII JSON (RA §0's trap).
    JcsLeaf,
    /// The record anchored before it was signed (the leaf without `signature`).
    AnchoredUnsigned,
    /// The genuine proof with merkle_root in uppercase hex (RA §3: lowercase).
    UppercaseRoot,
    /// The genuine proof with two hex digits appended to the first audit-path element.
    OverlongPathElement,
    /// leaf_index 0 of leaf_count 0 and no path: a batch without leaves (RA §3 refuses it).
    ZeroLeaves,
}

fn other_leaves() -> Vec<[u8; 32]> {
    (0..BATCH)
        .map(|i| anchor::leaf_hash(format!("{{\"batch_neighbour\":{i}}}").as_bytes()))
        .collect()
}

/// The receipt for `record` (the vector's final bytes) under `knob`.
pub fn receipt(record: &[u8], knob: AnchorKnob) -> Result<Object, String> {
    let claim = match json::parse(record) {
        Ok(Value::Object(o)) => o,
        _ => return Err("only an embedded JSON record can be anchored (RA §1)".into()),
    };
    let leaf_bytes = match knob {
        AnchorKnob::JcsLeaf => trace_record::jcs::canonicalize(&Value::Object(claim.clone())),
        AnchorKnob::AnchoredUnsigned => {
            let mut c = claim.clone();
            c.remove("signature")
                .ok_or("AnchoredUnsigned needs a signed embedded record")?;
            anchor::canonical_claim_bytes(&c).map_err(|e| e.to_string())?
        }
        _ => anchor::canonical_claim_bytes(&claim).map_err(|e| e.to_string())?,
    };
    if knob == AnchorKnob::JcsLeaf && leaf_bytes == anchor::canonical_claim_bytes(&claim).map_err(|e| e.to_string())? {
        return Err("JcsLeaf needs a record where RFC 8785 and sorted ASCII differ (non-ASCII text)".into());
    }
    let mut leaves = other_leaves();
    leaves[INDEX] = anchor::leaf_hash(&leaf_bytes);
    let mut p = Inclusion {
        leaf_index: INDEX as u64,
        audit_path: anchor::prove(&leaves, INDEX).expect("index in range"),
        leaf_count: BATCH as u64,
        merkle_root: anchor::root(&leaves).expect("non-empty"),
    };
    match knob {
        AnchorKnob::WrongIndex => p.leaf_index = (INDEX + 1) as u64,
        AnchorKnob::IndexOutOfRange => p.leaf_index = BATCH as u64,
        AnchorKnob::PathTooLong => p.audit_path.push(other_leaves()[0]),
        AnchorKnob::PathTooShort => {
            p.audit_path.pop();
        }
        AnchorKnob::OtherRoot => p.merkle_root = anchor::root(&other_leaves()).expect("non-empty"),
        AnchorKnob::ZeroLeaves => {
            p.leaf_index = 0;
            p.leaf_count = 0;
            p.audit_path.clear();
            p.merkle_root = anchor::leaf_hash(&leaf_bytes);
        }
        AnchorKnob::Genuine
        | AnchorKnob::JcsLeaf
        | AnchorKnob::AnchoredUnsigned
        | AnchorKnob::UppercaseRoot
        | AnchorKnob::OverlongPathElement => {}
    }
    let mut o = p.to_json();
    match knob {
        AnchorKnob::UppercaseRoot => {
            let root = anchor::encode_hash(&p.merkle_root);
            let upper = format!("sha256:{}", root["sha256:".len()..].to_uppercase());
            if upper == root {
                return Err("UppercaseRoot needs a root with a hex letter".into());
            }
            o.insert("merkle_root", Value::String(upper));
        }
        AnchorKnob::OverlongPathElement => {
            let mut path = p
                .audit_path
                .iter()
                .map(|h| Value::String(anchor::encode_hash(h)))
                .collect::<Vec<_>>();
            let first = path.first_mut().ok_or("OverlongPathElement needs an audit path")?;
            *first = Value::String(format!("{}00", first.as_str().expect("text")));
            o.insert("audit_path", Value::Array(path));
        }
        _ => {}
    }
    Ok(o)
}
