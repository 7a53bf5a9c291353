//! SQL DDL for one table, in several dialects: one [`Dialect`] trait, one small file per dialect.
//!
//! The shared code here lays out the script (header, preamble, `CREATE TABLE`, comments) and never
//! asks which dialect it is writing: every difference is a [`Dialect`] method, most of them
//! defaulted to the ANSI form, and each dialect file overrides only what differs. The one thing
//! every dialect must write itself is [`Dialect::column_sql`], an exhaustive `match` over
//! [`ColumnType`](crate::model::ColumnType), so a new column type cannot be forgotten in any
//! dialect.
//!
//! What every dialect's output has in common:
//!
//! - a first comment line holding [`crate::emit::GENERATED_NOTICE`];
//! - the table's columns in model order, names exactly as published, always quoted;
//! - `NOT NULL` exactly on the non-nullable columns, the primary key from the model;
//! - the rules a database can enforce (closed enums, integer enums, lengths in characters, value
//!   shapes) as `CHECK` constraints or types, so that the DDL, the JSON Schema and the validator
//!   agree wherever the database can tell;
//! - descriptions as comments, and `references` (foreign-key targets in other namespaces, which
//!   are not created as constraints: DAP delivers namespaces independently) as comments;
//! - idempotence: running the script twice changes nothing and does not fail.
//!
//! ```
//! let namespace = canvas_logs_codegen::load_embedded();
//! let web_logs = namespace.table("web_logs").unwrap();
//! let ddl = canvas_logs_codegen::emit::sql::render(
//!     &canvas_logs_codegen::emit::sql::postgresql::PostgreSql,
//!     &namespace,
//!     web_logs,
//! );
//! assert!(ddl.contains(r#"CREATE TABLE IF NOT EXISTS "canvas_logs"."web_logs""#));
//! ```

pub mod duckdb;
pub mod mssql;
pub mod mysql;
pub mod postgresql;
pub mod spark;
pub mod sqlite;

use crate::model::{Column, Enum, EnumRepr, Namespace, Table};

/// How one column is declared in one dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSql {
    /// The type, with any character set or collation it needs (`varchar(255)`).
    pub sql_type: String,
    /// A boolean condition over the column that enforces what the type alone cannot, written as
    /// the column's `CHECK`; `None` when the type says everything.
    pub check: Option<String>,
}

impl ColumnSql {
    /// A column whose type alone enforces its rules.
    pub fn plain(sql_type: impl Into<String>) -> ColumnSql {
        ColumnSql {
            sql_type: sql_type.into(),
            check: None,
        }
    }

    /// A column with a type and a `CHECK` condition.
    pub fn checked(sql_type: impl Into<String>, check: impl Into<String>) -> ColumnSql {
        ColumnSql {
            sql_type: sql_type.into(),
            check: Some(check.into()),
        }
    }
}

/// One SQL dialect: the differences between databases, and nothing else.
///
/// Defaulted methods write ANSI SQL; a dialect overrides the ones its database spells otherwise.
pub trait Dialect {
    /// The database's name as people write it (`PostgreSQL`), for the header.
    fn display_name(&self) -> &'static str;

    /// The artifact's file stem (`postgresql`), as in `schema/generated/sql/postgresql.sql`.
    fn file_stem(&self) -> &'static str;

    /// Lines explaining the dialect's choices, written as comments under the header.
    fn notes(&self) -> &'static [&'static str] {
        &[]
    }

    /// A quoted identifier. ANSI: double quotes, an embedded double quote doubled.
    fn quote_identifier(&self, name: &str) -> String {
        ansi_identifier(name)
    }

    /// A string literal. ANSI: single quotes, an embedded single quote doubled.
    fn string_literal(&self, text: &str) -> String {
        ansi_string_literal(text)
    }

    /// Whether the database has schemas, so that the table lives in schema `<namespace>`.
    /// Default: no (MySQL, SQLite).
    fn has_schemas(&self) -> bool {
        false
    }

    /// The table's name as written in statements, quoted: `"<namespace>"."<table>"` where the
    /// database has schemas, else `"<namespace>__<table>"`, the name the official DAP client
    /// uses.
    fn table_name(&self, namespace: &Namespace, table: &Table) -> String {
        if self.has_schemas() {
            format!(
                "{}.{}",
                self.quote_identifier(namespace.name()),
                self.quote_identifier(table.name())
            )
        } else {
            self.quote_identifier(&flat_table_name(namespace, table))
        }
    }

    /// Statements that must run before the table is created (schema, enum types), each complete
    /// with its terminator.
    fn preamble(&self, namespace: &Namespace, table: &Table) -> Vec<String> {
        let _ = (namespace, table);
        Vec::new()
    }

    /// How `column` is declared: the one exhaustive `match` over
    /// [`ColumnType`](crate::model::ColumnType) per dialect.
    fn column_sql(&self, namespace: &Namespace, column: &Column) -> ColumnSql;

    /// Attributes written after `NOT NULL` and before the `CHECK` (MySQL's `COMMENT '...'`).
    fn column_attributes(&self, column: &Column) -> Option<String> {
        let _ = column;
        None
    }

    /// Comment lines (without `--`) written inside the table body before the column, for
    /// databases that keep the `CREATE TABLE` text but have no comment catalog (SQLite).
    fn column_comment_lines(&self, column: &Column) -> Vec<String> {
        let _ = column;
        Vec::new()
    }

    /// Comment lines (without `--`) written at the top of the table body (SQLite).
    fn table_comment_lines(&self, table: &Table) -> Vec<String> {
        let _ = table;
        Vec::new()
    }

    /// The `PRIMARY KEY (...)` line of the table body, from the quoted key columns; `None` for a
    /// database without keys (Spark's file tables).
    fn primary_key(&self, key: &[String]) -> Option<String> {
        Some(format!("PRIMARY KEY ({})", key.join(", ")))
    }

    /// Text after the closing parenthesis of `CREATE TABLE` (engine, character set, `STRICT`).
    fn table_options(&self, namespace: &Namespace, table: &Table) -> String {
        let _ = (namespace, table);
        String::new()
    }

    /// The `CREATE TABLE` statement around a rendered body. Default: `CREATE TABLE IF NOT EXISTS`.
    fn create_table(&self, name: &str, body: &str, options: &str) -> String {
        format!("CREATE TABLE IF NOT EXISTS {name} (\n{body}\n){options};")
    }

    /// Statements that attach descriptions to the table and columns in the database's catalog
    /// (`COMMENT ON`); empty where descriptions travel inside the `CREATE TABLE`.
    fn comment_statements(&self, namespace: &Namespace, table: &Table) -> Vec<String> {
        let _ = (namespace, table);
        Vec::new()
    }

    /// The final statements for the table: by default the `CREATE TABLE` followed by the comment
    /// statements (as one block). A database without `IF NOT EXISTS` wraps them in its own guard.
    fn table_statements(
        &self,
        namespace: &Namespace,
        table: &Table,
        create_table: String,
        comments: Vec<String>,
    ) -> Vec<String> {
        let _ = (namespace, table);
        let mut out = vec![create_table];
        if !comments.is_empty() {
            out.push(comments.join("\n"));
        }
        out
    }
}

/// The DDL script that creates `table` of `namespace` in `dialect`'s database.
pub fn render(dialect: &dyn Dialect, namespace: &Namespace, table: &Table) -> String {
    let mut out = String::new();
    out.push_str(&format!("-- {}\n", crate::emit::GENERATED_NOTICE));
    out.push_str(&format!(
        "-- {} DDL for {}.{} (DAP schema version {}).\n",
        dialect.display_name(),
        namespace.name(),
        table.name(),
        namespace.version()
    ));
    out.push_str("-- Idempotent: running it again changes nothing.\n");
    if !dialect.notes().is_empty() {
        out.push_str("--\n");
        for line in dialect.notes() {
            push_comment_line(&mut out, "", line);
        }
    }
    let mut statements = dialect.preamble(namespace, table);
    let create = dialect.create_table(
        &dialect.table_name(namespace, table),
        &table_body(dialect, namespace, table),
        &dialect.table_options(namespace, table),
    );
    let comments = dialect.comment_statements(namespace, table);
    statements.extend(dialect.table_statements(namespace, table, create, comments));
    for statement in statements {
        out.push('\n');
        out.push_str(&statement);
        out.push('\n');
    }
    out
}

/// The artifact text for every table of `namespace`, concatenated in model order.
pub fn render_namespace(dialect: &dyn Dialect, namespace: &Namespace) -> String {
    namespace
        .tables()
        .iter()
        .map(|table| render(dialect, namespace, table))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every dialect this crate emits, in a fixed order.
pub fn all_dialects() -> [&'static dyn Dialect; 6] {
    [
        &postgresql::PostgreSql,
        &mysql::MySql,
        &sqlite::Sqlite,
        &mssql::MsSql,
        &spark::Spark,
        &duckdb::DuckDb,
    ]
}

fn table_body(dialect: &dyn Dialect, namespace: &Namespace, table: &Table) -> String {
    // Each element: comment lines before it, the element, a `--` note after its comma.
    let mut elements: Vec<(Vec<String>, String, Option<String>)> = Vec::new();
    for column in table.columns() {
        elements.push((
            dialect.column_comment_lines(column),
            column_definition(dialect, namespace, column),
            column.references().map(|r| format!("references {r}")),
        ));
    }
    let key: Vec<String> = table
        .key_columns()
        .map(|c| dialect.quote_identifier(c.name()))
        .collect();
    if let Some(clause) = dialect.primary_key(&key) {
        elements.push((Vec::new(), clause, None));
    }
    let mut lines: Vec<String> = Vec::new();
    for line in dialect.table_comment_lines(table) {
        lines.push(comment_line("  ", &line));
    }
    let count = elements.len();
    for (i, (comments, element, note)) in elements.into_iter().enumerate() {
        for line in comments {
            lines.push(comment_line("  ", &line));
        }
        let comma = if i + 1 < count { "," } else { "" };
        let note = note.map(|n| format!(" -- {n}")).unwrap_or_default();
        lines.push(format!("  {element}{comma}{note}"));
    }
    lines.join("\n")
}

/// One column's definition as `CREATE TABLE` writes it (`"name" type NOT NULL ... CHECK (...)`),
/// also what a migration adds or redefines a column with.
pub fn column_definition(dialect: &dyn Dialect, namespace: &Namespace, column: &Column) -> String {
    let ColumnSql { sql_type, check } = dialect.column_sql(namespace, column);
    let mut definition = format!("{} {sql_type}", dialect.quote_identifier(column.name()));
    if !column.nullable() {
        definition.push_str(" NOT NULL");
    }
    if let Some(attributes) = dialect.column_attributes(column) {
        definition.push(' ');
        definition.push_str(&attributes);
    }
    if let Some(check) = check {
        definition.push_str(&format!(" CHECK ({check})"));
    }
    definition
}

fn comment_line(indent: &str, text: &str) -> String {
    if text.is_empty() {
        format!("{indent}--")
    } else {
        format!("{indent}-- {text}")
    }
}

fn push_comment_line(out: &mut String, indent: &str, text: &str) {
    out.push_str(&comment_line(indent, text));
    out.push('\n');
}

/// An ANSI quoted identifier: double quotes, an embedded double quote doubled.
pub fn ansi_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// An ANSI string literal: single quotes, an embedded single quote doubled, backslashes literal.
pub fn ansi_string_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `COMMENT ON TABLE` and one `COMMENT ON COLUMN` per column, with the descriptions (and the
/// foreign-key notes): the comment statements of databases with a comment catalog (PostgreSQL,
/// DuckDB).
pub fn comment_on_statements(
    dialect: &dyn Dialect,
    namespace: &Namespace,
    table: &Table,
) -> (String, Vec<String>) {
    let table_name = dialect.table_name(namespace, table);
    let table_comment = format!(
        "COMMENT ON TABLE {table_name} IS {};",
        dialect.string_literal(table.description().trim())
    );
    let columns = table
        .columns()
        .iter()
        .map(|column| {
            format!(
                "COMMENT ON COLUMN {table_name}.{} IS {};",
                dialect.quote_identifier(column.name()),
                dialect.string_literal(&column_comment_text(column))
            )
        })
        .collect();
    (table_comment, columns)
}

/// `<namespace>__<table>`: the table name in databases without schemas (MySQL, SQLite), as the
/// official DAP client spells it.
pub fn flat_table_name(namespace: &Namespace, table: &Table) -> String {
    format!("{}__{}", namespace.name(), table.name())
}

/// A column's description followed by its foreign-key target, as one sentence-ended text for
/// catalogs (`COMMENT ON`, MySQL `COMMENT`, extended properties).
pub fn column_comment_text(column: &Column) -> String {
    let mut text = column.description().trim().to_owned();
    if let Some(reference) = column.references() {
        if !text.is_empty() && !text.ends_with('.') {
            text.push('.');
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("References {reference} (not enforced)."));
    }
    text
}

/// Splits `text` into lines of at most `width` characters at spaces, for comment blocks. Words
/// longer than `width` stay whole. Line breaks in `text` are kept as spaces.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// `expression IN (a, b, ...)`: on one line when short, otherwise with the list starting on a
/// new line indented by `indent` and wrapped before column 96.
pub fn in_list(expression: &str, literals: &[String], indent: &str) -> String {
    let one_line = format!("{expression} IN ({})", literals.join(", "));
    if one_line.len() <= 72 {
        return one_line;
    }
    let list = comma_list(literals, indent.len(), indent);
    format!("{expression} IN (\n{indent}{list})")
}

/// `a, b, c` wrapped before an item that would pass column 96; `used` is how much of the first
/// line is already taken, continuation lines start with `indent`.
pub fn comma_list(items: &[String], used: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line_length = used;
    for (i, item) in items.iter().enumerate() {
        if i > 0 && line_length + 2 + item.len() > 96 {
            out.push_str(",\n");
            out.push_str(indent);
            line_length = indent.len();
        } else if i > 0 {
            out.push_str(", ");
            line_length += 2;
        }
        out.push_str(item);
        line_length += item.len();
    }
    out
}

/// Every accepted text of a closed string enum (canonical spellings first, then legacy sentinel
/// spellings), or the integers of an integer enum, as strings: what a database must accept.
pub fn enum_accepted_values(e: &Enum) -> Vec<String> {
    e.values()
        .iter()
        .flat_map(|value| value.accepted_spellings())
        .collect()
}

/// `<quoted> IN (...)` over every accepted value of `e`: string literals for a string enum, bare
/// numbers for an integer enum (wrapped as [`in_list`] wraps).
pub fn enum_in_list(dialect: &dyn Dialect, quoted: &str, e: &Enum) -> String {
    let values = enum_accepted_values(e);
    let items: Vec<String> = match e.repr() {
        EnumRepr::String => values.iter().map(|v| dialect.string_literal(v)).collect(),
        EnumRepr::Integer => values,
    };
    in_list(quoted, &items, "    ")
}

/// The capacity of a text column holding a closed enum: one character more than the longest
/// accepted value. MySQL and SQL Server silently cut trailing spaces that overflow a column
/// instead of refusing the value, so `'0.9 '` would be stored as `'0.9'` in a `varchar(3)`; with
/// room for one more character the trailing space reaches the `CHECK`, which refuses it.
pub fn enum_text_capacity(e: &Enum) -> u32 {
    enum_longest_value(e).saturating_add(1)
}

/// The longest accepted value of an enum, in characters.
pub fn enum_longest_value(e: &Enum) -> u32 {
    let longest = enum_accepted_values(e)
        .iter()
        .map(|v| v.chars().count())
        .max()
        .unwrap_or(1)
        .max(1);
    u32::try_from(longest).unwrap_or(u32::MAX)
}

/// The integer values of an integer enum.
pub fn enum_integers(e: &Enum) -> Vec<i32> {
    e.values()
        .iter()
        .filter_map(|value| value.value().as_i32())
        .collect()
}

/// The smallest SQL integer type (ANSI names) that holds every value of an integer enum:
/// `smallint` or `integer`.
pub fn integer_enum_type(e: &Enum) -> &'static str {
    let fits_smallint = enum_integers(e).iter().all(|&v| i16::try_from(v).is_ok());
    if fits_smallint { "smallint" } else { "integer" }
}

/// Whether `e` is a string enum whose listed values are the only valid ones, i.e. one a database
/// must enforce (open string enums are plain text; integer enums are always closed).
pub fn is_closed_string_enum(e: &Enum) -> bool {
    e.repr() == EnumRepr::String && !e.is_open()
}

/// The length rule of a bounded string column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LengthLimit {
    /// The maximum length in characters (Unicode scalar values).
    pub max_chars: u32,
    /// The capacity a column needs: `max_chars`, or more when a sentinel is longer.
    pub capacity_chars: u32,
    /// Sentinel spellings longer than `max_chars`, which the `CHECK` must let through.
    pub long_sentinels: Vec<String>,
}

impl LengthLimit {
    /// The length rule of a `string` column with a `max_length`, or `None` when unbounded.
    pub fn of(column: &Column) -> Option<LengthLimit> {
        let max_chars = column.max_length()?;
        let long_sentinels: Vec<String> = column
            .accepted_sentinel_spellings()
            .into_iter()
            .filter(|s| u32::try_from(s.chars().count()).unwrap_or(u32::MAX) > max_chars)
            .collect();
        let capacity_chars = long_sentinels
            .iter()
            .map(|s| u32::try_from(s.chars().count()).unwrap_or(u32::MAX))
            .fold(max_chars, u32::max);
        Some(LengthLimit {
            max_chars,
            capacity_chars,
            long_sentinels,
        })
    }

    /// A text column of `sql_type` that does not bound its own length (SQLite `TEXT`, DuckDB
    /// `VARCHAR`): plain when `column` is unbounded, else checked by `<length>(column) <= n`
    /// (sentinels let through).
    pub fn text_column(
        dialect: &dyn Dialect,
        column: &Column,
        sql_type: &str,
        length: &str,
    ) -> ColumnSql {
        match LengthLimit::of(column) {
            None => ColumnSql::plain(sql_type),
            Some(limit) => ColumnSql::checked(
                sql_type,
                limit.condition(
                    dialect,
                    column,
                    format!(
                        "{length}({}) <= {}",
                        dialect.quote_identifier(column.name()),
                        limit.max_chars
                    ),
                ),
            ),
        }
    }

    /// `<length condition> OR <column> IN (<long sentinels>)`, or the length condition alone.
    pub fn condition(
        &self,
        dialect: &dyn Dialect,
        column: &Column,
        length_condition: String,
    ) -> String {
        if self.long_sentinels.is_empty() {
            return length_condition;
        }
        let literals: Vec<String> = self
            .long_sentinels
            .iter()
            .map(|s| dialect.string_literal(s))
            .collect();
        format!(
            "{length_condition} OR {}",
            in_list(&dialect.quote_identifier(column.name()), &literals, "    ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dialect_starts_with_the_generated_notice_and_names_every_column() {
        let namespace = crate::load_embedded();
        for dialect in all_dialects() {
            let text = render_namespace(dialect, &namespace);
            let first = text.lines().next().unwrap_or_default();
            assert!(
                first.contains(crate::emit::GENERATED_NOTICE),
                "{}: first line is {first:?}",
                dialect.display_name()
            );
            for table in namespace.tables() {
                for column in table.columns() {
                    let quoted = dialect.quote_identifier(column.name());
                    assert!(
                        text.contains(&format!("  {quoted} ")),
                        "{}: no definition of {quoted}",
                        dialect.display_name()
                    );
                }
            }
        }
    }

    #[test]
    fn rendering_is_deterministic() {
        let namespace = crate::load_embedded();
        for dialect in all_dialects() {
            assert_eq!(
                render_namespace(dialect, &namespace),
                render_namespace(dialect, &namespace)
            );
        }
    }

    #[test]
    fn not_null_exactly_on_non_nullable_columns() {
        let namespace = crate::load_embedded();
        for dialect in all_dialects() {
            for table in namespace.tables() {
                let body = table_body(dialect, &namespace, table);
                for column in table.columns() {
                    let quoted = dialect.quote_identifier(column.name());
                    let line = body
                        .lines()
                        .find(|l| l.starts_with(&format!("  {quoted} ")))
                        .unwrap_or_default();
                    assert_eq!(
                        line.contains(" NOT NULL"),
                        !column.nullable(),
                        "{}: {line}",
                        dialect.display_name()
                    );
                }
            }
        }
    }

    #[test]
    fn in_lists_wrap_and_keep_every_item() {
        let items: Vec<String> = (100..160).map(|i| i.to_string()).collect();
        let text = in_list("\"x\"", &items, "    ");
        assert!(text.lines().count() > 1);
        assert!(text.lines().all(|l| l.len() <= 100), "{text}");
        for item in &items {
            assert!(text.contains(item.as_str()));
        }
    }

    #[test]
    fn wrapping_keeps_words_whole() {
        assert_eq!(
            wrap_words("aaa bbb ccc", 7),
            vec!["aaa bbb".to_owned(), "ccc".to_owned()]
        );
        assert!(wrap_words("  ", 10).is_empty());
    }

    #[test]
    fn references_are_spelled_in_comment_text() {
        let namespace = crate::load_embedded();
        let table = namespace.table("web_logs").unwrap();
        let user_id = table.column("user_id").unwrap();
        assert_eq!(
            column_comment_text(user_id),
            "The unique ID of the user that made the request. References canvas.users (not enforced)."
        );
    }
}
