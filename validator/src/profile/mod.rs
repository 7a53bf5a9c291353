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

/// Words of a record's bit sets: the stage's sets are arrays, not vectors, so that marking a
/// column costs no pointer to follow.
const STAGE_WORDS: usize = 4;

/// Columns a record's bit sets can hold.
pub const MAX_PROFILED: usize = STAGE_WORDS * 64;

/// Bit sets over the profile's columns (table columns, then `meta.ts`).
fn words(slots: usize) -> Vec<u64> {
    vec![0; slots.div_ceil(64)]
}

/// Calls `f` with the column of every bit set in `bits`, word `w` of a set.
#[inline(always)]
fn for_each_bit(mut bits: u64, w: usize, mut f: impl FnMut(usize)) {
    while bits != 0 {
        f(w * 64 + bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
}

#[inline]
fn set_bit(words: &mut [u64], bit: usize) {
    if let Some(w) = words.get_mut(bit / 64) {
        *w |= 1 << (bit % 64);
    }
}

/// One record's observations, folded into a [`Profile`] by [`Profile::commit`] once the record
/// is known to be readable: which columns held a valid value (with a payload summarising it)
/// and which an invalid one, as bit sets; columns in neither were null or absent. Slots are
/// indexed by column, `meta.ts` last; reused record after record, nothing allocated.
#[derive(Debug, Clone)]
pub struct RecordStage {
    kinds: Vec<Kind>,
    /// Words of the bit sets in use (a table of more than [`MAX_PROFILED`] columns is
    /// profiled in its first ones; `meta.ts` is always the last slot).
    used: usize,
    valid: [u64; STAGE_WORDS],
    invalid: [u64; STAGE_WORDS],
    /// Of the valid columns, those whose payload is computed (a number, microseconds,
    /// lengths); the others hold where the value's text is in the line (`start << 32 | end`),
    /// read when the record is committed. Enum and bool payloads are always their member.
    computed: [u64; STAGE_WORDS],
    payload: Vec<u64>,
    /// Whether `key` was an object (its columns were read).
    key_read: bool,
    /// Whether `value` was checked (an upsert whose `value` is an object).
    value_read: bool,
    /// Per text column, a length in characters the file's profile already holds: a string of
    /// at most that many bytes cannot raise the maximum, so its characters are not counted.
    chars_known: Vec<u32>,
    /// The last hour a timestamp was in: its text `YYYY-MM-DDThh` (two overlapping words) and
    /// its first microsecond. Timestamps of neighbouring records mostly share the hour, and the
    /// rest of a timestamp is read without calendar arithmetic.
    hour_text: (u64, u64),
    hour_start: i64,
    /// Whether the plan wants a profile at all (`--no-profile` turns it off).
    enabled: bool,
}

impl RecordStage {
    /// A stage for `plan`'s columns.
    pub fn new(plan: &CheckPlan) -> RecordStage {
        let slots = plan.columns().len() + 1;
        RecordStage {
            kinds: (0..slots)
                .map(|c| kind_of(plan.columns().get(c).map(|c| &c.rule)))
                .collect(),
            used: slots.div_ceil(64).min(STAGE_WORDS),
            valid: [0; STAGE_WORDS],
            invalid: [0; STAGE_WORDS],
            computed: [0; STAGE_WORDS],
            payload: vec![0; slots],
            key_read: false,
            value_read: false,
            chars_known: vec![0; slots],
            hour_text: (0, 0),
            hour_start: i64::MIN,
            enabled: plan.profiles(),
        }
    }

    /// Forgets the last record.
    #[inline]
    pub fn reset(&mut self) {
        self.valid = [0; STAGE_WORDS];
        self.invalid = [0; STAGE_WORDS];
        self.computed = [0; STAGE_WORDS];
        self.key_read = false;
        self.value_read = false;
    }

    /// Forgets what the previous file's profile held (the stage moves to another file).
    pub fn new_file(&mut self) {
        self.chars_known.fill(0);
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
    /// the text is read when the record is committed, out of the walker's loop.
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
        if checked == Checked::Invalid {
            set_bit(&mut self.invalid, column);
            return;
        }
        set_bit(&mut self.valid, column);
        let payload = match (checked, value, in_line) {
            (Checked::Member(id), ..) => u64::from(id),
            (Checked::OpenEnumValue(_), ..) => UNLISTED,
            (_, FieldValue::Bool(b), _) => u64::from(b),
            (_, _, Some((start, end))) => ((start as u64) << 32) | (end as u64 & 0xFFFF_FFFF),
            _ => {
                set_bit(&mut self.computed, column);
                self.compute(plan, column, value)
            }
        };
        if let Some(slot) = self.payload.get_mut(column) {
            *slot = payload;
        }
    }

    /// The payload of a value not read from the line: the number, microseconds, lengths or
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
            _ => 0,
        }
    }

    /// Records `meta.ts` (`valid`: it passed its check).
    #[inline]
    pub fn observe_meta_ts(&mut self, value: FieldValue<'_>, valid: bool) {
        if !self.enabled || value == FieldValue::Null {
            return;
        }
        let slot = self.payload.len() - 1;
        if slot >= MAX_PROFILED {
            return;
        }
        match value {
            FieldValue::String(text) if valid => {
                set_bit(&mut self.valid, slot);
                set_bit(&mut self.computed, slot);
                let micros = self.micros(text);
                if let Some(p) = self.payload.get_mut(slot) {
                    *p = micros as u64;
                }
            }
            _ => set_bit(&mut self.invalid, slot),
        }
    }

    /// A valid timestamp's microseconds, through the cached hour when it is the same.
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
    /// The bits of the key columns, of the value columns, and of `meta.ts`.
    key_mask: Vec<u64>,
    value_mask: Vec<u64>,
    meta_mask: Vec<u64>,
    /// The columns of each kind with statistics beyond counts.
    integer_mask: Vec<u64>,
    timestamp_mask: Vec<u64>,
    text_mask: Vec<u64>,
    member_mask: Vec<u64>,
}

impl Profile {
    /// An empty profile of `plan`'s columns.
    pub fn new(plan: &CheckPlan) -> Profile {
        let slots = plan.columns().len() + 1;
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
        let (mut key_mask, mut value_mask, mut meta_mask) =
            (words(slots), words(slots), words(slots));
        for (i, c) in plan.columns().iter().enumerate() {
            set_bit(
                if c.in_key {
                    &mut key_mask
                } else {
                    &mut value_mask
                },
                i,
            );
        }
        set_bit(&mut meta_mask, slots - 1);
        let mask_of = |wanted: &[Kind]| {
            let mut mask = words(slots);
            for c in 0..slots {
                if wanted.contains(&kind_of(plan.columns().get(c).map(|c| &c.rule))) {
                    set_bit(&mut mask, c);
                }
            }
            mask
        };
        Profile {
            records: 0,
            key_records: 0,
            value_records: 0,
            columns,
            tally: OpenEnumTally::new(plan.open_enum_columns().len()),
            key_mask,
            value_mask,
            meta_mask,
            integer_mask: mask_of(&[Kind::Integer]),
            timestamp_mask: mask_of(&[Kind::Timestamp]),
            text_mask: mask_of(&[Kind::Text]),
            member_mask: mask_of(&[Kind::Enum, Kind::Bool]),
        }
    }

    /// Folds one readable record's observations in (`line`: the record's text, where the
    /// walker's spans point; empty for the other formats, whose payloads are all computed).
    /// Only the columns that held a value are visited, kind by kind (nulls are what remains of
    /// the section's records).
    #[inline]
    pub fn commit(&mut self, stage: &mut RecordStage, line: &[u8]) {
        if !stage.enabled {
            return;
        }
        self.records += 1;
        self.key_records += u64::from(stage.key_read);
        self.value_records += u64::from(stage.value_read);
        let word = |v: &[u64], w: usize| v.get(w).copied().unwrap_or(0);
        for w in 0..stage.used {
            let mut read = word(&self.meta_mask, w);
            if stage.key_read {
                read |= word(&self.key_mask, w);
            }
            if stage.value_read {
                read |= word(&self.value_mask, w);
            }
            let valid = word(&stage.valid, w) & read;
            let computed = word(&stage.computed, w);
            for_each_bit(word(&stage.invalid, w) & read, w, |c| {
                if let Some(stats) = self.columns.get_mut(c) {
                    stats.invalid += 1;
                }
            });
            for_each_bit(valid, w, |c| {
                if let Some(stats) = self.columns.get_mut(c) {
                    stats.values += 1;
                }
            });
            let text_of = |c: usize, payload: u64| -> Option<&[u8]> {
                if computed & (1 << (c % 64)) != 0 {
                    return None;
                }
                line.get((payload >> 32) as usize..(payload & 0xFFFF_FFFF) as usize)
            };
            for_each_bit(valid & word(&self.member_mask, w), w, |c| {
                let payload = stage.payload.get(c).copied().unwrap_or(UNLISTED);
                if let Some(stats) = self.columns.get_mut(c) {
                    match stats.counts.get_mut(payload as usize) {
                        Some(n) if payload != UNLISTED => *n += 1,
                        _ => stats.unlisted += 1,
                    }
                }
            });
            for_each_bit(valid & word(&self.integer_mask, w), w, |c| {
                let payload = stage.payload.get(c).copied().unwrap_or(0);
                let v = match text_of(c, payload) {
                    Some(text) => formats::small_integer(text).unwrap_or_default(),
                    None => payload as i64,
                };
                if let Some(stats) = self.columns.get_mut(c) {
                    stats.widen(v);
                }
            });
            for_each_bit(valid & word(&self.timestamp_mask, w), w, |c| {
                let payload = stage.payload.get(c).copied().unwrap_or(0);
                let micros = match text_of(c, payload) {
                    Some(text) => stage.micros(text),
                    None => payload as i64,
                };
                if let Some(stats) = self.columns.get_mut(c) {
                    stats.widen(micros);
                    stats.hours.add(micros.div_euclid(3_600_000_000), 1);
                }
            });
            for_each_bit(valid & word(&self.text_mask, w), w, |c| {
                let payload = stage.payload.get(c).copied().unwrap_or(0);
                let Some(stats) = self.columns.get_mut(c) else {
                    return;
                };
                let payload = match text_of(c, payload) {
                    Some(text) => text_payload(text, stats.max_chars),
                    None => payload,
                };
                let bytes = payload as u32;
                let chars = (payload >> 32) as u32;
                stats.max_bytes = stats.max_bytes.max(bytes);
                if chars > stats.max_chars {
                    stats.max_chars = chars;
                    if let Some(known) = stage.chars_known.get_mut(c) {
                        *known = chars;
                    }
                }
            });
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
        if self.key_mask.is_empty() {
            self.key_mask = other.key_mask;
            self.value_mask = other.value_mask;
            self.meta_mask = other.meta_mask;
            self.integer_mask = other.integer_mask;
            self.timestamp_mask = other.timestamp_mask;
            self.text_mask = other.text_mask;
            self.member_mask = other.member_mask;
        }
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
        profile.commit(stage, &[]);
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
                p.commit(&mut stage, &[]);
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
        profile.commit(&mut stage, &[]);
        let id = column(&plan, "id");
        assert_eq!(profile.records_of(&plan, id), 1);
        assert_eq!(profile.columns[id].values, 0);
        assert_eq!(profile.records_of(&plan, column(&plan, "user_agent")), 0);
        assert_eq!(profile.records_of(&plan, plan.columns().len()), 1);
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
