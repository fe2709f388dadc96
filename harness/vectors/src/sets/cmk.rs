//! Content-marking assertions (TR-CMK-*, spec/content-marking-v1.md): from the
//! `com.agentrust-io.trace` assertion on, the consumer checks the version, the fetched
//! record's bytes against the hash, the record under a trusted key, subject and profile
//! against the record and the anchor when named, and reports the record's level; absence
//! is recorded, never a failed check.

use crate::anchor_build::AnchorKnob;
use crate::companion_build::{FetchedRecord, Presence};
use trace_record::json::{Number, Value};

crate::no_families!();

fn text(s: &str) -> Value {
    Value::String(s.into())
}

vectors! { "cmk", "content-marking", "C2PA com.agentrust-io.trace assertions, consumer side (CM v1 §2-§6).";
    /// An assertion bound to a Level 0 record
    /// Every check passes; the binding is reported with the record's level, never a bare pass.
    fn bound_level_0(b) {
        b.content_marking();
        b.reports("level-0").valid(&["TR-CMK-001", "TR-CMK-003", "TR-CMK-004", "TR-CMK-005", "TR-CMK-007", "TR-CMK-008"]).spec("CM §4");
    }
    /// A record claiming hardware, with no evidence to verify it
    /// Reported as level-0: an unattested record is not hardware-rooted provenance (CM §4 step 7).
    fn hardware_claim_reported_level_0(b) {
        let c = b.content_marking();
        c.claims.push(("/runtime/platform", Some(text("amd-sev-snp"))));
        c.claims.push(("/runtime/measurement", Some(text(&format!("sha384:{}", "5a".repeat(48))))));
        b.reports("level-0").valid(&["TR-CMK-007"]).spec("CM §4");
    }
    /// record.hash in SHA-384
    /// record.alg may be sha256 or sha384.
    fn hash_sha384(b) {
        b.content_marking().alg = "sha384";
        b.reports("level-0").valid(&["TR-CMK-002", "TR-CMK-003"]).spec("CM §2");
    }
    /// An anchor with a genuine inclusion receipt
    /// CM §4 step 6 replays inclusion per RA §5.1.
    fn anchored(b) {
        b.content_marking().anchor = Some(Some(AnchorKnob::Genuine));
        b.reports("level-0").valid(&["TR-CMK-006"]).spec("CM §4");
    }
    /// No assertion on the asset
    /// Absence is recorded and is never a failed check: unverified, binding absent.
    fn absent(b) {
        b.content_marking().presence = Presence::Absent;
        b.reports("absent").absent("companion/absent", "TR-CMK-007").spec("CM §5");
    }
    /// The assertion is null
    /// Null is absence as well.
    fn null_assertion(b) {
        b.content_marking().presence = Presence::Null;
        b.reports("absent").absent("companion/absent", "TR-CMK-007").spec("CM §5");
    }
    /// No assertion in a channel that requires marks
    /// There absence is the channel's policy violation (CM §5).
    fn absent_where_required(b) {
        let c = b.content_marking();
        c.presence = Presence::Absent;
        c.require_assertion = true;
        b.reports("absent").invalid("companion/absent", "TR-CMK-007").spec("CM §5");
    }
    /// data.version is 2
    /// An unknown version is rejected, not parsed best-effort.
    fn version_2(b) {
        b.content_marking().assertion.push(("/data/version", Some(Value::Number(Number::Int(2)))));
        b.reports("none").invalid("companion/unknown-version", "TR-CMK-001").spec("CM §4");
    }
    /// record.alg is md5
    /// Only sha256 and sha384 are digest algorithms of the assertion.
    fn alg_md5(b) {
        b.content_marking().assertion.push(("/data/record/alg", Some(text("md5"))));
        b.reports("none").invalid("companion/malformed", "TR-CMK-002").spec("CM §2");
    }
    /// No record.hash
    /// Without the hash the assertion points at a document the publisher can change.
    fn hash_missing(b) {
        b.content_marking().assertion.push(("/data/record/hash", None));
        b.reports("none").invalid("companion/malformed", "TR-CMK-002").spec("CM §2");
    }
    /// The fetched record was changed after the asset was signed
    /// Its bytes no longer hash to record.hash: the finding of step 3.
    fn record_substituted(b) {
        let c = b.content_marking();
        c.fetched = FetchedRecord::Reformatted;
        c.hash_genuine = true;
        b.reports("none").invalid("companion/record-hash-mismatch", "TR-CMK-003").spec("CM §4");
    }
    /// The fetched record hashes right but was tampered before hashing
    /// The hash binds bytes, not validity: step 4 still verifies the record.
    fn record_tampered(b) {
        b.content_marking().fetched = FetchedRecord::Tampered;
        b.reports("none").invalid("companion/record-invalid", "TR-CMK-004").spec("CM §4");
    }
    /// The record is signed by a key the consumer does not trust
    /// Checking the record only for self-consistency binds the asset to anyone's record.
    fn record_untrusted_signer(b) {
        b.content_marking().fetched = FetchedRecord::UntrustedSigner;
        b.reports("none").invalid("companion/record-invalid", "TR-CMK-004").spec("CM §4");
    }
    /// The assertion names another subject
    /// The assertion describes a different record than it points at.
    fn subject_mismatch(b) {
        b.content_marking().assertion.push(("/data/subject", Some(text("spiffe://conformance.example/agent/other"))));
        b.reports("none").invalid("companion/assertion-mismatch", "TR-CMK-005").spec("CM §4");
    }
    /// The assertion names another eat_profile
    /// A consumer reads the profile before fetching; it must match what it fetched.
    fn eat_profile_mismatch(b) {
        b.content_marking().assertion.push(("/data/eat_profile", Some(text("tag:agentrust-io.com,2026:trace-v0.1"))));
        b.reports("none").invalid("companion/assertion-mismatch", "TR-CMK-005").spec("CM §4");
    }
    /// An anchor whose receipt is for another batch
    /// A supplied receipt that does not prove inclusion fails the binding.
    fn anchored_other_root(b) {
        b.content_marking().anchor = Some(Some(AnchorKnob::OtherRoot));
        b.reports("none").invalid("evidence/inclusion-invalid", "TR-CMK-006").spec("CM §4");
    }
    /// An anchor named, no inclusion receipt supplied
    /// Inclusion that cannot be checked is unverified, never a pass.
    fn anchored_without_receipt(b) {
        b.content_marking().anchor = Some(None);
        b.reports("none").unverified("evidence/inclusion-unverified", "TR-CMK-006").spec("CM §4");
    }
    /// data.version is the string "1"
    /// The version is the integer 1; a string is another version, not a spelling of it.
    fn version_as_string(b) {
        b.content_marking().assertion.push(("/data/version", Some(text("1"))));
        b.reports("none").invalid("companion/unknown-version", "TR-CMK-001").spec("CM §4");
    }
    /// The fetched record has a trailing newline
    /// The hash covers the exact bytes: the same JSON in other bytes is another record.
    fn record_trailing_newline(b) {
        let c = b.content_marking();
        c.fetched = FetchedRecord::TrailingNewline;
        c.hash_genuine = true;
        b.reports("none").invalid("companion/record-hash-mismatch", "TR-CMK-003").spec("CM §2");
    }
    /// No fetched record bytes
    /// Without the bytes from record.url, steps 3 to 5 cannot run.
    fn record_bytes_missing(b) {
        b.content_marking().document.push(("/record_b64u", None));
        b.reports("none").invalid("companion/document-malformed", "TR-CMK-008").spec("CM §4");
    }
    /// No trusted keys in the context
    /// Step 4 verifies against a key the consumer already trusts: the input is required.
    fn trusted_keys_missing(b) {
        b.content_marking().document.push(("/context/trusted_keys", None));
        b.reports("none").invalid("companion/document-malformed", "TR-CMK-008").spec("CM §4");
    }
}
