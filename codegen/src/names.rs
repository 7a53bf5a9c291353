//! Identifier rules: which YAML names are accepted and how they map to Rust and SQL names.
//!
//! The rules, applied by the checker (a name breaking them is rejected with a message):
//!
//! - **Namespace, table and column names** are `snake_case`: an ASCII lower-case letter, then
//!   lower-case letters, digits and `_`, at most 63 characters (PostgreSQL's identifier limit; MySQL
//!   allows 64). They are used unchanged in SQL (always quoted, so SQL keywords such as `timestamp`
//!   are fine) and as Rust field names; a Rust keyword becomes a raw identifier (`r#type`), except
//!   `self`, `super`, `crate` and `_`, which cannot be raw identifiers and are rejected.
//! - **Enum names** start with an ASCII upper-case letter, then letters and digits (`HTTPMethod`).
//!   The Rust type name is their UpperCamelCase form, acronyms folded (`HTTPMethod` -> `HttpMethod`).
//! - **Enum value names** are ASCII letters, digits and `_`, not starting with a digit.
//!   The Rust variant name is UpperCamelCase of the *value* when the value is identifier-like (an
//!   ASCII letter first, then letters, digits, `_` and `::`: `'Quizzes::QuizSubmission'` ->
//!   `QuizzesQuizSubmission`, `'GET'` -> `Get`), otherwise of the *name* (`http11 = '1.1'` ->
//!   `Http11`, `unspecified = '__dap_unspecified__'` -> `Unspecified`, `IM_A_TEAPOT = 418` ->
//!   `ImATeapot`). Two members mapping to the same variant, or a member of an open enum mapping to
//!   `Other` (reserved for unlisted values), is an error.

use heck::ToUpperCamelCase;

/// The longest table, column or namespace name accepted.
pub const MAX_SNAKE_NAME_LEN: usize = 63;

/// Rust keywords (strict and reserved, 2024 edition) that need a raw identifier.
const RUST_KEYWORDS: [&str; 50] = [
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield", "union", "Self",
];

/// Keywords that cannot be raw identifiers either.
const NON_RAW_KEYWORDS: [&str; 4] = ["self", "super", "crate", "_"];

/// Why a snake_case name was rejected, or `None` when it is acceptable.
pub fn snake_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".to_owned());
    }
    if name.len() > MAX_SNAKE_NAME_LEN {
        return Some(format!(
            "the name is {} characters long; SQL identifiers allow at most {MAX_SNAKE_NAME_LEN}",
            name.chars().count()
        ));
    }
    let mut chars = name.chars();
    let first = chars.next().unwrap_or('_');
    if !first.is_ascii_lowercase() {
        return Some(format!(
            "`{name}` must start with a lower-case ASCII letter (names are snake_case, e.g. `user_id`)"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Some(format!(
            "`{name}` contains {bad:?}; use only lower-case ASCII letters, digits and `_` (snake_case, e.g. `user_id`)"
        ));
    }
    if NON_RAW_KEYWORDS.contains(&name) {
        return Some(format!(
            "`{name}` is a Rust keyword that cannot be used as a field name; choose another name"
        ));
    }
    None
}

/// Why an enum name was rejected, or `None` when it is acceptable.
pub fn enum_name_problem(name: &str) -> Option<String> {
    let first = name.chars().next()?;
    if !first.is_ascii_uppercase() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some(format!(
            "enum name `{name}` must start with an upper-case ASCII letter followed by ASCII letters and digits (e.g. `HTTPMethod`)"
        ));
    }
    if rust_type_name(name) == "Self" {
        return Some("`Self` cannot name a Rust type; choose another name".to_owned());
    }
    None
}

/// Why an enum value name was rejected, or `None` when it is acceptable.
pub fn enum_value_name_problem(name: &str) -> Option<String> {
    let first = name.chars().next()?;
    let ok = (first.is_ascii_alphabetic() || first == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.chars().any(|c| c.is_ascii_alphanumeric());
    if ok {
        None
    } else {
        Some(format!(
            "enum value name `{name}` must be ASCII letters, digits and `_`, not starting with a digit (e.g. `http11`, `NOT_FOUND`)"
        ))
    }
}

/// The Rust field name for a (valid) column name: raw identifier for keywords.
pub fn rust_field_name(column: &str) -> String {
    if RUST_KEYWORDS.contains(&column) {
        format!("r#{column}")
    } else {
        column.to_owned()
    }
}

/// The Rust type name for an enum name: `HTTPMethod` -> `HttpMethod`.
pub fn rust_type_name(enum_name: &str) -> String {
    enum_name.to_upper_camel_case()
}

/// The Rust type name for a table's row type: `web_logs` -> `WebLog` (a trailing `s` is dropped
/// when what remains is non-empty and does not itself end in `s`).
pub fn rust_row_type_name(table: &str) -> String {
    let camel = table.to_upper_camel_case();
    match camel.strip_suffix('s') {
        Some(stem) if !stem.is_empty() && !stem.ends_with('s') => stem.to_owned(),
        _ => camel,
    }
}

/// The Rust variant name for an enum member (see the module docs for the rule).
pub fn rust_variant_name(member_name: &str, wire_value: Option<&str>) -> String {
    let source = match wire_value {
        Some(v) if is_identifier_like(v) => v,
        _ => member_name,
    };
    let camel = source.to_upper_camel_case();
    // A name such as `_1` would camel-case to `1`; keep it a valid identifier.
    if camel.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        camel
    }
}

fn is_identifier_like(value: &str) -> bool {
    value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// The single-underscore spelling of a DAP sentinel, as DAP's rendered documentation shows it.
///
/// DAP writes sentinels with double underscores (`__dap_unspecified__`); the published HTML page
/// renders them as `_dap_unspecified_` (a Markdown bold artefact). Readers accept both; writers
/// always use the canonical double form. Returns `None` for values that are not of that shape.
pub fn legacy_sentinel_spelling(canonical: &str) -> Option<String> {
    let inner = canonical.strip_prefix("__")?.strip_suffix("__")?;
    if inner.is_empty() || inner.starts_with('_') || inner.ends_with('_') {
        return None;
    }
    Some(format!("_{inner}_"))
}

/// The Levenshtein distance between two short strings, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_follow_the_documented_rule() {
        assert_eq!(
            rust_variant_name("quiz_submission", Some("Quizzes::QuizSubmission")),
            "QuizzesQuizSubmission"
        );
        assert_eq!(rust_variant_name("http11", Some("1.1")), "Http11");
        assert_eq!(rust_variant_name("GET", Some("GET")), "Get");
        assert_eq!(
            rust_variant_name("unspecified", Some("__dap_unspecified__")),
            "Unspecified"
        );
        assert_eq!(rust_variant_name("IM_A_TEAPOT", None), "ImATeapot");
        assert_eq!(rust_variant_name("_1", None), "V1");
    }

    #[test]
    fn type_names_fold_acronyms() {
        assert_eq!(rust_type_name("HTTPMethod"), "HttpMethod");
        assert_eq!(rust_type_name("ContextType"), "ContextType");
        assert_eq!(rust_row_type_name("web_logs"), "WebLog");
        assert_eq!(rust_row_type_name("address"), "Address");
    }

    #[test]
    fn keywords_become_raw_identifiers_or_are_rejected() {
        assert_eq!(rust_field_name("type"), "r#type");
        assert_eq!(rust_field_name("url"), "url");
        assert!(snake_name_problem("self").is_some());
        assert!(snake_name_problem("timestamp").is_none());
        assert!(snake_name_problem(&"a".repeat(63)).is_none());
        assert!(snake_name_problem(&"a".repeat(64)).is_some());
        assert!(snake_name_problem("userId").is_some());
        assert!(snake_name_problem("1st").is_some());
    }

    #[test]
    fn legacy_spelling_only_for_sentinel_shapes() {
        assert_eq!(
            legacy_sentinel_spelling("__dap_unspecified__").as_deref(),
            Some("_dap_unspecified_")
        );
        assert_eq!(legacy_sentinel_spelling("GET"), None);
        assert_eq!(legacy_sentinel_spelling("____"), None);
    }

    #[test]
    fn suggestions_catch_typos_only() {
        let keys = ["nullable", "type", "description"];
        assert_eq!(suggest("nulable", keys), Some("nullable"));
        assert_eq!(suggest("zzzzzzzz", keys), None);
    }
}
