//! The GitHub format: workflow-command annotations, then the summary as plain lines.
//!
//! ```text
//! ::error file=a.jsonl.gz,line=12,title=max_length (user_agent)::256 characters, more than the 255 allowed: "Mozilla…"
//! ```
//!
//! Escaping follows the runner's rules: in the message `%` -> `%25`, CR -> `%0D`, LF -> `%0A`;
//! in properties also `:` -> `%3A` and `,` -> `%2C`. Warnings use `::warning`. A file that cannot
//! be read gets an `::error file=...::` of its own.

use super::{FileTotals, ReportOptions, Reporter, quote, summary_lines};
use crate::summary::Summary;
use crate::violation::{Severity, Violation};
use std::io::{self, Write};

/// Writes annotations to `out`.
pub struct GithubReporter<W: Write> {
    out: W,
    options: ReportOptions,
}

impl<W: Write> GithubReporter<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W, options: ReportOptions) -> GithubReporter<W> {
        GithubReporter { out, options }
    }
}

/// Escapes a message (the part after `::`).
/// Control characters (ESC, ...) are first written as `\u{..}` escapes so that no value can
/// colour or rewrite the log ([`super::escape::terminal`]).
pub fn escape_data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::escape::terminal(&escaped).into_owned()
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl<W: Write> Reporter for GithubReporter<W> {
    fn violation(&mut self, v: &Violation) -> io::Result<()> {
        let command = match v.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let title = match &v.column {
            Some(column) => format!("{} ({column})", v.code),
            None => v.code.as_str().to_owned(),
        };
        let mut message = v.message.clone();
        if let Some(value) = v.value.as_deref().filter(|_| !self.options.redact) {
            message.push_str(": ");
            message.push_str(&quote(value));
        }
        let line = v.line.map(|l| format!(",line={l}")).unwrap_or_default();
        writeln!(
            self.out,
            "::{command} file={}{line},title={}::{}",
            escape_property(&v.file),
            escape_property(&title),
            escape_data(&message)
        )
    }

    fn file_done(&mut self, totals: &FileTotals) -> io::Result<()> {
        if totals.omitted > 0 {
            writeln!(
                self.out,
                "::notice file={}::{}",
                escape_property(&totals.file),
                escape_data(&format!(
                    "{} more violation(s) not shown (--max-errors)",
                    totals.omitted
                ))
            )?;
        }
        Ok(())
    }

    fn file_failed(&mut self, file: &str, error: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "::error file={},title=unreadable::{}",
            escape_property(file),
            escape_data(error)
        )
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        for w in &summary.drift {
            let column = w
                .column
                .as_deref()
                .map(|c| format!("{c}: "))
                .unwrap_or_default();
            let value = match &w.value {
                Some(v) if !self.options.redact => format!(" ({})", super::quote(v)),
                _ => String::new(),
            };
            writeln!(
                self.out,
                "::warning title={}::{}",
                escape_property(w.code.as_str()),
                escape_data(&format!("{column}{}{value}", w.message))
            )?;
        }
        for line in summary_lines(summary, self.options.redact) {
            writeln!(self.out, "{line}")?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% a\r\nb: c,d"), "50%25 a%0D%0Ab: c,d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // A value cannot start a new workflow command or colour the log.
        assert_eq!(
            escape_data("x%0A::error::forged\n::error::forged\u{1b}[31m"),
            "x%250A::error::forged%0A::error::forged\\u{1b}[31m"
        );
    }
}
