//! Differential test: on a generated corpus of 120,000 records, a third of them changed by a
//! mutation of every kind (`dap_validate::synth::MUTATIONS`), `dap-validate`'s verdict on each
//! record equals the `jsonschema` crate's verdict under the emitted JSON Schema (formats on), and
//! the set of violated columns is the same. Lines serde_json cannot parse count as invalid for
//! the reference, with no column, as `malformed` does.
//!
//! The documented divergences are checked explicitly instead: an integer written `1.0`/`2e2`
//! (JSON Schema's `integer` admits it; `dap-validate` says `type`) and a key repeated in one
//! object (serde_json keeps the last; `dap-validate` says `malformed`). For these, the reference
//! must say valid and `dap-validate` must say exactly what the mutation expects.

use dap_validate::engine::{Config, validate};
use dap_validate::files::{ExportFile, Format};
use dap_validate::plan::CheckPlan;
use dap_validate::reader::Limits;
use dap_validate::report::Reporter;
use dap_validate::summary::Summary;
use dap_validate::synth::{Generator, MUTATIONS, Rng};
use dap_validate::{Severity, Violation};
use jsonschema::error::ValidationErrorKind;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

const RECORDS: u64 = 120_000;

/// A record ordinal as a number, whether the violation's field is optional or not (formats
/// without records, like a CSV header problem, have none).
trait Ordinal {
    fn ordinal(&self) -> u64;
}

impl Ordinal for dap_validate::violation::LineNumber {
    fn ordinal(&self) -> u64 {
        self.get()
    }
}

impl Ordinal for Option<dap_validate::violation::LineNumber> {
    fn ordinal(&self) -> u64 {
        self.map_or(0, |r| r.get())
    }
}

#[derive(Default)]
struct Collect {
    /// Record ordinal -> (columns with an error, codes).
    errors: BTreeMap<u64, (BTreeSet<Option<String>>, BTreeSet<String>)>,
}

impl Reporter for Collect {
    fn violation(&mut self, v: &Violation) -> io::Result<()> {
        if v.severity == Severity::Error {
            let entry = self.errors.entry(v.record.ordinal()).or_default();
            entry.0.insert(v.column.clone());
            entry.1.insert(v.code.as_str().to_owned());
        }
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// The columns a JSON Schema error is about, named as dap-validate names them.
fn columns_of(error: &jsonschema::ValidationError<'_>) -> Vec<Option<String>> {
    let path = error.instance_path().as_str().to_owned();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let names = |unexpected: &[String], prefix: &str| -> Vec<Option<String>> {
        unexpected
            .iter()
            .map(|n| Some(format!("{prefix}{n}")))
            .collect()
    };
    match (segments.as_slice(), error.kind()) {
        ([], ValidationErrorKind::Required { property }) => match property.as_str() {
            Some("key") => vec![Some("id".to_owned())],
            Some("meta") => vec![Some("meta.ts".to_owned())],
            _ => vec![None],
        },
        ([] | ["key"] | ["value"], ValidationErrorKind::AdditionalProperties { unexpected }) => {
            names(unexpected, "")
        }
        (["meta"], ValidationErrorKind::AdditionalProperties { unexpected }) => {
            names(unexpected, "meta.")
        }
        (["meta"], ValidationErrorKind::Required { .. }) => vec![Some("meta.ts".to_owned())],
        (["key" | "value"], ValidationErrorKind::Required { property }) => {
            vec![property.as_str().map(str::to_owned)]
        }
        (["meta", member, ..], _) => vec![Some(format!("meta.{member}"))],
        (["key" | "value", column, ..], _) => vec![Some((*column).to_owned())],
        _ => vec![None],
    }
}

#[test]
fn verdicts_and_columns_agree_with_jsonschema() {
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace.table("web_logs").expect("web_logs");
    let schema = canvas_logs_codegen::emit::json_schema::record_schema(&namespace, table);
    let reference = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the emitted schema compiles");

    // The corpus: every third record mutated, cycling through a shuffled choice of mutations.
    let mut generator = Generator::new(20_26);
    let mut choice = Rng::new(7);
    let mut lines: Vec<Vec<u8>> = Vec::with_capacity(RECORDS as usize);
    let mut mutation_of: Vec<Option<usize>> = Vec::with_capacity(RECORDS as usize);
    for _ in 0..RECORDS {
        let record = generator.record();
        if choice.below(3) == 0 {
            let m = choice.below(MUTATIONS.len() as u64) as usize;
            lines.push(MUTATIONS[m].render(record, generator.rng()));
            mutation_of.push(Some(m));
        } else {
            lines.push(record.to_line().into_bytes());
            mutation_of.push(None);
        }
    }
    let mut used: BTreeSet<usize> = BTreeSet::new();
    used.extend(mutation_of.iter().flatten().copied());
    assert_eq!(used.len(), MUTATIONS.len(), "every mutation kind occurs");

    let path = std::env::temp_dir().join(format!(
        "dap-validate-differential-{}.jsonl",
        std::process::id()
    ));
    let mut text = Vec::new();
    for line in &lines {
        text.extend_from_slice(line);
        text.push(b'\n');
    }
    std::fs::write(&path, &text).expect("write the corpus");
    let plan = CheckPlan::compile(&namespace, table);
    let config = Config {
        files: vec![ExportFile::at_path(
            path.clone(),
            "corpus.jsonl".into(),
            Format::Jsonl,
        )],
        jobs: 2,
        max_errors: None,
        redact: false,
        limits: Limits {
            batch_bytes: 256 << 10,
            ..Limits::default()
        },
    };
    let mut collect = Collect::default();
    let summary = validate(&plan, &config, &mut collect, &mut io::sink()).expect("validate");
    let _ = std::fs::remove_file(&path);
    assert_eq!(summary.records, RECORDS);

    let mut mismatches = Vec::new();
    let mut diverging = 0;
    let mut invalid = 0;
    for (i, line) in lines.iter().enumerate() {
        let record = i as u64 + 1;
        let ours = collect.errors.get(&record);
        let ours_invalid = ours.is_some();
        invalid += u64::from(ours_invalid);
        let ours_columns = ours.map(|o| o.0.clone()).unwrap_or_default();
        let (theirs_invalid, theirs_columns): (bool, BTreeSet<Option<String>>) =
            match serde_json::from_slice::<serde_json::Value>(line) {
                Err(_) => (true, BTreeSet::from([None])),
                Ok(value) => {
                    let columns: BTreeSet<Option<String>> = reference
                        .iter_errors(&value)
                        .flat_map(|e| columns_of(&e))
                        .collect();
                    (!columns.is_empty(), columns)
                }
            };
        let mutation = mutation_of[i].map(|m| &MUTATIONS[m]);
        if let Some(m) = mutation.filter(|m| m.divergence.is_some()) {
            diverging += 1;
            let expected_column = m.expected.column.map(str::to_owned);
            let ok = !theirs_invalid
                && ours_columns == BTreeSet::from([expected_column])
                && ours.is_some_and(|o| o.1.contains(m.expected.code.unwrap_or_default()));
            if !ok {
                mismatches.push(format!(
                    "record {record} ({}): divergence not as documented",
                    m.name
                ));
            }
            continue;
        }
        if ours_invalid != theirs_invalid || ours_columns != theirs_columns {
            mismatches.push(format!(
                "record {record} ({}): dap-validate {ours_columns:?}, jsonschema {theirs_columns:?}: {}",
                mutation.map_or("unmutated", |m| m.name),
                String::from_utf8_lossy(&line[..line.len().min(300)])
            ));
        }
        // And each mutation does what it says.
        if let Some(m) = mutation {
            let expected_invalid = m.expected.code.is_some();
            let code_ok = m
                .expected
                .code
                .is_none_or(|code| ours.is_some_and(|o| o.1.contains(code)));
            let column_ok =
                !expected_invalid || ours_columns.contains(&m.expected.column.map(str::to_owned));
            if ours_invalid != expected_invalid || !code_ok || !column_ok {
                mismatches.push(format!("record {record} ({}): {ours:?}", m.name));
            }
        }
    }
    assert!(diverging > 0);
    assert!(
        invalid > RECORDS / 5,
        "the corpus has invalid records ({invalid})"
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatch(es), first ones:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
