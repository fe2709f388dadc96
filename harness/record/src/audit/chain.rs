//! The chain itself: bundle shape, entry hashes, links from `"genesis"`, session epochs.
//!
//! Owns: TR-AUD-001 to TR-AUD-004 and TR-AUD-010 (the export label). Does not own the claim's commitment or receipts.

use super::seal;
use crate::finding::Finding;
use crate::json::{Object, Value};

/// The entries of a well-shaped bundle and the session the chain ends in.
pub(super) struct Chain<'a> {
    pub entries: Vec<&'a Object>,
    /// `None` when the session epochs are broken (then no claim is compared with them).
    pub final_session: Option<&'a str>,
}

fn malformed(pointer: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding::fail("TR-AUD-001", "chain/malformed", pointer, message)
}

/// Checks the chain; returns its entries when the bundle has the shape to go on.
pub(super) fn check<'a>(bundle: &'a Value, out: &mut Vec<Finding>) -> Option<Chain<'a>> {
    let Value::Object(bundle) = bundle else {
        out.push(malformed("", "an audit bundle is a JSON object"));
        return None;
    };
    let Some(Value::Array(items)) = bundle.get("entries") else {
        out.push(malformed("/entries", "an audit bundle has an entries array"));
        return None;
    };
    if items.is_empty() {
        out.push(malformed("/entries", "the audit bundle has no entries"));
        return None;
    }
    let mut entries = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::Object(e) => entries.push(e),
            _ => out.push(malformed(
                format!("/entries/{i}"),
                format!("entry {i} is not an object"),
            )),
        }
    }
    if entries.len() != items.len() {
        return None;
    }
    check_hashes(&entries, out);
    check_links(&entries, out);
    let final_session = check_epochs(&entries, out);
    check_label(bundle, &entries, out);
    Some(Chain { entries, final_session })
}

/// The export wrapper's `session_id` is outside every signature and hash, so it is held
/// to what the entries say: the session of the last entry (TR-AUD-010).
fn check_label(bundle: &Object, entries: &[&Object], out: &mut Vec<Finding>) {
    let last = entries.last().and_then(|e| e.get("session_id")).and_then(Value::as_str);
    let message = match (bundle.get("session_id"), last) {
        (Some(Value::String(label)), Some(last)) if label == last => return,
        (Some(Value::String(label)), Some(last)) => {
            format!("the bundle is labelled session {label:?} but its last entry is in session {last:?}")
        }
        (Some(Value::String(_)), None) => return, // the epoch check already failed the entry
        (Some(_), _) => "the bundle's session_id is not a string".to_string(),
        (None, _) => "the bundle has no session_id naming the session it was exported for".to_string(),
    };
    out.push(Finding::fail(
        "TR-AUD-010",
        "chain/session-mismatch",
        "/session_id",
        message,
    ));
}

fn check_hashes(entries: &[&Object], out: &mut Vec<Finding>) {
    for (i, e) in entries.iter().enumerate() {
        let pointer = format!("/entries/{i}/entry_hash");
        match e.get("entry_hash") {
            Some(Value::String(stated)) => {
                if *stated != seal::entry_hash(e) {
                    out.push(Finding::fail(
                        "TR-AUD-002",
                        "chain/hash-mismatch",
                        pointer,
                        format!(
                            "entry {i}: entry_hash is not the SHA-256 of the entry's canonical form (content altered)"
                        ),
                    ));
                }
            }
            _ => out.push(malformed(
                pointer,
                format!("entry {i}: entry_hash is missing or not a string"),
            )),
        }
    }
}

fn check_links(entries: &[&Object], out: &mut Vec<Finding>) {
    for (i, e) in entries.iter().enumerate() {
        let expected = match i {
            0 => Value::String(seal::GENESIS.into()),
            _ => entries[i - 1].get("entry_hash").cloned().unwrap_or(Value::Null),
        };
        if e.get("prev_entry_hash") != Some(&expected) {
            let what = if i == 0 {
                "the first entry's prev_entry_hash is not \"genesis\"".to_string()
            } else {
                format!("entry {i}: prev_entry_hash is not the entry_hash of entry {}", i - 1)
            };
            out.push(Finding::fail(
                "TR-AUD-003",
                "chain/link-broken",
                format!("/entries/{i}/prev_entry_hash"),
                what,
            ));
        }
    }
}

/// A change of `session_id` is allowed only right after a `session_reset` entry of the
/// current session that names it as closed and names its successor.
fn check_epochs<'a>(entries: &[&'a Object], out: &mut Vec<Finding>) -> Option<&'a str> {
    let epoch = |i: usize, msg: String| {
        Finding::fail(
            "TR-AUD-004",
            "chain/session-epoch",
            format!("/entries/{i}/session_id"),
            msg,
        )
    };
    let mut current = match entries[0].get("session_id") {
        Some(Value::String(s)) if !s.is_empty() => s.as_str(),
        _ => {
            out.push(epoch(0, "entry 0: session_id is not a non-empty string".into()));
            return None;
        }
    };
    for (i, e) in entries.iter().enumerate() {
        if e.get("session_id").and_then(Value::as_str) != Some(current) {
            out.push(epoch(
                i,
                format!("entry {i}: session_id changes without a recorded session_reset"),
            ));
            return None;
        }
        if e.get("entry_type").and_then(Value::as_str) != Some("session_reset") {
            continue;
        }
        let detail = e.get("detail").and_then(Value::as_object);
        let closed = detail.and_then(|d| d.get("closed_session_id")).and_then(Value::as_str);
        let successor = detail
            .and_then(|d| d.get("successor_session_id"))
            .and_then(Value::as_str);
        match (closed, successor) {
            (Some(c), Some(s)) if c == current && !s.is_empty() => current = s,
            _ => {
                out.push(Finding::fail(
                    "TR-AUD-004",
                    "chain/session-epoch",
                    format!("/entries/{i}/detail"),
                    format!("entry {i}: session_reset does not name the current session and a successor"),
                ));
                return None;
            }
        }
    }
    Some(current)
}
