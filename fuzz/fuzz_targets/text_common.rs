//! Shared by the CSV and TSV fuzz targets: header step, then batches, with invariants.
//!
//! The first input byte picks small buffer and record limits; the rest is the file. The reader
//! must never panic; the header and batches must account for every byte; every finding must
//! point inside its batch; there is one record span per record.

#[path = "framing.rs"]
mod framing;

use dap_validate::files::Format;
use dap_validate::plan::CheckPlan;
use dap_validate::reader::dispatch::open_text;
use dap_validate::reader::{
    Batch, BatchKind, BatchSink, Batcher, Limits, RecordFormat, WorkerState, check_batch,
};
use std::io::Read;
use std::sync::OnceLock;

fn plan() -> &'static CheckPlan {
    static PLAN: OnceLock<CheckPlan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let namespace = canvas_logs_codegen::load_embedded();
        let table = namespace.table("web_logs").expect("embedded table");
        CheckPlan::compile(&namespace, table)
    })
}

struct Check<'f> {
    format: &'f dyn RecordFormat,
    state: WorkerState,
    /// The state that checks each framed batch again without its frames.
    unframed: WorkerState,
    seq: u64,
    bytes: u64,
    pieces: u64,
}

impl BatchSink for Check<'_> {
    fn buffer(&mut self, len: usize) -> Option<Vec<u8>> {
        Some(vec![0; len])
    }
    fn batch(&mut self, batch: Batch) -> bool {
        let outcome = check_batch(self.format, plan(), &batch, &mut self.state);
        framing::same_unframed(self.format, plan(), &batch, &outcome, &mut self.unframed);
        match batch.kind {
            BatchKind::Records => {
                self.bytes += batch.len as u64;
                assert_eq!(outcome.spans.len() as u64, outcome.records);
                for span in &outcome.spans {
                    assert!(span.start <= span.end && span.end <= batch.len);
                }
            }
            BatchKind::OversizedPart => self.pieces += batch.len as u64,
            BatchKind::Oversized { bytes, limit } => {
                assert!(bytes > limit);
                assert_eq!(self.pieces, bytes);
                self.pieces = 0;
                self.bytes += bytes;
            }
        }
        assert!(outcome.invalid_records <= outcome.records);
        for finding in &outcome.findings {
            assert!(finding.record < outcome.records.max(1));
        }
        true
    }
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
}

/// Runs one text-format input through the header step and the batcher.
pub fn run(format: Format, data: &[u8]) {
    let Some((&shape, file)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        batch_bytes: 1 + usize::from(shape & 0x0f) * 7,
        max_record_bytes: 16 + usize::from(shape >> 4) * 97,
    };
    let mut input = file;
    let Ok(opened) = open_text(plan(), format, &mut input, limits) else {
        return; // a header over the limit: the file cannot be validated (exit 2)
    };
    let expected = file.len() - opened.header.len();
    let mut rest = std::io::Cursor::new(opened.rest).chain(input);
    let mut sink = Check {
        format: opened.format.as_ref(),
        state: WorkerState::new(plan()),
        unframed: WorkerState::new(plan()),
        seq: 0,
        bytes: 0,
        pieces: 0,
    };
    let batcher = Batcher::new(opened.format.as_ref(), limits, 0).framing(true);
    assert!(batcher.run(&mut rest, &mut sink).is_ok());
    assert_eq!(
        sink.bytes as usize, expected,
        "every byte after the header is read"
    );
    assert_eq!(sink.pieces, 0, "no oversized record is left unfinished");
}
