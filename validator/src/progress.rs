//! A progress bar on standard error for long runs on a terminal, and nowhere else.
//!
//! [`Progress::for_run`] decides once: the bar is drawn only when standard error is a terminal,
//! `CI` is unset (or empty), `TERM` is not `dumb`, and standard output is a terminal or a regular
//! file, never a pipe (`| less` or `| jq` must not get a bar drawn over them). Otherwise every
//! method is a no-op that costs a branch. When the report also goes to the terminal, the engine
//! writes it line by line through [`Progress::suspend`], so the bar never garbles a report line.
//!
//! The bar counts files; its message shows records checked, bytes read (decompressed) and the
//! current file. indicatif limits redraws to a few per second.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// The run's progress display (possibly hidden).
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    records: u64,
    bytes: u64,
    file: String,
}

/// Whether the environment allows a bar: the rule in the module documentation.
pub fn wanted(
    stderr_is_terminal: bool,
    stdout: StdoutKind,
    ci: Option<&str>,
    term: Option<&str>,
) -> bool {
    stderr_is_terminal
        && ci.is_none_or(str::is_empty)
        && term != Some("dumb")
        && matches!(stdout, StdoutKind::Terminal | StdoutKind::File)
}

/// What standard output is connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdoutKind {
    /// A terminal.
    Terminal,
    /// A regular file (`> report.json`).
    File,
    /// A pipe, socket, device or something unknown.
    Other,
}

impl StdoutKind {
    /// Standard output of this process.
    pub fn current() -> StdoutKind {
        if std::io::stdout().is_terminal() {
            return StdoutKind::Terminal;
        }
        match std::fs::metadata("/proc/self/fd/1") {
            Ok(m) if m.is_file() => StdoutKind::File,
            _ => StdoutKind::Other,
        }
    }
}

impl Progress {
    /// A hidden display.
    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            records: 0,
            bytes: 0,
            file: String::new(),
        }
    }

    /// The display for a run over `files` files, shown only where [`wanted`] allows.
    pub fn for_run(files: usize) -> Progress {
        let ci = std::env::var("CI").ok();
        let term = std::env::var("TERM").ok();
        let show = wanted(
            std::io::stderr().is_terminal(),
            StdoutKind::current(),
            ci.as_deref(),
            term.as_deref(),
        );
        if !show {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:24} {pos}/{len} files · {msg}",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress {
            bar: Some(bar),
            ..Progress::hidden()
        }
    }

    /// Whether a bar is drawn.
    pub fn is_visible(&self) -> bool {
        self.bar.is_some()
    }

    /// A file starts.
    pub fn file(&mut self, name: &str) {
        if self.bar.is_some() {
            self.file = crate::report::escape::terminal(name).into_owned();
            self.update();
        }
    }

    /// A batch of `records` records and `bytes` bytes was checked.
    pub fn batch(&mut self, records: u64, bytes: u64) {
        if self.bar.is_some() {
            self.records += records;
            self.bytes += bytes;
            self.update();
        }
    }

    /// A file ended (read whole or not).
    pub fn file_done(&mut self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Runs `f` with the bar cleared from the screen (for writing report lines).
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Removes the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn update(&self) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "{} records · {:.1} MiB · {}",
                self.records,
                self.bytes as f64 / f64::from(1u32 << 20),
                self.file
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_only_on_a_terminal_outside_ci_and_never_into_a_pipe() {
        assert!(wanted(true, StdoutKind::Terminal, None, Some("xterm")));
        assert!(wanted(true, StdoutKind::File, Some(""), None));
        assert!(!wanted(false, StdoutKind::Terminal, None, None));
        assert!(!wanted(true, StdoutKind::Terminal, Some("true"), None));
        assert!(!wanted(true, StdoutKind::Other, None, None));
        assert!(!wanted(true, StdoutKind::Terminal, None, Some("dumb")));
        let mut hidden = Progress::hidden();
        hidden.file("a");
        hidden.batch(1, 2);
        assert!(!hidden.is_visible());
        assert_eq!(hidden.suspend(|| 7), 7);
    }
}
