//! `cargo xtask migrate --dialect sqlite`, proven in-process (rusqlite) on every schema change
//! scenario through the shared [`crate::migration_proof`].

use crate::corpus::{InvalidCase, Row};
use crate::migration_proof::{self, Target};
use crate::sqlite::bind;
use canvas_logs_codegen::Namespace;
use canvas_logs_codegen::emit::migration::{Migrator, sqlite::SqliteMigrator};
use canvas_logs_codegen::model::Table;
use rusqlite::Connection;
use rusqlite::types::Value;
use std::cell::RefCell;

const TABLE: &str = "\"canvas_logs__web_logs\"";

struct Sqlite(RefCell<Connection>);

impl Target for Sqlite {
    fn migrator(&self) -> &'static dyn Migrator {
        &SqliteMigrator
    }

    fn reset(&self) {
        *self.0.borrow_mut() = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    }

    fn run(&self, script: &str) -> Result<(), String> {
        let connection = self.0.borrow();
        connection.execute_batch(script).map_err(|e| {
            // A script stopped inside its transaction leaves it open.
            let _ = connection.execute_batch("ROLLBACK;");
            e.to_string()
        })
    }

    fn dump(&self, columns: &[String]) -> String {
        let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
        let query = format!("SELECT {} FROM {TABLE} ORDER BY \"id\"", list.join(", "));
        let connection = self.0.borrow();
        let mut statement = connection
            .prepare(&query)
            .unwrap_or_else(|e| panic!("{query}: {e}"));
        let rows = statement
            .query_map([], |row| {
                (0..columns.len())
                    .map(|i| row.get::<_, Value>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap_or_else(|e| panic!("{e}"));
        rows.map(|r| format!("{:?}", r.unwrap_or_else(|e| panic!("{e}"))))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The `CREATE TABLE` text as SQLite keeps it (from its `(`: the name and `IF NOT EXISTS`
    /// aside) and `PRAGMA table_xinfo`, by column name.
    fn catalogue(&self) -> String {
        let connection = self.0.borrow();
        let stored: String = connection
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'canvas_logs__web_logs'",
                [],
                |r| r.get(0),
            )
            .unwrap_or_default();
        let body = stored
            .get(stored.find('(').unwrap_or(0)..)
            .unwrap_or_default();
        let mut statement = connection
            .prepare(
                "SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo('canvas_logs__web_logs')",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let mut columns: Vec<String> = statement
            .query_map([], |r| {
                Ok(format!(
                    "{} {} notnull={} pk={}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?
                ))
            })
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|r| r.unwrap_or_default())
            .collect();
        columns.sort();
        format!("{body}\n{}", columns.join("\n"))
    }

    fn load(&self, namespace: &Namespace, table: &Table, rows: &[&Row]) -> Result<(), String> {
        let columns: Vec<String> = table
            .columns()
            .iter()
            .map(|c| format!("\"{}\"", c.name()))
            .collect();
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let statement = format!(
            "INSERT INTO {TABLE} ({}) VALUES ({})",
            columns.join(", "),
            placeholders.join(", ")
        );
        let connection = self.0.borrow();
        for row in rows {
            connection
                .execute(
                    &statement,
                    rusqlite::params_from_iter(bind(namespace, table, row)),
                )
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn is_guard_error(&self, error: &str) -> bool {
        error.contains("CHECK constraint failed: stop_")
    }

    fn refuses(&self, case: &InvalidCase) -> bool {
        migration_proof::sqlite_refuses(case)
    }
}

#[test]
fn sqlite_migrations_keep_every_row_and_end_as_a_fresh_new_table() {
    let target = Sqlite(RefCell::new(
        Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}")),
    ));
    migration_proof::prove(&target);
}
