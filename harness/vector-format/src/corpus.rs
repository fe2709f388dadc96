//! Seed inputs for the fuzz targets (fuzz/, oracles in trace-oracles), taken from the
//! vector set so fuzzing starts from every shape the vectors know, plus minimal well-formed
//! headers for the hardware parsers the vectors do not reach.
//!
//! Owns: which vector input seeds which target. Does not own writing files or fuzzing.

use crate::format::VectorFile;
use base64::Engine;
use trace_protocol::Op;

/// (target, input) pairs from the vector files (each given with its bytes).
pub fn seeds(files: &[(VectorFile, Vec<u8>)]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    for (file, raw) in files {
        out.push(("vector_file", raw.clone()));
        for g in &file.groups {
            for t in &g.tests {
                let Ok(bytes) = t.input.bytes() else { continue };
                match g.context.op {
                    Op::Verify => {
                        out.push(("json_verify", bytes.clone()));
                        match (g.context.format.as_str(), g.context.record_kind.as_deref()) {
                            (_, Some(_)) => out.push(("cmcp_claim", bytes.clone())),
                            ("jws", _) => out.push(("jws", bytes.clone())),
                            ("cose", _) => out.push(("cose", bytes.clone())),
                            _ => out.push(("jcs_invariance", [&[0x40u8][..], &bytes, &[3, 1, 4, 1, 5, 9]].concat())),
                        }
                    }
                    Op::Canonicalize => {
                        out.push(("json_verify", bytes.clone()));
                        out.push((
                            "jcs_invariance",
                            [&[bytes.len().min(255) as u8][..], &bytes, &[2, 7, 1, 8]].concat(),
                        ));
                    }
                    Op::VerifyChain => {
                        let claim = t.input.claim_text.clone().unwrap_or_default();
                        out.push(("audit_chain", [&bytes[..], &[0xff], claim.as_bytes()].concat()));
                    }
                    Op::ReplayEvidence => out.extend(evidence_seeds(&bytes)),
                    _ => {}
                }
                let response = serde_json::json!({"trace_adapter": 1, "id": t.id, "status": "ok",
                    "result": {"verdict": "reject", "errors": t.expected.error.iter()
                        .map(|e| serde_json::json!({"rule": e.rules.first(), "class": e.class})).collect::<Vec<_>>()}});
                out.push(("protocol_messages", response.to_string().into_bytes()));
            }
        }
    }
    out.extend(hardware_headers());
    out.push(("sign_roundtrip", b"seed subject\x05ext\x03value\x01\x02\x03".to_vec()));
    out.push(("sign_roundtrip", vec![0xff; 48]));
    out
}

fn evidence_seeds(input: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(input) else {
        return Vec::new();
    };
    let file = |name: &str| {
        v["files"][name]
            .as_str()
            .and_then(|b| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b).ok())
    };
    let mut out = Vec::new();
    if let Some(doc) = file("attestation.cose") {
        out.push(("nitro_document", doc));
    }
    if let Some(report) = file("attestation_report.hex") {
        out.push(("nvidia_report", report));
    }
    if let Some(token) = file("token.cbor") {
        out.push(("cca_token", token));
    }
    out
}

/// Minimal well-formed headers: an SEV-SNP v3 report, a TDX v4 quote header, a TPM
/// TPMS_ATTEST quote, so the parsers are reached past their first length and magic checks.
fn hardware_headers() -> Vec<(&'static str, Vec<u8>)> {
    let mut snp = vec![0u8; 1184];
    snp[0] = 3; // version
    snp[0x34] = 1; // signature algorithm: ECDSA P-384 with SHA-384
    let mut tdx = vec![0u8; 632];
    tdx[0] = 4; // version
    tdx[2] = 2; // attestation key type: ECDSA P-256
    tdx[4] = 0x81; // TEE type: TDX
    let mut tpm = vec![0xff, 0x54, 0x43, 0x47, 0x80, 0x18];
    tpm.extend_from_slice(&[0, 4, 0, 0, 0, 0]);
    tpm.extend(std::iter::repeat_n(0u8, 64));
    vec![("snp_report", snp), ("tdx_quote", tdx), ("tpm_quote", tpm)]
}
