//! The Markdown job summary: appended to the file named by `$GITHUB_STEP_SUMMARY`, whatever the
//! report format, so a person sees the verdict on the workflow run's page.
//!
//! [`StepSummary`] wraps the run's real reporter, passes every call on, keeps one row per file
//! (at most [`MAX_FILE_ROWS`] rows; the rest are counted) and at the end appends:
//!
//! ```text
//! ### dap-validate: FAILED
//! | files | records | valid | invalid | errors | warnings |
//! |---:|---:|---:|---:|---:|---:|
//! | 2 | 1000 | 998 | 2 | 3 | 0 |
//! (then tables by file, by code, drift against --baseline, by column)
//! ```
//!
//! It holds counts, codes, file and column names only, never a value, so it is safe with or
//! without `--redact`. Names come from the export (an unknown member's name) and are escaped
//! ([`super::escape::markdown_cell`]). Failing to write the summary is a warning on standard
//! error, never a reason to change the exit status.

use super::escape::markdown_cell;
use super::{FileTotals, Reporter};
use crate::summary::Summary;
use crate::violation::Violation;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

/// At most this many files get a row of their own.
pub const MAX_FILE_ROWS: usize = 100;
/// At most this many columns are listed (most violations first).
pub const MAX_COLUMN_ROWS: usize = 30;

/// A reporter that also appends a Markdown summary to a file.
pub struct StepSummary<'a> {
    inner: Box<dyn Reporter + 'a>,
    path: PathBuf,
    rows: Vec<String>,
    more_files: u64,
}

impl<'a> StepSummary<'a> {
    /// Wraps `inner`; the summary goes to `path` (appended).
    pub fn new(inner: Box<dyn Reporter + 'a>, path: PathBuf) -> StepSummary<'a> {
        StepSummary {
            inner,
            path,
            rows: Vec::new(),
            more_files: 0,
        }
    }

    fn row(&mut self, row: String) {
        if self.rows.len() < MAX_FILE_ROWS {
            self.rows.push(row);
        } else {
            self.more_files += 1;
        }
    }
}

/// The Markdown text of the summary (`rows` are rendered file rows).
pub fn markdown(summary: &Summary, rows: &[String], more_files: u64) -> String {
    let verdict = if summary.unreadable_files > 0 {
        "INCOMPLETE"
    } else if summary.errors > 0 {
        "FAILED"
    } else {
        "OK"
    };
    let mut md = String::new();
    let _ = writeln!(md, "### dap-validate: {verdict}\n");
    let _ = writeln!(
        md,
        "| files | records | valid | invalid | errors | warnings | unreadable files |"
    );
    let _ = writeln!(md, "|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        md,
        "| {} | {} | {} | {} | {} | {} | {} |\n",
        summary.files,
        summary.records,
        summary.valid_records,
        summary.invalid_records,
        summary.errors,
        summary.warnings,
        summary.unreadable_files
    );
    if !rows.is_empty() {
        let _ = writeln!(md, "| file | records | invalid | errors | warnings |");
        let _ = writeln!(md, "|---|---:|---:|---:|---:|");
        for row in rows {
            md.push_str(row);
        }
        if more_files > 0 {
            let _ = writeln!(md, "| ({more_files} more files) | | | | |");
        }
        md.push('\n');
    }
    let codes: Vec<_> = summary.codes().filter(|(_, n)| *n > 0).collect();
    if !codes.is_empty() {
        let _ = writeln!(md, "| rule | violations |\n|---|---:|");
        for (code, n) in codes {
            let _ = writeln!(md, "| `{code}` | {n} |");
        }
        md.push('\n');
    }
    if !summary.drift.is_empty() {
        // Codes, columns, messages and counts only: the one value a drift warning carries (a
        // new open-enum value) stays out, as every value does here.
        let _ = writeln!(md, "| drift | column | what | count |\n|---|---|---|---:|");
        for w in summary.drift.iter().take(MAX_COLUMN_ROWS) {
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {} |",
                w.code.as_str(),
                markdown_cell(w.column.as_deref().unwrap_or("")),
                markdown_cell(&w.message),
                w.count.map(|n| n.to_string()).unwrap_or_default()
            );
        }
        if summary.drift.len() > MAX_COLUMN_ROWS {
            let _ = writeln!(
                md,
                "| ({} more drift warnings) | | | |",
                summary.drift.len() - MAX_COLUMN_ROWS
            );
        }
        md.push('\n');
    }
    if !summary.by_column.is_empty() {
        let mut columns: Vec<(&String, &u64)> = summary.by_column.iter().collect();
        columns.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let _ = writeln!(md, "| column | violations |\n|---|---:|");
        for (column, n) in columns.iter().take(MAX_COLUMN_ROWS) {
            let _ = writeln!(md, "| {} | {n} |", markdown_cell(column));
        }
        if columns.len() > MAX_COLUMN_ROWS {
            let _ = writeln!(
                md,
                "| ({} more columns) | |",
                columns.len() - MAX_COLUMN_ROWS
            );
        }
        md.push('\n');
    }
    md
}

impl Reporter for StepSummary<'_> {
    fn violation(&mut self, violation: &Violation) -> io::Result<()> {
        self.inner.violation(violation)
    }

    fn file_done(&mut self, totals: &FileTotals) -> io::Result<()> {
        self.row(format!(
            "| {} | {} | {} | {} | {} |\n",
            markdown_cell(&totals.file),
            totals.records,
            totals.invalid_records,
            totals.errors,
            totals.warnings
        ));
        self.inner.file_done(totals)
    }

    fn file_failed(&mut self, file: &str, error: &str) -> io::Result<()> {
        self.row(format!(
            "| {} | unreadable: {} | | | |\n",
            markdown_cell(file),
            markdown_cell(error)
        ));
        self.inner.file_failed(file, error)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let text = markdown(summary, &self.rows, self.more_files);
        let written = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&self.path)
            .and_then(|mut file| file.write_all(text.as_bytes()));
        if let Err(e) = written {
            eprintln!(
                "warning: cannot append the summary to $GITHUB_STEP_SUMMARY ({}): {e}",
                super::escape::terminal(&self.path.display().to_string())
            );
        }
        self.inner.finish(summary)
    }
}
