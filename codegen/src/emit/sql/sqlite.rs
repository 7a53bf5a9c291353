//! SQLite DDL: a `STRICT` table `canvas_logs__web_logs`, rules as `CHECK`s, `--` descriptions.
//!
//! Requires SQLite 3.37 or later (`STRICT` tables). `STRICT` makes the declared types real: text
//! in an `INTEGER` column, or an integer past 64 bits, is refused instead of stored as it comes.
//! SQLite keeps the `CREATE TABLE` text in `sqlite_schema`, so the `--` descriptions inside the
//! body stay with the table (SQLite has no comment catalog).
//!
//! Type choices (SQLite has only `INTEGER`, `REAL`, `TEXT`, `BLOB` and `ANY`):
//!
//! - `uuid` -> `TEXT` with a `GLOB` of the hyphenated form (either case), as DAP writes it.
//! - `timestamp` -> `TEXT` holding DAP's own spelling, `YYYY-MM-DDThh:mm:ss[.ffffff]Z`, checked
//!   for shape (0 to 6 fractional digits, the `Z`) and for a real date and time: the whole
//!   seconds must survive a round trip through `julianday`, which refuses `2024-02-30` and
//!   `24:00:00`. The comparison is `IS`, not `=`: `julianday` of a non-date is NULL, and a
//!   `CHECK` that evaluates to NULL passes. Text keeps every digit; SQLite's date functions read
//!   it directly. Texts with different numbers of fractional digits do not sort as instants:
//!   order by `julianday(...)`.
//! - `int32` -> `INTEGER` with a range `CHECK`; `int64` -> `INTEGER` (SQLite's are 64-bit).
//! - `bool` -> `INTEGER` 0 or 1.
//! - `ip` -> `TEXT`. SQLite has no address functions, so the `CHECK` is a shape check only:
//!   address characters, 2 to 45 of them, three dots (IPv4) or two colons (IPv6). The validator
//!   checks the rest.
//! - `string` -> `TEXT`, bounded ones with `length(...) <= n`: SQLite's `length` counts
//!   characters of text, so 255 emoji fit and 256 characters of any width are refused.
//! - closed enums -> `CHECK (... IN (...))`, case-sensitive and exact (SQLite's default `BINARY`
//!   collation does not pad); integer enums likewise on `INTEGER`; open enums -> plain `TEXT`.

use super::{ColumnSql, Dialect, LengthLimit, enum_in_list, wrap_words};
use crate::model::{Column, ColumnType, EnumRepr, Namespace, Table};

/// The SQLite dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sqlite;

/// Width of the `--` description lines inside the table body.
const COMMENT_WIDTH: usize = 94;

impl Sqlite {
    fn uuid_glob() -> String {
        let hex = "[0-9a-fA-F]";
        [8, 4, 4, 4, 12]
            .iter()
            .map(|&n| hex.repeat(n))
            .collect::<Vec<_>>()
            .join("-")
    }

    fn timestamp_check(quoted: &str) -> String {
        let digit = "[0-9]";
        let shape = format!(
            "{d4}-{d2}-{d2}T{d2}:{d2}:{d2}*Z",
            d4 = digit.repeat(4),
            d2 = digit.repeat(2)
        );
        [
            format!("length({quoted}) BETWEEN 20 AND 27"),
            format!("{quoted} GLOB '{shape}'"),
            format!(
                "(length({quoted}) = 20 OR (substr({quoted}, 20, 1) = '.' AND length({quoted}) >= 22\n      AND substr({quoted}, 21, length({quoted}) - 21) NOT GLOB '*[^0-9]*'))"
            ),
            format!(
                "strftime('%Y-%m-%dT%H:%M:%S', julianday(substr({quoted}, 1, 19))) IS substr({quoted}, 1, 19)"
            ),
            format!("substr({quoted}, 1, 4) <> '0000'"),
        ]
        .join("\n    AND ")
    }

    fn ip_check(quoted: &str) -> String {
        format!(
            "length({quoted}) BETWEEN 2 AND 45 AND {quoted} NOT GLOB '*[^0-9A-Fa-f:.]*'\n    AND ({quoted} GLOB '*.*.*.*' OR {quoted} GLOB '*:*:*')"
        )
    }
}

impl Dialect for Sqlite {
    fn display_name(&self) -> &'static str {
        "SQLite"
    }

    fn file_stem(&self) -> &'static str {
        "sqlite"
    }

    fn notes(&self) -> &'static [&'static str] {
        &[
            "Requires SQLite 3.37 or later (STRICT tables). Timestamps are DAP's own text",
            "(`YYYY-MM-DDThh:mm:ss[.ffffff]Z`), checked; order them by julianday(...). Booleans are 1/0.",
        ]
    }

    fn column_sql(&self, namespace: &Namespace, column: &Column) -> ColumnSql {
        let quoted = self.quote_identifier(column.name());
        match column.ty() {
            ColumnType::Uuid => {
                ColumnSql::checked("TEXT", format!("{quoted} GLOB '{}'", Self::uuid_glob()))
            }
            ColumnType::Timestamp => ColumnSql::checked("TEXT", Self::timestamp_check(&quoted)),
            ColumnType::Int32 => ColumnSql::checked(
                "INTEGER",
                format!("{quoted} BETWEEN {} AND {}", i32::MIN, i32::MAX),
            ),
            ColumnType::Int64 => ColumnSql::plain("INTEGER"),
            ColumnType::Bool => ColumnSql::checked("INTEGER", format!("{quoted} IN (0, 1)")),
            ColumnType::Ip => ColumnSql::checked("TEXT", Self::ip_check(&quoted)),
            ColumnType::String => LengthLimit::text_column(self, column, "TEXT", "length"),
            ColumnType::Enum(id) => {
                let e = namespace.enum_by_id(id);
                match (e.repr(), e.is_open()) {
                    (EnumRepr::String, true) => ColumnSql::plain("TEXT"),
                    (EnumRepr::String, false) => {
                        ColumnSql::checked("TEXT", enum_in_list(self, &quoted, e))
                    }
                    (EnumRepr::Integer, _) => {
                        ColumnSql::checked("INTEGER", enum_in_list(self, &quoted, e))
                    }
                }
            }
        }
    }

    fn column_comment_lines(&self, column: &Column) -> Vec<String> {
        wrap_words(column.description(), COMMENT_WIDTH)
    }

    fn table_comment_lines(&self, table: &Table) -> Vec<String> {
        let mut lines = wrap_words(table.description(), COMMENT_WIDTH);
        lines.push(String::new());
        lines
    }

    fn table_options(&self, _namespace: &Namespace, _table: &Table) -> String {
        " STRICT".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::sql::render;

    fn ddl() -> String {
        let namespace = crate::load_embedded();
        render(&Sqlite, &namespace, namespace.table("web_logs").unwrap())
    }

    #[test]
    fn strict_flat_table_with_descriptions_inside() {
        let text = ddl();
        assert!(text.contains("CREATE TABLE IF NOT EXISTS \"canvas_logs__web_logs\" ("));
        assert!(text.contains(") STRICT;"));
        assert!(text.contains(
            "  -- The user agent string sent by the HTTP client.\n  \"user_agent\" TEXT"
        ));
    }

    #[test]
    fn uuid_glob_has_the_hyphenated_shape() {
        let glob = Sqlite::uuid_glob();
        assert_eq!(
            glob.replace("[0-9a-fA-F]", "x"),
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
        );
    }
}
