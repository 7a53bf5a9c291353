//! `cargo xtask migrate --dialect sqlite`, proven in-process on every schema change scenario:
//! create OLD's table from OLD's DDL and load OLD's valid rows; apply the migration (when a guard
//! stops it, nothing has changed, and after the rows it names are deleted it goes through);
//! every OLD row is still there unchanged; the table is the one NEW's DDL creates fresh; every
//! NEW valid row loads and every NEW invalid row is refused; a second run changes nothing.

use crate::corpus::{self, InvalidCase, InvalidKind, Row};
use crate::sqlite::bind;
use canvas_logs_codegen::Namespace;
use canvas_logs_codegen::emit::migration::{self, Options, sqlite::SqliteMigrator};
use canvas_logs_codegen::emit::sql::{self, sqlite::Sqlite};
use canvas_logs_codegen::model::Table;
use integration_tests::scenarios::SCENARIOS;
use rusqlite::Connection;
use rusqlite::types::Value;

const TABLE: &str = "\"canvas_logs__web_logs\"";

fn insert(
    connection: &Connection,
    namespace: &Namespace,
    table: &Table,
    row: &Row,
) -> Result<(), String> {
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
    connection
        .execute(
            &statement,
            rusqlite::params_from_iter(bind(namespace, table, row)),
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Every row's values of `columns`, ordered by id.
fn dump(connection: &Connection, columns: &[String]) -> Vec<Vec<Value>> {
    let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let query = format!("SELECT {} FROM {TABLE} ORDER BY \"id\"", list.join(", "));
    let mut statement = connection
        .prepare(&query)
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    let rows = statement
        .query_map([], |row| {
            (0..columns.len()).map(|i| row.get::<_, Value>(i)).collect()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

/// What the catalogue says of the table: its `CREATE TABLE` text (as SQLite keeps it, the name
/// and `IF NOT EXISTS` aside) and `PRAGMA table_xinfo`, by column name.
fn catalogue(connection: &Connection) -> (String, Vec<String>) {
    let stored: String = connection
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'canvas_logs__web_logs'",
            [],
            |r| r.get(0),
        )
        .unwrap_or_default();
    let body = stored
        .get(stored.find('(').unwrap_or(0)..)
        .unwrap_or_default()
        .to_owned();
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
    (body, columns)
}

#[test]
fn sqlite_migrations_keep_every_row_and_end_as_a_fresh_new_table() {
    let old = canvas_logs_codegen::load_embedded();
    let old_table = &old.tables()[0];
    let options = Options {
        allow_destructive: true,
    };
    let mut proven = 0;
    for scenario in SCENARIOS {
        let new = scenario.new_namespace();
        let Some(table) = new.table("web_logs") else {
            continue;
        };
        let name = scenario.name;
        let connection = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        connection
            .execute_batch(&sql::render(&Sqlite, &old, old_table))
            .unwrap_or_else(|e| panic!("{name}: OLD DDL: {e}"));
        for row in corpus::valid_rows(&old, old_table) {
            insert(&connection, &old, old_table, &row).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let shared: Vec<String> = table
            .columns()
            .iter()
            .filter(|c| old_table.column(c.name()).is_some())
            .map(|c| c.name().to_owned())
            .collect();
        let script = migration::render(&SqliteMigrator, &old, &new, options);
        let mut before = dump(&connection, &shared);
        // A required column can only be added to an empty table: its guard takes every row.
        let mut emptied = false;
        if let Err(error) = connection.execute_batch(&script) {
            // Only a guard may stop it, and then nothing has changed.
            let message = error.to_string();
            assert!(
                message.contains("CHECK constraint failed: stop_"),
                "{name}: {message}\n{script}"
            );
            let _ = connection.execute_batch("ROLLBACK;");
            assert_eq!(
                dump(&connection, &shared),
                before,
                "{name}: a stopped migration changed rows"
            );
            let guards = migration::guards(&SqliteMigrator, &old, &new, options);
            assert!(!guards.is_empty(), "{name}");
            for guard in guards {
                emptied |= guard.condition == "1 = 1";
                connection
                    .execute(
                        &format!("DELETE FROM {TABLE} WHERE {}", guard.condition),
                        [],
                    )
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            }
            before = dump(&connection, &shared);
            connection
                .execute_batch(&script)
                .unwrap_or_else(|e| panic!("{name}: after the rows in the way went: {e}"));
        }
        assert!(
            emptied || !before.is_empty(),
            "{name}: no OLD rows left to prove anything with"
        );
        assert_eq!(
            dump(&connection, &shared),
            before,
            "{name}: OLD rows changed"
        );
        // The same table as NEW's DDL creates fresh.
        let fresh = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        fresh
            .execute_batch(&sql::render(&Sqlite, &new, table))
            .unwrap_or_else(|e| panic!("{name}: NEW DDL: {e}"));
        assert_eq!(
            catalogue(&connection),
            catalogue(&fresh),
            "{name}: catalogue"
        );
        // A second run changes nothing.
        connection
            .execute_batch(&script)
            .unwrap_or_else(|e| panic!("{name}: second run: {e}"));
        assert_eq!(dump(&connection, &shared), before, "{name}: second run");
        // NEW's rows load; the rows NEW forbids are refused.
        connection
            .execute(&format!("DELETE FROM {TABLE}"), [])
            .unwrap_or_else(|e| panic!("{e}"));
        for row in corpus::valid_rows(&new, table) {
            insert(&connection, &new, table, &row)
                .unwrap_or_else(|e| panic!("{name}: NEW row {} refused: {e}", row.label));
        }
        let problems = crate::refusal_problems(
            &corpus::invalid_cases(&new, table),
            |case: &InvalidCase| case.kind != InvalidKind::MalformedIpNeedsParser,
            |row| insert(&connection, &new, table, row),
        );
        assert!(problems.is_empty(), "{name}: {}", problems.join("\n"));
        proven += 1;
    }
    assert!(proven >= 20, "{proven}");
}
