//! Every report format is byte-identical for `--jobs 1` to `4`, on every checked-in fixture and
//! sample, and on an export with more distinct controllers than the open-enum tally keeps (where
//! which values are kept must not depend on threads either). The Markdown step summary, the
//! `--profile-out` profile and the `--html-out` page too.

use crate::{tests_dir, workspace_root};
use std::path::{Path, PathBuf};
use std::process::Command;

const REPORTS: [&str; 5] = ["human", "json", "github", "junit", "sarif"];

/// stdout, exit status, step summary, profile file and HTML page of one run.
fn run(dir: &Path, args: &[&str], jobs: u16) -> (String, Option<i32>, String, String, String) {
    // One directory per call: the tests of this file run at the same time.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out = std::env::temp_dir().join(format!("dap-jobs-out-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
    let summary = out.join(format!("summary-{jobs}.md"));
    let profile = out.join(format!("profile-{jobs}.json"));
    let page = out.join(format!("report-{jobs}.html"));
    for file in [&summary, &profile, &page] {
        let _ = std::fs::remove_file(file);
    }
    let output = Command::new(env!("CARGO_BIN_EXE_dap-validate"))
        .current_dir(dir)
        .args(args)
        .arg(format!("--jobs={jobs}"))
        .arg("--profile-out")
        .arg(&profile)
        .arg("--html-out")
        .arg(&page)
        .env("NO_COLOR", "1")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    let result = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        output.status.code(),
        read(&summary),
        read(&profile),
        read(&page),
    );
    let _ = std::fs::remove_dir_all(&out);
    // Exit 2 before any check (a usage error) writes neither; every run here checks records.
    assert!(
        result.3.contains("\"profile_version\"") && result.4.contains("</html>"),
        "{args:?}: no profile or page written"
    );
    result
}

fn assert_same_for_every_job_count(dir: &Path, args: &[&str]) {
    let first = run(dir, args, 1);
    for jobs in 2..=4 {
        let other = run(dir, args, jobs);
        assert!(
            other == first,
            "{args:?}: --jobs {jobs} differs from --jobs 1\n--- 1\n{}\n--- {jobs}\n{}",
            first.0,
            other.0
        );
    }
}

/// Every export file under `dir`, recursively, sorted.
fn exports(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            exports(&path, out);
        } else if path
            .file_name()
            .and_then(|n| dap_validate::files::export_format_of_name(n.as_encoded_bytes()))
            .is_some()
        {
            out.push(path);
        }
    }
}

#[test]
fn every_report_is_the_same_for_any_jobs_on_every_fixture() {
    let mut files = Vec::new();
    exports(&tests_dir().join("fixtures"), &mut files);
    exports(&workspace_root().join("samples"), &mut files);
    assert!(files.len() >= 20, "{files:?}");
    let root = workspace_root();
    for file in &files {
        let path = file.display().to_string();
        for report in REPORTS {
            assert_same_for_every_job_count(&root, &["--report", report, &path]);
        }
    }
    // All of them in one run too (files are merged in order).
    let all: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let mut args: Vec<&str> = vec!["--report", "json"];
    args.extend(all.iter().map(String::as_str));
    assert_same_for_every_job_count(&root, &args);
}

/// More distinct controllers than the tally keeps: the kept values, their counts and the
/// untracked count are the same whatever the threads, and the summary says so.
#[test]
fn past_the_tally_bound_reports_do_not_depend_on_jobs() {
    let distinct = dap_validate::summary::MAX_TRACKED_VALUES + 4_000;
    let mut base = Vec::new();
    dap_validate::synth::write_export(&mut base, 11, 500, 0).unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<String> = String::from_utf8_lossy(&base)
        .lines()
        .filter(|l| l.contains("\"web_application_controller\":\""))
        .map(str::to_owned)
        .collect();
    assert!(!lines.is_empty());
    let mut text = String::new();
    for i in 0..distinct + 2_000 {
        let line = &lines[i % lines.len()];
        let start = line
            .find("\"web_application_controller\":\"")
            .map(|s| s + "\"web_application_controller\":\"".len())
            .unwrap_or_default();
        let end = start + line[start..].find('"').unwrap_or_default();
        let controller = format!("ctl_{}", i % distinct);
        text.push_str(&line[..start]);
        text.push_str(&controller);
        text.push_str(&line[end..]);
        text.push('\n');
    }
    let dir = std::env::temp_dir().join(format!("dap-jobs-tally-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("many.jsonl"), text).unwrap_or_else(|e| panic!("{e}"));
    for report in ["json", "human"] {
        assert_same_for_every_job_count(
            &dir,
            &["--report", report, "--no-duplicate-check", "many.jsonl"],
        );
    }
    let (json, ..) = run(
        &dir,
        &["--report", "json", "--no-duplicate-check", "many.jsonl"],
        2,
    );
    let summary: serde_json::Value = json
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_default();
    let controller = &summary["open_enum_values"]["web_application_controller"];
    let kept = controller["values"].as_object().map(serde_json::Map::len);
    assert_eq!(kept, Some(dap_validate::summary::MAX_TRACKED_VALUES));
    assert_eq!(controller["complete"], serde_json::json!(false));
    let counted: u64 = controller["values"]
        .as_object()
        .map(|m| m.values().filter_map(serde_json::Value::as_u64).sum())
        .unwrap_or_default();
    let untracked = controller["untracked"].as_u64().unwrap_or_default();
    assert_eq!(counted + untracked, (distinct + 2_000) as u64);
    let (human, ..) = run(&dir, &["--no-duplicate-check", "many.jsonl"], 3);
    assert!(
        human.contains("counts incomplete past 65536 distinct values"),
        "{human}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
