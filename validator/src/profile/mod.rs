//! The per-column profile: what a day's export looked like, column by column, beside the
//! verdicts. A stage of its own between the check plan and the reporters:
//!
//! ```text
//! reader ─ plan.check(field) ─▶ RecordStage::observe (one slot per column, no allocation)
//!        ─ record readable ──▶ Profile::commit (per worker, per file)
//! engine ─ workers' Profiles merged by file ─▶ output::ProfileReport (per file and the run)
//!        ─ report (JSON "profile", --profile-out, HTML) and drift::compare against a baseline
//! ```
//!
//! A record's fields are staged and folded into the file's [`Profile`] only once the record is
//! known to be readable, like the open-enum tally: a record that turns out `malformed` counts in
//! no column. Every statistic is a sum, a minimum or a maximum, so the merge of the workers'
//! profiles does not depend on how records were spread over threads: the profile is
//! byte-identical for every `--jobs`.
//!
//! What each column gets (see [`output`] for the wire form):
//!
//! | column rule | statistics |
//! |---|---|
//! | every column | `records` (readable records in which the column was read: key columns in every one whose `key` is an object, value columns in every one whose `value` was checked), `nulls` (null or absent), `violations` by code |
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

/// A batch's observations as one journal: an entry per value read (its column, whether it
/// was valid, and a payload: where its text is in the batch, or the number, microseconds,
/// lengths or member it stands for). A record that turns out `malformed` is taken back by
/// cutting the journal to where the record started ([`RecordStage::reset`] does, before the
/// next record). [`Profile::commit`] counts a readable record; [`Profile::absorb`] folds the
/// journal into the profile at the end of the batch, in a tight loop outside the reader's.
/// Entries are 16 bytes; the journal keeps its room from batch to batch.
#[derive(Debug, Clone)]
pub struct RecordStage {
    kinds: Vec<Kind>,
    journal: Vec<Entry>,
    /// Where the current record's entries start.
    record_start: usize,
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

/// One value in the journal: its column and flags, and its payload.
#[derive(Debug, Clone, Copy)]
struct Entry {
    column: u32,
    payload: u64,
}

/// An [`Entry`] flag: the value broke a rule (counted, no statistic).
const INVALID_ENTRY: u32 = 1 << 31;
/// An [`Entry`] flag: the payload is computed, not a span of the batch.
const COMPUTED_ENTRY: u32 = 1 << 30;

impl RecordStage {
    /// A stage for `plan`'s columns.
    pub fn new(plan: &CheckPlan) -> RecordStage {
        let slots = plan.columns().len() + 1;
        RecordStage {
            kinds: (0..slots)
                .map(|c| kind_of(plan.columns().get(c).map(|c| &c.rule)))
                .collect(),
            journal: Vec::new(),
            record_start: 0,
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
        if !self.committed {
            self.journal.truncate(self.record_start);
        }
        self.record_start = self.journal.len();
        self.committed = false;
        self.key_read = false;
        self.value_read = false;
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
        let c = column as u32;
        let (column, payload) = match (checked, in_line) {
            (Checked::Invalid, _) => (c | INVALID_ENTRY, 0),
            (Checked::Member(id), _) => (c | COMPUTED_ENTRY, u64::from(id)),
            (Checked::OpenEnumValue(_), _) => (c | COMPUTED_ENTRY, UNLISTED),
            (_, Some((start, end))) if !matches!(value, FieldValue::Bool(_)) => {
                let (start, end) = (self.line_offset + start, self.line_offset + end);
                (c, ((start as u64) << 32) | (end as u64 & 0xFFFF_FFFF))
            }
            _ => (c | COMPUTED_ENTRY, self.compute(plan, column, value)),
        };
        self.journal.push(Entry { column, payload });
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
        let slot = (self.kinds.len() - 1) as u32;
        let entry = match value {
            FieldValue::String(text) if valid => Entry {
                column: slot | COMPUTED_ENTRY,
                payload: self.micros(text) as u64,
            },
            _ => Entry {
                column: slot | INVALID_ENTRY,
                payload: 0,
            },
        };
        self.journal.push(entry);
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
        // mm:ss[.ffffff] after the hour.
        let d = |i: usize| i64::from(text.get(i).map_or(0, |b| b.wrapping_sub(b'0')));
        let mut micros = ((d(14) * 10 + d(15)) * 60 + d(17) * 10 + d(18)) * 1_000_000;
        if text.len() > 21 {
            let mut fraction = 0i64;
            let digits = text.len() - 21;
            for i in 0..6 {
                fraction = fraction * 10 + if i < digits { d(20 + i) } else { 0 };
            }
            micros += fraction;
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

    /// Folds a batch's journal into the profile (`batch`: the bytes the JSONL spans point
    /// into; empty for the other formats) and empties it.
    pub fn absorb(&mut self, stage: &mut RecordStage, batch: &[u8]) {
        if !stage.committed {
            stage.journal.truncate(stage.record_start);
            stage.committed = true;
        }
        for entry in stage.journal.drain(..) {
            let c = (entry.column & !(INVALID_ENTRY | COMPUTED_ENTRY)) as usize;
            let (Some(stats), Some(&kind)) = (self.columns.get_mut(c), stage.kinds.get(c)) else {
                continue;
            };
            if entry.column & INVALID_ENTRY != 0 {
                stats.invalid += 1;
                continue;
            }
            stats.values += 1;
            let payload = entry.payload;
            let text = if entry.column & COMPUTED_ENTRY == 0 {
                batch.get((payload >> 32) as usize..(payload & 0xFFFF_FFFF) as usize)
            } else {
                None
            };
            match kind {
                Kind::Plain => {}
                Kind::Enum | Kind::Bool => match stats.counts.get_mut(payload as usize) {
                    Some(n) if payload != UNLISTED => *n += 1,
                    _ => stats.unlisted += 1,
                },
                Kind::Integer => {
                    let keys = stage.integer_keys.get_mut(c);
                    match (text, keys) {
                        (Some(t), Some(keys)) => {
                            let key = integer_key(t);
                            if key.is_some_and(|k| keys.0 < k && k < keys.1) {
                                continue;
                            }
                            let v = formats::small_integer(t).unwrap_or_default();
                            let before = stats.range;
                            stats.widen(v);
                            // A new minimum or maximum read from text gives its key.
                            if let (Some((lo, hi)), Some(k)) = (stats.range, key) {
                                if before.is_none_or(|(l, _)| lo < l) {
                                    keys.0 = k;
                                }
                                if before.is_none_or(|(_, h)| hi > h) {
                                    keys.1 = k;
                                }
                            } else if stats.range != before {
                                *keys = NO_KEYS;
                            }
                        }
                        _ => {
                            let before = stats.range;
                            stats.widen(payload as i64);
                            if let (true, Some(keys)) =
                                (stats.range != before, stage.integer_keys.get_mut(c))
                            {
                                *keys = NO_KEYS;
                            }
                        }
                    }
                }
                Kind::Timestamp => {
                    let micros = match text {
                        Some(t) => stage.clock.micros(t),
                        None => payload as i64,
                    };
                    stats.widen(micros);
                    stats.hours.add(micros.div_euclid(3_600_000_000), 1);
                }
                Kind::Text => {
                    let payload = match text {
                        Some(t) => text_payload(t, stats.max_chars),
                        None => payload,
                    };
                    stats.max_bytes = stats.max_bytes.max(payload as u32);
                    let chars = (payload >> 32) as u32;
                    if chars > stats.max_chars {
                        stats.max_chars = chars;
                        if let Some(known) = stage.chars_known.get_mut(c) {
                            *known = chars;
                        }
                    }
                }
            }
        }
        stage.record_start = 0;
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
                    for fraction in ["", ".1", ".12", ".123", ".1234", ".12345", ".123456"] {
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
