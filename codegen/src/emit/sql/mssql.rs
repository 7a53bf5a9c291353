//! SQL Server DDL: table `[canvas_logs].[web_logs]`, guarded creation, extended-property comments.
//!
//! Targets SQL Server 2012 or later (supplementary-character `_SC` collations). SQL Server has no
//! `CREATE TABLE IF NOT EXISTS`: the schema is created through `EXEC` when `SCHEMA_ID` finds none
//! (`CREATE SCHEMA` must start a batch), and the table and its `MS_Description` extended
//! properties are created in one `IF OBJECT_ID(...) IS NULL BEGIN ... END` block, so a rerun does
//! nothing. The script needs no `GO` separators. Identifiers use brackets, which work whatever
//! `QUOTED_IDENTIFIER` is (`sqlcmd` turns it off by default); string literals are `N'...'`.
//!
//! Type choices:
//!
//! - `uuid` -> `uniqueidentifier`: 16 bytes, loads the hyphenated text directly and refuses
//!   anything else (the official client's `binary(16)` needs a conversion on every load).
//! - `timestamp` -> `datetime2(6)` holding UTC, as the official client (which uses `datetime2`,
//!   i.e. 7 digits); `(6)` is exactly DAP's precision.
//! - `int32`/`int64` -> `int`/`bigint`; `bool` -> `bit` (loads `true`/`false` text).
//! - `ip` -> `varchar(45)` with a shape `CHECK` (address characters, three dots or two colons):
//!   SQL Server has no address type or regular expressions before 2025.
//! - bounded `string` -> `nvarchar(2n)` in `Latin1_General_100_CS_AS_SC` with
//!   `CHECK (LEN(... + N'x') - 1 <= n)`: `nvarchar(n)` counts UTF-16 code units, so 255 emoji
//!   (510 units) would not fit in `nvarchar(255)`; with an `_SC` collation `LEN` counts each
//!   supplementary character once, and the appended `N'x'` stops `LEN` from ignoring trailing
//!   spaces. The official client's `varchar(1020)` needs a UTF-8 collation (SQL Server 2019+).
//!   Unbounded -> `nvarchar(max)`.
//! - closed string enum -> `nvarchar(n + 1)` in `Latin1_General_100_BIN2` with
//!   `CHECK (... IN (...))`:
//!   case-sensitive; `DATALENGTH(...) = 2 * LEN(...)` refuses the trailing spaces that SQL
//!   Server's padded comparison would otherwise ignore; the `+ 1` leaves room for that space,
//!   which would otherwise be trimmed silently on insert. (The official client uses lookup
//!   tables.)
//! - integer enum (HTTPStatus) -> `smallint` with `CHECK (... IN (...))`.
//! - open enum -> `nvarchar(max)`, with no 256-character lookup limit.

use super::{
    ColumnSql, Dialect, LengthLimit, column_comment_text, enum_accepted_values, enum_in_list,
    enum_text_capacity, in_list, integer_enum_type,
};
use crate::model::{Column, ColumnType, EnumRepr, Namespace, Table};

/// The SQL Server dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct MsSql;

/// The collation of bounded text: case-sensitive, and `LEN` counts supplementary characters once.
const BOUNDED_TEXT_COLLATION: &str = "Latin1_General_100_CS_AS_SC";
/// The collation of closed enum text: exact code-point comparison.
const ENUM_COLLATION: &str = "Latin1_General_100_BIN2";

impl MsSql {
    fn extended_property(
        &self,
        namespace: &Namespace,
        table: &Table,
        column: Option<&Column>,
        text: &str,
    ) -> String {
        let mut out = format!(
            "EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = {},\n        @level0type = N'SCHEMA', @level0name = {}, @level1type = N'TABLE', @level1name = {}",
            self.string_literal(text),
            self.string_literal(namespace.name()),
            self.string_literal(table.name()),
        );
        if let Some(column) = column {
            out.push_str(&format!(
                ",\n        @level2type = N'COLUMN', @level2name = {}",
                self.string_literal(column.name())
            ));
        }
        out.push(';');
        out
    }

    fn ip_check(quoted: &str) -> String {
        format!(
            "LEN({quoted}) BETWEEN 2 AND 45 AND {quoted} NOT LIKE '%[^0-9A-Fa-f:.]%'\n    AND ({quoted} LIKE '%.%.%.%' OR {quoted} LIKE '%:%:%')"
        )
    }
}

impl Dialect for MsSql {
    fn display_name(&self) -> &'static str {
        "SQL Server"
    }

    fn file_stem(&self) -> &'static str {
        "mssql"
    }

    fn notes(&self) -> &'static [&'static str] {
        &[
            "Requires SQL Server 2012 or later. Runs as one batch (no GO needed). Timestamps are",
            "datetime2(6) in UTC. Text limits count characters: see the CHECKs on bounded columns.",
        ]
    }

    fn quote_identifier(&self, name: &str) -> String {
        format!("[{}]", name.replace(']', "]]"))
    }

    fn string_literal(&self, text: &str) -> String {
        format!("N'{}'", text.replace('\'', "''"))
    }

    fn has_schemas(&self) -> bool {
        true
    }

    fn preamble(&self, namespace: &Namespace, _table: &Table) -> Vec<String> {
        let create_schema = format!("CREATE SCHEMA {}", self.quote_identifier(namespace.name()));
        vec![format!(
            "IF SCHEMA_ID({}) IS NULL\n    EXEC({});",
            self.string_literal(namespace.name()),
            self.string_literal(&create_schema)
        )]
    }

    fn column_sql(&self, namespace: &Namespace, column: &Column) -> ColumnSql {
        let quoted = self.quote_identifier(column.name());
        match column.ty() {
            ColumnType::Uuid => ColumnSql::plain("uniqueidentifier"),
            ColumnType::Timestamp => ColumnSql::plain("datetime2(6)"),
            ColumnType::Int32 => ColumnSql::plain("int"),
            ColumnType::Int64 => ColumnSql::plain("bigint"),
            ColumnType::Bool => ColumnSql::plain("bit"),
            ColumnType::Ip => ColumnSql::checked("varchar(45)", Self::ip_check(&quoted)),
            ColumnType::String => match LengthLimit::of(column) {
                None => ColumnSql::plain("nvarchar(max)"),
                Some(limit) => {
                    // Two UTF-16 code units per character at most; nvarchar stops at 4000.
                    let units = limit.capacity_chars.saturating_mul(2);
                    let sql_type = if units <= 4000 {
                        format!("nvarchar({units}) COLLATE {BOUNDED_TEXT_COLLATION}")
                    } else {
                        format!("nvarchar(max) COLLATE {BOUNDED_TEXT_COLLATION}")
                    };
                    ColumnSql::checked(
                        sql_type,
                        limit.condition(
                            self,
                            column,
                            format!("LEN({quoted} + N'x') - 1 <= {}", limit.max_chars),
                        ),
                    )
                }
            },
            ColumnType::Enum(id) => {
                let e = namespace.enum_by_id(id);
                match (e.repr(), e.is_open()) {
                    (EnumRepr::String, true) => ColumnSql::plain("nvarchar(max)"),
                    (EnumRepr::String, false) => {
                        let literals: Vec<String> = enum_accepted_values(e)
                            .iter()
                            .map(|v| self.string_literal(v))
                            .collect();
                        ColumnSql::checked(
                            format!(
                                "nvarchar({}) COLLATE {ENUM_COLLATION}",
                                enum_text_capacity(e)
                            ),
                            format!(
                                "{}\n    AND DATALENGTH({quoted}) = 2 * LEN({quoted})",
                                in_list(&quoted, &literals, "    ")
                            ),
                        )
                    }
                    (EnumRepr::Integer, _) => {
                        ColumnSql::checked(integer_enum_type(e), enum_in_list(self, &quoted, e))
                    }
                }
            }
        }
    }

    fn create_table(&self, name: &str, body: &str, options: &str) -> String {
        format!("CREATE TABLE {name} (\n{body}\n){options};")
    }

    fn comment_statements(&self, namespace: &Namespace, table: &Table) -> Vec<String> {
        let mut out =
            vec![self.extended_property(namespace, table, None, table.description().trim())];
        for column in table.columns() {
            out.push(self.extended_property(
                namespace,
                table,
                Some(column),
                &column_comment_text(column),
            ));
        }
        out
    }

    fn table_statements(
        &self,
        namespace: &Namespace,
        table: &Table,
        create_table: String,
        comments: Vec<String>,
    ) -> Vec<String> {
        let object_name = format!(
            "{}.{}",
            self.quote_identifier(namespace.name()),
            self.quote_identifier(table.name())
        );
        let mut block = format!(
            "IF OBJECT_ID({}, N'U') IS NULL\nBEGIN\n",
            self.string_literal(&object_name)
        );
        for statement in std::iter::once(create_table).chain(comments) {
            for line in statement.lines() {
                if !line.is_empty() {
                    block.push_str("    ");
                }
                block.push_str(line);
                block.push('\n');
            }
        }
        block.push_str("END;");
        vec![block]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::sql::render;

    fn ddl() -> String {
        let namespace = crate::load_embedded();
        render(&MsSql, &namespace, namespace.table("web_logs").unwrap())
    }

    #[test]
    fn guarded_creation_with_brackets() {
        let text = ddl();
        assert!(text.contains("IF SCHEMA_ID(N'canvas_logs') IS NULL"));
        assert!(text.contains("IF OBJECT_ID(N'[canvas_logs].[web_logs]', N'U') IS NULL\nBEGIN\n"));
        assert!(text.contains("    CREATE TABLE [canvas_logs].[web_logs] ("));
        assert!(text.trim_end().ends_with("END;"));
    }

    #[test]
    fn bounded_text_has_room_for_surrogate_pairs_and_a_character_check() {
        let text = ddl();
        assert!(text.contains(
            "[user_agent] nvarchar(510) COLLATE Latin1_General_100_CS_AS_SC CHECK (LEN([user_agent] + N'x') - 1 <= 255)"
        ));
        assert!(text.contains("[id] uniqueidentifier NOT NULL,"));
        assert!(text.contains("[timestamp] datetime2(6) NOT NULL,"));
    }
}
