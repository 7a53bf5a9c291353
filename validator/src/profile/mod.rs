//! The per-column profile: what a day's export looked like, column by column, beside the
//! verdicts. A stage of its own between the check plan and the reporters:
//!
//! ```text
//! reader ─ plan.check(field) ─▶ RecordStage::observe* (counted in the stage's column, undoable)
//!        ─ record readable ──▶ Profile::commit (counted; a malformed one is taken back)
//!        ─ end of batch ─────▶ Profile::absorb (counts moved, per worker, per file)
//! engine ─ workers' Profiles merged by file ─▶ output::ProfileReport (per file and the run)
//!        ─ report (JSON "profile", --profile-out, HTML) and drift::compare against a baseline
//! ```
//!
//! A record's fields count in the file's [`Profile`] only if the record is readable, like the
//! open-enum tally: a record that turns out `malformed` is taken back from the stage and counts
//! in no column. Every statistic is a sum, a minimum or a maximum, so the merge of the workers'
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
use crate::plan::{CheckPlan, Checked, FieldValue, Rule, Typed, count_chars};
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

/// What the reader saw of the current file since the last fold, column by column, kept
/// directly: counts, the histogram, the range, the lengths, runs of hours. A record that turns
/// out `malformed` must count in nothing, and only ever the current record is taken back
/// (it is known readable or not before the next one starts; each column appears once in a
/// record, a second time being a duplicate member and so `malformed`): so each column keeps
/// what it was before the current record changed it (`Saved`), and [`RecordStage::reset`]
/// of the next record or [`Profile::absorb`] restores the columns stamped with its number if the
/// record was never committed. A committed record costs nothing more. Counts are folded into
/// the file's [`Profile`] once per batch ([`Profile::absorb`]); the range and the lengths stay
/// (a minimum folded twice is the same minimum), so a value inside them moves nothing and is
/// neither parsed nor counted in characters.
///
/// Before this, every value was logged per column and the logs folded every 32 records: 116M
/// instructions on 100,000 `web_logs` records (15% of the validation), most of it the log.
#[derive(Debug, Clone)]
pub struct RecordStage {
    columns: Vec<StageColumn>,
    /// The current record's number (from 1): a column it changed holds it in
    /// [`StageColumn::record`], and [`StageColumn::saved`] undoes the change. A store per
    /// value, where a list or a bitset of the changed columns cost a load and a store more.
    record: u64,
    /// Whether the current record was committed (else it is taken back).
    committed: bool,
    /// Whether `key` was an object (its columns were read).
    key_read: bool,
    /// Whether `value` was checked (an upsert whose `value` is an object).
    value_read: bool,
    /// Timestamps to microseconds, through the last hour seen.
    clock: Clock,
    /// Whether the plan wants a profile at all (`--no-profile` turns it off).
    enabled: bool,
}

/// One column's (or `meta.ts`'s) statistics in the stage.
#[derive(Debug, Clone)]
struct StageColumn {
    kind: Kind,
    /// A key column (`meta.ts` counts as one: it is never a value column).
    in_key: bool,
    /// Valid values since the fold.
    values: u64,
    /// Invalid values since the fold.
    invalid: u64,
    /// Per member (enums) or `[false, true]`, since the fold.
    counts: Vec<u64>,
    /// Unlisted open-enum values since the fold.
    unlisted: u64,
    /// The file's range (integers, timestamps), kept across folds.
    known: KnownRange,
    /// The file's longest strings (bytes, characters), kept across folds.
    max_bytes: u32,
    /// See `max_bytes`.
    max_chars: u32,
    /// Timestamps: the current run of records in one hour, and the runs before it since the
    /// fold.
    run: Run,
    /// See `run`.
    runs: Vec<Run>,
    /// What the last record that changed the column (number `record`) changed, to undo it.
    saved: Saved,
    /// See `saved`.
    record: u64,
}

impl StageColumn {
    /// Keeps a counted text value's length, `bytes` and `chars()` characters, if it is the
    /// longest yet (`chars` is called only then: a text no longer in bytes than the longest in
    /// characters changes neither).
    #[inline]
    fn lengths(&mut self, bytes: usize, chars: impl FnOnce() -> usize) {
        if bytes > self.max_chars as usize {
            self.saved = Saved::Lengths(self.max_bytes, self.max_chars);
            let bytes = u32::try_from(bytes).unwrap_or(u32::MAX);
            let chars = u32::try_from(chars()).unwrap_or(u32::MAX);
            self.max_bytes = self.max_bytes.max(bytes);
            self.max_chars = self.max_chars.max(chars);
        }
    }

    /// Counts a valid value of record `record` that changes nothing else (yet: the caller may
    /// set `saved` to what else it changes).
    #[inline(always)]
    fn count(&mut self, record: u64) {
        self.record = record;
        self.values += 1;
        self.saved = Saved::Count;
    }

    /// Counts a timestamp of `hour` in the runs, starting one when the hour changed, and
    /// saves the range (which the caller may widen) for the undo.
    #[inline]
    fn enter_run(&mut self, hour: i64) {
        let started = self.run.hour != hour;
        self.saved = Saved::Stamp(self.known.range, started);
        if started {
            self.runs.push(self.run);
            self.run = Run { hour, ..Run::NONE };
        }
        self.run.count += 1;
    }
}

/// What a record changed in a column beyond one in `values` (or `invalid`), to undo it.
#[derive(Debug, Clone, Copy)]
enum Saved {
    /// Only the count.
    Count,
    /// An invalid value (counted in `invalid`, not `values`).
    Invalid,
    /// A member's count (or `unlisted`, for [`UNLISTED`]).
    Member(u64),
    /// The range, which was this.
    Range(KnownRange),
    /// The lengths, which were these (bytes, characters).
    Lengths(u32, u32),
    /// A six-digit timestamp in the current run: the run's tails before.
    Tail(u128, u128),
    /// Any other timestamp: the range before, and whether it started a run.
    Stamp(Option<(i64, i64)>, bool),
}

/// Records of one timestamp column in one hour, in a row. The least and greatest of the
/// timestamps written as DAP writes them (`YYYY-MM-DDThh:mm:ss.ffffffZ`, 27 bytes) are kept as
/// [`tail_key`]s, compared as text and turned into microseconds only when the run is folded:
/// a timestamp costs two words and two comparisons, not a conversion. Others go to the range
/// directly.
#[derive(Debug, Clone, Copy)]
struct Run {
    hour: i64,
    count: u64,
    /// Least and greatest tail key (`lo > hi`: none).
    lo: u128,
    hi: u128,
}

impl Run {
    const NONE: Run = Run {
        hour: i64::MIN,
        count: 0,
        lo: u128::MAX,
        hi: 0,
    };

    /// Counts the run in `hours` and its least and greatest timestamps in `range`.
    fn fold(&self, hours: &mut Hours, range: &mut Option<(i64, i64)>) {
        if self.count > 0 {
            hours.add(self.hour, self.count);
        }
        if self.lo <= self.hi {
            let start = self.hour.saturating_mul(MICROS_PER_HOUR);
            for tail in [self.lo, self.hi] {
                let v = start + tail_micros(tail);
                *range = Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
            }
        }
    }
}

/// The order key of a valid timestamp of 27 bytes (six fraction digits) within its hour: bytes
/// 11..27 (`hh:mm:ss.ffffffZ`) big-endian, which compare as the times do.
#[inline(always)]
fn tail_key(text: &[u8]) -> Option<u128> {
    let text: &[u8; 27] = text.try_into().ok()?;
    let (_, tail) = text.split_at(11);
    Some(u128::from_be_bytes(*tail.first_chunk::<16>()?))
}

/// Microseconds after the hour of a [`tail_key`].
fn tail_micros(tail: u128) -> i64 {
    let b = tail.to_be_bytes();
    let d = |i: usize| i64::from(b.get(i).copied().unwrap_or(b'0').wrapping_sub(b'0'));
    let fraction = (9..15).fold(0, |v, i| v * 10 + d(i));
    ((d(3) * 10 + d(4)) * 60 + d(6) * 10 + d(7)) * 1_000_000 + fraction
}

/// An order key of a non-negative integer literal of 8 to 16 digits: its first and its last
/// eight bytes big-endian (they overlap below 16 digits, which keeps the order: where the first
/// eight are equal, so is the overlap), with the first digit's high nibble (always `3`) replaced
/// by the length less eight, so that a longer literal is larger (JSON has no leading zeros).
/// Literals compare exactly as their keys. IDs of one Canvas shard share their first digits,
/// so the whole literal is compared, never parsed.
#[inline]
fn integer_key(text: &[u8]) -> Option<IntegerKey> {
    let (head, tail) = (text.first_chunk::<8>()?, text.last_chunk::<8>()?);
    if head[0] == b'-' || text.len() > 16 {
        return None;
    }
    let head = (u64::from_be_bytes(*head) & (u64::MAX >> 4)) | ((text.len() as u64 - 8) << 60);
    Some((u128::from(head) << 64) | u128::from(u64::from_be_bytes(*tail)))
}

/// See [`integer_key`].
type IntegerKey = u128;

/// Below every key (a literal of 8 digits or more is at least 10,000,000).
const BELOW_KEYS: IntegerKey = 0;

/// Above every key (a literal of 16 digits at most is below 10^16).
const ABOVE_KEYS: IntegerKey = u128::MAX;

/// A column's known minimum and maximum, as numbers and (integers) as bounds on keys: a
/// keyed literal lies in the range exactly when its key lies between the bounds.
#[derive(Debug, Clone, Copy)]
struct KnownRange {
    range: Option<(i64, i64)>,
    keys: (IntegerKey, IntegerKey),
}

impl KnownRange {
    /// Nothing known: nothing lies inside.
    const EMPTY: KnownRange = KnownRange {
        range: None,
        keys: (ABOVE_KEYS, BELOW_KEYS),
    };

    /// Whether the valid literal `text` lies inside the range (then it moves neither end).
    #[inline]
    fn holds(&self, text: &[u8]) -> bool {
        match integer_key(text) {
            Some(k) => self.keys.0 <= k && k <= self.keys.1,
            None => match (self.range, short_integer(text)) {
                (Some((lo, hi)), Some(v)) => lo <= v && v <= hi,
                _ => false,
            },
        }
    }

    /// Takes in the literal `text` (of value `v`), outside the range.
    fn widen_integer(&mut self, v: i64, text: &[u8]) {
        // Where the literal falls among keys: its own, or below or above them all.
        let key = integer_key(text).unwrap_or(if v < 10_000_000 {
            BELOW_KEYS
        } else {
            ABOVE_KEYS
        });
        self.widen_keyed(v, key);
    }

    /// Takes in an integer read as a number, outside the range.
    fn widen_number(&mut self, v: i64) {
        self.widen_keyed(v, key_bound(v));
    }

    /// Takes in `v`, whose key is `key`.
    fn widen_keyed(&mut self, v: i64, key: IntegerKey) {
        match self.range {
            Some((lo, hi)) => {
                if v < lo {
                    self.range = Some((v, hi));
                    self.keys.0 = key;
                }
                if v > hi {
                    self.range = Some((lo, v));
                    self.keys.1 = key;
                }
            }
            None => {
                self.range = Some((v, v));
                self.keys = (key, key);
            }
        }
    }

    /// Takes in a timestamp's microseconds (timestamps have no keys).
    #[inline]
    fn widen(&mut self, v: i64) {
        self.range = Some(match self.range {
            Some((lo, hi)) => (lo.min(v), hi.max(v)),
            None => (v, v),
        });
    }
}

/// Where `v` falls among keys: its literal's key when it has one, else [`BELOW_KEYS`] (fewer
/// than eight digits, or negative) or [`ABOVE_KEYS`] (more than sixteen). Written into a buffer
/// on the stack: a range moves in the steady state too, and allocates nothing.
fn key_bound(v: i64) -> IntegerKey {
    if v < 10_000_000 {
        return BELOW_KEYS;
    }
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut start = digits.len();
    while n > 0 {
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
    }
    integer_key(digits.get(start..).unwrap_or_default()).unwrap_or(ABOVE_KEYS)
}

/// The value of a valid non-negative literal of at most seven digits (else none).
#[inline]
fn short_integer(text: &[u8]) -> Option<i64> {
    if text.len() > 7 || text.first() == Some(&b'-') {
        return None;
    }
    Some(
        text.iter()
            .fold(0, |v, &d| v * 10 + i64::from(d.wrapping_sub(b'0'))),
    )
}

/// The length of a column's histogram: one per member, or two for a bool.
fn histogram_len(rule: Option<&Rule>) -> usize {
    match rule {
        Some(Rule::StringEnum { members, .. }) => members.ids().max().map_or(0, |m| m + 1),
        Some(Rule::IntegerEnum { members, .. }) => members.len(),
        Some(Rule::Bool) => 2,
        _ => 0,
    }
}

impl RecordStage {
    /// A stage for `plan`'s columns.
    pub fn new(plan: &CheckPlan) -> RecordStage {
        let slots = plan.columns().len() + 1;
        let columns = (0..slots)
            .map(|c| {
                let column = plan.columns().get(c);
                let rule = column.map(|c| &c.rule);
                StageColumn {
                    kind: kind_of(rule),
                    in_key: column.is_none_or(|c| c.in_key),
                    values: 0,
                    invalid: 0,
                    counts: vec![0; histogram_len(rule)],
                    unlisted: 0,
                    known: KnownRange::EMPTY,
                    max_bytes: 0,
                    max_chars: 0,
                    run: Run::NONE,
                    runs: Vec::new(),
                    saved: Saved::Count,
                    record: 0,
                }
            })
            .collect();
        RecordStage {
            columns,
            record: 0,
            committed: true,
            key_read: false,
            value_read: false,
            clock: Clock {
                hour_text: (0, 0),
                hour_start: i64::MIN,
                hour: i64::MIN,
            },
            enabled: plan.profiles(),
        }
    }

    /// Starts a record, first taking back the last one if it was not committed (it was
    /// `malformed`).
    #[inline]
    pub fn reset(&mut self) {
        if !self.enabled {
            return;
        }
        if !self.committed {
            self.take_back(|_| true);
        }
        self.record += 1;
        self.committed = false;
        self.key_read = false;
        self.value_read = false;
    }

    /// Takes back what the current record's value columns counted (a `value` walked before
    /// `meta` said the record is a delete, whose `value` is not checked).
    pub fn forget_value_columns(&mut self) {
        if !self.enabled {
            return;
        }
        self.take_back(|column| !column.in_key);
        self.value_read = false;
    }

    /// Undoes what the current record did to the columns `which` selects.
    #[cold]
    fn take_back(&mut self, which: impl Fn(&StageColumn) -> bool) {
        for column in &mut self.columns {
            if column.record != self.record || !which(column) {
                continue;
            }
            column.record = 0;
            match column.saved {
                Saved::Invalid => column.invalid -= 1,
                saved => {
                    column.values -= 1;
                    match saved {
                        Saved::Member(m) => match column.counts.get_mut(m as usize) {
                            Some(n) if m != UNLISTED => *n -= 1,
                            _ => column.unlisted -= 1,
                        },
                        Saved::Range(known) => column.known = known,
                        Saved::Lengths(bytes, chars) => {
                            column.max_bytes = bytes;
                            column.max_chars = chars;
                        }
                        Saved::Tail(lo, hi) => {
                            column.run.count -= 1;
                            column.run.lo = lo;
                            column.run.hi = hi;
                        }
                        Saved::Stamp(range, started) => {
                            column.known.range = range;
                            if started {
                                column.run = column.runs.pop().unwrap_or(Run::NONE);
                            } else {
                                column.run.count -= 1;
                            }
                        }
                        Saved::Count | Saved::Invalid => {}
                    }
                }
            }
        }
    }

    /// Forgets the previous file's range and lengths (the stage moves to another file; its
    /// counts were folded at the end of the last batch).
    pub fn new_file(&mut self) {
        for column in &mut self.columns {
            column.known = KnownRange::EMPTY;
            column.max_bytes = 0;
            column.max_chars = 0;
        }
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
        if !self.enabled {
            return;
        }
        match value {
            FieldValue::Null => {}
            FieldValue::String(text) => self.observe_string(plan, column, text, checked),
            FieldValue::Integer(text) => self.observe_integer(plan, column, text, checked),
            FieldValue::Bool(b) if checked == Checked::Valid => {
                self.count_member(column, u64::from(b));
            }
            _ => self.observe_verdict(plan, column, value, checked),
        }
    }

    /// A valid `uuid` or `timestamp` (the JSONL walker's fixed forms, read and checked in one
    /// go).
    #[inline(always)]
    pub fn observe_fixed(&mut self, column: usize, text: &[u8]) {
        if !self.enabled {
            return;
        }
        match self.columns.get(column).map(|c| c.kind) {
            Some(Kind::Timestamp) => self.count_stamp(column, text),
            _ => self.count_only(column),
        }
    }

    /// A valid value of text column `column` known by its length only, `bytes` and `chars`
    /// characters (see [`crate::json::Scanner::measure_string`]): what
    /// [`RecordStage::observe_string`] keeps of a valid text.
    pub fn observe_text_len(&mut self, column: usize, bytes: usize, chars: usize) {
        if !self.enabled {
            return;
        }
        if let Some(col) = self.columns.get_mut(column) {
            col.count(self.record);
            col.lengths(bytes, || chars);
        }
    }

    /// A string value and its check.
    #[inline(always)]
    pub fn observe_string(
        &mut self,
        plan: &CheckPlan,
        column: usize,
        text: &[u8],
        checked: Checked,
    ) {
        if !self.enabled {
            return;
        }
        if !matches!(checked, Checked::Valid) {
            return self.observe_verdict(plan, column, FieldValue::String(text), checked);
        }
        let Some(col) = self.columns.get_mut(column) else {
            return;
        };
        match col.kind {
            Kind::Text => {
                col.count(self.record);
                col.lengths(text.len(), || count_chars(text));
            }
            Kind::Timestamp => self.count_stamp(column, text),
            Kind::Enum => self.observe_verdict(plan, column, FieldValue::String(text), checked),
            Kind::Plain | Kind::Integer | Kind::Bool => self.count_only(column),
        }
    }

    /// An integer value and its check.
    #[inline(always)]
    pub fn observe_integer(
        &mut self,
        plan: &CheckPlan,
        column: usize,
        text: &[u8],
        checked: Checked,
    ) {
        if !self.enabled {
            return;
        }
        if !matches!(checked, Checked::Valid) {
            return self.observe_verdict(plan, column, FieldValue::Integer(text), checked);
        }
        let Some(col) = self.columns.get_mut(column) else {
            return;
        };
        match col.kind {
            Kind::Integer => {
                col.count(self.record);
                if !col.known.holds(text) {
                    col.saved = Saved::Range(col.known);
                    let v = formats::small_integer(text).unwrap_or_default();
                    col.known.widen_integer(v, text);
                }
            }
            Kind::Enum => self.observe_verdict(plan, column, FieldValue::Integer(text), checked),
            _ => self.count_only(column),
        }
    }

    /// A value whose check said more than `Valid` (a member, an open-enum value, a violation),
    /// or a valid value of another shape.
    #[inline(always)]
    fn observe_verdict(
        &mut self,
        plan: &CheckPlan,
        column: usize,
        value: FieldValue<'_>,
        checked: Checked,
    ) {
        match checked {
            Checked::Member(id) => self.count_member(column, u64::from(id)),
            Checked::OpenEnumValue(_) => self.count_member(column, UNLISTED),
            Checked::Invalid => self.count_invalid(column),
            Checked::Valid => match self.columns.get(column).map(|c| c.kind) {
                Some(Kind::Enum) => self.count_member(column, member_of(plan, column, value)),
                _ => self.count_only(column),
            },
        }
    }

    /// Counts a value that has nothing but its count (a `uuid`, an `ip`).
    #[inline(always)]
    fn count_only(&mut self, column: usize) {
        if let Some(col) = self.columns.get_mut(column) {
            col.count(self.record);
        }
    }

    /// Counts a value that broke its column's rule.
    fn count_invalid(&mut self, column: usize) {
        if let Some(col) = self.columns.get_mut(column) {
            col.record = self.record;
            col.invalid += 1;
            col.saved = Saved::Invalid;
        }
    }

    /// Counts an enum's member (or [`UNLISTED`]) or a bool (`0`, `1`).
    #[inline(always)]
    fn count_member(&mut self, column: usize, member: u64) {
        if let Some(col) = self.columns.get_mut(column) {
            col.count(self.record);
            match col.counts.get_mut(member as usize) {
                Some(n) if member != UNLISTED => *n += 1,
                _ => col.unlisted += 1,
            }
            col.saved = Saved::Member(member);
        }
    }

    /// Counts a valid timestamp: its range and its hour.
    #[inline(always)]
    fn count_stamp(&mut self, column: usize, text: &[u8]) {
        let Some(col) = self.columns.get_mut(column) else {
            return;
        };
        col.count(self.record);
        let hour = self.clock.hour(text);
        match tail_key(text) {
            Some(tail) if col.run.hour == hour => {
                col.saved = Saved::Tail(col.run.lo, col.run.hi);
                col.run.count += 1;
                col.run.lo = col.run.lo.min(tail);
                col.run.hi = col.run.hi.max(tail);
            }
            // A new run (its first six-digit timestamp is its least and greatest), or a
            // timestamp in another form (straight into the range).
            Some(tail) => {
                col.enter_run(hour);
                (col.run.lo, col.run.hi) = (tail, tail);
            }
            None => {
                col.enter_run(hour);
                col.known.widen(self.clock.micros(text));
            }
        }
    }

    /// A value a binary format read as what it is (known valid; see [`Typed`]).
    #[inline]
    pub fn observe_typed(&mut self, column: usize, value: Typed) {
        if !self.enabled {
            return;
        }
        match value {
            Typed::Int {
                member: Some(m), ..
            } => self.count_member(column, u64::from(m)),
            Typed::Int { value, .. } => self.count_number(column, value),
            Typed::Micros(micros) => self.count_micros(column, micros),
            Typed::Bool(b) => self.count_member(column, u64::from(b)),
            Typed::Uuid(_) => self.count_only(column),
        }
    }

    /// Records a valid `meta.ts` read as microseconds.
    #[inline]
    pub fn observe_meta_micros(&mut self, micros: i64) {
        if !self.enabled {
            return;
        }
        let slot = self.columns.len() - 1;
        self.count_micros(slot, micros);
    }

    /// Counts an integer read as a number.
    #[inline]
    fn count_number(&mut self, column: usize, v: i64) {
        let Some(col) = self.columns.get_mut(column) else {
            return;
        };
        if col.kind != Kind::Integer {
            return self.count_only(column);
        }
        col.count(self.record);
        if !col.known.range.is_some_and(|(lo, hi)| lo <= v && v <= hi) {
            col.saved = Saved::Range(col.known);
            col.known.widen_number(v);
        }
    }

    /// Counts a timestamp read as microseconds: its range and its hour.
    #[inline]
    fn count_micros(&mut self, column: usize, micros: i64) {
        let Some(col) = self.columns.get_mut(column) else {
            return;
        };
        col.count(self.record);
        col.enter_run(micros.div_euclid(MICROS_PER_HOUR));
        col.known.widen(micros);
    }

    /// Records `meta.ts` (`valid`: it passed its check).
    #[inline]
    pub fn observe_meta_ts(&mut self, value: FieldValue<'_>, valid: bool) {
        if !self.enabled {
            return;
        }
        let slot = self.columns.len() - 1;
        match value {
            FieldValue::Null => {}
            FieldValue::String(text) if valid => self.count_stamp(slot, text),
            _ => self.count_invalid(slot),
        }
    }
}

/// Timestamps to microseconds through the last hour seen: its text `YYYY-MM-DDThh` (two
/// overlapping words), its first microsecond and its number since the epoch. Timestamps of
/// neighbouring records mostly share the hour, and the rest of a timestamp is read without
/// calendar arithmetic.
#[derive(Debug, Clone)]
struct Clock {
    hour_text: (u64, u64),
    hour_start: i64,
    /// `hour_start` in hours.
    hour: i64,
}

const MICROS_PER_HOUR: i64 = 3_600_000_000;

impl Clock {
    /// A valid timestamp's hour since the epoch.
    #[inline(always)]
    fn hour(&mut self, text: &[u8]) -> i64 {
        let (Some(head), Some(hour)) = (text.first_chunk::<8>(), text.get(5..13)) else {
            return 0;
        };
        let mut word = [0u8; 8];
        word.copy_from_slice(hour);
        let key = (u64::from_le_bytes(*head), u64::from_le_bytes(word));
        if key != self.hour_text || self.hour_start == i64::MIN {
            self.micros(text);
        }
        self.hour
    }

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
            self.hour = micros.div_euclid(MICROS_PER_HOUR);
            self.hour_start = self.hour * MICROS_PER_HOUR;
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

/// An enum value's member index (or [`UNLISTED`]).
#[inline(never)]
fn member_of(plan: &CheckPlan, column: usize, value: FieldValue<'_>) -> u64 {
    match (plan.columns().get(column).map(|c| &c.rule), value) {
        (Some(Rule::StringEnum { members, .. }), FieldValue::String(text)) => {
            members.get(text).map_or(UNLISTED, |id| id as u64)
        }
        (Some(Rule::IntegerEnum { members, .. }), FieldValue::Integer(text)) => {
            formats::parse_i64(text)
                .and_then(|v| members.index_of(v))
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

    /// Counts one readable record (its values are in the stage's columns until
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

    /// Folds what the stage counted into the profile (at the end of a batch, between records):
    /// counts move, the range and the lengths are taken in and stay in the stage.
    pub fn absorb(&mut self, stage: &mut RecordStage) {
        if !stage.committed {
            stage.take_back(|_| true);
            stage.committed = true;
        }
        for (stats, col) in self.columns.iter_mut().zip(&mut stage.columns) {
            stats.values += std::mem::take(&mut col.values);
            stats.invalid += std::mem::take(&mut col.invalid);
            stats.unlisted += std::mem::take(&mut col.unlisted);
            if stats.counts.len() < col.counts.len() {
                stats.counts.resize(col.counts.len(), 0);
            }
            for (mine, n) in stats.counts.iter_mut().zip(&mut col.counts) {
                *mine += std::mem::take(n);
            }
            // A timestamp's runs give their hours and (the six-digit ones) their range.
            let mut range = col.known.range;
            for run in col.runs.drain(..).chain([col.run]) {
                run.fold(&mut stats.hours, &mut range);
            }
            col.known.range = range;
            col.run = Run {
                hour: col.run.hour,
                ..Run::NONE
            };
            stats.range = match (stats.range, col.known.range) {
                (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
                (a, b) => a.or(b),
            };
            stats.max_bytes = stats.max_bytes.max(col.max_bytes);
            stats.max_chars = stats.max_chars.max(col.max_chars);
        }
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
        profile.absorb(stage);
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
                p.absorb(&mut stage);
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
        profile.absorb(&mut stage);
        let id = column(&plan, "id");
        assert_eq!(profile.records_of(&plan, id), 1);
        assert_eq!(profile.columns[id].values, 0);
        assert_eq!(profile.records_of(&plan, column(&plan, "user_agent")), 0);
        assert_eq!(profile.records_of(&plan, plan.columns().len()), 1);
    }

    /// Integers inside the known range (not parsed) and outside it, of every length and sign,
    /// give the plain minimum and maximum; a record never committed counts in nothing.
    #[test]
    fn known_ranges_and_taken_back_records_give_exact_ranges() {
        let plan = web_logs_plan();
        let c = column(&plan, "user_id");
        let mut numbers: Vec<String> = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..3000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = match i % 6 {
                0 => format!("{}", 170_000_000_000_000 + x % 1_000_000_000),
                1 => format!("{}", x % 100_000_000),
                2 => format!("-{}", x % 1_000_000_000_000),
                3 => format!("{}", x % 10_000_000_000_000_000),
                4 => format!("{}", x % 10_000_000),
                _ => format!("{}", 170_000_000_000_000 + x % 1000),
            };
            numbers.push(n);
        }
        let mut stage = RecordStage::new(&plan);
        let mut profile = Profile::new(&plan);
        let mut want: Option<(i64, i64)> = None;
        for (i, n) in numbers.iter().enumerate() {
            stage.reset();
            stage.sections(true, true);
            stage.observe(&plan, c, FieldValue::Integer(n.as_bytes()), Checked::Valid);
            // Every seventh record is malformed: never committed.
            if i % 7 != 3 {
                profile.commit(&mut stage);
                let v: i64 = n.parse().unwrap_or_default();
                want = Some(want.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
            }
            if i % 500 == 499 {
                profile.absorb(&mut stage);
                assert_eq!(profile.columns[c].range, want, "after {i}");
            }
        }
        profile.absorb(&mut stage);
        assert_eq!(profile.columns[c].range, want);
        let committed = (0..numbers.len()).filter(|i| i % 7 != 3).count() as u64;
        assert_eq!(profile.columns[c].values, committed);
        assert_eq!(profile.records, committed);
    }

    /// The stage against a model that keeps every committed value: random records over an
    /// integer, a string, an enum, a bool, a timestamp, `meta.ts` and a uuid, written in every
    /// form (six-digit and other fractions, hours out of order, multi-byte text, nulls,
    /// invalid values), some malformed (never committed), some deletes whose `value` was
    /// walked before `meta` said so, folded at random points: the profile equals the model's.
    #[test]
    fn the_stage_equals_a_model_of_committed_values() {
        let plan = web_logs_plan();
        let (int, text, member, flag, stamp, id) = (
            column(&plan, "course_id"),
            column(&plan, "url"),
            column(&plan, "http_method"),
            column(&plan, "participated"),
            column(&plan, "timestamp"),
            column(&plan, "id"),
        );
        let meta = plan.columns().len();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut stage = RecordStage::new(&plan);
        let mut profile = Profile::new(&plan);
        let mut model: Vec<ColumnStats> = Profile::new(&plan).columns;
        let methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"];
        for record in 0..20_000u64 {
            let hour = 10 + next(3) + (record / 5000) * 3;
            let stamp_text = match next(4) {
                0 => format!("2024-05-01T{hour:02}:{:02}:{:02}Z", next(60), next(60)),
                1 => format!("2024-05-01T{hour:02}:{:02}:07.{}Z", next(60), next(1000)),
                _ => format!(
                    "2024-05-01T{hour:02}:{:02}:{:02}.{:06}Z",
                    next(60),
                    next(60),
                    next(1_000_000)
                ),
            };
            let ts_text = format!(
                "2024-05-02T{hour:02}:00:{:02}.{:06}Z",
                next(60),
                next(1_000_000)
            );
            let number = match next(3) {
                0 => format!("{}", 170_000_000_000_000 + next(1_000_000)),
                1 => format!("{}", next(10_000_000)),
                _ => format!("-{}", next(1000)),
            };
            let words = ["/a", "/é", "/日本", "/x"];
            let url: String = (0..next(40)).map(|_| words[next(4) as usize]).collect();
            let values: [(usize, FieldValue<'_>); 7] = [
                (
                    id,
                    FieldValue::String(b"5705b877-0b3d-4dd5-9e54-d738297f77ae"),
                ),
                (int, FieldValue::Integer(number.as_bytes())),
                (text, FieldValue::String(url.as_bytes())),
                (
                    member,
                    FieldValue::String(methods[next(6) as usize].as_bytes()),
                ),
                (flag, FieldValue::Bool(next(2) == 0)),
                (stamp, FieldValue::String(stamp_text.as_bytes())),
                (meta, FieldValue::String(ts_text.as_bytes())),
            ];
            let malformed = next(9) == 0;
            let delete = next(11) == 0;
            stage.reset();
            let mut seen: Vec<(usize, FieldValue<'_>, Checked)> = Vec::new();
            for (c, v) in values {
                let v = match next(8) {
                    0 => FieldValue::Null,
                    1 if c == int => FieldValue::Integer(b"99999999999999999999"),
                    1 if c == stamp => FieldValue::String(b"2024-13-01T00:00:00Z"),
                    _ => v,
                };
                let checked = if c == meta {
                    let checked = plan.check_meta_ts(v, &mut Findings::default());
                    stage.observe_meta_ts(v, checked.is_valid());
                    checked
                } else {
                    let checked = plan.check(c, v, &mut Findings::default());
                    match v {
                        FieldValue::String(t) => stage.observe_string(&plan, c, t, checked),
                        FieldValue::Integer(t) => stage.observe_integer(&plan, c, t, checked),
                        _ => stage.observe(&plan, c, v, checked),
                    }
                    checked
                };
                seen.push((c, v, checked));
            }
            if delete {
                stage.forget_value_columns();
            }
            stage.sections(true, !delete);
            if malformed {
                continue;
            }
            profile.commit(&mut stage);
            for (c, v, checked) in seen {
                let in_key = c == meta || plan.columns()[c].in_key;
                if (delete && !in_key) || v == FieldValue::Null {
                    continue;
                }
                let m = &mut model[c];
                if !checked.is_valid() {
                    m.invalid += 1;
                    continue;
                }
                m.values += 1;
                let widen = |m: &mut ColumnStats, v: i64| {
                    m.range = Some(m.range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
                };
                match v {
                    FieldValue::Integer(t) => {
                        widen(m, std::str::from_utf8(t).unwrap().parse().unwrap())
                    }
                    FieldValue::String(t) if c == stamp || c == meta => {
                        let micros = formats::timestamp_micros(t).unwrap();
                        widen(m, micros);
                        m.hours.add(micros.div_euclid(MICROS_PER_HOUR), 1);
                    }
                    FieldValue::String(t) if c == text => {
                        m.max_bytes = m.max_bytes.max(t.len() as u32);
                        m.max_chars = m.max_chars.max(count_chars(t) as u32);
                    }
                    FieldValue::String(_) | FieldValue::Bool(_) => {
                        if let Checked::Member(i) = checked {
                            m.counts[i as usize] += 1;
                        } else if let FieldValue::Bool(b) = v {
                            m.counts[usize::from(b)] += 1;
                        }
                    }
                    _ => {}
                }
            }
            if next(50) == 0 {
                profile.absorb(&mut stage);
            }
        }
        // A last record left malformed: the fold takes it back.
        stage.reset();
        stage.observe_integer(&plan, int, b"1", Checked::Valid);
        profile.absorb(&mut stage);
        for c in [int, text, member, flag, stamp, meta, id] {
            assert_eq!(profile.columns[c], model[c], "column {c}");
        }
        assert!(model[stamp].values > 10_000 && model[stamp].invalid > 1000);
        assert!(model[text].max_chars < model[text].max_bytes);
        assert_eq!(
            model[member].counts.iter().sum::<u64>(),
            model[member].values
        );
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
            assert_eq!(Some(stage.clock.micros(t.as_bytes())), want, "{t}");
        }
    }
}
