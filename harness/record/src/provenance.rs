//! Build-provenance verification depth (S2 §3.3.1), as the profile
//! `trace.build_provenance.depth.v0` of trace-spec's examples exercises it: `surface`,
//! `builder` and `transitive`, evidence that contradicts the record (a failure at any depth
//! attempted) kept apart from evidence that does not resolve (it caps the verified depth
//! and is named, never a failure).
//!
//! Owns: [`verify_depth`] over `{build_provenance, context}` with the attestations given
//! offline in the context (a DSSE envelope verified here under the context's attestation
//! keys, or a bare statement the caller verified), the verified depth it reports and a
//! profile's depth floor. Does not own fetching attestations, the publisher attestations'
//! signatures (the profile's inputs carry the verified identity), nor the record's own
//! `build_provenance` shape rules (`rules::fields`).

use crate::envelope;
use crate::finding::{Finding, Status, Verdict};
use crate::json::{self, Object, Value};
use crate::keys::PublicKey;

/// The ordered depths, shallowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Depth {
    Surface,
    Builder,
    Transitive,
}

impl Depth {
    pub const ALL: [Depth; 3] = [Depth::Surface, Depth::Builder, Depth::Transitive];
    pub fn name(self) -> &'static str {
        match self {
            Depth::Surface => "surface",
            Depth::Builder => "builder",
            Depth::Transitive => "transitive",
        }
    }
    pub fn parse(name: &str) -> Option<Depth> {
        Depth::ALL.into_iter().find(|d| d.name() == name)
    }
    fn below(self) -> Depth {
        match self {
            Depth::Transitive => Depth::Builder,
            _ => Depth::Surface,
        }
    }
}

/// The profile's codes: (code, rule, depth, is a failure rather than unresolved evidence).
pub const CODES: [(&str, &str, Depth, bool); 10] = [
    ("artifact_digest_mismatch", "TR-DEP-002", Depth::Surface, true),
    ("builder_untrusted", "TR-DEP-003", Depth::Surface, true),
    ("provenance_uri_missing", "TR-DEP-007", Depth::Builder, false),
    ("attestation_unresolvable", "TR-DEP-007", Depth::Builder, false),
    ("attestation_signature_unverified", "TR-DEP-010", Depth::Builder, false),
    ("attestation_subject_mismatch", "TR-DEP-004", Depth::Builder, true),
    ("attestation_builder_mismatch", "TR-DEP-005", Depth::Builder, true),
    ("resolved_dependencies_absent", "TR-DEP-007", Depth::Transitive, false),
    ("dependency_attestation_missing", "TR-DEP-007", Depth::Transitive, false),
    ("dependency_publisher_untrusted", "TR-DEP-006", Depth::Transitive, true),
];

#[derive(Clone, Debug, serde::Serialize)]
pub struct DepthReport {
    pub verdict: Verdict,
    pub attempted: Option<Depth>,
    /// What belongs in `appraisal.provenance_depth_verified`.
    pub verified_depth: Option<Depth>,
    /// Evidence that resolved and contradicts the record, in profile order.
    pub failures: Vec<&'static str>,
    /// Evidence that never resolved, in profile order.
    pub unresolved: Vec<&'static str>,
    pub findings: Vec<Finding>,
}

fn class_of(code: &str) -> &'static str {
    match code {
        "artifact_digest_mismatch" => "provenance/artifact-digest-mismatch",
        "builder_untrusted" => "provenance/builder-untrusted",
        "attestation_subject_mismatch" => "provenance/subject-mismatch",
        "attestation_builder_mismatch" => "provenance/builder-mismatch",
        "dependency_publisher_untrusted" => "provenance/publisher-untrusted",
        "attestation_signature_unverified" => "provenance/signature-unverified",
        _ => "provenance/unresolved",
    }
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Reads `{build_provenance, context, attempted_depth}` and verifies at that depth.
pub fn verify_depth_document(bytes: &[u8]) -> DepthReport {
    let malformed = |f: Finding| DepthReport {
        verdict: Verdict::Reject,
        attempted: None,
        verified_depth: None,
        failures: Vec::new(),
        unresolved: Vec::new(),
        findings: vec![f],
    };
    let doc = match json::parse(bytes) {
        Ok(Value::Object(o)) => o,
        Ok(_) => {
            return malformed(Finding::fail(
                "TR-GEN-008",
                "input/not-object",
                "",
                "a provenance-depth document is a JSON object",
            ));
        }
        Err(e) => return malformed(envelope::parse_finding(&e, "")),
    };
    // The depth attempted is the request's; without one, the depth the record claims, and
    // a record that claims none is treated as surface (S2 §3.3.1).
    let (at, depth) = match doc.get("attempted_depth") {
        Some(d) => ("/attempted_depth", Some(d)),
        None => (
            "/build_provenance/provenance_depth",
            doc.get("build_provenance")
                .and_then(Value::as_object)
                .and_then(|bp| bp.get("provenance_depth")),
        ),
    };
    let floor = doc
        .get("context")
        .and_then(Value::as_object)
        .and_then(|c| c.get("min_verified_depth"));
    let floor_ok = floor.is_none_or(|f| f.as_str().and_then(Depth::parse).is_some());
    match depth.map(|d| d.as_str().and_then(Depth::parse)) {
        _ if !floor_ok => malformed(Finding::fail(
            "TR-DEP-008",
            "provenance/document-malformed",
            "/context/min_verified_depth",
            "min_verified_depth is not surface, builder or transitive",
        )),
        None => verify_depth(&doc, Depth::Surface),
        Some(Some(d)) => verify_depth(&doc, d),
        Some(None) => malformed(Finding::fail(
            if at == "/attempted_depth" {
                "TR-DEP-008"
            } else {
                "TR-DEP-011"
            },
            "provenance/document-malformed",
            at,
            format!(
                "{} is not surface, builder or transitive",
                &at[at.rfind('/').map_or(0, |i| i + 1)..]
            ),
        )),
    }
}

/// The in-toto statement a DSSE envelope carries, when one of its signatures verifies under
/// a trusted attestation key over the DSSE pre-authentication encoding; `Err` says why not.
fn statement_of_envelope(envelope: &Object, keys: Option<&Value>) -> Result<Object, String> {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let payload_type = envelope.get("payloadType").and_then(Value::as_str).unwrap_or_default();
    if payload_type != "application/vnd.in-toto+json" {
        return Err(format!(
            "payloadType {payload_type:?} is not application/vnd.in-toto+json"
        ));
    }
    let payload = envelope
        .get("payload")
        .and_then(Value::as_str)
        .and_then(|p| STANDARD.decode(p).ok())
        .ok_or("payload is not base64")?;
    let mut pae = format!("DSSEv1 {} {payload_type} {} ", payload_type.len(), payload.len()).into_bytes();
    pae.extend_from_slice(&payload);
    let keys: Vec<PublicKey> = match keys {
        Some(Value::Array(a)) => a.iter().filter_map(|k| PublicKey::from_jwk(k).ok()).collect(),
        _ => Vec::new(),
    };
    let signatures = match envelope.get("signatures") {
        Some(Value::Array(a)) => a.as_slice(),
        _ => &[],
    };
    let verified = signatures.iter().any(|sig| {
        sig.pointer("/sig")
            .and_then(Value::as_str)
            .and_then(|s| STANDARD.decode(s).ok())
            .is_some_and(|sig| keys.iter().any(|k| k.verify(&pae, &sig).is_ok()))
    });
    if !verified {
        return Err("no signature verifies under a trusted attestation key".into());
    }
    match json::parse(&payload) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err("the signed payload is not an in-toto statement object".into()),
    }
}

/// Verifies `{build_provenance, context}` at the `attempted` depth. Every depth up to the
/// attempted one runs; a depth whose evidence does not resolve stops the walk there.
pub fn verify_depth(doc: &Object, attempted: Depth) -> DepthReport {
    let mut fired: Vec<(&'static str, String, String)> = Vec::new();
    let mut fire =
        |code: &'static str, pointer: &str, message: String| fired.push((code, pointer.to_string(), message));
    let bp = doc.get("build_provenance").and_then(Value::as_object);
    let ctx = doc.get("context").and_then(Value::as_object);
    let (Some(bp), Some(ctx)) = (bp, ctx) else {
        return DepthReport {
            verdict: Verdict::Reject,
            attempted: Some(attempted),
            verified_depth: None,
            failures: Vec::new(),
            unresolved: Vec::new(),
            findings: vec![Finding::fail(
                "TR-DEP-008",
                "provenance/document-malformed",
                "",
                "the document needs build_provenance and context objects",
            )],
        };
    };
    let digest = bp.get("digest").and_then(Value::as_str);
    let builder = bp.get("builder").and_then(Value::as_str);
    // surface
    if digest.is_none() || digest != ctx.get("artifact_digest").and_then(Value::as_str) {
        fire(
            "artifact_digest_mismatch",
            "/build_provenance/digest",
            "digest is not the independently held artifact's digest (full compare)".into(),
        );
    }
    if !builder.is_some_and(|b| strings(ctx.get("trusted_builders")).contains(&b)) {
        fire(
            "builder_untrusted",
            "/build_provenance/builder",
            format!("builder {builder:?} is not a trusted builder"),
        );
    }
    let mut statement = None;
    let mut signed: Option<Object> = None;
    if attempted >= Depth::Builder {
        match bp.get("provenance_uri").and_then(Value::as_str) {
            None => fire(
                "provenance_uri_missing",
                "/build_provenance/provenance_uri",
                "no provenance_uri: the attestation cannot be fetched".into(),
            ),
            Some(uri) => {
                let resolved = ctx
                    .get("attestations")
                    .and_then(Value::as_object)
                    .and_then(|a| a.get(uri));
                let envelope = resolved.and_then(|a| a.pointer("/envelope")).and_then(Value::as_object);
                // A bare statement is one whose signature the caller verified (the depth
                // profile's form, IMPL-38); a DSSE envelope is verified here.
                match (
                    envelope,
                    resolved
                        .and_then(|a| a.pointer("/statement"))
                        .and_then(Value::as_object),
                ) {
                    (Some(e), _) => match statement_of_envelope(e, ctx.get("attestation_keys")) {
                        Ok(s) => signed = Some(s),
                        Err(why) => fire(
                            "attestation_signature_unverified",
                            "/build_provenance/provenance_uri",
                            format!("the attestation at {uri} is not verified: {why}"),
                        ),
                    },
                    (None, Some(s)) => statement = Some(s),
                    (None, None) => fire(
                        "attestation_unresolvable",
                        "/build_provenance/provenance_uri",
                        format!("{uri} does not resolve to an attestation"),
                    ),
                }
            }
        }
    }
    if let Some(s) = statement.or(signed.as_ref()) {
        // The record's digest names its algorithm (`sha256:`, `sha384:`, ...); an in-toto
        // subject carries a digest set keyed by the same names, so the record's algorithm
        // is looked up there, whichever it is.
        let want = digest.and_then(|d| d.split_once(':'));
        let subjects = match s.get("subject") {
            Some(Value::Array(a)) => a.as_slice(),
            _ => &[],
        };
        let bound = want.is_some_and(|(alg, hex)| {
            subjects.iter().any(|sub| {
                sub.pointer("/digest")
                    .and_then(Value::as_object)
                    .and_then(|d| d.get(alg))
                    .and_then(Value::as_str)
                    == Some(hex)
            })
        });
        if !bound {
            fire(
                "attestation_subject_mismatch",
                "/build_provenance/digest",
                "no attestation subject has the record's digest".into(),
            );
        }
        // SLSA v1 names the builder in runDetails, SLSA v0.2 at the top of the predicate.
        let predicate = s.get("predicate");
        let named = predicate
            .and_then(|p| p.pointer("/runDetails/builder/id").or_else(|| p.pointer("/builder/id")))
            .and_then(Value::as_str);
        if named.is_none() || named != builder {
            fire(
                "attestation_builder_mismatch",
                "/build_provenance/builder",
                format!("the attestation names builder {named:?}"),
            );
        }
        if attempted >= Depth::Transitive {
            // SLSA v1 lists build inputs as resolvedDependencies, SLSA v0.2 as materials
            // (S2 §3.3.1 names both).
            let deps = match predicate.and_then(|p| {
                p.pointer("/buildDefinition/resolvedDependencies")
                    .or_else(|| p.pointer("/materials"))
            }) {
                Some(Value::Array(a)) => a.as_slice(),
                _ => &[],
            };
            if deps.is_empty() {
                fire(
                    "resolved_dependencies_absent",
                    "/build_provenance/provenance_uri",
                    "the attestation declares no build inputs to walk".into(),
                );
            }
            let issuers = strings(ctx.get("trusted_publisher_issuers"));
            let published = ctx.get("dependency_attestations").and_then(Value::as_object);
            for dep in deps {
                let uri = dep.pointer("/uri").and_then(Value::as_str).unwrap_or("");
                match published.and_then(|p| p.get(uri)) {
                    None => fire(
                        "dependency_attestation_missing",
                        "/build_provenance/provenance_uri",
                        format!("build input {uri:?} has no publisher attestation"),
                    ),
                    Some(a) => {
                        let issuer = a.pointer("/verified_identity/issuer").and_then(Value::as_str);
                        if !issuer.is_some_and(|i| issuers.contains(&i)) {
                            fire(
                                "dependency_publisher_untrusted",
                                "/build_provenance/provenance_uri",
                                format!("build input {uri:?} was published under issuer {issuer:?}, not a trusted one"),
                            );
                        }
                    }
                }
            }
        }
    }
    let rank = |code: &str| CODES.iter().position(|(c, ..)| *c == code).unwrap_or(0);
    fired.sort_by_key(|(c, ..)| rank(c));
    let mut failures: Vec<&'static str> = Vec::new();
    let mut unresolved: Vec<&'static str> = Vec::new();
    let mut verified = attempted;
    let mut findings = Vec::new();
    for (code, pointer, message) in &fired {
        let (_, rule, depth, is_failure) = CODES[rank(code)];
        let list = if is_failure { &mut failures } else { &mut unresolved };
        if list.contains(code) {
            continue;
        }
        list.push(code);
        if !is_failure {
            verified = verified.min(depth.below());
        }
        let status = if is_failure { Status::Fail } else { Status::Advisory };
        findings.push(Finding::new(
            rule,
            status,
            class_of(code),
            pointer.clone(),
            format!("{code}: {message}"),
        ));
    }
    // A profile's floor (S2 §3.3.1): below it the appraisal is contraindicated, which no
    // level accepts (D-49).
    let floor = ctx
        .get("min_verified_depth")
        .and_then(Value::as_str)
        .and_then(Depth::parse);
    if let Some(floor) = floor.filter(|f| verified < *f) {
        findings.push(Finding::fail(
            "TR-DEP-009",
            "provenance/below-floor",
            "/context/min_verified_depth",
            format!(
                "verified depth {} is below the profile's floor {}: appraisal.status is contraindicated",
                verified.name(),
                floor.name()
            ),
        ));
    }
    DepthReport {
        verdict: if findings.iter().any(|f| f.status == Status::Fail) {
            Verdict::Reject
        } else {
            Verdict::Accept
        },
        attempted: Some(attempted),
        verified_depth: Some(verified),
        failures,
        unresolved,
        findings,
    }
}
