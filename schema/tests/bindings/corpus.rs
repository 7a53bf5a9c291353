//! The record corpus: every valid shape, every rejection, and the documented differences.

use serde_json::{Map, Value, json};
use std::sync::OnceLock;

/// A complete, valid upsert record with every column set.
pub fn full_record() -> Value {
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
            "developer_key_id": 170000000000042_i64,
            "participated": true,
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"
        }
    })
}

/// The nullable value columns of `web_logs`.
pub const NULLABLE: [&str; 13] = [
    "user_id",
    "real_user_id",
    "course_id",
    "quiz_id",
    "discussion_id",
    "conversation_id",
    "assignment_id",
    "web_application_controller",
    "web_application_action",
    "web_application_context_type",
    "web_application_context_id",
    "session_id",
    "developer_key_id",
];

fn value_of(record: &mut Value) -> &mut Map<String, Value> {
    record["value"].as_object_mut().expect("value is an object")
}

/// The full record with one value column set to `v`.
pub fn with_column(column: &str, v: Value) -> Value {
    let mut record = full_record();
    value_of(&mut record).insert(column.to_owned(), v);
    record
}

/// The full record without one value column.
pub fn without_column(column: &str) -> Value {
    let mut record = full_record();
    value_of(&mut record).remove(column);
    record
}

/// A case: a name for messages, the column a rejection must name, and the record.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub column: &'static str,
    pub record: Value,
}

fn case(name: impl Into<String>, column: &'static str, record: Value) -> Case {
    Case {
        name: name.into(),
        column,
        record,
    }
}

/// Records every reader must accept.
pub fn valid() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(build_valid)
}

fn build_valid() -> Vec<Case> {
    let mut cases = vec![case("full upsert", "", full_record())];
    for m in canvas_logs::HttpMethod::ALL {
        cases.push(case(
            format!("http_method {m}"),
            "",
            with_column("http_method", json!(m.as_str())),
        ));
    }
    for v in canvas_logs::HttpVersion::ALL {
        cases.push(case(
            format!("http_version {v}"),
            "",
            with_column("http_version", json!(v.as_str())),
        ));
    }
    for c in canvas_logs::ContextType::ALL {
        cases.push(case(
            format!("context type {c}"),
            "",
            with_column("web_application_context_type", json!(c.as_str())),
        ));
    }
    for s in canvas_logs::HttpStatus::ALL {
        cases.push(case(
            format!("http_status {s}"),
            "",
            with_column("http_status", json!(s.as_u16())),
        ));
    }
    for column in ["web_application_controller", "web_application_action"] {
        for text in [
            "__dap_unspecified__",
            "_dap_unspecified_",
            "quizzes/quiz_submissions",
            "",
            "контроллер",
        ] {
            cases.push(case(
                format!("{column} {text:?}"),
                "",
                with_column(column, json!(text)),
            ));
        }
    }
    let mut all_absent = full_record();
    let mut all_null = full_record();
    for column in NULLABLE.iter().chain(&["user_agent"]) {
        value_of(&mut all_absent).remove(*column);
        value_of(&mut all_null).insert((*column).to_owned(), Value::Null);
        cases.push(case(format!("{column} absent"), "", without_column(column)));
        cases.push(case(
            format!("{column} null"),
            "",
            with_column(column, Value::Null),
        ));
    }
    cases.push(case("every nullable column absent", "", all_absent));
    cases.push(case("every nullable column null", "", all_null));
    let mut snapshot = full_record();
    snapshot["meta"].as_object_mut().map(|m| m.remove("action"));
    cases.push(case("snapshot record (no meta.action)", "", snapshot));
    cases.push(case(
        "delete without value",
        "",
        json!({ "meta": { "ts": "2026-11-02T10:11:12Z", "action": "D" },
                "key": { "id": "1c1a7d6e-5c3b-4bb0-9a54-8d2f0e7c9b11" } }),
    ));
    cases.push(case(
        "delete with null value",
        "",
        json!({ "meta": { "ts": "2026-11-02T10:11:12Z", "action": "D" },
                "key": { "id": "1c1a7d6e-5c3b-4bb0-9a54-8d2f0e7c9b11" }, "value": null }),
    ));
    let mut delete_with_value = full_record();
    delete_with_value["meta"]["action"] = json!("D");
    cases.push(case("delete carrying a valid value", "", delete_with_value));
    for (name, text) in [
        ("255 two-byte characters", "é".repeat(255)),
        ("255 four-byte characters", "😀".repeat(255)),
        ("255 ASCII characters", "a".repeat(255)),
        ("empty", String::new()),
        (
            "truncation sentinel",
            "__dap_oversized_truncated__".to_owned(),
        ),
        (
            "legacy truncation sentinel",
            "_dap_oversized_truncated_".to_owned(),
        ),
    ] {
        cases.push(case(
            format!("user_agent {name}"),
            "",
            with_column("user_agent", json!(text)),
        ));
    }
    cases.push(case(
        "int32 min",
        "",
        with_column("interaction_micros", json!(i32::MIN)),
    ));
    cases.push(case(
        "int32 max",
        "",
        with_column("interaction_micros", json!(i32::MAX)),
    ));
    cases.push(case(
        "int64 max",
        "",
        with_column("user_id", json!(i64::MAX)),
    ));
    cases.push(case(
        "int64 min",
        "",
        with_column("course_id", json!(i64::MIN)),
    ));
    cases.push(case("int64 zero", "", with_column("quiz_id", json!(0))));
    for ip in [
        "::",
        "::1",
        "2001:db8::1",
        "2001:DB8::1",
        "2001:0db8:0000:0000:0000:ff00:0042:8329",
        "fe80::1:2:3:4",
        "::ffff:192.0.2.1",
        "64:ff9b::192.0.2.33",
        "0.0.0.0",
        "255.255.255.255",
    ] {
        cases.push(case(
            format!("remote_ip {ip}"),
            "",
            with_column("remote_ip", json!(ip)),
        ));
    }
    cases.push(case(
        "upper-case uuid",
        "",
        with_column("session_id", json!("0F8FAD5B-D9CB-469F-A165-70867728950E")),
    ));
    for ts in [
        "2024-02-29T00:00:00Z",
        "2026-11-02T23:59:59.9Z",
        "1970-01-01T00:00:00.000000Z",
        "0001-01-01T00:00:00Z",
        "9999-12-30T21:59:59.999999Z",
    ] {
        cases.push(case(
            format!("timestamp {ts}"),
            "",
            with_column("timestamp", json!(ts)),
        ));
    }
    cases.push(case(
        "participated false",
        "",
        with_column("participated", json!(false)),
    ));
    cases
}

/// Records every reader must reject; `column` is what the error message must name.
pub fn invalid() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(build_invalid)
}

fn build_invalid() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut bad = |name: &str, column: &'static str, v: Value| {
        cases.push(case(
            format!("{column}: {name}"),
            column,
            with_column(column, v),
        ));
    };
    bad(
        "256 two-byte characters",
        "user_agent",
        json!("é".repeat(256)),
    );
    bad("256 ASCII characters", "user_agent", json!("a".repeat(256)));
    bad("a number", "user_agent", json!(5));
    bad(
        "int32 max + 1",
        "interaction_micros",
        json!(i64::from(i32::MAX) + 1),
    );
    bad(
        "int32 min - 1",
        "interaction_micros",
        json!(i64::from(i32::MIN) - 1),
    );
    bad(
        "int64 max + 1",
        "user_id",
        json!(u64::try_from(i64::MAX).unwrap_or(0) + 1),
    );
    bad("a float", "interaction_micros", json!(1.5));
    bad("a numeric string", "interaction_micros", json!("15"));
    bad("unknown status", "http_status", json!(999));
    bad("status beyond u16", "http_status", json!(70_000));
    bad("negative status", "http_status", json!(-200));
    bad("status as a string", "http_status", json!("200"));
    bad("lower-case method", "http_method", json!("get"));
    bad("unknown method", "http_method", json!("FETCH"));
    bad("unknown version", "http_version", json!("3.0"));
    bad(
        "unknown context type",
        "web_application_context_type",
        json!("Quizzes::Quiz"),
    );
    bad(
        "controller as a number",
        "web_application_controller",
        json!(1),
    );
    bad("not a uuid", "session_id", json!("not-a-uuid"));
    bad(
        "uuid without hyphens",
        "session_id",
        json!("0f8fad5bd9cb469fa16570867728950e"),
    );
    bad(
        "braced uuid",
        "session_id",
        json!("{0f8fad5b-d9cb-469f-a165-70867728950e}"),
    );
    bad(
        "uuid with a non-hex digit",
        "session_id",
        json!("0f8fad5b-d9cb-469f-a165-70867728950g"),
    );
    bad("IPv4 octet too large", "remote_ip", json!("256.1.1.1"));
    bad("IPv4 too short", "remote_ip", json!("1.2.3"));
    bad("IPv4 leading zero", "remote_ip", json!("192.168.001.1"));
    bad("IPv6 bad digit", "remote_ip", json!("2001:db8::g"));
    bad("IPv6 zone id", "remote_ip", json!("fe80::1%eth0"));
    bad("hostname", "remote_ip", json!("example.org"));
    bad("February 30", "timestamp", json!("2026-02-30T00:00:00Z"));
    bad(
        "offset instead of Z",
        "timestamp",
        json!("2026-11-02T10:11:12+01:00"),
    );
    bad("date only", "timestamp", json!("2026-11-02"));
    // RFC 3339 allows year 0000; PostgreSQL, SQL Server and the official client's TSV parser
    // refuse it, so it is no DAP timestamp (the pattern, the Rust type and the validator agree).
    bad("year 0000", "timestamp", json!("0000-01-01T00:00:00Z"));
    bad(
        "seven fractional digits",
        "timestamp",
        json!("2026-11-02T10:11:12.1234567Z"),
    );
    bad("hour 24", "timestamp", json!("2026-11-02T24:00:00Z"));
    bad(
        "space separator",
        "timestamp",
        json!("2026-11-02 10:11:12Z"),
    );
    bad("null", "url", Value::Null);
    bad("null", "participated", Value::Null);
    bad("a string", "participated", json!("true"));
    bad("null", "http_status", Value::Null);
    for column in [
        "timestamp",
        "url",
        "http_method",
        "http_status",
        "http_version",
        "remote_ip",
        "interaction_micros",
        "participated",
    ] {
        cases.push(case(
            format!("{column}: missing"),
            column,
            without_column(column),
        ));
    }
    let mut record = full_record();
    record["key"] = json!({});
    cases.push(case("id: missing", "id", record));
    let mut record = full_record();
    record["key"]["id"] = json!("1c1a7d6e5c3b4bb09a548d2f0e7c9b11");
    cases.push(case("id: without hyphens", "id", record));
    let mut record = full_record();
    record["meta"]["ts"] = json!("2026-11-02T10:11:12");
    cases.push(case("meta.ts: no zone", "meta.ts", record));
    let mut record = full_record();
    record["meta"].as_object_mut().map(|m| m.remove("ts"));
    cases.push(case("meta.ts: missing", "ts", record));
    let mut record = full_record();
    record["meta"]["action"] = json!("X");
    cases.push(case("meta.action: unknown", "meta.action", record));
    let mut record = full_record();
    record["meta"]["action"] = Value::Null;
    cases.push(case("meta.action: null", "meta.action", record));
    let mut record = full_record();
    value_of(&mut record).insert("colour".to_owned(), json!("red"));
    cases.push(case("unknown value column", "colour", record));
    let mut record = full_record();
    record["extra"] = json!(1);
    cases.push(case("unknown top-level field", "extra", record));
    let mut record = full_record();
    record.as_object_mut().map(|m| m.remove("value"));
    cases.push(case("upsert without value", "value", record));
    let mut record = full_record();
    record["value"] = Value::Null;
    cases.push(case("upsert with null value", "value", record));
    let mut record = full_record();
    record.as_object_mut().map(|m| m.remove("meta"));
    cases.push(case("meta missing", "meta", record));
    cases
}

/// A documented, deliberate difference between readers, excluded from the agreement checks.
#[derive(Debug, Clone)]
pub struct Difference {
    pub case: Case,
    /// Whether the emitted JSON Schema accepts the record.
    pub emitted_schema_accepts: bool,
    /// Whether the schemars-derived schema accepts it.
    pub schemars_schema_accepts: bool,
    /// Whether the Rust types deserialize it.
    pub rust_accepts: bool,
}

/// The known differences, each with its reason in the case name.
pub fn differences() -> Vec<Difference> {
    let mut delete_with_bad_value = full_record();
    delete_with_bad_value["meta"]["action"] = json!("D");
    delete_with_bad_value["value"]["user_agent"] = json!("a".repeat(256));
    let mut delete_with_empty_value = full_record();
    delete_with_empty_value["meta"]["action"] = json!("D");
    delete_with_empty_value["value"] = json!({});
    vec![
        // JSON Schema's `integer` admits a number with a zero fraction; serde reads an i32 only
        // from an integer literal (and a database would refuse `1.0` for an INTEGER column from
        // JSON too). Both schemas accept it, the Rust types do not.
        Difference {
            case: case(
                "1.0 as an integer (JSON Schema integer admits it)",
                "interaction_micros",
                with_column("interaction_micros", json!(1.0)),
            ),
            emitted_schema_accepts: true,
            schemars_schema_accepts: true,
            rust_accepts: false,
        },
        // jiff's `Timestamp` ends at 9999-12-30T22:00:00Z (so that every instant has a civil time
        // in every offset); the schemas accept the last 26 hours of year 9999 as well.
        Difference {
            case: case(
                "timestamp after jiff's last instant (9999-12-30T22:00:00Z)",
                "timestamp",
                with_column("timestamp", json!("9999-12-31T23:59:59.999999Z")),
            ),
            emitted_schema_accepts: true,
            schemars_schema_accepts: true,
            rust_accepts: false,
        },
        // DAP: a delete need not satisfy the value rules, so the emitted schema does not look at a
        // delete's `value`. The typed record has nowhere to put an invalid value, so it checks a
        // delete's value when one is present, and its schemars schema says so. Real deletes carry
        // no value.
        Difference {
            case: case(
                "delete carrying an invalid value (the emitted schema ignores it)",
                "user_agent",
                delete_with_bad_value,
            ),
            emitted_schema_accepts: true,
            schemars_schema_accepts: false,
            rust_accepts: false,
        },
        Difference {
            case: case(
                "delete carrying an empty value (the emitted schema ignores it)",
                "timestamp",
                delete_with_empty_value,
            ),
            emitted_schema_accepts: true,
            schemars_schema_accepts: false,
            rust_accepts: false,
        },
    ]
}

/// A validator for the emitted JSON Schema of `web_logs`, formats asserted.
pub fn emitted_schema() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/generated/json-schema/web_logs.json"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let schema: Value = serde_json::from_str(&text).expect("the emitted schema is JSON");
        compile(&schema)
    })
}

/// A validator for the schema schemars derives from `WebLogRecord`, formats asserted.
pub fn schemars_schema() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema = serde_json::to_value(schemars::schema_for!(canvas_logs::WebLogRecord))
            .expect("a schema serializes");
        compile(&schema)
    })
}

fn compile(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}\n{schema:#}"))
}
