//! Violations as data: what was found, where, under which stable rule code.
//!
//! A [`Violation`] is produced by the check stage and consumed by the reporters; it carries no
//! formatting. Positions are one-indexed ([`LineNumber`]), exactly as the contract states:
//! `line` is the physical line where the record starts, `record` the 1-based ordinal of the data
//! record in its file.

use std::fmt;
use std::num::NonZeroU64;
use std::sync::Arc;

/// The stable set of rule codes (the contract in `DESIGN.md`); never renamed, only added to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The record cannot be read: invalid JSON, invalid UTF-8, not an object, a duplicate key in
    /// one object, a record larger than the limit, bytes after the record.
    Malformed,
    /// A member that is not a column of the table (or not part of the envelope).
    UnknownColumn,
    /// A required column (or `meta.ts`, or the record's `value`) is absent or `null`.
    NotNull,
    /// The JSON type is wrong (a string where an integer belongs, `1.0` for an integer, ...).
    Type,
    /// The text is not a uuid, timestamp or IP address.
    Format,
    /// An integer outside its column's width (int32, int64).
    Range,
    /// A value outside a closed enum.
    Enum,
    /// A string longer than its column's `max_length` (in Unicode scalar values).
    MaxLength,
    /// A primary key seen before in this run (a warning).
    DuplicateKey,
    /// Valid DAP data that the `--target` database refuses or changes (an addition of the
    /// second wave; only with `--target`).
    Target,
}

impl Code {
    /// Every code, in the contract's order.
    pub const ALL: [Code; 10] = [
        Code::Malformed,
        Code::UnknownColumn,
        Code::NotNull,
        Code::Type,
        Code::Format,
        Code::Range,
        Code::Enum,
        Code::MaxLength,
        Code::DuplicateKey,
        Code::Target,
    ];

    /// The stable wire name (`max_length`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Malformed => "malformed",
            Code::UnknownColumn => "unknown_column",
            Code::NotNull => "not_null",
            Code::Type => "type",
            Code::Format => "format",
            Code::Range => "range",
            Code::Enum => "enum",
            Code::MaxLength => "max_length",
            Code::DuplicateKey => "duplicate_key",
            Code::Target => "target",
        }
    }

    /// The severity a violation of this rule has: everything is an error except `duplicate_key`.
    pub fn severity(self) -> Severity {
        match self {
            Code::DuplicateKey => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The index of this code in [`Code::ALL`], for counting without a map.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a violation is: errors fail the run (exit 1), warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the run.
    Error,
    /// Reported and counted, but the run still succeeds.
    Warning,
}

impl Severity {
    /// The wire name (`error`, `warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A one-indexed position (a line or a record ordinal). Zero cannot be represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineNumber(NonZeroU64);

impl LineNumber {
    /// The first line.
    pub const FIRST: LineNumber = LineNumber(NonZeroU64::MIN);

    /// A one-indexed number from a zero-based count (`0` is line 1).
    pub fn from_zero_based(index: u64) -> LineNumber {
        LineNumber(NonZeroU64::MIN.saturating_add(index))
    }

    /// The number as written in reports.
    pub fn get(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for LineNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One finding, ready for any reporter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The file as the user named it (joined with the directory walked), `-` for stdin.
    pub file: Arc<str>,
    /// The physical line where the record starts (a CSV/TSV header is line 1); `None` where a
    /// format has no lines (Parquet).
    pub line: Option<LineNumber>,
    /// The 1-based ordinal of the data record in its file; `None` for a problem of the whole
    /// file (a CSV/TSV header, a Parquet schema), reported once instead of once per record.
    pub record: Option<LineNumber>,
    /// The schema column (`user_agent`, `id`), `meta.ts`/`meta.action`, the unknown member's name
    /// for `unknown_column` (prefixed `meta.` inside `meta`), or `None` for a whole-record problem.
    pub column: Option<String>,
    /// The rule.
    pub code: Code,
    /// Error or warning (from the code).
    pub severity: Severity,
    /// A sentence saying what is wrong and what was expected.
    pub message: String,
    /// The offending value as text: a string's decoded content, a number's or literal's JSON text,
    /// or the raw JSON of an object/array/record; already truncated (see [`truncate_value`]).
    /// `None` when there is no value (absent or `null`).
    pub value: Option<String>,
}

/// At most this many characters of a value are kept in a report.
pub const MAX_VALUE_CHARS: usize = 200;

/// Cuts `text` to [`MAX_VALUE_CHARS`] Unicode scalar values, marking a cut with `…`.
pub fn truncate_value(text: &str) -> String {
    match text.char_indices().nth(MAX_VALUE_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => {
            let mut out = String::with_capacity(cut + 3);
            out.push_str(&text[..cut]);
            out.push('…');
            out
        }
    }
}

/// [`truncate_value`] for bytes that may not be UTF-8 (invalid sequences become U+FFFD).
pub fn truncate_bytes(bytes: &[u8]) -> String {
    let head = bytes.get(..MAX_VALUE_CHARS * 4).unwrap_or(bytes);
    let text = String::from_utf8_lossy(head);
    let mut out = truncate_value(&text);
    if head.len() < bytes.len() && !out.ends_with('…') {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_stable_names_and_indexes() {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "malformed",
                "unknown_column",
                "not_null",
                "type",
                "format",
                "range",
                "enum",
                "max_length",
                "duplicate_key",
                "target"
            ]
        );
        for (i, code) in Code::ALL.iter().enumerate() {
            assert_eq!(code.index(), i);
        }
        assert_eq!(Code::DuplicateKey.severity(), Severity::Warning);
        assert_eq!(Code::Enum.severity(), Severity::Error);
        assert_eq!(Code::Target.severity(), Severity::Error);
    }

    #[test]
    fn line_numbers_are_one_based() {
        assert_eq!(LineNumber::from_zero_based(0).get(), 1);
        assert_eq!(LineNumber::FIRST.get(), 1);
        assert_eq!(LineNumber::from_zero_based(41).to_string(), "42");
    }

    #[test]
    fn values_are_truncated_by_characters() {
        let short = "é".repeat(MAX_VALUE_CHARS);
        assert_eq!(truncate_value(&short), short);
        let long = "é".repeat(MAX_VALUE_CHARS + 1);
        let cut = truncate_value(&long);
        assert_eq!(cut.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate_bytes(b"ab\xffc"), "ab\u{fffd}c");
    }
}
