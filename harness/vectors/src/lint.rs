//! `trace-conform vectors lint`: keeps the vector set honest.
//!
//! Owns: the checks on committed files: schema validity, ids (unique, well formed, not
//! retired), references to rules, classes and flags, the coverage floor (every MUST rule
//! has two negative vectors and a positive control; every hardware platform has Level 1
//! and 2 positives, [`platform_matrix`]), `acceptable` vectors with flags, description
//! style, the statement index (`rules/spec-statements.toml`, [`trace_vector_format::statements`]). Every
//! message says what to write instead. Does not own generation.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use trace_protocol::Op;
use trace_record::Platform;
use trace_record::rules::catalog::{ERROR_CLASSES, RULES, Strength};
use trace_record::rules::classes::{classes_of, may_produce};
use trace_vector_format::catalog::{FLAGS, coverage};
use trace_vector_format::format::{Context, Outcome, VectorFile};

/// MUST rules that cannot have negative vectors, and why.
pub const NO_NEGATIVE: &[(&str, &str)] = &[
    (
        "TR-DEP-010",
        "a reporting duty: an attestation that does not verify is unresolved evidence, named in the report and scored through the verified depth",
    ),
    (
        "TR-CAN-001",
        "a wrong canonical output fails every valid canonicalize vector; there is no invalid input for it",
    ),
    (
        "TR-REV-001",
        "a reporting duty: checked as a required report on valid vectors",
    ),
    (
        "TR-REV-002",
        "a reporting duty (unverified for revocation): checked as a required report on valid vectors",
    ),
    (
        "TR-REV-006",
        "a reporting duty (what revocation was checked against): checked as a required report on valid vectors",
    ),
    (
        "TR-DEP-007",
        "unresolved evidence is reported, never a rejection: checked as a required report on valid vectors",
    ),
    (
        "TR-DEP-001",
        "a reporting duty: checked as a required report on valid vectors",
    ),
];

/// MUST-strength reporting duties: a verifier that stays silent must fail at least two
/// vectors of each (valid vectors naming the report in `expected.warnings`).
pub const REPORTING_DUTIES: &[&str] = &[
    "TR-REV-001",
    "TR-REV-002",
    "TR-REV-006",
    "TR-DEP-001",
    "TR-DEP-007",
    "TR-DEP-010",
];

/// MUST rules that cannot have a positive control yet, and why.
pub const NO_POSITIVE_YET: &[(&str, &str)] = &[];

pub const VECTOR_FILE_SCHEMA: &str = include_str!("../../../vectors/schema/vector-file.json");

/// What a group's context sets that its operation's request never sends (so no
/// implementation, the reference included, would see it), if anything.
fn unsent_context(c: &Context) -> Option<String> {
    let verify_only = [
        ("evidence", c.evidence.is_some()),
        ("revocation", c.revocation.is_some()),
        ("inclusion", c.inclusion.is_some()),
        ("policy", c.policy.is_some()),
        ("reference_values", c.reference_values.is_some()),
        ("deployment", c.deployment.is_some()),
    ];
    let chain_only = [
        ("issuer_keys", !c.issuer_keys.is_empty()),
        ("receipts", c.receipts.is_some()),
    ];
    let unsent: Vec<&str> = match c.op {
        Op::Verify => chain_only.iter().filter(|(_, set)| *set).map(|(n, _)| *n).collect(),
        // A verify-chain request carries the claim's freshness, keys and canonicalization,
        // never a form, level, profile, strictness or nonce.
        Op::VerifyChain => verify_only
            .iter()
            .chain(&[
                ("format other than embedded", c.format != "embedded"),
                ("level other than 0", c.level != 0),
                ("profile other than v0.2", c.profile != "v0.2"),
                ("strict", c.strict),
                ("nonce", c.nonce.is_some()),
            ])
            .filter(|(_, set)| *set)
            .map(|(n, _)| *n)
            .collect(),
        _ => Vec::new(),
    };
    (!unsent.is_empty()).then(|| {
        format!(
            "{} sets what a {} request never sends: {}",
            c.op,
            c.op,
            unsent.join(", ")
        )
    })
}

/// Lints the files of `dir`; returns one message per problem.
pub fn lint(dir: &Path, files: &[(PathBuf, VectorFile)]) -> Vec<String> {
    let mut problems = Vec::new();
    let schema: serde_json::Value = serde_json::from_str(VECTOR_FILE_SCHEMA).expect("vector schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("vector schema compiles");
    let retired = retired_ids(dir);
    let rules: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    let flags: BTreeSet<&str> = FLAGS.iter().map(|f| f.0).collect();
    let mut seen = BTreeSet::new();
    for (path, file) in files {
        let at = path.strip_prefix(dir).unwrap_or(path).display().to_string();
        // The file as it is on disk (a v1 file loads, upgraded, but is not v2); the parsed
        // form when the path is not a readable file.
        let raw: serde_json::Value = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_else(|| serde_json::to_value(file).expect("serializes"));
        for e in validator.iter_errors(&raw) {
            problems.push(format!("{at}: schema: {} at {}", e, e.instance_path()));
        }
        for g in &file.groups {
            if let Some(why) = unsent_context(&g.context) {
                problems.push(format!("{at}: group {:?}: {why}", g.description));
            }
        }
        let want_path = Path::new(&file.module).join(format!("{}.json", file.topic));
        if Path::new(&at) != want_path {
            problems.push(format!(
                "{at}: module {:?} and topic {:?} belong in {}",
                file.module,
                file.topic,
                want_path.display()
            ));
        }
        for (group, test) in file.groups.iter().flat_map(|g| g.tests.iter().map(move |t| (g, t))) {
            let id = &test.id;
            if let Some(member) = trace_vector_format::score::reported_member(group.context.op) {
                let companion = group.context.op != Op::VerifyProvenanceDepth;
                let needs = companion || test.expected.result == Outcome::Valid;
                if needs && test.expected.output_text.is_none() {
                    problems.push(format!(
                        "{at}: {id}: state the {member} the implementation must report (b.reports(...))"
                    ));
                }
            }
            let prefix = format!("{}::{}::", file.module, file.topic);
            let slug = id.strip_prefix(&prefix).unwrap_or("");
            if slug.is_empty()
                || !slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                problems.push(format!(
                    "{at}: id {id:?}: write {prefix}<slug> with a lowercase kebab-case slug"
                ));
            }
            if !seen.insert(id.clone()) {
                problems.push(format!(
                    "{at}: id {id} is used twice; give the second vector its own slug"
                ));
            }
            if retired.contains(id) {
                problems.push(format!(
                    "{at}: id {id} is retired (vectors/RETIRED); ids are never reused, choose a new slug"
                ));
            }
            if test.digest != test.compute_digest() {
                problems.push(format!(
                    "{at}: {id}: digest is stale; run `trace-conform vectors generate`"
                ));
            }
            let d = &test.description;
            if d.is_empty() || d.chars().count() > 70 {
                problems.push(format!(
                    "{at}: {id}: description must be 1 to 70 characters (the why goes in the comment)"
                ));
            }
            let lower = d.to_ascii_lowercase();
            if lower.contains("should") || lower.starts_with("test") || d.ends_with('.') {
                problems.push(format!("{at}: {id}: describe the input (\"A padded signature\"), not the test (no \"should\", \"test\", final period)"));
            }
            if test.expected.result != Outcome::Valid && test.comment.is_empty() {
                problems.push(format!(
                    "{at}: {id}: invalid and acceptable vectors need a comment saying why"
                ));
            }
            if test.spec_refs.is_empty() && test.expected.result == Outcome::Invalid {
                problems.push(format!("{at}: {id}: add a spec reference (e.g. \"S2 §3.2.2\")"));
            }
            match (test.expected.result, test.expected.verdict) {
                (Outcome::Invalid, None) => problems.push(format!(
                    "{at}: {id}: an invalid vector says whether it is rejected or left unverified (expected.verdict)"
                )),
                (Outcome::Valid | Outcome::Acceptable, Some(_)) => {
                    problems.push(format!("{at}: {id}: only invalid vectors carry expected.verdict"))
                }
                _ => {}
            }
            match (test.expected.result, &test.expected.error) {
                (Outcome::Invalid, None) => {
                    problems.push(format!("{at}: {id}: an invalid vector names its error class and rule"))
                }
                (Outcome::Invalid, Some(e)) => {
                    if !ERROR_CLASSES.contains(&e.class.as_str()) {
                        problems.push(format!(
                            "{at}: {id}: class {:?} is not in rules/error-classes.toml",
                            e.class
                        ));
                    }
                    if e.rules.is_empty() {
                        problems.push(format!("{at}: {id}: name the rule the vector breaks"));
                    } else if !e.rules.iter().any(|r| may_produce(r, &e.class)) {
                        problems.push(format!(
                            "{at}: {id}: class {:?} cannot come from {} under rules/error-classes.toml; name a class one of these rules may carry ({})",
                            e.class,
                            e.rules.join(", "),
                            e.rules.iter().flat_map(|r| classes_of(r)).collect::<Vec<_>>().join(", ")
                        ));
                    }
                }
                (_, Some(_)) => problems.push(format!("{at}: {id}: only invalid vectors carry an error")),
                _ => {}
            }
            if test.expected.result == Outcome::Acceptable && test.expected.flags.is_empty() {
                problems.push(format!(
                    "{at}: {id}: an acceptable vector names the flags its outcome depends on"
                ));
            }
            for flag in &test.expected.flags {
                if !flags.contains(flag.as_str()) {
                    problems.push(format!(
                        "{at}: {id}: flag {flag:?} is not registered in rules/flags.toml"
                    ));
                }
            }
            let referenced = test
                .expected
                .error
                .iter()
                .flat_map(|e| &e.rules)
                .chain(&test.expected.controls)
                .chain(&test.expected.warnings);
            for rule in referenced {
                if !rules.contains(rule.as_str()) {
                    problems.push(format!("{at}: {id}: rule {rule} is not in rules/catalog.toml"));
                }
            }
        }
    }
    match trace_vector_format::statements::load(dir) {
        Ok(statements) => problems.extend(trace_vector_format::statements::check(&statements)),
        Err(e) => problems.push(format!(
            "{e}: every normative statement is mapped there (vectors/AUTHORING.md)"
        )),
    }
    let parsed: Vec<VectorFile> = files.iter().map(|(_, f)| f.clone()).collect();
    for duty in REPORTING_DUTIES {
        let n = parsed
            .iter()
            .flat_map(|f| &f.groups)
            .flat_map(|g| &g.tests)
            .filter(|t| t.expected.warnings.iter().any(|w| w == duty))
            .count();
        if n < 2 {
            problems.push(format!(
                "coverage: {duty} is a reporting duty with {n} vector(s) requiring the report; add valid vectors with .warning(\"{duty}\") until a silent verifier fails two"
            ));
        }
    }
    problems.extend(platform_matrix(&parsed));
    problems.extend(crate::implied::problems(&parsed));
    for (rule, (negatives, positives)) in coverage(&parsed) {
        let Some(meta) = RULES.iter().find(|r| r.id == rule) else {
            continue;
        };
        if !matches!(meta.strength, Strength::Must | Strength::MustNot) {
            continue;
        }
        if negatives.len() < 2 && !NO_NEGATIVE.iter().any(|(r, _)| *r == rule) {
            problems.push(format!("coverage: {rule} (MUST) has {} negative vector(s); add vectors that break it in another way until there are two", negatives.len()));
        }
        if positives.is_empty() && !NO_POSITIVE_YET.iter().any(|(r, _)| *r == rule) {
            problems.push(format!(
                "coverage: {rule} (MUST) has no positive control; add a valid vector listing it in expected.controls"
            ));
        }
    }
    problems
}

/// The forms every hardware platform of the enum has a valid `verify` vector in, per level:
/// Level 1 in each form, Level 2 embedded only (RA v1 anchors JSON claim objects, so a JWS or
/// COSE record stays unverified at Level 2: TR-ANC-002's decision). `software-only` never
/// reaches Level 1 (TR-RTE-001).
pub const LEVEL_FORMS: [(u8, &str); 4] = [(1, "embedded"), (1, "jws"), (1, "cose"), (2, "embedded")];

/// One message per hardware platform, level and form without a valid `verify` vector.
pub fn platform_matrix(files: &[VectorFile]) -> Vec<String> {
    let have: BTreeSet<(&str, u8, &str)> = files
        .iter()
        .flat_map(|f| &f.groups)
        .filter(|g| g.context.op == Op::Verify && g.tests.iter().any(|t| t.expected.result == Outcome::Valid))
        .map(|g| (g.context.platform.as_str(), g.context.level, g.context.format.as_str()))
        .collect();
    let mut problems = Vec::new();
    for platform in Platform::ALL
        .into_iter()
        .filter(|p| p.is_hardware())
        .map(Platform::name)
    {
        for (level, form) in LEVEL_FORMS {
            if !have.contains(&(platform, level, form)) {
                problems.push(format!(
                    "coverage: no valid Level {level} {form} vector on {platform}; add one with synthetic evidence (b.hardware(\"{platform}\").level({level}).evidence_from(...), evidence_capture.rs)"
                ));
            }
        }
    }
    problems
}

/// Ids listed in `vectors/RETIRED` (one per line: `<id> <replacement or ->`, # comments).
pub fn retired_ids(dir: &Path) -> BTreeSet<String> {
    // Read inside the vector folder only (it may come from elsewhere): SECURITY.md.
    trace_untrusted::Folder::open(dir)
        .and_then(|f| f.read_text("RETIRED", trace_untrusted::limits::MANIFEST_BYTES))
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_member_its_request_never_sends_is_named() {
        let mut chain = Context::verify("embedded", "software-only", 1);
        chain.op = Op::VerifyChain;
        assert_eq!(unsent_context(&chain), None);
        chain.level = 1;
        chain.evidence = Some(serde_json::json!({}));
        let why = unsent_context(&chain).unwrap();
        assert!(why.contains("evidence") && why.contains("level other than 0"), "{why}");
        let mut verify = Context::verify("jws", "software-only", 1);
        assert_eq!(unsent_context(&verify), None);
        verify.receipts = Some("trace".into());
        assert!(unsent_context(&verify).unwrap().contains("receipts"));
    }

    #[test]
    fn a_platform_without_its_level_1_cose_positive_is_named() {
        let files: Vec<VectorFile> = trace_vector_format::load::load_dir(&trace_vector_format::load::default_dir())
            .expect("the committed vectors load")
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        assert_eq!(platform_matrix(&files), Vec::<String>::new());
        let mut without = files.clone();
        for f in &mut without {
            f.groups
                .retain(|g| !(g.context.platform == "arm-cca" && g.context.level == 1 && g.context.format == "cose"));
        }
        let problems = platform_matrix(&without);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("Level 1 cose vector on arm-cca"), "{problems:?}");
    }
}
