//! SQLite: the generated DDL in-process (rusqlite, bundled), valid rows in, invalid rows refused.
//!
//! Rows are bound as a loader would bind DAP text: integers and booleans as SQLite integers when
//! they read as such, everything else as text (which the `STRICT` table then refuses in integer
//! columns).

use crate::corpus::{self, InvalidCase, InvalidKind, Row};
use canvas_logs_codegen::model::{ColumnType, EnumRepr, Namespace, Table};
use rusqlite::types::Value;

pub fn bind(namespace: &Namespace, table: &Table, row: &Row) -> Vec<Value> {
    table
        .columns()
        .iter()
        .zip(&row.fields)
        .map(|(column, field)| {
            let Some(text) = field else {
                return Value::Null;
            };
            let integer_like = match column.ty() {
                ColumnType::Int32 | ColumnType::Int64 => true,
                ColumnType::Enum(id) => namespace.enum_by_id(id).repr() == EnumRepr::Integer,
                _ => false,
            };
            match (column.ty(), text.as_str()) {
                (ColumnType::Bool, "true") => Value::Integer(1),
                (ColumnType::Bool, "false") => Value::Integer(0),
                _ if integer_like => text
                    .parse::<i64>()
                    .map_or_else(|_| Value::Text(text.clone()), Value::Integer),
                _ => Value::Text(text.clone()),
            }
        })
        .collect()
}

#[test]
fn sqlite_loads_every_valid_row_and_its_checks_refuse_every_invalid_one() {
    let (namespace, table) = crate::web_logs();
    let ddl = crate::checked_in_ddl("sqlite");
    let connection = rusqlite::Connection::open_in_memory()
        .unwrap_or_else(|e| panic!("cannot open an in-memory database: {e}"));
    for attempt in ["first", "second"] {
        connection
            .execute_batch(&ddl)
            .unwrap_or_else(|e| panic!("{attempt} application of the DDL failed: {e}"));
    }
    // SQLite has no comment catalog: the descriptions live in the stored CREATE TABLE text.
    let stored: String = connection
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'canvas_logs__web_logs'",
            [],
            |r| r.get(0),
        )
        .unwrap_or_default();
    assert!(
        stored
            .contains("-- ID of the user’s session where this request was made.\n  \"session_id\""),
        "{stored}"
    );
    let columns: Vec<String> = table
        .columns()
        .iter()
        .map(|c| format!("\"{}\"", c.name()))
        .collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let insert = format!(
        "INSERT INTO \"canvas_logs__web_logs\" ({}) VALUES ({})",
        columns.join(", "),
        placeholders.join(", ")
    );
    let try_insert = |row: &Row| -> Result<(), String> {
        connection
            .execute(
                &insert,
                rusqlite::params_from_iter(bind(&namespace, &table, row)),
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    };

    let valid = corpus::valid_rows(&namespace, &table);
    for row in &valid {
        if let Err(message) = try_insert(row) {
            panic!("{} refused: {message}", row.label);
        }
    }
    let count: i64 = connection
        .query_row("SELECT count(*) FROM canvas_logs__web_logs", [], |r| {
            r.get(0)
        })
        .unwrap_or(-1);
    assert_eq!(count, i64::try_from(valid.len()).unwrap_or(0));
    let emoji_length: i64 = connection
        .query_row(
            "SELECT length(user_agent) FROM canvas_logs__web_logs WHERE user_agent = ?1",
            ["😀".repeat(255)],
            |r| r.get(0),
        )
        .unwrap_or(-1);
    assert_eq!(emoji_length, 255);
    let kept: i64 = connection
        .query_row(
            "SELECT count(*) FROM canvas_logs__web_logs WHERE timestamp = '2024-05-01T12:34:56.123456Z'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0);
    assert!(kept > 0, "the microsecond timestamp text was not kept");

    // SQLite's IP check is a shape check: an octet past 255 needs an address parser.
    let problems = crate::refusal_problems(
        &corpus::invalid_cases(&namespace, &table),
        |case: &InvalidCase| case.kind != InvalidKind::MalformedIpNeedsParser,
        try_insert,
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    let after: i64 = connection
        .query_row("SELECT count(*) FROM canvas_logs__web_logs", [], |r| {
            r.get(0)
        })
        .unwrap_or(-1);
    assert_eq!(after, count, "an invalid row was stored");
}
