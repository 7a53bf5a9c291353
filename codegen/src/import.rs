//! Importers: the other ways into the model besides the YAML checker (DESIGN.md, "evolution").
//!
//! [`dap`] reads the JSON Schema DAP serves for a table. Whatever it builds is rendered as YAML
//! and loaded through [`crate::check::load`] before it is returned, so an imported model keeps
//! every invariant a checked one has.

pub mod dap;
