//! The check plan: the model's rules compiled once into per-column checks.
//!
//! The plan knows columns and types, never file formats. A reader (JSONL today; CSV, TSV and
//! Parquet later) turns each field into a [`FieldValue`] and calls [`CheckPlan::check`]; it
//! reports absent columns with [`CheckPlan::missing`] and the envelope with
//! [`CheckPlan::check_meta_ts`] and [`CheckPlan::check_meta_action`]. Findings go into a
//! [`Findings`] buffer owned by the caller; nothing is allocated unless a rule is broken.
//!
//! Rules, per column type (they restate the emitted JSON Schema):
//!
//! | type | accepted | else |
//! |---|---|---|
//! | any | `null` (or absent) when nullable | `not_null` |
//! | uuid, timestamp, ip | a string in the form of [`crate::formats`] | `type` / `format` |
//! | int32, int64 | an integer literal within the width | `type` / `range` |
//! | bool | `true`, `false` | `type` |
//! | string | any string; with `max_length`, at most that many Unicode scalar values unless it is a sentinel (either spelling) | `type` / `max_length` |
//! | closed string enum | exactly a listed value (case-sensitive; sentinels in both spellings) | `type` / `enum` |
//! | closed integer enum | an integer literal equal to a listed value (HTTPStatus by number) | `type` / `enum` |
//! | open enum | a listed value or any other string; unknown strings are counted, not reported | `type` (`enum` for an unlisted integer of an open integer enum) |
//!
//! Integers: a number with a fraction or an exponent (`1.0`, `1e2`) is a `type` violation for an
//! integer column or integer enum. This is one of the two deliberate divergences from JSON Schema,
//! whose `integer` admits `1.0`: a database or a typed reader would reject it (the other, a key
//! repeated in one object, is the reader's `malformed`). An integer literal
//! outside the width is `range` (for an integer enum, `enum`), however many digits it has.

use crate::formats;
use crate::target::{Target, TargetRule};
use crate::violation::{Code, truncate_bytes};
use canvas_logs_codegen::model::{ColumnType, EnumRepr, Namespace, Table};

/// One field's value as a reader delivers it, independent of the file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// JSON `null` (CSV `NULL`/empty, TSV `\N`).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer literal's text: `-?(0|[1-9][0-9]*)`, any number of digits.
    Integer(&'a [u8]),
    /// A number with a fraction or exponent, as written.
    Number(&'a [u8]),
    /// Text, already unescaped; always valid UTF-8.
    String(&'a [u8]),
    /// A JSON object's raw text (only ever a `type` violation).
    Object(&'a [u8]),
    /// A JSON array's raw text (only ever a `type` violation).
    Array(&'a [u8]),
}

/// A value a binary format (Parquet) read as what it is, and found valid for its column when
/// it read it: checked and profiled without text. Values that would break a rule are not
/// typed but rendered as text and checked like any other format's, so every format reports the
/// same violations with the same messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// An integer within the column's type; `member`: its place among an integer enum's sorted
    /// values (what [`Checked::Member`] says of it).
    Int {
        /// The integer.
        value: i64,
        /// See the variant.
        member: Option<u32>,
    },
    /// A timestamp in years 0001-9999, in microseconds since the Unix epoch.
    Micros(i64),
    /// A boolean.
    Bool(bool),
    /// A uuid.
    Uuid(u128),
}

impl FieldValue<'_> {
    /// What the value is, for messages ("found a string").
    pub fn describe(&self) -> &'static str {
        match self {
            FieldValue::Null => "null",
            FieldValue::Bool(_) => "a boolean",
            FieldValue::Integer(_) => "an integer",
            FieldValue::Number(_) => "a number with a fraction or exponent",
            FieldValue::String(_) => "a string",
            FieldValue::Object(_) => "an object",
            FieldValue::Array(_) => "an array",
        }
    }

    /// The value as report text (truncated), `None` for null.
    pub fn report_text(&self) -> Option<String> {
        match self {
            FieldValue::Null => None,
            FieldValue::Bool(b) => Some(b.to_string()),
            FieldValue::Integer(t)
            | FieldValue::Number(t)
            | FieldValue::String(t)
            | FieldValue::Object(t)
            | FieldValue::Array(t) => Some(truncate_bytes(t)),
        }
    }
}

/// Which column a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// A table column, by index into [`CheckPlan::columns`].
    Column(usize),
    /// `meta.ts`.
    MetaTs,
    /// `meta.action`.
    MetaAction,
    /// A name that is not a column (`unknown_column`), as the report should print it.
    Named(Box<str>),
    /// The record as a whole.
    Record,
}

/// One broken rule inside a record, before it is placed in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The column.
    pub column: ColumnRef,
    /// The rule.
    pub code: Code,
    /// What is wrong.
    pub message: String,
    /// The offending value, truncated; `None` when absent or null.
    pub value: Option<String>,
}

/// The findings of one record (a reusable buffer).
#[derive(Debug, Default)]
pub struct Findings {
    items: Vec<Finding>,
}

impl Findings {
    /// Adds a finding.
    pub fn push(&mut self, column: ColumnRef, code: Code, message: String, value: Option<String>) {
        self.items.push(Finding {
            column,
            code,
            message,
            value,
        });
    }

    /// The findings so far.
    pub fn as_slice(&self) -> &[Finding] {
        &self.items
    }

    /// How many findings there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Forgets the findings after the first `len`.
    pub fn truncate(&mut self, len: usize) {
        self.items.truncate(len);
    }

    /// Forgets the findings in `range`.
    pub fn remove_range(&mut self, range: std::ops::Range<usize>) {
        if range.end <= self.items.len() {
            self.items.drain(range);
        }
    }

    /// Moves the findings in `range` after all the others, keeping each group's order.
    pub fn move_to_end(&mut self, range: std::ops::Range<usize>) {
        if let Some(tail) = self.items.get_mut(range.start..) {
            tail.rotate_left(range.len().min(tail.len()));
        }
    }

    /// Moves every finding out, leaving the buffer empty.
    pub fn drain(&mut self) -> std::vec::Drain<'_, Finding> {
        self.items.drain(..)
    }
}

/// What a successful check learned beyond "valid".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Valid (or null where allowed).
    Valid,
    /// Valid: member number `0` of the column's enum (the number [`LiteralSet::get`] gives, or
    /// the index in an integer enum's sorted values), for the profile's histogram.
    Member(u32),
    /// Valid, and a value outside the listed members of an open enum: the caller counts it in
    /// [`crate::summary::OpenEnumTally`] slot `0` once it knows the record is readable. (A
    /// `u32`, so that a `Checked` fits one register: with a `usize` it came back through
    /// memory, and the reload stalled the CSV checker.)
    OpenEnumValue(u32),
    /// At least one finding was added.
    Invalid,
}

impl Checked {
    /// An open-enum value of slot `slot` (slots number the open-enum columns, far fewer than
    /// `u32::MAX`).
    #[inline]
    pub fn open(slot: usize) -> Checked {
        Checked::OpenEnumValue(u32::try_from(slot).unwrap_or(u32::MAX))
    }

    /// The open-enum slot of an [`Checked::OpenEnumValue`].
    #[inline]
    pub fn open_slot(self) -> Option<usize> {
        match self {
            Checked::OpenEnumValue(slot) => Some(slot as usize),
            _ => None,
        }
    }

    /// Whether the value passed (a member, an open-enum value or any other valid value).
    pub fn is_valid(self) -> bool {
        self != Checked::Invalid
    }
}

/// The value of `meta.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `U`: an upsert.
    Upsert,
    /// `D`: a hard delete; its `value` is not checked.
    Delete,
}

/// A small set of byte strings, looked up by length first and then by comparing bytes: no
/// hashing, and for enums of a few dozen members rarely more than one comparison.
#[derive(Debug, Clone, Default)]
pub struct LiteralSet {
    by_length: Vec<Vec<(Box<[u8]>, usize)>>,
}

impl LiteralSet {
    /// Adds `literal` with an associated number (returned by [`LiteralSet::get`]).
    pub fn insert(&mut self, literal: &[u8], id: usize) {
        let len = literal.len();
        if self.by_length.len() <= len {
            self.by_length.resize_with(len + 1, Vec::new);
        }
        if let Some(bucket) = self.by_length.get_mut(len)
            && !bucket.iter().any(|(l, _)| &**l == literal)
        {
            bucket.push((literal.into(), id));
        }
    }

    /// The number associated with `literal`, if it is in the set. Always inlined: the enum
    /// checks call it on every value, and as a call it cost 14M instructions more on the
    /// bench's first 100k records.
    #[inline(always)]
    pub fn get(&self, literal: &[u8]) -> Option<usize> {
        self.by_length
            .get(literal.len())?
            .iter()
            .find(|(l, _)| bytes_eq(l, literal))
            .map(|(_, id)| *id)
    }

    /// Every literal in the set (by length, then insertion order).
    pub fn literals(&self) -> impl Iterator<Item = &[u8]> {
        self.by_length
            .iter()
            .flatten()
            .map(|(literal, _)| &**literal)
    }

    /// Every number associated with a literal.
    pub fn ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.by_length.iter().flatten().map(|(_, id)| *id)
    }

    /// Whether `literal` is in the set.
    #[inline]
    pub fn contains(&self, literal: &[u8]) -> bool {
        self.get(literal).is_some()
    }
}

/// The compiled rule of one column.
#[derive(Debug, Clone)]
pub enum Rule {
    /// A hyphenated uuid string.
    Uuid,
    /// A UTC timestamp string.
    Timestamp,
    /// An integer in `i32`.
    Int32,
    /// An integer in `i64`.
    Int64,
    /// `true`/`false`.
    Bool,
    /// An IPv4/IPv6 string.
    Ip,
    /// Text, optionally length-limited; sentinels always pass.
    Text {
        /// Maximum length in Unicode scalar values.
        max_chars: Option<u32>,
        /// Every accepted spelling of the column's sentinels.
        sentinels: LiteralSet,
    },
    /// A string enum.
    StringEnum {
        /// The enum's name, for messages.
        name: Box<str>,
        /// Every accepted spelling of every member.
        members: LiteralSet,
        /// A short list of members for messages.
        listing: Box<str>,
        /// The members' canonical values, by the number `members` associates with them.
        canonical: Box<[Box<str>]>,
        /// Whether other strings are valid too; `Some(slot)` is the tally slot.
        open_slot: Option<usize>,
    },
    /// An integer enum (HTTPStatus).
    IntegerEnum {
        /// The enum's name, for messages.
        name: Box<str>,
        /// The members' values, sorted, with a dense index.
        members: IntegerMembers,
        /// Whether any string is valid too (an open integer enum); `Some(slot)` is the tally slot.
        open_slot: Option<usize>,
    },
}

/// One column's plan.
#[derive(Debug, Clone)]
pub struct ColumnPlan {
    /// The schema column name.
    pub name: Box<str>,
    /// Whether null/absent is allowed.
    pub nullable: bool,
    /// Whether it is a primary key column (it lives under `key`).
    pub in_key: bool,
    /// The type rule.
    pub rule: Rule,
    /// What `--target`'s database adds to the rule ([`crate::target`]).
    pub target: Option<TargetRule>,
}

/// The whole plan for one table.
#[derive(Debug, Clone)]
pub struct CheckPlan {
    table: Box<str>,
    namespace: Box<str>,
    schema_version: u32,
    /// This run's seed for key fingerprints ([`crate::dedup::KeyFingerprint::seeded`]).
    key_seed: u64,
    columns: Vec<ColumnPlan>,
    key_names: LiteralSet,
    value_names: LiteralSet,
    key_columns: Vec<usize>,
    value_columns: Vec<usize>,
    /// The columns of `key_columns` and of `value_columns` that are not nullable, in the same
    /// order: the only ones whose absence is a finding.
    required_key_columns: Vec<usize>,
    required_value_columns: Vec<usize>,
    /// For each column, its position in `key_columns` or `value_columns`.
    section_position: Vec<usize>,
    /// The key columns in key order, and the value columns in table order, each with its plain
    /// member pattern: what the JSONL reader expects next.
    key_expected: Vec<ExpectedMember>,
    value_expected: Vec<ExpectedMember>,
    /// `key_expected` and `value_expected` by name (see [`MemberTable`]).
    key_table: MemberTable,
    value_table: MemberTable,
    open_enum_slots: Vec<usize>,
    /// Whether readers hand on each record's key and hash for the duplicate check.
    duplicate_check: bool,
    /// Whether readers stage each field for the per-column profile.
    profile: bool,
    /// The `--target` database, whose rules some columns carry.
    target: Option<Target>,
}

/// A string rule whose valid values have a fixed shape: a few possible lengths, and only bytes
/// that need no escaping (hex digits, digits, `-`, `:`, `.`, `T`, `Z`). A value written plainly
/// can then be checked where it stands, without scanning for its closing quote first: when the
/// candidate is valid, the scan would have stopped at the same quote (a valid value holds none)
/// and the check would have found it valid; when it is not, the reader takes the general path,
/// which finds exactly what it always finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixedForm {
    /// Any other rule.
    None,
    /// [`formats::is_uuid`]: 36 bytes.
    Uuid,
    /// [`formats::is_timestamp`]: 20 bytes, or 22 to 27 with a fraction.
    Timestamp,
}

impl FixedForm {
    /// The length of the valid value of this form at the start of `rest` (what follows a
    /// string's opening quote), followed by its closing `"`; `None` when there is none.
    #[inline]
    pub fn valid_len(self, rest: &[u8]) -> Option<usize> {
        match self {
            FixedForm::None => None,
            FixedForm::Uuid => {
                (rest.get(36) == Some(&b'"') && formats::is_uuid(rest.get(..36)?)).then_some(36)
            }
            FixedForm::Timestamp => {
                // It ends with `Z"`: microseconds first (what DAP writes), whole seconds next.
                let len = [27, 20, 26, 25, 24, 23, 22]
                    .into_iter()
                    .find(|&n| rest.get(n - 1..=n) == Some(b"Z\""))?;
                formats::is_timestamp(rest.get(..len)?).then_some(len)
            }
        }
    }
}

/// A column as the JSONL reader expects to meet it: its index and its member name written
/// plainly with the colon, `"name":` (what [`MemberTable`] and
/// [`crate::json::Scanner::try_member`] compare).
#[derive(Debug, Clone)]
pub struct ExpectedMember {
    /// The column's index in [`CheckPlan::columns`].
    pub column: usize,
    /// The fixed form of the column's valid values, if its rule has one.
    pub fixed: FixedForm,
    /// `"name":`.
    pattern: Box<[u8]>,
}

impl ExpectedMember {
    /// The member of column `column` named `name`.
    fn new(column: usize, name: &str, fixed: FixedForm) -> ExpectedMember {
        ExpectedMember {
            column,
            fixed,
            pattern: format!("\"{name}\":").into_bytes().into_boxed_slice(),
        }
    }

    /// `"name":`.
    #[inline]
    pub fn pattern(&self) -> &[u8] {
        &self.pattern
    }

    /// The column's name (the pattern without its quotes and colon).
    #[inline]
    pub fn name(&self) -> &[u8] {
        self.pattern
            .get(1..self.pattern.len().saturating_sub(2))
            .unwrap_or_default()
    }
}

/// The members of an integer enum: their values sorted, and where their range is narrow (HTTP
/// statuses span 100-599) a table from value to member, so a lookup is one load. A binary
/// search over the 60-odd statuses took 3% of the checking thread on the bench's layouts (its
/// branches are as unpredictable as the statuses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegerMembers {
    /// Sorted, without repeats.
    values: Box<[i64]>,
    /// The smallest value.
    low: i64,
    /// Per value from `low`, its member index + 1 (0: not a member); empty when the range is
    /// wider than [`IntegerMembers::DENSE`].
    dense: Box<[u16]>,
}

impl IntegerMembers {
    /// The widest range of values indexed densely.
    const DENSE: i64 = 4096;

    /// The members with these values (in any order).
    pub fn new(mut values: Vec<i64>) -> IntegerMembers {
        values.sort_unstable();
        values.dedup();
        let low = values.first().copied().unwrap_or(0);
        let high = values.last().copied().unwrap_or(0);
        let dense = match high.checked_sub(low) {
            Some(span) if span < Self::DENSE && values.len() < usize::from(u16::MAX) => {
                let mut dense = vec![0u16; (span + 1) as usize];
                for (index, v) in values.iter().enumerate() {
                    if let Some(slot) = dense.get_mut((v - low) as usize) {
                        *slot = (index + 1) as u16;
                    }
                }
                dense
            }
            _ => Vec::new(),
        };
        IntegerMembers {
            values: values.into_boxed_slice(),
            low,
            dense: dense.into_boxed_slice(),
        }
    }

    /// The member index of `value`, if it is a member.
    #[inline]
    pub fn index_of(&self, value: i64) -> Option<usize> {
        if self.dense.is_empty() {
            return self.values.binary_search(&value).ok();
        }
        let at = usize::try_from(value.wrapping_sub(self.low)).ok()?;
        match self.dense.get(at).copied() {
            Some(found) if found > 0 => Some(usize::from(found) - 1),
            _ => None,
        }
    }
}

impl std::ops::Deref for IntegerMembers {
    type Target = [i64];

    fn deref(&self) -> &[i64] {
        &self.values
    }
}

/// The expected members of a section by name, for the JSONL walker: one lookup at a member's
/// opening quote, the same for every member order and every producer. The name's end is the
/// second `"` in the 32 bytes from the quote (two SSE2 comparisons through `wide`); its length
/// and its first and last 8 bytes hash to one slot of a collision-free table (the multiplier
/// is searched for when the plan is compiled), and that slot's pattern `"name":` is compared
/// with the same 32 bytes under a mask. No loop, and no branch on the name's length. The
/// member the walker's learnt order predicts is tried first with the same masked comparison
/// (see [`MemberTable::find`]); the table replaced the scan of candidates by their first two
/// characters that followed a wrong prediction, whose word-at-a-time comparisons mispredicted
/// their loop exits on a file mixing producers line by line (mixed layout 174 -> 170 ms). A
/// name of 30 bytes or more, one with an escape, or an unknown one is not found here; the
/// general path reads it.
#[derive(Debug, Clone)]
pub struct MemberTable {
    /// Per slot, the position of the member hashed there + 1 (0: none).
    slots: Box<[u16]>,
    multiplier: u64,
    /// 64 minus the slot count's bits.
    shift: u32,
    /// Per position in the section, its pattern (`None`: too long for the table).
    patterns: Box<[Option<MemberPattern>]>,
}

/// A member's `"name":` padded with zeros to 32 bytes, and the mask of its bytes.
#[derive(Debug, Clone, Copy)]
struct MemberPattern {
    low: wide::i8x16,
    high: wide::i8x16,
    mask: u32,
    len: usize,
}

/// The 32 bytes at a member's opening quote, as two vectors.
#[derive(Clone, Copy)]
struct Window {
    low: wide::i8x16,
    high: wide::i8x16,
}

impl Window {
    #[inline]
    fn new(bytes: &[u8; 32]) -> Window {
        let (low, high) = bytes.split_at(16);
        let mut l = [0u8; 16];
        let mut h = [0u8; 16];
        l.copy_from_slice(low);
        h.copy_from_slice(high);
        Window {
            low: bytemuck::cast(l),
            high: bytemuck::cast(h),
        }
    }

    /// The bits of the bytes equal to those of `low` and `high`.
    #[inline]
    fn equal(&self, low: wide::i8x16, high: wide::i8x16) -> u32 {
        use wide::CmpEq;
        (self.low.cmp_eq(low).move_mask() as u32)
            | ((self.high.cmp_eq(high).move_mask() as u32) << 16)
    }

    /// Where the name that starts after the window's first byte ends: the offset of the next
    /// `"`, when it is within the first 31 bytes (so a `:` can follow it).
    #[inline]
    fn name_end(&self) -> Option<usize> {
        let quote = wide::i8x16::splat(b'"' as i8);
        let end = (self.equal(quote, quote) & !1).trailing_zeros() as usize;
        (end < 31).then_some(end)
    }
}

/// The hash key of the name in `bytes` (at least 32 of them) from offset 1 to `end`: its
/// length and its first and last 8 bytes (the same word when it has 8 or fewer), read from the
/// input rather than the window's vectors (a load through the stack copy stalled).
#[inline]
fn name_key(bytes: &[u8], end: usize) -> u64 {
    let len = end - 1;
    let mask = ((1u128 << (8 * len.min(8))) - 1) as u64;
    let first = word8(bytes, 1) & mask;
    let last = word8(bytes, 1 + len.max(8) - 8) & mask;
    first ^ last.rotate_left(31) ^ len as u64
}

impl MemberTable {
    /// The table of `members`.
    fn new(members: &[ExpectedMember]) -> MemberTable {
        let patterns: Box<[Option<MemberPattern>]> = members
            .iter()
            .map(|e| {
                let pattern = e.pattern();
                let mut bytes = [0u8; 32];
                bytes.get_mut(..pattern.len())?.copy_from_slice(pattern);
                let window = Window::new(&bytes);
                // The name's closing quote must be the pattern's (no `"` inside the name).
                if window.name_end()? + 2 != pattern.len() {
                    return None;
                }
                Some(MemberPattern {
                    low: window.low,
                    high: window.high,
                    mask: ((1u64 << pattern.len()) - 1) as u32,
                    len: pattern.len(),
                })
            })
            .collect();
        // The keys from the patterns read again: one pass for both (cold code) moved the
        // compiler's inlining in the walker and cost 2% there.
        let keys: Vec<(usize, u64)> = members
            .iter()
            .zip(&patterns)
            .enumerate()
            .filter_map(|(position, (e, p))| {
                p.as_ref()?;
                let mut bytes = [0u8; 32];
                bytes
                    .get_mut(..e.pattern().len())?
                    .copy_from_slice(e.pattern());
                Some((position, name_key(&bytes, Window::new(&bytes).name_end()?)))
            })
            .collect();
        // The smallest table, with at least twice as many slots as members, for which one of
        // a fixed series of multipliers puts every member in a slot of its own (on web_logs,
        // 64 slots for 25 members); were none found, members that collide are left to the
        // general path (slower, never wrong).
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut multiplier = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) | 1
        };
        let min_bits = (keys.len() * 2).next_power_of_two().trailing_zeros().max(4);
        let mut best: Option<MemberTable> = None;
        'search: for bits in min_bits..=min_bits + 4 {
            for _ in 0..256 {
                let mut table = MemberTable {
                    slots: vec![0u16; 1 << bits].into_boxed_slice(),
                    multiplier: multiplier(),
                    shift: 64 - bits,
                    patterns: patterns.clone(),
                };
                let mut placed = 0;
                for &(position, key) in &keys {
                    if let Some(slot) = table.slots.get_mut(table.slot(key))
                        && *slot == 0
                    {
                        *slot = u16::try_from(position + 1).unwrap_or(0);
                        placed += 1;
                    }
                }
                let best_placed = best
                    .as_ref()
                    .map_or(0, |b| b.slots.iter().filter(|&&s| s != 0).count());
                if best.is_none() || placed > best_placed {
                    best = Some(table);
                }
                if placed == keys.len() {
                    break 'search;
                }
            }
        }
        best.unwrap_or(MemberTable {
            slots: Box::new([]),
            multiplier: 1,
            shift: 63,
            patterns,
        })
    }

    #[inline]
    fn slot(&self, key: u64) -> usize {
        (key.wrapping_mul(self.multiplier) >> self.shift) as usize
    }

    /// The member whose `"name":` is at `at` in `bytes`, written plainly: its position in the
    /// section and the pattern's length; `None` when no member in the table is written there
    /// so. The member at `*hint` is tried first (one comparison) and `hint` learns the one found:
    /// the walker keeps one per member before, so a producer's order is learnt and a learnt
    /// member costs one masked comparison whose result the processor predicts, and the next
    /// member's reading goes on ahead of it. Finding by hash makes the next reading wait for the
    /// quote's search (about 10% slower on a file of one producer's records).
    #[inline]
    pub fn find(&self, bytes: &[u8], at: usize, hint: &mut usize) -> Option<(usize, usize)> {
        let rest = bytes.get(at..)?;
        let mut padded = [0u8; 32];
        let chunk = match rest.first_chunk::<32>() {
            Some(chunk) => chunk,
            None => {
                // The end of the record: rare (once a record at most), padded with zeros,
                // which no pattern holds.
                padded.get_mut(..rest.len())?.copy_from_slice(rest);
                &padded
            }
        };
        let window = Window::new(chunk);
        if let Some(Some(pattern)) = self.patterns.get(*hint)
            && window.equal(pattern.low, pattern.high) & pattern.mask == pattern.mask
        {
            return Some((*hint, pattern.len));
        }
        let end = window.name_end()?;
        let slot = self.slot(name_key(chunk, end));
        let position = usize::from(*self.slots.get(slot)?).checked_sub(1)?;
        let pattern = self.patterns.get(position)?.as_ref()?;
        let equal = window.equal(pattern.low, pattern.high);
        if equal & pattern.mask != pattern.mask {
            return None;
        }
        *hint = position;
        // The length from the quote's search rather than the pattern: the next reading waits
        // for less (the comparison above only decides a predicted branch).
        Some((position, end + 2))
    }
}

/// The `format` message of a timestamp: the form, and that the date must exist in 0001-9999.
const TIMESTAMP_MESSAGE: &str =
    "not a UTC timestamp YYYY-MM-DDThh:mm:ss[.ffffff]Z on a real date in years 0001-9999";

/// The most members an enum message lists before it just names the enum.
const MAX_LISTED_MEMBERS: usize = 12;

/// The `enum` message for `value`, with the member it was most likely meant to be. Out of line
/// and cold: inlined into the record walker, the message building cost every record 3% more
/// instructions (callgrind, 100k records) though it runs only for invalid values.
#[cold]
#[inline(never)]
fn enum_message(name: &str, listing: &str, value: &[u8], members: &LiteralSet) -> String {
    let mut message = if listing.is_empty() {
        format!("not a value of {name}")
    } else {
        format!("not a value of {name} ({listing})")
    };
    if let Some(meant) = near_miss(value, members.literals()) {
        message.push_str(&format!("; did you mean {meant:?}?"));
    }
    message
}

/// The `enum` message of a `meta.action` that is neither `U` nor `D` (cold, like
/// [`enum_message`]).
#[cold]
#[inline(never)]
fn action_message(value: &[u8]) -> String {
    let mut message = "not an action (\"U\", \"D\")".to_owned();
    if let Some(meant) = near_miss(value, [b"U".as_slice(), b"D"].into_iter()) {
        message.push_str(&format!("; did you mean {meant:?}?"));
    }
    message
}

/// The listed value that `value` was most likely meant to be: the one member equal to it once
/// surrounding white space is removed and case is ignored (`"get"`, `" GET "` -> `"GET"`).
/// `None` when no member or more than one matches so, or when `value` is a member. Runs only for
/// a value already found invalid, so it costs nothing on valid records.
pub fn near_miss<'m>(value: &[u8], members: impl Iterator<Item = &'m [u8]>) -> Option<&'m str> {
    let value = std::str::from_utf8(value).ok()?;
    let folded = value.trim().to_lowercase();
    let mut matches = members
        .filter_map(|m| std::str::from_utf8(m).ok())
        .filter(|m| *m != value && m.to_lowercase() == folded);
    let first = matches.next()?;
    matches.next().is_none().then_some(first)
}

impl CheckPlan {
    /// Compiles the plan of `table` (which must belong to `namespace`).
    pub fn compile(namespace: &Namespace, table: &Table) -> CheckPlan {
        let mut columns = Vec::with_capacity(table.columns().len());
        let mut key_names = LiteralSet::default();
        let mut value_names = LiteralSet::default();
        let mut key_columns = Vec::new();
        let mut value_columns = Vec::new();
        let mut open_enum_slots = Vec::new();
        for (index, column) in table.columns().iter().enumerate() {
            let in_key = table.is_key_column(index);
            if in_key {
                key_names.insert(column.name().as_bytes(), index);
                key_columns.push(index);
            } else {
                value_names.insert(column.name().as_bytes(), index);
                value_columns.push(index);
            }
            let rule = match column.ty() {
                ColumnType::Uuid => Rule::Uuid,
                ColumnType::Timestamp => Rule::Timestamp,
                ColumnType::Int32 => Rule::Int32,
                ColumnType::Int64 => Rule::Int64,
                ColumnType::Bool => Rule::Bool,
                ColumnType::Ip => Rule::Ip,
                ColumnType::String => {
                    let mut sentinels = LiteralSet::default();
                    for spelling in column.accepted_sentinel_spellings() {
                        sentinels.insert(spelling.as_bytes(), 0);
                    }
                    Rule::Text {
                        max_chars: column.max_length(),
                        sentinels,
                    }
                }
                ColumnType::Enum(id) => {
                    let e = namespace.enum_by_id(id);
                    let open_slot = if e.is_open() {
                        open_enum_slots.push(index);
                        Some(open_enum_slots.len() - 1)
                    } else {
                        None
                    };
                    match e.repr() {
                        EnumRepr::String => {
                            let mut members = LiteralSet::default();
                            let mut spellings = Vec::new();
                            for (i, value) in e.values().iter().enumerate() {
                                for spelling in value.accepted_spellings() {
                                    members.insert(spelling.as_bytes(), i);
                                    spellings.push(spelling);
                                }
                            }
                            let listing = if spellings.len() <= MAX_LISTED_MEMBERS {
                                spellings
                                    .iter()
                                    .map(|s| format!("{s:?}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            } else {
                                String::new()
                            };
                            Rule::StringEnum {
                                name: e.name().into(),
                                members,
                                listing: listing.into(),
                                canonical: e
                                    .values()
                                    .iter()
                                    .map(|v| v.value().as_str().unwrap_or_default().into())
                                    .collect(),
                                open_slot,
                            }
                        }
                        EnumRepr::Integer => {
                            let members: Vec<i64> = e
                                .values()
                                .iter()
                                .filter_map(|v| v.value().as_i32())
                                .map(i64::from)
                                .collect();
                            Rule::IntegerEnum {
                                name: e.name().into(),
                                members: IntegerMembers::new(members),
                                open_slot,
                            }
                        }
                    }
                }
            };
            columns.push(ColumnPlan {
                name: column.name().into(),
                nullable: column.nullable(),
                in_key,
                rule,
                target: None,
            });
        }
        let mut section_position = vec![0; columns.len()];
        for list in [&key_columns, &value_columns] {
            for (position, &column) in list.iter().enumerate() {
                if let Some(slot) = section_position.get_mut(column) {
                    *slot = position;
                }
            }
        }
        let expected = |list: &[usize]| -> Vec<ExpectedMember> {
            list.iter()
                .filter_map(|&column| {
                    let plan = columns.get(column)?;
                    let fixed = match plan.rule {
                        Rule::Uuid => FixedForm::Uuid,
                        Rule::Timestamp => FixedForm::Timestamp,
                        _ => FixedForm::None,
                    };
                    Some(ExpectedMember::new(column, &plan.name, fixed))
                })
                .collect()
        };
        let key_expected = expected(&key_columns);
        let value_expected = expected(&value_columns);
        let required = |list: &[usize]| -> Vec<usize> {
            list.iter()
                .copied()
                .filter(|&column| columns.get(column).is_some_and(|c| !c.nullable))
                .collect()
        };
        let required_key_columns = required(&key_columns);
        let required_value_columns = required(&value_columns);
        CheckPlan {
            table: table.name().into(),
            namespace: namespace.name().into(),
            schema_version: namespace.version(),
            key_seed: crate::dedup::random_seed(),
            columns,
            key_names,
            value_names,
            key_columns,
            value_columns,
            required_key_columns,
            required_value_columns,
            section_position,
            key_table: MemberTable::new(&key_expected),
            value_table: MemberTable::new(&value_expected),
            key_expected,
            value_expected,
            open_enum_slots,
            duplicate_check: true,
            profile: true,
            target: None,
        }
    }

    /// The same plan with `target`'s rules on the columns they apply to (`--target`). A column
    /// with a target rule is no longer checked in place as a fixed form (`FixedForm`), so that
    /// every value of it reaches the rule.
    #[must_use]
    pub fn with_target(mut self, target: Target) -> CheckPlan {
        for column in &mut self.columns {
            column.target = target.rule_for(&column.rule);
        }
        for expected in self.key_expected.iter_mut().chain(&mut self.value_expected) {
            if self
                .columns
                .get(expected.column)
                .is_some_and(|c| c.target.is_some())
            {
                expected.fixed = FixedForm::None;
            }
        }
        self.target = Some(target);
        self
    }

    /// The `--target` database, if any.
    pub fn target(&self) -> Option<Target> {
        self.target
    }

    /// Adds a `target` finding when `column`'s target rule refuses the string `s`, whose DAP
    /// check said `checked`; returns `checked` (the value is valid DAP data either way).
    #[cold]
    #[inline(never)]
    fn check_target(
        &self,
        column: usize,
        s: &[u8],
        checked: Checked,
        findings: &mut Findings,
    ) -> Checked {
        if checked == Checked::Invalid {
            return checked;
        }
        let rule = self.columns.get(column).and_then(|c| c.target);
        if let Some(message) = rule.and_then(|r| r.check(s)) {
            let target = self.target.map_or("", Target::name);
            findings.push(
                ColumnRef::Column(column),
                Code::Target,
                format!("{message} (--target {target})"),
                FieldValue::String(s).report_text(),
            );
        }
        checked
    }

    /// The same plan without the duplicate-key check (`--no-duplicate-check`): readers then
    /// neither hash records nor hand on keys, and the merge step keeps no key table.
    #[must_use]
    pub fn without_duplicate_check(mut self) -> CheckPlan {
        self.duplicate_check = false;
        self
    }

    /// The same plan without the per-column profile (`--no-profile`).
    #[must_use]
    pub fn without_profile(mut self) -> CheckPlan {
        self.profile = false;
        self
    }

    /// Whether readers stage fields for the profile.
    pub fn profiles(&self) -> bool {
        self.profile
    }

    /// Whether records' keys are checked for duplicates: the table has a primary key and the
    /// check was not turned off.
    pub fn checks_duplicates(&self) -> bool {
        self.duplicate_check && !self.key_columns.is_empty()
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The namespace the table belongs to (`canvas_logs`).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The namespace's schema version, as DAP numbers it.
    pub fn schema_version(&self) -> u32 {
        self.schema_version
    }

    /// The empty key fingerprint of this run: seeded at random when the plan is compiled, so
    /// that keys cannot be aimed at the duplicate table (see [`crate::dedup`]).
    pub fn key_fingerprint(&self) -> crate::dedup::KeyFingerprint {
        crate::dedup::KeyFingerprint::seeded(self.key_seed)
    }

    /// Every column's plan, in table order.
    pub fn columns(&self) -> &[ColumnPlan] {
        &self.columns
    }

    /// The report name of a column reference (`None` for the whole record).
    pub fn column_name(&self, column: &ColumnRef) -> Option<String> {
        match column {
            ColumnRef::Column(i) => self.columns.get(*i).map(|c| c.name.to_string()),
            ColumnRef::MetaTs => Some("meta.ts".to_owned()),
            ColumnRef::MetaAction => Some("meta.action".to_owned()),
            ColumnRef::Named(name) => Some(name.to_string()),
            ColumnRef::Record => None,
        }
    }

    /// The primary key columns (they live under `key`), in key order.
    pub fn key_columns(&self) -> &[usize] {
        &self.key_columns
    }

    /// The other columns (under `value`), in table order.
    pub fn value_columns(&self) -> &[usize] {
        &self.value_columns
    }

    /// The key columns (`key`) or the value columns that are not nullable, in the order of
    /// [`CheckPlan::key_columns`] or [`CheckPlan::value_columns`]: the columns for which
    /// [`CheckPlan::missing`] finds something.
    pub fn required_columns(&self, key: bool) -> &[usize] {
        if key {
            &self.required_key_columns
        } else {
            &self.required_value_columns
        }
    }

    /// Looks up a key column by name.
    #[inline]
    pub fn key_column(&self, name: &[u8]) -> Option<usize> {
        self.key_names.get(name)
    }

    /// Looks up a value column by name.
    #[inline]
    pub fn value_column(&self, name: &[u8]) -> Option<usize> {
        self.value_names.get(name)
    }

    /// The columns of the key (`in_key`) or value section in the order exports list them, each
    /// with its plain member pattern: what [`CheckPlan::section_column`] tries first.
    #[inline]
    pub fn expected_members(&self, in_key: bool) -> &[ExpectedMember] {
        if in_key {
            &self.key_expected
        } else {
            &self.value_expected
        }
    }

    /// [`CheckPlan::expected_members`] by name.
    #[inline]
    pub fn member_table(&self, in_key: bool) -> &MemberTable {
        if in_key {
            &self.key_table
        } else {
            &self.value_table
        }
    }

    /// Looks up a key (`in_key`) or value column by name, trying first the one at `*next` in the
    /// section's order: exports list columns in schema order, so one comparison usually does.
    /// Updates `*next` to the position after the column found.
    #[inline]
    pub fn section_column(&self, in_key: bool, name: &[u8], next: &mut usize) -> Option<usize> {
        let order = if in_key {
            &self.key_columns
        } else {
            &self.value_columns
        };
        if let Some(&column) = order.get(*next)
            && self
                .columns
                .get(column)
                .is_some_and(|c| bytes_eq(c.name.as_bytes(), name))
        {
            *next += 1;
            return Some(column);
        }
        let found = if in_key {
            self.key_names.get(name)
        } else {
            self.value_names.get(name)
        }?;
        *next = self.section_position.get(found).map_or(0, |p| p + 1);
        Some(found)
    }

    /// The columns of open enums, by tally slot.
    pub fn open_enum_columns(&self) -> &[usize] {
        &self.open_enum_slots
    }

    /// Reports a column that is absent: `not_null` unless it is nullable.
    pub fn missing(&self, column: usize, findings: &mut Findings) -> Checked {
        match self.columns.get(column) {
            Some(c) if !c.nullable => {
                findings.push(
                    ColumnRef::Column(column),
                    Code::NotNull,
                    "required column is missing".to_owned(),
                    None,
                );
                Checked::Invalid
            }
            _ => Checked::Valid,
        }
    }

    /// Checks one field of column `column` (and, with `--target`, the target's rule).
    #[inline]
    pub fn check(&self, column: usize, value: FieldValue<'_>, findings: &mut Findings) -> Checked {
        let checked = self.check_rule(column, value, findings);
        match value {
            FieldValue::String(s) if self.target.is_some() => {
                self.check_target(column, s, checked, findings)
            }
            _ => checked,
        }
    }

    /// The DAP rule of [`CheckPlan::check`].
    #[inline]
    fn check_rule(&self, column: usize, value: FieldValue<'_>, findings: &mut Findings) -> Checked {
        let Some(plan) = self.columns.get(column) else {
            return Checked::Valid;
        };
        let col = || ColumnRef::Column(column);
        if value == FieldValue::Null {
            if plan.nullable {
                return Checked::Valid;
            }
            findings.push(
                col(),
                Code::NotNull,
                "required column is null".to_owned(),
                None,
            );
            return Checked::Invalid;
        }
        let wrong_type = |findings: &mut Findings, expected: &str| {
            findings.push(
                col(),
                Code::Type,
                format!("expected {expected}, found {}", value.describe()),
                value.report_text(),
            );
            Checked::Invalid
        };
        match &plan.rule {
            Rule::Uuid => match value {
                FieldValue::String(s) if formats::is_uuid(s) => Checked::Valid,
                FieldValue::String(_) => {
                    findings.push(
                        col(),
                        Code::Format,
                        "not a uuid (8-4-4-4-12 hexadecimal digits with hyphens)".to_owned(),
                        value.report_text(),
                    );
                    Checked::Invalid
                }
                _ => wrong_type(findings, "a uuid string"),
            },
            Rule::Timestamp => match value {
                FieldValue::String(s) if formats::is_timestamp(s) => Checked::Valid,
                FieldValue::String(_) => {
                    findings.push(
                        col(),
                        Code::Format,
                        TIMESTAMP_MESSAGE.to_owned(),
                        value.report_text(),
                    );
                    Checked::Invalid
                }
                _ => wrong_type(findings, "a timestamp string"),
            },
            Rule::Ip => match value {
                FieldValue::String(s) if formats::is_ip(s) => Checked::Valid,
                FieldValue::String(_) => {
                    findings.push(
                        col(),
                        Code::Format,
                        "not an IPv4 or IPv6 address".to_owned(),
                        value.report_text(),
                    );
                    Checked::Invalid
                }
                _ => wrong_type(findings, "an IP address string"),
            },
            Rule::Int32 | Rule::Int64 => {
                let FieldValue::Integer(text) = value else {
                    return wrong_type(findings, "an integer");
                };
                // Digits bound the value: up to 9 digits always fit in i32, up to 18 in i64, so
                // only longer literals are parsed (the scanner has checked the grammar).
                let digits = text.len() - usize::from(text.first() == Some(&b'-'));
                let (fits, width) = match &plan.rule {
                    Rule::Int32 if digits <= 9 => (true, "int32"),
                    Rule::Int32 => (
                        formats::parse_i64(text).is_some_and(|v| i32::try_from(v).is_ok()),
                        "int32",
                    ),
                    _ if digits <= 18 => (true, "int64"),
                    _ => (formats::parse_i64(text).is_some(), "int64"),
                };
                if fits {
                    Checked::Valid
                } else {
                    findings.push(
                        col(),
                        Code::Range,
                        format!("integer out of the {width} range"),
                        value.report_text(),
                    );
                    Checked::Invalid
                }
            }
            Rule::Bool => match value {
                FieldValue::Bool(_) => Checked::Valid,
                _ => wrong_type(findings, "true or false"),
            },
            Rule::Text {
                max_chars,
                sentinels,
            } => {
                let FieldValue::String(s) = value else {
                    return wrong_type(findings, "a string");
                };
                let Some(max) = max_chars.map(|m| m as usize) else {
                    return Checked::Valid;
                };
                // Bytes bound characters from above: a short string needs no counting.
                if s.len() <= max {
                    return Checked::Valid;
                }
                let chars = count_chars(s);
                if chars <= max || sentinels.contains(s) {
                    return Checked::Valid;
                }
                findings.push(
                    col(),
                    Code::MaxLength,
                    format!("{chars} characters, more than the {max} allowed"),
                    value.report_text(),
                );
                Checked::Invalid
            }
            Rule::StringEnum {
                name,
                members,
                listing,
                open_slot,
                ..
            } => {
                let FieldValue::String(s) = value else {
                    return wrong_type(findings, &format!("a string ({name})"));
                };
                if let Some(id) = members.get(s) {
                    return Checked::Member(id as u32);
                }
                if let Some(slot) = open_slot {
                    return Checked::open(*slot);
                }
                let message = enum_message(name, listing, s, members);
                findings.push(col(), Code::Enum, message, value.report_text());
                Checked::Invalid
            }
            Rule::IntegerEnum {
                name,
                members,
                open_slot,
            } => match value {
                FieldValue::Integer(text) => {
                    let listed = formats::parse_i64(text).and_then(|v| members.index_of(v));
                    if let Some(index) = listed {
                        Checked::Member(index as u32)
                    } else {
                        findings.push(
                            col(),
                            Code::Enum,
                            format!("not a value of {name}"),
                            value.report_text(),
                        );
                        Checked::Invalid
                    }
                }
                FieldValue::String(_) if open_slot.is_some() => {
                    Checked::open(open_slot.unwrap_or_default())
                }
                _ => wrong_type(findings, &format!("an integer ({name})")),
            },
        }
    }

    /// The character limit of text column `column` (`Some(None)`: none) when checking its
    /// values needs only their length, as when no `--target` rule reads them; `None` for any
    /// other column. A value within the limit is valid, one over it gets the finding
    /// [`CheckPlan::check`] gives (which needs the text).
    #[inline]
    pub fn measured_text(&self, column: usize) -> Option<Option<u32>> {
        match self.columns.get(column).map(|c| &c.rule) {
            Some(Rule::Text { max_chars, .. }) if self.target.is_none() => Some(*max_chars),
            _ => None,
        }
    }

    /// Checks a string field of column `column`: exactly [`CheckPlan::check`] with
    /// [`FieldValue::String`], deciding the valid cases (and the open-enum values) directly by
    /// the column's rule and leaving every finding to [`CheckPlan::check`]. The common case of
    /// the JSONL reader, without building a [`FieldValue`].
    #[inline]
    pub fn check_string(&self, column: usize, s: &[u8], findings: &mut Findings) -> Checked {
        let checked = self.check_string_rule(column, s, findings);
        if self.target.is_some() {
            self.check_target(column, s, checked, findings)
        } else {
            checked
        }
    }

    /// The DAP rule of [`CheckPlan::check_string`].
    #[inline(always)]
    fn check_string_rule(&self, column: usize, s: &[u8], findings: &mut Findings) -> Checked {
        let valid = match self.columns.get(column).map(|c| &c.rule) {
            Some(Rule::Uuid) => formats::is_uuid(s),
            Some(Rule::Timestamp) => formats::is_timestamp(s),
            Some(Rule::Ip) => formats::is_ip(s),
            Some(Rule::Text { max_chars, .. }) => max_chars.is_none_or(|m| s.len() <= m as usize),
            Some(Rule::StringEnum {
                members, open_slot, ..
            }) => {
                if let Some(id) = members.get(s) {
                    return Checked::Member(id as u32);
                } else if let Some(slot) = open_slot {
                    return Checked::open(*slot);
                } else {
                    false
                }
            }
            Some(Rule::IntegerEnum {
                open_slot: Some(slot),
                ..
            }) => return Checked::open(*slot),
            _ => false,
        };
        if valid {
            Checked::Valid
        } else {
            self.check_rule(column, FieldValue::String(s), findings)
        }
    }

    /// Checks an integer literal field of column `column`: exactly [`CheckPlan::check`] with
    /// [`FieldValue::Integer`], deciding directly an integer column's value of few enough digits
    /// to fit (see the rules) and leaving everything else to [`CheckPlan::check`].
    #[inline]
    pub fn check_integer(&self, column: usize, text: &[u8], findings: &mut Findings) -> Checked {
        let digits = text.len() - usize::from(text.first() == Some(&b'-'));
        let valid = match self.columns.get(column).map(|c| &c.rule) {
            Some(Rule::Int32) => digits <= 9,
            Some(Rule::Int64) => digits <= 18,
            _ => false,
        };
        if valid {
            Checked::Valid
        } else {
            self.check(column, FieldValue::Integer(text), findings)
        }
    }

    /// Checks `meta.ts`: a required UTC timestamp.
    pub fn check_meta_ts(&self, value: FieldValue<'_>, findings: &mut Findings) -> Checked {
        match value {
            FieldValue::String(s) if formats::is_timestamp(s) => Checked::Valid,
            FieldValue::String(_) => {
                findings.push(
                    ColumnRef::MetaTs,
                    Code::Format,
                    TIMESTAMP_MESSAGE.to_owned(),
                    value.report_text(),
                );
                Checked::Invalid
            }
            FieldValue::Null => {
                findings.push(
                    ColumnRef::MetaTs,
                    Code::NotNull,
                    "meta.ts is required and is null".to_owned(),
                    None,
                );
                Checked::Invalid
            }
            _ => {
                findings.push(
                    ColumnRef::MetaTs,
                    Code::Type,
                    format!("expected a timestamp string, found {}", value.describe()),
                    value.report_text(),
                );
                Checked::Invalid
            }
        }
    }

    /// Reports an absent `meta.ts`.
    pub fn missing_meta_ts(&self, findings: &mut Findings) {
        findings.push(
            ColumnRef::MetaTs,
            Code::NotNull,
            "meta.ts is required and is missing".to_owned(),
            None,
        );
    }

    /// Checks `meta.action` when present: exactly `"U"` or `"D"` (`null` is a `type` violation,
    /// as in the JSON Schema). Returns the action when valid.
    pub fn check_meta_action(
        &self,
        value: FieldValue<'_>,
        findings: &mut Findings,
    ) -> Option<Action> {
        match value {
            FieldValue::String(b"U") => Some(Action::Upsert),
            FieldValue::String(b"D") => Some(Action::Delete),
            FieldValue::String(s) => {
                let message = action_message(s);
                findings.push(
                    ColumnRef::MetaAction,
                    Code::Enum,
                    message,
                    value.report_text(),
                );
                None
            }
            _ => {
                findings.push(
                    ColumnRef::MetaAction,
                    Code::Type,
                    format!("expected \"U\" or \"D\", found {}", value.describe()),
                    value.report_text(),
                );
                None
            }
        }
    }
}

/// Byte-string equality without a call into `memcmp`: the strings compared here (column names,
/// enum members, member patterns) are short, and a call costs more than comparing them a word at
/// a time. Lengths of 8 or more compare whole words and then the last 8 bytes (overlapping the
/// previous word), lengths 4 to 7 two overlapping 4-byte words: no byte-at-a-time tail.
#[inline]
pub fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word8(a, i) != word8(b, i) {
                return false;
            }
            i += 8;
        }
        word8(a, n - 8) == word8(b, n - 8)
    } else if n >= 4 {
        word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

/// The 8 bytes at `at` as a little-endian word (0 past the end; callers stay in bounds).
#[inline]
pub(crate) fn word8(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..at + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map_or(0, u64::from_le_bytes)
}

/// The 4 bytes at `at` as a little-endian word (0 past the end; callers stay in bounds).
#[inline]
pub(crate) fn word4(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|w| <[u8; 4]>::try_from(w).ok())
        .map_or(0, u32::from_le_bytes)
}

/// Unicode scalar values in valid UTF-8: every byte that is not a continuation byte starts one.
#[inline]
pub fn count_chars(utf8: &[u8]) -> usize {
    utf8.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// The plan of the embedded `web_logs` table, for unit tests across the crate.
#[cfg(test)]
pub(crate) fn web_logs_plan() -> CheckPlan {
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace.table("web_logs").cloned();
    let table = table.unwrap_or_else(|| panic!("web_logs exists"));
    CheckPlan::compile(&namespace, &table)
}

#[cfg(test)]
mod tests {
    /// The dense index and the binary search agree with a plain search of the values, at
    /// and around every member, at the range's ends, and far outside it.
    #[test]
    fn integer_members_are_found_by_value() {
        let narrow = vec![404, 200, 599, 100, 200, 301];
        let wide = vec![-5, 0, 1 << 40, i64::MAX, i64::MIN];
        for values in [narrow, wide, vec![], vec![7]] {
            let members = IntegerMembers::new(values.clone());
            let mut sorted = values.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(&*members, sorted.as_slice());
            let probes = values
                .iter()
                .flat_map(|&v| [v.wrapping_sub(1), v, v.wrapping_add(1)])
                .chain([i64::MIN, i64::MAX, 0, -1, 4095, 4096, 4196, 99, 600]);
            for probe in probes {
                let expected = sorted.iter().position(|&v| v == probe);
                assert_eq!(members.index_of(probe), expected, "{probe} in {values:?}");
            }
        }
    }

    /// Every expected member is a candidate of its own pattern's first word, in both sections
    /// (and of a word that only starts the same way: the index looks at two characters).
    #[test]
    fn the_member_table_finds_every_member_and_nothing_else() {
        let plan = web_logs_plan();
        for in_key in [true, false] {
            let members = plan.expected_members(in_key);
            let table = plan.member_table(in_key);
            for (k, e) in members.iter().enumerate() {
                let name = String::from_utf8_lossy(e.name()).into_owned();
                let tail = "\"x\",\"another_member_after_it\":1}";
                let line = format!("{{\"{name}\":{tail}");
                // Every web_logs member is in the table, found at its quote.
                // Found whatever member was expected there (learnt or not), and learnt.
                for guess in [k, (k + 1) % members.len(), members.len() + 5] {
                    let mut hint = guess;
                    let found = table.find(line.as_bytes(), 1, &mut hint);
                    assert_eq!(found, Some((k, name.len() + 3)), "{name} after {guess}");
                    assert_eq!(hint, k);
                }
                // Near misses are not: another last or first byte, one byte more or less, no
                // colon, an escape, a space before the colon, the input ending before the colon.
                let near = [
                    format!("{{\"{name}x\":{tail}"),
                    format!("{{\"x{name}\":{tail}"),
                    format!("{{\"{}\":{tail}", &name[..name.len() - 1]),
                    format!("{{\"{}~\":{tail}", &name[..name.len() - 1]),
                    format!("{{\"~{}\":{tail}", &name[1..]),
                    format!("{{\"{name}\" :{tail}"),
                    format!("{{\"{name}\",{tail}"),
                    format!("{{\"\\u{:04x}{}\":{tail}", name.as_bytes()[0], &name[1..]),
                    format!("{{\"{name}\""),
                ];
                // At the end of the input (fewer than 32 bytes left) too.
                let end = format!("{{\"{name}\":");
                assert_eq!(
                    table.find(end.as_bytes(), 1, &mut 0),
                    Some((k, name.len() + 3))
                );
                for other in near {
                    for guess in 0..members.len() {
                        let mut hint = guess;
                        assert_eq!(table.find(other.as_bytes(), 1, &mut hint), None, "{other}");
                        assert_eq!(hint, guess);
                    }
                }
            }
        }
        // A section of many members, some sharing prefixes, suffixes and lengths, some too
        // long for the table: a member found is always the one written, and every member up
        // to 29 bytes is found.
        let names: Vec<String> = (0..300)
            .map(|i| match i % 4 {
                0 => format!("column_{i}"),
                1 => format!("{i}_id"),
                2 => format!("web_application_{i:0>w$}", w = i % 17),
                _ => "a".repeat(i % 40),
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let members: Vec<ExpectedMember> = names
            .iter()
            .enumerate()
            .map(|(k, n)| ExpectedMember::new(k, n, FixedForm::None))
            .collect();
        let table = MemberTable::new(&members);
        for (k, name) in names.iter().enumerate() {
            let line = format!("{{\"{name}\":{}", " ".repeat(40));
            let found = table.find(line.as_bytes(), 1, &mut 0);
            if name.len() < 30 {
                assert_eq!(found, Some((k, name.len() + 3)), "{name}");
            } else {
                assert_eq!(found, None, "{name}");
            }
        }
    }

    use super::*;

    fn plan() -> CheckPlan {
        web_logs_plan()
    }

    fn column(plan: &CheckPlan, name: &str) -> usize {
        plan.key_column(name.as_bytes())
            .or_else(|| plan.value_column(name.as_bytes()))
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// The codes reported for `value` in column `name` (empty: valid).
    fn codes(plan: &CheckPlan, name: &str, value: FieldValue<'_>) -> Vec<Code> {
        let mut findings = Findings::default();
        let checked = plan.check(column(plan, name), value, &mut findings);
        assert_eq!(checked == Checked::Invalid, !findings.is_empty());
        findings.as_slice().iter().map(|f| f.code).collect()
    }

    use FieldValue::{Array, Bool, Integer, Null, Number, Object, String as Str};

    /// `FixedForm::valid_len` only ever answers what scanning for the closing quote and checking
    /// the text would: wherever it finds a value, the first `"` is right after it, the text needs
    /// no unescaping and the format accepts it. Checked for every byte (of a set that matters)
    /// at every position of valid values of every length, and for truncations.
    #[test]
    fn fixed_forms_agree_with_scanning_and_checking() {
        type Case<'a> = (FixedForm, fn(&[u8]) -> bool, &'a [&'a str]);
        let cases: [Case<'_>; 2] = [
            (
                FixedForm::Uuid,
                |t| formats::parse_uuid(t).is_some(),
                &[
                    "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
                    "0A1B2C3D-4E5F-6789-ABCD-EF0123456789",
                ],
            ),
            (
                FixedForm::Timestamp,
                formats::is_timestamp,
                &[
                    "2024-05-01T10:00:00Z",
                    "2024-05-01T10:00:00.1Z",
                    "2024-05-01T10:00:00.12Z",
                    "2024-05-01T10:00:00.123Z",
                    "2024-02-29T23:59:59.1234Z",
                    "2024-05-01T10:00:00.12345Z",
                    "2024-05-01T10:00:00.123456Z",
                ],
            ),
        ];
        let bytes = [
            b'"', b'\\', 0x1F, 0x7F, 0x80, 0xC3, b'0', b'9', b'a', b'F', b'Z', b'T', b'.', b'-',
            b':', b' ', b'}',
        ];
        let mut hits = 0;
        for (form, valid, bases) in cases {
            for base in bases {
                let mut rests: Vec<Vec<u8>> = Vec::new();
                let whole = format!("{base}\",\"next\":1}}").into_bytes();
                rests.push(whole.clone());
                for cut in 0..whole.len() {
                    rests.push(whole.get(..cut).unwrap_or_default().to_vec());
                }
                for at in 0..base.len() + 2 {
                    for &b in &bytes {
                        let mut changed = whole.clone();
                        if let Some(slot) = changed.get_mut(at) {
                            *slot = b;
                        }
                        rests.push(changed);
                    }
                }
                for rest in &rests {
                    let Some(len) = form.valid_len(rest) else {
                        continue;
                    };
                    hits += 1;
                    let text = rest.get(..len).unwrap_or_default();
                    let first_quote = rest.iter().position(|&b| b == b'"');
                    assert_eq!(
                        first_quote,
                        Some(len),
                        "{:?}",
                        String::from_utf8_lossy(rest)
                    );
                    assert!(
                        text.iter()
                            .all(|&b| (0x20..0x7F).contains(&b) && b != b'\\'),
                        "{text:?}"
                    );
                    assert!(valid(text), "{:?}", String::from_utf8_lossy(text));
                }
                // An unchanged value written plainly is always found.
                assert_eq!(form.valid_len(&whole), Some(base.len()), "{base}");
            }
        }
        assert!(hits > 100, "the fast path was exercised ({hits})");
        assert_eq!(FixedForm::None.valid_len(b"x\""), None);
    }

    /// The shortcuts for strings and integer literals agree with [`CheckPlan::check`] on every
    /// column of every table: same verdict, same findings.
    #[test]
    fn typed_shortcuts_agree_with_check() {
        let namespace = canvas_logs_codegen::load_embedded();
        let long = "x".repeat(300);
        let longer = "é".repeat(70_000);
        let strings = [
            "",
            "0a1b2c3d-4e5f-4789-abcd-ef0123456789",
            "0A1B2C3D-4E5F-4789-ABCD-EF0123456789",
            "0a1b2c3d-4e5f-4789-abcd-ef012345678",
            "2024-05-01T10:00:00Z",
            "2024-05-01T10:00:00.123456Z",
            "2024-13-01T10:00:00Z",
            "10.0.0.1",
            "::1",
            "999.0.0.1",
            "GET",
            "get",
            "__dap_unspecified__",
            "courses",
            "U",
            "200",
            "true",
            long.as_str(),
            longer.as_str(),
        ];
        let integers = [
            "0",
            "-0",
            "-1",
            "200",
            "999999999",
            "-999999999",
            "2147483647",
            "2147483648",
            "-2147483648",
            "-2147483649",
            "170000000024925",
            "999999999999999999",
            "-999999999999999999",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "12345678901234567890",
        ];
        let mut plans: Vec<CheckPlan> = namespace
            .tables()
            .iter()
            .map(|table| CheckPlan::compile(&namespace, table))
            .collect();
        // Every rule the tables use, and the integer widths and a short text limit, on a column
        // that is nullable and on one that is not.
        let mut rules: Vec<Rule> = plans
            .iter()
            .flat_map(|p| p.columns.iter().map(|c| c.rule.clone()))
            .collect();
        let mut sentinels = LiteralSet::default();
        sentinels.insert(b"__dap_unspecified__", 0);
        rules.extend([
            Rule::Int32,
            Rule::Int64,
            Rule::Text {
                max_chars: Some(3),
                sentinels,
            },
        ]);
        for rule in rules {
            for nullable in [false, true] {
                let mut plan = plan();
                if let Some(c) = plan.columns.first_mut() {
                    c.rule = rule.clone();
                    c.nullable = nullable;
                }
                plans.push(plan);
            }
        }
        for plan in &plans {
            for column in 0..=plan.columns().len() {
                for s in strings {
                    let (mut fast, mut general) = (Findings::default(), Findings::default());
                    assert_eq!(
                        plan.check_string(column, s.as_bytes(), &mut fast),
                        plan.check(column, Str(s.as_bytes()), &mut general),
                        "{} {column} {s}",
                        plan.table()
                    );
                    assert_eq!(fast.as_slice(), general.as_slice());
                }
                for n in integers {
                    let (mut fast, mut general) = (Findings::default(), Findings::default());
                    assert_eq!(
                        plan.check_integer(column, n.as_bytes(), &mut fast),
                        plan.check(column, Integer(n.as_bytes()), &mut general),
                        "{} {column} {n}",
                        plan.table()
                    );
                    assert_eq!(fast.as_slice(), general.as_slice());
                }
            }
        }
    }

    #[test]
    fn not_null_unless_nullable() {
        let p = plan();
        assert_eq!(codes(&p, "url", Null), [Code::NotNull]);
        assert_eq!(codes(&p, "id", Null), [Code::NotNull]);
        assert_eq!(codes(&p, "user_id", Null), []);
        assert_eq!(codes(&p, "user_agent", Null), []);
        let mut findings = Findings::default();
        assert_eq!(
            p.missing(column(&p, "participated"), &mut findings),
            Checked::Invalid
        );
        assert_eq!(
            p.missing(column(&p, "session_id"), &mut findings),
            Checked::Valid
        );
        assert_eq!(findings.len(), 1);
        // The required columns are exactly those whose absence `missing` reports.
        for (key, all) in [(true, p.key_columns()), (false, p.value_columns())] {
            let reported: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&c| p.missing(c, &mut Findings::default()) == Checked::Invalid)
                .collect();
            assert_eq!(p.required_columns(key), reported.as_slice());
        }
        let names = |cols: &[usize]| -> Vec<String> {
            cols.iter()
                .filter_map(|&c| p.columns().get(c).map(|c| c.name.to_string()))
                .collect()
        };
        assert_eq!(names(p.required_columns(true)), ["id"]);
        let required_values = names(p.required_columns(false));
        assert!(required_values.contains(&"url".to_owned()));
        assert!(required_values.contains(&"participated".to_owned()));
        assert!(!required_values.contains(&"session_id".to_owned()));
    }

    #[test]
    fn uuid_case_and_format() {
        let p = plan();
        assert_eq!(
            codes(&p, "id", Str(b"0a1b2c3d-4e5f-6789-abcd-ef0123456789")),
            []
        );
        assert_eq!(
            codes(&p, "id", Str(b"0A1B2C3D-4E5F-6789-ABCD-EF0123456789")),
            []
        );
        assert_eq!(
            codes(&p, "id", Str(b"0a1b2c3d4e5f6789abcdef0123456789")),
            [Code::Format]
        );
        assert_eq!(codes(&p, "session_id", Str(b"nope")), [Code::Format]);
        assert_eq!(codes(&p, "id", Integer(b"1")), [Code::Type]);
    }

    #[test]
    fn integers_by_width_never_through_floats() {
        let p = plan();
        assert_eq!(codes(&p, "interaction_micros", Integer(b"2147483647")), []);
        assert_eq!(codes(&p, "interaction_micros", Integer(b"-2147483648")), []);
        assert_eq!(
            codes(&p, "interaction_micros", Integer(b"2147483648")),
            [Code::Range]
        );
        assert_eq!(
            codes(&p, "interaction_micros", Integer(b"-2147483649")),
            [Code::Range]
        );
        assert_eq!(codes(&p, "user_id", Integer(b"9223372036854775807")), []);
        assert_eq!(
            codes(&p, "user_id", Integer(b"9223372036854775808")),
            [Code::Range]
        );
        assert_eq!(
            codes(&p, "user_id", Integer(b"-9223372036854775809")),
            [Code::Range]
        );
        assert_eq!(
            codes(&p, "user_id", Integer(b"100000000000000000000000")),
            [Code::Range]
        );
        assert_eq!(codes(&p, "user_id", Number(b"1.0")), [Code::Type]);
        assert_eq!(codes(&p, "user_id", Number(b"1e2")), [Code::Type]);
        assert_eq!(codes(&p, "user_id", Str(b"1")), [Code::Type]);
        assert_eq!(codes(&p, "user_id", Bool(true)), [Code::Type]);
    }

    #[test]
    fn bool_timestamp_ip_types() {
        let p = plan();
        assert_eq!(codes(&p, "participated", Bool(false)), []);
        assert_eq!(codes(&p, "participated", Str(b"true")), [Code::Type]);
        assert_eq!(codes(&p, "participated", Integer(b"1")), [Code::Type]);
        assert_eq!(codes(&p, "timestamp", Str(b"2024-05-01T10:00:00.123Z")), []);
        assert_eq!(
            codes(&p, "timestamp", Str(b"2024-05-01T10:00:00+01:00")),
            [Code::Format]
        );
        assert_eq!(codes(&p, "timestamp", Object(b"{}")), [Code::Type]);
        assert_eq!(codes(&p, "remote_ip", Str(b"192.168.0.1")), []);
        assert_eq!(codes(&p, "remote_ip", Str(b"2001:db8::1")), []);
        assert_eq!(
            codes(&p, "remote_ip", Str(b"192.168.0.256")),
            [Code::Format]
        );
        assert_eq!(codes(&p, "remote_ip", Array(b"[]")), [Code::Type]);
    }

    #[test]
    fn max_length_counts_scalar_values_and_allows_sentinels() {
        let p = plan();
        let ascii_255 = "a".repeat(255);
        let ascii_256 = "a".repeat(256);
        let multi_255 = "é".repeat(255); // 510 bytes, 255 characters
        let multi_256 = "😀".repeat(256);
        assert_eq!(codes(&p, "user_agent", Str(ascii_255.as_bytes())), []);
        assert_eq!(
            codes(&p, "user_agent", Str(ascii_256.as_bytes())),
            [Code::MaxLength]
        );
        assert_eq!(codes(&p, "user_agent", Str(multi_255.as_bytes())), []);
        assert_eq!(
            codes(&p, "user_agent", Str(multi_256.as_bytes())),
            [Code::MaxLength]
        );
        assert_eq!(
            codes(&p, "user_agent", Str(b"__dap_oversized_truncated__")),
            []
        );
        assert_eq!(
            codes(&p, "user_agent", Str(b"_dap_oversized_truncated_")),
            []
        );
        assert_eq!(codes(&p, "user_agent", Integer(b"5")), [Code::Type]);
        // url has no limit.
        assert_eq!(codes(&p, "url", Str("x".repeat(10_000).as_bytes())), []);
        let mut findings = Findings::default();
        p.check(
            column(&p, "user_agent"),
            Str(multi_256.as_bytes()),
            &mut findings,
        );
        assert_eq!(
            findings.as_slice()[0].message,
            "256 characters, more than the 255 allowed"
        );
    }

    #[test]
    fn every_enum_value_is_accepted_and_near_misses_are_not() {
        let p = plan();
        let namespace = canvas_logs_codegen::load_embedded();
        let table = namespace
            .table("web_logs")
            .unwrap_or_else(|| panic!("web_logs"));
        let mut seen_enums = 0;
        for c in table.columns() {
            let ColumnType::Enum(id) = c.ty() else {
                continue;
            };
            let e = namespace.enum_by_id(id);
            seen_enums += 1;
            for member in e.values() {
                for spelling in member.accepted_spellings() {
                    let value = match e.repr() {
                        EnumRepr::String => Str(spelling.as_bytes()),
                        EnumRepr::Integer => Integer(spelling.as_bytes()),
                    };
                    assert_eq!(codes(&p, c.name(), value), [], "{} {spelling}", c.name());
                    if e.repr() == EnumRepr::String && !e.is_open() {
                        let lower = spelling.to_lowercase();
                        let upper = spelling.to_uppercase();
                        for variant in [lower, upper] {
                            if variant != spelling {
                                assert_eq!(
                                    codes(&p, c.name(), Str(variant.as_bytes())),
                                    [Code::Enum]
                                );
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(seen_enums, 6);
        assert_eq!(codes(&p, "http_method", Str(b"FETCH")), [Code::Enum]);
        assert_eq!(codes(&p, "http_version", Str(b"3.0")), [Code::Enum]);
        assert_eq!(codes(&p, "http_status", Integer(b"299")), [Code::Enum]);
        assert_eq!(
            codes(&p, "http_status", Integer(b"99999999999999999999")),
            [Code::Enum]
        );
        assert_eq!(codes(&p, "http_status", Str(b"200")), [Code::Type]);
        assert_eq!(codes(&p, "http_status", Number(b"200.0")), [Code::Type]);
        assert_eq!(
            codes(
                &p,
                "web_application_context_type",
                Str(b"Quizzes::QuizSubmission")
            ),
            []
        );
        assert_eq!(
            codes(&p, "web_application_context_type", Str(b"Banana")),
            [Code::Enum]
        );
    }

    #[test]
    fn a_value_off_by_case_or_space_names_the_member_meant() {
        let p = plan();
        let namespace = canvas_logs_codegen::load_embedded();
        let table = namespace
            .table("web_logs")
            .unwrap_or_else(|| panic!("web_logs"));
        let mut hinted = 0;
        for c in table.columns() {
            let ColumnType::Enum(id) = c.ty() else {
                continue;
            };
            let e = namespace.enum_by_id(id);
            if e.repr() != EnumRepr::String || e.is_open() {
                continue;
            }
            for member in e.values() {
                let Some(spelling) = member.value().as_str() else {
                    continue;
                };
                let variants = [
                    spelling.to_lowercase(),
                    spelling.to_uppercase(),
                    format!(" {spelling}"),
                    format!("{spelling}\t"),
                    format!("\u{a0}{}\u{3000}", spelling.to_lowercase()),
                ];
                for variant in variants.iter().filter(|v| *v != spelling) {
                    let mut findings = Findings::default();
                    p.check(column(&p, c.name()), Str(variant.as_bytes()), &mut findings);
                    let message = &findings.as_slice()[0].message;
                    assert!(
                        message.ends_with(&format!("; did you mean {spelling:?}?")),
                        "{variant:?}: {message}"
                    );
                    hinted += 1;
                }
            }
        }
        assert!(hinted > 30, "{hinted}");
        // A value near no member, or as near to two, gets no guess.
        let method = column(&p, "http_method");
        for far in [b"FETCH".as_slice(), b"", b"G ET"] {
            let mut findings = Findings::default();
            p.check(method, Str(far), &mut findings);
            assert!(!findings.as_slice()[0].message.contains("did you mean"));
        }
        let (ab, a_b) = (b"AB".as_slice(), b"Ab".as_slice());
        assert_eq!(near_miss(b"ab", [ab, a_b].into_iter()), None);
        assert_eq!(near_miss(b"AB", [ab].into_iter()), None);
        assert_eq!(near_miss(b"\xff", [ab].into_iter()), None);
        let mut findings = Findings::default();
        p.check_meta_action(Str(b"u"), &mut findings);
        assert_eq!(
            findings.as_slice()[0].message,
            "not an action (\"U\", \"D\"); did you mean \"U\"?"
        );
    }

    #[test]
    fn open_enums_accept_any_string_and_say_so() {
        let p = plan();
        let controller = column(&p, "web_application_controller");
        let mut findings = Findings::default();
        // Both sentinel spellings are the same member.
        let canonical = p.check(controller, Str(b"__dap_unspecified__"), &mut findings);
        assert!(matches!(canonical, Checked::Member(_)), "{canonical:?}");
        assert_eq!(
            p.check(controller, Str(b"_dap_unspecified_"), &mut findings),
            canonical
        );
        let checked = p.check(controller, Str(b"courses"), &mut findings);
        let slot = checked.open_slot().unwrap_or_else(|| panic!("{checked:?}"));
        assert_eq!(p.open_enum_columns().get(slot), Some(&controller));
        assert_eq!(
            p.check(controller, Integer(b"3"), &mut findings),
            Checked::Invalid
        );
        assert_eq!(findings.as_slice()[0].code, Code::Type);
    }

    #[test]
    fn meta_rules() {
        let p = plan();
        let mut f = Findings::default();
        assert_eq!(p.check_meta_action(Str(b"U"), &mut f), Some(Action::Upsert));
        assert_eq!(p.check_meta_action(Str(b"D"), &mut f), Some(Action::Delete));
        assert!(f.is_empty());
        assert_eq!(p.check_meta_action(Str(b"d"), &mut f), None);
        assert_eq!(p.check_meta_action(Null, &mut f), None);
        assert_eq!(
            p.check_meta_ts(Str(b"2024-01-01T00:00:00Z"), &mut f),
            Checked::Valid
        );
        assert_eq!(p.check_meta_ts(Null, &mut f), Checked::Invalid);
        assert_eq!(p.check_meta_ts(Integer(b"1"), &mut f), Checked::Invalid);
        let got: Vec<Code> = f.as_slice().iter().map(|x| x.code).collect();
        assert_eq!(got, [Code::Enum, Code::Type, Code::NotNull, Code::Type]);
    }

    #[test]
    fn ordered_lookup_finds_columns_in_any_order() {
        let p = plan();
        let mut next = 0;
        let mut found = Vec::new();
        for name in [
            "timestamp",
            "user_id",
            "url",
            "real_user_id",
            "nope",
            "user_agent",
            "id",
        ] {
            found.push(p.section_column(false, name.as_bytes(), &mut next));
        }
        let expected: Vec<Option<usize>> = ["timestamp", "user_id", "url", "real_user_id"]
            .iter()
            .map(|n| p.value_column(n.as_bytes()))
            .chain([None, p.value_column(b"user_agent"), None])
            .collect();
        assert_eq!(found, expected);
        let mut next = 0;
        assert_eq!(
            p.section_column(true, b"id", &mut next),
            p.key_column(b"id")
        );
        assert!(bytes_eq(b"abcdefghijk", b"abcdefghijk"));
        assert!(!bytes_eq(b"abcdefghijk", b"abcdefghijx"));
        assert!(!bytes_eq(b"abcdefgh", b"abcdefgX"));
        assert!(!bytes_eq(b"ab", b"abc"));
        for len in 0..40 {
            let a: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(bytes_eq(&a, &a.clone()));
            for i in 0..len {
                let mut b = a.clone();
                b[i] ^= 0x20;
                assert!(!bytes_eq(&a, &b), "{len} {i}");
            }
        }
    }

    #[test]
    fn chars_are_counted_by_scalar_value() {
        assert_eq!(count_chars("aé€😀".as_bytes()), 4);
        assert_eq!(count_chars(b""), 0);
    }
}
