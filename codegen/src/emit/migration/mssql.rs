//! SQL Server: `ALTER TABLE ... ALTER COLUMN` for type and nullability, a named `CHECK` for
//! NEW's rule. Not run here (no server); the tests parse it. SQL Server gives the `CHECK`s and
//! the primary key of the DDL generated names, which a script cannot name: a changed column's
//! old `CHECK` and a changed primary key are left to the operator, as the comments say.

use super::{Guard, Migrator, Options};
use crate::emit::sql::mssql::MsSql;
use crate::emit::sql::{self, Dialect};
use crate::model::{Column, Namespace, Table};

/// The SQL Server migrator.
#[derive(Debug, Clone, Copy, Default)]
pub struct MsSqlMigrator;

const DDL: MsSql = MsSql;

impl Migrator for MsSqlMigrator {
    fn ddl(&self) -> &'static dyn Dialect {
        &DDL
    }

    fn impact_index(&self) -> usize {
        3
    }

    fn begin(&self) -> Vec<String> {
        vec!["BEGIN TRANSACTION;".to_owned()]
    }

    fn commit(&self) -> Vec<String> {
        vec!["COMMIT TRANSACTION;".to_owned()]
    }

    fn char_length(&self) -> &'static str {
        "LEN"
    }

    fn guard(&self, table: &str, guard: &Guard) -> String {
        format!(
            "IF EXISTS (SELECT 1 FROM {table} WHERE {})\n    RAISERROR({}, 16, 1);",
            guard.condition,
            DDL.string_literal(&format!(
                "migration stopped ({}): {}; fix or remove those rows, then run it again",
                guard.name, guard.message
            ))
        )
    }

    fn add_column(&self, table: &str, new: &Namespace, column: &Column) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {table} ADD {};",
            sql::column_definition(&DDL, new, column)
        )]
    }

    fn redefine_column(
        &self,
        table: &str,
        _old: &Namespace,
        old_column: &Column,
        new: &Namespace,
        new_column: &Column,
        _options: Options,
    ) -> Vec<String> {
        let now = DDL.column_sql(new, new_column);
        let quoted = DDL.quote_identifier(new_column.name());
        let null = if new_column.nullable() {
            "NULL"
        } else {
            "NOT NULL"
        };
        let mut out = vec![format!(
            "-- {}: drop the column's old CHECK (its name is generated: see sys.check_constraints).",
            old_column.name()
        )];
        out.push(format!(
            "ALTER TABLE {table} ALTER COLUMN {quoted} {} {null};",
            now.sql_type
        ));
        if let Some(condition) = now.check {
            let name = DDL.quote_identifier(&format!("CK_{}_{}", new.name(), new_column.name()));
            out.push(format!(
                "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition});"
            ));
        }
        out
    }

    fn change_primary_key(&self, table: &str, new_table: &Table) -> Vec<String> {
        let key: Vec<String> = new_table
            .key_columns()
            .map(|c| DDL.quote_identifier(c.name()))
            .collect();
        vec![
            "-- Drop the old primary key first (its name is generated: see sys.key_constraints)."
                .to_owned(),
            format!("ALTER TABLE {table} ADD PRIMARY KEY ({});", key.join(", ")),
        ]
    }
}
