//! Transparency at Level 2 (TR-ANC-*), and inclusion receipts replayed per RA §5.1.

use crate::anchor_build::AnchorKnob;

crate::no_families!();

vectors! { "anc", "transparency", "transparency at Level 2: an https URI, and inclusion that must be proven.";
    /// transparency http:// at Level 2
    /// Level 2 needs an https URI with a host (TR-ANC-001).
    fn http_at_level_2(b) {
        b.hardware("intel-tdx").level(2).set_str("/transparency", "http://log.example/entries/1");
        b.invalid("level/transparency", "TR-ANC-001").spec("docs/trust-levels.md");
    }
    /// transparency without a host at Level 2
    /// https:/// names no log.
    fn no_host_at_level_2(b) {
        b.hardware("intel-tdx").level(2).set_str("/transparency", "https:///entries/1");
        b.invalid("level/transparency", "TR-ANC-001").spec("docs/trust-levels.md");
    }
    /// No transparency at Level 2
    /// An unanchored record cannot be Level 2.
    fn absent_at_level_2(b) {
        b.hardware("intel-tdx").level(2).remove("/transparency");
        b.invalid("level/transparency", "TR-ANC-001").spec("docs/trust-levels.md");
    }
    /// A Level 2 record without an inclusion receipt
    /// A URI points at an anchor; it is not evidence of one (RA §6). Without a receipt: not
    /// accepted. Its hardware evidence is genuine, so the receipt is the one thing missing.
    fn no_receipt_at_level_2(b) {
        b.hardware("aws-nitro").level(2).evidence = Some(crate::evidence_build::EvidenceKnob::Genuine);
        b.unverified("evidence/inclusion-unverified", "TR-ANC-002").spec("RA §5.1");
    }
    /// A Level 2 JWS record without an inclusion receipt
    /// The same in another form.
    fn no_receipt_at_level_2_jws(b) {
        b.hardware("aws-nitro").level(2).form(trace_record::Form::Jws).evidence = Some(crate::evidence_build::EvidenceKnob::Genuine);
        b.unverified("evidence/inclusion-unverified", "TR-ANC-002").spec("RA §5.1");
    }
    /// A Level 2 record with an inclusion receipt that replays
    /// Inclusion is proven, so TR-ANC-002 is satisfied; the record is still not Level 2 because its hardware evidence is not verified (TR-RTE-006).
    fn proven_inclusion_still_needs_evidence(b) {
        b.hardware("intel-tdx").level(2).anchor = Some(AnchorKnob::Genuine);
        b.unverified("evidence/hardware-unverified", "TR-RTE-006").spec("RA §5.1");
    }
    /// The receipt points at the neighbouring leaf
    /// The recomputed root differs: not proven.
    fn receipt_wrong_index(b) {
        b.hardware("intel-tdx").level(2).anchor = Some(AnchorKnob::WrongIndex);
        b.invalid("evidence/inclusion-invalid", "TR-ANC-002").spec("RA §5.1");
    }
    /// leaf_index equal to leaf_count
    /// Step 1 of RA §5.1 rejects it before any hashing.
    fn receipt_index_out_of_range(b) {
        b.hardware("amd-sev-snp").level(2).anchor = Some(AnchorKnob::IndexOutOfRange);
        b.invalid("evidence/inclusion-invalid", "TR-ANC-002").spec("RA §5.1 step 1");
    }
    /// One audit-path element too many
    /// Step 3a: a path longer than the tree is high.
    fn receipt_path_too_long(b) {
        b.hardware("amd-sev-snp").level(2).anchor = Some(AnchorKnob::PathTooLong);
        b.invalid("evidence/inclusion-invalid", "TR-ANC-002").spec("RA §5.1 step 3a");
    }
    /// One audit-path element too few
    /// Step 4: sn is not zero at the end.
    fn receipt_path_too_short(b) {
        b.hardware("tpm2").level(2).anchor = Some(AnchorKnob::PathTooShort);
        b.invalid("evidence/inclusion-invalid", "TR-ANC-002").spec("RA §5.1 step 4");
    }
    /// The root of another batch
    /// The proof replays, but not to the entry's root.
    fn receipt_other_root(b) {
        b.hardware("tpm2").level(2).anchor = Some(AnchorKnob::OtherRoot);
        b.invalid("evidence/inclusion-invalid", "TR-ANC-002").spec("RA §5.1 step 4");
    }
    /// merkle_root in uppercase hex
    /// RA §3 encodes every hash as sha256: and 64 lowercase hex; an uppercase root is malformed, not another spelling.
    fn receipt_root_uppercase(b) {
        b.hardware("intel-tdx").level(2).anchor = Some(AnchorKnob::UppercaseRoot);
        b.invalid("evidence/inclusion-invalid", "TR-ANC-002").spec("RA §3; RA §5.1");
    }
    /// An audit-path hash of 66 hex digits
    /// Every sha256: hash decodes to exactly 32 bytes; a longer one is malformed even when its first 64 digits are right.
    fn receipt_path_element_overlong(b) {
        b.hardware("amd-sev-snp").level(2).anchor = Some(AnchorKnob::OverlongPathElement);
        b.invalid("evidence/inclusion-invalid", "TR-ANC-002").spec("RA §5.1");
    }
    /// A non-ASCII record anchored with an RFC 8785 leaf
    /// RA §0: the anchor leaf is sorted-key ASCII JSON; reusing the signing canonicalizer never verifies.
    fn receipt_over_jcs_leaf(b) {
        b.hardware("intel-tdx").level(2).set_str("/data_class", "vertraulich-ä");
        b.anchor = Some(AnchorKnob::JcsLeaf);
        b.invalid("evidence/inclusion-invalid", "TR-ANC-002").spec("RA §0; RA §1");
    }
    /// The record anchored before it was signed
    /// RA §1 anchors the complete signed claim, signature included.
    fn receipt_over_unsigned_record(b) {
        b.hardware("google-confidential-space").level(2).anchor = Some(AnchorKnob::AnchoredUnsigned);
        b.invalid("evidence/inclusion-invalid", "TR-ANC-002").spec("RA §1");
    }
    /// No transparency at Level 0 is valid
    /// transparency is optional below Level 2 (D-03).
    fn absent_at_level_0(b) {
        b.hardware("intel-tdx").remove("/transparency").valid(&["TR-ANC-001"]).spec("S2 §3.1");
    }
    /// A receipt for a batch of zero leaves
    /// RA §3 has no empty batch: leaf_count 0 is refused by the index check of §5.1 step 1.
    fn receipt_zero_leaves(b) {
        b.hardware("amd-sev-snp").level(2).anchor = Some(AnchorKnob::ZeroLeaves);
        b.invalid("evidence/inclusion-invalid", "TR-ANC-002").spec("RA §3").spec("RA §5.1 step 1");
    }
}
