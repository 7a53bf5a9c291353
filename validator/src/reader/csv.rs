//! The CSV reader: DAP's RFC 4180 exports (plain or gzip), parsed by the `csv` crate.
//!
//! Decisions, in the order a file meets them (the shared header and value rules are in
//! [`super::text`]):
//!
//! - Line 1 is the header of dotted names, mapped once per file ([`super::text::Header`]).
//!   An empty file has no header and no records (as an empty JSONL file); a header-only file
//!   has no records.
//! - Records are parsed by the `csv` crate (`,` delimiter, `"` quotes, `""` inside quotes is one
//!   quote, `\n`, `\r\n` or `\r` ends a record, empty lines are not records). A record may span
//!   several physical lines; it is reported on the line where it starts (`csv`'s `Position`).
//! - NULL is an *unquoted* empty field or an *unquoted* `NULL`; `""` is the empty string and
//!   `"NULL"` the four-letter text. The `csv` crate does not say whether a field was quoted, so
//!   for the rare fields whose text is empty or `NULL` the record's raw bytes are looked at (the
//!   common case costs nothing).
//! - A record that cannot be read gets one `malformed` and nothing else: a field count other than
//!   the header's, invalid UTF-8, or a quote still open at the end of the file.
//! - Batches are cut only where a record ends: [`QuoteScan`] follows the quoting exactly as
//!   `csv_core` does (a `"` opens a quoted field only at the start of a field; inside one, `""` is
//!   a quote and a lone `"` closes it).

use super::text::{self, Header, RecordFields, TextField};
use super::{BatchOutcome, KeyEntry, LocatedFinding, RecordFormat, WorkerState};
use crate::dedup::record_hash;
use crate::plan::{CheckPlan, Finding, Findings};
use std::sync::atomic::{AtomicU8, Ordering};

/// CSV with a mapped header (one per file).
#[derive(Debug)]
pub struct CsvFormat {
    header: Header,
    /// The quoting state where the last boundary search stopped (for skipping an oversized
    /// record: the batcher is sequential per file).
    resume: AtomicU8,
}

impl CsvFormat {
    /// Reads the header record `bytes` (the file's first record, with its terminator) and maps
    /// it; returns the format and the header's problems.
    pub fn from_header(plan: &CheckPlan, bytes: &[u8]) -> (CsvFormat, Vec<Finding>) {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = ::csv::ByteRecord::new();
        let names: Vec<Vec<u8>> = match reader.read_byte_record(&mut record) {
            Ok(true) => record.iter().map(<[u8]>::to_vec).collect(),
            _ => Vec::new(),
        };
        let (header, findings) = Header::map(plan, &names);
        let format = CsvFormat {
            header,
            resume: AtomicU8::new(QuoteState::FieldStart as u8),
        };
        (format, findings)
    }
}

/// Where a byte stands in CSV quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum QuoteState {
    /// At the start of a field (or of a record).
    FieldStart = 0,
    /// Inside an unquoted field (a `"` here is an ordinary byte).
    InField = 1,
    /// Inside a quoted field.
    Quoted = 2,
    /// Just after a `"` inside a quoted field: a second `"` is a quote, anything else closes.
    QuotedQuote = 3,
}

impl QuoteState {
    fn from_u8(value: u8) -> QuoteState {
        match value {
            1 => QuoteState::InField,
            2 => QuoteState::Quoted,
            3 => QuoteState::QuotedQuote,
            _ => QuoteState::FieldStart,
        }
    }
}

/// Finds record ends (the byte after a `\n` outside quotes) in CSV bytes.
#[derive(Debug, Clone, Copy)]
pub struct QuoteScan;

impl QuoteScan {
    /// Scans `bytes` from `state`; returns the first (`first_only`) or last record end found and
    /// the state after the scan (after the first record end, when `first_only`).
    pub fn scan(
        bytes: &[u8],
        mut state: QuoteState,
        first_only: bool,
    ) -> (Option<usize>, QuoteState) {
        let mut i = 0usize;
        let mut found = None;
        while let Some(&byte) = bytes.get(i) {
            match state {
                QuoteState::Quoted => {
                    match memchr::memchr(b'"', bytes.get(i..).unwrap_or_default()) {
                        Some(q) => {
                            i += q + 1;
                            state = QuoteState::QuotedQuote;
                        }
                        None => i = bytes.len(),
                    }
                }
                QuoteState::QuotedQuote | QuoteState::FieldStart => {
                    i += 1;
                    state = match (state, byte) {
                        (QuoteState::QuotedQuote, b'"') | (QuoteState::FieldStart, b'"') => {
                            QuoteState::Quoted
                        }
                        (_, b'\n') => {
                            found = Some(i);
                            if first_only {
                                return (found, QuoteState::FieldStart);
                            }
                            QuoteState::FieldStart
                        }
                        (_, b',' | b'\r') => QuoteState::FieldStart,
                        _ => QuoteState::InField,
                    };
                }
                QuoteState::InField => {
                    let run = bytes.get(i..).unwrap_or_default();
                    match memchr::memchr2(b'\n', b'"', run) {
                        Some(p) => {
                            let at = i + p;
                            if run.get(p) == Some(&b'\n') {
                                i = at + 1;
                                found = Some(i);
                                state = QuoteState::FieldStart;
                                if first_only {
                                    return (found, state);
                                }
                            } else {
                                let opens = p > 0 && matches!(run.get(p - 1), Some(b',' | b'\r'));
                                i = at + 1;
                                if opens {
                                    state = QuoteState::Quoted;
                                }
                            }
                        }
                        None => {
                            i = bytes.len();
                            if matches!(run.last(), Some(b',' | b'\r')) {
                                state = QuoteState::FieldStart;
                            }
                        }
                    }
                }
            }
        }
        (found, state)
    }
}

impl RecordFormat for CsvFormat {
    fn last_boundary(&self, bytes: &[u8]) -> Option<usize> {
        let (found, state) = QuoteScan::scan(bytes, QuoteState::FieldStart, false);
        self.resume.store(state as u8, Ordering::Relaxed);
        found
    }

    fn next_boundary(&self, bytes: &[u8]) -> Option<usize> {
        let from = QuoteState::from_u8(self.resume.load(Ordering::Relaxed));
        let (found, state) = QuoteScan::scan(bytes, from, true);
        self.resume.store(state as u8, Ordering::Relaxed);
        found
    }

    fn check_batch(
        &self,
        plan: &CheckPlan,
        batch: &[u8],
        state: &mut WorkerState,
        out: &mut BatchOutcome,
    ) {
        let fields = self.header.fields();
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(64 << 10)
            .from_reader(batch);
        let mut record = ::csv::ByteRecord::new();
        let mut nulls: Vec<bool> = Vec::with_capacity(fields);
        let mut findings = Findings::default();
        // Reading a slice fails only on I/O, which cannot happen; an error stops like the end.
        while let Ok(true) = reader.read_byte_record(&mut record) {
            let Some(position) = record.position() else {
                continue;
            };
            // csv's position is where its search began: skip the line ends it passed over
            // (empty lines, the `\n` of a `\r\n`) to the record's first byte.
            let mut start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
            let mut line = position.line().saturating_sub(1);
            while let Some(&b) = batch.get(start) {
                match b {
                    b'\n' => line += 1,
                    b'\r' => {}
                    _ => break,
                }
                start += 1;
            }
            let mut end = usize::try_from(reader.position().byte())
                .unwrap_or(usize::MAX)
                .min(batch.len());
            // A `\r\n` record end: csv stops after the `\r`; the `\n` belongs to this record.
            if end > 0 && batch.get(end - 1) == Some(&b'\r') && batch.get(end) == Some(&b'\n') {
                end += 1;
            }
            out.spans.push(start.min(end)..end);
            let raw = batch.get(start..end).unwrap_or_default();
            let raw_text = trim_line_end(raw);
            let record_index = out.records;
            out.records += 1;
            findings.clear();
            // Only the last record of a batch can end inside quotes (batches are cut outside
            // them), and only at the end of the file.
            let unterminated = end >= batch.len()
                && QuoteScan::scan(raw, QuoteState::FieldStart, false).1 == QuoteState::Quoted;
            let problem = if unterminated {
                Some(
                    "unterminated quoted field: a quote opened in this record is never closed \
                     before the end of the file"
                        .to_owned(),
                )
            } else if record.len() != fields {
                Some(format!(
                    "wrong number of fields: {} in this record, {fields} in the header",
                    record.len()
                ))
            } else if let Err(e) = std::str::from_utf8(record.as_slice()) {
                Some(format!(
                    "invalid UTF-8 at byte {} of the record's fields",
                    e.valid_up_to() + 1
                ))
            } else {
                None
            };
            if let Some(message) = problem {
                out.invalid_records += 1;
                out.findings.push(LocatedFinding {
                    line,
                    record: record_index,
                    finding: text::malformed(message, raw_text),
                });
                continue;
            }
            nulls.clear();
            let mut cursor = RawCursor {
                offset: 0,
                field: 0,
            };
            for (index, field) in record.iter().enumerate() {
                let maybe_null = field.is_empty() || field == b"NULL";
                nulls.push(maybe_null && !cursor.is_quoted(raw, &record, index));
            }
            let view = CsvFields {
                record: &record,
                nulls: &nulls,
            };
            let key = text::check_record(
                plan,
                &self.header,
                &view,
                &mut findings,
                &mut state.profile,
                &mut state.stage,
            );
            if !findings.is_empty() {
                out.invalid_records += 1;
                for finding in findings.drain() {
                    out.findings.push(LocatedFinding {
                        line,
                        record: record_index,
                        finding,
                    });
                }
            }
            if let Some((key, uuid)) = key {
                out.keys.push(KeyEntry {
                    line,
                    record: record_index,
                    key,
                    record_hash: record_hash(raw_text),
                    uuid,
                });
            }
        }
        out.lines = count_lines(batch);
        state.profile.absorb(&mut state.stage, &[]);
    }
}

/// Physical lines in `bytes` (a last line without `\n` counts).
pub(crate) fn count_lines(bytes: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
    match bytes.last() {
        Some(b'\n') | None => newlines,
        Some(_) => newlines + 1,
    }
}

/// `bytes` without its trailing `\r`/`\n`s.
pub(crate) fn trim_line_end(bytes: &[u8]) -> &[u8] {
    let mut end = bytes.len();
    while end > 0 && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
        end -= 1;
    }
    bytes.get(..end).unwrap_or_default()
}

/// Walks a record's raw bytes field by field, to tell whether a field was quoted.
struct RawCursor {
    /// Where field `field` starts in the raw record.
    offset: usize,
    field: usize,
}

impl RawCursor {
    /// Whether field `target` (not before the cursor's field) starts with a quote.
    fn is_quoted(&mut self, raw: &[u8], record: &::csv::ByteRecord, target: usize) -> bool {
        while self.field < target {
            if raw.get(self.offset) == Some(&b'"') {
                // A quoted field: to its closing quote, then (leniently, as csv_core) to the
                // next delimiter.
                let mut i = self.offset + 1;
                loop {
                    match memchr::memchr(b'"', raw.get(i..).unwrap_or_default()) {
                        Some(q) if raw.get(i + q + 1) == Some(&b'"') => i += q + 2,
                        Some(q) => {
                            i += q + 1;
                            break;
                        }
                        None => {
                            i = raw.len();
                            break;
                        }
                    }
                }
                let rest = raw.get(i..).unwrap_or_default();
                self.offset =
                    memchr::memchr3(b',', b'\r', b'\n', rest).map_or(raw.len(), |d| i + d + 1);
            } else {
                // Unquoted: the raw bytes are the field's bytes, then one delimiter.
                self.offset += record.get(self.field).map_or(0, <[u8]>::len) + 1;
            }
            self.field += 1;
        }
        raw.get(self.offset) == Some(&b'"')
    }
}

/// A parsed record and which of its fields are NULL.
struct CsvFields<'r> {
    record: &'r ::csv::ByteRecord,
    nulls: &'r [bool],
}

impl RecordFields for CsvFields<'_> {
    #[inline]
    fn field(&self, index: usize) -> TextField<'_> {
        if self.nulls.get(index).copied().unwrap_or(true) {
            TextField::Null
        } else {
            TextField::Text(self.record.get(index).unwrap_or_default())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_follow_quoting_like_csv_core() {
        let scan = |s: &str| QuoteScan::scan(s.as_bytes(), QuoteState::FieldStart, false);
        assert_eq!(scan("a,b\nc,d\n"), (Some(8), QuoteState::FieldStart));
        assert_eq!(scan("a,\"b\nc\",d\ne"), (Some(10), QuoteState::InField));
        assert_eq!(scan("a,\"b\"\"\nc"), (None, QuoteState::Quoted));
        assert_eq!(scan("a,\"b\"\"\"\nc"), (Some(8), QuoteState::InField));
        // A quote inside an unquoted field is an ordinary byte.
        assert_eq!(scan("ab\"c\nd"), (Some(5), QuoteState::InField));
        assert_eq!(scan("x\r\"a\nb\"\n"), (Some(8), QuoteState::FieldStart));
        assert_eq!(scan("a,\""), (None, QuoteState::Quoted));
        assert_eq!(scan("a,\"x\""), (None, QuoteState::QuotedQuote));
        assert_eq!(scan("a,"), (None, QuoteState::FieldStart));
        // Resuming in the middle of a quoted field finds the first end after it closes.
        assert_eq!(
            QuoteScan::scan(b"x\ny\",z\nw\n", QuoteState::Quoted, true),
            (Some(7), QuoteState::FieldStart)
        );
    }

    #[test]
    fn boundaries_agree_with_the_csv_crate_on_tricky_input() {
        let input = b"a,\"b\nc\",d\r\n\n\"\"\"x\"\"\",y\nq\"r,\"s,\nt\"\n\"open\n";
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&input[..]);
        let mut record = ::csv::ByteRecord::new();
        let mut csv_ends = Vec::new();
        while reader.read_byte_record(&mut record).unwrap_or(false) {
            csv_ends.push(reader.position().byte() as usize);
        }
        let mut ours = Vec::new();
        let mut at = 0;
        while let (Some(end), _) = QuoteScan::scan(&input[at..], QuoteState::FieldStart, true) {
            at += end;
            ours.push(at);
        }
        // Every boundary we cut at is one where csv ends a record (csv may end at `\r` before
        // the `\n`, or skip empty lines).
        for end in &ours {
            assert!(
                csv_ends.iter().any(|c| *c == *end || *c + 1 == *end) || input[*end - 1] == b'\n',
                "{end} vs {csv_ends:?}"
            );
        }
        assert_eq!(ours, [11, 12, 22, 33]);
    }

    #[test]
    fn quoted_fields_are_told_apart_from_unquoted() {
        let raw = b"\"a,\"\"b\",,\"\",NULL,\"NULL\"\n";
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&raw[..]);
        let mut record = ::csv::ByteRecord::new();
        assert!(reader.read_byte_record(&mut record).unwrap_or(false));
        assert_eq!(record.len(), 5);
        let mut cursor = RawCursor {
            offset: 0,
            field: 0,
        };
        let quoted: Vec<bool> = (0..5).map(|i| cursor.is_quoted(raw, &record, i)).collect();
        assert_eq!(quoted, [true, false, true, false, true]);
    }

    #[test]
    fn lines_are_counted_with_a_last_partial_line() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a\nb\n"), 2);
        assert_eq!(count_lines(b"a\nb"), 2);
        assert_eq!(trim_line_end(b"a\r\n"), b"a");
    }
}
