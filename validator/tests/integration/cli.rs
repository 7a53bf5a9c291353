//! Runs every `tests/cli/*.case` file against the `dap-validate` binary.
//!
//! A case file is a few `key: value` header lines, then the expected output:
//!
//! ```text
//! # One line saying what the case shows.
//! args: --report json fixtures/small.jsonl
//! stdin: fixtures/small.jsonl        (optional: a file fed to standard input)
//! status: 1
//! stderr: a line that standard error must contain   (optional, repeatable)
//! stdout:
//! ...the exact expected standard output...
//! ```
//!
//! The binary runs in `validator/tests/` with `NO_COLOR` set. Arguments are split on spaces.
//! `DAP_VALIDATE_BLESS=1 cargo test -p dap-validate --test integration cli` rewrites each case's
//! expected stdout with the actual one (review the diff before committing it).

use std::path::Path;
use std::process::{Command, Stdio};

struct Case {
    args: Vec<String>,
    stdin: Option<String>,
    status: i32,
    stderr: Vec<String>,
    header: String,
    stdout: String,
}

fn parse(text: &str) -> Result<Case, String> {
    let (header, stdout) = text.split_once("stdout:\n").ok_or("no `stdout:` line")?;
    let mut case = Case {
        args: Vec::new(),
        stdin: None,
        status: -1,
        stderr: Vec::new(),
        header: format!("{header}stdout:\n"),
        stdout: stdout.to_owned(),
    };
    for line in header.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (key, value) = line.split_once(':').ok_or(format!("bad line {line:?}"))?;
        let value = value.trim();
        match key {
            "args" => {
                case.args = value
                    .split(' ')
                    .filter(|a| !a.is_empty())
                    .map(String::from)
                    .collect()
            }
            "stdin" => case.stdin = Some(value.to_owned()),
            "status" => case.status = value.parse().map_err(|e| format!("status: {e}"))?,
            "stderr" => case.stderr.push(value.to_owned()),
            other => return Err(format!("unknown key {other:?}")),
        }
    }
    if case.status < 0 {
        return Err("no `status:` line".to_owned());
    }
    Ok(case)
}

fn run(case: &Case, dir: &Path) -> Result<(i32, String, String), String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dap-validate"));
    command
        .args(&case.args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match &case.stdin {
        Some(path) => {
            let file = std::fs::File::open(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
            command.stdin(file);
        }
        None => {
            command.stdin(Stdio::null());
        }
    }
    let output = command.output().map_err(|e| e.to_string())?;
    Ok((
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

#[test]
fn cli_cases() {
    let dir = crate::tests_dir();
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("cli"))
        .expect("tests/cli exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "only {} cases", paths.len());
    let bless = std::env::var_os("DAP_VALIDATE_BLESS").is_some();
    let mut failures = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("case file is UTF-8");
        let case = match parse(&text) {
            Ok(case) => case,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let (status, stdout, stderr) = match run(&case, &dir) {
            Ok(result) => result,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        if bless && stdout != case.stdout {
            std::fs::write(path, format!("{}{stdout}", case.header)).expect("bless");
        } else if stdout != case.stdout {
            failures.push(format!(
                "{name}: stdout differs\n--- expected\n{}\n--- actual\n{stdout}",
                case.stdout
            ));
        }
        if status != case.status {
            failures.push(format!(
                "{name}: exit status {status}, expected {}\nstderr: {stderr}",
                case.status
            ));
        }
        for needle in &case.stderr {
            if !stderr.contains(needle.as_str()) {
                failures.push(format!("{name}: stderr lacks {needle:?}\nstderr: {stderr}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
