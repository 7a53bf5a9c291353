//! The run's totals: records, verdicts, violations by code and column, unknown open-enum values.

use crate::violation::{Code, Severity, Violation};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// At most this many distinct unknown values are tracked per open-enum column; further distinct
/// values are counted together as "untracked". Which values are tracked past the limit may depend
/// on how records were spread over the checking threads; counts of tracked values are exact below it.
pub const MAX_TRACKED_VALUES: usize = 1000;

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

/// A small, fast, non-cryptographic hasher (FxHash's multiply-rotate) for the tally's keys: the
/// values are short and not attacker-chosen in a way that matters (a slow tally cannot change a
/// verdict).
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
        // cannot make two values alike. (Byte by byte, the usual 9-15 byte controller names
        // cost up to seven dependent multiplies more.)
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

#[derive(Debug, Clone, Default)]
struct Slot {
    counts: FxMap<Box<[u8]>, u64>,
    untracked: u64,
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
        self.observe_n(slot, value, 1);
    }

    fn observe_n(&mut self, slot: usize, value: &[u8], n: u64) {
        let Some(slot) = self.slots.get_mut(slot) else {
            return;
        };
        let long;
        let value = if value.len() > MAX_TRACKED_VALUE_BYTES {
            long = bounded_value(value);
            long.as_slice()
        } else {
            value
        };
        if let Some(count) = slot.counts.get_mut(value) {
            *count += n;
        } else if slot.counts.len() < MAX_TRACKED_VALUES {
            slot.counts.insert(value.into(), n);
        } else {
            slot.untracked += n;
        }
    }

    /// Adds another tally's counts to this one.
    pub fn merge(&mut self, other: OpenEnumTally) {
        for (index, slot) in other.slots.into_iter().enumerate() {
            if let Some(mine) = self.slots.get_mut(index) {
                mine.untracked += slot.untracked;
            }
            let mut entries: Vec<(Box<[u8]>, u64)> = slot.counts.into_iter().collect();
            entries.sort_unstable();
            for (value, n) in entries {
                self.observe_n(index, &value, n);
            }
        }
    }

    /// The counts of `slot`, most frequent first (ties by value), and the untracked count.
    pub fn sorted(&self, slot: usize) -> (Vec<(String, u64)>, u64) {
        let Some(slot) = self.slots.get(slot) else {
            return (Vec::new(), 0);
        };
        let mut values: Vec<(String, u64)> = slot
            .counts
            .iter()
            .map(|(v, n)| (String::from_utf8_lossy(v).into_owned(), *n))
            .collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        (values, slot.untracked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
