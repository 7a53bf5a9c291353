//! Spark SQL DDL: database `canvas_logs`, table `canvas_logs.web_logs` stored as Parquet,
//! descriptions as `COMMENT`s.
//!
//! Spark (4.0 or later) enforces little at write time, so this DDL is the typed shape and the
//! rules live in `schema/generated/validation/spark/web_logs_typed.sql`, which audits a loaded
//! table. Type choices:
//!
//! - `uuid`, `ip`, open enums and closed string enums -> `STRING` (Spark has no uuid, address or
//!   enum type; the audit checks the text).
//! - `timestamp` -> `TIMESTAMP` (an instant, microseconds, shown in the session time zone; DAP's
//!   `...Z` text loads as the exact instant).
//! - `int32`/`int64` -> `INT`/`BIGINT`; `bool` -> `BOOLEAN`; integer enums -> `SMALLINT`.
//! - bounded `string` -> `VARCHAR(n)`: Spark refuses a longer value on write
//!   (`EXCEED_LIMIT_LENGTH`), counting characters. Unbounded -> `STRING`.
//! - `NOT NULL` is written as the model says; Spark accepts it in a Parquet table's definition
//!   but does not enforce it on insert (the audit does). No `PRIMARY KEY` (Spark has none for
//!   file tables); no `CHECK` (Spark has none for them either).

use super::{ColumnSql, Dialect, LengthLimit, column_comment_text, integer_enum_type};
use crate::model::{Column, ColumnType, EnumRepr, Namespace, Table};

/// The Spark SQL dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spark;

impl Dialect for Spark {
    fn display_name(&self) -> &'static str {
        "Spark SQL"
    }

    fn file_stem(&self) -> &'static str {
        "spark"
    }

    fn notes(&self) -> &'static [&'static str] {
        &[
            "Requires Spark 4.0 or later; run with spark-sql -f. A Parquet table: Spark enforces the",
            "types and VARCHAR lengths on write, not NOT NULL, enums or keys; audit a loaded table",
            "with schema/generated/validation/spark/web_logs_typed.sql.",
        ]
    }

    fn quote_identifier(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }

    /// Spark string literals treat the backslash as an escape character.
    fn string_literal(&self, text: &str) -> String {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
    }

    fn has_schemas(&self) -> bool {
        true
    }

    fn preamble(&self, namespace: &Namespace, table: &Table) -> Vec<String> {
        let _ = table;
        vec![format!(
            "CREATE SCHEMA IF NOT EXISTS {} COMMENT {};",
            self.quote_identifier(namespace.name()),
            self.string_literal(namespace.description().trim())
        )]
    }

    fn column_sql(&self, namespace: &Namespace, column: &Column) -> ColumnSql {
        match column.ty() {
            ColumnType::Uuid | ColumnType::Ip => ColumnSql::plain("STRING"),
            ColumnType::Timestamp => ColumnSql::plain("TIMESTAMP"),
            ColumnType::Int32 => ColumnSql::plain("INT"),
            ColumnType::Int64 => ColumnSql::plain("BIGINT"),
            ColumnType::Bool => ColumnSql::plain("BOOLEAN"),
            ColumnType::String => match LengthLimit::of(column) {
                None => ColumnSql::plain("STRING"),
                Some(limit) => ColumnSql::plain(format!("VARCHAR({})", limit.capacity_chars)),
            },
            ColumnType::Enum(id) => {
                let e = namespace.enum_by_id(id);
                match e.repr() {
                    EnumRepr::String => ColumnSql::plain("STRING"),
                    EnumRepr::Integer => ColumnSql::plain(integer_enum_type(e).to_uppercase()),
                }
            }
        }
    }

    fn column_attributes(&self, column: &Column) -> Option<String> {
        Some(format!(
            "COMMENT {}",
            self.string_literal(&column_comment_text(column))
        ))
    }

    fn primary_key(&self, key: &[String]) -> Option<String> {
        let _ = key;
        None
    }

    fn table_options(&self, namespace: &Namespace, table: &Table) -> String {
        let _ = namespace;
        format!(
            "\nUSING parquet\nCOMMENT {}",
            self.string_literal(table.description().trim())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::sql::render;

    #[test]
    fn a_parquet_table_with_comments_and_no_key_clause() {
        let namespace = crate::load_embedded();
        let text = render(&Spark, &namespace, namespace.table("web_logs").unwrap());
        assert!(text.contains("CREATE TABLE IF NOT EXISTS `canvas_logs`.`web_logs` ("));
        assert!(text.contains("USING parquet\nCOMMENT 'Stores the Canvas"));
        assert!(text.contains("`user_agent` VARCHAR(255) COMMENT 'The user agent"));
        assert!(text.contains("`http_status` SMALLINT NOT NULL COMMENT"));
        assert!(text.contains("ID of the user’s session"));
        assert!(!text.contains("PRIMARY KEY"));
    }
}
