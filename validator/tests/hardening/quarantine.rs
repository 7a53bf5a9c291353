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
