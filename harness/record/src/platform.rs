//! The `runtime.platform` values a Trust Record may carry (the schema's enum): one table
//! from which the suite's other platform lists are made (the vector matrix, `run
//! --platform`, the reference's capabilities) or against which they are checked by a test
//! (the record and protocol schemas, the Python adapters: `tests/platform_lists.rs`).
//!
//! Owns: the names, in the schema's order, and what the rule engine needs to know of each.
//! Does not own how a platform's evidence is appraised (trace-hardware, whose capture
//! platforms are named by the captures, not by the record).

/// One `runtime.platform` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Platform {
    IntelTdx,
    AmdSevSnp,
    AzureCvmSevSnp,
    NvidiaH100,
    NvidiaBlackwell,
    AwsNitro,
    ArmCca,
    GoogleConfidentialSpace,
    Tpm2,
    SoftwareOnly,
}

/// The names of every platform, in the schema's order.
pub const NAMES: [&str; Platform::ALL.len()] = {
    let mut names = [""; Platform::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Platform::ALL[i].name();
        i += 1;
    }
    names
};

impl Platform {
    /// Every platform, in the order of the schema's enum.
    pub const ALL: [Platform; 10] = [
        Platform::IntelTdx,
        Platform::AmdSevSnp,
        Platform::AzureCvmSevSnp,
        Platform::NvidiaH100,
        Platform::NvidiaBlackwell,
        Platform::AwsNitro,
        Platform::ArmCca,
        Platform::GoogleConfidentialSpace,
        Platform::Tpm2,
        Platform::SoftwareOnly,
    ];

    /// The value as a record carries it.
    pub const fn name(self) -> &'static str {
        match self {
            Platform::IntelTdx => "intel-tdx",
            Platform::AmdSevSnp => "amd-sev-snp",
            Platform::AzureCvmSevSnp => "azure-cvm-sev-snp",
            Platform::NvidiaH100 => "nvidia-h100",
            Platform::NvidiaBlackwell => "nvidia-blackwell",
            Platform::AwsNitro => "aws-nitro",
            Platform::ArmCca => "arm-cca",
            Platform::GoogleConfidentialSpace => "google-confidential-space",
            Platform::Tpm2 => "tpm2",
            Platform::SoftwareOnly => "software-only",
        }
    }

    /// The platform a record's value names, if it names one.
    pub fn from_name(name: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.name() == name)
    }

    /// A TEE or TPM that can attest a key: every platform but `software-only`, which
    /// never reaches Level 1 (TR-LVL rules).
    pub const fn is_hardware(self) -> bool {
        !matches!(self, Platform::SoftwareOnly)
    }

    /// Whether the platform's evidence measures its debug state (a TPM's PCRs, a GPU's
    /// measurement blocks) rather than stating it in a field of its own.
    pub const fn debug_is_measured(self) -> bool {
        matches!(self, Platform::Tpm2 | Platform::NvidiaH100 | Platform::NvidiaBlackwell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_read_back() {
        let mut seen = std::collections::BTreeSet::new();
        for (p, name) in Platform::ALL.into_iter().zip(NAMES) {
            assert_eq!(p.name(), name);
            assert_eq!(Platform::from_name(name), Some(p));
            assert!(seen.insert(name), "{name} twice");
        }
        assert_eq!(NAMES.len(), 10);
        assert_eq!(Platform::from_name("Intel-TDX"), None, "names are exact");
        assert_eq!(Platform::from_name(""), None);
    }

    #[test]
    fn only_software_only_is_not_hardware() {
        let software: Vec<_> = Platform::ALL.into_iter().filter(|p| !p.is_hardware()).collect();
        assert_eq!(software, [Platform::SoftwareOnly]);
    }

    #[test]
    fn debug_is_measured_on_tpm_and_gpus_only() {
        let measured: Vec<_> = Platform::ALL
            .into_iter()
            .filter(|p| p.debug_is_measured())
            .map(Platform::name)
            .collect();
        assert_eq!(measured, ["nvidia-h100", "nvidia-blackwell", "tpm2"]);
    }
}
