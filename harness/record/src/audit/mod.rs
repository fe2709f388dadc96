//! Audit chains, the claim's commitment to them, and the external execution evidence
//! (receipts) inside their entries (S2 §3.3.2).
//!
//! TRACE names the chain but does not define its format (research IMPL-11); the only
//! producer is the cMCP gateway, so the chain profile is cMCP's (research cmcp.md §1.4–1.7):
//! entries hashed over sorted-ASCII JSON, linked from `"genesis"`, committed by a
//! RuntimeClaim (`gateway.audit_chain`, `trace.tool_transcript`, `gateway.call_summary`) and
//! signed as a bundle by the claim's key. Receipts follow S2 §3.3.2 (RFC 8785, unknown
//! issuer key = advisory) unless [`ReceiptPolicy::CmcpCompat`] asks for cMCP's behaviour.
//!
//! Owns: [`verify_chain`] and the producer side in [`seal`]. Does not own the claim's own
//! rules: the claim is verified by [`crate::verify`] and its report is carried along.

mod chain;
mod commitment;
mod receipt;
pub mod seal;

use crate::envelope;
use crate::finding::{self, Finding, Status, Verdict};
use crate::json::{self, Value};
use crate::keys::PublicKey;
use crate::verify::{Report, VerifyOptions, verify};

/// How receipts inside entries are judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReceiptPolicy {
    /// S2 §3.3.2: RFC 8785 signing input; an unknown issuer key leaves the receipt
    /// unverified with an advisory, never invalid.
    #[default]
    Trace,
    /// cmcp-runtime 0.7.1: sorted-ASCII signing input; with no issuer keys configured every
    /// receipt is ignored, with any configured an unknown issuer fails the bundle.
    CmcpCompat,
}

impl ReceiptPolicy {
    pub fn name(self) -> &'static str {
        match self {
            ReceiptPolicy::Trace => "trace",
            ReceiptPolicy::CmcpCompat => "cmcp-compat",
        }
    }
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "trace" => Some(Self::Trace),
            "cmcp-compat" => Some(Self::CmcpCompat),
            _ => None,
        }
    }
}

/// The inputs of a chain verification besides the bytes.
#[derive(Clone, Debug)]
pub struct ChainOptions {
    /// How the claim is verified (time, age, skew, trusted keys, canonical form).
    pub claim: VerifyOptions,
    /// Ed25519 keys of receipt issuers; a receipt names its issuer by the lowercase hex
    /// SHA-256 of the raw public key (`issuer_key_id`).
    pub issuer_keys: Vec<PublicKey>,
    pub receipts: ReceiptPolicy,
}

impl ChainOptions {
    /// Options at a verification time: the claim is checked against its own `cnf` key
    /// (whether that key is trusted is `verify`'s question) over RFC 8785, receipts per
    /// S2 §3.3.2.
    pub fn at(now: i64) -> Self {
        ChainOptions {
            claim: VerifyOptions::embedded_key_at(now),
            issuer_keys: Vec::new(),
            receipts: ReceiptPolicy::Trace,
        }
    }
}

/// How many receipts were found, and what became of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReceiptCounts {
    pub verified: usize,
    pub unverified: usize,
    pub failed: usize,
    pub ignored: usize,
}

/// The result of verifying one audit bundle (and the claim committing it).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ChainReport {
    pub verdict: Verdict,
    pub entry_count: usize,
    pub receipts: ReceiptCounts,
    pub receipt_policy: ReceiptPolicy,
    /// Chain, commitment and receipt findings: failures, then unverified, then advisories.
    /// Pointers into the bundle start at `/entries` or `/bundle_signature`; pointers into
    /// the claim start at `/trace` or `/gateway`.
    pub findings: Vec<Finding>,
    /// The claim's own verification, when a claim was given.
    pub claim: Option<Report>,
}

impl ChainReport {
    /// Every finding: the chain's, then the claim's.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .chain(self.claim.iter().flat_map(|c| c.findings.iter()))
    }
}

/// Verifies an audit bundle, and with `claim` the claim's commitment to it.
pub fn verify_chain(bundle: &[u8], claim: Option<&[u8]>, opts: &ChainOptions) -> ChainReport {
    let mut findings = Vec::new();
    let mut counts = ReceiptCounts::default();
    let claim_report = claim.map(|c| verify(c, &opts.claim));
    let claim_value = claim.and_then(|c| json::parse(c).ok()).and_then(|v| match v {
        Value::Object(o) if o.contains("cmcp_version") => Some(o),
        _ => None,
    });
    let mut entry_count = 0;
    match json::parse(bundle) {
        Err(e) => findings.push(envelope::parse_finding(&e, "")),
        Ok(value) => {
            if let Some(entries) = chain::check(&value, &mut findings) {
                entry_count = entries.entries.len();
                counts = receipt::check_all(&entries.entries, opts, &mut findings);
                match &claim_value {
                    Some(c) => commitment::check(&value, &entries, c, &mut findings),
                    None if claim.is_some() => findings.push(Finding::fail(
                        "TR-AUD-005",
                        "chain/commitment-mismatch",
                        "",
                        "the claim is not a cMCP RuntimeClaim, so it commits no audit chain",
                    )),
                    None => findings.push(Finding::new(
                        "TR-AUD-009",
                        Status::Advisory,
                        "advisory/chain-uncommitted",
                        "",
                        "no claim given: the chain is checked in isolation, so a truncated or re-chained \
                         bundle cannot be told from the original",
                    )),
                }
            }
        }
    }
    findings.sort_by_key(|f| match f.status {
        Status::Fail => 0,
        Status::Unverified => 1,
        Status::Advisory => 2,
    });
    let verdict = match (
        finding::verdict_at(&findings, crate::Level::L0),
        claim_report.as_ref().map(|r| r.verdict),
    ) {
        (Verdict::Reject, _) | (_, Some(Verdict::Reject)) => Verdict::Reject,
        (Verdict::Unverified, _) | (_, Some(Verdict::Unverified)) => Verdict::Unverified,
        _ => Verdict::Accept,
    };
    ChainReport {
        verdict,
        entry_count,
        receipts: counts,
        receipt_policy: opts.receipts,
        findings,
        claim: claim_report,
    }
}

#[cfg(test)]
mod tests;
