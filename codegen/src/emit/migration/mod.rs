//! Migration scripts: from a database created by OLD's DDL to NEW's, per dialect.
//!
//! One [`Migrator`] trait with defaulted methods, one small file per database overriding only
//! what its SQL spells otherwise, like `emit::sql`. The shared [`render`] lays the script out
//! from the classified [`diff`](crate::diff) and never asks which database it writes for:
//!
//! 1. **Guards** first, before anything changes: for each change that may fail on existing data
//!    in this database ([`SqlImpact::MayFail`]), a statement that finds the rows in the way and
//!    stops the script with a message naming the change (by default a temporary table whose
//!    named `CHECK` refuses a non-zero count; PostgreSQL raises an exception).
//! 2. **Destructive** changes ([`SqlImpact::Destructive`], and tightening a column's type:
//!    `type_narrowed`, `type_changed`) are written only with `allow_destructive`; otherwise a
//!    comment says what was left out and why, and the columns concerned keep their OLD form.
//! 3. The **general path**: a column whose definition in NEW's DDL differs from OLD's
//!    ([`sql::column_definition`]) is redefined, a column only NEW has is added with NEW's
//!    definition, one only OLD has is dropped; the database-specific part is how
//!    ([`Migrator::redefine_column`]). A database whose `ALTER TABLE` cannot express a change
//!    rebuilds the table from NEW's DDL and copies the rows ([`Migrator::rebuild_table`], SQLite's
//!    documented procedure).
//!
//! Idempotent where the database allows (`IF EXISTS`/`IF NOT EXISTS`, PostgreSQL's `ADD VALUE IF
//! NOT EXISTS`); a rerun of a finished migration finds nothing in the way and changes nothing.

pub mod mssql;
pub mod mysql;
pub mod postgresql;
pub mod sqlite;

use crate::diff::{self, Change, ChangeKind, SqlImpact};
use crate::emit::sql::{self, Dialect};
use crate::model::{Column, ColumnType, Namespace, Table};

/// What the caller allows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Write destructive steps (dropping columns, tables or enum values; tightening types).
    pub allow_destructive: bool,
}

/// A rows-in-the-way check: stop when any row of the table matches `condition`.
#[derive(Debug, Clone)]
pub struct Guard {
    /// A short SQL identifier naming it (`stop_user_id_has_nulls`), at most 60 characters.
    pub name: String,
    /// A boolean SQL condition over the table's columns that finds the rows in the way.
    pub condition: String,
    /// What the rows prevent, for the message.
    pub message: String,
}

/// One database's migration statements: the differences, and nothing else.
pub trait Migrator {
    /// The DDL dialect whose definitions NEW's columns are written in.
    fn ddl(&self) -> &'static dyn Dialect;

    /// The index of this database in [`diff::DIALECTS`].
    fn impact_index(&self) -> usize;

    /// Statements opening the script (a transaction where DDL is transactional).
    fn begin(&self) -> Vec<String> {
        vec!["BEGIN;".to_owned()]
    }

    /// Statements closing the script.
    fn commit(&self) -> Vec<String> {
        vec!["COMMIT;".to_owned()]
    }

    /// The function counting characters (`char_length`).
    fn char_length(&self) -> &'static str {
        "char_length"
    }

    /// The statement that stops the script when `guard` finds rows in `table`. Default: a
    /// temporary table whose named `CHECK` refuses a non-zero count, so the error names the
    /// guard; the comment above it says what to do.
    fn guard(&self, table: &str, guard: &Guard) -> String {
        format!(
            "-- Stops when {}: fix or remove those rows, then run this script again.\n\
             CREATE TEMPORARY TABLE {name} (rows_in_the_way INTEGER, CONSTRAINT {name} CHECK (rows_in_the_way = 0));\n\
             INSERT INTO {name} SELECT COUNT(*) FROM {table} WHERE {};\n\
             DROP TABLE {name};",
            guard.message,
            guard.condition,
            name = guard.name,
        )
    }

    /// Statements run before the table's changes (schemas, enum types NEW needs).
    fn before_changes(
        &self,
        old: &Namespace,
        new: &Namespace,
        table: &Table,
        options: Options,
    ) -> Vec<String> {
        let _ = (old, new, table, options);
        Vec::new()
    }

    /// Adds `column` (NEW's definition).
    fn add_column(&self, table: &str, new: &Namespace, column: &Column) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {};",
            sql::column_definition(self.ddl(), new, column)
        )]
    }

    /// Drops `column`.
    fn drop_column(&self, table: &str, column: &Column) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {table} DROP COLUMN IF EXISTS {};",
            self.ddl().quote_identifier(column.name())
        )]
    }

    /// Redefines a column whose definition changed from `old_column` to `new_column`.
    fn redefine_column(
        &self,
        table: &str,
        old: &Namespace,
        old_column: &Column,
        new: &Namespace,
        new_column: &Column,
        options: Options,
    ) -> Vec<String>;

    /// Replaces the primary key by `new_table`'s.
    fn change_primary_key(&self, table: &str, new_table: &Table) -> Vec<String> {
        let key: Vec<String> = new_table
            .key_columns()
            .map(|c| self.ddl().quote_identifier(c.name()))
            .collect();
        vec![format!(
            "ALTER TABLE {table} DROP PRIMARY KEY, ADD PRIMARY KEY ({});",
            key.join(", ")
        )]
    }

    /// When the database cannot express the changes with `ALTER TABLE`: the statements that
    /// rebuild the table from NEW's DDL and copy every row (`None`: alter in place).
    fn rebuild_table(
        &self,
        old: &Namespace,
        new: &Namespace,
        table: &Table,
    ) -> Option<Vec<String>> {
        let _ = (old, new, table);
        None
    }

    /// Statements run after the table's changes (comments, unused enum types).
    fn after_changes(
        &self,
        old: &Namespace,
        new: &Namespace,
        table: &Table,
        options: Options,
    ) -> Vec<String> {
        let _ = (old, new, table, options);
        Vec::new()
    }
}

/// The migrators, in [`diff::DIALECTS`] order.
pub fn all_migrators() -> [&'static dyn Migrator; 4] {
    [
        &postgresql::PostgreSqlMigrator,
        &mysql::MySqlMigrator,
        &sqlite::SqliteMigrator,
        &mssql::MsSqlMigrator,
    ]
}

/// The migrator for a dialect's file stem (`postgresql`, `mysql`, `sqlite`, `mssql`).
pub fn migrator(stem: &str) -> Option<&'static dyn Migrator> {
    all_migrators()
        .into_iter()
        .find(|m| m.ddl().file_stem() == stem)
}

/// Whether `change` is written only with [`Options::allow_destructive`] in `m`'s database.
pub fn is_destructive(m: &dyn Migrator, change: &Change) -> bool {
    matches!(
        change.kind,
        ChangeKind::TypeNarrowed { .. } | ChangeKind::TypeChanged { .. }
    ) || change.impact.sql.get(m.impact_index()) == Some(&SqlImpact::Destructive)
}

/// The migration script from OLD to NEW for `m`'s database.
pub fn render(m: &dyn Migrator, old: &Namespace, new: &Namespace, options: Options) -> String {
    let ddl = m.ddl();
    let changes = diff::diff(old, new);
    let mut out = format!(
        "-- {} migration of {} from schema version {} to {} (cargo xtask migrate).\n",
        ddl.display_name(),
        new.name(),
        old.version(),
        new.version()
    );
    if changes.is_empty() {
        out.push_str("-- Nothing changed.\n");
        return out;
    }
    out.push_str("-- Changes:\n");
    let mut left_out: Vec<&Change> = Vec::new();
    for change in &changes {
        let impact = change.impact.sql.get(m.impact_index()).copied();
        let held = is_destructive(m, change) && !options.allow_destructive;
        out.push_str(&format!(
            "--   {} {}: {} [{}]{}\n",
            change.code(),
            change.subject,
            change.describe(),
            impact.map_or("", SqlImpact::as_str),
            if held { " LEFT OUT" } else { "" }
        ));
        if held {
            left_out.push(change);
        }
    }
    if !left_out.is_empty() {
        out.push_str(
            "-- LEFT OUT: the changes marked above destroy data or tighten a type; they are \
             written only with --allow-destructive.\n-- The columns they concern keep their old \
             form until then.\n",
        );
    }
    let mut statements: Vec<String> = m.begin();
    let held_subjects: Vec<&str> = left_out.iter().map(|c| c.subject.as_str()).collect();
    for old_table in old.tables() {
        if new.table(old_table.name()).is_none() && options.allow_destructive {
            statements.push(format!(
                "DROP TABLE IF EXISTS {};",
                ddl.table_name(old, old_table)
            ));
        }
    }
    for table in new.tables() {
        let Some(old_table) = old.table(table.name()) else {
            let create = sql::render(ddl, new, table);
            statements.push(
                create
                    .lines()
                    .filter(|l| !l.starts_with("--"))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .trim()
                    .to_owned(),
            );
            continue;
        };
        let name = ddl.table_name(new, table);
        for guard in guards(m, old, new, options) {
            statements.push(m.guard(&name, &guard));
        }
        statements.extend(m.before_changes(old, new, table, options));
        // Columns whose changes are held keep OLD's definition: NEW with those columns as OLD.
        let kept = |column: &str| {
            let own = held_subjects.contains(&format!("{}.{column}", table.name()).as_str());
            let enum_held = table.column(column).is_some_and(|c| {
                matches!(c.ty(), ColumnType::Enum(id) if held_subjects.contains(&new.enum_by_id(id).name()))
            });
            own || enum_held
        };
        if let Some(rebuild) = m.rebuild_table(old, new, table) {
            if left_out.is_empty() {
                statements.extend(rebuild);
            } else {
                statements.push(
                    "-- The table is not rebuilt while changes are left out: rerun with \
                     --allow-destructive."
                        .to_owned(),
                );
            }
        } else {
            for column in old_table.columns() {
                if table.column(column.name()).is_none() && !kept(column.name()) {
                    statements.extend(m.drop_column(&name, column));
                }
            }
            for column in table.columns() {
                match old_table.column(column.name()) {
                    None => statements.extend(m.add_column(&name, new, column)),
                    Some(_) if kept(column.name()) => {}
                    Some(before) => {
                        let was = sql::column_definition(ddl, old, before);
                        let now = sql::column_definition(ddl, new, column);
                        if was != now || enum_values_changed(old, before, new, column) {
                            statements.extend(
                                m.redefine_column(&name, old, before, new, column, options),
                            );
                        }
                    }
                }
            }
            let key = |t: &Table| {
                t.key_columns()
                    .map(|c| c.name().to_owned())
                    .collect::<Vec<_>>()
            };
            if key(old_table) != key(table) && !held_subjects.contains(&table.name()) {
                statements.extend(m.change_primary_key(&name, table));
            }
        }
        statements.extend(m.after_changes(old, new, table, options));
    }
    statements.extend(m.commit());
    for statement in statements {
        out.push('\n');
        out.push_str(&statement);
        out.push('\n');
    }
    out
}

/// The guards `render` writes for `m`'s database: one per change that may fail on existing
/// rows (or destroys, when allowed) and is not left out. (A test deletes the rows each finds to let a stopped migration
/// through.)
pub fn guards(m: &dyn Migrator, old: &Namespace, new: &Namespace, options: Options) -> Vec<Guard> {
    let mut out = Vec::new();
    for change in diff::diff(old, new) {
        let held = is_destructive(m, &change) && !options.allow_destructive;
        // A destructive step that is allowed can still fail on rows (a removed enum value
        // still in use): it is guarded like one that may fail.
        let may_fail = matches!(
            change.impact.sql.get(m.impact_index()),
            Some(SqlImpact::MayFail | SqlImpact::Destructive)
        );
        let table_name = change.subject.split('.').next().unwrap_or_default();
        let tables = new
            .tables()
            .iter()
            .find(|t| t.name() == table_name)
            .or_else(|| new.tables().first())
            .and_then(|t| old.table(t.name()).map(|o| (o, t)));
        if let (false, true, Some((old_table, table))) = (held, may_fail, tables)
            && let Some(guard) = guard_for(m, old, old_table, table, &change)
        {
            out.push(guard);
        }
    }
    out
}

/// Whether the enum behind a column kept its type name but changed its values or openness
/// (a column definition that names a type does not show that).
fn enum_values_changed(old: &Namespace, before: &Column, new: &Namespace, now: &Column) -> bool {
    match (before.ty(), now.ty()) {
        (ColumnType::Enum(a), ColumnType::Enum(b)) => {
            let (a, b) = (old.enum_by_id(a), new.enum_by_id(b));
            a.is_open() != b.is_open()
                || a.values()
                    .iter()
                    .map(|v| v.value())
                    .ne(b.values().iter().map(|v| v.value()))
        }
        _ => false,
    }
}

/// The rows that would stop `change` in `m`'s database, as a [`Guard`].
fn guard_for(
    m: &dyn Migrator,
    old_ns: &Namespace,
    old: &Table,
    new: &Table,
    change: &Change,
) -> Option<Guard> {
    let ddl = m.ddl();
    let column_name = change.subject.split_once('.').map(|(_, c)| c);
    let quoted = column_name.map(|c| ddl.quote_identifier(c));
    let short = |what: &str| {
        let mut name = format!("stop_{}_{what}", column_name.unwrap_or(new.name()));
        name.truncate(60);
        name
    };
    let (name, condition, message) = match &change.kind {
        ChangeKind::ColumnAdded {
            nullable: false, ..
        } => (
            short("added_required"),
            "1 = 1".to_owned(),
            format!(
                "the table has rows: the required column {} cannot be added to them",
                change.subject
            ),
        ),
        ChangeKind::NullabilityTightened => (
            short("has_nulls"),
            format!("{} IS NULL", quoted?),
            format!(
                "rows hold NULL in {}, which becomes required",
                change.subject
            ),
        ),
        ChangeKind::MaxLengthLowered { to, .. } | ChangeKind::MaxLengthAdded { to } => {
            let column = new.column(column_name?)?;
            let mut condition = format!("{}({}) > {to}", m.char_length(), quoted.clone()?);
            for sentinel in column.sentinels() {
                condition.push_str(&format!(
                    " AND {} <> {}",
                    quoted.clone()?,
                    ddl.string_literal(sentinel)
                ));
            }
            (
                short("too_long"),
                condition,
                format!("rows hold more than {to} characters in {}", change.subject),
            )
        }
        ChangeKind::TypeNarrowed { .. } => (
            short("out_of_range"),
            format!("{} NOT BETWEEN {} AND {}", quoted?, i32::MIN, i32::MAX),
            format!("rows hold values of {} outside int32", change.subject),
        ),
        ChangeKind::TypeChanged { .. } => (
            short("has_values"),
            format!("{} IS NOT NULL", quoted?),
            format!(
                "rows hold values of {} in its old type; convert them by hand",
                change.subject
            ),
        ),
        ChangeKind::EnumValueRemoved { value, open: false } => {
            let columns = enum_columns(old_ns, old, &change.subject);
            let literal = ddl.string_literal(value);
            let condition = columns
                .iter()
                .map(|c| format!("CAST({} AS CHAR(64)) = {literal}", ddl.quote_identifier(c)))
                .collect::<Vec<_>>()
                .join(" OR ");
            if condition.is_empty() {
                return None;
            }
            (
                format!("stop_{}_value_in_use", change.subject),
                condition,
                format!(
                    "rows hold the value {value:?} removed from {}",
                    change.subject
                ),
            )
        }
        ChangeKind::EnumClosed => {
            let columns = enum_columns(old_ns, old, &change.subject);
            let e = old_ns.enum_by_name(&change.subject)?;
            let listed: Vec<String> = e
                .values()
                .iter()
                .map(|v| ddl.string_literal(&v.value().to_string()))
                .collect();
            let condition = columns
                .iter()
                .map(|c| format!("{} NOT IN ({})", ddl.quote_identifier(c), listed.join(", ")))
                .collect::<Vec<_>>()
                .join(" OR ");
            if condition.is_empty() {
                return None;
            }
            (
                format!("stop_{}_unlisted_values", change.subject),
                condition,
                format!("rows hold values {} does not list", change.subject),
            )
        }
        ChangeKind::PrimaryKeyChanged { to, .. } => {
            let key: Vec<String> = to.iter().map(|c| ddl.quote_identifier(c)).collect();
            (
                short("duplicate_keys"),
                format!(
                    "({}) IN (SELECT {} FROM (SELECT {} FROM {} GROUP BY {} HAVING COUNT(*) > 1) AS duplicates)",
                    key.join(", "),
                    key.join(", "),
                    key.join(", "),
                    ddl.table_name(old_ns, old),
                    key.join(", ")
                ),
                format!(
                    "rows share a value of the new primary key ({})",
                    to.join(", ")
                ),
            )
        }
        _ => return None,
    };
    Some(Guard {
        name,
        condition,
        message,
    })
}

/// The columns of `table` whose type is the enum named `enum_name`.
fn enum_columns(namespace: &Namespace, table: &Table, enum_name: &str) -> Vec<String> {
    table
        .columns()
        .iter()
        .filter(|c| matches!(c.ty(), ColumnType::Enum(id) if namespace.enum_by_id(id).name() == enum_name))
        .map(|c| c.name().to_owned())
        .collect()
}
