//! Level 1 binding: what verified hardware evidence says, held against the record (S2 §3.3
//! steps 3-4; docs/trust-levels.md Level 1). The evidence itself is appraised elsewhere
//! (`trace-hardware`); this module owns only the rules that tie its facts to the record:
//! verified evidence, same platform, same measurement, the record's key bound in the report
//! data, and no debug TEE.
//!
//! Binding profile `cnf-thumbprint-v1`: the first 32 bytes of the evidence's report data
//! (SEV-SNP/TDX `report_data`, Nitro `user_data`, a TPM quote's `extraData`) are the raw
//! RFC 7638 SHA-256 thumbprint of `cnf.jwk`, as the cMCP gateway binds its key (the second
//! 32 bytes are the profile's own, e.g. cMCP's audit-chain root, and are not read here).
//!
//! Debug (TR-RTE-011): a TEE whose evidence has a debug attribute outside its measurement
//! (SEV-SNP and Azure CVM guest policy, TDX TD attributes, Nitro's all-zero PCRs, a
//! Confidential Space token's `dbgstat`, a CCA platform's security lifecycle) must say it is off; evidence that says nothing is
//! refused. TPM 2.0 quotes and NVIDIA GPU reports (H100, Blackwell) have no such attribute: a debug boot or a
//! GPU development mode changes the measured state itself, which TR-RTE-009 ties to
//! `runtime.measurement`. For those platforms an unstated debug state is not a failure.

use crate::b64;
use crate::finding::Finding;
use crate::json::Object;
use crate::keys::PublicKey;
use crate::platform::Platform;

/// The facts of appraised evidence, as a caller hands them to the verifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceFacts {
    /// The TRACE `runtime.platform` the evidence is for.
    pub platform: String,
    /// Signature and chain verified to a pinned root at the verification time.
    pub verified: bool,
    /// Not verified, but only because nothing pinned vouches for it (no vendor chain, no
    /// collateral, an unpinned signer): the rule is then unverified, not failed.
    pub unverifiable: bool,
    /// What the appraisal found, for the report.
    pub summary: String,
    pub measurement: Option<String>,
    pub report_data: Option<Vec<u8>>,
    pub debug: Option<bool>,
}

/// The Level 1 findings for `record` (its `runtime` and `cnf`) against the evidence.
pub fn bind(record: &Object, facts: &EvidenceFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    let at = |p: &str| {
        record
            .get("runtime")
            .and_then(|r| r.as_object())
            .and_then(|r| r.get(p))
            .and_then(|v| v.as_str())
    };
    if facts.unverifiable && !facts.verified {
        out.push(Finding::new(
            "TR-RTE-006",
            crate::finding::Status::Unverified,
            "evidence/hardware-unverified",
            "/runtime",
            format!(
                "the hardware evidence cannot be verified to a pinned root: {}",
                facts.summary
            ),
        ));
    } else if !facts.verified {
        out.push(Finding::fail(
            "TR-RTE-006",
            "evidence/hardware-invalid",
            "/runtime",
            format!("the hardware evidence does not verify: {}", facts.summary),
        ));
    }
    if at("platform") != Some(facts.platform.as_str()) {
        out.push(Finding::fail(
            "TR-RTE-008",
            "evidence/platform-mismatch",
            "/runtime/platform",
            format!(
                "the evidence is from {}, the record says {:?}",
                facts.platform,
                at("platform")
            ),
        ));
    }
    if facts.measurement.is_none() || at("measurement") != facts.measurement.as_deref() {
        out.push(Finding::fail(
            "TR-RTE-009",
            "evidence/measurement-mismatch",
            "/runtime/measurement",
            format!(
                "the evidence measures {:?}, the record says {:?}",
                facts.measurement,
                at("measurement")
            ),
        ));
    }
    let thumbprint = record
        .get("cnf")
        .and_then(|c| c.as_object())
        .and_then(|c| c.get("jwk"))
        .and_then(|j| PublicKey::from_jwk(j).ok())
        .and_then(|k| b64::decode(&k.thumbprint()).ok());
    let bound = match (&thumbprint, &facts.report_data) {
        (Some(t), Some(d)) => d.len() >= 32 && d[..32] == t[..],
        _ => false,
    };
    if !bound {
        out.push(Finding::fail(
            "TR-RTE-010",
            "evidence/key-not-bound",
            "/cnf/jwk",
            "the evidence's report data does not begin with the RFC 7638 thumbprint of cnf.jwk (binding profile cnf-thumbprint-v1)",
        ));
    }
    // Platforms whose evidence carries no debug attribute apart from the measurement.
    let debug_is_measured = Platform::from_name(&facts.platform).is_some_and(Platform::debug_is_measured);
    if facts.debug == Some(true) || (facts.debug.is_none() && !debug_is_measured) {
        out.push(Finding::fail(
            "TR-RTE-011",
            "evidence/debug",
            "/runtime",
            format!(
                "the TEE is {} debuggable: its memory is not confidential",
                if facts.debug.is_some() { "" } else { "possibly" }
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Value;

    fn record_and_facts(platform: &str, debug: Option<bool>) -> (Object, EvidenceFacts) {
        let key = crate::sample::test_key(crate::Alg::EdDSA, "evidence-unit").public_key();
        let mut record = Object::new();
        let mut runtime = Object::new();
        runtime.insert("platform", Value::String(platform.into()));
        runtime.insert("measurement", Value::String("sha256:ab".into()));
        record.insert("runtime", Value::Object(runtime));
        let mut cnf = Object::new();
        cnf.insert("jwk", Value::Object(key.to_jwk()));
        record.insert("cnf", Value::Object(cnf));
        let facts = EvidenceFacts {
            platform: platform.into(),
            verified: true,
            unverifiable: false,
            summary: "every check passed".into(),
            measurement: Some("sha256:ab".into()),
            report_data: b64::decode(&key.thumbprint()).ok(),
            debug,
        };
        (record, facts)
    }

    fn rules(platform: &str, debug: Option<bool>) -> Vec<&'static str> {
        let (record, facts) = record_and_facts(platform, debug);
        bind(&record, &facts).iter().map(|f| f.rule).collect()
    }

    #[test]
    fn bound_evidence_with_debug_off_has_no_finding() {
        for platform in ["amd-sev-snp", "tpm2", "nvidia-h100", "google-confidential-space"] {
            assert_eq!(rules(platform, Some(false)), Vec::<&str>::new(), "{platform}");
        }
    }

    #[test]
    fn debug_on_fails_on_every_platform() {
        for platform in ["amd-sev-snp", "aws-nitro", "tpm2", "nvidia-h100"] {
            assert_eq!(rules(platform, Some(true)), ["TR-RTE-011"], "{platform}");
        }
    }

    #[test]
    fn unverifiable_evidence_leaves_the_rule_unverified_and_invalid_evidence_fails_it() {
        let (record, mut facts) = record_and_facts("tpm2", None);
        facts.verified = false;
        facts.unverifiable = true;
        let f = bind(&record, &facts);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].rule, f[0].status, f[0].class),
            (
                "TR-RTE-006",
                crate::finding::Status::Unverified,
                "evidence/hardware-unverified"
            )
        );
        facts.unverifiable = false;
        let f = bind(&record, &facts);
        assert_eq!(
            (f[0].rule, f[0].status, f[0].class),
            ("TR-RTE-006", crate::finding::Status::Fail, "evidence/hardware-invalid")
        );
    }

    #[test]
    fn an_unstated_debug_state_fails_only_where_debug_is_an_attribute() {
        for platform in [
            "amd-sev-snp",
            "aws-nitro",
            "intel-tdx",
            "azure-cvm-sev-snp",
            "google-confidential-space",
        ] {
            assert_eq!(rules(platform, None), ["TR-RTE-011"], "{platform}");
        }
        for platform in Platform::ALL
            .into_iter()
            .filter(|p| p.debug_is_measured())
            .map(Platform::name)
        {
            assert_eq!(rules(platform, None), Vec::<&str>::new(), "{platform}");
        }
    }
}
