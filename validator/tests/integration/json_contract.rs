//! The JSON report of a sample run, parsed back and checked against DESIGN.md's contract.

use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

/// The contract's codes in order: the first wave's nine, then `target` (`--target`).
const CODES: [&str; 10] = [
    "malformed",
    "unknown_column",
    "not_null",
    "type",
    "format",
    "range",
    "enum",
    "max_length",
    "duplicate_key",
    "target",
];

fn run_json(extra: &[&str]) -> (i32, Vec<Value>) {
    let sample = crate::workspace_root().join("samples/web_logs-invalid.jsonl.gz");
    let output = Command::new(env!("CARGO_BIN_EXE_dap-validate"))
        .args(["--report", "json"])
        .args(extra)
        .arg(&sample)
        .output()
        .expect("dap-validate runs");
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .expect("the report is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is one JSON object"))
        .collect();
    (output.status.code().unwrap_or(-1), lines)
}

#[test]
fn json_report_of_the_invalid_sample_follows_the_contract() {
    let (status, lines) = run_json(&[]);
    assert_eq!(status, 1);
    let (summary, violations) = lines.split_last().expect("at least a summary");
    let mut codes_seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut columns_seen: BTreeMap<String, u64> = BTreeMap::new();
    let (mut errors, mut warnings) = (0u64, 0u64);
    let mut last_record = 0;
    for v in violations {
        let object = v.as_object().expect("an object");
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "type", "severity", "file", "line", "record", "column", "code", "message", "value"
            ],
            "{v}"
        );
        assert_eq!(v["type"], "violation");
        assert!(
            v["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("web_logs-invalid.jsonl.gz"))
        );
        let line = v["line"].as_u64().expect("line is a number");
        let record = v["record"].as_u64().expect("record is a number");
        assert!(line >= 1 && record >= 1);
        // No blank lines in the sample: the record ordinal is the line number.
        assert_eq!(line, record);
        assert!(record >= last_record, "violations come in record order");
        last_record = record;
        let code = v["code"].as_str().expect("code is a string");
        assert!(CODES.contains(&code), "{code}");
        match v["severity"].as_str() {
            Some("error") => {
                assert_ne!(code, "duplicate_key");
                errors += 1;
            }
            Some("warning") => {
                assert_eq!(code, "duplicate_key");
                warnings += 1;
            }
            other => panic!("severity {other:?}"),
        }
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(v["value"].is_string() || v["value"].is_null());
        match &v["column"] {
            Value::String(c) => *columns_seen.entry(c.clone()).or_default() += 1,
            Value::Null => assert!(
                matches!(code, "malformed" | "type" | "not_null"),
                "only whole-record problems have no column: {v}"
            ),
            other => panic!("column {other}"),
        }
        if code == "malformed" {
            assert!(v["column"].is_null());
        }
        *codes_seen.entry(code.to_owned()).or_default() += 1;
    }
    // The invalid sample holds every code of the DAP rules (`target` needs `--target`; the
    // `target` CLI cases cover it).
    for code in CODES.into_iter().filter(|c| *c != "target") {
        assert!(
            codes_seen.contains_key(code),
            "no {code} in the invalid sample"
        );
    }
    let keys: Vec<&str> = summary
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        &keys[..9],
        [
            "type",
            "files",
            "records",
            "valid_records",
            "invalid_records",
            "errors",
            "warnings",
            "by_code",
            "by_column"
        ]
    );
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["files"], 1);
    assert_eq!(summary["records"], 502);
    assert_eq!(
        summary["records"].as_u64(),
        Some(
            summary["valid_records"].as_u64().unwrap_or(0)
                + summary["invalid_records"].as_u64().unwrap_or(0)
        )
    );
    assert_eq!(summary["errors"].as_u64(), Some(errors));
    assert_eq!(summary["warnings"].as_u64(), Some(warnings));
    let by_code = summary["by_code"].as_object().expect("by_code");
    assert_eq!(
        by_code.keys().map(String::as_str).collect::<Vec<_>>(),
        CODES
    );
    for (code, n) in by_code {
        assert_eq!(
            n.as_u64(),
            Some(codes_seen.get(code).copied().unwrap_or(0)),
            "{code}"
        );
    }
    let by_column = summary["by_column"].as_object().expect("by_column");
    let by_column: BTreeMap<String, u64> = by_column
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(by_column, columns_seen);
    assert_eq!(summary["duplicates"]["identical"], 1);
    assert_eq!(summary["duplicates"]["conflicting"], 1);
    let controllers = &summary["open_enum_values"]["web_application_controller"];
    assert_eq!(controllers["enum"], "Controller");
    assert!(
        controllers["values"]
            .as_object()
            .is_some_and(|v| v.len() >= 10)
    );
}

#[test]
fn redact_omits_values_and_max_errors_keeps_counts() {
    let (_, full) = run_json(&[]);
    let (status, lines) = run_json(&["--redact", "--max-errors", "5"]);
    assert_eq!(status, 1);
    let (summary, violations) = lines.split_last().expect("summary");
    assert_eq!(violations.len(), 5);
    for v in violations {
        assert!(v.get("value").is_none(), "{v}");
        assert!(!v.to_string().contains("Mozilla"));
    }
    let full_summary = full.last().expect("summary");
    for key in [
        "records",
        "valid_records",
        "invalid_records",
        "errors",
        "warnings",
        "by_code",
        "by_column",
    ] {
        assert_eq!(
            summary[key], full_summary[key],
            "{key} stays exact under --max-errors"
        );
    }
}
