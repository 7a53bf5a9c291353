//! PostgreSQL: transactional DDL, enum types (values added in place, in NEW's order; a removed
//! value rebuilds the type), `CHECK`s under the names PostgreSQL gives inline column checks
//! (`<table>_<column>_check`), so a migrated table's catalogue matches a fresh one's.

use super::{Guard, Migrator, Options};
use crate::emit::sql::Dialect;
use crate::emit::sql::postgresql::PostgreSql;
use crate::model::{Column, ColumnType, EnumRepr, Namespace, Table};

/// The PostgreSQL migrator.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgreSqlMigrator;

const DDL: PostgreSql = PostgreSql;

impl PostgreSqlMigrator {
    fn check_name(table: &Table, column: &Column) -> String {
        DDL.quote_identifier(&format!("{}_{}_check", table.name(), column.name()))
    }

    /// The closed string enums used by `table` in both versions whose values lost a member:
    /// rebuilt, which only `--allow-destructive` permits (none otherwise).
    fn rebuilt_enums<'n>(
        old: &Namespace,
        new: &'n Namespace,
        table: &Table,
        options: Options,
    ) -> Vec<&'n crate::model::Enum> {
        if !options.allow_destructive {
            return Vec::new();
        }
        DDL.enum_types_used(new, table)
            .into_iter()
            .filter(|e| {
                old.enum_by_name(e.name()).is_some_and(|before| {
                    !before.is_open()
                        && before.repr() == EnumRepr::String
                        && before
                            .values()
                            .iter()
                            .any(|v| !e.values().iter().any(|w| w.value() == v.value()))
                })
            })
            .collect()
    }
}

impl Migrator for PostgreSqlMigrator {
    fn ddl(&self) -> &'static dyn Dialect {
        &DDL
    }

    fn impact_index(&self) -> usize {
        0
    }

    fn guard(&self, table: &str, guard: &Guard) -> String {
        format!(
            "DO $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM {table} WHERE {}) THEN\n    RAISE EXCEPTION 'migration stopped (%): %; fix or remove those rows, then run it again', {}, {};\n  END IF;\nEND\n$$;",
            guard.condition,
            DDL.string_literal(&guard.name),
            DDL.string_literal(&guard.message),
        )
    }

    fn before_changes(
        &self,
        old: &Namespace,
        new: &Namespace,
        table: &Table,
        options: Options,
    ) -> Vec<String> {
        let mut out = Vec::new();
        // A type that loses a value is renamed out of the way; NEW's preamble creates it anew
        // and the columns move over in `redefine_column`.
        for e in Self::rebuilt_enums(old, new, table, options) {
            out.push(format!(
                "ALTER TYPE {} RENAME TO {};",
                DDL.enum_type_name(new, e),
                DDL.quote_identifier(&format!("{}__old", e.name()))
            ));
        }
        out.extend(DDL.preamble(new, table));
        for e in DDL.enum_types_used(new, table) {
            let Some(before) = old.enum_by_name(e.name()).filter(|b| !b.is_open()) else {
                continue;
            };
            if Self::rebuilt_enums(old, new, table, options)
                .iter()
                .any(|r| r.name() == e.name())
            {
                continue;
            }
            let values: Vec<String> = e.values().iter().map(|v| v.value().to_string()).collect();
            for (i, value) in values.iter().enumerate() {
                if before
                    .values()
                    .iter()
                    .any(|v| v.value().to_string() == *value)
                {
                    continue;
                }
                let place = match i.checked_sub(1).and_then(|p| values.get(p)) {
                    Some(previous) => format!(" AFTER {}", DDL.string_literal(previous)),
                    None => values
                        .get(1)
                        .map(|next| format!(" BEFORE {}", DDL.string_literal(next)))
                        .unwrap_or_default(),
                };
                out.push(format!(
                    "ALTER TYPE {} ADD VALUE IF NOT EXISTS {}{place};",
                    DDL.enum_type_name(new, e),
                    DDL.string_literal(value)
                ));
            }
        }
        out
    }

    fn redefine_column(
        &self,
        table: &str,
        old: &Namespace,
        old_column: &Column,
        new: &Namespace,
        new_column: &Column,
        options: Options,
    ) -> Vec<String> {
        let new_table = new
            .tables()
            .iter()
            .find(|t| t.column(new_column.name()).is_some());
        let Some(new_table) = new_table else {
            return Vec::new();
        };
        let quoted = DDL.quote_identifier(new_column.name());
        let check = Self::check_name(new_table, new_column);
        let (was, now) = (
            DDL.column_sql(old, old_column),
            DDL.column_sql(new, new_column),
        );
        let mut out = vec![format!(
            "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {check};"
        )];
        let rebuilt = matches!(new_column.ty(), ColumnType::Enum(id)
            if Self::rebuilt_enums(old, new, new_table, options).iter().any(|e| e.name() == new.enum_by_id(id).name()));
        if was.sql_type != now.sql_type || rebuilt {
            out.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {quoted} TYPE {} USING {quoted}::text::{};",
                now.sql_type, now.sql_type
            ));
        }
        match (old_column.nullable(), new_column.nullable()) {
            (false, true) => out.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {quoted} DROP NOT NULL;"
            )),
            (true, false) => out.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {quoted} SET NOT NULL;"
            )),
            _ => {}
        }
        if let Some(condition) = now.check {
            out.push(format!(
                "ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({condition});"
            ));
        }
        out
    }

    fn change_primary_key(&self, table: &str, new_table: &Table) -> Vec<String> {
        let key: Vec<String> = new_table
            .key_columns()
            .map(|c| DDL.quote_identifier(c.name()))
            .collect();
        vec![format!(
            "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {}, ADD PRIMARY KEY ({});",
            DDL.quote_identifier(&format!("{}_pkey", new_table.name())),
            key.join(", ")
        )]
    }

    fn after_changes(
        &self,
        old: &Namespace,
        new: &Namespace,
        table: &Table,
        options: Options,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let used_now = DDL.enum_types_used(new, table);
        for e in Self::rebuilt_enums(old, new, table, options) {
            out.push(format!(
                "DROP TYPE IF EXISTS {}.{};",
                DDL.quote_identifier(new.name()),
                DDL.quote_identifier(&format!("{}__old", e.name()))
            ));
        }
        let old_table = old.table(table.name());
        for e in old_table
            .map(|t| DDL.enum_types_used(old, t))
            .unwrap_or_default()
        {
            let still_an_enum = new.enum_by_name(e.name()).is_some();
            if !used_now.iter().any(|u| u.name() == e.name())
                && (still_an_enum || options.allow_destructive)
            {
                out.push(format!(
                    "DROP TYPE IF EXISTS {};",
                    DDL.enum_type_name(old, e)
                ));
            }
        }
        out.extend(DDL.comment_statements(new, table));
        out
    }
}
