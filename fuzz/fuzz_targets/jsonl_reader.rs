//! Fuzz target: the JSONL reader (batcher + record walker + check plan) on arbitrary bytes.
//!
//! The first byte picks small buffer and record limits so that batch cuts, buffer growth and
//! oversized-record skipping are all exercised; the rest is the file. It must never panic, must
//! lose no byte (ordinary batches and oversized records add up to the input, and the pieces of
//! each oversized record add up to its size), and every finding must point at a record and line
//! inside its batch, every record span inside the batch, one span per record.
#![no_main]

#[path = "framing.rs"]
mod framing;

use dap_validate::plan::CheckPlan;
use dap_validate::reader::jsonl::JsonlFormat;
use dap_validate::reader::{
    Batch, BatchKind, BatchSink, Batcher, Limits, WorkerState, check_batch,
};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn plan() -> &'static CheckPlan {
    static PLAN: OnceLock<CheckPlan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let namespace = canvas_logs_codegen::load_embedded();
        let table = namespace.table("web_logs").expect("embedded table");
        CheckPlan::compile(&namespace, table)
    })
}

struct Check {
    state: WorkerState,
    /// The state that checks each framed batch again without its frames.
    unframed: WorkerState,
    seq: u64,
    bytes: u64,
    records: u64,
    pieces: u64,
}

impl BatchSink for Check {
    fn buffer(&mut self, len: usize) -> Option<Vec<u8>> {
        Some(vec![0; len])
    }
    fn batch(&mut self, batch: Batch) -> bool {
        let plan = plan();
        let outcome = check_batch(&JsonlFormat, plan, &batch, &mut self.state);
        framing::same_unframed(&JsonlFormat, plan, &batch, &outcome, &mut self.unframed);
        match batch.kind {
            BatchKind::Records => {
                self.bytes += batch.len as u64;
                assert_eq!(outcome.spans.len() as u64, outcome.records);
                for span in &outcome.spans {
                    assert!(span.start < span.end && span.end <= batch.len);
                }
            }
            BatchKind::OversizedPart => self.pieces += batch.len as u64,
            BatchKind::Oversized { bytes, limit } => {
                assert!(bytes > limit);
                assert_eq!(
                    self.pieces, bytes,
                    "the pieces add up to the oversized record"
                );
                self.pieces = 0;
                self.bytes += bytes;
            }
        }
        assert!(outcome.invalid_records <= outcome.records);
        assert!(outcome.records <= outcome.lines);
        for finding in &outcome.findings {
            assert!(finding.record < outcome.records);
            assert!(finding.line < outcome.lines);
        }
        for key in &outcome.keys {
            assert!(key.record < outcome.records);
        }
        self.records += outcome.records;
        true
    }
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&shape, file)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        batch_bytes: 1 + usize::from(shape & 0x0f) * 7,
        max_record_bytes: 16 + usize::from(shape >> 4) * 97,
    };
    let mut sink = Check {
        state: WorkerState::new(plan()),
        unframed: WorkerState::new(plan()),
        seq: 0,
        bytes: 0,
        records: 0,
        pieces: 0,
    };
    let batcher = Batcher::new(&JsonlFormat, limits, 0).framing(true);
    let mut input = file;
    let ended = batcher.run(&mut input, &mut sink);
    assert!(ended.is_ok());
    assert_eq!(sink.bytes, file.len() as u64, "every byte lands in a batch");
    assert_eq!(sink.pieces, 0, "no oversized record is left unfinished");
});
