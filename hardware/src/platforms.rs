//! One row per kind of capture the suite appraises: the names a manifest or an `evidence`
//! input gives it, the TRACE `runtime.platform` it is evidence of, what a pin pins, and the
//! function that finds its files and appraises them. Replay, the protocol's `evidence`
//! input, `replay --record` and the oracles look platforms up here, so a new platform is its
//! module (with its `appraise_files`) plus its row. (`input.rs` still names
//! `azure-cvm-sev-snp` once: only that layout carries its nonce as a file.)
//!
//! Owns: the table and the lookup. Does not own reading a capture (`manifest`) nor any check
//! (the platform modules).

use crate::{Appraisal, CheckName};
use std::collections::BTreeMap;
use trace_record::platform::Platform;

/// A capture's files by name.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What `verify.root_sha256` (or an `evidence` input's `root_sha256`) pins for a platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pin {
    /// The SHA-256 of the root certificate's DER, in place of the vendor's root.
    RootCertificate,
    /// The SHA-256 of the Initial Attestation Key's SubjectPublicKeyInfo DER (Arm CCA).
    AttestationKey,
    /// The RFC 7638 thumbprint of the token's signing key (attestation tokens).
    SigningKey,
    /// Nothing: the vendor's roots only; a pin given is refused.
    None,
}

/// One kind of capture.
pub struct CapturePlatform {
    /// The names a manifest's `platform` (or an input's) may give it, the first preferred.
    pub names: &'static [&'static str],
    /// The TRACE `runtime.platform` a record bound to this evidence runs on, if any.
    pub trace_platform: Option<Platform>,
    pub pin: Pin,
    /// Attestation tokens carry the key snapshot they are checked with: unpinned, nothing
    /// but the token vouches for it, so a valid appraisal is at best unverifiable as
    /// evidence of a record.
    pub self_vouching: bool,
    /// Finds the platform's files and appraises them at a Unix time, under the pin if given.
    pub appraise: fn(&Files, i64, Option<&str>) -> Appraisal,
}

/// Every capture platform.
pub const PLATFORMS: &[CapturePlatform] = &[
    CapturePlatform {
        names: &["amd-sev-snp"],
        trace_platform: Some(Platform::AmdSevSnp),
        pin: Pin::RootCertificate,
        self_vouching: false,
        appraise: crate::snp::appraise_files,
    },
    CapturePlatform {
        names: &["intel-tdx"],
        trace_platform: Some(Platform::IntelTdx),
        pin: Pin::RootCertificate,
        self_vouching: false,
        appraise: crate::dcap::appraise_files,
    },
    CapturePlatform {
        names: &["intel-sgx"],
        trace_platform: None,
        pin: Pin::RootCertificate,
        self_vouching: false,
        appraise: crate::dcap::appraise_files,
    },
    CapturePlatform {
        names: &["aws-nitro"],
        trace_platform: Some(Platform::AwsNitro),
        pin: Pin::RootCertificate,
        self_vouching: false,
        appraise: crate::nitro::appraise_files,
    },
    CapturePlatform {
        names: &["nvidia-h100"],
        trace_platform: Some(Platform::NvidiaH100),
        pin: Pin::RootCertificate,
        self_vouching: false,
        appraise: crate::nvidia::appraise_hopper_files,
    },
    CapturePlatform {
        names: &["nvidia-blackwell"],
        trace_platform: Some(Platform::NvidiaBlackwell),
        pin: Pin::RootCertificate,
        self_vouching: false,
        appraise: crate::nvidia::appraise_blackwell_files,
    },
    CapturePlatform {
        names: &["tpm2"],
        trace_platform: Some(Platform::Tpm2),
        pin: Pin::RootCertificate,
        self_vouching: false,
        appraise: crate::tpm::appraise_files,
    },
    CapturePlatform {
        names: &["azure-cvm-sev-snp"],
        trace_platform: Some(Platform::AzureCvmSevSnp),
        pin: Pin::RootCertificate,
        self_vouching: false,
        appraise: crate::azure::appraise_files,
    },
    CapturePlatform {
        names: &["azure-cvm-tdx"],
        trace_platform: None,
        pin: Pin::None,
        self_vouching: false,
        appraise: crate::azure::appraise_tdx_files,
    },
    CapturePlatform {
        names: &["google-confidential-space", "gcp-confidential-space"],
        trace_platform: Some(Platform::GoogleConfidentialSpace),
        pin: Pin::SigningKey,
        self_vouching: true,
        appraise: crate::token::appraise_files,
    },
    CapturePlatform {
        names: &["azure-maa"],
        trace_platform: None,
        pin: Pin::SigningKey,
        self_vouching: true,
        appraise: crate::token::appraise_files,
    },
    CapturePlatform {
        names: &["arm-cca"],
        trace_platform: Some(Platform::ArmCca),
        pin: Pin::AttestationKey,
        self_vouching: false,
        appraise: crate::cca::appraise_files,
    },
];

/// The row of the capture platform named `name`.
pub fn lookup(name: &str) -> Option<&'static CapturePlatform> {
    PLATFORMS.iter().find(|p| p.names.contains(&name))
}

/// Appraises `files` as evidence of the capture platform `name` at `at`, under `pin` when
/// given. An unknown platform is not implemented, never a guess; a pin is never dropped: a
/// platform without a pinned form refuses one.
pub fn appraise(name: &str, files: &Files, at: i64, pin: Option<&str>) -> Appraisal {
    match lookup(name) {
        None if pin.is_none() => Appraisal::not_implemented(name),
        Some(p) if p.pin != Pin::None || pin.is_none() => (p.appraise)(files, at, pin),
        _ => {
            let mut a = Appraisal::invalid();
            crate::push(
                &mut a.checks,
                CheckName::RootPin,
                false,
                format!("{name} evidence cannot be appraised under a pinned root in this suite version"),
            );
            a
        }
    }
}

/// The first of `names` present in `files`.
pub(crate) fn first<'a>(files: &'a Files, names: &[&str]) -> Option<&'a [u8]> {
    names.iter().find_map(|n| files.get(*n)).map(Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_belongs_to_one_row_and_every_hardware_platform_has_one() {
        let mut seen = std::collections::BTreeSet::new();
        for p in PLATFORMS {
            for n in p.names {
                assert!(seen.insert(*n), "{n} in two rows");
            }
            if let Some(t) = p.trace_platform {
                assert_eq!(p.names[0], t.name(), "a TRACE platform's row is named after it first");
            }
        }
        for t in Platform::ALL {
            let covered = PLATFORMS.iter().any(|p| p.trace_platform == Some(t));
            assert_eq!(covered, t.is_hardware(), "{}", t.name());
        }
    }

    #[test]
    fn an_unknown_platform_is_not_implemented_and_a_refused_pin_is_invalid() {
        let files = Files::new();
        assert_eq!(appraise("z80", &files, 0, None).verdict, crate::Verdict::NotImplemented);
        for refused in ["azure-cvm-tdx", "z80"] {
            let a = appraise(refused, &files, 0, Some("00"));
            assert_eq!(a.verdict, crate::Verdict::Invalid, "{refused}");
            assert_eq!(a.checks[0].name, CheckName::RootPin, "{refused}");
        }
        for p in PLATFORMS {
            let empty = (p.appraise)(&files, 0, None);
            assert_eq!(
                empty.verdict,
                crate::Verdict::NotImplemented,
                "{}: no files",
                p.names[0]
            );
        }
    }
}
