//! Level 1 evidence in the protocol's `capture` format (a capture's files by name and the pin,
//! as hardware/SUBMITTING.md lays them out) for the platforms whose synthetic evidence is a
//! set of files: TPM 2.0 quotes, Azure CVMs, NVIDIA GPU reports, Confidential Space tokens,
//! Intel TDX quotes with their DCAP collateral, Arm CCA tokens.
//! Each binds the record's key where its platform puts report data and measures what the
//! record claims, or breaks one link on purpose.
//!
//! Owns: those four inputs and [`GPU_BLOCK`], the block digest of every synthetic GPU record.
//! The knobs and the other sources are `evidence_build`'s.

use crate::evidence_build::EvidenceKnob;
use std::collections::BTreeMap;
use trace_record::b64;
use trace_synthetic::{self as synthetic, azure, snp, token, tpm};

/// The measurement block of synthetic GPU reports; the record claims its `sha384:` profile.
pub const GPU_BLOCK: [u8; 48] = [0x24; 48];

/// What the record claims on TPM and token platforms (a `sha256:` measurement).
pub const SHA256_MEASUREMENT: &str = "sha256:5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f5e1f";

fn capture(platform: &str, files: BTreeMap<String, Vec<u8>>, root: Option<String>) -> String {
    let encoded: serde_json::Map<String, serde_json::Value> =
        files.iter().map(|(n, b)| (n.clone(), b64::encode(b).into())).collect();
    let mut v = serde_json::json!({"platform": platform, "format": "capture", "files": encoded});
    if let Some(root) = root {
        v["root_sha256"] = root.into();
    }
    v.to_string()
}

fn unsupported(knob: EvidenceKnob, platform: &str) -> Result<String, String> {
    Err(format!("{knob:?} does not apply to {platform} evidence"))
}

fn hex_digest<const N: usize>(measurement: &str, prefix: &str) -> Result<[u8; N], String> {
    let hex = measurement
        .strip_prefix(prefix)
        .ok_or(format!("the record needs a {prefix} measurement"))?;
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b =
            u8::from_str_radix(hex.get(2 * i..2 * i + 2).ok_or("short measurement")?, 16).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A TPM quote whose extraData is the thumbprint and pcrDigest the measurement, its AK
/// certified by the synthetic TPM CA (pinned, unless `UnpinnedRoot` pins another CA).
pub fn tpm_input(knob: EvidenceKnob, measurement: &str, thumbprint: &[u8], now: i64) -> Result<String, String> {
    let mut pcr_digest = hex_digest::<32>(measurement, "sha256:")?;
    let mut not_after = now + 3600;
    match knob {
        EvidenceKnob::OtherMeasurement => pcr_digest[0] ^= 0xff,
        EvidenceKnob::Expired => not_after = now - 3600,
        EvidenceKnob::Genuine | EvidenceKnob::OtherKey | EvidenceKnob::UnpinnedRoot => {}
        _ => return unsupported(knob, "TPM"),
    }
    let quote = tpm::quote(&tpm::QuoteClaims {
        extra_data: thumbprint.to_vec(),
        pcrs: (0..8).collect(),
        pcr_digest,
    });
    let files = BTreeMap::from([
        ("quote.sig".to_string(), tpm::signature(&quote)),
        ("quote.msg".to_string(), quote),
        ("ak.pub".to_string(), tpm::ak_pem().into_bytes()),
        ("akcert.der".to_string(), tpm::ak_certificate(now - 7200, not_after)),
        ("ak_ca.der".to_string(), tpm::ca_der()),
    ]);
    let root = match knob {
        EvidenceKnob::UnpinnedRoot => synthetic::nitro_test_root_sha256(),
        _ => tpm::ca_sha256(),
    };
    Ok(capture("tpm2", files, Some(root)))
}

/// An Azure CVM capture whose vTPM quote covers the nonce thumbprint ‖ 32 bytes (cMCP's
/// layout) and whose SNP report measures the record's measurement.
pub fn azure_input(knob: EvidenceKnob, measurement: &str, thumbprint: &[u8]) -> Result<String, String> {
    let mut launch = hex_digest::<48>(measurement, "sha384:")?;
    let mut debug = false;
    match knob {
        EvidenceKnob::OtherMeasurement => launch[0] ^= 0xff,
        EvidenceKnob::Debug => debug = true,
        EvidenceKnob::Genuine | EvidenceKnob::OtherKey | EvidenceKnob::UnpinnedRoot => {}
        _ => return unsupported(knob, "Azure CVM"),
    }
    let mut nonce = thumbprint.to_vec();
    nonce.extend_from_slice(&[0xa5; 32]);
    let files = azure::capture(&azure::AzureClaims {
        measurement: launch,
        runtime_data: azure::runtime_data(),
        nonce,
        debug,
    });
    let root = (knob != EvidenceKnob::UnpinnedRoot).then(snp::test_ark_sha256);
    Ok(capture("azure-cvm-sev-snp", files, root))
}

/// A GPU report whose requester nonce is the thumbprint, for `platform` (Hopper and Blackwell
/// report in the same SPDM format); the record must claim `synthetic::spdm_measurement(GPU_BLOCK)`.
pub fn gpu_input(knob: EvidenceKnob, thumbprint: &[u8], platform: &str) -> Result<String, String> {
    let mut block = GPU_BLOCK;
    match knob {
        EvidenceKnob::OtherMeasurement => block[0] ^= 0xff,
        EvidenceKnob::Genuine | EvidenceKnob::OtherKey | EvidenceKnob::UnpinnedRoot => {}
        _ => return unsupported(knob, "GPU"),
    }
    let nonce: [u8; 32] = thumbprint
        .get(..32)
        .and_then(|t| t.try_into().ok())
        .ok_or("a thumbprint is 32 bytes")?;
    let (report, chain) = synthetic::spdm_report(nonce, block);
    let files = BTreeMap::from([
        ("attestation_report.hex".to_string(), report.into_bytes()),
        ("device_cert_chain.pem".to_string(), chain.into_bytes()),
    ]);
    let root = match knob {
        EvidenceKnob::UnpinnedRoot => trace_hardware::nvidia::DEVICE_IDENTITY_CA_SHA256.to_string(),
        _ => synthetic::nvidia_test_root_sha256(),
    };
    Ok(capture(platform, files, Some(root)))
}

/// A Confidential Space token whose `eat_nonce` is the thumbprint in hex and whose image
/// digest is the record's measurement, signed by the synthetic signer (pinned by thumbprint,
/// unless `UnpinnedRoot` pins another key: the synthetic TPM AK's).
pub fn token_input(knob: EvidenceKnob, measurement: &str, thumbprint: &[u8], now: i64) -> Result<String, String> {
    hex_digest::<32>(measurement, "sha256:")?;
    let mut image_digest = measurement.to_string();
    let (mut dbgstat, mut nbf, mut exp) = ("disabled-since-boot", now - 60, now + 3600);
    match knob {
        EvidenceKnob::OtherMeasurement => image_digest.replace_range(7..9, "00"),
        EvidenceKnob::Debug => dbgstat = "enabled",
        EvidenceKnob::Expired => (nbf, exp) = (now - 7200, now - 3600),
        EvidenceKnob::Genuine | EvidenceKnob::OtherKey | EvidenceKnob::UnpinnedRoot | EvidenceKnob::NoPin => {}
        _ => return unsupported(knob, "token"),
    }
    let jwt = token::confidential_space_token(&token::TokenClaims {
        image_digest: &image_digest,
        dbgstat,
        eat_nonce: trace_hardware::hex(thumbprint),
        nbf,
        exp,
    });
    let files = BTreeMap::from([
        ("token.jwt".to_string(), jwt.into_bytes()),
        ("jwks.json".to_string(), token::jwks()),
    ]);
    let pin = match knob {
        EvidenceKnob::UnpinnedRoot => {
            let runtime: serde_json::Value =
                serde_json::from_slice(&azure::runtime_data()).map_err(|e| e.to_string())?;
            trace_hardware::token::rsa_jwk_thumbprint_hex(&runtime["keys"][0]).ok_or("the AK is an RSA JWK")?
        }
        _ => token::signer_sha256(),
    };
    let pin = (knob != EvidenceKnob::NoPin).then_some(pin);
    Ok(capture("google-confidential-space", files, pin))
}

/// A TD quote whose REPORT_DATA begins with the thumbprint and whose MRTD is the record's
/// measurement, with DCAP collateral under the synthetic SGX root (pinned, unless
/// `UnpinnedRoot` pins Intel's).
pub fn tdx_input(knob: EvidenceKnob, measurement: &str, thumbprint: &[u8], now: i64) -> Result<String, String> {
    use trace_synthetic::tdx;
    let mut mr_td = hex_digest::<48>(measurement, "sha384:")?;
    let mut knobs = tdx::TdxKnobs::default();
    match knob {
        EvidenceKnob::OtherMeasurement => mr_td[0] ^= 0xff,
        EvidenceKnob::Debug => knobs.debug = true,
        EvidenceKnob::Expired => knobs.pck_expired = true,
        EvidenceKnob::Genuine | EvidenceKnob::OtherKey | EvidenceKnob::UnpinnedRoot => {}
        _ => return unsupported(knob, "TDX"),
    }
    let mut report_data = [0u8; 64];
    report_data[..32].copy_from_slice(thumbprint.get(..32).ok_or("a thumbprint is 32 bytes")?);
    let (quote, collateral) = tdx::evidence(&tdx::TdClaims { mr_td, report_data }, knobs, now);
    let files = BTreeMap::from([
        ("quote.bin".to_string(), quote),
        ("collateral.json".to_string(), collateral.into_bytes()),
        ("root_ca.der".to_string(), tdx::root_der()),
    ]);
    let root = match knob {
        EvidenceKnob::UnpinnedRoot => trace_hardware::dcap::INTEL_SGX_ROOT_SHA256.to_string(),
        _ => tdx::root_sha256(),
    };
    Ok(capture("intel-tdx", files, Some(root)))
}

/// How a replayed synthetic TDX capture is spoiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TdxReplayKnob {
    Genuine,
    /// TD_ATTRIBUTES.DEBUG set: still authentic.
    DebugTd,
    /// One bit of MRTD flipped after signing.
    QuoteChanged,
    /// The PCK CRL lists the PCK certificate.
    PckRevoked,
    /// The TCB info marks the platform's level Revoked.
    TcbRevoked,
    /// Intel's root pinned; the capture chains to the synthetic root.
    UnpinnedRoot,
}

/// The `replay-evidence` input of a synthetic TDX capture, at `now`.
pub fn tdx_replay_input(knob: TdxReplayKnob, now: i64) -> String {
    use trace_synthetic::tdx;
    let knobs = tdx::TdxKnobs {
        debug: knob == TdxReplayKnob::DebugTd,
        pck_revoked: knob == TdxReplayKnob::PckRevoked,
        tcb_revoked: knob == TdxReplayKnob::TcbRevoked,
        ..Default::default()
    };
    let claims = tdx::TdClaims {
        mr_td: [0x6d; 48],
        report_data: [0x11; 64],
    };
    let (mut quote, collateral) = tdx::evidence(&claims, knobs, now);
    if knob == TdxReplayKnob::QuoteChanged {
        quote[184] ^= 1;
    }
    let files = BTreeMap::from([
        ("quote.bin".to_string(), quote),
        ("collateral.json".to_string(), collateral.into_bytes()),
        ("root_ca.der".to_string(), tdx::root_der()),
    ]);
    let encoded: serde_json::Map<String, serde_json::Value> =
        files.iter().map(|(n, b)| (n.clone(), b64::encode(b).into())).collect();
    let root = match knob {
        TdxReplayKnob::UnpinnedRoot => trace_hardware::dcap::INTEL_SGX_ROOT_SHA256.to_string(),
        _ => tdx::root_sha256(),
    };
    serde_json::json!({"platform": "intel-tdx", "files": encoded, "root_sha256": root}).to_string()
}

/// An Arm CCA token whose realm challenge begins with the thumbprint and whose RIM is the
/// record's measurement, under the synthetic IAK (pinned by its SubjectPublicKeyInfo digest,
/// unless `UnpinnedRoot` pins another key's).
pub fn cca_input(knob: EvidenceKnob, measurement: &str, thumbprint: &[u8]) -> Result<String, String> {
    use trace_synthetic::cca;
    let mut rim = hex_digest::<32>(measurement, "sha256:")?;
    let mut lifecycle = cca::LIFECYCLE_SECURED;
    match knob {
        EvidenceKnob::OtherMeasurement => rim[0] ^= 0xff,
        EvidenceKnob::Debug => lifecycle = cca::LIFECYCLE_DEBUG,
        EvidenceKnob::Genuine | EvidenceKnob::OtherKey | EvidenceKnob::UnpinnedRoot | EvidenceKnob::NoPin => {}
        _ => return unsupported(knob, "CCA"),
    }
    let mut challenge = [0u8; 64];
    challenge[..32].copy_from_slice(thumbprint.get(..32).ok_or("a thumbprint is 32 bytes")?);
    let files = BTreeMap::from([
        (
            "token.cbor".to_string(),
            cca::token(&cca::CcaClaims {
                challenge,
                rim,
                lifecycle,
            }),
        ),
        ("iak.der".to_string(), cca::iak_spki_der()),
    ]);
    let pin = match knob {
        // Another key pinned: the digest of the synthetic SGX root, which signed nothing here.
        EvidenceKnob::UnpinnedRoot => synthetic::tdx::root_sha256(),
        _ => cca::iak_sha256(),
    };
    let pin = (knob != EvidenceKnob::NoPin).then_some(pin);
    Ok(capture("arm-cca", files, pin))
}

/// How a replayed synthetic CCA capture is spoiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CcaReplayKnob {
    Genuine,
    /// The platform in the non-PSA-RoT debug lifecycle state: still authentic.
    DebugLifecycle,
    /// The realm token's signature changed.
    RealmSignatureChanged,
    /// A decommissioned platform.
    Decommissioned,
    /// Another key pinned than the token's IAK.
    UnpinnedIak,
    /// The platform challenge is the hash of another key than the realm's RAK.
    RakUnbound,
    /// The platform token's signature changed (the IAK's).
    PlatformSignatureChanged,
}

/// The `replay-evidence` input of a synthetic CCA capture.
pub fn cca_replay_input(knob: CcaReplayKnob) -> String {
    use trace_synthetic::cca;
    let lifecycle = match knob {
        CcaReplayKnob::DebugLifecycle => cca::LIFECYCLE_DEBUG,
        CcaReplayKnob::Decommissioned => 0x6000,
        _ => cca::LIFECYCLE_SECURED,
    };
    let claims = cca::CcaClaims {
        challenge: [0x11; 64],
        rim: [0x7a; 32],
        lifecycle,
    };
    let mut token = match knob {
        CcaReplayKnob::RakUnbound => cca::token_with_unbound_rak(&claims),
        CcaReplayKnob::PlatformSignatureChanged => cca::token_with_changed_platform_signature(&claims),
        _ => cca::token(&claims),
    };
    if knob == CcaReplayKnob::RealmSignatureChanged {
        let last = token.len() - 1;
        token[last] ^= 1;
    }
    let pin = match knob {
        CcaReplayKnob::UnpinnedIak => synthetic::tdx::root_sha256(),
        _ => cca::iak_sha256(),
    };
    serde_json::json!({
        "platform": "arm-cca",
        "files": {"token.cbor": b64::encode(&token), "iak.der": b64::encode(&cca::iak_spki_der())},
        "root_sha256": pin,
    })
    .to_string()
}
