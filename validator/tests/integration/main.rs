//! dap-validate's integration tests, in one binary: the command line as data (`cli`), the JSON
//! report against the contract (`json_contract`), and agreement with a JSON Schema validator on a
//! generated corpus (`differential`).

/// CLI cases as data: one `tests/cli/*.case` file per case (arguments, stdin, exit status,
/// expected stdout and stderr).
mod cli;
/// Differential test: per-record verdicts and columns against the `jsonschema` crate.
mod differential;
/// One corpus in JSONL, CSV, TSV and Parquet gives the same violations; Parquet fixtures.
mod formats;
/// The JSON Lines report of a sample run, parsed back and checked field by field.
mod json_contract;

use std::path::{Path, PathBuf};

/// `validator/tests`: the working directory of CLI cases, so reported paths are short and stable.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}
