//! Bindings generated from `tests/data/generator_fixture.yaml`, a schema deliberately unlike
//! `canvas_logs`, compiled and exercised here: the generator is driven by the model alone (closed
//! enums with aliases, `i32` integer enums, composite keys, keyword columns, name collisions).

use super::support;

include!(concat!(env!("OUT_DIR"), "/generator_fixture.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"key":{"tenant":1,"id":"a"},"value":{"type":"t","note":"n","mode":"fast"},"meta":{"ts":"2026-01-01T00:00:00Z"}}"#;

    #[test]
    fn closed_enum_sentinels_are_aliases_and_in_the_schema() {
        let mode: Mode = serde_json::from_str("\"_dap_unspecified_\"").expect("an alias");
        assert_eq!(mode, Mode::Unspecified);
        assert_eq!(
            serde_json::to_string(&mode).expect("writes"),
            "\"__dap_unspecified__\""
        );
        let schema = serde_json::to_value(schemars::schema_for!(Mode)).expect("serializes");
        assert_eq!(
            schema["enum"],
            serde_json::json!(["__dap_unspecified__", "_dap_unspecified_", "fast", "slow"])
        );
    }

    #[test]
    fn integer_enums_beyond_u16_use_i32() {
        assert_eq!(Level::try_from(-5), Ok(Level::Low));
        assert_eq!(Level::High.as_i32(), 70000);
        assert_eq!(
            serde_json::from_str::<Level>("70000").expect("reads"),
            Level::High
        );
        assert!(serde_json::from_str::<Level>("1").is_err());
    }

    #[test]
    fn text_types_follow_their_column() {
        assert!(
            StatuseNote::new("abcd").is_err(),
            "the statuses note has max_length 3"
        );
        assert!(
            Note::new("x".repeat(1000)).is_ok(),
            "the things note has no limit"
        );
        assert!(Note::new("_dap_oversized_truncated_").is_ok_and(|n| n.is_truncated()));
    }

    #[test]
    fn composite_keys_and_keyword_columns_round_trip() {
        let record: ThingRecord = serde_json::from_str(LINE).expect("reads");
        assert_eq!(
            record.key(),
            &ThingKey {
                tenant: 1,
                id: "a".to_owned()
            }
        );
        let row = record.clone().into_row().expect("an upsert (snapshot)");
        assert_eq!(row.r#type.as_deref(), Some("t"));
        let written = serde_json::to_string(&record).expect("writes");
        assert_eq!(
            serde_json::from_str::<ThingRecord>(&written).expect("reads back"),
            record
        );
        let error = serde_json::from_str::<ThingRecord>(&LINE.replace("fast", "medium"))
            .expect_err("not a Mode");
        assert!(error.to_string().starts_with("column `mode`: "), "{error}");
    }
}
