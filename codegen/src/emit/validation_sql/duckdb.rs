//! DuckDB: the JSON extension's functions (`json_valid`, `json_type`, `json_extract_string`,
//! `json_keys`) over the line's text, RE2 regular expressions, lists and lambdas.
//!
//! DuckDB's JSON reader (yyjson) is more lenient than RFC 8259 and than `dap-validate`; where it
//! accepts a line that `dap-validate` reports as `malformed`, the script cannot tell. Pinned by
//! the agreement test and listed in the README:
//!
//! - a trailing comma in an object or array (`{"a":1,}`);
//! - `NaN`, `Infinity` and `-Infinity` as numbers;
//! - the same member twice in an object nested inside a column value or a delete's `value` (twice
//!   at the top level, in `key`, `value` or `meta` is seen: `json_keys` lists both);
//! - nesting deeper than 128 levels.
//!
//! `json_type` tells a JSON integer (`BIGINT`, `UBIGINT`: exact) from any other number
//! (`DOUBLE`), so integers are judged from their exact value; an integer beyond 64 bits arrives
//! as `DOUBLE` and is told from `1.0` or `1e2` by its lexeme.

use super::Engine;
use crate::model::{ColumnType, Table};

/// The DuckDB engine (1.3 or later: the `lambda x:` syntax; tested with 2.0.1).
#[derive(Debug, Clone, Copy, Default)]
pub struct DuckDb;

/// `$."a"."b"`: a JSON path with every name quoted.
fn path(names: &[&str]) -> String {
    let mut out = String::from("$");
    for name in names {
        out.push_str(&format!(".\"{}\"", name.replace('"', "\\\"")));
    }
    out
}

impl DuckDb {
    /// `json_type`'s answer as the shared kind names.
    fn kind_of(&self, json_type: &str) -> String {
        format!(
            "CASE {json_type} WHEN 'VARCHAR' THEN 'string' WHEN 'BIGINT' THEN 'integer' \
             WHEN 'UBIGINT' THEN 'integer' WHEN 'DOUBLE' THEN 'number' WHEN 'BOOLEAN' THEN 'boolean' \
             WHEN 'NULL' THEN 'null' WHEN 'OBJECT' THEN 'object' WHEN 'ARRAY' THEN 'array' END"
        )
    }
}

impl Engine for DuckDb {
    fn display_name(&self) -> &'static str {
        "DuckDB"
    }

    fn file_stem(&self) -> &'static str {
        "duckdb"
    }

    fn notes(&self) -> &'static [&'static str] {
        &[
            "Requires DuckDB 1.3 or later with the json extension (autoloaded). Run with",
            "`duckdb my.db < web_logs.sql` after creating raw_lines, or from Python/any client.",
            "DuckDB's JSON parser also accepts trailing commas, NaN/Infinity and members repeated",
            "below the record's key/value/meta objects, and has no nesting limit: such lines are",
            "checked instead of reported `malformed` (see the README, \"Validating at scale\").",
        ]
    }

    fn parse(&self, text: &str) -> String {
        format!("CASE WHEN json_valid({text}) THEN CAST({text} AS JSON) END")
    }

    fn readable(&self, doc: &str, text: &str) -> String {
        let _ = text;
        format!("json_type({doc}) = 'OBJECT'")
    }

    /// `json_transform` into a struct of JSON texts: one parse of the line for every column,
    /// where a `json_type` per column parsed it 23 times (about 0.7 µs each on a 760-byte
    /// record: most of the script's time). JSON `null` and absent both read as SQL `NULL`, which
    /// is what a column's rule needs; the envelope's kinds are read directly.
    fn columns_at_once(&self, doc: &str, table: &Table) -> Option<String> {
        let mut objects: Vec<(&str, Vec<String>)> = Vec::new();
        for (index, column) in table.columns().iter().enumerate() {
            let object = if table.is_key_column(index) {
                crate::model::envelope::KEY
            } else {
                crate::model::envelope::VALUE
            };
            let field = serde_json::to_string(column.name()).unwrap_or_default();
            match objects.iter_mut().find(|(o, _)| *o == object) {
                Some((_, fields)) => fields.push(format!("{field}:\"JSON\"")),
                None => objects.push((object, vec![format!("{field}:\"JSON\"")])),
            }
        }
        let structure: Vec<String> = objects
            .iter()
            .map(|(object, fields)| format!("\"{object}\":{{{}}}", fields.join(",")))
            .collect();
        Some(format!(
            "json_transform({doc}, {})",
            self.string_literal(&format!("{{{}}}", structure.join(",")))
        ))
    }

    fn column_kind(&self, doc: &str, object: &str, name: &str) -> String {
        let _ = doc;
        self.kind_of(&format!("json_type(parts.\"{object}\".\"{name}\")"))
    }

    fn column_text(&self, doc: &str, object: &str, name: &str) -> String {
        let _ = doc;
        format!("json_extract_string(parts.\"{object}\".\"{name}\", '$')")
    }

    fn json_kind(&self, doc: &str, names: &[&str]) -> String {
        self.kind_of(&format!("json_type({doc}, '{}')", path(names)))
    }

    fn json_text(&self, doc: &str, names: &[&str]) -> String {
        format!("json_extract_string({doc}, '{}')", path(names))
    }

    fn member_names(&self, doc: &str, names: &[&str]) -> String {
        format!("json_keys({doc}, '{}')", path(names))
    }

    /// The names read once (a one-element list mapped by a lambda), not once per use.
    fn repeated_member_names(&self, doc: &str, names: &[&str]) -> String {
        format!(
            "list_transform([{}], lambda k: len(k) <> len(list_distinct(k)))[1]",
            self.member_names(doc, names)
        )
    }

    fn full_match(&self, expression: &str, pattern: &str) -> String {
        format!(
            "regexp_full_match({expression}, {})",
            self.string_literal(pattern)
        )
    }

    fn contains_match(&self, expression: &str, pattern: &str) -> String {
        format!(
            "regexp_matches({expression}, {})",
            self.string_literal(pattern)
        )
    }

    fn array(&self, items: &[String]) -> String {
        format!("[{}]", items.join(", "))
    }

    fn record(&self, fields: &[(&str, String)]) -> String {
        let fields: Vec<String> = fields
            .iter()
            .map(|(name, value)| format!("{}: {value}", self.string_literal(name)))
            .collect();
        format!("{{{}}}", fields.join(", "))
    }

    fn empty_findings(&self) -> String {
        "CAST([] AS STRUCT(column_name VARCHAR, code VARCHAR, value VARCHAR)[])".to_owned()
    }

    fn filter(&self, array: &str, variable: &str, condition: &str) -> String {
        format!("list_filter({array}, lambda {variable}: {condition})")
    }

    fn map(&self, array: &str, variable: &str, expression: &str) -> String {
        format!("list_transform({array}, lambda {variable}: {expression})")
    }

    fn array_contains(&self, array: &str, element: &str) -> String {
        format!("list_contains({array}, {element})")
    }

    fn concat_arrays(&self, arrays: &[String]) -> String {
        format!("flatten([\n    {}\n  ])", arrays.join(",\n    "))
    }

    fn explode(&self, relation: &str, array: &str, alias: &str) -> String {
        format!("{relation} AS r, unnest(r.{array}) AS exploded({alias})")
    }

    fn trim_trailing_blanks(&self, expression: &str) -> String {
        format!("rtrim({expression}, ' ' || chr(9) || chr(13))")
    }

    /// As `schema/generated/sql/duckdb.sql` declares them: uuids are `UUID`, addresses text.
    fn stored_as_text(&self, ty: ColumnType) -> bool {
        match ty {
            ColumnType::Ip | ColumnType::String | ColumnType::Enum(_) => true,
            ColumnType::Uuid
            | ColumnType::Timestamp
            | ColumnType::Int32
            | ColumnType::Int64
            | ColumnType::Bool => false,
        }
    }

    fn utc_year(&self, expression: &str) -> String {
        format!("year(timezone('UTC', {expression}))")
    }

    fn is_blank(&self, expression: &str) -> String {
        format!("{} = ''", self.trim_trailing_blanks(expression))
    }
}
