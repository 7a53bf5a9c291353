//! The profile and drift through the command line: a baseline day and a day that drifted in
//! every way a drift code names, the thresholds, `--fail-on-drift`, bad baselines, and a
//! profile checked against counts computed here from the records written.

use dap_validate::synth::{Generator, Record};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dap-drift-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// `n` valid records at the given hours of 2026-12-04 (cycling), each edited by `edit`.
fn export(path: &Path, n: usize, hours: &[u32], edit: impl Fn(usize, &mut Record)) {
    let mut generator = Generator::new(7);
    let mut text = String::new();
    for i in 0..n {
        let mut record = generator.record();
        let hour = hours[i % hours.len()];
        let ts = format!("\"2026-12-04T{hour:02}:{:02}:00Z\"", i % 60);
        record.meta_ts = Some(ts.clone());
        record.set("timestamp", Some(&ts));
        edit(i, &mut record);
        text.push_str(&record.to_line());
        text.push('\n');
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dap-validate"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn summary(output: &Output) -> Value {
    let last = output
        .stdout
        .split(|&b| b == b'\n')
        .rfind(|l| !l.is_empty())
        .unwrap_or_default();
    serde_json::from_slice(last)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn codes(summary: &Value) -> Vec<(String, Option<String>, Option<u64>)> {
    summary["drift"]
        .as_array()
        .unwrap_or_else(|| panic!("no drift list: {summary}"))
        .iter()
        .map(|w| {
            (
                w["code"].as_str().unwrap_or_default().to_owned(),
                w["column"].as_str().map(str::to_owned),
                w["count"].as_u64(),
            )
        })
        .collect()
}

/// The baseline: 480 records, 20 in each hour of the day.
fn baseline(dir: &Path) -> PathBuf {
    let data = dir.join("monday.jsonl");
    export(&data, 480, &(0..24).collect::<Vec<_>>(), |_, _| {});
    let profile = dir.join("monday.profile.json");
    let out = run(&[
        "--profile-out",
        profile.to_str().unwrap_or_default(),
        data.to_str().unwrap_or_default(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    profile
}

#[test]
fn every_drift_code_is_reported_with_its_count() {
    let dir = scratch("codes");
    let profile = baseline(&dir);
    // 60 records (an eighth of the volume) in hours 0-2 and 5 (3 and 4 empty); 7 records of a
    // new controller; user_id null in half; session_id null in all.
    let today = dir.join("tuesday.jsonl");
    export(&today, 60, &[0, 1, 2, 5], |i, r| {
        if i % 9 == 0 {
            r.set(
                "web_application_controller",
                Some("\"brand_new_controller\""),
            );
        }
        if i % 2 == 0 {
            r.set("user_id", None);
        }
        r.set("session_id", None);
    });
    let args = [
        "--report",
        "json",
        "--baseline",
        profile.to_str().unwrap_or_default(),
    ];
    let out = run(&[&args[..], &[today.to_str().unwrap_or_default()]].concat());
    assert_eq!(
        out.status.code(),
        Some(0),
        "drift alone does not fail the run"
    );
    let s = summary(&out);
    let found = codes(&s);
    let has = |code: &str, column: Option<&str>, count: u64| {
        found
            .iter()
            .any(|(c, col, n)| c == code && col.as_deref() == column && *n == Some(count))
    };
    assert!(
        has("drift_new_value", Some("web_application_controller"), 7),
        "{found:?}"
    );
    assert!(has("drift_null_rate", Some("user_id"), 30), "{found:?}");
    assert!(has("drift_volume", None, 60), "{found:?}");
    assert!(has("drift_gap", Some("meta.ts"), 2), "{found:?}");
    assert!(has("drift_gap", Some("timestamp"), 2), "{found:?}");
    assert!(
        has("drift_missing_column", Some("session_id"), 60),
        "{found:?}"
    );
    // The missing column is not also a null-rate move; nothing else drifted.
    assert!(!has("drift_null_rate", Some("session_id"), 60), "{found:?}");
    assert_eq!(found.len(), 6, "{found:?}");
    // In code order, the documented one.
    let order: Vec<&str> = found.iter().map(|(c, _, _)| c.as_str()).collect();
    let mut sorted = order.clone();
    sorted.sort_by_key(|c| {
        [
            "drift_new_value",
            "drift_null_rate",
            "drift_volume",
            "drift_gap",
            "drift_missing_column",
        ]
        .iter()
        .position(|k| k == c)
    });
    assert_eq!(order, sorted);
    let value = s["drift"][0]["value"].as_str();
    assert_eq!(value, Some("brand_new_controller"));
    // --redact keeps the warning, not the value.
    let out = run(&[&args[..], &["--redact", today.to_str().unwrap_or_default()]].concat());
    let redacted = summary(&out);
    assert_eq!(redacted["drift"][0]["code"], "drift_new_value");
    assert_eq!(redacted["drift"][0]["value"], Value::Null);
    // --fail-on-drift turns it into exit status 1.
    let out = run(&[
        &args[..],
        &["--fail-on-drift", today.to_str().unwrap_or_default()],
    ]
    .concat());
    assert_eq!(out.status.code(), Some(1));
    // The human report lists the drift lines too.
    let out = run(&[
        "--baseline",
        profile.to_str().unwrap_or_default(),
        today.to_str().unwrap_or_default(),
    ]);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("drift_missing_column") && human.contains("session_id"),
        "{human}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn thresholds_move_the_warnings_and_a_day_like_the_baseline_has_none() {
    let dir = scratch("thresholds");
    let profile = baseline(&dir);
    let p = profile.to_str().unwrap_or_default();
    // The baseline's own data against itself: no drift.
    let same = dir.join("monday.jsonl");
    let out = run(&[
        "--report",
        "json",
        "--fail-on-drift",
        "--baseline",
        p,
        same.to_str().unwrap_or_default(),
    ]);
    assert_eq!(codes(&summary(&out)), vec![], "a day against itself");
    assert_eq!(out.status.code(), Some(0));
    // A day with 30% of user_id null and 300 records (0.625x): warned at the defaults...
    let today = dir.join("wednesday.jsonl");
    export(&today, 300, &(0..24).collect::<Vec<_>>(), |i, r| {
        if i % 10 < 3 {
            r.set("user_id", None);
        }
    });
    let t = today.to_str().unwrap_or_default();
    let out = run(&["--report", "json", "--baseline", p, t]);
    let found: Vec<String> = codes(&summary(&out)).into_iter().map(|c| c.0).collect();
    assert_eq!(
        found,
        ["drift_null_rate"],
        "0.625x is inside the default band of 0.5"
    );
    // ...not with a wider null-rate threshold, and the volume warns with a narrower band.
    let out = run(&[
        "--report",
        "json",
        "--baseline",
        p,
        "--drift-null-rate",
        "0.35",
        "--drift-volume",
        "0.2",
        t,
    ]);
    let found: Vec<String> = codes(&summary(&out)).into_iter().map(|c| c.0).collect();
    assert_eq!(found, ["drift_volume"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_baseline_that_is_not_a_profile_is_refused_naming_it() {
    let dir = scratch("bad");
    let data = dir.join("a.jsonl");
    export(&data, 3, &[0], |_, _| {});
    let d = data.to_str().unwrap_or_default();
    for (content, says) in [
        ("not json", "not JSON"),
        ("{\"type\":\"summary\"}", "no \"profile_version\""),
        (
            "{\"profile_version\":99,\"run\":{\"columns\":{}}}",
            "profile_version 99",
        ),
        (
            "{\"profile_version\":1,\"run\":{\"columns\":{\"x\":{\"values\":[1]}}}}",
            "columns.x.values is not an object",
        ),
    ] {
        let bad = dir.join("bad.json");
        std::fs::write(&bad, content).unwrap_or_else(|e| panic!("{e}"));
        let out = run(&["--baseline", bad.to_str().unwrap_or_default(), d]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{content}: {stderr}");
        assert!(
            stderr.contains("bad.json") && stderr.contains(says),
            "{content}: {stderr}"
        );
    }
    let out = run(&[
        "--baseline",
        dir.join("absent.json").to_str().unwrap_or_default(),
        d,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.json"));
    // A JSON report (its last line is the summary) serves as a baseline too.
    let report = dir.join("report.jsonl");
    let out = run(&["--report", "json", d]);
    std::fs::write(&report, &out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let out = run(&[
        "--report",
        "json",
        "--fail-on-drift",
        "--baseline",
        report.to_str().unwrap_or_default(),
        d,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_profile_matches_counts_made_from_the_records() {
    let dir = scratch("counts");
    let data = dir.join("a.jsonl");
    let mut generator = Generator::new(11);
    let records: Vec<Record> = (0..2000).map(|_| generator.record()).collect();
    let text: String = records.iter().map(|r| r.to_line() + "\n").collect();
    std::fs::write(&data, text).unwrap_or_else(|e| panic!("{e}"));
    let out = run(&["--report", "json", data.to_str().unwrap_or_default()]);
    let profile = &summary(&out)["profile"]["run"]["columns"];
    for column in [
        "user_id",
        "course_id",
        "user_agent",
        "session_id",
        "http_method",
        "timestamp",
    ] {
        let raw: Vec<&str> = records
            .iter()
            .filter_map(|r| r.get(column))
            .filter(|v| *v != "null")
            .collect();
        let c = &profile[column];
        assert_eq!(c["records"], 2000, "{column}");
        assert_eq!(
            c["nulls"].as_u64(),
            Some(2000 - raw.len() as u64),
            "{column}"
        );
        match column {
            "user_id" | "course_id" => {
                let ints: Vec<i64> = raw.iter().filter_map(|v| v.parse().ok()).collect();
                assert_eq!(c["min"].as_i64(), ints.iter().min().copied(), "{column}");
                assert_eq!(c["max"].as_i64(), ints.iter().max().copied(), "{column}");
            }
            "user_agent" => {
                let texts: Vec<String> = raw
                    .iter()
                    .filter_map(|v| serde_json::from_str(v).ok())
                    .collect();
                let chars = texts.iter().map(|t: &String| t.chars().count()).max();
                let bytes = texts.iter().map(String::len).max();
                assert_eq!(c["max_chars"].as_u64(), chars.map(|n| n as u64));
                assert_eq!(c["max_bytes"].as_u64(), bytes.map(|n| n as u64));
            }
            "http_method" => {
                let get = raw.iter().filter(|v| **v == "\"GET\"").count() as u64;
                assert_eq!(c["values"]["GET"].as_u64(), Some(get));
                let total: u64 = c["values"]
                    .as_object()
                    .map_or(0, |m| m.values().filter_map(Value::as_u64).sum());
                assert_eq!(total, raw.len() as u64);
            }
            "timestamp" => {
                let mut stamps: Vec<String> = raw
                    .iter()
                    .filter_map(|v| serde_json::from_str(v).ok())
                    .collect();
                stamps.sort();
                let hours: u64 = c["hours"]
                    .as_object()
                    .map_or(0, |m| m.values().filter_map(Value::as_u64).sum());
                assert_eq!(hours, raw.len() as u64);
                // Same-length DAP timestamps (the generator writes six digits) sort as text.
                if stamps.iter().all(|s| s.len() == 27) {
                    assert_eq!(c["min"].as_str(), stamps.first().map(String::as_str));
                    assert_eq!(c["max"].as_str(), stamps.last().map(String::as_str));
                }
            }
            _ => {}
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
