//! Reading lanes: the threads that open, decode and batch the run's files, several files at once.
//!
//! ```text
//! lane 1: file 0 -> Input (gzip decoded here) -> Batcher -> Message::Read(batch) ─┐
//! lane 2: file 1 -> ...                                                        ├─▶ calling thread
//! (a lane that finishes a file takes the next one not yet taken)              ─┘    check, merge
//! ```
//!
//! Every event a lane sends carries its file and its number within that file (`FileStart` is
//! 0), so the merge step ([`crate::engine`]) puts them back in file order whatever the lanes'
//! timing: the report never depends on how many lanes or jobs ran.
//!
//! **How many lanes**: one per gzip file and as many as jobs for a Parquet file, up to the job
//! count (a gzip stream cannot be split, so one file decodes on one core; a Parquet file's row
//! groups are decoded and checked on whichever lane takes them, see `GroupJob`, so one file
//! uses every core, and Spark's directory of parts too); one lane when
//! no input is either (reading plain bytes is a copy) and when `--valid-out`/`--invalid-out` are given (the quarantine writes records in
//! file order, so it needs each batch's bytes until its turn; see below).
//!
//! **Memory**: lanes take batch buffers from one `BufferPool` (a fixed number, as many kept
//! for reuse), so reading never runs further ahead of checking than the pool allows. A batch of
//! a later file checked before the earlier files are merged waits for its turn as its outcome
//! alone (its buffer goes back to the pool at once): about 100 bytes a record, not the record. A
//! lane reading ahead of the file being merged pauses once those waiting outcomes pass
//! [`AHEAD_BYTES_PER_LANE`] per extra lane (at least [`AHEAD_BYTES_MIN`]), and goes on when
//! the merge reaches its file, so memory is bounded however many or however large the files
//! are.

use super::dispatch::{self, FileFormats};
use super::jsonl::JsonlFormat;
use super::parquet::{ParquetLayout, ParquetReader, ParquetSource};
use super::{
    Batch, BatchKind, BatchOutcome, BatchSink, Batched, Batcher, KeyEntry, LocatedFinding,
};
use crate::engine::Config;
use crate::files::Format;
use crate::input::Input;
use crate::plan::{CheckPlan, Finding};
use crate::profile::Profile;
use std::io::{self, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, mpsc};
use std::time::Duration;

/// How far (in bytes of waiting outcomes, per lane beyond the first) reading may run ahead of
/// the file being merged; on many cores, with files larger than it, ahead lanes pause at it
/// (see ARCHITECTURE.md, "Many files").
pub const AHEAD_BYTES_PER_LANE: usize = 12 << 20;

/// The least a run with more than one lane lets reading run ahead, whatever its lanes. On 2
/// cores and four gzip parts of 250,000 records (about 25 MB of outcomes each), an ahead lane
/// that paused at 12 MiB left its core idle while the one lane of the file being merged fed
/// every checker: CPU / wall 1.84, against 1.91 with 32 MiB.
pub const AHEAD_BYTES_MIN: usize = 32 << 20;

/// How far reading may run ahead of the merge with `lanes` lanes (nothing with one).
pub fn ahead_limit(lanes: usize) -> usize {
    match lanes {
        0 | 1 => 0,
        _ => (AHEAD_BYTES_PER_LANE * (lanes - 1)).max(AHEAD_BYTES_MIN),
    }
}

/// What the reading stage tells the merge step, in each file's order.
#[derive(Debug)]
pub(crate) enum Event {
    FileStart(usize),
    /// Problems of the whole file (a CSV/TSV header, a Parquet schema), and the lines the
    /// header took.
    FileFindings(Vec<Finding>, u64),
    /// A CSV/TSV file's header bytes, line end included (for the quarantine outputs).
    Header(Vec<u8>),
    /// A file's profile (open-enum values included) made on the reading thread (Parquet).
    Profile(usize, Box<Profile>),
    Batch(Batch, BatchOutcome),
    FileEnd(usize),
    FileError(usize, io::Error),
}

impl Event {
    /// Whether this is a file's last event.
    pub(crate) fn ends_file(&self) -> bool {
        matches!(self, Event::FileEnd(_) | Event::FileError(..))
    }

    /// The heap bytes the event holds besides a batch buffer (what waiting for its turn costs).
    pub(crate) fn waiting_bytes(&self) -> usize {
        match self {
            Event::Batch(_, outcome) => {
                outcome.keys.capacity() * size_of::<KeyEntry>()
                    + outcome.spans.capacity() * size_of::<std::ops::Range<usize>>()
                    + outcome
                        .findings
                        .iter()
                        .map(|f| {
                            size_of::<LocatedFinding>()
                                + f.finding.message.len()
                                + f.finding.value.as_ref().map_or(0, String::len)
                        })
                        .sum::<usize>()
            }
            Event::FileFindings(findings, _) => findings.len() * 128,
            Event::Header(bytes) => bytes.len(),
            Event::Profile(..) => 64 << 10,
            Event::FileStart(_) | Event::FileEnd(_) | Event::FileError(..) => 0,
        }
    }
}

/// What the calling thread receives, from lanes and from checking helpers alike (one channel,
/// so it waits on one thing).
#[derive(Debug)]
pub(crate) enum Message {
    /// A batch read by a lane, to be checked (its number is `batch.seq` within `batch.file`).
    Read(Batch),
    /// A file's event number `seq` that needs no checking (or was checked where it was read).
    Event { file: usize, seq: u64, event: Event },
    /// A batch checked by a helper, as its event.
    Checked { file: usize, seq: u64, event: Event },
    /// A lane has no more files to read.
    LaneDone,
    /// A thread is unwinding from a panic (a bug) with work it will never return.
    Lost,
}

/// Sends [`Message::Lost`] when the thread holding it panics, and (for a lane) `LaneDone`
/// whenever it ends: the calling thread never waits for a thread that is gone.
pub(crate) struct Farewell {
    pub(crate) messages: mpsc::SyncSender<Message>,
    pub(crate) lane: bool,
}

impl Drop for Farewell {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = self.messages.send(Message::Lost);
        }
        if self.lane {
            let _ = self.messages.send(Message::LaneDone);
        }
    }
}

/// How many lanes a run reads with (see the module docs): one per file whose reading costs a
/// core, a gzip file (decoding) or a Parquet file (decoded and checked on its lane, row group
/// by row group), up to the job count.
pub fn lanes_for(config: &Config, quarantine: bool) -> usize {
    // A Parquet file's row groups are checked on every lane, so it can use them all.
    let heavy = config
        .files
        .iter()
        .map(|f| match f.format {
            Format::Parquet => config.jobs.max(1),
            _ => usize::from(f.gzip),
        })
        .sum::<usize>();
    if quarantine {
        1
    } else {
        heavy.clamp(1, config.jobs.max(1))
    }
}

/// The batch buffers of a run, shared by the lanes (which take them) and the calling thread
/// (which gives them back after the merge). A lane waits when every buffer is out, or when it
/// reads ahead of the merge and the waiting outcomes are over the limit.
#[derive(Debug)]
pub(crate) struct BufferPool {
    state: Mutex<PoolState>,
    changed: Condvar,
    max_buffers: usize,
    batch_bytes: usize,
    ahead_limit: usize,
}

#[derive(Debug)]
struct PoolState {
    spare: Vec<Vec<u8>>,
    allocated: usize,
    stopped: bool,
    /// The file the merge step is on.
    merging: usize,
    /// Bytes of outcomes of later files waiting for their turn.
    ahead_bytes: usize,
}

impl BufferPool {
    /// A pool of at most `max_buffers` buffers of `batch_bytes`, letting lanes read ahead of the
    /// merge until `ahead_limit` bytes of outcomes wait.
    pub(crate) fn new(max_buffers: usize, batch_bytes: usize, ahead_limit: usize) -> BufferPool {
        BufferPool {
            state: Mutex::new(PoolState {
                spare: Vec::new(),
                allocated: 0,
                stopped: false,
                merging: 0,
                ahead_bytes: 0,
            }),
            changed: Condvar::new(),
            max_buffers,
            batch_bytes,
            ahead_limit,
        }
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A buffer of at least `len` bytes for file `file`; waits while none may be had; `None`
    /// once the run stops.
    pub(crate) fn take(&self, len: usize, file: usize) -> Option<Vec<u8>> {
        let mut state = self.lock();
        loop {
            if state.stopped {
                return None;
            }
            let held_back = file > state.merging && state.ahead_bytes > self.ahead_limit;
            if !held_back {
                if let Some(mut buffer) = state.spare.pop() {
                    drop(state);
                    // A kept buffer is at most the usual size (see `give`); one that was lent as
                    // a small token (an oversized record's head) grows to the size asked for.
                    if buffer.len() < len {
                        buffer.resize(len, 0);
                    }
                    return Some(buffer);
                }
                if state.allocated < self.max_buffers {
                    state.allocated += 1;
                    drop(state);
                    return Some(vec![0; len]);
                }
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Keeps a merged batch's buffer for reuse, back at the usual size (it may have grown for a
    /// long record), unless as many are kept as may be handed out. Not every buffer came from
    /// [`BufferPool::take`] (the batcher makes two of its own around an oversized record), so
    /// without the bound each oversized record would add two buffers for the rest of the run.
    pub(crate) fn give(&self, mut buffer: Vec<u8>) {
        if buffer.capacity() == 0 {
            return;
        }
        if buffer.capacity() > self.batch_bytes {
            buffer.truncate(self.batch_bytes);
            buffer.shrink_to(self.batch_bytes);
        }
        let mut state = self.lock();
        if state.spare.len() < self.max_buffers {
            state.spare.push(buffer);
        }
        drop(state);
        self.changed.notify_all();
    }

    /// The merge step is on file `merging`, with `ahead_bytes` of later files' outcomes waiting.
    pub(crate) fn progress(&self, merging: usize, ahead_bytes: usize) {
        let mut state = self.lock();
        state.merging = merging;
        state.ahead_bytes = ahead_bytes;
        drop(state);
        self.changed.notify_all();
    }

    /// Whether the run has stopped.
    pub(crate) fn is_stopped(&self) -> bool {
        self.lock().stopped
    }

    /// Ends the run: every waiting and later `take` returns `None`.
    pub(crate) fn stop(&self) {
        self.lock().stopped = true;
        self.changed.notify_all();
    }
}

/// What the lanes share: the next file to take, and the row groups of the Parquet files being
/// read, which any lane may check.
pub(crate) struct LaneWork {
    next_file: AtomicUsize,
    /// Lanes reading a file (which may offer row groups): a lane with nothing to do waits for
    /// them before it ends.
    reading: AtomicUsize,
    groups: Mutex<Vec<Arc<GroupJob>>>,
    changed: Condvar,
    /// How many row groups of a file may be taken beyond its first unfinished one: the outcomes
    /// of groups checked ahead wait for their turn, so this bounds their memory.
    window: usize,
    /// Whether lanes frame the batches they read (see [`crate::reader::LineFrame`]).
    frames: bool,
}

/// The most checking threads per lane for which a lane frames its batches. A lane reading a
/// plain file copies about 8 GB/s and frames about 9 GB/s more, a checking thread walks about
/// 1.3 GB/s: past two checking threads per lane, framing there could starve them, so they
/// frame their own batches instead (the report is the same either way). A lane decoding gzip
/// (about 0.3 GB/s) never frames: it is the slowest stage already (on four gzip parts and two
/// cores, framing there took CPU / wall from 1.86 to 1.76).
const FRAMING_JOBS_PER_LANE: usize = 2;

impl LaneWork {
    /// Work for `lanes` lanes feeding `jobs` checking threads.
    pub(crate) fn new(lanes: usize, jobs: usize) -> LaneWork {
        LaneWork {
            next_file: AtomicUsize::new(0),
            reading: AtomicUsize::new(0),
            groups: Mutex::new(Vec::new()),
            changed: Condvar::new(),
            window: 2 * lanes.max(1),
            frames: jobs <= FRAMING_JOBS_PER_LANE * lanes.max(1),
        }
    }

    /// Whether lanes frame the batches they read.
    pub(crate) fn frames_batches(&self) -> bool {
        self.frames
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Arc<GroupJob>>> {
        self.groups.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The earliest file's next row group that may be taken now, if any (taken).
    fn take_group(&self) -> Option<(Arc<GroupJob>, usize)> {
        let mut jobs = self.lock();
        let found = jobs.iter().find_map(|job| {
            let mut state = job.lock();
            let open = !state.failed
                && state.next < job.layout.groups().len()
                && state.next < state.first_unfinished + self.window;
            open.then(|| {
                state.next += 1;
                (Arc::clone(job), state.next - 1)
            })
        });
        // A file all of whose groups are taken needs no more lanes.
        jobs.retain(|job| {
            let state = job.lock();
            !state.failed && state.next < job.layout.groups().len()
        });
        found
    }

    /// Waits until a row group may be taken (`true`), or none is left to take or the run has
    /// stopped (`false`).
    fn wait_for_groups(&self, pool: &BufferPool) -> bool {
        let mut jobs = self.lock();
        loop {
            let idle = jobs.is_empty() && self.reading.load(Ordering::Acquire) == 0;
            if idle || pool.is_stopped() {
                return false;
            }
            let takeable = jobs.iter().any(|job| {
                let state = job.lock();
                !state.failed && state.next < state.first_unfinished + self.window
            });
            if takeable {
                return true;
            }
            // Woken when a group finishes; the timeout only guards against a stop.
            jobs = self
                .changed
                .wait_timeout(jobs, Duration::from_millis(50))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// A Parquet file whose row groups the lanes check, each group on one lane. Its events are
/// numbered in advance from the groups' sizes, so they merge in file order whoever checks
/// them: 0 `FileStart`, 1 `FileFindings`, then per group its chunks' outcomes and its profile,
/// then `FileEnd` (sent by the lane that finishes the last group).
struct GroupJob {
    file: usize,
    source: ParquetSource,
    layout: ParquetLayout,
    /// Each group's first event number.
    bases: Vec<u64>,
    /// The `FileEnd` event's number.
    end: u64,
    state: Mutex<GroupState>,
}

#[derive(Debug)]
struct GroupState {
    /// The next group to take.
    next: usize,
    finished: Vec<bool>,
    /// The first group not finished.
    first_unfinished: usize,
    /// Groups finished.
    done: usize,
    /// A group could not be read: its `FileError` ends the file, no more groups are taken.
    failed: bool,
}

impl GroupJob {
    fn new(file: usize, source: ParquetSource, layout: ParquetLayout) -> GroupJob {
        let groups = layout.groups().len();
        let mut bases = Vec::with_capacity(groups);
        let mut seq = 2u64;
        for group in 0..groups {
            bases.push(seq);
            seq += layout.chunks(group) as u64 + 1;
        }
        GroupJob {
            file,
            source,
            layout,
            bases,
            end: seq,
            state: Mutex::new(GroupState {
                next: 0,
                finished: vec![false; groups],
                first_unfinished: 0,
                done: 0,
                failed: false,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, GroupState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Marks `group` finished (`failed`: it ended the file); whether the file's groups are now
    /// all finished and none failed (then the caller sends `FileEnd`).
    fn finish(&self, group: usize, failed: bool) -> bool {
        let mut state = self.lock();
        state.failed |= failed;
        if let Some(done) = state.finished.get_mut(group) {
            *done = true;
        }
        while state.finished.get(state.first_unfinished) == Some(&true) {
            state.first_unfinished += 1;
        }
        state.done += 1;
        state.done == state.finished.len() && !state.failed
    }
}

/// A lane: checks row groups of the Parquet files being read when there are some to take,
/// else reads the next file not yet taken, until there is nothing left.
pub(crate) fn lane(
    plan: &CheckPlan,
    config: &Config,
    formats: &FileFormats,
    work: &LaneWork,
    pool: &BufferPool,
    messages: mpsc::SyncSender<Message>,
) {
    let _farewell = Farewell {
        messages: messages.clone(),
        lane: true,
    };
    // The lane's reader of the Parquet file whose groups it checks (one per lane: readers of
    // one file never share a file offset).
    let mut reader: Option<(usize, ParquetReader)> = None;
    loop {
        if let Some((job, group)) = work.take_group() {
            let go_on = check_group(plan, config, &job, group, &mut reader, pool, &messages);
            work.changed.notify_all();
            if !go_on {
                return;
            }
            continue;
        }
        let index = work.next_file.fetch_add(1, Ordering::Relaxed);
        if index < config.files.len() {
            let mut sink = LaneSink {
                file: index,
                seq: 0,
                messages: &messages,
                pool,
            };
            work.reading.fetch_add(1, Ordering::AcqRel);
            let go_on = read_file(plan, config, formats, index, &mut sink, work);
            work.reading.fetch_sub(1, Ordering::AcqRel);
            work.changed.notify_all();
            if !go_on {
                return;
            }
            continue;
        }
        if !work.wait_for_groups(pool) {
            return;
        }
    }
}

/// Checks row group `group` of `job`'s file, sending its events with their numbers; `false`
/// when the run stopped.
fn check_group(
    plan: &CheckPlan,
    config: &Config,
    job: &GroupJob,
    group: usize,
    reader: &mut Option<(usize, ParquetReader)>,
    pool: &BufferPool,
    messages: &mpsc::SyncSender<Message>,
) -> bool {
    let file = job.file;
    let mut seq = job.bases.get(group).copied().unwrap_or(job.end);
    let send = |seq: u64, event: Event| messages.send(Message::Event { file, seq, event }).is_ok();
    if reader.as_ref().is_none_or(|(f, _)| *f != file) {
        *reader = None;
        match ParquetReader::open(&job.source) {
            Ok(opened) => *reader = Some((file, opened)),
            Err(e) => {
                job.finish(group, true);
                return send(seq, Event::Profile(file, Box::new(Profile::new(plan))))
                    && send(seq + 1, Event::FileError(file, e));
            }
        }
    }
    let Some((_, reader)) = reader.as_ref() else {
        return false;
    };
    let mut profile = Profile::new(plan);
    let mut stopped = false;
    let result = job
        .layout
        .check_group(plan, reader, group, &mut profile, &mut |outcome| {
            // A buffer from the pool, though no record is in it: it bounds how far later files
            // are read ahead of the merge, like any other batch.
            let Some(data) = pool.take(config.limits.batch_bytes, file) else {
                stopped = true;
                return false;
            };
            let batch = Batch {
                seq: 0,
                file,
                data,
                len: 0,
                kind: BatchKind::Records,
                frames: Vec::new(),
            };
            let sent = send(seq, Event::Batch(batch, outcome));
            seq += 1;
            stopped |= !sent;
            sent
        });
    if stopped || !send(seq, Event::Profile(file, Box::new(profile))) {
        return false;
    }
    match result {
        Ok(true) => !job.finish(group, false) || send(job.end, Event::FileEnd(file)),
        Ok(false) => false,
        Err(e) => {
            job.finish(group, true);
            send(seq + 1, Event::FileError(file, e))
        }
    }
}

/// Where a lane puts one file's events.
struct LaneSink<'a> {
    file: usize,
    seq: u64,
    messages: &'a mpsc::SyncSender<Message>,
    pool: &'a BufferPool,
}

impl BatchSink for LaneSink<'_> {
    fn buffer(&mut self, len: usize) -> Option<Vec<u8>> {
        self.pool.take(len, self.file)
    }

    fn batch(&mut self, batch: Batch) -> bool {
        self.messages.send(Message::Read(batch)).is_ok()
    }

    fn next_seq(&mut self) -> u64 {
        let seq = self.seq;
        self.seq += 1;
        seq
    }
}

impl LaneSink<'_> {
    /// Sends a file's event; `false` when the run has stopped.
    fn control(&mut self, event: Event) -> bool {
        let seq = self.next_seq();
        self.messages
            .send(Message::Event {
                file: self.file,
                seq,
                event,
            })
            .is_ok()
    }
}

/// Reads file `index` to its end, sending its events; `false` when the run stopped.
fn read_file(
    plan: &CheckPlan,
    config: &Config,
    formats: &FileFormats,
    index: usize,
    sink: &mut LaneSink<'_>,
    work: &LaneWork,
) -> bool {
    let Some(file) = config.files.get(index) else {
        return true;
    };
    if !sink.control(Event::FileStart(index)) {
        return false;
    }
    let mut input = match Input::open(&file.source) {
        Ok(input) => input,
        Err(e) => return sink.control(Event::FileError(index, e)),
    };
    if file.format == Format::Parquet {
        formats.set(index, Box::new(JsonlFormat));
        return open_parquet(plan, &file.source, index, input, sink, work);
    }
    let mut text_input;
    let input: &mut dyn Read = match file.format {
        Format::Jsonl | Format::Parquet => {
            formats.set(index, Box::new(JsonlFormat));
            &mut input
        }
        Format::Csv | Format::Tsv => {
            match dispatch::open_text(plan, file.format, &mut input, config.limits) {
                Ok(opened) => {
                    formats.set(index, opened.format);
                    let header = Event::FileFindings(opened.findings, opened.header_lines);
                    if !sink.control(header) || !sink.control(Event::Header(opened.header)) {
                        return false;
                    }
                    text_input = io::Cursor::new(opened.rest).chain(input);
                    &mut text_input
                }
                Err(e) => return sink.control(Event::FileError(index, e)),
            }
        }
    };
    // A lane frames what it reads when reading is a copy; a gzip lane's decoding is the
    // slowest stage already, so its checking threads frame its batches.
    let framing = work.frames_batches() && !file.gzip;
    let batcher = Batcher::new(formats.get(index), config.limits, index).framing(framing);
    let event = match batcher.run(input, sink) {
        Ok(Batched::Complete) => Event::FileEnd(index),
        Ok(Batched::Stopped) => return false,
        Err(e) => Event::FileError(index, e),
    };
    sink.control(event)
}

/// Opens Parquet file `index`, sends its schema findings (event 1) and offers its row groups
/// to every lane (see [`GroupJob`]); `false` when the run stopped.
fn open_parquet(
    plan: &CheckPlan,
    source: &crate::files::Source,
    index: usize,
    input: Input,
    sink: &mut LaneSink<'_>,
    work: &LaneWork,
) -> bool {
    let opened = dispatch::parquet_source(source, input)
        .and_then(|source| ParquetReader::open(&source).map(|reader| (source, reader)));
    let (source, reader) = match opened {
        Ok(opened) => opened,
        Err(e) => return sink.control(Event::FileError(index, e)),
    };
    let (layout, findings) = ParquetLayout::map(plan, &reader);
    if !sink.control(Event::FileFindings(findings, 0)) {
        return false;
    }
    let job = GroupJob::new(index, source, layout);
    if job.layout.groups().is_empty() {
        return sink.control(Event::FileEnd(index));
    }
    work.lock().push(Arc::new(job));
    work.changed.notify_all();
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_pool_bounds_buffers_and_holds_back_reading_ahead() {
        let pool = Arc::new(BufferPool::new(2, 16, 100));
        let a = pool.take(16, 0);
        let b = pool.take(32, 0);
        assert_eq!(b.as_ref().map(Vec::len), Some(32));
        // Both out: a third waits until one comes back, cut back to the batch size.
        let waiter = {
            let pool = Arc::clone(&pool);
            std::thread::spawn(move || pool.take(8, 0).map(|b| (b.len(), b.capacity())))
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!waiter.is_finished());
        if let Some(b) = b {
            pool.give(b);
        }
        let got = waiter.join().ok().flatten();
        assert!(
            got.is_some_and(|(len, cap)| len == 16 && cap == 16),
            "{got:?}"
        );
        // A later file is held back while too much of its kind waits, even with buffers free.
        if let Some(a) = a {
            pool.give(a);
        }
        pool.progress(0, 101);
        let ahead = {
            let pool = Arc::clone(&pool);
            std::thread::spawn(move || pool.take(16, 1).is_some())
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!ahead.is_finished());
        let current = pool.take(16, 0);
        assert!(
            current.is_some(),
            "the file being merged is never held back"
        );
        if let Some(buffer) = current {
            pool.give(buffer);
        }
        pool.progress(1, 101);
        assert_eq!(ahead.join().ok(), Some(true));
        // Stopping wakes every waiter with nothing.
        let pool = Arc::new(BufferPool::new(1, 16, 100));
        let _only = pool.take(16, 0);
        let stuck = {
            let pool = Arc::clone(&pool);
            std::thread::spawn(move || pool.take(16, 1))
        };
        pool.stop();
        assert_eq!(stuck.join().ok(), Some(None));
    }
}
