//! Validation SQL: `dap-validate`'s JSONL rules as SQL views, for engines that hold archives too
//! large for one machine (Spark) or that people query files with (DuckDB).
//!
//! Same shape as [`crate::emit::sql`]: one [`Engine`] trait whose defaulted methods write the
//! common SQL, one small file per engine overriding what its SQL spells otherwise, and the one
//! exhaustive `match` over [`ColumnType`] per engine ([`Engine::json_kind`] is the other
//! engine-specific piece: how a JSON member's type is told).
//!
//! # The contract of every script
//!
//! The script expects a relation `raw_lines(file STRING, line BIGINT, text STRING)` holding the
//! lines of JSONL exports (one row per physical line, `line` 1-based, the line without its `\n`),
//! and creates temporary views:
//!
//! - `<table>_violations(file, line, id, column_name, code, value)`: one row per finding, with
//!   exactly `dap-validate`'s codes (`malformed`, `unknown_column`, `not_null`, `type`, `format`,
//!   `range`, `enum`, `max_length`, `duplicate_key`) and column names (`meta.ts`, `meta.<name>`,
//!   the unknown name as written, `NULL` for the whole record). `id` is the record's key as
//!   written, when it is a string; `value` the offending value as text.
//! - `<table>_violation_summary(code, column_name, n)`.
//! - `<table>_duplicate_keys(file, line, id, first_file, first_line, identical)`: every record
//!   whose key an earlier record (by `file`, then `line`) already had, over all files; `identical`
//!   tells a byte-identical repeat (trailing blanks aside) from a conflicting one. These rows are
//!   the `duplicate_key` warnings of the violations view.
//! - `<table>_open_enum_values(column_name, value, n)`: the values of open enums (Controller,
//!   Action) that the schema does not list, with their counts: `dap-validate`'s summary tally.
//!
//! The engine's own JSON reader never does the typing: every value is judged from the JSON text
//! of its line, as `dap-validate` judges it. Integers are compared as exact 64-bit integers parsed
//! from their digits; a number the engine's parser could not keep as an integer (more than 64
//! bits, or written with a fraction or an exponent) is told apart by its lexeme, read from the
//! line with a regular expression: digits only means `range` (`enum` for an integer enum),
//! anything else `type`. Lengths count characters (Unicode scalar values).
//!
//! Where an engine cannot judge like `dap-validate` (JSON syntax its parser tolerates), the
//! engine's file says so, and the README's "Validating at scale" lists it with the test that pins
//! it.

pub mod duckdb;
pub mod spark;
pub mod typed;

use crate::emit::sql::{enum_accepted_values, enum_integers};
use crate::model::{Column, ColumnType, EnumRepr, Namespace, Table, envelope};

/// One SQL engine: the differences in how it reads JSON and spells SQL, nothing else.
pub trait Engine {
    /// The engine's name as people write it (`DuckDB`).
    fn display_name(&self) -> &'static str;

    /// The directory under `schema/generated/validation/` (`duckdb`).
    fn file_stem(&self) -> &'static str;

    /// Lines explaining the engine's choices and limits, written as comments under the header.
    fn notes(&self) -> &'static [&'static str] {
        &[]
    }

    /// A quoted identifier. Default: double quotes.
    fn quote_identifier(&self, name: &str) -> String {
        crate::emit::sql::ansi_identifier(name)
    }

    /// A string literal. Default: single quotes, an embedded one doubled, backslashes literal.
    fn string_literal(&self, text: &str) -> String {
        crate::emit::sql::ansi_string_literal(text)
    }

    /// `CREATE ... VIEW name AS body;`. Default: a temporary view, replaced if it exists.
    fn create_view(&self, name: &str, body: &str) -> String {
        format!("CREATE OR REPLACE TEMPORARY VIEW {name} AS\n{body};")
    }

    /// The parsed document of the line `text`, or `NULL` when the engine's parser refuses it.
    fn parse(&self, text: &str) -> String;

    /// A condition true when the parsed line `doc` (never `NULL` here) is a record the engine
    /// can read like `dap-validate`: a JSON object, plus whatever extra the engine's parser
    /// needs checked (see the engine's notes).
    fn readable(&self, doc: &str, text: &str) -> String;

    /// The kind of the member at `path` in `doc`, normalised to one of `'string'`, `'integer'`
    /// (a JSON integer the engine holds exactly as a 64-bit integer), `'number'` (any other
    /// number), `'boolean'`, `'null'`, `'object'`, `'array'`; SQL `NULL` when absent.
    fn json_kind(&self, doc: &str, path: &[&str]) -> String;

    /// The text of the member at `path`: a string's contents, an integer's digits, the JSON text
    /// of anything else.
    fn json_text(&self, doc: &str, path: &[&str]) -> String;

    /// An expression that reads every column of the record at once (named `parts` for
    /// [`Engine::column_kind`] and [`Engine::column_text`]), for an engine whose functions
    /// parse the whole line on every call. Default: none (each column read on its own).
    fn columns_at_once(&self, doc: &str, table: &Table) -> Option<String> {
        let _ = (doc, table);
        None
    }

    /// The kind of column `name` under `object` (see [`Engine::json_kind`]), where JSON `null`
    /// may read as absent (a column treats both alike). Default: [`Engine::json_kind`].
    fn column_kind(&self, doc: &str, object: &str, name: &str) -> String {
        self.json_kind(doc, &[object, name])
    }

    /// The text of column `name` under `object`. Default: [`Engine::json_text`].
    fn column_text(&self, doc: &str, object: &str, name: &str) -> String {
        self.json_text(doc, &[object, name])
    }

    /// The member names of the object at `path`, as an array of strings (empty or `NULL` when
    /// it is not an object).
    fn member_names(&self, doc: &str, path: &[&str]) -> String;

    /// A condition true when the object at `path` has a member name twice. Default: `FALSE`, for
    /// engines whose parser refuses such a document.
    fn repeated_member_names(&self, doc: &str, path: &[&str]) -> String {
        let _ = (doc, path);
        "FALSE".to_owned()
    }

    /// `expression` matches `pattern` (RE2/Java syntax, no anchors) as a whole.
    fn full_match(&self, expression: &str, pattern: &str) -> String;

    /// `expression` contains a match of `pattern` somewhere.
    fn contains_match(&self, expression: &str, pattern: &str) -> String;

    /// An array literal of `items` (already SQL expressions).
    fn array(&self, items: &[String]) -> String;

    /// A struct of `(name, expression)` fields.
    fn record(&self, fields: &[(&str, String)]) -> String;

    /// The array of `items` (finding structs, each `NULL` when there is no finding) without its
    /// `NULL`s. Default: a [`Engine::filter`] of the array.
    fn compact(&self, items: &[String]) -> String {
        self.filter(&self.array(items), "f", "f IS NOT NULL")
    }

    /// The strings of the array `names` that are not among `known` (string literals).
    /// Default: a [`Engine::filter`] with [`Engine::array_contains`].
    fn names_except(&self, names: &str, known: &[String]) -> String {
        self.filter(
            names,
            "n",
            &format!("NOT {}", self.array_contains(&self.array(known), "n")),
        )
    }

    /// The number of elements of `array` (`NULL` or less than 1 when it is `NULL`).
    fn array_length(&self, array: &str) -> String {
        format!("len({array})")
    }

    /// An empty array of findings (`(column_name, code, value)` structs).
    fn empty_findings(&self) -> String;

    /// The elements of `array` for which `condition` (over the element `variable`) holds.
    fn filter(&self, array: &str, variable: &str, condition: &str) -> String;

    /// `array` with each element `variable` replaced by `expression`.
    fn map(&self, array: &str, variable: &str, expression: &str) -> String;

    /// Whether `array` contains `element`.
    fn array_contains(&self, array: &str, element: &str) -> String;

    /// The arrays concatenated.
    fn concat_arrays(&self, arrays: &[String]) -> String;

    /// The `FROM` clause item that turns each element of the array column `array` of `relation`
    /// into a row, naming the element `alias` (its fields read as `alias.field`).
    fn explode(&self, relation: &str, array: &str, alias: &str) -> String;

    /// The SQL type of text.
    fn text_type(&self) -> &'static str {
        "VARCHAR"
    }

    /// A character count of `expression` (Unicode scalar values).
    fn char_length(&self, expression: &str) -> String {
        format!("char_length({expression})")
    }

    /// `expression` parsed as a 64-bit integer, `NULL` when it is not one or does not fit.
    fn try_bigint(&self, expression: &str) -> String {
        format!("TRY_CAST({expression} AS BIGINT)")
    }

    /// `expression` parsed as an integer, `NULL` when it is not one (for the digits of a
    /// timestamp, which a regular expression has already checked).
    fn try_int(&self, expression: &str) -> String {
        format!("TRY_CAST({expression} AS INTEGER)")
    }

    /// `expression` without trailing spaces, tabs and carriage returns.
    fn trim_trailing_blanks(&self, expression: &str) -> String;

    /// A condition true when `expression` holds only spaces, tabs and carriage returns.
    fn is_blank(&self, expression: &str) -> String;

    /// `expression` in lower case.
    fn lower(&self, expression: &str) -> String {
        format!("lower({expression})")
    }

    /// The typed table the audit script reads (the one the engine's DDL in
    /// `schema/generated/sql/` creates). Default: `"<namespace>"."<table>"`.
    fn typed_table_name(&self, namespace: &Namespace, table: &Table) -> String {
        format!(
            "{}.{}",
            self.quote_identifier(namespace.name()),
            self.quote_identifier(table.name())
        )
    }

    /// Whether the engine's typed DDL stores a column of type `ty` as text, so that the audit
    /// must check its spelling (a uuid in a `STRING`); the one exhaustive `match` over
    /// [`ColumnType`] per engine file.
    fn stored_as_text(&self, ty: ColumnType) -> bool;

    /// The year of the timestamp `expression` in UTC, whatever the session's time zone.
    fn utc_year(&self, expression: &str) -> String;

    /// How a column is judged: by default the shared [`column_rule`].
    /// An engine overrides it only for a type it must read otherwise.
    fn column_rule(&self, namespace: &Namespace, column: &Column) -> ColumnRule {
        column_rule(namespace, column)
    }
}

/// What a column's value must be, as [`render`] checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRule {
    /// A JSON string matching a pattern (`format` otherwise); `calendar` adds the real-date test
    /// of a timestamp.
    Pattern {
        /// The regular expression (no anchors; matched whole).
        pattern: String,
        /// Whether the text is a timestamp whose date must exist.
        calendar: bool,
    },
    /// A JSON integer between the bounds (`range` otherwise).
    Integer {
        /// The smallest value.
        min: i64,
        /// The largest value.
        max: i64,
    },
    /// A JSON integer among these (`enum` otherwise).
    IntegerEnum(Vec<i32>),
    /// `true` or `false`.
    Bool,
    /// A string; `max_chars` bounds it unless it is one of `sentinels`; `members`, when given,
    /// are its only valid values.
    Text {
        /// The length limit in characters.
        max_chars: Option<u32>,
        /// Spellings that pass whatever their length.
        sentinels: Vec<String>,
        /// A closed enum's accepted spellings.
        members: Option<Vec<String>>,
    },
    /// An open enum: any string; the unlisted values are tallied.
    OpenEnum(Vec<String>),
}

/// A hyphenated uuid, either case.
pub const UUID_PATTERN: &str =
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/// `YYYY-MM-DDThh:mm:ss[.f{1,6}]Z` with year 0001-9999, hour 00-23, minute and second 00-59;
/// the day of the month is checked against the calendar separately.
pub const TIMESTAMP_PATTERN: &str = "([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?Z";

/// The shared rule of a column, from its type.
pub fn column_rule(namespace: &Namespace, column: &Column) -> ColumnRule {
    let sentinels = column.accepted_sentinel_spellings();
    match column.ty() {
        ColumnType::Uuid => ColumnRule::Pattern {
            pattern: UUID_PATTERN.to_owned(),
            calendar: false,
        },
        ColumnType::Timestamp => ColumnRule::Pattern {
            pattern: TIMESTAMP_PATTERN.to_owned(),
            calendar: true,
        },
        ColumnType::Ip => ColumnRule::Pattern {
            pattern: ip_pattern(),
            calendar: false,
        },
        ColumnType::Int32 => ColumnRule::Integer {
            min: i64::from(i32::MIN),
            max: i64::from(i32::MAX),
        },
        ColumnType::Int64 => ColumnRule::Integer {
            min: i64::MIN,
            max: i64::MAX,
        },
        ColumnType::Bool => ColumnRule::Bool,
        ColumnType::String => ColumnRule::Text {
            max_chars: column.max_length(),
            sentinels,
            members: None,
        },
        ColumnType::Enum(id) => {
            let e = namespace.enum_by_id(id);
            match (e.repr(), e.is_open()) {
                (EnumRepr::Integer, _) => ColumnRule::IntegerEnum(enum_integers(e)),
                (EnumRepr::String, true) => ColumnRule::OpenEnum(enum_accepted_values(e)),
                (EnumRepr::String, false) => ColumnRule::Text {
                    max_chars: None,
                    sentinels: Vec::new(),
                    members: Some(enum_accepted_values(e)),
                },
            }
        }
    }
}

/// An IPv4 octet as `std::net` reads it: 0-255, no leading zero.
const OCTET: &str = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
/// An IPv6 group: one to four hex digits, either case.
const GROUP: &str = "[0-9a-fA-F]{1,4}";

/// An IPv4 address: four octets.
pub fn ipv4_pattern() -> String {
    format!("{OCTET}([.]{OCTET}){{3}}")
}

/// An IPv4 or IPv6 address exactly as Rust's `std::net::IpAddr` parses it: IPv4 without leading
/// zeros; IPv6 as eight groups, or fewer around one `::` that stands for at least one group, an
/// embedded IPv4 address only at the end (it counts as two groups); no zone id, no brackets.
pub fn ip_pattern() -> String {
    let v4 = ipv4_pattern();
    let mut alternatives = vec![
        v4.clone(),
        format!("{GROUP}(:{GROUP}){{7}}"),
        format!("({GROUP}:){{6}}{v4}"),
    ];
    // With `::`: `left` groups before it, at most 7 - left units after it.
    for left in 0..=7usize {
        let head = match left {
            0 => String::new(),
            1 => GROUP.to_owned(),
            n => format!("{GROUP}(:{GROUP}){{{}}}", n - 1),
        };
        let room = 7 - left;
        let mut tails = vec![String::new()];
        if room >= 1 {
            tails.push(if room == 1 {
                GROUP.to_owned()
            } else {
                format!("{GROUP}(:{GROUP}){{0,{}}}", room - 1)
            });
        }
        if room >= 2 {
            tails.push(if room == 2 {
                v4.clone()
            } else {
                format!("({GROUP}:){{0,{}}}{v4}", room - 2)
            });
        }
        let tail = if tails.len() == 1 {
            String::new()
        } else {
            format!("({})?", tails[1..].join("|"))
        };
        alternatives.push(format!("{head}::{tail}"));
    }
    format!("({})", alternatives.join("|"))
}

/// Where a column lives in a record: `key` or `value`.
fn object_of(table: &Table, column: &Column) -> &'static str {
    let index = table.column_index(column.name()).unwrap_or(usize::MAX);
    if table.is_key_column(index) {
        envelope::KEY
    } else {
        envelope::VALUE
    }
}

/// The views' names for `table`.
#[derive(Debug, Clone)]
struct Names {
    lines: String,
    fields: String,
    checked: String,
    keyed: String,
    violations: String,
    summary: String,
    duplicates: String,
    open_values: String,
}

impl Names {
    fn of(engine: &dyn Engine, table: &Table) -> Names {
        let name = |suffix: &str| engine.quote_identifier(&format!("{}_{suffix}", table.name()));
        Names {
            lines: name("lines"),
            fields: name("fields"),
            checked: name("checked"),
            keyed: name("keyed"),
            violations: name("violations"),
            summary: name("violation_summary"),
            duplicates: name("duplicate_keys"),
            open_values: name("open_enum_values"),
        }
    }
}

/// The validation script for `table` of `namespace` on `engine`.
pub fn render(engine: &dyn Engine, namespace: &Namespace, table: &Table) -> String {
    let names = Names::of(engine, table);
    let mut out = String::new();
    out.push_str(&format!("-- {}\n", crate::emit::GENERATED_NOTICE));
    out.push_str(&format!(
        "-- {} validation of {}.{} JSONL exports (DAP schema version {}): dap-validate's rules and codes.\n",
        engine.display_name(),
        namespace.name(),
        table.name(),
        namespace.version()
    ));
    for line in [
        "",
        "Expects a relation raw_lines(file STRING, line BIGINT, text STRING): one row per physical",
        "line of the JSONL files, line numbered from 1, text without its line feed. Creates the",
        &format!(
            "temporary views {0}_violations(file, line, id, column_name, code, value),",
            table.name()
        ),
        &format!(
            "{0}_violation_summary(code, column_name, n), {0}_duplicate_keys(file, line, id,",
            table.name()
        ),
        &format!(
            "first_file, first_line, identical) and {0}_open_enum_values(column_name, value, n).",
            table.name()
        ),
        "Duplicate keys are found over every file in raw_lines, earliest (file, line) first.",
    ] {
        push_comment(&mut out, line);
    }
    if !engine.notes().is_empty() {
        push_comment(&mut out, "");
        for line in engine.notes() {
            push_comment(&mut out, line);
        }
    }
    for statement in [
        lines_view(engine, &names),
        fields_view(engine, table, &names),
        checked_view(engine, namespace, table, &names),
        keyed_view(engine, &names),
        duplicates_view(engine, &names),
        violations_view(engine, table, &names),
        summary_view(engine, &names),
        open_values_view(engine, namespace, table, &names),
    ] {
        out.push('\n');
        out.push_str(&statement);
        out.push('\n');
    }
    out
}

/// The artifact text for every table of `namespace`, concatenated in model order.
pub fn render_namespace(engine: &dyn Engine, namespace: &Namespace) -> String {
    namespace
        .tables()
        .iter()
        .map(|table| render(engine, namespace, table))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every engine this crate emits validation SQL for, in a fixed order.
pub fn all_engines() -> [&'static dyn Engine; 2] {
    [&spark::Spark, &duckdb::DuckDb]
}

fn push_comment(out: &mut String, text: &str) {
    if text.is_empty() {
        out.push_str("--\n");
    } else {
        out.push_str(&format!("-- {text}\n"));
    }
}

/// Stage 1: the records (blank lines are not records), parsed once.
fn lines_view(engine: &dyn Engine, names: &Names) -> String {
    let body = format!(
        "SELECT file, line, text, {parsed} AS doc\nFROM raw_lines\nWHERE NOT ({blank})",
        parsed = engine.parse("text"),
        blank = engine.is_blank("text"),
    );
    engine.create_view(&names.lines, &body)
}

/// The SQL-safe suffix of a column's derived fields (`c_<index>`): column names are free text
/// in principle; indices are not.
fn slot(index: usize) -> String {
    format!("c{index}")
}

/// Stage 2: for each readable record, every member the rules look at: kind and text.
fn fields_view(engine: &dyn Engine, table: &Table, names: &Names) -> String {
    let mut select = vec![
        "file".to_owned(),
        "line".to_owned(),
        "text".to_owned(),
        format!(
            "NOT ({}) AS malformed",
            and_not_null(&[
                "doc IS NOT NULL".to_owned(),
                engine.readable("doc", "text"),
                format!("NOT ({})", repeated_names(engine)),
            ])
        ),
    ];
    for (alias, path) in [
        ("key_kind", vec![envelope::KEY]),
        ("value_kind", vec![envelope::VALUE]),
        ("meta_kind", vec![envelope::META]),
        ("ts_kind", vec![envelope::META, envelope::META_TS]),
        ("action_kind", vec![envelope::META, envelope::META_ACTION]),
    ] {
        select.push(format!("{} AS {alias}", engine.json_kind("doc", &path)));
    }
    for (alias, path) in [
        ("ts_text", vec![envelope::META, envelope::META_TS]),
        ("action_text", vec![envelope::META, envelope::META_ACTION]),
    ] {
        select.push(format!("{} AS {alias}", engine.json_text("doc", &path)));
    }
    for (alias, path) in [
        ("top_names", vec![]),
        ("key_names", vec![envelope::KEY]),
        ("value_names", vec![envelope::VALUE]),
        ("meta_names", vec![envelope::META]),
    ] {
        select.push(format!("{} AS {alias}", engine.member_names("doc", &path)));
    }
    for (index, column) in table.columns().iter().enumerate() {
        let object = object_of(table, column);
        select.push(format!(
            "{} AS {}_kind",
            engine.column_kind("doc", object, column.name()),
            slot(index)
        ));
        select.push(format!(
            "{} AS {}_text",
            engine.column_text("doc", object, column.name()),
            slot(index)
        ));
    }
    let from = match engine.columns_at_once("doc", table) {
        Some(parts) => format!(
            "(SELECT *, CASE WHEN doc IS NOT NULL THEN {parts} END AS parts FROM {}) AS parsed",
            names.lines
        ),
        None => names.lines.clone(),
    };
    let body = format!("SELECT\n  {}\nFROM {from}", select.join(",\n  "));
    engine.create_view(&names.fields, &body)
}

fn repeated_names(engine: &dyn Engine) -> String {
    [
        vec![],
        vec![envelope::KEY],
        vec![envelope::VALUE],
        vec![envelope::META],
    ]
    .iter()
    .map(|path| {
        format!(
            "COALESCE({}, FALSE)",
            engine.repeated_member_names("doc", path)
        )
    })
    .collect::<Vec<_>>()
    .join(" OR ")
}

/// `a AND b AND ...`, each coalesced to false so that an unknown is a failure.
pub(crate) fn and_not_null(conditions: &[String]) -> String {
    conditions
        .iter()
        .map(|c| format!("COALESCE({c}, FALSE)"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The finding struct `(column_name, code, value)`.
pub(crate) fn finding(engine: &dyn Engine, column: &str, code: &str, value: &str) -> String {
    let text = engine.text_type();
    engine.record(&[
        ("column_name", column.to_owned()),
        ("code", format!("CAST({code} AS {text})")),
        ("value", format!("CAST({value} AS {text})")),
    ])
}

/// Stage 3: each record's findings, as one array of `(column_name, code, value)`. An inner
/// projection computes one code per rule slot (and the unknown member names); the outer one
/// gathers the slots that hold a code. Each code is computed once: engines inline a view's
/// column at every use, and the array holds a code twice (the test and the field).
fn checked_view(
    engine: &dyn Engine,
    namespace: &Namespace,
    table: &Table,
    names: &Names,
) -> String {
    let text = engine.text_type();
    let null_text = format!("CAST(NULL AS {text})");
    let lit = |s: &str| engine.string_literal(s);
    let is_delete = format!(
        "COALESCE(meta_kind = 'object' AND action_kind = 'string' AND action_text = {}, FALSE)",
        lit(envelope::ACTION_DELETE)
    );
    // (column name expression, code expression, value expression) per rule slot.
    let mut slots: Vec<(String, String, String)> = Vec::new();
    // Whole-record problems (column NULL).
    for condition in [
        "key_kind <> 'object'".to_owned(),
        "meta_kind <> 'object'".to_owned(),
        format!("value_kind <> 'object' AND NOT {is_delete}"),
    ] {
        slots.push((
            null_text.clone(),
            format!("CASE WHEN {condition} THEN 'type' END"),
            null_text.clone(),
        ));
    }
    slots.push((
        null_text.clone(),
        format!("CASE WHEN value_kind IS NULL AND NOT {is_delete} THEN 'not_null' END"),
        null_text.clone(),
    ));
    // meta.ts and meta.action.
    let ts_valid = timestamp_valid(engine, "ts_text");
    slots.push((
        lit("meta.ts"),
        format!(
            "CASE WHEN meta_kind IS NULL THEN 'not_null' WHEN meta_kind <> 'object' THEN NULL \
             WHEN ts_kind IS NULL OR ts_kind = 'null' THEN 'not_null' WHEN ts_kind <> 'string' THEN 'type' \
             WHEN {ts_valid} THEN NULL ELSE 'format' END"
        ),
        "ts_text".to_owned(),
    ));
    slots.push((
        lit("meta.action"),
        format!(
            "CASE WHEN meta_kind IS NULL OR meta_kind <> 'object' OR action_kind IS NULL THEN NULL \
             WHEN action_kind <> 'string' THEN 'type' WHEN action_text IN ({}, {}) THEN NULL ELSE 'enum' END",
            lit(envelope::ACTION_UPSERT),
            lit(envelope::ACTION_DELETE)
        ),
        "action_text".to_owned(),
    ));
    // The columns.
    for (index, column) in table.columns().iter().enumerate() {
        let object = object_of(table, column);
        let applies = if object == envelope::KEY {
            "key_kind = 'object'".to_owned()
        } else {
            format!("value_kind = 'object' AND NOT {is_delete}")
        };
        let absent = if object == envelope::KEY {
            // An absent `key` makes each key column `not_null`; a non-object one is `type` only.
            "key_kind IS NULL".to_owned()
        } else {
            "FALSE".to_owned()
        };
        let kind = format!("{}_kind", slot(index));
        let value = format!("{}_text", slot(index));
        let null_code = if column.nullable() {
            "NULL"
        } else {
            "'not_null'"
        };
        let judged = judge(engine, namespace, column, &kind, &value);
        let code = format!(
            "CASE WHEN {absent} THEN {null_code} WHEN NOT COALESCE({applies}, FALSE) THEN NULL \
             WHEN {kind} IS NULL OR {kind} = 'null' THEN {null_code} ELSE {judged} END"
        );
        slots.push((lit(column.name()), code, value));
    }
    // Unknown members at each level: (names column, known names, prefix, where it applies).
    let key_names: Vec<String> = table.key_columns().map(|c| c.name().to_owned()).collect();
    let value_names: Vec<String> = table.value_columns().map(|c| c.name().to_owned()).collect();
    let levels = [
        (
            "top_names",
            vec![
                envelope::META.to_owned(),
                envelope::KEY.to_owned(),
                envelope::VALUE.to_owned(),
            ],
            "",
            "TRUE".to_owned(),
        ),
        (
            "meta_names",
            vec![
                envelope::META_TS.to_owned(),
                envelope::META_ACTION.to_owned(),
            ],
            "meta.",
            "meta_kind = 'object'".to_owned(),
        ),
        ("key_names", key_names, "", "key_kind = 'object'".to_owned()),
        (
            "value_names",
            value_names,
            "",
            format!("value_kind = 'object' AND NOT {is_delete}"),
        ),
    ];
    let key_column = table.key_columns().next();
    let id = match key_column {
        Some(column) => {
            let index = table.column_index(column.name()).unwrap_or(0);
            format!(
                "CASE WHEN {s}_kind = 'string' THEN {s}_text END",
                s = slot(index)
            )
        }
        None => null_text.clone(),
    };
    let key_valid = match key_column {
        Some(column) => {
            let index = table.column_index(column.name()).unwrap_or(0);
            format!(
                "COALESCE(key_kind = 'object' AND {s}_kind = 'string' AND {m}, FALSE)",
                s = slot(index),
                m = engine.full_match(&format!("{}_text", slot(index)), UUID_PATTERN)
            )
        }
        None => "FALSE".to_owned(),
    };

    let mut inner = vec![
        "file".to_owned(),
        "line".to_owned(),
        "text".to_owned(),
        "malformed".to_owned(),
        format!("{id} AS id"),
        format!("{key_valid} AS key_valid"),
    ];
    let mut gathered = Vec::new();
    for (i, (column, code, value)) in slots.iter().enumerate() {
        inner.push(format!("{code} AS k{i}"));
        if value != &null_text {
            inner.push(format!("{value} AS v{i}"));
        }
        let value = if value == &null_text {
            null_text.clone()
        } else {
            format!("v{i}")
        };
        gathered.push(format!(
            "CASE WHEN k{i} IS NOT NULL THEN {} END",
            finding(engine, column, &format!("k{i}"), &value)
        ));
    }
    let mut arrays = vec![engine.compact(&gathered)];
    for (i, (names_column, known, prefix, applies)) in levels.iter().enumerate() {
        let known: Vec<String> = known.iter().map(|k| lit(k)).collect();
        inner.push(format!(
            "CASE WHEN {applies} THEN {} END AS u{i}",
            engine.names_except(names_column, &known)
        ));
        let column = if prefix.is_empty() {
            "n".to_owned()
        } else {
            format!("concat({}, n)", lit(prefix))
        };
        arrays.push(format!(
            "CASE WHEN {} > 0 THEN {} ELSE {} END",
            engine.array_length(&format!("u{i}")),
            engine.map(
                &format!("u{i}"),
                "n",
                &finding(engine, &column, "'unknown_column'", &null_text)
            ),
            engine.empty_findings()
        ));
    }
    let malformed = engine.array(&[finding(engine, &null_text, "'malformed'", "text")]);
    let body = format!(
        "SELECT file, line, text, malformed,\n  CASE WHEN NOT malformed THEN id END AS id,\n  NOT malformed AND key_valid AS key_valid,\n  \
         CASE WHEN malformed THEN {malformed} ELSE {} END AS findings\nFROM (\n  SELECT\n    {}\n  FROM {}\n) coded",
        engine.concat_arrays(&arrays),
        inner.join(",\n    "),
        names.fields
    );
    engine.create_view(&names.checked, &body)
}

/// Stage 4: every record with its key's first occurrence (by file, then line) over all files,
/// so that one pass over the lines yields every finding, duplicates included.
fn keyed_view(engine: &dyn Engine, names: &Names) -> String {
    let window = format!(
        "OVER (PARTITION BY CASE WHEN key_valid THEN {} END ORDER BY file, line)",
        engine.lower("id")
    );
    let body = format!(
        "SELECT file, line, id, key_valid, findings,\n  row_number() {window} AS occurrence,\n  \
         first_value(file) {window} AS first_file,\n  first_value(line) {window} AS first_line,\n  \
         {strip} = first_value({strip}) {window} AS identical\nFROM {checked}",
        strip = engine.trim_trailing_blanks("text"),
        checked = names.checked,
    );
    engine.create_view(&names.keyed, &body)
}

/// A condition true when `text` (a string) is a valid timestamp on a real date.
fn timestamp_valid(engine: &dyn Engine, text: &str) -> String {
    let part =
        |start: usize, len: usize| engine.try_int(&format!("substr({text}, {start}, {len})"));
    let year = part(1, 4);
    let month = part(6, 2);
    let day = part(9, 2);
    let leap = format!("(({year} % 4 = 0 AND {year} % 100 <> 0) OR {year} % 400 = 0)");
    format!(
        "COALESCE({matches} AND {day} <= CASE {month} WHEN 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END \
         WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END, FALSE)",
        matches = engine.full_match(text, TIMESTAMP_PATTERN),
    )
}

/// The code for a present, non-null member of `column` (`kind`, `text`), or `NULL` if valid.
fn judge(
    engine: &dyn Engine,
    namespace: &Namespace,
    column: &Column,
    kind: &str,
    text: &str,
) -> String {
    let lit = |s: &str| engine.string_literal(s);
    let list = |items: &[String]| items.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", ");
    // A number the engine did not hold as an integer: an integer lexeme is out of every range.
    let lexeme_is_integer = engine.contains_match(
        "text",
        &format!(
            "\"{}\"[ \\t\\r\\n]*:[ \\t\\r\\n]*-?[0-9]+[ \\t\\r\\n]*[,}}]",
            regex_escape(column.name())
        ),
    );
    match engine.column_rule(namespace, column) {
        ColumnRule::Pattern { pattern, calendar } => {
            let valid = if calendar {
                timestamp_valid(engine, text)
            } else {
                format!("COALESCE({}, FALSE)", engine.full_match(text, &pattern))
            };
            format!(
                "CASE WHEN {kind} <> 'string' THEN 'type' WHEN {valid} THEN NULL ELSE 'format' END"
            )
        }
        ColumnRule::Integer { min, max } => format!(
            "CASE WHEN {kind} = 'integer' THEN CASE WHEN COALESCE({v} BETWEEN {min} AND {max}, FALSE) THEN NULL ELSE 'range' END \
             WHEN {kind} = 'number' AND {lexeme_is_integer} THEN 'range' ELSE 'type' END",
            v = engine.try_bigint(text),
        ),
        ColumnRule::IntegerEnum(values) => format!(
            "CASE WHEN {kind} = 'integer' THEN CASE WHEN COALESCE({v} IN ({}), FALSE) THEN NULL ELSE 'enum' END \
             WHEN {kind} = 'number' AND {lexeme_is_integer} THEN 'enum' ELSE 'type' END",
            values
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            v = engine.try_bigint(text),
        ),
        ColumnRule::Bool => format!("CASE WHEN {kind} = 'boolean' THEN NULL ELSE 'type' END"),
        ColumnRule::OpenEnum(_) => format!("CASE WHEN {kind} = 'string' THEN NULL ELSE 'type' END"),
        ColumnRule::Text {
            max_chars,
            sentinels,
            members,
        } => {
            let mut cases = vec![format!("WHEN {kind} <> 'string' THEN 'type'")];
            if let Some(members) = members {
                cases.push(format!("WHEN {text} IN ({}) THEN NULL", list(&members)));
                cases.push("ELSE 'enum'".to_owned());
            } else if let Some(max) = max_chars {
                if !sentinels.is_empty() {
                    cases.push(format!("WHEN {text} IN ({}) THEN NULL", list(&sentinels)));
                }
                cases.push(format!(
                    "WHEN {} > {max} THEN 'max_length'",
                    engine.char_length(text)
                ));
            }
            format!("CASE {} END", cases.join(" "))
        }
    }
}

/// `text` with the regular-expression metacharacters escaped.
fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Duplicate keys: every record whose key an earlier one (by file, then line) had.
fn duplicates_view(engine: &dyn Engine, names: &Names) -> String {
    let body = format!(
        "SELECT file, line, id, first_file, first_line, identical\nFROM {}\nWHERE key_valid AND occurrence > 1",
        names.keyed
    );
    engine.create_view(&names.duplicates, &body)
}

/// Every finding: the records' own (a malformed line's one), and the duplicate keys, in one
/// pass over the lines.
fn violations_view(engine: &dyn Engine, table: &Table, names: &Names) -> String {
    let text = engine.text_type();
    let null_text = format!("CAST(NULL AS {text})");
    let key = table
        .key_columns()
        .next()
        .map(|c| engine.string_literal(c.name()))
        .unwrap_or_else(|| null_text.clone());
    let duplicate = engine.array(&[finding(
        engine,
        &key,
        "'duplicate_key'",
        &engine.lower("id"),
    )]);
    let none = engine.empty_findings();
    let all = format!(
        "(SELECT file, line, id, {} AS findings FROM {})",
        engine.concat_arrays(&[
            "findings".to_owned(),
            format!("CASE WHEN key_valid AND occurrence > 1 THEN {duplicate} ELSE {none} END"),
        ]),
        names.keyed
    );
    let body = format!(
        "SELECT file, line, id, f.column_name, f.code, f.value\nFROM {}",
        engine.explode(&all, "findings", "f"),
    );
    engine.create_view(&names.violations, &body)
}

fn summary_view(engine: &dyn Engine, names: &Names) -> String {
    let body = format!(
        "SELECT code, column_name, count(*) AS n\nFROM {}\nGROUP BY code, column_name",
        names.violations
    );
    engine.create_view(&names.summary, &body)
}

/// The unlisted values of open enums in the records whose `value` is checked.
fn open_values_view(
    engine: &dyn Engine,
    namespace: &Namespace,
    table: &Table,
    names: &Names,
) -> String {
    let text = engine.text_type();
    let mut branches = Vec::new();
    for (index, column) in table.columns().iter().enumerate() {
        if let ColumnRule::OpenEnum(listed) = engine.column_rule(namespace, column) {
            let listed: Vec<String> = listed.iter().map(|v| engine.string_literal(v)).collect();
            let applies = if object_of(table, column) == envelope::KEY {
                "key_kind = 'object'".to_owned()
            } else {
                format!(
                    "value_kind = 'object' AND NOT COALESCE(meta_kind = 'object' AND action_kind = 'string' AND action_text = {}, FALSE)",
                    engine.string_literal(envelope::ACTION_DELETE)
                )
            };
            branches.push(format!(
                "SELECT {name} AS column_name, {s}_text AS value FROM {fields}\n  \
                 WHERE NOT malformed AND {applies} AND {s}_kind = 'string' AND {s}_text NOT IN ({listed})",
                name = engine.string_literal(column.name()),
                s = slot(index),
                fields = names.fields,
                listed = listed.join(", "),
            ));
        }
    }
    if branches.is_empty() {
        branches.push(format!(
            "SELECT CAST(NULL AS {text}) AS column_name, CAST(NULL AS {text}) AS value FROM {} WHERE FALSE",
            names.fields
        ));
    }
    let body = format!(
        "SELECT column_name, value, count(*) AS n\nFROM (\n  {}\n) tallied\nGROUP BY column_name, value",
        branches.join("\n  UNION ALL\n  ")
    );
    engine.create_view(&names.open_values, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_starts_with_the_notice_and_defines_every_view() {
        let namespace = crate::load_embedded();
        for engine in all_engines() {
            let text = render_namespace(engine, &namespace);
            assert!(
                text.lines()
                    .next()
                    .unwrap_or_default()
                    .contains(crate::emit::GENERATED_NOTICE)
            );
            for view in [
                "web_logs_violations",
                "web_logs_violation_summary",
                "web_logs_duplicate_keys",
                "web_logs_open_enum_values",
            ] {
                assert!(
                    text.contains(&format!("VIEW {} AS", engine.quote_identifier(view))),
                    "{}: no view {view}",
                    engine.display_name()
                );
            }
            for column in namespace.table("web_logs").unwrap().columns() {
                assert!(text.contains(&engine.string_literal(column.name())));
            }
        }
    }

    #[test]
    fn the_ip_pattern_agrees_with_std_net() {
        let pattern = regex_lite_full(&ip_pattern());
        let cases = [
            "1.2.3.4",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::",
            "1:2:3:4:5:6:7:8::",
            "::1:2:3:4:5:6:7",
            "::1:2:3:4:5:6:7:8",
            "1::2::3",
            "::ffff:1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:1.2.3.4",
            "1::2:3:4:5:1.2.3.4",
            "1::2:3:4:5:6:1.2.3.4",
            "1:2:1.2.3.4::",
            "fe80::1%eth0",
            "[::1]",
            "FFFF::abcd",
            "12345::",
            "1:2:3:4:5:6:7:8:9",
            ":1::",
            "::1.2.3.04",
            "0:0:0:0:0:0:0:0",
            "a::b:c:d:e:f:1",
            "a::b:c:d:e:f:1.2.3.4",
            "::0.0.0.0",
            "1.2.3.4::",
        ];
        for case in cases {
            assert_eq!(
                pattern(case),
                case.parse::<std::net::IpAddr>().is_ok(),
                "{case}"
            );
        }
    }

    /// A full-match test of `pattern` with the `regex` crate, whose syntax is RE2's (DuckDB's);
    /// the engines themselves run it in the agreement test.
    fn regex_lite_full(pattern: &str) -> impl Fn(&str) -> bool + use<> {
        let re = regex::Regex::new(&format!("^(?:{pattern})$")).unwrap();
        move |text| re.is_match(text)
    }
}
