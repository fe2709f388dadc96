//! The HTML report in headless Chromium (Debian's chromium; CI installs it): for the
//! reference, a failing fauxplementation and a partial implementation, the page's category
//! counts, the matrix's colours (as computed by the browser from the page's own style), the
//! order of the cases, the filters and the views are read from the rendered DOM. A
//! screenshot of each view is kept under target/test-artifacts/html-report/.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_trace-conform");

fn chromium() -> Option<PathBuf> {
    for c in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(c).exists() {
            return Some(PathBuf::from(c));
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install Debian's chromium (.ci/run does)"
    );
    eprintln!("SKIP: no chromium; install Debian's chromium to render the HTML report");
    None
}

fn faux(mode: &str) -> String {
    let script = common::repo().join("harness/runner/tests/fauxplementations/faux.py");
    format!("python3 {} {mode}", script.display())
}

/// Runs the whole vector set (through `adapter`, or the reference) into a fresh folder;
/// returns the folder and summary.json.
fn report(adapter: Option<&str>) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(["run", "--out"]).arg(dir.path());
    if let Some(a) = adapter {
        cmd.args(["--adapter", a]);
    }
    let out = cmd
        .env("TRACE_CONFORM_BIN", BIN)
        .stdin(Stdio::null())
        .output()
        .expect("trace-conform runs");
    let summary: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("summary.json"))
            .unwrap_or_else(|e| panic!("{e}: no summary.json\n{}", String::from_utf8_lossy(&out.stderr))),
    )
    .unwrap();
    (dir, summary)
}

fn headless(chromium: &Path, profile: &Path, width: u32) -> Command {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--window-size={width},1400"))
    .stdin(Stdio::null());
    c
}

/// What the probe reads from the live page, after its script ran: the chips, the module
/// cells of both matrices with their computed background, the case order, what the filters
/// and views do, and whether the page is wider than the window.
const PROBE: &str = r#"<script>
(function(){
var q=function(s){return Array.prototype.slice.call(document.querySelectorAll(s))};
var bg=function(e){return getComputedStyle(e).backgroundColor};
var out={chips:{},cells:[],platform_cells:[],order:[],colours:{}};
q('#categories .chip').forEach(function(c){out.chips[c.dataset.category]={text:c.textContent,bg:bg(c)}});
['passed','failed','known','not-tested'].forEach(function(k){var s=document.createElement('span');s.className=k;document.body.appendChild(s);out.colours[k]=bg(s)});
var cell=function(c){return {cls:c.className,bg:bg(c),module:c.dataset.module,level:c.dataset.level||'',
form:c.dataset.form||'',passed:+c.dataset.passed,failed:+c.dataset.failed,known:+c.dataset.known,
not_tested:+c.dataset.notTested,visible:c.offsetParent!==null}};
q('#matrix tr.module td.cell').forEach(function(c){out.cells.push(cell(c))});
q('#matrix-platform tr.module td.cell').forEach(function(c){out.platform_cells.push(cell(c))});
q('#cases details.case').forEach(function(d){out.order.push([d.dataset.category,d.open])});
out.rule_rows_visible=q('#matrix tr.rule').filter(function(t){return t.offsetParent!==null}).length;
out.too_wide=document.documentElement.scrollWidth>window.innerWidth+1;
var f=document.getElementById('f-outcome');
var shown=function(){return q('#cases details.case').filter(function(d){return !d.classList.contains('hidden')}).length};
out.filtered={};
['failed','known','not-tested','passed',''].forEach(function(v){f.value=v;f.dispatchEvent(new Event('input'));out.filtered[v||'all']=shown()});
document.querySelector('button.view[data-view=platform]').click();
out.platform_view=[document.getElementById('view-level-form').offsetParent!==null,document.getElementById('view-platform').offsetParent!==null];
var p=document.createElement('pre');p.id='probe';p.textContent=JSON.stringify(out);document.body.appendChild(p);
})();
</script>"#;

/// The page with the probe appended, rendered; returns what the probe read.
fn probe(chromium: &Path, page: &Path, width: u32) -> Value {
    let html = std::fs::read_to_string(page).unwrap();
    let probed = page.with_file_name("probed.html");
    std::fs::write(&probed, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let o = headless(chromium, profile.path(), width)
        .arg("--dump-dom")
        .arg(format!("file://{}", probed.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&o.stdout);
    let start = dom
        .find("<pre id=\"probe\">")
        .unwrap_or_else(|| panic!("the probe did not run: {}", &dom[..dom.len().min(500)]))
        + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    serde_json::from_str(&dom[start..end].replace("&amp;", "&")).expect("probe JSON")
}

/// A screenshot of `page` at `width`, opened with `fragment`, kept as a test artifact.
fn screenshot(chromium: &Path, page: &Path, name: &str, fragment: &str, width: u32) -> PathBuf {
    let dir = common::repo().join("target/test-artifacts/html-report");
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&png);
    let profile = tempfile::tempdir().unwrap();
    let o = headless(chromium, profile.path(), width)
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}{fragment}", page.display()))
        .output()
        .expect("chromium runs");
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
        "{name}: not a screenshot"
    );
    png
}

/// The checks every report must pass: chips equal summary.json's categories; each module
/// cell's counts add up to those categories in both views; each cell is coloured by the
/// page's style for its worst category; cases come failed, known, not tested, passed, with
/// the failed ones open; the outcome filter shows exactly each category's cases; the
/// platform view replaces the level view.
fn check_page(p: &Value, summary: &Value, what: &str) {
    let cats = &summary["categories"];
    for (chip, key, word) in [
        ("passed", "passed", "passed"),
        ("failed", "failed", "failed"),
        ("known", "known", "known failure"),
        ("not-tested", "not_tested", "not tested"),
    ] {
        let n = cats[key].as_u64().unwrap();
        let text = p["chips"][chip]["text"].as_str().unwrap();
        assert!(
            text.starts_with(&format!("{n} {word}")),
            "{what}: chip {chip} says {text}, summary {n}"
        );
        assert_eq!(p["chips"][chip]["bg"], p["colours"][chip], "{what}: chip {chip} colour");
        assert_eq!(p["filtered"][chip].as_u64(), Some(n), "{what}: outcome filter {chip}");
        for view in ["cells", "platform_cells"] {
            let sum: u64 = p[view]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c[key].as_u64().unwrap())
                .sum();
            assert_eq!(sum, n, "{what}: {view} count {key}");
        }
    }
    let total = summary["results"].as_array().unwrap().len() as u64;
    assert_eq!(p["filtered"]["all"].as_u64(), Some(total), "{what}");
    assert_eq!(p["order"].as_array().unwrap().len() as u64, total);
    for cells in ["cells", "platform_cells"] {
        for c in p[cells].as_array().unwrap() {
            let worst = if c["failed"].as_u64() > Some(0) {
                "failed"
            } else if c["known"].as_u64() > Some(0) {
                "known"
            } else if c["passed"].as_u64() > Some(0) {
                "passed"
            } else {
                "not-tested"
            };
            assert!(c["cls"].as_str().unwrap().ends_with(worst), "{what}: {c}");
            assert_eq!(c["bg"], p["colours"][worst], "{what}: cell colour {c}");
        }
    }
    let rank = |c: &str| {
        ["failed", "known", "not-tested", "passed"]
            .iter()
            .position(|k| *k == c)
            .unwrap()
    };
    let order: Vec<(usize, bool)> = p["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (rank(o[0].as_str().unwrap()), o[1].as_bool().unwrap()))
        .collect();
    assert!(order.windows(2).all(|w| w[0].0 <= w[1].0), "{what}: cases out of order");
    assert!(
        order.iter().all(|(r, open)| *open == (*r == 0)),
        "{what}: only failed cases open"
    );
    assert_eq!(
        p["rule_rows_visible"], 0,
        "{what}: rules start collapsed under their module"
    );
    assert_eq!(
        p["platform_view"],
        serde_json::json!([false, true]),
        "{what}: view switch"
    );
    assert_eq!(p["too_wide"], false, "{what}: the page scrolls sideways");
    let colours: std::collections::BTreeSet<&str> = ["passed", "failed", "known", "not-tested"]
        .iter()
        .map(|k| p["colours"][k].as_str().unwrap())
        .collect();
    assert_eq!(colours.len(), 4, "{what}: the four categories need four colours");
}

fn screenshots(chromium: &Path, page: &Path, name: &str) {
    screenshot(chromium, page, &format!("{name}-level-form"), "", 1280);
    screenshot(chromium, page, &format!("{name}-platform"), "#view=platform", 1280);
    screenshot(chromium, page, &format!("{name}-failed-narrow"), "#outcome=failed", 420);
}

#[test]
fn the_reference_report_is_all_green_and_counts_every_vector() {
    let Some(chromium) = chromium() else { return };
    let (dir, summary) = report(None);
    let page = dir.path().join("index.html");
    let p = probe(&chromium, &page, 1280);
    check_page(&p, &summary, "reference");
    assert_eq!(summary["categories"]["failed"], 0);
    assert!(
        p["cells"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["bg"] == p["colours"]["passed"])
    );
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing is loaded from anywhere (vector text may name URLs, as text).
    for load in [" src=", "<link", "url(", "@import", "<iframe", "<img"] {
        assert!(!html.contains(load), "the report loads something: {load}");
    }
    screenshots(&chromium, &page, "reference");
}

#[test]
fn a_failing_implementation_shows_red_cells_and_its_failures_first() {
    let Some(chromium) = chromium() else { return };
    let (dir, summary) = report(Some(&faux("wrong-class")));
    let page = dir.path().join("index.html");
    let p = probe(&chromium, &page, 1280);
    check_page(&p, &summary, "wrong-class");
    // On a phone-sized window the tables scroll inside their boxes, not the page.
    check_page(&probe(&chromium, &page, 420), &summary, "wrong-class, narrow");
    assert!(
        summary["categories"]["failed"].as_u64() > Some(100),
        "{}",
        summary["categories"]
    );
    assert!(
        p["cells"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["bg"] == p["colours"]["failed"])
    );
    // A failing case shows what it rests on, the request sent and the replay command.
    let html = std::fs::read_to_string(&page).unwrap();
    let at = html.find("<details class=\"case failed\"").unwrap();
    let first = &html[at..at + html[at..].find("</details>").unwrap()];
    for part in [
        "(spec ",
        "<h4>request sent</h4>",
        "&quot;trace_adapter&quot;:1",
        "<h4>replay</h4>",
    ] {
        assert!(first.contains(part), "{part} missing from {first}");
    }
    screenshots(&chromium, &page, "wrong-class");
}

#[test]
fn a_partial_implementation_shows_what_it_does_not_claim_as_not_tested() {
    let Some(chromium) = chromium() else { return };
    let (dir, summary) = report(Some(&faux("subset")));
    let page = dir.path().join("index.html");
    let p = probe(&chromium, &page, 1280);
    check_page(&p, &summary, "subset");
    assert_eq!(summary["categories"]["failed"], 0, "{}", summary["categories"]);
    assert!(summary["categories"]["not_tested"].as_u64() > Some(100));
    // It claims embedded EdDSA at Level 0 only: every cell above Level 0, and every cell of
    // another form, is grey, never green.
    for c in p["cells"].as_array().unwrap() {
        if c["level"] != "0" || c["form"] != "embedded" {
            assert_eq!(c["bg"], p["colours"]["not-tested"], "{c}");
        }
    }
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<td>embedded</td><td>EdDSA</td><td>level 0</td>"),
        "the level per form and algorithm"
    );
    screenshots(&chromium, &page, "subset");
}

/// The published verifier report folders (reports/<implementation>-<version>/); producer
/// reports (every result of module `producer`) are not on the dashboard.
fn published() -> Vec<PathBuf> {
    let dirs = verifier_reports(false);
    assert!(dirs.len() >= 4, "{dirs:?}");
    dirs
}

/// The published verifier reports (not producers'): the newest release of each
/// implementation, or (`older`) the older releases, which are labelled with the newest
/// release's profile (`profile_written_for`, IMPL-41).
fn verifier_reports(older: bool) -> Vec<PathBuf> {
    let summary =
        |dir: &Path| -> Value { serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap() };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(common::repo().join("reports"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("summary.json").is_file())
        .filter(|p| {
            let s = summary(p);
            let producer = s["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["module"] == "producer");
            !producer && s.get("profile_written_for").is_some() == older
        })
        .collect();
    dirs.sort();
    dirs
}

/// The dashboard of `dirs`, with the throughput table of the published bench run.
fn dashboard(dirs: &[PathBuf], out: &Path, check: bool) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("dashboard").args(dirs).arg("--out").arg(out);
    cmd.arg("--bench").arg(common::repo().join("reports/benchmarks.json"));
    if check {
        cmd.arg("--check");
    }
    cmd.stdin(Stdio::null()).output().expect("trace-conform runs")
}

#[test]
fn the_published_dashboard_is_current() {
    let site = common::repo().join("reports/site");
    let every_release = [published(), verifier_reports(true)].concat();
    let o = dashboard(&every_release, &site, true);
    assert_eq!(
        o.status.code(),
        Some(0),
        "regenerate with tools/publish-reports.sh: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // And --check can fail: a page that differs is named.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "old").unwrap();
    let o = dashboard(&published(), dir.path(), true);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("index.html"));
}

/// What the dashboard probe reads: the implementations, the module cells with their counts
/// and computed colours, the vector rows, and what the "differ" filter leaves.
const DASHBOARD_PROBE: &str = r#"<script>
(function(){
var q=function(s){return Array.prototype.slice.call(document.querySelectorAll(s))};
var bg=function(e){return getComputedStyle(e).backgroundColor};
var out={colours:{},cells:[]};
['passed','failed','known','not-tested'].forEach(function(k){var s=document.createElement('span');s.className=k;document.body.appendChild(s);out.colours[k]=bg(s)});
out.implementations=q('#implementations tr').length-1;
out.history=q('#history tr').length-1;
out.throughput=q('#throughput tr').length-1;out.unmeasured=q('#throughput td[colspan="6"]').length;
q('#by-module td.cell,#by-level td.cell,#by-form td.cell,#by-platform td.cell,#rules td.cell').forEach(function(c){out.cells.push({cls:c.className,bg:bg(c),
passed:+c.dataset.passed,failed:+c.dataset.failed,known:+c.dataset.known,not_tested:+c.dataset.notTested})});
var rows=function(){return q('#vectors tr.vector').filter(function(r){return !r.classList.contains('hidden')}).length};
out.vectors=rows();
var d=document.getElementById('f-differ');
if(d){d.checked=true;d.dispatchEvent(new Event('change'));out.differ=rows();
var t=document.getElementById('f-text');d.checked=false;t.value='tr-sig-005';t.dispatchEvent(new Event('input'));out.rule=rows();}
var p=document.createElement('pre');p.id='probe';p.textContent=JSON.stringify(out);document.body.appendChild(p);
})();
</script>"#;

fn probe_with(chromium: &Path, page: &Path, script: &str) -> Value {
    let html = std::fs::read_to_string(page).unwrap();
    let probed = page.with_file_name(format!("probed-{}", page.file_name().unwrap().to_string_lossy()));
    std::fs::write(&probed, html.replace("</body>", &format!("{script}</body>"))).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let o = headless(chromium, profile.path(), 1280)
        .arg("--dump-dom")
        .arg(format!("file://{}", probed.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&o.stdout);
    let start = dom.find("<pre id=\"probe\">").expect("the probe ran") + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    serde_json::from_str(&dom[start..end].replace("&amp;", "&")).expect("probe JSON")
}

#[test]
fn the_dashboard_compares_the_published_implementations_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let dirs = published();
    let out = tempfile::tempdir().unwrap();
    let o = dashboard(&dirs, out.path(), false);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let summaries: Vec<Value> = dirs
        .iter()
        .map(|d| serde_json::from_slice(&std::fs::read(d.join("summary.json")).unwrap()).unwrap())
        .collect();
    let ids: std::collections::BTreeSet<String> = summaries
        .iter()
        .flat_map(|s| {
            s["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
        })
        .collect();
    let index = probe_with(&chromium, &out.path().join("index.html"), DASHBOARD_PROBE);
    assert_eq!(index["implementations"].as_u64(), Some(dirs.len() as u64), "{index}");
    assert_eq!(index["history"].as_u64(), Some(dirs.len() as u64));
    // The throughput table (reports/benchmarks.json) has a row for every published
    // implementation, and every one was measured in that bench run.
    assert_eq!(index["throughput"].as_u64(), Some(dirs.len() as u64), "{index}");
    assert_eq!(
        index["unmeasured"].as_u64(),
        Some(0),
        "regenerate with tools/bench-report.sh"
    );
    let vectors = probe_with(&chromium, &out.path().join("vectors.html"), DASHBOARD_PROBE);
    assert_eq!(vectors["vectors"].as_u64(), Some(ids.len() as u64));
    // The "differ" filter leaves exactly the vectors whose category is not the same in
    // every implementation, counted here from the summaries themselves.
    let category = |r: &Value| match (r["outcome"].as_str().unwrap(), r["flaky"].as_bool().unwrap_or(false)) {
        ("pass", _) => "passed",
        ("not_claimed" | "skipped" | "not_run", _) => "not-tested",
        ("xfail", _) | (_, true) => "known",
        _ => "failed",
    };
    let differing = |summaries: &[Value], ids: &std::collections::BTreeSet<String>| {
        ids.iter()
            .filter(|id| {
                let seen: std::collections::BTreeSet<&str> = summaries
                    .iter()
                    .map(|s| {
                        s["results"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|r| r["id"] == id.as_str())
                            .map(category)
                            .unwrap_or("absent")
                    })
                    .collect();
                seen.len() > 1
            })
            .count() as u64
    };
    assert_eq!(
        vectors["differ"].as_u64(),
        Some(differing(&summaries, &ids)),
        "the differ filter"
    );
    // Two implementations that agree on much (neither claims JWS or COSE): the filter must
    // leave some vectors out, and exactly the agreeing ones.
    let pair = tempfile::tempdir().unwrap();
    assert_eq!(dashboard(&dirs[..2], pair.path(), false).status.code(), Some(0));
    let pair_probe = probe_with(&chromium, &pair.path().join("vectors.html"), DASHBOARD_PROBE);
    let pair_ids: std::collections::BTreeSet<String> = summaries[..2]
        .iter()
        .flat_map(|s| {
            s["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
        })
        .collect();
    let expected = differing(&summaries[..2], &pair_ids);
    assert!(
        expected > 0 && expected < pair_ids.len() as u64,
        "{expected} of {}",
        pair_ids.len()
    );
    assert_eq!(
        pair_probe["differ"].as_u64(),
        Some(expected),
        "the differ filter on two implementations"
    );
    let rule = vectors["rule"].as_u64().unwrap();
    assert!(rule > 0 && rule < ids.len() as u64, "{rule}");
    // With the older releases too: the comparison stays one row per implementation (its
    // newest release), and the history lists every release.
    let older = verifier_reports(true);
    assert!(older.len() >= 8, "{older:?}");
    let all: Vec<PathBuf> = dirs.iter().chain(&older).cloned().collect();
    let with_history = tempfile::tempdir().unwrap();
    assert_eq!(dashboard(&all, with_history.path(), false).status.code(), Some(0));
    let history_probe = probe_with(&chromium, &with_history.path().join("index.html"), DASHBOARD_PROBE);
    assert_eq!(
        history_probe["implementations"].as_u64(),
        Some(dirs.len() as u64),
        "{history_probe}"
    );
    assert_eq!(
        history_probe["history"].as_u64(),
        Some(all.len() as u64),
        "{history_probe}"
    );
    // Each implementation's column in "by module" adds up to its summary's categories, and
    // every cell is coloured by its worst category.
    assert!(
        index["cells"].as_array().unwrap().len() > 4 * 20,
        "the index tables have cells"
    );
    assert!(
        vectors["cells"].as_array().unwrap().len() > 4 * 100,
        "the rule table has cells"
    );
    for page in [&index, &vectors] {
        for c in page["cells"].as_array().unwrap() {
            let worst = ["failed", "known", "passed"]
                .into_iter()
                .find(|k| c[k.replace('-', "_")].as_u64() > Some(0))
                .unwrap_or("not-tested");
            assert_eq!(c["bg"], page["colours"][worst], "{c}");
        }
    }
    let passed: u64 = summaries
        .iter()
        .map(|s| s["categories"]["passed"].as_u64().unwrap())
        .sum();
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    let module_table = &html[html.find("<table id=\"by-module\">").unwrap()..];
    let module_table = &module_table[..module_table.find("</table>").unwrap()];
    let counted: u64 = module_table
        .match_indices("data-passed=\"")
        .map(|(at, m)| {
            let rest = &module_table[at + m.len()..];
            rest[..rest.find('"').unwrap()].parse::<u64>().unwrap()
        })
        .sum();
    assert_eq!(counted, passed, "passes by module add up to the summaries'");
    screenshot(&chromium, &out.path().join("index.html"), "dashboard-index", "", 1280);
    screenshot(
        &chromium,
        &out.path().join("vectors.html"),
        "dashboard-vectors",
        "",
        1280,
    );
}
