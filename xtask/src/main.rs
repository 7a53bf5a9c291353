//! Developer workflows, run as `cargo xtask <command>` (the alias lives in `.cargo/config.toml`).
//!
//! - `codegen`: regenerate every checked-in artifact from `schema/canvas_logs.yaml`.
//! - `codegen --check`: change nothing; exit 1 naming each stale file and the command to run.
//! - `samples`: regenerate the validator's sample exports in `samples/` (see `bench.rs`).
//! - `bench`: the validator benchmark (1,000,000 generated records; see `bench.rs`);
//!   `bench --layouts` runs only the layout matrix, `bench --engines` only the engines, `bench --parts` only the four gzip parts, `bench --parquet` only Parquet, `bench --formats` only CSV and TSV.
//! - `import-dap FILE [--table NAME] [--out PATH]`, `diff OLD NEW [--format human|json]`:
//!   following DAP's schema as it changes (see `evolve.rs`).
//! - `dist`: the man page and shell completions (also kept fresh by `codegen`), then the wheel
//!   built by maturin (see `dist.rs`).

mod bench;
mod dist;
mod evolve;

use anyhow::{Context, Result, bail};
use canvas_logs_codegen::artifacts::{self, Outcome};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen            regenerate schema/generated/* from schema/canvas_logs.yaml, and the man
                     page and shell completions in validator/wheel/ from dap-validate's options
  codegen --check    change nothing; fail if any generated file is stale
  import-dap FILE [--table NAME] [--out PATH]
                     rewrite schema/canvas_logs.yaml (or PATH) from a schema as DAP serves it
  diff OLD NEW [--format human|json]
                     classify every change between two versions (a YAML path, a DAP JSON
                     file or REV:path); exit 1 when something breaks
  migrate OLD NEW --dialect postgresql|mysql|sqlite|mssql [--allow-destructive]
                     the script that migrates a database created by OLD's DDL to NEW's
  dist               build the dap-validate wheel with maturin into target/wheels/
  samples            regenerate samples/web_logs-{valid,invalid}.jsonl.gz
  bench              benchmark dap-validate against jsonschema, serde_json and flate2
  bench --layouts    only the layout matrix (the same records written ten ways)
  bench --engines    only the validation SQL on DuckDB and Spark local[2], beside dap-validate
  bench --parts      only four gzip parts of the records (all cores on many files)
  bench --parquet    only the records as Parquet, beside the parquet crate's bare read
  bench --formats    only the records as CSV and TSV, beside the csv crate's bare parse";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["samples"] => bench::samples(&workspace_root()),
        ["bench"] => bench::bench(&workspace_root(), false),
        ["bench", "--layouts"] => bench::bench(&workspace_root(), true),
        ["bench", "--engines"] => bench::bench_with(&workspace_root(), bench::Part::Engines),
        ["bench", "--parts"] => bench::bench_with(&workspace_root(), bench::Part::Parts),
        ["bench", "--parquet"] => bench::bench_with(&workspace_root(), bench::Part::Parquet),
        ["bench", "--formats"] => bench::bench_with(&workspace_root(), bench::Part::Formats),
        ["dist"] => dist::build_wheel(&workspace_root()),
        ["import-dap", rest @ ..] => evolve::import_dap(&workspace_root(), rest),
        ["diff", rest @ ..] => evolve::diff(&workspace_root(), rest),
        ["migrate", rest @ ..] => evolve::migrate(&workspace_root(), rest),
        ["help" | "--help" | "-h"] | [] => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("unknown arguments {args:?}\n\n{USAGE}"),
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn codegen(check: bool) -> Result<ExitCode> {
    let root = workspace_root();
    let yaml_path = root.join(canvas_logs_codegen::CANVAS_LOGS_YAML_PATH);
    let text = std::fs::read_to_string(&yaml_path)
        .with_context(|| format!("reading {}", yaml_path.display()))?;
    let namespace =
        match canvas_logs_codegen::load(canvas_logs_codegen::CANVAS_LOGS_YAML_PATH, &text) {
            Ok(namespace) => namespace,
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                eprintln!(
                    "error: {} problem(s) in {}; nothing was generated",
                    diagnostics.len(),
                    canvas_logs_codegen::CANVAS_LOGS_YAML_PATH
                );
                return Ok(ExitCode::from(2));
            }
        };
    let mut stale = Vec::new();
    for artifact in artifacts::all(&namespace)
        .into_iter()
        .chain(dist::artifacts())
    {
        let outcome = artifacts::ensure(&root, &artifact, check)
            .with_context(|| format!("writing {}", artifact.path))?;
        match outcome {
            Outcome::Fresh => {}
            Outcome::Written => eprintln!("wrote {}", artifact.path),
            Outcome::Stale => stale.push(artifact.path),
        }
    }
    if stale.is_empty() {
        if check {
            eprintln!("generated files are up to date");
        }
        return Ok(ExitCode::SUCCESS);
    }
    for path in &stale {
        eprintln!("stale: {path}");
    }
    eprintln!(
        "error: {} generated file(s) are out of date with schema/canvas_logs.yaml or dap-validate's options; run `cargo xtask codegen` and commit the result",
        stale.len()
    );
    Ok(ExitCode::from(1))
}
