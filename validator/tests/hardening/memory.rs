//! Peak memory of the binary on a 200 MB record: flat, whatever the record's size.
//!
//! The input is generated at test time, streamed to a scratch file (never held in memory, never
//! checked in): a valid record, a 200 MB record with no line end in the middle of the file, a
//! record with an error after it, and a 200 MB record that ends the file without a newline.
//! The child's peak resident set (`VmHWM` in `/proc/<pid>/status`, a high-water mark) is sampled
//! every few milliseconds while it runs; the last sample before it exits is its peak (a peak
//! in the final milliseconds could be missed, which would only make the test lenient by that
//! much, and the run is dominated by reading 400 MB).

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

const RECORD: &str = r#"{"meta":{"ts":"2026-11-02T10:11:13Z","action":"U"},"key":{"id":"5d0c9a1e-2b7f-4e11-8c3a-000000000001"},"value":{"timestamp":"2026-11-02T10:11:13.5Z","url":"/login","http_method":"POST","http_status":302,"http_version":"2.0","remote_ip":"2001:db8::17","interaction_micros":880,"participated":false,"user_agent":"UA"}}"#;

const LINE_BYTES: usize = 200 << 20;
const LIMIT_KIB: u64 = 64 << 10;

fn write_big_line(out: &mut impl Write, end: &[u8]) -> std::io::Result<()> {
    out.write_all(br#"{"meta":{"ts":""#)?;
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..LINE_BYTES >> 20 {
        out.write_all(&chunk)?;
    }
    out.write_all(end)
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_200_mb_record_is_skipped_in_flat_memory() {
    let dir = crate::scratch("memory");
    let path = dir.join("big.jsonl");
    {
        let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut out = std::io::BufWriter::new(file);
        let written = writeln!(out, "{RECORD}")
            .and_then(|()| write_big_line(&mut out, b"\"}}\n"))
            .and_then(|()| writeln!(out, "{}", RECORD.replace("POST", "FETCH")))
            .and_then(|()| write_big_line(&mut out, b""))
            .and_then(|()| out.flush());
        written.unwrap_or_else(|e| panic!("{e}"));
    }
    for jobs in ["1", "2"] {
        let (status, peak, report) =
            peak_of(&dir, &["--report", "json", "--jobs", jobs, "big.jsonl"]);
        assert_eq!(status.code(), Some(1), "--jobs {jobs}: {report}");
        assert!(peak > 0, "VmHWM was never read");
        assert!(
            peak < LIMIT_KIB,
            "--jobs {jobs}: peak RSS {peak} KiB on a 200 MB record (limit {LIMIT_KIB} KiB)"
        );
        let oversized = report.matches("oversized record: 209715").count();
        assert_eq!(
            oversized, 2,
            "--jobs {jobs}: both big records named\n{report}"
        );
        assert!(
            report.contains(r#""line":3,"record":3,"column":"http_method","code":"enum""#),
            "{report}"
        );
        assert!(report.contains(r#""records":4"#), "{report}");
        eprintln!("--jobs {jobs}: peak RSS {peak} KiB");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the binary in `dir` with `args`: its exit status, peak RSS (KiB) and report.
fn peak_of(dir: &std::path::Path, args: &[&str]) -> (std::process::ExitStatus, u64, String) {
    let mut command = crate::command(dir);
    command.args(args).stdout(Stdio::piped());
    let mut child = command.spawn().unwrap_or_else(|e| panic!("{e}"));
    let pid = child.id();
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(out) = stdout.as_mut() {
            let _ = std::io::Read::read_to_string(out, &mut text);
        }
        text
    });
    let start = Instant::now();
    let mut peak = 0u64;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak = peak.max(kib);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > Duration::from_secs(300) => {
                let _ = child.kill();
                panic!("{args:?}: still running after 300 s");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("{e}"),
        }
    };
    (status, peak, reader.join().unwrap_or_default())
}

/// Many oversized records, each one batch of its own: memory stays flat. (The batcher once made
/// two buffers of its own around each one, and the merge step kept them all for reuse: the
/// peak grew by 3 KB a record, 185 MB for these 60,000.)
#[test]
fn many_oversized_records_keep_memory_flat() {
    let dir = crate::scratch("memory-oversized");
    let path = dir.join("over.jsonl");
    {
        let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut out = std::io::BufWriter::new(file);
        let line = format!("{{\"x\":\"{}\"}}\n", "a".repeat(1100));
        for _ in 0..60_000 {
            out.write_all(line.as_bytes())
                .unwrap_or_else(|e| panic!("{e}"));
        }
        out.flush().unwrap_or_else(|e| panic!("{e}"));
    }
    for jobs in ["1", "2"] {
        let (status, peak, report) = peak_of(
            &dir,
            &[
                "--report",
                "json",
                "--jobs",
                jobs,
                "--max-record-bytes",
                "1000",
                "--max-errors",
                "0",
                "over.jsonl",
            ],
        );
        assert!(peak > 0, "VmHWM was never read");
        assert_eq!(status.code(), Some(1), "--jobs {jobs}: {report}");
        assert!(
            report.contains(r#""records":60000"#) && report.contains(r#""malformed":60000"#),
            "--jobs {jobs}: {report}"
        );
        assert!(
            peak < 32 << 10,
            "--jobs {jobs}: peak RSS {peak} KiB for 60,000 oversized records (limit 32 MiB)"
        );
        eprintln!("--jobs {jobs}: peak RSS {peak} KiB");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
