//! The JSON Schema of a table in the shape DAP serves it (`dap schema` writes
//! `{"schema": {...}, "version": N}`), as `shared/reference/dap-exports.md` describes it.
//!
//! This is not the schema the project validates with (`emit::json_schema` is): it reproduces
//! DAP's encodings, literal `oneOf` unions included, so the importer (`crate::import::dap`) can be
//! tested on what DAP would serve for any model, and a diff can be shown in DAP's terms.
//!
//! - top level: `type: object`, properties `key`, `value`, `meta`, `required: ["key"]`,
//!   `additionalProperties: false`, the table's `description`, `title` the table name;
//! - uuid `format: uuid`; timestamp `format: date-time`; int32/int64 `type: integer` with
//!   `format`; bool `type: boolean`; ip `oneOf` of `format: ipv4` and `format: ipv6`;
//! - text `type: string` with `maxLength`; with sentinels `oneOf` of one `const` per sentinel and
//!   the bounded string;
//! - enums: named types in top-level `definitions`, referenced as `{"$ref":
//!   "#/definitions/<Name>"}`; string enums `{"type": "string", "enum": [...]}`, integer enums
//!   `{"type": "integer", "enum": [...]}`; an open enum is `oneOf` of the reference and
//!   `{"type": "string"}`;
//! - a column is nullable when it is not in its object's `required`; descriptions on every
//!   column and enum that has one. Member names and `references` are not served.

use crate::model::{Column, ColumnType, EnumLiteral, EnumRepr, Namespace, Table, envelope};
use serde_json::{Map, Value, json};

/// The served wrapper for `table`: `{"schema": ..., "version": N}`.
pub fn served(namespace: &Namespace, table: &Table) -> Value {
    json!({
        "schema": table_schema(namespace, table),
        "version": namespace.version(),
    })
}

/// The served schema of `table` (the wrapper's `schema`).
pub fn table_schema(namespace: &Namespace, table: &Table) -> Value {
    let mut definitions = Map::new();
    for e in namespace.enums() {
        let used = table
            .columns()
            .iter()
            .any(|c| c.ty() == ColumnType::Enum(enum_id(namespace, e.name())));
        if !used {
            continue;
        }
        let values: Vec<Value> = e
            .values()
            .iter()
            .map(|v| match v.value() {
                EnumLiteral::String(s) => Value::from(s.as_str()),
                EnumLiteral::Integer(i) => Value::from(*i),
            })
            .collect();
        let ty = match e.repr() {
            EnumRepr::String => "string",
            EnumRepr::Integer => "integer",
        };
        let mut schema = json!({ "type": ty, "enum": values });
        if let Some(text) = e.description() {
            schema["description"] = Value::from(text);
        }
        definitions.insert(e.name().to_owned(), schema);
    }
    let key: Vec<&Column> = table.key_columns().collect();
    let value: Vec<&Column> = table.value_columns().collect();
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": table.name(),
        "description": table.description(),
        "type": "object",
        "properties": {
            (envelope::KEY): object(namespace, &key),
            (envelope::VALUE): object(namespace, &value),
            (envelope::META): {
                "type": "object",
                "properties": {
                    (envelope::META_TS): {"type": "string", "format": "date-time"},
                    (envelope::META_ACTION): {
                        "type": "string",
                        "enum": [envelope::ACTION_UPSERT, envelope::ACTION_DELETE]
                    }
                },
                "required": [envelope::META_TS],
                "additionalProperties": false
            }
        },
        "required": [envelope::KEY],
        "additionalProperties": false,
    });
    if !definitions.is_empty() {
        schema["definitions"] = Value::Object(definitions);
    }
    schema
}

fn enum_id(namespace: &Namespace, name: &str) -> crate::model::EnumId {
    let index = namespace
        .enums()
        .iter()
        .position(|e| e.name() == name)
        .unwrap_or_default();
    crate::model::EnumId(index)
}

fn object(namespace: &Namespace, columns: &[&Column]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for column in columns {
        let mut schema = column_schema(namespace, column);
        if let Value::Object(map) = &mut schema {
            map.insert("description".into(), Value::from(column.description()));
        }
        properties.insert(column.name().to_owned(), schema);
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
    match column.ty() {
        ColumnType::Uuid => json!({"type": "string", "format": "uuid"}),
        ColumnType::Timestamp => json!({"type": "string", "format": "date-time"}),
        ColumnType::Int32 => json!({"type": "integer", "format": "int32"}),
        ColumnType::Int64 => json!({"type": "integer", "format": "int64"}),
        ColumnType::Bool => json!({"type": "boolean"}),
        ColumnType::Ip => json!({"oneOf": [
            {"type": "string", "format": "ipv4"},
            {"type": "string", "format": "ipv6"}
        ]}),
        ColumnType::String => {
            let mut text = json!({"type": "string"});
            if let Some(max) = column.max_length() {
                text["maxLength"] = Value::from(max);
            }
            if column.sentinels().is_empty() {
                text
            } else {
                let mut branches: Vec<Value> = column
                    .sentinels()
                    .iter()
                    .map(|s| json!({"type": "string", "const": s}))
                    .collect();
                branches.push(text);
                json!({ "oneOf": branches })
            }
        }
        ColumnType::Enum(id) => {
            let e = namespace.enum_by_id(id);
            let reference = json!({"$ref": format!("#/definitions/{}", e.name())});
            if e.is_open() {
                json!({"oneOf": [reference, {"type": "string"}]})
            } else {
                reference
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_logs_is_served_in_daps_encodings() {
        let namespace = crate::load_embedded();
        let table = namespace
            .table("web_logs")
            .unwrap_or_else(|| panic!("web_logs"));
        let served = served(&namespace, table);
        assert_eq!(served["version"], namespace.version());
        let schema = &served["schema"];
        assert_eq!(schema["required"], json!(["key"]));
        assert_eq!(
            schema["properties"]["key"]["properties"]["id"]["format"],
            "uuid"
        );
        let value = &schema["properties"]["value"]["properties"];
        assert_eq!(value["user_id"]["format"], "int64");
        assert_eq!(value["interaction_micros"]["format"], "int32");
        assert_eq!(value["timestamp"]["format"], "date-time");
        assert_eq!(
            value["remote_ip"]["oneOf"][1],
            json!({"type": "string", "format": "ipv6"})
        );
        assert_eq!(
            value["user_agent"]["oneOf"],
            json!([
                {"type": "string", "const": "__dap_oversized_truncated__"},
                {"type": "string", "maxLength": 255}
            ])
        );
        assert_eq!(
            value["web_application_controller"]["oneOf"],
            json!([{"$ref": "#/definitions/Controller"}, {"type": "string"}])
        );
        assert_eq!(
            value["http_method"]["$ref"],
            json!("#/definitions/HTTPMethod")
        );
        let required = schema["properties"]["value"]["required"]
            .as_array()
            .map(Vec::len);
        let not_null = table.value_columns().filter(|c| !c.nullable()).count();
        assert_eq!(required, Some(not_null));
        assert_eq!(
            schema["definitions"]["HTTPStatus"]["type"],
            json!("integer")
        );
        assert!(schema["definitions"]["HTTPStatus"]["enum"][0].is_i64());
        assert_eq!(
            schema["definitions"]["Controller"]["enum"],
            json!(["__dap_unspecified__"])
        );
    }
}
