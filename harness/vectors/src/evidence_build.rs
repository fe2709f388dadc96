//! Synthetic hardware evidence for a vector's record: a Nitro-shaped attestation document or
//! an SEV-SNP report made with the project's test roots (trace_synthetic), binding
//! the record's key and measurement, or breaking one link on purpose; the other platforms'
//! evidence is `evidence_capture`'s.
//!
//! Owns: [`EvidenceKnob`] and [`input_json`], the `evidence` member of the vector context.
//! Every knob other than `Genuine` must change the evidence.

use crate::evidence_capture as capture;
use trace_record::json::Value;
use trace_record::{PublicKey, b64};
use trace_synthetic as synthetic;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceKnob {
    /// PCR0 = the record's measurement, user_data = the cnf.jwk thumbprint.
    Genuine,
    /// user_data binds another key.
    OtherKey,
    /// PCR0 is another image.
    OtherMeasurement,
    /// Issued four hours before verification: the enclave certificate has expired.
    Expired,
    /// The verifier pins another root than the one the document chains to.
    UnpinnedRoot,
    /// Debug TEE: Nitro's all-zero PCRs (the record must then claim the zero measurement),
    /// SEV-SNP's guest policy debug bit.
    Debug,
    /// SEV-SNP only: the report's TCB is not the one its VCEK certifies.
    TcbMismatch,
    /// SEV-SNP only: the report is from another chip than its VCEK's.
    OtherChip,
    /// No root or signer pinned at all (token and CCA evidence, which no built-in root
    /// vouches for): the evidence is then unverifiable.
    NoPin,
}

/// Which synthetic evidence a vector's record is given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EvidenceSource {
    /// A Nitro attestation document (PCR0, user_data), test root pinned.
    #[default]
    Nitro,
    /// An SEV-SNP report with its VCEK and test ASK/ARK bundle, test ARK pinned.
    Snp,
    /// A TPM quote with its AK certificate and the synthetic TPM CA (`capture` format).
    Tpm,
    /// An Azure CVM capture: SNP report, runtime data, vTPM quote (`capture` format).
    Azure,
    /// An NVIDIA H100 GPU report and its chain (`capture` format).
    Gpu,
    /// The same for an NVIDIA Blackwell GPU (the same SPDM report format).
    GpuBlackwell,
    /// A Confidential Space token and its key snapshot (`capture` format).
    Token,
    /// A TD quote, its DCAP collateral and the synthetic SGX root (`capture` format).
    Tdx,
    /// An Arm CCA token and the IAK it is pinned by (`capture` format).
    Cca,
}

/// The evidence input for a record with `jwk` and `measurement` (`sha384:<hex>`), at `now`.
pub fn input_json(
    knob: EvidenceKnob,
    source: EvidenceSource,
    jwk: &Value,
    measurement: Option<&str>,
    now: i64,
) -> Result<String, String> {
    let key = PublicKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut user_data = b64::decode(&key.thumbprint()).map_err(|e| format!("{e:?}"))?;
    if knob == EvidenceKnob::OtherKey {
        let other = trace_record::sample::test_key(trace_record::Alg::EdDSA, "evidence-other").public_key();
        user_data = b64::decode(&other.thumbprint()).map_err(|e| format!("{e:?}"))?;
    }
    let measurement = measurement.ok_or("the record needs a measurement")?;
    match source {
        EvidenceSource::Tpm => return capture::tpm_input(knob, measurement, &user_data, now),
        EvidenceSource::Azure => return capture::azure_input(knob, measurement, &user_data),
        EvidenceSource::Gpu => return capture::gpu_input(knob, &user_data, "nvidia-h100"),
        EvidenceSource::GpuBlackwell => return capture::gpu_input(knob, &user_data, "nvidia-blackwell"),
        EvidenceSource::Token => return capture::token_input(knob, measurement, &user_data, now),
        EvidenceSource::Tdx => return capture::tdx_input(knob, measurement, &user_data, now),
        EvidenceSource::Cca => return capture::cca_input(knob, measurement, &user_data),
        EvidenceSource::Nitro | EvidenceSource::Snp => {}
    }
    let hex = measurement
        .strip_prefix("sha384:")
        .ok_or("the record needs a sha384 measurement")?;
    let mut pcr0 = [0u8; 48];
    for (i, b) in pcr0.iter_mut().enumerate() {
        *b =
            u8::from_str_radix(hex.get(2 * i..2 * i + 2).ok_or("short measurement")?, 16).map_err(|e| e.to_string())?;
    }
    if knob == EvidenceKnob::OtherMeasurement {
        pcr0[0] ^= 0xff;
    }
    match source {
        EvidenceSource::Snp => snp_input(knob, pcr0, &user_data, now),
        _ => nitro_input(knob, pcr0, user_data, now),
    }
}

fn nitro_input(knob: EvidenceKnob, pcr0: [u8; 48], user_data: Vec<u8>, now: i64) -> Result<String, String> {
    match knob {
        EvidenceKnob::Debug if pcr0 != [0u8; 48] => {
            return Err("Debug needs a record with the all-zero measurement".into());
        }
        EvidenceKnob::TcbMismatch | EvidenceKnob::OtherChip | EvidenceKnob::NoPin => {
            return Err(format!("{knob:?} does not apply to Nitro evidence"));
        }
        _ => {}
    }
    let issued_at = if knob == EvidenceKnob::Expired {
        now - 4 * 3600
    } else {
        now - 60
    };
    let doc = synthetic::nitro_document(&synthetic::NitroClaims {
        pcr0,
        user_data,
        issued_at,
    });
    let root = if knob == EvidenceKnob::UnpinnedRoot {
        trace_hardware::nitro::ROOT_G1_SHA256.to_string()
    } else {
        synthetic::nitro_test_root_sha256()
    };
    let v = serde_json::json!({
        "platform": "aws-nitro",
        "format": "nitro-cose",
        "document_b64u": b64::encode(&doc),
        "root_sha256": root,
    });
    Ok(v.to_string())
}

/// An SEV-SNP report binding `measurement` and the thumbprint (report_data's first half).
fn snp_input(knob: EvidenceKnob, measurement: [u8; 48], thumbprint: &[u8], now: i64) -> Result<String, String> {
    use synthetic::snp;
    let mut report_data = [0u8; 64];
    report_data[..32].copy_from_slice(thumbprint.get(..32).ok_or("a thumbprint is 32 bytes")?);
    let mut claims = snp::SnpClaims::new(measurement, report_data);
    let mut vcek = snp::VcekFields::default();
    if knob == EvidenceKnob::NoPin {
        return Err("NoPin does not apply to SEV-SNP evidence: AMD's ARKs are built in".into());
    }
    match knob {
        EvidenceKnob::Debug => claims.debug = true,
        EvidenceKnob::TcbMismatch => claims.reported_tcb[6] -= 1,
        EvidenceKnob::OtherChip => claims.chip_id[9] ^= 0xff,
        EvidenceKnob::Expired => vcek.not_after = now - 3600,
        _ => {}
    }
    let mut v = serde_json::json!({
        "platform": "amd-sev-snp",
        "format": "snp-report",
        "report_b64u": b64::encode(&snp::report(&claims)),
        "vek_b64u": b64::encode(&snp::vcek(&vcek)),
        "ca_bundle_b64u": b64::encode(snp::ca_bundle_pem().as_bytes()),
    });
    // Unpinned: no root named, so AMD's built-in ARKs are the roots, and they sign no test ASK.
    if knob != EvidenceKnob::UnpinnedRoot {
        v["root_sha256"] = snp::test_ark_sha256().into();
    }
    Ok(v.to_string())
}

/// How a `replay-evidence` vector's synthetic Nitro document is spoiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayKnob {
    Genuine,
    /// Issued four hours before verification.
    Expired,
    /// Issued an hour after verification (the certificate is not valid yet).
    NotYetValid,
    /// The last byte (in the COSE signature) flipped.
    SignatureFlipped,
    /// Cut to half its length.
    Truncated,
    /// The verifier pins AWS's root; the document chains to the test root.
    UnpinnedRoot,
}

/// The `replay-evidence` input: `{platform, files, root_sha256}` as JSON text.
pub fn replay_input(knob: ReplayKnob, now: i64) -> String {
    let issued_at = match knob {
        ReplayKnob::Expired => now - 4 * 3600,
        ReplayKnob::NotYetValid => now + 3600,
        _ => now - 60,
    };
    let mut doc = synthetic::nitro_document(&synthetic::NitroClaims {
        pcr0: [0x5a; 48],
        user_data: vec![0x11; 32],
        issued_at,
    });
    match knob {
        ReplayKnob::SignatureFlipped => {
            let last = doc.len() - 1;
            doc[last] ^= 1;
        }
        ReplayKnob::Truncated => doc.truncate(doc.len() / 2),
        _ => {}
    }
    let root = match knob {
        ReplayKnob::UnpinnedRoot => trace_hardware::nitro::ROOT_G1_SHA256.to_string(),
        _ => synthetic::nitro_test_root_sha256(),
    };
    serde_json::json!({
        "platform": "aws-nitro",
        "files": {"attestation.cose": b64::encode(&doc)},
        "root_sha256": root,
    })
    .to_string()
}

/// How a synthetic GPU (SPDM) report is spoiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GpuKnob {
    Genuine,
    /// A hex digit of the requester nonce changed after signing.
    NonceChanged,
    /// The signature's last byte changed.
    SignatureChanged,
    /// The response cut short: its length fields no longer fit.
    Truncated,
    /// The verifier pins NVIDIA's root; the report chains to the test root.
    UnpinnedRoot,
}

/// The `replay-evidence` input of a synthetic GPU report.
pub fn gpu_replay_input(knob: GpuKnob) -> String {
    let (mut report, chain) = synthetic::spdm_report([0x42; 32], [0x24; 48]);
    match knob {
        GpuKnob::NonceChanged => report.replace_range(8..9, "5"),
        GpuKnob::SignatureChanged => {
            let n = report.len();
            let last = if report.ends_with('0') { "1" } else { "0" };
            report.replace_range(n - 1..n, last);
        }
        GpuKnob::Truncated => report.truncate(200),
        _ => {}
    }
    let root = match knob {
        GpuKnob::UnpinnedRoot => trace_hardware::nvidia::DEVICE_IDENTITY_CA_SHA256.to_string(),
        _ => synthetic::nvidia_test_root_sha256(),
    };
    serde_json::json!({
        "platform": "nvidia-h100",
        "files": {
            "attestation_report.hex": b64::encode(report.as_bytes()),
            "device_cert_chain.pem": b64::encode(chain.as_bytes()),
        },
        "root_sha256": root,
    })
    .to_string()
}

/// How a replayed synthetic SEV-SNP report is spoiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnpKnob {
    Genuine,
    /// One bit of the measurement flipped after signing.
    ReportChanged,
    /// The report cut to 1,000 bytes.
    Truncated,
    /// No root pinned: AMD's built-in ARKs, which sign no test ASK.
    UnpinnedRoot,
    /// The VCEK expired an hour before verification.
    VcekExpired,
    /// The VCEK not valid until an hour after verification.
    VcekNotYetValid,
    /// The report's reported TCB one SNP SPL below the VCEK's.
    TcbMismatch,
    /// The report's chip id differs from the VCEK's hwID.
    OtherChip,
    /// key_info says a VLEK signed, but the certificate is a VCEK.
    VlekClaimed,
    /// The chip id masked (all zero), as a guest may ask: nothing to compare, still valid.
    MaskedChip,
    /// The CA bundle holds only the ARK: nothing links the VCEK to it.
    AskMissing,
}

/// The `replay-evidence` input of a synthetic SEV-SNP report, at `now`.
pub fn snp_replay_input(knob: SnpKnob, now: i64) -> String {
    use synthetic::snp;
    let mut claims = snp::SnpClaims::new([0x5a; 48], [0x11; 64]);
    let mut vcek = snp::VcekFields::default();
    match knob {
        SnpKnob::VcekExpired => vcek.not_after = now - 3600,
        SnpKnob::VcekNotYetValid => vcek.not_before = now + 3600,
        SnpKnob::TcbMismatch => claims.reported_tcb[6] -= 1,
        SnpKnob::OtherChip => claims.chip_id[9] ^= 0xff,
        SnpKnob::VlekClaimed => claims.signing_key = 1,
        SnpKnob::MaskedChip => claims.chip_id = [0; 64],
        _ => {}
    }
    let mut report = snp::report(&claims);
    match knob {
        SnpKnob::ReportChanged => report[0x90] ^= 1,
        SnpKnob::Truncated => report.truncate(1000),
        _ => {}
    }
    let bundle = if knob == SnpKnob::AskMissing {
        snp::ark_pem()
    } else {
        snp::ca_bundle_pem()
    };
    let mut v = serde_json::json!({
        "platform": "amd-sev-snp",
        "files": {
            "report.bin": b64::encode(&report),
            "vcek.der": b64::encode(&snp::vcek(&vcek)),
            "cert_chain.pem": b64::encode(bundle.as_bytes()),
        },
    });
    if knob != SnpKnob::UnpinnedRoot {
        v["root_sha256"] = snp::test_ark_sha256().into();
    }
    v.to_string()
}

/// How a replayed synthetic TPM quote is spoiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TpmKnob {
    Genuine,
    /// The last byte of the quote (in pcrDigest) changed after signing.
    QuoteChanged,
    /// The quote cut short: its length fields no longer fit.
    Truncated,
    /// The verifier's nonce is not the quote's extraData.
    NonceMismatch,
    /// The AK certificate expired an hour before verification.
    AkCertExpired,
    /// The AK certificate is for another key than the one that signed.
    AkCertOtherKey,
    /// The AK's CA is another CA than the pinned one.
    OtherCa,
}

/// The `replay-evidence` input of a synthetic TPM quote, at `now`.
pub fn tpm_replay_input(knob: TpmKnob, now: i64) -> String {
    use synthetic::tpm;
    let nonce = [0x42u8; 32];
    let mut quote = tpm::quote(&tpm::QuoteClaims {
        extra_data: nonce.to_vec(),
        pcrs: vec![0, 1, 2, 3, 4, 5, 6, 7],
        pcr_digest: [0x24; 32],
    });
    let signature = tpm::signature(&quote);
    match knob {
        TpmKnob::QuoteChanged => {
            let last = quote.len() - 1;
            quote[last] ^= 1;
        }
        TpmKnob::Truncated => quote.truncate(40),
        _ => {}
    }
    let nonce_hex = if knob == TpmKnob::NonceMismatch {
        "43".repeat(32)
    } else {
        trace_hardware::hex(&nonce)
    };
    let ak_cert = match knob {
        TpmKnob::AkCertExpired => tpm::ak_certificate(now - 7200, now - 3600),
        TpmKnob::AkCertOtherKey => tpm::other_key_certificate(now - 60, now + 3600),
        _ => tpm::ak_certificate(now - 60, now + 3600),
    };
    let ca = if knob == TpmKnob::OtherCa {
        synthetic::nitro_test_root_der()
    } else {
        tpm::ca_der()
    };
    serde_json::json!({
        "platform": "tpm2",
        "files": {
            "quote.msg": b64::encode(&quote),
            "quote.sig": b64::encode(&signature),
            "ak.pub": b64::encode(tpm::ak_pem().as_bytes()),
            "akcert.der": b64::encode(&ak_cert),
            "ak_ca.der": b64::encode(&ca),
            "nonce.hex": b64::encode(nonce_hex.as_bytes()),
        },
        "root_sha256": tpm::ca_sha256(),
    })
    .to_string()
}

/// How a replayed synthetic Azure CVM capture is spoiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AzureKnob {
    Genuine,
    /// The vTPM quote changed after the AK signed.
    QuoteChanged,
    /// Runtime data other than the report binds.
    OtherRuntimeData,
    /// The verifier's nonce is not the one the quote covers.
    OtherNonce,
    /// No root pinned: AMD's built-in ARKs, which sign no test ASK.
    UnpinnedRoot,
}

/// The `replay-evidence` input of a synthetic Azure CVM capture (cMCP layout).
pub fn azure_replay_input(knob: AzureKnob) -> String {
    use synthetic::{azure, snp};
    let mut files = azure::capture(&azure::AzureClaims {
        measurement: [0x5b; 48],
        runtime_data: azure::runtime_data(),
        nonce: vec![0x6e; 64],
        debug: false,
    });
    match knob {
        AzureKnob::QuoteChanged => {
            let q = files.get_mut("quote.msg").expect("a quote");
            let last = q.len() - 1;
            q[last] ^= 1;
        }
        AzureKnob::OtherRuntimeData => {
            files.insert("runtime_data.json".into(), b"{\"keys\":[]}".to_vec());
        }
        AzureKnob::OtherNonce => {
            files.insert("nonce.hex".into(), "00".repeat(64).into_bytes());
        }
        _ => {}
    }
    let encoded: serde_json::Map<String, serde_json::Value> =
        files.iter().map(|(n, b)| (n.clone(), b64::encode(b).into())).collect();
    let mut v = serde_json::json!({"platform": "azure-cvm-sev-snp", "files": encoded});
    if knob != AzureKnob::UnpinnedRoot {
        v["root_sha256"] = snp::test_ark_sha256().into();
    }
    v.to_string()
}
