//! Runs every CLI case file: `tests/cli/*.case` (the command line as data: every code, every
//! report format, stdin, directories, the exit-2 paths, each input format),
//! `tests/hostile/*.case` (the catalogue of hostile inputs) and `tests/newcomer/*.case` (every
//! mistake a newcomer makes, each answered with what to do next). One format and one runner.
//!
//! A case is a few header lines, then `stdout:` and the exact expected standard output:
//!
//! ```text
//! # What the case shows (first line), and why the outcome is right.
//! file: a.jsonl = text:{"meta":{"ts":"2024-05-01T00:00:00Z"}}\n      (repeatable)
//! env: GITHUB_STEP_SUMMARY=summary.md                                   (repeatable)
//! args: --report json a.jsonl                                           (split on spaces)
//! stdin: a.jsonl                                                        (optional)
//! status: 1
//! stderr: a substring standard error must contain                       (repeatable)
//! show: summary.md      (after the run, this file's text, gunzipped if .gz, is appended to
//!                        the checked stdout under a `--- summary.md` line; repeatable)
//! stdout:
//! ...exact expected standard output (then the `show:` files)...
//! ```
//!
//! `file:` specs build hostile inputs at test time instead of checking them in (several `file:`
//! lines for one name append to it):
//!
//! - `text:BYTES` — the bytes; escapes `\n \r \t \\ \xHH`, every other character as is (so a
//!   JSON escape is written `\\u0000`);
//! - `repeat:N:BYTES` — the bytes N times (large inputs without a large case file);
//! - `members:N:PREFIX` — N distinct JSON members `"PREFIX0":0,"PREFIX1":0,...` (no braces);
//! - `gzip:BYTES` — one gzip member of the bytes; `gzip-cut:N:BYTES` — the same, last N bytes
//!   cut off (a truncated download);
//! - `dir` — an empty directory; `symlink:TARGET` — a symbolic link.
//!
//! A hostile case runs in a fresh scratch directory (its working directory, so reported paths
//! are the short names above); a `tests/cli` case runs in `validator/tests/`, next to its checked-in
//! fixtures, and may not build files. Every case runs with `NO_COLOR` set, `GITHUB_STEP_SUMMARY`
//! unset unless given, and a 120-second limit: a hang, a panic, a crash by signal or an exit
//! status other than 0/1/2 fails the case whatever it expects. `DAP_VALIDATE_BLESS=1` rewrites
//! the expected stdout of failing cases (review the diff).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

struct Case {
    files: Vec<(String, String)>,
    env: Vec<(String, String)>,
    args: Vec<String>,
    stdin: Option<String>,
    status: i32,
    stderr: Vec<String>,
    show: Vec<String>,
    header: String,
    stdout: String,
}

fn parse(text: &str) -> Result<Case, String> {
    let (header, stdout) = text.split_once("stdout:\n").ok_or("no `stdout:` line")?;
    let mut case = Case {
        files: Vec::new(),
        env: Vec::new(),
        args: Vec::new(),
        stdin: None,
        status: -1,
        stderr: Vec::new(),
        show: Vec::new(),
        header: format!("{header}stdout:\n"),
        stdout: stdout.to_owned(),
    };
    if !header.starts_with('#') {
        return Err("the first line must be a `#` comment saying what the case shows".to_owned());
    }
    for line in header.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (key, value) = line.split_once(": ").ok_or(format!("bad line {line:?}"))?;
        match key {
            "file" => {
                let (name, spec) = value
                    .split_once(" = ")
                    .ok_or(format!("bad file {value:?}"))?;
                case.files.push((name.to_owned(), spec.to_owned()));
            }
            "env" => {
                let (name, v) = value.split_once('=').ok_or(format!("bad env {value:?}"))?;
                case.env.push((name.to_owned(), v.to_owned()));
            }
            "args" => {
                case.args = value
                    .split(' ')
                    .filter(|a| !a.is_empty())
                    .map(String::from)
                    .collect();
            }
            "stdin" => case.stdin = Some(value.to_owned()),
            "status" => case.status = value.parse().map_err(|e| format!("status: {e}"))?,
            "stderr" => case.stderr.push(value.to_owned()),
            "show" => case.show.push(value.to_owned()),
            other => return Err(format!("unknown key {other:?}")),
        }
    }
    if case.status < 0 {
        return Err("no `status:` line".to_owned());
    }
    Ok(case)
}

/// Decodes `\n \r \t \\ \xHH`; any other character stands for its UTF-8 bytes.
fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('n') => out.push(b'\n'),
            Some('r') => out.push(b'\r'),
            Some('t') => out.push(b'\t'),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                let byte = u8::from_str_radix(&hex, 16).map_err(|_| format!("bad \\x{hex}"))?;
                out.push(byte);
            }
            other => return Err(format!("unknown escape \\{}", other.unwrap_or(' '))),
        }
    }
    Ok(out)
}

/// Builds one `file:` spec in `dir`.
fn make(dir: &Path, name: &str, spec: &str) -> Result<(), String> {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    if spec == "dir" {
        return std::fs::create_dir_all(&path).map_err(|e| e.to_string());
    }
    if let Some(target) = spec.strip_prefix("symlink:") {
        return std::os::unix::fs::symlink(target, &path).map_err(|e| e.to_string());
    }
    let (kind, payload) = spec.split_once(':').ok_or(format!("bad spec {spec:?}"))?;
    let bytes = match kind {
        "text" => unescape(payload)?,
        "gzip" => crate::gzip(&unescape(payload)?),
        "repeat" => {
            let (n, unit) = payload.split_once(':').ok_or("repeat:N:BYTES")?;
            let n: usize = n.parse().map_err(|e| format!("repeat count: {e}"))?;
            unescape(unit)?.repeat(n)
        }
        "members" => {
            let (n, prefix) = payload.split_once(':').ok_or("members:N:PREFIX")?;
            let n: usize = n.parse().map_err(|e| format!("members count: {e}"))?;
            let members: Vec<String> = (0..n).map(|i| format!("\"{prefix}{i}\":0")).collect();
            members.join(",").into_bytes()
        }
        "gzip-cut" => {
            let (n, text) = payload.split_once(':').ok_or("gzip-cut:N:BYTES")?;
            let n: usize = n.parse().map_err(|e| format!("cut: {e}"))?;
            let mut zipped = crate::gzip(&unescape(text)?);
            zipped.truncate(zipped.len().saturating_sub(n));
            zipped
        }
        other => return Err(format!("unknown file kind {other:?}")),
    };
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(&bytes))
        .map_err(|e| format!("{name}: {e}"))
}

/// Where a case runs: a fresh scratch directory it may fill, or a fixed directory of fixtures.
#[derive(Clone, Copy)]
enum WorkDir<'a> {
    Scratch,
    Fixed(&'a Path),
}

fn run(name: &str, case: &Case, work_dir: WorkDir<'_>) -> Result<(i32, String, String), String> {
    let dir = match work_dir {
        WorkDir::Scratch => crate::scratch(&format!("case-{name}")),
        WorkDir::Fixed(dir) if case.files.is_empty() => dir.to_path_buf(),
        WorkDir::Fixed(_) => return Err("`file:` specs need a scratch directory".to_owned()),
    };
    for (file, spec) in &case.files {
        make(&dir, file, spec)?;
    }
    let mut command = crate::command(&dir);
    command.args(&case.args);
    for (key, value) in &case.env {
        command.env(key, value);
    }
    if let Some(path) = &case.stdin {
        let file = std::fs::File::open(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
        command.stdin(Stdio::from(file));
    }
    let output = crate::run_bounded(command, Duration::from_secs(120))?;
    crate::assert_sane(name, &output);
    let mut stdout =
        String::from_utf8(output.stdout).map_err(|e| format!("stdout is not UTF-8: {e}"))?;
    for shown in &case.show {
        let bytes = std::fs::read(dir.join(shown)).unwrap_or_default();
        let bytes = if shown.ends_with(".gz") {
            crate::gunzip(&bytes).map_err(|e| format!("{shown}: {e}"))?
        } else {
            bytes
        };
        stdout.push_str(&format!("--- {shown}\n{}", String::from_utf8_lossy(&bytes)));
    }
    if let WorkDir::Scratch = work_dir {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok((
        output.status.code().unwrap_or(-1),
        stdout,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

#[test]
fn hostile_inputs() {
    run_cases("hostile", WorkDir::Scratch, 40);
}

#[test]
fn newcomer_errors() {
    run_cases("newcomer", WorkDir::Scratch, 20);
}

#[test]
fn cli_cases() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    run_cases("cli", WorkDir::Fixed(&tests), 20);
}

/// Runs every `tests/<sub>/*.case`, collecting every failure before asserting.
fn run_cases(sub: &str, work_dir: WorkDir<'_>, at_least: usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(sub);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= at_least,
        "tests/{sub} has only {} cases",
        paths.len()
    );
    let bless = std::env::var_os("DAP_VALIDATE_BLESS").is_some();
    let mut failures = Vec::new();
    for path in &paths {
        let name = path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let result = parse(&text).and_then(|case| run(&name, &case, work_dir).map(|r| (case, r)));
        let (case, (status, stdout, stderr)) = match result {
            Ok(done) => done,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        if stdout != case.stdout {
            if bless {
                std::fs::write(path, format!("{}{stdout}", case.header))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            } else {
                failures.push(format!(
                    "{name}: stdout differs\n--- expected\n{}\n--- actual\n{stdout}",
                    case.stdout
                ));
            }
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
        "{} failing case(s) of {}:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n\n")
    );
}

#[test]
fn specs_decode_as_documented() {
    assert_eq!(
        unescape(r"a\n\r\t\\\xff\x00é").ok(),
        Some(b"a\n\r\t\\\xff\x00\xc3\xa9".to_vec())
    );
    assert!(unescape(r"\q").is_err());
    assert!(
        parse("args: x\nstatus: 0\nstdout:\n").is_err(),
        "a case says what it shows"
    );
}
