//! Parquet (issue 13, item 5): the bench records written as one Parquet file the way DuckDB
//! writes it (snappy; row groups of 122,880 rows; `meta`, `key`, `value` as structs, times as
//! `TIMESTAMP WITH TIME ZONE`), kept in `target/bench/`, and measured in one run, taking turns:
//!
//! - (q) `dap-validate --jobs 1` on the Parquet file, and (q') with its default jobs (row
//!   groups checked on every lane);
//! - (r) the `parquet` crate reading every column of the file into typed buffers on one thread,
//!   2,048 rows at a time, as `dap-validate` does: the decoding limit, no checks;
//! - (d) `dap-validate` with default jobs on the same records as JSONL.
//!
//! Targets: Parquet checks at least as many records per second as JSONL (q' against d), with
//! the ratio of (q) to the bare read beside it. Writing the file needs a Python with DuckDB
//! (`DAP_ENGINES_PYTHON`, as for the engines); without one this part is left out, and says so.

use super::{Measure, RUNS, one_more, run_validator};
use anyhow::{Context, Result, bail};
use parquet::column::reader::ColumnReader;
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Rows per read, as `dap-validate`'s Parquet reader.
const CHUNK_ROWS: usize = 2048;

/// The DuckDB script that writes the file (the columns as the engines test declares them;
/// lines DuckDB cannot read, the generator's malformed ones, are skipped).
const WRITE: &str = r#"
import sys, duckdb
value = ("timestamp TIMESTAMPTZ, user_id BIGINT, real_user_id BIGINT, course_id BIGINT, "
  "quiz_id BIGINT, discussion_id BIGINT, conversation_id BIGINT, assignment_id BIGINT, "
  "url VARCHAR, http_method VARCHAR, http_status INT, http_version VARCHAR, remote_ip VARCHAR, "
  "interaction_micros INT, web_application_controller VARCHAR, web_application_action VARCHAR, "
  "web_application_context_type VARCHAR, web_application_context_id BIGINT, session_id VARCHAR, "
  "developer_key_id BIGINT, participated BOOLEAN, user_agent VARCHAR")
columns = {"meta": "STRUCT(ts TIMESTAMPTZ, action VARCHAR)", "key": "STRUCT(id VARCHAR)",
  "value": "STRUCT(" + ", ".join('"%s" %s' % tuple(c.split(" ", 1)) for c in value.split(", ")) + ")"}
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute("COPY (SELECT * FROM read_json(?, columns = %r, format = 'newline_delimited', "
  "ignore_errors = true)) TO '%s' (FORMAT parquet, COMPRESSION snappy)" % (columns, sys.argv[2]),
  [sys.argv[1]])
"#;

/// The measurements, or why this part was left out.
pub enum ParquetResult {
    Measured {
        one: Measure,
        many: Measure,
        bare: Measure,
        jsonl: Measure,
    },
    LeftOut(String),
}

/// Writes the file (when not cached) and measures.
pub fn measure(exe: &Path, dir: &Path, jsonl: &Path) -> Result<ParquetResult> {
    let path = dir.join(format!("web_logs-{}.parquet", super::RECORDS));
    if !path.exists() {
        let Some(python) = super::engines::python_with("duckdb") else {
            return Ok(ParquetResult::LeftOut(
                "Parquet: no Python with `duckdb` to write the file (set DAP_ENGINES_PYTHON)"
                    .to_owned(),
            ));
        };
        eprintln!("writing {} with DuckDB ...", path.display());
        let partial = path.with_extension("parquet.partial");
        let status = Command::new(python)
            .args(["-c", WRITE])
            .arg(jsonl)
            .arg(&partial)
            .status()
            .context("running DuckDB")?;
        if !status.success() {
            bail!("DuckDB could not write {}", partial.display());
        }
        std::fs::rename(&partial, &path)?;
    }
    let bytes = std::fs::metadata(&path)?.len();
    let jsonl_bytes = std::fs::metadata(jsonl)?.len();
    let _ = std::fs::read(&path)?.len();
    eprintln!("(q) Parquet through dap-validate, (r) the parquet crate's bare read ...");
    let (mut one, mut many, mut bare, mut plain) = (None, None, None, None);
    for _ in 0..RUNS {
        one = Some(one_more(one, &mut || {
            run_validator(
                exe,
                &path,
                Some(1),
                "q  dap-validate --jobs 1, Parquet",
                bytes,
            )
        })?);
        many = Some(one_more(many, &mut || {
            run_validator(
                exe,
                &path,
                None,
                "q' dap-validate default jobs, Parquet",
                bytes,
            )
        })?);
        bare = Some(one_more(bare, &mut || bare_read(&path, bytes))?);
        plain = Some(one_more(plain, &mut || {
            run_validator(
                exe,
                jsonl,
                None,
                "d  dap-validate default jobs (again)",
                jsonl_bytes,
            )
        })?);
    }
    Ok(ParquetResult::Measured {
        one: one.context("no run")?,
        many: many.context("no run")?,
        bare: bare.context("no run")?,
        jsonl: plain.context("no run")?,
    })
}

/// Reads every column of every row group into typed buffers, `CHUNK_ROWS` rows at a time.
fn bare_read(path: &PathBuf, bytes: u64) -> Result<Measure> {
    let start = Instant::now();
    let reader = SerializedFileReader::new(std::fs::File::open(path)?)?;
    let columns = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .num_columns();
    let mut rows = 0u64;
    let (mut def, mut bools, mut i32s, mut i64s, mut i96s, mut byte_arrays) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for group in 0..reader.num_row_groups() {
        let group_reader = reader.get_row_group(group)?;
        let total = usize::try_from(group_reader.metadata().num_rows()).unwrap_or(0);
        rows += total as u64;
        for column in 0..columns {
            let mut column_reader = group_reader.get_column_reader(column)?;
            let mut done = 0;
            while done < total {
                let want = (total - done).min(CHUNK_ROWS);
                def.clear();
                let read = match &mut column_reader {
                    ColumnReader::BoolColumnReader(r) => {
                        bools.clear();
                        r.read_records(want, Some(&mut def), None, &mut bools)?
                    }
                    ColumnReader::Int32ColumnReader(r) => {
                        i32s.clear();
                        r.read_records(want, Some(&mut def), None, &mut i32s)?
                    }
                    ColumnReader::Int64ColumnReader(r) => {
                        i64s.clear();
                        r.read_records(want, Some(&mut def), None, &mut i64s)?
                    }
                    ColumnReader::Int96ColumnReader(r) => {
                        i96s.clear();
                        r.read_records(want, Some(&mut def), None, &mut i96s)?
                    }
                    ColumnReader::ByteArrayColumnReader(r) => {
                        byte_arrays.clear();
                        r.read_records(want, Some(&mut def), None, &mut byte_arrays)?
                    }
                    _ => bail!("column {column}: a type the bench file does not have"),
                };
                if read.0 == 0 {
                    bail!("column {column} ended early");
                }
                done += read.0;
            }
        }
    }
    Ok(Measure {
        label: "r  parquet crate bare read, Parquet",
        seconds: start.elapsed().as_secs_f64(),
        bytes,
        records: rows,
        peak_rss_kib: None,
    })
}

/// Prints the Parquet rows' ratios; `true` when the target is met (or the part left out).
pub fn report(result: &ParquetResult) -> bool {
    let (one, many, bare, jsonl) = match result {
        ParquetResult::Measured {
            one,
            many,
            bare,
            jsonl,
        } => (one, many, bare, jsonl),
        ParquetResult::LeftOut(reason) => {
            println!("left out: {reason}");
            return true;
        }
    };
    println!();
    println!(
        "Parquet: {} rows, {:.1} MB; JSONL of the same records with default jobs beside it",
        one.records,
        one.bytes as f64 / 1e6
    );
    for m in [one, many, bare, jsonl] {
        println!(
            "{:<40} {:>8.3} s {:>12.0} records/s",
            m.label,
            m.seconds,
            m.records_per_s()
        );
    }
    println!(
        "{:<48} {:>8.2}",
        "Parquet --jobs 1 time / bare read time",
        one.seconds / bare.seconds
    );
    let ratio = many.records_per_s() / jsonl.records_per_s();
    super::print_checks(
        48,
        [(
            "Parquet / JSONL records per second, default jobs (target >= 1.0)",
            ratio,
            ratio >= 1.0,
        )],
    )
}
