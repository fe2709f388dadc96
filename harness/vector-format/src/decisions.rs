//! The suite's decisions (`docs/decisions.md`) as data, so that a report can say what each
//! decision it cites settled, next to the case that rests on it.
//!
//! Owns: reading the page this build was made with: each `## <ID>: <title>` heading and the
//! first paragraph of its `**Choice.**`. Does not own the decisions' text (the page) nor
//! which expectation rests on which decision (`basis`).

use std::collections::BTreeMap;

/// The page this build was made with.
pub const EMBEDDED: &str = include_str!("../../../docs/decisions.md");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub title: String,
    /// The choice, as one line (the paragraph's line breaks joined).
    pub choice: String,
}

/// Id -> decision, from page text.
pub fn parse(text: &str) -> BTreeMap<String, Decision> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, Decision)> = None;
    let mut in_choice = false;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            out.extend(current.take());
            in_choice = false;
            if let Some((id, title)) = heading.split_once(": ")
                && crate::statements::decision_ids(id).first().map(String::as_str) == Some(id.trim())
            {
                current = Some((
                    id.trim().to_string(),
                    Decision {
                        title: title.trim().to_string(),
                        choice: String::new(),
                    },
                ));
            }
            continue;
        }
        let Some((_, d)) = current.as_mut() else { continue };
        if let Some(rest) = line.strip_prefix("**Choice.**") {
            in_choice = true;
            d.choice = rest.trim().to_string();
        } else if in_choice && !line.trim().is_empty() {
            d.choice.push(' ');
            d.choice.push_str(line.trim());
        } else if in_choice {
            in_choice = false;
        }
    }
    out.extend(current);
    out
}

/// The link to a decision's entry: `docs/decisions.md#` and the anchor a Markdown renderer
/// (GitHub's) makes of the heading `<ID>: <title>`: lower case, spaces to `-`, other
/// punctuation dropped.
pub fn link(id: &str, d: &Decision) -> String {
    let heading = format!("{id}: {}", d.title).to_lowercase();
    let anchor: String = heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    format!("docs/decisions.md#{anchor}")
}

/// The decisions of the embedded page.
pub fn all() -> &'static BTreeMap<String, Decision> {
    static ALL: std::sync::OnceLock<BTreeMap<String, Decision>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| parse(EMBEDDED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_choices_are_read_and_other_sections_ignored() {
        let page = "# Suite decisions\n\n## Three kinds\n\ntext\n\n## D-09: EdDSA, ES256 and ES384\n\n\
                    **Question.** q\n\n**Choice.** All three are\nverified.\n\n**Why.** w\n\n## IMPL-03: COSE\n\n**Choice.** Sign1.\n";
        let d = parse(page);
        assert_eq!(d.len(), 2);
        assert_eq!(d["D-09"].title, "EdDSA, ES256 and ES384");
        assert_eq!(d["D-09"].choice, "All three are verified.");
        assert_eq!(d["IMPL-03"].choice, "Sign1.");
    }

    #[test]
    fn the_embedded_page_defines_the_decisions_the_catalogue_cites() {
        let all = all();
        assert!(all.len() > 50, "{}", all.len());
        for id in ["D-09", "D-49", "IMPL-13", "IMPL-39"] {
            assert!(!all[id].choice.is_empty(), "{id} has no choice");
        }
    }
    #[test]
    fn a_link_names_the_anchor_a_markdown_renderer_gives_the_heading() {
        let d = Decision {
            title: "EdDSA, ES256 and ES384 (all three)".into(),
            choice: String::new(),
        };
        assert_eq!(
            link("D-09", &d),
            "docs/decisions.md#d-09-eddsa-es256-and-es384-all-three"
        );
    }
}
