//! Audit chains and the claim's commitment to them (TR-AUD-*): the cMCP chain profile,
//! sealed as the gateway seals it, then broken one way at a time.

use crate::chain_build::{BundleSignature, Label, SESSION, SUCCESSOR, Sealed, Tamper};
use trace_record::audit::seal::Call;
use trace_record::json::{Number, Value};

crate::no_families!();

fn int(n: i64) -> Value {
    Value::Number(Number::Int(n))
}
fn text(s: &str) -> Value {
    Value::String(s.into())
}

vectors! { "chain", "audit-chain", "Audit bundles of the cMCP chain profile and the RuntimeClaim that commits them.";
    /// A session (deny, allow, receipt) with its claim and bundle signature
    /// The gateway's own shape: session_start, three tool calls, session_end, all linked from genesis.
    fn sealed_session(b) {
        b.chain();
        b.valid(&["TR-AUD-001", "TR-AUD-002", "TR-AUD-003", "TR-AUD-004", "TR-AUD-005", "TR-AUD-006", "TR-AUD-007", "TR-AUD-008", "TR-AUD-010"])
            .spec("S2 §3.3.2");
    }
    /// A session reset keeps one chain; the claim names the successor
    /// cMCP's reset writes a session_reset entry naming the closed and successor ids; later entries carry the successor.
    fn reset_within_one_chain(b) {
        b.chain().reset_after = Some(1);
        b.valid(&["TR-AUD-004", "TR-AUD-007", "TR-AUD-010"]).spec("research cmcp.md §1.4");
    }
    /// A session with no tool calls commits zero counts
    /// call_count 0 and an empty tools_invoked are still commitments.
    fn session_without_calls(b) {
        b.chain().calls.clear();
        b.valid(&["TR-AUD-005", "TR-AUD-006"]).spec("research cmcp.md §1.5");
    }
    /// An entry with an extra member, hashed with it
    /// The hash covers every member present, so entries of newer or older producers verify.
    fn extra_entry_member_hashed(b) {
        b.chain().sealed.push(Sealed::EntryMember(2, "x_vendor_note", text("kept")));
        b.valid(&["TR-AUD-002"]).spec("research cmcp.md §1.4");
    }
    /// The bundle alone: valid, but the chain is reported uncommitted
    /// Without the claim, truncation or re-chaining cannot be seen; the verifier says so.
    fn bundle_without_claim(b) {
        b.chain().with_claim = false;
        b.valid(&["TR-AUD-002", "TR-AUD-003"]).warning("TR-AUD-009").spec("research cmcp.md §5 B.15");
    }
    /// An empty entries array
    /// A chain has at least its session_start entry.
    fn empty_entries(b) {
        b.chain_raw(r#"{"bundle_signature":"","entries":[],"session_id":"s"}"#);
        b.invalid("chain/malformed", "TR-AUD-001").spec("research cmcp.md §2.2");
    }
    /// entries is an object, not an array
    /// The shape is checked before anything is hashed.
    fn entries_not_an_array(b) {
        b.chain_raw(r#"{"bundle_signature":"","entries":{"0":{}},"session_id":"s"}"#);
        b.invalid("chain/malformed", "TR-AUD-001").spec("research cmcp.md §2.2");
    }
    /// An entry that is a number
    /// Every entry is an object; a verifier must not crash on anything else.
    fn entry_not_an_object(b) {
        b.chain_raw(r#"{"bundle_signature":"","entries":[1],"session_id":"s"}"#);
        b.invalid("chain/malformed", "TR-AUD-001").spec("research cmcp.md §2.2");
    }
    /// A field of a middle entry changed after sealing
    /// The entry no longer hashes to its entry_hash.
    fn altered_entry(b) {
        b.chain().tamper.push(Tamper::EntryMember(2, "latency_us", int(7)));
        b.invalid("chain/hash-mismatch", "TR-AUD-002").spec("research cmcp.md §5 A.2");
    }
    /// The last entry's timestamp changed after sealing
    /// The tip still matches the claim, but the entry does not match its hash.
    fn altered_tip_entry(b) {
        b.chain().tamper.push(Tamper::EntryMember(4, "timestamp_utc", text("2026-07-25T17:21:00.000000+00:00")));
        b.invalid("chain/hash-mismatch", "TR-AUD-002").spec("research cmcp.md §5 A.2");
    }
    /// Two tool calls swapped
    /// Reordering breaks the links even though every entry hashes correctly.
    fn swapped_entries(b) {
        b.chain().tamper.push(Tamper::Swap(1, 2));
        b.invalid("chain/link-broken", "TR-AUD-003").spec("research cmcp.md §5 A.4");
    }
    /// The first entry links to "GENESIS" in capitals
    /// The genesis literal is lowercase and case-sensitive.
    fn uppercase_genesis(b) {
        b.chain().tamper.push(Tamper::Genesis("GENESIS"));
        b.invalid("chain/link-broken", "TR-AUD-003").spec("research cmcp.md §5 A.7");
    }
    /// The first entry links to an empty string
    /// Only the literal "genesis" starts a chain.
    fn empty_genesis(b) {
        b.chain().tamper.push(Tamper::Genesis(""));
        b.invalid("chain/link-broken", "TR-AUD-003").spec("research cmcp.md §5 A.7");
    }
    /// The session id changes without a session_reset entry
    /// Two sessions spliced into one chain with no recorded boundary.
    fn session_change_without_reset(b) {
        b.chain().sealed.push(Sealed::SessionFrom(2, SUCCESSOR));
        b.invalid("chain/session-epoch", "TR-AUD-004").spec("research cmcp.md §5 A.11");
    }
    /// A session_reset that names another closed session
    /// The reset must name the session it closes.
    fn reset_naming_another_session(b) {
        let c = b.chain();
        c.reset_after = Some(1);
        let detail = format!(r#"{{"closed_session_id":"someone-else","successor_session_id":"{SUCCESSOR}","reset_count":1}}"#);
        c.sealed.push(Sealed::EntryMember(2, "detail", trace_record::json::parse(detail.as_bytes()).expect("json")));
        b.invalid("chain/session-epoch", "TR-AUD-004").spec("research cmcp.md §5 A.11");
    }
    /// The last entry removed, with the claim
    /// Tail truncation is visible only against the claim's tip and length.
    fn truncated_tail(b) {
        b.chain().tamper.push(Tamper::Truncate(1));
        b.invalid("chain/commitment-mismatch", "TR-AUD-005").spec("research cmcp.md §5 B.15");
    }
    /// A tool call deleted and the rest re-linked
    /// Every hash and link is valid again, but the claim committed another chain.
    fn deleted_and_relinked(b) {
        b.chain().tamper.push(Tamper::DeleteAndRelink(1));
        b.invalid("chain/commitment-mismatch", "TR-AUD-005").spec("research cmcp.md §5 A.5");
    }
    /// tool_transcript.hash names another tip
    /// The transcript hash is "sha256:" plus the last entry_hash (D-26).
    fn transcript_hash_not_tip(b) {
        b.chain().claim_edits.push(("/trace/tool_transcript/hash", text(&format!("sha256:{}", "ab".repeat(32)))));
        b.invalid("chain/commitment-mismatch", "TR-AUD-005").spec("research cmcp.md §5 B.14");
    }
    /// audit_chain.root names another entry
    /// The root is the first entry's hash.
    fn root_not_first_entry(b) {
        b.chain().claim_edits.push(("/gateway/audit_chain/root", text(&"cd".repeat(32))));
        b.invalid("chain/commitment-mismatch", "TR-AUD-005").spec("research cmcp.md §5 B.13");
    }
    /// call_count says two where the chain has three calls
    /// Counts are recomputed from the tool_call entries.
    fn call_count_understated(b) {
        b.chain().claim_edits.push(("/trace/tool_transcript/call_count", int(2)));
        b.invalid("chain/summary-mismatch", "TR-AUD-006").spec("research cmcp.md §5 B.16");
    }
    /// The claim hides the denied call
    /// tool_calls_denied 0 where a deny entry exists.
    fn denied_count_hidden(b) {
        b.chain().claim_edits.push(("/gateway/call_summary/tool_calls_denied", int(0)));
        b.invalid("chain/summary-mismatch", "TR-AUD-006").spec("research cmcp.md §5 B.16");
    }
    /// A count given as true instead of an integer
    /// A boolean is not a count, even where a lax parser would read it as 1.
    fn count_as_boolean(b) {
        let c = b.chain();
        c.calls = vec![Call::Allow];
        c.claim_edits.push(("/gateway/call_summary/tool_calls_allowed", Value::Bool(true)));
        b.invalid("chain/summary-mismatch", "TR-AUD-006").spec("research cmcp.md §5 B.16");
    }
    /// tools_invoked omits a tool the chain called
    /// The list is the sorted set of tool names of the tool_call entries.
    fn tools_invoked_incomplete(b) {
        b.chain().claim_edits.push(("/gateway/call_summary/tools_invoked", trace_record::json::parse(br#"["echo","robot.move"]"#).expect("json")));
        b.invalid("chain/summary-mismatch", "TR-AUD-006").spec("research cmcp.md §5 B.16");
    }
    /// The claim names another session than the chain ends in
    /// gateway.session_id binds the claim to the chain's final session.
    fn claim_for_another_session(b) {
        b.chain().claim_edits.push(("/gateway/session_id", text("another-session")));
        b.invalid("chain/session-mismatch", "TR-AUD-007").spec("research cmcp.md §5 A.19");
    }
    /// After a reset the claim still names the closed session
    /// The claim of a reset chain is the successor's.
    fn claim_names_closed_session(b) {
        let c = b.chain();
        c.reset_after = Some(1);
        c.claim_edits.push(("/gateway/session_id", text(SESSION)));
        b.invalid("chain/session-mismatch", "TR-AUD-007").spec("research cmcp.md §5 A.11");
    }
    /// The bundle labelled with another session
    /// The export label is unsigned; a bundle filed under a session its entries are not in is refused.
    fn bundle_labelled_another_session(b) {
        b.chain().label = Label::Named("another-session");
        b.invalid("chain/session-mismatch", "TR-AUD-010").spec("research cmcp.md §1.6");
    }
    /// After a reset the bundle is still labelled with the closed session
    /// The gateway exports a reset chain under the successor, the session it ends in.
    fn bundle_labelled_closed_session(b) {
        let c = b.chain();
        c.reset_after = Some(1);
        c.label = Label::Named(SESSION);
        b.invalid("chain/session-mismatch", "TR-AUD-010").spec("research cmcp.md §1.6");
    }
    /// A bundle checked alone, labelled with another session
    /// The label is checked against the entries even when no claim is given.
    fn unclaimed_bundle_labelled_another_session(b) {
        let c = b.chain();
        c.with_claim = false;
        c.label = Label::Named("another-session");
        b.invalid("chain/session-mismatch", "TR-AUD-010").spec("research cmcp.md §1.6");
    }
    /// The bundle has no session_id label
    /// The gateway's export always names the session; a bundle without one cannot be filed.
    fn bundle_without_label(b) {
        b.chain().label = Label::Omit;
        b.invalid("chain/session-mismatch", "TR-AUD-010").spec("research cmcp.md §1.6");
    }
    /// The bundle has no bundle_signature
    /// With a claim the bundle must be signed by the claim key.
    fn bundle_unsigned(b) {
        b.chain().bundle_signature = BundleSignature::Omit;
        b.invalid("signature/missing", "TR-AUD-008").spec("research cmcp.md §5 B.18");
    }
    /// The bundle's bundle_signature is the empty string
    /// An empty signature is no signature: missing, not merely invalid.
    fn bundle_signature_empty(b) {
        b.chain().bundle_signature = BundleSignature::Empty;
        b.invalid("signature/missing", "TR-AUD-008").spec("research cmcp.md §5 B.18");
    }
    /// The bundle signed by a key other than the claim's
    /// Only the claim key's signature binds the bundle to the claim.
    fn bundle_signed_by_other_key(b) {
        b.chain().bundle_signature = BundleSignature::OtherKey;
        b.invalid("signature/invalid", "TR-AUD-008").spec("research cmcp.md §5 B.18");
    }
    /// An entry appended after signing, old bundle signature kept
    /// The signature covers the entries array as it was exported.
    fn entry_appended_after_signing(b) {
        let c = b.chain();
        c.tamper.push(Tamper::Duplicate(4));
        c.bundle_signature = BundleSignature::BeforeTamper;
        b.invalid("signature/invalid", "TR-AUD-008").spec("research cmcp.md §1.6");
    }
}
