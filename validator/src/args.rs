//! The command line, as a library type (so tests and other tools can build one).

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Validate Canvas Data 2 (DAP) exports of a table against its schema.
///
/// Exit status: 0 no errors (warnings allowed); 1 at least one error-level violation; 2 could
/// not validate (usage, bad schema, unreadable or corrupt input); what was checked before is
/// still reported.
#[derive(Debug, Clone, Parser)]
#[command(name = "dap-validate", about, long_about = None)]
pub struct Args {
    /// Export files, directories (recursed: *.jsonl, *.json, *.csv, *.tsv, optionally .gz, and
    /// *.parquet, in sorted order), or - for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Namespace definition YAML, or a table's JSON Schema as DAP serves it (`dap schema`
    /// output, recognised by its content) (default: the embedded canvas_logs.yaml).
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,

    /// Table to validate against (default: the namespace's only table).
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,

    /// Input format (auto: from the file name; gzip is detected by its magic bytes).
    #[arg(long, value_enum, default_value_t = InputFormat::Auto, value_name = "F")]
    pub input_format: InputFormat,

    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human, value_name = "R")]
    pub report: ReportFormat,

    /// Threads that check records: the main one and N - 1 helpers; gzip files are also decoded
    /// up to N at a time (default: the number of cores; when every input is gzip, the cores the
    /// decoders leave, at least one per decoder).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Violations printed per file (counts stay exact).
    #[arg(long, value_name = "N")]
    pub max_errors: Option<u64>,

    /// Never print values (exports hold personal data).
    #[arg(long)]
    pub redact: bool,

    /// Write the records without errors here, byte for byte.
    #[arg(long, value_name = "PATH")]
    pub valid_out: Option<PathBuf>,

    /// Write the records with errors here, byte for byte.
    #[arg(long, value_name = "PATH")]
    pub invalid_out: Option<PathBuf>,

    /// The largest record read (bytes, with its line end); a longer one is reported as
    /// `malformed` and skipped without being held in memory.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_RECORD_BYTES,
          value_parser = clap::value_parser!(u64).range(64..=(1 << 32)))]
    pub max_record_bytes: u64,

    /// Do not look for duplicate primary keys (the one check whose memory grows with the input:
    /// about 27 MB per million distinct keys).
    #[arg(long)]
    pub no_duplicate_check: bool,

    /// Write the per-column profile (JSON; per file and for the run) here; a later run reads it
    /// with --baseline.
    #[arg(long, value_name = "PATH", conflicts_with = "no_profile")]
    pub profile_out: Option<PathBuf>,

    /// Compare this run's profile with an earlier one (a --profile-out file, or a JSON report)
    /// and add drift warnings (drift_new_value, drift_null_rate, drift_volume, drift_gap,
    /// drift_missing_column).
    #[arg(long, value_name = "PATH", conflicts_with = "no_profile")]
    pub baseline: Option<PathBuf>,

    /// drift_null_rate: the largest accepted move of a column's null share, as a fraction
    /// (0.10: ten percentage points).
    #[arg(long, value_name = "X", default_value_t = 0.10, value_parser = fraction)]
    pub drift_null_rate: f64,

    /// drift_volume: records per day may be between 1 - X and 1 + X times the baseline's.
    #[arg(long, value_name = "X", default_value_t = 0.5, value_parser = fraction)]
    pub drift_volume: f64,

    /// Exit with status 1 when there is drift (by default drift only warns).
    #[arg(long, requires = "baseline")]
    pub fail_on_drift: bool,

    /// Also write a self-contained HTML report (no network, inline CSS and SVG) here.
    #[arg(long, value_name = "PATH")]
    pub html_out: Option<PathBuf>,

    /// Do not keep the per-column profile (no "profile" in the summary, no drift).
    #[arg(long)]
    pub no_profile: bool,

    /// Also report valid DAP values that this database refuses or changes, under the code
    /// `target` (postgresql, sqlite: text holding U+0000; mysql: timestamps before year 1000;
    /// mssql: none).
    #[arg(long, value_enum, value_name = "DB")]
    pub target: Option<crate::target::Target>,
}

/// A threshold: a finite number from 0 to 100.
fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=100.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{text}` is not a number from 0 to 100 (0.1 means 10%)"
        )),
    }
}

impl Args {
    /// The drift thresholds given.
    pub fn drift_options(&self) -> crate::profile::drift::DriftOptions {
        crate::profile::drift::DriftOptions {
            null_rate: self.drift_null_rate,
            volume: self.drift_volume,
        }
    }
}

/// The examples under `--help` and in the man page: a command line and what it does.
pub const EXAMPLES: [(&str, &str); 7] = [
    (
        "dap-validate exports/",
        "every export file under a folder, in name order",
    ),
    (
        "dap-validate part-0.jsonl.gz part-1.jsonl.gz",
        "several files, one report and one summary",
    ),
    (
        "dap-validate --report github --redact exports/",
        "annotations in a GitHub Actions log, without the exports' values",
    ),
    (
        "dap-validate --report json exports/ > report.jsonl",
        "JSON Lines for scripts: one object per violation, then the summary",
    ),
    (
        "dap-validate --valid-out ok.jsonl.gz --invalid-out bad.jsonl.gz exports/",
        "split the records by verdict, byte for byte",
    ),
    (
        "dap-validate --baseline monday.json --profile-out tuesday.json --html-out report.html exports/",
        "drift against yesterday's profile, today's kept for tomorrow, a page to look at",
    ),
    (
        "dap-validate --input-format jsonl - < export.ndjson",
        "standard input, or a file whose name says nothing",
    ),
];

/// The exit statuses, under `--help` and in the man page.
pub const EXIT_STATUS: [(u8, &str); 3] = [
    (0, "every record is valid (warnings allowed)"),
    (1, "at least one record breaks a rule"),
    (
        2,
        "could not validate: usage, a bad --schema, an unreadable or corrupt input; \
         what was read before is still reported",
    ),
];

/// The text after the options in `--help`: [`EXAMPLES`] and [`EXIT_STATUS`].
pub fn after_help_text() -> String {
    let mut text = String::from("Examples:\n");
    for (command, what) in EXAMPLES {
        text.push_str(&format!("  {command}\n      {what}\n"));
    }
    text.push_str("\nExit status:\n");
    for (status, meaning) in EXIT_STATUS {
        text.push_str(&format!("  {status}  {meaning}\n"));
    }
    text.truncate(text.trim_end().len());
    text
}

/// What `--version` prints after the program name: the tool's version and the namespace and
/// schema version it embeds (`0.1.0 (schema canvas_logs version 1)`).
pub fn version_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let namespace = canvas_logs_codegen::load_embedded();
        format!(
            "{} (schema {} version {})",
            env!("CARGO_PKG_VERSION"),
            namespace.name(),
            namespace.version()
        )
    })
}

/// The command-line definition: [`Args`] with [`version_text`] and [`after_help_text`].
/// `--help`, the man page and the shell completions (`cargo xtask dist`) are all made from it.
pub fn command() -> clap::Command {
    Args::command()
        .version(version_text())
        .after_help(after_help_text())
}

impl Args {
    /// Parses `args` (the program name first) through [`command`]. A usage error gets a tip
    /// saying what to do next where clap has none of its own (a run without any path).
    pub fn try_parse_with_tips<I, T>(args: I) -> Result<Args, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let mut command = command();
        let parsed = command
            .try_get_matches_from_mut(args)
            .and_then(|matches| Args::from_arg_matches(&matches));
        parsed.map_err(|error| {
            let mut error = error.format(&mut command);
            if error.kind() == ErrorKind::MissingRequiredArgument {
                let tip = "name the export files or the folder that holds them, e.g. \
                           `dap-validate exports/`; `-` reads standard input";
                error.insert(
                    ContextKind::Suggested,
                    ContextValue::StyledStrs(vec![tip.into()]),
                );
            }
            error
        })
    }
}

/// The default of `--max-record-bytes`: 8 MiB, far above any real DAP record (DAP replaces
/// values over its own limits by a sentinel) and small enough to keep memory flat.
pub const DEFAULT_MAX_RECORD_BYTES: u64 = 8 << 20;

/// `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// From the file name (`.jsonl`, `.json`, `.csv`, `.tsv`, `.parquet`, each optionally `.gz`);
    /// JSONL for standard input and unrecognised names.
    Auto,
    /// JSON Lines.
    Jsonl,
    /// CSV with a header of dotted names (NULL: unquoted empty or `NULL`).
    Csv,
    /// TSV in PostgreSQL's COPY text form (NULL: `\N`).
    Tsv,
    /// Parquet (struct columns `meta`/`key`/`value` or flat dotted names).
    Parquet,
}

/// `--report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// `file:line: column: message` lines and a summary table.
    Human,
    /// JSON Lines: violation objects, then a summary object.
    Json,
    /// GitHub Actions workflow-command annotations, then the summary.
    Github,
    /// JUnit XML: one test case per file, failures listing violations.
    Junit,
    /// SARIF 2.1.0: one result per violation, for code-scanning dashboards.
    Sarif,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_option_parses() {
        let args = Args::try_parse_from([
            "dap-validate",
            "--schema",
            "s.yaml",
            "--table",
            "web_logs",
            "--input-format",
            "jsonl",
            "--report",
            "json",
            "--jobs",
            "3",
            "--max-errors",
            "10",
            "--redact",
            "--valid-out",
            "v.jsonl",
            "--invalid-out",
            "i.jsonl",
            "a.jsonl.gz",
            "-",
        ]);
        let args = args.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(args.paths.len(), 2);
        assert_eq!(args.report, ReportFormat::Json);
        assert_eq!(args.input_format, InputFormat::Jsonl);
        assert_eq!(args.jobs, Some(3));
        assert!(args.redact);
        assert!(Args::try_parse_from(["dap-validate", "--jobs", "0", "x"]).is_err());
        assert!(Args::try_parse_from(["dap-validate"]).is_err());
        assert_eq!(args.max_record_bytes, DEFAULT_MAX_RECORD_BYTES);
        assert!(!args.no_duplicate_check);
        let tight = Args::try_parse_from([
            "dap-validate",
            "--max-record-bytes",
            "4096",
            "--no-duplicate-check",
            "x",
        ]);
        let tight = tight.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (tight.max_record_bytes, tight.no_duplicate_check),
            (4096, true)
        );
        assert!(Args::try_parse_from(["dap-validate", "--max-record-bytes", "10", "x"]).is_err());
    }

    #[test]
    fn the_version_names_the_embedded_schema() {
        let namespace = canvas_logs_codegen::load_embedded();
        let expected = format!(
            "dap-validate {} (schema canvas_logs version {})\n",
            env!("CARGO_PKG_VERSION"),
            namespace.version()
        );
        assert_eq!(command().render_version(), expected);
    }

    #[test]
    fn a_run_without_paths_says_what_to_give() {
        let error = Args::try_parse_with_tips(["dap-validate", "--report", "json"]).err();
        let text = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("<PATH>"), "{text}");
        assert!(text.contains("tip: name the export files"), "{text}");
        let ok = Args::try_parse_with_tips(["dap-validate", "a.jsonl"]);
        assert!(ok.is_ok_and(|a| a.paths == [PathBuf::from("a.jsonl")]));
    }
}
