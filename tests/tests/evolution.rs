//! Following DAP's schema as it changes: every scenario of `integration_tests::scenarios`
//! through the diff (golden human and JSON reports, and the codes each must hold) and through
//! the importer (NEW served as DAP serves it imports back to NEW, from OLD's names and from its
//! own), and the served files DAP would write for v1 and v2 against golden copies.
//! `CODEGEN_BLESS=1` rewrites the golden files (review the diff).

use canvas_logs_codegen::diff::{self, render};
use canvas_logs_codegen::emit::{dap_schema, yaml};
use canvas_logs_codegen::import::dap::{self, Options};
use integration_tests::fixtures;
use integration_tests::scenarios::SCENARIOS;

/// The codes each scenario's diff must contain (so a bless cannot hide a wrong classification).
const EXPECTED: &[(&str, &[&str])] = &[
    ("01-column-added-nullable", &["column_added_nullable"]),
    ("02-column-added-required", &["column_added_required"]),
    ("03-column-removed", &["column_removed"]),
    ("04-column-reordered", &["column_reordered"]),
    ("05-nullability-loosened", &["nullability_loosened"]),
    ("06-nullability-tightened", &["nullability_tightened"]),
    ("07-type-widened", &["type_widened"]),
    ("08-type-narrowed", &["type_narrowed"]),
    ("09-type-changed", &["type_changed"]),
    ("10-max-length-raised", &["max_length_raised"]),
    ("11-max-length-lowered", &["max_length_lowered"]),
    ("12-max-length-added", &["max_length_added"]),
    ("13-max-length-removed", &["max_length_removed"]),
    ("14-enum-value-added", &["enum_value_added"]),
    ("15-enum-value-removed", &["enum_value_removed"]),
    ("16-enum-opened", &["enum_opened"]),
    ("17-enum-closed", &["enum_closed"]),
    ("18-sentinel-added", &["max_length_added", "sentinel_added"]),
    ("19-sentinel-removed", &["sentinel_removed"]),
    ("20-primary-key-changed", &["primary_key_changed"]),
    ("21-description-only", &["description_changed"]),
    ("22-table-added", &["table_added"]),
    (
        "23-v2-like-pysqlsync",
        &[
            "version_changed",
            "enum_value_added",
            "enum_value_added",
            "column_added_nullable",
            "nullability_loosened",
            "max_length_raised",
        ],
    ),
];

/// Whether each scenario breaks (exit status 1 of `cargo xtask diff`).
const BREAKING: &[&str] = &[
    "02-column-added-required",
    "03-column-removed",
    "06-nullability-tightened",
    "08-type-narrowed",
    "09-type-changed",
    "11-max-length-lowered",
    "12-max-length-added",
    "15-enum-value-removed",
    "17-enum-closed",
    "18-sentinel-added",
    "19-sentinel-removed",
    "20-primary-key-changed",
];

fn golden(name: &str, actual: &str, failures: &mut Vec<String>) {
    let path = fixtures().join("evolution").join(name);
    if std::env::var_os("CODEGEN_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        failures.push(format!(
            "{name} differs (CODEGEN_BLESS=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}"
        ));
    }
}

#[test]
fn every_scenario_is_classified_as_its_golden_report_says() {
    let old = canvas_logs_codegen::load_embedded();
    assert_eq!(SCENARIOS.len(), EXPECTED.len());
    let mut failures = Vec::new();
    for (scenario, (name, codes)) in SCENARIOS.iter().zip(EXPECTED) {
        assert_eq!(scenario.name, *name);
        let new = scenario.new_namespace();
        let changes = diff::diff(&old, &new);
        let got: Vec<&str> = changes.iter().map(|c| c.code()).collect();
        let mut want = codes.to_vec();
        want.sort_unstable();
        let mut sorted = got.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, want, "{name}: {got:?}");
        let breaking = changes.iter().any(|c| c.is_breaking());
        assert_eq!(breaking, BREAKING.contains(name), "{name}: breaking");
        golden(
            &format!("{name}.diff.txt"),
            &render::human(&old, &new, &changes),
            &mut failures,
        );
        let json = serde_json::to_string_pretty(&render::json(&old, &new, &changes))
            .unwrap_or_default()
            + "\n";
        golden(&format!("{name}.diff.json"), &json, &mut failures);
        // The reverse diff holds the mirror image: nothing is found one way only.
        assert_eq!(
            diff::diff(&new, &old).len(),
            changes.len(),
            "{name}: reverse"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(diff::diff(&old, &old).is_empty());
}

#[test]
fn every_scenario_served_as_dap_serves_it_imports_back() {
    let old = canvas_logs_codegen::load_embedded();
    let header = yaml::header_comment(canvas_logs_codegen::CANVAS_LOGS_YAML);
    for scenario in SCENARIOS.iter().filter(|s| s.importable) {
        let new = scenario.new_namespace();
        let table = &new.tables()[0];
        let served = dap_schema::served(&new, table).to_string();
        for (base, what) in [(&old, "OLD's names"), (&new, "its own names")] {
            let options = Options {
                table: None,
                base: Some(base),
            };
            let imported = dap::import(&served, options)
                .unwrap_or_else(|e| panic!("{}: {e:?}", scenario.name));
            assert!(
                imported.namespace == new,
                "{} with {what}: the import differs",
                scenario.name
            );
            assert_eq!(
                yaml::render(&imported.namespace, &header),
                scenario.new_yaml(),
                "{} with {what}",
                scenario.name
            );
        }
    }
}

/// The served files DAP would write for web_logs v1 and the v2 scenario, golden, and the v2 file
/// imported over v1's YAML gives v2's YAML and names the member names it derived.
#[test]
fn served_files_and_their_import_match_the_golden_copies() {
    let v1 = canvas_logs_codegen::load_embedded();
    let v2_scenario = SCENARIOS
        .iter()
        .find(|s| s.name == "23-v2-like-pysqlsync")
        .unwrap_or_else(|| panic!("v2 scenario"));
    let v2 = v2_scenario.new_namespace();
    let mut failures = Vec::new();
    for (namespace, name) in [
        (&v1, "web_logs.v1.served.json"),
        (&v2, "web_logs.v2.served.json"),
    ] {
        let served = dap_schema::served(namespace, &namespace.tables()[0]);
        let text = serde_json::to_string_pretty(&served).unwrap_or_default() + "\n";
        golden(name, &text, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let text = std::fs::read_to_string(fixtures().join("evolution/web_logs.v2.served.json"))
        .unwrap_or_default();
    let imported = dap::import(
        &text,
        Options {
            table: None,
            base: Some(&v1),
        },
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let derived: Vec<(&str, &str)> = imported
        .derived_names
        .iter()
        .map(|d| (d.value.as_str(), d.name.as_str()))
        .collect();
    assert_eq!(derived, [("QUERY", "QUERY"), ("PRI", "PRI")]);
    assert_eq!(imported.namespace.version(), 2);
    let header = yaml::header_comment(canvas_logs_codegen::CANVAS_LOGS_YAML);
    assert_eq!(
        yaml::render(&imported.namespace, &header),
        v2_scenario.new_yaml()
    );
}

/// Destructive steps are written only with `allow_destructive`; without it the script says what
/// it left out, and the left-out columns keep their form.
#[test]
fn destructive_steps_wait_for_allow_destructive() {
    use canvas_logs_codegen::emit::migration::{self, Options};
    let old = canvas_logs_codegen::load_embedded();
    let cases = [
        (
            "03-column-removed",
            "postgresql",
            "DROP COLUMN IF EXISTS \"quiz_id\"",
        ),
        (
            "15-enum-value-removed",
            "postgresql",
            "RENAME TO \"HTTPMethod__old\"",
        ),
        (
            "08-type-narrowed",
            "mysql",
            "MODIFY COLUMN `web_application_context_id` int",
        ),
        ("03-column-removed", "sqlite", "INSERT INTO"),
    ];
    for (name, dialect, step) in cases {
        let scenario = SCENARIOS
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name}"));
        let new = scenario.new_namespace();
        let m = migration::migrator(dialect).unwrap_or_else(|| panic!("{dialect}"));
        let held = migration::render(m, &old, &new, Options::default());
        assert!(held.contains("LEFT OUT"), "{name} {dialect}:\n{held}");
        assert!(!held.contains(step), "{name} {dialect}:\n{held}");
        let allowed = migration::render(
            m,
            &old,
            &new,
            Options {
                allow_destructive: true,
            },
        );
        assert!(
            !allowed.contains("LEFT OUT"),
            "{name} {dialect}:\n{allowed}"
        );
        assert!(allowed.contains(step), "{name} {dialect}:\n{allowed}");
    }
}
