//! The JUnit XML format: one `<testcase>` per export file, for CI systems that show test results.
//!
//! ```text
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="dap-validate" tests="2" failures="1" errors="0">
//!   <testsuite name="dap-validate" tests="2" failures="1" errors="0" skipped="0">
//!     <testcase name="a.jsonl.gz" classname="dap-validate"/>
//!     <testcase name="b.jsonl.gz" classname="dap-validate">
//!       <failure type="validation" message="3 error(s) in 2 of 1000 record(s)">b.jsonl.gz:12: user_agent: ... [max_length] "..."
//!       ...</failure>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! - A file with an error-level violation fails; its `<failure>` lists the violations, one per
//!   line, in the human format. A file with warnings only passes and lists them in
//!   `<system-out>`. A file that could not be read to the end has an `<error>`.
//! - The document needs the totals first, so test cases are kept until the run ends: at most
//!   [`MAX_LISTED`] violations are listed per file (the rest are counted in the text); with
//!   `--max-errors` fewer. Memory is bounded by that, whatever the file holds.
//! - Every text is escaped ([`super::escape::xml`]): XML syntax, and characters XML 1.0 cannot
//!   carry. Values are left out with `--redact`.

use super::escape;
use super::{FileTotals, ReportOptions, Reporter, quote};
use crate::summary::Summary;
use crate::violation::{Severity, Violation};
use std::fmt::Write as _;
use std::io::{self, Write};

/// At most this many violations are listed per file (all are counted).
pub const MAX_LISTED: usize = 1000;

/// Writes JUnit XML to `out` when the run ends.
pub struct JunitReporter<W: Write> {
    out: W,
    options: ReportOptions,
    current: Option<Listing>,
    cases: Vec<String>,
    failures: u64,
    errors: u64,
}

/// The violations of the file being read.
#[derive(Default)]
struct Listing {
    file: String,
    errors: Vec<String>,
    warnings: Vec<String>,
    unlisted: u64,
}

impl<W: Write> JunitReporter<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W, options: ReportOptions) -> JunitReporter<W> {
        JunitReporter {
            out,
            options,
            current: None,
            cases: Vec::new(),
            failures: 0,
            errors: 0,
        }
    }

    fn listing(&mut self, file: &str) -> &mut Listing {
        if self.current.as_ref().is_none_or(|l| l.file != file) {
            self.current = Some(Listing {
                file: file.to_owned(),
                ..Listing::default()
            });
        }
        self.current.get_or_insert_with(Listing::default)
    }

    fn take_listing(&mut self, file: &str) -> Listing {
        match self.current.take() {
            Some(listing) if listing.file == file => listing,
            _ => Listing {
                file: file.to_owned(),
                ..Listing::default()
            },
        }
    }
}

fn line_of(v: &Violation, redact: bool) -> String {
    let place = match (v.line, v.record) {
        (Some(line), _) => format!("{}:{line}", v.file),
        (None, Some(record)) => format!("{}: record {record}", v.file),
        (None, None) => v.file.to_string(),
    };
    let mut line = format!(
        "{place}: {}: {}{} [{}]",
        v.column.as_deref().unwrap_or("(record)"),
        match v.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        },
        v.message,
        v.code
    );
    if let Some(value) = v.value.as_deref().filter(|_| !redact) {
        line.push(' ');
        line.push_str(&quote(value));
    }
    line
}

/// The listing: one escaped line per violation (a newline inside a value stays `\n` text).
fn body(lines: &[String], unlisted: u64, omitted: u64) -> String {
    let mut text: Vec<String> = lines.iter().map(|l| escape::xml(l)).collect();
    if unlisted > 0 {
        text.push(format!("... {unlisted} more violation(s) not listed here"));
    }
    if omitted > 0 {
        text.push(format!(
            "... {omitted} more violation(s) not shown (--max-errors)"
        ));
    }
    text.join("\n")
}

impl<W: Write> Reporter for JunitReporter<W> {
    fn violation(&mut self, v: &Violation) -> io::Result<()> {
        let redact = self.options.redact;
        let listing = self.listing(&v.file);
        if listing.errors.len() + listing.warnings.len() >= MAX_LISTED {
            listing.unlisted += 1;
            return Ok(());
        }
        let line = line_of(v, redact);
        match v.severity {
            Severity::Error => listing.errors.push(line),
            Severity::Warning => listing.warnings.push(line),
        }
        Ok(())
    }

    fn file_done(&mut self, totals: &FileTotals) -> io::Result<()> {
        let listing = self.take_listing(&totals.file);
        let name = escape::xml(&totals.file);
        let mut case = format!("    <testcase name=\"{name}\" classname=\"dap-validate\"");
        if totals.errors == 0 && listing.warnings.is_empty() {
            case.push_str("/>\n");
            self.cases.push(case);
            return Ok(());
        }
        case.push_str(">\n");
        if totals.errors > 0 {
            self.failures += 1;
            let message = format!(
                "{} error(s) in {} of {} record(s)",
                totals.errors, totals.invalid_records, totals.records
            );
            let mut lines = listing.errors;
            lines.extend(listing.warnings);
            let _ = writeln!(
                case,
                "      <failure type=\"validation\" message=\"{}\">{}</failure>",
                escape::xml(&message),
                body(&lines, listing.unlisted, totals.omitted)
            );
        } else {
            let _ = writeln!(
                case,
                "      <system-out>{}</system-out>",
                body(&listing.warnings, listing.unlisted, totals.omitted)
            );
        }
        case.push_str("    </testcase>\n");
        self.cases.push(case);
        Ok(())
    }

    fn file_failed(&mut self, file: &str, error: &str) -> io::Result<()> {
        let listing = self.take_listing(file);
        self.errors += 1;
        let mut lines = listing.errors;
        lines.extend(listing.warnings);
        self.cases.push(format!(
            "    <testcase name=\"{}\" classname=\"dap-validate\">\n      <error type=\"unreadable\" message=\"{}\">{}</error>\n    </testcase>\n",
            escape::xml(file),
            escape::xml(error),
            body(&lines, listing.unlisted, 0)
        ));
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let tests = self.cases.len();
        let (failures, errors) = (self.failures, self.errors);
        writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            self.out,
            "<testsuites name=\"dap-validate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
        )?;
        writeln!(
            self.out,
            "  <testsuite name=\"dap-validate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\">"
        )?;
        writeln!(self.out, "    <properties>")?;
        for (name, value) in [
            ("records", summary.records),
            ("valid_records", summary.valid_records),
            ("invalid_records", summary.invalid_records),
            ("errors", summary.errors),
            ("warnings", summary.warnings),
        ] {
            writeln!(
                self.out,
                "      <property name=\"{name}\" value=\"{value}\"/>"
            )?;
        }
        writeln!(self.out, "    </properties>")?;
        for case in self.cases.drain(..) {
            self.out.write_all(case.as_bytes())?;
        }
        writeln!(self.out, "  </testsuite>")?;
        writeln!(self.out, "</testsuites>")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::violation::{Code, LineNumber};

    fn violation(file: &str, value: &str) -> Violation {
        Violation {
            file: file.into(),
            line: Some(LineNumber::from_zero_based(2)),
            record: Some(LineNumber::from_zero_based(1)),
            column: Some("user_agent".to_owned()),
            code: Code::MaxLength,
            severity: Severity::Error,
            message: "too long".to_owned(),
            value: Some(value.to_owned()),
        }
    }

    #[test]
    fn hostile_values_are_escaped_and_listing_is_bounded() {
        let mut out = Vec::new();
        {
            let mut r = JunitReporter::new(&mut out, ReportOptions::default());
            r.violation(&violation("a<&>.jsonl", "]]></failure><x>\u{1b}\u{0}"))
                .unwrap_or_else(|e| panic!("{e}"));
            for _ in 0..MAX_LISTED + 3 {
                r.violation(&violation("a<&>.jsonl", "v"))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            let totals = FileTotals {
                file: "a<&>.jsonl".to_owned(),
                records: 5000,
                invalid_records: 4,
                errors: MAX_LISTED as u64 + 4,
                warnings: 0,
                omitted: 0,
            };
            r.file_done(&totals).unwrap_or_else(|e| panic!("{e}"));
            r.finish(&Summary::default())
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let text = String::from_utf8(out).unwrap_or_else(|e| panic!("{e}"));
        assert!(text.contains("name=\"a&lt;&amp;&gt;.jsonl\""));
        assert!(text.contains("]]&gt;&lt;/failure&gt;&lt;x&gt;\\u{1b}\\0"));
        assert!(!text.contains('\u{1b}') && !text.contains('\0'));
        assert!(text.contains("... 4 more violation(s) not listed here"));
        assert_eq!(text.matches("<failure ").count(), 1);
    }
}
