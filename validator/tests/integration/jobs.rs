//! The report does not depend on `--jobs`: the calling thread hands batches to whichever helper
//! is free and checks the rest itself, so which thread checks which batch changes from run to run;
//! the merge step must put every outcome back in file order. Gzip files are read several at once
//! (one reading lane per gzip file, up to the job count), so later files are checked before
//! earlier ones end, and cross-file duplicates, a gzip stream cut short and a gzip CSV must
//! still come out in file order.

use dap_validate::engine::{Config, validate};
use dap_validate::files::{ExportFile, Format};
use dap_validate::plan::CheckPlan;
use dap_validate::reader::Limits;
use dap_validate::report::ReportOptions;
use dap_validate::report::json::JsonReporter;
use std::io::Write;
use std::path::{Path, PathBuf};

fn export_file(path: &Path, format: Format) -> ExportFile {
    let display = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    ExportFile::at_path(path.to_path_buf(), display.into(), format)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

/// Seven files: a JSONL export with broken records and repeated ids, a missing file, a CSV
/// export, a JSONL file with an oversized record between valid ones, then three gzip files: a
/// redelivery of the first file's records with new ones, the CSV again, and a gzip export cut
/// short in the middle.
fn corpus(dir: &Path) -> Vec<ExportFile> {
    let mut jsonl = Vec::new();
    dap_validate::synth::write_export(&mut jsonl, 7, 3_000, 40).expect("generate");
    // Redeliveries: the first 200 records again, some changed (conflicting duplicates).
    let again: Vec<String> = String::from_utf8_lossy(&jsonl)
        .lines()
        .take(200)
        .enumerate()
        .map(|(i, l)| {
            if i % 3 == 0 {
                l.replacen("\"GET\"", "\"POST\"", 1)
            } else {
                l.to_owned()
            }
        })
        .collect();
    for line in again {
        jsonl.extend_from_slice(line.as_bytes());
        jsonl.push(b'\n');
    }
    let first = dir.join("a.jsonl");
    std::fs::write(&first, &jsonl).expect("write a.jsonl");

    let missing = dir.join("missing.jsonl");

    let mut csv = b"key.id,value.http_method\n".to_vec();
    for i in 0..500u32 {
        writeln!(csv, "00000000-0000-4000-8000-{i:012},GET").expect("write");
    }
    let third = dir.join("c.csv");
    std::fs::write(&third, &csv).expect("write c.csv");

    let mut big = Vec::new();
    dap_validate::synth::write_export(&mut big, 8, 50, 0).expect("generate");
    let huge = format!(
        "{{\"meta\":{{\"ts\":\"2024-05-01T00:00:00Z\"}},\"key\":{{\"id\":\"{}\"}},\"value\":\"{}\"}}\n",
        "00000000-0000-4000-8000-000000000001",
        "x".repeat(300_000)
    );
    big.extend_from_slice(huge.as_bytes());
    dap_validate::synth::write_export(&mut big, 9, 50, 0).expect("generate");
    let fourth = dir.join("d.jsonl");
    std::fs::write(&fourth, &big).expect("write d.jsonl");

    let mut redelivered: Vec<u8> = jsonl
        .split_inclusive(|&b| b == b'\n')
        .take(1_000)
        .flatten()
        .copied()
        .collect();
    dap_validate::synth::write_export(&mut redelivered, 10, 1_000, 30).expect("generate");
    let fifth = dir.join("e.jsonl.gz");
    std::fs::write(&fifth, gzip(&redelivered)).expect("write e.jsonl.gz");
    let sixth = dir.join("f.csv.gz");
    std::fs::write(&sixth, gzip(&csv)).expect("write f.csv.gz");
    let mut cut = Vec::new();
    dap_validate::synth::write_export(&mut cut, 11, 2_000, 50).expect("generate");
    let mut cut = gzip(&cut);
    cut.truncate(cut.len() / 2);
    let seventh = dir.join("g.jsonl.gz");
    std::fs::write(&seventh, cut).expect("write g.jsonl.gz");

    vec![
        export_file(&first, Format::Jsonl),
        export_file(&missing, Format::Jsonl),
        export_file(&third, Format::Csv),
        export_file(&fourth, Format::Jsonl),
        export_file(&fifth, Format::Jsonl),
        export_file(&sixth, Format::Csv),
        export_file(&seventh, Format::Jsonl),
    ]
}

fn report(files: &[ExportFile], jobs: usize) -> (String, String) {
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace.table("web_logs").expect("web_logs");
    let plan = CheckPlan::compile(&namespace, table);
    let config = Config {
        files: files.to_vec(),
        jobs,
        max_errors: None,
        redact: false,
        // Small batches (a few records each) and a record limit the big record breaks: many
        // batches per file, and oversized parts among them.
        limits: Limits {
            batch_bytes: 4 << 10,
            max_record_bytes: 64 << 10,
        },
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let options = ReportOptions {
        redact: false,
        color: false,
    };
    validate(
        &plan,
        &config,
        &mut JsonReporter::new(&mut out, options),
        &mut errors,
    )
    .expect("validate");
    (
        String::from_utf8(out).expect("UTF-8 report"),
        String::from_utf8(errors).expect("UTF-8 errors"),
    )
}

fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dap-validate-jobs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn every_jobs_count_gives_the_same_report() {
    let dir = scratch_dir();
    let files = corpus(&dir);
    let (expected, expected_errors) = report(&files, 1);
    // The corpus exercises what the merge step orders: findings, duplicates of both kinds, a file
    // that cannot be opened, a header, an oversized record.
    for needle in [
        "\"code\":\"duplicate_key\"",
        "\"code\":\"malformed\"",
        "\"code\":\"not_null\"",
        "\"file\":\"c.csv\"",
        "\"file\":\"d.jsonl\"",
        "\"file\":\"e.jsonl.gz\"",
        "\"file\":\"f.csv.gz\"",
        "\"file\":\"g.jsonl.gz\"",
        "\"type\":\"summary\"",
    ] {
        assert!(
            expected.contains(needle),
            "{needle} missing from\n{expected}"
        );
    }
    assert!(expected.contains("identical") && expected.contains("conflict"));
    for unreadable in [
        "missing.jsonl",
        "g.jsonl.gz: the gzip data is corrupt or cut short",
    ] {
        assert!(expected_errors.contains(unreadable), "{expected_errors}");
    }
    // The redelivered records are duplicates of the first file's (found in file order).
    assert!(
        expected
            .lines()
            .any(|l| l.contains("\"file\":\"e.jsonl.gz\"") && l.contains("duplicate_key")),
        "no duplicate found in the redelivery"
    );
    let summary = expected.lines().last().unwrap_or_default();
    let records: u64 = summary
        .split("\"records\":")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    // 3,801 in the plain files, 2,500 in the whole gzip ones, some of the cut one's 2,000.
    assert!((6_302..8_301).contains(&records), "{summary}");
    assert!(summary.contains("\"unreadable_files\":2"), "{summary}");
    // Run each count several times: the split between threads differs from run to run.
    for jobs in [2, 3, 4] {
        for _ in 0..3 {
            let (got, errors) = report(&files, jobs);
            assert!(got == expected, "--jobs {jobs} differs from --jobs 1");
            assert_eq!(errors, expected_errors, "--jobs {jobs}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
