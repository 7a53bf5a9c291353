//! Generates the Rust bindings from `canvas_logs.yaml` into `OUT_DIR/canvas_logs.rs` (and, for the
//! crate's unit tests, from `tests/data/generator_fixture.yaml` into `OUT_DIR/generator_fixture.rs`).
//!
//! A schema with problems stops the build with every diagnostic, one per line, as
//! `schema/canvas_logs.yaml:LINE:COLUMN: error: PATH: MESSAGE`, never with a panic.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// (YAML relative to this crate, its path in diagnostics, the output file name in `OUT_DIR`).
const SCHEMAS: [(&str, &str, &str); 2] = [
    (
        "canvas_logs.yaml",
        canvas_logs_codegen::CANVAS_LOGS_YAML_PATH,
        "canvas_logs.rs",
    ),
    (
        "tests/data/generator_fixture.yaml",
        "schema/tests/data/generator_fixture.yaml",
        "generator_fixture.rs",
    ),
];

fn main() -> ExitCode {
    println!("cargo::rerun-if-changed=build.rs");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    for (relative, display, output) in SCHEMAS {
        println!("cargo::rerun-if-changed={relative}");
        if let Err(lines) = generate(&manifest_dir.join(relative), display, &out_dir.join(output)) {
            return fail(&lines);
        }
    }
    ExitCode::SUCCESS
}

/// Loads one schema and writes its bindings; on failure, the lines to report.
fn generate(yaml_path: &Path, display: &str, out_path: &Path) -> Result<(), Vec<String>> {
    let text = std::fs::read_to_string(yaml_path)
        .map_err(|error| vec![format!("cannot read {}: {error}", yaml_path.display())])?;
    let namespace = canvas_logs_codegen::load(display, &text).map_err(|diagnostics| {
        let mut lines: Vec<String> = diagnostics.to_string().lines().map(str::to_owned).collect();
        lines.push(format!(
            "{} problem(s) in {display}; the bindings were not generated",
            diagnostics.len()
        ));
        lines
    })?;
    let source = canvas_logs_codegen::emit::rust::generate(&namespace);
    write_if_changed(out_path, &source)
        .map_err(|error| vec![format!("cannot write {}: {error}", out_path.display())])
}

/// Reports each line as a cargo error (shown without the build script's noise) and on stderr.
fn fail(lines: &[String]) -> ExitCode {
    for line in lines {
        println!("cargo::error={line}");
        eprintln!("{line}");
    }
    ExitCode::FAILURE
}

fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|current| current == text) {
        return Ok(());
    }
    std::fs::write(path, text)
}
