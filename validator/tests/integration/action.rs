//! The GitHub Action (`action.yml` + `action/run.sh`), run here as GitHub would run it: the
//! script with the INPUT_* variables `action.yml` maps, and GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
//! GITHUB_ACTION_PATH and RUNNER_TEMP pointing into a scratch folder. `install: path` uses the
//! binary under test; with `DAP_VALIDATE_WHEEL` set (`.ci/run` sets it to the wheel it built),
//! one more run pip-installs that wheel into a fresh virtual environment, as the action does.

use crate::workspace_root;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use yaml_rust2::{Yaml, YamlLoader};

fn action() -> Yaml {
    let path = workspace_root().join("action.yml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("action.yml: {e}"));
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

fn keys(yaml: &Yaml) -> Vec<String> {
    yaml.as_hash()
        .map(|h| {
            h.keys()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// `max-errors` -> `INPUT_MAX_ERRORS`, as GitHub names an input's variable.
fn variable_of(input: &str) -> String {
    format!("INPUT_{}", input.replace('-', "_").to_uppercase())
}

#[test]
fn every_input_reaches_the_script_and_every_output_comes_back() {
    let action = action();
    let script = std::fs::read_to_string(workspace_root().join("action/run.sh"))
        .unwrap_or_else(|e| panic!("{e}"));
    let runs = &action["runs"];
    assert_eq!(runs["using"].as_str(), Some("composite"));
    let step = &runs["steps"][0];
    assert_eq!(step["id"].as_str(), Some("run"));
    assert_eq!(step["shell"].as_str(), Some("bash"));
    assert_eq!(
        step["run"].as_str(),
        Some("\"$GITHUB_ACTION_PATH/action/run.sh\"")
    );
    let inputs = keys(&action["inputs"]);
    assert!(inputs.len() >= 14, "{inputs:?}");
    for input in &inputs {
        let variable = variable_of(input);
        assert_eq!(
            step["env"][variable.as_str()].as_str(),
            Some(format!("${{{{ inputs.{input} }}}}").as_str()),
            "action.yml does not pass {input} as {variable}"
        );
        assert!(
            script.contains(&format!("${{{variable}")),
            "run.sh never reads {variable}"
        );
        assert!(
            action["inputs"][input.as_str()]["description"]
                .as_str()
                .is_some_and(|d| d.len() > 10),
            "{input} has no description"
        );
    }
    assert_eq!(keys(&step["env"]).len(), inputs.len());
    for output in keys(&action["outputs"]) {
        assert_eq!(
            action["outputs"][output.as_str()]["value"].as_str(),
            Some(format!("${{{{ steps.run.outputs.{output} }}}}").as_str())
        );
        assert!(
            script.contains(&format!("output {output} ")),
            "run.sh never writes {output}"
        );
    }
}

/// One run of the script: its status, log, outputs and step summary.
struct Run {
    output: Output,
    outputs: BTreeMap<String, String>,
    summary: String,
    dir: PathBuf,
}

impl Run {
    fn log(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn status(&self) -> Option<i32> {
        self.output.status.code()
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("dap-action-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// Runs action/run.sh in a fresh folder named `name` with `inputs` (by their action.yml names;
/// the defaults action.yml gives fill the rest, as GitHub fills them) and `path` as PATH.
fn run_action(name: &str, inputs: &[(&str, &str)], path: &str) -> Run {
    let dir = scratch(name);
    let action = action();
    let mut command = Command::new("bash");
    command
        .arg(workspace_root().join("action/run.sh"))
        .current_dir(&dir)
        .env_clear()
        .env("HOME", &dir)
        .env("NO_COLOR", "1")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_ACTION_PATH", workspace_root())
        .env("GITHUB_WORKSPACE", &dir)
        .env("GITHUB_OUTPUT", dir.join("github_output"))
        .env("GITHUB_STEP_SUMMARY", dir.join("step_summary.md"))
        .env("RUNNER_TEMP", dir.join("runner_temp"));
    command.env("PATH", path);
    for input in keys(&action["inputs"]) {
        let default = action["inputs"][input.as_str()]["default"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let given = inputs
            .iter()
            .find(|(name, _)| *name == input)
            .map_or(default, |(_, value)| (*value).to_owned());
        command.env(variable_of(&input), given);
    }
    for (name, _) in inputs {
        assert!(
            action["inputs"][*name].as_hash().is_some(),
            "no input {name}"
        );
    }
    let _ = std::fs::create_dir_all(dir.join("runner_temp"));
    let output = command.output().unwrap_or_else(|e| panic!("bash: {e}"));
    let outputs = std::fs::read_to_string(dir.join("github_output"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let summary = std::fs::read_to_string(dir.join("step_summary.md")).unwrap_or_default();
    Run {
        output,
        outputs,
        summary,
        dir,
    }
}

/// PATH with the folder holding the binary under test first, for `install: path`.
fn binary_dir() -> String {
    let dir = Path::new(env!("CARGO_BIN_EXE_dap-validate"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    format!("{}:{}", dir.display(), system_path())
}

/// The PATH the tests run with (python3, pip, bash, coreutils).
fn system_path() -> String {
    std::env::var("PATH").unwrap_or_default()
}

fn sample(name: &str) -> String {
    workspace_root()
        .join("samples")
        .join(name)
        .display()
        .to_string()
}

fn outputs_of(run: &Run) -> Vec<(&str, &str)> {
    run.outputs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[test]
fn a_valid_export_passes_with_its_outputs_and_summary() {
    let valid = sample("web_logs-valid.jsonl.gz");
    let run = run_action(
        "valid",
        &[("paths", valid.as_str()), ("install", "path")],
        &binary_dir(),
    );
    assert_eq!(run.status(), Some(0), "{}\n{}", run.log(), run.stderr());
    assert_eq!(
        outputs_of(&run),
        [
            ("exit-code", "0"),
            ("invalid-out", ""),
            ("report-file", ""),
            ("valid-out", ""),
            ("verdict", "valid")
        ]
    );
    let log = run.log();
    assert!(log.starts_with("dap-validate 0.1.0 (schema canvas_logs version "));
    assert!(!log.contains("::error"), "{log}");
    assert!(
        run.summary.starts_with("### dap-validate: OK\n"),
        "{}",
        run.summary
    );
}

#[test]
fn an_invalid_export_fails_the_step_with_redacted_annotations_and_quarantine() {
    let invalid = sample("web_logs-invalid.jsonl.gz");
    // Two paths on one line (split on spaces) and a glob.
    let paths = format!("{invalid}\n{}", sample("web_logs-in*.jsonl.gz"));
    let run = run_action(
        "invalid",
        &[
            ("paths", paths.as_str()),
            ("install", "path"),
            ("max-errors", "5"),
            ("valid-out", "quarantine/ok.jsonl"),
            ("invalid-out", "quarantine/bad.jsonl.gz"),
            ("jobs", "2"),
        ],
        &binary_dir(),
    );
    assert_eq!(run.status(), Some(1), "{}\n{}", run.log(), run.stderr());
    let log = run.log();
    let annotations: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("::error ") || l.starts_with("::warning "))
        .collect();
    // Five per file (max-errors), for the same file given twice; the second time, its first
    // five are duplicate-key warnings.
    assert_eq!(annotations.len(), 10, "{log}");
    // Redacted by default: no annotation ends with a quoted value.
    assert!(annotations.iter().all(|l| !l.ends_with('"')), "{log}");
    assert!(log.contains("duplicate_key"), "{log}");
    assert_eq!(
        run.outputs.get("verdict").map(String::as_str),
        Some("invalid")
    );
    assert_eq!(run.outputs.get("exit-code").map(String::as_str), Some("1"));
    assert_eq!(
        run.outputs.get("invalid-out").map(String::as_str),
        Some("quarantine/bad.jsonl.gz")
    );
    let valid_lines = std::fs::read_to_string(run.dir.join("quarantine/ok.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or_default();
    let bad = std::fs::read(run.dir.join("quarantine/bad.jsonl.gz")).unwrap_or_default();
    assert_eq!(bad.get(..2), Some([0x1f, 0x8b].as_slice()), "gzip output");
    // 502 records a file, twice; 50 invalid a file.
    assert_eq!(valid_lines, 2 * 452);
    assert!(
        run.summary.starts_with("### dap-validate: FAILED\n"),
        "{}",
        run.summary
    );
}

#[test]
fn a_file_report_goes_to_report_file() {
    let invalid = sample("web_logs-invalid.jsonl.gz");
    let run = run_action(
        "sarif",
        &[
            ("paths", invalid.as_str()),
            ("install", "path"),
            ("report", "sarif"),
            ("report-file", "reports/dap.sarif"),
            ("redact", "false"),
            ("max-errors", ""),
        ],
        &binary_dir(),
    );
    assert_eq!(run.status(), Some(1), "{}", run.stderr());
    assert_eq!(
        run.outputs.get("report-file").map(String::as_str),
        Some("reports/dap.sarif")
    );
    let text = std::fs::read_to_string(run.dir.join("reports/dap.sarif")).unwrap_or_default();
    let sarif: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let results = sarif["runs"][0]["results"].as_array().map(Vec::len);
    assert_eq!(results, Some(52), "every violation, with max-errors empty");
    assert!(text.contains("\\\"get\\\""), "redact false keeps values");
    assert!(!run.log().contains("::error"), "{}", run.log());
}

#[test]
fn bad_inputs_and_unreadable_exports_are_errors_with_status_2() {
    let bin = binary_dir();
    /// A case's name, its inputs and what the log must say.
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: [Case<'_>; 5] = [
        (
            "missing",
            vec![("paths", "nowhere/part-0.jsonl.gz")],
            "cannot read nowhere/part-0.jsonl.gz",
        ),
        (
            "empty-paths",
            vec![("paths", "  \n ")],
            "input 'paths' is empty",
        ),
        (
            "redact-typo",
            vec![("paths", "x"), ("redact", "ture")],
            "input 'redact' must be true or false, not 'ture'",
        ),
        (
            "report-typo",
            vec![("paths", "x"), ("report", "xml")],
            "input 'report' must be github, human, json, junit or sarif",
        ),
        (
            "no-glob-match",
            vec![("paths", "exports/*.jsonl.gz")],
            "no file matches 'exports/*.jsonl.gz'",
        ),
    ];
    for (name, mut inputs, message) in cases {
        inputs.push(("install", "path"));
        let run = run_action(name, &inputs, &bin);
        assert_eq!(run.status(), Some(2), "{name}: {}", run.log());
        let said = format!("{}{}", run.log(), run.stderr());
        assert!(said.contains(message), "{name}: {said}");
    }
    // `install: path` without a dap-validate on the PATH says what to do.
    let run = run_action(
        "no-binary",
        &[("paths", "x"), ("install", "path")],
        "/usr/bin:/bin",
    );
    assert_eq!(run.status(), Some(2));
    assert!(
        run.log().contains("no dap-validate is on the PATH"),
        "{}",
        run.log()
    );
}

/// The action's own install path, with the wheel `.ci/run` built: pip into a fresh virtual
/// environment under RUNNER_TEMP, then the run. Without `DAP_VALIDATE_WHEEL` it says so.
#[test]
fn the_wheel_installs_and_runs_through_the_action() {
    let Some(wheel) = std::env::var_os("DAP_VALIDATE_WHEEL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but DAP_VALIDATE_WHEEL is not: .ci/run builds the wheel and sets it"
        );
        // Written to the stream itself, not through eprintln!, which the test harness captures.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIP the_wheel_installs_and_runs_through_the_action: DAP_VALIDATE_WHEEL is not \
             set (`cargo xtask dist` builds the wheel; .ci/run runs this test with it)"
        );
        return;
    };
    let wheel = wheel.to_string_lossy().into_owned();
    let valid = sample("web_logs-valid.jsonl.gz");
    let run = run_action(
        "wheel",
        &[("paths", valid.as_str()), ("install", wheel.as_str())],
        &system_path(),
    );
    assert_eq!(run.status(), Some(0), "{}\n{}", run.log(), run.stderr());
    assert_eq!(
        run.outputs.get("verdict").map(String::as_str),
        Some("valid")
    );
    let venv = run.dir.join("runner_temp/dap-validate-venv");
    assert!(venv.join("bin/dap-validate").is_file());
    assert!(venv.join("share/man/man1/dap-validate.1").is_file());
    assert!(
        venv.join("share/bash-completion/completions/dap-validate")
            .is_file()
    );
}
