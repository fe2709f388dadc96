//! Choosing the vectors of a run: globs to keep and skip, level, platform, form, shard.

use crate::profile::glob_matches;
use crate::run::Work;
use trace_vector_format::format::{Context, Test, VectorFile};

#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub only: Vec<String>,
    pub skip: Vec<String>,
    pub level: Option<u8>,
    pub platform: Option<String>,
    pub format: Option<String>,
    /// (index from 1, count)
    pub shard: Option<(usize, usize)>,
}

/// Parses `I/N` (1 <= I <= N).
pub fn parse_shard(text: &str) -> Result<(usize, usize), crate::Error> {
    shard(text).map_err(crate::Error::Invalid)
}

fn shard(text: &str) -> Result<(usize, usize), String> {
    let (i, n) = text.split_once('/').ok_or("--shard takes I/N")?;
    let (i, n) = (
        i.parse::<usize>().map_err(|_| "--shard I/N: I is not a number")?,
        n.parse::<usize>().map_err(|_| "--shard I/N: N is not a number")?,
    );
    if n == 0 || i == 0 || i > n {
        return Err(format!("--shard {text}: need 1 <= I <= N"));
    }
    Ok((i, n))
}

/// A pattern without `*` matches ids containing it; with `*` it is a glob over the id.
fn matches(pattern: &str, id: &str) -> bool {
    if pattern.contains('*') {
        glob_matches(pattern, id)
    } else {
        id.contains(pattern)
    }
}

impl Selection {
    /// The filters (everything but the shard) as one line of JSON: equal for two runs that
    /// select the same vectors from the same set.
    pub fn filters(&self) -> String {
        serde_json::json!({
            "only": self.only, "skip": self.skip, "level": self.level,
            "platform": self.platform, "format": self.format,
        })
        .to_string()
    }

    fn keeps(&self, ctx: &Context, test: &Test) -> bool {
        (self.only.is_empty() || self.only.iter().any(|p| matches(p, &test.id)))
            && !self.skip.iter().any(|p| matches(p, &test.id))
            && self.level.is_none_or(|l| ctx.level == l)
            && self.platform.as_deref().is_none_or(|p| ctx.platform == p)
            && self.format.as_deref().is_none_or(|f| ctx.format == f)
    }
}

/// Every (module, context, test) of the files, in file, group and test order.
fn all(files: &[VectorFile]) -> impl Iterator<Item = (&str, &Context, &Test)> {
    files.iter().flat_map(|f| {
        f.groups
            .iter()
            .flat_map(move |g| g.tests.iter().map(move |t| (f.module.as_str(), &g.context, t)))
    })
}

/// How many vectors the filters keep, before any shard is taken.
pub fn selected(files: &[VectorFile], s: &Selection) -> usize {
    all(files).filter(|(_, c, t)| s.keeps(c, t)).count()
}

/// The vectors to run: those the filters keep, in file order; with a shard `I/N`, every
/// N-th of them from the I-th on (round robin, so shards are balanced across modules).
pub fn select(files: &[VectorFile], s: &Selection) -> Vec<Work> {
    let chosen = all(files).filter(|(_, c, t)| s.keeps(c, t));
    let picked: Vec<(&str, &Context, &Test)> = match s.shard {
        Some((i, n)) => chosen
            .enumerate()
            .filter(|(k, _)| k % n == i - 1)
            .map(|(_, w)| w)
            .collect(),
        None => chosen.collect(),
    };
    picked
        .into_iter()
        .map(|(module, ctx, test)| Work {
            ctx: ctx.clone(),
            test: test.clone(),
            module: module.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use trace_vector_format::load;

    fn ids(files: &[VectorFile], s: &Selection) -> Vec<String> {
        select(files, s).into_iter().map(|w| w.test.id).collect()
    }

    #[test]
    fn shards_are_one_based_and_bounded() {
        assert_eq!(parse_shard("1/3"), Ok((1, 3)));
        assert_eq!(parse_shard("3/3"), Ok((3, 3)));
        for bad in ["0/3", "4/3", "1/0", "3", "a/3", "1/b", "-1/3"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_count_before_sharding_and_the_filters_line_name_the_selection() {
        let files: Vec<VectorFile> = load::load_dir(&load::default_dir())
            .expect("vectors")
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        let jws = Selection {
            only: vec!["sig::jws::".into()],
            ..Selection::default()
        };
        let n = ids(&files, &jws).len();
        assert!(n > 3);
        let sharded = Selection {
            shard: Some((2, 3)),
            ..jws.clone()
        };
        // The count is the selection's, whatever shard is taken; the shard is its part.
        assert_eq!(selected(&files, &sharded), n);
        assert_eq!(ids(&files, &sharded).len(), crate::merge::shard_size(n, 2, 3));
        // The filters line tells selections apart, and leaves the shard out.
        assert_eq!(jws.filters(), sharded.filters());
        assert_ne!(jws.filters(), Selection::default().filters());
        let level = Selection {
            level: Some(1),
            ..Selection::default()
        };
        assert_ne!(level.filters(), Selection::default().filters());
        assert!(jws.filters().contains("sig::jws::"));
    }

    #[test]
    fn filters_and_shards_partition_the_committed_set() {
        let files: Vec<VectorFile> = load::load_dir(&load::default_dir())
            .expect("vectors")
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        let all = ids(&files, &Selection::default());
        assert!(all.len() > 400);
        // Substrings without a star, globs with one; skip wins over only.
        let jws = ids(
            &files,
            &Selection {
                only: vec!["sig::jws::".into()],
                ..Selection::default()
            },
        );
        assert!(!jws.is_empty() && jws.iter().all(|id| id.starts_with("sig::jws::")));
        let globbed = ids(
            &files,
            &Selection {
                only: vec!["sig::*::alg-*".into()],
                ..Selection::default()
            },
        );
        assert!(
            !globbed.is_empty()
                && globbed
                    .iter()
                    .all(|id| id.starts_with("sig::") && id.contains("::alg-"))
        );
        let skipped = ids(
            &files,
            &Selection {
                only: vec!["sig::jws::".into()],
                skip: vec!["sig::jws::alg-".into()],
                ..Selection::default()
            },
        );
        assert!(skipped.len() < jws.len() && skipped.iter().all(|id| !id.contains("::alg-")));
        // Level, platform and form filters keep exactly their vectors.
        for (s, check) in [
            (
                Selection {
                    level: Some(2),
                    ..Selection::default()
                },
                &(|w: &Work| w.ctx.level == 2) as &dyn Fn(&Work) -> bool,
            ),
            (
                Selection {
                    platform: Some("tpm2".into()),
                    ..Selection::default()
                },
                &|w: &Work| w.ctx.platform == "tpm2",
            ),
            (
                Selection {
                    format: Some("cose".into()),
                    ..Selection::default()
                },
                &|w: &Work| w.ctx.format == "cose",
            ),
        ] {
            let chosen = select(&files, &s);
            assert!(!chosen.is_empty() && chosen.iter().all(check));
            let rest = select(&files, &Selection::default())
                .into_iter()
                .filter(|w| check(w))
                .count();
            assert_eq!(chosen.len(), rest);
        }
        // Three shards: disjoint, together everything, in order.
        let shards: Vec<Vec<String>> = (1..=3)
            .map(|i| {
                ids(
                    &files,
                    &Selection {
                        shard: Some((i, 3)),
                        ..Selection::default()
                    },
                )
            })
            .collect();
        let mut joined: Vec<String> = shards.concat();
        assert_eq!(joined.len(), all.len());
        joined.sort();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(joined, sorted);
        assert_eq!(shards[0][0], all[0]);
        assert_eq!(shards[1][0], all[1]);
    }
}
