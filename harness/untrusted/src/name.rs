//! Names that cannot leave their folder: relative names read from manifests and candidates,
//! and the file names writers derive from vector ids and topics.
//!
//! Owns: the syntax checks and the one id-to-file-name function every writer uses. Does not
//! touch the file system (symbolic links are `read`'s business).

use crate::limits::{COMPONENT_BYTES, NAME_BYTES};
use crate::read::Refusal;
use std::path::PathBuf;

/// A relative name checked for use under a root: `/`-separated plain components, none empty,
/// `.` or `..`, no NUL, backslash or control character, within the length limits.
pub fn relative(name: &str) -> Result<PathBuf, Refusal> {
    let refuse = |why: &str| {
        Err(Refusal::Name {
            name: name.to_string(),
            why: why.to_string(),
        })
    };
    if name.is_empty() {
        return refuse("empty");
    }
    if name.len() > NAME_BYTES {
        return refuse("too long");
    }
    if name.starts_with('/') {
        return refuse("absolute");
    }
    if name.chars().any(|c| c == '\\' || c.is_control()) {
        return refuse("a backslash or control character");
    }
    for part in name.split('/') {
        match part {
            "" => return refuse("an empty component"),
            "." | ".." => return refuse("a '.' or '..' component"),
            p if p.len() > COMPONENT_BYTES => return refuse("a component too long"),
            _ => {}
        }
    }
    Ok(PathBuf::from(name))
}

/// Whether `s` is a slug: lowercase ASCII letters, digits and `-`, not empty, at most 128
/// bytes. Vector modules, topics and the last part of an id are slugs (vectors lint).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `id` is a vector id lint accepts: two or more slugs joined by `::`.
pub fn is_vector_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split("::").collect();
    parts.len() >= 2 && parts.iter().all(|p| is_slug(p))
}

/// The file name for a vector id (`module__topic__slug.ext`), the only way writers turn an
/// id into a name. Refuses ids lint refuses, so the name is one plain component.
pub fn id_file_name(id: &str, ext: &str) -> Result<String, Refusal> {
    if !is_vector_id(id) {
        return Err(Refusal::Name {
            name: id.to_string(),
            why: "not a vector id (slugs of a-z, 0-9 and '-' joined by '::')".into(),
        });
    }
    Ok(format!("{}.{ext}", id.replace("::", "__")))
}

/// The file name for a slug such as a regression topic (`topic.ext`).
pub fn slug_file_name(slug: &str, ext: &str) -> Result<String, Refusal> {
    if !is_slug(slug) {
        return Err(Refusal::Name {
            name: slug.to_string(),
            why: "not a slug (a-z, 0-9 and '-')".into(),
        });
    }
    Ok(format!("{slug}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::Component;

    #[test]
    fn escaping_names_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a/.",
            "a\\..\\b",
            "a\0b",
            "a\nb",
        ] {
            assert!(relative(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(relative("sub/quote.bin").unwrap(), PathBuf::from("sub/quote.bin"));
    }

    #[test]
    fn ids_that_lint_refuses_get_no_file_name() {
        for bad in [
            "../../x",
            "/abs::x",
            "a::b/../c",
            "a",
            "A::b",
            "a::",
            "::a",
            "a::b c",
            "a:::b",
        ] {
            assert!(id_file_name(bad, "json").is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            id_file_name("sig::jws::alg-none", "json").unwrap(),
            "sig__jws__alg-none.json"
        );
        assert!(slug_file_name("../x", "json").is_err());
    }

    proptest! {
        #[test]
        fn an_accepted_name_has_only_plain_components(s in ".{0,40}") {
            if let Ok(p) = relative(&s) {
                prop_assert!(p.components().all(|c| matches!(c, Component::Normal(_))));
            }
        }

        #[test]
        fn an_id_file_name_is_one_plain_component(s in "[a-z:./-]{0,30}") {
            if let Ok(n) = id_file_name(&s, "json") {
                let p = PathBuf::from(&n);
                prop_assert_eq!(p.components().count(), 1);
                prop_assert!(matches!(p.components().next(), Some(Component::Normal(_))));
                prop_assert!(!n.starts_with('.'));
            }
        }
    }
}
