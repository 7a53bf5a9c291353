//! The proof every database's migrations go through, written once: for each schema change
//! scenario, create OLD's table from OLD's DDL and load OLD's valid rows; apply the migration
//! (when a guard stops it, nothing has changed, and after the rows its guards find are deleted
//! it goes through); every OLD row is still there unchanged; the catalogue equals that of a
//! table NEW's DDL creates fresh; a second run changes nothing; every NEW valid row loads and
//! every NEW invalid row is refused. Each database supplies how to do those things.

use crate::corpus::{self, InvalidCase, InvalidKind, Row};
use canvas_logs_codegen::Namespace;
use canvas_logs_codegen::emit::migration::{self, Migrator, Options};
use canvas_logs_codegen::emit::sql;
use canvas_logs_codegen::model::Table;
use integration_tests::scenarios::SCENARIOS;

/// One database, as the proof drives it.
pub trait Target {
    /// The migrator (and through it the DDL dialect) under test.
    fn migrator(&self) -> &'static dyn Migrator;
    /// Drops everything the previous scenario made.
    fn reset(&self);
    /// Runs a script; `Err` holds the database's error text.
    fn run(&self, script: &str) -> Result<(), String>;
    /// Every row's values of `columns` (as text), in one string ordered by id.
    fn dump(&self, columns: &[String]) -> String;
    /// What the catalogue says of `web_logs` (compared between migrated and fresh tables).
    fn catalogue(&self) -> String;
    /// Loads `rows` of `table` (a loader's statements); `Err` holds the database's error.
    fn load(&self, namespace: &Namespace, table: &Table, rows: &[&Row]) -> Result<(), String>;
    /// Whether `error` is this database's refusal by a migration guard.
    fn is_guard_error(&self, error: &str) -> bool;
    /// Which invalid rows this database can refuse.
    fn refuses(&self, case: &InvalidCase) -> bool {
        let _ = case;
        true
    }
}

/// Runs the proof on every scenario; panics naming the scenario and what failed.
pub fn prove(target: &dyn Target) {
    let old = canvas_logs_codegen::load_embedded();
    let old_table = &old.tables()[0];
    let m = target.migrator();
    let ddl = m.ddl();
    let options = Options {
        allow_destructive: true,
    };
    let mut proven = 0;
    for scenario in SCENARIOS {
        let new = scenario.new_namespace();
        let Some(table) = new.table("web_logs") else {
            continue;
        };
        let name = scenario.name;
        let ok = |result: Result<(), String>, what: &str| {
            if let Err(error) = result {
                panic!("{name}: {what}: {error}");
            }
        };
        target.reset();
        ok(target.run(&sql::render_namespace(ddl, &new)), "NEW DDL");
        let fresh = target.catalogue();
        target.reset();
        ok(target.run(&sql::render(ddl, &old, old_table)), "OLD DDL");
        let old_rows = corpus::valid_rows(&old, old_table);
        ok(
            target.load(&old, old_table, &old_rows.iter().collect::<Vec<_>>()),
            "OLD rows",
        );
        let shared: Vec<String> = table
            .columns()
            .iter()
            .filter(|c| old_table.column(c.name()).is_some())
            .map(|c| c.name().to_owned())
            .collect();
        let script = migration::render(m, &old, &new, options);
        let mut before = target.dump(&shared);
        // A required column can only be added to an empty table: its guard takes every row.
        let mut emptied = false;
        if let Err(error) = target.run(&script) {
            assert!(target.is_guard_error(&error), "{name}: {error}\n{script}");
            assert_eq!(
                target.dump(&shared),
                before,
                "{name}: a stopped migration changed rows"
            );
            let guards = migration::guards(m, &old, &new, options);
            assert!(!guards.is_empty(), "{name}: stopped without a guard");
            for guard in guards {
                emptied |= guard.condition == "1 = 1";
                let delete = format!(
                    "DELETE FROM {} WHERE {};",
                    ddl.table_name(&old, old_table),
                    guard.condition
                );
                ok(target.run(&delete), "deleting the rows in the way");
            }
            before = target.dump(&shared);
            ok(
                target.run(&script),
                "migration after the rows in the way went",
            );
        }
        assert!(
            emptied || !before.is_empty(),
            "{name}: no OLD rows to prove anything with"
        );
        assert_eq!(target.dump(&shared), before, "{name}: OLD rows changed");
        assert_eq!(
            target.catalogue(),
            fresh,
            "{name}: the catalogue differs from a fresh NEW table's\n{script}"
        );
        ok(target.run(&script), "second run");
        assert_eq!(
            target.dump(&shared),
            before,
            "{name}: a second run changed rows"
        );
        ok(
            target.run(&format!("DELETE FROM {};", ddl.table_name(&new, table))),
            "emptying",
        );
        let new_rows = corpus::valid_rows(&new, table);
        ok(
            target.load(&new, table, &new_rows.iter().collect::<Vec<_>>()),
            "NEW rows",
        );
        let problems = crate::refusal_problems(
            &corpus::invalid_cases(&new, table),
            |case: &InvalidCase| target.refuses(case),
            |row: &Row| target.load(&new, table, &[row]),
        );
        assert!(problems.is_empty(), "{name}: {}", problems.join("\n"));
        proven += 1;
    }
    assert!(proven >= 20, "{proven}");
}

/// SQLite's shape checks cannot tell an octet past 255 (see `sqlite.rs`).
pub fn sqlite_refuses(case: &InvalidCase) -> bool {
    case.kind != InvalidKind::MalformedIpNeedsParser
}
