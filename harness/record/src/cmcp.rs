//! The cMCP RuntimeClaim profile: `{cmcp_version, trace, gateway, signature}`, signed by
//! the key in `trace.cnf.jwk` over the whole envelope without `signature`.
//!
//! Owns: the envelope shape, the choice of canonical form (RFC 8785 as S2 §3.2.2 requires
//! and trace-tests checks, or the sorted-ASCII `json.dumps` the cMCP gateway actually
//! signs with, research D-24), the signature, and the profile gap (the cMCP `trace` object
//! lacks `model`, `build_provenance` and `appraisal`). The content rules of `trace` are the
//! ordinary field rules, run by `verify`. Does not own audit chains or receipts.

use crate::b64;
use crate::finding::{Finding, Status};
use crate::jcs;
use crate::json::{Object, Value};
use crate::keys::{Alg, PublicKey};
use crate::pyjson;

/// Which bytes a RuntimeClaim signature is checked over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CmcpCanonicalization {
    /// RFC 8785 of the envelope without `signature` (S2 §3.2.2; trace-tests).
    #[default]
    Jcs,
    /// `json.dumps(sort_keys=True, separators=(",",":"), ensure_ascii=True)`: what the cMCP
    /// gateway and `cmcp_verify` use (cmcp-runtime 0.7.1).
    Pyjson,
}

impl CmcpCanonicalization {
    pub fn name(self) -> &'static str {
        match self {
            CmcpCanonicalization::Jcs => "jcs",
            CmcpCanonicalization::Pyjson => "pyjson",
        }
    }
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "jcs" => Some(Self::Jcs),
            "pyjson" | "cmcp" => Some(Self::Pyjson),
            _ => None,
        }
    }
    pub fn bytes(self, v: &Value) -> Vec<u8> {
        match self {
            Self::Jcs => jcs::canonicalize(v),
            Self::Pyjson => pyjson::dumps(v),
        }
    }
}

/// Members of a TRACE record that the cMCP `trace` object does not carry.
const PROFILE_GAP: [&str; 3] = ["model", "build_provenance", "appraisal"];

/// Checks the envelope and its signature; returns the `trace` key when it is usable.
pub fn check(claim: &Object, canon: CmcpCanonicalization, out: &mut Vec<Finding>) -> Option<PublicKey> {
    match claim.get("cmcp_version") {
        Some(Value::String(v)) if v == "1.0" => {}
        other => {
            out.push(Finding::fail(
                "TR-WIR-002",
                "envelope/unsupported",
                "/cmcp_version",
                format!("cmcp_version {other:?} is not \"1.0\", the only version this profile knows"),
            ));
            return None;
        }
    }
    let Some(Value::Object(trace)) = claim.get("trace") else {
        out.push(Finding::fail(
            "TR-WIR-002",
            "envelope/malformed",
            "/trace",
            "a RuntimeClaim needs a trace object",
        ));
        return None;
    };
    if !matches!(claim.get("gateway"), Some(Value::Object(_))) {
        out.push(Finding::fail(
            "TR-WIR-002",
            "envelope/malformed",
            "/gateway",
            "a RuntimeClaim needs a gateway object",
        ));
    }
    let gap: Vec<&str> = PROFILE_GAP.iter().copied().filter(|m| !trace.contains(m)).collect();
    if !gap.is_empty() {
        out.push(Finding::new(
            "TR-WIR-004",
            Status::Advisory,
            "advisory/profile-gap",
            "/trace",
            format!(
                "the cMCP trace object carries no {} (not required in this profile)",
                gap.join(", ")
            ),
        ));
    }
    let key = match trace
        .get("cnf")
        .and_then(|c| c.as_object())
        .and_then(|c| c.get("jwk"))
        .map(PublicKey::from_jwk)
    {
        Some(Ok(k)) if k.alg() == Alg::EdDSA => k,
        Some(Ok(_)) | Some(Err(_)) | None => {
            out.push(Finding::fail(
                "TR-SIG-002",
                "key/unsupported",
                "/trace/cnf/jwk",
                "a RuntimeClaim is signed with the OKP Ed25519 key in trace.cnf.jwk",
            ));
            return None;
        }
    };
    let signature = match claim.get("signature") {
        None => {
            out.push(Finding::fail(
                "TR-SIG-001",
                "signature/missing",
                "/signature",
                "the RuntimeClaim is not signed",
            ));
            return Some(key);
        }
        Some(Value::String(s)) => match b64::decode(s) {
            Ok(b) => b,
            Err(_) => {
                out.push(Finding::fail(
                    "TR-SIG-006",
                    "signature/encoding",
                    "/signature",
                    "signature is not canonical base64url",
                ));
                return Some(key);
            }
        },
        Some(_) => {
            out.push(Finding::fail(
                "TR-SIG-006",
                "signature/encoding",
                "/signature",
                "signature is not a string",
            ));
            return Some(key);
        }
    };
    let mut unsigned = claim.clone();
    unsigned.remove("signature");
    let input = canon.bytes(&Value::Object(unsigned));
    if key.verify(&input, &signature).is_err() {
        out.push(Finding::fail(
            "TR-SIG-001",
            "signature/invalid",
            "/signature",
            format!(
                "the RuntimeClaim signature does not verify over its {} canonical form",
                canon.name()
            ),
        ));
        return Some(key);
    }
    out.push(Finding::new(
        "TR-WIR-003",
        Status::Advisory,
        "advisory/canonicalization",
        "",
        format!("RuntimeClaim verified over the {} canonical form", canon.name()),
    ));
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;
    use crate::{Alg, Verdict, VerifyOptions, verify};

    fn claim(data_class: &str, canon: CmcpCanonicalization) -> Vec<u8> {
        let key = sample::test_key(Alg::EdDSA, "cmcp");
        let mut trace = sample::base_claims();
        trace.insert("data_class", Value::String(data_class.into()));
        let mut cnf = Object::new();
        cnf.insert("jwk", Value::Object(key.public_key().to_jwk()));
        trace.insert("cnf", Value::Object(cnf));
        let mut c = Object::new();
        c.insert("cmcp_version", Value::String("1.0".into()));
        c.insert("trace", Value::Object(trace));
        c.insert("gateway", crate::json::parse(br#"{"session_id":"s"}"#).unwrap());
        let sig = key.sign(&canon.bytes(&Value::Object(c.clone())));
        c.insert("signature", Value::String(b64::encode(&sig)));
        pyjson::dumps(&Value::Object(c))
    }

    fn verdict(bytes: &[u8], canon: CmcpCanonicalization) -> (Verdict, Vec<&'static str>) {
        let mut o = VerifyOptions::embedded_key_at(sample::SAMPLE_IAT);
        o.cmcp_canonicalization = canon;
        let r = verify(bytes, &o);
        (r.verdict, r.findings.iter().map(|f| f.rule).collect())
    }

    #[test]
    fn each_form_verifies_under_itself_and_diverges_on_non_ascii() {
        use CmcpCanonicalization::{Jcs, Pyjson};
        for (canon, name) in [(Jcs, "jcs"), (Pyjson, "pyjson")] {
            let (v, rules) = verdict(&claim("internal", canon), canon);
            assert_eq!(v, Verdict::Accept, "{rules:?}");
            assert!(rules.contains(&"TR-WIR-003"), "{rules:?}");
            // TR-WIR-003: the result names the form the signature was checked over.
            let mut o = VerifyOptions::embedded_key_at(sample::SAMPLE_IAT);
            o.cmcp_canonicalization = canon;
            let r = verify(&claim("internal", canon), &o);
            let named = r.findings.iter().find(|f| f.rule == "TR-WIR-003").expect("reported");
            assert_eq!(
                named.message,
                format!("RuntimeClaim verified over the {name} canonical form")
            );
            assert_eq!(CmcpCanonicalization::parse(name), Some(canon));
        }
        // ASCII-only claims have the same bytes under both forms...
        assert_eq!(verdict(&claim("internal", Pyjson), Jcs).0, Verdict::Accept);
        // ...non-ASCII ones do not.
        let (v, rules) = verdict(&claim("vertraulich-ä€", Pyjson), Jcs);
        assert_eq!(v, Verdict::Reject);
        assert!(rules.contains(&"TR-SIG-001"));
        assert_eq!(verdict(&claim("vertraulich-ä€", Jcs), Pyjson).0, Verdict::Reject);
    }

    #[test]
    fn a_bundle_level_revocation_report_keeps_its_empty_pointer() {
        let mut o = VerifyOptions::embedded_key_at(sample::SAMPLE_IAT);
        o.cmcp_canonicalization = CmcpCanonicalization::Jcs;
        let inputs = crate::json::parse(br#"{"bundle":{},"bundle_keys":[],"max_bundle_age":0,"entry":null}"#).unwrap();
        o.revocation = Some(crate::revocation::RevocationInputs::from_json(&inputs).unwrap());
        let r = verify(&claim("internal", CmcpCanonicalization::Jcs), &o);
        let report = r.findings.iter().find(|f| f.rule == "TR-REV-002").expect("reported");
        assert_eq!(report.pointer, "", "a report about the bundle points into no claim");
    }

    #[test]
    fn field_rules_apply_to_trace_with_prefixed_pointers() {
        let mut o = VerifyOptions::embedded_key_at(sample::SAMPLE_IAT + 86_401);
        o.cmcp_canonicalization = CmcpCanonicalization::Pyjson;
        let r = verify(&claim("internal", CmcpCanonicalization::Pyjson), &o);
        let stale = r.findings.iter().find(|f| f.rule == "TR-ENV-002").expect("stale");
        assert_eq!(stale.pointer, "/trace/iat");
    }
}
