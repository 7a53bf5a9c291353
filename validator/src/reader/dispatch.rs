//! Which [`RecordFormat`] checks each file of a run, and the header step of text formats.
//!
//! JSONL needs nothing per file; CSV and TSV map their header (line 1) to the model before the
//! first batch. The reading (calling) thread reads the header with [`open_text`], stores the
//! file's format in [`FileFormats`] (set once, before any batch of that file is sent) and hands
//! the rest of the input to the [`super::Batcher`]; whichever thread checks a batch looks the
//! format up by the batch's file index.

use super::csv::{CsvFormat, QuoteScan, QuoteState, count_lines};
use super::jsonl::JsonlFormat;
use super::parquet::ParquetSource;
use super::tsv::TsvFormat;
use super::{Limits, RecordFormat};
use crate::files::{Format, Source};
use crate::input::{Compression, Input};
use crate::plan::{CheckPlan, Finding};
use std::io::{self, Read};
use std::sync::OnceLock;

/// The format of every file of a run, set by the reader as it opens each file.
#[derive(Debug)]
pub struct FileFormats {
    formats: Vec<OnceLock<Box<dyn RecordFormat + Send>>>,
}

impl std::fmt::Debug for dyn RecordFormat + Send + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordFormat")
    }
}

impl FileFormats {
    /// Room for `files` files, none set.
    pub fn new(files: usize) -> FileFormats {
        FileFormats {
            formats: (0..files).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Sets the format of file `file` (the first setting wins).
    pub fn set(&self, file: usize, format: Box<dyn RecordFormat + Send>) {
        if let Some(slot) = self.formats.get(file) {
            let _ = slot.set(format);
        }
    }

    /// The format of file `file` (JSONL if it was never set, which the engine never does).
    pub fn get(&self, file: usize) -> &dyn RecordFormat {
        match self.formats.get(file).and_then(OnceLock::get) {
            Some(format) => format.as_ref(),
            None => &JsonlFormat,
        }
    }
}

/// A text file after its header: the format, what the header broke, how many lines it took, and
/// the bytes read past it (to be read before the rest of the input).
#[derive(Debug)]
pub struct OpenedText {
    /// The file's format.
    pub format: Box<dyn RecordFormat + Send>,
    /// Header problems (reported once for the file).
    pub findings: Vec<Finding>,
    /// Physical lines the header took (0 for an empty file).
    pub header_lines: u64,
    /// The header's bytes as read, line end included (for `--valid-out`/`--invalid-out`).
    pub header: Vec<u8>,
    /// Bytes read after the header.
    pub rest: Vec<u8>,
}

/// Reads the header record of a CSV or TSV input (`format`) and maps it. An input with no
/// bytes at all has no header and no problems. A header longer than the record limit is an
/// `InvalidData` error (the file cannot be validated).
pub fn open_text(
    plan: &CheckPlan,
    format: Format,
    input: &mut dyn Read,
    limits: Limits,
) -> io::Result<OpenedText> {
    let mut head: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    let mut scanned = 0usize;
    let mut csv_state = QuoteState::FieldStart;
    let end = loop {
        let n = loop {
            match input.read(&mut chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            break head.len();
        }
        head.extend_from_slice(chunk.get(..n).unwrap_or_default());
        let fresh = head.get(scanned..).unwrap_or_default();
        let found = match format {
            Format::Csv => {
                let (found, state) = QuoteScan::scan(fresh, csv_state, true);
                csv_state = state;
                found
            }
            _ => memchr::memchr(b'\n', fresh).map(|i| i + 1),
        };
        if let Some(at) = found {
            break scanned + at;
        }
        scanned = head.len();
        if head.len() > limits.max_record_bytes {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the header line is longer than the record limit of {} bytes",
                    limits.max_record_bytes
                ),
            ));
        }
    };
    let mut end = end.min(head.len());
    if format == Format::Csv {
        // csv also ends a record at a lone `\r`: the header may end before the first `\n`.
        end = end.min(csv_record_end(head.get(..end).unwrap_or_default()));
    }
    let rest = head.split_off(end);
    let header_lines = count_lines(&head);
    let (format, mut findings): (Box<dyn RecordFormat + Send>, Vec<Finding>) = match format {
        Format::Tsv => {
            let (f, findings) = TsvFormat::from_header(plan, &head);
            (Box::new(f), findings)
        }
        _ => {
            let (f, findings) = CsvFormat::from_header(plan, &head);
            (Box::new(f), findings)
        }
    };
    if head.is_empty() {
        findings.clear();
    }
    Ok(OpenedText {
        format,
        findings,
        header_lines,
        header: head,
        rest,
    })
}

/// Where the first CSV record of `bytes` ends, its line end included (as the `csv` crate reads
/// it); `bytes.len()` when it does not end before.
fn csv_record_end(bytes: &[u8]) -> usize {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = ::csv::ByteRecord::new();
    if !matches!(reader.read_byte_record(&mut record), Ok(true)) {
        return bytes.len();
    }
    let mut end = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
    if end > 0 && bytes.get(end - 1) == Some(&b'\r') && bytes.get(end) == Some(&b'\n') {
        end += 1;
    }
    end.min(bytes.len())
}

/// Where a Parquet file's bytes are for its readers: a plain file is read in place (Parquet
/// needs random access); standard input and gzip are read into memory first.
pub fn parquet_source(source: &Source, mut input: Input) -> io::Result<ParquetSource> {
    match (source, input.compression()) {
        (Source::Path(path), Compression::None) => Ok(ParquetSource::Path(path.clone())),
        _ => {
            let mut bytes = Vec::new();
            input.read_to_end(&mut bytes)?;
            Ok(ParquetSource::Bytes(bytes::Bytes::from(bytes)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> CheckPlan {
        crate::plan::web_logs_plan()
    }

    #[test]
    fn the_header_is_taken_and_the_rest_kept() {
        let p = plan();
        let input = b"meta.ts,\"key.\nid\"\r\na,b\n";
        let opened = open_text(&p, Format::Csv, &mut &input[..], Limits::default());
        let opened = opened.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.rest, b"a,b\n");
        assert_eq!(opened.header_lines, 2);
        // `key.\nid` is not a column, so id is missing too.
        assert!(
            opened
                .findings
                .iter()
                .any(|f| f.code.as_str() == "unknown_column")
        );

        let empty = open_text(&p, Format::Tsv, &mut &b""[..], Limits::default());
        let empty = empty.unwrap_or_else(|e| panic!("{e}"));
        assert!(empty.findings.is_empty());
        assert_eq!(empty.header_lines, 0);

        let limits = Limits {
            batch_bytes: 16,
            max_record_bytes: 10,
        };
        let long = vec![b'x'; 100 << 10];
        assert!(open_text(&p, Format::Tsv, &mut &long[..], limits).is_err());

        // Old Mac line ends: the header ends at the first `\r`, the records are kept.
        let cr = b"meta.ts,key.id\ra,b\rc,d\r";
        let opened = open_text(&p, Format::Csv, &mut &cr[..], Limits::default());
        let opened = opened.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.header, b"meta.ts,key.id\r");
        assert_eq!(opened.rest, b"a,b\rc,d\r");
    }
}
