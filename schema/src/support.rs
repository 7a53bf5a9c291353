//! Hand-written support for the generated bindings: what does not depend on the YAML.
//!
//! The generated code (`canvas_logs.rs`, built from the model) refers to this module as `support`;
//! it holds the table-independent pieces:
//!
//! - [`ColumnValue`]: how one column value is read and written, with strict wire forms for uuids
//!   (hyphenated only) and timestamps (`YYYY-MM-DDThh:mm:ss[.ffffff]Z`), and
//!   [`deserialize_column`], which names the column in every error;
//! - the DAP record envelope shared by every table: [`RecordMeta`], [`RecordAction`] and the wire
//!   form of a record, [`RecordWire`];
//! - the error types [`ParseEnumError`], [`TextTooLong`] and [`MissingValue`];
//! - [`schema`]: JSON Schema fragments for column types whose schemars default is looser than the
//!   rule the bindings enforce (integer ranges, uuid and timestamp patterns, IP formats).

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

/// The regular expression a uuid matches on the wire (hyphenated, either case); equal to the
/// emitted JSON Schema's (a test checks it).
pub const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// The regular expression a timestamp matches on the wire: UTC (`Z`), at most microseconds;
/// equal to the emitted JSON Schema's (a test checks it).
pub const TIMESTAMP_PATTERN: &str = "^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?Z$";

/// How one column value is read from and written to the wire.
///
/// Implemented for every Rust type a column can have; `Option<T>` reads JSON `null` as `None`.
/// The generated code reaches it through [`deserialize_column`] and [`serialize_column`].
pub trait ColumnValue: Sized {
    /// Writes the value in its wire form.
    fn serialize_column<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads the value from its wire form.
    fn deserialize_column<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// Implements [`ColumnValue`] through the type's own serde implementations.
macro_rules! column_value_via_serde {
    ($($ty:ty),* $(,)?) => {$(
        impl ColumnValue for $ty {
            fn serialize_column<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(self, serializer)
            }
            fn deserialize_column<'de, D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                <$ty as ::serde::Deserialize<'de>>::deserialize(deserializer)
            }
        }
    )*};
}

column_value_via_serde!(bool, i32, i64, String, IpAddr);

impl ColumnValue for uuid::Uuid {
    fn serialize_column<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.hyphenated())
    }

    fn deserialize_column<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(WireTextVisitor::<uuid::Uuid>(std::marker::PhantomData))
    }
}

impl ColumnValue for jiff::Timestamp {
    fn serialize_column<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.to_string();
        if !is_wire_timestamp(&text) {
            return Err(serde::ser::Error::custom(format_args!(
                "timestamp {text} cannot be exported: DAP timestamps are UTC, years 0001-9999, at most microsecond precision"
            )));
        }
        serializer.serialize_str(&text)
    }

    fn deserialize_column<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(WireTextVisitor::<jiff::Timestamp>(std::marker::PhantomData))
    }
}

impl<T: ColumnValue> ColumnValue for Option<T> {
    fn serialize_column<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            None => serializer.serialize_none(),
            Some(value) => serializer.serialize_some(&AsColumn(value)),
        }
    }

    fn deserialize_column<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wrapped = Option::<FromColumn<T>>::deserialize(deserializer)?;
        Ok(wrapped.map(|FromColumn(value)| value))
    }
}

/// Serializes a column value in its wire form (`serialize_with` target of generated fields).
pub fn serialize_column<T: ColumnValue, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.serialize_column(serializer)
}

/// Deserializes a column value, naming the column in any error:
/// ``column `user_agent`: text is 256 characters long; at most 255 are allowed``.
pub fn deserialize_column<'de, T: ColumnValue, D: Deserializer<'de>>(
    deserializer: D,
    column: &str,
) -> Result<T, D::Error> {
    T::deserialize_column(deserializer).map_err(|error| {
        let message = error.to_string();
        // serde_json appends the position when the error propagates; drop the inner one so it is
        // not printed twice.
        let message = strip_position_suffix(&message);
        de::Error::custom(format_args!("column `{column}`: {message}"))
    })
}

/// Removes a trailing ` at line N column M` (serde_json's position suffix), if any.
fn strip_position_suffix(message: &str) -> &str {
    let Some(at) = message.rfind(" at line ") else {
        return message;
    };
    let tail = &message[at + " at line ".len()..];
    let Some((line, column)) = tail.split_once(" column ") else {
        return message;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if all_digits(line) && all_digits(column) {
        &message[..at]
    } else {
        message
    }
}

struct AsColumn<'a, T>(&'a T);

impl<T: ColumnValue> Serialize for AsColumn<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_column(serializer)
    }
}

struct FromColumn<T>(T);

impl<'de, T: ColumnValue> Deserialize<'de> for FromColumn<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_column(deserializer).map(FromColumn)
    }
}

/// A type with one strict textual wire form.
trait WireText: Sized {
    /// What the visitor expects, for error messages.
    const EXPECTING: &'static str;
    /// Parses the wire text, or says why it is not valid.
    fn parse_wire(text: &str) -> Result<Self, String>;
}

impl WireText for uuid::Uuid {
    const EXPECTING: &'static str = "a hyphenated UUID (8-4-4-4-12 hex digits)";

    fn parse_wire(text: &str) -> Result<Self, String> {
        let hyphens_in_place =
            text.len() == 36 && [8, 13, 18, 23].iter().all(|&i| text.as_bytes()[i] == b'-');
        if !hyphens_in_place {
            return Err(format!(
                "`{text}` is not a hyphenated UUID (8-4-4-4-12 hex digits)"
            ));
        }
        uuid::Uuid::try_parse(text).map_err(|error| format!("`{text}` is not a UUID: {error}"))
    }
}

impl WireText for jiff::Timestamp {
    const EXPECTING: &'static str = "a UTC timestamp YYYY-MM-DDThh:mm:ss[.ffffff]Z";

    fn parse_wire(text: &str) -> Result<Self, String> {
        if !is_wire_timestamp(text) {
            return Err(format!(
                "`{text}` is not a DAP timestamp (YYYY-MM-DDThh:mm:ss[.ffffff]Z: UTC, at most six fractional digits)"
            ));
        }
        text.parse::<jiff::Timestamp>()
            .map_err(|error| format!("`{text}` is not a valid date-time: {error}"))
    }
}

/// Whether `text` matches [`TIMESTAMP_PATTERN`] (the shape only; the calendar is checked by jiff).
pub fn is_wire_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return false;
    }
    let shape = digits(0..4)
        && &b[0..4] != b"0000"
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape || b[11] > b'2' || (b[11] == b'2' && b[12] > b'3') || b[14] > b'5' || b[17] > b'5' {
        return false;
    }
    let fraction = &b[19..b.len() - 1];
    match fraction {
        [] => true,
        [b'.', rest @ ..] => (1..=6).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

struct WireTextVisitor<T>(std::marker::PhantomData<T>);

impl<T: WireText> Visitor<'_> for WireTextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        T::parse_wire(text).map_err(E::custom)
    }
}

/// A value outside a closed enum's list (or, for an integer enum, not an integer of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    enum_name: &'static str,
    value: String,
    expected: &'static [&'static str],
}

impl ParseEnumError {
    /// The error for `value`, which is not one of `expected` (the values of `enum_name`).
    pub fn new(
        enum_name: &'static str,
        value: impl Into<String>,
        expected: &'static [&'static str],
    ) -> ParseEnumError {
        ParseEnumError {
            enum_name,
            value: value.into(),
            expected,
        }
    }

    /// The enum's name as the schema spells it (`HTTPMethod`).
    pub fn enum_name(&self) -> &'static str {
        self.enum_name
    }

    /// The rejected value, as text.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a {} value; expected one of ",
            self.value, self.enum_name
        )?;
        for (i, value) in self.expected.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{value}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseEnumError {}

/// Text longer than a column's `max_length` (counted in Unicode scalar values, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextTooLong {
    /// The length of the rejected text, in characters.
    pub length: usize,
    /// The column's limit, in characters.
    pub max_length: usize,
}

impl fmt::Display for TextTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "text is {} characters long; at most {} are allowed",
            self.length, self.max_length
        )
    }
}

impl std::error::Error for TextTooLong {}

/// Checks a length-limited text: sentinels (in any accepted spelling) are valid whatever their
/// length and come back in their canonical spelling; other text must have at most `max_length`
/// characters. `sentinels` pairs each accepted spelling with its canonical form.
pub fn check_limited_text(
    text: String,
    max_length: Option<usize>,
    sentinels: &[(&str, &str)],
) -> Result<String, TextTooLong> {
    if let Some((_, canonical)) = sentinels.iter().find(|(spelling, _)| *spelling == text) {
        return Ok((*canonical).to_owned());
    }
    if let Some(max_length) = max_length {
        // Cheap bound first: a text of at most `max_length` bytes has at most that many characters.
        if text.len() > max_length {
            let length = text.chars().count();
            if length > max_length {
                return Err(TextTooLong { length, max_length });
            }
        }
    }
    Ok(text)
}

/// A record that is not a delete but has no `value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingValue;

impl fmt::Display for MissingValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "missing field `value` (only a delete, with `meta.action` \"D\", may omit it or write null)",
        )
    }
}

impl std::error::Error for MissingValue {}

/// `meta.action`: what a record asks for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum RecordAction {
    /// `U`: insert the row, or replace the row with the same key.
    #[serde(rename = "U")]
    Upsert,
    /// `D`: delete the row with this key (the record carries no value).
    #[serde(rename = "D")]
    Delete,
}

column_value_via_serde!(RecordAction);

/// Record metadata: the `meta` object of every DAP export record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordMeta {
    /// Commit (modification) time of the record, UTC.
    #[serde(serialize_with = "serialize_column", deserialize_with = "meta_ts")]
    #[schemars(with = "schema::Timestamp")]
    pub ts: jiff::Timestamp,
    /// `U` (upsert) or `D` (hard delete); absent in snapshots. Written only when present; an
    /// explicit `null` is rejected, as the JSON Schema does.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "meta_action"
    )]
    #[schemars(with = "RecordAction")]
    pub action: Option<RecordAction>,
}

fn meta_ts<'de, D: Deserializer<'de>>(deserializer: D) -> Result<jiff::Timestamp, D::Error> {
    deserialize_column(deserializer, "meta.ts")
}

fn meta_action<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<RecordAction>, D::Error> {
    deserialize_column::<RecordAction, D>(deserializer, "meta.action").map(Some)
}

impl RecordMeta {
    /// Whether the record is a delete (`meta.action` is `D`).
    pub fn is_delete(&self) -> bool {
        self.action == Some(RecordAction::Delete)
    }
}

/// The wire form of an export record of any table, before the envelope rule is checked: `key`,
/// `value` (absent or `null` allowed here) and `meta`. Generated record types read through it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    bound(
        serialize = "K: Serialize, V: Serialize",
        deserialize = "K: Deserialize<'de>, V: Deserialize<'de>"
    )
)]
#[schemars(transform = require_value_unless_delete)]
pub struct RecordWire<K, V> {
    /// The primary key columns.
    pub key: K,
    /// The other columns; absent or `null` only in a delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<V>,
    /// Record metadata.
    pub meta: RecordMeta,
}

/// The envelope rule for schemas: unless `meta.action` is `D`, `value` is required and an object.
fn require_value_unless_delete(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    object.insert(
        "if".to_owned(),
        serde_json::json!({
            "properties": { "meta": {
                "properties": { "action": { "const": "D" } },
                "required": ["action"],
            } },
        }),
    );
    object.insert(
        "else".to_owned(),
        serde_json::json!({
            "properties": { "value": { "type": "object" } },
            "required": ["value"],
        }),
    );
}

/// JSON Schema fragments for column types whose schemars defaults are looser than the bindings.
///
/// Generated fields name these with `#[schemars(with = "...")]`; each matches the emitted JSON
/// Schema's rule for the type.
pub mod schema {
    use super::*;

    /// A hyphenated uuid.
    pub struct Uuid;
    /// A UTC timestamp with at most microseconds.
    pub struct Timestamp;
    /// A signed 32-bit integer.
    pub struct Int32;
    /// A signed 64-bit integer.
    pub struct Int64;
    /// An IPv4 or IPv6 address.
    pub struct IpAddress;

    macro_rules! inline_schema {
        ($ty:ident, $name:literal, $schema:expr) => {
            impl JsonSchema for $ty {
                fn inline_schema() -> bool {
                    true
                }
                fn schema_name() -> Cow<'static, str> {
                    Cow::Borrowed($name)
                }
                fn json_schema(_: &mut SchemaGenerator) -> Schema {
                    $schema
                }
            }
        };
    }

    inline_schema!(
        Uuid,
        "Uuid",
        json_schema!({ "type": "string", "format": "uuid", "pattern": UUID_PATTERN })
    );
    inline_schema!(
        Timestamp,
        "Timestamp",
        json_schema!({ "type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN })
    );
    inline_schema!(
        Int32,
        "Int32",
        json_schema!({ "type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX })
    );
    inline_schema!(
        Int64,
        "Int64",
        json_schema!({ "type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX })
    );
    inline_schema!(
        IpAddress,
        "IpAddress",
        json_schema!({ "type": "string", "anyOf": [{ "format": "ipv4" }, { "format": "ipv6" }] })
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_shape_follows_the_pattern() {
        assert!(is_wire_timestamp("2024-01-31T23:59:59Z"));
        assert!(is_wire_timestamp("2024-01-31T23:59:59.123456Z"));
        assert!(!is_wire_timestamp("2024-01-31T23:59:59.1234567Z"));
        assert!(!is_wire_timestamp("2024-01-31T24:00:00Z"));
        assert!(!is_wire_timestamp("2024-01-31T23:60:00Z"));
        assert!(!is_wire_timestamp("2024-01-31T23:59:59+00:00"));
        assert!(!is_wire_timestamp("2024-01-31 23:59:59Z"));
        assert!(!is_wire_timestamp("2024-01-31T23:59:59.Z"));
    }

    #[test]
    fn position_suffix_is_stripped_only_when_it_is_one() {
        assert_eq!(strip_position_suffix("bad at line 1 column 30"), "bad");
        assert_eq!(
            strip_position_suffix("look at line two"),
            "look at line two"
        );
    }

    #[test]
    fn sentinels_pass_whatever_the_limit_and_come_back_canonical() {
        let sentinels = [("__x__", "__x__"), ("_x_", "__x__")];
        assert_eq!(
            check_limited_text("_x_".into(), Some(1), &sentinels).unwrap(),
            "__x__"
        );
        assert_eq!(
            check_limited_text("éé".into(), Some(2), &sentinels).unwrap(),
            "éé"
        );
        assert_eq!(
            check_limited_text("ééé".into(), Some(2), &sentinels),
            Err(TextTooLong {
                length: 3,
                max_length: 2
            })
        );
    }
}
