//! The error-class contract: what each class means and which rules may produce it, so an
//! implementation scored at class precision can be written from the published files
//! (`vectors/rules/error-classes.toml`).
//!
//! Owns: the meanings and the classes a rule may carry besides its default. Does not own the
//! class list itself (`catalog::ERROR_CLASSES`) nor any check.

use super::catalog::RULES;

/// Classes a rule may carry besides its catalogue default (`Rule::class`), because the rule
/// covers several distinct failures that implementers are asked to tell apart.
pub static ALSO_PRODUCED: &[(&str, &[&str])] = &[
    ("TR-ANC-002", &["evidence/inclusion-invalid"]),
    ("TR-AUD-008", &["signature/missing"]),
    ("TR-CMK-006", &["evidence/inclusion-unverified"]),
    ("TR-ENV-001", &["profile/legacy-v0.1"]),
    ("TR-EXT-004", &["evidence/issuer-unknown"]),
    (
        "TR-HWE-001",
        &[
            "evidence/binding-invalid",
            "evidence/chain-invalid",
            "evidence/expired",
            "evidence/malformed",
        ],
    ),
    ("TR-RTE-006", &["evidence/hardware-invalid"]),
    ("TR-SIG-001", &["signature/missing"]),
    ("TR-SPV-004", &["key/malformed"]),
    (
        "TR-SIG-004",
        &[
            "key/malformed",
            "key/not-on-curve",
            "key/wrong-length",
            "signature/alg-mismatch",
        ],
    ),
    ("TR-SIG-005", &["signature/invalid", "signature/no-usable-key"]),
    ("TR-SIG-006", &["signature/wrong-length"]),
    ("TR-SIG-007", &["signature/alg-forbidden", "signature/alg-unsupported"]),
    ("TR-SIG-009", &["key/not-pinned"]),
    ("TR-WIR-002", &["envelope/unsupported"]),
];

/// One line per class: what the input has when a finding carries it.
pub static MEANINGS: &[(&str, &str)] = &[
    (
        "appraisal/contraindicated",
        "The record's appraisal.status is contraindicated: its own appraisal says the evidence failed",
    ),
    (
        "policy/unexpected-bundle",
        "The record's policy.bundle_hash is not the policy bundle hash the verifier was told to expect",
    ),
    (
        "input/not-utf8",
        "The input bytes (a record, envelope payload or test document) are not valid UTF-8",
    ),
    (
        "input/syntax",
        "The input is not exactly one JSON text: a syntax error, a byte-order mark, trailing data or empty input",
    ),
    (
        "input/duplicate-member",
        "A JSON object has two members with the same name, compared after unescaping",
    ),
    (
        "input/lone-surrogate",
        "A string or member name contains an unpaired UTF-16 surrogate escape, which has no canonical form",
    ),
    (
        "input/too-deep",
        "Arrays and objects are nested more than 64 levels deep",
    ),
    (
        "input/unsafe-integer",
        "An integer token lies outside the I-JSON safe range, -(2^53-1) to 2^53-1",
    ),
    (
        "input/non-finite-number",
        "A number token overflows to infinity as an IEEE double (such as 1e400)",
    ),
    (
        "input/not-object",
        "The record, envelope payload, action-receipt or provenance-depth document is valid JSON but not an object",
    ),
    (
        "profile/mismatch",
        "eat_profile is missing, not a string, or not the URI of the selected profile",
    ),
    (
        "profile/legacy-v0.1",
        "eat_profile is the v0.1 profile URI while the record is verified under the v0.2 profile",
    ),
    (
        "freshness/stale",
        "The record's iat is older than the maximum age, or an action receipt's issued_at is too old, absent or not RFC 3339",
    ),
    (
        "freshness/future",
        "iat or appraisal.timestamp is after now plus the skew, or an action receipt's issued_at is after the verification time",
    ),
    (
        "freshness/nonce",
        "A challenge nonce was issued and runtime.nonce is absent or does not equal it exactly",
    ),
    (
        "schema/violation",
        "The record fails its profile's JSON Schema at a member that no more specific rule already reports",
    ),
    (
        "schema/subject",
        "subject is not spiffe://<trust-domain>/<path> or did:<method>:<id> (lowercase method, no line breaks)",
    ),
    (
        "schema/integer-token",
        "An integer member (iat, slsa_level, call_count, a timestamp) is written with a fraction or exponent, like 2.0 or 1.7e9",
    ),
    (
        "schema/digest",
        "policy.bundle_hash, runtime.measurement or build_provenance.digest is not sha256:<64 hex> or sha384:<96 hex>, lowercase",
    ),
    (
        "schema/enum",
        "policy.enforcement_mode or appraisal.status is not exactly one of its allowed lowercase values",
    ),
    (
        "schema/uri",
        "policy.policy_uri, appraisal.verifier or appraisal.policy_ref is not an absolute URI (scheme, colon, no whitespace)",
    ),
    (
        "schema/range",
        "build_provenance.slsa_level is not an integer from 0 to 3, or tool_transcript.call_count is not a non-negative integer",
    ),
    (
        "key/missing",
        "cnf.jwk is absent, is not an object, or has no kty member",
    ),
    (
        "key/private-member",
        "cnf.jwk carries private or secret key material (d, p, q, dp, dq, qi or k)",
    ),
    (
        "key/unsupported",
        "cnf.jwk is not OKP Ed25519 or EC P-256/P-384; in a cMCP RuntimeClaim, trace.cnf.jwk is absent or no usable Ed25519 key",
    ),
    (
        "key/malformed",
        "cnf.jwk lacks crv, x or y, has a non-string kty, x, y or alg, or has a coordinate that is not canonical base64url",
    ),
    (
        "key/wrong-length",
        "A cnf.jwk coordinate decodes to the wrong number of bytes (32 for Ed25519 and P-256, 48 for P-384)",
    ),
    (
        "key/not-on-curve",
        "The cnf.jwk coordinates decode to the right lengths but are not a valid point on the key's curve",
    ),
    (
        "key/untrusted",
        "Trusted keys were given and cnf.jwk, matched as a JWK or by RFC 7638 thumbprint, is none of them",
    ),
    (
        "key/not-pinned",
        "No trusted key was given, so a signature that verifies proves only consistency with the embedded cnf.jwk",
    ),
    (
        "key/non-canonicalizable-extra",
        "A cnf.jwk member holds, at any depth, a number written with a fraction or exponent (no stable canonical form)",
    ),
    (
        "signature/missing",
        "Unsigned: no embedded signature member, an empty JWS or COSE signature, an unsigned RuntimeClaim, or no bundle_signature",
    ),
    (
        "signature/invalid",
        "The signature does not verify over the signed bytes of a record, a cMCP RuntimeClaim (any length) or an audit bundle",
    ),
    (
        "signature/no-usable-key",
        "The record carries a decodable signature but cnf.jwk is absent or not a usable public key, so it cannot be checked",
    ),
    (
        "signature/encoding",
        "The signature is not a string or not canonical base64url without padding (embedded member, JWS segment or RuntimeClaim)",
    ),
    (
        "signature/wrong-length",
        "The signature decodes but has the wrong number of bytes for its algorithm (64 for Ed25519 and ES256, 96 for ES384)",
    ),
    (
        "signature/alg-mismatch",
        "The JWS or COSE algorithm does not match the cnf.jwk key type, or the alg member of cnf.jwk does not fit the key",
    ),
    (
        "signature/alg-forbidden",
        "The envelope names an algorithm that is never acceptable: JWS none or an HS* MAC, or a COSE HMAC id (4 to 7)",
    ),
    (
        "signature/alg-unsupported",
        "The envelope names another algorithm than EdDSA, ES256 or ES384 that is not forbidden, or a COSE text alg label",
    ),
    (
        "signature/high-s",
        "An ES256 or ES384 signature verifies but has a high S value, so its low-S twin verifies too (malleable)",
    ),
    (
        "envelope/malformed",
        "A JWS or COSE_Sign1 envelope is malformed or outside the profile, or a RuntimeClaim lacks trace/gateway or is wrapped",
    ),
    (
        "envelope/unknown-crit",
        "The envelope's crit lists a parameter this verifier does not understand (any in COSE; in JWS, anything but default b64)",
    ),
    (
        "envelope/payload-not-canonical",
        "A JWS or COSE_Sign1 payload parses as a record but its bytes are not that record's RFC 8785 canonical form",
    ),
    (
        "envelope/embedded-signature",
        "A record inside a JWS or COSE envelope also carries a top-level signature member, which is not verified",
    ),
    (
        "envelope/unsupported",
        "A cMCP RuntimeClaim's cmcp_version is not the string 1.0, the only version this profile knows",
    ),
    (
        "level/appraisal",
        "appraisal.status is present and not affirming, which Level 1 and above require",
    ),
    (
        "level/platform",
        "runtime.platform is software-only, which never reaches Level 1",
    ),
    (
        "level/rim-uri",
        "runtime.rim_uri is present but is not a string starting with https:// (Level 1 and above)",
    ),
    (
        "level/measurement",
        "runtime.measurement is an all-zero digest, which is no hardware measurement (Level 1 and above)",
    ),
    (
        "level/transcript",
        "tool_transcript is absent, not an object, or its hash is not a digest (required at Level 2)",
    ),
    (
        "level/transparency",
        "transparency is absent or not an https URI with a non-empty host (required at Level 2)",
    ),
    (
        "evidence/hardware-unverified",
        "No hardware evidence was given, or the evidence is authentic but cannot be chained to a pinned root (Level 1 unproven)",
    ),
    (
        "evidence/inclusion-unverified",
        "transparency names a log but no inclusion receipt proves the record is in it (none given, or a JWS or COSE record)",
    ),
    (
        "evidence/inclusion-invalid",
        "The given inclusion receipt is malformed or fails to prove the signed record (index, path, root, or a float in it)",
    ),
    (
        "origin/platform",
        "origin.kind is present and not self, but runtime.platform is not software-only",
    ),
    (
        "advisory/declared-mode",
        "policy.enforcement_mode is declared, which is no evidence that any policy rule was checked",
    ),
    (
        "advisory/profile-gap",
        "A cMCP RuntimeClaim's trace object lacks model, build_provenance or appraisal (reported, not required)",
    ),
    (
        "advisory/canonicalization",
        "A cMCP RuntimeClaim's signature verified; the finding names the canonical form used (RFC 8785 or sorted-ASCII JSON)",
    ),
    (
        "revocation/not-checked",
        "No revocation bundle was given, so the record's key was not checked for revocation",
    ),
    (
        "provenance/depth-not-verified",
        "verify appraises no build provenance, so it reports the verified provenance depth as none (on every record)",
    ),
    (
        "canonical/mismatch",
        "A canonicalize result is not exactly the RFC 8785 bytes of its input (judged by comparing output bytes)",
    ),
    (
        "advisory/dev-mode-sentinel",
        "runtime.platform is tpm2 with firmware_version software-only-dev-mode, which this suite appraises as hardware tpm2",
    ),
    (
        "chain/malformed",
        "The audit bundle is not an object with a non-empty entries array of objects, or an entry lacks a string entry_hash",
    ),
    (
        "chain/hash-mismatch",
        "An entry's entry_hash is not the lowercase hex SHA-256 of the entry without entry_hash as sorted-ASCII JSON",
    ),
    (
        "chain/link-broken",
        "The first entry's prev_entry_hash is not the literal genesis, or a later one is not the previous entry's entry_hash",
    ),
    (
        "chain/session-epoch",
        "session_id is missing or changes without a session_reset, or a session_reset does not name the current and next session",
    ),
    (
        "chain/commitment-mismatch",
        "The claim's audit_chain root, tip or length or tool_transcript.hash does not match the chain, or the claim is not cMCP",
    ),
    (
        "chain/summary-mismatch",
        "tool_transcript.call_count or the gateway.call_summary counts or tools_invoked differ from the chain's tool_call entries",
    ),
    (
        "chain/session-mismatch",
        "gateway.session_id, or the bundle's session_id label, is missing or not the session the chain's last entry is in",
    ),
    (
        "advisory/chain-uncommitted",
        "The audit chain is checked without a claim committing it, so truncation or re-chaining cannot be detected",
    ),
    (
        "evidence/receipt-malformed",
        "An entry's receipt is not an object, lacks one of its six string members, or has a bad issuer_key_id or evidence_hash",
    ),
    (
        "evidence/receipt-misbound",
        "A receipt's linked_call_id is absent or not byte-equal to the call_id of its audit entry or action-receipt context",
    ),
    (
        "evidence/receipt-signature-invalid",
        "A receipt's signature does not verify under the configured or pinned issuer key over the receipt without signature",
    ),
    (
        "evidence/receipt-unverified",
        "A receipt's issuer_key_id names no configured or pinned issuer key, so the receipt is unverified, not invalid",
    ),
    (
        "evidence/issuer-unknown",
        "In cMCP-compatible mode with issuer keys configured, a receipt's issuer_key_id matches none of them (a failure)",
    ),
    (
        "evidence/receipt-missing",
        "The context requires an action receipt and the receipt is absent or null",
    ),
    (
        "evidence/action-ref-invalid",
        "action.action_ref is absent or not the sha256 digest of RFC 8785 of agent_id, action_type, action_scope and timestamp",
    ),
    (
        "evidence/action-ref-mismatch",
        "receipt.action_ref is absent or not exactly equal to action.action_ref",
    ),
    (
        "evidence/session-mismatch",
        "receipt.session_id is absent or not byte-equal to the context's session_id",
    ),
    (
        "evidence/evidence-hash-mismatch",
        "receipt.evidence_hash is absent or not the sha256 digest of RFC 8785 of the detached evidence object",
    ),
    (
        "evidence/receipt-chain-gap",
        "The context names an expected previous receipt hash and receipt.previous_receipt_hash is absent or different",
    ),
    (
        "evidence/unsupported-claim",
        "evidence.physical_completion_claim is present and not exactly none, which base TRACE cannot verify",
    ),
    (
        "advisory/issuer-not-independent",
        "The receipt's issuer_independence is gateway_self_report: the issuer is the gateway, not an independent party",
    ),
    (
        "evidence/decision-invalid",
        "receipt.decision is absent or not exactly accepted or rejected",
    ),
    (
        "evidence/action-document-malformed",
        "The document lacks context.verification_time, max_receipt_age_seconds or an action, or its receipt is not object or null",
    ),
    (
        "provenance/artifact-digest-mismatch",
        "build_provenance.digest is absent or not exactly the digest of the independently held artifact",
    ),
    (
        "provenance/builder-untrusted",
        "build_provenance.builder is absent or not in the configured trusted-builder set",
    ),
    (
        "provenance/subject-mismatch",
        "The resolved attestation has no subject whose sha256 digest equals the record's build_provenance.digest",
    ),
    (
        "provenance/builder-mismatch",
        "The resolved attestation's runDetails.builder.id is absent or differs from build_provenance.builder",
    ),
    (
        "provenance/publisher-untrusted",
        "At transitive depth, a build input's publisher attestation has no issuer or one outside the trusted issuers",
    ),
    (
        "provenance/unresolved",
        "Provenance evidence does not resolve (no provenance_uri, attestation, build inputs or input attestation): depth capped",
    ),
    (
        "provenance/document-malformed",
        "The provenance-depth document lacks build_provenance or context objects, or attempted_depth is not a known depth",
    ),
    (
        "revocation/unverified",
        "The revocation bundle is malformed, untrusted, badly signed, expired or issued in the future: revocation is unverified",
    ),
    (
        "revocation/key-revoked",
        "A verified statement revokes the record's key and the record has no comparable inclusion entry on that log",
    ),
    (
        "revocation/after-last-valid-entry",
        "The record's key is revoked and its inclusion entry ID on the log is greater than last_valid_entry_id",
    ),
    (
        "revocation/self-signed-statement",
        "The statement revoking the record's key is signed by that same key, so every record of the key is rejected",
    ),
    (
        "revocation/checked",
        "Revocation was checked against a trusted, current bundle; the finding names its log and valid_until",
    ),
    (
        "evidence/hardware-invalid",
        "The given hardware evidence fails appraisal: a check failed or this suite has no verifier for its platform or format",
    ),
    (
        "evidence/platform-mismatch",
        "The hardware evidence is for a platform other than the record's runtime.platform",
    ),
    (
        "evidence/measurement-mismatch",
        "The hardware evidence yields no measurement, or one that differs from runtime.measurement",
    ),
    (
        "evidence/key-not-bound",
        "The evidence's report data does not begin with the RFC 7638 SHA-256 thumbprint of cnf.jwk (or either is missing)",
    ),
    (
        "evidence/debug",
        "The evidence shows a debuggable TEE, or states no debug state on a platform that has a debug attribute",
    ),
    (
        "evidence/chain-invalid",
        "The evidence's certificates do not chain to the pinned root or fit the report (pin, chain, VCEK, PCK/TCB, CCA lifecycle)",
    ),
    (
        "evidence/signature-invalid",
        "A signature in the hardware evidence (report, quote, QE report, token, COSE document, SPDM, vTPM quote) does not verify",
    ),
    (
        "evidence/expired",
        "A certificate, token or collateral of the hardware evidence is outside its validity window at the verification time",
    ),
    (
        "evidence/binding-invalid",
        "A binding inside the evidence fails: the nonce, runtime data, PCR digest or CCA realm key hash does not match",
    ),
    (
        "evidence/unsupported-format",
        "This suite has no verifier for the evidence's platform or format, or the capture lacks the files it needs",
    ),
    (
        "evidence/malformed",
        "Hardware evidence fails another check: it does not parse, names a wrong alg, has a bad QE binding or lacks collateral",
    ),
    (
        "profile/digest-not-sha384",
        "A digest of the record is not SHA-384 where the verifier's FIPS-aligned deployment profile requires it",
    ),
    (
        "profile/slsa-below-floor",
        "build_provenance.slsa_level is below the SLSA Build Level floor of the verifier's deployment profile",
    ),
    (
        "profile/policy-not-evaluated",
        "The record's enforcement_mode is declared (nothing evaluated the policy) where the verifier's deployment profile appraises for enforcement",
    ),
    (
        "evidence/measurement-not-reference",
        "The record's runtime.measurement is none of the reference measurements the verifier was given",
    ),
    (
        "provenance/below-floor",
        "The build-provenance depth verified is below the profile's minimum: the appraisal is contraindicated",
    ),
    (
        "provenance/signature-unverified",
        "A build-provenance attestation's DSSE signature does not verify under a trusted attestation key: the evidence did not resolve",
    ),
    (
        "companion/unknown-version",
        "A companion format names a version this verifier does not know: a server provenance format or a content-marking assertion version",
    ),
    (
        "companion/malformed",
        "A server provenance record or content-marking assertion lacks a required member or has one of the wrong type or spelling",
    ),
    (
        "companion/identity-invalid",
        "A server provenance identity has neither artifact nor endpoint, an artifact without Package URL and digest, or an endpoint without spki_sha256",
    ),
    (
        "companion/catalog-mismatch",
        "The tools the server actually serves do not hash (or count) to the record's tool_catalog: another server than the record describes",
    ),
    (
        "companion/absent",
        "There is no server provenance record or no content-marking assertion: absence, recorded; a failure only where the deployment requires one",
    ),
    (
        "companion/document-malformed",
        "A companion test document lacks what its checks need: the served tools, the context, the fetched record bytes",
    ),
    (
        "companion/record-hash-mismatch",
        "The record bytes fetched from a content-marking assertion's record.url do not hash to its record.hash",
    ),
    (
        "companion/record-invalid",
        "The Trust Record a content-marking assertion points at does not verify (or cannot be verified) under a trusted key",
    ),
    (
        "companion/assertion-mismatch",
        "A content-marking assertion's subject or eat_profile differs from the record it points at",
    ),
];

/// The meaning of `class` (empty for an unknown class).
pub fn meaning(class: &str) -> &'static str {
    MEANINGS.iter().find(|(c, _)| *c == class).map_or("", |(_, m)| m)
}

/// True when a failure of `rule` may carry `class` under the contract.
pub fn may_produce(rule: &str, class: &str) -> bool {
    RULES.iter().any(|r| r.id == rule && r.class == class)
        || ALSO_PRODUCED
            .iter()
            .any(|(r, classes)| *r == rule && classes.contains(&class))
}

/// The classes a failure of `rule` may carry: its default first.
pub fn classes_of(rule: &str) -> Vec<&'static str> {
    let default = RULES.iter().filter(|r| r.id == rule).map(|r| r.class);
    let extra = ALSO_PRODUCED
        .iter()
        .filter(|(r, _)| *r == rule)
        .flat_map(|(_, classes)| classes.iter().copied());
    default.chain(extra).collect()
}

/// The rules that may produce `class`, in catalogue order.
pub fn rules_producing(class: &str) -> Vec<&'static str> {
    RULES.iter().map(|r| r.id).filter(|id| may_produce(id, class)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::ERROR_CLASSES;

    #[test]
    fn every_extra_class_is_known_and_names_a_real_rule() {
        for (rule, classes) in ALSO_PRODUCED {
            let meta = RULES.iter().find(|r| r.id == *rule).expect("a catalogued rule");
            for class in *classes {
                assert!(ERROR_CLASSES.contains(class), "{rule}: {class}");
                assert_ne!(meta.class, *class, "{rule}: {class} is already its default");
            }
        }
    }

    #[test]
    fn every_class_has_one_meaning_and_every_meaning_a_class() {
        for class in ERROR_CLASSES {
            let n = MEANINGS.iter().filter(|(c, _)| c == class).count();
            assert_eq!(n, 1, "{class}: {n} meanings");
            assert!(!meaning(class).is_empty(), "{class}");
        }
        assert_eq!(MEANINGS.len(), ERROR_CLASSES.len());
    }

    #[test]
    fn a_default_and_an_extra_class_are_allowed_and_others_are_not() {
        assert!(may_produce("TR-SIG-005", "signature/missing"));
        assert!(may_produce("TR-SIG-005", "signature/invalid"));
        assert!(!may_produce("TR-SIG-005", "key/untrusted"));
        assert!(!may_produce("TR-XXX-001", "signature/invalid"));
        assert_eq!(rules_producing("key/not-pinned"), vec!["TR-SIG-009"]);
        assert_eq!(
            classes_of("TR-SIG-005"),
            vec!["signature/missing", "signature/invalid", "signature/no-usable-key"]
        );
        assert_eq!(classes_of("TR-GEN-001"), vec!["input/not-utf8"]);
        assert!(classes_of("TR-XXX-001").is_empty());
    }
}
