//! Every output format on one hostile export, parsed back: JUnit is well-formed XML with one test
//! case per file, SARIF has the 2.1.0 required fields and a result per violation, every JSON line
//! parses, GitHub annotations cannot be forged, no control character reaches a terminal, and
//! `--redact` leaves no value anywhere. The Markdown step summary is appended, not overwritten.

use std::time::Duration;

/// Values that attack each output: terminal escapes, workflow commands, XML, Markdown.
const SECRET: &str = "SECRET";

fn hostile_export() -> String {
    let record = |id: u32, user_agent: &str, url: &str| {
        format!(
            r#"{{"meta":{{"ts":"2026-11-02T10:11:13Z","action":"U"}},"key":{{"id":"5d0c9a1e-2b7f-4e11-8c3a-{id:012}"}},"value":{{"timestamp":"2026-11-02T10:11:13.5Z","url":{url},"http_method":"POST","http_status":302,"http_version":"2.0","remote_ip":"2001:db8::17","interaction_micros":880,"participated":false,"user_agent":{user_agent},"web_application_controller":"{SECRET}-ctl"}}}}"#
        )
    };
    let mut text = String::new();
    let long = "x".repeat(300);
    text.push_str(&record(
        1,
        &format!(r#""{SECRET}\n::error file=a,line=1::forged %0A::error::forged\u001b[2J]]></failure><x>&{long}""#),
        r#""/""#,
    ));
    text.push('\n');
    text.push_str(&record(2, r#""ok""#, "7"));
    text.push('\n');
    // A malformed record holding a raw ESC and a secret.
    text.push_str(&format!("{{\"meta\":\"\u{1b}[31m{SECRET}\u{7}\n"));
    // An unknown member whose name is an attack on every format.
    text.push_str("{\"<b>|x</b>\\u001b]0;t\\u0007::error::x,y:z\":1}\n");
    text
}

fn run(args: &[&str], env: &[(&str, &str)]) -> (std::process::Output, std::path::PathBuf) {
    let dir = crate::scratch(&format!("outputs-{}", args.join("-").replace('/', "_")));
    std::fs::write(dir.join("a.jsonl"), hostile_export()).unwrap_or_else(|e| panic!("{e}"));
    let mut command = crate::command(&dir);
    command.args(args).arg("a.jsonl");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = crate::run_bounded(command, Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    crate::assert_sane(&format!("{args:?}"), &output);
    assert_eq!(output.status.code(), Some(1), "{args:?}");
    (output, dir)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap_or_else(|e| panic!("output is not UTF-8: {e}"))
}

/// No control character but newline (and tab) in `out`: nothing a terminal would interpret.
fn assert_inert(what: &str, out: &str) {
    for c in out.chars() {
        assert!(
            c == '\n' || c == '\t' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{what}: raw {c:?} in output"
        );
    }
}

#[test]
fn human_output_is_inert_and_redact_hides_every_value() {
    let (plain, _) = run(&["--report", "human"], &[]);
    let plain = text(&plain.stdout);
    assert_inert("human", &plain);
    assert!(plain.contains("\\u{1b}[2J"), "{plain}");
    assert!(plain.contains(SECRET), "values are shown without --redact");
    for format in ["human", "json", "github", "junit", "sarif"] {
        let (redacted, _) = run(&["--report", format, "--redact"], &[]);
        let out = text(&redacted.stdout);
        assert_inert(format, &out);
        assert!(
            !out.contains(SECRET),
            "--redact --report {format} leaks a value:\n{out}"
        );
        assert!(!text(&redacted.stderr).contains(SECRET));
    }
}

#[test]
fn json_lines_always_parse() {
    let (output, _) = run(&["--report", "json"], &[]);
    let out = text(&output.stdout);
    let mut violations = 0;
    for line in out.lines() {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if value["type"] == "violation" {
            violations += 1;
        }
    }
    assert!(violations >= 4, "{out}");
    assert!(out.contains("\\u001b"), "ESC is escaped by JSON: {out}");
}

#[test]
fn github_annotations_cannot_be_forged() {
    let (output, _) = run(&["--report", "github"], &[]);
    let out = text(&output.stdout);
    assert_inert("github", &out);
    for line in out.lines().filter(|l| l.starts_with("::")) {
        // Each line is one command whose properties end at the first `::` after the command.
        let (command, rest) = line[2..].split_once(' ').unwrap_or(("", ""));
        assert!(matches!(command, "error" | "warning" | "notice"), "{line}");
        let (properties, _message) = rest.split_once("::").unwrap_or_else(|| panic!("{line}"));
        for property in properties.split(',') {
            let (key, _) = property.split_once('=').unwrap_or_else(|| panic!("{line}"));
            assert!(
                matches!(key, "file" | "line" | "title"),
                "forged property in {line}"
            );
        }
    }
    let forged = out
        .lines()
        .filter(|l| l.contains("forged"))
        .all(|l| l.starts_with("::error file=a.jsonl,line=1,title="));
    assert!(
        forged,
        "the forged text stays inside line 1's annotation:\n{out}"
    );
    assert!(out.contains("%250A::error::forged"), "{out}");
}

#[test]
fn junit_is_well_formed_with_one_case_per_file() {
    let (output, _) = run(&["--report", "junit"], &[]);
    let out = text(&output.stdout);
    let document = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("failures"), Some("1"));
    let cases: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].attribute("name"), Some("a.jsonl"));
    let failure = cases[0]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap_or_else(|| panic!("no failure\n{out}"));
    let listing = failure.text().unwrap_or_default();
    assert!(
        listing.contains("\\u{1b}[2J]]></failure><x>&x"),
        "the value survives: {listing}"
    );
    assert!(
        listing.contains("a.jsonl:3: (record): invalid JSON"),
        "{listing}"
    );
    assert_eq!(
        listing.lines().count(),
        7,
        "one line per violation: {listing}"
    );
    assert_inert("junit", &out);
}

#[test]
fn sarif_has_the_required_fields() {
    let (output, _) = run(&["--report", "sarif"], &[]);
    let log: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&output.stdout)));
    assert_eq!(log["version"], "2.1.0");
    assert!(
        log["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("sarif-2.1.0"))
    );
    let runs = log["runs"].as_array().unwrap_or_else(|| panic!("runs"));
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "dap-validate");
    let rules: Vec<&str> = driver["rules"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(rules.len(), dap_validate::Code::ALL.len());
    assert!(rules.contains(&"max_length") && rules.contains(&"malformed"));
    let results = runs[0]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("results"));
    assert_eq!(results.len(), 7);
    for result in results {
        let rule = result["ruleId"].as_str().unwrap_or_default();
        assert!(rules.contains(&rule), "{result}");
        let index = result["ruleIndex"].as_u64().unwrap_or(99) as usize;
        assert_eq!(rules.get(index), Some(&rule));
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "a.jsonl");
        assert!(
            location["region"]["startLine"]
                .as_u64()
                .is_some_and(|l| l >= 1)
        );
    }
    let malformed = results
        .iter()
        .find(|r| r["ruleId"] == "malformed")
        .unwrap_or_else(|| panic!("no malformed result"));
    let region = &malformed["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], 10, "{malformed}");
}

#[test]
fn step_summary_is_appended_as_inert_markdown() {
    let dir = crate::scratch("step-summary-pre");
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier\n").unwrap_or_else(|e| panic!("{e}"));
    let path = summary.display().to_string();
    let (_, _) = run(&["--report", "sarif"], &[("GITHUB_STEP_SUMMARY", &path)]);
    let md = std::fs::read_to_string(&summary).unwrap_or_else(|e| panic!("{e}"));
    assert!(md.starts_with("earlier\n### dap-validate: FAILED"), "{md}");
    assert!(md.contains("| a.jsonl | 4 | 4 | 7 | 0 |"), "{md}");
    assert!(md.contains("&lt;b&gt;\\|x&lt;/b&gt;"), "{md}");
    assert!(!md.contains(SECRET), "{md}");
    assert_inert("summary", &md);
}
