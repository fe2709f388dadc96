//! Verification of one input: envelope, signature binding, schema and content rules, and
//! the verdict at a level.
//!
//! Owns: the order of work (decode, key, signature, schema, content rules), the signature
//! binding rules (TR-SIG-*), de-duplicating schema findings that a specific rule already
//! reports, and the [`Report`]. Does not own the content rules (`rules::fields`) or I/O:
//! the caller passes bytes and the verification time.

use crate::envelope::{self, Decoded, Form, SignatureField};
use crate::finding::{self, Finding, Level, Status, Verdict};
use crate::json::Value;
use crate::keys::{KeyError, PublicKey, SignatureError};
use crate::rules::fields::{self, Ctx};
use crate::schema::{self, Profile};

/// A key the verifier trusts: a public JWK or an RFC 7638 thumbprint.
#[derive(Clone, Debug)]
pub enum TrustedKey {
    Jwk(PublicKey),
    Thumbprint(String),
}

impl TrustedKey {
    /// Whether this anchor names `key` (whose RFC 7638 thumbprint is `thumbprint`).
    fn names(&self, key: &PublicKey, thumbprint: &str) -> bool {
        match self {
            TrustedKey::Jwk(k) => k == key,
            TrustedKey::Thumbprint(t) => t == thumbprint,
        }
    }
}

/// Which envelope to expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormChoice {
    Auto,
    Only(Form),
}

/// The verifier's inputs besides the record.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    pub level: Level,
    /// Verification time, Unix seconds.
    pub now: i64,
    pub max_age: i64,
    pub skew: i64,
    pub nonce: Option<String>,
    pub trusted_keys: Vec<TrustedKey>,
    pub form: FormChoice,
    pub profile: Profile,
    pub strict: bool,
    /// Trust `cnf.jwk` itself when no trusted key is given (proves only self-consistency).
    pub allow_embedded_key: bool,
    /// The canonical form cMCP RuntimeClaim signatures are checked over.
    pub cmcp_canonicalization: crate::cmcp::CmcpCanonicalization,
    /// An inclusion receipt `{leaf_index, audit_path, leaf_count, merkle_root}` for the
    /// presented record (RA §5), replayed for TR-ANC-002.
    pub inclusion: Option<Value>,
    /// A revocation bundle with its trust inputs (S2 §3.2.3); without one, the report says
    /// no revocation check was performed.
    pub revocation: Option<crate::revocation::RevocationInputs>,
    /// Facts of appraised hardware evidence for the record (Level 1 binding).
    pub evidence: Option<crate::evidence::EvidenceFacts>,
    /// The policy bundle hash the verifier expects (S2 §3.3 step 5): the record's
    /// `policy.bundle_hash` must equal it (TR-POL-005). None: no expectation, no check.
    pub expected_policy_hash: Option<String>,
    /// The reference measurements the verifier holds for the workload (S2 §3.3 step 4: what
    /// a vendor's Reference Integrity Manifest endorses): `runtime.measurement` must be one
    /// of them (TR-RTE-012). None: no reference values, no check.
    pub reference_measurements: Option<Vec<String>>,
    /// The deployment profile's own requirements beyond the spec's minimum (IMPL-13).
    pub deployment: Deployment,
}

/// What a deployment profile may require beyond S2's minimum (IMPL-13): SHA-384 digests
/// (a FIPS-aligned profile, S2 §3.2.1), an SLSA Build Level floor (S2 §4.1) and an
/// evaluated policy (S2 §4.3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deployment {
    pub fips: bool,
    pub min_slsa_level: Option<i64>,
    /// The verifier appraises for enforcement: `declared` (nothing evaluated the policy)
    /// counts as no enforcement claim and is refused (S2 §4.3).
    pub require_policy_evaluation: bool,
}

/// The record members that carry a digest (`<alg>:<hex>`, S2 §3.1).
pub const DIGEST_MEMBERS: [&str; 6] = [
    "/model/weights_digest",
    "/runtime/measurement",
    "/policy/bundle_hash",
    "/tool_transcript/hash",
    "/delegation/parent_record_hash",
    "/build_provenance/digest",
];

impl VerifyOptions {
    pub const DEFAULT_MAX_AGE: i64 = 86_400;
    pub const DEFAULT_SKEW: i64 = 300;

    /// Options at a verification time that trust `cnf.jwk` itself (for tests and for
    /// callers that check the key some other way); verifiers should pin trusted keys.
    pub fn embedded_key_at(now: i64) -> Self {
        VerifyOptions {
            allow_embedded_key: true,
            ..Self::at(now)
        }
    }

    pub fn at(now: i64) -> Self {
        VerifyOptions {
            level: Level::L0,
            now,
            max_age: Self::DEFAULT_MAX_AGE,
            skew: Self::DEFAULT_SKEW,
            nonce: None,
            trusted_keys: Vec::new(),
            form: FormChoice::Auto,
            profile: Profile::V02,
            strict: false,
            allow_embedded_key: false,
            cmcp_canonicalization: Default::default(),
            inclusion: None,
            revocation: None,
            evidence: None,
            expected_policy_hash: None,
            reference_measurements: None,
            deployment: Deployment::default(),
        }
    }
}

/// The result of verifying one input.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    pub verdict: Verdict,
    pub level: Level,
    /// The highest level at which the record is accepted.
    pub highest_level: Option<Level>,
    pub form: Option<Form>,
    pub alg: Option<&'static str>,
    pub profile: Profile,
    pub strict: bool,
    /// RFC 7638 thumbprint of cnf.jwk when it was a usable key.
    pub key_thumbprint: Option<String>,
    /// Findings that count at the requested level, then advisories.
    pub findings: Vec<Finding>,
    /// Findings of rules that only apply above the requested level.
    pub above_level: Vec<Finding>,
}

/// Verifies one input.
pub fn verify(bytes: &[u8], opts: &VerifyOptions) -> Report {
    let form = match opts.form {
        FormChoice::Auto => envelope::sniff(bytes),
        FormChoice::Only(f) => f,
    };
    let mut report = Report {
        verdict: Verdict::Reject,
        level: opts.level,
        highest_level: None,
        form: None,
        alg: None,
        profile: opts.profile,
        strict: opts.strict,
        key_thumbprint: None,
        findings: Vec::new(),
        above_level: Vec::new(),
    };
    let all = match envelope::decode(bytes, form) {
        Err(stop) => stop,
        Ok(decoded) => {
            report.form = Some(decoded.form);
            check_decoded(decoded, opts, &mut report)
        }
    };
    let mut all = all;
    replay_inclusion(bytes, report.form, opts, &mut all);
    report.verdict = finding::verdict_at(&all, opts.level);
    report.highest_level = finding::highest_level(&all);
    // Failures first, then what could not be checked, then advisories (stable within each).
    all.sort_by_key(|f| match f.status {
        Status::Fail => 0,
        Status::Unverified => 1,
        Status::Advisory => 2,
    });
    let (here, above): (Vec<_>, Vec<_>) = all.into_iter().partition(|f| f.min_level() <= opts.level);
    report.findings = here;
    report.above_level = above;
    report
}

fn check_decoded(decoded: Decoded, opts: &VerifyOptions, report: &mut Report) -> Vec<Finding> {
    let mut out = decoded.findings.clone();
    if let Some(claim) = decoded.record.as_object().filter(|o| o.contains("cmcp_version")) {
        return check_cmcp(claim, &decoded, opts, report, out);
    }
    let record = decoded.record.as_object().expect("decode yields objects");
    let bound = signature_binding(&decoded, opts, &mut out);
    if let Some((k, thumbprint)) = &bound {
        if decoded.signature != SignatureField::Missing {
            report.alg = Some(k.alg().jose_name());
        }
        report.key_thumbprint = Some(thumbprint.clone());
    }
    let key = bound.map(|(k, _)| k);
    let ctx = Ctx {
        record,
        root: &decoded.record,
        opts,
    };
    let specific = fields::check_all(&ctx);
    if let (Some(inputs), Some(k)) = (&opts.revocation, &key) {
        out.extend(revocation_findings(inputs, k, record, opts));
    }
    out.extend(expected_policy(record, opts));
    out.extend(reference_measurement(record, opts));
    out.extend(deployment_findings(&decoded.record, &opts.deployment));
    let schema_findings = schema::check(&decoded.record, opts.profile, opts.strict);
    out.extend(schema_findings.into_iter().filter(|s| !covered(s, &specific)));
    out.extend(specific);
    out
}

/// TR-POL-005 (S2 §3.3 step 5): with an expected policy bundle hash, the record's
/// `policy.bundle_hash` is that hash, byte for byte (algorithm prefix and lowercase hex).
fn expected_policy(record: &crate::json::Object, opts: &VerifyOptions) -> Option<Finding> {
    let want = opts.expected_policy_hash.as_deref()?;
    let have = record
        .get("policy")
        .and_then(Value::as_object)
        .and_then(|p| p.get("bundle_hash"))
        .and_then(Value::as_str);
    (have != Some(want)).then(|| {
        Finding::fail(
            "TR-POL-005",
            "policy/unexpected-bundle",
            "/policy/bundle_hash",
            format!("policy.bundle_hash {have:?} is not the policy bundle the verifier expects ({want})"),
        )
    })
}

/// TR-PRF-001 to TR-PRF-003: a deployment profile's SHA-384 requirement, SLSA floor and
/// evaluated policy.
fn deployment_findings(root: &Value, d: &Deployment) -> Vec<Finding> {
    let mut out = Vec::new();
    if d.fips {
        for at in DIGEST_MEMBERS {
            if let Some(digest) = root.pointer(at).and_then(Value::as_str)
                && !digest.starts_with("sha384:")
            {
                out.push(Finding::fail(
                    "TR-PRF-001",
                    "profile/digest-not-sha384",
                    at,
                    format!("{digest:.12}...: a FIPS-aligned profile requires SHA-384 digests"),
                ));
            }
        }
    }
    if d.require_policy_evaluation {
        let mode = root.pointer("/policy/enforcement_mode").and_then(Value::as_str);
        if !matches!(mode, Some("enforce" | "advisory" | "silent")) {
            out.push(Finding::fail(
                "TR-PRF-003",
                "profile/policy-not-evaluated",
                "/policy/enforcement_mode",
                format!("enforcement_mode {mode:?} asserts no evaluation of the policy; this deployment appraises for enforcement"),
            ));
        }
    }
    if let Some(floor) = d.min_slsa_level {
        let level = root.pointer("/build_provenance/slsa_level").and_then(Value::as_int);
        if level.is_none_or(|l| l < floor) {
            out.push(Finding::fail(
                "TR-PRF-002",
                "profile/slsa-below-floor",
                "/build_provenance/slsa_level",
                format!("slsa_level {level:?} is below the profile's SLSA Build Level floor {floor}"),
            ));
        }
    }
    out
}

/// TR-RTE-012 (S2 §3.3 step 4): with reference values, `runtime.measurement` is one of the
/// reference measurements, byte for byte (algorithm prefix and lowercase hex).
fn reference_measurement(record: &crate::json::Object, opts: &VerifyOptions) -> Option<Finding> {
    let references = opts.reference_measurements.as_deref()?;
    let have = record
        .get("runtime")
        .and_then(Value::as_object)
        .and_then(|r| r.get("measurement"))
        .and_then(Value::as_str);
    (!have.is_some_and(|m| references.iter().any(|r| r == m))).then(|| {
        Finding::fail(
            "TR-RTE-012",
            "evidence/measurement-not-reference",
            "/runtime/measurement",
            format!(
                "runtime.measurement {have:?} is none of the {} reference measurement(s) the verifier holds",
                references.len()
            ),
        )
    })
}

/// A cMCP RuntimeClaim: envelope and signature (`cmcp`), then the field rules over `trace`
/// (their pointers prefixed with `/trace`). The TRACE schema is not applied: the cMCP
/// trace object is a profile of its own (research D-24).
fn check_cmcp(
    claim: &crate::json::Object,
    decoded: &Decoded,
    opts: &VerifyOptions,
    report: &mut Report,
    mut out: Vec<Finding>,
) -> Vec<Finding> {
    if decoded.form != Form::Embedded {
        out.push(Finding::fail(
            "TR-WIR-002",
            "envelope/malformed",
            "",
            "a RuntimeClaim is a JSON envelope, never wrapped in JWS or COSE",
        ));
        return out;
    }
    let key = crate::cmcp::check(claim, opts.cmcp_canonicalization, &mut out);
    if let (Some(inputs), Some(k), Some(Value::Object(t))) = (&opts.revocation, &key, claim.get("trace")) {
        out.extend(revocation_findings(inputs, k, t, opts).into_iter().map(|mut f| {
            if !f.pointer.is_empty() {
                f.pointer = format!("/trace{}", f.pointer);
            }
            f
        }));
    }
    if let Some(k) = &key {
        report.alg = Some(k.alg().jose_name());
        let verified = out.iter().any(|f| f.rule == "TR-WIR-003");
        report.key_thumbprint = Some(trusted(k, opts, verified, &mut out));
    }
    if let Some(trace @ Value::Object(t)) = claim.get("trace") {
        let ctx = Ctx {
            record: t,
            root: trace,
            opts,
        };
        out.extend(fields::check_all(&ctx).into_iter().map(|mut f| {
            f.pointer = format!("/trace{}", f.pointer);
            f
        }));
    }
    out
}

/// The revocation check for a record whose signing key is `key` (cnf.jwk of `record`).
fn revocation_findings(
    inputs: &crate::revocation::RevocationInputs,
    key: &PublicKey,
    record: &crate::json::Object,
    opts: &VerifyOptions,
) -> Vec<Finding> {
    let thumbprint = key.thumbprint();
    let kid = record
        .get("cnf")
        .and_then(|c| c.pointer("/jwk/kid"))
        .and_then(Value::as_str);
    let record_key = crate::revocation::RecordKey {
        thumbprint: &thumbprint,
        kid,
    };
    crate::revocation::check(inputs, &record_key, opts.now, opts.skew)
}

/// With an inclusion receipt, TR-ANC-002 becomes a real result: the receipt is replayed
/// over the exact presented object, signature included (RA §1), and either the finding
/// goes (proven) or it fails. Without one it stays unverified, never a pass.
fn replay_inclusion(bytes: &[u8], form: Option<Form>, opts: &VerifyOptions, all: &mut Vec<Finding>) {
    let Some(receipt) = &opts.inclusion else { return };
    let Some(at) = all
        .iter()
        .position(|f| f.rule == "TR-ANC-002" && f.status == Status::Unverified)
    else {
        return;
    };
    if form != Some(Form::Embedded) {
        all[at].message = "RA v1 anchors JSON claim objects; a JWS or COSE record has no anchor leaf".into();
        return;
    }
    let claim = match crate::json::parse(bytes) {
        Ok(Value::Object(o)) => o,
        _ => return,
    };
    let result = crate::anchor::Inclusion::from_json(receipt).and_then(|p| crate::anchor::verify_inclusion(&claim, &p));
    match result {
        Ok(()) => {
            all.remove(at);
        }
        Err(e) => {
            all[at] = Finding::fail(
                "TR-ANC-002",
                "evidence/inclusion-invalid",
                "/transparency",
                format!("the inclusion receipt does not prove this record: {e}"),
            )
        }
    }
}

/// Rules that restate a schema constraint at a member; their failure makes the schema
/// finding at the same member redundant.
const SCHEMA_MIRRORS: &[&str] = &[
    "TR-ENV-003",
    "TR-ENV-004",
    "TR-ENV-005",
    "TR-ENV-008",
    "TR-SCH-002",
    "TR-POL-001",
    "TR-POL-002",
    "TR-POL-003",
    "TR-APR-001",
    "TR-APR-002",
    "TR-APR-003",
    "TR-RTE-002",
    "TR-SCA-001",
    "TR-SCA-002",
    "TR-TXN-002",
];

/// A schema finding is dropped when a schema-mirroring rule already failed at or above
/// its pointer; any other rule (a level rule, the origin rule) never hides it.
fn covered(schema_finding: &Finding, specific: &[Finding]) -> bool {
    let mirror = |f: &&Finding| f.status == Status::Fail && !f.pointer.is_empty() && SCHEMA_MIRRORS.contains(&f.rule);
    specific
        .iter()
        .filter(mirror)
        .any(|f| schema_finding.pointer == f.pointer || schema_finding.pointer.starts_with(&format!("{}/", f.pointer)))
}

fn key_finding(e: &KeyError) -> Option<Finding> {
    let (class, pointer) = match e {
        // Reported by the content rules (TR-ENV-004, TR-ENV-005).
        KeyError::NotAnObject | KeyError::PrivateMember(_) | KeyError::Missing("kty") => {
            return None;
        }
        KeyError::Missing(m) | KeyError::NotAString(m) | KeyError::Encoding(m) => {
            ("key/malformed", format!("/cnf/jwk/{m}"))
        }
        KeyError::WrongLength { member, .. } => ("key/wrong-length", format!("/cnf/jwk/{member}")),
        KeyError::NotOnCurve => ("key/not-on-curve", "/cnf/jwk".to_string()),
        KeyError::Unsupported(_) => ("key/unsupported", "/cnf/jwk".to_string()),
        KeyError::AlgMismatch(_) => ("signature/alg-mismatch", "/cnf/jwk/alg".to_string()),
    };
    Some(Finding::fail(
        "TR-SIG-004",
        class,
        pointer,
        format!("cnf.jwk is not a usable public key: {e}"),
    ))
}

/// Checks the signature binding; returns the cnf key when it is usable.
/// The cnf key with its RFC 7638 thumbprint, when it is usable.
fn signature_binding(decoded: &Decoded, opts: &VerifyOptions, out: &mut Vec<Finding>) -> Option<(PublicKey, String)> {
    let sig_pointer = if decoded.form == Form::Embedded {
        "/signature"
    } else {
        ""
    };
    let sig_bytes = match &decoded.signature {
        SignatureField::Missing => {
            out.push(Finding::fail(
                "TR-SIG-005",
                "signature/missing",
                sig_pointer,
                "the record carries no signature binding",
            ));
            None
        }
        SignatureField::Undecodable(f) => {
            out.push(f.clone());
            None
        }
        SignatureField::Bytes(b) => Some(b),
    };
    let no_key = |out: &mut Vec<Finding>| {
        if sig_bytes.is_some() {
            out.push(Finding::fail(
                "TR-SIG-005",
                "signature/no-usable-key",
                sig_pointer,
                "the signature cannot be verified without a usable cnf key",
            ));
        }
    };
    let Some(jwk) = decoded.record.pointer("/cnf/jwk") else {
        no_key(out);
        return None;
    };
    let key = match PublicKey::from_jwk(jwk) {
        Ok(k) => k,
        Err(e) => {
            out.extend(key_finding(&e));
            no_key(out);
            return None;
        }
    };
    if let Some(declared) = decoded.declared_alg
        && declared != key.alg()
    {
        out.push(Finding::fail(
            "TR-SIG-007",
            "signature/alg-mismatch",
            "/cnf/jwk",
            format!(
                "envelope alg {} does not match the cnf key ({})",
                declared.jose_name(),
                key.alg().jose_name()
            ),
        ));
        let thumbprint = key.thumbprint();
        return Some((key, thumbprint));
    }
    let mut verified = false;
    if let Some(sig) = sig_bytes {
        let result = key.verify(&decoded.signing_input, sig);
        verified = result.is_ok();
        match result {
            Ok(v) if v.high_s => out.push(Finding::new(
                "TR-SIG-011",
                Status::Advisory,
                "signature/high-s",
                sig_pointer,
                "ECDSA signature has a high S value; its low-S twin verifies too (malleable)",
            )),
            Ok(_) => {}
            Err(SignatureError::WrongLength { got, want }) => out.push(Finding::fail(
                "TR-SIG-006",
                "signature/wrong-length",
                sig_pointer,
                format!("signature is {got} bytes; {} needs {want}", key.alg().jose_name()),
            )),
            Err(SignatureError::Invalid) => out.push(Finding::fail(
                "TR-SIG-005",
                "signature/invalid",
                sig_pointer,
                "signature does not verify with the cnf key over the signed bytes",
            )),
        }
    }
    let thumbprint = trusted(&key, opts, verified, out);
    Some((key, thumbprint))
}

/// The trust anchor. With trusted keys given, cnf.jwk must be one of them; with none, a
/// verified signature proves only self-consistency (reported only when it verified).
/// Returns the key's thumbprint (computed once per record).
fn trusted(key: &PublicKey, opts: &VerifyOptions, verified: bool, out: &mut Vec<Finding>) -> String {
    let thumb = key.thumbprint();
    if opts.trusted_keys.is_empty() && !verified {
        return thumb;
    }
    if opts.trusted_keys.is_empty() {
        let (status, consequence) = if opts.allow_embedded_key {
            (Status::Advisory, "the embedded key was allowed explicitly")
        } else {
            (
                Status::Unverified,
                "give a trusted key, or allow the embedded key explicitly",
            )
        };
        out.push(Finding::new(
            "TR-SIG-009",
            status,
            "key/not-pinned",
            "/cnf/jwk",
            format!(
                "no trusted key: the signature proves only consistency with cnf.jwk (thumbprint {thumb}); {consequence}"
            ),
        ));
    } else if !opts.trusted_keys.iter().any(|t| t.names(key, &thumb)) {
        out.push(Finding::fail(
            "TR-SIG-009",
            "key/untrusted",
            "/cnf/jwk",
            format!("cnf.jwk (thumbprint {thumb}) is not a trusted key"),
        ));
    }
    thumb
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    #[test]
    fn a_specific_rule_hides_the_schema_violation_at_its_pointer() {
        let mut claims = sample::base_claims();
        sample::set_pointer(&mut claims, "/policy/bundle_hash", Value::String("sha256:XYZ".into()));
        let text = crate::jcs::canonicalize(&Value::Object(claims));
        let r = verify(&text, &VerifyOptions::embedded_key_at(sample::SAMPLE_IAT));
        let at: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.pointer == "/policy/bundle_hash")
            .map(|f| f.rule)
            .collect();
        assert_eq!(at, ["TR-POL-001"], "{:#?}", r.findings);
    }

    #[test]
    fn a_schema_finding_is_covered_only_by_a_failed_mirror_rule_at_or_above_its_pointer() {
        let schema_at = |p: &str| Finding::fail("TR-SCH-001", "schema/violation", p, "x");
        let mirror_at = |p: &str| Finding::fail("TR-POL-001", "schema/digest", p, "x");
        let policy = [mirror_at("/policy")];
        assert!(covered(&schema_at("/policy"), &policy));
        assert!(covered(&schema_at("/policy/bundle_hash"), &policy));
        assert!(!covered(&schema_at("/policyx"), &policy));
        assert!(!covered(&schema_at("/runtime/platform"), &policy));
        // Only failures of schema-mirroring rules, and never one at the root.
        assert!(!covered(
            &schema_at("/policy"),
            &[Finding::fail("TR-ENV-006", "freshness/future", "/policy", "x")]
        ));
        assert!(!covered(&schema_at("/policy"), &[mirror_at("")]));
        let mut advisory = mirror_at("/policy");
        advisory.status = Status::Advisory;
        assert!(!covered(&schema_at("/policy"), &[advisory]));
    }

    #[test]
    fn a_runtime_claim_is_reported_unpinned_only_when_its_signature_verified() {
        // The cMCP claim of vector cmcp::runtime-claim::claim-without-trust-anchor.
        let genuine = r#"{"cmcp_version":"1.0","gateway":{"attestation_generated_at":"2026-07-25T17:20:00+00:00","attestation_stale":false,"attestation_validity_seconds":86400,"audit_chain":{"length":2,"root":"21b3dec256538436fa9fc6b112b17887b01029779daf256fd8d4397ad7b24265","tip":"fa1030f4ac807e095465c5ec8614f7a1350bbc134b114323df6f7e26b4f4e921"},"call_summary":{"call_graph_summary":{"compliance_domains_touched":[],"cross_boundary_events":[]},"session_max_sensitivity":"public","tool_calls_allowed":0,"tool_calls_denied":0,"tool_calls_faulted":0,"tool_calls_total":0,"tools_invoked":[]},"catalog":{"drift_detected":false,"hash":"sha256:d7c729bcd3c0f11cc3dec859211cb66c5b5e685d1534b5892c481ace0c3f81ec"},"catalog_exceptions":[],"gateway_version":"0.7.1","kill_switch_triggered":false,"sequence_number":1,"session_id":"conformance-session"},"signature":"L-qLexdXpWU6jw-Fho9jYoglc0eBWni-T_h2fHhovo7L_65EQ0WbHEjRNcg8yMRQG25VG491TlHfyaruudrHAw","trace":{"cnf":{"jwk":{"crv":"Ed25519","kty":"OKP","x":"Yi4KvNgqLonHybuthrJ0kO4TG-UyX16a3j9v0rlc0pA"}},"data_class":"internal","eat_profile":"tag:agentrust-io.com,2026:trace-v0.2","iat":1785000000,"policy":{"bundle_hash":"sha256:ee2d94dce63bb8ef2233a4908ee6741a2d50bcff9e35b6c8b14afdf516450692","enforcement_mode":"enforce"},"runtime":{"measurement":"sha256:0000000000000000000000000000000000000000000000000000000000000000","platform":"software-only"},"subject":"spiffe://conformance.example/agent/sample"}}"#;
        let signature = "L-qLexdXpWU6jw-Fho9jYoglc0eBWni-T_h2fHhovo7L_65EQ0WbHEjRNcg8yMRQG25VG491TlHfyaruudrHAw";
        let forged = genuine.replace(
            signature,
            "M-qLexdXpWU6jw-Fho9jYoglc0eBWni-T_h2fHhovo7L_65EQ0WbHEjRNcg8yMRQG25VG491TlHfyaruudrHAw",
        );
        let opts = VerifyOptions::at(sample::SAMPLE_IAT);
        let rules = |text: &str| -> Vec<&'static str> {
            verify(text.as_bytes(), &opts).findings.iter().map(|f| f.rule).collect()
        };
        assert!(rules(genuine).contains(&"TR-SIG-009"), "{:?}", rules(genuine));
        let forged_rules = rules(&forged);
        assert!(
            forged_rules.contains(&"TR-SIG-001") && !forged_rules.contains(&"TR-SIG-009"),
            "{forged_rules:?}"
        );
    }

    #[test]
    fn only_a_high_s_signature_gets_the_malleability_advisory() {
        for alg in [
            crate::keys::Alg::EdDSA,
            crate::keys::Alg::ES256,
            crate::keys::Alg::ES384,
        ] {
            let key = sample::test_key(alg, "high-s-check");
            let bytes = crate::sign::sign(
                &sample::base_claims(),
                &key,
                None,
                Form::Embedded,
                envelope::CoseTag::Tagged,
            );
            let r = verify(&bytes, &VerifyOptions::embedded_key_at(sample::SAMPLE_IAT));
            assert_eq!(r.alg, Some(alg.jose_name()));
            assert!(
                r.findings.iter().all(|f| f.rule != "TR-SIG-011"),
                "{alg:?}: {:#?}",
                r.findings
            );
            assert!(
                r.findings.iter().all(|f| f.status != Status::Fail),
                "{alg:?}: {:#?}",
                r.findings
            );
        }
    }

    #[test]
    fn an_embedded_signature_failure_points_at_the_signature_member() {
        let key = sample::test_key(crate::keys::Alg::EdDSA, "pointer-check");
        let signed = crate::sign::sign(
            &sample::base_claims(),
            &key,
            None,
            Form::Embedded,
            envelope::CoseTag::Tagged,
        );
        let text = String::from_utf8(signed).unwrap().replace("\"internal\"", "\"public\"");
        let r = verify(text.as_bytes(), &VerifyOptions::embedded_key_at(sample::SAMPLE_IAT));
        let failed: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.rule == "TR-SIG-005")
            .map(|f| f.pointer.as_str())
            .collect();
        assert_eq!(failed, ["/signature"], "{:#?}", r.findings);
        // Unsigned: no algorithm to report.
        let unsigned = crate::jcs::canonicalize(&Value::Object(sample::base_claims()));
        assert_eq!(
            verify(&unsigned, &VerifyOptions::embedded_key_at(sample::SAMPLE_IAT)).alg,
            None
        );
    }

    #[test]
    fn only_tpm2_with_the_dev_mode_sentinel_gets_the_sentinel_advisory() {
        let advised = |platform: &str, firmware: &str| {
            let mut claims = sample::hardware_claims();
            sample::set_pointer(&mut claims, "/runtime/platform", Value::String(platform.into()));
            sample::set_pointer(&mut claims, "/runtime/firmware_version", Value::String(firmware.into()));
            let text = crate::jcs::canonicalize(&Value::Object(claims));
            let r = verify(&text, &VerifyOptions::embedded_key_at(sample::SAMPLE_IAT));
            r.findings.iter().chain(&r.above_level).any(|f| f.rule == "TR-RTE-007")
        };
        assert!(advised("tpm2", "software-only-dev-mode"));
        assert!(!advised("tpm2", "1.38"));
        assert!(!advised("intel-tdx", "software-only-dev-mode"));
    }
}
