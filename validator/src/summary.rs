//! The run's totals: records, verdicts, violations by code and column, unknown open-enum values.

use crate::violation::{Code, Severity, Violation};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// At most this many distinct unknown values are tracked per open-enum column (Canvas has hundreds
/// of controllers and actions; this leaves two orders of magnitude). Up to the bound every count is
/// exact. Past it, the values kept are the ones whose [`value_rank`] (a fixed hash of the value)
/// is smallest, so which values are kept depends only on the set of values, never on how records
/// were spread over threads, and their counts stay exact; the other occurrences are counted
/// together as "untracked", and the summary says the counts are incomplete.
pub const MAX_TRACKED_VALUES: usize = 65_536;

/// How many distinct values a slot holds before it drops back to [`MAX_TRACKED_VALUES`]: the
/// slack makes pruning (a sort) rare; it bounds the tally's memory at about 74k values a column.
const PRUNE_AT: usize = MAX_TRACKED_VALUES + MAX_TRACKED_VALUES / 8;

/// The order in which values are kept past [`MAX_TRACKED_VALUES`]: XXH3-64 of the (bounded)
/// value with seed 0, ties by the bytes.
pub fn value_rank(value: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(value)
}

/// A longer unlisted value is tracked by its first bytes (at most this many, cut at a character
/// boundary) followed by `…`, so that 1000 tracked values cannot hold 1000 huge strings.
pub const MAX_TRACKED_VALUE_BYTES: usize = 256;

fn bounded_value(value: &[u8]) -> Vec<u8> {
    let mut cut = MAX_TRACKED_VALUE_BYTES.min(value.len());
    // Back up to the start of a character (a UTF-8 continuation byte is 10xxxxxx).
    while cut > 0 && value.get(cut).is_some_and(|b| b & 0xC0 == 0x80) {
        cut -= 1;
    }
    let mut out = value.get(..cut).unwrap_or_default().to_vec();
    out.extend_from_slice("…".as_bytes());
    out
}

/// At most this many distinct names are counted in [`Summary::by_column`]; violations of further
/// names (unknown members: a hostile export can invent one per record) are counted under
/// [`OTHER_COLUMNS`], so the summary's memory does not grow with the input.
pub const MAX_COLUMNS_COUNTED: usize = 100;

/// The `by_column` entry that counts names beyond [`MAX_COLUMNS_COUNTED`].
pub const OTHER_COLUMNS: &str = "(other columns)";

/// Totals of a run, as the reporters print them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// What was checked against: `namespace.table` (`canvas_logs.web_logs`).
    pub schema: String,
    /// The namespace's schema version.
    pub schema_version: u32,
    /// Files checked (including ones that failed part-way).
    pub files: u64,
    /// Files that could not be read to the end (each also reported as an error on stderr).
    pub unreadable_files: u64,
    /// Data records read.
    pub records: u64,
    /// Records with no error (warnings allowed).
    pub valid_records: u64,
    /// Records with at least one error.
    pub invalid_records: u64,
    /// Error-level violations.
    pub errors: u64,
    /// Warning-level violations.
    pub warnings: u64,
    /// Violations per code, indexed by [`Code::index`].
    pub by_code: [u64; Code::ALL.len()],
    /// Violations per column name (violations without a column are not counted here); at most
    /// [`MAX_COLUMNS_COUNTED`] names, then [`OTHER_COLUMNS`].
    pub by_column: BTreeMap<String, u64>,
    /// Duplicate keys whose records were byte-identical.
    pub identical_duplicates: u64,
    /// Duplicate keys whose records differed.
    pub conflicting_duplicates: u64,
    /// Unknown values of open enums, per column, in schema order.
    pub open_enum_values: Vec<OpenEnumValues>,
    /// The per-column profile (absent with `--no-profile`).
    pub profile: Option<Box<crate::profile::output::ProfileReport>>,
    /// Drift against `--baseline`, in code order.
    pub drift: Vec<crate::profile::drift::DriftWarning>,
}

/// The unknown values seen in one open-enum column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenEnumValues {
    /// The column.
    pub column: String,
    /// The enum.
    pub enum_name: String,
    /// Values and how often they occurred, most frequent first (ties by value).
    pub values: Vec<(String, u64)>,
    /// Occurrences of values beyond [`MAX_TRACKED_VALUES`] distinct ones.
    pub untracked: u64,
}

impl Summary {
    /// Counts one violation.
    pub fn count(&mut self, violation: &Violation) {
        match violation.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if let Some(slot) = self.by_code.get_mut(violation.code.index()) {
            *slot += 1;
        }
        if let Some(column) = &violation.column {
            if let Some(n) = self.by_column.get_mut(column) {
                *n += 1;
            } else if self.by_column.len() < MAX_COLUMNS_COUNTED {
                self.by_column.insert(column.clone(), 1);
            } else {
                *self.by_column.entry(OTHER_COLUMNS.to_owned()).or_insert(0) += 1;
            }
        }
    }

    /// Whether the run found an error (exit status 1).
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// `by_code` as (code, count) pairs in the contract's order.
    pub fn codes(&self) -> impl Iterator<Item = (Code, u64)> + '_ {
        Code::ALL
            .iter()
            .zip(self.by_code.iter())
            .map(|(c, n)| (*c, *n))
    }
}

/// A small, fast, non-cryptographic hasher (FxHash's multiply-rotate) for the tally's values
/// longer than 16 bytes (shorter ones have a table of their own, `ShortCounts`): they are not
/// attacker-chosen in a way that matters (a slow tally cannot change a verdict).
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        // The tail as one zero-padded word: `Hash for [u8]` writes the length first, so padding
        // cannot make two values alike. (Byte by byte, a tail would cost up to seven
        // dependent multiplies more.)
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            if let Some(head) = word.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Counts of unknown open-enum values, one slot per open-enum column (see
/// [`crate::plan::CheckPlan::open_enum_columns`]). Each worker keeps its own; they are merged at
/// the end, and only sorted output leaves this type, so no report depends on hash order.
#[derive(Debug, Clone, Default)]
pub struct OpenEnumTally {
    slots: Vec<Slot>,
}

#[derive(Debug, Clone)]
struct Slot {
    /// Values of at most [`SHORT_BYTES`] bytes (controller and action names).
    short: ShortCounts,
    /// Longer values.
    long: FxMap<Box<[u8]>, u64>,
    untracked: u64,
    /// Once pruned: the largest rank kept. A new value ranked above it cannot be among the
    /// [`MAX_TRACKED_VALUES`] smallest of the whole run (this slot alone holds that many below
    /// it), so it is untracked at once.
    threshold: u64,
}

impl Default for Slot {
    fn default() -> Slot {
        Slot {
            short: ShortCounts::default(),
            long: FxMap::default(),
            untracked: 0,
            threshold: u64::MAX,
        }
    }
}

impl Slot {
    fn distinct(&self) -> usize {
        self.short.len + self.long.len()
    }

    /// The [`MAX_TRACKED_VALUES`] tracked values of smallest rank, with their counts, and the
    /// occurrences of the others.
    fn kept(&self) -> (Vec<(Vec<u8>, u64)>, u64) {
        let mut ranked: Vec<(u64, Vec<u8>, u64)> = self
            .entries()
            .into_iter()
            .map(|(v, n)| (value_rank(&v), v, n))
            .collect();
        ranked.sort_unstable();
        let dropped: u64 = ranked.iter().skip(MAX_TRACKED_VALUES).map(|e| e.2).sum();
        ranked.truncate(MAX_TRACKED_VALUES);
        let kept = ranked.into_iter().map(|(_, v, n)| (v, n)).collect();
        (kept, self.untracked + dropped)
    }

    /// Drops back to the [`MAX_TRACKED_VALUES`] values of smallest rank.
    #[cold]
    fn prune(&mut self) {
        let (kept, untracked) = self.kept();
        let threshold = kept
            .iter()
            .map(|(v, _)| value_rank(v))
            .max()
            .unwrap_or(u64::MAX);
        *self = Slot {
            untracked,
            threshold,
            ..Slot::default()
        };
        for (value, n) in kept {
            match ShortKey::of(&value) {
                Some(key) => self.short.insert(key, n),
                None => {
                    self.long.insert(value.into_boxed_slice(), n);
                }
            }
        }
    }

    /// Every tracked value with its count, sorted by value.
    fn entries(&self) -> Vec<(Vec<u8>, u64)> {
        let mut entries: Vec<(Vec<u8>, u64)> = self
            .short
            .entries
            .iter()
            .filter(|e| e.count > 0)
            .map(|e| (e.key.value(), e.count))
            .chain(self.long.iter().map(|(v, n)| (v.to_vec(), *n)))
            .collect();
        entries.sort_unstable();
        entries
    }
}

impl OpenEnumTally {
    /// A tally with `slots` columns.
    pub fn new(slots: usize) -> OpenEnumTally {
        OpenEnumTally {
            slots: (0..slots).map(|_| Slot::default()).collect(),
        }
    }

    /// Counts one occurrence of `value` in `slot` (allocates only for a new distinct value).
    #[inline]
    pub fn observe(&mut self, slot: usize, value: &[u8]) {
        let Some(slot) = self.slots.get_mut(slot) else {
            return;
        };
        // The common case: a short value seen before, counted without hashing its bytes one
        // word at a time or comparing them through a pointer.
        if let Some(key) = ShortKey::of(value)
            && let Some(count) = slot.short.get_mut(key)
        {
            *count += 1;
            return;
        }
        Self::observe_new(slot, value, 1);
    }

    fn observe_n(&mut self, slot: usize, value: &[u8], n: u64) {
        if let Some(slot) = self.slots.get_mut(slot) {
            Self::observe_new(slot, value, n);
        }
    }

    #[cold]
    #[inline(never)]
    fn observe_new(slot: &mut Slot, value: &[u8], n: u64) {
        if let Some(key) = ShortKey::of(value) {
            if let Some(count) = slot.short.get_mut(key) {
                *count += n;
            } else if value_rank(value) > slot.threshold {
                slot.untracked += n;
            } else {
                slot.short.insert(key, n);
            }
        } else {
            let bounded;
            let value = if value.len() > MAX_TRACKED_VALUE_BYTES {
                bounded = bounded_value(value);
                bounded.as_slice()
            } else {
                value
            };
            if let Some(count) = slot.long.get_mut(value) {
                *count += n;
            } else if value_rank(value) > slot.threshold {
                slot.untracked += n;
            } else {
                slot.long.insert(value.into(), n);
            }
        }
        if slot.distinct() > PRUNE_AT {
            slot.prune();
        }
    }

    /// Adds another tally's counts to this one (growing to its number of slots: an empty
    /// tally merged into used to drop every count, which lost Parquet's open-enum values).
    pub fn merge(&mut self, other: OpenEnumTally) {
        if self.slots.len() < other.slots.len() {
            self.slots.resize_with(other.slots.len(), Slot::default);
        }
        for (index, slot) in other.slots.into_iter().enumerate() {
            if let Some(mine) = self.slots.get_mut(index) {
                mine.untracked += slot.untracked;
            }
            for (value, n) in slot.entries() {
                self.observe_n(index, &value, n);
            }
        }
    }

    /// The counts of `slot`, most frequent first (ties by value), and the untracked count: the
    /// same whatever order the values came in and however the tallies were split and merged.
    pub fn sorted(&self, slot: usize) -> (Vec<(String, u64)>, u64) {
        let Some(slot) = self.slots.get(slot) else {
            return (Vec::new(), 0);
        };
        let (kept, untracked) = slot.kept();
        let mut values: Vec<(String, u64)> = kept
            .into_iter()
            .map(|(v, n)| (String::from_utf8_lossy(&v).into_owned(), n))
            .collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        (values, untracked)
    }
}

/// Values of at most this many bytes are counted in a slot's inline table ([`ShortCounts`]).
const SHORT_BYTES: usize = 16;

/// A value of at most [`SHORT_BYTES`] bytes held in two words and its length, so that two keys
/// are equal exactly when their values are: for a given length the words cover every byte (the
/// first and last 8 bytes of a 8-16 byte value, which overlap below 16; the first and last 4 of
/// a 4-7 byte one; the first, middle and last byte of a shorter one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct ShortKey {
    words: [u64; 2],
    len: u64,
}

impl ShortKey {
    #[inline]
    fn of(value: &[u8]) -> Option<ShortKey> {
        let len = value.len();
        let words = match len {
            0 => [0, 0],
            1..=3 => {
                let byte = |i: usize| u64::from(value.get(i).copied().unwrap_or(0));
                [byte(0) | byte(len / 2) << 8 | byte(len - 1) << 16, 0]
            }
            4..=7 => {
                let half = |i: usize| {
                    let mut w = [0u8; 4];
                    if let Some(bytes) = value.get(i..i + 4) {
                        w.copy_from_slice(bytes);
                    }
                    u64::from(u32::from_le_bytes(w))
                };
                [half(0) | half(len - 4) << 32, 0]
            }
            8..=SHORT_BYTES => {
                let word = |i: usize| {
                    let mut w = [0u8; 8];
                    if let Some(bytes) = value.get(i..i + 8) {
                        w.copy_from_slice(bytes);
                    }
                    u64::from_le_bytes(w)
                };
                [word(0), word(len - 8)]
            }
            _ => return None,
        };
        Some(ShortKey {
            words,
            len: len as u64,
        })
    }

    /// The value back from its words.
    fn value(self) -> Vec<u8> {
        let len = self.len as usize;
        let (w0, w1) = (self.words[0].to_le_bytes(), self.words[1].to_le_bytes());
        // What `of` stored: the first `k` bytes, and the `k` bytes that end the value.
        let (first, last): (&[u8], &[u8]) = match len {
            0..=3 => {
                let [a, b, c, ..] = w0;
                return match len {
                    0 => Vec::new(),
                    1 => vec![a],
                    2 => vec![a, c],
                    _ => vec![a, b, c],
                };
            }
            4..=7 => w0.split_at(4),
            _ => (&w0, &w1),
        };
        let k = first.len();
        let mut value = first.to_vec();
        value.extend_from_slice(last.get(2 * k - len..).unwrap_or_default());
        value
    }

    /// A table index: two independent multiplies, folded.
    #[inline]
    fn index(self, mask: usize) -> usize {
        let h = (self.words[0] ^ self.len.rotate_right(8)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ self.words[1].wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        ((h >> 32) ^ h) as usize & mask
    }
}

/// An open-addressing table of short values and their counts, held inline: finding a value
/// seen before takes two multiplies and a comparison of three words. Half full at most; a
/// count of 0 marks an empty entry.
#[derive(Debug, Clone, Default)]
struct ShortCounts {
    entries: Vec<ShortEntry>,
    len: usize,
}

#[derive(Debug, Clone, Copy, Default)]
struct ShortEntry {
    key: ShortKey,
    count: u64,
}

impl ShortCounts {
    const INITIAL: usize = 64;

    #[inline]
    fn get_mut(&mut self, key: ShortKey) -> Option<&mut u64> {
        let mask = self.entries.len().checked_sub(1)?;
        let mut i = key.index(mask);
        loop {
            let entry = self.entries.get(i)?;
            if entry.count == 0 {
                return None;
            }
            if entry.key == key {
                return self.entries.get_mut(i).map(|e| &mut e.count);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a key known to be absent (nothing for a count of 0: it would read as empty).
    fn insert(&mut self, key: ShortKey, count: u64) {
        if count == 0 {
            return;
        }
        if (self.len + 1) * 2 > self.entries.len() {
            let size = (self.entries.len() * 2).max(Self::INITIAL);
            let old = std::mem::replace(&mut self.entries, vec![ShortEntry::default(); size]);
            for entry in old.into_iter().filter(|e| e.count > 0) {
                self.place(entry);
            }
        }
        self.place(ShortEntry { key, count });
        self.len += 1;
    }

    fn place(&mut self, new: ShortEntry) {
        let mask = self.entries.len().wrapping_sub(1);
        let mut i = new.key.index(mask);
        while let Some(entry) = self.entries.get_mut(i) {
            if entry.count == 0 {
                *entry = new;
                return;
            }
            i = (i + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the bound, the values kept and their counts depend only on the values seen: the same
    /// for one tally fed in order, in reverse, or split over three tallies merged in two orders,
    /// and equal to the reference (the values of smallest rank, with exact counts).
    #[test]
    fn past_the_bound_the_tally_does_not_depend_on_order_or_threads() {
        let distinct = PRUNE_AT * 2 + 1_000;
        let value = |i: usize| {
            if i.is_multiple_of(5) {
                format!("controller/with/a/longer/name/{i}")
            } else {
                format!("c{i}")
            }
        };
        let count = |i: usize| 1 + (i % 3) as u64;
        let occurrences: Vec<usize> = (0..distinct)
            .flat_map(|i| std::iter::repeat_n(i, count(i) as usize))
            .collect();
        let feed = |order: &mut dyn Iterator<Item = &usize>, tally: &mut OpenEnumTally| {
            for &i in order {
                tally.observe(0, value(i).as_bytes());
            }
        };
        let mut forward = OpenEnumTally::new(1);
        feed(&mut occurrences.iter(), &mut forward);
        let mut backward = OpenEnumTally::new(1);
        feed(&mut occurrences.iter().rev(), &mut backward);
        let mut parts: Vec<OpenEnumTally> = (0..3).map(|_| OpenEnumTally::new(1)).collect();
        for (n, i) in occurrences.iter().enumerate() {
            if let Some(part) = parts.get_mut((n * 7 + i) % 3) {
                part.observe(0, value(*i).as_bytes());
            }
        }
        let mut merged = OpenEnumTally::new(1);
        for part in parts.iter().cloned() {
            merged.merge(part);
        }
        let mut merged_reversed = OpenEnumTally::new(1);
        for part in parts.into_iter().rev() {
            merged_reversed.merge(part);
        }
        let mut reference: Vec<(u64, String, u64)> = (0..distinct)
            .map(|i| (value_rank(value(i).as_bytes()), value(i), count(i)))
            .collect();
        reference.sort();
        let total: u64 = reference.iter().map(|r| r.2).sum();
        reference.truncate(MAX_TRACKED_VALUES);
        let kept_total: u64 = reference.iter().map(|r| r.2).sum();
        let mut expected: Vec<(String, u64)> = reference.into_iter().map(|r| (r.1, r.2)).collect();
        expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let expected = (expected, total - kept_total);
        assert!(forward.sorted(0) == expected, "forward");
        assert!(backward.sorted(0) == expected, "backward");
        assert!(merged.sorted(0) == expected, "merged");
        assert!(merged_reversed.sorted(0) == expected, "merged in reverse");
    }

    #[test]
    fn tally_counts_sorts_and_bounds() {
        let mut a = OpenEnumTally::new(1);
        a.observe(0, b"courses");
        a.observe(0, b"users");
        a.observe(0, b"courses");
        let mut b = OpenEnumTally::new(1);
        b.observe(0, b"users");
        b.observe(0, b"users");
        a.merge(b);
        let (values, untracked) = a.sorted(0);
        assert_eq!(values, [("users".to_owned(), 3), ("courses".to_owned(), 2)]);
        assert_eq!(untracked, 0);
        // Merged into an empty tally (the merge step's own), nothing is lost.
        let mut empty = OpenEnumTally::default();
        empty.merge(a.clone());
        assert_eq!(empty.sorted(0), a.sorted(0));
        let mut big = OpenEnumTally::new(1);
        for i in 0..MAX_TRACKED_VALUES + 5 {
            big.observe(0, i.to_string().as_bytes());
        }
        let (values, untracked) = big.sorted(0);
        assert_eq!(values.len(), MAX_TRACKED_VALUES);
        assert_eq!(untracked, 5);
        // Out-of-range slots are ignored, never a panic.
        big.observe(9, b"x");
        // Values that differ only in trailing NULs or in length hash apart from each other's
        // padding, and every tail length (0-7 bytes past a word) counts on its own.
        let mut tails = OpenEnumTally::new(1);
        let values: Vec<&[u8]> = vec![
            b"a",
            b"a\0",
            b"a\0\0",
            b"",
            b"\0",
            b"abcdefgh",
            b"abcdefgh\0",
            b"abcdefghi",
            b"login/oauth2",
            b"login/oauth2\0\0\0\0",
        ];
        for (n, value) in values.iter().enumerate() {
            for _ in 0..=n {
                tails.observe(0, value);
            }
        }
        let (counted, _) = tails.sorted(0);
        assert_eq!(counted.len(), values.len());
        for (n, value) in values.iter().enumerate() {
            let text = String::from_utf8_lossy(value).into_owned();
            assert!(counted.contains(&(text, n as u64 + 1)), "{value:?}");
        }
    }

    #[test]
    fn short_keys_hold_every_byte_and_give_the_value_back() {
        for len in 0..=SHORT_BYTES {
            let base: Vec<u8> = (0..len as u8).map(|i| b'a' + i).collect();
            let key = ShortKey::of(&base).expect("short");
            assert_eq!(key.value(), base, "{len}");
            for at in 0..len {
                for b in [0u8, b'a', 0x7F, 0x80, 0xFF] {
                    let mut changed = base.clone();
                    if changed[at] == b {
                        continue;
                    }
                    changed[at] = b;
                    let other = ShortKey::of(&changed).expect("short");
                    assert_ne!(other, key, "{len} {at} {b}");
                    assert_eq!(other.value(), changed, "{len} {at} {b}");
                }
            }
            // A value one byte shorter, padded with what the longer one holds there, differs.
            if len > 0 {
                assert_ne!(ShortKey::of(&base[..len - 1]), Some(key), "{len}");
            }
        }
        assert_eq!(ShortKey::of(&[b'x'; SHORT_BYTES + 1]), None);
    }

    #[test]
    fn tally_matches_a_plain_count_through_growth_merges_and_both_tables() {
        // Values of every length from 0 to 40 bytes (short and long ones), hundreds of distinct
        // ones (the inline table grows past its first 64 entries), observed unevenly.
        let pool: Vec<Vec<u8>> = (0..400u32)
            .map(|i| {
                let len = (i as usize * 7) % 41;
                (0..len)
                    .map(|j| b'a' + ((i as usize + j) % 26) as u8)
                    .collect()
            })
            .collect();
        let mut reference: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let (mut one, mut two) = (OpenEnumTally::new(2), OpenEnumTally::new(2));
        let mut x = 1u64;
        for n in 0..20_000u64 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let value = &pool[((x >> 33) % 400) as usize % (1 + (n as usize % 400))];
            *reference.entry(value.clone()).or_default() += 1;
            if n % 3 == 0 {
                one.observe(1, value);
            } else {
                two.observe(1, value);
            }
        }
        one.merge(two);
        let (counted, untracked) = one.sorted(1);
        assert_eq!(untracked, 0);
        let mut expected: Vec<(String, u64)> = reference
            .into_iter()
            .map(|(v, n)| (String::from_utf8(v).expect("ascii"), n))
            .collect();
        expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        assert_eq!(counted, expected);
        assert_eq!(one.sorted(0), (Vec::new(), 0), "the other slot saw nothing");
    }

    #[test]
    fn long_values_are_tracked_by_a_bounded_prefix() {
        let mut tally = OpenEnumTally::new(1);
        let long = "é".repeat(10_000);
        tally.observe(0, long.as_bytes());
        tally.observe(0, format!("{long}x").as_bytes());
        let (values, _) = tally.sorted(0);
        assert_eq!(values.len(), 1, "same prefix, one entry");
        let (value, count) = &values[0];
        assert_eq!(*count, 2);
        assert!(
            value.len() <= MAX_TRACKED_VALUE_BYTES + 3,
            "{}",
            value.len()
        );
        assert!(value.ends_with('…') && !value.contains('\u{fffd}'));
    }

    #[test]
    fn by_column_is_bounded() {
        let mut summary = Summary::default();
        for i in 0..MAX_COLUMNS_COUNTED + 7 {
            summary.count(&Violation {
                file: "a".into(),
                line: None,
                record: None,
                column: Some(format!("unknown{i}")),
                code: Code::UnknownColumn,
                severity: Severity::Error,
                message: String::new(),
                value: None,
            });
        }
        assert_eq!(summary.by_column.len(), MAX_COLUMNS_COUNTED + 1);
        assert_eq!(summary.by_column.get(OTHER_COLUMNS), Some(&7));
        assert_eq!(summary.errors, MAX_COLUMNS_COUNTED as u64 + 7);
    }
}
