use super::seal::{self, Call};
use super::*;
use crate::cmcp::CmcpCanonicalization;
use crate::json::Object;
use crate::keys::{Alg, SigningKey};
use crate::sample::{self, SAMPLE_IAT};

fn gateway_key() -> SigningKey {
    sample::test_key(Alg::EdDSA, "cmcp-gateway")
}
fn issuer_key() -> SigningKey {
    sample::test_key(Alg::EdDSA, "receipt-issuer")
}

/// A sample session (deny, allow, receipt), its signed claim and its signed bundle.
fn session(policy: ReceiptPolicy) -> (Vec<Object>, Object) {
    let entries = seal::sample_entries(
        "session-a",
        &[Call::Deny, Call::Allow, Call::Receipt],
        &issuer_key(),
        policy,
    );
    let mut claim = seal::claim_for(&entries, &gateway_key(), SAMPLE_IAT);
    seal::sign_claim(&mut claim, &gateway_key(), CmcpCanonicalization::Pyjson);
    (entries, claim)
}

fn bytes(o: &Object) -> Vec<u8> {
    crate::pyjson::dumps(&Value::Object(o.clone()))
}

fn run(entries: &[Object], claim: Option<&Object>, opts: &ChainOptions) -> ChainReport {
    let last = entries.last().and_then(|e| e.get("session_id")).and_then(Value::as_str);
    let bundle = seal::bundle(last.unwrap_or("session-a"), entries, &gateway_key());
    verify_chain(&bytes(&bundle), claim.map(bytes).as_deref(), opts)
}

fn opts_with_issuer() -> ChainOptions {
    let mut o = ChainOptions::at(SAMPLE_IAT);
    o.issuer_keys.push(issuer_key().public_key());
    o
}

fn failed_rules(r: &ChainReport) -> Vec<&'static str> {
    let mut v: Vec<_> = r
        .all_findings()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.rule)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn a_sealed_session_verifies_with_its_claim_and_receipt() {
    let (entries, claim) = session(ReceiptPolicy::Trace);
    let r = run(&entries, Some(&claim), &opts_with_issuer());
    assert_eq!(r.verdict, Verdict::Accept, "{:#?}", r.findings);
    assert_eq!(r.entry_count, 5);
    assert_eq!(r.receipts.verified, 1);
}

#[test]
fn a_receipt_that_is_not_an_object_counts_as_failed() {
    let (mut entries, _) = session(ReceiptPolicy::Trace);
    let at = entries
        .iter()
        .position(|e| matches!(e.get("external_execution_evidence"), Some(Value::Object(_))))
        .expect("a receipt");
    entries[at].insert("external_execution_evidence", Value::String("receipt".into()));
    seal::link(&mut entries);
    let r = run(&entries, None, &opts_with_issuer());
    assert_eq!(
        (r.receipts.failed, r.receipts.verified, r.receipts.unverified),
        (1, 0, 0)
    );
    assert_eq!(failed_rules(&r), ["TR-EXT-001"]);
}

#[test]
fn without_the_issuer_key_the_receipt_is_an_advisory_not_a_failure() {
    let (entries, claim) = session(ReceiptPolicy::Trace);
    let r = run(&entries, Some(&claim), &ChainOptions::at(SAMPLE_IAT));
    assert_eq!(r.verdict, Verdict::Accept);
    assert_eq!(r.receipts.unverified, 1);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "TR-EXT-004" && f.status == Status::Advisory)
    );
}

#[test]
fn cmcp_compat_ignores_receipts_without_keys_and_fails_unknown_issuers_with_keys() {
    let (entries, claim) = session(ReceiptPolicy::CmcpCompat);
    let mut o = ChainOptions::at(SAMPLE_IAT);
    o.receipts = ReceiptPolicy::CmcpCompat;
    let r = run(&entries, Some(&claim), &o);
    assert_eq!((r.verdict, r.receipts.ignored), (Verdict::Accept, 1));
    o.issuer_keys.push(gateway_key().public_key());
    let r = run(&entries, Some(&claim), &o);
    assert_eq!(failed_rules(&r), ["TR-EXT-004"]);
}

#[test]
fn without_a_claim_truncation_passes_but_is_reported_as_uncommitted() {
    let (mut entries, _) = session(ReceiptPolicy::Trace);
    entries.pop();
    let r = run(&entries, None, &opts_with_issuer());
    assert_eq!(r.verdict, Verdict::Accept);
    assert!(r.findings.iter().any(|f| f.rule == "TR-AUD-009"));
}

/// Each mutation of a valid session breaks exactly the rule named.
#[test]
fn each_mutation_breaks_its_rule() {
    type Mutation = fn(&mut Vec<Object>, &mut Object);
    let cases: &[(&str, Mutation, &[&str])] = &[
        (
            "alter an entry",
            |e, _| {
                e[2].insert("latency_us", Value::Number(json::Number::Int(7)));
            },
            &["TR-AUD-002"],
        ),
        (
            "swap two entries",
            |e, _| {
                e.swap(1, 2);
            },
            &["TR-AUD-003"],
        ),
        (
            "truncate the tail",
            |e, _| {
                e.pop();
            },
            &["TR-AUD-005"],
        ),
        (
            "delete and re-link",
            |e, _| {
                e.remove(1);
                seal::link(e);
            },
            &["TR-AUD-005", "TR-AUD-006"],
        ),
        (
            "uppercase genesis",
            |e, _| {
                e[0].insert("prev_entry_hash", Value::String("GENESIS".into()));
                seal_hash_only(e)
            },
            &["TR-AUD-003"],
        ),
        (
            "session change without reset",
            |e, _| {
                e[3].insert("session_id", Value::String("other".into()));
                relink(e)
            },
            &["TR-AUD-004"],
        ),
        (
            "claim tip edited",
            |_, c| set(c, "/gateway/audit_chain/length", Value::Number(json::Number::Int(9))),
            &["TR-AUD-005"],
        ),
        (
            "claim counts edited",
            |_, c| {
                set(
                    c,
                    "/gateway/call_summary/tool_calls_denied",
                    Value::Number(json::Number::Int(0)),
                )
            },
            &["TR-AUD-006"],
        ),
        (
            "claim session edited",
            |_, c| set(c, "/gateway/session_id", Value::String("session-b".into())),
            &["TR-AUD-007"],
        ),
        (
            "misbound receipt",
            |e, _| {
                rebind_receipt(&mut e[3], &seal::call_id(1));
                relink(e)
            },
            &["TR-EXT-002"],
        ),
        (
            "receipt altered after signing",
            |e, _| {
                edit_receipt(&mut e[3], "evidence_type", "tee-signed-receipt");
                relink(e)
            },
            &["TR-EXT-003"],
        ),
        (
            "receipt missing a member",
            |e, _| {
                remove_receipt_member(&mut e[3], "issuer");
                relink(e)
            },
            &["TR-EXT-001"],
        ),
    ];
    for (name, mutate, want) in cases {
        let (mut entries, mut claim) = session(ReceiptPolicy::Trace);
        mutate(&mut entries, &mut claim);
        let needs_recommit = matches!(
            *name,
            "session change without reset"
                | "misbound receipt"
                | "receipt altered after signing"
                | "receipt missing a member"
                | "uppercase genesis"
        );
        if needs_recommit {
            seal::commit(&mut claim, &entries);
        }
        seal::sign_claim(&mut claim, &gateway_key(), CmcpCanonicalization::Pyjson);
        let r = run(&entries, Some(&claim), &opts_with_issuer());
        assert_eq!(r.verdict, Verdict::Reject, "{name}");
        assert_eq!(failed_rules(&r), *want, "{name}: {:#?}", r.findings);
    }
}

#[test]
fn a_bundle_signed_by_another_key_or_unsigned_is_refused_with_the_claim() {
    let (entries, claim) = session(ReceiptPolicy::Trace);
    let mut bundle = seal::bundle("session-a", &entries, &issuer_key());
    let r = verify_chain(&bytes(&bundle), Some(&bytes(&claim)), &opts_with_issuer());
    assert_eq!(failed_rules(&r), ["TR-AUD-008"]);
    bundle.remove("bundle_signature");
    let r = verify_chain(&bytes(&bundle), Some(&bytes(&claim)), &opts_with_issuer());
    assert_eq!(failed_rules(&r), ["TR-AUD-008"]);
}

#[test]
fn hostile_bundles_are_findings_not_panics() {
    for input in [
        &b"[]"[..],
        b"{}",
        b"{\"entries\":[]}",
        b"{\"entries\":[1]}",
        b"{\"entries\":[{}]}",
        b"\xff",
        b"{\"entries\":[{\"entry_hash\":1}]}",
    ] {
        let r = verify_chain(input, None, &ChainOptions::at(SAMPLE_IAT));
        assert_eq!(r.verdict, Verdict::Reject, "{input:?}");
    }
}

#[test]
fn a_reset_keeps_one_chain_and_the_claim_names_the_successor() {
    let mut entries = seal::sample_entries("session-a", &[Call::Allow], &issuer_key(), ReceiptPolicy::Trace);
    entries.pop();
    let mut reset = seal::entry(2, "session-a", "session_reset", None);
    let detail =
        json::parse(br#"{"closed_session_id":"session-a","successor_session_id":"session-b","reset_count":1}"#)
            .unwrap();
    reset.insert("detail", detail);
    entries.push(reset);
    entries.push(seal::entry(3, "session-b", "session_end", None));
    seal::link(&mut entries);
    let mut claim = seal::claim_for(&entries, &gateway_key(), SAMPLE_IAT);
    seal::sign_claim(&mut claim, &gateway_key(), CmcpCanonicalization::Pyjson);
    let r = run(&entries, Some(&claim), &ChainOptions::at(SAMPLE_IAT));
    assert_eq!(r.verdict, Verdict::Accept, "{:#?}", r.findings);
    set(&mut claim, "/gateway/session_id", Value::String("session-a".into()));
    seal::sign_claim(&mut claim, &gateway_key(), CmcpCanonicalization::Pyjson);
    assert_eq!(
        failed_rules(&run(&entries, Some(&claim), &ChainOptions::at(SAMPLE_IAT))),
        ["TR-AUD-007"]
    );
}

#[test]
fn a_claim_that_is_not_a_runtime_claim_gives_one_finding_not_a_cascade() {
    let (entries, _) = session(ReceiptPolicy::Trace);
    let record = sample::base_claims();
    let r = run(&entries, Some(&record), &ChainOptions::at(SAMPLE_IAT));
    let chain_failures: Vec<_> = r.findings.iter().filter(|f| f.status == Status::Fail).collect();
    assert_eq!(chain_failures.len(), 1, "{chain_failures:#?}");
    assert_eq!(
        (chain_failures[0].rule, chain_failures[0].pointer.as_str()),
        ("TR-AUD-005", "")
    );
    assert!(chain_failures[0].message.contains("not a cMCP RuntimeClaim"));
}

#[test]
fn the_export_label_must_name_the_last_entrys_session() {
    let (entries, _) = session(ReceiptPolicy::Trace);
    let label = |v: Option<Value>| {
        let mut b = seal::bundle("session-a", &entries, &gateway_key());
        match v {
            Some(v) => b.insert("session_id", v),
            None => {
                b.remove("session_id");
            }
        }
        failed_rules(&verify_chain(&bytes(&b), None, &ChainOptions::at(SAMPLE_IAT)))
    };
    assert!(label(Some(Value::String("session-a".into()))).is_empty());
    for wrong in [Some(Value::String("session-b".into())), Some(Value::Bool(true)), None] {
        assert_eq!(label(wrong.clone()), ["TR-AUD-010"], "{wrong:?}");
    }
}

#[test]
fn a_non_ascii_receipt_separates_the_two_canonical_forms() {
    let mut entries = seal::sample_entries("session-a", &[Call::Receipt], &issuer_key(), ReceiptPolicy::Trace);
    edit_receipt(&mut entries[1], "issuer", "spiffe://steuerung.example/sicherheit-ä");
    if let Some(Value::Object(r)) = entries[1].get_mut("external_execution_evidence") {
        seal::sign_receipt(r, &issuer_key(), ReceiptPolicy::Trace);
    }
    relink(&mut entries);
    let mut claim = seal::claim_for(&entries, &gateway_key(), SAMPLE_IAT);
    seal::sign_claim(&mut claim, &gateway_key(), CmcpCanonicalization::Pyjson);
    let mut o = opts_with_issuer();
    assert_eq!(run(&entries, Some(&claim), &o).verdict, Verdict::Accept);
    o.receipts = ReceiptPolicy::CmcpCompat;
    let r = run(&entries, Some(&claim), &o);
    assert_eq!(failed_rules(&r), ["TR-EXT-003"]);
    assert_eq!(
        (r.receipts.failed, r.receipts.verified),
        (1, 0),
        "a failed receipt is counted as failed"
    );
}

fn set(claim: &mut Object, pointer: &str, v: Value) {
    sample::set_pointer(claim, pointer, v);
}

fn relink(e: &mut [Object]) {
    seal::link(e);
}

/// Recomputes entry hashes and later links but keeps entry 0's prev_entry_hash.
fn seal_hash_only(e: &mut [Object]) {
    let first_prev = e[0].get("prev_entry_hash").cloned();
    seal::link(e);
    if let Some(p) = first_prev {
        e[0].insert("prev_entry_hash", p);
    }
    let mut prev: Option<String> = None;
    for x in e.iter_mut() {
        if let Some(p) = &prev {
            x.insert("prev_entry_hash", Value::String(p.clone()));
        }
        let h = seal::entry_hash(x);
        x.insert("entry_hash", Value::String(h.clone()));
        prev = Some(h);
    }
}

fn receipt_mut(e: &mut Object) -> &mut Object {
    match e.get_mut("external_execution_evidence") {
        Some(Value::Object(r)) => r,
        _ => panic!("entry has a receipt"),
    }
}

fn edit_receipt(e: &mut Object, name: &str, value: &str) {
    receipt_mut(e).insert(name, Value::String(value.into()));
}

fn remove_receipt_member(e: &mut Object, name: &str) {
    receipt_mut(e).remove(name);
}

fn rebind_receipt(e: &mut Object, call_id: &str) {
    let r = receipt_mut(e);
    r.insert("linked_call_id", Value::String(call_id.into()));
    seal::sign_receipt(r, &issuer_key(), ReceiptPolicy::Trace);
}

#[test]
fn an_unverified_claim_leaves_the_chain_unverified() {
    let (entries, claim) = session(ReceiptPolicy::Trace);
    let mut o = opts_with_issuer();
    // Nothing pins the claim's key and the embedded one is not allowed: the claim is unverified.
    o.claim.allow_embedded_key = false;
    let r = run(&entries, Some(&claim), &o);
    assert_eq!(r.claim.as_ref().map(|c| c.verdict), Some(Verdict::Unverified));
    assert_eq!(r.verdict, Verdict::Unverified, "{:#?}", r.findings);
}

#[test]
fn the_first_entry_must_name_a_session() {
    let entries = seal::sample_entries("", &[Call::Allow], &issuer_key(), ReceiptPolicy::Trace);
    let r = run(&entries, None, &opts_with_issuer());
    assert!(failed_rules(&r).contains(&"TR-AUD-004"), "{:#?}", r.findings);
}

#[test]
fn a_session_without_tool_calls_needs_no_transcript_hash() {
    let entries = seal::sample_entries("session-a", &[], &issuer_key(), ReceiptPolicy::Trace);
    let mut claim = seal::claim_for(&entries, &gateway_key(), SAMPLE_IAT);
    sample::remove_pointer(&mut claim, "/trace/tool_transcript/hash");
    seal::sign_claim(&mut claim, &gateway_key(), CmcpCanonicalization::Pyjson);
    let r = run(&entries, Some(&claim), &opts_with_issuer());
    assert_eq!(failed_rules(&r), Vec::<&str>::new(), "{:#?}", r.findings);
    // With a tool call, the missing hash is a commitment failure.
    let entries = seal::sample_entries("session-a", &[Call::Allow], &issuer_key(), ReceiptPolicy::Trace);
    let mut claim = seal::claim_for(&entries, &gateway_key(), SAMPLE_IAT);
    sample::remove_pointer(&mut claim, "/trace/tool_transcript/hash");
    seal::sign_claim(&mut claim, &gateway_key(), CmcpCanonicalization::Pyjson);
    assert!(failed_rules(&run(&entries, Some(&claim), &opts_with_issuer())).contains(&"TR-AUD-005"));
}

#[test]
fn receipt_policies_parse_from_their_names() {
    for policy in [ReceiptPolicy::Trace, ReceiptPolicy::CmcpCompat] {
        assert!(ReceiptPolicy::parse(policy.name()) == Some(policy));
    }
    assert!(ReceiptPolicy::parse("TRACE").is_none());
}

#[test]
fn cmcp_compat_reads_an_empty_receipt_as_none_and_the_trace_profile_refuses_it() {
    let (mut entries, _) = session(ReceiptPolicy::CmcpCompat);
    let e = entries
        .iter_mut()
        .find(|e| e.contains("external_execution_evidence"))
        .expect("the session has a receipt");
    e.insert("external_execution_evidence", Value::Object(Object::new()));
    relink(&mut entries);
    let mut o = opts_with_issuer();
    o.receipts = ReceiptPolicy::CmcpCompat;
    assert_eq!(failed_rules(&run(&entries, None, &o)), Vec::<&str>::new());
    assert!(!failed_rules(&run(&entries, None, &opts_with_issuer())).is_empty());
}
