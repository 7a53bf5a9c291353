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

/// Nothing was read for the column in this record (absent or null).
const ABSENT: u8 = 0;
/// A valid value, summarised in the column's payload.
const VALUE: u8 = 1;
/// A value that broke a rule: counted as a value, in no statistic.
const INVALID: u8 = 2;

/// A payload for an open enum's value that is not a listed member (the tally counts it).
const UNLISTED: u64 = u64::MAX;

/// One record's observations, folded into a [`Profile`] by [`Profile::commit`] once the record
/// is known to be readable. Slots are indexed by column, `meta.ts` last; reused record after
/// record.
#[derive(Debug, Clone)]
pub struct RecordStage {
    state: Vec<u8>,
    payload: Vec<u64>,
    /// Whether `key` was an object (its columns were read).
    key_read: bool,
    /// Whether `value` was checked (an upsert whose `value` is an object).
    value_read: bool,
    /// Per text column, a length in characters the file's profile already holds: a string of
    /// at most that many bytes cannot raise the maximum, so its characters are not counted.
    chars_known: Vec<u32>,
    /// Whether the plan wants a profile at all (`--no-profile` turns it off).
    enabled: bool,
}

impl RecordStage {
    /// A stage for `plan`'s columns.
    pub fn new(plan: &CheckPlan) -> RecordStage {
        let slots = plan.columns().len() + 1;
        RecordStage {
            state: vec![ABSENT; slots],
            payload: vec![0; slots],
            key_read: false,
            value_read: false,
            chars_known: vec![0; slots],
            enabled: plan.profiles(),
        }
    }

    /// Forgets the last record.
    #[inline]
    pub fn reset(&mut self) {
        self.state.fill(ABSENT);
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
    #[inline]
    pub fn observe(
        &mut self,
        plan: &CheckPlan,
        column: usize,
        value: FieldValue<'_>,
        checked: Checked,
    ) {
        if !self.enabled || value == FieldValue::Null {
            return;
        }
        let Some(state) = self.state.get_mut(column) else {
            return;
        };
        if checked == Checked::Invalid {
            *state = INVALID;
            return;
        }
        *state = VALUE;
        let payload = match (plan.columns().get(column).map(|c| &c.rule), value) {
            (Some(Rule::Int32 | Rule::Int64), FieldValue::Integer(text)) => {
                formats::parse_i64(text).unwrap_or_default() as u64
            }
            (Some(Rule::Timestamp), FieldValue::String(text)) => {
                formats::timestamp_micros(text).unwrap_or_default() as u64
            }
            (Some(Rule::Text { .. }), FieldValue::String(text)) => {
                let bytes = u32::try_from(text.len()).unwrap_or(u32::MAX);
                let known = self.chars_known.get(column).copied().unwrap_or(0);
                // Bytes bound characters from above: only a longer string can raise the maximum.
                let chars = if bytes <= known {
                    0
                } else {
                    u32::try_from(count_chars(text)).unwrap_or(u32::MAX)
                };
                u64::from(bytes) | (u64::from(chars) << 32)
            }
            (Some(Rule::StringEnum { members, .. }), FieldValue::String(text)) => {
                members.get(text).map_or(UNLISTED, |id| id as u64)
            }
            (Some(Rule::IntegerEnum { members, .. }), FieldValue::Integer(text)) => {
                formats::parse_i64(text)
                    .and_then(|v| members.binary_search(&v).ok())
                    .map_or(UNLISTED, |i| i as u64)
            }
            (Some(Rule::IntegerEnum { .. }), _) => UNLISTED,
            (Some(Rule::Bool), FieldValue::Bool(b)) => u64::from(b),
            _ => 0,
        };
        if let Some(slot) = self.payload.get_mut(column) {
            *slot = payload;
        }
    }

    /// Records `meta.ts` (`valid`: it passed its check).
    #[inline]
    pub fn observe_meta_ts(&mut self, value: FieldValue<'_>, valid: bool) {
        if !self.enabled || value == FieldValue::Null {
            return;
        }
        let slot = self.state.len() - 1;
        let (state, payload) = match value {
            FieldValue::String(text) if valid => (
                VALUE,
                formats::timestamp_micros(text).unwrap_or_default() as u64,
            ),
            _ => (INVALID, 0),
        };
        if let (Some(s), Some(p)) = (self.state.get_mut(slot), self.payload.get_mut(slot)) {
            *s = state;
            *p = payload;
        }
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
    /// Records in which the column was read.
    pub records: u64,
    /// Of those, null or absent.
    pub nulls: u64,
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
        self.records += other.records;
        self.nulls += other.nulls;
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
            columns,
            tally: OpenEnumTally::new(plan.open_enum_columns().len()),
        }
    }

    /// Folds one readable record's observations in.
    #[inline]
    pub fn commit(&mut self, plan: &CheckPlan, stage: &mut RecordStage) {
        if !stage.enabled {
            return;
        }
        self.records += 1;
        let rules = plan.columns();
        for (column, stats) in self.columns.iter_mut().enumerate() {
            let (state, payload) = match (stage.state.get(column), stage.payload.get(column)) {
                (Some(&s), Some(&p)) => (s, p),
                _ => continue,
            };
            let rule = match rules.get(column) {
                Some(c) if (c.in_key && !stage.key_read) || (!c.in_key && !stage.value_read) => {
                    continue;
                }
                Some(c) => Some(&c.rule),
                None => None, // meta.ts: read in every readable record
            };
            stats.records += 1;
            match state {
                ABSENT => stats.nulls += 1,
                VALUE => match rule {
                    Some(Rule::Int32 | Rule::Int64) => stats.widen(payload as i64),
                    Some(Rule::Timestamp) | None => {
                        let micros = payload as i64;
                        stats.widen(micros);
                        stats.hours.add(micros.div_euclid(3_600_000_000), 1);
                    }
                    Some(Rule::Text { .. }) => {
                        let bytes = payload as u32;
                        let chars = (payload >> 32) as u32;
                        stats.max_bytes = stats.max_bytes.max(bytes);
                        if chars > stats.max_chars {
                            stats.max_chars = chars;
                            if let Some(known) = stage.chars_known.get_mut(column) {
                                *known = chars;
                            }
                        }
                    }
                    Some(Rule::StringEnum { .. } | Rule::IntegerEnum { .. } | Rule::Bool) => {
                        match stats.counts.get_mut(payload as usize) {
                            Some(n) if payload != UNLISTED => *n += 1,
                            _ => stats.unlisted += 1,
                        }
                    }
                    Some(Rule::Uuid | Rule::Ip) => {}
                },
                _ => {}
            }
        }
    }

    /// Adds another profile of the same plan.
    pub fn merge(&mut self, other: Profile) {
        self.records += other.records;
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
        profile.commit(plan, stage);
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
            (ua.max_chars, ua.max_bytes, ua.records, ua.nulls),
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
        assert_eq!((ua.max_chars, ua.max_bytes, ua.records), (255, 510, 3));
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
        let before = profile.columns[column(&plan, "user_id")].nulls;
        feed(&plan, &mut profile, &mut stage, "user_id", FieldValue::Null);
        assert_eq!(profile.columns[column(&plan, "user_id")].nulls, before + 1);
        feed(
            &plan,
            &mut profile,
            &mut stage,
            "user_id",
            FieldValue::Integer(b"1"),
        );
        assert_eq!(profile.columns[column(&plan, "user_id")].nulls, before + 1);
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
                p.commit(&plan, &mut stage);
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
        profile.commit(&plan, &mut stage);
        let id = &profile.columns[column(&plan, "id")];
        assert_eq!((id.records, id.nulls), (1, 1));
        assert_eq!(profile.columns[column(&plan, "user_agent")].records, 0);
        assert_eq!(profile.columns.last().map(|c| c.records), Some(1));
    }
}
