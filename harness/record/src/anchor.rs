//! Registry anchors (spec/registry-anchor-v1.md): the leaf of a signed claim, the RFC 6962
//! tree over a batch, inclusion proofs, and their replay (RFC 9162 §2.1.3.2).
//!
//! Owns: the anchor layer's canonical form (sorted-key ASCII JSON, not RFC 8785: RA §0),
//! [`leaf_hash`], [`root`], [`prove`] (the producer side, for vectors and tests) and
//! [`verify_inclusion`]. Does not own where a proof comes from or the Level 2 rule that
//! asks for one (`rules::fields`, TR-ANC-002).

use crate::json::{Number, Object, Value};
use crate::pyjson;
use crate::sample::hex;
use sha2::{Digest, Sha256};

/// An inclusion receipt: the RA §5 proof with the RA §4 entry's root and size (the shape
/// trace-tests reads, research ANC-13).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inclusion {
    pub leaf_index: u64,
    pub audit_path: Vec<[u8; 32]>,
    pub leaf_count: u64,
    pub merkle_root: [u8; 32],
}

/// Why a claim is not proven included. Any of them means: not included (RA §5.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InclusionError {
    /// The receipt is not `{leaf_index, audit_path, leaf_count, merkle_root}` as RA defines.
    Malformed(String),
    /// The claim has a non-integer number: outside the anchor profile (RA §1).
    OutsideProfile,
    IndexOutOfRange,
    PathTooLong,
    PathTooShort,
    RootMismatch,
}

impl std::fmt::Display for InclusionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InclusionError::Malformed(m) => write!(f, "malformed inclusion receipt: {m}"),
            InclusionError::OutsideProfile => {
                f.write_str("the claim has a non-integer number, outside the anchor profile")
            }
            InclusionError::IndexOutOfRange => f.write_str("leaf_index is not below leaf_count"),
            InclusionError::PathTooLong => f.write_str("the audit path is longer than the tree is high"),
            InclusionError::PathTooShort => f.write_str("the audit path ends below the root"),
            InclusionError::RootMismatch => f.write_str("the recomputed root is not the entry's merkle_root"),
        }
    }
}

fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(Number::Float(_)) => true,
        Value::Array(a) => a.iter().any(has_float),
        Value::Object(o) => o.iter().any(|(_, v)| has_float(v)),
        _ => false,
    }
}

/// The anchor-layer bytes of a claim: sorted-key, ASCII-escaped JSON (RA §1).
pub fn canonical_claim_bytes(claim: &Object) -> Result<Vec<u8>, InclusionError> {
    let v = Value::Object(claim.clone());
    if has_float(&v) {
        return Err(InclusionError::OutsideProfile);
    }
    Ok(pyjson::dumps(&v))
}

fn sha(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// `SHA-256(0x00 || bytes)` (RA §2).
pub fn leaf_hash(bytes: &[u8]) -> [u8; 32] {
    sha(&[&[0x00], bytes])
}

fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    sha(&[&[0x01], left, right])
}

/// The RFC 6962 root of a non-empty batch, odd nodes promoted unchanged (RA §3).
pub fn root(leaves: &[[u8; 32]]) -> Option<[u8; 32]> {
    let mut level = leaves.to_vec();
    if level.is_empty() {
        return None;
    }
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|c| if c.len() == 2 { node(&c[0], &c[1]) } else { c[0] })
            .collect();
    }
    Some(level[0])
}

/// The audit path of leaf `index`, leaf to root; promoted levels add nothing (RA §5).
pub fn prove(leaves: &[[u8; 32]], index: usize) -> Option<Vec<[u8; 32]>> {
    if index >= leaves.len() {
        return None;
    }
    let (mut level, mut i, mut path) = (leaves.to_vec(), index, Vec::new());
    while level.len() > 1 {
        let sibling = i ^ 1;
        if sibling < level.len() {
            path.push(level[sibling]);
        }
        level = level
            .chunks(2)
            .map(|c| if c.len() == 2 { node(&c[0], &c[1]) } else { c[0] })
            .collect();
        i /= 2;
    }
    Some(path)
}

/// Replays an inclusion proof for the exact claim object (RA §5.1, step by step).
pub fn verify_inclusion(claim: &Object, proof: &Inclusion) -> Result<(), InclusionError> {
    if proof.leaf_index >= proof.leaf_count {
        return Err(InclusionError::IndexOutOfRange);
    }
    let mut r = leaf_hash(&canonical_claim_bytes(claim)?);
    let (mut fn_, mut sn) = (proof.leaf_index, proof.leaf_count - 1);
    for p in &proof.audit_path {
        if sn == 0 {
            return Err(InclusionError::PathTooLong);
        }
        if fn_ % 2 == 1 || fn_ == sn {
            r = node(p, &r);
            if fn_ % 2 == 0 {
                while fn_ % 2 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(InclusionError::PathTooShort);
    }
    if r != proof.merkle_root {
        return Err(InclusionError::RootMismatch);
    }
    Ok(())
}

/// `sha256:<64 lowercase hex>` to bytes.
pub fn decode_hash(text: &str) -> Option<[u8; 32]> {
    let h = text.strip_prefix("sha256:")?;
    if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

pub fn encode_hash(h: &[u8; 32]) -> String {
    format!("sha256:{}", hex(h))
}

impl Inclusion {
    /// Reads `{leaf_index, audit_path, leaf_count, merkle_root}`; integers must be integer
    /// tokens (booleans and negative numbers are refused, research ANC-13).
    pub fn from_json(v: &Value) -> Result<Inclusion, InclusionError> {
        let bad = |m: &str| InclusionError::Malformed(m.to_string());
        let o = v.as_object().ok_or_else(|| bad("not an object"))?;
        let uint = |name: &str| match o.get(name) {
            Some(Value::Number(Number::Int(n))) if *n >= 0 => Ok(*n as u64),
            _ => Err(bad(&format!("{name} is not a non-negative integer"))),
        };
        let path = match o.get("audit_path") {
            Some(Value::Array(a)) => a
                .iter()
                .map(|p| {
                    p.as_str()
                        .and_then(decode_hash)
                        .ok_or_else(|| bad("an audit_path element is not sha256:<hex>"))
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(bad("audit_path is not an array")),
        };
        let root = o
            .get("merkle_root")
            .and_then(Value::as_str)
            .and_then(decode_hash)
            .ok_or_else(|| bad("merkle_root is not sha256:<hex>"))?;
        Ok(Inclusion {
            leaf_index: uint("leaf_index")?,
            audit_path: path,
            leaf_count: uint("leaf_count")?,
            merkle_root: root,
        })
    }

    pub fn to_json(&self) -> Object {
        let mut o = Object::new();
        o.insert("leaf_index", Value::Number(Number::Int(self.leaf_index as i64)));
        o.insert(
            "audit_path",
            Value::Array(self.audit_path.iter().map(|h| Value::String(encode_hash(h))).collect()),
        );
        o.insert("leaf_count", Value::Number(Number::Int(self.leaf_count as i64)));
        o.insert("merkle_root", Value::String(encode_hash(&self.merkle_root)));
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<[u8; 32]> {
        (0..n).map(|i| leaf_hash(format!("{{\"n\":{i}}}").as_bytes())).collect()
    }

    /// The RFC 6962 recursive definition: split at the largest power of two below n.
    fn recursive_root(l: &[[u8; 32]]) -> [u8; 32] {
        if l.len() == 1 {
            return l[0];
        }
        let k = 1usize << (usize::BITS - 1 - (l.len() - 1).leading_zeros());
        node(&recursive_root(&l[..k]), &recursive_root(&l[k..]))
    }

    fn claim(i: usize) -> Object {
        match crate::json::parse(format!("{{\"n\":{i}}}").as_bytes()).unwrap() {
            Value::Object(o) => o,
            _ => unreachable!(),
        }
    }

    #[test]
    fn level_order_promotion_equals_the_recursive_split_and_every_proof_replays() {
        for n in 1..=33 {
            let l = leaves(n);
            let r = root(&l).unwrap();
            assert_eq!(r, recursive_root(&l), "n = {n}");
            for i in 0..n {
                let p = Inclusion {
                    leaf_index: i as u64,
                    audit_path: prove(&l, i).unwrap(),
                    leaf_count: n as u64,
                    merkle_root: r,
                };
                assert_eq!(verify_inclusion(&claim(i), &p), Ok(()), "n = {n}, i = {i}");
                // Every single change is refused: another leaf, index, size, path or root.
                assert!(verify_inclusion(&claim(i + 1), &p).is_err());
                let mut q = p.clone();
                q.leaf_index = (i as u64 + 1) % n as u64;
                assert!(n == 1 || verify_inclusion(&claim(i), &q).is_err(), "n = {n}, i = {i}");
                let mut q = p.clone();
                q.audit_path.push([0; 32]);
                assert!(verify_inclusion(&claim(i), &q).is_err());
                if !p.audit_path.is_empty() {
                    let mut q = p.clone();
                    q.audit_path.pop();
                    assert!(verify_inclusion(&claim(i), &q).is_err());
                }
                // (A larger leaf_count can still replay: the root is what binds, RFC 9162.)
                let mut q = p.clone();
                q.leaf_count = i as u64;
                assert_eq!(verify_inclusion(&claim(i), &q), Err(InclusionError::IndexOutOfRange));
            }
        }
        assert_eq!(root(&[]), None);
    }

    #[test]
    fn the_leaf_is_sorted_ascii_json_not_rfc_8785() {
        let c = match crate::json::parse("{\"b\":\"\u{e4}\",\"a\":1}".as_bytes()).unwrap() {
            Value::Object(o) => o,
            _ => unreachable!(),
        };
        assert_eq!(canonical_claim_bytes(&c).unwrap(), br#"{"a":1,"b":"\u00e4"}"#);
        let float = crate::json::parse(br#"{"a":1.5}"#).unwrap();
        assert_eq!(
            canonical_claim_bytes(float.as_object().unwrap()),
            Err(InclusionError::OutsideProfile)
        );
        // A float anywhere: inside an array, inside an object inside an array.
        for text in [&br#"{"a":[1,2.5]}"#[..], br#"{"a":[{"b":[0.5]}]}"#] {
            let v = crate::json::parse(text).unwrap();
            assert_eq!(
                canonical_claim_bytes(v.as_object().unwrap()),
                Err(InclusionError::OutsideProfile),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn a_receipt_with_a_negative_index_or_size_is_malformed() {
        let root = format!("sha256:{}", "ab".repeat(32));
        for (index, count) in [(-1, 5), (0, -1)] {
            let text =
                format!(r#"{{"leaf_index":{index},"audit_path":[],"leaf_count":{count},"merkle_root":"{root}"}}"#);
            let v = crate::json::parse(text.as_bytes()).unwrap();
            assert!(
                matches!(Inclusion::from_json(&v), Err(InclusionError::Malformed(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn every_inclusion_error_says_what_failed() {
        let said = |e: InclusionError| e.to_string();
        assert_eq!(
            said(InclusionError::Malformed("x".into())),
            "malformed inclusion receipt: x"
        );
        assert!(said(InclusionError::OutsideProfile).contains("non-integer number"));
        assert!(said(InclusionError::IndexOutOfRange).contains("leaf_index"));
        assert!(said(InclusionError::PathTooLong).contains("longer"));
        assert!(said(InclusionError::PathTooShort).contains("below the root"));
        assert!(said(InclusionError::RootMismatch).contains("merkle_root"));
    }
}
