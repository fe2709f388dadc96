//! The rule list: every rule the engine checks, with its strength, level, error class and
//! spec section. `TR-*` codes of trace-tests are reused where the meaning is the same;
//! new codes follow the same scheme. Where the sources disagree, `decision` says which
//! side the engine takes (research/spec-requirements.md §4, §5).
//!
//! Owns: rule metadata and the closed list of error classes. Does not own any check.

use crate::finding::Level;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Strength {
    Must,
    MustNot,
    Should,
    /// Implementation-defined: a profile this suite names and documents.
    Impl,
}

#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub statement: &'static str,
    pub strength: Strength,
    pub min_level: Level,
    /// The class a failure of this rule usually carries.
    pub class: &'static str,
    pub section: &'static str,
    /// The side taken where sources disagree; empty where they agree.
    pub decision: &'static str,
}

const fn r(
    id: &'static str,
    strength: Strength,
    min_level: Level,
    class: &'static str,
    section: &'static str,
    statement: &'static str,
    decision: &'static str,
) -> Rule {
    Rule {
        id,
        statement,
        strength,
        min_level,
        class,
        section,
        decision,
    }
}

use Level::{L0, L1, L2};
use Strength::{Impl, Must, MustNot, Should};

#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    r("TR-GEN-001", Must, L0, "input/not-utf8", "RFC 8259 §8.1",
      "The input is UTF-8.",
      ""),
    r("TR-GEN-002", Must, L0, "input/syntax", "RFC 8259 §2",
      "The input is one JSON text.",
      "A byte-order mark is refused."),
    r("TR-GEN-003", MustNot, L0, "input/duplicate-member", "S2 §3.2.2; RFC 7493 §2.3",
      "An object has no two members with the same name.",
      "D-GEN-02: rejected (trace-tests refuses; the Python library keeps the last)."),
    r("TR-GEN-004", MustNot, L0, "input/lone-surrogate", "S2 §3.2.2; RFC 8785 §3.2.2.2",
      "No string or name contains a lone surrogate: it has no canonical form.",
      ""),
    r("TR-GEN-005", Must, L0, "input/too-deep", "GEN-05",
      "Nesting is at most 64 levels deep.",
      "Limit chosen by this suite and documented."),
    r("TR-GEN-006", MustNot, L0, "input/unsafe-integer", "S2 §3.2.2; RFC 8785 §3.2.2.3",
      "No integer lies outside ±(2^53-1).",
      ""),
    r("TR-GEN-007", MustNot, L0, "input/non-finite-number", "RFC 8785 §3.2.2.3",
      "No number overflows to infinity.",
      ""),
    r("TR-GEN-008", Must, L0, "input/not-object", "S2 §3.1",
      "The record is a JSON object.",
      ""),
    r("TR-ENV-001", Must, L0, "profile/mismatch", "S2 §3.2 \"Profile URI\"",
      "eat_profile is exactly the profile URI of the selected profile.",
      "A v0.2 verifier rejects the v0.1 URI (cutover, not coexistence)."),
    r("TR-ENV-002", Must, L0, "freshness/stale", "S2 §3.2.2; §3.3 step 2",
      "The record is not older than the maximum age (default 86400 s) at the verification time.",
      "IMPL-06: age equal to the maximum is accepted."),
    r("TR-ENV-003", Must, L0, "schema/subject", "S2 §3.1",
      "subject is spiffe://<trust-domain>/<path> or did:<method>:<id>.",
      "D-07: the strict form of trace-tests and the 0.11.0 schema."),
    r("TR-ENV-004", Must, L0, "key/missing", "S2 §3.1 cnf",
      "cnf.jwk is an object with a kty member.",
      ""),
    r("TR-ENV-005", MustNot, L0, "key/private-member", "S2 §3.1 cnf; GHSA-vc4p-h84j-7qxj",
      "cnf.jwk carries no private or secret member (d, p, q, dp, dq, qi, k).",
      "D-08: rejected in every profile, also where the v0.2 schema allows them."),
    r("TR-ENV-006", Must, L0, "freshness/future", "S2 §3.2.2",
      "iat is not later than the verification time plus the allowed skew (default 300 s).",
      "D-10: 300 s as the spec says, not the 60 s of trace-tests; iat equal to now+skew is accepted."),
    r("TR-ENV-007", Must, L0, "freshness/nonce", "S2 §3.2.2; §3.3 step 2",
      "When a challenge nonce was issued, runtime.nonce echoes it exactly.",
      "D-12: checked only when a nonce is given (trace-tests requires one at Level 1)."),
    r("TR-ENV-008", MustNot, L0, "key/non-canonicalizable-extra", "S2 §3.2.2; D-08",
      "cnf.jwk extra members hold no fractional numbers (their canonical form varies across canonicalizers).",
      "D-08: rejected in every profile, as the 0.11.0 schema does."),
    r("TR-SCH-001", Must, L0, "schema/violation", "S2 §3.1; schema/trace-claim.json",
      "The record is valid against the JSON Schema of its profile.",
      "D-04: the v0.2 schema accepts references (S2 §3.1.2); --strict adds the 0.11.0 schema's rules."),
    r("TR-SCH-002", Must, L0, "schema/integer-token", "IMPL-19",
      "Integer members (iat, slsa_level, call_count, timestamps) are integer tokens, not 2.0 or 1.7e9.",
      "D-33: rejected lexically for every integer member (the Python library does so for iat only)."),
    r("TR-CAN-001", Must, L0, "canonical/mismatch", "S2 §3.2.2; RFC 8785",
      "The canonicalize operation yields exactly the RFC 8785 bytes of its input.",
      "Checked by canonicalize vectors; verification recomputes the same bytes."),
    r("TR-SIG-004", Must, L0, "key/unsupported", "S2 §3.2.1",
      "cnf.jwk is a usable public key: OKP/Ed25519 or EC P-256/P-384, right coordinate lengths, point on the curve, alg (if present) fits.",
      "D-09: all three S2 algorithms, not Ed25519 only."),
    r("TR-SIG-005", Must, L0, "signature/missing", "S2 §3.2.2; §3.3 step 1",
      "The record carries a signature binding that verifies with the key in cnf over its canonical form.",
      "D-11: an unsigned record is rejected at every level (trace-tests passes it at Level 0)."),
    r("TR-SIG-006", Must, L0, "signature/encoding", "S2 §3.2.2; RFC 7515 §2",
      "Signature bytes are canonical base64url without padding and of the algorithm's length.",
      "D-35: canonical spelling only."),
    r("TR-SIG-007", Must, L0, "signature/alg-mismatch", "S2 §3.2.1",
      "The envelope's algorithm is EdDSA, ES256 or ES384 and matches the cnf key; none and HMAC are refused.",
      ""),
    r("TR-SIG-008", MustNot, L0, "envelope/unknown-crit", "RFC 7515 §4.1.11; RFC 9052 §3.1",
      "An envelope whose crit names a parameter this verifier does not understand is refused.",
      ""),
    r("TR-SIG-009", Must, L0, "key/untrusted", "docs/verification.md step 2; RFC 7638",
      "The RFC 7638 thumbprint of cnf.jwk is one of the trusted keys; with none given the record is unverified.",
      "D-31: a trusted key is required for acceptance; trusting the embedded key is an explicit opt-in (as allow_embedded_key in the Python library)."),
    r("TR-SIG-010", Must, L0, "envelope/malformed", "S2 §3.2",
      "A JWS compact or COSE_Sign1 envelope is well formed and its payload is a Trust Record object.",
      ""),
    r("TR-SIG-011", Impl, L0, "signature/high-s", "IMPL-04",
      "ECDSA signatures are low-S; a high-S signature verifies but is flagged as malleable.",
      "Accepted with a flag, as JOSE and COSE accept it."),
    r("TR-SIG-012", Impl, L0, "envelope/payload-not-canonical", "IMPL-03",
      "COSE_Sign1 profile of this suite: the payload is the record's RFC 8785 bytes, attached.",
      "The spec names no COSE mapping; this suite's profile is documented in the rules catalog."),
    r("TR-SIG-013", Impl, L0, "envelope/embedded-signature", "IMPL-02",
      "An enveloped (JWS, COSE) record carries no embedded signature member.",
      "Reported as an advisory; the envelope's signature is the binding that is verified."),
    r("TR-WIR-002", Must, L0, "envelope/malformed", "S2 §3.2.2; trace-tests loader",
      "A cMCP RuntimeClaim is cmcp_version \"1.0\" with trace and gateway objects, as a JSON envelope.",
      "Any object with cmcp_version is verified under the cMCP profile, never the plain path (no downgrade)."),
    r("TR-WIR-003", Impl, L0, "advisory/canonicalization", "D-24; IMPL-25",
      "A RuntimeClaim's result names the canonical form its signature was checked over (RFC 8785 or cMCP's sorted-ASCII JSON).",
      "RFC 8785 by default (S2 §3.2.2, trace-tests); --cmcp-canonicalization pyjson reproduces cmcp-runtime 0.7.1."),
    r("TR-WIR-004", Impl, L0, "advisory/profile-gap", "D-24; WIR-04",
      "The cMCP trace object has no model, build_provenance or appraisal; reported, not required, in this profile.",
      "Reported as an advisory, as research D-24 proposes."),
    r("TR-SIG-001", Must, L0, "signature/invalid", "S2 §3.1 (RuntimeClaim); trace-tests TR-SIG-001",
      "A RuntimeClaim carries an Ed25519 signature over its canonical envelope without signature, by trace.cnf.jwk.",
      "Checked over RFC 8785 by default (S2 §3.2.2, trace-tests); cMCP's sorted-ASCII form is selectable (D-24)."),
    r("TR-SIG-002", Must, L0, "key/unsupported", "trace-tests TR-SIG-002",
      "A RuntimeClaim's trace.cnf.jwk is an OKP Ed25519 public key.",
      ""),
    r("TR-POL-001", Must, L0, "schema/digest", "S2 §3.1 policy",
      "policy.bundle_hash is sha256:<64 hex> or sha384:<96 hex>, lowercase.",
      ""),
    r("TR-POL-002", Must, L0, "schema/enum", "S2 §4.3",
      "policy.enforcement_mode is enforce, advisory, silent or declared.",
      "D-28: the four schema values."),
    r("TR-POL-003", Must, L0, "schema/uri", "S2 §3.1 policy",
      "policy.policy_uri, when present, is an absolute URI.",
      "Resolution needs a resolver; not performed."),
    r("TR-POL-004", Should, L0, "advisory/declared-mode", "S2 §4.3",
      "declared mode is no evidence that any rule was checked.",
      "Reported as an advisory."),
    r("TR-APR-001", Must, L0, "schema/enum", "S2 §3.1 appraisal",
      "appraisal.status is affirming, warning, contraindicated or none.",
      ""),
    r("TR-APR-002", Must, L0, "schema/uri", "S2 §3.1 appraisal",
      "appraisal.verifier is an absolute URI.",
      ""),
    r("TR-APR-003", Must, L0, "schema/uri", "S2 §3.1 appraisal",
      "appraisal.policy_ref, when present, is an absolute URI.",
      ""),
    r("TR-APR-004", Must, L0, "freshness/future", "S2 §3.1 appraisal",
      "appraisal.timestamp, when present, is not later than now plus the skew.",
      "D-10: the configured skew (300 s), not trace-tests' 60 s."),
    r("TR-APR-005", Must, L1, "level/appraisal", "docs/trust-levels.md Level 1",
      "At Level 1 and above appraisal.status is affirming.",
      ""),
    r("TR-RTE-001", Must, L1, "level/platform", "docs/trust-levels.md Level 1",
      "At Level 1 and above runtime.platform is a hardware platform, not software-only.",
      "D-13: only the schema's ten spellings exist."),
    r("TR-RTE-002", Must, L0, "schema/digest", "S2 §3.1 runtime",
      "runtime.measurement is a digest.",
      ""),
    r("TR-RTE-003", Must, L1, "level/rim-uri", "trace-tests TR-RTE-003",
      "At Level 1 and above runtime.rim_uri, when present, is an https URI.",
      "D-34."),
    r("TR-RTE-005", Must, L1, "level/measurement", "docs/trust-levels.md Level 1",
      "At Level 1 and above runtime.measurement is not all zeros.",
      "D-17: enforced (trace-tests does not)."),
    r("TR-RTE-006", Must, L1, "evidence/hardware-unverified", "S2 §3.3 steps 3-4; docs/trust-levels.md Level 1",
      "At Level 1 the cnf key is bound to verified hardware evidence for the measurement.",
      "No hardware evidence is verified by this engine yet: unverified, never a pass."),
    r("TR-RTE-007", Should, L0, "advisory/dev-mode-sentinel", "D-43",
      "tpm2 with firmware_version software-only-dev-mode is treated as hardware tpm2.",
      "Reported as an advisory."),
    r("TR-SCA-001", Must, L0, "schema/range", "S2 §3.1 build_provenance",
      "build_provenance.slsa_level is an integer from 0 to 3.",
      ""),
    r("TR-SCA-002", Must, L0, "schema/digest", "S2 §3.1 build_provenance",
      "build_provenance.digest is a digest.",
      ""),
    r("TR-TXN-001", Must, L2, "level/transcript", "S2 §3.1; trace-tests TR-TXN-001",
      "At Level 2 tool_transcript is present with a digest hash.",
      "D-03: required at Level 2 only."),
    r("TR-TXN-002", Must, L0, "schema/range", "S2 §3.1 tool_transcript",
      "tool_transcript.call_count, when present, is a non-negative integer.",
      ""),
    r("TR-ANC-001", Must, L2, "level/transparency", "docs/trust-levels.md Level 2; RA §6",
      "At Level 2 transparency is an https URI with a host.",
      "D-18: an absent member, never \"\" or null."),
    r("TR-ANC-002", Must, L2, "evidence/inclusion-unverified", "RA §5.1; S2 §3.3 step 6",
      "At Level 2 the record's inclusion in the named log is proven.",
      "No inclusion receipt is verified by this engine yet: unverified, never a pass."),
    r("TR-REV-001", Must, L0, "revocation/not-checked", "S2 §3.2.3; §3.3 step 8",
      "A verifier that performed no revocation check reports so, and never reports revocation as affirmed.",
      "Always reported: revocation bundles are not verified by this engine yet."),
    r("TR-DEP-001", Must, L0, "provenance/depth-not-verified", "S2 §3.3.1",
      "A verifier records the build-provenance depth it actually verified.",
      "Always reported as none: provenance depth is not verified by this engine yet."),
    r("TR-ORG-001", Must, L0, "origin/platform", "S2 §3.1.1",
      "A record whose origin.kind is not self carries runtime.platform software-only.",
      "trace-tests does not check this; the spec says MUST reject."),
];

/// The closed list of error classes a finding may carry.
pub static ERROR_CLASSES: &[&str] = &[
    "input/not-utf8",
    "input/syntax",
    "input/duplicate-member",
    "input/lone-surrogate",
    "input/too-deep",
    "input/unsafe-integer",
    "input/non-finite-number",
    "input/not-object",
    "profile/mismatch",
    "profile/legacy-v0.1",
    "freshness/stale",
    "freshness/future",
    "freshness/nonce",
    "schema/violation",
    "schema/subject",
    "schema/integer-token",
    "schema/digest",
    "schema/enum",
    "schema/uri",
    "schema/range",
    "key/missing",
    "key/private-member",
    "key/unsupported",
    "key/malformed",
    "key/wrong-length",
    "key/not-on-curve",
    "key/untrusted",
    "key/not-pinned",
    "key/non-canonicalizable-extra",
    "signature/missing",
    "signature/invalid",
    "signature/no-usable-key",
    "signature/encoding",
    "signature/wrong-length",
    "signature/alg-mismatch",
    "signature/alg-forbidden",
    "signature/alg-unsupported",
    "signature/high-s",
    "envelope/malformed",
    "envelope/unknown-crit",
    "envelope/payload-not-canonical",
    "envelope/embedded-signature",
    "envelope/unsupported",
    "level/appraisal",
    "level/platform",
    "level/rim-uri",
    "level/measurement",
    "level/transcript",
    "level/transparency",
    "evidence/hardware-unverified",
    "evidence/inclusion-unverified",
    "origin/platform",
    "advisory/declared-mode",
    "advisory/profile-gap",
    "advisory/canonicalization",
    "revocation/not-checked",
    "provenance/depth-not-verified",
    "canonical/mismatch",
    "advisory/dev-mode-sentinel",
];

/// Metadata of a rule by id. Panics on an unknown id: ids are compile-time constants.
pub fn rule(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("rule {id} is not in the catalog"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_classes_known() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule {}", r.id);
            assert!(
                ERROR_CLASSES.contains(&r.class),
                "{} has unknown class {}",
                r.id,
                r.class
            );
            assert!(r.id.starts_with("TR-") && r.id.len() == 10, "{}", r.id);
        }
        let classes: HashSet<_> = ERROR_CLASSES.iter().collect();
        assert_eq!(classes.len(), ERROR_CLASSES.len());
        for class in ERROR_CLASSES {
            let (category, detail) = class.split_once('/').expect("category/detail");
            assert!(!category.is_empty() && !detail.is_empty());
        }
    }
}
