//! Invalid records fail to deserialize, with a message naming the column.

use crate::corpus::{self, emitted_schema};
use canvas_logs::WebLogRecord;

#[test]
fn every_invalid_record_is_rejected_naming_its_column() {
    assert!(corpus::invalid().len() > 50);
    for case in corpus::invalid() {
        assert!(
            !emitted_schema().is_valid(&case.record),
            "corpus case is not invalid under the emitted schema: {}",
            case.name
        );
        let text = case.record.to_string();
        let error = serde_json::from_str::<WebLogRecord>(&text)
            .expect_err(&format!("accepted: {}", case.name));
        let message = error.to_string();
        assert!(
            message.contains(&format!("`{}`", case.column)),
            "{}: the message does not name `{}`: {message}",
            case.name,
            case.column
        );
    }
}

#[test]
fn messages_say_what_is_wrong_once() {
    let record = corpus::with_column("user_agent", serde_json::json!("é".repeat(256)));
    let message = serde_json::from_str::<WebLogRecord>(&record.to_string())
        .expect_err("too long")
        .to_string();
    assert!(
        message.starts_with(
            "column `user_agent`: text is 256 characters long; at most 255 are allowed at line 1 column"
        ),
        "{message}"
    );
    assert_eq!(message.matches(" at line ").count(), 1, "{message}");

    let record = corpus::with_column("http_method", serde_json::json!("get"));
    let message = serde_json::from_str::<WebLogRecord>(&record.to_string())
        .expect_err("unknown")
        .to_string();
    assert!(
        message.starts_with("column `http_method`: unknown variant `get`"),
        "{message}"
    );

    let record = corpus::with_column("http_status", serde_json::json!(999));
    let message = serde_json::from_str::<WebLogRecord>(&record.to_string())
        .expect_err("unknown")
        .to_string();
    assert!(
        message.starts_with(
            "column `http_status`: `999` is not a HTTPStatus value; expected one of `100`"
        ),
        "{message}"
    );
}
