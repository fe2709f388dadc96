//! Schema validity (TR-SCH-001) and integer tokens (TR-SCH-002).

crate::no_families!();

vectors! { "sch", "schema", "JSON Schema validity of the record, and integer members written as integer tokens.";
    /// exp is not a Trust Record member
    /// The top level has additionalProperties false; LIMITATIONS.md's exp does not exist (D-32).
    fn exp_member(b) {
        b.set_json("/exp", "1785000060").invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1");
    }
    /// transparency as an empty string instead of absent
    /// An unanchored record omits transparency; "" is not a URI (D-18).
    fn transparency_empty(b) {
        b.set_str("/transparency", "").invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1");
    }
    /// transparency null instead of absent
    /// null is not a string (D-18).
    fn transparency_null(b) {
        b.set_json("/transparency", "null").invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1");
    }
    /// A delegation link with a SHA-384 parent hash
    /// The A2A delegation block (S2 §3.1): sha256 or sha384 digests of the parent hop's record.
    fn delegation_sha384(b) {
        b.set_json("/delegation", &format!(r#"{{"parent_record_hash":"sha384:{}","credential_id":"cred-7"}}"#, "ab".repeat(48)));
        b.valid(&["TR-SCH-001"]).spec("S2 §3.1 delegation");
    }
    /// A delegation parent hash in upper-case hex
    /// The digest pattern is lowercase hex; the link binds nothing it cannot be compared with.
    fn delegation_hash_uppercase(b) {
        b.set_json("/delegation", &format!(r#"{{"parent_record_hash":"sha256:{}","credential_id":"cred-7"}}"#, "AB".repeat(32)));
        b.invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1 delegation");
    }
    /// A delegation link without its credential id
    /// Both members are required; the binding rules themselves are targeted for v0.3.
    fn delegation_without_credential(b) {
        b.set_json("/delegation", &format!(r#"{{"parent_record_hash":"sha256:{}"}}"#, "cd".repeat(32)));
        b.invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1 delegation");
    }
    /// model.model_id removed
    /// model_id is required within model.
    fn model_id_missing(b) {
        b.remove("/model/model_id").invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1");
    }
    /// runtime.extensions from the NVIDIA platform page
    /// runtime has additionalProperties false; the docs example is not a valid record (D-15).
    fn runtime_extensions(b) {
        b.set_json("/runtime/extensions", r#"{"cpu_platform":"intel-tdx"}"#).invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1");
    }
    /// A docs spelling of a platform (sev-snp)
    /// Only the ten schema values exist (D-13).
    fn platform_docs_spelling(b) {
        b.set_str("/runtime/platform", "sev-snp").invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1");
    }
    /// data_class as a number
    /// data_class is an open vocabulary, but a string.
    fn data_class_number(b) {
        b.set_json("/data_class", "3").invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1");
    }
    /// An empty data_class is schema-valid
    /// The vocabulary is open and has no minimum length (IMPL-12).
    fn data_class_empty(b) {
        b.set_str("/data_class", "").valid(&["TR-SCH-001"]).spec("S2 §3.1");
    }
    /// A reproducibility block under the default v0.2 profile
    /// Only the 0.11.0 schema (--strict) knows this member (D-05).
    fn reproducibility_default_profile(b) {
        let d = format!("sha256:{}", "ef".repeat(32));
        b.set_json("/reproducibility", &format!(r#"{{"function":"f","code_identity":"{d}","input_closure":[],"transcript_digest":"{d}"}}"#));
        b.invalid("schema/violation", "TR-SCH-001").spec("D-05");
    }
    /// A reproducibility block under the strict profile
    /// The strict profile follows the 0.11.0 schema, which defines the block.
    fn reproducibility_strict_profile(b) {
        let d = format!("sha256:{}", "ef".repeat(32));
        b.set_json("/reproducibility", &format!(r#"{{"function":"f","code_identity":"{d}","input_closure":[],"transcript_digest":"{d}"}}"#));
        b.ctx.strict = true;
        b.valid(&["TR-SCH-001"]).spec("D-05");
    }
    /// iat written 1785000000.0
    /// Same canonical bytes, so the signature verifies; the token is not an integer (D-33).
    fn iat_integral_float(b) {
        b.text_edit("\"iat\":1785000000", "\"iat\":1785000000.0").invalid("schema/integer-token", "TR-SCH-002").spec("IMPL-19");
    }
    /// slsa_level written 1e0
    /// An exponent token is not an integer token either.
    fn slsa_level_exponent(b) {
        b.text_edit("\"slsa_level\":1", "\"slsa_level\":1e0").invalid("schema/integer-token", "TR-SCH-002").spec("IMPL-19");
    }
    /// A record without iat
    /// Every record carries iat (S2 §3.1); freshness cannot be judged without it.
    fn iat_missing(b) {
        b.remove("/iat").invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1");
    }
    /// A record without eat_profile
    /// The verifier checks the profile itself; a missing one is not the v0.2 profile.
    fn eat_profile_missing(b) {
        b.remove("/eat_profile").invalid("profile/mismatch", "TR-ENV-001").spec("S2 §3.1");
    }
    /// A references entry without rel
    /// Each entry needs rel, id and resolver (S2 §3.1.2).
    fn references_entry_without_rel(b) {
        b.set_json("/references", r#"[{"id":"t-1","resolver":"https://r.example/"}]"#);
        b.invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1.2");
    }
    /// A references entry without id
    /// Without an id the resolver has nothing to resolve.
    fn references_entry_without_id(b) {
        b.set_json("/references", r#"[{"rel":"behavior-trace","resolver":"https://r.example/"}]"#);
        b.invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1.2");
    }
    /// A references entry with an empty resolver
    /// A producer that cannot name a resolver drops the entry (S2 §3.1).
    fn references_resolver_empty(b) {
        b.set_json("/references", r#"[{"rel":"behavior-trace","id":"t-1","resolver":""}]"#);
        b.invalid("schema/violation", "TR-SCH-001").spec("S2 §3.1.2");
    }
    /// A references entry with an unregistered rel
    /// The suite keeps rel an open string (D-04): an unknown relationship is not an error.
    fn references_rel_unregistered(b) {
        b.set_json("/references", r#"[{"rel":"x-vendor-notes","id":"t-1","resolver":"https://r.example/"}]"#);
        b.valid(&["TR-SCH-001"]).spec("S2 §3.1.2");
    }
}
