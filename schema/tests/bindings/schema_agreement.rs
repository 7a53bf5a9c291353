//! The schema schemars derives from the generated types, the emitted JSON Schema and the Rust
//! deserializer accept and reject the same records, over the whole corpus; the documented
//! differences (`corpus::differences`) are checked to be exactly as documented.

use crate::corpus::{self, emitted_schema, schemars_schema};
use canvas_logs::WebLogRecord;

fn rust_accepts(record: &serde_json::Value) -> bool {
    serde_json::from_str::<WebLogRecord>(&record.to_string()).is_ok()
}

#[test]
fn all_three_agree_on_every_corpus_record() {
    let mut checked = 0;
    for (case, expected) in corpus::valid()
        .iter()
        .map(|c| (c, true))
        .chain(corpus::invalid().iter().map(|c| (c, false)))
    {
        assert_eq!(
            emitted_schema().is_valid(&case.record),
            expected,
            "emitted: {}",
            case.name
        );
        assert_eq!(
            schemars_schema().is_valid(&case.record),
            expected,
            "schemars: {}",
            case.name
        );
        assert_eq!(rust_accepts(&case.record), expected, "rust: {}", case.name);
        checked += 1;
    }
    assert!(checked > 200);
}

#[test]
fn the_documented_differences_are_exactly_as_documented() {
    for difference in corpus::differences() {
        let record = &difference.case.record;
        let name = &difference.case.name;
        assert_eq!(
            emitted_schema().is_valid(record),
            difference.emitted_schema_accepts,
            "emitted: {name}"
        );
        assert_eq!(
            schemars_schema().is_valid(record),
            difference.schemars_schema_accepts,
            "schemars: {name}"
        );
        assert_eq!(
            rust_accepts(record),
            difference.rust_accepts,
            "rust: {name}"
        );
    }
}

#[test]
fn the_schemars_schema_is_a_strict_record_schema() {
    let schema = serde_json::to_value(schemars::schema_for!(WebLogRecord)).expect("serializes");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["additionalProperties"], false);
    assert!(jsonschema::meta::is_valid(&schema));
}
