//! `trace-conform run`: the vector set through an implementation's adapter (by default the
//! reference, `trace-conform serve`), scored, with reports written to `--out`.
//!
//! Exit codes: 0 everything as expected; 1 unexpected results (or a regression against
//! `--baseline`, or below `--fail-under`); 2 usage, profile or vector errors; 3 the adapter
//! is broken or the run is incomplete.

use crate::cmd_verify::clean;
use crate::exit::{self, Exit};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use trace_runner::merge::{SHARD_FILE, ShardRecord};
use trace_runner::profile::Profile;
use trace_runner::report;
use trace_runner::run::{RunOptions, RunResult};
use trace_runner::select::{Selection, parse_shard, select};
use trace_vector_format::load;

#[derive(clap::Args)]
pub struct Args {
    /// The adapter command line (default: this binary's `serve`, the reference).
    #[arg(long)]
    pub adapter: Option<String>,
    /// Known-failure profile (TOML).
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Keep vectors whose id contains TEXT, or matches a glob with `*` (repeatable).
    #[arg(long)]
    pub only: Vec<String>,
    /// Skip vectors whose id contains TEXT or matches a glob (repeatable).
    #[arg(long)]
    pub skip: Vec<String>,
    /// Keep only the vectors of this trust level (0, 1 or 2).
    #[arg(long, value_parser = crate::values::level())]
    pub level: Option<u8>,
    /// Keep only the vectors of this platform (the records' runtime.platform).
    #[arg(long, value_parser = crate::values::PLATFORMS)]
    pub platform: Option<String>,
    /// Keep only the vectors of this envelope form.
    #[arg(long, value_enum)]
    pub format: Option<crate::values::Format>,
    /// Adapter processes run in parallel (1 or more).
    #[arg(long, default_value_t = 1, value_parser = crate::values::at_least_one)]
    pub jobs: usize,
    /// Requests kept in flight to each adapter process that claims `pipeline`, at most 64
    /// (1: one at a time, which tells which request a crash belongs to).
    #[arg(long, default_value_t = trace_runner::run::DEFAULT_PIPELINE, value_parser = crate::values::pipeline_depth)]
    pub pipeline: usize,
    /// Run only shard I of N (1-based), e.g. 2/4.
    #[arg(long)]
    pub shard: Option<String>,
    /// Where the reports go (summary.json, summary.md, junit.xml, index.html, badge.json, cases/).
    #[arg(long, default_value = "reports/latest")]
    pub out: PathBuf,
    /// A previous summary.json: only results that got worse fail the run.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Fail unless this level (0, 1 or 2) is reached.
    #[arg(long, value_parser = crate::values::level())]
    pub fail_under: Option<u8>,
    /// Vector directory (default: $TRACE_CONFORM_VECTORS, a directory or `embedded`, else the
    /// set embedded in this binary; the run prints and records which).
    #[arg(long)]
    pub vectors: Option<PathBuf>,
    /// Per-request deadline in milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub deadline_ms: u64,
    /// Adapter restarts allowed in the run.
    #[arg(long, default_value_t = 10)]
    pub restart_budget: usize,
}

/// Splits a command line on spaces, honouring single and double quotes and backslashes.
pub fn split_command(text: &str) -> Result<Vec<String>, String> {
    let (mut out, mut cur, mut quote, mut any) = (Vec::new(), String::new(), None::<char>, false);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => cur.extend(chars.next()),
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, '\\') => cur.extend(chars.next()),
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if quote.is_some() {
        return Err(format!("unbalanced quote in {text:?}"));
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    if out.is_empty() {
        return Err("empty adapter command".into());
    }
    Ok(out)
}

/// The profile at `path`, or the empty profile when there is none.
pub fn load_profile(path: Option<&std::path::Path>) -> Result<Profile, String> {
    match path {
        None => Ok(Profile::default()),
        Some(p) => trace_untrusted::read::read_regular(p, trace_untrusted::limits::MANIFEST_BYTES)
            .map_err(|e| e.to_string())
            .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8 text".to_string()))
            .and_then(|t| Profile::parse(&t).map_err(String::from))
            .map_err(|e| format!("{}: {e}", p.display())),
    }
}

pub fn reference_adapter() -> Result<Vec<String>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    Ok(vec![exe.display().to_string(), "serve".into()])
}

fn usage(e: impl std::fmt::Display) -> Exit {
    exit::fail("run", Exit::Usage, e)
}

pub fn run(a: Args) -> Exit {
    let adapter = match a
        .adapter
        .as_deref()
        .map(split_command)
        .unwrap_or_else(reference_adapter)
    {
        Ok(v) => v,
        Err(e) => return usage(e),
    };
    let profile = match load_profile(a.profile.as_deref()) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let shard = match a.shard.as_deref().map(parse_shard).transpose() {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let (set_info, files) = match load::chosen_set(a.vectors.as_deref()) {
        Ok(s) if !s.files.is_empty() => (s.info, s.files.into_iter().map(|(_, f)| f).collect::<Vec<_>>()),
        Ok(_) => return usage("no vector files found".to_string()),
        Err(e) => return usage(e),
    };
    let all_ids: Vec<&str> = files
        .iter()
        .flat_map(|f| &f.groups)
        .flat_map(|g| &g.tests)
        .map(|t| t.id.as_str())
        .collect();
    let dead = profile.dead_patterns(&all_ids);
    if !dead.is_empty() {
        return usage(format!("profile patterns that match no vector: {dead:?}"));
    }
    let selection = Selection {
        only: a.only.clone(),
        skip: a.skip.clone(),
        level: a.level,
        platform: a.platform.clone(),
        format: a.format.map(|f| f.word().to_string()),
        shard,
    };
    let work = select(&files, &selection);
    let selected = trace_runner::select::selected(&files, &selection);
    // A shard may be empty (fewer vectors than shards); the selection may not.
    if selected == 0 {
        return usage("no vector matches the selection");
    }
    let progress: Option<Arc<dyn Fn(usize, usize) + Send + Sync>> = if std::io::stderr().is_terminal() {
        Some(Arc::new(|done, total| {
            eprint!("\r[{done}/{total}] ");
            if done == total {
                eprintln!();
            }
        }))
    } else {
        None
    };
    let opts = RunOptions {
        adapter,
        profile,
        deadline: Duration::from_millis(a.deadline_ms),
        hello_deadline: Duration::from_secs(10),
        restart_budget: a.restart_budget,
        jobs: a.jobs,
        pipeline: a.pipeline,
        progress,
    };
    let mut result = trace_runner::run::run(work, &opts);
    result.vector_set = Some(set_info);
    result.profile_written_for = label_profile(&opts.profile, &result);
    if let Err(e) = report::write_all(&a.out, &result, trace_vector_format::SUITE_VERSION) {
        return usage(e);
    }
    if shard.is_none() {
        // A shard record left by an earlier sharded run into this folder is no longer true.
        let _ = std::fs::remove_file(a.out.join(SHARD_FILE));
    }
    if let Some((index, count)) = shard {
        // What `report merge` joins: this shard's run, with what makes it part of a whole.
        let record = ShardRecord::new(index, count, selection.filters(), selected, result.clone());
        let text = serde_json::to_string(&record).expect("a run serializes") + "\n";
        if let Err(e) = trace_untrusted::write::write_file(&a.out.join(SHARD_FILE), text.as_bytes()) {
            return usage(String::from(e));
        }
    }
    finish(&result, &a.out, a.baseline.as_deref(), a.fail_under)
}

/// The implementation the profile was written for when it is not the run's, said on stderr
/// too: its known failures are another release's (IMPL-41), and the report says so.
pub fn label_profile(profile: &Profile, r: &RunResult) -> Option<trace_runner::profile::ProfileImplementation> {
    let written = profile.written_for_another(&r.implementation.name, &r.implementation.version)?;
    // The names are the profile's and the adapter's: terminal text only through `clean`.
    eprintln!(
        "trace-conform: the profile was written for {} {}, this is {}: its known failures are that release's",
        clean(&written.name),
        clean(written.version.as_deref().unwrap_or("(any version)")),
        clean(&report::implementation_title(r))
    );
    Some(written)
}

/// Prints the run's closing lines and gives its exit status: `Adapter` when the adapter did
/// not start or the run is incomplete, `Failed` below `fail_under` or on an unexpected
/// result (with a `baseline`: on a result worse than there), else `Ok`.
pub fn finish(
    r: &RunResult,
    out: &std::path::Path,
    baseline: Option<&std::path::Path>,
    fail_under: Option<u8>,
) -> Exit {
    let unexpected: Vec<_> = r.unexpected().collect();
    let regressions = match baseline {
        Some(path) => match crate::cmd_diff::load_outcomes(path) {
            Ok(base) => Some(
                unexpected
                    .iter()
                    .filter(|c| base.get(&c.id).is_none_or(|o| !crate::cmd_diff::is_bad(o)))
                    .map(|c| c.id.clone())
                    .collect::<Vec<_>>(),
            ),
            Err(e) => return usage(e),
        },
        None => None,
    };
    for c in &unexpected {
        eprintln!("{} {}: {}", c.outcome.name(), clean(&c.id), clean(&c.detail));
    }
    println!("{}", report::Categories::of(&r.cases).sentence());
    if let Some(line) = report::vector_set_line(r) {
        println!("vector set: {}", clean(&line));
    }
    if let Some(e) = &r.startup_error {
        println!(
            "the adapter did not start, so no vector was tested; report: {}/summary.md",
            out.display()
        );
        eprintln!("trace-conform run: the adapter did not start: {}", clean(e));
        return Exit::Adapter;
    }
    let level = r
        .level_reached()
        .map(|l| format!("level {l} reached"))
        .unwrap_or_else(|| "no level reached".into());
    println!(
        "{}: {level}; report: {}/summary.md",
        clean(&report::implementation_title(r)),
        out.display()
    );
    if !r.complete || r.adapter_looks_broken() {
        if trace_runner::producer::is_producer_run(r) || r.cases.is_empty() && r.capabilities.ops.is_empty() {
            eprintln!("trace-conform producer: the run is incomplete: the producer's driver did not finish");
        } else {
            eprintln!(
                "trace-conform run: the run is incomplete or the adapter looks broken; try `trace-conform smoke --adapter ...`"
            );
        }
        return Exit::Adapter;
    }
    if let Some(min) = fail_under
        && r.level_reached().is_none_or(|l| l < min)
    {
        eprintln!("trace-conform run: level {min} required, {level}");
        return Exit::Failed;
    }
    match regressions {
        Some(reg) if reg.is_empty() => Exit::Ok,
        Some(reg) => {
            eprintln!("regressions against the baseline: {}", clean(&reg.join(", ")));
            Exit::Failed
        }
        None if unexpected.is_empty() => Exit::Ok,
        None => Exit::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::split_command;

    #[test]
    fn command_lines_split_like_a_shell() {
        assert_eq!(
            split_command("python3 a.py --x 'a b' \"c d\" e\\ f").unwrap(),
            ["python3", "a.py", "--x", "a b", "c d", "e f"]
        );
        assert_eq!(split_command("x ''").unwrap(), ["x", ""]);
        assert!(split_command("x 'a").is_err());
        assert!(split_command("   ").is_err());
    }
}
