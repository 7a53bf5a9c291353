//! The emitted JSON Schema, checked with an independent validator (the `jsonschema` crate):
//! it is a valid 2020-12 schema, every valid record shape passes, and every violation kind fails.

use canvas_logs_codegen::emit::json_schema::record_schema;
use canvas_logs_codegen::model::{ColumnType, EnumLiteral};
use serde_json::{Value, json};

fn validator() -> jsonschema::Validator {
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace.table("web_logs").expect("web_logs is defined");
    let schema = record_schema(&namespace, table);
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the emitted schema compiles")
}

/// A complete, valid upsert record with every column set.
fn record() -> Value {
    json!({
        "meta": { "ts": "2026-11-02T10:11:12.123456Z", "action": "U" },
        "key": { "id": "1c1a7d6e-5c3b-4bb0-9a54-8d2f0e7c9b11" },
        "value": {
            "timestamp": "2026-11-02T10:11:12.000001Z",
            "user_id": 10000000000123_i64,
            "real_user_id": 10000000000124_i64,
            "course_id": 10000000000001_i64,
            "quiz_id": 5,
            "discussion_id": 6,
            "conversation_id": 7,
            "assignment_id": 8,
            "url": "/courses/1/assignments/8?module_item_id=9",
            "http_method": "GET",
            "http_status": 200,
            "http_version": "1.1",
            "remote_ip": "192.0.2.10",
            "interaction_micros": 15234,
            "web_application_controller": "assignments",
            "web_application_action": "show",
            "web_application_context_type": "Course",
            "web_application_context_id": 10000000000001_i64,
            "session_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
            "developer_key_id": 170000000000001_i64,
            "participated": true,
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0"
        }
    })
}

fn with(path: &[&str], value: Option<Value>) -> Value {
    let mut record = record();
    let mut target = &mut record;
    for key in &path[..path.len() - 1] {
        target = target.get_mut(*key).expect("path exists");
    }
    let object = target.as_object_mut().expect("an object");
    let last = path[path.len() - 1];
    match value {
        Some(v) => {
            object.insert(last.to_owned(), v);
        }
        None => {
            object.remove(last);
        }
    }
    record
}

#[test]
fn the_schema_is_valid_under_the_2020_12_meta_schema() {
    let namespace = canvas_logs_codegen::load_embedded();
    let schema = record_schema(&namespace, namespace.table("web_logs").unwrap());
    assert!(jsonschema::meta::is_valid(&schema));
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    // No union is written as DAP's literal `oneOf`.
    assert!(
        !serde_json::to_string(&schema)
            .unwrap()
            .contains("\"oneOf\":")
    );
}

#[test]
fn every_valid_shape_passes() {
    let v = validator();
    let mut shapes = vec![
        ("complete", record()),
        ("no action (snapshot)", with(&["meta", "action"], None)),
        ("delete without value", {
            let mut r = with(&["value"], None);
            r["meta"]["action"] = json!("D");
            r
        }),
        ("delete with an unchecked value", {
            let mut r = with(&["value", "url"], Some(json!(42)));
            r["meta"]["action"] = json!("D");
            r
        }),
        (
            "sentinel user agent",
            with(
                &["value", "user_agent"],
                Some(json!("__dap_oversized_truncated__")),
            ),
        ),
        (
            "legacy sentinel spelling",
            with(
                &["value", "user_agent"],
                Some(json!("_dap_oversized_truncated_")),
            ),
        ),
        (
            "255 multi-byte characters",
            with(
                &["value", "user_agent"],
                Some(json!("é".repeat(254) + "😀")),
            ),
        ),
        (
            "int32 min",
            with(&["value", "interaction_micros"], Some(json!(i32::MIN))),
        ),
        (
            "int32 max",
            with(&["value", "interaction_micros"], Some(json!(i32::MAX))),
        ),
        (
            "int64 max",
            with(&["value", "user_id"], Some(json!(i64::MAX))),
        ),
        (
            "int64 min",
            with(&["value", "user_id"], Some(json!(i64::MIN))),
        ),
        (
            "IPv6",
            with(&["value", "remote_ip"], Some(json!("2001:db8::1"))),
        ),
        (
            "IPv4-mapped IPv6",
            with(&["value", "remote_ip"], Some(json!("::ffff:192.0.2.1"))),
        ),
        (
            "upper-case uuid",
            with(
                &["key", "id"],
                Some(json!("1C1A7D6E-5C3B-4BB0-9A54-8D2F0E7C9B11")),
            ),
        ),
        (
            "whole-second timestamp",
            with(&["value", "timestamp"], Some(json!("2026-02-28T23:59:59Z"))),
        ),
        (
            "unlisted controller (open enum)",
            with(
                &["value", "web_application_controller"],
                Some(json!("some_new_controller")),
            ),
        ),
        (
            "unspecified action",
            with(
                &["value", "web_application_action"],
                Some(json!("__dap_unspecified__")),
            ),
        ),
        ("empty url", with(&["value", "url"], Some(json!("")))),
    ];
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace.table("web_logs").unwrap();
    for column in table.value_columns() {
        if column.nullable() {
            shapes.push(("nullable absent", with(&["value", column.name()], None)));
            shapes.push((
                "nullable null",
                with(&["value", column.name()], Some(Value::Null)),
            ));
        }
        if let ColumnType::Enum(id) = column.ty() {
            for member in namespace.enum_by_id(id).values() {
                let value = match member.value() {
                    EnumLiteral::String(s) => json!(s),
                    EnumLiteral::Integer(i) => json!(i),
                };
                shapes.push(("enum member", with(&["value", column.name()], Some(value))));
            }
        }
    }
    for (name, shape) in &shapes {
        let errors: Vec<String> = v.iter_errors(shape).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name} should pass: {shape}\n{errors:?}");
    }
    assert!(shapes.len() > 130, "every enum member was tried");
}

#[test]
fn every_violation_kind_fails() {
    let v = validator();
    let s = |x: &str| Some(json!(x));
    let cases: Vec<(&str, Value)> = vec![
        // enum
        (
            "lower-case method",
            with(&["value", "http_method"], s("get")),
        ),
        (
            "unknown status",
            with(&["value", "http_status"], Some(json!(299))),
        ),
        ("status as text", with(&["value", "http_status"], s("200"))),
        (
            "unknown version",
            with(&["value", "http_version"], s("3.0")),
        ),
        (
            "context type wrong case",
            with(&["value", "web_application_context_type"], s("course")),
        ),
        ("unknown action", with(&["meta", "action"], s("X"))),
        // length
        (
            "256 ASCII characters",
            with(&["value", "user_agent"], Some(json!("a".repeat(256)))),
        ),
        (
            "256 multi-byte characters",
            with(&["value", "user_agent"], Some(json!("😀".repeat(256)))),
        ),
        // null
        ("null url", with(&["value", "url"], Some(Value::Null))),
        ("absent url", with(&["value", "url"], None)),
        ("absent id", with(&["key", "id"], None)),
        ("absent ts", with(&["meta", "ts"], None)),
        ("absent meta", with(&["meta"], None)),
        ("upsert without value", with(&["value"], None)),
        (
            "null participated",
            with(&["value", "participated"], Some(Value::Null)),
        ),
        // range
        (
            "int32 max + 1",
            with(
                &["value", "interaction_micros"],
                Some(json!(i64::from(i32::MAX) + 1)),
            ),
        ),
        (
            "int32 min - 1",
            with(
                &["value", "interaction_micros"],
                Some(json!(i64::from(i32::MIN) - 1)),
            ),
        ),
        (
            "int64 max + 1",
            with(&["value", "user_id"], Some(json!(i64::MAX as u64 + 1))),
        ),
        // format
        (
            "bad uuid",
            with(&["key", "id"], s("1c1a7d6e5c3b4bb09a548d2f0e7c9b11")),
        ),
        (
            "timestamp with offset",
            with(&["value", "timestamp"], s("2026-11-02T10:11:12+01:00")),
        ),
        (
            "timestamp with 7 fraction digits",
            with(&["value", "timestamp"], s("2026-11-02T10:11:12.1234567Z")),
        ),
        (
            "February 30th",
            with(&["value", "timestamp"], s("2026-02-30T10:11:12Z")),
        ),
        (
            "lower-case z",
            with(&["meta", "ts"], s("2026-11-02T10:11:12z")),
        ),
        ("bad IPv4", with(&["value", "remote_ip"], s("256.1.1.1"))),
        (
            "IP with zone",
            with(&["value", "remote_ip"], s("fe80::1%eth0")),
        ),
        (
            "hostname as IP",
            with(&["value", "remote_ip"], s("example.com")),
        ),
        // unknown column
        (
            "unknown value column",
            with(&["value", "extra"], Some(json!(1))),
        ),
        (
            "unknown key column",
            with(&["key", "extra"], Some(json!(1))),
        ),
        (
            "unknown meta field",
            with(&["meta", "extra"], Some(json!(1))),
        ),
        ("unknown top-level field", with(&["extra"], Some(json!(1)))),
        // type
        ("bool as text", with(&["value", "participated"], s("true"))),
        ("int as text", with(&["value", "quiz_id"], s("5"))),
        (
            "fractional int",
            with(&["value", "quiz_id"], Some(json!(5.5))),
        ),
        ("url as number", with(&["value", "url"], Some(json!(5)))),
        (
            "controller as number",
            with(&["value", "web_application_controller"], Some(json!(5))),
        ),
    ];
    for (name, case) in &cases {
        assert!(!v.is_valid(case), "{name} should fail: {case}");
    }
}

/// Adding an enum value to the YAML changes the emitted schema (so `codegen --check` notices).
#[test]
fn an_added_enum_value_changes_the_schema() {
    let original = canvas_logs_codegen::CANVAS_LOGS_YAML;
    let edited = original.replacen(
        "      TRACE: TRACE\n",
        "      TRACE: TRACE\n      QUERY: QUERY\n",
        1,
    );
    assert_ne!(original, edited, "the edit applied");
    let before = canvas_logs_codegen::load("a.yaml", original).unwrap();
    let after = canvas_logs_codegen::load("b.yaml", &edited).unwrap();
    let before = canvas_logs_codegen::artifacts::all(&before);
    let after = canvas_logs_codegen::artifacts::all(&after);
    let schema = |all: &[canvas_logs_codegen::artifacts::Artifact]| {
        all.iter()
            .find(|a| a.path.ends_with("web_logs.json"))
            .expect("schema artifact")
            .contents
            .clone()
    };
    assert_ne!(schema(&before), schema(&after));
    assert!(schema(&after).contains("\"QUERY\""));
}
