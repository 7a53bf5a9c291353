//! The CSV reader: DAP's RFC 4180 exports (plain or gzip), split by `Split` exactly as the
//! `csv` crate reads them (a differential test holds it to that crate, which still reads the
//! header).
//!
//! Decisions, in the order a file meets them (the shared header and value rules are in
//! [`super::text`]):
//!
//! - Line 1 is the header of dotted names, mapped once per file ([`super::text::Header`]).
//!   An empty file has no header and no records (as an empty JSONL file); a header-only file
//!   has no records.
//! - Records: `,` delimiter, `"` quotes, `""` inside quotes is one quote, `\n`, `\r\n` or `\r`
//!   ends a record, empty lines are not records (the `csv` crate's defaults). A record may span
//!   several physical lines; it is reported on the line where it starts.
//! - NULL is an *unquoted* empty field or an *unquoted* `NULL`; `""` is the empty string and
//!   `"NULL"` the four-letter text (the splitter knows which fields were quoted).
//! - A record that cannot be read gets one `malformed` and nothing else: a field count other than
//!   the header's, invalid UTF-8 (also a multi-byte character split by a delimiter, which the
//!   `csv` crate joined back), or a quote still open at the end of the file.
//! - Batches are cut only where a record ends: [`QuoteScan`] follows the quoting exactly as
//!   `csv_core` does (a `"` opens a quoted field only at the start of a field; inside one, `""` is
//!   a quote and a lone `"` closes it).

use super::bytescan::Positions;
use super::text::{self, Header, RecordFields, TextField};
use super::{BatchOutcome, KeyEntry, LineFrame, LocatedFinding, RecordFormat, WorkerState};
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
    pub fn scan(bytes: &[u8], state: QuoteState, first_only: bool) -> (Option<usize>, QuoteState) {
        let mut found = None;
        let state = QuoteScan::each_end(bytes, state, |end| {
            found = Some(end);
            !first_only
        });
        (found, state)
    }

    /// Scans `bytes` from `state`, calling `on_end` with each record end (the byte after its
    /// `\n`) until it returns `false`; returns the state after the scan (after the record end
    /// where it stopped).
    #[inline]
    pub fn each_end(
        bytes: &[u8],
        mut state: QuoteState,
        mut on_end: impl FnMut(usize) -> bool,
    ) -> QuoteState {
        let mut i = 0usize;
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
                            if !on_end(i) {
                                return QuoteState::FieldStart;
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
                                state = QuoteState::FieldStart;
                                if !on_end(i) {
                                    return state;
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
        state
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

    /// The lines that end in a `\n` outside quotes, as [`QuoteScan`] finds them (a batch
    /// starts at a record's start), each with the hash of its text without the line end. A
    /// record the splitter ends elsewhere (a lone `\r`, the end of the batch) hashes itself.
    fn frame(&self, batch: &[u8], frames: &mut Vec<LineFrame>) {
        frames.clear();
        let mut start = 0usize;
        QuoteScan::each_end(batch, QuoteState::FieldStart, |after| {
            let text = trim_line_end(batch.get(start..after).unwrap_or_default());
            let hash = if text.is_empty() {
                0
            } else {
                record_hash(text)
            };
            frames.push(LineFrame {
                end: after - 1,
                hash,
            });
            start = after;
            true
        });
    }

    fn check_batch(
        &self,
        plan: &CheckPlan,
        batch: &[u8],
        frames: &[LineFrame],
        state: &mut WorkerState,
        out: &mut BatchOutcome,
    ) {
        let fields = self.header.fields();
        // The lane's frames, in step with the records: `frame` is the next unused one and
        // `frame_start` where its line starts.
        let (mut frame, mut frame_start) = (0usize, 0usize);
        let mut split = Split::default();
        let mut findings = Findings::default();
        let mut at = 0usize;
        let mut line = 0u64;
        while let Some(record) = split.next_record(batch, &mut at, &mut line) {
            let raw = batch.get(record.start..record.end).unwrap_or_default();
            out.spans.push(record.start..record.end);
            let raw_text = trim_line_end(raw);
            let record_index = out.records;
            out.records += 1;
            findings.clear();
            let problem = if record.unterminated {
                Some(
                    "unterminated quoted field: a quote opened in this record is never closed \
                     before the end of the file"
                        .to_owned(),
                )
            } else if split.fields.len() != fields {
                Some(format!(
                    "wrong number of fields: {} in this record, {fields} in the header",
                    split.fields.len()
                ))
            } else if record.non_ascii {
                split.utf8_problem(batch, raw)
            } else {
                None
            };
            if let Some(message) = problem {
                out.invalid_records += 1;
                out.findings.push(LocatedFinding {
                    line: record.line,
                    record: record_index,
                    finding: text::malformed(message, raw_text),
                });
                continue;
            }
            let view = CsvFields {
                batch,
                split: &split,
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
                        line: record.line,
                        record: record_index,
                        finding,
                    });
                }
            }
            if let Some((key, uuid)) = key {
                // The lane hashed the record if a line of its frames is exactly the record.
                while frames.get(frame).is_some_and(|f| f.end < record.start) {
                    frame_start = frames.get(frame).map_or(0, |f| f.end + 1);
                    frame += 1;
                }
                let framed = frames
                    .get(frame)
                    .filter(|f| frame_start == record.start && f.end + 1 == record.end);
                out.keys.push(KeyEntry {
                    line: record.line,
                    record: record_index,
                    key,
                    record_hash: framed.map_or_else(|| record_hash(raw_text), |f| f.hash),
                    uuid,
                });
            }
        }
        out.lines = split_lines(batch, line);
        state.profile.absorb(&mut state.stage);
    }
}

/// The lines of `batch` once the splitter read it to the end, having counted `newlines` line
/// ends (every `\n`, in quotes or not): [`count_lines`] without another pass.
fn split_lines(batch: &[u8], newlines: u64) -> u64 {
    newlines + u64::from(batch.last().is_some_and(|&b| b != b'\n'))
}

/// Where a field's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Text {
    /// `batch[start..end]`: an unquoted field, or a quoted one without doubled quotes.
    Batch(usize, usize),
    /// `decoded[start..end]`: a quoted field with `""` in it or bytes after its closing quote.
    Decoded(usize, usize),
}

/// One field of the record being read.
#[derive(Debug, Clone, Copy)]
struct Field {
    text: Text,
    quoted: bool,
}

/// Where a record is, as [`Split::next_record`] found it.
#[derive(Debug, Clone, Copy)]
struct RecordAt {
    /// Its first byte.
    start: usize,
    /// After its line end (or the end of the batch).
    end: usize,
    /// The 0-based line it starts on within the batch.
    line: u64,
    /// A quote it opened is still open at the end of the batch (the file).
    unterminated: bool,
    /// It has a byte >= 0x80 (then it is checked for UTF-8).
    non_ascii: bool,
}

/// Splits a batch into records and fields, by the rules `csv_core` applies with the `csv`
/// crate's defaults (tested against it): `,` between fields; a field that starts with `"` is
/// quoted, `""` inside it is one quote, a lone `"` closes it and whatever follows up to the
/// next delimiter is appended as it is; a `"` elsewhere is an ordinary byte; `\n`, `\r\n` or a
/// lone `\r` outside quotes ends a record; empty lines are not records. The special bytes are
/// found 16 at a time ([`Positions`]); this replaced the `csv` crate here, whose byte-at-a-time
/// state machine was 37% of a `--jobs 1` run on CSV (5,900 instructions a record).
#[derive(Debug, Default)]
struct Split {
    fields: Vec<Field>,
    /// The decoded text of the current record's fields that needed decoding.
    decoded: Vec<u8>,
}

/// Where the field being read stands.
#[derive(Debug, Clone, Copy)]
enum FieldState {
    /// Unquoted, since `start`.
    Plain { start: usize },
    /// Quoted, its text since `content`; `doubled`: a `""` was seen.
    Quoted { content: usize, doubled: bool },
    /// Closed by the quote at `close`; bytes after it are appended up to the delimiter.
    Closed {
        content: usize,
        close: usize,
        doubled: bool,
    },
}

impl Split {
    /// Reads the record at `*at` (after any empty lines), leaving `*at` after it and `*line`
    /// counting its line ends; `None` at the end of the batch.
    fn next_record(&mut self, batch: &[u8], at: &mut usize, line: &mut u64) -> Option<RecordAt> {
        self.fields.clear();
        self.decoded.clear();
        // Empty lines (and the `\n` of a `\r\n` that ended the last record) are not records.
        while let Some(&b) = batch.get(*at) {
            match b {
                b'\n' => *line += 1,
                b'\r' => {}
                _ => break,
            }
            *at += 1;
        }
        let start = *at;
        if start >= batch.len() {
            return None;
        }
        let first_line = *line;
        let rest = batch.get(start..).unwrap_or_default();
        let mut specials = Positions::new(rest, [b',', b'"', b'\r', b'\n']);
        let mut state = self.open_field(batch, start);
        // Positions before `skip` were consumed already (an opening quote, a doubled one).
        let mut skip = match state {
            FieldState::Quoted { content, .. } => content,
            _ => start,
        };
        let (end, unterminated) = loop {
            let Some(q) = specials.next().map(|r| start + r) else {
                let unterminated = matches!(state, FieldState::Quoted { .. });
                self.close_field(batch, state, batch.len());
                break (batch.len(), unterminated);
            };
            if q < skip {
                continue;
            }
            let byte = batch.get(q).copied().unwrap_or(0);
            match state {
                FieldState::Quoted { content, doubled } => match byte {
                    b'"' if batch.get(q + 1) == Some(&b'"') => {
                        state = FieldState::Quoted {
                            content,
                            doubled: true,
                        };
                        skip = q + 2;
                    }
                    b'"' => {
                        state = FieldState::Closed {
                            content,
                            close: q,
                            doubled,
                        };
                        skip = q + 1;
                    }
                    b'\n' => *line += 1,
                    _ => {}
                },
                FieldState::Plain { .. } | FieldState::Closed { .. } => match byte {
                    b',' => {
                        self.close_field(batch, state, q);
                        state = self.open_field(batch, q + 1);
                        if let FieldState::Quoted { content, .. } = state {
                            skip = content;
                        }
                    }
                    b'\r' | b'\n' => {
                        self.close_field(batch, state, q);
                        let end = if byte == b'\r' && batch.get(q + 1) == Some(&b'\n') {
                            q + 2
                        } else {
                            q + 1
                        };
                        if batch.get(end - 1) == Some(&b'\n') {
                            *line += 1;
                        }
                        break (end, false);
                    }
                    // A quote inside an unquoted field, or after a closed one, is a byte.
                    _ => {}
                },
            }
        };
        *at = end;
        Some(RecordAt {
            start,
            end,
            line: first_line,
            unterminated,
            non_ascii: specials.non_ascii(),
        })
    }

    /// The state of a field that starts at `start`.
    #[inline]
    fn open_field(&self, batch: &[u8], start: usize) -> FieldState {
        if batch.get(start) == Some(&b'"') {
            FieldState::Quoted {
                content: start + 1,
                doubled: false,
            }
        } else {
            FieldState::Plain { start }
        }
    }

    /// Ends the field in `state` at `end` (its delimiter, line end or the batch's end).
    ///
    /// Each branch pushes its own field: built in one place and then pushed, the field went
    /// through the stack, and its 16-byte reload right after narrower stores (a failed store
    /// forward) took a fifth of the CSV checker's samples (perf annotate, 300,000 records).
    fn close_field(&mut self, batch: &[u8], state: FieldState, end: usize) {
        match state {
            FieldState::Plain { start } => self.fields.push(Field {
                text: Text::Batch(start, end),
                quoted: false,
            }),
            // Open at the end of the file: what there is (the record is malformed anyway).
            FieldState::Quoted { content, doubled } => {
                let field = self.decode(batch, content, end, doubled, end);
                self.fields.push(field);
            }
            FieldState::Closed {
                content,
                close,
                doubled,
            } => {
                let field = self.decode(batch, content, close, doubled, end);
                self.fields.push(field);
            }
        }
    }

    /// A quoted field: its text `batch[content..close]` with each `""` made one `"`, then
    /// `batch[close + 1..end]` as it is.
    fn decode(
        &mut self,
        batch: &[u8],
        content: usize,
        close: usize,
        doubled: bool,
        end: usize,
    ) -> Field {
        if !doubled && end <= close + 1 {
            return Field {
                text: Text::Batch(content, close.max(content)),
                quoted: true,
            };
        }
        let from = self.decoded.len();
        let mut text = batch.get(content..close).unwrap_or_default();
        while let Some(q) = memchr::memchr(b'"', text) {
            // Inside a quoted field every quote is doubled: keep one.
            self.decoded
                .extend_from_slice(text.get(..=q).unwrap_or_default());
            text = text.get(q + 2..).unwrap_or_default();
        }
        self.decoded.extend_from_slice(text);
        if end > close + 1 {
            self.decoded
                .extend_from_slice(batch.get(close + 1..end).unwrap_or_default());
        }
        Field {
            text: Text::Decoded(from, self.decoded.len()),
            quoted: true,
        }
    }

    /// The text of field `index`.
    fn text<'b>(&'b self, batch: &'b [u8], index: usize) -> Option<(&'b [u8], bool)> {
        let field = self.fields.get(index)?;
        let text = match field.text {
            Text::Batch(a, b) => batch.get(a..b),
            Text::Decoded(a, b) => self.decoded.get(a..b),
        };
        Some((text.unwrap_or_default(), field.quoted))
    }

    /// Why a record with a byte >= 0x80 is not UTF-8, if it is not: where in its fields' text
    /// the first bad byte is, or that a character is split by a delimiter or a quote.
    #[cold]
    fn utf8_problem(&self, batch: &[u8], raw: &[u8]) -> Option<String> {
        std::str::from_utf8(raw).err()?;
        let mut joined = Vec::with_capacity(raw.len());
        for index in 0..self.fields.len() {
            if let Some((text, _)) = self.text(batch, index) {
                joined.extend_from_slice(text);
            }
        }
        Some(match std::str::from_utf8(&joined) {
            Err(e) => format!(
                "invalid UTF-8 at byte {} of the record's fields",
                e.valid_up_to() + 1
            ),
            Ok(_) => "invalid UTF-8: a multi-byte character is split by a delimiter or a quote"
                .to_owned(),
        })
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

/// A split record: NULL is an unquoted empty field or an unquoted `NULL`.
struct CsvFields<'r> {
    batch: &'r [u8],
    split: &'r Split,
}

impl RecordFields for CsvFields<'_> {
    #[inline]
    fn field(&self, index: usize) -> TextField<'_> {
        match self.split.text(self.batch, index) {
            Some((text, false)) if text.is_empty() || text == b"NULL" => TextField::Null,
            Some((text, _)) => TextField::Text(text),
            None => TextField::Null,
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

    /// A record as the splitter read it: fields (text, quoted), line, end, unterminated.
    type Read = (Vec<(Vec<u8>, bool)>, u64, usize, bool);

    /// Every record of `input` as our splitter reads it.
    fn ours(input: &[u8]) -> Vec<Read> {
        let mut split = Split::default();
        let (mut at, mut line) = (0, 0);
        let mut records = Vec::new();
        while let Some(record) = split.next_record(input, &mut at, &mut line) {
            let fields = (0..split.fields.len())
                .filter_map(|i| split.text(input, i))
                .map(|(t, q)| (t.to_vec(), q))
                .collect();
            records.push((fields, record.line, record.end, record.unterminated));
        }
        records
    }

    /// The same from the `csv` crate: fields, line (past the line ends it skipped), end.
    fn theirs(input: &[u8]) -> Vec<(Vec<Vec<u8>>, u64, usize)> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut record = ::csv::ByteRecord::new();
        let mut records = Vec::new();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            let Some(position) = record.position() else {
                continue;
            };
            let mut start = position.byte() as usize;
            let mut line = position.line() - 1;
            while let Some(&b) = input.get(start) {
                match b {
                    b'\n' => line += 1,
                    b'\r' => {}
                    _ => break,
                }
                start += 1;
            }
            let mut end = (reader.position().byte() as usize).min(input.len());
            if end > 0 && input.get(end - 1) == Some(&b'\r') && input.get(end) == Some(&b'\n') {
                end += 1;
            }
            records.push((record.iter().map(<[u8]>::to_vec).collect(), line, end));
        }
        records
    }

    /// The splitter reads what the `csv` crate reads, field by field, with the same lines and
    /// record ends, on 20,000 random texts over the bytes that matter (and a long field, so the
    /// 16-byte scan crosses chunks inside quotes and out).
    #[test]
    fn the_splitter_agrees_with_the_csv_crate() {
        let alphabet: [&[u8]; 12] = [
            b",",
            b"\"",
            b"\r",
            b"\n",
            b"a",
            b"NULL",
            b" ",
            b"\xc3\xa9",
            b"\"\"",
            b"\r\n",
            b"0123456789abcdef0123",
            b"x,y",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let pieces = (next() % 24) as usize;
            let mut input = Vec::new();
            for _ in 0..pieces {
                input.extend_from_slice(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            let ours = ours(&input);
            let theirs = theirs(&input);
            assert_eq!(
                ours.len(),
                theirs.len(),
                "{:?}",
                String::from_utf8_lossy(&input)
            );
            for (o, t) in ours.iter().zip(&theirs) {
                let fields: Vec<Vec<u8>> = o.0.iter().map(|(f, _)| f.clone()).collect();
                assert_eq!(
                    (&fields, o.1, o.2),
                    (&t.0, t.1, t.2),
                    "{:?}",
                    String::from_utf8_lossy(&input)
                );
            }
            // The splitter counts every line end, so the batch's lines need no other pass.
            let mut split = Split::default();
            let (mut at, mut line) = (0, 0);
            while split.next_record(&input, &mut at, &mut line).is_some() {}
            assert_eq!(
                split_lines(&input, line),
                count_lines(&input),
                "{:?}",
                String::from_utf8_lossy(&input)
            );
            // An open quote at the end is what makes the last record unterminated.
            let open =
                QuoteScan::scan(&input, QuoteState::FieldStart, false).1 == QuoteState::Quoted;
            assert_eq!(
                ours.last().is_some_and(|r| r.3),
                open && !ours.is_empty(),
                "{:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }

    #[test]
    fn quoted_fields_are_told_apart_from_unquoted() {
        let raw = b"\"a,\"\"b\",,\"\",NULL,\"NULL\",\"x\"y\"z\n";
        let records = ours(raw);
        let fields = &records[0].0;
        let quoted: Vec<bool> = fields.iter().map(|f| f.1).collect();
        assert_eq!(quoted, [true, false, true, false, true, true]);
        assert_eq!(fields[0].0, b"a,\"b");
        assert_eq!(fields[5].0, b"xy\"z");
        let split = {
            let mut split = Split::default();
            let (mut at, mut line) = (0, 0);
            split.next_record(raw, &mut at, &mut line);
            split
        };
        let view = CsvFields {
            batch: raw,
            split: &split,
        };
        let nulls: Vec<bool> = (0..6).map(|i| view.field(i) == TextField::Null).collect();
        assert_eq!(nulls, [false, true, false, true, false, false]);
    }

    /// Records hashed by the lane's frames hash as the checker hashes them, whatever ends them
    /// (CRLF, a lone CR, a quoted newline, empty lines, no line end at the batch's end).
    #[test]
    fn lane_framed_batches_check_as_unframed_ones() {
        let plan = crate::plan::web_logs_plan();
        let (format, _) = CsvFormat::from_header(&plan, b"meta.ts,key.id,value.url\n");
        let id = |n: u32| format!("0a1b2c3d-4e5f-4789-abcd-ef01234567{n:02}");
        let batch = format!(
            "2024-05-01T10:00:00Z,{},/a\r\n\n2024-05-01T10:00:00Z,{},\"/b\nc\"\n\
             2024-05-01T10:00:00Z,{},/d\r2024-05-01T10:00:00Z,{},/e\n\r\n\
             2024-05-01T10:00:00Z,{},/f",
            id(1),
            id(2),
            id(3),
            id(4),
            id(5)
        );
        let mut frames = Vec::new();
        format.frame(batch.as_bytes(), &mut frames);
        assert!(frames.len() >= 4, "{frames:?}");
        let check = |frames: &[LineFrame]| {
            let mut state = WorkerState::new(&plan);
            let mut out = BatchOutcome::default();
            format.check_batch(&plan, batch.as_bytes(), frames, &mut state, &mut out);
            out
        };
        let (lane, own) = (check(&frames), check(&[]));
        assert_eq!(lane.keys.len(), 5, "{:?}", lane.findings);
        assert_eq!(lane.keys, own.keys);
        assert_eq!(lane.findings, own.findings);
        assert_eq!((lane.lines, lane.records), (own.lines, own.records));
        // The frames are used where a line is exactly a record (the first two) and nowhere
        // else: with every frame's hash made 7, those two change and only those.
        let marked: Vec<LineFrame> = frames.iter().map(|f| LineFrame { hash: 7, ..*f }).collect();
        let hashes: Vec<bool> = check(&marked)
            .keys
            .iter()
            .map(|k| k.record_hash == 7)
            .collect();
        assert_eq!(hashes, [true, true, false, false, false]);
    }

    #[test]
    fn lines_are_counted_with_a_last_partial_line() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a\nb\n"), 2);
        assert_eq!(count_lines(b"a\nb"), 2);
        assert_eq!(trim_line_end(b"a\r\n"), b"a");
    }
}
