//! `trace-conform vectors generate|lint` and `trace-conform explain`.
//!
//! Owns: the command-line face of trace-vectors: writing or checking the generated files,
//! linting, and explaining a rule or a vector. Does not own any of that logic.

use crate::cmd_verify::clean;
use crate::exit::{self, Exit};
use std::path::PathBuf;
use trace_record::rules::catalog::RULES;
use trace_vector_format::{catalog, load, reference};
use trace_vectors::{generate, lint};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Regenerate vectors/ from the builders (with --check: fail if anything would change).
    Generate {
        /// Compare instead of writing: exit 1 if regenerating would change a file.
        #[arg(long)]
        check: bool,
        /// The vector directory (default: vectors/ of this checkout).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Check the committed vectors: schema, ids, references, coverage floor, style.
    Lint {
        /// The vector directory (default: vectors/ of this checkout).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Write fuzz seed corpora from the vectors: OUT/<target>/<sha256 prefix>, one file per
    /// input (fuzz/README.md says which vector inputs seed which target).
    Corpus {
        /// The vector directory (default: vectors/ of this checkout).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Where the corpora are written, one folder per fuzz target.
        #[arg(long)]
        out: PathBuf,
        /// At most this many inputs per target, the smallest first (default: all).
        #[arg(long)]
        per_target: Option<usize>,
    },
    /// Accept a regression candidate written by `trace-conform fuzz` into
    /// DIR/regressions/<implementation>.json, after checking the reference still agrees.
    Accept {
        /// The candidate file `trace-conform fuzz` wrote.
        candidate: PathBuf,
        /// The vector directory (default: vectors/ of this checkout).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Write index.json (files, ids, digests, since, retired ids) and CHANGES (against the
    /// previous release's index.json) for a release of the vector set.
    Index {
        /// The vector directory (default: vectors/ of this checkout).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// The previous release's index.json (without it every id is listed as added).
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Where index.json and CHANGES are written.
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(c: Command) -> Exit {
    match c {
        Command::Generate { check, dir } => {
            let dir = dir.unwrap_or_else(load::default_dir);
            if check {
                match generate::check(&dir) {
                    Ok(stale) if stale.is_empty() => {
                        println!("vectors are current ({})", dir.display());
                        Exit::Ok
                    }
                    Ok(stale) => {
                        for p in stale {
                            eprintln!("would change: {}", p.display());
                        }
                        eprintln!("run `trace-conform vectors generate` and commit the result");
                        Exit::Failed
                    }
                    Err(e) => fail(e),
                }
            } else {
                match generate::write(&dir) {
                    Ok(n) => {
                        println!("{n} file(s) written under {}", dir.display());
                        Exit::Ok
                    }
                    Err(e) => fail(e),
                }
            }
        }
        Command::Lint { dir } => {
            let dir = dir.unwrap_or_else(load::default_dir);
            let files = match load::load_dir(&dir) {
                Ok(f) => f,
                Err(e) => return fail(e),
            };
            let problems = lint::lint(&dir, &files);
            for p in &problems {
                println!("{}", clean(p));
            }
            let n: usize = files
                .iter()
                .map(|(_, f)| f.groups.iter().map(|g| g.tests.len()).sum::<usize>())
                .sum();
            println!("{} problem(s) in {} vectors, {} files", problems.len(), n, files.len());
            if problems.is_empty() { Exit::Ok } else { Exit::Usage }
        }
        Command::Corpus { dir, out, per_target } => {
            match write_corpus(&dir.unwrap_or_else(load::default_dir), &out, per_target) {
                Ok(()) => Exit::Ok,
                Err(e) => fail(e),
            }
        }
        Command::Accept { candidate, dir } => {
            match crate::cmd_fuzz::accept(&candidate, &dir.unwrap_or_else(load::default_dir)) {
                Ok(path) => {
                    println!("accepted into {}", path.display());
                    println!(
                        "run the regression vectors with: trace-conform run --vectors {} --adapter ...",
                        path.parent().map_or(path.clone(), |p| p.to_path_buf()).display()
                    );
                    Exit::Ok
                }
                Err(e) => fail(e),
            }
        }
        Command::Index { dir, previous, out } => {
            match write_index(&dir.unwrap_or_else(load::default_dir), previous.as_deref(), &out) {
                Ok(code) => code,
                Err(e) => fail(e),
            }
        }
    }
}

fn write_corpus(dir: &std::path::Path, out: &std::path::Path, per_target: Option<usize>) -> Result<(), String> {
    use std::collections::BTreeMap;
    let files = load::load_dir(dir)?
        .into_iter()
        .map(|(p, f)| {
            trace_untrusted::read::read_regular(&p, trace_untrusted::limits::VECTOR_FILE_BYTES)
                .map(|b| (f, b))
                .map_err(String::from)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut by_target: BTreeMap<&str, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for (target, bytes) in trace_vector_format::corpus::seeds(&files) {
        use sha2::Digest;
        let name: String = sha2::Sha256::digest(&bytes)[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        by_target.entry(target).or_default().insert(name, bytes);
    }
    let mut written = 0;
    for (target, inputs) in &by_target {
        let mut inputs: Vec<(&String, &Vec<u8>)> = inputs.iter().collect();
        inputs.sort_by_key(|(name, b)| (b.len(), (*name).clone()));
        let target_dir = out.join(target);
        std::fs::create_dir_all(&target_dir).map_err(|e| format!("{}: {e}", target_dir.display()))?;
        for (name, bytes) in inputs.into_iter().take(per_target.unwrap_or(usize::MAX)) {
            std::fs::write(target_dir.join(name), bytes).map_err(|e| e.to_string())?;
            written += 1;
        }
    }
    println!(
        "{written} seed(s) for {} target(s) under {}",
        by_target.len(),
        out.display()
    );
    Ok(())
}

/// Exit 1 when ids vanished without a RETIRED entry (the index is still written).
fn write_index(
    dir: &std::path::Path,
    previous: Option<&std::path::Path>,
    out: &std::path::Path,
) -> Result<Exit, String> {
    use trace_vector_format::release;
    let files = load::load_dir(dir)?;
    let bytes: Vec<Vec<u8>> = files
        .iter()
        .map(|(p, _)| {
            trace_untrusted::read::read_regular(p, trace_untrusted::limits::VECTOR_FILE_BYTES).map_err(String::from)
        })
        .collect::<Result<_, _>>()?;
    let entries: Vec<release::ReleaseFile> = files
        .iter()
        .zip(&bytes)
        .map(|((p, f), b)| release::ReleaseFile {
            path: p.strip_prefix(dir).unwrap_or(p).to_string_lossy().replace('\\', "/"),
            bytes: b,
            file: f,
        })
        .collect();
    let retired_text = trace_untrusted::Folder::open(dir)
        .and_then(|f| f.read_text("RETIRED", trace_untrusted::limits::MANIFEST_BYTES))
        .unwrap_or_default();
    let index = release::index(
        generate::SUITE_VERSION,
        &entries,
        &release::parse_retired(&retired_text),
    );
    let previous = match previous {
        None => None,
        Some(p) => {
            let text = trace_untrusted::read::read_regular(p, trace_untrusted::limits::VECTOR_FILE_BYTES)?;
            let v: serde_json::Value = serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", p.display()))?;
            if v["format"] != release::INDEX_FORMAT {
                return Err(format!("{}: not a {} index", p.display(), release::INDEX_FORMAT));
            }
            Some(v)
        }
    };
    let changes = release::changes(previous.as_ref(), &index);
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let index_text = serde_json::to_string_pretty(&index).expect("json") + "\n";
    std::fs::write(out.join("index.json"), index_text).map_err(|e| e.to_string())?;
    std::fs::write(
        out.join("CHANGES"),
        release::render_changes(&index, previous.as_ref(), &changes),
    )
    .map_err(|e| e.to_string())?;
    println!(
        "{}: {} vectors in {} files; {} added, {} changed, {} retired",
        out.display(),
        index["vectors"].as_array().map_or(0, Vec::len),
        files.len(),
        changes.added.len(),
        changes.changed.len(),
        changes.retired.len()
    );
    if changes.removed_unannounced.is_empty() {
        Ok(Exit::Ok)
    } else {
        eprintln!("ids removed without a RETIRED entry: {:?}", changes.removed_unannounced);
        Ok(Exit::Failed)
    }
}

fn fail(e: String) -> Exit {
    exit::fail("vectors", Exit::Usage, e)
}

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// A rule id (TR-SIG-005) or a vector id (sig::jws::alg-none).
    pub what: String,
    /// Vector directory (default: $TRACE_CONFORM_VECTORS, else the set embedded in this binary).
    #[arg(long)]
    pub vectors: Option<PathBuf>,
}

pub fn explain(a: ExplainArgs) -> Exit {
    let set = match load::chosen_set(a.vectors.as_deref()) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let files = &set.files;
    let parsed: Vec<_> = files.iter().map(|(_, f)| f.clone()).collect();
    if let Some(rule) = RULES.iter().find(|r| r.id.eq_ignore_ascii_case(&a.what)) {
        println!(
            "{} ({}, from level {}, module {})",
            rule.id,
            rule.strength.keyword(),
            rule.min_level.number(),
            catalog::module_of(rule.id)
        );
        println!("  {}", rule.statement);
        println!("  class: {}   section: {}", rule.class, rule.section);
        if !rule.decision.is_empty() {
            println!("  decision: {}", rule.decision);
        }
        let cov = catalog::coverage(&parsed);
        let (neg, pos) = &cov[rule.id];
        for id in neg {
            println!("  invalid: {id}");
        }
        for id in pos {
            println!("  control: {id}");
        }
        return Exit::Ok;
    }
    for (path, file) in files {
        for group in &file.groups {
            if let Some(test) = group.tests.iter().find(|t| t.id == a.what) {
                explain_vector(&set.info.source, path, group, test);
                return Exit::Ok;
            }
        }
    }
    eprintln!(
        "trace-conform explain: {} is neither a rule nor a vector id",
        trace_untrusted::escape::quoted(&a.what)
    );
    Exit::Usage
}

/// Everything about one vector an implementer asks: what it is, why, what is expected and
/// what that rests on, what the reference does, and the request line an adapter is sent.
fn explain_vector(
    source: &str,
    path: &std::path::Path,
    group: &trace_vector_format::format::Group,
    test: &trace_vector_format::format::Test,
) {
    let e = trace_vector_format::explanation::explain(test);
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    println!(
        "{}  ({} in the {} vector set)",
        clean(&test.id),
        clean(&format!("{dir}/{file}")),
        clean(source)
    );
    println!("  {}", clean(&e.description));
    if !e.comment.is_empty() {
        println!("  why: {}", clean(&e.comment));
    }
    println!("  expected: {}", serde_json::to_string(&test.expected).expect("json"));
    println!("  rests on: {}", e.label());
    for s in &e.statements {
        println!(
            "  statement {}: {} {} {}: {}",
            clean(&s.id),
            clean(&s.keyword),
            clean(&s.document),
            clean(&s.section),
            clean(&s.summary)
        );
    }
    for d in &e.decisions {
        println!("  decision {}: {} ({})", clean(&d.id), clean(&d.title), clean(&d.link));
        println!("    {}", clean(&d.choice));
    }
    println!("  cited: {}", clean(&e.spec_refs.join("; ")));
    match reference::observe(&group.context, test) {
        Ok(o) => {
            let errors: Vec<String> = o.errors.iter().map(|(r, c)| format!("{r} {c}")).collect();
            println!(
                "  reference: {}{}",
                o.verdict.word(),
                if errors.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", errors.join(", "))
                }
            );
        }
        Err(err) => println!("  reference: {}", clean(&err)),
    }
    let deadline_ms = 5000;
    match trace_runner::protocol::vector_request("explain-1", &group.context, test, deadline_ms) {
        Ok(req) => {
            println!("  request line (as `run` sends it, with its own id and --deadline-ms):");
            println!("{}", serde_json::to_string(&req).expect("json"));
        }
        Err(err) => println!("  request line: cannot be built: {}", clean(err.message())),
    }
    println!(
        "  replay: trace-conform run --adapter CMD --only {}",
        trace_untrusted::escape::shell(&test.id)
    );
}
