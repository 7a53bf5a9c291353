//! Spark SQL (4.0 or later): `try_parse_json` into a VARIANT, `variant_get` and
//! `schema_of_variant` for each member's exact JSON type, Java regular expressions, arrays of
//! structs and lambdas.
//!
//! Spark's variant parser is strict where `dap-validate` is (trailing commas, `NaN`, lone
//! surrogates, control characters and a member repeated in any object are refused) but reads a
//! line with text after the closing brace (`{...} x`, `{...}}`) as the object alone, and bytes
//! that are not UTF-8 as U+FFFD; the script therefore parses the line wrapped in `[` `]` (text
//! after the object is then a syntax error or a second element), requires it to end with `}`
//! (trailing blanks aside) and to be valid UTF-8 (`is_valid_utf8`). What it still cannot see,
//! pinned by the agreement test and listed in the README:
//!
//! - text after the object that closes the wrapping array and ends in `}` (`{...}] x {}`);
//! - nesting deeper than 128 levels (Spark's limit is higher).
//!
//! `raw_lines` must keep the file's bytes: Spark's `split` decodes to Java strings (bytes that
//! are not UTF-8 become U+FFFD before the script sees them), so the README builds it with the
//! line reader (`lineSep` `\n`) and numbers lines by `_metadata.file_block_start` and read order.
//!
//! `schema_of_variant` says `BIGINT` only for an integer lexeme that fits 64 bits; anything
//! else numeric is `DECIMAL(p,s)` or `DOUBLE` (and `1.0` becomes `DECIMAL(1,0)`), told apart by
//! the lexeme on the line.

use super::Engine;
use crate::model::ColumnType;

/// The Spark SQL engine.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spark;

/// `$[0]['a']['b']`: a variant path into the record (the first element of the wrapping array, see
/// [`Engine::parse`] below) with every name quoted.
fn path(names: &[&str]) -> String {
    let mut out = String::from("$[0]");
    for name in names {
        out.push_str(&format!(
            "['{}']",
            name.replace('\\', "\\\\").replace('\'', "\\'")
        ));
    }
    out
}

impl Spark {
    fn member(&self, doc: &str, names: &[&str]) -> String {
        format!("variant_get({doc}, {})", self.string_literal(&path(names)))
    }
}

impl Engine for Spark {
    fn display_name(&self) -> &'static str {
        "Spark SQL"
    }

    fn file_stem(&self) -> &'static str {
        "spark"
    }

    fn notes(&self) -> &'static [&'static str] {
        &[
            "Requires Spark 4.0 or later (VARIANT, try_parse_json). Run with spark-sql -f, or",
            "statement by statement through spark.sql() after creating the temporary view",
            "raw_lines. Spark's own JSON reader is not used: it nulls bad fields, keeps only the",
            "first error, reads numbers into strings and timestamps leniently.",
        ]
    }

    /// Quoted as the Spark DDL quotes ([`crate::emit::sql::spark::Spark`]).
    fn quote_identifier(&self, name: &str) -> String {
        crate::emit::sql::Dialect::quote_identifier(&crate::emit::sql::spark::Spark, name)
    }

    /// As the Spark DDL writes literals: the backslash is an escape character there.
    fn string_literal(&self, text: &str) -> String {
        crate::emit::sql::Dialect::string_literal(&crate::emit::sql::spark::Spark, text)
    }

    /// The line parsed inside `[` and `]`: Spark's parser stops after the first complete value,
    /// so `{"a":1}}` alone would read as `{"a":1}`; wrapped, the stray `}` is a syntax error, and
    /// a second value (`{...} {...}`) is one too.
    fn parse(&self, text: &str) -> String {
        format!("try_parse_json(concat('[', {text}, ']'))")
    }

    fn readable(&self, doc: &str, text: &str) -> String {
        format!(
            "is_valid_utf8({text}) AND variant_get({doc}, '$[1]') IS NULL \
             AND schema_of_variant({}) LIKE 'OBJECT%' AND substr({}, -1) = '}}'",
            self.member(doc, &[]),
            self.trim_trailing_blanks(text)
        )
    }

    /// One `schema_of_variant` per member (it walks a whole object): its first word mapped
    /// through a literal map, anything else numeric (`DECIMAL(p,s)`, `DOUBLE`) a `'number'`.
    fn json_kind(&self, doc: &str, names: &[&str]) -> String {
        let member = self.member(doc, names);
        format!(
            "CASE WHEN {member} IS NOT NULL THEN coalesce(element_at(map('STRING', 'string', \
             'BIGINT', 'integer', 'BOOLEAN', 'boolean', 'OBJECT', 'object', 'ARRAY', 'array', \
             'VOID', 'null'), regexp_extract(schema_of_variant({member}), '^[A-Z]+', 0)), 'number') END"
        )
    }

    fn json_text(&self, doc: &str, names: &[&str]) -> String {
        format!(
            "variant_get({doc}, {}, 'string')",
            self.string_literal(&path(names))
        )
    }

    fn member_names(&self, doc: &str, names: &[&str]) -> String {
        format!(
            "map_keys(try_variant_get({doc}, {}, 'map<string,variant>'))",
            self.string_literal(&path(names))
        )
    }

    fn full_match(&self, expression: &str, pattern: &str) -> String {
        // Java's `$` also matches before a final line terminator; `\z` is the true end.
        format!(
            "({expression} RLIKE {})",
            self.string_literal(&format!("^(?:{pattern})\\z"))
        )
    }

    fn contains_match(&self, expression: &str, pattern: &str) -> String {
        format!("({expression} RLIKE {})", self.string_literal(pattern))
    }

    fn array(&self, items: &[String]) -> String {
        format!("array({})", items.join(", "))
    }

    fn record(&self, fields: &[(&str, String)]) -> String {
        let fields: Vec<String> = fields
            .iter()
            .map(|(name, value)| format!("{}, {value}", self.string_literal(name)))
            .collect();
        format!("named_struct({})", fields.join(", "))
    }

    /// Without a lambda: Spark interprets higher-order functions row by row (no code
    /// generation), and a `filter` over some thirty structs was most of the script's time.
    fn compact(&self, items: &[String]) -> String {
        format!("array_compact(array(\n    {}))", items.join(",\n    "))
    }

    fn names_except(&self, names: &str, known: &[String]) -> String {
        // Spark's parser refuses a member twice, so `array_except`'s de-duplication loses nothing.
        format!("array_except({names}, array({}))", known.join(", "))
    }

    fn array_length(&self, array: &str) -> String {
        format!("size({array})")
    }

    fn empty_findings(&self) -> String {
        "array_compact(array(CAST(NULL AS STRUCT<column_name: STRING, code: STRING, value: STRING>)))"
            .to_owned()
    }

    fn filter(&self, array: &str, variable: &str, condition: &str) -> String {
        format!("filter({array}, {variable} -> {condition})")
    }

    fn map(&self, array: &str, variable: &str, expression: &str) -> String {
        format!("transform({array}, {variable} -> {expression})")
    }

    fn array_contains(&self, array: &str, element: &str) -> String {
        format!("array_contains({array}, {element})")
    }

    fn concat_arrays(&self, arrays: &[String]) -> String {
        format!("concat(\n    {}\n  )", arrays.join(",\n    "))
    }

    fn explode(&self, relation: &str, array: &str, alias: &str) -> String {
        format!("{relation} LATERAL VIEW explode({array}) exploded AS {alias}")
    }

    fn text_type(&self) -> &'static str {
        "STRING"
    }

    fn try_bigint(&self, expression: &str) -> String {
        format!("try_cast({expression} AS BIGINT)")
    }

    fn try_int(&self, expression: &str) -> String {
        format!("try_cast({expression} AS INT)")
    }

    fn trim_trailing_blanks(&self, expression: &str) -> String {
        format!("TRIM(TRAILING concat(' ', chr(9), chr(13)) FROM {expression})")
    }

    /// As `schema/generated/sql/spark.sql` declares them: uuids and addresses are `STRING`.
    fn stored_as_text(&self, ty: ColumnType) -> bool {
        match ty {
            ColumnType::Uuid | ColumnType::Ip | ColumnType::String | ColumnType::Enum(_) => true,
            ColumnType::Timestamp | ColumnType::Int32 | ColumnType::Int64 | ColumnType::Bool => {
                false
            }
        }
    }

    fn utc_year(&self, expression: &str) -> String {
        format!("year(to_utc_timestamp({expression}, current_timezone()))")
    }

    fn is_blank(&self, expression: &str) -> String {
        format!("{} = ''", self.trim_trailing_blanks(expression))
    }
}
