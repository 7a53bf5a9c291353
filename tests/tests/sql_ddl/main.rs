//! The generated SQL DDL, proven on real databases: one test binary, one module per database.
//!
//! - `postgresql`: a throwaway PostgreSQL server; rows loaded with `COPY` in the DAP TSV form.
//! - `mariadb`: a throwaway MariaDB server driven by the `mariadb` client.
//! - `sqlite`: SQLite in-process (rusqlite, bundled library).
//! - `mssql`: SQL Server cannot run here: the DDL is parsed with sqlparser's `MsSqlDialect`.
//! - `target`: `dap-validate --target`'s rules against the same databases.
//!
//! Each database test applies the checked-in DDL twice (it is idempotent), loads every valid
//! row of the shared [`corpus`], and tries every invalid row alone, expecting the database to
//! refuse it with a message naming the offending column. Tests that need a server binary skip
//! loudly when it is missing, and fail instead when `CI` is set.

mod corpus;
mod mariadb;
mod migration_proof;
mod migration_sqlite;
mod mssql;
mod postgresql;
mod server;
mod sqlite;
mod target;

use canvas_logs_codegen::emit::sql;
use canvas_logs_codegen::model::{Namespace, Table};
use corpus::{InvalidCase, InvalidKind, Row};

/// The embedded model and its `web_logs` table.
fn web_logs() -> (Namespace, Table) {
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace
        .table("web_logs")
        .cloned()
        .unwrap_or_else(|| panic!("the embedded schema has no web_logs table"));
    (namespace, table)
}

/// The checked-in DDL for a dialect (`schema/generated/sql/<stem>.sql`), which is what database
/// owners apply; asserts it is what the emitter produces now.
fn checked_in_ddl(stem: &str) -> String {
    let path = integration_tests::workspace_root().join(format!("schema/generated/sql/{stem}.sql"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .replace("\r\n", "\n");
    let dialect = sql::all_dialects()
        .into_iter()
        .find(|d| d.file_stem() == stem)
        .unwrap_or_else(|| panic!("no dialect with file stem {stem}"));
    let namespace = canvas_logs_codegen::load_embedded();
    assert!(
        text == sql::render_namespace(dialect, &namespace),
        "{} is stale: run `cargo xtask codegen`",
        path.display()
    );
    text
}

/// `name=comment` per column, one per line in column order: the descriptions (and foreign-key
/// notes) a database's catalog should hold after the DDL ran.
fn expected_column_comments(table: &Table) -> String {
    table
        .columns()
        .iter()
        .map(|c| format!("{}={}", c.name(), sql::column_comment_text(c)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Tries every applicable invalid case with `attempt` (which returns the database's error
/// message when the row is refused) and describes each case that was accepted, or refused for a
/// reason that does not name the offending column.
fn refusal_problems(
    cases: &[InvalidCase],
    applies: impl Fn(&InvalidCase) -> bool,
    mut attempt: impl FnMut(&Row) -> Result<(), String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut tried = 0;
    for case in cases.iter().filter(|c| applies(c)) {
        tried += 1;
        match attempt(&case.row) {
            Ok(()) => problems.push(format!("ACCEPTED {}", case.row.label)),
            Err(message) if !refused_for_the_right_reason(case, &message) => problems.push(
                format!("refused for another reason: {}\n{message}", case.row.label),
            ),
            Err(_) => {}
        }
    }
    assert!(tried > 20, "only {tried} invalid cases applied");
    problems
}

fn refused_for_the_right_reason(case: &InvalidCase, message: &str) -> bool {
    if case.kind == InvalidKind::DuplicateKey {
        let lower = message.to_lowercase();
        return lower.contains("duplicate") || lower.contains("unique");
    }
    corpus::mentions_column(message, &case.column)
}
