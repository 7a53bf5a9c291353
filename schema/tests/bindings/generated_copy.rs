//! The rendered copy in `schema/generated/rust/` is what `build.rs` generated, and the constants
//! the hand-written support shares with the emitters are equal.

#[test]
fn checked_in_copy_equals_the_build_output() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/generated/rust/canvas_logs.rs");
    let checked_in = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}; run `cargo xtask codegen`"))
        .replace("\r\n", "\n");
    assert!(
        checked_in == canvas_logs::GENERATED_SOURCE,
        "{path} differs from what build.rs generated; run `cargo xtask codegen`"
    );
    assert!(checked_in.starts_with("// @generated"));
}

#[test]
fn support_patterns_equal_the_json_schema_emitters() {
    use canvas_logs_codegen::emit::json_schema;
    assert_eq!(
        canvas_logs::support::UUID_PATTERN,
        json_schema::UUID_PATTERN
    );
    assert_eq!(
        canvas_logs::support::TIMESTAMP_PATTERN,
        json_schema::TIMESTAMP_PATTERN
    );
}

#[test]
fn envelope_names_equal_the_model() {
    use canvas_logs_codegen::model::envelope;
    let record = crate::corpus::full_record();
    let object = record.as_object().expect("an object");
    for name in [envelope::KEY, envelope::VALUE, envelope::META] {
        assert!(object.contains_key(name), "{name}");
    }
    let meta = canvas_logs::RecordMeta {
        ts: "2026-01-01T00:00:00Z".parse().expect("a timestamp"),
        action: Some(canvas_logs::RecordAction::Delete),
    };
    let written = serde_json::to_value(meta).expect("serializes");
    assert_eq!(written[envelope::META_ACTION], envelope::ACTION_DELETE);
    assert_eq!(written[envelope::META_TS], "2026-01-01T00:00:00Z");
}
