//! dap-validate's hardening tests, in one binary (issue 7): hostile inputs as data, bounded
//! memory, safe and parseable CI outputs, and the quarantine split.

/// CLI cases as data: `tests/cli/*.case`, the hostile-input catalogue `tests/hostile/*.case` and
/// the newcomer's mistakes `tests/newcomer/*.case`.
mod catalogue;
/// Peak memory of the binary on a 200 MB record stays flat (`--max-record-bytes`).
mod memory;
/// JUnit, SARIF, GitHub, JSON and the Markdown step summary on hostile values, parsed back.
mod outputs;
/// `--valid-out`/`--invalid-out`: every record in exactly one output, unchanged, in order (JSONL
/// and CSV).
mod quarantine;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_dap-validate")
}

/// A fresh, empty scratch directory for one test (under the system temp dir).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("dap-hardening-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// A command for the binary in `dir`, with a clean, deterministic environment.
pub fn command(dir: &Path) -> Command {
    let mut command = Command::new(binary());
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs `command` to its end or kills it after `limit` (a hang is a failure, never a stuck
/// test run). Output is collected on threads so a full pipe cannot block the child.
pub fn run_bounded(mut command: Command, limit: Duration) -> Result<Output, String> {
    let mut child = command.spawn().map_err(|e| format!("spawn: {e}"))?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out = std::thread::spawn(move || read_all(stdout.as_mut()));
    let err = std::thread::spawn(move || read_all(stderr.as_mut()));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {limit:?}: killed"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("wait: {e}")),
        }
    };
    Ok(Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

fn read_all(pipe: Option<&mut impl std::io::Read>) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Some(pipe) = pipe {
        let _ = pipe.read_to_end(&mut bytes);
    }
    bytes
}

/// Asserts the invariants every run keeps: no panic, no crash by signal, exit 0/1/2.
pub fn assert_sane(what: &str, output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{what}: panicked\n{stderr}");
    let code = output.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "{what}: exit {code:?}\n{stderr}"
    );
}

/// gzip of `bytes` (one member).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
    encoder.finish().unwrap_or_else(|e| panic!("{e}"))
}

/// gunzip of `bytes` (every member).
pub fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}
