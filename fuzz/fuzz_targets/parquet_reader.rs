//! Fuzz target: the Parquet reader (footer, schema mapping, row groups, value rendering) on
//! arbitrary bytes, in memory as it reads standard input or a gzip file.
//!
//! The reader catches panics of the Parquet decoder and reports the file as corrupt (exit 2), so
//! this target replaces the fuzzer's abort-on-any-panic hook with a silent one: a panic that the
//! reader catches is its documented behaviour, one that escapes it still aborts the run (the
//! fuzzer's own `catch_unwind` around the target). Every finding must point inside its chunk.
#![no_main]

use dap_validate::plan::CheckPlan;
use dap_validate::reader::parquet::{ParquetEvent, check_file};
use dap_validate::profile::Profile;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn plan() -> &'static CheckPlan {
    static PLAN: OnceLock<CheckPlan> = OnceLock::new();
    PLAN.get_or_init(|| {
        std::panic::set_hook(Box::new(|_| {}));
        let namespace = canvas_logs_codegen::load_embedded();
        let table = namespace.table("web_logs").expect("embedded table");
        CheckPlan::compile(&namespace, table)
    })
}

fuzz_target!(|data: &[u8]| {
    let plan = plan();
    let mut profile = Profile::new(&plan);
    let mut emit = |event: ParquetEvent| {
        if let ParquetEvent::Rows(outcome) = event {
            assert!(outcome.invalid_records <= outcome.records);
            for finding in &outcome.findings {
                assert!(finding.record < outcome.records);
            }
        }
        true
    };
    let _ = check_file(
        plan,
        bytes::Bytes::copy_from_slice(data),
        &mut profile,
        &mut emit,
    );
});
