//! The benchmark's CSV and TSV rows: the same 1,000,000 records as the JSONL export, converted
//! once (cached in `target/bench/`), checked by `dap-validate`, and compared with the `csv` crate
//! reading the same file into reused `ByteRecord`s on one thread (the parsing limit); each the
//! fastest of five runs, like the JSONL rows.
//!
//! Conversion: each JSONL record becomes one row with the DAP header of dotted names; JSON `null`
//! and absent members become NULL (CSV: an unquoted empty field; TSV: `\N`), strings are quoted
//! (CSV) or escaped (TSV) as DAP writes them, numbers and booleans keep their JSON text. A line
//! that is not a readable record (the generator's malformed mutations) becomes a one-field row,
//! which `dap-validate` reports as `malformed`, so the record count stays the same.

use super::{Measure, RECORDS, best, run_validator};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

/// Text formats measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Text {
    Csv,
    Tsv,
}

/// Converts (when not cached), measures and appends the CSV and TSV rows to `results`.
pub fn measure(exe: &Path, dir: &Path, jsonl: &Path, results: &mut Vec<Measure>) -> Result<()> {
    for (text, name) in [(Text::Csv, "csv"), (Text::Tsv, "tsv")] {
        let path = dir.join(format!("web_logs-{RECORDS}.{name}"));
        if !path.exists() {
            eprintln!("converting to {} ...", path.display());
            convert(jsonl, &path, text)?;
        }
        let bytes = std::fs::metadata(&path)?.len();
        let _ = std::fs::read(&path)?.len();
        let (one, many, parse) = match text {
            Text::Csv => (
                "f  dap-validate --jobs 1, CSV",
                "f' dap-validate default jobs, CSV",
                "g  csv crate ByteRecords, CSV",
            ),
            Text::Tsv => (
                "h  dap-validate --jobs 1, TSV",
                "h' dap-validate default jobs, TSV",
                "i  csv crate ByteRecords, TSV",
            ),
        };
        eprintln!("{one} ...");
        results.push(best(super::RUNS, || {
            run_validator(exe, &path, Some(1), one, bytes)
        })?);
        eprintln!("{many} ...");
        results.push(best(super::RUNS, || {
            run_validator(exe, &path, None, many, bytes)
        })?);
        eprintln!("{parse} ...");
        results.push(best(super::RUNS, || parse_only(&path, text, parse, bytes))?);
    }
    Ok(())
}

/// The most times the `csv` crate's bare parse `--jobs 1` may take (issue 13, item 6).
const TARGET: f64 = 1.6;

/// Prints the ratios, the `--jobs 1` ones against their target; returns whether they are met.
pub fn report(results: &[Measure]) -> bool {
    let mut met = true;
    for (label, value) in ratios(results) {
        let one = label.contains("--jobs 1");
        met &= !one || value <= TARGET;
        let mark = if one && value > TARGET {
            format!("  NOT MET (target <= {TARGET})")
        } else {
            String::new()
        };
        println!("{label:<48} {value:>8.2}{mark}");
    }
    met
}

/// The ratios of the CSV and TSV rows: how many times the parsing limit each run takes.
pub fn ratios(results: &[Measure]) -> Vec<(String, f64)> {
    let get = |prefix: &str| results.iter().find(|m| m.label.starts_with(prefix));
    let mut out = Vec::new();
    for (name, one, many, parse) in [("CSV", "f ", "f'", "g "), ("TSV", "h ", "h'", "i ")] {
        if let (Some(one), Some(many), Some(parse)) = (get(one), get(many), get(parse)) {
            out.push((
                format!("{name} --jobs 1 time / csv ByteRecords time"),
                one.seconds / parse.seconds,
            ));
            out.push((
                format!("{name} default jobs time / csv ByteRecords time"),
                many.seconds / parse.seconds,
            ));
        }
    }
    out
}

/// Reads every record with the `csv` crate into one reused `ByteRecord` (TSV: tab-delimited, no
/// quoting, as PostgreSQL's text format has none).
fn parse_only(path: &Path, text: Text, label: &'static str, bytes: u64) -> Result<Measure> {
    let start = Instant::now();
    let file = std::fs::File::open(path)?;
    let mut builder = csv::ReaderBuilder::new();
    builder
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 20);
    if text == Text::Tsv {
        builder.delimiter(b'\t').quoting(false);
    }
    let mut reader = builder.from_reader(file);
    let mut record = csv::ByteRecord::new();
    let mut records = 0u64;
    let mut fields = 0u64;
    while reader.read_byte_record(&mut record)? {
        records += 1;
        fields += record.len() as u64;
    }
    let seconds = start.elapsed().as_secs_f64();
    if records != RECORDS {
        bail!(
            "{}: csv read {records} records, expected {RECORDS}",
            path.display()
        );
    }
    eprintln!("   {fields} fields");
    Ok(Measure {
        label,
        seconds,
        bytes,
        records,
        peak_rss_kib: None,
    })
}

/// The DAP header: `meta.ts`, `meta.action`, then `key.<column>` and `value.<column>`.
fn header() -> Result<Vec<(String, Vec<String>)>> {
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace.table("web_logs").context("no web_logs")?;
    let mut names = vec![
        (
            "meta.ts".to_owned(),
            vec!["meta".to_owned(), "ts".to_owned()],
        ),
        (
            "meta.action".to_owned(),
            vec!["meta".to_owned(), "action".to_owned()],
        ),
    ];
    for (index, column) in table.columns().iter().enumerate() {
        let section = if table.is_key_column(index) {
            "key"
        } else {
            "value"
        };
        names.push((
            format!("{section}.{}", column.name()),
            vec![section.to_owned(), column.name().to_owned()],
        ));
    }
    Ok(names)
}

fn convert(jsonl: &Path, out_path: &Path, text: Text) -> Result<()> {
    let names = header()?;
    let separator = if text == Text::Csv { b',' } else { b'\t' };
    let partial = out_path.with_extension("partial");
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&partial)?);
    let header: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
    out.write_all(
        header
            .join(if text == Text::Csv { "," } else { "\t" })
            .as_bytes(),
    )?;
    out.write_all(b"\n")?;
    let reader = BufReader::with_capacity(1 << 20, std::fs::File::open(jsonl)?);
    let mut row = Vec::with_capacity(4096);
    for line in reader.split(b'\n') {
        let line = line?;
        row.clear();
        match serde_json::from_slice::<Value>(&line) {
            Ok(record @ Value::Object(_)) => {
                for (i, (_, path)) in names.iter().enumerate() {
                    if i > 0 {
                        row.push(separator);
                    }
                    let mut value = &record;
                    for part in path {
                        value = value.get(part).unwrap_or(&Value::Null);
                    }
                    write_value(value, text, &mut row);
                }
            }
            _ => write_text(&String::from_utf8_lossy(&line), text, &mut row),
        }
        row.push(b'\n');
        out.write_all(&row)?;
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&partial, out_path)?;
    Ok(())
}

fn write_value(value: &Value, text: Text, out: &mut Vec<u8>) {
    match value {
        Value::Null => {
            if text == Text::Tsv {
                out.extend_from_slice(b"\\N");
            }
        }
        Value::String(s) => write_text(s, text, out),
        Value::Bool(_) | Value::Number(_) => out.extend_from_slice(value.to_string().as_bytes()),
        Value::Array(_) | Value::Object(_) => write_text(&value.to_string(), text, out),
    }
}

fn write_text(s: &str, text: Text, out: &mut Vec<u8>) {
    match text {
        Text::Csv => {
            let quote = s.is_empty()
                || s == "NULL"
                || s.bytes()
                    .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r' | b'\t'));
            if !quote {
                out.extend_from_slice(s.as_bytes());
                return;
            }
            out.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        }
        Text::Tsv => {
            for b in s.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    0x08 => out.extend_from_slice(b"\\b"),
                    0x0C => out.extend_from_slice(b"\\f"),
                    0x0B => out.extend_from_slice(b"\\v"),
                    other => out.push(other),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_dap_does() {
        let mut out = Vec::new();
        write_text("a,\"b\"", Text::Csv, &mut out);
        assert_eq!(out, b"\"a,\"\"b\"\"\"");
        out.clear();
        write_value(&Value::Null, Text::Tsv, &mut out);
        write_text("x\ty\\", Text::Tsv, &mut out);
        assert_eq!(out, b"\\Nx\\ty\\\\");
        out.clear();
        write_text("", Text::Csv, &mut out);
        assert_eq!(out, b"\"\"");
    }
}
