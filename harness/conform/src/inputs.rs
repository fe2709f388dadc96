//! Reading inputs named on the command line: files, directories (walked, sorted) and `-`.
//!
//! Owns: turning arguments into (name, bytes) pairs with a size bound, and usage errors
//! for what cannot be read. Does not own what is done with the bytes.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest input read; a Trust Record is a few kilobytes.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Expands arguments into input names: files as given, directories walked recursively
/// (regular files only, sorted), `-` for standard input.
pub fn expand(args: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for arg in args {
        if arg == "-" {
            out.push(arg.clone());
            continue;
        }
        let path = Path::new(arg);
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
    let mut bytes = Vec::new();
    let limit = MAX_INPUT_BYTES + 1;
    let read = if name == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(name).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(format!("{name}: larger than {MAX_INPUT_BYTES} bytes"));
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
