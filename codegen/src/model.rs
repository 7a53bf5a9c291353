//! The checked model of a namespace: resolved, validated and ordered.
//!
//! Everything here was produced by [`crate::check`]; emitters and the validator trust it. Fields
//! are private and read through accessors, so a model can only come out of the checker: if you
//! hold a [`Namespace`], its invariants hold:
//!
//! - names are unique where they must be (tables, columns, enums, enum value names and values) and
//!   valid identifiers under the rules in [`crate::names`];
//! - every enum reference resolves ([`ColumnType::Enum`] holds an index into
//!   [`Namespace::enums`]);
//! - `max_length` appears only on `string` columns and is positive; sentinels only on strings;
//! - every table has a non-empty primary key of non-nullable columns;
//! - integer enum values fit in `i32`; every enum has at least one value.
//!
//! Order is the YAML's order everywhere (no hash maps), so every output is deterministic.

use crate::names;

/// A namespace (DAP's unit of schema, e.g. `canvas_logs`): its enums and tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) version: u32,
    pub(crate) enums: Vec<Enum>,
    pub(crate) tables: Vec<Table>,
}

impl Namespace {
    /// The namespace name, a lower-case SQL/Rust identifier (`canvas_logs`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Free text describing the namespace.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The schema version, as DAP numbers schemas (monotonically increasing integers).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Enums in definition order.
    pub fn enums(&self) -> &[Enum] {
        &self.enums
    }

    /// Tables in definition order.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The enum a [`ColumnType::Enum`] refers to.
    pub fn enum_by_id(&self, id: EnumId) -> &Enum {
        &self.enums[id.0]
    }

    /// Looks an enum up by its YAML name (`HTTPMethod`).
    pub fn enum_by_name(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// Looks a table up by name (`web_logs`).
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// Index of an enum in [`Namespace::enums`]; only the checker creates these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnumId(pub(crate) usize);

impl EnumId {
    /// The position of the enum in [`Namespace::enums`].
    pub fn index(self) -> usize {
        self.0
    }
}

/// Whether values outside the listed ones are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Openness {
    /// Only the listed values are valid.
    Closed,
    /// The listed values plus any other string (DAP's `Controller | str`).
    Open,
}

/// What an enum's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    /// Text values (`'GET'`), compared exactly and case-sensitively.
    String,
    /// Integer values (`200`) that fit in `i32`, written as JSON numbers.
    Integer,
}

/// An enumerated type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enum {
    pub(crate) name: String,
    pub(crate) rust_name: String,
    pub(crate) description: Option<String>,
    pub(crate) repr: EnumRepr,
    pub(crate) openness: Openness,
    pub(crate) values: Vec<EnumValue>,
}

impl Enum {
    /// The name as written in the YAML and in DAP's documentation (`HTTPMethod`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Rust type name (`HttpMethod`), derived by [`names::rust_type_name`].
    pub fn rust_name(&self) -> &str {
        &self.rust_name
    }

    /// The description, when the source gives one (DAP publishes none for `HTTPStatus`).
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// String or integer valued.
    pub fn repr(&self) -> EnumRepr {
        self.repr
    }

    /// Closed or open.
    pub fn openness(&self) -> Openness {
        self.openness
    }

    /// Whether any string outside the listed values is also valid.
    pub fn is_open(&self) -> bool {
        self.openness == Openness::Open
    }

    /// The listed values, in definition order (never empty).
    pub fn values(&self) -> &[EnumValue] {
        &self.values
    }
}

/// The value of one enum member.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EnumLiteral {
    /// A string member: its exact wire text.
    String(String),
    /// An integer member.
    Integer(i32),
}

impl EnumLiteral {
    /// The string value, for string enums.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            EnumLiteral::String(s) => Some(s),
            EnumLiteral::Integer(_) => None,
        }
    }

    /// The integer value, for integer enums.
    pub fn as_i32(&self) -> Option<i32> {
        match self {
            EnumLiteral::String(_) => None,
            EnumLiteral::Integer(i) => Some(*i),
        }
    }
}

impl std::fmt::Display for EnumLiteral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnumLiteral::String(s) => f.write_str(s),
            EnumLiteral::Integer(i) => write!(f, "{i}"),
        }
    }
}

/// One member of an enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    pub(crate) name: String,
    pub(crate) rust_name: String,
    pub(crate) value: EnumLiteral,
}

impl EnumValue {
    /// The member name as published (`http11`, `IM_A_TEAPOT`, `quiz_submission`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Rust variant name, derived by [`names::rust_variant_name`] (`QuizzesQuizSubmission`).
    pub fn rust_name(&self) -> &str {
        &self.rust_name
    }

    /// The canonical wire value.
    pub fn value(&self) -> &EnumLiteral {
        &self.value
    }

    /// Every spelling a reader accepts for this value: the canonical one first, then the legacy
    /// single-underscore spelling of a DAP sentinel (see [`names::legacy_sentinel_spelling`]).
    pub fn accepted_spellings(&self) -> Vec<String> {
        match &self.value {
            EnumLiteral::String(s) => spellings_of(s),
            EnumLiteral::Integer(i) => vec![i.to_string()],
        }
    }
}

/// A table: its columns in order and its primary key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) columns: Vec<Column>,
    pub(crate) primary_key: Vec<usize>,
}

impl Table {
    /// The table name (`web_logs`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Free text describing the table.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// All columns in definition order (key columns included).
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Indexes into [`Table::columns`] of the primary key columns, in key order (never empty).
    pub fn primary_key(&self) -> &[usize] {
        &self.primary_key
    }

    /// Whether the column at `index` is part of the primary key.
    pub fn is_key_column(&self, index: usize) -> bool {
        self.primary_key.contains(&index)
    }

    /// The primary key columns: in a DAP record they live under `key`.
    pub fn key_columns(&self) -> impl Iterator<Item = &Column> {
        self.primary_key.iter().map(|&i| &self.columns[i])
    }

    /// The non-key columns, in order: in a DAP record they live under `value`.
    pub fn value_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.primary_key.contains(i))
            .map(|(_, c)| c)
    }

    /// Looks a column up by name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The position of a column by name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// An RFC 4122 UUID, written hyphenated.
    Uuid,
    /// An instant in UTC, RFC 3339 with up to microsecond precision (DAP's `datetime`).
    Timestamp,
    /// A signed 32-bit integer.
    Int32,
    /// A signed 64-bit integer (may exceed 2^53: never read through `f64`).
    Int64,
    /// `true` or `false`.
    Bool,
    /// Unicode text; see [`Column::max_length`].
    String,
    /// An IPv4 or IPv6 address.
    Ip,
    /// A value of the referenced enum.
    Enum(EnumId),
}

/// The built-in (non-enum) type names, in the spelling the YAML uses.
pub const BUILTIN_TYPE_NAMES: [&str; 7] = [
    "uuid",
    "timestamp",
    "int32",
    "int64",
    "bool",
    "string",
    "ip",
];

impl ColumnType {
    /// The YAML spelling of a built-in type, or `None` for an enum.
    pub fn builtin_name(self) -> Option<&'static str> {
        Some(match self {
            ColumnType::Uuid => "uuid",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Int32 => "int32",
            ColumnType::Int64 => "int64",
            ColumnType::Bool => "bool",
            ColumnType::String => "string",
            ColumnType::Ip => "ip",
            ColumnType::Enum(_) => return None,
        })
    }

    /// Parses a built-in type name.
    pub fn from_builtin_name(name: &str) -> Option<ColumnType> {
        Some(match name {
            "uuid" => ColumnType::Uuid,
            "timestamp" => ColumnType::Timestamp,
            "int32" => ColumnType::Int32,
            "int64" => ColumnType::Int64,
            "bool" => ColumnType::Bool,
            "string" => ColumnType::String,
            "ip" => ColumnType::Ip,
            _ => return None,
        })
    }
}

/// A table or namespace outside this one that a column points at, for documentation and optional
/// foreign-key output (`canvas.users`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub(crate) namespace: String,
    pub(crate) table: String,
}

impl Reference {
    /// The referenced namespace (`canvas`).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The referenced table (`users`).
    pub fn table(&self) -> &str {
        &self.table
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.namespace, self.table)
    }
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) ty: ColumnType,
    pub(crate) nullable: bool,
    pub(crate) max_length: Option<u32>,
    pub(crate) sentinels: Vec<String>,
    pub(crate) references: Option<Reference>,
}

impl Column {
    /// The column name, exactly as published (`user_agent`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Rust field name: the column name, as a raw identifier (`r#type`) when it is a keyword.
    pub fn rust_field_name(&self) -> String {
        names::rust_field_name(&self.name)
    }

    /// Free text describing the column.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The column's type.
    pub fn ty(&self) -> ColumnType {
        self.ty
    }

    /// Whether NULL (absent or `null` in JSON) is allowed.
    pub fn nullable(&self) -> bool {
        self.nullable
    }

    /// For `string` columns: the maximum length in characters (Unicode scalar values).
    pub fn max_length(&self) -> Option<u32> {
        self.max_length
    }

    /// Canonical sentinel values that are always valid for this column, whatever its length limit
    /// (`__dap_oversized_truncated__`).
    pub fn sentinels(&self) -> &[String] {
        &self.sentinels
    }

    /// Every accepted spelling of every sentinel: canonical ones first, then legacy spellings.
    pub fn accepted_sentinel_spellings(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for s in &self.sentinels {
            for spelling in spellings_of(s) {
                if !all.contains(&spelling) {
                    all.push(spelling);
                }
            }
        }
        all
    }

    /// What the column points at, if anything.
    pub fn references(&self) -> Option<&Reference> {
        self.references.as_ref()
    }
}

/// The canonical spelling followed by the legacy single-underscore one, when there is one.
fn spellings_of(canonical: &str) -> Vec<String> {
    let mut out = vec![canonical.to_owned()];
    if let Some(legacy) = names::legacy_sentinel_spelling(canonical) {
        out.push(legacy);
    }
    out
}

/// The DAP record envelope, which every table shares: `key`, `value` and `meta`.
///
/// A record's `key` holds the primary key columns and `value` the others; `meta.ts` is a required
/// timestamp (the commit time) and `meta.action` an optional `U` (upsert) or `D` (delete). A delete
/// carries no `value` and need not satisfy the value columns' rules.
pub mod envelope {
    /// The object holding the primary key columns.
    pub const KEY: &str = "key";
    /// The object holding the other columns.
    pub const VALUE: &str = "value";
    /// The object holding the record's metadata.
    pub const META: &str = "meta";
    /// `meta.ts`: the required commit timestamp.
    pub const META_TS: &str = "ts";
    /// `meta.action`: the optional action.
    pub const META_ACTION: &str = "action";
    /// The action of an upsert.
    pub const ACTION_UPSERT: &str = "U";
    /// The action of a hard delete.
    pub const ACTION_DELETE: &str = "D";
}
