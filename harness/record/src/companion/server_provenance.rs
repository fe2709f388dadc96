//! MCP Server Provenance Record v1 (SP), the consumer's side: the format check (§5 step 1),
//! the record's shape (§2, §3), its signature under `cnf.jwk` (§5 step 2), inclusion when a
//! receipt is supplied (§5 step 4), the catalogue hash against the tools actually served
//! (§4, §5 step 5), the assurance weighed by `kind` (§1, §5 step 6) and absence recorded
//! (§6).
//!
//! Owns: [`verify_server_provenance`] over `{context, record, served_tools, inclusion}` and
//! [`catalog_hash`]. Does not own key distribution (§5 step 3 is outside SP: the record is
//! checked under its own key) nor fetching the served tool list.

use super::{Presence, digest_text, flag, is_digest_text, presence, read_document, replay_inclusion};
use crate::finding::{Finding, Status, Verdict, verdict_at};
use crate::json::{Object, Value};
use crate::keys::PublicKey;
use crate::{Level, b64, jcs, pyjson};

/// The one format identifier this verifier knows (SP §3).
pub const FORMAT: &str = "agentrust-io/mcp-server-provenance/1";
/// The closed set of assurance kinds (SP §1).
pub const KINDS: [&str; 3] = ["publisher-asserted", "observer-attested", "tee-attested"];
/// The assurance reported for anything that is not a verified record.
pub const NO_ASSURANCE: &str = "none";

#[derive(Clone, Debug, serde::Serialize)]
pub struct ServerProvenanceReport {
    pub verdict: Verdict,
    /// The record's `kind` when every check passed, else [`NO_ASSURANCE`] (SP §1, §7).
    pub assurance: String,
    pub findings: Vec<Finding>,
}

/// `tool_catalog.hash` of a served tool list (SP §4): SHA-256 over the sorted-key JSON of
/// `{name, description, input_schema}` of every tool, ordered by name. Members a tool does
/// not have are left out (IMPL-36). `None` when the list is not an array of named objects.
pub fn catalog_hash(tools: &Value) -> Option<String> {
    let mut entries: Vec<(String, Object)> = Vec::new();
    for tool in tools.as_array()? {
        let tool = tool.as_object()?;
        let name = tool.get("name")?.as_str()?.to_string();
        let mut entry = Object::new();
        for member in ["name", "description", "input_schema"] {
            if let Some(v) = tool.get(member) {
                entry.insert(member, v.clone());
            }
        }
        entries.push((name, entry));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let list = Value::Array(entries.into_iter().map(|(_, e)| Value::Object(e)).collect());
    digest_text("sha256", &pyjson::dumps(&list))
}

/// Verifies one server-provenance document. Other members (a fixture's name) are ignored.
pub fn verify_server_provenance(bytes: &[u8]) -> ServerProvenanceReport {
    let mut found = Vec::new();
    let mut kind = None;
    match read_document(bytes, "server-provenance") {
        Err(f) => found.push(f),
        Ok(doc) => kind = check(&doc, &mut found),
    }
    let verdict = verdict_at(&found, Level::L0);
    let assurance = match (verdict, kind) {
        (Verdict::Accept, Some(k)) => k,
        _ => NO_ASSURANCE.to_string(),
    };
    ServerProvenanceReport {
        verdict,
        assurance,
        findings: found,
    }
}

fn fail(found: &mut Vec<Finding>, rule: &'static str, class: &'static str, at: &str, message: String) {
    found.push(Finding::fail(rule, class, at, message));
}

/// Runs every check that can run; returns the record's kind when it names one.
fn check(doc: &Object, found: &mut Vec<Finding>) -> Option<String> {
    let record = match presence(doc, "record") {
        Presence::Present(r) => r,
        Presence::NotAnObject => {
            fail(
                found,
                "TR-SPV-008",
                "companion/document-malformed",
                "/record",
                "the record is neither an object nor null".into(),
            );
            return None;
        }
        Presence::Absent => {
            let required = flag(doc, "require_record");
            let status = if required { Status::Fail } else { Status::Unverified };
            let why = if required {
                "no server provenance record, and this deployment requires one"
            } else {
                "no server provenance record: absence recorded, no assurance"
            };
            found.push(Finding::new("TR-SPV-007", status, "companion/absent", "/record", why));
            return None;
        }
    };
    let served = doc.get("served_tools");
    if served.is_none_or(|s| s.as_array().is_none()) {
        fail(
            found,
            "TR-SPV-008",
            "companion/document-malformed",
            "/served_tools",
            "served_tools, the tools the server offers, is not an array".into(),
        );
        return None;
    }
    match record.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        other => {
            fail(
                found,
                "TR-SPV-001",
                "companion/unknown-version",
                "/record/format",
                format!("format {other:?} is not {FORMAT:?}: rejected, not parsed best-effort"),
            );
            return None;
        }
    }
    check_shape(record, found);
    check_identity(record, found);
    check_signature(record, found);
    if let Some(Err(e)) = replay_inclusion(doc, record) {
        fail(
            found,
            "TR-SPV-006",
            "evidence/inclusion-invalid",
            "/inclusion",
            format!("the record is not proven included: {e}"),
        );
    }
    check_catalog(record, served.expect("checked above"), found);
    record
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| KINDS.contains(k))
        .map(str::to_string)
}

fn check_shape(record: &Object, found: &mut Vec<Finding>) {
    let mut bad = |at: &str, why: &str| {
        fail(
            found,
            "TR-SPV-002",
            "companion/malformed",
            &format!("/record{at}"),
            why.to_string(),
        );
    };
    let kind = record.get("kind").and_then(Value::as_str);
    if !kind.is_some_and(|k| KINDS.contains(&k)) {
        bad(
            "/kind",
            "kind is not one of publisher-asserted, observer-attested, tee-attested",
        );
    }
    if record.get("issued_at").and_then(Value::as_int).is_none() {
        bad("/issued_at", "issued_at is not an integer (Unix seconds)");
    }
    let publisher = record.get("publisher").and_then(Value::as_str).unwrap_or_default();
    if !(publisher.starts_with("did:") || publisher.starts_with("spiffe://")) {
        bad("/publisher", "publisher is not a DID or a SPIFFE URI");
    }
    let catalog = record.get("tool_catalog").and_then(Value::as_object);
    if !catalog
        .and_then(|c| c.get("hash"))
        .and_then(Value::as_str)
        .is_some_and(|h| is_digest_text(h, "sha256"))
    {
        bad(
            "/tool_catalog/hash",
            "tool_catalog.hash is not sha256:<64 lowercase hex>",
        );
    }
    if catalog
        .and_then(|c| c.get("tool_count"))
        .and_then(Value::as_int)
        .is_none_or(|n| n < 0)
    {
        bad(
            "/tool_catalog/tool_count",
            "tool_catalog.tool_count is not a non-negative integer",
        );
    }
    let attested = !matches!(record.get("attestation"), None | Some(Value::Null));
    match (kind == Some("tee-attested"), attested) {
        (true, false) => bad("/attestation", "a tee-attested record carries its attestation"),
        (false, true) => bad("/attestation", "attestation is null unless kind is tee-attested"),
        _ => {}
    }
    if record
        .get("cnf")
        .and_then(Value::as_object)
        .and_then(|c| c.get("jwk"))
        .and_then(Value::as_object)
        .is_none()
    {
        bad("/cnf/jwk", "cnf.jwk, the key the signature verifies under, is missing");
    }
    if record.get("signature").and_then(Value::as_str).is_none() {
        bad("/signature", "signature is missing");
    }
}

fn check_identity(record: &Object, found: &mut Vec<Finding>) {
    let mut bad = |at: &str, why: &str| {
        fail(
            found,
            "TR-SPV-003",
            "companion/identity-invalid",
            &format!("/record/identity{at}"),
            why.to_string(),
        );
    };
    let identity = record.get("identity").and_then(Value::as_object);
    let part = |name: &str| identity.and_then(|i| i.get(name)).and_then(Value::as_object);
    let (artifact, endpoint) = (part("artifact"), part("endpoint"));
    if artifact.is_none() && endpoint.is_none() {
        bad("", "identity carries neither artifact nor endpoint");
    }
    if let Some(a) = artifact {
        let package = a.get("package").and_then(Value::as_str).unwrap_or_default();
        let digest = a.get("digest").and_then(Value::as_str).unwrap_or_default();
        if !package.starts_with("pkg:") || !is_digest_text(digest, "sha256") {
            bad(
                "/artifact",
                "artifact is a Package URL and the sha256 digest of the entrypoint",
            );
        }
    }
    if let Some(e) = endpoint {
        let spki = e.get("spki_sha256").and_then(Value::as_str);
        if !spki.is_some_and(|s| is_digest_text(s, "sha256")) {
            bad(
                "/endpoint/spki_sha256",
                "an endpoint URL is not an identity without spki_sha256",
            );
        }
    }
}

fn check_signature(record: &Object, found: &mut Vec<Finding>) {
    let Some(jwk) = record.get("cnf").and_then(Value::as_object).and_then(|c| c.get("jwk")) else {
        return;
    };
    let Some(signature) = record.get("signature").and_then(Value::as_str) else {
        return;
    };
    let key = match PublicKey::from_jwk(jwk) {
        Ok(k) => k,
        Err(e) => {
            fail(
                found,
                "TR-SPV-004",
                "key/malformed",
                "/record/cnf/jwk",
                format!("cnf.jwk is not a usable public key: {e}"),
            );
            return;
        }
    };
    let mut unsigned = record.clone();
    unsigned.remove("signature");
    let ok = b64::decode(signature)
        .ok()
        .is_some_and(|sig| key.verify(&jcs::canonicalize(&Value::Object(unsigned)), &sig).is_ok());
    if !ok {
        fail(
            found,
            "TR-SPV-004",
            "signature/invalid",
            "/record/signature",
            "the signature does not verify under cnf.jwk over RFC 8785 of the record without signature".into(),
        );
    }
}

fn check_catalog(record: &Object, served: &Value, found: &mut Vec<Finding>) {
    let catalog = record.get("tool_catalog").and_then(Value::as_object);
    let claimed = catalog.and_then(|c| c.get("hash")).and_then(Value::as_str);
    let Some(claimed) = claimed.filter(|h| is_digest_text(h, "sha256")) else {
        return;
    };
    match catalog_hash(served) {
        None => fail(
            found,
            "TR-SPV-008",
            "companion/document-malformed",
            "/served_tools",
            "a served tool is not an object with a string name".into(),
        ),
        Some(actual) if actual != claimed => fail(
            found,
            "TR-SPV-005",
            "companion/catalog-mismatch",
            "/record/tool_catalog/hash",
            format!(
                "the tools served hash to {actual}, the record says {claimed}: not the server the record describes"
            ),
        ),
        Some(_) => {
            let count = served.as_array().map_or(0, Vec::len) as i64;
            let claimed_count = catalog.and_then(|c| c.get("tool_count")).and_then(Value::as_int);
            if claimed_count.is_some_and(|n| n >= 0 && n != count) {
                fail(
                    found,
                    "TR-SPV-005",
                    "companion/catalog-mismatch",
                    "/record/tool_catalog/tool_count",
                    format!("{count} tools are served, the record counts {claimed_count:?}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn tools(text: &str) -> Value {
        json::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn the_catalogue_hash_ignores_order_and_unhashed_members_but_not_descriptions() {
        let a = tools(
            r#"[{"name":"b","description":"x","input_schema":{}},{"name":"a","description":"y","input_schema":{"type":"object"}}]"#,
        );
        let b = tools(
            r#"[{"name":"a","input_schema":{"type":"object"},"description":"y","annotations":{"k":1}},{"output_schema":{},"name":"b","description":"x","input_schema":{}}]"#,
        );
        let c = tools(
            r#"[{"name":"a","description":"y and email it","input_schema":{"type":"object"}},{"name":"b","description":"x","input_schema":{}}]"#,
        );
        assert_eq!(catalog_hash(&a), catalog_hash(&b));
        assert_ne!(catalog_hash(&a), catalog_hash(&c));
        assert_eq!(catalog_hash(&tools(r#"[{"description":"x"}]"#)), None);
        assert_eq!(catalog_hash(&tools(r#"{}"#)), None);
    }

    #[test]
    fn absence_is_unverified_with_no_assurance_and_refused_only_when_required() {
        let r = verify_server_provenance(br#"{"record":null,"served_tools":[]}"#);
        assert_eq!((r.verdict, r.assurance.as_str()), (Verdict::Unverified, NO_ASSURANCE));
        assert_eq!(r.findings[0].rule, "TR-SPV-007");
        let r = verify_server_provenance(br#"{"context":{"require_record":true},"served_tools":[]}"#);
        assert_eq!(r.verdict, Verdict::Reject);
    }
}
