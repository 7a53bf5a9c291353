//! `dap-validate --target`: each rule proven on the real database it names. For every case, the
//! same value is both checked by `dap-validate` (as a JSONL record, with and without `--target`)
//! and loaded into the database through the generated DDL; the database's answer must be what
//! the rule says (refused, or stored but read otherwise), and `dap-validate` must report
//! `target` exactly when given `--target`. A control value next to each case (the same text
//! without the offending character, year 1000) loads unchanged and is not reported.
//!
//! PostgreSQL and MariaDB run as throwaway servers from their modules' tests, which call in
//! here; SQLite runs in-process.

use crate::corpus::Row;
use canvas_logs_codegen::model::{Namespace, Table};
use dap_validate::Violation;
use dap_validate::engine::{Config, validate};
use dap_validate::files::{ExportFile, Format};
use dap_validate::plan::CheckPlan;
use dap_validate::reader::Limits;
use dap_validate::report::Reporter;
use dap_validate::summary::Summary;
use dap_validate::target::Target;
use std::io;

/// One value to try: the column, the value's text (as a row field), and whether the target's
/// rule applies to it.
pub struct Case {
    pub column: &'static str,
    pub text: String,
    pub breaks_rule: bool,
}

/// The cases of `target`'s rules, each with its control.
pub fn cases(target: Target) -> Vec<Case> {
    let case = |column, text: &str, breaks_rule| Case {
        column,
        text: text.to_owned(),
        breaks_rule,
    };
    match target {
        Target::Postgresql | Target::Sqlite => vec![
            case("user_agent", &format!("a\u{0}{}", "b".repeat(200)), true),
            case("user_agent", "ab", false),
            case("url", "/courses/1\u{0}", true),
            case("url", "/courses/1", false),
            case("web_application_controller", "users\u{0}x", true),
        ],
        Target::Mysql => vec![
            case("timestamp", "0999-12-31T23:59:59.999999Z", true),
            case("timestamp", "0001-01-01T00:00:00Z", true),
            case("timestamp", "1000-01-01T00:00:00Z", false),
        ],
        Target::Mssql => Vec::new(),
    }
}

/// `row` with `case`'s value in its column.
pub fn row_with(table: &Table, row: &Row, case: &Case) -> Row {
    let mut row = row.clone();
    if let Some(index) = table.column_index(case.column) {
        row.fields[index] = Some(case.text.clone());
    }
    row.label = format!("{} = {:?}", case.column, case.text);
    row
}

#[derive(Default)]
struct Collect(Vec<(Option<String>, String)>);

impl Reporter for Collect {
    fn violation(&mut self, v: &Violation) -> io::Result<()> {
        self.0.push((v.column.clone(), v.code.as_str().to_owned()));
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// What `dap-validate` (with `target`, if any) reports on one valid generated record whose
/// `case.column` holds `case.text`: (column, code) pairs.
pub fn reported(
    namespace: &Namespace,
    table: &Table,
    case: &Case,
    target: Option<Target>,
) -> Vec<(Option<String>, String)> {
    let mut generator = dap_validate::synth::Generator::new(7);
    let mut record = generator.record();
    let raw = serde_json::to_string(&case.text).unwrap_or_default();
    record.set(case.column, Some(&raw));
    let path = std::env::temp_dir().join(format!(
        "target-{}-{}-{}.jsonl",
        std::process::id(),
        case.column,
        case.text.len()
    ));
    std::fs::write(&path, format!("{}\n", record.to_line())).unwrap_or_else(|e| panic!("{e}"));
    let plan = CheckPlan::compile(namespace, table);
    let plan = match target {
        Some(t) => plan.with_target(t),
        None => plan,
    };
    let config = Config {
        files: vec![ExportFile::at_path(
            path.clone(),
            "target.jsonl".into(),
            Format::Jsonl,
        )],
        jobs: 1,
        max_errors: None,
        redact: false,
        limits: Limits::default(),
    };
    let mut collect = Collect::default();
    validate(&plan, &config, &mut collect, &mut io::sink()).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_file(&path);
    collect.0
}

/// Checks `dap-validate`'s side of every case of `target`: valid DAP data without `--target`,
/// exactly one `target` finding on the column with it when the rule applies, none otherwise.
pub fn assert_reported(namespace: &Namespace, table: &Table, target: Target) {
    for case in cases(target) {
        assert_eq!(
            reported(namespace, table, &case, None),
            Vec::new(),
            "{:?}: valid DAP data",
            case.text
        );
        let expected = if case.breaks_rule {
            vec![(Some(case.column.to_owned()), "target".to_owned())]
        } else {
            Vec::new()
        };
        assert_eq!(
            reported(namespace, table, &case, Some(target)),
            expected,
            "--target {}: {:?}",
            target.name(),
            case.text
        );
    }
}

#[test]
fn sqlite_stores_nul_but_its_length_and_checks_see_the_text_cut_short() {
    let (namespace, table) = crate::web_logs();
    assert_reported(&namespace, &table, Target::Sqlite);
    let connection = rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    connection
        .execute_batch(&crate::checked_in_ddl("sqlite"))
        .unwrap_or_else(|e| panic!("{e}"));
    let base = crate::corpus::valid_rows(&namespace, &table)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no valid row"));
    let columns: Vec<String> = table
        .columns()
        .iter()
        .map(|c| format!("\"{}\"", c.name()))
        .collect();
    let insert = format!(
        "INSERT INTO canvas_logs__web_logs ({}) VALUES ({})",
        columns.join(", "),
        vec!["?"; columns.len()].join(", ")
    );
    for (i, case) in cases(Target::Sqlite).iter().enumerate() {
        let mut row = row_with(&table, &base, case);
        // A fresh key per row.
        row.fields[0] = Some(format!("00000000-0000-4000-8000-{i:012}"));
        connection
            .execute(
                &insert,
                rusqlite::params_from_iter(crate::sqlite::bind(&namespace, &table, &row)),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", row.label));
        // Stored whole (the bytes are all there) ...
        let (bytes, chars): (i64, i64) = connection
            .query_row(
                &format!(
                    "SELECT length(CAST(\"{c}\" AS BLOB)), length(\"{c}\") FROM canvas_logs__web_logs WHERE id = ?",
                    c = case.column
                ),
                [row.fields[0].clone()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(bytes as usize, case.text.len(), "{}", row.label);
        // ... but length() stops at the NUL: the STRICT table's `length(...) <= 255` CHECK and
        // every query see one character of the 202-character user agent.
        let before_nul = case.text.split('\u{0}').next().unwrap_or_default();
        assert_eq!(chars as usize, before_nul.chars().count(), "{}", row.label);
        assert_eq!(
            chars as usize != case.text.chars().count(),
            case.breaks_rule,
            "{}: length() tells the stored text apart exactly when the rule says so",
            row.label
        );
    }
}
