//! Every vector the suite ships, as named builders grouped by module and topic.
//!
//! Owns: the [`vectors!`] macro (function name -> id slug, doc comment -> description and
//! comment) and the list of topics. Each topic module owns its builders. The first doc
//! line of a builder is its description (at most 70 characters); the rest says why.

use crate::build::Build;

pub struct BuilderDef {
    pub slug: String,
    pub doc: &'static str,
    pub build: Box<dyn Fn(&mut Build)>,
}

pub struct TopicDef {
    pub module: &'static str,
    pub topic: &'static str,
    pub header: &'static str,
    pub builders: Vec<BuilderDef>,
}

/// Declares the builders of one topic: `vectors! { "module", "topic", "header"; /// doc
/// fn name(b) { ... } ... }`.
macro_rules! vectors {
    ($module:literal, $topic:literal, $header:literal; $( $(#[doc = $doc:literal])+ fn $name:ident($b:ident) $body:block )+) => {
        pub fn topic() -> crate::sets::TopicDef {
            let mut builders: Vec<crate::sets::BuilderDef> = Vec::new();
            $(
                builders.push(crate::sets::BuilderDef {
                    slug: stringify!($name).replace('_', "-"),
                    doc: concat!($($doc, "\n"),+),
                    build: Box::new({
                        fn $name($b: &mut crate::build::Build) $body
                        $name
                    }),
                });
            )+
            #[allow(unused_mut)]
            let mut topic = crate::sets::TopicDef { module: $module, topic: $topic, header: $header, builders };
            topic.builders.extend(extra());
            topic
        }
    };
}

/// A topic with no generated families.
#[macro_export]
macro_rules! no_families {
    () => {
        fn extra() -> Vec<$crate::sets::BuilderDef> {
            Vec::new()
        }
    };
}

pub mod action;
pub mod anc;
pub mod apr;
pub mod canon;
pub mod chain;
pub mod cmcp;
pub mod cmk;
pub mod dep;
pub mod env;
pub mod evidence;
pub mod evidence_azure;
pub mod evidence_cca;
pub mod evidence_gpu;
pub mod evidence_snp;
pub mod evidence_tdx;
pub mod evidence_token;
pub mod evidence_tpm;
pub mod freshness;
pub mod gen_input;
pub mod level;
pub mod org;
pub mod pol;
pub mod positive;
pub mod prf;
pub mod receipts;
pub mod rev;
pub mod rte;
pub mod sca;
pub mod sch;
pub mod sig_cose;
pub mod sig_embedded;
pub mod sig_jws;
pub mod sig_keys;
pub mod spv;
pub mod txn;

/// Every topic, in the order files are written.
pub fn all() -> Vec<TopicDef> {
    vec![
        positive::topic(),
        gen_input::topic(),
        canon::topic(),
        env::topic(),
        freshness::topic(),
        sch::topic(),
        sig_embedded::topic(),
        sig_jws::topic(),
        sig_cose::topic(),
        sig_keys::topic(),
        pol::topic(),
        prf::topic(),
        apr::topic(),
        rte::topic(),
        sca::topic(),
        txn::topic(),
        anc::topic(),
        rev::topic(),
        org::topic(),
        cmcp::topic(),
        chain::topic(),
        receipts::topic(),
        action::topic(),
        dep::topic(),
        spv::topic(),
        cmk::topic(),
        level::topic(),
        evidence::topic(),
        evidence_snp::topic(),
        evidence_tpm::topic(),
        evidence_azure::topic(),
        evidence_gpu::topic(),
        evidence_token::topic(),
        evidence_tdx::topic(),
        evidence_cca::topic(),
    ]
}

/// Splits a builder's doc comment into (description, comment).
pub fn split_doc(doc: &str) -> (String, String) {
    let mut lines = doc.lines().map(str::trim);
    let description = lines.next().unwrap_or("").to_string();
    let comment = lines.filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    (description, comment)
}
