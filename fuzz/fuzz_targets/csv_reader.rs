//! Fuzz target: the CSV reader (header mapping, quote-aware batching, field checks) on arbitrary
//! bytes; the invariants are in `text_common.rs`.
#![no_main]

use dap_validate::files::Format;
use libfuzzer_sys::fuzz_target;

#[path = "text_common.rs"]
mod text_common;

fuzz_target!(|data: &[u8]| text_common::run(Format::Csv, data));
