//! Generates the Rust bindings from `canvas_logs.yaml` into `OUT_DIR/canvas_logs.rs`.
//!
//! A schema with problems stops the build with every diagnostic, one per line, as
//! `schema/canvas_logs.yaml:LINE:COLUMN: error: PATH: MESSAGE`, never with a panic.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let yaml_path = manifest_dir.join("canvas_logs.yaml");
    println!("cargo::rerun-if-changed=canvas_logs.yaml");
    println!("cargo::rerun-if-changed=build.rs");
    let text = match std::fs::read_to_string(&yaml_path) {
        Ok(text) => text,
        Err(error) => {
            return fail(&[format!("cannot read {}: {error}", yaml_path.display())]);
        }
    };
    let namespace =
        match canvas_logs_codegen::load(canvas_logs_codegen::CANVAS_LOGS_YAML_PATH, &text) {
            Ok(namespace) => namespace,
            Err(diagnostics) => {
                let mut lines: Vec<String> =
                    diagnostics.to_string().lines().map(str::to_owned).collect();
                lines.push(format!(
                    "{} problem(s) in {}; the bindings were not generated",
                    diagnostics.len(),
                    canvas_logs_codegen::CANVAS_LOGS_YAML_PATH
                ));
                return fail(&lines);
            }
        };
    let source = canvas_logs_codegen::emit::rust::generate(&namespace);
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let out_path = out_dir.join("canvas_logs.rs");
    if let Err(error) = write_if_changed(&out_path, &source) {
        return fail(&[format!("cannot write {}: {error}", out_path.display())]);
    }
    ExitCode::SUCCESS
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
