//! `index.html`: the run as a picture. A banner (implementation, level reached overall and
//! per form and algorithm, the four categories, suite, vector set, date), a matrix of
//! modules (expandable to rules) by level and form, a second view by platform, filters by
//! outcome, rule, level and platform, then every case: failed first, then known failures,
//! not tested, passed. One self-contained file: no external resource, readable without
//! script, usable on a narrow screen.
//!
//! Owns: the page's layout, style and script. Does not own any figure (every count comes
//! from the `RunResult`) nor escaping (`trace_untrusted::escape`).

use crate::outcome::Outcome;
use crate::protocol::Op;
use crate::report::{Categories, cited_decisions, counts, implementation_title, replay_command, vector_set_line};
use crate::run::{CaseResult, RunResult, level_reached_by};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use trace_untrusted::escape::html as esc;

/// The category of one case, as the page names it (class names and filter values).
pub fn category(c: &CaseResult) -> &'static str {
    category_of(c.outcome, c.flaky)
}

/// The category of an outcome: `passed`, `failed`, `known` (a known failure, or a vector
/// the profile marks flaky) or `not-tested`, as `report::Categories` counts them.
pub fn category_of(outcome: Outcome, flaky: bool) -> &'static str {
    match outcome {
        Outcome::Pass => "passed",
        Outcome::NotClaimed | Outcome::Skipped | Outcome::NotRun => "not-tested",
        Outcome::Xfail => "known",
        _ if flaky => "known",
        _ => "failed",
    }
}

/// The four categories' colours, shared by the report and the dashboard.
pub const CATEGORY_STYLE: &str = ":root{--passed:#d4edda;--failed:#f5c6cb;--known:#ffe8a1;--not-tested:#e2e3e5}\
.passed{background:var(--passed)}.failed{background:var(--failed)}.known{background:var(--known)}\
.not-tested{background:var(--not-tested)}";

/// The order of the case list: failed, known, not tested, passed.
fn rank(category: &str) -> u8 {
    match category {
        "failed" => 0,
        "known" => 1,
        "not-tested" => 2,
        _ => 3,
    }
}

/// Counts of cases by category: one matrix cell here, one dashboard cell or run there.
#[derive(Default, Clone, Copy)]
pub(crate) struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub known: usize,
    pub not_tested: usize,
}

impl Tally {
    /// Counts one case of `category` (`passed`, `failed`, `known`; anything else is not tested).
    pub(crate) fn add_category(&mut self, category: &str) {
        match category {
            "passed" => self.passed += 1,
            "failed" => self.failed += 1,
            "known" => self.known += 1,
            _ => self.not_tested += 1,
        }
    }
    fn add(&mut self, c: &CaseResult) {
        self.add_category(category(c));
    }
    pub(crate) fn total(&self) -> usize {
        self.passed + self.failed + self.known + self.not_tested
    }
    /// The colour class: any failure makes a cell red, then known failures amber, then
    /// passes green; a cell with nothing tested is grey.
    pub(crate) fn class(&self) -> &'static str {
        if self.failed > 0 {
            "failed"
        } else if self.known > 0 {
            "known"
        } else if self.passed > 0 {
            "passed"
        } else {
            "not-tested"
        }
    }
    /// "✓3 ✗1 ~2 –4", zeros left out.
    pub(crate) fn text(&self) -> String {
        [
            ("✓", self.passed),
            ("✗", self.failed),
            ("~", self.known),
            ("–", self.not_tested),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(mark, n)| format!("{mark}{n}"))
        .collect::<Vec<_>>()
        .join(" ")
    }
}

const STYLE: &str = "\
body{font:14px system-ui,sans-serif;margin:1em auto;padding:0 1em;max-width:80em;color:#222}\
p,pre,summary,li{overflow-wrap:anywhere}\
.matrix th,.matrix td{white-space:nowrap}\
h1{margin:.2em 0}table{border-collapse:collapse;margin:.5em 0}\
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\
.scroll{overflow-x:auto;max-width:100%}\
.chip{display:inline-block;padding:.2em .6em;margin:.1em;border-radius:1em;font-weight:bold}\
#banner{border-bottom:2px solid #888;padding-bottom:.5em}\
#filters{position:sticky;top:0;background:#fff;padding:.4em 0;border-bottom:1px solid #ccc;z-index:1}\
#filters label{margin-right:1em;white-space:nowrap}\
td.cell a{color:inherit;text-decoration:none;display:block;white-space:nowrap}\
tr.rule th{font-weight:normal;padding-left:1.5em}\
.collapsed tr.rule{display:none}\
button.toggle{border:0;background:none;cursor:pointer;font:inherit;padding:0}\
details.case{border-left:6px solid #ccc;margin:.3em 0;padding:.2em .5em}\
details.case.failed{border-color:#c62828}details.case.known{border-color:#b7791f}\
details.case.passed{border-color:#2e7d32}details.case.not-tested{border-color:#888}\
pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap;word-break:break-all}\
.hidden{display:none}\
@media (max-width:40em){body{font-size:13px}#filters label{display:block}}";

/// Filters, view switching and row expansion. Without script every row and case shows.
const SCRIPT: &str = "\
(function(){\
var $=function(s){return Array.prototype.slice.call(document.querySelectorAll(s))};\
var f={outcome:document.getElementById('f-outcome'),rule:document.getElementById('f-rule'),\
level:document.getElementById('f-level'),platform:document.getElementById('f-platform'),\
module:'',form:''};\
function apply(){\
var o=f.outcome.value,r=f.rule.value.trim().toUpperCase(),l=f.level.value,p=f.platform.value,n=0;\
$('details.case').forEach(function(d){\
var ok=(!o||d.dataset.category===o)&&(!r||d.dataset.rules.toUpperCase().indexOf(r)>=0)&&\
(!l||d.dataset.level===l)&&(!p||d.dataset.platform===p)&&(!f.module||d.dataset.module===f.module)&&\
(!f.form||d.dataset.form===f.form);d.classList.toggle('hidden',!ok);if(ok)n++});\
$('tr.rule').forEach(function(t){t.classList.toggle('hidden',!!r&&t.dataset.rule.toUpperCase().indexOf(r)===-1)});\
$('[data-col-level]').forEach(function(c){c.classList.toggle('hidden',!!l&&c.dataset.colLevel!==l)});\
$('[data-col-platform]').forEach(function(c){c.classList.toggle('hidden',!!p&&c.dataset.colPlatform!==p)});\
document.getElementById('shown').textContent=n+' cases shown'+(f.module?' (module '+f.module+(f.form?', form '+f.form:'')+')':'');}\
function view(v){var platform=v==='platform';\
document.getElementById('view-level-form').classList.toggle('hidden',platform);\
document.getElementById('view-platform').classList.toggle('hidden',!platform);}\
[f.outcome,f.rule,f.level,f.platform].forEach(function(e){e.addEventListener('input',function(){f.module='';f.form='';apply()})});\
$('button.view').forEach(function(b){b.addEventListener('click',function(){view(b.dataset.view)})});\
$('tbody.module').forEach(function(t){t.classList.add('collapsed')});\
$('button.toggle').forEach(function(b){b.textContent='▸ '+b.dataset.module});\
$('button.toggle').forEach(function(b){b.addEventListener('click',function(){\
var t=b.closest('tbody');t.classList.toggle('collapsed');b.textContent=(t.classList.contains('collapsed')?'▸ ':'▾ ')+b.dataset.module})});\
$('td.cell a').forEach(function(a){a.addEventListener('click',function(){var c=a.parentNode;\
f.outcome.value='';f.rule.value=c.dataset.rule||'';f.level.value=c.dataset.level||'';f.platform.value=c.dataset.platform||'';\
f.module=c.dataset.module;f.form=c.dataset.form||'';apply()})});\
var h=location.hash.match(/view=([a-z-]+)/);view(h?h[1]:'level-form');\
var q=location.hash.match(/outcome=([a-z-]+)/);if(q)f.outcome.value=q[1];apply();\
})();";

/// The level reached for each form and algorithm the run saw, with the worst category of
/// its cases: over the `verify` cases of that form signed with that algorithm, and the
/// form's cases that need no algorithm (unsigned or unparsable input), which every verifier
/// of the form meets.
fn levels_by_form_and_alg(r: &RunResult) -> BTreeMap<(String, String), (Option<u8>, &'static str)> {
    let verify: Vec<&CaseResult> = r.cases.iter().filter(|c| c.op == Op::Verify).collect();
    // The pairs some vector signed with that algorithm was tested in (not merely listed).
    let pairs: BTreeSet<(String, String)> = verify
        .iter()
        .filter(|c| category(c) != "not-tested")
        .filter_map(|c| c.alg.as_ref().map(|a| (c.format.clone(), a.clone())))
        .collect();
    let mut groups: BTreeMap<(String, String), Vec<&CaseResult>> = BTreeMap::new();
    for (form, alg) in pairs {
        let cases = verify
            .iter()
            .copied()
            .filter(|c| c.format == form && c.alg.as_ref().is_none_or(|a| *a == alg))
            .collect();
        groups.insert((form, alg), cases);
    }
    groups
        .into_iter()
        .map(|(k, cases)| {
            let mut cell = Tally::default();
            for c in &cases {
                cell.add(c);
            }
            (k, (level_reached_by(&cases), cell.class()))
        })
        .collect()
}

fn level_words(l: Option<u8>) -> String {
    l.map(|l| format!("level {l}")).unwrap_or_else(|| "no level".into())
}

fn banner(h: &mut String, r: &RunResult, suite_version: &str) {
    let cats = Categories::of(&r.cases);
    let _ = write!(
        h,
        "<header id=\"banner\"><h1>{}</h1>\n<p id=\"level\">Level reached: <b>{}</b>{}</p>\n",
        esc(&implementation_title(r)),
        level_words(r.level_reached()),
        if r.complete { "" } else { " (incomplete run)" }
    );
    if let Some(e) = &r.startup_error {
        let _ = writeln!(
            h,
            "<p id=\"startup-error\" class=\"failed\"><b>The adapter did not start, so no vector was tested:</b> {}</p>",
            esc(e)
        );
    }
    if let Some(sentence) = crate::report::profile_sentence(r) {
        let _ = writeln!(h, "<p id=\"profile-written-for\"><b>{}</b></p>", esc(&sentence));
    }
    let _ = writeln!(
        h,
        "<p id=\"categories\"><span class=\"chip passed\" data-category=\"passed\">{} passed</span>\
         <span class=\"chip failed\" data-category=\"failed\">{} failed</span>\
         <span class=\"chip known\" data-category=\"known\">{} known failure{}</span>\
         <span class=\"chip not-tested\" data-category=\"not-tested\">{} not tested</span></p>",
        cats.passed,
        cats.failed,
        cats.known,
        if cats.known == 1 { "" } else { "s" },
        cats.not_tested
    );
    let by_form = levels_by_form_and_alg(r);
    if !by_form.is_empty() {
        h.push_str(
            "<div class=\"scroll\"><table id=\"levels\"><tr><th>form</th><th>algorithm</th><th>level reached</th></tr>",
        );
        for ((form, alg), (level, worst)) in &by_form {
            let _ = write!(
                h,
                "<tr class=\"{worst}\"><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(form),
                esc(alg),
                level_words(*level)
            );
        }
        h.push_str("</table></div>\n");
    }
    let _ = write!(h, "<p id=\"suite\">Suite {}", esc(suite_version));
    if let Some(line) = vector_set_line(r) {
        let _ = write!(h, "; <span id=\"vector-set\">vector set: {}</span>", esc(&line));
    }
    if let Some(at) = &r.started_at {
        let _ = write!(h, "; run at <time id=\"date\">{}</time>", esc(at));
    }
    let _ = writeln!(
        h,
        ". Scored on {}; adapter restarts: {}.</p></header>",
        r.capabilities.error_detail.describe(),
        r.restarts
    );
}

fn filters(h: &mut String, r: &RunResult) {
    let levels: BTreeSet<u8> = r.cases.iter().map(|c| c.level).collect();
    let platforms: BTreeSet<&str> = r.cases.iter().map(|c| c.platform.as_str()).collect();
    h.push_str(
        "<nav id=\"filters\"><label>outcome <select id=\"f-outcome\"><option value=\"\">all</option>\
         <option value=\"failed\">failed</option><option value=\"known\">known failures</option>\
         <option value=\"not-tested\">not tested</option><option value=\"passed\">passed</option></select></label>\
         <label>rule <input id=\"f-rule\" size=\"12\" placeholder=\"TR-SIG\"></label>\
         <label>level <select id=\"f-level\"><option value=\"\">all</option>",
    );
    for l in &levels {
        let _ = write!(h, "<option value=\"{l}\">{l}</option>");
    }
    h.push_str("</select></label><label>platform <select id=\"f-platform\"><option value=\"\">all</option>");
    for p in &platforms {
        let _ = write!(h, "<option value=\"{0}\">{0}</option>", esc(p));
    }
    h.push_str(
        "</select></label> view: <button class=\"view\" data-view=\"level-form\">level and form</button>\
         <button class=\"view\" data-view=\"platform\">platform</button> <span id=\"shown\"></span></nav>\n",
    );
}

/// One matrix view: rows are modules, each followed by its rules; columns are `columns`,
/// with `column_of` naming a case's column.
fn matrix(
    h: &mut String,
    r: &RunResult,
    id: &str,
    columns: &[(String, String)],
    column_of: &dyn Fn(&CaseResult) -> String,
    column_attrs: &dyn Fn(&str) -> String,
) {
    let mut modules: BTreeMap<&str, BTreeMap<String, Tally>> = BTreeMap::new();
    let mut rules: BTreeMap<&str, BTreeMap<&str, BTreeMap<String, Tally>>> = BTreeMap::new();
    for c in &r.cases {
        let col = column_of(c);
        modules
            .entry(&c.module)
            .or_default()
            .entry(col.clone())
            .or_default()
            .add(c);
        for rule in &c.rules {
            rules
                .entry(&c.module)
                .or_default()
                .entry(rule)
                .or_default()
                .entry(col.clone())
                .or_default()
                .add(c);
        }
    }
    let _ = write!(
        h,
        "<div class=\"scroll\"><table id=\"{id}\" class=\"matrix\"><thead><tr><th>module / rule</th>"
    );
    for (key, title) in columns {
        let _ = write!(h, "<th {}>{}</th>", column_attrs(key), esc(title));
    }
    h.push_str("</tr></thead>\n");
    let cell = |h: &mut String, cell: Option<&Tally>, key: &str, module: &str, rule: Option<&str>| {
        match cell.filter(|c| c.total() > 0) {
            None => {
                let _ = write!(h, "<td {}></td>", column_attrs(key));
            }
            Some(c) => {
                // Module cells carry their counts as data too (tests and tools read them).
                let counts = if rule.is_none() {
                    format!(
                        " data-passed=\"{}\" data-failed=\"{}\" data-known=\"{}\" data-not-tested=\"{}\"",
                        c.passed, c.failed, c.known, c.not_tested
                    )
                } else {
                    String::new()
                };
                let _ = write!(
                    h,
                    "<td class=\"cell {class}\" {attrs} data-module=\"{module}\"{rule}{counts}><a href=\"#cases\">{text}</a></td>",
                    class = c.class(),
                    attrs = column_attrs(key),
                    module = esc(module),
                    rule = rule.map(|r| format!(" data-rule=\"{}\"", esc(r))).unwrap_or_default(),
                    text = c.text()
                );
            }
        }
    };
    for (module, cells) in &modules {
        let _ = write!(
            h,
            "<tbody class=\"module\" data-module=\"{m}\"><tr class=\"module\"><th><button class=\"toggle\" data-module=\"{m}\">▾ {m}</button></th>",
            m = esc(module)
        );
        for (key, _) in columns {
            cell(h, cells.get(key), key, module, None);
        }
        h.push_str("</tr>\n");
        for (rule, rule_cells) in rules.get(module).into_iter().flatten() {
            let _ = write!(h, "<tr class=\"rule\" data-rule=\"{0}\"><th>{0}</th>", esc(rule));
            for (key, _) in columns {
                cell(h, rule_cells.get(key), key, module, Some(rule));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n");
    }
    h.push_str("</table></div>\n");
}

/// The key of a level-and-form column: "1 jws".
fn level_form(c: &CaseResult) -> String {
    format!("{} {}", c.level, c.format)
}

fn views(h: &mut String, r: &RunResult) {
    h.push_str(
        "<section id=\"view-level-form\"><h2>By level and form</h2>\
         <p>Each cell counts its vectors: ✓ passed, ✗ failed, ~ known failure, – not tested. \
         Red: something failed; amber: only known failures; green: passes; grey: nothing tested. \
         Click a module to show its rules, a cell to list its cases.</p>\n",
    );
    let cols: BTreeSet<(u8, String)> = r.cases.iter().map(|c| (c.level, c.format.clone())).collect();
    let columns: Vec<(String, String)> = cols
        .iter()
        .map(|(l, f)| (format!("{l} {f}"), format!("L{l} {f}")))
        .collect();
    matrix(h, r, "matrix", &columns, &level_form, &|key| {
        let (level, form) = key.split_once(' ').unwrap_or((key, ""));
        format!(
            "data-col-level=\"{}\" data-level=\"{}\" data-form=\"{}\"",
            esc(level),
            esc(level),
            esc(form)
        )
    });
    h.push_str("</section>\n<section id=\"view-platform\"><h2>By platform</h2>\n");
    let platforms: BTreeSet<String> = r.cases.iter().map(|c| c.platform.clone()).collect();
    let columns: Vec<(String, String)> = platforms.iter().map(|p| (p.clone(), p.clone())).collect();
    matrix(h, r, "matrix-platform", &columns, &|c| c.platform.clone(), &|key| {
        format!("data-col-platform=\"{0}\" data-platform=\"{0}\"", esc(key))
    });
    h.push_str("</section>\n");
}

fn pretty(v: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn case(h: &mut String, r: &RunResult, c: &CaseResult) {
    let cat = category(c);
    let e = &c.explanation;
    let _ = write!(
        h,
        "<details class=\"case {cat}\" id=\"{id}\" data-category=\"{cat}\" data-outcome=\"{outcome}\" data-module=\"{module}\" \
         data-level=\"{level}\" data-form=\"{form}\" data-platform=\"{platform}\" data-rules=\"{rules}\"{open}>\
         <summary><code>{id}</code>: {outcome} <small>({label})</small></summary>",
        id = esc(&c.id),
        outcome = c.outcome.name(),
        module = esc(&c.module),
        level = c.level,
        form = esc(&c.format),
        platform = esc(&c.platform),
        rules = esc(&c.rules.join(" ")),
        open = if cat == "failed" { " open" } else { "" },
        label = basis_html(c),
    );
    if !c.detail.is_empty() {
        let _ = write!(h, "<p class=\"detail\">{}</p>", esc(&c.detail));
    }
    let _ = write!(h, "<p>{}</p>", esc(&e.description));
    // Passed and untested cases: one line and the description; the rest for what failed.
    if cat == "passed" || cat == "not-tested" {
        h.push_str("</details>\n");
        return;
    }
    if !e.comment.is_empty() {
        let _ = write!(h, "<p><i>Why:</i> {}</p>", esc(&e.comment));
    }
    if !e.statements.is_empty() || !e.spec_refs.is_empty() {
        h.push_str("<ul class=\"statements\">");
        for s in &e.statements {
            let _ = write!(
                h,
                "<li><b>{}</b> {} {} {}: {}</li>",
                esc(&s.id),
                esc(&s.keyword),
                esc(&s.document),
                esc(&s.section),
                esc(&s.summary)
            );
        }
        if !e.spec_refs.is_empty() {
            let _ = write!(h, "<li>cited: {}</li>", esc(&e.spec_refs.join("; ")));
        }
        h.push_str("</ul>");
    }
    let _ = write!(
        h,
        "<h4>expected</h4><pre>{}</pre><h4>actual</h4><pre>{}</pre>",
        esc(&pretty(&c.expected)),
        esc(&c.actual.as_ref().map(pretty).unwrap_or_else(|| "(none)".into()))
    );
    if let Some(req) = &c.request {
        let _ = write!(h, "<h4>request sent</h4><pre class=\"request\">{}</pre>", esc(req));
    }
    if !c.stderr.is_empty() {
        let _ = write!(h, "<h4>stderr</h4><pre>{}</pre>", esc(&c.stderr));
    }
    let _ = writeln!(h, "<h4>replay</h4><pre>{}</pre></details>", esc(&replay_command(r, c)));
}

/// The basis label with each decision id linked to its entry further down the page.
fn basis_html(c: &CaseResult) -> String {
    let e = &c.explanation;
    if e.basis.decisions.is_empty() {
        return esc(&e.label());
    }
    let mut label = esc(e.basis.kind.describe());
    for (i, id) in e.basis.decisions.iter().enumerate() {
        let id = esc(id);
        let _ = write!(
            label,
            "{} <a href=\"#decision-{id}\">{id}</a>",
            if i == 0 { "" } else { "," }
        );
    }
    label
}

pub fn html(r: &RunResult, suite_version: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>trace-conform: {}</title>\n<style>{CATEGORY_STYLE}{STYLE}</style></head><body>\n",
        esc(&implementation_title(r))
    );
    banner(&mut h, r, suite_version);
    filters(&mut h, r);
    views(&mut h, r);
    h.push_str("<section id=\"cases\"><h2>Cases</h2><p>Failed first, then known failures, not tested, passed.</p>\n");
    let mut cases: Vec<&CaseResult> = r.cases.iter().collect();
    cases.sort_by_key(|c| rank(category(c)));
    for c in cases {
        case(&mut h, r, c);
    }
    h.push_str("</section>\n<h2>Outcomes</h2><table id=\"outcomes\"><tr><th>outcome</th><th>vectors</th></tr>");
    for (name, n) in counts(&r.cases) {
        if n > 0 {
            let _ = write!(h, "<tr><td>{name}</td><td>{n}</td></tr>");
        }
    }
    h.push_str("</table>\n");
    // Every case is on the page, so every decision a case cites is listed for its link.
    let cited = cited_decisions(r.cases.iter());
    if !cited.is_empty() {
        h.push_str("<h2>Decisions these cases rest on</h2>\n<dl id=\"decisions\">");
        for (id, d) in cited {
            let _ = write!(
                h,
                "<dt id=\"decision-{id}\">{id}: {title}</dt><dd>{choice} ({link})</dd>",
                id = esc(id),
                title = esc(&d.title),
                choice = esc(&d.choice),
                link = esc(&trace_vector_format::decisions::link(id, d))
            );
        }
        h.push_str("</dl>\n");
    }
    let _ = write!(h, "<script>{SCRIPT}</script>\n</body></html>\n");
    h
}
