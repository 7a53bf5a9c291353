//! Agreement with the real engines: the generated validation SQL
//! (`schema/generated/validation/{duckdb,spark}/web_logs.sql`) run by DuckDB and by Spark
//! (`local[2]`) on a corpus must find exactly the (file, line, column, code) set `dap-validate`
//! finds, the same open-enum tally and the same duplicate counts.
//!
//! The corpus: every mutation of `dap_validate::synth` over several generated records, every
//! member of every closed enum and near-misses, the boundaries (int32/int64 limits ± 1, numbers
//! past 64 bits, `1.0`/`1e2`/`-0`, 255/256 characters of multi-byte text, sentinels, years 0000,
//! 0001 and 9999, leap days, every IP form), the envelope (deletes, missing and non-object
//! `key`/`value`/`meta`, unknown members at each level), malformed lines, blank and CRLF lines,
//! duplicates across two files (identical and conflicting), and the two shipped samples.
//!
//! The lines an engine cannot judge like `dap-validate` are in their own file (`pinned.jsonl`),
//! outside the comparison: for each, `dap-validate`'s finding is required, and so is the
//! engine's documented difference (README, "Validating at scale"), so a change on either side
//! shows up here.
//!
//! The engines run through `validator/tests/engines/validate.py` with the Python named by
//! `DAP_ENGINES_PYTHON` (`.ci/run` makes a venv with DuckDB and PySpark from PyPI), or
//! `python3` if it has them; Spark needs `java` (Debian's `openjdk-17-jre-headless`). Without
//! them the tests print a loud SKIP; with `CI` set they fail.

use crate::workspace_root;
use dap_validate::synth::{Generator, MUTATIONS, Record};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (file, line, column, code).
type Finding = (String, u64, Option<String>, String);

/// A pinned line (its text, or its line number), `dap-validate`'s (column, code) on it, and the
/// engines that cannot see it.
type Pin<L> = (
    L,
    (Option<&'static str>, &'static str),
    &'static [&'static str],
);

/// The Python that has `module`, or a loud SKIP (a failure when `CI` is set).
fn python_with(module: &str, test: &str) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os("DAP_ENGINES_PYTHON") {
        Some(path) => vec![PathBuf::from(path)],
        None => vec![PathBuf::from("python3")],
    };
    let found = candidates.into_iter().find(|python| {
        Command::new(python)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let java_ok = module != "pyspark"
        || Command::new("java")
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success());
    if found.is_some() && java_ok {
        return found;
    }
    let what = if found.is_none() {
        format!("no Python with `{module}` (set DAP_ENGINES_PYTHON; .ci/run makes one)")
    } else {
        "no `java` on PATH (apt-get install openjdk-17-jre-headless)".to_owned()
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: CI is set but there is {what}"
    );
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIP {test}: {what}; in CI this is a failure"
    );
    None
}

/// A generated record with column `column` set to the raw JSON `raw` (`None`: absent).
fn with(generator: &mut Generator, column: &str, raw: Option<&str>) -> String {
    let mut record = generator.record();
    record.set(column, raw);
    record.to_line()
}

fn record_with(generator: &mut Generator, change: impl FnOnce(&mut Record)) -> String {
    let mut record = generator.record();
    change(&mut record);
    record.to_line()
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// The main corpus file: every rule's cases, one record a line.
fn corpus_lines() -> Vec<String> {
    let mut generator = Generator::new(15);
    let mut lines = Vec::new();
    let g = &mut generator;
    for _ in 0..3 {
        for mutation in MUTATIONS {
            let record = g.record();
            let line = mutation.render(record, g.rng());
            // A mutation that writes invalid UTF-8 goes to its own file (see `build_corpus`).
            lines.push(
                String::from_utf8(line).unwrap_or_else(|e| format!("\u{0}{}", hex(e.as_bytes()))),
            );
        }
    }
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace
        .table("web_logs")
        .unwrap_or_else(|| panic!("no web_logs"));
    // Every member of every enum column, and near-misses.
    for column in table.columns() {
        if let canvas_logs_codegen::model::ColumnType::Enum(id) = column.ty() {
            let e = namespace.enum_by_id(id);
            for value in e.values() {
                for spelling in value.accepted_spellings() {
                    let raw = match value.value().as_i32() {
                        Some(n) => n.to_string(),
                        None => quoted(&spelling),
                    };
                    lines.push(with(g, column.name(), Some(&raw)));
                    if value.value().as_i32().is_none() {
                        lines.push(with(
                            g,
                            column.name(),
                            Some(&quoted(&spelling.to_lowercase())),
                        ));
                        lines.push(with(
                            g,
                            column.name(),
                            Some(&quoted(&format!("{spelling} "))),
                        ));
                    } else {
                        lines.push(with(g, column.name(), Some(&format!("{raw}.0"))));
                        lines.push(with(g, column.name(), Some(&quoted(&raw))));
                    }
                }
            }
            for raw in [
                "\"\"",
                "99",
                "600",
                "99999999999999999999",
                "1e2",
                "true",
                "[]",
                "{}",
            ] {
                lines.push(with(g, column.name(), Some(raw)));
            }
        }
    }
    // Integers.
    for (column, raws) in [
        (
            "interaction_micros",
            &[
                "2147483647",
                "2147483648",
                "-2147483648",
                "-2147483649",
                "-0",
                "0",
                "1.0",
                "1e2",
                "1E+2",
                "1.5",
                "-1.0e-3",
                "99999999999999999999",
                "100000000000000000000000000000000000000000",
                "-99999999999999999999",
                "\"5\"",
                "true",
                "[1]",
                "{\"a\":1}",
                "null",
            ][..],
        ),
        (
            "user_id",
            &[
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "-9223372036854775809",
                "18446744073709551615",
                "18446744073709551616",
                "0.0",
                "12345678901234567890.5",
                "null",
                "\"\"",
            ][..],
        ),
    ] {
        for raw in raws {
            lines.push(with(g, column, Some(raw)));
        }
    }
    // Strings and lengths (characters, not bytes).
    for text in [
        "é".repeat(255),
        "é".repeat(256),
        "😀".repeat(255),
        "😀".repeat(256),
        "a".repeat(256),
        "__dap_oversized_truncated__".to_owned(),
        "_dap_oversized_truncated_".to_owned(),
        format!("__dap_oversized_truncated__{}", "x".repeat(240)),
        String::new(),
    ] {
        lines.push(with(g, "user_agent", Some(&quoted(&text))));
    }
    lines.push(with(g, "user_agent", Some("\"a\\u0000b\"")));
    lines.push(with(
        g,
        "user_agent",
        Some(&format!("\"{}\"", "\\u00e9".repeat(256))),
    ));
    lines.push(with(g, "url", Some("\"\"")));
    lines.push(with(g, "url", Some("\"\\ud83d\\ude00 \\/ \\\" \\\\\"")));
    // Timestamps, both `timestamp` and `meta.ts`.
    for ts in [
        "0000-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999Z",
        "2023-02-29T00:00:00Z",
        "2024-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-04-30T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z",
        "2024-01-00T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T23:60:00Z",
        "2024-01-01T23:59:60Z",
        "2024-01-01T00:00:00.1234567Z",
        "2024-01-01T00:00:00.Z",
        "2024-01-01t00:00:00z",
        "2024-01-01T00:00:00+00:00",
        "2024-01-01T00:00:00",
        "2024-01-01 00:00:00Z",
        "+2024-01-01T00:00:00Z",
        "2024-1-01T00:00:00Z",
        "2024-01-01T00:00:00Z\n",
        "２０２４-01-01T00:00:00Z",
    ] {
        lines.push(with(g, "timestamp", Some(&quoted(ts))));
        lines.push(record_with(g, |r| r.meta_ts = Some(quoted(ts))));
    }
    // uuids: `key.id` and `session_id`.
    for id in [
        "6775DC77-0156-4F61-9AFC-D44D14CF8BFE",
        "6775dc7701564f619afcd44d14cf8bfe",
        "{6775dc77-0156-4f61-9afc-d44d14cf8bfe}",
        "6775dc77-0156-4f61-9afc-d44d14cf8bf",
        "6775dc77-0156-4f61-9afc-d44d14cf8bfg",
        "6775dc77-0156-4f61-9afc-d44d14cf8bfe ",
        "",
    ] {
        lines.push(with(g, "session_id", Some(&quoted(id))));
        lines.push(record_with(g, |r| r.id = Some(quoted(id))));
    }
    // IPs exactly as `std::net` reads them.
    for ip in [
        "1.2.3.4",
        "0.0.0.0",
        "255.255.255.255",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3",
        "::",
        "::1",
        "1::",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7::",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7",
        "1::2::3",
        "::ffff:1.2.3.4",
        "1:2:3:4:5:6:1.2.3.4",
        "1::2:3:4:5:6:1.2.3.4",
        "fe80::1%eth0",
        "[::1]",
        "FFFF::abcd",
        "12345::",
        "::1.2.3.04",
        " 1.2.3.4",
        "1.2.3.4\n",
    ] {
        lines.push(with(g, "remote_ip", Some(&quoted(ip))));
    }
    // Booleans.
    for raw in ["true", "false", "\"true\"", "1", "null"] {
        lines.push(with(g, "participated", Some(raw)));
    }
    // The envelope.
    let id = "\"0b6b4a5e-8d7c-4a0e-9b1a-1c2d3e4f5a6b\"";
    let ts = "\"2024-01-01T00:00:00Z\"";
    for line in [
        format!("{{\"key\":{{\"id\":{id}}},\"meta\":{{\"ts\":{ts},\"action\":\"D\"}}}}"),
        format!(
            "{{\"key\":{{\"id\":{id}}},\"meta\":{{\"ts\":{ts},\"action\":\"D\"}},\"value\":null}}"
        ),
        format!(
            "{{\"key\":{{\"id\":{id}}},\"meta\":{{\"ts\":{ts},\"action\":\"D\"}},\"value\":5}}"
        ),
        format!(
            "{{\"key\":{{\"id\":{id}}},\"meta\":{{\"ts\":{ts},\"action\":\"D\"}},\"value\":{{\"url\":5,\"x\":1}}}}"
        ),
        format!(
            "{{\"key\":{{\"id\":{id},\"url\":\"x\"}},\"meta\":{{\"ts\":{ts},\"action\":\"D\",\"x\":1}},\"extra\":1}}"
        ),
        format!(
            "{{\"key\":{{\"id\":{id}}},\"meta\":{{\"ts\":{ts},\"action\":\"X\"}},\"value\":{{\"id\":\"x\"}}}}"
        ),
        format!("{{\"key\":{{\"id\":{id}}},\"meta\":{{\"ts\":{ts},\"action\":\"d\"}}}}"),
        format!("{{\"key\":{{\"id\":{id}}},\"meta\":{{\"ts\":{ts},\"action\":\"U\"}}}}"),
        format!("{{\"key\":null,\"meta\":{{\"ts\":{ts},\"action\":null}}}}"),
        "{\"key\":[],\"meta\":[],\"value\":\"v\"}".to_owned(),
        "{\"meta\":{}}".to_owned(),
        "{}".to_owned(),
        "{\"meta\":{\"ts\":5,\"action\":5},\"key\":{},\"value\":{}}".to_owned(),
        "{\"meta\":{\"ts\":null},\"key\":{\"id\":null},\"value\":[]}".to_owned(),
        format!(
            "{{\"meta\":{{\"ts\":{ts},\"action\":\"D\"}},\"key\":{{\"id\":{id}}},\"value\":{{\"a\":{{\"b\":[1,2,{{\"c\":null}}]}}}}}}"
        ),
        format!("  {{\"key\":{{\"id\":{id}}},\"meta\":{{\"ts\":{ts},\"action\":\"D\"}}}}  \t"),
    ] {
        lines.push(line);
    }
    // Unknown members with escaped names, which are the same names once decoded.
    lines.push(record_with(g, |r| {
        r.extra_value_members
            .push(("u\\u0072l2".to_owned(), "1".to_owned()));
        r.extra_top_members
            .push(("x\\\"y".to_owned(), "1".to_owned()));
    }));
    lines.push(with(g, "url", Some("\"/x\"")).replacen("\"url\":", "\"u\\u0072l\":", 1));
    // Malformed lines.
    for line in [
        "[1]",
        "\"record\"",
        "42",
        "null",
        "{",
        "{\"key\":}",
        "{\"a\":1}}",
        "{'a':1}",
        "{\"a\":01}",
        "{\"a\":.5}",
        "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\u{1}\"}",
        "{\"a\":1} x",
        "{\"a\":1,\"a\":2}",
        "{\"key\":{\"id\":1,\"id\":2}}",
        "{\"meta\":{\"ts\":1,\"ts\":1}}",
        "{\"value\":{\"url\":1,\"url\":1}}",
        "{\"a\":tru}",
        "{\"a\":1 /*c*/}",
        "{\"a\":-}",
        "{\"a\":\"\\x41\"}",
        "{\"a\":\"\\u12\"}",
    ] {
        lines.push(line.to_owned());
    }
    // Blank lines are not records; CRLF reads like LF.
    lines.push(String::new());
    lines.push(" \t ".to_owned());
    let crlf = format!("{}\r", with(g, "url", Some("\"/crlf\"")));
    lines.push(crlf);
    lines.push(format!("{}\r", with(g, "url", Some("5"))));
    lines
}

/// Lines an engine reads otherwise than `dap-validate`: (line, `dap-validate`'s finding, the
/// engines that cannot see it). Each is documented in the README, "Validating at scale".
fn pinned() -> Vec<Pin<String>> {
    let mut generator = Generator::new(16);
    // No open-enum values, so that these lines, which engines read and dap-validate does not,
    // leave the tally alone.
    let with = |g: &mut Generator, column: &str, raw: Option<&str>| {
        record_with(g, |r| {
            r.set("web_application_controller", None);
            r.set("web_application_action", None);
            r.set(column, raw);
        })
    };
    let g = &mut generator;
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    vec![
        (
            with(g, "url", Some("\"/a\"")).replacen("}}", "},}", 1),
            (None, "malformed"),
            &["duckdb"][..],
        ),
        (
            with(g, "interaction_micros", Some("NaN")),
            (None, "malformed"),
            &["duckdb"][..],
        ),
        (
            with(g, "url", Some("{\"a\":1,\"a\":2}")),
            (None, "malformed"),
            &["duckdb"][..],
        ),
        (
            with(g, "url", Some(&deep)),
            (None, "malformed"),
            &["duckdb", "spark"][..],
        ),
        (
            format!("{}] x {{}}", with(g, "url", Some("\"/b\""))),
            (None, "malformed"),
            &["spark"][..],
        ),
        (
            // An integer past 64 bits under an escaped member name: the lexeme is not found.
            with(g, "user_id", Some("99999999999999999999")).replacen(
                "\"user_id\":",
                "\"us\\u0065r_id\":",
                1,
            ),
            (Some("user_id"), "range"),
            &["duckdb", "spark"][..],
        ),
    ]
}

/// Bytes as hex, to carry a line that is not UTF-8 through a `String` (marked by a leading NUL).
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .filter_map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// JSONTestSuite's parsing cases (`validator/tests/fixtures/json-test-suite/`), each that is
/// UTF-8, has no line feed inside and is under 10 kB, embedded as the `url` value of an
/// otherwise valid record: (file name, line).
fn json_test_suite() -> Vec<(String, String)> {
    let dir = crate::tests_dir().join("fixtures/json-test-suite");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let mut generator = Generator::new(17);
    let mut out = Vec::new();
    for name in names {
        let bytes = std::fs::read(dir.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let text = text.strip_suffix('\n').unwrap_or(&text);
        if text.contains('\n') || text.len() > 10_000 {
            continue;
        }
        let line = record_with(&mut generator, |r| {
            r.set("web_application_controller", None);
            r.set("web_application_action", None);
            r.set("url", Some(text));
        });
        out.push((name, line));
    }
    out
}

/// JSONTestSuite cases an engine's script judges otherwise than `dap-validate` (which follows
/// RFC 8259 and calls each `n_` case `malformed`): (engine, case, why). The README's table of
/// what an engine cannot judge sums these up.
const SUITE_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "duckdb",
        "n_array_extra_comma.json",
        "yyjson accepts a trailing comma",
    ),
    (
        "duckdb",
        "n_array_number_and_comma.json",
        "yyjson accepts a trailing comma",
    ),
    (
        "duckdb",
        "n_object_trailing_comma.json",
        "yyjson accepts a trailing comma",
    ),
    (
        "duckdb",
        "n_number_NaN.json",
        "yyjson reads NaN and Infinity as numbers",
    ),
    (
        "duckdb",
        "n_number_-NaN.json",
        "yyjson reads NaN and Infinity as numbers",
    ),
    (
        "duckdb",
        "n_number_Inf.json",
        "yyjson reads NaN and Infinity as numbers",
    ),
    (
        "duckdb",
        "n_number_infinity.json",
        "yyjson reads NaN and Infinity as numbers",
    ),
    (
        "duckdb",
        "n_number_minus_infinity.json",
        "yyjson reads NaN and Infinity as numbers",
    ),
    (
        "duckdb",
        "y_object_duplicated_key.json",
        "a member repeated below the record's objects is not seen (dap-validate: malformed)",
    ),
    (
        "duckdb",
        "y_object_duplicated_key_and_value.json",
        "a member repeated below the record's objects is not seen (dap-validate: malformed)",
    ),
    (
        "duckdb",
        "i_structure_500_nested_arrays.json",
        "no nesting limit (dap-validate: 128 levels)",
    ),
    (
        "spark",
        "i_structure_500_nested_arrays.json",
        "Jackson's nesting limit is 1000 (dap-validate: 128 levels)",
    ),
];

struct Corpus {
    dir: PathBuf,
    files: Vec<PathBuf>,
    /// The JSONTestSuite case on each line of `json-test-suite.jsonl`, by line number.
    suite: Vec<String>,
    /// The file of lines that are not UTF-8, which DuckDB cannot hold in a VARCHAR.
    not_utf8: PathBuf,
    /// The pinned lines by line number in `pinned.jsonl`.
    pinned: Vec<Pin<u64>>,
}

/// Writes the UTF-8 lines to `path` and moves the others (hex, marked) to `not_utf8`.
fn write(path: &Path, lines: &[String], not_utf8: &mut Vec<Vec<u8>>) {
    let mut text = Vec::new();
    for line in lines {
        match line.strip_prefix('\u{0}') {
            Some(hex) => not_utf8.push(unhex(hex)),
            None => {
                text.extend_from_slice(line.as_bytes());
                text.push(b'\n');
            }
        }
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn build_corpus(name: &str) -> Corpus {
    let dir = std::env::temp_dir().join(format!("dap-engines-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let a = corpus_lines();
    // b: duplicates of a's records (identical, conflicting) and a synthetic export.
    let mut b: Vec<String> = a
        .iter()
        .filter(|l| l.starts_with('{') && l.contains("\"key\":{\"id\":\""))
        .step_by(7)
        .take(40)
        .cloned()
        .collect();
    let conflicting: Vec<String> = b
        .iter()
        .take(20)
        .map(|l| l.replacen("\"url\":\"", "\"url\":\"/changed", 1))
        .collect();
    b.extend(conflicting);
    let mut synthetic = Vec::new();
    dap_validate::synth::write_export(&mut synthetic, 99, 3000, 7)
        .unwrap_or_else(|e| panic!("{e}"));
    b.extend(
        String::from_utf8_lossy(&synthetic)
            .lines()
            .map(str::to_owned),
    );
    let pinned = pinned();
    let mut not_utf8 = Vec::new();
    let mut files = vec![dir.join("a.jsonl"), dir.join("b.jsonl")];
    write(&files[0], &a, &mut not_utf8);
    write(&files[1], &b, &mut not_utf8);
    let pinned_lines: Vec<String> = pinned.iter().map(|(l, _, _)| l.clone()).collect();
    files.push(dir.join("pinned.jsonl"));
    write(&files[2], &pinned_lines, &mut not_utf8);
    for sample in ["web_logs-invalid", "web_logs-valid"] {
        let gz = std::fs::read(workspace_root().join(format!("samples/{sample}.jsonl.gz")))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut bytes = Vec::new();
        use std::io::Read;
        flate2::read::MultiGzDecoder::new(&gz[..])
            .read_to_end(&mut bytes)
            .unwrap_or_else(|e| panic!("{sample}: {e}"));
        let lines: Vec<String> = bytes
            .split(|&b| b == b'\n')
            .map(|l| match std::str::from_utf8(l) {
                Ok(text) => text.to_owned(),
                Err(_) => format!("\u{0}{}", hex(l)),
            })
            .collect();
        let path = dir.join(format!("{sample}.jsonl"));
        write(
            &path,
            &lines[..lines.len().saturating_sub(1)],
            &mut not_utf8,
        );
        files.push(path);
    }
    assert!(
        not_utf8.len() >= 2,
        "the corpus has {} lines that are not UTF-8",
        not_utf8.len()
    );
    let suite = json_test_suite();
    assert!(suite.len() > 250, "{} JSONTestSuite cases", suite.len());
    let suite_path = dir.join("json-test-suite.jsonl");
    let suite_lines: Vec<String> = suite.iter().map(|(_, l)| l.clone()).collect();
    write(&suite_path, &suite_lines, &mut not_utf8);
    files.push(suite_path);
    let not_utf8_path = dir.join("not-utf8.jsonl");
    let mut text = not_utf8.join(&b'\n');
    text.push(b'\n');
    std::fs::write(&not_utf8_path, text).unwrap_or_else(|e| panic!("{e}"));
    files.push(not_utf8_path.clone());
    files.sort();
    Corpus {
        dir,
        files,
        suite: suite.into_iter().map(|(name, _)| name).collect(),
        not_utf8: not_utf8_path,
        pinned: pinned
            .into_iter()
            .enumerate()
            .map(|(i, (_, finding, engines))| (i as u64 + 1, finding, engines))
            .collect(),
    }
}

/// `dap-validate --report json` on the files: findings, the open-enum tally, duplicate counts.
fn dap_validate(files: &[PathBuf]) -> (BTreeSet<Finding>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_dap-validate"))
        .args(["--report", "json", "--no-profile"])
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut findings = BTreeSet::new();
    let mut summary = Value::Null;
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if v["type"] == "violation" {
            let file = v["file"].as_str().unwrap_or_default();
            findings.insert((
                Path::new(file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                v["line"].as_u64().unwrap_or(0),
                v["column"].as_str().map(str::to_owned),
                v["code"].as_str().unwrap_or_default().to_owned(),
            ));
        } else {
            summary = v;
        }
    }
    (findings, summary)
}

/// The engine's run of the generated script: findings and its JSON result.
fn engine(
    python: &Path,
    name: &str,
    corpus: &Corpus,
    files: &[PathBuf],
) -> (BTreeSet<Finding>, Value) {
    let out = corpus.dir.join(format!("{name}.json"));
    let output = run_engine(python, name, &corpus.dir, files);
    assert!(
        output.status.success(),
        "{name} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    let mut findings = BTreeSet::new();
    for v in result["violations"].as_array().into_iter().flatten() {
        findings.insert((
            v[0].as_str().unwrap_or_default().to_owned(),
            v[1].as_u64().unwrap_or(0),
            v[2].as_str().map(str::to_owned),
            v[3].as_str().unwrap_or_default().to_owned(),
        ));
    }
    (findings, result)
}

/// Runs `validate.py` for `name` on `files`, its result in `dir/<name>.json`.
fn run_engine(python: &Path, name: &str, dir: &Path, files: &[PathBuf]) -> std::process::Output {
    let script = workspace_root().join(format!("schema/generated/validation/{name}/web_logs.sql"));
    Command::new(python)
        .arg(workspace_root().join("validator/tests/engines/validate.py"))
        .arg(name)
        .arg(&script)
        .arg(dir.join(format!("{name}.json")))
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn show(findings: &BTreeSet<&Finding>) -> String {
    let mut out = String::new();
    for (file, line, column, code) in findings.iter().take(40) {
        let _ = writeln!(
            out,
            "  {file}:{line} {} {code}",
            column.as_deref().unwrap_or("-")
        );
    }
    if findings.len() > 40 {
        let _ = writeln!(out, "  ... {} in all", findings.len());
    }
    out
}

fn agree(name: &str, module: &str) {
    let test = format!("{name}_agrees_with_dap_validate");
    let Some(python) = python_with(module, &test) else {
        return;
    };
    let corpus = build_corpus(name);
    let (mut expected, summary) = dap_validate(&corpus.files);
    assert!(
        expected
            .iter()
            .any(|f| f.0 == "not-utf8.jsonl" && f.3 == "malformed"),
        "dap-validate: lines that are not UTF-8 are malformed"
    );
    // DuckDB's VARCHAR holds only UTF-8: read_text refuses the whole file, loudly.
    let files: Vec<PathBuf> = if name == "duckdb" {
        let output = run_engine(
            &python,
            name,
            &corpus.dir,
            std::slice::from_ref(&corpus.not_utf8),
        );
        assert!(
            !output.status.success()
                && String::from_utf8_lossy(&output.stderr).contains("valid UTF-8"),
            "duckdb on a file that is not UTF-8: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        expected.retain(|f| f.0 != "not-utf8.jsonl");
        corpus
            .files
            .iter()
            .filter(|f| **f != corpus.not_utf8)
            .cloned()
            .collect()
    } else {
        corpus.files.clone()
    };
    let (actual, result) = engine(&python, name, &corpus, &files);
    let outside = |f: &&Finding| f.0 != "pinned.jsonl" && f.0 != "json-test-suite.jsonl";
    let missing: BTreeSet<&Finding> = expected.difference(&actual).filter(outside).collect();
    let extra: BTreeSet<&Finding> = actual.difference(&expected).filter(outside).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{name} disagrees with dap-validate.\nonly dap-validate:\n{}only {name}:\n{}",
        show(&missing),
        show(&extra)
    );
    // Every code is exercised.
    let codes: BTreeSet<&str> = expected.iter().map(|f| f.3.as_str()).collect();
    for code in [
        "malformed",
        "unknown_column",
        "not_null",
        "type",
        "format",
        "range",
        "enum",
        "max_length",
        "duplicate_key",
    ] {
        assert!(codes.contains(code), "the corpus has no {code}");
    }
    assert!(expected.len() > 1000, "{} findings", expected.len());
    // The pinned lines: dap-validate's finding, and the engine's documented blind spot.
    for (line, (column, code), engines) in &corpus.pinned {
        let finding: Finding = (
            "pinned.jsonl".to_owned(),
            *line,
            column.map(str::to_owned),
            (*code).to_owned(),
        );
        assert!(expected.contains(&finding), "dap-validate: {finding:?}");
        assert_eq!(
            actual.contains(&finding),
            !engines.contains(&name),
            "{name} on pinned line {line}: {finding:?} (update the README's list if this changed)"
        );
    }
    // JSONTestSuite: the same `malformed` verdict on every case, but the documented differences.
    let malformed_lines = |set: &BTreeSet<Finding>| -> BTreeSet<u64> {
        set.iter()
            .filter(|f| f.0 == "json-test-suite.jsonl" && f.3 == "malformed")
            .map(|f| f.1)
            .collect()
    };
    let (ours, theirs) = (malformed_lines(&expected), malformed_lines(&actual));
    let differing: BTreeSet<&str> = (1u64..)
        .zip(&corpus.suite)
        .filter(|(line, _)| ours.contains(line) != theirs.contains(line))
        .map(|(_, case)| case.as_str())
        .collect();
    let documented: BTreeSet<&str> = SUITE_DIFFERENCES
        .iter()
        .filter(|(engine, _, _)| *engine == name)
        .map(|(_, case, _)| *case)
        .collect();
    assert_eq!(
        differing, documented,
        "{name}: JSONTestSuite cases judged otherwise than dap-validate"
    );
    for case in corpus.suite.iter().filter(|c| c.starts_with("n_")) {
        let line = 1 + corpus.suite.iter().position(|c| c == case).unwrap_or(0) as u64;
        assert!(ours.contains(&line), "dap-validate accepts {case}");
    }
    // The open-enum tally and the duplicates.
    for (column, tally) in summary["open_enum_values"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let mut expected_values: BTreeMap<String, u64> = BTreeMap::new();
        for (value, n) in tally["values"].as_object().into_iter().flatten() {
            expected_values.insert(value.clone(), n.as_u64().unwrap_or(0));
        }
        let mut actual_values: BTreeMap<String, u64> = BTreeMap::new();
        for (value, n) in result["open_enum_values"][column]
            .as_object()
            .into_iter()
            .flatten()
        {
            actual_values.insert(value.clone(), n.as_u64().unwrap_or(0));
        }
        assert!(!expected_values.is_empty(), "{column}: no tally");
        assert_eq!(actual_values, expected_values, "{name}: tally of {column}");
    }
    assert_eq!(
        result["duplicates"], summary["duplicates"],
        "{name}: duplicate counts"
    );
    let _ = std::fs::remove_dir_all(&corpus.dir);
}

#[test]
fn duckdb_agrees_with_dap_validate() {
    agree("duckdb", "duckdb");
}

#[test]
fn spark_agrees_with_dap_validate() {
    agree("spark", "pyspark");
}

/// One typed row: the changes from the valid base row, whether DuckDB's constrained table and
/// Spark's table refuse it, and what the audit reports on it where it is stored (for DuckDB,
/// in the unconstrained copy, which refuses only what its types cannot hold).
struct TypedCase {
    changes: &'static [(&'static str, Value)],
    refused_by_duckdb: bool,
    refused_by_spark: bool,
    /// Refused by the unconstrained DuckDB copy's types too (a uuid that is not one).
    refused_by_duckdb_types: bool,
    finding: Option<(&'static str, &'static str)>,
}

fn typed_base() -> Vec<(&'static str, Value)> {
    use serde_json::json;
    vec![
        ("id", json!("491718de-357e-4da8-8b43-5c8e74616796")),
        ("timestamp", json!("2024-05-01T00:00:00.061333Z")),
        ("user_id", json!(170000000267045_i64)),
        ("real_user_id", Value::Null),
        ("course_id", json!(9223372036854775807_i64)),
        ("quiz_id", Value::Null),
        ("discussion_id", Value::Null),
        ("conversation_id", Value::Null),
        ("assignment_id", Value::Null),
        ("url", json!("/api/v1/users/self/activity_stream")),
        ("http_method", json!("GET")),
        ("http_status", json!(200)),
        ("http_version", json!("2.0")),
        ("remote_ip", json!("117.168.59.216")),
        ("interaction_micros", json!(61333)),
        ("web_application_controller", json!("users")),
        ("web_application_action", json!("activity_stream")),
        ("web_application_context_type", json!("User")),
        ("web_application_context_id", json!(170000000267045_i64)),
        ("session_id", json!("6775dc77-0156-4f61-9afc-d44d14cf8bfe")),
        ("developer_key_id", Value::Null),
        ("participated", json!(false)),
        (
            "user_agent",
            json!("iCanvas/7.11 (3) iPhone15,3 iOS 17.4.1"),
        ),
    ]
}

fn typed_cases() -> Vec<TypedCase> {
    use serde_json::json;
    let case = |changes: &'static [(&'static str, Value)]| TypedCase {
        changes,
        refused_by_duckdb: true,
        refused_by_spark: false,
        refused_by_duckdb_types: false,
        finding: None,
    };
    // Values built once and leaked: the table of cases is static data.
    let leak = |v: Vec<(&'static str, Value)>| -> &'static [(&'static str, Value)] {
        Box::leak(v.into_boxed_slice())
    };
    let one = |column: &'static str, value: Value| leak(vec![(column, value)]);
    let id = |n: u32| json!(format!("00000000-0000-4000-8000-{n:012}"));
    vec![
        TypedCase {
            refused_by_duckdb: false,
            ..case(leak(vec![]))
        },
        // The base row's key again: DuckDB's primary key refuses it; the audit counts it.
        TypedCase {
            finding: Some(("id", "duplicate_key")),
            ..case(one("url", json!("/again")))
        },
        TypedCase {
            finding: Some(("http_method", "enum")),
            ..case(leak(vec![("id", id(1)), ("http_method", json!("get"))]))
        },
        TypedCase {
            finding: Some(("http_version", "enum")),
            ..case(leak(vec![("id", id(2)), ("http_version", json!("3.0"))]))
        },
        TypedCase {
            finding: Some(("http_status", "enum")),
            ..case(leak(vec![("id", id(3)), ("http_status", json!(299))]))
        },
        TypedCase {
            finding: Some(("web_application_context_type", "enum")),
            ..case(leak(vec![
                ("id", id(4)),
                ("web_application_context_type", json!("course")),
            ]))
        },
        TypedCase {
            refused_by_spark: true,
            finding: Some(("user_agent", "max_length")),
            ..case(leak(vec![
                ("id", id(5)),
                ("user_agent", json!("é".repeat(256))),
            ]))
        },
        TypedCase {
            refused_by_duckdb: false,
            ..case(leak(vec![
                ("id", id(6)),
                ("user_agent", json!("😀".repeat(255))),
            ]))
        },
        TypedCase {
            refused_by_duckdb: false,
            ..case(leak(vec![
                ("id", id(7)),
                ("user_agent", json!("__dap_oversized_truncated__")),
                ("web_application_action", json!("__dap_unspecified__")),
            ]))
        },
        TypedCase {
            finding: Some(("url", "not_null")),
            ..case(leak(vec![("id", id(8)), ("url", Value::Null)]))
        },
        TypedCase {
            finding: Some(("participated", "not_null")),
            ..case(leak(vec![("id", id(9)), ("participated", Value::Null)]))
        },
        TypedCase {
            finding: Some(("remote_ip", "format")),
            ..case(leak(vec![("id", id(10)), ("remote_ip", json!("1.2.3"))]))
        },
        TypedCase {
            refused_by_duckdb: false,
            ..case(leak(vec![
                ("id", id(11)),
                ("remote_ip", json!("::ffff:1.2.3.4")),
            ]))
        },
        TypedCase {
            refused_by_duckdb_types: true,
            finding: Some(("id", "format")),
            ..case(one("id", json!("not-a-uuid")))
        },
        TypedCase {
            finding: Some(("timestamp", "format")),
            ..case(leak(vec![
                ("id", id(12)),
                ("timestamp", json!("0000-06-01T00:00:00Z")),
            ]))
        },
        TypedCase {
            refused_by_duckdb: false,
            ..case(leak(vec![
                ("id", id(13)),
                ("timestamp", json!("9999-12-31T23:59:59.999999Z")),
            ]))
        },
        TypedCase {
            refused_by_spark: true,
            refused_by_duckdb_types: true,
            ..case(leak(vec![
                ("id", id(14)),
                ("interaction_micros", json!(2147483648_i64)),
            ]))
        },
        TypedCase {
            refused_by_duckdb: false,
            ..case(leak(vec![
                ("id", id(15)),
                ("web_application_controller", json!("brand_new_controller")),
            ]))
        },
    ]
}

fn typed_agrees(name: &str, module: &str) {
    let test = format!("typed_{name}_table_and_audit");
    let Some(python) = python_with(module, &test) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("dap-typed-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let base = typed_base();
    let cases = typed_cases();
    let rows: Vec<Value> = cases
        .iter()
        .map(|case| {
            Value::Array(
                base.iter()
                    .map(|(column, value)| {
                        case.changes
                            .iter()
                            .find(|(c, _)| c == column)
                            .map_or_else(|| value.clone(), |(_, v)| v.clone())
                    })
                    .collect(),
            )
        })
        .collect();
    let spec = serde_json::json!({
        "columns": base.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        "rows": rows,
    });
    let rows_path = dir.join("rows.json");
    std::fs::write(&rows_path, spec.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out.json");
    let root = workspace_root();
    let output = Command::new(&python)
        .arg(root.join("validator/tests/engines/validate.py"))
        .arg(format!("typed-{name}"))
        .arg(root.join(format!("schema/generated/sql/{name}.sql")))
        .arg(root.join(format!(
            "schema/generated/validation/{name}/web_logs_typed.sql"
        )))
        .arg(&rows_path)
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.status.success(),
        "{name} typed run failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    let refused = |key: &str| -> BTreeSet<u64> {
        result[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r[0].as_u64())
            .collect()
    };
    let indices = |pick: &dyn Fn(&TypedCase) -> bool| -> BTreeSet<u64> {
        (0u64..)
            .zip(&cases)
            .filter(|(_, c)| pick(c))
            .map(|(i, _)| i)
            .collect()
    };
    // Which rows the engine's own DDL refuses on insert.
    let (stored_by, expected_refused): (BTreeSet<u64>, BTreeSet<u64>) = if name == "duckdb" {
        assert_eq!(
            refused("refused"),
            indices(&|c| c.refused_by_duckdb),
            "rows DuckDB's constrained table refuses: {}",
            result["refused"]
        );
        let types = indices(&|c| c.refused_by_duckdb_types);
        (indices(&|c| !c.refused_by_duckdb_types), types)
    } else {
        let spark = indices(&|c| c.refused_by_spark);
        (indices(&|c| !c.refused_by_spark), spark)
    };
    let refused_key = if name == "duckdb" {
        "refused_unconstrained"
    } else {
        "refused"
    };
    assert_eq!(
        refused(refused_key),
        expected_refused,
        "{name}: rows refused by the types: {}",
        result[refused_key]
    );
    // The audit over what is stored: exactly the expected (column, code) pairs.
    let mut expected: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (i, case) in (0u64..).zip(&cases) {
        if let Some((column, code)) = case.finding
            && stored_by.contains(&i)
        {
            *expected
                .entry((column.to_owned(), code.to_owned()))
                .or_default() += 1;
        }
    }
    let mut actual: BTreeMap<(String, String), u64> = BTreeMap::new();
    for v in result["violations"].as_array().into_iter().flatten() {
        *actual
            .entry((
                v[1].as_str().unwrap_or_default().to_owned(),
                v[2].as_str().unwrap_or_default().to_owned(),
            ))
            .or_default() += 1;
    }
    assert_eq!(actual, expected, "{name}: the audit's findings");
    let sentinels = result["sentinels"].to_string();
    assert!(
        sentinels.contains("__dap_oversized_truncated__")
            && sentinels.contains("__dap_unspecified__"),
        "{name}: sentinels {sentinels}"
    );
    assert!(
        result["open_enum_values"]
            .to_string()
            .contains("brand_new_controller"),
        "{name}: tally {}",
        result["open_enum_values"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn typed_duckdb_table_and_audit() {
    typed_agrees("duckdb", "duckdb");
}

#[test]
fn typed_spark_table_and_audit() {
    typed_agrees("spark", "pyspark");
}

/// `dap-validate --report json` summary of `path` (a file or a directory).
fn summary(path: &Path) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_dap-validate"))
        .args(["--report", "json", "--jobs", "2"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Parquet as Spark 4 and DuckDB write it, in every codec they offer (Spark: snappy, gzip,
/// zstd, lz4, lz4_raw; DuckDB: brotli, which Spark cannot write without an extra jar, and zstd),
/// from the valid sample: `dap-validate` reads each like the JSONL it came from: the same
/// records, no violation, the same open-enum tally and the same per-column profile.
#[test]
fn parquet_from_spark_and_duckdb_in_every_codec_reads_like_the_jsonl() {
    let test = "parquet_from_spark_and_duckdb_in_every_codec_reads_like_the_jsonl";
    let Some(python) = python_with("pyspark", test) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("dap-parquet-codecs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let gz = std::fs::read(workspace_root().join("samples/web_logs-valid.jsonl.gz"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut text = Vec::new();
    use std::io::Read;
    flate2::read::MultiGzDecoder::new(&gz[..])
        .read_to_end(&mut text)
        .unwrap_or_else(|e| panic!("{e}"));
    let jsonl = dir.join("web_logs.jsonl");
    std::fs::write(&jsonl, &text).unwrap_or_else(|e| panic!("{e}"));
    let script = workspace_root().join("validator/tests/engines/write_parquet.py");
    for (engine, codecs) in [
        ("spark", &["snappy", "gzip", "zstd", "lz4", "lz4_raw"][..]),
        ("duckdb", &["brotli", "zstd"][..]),
    ] {
        let output = Command::new(&python)
            .arg(&script)
            .arg(engine)
            .arg(&jsonl)
            .arg(&dir)
            .args(codecs)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            output.status.success(),
            "{engine} could not write Parquet:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let expected = summary(&jsonl);
    assert_eq!(expected["records"], 500);
    assert_eq!(expected["errors"], 0);
    let mut written = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if !path.is_dir() {
            continue;
        }
        written += 1;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let got = summary(&path);
        for key in [
            "records",
            "valid_records",
            "errors",
            "warnings",
            "by_code",
            "open_enum_values",
        ] {
            assert_eq!(got[key], expected[key], "{name:?}: {key}");
        }
        assert_eq!(
            got["profile"]["run"], expected["profile"]["run"],
            "{name:?}: the per-column profile"
        );
    }
    assert_eq!(written, 7, "one directory per codec");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `dap-validate`'s own verdict on JSONTestSuite, engines or not: every `n_` case (a value RFC
/// 8259 forbids) embedded as a column's value makes the line `malformed`, and every `y_` case
/// does not, except the one documented divergence (a member repeated in an object, which the
/// RFC leaves to the parser and `dap-validate` refuses). The `i_` cases are pinned as they are.
#[test]
fn dap_validate_judges_json_test_suite_as_rfc_8259() {
    let dir = std::env::temp_dir().join(format!("dap-json-suite-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let suite = json_test_suite();
    assert!(suite.len() > 250, "{} cases", suite.len());
    let path = dir.join("suite.jsonl");
    let mut text: String = suite.iter().map(|(_, line)| format!("{line}\n")).collect();
    text.push('\n');
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let (findings, _) = dap_validate(std::slice::from_ref(&path));
    let malformed: BTreeSet<u64> = findings
        .iter()
        .filter(|f| f.3 == "malformed")
        .map(|f| f.1)
        .collect();
    let mut wrong = Vec::new();
    let mut implementation_defined = BTreeMap::new();
    for (line, (case, _)) in (1u64..).zip(&suite) {
        let refused = malformed.contains(&line);
        let expected = match case.get(..2) {
            Some("n_") => true,
            Some("y_") => case.starts_with("y_object_duplicated_key"),
            _ => {
                implementation_defined.insert(case.as_str(), refused);
                continue;
            }
        };
        if refused != expected {
            wrong.push(format!("{case}: malformed = {refused}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Implementation-defined: huge exponents and big integers are numbers (then `type` or
    // `range` by the column), lone surrogates are refused, deep nesting past 128 is refused.
    for (case, refused) in [
        ("i_number_huge_exp.json", false),
        ("i_number_very_big_negative_int.json", false),
        ("i_string_1st_surrogate_but_2nd_missing.json", true),
        ("i_string_lone_second_surrogate.json", true),
        ("i_structure_500_nested_arrays.json", true),
    ] {
        assert_eq!(implementation_defined.get(case), Some(&refused), "{case}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Parquet file of many row groups (DuckDB writes them 2,048 rows at least) is checked on
/// every lane, and its report is byte for byte the same for `--jobs 1` to `4`, and the same as
/// that of the same rows in one row group. A copy with bytes overwritten in a later row group
/// reports the same for every job count too (the group that fails ends the file where it
/// would with one lane).
#[test]
fn parquet_row_groups_on_every_lane_report_as_one_lane() {
    let test = "parquet_row_groups_on_every_lane_report_as_one_lane";
    let Some(python) = python_with("duckdb", test) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("dap-parquet-groups-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let jsonl = dir.join("web_logs.jsonl");
    let mut text = Vec::new();
    dap_validate::synth::write_export(&mut text, 7, 20_000, 40).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&jsonl, &text).unwrap_or_else(|e| panic!("{e}"));
    let script = r#"
import sys, duckdb
sys.path.insert(0, sys.argv[4])
from write_parquet import VALUE
value = VALUE.replace("STRING", "VARCHAR").replace("TIMESTAMP", "TIMESTAMPTZ")
columns = {"meta": "STRUCT(ts TIMESTAMPTZ, action VARCHAR)", "key": "STRUCT(id VARCHAR)",
  "value": "STRUCT(" + ", ".join('"%s" %s' % tuple(c.split(" ", 1)) for c in value.split(", ")) + ")"}
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute("COPY (SELECT * FROM read_json(?, columns = %r, format = 'newline_delimited', "
  "ignore_errors = true)) TO '%s' (FORMAT parquet, ROW_GROUP_SIZE %s)" % (columns, sys.argv[2], sys.argv[3]),
  [sys.argv[1]])
print(con.execute("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('%s')" % sys.argv[2]).fetchone()[0])
"#;
    let engines = workspace_root().join("validator/tests/engines");
    let write = |name: &str, group_rows: u32| -> (PathBuf, u64) {
        let path = dir.join(name);
        let output = Command::new(&python)
            .args(["-c", script])
            .arg(&jsonl)
            .arg(&path)
            .arg(group_rows.to_string())
            .arg(&engines)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            output.status.success(),
            "DuckDB could not write {name}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let groups = String::from_utf8_lossy(&output.stdout).trim().parse();
        (path, groups.unwrap_or_else(|e| panic!("{e}")))
    };
    let (many, groups) = write("many.parquet", 2048);
    let (one, single) = write("one.parquet", 1_000_000);
    assert!(groups >= 8, "{groups} row groups");
    assert_eq!(single, 1);
    let run = |path: &Path, jobs: u32| {
        let output = Command::new(env!("CARGO_BIN_EXE_dap-validate"))
            .args(["--report", "json", "--max-errors", "0", "--jobs"])
            .arg(jobs.to_string())
            .arg(path)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        (output.status.code(), output.stdout)
    };
    let first = run(&many, 1);
    assert_eq!(first.0, Some(1), "the export has violations");
    for jobs in 2..=4 {
        assert!(
            run(&many, jobs) == first,
            "--jobs {jobs} differs from --jobs 1"
        );
    }
    let last_line = |out: &[u8]| -> Value {
        let text = String::from_utf8_lossy(out);
        let last = text.lines().last().unwrap_or_default();
        serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}"))
    };
    let (a, b) = (last_line(&first.1), last_line(&run(&one, 2).1));
    for key in [
        "records",
        "valid_records",
        "errors",
        "by_code",
        "open_enum_values",
    ] {
        assert_eq!(a[key], b[key], "{key}");
    }
    assert_eq!(a["profile"]["run"], b["profile"]["run"]);
    assert!(a["errors"].as_u64().unwrap_or(0) > 0);
    // Bytes overwritten two thirds into the file: a later row group's data.
    let mut bytes = std::fs::read(&many).unwrap_or_else(|e| panic!("{e}"));
    let at = bytes.len() * 2 / 3;
    for b in bytes.iter_mut().skip(at).take(4096) {
        *b = 0xA5;
    }
    let broken = dir.join("broken.parquet");
    std::fs::write(&broken, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let first = run(&broken, 1);
    assert_eq!(first.0, Some(2), "a file not read to its end");
    for jobs in 2..=4 {
        assert!(run(&broken, jobs) == first, "broken: --jobs {jobs} differs");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
