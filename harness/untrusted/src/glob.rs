//! Glob patterns over `/`-separated paths: `?` is one character and `*` any run within a
//! component; a `**` component is any number of whole components.
//!
//! Owns: matching only, with one algorithm at both levels (greedy with a single resumption
//! point after the last star), so the cost is at most the product of the lengths, never
//! exponential in the number of stars. Does not walk directories.

/// Whether `path` matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let t: Vec<&str> = path.split('/').collect();
    wildcard(
        &p,
        &t,
        |p| *p == "**",
        |p, t| component_matches(p.as_bytes(), t.as_bytes()),
    )
}

/// Whether `s` has glob syntax.
pub fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?'])
}

fn component_matches(p: &[u8], t: &[u8]) -> bool {
    wildcard(p, t, |b| *b == b'*', |p, t| *p == b'?' || p == t)
}

/// Matches `text` against `pattern`, where `is_star` elements match any run of elements and
/// every other element matches exactly one element for which `one` holds. When a later
/// element fails, only the most recent star is extended; an earlier star never needs to be,
/// because the part between two stars matched at its leftmost position leaves the most text.
fn wildcard<P, T>(pattern: &[P], text: &[T], is_star: impl Fn(&P) -> bool, one: impl Fn(&P, &T) -> bool) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut resume: Option<(usize, usize)> = None;
    while ti < text.len() {
        if pi < pattern.len() && is_star(&pattern[pi]) {
            resume = Some((pi, ti));
            pi += 1;
        } else if pi < pattern.len() && one(&pattern[pi], &text[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = resume {
            pi = sp + 1;
            ti = st + 1;
            resume = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[pi..].iter().all(is_star)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn globs_match_within_and_across_components() {
        assert!(matches("records/*.json", "records/a.json"));
        assert!(!matches("records/*.json", "records/sub/a.json"));
        assert!(matches("records/**/*.json", "records/sub/deeper/a.json"));
        assert!(matches("records/**/*.json", "records/a.json"));
        assert!(matches("**", "a/b/c"));
        assert!(matches("r?c/*", "rec/x"));
        assert!(!matches("r?c/*", "reec/x"));
        assert!(!matches("*.json", "a.jsonl"));
        assert!(matches("*a*b*c*", "xxaxxbxxcxx"));
        assert!(!matches("*a*b*c*d", "xxaxxbxxcxx"));
        assert!(matches("a/**/b/**/c", "a/x/b/y/b/z/c"));
        assert!(!matches("a/**/b/**/c", "a/x/c/y/b"));
    }

    #[test]
    fn many_stars_and_double_stars_stay_fast() {
        let pattern = "*a".repeat(200);
        assert!(!matches(&pattern, &"a".repeat(199)));
        let deep = "**/".repeat(200) + "x";
        let path = "d/".repeat(300) + "y";
        assert!(!matches(&deep, &path));
    }

    /// A plain recursive matcher, exponential but obviously right, for small inputs.
    fn naive(p: &[u8], t: &[u8]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((b'*', rest)) => (0..=t.len()).any(|i| naive(rest, &t[i..])),
            Some((c, rest)) => !t.is_empty() && (*c == b'?' || *c == t[0]) && naive(rest, &t[1..]),
        }
    }

    proptest! {
        #[test]
        fn agrees_with_a_naive_matcher(p in "[ab*?]{0,8}", t in "[ab]{0,10}") {
            prop_assert_eq!(component_matches(p.as_bytes(), t.as_bytes()), naive(p.as_bytes(), t.as_bytes()));
        }
    }
}
