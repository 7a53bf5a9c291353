//! Throwaway database servers for the tests: temporary directories, program lookup, skipping.
//!
//! Each server lives in its own temporary directory (data, socket, log) and is stopped and
//! deleted when its guard is dropped, which also happens when a test panics.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory under the system temporary directory, deleted (with its contents) on drop.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates a fresh, uniquely named directory.
    pub fn new(prefix: &str) -> std::io::Result<TempDir> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&path)?;
        Ok(TempDir { path })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The first executable named `name` on `PATH` or in `extra_dirs`.
pub fn find_program(name: &str, extra_dirs: &[PathBuf]) -> Option<PathBuf> {
    let path_dirs = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    path_dirs
        .iter()
        .chain(extra_dirs)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Reports that a test cannot run because `what` is missing: a loud SKIP locally, a failure in
/// CI (where `.ci/run` installs everything the tests need).
pub fn skip_or_fail(test: &str, what: &str) {
    let message = format!("{test}: {what}");
    assert!(
        !integration_tests::in_ci(),
        "{message}; CI must provide it (see .ci/run)"
    );
    // Written to the stream itself: the test harness captures `eprintln!` of a passing test,
    // which would hide the skip behind a plain "ok".
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "\n************************************************************************\n\
         SKIP {message}\n     (install it to run this test; in CI this is a failure)\n\
         ************************************************************************"
    );
}

/// Runs `command` with `stdin` as its standard input, capturing its output.
pub fn run_with_input(command: &mut Command, stdin: &[u8]) -> std::io::Result<Output> {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut input = child
        .stdin
        .take()
        .ok_or_else(|| std::io::Error::other("no stdin pipe"))?;
    let data = stdin.to_vec();
    // Write from another thread so that a child filling its output pipes cannot deadlock us.
    let writer = std::thread::spawn(move || input.write_all(&data));
    let output = child.wait_with_output()?;
    // A child that exits early closes its stdin: its own error output says why.
    let _ = writer.join();
    Ok(output)
}

/// Standard output and error of a finished command, for messages.
pub fn describe(output: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Whether this process runs as root (the owner of `/proc/self` is the effective user).
pub fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The uid and gid of the unprivileged `nobody` account, from `/etc/passwd`.
pub fn nobody_ids() -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.first() != Some(&"nobody") || fields.len() < 4 {
            return None;
        }
        Some((fields[2].parse().ok()?, fields[3].parse().ok()?))
    })
}

/// Waits up to `seconds` for `ready` to return true, checking every 100 ms.
pub fn wait_until(seconds: u64, mut ready: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        if ready() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    ready()
}
