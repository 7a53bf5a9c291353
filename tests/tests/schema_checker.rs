//! The schema checker, one fixture per problem kind, each with its exact expected diagnostics.
//!
//! Each `fixtures/schema/<case>.yaml` sits beside `<case>.expected`: the exact text the checker
//! prints (one diagnostic per line), or `ok` for a valid schema. Set `BLESS=1` to rewrite the
//! expected files after a deliberate message change, then review the diff.

use canvas_logs_codegen::{DiagnosticKind, load};
use integration_tests::fixtures;
use std::path::PathBuf;

fn cases() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures().join("schema"))
        .expect("fixtures/schema exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

fn render(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).expect("fixture readable");
    let name = format!(
        "fixtures/schema/{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
    );
    match load(&name, &text) {
        Ok(_) => "ok\n".to_owned(),
        Err(diagnostics) => format!("{diagnostics}\n"),
    }
}

#[test]
fn every_fixture_yields_its_exact_diagnostics() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() >= 20, "the fixtures are missing");
    for path in all {
        let actual = render(&path);
        let expected_path = path.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, &actual).expect("write expected");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("missing {}", expected_path.display()));
        if actual != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- actual\n{actual}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each problem kind the issue names has at least one fixture that produces it.
#[test]
fn every_diagnostic_kind_is_covered_by_a_fixture() {
    let mut seen = std::collections::BTreeSet::new();
    for path in cases() {
        let text = std::fs::read_to_string(&path).expect("fixture readable");
        if let Err(diagnostics) = load("x.yaml", &text) {
            for d in diagnostics {
                seen.insert(d.kind());
            }
        }
    }
    let all = [
        DiagnosticKind::YamlSyntax,
        DiagnosticKind::UnknownKey,
        DiagnosticKind::MissingKey,
        DiagnosticKind::InvalidValue,
        DiagnosticKind::UnknownType,
        DiagnosticKind::UndefinedEnum,
        DiagnosticKind::Duplicate,
        DiagnosticKind::InvalidMaxLength,
        DiagnosticKind::InvalidPrimaryKey,
        DiagnosticKind::EnumValueOutOfRange,
        DiagnosticKind::EmptyEnum,
        DiagnosticKind::InvalidName,
    ];
    for kind in all {
        assert!(seen.contains(&kind), "no fixture produces {kind:?}");
    }
}

/// All problems of a file come out of one run, in source order.
#[test]
fn one_run_reports_every_problem() {
    let text = std::fs::read_to_string(fixtures().join("schema/many_problems.yaml")).unwrap();
    let diagnostics = load("many.yaml", &text).unwrap_err();
    let kinds: Vec<DiagnosticKind> = diagnostics.as_slice().iter().map(|d| d.kind()).collect();
    assert_eq!(
        kinds,
        [
            DiagnosticKind::EnumValueOutOfRange,
            DiagnosticKind::UnknownType,
            DiagnosticKind::InvalidMaxLength,
            DiagnosticKind::UnknownKey,
        ]
    );
    let lines: Vec<usize> = diagnostics
        .as_slice()
        .iter()
        .map(|d| d.position().line)
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "diagnostics are in source order");
}

/// Whatever bytes arrive, the loader answers with a model or diagnostics: it never panics.
#[test]
fn damaged_schemas_never_panic() {
    let original = canvas_logs_codegen::CANVAS_LOGS_YAML;
    let bytes = original.as_bytes();
    // Every prefix at a char boundary, in steps, and single-byte damage across the file.
    for cut in (0..bytes.len()).step_by(97) {
        if let Ok(prefix) = std::str::from_utf8(&bytes[..cut]) {
            let _ = load("cut.yaml", prefix);
        }
    }
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..400 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let position = (state % bytes.len() as u64) as usize;
        let replacement = [b':', b'-', b' ', b'\n', b'[', b'{', b'"', b'x', b'\t', b'&']
            [(state >> 32) as usize % 10];
        let mut damaged = bytes.to_vec();
        damaged[position] = replacement;
        if let Ok(text) = String::from_utf8(damaged) {
            let _ = load("damaged.yaml", &text);
        }
    }
}
