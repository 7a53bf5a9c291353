//! Fuzz target: the Parquet reader (footer, schema mapping, row groups, value rendering) on
//! arbitrary bytes, in memory as it reads standard input or a gzip file.
//!
//! The reader catches panics of the Parquet decoder and reports the file as corrupt (exit 2), so
//! this target replaces the fuzzer's abort-on-any-panic hook with a silent one: a panic that the
//! reader catches is its documented behaviour, one that escapes it still aborts the run (the
//! fuzzer's own `catch_unwind` around the target). Every finding must point inside its chunk.
#![no_main]

use dap_validate::plan::CheckPlan;
use dap_validate::profile::Profile;
use dap_validate::reader::parquet::{ParquetLayout, ParquetReader, ParquetSource};
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
    let source = ParquetSource::Bytes(bytes::Bytes::copy_from_slice(data));
    // Each row group through a reader of its own, as the lanes read them.
    let Ok(reader) = ParquetReader::open(&source) else {
        return;
    };
    let (layout, _findings) = ParquetLayout::map(plan, &reader);
    for group in 0..layout.groups().len() {
        let Ok(reader) = ParquetReader::open(&source) else {
            return;
        };
        let mut profile = Profile::new(plan);
        let mut chunks = 0;
        let mut emit = |outcome: dap_validate::reader::BatchOutcome| {
            assert!(outcome.invalid_records <= outcome.records);
            for finding in &outcome.findings {
                assert!(finding.record < outcome.records);
            }
            chunks += 1;
            true
        };
        if layout
            .check_group(plan, &reader, group, &mut profile, &mut emit)
            .is_err()
        {
            return;
        }
        assert!(chunks <= layout.chunks(group));
    }
});
