//! MySQL and MariaDB DDL: table `canvas_logs__web_logs`, utf8mb4, `CHECK`s and `COMMENT`s.
//!
//! Targets MySQL 8.0.16+ and MariaDB 10.2+, the versions that enforce `CHECK` constraints (older
//! MySQL parses and silently ignores them), in the default strict SQL mode
//! (`STRICT_TRANS_TABLES`): outside strict mode both databases truncate or zero bad values with a
//! warning instead of refusing them. Identifiers use backticks, which work with and without
//! `ANSI_QUOTES`; string literals double `'` and `\` for the default mode (without
//! `NO_BACKSLASH_ESCAPES`).
//!
//! Type choices:
//!
//! - `uuid` -> `char(36)` in `ascii` with a case-insensitive collation and a `REGEXP` check: DAP
//!   text loads as it is (the official client's `binary(16)` needs `UUID_TO_BIN`/`UNHEX` on every
//!   load and shows bytes to people), upper- and lower-case spellings of one uuid are equal as
//!   they are everywhere else, and 36 ASCII bytes per row is a fair price.
//! - `timestamp` -> `datetime(6)` holding UTC: the official client's `datetime` drops the
//!   fractional seconds. `timestamp(6)` would convert through the session time zone and ends in
//!   2038. Neither database reads DAP's trailing `Z`: a loader strips it (the value is UTC).
//! - `int32`/`int64` -> `int`/`bigint`; out-of-range values are refused in strict mode.
//! - `bool` -> `boolean` (`tinyint(1)`) with `CHECK (... IN (0, 1))`, so that 2 is not a boolean.
//! - `ip` -> `varchar(45)` ASCII text with `CHECK (IS_IPV4(...) OR IS_IPV6(...))`; 45 characters
//!   is the longest IPv6 text (`ffff:...:255.255.255.255`). The official client's `binary(16)`
//!   needs `INET6_ATON` on load.
//! - bounded `string` -> `varchar(n)` in utf8mb4, which counts characters: 255 emoji fit.
//!   Unbounded -> `longtext` (the official `mediumtext` stops at 16 MiB; `longtext` costs the same
//!   for short values and never truncates).
//! - closed string enum -> `varchar(n + 1)` with `CHECK (CAST(... AS BINARY) IN (...))`, not
//!   `ENUM(...)`: a number-like text that is not a member (`'1'`) is silently stored as the member
//!   *at that index* (`'0.9'`) in an `ENUM` column, which corrupts `http_version`. The binary
//!   comparison is case-sensitive and, unlike `utf8mb4_bin`'s PAD SPACE, does not ignore trailing
//!   spaces, matching the validator. The `+ 1`: strict mode still silently trims trailing spaces
//!   that overflow a `varchar`, so `'0.9 '` must fit to be seen (and refused) by the `CHECK`.
//! - integer enum (HTTPStatus) -> `smallint` with `CHECK (... IN (...))`.
//! - open enum -> `longtext`, never a 64-character lookup value as in the official client.
//! - The table's default collation is `utf8mb4_bin`: text compares exactly, as in the validator.

use super::{
    ColumnSql, Dialect, LengthLimit, column_comment_text, enum_accepted_values, enum_in_list,
    enum_text_capacity, flat_table_name, in_list, integer_enum_type,
};
use crate::emit::json_schema::UUID_PATTERN;
use crate::model::{Column, ColumnType, EnumRepr, Namespace, Table};

/// MySQL's limit on a column comment, in characters.
const COLUMN_COMMENT_MAX_CHARS: usize = 1024;
/// MySQL's limit on a table comment, in characters.
const TABLE_COMMENT_MAX_CHARS: usize = 2048;

/// The MySQL and MariaDB dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySql;

impl Dialect for MySql {
    fn display_name(&self) -> &'static str {
        "MySQL/MariaDB"
    }

    fn file_stem(&self) -> &'static str {
        "mysql"
    }

    fn notes(&self) -> &'static [&'static str] {
        &[
            "Requires MySQL 8.0.16+ or MariaDB 10.2+ (enforced CHECK constraints) in strict SQL mode",
            "(the default). Timestamps are datetime(6) in UTC: drop DAP's trailing `Z` when loading",
            "(`2024-05-01T12:00:00.123456Z` -> `2024-05-01T12:00:00.123456`). Booleans load as 1/0.",
        ]
    }

    fn quote_identifier(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }

    fn string_literal(&self, text: &str) -> String {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
    }

    fn table_name(&self, namespace: &Namespace, table: &Table) -> String {
        self.quote_identifier(&flat_table_name(namespace, table))
    }

    fn preamble(&self, _namespace: &Namespace, _table: &Table) -> Vec<String> {
        // The comments hold non-ASCII text (`user’s`): read the script as UTF-8 whatever the
        // client's default character set is.
        vec!["SET NAMES utf8mb4;".to_owned()]
    }

    fn column_sql(&self, namespace: &Namespace, column: &Column) -> ColumnSql {
        let quoted = self.quote_identifier(column.name());
        match column.ty() {
            ColumnType::Uuid => ColumnSql::checked(
                "char(36) CHARACTER SET ascii COLLATE ascii_general_ci",
                format!("{quoted} REGEXP {}", self.string_literal(UUID_PATTERN)),
            ),
            // MariaDB stores year 0000, which no other DAP loader can: refused as everywhere.
            ColumnType::Timestamp => {
                ColumnSql::checked("datetime(6)", format!("{quoted} >= '0001-01-01'"))
            }
            ColumnType::Int32 => ColumnSql::plain("int"),
            ColumnType::Int64 => ColumnSql::plain("bigint"),
            ColumnType::Bool => ColumnSql::checked("boolean", format!("{quoted} IN (0, 1)")),
            ColumnType::Ip => ColumnSql::checked(
                "varchar(45) CHARACTER SET ascii COLLATE ascii_bin",
                format!("IS_IPV4({quoted}) OR IS_IPV6({quoted})"),
            ),
            ColumnType::String => match LengthLimit::of(column) {
                None => ColumnSql::plain("longtext"),
                Some(limit) if limit.long_sentinels.is_empty() => {
                    ColumnSql::plain(format!("varchar({})", limit.max_chars))
                }
                Some(limit) => ColumnSql::checked(
                    format!("varchar({})", limit.capacity_chars),
                    limit.condition(
                        self,
                        column,
                        format!("CHAR_LENGTH({quoted}) <= {}", limit.max_chars),
                    ),
                ),
            },
            ColumnType::Enum(id) => {
                let e = namespace.enum_by_id(id);
                match (e.repr(), e.is_open()) {
                    (EnumRepr::String, true) => ColumnSql::plain("longtext"),
                    (EnumRepr::String, false) => {
                        let literals: Vec<String> = enum_accepted_values(e)
                            .iter()
                            .map(|v| self.string_literal(v))
                            .collect();
                        ColumnSql::checked(
                            format!("varchar({})", enum_text_capacity(e)),
                            in_list(&format!("CAST({quoted} AS BINARY)"), &literals, "    "),
                        )
                    }
                    (EnumRepr::Integer, _) => {
                        ColumnSql::checked(integer_enum_type(e), enum_in_list(self, &quoted, e))
                    }
                }
            }
        }
    }

    fn column_attributes(&self, column: &Column) -> Option<String> {
        let text = truncate_chars(&column_comment_text(column), COLUMN_COMMENT_MAX_CHARS);
        Some(format!("COMMENT {}", self.string_literal(&text)))
    }

    fn table_options(&self, _namespace: &Namespace, table: &Table) -> String {
        let text = truncate_chars(table.description().trim(), TABLE_COMMENT_MAX_CHARS);
        format!(
            "\n  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin\n  COMMENT={}",
            self.string_literal(&text)
        )
    }
}

/// At most `max` characters of `text` (MySQL refuses longer comments in strict mode).
fn truncate_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::sql::render;

    fn ddl() -> String {
        let namespace = crate::load_embedded();
        render(&MySql, &namespace, namespace.table("web_logs").unwrap())
    }

    #[test]
    fn flat_name_backticks_and_utf8mb4() {
        let text = ddl();
        assert!(text.contains("CREATE TABLE IF NOT EXISTS `canvas_logs__web_logs` ("));
        assert!(text.contains("DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"));
    }

    #[test]
    fn fractions_kept_and_enums_checked_in_binary() {
        let text = ddl();
        assert!(text.contains("`timestamp` datetime(6) NOT NULL COMMENT"));
        assert!(
            text.contains("CHECK (CAST(`http_version` AS BINARY) IN ('0.9', '1.0', '1.1', '2.0'))")
        );
        assert!(!text.contains("ENUM("));
        assert!(text.contains("`web_application_action` longtext COMMENT"));
    }

    #[test]
    fn literals_escape_backslashes_and_quotes() {
        assert_eq!(MySql.string_literal(r"a\b'c"), r"'a\\b''c'");
        assert_eq!(truncate_chars("ééé", 2), "éé");
    }
}
