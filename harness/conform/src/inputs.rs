//! Reading inputs named on the command line: files, directories (walked, sorted), glob
//! patterns, JSON Lines streams and `-`.
//!
//! Owns: turning arguments into (name, bytes) pairs with a size bound, and usage errors
//! for what cannot be read. Does not own what is done with the bytes.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest input read; a Trust Record is a few kilobytes.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The largest JSON Lines stream read (each of its lines is still one record of at most
/// [`MAX_INPUT_BYTES`]).
pub const MAX_STREAM_BYTES: u64 = 1024 * 1024 * 1024;

/// Expands arguments into input names: files as given, directories walked recursively
/// (regular files only, sorted), glob patterns (`*` and `?` within one path component,
/// `**` across them; used when no file has the argument's literal name), `-` for standard
/// input.
pub fn expand(args: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for arg in args {
        if arg == "-" {
            out.push(arg.clone());
            continue;
        }
        let path = Path::new(arg);
        if is_pattern(arg) && std::fs::symlink_metadata(path).is_err() {
            let matched = glob(arg)?;
            if matched.is_empty() {
                return Err(format!("{arg}: the pattern matches no file"));
            }
            out.extend(matched);
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| format!("{arg}: {e}"))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files, &mut Vec::new())?;
            files.sort();
            out.extend(files.into_iter().map(|p| p.display().to_string()));
        } else {
            out.push(arg.clone());
        }
    }
    if out.is_empty() {
        return Err("no input files: nothing would be verified".into());
    }
    Ok(out)
}

fn is_pattern(arg: &str) -> bool {
    arg.contains(['*', '?'])
}

/// The files matching `pattern`, sorted: the walk starts at the longest leading path
/// without wildcards.
fn glob(pattern: &str) -> Result<Vec<String>, String> {
    let components: Vec<&str> = pattern.split('/').collect();
    let fixed = components.iter().take_while(|c| !is_pattern(c)).count();
    let base = match components[..fixed].join("/") {
        b if b.is_empty() && pattern.starts_with('/') => "/".to_string(),
        b if b.is_empty() => ".".to_string(),
        b => b,
    };
    if !Path::new(&base).is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    walk(Path::new(&base), &mut files, &mut Vec::new())?;
    let mut names: Vec<String> = files
        .into_iter()
        .map(|p| p.display().to_string())
        .map(|name| name.strip_prefix("./").map(str::to_string).unwrap_or(name))
        .filter(|name| glob_matches(pattern.strip_prefix("./").unwrap_or(pattern), name))
        .collect();
    names.sort();
    Ok(names)
}

/// Whether `path` matches `pattern`: `?` is one character and `*` any run of characters
/// within a component; a `**` component is any number of whole components.
pub fn glob_matches(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let t: Vec<&str> = path.split('/').collect();
    components_match(&p, &t)
}

fn components_match(p: &[&str], t: &[&str]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some((&"**", rest)) => (0..=t.len()).any(|skip| components_match(rest, &t[skip..])),
        Some((first, rest)) => {
            !t.is_empty() && component_matches(first.as_bytes(), t[0].as_bytes()) && components_match(rest, &t[1..])
        }
    }
}

/// Wildcard match of one component, iteratively (no backtracking blow-up on many `*`).
fn component_matches(p: &[u8], t: &[u8]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|b| *b == b'*')
}

/// Walks `dir`, following links; `open` holds the canonical directories being walked, so
/// a link back to one of them (a loop) is an error rather than a walk to the OS limit.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, open: &mut Vec<PathBuf>) -> Result<(), String> {
    let canonical = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if open.contains(&canonical) {
        return Err(format!("{}: symbolic link loop", dir.display()));
    }
    open.push(canonical);
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        // Follow symbolic links: a linked record is still a record to verify.
        let meta = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_dir() {
            walk(&path, out, open)?;
        } else if meta.is_file() {
            out.push(path);
        }
    }
    open.pop();
    Ok(())
}

/// Reads one input, refusing anything larger than [`MAX_INPUT_BYTES`].
pub fn read(name: &str) -> Result<Vec<u8>, String> {
    read_limited(name, MAX_INPUT_BYTES)
}

/// Whether an input is a JSON Lines stream: `--jsonl` given, or a `.jsonl` or `.ndjson` name.
pub fn is_stream(name: &str, jsonl: bool) -> bool {
    jsonl || name.ends_with(".jsonl") || name.ends_with(".ndjson")
}

/// The records of one input: the whole input, or for a JSON Lines stream one record per
/// non-blank line, named `NAME:LINE`.
pub fn records(name: &str, jsonl: bool) -> Result<Vec<(String, Vec<u8>)>, String> {
    if !is_stream(name, jsonl) {
        return read(name).map(|b| vec![(name.to_string(), b)]);
    }
    let bytes = read_limited(name, MAX_STREAM_BYTES)?;
    split_lines(name, &bytes)
}

/// Splits a JSON Lines stream (a trailing `\r` is dropped, blank lines are skipped).
pub fn split_lines(name: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if line.len() as u64 > MAX_INPUT_BYTES {
            return Err(format!("{name}:{}: a line larger than {MAX_INPUT_BYTES} bytes", i + 1));
        }
        out.push((format!("{name}:{}", i + 1), line.to_vec()));
    }
    Ok(out)
}

fn read_limited(name: &str, max: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let limit = max + 1;
    let read = if name == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(name).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!("{name}: larger than {max} bytes"));
    }
    Ok(bytes)
}

/// Expands the arguments and reads every input: (name, bytes) in order, or the first error.
pub fn read_all(args: &[String]) -> Result<Vec<(String, Vec<u8>)>, String> {
    expand(args)?
        .into_iter()
        .map(|name| read(&name).map(|b| (name, b)))
        .collect()
}

/// Reports as a pretty JSON array, each with its input name under `input`.
pub fn json_reports<T: serde::Serialize>(reports: &[(String, T)]) -> String {
    let docs: Vec<serde_json::Value> = reports
        .iter()
        .map(|(n, r)| {
            let mut v = serde_json::to_value(r).expect("reports serialize");
            v["input"] = serde_json::Value::String(n.clone());
            v
        })
        .collect();
    serde_json::to_string_pretty(&docs).expect("json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_within_and_across_components() {
        assert!(glob_matches("records/*.json", "records/a.json"));
        assert!(!glob_matches("records/*.json", "records/sub/a.json"));
        assert!(glob_matches("records/**/*.json", "records/sub/deeper/a.json"));
        assert!(glob_matches("records/**/*.json", "records/a.json"));
        assert!(glob_matches("r?c/*", "rec/x"));
        assert!(!glob_matches("r?c/*", "reec/x"));
        assert!(!glob_matches("*.json", "a.jsonl"));
        assert!(glob_matches("*a*b*c*", "xxaxxbxxcxx"));
        assert!(!glob_matches("*a*b*c*d", "xxaxxbxxcxx"));
    }

    #[test]
    fn many_stars_do_not_blow_up() {
        let pattern = "*a".repeat(40);
        let text = "a".repeat(39);
        assert!(!glob_matches(&pattern, &text));
    }

    #[test]
    fn json_lines_skip_blank_lines_and_name_each_record_by_line() {
        let records = split_lines("s.jsonl", b"{\"a\":1}\r\n\n  \n{\"b\":2}").unwrap();
        assert_eq!(
            records,
            vec![
                ("s.jsonl:1".to_string(), b"{\"a\":1}".to_vec()),
                ("s.jsonl:4".to_string(), b"{\"b\":2}".to_vec()),
            ]
        );
    }

    #[test]
    fn glob_expansion_walks_from_the_fixed_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().display().to_string();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        for f in ["a/one.json", "a/b/two.json", "a/b/three.txt"] {
            std::fs::write(dir.path().join(f), "{}").unwrap();
        }
        let shallow = expand(&[format!("{root}/a/*.json")]).unwrap();
        assert_eq!(shallow, vec![format!("{root}/a/one.json")]);
        let deep = expand(&[format!("{root}/**/*.json")]).unwrap();
        assert_eq!(deep, vec![format!("{root}/a/b/two.json"), format!("{root}/a/one.json")]);
        let none = expand(&[format!("{root}/**/*.cbor")]).unwrap_err();
        assert!(none.contains("matches no file"), "{none}");
    }
}
