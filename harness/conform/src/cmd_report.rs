//! `trace-conform report merge SHARD_DIRS... --out DIR`: the reports of one run from the
//! report folders of its shards (`run --shard I/N` on separate machines), equal to what the
//! unsharded run would have written but for timings and request ids.
//!
//! Owns: reading each folder's `shard.json` (bounded, strictly), writing the merged reports
//! and the exit status (as `run`'s, with `--baseline` and `--fail-under`). Does not own the
//! checks and the merge (`trace_runner::merge`) or the reports' content.

use crate::exit::{self, Exit};
use std::path::PathBuf;
use trace_runner::merge::{self, SHARD_FILE, ShardRecord};
use trace_runner::report;

/// The largest `shard.json` read: a shard of a large set, with every answer kept.
const SHARD_FILE_BYTES: u64 = 1 << 30;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Merge the report folders of a sharded run (`run --shard I/N`) into one report.
    Merge(MergeArgs),
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The shards' report folders (each a `run --shard I/N --out`), in any order.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Where the merged reports go (summary.json, summary.md, junit.xml, index.html,
    /// badge.json, cases/).
    #[arg(long)]
    pub out: PathBuf,
    /// A previous summary.json: only results that got worse fail the merge.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Fail unless this level (0, 1 or 2) is reached.
    #[arg(long, value_parser = crate::values::level())]
    pub fail_under: Option<u8>,
}

fn usage(e: impl std::fmt::Display) -> Exit {
    exit::fail("report merge", Exit::Usage, e)
}

pub fn run(c: Command) -> Exit {
    match c {
        Command::Merge(a) => merge_cmd(a),
    }
}

fn read_shard(dir: &std::path::Path) -> Result<ShardRecord, String> {
    let path = dir.join(SHARD_FILE);
    let bytes = trace_untrusted::read::read_regular(&path, SHARD_FILE_BYTES).map_err(String::from)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{}: not a shard record ({e}); it is written by `run --shard I/N`",
            path.display()
        )
    })
}

fn merge_cmd(a: MergeArgs) -> Exit {
    let mut shards = Vec::new();
    for dir in &a.shards {
        match read_shard(dir) {
            Ok(s) => shards.push(s),
            Err(e) => return usage(e),
        }
    }
    let n = shards.len();
    let merged = match merge::merge(shards) {
        Ok(r) => r,
        Err(e) => return exit::fail("report merge", Exit::from(&e), e),
    };
    if let Err(e) = report::write_all(&a.out, &merged, trace_vector_format::SUITE_VERSION) {
        return usage(e);
    }
    println!("merged {n} shard(s) into {}", a.out.display());
    crate::cmd_run::finish(&merged, &a.out, a.baseline.as_deref(), a.fail_under)
}
