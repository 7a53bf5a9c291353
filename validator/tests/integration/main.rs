//! dap-validate's integration tests, in one binary: the JSON report against the contract
//! (`json_contract`), agreement with a JSON Schema validator on a generated corpus
//! (`differential`), and one corpus in every format (`formats`). The command line as data
//! (`tests/cli/*.case`) runs with the hostile catalogue, in the `hardening` binary.

/// The GitHub Action's script, run with the variables GitHub sets.
mod action;
/// The HTML report in headless Chromium: screenshots, DOM against the summary, hostile values.
mod browser;
/// Differential test: per-record verdicts and columns against the `jsonschema` crate.
mod differential;
/// The generated validation SQL on DuckDB and Spark finds what dap-validate finds.
mod engines;
/// One corpus in JSONL, CSV, TSV and Parquet gives the same violations; Parquet fixtures.
mod formats;
/// The same report whatever `--jobs` is.
mod jobs;
/// Every report format, every fixture, `--jobs 1..4`: byte-identical; also past the tally bound.
mod jobs_reports;
/// The JSON Lines report of a sample run, parsed back and checked field by field.
mod json_contract;
/// The per-column profile against counts made here, and every drift code.
mod profile_drift;

use std::path::{Path, PathBuf};

/// `validator/tests`: where the checked-in fixtures live.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}
