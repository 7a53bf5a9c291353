//! DuckDB DDL: schema `canvas_logs`, table `canvas_logs.web_logs` with the rules as `CHECK`s,
//! `COMMENT ON` descriptions.
//!
//! Type choices (DuckDB 1.1 or later):
//!
//! - `uuid` -> `UUID` (16 bytes; DuckDB also reads the braced and unhyphenated spellings, which
//!   DAP never writes).
//! - `timestamp` -> `TIMESTAMPTZ` (an instant, microseconds), with a `CHECK` that it is not before
//!   year 1: DuckDB stores year 0000 (as 1 BC), which no other DAP loader can.
//! - `int32`/`int64` -> `INTEGER`/`BIGINT`; `bool` -> `BOOLEAN`.
//! - `ip` -> `VARCHAR` with a `CHECK` of the exact address grammar (`regexp_full_match`, the
//!   pattern the validation SQL uses): DuckDB's `inet` type lives in an extension that needs a
//!   download.
//! - bounded `string` -> `VARCHAR` with `length(...) <= n` (`length` counts code points; DuckDB's
//!   `VARCHAR(n)` does not enforce `n`), sentinels let through.
//! - closed string enums and integer enums -> `CHECK (... IN (...))`, exact and case-sensitive;
//!   open enums -> `VARCHAR`.

use super::{
    ColumnSql, Dialect, LengthLimit, comment_on_statements, enum_in_list, integer_enum_type,
};
use crate::model::{Column, ColumnType, EnumRepr, Namespace, Table};

/// The DuckDB dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct DuckDb;

impl Dialect for DuckDb {
    fn display_name(&self) -> &'static str {
        "DuckDB"
    }

    fn file_stem(&self) -> &'static str {
        "duckdb"
    }

    fn notes(&self) -> &'static [&'static str] {
        &[
            "Requires DuckDB 1.1 or later. Every rule DuckDB can enforce is a CHECK; an archive typed",
            "elsewhere can be audited with schema/generated/validation/duckdb/web_logs_typed.sql.",
        ]
    }

    fn has_schemas(&self) -> bool {
        true
    }

    fn preamble(&self, namespace: &Namespace, table: &Table) -> Vec<String> {
        let _ = table;
        vec![format!(
            "CREATE SCHEMA IF NOT EXISTS {};",
            self.quote_identifier(namespace.name())
        )]
    }

    fn column_sql(&self, namespace: &Namespace, column: &Column) -> ColumnSql {
        let quoted = self.quote_identifier(column.name());
        match column.ty() {
            ColumnType::Uuid => ColumnSql::plain("UUID"),
            ColumnType::Timestamp => ColumnSql::checked(
                "TIMESTAMPTZ",
                format!("{quoted} >= TIMESTAMPTZ '0001-01-01 00:00:00+00'"),
            ),
            ColumnType::Int32 => ColumnSql::plain("INTEGER"),
            ColumnType::Int64 => ColumnSql::plain("BIGINT"),
            ColumnType::Bool => ColumnSql::plain("BOOLEAN"),
            ColumnType::Ip => ColumnSql::checked(
                "VARCHAR",
                format!(
                    "regexp_full_match({quoted}, {})",
                    self.string_literal(&crate::emit::validation_sql::ip_pattern())
                ),
            ),
            ColumnType::String => LengthLimit::text_column(self, column, "VARCHAR", "length"),
            ColumnType::Enum(id) => {
                let e = namespace.enum_by_id(id);
                match (e.repr(), e.is_open()) {
                    (EnumRepr::String, true) => ColumnSql::plain("VARCHAR"),
                    (EnumRepr::String, false) => {
                        ColumnSql::checked("VARCHAR", enum_in_list(self, &quoted, e))
                    }
                    (EnumRepr::Integer, _) => ColumnSql::checked(
                        integer_enum_type(e).to_uppercase(),
                        enum_in_list(self, &quoted, e),
                    ),
                }
            }
        }
    }

    fn comment_statements(&self, namespace: &Namespace, table: &Table) -> Vec<String> {
        let (table_comment, columns) = comment_on_statements(self, namespace, table);
        std::iter::once(table_comment).chain(columns).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::sql::render;

    #[test]
    fn rules_are_checks_and_year_zero_is_refused() {
        let namespace = crate::load_embedded();
        let text = render(&DuckDb, &namespace, namespace.table("web_logs").unwrap());
        assert!(text.contains("\"id\" UUID NOT NULL,"));
        assert!(text.contains(
            "\"timestamp\" TIMESTAMPTZ NOT NULL CHECK (\"timestamp\" >= TIMESTAMPTZ '0001-01-01 00:00:00+00'),"
        ));
        assert!(text.contains("\"user_agent\" VARCHAR CHECK (length(\"user_agent\") <= 255),"));
        assert!(text.contains("\"http_method\" VARCHAR NOT NULL CHECK (\"http_method\" IN ("));
        assert!(text.contains("PRIMARY KEY (\"id\")"));
        assert!(text.contains("COMMENT ON COLUMN \"canvas_logs\".\"web_logs\".\"url\" IS"));
    }
}
