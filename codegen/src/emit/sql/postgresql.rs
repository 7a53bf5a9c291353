//! PostgreSQL DDL: schema `canvas_logs`, table `canvas_logs.web_logs`, enum types, `COMMENT ON`.
//!
//! Type choices (PostgreSQL 12 or later):
//!
//! - `uuid` -> `uuid`: 16 bytes, loads the hyphenated text directly (also upper case and the 32
//!   bare hex digits the DAP client accepts), and refuses anything else.
//! - `timestamp` -> `timestamptz(6)`. The official client uses a naive `timestamp` holding UTC;
//!   both keep microseconds and both load DAP's `...Z` text in COPY. We store an *instant*:
//!   PostgreSQL honours the `Z` (a naive `timestamp` silently drops any offset written in the
//!   text) and comparisons with `now()` are right whatever the session's `TimeZone`. Queries see
//!   the same instants; only the display follows the session time zone.
//! - `int32`/`int64` -> `integer`/`bigint`; `bool` -> `boolean` (COPY reads `true`/`false`).
//! - `ip` -> `inet`, with a `CHECK` that the mask is the full address width: `inet` also accepts
//!   networks (`10.0.0.0/8`), which are not addresses.
//! - bounded `string` -> `varchar(n)`: PostgreSQL counts characters, so 255 emoji fit in
//!   `varchar(255)` and 256 characters of any width are refused. Unbounded -> `text`.
//! - closed string enum -> `CREATE TYPE ... AS ENUM` (as the official client does), named exactly
//!   as the YAML (`"canvas_logs"."HTTPMethod"`): quoted and capitalised, it can never collide with
//!   a table's row type (table names are lower-case snake_case). Values compare case-sensitively,
//!   trailing spaces included, like the validator.
//! - integer enum (HTTPStatus) -> `smallint` with `CHECK (... IN (...))` (the official client
//!   leaves it unconstrained).
//! - open enum -> `text` (the official client's lookup table caps values at 64 characters).

use super::{
    ColumnSql, Dialect, LengthLimit, comma_list, comment_on_statements, enum_accepted_values,
    enum_in_list, integer_enum_type, is_closed_string_enum,
};
use crate::model::{Column, ColumnType, Enum, EnumRepr, Namespace, Table};

/// The PostgreSQL dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgreSql;

impl PostgreSql {
    /// The schema-qualified, quoted name of `e`'s enum type (`"canvas_logs"."HTTPMethod"`).
    pub fn enum_type_name(&self, namespace: &Namespace, e: &Enum) -> String {
        format!(
            "{}.{}",
            self.quote_identifier(namespace.name()),
            self.quote_identifier(e.name())
        )
    }

    /// The closed string enums `table` uses, in namespace order (each once).
    pub fn enum_types_used<'a>(&self, namespace: &'a Namespace, table: &Table) -> Vec<&'a Enum> {
        namespace
            .enums()
            .iter()
            .enumerate()
            .filter(|(index, e)| {
                is_closed_string_enum(e)
                    && table
                        .columns()
                        .iter()
                        .any(|c| matches!(c.ty(), ColumnType::Enum(id) if id.index() == *index))
            })
            .map(|(_, e)| e)
            .collect()
    }
}

impl Dialect for PostgreSql {
    fn display_name(&self) -> &'static str {
        "PostgreSQL"
    }

    fn file_stem(&self) -> &'static str {
        "postgresql"
    }

    fn notes(&self) -> &'static [&'static str] {
        &[
            "Requires PostgreSQL 12 or later. Timestamps are timestamptz(6): DAP's `...Z` text loads",
            "as the exact instant. Load the DAP TSV form with COPY ... FROM ... (FORMAT text, HEADER",
            "true) after mapping its dotted header to these columns. Foreign keys into other",
            "namespaces are noted, not created: DAP delivers namespaces independently.",
        ]
    }

    fn has_schemas(&self) -> bool {
        true
    }

    fn preamble(&self, namespace: &Namespace, table: &Table) -> Vec<String> {
        let mut out = vec![format!(
            "CREATE SCHEMA IF NOT EXISTS {};",
            self.quote_identifier(namespace.name())
        )];
        for e in self.enum_types_used(namespace, table) {
            let literals: Vec<String> = enum_accepted_values(e)
                .iter()
                .map(|v| self.string_literal(v))
                .collect();
            // PostgreSQL has no CREATE TYPE IF NOT EXISTS: a DO block swallows only the
            // "already exists" error, so a rerun is a no-op and any other error still fails.
            out.push(format!(
                "DO $$\nBEGIN\n  CREATE TYPE {} AS ENUM (\n    {}\n  );\nEXCEPTION\n  WHEN duplicate_object THEN NULL;\nEND\n$$;",
                self.enum_type_name(namespace, e),
                comma_list(&literals, 4, "    "),
            ));
        }
        out
    }

    fn column_sql(&self, namespace: &Namespace, column: &Column) -> ColumnSql {
        let quoted = self.quote_identifier(column.name());
        match column.ty() {
            ColumnType::Uuid => ColumnSql::plain("uuid"),
            ColumnType::Timestamp => ColumnSql::plain("timestamptz(6)"),
            ColumnType::Int32 => ColumnSql::plain("integer"),
            ColumnType::Int64 => ColumnSql::plain("bigint"),
            ColumnType::Bool => ColumnSql::plain("boolean"),
            ColumnType::Ip => ColumnSql::checked(
                "inet",
                format!("masklen({quoted}) = CASE family({quoted}) WHEN 4 THEN 32 ELSE 128 END"),
            ),
            ColumnType::String => match LengthLimit::of(column) {
                None => ColumnSql::plain("text"),
                Some(limit) if limit.long_sentinels.is_empty() => {
                    ColumnSql::plain(format!("varchar({})", limit.max_chars))
                }
                Some(limit) => ColumnSql::checked(
                    format!("varchar({})", limit.capacity_chars),
                    limit.condition(
                        self,
                        column,
                        format!("char_length({quoted}) <= {}", limit.max_chars),
                    ),
                ),
            },
            ColumnType::Enum(id) => {
                let e = namespace.enum_by_id(id);
                match (e.repr(), e.is_open()) {
                    (EnumRepr::String, true) => ColumnSql::plain("text"),
                    (EnumRepr::String, false) => {
                        ColumnSql::plain(self.enum_type_name(namespace, e))
                    }
                    (EnumRepr::Integer, _) => {
                        ColumnSql::checked(integer_enum_type(e), enum_in_list(self, &quoted, e))
                    }
                }
            }
        }
    }

    fn comment_statements(&self, namespace: &Namespace, table: &Table) -> Vec<String> {
        let (table_comment, columns) = comment_on_statements(self, namespace, table);
        let mut out = vec![table_comment];
        for e in self.enum_types_used(namespace, table) {
            if let Some(description) = e.description() {
                out.push(format!(
                    "COMMENT ON TYPE {} IS {};",
                    self.enum_type_name(namespace, e),
                    self.string_literal(description.trim())
                ));
            }
        }
        out.extend(columns);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::sql::render;

    fn ddl() -> String {
        let namespace = crate::load_embedded();
        render(
            &PostgreSql,
            &namespace,
            namespace.table("web_logs").unwrap(),
        )
    }

    #[test]
    fn closed_string_enums_become_guarded_enum_types() {
        let text = ddl();
        assert!(text.contains("CREATE TYPE \"canvas_logs\".\"HTTPMethod\" AS ENUM ("));
        assert!(text.contains("WHEN duplicate_object THEN NULL;"));
        assert!(text.contains("\"http_method\" \"canvas_logs\".\"HTTPMethod\" NOT NULL,"));
        // Open enums are plain text, not types.
        assert!(!text.contains("\"Controller\""));
        assert!(text.contains("\"web_application_controller\" text,"));
    }

    #[test]
    fn http_status_is_a_checked_smallint_and_timestamps_keep_microseconds() {
        let text = ddl();
        assert!(text.contains(
            "\"http_status\" smallint NOT NULL CHECK (\"http_status\" IN (\n    100, 101,"
        ));
        assert!(text.contains("\"timestamp\" timestamptz(6) NOT NULL,"));
        assert!(text.contains("\"user_agent\" varchar(255),"));
    }

    #[test]
    fn descriptions_become_comments() {
        let text = ddl();
        assert!(text.contains(
            "COMMENT ON COLUMN \"canvas_logs\".\"web_logs\".\"session_id\" IS 'ID of the user’s session where this request was made.';"
        ));
        assert!(text.contains(
            "COMMENT ON TYPE \"canvas_logs\".\"HTTPVersion\" IS 'HTTP protocol version.';"
        ));
    }
}
