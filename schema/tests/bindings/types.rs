//! The enum, text and row APIs of the generated types.

use canvas_logs::{
    Action, ContextType, Controller, HttpMethod, HttpStatus, HttpVersion, UserAgent,
};
use std::str::FromStr;

#[test]
fn closed_enums_display_and_parse_their_wire_values() {
    for m in HttpMethod::ALL {
        assert_eq!(HttpMethod::from_str(&m.to_string()), Ok(m));
        assert_eq!(serde_json::to_value(m).expect("serializes"), m.as_str());
    }
    for v in HttpVersion::ALL {
        assert_eq!(v.to_string().parse::<HttpVersion>(), Ok(v));
    }
    assert_eq!(HttpVersion::Http11.to_string(), "1.1");
    assert_eq!(
        ContextType::QuizzesQuizSubmission.as_str(),
        "Quizzes::QuizSubmission"
    );
    assert_eq!(
        "Quizzes::QuizSubmission".parse(),
        Ok(ContextType::QuizzesQuizSubmission)
    );
    let error = "get".parse::<HttpMethod>().expect_err("case-sensitive");
    assert_eq!(error.enum_name(), "HTTPMethod");
    assert!(error.to_string().contains("`GET`"), "{error}");
}

#[test]
fn http_status_is_integer_valued() {
    assert_eq!(HttpStatus::try_from(404), Ok(HttpStatus::NotFound));
    assert_eq!(HttpStatus::ImATeapot.as_u16(), 418);
    assert!(HttpStatus::try_from(299).is_err());
    assert_eq!(
        serde_json::to_string(&HttpStatus::Ok).expect("serializes"),
        "200"
    );
    assert_eq!(
        serde_json::from_str::<HttpStatus>("201").expect("reads"),
        HttpStatus::Created
    );
    assert!(serde_json::from_str::<HttpStatus>("\"200\"").is_err());
    assert_eq!("503".parse(), Ok(HttpStatus::ServiceUnavailable));
    assert_eq!(HttpStatus::ALL.len(), 62);
    for s in HttpStatus::ALL {
        assert_eq!(HttpStatus::try_from(s.as_u16()), Ok(s));
    }
}

#[test]
fn open_enums_keep_any_string_and_write_sentinels_canonically() {
    assert_eq!(
        Controller::from("_dap_unspecified_"),
        Controller::Unspecified
    );
    assert_eq!(
        Controller::from("__dap_unspecified__"),
        Controller::Unspecified
    );
    assert_eq!(Action::from("show"), Action::Other("show".to_owned()));
    assert!(!Action::from("show").is_known());
    assert_eq!(Controller::Unspecified.to_string(), "__dap_unspecified__");
    let read: Controller = serde_json::from_str("\"_dap_unspecified_\"").expect("reads");
    assert_eq!(
        serde_json::to_string(&read).expect("writes"),
        "\"__dap_unspecified__\""
    );
    let read: Controller = serde_json::from_str("\"courses\"").expect("reads");
    assert_eq!(read.as_str(), "courses");
    assert_eq!(Controller::KNOWN, [Controller::Unspecified]);
}

#[test]
fn user_agent_limits_characters_not_bytes() {
    assert_eq!(UserAgent::MAX_LENGTH, 255);
    let longest = "😀".repeat(255);
    assert_eq!(
        UserAgent::new(longest.clone()).map(UserAgent::into_string),
        Ok(longest)
    );
    let error = UserAgent::new("😀".repeat(256)).expect_err("too long");
    assert_eq!((error.length, error.max_length), (256, 255));
    assert!(UserAgent::try_from("a".repeat(256).as_str()).is_err());
    assert!(serde_json::from_str::<UserAgent>(&format!("\"{}\"", "b".repeat(256))).is_err());
}

#[test]
fn user_agent_recognises_the_truncation_sentinel() {
    let truncated = UserAgent::new("_dap_oversized_truncated_").expect("a sentinel");
    assert!(truncated.is_truncated());
    assert!(truncated.is_sentinel());
    assert_eq!(truncated, UserAgent::truncated());
    assert_eq!(truncated.as_str(), "__dap_oversized_truncated__");
    let plain = UserAgent::new("curl/8.0").expect("short");
    assert!(!plain.is_truncated());
    assert_eq!(plain.to_string(), "curl/8.0");
}

#[test]
fn rows_know_their_table() {
    assert_eq!(canvas_logs::WebLog::TABLE, "web_logs");
    assert_eq!(canvas_logs::WebLog::COLUMNS.len(), 23);
    assert_eq!(canvas_logs::WebLog::COLUMNS[0], "id");
    assert_eq!(canvas_logs::NAMESPACE, "canvas_logs");
    assert_eq!(canvas_logs::SCHEMA_VERSION, 1);
}
