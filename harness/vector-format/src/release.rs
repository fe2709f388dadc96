//! A release of the vector set for consumers who do not use our runner: `index.json` (every
//! file with its digest, every vector with its id, digest, `since` and selection metadata,
//! every retired id) and `CHANGES` (added, changed and retired ids against the previous
//! release's index).
//!
//! Owns: the index format `trace-vectors-index/1` and the comparison. Does not own reading
//! files (the caller passes their bytes) or packaging them (tools/release-vectors.sh).

use crate::format::{Outcome, VectorFile};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const INDEX_FORMAT: &str = "trace-vectors-index/1";

/// One vector file of the release: its path relative to `vectors/`, bytes and parsed form.
pub struct ReleaseFile<'a> {
    pub path: String,
    pub bytes: &'a [u8],
    pub file: &'a VectorFile,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Retired ids from `vectors/RETIRED` (`<id> <replacement or -> # why`), with replacements.
pub fn parse_retired(text: &str) -> Vec<(String, Option<String>)> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut words = l.split_whitespace();
            let id = words.next().unwrap_or_default().to_string();
            let replacement = words.next().filter(|r| *r != "-").map(str::to_string);
            (id, replacement)
        })
        .collect()
}

fn result_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Valid => "valid",
        Outcome::Invalid => "invalid",
        Outcome::Acceptable => "acceptable",
    }
}

/// The index of a release. `set` is SHA-256 over the sorted `path sha256` lines, so two
/// releases with identical files have the same set id whatever their version.
pub fn index(suite_version: &str, files: &[ReleaseFile], retired: &[(String, Option<String>)]) -> Value {
    let mut file_entries = Vec::new();
    let mut vectors = Vec::new();
    let mut set_lines = String::new();
    let mut sorted: Vec<&ReleaseFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for f in sorted {
        let digest = sha256_hex(f.bytes);
        set_lines.push_str(&format!("{} {digest}\n", f.path));
        let tests: usize = f.file.groups.iter().map(|g| g.tests.len()).sum();
        file_entries.push(json!({"path": f.path, "sha256": digest, "module": f.file.module, "tests": tests}));
        for g in &f.file.groups {
            for t in &g.tests {
                vectors.push(json!({
                    "id": t.id, "file": f.path, "digest": t.digest, "since": t.since,
                    "op": g.context.op, "level": g.context.level, "platform": g.context.platform,
                    "format": g.context.format, "result": result_name(t.expected.result),
                }));
            }
        }
    }
    vectors.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    let retired: Vec<Value> = retired
        .iter()
        .map(|(id, r)| json!({"id": id, "replacement": r}))
        .collect();
    json!({
        "format": INDEX_FORMAT,
        "suite_version": suite_version,
        "set": format!("sha256:{}", sha256_hex(set_lines.as_bytes())),
        "files": file_entries,
        "vectors": vectors,
        "retired": retired,
    })
}

/// What changed between two indexes, by id.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    /// Retired since the previous release, with the replacement when there is one.
    pub retired: Vec<(String, Option<String>)>,
    /// Ids that vanished without being listed as retired (a release must not have any).
    pub removed_unannounced: Vec<String>,
}

fn digests(index: &Value) -> BTreeMap<String, String> {
    index["vectors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| Some((v["id"].as_str()?.to_string(), v["digest"].as_str()?.to_string())))
        .collect()
}

fn retired_ids(index: &Value) -> BTreeMap<String, Option<String>> {
    index["retired"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some((
                r["id"].as_str()?.to_string(),
                r["replacement"].as_str().map(str::to_string),
            ))
        })
        .collect()
}

/// Compares `current` with `previous` (None for a first release: everything is added).
pub fn changes(previous: Option<&Value>, current: &Value) -> Changes {
    let now = digests(current);
    let Some(previous) = previous else {
        return Changes {
            added: now.into_keys().collect(),
            ..Changes::default()
        };
    };
    let before = digests(previous);
    let (retired_now, retired_before) = (retired_ids(current), retired_ids(previous));
    let mut c = Changes::default();
    for (id, digest) in &now {
        match before.get(id) {
            None => c.added.push(id.clone()),
            Some(d) if d != digest => c.changed.push(id.clone()),
            Some(_) => {}
        }
    }
    for (id, replacement) in &retired_now {
        if !retired_before.contains_key(id) {
            c.retired.push((id.clone(), replacement.clone()));
        }
    }
    for id in before.keys() {
        if !now.contains_key(id) && !retired_now.contains_key(id) {
            c.removed_unannounced.push(id.clone());
        }
    }
    c
}

/// The CHANGES file.
pub fn render_changes(current: &Value, previous: Option<&Value>, c: &Changes) -> String {
    let mut out = format!(
        "trace-conformance vector set {} ({})\n",
        current["suite_version"].as_str().unwrap_or("?"),
        current["set"].as_str().unwrap_or("?")
    );
    match previous {
        Some(p) => out.push_str(&format!(
            "compared with {} ({})\n",
            p["suite_version"].as_str().unwrap_or("?"),
            p["set"].as_str().unwrap_or("?")
        )),
        None => out.push_str("first release: every id is added\n"),
    }
    let mut section = |title: &str, ids: Vec<String>| {
        out.push_str(&format!("\n{title} ({}):\n", ids.len()));
        for id in ids {
            out.push_str(&format!("  {id}\n"));
        }
    };
    section("added", c.added.clone());
    section("changed", c.changed.clone());
    section(
        "retired",
        c.retired
            .iter()
            .map(|(id, r)| match r {
                Some(r) => format!("{id} -> {r}"),
                None => id.clone(),
            })
            .collect(),
    );
    if !c.removed_unannounced.is_empty() {
        section(
            "removed without a RETIRED entry (not allowed)",
            c.removed_unannounced.clone(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(version: &str, vectors: &[(&str, &str)], retired: &[(&str, Option<&str>)]) -> Value {
        json!({
            "format": INDEX_FORMAT, "suite_version": version, "set": format!("sha256:{version}"),
            "vectors": vectors.iter().map(|(id, d)| json!({"id": id, "digest": d})).collect::<Vec<_>>(),
            "retired": retired.iter().map(|(id, r)| json!({"id": id, "replacement": r})).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn added_changed_retired_and_unannounced_removals_are_told_apart() {
        let before = idx(
            "0.1.0",
            &[
                ("a::x::one", "d1"),
                ("a::x::two", "d2"),
                ("a::x::three", "d3"),
                ("a::x::gone", "d4"),
            ],
            &[],
        );
        let after = idx(
            "0.2.0",
            &[("a::x::one", "d1"), ("a::x::two", "D2"), ("a::x::new", "d5")],
            &[("a::x::three", Some("a::x::new"))],
        );
        let c = changes(Some(&before), &after);
        assert_eq!(c.added, ["a::x::new"]);
        assert_eq!(c.changed, ["a::x::two"]);
        assert_eq!(c.retired, [("a::x::three".to_string(), Some("a::x::new".to_string()))]);
        assert_eq!(c.removed_unannounced, ["a::x::gone"]);
        let text = render_changes(&after, Some(&before), &c);
        assert!(text.contains("added (1):\n  a::x::new\n"), "{text}");
        assert!(text.contains("a::x::three -> a::x::new"), "{text}");
        assert!(text.contains("not allowed"), "{text}");
    }

    #[test]
    fn a_first_release_adds_everything_and_an_unchanged_one_nothing() {
        let only = idx("0.1.0", &[("a::x::one", "d1")], &[]);
        assert_eq!(changes(None, &only).added, ["a::x::one"]);
        assert_eq!(changes(Some(&only), &only), Changes::default());
    }

    #[test]
    fn retired_lines_carry_replacements_and_comments() {
        let text = "# header\nsig::a::b sig::a::c  # renamed\nsig::a::d -  # gone\n\n";
        assert_eq!(
            parse_retired(text),
            [
                ("sig::a::b".to_string(), Some("sig::a::c".to_string())),
                ("sig::a::d".to_string(), None)
            ]
        );
    }
}
