//! No allocation per record (issue 13, item 1): the JSONL reader checks a batch of records,
//! profile included, with a number of allocations that does not grow with the number of
//! records, on each producer layout. The allocator of the test binaries counts every
//! allocation made on the test's thread while a batch is checked; after a warm-up batch (the
//! reusable buffers reach their size), a batch of 2,000 records must make no more
//! allocations than a batch of 500 of the same layout. (A record with findings allocates
//! their messages; the records here are valid.)

use dap_validate::plan::CheckPlan;
use dap_validate::reader::jsonl::JsonlFormat;
use dap_validate::reader::{Batch, BatchKind, WorkerState, check_batch};
use dap_validate::synth::Generator;
use dap_validate::synth::layouts::{LAYOUTS, Rewriter};

/// Allocations made by `f` on this thread (`allocation-counter` installs the counting global
/// allocator; the workspace forbids the `unsafe` it takes).
fn allocations(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

fn plan() -> CheckPlan {
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace.table("web_logs").cloned();
    let table = table.unwrap_or_else(|| panic!("web_logs exists"));
    CheckPlan::compile(&namespace, &table)
}

/// `n` valid records in a layout of the bench's matrix (`cargo xtask bench --layouts`, the
/// same rewriter).
fn records(n: usize, layout: &str) -> Vec<u8> {
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace.table("web_logs").cloned();
    let table = table.unwrap_or_else(|| panic!("web_logs exists"));
    let rewriter = Rewriter::new(&table);
    let mut generator = Generator::new(5);
    let mut out = Vec::new();
    for i in 0..n {
        // Every record is valid (duplicate keys are the merge step's, not the reader's).
        let compact = generator.record().to_line();
        out.extend_from_slice(rewriter.rewrite_line(&compact, layout, i).as_bytes());
        out.push(b'\n');
    }
    out
}

fn batch(data: Vec<u8>) -> Batch {
    Batch {
        seq: 0,
        file: 0,
        len: data.len(),
        data,
        kind: BatchKind::Records,
        frames: Vec::new(),
    }
}

#[test]
fn checking_a_batch_allocates_the_same_for_500_and_2000_records_in_every_layout() {
    let plan = plan();
    let compact = records(20, "compact");
    for layout in LAYOUTS {
        // Each layout is written otherwise than the compact one (six-digit fractions are the
        // generator's own, so that layout is the compact one here).
        assert!(
            matches!(layout, "compact" | "six-digits") || records(20, layout) != compact,
            "{layout}"
        );
        let (small, large) = (batch(records(500, layout)), batch(records(2000, layout)));
        let mut state = WorkerState::new(&plan);
        // Warm-up: the reusable buffers grow to a 2,000-record batch.
        for _ in 0..2 {
            let outcome = check_batch(&JsonlFormat, &plan, &large, &mut state);
            assert_eq!(outcome.records, 2000, "{layout}");
            assert_eq!(
                outcome.invalid_records,
                0,
                "{layout}: {:?}",
                outcome.findings.first()
            );
        }
        // Each size measured right after a batch of the same size (the outcome's lists are
        // reserved from the last batch's record count, so a larger batch after a smaller one
        // grows them a few times: per batch, not per record).
        let mut measure = |b: &Batch, n: u64| {
            let warm = check_batch(&JsonlFormat, &plan, b, &mut state);
            assert_eq!(warm.records, n);
            let mut outcome = None;
            let count = allocations(|| {
                outcome = Some(check_batch(&JsonlFormat, &plan, b, &mut state));
            });
            assert_eq!(outcome.map(|o| o.records), Some(n));
            count
        };
        let for_small = measure(&small, 500);
        let for_large = measure(&large, 2000);
        assert!(
            for_large <= for_small,
            "{layout}: {for_large} allocations for 2,000 records against {for_small} for 500: \
             something allocates per record"
        );
        // And few at all: the outcome's lists, a handful per batch.
        assert!(
            for_large <= 16,
            "{layout}: {for_large} allocations for one batch"
        );
    }
}
