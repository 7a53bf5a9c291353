//! Fuzz target: the schema loader (YAML -> raw -> check -> model) on arbitrary bytes.
//!
//! It must answer with a model or diagnostics, never panic, and a model it returns must emit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match canvas_logs_codegen::load("fuzz.yaml", text) {
        Ok(namespace) => {
            for artifact in canvas_logs_codegen::artifacts::all(&namespace) {
                assert!(!artifact.contents.is_empty());
            }
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            let _ = diagnostics.to_string();
        }
    }
});
