//! The dashboard: several runs' `summary.json` side by side, as a static site of two pages.
//! `index.html` compares the implementations (the latest version of each) by module, level,
//! form and platform, and lists every run published as each implementation's history;
//! with a bench run's figures, also their throughput (dashboard_bench);
//! `vectors.html` says, per rule and per vector, which implementations pass, fail, fail as
//! their profile says (with its reason) or do not claim it (and why).
//!
//! Owns: reading a summary's JSON into a `Run` and rendering the pages. Does not read files
//! (`trace-conform dashboard` does) nor decide any outcome: every figure is a summary's.

use crate::dashboard_bench::BenchRun;
use crate::outcome::Outcome;
use crate::report_html::{CATEGORY_STYLE, Tally, category_of};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use trace_untrusted::escape::html as esc;

/// One vector's result in one run.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: String,
    pub module: String,
    pub level: u8,
    pub format: String,
    pub platform: String,
    pub rules: Vec<String>,
    /// `passed`, `failed`, `known` or `not-tested`.
    pub category: &'static str,
    /// The outcome itself (an unexpected pass is `failed` as a category, yet it passed).
    pub outcome: Outcome,
    pub detail: String,
}

/// One run, as its summary.json states it.
#[derive(Clone, Debug)]
pub struct Run {
    pub name: String,
    pub version: String,
    /// As the summary states it (checked against the results before it is shown).
    pub level_reached: Option<u64>,
    pub complete: bool,
    pub suite_version: String,
    pub vector_set: String,
    pub entries: Vec<Entry>,
}

/// The most rules kept per vector: a summary from elsewhere could list millions.
pub const RULES_PER_VECTOR: usize = 64;

impl Run {
    pub fn title(&self) -> String {
        if self.name.trim().is_empty() {
            "(an implementation that did not name itself)".to_string()
        } else {
            format!("{} {}", self.name, self.version)
        }
    }

    /// The level the summary claims, shown only when the run is complete and no failure
    /// at or below that level contradicts it.
    fn level_text(&self) -> String {
        if !self.complete {
            return "incomplete run".into();
        }
        match self.level_reached {
            None => "no level".into(),
            Some(l)
                if l > 2
                    || self
                        .entries
                        .iter()
                        .any(|e| e.category == "failed" && u64::from(e.level) <= l) =>
            {
                "not shown: the summary's level contradicts its results".into()
            }
            Some(l) => format!("level {l}"),
        }
    }
}

/// A summary.json (schema trace-conform/summary.v1) as a run; `Err` names what is missing.
pub fn parse(summary: &Value) -> Result<Run, crate::Error> {
    read_run(summary).map_err(crate::Error::Invalid)
}

fn read_run(summary: &Value) -> Result<Run, String> {
    if summary["schema"] != crate::report::SUMMARY_SCHEMA {
        return Err(format!("not a {} document", crate::report::SUMMARY_SCHEMA));
    }
    let text = |v: &Value, what: &str| v.as_str().map(str::to_string).ok_or(format!("{what} is missing"));
    let mut entries = Vec::new();
    for r in summary["results"].as_array().ok_or("results is missing")? {
        let outcome = text(&r["outcome"], "a result's outcome")?;
        let known = Outcome::ALL
            .iter()
            .find(|o| o.name() == outcome)
            .ok_or(format!("unknown outcome {}", trace_untrusted::escape::quoted(&outcome)))?;
        entries.push(Entry {
            id: text(&r["id"], "a result's id")?,
            module: text(&r["module"], "a result's module")?,
            level: r["level"]
                .as_u64()
                .filter(|l| *l <= 2)
                .ok_or("a result's level is missing")? as u8,
            format: text(&r["format"], "a result's format")?,
            platform: text(&r["platform"], "a result's platform")?,
            rules: r["rules"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .take(RULES_PER_VECTOR)
                        .collect()
                })
                .unwrap_or_default(),
            category: category_of(*known, r["flaky"].as_bool().unwrap_or(false)),
            outcome: *known,
            detail: r["detail"].as_str().unwrap_or_default().to_string(),
        });
    }
    Ok(Run {
        name: text(&summary["implementation"]["name"], "implementation.name")?,
        version: text(&summary["implementation"]["version"], "implementation.version")?,
        level_reached: summary["level_reached"].as_u64(),
        complete: summary["complete"].as_bool().unwrap_or(false),
        suite_version: summary["suite_version"].as_str().unwrap_or_default().to_string(),
        vector_set: summary["vector_set"]["digest"]
            .as_str()
            .unwrap_or("not recorded")
            .to_string(),
        entries,
    })
}

/// Orders versions as Semantic Versioning does, as far as it matters here: build metadata
/// (after `+`) is ignored, dot-separated parts compare as numbers where they are numbers
/// ("0.10" after "0.9"), and a pre-release (after `-`) comes before its release.
/// Release parts, "no pre-release", pre-release parts: compared in that order.
type VersionKey = (Vec<(u64, String)>, bool, Vec<(u64, String)>);

fn version_key(v: &str) -> VersionKey {
    let parts = |t: &str| -> Vec<(u64, String)> {
        t.split('.')
            .map(|p| (p.parse::<u64>().unwrap_or(u64::MAX), p.to_string()))
            .collect()
    };
    let v = v.split('+').next().unwrap_or(v);
    match v.split_once('-') {
        Some((core, pre)) => (parts(core), false, parts(pre)),
        None => (parts(v), true, Vec::new()),
    }
}

/// The latest run of each implementation, by name.
fn latest(runs: &[Run]) -> Vec<&Run> {
    let mut by_name: BTreeMap<&str, &Run> = BTreeMap::new();
    for r in runs {
        let keep = by_name
            .get(r.name.as_str())
            .is_none_or(|old| version_key(&r.version) > version_key(&old.version));
        if keep {
            by_name.insert(&r.name, r);
        }
    }
    by_name.into_values().collect()
}

/// Between two runs of one implementation, over the vectors both tested: how many that did
/// not pass in `before` pass in `after`, and the reverse. An unexpected pass is a pass (the
/// vector passed; only the profile was wrong about it).
#[derive(Debug, Default, PartialEq, Eq)]
struct Changes {
    fixed: usize,
    broken: usize,
}

fn changes(before: &Run, after: &Run) -> Changes {
    let tested = |e: &Entry| e.category != "not-tested";
    let passed = |e: &Entry| matches!(e.outcome, Outcome::Pass | Outcome::Xpass);
    let was: BTreeMap<&str, &Entry> = before
        .entries
        .iter()
        .filter(|e| tested(e))
        .map(|e| (e.id.as_str(), e))
        .collect();
    let mut c = Changes::default();
    for e in after.entries.iter().filter(|e| tested(e)) {
        match was.get(e.id.as_str()) {
            Some(old) if !passed(old) && passed(e) => c.fixed += 1,
            Some(old) if passed(old) && !passed(e) => c.broken += 1,
            _ => {}
        }
    }
    c
}

fn tally<'a>(entries: impl Iterator<Item = &'a Entry>) -> Tally {
    let mut t = Tally::default();
    for e in entries {
        t.add_category(e.category);
    }
    t
}

/// A matrix cell: the tally's marks, coloured by the worst, its counts as data attributes.
fn cell(t: &Tally) -> String {
    if t.total() == 0 {
        return "<td></td>".into();
    }
    format!(
        "<td class=\"cell {}\" data-passed=\"{}\" data-failed=\"{}\" data-known=\"{}\" data-not-tested=\"{}\">{}</td>",
        t.class(),
        t.passed,
        t.failed,
        t.known,
        t.not_tested,
        t.text()
    )
}

const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:1em auto;padding:0 1em;max-width:90em;color:#222}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\
.scroll{overflow-x:auto;max-width:100%}td.cell,th{white-space:nowrap}small{display:block;color:#444;max-width:30em;white-space:normal}\
.chip{display:inline-block;padding:.1em .5em;margin:.1em;border-radius:1em}.hidden{display:none}\
p,li{overflow-wrap:anywhere}";

fn page(title: &str, nav: &str, body: &str, script: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{t}</title>\n\
         <style>{CATEGORY_STYLE}{STYLE}</style></head><body>\n<h1>{t}</h1>\n<p>{nav}</p>\n{body}{script}</body></html>\n",
        t = esc(title)
    )
}

/// A table of rows (the values of one dimension) by implementation; `keys` gives the rows
/// an entry counts in (one module, or every rule a vector names). Counted in one pass.
fn dimension_table(id: &str, heading: &str, runs: &[&Run], keys: &dyn Fn(&Entry) -> Vec<String>) -> String {
    let mut rows: BTreeMap<String, Vec<Tally>> = BTreeMap::new();
    for (i, r) in runs.iter().enumerate() {
        for e in &r.entries {
            for row in keys(e) {
                rows.entry(row).or_insert_with(|| vec![Tally::default(); runs.len()])[i].add_category(e.category);
            }
        }
    }
    let mut h = format!(
        "<h2>By {}</h2><div class=\"scroll\"><table id=\"{id}\"><tr><th>{}</th>",
        esc(heading),
        esc(heading)
    );
    for r in runs {
        let _ = write!(h, "<th>{}</th>", esc(&r.title()));
    }
    h.push_str("</tr>\n");
    for (row, counts) in &rows {
        let _ = write!(h, "<tr><th>{}</th>", esc(row));
        for c in counts {
            h.push_str(&cell(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
    h
}

fn chips(c: &Tally) -> String {
    format!(
        "<span class=\"chip passed\">{} passed</span><span class=\"chip failed\">{} failed</span>\
         <span class=\"chip known\">{} known</span><span class=\"chip not-tested\">{} not tested</span>",
        c.passed, c.failed, c.known, c.not_tested
    )
}

fn index(runs: &[Run], bench: Option<&BenchRun>) -> String {
    let shown = latest(runs);
    let mut h = String::from(
        "<p>Each implementation's latest published run. Cells count vectors: ✓ passed, ✗ failed, \
         ~ known failure (the implementation's profile says why), – not tested (not claimed, or skipped); \
         coloured by the worst.</p>\n<div class=\"scroll\"><table id=\"implementations\"><tr><th>implementation</th>\
         <th>level reached</th><th>vectors</th><th>vector set</th></tr>\n",
    );
    for r in &shown {
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td>{}</td><td>{}</td><td>suite {} <code>{}</code></td></tr>",
            esc(&r.title()),
            r.level_text(),
            chips(&tally(r.entries.iter())),
            esc(&r.suite_version),
            esc(&r.vector_set)
        );
    }
    h.push_str("</table></div>\n");
    if let Some(b) = bench {
        let titles: Vec<String> = shown.iter().map(|r| r.title()).collect();
        h.push_str(&crate::dashboard_bench::table(b, &titles));
    }
    h.push_str(&dimension_table("by-module", "module", &shown, &|e| {
        vec![e.module.clone()]
    }));
    h.push_str(&dimension_table("by-level", "level", &shown, &|e| {
        vec![format!("level {}", e.level)]
    }));
    h.push_str(&dimension_table("by-form", "form", &shown, &|e| vec![e.format.clone()]));
    h.push_str(&dimension_table("by-platform", "platform", &shown, &|e| {
        vec![e.platform.clone()]
    }));
    h.push_str(
        "<h2>History</h2><p>Every run published, by implementation and version. Since the previous version: \
         of the vectors both runs tested, how many that did not pass before pass now (an unexpected pass is a pass), \
         and how many that passed before do not.</p><div class=\"scroll\">\
         <table id=\"history\"><tr><th>implementation</th><th>version</th><th>level reached</th><th>vectors</th>\
         <th>since the previous version</th><th>vector set</th></tr>\n",
    );
    let mut all: Vec<&Run> = runs.iter().collect();
    all.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then(version_key(&a.version).cmp(&version_key(&b.version)))
    });
    for (i, r) in all.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| all[p]).filter(|p| p.name == r.name);
        let since = match previous {
            Some(p) => {
                let c = changes(p, r);
                format!("{} now pass, {} no longer pass", c.fixed, c.broken)
            }
            None => "–".to_string(),
        };
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{since}</td><td><code>{}</code></td></tr>",
            esc(&r.name),
            esc(&r.version),
            r.level_text(),
            chips(&tally(r.entries.iter())),
            esc(&r.vector_set)
        );
    }
    h.push_str("</table></div>\n");
    page(
        &format!("TRACE conformance: {} implementations", shown.len()),
        "Overview · <a href=\"vectors.html\">per rule and per vector</a>",
        &h,
        "",
    )
}

const VECTOR_SCRIPT: &str = "<script>(function(){\
var t=document.getElementById('f-text'),d=document.getElementById('f-differ');\
function apply(){var q=t.value.trim().toLowerCase(),n=0;\
Array.prototype.forEach.call(document.querySelectorAll('#vectors tr.vector'),function(r){\
var ok=(!q||r.dataset.search.indexOf(q)!==-1)&&(!d.checked||r.dataset.differ==='1');\
r.classList.toggle('hidden',!ok);if(ok)n++});\
document.getElementById('shown').textContent=n+' vectors shown'}\
t.addEventListener('input',apply);d.addEventListener('change',apply);apply()})();</script>\n";

fn vectors(runs: &[Run]) -> String {
    let shown = latest(runs);
    let mut h = dimension_table("rules", "rule", &shown, &|e| {
        // A vector counts under every rule it names; one naming none, under its module.
        if e.rules.is_empty() {
            vec![format!("({} without a rule)", e.module)]
        } else {
            e.rules.clone()
        }
    });
    h.push_str(
        "<h2>Vectors</h2><p><label>find <input id=\"f-text\" placeholder=\"id or rule\"></label> \
         <label><input type=\"checkbox\" id=\"f-differ\"> only where the implementations differ</label> \
         <span id=\"shown\"></span></p>\n<div class=\"scroll\"><table id=\"vectors\"><tr><th>vector</th><th>rules</th>",
    );
    for r in &shown {
        let _ = write!(h, "<th>{}</th>", esc(&r.title()));
    }
    h.push_str("</tr>\n");
    let index: Vec<BTreeMap<&str, &Entry>> = shown
        .iter()
        .map(|r| r.entries.iter().map(|e| (e.id.as_str(), e)).collect())
        .collect();
    let ids: BTreeMap<&str, &Entry> = shown
        .iter()
        .flat_map(|r| r.entries.iter().map(|e| (e.id.as_str(), e)))
        .collect();
    for (id, first) in ids {
        let seen: Vec<Option<&&Entry>> = index.iter().map(|m| m.get(id)).collect();
        let categories: BTreeSet<&str> = seen.iter().map(|e| e.map(|e| e.category).unwrap_or("absent")).collect();
        let rules = first.rules.join(" ");
        let _ = write!(
            h,
            "<tr class=\"vector\" data-search=\"{}\" data-differ=\"{}\"><th><code>{}</code></th><td>{}</td>",
            esc(&format!("{} {}", id, rules).to_lowercase()),
            u8::from(categories.len() > 1),
            esc(id),
            esc(&rules)
        );
        for e in seen {
            match e {
                None => h.push_str("<td>not in this run's set</td>"),
                Some(e) => {
                    let word = match e.category {
                        "passed" => "pass",
                        "failed" => "fail",
                        "known" => "known failure",
                        _ => "not tested",
                    };
                    // The reason for what is not a pass: the profile's words for a known
                    // failure, the missing capability for a vector not tested.
                    let why = if e.category == "passed" {
                        String::new()
                    } else {
                        format!("<small>{}</small>", esc(&e.detail))
                    };
                    let _ = write!(h, "<td class=\"{}\">{word}{why}</td>", e.category);
                }
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
    page(
        "TRACE conformance: per rule and per vector",
        "<a href=\"index.html\">Overview</a> · per rule and per vector",
        &h,
        VECTOR_SCRIPT,
    )
}

/// The site's files: (name, contents). Empty `runs` gives an empty comparison; `bench`, a
/// bench run's figures, adds the throughput table.
pub fn site(runs: &[Run], bench: Option<&BenchRun>) -> Vec<(&'static str, String)> {
    vec![("index.html", index(runs, bench)), ("vectors.html", vectors(runs))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(name: &str, version: &str, outcomes: &[(&str, &str)]) -> Value {
        json!({
            "schema": crate::report::SUMMARY_SCHEMA, "suite_version": "0.1.0",
            "implementation": {"name": name, "version": version}, "level_reached": 0, "complete": true,
            "vector_set": {"digest": "sha256:ab"},
            "results": outcomes.iter().map(|(id, o)| json!({"id": id, "outcome": o, "flaky": false,
                "detail": format!("why {id}"), "module": "sig", "format": "embedded", "platform": "software-only",
                "level": 0, "rules": ["TR-SIG-005"]})).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn the_latest_version_is_compared_and_every_version_is_history() {
        let runs: Vec<Run> = [
            summary("lib", "0.9.0", &[("a", "fail_verdict"), ("b", "pass")]),
            summary("lib", "0.10.0", &[("a", "pass"), ("b", "pass")]),
            summary("other", "1.0", &[("a", "xfail"), ("b", "not_claimed")]),
        ]
        .iter()
        .map(|s| parse(s).unwrap())
        .collect();
        let pages = site(&runs, None);
        let index = &pages[0].1;
        assert!(
            index.contains("<th>lib 0.10.0</th>") && !index.contains("<th>lib 0.9.0</th>"),
            "{index}"
        );
        assert!(index.contains("<tr><th>lib</th><td>0.9.0</td>") && index.contains("<tr><th>lib</th><td>0.10.0</td>"));
        assert!(
            index.find("<td>0.9.0</td>") < index.find("<td>0.10.0</td>"),
            "history in version order"
        );
        let vectors = &pages[1].1;
        assert!(
            vectors.contains("<td class=\"known\">known failure<small>why a</small></td>"),
            "{vectors}"
        );
        assert!(vectors.contains("<td class=\"not-tested\">not tested<small>why b</small></td>"));
        assert!(
            vectors.contains("data-differ=\"1\"><th><code>a</code>"),
            "pass vs known differ"
        );
    }

    #[test]
    fn a_document_that_is_not_a_summary_is_refused_with_a_reason() {
        let invalid = |e: crate::Error, says: &str| matches!(&e, crate::Error::Invalid(m) if m.contains(says));
        assert!(invalid(
            parse(&json!({"schema": "other"})).unwrap_err(),
            "not a trace-conform/summary.v1"
        ));
        let mut s = summary("lib", "1", &[("a", "pass")]);
        s["results"][0]["outcome"] = json!("maybe");
        assert!(invalid(parse(&s).unwrap_err(), "unknown outcome \"maybe\""));
        s["results"][0]["outcome"] = json!("pass");
        s["results"][0]["level"] = json!(7);
        assert!(parse(&s).is_err());
    }

    #[test]
    fn what_a_summary_from_elsewhere_says_is_text_and_its_claims_are_checked() {
        let mut hostile = summary("<script>x</script>", "1.0", &[("<b>id</b>", "fail_verdict")]);
        hostile["results"][0]["detail"] = json!("<img src=x onerror=alert(1)>");
        hostile["results"][0]["rules"] = json!((0..100_000).map(|i| format!("R{i}")).collect::<Vec<_>>());
        hostile["level_reached"] = json!(258);
        let mut incomplete = summary("lib", "2.0.0", &[("a", "pass")]);
        incomplete["complete"] = json!(false);
        let contradicted = {
            let mut s = summary("other", "1.0.0", &[("a", "fail_verdict")]);
            s["level_reached"] = json!(1);
            s
        };
        let runs: Vec<Run> = [hostile, incomplete, contradicted]
            .iter()
            .map(|s| parse(s).unwrap())
            .collect();
        assert_eq!(runs[0].entries[0].rules.len(), RULES_PER_VECTOR);
        for (_, page) in site(&runs, None) {
            assert!(
                !page.contains("<script>x") && !page.contains("<img") && !page.contains("<b>id"),
                "{page:.3000}"
            );
        }
        let index = &site(&runs, None)[0].1;
        assert!(index.contains("&lt;script&gt;x&lt;/script&gt; 1.0"), "{index:.2000}");
        assert!(index.contains("<td>incomplete run</td>"), "{index:.3000}");
        assert_eq!(
            index
                .matches("<td>not shown: the summary's level contradicts its results</td>")
                .count(),
            4,
            "level 258 and a level below a failure, in both tables: {index:.3000}"
        );
        assert!(!index.contains("level 2<") && !index.contains("level 1<"));
    }

    #[test]
    fn each_version_counts_what_it_fixed_and_broke_since_the_one_before() {
        let runs: Vec<Run> = [
            summary(
                "lib",
                "0.10.0",
                &[
                    ("a", "pass"),
                    ("b", "xfail"),
                    ("c", "not_claimed"),
                    ("d", "pass"),
                    ("e", "fail_verdict"),
                    ("f", "xfail"),
                    ("g", "xpass"),
                ],
            ),
            summary(
                "lib",
                "0.9.0",
                &[
                    ("a", "fail_verdict"),
                    ("b", "pass"),
                    ("c", "fail_verdict"),
                    ("d", "xfail"),
                    ("e", "fail_verdict"),
                    ("f", "xpass"),
                    ("g", "fail_verdict"),
                ],
            ),
            summary("other", "1.0", &[("a", "pass")]),
        ]
        .iter()
        .map(|s| parse(s).unwrap())
        .collect();
        // a, d and g (an unexpected pass passed) fixed; b and f (an unexpected pass before)
        // broken; c not tested after; e failed in both.
        assert_eq!(changes(&runs[1], &runs[0]), Changes { fixed: 3, broken: 2 });
        assert_eq!(changes(&runs[0], &runs[1]), Changes { fixed: 2, broken: 3 });
        let index = &site(&runs, None)[0].1;
        assert!(index.contains("<td>3 now pass, 2 no longer pass</td>"), "{index}");
        // The first version of each implementation has nothing before it.
        assert_eq!(index.matches("<td>–</td>").count(), 2, "{index}");
    }

    #[test]
    fn versions_order_as_releases_do() {
        let mut v = ["1.0.0", "1.0.0-rc.1", "0.10.0", "0.9.2", "1.0.0+build.7", "1.0.0-alpha"];
        v.sort_by_key(|x| version_key(x));
        assert_eq!(
            v,
            ["0.9.2", "0.10.0", "1.0.0-alpha", "1.0.0-rc.1", "1.0.0", "1.0.0+build.7"]
        );
    }
}
