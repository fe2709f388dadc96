//! The companion formats of TRACE v0.2 that a consumer verifies beside Trust Records:
//! MCP server provenance records ([`server_provenance`], spec/server-provenance-v1.md) and
//! the C2PA assertion binding marked content to a record ([`content_marking`],
//! spec/content-marking-v1.md).
//!
//! Owns: what both share: reading a test document, the absence report, digests of exact
//! bytes, and replaying an optional inclusion receipt (RA §5.1). Does not own fetching,
//! key distribution (both documents leave it out of scope) or the Trust Record itself.

pub mod content_marking;
pub mod server_provenance;

use crate::anchor::{self, Inclusion};
use crate::envelope;
use crate::finding::Finding;
use crate::json::{self, Object, Value};
use crate::sample::hex;
use sha2::{Digest, Sha256, Sha384};

/// Reads a companion document: one JSON object, or the finding that says why not.
pub(crate) fn read_document(bytes: &[u8], what: &str) -> Result<Object, Finding> {
    match json::parse(bytes) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(Finding::fail(
            "TR-GEN-008",
            "input/not-object",
            "",
            format!("a {what} document is a JSON object"),
        )),
        Err(e) => Err(envelope::parse_finding(&e, "")),
    }
}

/// Where the subject of a document is: a member that is absent or null is absence.
pub(crate) enum Presence<'a> {
    Absent,
    Present(&'a Object),
    NotAnObject,
}

pub(crate) fn presence<'a>(doc: &'a Object, name: &str) -> Presence<'a> {
    match doc.get(name) {
        None | Some(Value::Null) => Presence::Absent,
        Some(Value::Object(o)) => Presence::Present(o),
        Some(_) => Presence::NotAnObject,
    }
}

/// `context.<name>` is `true`.
pub(crate) fn flag(doc: &Object, name: &str) -> bool {
    doc.get("context").and_then(Value::as_object).and_then(|c| c.get(name)) == Some(&Value::Bool(true))
}

/// `<alg>:<lowercase hex>` of `bytes` under `alg` (`sha256` or `sha384`).
pub fn digest_text(alg: &str, bytes: &[u8]) -> Option<String> {
    match alg {
        "sha256" => Some(format!("sha256:{}", hex(&Sha256::digest(bytes)))),
        "sha384" => Some(format!("sha384:{}", hex(&Sha384::digest(bytes)))),
        _ => None,
    }
}

/// Whether `text` is `<alg>:` and the lowercase hex of a digest of that algorithm.
pub(crate) fn is_digest_text(text: &str, alg: &str) -> bool {
    let len = match alg {
        "sha256" => 64,
        "sha384" => 96,
        _ => return false,
    };
    text.strip_prefix(alg)
        .and_then(|t| t.strip_prefix(':'))
        .is_some_and(|h| h.len() == len && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// Replays the document's `inclusion` receipt, if any, over `claim` (RA §5.1). `None`: no
/// receipt was supplied; `Some(Err)`: the receipt does not prove inclusion.
pub(crate) fn replay_inclusion(doc: &Object, claim: &Object) -> Option<Result<(), String>> {
    let receipt = doc.get("inclusion").filter(|v| !matches!(v, Value::Null))?;
    Some(
        Inclusion::from_json(receipt)
            .and_then(|proof| anchor::verify_inclusion(claim, &proof))
            .map_err(|e| e.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_texts_have_the_algorithms_length_and_lowercase_hex() {
        let d = digest_text("sha256", b"x").unwrap();
        assert!(is_digest_text(&d, "sha256"));
        assert!(!is_digest_text(&d, "sha384"));
        assert!(!is_digest_text(&d.to_uppercase(), "sha256"));
        assert!(!is_digest_text(&d[..70], "sha256"));
        let d = digest_text("sha384", b"x").unwrap();
        assert!(is_digest_text(&d, "sha384"));
        assert_eq!(digest_text("md5", b"x"), None);
    }
}
