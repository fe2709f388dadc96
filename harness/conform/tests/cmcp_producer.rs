//! Producer conformance for cMCP: the real gateway (PyPI cmcp-runtime, pinned in
//! harness/python-requirements.txt) runs in dev mode on loopback with a mock upstream,
//! driven by harness/adapters/cmcp/gateway_driver.py; what it emits (claims and audit
//! bundles) is checked here with our own verifier, and mutations of it must be refused.
//!
//! The interpreter is $TRACE_CONFORM_PYTHON or <repo>/.venv/bin/python. Without one that
//! can import cmcp_runtime the tests say so and pass, except under CI=true.

mod common;

use serde_json::Value as J;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::process::Command;
use trace_record::audit::{ChainOptions, ChainReport, ReceiptPolicy, verify_chain};
use trace_record::cmcp::CmcpCanonicalization;
use trace_record::{PublicKey, Status, TrustedKey, Verdict, VerifyOptions, json, pyjson, verify};

/// Runs one scenario through the real gateway and returns the driver's output.
fn drive(py: &PathBuf, scenario: &str) -> J {
    let path = common::repo().join(format!("harness/adapters/cmcp/scenarios/{scenario}.json"));
    let out = Command::new(py)
        .arg(common::repo().join("harness/adapters/cmcp/gateway_driver.py"))
        .stdin(std::fs::File::open(&path).expect("scenario"))
        .output()
        .expect("start the driver");
    assert!(
        out.status.success(),
        "{scenario}: the gateway driver failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("driver prints JSON")
}

fn bytes(v: &J) -> Vec<u8> {
    serde_json::to_vec(v).expect("serializes")
}

fn issuer(run: &J) -> PublicKey {
    let jwk = bytes(&run["issuer"]["jwk"]);
    PublicKey::from_jwk(&json::parse(&jwk).expect("jwk")).expect("issuer key")
}

fn iat(claim: &J) -> i64 {
    claim["trace"]["iat"].as_i64().expect("iat")
}

fn check(claim: &J, bundle: &[u8], issuer_keys: Vec<PublicKey>, receipts: ReceiptPolicy) -> ChainReport {
    let mut o = ChainOptions::at(iat(claim));
    o.claim.cmcp_canonicalization = CmcpCanonicalization::Pyjson;
    o.issuer_keys = issuer_keys;
    o.receipts = receipts;
    verify_chain(bundle, Some(&bytes(claim)), &o)
}

fn failed(r: &ChainReport) -> Vec<&'static str> {
    let mut v: Vec<_> = r
        .all_findings()
        .filter(|f| f.status != Status::Advisory)
        .map(|f| f.rule)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn session(run: &J, i: usize) -> (&J, &J) {
    let s = &run["sessions"][i];
    (&s["claim"], &s["bundle"])
}

/// The bundle with `edit` applied to its entries.
fn mutated(bundle: &J, edit: impl FnOnce(&mut Vec<J>)) -> Vec<u8> {
    let mut b = bundle.clone();
    edit(b["entries"].as_array_mut().expect("entries"));
    bytes(&b)
}

#[test]
fn the_gateways_claims_and_bundles_verify_and_mutations_are_refused() {
    let Some(py) = common::python("cmcp_runtime, cmcp_verify") else {
        return;
    };
    let run = drive(&py, "basic");
    let (claim, bundle) = session(&run, 0);
    let key = issuer(&run);

    // What the gateway said to the calls: the deny is a 403, the others went through.
    let statuses: Vec<i64> = run["sessions"][0]["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .map(|r| r["http_status"].as_i64().expect("status"))
        .collect();
    assert_eq!(statuses, [403, 200, 200]);

    // The claim on its own, trusted by its key, under cMCP's canonical form and RFC 8785
    // (identical bytes for this ASCII-only claim).
    let jwk = bytes(&claim["trace"]["cnf"]["jwk"]);
    for canon in [CmcpCanonicalization::Pyjson, CmcpCanonicalization::Jcs] {
        let mut o = VerifyOptions::at(iat(claim));
        o.cmcp_canonicalization = canon;
        o.trusted_keys = vec![TrustedKey::Jwk(
            PublicKey::from_jwk(&json::parse(&jwk).unwrap()).unwrap(),
        )];
        let r = verify(&bytes(claim), &o);
        assert_eq!(r.verdict, Verdict::Accept, "{canon:?}: {:#?}", r.findings);
    }

    // Chain, commitment and receipt, under S2 §3.3.2 and under cMCP's rules.
    let b = bytes(bundle);
    for receipts in [ReceiptPolicy::Trace, ReceiptPolicy::CmcpCompat] {
        let r = check(claim, &b, vec![key.clone()], receipts);
        assert_eq!(r.verdict, Verdict::Accept, "{receipts:?}: {:#?}", r.findings);
        assert_eq!((r.entry_count, r.receipts.verified), (5, 1));
    }
    // Without the issuer key the receipt is unverified and reported, not a failure.
    let r = check(claim, &b, vec![], ReceiptPolicy::Trace);
    assert_eq!((r.verdict, r.receipts.unverified), (Verdict::Accept, 1));
    assert!(r.findings.iter().any(|f| f.rule == "TR-EXT-004"));

    // Mutations of the real output, each refused for its rule.
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "tail truncated",
            mutated(bundle, |e| {
                e.pop();
            }),
            "TR-AUD-005",
        ),
        ("calls swapped", mutated(bundle, |e| e.swap(1, 2)), "TR-AUD-003"),
        (
            "entry altered",
            mutated(bundle, |e| e[2]["latency_us"] = J::from(1)),
            "TR-AUD-002",
        ),
        (
            "bundle unsigned",
            {
                let mut x = bundle.clone();
                x.as_object_mut().unwrap().remove("bundle_signature");
                bytes(&x)
            },
            "TR-AUD-008",
        ),
    ];
    for (name, mutant, rule) in cases {
        let r = check(claim, &mutant, vec![key.clone()], ReceiptPolicy::Trace);
        assert_eq!(r.verdict, Verdict::Reject, "{name}");
        assert!(failed(&r).contains(&rule), "{name}: {:?}", failed(&r));
    }
    let mut forged = claim.clone();
    forged["gateway"]["call_summary"]["tool_calls_denied"] = J::from(0);
    let r = check(&forged, &b, vec![key], ReceiptPolicy::Trace);
    assert_eq!(failed(&r), ["TR-AUD-006", "TR-SIG-001"], "a claim edited after signing");
}

#[test]
fn a_misbound_receipt_sealed_by_the_gateway_is_refused_with_the_issuer_key() {
    let Some(py) = common::python("cmcp_runtime, cmcp_verify") else {
        return;
    };
    let run = drive(&py, "misbound");
    let (claim, bundle) = session(&run, 0);
    let r = check(claim, &bytes(bundle), vec![issuer(&run)], ReceiptPolicy::Trace);
    assert_eq!(
        (r.verdict, failed(&r)),
        (Verdict::Reject, vec!["TR-EXT-002"]),
        "{:#?}",
        r.findings
    );
    // The gateway checks neither signature nor binding at ingestion (research cmcp.md §1.7),
    // and without the issuer key nothing can be said about the receipt.
    let r = check(claim, &bytes(bundle), vec![], ReceiptPolicy::Trace);
    assert_eq!((r.verdict, r.receipts.unverified), (Verdict::Accept, 1));
}

#[test]
fn a_reset_keeps_one_chain_and_a_second_session_links_to_the_first_claim() {
    let Some(py) = common::python("cmcp_runtime, cmcp_verify") else {
        return;
    };
    let run = drive(&py, "reset");
    let (claim, bundle) = session(&run, 0);
    let r = check(claim, &bytes(bundle), vec![issuer(&run)], ReceiptPolicy::Trace);
    assert_eq!(r.verdict, Verdict::Accept, "{:#?}", r.findings);
    let entries = bundle["entries"].as_array().expect("entries");
    assert!(entries.iter().any(|e| e["entry_type"] == "session_reset"));
    let last = entries.last().expect("entries")["session_id"].clone();
    assert_ne!(entries[0]["session_id"], last, "the reset changed the session");
    assert_eq!(claim["gateway"]["session_id"], last);
    // The export is labelled with the session the chain ends in (TR-AUD-010).
    assert_eq!(bundle["session_id"], last);
    // The claim names the closed session instead: refused.
    let mut stale = claim.clone();
    stale["gateway"]["session_id"] = entries[0]["session_id"].clone();
    let r = check(&stale, &bytes(bundle), vec![issuer(&run)], ReceiptPolicy::Trace);
    assert!(failed(&r).contains(&"TR-AUD-007"), "{:?}", failed(&r));

    let run = drive(&py, "two-sessions");
    let (first, _) = session(&run, 0);
    for i in 0..2 {
        let (claim, bundle) = session(&run, i);
        let r = check(claim, &bytes(bundle), vec![issuer(&run)], ReceiptPolicy::Trace);
        assert_eq!(r.verdict, Verdict::Accept, "session {i}: {:#?}", r.findings);
    }
    // Producer behaviour no verifier checks (research cmcp.md §5 B.21): the second claim
    // links to the whole first claim, signature included, and counts on.
    let (second, _) = session(&run, 1);
    let first_value = json::parse(&bytes(first)).expect("claim");
    let digest: String = Sha256::digest(pyjson::dumps(&first_value))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        second["gateway"]["prev_claim_hash"],
        J::from(format!("sha256:{digest}"))
    );
    assert_eq!(
        second["gateway"]["sequence_number"],
        J::from(first["gateway"]["sequence_number"].as_i64().unwrap() + 1)
    );
}

#[test]
fn verify_chain_cli_reads_the_gateways_files() {
    let Some(py) = common::python("cmcp_runtime, cmcp_verify") else {
        return;
    };
    let run = drive(&py, "basic");
    let (claim, bundle) = session(&run, 0);
    let dir = tempfile::tempdir().expect("tempdir");
    let (c, b) = (dir.path().join("claim.json"), dir.path().join("bundle.json"));
    std::fs::write(&c, bytes(claim)).unwrap();
    std::fs::write(&b, bytes(bundle)).unwrap();
    let cli = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_trace-conform"))
            .arg("verify-chain")
            .arg(&b)
            .arg("--claim")
            .arg(&c)
            .args(["--now", &iat(claim).to_string(), "--cmcp-compat"])
            .args(extra)
            .output()
            .expect("runs")
    };
    let hex = run["issuer"]["public_key_hex"].as_str().expect("hex");
    let ok = cli(&["--issuer-key", hex]);
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{text}");
    assert!(
        text.contains("VALID (5 entries; receipts under cmcp-compat: 1 verified"),
        "{text}"
    );
    // cmcp-compat with another issuer configured (the gateway's own key): cMCP's
    // unknown-issuer failure.
    let other = String::from_utf8(bytes(&claim["trace"]["cnf"]["jwk"])).unwrap();
    let bad = cli(&["--issuer-key", &other, "--output", "json"]);
    assert_eq!(bad.status.code(), Some(1));
    let report: J = serde_json::from_slice(&bad.stdout).expect("json");
    assert_eq!(report["verdict"], "reject");
    assert_eq!(report["findings"][0]["rule"], "TR-EXT-004");
}
