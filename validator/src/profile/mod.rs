//! The per-column profile: what a day's export looked like, column by column, beside the
//! verdicts. A stage of its own between the check plan and the reporters:
//!
//! ```text
//! reader ─ plan.check(field) ─▶ RecordStage::observe (an entry in the column's batch log)
//!        ─ record readable ──▶ Profile::commit (counted; a malformed one is taken back)
//!        ─ end of batch ─────▶ Profile::absorb (logs folded, per worker, per file)
//! engine ─ workers' Profiles merged by file ─▶ output::ProfileReport (per file and the run)
//!        ─ report (JSON "profile", --profile-out, HTML) and drift::compare against a baseline
//! ```
//!
//! A record's fields are logged and count in the file's [`Profile`] only once the record is
//! known to be readable, like the open-enum tally: a record that turns out `malformed` counts in
//! no column. Every statistic is a sum, a minimum or a maximum, so the merge of the workers'
//! profiles does not depend on how records were spread over threads: the profile is
//! byte-identical for every `--jobs`.
//!
//! What each column gets (see [`output`] for the wire form):
//!
//! | column rule | statistics |
//! |---|---|
//! | every column | `records` (readable records in which the column was read: key columns in every one whose `key` is an object or absent (absent reads as nulls), value columns in every one whose `value` was checked (not a delete's)), `nulls` (null or absent), `violations` by code |
//! | `int32`, `int64`, `timestamp`, `meta.ts` | `min`, `max` of the valid values |
//! | `timestamp`, `meta.ts` | `hours`: records per hour (`YYYY-MM-DDThh`, UTC) |
//! | `string` | `max_chars` (Unicode scalar values), `max_bytes` (UTF-8) |
//! | closed enum | a histogram over every member (zeros included), aliases counted as their member |
//! | open enum | the listed members seen and the tracked unlisted values, with counts |
//! | `bool` | `true` and `false` counts |
//!
//! Invalid values count as values (not nulls) and in `violations`, never in a minimum, a
//! maximum, a length or a histogram.

pub mod drift;
pub mod output;

use crate::formats;
use crate::plan::{CheckPlan, Checked, FieldValue, Rule, count_chars};
use crate::summary::OpenEnumTally;
use std::collections::BTreeMap;

/// The name `meta.ts` has in the profile (a column after the table's own).
pub const META_TS: &str = "meta.ts";

/// A payload for an open enum's value that is not a listed member (the tally counts it).
const UNLISTED: u64 = u64::MAX;

/// What the profile keeps of a column's values, decided once per column from its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `int32`, `int64`: minimum and maximum.
    Integer,
    /// `timestamp` and `meta.ts`: minimum, maximum, hours.
    Timestamp,
    /// `string`: longest in characters and bytes.
    Text,
    /// String or integer enum: a histogram by member.
    Enum,
    /// `bool`: a two-bar histogram.
    Bool,
    /// `uuid`, `ip`: counts only.
    Plain,
}

fn kind_of(rule: Option<&Rule>) -> Kind {
    match rule {
        None | Some(Rule::Timestamp) => Kind::Timestamp,
        Some(Rule::Int32 | Rule::Int64) => Kind::Integer,
        Some(Rule::Text { .. }) => Kind::Text,
        Some(Rule::StringEnum { .. } | Rule::IntegerEnum { .. }) => Kind::Enum,
        Some(Rule::Bool) => Kind::Bool,
        Some(Rule::Uuid | Rule::Ip) => Kind::Plain,
    }
}

/// A batch's observations, column by column: for each column a log with an entry per valid
/// value read (a payload: where its text is in the batch, or the number, microseconds,
/// lengths or member it stands for; and the record's number, with a flag for a computed
/// payload). A record that turns out `malformed` is taken back by popping its entries from
/// the logs' ends ([`RecordStage::reset`] does, before the next record; it is rare).
/// [`Profile::commit`] counts a readable record; [`Profile::absorb`] folds each column's log
/// into the profile at the end of the batch, one loop per column with the column's kind fixed,
/// outside the reader's loop. The logs keep their room from batch to batch.
#[derive(Debug, Clone)]
pub struct RecordStage {
    kinds: Vec<Kind>,
    /// Whether each slot is a key column (`meta.ts`, the last, counts as one: it is never a
    /// value column).
    in_key: Vec<bool>,
    /// Valid values, per column.
    logs: Vec<Vec<Entry>>,
    /// Invalid values: column and record number (rare).
    invalid: Vec<(u32, u32)>,
    /// The current record's number within the batch (tags its entries).
    record: u32,
    /// Whether the current record was committed (else [`RecordStage::reset`] takes it back).
    committed: bool,
    /// Whether `key` was an object (its columns were read).
    key_read: bool,
    /// Whether `value` was checked (an upsert whose `value` is an object).
    value_read: bool,
    /// Where the current line starts in the batch (spans are kept relative to the batch).
    line_offset: usize,
    /// Per text column, a length in characters the file's profile already holds: a string of
    /// at most that many bytes cannot raise the maximum, so its characters are not counted.
    chars_known: Vec<u32>,
    /// Timestamps to microseconds, through the last hour seen.
    clock: Clock,
    /// Per integer column, [`integer_key`]s of the file profile's minimum and maximum when
    /// they were read from text: a value whose key lies strictly between cannot move either,
    /// and is not parsed (IDs of one Canvas shard share their first digits, so the whole
    /// literal is compared). [`NO_KEYS`] when unknown (nothing lies between).
    integer_keys: Vec<(IntegerKey, IntegerKey)>,
    /// Whether the plan wants a profile at all (`--no-profile` turns it off).
    enabled: bool,
}

/// An order key of a non-negative integer literal of 8 to 16 digits: its length (JSON has no
/// leading zeros, so a longer literal is larger), then its first and its last eight bytes
/// big-endian (they overlap below 16 digits, which keeps the order: where the first eight are
/// equal, so is the overlap). Literals compare exactly as their keys.
#[inline]
fn integer_key(text: &[u8]) -> Option<IntegerKey> {
    let (head, tail) = (text.first_chunk::<8>()?, text.last_chunk::<8>()?);
    if head[0] == b'-' || text.len() > 16 {
        return None;
    }
    Some((
        text.len() as u64,
        u64::from_be_bytes(*head),
        u64::from_be_bytes(*tail),
    ))
}

/// See [`integer_key`].
type IntegerKey = (u64, u64, u64);

/// No key known: nothing lies strictly between.
const NO_KEYS: (IntegerKey, IntegerKey) = ((u64::MAX, u64::MAX, u64::MAX), (0, 0, 0));

/// One valid value in a column's log: its payload, and its record's number with the
/// [`COMPUTED_ENTRY`] flag.
#[derive(Debug, Clone, Copy)]
struct Entry {
    payload: u64,
    record: u32,
}

/// Records between two folds of the logs ([`RecordStage::absorb_due`]): few enough that the
/// logs (about 20 entries of 16 bytes a `web_logs` record) and the records they point into are
/// still in the core's cache when folded. Folded once per 1 MiB batch, the logs (400 KB) and
/// the batch were read back from memory: the profile took 40% of `--jobs 1`'s wall time for
/// 19% of its instructions; folded every 32 records, 5% in one `cargo xtask bench` run and
/// 9-15% in alternating runs by hand (16: 14%, 128: 13%; this VM is noisy).
pub const ABSORB_EVERY: u32 = 32;

/// An [`Entry`] flag: the payload is computed, not a span of the batch.
const COMPUTED_ENTRY: u32 = 1 << 31;

impl RecordStage {
    /// A stage for `plan`'s columns.
    pub fn new(plan: &CheckPlan) -> RecordStage {
        let slots = plan.columns().len() + 1;
        RecordStage {
            kinds: (0..slots)
                .map(|c| kind_of(plan.columns().get(c).map(|c| &c.rule)))
                .collect(),
            in_key: (0..slots)
                .map(|c| plan.columns().get(c).is_none_or(|c| c.in_key))
                .collect(),
            logs: vec![Vec::new(); slots],
            invalid: Vec::new(),
            record: 0,
            committed: true,
            key_read: false,
            value_read: false,
            line_offset: 0,
            chars_known: vec![0; slots],
            clock: Clock {
                hour_text: (0, 0),
                hour_start: i64::MIN,
            },
            integer_keys: vec![NO_KEYS; slots],
            enabled: plan.profiles(),
        }
    }

    /// Starts a record, first taking back the entries of the last one if it was not committed
    /// (it was `malformed`).
    #[inline]
    pub fn reset(&mut self) {
        if !self.enabled {
            return;
        }
        if !self.committed {
            self.take_back();
        }
        self.record = self.record.wrapping_add(1) & !COMPUTED_ENTRY;
        self.committed = false;
        self.key_read = false;
        self.value_read = false;
    }

    /// Takes back what the current record's value columns logged (a `value` walked before
    /// `meta` said the record is a delete, whose `value` is not checked).
    pub fn forget_value_columns(&mut self) {
        if !self.enabled {
            return;
        }
        let record = self.record;
        for (log, in_key) in self.logs.iter_mut().zip(&self.in_key) {
            if *in_key {
                continue;
            }
            while log
                .last()
                .is_some_and(|e| e.record & !COMPUTED_ENTRY == record)
            {
                log.pop();
            }
        }
        let in_key = &self.in_key;
        self.invalid
            .retain(|&(c, r)| r != record || in_key.get(c as usize).copied().unwrap_or(true));
        self.value_read = false;
    }

    /// Pops the current record's entries from every log.
    #[cold]
    fn take_back(&mut self) {
        let record = self.record;
        for log in &mut self.logs {
            while log
                .last()
                .is_some_and(|e| e.record & !COMPUTED_ENTRY == record)
            {
                log.pop();
            }
        }
        while self.invalid.last().is_some_and(|&(_, r)| r == record) {
            self.invalid.pop();
        }
        self.committed = true;
    }

    /// Whether [`Profile::absorb`] should fold the logs now (between records): every
    /// [`ABSORB_EVERY`] records.
    #[inline]
    pub fn absorb_due(&self) -> bool {
        self.record >= ABSORB_EVERY
    }

    /// Where the next line starts in the batch (the JSONL reader's spans are relative to it).
    #[inline]
    pub fn set_line_offset(&mut self, offset: usize) {
        self.line_offset = offset;
    }

    /// Forgets what the previous file's profile held (the stage moves to another file).
    pub fn new_file(&mut self) {
        self.chars_known.fill(0);
        self.integer_keys.fill(NO_KEYS);
    }

    /// Marks which sections of the record were read.
    #[inline]
    pub fn sections(&mut self, key: bool, value: bool) {
        self.key_read |= key;
        self.value_read |= value;
    }

    /// Records column `column`'s value and what its check said.
    #[inline(always)]
    pub fn observe(
        &mut self,
        plan: &CheckPlan,
        column: usize,
        value: FieldValue<'_>,
        checked: Checked,
    ) {
        self.observe_at(plan, column, value, checked, None);
    }

    /// [`RecordStage::observe`] of a value whose text is `line[start..end]` when `in_line` says
    /// so (the JSONL walker's plain strings and integers): then only where it is is kept, and
    /// the text is read when the batch is absorbed, out of the walker's loop.
    #[inline(always)]
    pub fn observe_at(
        &mut self,
        plan: &CheckPlan,
        column: usize,
        value: FieldValue<'_>,
        checked: Checked,
        in_line: Option<(usize, usize)>,
    ) {
        if !self.enabled || matches!(value, FieldValue::Null) {
            return;
        }
        let r = self.record;
        let entry = match (checked, in_line) {
            (Checked::Invalid, _) => {
                self.invalid.push((column as u32, r));
                return;
            }
            (Checked::Member(id), _) => Entry {
                payload: u64::from(id),
                record: r | COMPUTED_ENTRY,
            },
            (Checked::OpenEnumValue(_), _) => Entry {
                payload: UNLISTED,
                record: r | COMPUTED_ENTRY,
            },
            (_, Some((start, end))) if !matches!(value, FieldValue::Bool(_)) => {
                let (start, end) = (self.line_offset + start, self.line_offset + end);
                Entry {
                    payload: ((start as u64) << 32) | (end as u64 & 0xFFFF_FFFF),
                    record: r,
                }
            }
            _ => Entry {
                payload: self.compute(plan, column, value),
                record: r | COMPUTED_ENTRY,
            },
        };
        if let Some(log) = self.logs.get_mut(column) {
            log.push(entry);
        }
    }

    /// The payload of a value not read from the batch: the number, microseconds, lengths or
    /// member it stands for.
    #[inline(never)]
    fn compute(&mut self, plan: &CheckPlan, column: usize, value: FieldValue<'_>) -> u64 {
        match (self.kinds.get(column), value) {
            (Some(Kind::Integer), FieldValue::Integer(text)) => {
                formats::small_integer(text).unwrap_or_default() as u64
            }
            (Some(Kind::Timestamp), FieldValue::String(text)) => self.micros(text) as u64,
            (Some(Kind::Text), FieldValue::String(text)) => {
                text_payload(text, self.chars_known.get(column).copied().unwrap_or(0))
            }
            (Some(Kind::Enum), _) => member_of(plan, column, value),
            (Some(Kind::Bool), FieldValue::Bool(b)) => u64::from(b),
            _ => 0,
        }
    }

    /// Records `meta.ts` (`valid`: it passed its check).
    #[inline]
    pub fn observe_meta_ts(&mut self, value: FieldValue<'_>, valid: bool) {
        if !self.enabled || value == FieldValue::Null {
            return;
        }
        let slot = self.kinds.len() - 1;
        match value {
            FieldValue::String(text) if valid => {
                let entry = Entry {
                    payload: self.micros(text) as u64,
                    record: self.record | COMPUTED_ENTRY,
                };
                if let Some(log) = self.logs.get_mut(slot) {
                    log.push(entry);
                }
            }
            _ => self.invalid.push((slot as u32, self.record)),
        }
    }

    /// A valid timestamp's microseconds, through the cached hour when it is the same.
    #[inline]
    fn micros(&mut self, text: &[u8]) -> i64 {
        self.clock.micros(text)
    }
}

/// Timestamps to microseconds through the last hour seen: its text `YYYY-MM-DDThh` (two
/// overlapping words) and its first microsecond. Timestamps of neighbouring records mostly
/// share the hour, and the rest of a timestamp is read without calendar arithmetic.
#[derive(Debug, Clone)]
struct Clock {
    hour_text: (u64, u64),
    hour_start: i64,
}

impl Clock {
    #[inline]
    fn micros(&mut self, text: &[u8]) -> i64 {
        let (Some(head), Some(hour)) = (text.first_chunk::<8>(), text.get(5..13)) else {
            return 0;
        };
        let mut word = [0u8; 8];
        word.copy_from_slice(hour);
        let key = (u64::from_le_bytes(*head), u64::from_le_bytes(word));
        if key != self.hour_text || self.hour_start == i64::MIN {
            let micros = formats::timestamp_micros(text).unwrap_or_default();
            self.hour_text = key;
            self.hour_start = micros - micros.rem_euclid(3_600_000_000);
            return micros;
        }
        // mm:ss after the hour, from the word "hh:mm:ss" (bytes 11..19; every byte is at least
        // '0', so subtracting '0' from each never borrows from the next).
        let Some(time) = text.get(11..19).and_then(|t| t.first_chunk::<8>()) else {
            return self.hour_start;
        };
        let t = u64::from_le_bytes(*time).wrapping_sub(0x3030_3030_3030_3030);
        let digit = |i: u32| ((t >> (8 * i)) & 0xFF) as i64;
        let mut micros = ((digit(3) * 10 + digit(4)) * 60 + digit(6) * 10 + digit(7)) * 1_000_000;
        // The fraction's digits (0 to 6, between the '.' and the 'Z'), scaled to six: DAP's six
        // as one word ("s.ffffff", bytes 18..26, the first two masked to '0'), others by digit.
        match text.len() {
            27 => {
                if let Some(w) = text.get(18..26).and_then(|w| w.first_chunk::<8>()) {
                    let w = (u64::from_le_bytes(*w) & !0xFFFF) | 0x3030;
                    micros += formats::eight_digits(w) as i64;
                }
            }
            n if n > 21 => {
                let digits = text.get(20..n - 1).unwrap_or_default();
                let fraction = digits
                    .iter()
                    .fold(0i64, |v, b| v * 10 + i64::from(b.wrapping_sub(b'0')));
                const SCALE: [i64; 7] = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];
                micros += fraction * SCALE.get(digits.len()).copied().unwrap_or(0);
            }
            _ => {}
        }
        self.hour_start + micros
    }
}

/// A string's bytes and, when it is longer in bytes than `known` characters, its characters.
#[inline]
fn text_payload(text: &[u8], known: u32) -> u64 {
    let bytes = u32::try_from(text.len()).unwrap_or(u32::MAX);
    // Bytes bound characters from above: only a longer string can raise the maximum.
    let chars = if bytes <= known {
        0
    } else {
        u32::try_from(count_chars(text)).unwrap_or(u32::MAX)
    };
    u64::from(bytes) | (u64::from(chars) << 32)
}

/// An enum value's member index (or [`UNLISTED`]).
#[inline(never)]
fn member_of(plan: &CheckPlan, column: usize, value: FieldValue<'_>) -> u64 {
    match (plan.columns().get(column).map(|c| &c.rule), value) {
        (Some(Rule::StringEnum { members, .. }), FieldValue::String(text)) => {
            members.get(text).map_or(UNLISTED, |id| id as u64)
        }
        (Some(Rule::IntegerEnum { members, .. }), FieldValue::Integer(text)) => {
            formats::parse_i64(text)
                .and_then(|v| members.binary_search(&v).ok())
                .map_or(UNLISTED, |i| i as u64)
        }
        _ => UNLISTED,
    }
}

/// Records per hour (hours since the Unix epoch, UTC): a dense window around the first hour
/// seen (an export covers a day or a few, so almost every count is an array increment) and a
/// sorted map for the hours outside it.
#[derive(Debug, Clone, Default)]
pub struct Hours {
    base: i64,
    dense: Vec<u64>,
    sparse: BTreeMap<i64, u64>,
}

/// Equal when they count the same hours (wherever the window happens to be).
impl PartialEq for Hours {
    fn eq(&self, other: &Hours) -> bool {
        self.sorted() == other.sorted()
    }
}

impl Eq for Hours {}

/// Hours in the dense window (64 days).
const WINDOW: usize = 24 * 64;

impl Hours {
    /// Counts `n` records in `hour`.
    #[inline]
    pub fn add(&mut self, hour: i64, n: u64) {
        if self.dense.is_empty() {
            self.base = hour.saturating_sub(WINDOW as i64 / 2);
            self.dense = vec![0; WINDOW];
        }
        let index = usize::try_from(hour.wrapping_sub(self.base)).unwrap_or(usize::MAX);
        match self.dense.get_mut(index) {
            Some(count) => *count += n,
            None => *self.sparse.entry(hour).or_insert(0) += n,
        }
    }

    /// Every hour with records, in order.
    pub fn sorted(&self) -> BTreeMap<i64, u64> {
        let mut all = self.sparse.clone();
        for (offset, &n) in self.dense.iter().enumerate() {
            if n > 0 {
                *all.entry(self.base + offset as i64).or_insert(0) += n;
            }
        }
        all
    }

    fn merge(&mut self, other: &Hours) {
        for (hour, n) in other.sorted() {
            self.add(hour, n);
        }
    }
}

/// The statistics of one column (or `meta.ts`) over some records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnStats {
    /// Valid values (not null).
    pub values: u64,
    /// Invalid values (not null, broke a rule).
    pub invalid: u64,
    /// Valid values' smallest and largest (integers; timestamps in microseconds).
    pub range: Option<(i64, i64)>,
    /// The longest valid string, in characters and in bytes.
    pub max_chars: u32,
    /// See `max_chars`.
    pub max_bytes: u32,
    /// Per member (closed and open enums), or `[false, true]` for a bool.
    pub counts: Vec<u64>,
    /// Open-enum values that are not listed members (their values are in the tally).
    pub unlisted: u64,
    /// Records per hour (timestamp columns and `meta.ts`).
    pub hours: Hours,
}

impl ColumnStats {
    fn merge(&mut self, other: &ColumnStats) {
        self.values += other.values;
        self.invalid += other.invalid;
        self.range = match (self.range, other.range) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (a, b) => a.or(b),
        };
        self.max_chars = self.max_chars.max(other.max_chars);
        self.max_bytes = self.max_bytes.max(other.max_bytes);
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.unlisted += other.unlisted;
        self.hours.merge(&other.hours);
    }

    #[inline]
    fn widen(&mut self, v: i64) {
        self.range = Some(match self.range {
            Some((lo, hi)) => (lo.min(v), hi.max(v)),
            None => (v, v),
        });
    }
}

/// The profile of the records of one file seen by one thread (or, merged, by all of them).
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Readable records.
    pub records: u64,
    /// Of those, records whose `key` columns were read.
    pub key_records: u64,
    /// Of those, records whose `value` columns were read.
    pub value_records: u64,
    /// One per table column, then `meta.ts`.
    pub columns: Vec<ColumnStats>,
    /// Unlisted open-enum values, by tally slot.
    pub tally: OpenEnumTally,
}

impl Profile {
    /// An empty profile of `plan`'s columns.
    pub fn new(plan: &CheckPlan) -> Profile {
        let columns = plan
            .columns()
            .iter()
            .map(|c| ColumnStats {
                counts: match &c.rule {
                    Rule::StringEnum { members, .. } => {
                        vec![0; members.ids().max().map_or(0, |m| m + 1)]
                    }
                    Rule::IntegerEnum { members, .. } => vec![0; members.len()],
                    Rule::Bool => vec![0; 2],
                    _ => Vec::new(),
                },
                ..ColumnStats::default()
            })
            .chain([ColumnStats::default()])
            .collect();
        Profile {
            records: 0,
            key_records: 0,
            value_records: 0,
            columns,
            tally: OpenEnumTally::new(plan.open_enum_columns().len()),
        }
    }

    /// Counts one readable record (its entries stay in the journal until
    /// [`Profile::absorb`]); a record never committed is taken back by the next
    /// [`RecordStage::reset`].
    #[inline]
    pub fn commit(&mut self, stage: &mut RecordStage) {
        if !stage.enabled {
            return;
        }
        stage.committed = true;
        self.records += 1;
        self.key_records += u64::from(stage.key_read);
        self.value_records += u64::from(stage.value_read);
    }

    /// Folds a batch's logs into the profile (`batch`: the bytes the JSONL spans point into;
    /// empty for the other formats) and empties them: one loop per column, its kind fixed.
    pub fn absorb(&mut self, stage: &mut RecordStage, batch: &[u8]) {
        if !stage.committed {
            stage.take_back();
        }
        for (c, _) in stage.invalid.drain(..) {
            if let Some(stats) = self.columns.get_mut(c as usize) {
                stats.invalid += 1;
            }
        }
        let text_of = |e: &Entry| -> Option<&[u8]> {
            if e.record & COMPUTED_ENTRY != 0 {
                return None;
            }
            batch.get((e.payload >> 32) as usize..(e.payload & 0xFFFF_FFFF) as usize)
        };
        let columns = self
            .columns
            .iter_mut()
            .zip(&mut stage.logs)
            .zip(&stage.kinds);
        for (c, ((stats, log), &kind)) in columns.enumerate() {
            stats.values += log.len() as u64;
            match kind {
                Kind::Plain => {}
                Kind::Enum | Kind::Bool => {
                    for e in log.iter() {
                        match stats.counts.get_mut(e.payload as usize) {
                            Some(n) if e.payload != UNLISTED => *n += 1,
                            _ => stats.unlisted += 1,
                        }
                    }
                }
                Kind::Integer => {
                    let Some(keys) = stage.integer_keys.get_mut(c) else {
                        continue;
                    };
                    for e in log.iter() {
                        let Some(t) = text_of(e) else {
                            let before = stats.range;
                            stats.widen(e.payload as i64);
                            if stats.range != before {
                                *keys = NO_KEYS;
                            }
                            continue;
                        };
                        let key = integer_key(t);
                        if key.is_some_and(|k| keys.0 < k && k < keys.1) {
                            continue;
                        }
                        let before = stats.range;
                        stats.widen(formats::small_integer(t).unwrap_or_default());
                        // A new minimum or maximum read from text gives its key.
                        match (stats.range, key) {
                            (Some((lo, hi)), Some(k)) => {
                                if before.is_none_or(|(l, _)| lo < l) {
                                    keys.0 = k;
                                }
                                if before.is_none_or(|(_, h)| hi > h) {
                                    keys.1 = k;
                                }
                            }
                            _ if stats.range != before => *keys = NO_KEYS,
                            _ => {}
                        }
                    }
                }
                Kind::Timestamp => {
                    for e in log.iter() {
                        let micros = match text_of(e) {
                            Some(t) => stage.clock.micros(t),
                            None => e.payload as i64,
                        };
                        stats.widen(micros);
                        stats.hours.add(micros.div_euclid(3_600_000_000), 1);
                    }
                }
                Kind::Text => {
                    for e in log.iter() {
                        let payload = match text_of(e) {
                            Some(t) => text_payload(t, stats.max_chars),
                            None => e.payload,
                        };
                        stats.max_bytes = stats.max_bytes.max(payload as u32);
                        stats.max_chars = stats.max_chars.max((payload >> 32) as u32);
                    }
                    if let Some(known) = stage.chars_known.get_mut(c) {
                        *known = stats.max_chars;
                    }
                }
            }
            log.clear();
        }
        stage.record = 0;
    }

    /// Records in which column `column` (`meta.ts` after the table's) was read.
    pub fn records_of(&self, plan: &CheckPlan, column: usize) -> u64 {
        match plan.columns().get(column) {
            Some(c) if c.in_key => self.key_records,
            Some(_) => self.value_records,
            None => self.records,
        }
    }

    /// Adds another profile of the same plan.
    pub fn merge(&mut self, other: Profile) {
        self.records += other.records;
        self.key_records += other.key_records;
        self.value_records += other.value_records;
        if self.columns.len() < other.columns.len() {
            self.columns
                .resize_with(other.columns.len(), ColumnStats::default);
        }
        for (mine, theirs) in self.columns.iter_mut().zip(&other.columns) {
            mine.merge(theirs);
        }
        self.tally.merge(other.tally);
    }
}

/// A thread's profiles, one per file it checked records of; merged across threads by file.
#[derive(Debug, Default)]
pub struct FileProfiles {
    /// By file index.
    pub files: BTreeMap<usize, Profile>,
}

impl FileProfiles {
    /// Adds another thread's (or the reading thread's) profiles.
    pub fn merge(&mut self, other: FileProfiles) {
        for (file, profile) in other.files {
            match self.files.get_mut(&file) {
                Some(mine) => mine.merge(profile),
                None => {
                    self.files.insert(file, profile);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Findings, web_logs_plan};

    fn column(plan: &CheckPlan, name: &str) -> usize {
        plan.columns()
            .iter()
            .position(|c| &*c.name == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// Observes one value in a fresh record with both sections read and commits it.
    fn feed(
        plan: &CheckPlan,
        profile: &mut Profile,
        stage: &mut RecordStage,
        name: &str,
        v: FieldValue<'_>,
    ) {
        stage.reset();
        stage.sections(true, true);
        let c = column(plan, name);
        let checked = plan.check(c, v, &mut Findings::default());
        stage.observe(plan, c, v, checked);
        profile.commit(stage);
        profile.absorb(stage, &[]);
    }

    #[test]
    fn statistics_by_rule_and_boundaries() {
        let plan = web_logs_plan();
        let mut profile = Profile::new(&plan);
        let mut stage = RecordStage::new(&plan);
        // Strings: 255 two-byte characters (510 bytes), then a longer ASCII one of fewer chars.
        let wide = "é".repeat(255);
        feed(
            &plan,
            &mut profile,
            &mut stage,
            "user_agent",
            FieldValue::String(wide.as_bytes()),
        );
        feed(
            &plan,
            &mut profile,
            &mut stage,
            "user_agent",
            FieldValue::String(b"ab"),
        );
        let ua = &profile.columns[column(&plan, "user_agent")];
        assert_eq!(
            (ua.max_chars, ua.max_bytes, ua.values, ua.invalid),
            (255, 510, 2, 0)
        );
        // 256 characters: a violation, not a length.
        let long = "x".repeat(256);
        feed(
            &plan,
            &mut profile,
            &mut stage,
            "user_agent",
            FieldValue::String(long.as_bytes()),
        );
        let ua = &profile.columns[column(&plan, "user_agent")];
        assert_eq!(
            (ua.max_chars, ua.max_bytes, ua.values, ua.invalid),
            (255, 510, 2, 1)
        );
        // Integers: int64 extremes; int32 max + 1 is out of range and widens nothing.
        for text in ["-9223372036854775808", "9223372036854775807", "7"] {
            feed(
                &plan,
                &mut profile,
                &mut stage,
                "user_id",
                FieldValue::Integer(text.as_bytes()),
            );
        }
        assert_eq!(
            profile.columns[column(&plan, "user_id")].range,
            Some((i64::MIN, i64::MAX))
        );
        // Nulls (every other column of these one-column records is null too).
        let user_id = column(&plan, "user_id");
        let nulls = |p: &Profile| {
            let c = &p.columns[user_id];
            p.records_of(&plan, user_id) - c.values - c.invalid
        };
        let before = nulls(&profile);
        feed(&plan, &mut profile, &mut stage, "user_id", FieldValue::Null);
        assert_eq!(nulls(&profile), before + 1);
        feed(
            &plan,
            &mut profile,
            &mut stage,
            "user_id",
            FieldValue::Integer(b"1"),
        );
        assert_eq!(nulls(&profile), before + 1);
        // A closed enum: an alias counts as its member; an unlisted value is a violation.
        feed(
            &plan,
            &mut profile,
            &mut stage,
            "http_method",
            FieldValue::String(b"GET"),
        );
        feed(
            &plan,
            &mut profile,
            &mut stage,
            "http_method",
            FieldValue::String(b"BREW"),
        );
        let m = &profile.columns[column(&plan, "http_method")];
        assert_eq!(m.counts.iter().sum::<u64>(), 1);
        assert_eq!(m.unlisted, 0);
        // Timestamps: minimum, maximum and hours.
        for t in [
            "2026-12-04T23:59:59.999999Z",
            "2026-12-05T00:00:00Z",
            "2026-12-05T00:30:00Z",
        ] {
            feed(
                &plan,
                &mut profile,
                &mut stage,
                "timestamp",
                FieldValue::String(t.as_bytes()),
            );
        }
        let ts = &profile.columns[column(&plan, "timestamp")];
        let (lo, hi) = ts.range.unwrap_or_default();
        assert_eq!(formats::format_micros(lo), "2026-12-04T23:59:59.999999Z");
        assert_eq!(formats::format_micros(hi), "2026-12-05T00:30:00Z");
        let hours: Vec<(String, u64)> = ts
            .hours
            .sorted()
            .into_iter()
            .map(|(h, n)| (formats::format_hour(h), n))
            .collect();
        assert_eq!(
            hours,
            [
                ("2026-12-04T23".to_owned(), 1),
                ("2026-12-05T00".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn merged_halves_equal_the_whole_and_hours_outside_the_window_count() {
        let plan = web_logs_plan();
        let c = column(&plan, "timestamp");
        let stamps: Vec<String> = (0..400)
            .map(|i| formats::format_micros(i64::from(i) * 7 * 86_400_000_000 / 3))
            .collect();
        let run = |items: &[String]| {
            let mut p = Profile::new(&plan);
            let mut stage = RecordStage::new(&plan);
            for t in items {
                stage.reset();
                stage.sections(true, true);
                stage.observe(&plan, c, FieldValue::String(t.as_bytes()), Checked::Valid);
                p.commit(&mut stage);
                p.absorb(&mut stage, &[]);
            }
            p
        };
        let whole = run(&stamps);
        let (a, b) = stamps.split_at(123);
        let mut halves = run(b);
        halves.merge(run(a));
        assert_eq!(whole.columns, halves.columns);
        assert_eq!(whole.columns[c].hours.sorted().values().sum::<u64>(), 400);
        assert_eq!(whole.columns[c].hours.sorted().len(), 400);
    }

    #[test]
    fn sections_not_read_are_not_counted() {
        let plan = web_logs_plan();
        let mut profile = Profile::new(&plan);
        let mut stage = RecordStage::new(&plan);
        // A delete: key read, value not.
        stage.reset();
        stage.sections(true, false);
        profile.commit(&mut stage);
        profile.absorb(&mut stage, &[]);
        let id = column(&plan, "id");
        assert_eq!(profile.records_of(&plan, id), 1);
        assert_eq!(profile.columns[id].values, 0);
        assert_eq!(profile.records_of(&plan, column(&plan, "user_agent")), 0);
        assert_eq!(profile.records_of(&plan, plan.columns().len()), 1);
    }

    /// Integers read from the batch by span, the skip of those strictly between the minimum and
    /// maximum included, give the plain minimum and maximum; a record never committed counts
    /// in nothing.
    #[test]
    fn spans_skips_and_taken_back_records_give_exact_ranges() {
        let plan = web_logs_plan();
        let c = column(&plan, "user_id");
        let mut numbers: Vec<String> = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..3000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = match i % 5 {
                0 => format!("{}", 170_000_000_000_000 + x % 1_000_000_000),
                1 => format!("{}", x % 100_000_000),
                2 => format!("-{}", x % 1_000_000_000_000),
                3 => format!("{}", x % 10_000_000_000_000_000),
                _ => format!("{}", 170_000_000_000_000 + x % 1000),
            };
            numbers.push(n);
        }
        let batch: String = numbers.iter().map(|n| format!("{n}\n")).collect();
        let mut stage = RecordStage::new(&plan);
        let mut profile = Profile::new(&plan);
        let mut offset = 0;
        let mut want: Option<(i64, i64)> = None;
        for (i, n) in numbers.iter().enumerate() {
            stage.set_line_offset(offset);
            stage.reset();
            stage.sections(true, true);
            let value = FieldValue::Integer(n.as_bytes());
            stage.observe_at(&plan, c, value, Checked::Valid, Some((0, n.len())));
            // Every seventh record is malformed: never committed.
            if i % 7 != 3 {
                profile.commit(&mut stage);
                let v: i64 = n.parse().unwrap_or_default();
                want = Some(want.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
            }
            offset += n.len() + 1;
            if i % 500 == 499 {
                profile.absorb(&mut stage, batch.as_bytes());
                assert_eq!(profile.columns[c].range, want, "after {i}");
            }
        }
        profile.absorb(&mut stage, batch.as_bytes());
        assert_eq!(profile.columns[c].range, want);
        let committed = (0..numbers.len()).filter(|i| i % 7 != 3).count() as u64;
        assert_eq!(profile.columns[c].values, committed);
        assert_eq!(profile.records, committed);
    }

    /// The hour cache gives exactly the calendar's microseconds, whatever came before: same
    /// hour, next hour, same minute of another day, every fraction length.
    #[test]
    fn timestamps_through_the_hour_cache_equal_the_calendar() {
        let plan = web_logs_plan();
        let mut stage = RecordStage::new(&plan);
        let mut stamps = Vec::new();
        for day in [
            "2026-12-04",
            "2026-12-05",
            "2027-01-05",
            "0001-01-01",
            "9999-12-31",
        ] {
            for hour in ["00", "01", "23"] {
                for rest in ["00:00", "59:59", "30:07"] {
                    for fraction in [
                        "", ".1", ".12", ".123", ".1234", ".12345", ".123456", ".999999",
                        ".000001", ".9",
                    ] {
                        stamps.push(format!("{day}T{hour}:{rest}{fraction}Z"));
                    }
                }
            }
        }
        let mut order = stamps.clone();
        order.extend(stamps.iter().rev().cloned());
        for t in &order {
            let want = formats::timestamp_micros(t.as_bytes());
            assert_eq!(Some(stage.micros(t.as_bytes())), want, "{t}");
        }
    }
}
