//! The human format: `file:line: column: message [code]` per violation, then a summary table.
//!
//! Whole-record problems print `(record)` as the column. Values follow the message, quoted and
//! escaped (`\n`, `\"`, `\u{1b}`: a value can never break the line or inject terminal codes);
//! with `--redact` they are left out. Colour (bold location, red errors, yellow warnings) only
//! when [`ReportOptions::color`] is set: standard output is a terminal and `NO_COLOR` is unset.

use super::escape::terminal;
use super::{FileTotals, ReportOptions, Reporter, quote, summary_lines};
use crate::summary::Summary;
use crate::violation::{Severity, Violation};
use std::io::{self, Write};

const BOLD: &str = "\u{1b}[1m";
const RED: &str = "\u{1b}[31m";
const YELLOW: &str = "\u{1b}[33m";
const GREEN: &str = "\u{1b}[32m";
const RESET: &str = "\u{1b}[0m";

/// Writes the human format to `out`.
pub struct HumanReporter<W: Write> {
    out: W,
    options: ReportOptions,
}

impl<W: Write> HumanReporter<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W, options: ReportOptions) -> HumanReporter<W> {
        HumanReporter { out, options }
    }

    fn paint(&self, color: &'static str) -> (&'static str, &'static str) {
        if self.options.color {
            (color, RESET)
        } else {
            ("", "")
        }
    }
}

impl<W: Write> Reporter for HumanReporter<W> {
    fn violation(&mut self, v: &Violation) -> io::Result<()> {
        let (bold, reset) = self.paint(BOLD);
        let (sev_color, sev_reset) = self.paint(match v.severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
        });
        let column = terminal(v.column.as_deref().unwrap_or("(record)"));
        let severity = match v.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        let file = terminal(&v.file);
        let place = match (v.line, v.record) {
            (Some(line), _) => format!("{file}:{line}:"),
            (None, Some(record)) => format!("{file}: record {record}:"),
            (None, None) => format!("{file}:"),
        };
        write!(
            self.out,
            "{bold}{place}{reset} {column}: {sev_color}{severity}{}{sev_reset} [{}]",
            terminal(&v.message),
            v.code
        )?;
        if let Some(value) = v.value.as_deref().filter(|_| !self.options.redact) {
            write!(self.out, " {}", quote(value))?;
        }
        writeln!(self.out)
    }

    fn file_done(&mut self, totals: &FileTotals) -> io::Result<()> {
        if totals.omitted > 0 {
            writeln!(
                self.out,
                "{}: {} more violation(s) not shown (--max-errors)",
                terminal(&totals.file),
                totals.omitted
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let (bold, reset) = self.paint(BOLD);
        for (i, line) in summary_lines(summary, self.options.redact)
            .iter()
            .enumerate()
        {
            if i == 0 || !line.starts_with(' ') {
                writeln!(self.out, "{bold}{line}{reset}")?;
            } else {
                writeln!(self.out, "{line}")?;
            }
        }
        let verdict = if summary.unreadable_files > 0 {
            let (c, r) = self.paint(RED);
            format!(
                "{c}INCOMPLETE{r}: {} file(s) could not be read to the end",
                summary.unreadable_files
            )
        } else if summary.errors > 0 {
            let (c, r) = self.paint(RED);
            format!(
                "{c}FAILED{r}: {} error(s) in {} of {} record(s)",
                summary.errors, summary.invalid_records, summary.records
            )
        } else {
            let (c, r) = self.paint(GREEN);
            format!(
                "{c}OK{r}: {} record(s) valid, {} warning(s)",
                summary.records, summary.warnings
            )
        };
        writeln!(self.out, "{verdict}")?;
        self.out.flush()
    }
}
