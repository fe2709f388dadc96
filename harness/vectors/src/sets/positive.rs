//! Positive vectors: every platform of the enum x every form x every algorithm at Level 0,
//! plus records that stress the canonical form and still verify.

use crate::sets::BuilderDef;
use trace_record::{Alg, CoseTag, Form};

/// The ten `runtime.platform` values of the schema enum.
pub use trace_record::platform::NAMES as PLATFORMS;

const MATRIX_DOC: &str = "Valid Level 0 record for one platform, form and algorithm
A record is valid at Level 0 on any platform: a level is a floor, not a record type (D-17). Each
form and algorithm of S2 §3.2.1 must verify; together these are the positive matrix.";

fn extra() -> Vec<BuilderDef> {
    let mut out = Vec::new();
    for platform in PLATFORMS {
        for form in Form::ALL {
            for alg in Alg::ALL {
                let slug = format!("{platform}-{}-{}", form.name(), alg.jose_name().to_ascii_lowercase());
                out.push(BuilderDef {
                    slug,
                    doc: MATRIX_DOC,
                    build: Box::new(move |b| {
                        if platform != "software-only" {
                            b.hardware(platform);
                        }
                        b.form(form).alg(alg).spec("S2 §3.2.1").spec("S2 §3.2.2").valid(&[
                            "TR-SIG-005",
                            "TR-SIG-004",
                            "TR-SIG-006",
                            "TR-ENV-004",
                        ]);
                    }),
                });
            }
        }
    }
    out
}

vectors! { "valid", "matrix", "Valid records at Level 0: every platform, form and algorithm.";
    /// Untagged COSE_Sign1 record verifies
    /// RFC 9052 allows COSE_Sign1 with or without tag 18; both carry the same structure.
    fn cose_untagged_eddsa(b) {
        b.form(Form::Cose).valid(&["TR-SIG-010", "TR-SIG-012"]);
        b.cose_tag = CoseTag::Untagged;
    }
    /// Untagged COSE_Sign1 with ES384 verifies
    /// The untagged form with the largest signature (96 bytes).
    fn cose_untagged_es384(b) {
        b.form(Form::Cose).alg(Alg::ES384).valid(&["TR-SIG-010"]);
        b.cose_tag = CoseTag::Untagged;
    }
    /// Whitespace and member order on the wire do not matter
    /// The embedded form signs the RFC 8785 form, so any serialization of the same value verifies.
    fn pretty_printed_embedded(b) {
        b.valid(&["TR-SIG-005", "TR-GEN-002"]).spec("S2 §3.2.2");
        b.text_edit(",\"", ",\n  \"");
        b.text_edit("{\"", "{ \"");
    }
    /// Non-ASCII and non-BMP strings are signed as raw UTF-8
    /// RFC 8785 emits non-ASCII characters unescaped; a verifier that escapes them fails.
    fn non_ascii_data_class(b) {
        b.set_str("/data_class", "機密-modèle-🤖").valid(&["TR-SIG-005"]).spec("RFC 8785 §3.2.2.2");
    }
    /// cnf.jwk extras whose UTF-16 order differs from code-point order
    /// U+1F600 sorts before U+FFFD in UTF-16 code units; a code-point sort produces other bytes.
    fn utf16_key_order_in_jwk(b) {
        b.cnf_jwk = Some(trace_record::json::Value::Object({
            let mut jwk = b.key().public_key().to_jwk();
            jwk.insert("zk\u{1f600}", trace_record::json::Value::Bool(true));
            jwk.insert("zk\u{fffd}", trace_record::json::Value::Bool(false));
            jwk
        }));
        b.valid(&["TR-SIG-005", "TR-ENV-008"]).spec("S2 §3.2.2").spec("RFC 8785 §3.2.3");
    }
    /// Control characters, quotes and U+2028 in a signed string
    /// Only quote, backslash and U+0000..U+001F are escaped; U+2028 and DEL are raw.
    fn escapes_in_model_version(b) {
        b.set_str("/model/version", "\"q\"\\/\n\t\u{7f}\u{2028}").valid(&["TR-SIG-005"]).spec("RFC 8785 §3.2.2.2");
    }
    /// A kid in cnf.jwk is signed content like any other member
    /// RFC 7638 thumbprints ignore kid, but the signature covers it.
    fn jwk_with_kid(b) {
        b.kid = Some("conformance-key-1".into());
        b.valid(&["TR-SIG-005", "TR-ENV-005"]);
    }
    /// The RFC 8037 A.1 key signs a valid record
    /// The example records of the spec use this published key; it verifies like any other.
    fn rfc8037_key(b) {
        b.cnf_jwk = None;
        b.key_name = "rfc8037";
        b.valid(&["TR-SIG-005"]).spec("RFC 8037 A.1");
    }
    /// Every integer member written as an integer token
    /// iat, slsa_level, call_count, appraisal.timestamp and origin.ingested_at (D-33).
    fn integer_tokens_everywhere(b) {
        b.hardware("intel-tdx");
        b.set("/appraisal/timestamp", trace_record::json::Value::Number(trace_record::json::Number::Int(1_784_999_000)));
        b.set_json("/origin", r#"{"kind":"self","producer":"agent.example","ingested_at":1785000000}"#);
        b.valid(&["TR-SCH-002"]).spec("IMPL-19");
    }
    /// What was not checked is reported: revocation and provenance depth
    /// S2 §3.2.3 and §3.3.1 make these reports a MUST for every verifier without a bundle.
    fn unchecked_duties_reported(b) {
        b.valid(&["TR-REV-001", "TR-DEP-001"]).warning("TR-REV-001").warning("TR-DEP-001").spec("S2 §3.2.3").spec("S2 §3.3.1");
    }
    /// A JWS ES256 record with no bundle and no provenance check
    /// The duty to say what was not checked does not depend on the envelope or algorithm.
    fn unchecked_duties_reported_jws_es256(b) {
        b.form(Form::Jws).alg(Alg::ES256);
        b.valid(&["TR-REV-001", "TR-DEP-001"]).warning("TR-REV-001").warning("TR-DEP-001").spec("S2 §3.2.3").spec("S2 §3.3.1");
    }
    /// A COSE ES384 record with no bundle and no provenance check
    /// A verifier that stays silent here passes revocation off as checked.
    fn unchecked_duties_reported_cose_es384(b) {
        b.form(Form::Cose).alg(Alg::ES384);
        b.valid(&["TR-REV-001", "TR-DEP-001"]).warning("TR-REV-001").warning("TR-DEP-001").spec("S2 §3.2.3").spec("S2 §3.3.1");
    }
    /// A record with references, delegation and origin self
    /// Optional members of S2 §3.1 are signed content and do not change the verdict.
    fn optional_members(b) {
        b.set_json("/references", r#"[{"rel":"behavior-trace","id":"t-1","resolver":"https://r.example/","retention":"P30D"}]"#)
            .set_json("/delegation", &format!(r#"{{"parent_record_hash":"sha256:{}","credential_id":"cred-1"}}"#, "cd".repeat(32)))
            .set_json("/origin", r#"{"kind":"self","producer":"agent.example"}"#)
            .valid(&["TR-SCH-001", "TR-ORG-001"]).spec("S2 §3.1.1").spec("S2 §3.1.2");
    }
}
