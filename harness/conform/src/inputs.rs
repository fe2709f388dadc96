//! Reading inputs named on the command line: files, directories (walked, sorted), glob
//! patterns, JSON Lines streams and `-`.
//!
//! Owns: turning arguments into (name, bytes) pairs with a size bound, and usage errors
//! for what cannot be read; the report shapes the `verify-*` commands share (JSON reports,
//! finding lines). Does not own what is done with the bytes.

use std::io::{BufRead, Read};
use std::path::Path;
use trace_untrusted::glob::is_pattern;
use trace_untrusted::walk::{self, Walk};

/// The largest input read; a Trust Record is a few kilobytes.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The largest JSON Lines stream `bench` reads into memory (`verify` streams any length,
/// each line still one record of at most [`MAX_INPUT_BYTES`]).
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
            let files = walk::files(path, &Walk::following(), &|_| false)?;
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

/// The files matching `pattern`, sorted: the walk starts at the longest leading path
/// without wildcards (links followed, each directory once, depth bounded).
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
    let files = walk::files(Path::new(&base), &Walk::following(), &|_| false)?;
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    let mut names: Vec<String> = files
        .into_iter()
        .map(|p| p.display().to_string())
        .map(|name| name.strip_prefix("./").map(str::to_string).unwrap_or(name))
        .filter(|name| trace_untrusted::glob::matches(pattern, name))
        .collect();
    names.sort();
    Ok(names)
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

/// The records of the inputs in order, read as they are asked for: one input at a time, and
/// one line at a time from a JSON Lines stream, so memory does not grow with the input.
/// A line over [`MAX_INPUT_BYTES`] is an error for that line; reading goes on after it.
pub struct Records {
    names: std::vec::IntoIter<String>,
    jsonl: bool,
    stream: Option<(String, Box<dyn BufRead>, usize)>,
}

impl Records {
    pub fn new(names: Vec<String>, jsonl: bool) -> Records {
        Records {
            names: names.into_iter(),
            jsonl,
            stream: None,
        }
    }
}

impl Iterator for Records {
    type Item = Result<(String, Vec<u8>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((name, reader, line_no)) = self.stream.as_mut() {
                *line_no += 1;
                let at = format!("{name}:{line_no}");
                match read_line(reader.as_mut(), MAX_INPUT_BYTES) {
                    Ok(Line::End) => self.stream = None,
                    Ok(Line::Text(line)) if line.iter().all(u8::is_ascii_whitespace) => {}
                    Ok(Line::Text(line)) => return Some(Ok((at, line))),
                    Ok(Line::TooLong) => return Some(Err(format!("{at}: a line larger than {MAX_INPUT_BYTES} bytes"))),
                    Err(e) => {
                        self.stream = None;
                        return Some(Err(format!("{at}: {e}")));
                    }
                }
                continue;
            }
            let name = self.names.next()?;
            if !is_stream(&name, self.jsonl) {
                return Some(read(&name).map(|b| (name, b)));
            }
            let reader: Box<dyn BufRead> = if name == "-" {
                Box::new(std::io::BufReader::new(std::io::stdin()))
            } else {
                match std::fs::File::open(&name) {
                    Ok(f) => Box::new(std::io::BufReader::new(f)),
                    Err(e) => return Some(Err(format!("{name}: {e}"))),
                }
            };
            self.stream = Some((name, reader, 0));
        }
    }
}

enum Line {
    Text(Vec<u8>),
    TooLong,
    End,
}

/// One line without its `\n` (and a `\r` before it), reading at most `max` bytes of it; the
/// rest of a longer line is skipped without being kept.
fn read_line(r: &mut dyn BufRead, max: u64) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let n = r.take(max + 1).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(Line::End);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        return Ok(Line::Text(line));
    }
    if (line.len() as u64) <= max {
        return Ok(Line::Text(line)); // the last line, without a newline
    }
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(Line::TooLong);
        }
        match buf.iter().position(|b| *b == b'\n') {
            Some(at) => {
                r.consume(at + 1);
                return Ok(Line::TooLong);
            }
            None => {
                let len = buf.len();
                r.consume(len);
            }
        }
    }
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

/// One indented line per finding, `  RULE CLASS at POINTER: MESSAGE`, the input's text
/// escaped for a terminal.
pub fn finding_lines(out: &mut String, findings: &[trace_record::Finding]) {
    use std::fmt::Write as _;
    for f in findings {
        let (pointer, message) = (
            crate::cmd_verify::clean(&f.pointer),
            crate::cmd_verify::clean(&f.message),
        );
        let _ = writeln!(out, "  {} {} at {pointer}: {message}", f.rule, f.class);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn streamed_records_match_the_split_lines_and_an_overlong_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let long = "x".repeat(MAX_INPUT_BYTES as usize + 10);
        std::fs::write(&path, format!("{{\"a\":1}}\r\n\n  \n{long}\n{{\"b\":2}}")).unwrap();
        let name = path.display().to_string();
        let got: Vec<_> = Records::new(vec![name.clone()], false).collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], Ok((format!("{name}:1"), b"{\"a\":1}".to_vec())));
        assert!(got[1].as_ref().unwrap_err().contains(":4: a line larger than"));
        assert_eq!(got[2], Ok((format!("{name}:5"), b"{\"b\":2}".to_vec())));
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
