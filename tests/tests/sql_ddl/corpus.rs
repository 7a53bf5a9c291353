//! The record corpus every database test loads: valid rows built from the model, and invalid rows
//! each breaking exactly one rule.
//!
//! A row is a list of fields in table column order, each the DAP text form of the value (as in
//! a TSV export, unescaped) or `None` for NULL. Valid rows cycle through a list of variants per
//! column, so every enum value (every accepted spelling) appears at least once, nullable columns
//! are NULL in some rows, and the awkward values (255 emoji, tab/newline/backslash in text,
//! microsecond timestamps, 64-bit extremes, IPv6) are all there.

use canvas_logs_codegen::model::{Column, ColumnType, EnumRepr, Namespace, Table};

/// One row: a label for messages, and its fields in column order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// What the row is, for failure messages.
    pub label: String,
    /// The DAP text of each column's value, `None` for NULL, in table column order.
    pub fields: Vec<Option<String>>,
}

/// Which rule an invalid row breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidKind {
    /// A string not listed in a closed enum (also a case or trailing-space variant).
    UnknownEnumString,
    /// An integer not listed in an integer enum.
    UnknownEnumInteger,
    /// More characters than `max_length` (ASCII, two-byte and four-byte characters).
    TooLong,
    /// NULL in a non-nullable column.
    NullInNotNull,
    /// Text that is not a uuid.
    MalformedUuid,
    /// Text that is not an IP address, recognisable by its characters or shape.
    MalformedIp,
    /// Text shaped like an IPv4 address with an octet past 255: only a database that parses
    /// addresses refuses it (not SQLite's or SQL Server's shape checks).
    MalformedIpNeedsParser,
    /// Text that is not a DAP timestamp, or not a real date.
    MalformedTimestamp,
    /// An integer outside the column's width, or not an integer.
    IntegerOutOfRange,
    /// Text that is not `true` or `false`.
    MalformedBool,
    /// A second row with the primary key of the first valid row.
    DuplicateKey,
}

/// A row that breaks one rule, in one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidCase {
    /// The rule broken.
    pub kind: InvalidKind,
    /// The column holding the offending value.
    pub column: String,
    /// The whole row (the first valid row with one field replaced).
    pub row: Row,
}

/// Valid rows, enough that every column's every variant appears at least once.
pub fn valid_rows(namespace: &Namespace, table: &Table) -> Vec<Row> {
    let variants: Vec<Vec<String>> = table
        .columns()
        .iter()
        .map(|c| valid_variants(namespace, c))
        .collect();
    let count = variants.iter().map(Vec::len).max().unwrap_or(1).max(8);
    (0..count)
        .map(|i| {
            let fields = table
                .columns()
                .iter()
                .enumerate()
                .map(|(index, column)| {
                    let choices = &variants[index];
                    // NULL only once every variant has appeared, so coverage never suffers.
                    let null = column.nullable() && i >= choices.len() && (i + index) % 4 == 0;
                    if null {
                        return None;
                    }
                    // A uuid key is unique per row; another key column (in a composite key)
                    // takes its variants, the uuid keeps the key unique.
                    if table.is_key_column(index) && column.ty() == ColumnType::Uuid {
                        return Some(uuid_for(i, index, i % 3 == 1));
                    }
                    Some(choices[i % choices.len()].clone())
                })
                .collect();
            Row {
                label: format!("valid row {i}"),
                fields,
            }
        })
        .collect()
}

/// Every invalid case the model implies, each a copy of the first valid row with one field
/// replaced (plus one duplicate of the first row).
pub fn invalid_cases(namespace: &Namespace, table: &Table) -> Vec<InvalidCase> {
    let base = valid_rows(namespace, table)
        .into_iter()
        .next()
        .unwrap_or_else(|| Row {
            label: String::new(),
            fields: Vec::new(),
        });
    let mut out = Vec::new();
    for (index, column) in table.columns().iter().enumerate() {
        let mut add = |kind: InvalidKind, value: Option<String>| {
            let mut row = base.clone();
            // A fresh key, so that the row is refused for its one broken rule, not as a duplicate.
            for key in table.primary_key() {
                if table.columns()[*key].ty() == ColumnType::Uuid {
                    row.fields[*key] = Some(uuid_for(10_000 + out.len(), *key, false));
                }
            }
            row.fields[index] = value.clone();
            row.label = format!(
                "{kind:?} in {}: {}",
                column.name(),
                value.as_deref().map_or("NULL".to_owned(), abbreviate)
            );
            out.push(InvalidCase {
                kind,
                column: column.name().to_owned(),
                row,
            });
        };
        if !column.nullable() {
            add(InvalidKind::NullInNotNull, None);
        }
        match column.ty() {
            ColumnType::Uuid => {
                let good = uuid_for(0, 0, false);
                add(InvalidKind::MalformedUuid, Some("not-a-uuid".to_owned()));
                add(InvalidKind::MalformedUuid, Some(good[..35].to_owned()));
                add(
                    InvalidKind::MalformedUuid,
                    Some(format!("{}g", &good[..35])),
                );
            }
            ColumnType::Timestamp => {
                for bad in [
                    "2024-13-01T00:00:00Z",
                    "2024-02-30T00:00:00Z",
                    "2024-05-01T25:00:00Z",
                    // Year 0000: RFC 3339 allows it, no DAP loader can store it.
                    "0000-05-01T00:00:00Z",
                    "not a timestamp",
                ] {
                    add(InvalidKind::MalformedTimestamp, Some(bad.to_owned()));
                }
            }
            ColumnType::Int32 => {
                for bad in [
                    (i64::from(i32::MAX) + 1).to_string(),
                    (i64::from(i32::MIN) - 1).to_string(),
                    "12x".to_owned(),
                ] {
                    add(InvalidKind::IntegerOutOfRange, Some(bad));
                }
            }
            ColumnType::Int64 => {
                add(
                    InvalidKind::IntegerOutOfRange,
                    Some((i128::from(i64::MAX) + 1).to_string()),
                );
            }
            ColumnType::Bool => add(InvalidKind::MalformedBool, Some("maybe".to_owned())),
            ColumnType::Ip => {
                add(InvalidKind::MalformedIp, Some("not-an-ip".to_owned()));
                add(InvalidKind::MalformedIp, Some("10.0.0.0/8".to_owned()));
                add(
                    InvalidKind::MalformedIpNeedsParser,
                    Some("256.1.1.1".to_owned()),
                );
            }
            ColumnType::String => {
                if let Some(max) = column.max_length() {
                    let too_many = usize::try_from(max).unwrap_or(usize::MAX - 1) + 1;
                    for ch in ["x", "é", "😀"] {
                        add(InvalidKind::TooLong, Some(ch.repeat(too_many)));
                    }
                }
            }
            ColumnType::Enum(id) => {
                let e = namespace.enum_by_id(id);
                match (e.repr(), e.is_open()) {
                    (EnumRepr::String, true) => {}
                    (EnumRepr::String, false) => {
                        let first = e.values()[0].value().to_string();
                        add(InvalidKind::UnknownEnumString, Some("NOTAVALUE".to_owned()));
                        add(InvalidKind::UnknownEnumString, Some(format!("{first} ")));
                        if first.to_lowercase() != first {
                            add(InvalidKind::UnknownEnumString, Some(first.to_lowercase()));
                        }
                    }
                    (EnumRepr::Integer, _) => {
                        let listed: Vec<i32> = e
                            .values()
                            .iter()
                            .filter_map(|v| v.value().as_i32())
                            .collect();
                        let max = listed.iter().copied().max().unwrap_or(0);
                        let missing = (0..).find(|n| !listed.contains(n)).unwrap_or(0);
                        add(InvalidKind::UnknownEnumInteger, Some(missing.to_string()));
                        add(
                            InvalidKind::UnknownEnumInteger,
                            Some((i64::from(max) + 1).to_string()),
                        );
                        add(InvalidKind::IntegerOutOfRange, Some("OK".to_owned()));
                    }
                }
            }
        }
    }
    let key_column = table
        .key_columns()
        .next()
        .map_or("", Column::name)
        .to_owned();
    let mut duplicate = base;
    duplicate.label = "DuplicateKey: the first valid row again".to_owned();
    out.push(InvalidCase {
        kind: InvalidKind::DuplicateKey,
        column: key_column,
        row: duplicate,
    });
    out
}

/// The row in PostgreSQL COPY text format (the DAP TSV form): tab-separated, `\N` for NULL,
/// backslash, tab, newline and carriage return escaped; ends with a newline.
pub fn copy_text_line(row: &Row) -> String {
    let fields: Vec<String> = row
        .fields
        .iter()
        .map(|field| match field {
            None => "\\N".to_owned(),
            Some(text) => {
                let mut escaped = String::with_capacity(text.len());
                for ch in text.chars() {
                    match ch {
                        '\\' => escaped.push_str("\\\\"),
                        '\t' => escaped.push_str("\\t"),
                        '\n' => escaped.push_str("\\n"),
                        '\r' => escaped.push_str("\\r"),
                        other => escaped.push(other),
                    }
                }
                escaped
            }
        })
        .collect();
    format!("{}\n", fields.join("\t"))
}

/// Whether a database error `message` names `column` as a whole word (quoted, after a dot, in
/// parentheses, or inside PostgreSQL's `<table>_<column>_check` constraint name).
pub fn mentions_column(message: &str, column: &str) -> bool {
    if message.contains(&format!("_{column}_check")) {
        return true;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    message.match_indices(column).any(|(start, _)| {
        let before = message[..start].chars().next_back();
        let after = message[start + column.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// A short form of a long value for labels.
fn abbreviate(value: &str) -> String {
    let count = value.chars().count();
    if count <= 40 {
        return format!("{value:?}");
    }
    let head: String = value.chars().take(12).collect();
    format!("{head:?}... ({count} characters)")
}

/// A distinct, valid uuid for row `row` and column `column`; upper case when asked (DAP's
/// client accepts either case).
fn uuid_for(row: usize, column: usize, upper: bool) -> String {
    let text = format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        0x5eed_0000_usize + row,
        column,
        row % 0x1000,
        column % 0x1000,
        0x00c0_ffee_0000_usize + row * 31 + column
    );
    if upper { text.to_uppercase() } else { text }
}

/// The valid values a column cycles through.
fn valid_variants(namespace: &Namespace, column: &Column) -> Vec<String> {
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    match column.ty() {
        ColumnType::Uuid => (0..5).map(|i| uuid_for(100 + i, 7, i % 2 == 0)).collect(),
        ColumnType::Timestamp => {
            // 0 to 6 fractional digits, a leap day, the first and last second of a day.
            let mut out = strings(&[
                "2024-05-01T12:34:56Z",
                "2024-05-01T12:34:56.1Z",
                "2024-05-01T12:34:56.12Z",
                "2024-05-01T12:34:56.123Z",
                "2024-05-01T12:34:56.1234Z",
                "2024-05-01T12:34:56.12345Z",
                "2024-05-01T12:34:56.123456Z",
                "2024-02-29T00:00:00.000001Z",
                "2023-12-31T23:59:59.999999Z",
            ]);
            out.push("1999-01-01T00:00:00Z".to_owned());
            out
        }
        ColumnType::Int32 => vec![
            "0".to_owned(),
            "1".to_owned(),
            "-1".to_owned(),
            i32::MIN.to_string(),
            i32::MAX.to_string(),
            "123456".to_owned(),
        ],
        ColumnType::Int64 => vec![
            "42".to_owned(),
            i64::MAX.to_string(),
            i64::MIN.to_string(),
            "9007199254740993".to_owned(),
            "0".to_owned(),
        ],
        ColumnType::Bool => strings(&["true", "false"]),
        ColumnType::Ip => strings(&[
            "192.0.2.1",
            "2001:db8::1",
            "::1",
            "::ffff:192.0.2.128",
            "255.255.255.255",
            "fe80::1:2:3:4",
            "2001:0db8:0000:0000:0000:ff00:0042:8329",
        ]),
        ColumnType::String => match column.max_length() {
            Some(max) => {
                let max = usize::try_from(max).unwrap_or(usize::MAX);
                let mut out = strings(&[
                    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
                    "",
                    "tab\there, newline\nthere, backslash \\ and quotes ' \"",
                ]);
                out.extend(column.accepted_sentinel_spellings());
                for ch in ["x", "é", "😀", "中"] {
                    out.push(ch.repeat(max));
                }
                // Mixed widths, exactly at the limit.
                out.push("aé中😀".repeat(max / 4) + &"a".repeat(max % 4));
                out
            }
            None => strings(&[
                "/courses/1/assignments?page=2",
                "/api/v1/users/self?include[]=avatar_url&x=%20",
                "",
                "tab\there, newline\nthere, carriage\rreturn, backslash \\ and quotes ' \" `",
                "/ünïcödé/中文/😀",
                &format!("/{}", "long".repeat(5000)),
            ]),
        },
        ColumnType::Enum(id) => {
            let e = namespace.enum_by_id(id);
            let mut out: Vec<String> = e
                .values()
                .iter()
                .flat_map(|v| v.accepted_spellings())
                .collect();
            if e.is_open() {
                // Any other string is valid, however long: no 64-character lookup limit.
                out.push("courses".to_owned());
                out.push("Quizzes::QuizSubmissionsController".to_owned());
                out.push(format!("{}_action", "very_long".repeat(20)));
                out.push("ünïcödé 😀".to_owned());
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web_logs() -> (Namespace, Table) {
        let namespace = canvas_logs_codegen::load_embedded();
        let table = namespace
            .table("web_logs")
            .cloned()
            .unwrap_or_else(|| panic!("no web_logs table"));
        (namespace, table)
    }

    #[test]
    fn every_enum_value_appears_in_the_valid_rows() {
        let (namespace, table) = web_logs();
        let rows = valid_rows(&namespace, &table);
        for (index, column) in table.columns().iter().enumerate() {
            if let ColumnType::Enum(id) = column.ty() {
                for value in namespace.enum_by_id(id).values() {
                    for spelling in value.accepted_spellings() {
                        assert!(
                            rows.iter()
                                .any(|r| r.fields[index].as_deref() == Some(spelling.as_str())),
                            "{}: {spelling} never appears",
                            column.name()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn keys_are_unique_and_nullable_columns_are_sometimes_null() {
        let (namespace, table) = web_logs();
        let rows = valid_rows(&namespace, &table);
        let mut keys: Vec<String> = rows
            .iter()
            .map(|r| r.fields[0].clone().unwrap_or_default().to_lowercase())
            .collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), rows.len());
        for (index, column) in table.columns().iter().enumerate() {
            let nulls = rows.iter().filter(|r| r.fields[index].is_none()).count();
            assert_eq!(nulls > 0, column.nullable(), "{}", column.name());
        }
    }

    #[test]
    fn a_255_emoji_user_agent_is_among_the_valid_rows() {
        let (namespace, table) = web_logs();
        let index = table.column_index("user_agent").unwrap_or(usize::MAX);
        let rows = valid_rows(&namespace, &table);
        assert!(
            rows.iter()
                .any(|r| r.fields[index] == Some("😀".repeat(255)))
        );
    }

    #[test]
    fn copy_text_escapes_and_marks_null() {
        let row = Row {
            label: String::new(),
            fields: vec![Some("a\tb\\c\nd".to_owned()), None],
        };
        assert_eq!(copy_text_line(&row), "a\\tb\\\\c\\nd\t\\N\n");
    }

    #[test]
    fn column_mentions_are_whole_words() {
        assert!(mentions_column("CONSTRAINT `t.id` failed", "id"));
        assert!(mentions_column(
            "violates check constraint \"web_logs_url_check\"",
            "url"
        ));
        assert!(!mentions_column("invalid input syntax", "id"));
    }
}
