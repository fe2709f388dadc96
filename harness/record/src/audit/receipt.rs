//! External execution evidence inside audit entries (S2 §3.3.2).
//!
//! Owns: TR-EXT-001 (shape), TR-EXT-002 (`linked_call_id`), TR-EXT-003 (issuer signature)
//! and TR-EXT-004 (issuer key not configured), under either [`ReceiptPolicy`]. Does not
//! own the chain or what the receipt's `evidence_hash` points at (a detached payload).

use super::{ChainOptions, ReceiptCounts, ReceiptPolicy, seal};
use crate::b64;
use crate::finding::{Finding, Status};
use crate::json::{Object, Value};
use crate::keys::PublicKey;

/// The members a receipt has, all strings (S2 §3.3.2; cMCP ingests exactly these).
pub const RECEIPT_MEMBERS: [&str; 6] = [
    "issuer",
    "issuer_key_id",
    "evidence_hash",
    "evidence_type",
    "linked_call_id",
    "signature",
];

pub(super) fn check_all(entries: &[&Object], opts: &ChainOptions, out: &mut Vec<Finding>) -> ReceiptCounts {
    let mut counts = ReceiptCounts::default();
    for (i, e) in entries.iter().enumerate() {
        let pointer = format!("/entries/{i}/external_execution_evidence");
        match e.get("external_execution_evidence") {
            None | Some(Value::Null) => {}
            Some(Value::Object(r)) if r.is_empty() && opts.receipts == ReceiptPolicy::CmcpCompat => {}
            Some(_) if opts.receipts == ReceiptPolicy::CmcpCompat && opts.issuer_keys.is_empty() => {
                counts.ignored += 1;
            }
            Some(Value::Object(r)) => {
                let before = out.len();
                let verified = check_one(r, e, &pointer, opts, out);
                if out[before..].iter().any(|f| f.status == Status::Fail) {
                    counts.failed += 1;
                } else if verified {
                    counts.verified += 1;
                } else {
                    counts.unverified += 1;
                }
            }
            Some(_) => {
                out.push(malformed(&pointer, "external_execution_evidence is not an object"));
                counts.failed += 1;
            }
        }
    }
    counts
}

fn malformed(pointer: &str, message: impl Into<String>) -> Finding {
    Finding::fail("TR-EXT-001", "evidence/receipt-malformed", pointer, message)
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn well_formed_digest(s: &str) -> bool {
    match s.split_once(':') {
        Some(("sha256", hex)) => is_lower_hex(hex, 64),
        Some(("sha384", hex)) => is_lower_hex(hex, 96),
        _ => false,
    }
}

/// Checks one receipt; true when its signature and binding were verified.
///
/// Under TRACE's rules (S2 §3.3.2) the three checks apply only when a key is configured for
/// the `issuer_key_id` the receipt names: whatever its spelling (a hex digest, a DID URL, a
/// URI), a key id no configured key answers to leaves the receipt unverified, never invalid.
/// Under `--cmcp-compat` the id must be cMCP's 64 lowercase hex before any key is looked up.
fn check_one(r: &Object, entry: &Object, pointer: &str, opts: &ChainOptions, out: &mut Vec<Finding>) -> bool {
    let compat = opts.receipts == ReceiptPolicy::CmcpCompat;
    let Some(key_id) = r.get("issuer_key_id").and_then(Value::as_str) else {
        out.push(malformed(
            &format!("{pointer}/issuer_key_id"),
            "the receipt names no issuer_key_id (a string)",
        ));
        return false;
    };
    if compat && !is_lower_hex(key_id, 64) {
        out.push(malformed(
            &format!("{pointer}/issuer_key_id"),
            "issuer_key_id is not the lowercase hex SHA-256 of an Ed25519 public key (cMCP's form)",
        ));
        return false;
    }
    let key = opts
        .issuer_keys
        .iter()
        .find(|k| seal::issuer_key_id(k).as_deref() == Some(key_id));
    if !compat && key.is_none() {
        out.push(unverified(pointer, key_id, compat));
        return false;
    }
    let mut fields = Vec::with_capacity(RECEIPT_MEMBERS.len());
    for name in RECEIPT_MEMBERS {
        match r.get(name) {
            Some(Value::String(s)) => fields.push(s.as_str()),
            _ => {
                out.push(malformed(
                    &format!("{pointer}/{name}"),
                    format!("the receipt's {name} is missing or not a string"),
                ));
                return false;
            }
        }
    }
    let [_, _, evidence_hash, _, linked, signature] = fields[..] else {
        unreachable!("six members")
    };
    if !well_formed_digest(evidence_hash) {
        out.push(malformed(
            &format!("{pointer}/evidence_hash"),
            "evidence_hash is not sha256:<64 hex> or sha384:<96 hex> in lowercase",
        ));
        return false;
    }
    let call_id = entry.get("call_id").and_then(Value::as_str);
    let misbound = call_id != Some(linked);
    let misbound_finding = || {
        Finding::fail(
            "TR-EXT-002",
            "evidence/receipt-misbound",
            format!("{pointer}/linked_call_id"),
            format!("linked_call_id {linked:?} is not the entry's call_id {call_id:?}"),
        )
    };
    if compat && misbound {
        // cMCP checks the binding before it looks for the issuer key.
        out.push(misbound_finding());
        return false;
    }
    let Some(key) = key else {
        out.push(unverified(pointer, key_id, compat));
        return false;
    };
    if !signature_valid(r, key, signature, opts.receipts) {
        out.push(Finding::fail(
            "TR-EXT-003",
            "evidence/receipt-signature-invalid",
            format!("{pointer}/signature"),
            format!(
                "the receipt signature does not verify over its {} form without signature",
                seal::receipt_canonicalization(opts.receipts).name()
            ),
        ));
    }
    if misbound {
        out.push(misbound_finding());
    }
    true
}

/// TR-EXT-004: no configured key answers to the receipt's key id. An advisory under TRACE's
/// rules; cMCP fails the bundle instead (`--cmcp-compat`).
fn unverified(pointer: &str, key_id: &str, compat: bool) -> Finding {
    Finding::new(
        "TR-EXT-004",
        if compat { Status::Fail } else { Status::Advisory },
        if compat {
            "evidence/issuer-unknown"
        } else {
            "evidence/receipt-unverified"
        },
        format!("{pointer}/issuer_key_id"),
        format!("external_evidence_unverified: no issuer key is configured for issuer_key_id {key_id:?}"),
    )
}

fn signature_valid(r: &Object, key: &PublicKey, signature: &str, policy: ReceiptPolicy) -> bool {
    let Ok(sig) = b64::decode(signature) else {
        return false;
    };
    let input = seal::receipt_signing_input(r, policy);
    key.verify(&input, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::well_formed_digest as well_formed;

    #[test]
    fn a_digest_is_sha256_or_sha384_in_lowercase_hex_of_its_length() {
        assert!(well_formed(&format!("sha256:{}", "a1".repeat(32))));
        assert!(well_formed(&format!("sha384:{}", "0f".repeat(48))));
        for bad in [
            format!("sha384:{}", "0".repeat(64)),
            format!("sha256:{}", "0".repeat(96)),
            format!("sha256:{}", "A".repeat(64)),
            format!("sha512:{}", "0".repeat(128)),
            "sha256".to_string(),
        ] {
            assert!(!well_formed(&bad), "{bad}");
        }
    }
}
