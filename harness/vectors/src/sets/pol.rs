//! Policy claims (TR-POL-*).

crate::no_families!();

vectors! { "pol", "policy", "policy.bundle_hash, enforcement_mode and policy_uri.";
    /// Upper-case hex in policy.bundle_hash
    /// Digests are lower-case hex only.
    fn bundle_hash_uppercase(b) {
        b.set_str("/policy/bundle_hash", &format!("sha256:{}", "AB".repeat(32))).invalid("schema/digest", "TR-POL-001").spec("S2 §3.1");
    }
    /// sha384: with only 64 hex digits
    /// The algorithm prefix fixes the length: 96 for sha384.
    fn bundle_hash_sha384_short(b) {
        b.set_str("/policy/bundle_hash", &format!("sha384:{}", "ab".repeat(32))).invalid("schema/digest", "TR-POL-001").spec("S2 §3.1");
    }
    /// A sha512 bundle hash
    /// Only sha256 and sha384 are defined.
    fn bundle_hash_sha512(b) {
        b.set_str("/policy/bundle_hash", &format!("sha512:{}", "ab".repeat(64))).invalid("schema/digest", "TR-POL-001").spec("S2 §3.1");
    }
    /// A sha384 bundle hash is valid
    /// Positive control for the digest form with the longer algorithm.
    fn bundle_hash_sha384(b) {
        b.set_str("/policy/bundle_hash", &format!("sha384:{}", "ab".repeat(48))).valid(&["TR-POL-001"]).spec("S2 §3.1");
    }
    /// enforcement_mode strict
    /// Four modes exist: enforce, advisory, silent, declared (D-28).
    fn mode_strict(b) {
        b.set_str("/policy/enforcement_mode", "strict").invalid("schema/enum", "TR-POL-002").spec("S2 §4.3");
    }
    /// enforcement_mode Enforce, capitalised
    /// Enum values are case-sensitive.
    fn mode_capitalised(b) {
        b.set_str("/policy/enforcement_mode", "Enforce").invalid("schema/enum", "TR-POL-002").spec("S2 §4.3");
    }
    /// enforcement_mode silent is valid
    /// Positive control: silent is a mode a deployment may configure.
    fn mode_silent(b) {
        b.set_str("/policy/enforcement_mode", "silent").valid(&["TR-POL-002"]).spec("S2 §4.3");
    }
    /// declared mode is valid but no evidence of enforcement
    /// S2 §4.3: a consumer must not read declared as any rule having been checked.
    fn mode_declared(b) {
        b.set_str("/policy/enforcement_mode", "declared").valid(&["TR-POL-002", "TR-POL-004"]).warning("TR-POL-004").spec("S2 §4.3");
    }
    /// A relative policy_uri
    /// policy_uri is an absolute URI.
    fn policy_uri_relative(b) {
        b.set_str("/policy/policy_uri", "policies/p1").invalid("schema/uri", "TR-POL-003").spec("S2 §3.1");
    }
    /// A policy_uri containing a space
    /// Whitespace is not allowed anywhere in a URI.
    fn policy_uri_space(b) {
        b.set_str("/policy/policy_uri", "https://policy.example/p 1").invalid("schema/uri", "TR-POL-003").spec("RFC 3986 §3");
    }
    /// An https policy_uri is valid
    /// Positive control; the URI is not fetched.
    fn policy_uri_https(b) {
        b.set_str("/policy/policy_uri", "https://policy.conformance.example/bundles/7").valid(&["TR-POL-003"]).spec("S2 §3.1");
    }
    /// The record's policy is the one the verifier expects
    /// S2 §3.3 step 5: the policy hash matches the bundle the verifier expects.
    fn expected_policy_matches(b) {
        b.expected_policy(&trace_record::sample::policy_bundle_hash());
        b.valid(&["TR-POL-005"]).spec("S2 §3.3 step 5");
    }
    /// The record names another policy bundle than the one expected
    /// A record signed under another policy is refused, however well formed.
    fn expected_policy_other_bundle(b) {
        b.expected_policy(&format!("sha256:{}", "ab".repeat(32)));
        b.invalid("policy/unexpected-bundle", "TR-POL-005").spec("S2 §3.3 step 5");
    }
    /// The expected bundle named by SHA-384, the record's by SHA-256
    /// The hash is compared as given, algorithm included; no re-hashing is implied.
    fn expected_policy_other_algorithm(b) {
        b.expected_policy(&format!("sha384:{}", "ab".repeat(48)));
        b.invalid("policy/unexpected-bundle", "TR-POL-005").spec("S2 §3.3 step 5").spec("IMPL-33");
    }
    /// The expected policy in upper-case hex of the record's own digest
    /// Digests are compared exactly; the record's lower-case form is not the one expected.
    fn expected_policy_case_variant(b) {
        let want = trace_record::sample::policy_bundle_hash();
        let (alg, hex) = want.split_once(':').expect("alg:hex");
        b.expected_policy(&format!("{alg}:{}", hex.to_uppercase()));
        b.invalid("policy/unexpected-bundle", "TR-POL-005").spec("S2 §3.3 step 5").spec("IMPL-33");
    }
}
