//! The `--html-out` page in a real browser: headless Chromium (the Debian package `chromium`,
//! installed by `.ci/run`; `DAP_VALIDATE_CHROMIUM` names another binary) renders the report of
//! the invalid sample to PNG screenshots at 1280 px and at phone width, and its DOM (`--dump-dom`,
//! after the page is parsed and laid out) must show the numbers the JSON summary gives. A page
//! made from hostile values must render them as inert text: the title unchanged, no element the
//! report did not make. Without Chromium the tests print a loud SKIP; with `CI` set they fail.

use crate::workspace_root;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The browser, if there is one.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("DAP_VALIDATE_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
        })
        .find(|candidate| candidate.is_file())
}

/// The browser, or a loud SKIP (a failure when `CI` is set).
fn browser_or_skip(test: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: CI is set but there is no chromium on PATH (.ci/run installs it)"
        );
        // Written to the stream itself: the harness captures eprintln! of a passing test.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIP {test}: no chromium on PATH (apt-get install chromium; in CI this is a failure)"
        );
    }
    found
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dap-browser-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// Chromium headless on `page` with `args` (its own profile directory, so tests can run at once).
fn headless(browser: &Path, dir: &Path, page: &Path, args: &[&str]) -> std::process::Output {
    let profile = dir.join(format!("chromium-profile-{}", args.len()));
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", browser.display()));
    assert!(
        output.status.success(),
        "chromium {args:?}: {:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn dump_dom(browser: &Path, dir: &Path, page: &Path) -> String {
    let out = headless(browser, dir, page, &["--dump-dom"]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A PNG's width and height (from its IHDR chunk).
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(..8)? != b"\x89PNG\r\n\x1a\n" || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let word = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    Some((word(16)?, word(20)?))
}

fn validate(dir: &Path, args: &[&str]) -> (serde_json::Value, PathBuf) {
    let page = dir.join("report.html");
    let output = Command::new(env!("CARGO_BIN_EXE_dap-validate"))
        .args(["--report", "json", "--html-out"])
        .arg(&page)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let last = output
        .stdout
        .split(|&b| b == b'\n')
        .rfind(|l| !l.is_empty())
        .unwrap_or_default();
    let summary = serde_json::from_slice(last).unwrap_or_else(|e| panic!("{e}"));
    (summary, page)
}

/// Every element name in a serialized DOM (text never holds a raw `<`: it is `&lt;` there).
fn element_names(dom: &str) -> std::collections::BTreeSet<String> {
    dom.split('<')
        .skip(1)
        .filter_map(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            (!name.is_empty()).then(|| name.to_ascii_lowercase())
        })
        .collect()
}

/// The page's title is the report's and every element in the DOM is one the report makes.
fn assert_inert(dom: &str) {
    assert!(
        dom.contains("<title>dap-validate: FAILED – canvas_logs.web_logs version 1</title>"),
        "the title changed: {}",
        dom.get(..2000).unwrap_or(dom)
    );
    let names = element_names(dom);
    let stray: Vec<&String> = names
        .iter()
        .filter(|n| !REPORT_ELEMENTS.contains(&n.as_str()))
        .collect();
    assert!(
        stray.is_empty(),
        "elements the report does not make: {stray:?}"
    );
}

/// The elements the report makes, and nothing else may appear.
const REPORT_ELEMENTS: [&str; 26] = [
    "html", "head", "meta", "title", "style", "body", "main", "div", "h1", "h2", "h3", "span", "p",
    "table", "thead", "tbody", "tr", "th", "td", "code", "svg", "g", "text", "rect", "line",
    "footer",
];

#[test]
fn the_report_of_the_invalid_sample_renders_with_the_summary_numbers() {
    let Some(browser) = browser_or_skip("the_report_of_the_invalid_sample_renders") else {
        return;
    };
    let dir = scratch("sample");
    let sample = workspace_root().join("samples/web_logs-invalid.jsonl.gz");
    let (summary, page) = validate(&dir, &[sample.to_str().unwrap_or_default()]);
    // Screenshots at desktop and phone width.
    for (name, size) in [("desktop.png", "1280,2400"), ("phone.png", "390,3000")] {
        let png = dir.join(name);
        headless(
            &browser,
            &dir,
            &page,
            &[
                &format!("--window-size={size}"),
                &format!("--screenshot={}", png.display()),
            ],
        );
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{name}: {e}"));
        let width: u32 = size
            .split(',')
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or(0);
        assert_eq!(png_size(&bytes).map(|s| s.0), Some(width), "{name}");
        assert!(
            bytes.len() > 20_000,
            "{name} is almost empty: {} bytes",
            bytes.len()
        );
    }
    let dom = dump_dom(&browser, &dir, &page);
    assert_inert(&dom);
    assert!(dom.contains("id=\"verdict\" data-value=\"failed\""));
    for key in [
        "files",
        "records",
        "valid_records",
        "invalid_records",
        "errors",
        "warnings",
    ] {
        let n = summary[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key}: {summary}"));
        let want = format!("id=\"count-{key}\" data-value=\"{n}\">");
        assert!(dom.contains(&want), "{want} not in the DOM");
    }
    let by_code = summary["by_code"]
        .as_object()
        .unwrap_or_else(|| panic!("{summary}"));
    for (code, n) in by_code.iter().filter(|(_, n)| n.as_u64() > Some(0)) {
        let want = format!("<g data-label=\"{code}\" data-value=\"{n}\">");
        assert!(dom.contains(&want), "{want} not in the DOM");
    }
    let by_column = summary["by_column"]
        .as_object()
        .unwrap_or_else(|| panic!("{summary}"));
    for (column, n) in by_column {
        let want = format!("<g data-label=\"{column}\" data-value=\"{n}\">");
        assert!(dom.contains(&want), "{want} not in the DOM");
    }
    let columns = summary["profile"]["run"]["columns"].as_object();
    for (name, c) in columns.unwrap_or_else(|| panic!("{summary}")) {
        let want = format!(
            "<tr data-column=\"{name}\"><td><code>{name}</code></td><td>{}",
            c["type"].as_str().unwrap_or_default()
        );
        assert!(dom.contains(&want), "{want} not in the DOM");
        let row = dom
            .split(&want)
            .nth(1)
            .and_then(|r| r.split("</tr>").next())
            .unwrap_or_default();
        for key in ["records", "nulls"] {
            let cell = format!("data-value=\"{}\"", c[key]);
            assert!(row.contains(&cell), "{name}.{key}: {cell} not in {row}");
        }
    }
    // The records-per-hour chart adds up to meta.ts's records with a value.
    let ts = &summary["profile"]["run"]["columns"]["meta.ts"];
    let invalid: u64 = ts["violations"]
        .as_object()
        .map(|v| {
            v.iter()
                .filter(|(code, _)| *code != "not_null")
                .filter_map(|(_, n)| n.as_u64())
                .sum()
        })
        .unwrap_or(0);
    let values = ts["records"].as_u64().unwrap_or(0) - ts["nulls"].as_u64().unwrap_or(0) - invalid;
    let bars: u64 = dom
        .split("data-hour=\"")
        .skip(1)
        .filter_map(|r| {
            r.split("data-value=\"")
                .nth(1)?
                .split('"')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum();
    assert_eq!(bars, values, "hour bars against meta.ts values");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_values_render_as_inert_text_and_the_page_stays_small() {
    let Some(browser) = browser_or_skip("hostile_values_render_as_inert_text") else {
        return;
    };
    let dir = scratch("hostile");
    let script = "</style><script>document.title='x'</script>";
    let bidi = "\u{202e}gnp.exe\u{202c}";
    let long = "é".repeat(10_000);
    let mut lines = String::new();
    for (i, text) in [
        script,
        bidi,
        long.as_str(),
        &format!("{script}{bidi}{long}"),
    ]
    .iter()
    .enumerate()
    {
        let value = serde_json::json!({
            "url": "/x", "http_method": "GET", "http_status": 200, "http_version": "1.1",
            "remote_ip": "10.0.0.1", "interaction_micros": 1, "timestamp": "2026-12-04T00:00:00Z",
            "web_application_controller": text, "web_application_action": "show",
            "user_agent": format!("{text}{}", "x".repeat(300)),
            "participated": true, "user_id": 1,
            "web_application_context_type": text,
        });
        let mut value = value;
        value[*text] = serde_json::json!(1);
        let record = serde_json::json!({
            "meta": {"ts": "2026-12-04T00:00:00Z", "action": "U"},
            "key": {"id": format!("00000000-0000-0000-0000-00000000000{i}")},
            "value": value,
        });
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    // Thousands more, each with a 10,000-character value and long unknown names: the page
    // stays bounded.
    for i in 0..3000 {
        lines.push_str(&format!(
            "{{\"meta\":{{\"ts\":\"2026-12-04T01:00:00Z\"}},\"key\":{{\"id\":\"{i:08}-0000-0000-0000-000000000000\"}},\"value\":{{\"user_agent\":\"{long}\",\"{}{i}\":1}}}}\n",
            "n".repeat(5000)
        ));
    }
    let name = "<img src=x onerror=alert(1)>.jsonl";
    let export = dir.join(name);
    std::fs::write(&export, &lines).unwrap_or_else(|e| panic!("{e}"));
    let (summary, page) = validate(&dir, &[export.to_str().unwrap_or_default()]);
    assert!(
        summary["errors"].as_u64() > Some(3000),
        "{}",
        summary["errors"]
    );
    let size = std::fs::metadata(&page).map(|m| m.len()).unwrap_or(0);
    assert!(
        size < 1_000_000,
        "the page is {size} bytes for a {} byte export",
        lines.len()
    );
    let dom = dump_dom(&browser, &dir, &page);
    assert_inert(&dom);
    assert!(
        !dom.contains("<script") && !dom.contains("<img"),
        "an element from the data"
    );
    assert!(dom.contains("&lt;/style&gt;&lt;script&gt;document.title='x'&lt;/script&gt;"));
    assert!(
        !dom.contains('\u{202e}'),
        "a raw bidi override reached the page"
    );
    assert!(dom.contains("\\u{202e}gnp.exe"));
    assert!(
        dom.contains("&lt;img src=x onerror=alert(1)&gt;.jsonl"),
        "the file name, escaped"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
