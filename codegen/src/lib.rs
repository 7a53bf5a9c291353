//! The canvas_logs schema generator: one YAML definition of a DAP namespace, checked into a model,
//! emitted as JSON Schema (and, through later emitters, Rust bindings and SQL DDL).
//!
//! The pipeline has named stages, each its own module and type:
//!
//! 1. [`yaml`]: text -> a tree of nodes with positions (duplicates kept);
//! 2. [`raw`]: the tree -> a permissive mirror of the schema language (shape problems collected);
//! 3. [`check`]: the mirror -> the [`model`], collecting *every* problem as a [`Diagnostic`]
//!    with file, line, column and the item's dotted path;
//! 4. [`emit`]: pure functions from a model to text; they cannot fail on a checked model.
//!
//! Writing files is not done here: see `xtask` and the bindings crate's `build.rs`.
//!
//! ```
//! let namespace = canvas_logs_codegen::load_embedded();
//! let web_logs = namespace.table("web_logs").unwrap();
//! assert_eq!(web_logs.columns().len(), 23);
//! let schema = canvas_logs_codegen::emit::json_schema::record_schema(&namespace, web_logs);
//! assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
//! ```
#![deny(missing_docs)]

pub mod artifacts;
pub mod check;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod import;
pub mod model;
pub mod names;
pub mod raw;
pub mod yaml;

pub use check::load;
pub use diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, Position};
pub use model::Namespace;

/// The project's definition of `canvas_logs`, embedded at compile time.
pub const CANVAS_LOGS_YAML: &str = include_str!("../../schema/canvas_logs.yaml");

/// The path of [`CANVAS_LOGS_YAML`] relative to the workspace root, for diagnostics.
pub const CANVAS_LOGS_YAML_PATH: &str = "schema/canvas_logs.yaml";

/// The checked model of the embedded `canvas_logs` definition.
///
/// # Panics
/// Never in a released build: a test (`embedded_schema_is_valid`) proves the embedded YAML checks.
pub fn load_embedded() -> Namespace {
    match load(CANVAS_LOGS_YAML_PATH, CANVAS_LOGS_YAML) {
        Ok(namespace) => namespace,
        Err(diagnostics) => panic!("the embedded schema is invalid:\n{diagnostics}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_schema_is_valid() {
        let namespace = super::load(super::CANVAS_LOGS_YAML_PATH, super::CANVAS_LOGS_YAML)
            .unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(namespace.name(), "canvas_logs");
    }
}
