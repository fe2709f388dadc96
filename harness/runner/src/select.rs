//! Choosing the vectors of a run: globs to keep and skip, level, platform, form, shard.

use crate::profile::glob_matches;
use crate::run::Work;
use trace_vectors::format::VectorFile;

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
pub fn parse_shard(text: &str) -> Result<(usize, usize), String> {
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

pub fn select(files: &[VectorFile], s: &Selection) -> Vec<Work> {
    let all = files.iter().flat_map(|f| {
        f.groups.iter().flat_map(move |g| {
            g.tests.iter().map(move |t| Work {
                ctx: g.context.clone(),
                test: t.clone(),
                module: f.module.clone(),
            })
        })
    });
    let chosen = all.filter(|w| {
        (s.only.is_empty() || s.only.iter().any(|p| matches(p, &w.test.id)))
            && !s.skip.iter().any(|p| matches(p, &w.test.id))
            && s.level.is_none_or(|l| w.ctx.level == l)
            && s.platform.as_deref().is_none_or(|p| w.ctx.platform == p)
            && s.format.as_deref().is_none_or(|f| w.ctx.format == f)
    });
    match s.shard {
        Some((i, n)) => chosen
            .enumerate()
            .filter(|(k, _)| k % n == i - 1)
            .map(|(_, w)| w)
            .collect(),
        None => chosen.collect(),
    }
}
