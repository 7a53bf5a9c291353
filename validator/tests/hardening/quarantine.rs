//! The quarantine property: for generated exports (valid records, broken ones, blank lines,
//! CRLF, oversized records, a missing final newline, gzip or not), every record lands in exactly
//! one of `--valid-out`/`--invalid-out`, unchanged, in order, and the split agrees with the
//! report's verdicts. A seeded generator loop (the crate's own `synth` stream), so a failure
//! names its seed and reproduces.

use dap_validate::synth::{Generator, Rng};
use std::collections::BTreeSet;
use std::time::Duration;

/// One generated export: its bytes and its records (bytes with line ends), in order, each with
/// whether it was built to break a rule.
struct Export {
    bytes: Vec<u8>,
    records: Vec<Vec<u8>>,
    broken: Vec<bool>,
}

fn generate(seed: u64) -> Export {
    let mut generator = Generator::new(seed);
    let mut rng = Rng::new(seed ^ 0x5eed);
    let mut bytes = Vec::new();
    let mut records = Vec::new();
    let mut broken = Vec::new();
    let count = 1 + rng.below(60);
    for i in 0..count {
        if rng.chance(100) {
            bytes.extend_from_slice(if rng.chance(500) { b"\n" } else { b"  \t\r\n" });
        }
        let mut record = generator.record();
        let kind = rng.below(10);
        let mut line = match kind {
            0 => {
                record.set("http_method", Some("\"FETCH\""));
                record.to_line()
            }
            1 => "{broken".to_owned(),
            2 => format!("{{\"meta\":\"{}\"}}", "x".repeat(3000)),
            3 => record
                .to_line()
                .replace("\"value\"", "\"value\":{},\"value\""),
            _ => record.to_line(),
        }
        .into_bytes();
        let last = i + 1 == count;
        if !(last && rng.chance(300)) {
            line.extend_from_slice(if rng.chance(200) { b"\r\n" } else { b"\n" });
        }
        bytes.extend_from_slice(&line);
        records.push(line);
        broken.push(kind < 4);
    }
    Export {
        bytes,
        records,
        broken,
    }
}

fn read_output(path: &std::path::Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_default();
    if path.extension().is_some_and(|e| e == "gz") {
        crate::gunzip(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    } else {
        bytes
    }
}

/// `record` as written to an output: a record without a line end gets `\n`.
fn as_written(record: &[u8]) -> Vec<u8> {
    let mut out = record.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out
}

#[test]
fn every_record_lands_in_exactly_one_output_unchanged_in_order() {
    let dir = crate::scratch("quarantine");
    for seed in 0..24u64 {
        let export = generate(seed);
        let gzip_in = seed % 3 == 0;
        let input = if gzip_in { "in.jsonl.gz" } else { "in.jsonl" };
        let data = if gzip_in {
            crate::gzip(&export.bytes)
        } else {
            export.bytes.clone()
        };
        std::fs::write(dir.join(input), data).unwrap_or_else(|e| panic!("{e}"));
        let (valid, invalid) = if seed % 2 == 0 {
            ("valid.jsonl", "invalid.jsonl.gz")
        } else {
            ("valid.jsonl.gz", "invalid.jsonl")
        };
        let jobs = if seed % 4 < 2 { "1" } else { "3" };
        let mut command = crate::command(&dir);
        command.args([
            "--report",
            "json",
            "--jobs",
            jobs,
            "--max-record-bytes",
            "2048",
            "--valid-out",
            valid,
            "--invalid-out",
            invalid,
            input,
        ]);
        let output = crate::run_bounded(command, Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        crate::assert_sane(&format!("seed {seed}"), &output);
        // The report's verdicts: records with an error-level violation.
        let report = String::from_utf8_lossy(&output.stdout);
        let mut invalid_records = BTreeSet::new();
        for line in report.lines() {
            let value: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("seed {seed}: {e}: {line}"));
            if value["type"] == "violation" && value["severity"] == "error" {
                invalid_records.insert(value["record"].as_u64().unwrap_or(0));
            }
        }
        for (n, broken) in (1u64..).zip(&export.broken) {
            if *broken {
                assert!(
                    invalid_records.contains(&n),
                    "seed {seed}: record {n} is broken"
                );
            }
        }
        let mut expect_valid = Vec::new();
        let mut expect_invalid = Vec::new();
        for (n, record) in (1u64..).zip(&export.records) {
            if invalid_records.contains(&n) {
                expect_invalid.extend(as_written(record));
            } else {
                expect_valid.extend(as_written(record));
            }
        }
        let got_valid = read_output(&dir.join(valid));
        let got_invalid = read_output(&dir.join(invalid));
        assert_eq!(
            got_valid.len() + got_invalid.len(),
            export
                .records
                .iter()
                .map(|r| as_written(r).len())
                .sum::<usize>(),
            "seed {seed}: every record in exactly one output"
        );
        assert!(
            got_valid == expect_valid,
            "seed {seed}: valid output differs"
        );
        assert!(
            got_invalid == expect_invalid,
            "seed {seed}: invalid output differs"
        );
        let summary = report.lines().last().unwrap_or_default();
        assert!(
            summary.contains(&format!("\"records\":{}", export.records.len())),
            "seed {seed}: {summary}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// CSV rows built from the shipped fixture: valid, broken (an enum, a ragged row), and with a
/// quoted newline, LF or CRLF, the last one maybe without a line end.
fn generate_csv(seed: u64) -> (Vec<u8>, Vec<Vec<u8>>, Vec<bool>) {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats/web_logs.csv");
    let text = std::fs::read_to_string(&fixture).unwrap_or_else(|e| panic!("{e}"));
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let rows: Vec<&str> = lines.filter(|l| l.contains(",GET,")).collect();
    assert!(!rows.is_empty(), "the fixture has GET rows");
    let mut rng = Rng::new(seed);
    let mut bytes = format!("{header}\n").into_bytes();
    let (mut records, mut broken) = (Vec::new(), Vec::new());
    let count = 1 + rng.below(40);
    for i in 0..count {
        let row = *rng.pick(&rows);
        let kind = rng.below(6);
        let mut record = match kind {
            0 => row.replacen(",GET,", ",FETCH,", 1),
            1 => row.split(',').take(5).collect::<Vec<_>>().join(","),
            2 => row.replacen(",GET,", ",\"GET\nPOST\",", 1),
            _ => row.to_owned(),
        }
        .into_bytes();
        if !(i + 1 == count && rng.chance(300)) {
            record.extend_from_slice(if rng.chance(300) { b"\r\n" } else { b"\n" });
        }
        bytes.extend_from_slice(&record);
        records.push(record);
        broken.push(kind < 3);
    }
    (bytes, records, broken)
}

#[test]
fn csv_records_land_under_one_header_each() {
    let dir = crate::scratch("quarantine-csv");
    for seed in 0..12u64 {
        let (bytes, records, broken) = generate_csv(seed);
        std::fs::write(dir.join("in.csv"), &bytes).unwrap_or_else(|e| panic!("{e}"));
        let mut command = crate::command(&dir);
        let jobs = if seed % 2 == 0 { "1" } else { "2" };
        command.args([
            "--report",
            "json",
            "--jobs",
            jobs,
            "--no-duplicate-check",
            "--valid-out",
            "v.csv",
            "--invalid-out",
            "i.csv.gz",
            "in.csv",
        ]);
        let output = crate::run_bounded(command, Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        crate::assert_sane(&format!("csv seed {seed}"), &output);
        let report = String::from_utf8_lossy(&output.stdout);
        let mut invalid = BTreeSet::new();
        for line in report.lines() {
            let value: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("seed {seed}: {e}: {line}"));
            if value["type"] == "violation" && value["severity"] == "error" {
                invalid.insert(value["record"].as_u64().unwrap_or(0));
            }
        }
        let header_end = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
        let header = bytes.get(..header_end).unwrap_or_default().to_vec();
        let (mut expect_valid, mut expect_invalid) = (header.clone(), header);
        for (n, (record, broken)) in (1u64..).zip(records.iter().zip(&broken)) {
            if *broken {
                assert!(
                    invalid.contains(&n),
                    "csv seed {seed}: record {n} is broken\n{report}"
                );
            }
            let out = if invalid.contains(&n) {
                &mut expect_invalid
            } else {
                &mut expect_valid
            };
            out.extend(as_written(record));
        }
        assert!(
            read_output(&dir.join("v.csv")) == expect_valid,
            "csv seed {seed}: valid output"
        );
        assert!(
            read_output(&dir.join("i.csv.gz")) == expect_invalid,
            "csv seed {seed}: invalid output"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
