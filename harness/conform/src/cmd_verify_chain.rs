//! `trace-conform verify-chain`: verify an audit bundle, and with `--claim` the RuntimeClaim
//! that commits it, including the external execution evidence in its entries.
//!
//! Owns: option parsing into `ChainOptions`, text and JSON output, and the exit code (0 the
//! chain is valid, advisories allowed; 1 invalid or unverified; 2 usage or I/O). Does not
//! own any check (`trace_record::audit`).

use crate::cmd_verify::{Output, clean, trusted_key};
use crate::exit::Exit;
use crate::inputs;
use std::fmt::Write as _;
use trace_record::audit::{ChainOptions, ChainReport, ReceiptPolicy, verify_chain};
use trace_record::cmcp::CmcpCanonicalization;
use trace_record::{PublicKey, Status, Verdict, json};

#[derive(clap::Args)]
pub struct Args {
    /// The audit bundle (`{session_id, entries, bundle_signature}`), or - for stdin.
    pub bundle: String,
    /// The RuntimeClaim that commits the chain.
    #[arg(long)]
    pub claim: Option<String>,
    /// A receipt issuer's Ed25519 public key: 64 hex digits (raw key), a JWK, or a JWK file.
    /// Repeatable.
    #[arg(long = "issuer-key")]
    pub issuer_keys: Vec<String>,
    /// Reproduce cmcp-runtime 0.7.1: claim and receipts over sorted-ASCII JSON, receipts
    /// ignored when no issuer key is given and an unknown issuer failing when any is.
    #[arg(long)]
    pub cmcp_compat: bool,
    /// Trusted key for the claim (JWK, JWK file or thumbprint). Without one the claim is
    /// checked against its own cnf key: trusting that key is `verify`'s question.
    #[arg(long = "trusted-key")]
    pub trusted_keys: Vec<String>,
    #[command(flatten)]
    pub clock: crate::cmd_verify::Clock,
    /// How results are printed: text for people, json for tools.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

fn issuer_key(text: &str) -> Result<PublicKey, String> {
    let t = text.trim();
    if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        let raw: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16).expect("hex checked"))
            .collect();
        let jwk = format!(
            r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#,
            trace_record::b64::encode(&raw)
        );
        return PublicKey::from_jwk(&json::parse(jwk.as_bytes()).expect("built JSON"))
            .map_err(|e| format!("--issuer-key {t}: {e}"));
    }
    let jwk = if t.starts_with('{') {
        t.as_bytes().to_vec()
    } else {
        inputs::read(t).map_err(|e| format!("--issuer-key: {e}"))?
    };
    let value = json::parse(&jwk).map_err(|e| format!("--issuer-key: {e}"))?;
    match PublicKey::from_jwk(&value) {
        Ok(k @ PublicKey::Ed25519(_)) => Ok(k),
        Ok(_) => Err("--issuer-key: receipt issuers sign with Ed25519 (OKP) keys".into()),
        Err(e) => Err(format!("--issuer-key: {e}")),
    }
}

fn options(a: &Args) -> Result<ChainOptions, String> {
    let now = a.clock.time()?;
    let mut o = ChainOptions::at(now);
    o.claim.max_age = a.clock.max_age;
    o.claim.skew = a.clock.skew;
    o.claim.trusted_keys = a
        .trusted_keys
        .iter()
        .map(|k| trusted_key(k))
        .collect::<Result<_, _>>()?;
    o.claim.allow_embedded_key = o.claim.trusted_keys.is_empty();
    o.issuer_keys = a.issuer_keys.iter().map(|k| issuer_key(k)).collect::<Result<_, _>>()?;
    if a.cmcp_compat {
        o.receipts = ReceiptPolicy::CmcpCompat;
        o.claim.cmcp_canonicalization = CmcpCanonicalization::Pyjson;
    }
    Ok(o)
}

pub fn run(a: Args) -> Exit {
    let prepared = options(&a).and_then(|o| {
        let bundle = inputs::read(&a.bundle)?;
        let claim = a.claim.as_deref().map(inputs::read).transpose()?;
        Ok((o, bundle, claim))
    });
    let (opts, bundle, claim) = match prepared {
        Ok(p) => p,
        Err(e) => {
            eprintln!("trace-conform verify-chain: {e}");
            return Exit::Usage;
        }
    };
    let report = verify_chain(&bundle, claim.as_deref(), &opts);
    match a.output {
        Output::Text => print!("{}", render_text(&a.bundle, &report)),
        Output::Json => println!("{}", serde_json::to_string_pretty(&report).expect("reports serialize")),
    }
    Exit::failed_if(report.verdict != Verdict::Accept)
}

fn word(v: Verdict) -> &'static str {
    match v {
        Verdict::Accept => "VALID",
        Verdict::Reject => "INVALID",
        Verdict::Unverified => "UNVERIFIED",
    }
}

pub fn render_text(name: &str, r: &ChainReport) -> String {
    let mut out = String::new();
    let c = r.receipts;
    let _ = writeln!(
        out,
        "{}: {} ({} entries; receipts under {}: {} verified, {} unverified, {} failed, {} ignored)",
        clean(name),
        word(r.verdict),
        r.entry_count,
        r.receipt_policy.name(),
        c.verified,
        c.unverified,
        c.failed,
        c.ignored
    );
    let claim_findings = r.claim.iter().flat_map(|c| c.findings.iter().map(|f| ("claim", f)));
    for (origin, f) in r.findings.iter().map(|f| ("chain", f)).chain(claim_findings) {
        let status = match f.status {
            Status::Fail => "fail",
            Status::Unverified => "unverified",
            Status::Advisory => "advisory",
        };
        let at = if f.pointer.is_empty() {
            "(document)".into()
        } else {
            clean(&f.pointer)
        };
        let _ = writeln!(
            out,
            "  {status} {} {} in the {origin} at {at} [{}]: {}",
            f.rule,
            f.class,
            f.section,
            clean(&f.message)
        );
    }
    out
}
