//! The benchmark's engine rows: the generated validation SQL
//! (`schema/generated/validation/{duckdb,spark}/web_logs.sql`) on the same 1,000,000-record
//! JSONL file, run by DuckDB and by Spark `local[2]` through `validator/tests/engines/validate.py`
//! (`bench-` mode: `raw_lines` built by the engine from the file as the README shows, then the
//! violations view fetched whole), beside `dap-validate`'s rows. One run each: they take minutes.
//!
//! The Python comes from `DAP_ENGINES_PYTHON` (`.ci/run` makes a venv with DuckDB and PySpark),
//! else `python3`; without DuckDB or PySpark (or Java for Spark) the row is left out and the
//! reason printed. The seconds are wall time from the engine's start (JVM and session start
//! included for Spark) to the last violation fetched; `load` (building `raw_lines`) is part of it.

use super::{Measure, RECORDS};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The Python to run the engines with, if it has `module`.
pub(super) fn python_with(module: &str) -> Option<PathBuf> {
    let python = std::env::var_os("DAP_ENGINES_PYTHON")
        .map_or_else(|| PathBuf::from("python3"), PathBuf::from);
    Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
        .then_some(python)
}

/// Measures each engine on `jsonl` and appends its row to `results`; returns the engines left
/// out, with why.
pub fn measure(
    root: &Path,
    dir: &Path,
    jsonl: &Path,
    results: &mut Vec<Measure>,
) -> Result<Vec<String>> {
    let bytes = std::fs::metadata(jsonl)?.len();
    let mut skipped = Vec::new();
    for (engine, module, label) in [
        ("duckdb", "duckdb", "k  DuckDB SQL, violations view"),
        ("spark", "pyspark", "s  Spark local[2] SQL, violations"),
    ] {
        let Some(python) = python_with(module) else {
            skipped.push(format!(
                "{engine}: no Python with `{module}` (set DAP_ENGINES_PYTHON)"
            ));
            continue;
        };
        if engine == "spark" && Command::new("java").arg("-version").output().is_err() {
            skipped.push("spark: no `java` on PATH".to_owned());
            continue;
        }
        eprintln!("({}) {label} ...", &label[..1]);
        let out = dir.join(format!("{engine}-bench.json"));
        let start = Instant::now();
        let output = Command::new(&python)
            .arg(root.join("validator/tests/engines/validate.py"))
            .arg(format!("bench-{engine}"))
            .arg(root.join(format!("schema/generated/validation/{engine}/web_logs.sql")))
            .arg(&out)
            .arg(jsonl)
            .env("SPARK_DRIVER_MEMORY", "6g")
            .output()?;
        let seconds = start.elapsed().as_secs_f64();
        if !output.status.success() {
            bail!(
                "{engine} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let result: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out)?)?;
        eprintln!(
            "   {} violations; load {:.1} s, check {:.1} s ({} {})",
            result["violations"],
            result["seconds"]["load"].as_f64().unwrap_or(0.0),
            result["seconds"]["check"].as_f64().unwrap_or(0.0),
            engine,
            result["engine_version"].as_str().unwrap_or("?"),
        );
        results.push(Measure {
            label,
            seconds,
            bytes,
            records: RECORDS,
            peak_rss_kib: None,
        });
    }
    Ok(skipped)
}

/// The engines' ratios to `dap-validate` with default jobs (`d`): how many times longer the
/// engine took on the same file.
pub fn ratios(results: &[Measure]) -> Vec<(String, f64)> {
    let get = |prefix: &str| results.iter().find(|m| m.label.starts_with(prefix));
    let mut out = Vec::new();
    if let Some(d) = get("d ") {
        for (name, prefix) in [("DuckDB", "k "), ("Spark local[2]", "s ")] {
            if let Some(m) = get(prefix) {
                out.push((
                    format!("{name} time / dap-validate default jobs time"),
                    m.seconds / d.seconds,
                ));
            }
        }
    }
    out
}
