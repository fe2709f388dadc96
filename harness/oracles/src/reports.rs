//! The oracle of report rendering: whatever an adapter says (its name, version, answers,
//! stderr) and whatever a vector file carries (rule names), every report parses and carries
//! no live markup.

use arbitrary::{Arbitrary, Unstructured};
use serde_json::Value;
use trace_runner::outcome::Outcome;
use trace_runner::protocol::{Capabilities, Implementation};
use trace_runner::report;
use trace_runner::run::{CaseResult, RunResult};
use trace_vector_format::basis::{Basis, BasisKind};
use trace_vector_format::explanation::Explanation;
use trace_vector_format::format::{Expected, Outcome as Expect};

#[derive(Arbitrary, Debug)]
struct Said {
    name: String,
    version: String,
    startup_error: Option<String>,
    cases: Vec<(u8, String, String, String, String)>,
}

/// Tags the report templates write; anything else after a `<` would be live markup.
const HTML_TAGS: &[&str] = &[
    "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "b", "table", "tr",
    "th", "td", "section", "pre", "div", "dl", "dt", "dd", "a", "header", "nav", "label", "select", "option", "input",
    "button", "span", "thead", "tbody", "details", "summary", "code", "small", "ul", "li", "i", "time", "script",
];
const XML_TAGS: &[&str] = &[
    "properties",
    "property",
    "?xml",
    "testsuites",
    "testsuite",
    "testcase",
    "failure",
    "skipped",
    "system-err",
    "error",
];

fn only_template_tags(text: &str, allowed: &[&str], what: &str) {
    for (at, _) in text.match_indices('<') {
        let rest = text[at + 1..].trim_start_matches('/');
        let tag: String = rest.chars().take_while(|c| !c.is_whitespace() && *c != '>').collect();
        assert!(allowed.contains(&tag.as_str()), "{what}: live markup <{tag}");
    }
}

/// Raw bytes read as what an adapter said; all five reports rendered from it.
pub fn report_rendering(data: &[u8]) {
    let Ok(said) = Said::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let cases: Vec<CaseResult> = said
        .cases
        .iter()
        .take(8)
        .enumerate()
        .map(|(i, (kind, detail, stderr, rule, answer))| CaseResult {
            id: format!("fuzz::report::case-{i}"),
            module: "fuzz".into(),
            op: trace_runner::protocol::Op::Verify,
            format: "embedded".into(),
            platform: "software-only".into(),
            level: kind % 3,
            rules: vec![rule.clone()],
            alg: Some(rule.clone()),
            // Vector text is someone else's text too: description, comment and citations.
            explanation: Explanation {
                description: detail.clone(),
                comment: stderr.clone(),
                spec_refs: vec![rule.clone()],
                ..Explanation::of_basis(Basis {
                    kind: BasisKind::Spec,
                    decisions: Vec::new(),
                })
            },
            request: Some(answer.clone()),
            outcome: Outcome::ALL[*kind as usize % Outcome::ALL.len()],
            flaky: false,
            detail: detail.clone(),
            expected: Expected {
                result: Expect::Valid,
                verdict: None,
                error: None,
                warnings: Vec::new(),
                flags: Vec::new(),
                output_text: None,
                controls: vec![rule.clone()],
            },
            actual: Some(serde_json::from_str(answer).unwrap_or(Value::String(answer.clone()))),
            stderr: stderr.clone(),
            duration_ms: 1,
        })
        .collect();
    let source = said.version.clone();
    let run = RunResult {
        adapter: vec!["adapter".into(), said.name.clone()],
        implementation: Implementation {
            name: said.name,
            version: said.version,
            ..Default::default()
        },
        capabilities: Capabilities::default(),
        cases,
        complete: true,
        startup_error: said.startup_error,
        restarts: 0,
        vector_set: Some(trace_vector_format::load::SetInfo {
            source: source.clone(),
            suite_version: "0.0.0".into(),
            digest: "sha256:00".into(),
            files: 1,
            vectors: 1,
        }),
        started_at: Some(source),
        profile_written_for: None,
    };
    let summary = serde_json::to_string(&report::summary_json(&run, "0.0.0")).expect("summary serializes");
    let back: Value = serde_json::from_str(&summary).expect("summary.json parses");
    assert_eq!(
        back["implementation"]["name"],
        run.implementation.name.as_str(),
        "text kept as data"
    );
    let page = trace_runner::report_html::html(&run, "0.0.0");
    only_template_tags(&page, HTML_TAGS, "index.html");
    // The one script is the template's own: none comes from the inputs.
    assert_eq!(page.matches("<script").count(), 1, "index.html: a second script");
    only_template_tags(&report::junit(&run), XML_TAGS, "junit.xml");
    let md = report::markdown(&run);
    for line in md.lines() {
        // Outside the fixed tables, markup characters from the inputs are escaped.
        if line.starts_with("| ") || line.starts_with("|---") {
            continue;
        }
        let mut escaped = false;
        for c in line.chars() {
            assert!(!c.is_control(), "summary.md: control character {c:?}");
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else {
                assert!(!matches!(c, '<' | '|'), "summary.md: unescaped {c:?} in {line:?}");
            }
        }
    }
}
