//! Build-provenance verification depth (TR-DEP-*, S2 §3.3.1, profile
//! `trace.build_provenance.depth.v0`): contradicting evidence fails at every depth that
//! looks at it; evidence that does not resolve caps the verified depth and is named.

use crate::depth_build::DsseKnob;
use trace_record::json::Value;
use trace_record::provenance::Depth::{Builder, Surface, Transitive};

crate::no_families!();

fn text(s: &str) -> Value {
    Value::String(s.into())
}

/// A digest sharing the first 12 hex digits with the real one (what short IDs display).
fn prefix_twin() -> String {
    let real = crate::depth_build::artifact_digest();
    format!("{}{}", &real[..7 + 12], "0".repeat(64 - 12))
}

vectors! { "dep", "provenance-depth", "Build-provenance verification depth: surface, builder, transitive (S2 §3.3.1).";
    /// Every check resolves and agrees, at surface
    /// The positive control at the shallowest depth.
    fn all_agree_surface(b) {
        b.depth(Surface);
        b.reports("surface");
        b.valid(&["TR-DEP-002", "TR-DEP-003"]).spec("S2 §3.3.1");
    }
    /// Every check resolves and agrees, at builder
    /// Subject and builder of the attestation bind to the record.
    fn all_agree_builder(b) {
        b.depth(Builder);
        b.reports("builder");
        b.valid(&["TR-DEP-004", "TR-DEP-005"]).spec("S2 §3.3.1");
    }
    /// Every check resolves and agrees, at transitive
    /// Every build input has a publisher attestation under a trusted issuer.
    fn all_agree_transitive(b) {
        b.depth(Transitive);
        b.reports("transitive");
        b.valid(&["TR-DEP-006", "TR-DEP-007", "TR-DEP-008"]).spec("S2 §3.3.1");
    }
    /// A wrong attestation subject, attempted at surface only
    /// Surface does not look at the attestation: it accepts (the depth below the one that separates).
    fn surface_does_not_read_the_attestation(b) {
        b.depth(Surface).statement.push(("/subject/0/digest/sha256", Some(text(&"ab".repeat(32)))));
        b.reports("surface");
        b.valid(&["TR-DEP-004"]).spec("S2 §3.3.1");
    }
    /// No provenance_uri, attempted at builder
    /// The attestation cannot be fetched: verified depth surface, named, not a failure.
    fn builder_without_uri(b) {
        b.depth(Builder).record.push(("provenance_uri", None));
        b.reports("surface");
        b.valid(&["TR-DEP-007"]).warning("TR-DEP-007").spec("S2 §3.3.1");
    }
    /// provenance_uri resolves to nothing, attempted at transitive
    /// Unresolvable evidence stops the walk at surface; nothing below it can run.
    fn transitive_with_unresolvable_attestation(b) {
        b.depth(Transitive).unresolvable = true;
        b.reports("surface");
        b.valid(&["TR-DEP-007"]).warning("TR-DEP-007").spec("S2 §3.3.1");
    }
    /// The attestation declares no build inputs, at transitive
    /// A dependency loop over an empty list must not record transitive: builder, named.
    fn transitive_without_inputs(b) {
        b.depth(Transitive).statement.push(("/predicate/buildDefinition/resolvedDependencies", Some(Value::Array(Vec::new()))));
        b.reports("builder");
        b.valid(&["TR-DEP-007"]).warning("TR-DEP-007").spec("S2 §3.3.1");
    }
    /// A build input without a publisher attestation, at transitive
    /// Verified depth builder, with the missing evidence named.
    fn transitive_input_unattested(b) {
        b.depth(Transitive).dependency_unattested = Some(1);
        b.reports("builder");
        b.valid(&["TR-DEP-007"]).warning("TR-DEP-007").spec("S2 §3.3.1");
    }
    /// The record's digest is another artifact's
    /// Surface compares with the independently held artifact, not the record with itself.
    fn digest_mismatch(b) {
        b.depth(Surface).record.push(("digest", Some(text(&format!("sha256:{}", "cd".repeat(32))))));
        b.invalid("provenance/artifact-digest-mismatch", "TR-DEP-002").spec("S2 §3.3.1");
    }
    /// The digest shares the first 12 hex digits, at transitive
    /// A short-ID comparison accepts it; every deeper depth still fails it.
    fn digest_prefix_twin(b) {
        b.depth(Transitive).record.push(("digest", Some(text(&prefix_twin()))));
        b.invalid("provenance/artifact-digest-mismatch", "TR-DEP-002").spec("S2 §3.3.1");
    }
    /// An untrusted builder
    /// The builder is not in the configured set.
    fn builder_untrusted(b) {
        b.depth(Surface).record.push(("builder", Some(text("https://ci.attacker.example/builder"))));
        b.invalid("provenance/builder-untrusted", "TR-DEP-003").spec("S2 §3.3.1");
    }
    /// No builder, at builder depth
    /// A missing builder is an untrusted builder.
    fn builder_missing(b) {
        b.depth(Builder).record.push(("builder", None));
        b.invalid("provenance/builder-untrusted", "TR-DEP-003").spec("S2 §3.3.1");
    }
    /// The attestation's subject is another image
    /// Nothing binds the attestation to what ran.
    fn attestation_subject_other(b) {
        b.depth(Builder).statement.push(("/subject/0/digest/sha256", Some(text(&"ab".repeat(32)))));
        b.invalid("provenance/subject-mismatch", "TR-DEP-004").spec("S2 §3.3.1");
    }
    /// The subject shares the first 12 hex digits, at transitive
    /// Truncated comparison accepts it; the full digest does not match.
    fn attestation_subject_prefix_twin(b) {
        b.depth(Transitive).statement.push(("/subject/0/digest/sha256", Some(text(prefix_twin().trim_start_matches("sha256:")))));
        b.invalid("provenance/subject-mismatch", "TR-DEP-004").spec("S2 §3.3.1");
    }
    /// The attestation names another builder
    /// A verifier that checks only the subject misses it.
    fn attestation_builder_other(b) {
        b.depth(Builder).statement.push(("/predicate/runDetails/builder/id", Some(text("https://github.com/actions/runner"))));
        b.invalid("provenance/builder-mismatch", "TR-DEP-005").spec("S2 §3.3.1");
    }
    /// The attestation names no builder, at transitive
    /// An absent builder id is not the record's builder.
    fn attestation_builder_absent(b) {
        b.depth(Transitive).statement.push(("/predicate/runDetails/builder", None));
        b.invalid("provenance/builder-mismatch", "TR-DEP-005").spec("S2 §3.3.1");
    }
    /// A build input published under an untrusted issuer
    /// Presence of an attestation is not trust in who signed it.
    fn input_publisher_untrusted(b) {
        b.depth(Transitive).dependency_issuer = Some((0, "https://oidc.attacker.example"));
        b.invalid("provenance/publisher-untrusted", "TR-DEP-006").spec("S2 §3.3.1");
    }
    /// The second input's issuer differs only in case
    /// Issuer URLs are compared byte for byte.
    fn input_publisher_case_variant(b) {
        b.depth(Transitive).dependency_issuer = Some((1, "https://TOKEN.actions.githubusercontent.com"));
        b.invalid("provenance/publisher-untrusted", "TR-DEP-006").spec("S2 §3.3.1");
    }
    /// An attempted depth that does not exist
    /// Only surface, builder and transitive are depths.
    fn unknown_depth(b) {
        b.depth_raw(r#"{"attempted_depth":"deep","build_provenance":{},"context":{}}"#);
        b.invalid("provenance/document-malformed", "TR-DEP-008").spec("S2 §3.3.1");
    }
    /// A document without a context
    /// Without trust configuration no depth can be verified.
    fn no_context(b) {
        b.depth_raw(r#"{"attempted_depth":"surface","build_provenance":{"builder":"x","digest":"sha256:00"}}"#);
        b.invalid("provenance/document-malformed", "TR-DEP-008").spec("S2 §3.3.1");
    }
    /// A SHA-384 artifact digest, every check agreeing, at builder
    /// S2 §3.3.1 compares the attestation subject with the record's digest in whatever
    /// algorithm the record names; an in-toto digest set carries sha384 as well.
    fn sha384_digest_at_builder(b) {
        b.depth(Builder).sha384 = true;
        b.reports("builder");
        b.valid(&["TR-DEP-002", "TR-DEP-004", "TR-DEP-005"]).spec("S2 §3.3.1").spec("S2 §3.2.1");
    }
    /// A SHA-384 artifact whose attestation subject is another image
    /// The subject is compared in the record's algorithm, so a mismatch there still fails.
    fn sha384_attestation_subject_other(b) {
        let d = b.depth(Builder);
        d.sha384 = true;
        d.statement.push(("/subject/0/digest/sha384", Some(text(&"ab".repeat(48)))));
        b.invalid("provenance/subject-mismatch", "TR-DEP-004").spec("S2 §3.3.1");
    }
    /// SLSA v0.2 provenance, every check agreeing, at transitive
    /// S2 §3.3.1 names materials (v0.2) beside resolvedDependencies (v1) as the inputs to walk.
    fn slsa_v0_2_all_agree_transitive(b) {
        b.depth(Transitive).slsa_v0_2 = true;
        b.reports("transitive");
        b.valid(&["TR-DEP-005", "TR-DEP-006"]).spec("S2 §3.3.1");
    }
    /// SLSA v0.2 provenance naming another builder
    /// The v0.2 builder.id is the builder identity the record is held against.
    fn slsa_v0_2_builder_other(b) {
        let d = b.depth(Builder);
        d.slsa_v0_2 = true;
        d.statement.push(("/predicate/builder/id", Some(text("https://github.com/actions/runner"))));
        b.invalid("provenance/builder-mismatch", "TR-DEP-005").spec("S2 §3.3.1");
    }
    /// SLSA v0.2: a material published under an untrusted issuer
    /// A verifier that walks only resolvedDependencies never sees the v0.2 materials.
    fn slsa_v0_2_material_publisher_untrusted(b) {
        let d = b.depth(Transitive);
        d.slsa_v0_2 = true;
        d.dependency_issuer = Some((1, "https://issuer.attacker.example"));
        b.invalid("provenance/publisher-untrusted", "TR-DEP-006").spec("S2 §3.3.1");
    }
    /// No attempted depth; the record claims builder
    /// The depth attempted is the one the record declares (S2 §3.3.1).
    fn record_claim_sets_the_depth(b) {
        let d = b.depth(Builder);
        d.no_attempted = true;
        d.record.push(("provenance_depth", Some(text("builder"))));
        b.reports("builder").valid(&["TR-DEP-011", "TR-DEP-004"]).spec("S2 §3.3.1");
    }
    /// No attempted depth and no claim; the attestation names another image
    /// A record without provenance_depth is treated as surface: the attestation is not read.
    fn no_claim_is_surface(b) {
        let d = b.depth(Surface);
        d.no_attempted = true;
        d.statement.push(("/subject/0/digest/sha256", Some(text(&"ab".repeat(32)))));
        b.reports("surface").valid(&["TR-DEP-011"]).spec("S2 §3.3.1");
    }
    /// No attempted depth; the record claims the depth "deep"
    /// Only surface, builder and transitive are depths a record can claim.
    fn record_claim_unknown(b) {
        let d = b.depth(Surface);
        d.no_attempted = true;
        d.record.push(("provenance_depth", Some(text("deep"))));
        b.invalid("provenance/document-malformed", "TR-DEP-011").spec("S2 §3.3.1");
    }
    /// No attempted depth; the record claims "Builder", capitalised
    /// Depth values are compared byte for byte.
    fn record_claim_capitalised(b) {
        let d = b.depth(Surface);
        d.no_attempted = true;
        d.record.push(("provenance_depth", Some(text("Builder"))));
        b.invalid("provenance/document-malformed", "TR-DEP-011").spec("S2 §3.3.1");
    }
    /// A floor of builder, met at builder
    /// The profile's floor is reached: nothing to report.
    fn floor_met(b) {
        b.depth(Builder).floor = Some("builder");
        b.reports("builder").valid(&["TR-DEP-009"]).spec("S2 §3.3.1");
    }
    /// A floor of builder; the attestation does not resolve
    /// Verified depth surface is below the floor: contraindicated, refused (D-49).
    fn floor_missed_unresolvable(b) {
        let d = b.depth(Builder);
        d.floor = Some("builder");
        d.unresolvable = true;
        b.warning("TR-DEP-007").reports("surface").invalid("provenance/below-floor", "TR-DEP-009").spec("S2 §3.3.1");
    }
    /// A floor of transitive; a build input is unattested
    /// Verified depth builder misses a transitive floor (docs/verification.md profile floors).
    fn floor_missed_transitive(b) {
        let d = b.depth(Transitive);
        d.floor = Some("transitive");
        d.dependency_unattested = Some(0);
        b.warning("TR-DEP-007").reports("builder").invalid("provenance/below-floor", "TR-DEP-009").spec("S2 §3.3.1");
    }
    /// A floor that names no depth
    /// A floor of "deep" cannot be compared with anything.
    fn floor_unknown(b) {
        b.depth(Surface).floor = Some("deep");
        b.invalid("provenance/document-malformed", "TR-DEP-008").spec("S2 §3.3.1");
    }
    /// A DSSE-signed attestation from a trusted attestor, at builder
    /// The verifier checks the envelope's signature itself (S2 §3.3.1 builder depth).
    fn dsse_envelope_verified(b) {
        b.depth(Builder).dsse = Some(DsseKnob::Genuine);
        b.reports("builder").valid(&["TR-DEP-010"]).spec("S2 §3.3.1");
    }
    /// A DSSE envelope signed by an untrusted key, at builder
    /// Not authentic evidence: it does not resolve, the depth stops at surface, named.
    fn dsse_untrusted_signer(b) {
        b.depth(Builder).dsse = Some(DsseKnob::UntrustedSigner);
        b.warning("TR-DEP-010").reports("surface").valid(&["TR-DEP-010"]).spec("S2 §3.3.1");
    }
    /// A DSSE payload changed after signing, at builder
    /// A verifier that reads the payload without checking the signature claims builder.
    fn dsse_payload_altered(b) {
        b.depth(Builder).dsse = Some(DsseKnob::PayloadAltered);
        b.warning("TR-DEP-010").reports("surface").valid(&["TR-DEP-010"]).spec("S2 §3.3.1");
    }
    /// A DSSE signature over the bare payload, not the PAE
    /// DSSE signs the pre-authentication encoding; the payload alone is another message.
    fn dsse_signed_without_pae(b) {
        b.depth(Builder).dsse = Some(DsseKnob::SignedWithoutPae);
        b.warning("TR-DEP-010").reports("surface").valid(&["TR-DEP-010"]).spec("S2 §3.3.1");
    }
    /// A verified DSSE attestation naming another image
    /// Authentic evidence that contradicts the record fails the appraisal.
    fn dsse_subject_other(b) {
        let d = b.depth(Builder);
        d.dsse = Some(DsseKnob::Genuine);
        d.statement.push(("/subject/0/digest/sha256", Some(text(&"ab".repeat(32)))));
        b.invalid("provenance/subject-mismatch", "TR-DEP-004").spec("S2 §3.3.1");
    }
}
