//! One escaping function per output language. Any string an adapter, a vector file, a
//! capture or a record can carry comes out of these as text: never markup, never a
//! terminal control sequence, never a second shell word.
//!
//! Owns: HTML (element content and quoted attributes), XML, Markdown (one inline line, safe in a
//! table cell), terminal text, and POSIX shell words. Does not own layout; renderers call
//! these on every value they did not write themselves.

use std::fmt::Write as _;

/// Text for HTML element content or a double- or single-quoted attribute value.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Text for XML 1.0 element content or an attribute value: markup characters as entities,
/// and the characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF)
/// dropped.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The characters that can open inline markup in CommonMark or GitHub's dialect mid-line:
/// escapes, code, emphasis, links and images, autolinks and raw HTML, entities,
/// strikethrough, table cells, math, URL and address autolinks (`:`, `@`), and (harmless
/// mid-line, escaped anyway) headings and braces. Line starts are the caller's: every use
/// puts fixed text first.
pub const MARKDOWN_SPECIAL: &str = "\\`*_[]()<>|&~!#${}:@";

/// Text for one line of Markdown (CommonMark and GitHub's dialect), also safe inside a
/// table cell: every character of [`MARKDOWN_SPECIAL`] is backslash-escaped (CommonMark §2.4
/// allows that for any ASCII punctuation), and line breaks and control characters become
/// spaces. Other punctuation stays, so names and versions read as written.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for c in s.chars() {
        // `:` and `@` are special so that no URL or address autolinks; the dot of `www.`
        // is escaped for the same reason.
        let after_www = c == '.'
            && out.len() >= 3
            && out.is_char_boundary(out.len() - 3)
            && out[out.len() - 3..].eq_ignore_ascii_case("www");
        if MARKDOWN_SPECIAL.contains(c) || after_www {
            out.push('\\');
            out.push(c);
        } else if c.is_control() || is_invisible_format(c) {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A Markdown code span holding `s` literally when it can (no backtick, no control or
/// invisible character), else `s` as escaped text: readable ids, never a way out of the span.
pub fn markdown_code(s: &str) -> String {
    if !s.is_empty() && !s.contains('`') && !s.chars().any(|c| c.is_control() || is_invisible_format(c)) {
        format!("`{s}`")
    } else {
        markdown(s)
    }
}

/// Text for a terminal: control characters other than newline and tab (C0, DEL, C1, so no
/// escape sequence can start) and bidirectional overrides are shown as `\u{..}` escapes.
pub fn terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if (c.is_control() && c != '\n' && c != '\t') || is_invisible_format(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Like [`terminal`], and line breaks and tabs are escaped too: for one-line messages.
pub fn terminal_line(s: &str) -> String {
    // Printable ASCII holds no control or invisible character: nothing to escape (the
    // common case, and on the path of every finding `verify` prints).
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || is_invisible_format(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Someone else's message as part of ours: kept whole up to `max` characters, otherwise cut
/// there with the full length named. Escaping is the renderer's job; this bounds the size.
pub fn excerpt(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((at, _)) => format!("{} … ({} characters in all)", &s[..at], s.chars().count()),
    }
}

/// The longest excerpt [`quoted`] shows, in characters.
pub const QUOTED_CHARS: usize = 200;

/// Someone else's text inside a message: in double quotes, `"` and `\` escaped, control
/// and invisible characters as `\u{..}` (as [`terminal_line`]), cut after
/// [`QUOTED_CHARS`] characters with the full length named.
pub fn quoted(s: &str) -> String {
    let total = s.chars().count();
    let mut out = String::from("\"");
    for c in s.chars().take(QUOTED_CHARS) {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || is_invisible_format(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    if total > QUOTED_CHARS {
        let _ = write!(out, " (first {QUOTED_CHARS} of {total} characters)");
    }
    out
}

/// Zero-width characters, line and paragraph separators, and bidirectional embedding,
/// override and isolate controls: text that hides or reorders what follows.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// One POSIX shell word that expands to exactly `s`.
pub fn shell(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_excerpt_keeps_short_text_and_cuts_long_text_on_a_character() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("ééééé", 5), "ééééé");
        assert_eq!(excerpt("éééééé", 5), "ééééé … (6 characters in all)");
    }

    #[test]
    fn quoted_text_is_one_line_in_quotes_and_cut_when_long() {
        assert_eq!(quoted("expected ident"), "\"expected ident\"");
        assert_eq!(quoted("a\"b\\c\nd\u{1b}"), "\"a\\\"b\\\\c\\u{a}d\\u{1b}\"");
        let long = "x".repeat(QUOTED_CHARS + 5);
        let q = quoted(&long);
        assert!(
            q.ends_with(&format!("\" (first {QUOTED_CHARS} of {} characters)", QUOTED_CHARS + 5)),
            "{q}"
        );
    }

    #[test]
    fn stored_script_and_forged_tables_come_out_as_text() {
        let attack = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'&";
        let h = html(attack);
        assert!(!h.contains('<') && !h.contains('"') && !h.contains('\''));
        let md = markdown("evil | 0 |\n| pass | 724 |\n<b>x</b> [l](http://x) *e* WWW.x.org a@b.c");
        assert!(
            md.contains("http\\:") && md.contains("WWW\\.x") && md.contains("a\\@b"),
            "{md}"
        );
        assert!(!md.contains('\n'));
        assert!(!md.contains(" | "));
        assert_eq!(terminal("a\u{1b}[2Jb\u{9b}c\u{202e}"), "a\\u{1b}[2Jb\\u{9b}c\\u{202e}");
        assert_eq!(shell("a b"), "'a b'");
        assert_eq!(shell("x'; rm -rf /"), "'x'\\''; rm -rf /'");
        assert_eq!(shell(""), "''");
    }

    proptest! {
        #[test]
        fn html_output_has_no_markup_characters(s in any::<String>()) {
            let h = html(&s);
            prop_assert!(!h.contains(['<', '>', '"', '\'']));
            // Every & starts one of the entities written here.
            for (i, _) in h.match_indices('&') {
                let rest = &h[i..];
                prop_assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| rest.starts_with(e)));
            }
        }

        #[test]
        fn xml_output_has_no_markup_and_only_xml_characters(s in any::<String>()) {
            let x = xml(&s);
            prop_assert!(!x.contains(['<', '>', '"', '\'']));
            let allowed = |c: char| matches!(c, '\t' | '\n' | '\r') || ((c as u32) >= 0x20 && c != '\u{fffe}' && c != '\u{ffff}');
            prop_assert!(x.chars().all(allowed));
        }

        #[test]
        fn markdown_output_is_one_line_with_every_special_character_escaped(s in any::<String>()) {
            let md = markdown(&s);
            prop_assert!(!md.chars().any(|c| c.is_control()));
            let mut escaped = false;
            for c in md.chars() {
                if escaped {
                    prop_assert!(MARKDOWN_SPECIAL.contains(c) || c == '.');
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else {
                    prop_assert!(!MARKDOWN_SPECIAL.contains(c), "{c:?} unescaped in {md:?}");
                }
            }
            prop_assert!(!escaped);
        }

        #[test]
        fn a_code_span_is_closed_only_by_its_own_backtick(s in any::<String>()) {
            let c = markdown_code(&s);
            if c.starts_with('`') {
                prop_assert!(c.ends_with('`') && c[1..c.len() - 1].chars().all(|ch| ch != '`' && !ch.is_control()));
            } else {
                prop_assert_eq!(c, markdown(&s));
            }
        }

        #[test]
        fn terminal_output_has_no_control_characters(s in any::<String>()) {
            let t = terminal(&s);
            prop_assert!(!t.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || is_invisible_format(c)));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn a_shell_word_expands_to_the_string(s in "[^\u{0}]{0,24}") {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", shell(&s)))
                .output()
                .unwrap();
            prop_assert_eq!(String::from_utf8_lossy(&out.stdout).into_owned(), s);
        }
    }
}
