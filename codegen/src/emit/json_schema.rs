//! JSON Schema (draft 2020-12) of one DAP JSONL export record of a table.
//!
//! Shape: `{"key": {...}, "value": {...}, "meta": {"ts": ..., "action": "U"|"D"}}`.
//!
//! - Unions are written as `anyOf`, never DAP's literal `oneOf`. DAP's served schemas write
//!   `Controller | str` and `sentinel | str(255)` as `oneOf`; read literally, a known controller or
//!   the sentinel matches *both* branches, so a strict `oneOf` rejects exactly the values DAP
//!   documents as valid. `anyOf` is the intended meaning.
//! - int32 and int64 carry explicit `minimum`/`maximum`: generic validators ignore the `int32` and
//!   `int64` formats.
//! - Formats: `uuid`, `date-time`, `ipv4`/`ipv6`, each pinned down by a `pattern` (uuid,
//!   timestamp) so that every validator reads the same rule as `dap-validate`: a hyphenated uuid
//!   in either case; a timestamp `YYYY-MM-DDThh:mm:ss[.ffffff]Z` (UTC only, at most microseconds,
//!   which every target database keeps).
//! - Every object has `additionalProperties: false`; nullable columns are not `required` and also
//!   admit `null` (DAP's docs say null properties are omitted, its API reference shows `null`).
//! - `meta.ts` is required; `meta.action` is optional `U` or `D`. A delete (`D`) needs no `value`
//!   and its `value`, if any, is not checked; every other record requires `value`.
//! - Known, deliberate differences from `dap-validate`: JSON Schema's `integer` admits `1.0`, which
//!   the validator reports as `type` (a database or typed reader would reject it); and a key
//!   repeated in one JSON object, which a parser hands to JSON Schema as one member, is
//!   `malformed` to the validator.

use crate::model::{Column, ColumnType, Enum, EnumRepr, Namespace, Table, envelope};
use serde_json::{Map, Value, json};

/// The regular expression a uuid must match (hyphenated, either case).
pub const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// The regular expression a timestamp must match, on top of `format: date-time`.
pub const TIMESTAMP_PATTERN: &str = "^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?Z$";

/// The schema of one JSONL export record of `table`.
pub fn record_schema(namespace: &Namespace, table: &Table) -> Value {
    let key_columns: Vec<&Column> = table.key_columns().collect();
    let value_columns: Vec<&Column> = table.value_columns().collect();
    let mut defs = Map::new();
    for e in namespace.enums() {
        defs.insert(e.name().to_owned(), enum_schema(e));
    }
    defs.insert(
        format!("{}_value", table.name()),
        object_schema(namespace, &value_columns),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": super::GENERATED_NOTICE,
        "title": format!("{}.{} export record", namespace.name(), table.name()),
        "description": table.description(),
        "x-dap-namespace": namespace.name(),
        "x-dap-table": table.name(),
        "x-dap-schema-version": namespace.version(),
        "type": "object",
        "properties": {
            (envelope::META): meta_schema(),
            (envelope::KEY): object_schema(namespace, &key_columns),
            (envelope::VALUE): {
                "description": "The non-key columns. Absent (or not checked) in a delete."
            },
        },
        "required": [envelope::KEY, envelope::META],
        "additionalProperties": false,
        "if": {
            "properties": {
                (envelope::META): {
                    "properties": { (envelope::META_ACTION): { "const": envelope::ACTION_DELETE } },
                    "required": [envelope::META_ACTION],
                },
            },
        },
        "then": true,
        "else": {
            "properties": {
                (envelope::VALUE): { "$ref": format!("#/$defs/{}_value", table.name()) },
            },
            "required": [envelope::VALUE],
        },
        "$defs": defs,
    })
}

/// [`record_schema`] rendered as the checked-in artifact: pretty JSON ending in a newline.
pub fn render(namespace: &Namespace, table: &Table) -> String {
    let mut text = serde_json::to_string_pretty(&record_schema(namespace, table))
        .unwrap_or_else(|_| unreachable!("a serde_json::Value always serializes"));
    text.push('\n');
    text
}

fn meta_schema() -> Value {
    json!({
        "description": "Record metadata: commit time and, in incremental results, the action.",
        "type": "object",
        "properties": {
            (envelope::META_TS): {
                "description": "Commit (modification) time of the record, UTC.",
                "type": "string",
                "format": "date-time",
                "pattern": TIMESTAMP_PATTERN,
            },
            (envelope::META_ACTION): {
                "description": "U (upsert) or D (hard delete); absent in snapshots.",
                "type": "string",
                "enum": [envelope::ACTION_UPSERT, envelope::ACTION_DELETE],
            },
        },
        "required": [envelope::META_TS],
        "additionalProperties": false,
    })
}

fn object_schema(namespace: &Namespace, columns: &[&Column]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for column in columns {
        properties.insert(column.name().to_owned(), column_schema(namespace, column));
        if !column.nullable() {
            required.push(Value::from(column.name()));
        }
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn column_schema(namespace: &Namespace, column: &Column) -> Value {
    let inner = type_schema(namespace, column);
    let mut schema = Map::new();
    schema.insert("description".into(), column.description().into());
    if let Some(reference) = column.references() {
        schema.insert("$comment".into(), format!("references {reference}").into());
    }
    if column.nullable() {
        schema.insert("anyOf".into(), json!([inner, { "type": "null" }]));
    } else if let Value::Object(inner) = inner {
        schema.extend(inner);
    }
    Value::Object(schema)
}

fn type_schema(namespace: &Namespace, column: &Column) -> Value {
    match column.ty() {
        ColumnType::Uuid => json!({ "type": "string", "format": "uuid", "pattern": UUID_PATTERN }),
        ColumnType::Timestamp => {
            json!({ "type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN })
        }
        ColumnType::Int32 => {
            json!({ "type": "integer", "minimum": i32::MIN, "maximum": i32::MAX })
        }
        ColumnType::Int64 => {
            json!({ "type": "integer", "minimum": i64::MIN, "maximum": i64::MAX })
        }
        ColumnType::Bool => json!({ "type": "boolean" }),
        ColumnType::Ip => json!({
            "type": "string",
            "anyOf": [{ "format": "ipv4" }, { "format": "ipv6" }],
        }),
        ColumnType::String => {
            let mut text = Map::new();
            text.insert("type".into(), "string".into());
            if let Some(max) = column.max_length() {
                text.insert("maxLength".into(), max.into());
            }
            let sentinels = column.accepted_sentinel_spellings();
            if sentinels.is_empty() {
                Value::Object(text)
            } else {
                json!({ "anyOf": [{ "enum": sentinels }, text] })
            }
        }
        ColumnType::Enum(id) => {
            json!({ "$ref": format!("#/$defs/{}", namespace.enum_by_id(id).name()) })
        }
    }
}

fn enum_schema(e: &Enum) -> Value {
    let mut schema = Map::new();
    if let Some(description) = e.description() {
        schema.insert("description".into(), description.into());
    }
    let listed: Vec<Value> = match e.repr() {
        EnumRepr::Integer => e
            .values()
            .iter()
            .filter_map(|v| v.value().as_i32())
            .map(Value::from)
            .collect(),
        EnumRepr::String => e
            .values()
            .iter()
            .flat_map(|v| v.accepted_spellings())
            .map(Value::from)
            .collect(),
    };
    let names: Vec<Value> = e.values().iter().map(|v| Value::from(v.name())).collect();
    schema.insert("x-enum-names".into(), names.into());
    let ty = match e.repr() {
        EnumRepr::Integer => "integer",
        EnumRepr::String => "string",
    };
    if e.is_open() {
        schema.insert(
            "$comment".into(),
            "Open enum: the listed values or any other string (DAP's `Enum | str`). anyOf, not oneOf: a listed value matches both branches.".into(),
        );
        schema.insert(
            "anyOf".into(),
            json!([{ "enum": listed }, { "type": "string" }]),
        );
    } else {
        schema.insert("type".into(), ty.into());
        schema.insert("enum".into(), listed.into());
    }
    Value::Object(schema)
}
