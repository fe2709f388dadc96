//! Merging the runs of shards (`run --shard I/N`, each on its own machine) into the run of
//! the whole selection, from which `trace-conform report merge` writes the reports an
//! unsharded run would have written.
//!
//! Owns: the shard record a sharded run leaves beside its reports (`shard.json`), the checks
//! that the shards belong together and cover the selection exactly once, and the merge.
//! Does not own reading or writing files (the CLI) or rendering reports (`report`).

use crate::Error;
use crate::run::RunResult;
use serde::{Deserialize, Serialize};

pub const SHARD_SCHEMA: &str = "trace-conform/shard.v1";
/// The file a sharded run writes into its report folder.
pub const SHARD_FILE: &str = "shard.json";

/// One shard's run, with what makes it part of a whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardRecord {
    pub schema: String,
    /// From 1.
    pub index: usize,
    pub count: usize,
    /// The selection's filters (`Selection::filters`): equal on every shard of a run.
    pub filters: String,
    /// How many vectors the filters selected before the shard was taken.
    pub selected: usize,
    pub run: RunResult,
}

impl ShardRecord {
    pub fn new(index: usize, count: usize, filters: String, selected: usize, run: RunResult) -> ShardRecord {
        ShardRecord {
            schema: SHARD_SCHEMA.into(),
            index,
            count,
            filters,
            selected,
            run,
        }
    }
}

/// How many of `selected` vectors shard `index` of `count` runs: every `count`-th from the
/// `index`-th on (`select`).
pub fn shard_size(selected: usize, index: usize, count: usize) -> usize {
    (selected + count - index) / count
}

/// The run of the whole selection: the shards' cases in the order one run would have had
/// them (round robin back), the vector set and implementation they share, the sum of their
/// restarts, the first start error, the earliest start. `Err` when the shards are not the
/// `count` parts of one selection of one set by one implementation.
pub fn merge(mut shards: Vec<ShardRecord>) -> Result<RunResult, Error> {
    let bad = |why: String| Err(Error::Invalid(why));
    let Some(first) = shards.first() else {
        return bad("no shard to merge".into());
    };
    let (count, selected) = (first.count, first.selected);
    if let Some(s) = shards.iter().find(|s| s.schema != SHARD_SCHEMA) {
        return bad(format!("shard {}: schema is not {SHARD_SCHEMA}", s.index));
    }
    shards.sort_by_key(|s| s.index);
    let indices: Vec<usize> = shards.iter().map(|s| s.index).collect();
    if indices != (1..=count).collect::<Vec<_>>() {
        return bad(format!("shards {indices:?} are not 1 to {count}, each once"));
    }
    let first = &shards[0];
    for s in &shards {
        let differs = [
            (s.count != count, "the shard count"),
            (s.filters != first.filters, "the selection's filters"),
            (s.selected != selected, "the number of vectors selected"),
            (s.run.vector_set != first.run.vector_set, "the vector set"),
            (s.run.implementation != first.run.implementation, "the implementation"),
            (s.run.capabilities != first.run.capabilities, "the capabilities claimed"),
            (
                s.run.profile_written_for != first.run.profile_written_for,
                "the profile's implementation",
            ),
        ];
        if let Some((_, what)) = differs.iter().find(|(d, _)| *d) {
            return bad(format!("shard {} differs from shard 1 in {what}", s.index));
        }
        let want = shard_size(selected, s.index, count);
        if s.run.cases.len() != want {
            return bad(format!(
                "shard {} has {} results; shard {} of {count} of {selected} vectors has {want}",
                s.index,
                s.run.cases.len(),
                s.index
            ));
        }
    }
    let mut queues: Vec<std::vec::IntoIter<_>> = shards.iter().map(|s| s.run.cases.clone().into_iter()).collect();
    let cases = (0..selected)
        .map(|k| queues[k % count].next().expect("sizes checked"))
        .collect();
    Ok(RunResult {
        adapter: first.run.adapter.clone(),
        implementation: first.run.implementation.clone(),
        capabilities: first.run.capabilities.clone(),
        cases,
        complete: shards.iter().all(|s| s.run.complete),
        startup_error: shards.iter().find_map(|s| s.run.startup_error.clone()),
        restarts: shards.iter().map(|s| s.run.restarts).sum(),
        vector_set: first.run.vector_set.clone(),
        started_at: shards.iter().filter_map(|s| s.run.started_at.clone()).min(),
        profile_written_for: first.run.profile_written_for.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Outcome;
    use crate::run::tests::{case, run_of};
    use trace_vector_format::format::Outcome as Expect;

    fn run(ids: &[&str]) -> RunResult {
        run_of(
            ids.iter()
                .map(|i| case(i, 0, Outcome::Pass, Expect::Valid, false))
                .collect(),
        )
    }

    /// The ids 0..n split as `select` splits them into `count` shards.
    fn shards(n: usize, count: usize) -> Vec<ShardRecord> {
        let ids: Vec<String> = (0..n).map(|k| format!("v{k}")).collect();
        (1..=count)
            .map(|i| {
                let mine: Vec<&str> = ids.iter().skip(i - 1).step_by(count).map(String::as_str).collect();
                ShardRecord::new(i, count, "{}".into(), n, run(&mine))
            })
            .collect()
    }

    fn ids(r: &RunResult) -> Vec<String> {
        r.cases.iter().map(|c| c.id.clone()).collect()
    }

    #[test]
    fn shards_in_any_order_merge_back_into_selection_order() {
        for (n, count) in [(10, 4), (4, 4), (3, 4), (7, 1), (0, 2)] {
            let mut parts = shards(n, count);
            parts.reverse();
            let merged = merge(parts).unwrap();
            assert_eq!(
                ids(&merged),
                (0..n).map(|k| format!("v{k}")).collect::<Vec<_>>(),
                "{n}/{count}"
            );
        }
    }

    #[test]
    fn restarts_add_up_and_the_first_start_error_and_earliest_start_are_kept() {
        let mut parts = shards(8, 4);
        parts[1].run.restarts = 2;
        parts[3].run.restarts = 1;
        parts[2].run.complete = false;
        parts[2].run.startup_error = Some("third".into());
        parts[3].run.startup_error = Some("fourth".into());
        parts[0].run.started_at = Some("2026-12-07T10:00:01Z".into());
        parts[1].run.started_at = Some("2026-12-07T10:00:00Z".into());
        let merged = merge(parts).unwrap();
        assert_eq!(merged.restarts, 3);
        assert!(!merged.complete);
        assert_eq!(merged.startup_error.as_deref(), Some("third"));
        assert_eq!(merged.started_at.as_deref(), Some("2026-12-07T10:00:00Z"));
    }

    #[test]
    fn shards_that_are_not_one_whole_are_refused() {
        let refused = |parts: Vec<ShardRecord>, says: &str| match merge(parts) {
            Err(Error::Invalid(m)) => assert!(m.contains(says), "{m}"),
            other => panic!("{says}: {other:?}"),
        };
        refused(Vec::new(), "no shard");
        let mut missing = shards(10, 4);
        missing.remove(2);
        refused(missing, "not 1 to 4");
        let mut twice = shards(10, 4);
        twice[3] = twice[2].clone();
        refused(twice, "not 1 to 4");
        let mut filters = shards(10, 4);
        filters[1].filters = r#"{"only":["sig"]}"#.into();
        refused(filters, "filters");
        let mut set = shards(10, 4);
        set[2].run.vector_set = Some(trace_vector_format::load::SetInfo {
            source: "embedded".into(),
            suite_version: "0".into(),
            digest: "sha256:00".into(),
            files: 1,
            vectors: 10,
        });
        refused(set, "vector set");
        let mut other = shards(10, 4);
        other[3].run.implementation.name = "other".into();
        refused(other, "implementation");
        let mut short = shards(10, 4);
        short[0].run.cases.pop();
        refused(short, "has 2 results");
        let mut count = shards(10, 4);
        count[1].count = 5;
        refused(count, "shard count");
        let mut schema = shards(10, 4);
        schema[0].schema = "other".into();
        refused(schema, "schema");
    }

    #[test]
    fn a_record_survives_its_file() {
        let part = shards(5, 2).remove(1);
        let text = serde_json::to_string(&part).unwrap();
        assert_eq!(serde_json::from_str::<ShardRecord>(&text).unwrap(), part);
    }
}
