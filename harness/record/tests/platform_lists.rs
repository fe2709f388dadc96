//! Every other list of `runtime.platform` values in the repository agrees with the one
//! table, `trace_record::platform`: the enums of the record schemas, the protocol schema and
//! the vector-file schema are
//! the table in its order; the Python adapters that claim every platform list exactly the
//! table; and no Python list names a platform the table does not have (a typo there would
//! make an adapter claim a platform no vector uses).

use serde_json::Value;
use std::path::{Path, PathBuf};
use trace_record::platform::NAMES;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `enum` array under `v` that holds at least one platform name.
fn platform_enums(v: &Value, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k == "enum"
                    && let Some(items) = x.as_array()
                    && items.iter().any(|i| i.as_str().is_some_and(|s| NAMES.contains(&s)))
                {
                    out.push(
                        items
                            .iter()
                            .map(|i| i.as_str().unwrap_or("<not a string>").to_string())
                            .collect(),
                    );
                }
                platform_enums(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| platform_enums(x, out)),
        _ => {}
    }
}

#[test]
fn the_schemas_enumerate_the_table_in_order() {
    let schemas = [
        "harness/record/schema/trace-v0.1.json",
        "harness/record/schema/trace-v0.2.json",
        "harness/record/schema/trace-v0.2-strict.json",
        "harness/protocol/schemas/v1/envelope.json",
        "vectors/schema/vector-file.json",
    ];
    for schema in schemas {
        let text = std::fs::read_to_string(repo().join(schema)).unwrap();
        let mut enums = Vec::new();
        platform_enums(&serde_json::from_str(&text).unwrap(), &mut enums);
        assert_eq!(enums.len(), 1, "{schema}: one platform enum, found {enums:?}");
        assert_eq!(enums[0], NAMES, "{schema}");
    }
}

/// The string items of each platform list in Python source: the list after
/// `PLATFORMS = [` or `"platforms": [`, up to its closing bracket.
fn python_lists(source: &str) -> Vec<Vec<String>> {
    let mut lists = Vec::new();
    for opener in ["PLATFORMS = [", "\"platforms\": ["] {
        let mut rest = source;
        while let Some(at) = rest.find(opener) {
            let body = &rest[at + opener.len()..];
            let end = body.find(']').expect("a closing bracket");
            lists.push(
                body[..end]
                    .split(',')
                    .map(|item| item.trim().trim_matches('"').to_string())
                    .filter(|item| !item.is_empty())
                    .collect(),
            );
            rest = &body[end..];
        }
    }
    lists
}

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() && !p.ends_with("__pycache__") {
            python_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

#[test]
fn the_python_adapters_agree_with_the_table() {
    // These claim every platform; the others may claim fewer.
    let every = [
        "harness/adapters/adapter_kit.py",
        "harness/adapters/example-python/adapter.py",
        "harness/runner/tests/fauxplementations/faux.py",
    ];
    for file in every {
        let lists = python_lists(&std::fs::read_to_string(repo().join(file)).unwrap());
        assert_eq!(lists.len(), 1, "{file}: {lists:?}");
        assert_eq!(lists[0], NAMES, "{file}");
    }
    let mut files = Vec::new();
    python_files(&repo().join("harness"), &mut files);
    let mut lists_seen = 0;
    for file in &files {
        for list in python_lists(&std::fs::read_to_string(file).unwrap()) {
            lists_seen += 1;
            for item in &list {
                assert!(
                    NAMES.contains(&item.as_str()),
                    "{}: {item:?} is not a runtime.platform value",
                    file.display()
                );
            }
        }
    }
    assert!(
        lists_seen >= 4,
        "only {lists_seen} platform lists found: the search is broken"
    );
}

#[test]
fn the_python_list_reader_reads_what_it_must() {
    let lists = python_lists("PLATFORMS = [\"tpm2\", \"arm-cca\",\n]\nCAPS = {\"platforms\": [\"x\"]}");
    assert_eq!(lists, [vec!["tpm2", "arm-cca"], vec!["x"]]);
}
