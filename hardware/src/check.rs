//! The names of the checks an appraisal makes, and the error class each failure carries
//! in a report: one enum, so a misspelt check name is a compile error rather than a
//! failure filed under the wrong class.
//!
//! Owns: the names (their wire form is what reports and replay output print) and the
//! classes. Does not own what a check examines (each platform's module).

/// One named check of an appraisal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CheckName {
    AkChain,
    Alg,
    CcaToken,
    Chain,
    Collateral,
    Cose,
    CoseAlg,
    CoseSignature,
    Dcap,
    Document,
    Evidence,
    GpuGeneration,
    Jws,
    KeyInfo,
    Lifecycle,
    Nonce,
    PcrDigest,
    Platform,
    QeBinding,
    Quote,
    RakBinding,
    Report,
    ReportLength,
    ReportSignature,
    ReportStructure,
    Revocation,
    RootPin,
    RuntimeData,
    Signature,
    SpdmRequest,
    SpdmResponse,
    Tcb,
    TpmsAttest,
    Validity,
    VcekHwid,
    VcekTcb,
    VekCertificate,
    Vmpl,
    VtpmQuote,
}

impl CheckName {
    /// Every check name.
    pub const ALL: [CheckName; 39] = [
        CheckName::AkChain,
        CheckName::Alg,
        CheckName::CcaToken,
        CheckName::Chain,
        CheckName::Collateral,
        CheckName::Cose,
        CheckName::CoseAlg,
        CheckName::CoseSignature,
        CheckName::Dcap,
        CheckName::Document,
        CheckName::Evidence,
        CheckName::GpuGeneration,
        CheckName::Jws,
        CheckName::KeyInfo,
        CheckName::Lifecycle,
        CheckName::Nonce,
        CheckName::PcrDigest,
        CheckName::Platform,
        CheckName::QeBinding,
        CheckName::Quote,
        CheckName::RakBinding,
        CheckName::Report,
        CheckName::ReportLength,
        CheckName::ReportSignature,
        CheckName::ReportStructure,
        CheckName::Revocation,
        CheckName::RootPin,
        CheckName::RuntimeData,
        CheckName::Signature,
        CheckName::SpdmRequest,
        CheckName::SpdmResponse,
        CheckName::Tcb,
        CheckName::TpmsAttest,
        CheckName::Validity,
        CheckName::VcekHwid,
        CheckName::VcekTcb,
        CheckName::VekCertificate,
        CheckName::Vmpl,
        CheckName::VtpmQuote,
    ];

    /// The name as reports and replay output print it.
    pub const fn name(self) -> &'static str {
        match self {
            CheckName::AkChain => "ak-chain",
            CheckName::Alg => "alg",
            CheckName::CcaToken => "cca-token",
            CheckName::Chain => "chain",
            CheckName::Collateral => "collateral",
            CheckName::Cose => "cose",
            CheckName::CoseAlg => "cose-alg",
            CheckName::CoseSignature => "cose-signature",
            CheckName::Dcap => "dcap",
            CheckName::Document => "document",
            CheckName::Evidence => "evidence",
            CheckName::GpuGeneration => "gpu-generation",
            CheckName::Jws => "jws",
            CheckName::KeyInfo => "key-info",
            CheckName::Lifecycle => "lifecycle",
            CheckName::Nonce => "nonce",
            CheckName::PcrDigest => "pcr-digest",
            CheckName::Platform => "platform",
            CheckName::QeBinding => "qe-binding",
            CheckName::Quote => "quote",
            CheckName::RakBinding => "rak-binding",
            CheckName::Report => "report",
            CheckName::ReportLength => "report-length",
            CheckName::ReportSignature => "report-signature",
            CheckName::ReportStructure => "report-structure",
            CheckName::Revocation => "revocation",
            CheckName::RootPin => "root-pin",
            CheckName::RuntimeData => "runtime-data",
            CheckName::Signature => "signature",
            CheckName::SpdmRequest => "spdm-request",
            CheckName::SpdmResponse => "spdm-response",
            CheckName::Tcb => "tcb",
            CheckName::TpmsAttest => "tpms-attest",
            CheckName::Validity => "validity",
            CheckName::VcekHwid => "vcek-hwid",
            CheckName::VcekTcb => "vcek-tcb",
            CheckName::VekCertificate => "vek-certificate",
            CheckName::Vmpl => "vmpl",
            CheckName::VtpmQuote => "vtpm-quote",
        }
    }

    /// The error class (`vectors/rules/error-classes.toml`) of this check's failure. Every
    /// name is listed: a new check must be given its class here.
    pub const fn class(self) -> &'static str {
        use CheckName::*;
        match self {
            // A revoked ASK: the chain no longer leads to a root that vouches for it. A GPU chain
            // naming another generation's chip: it does not fit the platform it is given as.
            RootPin | Chain | AkChain | VekCertificate | VcekHwid | VcekTcb | KeyInfo | Lifecycle | Revocation
            | GpuGeneration => "evidence/chain-invalid",
            Signature | ReportSignature | CoseSignature | VtpmQuote => "evidence/signature-invalid",
            Validity => "evidence/expired",
            Nonce | RuntimeData | PcrDigest | RakBinding => "evidence/binding-invalid",
            Platform => "evidence/unsupported-format",
            // What the evidence is made of, and the appraisal policy around it: a failure
            // means the bytes are not evidence the verifier can read.
            Alg | CcaToken | Collateral | Cose | CoseAlg | Dcap | Document | Evidence | Jws | QeBinding | Quote
            | Report | ReportLength | ReportStructure | SpdmRequest | SpdmResponse | Tcb | TpmsAttest | Vmpl => {
                "evidence/malformed"
            }
        }
    }
}

impl std::fmt::Display for CheckName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for CheckName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CheckName::ALL {
            let n = c.name();
            assert!(seen.insert(n), "{n} twice");
            assert!(
                !n.is_empty()
                    && n.split('-')
                        .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{n}"
            );
            assert_eq!(c.to_string(), n);
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(n));
        }
    }

    #[test]
    fn classes_are_the_evidence_classes() {
        let classes = [
            "evidence/chain-invalid",
            "evidence/signature-invalid",
            "evidence/expired",
            "evidence/binding-invalid",
            "evidence/unsupported-format",
            "evidence/malformed",
        ];
        for c in CheckName::ALL {
            assert!(classes.contains(&c.class()), "{c}: {}", c.class());
        }
        assert_eq!(CheckName::RootPin.class(), "evidence/chain-invalid");
        assert_eq!(CheckName::VtpmQuote.class(), "evidence/signature-invalid");
        assert_eq!(CheckName::Validity.class(), "evidence/expired");
        assert_eq!(CheckName::RakBinding.class(), "evidence/binding-invalid");
        assert_eq!(CheckName::Platform.class(), "evidence/unsupported-format");
        assert_eq!(CheckName::GpuGeneration.class(), "evidence/chain-invalid");
        assert_eq!(CheckName::Revocation.class(), "evidence/chain-invalid");
        assert_eq!(CheckName::Quote.class(), "evidence/malformed");
    }
}
