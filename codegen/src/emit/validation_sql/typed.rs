//! The audit of a typed table already loaded (`schema/generated/validation/<engine>/<table>_typed.sql`):
//! the rules the engine's types and constraints do not enforce, run over the table the engine's
//! DDL (`schema/generated/sql/<engine>.sql`) creates, or over a view of that name on an archive
//! typed some other way with the same column names and compatible types.
//!
//! It creates the temporary views `<table>_typed_violations(id, column_name, code, value)` and
//! `<table>_typed_violation_summary(code, column_name, n)`, with `dap-validate`'s codes:
//!
//! - `not_null`: a required column that is NULL (Spark does not enforce `NOT NULL` on a Parquet
//!   table);
//! - `format`: a uuid or IP address stored as text that is not one, a timestamp outside the years
//!   0001-9999 (in UTC);
//! - `range`: an int32 column holding a wider value (an archive typed with `BIGINT`);
//! - `enum`: a closed enum's column holding an unlisted value (text or integer);
//! - `max_length`: more characters than allowed, unless the value is a sentinel;
//! - `duplicate_key`: a key held by more than one row (one row per key, `value` the count).
//!
//! Sentinels (`__dap_oversized_truncated__`, both spellings) pass the length rule, and the view
//! `<table>_typed_sentinels(column_name, value, n)` counts them: how many values DAP truncated
//! or left unspecified. Open enums are not violations; `<table>_typed_open_enum_values` tallies
//! their unlisted values as the JSONL script does.

use super::{ColumnRule, Engine, and_not_null, finding};
use crate::model::{ColumnType, Namespace, Table};

/// The audit script for the typed `table` of `namespace` on `engine`.
pub fn render(engine: &dyn Engine, namespace: &Namespace, table: &Table) -> String {
    let source = engine.typed_table_name(namespace, table);
    let name = |suffix: &str| engine.quote_identifier(&format!("{}_{suffix}", table.name()));
    let text_type = engine.text_type();
    let as_text = |expression: &str| format!("CAST({expression} AS {text_type})");
    let lit = |s: &str| engine.string_literal(s);
    let list = |items: &[String]| items.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", ");

    let mut findings = Vec::new();
    let mut sentinel_branches = Vec::new();
    let mut open_branches = Vec::new();
    for column in table.columns() {
        let quoted = engine.quote_identifier(column.name());
        let mut cases: Vec<(String, &str)> = Vec::new();
        if !column.nullable() {
            cases.push((format!("{quoted} IS NULL"), "not_null"));
        }
        match engine.column_rule(namespace, column) {
            ColumnRule::Pattern {
                calendar: true, ..
            } => cases.push((
                format!(
                    "NOT {}",
                    and_not_null(&[format!("{} BETWEEN 1 AND 9999", engine.utc_year(&quoted))])
                ),
                "format",
            )),
            ColumnRule::Pattern { pattern, .. } => {
                if engine.stored_as_text(column.ty()) {
                    cases.push((
                        format!(
                            "NOT {}",
                            and_not_null(&[engine.full_match(&quoted, &pattern)])
                        ),
                        "format",
                    ));
                }
            }
            ColumnRule::Integer { min, max } => {
                if column.ty() == ColumnType::Int32 {
                    cases.push((format!("{quoted} NOT BETWEEN {min} AND {max}"), "range"));
                }
            }
            ColumnRule::IntegerEnum(values) => cases.push((
                format!(
                    "{quoted} NOT IN ({})",
                    values
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "enum",
            )),
            ColumnRule::Bool => {}
            ColumnRule::OpenEnum(listed) => open_branches.push(format!(
                "SELECT {} AS column_name, {quoted} AS value FROM {source} WHERE {quoted} NOT IN ({})",
                lit(column.name()),
                list(&listed)
            )),
            ColumnRule::Text {
                max_chars,
                sentinels,
                members,
            } => {
                if let Some(members) = members {
                    cases.push((format!("{quoted} NOT IN ({})", list(&members)), "enum"));
                }
                if let Some(max) = max_chars {
                    let exempt = if sentinels.is_empty() {
                        String::new()
                    } else {
                        format!(" AND {quoted} NOT IN ({})", list(&sentinels))
                    };
                    cases.push((
                        format!("{} > {max}{exempt}", engine.char_length(&quoted)),
                        "max_length",
                    ));
                }
            }
        }
        let sentinels = column.accepted_sentinel_spellings();
        if !sentinels.is_empty() {
            sentinel_branches.push(format!(
                "SELECT {} AS column_name, {quoted} AS value FROM {source} WHERE {quoted} IN ({})",
                lit(column.name()),
                list(&sentinels)
            ));
        }
        if cases.is_empty() {
            continue;
        }
        let code = format!(
            "CASE {} END",
            cases
                .iter()
                .map(|(condition, code)| format!("WHEN {condition} THEN '{code}'"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        findings.push(finding(
            engine,
            &lit(column.name()),
            &code,
            &as_text(&quoted),
        ));
    }
    // Open enums list DAP's sentinels (`__dap_unspecified__`): count those too.
    for column in table.columns() {
        if let ColumnType::Enum(id) = column.ty() {
            let sentinels: Vec<String> = namespace
                .enum_by_id(id)
                .values()
                .iter()
                .filter(|v| {
                    v.value()
                        .as_str()
                        .is_some_and(|s| crate::names::legacy_sentinel_spelling(s).is_some())
                })
                .flat_map(|v| v.accepted_spellings())
                .collect();
            if !sentinels.is_empty() {
                let quoted = engine.quote_identifier(column.name());
                sentinel_branches.push(format!(
                    "SELECT {} AS column_name, {quoted} AS value FROM {source} WHERE {quoted} IN ({})",
                    lit(column.name()),
                    list(&sentinels)
                ));
            }
        }
    }

    let key = table.key_columns().next();
    let id = key.map_or_else(
        || format!("CAST(NULL AS {text_type})"),
        |c| as_text(&engine.quote_identifier(c.name())),
    );
    let mut out = String::new();
    out.push_str(&format!("-- {}\n", crate::emit::GENERATED_NOTICE));
    out.push_str(&format!(
        "-- {} audit of a typed {}.{} table (DAP schema version {}): the rules its types do not enforce.\n",
        engine.display_name(),
        namespace.name(),
        table.name(),
        namespace.version()
    ));
    for line in [
        "".to_owned(),
        format!(
            "Reads {source} (create it with schema/generated/sql/{}.sql, or name a view so over",
            engine.file_stem()
        ),
        format!(
            "an archive typed otherwise). Creates the temporary views {0}_typed_violations(id,",
            table.name()
        ),
        format!(
            "column_name, code, value), {0}_typed_violation_summary(code, column_name, n),",
            table.name()
        ),
        format!(
            "{0}_typed_sentinels(column_name, value, n) and {0}_typed_open_enum_values(column_name,",
            table.name()
        ),
        "value, n). Codes as dap-validate's; duplicate_key is one row per repeated key, value the count."
            .to_owned(),
    ] {
        if line.is_empty() {
            out.push_str("--\n");
        } else {
            out.push_str(&format!("-- {line}\n"));
        }
    }
    let checked = format!(
        "SELECT {id} AS id, {} AS findings FROM {source}",
        engine.filter(&engine.array(&findings), "f", "f.code IS NOT NULL")
    );
    let duplicates = key.map(|c| {
        let quoted = engine.quote_identifier(c.name());
        format!(
            "\nUNION ALL\nSELECT {id}, {}, 'duplicate_key', {}\nFROM {source}\nGROUP BY {quoted}\nHAVING count(*) > 1",
            lit(c.name()),
            as_text("count(*)"),
            id = as_text(&quoted),
        )
    });
    let violations = format!(
        "SELECT id, f.column_name, f.code, f.value\nFROM {}{}",
        engine.explode(&format!("({checked})"), "findings", "f"),
        duplicates.unwrap_or_default()
    );
    let tally = |branches: &[String]| {
        if branches.is_empty() {
            format!(
                "SELECT CAST(NULL AS {text_type}) AS column_name, CAST(NULL AS {text_type}) AS value, 0 AS n WHERE FALSE"
            )
        } else {
            format!(
                "SELECT column_name, value, count(*) AS n\nFROM (\n  {}\n) tallied\nGROUP BY column_name, value",
                branches.join("\n  UNION ALL\n  ")
            )
        }
    };
    for statement in [
        engine.create_view(&name("typed_violations"), &violations),
        engine.create_view(
            &name("typed_violation_summary"),
            &format!(
                "SELECT code, column_name, count(*) AS n\nFROM {}\nGROUP BY code, column_name",
                name("typed_violations")
            ),
        ),
        engine.create_view(&name("typed_sentinels"), &tally(&sentinel_branches)),
        engine.create_view(&name("typed_open_enum_values"), &tally(&open_branches)),
    ] {
        out.push('\n');
        out.push_str(&statement);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_audits_each_rule_its_types_leave_open() {
        let namespace = crate::load_embedded();
        let table = namespace.table("web_logs").unwrap();
        for engine in super::super::all_engines() {
            let text = render(engine, &namespace, table);
            for code in [
                "not_null",
                "format",
                "range",
                "enum",
                "max_length",
                "duplicate_key",
            ] {
                assert!(
                    text.contains(&format!("'{code}'")),
                    "{}: {code}",
                    engine.display_name()
                );
            }
            assert!(text.contains("typed_sentinels"));
            assert!(text.contains("__dap_oversized_truncated__"));
        }
    }
}
