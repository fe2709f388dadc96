//! `trace-oracles`: what must hold for any input, one function per fuzz target.
//!
//! Each oracle takes raw bytes (structure-aware ones read them through `arbitrary`) and
//! panics when a property fails: "no panic" is only the weakest of them. The fuzz targets
//! in `fuzz/` are one line each over [`run`]; `tests/replay.rs` replays every committed
//! seed and crash input through the same functions under `cargo test`. Owns the properties;
//! does not own any fuzzing engine, corpus or I/O.
#![forbid(unsafe_code)]

pub mod captures;
pub mod codec;
pub mod envelope;
pub mod hardware;
pub mod messages;
mod render;
pub mod reports;

/// Every target, by the name its fuzz target and corpus directory carry.
pub const TARGETS: &[&str] = &[
    "json_verify",
    "jcs_invariance",
    "sign_roundtrip",
    "jws",
    "cose",
    "cmcp_claim",
    "audit_chain",
    "vector_file",
    "protocol_messages",
    "snp_report",
    "tdx_quote",
    "nitro_document",
    "nvidia_report",
    "tpm_quote",
    "cca_token",
    "capture_folder",
    "report_rendering",
];

/// Runs the oracle of `target` over `data`. Panics on a violated property; an unknown
/// target name is a programming error and panics too.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "json_verify" => codec::json_verify(data),
        "jcs_invariance" => codec::jcs_invariance(data),
        "sign_roundtrip" => envelope::sign_roundtrip(data),
        "jws" => envelope::decode_form(data, trace_record::Form::Jws),
        "cose" => envelope::decode_form(data, trace_record::Form::Cose),
        "cmcp_claim" => envelope::cmcp_claim(data),
        "audit_chain" => messages::audit_chain(data),
        "vector_file" => messages::vector_file(data),
        "protocol_messages" => messages::protocol_messages(data),
        "snp_report" => hardware::snp_report(data),
        "tdx_quote" => hardware::tdx_quote(data),
        "nitro_document" => hardware::nitro_document(data),
        "nvidia_report" => hardware::nvidia_report(data),
        "tpm_quote" => hardware::tpm_quote(data),
        "cca_token" => hardware::cca_token(data),
        "capture_folder" => captures::capture_folder(data),
        "report_rendering" => reports::report_rendering(data),
        other => panic!("no oracle named {other:?}"),
    }
}
