//! The JSON format: JSON Lines on standard output, exactly the contract in `DESIGN.md`.
//!
//! One object per violation, in file and record order, keys in this order:
//!
//! ```text
//! {"type":"violation","severity":"error","file":"a.jsonl.gz","line":12,"record":11,
//!  "column":"user_agent","code":"max_length","message":"...","value":"..."}
//! ```
//!
//! - `severity`: `error` or `warning` (`duplicate_key`).
//! - `line`: 1-based physical line where the record starts (`null` for Parquet, which has no
//!   lines); `record`: 1-based record ordinal in its file (`null` for a problem of the whole
//!   file: a CSV/TSV header, a Parquet schema, reported once).
//! - `column`: schema column name, `meta.ts`/`meta.action`, the unknown name for
//!   `unknown_column` (`meta.<name>` inside `meta`), or `null` for a whole-record problem.
//! - `value`: a string (a string's decoded content; a number's, literal's or object's JSON text;
//!   a malformed record's text), truncated to 200 characters with `…`; `null` when there is
//!   none (absent/null); the key is omitted entirely with `--redact`.
//!
//! Then one summary object, last:
//!
//! ```text
//! {"type":"summary","files":1,"records":1000,"valid_records":998,"invalid_records":2,
//!  "errors":3,"warnings":0,"by_code":{"malformed":0,...,"duplicate_key":0},
//!  "by_column":{"user_agent":1},"open_enum_values":{"web_application_controller":
//!  {"enum":"Controller","values":{"courses":12},"untracked":0,"complete":true}},
//!  "duplicates":{"identical":0,"conflicting":0},"unreadable_files":0,
//!  "schema":{"name":"canvas_logs.web_logs","version":1}}
//! ```
//!
//! `by_code` always lists every code of the stable set, in the contract's order; `by_column`
//! lists the columns with at least one violation, sorted by name (whole-record violations have no
//! column and are counted in `by_code` only). The keys after `by_column` are additions to the
//! contract's example, which a consumer may ignore: `"profile"` is the per-column profile
//! (`crate::profile::output` documents its form; `null` with `--no-profile`), `"drift"` the
//! drift warnings against `--baseline` (`[]` without one), each
//! `{"code":"drift_null_rate","severity":"warning","column":"user_id","message":"...",
//! "value":null,"count":12}`.

use super::{ReportOptions, Reporter};
use crate::summary::Summary;
use crate::violation::{LineNumber, Violation};
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// Writes JSON Lines to `out`.
pub struct JsonReporter<W: Write> {
    out: W,
    options: ReportOptions,
}

impl<W: Write> JsonReporter<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W, options: ReportOptions) -> JsonReporter<W> {
        JsonReporter { out, options }
    }
}

/// The wire object of one violation.
pub fn violation_object(v: &Violation, redact: bool) -> Value {
    let mut object = Map::new();
    object.insert("type".into(), "violation".into());
    object.insert("severity".into(), v.severity.as_str().into());
    object.insert("file".into(), Value::from(&*v.file));
    object.insert("line".into(), v.line.map(LineNumber::get).into());
    object.insert("record".into(), v.record.map(LineNumber::get).into());
    object.insert(
        "column".into(),
        v.column.as_deref().map_or(Value::Null, Value::from),
    );
    object.insert("code".into(), v.code.as_str().into());
    object.insert("message".into(), v.message.as_str().into());
    if !redact {
        object.insert(
            "value".into(),
            v.value.as_deref().map_or(Value::Null, Value::from),
        );
    }
    Value::Object(object)
}

/// The wire object of the summary.
pub fn summary_object(summary: &Summary, redact: bool) -> Value {
    let by_code: Map<String, Value> = summary
        .codes()
        .map(|(code, n)| (code.as_str().to_owned(), n.into()))
        .collect();
    let by_column: Map<String, Value> = summary
        .by_column
        .iter()
        .map(|(column, n)| (column.clone(), (*n).into()))
        .collect();
    let open: Map<String, Value> = summary
        .open_enum_values
        .iter()
        .map(|o| {
            let values: Map<String, Value> = o
                .values
                .iter()
                .filter(|_| !redact)
                .map(|(v, n)| (v.clone(), (*n).into()))
                .collect();
            (
                o.column.clone(),
                json!({
                    "enum": o.enum_name,
                    "values": values,
                    "untracked": o.untracked,
                    "complete": o.untracked == 0,
                }),
            )
        })
        .collect();
    json!({
        "type": "summary",
        "files": summary.files,
        "records": summary.records,
        "valid_records": summary.valid_records,
        "invalid_records": summary.invalid_records,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "by_code": by_code,
        "by_column": by_column,
        "open_enum_values": open,
        "duplicates": {
            "identical": summary.identical_duplicates,
            "conflicting": summary.conflicting_duplicates,
        },
        "unreadable_files": summary.unreadable_files,
        "schema": {"name": summary.schema, "version": summary.schema_version},
        "profile": summary.profile.as_ref().map_or(Value::Null, |p| p.to_json()),
        "drift": summary.drift.iter().map(drift_object).collect::<Vec<_>>(),
    })
}

/// The wire object of one drift warning (the summary's `"drift"` list).
pub fn drift_object(w: &crate::profile::drift::DriftWarning) -> Value {
    json!({
        "code": w.code.as_str(),
        "severity": "warning",
        "column": w.column,
        "message": w.message,
        "value": w.value,
        "count": w.count,
    })
}

impl<W: Write> Reporter for JsonReporter<W> {
    fn violation(&mut self, v: &Violation) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, &violation_object(v, self.options.redact))?;
        self.out.write_all(b"\n")
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, &summary_object(summary, self.options.redact))?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
