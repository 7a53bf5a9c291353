//! SQLite: `ALTER TABLE` cannot change a column, a `CHECK` or the primary key, so any change to
//! the table's `CREATE TABLE` is made by SQLite's documented rebuild: create the table anew from
//! NEW's DDL under a temporary name, copy the rows of the columns both versions have, drop the
//! old table, rename the new one (<https://www.sqlite.org/lang_altertable.html>, "Making Other
//! Kinds Of Table Schema Changes"). Inside one transaction; a failed copy changes nothing.

use super::{Migrator, Options};
use crate::emit::sql::sqlite::Sqlite;
use crate::emit::sql::{self, Dialect};
use crate::model::{Column, Namespace, Table};

/// The SQLite migrator.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteMigrator;

const DDL: Sqlite = Sqlite;

/// The `CREATE TABLE` statement of `table` in NEW's DDL.
fn create_statement(namespace: &Namespace, table: &Table) -> String {
    let script = sql::render(&DDL, namespace, table);
    let start = script.find("CREATE TABLE").unwrap_or(0);
    script
        .get(start..)
        .unwrap_or_default()
        .trim_end()
        .to_owned()
}

impl Migrator for SqliteMigrator {
    fn ddl(&self) -> &'static dyn Dialect {
        &DDL
    }

    fn impact_index(&self) -> usize {
        2
    }

    fn char_length(&self) -> &'static str {
        "length"
    }

    fn redefine_column(
        &self,
        _table: &str,
        _old: &Namespace,
        _old_column: &Column,
        _new: &Namespace,
        _new_column: &Column,
        _options: Options,
    ) -> Vec<String> {
        // Never reached: every change to the table goes through `rebuild_table`.
        Vec::new()
    }

    fn rebuild_table(
        &self,
        old: &Namespace,
        new: &Namespace,
        table: &Table,
    ) -> Option<Vec<String>> {
        let old_table = old.table(table.name())?;
        if create_statement(old, old_table) == create_statement(new, table) {
            return Some(Vec::new());
        }
        let name = DDL.table_name(new, table);
        let flat = sql::flat_table_name(new, table);
        let temporary = DDL.quote_identifier(&format!("{flat}__migrating"));
        let create = create_statement(new, table).replacen(&name, &temporary, 1);
        let shared: Vec<String> = table
            .columns()
            .iter()
            .filter(|c| old_table.column(c.name()).is_some())
            .map(|c| DDL.quote_identifier(c.name()))
            .collect();
        let shared = shared.join(", ");
        Some(vec![
            create,
            format!("INSERT INTO {temporary} ({shared}) SELECT {shared} FROM {name};"),
            format!("DROP TABLE {name};"),
            format!("ALTER TABLE {temporary} RENAME TO {name};"),
        ])
    }
}
