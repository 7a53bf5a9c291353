//! The reader stage: bytes of one export file -> batches of whole records -> checked records.
//!
//! Two halves, so that checking can run on several threads while reading each file stays
//! sequential (several files are read at once, on the [`lanes`]):
//!
//! 1. [`Batcher`] (sequential, one per file): fills large buffers from the input and cuts each at
//!    the last record boundary the [`RecordFormat`] finds; the partial record at the end moves to
//!    the next buffer. A record longer than [`Limits::max_record_bytes`] is skipped to its end
//!    and delivered as one [`BatchKind::Oversized`] record, so memory stays bounded whatever the
//!    input; its bytes pass by first as [`BatchKind::OversizedPart`] batches (unchecked, for
//!    `--invalid-out`, which writes records byte for byte).
//! 2. [`RecordFormat::check_batch`] (any thread): splits a batch into records, turns each field
//!    into a [`crate::plan::FieldValue`] and runs the [`CheckPlan`] on it, producing a
//!    [`BatchOutcome`] whose line and record numbers are relative to the batch; the merge step
//!    adds the file offsets in order.
//!
//! Formats: [`jsonl`]; [`csv`] and [`tsv`], whose header (line 1) [`dispatch::open_text`] maps to
//! the model before the first batch (one [`RecordFormat`] per file, looked up by the batch's file
//! index in [`dispatch::FileFormats`]; the CSV boundary finder follows quoting, and keeps its
//! state between calls to skip an oversized record); [`parquet`], which reads row groups rather
//! than byte batches and hands the engine [`BatchOutcome`]s directly. The text formats and
//! Parquet share [`text`]: the header/schema name mapping and the reading of a value from text
//! by its column's type, so every check, count and report is the same for every format.

pub mod bytescan;
pub mod csv;
pub mod dispatch;
pub mod jsonl;
pub mod lanes;
pub mod parquet;
pub mod text;
pub mod tsv;

use crate::dedup::KeyFingerprint;
use crate::plan::{CheckPlan, ColumnRef, Finding};
use crate::profile::{FileProfiles, Profile, RecordStage};
use crate::violation::{Code, truncate_bytes};
use std::io::{self, Read};

/// Sizes that bound memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes per batch (the unit of work a thread checks).
    pub batch_bytes: usize,
    /// The largest record accepted; a longer one is reported as `malformed` (oversized).
    pub max_record_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            batch_bytes: 1 << 20,
            max_record_bytes: 8 << 20,
        }
    }
}

/// A run of whole records from one file.
#[derive(Debug)]
pub struct Batch {
    /// Position in the run's sequence of events (the merge step restores this order).
    pub seq: u64,
    /// Index of the file in the run's file list.
    pub file: usize,
    /// The buffer; only `data[..len]` holds records.
    pub data: Vec<u8>,
    /// How many bytes of `data` are records.
    pub len: usize,
    /// Ordinary records, or one oversized record.
    pub kind: BatchKind,
    /// The lines of a line-framed format's batch of records, framed by the reading lane (see
    /// [`RecordFormat::frame`]); empty when the checking thread frames them itself.
    pub frames: Vec<LineFrame>,
}

/// One line of a batch (a JSONL line, or a CSV line that ends outside quotes): where it ends,
/// and the hash of its record's bytes for the duplicate-key check
/// ([`crate::dedup::record_hash`]).
///
/// Finding the lines and hashing them reads every byte once more; a lane that reads a file has
/// the cycles to spare while its checking threads walk the records (with up to two checking
/// threads per lane, see `lanes::LaneWork`), so it does this there, on bytes still in its
/// cache. On the 300,000-record bench layouts this took 10-14% off JSONL's time with
/// `--jobs 1` (newline search 6%, hash 5% of the checking thread's). TSV does not: framed by
/// its lane, its checking thread took 176 ms instead of 163 for 300,000 records though it ran
/// fewer instructions (and framing on the checking thread in a pass of its own, 189), so the
/// TSV reader finds its lines as it checks them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineFrame {
    /// The offset of the line's `\n`, or the batch's length for a last line without one.
    pub end: usize,
    /// The record hash of the line's record text (as the format trims it); 0 for a line that
    /// holds no record.
    pub hash: u64,
}

/// What a [`Batch`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    /// Whole records (`data[..len]`).
    Records,
    /// A piece of an oversized record, in order (`data[..len]`); nothing in it is checked or
    /// counted, it exists so that the record can be written out without being held whole. The
    /// [`BatchKind::Oversized`] batch follows the last piece.
    OversizedPart,
    /// One record of `bytes` bytes that exceeded the limit; `data[..len]` holds its beginning.
    Oversized {
        /// The record's full size, including its line terminator.
        bytes: u64,
        /// The limit it exceeded.
        limit: u64,
    },
}

/// A finding placed in its batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedFinding {
    /// 0-based line within the batch where the record starts.
    pub line: u64,
    /// 0-based record ordinal within the batch.
    pub record: u64,
    /// What was found.
    pub finding: Finding,
}

/// A record whose key was complete and valid: the merge step checks it for duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyEntry {
    /// 0-based line within the batch.
    pub line: u64,
    /// 0-based record ordinal within the batch.
    pub record: u64,
    /// The key's fingerprint ([`KeyFingerprint`]).
    pub key: u128,
    /// A hash of the record's text (identical vs conflicting duplicates).
    pub record_hash: u64,
    /// The key as a uuid, when the key is one uuid column (for the report's value).
    pub uuid: Option<u128>,
}

/// What checking a batch found.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    /// Physical lines in the batch.
    pub lines: u64,
    /// Data records in the batch.
    pub records: u64,
    /// Records with at least one error.
    pub invalid_records: u64,
    /// Every finding, in record order.
    pub findings: Vec<LocatedFinding>,
    /// Records with a complete key, in record order.
    pub keys: Vec<KeyEntry>,
    /// Each record's bytes in the batch (line terminator included), in record order, one per
    /// record: what `--valid-out`/`--invalid-out` write. A format that cannot tell them leaves
    /// this empty, and the quarantine refuses to run rather than lose records.
    pub spans: Vec<std::ops::Range<usize>>,
}

/// Per-thread state a format may reuse between batches (scratch buffers, counts).
#[derive(Debug)]
pub struct WorkerState {
    /// The profile (open-enum tally included) of the current file's records seen by this
    /// thread; see [`WorkerState::switch_file`].
    pub profile: Profile,
    /// The file `profile` belongs to.
    profile_file: Option<usize>,
    /// The profiles of the other files this thread has seen.
    profiles: FileProfiles,
    /// A record's staged fields, for the text formats (the JSONL walker has its own).
    pub stage: RecordStage,
    /// The JSONL walker's reusable buffers.
    pub(crate) jsonl: jsonl::Walker,
    /// The lines of a batch that came without them (see [`LineFrame`]), reused.
    pub(crate) frames: Vec<LineFrame>,
    /// Records in this thread's last batch: the room an outcome's per-record lists get up
    /// front, so that they do not grow (and copy themselves) a dozen times per batch.
    records_hint: usize,
}

impl WorkerState {
    /// Fresh state for checking with `plan`.
    pub fn new(plan: &CheckPlan) -> WorkerState {
        WorkerState {
            profile: Profile::new(plan),
            profile_file: None,
            profiles: FileProfiles::default(),
            stage: RecordStage::new(plan),
            jsonl: jsonl::Walker::new(plan),
            frames: Vec::new(),
            records_hint: 0,
        }
    }

    /// Makes `profile` the profile of file `file` (a thread checks batches of any file, in any
    /// order; each file's profile is kept apart so reports can give one per file).
    pub fn switch_file(&mut self, plan: &CheckPlan, file: usize) {
        if self.profile_file == Some(file) {
            return;
        }
        let next = self
            .profiles
            .files
            .remove(&file)
            .unwrap_or_else(|| Profile::new(plan));
        let previous = std::mem::replace(&mut self.profile, next);
        if let Some(index) = self.profile_file.replace(file) {
            self.profiles.files.insert(index, previous);
        }
        self.stage.new_file();
        self.jsonl.stage.new_file();
    }

    /// Every file's profile this thread kept.
    pub fn into_profiles(mut self) -> FileProfiles {
        if let Some(index) = self.profile_file.take() {
            self.profiles.files.insert(index, self.profile);
        }
        self.profiles
    }
}

/// A file format: where records end, and how to check a batch of them.
pub trait RecordFormat: Sync {
    /// The end (exclusive) of the last whole record in `bytes`, if any; `bytes` is a full buffer
    /// that does not end the file.
    fn last_boundary(&self, bytes: &[u8]) -> Option<usize>;

    /// The end (exclusive) of the first record in `bytes`, if it ends there (used to skip an
    /// oversized record).
    fn next_boundary(&self, bytes: &[u8]) -> Option<usize>;

    /// Frames a batch of records into lines (see [`LineFrame`]), clearing `frames` first. By
    /// default it leaves them empty (Parquet has no lines; TSV finds its lines as it checks
    /// them, see [`LineFrame`]); JSONL and CSV frame.
    fn frame(&self, batch: &[u8], frames: &mut Vec<LineFrame>) {
        let _ = batch;
        frames.clear();
    }

    /// Checks every record of `batch` (`batch.kind` is [`BatchKind::Records`]); `frames` are
    /// its lines when the reading lane framed them ([`RecordFormat::frame`]), else empty.
    fn check_batch(
        &self,
        plan: &CheckPlan,
        batch: &[u8],
        frames: &[LineFrame],
        state: &mut WorkerState,
        out: &mut BatchOutcome,
    );
}

/// Checks any batch: ordinary ones through the format, oversized ones as one malformed record.
pub fn check_batch(
    format: &dyn RecordFormat,
    plan: &CheckPlan,
    batch: &Batch,
    state: &mut WorkerState,
) -> BatchOutcome {
    let mut out = BatchOutcome::default();
    let bytes = batch.data.get(..batch.len).unwrap_or_default();
    match batch.kind {
        BatchKind::Records => {
            // A little more than last time: batches of one file hold similar numbers of records.
            let room = state.records_hint + state.records_hint / 8;
            out.spans.reserve(room);
            out.keys.reserve(room);
            state.switch_file(plan, batch.file);
            format.check_batch(plan, bytes, &batch.frames, state, &mut out);
            state.records_hint = usize::try_from(out.records).unwrap_or(0);
        }
        BatchKind::OversizedPart => {}
        BatchKind::Oversized { bytes: size, limit } => {
            out.lines = 1;
            out.records = 1;
            out.invalid_records = 1;
            out.findings.push(LocatedFinding {
                line: 0,
                record: 0,
                finding: Finding {
                    column: ColumnRef::Record,
                    code: Code::Malformed,
                    message: format!(
                        "oversized record: {size} bytes, more than the limit of {limit} bytes"
                    ),
                    value: Some(truncate_bytes(bytes)),
                },
            });
        }
    }
    out
}

/// Where batches go and where buffers come from.
pub trait BatchSink {
    /// A buffer of at least `len` bytes (its content does not matter), or `None` to stop.
    fn buffer(&mut self, len: usize) -> Option<Vec<u8>>;
    /// Takes a batch; `false` to stop.
    fn batch(&mut self, batch: Batch) -> bool;
    /// The next sequence number for an event of this run.
    fn next_seq(&mut self) -> u64;
}

/// How a file's reading ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Batched {
    /// The whole file was read.
    Complete,
    /// The sink asked to stop.
    Stopped,
}

/// Cuts one file's bytes into batches of whole records.
#[derive(Debug)]
pub struct Batcher<'f> {
    format: &'f dyn RecordFormat,
    limits: Limits,
    file: usize,
    /// Whether batches of records go out framed (see [`LineFrame`]).
    frames: bool,
}

impl std::fmt::Debug for dyn RecordFormat + '_ {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordFormat")
    }
}

impl<'f> Batcher<'f> {
    /// A batcher for file number `file`.
    pub fn new(format: &'f dyn RecordFormat, limits: Limits, file: usize) -> Batcher<'f> {
        Batcher {
            format,
            limits,
            file,
            frames: false,
        }
    }

    /// Frames each batch of records before handing it on (see [`LineFrame`]).
    pub fn framing(self, frames: bool) -> Batcher<'f> {
        Batcher { frames, ..self }
    }

    /// Reads `input` to the end, handing batches to `sink`. An I/O error ends the file; the
    /// batches before it have been handed on.
    pub fn run(&self, input: &mut dyn Read, sink: &mut dyn BatchSink) -> io::Result<Batched> {
        let batch_bytes = self.limits.batch_bytes.max(1);
        let Some(mut buf) = sink.buffer(batch_bytes) else {
            return Ok(Batched::Stopped);
        };
        let mut filled = 0usize;
        loop {
            let eof = match fill(input, &mut buf, &mut filled) {
                Ok(eof) => eof,
                Err(error) => {
                    // Hand on the whole records read before the error; then report it.
                    let data = buf.get(..filled).unwrap_or_default();
                    if let Some(cut) = self.format.last_boundary(data).filter(|&c| c > 0) {
                        self.send(sink, buf, cut, BatchKind::Records);
                    }
                    return Err(error);
                }
            };
            if eof {
                if filled > 0 && !self.send(sink, buf, filled, BatchKind::Records) {
                    return Ok(Batched::Stopped);
                }
                return Ok(Batched::Complete);
            }
            let data = buf.get(..filled).unwrap_or_default();
            match self.format.last_boundary(data) {
                Some(cut) if cut > 0 => {
                    let Some(mut next) = sink.buffer(batch_bytes) else {
                        return Ok(Batched::Stopped);
                    };
                    let rest = filled - cut;
                    if next.len() < rest.max(batch_bytes) {
                        next.resize(rest.max(batch_bytes), 0);
                    }
                    if let (Some(dst), Some(src)) = (next.get_mut(..rest), buf.get(cut..filled)) {
                        dst.copy_from_slice(src);
                    }
                    if !self.send(sink, buf, cut, BatchKind::Records) {
                        return Ok(Batched::Stopped);
                    }
                    buf = next;
                    filled = rest;
                }
                _ if buf.len() <= self.limits.max_record_bytes => {
                    // One record fills the buffer: let it grow, up to one byte over the limit.
                    let grown = (buf.len() * 2).min(self.limits.max_record_bytes + 1);
                    buf.resize(grown, 0);
                }
                _ => match self.skip_oversized(input, sink, buf, filled)? {
                    Some((next, next_filled)) => {
                        buf = next;
                        filled = next_filled;
                    }
                    None => return Ok(Batched::Stopped),
                },
            }
        }
    }

    /// `buf[..filled]` is the start of a record longer than the limit: reads on to its end,
    /// handing its bytes on as [`BatchKind::OversizedPart`] batches of at most one batch buffer
    /// each, then sends it as one oversized batch holding its first KiB, and returns a buffer
    /// holding whatever followed it. Memory: the buffers the sink lends and two of its own (the
    /// head and the buffer it returns), never the record. Asking the sink for those two as well
    /// made a file of many oversized records 3× slower with helpers (each record then waited
    /// for a buffer to come back); the sink bounds what it keeps instead.
    fn skip_oversized(
        &self,
        input: &mut dyn Read,
        sink: &mut dyn BatchSink,
        buf: Vec<u8>,
        filled: usize,
    ) -> io::Result<Option<(Vec<u8>, usize)>> {
        let keep = filled.min(1024);
        let mut head = Vec::with_capacity(keep);
        head.extend_from_slice(buf.get(..keep).unwrap_or_default());
        let mut size = filled as u64;
        if !self.send(sink, buf, filled, BatchKind::OversizedPart) {
            return Ok(None);
        }
        let batch_bytes = self.limits.batch_bytes.max(1);
        let (next, rest) = loop {
            let Some(mut part) = sink.buffer(batch_bytes) else {
                return Ok(None);
            };
            if part.len() < batch_bytes {
                part.resize(batch_bytes, 0);
            }
            let mut n = 0usize;
            let eof = fill(input, &mut part, &mut n)?;
            let chunk = part.get(..n).unwrap_or_default();
            if let Some(end) = self.format.next_boundary(chunk) {
                size += end as u64;
                // Move what followed the record to a buffer of its own.
                let rest = n.saturating_sub(end);
                let mut next = vec![0u8; batch_bytes.max(rest)];
                if let (Some(dst), Some(src)) = (next.get_mut(..rest), part.get(end..n)) {
                    dst.copy_from_slice(src);
                }
                if end > 0 && !self.send(sink, part, end, BatchKind::OversizedPart) {
                    return Ok(None);
                }
                break (next, rest);
            }
            size += n as u64;
            if n > 0 && !self.send(sink, part, n, BatchKind::OversizedPart) {
                return Ok(None);
            }
            if eof {
                break (vec![0u8; batch_bytes], 0);
            }
        };
        let len = head.len();
        let oversized = BatchKind::Oversized {
            bytes: size,
            limit: self.limits.max_record_bytes as u64,
        };
        if !self.send(sink, head, len, oversized) {
            return Ok(None);
        }
        Ok(Some((next, rest)))
    }

    fn send(&self, sink: &mut dyn BatchSink, data: Vec<u8>, len: usize, kind: BatchKind) -> bool {
        let seq = sink.next_seq();
        let mut frames = Vec::new();
        if self.frames && kind == BatchKind::Records {
            self.format
                .frame(data.get(..len).unwrap_or_default(), &mut frames);
        }
        sink.batch(Batch {
            seq,
            file: self.file,
            data,
            len,
            kind,
            frames,
        })
    }
}

/// Reads into `buf[*filled..]` until it is full or the input ends; returns whether it ended.
fn fill(input: &mut dyn Read, buf: &mut [u8], filled: &mut usize) -> io::Result<bool> {
    while let Some(space) = buf.get_mut(*filled..) {
        if space.is_empty() {
            return Ok(false);
        }
        match input.read(space) {
            Ok(0) => return Ok(true),
            Ok(n) => *filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// Adds a key column's valid value to a fingerprint (uuids by value, others by text).
pub(crate) fn fingerprint_part(fingerprint: &mut KeyFingerprint, uuid: Option<u128>, text: &[u8]) {
    match uuid {
        Some(value) => fingerprint.add_u128(value),
        None => fingerprint.add_bytes(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects batches; hands out fresh buffers.
    #[derive(Default)]
    struct Collect {
        seq: u64,
        batches: Vec<(BatchKind, Vec<u8>)>,
    }

    impl BatchSink for Collect {
        fn buffer(&mut self, len: usize) -> Option<Vec<u8>> {
            Some(vec![0; len])
        }
        fn batch(&mut self, batch: Batch) -> bool {
            self.batches
                .push((batch.kind, batch.data[..batch.len].to_vec()));
            true
        }
        fn next_seq(&mut self) -> u64 {
            self.seq += 1;
            self.seq
        }
    }

    fn batches(input: &[u8], limits: Limits) -> Vec<(BatchKind, Vec<u8>)> {
        let mut sink = Collect::default();
        let batcher = Batcher::new(&jsonl::JsonlFormat, limits, 0);
        let mut reader = input;
        assert_eq!(
            batcher.run(&mut reader, &mut sink).ok(),
            Some(Batched::Complete)
        );
        sink.batches
    }

    #[test]
    fn batches_hold_whole_lines_and_lose_nothing() {
        let input: Vec<u8> = (0..100)
            .flat_map(|i| format!("line {i} {}\n", "x".repeat(i % 13)).into_bytes())
            .collect();
        let limits = Limits {
            batch_bytes: 64,
            max_record_bytes: 1000,
        };
        let got = batches(&input, limits);
        assert!(got.len() > 10);
        let mut joined = Vec::new();
        for (kind, bytes) in &got {
            assert_eq!(*kind, BatchKind::Records);
            assert_eq!(bytes.last(), Some(&b'\n'));
            joined.extend_from_slice(bytes);
        }
        assert_eq!(joined, input);
    }

    #[test]
    fn long_records_grow_the_buffer_and_oversized_ones_are_skipped() {
        let limits = Limits {
            batch_bytes: 16,
            max_record_bytes: 100,
        };
        let mut input = b"short\n".to_vec();
        input.extend_from_slice(&[b'a'; 90]);
        input.extend_from_slice(b"\n");
        input.extend_from_slice(&[b'b'; 500]);
        input.extend_from_slice(b"\nlast");
        let got = batches(&input, limits);
        let joined_records: Vec<u8> = got
            .iter()
            .filter(|(k, _)| *k == BatchKind::Records)
            .flat_map(|(_, b)| b.clone())
            .collect();
        let mut expected = b"short\n".to_vec();
        expected.extend_from_slice(&[b'a'; 90]);
        expected.extend_from_slice(b"\nlast");
        assert_eq!(joined_records, expected);
        let oversized: Vec<&BatchKind> = got
            .iter()
            .map(|(k, _)| k)
            .filter(|k| matches!(k, BatchKind::Oversized { .. }))
            .collect();
        assert_eq!(
            oversized,
            [&BatchKind::Oversized {
                bytes: 501,
                limit: 100
            }]
        );
    }

    #[test]
    fn oversized_record_at_end_of_file() {
        let limits = Limits {
            batch_bytes: 8,
            max_record_bytes: 20,
        };
        let got = batches(&[b'z'; 50], limits);
        let parts: Vec<u8> = got
            .iter()
            .filter(|(k, _)| *k == BatchKind::OversizedPart)
            .flat_map(|(_, b)| b.clone())
            .collect();
        assert_eq!(parts, [b'z'; 50], "the pieces add up to the record");
        let got: Vec<_> = got
            .into_iter()
            .filter(|(k, _)| *k != BatchKind::OversizedPart)
            .collect();
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].0,
            BatchKind::Oversized {
                bytes: 50,
                limit: 20
            }
        );
    }
}
