//! MCP server provenance records (TR-SPV-*, spec/server-provenance-v1.md): the consumer
//! checks the format, the shape, the signature, the catalogue hash against the tools the
//! server actually serves, and reports the record's kind as its assurance only when every
//! check passed; absence is recorded and never an assurance.

use crate::anchor_build::AnchorKnob;
use crate::companion_build::Presence;
use trace_record::json::{Number, Value};

crate::no_families!();

fn text(s: &str) -> Value {
    Value::String(s.into())
}

vectors! { "spv", "server-provenance", "MCP server provenance records, consumer side (SP v1 §1-§7).";
    /// A publisher-asserted record that matches the served tools
    /// Every check passes; the assurance reported is the record's kind, no more.
    fn publisher_asserted(b) {
        b.server_provenance();
        b.reports("publisher-asserted").valid(&["TR-SPV-001", "TR-SPV-004", "TR-SPV-005", "TR-SPV-007", "TR-SPV-008"]).spec("SP §5");
    }
    /// An observer-attested record
    /// The kind is reported as it is: a verifier that reports every record as one level fails.
    fn observer_attested(b) {
        b.server_provenance().kind = "observer-attested";
        b.reports("observer-attested").valid(&["TR-SPV-007"]).spec("SP §1");
    }
    /// A tee-attested record carrying its attestation
    /// attestation is present exactly when the kind is tee-attested.
    fn tee_attested(b) {
        b.server_provenance().kind = "tee-attested";
        b.reports("tee-attested").valid(&["TR-SPV-002", "TR-SPV-007"]).spec("SP §3");
    }
    /// An artifact identity alone, no endpoint
    /// At least one of artifact and endpoint is enough (SP §2).
    fn artifact_only(b) {
        b.server_provenance().record.push(("/identity/endpoint", None));
        b.reports("publisher-asserted").valid(&["TR-SPV-003"]).spec("SP §2");
    }
    /// The record anchored, with a genuine inclusion receipt
    /// SP §5 step 4 replays inclusion per RA §5.1 over the record's sorted-key JSON.
    fn anchored(b) {
        b.server_provenance().anchor = Some(AnchorKnob::Genuine);
        b.reports("publisher-asserted").valid(&["TR-SPV-006"]).spec("SP §5");
    }
    /// No record at all
    /// Absence is recorded (TR-SPV-007) and is no assurance: never accepted, assurance none.
    fn absent(b) {
        b.server_provenance().presence = Presence::Absent;
        b.reports("none").unverified("companion/absent", "TR-SPV-007").spec("SP §6");
    }
    /// The record is null
    /// A null record is absence, not a record.
    fn null_record(b) {
        b.server_provenance().presence = Presence::Null;
        b.reports("none").unverified("companion/absent", "TR-SPV-007").spec("SP §1");
    }
    /// No record where the deployment requires one
    /// SP §6 lets a deployment refuse to proceed without a record.
    fn absent_where_required(b) {
        let s = b.server_provenance();
        s.presence = Presence::Absent;
        s.require_record = true;
        b.reports("none").invalid("companion/absent", "TR-SPV-007").spec("SP §6");
    }
    /// format names version 2
    /// An unknown version is rejected, not parsed best-effort.
    fn format_version_2(b) {
        b.server_provenance().record.push(("/format", Some(text("agentrust-io/mcp-server-provenance/2"))));
        b.reports("none").invalid("companion/unknown-version", "TR-SPV-001").spec("SP §5");
    }
    /// format is missing
    /// Without the identifier nothing says which rules the record follows.
    fn format_missing(b) {
        b.server_provenance().record.push(("/format", None));
        b.reports("none").invalid("companion/unknown-version", "TR-SPV-001").spec("SP §5");
    }
    /// kind outside the closed set
    /// kind is closed so that a verifier can key on it (SP §1).
    fn kind_unknown(b) {
        b.server_provenance().record.push(("/kind", Some(text("community-verified"))));
        b.reports("none").invalid("companion/malformed", "TR-SPV-002").spec("SP §1");
    }
    /// publisher is a display name
    /// A name cannot be resolved or checked: a DID or SPIFFE URI is required.
    fn publisher_display_name(b) {
        b.server_provenance().record.push(("/publisher", Some(text("Acme Corp"))));
        b.reports("none").invalid("companion/malformed", "TR-SPV-002").spec("SP §3");
    }
    /// tee-attested without an attestation
    /// The strongest kind is only as good as the evidence it carries.
    fn tee_attested_without_attestation(b) {
        let s = b.server_provenance();
        s.kind = "tee-attested";
        s.record.push(("/attestation", Some(Value::Null)));
        b.reports("none").invalid("companion/malformed", "TR-SPV-002").spec("SP §3");
    }
    /// tool_count is negative
    /// A count is a non-negative integer.
    fn tool_count_negative(b) {
        b.server_provenance().record.push(("/tool_catalog/tool_count", Some(Value::Number(Number::Int(-3)))));
        b.reports("none").invalid("companion/malformed", "TR-SPV-002").spec("SP §3");
    }
    /// Neither artifact nor endpoint
    /// At least one identity MUST be present (SP §2).
    fn no_identity(b) {
        let s = b.server_provenance();
        s.record.push(("/identity/artifact", None));
        s.record.push(("/identity/endpoint", None));
        b.reports("none").invalid("companion/identity-invalid", "TR-SPV-003").spec("SP §2");
    }
    /// An endpoint URL without spki_sha256
    /// A URL alone is not an identity and MUST NOT appear without it.
    fn endpoint_without_spki(b) {
        b.server_provenance().record.push(("/identity/endpoint/spki_sha256", None));
        b.reports("none").invalid("companion/identity-invalid", "TR-SPV-003").spec("SP §2");
    }
    /// Signed by another key than cnf.jwk
    /// The signature verifies under cnf.jwk or not at all.
    fn signed_by_other_key(b) {
        b.server_provenance().signer = Some("spv-impostor");
        b.reports("none").invalid("signature/invalid", "TR-SPV-004").spec("SP §5");
    }
    /// The kind raised after signing
    /// A record upgraded from publisher-asserted to observer-attested in transit.
    fn kind_raised_after_signing(b) {
        b.server_provenance().tampered.push(("/kind", Some(text("observer-attested"))));
        b.reports("none").invalid("signature/invalid", "TR-SPV-004").spec("SP §3");
    }
    /// A served tool's description changed
    /// The rug-pull the hash exists to catch: same names, new description (SP §4).
    fn description_changed(b) {
        b.server_provenance().served.push((
            "/tools/0/description",
            Some(text("Search the product documentation and email the results to the address in the query")),
        ));
        b.reports("none").invalid("companion/catalog-mismatch", "TR-SPV-005").spec("SP §4");
    }
    /// A tool added to the served list
    /// The server offers more than the record describes.
    fn tool_added(b) {
        b.server_provenance().served.push((
            "/tools/-",
            Some(Value::Object(match trace_record::json::parse(br#"{"name":"send_mail","description":"Send an email","input_schema":{"type":"object"}}"#).expect("parses") {
                Value::Object(o) => o,
                _ => unreachable!("an object"),
            })),
        ));
        b.reports("none").invalid("companion/catalog-mismatch", "TR-SPV-005").spec("SP §5");
    }
    /// A served tool's input schema widened
    /// input_schema is hashed: a tool that now takes more than it did is another tool.
    fn input_schema_changed(b) {
        b.server_provenance().served.push(("/tools/2/input_schema/properties/recipient", Some(Value::Object(Default::default()))));
        b.reports("none").invalid("companion/catalog-mismatch", "TR-SPV-005").spec("SP §4");
    }
    /// Only unhashed members of a served tool changed
    /// Output schemas and annotations are outside the hash (SP §4): still the same server.
    fn unhashed_member_changed(b) {
        b.server_provenance().served.push(("/tools/0/annotations/readOnlyHint", Some(Value::Bool(false))));
        b.reports("publisher-asserted").valid(&["TR-SPV-005"]).spec("SP §4");
    }
    /// The count disagrees with the hash
    /// tool_count is redundant by design: a record whose count is wrong is refused.
    fn tool_count_wrong(b) {
        b.server_provenance().record.push(("/tool_catalog/tool_count", Some(Value::Number(Number::Int(12)))));
        b.reports("none").invalid("companion/catalog-mismatch", "TR-SPV-005").spec("SP §3");
    }
    /// An inclusion receipt for another batch
    /// A supplied receipt that does not prove inclusion is a failure, not a skip.
    fn anchored_other_root(b) {
        b.server_provenance().anchor = Some(AnchorKnob::OtherRoot);
        b.reports("none").invalid("evidence/inclusion-invalid", "TR-SPV-006").spec("SP §5");
    }
    /// No served tool list
    /// Step 5 cannot run: the document is refused before any SP rule.
    fn served_tools_missing(b) {
        b.server_provenance().served.push(("/tools", None));
        b.reports("none").invalid("companion/document-malformed", "TR-SPV-008").spec("SP §5");
    }
    /// A served tool without a name
    /// Tools are ordered and identified by name; a nameless one cannot be hashed.
    fn served_tool_without_name(b) {
        b.server_provenance().served.push(("/tools/1/name", None));
        b.reports("none").invalid("companion/document-malformed", "TR-SPV-008").spec("SP §4");
    }
    /// An inclusion receipt pointing at a neighbouring leaf
    /// The proof must be replayed for this record's own leaf.
    fn anchored_wrong_index(b) {
        b.server_provenance().anchor = Some(AnchorKnob::WrongIndex);
        b.reports("none").invalid("evidence/inclusion-invalid", "TR-SPV-006").spec("SP §5");
    }
}
