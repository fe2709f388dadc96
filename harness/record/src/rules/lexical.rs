//! Lexical predicates shared by the field rules, written to ECMA-262 semantics (the
//! dialect of the spec's schema patterns): a line terminator is `\n`, `\r`, U+2028 or
//! U+2029, and digits are ASCII only.

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// `^sha(256:[0-9a-f]{64}|384:[0-9a-f]{96})$`
pub fn is_digest(s: &str) -> bool {
    let hex_of = |rest: &str, n: usize| rest.len() == n && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    match (s.strip_prefix("sha256:"), s.strip_prefix("sha384:")) {
        (Some(rest), _) => hex_of(rest, 64),
        (_, Some(rest)) => hex_of(rest, 96),
        _ => false,
    }
}

/// A digest whose hex part is all zeros (the software-only convention).
pub fn is_zero_digest(s: &str) -> bool {
    is_digest(s) && s[7..].bytes().all(|b| b == b'0')
}

/// `^(spiffe://[^/]+/.+|did:[a-z0-9]+:.+)$` with ECMA-262 `.`.
pub fn is_strict_subject(s: &str) -> bool {
    let rest_ok = |rest: &str| !rest.is_empty() && !rest.chars().any(is_line_terminator);
    if let Some(after) = s.strip_prefix("spiffe://") {
        return match after.split_once('/') {
            Some((domain, path)) => !domain.is_empty() && rest_ok(path),
            None => false,
        };
    }
    if let Some(after) = s.strip_prefix("did:") {
        return match after.split_once(':') {
            Some((method, id)) => {
                !method.is_empty()
                    && method.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                    && rest_ok(id)
            }
            None => false,
        };
    }
    false
}

/// An absolute URI as trace-tests checks it: an RFC 3986 scheme, a colon, and no
/// whitespace or control characters anywhere. (Full RFC 3986 syntax is the schema's job.)
pub fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_line_terminator(c))
}

/// An `https://` URI with a non-empty host.
pub fn is_https_with_host(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    !host.is_empty() && is_absolute_uri(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests() {
        let h64 = "a".repeat(64);
        assert!(is_digest(&format!("sha256:{h64}")));
        assert!(is_digest(&format!("sha384:{}", "0".repeat(96))));
        assert!(!is_digest(&format!("sha384:{h64}")));
        assert!(!is_digest(&format!("sha256:{}", "A".repeat(64))));
        assert!(!is_digest(&format!("sha256:{h64}\n")));
        assert!(!is_digest(&format!("sha512:{h64}")));
        assert!(is_zero_digest(&format!("sha256:{}", "0".repeat(64))));
        assert!(!is_zero_digest(&format!("sha256:{h64}")));
    }

    #[test]
    fn an_absolute_uri_has_a_scheme_and_no_space_control_or_line_break() {
        assert!(is_absolute_uri("https://example.org/x"));
        assert!(is_absolute_uri("urn:uuid:1"));
        for bad in [
            "no-scheme",
            "1http://a",
            "https://a b",
            "https://a\u{0}b",
            "https://a\u{7f}b",
            "https://a\u{2028}b",
            "https://a\nb",
        ] {
            assert!(!is_absolute_uri(bad), "{bad:?}");
        }
    }

    #[test]
    fn subjects() {
        for ok in [
            "spiffe://a/b",
            "spiffe://example.org/agent/x",
            "did:web:example.com",
            "did:key:z6Mk",
            "spiffe://a\n/b",
        ] {
            assert!(is_strict_subject(ok), "{ok:?}");
        }
        for bad in [
            "spiffe://a",
            "spiffe://a/",
            "spiffe:///b",
            "did:Web:x",
            "did:",
            "did:web:",
            "did::x",
            "spiffe://a/b\n",
            "spiffe://a/b\u{2028}",
            "https://a/b",
        ] {
            assert!(!is_strict_subject(bad), "{bad:?}");
        }
    }

    #[test]
    fn uris() {
        assert!(is_absolute_uri("https://v.example/x"));
        assert!(is_absolute_uri("urn:x:y"));
        assert!(!is_absolute_uri("self"));
        assert!(!is_absolute_uri("/claim/x"));
        assert!(!is_absolute_uri("https://a/b c"));
        assert!(!is_absolute_uri("1http://a"));
        assert!(is_https_with_host("https://log.example/e/1"));
        assert!(is_https_with_host("https://[::1]:8443/x"));
        assert!(!is_https_with_host("https:///x"));
        assert!(!is_https_with_host("http://log.example/"));
    }
}
