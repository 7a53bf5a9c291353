//! Shared by the reader targets: a batch the batcher framed (as a reading lane does) checks
//! exactly as the same batch without its frames (as a checking thread frames it).

use dap_validate::plan::CheckPlan;
use dap_validate::reader::{Batch, BatchOutcome, RecordFormat, WorkerState, check_batch};

/// Checks `batch` again without its frames (when it has any) and asserts the same lines,
/// records, spans, keys with their record hashes, and findings as `framed`.
pub fn same_unframed(
    format: &dyn RecordFormat,
    plan: &CheckPlan,
    batch: &Batch,
    framed: &BatchOutcome,
    state: &mut WorkerState,
) {
    if batch.frames.is_empty() {
        return;
    }
    let bare = Batch {
        seq: batch.seq,
        file: batch.file,
        data: batch.data.clone(),
        len: batch.len,
        kind: batch.kind,
        frames: Vec::new(),
    };
    let unframed = check_batch(format, plan, &bare, state);
    assert_eq!(framed.lines, unframed.lines);
    assert_eq!(framed.records, unframed.records);
    assert_eq!(framed.invalid_records, unframed.invalid_records);
    assert_eq!(framed.spans, unframed.spans);
    assert_eq!(framed.keys, unframed.keys);
    assert_eq!(framed.findings, unframed.findings);
}
