//! Turning the builders into files: `vectors/<module>/<topic>.json`, the rules catalog,
//! the error classes, COVERAGE.md and SPEC-COVERAGE.md, byte for byte the same on every run.
//!
//! Owns: the file set (path -> bytes), grouping tests by context, keeping each vector's
//! `since`, and writing or checking the files. Does not own the builders or lint.

use crate::build::Build;
use crate::sets::{self, split_doc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use trace_protocol::Op;
use trace_vector_format::format::{FILE_SCHEMA, Group, Test, VectorFile};
use trace_vector_format::{catalog, statements};

pub use trace_vector_format::SUITE_VERSION;

/// Every generated file, relative to the vectors directory.
pub fn files(existing: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let mut out = BTreeMap::new();
    let mut all_files = Vec::new();
    for topic in sets::all() {
        let rel = PathBuf::from(topic.module).join(format!("{}.json", topic.topic));
        let since = previous_since(&existing.join(&rel));
        let file = topic_file(&topic, &since)?;
        out.insert(rel, pretty(&file));
        all_files.push(file);
    }
    let statements = statements::embedded()?;
    out.insert(
        PathBuf::from("rules/catalog.toml"),
        catalog::catalog_toml(&statements::statements_of_rules(&statements)).into_bytes(),
    );
    out.insert(
        PathBuf::from("rules/error-classes.toml"),
        catalog::error_classes_toml().into_bytes(),
    );
    out.insert(PathBuf::from("rules/flags.toml"), catalog::flags_toml().into_bytes());
    out.insert(
        PathBuf::from("COVERAGE.md"),
        catalog::coverage_md(&all_files).into_bytes(),
    );
    out.insert(
        PathBuf::from("SPEC-COVERAGE.md"),
        statements::coverage_md(&statements, &all_files).into_bytes(),
    );
    Ok(out)
}

fn pretty(file: &VectorFile) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(file).expect("vector files serialize");
    bytes.push(b'\n');
    bytes
}

/// The `since` of every test already in a file, so regenerating keeps history.
fn previous_since(path: &Path) -> BTreeMap<String, String> {
    let Ok(bytes) = std::fs::read(path) else {
        return BTreeMap::new();
    };
    // Through the loader: a file still in the format before is read too.
    let Ok(file) = trace_vector_format::load::parse(&path.display().to_string(), &bytes) else {
        return BTreeMap::new();
    };
    file.groups
        .into_iter()
        .flat_map(|g| g.tests)
        .map(|t| (t.id, t.since))
        .collect()
}

fn topic_file(topic: &sets::TopicDef, since: &BTreeMap<String, String>) -> Result<VectorFile, String> {
    let mut groups: Vec<Group> = Vec::new();
    for def in &topic.builders {
        let id = format!("{}::{}::{}", topic.module, topic.topic, def.slug);
        let (description, comment) = split_doc(def.doc);
        let mut b = Build::new(&description);
        (def.build)(&mut b);
        let (input, intermediates) = b.input().map_err(|e| format!("{id}: {e}"))?;
        let mut test = Test {
            id: id.clone(),
            description,
            comment,
            input,
            alg: (b.ctx.op == Op::Verify && b.raw.is_none()).then(|| b.alg.jose_name().to_string()),
            expected: b.expected.clone(),
            spec_refs: b.spec_refs.clone(),
            intermediates: if b.ctx.op == Op::Verify {
                intermediates
            } else {
                Default::default()
            },
            since: since.get(&id).cloned().unwrap_or_else(|| SUITE_VERSION.to_string()),
            digest: String::new(),
        };
        test.digest = test.compute_digest();
        let context = b.context();
        match groups.iter_mut().find(|g| g.context == context) {
            Some(g) => g.tests.push(test),
            None => groups.push(Group {
                description: describe(&context),
                context,
                tests: vec![test],
            }),
        }
    }
    Ok(VectorFile {
        schema: FILE_SCHEMA.into(),
        suite_version: SUITE_VERSION.into(),
        module: topic.module.into(),
        topic: topic.topic.into(),
        header: vec![topic.header.into()],
        groups,
    })
}

fn describe(c: &trace_vector_format::format::Context) -> String {
    let trust = match c.trusted_keys.len() {
        0 => "no trusted key".to_string(),
        1 => "one trusted key".to_string(),
        n => format!("{n} trusted keys"),
    };
    format!(
        "{} {} at level {}, {}, profile {}{}, {trust}",
        c.op,
        c.format,
        c.level,
        c.platform,
        c.profile,
        if c.strict { " (strict)" } else { "" }
    )
}

/// Writes every file; returns how many changed.
pub fn write(dir: &Path) -> Result<usize, String> {
    let mut changed = 0;
    for (rel, bytes) in files(dir)? {
        let path = dir.join(&rel);
        if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            std::fs::create_dir_all(path.parent().expect("parent")).map_err(|e| format!("{}: {e}", path.display()))?;
            std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// The files that regenerating would change (empty when the directory is current).
pub fn check(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut stale = Vec::new();
    for (rel, bytes) in files(dir)? {
        if std::fs::read(dir.join(&rel)).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(rel);
        }
    }
    Ok(stale)
}
