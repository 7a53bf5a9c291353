//! Quarantine: `--valid-out PATH` and `--invalid-out PATH` split the input's records by verdict,
//! byte for byte, so a pipeline can load the good part and keep the bad part.
//!
//! The mechanism knows nothing of file formats: a reader reports each record's byte span in its
//! batch (`BatchOutcome::spans`) and, for CSV/TSV, the header's bytes; the merge step, which sees
//! batches in file order, hands each record here with its verdict.
//!
//! Decisions:
//!
//! - A record with at least one error-level violation is invalid; warnings (`duplicate_key`)
//!   leave it valid. Records keep their input order within each output; files follow each other
//!   in the order they were checked.
//! - A record is written exactly as it was read, its line terminator (`\n` or `\r\n`) included.
//!   The one byte ever added: a record that ends its file without a line terminator gets `\n`, so
//!   that the next file's first record does not run into it.
//! - Blank (whitespace-only) JSONL lines are not records: they go to neither output.
//! - An oversized record (`--max-record-bytes`) is invalid and is streamed to the invalid output
//!   in pieces as the reader skips it, never held whole.
//! - CSV/TSV: each output gets the header of the first file before any record (so even an output
//!   that receives no record is a loadable, empty table; a zero-byte file has no header). A later
//!   file whose header differs is reported on standard error; its records are still written,
//!   under the first header. A CSV record spanning several lines (quoted newlines) is one record.
//! - Parquet is refused: its records are rows, not bytes, and writing them back would take a
//!   Parquet writer.
//! - A path ending in `.gz` is gzip-compressed (one member); anything else is written as is.
//!   Both outputs are created (truncated) before the first file is read, even when they stay
//!   empty, so a pipeline never loads a stale file. Output is buffered and streamed: memory does
//!   not grow with the input.

use crate::args::Args;
use crate::error::{Error, ErrorKind};
use crate::files::{ExportFile, Format, Source};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The two outputs (either may be absent).
pub struct Quarantine {
    valid: Option<Output>,
    invalid: Option<Output>,
    /// Messages for standard error (a later file's header differed).
    warnings: Vec<String>,
}

impl std::fmt::Debug for Quarantine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Quarantine")
            .field("valid", &self.valid.as_ref().map(|o| &o.path))
            .field("invalid", &self.invalid.as_ref().map(|o| &o.path))
            .finish_non_exhaustive()
    }
}

/// The verdict of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No error-level violation.
    Valid,
    /// At least one error-level violation.
    Invalid,
}

struct Output {
    path: PathBuf,
    sink: Sink,
    header: Option<Vec<u8>>,
    /// Whether the last byte written was a line feed (or nothing was written yet).
    at_line_start: bool,
}

enum Sink {
    Plain(BufWriter<File>),
    Gzip(Box<GzEncoder<BufWriter<File>>>),
}

impl Sink {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.write_all(bytes),
            Sink::Gzip(w) => w.write_all(bytes),
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Sink::Plain(mut w) => w.flush(),
            Sink::Gzip(w) => w.finish()?.flush(),
        }
    }
}

impl Output {
    fn create(path: &Path) -> io::Result<Output> {
        let file = BufWriter::with_capacity(256 << 10, File::create(path)?);
        let gzip = path
            .file_name()
            .is_some_and(|n| n.as_encoded_bytes().ends_with(b".gz"));
        let sink = if gzip {
            Sink::Gzip(Box::new(GzEncoder::new(file, Compression::default())))
        } else {
            Sink::Plain(file)
        };
        Ok(Output {
            path: path.to_path_buf(),
            sink,
            header: None,
            at_line_start: true,
        })
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.sink.write_all(bytes)?;
        self.at_line_start = bytes.last() == Some(&b'\n');
        Ok(())
    }

    /// Ends a record that had no line terminator.
    fn end_line(&mut self) -> io::Result<()> {
        if self.at_line_start {
            return Ok(());
        }
        self.write(b"\n")
    }

    fn error(&self, e: io::Error) -> io::Error {
        io::Error::new(
            e.kind(),
            format!("cannot write {}: {e}", self.path.display()),
        )
    }
}

impl Quarantine {
    /// Creates (truncates) the outputs that are asked for.
    pub fn create(valid: Option<&Path>, invalid: Option<&Path>) -> io::Result<Quarantine> {
        let open = |flag: &str, path: &Path| {
            Output::create(path).map_err(|e| {
                let advice = creation_advice(path, &e);
                let message = format!("{flag}: cannot create {}: {e}; {advice}", path.display());
                io::Error::new(e.kind(), message)
            })
        };
        Ok(Quarantine {
            valid: valid.map(|p| open("--valid-out", p)).transpose()?,
            invalid: invalid.map(|p| open("--invalid-out", p)).transpose()?,
            warnings: Vec::new(),
        })
    }

    /// Warnings to show on standard error (a later file's header differed), drained.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// A file starts. Any record left without a line terminator by the previous file is ended.
    pub fn file_start(&mut self) -> io::Result<()> {
        for output in [&mut self.valid, &mut self.invalid].into_iter().flatten() {
            output.end_line().map_err(|e| output.error(e))?;
        }
        Ok(())
    }

    /// The current file's header (CSV/TSV), with its line terminator.
    pub fn header(&mut self, file: &str, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(()); // an empty file has no header
        }
        let trimmed = trim_line_end(bytes);
        let mut differs = false;
        for output in [&mut self.valid, &mut self.invalid].into_iter().flatten() {
            match &output.header {
                None => {
                    output.write(bytes).map_err(|e| output.error(e))?;
                    output.end_line().map_err(|e| output.error(e))?;
                    output.header = Some(trimmed.to_vec());
                }
                Some(first) => differs |= first.as_slice() != trimmed,
            }
        }
        if differs {
            self.warnings.push(format!(
                "the header of {file} differs from the first file's; its records are written under the first header"
            ));
        }
        Ok(())
    }

    /// One whole record.
    pub fn record(&mut self, bytes: &[u8], verdict: Verdict) -> io::Result<()> {
        let output = match verdict {
            Verdict::Valid => &mut self.valid,
            Verdict::Invalid => &mut self.invalid,
        };
        match output {
            Some(output) => output.write(bytes).map_err(|e| output.error(e)),
            None => Ok(()),
        }
    }

    /// A piece of an oversized record (always invalid), in order.
    pub fn oversized_part(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.record(bytes, Verdict::Invalid)
    }

    /// Flushes and closes both outputs (ends a last record without a line terminator).
    pub fn finish(self) -> io::Result<()> {
        for mut output in [self.valid, self.invalid].into_iter().flatten() {
            output.end_line().map_err(|e| output.error(e))?;
            let Output { sink, path, .. } = output;
            sink.finish().map_err(|e| {
                io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
            })?;
        }
        Ok(())
    }
}

/// What to do when an output cannot be created, by what stopped it.
fn creation_advice(path: &Path, error: &io::Error) -> String {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if path.is_dir() {
        return format!(
            "it is a directory: name a file in it, such as {}",
            path.join("valid.jsonl.gz").display()
        );
    }
    match error.kind() {
        io::ErrorKind::NotFound => format!(
            "the folder {} does not exist: create it first (`mkdir -p {}`)",
            folder.display(),
            folder.display()
        ),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => format!(
            "{} cannot be written by this user: choose a folder you can write to",
            folder.display()
        ),
        _ => "choose another path".to_owned(),
    }
}

/// The quarantine a command line asks for, created before anything is read; `None` without
/// `--valid-out`/`--invalid-out`. Refused (exit 2): Parquet input (its records are rows, not
/// bytes; writing them back would need a Parquet writer), both options naming one file, and an
/// output that is one of the inputs (it would be truncated before being read).
pub fn open_for_run(args: &Args, files: &[ExportFile]) -> Result<Option<Quarantine>, Error> {
    let (valid, invalid) = (args.valid_out.as_deref(), args.invalid_out.as_deref());
    if valid.is_none() && invalid.is_none() {
        return Ok(None);
    }
    if let Some(file) = files.iter().find(|f| f.format == Format::Parquet) {
        return Err(Error::new(ErrorKind::NotSupported(format!(
            "--valid-out/--invalid-out with {} input ({})",
            file.format.name(),
            file.display
        ))));
    }
    let usage = |message: String| Error::new(ErrorKind::Usage(message));
    if let (Some(v), Some(i)) = (valid, invalid)
        && (v == i || same_file(v, i))
    {
        return Err(usage(format!(
            "--valid-out and --invalid-out both name {}",
            v.display()
        )));
    }
    for output in [valid, invalid].into_iter().flatten() {
        for file in files {
            if let Source::Path(input) = &file.source
                && same_file(output, input)
            {
                return Err(usage(format!(
                    "the output {} is also an input; it would be overwritten before it is read",
                    output.display()
                )));
            }
        }
    }
    Quarantine::create(valid, invalid)
        .map(Some)
        .map_err(|e| usage(e.to_string()))
}

/// Whether two existing paths are one file (same device and inode).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

fn trim_line_end(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes.strip_suffix(b"\r").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("dap-quarantine-{}-{name}", std::process::id()))
    }

    #[test]
    fn records_split_by_verdict_with_headers_and_gzip() {
        let valid = temp("v.csv");
        let invalid = temp("i.csv.gz");
        let mut q =
            Quarantine::create(Some(&valid), Some(&invalid)).unwrap_or_else(|e| panic!("{e}"));
        q.file_start().unwrap_or_else(|e| panic!("{e}"));
        q.header("a.csv", b"a,b\r\n")
            .unwrap_or_else(|e| panic!("{e}"));
        q.record(b"1,2\r\n", Verdict::Valid)
            .unwrap_or_else(|e| panic!("{e}"));
        q.record(b"x,\"multi\nline\"\r\n", Verdict::Invalid)
            .unwrap_or_else(|e| panic!("{e}"));
        q.record(b"3,4", Verdict::Valid)
            .unwrap_or_else(|e| panic!("{e}"));
        q.file_start().unwrap_or_else(|e| panic!("{e}"));
        q.header("b.csv", b"b,a\n")
            .unwrap_or_else(|e| panic!("{e}"));
        q.oversized_part(b"yyyy").unwrap_or_else(|e| panic!("{e}"));
        q.oversized_part(b"yy\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(q.take_warnings().len(), 1);
        q.finish().unwrap_or_else(|e| panic!("{e}"));
        let plain = std::fs::read(&valid).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plain, b"a,b\r\n1,2\r\n3,4\n");
        let mut unzipped = Vec::new();
        let gz = std::fs::File::open(&invalid).unwrap_or_else(|e| panic!("{e}"));
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut unzipped)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unzipped, b"a,b\r\nx,\"multi\nline\"\r\nyyyyyy\n");
        let _ = std::fs::remove_file(valid);
        let _ = std::fs::remove_file(invalid);
    }

    #[test]
    fn an_output_that_cannot_be_created_is_an_error_naming_it() {
        let err = Quarantine::create(Some(Path::new("/nonexistent-dir/v.jsonl")), None).err();
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.starts_with("--valid-out: cannot create /nonexistent-dir/v.jsonl")
                && message.ends_with("create it first (`mkdir -p /nonexistent-dir`)"),
            "{message}"
        );
        let dir = std::env::temp_dir();
        let err = Quarantine::create(None, Some(&dir)).err();
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.starts_with("--invalid-out: cannot create")
                && message.contains("it is a directory: name a file in it"),
            "{message}"
        );
    }
}
