//! The library's error type: what stopped a run from validating (exit status 2), as data.

use canvas_logs_codegen::Diagnostics;
use std::fmt;
use std::io;

/// Why a run could not validate (everything here maps to exit status 2).
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    path: Option<String>,
    source: Option<io::Error>,
}

/// The kinds of [`Error`].
#[derive(Debug)]
pub enum ErrorKind {
    /// The arguments make no sense together (a table that does not exist, ...).
    Usage(String),
    /// The `--schema` YAML has problems; each is a diagnostic with file:line:column.
    Schema(Diagnostics),
    /// An option or input format that is part of the contract but not implemented yet.
    NotSupported(String),
    /// A path to validate does not exist or cannot be listed.
    Path,
    /// A directory holds no export files; `skipped` names up to three files it does hold (none
    /// had an export's name), `more_skipped` counts the rest.
    NoExportFiles {
        /// A few of the files that were passed over, as paths.
        skipped: Vec<String>,
        /// How many more were passed over.
        more_skipped: usize,
    },
    /// Reading the `--schema` file failed.
    SchemaFile,
    /// Reading the `--baseline` profile failed.
    Baseline,
    /// The `--schema` file is a DAP JSON Schema that cannot be imported: each problem, with its
    /// JSON pointer.
    DapSchema(Vec<String>),
    /// The `--schema` file is not a namespace YAML at all (binary, a JSON Schema, ...): what it is.
    NotASchema(&'static str),
    /// Writing the report failed.
    Output,
    /// A bug stopped the run (a checking thread died); the report is incomplete.
    Internal(String),
}

impl Error {
    /// An error of `kind` about nothing in particular.
    pub fn new(kind: ErrorKind) -> Error {
        Error {
            kind,
            path: None,
            source: None,
        }
    }

    /// An error of `kind` about `path`, caused by `source`.
    pub fn io(kind: ErrorKind, path: impl Into<String>, source: io::Error) -> Error {
        Error {
            kind,
            path: Some(path.into()),
            source: Some(source),
        }
    }

    /// An error of `kind` about `path`.
    pub fn at(kind: ErrorKind, path: impl Into<String>) -> Error {
        Error {
            kind,
            path: Some(path.into()),
            source: None,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The path concerned, if any.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// Whether this is a broken pipe on the report's output (the reader went away: not a failure).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self.kind, ErrorKind::Output)
            && self
                .source
                .as_ref()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    /// `{}` prints the error; `{:#}` appends its cause (`: No such file or directory`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.as_deref().unwrap_or("");
        match &self.kind {
            ErrorKind::Usage(message) => write!(f, "{message}")?,
            ErrorKind::Schema(diagnostics) => write!(
                f,
                "{diagnostics}\n{} problem(s) in the schema {path}; nothing was validated",
                diagnostics.len()
            )?,
            ErrorKind::NotSupported(what) => write!(f, "{what} is not supported yet")?,
            ErrorKind::Path => write!(f, "cannot read {path}")?,
            ErrorKind::NoExportFiles {
                skipped,
                more_skipped,
            } => {
                write!(
                    f,
                    "no export files (*.jsonl, *.json, *.csv, *.tsv, optionally .gz; *.parquet) under {path}"
                )?;
                match skipped.first() {
                    None => write!(
                        f,
                        "; it holds no files at all: point at the folder the DAP client \
                         downloaded into"
                    )?,
                    Some(first) => {
                        let more = match more_skipped {
                            0 => String::new(),
                            n => format!(" and {n} more"),
                        };
                        write!(
                            f,
                            "; passed over {}{more}, whose names do not end like an export's. A \
                             file named on the command line is always read: `dap-validate \
                             --input-format jsonl {first}`",
                            skipped.join(", ")
                        )?;
                    }
                }
            }
            ErrorKind::SchemaFile => write!(f, "cannot read the schema {path}")?,
            ErrorKind::Baseline => write!(f, "cannot read the baseline profile {path}")?,
            ErrorKind::DapSchema(problems) => {
                for problem in problems {
                    writeln!(f, "{path}: {problem}")?;
                }
                write!(
                    f,
                    "{} problem(s) in the DAP schema {path}; nothing was validated",
                    problems.len()
                )?;
            }
            ErrorKind::NotASchema(what) => write!(
                f,
                "{path} is not a namespace definition: {what}. --schema takes a YAML file like \
                 schema/canvas_logs.yaml or the JSON Schema DAP serves; leave --schema out to use the embedded canvas_logs"
            )?,
            ErrorKind::Output => write!(f, "cannot write the report")?,
            ErrorKind::Internal(what) => {
                write!(f, "internal error: {what}; the report is incomplete")?
            }
        }
        if f.alternate()
            && let Some(source) = &self.source
        {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternate_display_adds_the_cause() {
        let e = Error::io(
            ErrorKind::Path,
            "x.jsonl",
            io::Error::new(io::ErrorKind::NotFound, "No such file or directory"),
        );
        assert_eq!(e.to_string(), "cannot read x.jsonl");
        assert_eq!(
            format!("{e:#}"),
            "cannot read x.jsonl: No such file or directory"
        );
        assert_eq!(e.path(), Some("x.jsonl"));
        assert!(matches!(e.kind(), ErrorKind::Path));
        let pipe = Error::io(
            ErrorKind::Output,
            "-",
            io::Error::from(io::ErrorKind::BrokenPipe),
        );
        assert!(pipe.is_broken_pipe());
        assert!(!e.is_broken_pipe());
    }
}
