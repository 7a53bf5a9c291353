//! What the CSV and TSV readers share: the header of dotted names mapped to the model once per
//! file, values read from text by their column's type, and the check of one record.
//!
//! **Header.** Line 1 names the fields: `meta.ts`, `meta.action`, `key.<column>`,
//! `value.<column>`. It is mapped once per file; its problems are reported once per file (record
//! `null`, line 1), never per row, and the rows are checked against the columns that are there:
//!
//! | header | code | column |
//! |---|---|---|
//! | a required column (or `meta.ts`) has no field | `not_null` | the column |
//! | a name that is not a column (`value.browser`, `meta.x`, `url` without its prefix, a key column under `value.`) | `unknown_column` | the name as JSONL would report it (`browser`, `meta.x`, `url`) |
//! | the same name twice | `malformed` | the column; the later field is ignored |
//!
//! `meta.action` may be absent (a snapshot). The fields of unknown and duplicated names are
//! ignored in every row.
//!
//! **Values from text**, by the column's type (the JSONL rules restated for text):
//!
//! | column type | accepted text | otherwise |
//! |---|---|---|
//! | uuid, timestamp, ip, string, string enum | the text itself, checked as a JSON string would be | `format` / `max_length` / `enum` |
//! | int32, int64 | optional `+`/`-` and decimal digits | out of the width: `range`; a number with a fraction or exponent (`1.0`, `2e2`) or `true`/`false`: `type` (as in JSONL); any other spelling: `format` |
//! | bool | `true`, `false` | a number: `type` (as JSONL's `1`); any other spelling: `format` |
//! | integer enum (HTTPStatus) | digits, by number (`200`) | unlisted: `enum`; a fraction/exponent or `true`/`false`: `type`; other text: `format` (an open integer enum takes any text) |
//!
//! A NULL (CSV: an unquoted empty field or unquoted `NULL`; TSV: `\N`) is JSON's `null`; an
//! empty string is text (a string column takes it; a uuid column reports `format`).
//!
//! **Records.** A delete (`meta.action` `D`) is checked for its key and `meta` only: its value
//! fields are NULL in DAP exports and, as in JSONL, never checked. A NULL `meta.action` is an
//! absent one (text formats cannot tell the two apart), valid. A record that cannot be read
//! (wrong field count, invalid UTF-8, a TSV escape error) gets one `malformed` and nothing else.

use super::fingerprint_part;
use crate::formats;
use crate::plan::{
    Action, CheckPlan, Checked, ColumnRef, FieldValue, Finding, Findings, Rule, Typed,
};
use crate::profile::{Profile, RecordStage};
use crate::violation::{Code, truncate_bytes};
use canvas_logs_codegen::model::envelope;

/// One field of a text record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField<'a> {
    /// NULL in the format's own spelling.
    Null,
    /// Text, already unescaped, valid UTF-8.
    Text(&'a [u8]),
}

/// What a header field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// `meta.ts`.
    MetaTs,
    /// `meta.action`.
    MetaAction,
    /// A table column (key or value), by plan index.
    Column(usize),
    /// Unknown or duplicated: the field is not read.
    Ignored,
}

/// A file's header, mapped to the plan.
#[derive(Debug, Clone)]
pub struct Header {
    slots: Vec<Slot>,
    meta_action: Option<usize>,
}

impl Header {
    /// Maps header names (raw bytes, any encoding) to the plan; returns the header and its
    /// problems, in field order (missing columns last, in table order).
    pub fn map<N: AsRef<[u8]>>(plan: &CheckPlan, names: &[N]) -> (Header, Vec<Finding>) {
        let mut slots = Vec::with_capacity(names.len());
        let mut findings = Findings::default();
        let mut first_field: Vec<Option<usize>> = vec![None; plan.columns().len()];
        let mut meta_ts = None;
        let mut meta_action = None;
        let mut unknown: Vec<&[u8]> = Vec::new();
        for (index, name) in names.iter().enumerate() {
            let name = name.as_ref();
            let shown = String::from_utf8_lossy(name);
            let (section, rest) = match name.iter().position(|&b| b == b'.') {
                Some(dot) => (
                    name.get(..dot).unwrap_or_default(),
                    name.get(dot + 1..).unwrap_or_default(),
                ),
                None => (&b""[..], name),
            };
            let found = match section {
                b"meta" if rest == envelope::META_TS.as_bytes() => Found::Meta(Slot::MetaTs),
                b"meta" if rest == envelope::META_ACTION.as_bytes() => {
                    Found::Meta(Slot::MetaAction)
                }
                b"meta" => Found::Unknown(
                    shown.to_string(),
                    format!(
                        "`{shown}` is not part of the record metadata (expected meta.ts, meta.action)"
                    ),
                ),
                b"key" | b"value" => {
                    let in_key = section == b"key";
                    let (here, there) = if in_key {
                        (plan.key_column(rest), plan.value_column(rest))
                    } else {
                        (plan.value_column(rest), plan.key_column(rest))
                    };
                    let rest_shown = String::from_utf8_lossy(rest).into_owned();
                    match (here, there) {
                        (Some(column), _) => Found::Column(column),
                        (None, Some(_)) => {
                            let other = if in_key { "value" } else { "key" };
                            Found::Unknown(
                                rest_shown.clone(),
                                format!(
                                    "header field `{shown}`: `{rest_shown}` is not a column of `{}`; it belongs in `{other}.{rest_shown}`",
                                    if in_key { "key" } else { "value" }
                                ),
                            )
                        }
                        (None, None) => Found::Unknown(
                            rest_shown.clone(),
                            format!(
                                "header field `{shown}`: `{rest_shown}` is not a column of {}",
                                plan.table()
                            ),
                        ),
                    }
                }
                _ => {
                    let hint = match (plan.key_column(name), plan.value_column(name)) {
                        (Some(_), _) => format!(" (did you mean `key.{shown}`?)"),
                        (_, Some(_)) => format!(" (did you mean `value.{shown}`?)"),
                        _ => String::new(),
                    };
                    Found::Unknown(
                        shown.to_string(),
                        format!(
                            "header field `{shown}` is not a DAP field name (meta.ts, meta.action, key.<column>, value.<column>){hint}"
                        ),
                    )
                }
            };
            let slot = match found {
                Found::Meta(slot) => {
                    let first = if slot == Slot::MetaTs {
                        &mut meta_ts
                    } else {
                        &mut meta_action
                    };
                    match *first {
                        Some(earlier) => {
                            let column = if slot == Slot::MetaTs {
                                ColumnRef::MetaTs
                            } else {
                                ColumnRef::MetaAction
                            };
                            findings.push(
                                column,
                                Code::Malformed,
                                duplicate(&shown, earlier, index),
                                None,
                            );
                            Slot::Ignored
                        }
                        None => {
                            *first = Some(index);
                            slot
                        }
                    }
                }
                Found::Column(column) => match first_field.get_mut(column) {
                    Some(Some(earlier)) => {
                        findings.push(
                            ColumnRef::Column(column),
                            Code::Malformed,
                            duplicate(&shown, *earlier, index),
                            None,
                        );
                        Slot::Ignored
                    }
                    Some(first) => {
                        *first = Some(index);
                        Slot::Column(column)
                    }
                    None => Slot::Ignored,
                },
                Found::Unknown(reported, message) => {
                    if unknown.contains(&name) {
                        let earlier = names
                            .iter()
                            .position(|n| n.as_ref() == name)
                            .unwrap_or_default();
                        findings.push(
                            ColumnRef::Named(reported.into()),
                            Code::Malformed,
                            duplicate(&shown, earlier, index),
                            None,
                        );
                    } else {
                        unknown.push(name);
                        findings.push(
                            ColumnRef::Named(reported.into()),
                            Code::UnknownColumn,
                            message,
                            None,
                        );
                    }
                    Slot::Ignored
                }
            };
            slots.push(slot);
        }
        if meta_ts.is_none() {
            findings.push(
                ColumnRef::MetaTs,
                Code::NotNull,
                "the header has no `meta.ts` field: every record lacks its required timestamp"
                    .to_owned(),
                None,
            );
        }
        for (column, first) in first_field.iter().enumerate() {
            let Some(plan_column) = plan.columns().get(column) else {
                continue;
            };
            if first.is_none() && !plan_column.nullable {
                let section = if plan_column.in_key { "key" } else { "value" };
                findings.push(
                    ColumnRef::Column(column),
                    Code::NotNull,
                    format!(
                        "the header has no `{section}.{}` field: every record lacks this required column",
                        plan_column.name
                    ),
                    None,
                );
            }
        }
        let findings = findings.drain().collect();
        (Header { slots, meta_action }, findings)
    }

    /// How many fields every record must have.
    pub fn fields(&self) -> usize {
        self.slots.len()
    }

    /// What each field is.
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// The same header with other slots (Parquet ignores columns of the wrong type).
    pub fn with_slots(self, slots: Vec<Slot>) -> Header {
        Header { slots, ..self }
    }
}

/// A classified header name.
enum Found {
    Meta(Slot),
    Column(usize),
    Unknown(String, String),
}

fn duplicate(shown: &str, earlier: usize, index: usize) -> String {
    format!(
        "the header names `{shown}` twice (fields {} and {}); the later field is ignored",
        earlier + 1,
        index + 1
    )
}

/// Random access to the fields of one record (already known to be readable).
pub trait RecordFields {
    /// Field `index` (`index` < the header's field count).
    fn field(&self, index: usize) -> TextField<'_>;

    /// Field `index` as a value the format read as what it is and found valid (Parquet's
    /// numbers, times, booleans and uuids); `None`: read it with [`RecordFields::field`].
    #[inline]
    fn typed(&self, _index: usize) -> Option<Typed> {
        None
    }
}

/// Checks one readable record: every field by its slot, `meta` rules, the key fingerprint.
/// Open-enum values are counted into `profile`'s tally and the fields staged in `stage` are
/// committed to `profile` directly (the record is known to be readable). Returns the key fingerprint and uuid when every key column held a valid value.
#[inline(always)]
pub fn check_record<F: RecordFields + ?Sized>(
    plan: &CheckPlan,
    header: &Header,
    fields: &F,
    findings: &mut Findings,
    profile: &mut Profile,
    stage: &mut RecordStage,
) -> Option<(u128, Option<u128>)> {
    stage.reset();
    let is_delete = header
        .meta_action
        .is_some_and(|i| fields.field(i) == TextField::Text(envelope::ACTION_DELETE.as_bytes()));
    let mut key = plan.key_fingerprint();
    let mut valid_key_columns = 0usize;
    let mut key_uuid = None;
    for (index, slot) in header.slots.iter().enumerate() {
        match *slot {
            Slot::Ignored => {}
            Slot::MetaTs if let Some(Typed::Micros(micros)) = fields.typed(index) => {
                stage.observe_meta_micros(micros);
            }
            Slot::MetaTs => match fields.field(index) {
                TextField::Null => {
                    findings.push(
                        ColumnRef::MetaTs,
                        Code::NotNull,
                        "meta.ts is required and is null".to_owned(),
                        None,
                    );
                }
                TextField::Text(text) => {
                    let checked = plan.check_meta_ts(FieldValue::String(text), findings);
                    stage.observe_meta_ts(FieldValue::String(text), checked != Checked::Invalid);
                }
            },
            Slot::MetaAction => {
                if let TextField::Text(text) = fields.field(index) {
                    let action: Option<Action> =
                        plan.check_meta_action(FieldValue::String(text), findings);
                    let _ = action;
                }
            }
            Slot::Column(column) => {
                let Some(column_plan) = plan.columns().get(column) else {
                    continue;
                };
                if is_delete && !column_plan.in_key {
                    continue;
                }
                if let Some(typed) = fields.typed(index) {
                    stage.observe_typed(column, typed);
                    if column_plan.in_key {
                        // Only a uuid key is read typed (other keys are fingerprinted as text).
                        let uuid = match typed {
                            Typed::Uuid(u) => Some(u),
                            _ => None,
                        };
                        fingerprint_part(&mut key, uuid, &[]);
                        valid_key_columns += 1;
                        key_uuid = uuid;
                    }
                    continue;
                }
                let field = fields.field(index);
                let checked = check_text_field(plan, column, field, findings, stage);
                match checked {
                    Checked::OpenEnumValue(slot) => {
                        if let TextField::Text(text) = field {
                            profile.tally.observe(slot as usize, text);
                        }
                    }
                    Checked::Valid | Checked::Member(_) if column_plan.in_key => {
                        if let TextField::Text(text) = field {
                            let uuid = match column_plan.rule {
                                // Valid: the check found it a uuid.
                                Rule::Uuid => formats::checked_uuid_value(text),
                                _ => None,
                            };
                            fingerprint_part(&mut key, uuid, text);
                            valid_key_columns += 1;
                            key_uuid = uuid;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    stage.sections(true, !is_delete);
    profile.commit(stage);
    let needed = plan.key_columns().len();
    if !plan.checks_duplicates() || valid_key_columns != needed {
        return None;
    }
    Some((key.finish(), if needed == 1 { key_uuid } else { None }))
}

/// Checks one text field of `column` (NULL or text) by the column's type (see the module
/// docs), and stages for the profile what the type read from a text (an integer's digits, a
/// bool, or the text itself): the text is classified once for both.
///
/// Each shape is checked and staged in its own branch, and only the verdict comes back: when
/// the value came back too (as a `(Checked, FieldValue)` merged from the branches), it went
/// through the stack, and reloading it right after its narrower stores (a failed store
/// forward) took an eighth of the CSV checker's samples (perf annotate, 300,000 records).
#[inline(always)]
pub fn check_text_field(
    plan: &CheckPlan,
    column: usize,
    field: TextField<'_>,
    findings: &mut Findings,
    stage: &mut RecordStage,
) -> Checked {
    let text = match field {
        TextField::Null => return plan.check(column, FieldValue::Null, findings),
        TextField::Text(text) => text,
    };
    let Some(column_plan) = plan.columns().get(column) else {
        return Checked::Valid;
    };
    let spelled = match &column_plan.rule {
        Rule::Int32 | Rule::Int64 => match classify(text) {
            Spelling::Other => Err("an integer (optional sign and decimal digits)"),
            spelling => Ok(spelling),
        },
        Rule::Bool => match classify(text) {
            Spelling::Other => Err("a boolean (true or false)"),
            spelling => Ok(spelling),
        },
        Rule::IntegerEnum { open_slot, .. } => match classify(text) {
            Spelling::Other if open_slot.is_some() => Ok(Spelling::Other),
            Spelling::Other => Err("an integer"),
            spelling => Ok(spelling),
        },
        Rule::Uuid | Rule::Timestamp | Rule::Ip | Rule::Text { .. } | Rule::StringEnum { .. } => {
            Ok(Spelling::Other)
        }
    };
    // The plan's shortcuts for the two common shapes (exactly `check` for them), as the JSONL
    // walker uses them; `Other` is the text as a string.
    match spelled {
        Ok(Spelling::Other) => {
            let checked = plan.check_string(column, text, findings);
            stage.observe_string(plan, column, text, checked);
            checked
        }
        Ok(Spelling::Integer(digits)) => {
            let checked = plan.check_integer(column, digits, findings);
            stage.observe_integer(plan, column, digits, checked);
            checked
        }
        Ok(spelling) => {
            let value = match spelling {
                Spelling::Bool(b) => FieldValue::Bool(b),
                _ => FieldValue::Number(text),
            };
            let checked = plan.check(column, value, findings);
            stage.observe(plan, column, value, checked);
            checked
        }
        Err(expected) => {
            bad_spelling(findings, column, expected, text);
            stage.observe(plan, column, FieldValue::String(text), Checked::Invalid);
            Checked::Invalid
        }
    }
}

#[cold]
fn bad_spelling(findings: &mut Findings, column: usize, expected: &str, text: &[u8]) {
    findings.push(
        ColumnRef::Column(column),
        Code::Format,
        format!("not {expected}"),
        Some(truncate_bytes(text)),
    );
}

/// How a text value reads as a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling<'a> {
    /// Optional sign and digits; the text without a leading `+`.
    Integer(&'a [u8]),
    /// A decimal number with a fraction or an exponent.
    Number,
    /// `true` / `false`.
    Bool(bool),
    /// Anything else.
    Other,
}

#[inline]
fn classify(text: &[u8]) -> Spelling<'_> {
    let (unsigned, digits_from) = match text.split_first() {
        Some((b'+', rest)) => (rest, rest),
        Some((b'-', rest)) => (rest, text),
        Some((b't' | b'f', _)) => {
            return match text {
                b"true" => Spelling::Bool(true),
                b"false" => Spelling::Bool(false),
                _ => Spelling::Other,
            };
        }
        _ => (text, text),
    };
    if !unsigned.is_empty() && all_digits(unsigned) {
        return Spelling::Integer(digits_from);
    }
    if is_decimal_number(unsigned) {
        Spelling::Number
    } else {
        Spelling::Other
    }
}

/// Whether every byte is an ASCII digit (a byte is one when its high nibble is 3 and adding 6
/// leaves it there): a literal of 4 to 16 bytes as its first and last word (of 4 or 8 bytes,
/// overlapping), a longer one eight bytes at a time, a shorter one byte by byte. An ID of 15
/// digits is two word tests, not a word and seven bytes.
#[inline]
fn all_digits(text: &[u8]) -> bool {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    const SIXES: u64 = 0x0606_0606_0606_0606;
    let word = |w: u64| w & HIGH == THREES && w.wrapping_add(SIXES) & HIGH == THREES;
    let half = |w: u32| {
        let w = u64::from(w) | (THREES & !0xFFFF_FFFF);
        word(w)
    };
    match text.len() {
        8..=16 => match (text.first_chunk::<8>(), text.last_chunk::<8>()) {
            (Some(a), Some(b)) => word(u64::from_le_bytes(*a)) && word(u64::from_le_bytes(*b)),
            _ => false,
        },
        4..8 => match (text.first_chunk::<4>(), text.last_chunk::<4>()) {
            (Some(a), Some(b)) => half(u32::from_le_bytes(*a)) && half(u32::from_le_bytes(*b)),
            _ => false,
        },
        0..4 => text.iter().all(u8::is_ascii_digit),
        _ => {
            let mut words = text.chunks_exact(8);
            let whole = words.by_ref().all(|w| {
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(w);
                word(u64::from_le_bytes(bytes))
            });
            whole && words.remainder().iter().all(u8::is_ascii_digit)
        }
    }
}

/// `digits [. digits] [e [sign] digits]` with at least one mantissa digit (sign already gone).
fn is_decimal_number(text: &[u8]) -> bool {
    let mut i = 0;
    let mut mantissa_digits = 0;
    while text.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
        mantissa_digits += 1;
    }
    if text.get(i) == Some(&b'.') {
        i += 1;
        while text.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            mantissa_digits += 1;
        }
    }
    if mantissa_digits == 0 {
        return false;
    }
    if matches!(text.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(text.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while text.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == text.len()
}

/// The one `malformed` finding of an unreadable record.
pub fn malformed(message: String, raw: &[u8]) -> Finding {
    Finding {
        column: ColumnRef::Record,
        code: Code::Malformed,
        message,
        value: Some(truncate_bytes(raw)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> CheckPlan {
        crate::plan::web_logs_plan()
    }

    /// The word-at-a-time digit test agrees with `is_ascii_digit` for every byte at every
    /// position of texts of 1 to 20 bytes.
    #[test]
    fn all_digits_agrees_with_the_byte_rule() {
        for len in 1..=20usize {
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut text = vec![b'7'; len];
                    text[at] = byte;
                    assert_eq!(
                        all_digits(&text),
                        text.iter().all(u8::is_ascii_digit),
                        "{text:?}"
                    );
                }
            }
        }
        assert!(all_digits(b""));
    }

    #[test]
    fn spellings_are_classified_by_their_first_byte_and_the_rest() {
        for (text, expected) in [
            (&b"true"[..], Spelling::Bool(true)),
            (b"false", Spelling::Bool(false)),
            (b"tru", Spelling::Other),
            (b"t", Spelling::Other),
            (b"falsey", Spelling::Other),
            (b"+true", Spelling::Other),
            (
                b"123456789012345678",
                Spelling::Integer(b"123456789012345678"),
            ),
            (b"+12", Spelling::Integer(b"12")),
            (b"-12", Spelling::Integer(b"-12")),
            (b"-", Spelling::Other),
            (b"1.5", Spelling::Number),
            (b"1e9", Spelling::Number),
            (b"12345678x", Spelling::Other),
            (b"", Spelling::Other),
        ] {
            assert_eq!(classify(text), expected, "{text:?}");
        }
    }

    fn codes(plan: &CheckPlan, name: &str, field: TextField<'_>) -> Vec<&'static str> {
        let column = plan
            .key_column(name.as_bytes())
            .or_else(|| plan.value_column(name.as_bytes()))
            .unwrap_or_else(|| panic!("no column {name}"));
        let mut findings = Findings::default();
        let _ = check_text_field(
            plan,
            column,
            field,
            &mut findings,
            &mut RecordStage::new(plan),
        );
        findings
            .as_slice()
            .iter()
            .map(|f| f.code.as_str())
            .collect()
    }

    use TextField::{Null, Text};

    #[test]
    fn values_are_read_by_column_type() {
        let p = plan();
        assert_eq!(codes(&p, "http_status", Text(b"200")), Vec::<&str>::new());
        assert_eq!(codes(&p, "http_status", Text(b"+200")), Vec::<&str>::new());
        assert_eq!(codes(&p, "http_status", Text(b"299")), ["enum"]);
        assert_eq!(codes(&p, "http_status", Text(b"OK")), ["format"]);
        assert_eq!(codes(&p, "http_status", Text(b"2e2")), ["type"]);
        assert_eq!(codes(&p, "user_id", Text(b"-12")), Vec::<&str>::new());
        assert_eq!(
            codes(&p, "user_id", Text(b"9223372036854775808")),
            ["range"]
        );
        assert_eq!(
            codes(&p, "interaction_micros", Text(b"2147483648")),
            ["range"]
        );
        assert_eq!(codes(&p, "user_id", Text(b"1.0")), ["type"]);
        assert_eq!(codes(&p, "user_id", Text(b"true")), ["type"]);
        assert_eq!(codes(&p, "user_id", Text(b"12a")), ["format"]);
        assert_eq!(codes(&p, "user_id", Text(b"")), ["format"]);
        assert_eq!(codes(&p, "user_id", Text(b"+")), ["format"]);
        assert_eq!(codes(&p, "user_id", Null), Vec::<&str>::new());
        assert_eq!(
            codes(&p, "participated", Text(b"false")),
            Vec::<&str>::new()
        );
        assert_eq!(codes(&p, "participated", Text(b"1")), ["type"]);
        assert_eq!(codes(&p, "participated", Text(b"TRUE")), ["format"]);
        assert_eq!(codes(&p, "participated", Null), ["not_null"]);
        assert_eq!(codes(&p, "url", Text(b"")), Vec::<&str>::new());
        assert_eq!(codes(&p, "url", Text(b"true")), Vec::<&str>::new());
        assert_eq!(codes(&p, "id", Text(b"")), ["format"]);
        assert_eq!(
            codes(&p, "web_application_controller", Text(b"12")),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn numbers_are_recognised_exactly() {
        for number in ["1.0", "1e5", "1E+5", ".5", "5.", "0.25e-3"] {
            assert!(is_decimal_number(number.as_bytes()), "{number}");
        }
        for other in ["", ".", "e5", "1e", "1.2.3", "0x10", "inf", "NaN", "1 "] {
            assert!(!is_decimal_number(other.as_bytes()), "{other}");
        }
    }

    #[test]
    fn header_problems_are_found_once() {
        let p = plan();
        let names = [
            "meta.ts",
            "key.id",
            "value.url",
            "value.url",
            "value.browser",
            "meta.x",
            "url",
            "value.id",
        ];
        let (header, findings) = Header::map(&p, &names);
        assert_eq!(header.fields(), 8);
        let got: Vec<(Option<String>, &str)> = findings
            .iter()
            .map(|f| (p.column_name(&f.column), f.code.as_str()))
            .collect();
        let first = |name: &str, code: &'static str| (Some(name.to_owned()), code);
        assert_eq!(
            got[..5],
            [
                first("url", "malformed"),
                first("browser", "unknown_column"),
                first("meta.x", "unknown_column"),
                first("url", "unknown_column"),
                first("id", "unknown_column"),
            ]
        );
        // Every other required value column is missing; meta.ts, id and url are there.
        assert!(got[5..].iter().all(|(_, code)| *code == "not_null"));
        assert!(
            got[5..]
                .iter()
                .any(|(c, _)| c.as_deref() == Some("participated"))
        );
        assert!(!got[5..].iter().any(|(c, _)| c.as_deref() == Some("url")));
        assert!(findings[3].message.contains("did you mean `value.url`"));
        assert_eq!(header.slots[3], Slot::Ignored);
        assert_eq!(
            header.slots[2],
            Slot::Column(p.value_column(b"url").unwrap_or(99))
        );
    }
}
