//! The SARIF 2.1.0 format, for code-scanning dashboards (GitHub's included).
//!
//! One run whose tool driver lists every rule of the stable code set (`ruleId` = the code,
//! `malformed`, `max_length`, ...), then one result per printed violation, streamed as it comes
//! (memory does not grow with the number of violations):
//!
//! ```text
//! {"ruleId":"max_length","ruleIndex":7,"level":"error",
//!  "message":{"text":"256 characters, more than the 255 allowed: \"Mozilla…\""},
//!  "locations":[{"physicalLocation":{"artifactLocation":{"uri":"exports/a.jsonl.gz"},
//!                                    "region":{"startLine":12}},
//!                "logicalLocations":[{"name":"user_agent","kind":"member"}]}],
//!  "properties":{"record":11,"column":"user_agent"}}
//! ```
//!
//! - `region.startLine` is the physical line where the record starts (no region for a format
//!   without lines, Parquet). For a malformed record whose message names a byte (`... at byte
//!   17`), `region.startColumn` is that 1-based byte position in the line. The run declares
//!   `columnKind: unicodeCodePoints`, which the byte position equals when the line is ASCII up to
//!   that point; after non-ASCII text it lies further right than the character. Other violations
//!   concern a schema column, which is not a text position: it is given as a logical location
//!   (`kind: member`) and as `properties.column`.
//! - File names become relative URI references (`%`-encoded); standard input is `-`.
//! - A file that could not be read is a `toolExecutionNotifications` entry of the invocation,
//!   and `executionSuccessful` is then `false`.
//! - Values are appended to the message text as in the human format, and left out with
//!   `--redact`. The output is built with `serde_json`, so it is always valid JSON.

use super::{ReportOptions, Reporter, quote};
use crate::summary::Summary;
use crate::violation::{Code, LineNumber, Severity, Violation};
use serde_json::{Value, json};
use std::io::{self, Write};

/// The SARIF schema this output follows.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes a SARIF log to `out`.
pub struct SarifReporter<W: Write> {
    out: W,
    options: ReportOptions,
    started: bool,
    results: u64,
    notifications: Vec<Value>,
}

impl<W: Write> SarifReporter<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W, options: ReportOptions) -> SarifReporter<W> {
        SarifReporter {
            out,
            options,
            started: false,
            results: 0,
            notifications: Vec::new(),
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let rules: Vec<Value> = Code::ALL
            .iter()
            .map(|code| {
                json!({
                    "id": code.as_str(),
                    "name": code.as_str(),
                    "shortDescription": {"text": rule_description(*code)},
                    "defaultConfiguration": {"level": level(code.severity())},
                })
            })
            .collect();
        let driver = json!({
            "name": "dap-validate",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        });
        write!(
            self.out,
            "{{\"$schema\":{},\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{}}},\"columnKind\":\"unicodeCodePoints\",\"results\":[",
            Value::from(SCHEMA_URI),
            driver
        )
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule_description(code: Code) -> &'static str {
    match code {
        Code::Malformed => "The record cannot be read (syntax, encoding, size, not an object).",
        Code::UnknownColumn => "A member that is not a column of the table or of the envelope.",
        Code::NotNull => "A required column is absent or null.",
        Code::Type => "The value has the wrong type for its column.",
        Code::Format => "The text is not a valid uuid, timestamp or IP address.",
        Code::Range => "An integer outside its column's width.",
        Code::Enum => "A value outside a closed enum.",
        Code::MaxLength => "A string longer than its column's maximum length in characters.",
        Code::DuplicateKey => "A primary key seen before in this run.",
        Code::Target => "Valid DAP data that the --target database refuses or changes.",
    }
}

/// A file name as a relative URI reference: unreserved characters and `/` stay, the rest is
/// `%`-encoded byte by byte.
pub fn file_uri(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for &b in file.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The byte a malformed record's message names (`... at byte 17`), if any.
fn byte_in_message(message: &str) -> Option<u64> {
    let (_, tail) = message.rsplit_once(" at byte ")?;
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|n| *n > 0)
}

/// The SARIF result of one violation.
pub fn result_object(v: &Violation, redact: bool) -> Value {
    let mut text = v.message.clone();
    if let Some(value) = v.value.as_deref().filter(|_| !redact) {
        text.push_str(": ");
        text.push_str(&quote(value));
    }
    let mut physical = json!({"artifactLocation": {"uri": file_uri(&v.file)}});
    if let Some(line) = v.line {
        let mut region = json!({"startLine": line.get()});
        if v.code == Code::Malformed
            && let Some(column) = byte_in_message(&v.message)
        {
            region["startColumn"] = column.into();
        }
        physical["region"] = region;
    }
    let mut location = json!({"physicalLocation": physical});
    if let Some(column) = &v.column {
        location["logicalLocations"] = json!([{"name": column, "kind": "member"}]);
    }
    json!({
        "ruleId": v.code.as_str(),
        "ruleIndex": v.code.index(),
        "level": level(v.severity),
        "message": {"text": text},
        "locations": [location],
        "properties": {"record": v.record.map(LineNumber::get), "column": v.column},
    })
}

impl<W: Write> Reporter for SarifReporter<W> {
    fn violation(&mut self, v: &Violation) -> io::Result<()> {
        self.start()?;
        if self.results > 0 {
            self.out.write_all(b",")?;
        }
        self.results += 1;
        serde_json::to_writer(&mut self.out, &result_object(v, self.options.redact))?;
        self.out.write_all(b"\n")
    }

    fn file_failed(&mut self, file: &str, error: &str) -> io::Result<()> {
        self.notifications.push(json!({
            "level": "error",
            "message": {"text": error},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": file_uri(file)}}}],
        }));
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.start()?;
        let invocation = json!({
            "executionSuccessful": summary.unreadable_files == 0,
            "toolExecutionNotifications": self.notifications,
        });
        let properties = json!({
            "files": summary.files,
            "records": summary.records,
            "valid_records": summary.valid_records,
            "invalid_records": summary.invalid_records,
            "errors": summary.errors,
            "warnings": summary.warnings,
        });
        writeln!(
            self.out,
            "],\"invocations\":[{invocation}],\"properties\":{properties}}}]}}"
        )?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_parses_back_with_its_results() {
        let mut out = Vec::new();
        {
            let mut r = SarifReporter::new(&mut out, ReportOptions::default());
            let v = Violation {
                file: "dir/a b%.jsonl".into(),
                line: Some(LineNumber::from_zero_based(4)),
                record: Some(LineNumber::from_zero_based(3)),
                column: None,
                code: Code::Malformed,
                severity: Severity::Error,
                message: "invalid JSON: unexpected `x` at byte 17".to_owned(),
                value: Some("\"],\u{1b}".to_owned()),
            };
            r.violation(&v).unwrap_or_else(|e| panic!("{e}"));
            r.violation(&v).unwrap_or_else(|e| panic!("{e}"));
            r.file_failed("b.gz", "corrupt")
                .unwrap_or_else(|e| panic!("{e}"));
            r.finish(&Summary::default())
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let log: Value = serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["results"].as_array().map(Vec::len), Some(2));
        let location = &run["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "dir/a%20b%25.jsonl");
        assert_eq!(location["region"]["startLine"], 5);
        assert_eq!(location["region"]["startColumn"], 17);
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "malformed");
    }
}
