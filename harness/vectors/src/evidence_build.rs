//! Synthetic hardware evidence for a vector's record: a Nitro-shaped attestation document
//! made with the project's test root (trace_hardware::synthetic), binding the record's key
//! and measurement, or breaking one link on purpose.
//!
//! Owns: [`EvidenceKnob`] and [`input_json`], the `evidence` member of the vector context.
//! Every knob other than `Genuine` must change the evidence.

use trace_hardware::synthetic;
use trace_record::json::Value;
use trace_record::{PublicKey, b64};

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
    /// Debug enclave: all-zero PCRs (the record must then claim the zero measurement).
    Debug,
}

/// The evidence input for a record with `jwk` and `measurement` (`sha384:<hex>`), at `now`.
pub fn input_json(knob: EvidenceKnob, jwk: &Value, measurement: Option<&str>, now: i64) -> Result<String, String> {
    let key = PublicKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut user_data = b64::decode(&key.thumbprint()).map_err(|e| format!("{e:?}"))?;
    if knob == EvidenceKnob::OtherKey {
        let other = trace_record::sample::test_key(trace_record::Alg::EdDSA, "evidence-other").public_key();
        user_data = b64::decode(&other.thumbprint()).map_err(|e| format!("{e:?}"))?;
    }
    let hex = measurement
        .and_then(|m| m.strip_prefix("sha384:"))
        .ok_or("the record needs a sha384 measurement")?;
    let mut pcr0 = [0u8; 48];
    for (i, b) in pcr0.iter_mut().enumerate() {
        *b =
            u8::from_str_radix(hex.get(2 * i..2 * i + 2).ok_or("short measurement")?, 16).map_err(|e| e.to_string())?;
    }
    match knob {
        EvidenceKnob::OtherMeasurement => pcr0[0] ^= 0xff,
        EvidenceKnob::Debug if pcr0 != [0u8; 48] => {
            return Err("Debug needs a record with the all-zero measurement".into());
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
