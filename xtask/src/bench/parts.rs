//! Many files: the bench file cut into four gzip parts (as a DAP job delivers them), through
//! `dap-validate` with its default jobs and with `--jobs 1`, against what the work costs one
//! core at a time, all in the same run and taking turns:
//!
//! - (g) flate2 (zlib-rs) decoding the four parts one after another: the decode CPU time;
//! - (h) `dap-validate` (default jobs) on the same four parts uncompressed: the check CPU time;
//! - (i) `dap-validate` (default jobs) on the gzip parts: its wall time and its CPU time;
//! - (i1) the same with `--jobs 1`.
//!
//! Targets (issue 13): (i) keeps every core busy, CPU time / wall time >= 0.925 × cores (1.85
//! on 2 cores), and its wall time is within 1.1× of (decode CPU + check CPU) / cores: the
//! ideal split of the same work over the cores. Each figure is that of the fastest of the runs,
//! with the CPU time of that same run.

use super::{RECORDS, RUNS, cpu_seconds, run_validator};
use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::bufread::MultiGzDecoder;
use flate2::write::GzEncoder;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How many parts the bench file is cut into.
const PARTS: usize = 4;

/// One measurement: the fastest run's wall time and that run's CPU time.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub seconds: f64,
    pub cpu: f64,
}

/// The four measurements.
#[derive(Debug)]
pub struct PartsResult {
    pub decode: Timing,
    pub check: Timing,
    pub gzip: Timing,
    pub gzip_one_job: Timing,
    pub cores: usize,
}

fn timed(fastest: &mut Option<Timing>, run: impl FnOnce() -> Result<()>) -> Result<()> {
    let (before, start) = (cpu_seconds(), Instant::now());
    run()?;
    let timing = Timing {
        seconds: start.elapsed().as_secs_f64(),
        cpu: cpu_seconds() - before,
    };
    if fastest.is_none_or(|f| timing.seconds < f.seconds) {
        *fastest = Some(timing);
    }
    Ok(())
}

/// Writes the parts (kept between runs) and measures.
pub fn measure(exe: &Path, dir: &Path, jsonl: &Path) -> Result<PartsResult> {
    let gz_dir = dir.join("parts-gz");
    let plain_dir = dir.join("parts-plain");
    let gz: Vec<PathBuf> = (0..PARTS)
        .map(|i| gz_dir.join(format!("part-{i:05}.jsonl.gz")))
        .collect();
    if !gz.iter().all(|p| p.exists()) {
        eprintln!("cutting the bench file into {PARTS} gzip parts ...");
        write_parts(jsonl, &plain_dir, &gz_dir)?;
    }
    let bytes = std::fs::metadata(jsonl)?.len();
    eprintln!(
        "(g) decoding {PARTS} gzip parts, (h) dap-validate on them uncompressed, (i) on the gzip parts with default jobs and (i1) --jobs 1 ..."
    );
    let (mut g, mut h, mut i, mut i1) = (None, None, None, None);
    for _ in 0..RUNS {
        timed(&mut g, || decode_all(&gz, bytes))?;
        timed(&mut h, || {
            run_validator(exe, &plain_dir, None, "h", bytes).map(drop)
        })?;
        timed(&mut i, || {
            run_validator(exe, &gz_dir, None, "i", bytes).map(drop)
        })?;
        timed(&mut i1, || {
            run_validator(exe, &gz_dir, Some(1), "i1", bytes).map(drop)
        })?;
    }
    Ok(PartsResult {
        decode: g.context("no run")?,
        check: h.context("no run")?,
        gzip: i.context("no run")?,
        gzip_one_job: i1.context("no run")?,
        cores: std::thread::available_parallelism().map_or(1, usize::from),
    })
}

/// Prints the table and the targets; `true` when they are met.
pub fn report(r: &PartsResult) -> bool {
    println!();
    println!(
        "{PARTS} gzip parts of the same {RECORDS} records; {} core(s)",
        r.cores
    );
    println!("{:<52} {:>9} {:>9}", "", "seconds", "CPU s");
    for (label, t) in [
        ("g  flate2 decode of the parts, one after another", r.decode),
        ("h  dap-validate default jobs, parts uncompressed", r.check),
        ("i  dap-validate default jobs, gzip parts", r.gzip),
        ("i1 dap-validate --jobs 1, gzip parts", r.gzip_one_job),
    ] {
        println!("{label:<52} {:>9.3} {:>9.2}", t.seconds, t.cpu);
    }
    let cores = r.cores as f64;
    let busy = r.gzip.cpu / r.gzip.seconds;
    let ideal = (r.decode.cpu + r.check.cpu) / cores;
    let busy_target = 0.925 * cores;
    let checks = [
        (
            format!("i CPU / i wall (target >= {busy_target:.2})"),
            busy,
            busy >= busy_target,
        ),
        (
            "i wall / ((g CPU + h CPU) / cores) (target <= 1.1)".to_owned(),
            r.gzip.seconds / ideal,
            r.gzip.seconds / ideal <= 1.1,
        ),
        (
            "i1 wall / i wall (default jobs' speed-up)".to_owned(),
            r.gzip_one_job.seconds / r.gzip.seconds,
            true,
        ),
    ];
    super::print_checks(52, checks)
}

/// Cuts `jsonl` into [`PARTS`] files of whole lines, plain and gzip.
fn write_parts(jsonl: &Path, plain_dir: &Path, gz_dir: &Path) -> Result<()> {
    std::fs::create_dir_all(plain_dir)?;
    std::fs::create_dir_all(gz_dir)?;
    let per_part = RECORDS.div_ceil(PARTS as u64);
    let mut lines = BufReader::with_capacity(1 << 20, std::fs::File::open(jsonl)?);
    let mut line = Vec::with_capacity(4096);
    for part in 0..PARTS {
        let name = format!("part-{part:05}.jsonl");
        let mut plain = BufWriter::new(std::fs::File::create(plain_dir.join(&name))?);
        let mut gz = GzEncoder::new(
            BufWriter::new(std::fs::File::create(gz_dir.join(format!("{name}.gz")))?),
            Compression::new(6),
        );
        for _ in 0..per_part {
            line.clear();
            if lines.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            plain.write_all(&line)?;
            gz.write_all(&line)?;
        }
        plain.flush()?;
        gz.finish()?.flush()?;
    }
    Ok(())
}

/// Decodes every part to the end, one after another, on this thread.
fn decode_all(parts: &[PathBuf], bytes: u64) -> Result<()> {
    let mut buf = vec![0u8; 256 << 10];
    let mut total = 0u64;
    for part in parts {
        let file = BufReader::with_capacity(256 << 10, std::fs::File::open(part)?);
        let mut decoder = MultiGzDecoder::new(file);
        loop {
            let n = decoder.read(&mut buf)?;
            if n == 0 {
                break;
            }
            total += n as u64;
        }
    }
    if total != bytes {
        bail!("decoded {total} bytes, expected {bytes}");
    }
    Ok(())
}
