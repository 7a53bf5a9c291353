//! Reporters: one [`Reporter`] implementation per output format.
//!
//! The engine calls a reporter in file order: [`Reporter::violation`] for each printed violation
//! (at most `--max-errors` per file, in record order), [`Reporter::file_done`] at the end of each
//! file (with exact counts and how many violations were not printed), [`Reporter::file_failed`]
//! when a file could not be read to the end, and [`Reporter::finish`] once with the summary.
//! Formats that need the whole run before writing (JUnit, SARIF) buffer in `violation` and write
//! in `finish`; streaming formats write as they go. Values arrive already removed when
//! `--redact` is given; [`ReportOptions::redact`] tells a format to omit the field too.

pub mod escape;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod step_summary;

use crate::summary::Summary;
use crate::violation::Violation;
use std::io;

/// Totals of one file, for [`Reporter::file_done`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTotals {
    /// The file as reports name it.
    pub file: String,
    /// Records read.
    pub records: u64,
    /// Records with at least one error.
    pub invalid_records: u64,
    /// Error-level violations.
    pub errors: u64,
    /// Warning-level violations.
    pub warnings: u64,
    /// Violations not printed because of `--max-errors`.
    pub omitted: u64,
}

/// Options every reporter honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportOptions {
    /// Never print values.
    pub redact: bool,
    /// Use ANSI colours (only the human format; only on a terminal and without `NO_COLOR`).
    pub color: bool,
}

/// An output format.
pub trait Reporter {
    /// One violation.
    fn violation(&mut self, violation: &Violation) -> io::Result<()>;

    /// A file was read to its end.
    fn file_done(&mut self, totals: &FileTotals) -> io::Result<()> {
        let _ = totals;
        Ok(())
    }

    /// A file could not be read to its end (`error` says why); what was read was reported.
    fn file_failed(&mut self, file: &str, error: &str) -> io::Result<()> {
        let _ = (file, error);
        Ok(())
    }

    /// The run is over.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// Writes `value` for humans: quoted, with control characters and quotes escaped.
pub(crate) fn quote(value: &str) -> String {
    format!("\"{}\"", value.escape_debug())
}

/// The summary as a table of lines, shared by the human and GitHub formats. With `redact`,
/// unlisted open-enum values (data from the export) are counted but not shown.
pub(crate) fn summary_lines(summary: &Summary, redact: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let width = summary
        .by_column
        .keys()
        // Bounded: an unknown column's name comes from the export.
        .map(|c| c.chars().count().min(48))
        .chain([16])
        .max()
        .unwrap_or(16);
    lines.push(if summary.schema.is_empty() {
        "summary".to_owned()
    } else {
        format!(
            "summary (schema {} version {})",
            summary.schema, summary.schema_version
        )
    });
    for (label, value) in [
        ("files", summary.files),
        ("records", summary.records),
        ("valid records", summary.valid_records),
        ("invalid records", summary.invalid_records),
        ("errors", summary.errors),
        ("warnings", summary.warnings),
    ] {
        lines.push(format!("  {label:<width$} {value:>12}"));
    }
    if summary.unreadable_files > 0 {
        lines.push(format!(
            "  {:<width$} {:>12}",
            "unreadable files", summary.unreadable_files
        ));
    }
    let codes: Vec<_> = summary.codes().filter(|(_, n)| *n > 0).collect();
    if !codes.is_empty() {
        lines.push("by code".to_owned());
        for (code, n) in codes {
            let mut line = format!("  {:<width$} {n:>12}", code.as_str());
            if code == crate::violation::Code::DuplicateKey {
                line.push_str(&format!(
                    "  ({} identical, {} conflicting)",
                    summary.identical_duplicates, summary.conflicting_duplicates
                ));
            }
            lines.push(line);
        }
    }
    if !summary.by_column.is_empty() {
        lines.push("by column".to_owned());
        for (column, n) in &summary.by_column {
            lines.push(format!("  {:<width$} {n:>12}", escape::terminal(column)));
        }
    }
    if !summary.drift.is_empty() {
        lines.push(format!(
            "drift against the baseline: {} warning(s)",
            summary.drift.len()
        ));
        for w in &summary.drift {
            let value = match &w.value {
                Some(v) if !redact => format!(" {}", quote(v)),
                _ => String::new(),
            };
            lines.push(format!(
                "  {:<21} {:<width$} {}{value}",
                w.code.as_str(),
                escape::terminal(w.column.as_deref().unwrap_or("-")),
                escape::terminal(&w.message)
            ));
        }
    }
    for open in &summary.open_enum_values {
        if open.values.is_empty() && open.untracked == 0 {
            continue;
        }
        lines.push(format!(
            "unlisted values of open enum {} in {} (counted, not violations): {} distinct{}",
            open.enum_name,
            open.column,
            open.values.len(),
            if open.untracked > 0 {
                format!(
                    " tracked; counts incomplete past {} distinct values",
                    crate::summary::MAX_TRACKED_VALUES
                )
            } else {
                String::new()
            }
        ));
        let shown = if redact { 0 } else { 10 };
        for (value, n) in open.values.iter().take(shown) {
            lines.push(format!("  {:<40} {n:>12}", quote(value)));
        }
        if open.values.len() > shown {
            let rest: u64 = open.values.iter().skip(shown).map(|(_, n)| n).sum();
            lines.push(format!(
                "  {:<40} {rest:>12}",
                format!("({} more values)", open.values.len() - shown)
            ));
        }
        if open.untracked > 0 {
            lines.push(format!(
                "  {:<40} {:>12}",
                "(untracked values)", open.untracked
            ));
        }
    }
    lines
}
