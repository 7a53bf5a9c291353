//! Every valid record deserializes, serializes and deserializes again to an equal value, and the
//! serialized JSON is valid under the emitted JSON Schema.

use crate::corpus::{self, emitted_schema};
use canvas_logs::{WebLogChange, WebLogRecord};
use serde_json::{Value, json};

fn read(record: &Value) -> WebLogRecord {
    serde_json::from_str(&record.to_string()).unwrap_or_else(|e| panic!("{e}\n{record}"))
}

#[test]
fn every_valid_shape_round_trips_and_stays_schema_valid() {
    assert!(
        corpus::valid().len() > 150,
        "the corpus covers every enum value"
    );
    for case in corpus::valid() {
        assert!(
            emitted_schema().is_valid(&case.record),
            "corpus record is invalid: {}",
            case.name
        );
        let first = read(&case.record);
        let text = serde_json::to_string(&first).expect("a record serializes");
        let second: WebLogRecord = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: re-reading {text} failed: {e}", case.name));
        assert_eq!(first, second, "{}", case.name);
        let written: Value = serde_json::from_str(&text).expect("JSON");
        let errors: Vec<String> = emitted_schema()
            .iter_errors(&written)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{}: {text} violates the schema: {errors:?}",
            case.name
        );
    }
}

#[test]
fn absent_and_null_both_read_as_none_and_are_written_absent() {
    let absent = read(&corpus::without_column("session_id"));
    let null = read(&corpus::with_column("session_id", Value::Null));
    assert_eq!(absent, null);
    assert_eq!(absent.value().and_then(|v| v.session_id), None);
    let written = serde_json::to_value(&null).expect("serializes");
    assert!(written["value"].get("session_id").is_none(), "{written}");
}

#[test]
fn sentinels_are_read_in_both_spellings_and_written_canonically() {
    for (column, legacy, canonical) in [
        (
            "user_agent",
            "_dap_oversized_truncated_",
            "__dap_oversized_truncated__",
        ),
        (
            "web_application_controller",
            "_dap_unspecified_",
            "__dap_unspecified__",
        ),
        (
            "web_application_action",
            "_dap_unspecified_",
            "__dap_unspecified__",
        ),
    ] {
        let legacy_record = read(&corpus::with_column(column, json!(legacy)));
        let canonical_record = read(&corpus::with_column(column, json!(canonical)));
        assert_eq!(legacy_record, canonical_record, "{column}");
        let written = serde_json::to_value(&legacy_record).expect("serializes");
        assert_eq!(written["value"][column], json!(canonical), "{column}");
    }
}

#[test]
fn large_and_boundary_values_keep_their_exact_value() {
    let record = read(&corpus::with_column("user_id", json!(i64::MAX)));
    assert_eq!(record.value().and_then(|v| v.user_id), Some(i64::MAX));
    let record = read(&corpus::with_column("interaction_micros", json!(i32::MIN)));
    assert_eq!(record.value().map(|v| v.interaction_micros), Some(i32::MIN));
    let record = read(&corpus::with_column("remote_ip", json!("::ffff:192.0.2.1")));
    let ip: std::net::IpAddr = "::ffff:192.0.2.1".parse().expect("an IPv6 address");
    assert_eq!(record.value().map(|v| v.remote_ip), Some(ip));
    let written = serde_json::to_value(&record).expect("serializes");
    assert_eq!(written["value"]["remote_ip"], json!("::ffff:192.0.2.1"));
    let text = "😀".repeat(255);
    let record = read(&corpus::with_column("user_agent", json!(text)));
    let written = serde_json::to_value(&record).expect("serializes");
    assert_eq!(written["value"]["user_agent"], json!(text));
}

#[test]
fn timestamps_keep_microseconds_and_are_written_in_utc() {
    let record = read(&corpus::with_column(
        "timestamp",
        json!("2026-11-02T10:11:12.000001Z"),
    ));
    let written = serde_json::to_value(&record).expect("serializes");
    assert_eq!(
        written["value"]["timestamp"],
        json!("2026-11-02T10:11:12.000001Z")
    );
    assert_eq!(written["meta"]["ts"], json!("2026-11-02T10:11:12.123456Z"));
}

#[test]
fn a_timestamp_finer_than_microseconds_is_refused_on_write() {
    let row = read(&corpus::full_record()).into_row().expect("an upsert");
    let ts: jiff::Timestamp = "2026-11-02T10:11:12.123456789Z"
        .parse()
        .expect("a timestamp");
    let record = WebLogRecord::upsert(row, ts);
    let error = serde_json::to_string(&record).expect_err("nanoseconds cannot be exported");
    assert!(error.to_string().contains("microsecond"), "{error}");
}

#[test]
fn deletes_round_trip_and_convert_to_a_delete_of_the_key() {
    let case = corpus::valid()
        .iter()
        .find(|c| c.name == "delete without value")
        .expect("case");
    let record = read(&case.record);
    assert!(record.is_delete());
    assert_eq!(record.value(), None);
    let written = serde_json::to_value(&record).expect("serializes");
    assert_eq!(written, case.record);
    let id = record.key().id;
    match record.into_change() {
        WebLogChange::Delete(key) => assert_eq!(key.id, id),
        other => panic!("expected a delete, got {other:?}"),
    }
}

#[test]
fn upserts_convert_to_rows_and_rows_back_to_the_same_record() {
    let record = read(&corpus::full_record());
    let ts = record.meta().ts;
    let row = record.clone().into_row().expect("an upsert carries a row");
    assert_eq!(row.key(), *record.key());
    assert_eq!(row.url, "/courses/1/assignments/8?module_item_id=9");
    assert_eq!(WebLogRecord::upsert(row.clone(), ts), record);
    // The flat row has its own serde form: every column at the top level.
    let flat = serde_json::to_value(&row).expect("serializes");
    assert_eq!(flat["id"], json!("1c1a7d6e-5c3b-4bb0-9a54-8d2f0e7c9b11"));
    assert_eq!(flat["http_status"], json!(200));
    let back: canvas_logs::WebLog = serde_json::from_value(flat).expect("reads back");
    assert_eq!(back, row);
}
