//! Two models -> every change between them, classified, with its impact on each consumer.
//!
//! Changes are found by name (tables, columns, enums, enum values by value); a renamed item is a
//! removal and an addition, never guessed. For each [`Change`] the [`Impact`] says:
//!
//! - **data**: whether exports valid under OLD stay valid under NEW, and the reverse;
//! - **rust**: whether the regenerated bindings break semver for code using them (every pub
//!   struct and enum is exhaustive, so a new field or variant is breaking);
//! - **sql**, per dialect: [`SqlImpact::Safe`], [`SqlImpact::Rewrite`] (the change needs a table
//!   rewrite: slow on a big table, but keeps every row), [`SqlImpact::MayFail`] (existing rows can
//!   stop it) or [`SqlImpact::Destructive`] (data or a type is dropped).
//!
//! A change is **breaking** ([`Change::is_breaking`]) when exports valid under OLD may be refused
//! under NEW, or when some dialect's migration may fail or destroys data: that is what a data
//! team's pipeline suffers. The Rust impact is reported beside it but does not make a change
//! breaking: the bindings are regenerated in the same commit as the YAML, and their users read
//! the semver note. `cargo xtask diff` exits 1 when any change is breaking.

use crate::model::{Column, ColumnType, Enum, EnumRepr, Namespace, Table};
use serde_json::{Value, json};

pub mod render;

/// What changed. Names are as in the model; values of enums in their wire text.
// The fields are named for what they hold (from, to, value, nullable, ty, open); each variant's
// doc says what changed.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// The namespace's schema version changed (informational).
    VersionChanged { from: u32, to: u32 },
    /// A table appears.
    TableAdded,
    /// A table is gone.
    TableRemoved,
    /// A column appears.
    ColumnAdded { nullable: bool, ty: String },
    /// A column is gone.
    ColumnRemoved { nullable: bool },
    /// A column moved (positions are 0-based among the table's columns).
    ColumnReordered { from: usize, to: usize },
    /// A required column became nullable.
    NullabilityLoosened,
    /// A nullable column became required.
    NullabilityTightened,
    /// `int32` -> `int64`.
    TypeWidened { from: String, to: String },
    /// `int64` -> `int32`.
    TypeNarrowed { from: String, to: String },
    /// Any other type change (an enum renamed counts here).
    TypeChanged { from: String, to: String },
    /// A larger `max_length`.
    MaxLengthRaised { from: u32, to: u32 },
    /// A smaller `max_length`.
    MaxLengthLowered { from: u32, to: u32 },
    /// A `max_length` where there was none.
    MaxLengthAdded { to: u32 },
    /// No `max_length` any more.
    MaxLengthRemoved { from: u32 },
    /// A sentinel is always valid now.
    SentinelAdded { value: String },
    /// A sentinel is no longer special.
    SentinelRemoved { value: String },
    /// An enum type appears.
    EnumAdded,
    /// An enum type is gone.
    EnumRemoved,
    /// A value joins an enum.
    EnumValueAdded { value: String, open: bool },
    /// A value leaves an enum.
    EnumValueRemoved { value: String, open: bool },
    /// A closed enum takes any string now.
    EnumOpened,
    /// An open enum takes only its listed values now.
    EnumClosed,
    /// The primary key columns changed.
    PrimaryKeyChanged { from: Vec<String>, to: Vec<String> },
    /// Only a description changed.
    DescriptionChanged,
}

/// One change and what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `web_logs`, `web_logs.user_agent`, `HTTPMethod`, or the namespace's name.
    pub subject: String,
    /// What changed.
    pub kind: ChangeKind,
    /// What it means for each consumer.
    pub impact: Impact,
}

/// A migration step's risk in one SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SqlImpact {
    /// Applied in place; no row is read.
    Safe,
    /// Keeps every row but rewrites the table (or rebuilds it, in SQLite).
    Rewrite,
    /// Existing rows can make it fail; the migration checks them first.
    MayFail,
    /// Drops data or a type; only with `--allow-destructive`.
    Destructive,
}

impl SqlImpact {
    /// The stable name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            SqlImpact::Safe => "safe",
            SqlImpact::Rewrite => "rewrite",
            SqlImpact::MayFail => "may_fail",
            SqlImpact::Destructive => "destructive",
        }
    }
}

/// The SQL dialects an impact is given for, in report order.
pub const DIALECTS: [&str; 4] = ["postgresql", "mysql", "sqlite", "mssql"];

/// What a change means for each consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    /// Exports valid under OLD are valid under NEW.
    pub old_data_valid_under_new: bool,
    /// Exports valid under NEW were valid under OLD.
    pub new_data_valid_under_old: bool,
    /// The regenerated Rust bindings break semver.
    pub rust_breaking: bool,
    /// Per dialect, in [`DIALECTS`] order.
    pub sql: [SqlImpact; 4],
}

impl Change {
    /// The stable code of the change's kind (`column_added`, `enum_value_removed`, ...).
    pub fn code(&self) -> &'static str {
        match &self.kind {
            ChangeKind::VersionChanged { .. } => "version_changed",
            ChangeKind::TableAdded => "table_added",
            ChangeKind::TableRemoved => "table_removed",
            ChangeKind::ColumnAdded { nullable: true, .. } => "column_added_nullable",
            ChangeKind::ColumnAdded {
                nullable: false, ..
            } => "column_added_required",
            ChangeKind::ColumnRemoved { .. } => "column_removed",
            ChangeKind::ColumnReordered { .. } => "column_reordered",
            ChangeKind::NullabilityLoosened => "nullability_loosened",
            ChangeKind::NullabilityTightened => "nullability_tightened",
            ChangeKind::TypeWidened { .. } => "type_widened",
            ChangeKind::TypeNarrowed { .. } => "type_narrowed",
            ChangeKind::TypeChanged { .. } => "type_changed",
            ChangeKind::MaxLengthRaised { .. } => "max_length_raised",
            ChangeKind::MaxLengthLowered { .. } => "max_length_lowered",
            ChangeKind::MaxLengthAdded { .. } => "max_length_added",
            ChangeKind::MaxLengthRemoved { .. } => "max_length_removed",
            ChangeKind::SentinelAdded { .. } => "sentinel_added",
            ChangeKind::SentinelRemoved { .. } => "sentinel_removed",
            ChangeKind::EnumAdded => "enum_added",
            ChangeKind::EnumRemoved => "enum_removed",
            ChangeKind::EnumValueAdded { .. } => "enum_value_added",
            ChangeKind::EnumValueRemoved { .. } => "enum_value_removed",
            ChangeKind::EnumOpened => "enum_opened",
            ChangeKind::EnumClosed => "enum_closed",
            ChangeKind::PrimaryKeyChanged { .. } => "primary_key_changed",
            ChangeKind::DescriptionChanged => "description_changed",
        }
    }

    /// Exports valid under OLD may be refused under NEW, or a dialect's step may fail or
    /// destroys data.
    pub fn is_breaking(&self) -> bool {
        !self.impact.old_data_valid_under_new
            || self.impact.sql.iter().any(|s| *s >= SqlImpact::MayFail)
    }

    /// One sentence saying what changed.
    pub fn describe(&self) -> String {
        match &self.kind {
            ChangeKind::VersionChanged { from, to } => format!("schema version {from} -> {to}"),
            ChangeKind::TableAdded => "table added".to_owned(),
            ChangeKind::TableRemoved => "table removed".to_owned(),
            ChangeKind::ColumnAdded { nullable, ty } => format!(
                "{} column added ({ty})",
                if *nullable { "nullable" } else { "required" }
            ),
            ChangeKind::ColumnRemoved { nullable } => format!(
                "{} column removed",
                if *nullable { "nullable" } else { "required" }
            ),
            ChangeKind::ColumnReordered { from, to } => {
                format!("column moved from position {} to {}", from + 1, to + 1)
            }
            ChangeKind::NullabilityLoosened => "required -> nullable".to_owned(),
            ChangeKind::NullabilityTightened => "nullable -> required".to_owned(),
            ChangeKind::TypeWidened { from, to } => format!("type widened: {from} -> {to}"),
            ChangeKind::TypeNarrowed { from, to } => format!("type narrowed: {from} -> {to}"),
            ChangeKind::TypeChanged { from, to } => format!("type changed: {from} -> {to}"),
            ChangeKind::MaxLengthRaised { from, to } => {
                format!("max_length raised: {from} -> {to}")
            }
            ChangeKind::MaxLengthLowered { from, to } => {
                format!("max_length lowered: {from} -> {to}")
            }
            ChangeKind::MaxLengthAdded { to } => format!("max_length added: {to}"),
            ChangeKind::MaxLengthRemoved { from } => format!("max_length removed (was {from})"),
            ChangeKind::SentinelAdded { value } => format!("sentinel {value:?} added"),
            ChangeKind::SentinelRemoved { value } => format!("sentinel {value:?} removed"),
            ChangeKind::EnumAdded => "enum added".to_owned(),
            ChangeKind::EnumRemoved => "enum removed".to_owned(),
            ChangeKind::EnumValueAdded { value, open } => {
                format!(
                    "value {value:?} added{}",
                    if *open { " (open enum)" } else { "" }
                )
            }
            ChangeKind::EnumValueRemoved { value, open } => {
                format!(
                    "value {value:?} removed{}",
                    if *open { " (open enum)" } else { "" }
                )
            }
            ChangeKind::EnumOpened => "closed -> open (any other string is valid)".to_owned(),
            ChangeKind::EnumClosed => "open -> closed (only listed values are valid)".to_owned(),
            ChangeKind::PrimaryKeyChanged { from, to } => {
                format!("primary key [{}] -> [{}]", from.join(", "), to.join(", "))
            }
            ChangeKind::DescriptionChanged => "description changed".to_owned(),
        }
    }

    /// The change as a JSON object (the `--format json` element).
    pub fn to_json(&self) -> Value {
        let sql: serde_json::Map<String, Value> = DIALECTS
            .iter()
            .zip(self.impact.sql)
            .map(|(d, s)| ((*d).to_owned(), Value::from(s.as_str())))
            .collect();
        json!({
            "code": self.code(),
            "subject": self.subject,
            "description": self.describe(),
            "breaking": self.is_breaking(),
            "data": {
                "old_exports_valid_under_new": self.impact.old_data_valid_under_new,
                "new_exports_valid_under_old": self.impact.new_data_valid_under_old,
            },
            "rust": {"semver_breaking": self.impact.rust_breaking},
            "sql": sql,
        })
    }
}

/// The impact of a kind of change, decided once here (one exhaustive match).
fn impact(kind: &ChangeKind) -> Impact {
    use SqlImpact::{Destructive as D, MayFail as F, Rewrite as W, Safe as S};
    // (old valid under new, new valid under old, rust breaking, [pg, mysql, sqlite, mssql]).
    // SQLite rebuilds the table for every change but an added nullable column: a rewrite when
    // the rule loosens, and one that may fail on the copied rows when it tightens.
    let (old_ok, new_ok, rust, sql) = match kind {
        ChangeKind::VersionChanged { .. } | ChangeKind::DescriptionChanged => {
            (true, true, false, [S, S, S, S])
        }
        ChangeKind::TableAdded => (true, true, false, [S, S, S, S]),
        ChangeKind::TableRemoved => (true, true, true, [D, D, D, D]),
        // An absent nullable column is NULL, so old exports stay valid; new ones carry a member
        // the old schema calls unknown.
        ChangeKind::ColumnAdded { nullable: true, .. } => (true, false, true, [S, S, S, S]),
        ChangeKind::ColumnAdded {
            nullable: false, ..
        } => (false, false, true, [F, F, F, F]),
        ChangeKind::ColumnRemoved { nullable } => (false, *nullable, true, [D, D, D, D]),
        ChangeKind::ColumnReordered { .. } => (true, true, false, [S, S, S, S]),
        ChangeKind::NullabilityLoosened => (true, false, true, [S, S, W, S]),
        ChangeKind::NullabilityTightened => (false, true, true, [F, F, F, F]),
        ChangeKind::TypeWidened { .. } => (true, false, true, [W, W, W, W]),
        ChangeKind::TypeNarrowed { .. } => (false, true, true, [F, F, F, F]),
        ChangeKind::TypeChanged { .. } => (false, false, true, [F, F, F, F]),
        ChangeKind::MaxLengthRaised { .. } | ChangeKind::MaxLengthRemoved { .. } => {
            (true, false, false, [S, S, W, S])
        }
        ChangeKind::MaxLengthLowered { .. } | ChangeKind::MaxLengthAdded { .. } => {
            (false, true, false, [F, F, F, F])
        }
        ChangeKind::SentinelAdded { .. } => (true, false, false, [S, S, S, S]),
        ChangeKind::SentinelRemoved { .. } => (false, true, true, [S, S, S, S]),
        ChangeKind::EnumAdded => (true, true, false, [S, S, S, S]),
        ChangeKind::EnumRemoved => (true, true, true, [D, S, S, S]),
        // Any string was valid already: only the bindings see a new variant.
        ChangeKind::EnumValueAdded { open: true, .. } => (true, true, true, [S, S, S, S]),
        ChangeKind::EnumValueAdded { open: false, .. } => (true, false, true, [S, S, W, S]),
        ChangeKind::EnumValueRemoved { open: true, .. } => (true, true, true, [S, S, S, S]),
        // PostgreSQL cannot drop a value from an enum type: the type is rebuilt.
        ChangeKind::EnumValueRemoved { open: false, .. } => (false, true, true, [D, F, F, F]),
        ChangeKind::EnumOpened => (true, false, true, [W, W, W, S]),
        ChangeKind::EnumClosed => (false, true, true, [F, F, F, F]),
        ChangeKind::PrimaryKeyChanged { .. } => (false, false, true, [F, F, F, F]),
    };
    Impact {
        old_data_valid_under_new: old_ok,
        new_data_valid_under_old: new_ok,
        rust_breaking: rust,
        sql,
    }
}

/// Every change from `old` to `new`, in a fixed order: the version, then enums (in NEW's order,
/// removed ones last), then tables (likewise), each table's columns in NEW's order.
pub fn diff(old: &Namespace, new: &Namespace) -> Vec<Change> {
    let mut changes = Changes(Vec::new());
    if old.version() != new.version() {
        changes.push(
            new.name(),
            ChangeKind::VersionChanged {
                from: old.version(),
                to: new.version(),
            },
        );
    }
    if old.description() != new.description() {
        changes.push(new.name(), ChangeKind::DescriptionChanged);
    }
    for e in new.enums() {
        match old.enum_by_name(e.name()) {
            None => changes.push(e.name(), ChangeKind::EnumAdded),
            Some(before) => diff_enum(&mut changes, before, e),
        }
    }
    for e in old.enums() {
        if new.enum_by_name(e.name()).is_none() {
            changes.push(e.name(), ChangeKind::EnumRemoved);
        }
    }
    for table in new.tables() {
        match old.table(table.name()) {
            None => changes.push(table.name(), ChangeKind::TableAdded),
            Some(before) => diff_table(&mut changes, old, before, new, table),
        }
    }
    for table in old.tables() {
        if new.table(table.name()).is_none() {
            changes.push(table.name(), ChangeKind::TableRemoved);
        }
    }
    changes.0
}

struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, subject: &str, kind: ChangeKind) {
        self.0.push(Change {
            subject: subject.to_owned(),
            impact: impact(&kind),
            kind,
        });
    }
}

fn diff_enum(changes: &mut Changes, old: &Enum, new: &Enum) {
    let subject = new.name();
    if old.repr() != new.repr() {
        let name = |e: &Enum| match e.repr() {
            EnumRepr::String => "string enum",
            EnumRepr::Integer => "integer enum",
        };
        let kind = ChangeKind::TypeChanged {
            from: format!("{} {}", name(old), old.name()),
            to: format!("{} {}", name(new), new.name()),
        };
        changes.push(subject, kind);
        return;
    }
    let open = old.is_open() && new.is_open();
    for value in new.values() {
        if !old.values().iter().any(|v| v.value() == value.value()) {
            let value = value.value().to_string();
            changes.push(subject, ChangeKind::EnumValueAdded { value, open });
        }
    }
    for value in old.values() {
        if !new.values().iter().any(|v| v.value() == value.value()) {
            let value = value.value().to_string();
            changes.push(subject, ChangeKind::EnumValueRemoved { value, open });
        }
    }
    match (old.is_open(), new.is_open()) {
        (false, true) => changes.push(subject, ChangeKind::EnumOpened),
        (true, false) => changes.push(subject, ChangeKind::EnumClosed),
        _ => {}
    }
    if old.description() != new.description() {
        changes.push(subject, ChangeKind::DescriptionChanged);
    }
}

fn type_name(namespace: &Namespace, ty: ColumnType) -> String {
    match ty {
        ColumnType::Enum(id) => namespace.enum_by_id(id).name().to_owned(),
        other => other.builtin_name().unwrap_or_default().to_owned(),
    }
}

fn diff_table(
    changes: &mut Changes,
    old_ns: &Namespace,
    old: &Table,
    new_ns: &Namespace,
    new: &Table,
) {
    if old.description() != new.description() {
        changes.push(new.name(), ChangeKind::DescriptionChanged);
    }
    let key = |t: &Table| -> Vec<String> { t.key_columns().map(|c| c.name().to_owned()).collect() };
    if key(old) != key(new) {
        let kind = ChangeKind::PrimaryKeyChanged {
            from: key(old),
            to: key(new),
        };
        changes.push(new.name(), kind);
    }
    // Positions among the columns both versions have, so an addition does not move the rest.
    let shared = |t: &Table, other: &Table| -> Vec<String> {
        t.columns()
            .iter()
            .filter(|c| other.column(c.name()).is_some())
            .map(|c| c.name().to_owned())
            .collect()
    };
    let (old_order, new_order) = (shared(old, new), shared(new, old));
    let stayed = longest_common_subsequence(&old_order, &new_order);
    for column in new.columns() {
        let subject = format!("{}.{}", new.name(), column.name());
        let Some(before) = old.column(column.name()) else {
            let kind = ChangeKind::ColumnAdded {
                nullable: column.nullable(),
                ty: type_name(new_ns, column.ty()),
            };
            changes.push(&subject, kind);
            continue;
        };
        let from = old_order.iter().position(|n| n == column.name());
        let to = new_order.iter().position(|n| n == column.name());
        if let (Some(from), Some(to)) = (from, to)
            && !stayed.contains(&column.name())
        {
            changes.push(&subject, ChangeKind::ColumnReordered { from, to });
        }
        diff_column(changes, &subject, old_ns, before, new_ns, column);
    }
    for column in old.columns() {
        if new.column(column.name()).is_none() {
            let subject = format!("{}.{}", old.name(), column.name());
            let kind = ChangeKind::ColumnRemoved {
                nullable: column.nullable(),
            };
            changes.push(&subject, kind);
        }
    }
}

/// The longest run of names in the same relative order in `a` and `b`: the columns that did not
/// move. The others are reported as moved, so moving one column reports that one only.
fn longest_common_subsequence<'n>(a: &'n [String], b: &[String]) -> Vec<&'n str> {
    // lengths[i][j]: the LCS length of a[i..] and b[j..].
    let mut lengths = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            let value = if a.get(i) == b.get(j) {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
            lengths[i][j] = value;
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        if x == y {
            out.push(x.as_str());
            i += 1;
            j += 1;
        } else if lengths[i + 1][j] >= lengths[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

fn diff_column(
    changes: &mut Changes,
    subject: &str,
    old_ns: &Namespace,
    old: &Column,
    new_ns: &Namespace,
    new: &Column,
) {
    match (old.nullable(), new.nullable()) {
        (false, true) => changes.push(subject, ChangeKind::NullabilityLoosened),
        (true, false) => changes.push(subject, ChangeKind::NullabilityTightened),
        _ => {}
    }
    let (from, to) = (type_name(old_ns, old.ty()), type_name(new_ns, new.ty()));
    if from != to {
        let kind = match (old.ty(), new.ty()) {
            (ColumnType::Int32, ColumnType::Int64) => ChangeKind::TypeWidened { from, to },
            (ColumnType::Int64, ColumnType::Int32) => ChangeKind::TypeNarrowed { from, to },
            _ => ChangeKind::TypeChanged { from, to },
        };
        changes.push(subject, kind);
    }
    match (old.max_length(), new.max_length()) {
        (Some(from), Some(to)) if to > from => {
            changes.push(subject, ChangeKind::MaxLengthRaised { from, to });
        }
        (Some(from), Some(to)) if to < from => {
            changes.push(subject, ChangeKind::MaxLengthLowered { from, to });
        }
        (None, Some(to)) => changes.push(subject, ChangeKind::MaxLengthAdded { to }),
        (Some(from), None) => changes.push(subject, ChangeKind::MaxLengthRemoved { from }),
        _ => {}
    }
    for value in new.sentinels() {
        if !old.sentinels().contains(value) {
            let value = value.clone();
            changes.push(subject, ChangeKind::SentinelAdded { value });
        }
    }
    for value in old.sentinels() {
        if !new.sentinels().contains(value) {
            let value = value.clone();
            changes.push(subject, ChangeKind::SentinelRemoved { value });
        }
    }
    if old.description() != new.description() {
        changes.push(subject, ChangeKind::DescriptionChanged);
    }
}
