//! The checked-in generated files: what they are, and the one helper that writes or checks them.
//!
//! `cargo xtask codegen` writes them; `cargo xtask codegen --check` and the `generated_files_are_fresh`
//! test compare them, so a stale artifact fails plain `cargo test`.

use crate::model::Namespace;
use std::path::{Path, PathBuf};

/// One generated file: its path relative to the workspace root, and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// The full text.
    pub contents: String,
}

/// Every artifact generated from `namespace`, in a fixed order.
pub fn all(namespace: &Namespace) -> Vec<Artifact> {
    let mut out = Vec::new();
    for table in namespace.tables() {
        out.push(Artifact {
            path: format!("schema/generated/json-schema/{}.json", table.name()),
            contents: crate::emit::json_schema::render(namespace, table),
        });
    }
    for dialect in crate::emit::sql::all_dialects() {
        out.push(Artifact {
            path: format!("schema/generated/sql/{}.sql", dialect.file_stem()),
            contents: crate::emit::sql::render_namespace(dialect, namespace),
        });
    }
    for engine in crate::emit::validation_sql::all_engines() {
        for table in namespace.tables() {
            out.push(Artifact {
                path: format!(
                    "schema/generated/validation/{}/{}.sql",
                    engine.file_stem(),
                    table.name()
                ),
                contents: crate::emit::validation_sql::render(engine, namespace, table),
            });
            out.push(Artifact {
                path: format!(
                    "schema/generated/validation/{}/{}_typed.sql",
                    engine.file_stem(),
                    table.name()
                ),
                contents: crate::emit::validation_sql::typed::render(engine, namespace, table),
            });
        }
    }
    out.push(Artifact {
        path: format!("schema/generated/rust/{}.rs", namespace.name()),
        contents: crate::emit::rust::generate(namespace),
    });
    out
}

/// What [`ensure`] did, or would do in check mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The file already had these contents.
    Fresh,
    /// The file was written (write mode).
    Written,
    /// The file is missing or differs (check mode); nothing was written.
    Stale,
}

/// Writes `artifact` under `root`, or in check mode compares it. Line endings are normalised to
/// `\n` before comparing, so a checkout with CRLF conversion is not reported stale.
pub fn ensure(root: &Path, artifact: &Artifact, check: bool) -> std::io::Result<Outcome> {
    let path: PathBuf = root.join(&artifact.path);
    let current = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text.replace("\r\n", "\n")),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };
    if current.as_deref() == Some(artifact.contents.as_str()) {
        return Ok(Outcome::Fresh);
    }
    if check {
        return Ok(Outcome::Stale);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, &artifact.contents)?;
    Ok(Outcome::Written)
}
