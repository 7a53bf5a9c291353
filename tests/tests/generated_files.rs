//! The checked-in generated artifacts match what the generator produces now, so a YAML edit
//! without `cargo xtask codegen` fails plain `cargo test`.

use canvas_logs_codegen::artifacts::{self, Outcome};
use integration_tests::workspace_root;

#[test]
fn generated_files_are_fresh() {
    let root = workspace_root();
    let yaml = std::fs::read_to_string(root.join(canvas_logs_codegen::CANVAS_LOGS_YAML_PATH))
        .expect("schema/canvas_logs.yaml readable");
    let namespace = canvas_logs_codegen::load(canvas_logs_codegen::CANVAS_LOGS_YAML_PATH, &yaml)
        .unwrap_or_else(|d| panic!("{d}"));
    let stale: Vec<String> = artifacts::all(&namespace)
        .into_iter()
        .filter(|a| artifacts::ensure(&root, a, true).expect("readable") == Outcome::Stale)
        .map(|a| a.path)
        .collect();
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `cargo xtask codegen` and commit the result"
    );
}

/// Check mode on a copy whose YAML gained an enum value: reports the file stale, writes nothing.
#[test]
fn check_mode_reports_stale_files_and_writes_nothing() {
    let namespace = canvas_logs_codegen::load_embedded();
    let dir = std::env::temp_dir().join(format!("codegen-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for artifact in artifacts::all(&namespace) {
        assert_eq!(
            artifacts::ensure(&dir, &artifact, false).unwrap(),
            Outcome::Written
        );
        assert_eq!(
            artifacts::ensure(&dir, &artifact, true).unwrap(),
            Outcome::Fresh
        );
    }
    let edited = canvas_logs_codegen::CANVAS_LOGS_YAML.replacen(
        "      http20: \"2.0\"\n",
        "      http20: \"2.0\"\n      http30: \"3.0\"\n",
        1,
    );
    let changed = canvas_logs_codegen::load("edited.yaml", &edited).unwrap();
    let json = artifacts::all(&changed)
        .into_iter()
        .find(|a| a.path.ends_with(".json"))
        .unwrap();
    let on_disk = std::fs::read_to_string(dir.join(&json.path)).unwrap();
    assert_eq!(
        artifacts::ensure(&dir, &json, true).unwrap(),
        Outcome::Stale
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(&json.path)).unwrap(),
        on_disk,
        "check mode wrote"
    );
    // CRLF line endings in a checkout do not count as stale.
    std::fs::write(dir.join(&json.path), on_disk.replace('\n', "\r\n")).unwrap();
    let original = artifacts::all(&namespace)
        .into_iter()
        .find(|a| a.path.ends_with(".json"))
        .unwrap();
    assert_eq!(
        artifacts::ensure(&dir, &original, true).unwrap(),
        Outcome::Fresh
    );
    let _ = std::fs::remove_dir_all(&dir);
}
