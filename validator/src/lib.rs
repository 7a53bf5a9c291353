//! `dap-validate`: a streaming validator for Canvas Data 2 (DAP) exports.
//!
//! It checks every record of JSONL, CSV and TSV exports (plain or gzip) and of Parquet exports,
//! one or many files, against a table of the namespace model (`canvas-logs-codegen`), reports
//! every violation with file, line, record, column and a stable rule code, and ends with a
//! summary. The command-line and report contract is `DESIGN.md`'s "validator contract".
//!
//! Stages, each its own module and type; no stage reaches around another:
//!
//! 1. [`files`]: paths -> ordered [`files::ExportFile`]s (directories walked, sorted);
//! 2. [`input`]: a file -> bytes (gzip by magic bytes, multi-member), on the file's reading
//!    lane ([`reader::lanes`]: several files read and decoded at once);
//! 3. [`reader`]: bytes -> batches of whole records -> per-field [`plan::FieldValue`]s
//!    ([`reader::jsonl`] over the strict scanner in [`json`]; [`reader::csv`] and [`reader::tsv`]
//!    after their header is mapped by [`reader::dispatch`]; [`reader::parquet`] row groups,
//!    checked on the reading thread), the same violations whatever the format;
//! 4. [`plan`]: the model compiled once into per-column checks, which never know the format;
//! 5. [`violation`]: findings as data; [`dedup`] and [`summary`] count across the run;
//!    [`profile`] stages each field and keeps a per-column profile per file, compared with a
//!    baseline by [`profile::drift`];
//! 6. [`report`]: one [`report::Reporter`] per output format (human, json, github, junit,
//!    sarif; a Markdown job summary besides any of them; a self-contained HTML page with
//!    `--html-out`), escaping every text from an export;
//! 7. [`engine`]: runs the stages; with `--jobs N > 1`, N - 1 helper threads check batches too,
//!    and outcomes are merged in order; the merge step also feeds [`quarantine`] (`--valid-out`/`--invalid-out`) and
//!    [`progress`] (a bar on a terminal).
//!
//! ```
//! use dap_validate::plan::{CheckPlan, FieldValue, Findings};
//!
//! let namespace = canvas_logs_codegen::load_embedded();
//! let table = namespace.table("web_logs").unwrap();
//! let plan = CheckPlan::compile(&namespace, table);
//! let user_agent = plan.value_column(b"user_agent").unwrap();
//! let mut findings = Findings::default();
//! plan.check(user_agent, FieldValue::String("é".repeat(256).as_bytes()), &mut findings);
//! assert_eq!(findings.as_slice()[0].code.as_str(), "max_length");
//! ```
#![deny(missing_docs)]

pub mod args;
pub mod dedup;
pub mod engine;
pub mod error;
pub mod files;
pub mod formats;
pub mod input;
pub mod json;
pub mod keyset;
pub mod plan;
pub mod profile;
pub mod progress;
pub mod quarantine;
pub mod reader;
pub mod report;
pub mod summary;
pub mod synth;
pub mod target;
pub mod violation;

pub use args::Args;
pub use engine::{Outcome, run};
pub use error::{Error, ErrorKind};
pub use violation::{Code, Severity, Violation};
