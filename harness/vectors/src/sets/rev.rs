//! Revocation of record-signing keys (TR-REV-*, S2 §3.2.3): signed bundles, the entry-ID
//! rule on the named log, the binary fallback, signing-key independence, and the report of
//! what was (not) checked.

use crate::revocation_build::{LOG, Names, Revoker, SigEdit, Statement, StatementEdit};

crate::no_families!();

fn revoked(names: Names, last_valid: &'static str) -> Statement {
    Statement {
        names,
        last_valid,
        revoker: Revoker::Authority,
        edit: None,
    }
}

vectors! { "rev", "revocation", "Record-signing key revocation: bundles, the entry-ID rule and the fallback (S2 §3.2.3).";
    /// A fresh bundle that revokes nothing
    /// Checked, and the report says against what (TR-REV-006).
    fn fresh_empty_bundle(b) {
        b.revocation();
        b.valid(&["TR-REV-002", "TR-REV-003", "TR-REV-004", "TR-REV-005"]).warning("TR-REV-006").spec("S2 §3.2.3");
    }
    /// A fresh bundle revoking another key
    /// Only a statement naming this record's key (thumbprint or kid) affects it.
    fn other_key_revoked(b) {
        b.revocation().statements.push(revoked(Names::OtherKey, "5"));
        b.valid(&["TR-REV-003"]).warning("TR-REV-006").spec("S2 §3.2.3");
    }
    /// A record with a kid; the bundle revokes another key
    /// Having a kid does not make every statement about this key: only one naming its kid or thumbprint.
    fn other_key_revoked_record_with_kid(b) {
        b.kid = Some("signing-2026q3".into());
        b.revocation().statements.push(revoked(Names::OtherKey, "5"));
        b.valid(&["TR-REV-003"]).warning("TR-REV-006").spec("S2 §3.2.3");
    }
    /// Key revoked after entry 1000; the record is at entry 1000
    /// At or below last_valid_entry_id on the named log, the record stands.
    fn revoked_record_at_last_valid_entry(b) {
        b.revocation().statements.push(revoked(Names::RecordThumbprint, "1000"));
        b.valid(&["TR-REV-004"]).warning("TR-REV-006").spec("S2 §3.2.3");
    }
    /// Key revoked after entry 5000; the record is at entry 999
    /// Entry IDs are compared as numbers ("999" < "5000"), not as text.
    fn revoked_record_before_compromise_numeric(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordThumbprint, "5000"));
        r.entry = Some((LOG, "999"));
        b.valid(&["TR-REV-004"]).warning("TR-REV-006").spec("S2 §3.2.3; IMPL-08");
    }
    /// A bundle at its valid_until exactly
    /// The horizon itself is still valid.
    fn bundle_at_horizon(b) {
        let r = b.revocation();
        r.issued_ago = 3_600;
        r.valid_for = 3_600;
        b.valid(&["TR-REV-002"]).warning("TR-REV-006").spec("S2 §3.2.3");
    }
    /// A bundle exactly the maximum bundle age old
    /// Age equal to max_bundle_age is still fresh; one second more is too old.
    fn bundle_at_max_age(b) {
        let r = b.revocation();
        r.issued_ago = 86_400;
        r.valid_for = 172_800;
        b.valid(&["TR-REV-002"]).warning("TR-REV-006").spec("S2 §3.2.3; research REV-08 (boundaries inclusive)");
    }
    /// An expired bundle: unverified for revocation, reported
    /// An expired bundle is not a pass; the record is reported unverified for revocation.
    fn expired_bundle(b) {
        let r = b.revocation();
        r.issued_ago = 7_200;
        r.valid_for = 3_600;
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A bundle older than the maximum bundle age
    /// valid_until is far away, but the profile's maximum age has passed.
    fn bundle_too_old(b) {
        let r = b.revocation();
        r.issued_ago = 86_401;
        r.valid_for = 30 * 86_400;
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3; §3.2.2");
    }
    /// A bundle signed by an untrusted key
    /// Unverified for revocation: whoever signed it is not a bundle authority.
    fn bundle_untrusted_signer(b) {
        b.revocation().untrusted_signer = true;
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A bundle changed after signing
    /// Its signature does not verify: unverified for revocation.
    fn bundle_tampered(b) {
        b.revocation().tampered = true;
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A bundle revoking this key, its sig alg changed to none
    /// The sig member is {alg, value} with a known alg; a bundle saying none is malformed, however well its value verifies.
    fn bundle_sig_alg_none(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordThumbprint, "500"));
        r.sig_edit = Some(SigEdit::AlgNone);
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A bundle revoking this key, its sig with a third member
    /// sig has exactly alg and value; anything else is a malformed bundle, unverified for revocation.
    fn bundle_sig_extra_member(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordThumbprint, "500"));
        r.sig_edit = Some(SigEdit::ExtraMember);
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A signed bundle whose revoking statement has another type
    /// One malformed statement makes the bundle malformed: unverified for revocation, not a revocation.
    fn statement_of_another_type(b) {
        let mut st = revoked(Names::RecordThumbprint, "500");
        st.edit = Some(StatementEdit::WrongType);
        b.revocation().statements.push(st);
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A signed bundle whose revoking statement's sig says alg none
    /// Every statement carries {alg, value} with a known alg; otherwise the bundle is malformed.
    fn statement_sig_alg_none(b) {
        let mut st = revoked(Names::RecordThumbprint, "500");
        st.edit = Some(StatementEdit::SigAlgNone);
        b.revocation().statements.push(st);
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A signed bundle whose revoking statement names another log
    /// A bundle covers one log (RSCH): a statement of another log is not this bundle's to
    /// carry, so the bundle is malformed, unverified for revocation, never a revocation.
    fn statement_of_another_log(b) {
        let mut st = revoked(Names::RecordThumbprint, "500");
        st.edit = Some(StatementEdit::OtherLog);
        b.revocation().statements.push(st);
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A bundle of another type
    /// Malformed: unverified for revocation, reported.
    fn bundle_malformed(b) {
        b.revocation().malformed = true;
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// Key revoked; the record has no inclusion entry
    /// No anchor, no ordering: binary fallback rejects every record of the key.
    fn revoked_without_entry(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordThumbprint, "1000"));
        r.entry = None;
        b.invalid("revocation/key-revoked", "TR-REV-003").spec("S2 §3.2.3 (fallback)");
    }
    /// Key revoked by kid; the record's entry is on another log
    /// Entry IDs of another log are not comparable: binary fallback.
    fn revoked_by_kid_entry_on_other_log(b) {
        b.kid = Some("signing-2026q3".into());
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordKid, "1000"));
        r.entry = Some(("https://other-log.example/trace", "10"));
        b.invalid("revocation/key-revoked", "TR-REV-003").spec("S2 §3.2.3");
    }
    /// Key revoked in an expired bundle; no entry
    /// A signed revocation counts even when the bundle has expired.
    fn revoked_in_expired_bundle(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordThumbprint, "1000"));
        r.entry = None;
        r.issued_ago = 7_200;
        r.valid_for = 3_600;
        b.invalid("revocation/key-revoked", "TR-REV-003").spec("S2 §3.2.3");
    }
    /// Key revoked after entry 1000; the record is at entry 1001
    /// One past the boundary on the named log: rejected.
    fn revoked_one_entry_after(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordThumbprint, "1000"));
        r.entry = Some((LOG, "1001"));
        b.invalid("revocation/after-last-valid-entry", "TR-REV-004").spec("S2 §3.2.3");
    }
    /// Key revoked after entry 999; the record is at entry 5000
    /// Text comparison ("5000" < "999") would wrongly accept it.
    fn revoked_after_numeric(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordThumbprint, "999"));
        r.entry = Some((LOG, "5000"));
        b.invalid("revocation/after-last-valid-entry", "TR-REV-004").spec("S2 §3.2.3; IMPL-08");
    }
    /// The revoked key signed its own revocation, naming a late boundary
    /// A compromised key could choose last_valid_entry_id; every record of it is rejected.
    fn self_signed_statement(b) {
        b.revocation().statements.push(Statement { names: Names::RecordThumbprint, last_valid: "999999", revoker: Revoker::Itself, edit: None });
        b.invalid("revocation/self-signed-statement", "TR-REV-005").spec("S2 §3.2.3 (signing-key independence)");
    }
    /// Self-revocation by kid, record inside the claimed range
    /// The same rule when the statement names the key by kid.
    fn self_signed_statement_by_kid(b) {
        b.kid = Some("signing-2026q3".into());
        b.revocation().statements.push(Statement { names: Names::RecordKid, last_valid: "5000", revoker: Revoker::Itself, edit: None });
        b.invalid("revocation/self-signed-statement", "TR-REV-005").spec("S2 §3.2.3 (signing-key independence)");
    }
    /// Revoked by kid, signed by the same key named by thumbprint
    /// Independence is about the key, not its name: a kid and a thumbprint of one key are one signer.
    fn self_signed_statement_kid_and_thumbprint(b) {
        b.kid = Some("signing-2026q3".into());
        b.revocation().statements.push(Statement { names: Names::RecordKid, last_valid: "5000", revoker: Revoker::RecordThumbprint, edit: None });
        b.invalid("revocation/self-signed-statement", "TR-REV-005").spec("S2 §3.2.3 (signing-key independence)");
    }
    /// A bundle issued just beyond the allowed clock skew in the future
    /// A bundle from the future is not a current view of the log: unverified for revocation, reported.
    fn bundle_issued_beyond_skew(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::OtherKey, "500"));
        r.issued_ago = -301;
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3; S2 §3.2.2 (skew)");
    }
    /// A bundle issued exactly the allowed clock skew in the future
    /// Within the skew the bundle is current: checked, and the report says so (TR-REV-006).
    fn bundle_issued_at_skew(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::OtherKey, "500"));
        r.issued_ago = -300;
        b.valid(&["TR-REV-003"]).warning("TR-REV-006").spec("S2 §3.2.3; S2 §3.2.2 (skew)");
    }
    /// A revoking statement whose sig value is not base64url
    /// RSCH requires sig.value to match ^[A-Za-z0-9_-]+$; a statement without one makes the bundle malformed: unverified for revocation.
    fn statement_sig_value_not_base64url(b) {
        let mut st = revoked(Names::RecordThumbprint, "500");
        st.edit = Some(StatementEdit::SigValueNotBase64url);
        b.revocation().statements.push(st);
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A revoking statement with revoked_at one second before 1,700,000,000
    /// RSCH allows revoked_at from 1700000000: below it the statement, and so the bundle, is malformed.
    fn statement_revoked_at_below_floor(b) {
        let mut st = revoked(Names::RecordThumbprint, "500");
        st.edit = Some(StatementEdit::RevokedAt(1_699_999_999));
        b.revocation().statements.push(st);
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A revoking statement with revoked_at exactly 1,700,000,000
    /// At the floor the statement is well formed, and its revocation counts: the record at entry 1000 is after entry 500.
    fn statement_revoked_at_floor(b) {
        let mut st = revoked(Names::RecordThumbprint, "500");
        st.edit = Some(StatementEdit::RevokedAt(1_700_000_000));
        b.revocation().statements.push(st);
        b.invalid("revocation/after-last-valid-entry", "TR-REV-004").spec("S2 §3.2.3");
    }
    /// Key revoked; the record's entry id is "+1000", not a plain decimal
    /// Entry ids compare as numbers only when both are decimal digit strings; otherwise binary fallback.
    fn revoked_entry_id_not_decimal(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordThumbprint, "5000"));
        r.entry = Some((LOG, "+1000"));
        b.invalid("revocation/key-revoked", "TR-REV-003").spec("S2 §3.2.3 (fallback)");
    }
    /// Two trusted bundle keys; the bundle names and is signed by the second
    /// The bundle key is found by the bundle's bundle_key_id, not taken first from the list.
    fn bundle_signed_by_second_trusted_key(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordThumbprint, "500"));
        r.another_trusted_key_first = true;
        b.invalid("revocation/after-last-valid-entry", "TR-REV-004").spec("S2 §3.2.3");
    }
    /// A revoking statement with a member the schema does not define
    /// RSCH closes the statement (additionalProperties: false): the bundle is malformed, unverified for revocation.
    fn statement_extra_member(b) {
        let mut st = revoked(Names::RecordThumbprint, "500");
        st.edit = Some(StatementEdit::ExtraMember);
        b.revocation().statements.push(st);
        b.valid(&["TR-REV-002"]).warning("TR-REV-002").spec("S2 §3.2.3");
    }
    /// A revoking statement without the optional reason
    /// reason is optional in RSCH: the statement is well formed and its revocation counts.
    fn statement_without_reason(b) {
        let mut st = revoked(Names::RecordThumbprint, "500");
        st.edit = Some(StatementEdit::NoReason);
        b.revocation().statements.push(st);
        b.invalid("revocation/after-last-valid-entry", "TR-REV-004").spec("S2 §3.2.3");
    }
    /// A statement revoking the key, signed by an undesignated key
    /// Each statement is signed on its own (RSCH-01) by a key above the revoked one (S2
    /// §3.2.3); an undesignated signer neither revokes nor clears the key: unverified.
    fn statement_signed_by_undesignated_key(b) {
        b.revocation().statements.push(Statement {
            revoker: Revoker::Undesignated,
            ..revoked(Names::RecordThumbprint, "5")
        });
        b.valid(&["TR-REV-005"]).warning("TR-REV-002").spec("S2 §3.2.3").spec("IMPL-08");
    }
    /// last_valid_entry_id raised from 500 to 5000 after signing
    /// A bundle assembler cannot clear records made after a compromise: the statement no
    /// longer verifies, so the record is unverified for revocation, never checked and clear.
    fn statement_boundary_raised_after_signing(b) {
        b.revocation().statements.push(Statement {
            edit: Some(StatementEdit::LastValidRaisedAfterSigning("5000")),
            ..revoked(Names::RecordThumbprint, "500")
        });
        b.valid(&["TR-REV-005"]).warning("TR-REV-002").spec("S2 §3.2.3").spec("IMPL-08");
    }
    /// A statement whose sig.alg names ES256 for an Ed25519 signer
    /// The signature is checked with the algorithm of the designated key; a mismatch is
    /// no verified statement.
    fn statement_sig_alg_mismatch(b) {
        b.revocation().statements.push(Statement {
            edit: Some(StatementEdit::SigAlgMismatch),
            ..revoked(Names::RecordThumbprint, "5")
        });
        b.valid(&["TR-REV-005"]).warning("TR-REV-002").spec("S2 §3.2.3").spec("IMPL-08");
    }
    /// A statement revoking the key, with no designated statement signer
    /// Without a key to verify it, the statement can be neither trusted nor dismissed.
    fn statement_without_designated_signers(b) {
        let r = b.revocation();
        r.statements.push(revoked(Names::RecordThumbprint, "5"));
        r.no_statement_keys = true;
        b.valid(&["TR-REV-005"]).warning("TR-REV-002").spec("S2 §3.2.3").spec("IMPL-08");
    }
    /// Revoked after entry 500 by a signer named by kid; record at 1000
    /// revocation_key_id may name the designated key by kid as well as by thumbprint.
    fn revoked_by_signer_named_by_kid(b) {
        b.revocation().statements.push(Statement {
            revoker: Revoker::AuthorityByKid,
            ..revoked(Names::RecordThumbprint, "500")
        });
        b.invalid("revocation/after-last-valid-entry", "TR-REV-004").spec("S2 §3.2.3").spec("IMPL-08");
    }
    /// The record's key, designated as a workload key, revokes itself
    /// A key is never above itself in the hierarchy (S2 §3.2.3): the boundary it chose
    /// (5000, past this record's entry) is not trusted and every record of the key falls.
    fn record_key_designated_signs_its_own_revocation(b) {
        b.revocation().statements.push(Statement {
            revoker: Revoker::RecordKeyDesignated,
            ..revoked(Names::RecordThumbprint, "5000")
        });
        b.invalid("revocation/self-signed-statement", "TR-REV-005").spec("S2 §3.2.3");
    }
}
