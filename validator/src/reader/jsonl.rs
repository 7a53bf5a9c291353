//! The JSONL reader: one DAP record per line, parsed directly against the check plan.
//!
//! Each line is parsed once, by the strict scanner in [`crate::json`], and each field goes
//! straight to [`CheckPlan::check`] as a [`FieldValue`] borrowed from the line (or from a scratch
//! buffer when the string had escapes), or, when it is a plain string or integer of a `value`
//! column, to the same check's shortcut [`CheckPlan::check_string`] or
//! [`CheckPlan::check_integer`]: no DOM, no allocation per field.
//!
//! Decisions, in the order a line meets them:
//!
//! - Lines are split at `\n`; a `\r` before it is JSON whitespace, so CRLF files read the same.
//!   A line holding only whitespace is not a record (it still counts as a line); every other line
//!   is one record, numbered from 1 in its file.
//! - A record that cannot be read gets exactly one `malformed` violation (column `null`) and no
//!   other: invalid UTF-8, invalid JSON (see [`crate::json`]), a value that is not an object,
//!   bytes after the object, the same key twice in any one object, more than
//!   [`crate::json::MAX_DEPTH`] levels of nesting, more bytes than the record size limit.
//! - Top level: `meta`, `key` and `value`; any other member is `unknown_column` named as written.
//!   `key` holds the primary key columns, `value` the others; a key column under `value` (or the
//!   reverse) is `unknown_column`, since the JSON Schema forbids it there.
//! - `key`, `value` or `meta` present but not an object (`null` included, as in the JSON Schema):
//!   `type`, column `null`. Absent `key`: `not_null` for each key column (`id`). Absent `meta`:
//!   `not_null` for `meta.ts`. Absent `value` when the record is not a delete: one `not_null`
//!   with column `null` ("the record has no value").
//! - `meta.ts` required timestamp; `meta.action` optional, exactly `"U"` or `"D"`; other members
//!   of `meta` are `unknown_column` named `meta.<name>`.
//! - A delete (`meta.action` = `"D"`) does not need `value`, and a `value` it has is only checked
//!   for JSON syntax, never against the columns. Members may come in any order: a `value` seen
//!   before `meta` is walked at once as an upsert's (most records are), its findings moved
//!   after those of the members that follow it (the order of the usual layout), and taken back
//!   (findings, open-enum values, profile entries) if `meta` then says delete. It used to be
//!   syntax-checked and walked again once `meta` was read: 3.1 times the serde floor on the
//!   bench layout with `meta` last, against 1.2-1.3 now.
//! - Inside `key`/`value`: a listed column is checked by the plan; an absent one is
//!   `not_null` unless nullable; `null` equals absent.

use super::{
    BatchOutcome, KeyEntry, LineFrame, LocatedFinding, RecordFormat, WorkerState, fingerprint_part,
};
use crate::dedup::{KeyFingerprint, record_hash};
use crate::formats;
use crate::json::{Measure, Peek, Scanner, SyntaxError, SyntaxErrorKind};
use crate::keyset::KeySet;
use crate::plan::{
    Action, CheckPlan, Checked, ColumnRef, ExpectedMember, FieldValue, Finding, Findings,
    FixedForm, MemberTable, Rule,
};
use crate::profile::RecordStage;
use crate::violation::{Code, truncate_bytes};
use canvas_logs_codegen::model::envelope;

/// JSON Lines, one DAP record per line.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonlFormat;

impl RecordFormat for JsonlFormat {
    fn last_boundary(&self, bytes: &[u8]) -> Option<usize> {
        memchr::memrchr(b'\n', bytes).map(|i| i + 1)
    }

    fn next_boundary(&self, bytes: &[u8]) -> Option<usize> {
        memchr::memchr(b'\n', bytes).map(|i| i + 1)
    }

    /// The lines are those of a loop that searches each `\n` from the previous one's end (a
    /// `\n` ending the batch does not start another line); a blank line's hash is 0.
    fn frame(&self, batch: &[u8], frames: &mut Vec<LineFrame>) {
        frames.clear();
        let mut start = 0usize;
        while start < batch.len() {
            let end = memchr::memchr(b'\n', batch.get(start..).unwrap_or_default())
                .map_or(batch.len(), |i| start + i);
            let text = batch.get(start..end).unwrap_or_default();
            let hash = if is_blank(text) {
                0
            } else {
                record_hash(trim_end(text))
            };
            frames.push(LineFrame { end, hash });
            start = end + 1;
        }
    }

    fn check_batch(
        &self,
        plan: &CheckPlan,
        batch: &[u8],
        frames: &[LineFrame],
        state: &mut WorkerState,
        out: &mut BatchOutcome,
    ) {
        let mut own = std::mem::take(&mut state.frames);
        let frames = if frames.is_empty() {
            self.frame(batch, &mut own);
            &own
        } else {
            frames
        };
        let mut start = 0usize;
        for (line, frame) in (0u64..).zip(frames) {
            let end = frame.end;
            let text = batch.get(start..end).unwrap_or_default();
            if !is_blank(text) {
                let record = out.records;
                out.records += 1;
                out.spans.push(start..(end + 1).min(batch.len()));
                let walker = &mut state.jsonl;
                match walker.walk(plan, text) {
                    Ok(()) => {
                        let findings = &mut walker.findings;
                        if !findings.is_empty() {
                            out.invalid_records += 1;
                            for finding in findings.drain() {
                                out.findings.push(LocatedFinding {
                                    line,
                                    record,
                                    finding,
                                });
                            }
                        }
                        walker.commit_open_values(text, &mut state.profile.tally);
                        state.profile.commit(&mut walker.stage);
                        if let Some((key, uuid)) = walker.complete_key(plan) {
                            out.keys.push(KeyEntry {
                                line,
                                record,
                                key,
                                record_hash: frame.hash,
                                uuid,
                            });
                        }
                    }
                    Err(error) => {
                        out.invalid_records += 1;
                        out.findings.push(LocatedFinding {
                            line,
                            record,
                            finding: Finding {
                                column: ColumnRef::Record,
                                code: Code::Malformed,
                                message: error.to_string(),
                                value: Some(truncate_bytes(trim_end(text))),
                            },
                        });
                    }
                }
            }
            start = end + 1;
        }
        out.lines = frames.len() as u64;
        state.frames = own;
        state.profile.absorb(&mut state.jsonl.stage);
    }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

fn trim_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line.get(end - 1), Some(b' ' | b'\t' | b'\r')) {
        end -= 1;
    }
    line.get(..end).unwrap_or_default()
}

/// An open-enum value waiting for the record to be found readable before it is counted.
#[derive(Debug, Clone, Copy)]
struct PendingValue {
    slot: usize,
    /// In the line (`in_line`) or in `pending_bytes`.
    in_line: bool,
    start: usize,
    end: usize,
}

/// Which envelope object a column walk is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Key,
    Value,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Key => envelope::KEY,
            Section::Value => envelope::VALUE,
        }
    }
}

/// A `value` walked before `meta` was read: the ranges of its findings and open values.
#[derive(Debug, Clone)]
struct EarlyValue {
    findings: std::ops::Range<usize>,
    pending: std::ops::Range<usize>,
}

/// The state of `key` or `value` in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    Absent,
    NotAnObject,
    Object,
}

/// Reusable per-thread buffers for walking records.
#[derive(Debug)]
pub(crate) struct Walker {
    scratch: Vec<u8>,
    name_scratch: Vec<u8>,
    /// Which columns were seen in the current record.
    seen: Vec<bool>,
    /// Unknown member names of the current `key` or `value` object (for duplicate detection;
    /// rarely used; `meta` keeps a set of its own).
    unknown_names: KeySet,
    /// Unknown member names of the record object itself: a set of its own, because `key` and
    /// `value`, walked between two of them, clear `unknown_names`.
    record_unknown_names: KeySet,
    findings: Findings,
    pending: Vec<PendingValue>,
    pending_bytes: Vec<u8>,
    key: KeyFingerprint,
    /// The run's empty fingerprint (seeded), each record's starting point.
    key_start: KeyFingerprint,
    valid_key_columns: usize,
    key_uuid: Option<u128>,
    /// The record's fields for the profile, committed with the open-enum values.
    pub(crate) stage: RecordStage,
    /// Per section (the key's slots, then the value's), the position of the member that came
    /// first last time (slot 0) and after each expected member (slot `1 +` its position): the
    /// producer's order, learnt from the records (see [`MemberTable::find`]).
    successor: Vec<usize>,
}

impl Walker {
    pub(crate) fn new(plan: &CheckPlan) -> Walker {
        Walker {
            scratch: Vec::new(),
            name_scratch: Vec::new(),
            seen: vec![false; plan.columns().len()],
            unknown_names: KeySet::new(),
            record_unknown_names: KeySet::new(),
            findings: Findings::default(),
            pending: Vec::new(),
            pending_bytes: Vec::new(),
            key: plan.key_fingerprint(),
            key_start: plan.key_fingerprint(),
            valid_key_columns: 0,
            key_uuid: None,
            stage: RecordStage::new(plan),
            successor: (0..=plan.expected_members(true).len())
                .chain(0..=plan.expected_members(false).len())
                .collect(),
        }
    }

    fn reset(&mut self) {
        self.seen.iter_mut().for_each(|s| *s = false);
        self.findings.clear();
        self.pending.clear();
        self.pending_bytes.clear();
        self.key = self.key_start;
        self.valid_key_columns = 0;
        self.key_uuid = None;
        self.record_unknown_names.clear();
        self.stage.reset();
    }

    /// Walks one record. `Err` means malformed (and the findings collected so far are void).
    pub(crate) fn walk(&mut self, plan: &CheckPlan, line: &[u8]) -> Result<(), SyntaxError> {
        self.reset();
        self.walk_record(plan, line).map_err(|error| {
            // Invalid UTF-8 anywhere is the first thing to say about a record; the scanner
            // checks it only where it looks, so look at the whole record when it failed.
            match std::str::from_utf8(line) {
                Err(e) => SyntaxError {
                    offset: e.valid_up_to(),
                    kind: SyntaxErrorKind::InvalidUtf8,
                },
                Ok(_) => error,
            }
        })
    }

    fn walk_record(&mut self, plan: &CheckPlan, line: &[u8]) -> Result<(), SyntaxError> {
        let mut s = Scanner::new(line);
        match s.peek() {
            Peek::Object => {}
            other => {
                s.skip_value(1, &mut self.scratch)?;
                if !s.at_end_after_whitespace() {
                    return Err(s.error(SyntaxErrorKind::TrailingCharacters));
                }
                let found = match other {
                    Peek::Array => "array",
                    Peek::String => "string",
                    Peek::Number => "number",
                    Peek::Bool => "boolean",
                    _ => "null",
                };
                return Err(s.error(SyntaxErrorKind::NotAnObject(found)));
            }
        }
        s.expect(b'{')?;
        let mut meta_seen = false;
        let mut action: Option<Action> = None;
        let mut key = Presence::Absent;
        let mut value = Presence::Absent;
        // A `value` before `meta`, walked at once as an upsert's: where its findings and open
        // values are, taken back if `meta` then says it is a delete's.
        let mut early_value: Option<EarlyValue> = None;
        let mut first = true;
        while s.next_member(first)? {
            first = false;
            let name_offset = s.offset();
            // Fast path: the envelope members written plainly.
            let name: &[u8] = if s.try_member(b"\"meta\":") {
                b"meta"
            } else if s.try_member(b"\"key\":") {
                b"key"
            } else if s.try_member(b"\"value\":") {
                b"value"
            } else {
                match s.member_name(&mut self.name_scratch)? {
                    Some(raw) => raw,
                    None => &self.name_scratch,
                }
            };
            let duplicate = |s: &Scanner<'_>, name: &[u8]| SyntaxError {
                offset: name_offset.min(s.input().len()),
                kind: SyntaxErrorKind::DuplicateKey(String::from_utf8_lossy(name).into_owned()),
            };
            match name {
                b"meta" => {
                    if meta_seen {
                        return Err(duplicate(&s, name));
                    }
                    meta_seen = true;
                    action = self.walk_meta(plan, &mut s, line)?;
                }
                b"key" => {
                    if key != Presence::Absent {
                        return Err(duplicate(&s, name));
                    }
                    key = if self.plain_key(plan, &mut s) {
                        Presence::Object
                    } else {
                        self.walk_columns(plan, &mut s, line, Section::Key)?
                    };
                }
                b"value" => {
                    if value != Presence::Absent {
                        return Err(duplicate(&s, name));
                    }
                    if !meta_seen {
                        // The action is not known yet: most records are upserts, so the
                        // columns are checked now (one pass, not a syntax check and a second
                        // walk), and taken back below if `meta` says delete.
                        let (findings, pending) = (self.findings.len(), self.pending.len());
                        value = self.walk_columns(plan, &mut s, line, Section::Value)?;
                        early_value = Some(EarlyValue {
                            findings: findings..self.findings.len(),
                            pending: pending..self.pending.len(),
                        });
                    } else if action == Some(Action::Delete) {
                        s.skip_value(2, &mut self.scratch)?;
                        value = Presence::Object;
                    } else {
                        value = self.walk_columns(plan, &mut s, line, Section::Value)?;
                    }
                }
                _ => {
                    let name = String::from_utf8_lossy(name).into_owned();
                    if !self.record_unknown_names.insert(name.as_bytes()) {
                        return Err(duplicate(&s, name.as_bytes()));
                    }
                    let message =
                        format!("`{name}` is not part of a DAP record (expected meta, key, value)");
                    self.findings.push(
                        ColumnRef::Named(name.into()),
                        Code::UnknownColumn,
                        message,
                        None,
                    );
                    s.skip_value(2, &mut self.scratch)?;
                }
            }
        }
        if !s.at_end_after_whitespace() {
            return Err(s.error(SyntaxErrorKind::TrailingCharacters));
        }
        let is_delete = action == Some(Action::Delete);
        if let Some(early) = early_value {
            if is_delete {
                // A delete's `value` is not checked: forget what walking it found.
                self.findings.remove_range(early.findings);
                self.pending.drain(early.pending);
                self.stage.forget_value_columns();
                value = Presence::Object;
            } else {
                // Its findings after those of the members that followed it, as if it had
                // been walked last (the order every layout reports in).
                self.findings.move_to_end(early.findings);
            }
        }
        // Absences, in a stable order: meta, key, value.
        if !meta_seen {
            plan.missing_meta_ts(&mut self.findings);
        }
        match key {
            Presence::Absent => {
                for &column in plan.key_columns() {
                    plan.missing(column, &mut self.findings);
                }
                // Its columns were read, as nulls.
                self.stage.sections(true, false);
            }
            Presence::NotAnObject | Presence::Object => {}
        }
        if value == Presence::Absent && !is_delete {
            self.findings.push(
                ColumnRef::Record,
                Code::NotNull,
                "the record has no `value` (only a delete, meta.action \"D\", may omit it)"
                    .to_owned(),
                None,
            );
        }
        Ok(())
    }

    /// Walks `meta`; returns the valid action, if any.
    fn walk_meta(
        &mut self,
        plan: &CheckPlan,
        s: &mut Scanner<'_>,
        line: &[u8],
    ) -> Result<Option<Action>, SyntaxError> {
        if s.peek() != Peek::Object {
            let (kind, raw) = self.skip_non_object(s, line)?;
            self.findings.push(
                ColumnRef::Record,
                Code::Type,
                format!("`meta` must be an object, found {kind}"),
                raw,
            );
            return Ok(None);
        }
        if let Some((ts, action)) = plain_meta(s) {
            let checked = plan.check_meta_ts(FieldValue::String(ts), &mut self.findings);
            self.stage
                .observe_meta_ts(FieldValue::String(ts), checked != Checked::Invalid);
            return Ok(action);
        }
        s.expect(b'{')?;
        let mut ts_seen = false;
        let mut action_seen = false;
        let mut action = None;
        let mut unknown = KeySet::new();
        let mut first = true;
        while s.next_member(first)? {
            first = false;
            let name_offset = s.offset();
            // Fast path: a plainly written `"ts":` or `"action":`.
            let member = if s.try_member(b"\"ts\":") {
                MetaMember::Ts
            } else if s.try_member(b"\"action\":") {
                MetaMember::Action
            } else {
                let name = s.member_name(&mut self.name_scratch)?;
                match name.unwrap_or(&self.name_scratch) {
                    b"ts" => MetaMember::Ts,
                    b"action" => MetaMember::Action,
                    other => MetaMember::Other(other.to_vec()),
                }
            };
            let duplicate = |name: &[u8]| SyntaxError {
                offset: name_offset,
                kind: SyntaxErrorKind::DuplicateKey(String::from_utf8_lossy(name).into_owned()),
            };
            match member {
                MetaMember::Ts => {
                    if ts_seen {
                        return Err(duplicate(envelope::META_TS.as_bytes()));
                    }
                    ts_seen = true;
                    let field = read_field(s, line, &mut self.scratch)?;
                    let value = field.value(line, &self.scratch);
                    let checked = plan.check_meta_ts(value, &mut self.findings);
                    self.stage
                        .observe_meta_ts(value, checked != Checked::Invalid);
                }
                MetaMember::Action => {
                    if action_seen {
                        return Err(duplicate(envelope::META_ACTION.as_bytes()));
                    }
                    action_seen = true;
                    let field = read_field(s, line, &mut self.scratch)?;
                    action = plan
                        .check_meta_action(field.value(line, &self.scratch), &mut self.findings);
                }
                MetaMember::Other(name) => {
                    if !unknown.insert(&name) {
                        return Err(duplicate(&name));
                    }
                    let shown = format!("meta.{}", String::from_utf8_lossy(&name));
                    self.findings.push(
                    ColumnRef::Named(shown.clone().into()),
                    Code::UnknownColumn,
                    format!("`{shown}` is not part of the record metadata (expected meta.ts, meta.action)"),
                    None,
                );
                    s.skip_value(3, &mut self.scratch)?;
                }
            }
        }
        if !ts_seen {
            plan.missing_meta_ts(&mut self.findings);
        }
        Ok(action)
    }

    /// The usual `key` of a one-column key, written plainly: `{"<name>":"<plain ASCII string>"}`
    /// (or `": "` before the value) starting exactly at the scanner. When it matches in full, consumes it, checks the value
    /// as [`Walker::walk_columns`] would and returns `true`; otherwise moves nothing, changes
    /// nothing and returns `false` (then `walk_columns` reads `key`).
    #[inline]
    fn plain_key(&mut self, plan: &CheckPlan, s: &mut Scanner<'_>) -> bool {
        let [e] = plan.expected_members(true) else {
            return false;
        };
        let start = s.offset();
        let text = if s.try_member(b"{") && s.try_member(e.pattern()) {
            skip_one_space(s);
            s.plain_ascii_string()
        } else {
            None
        };
        let Some((text_start, text)) = text.filter(|_| s.try_member(b"}")) else {
            s.seek(start);
            return false;
        };
        // `seen` was reset for the record and `key` is read once, so the column is not seen
        // yet.
        mark_seen(&mut self.seen, e.column);
        let checked = check_key_field(
            plan,
            e.column,
            FieldValue::String(text),
            &mut self.findings,
            &mut self.key,
            &mut self.valid_key_columns,
            &mut self.key_uuid,
        );
        self.stage
            .observe(plan, e.column, FieldValue::String(text), checked);
        self.stage.sections(true, false);
        if let Some(slot) = checked.open_slot() {
            self.pending.push(PendingValue {
                slot,
                in_line: true,
                start: text_start,
                end: text_start + text.len(),
            });
        }
        true
    }

    /// Skips a value that should have been an object; returns what it was and its text.
    fn skip_non_object(
        &mut self,
        s: &mut Scanner<'_>,
        line: &[u8],
    ) -> Result<(&'static str, Option<String>), SyntaxError> {
        let kind = match s.peek() {
            Peek::Null => "null",
            Peek::Array => "an array",
            Peek::String => "a string",
            Peek::Number => "a number",
            Peek::Bool => "a boolean",
            _ => "something else",
        };
        let start = s.offset();
        s.skip_value(2, &mut self.scratch)?;
        let raw = line.get(start..s.offset()).unwrap_or_default();
        let text = if kind == "null" {
            None
        } else {
            Some(truncate_bytes(raw))
        };
        Ok((kind, text))
    }

    /// Walks `key` or `value`.
    fn walk_columns(
        &mut self,
        plan: &CheckPlan,
        s: &mut Scanner<'_>,
        line: &[u8],
        section: Section,
    ) -> Result<Presence, SyntaxError> {
        if s.peek() != Peek::Object {
            let (kind, raw) = self.skip_non_object(s, line)?;
            self.findings.push(
                ColumnRef::Record,
                Code::Type,
                format!("`{}` must be an object, found {kind}", section.name()),
                raw,
            );
            return Ok(Presence::NotAnObject);
        }
        s.expect(b'{')?;
        self.unknown_names.clear();
        let in_key = section == Section::Key;
        let expected = plan.expected_members(in_key);
        let table = plan.member_table(in_key);
        let mut next_column = 0usize;
        let mut first = true;
        // This section's successor slots, and the slot of the member before.
        let base = if in_key {
            0
        } else {
            plan.expected_members(true).len() + 1
        };
        let mut slot = base;
        loop {
            // The member written plainly (`"name":` right after the brace or the comma), found
            // by name whatever the order (see `find_member`). Otherwise the scanner moved
            // nothing and the general path reads the separator and the name.
            let hint = self.successor.get_mut(slot);
            let fast = hint.and_then(|hint| find_member(s, expected, table, first, hint));
            first = first && fast.is_none();
            // Each branch marks its column seen (a column seen before is a duplicate key), so
            // only the general path keeps the name it read.
            let (column, fixed) = match fast {
                Some((position, name_offset, e)) => {
                    next_column = position + 1;
                    slot = base + 1 + position;
                    if mark_seen(&mut self.seen, e.column) {
                        return Err(duplicate_key(name_offset, e.name()));
                    }
                    (e.column, e.fixed)
                }
                // The closing brace right after a member.
                None if !first && s.try_member(b"}") => break,
                None => {
                    let read = self.member_in_general(plan, s, section, first, &mut next_column)?;
                    first = false;
                    match read {
                        GeneralMember::End => break,
                        GeneralMember::Unknown => continue,
                        GeneralMember::Column(column) => (column, FixedForm::None),
                    }
                }
            };
            // The value, decoded once: the common shapes (a plain ASCII string, an integer
            // followed directly by `,` or `}`) without building a `Result` and checked by the
            // plan's shortcut for their type, anything else read by `read_field` and checked in
            // general. `in_line` is where a string's text is in the line, if it is. One branch
            // on the value's first byte picks the shape's path: a chain of attempts (string,
            // then measured text, then integer) cost an integer two failed tests and a call,
            // and a literal (`true`, `null`) three (4% of the checking thread on the mixed
            // layout; literals read here rather than by `read_field` were no faster).
            let at = s.offset();
            let fast = match line.get(at) {
                Some(b'"') => {
                    let fixed_len = match fixed {
                        FixedForm::None => None,
                        _ if in_key => None,
                        _ => line.get(at + 1..).and_then(|rest| fixed.valid_len(rest)),
                    };
                    if let Some(len) = fixed_len {
                        // A valid uuid or timestamp, read and checked in one go (see
                        // `FixedForm`).
                        let start = at + 1;
                        s.seek(start + len + 1);
                        let text = line.get(start..start + len).unwrap_or_default();
                        self.stage.observe_fixed(column, text);
                        Some((
                            FieldValue::String(text),
                            Some((start, start + len)),
                            Some(Checked::Valid),
                        ))
                    } else if let Some((start, text)) = s.plain_ascii_string() {
                        let end = start + text.len();
                        let checked = if in_key {
                            None
                        } else {
                            let checked = plan.check_string(column, text, &mut self.findings);
                            self.stage.observe_string(plan, column, text, checked);
                            Some(checked)
                        };
                        Some((FieldValue::String(text), Some((start, end)), checked))
                    } else if let Some(measure) =
                        (!in_key).then(|| measured_text(plan, column, s)).flatten()
                    {
                        // A text with escapes within its column's limit: valid, and its length
                        // is all the profile keeps, so it is not decoded (`value` is not read
                        // again).
                        self.stage
                            .observe_text_len(column, measure.bytes, measure.chars);
                        Some((FieldValue::Null, None, Some(Checked::Valid)))
                    } else {
                        None
                    }
                }
                Some(b'-' | b'0'..=b'9') => match s.plain_integer() {
                    Some(text) => {
                        let checked = if in_key {
                            None
                        } else {
                            let checked = plan.check_integer(column, text, &mut self.findings);
                            self.stage.observe_integer(plan, column, text, checked);
                            Some(checked)
                        };
                        // The integer ends where the scanner now is (for the profile, and
                        // harmless for the open-enum values, which are never integers).
                        let end = s.offset();
                        Some((
                            FieldValue::Integer(text),
                            Some((end - text.len(), end)),
                            checked,
                        ))
                    }
                    None => None,
                },
                _ => None,
            };
            let (value, in_line, checked) = match fast {
                Some(fast) => fast,
                None => {
                    let field = read_field(s, line, &mut self.scratch)?;
                    let in_line = match field {
                        Field::RawString(start, end) => Some((start, end)),
                        _ => None,
                    };
                    (field.value(line, &self.scratch), in_line, None)
                }
            };
            // The fast paths of `value` observed their value for the profile; the rest here.
            let checked = match (checked, section) {
                (Some(checked), _) => checked,
                // A string with escapes, decoded: the string shortcut still applies.
                (None, Section::Value) if let FieldValue::String(text) = value => {
                    let checked = plan.check_string(column, text, &mut self.findings);
                    self.stage.observe_string(plan, column, text, checked);
                    checked
                }
                (None, Section::Value) => {
                    let checked = plan.check(column, value, &mut self.findings);
                    self.stage.observe(plan, column, value, checked);
                    checked
                }
                (None, Section::Key) => {
                    let checked = check_key_field(
                        plan,
                        column,
                        value,
                        &mut self.findings,
                        &mut self.key,
                        &mut self.valid_key_columns,
                        &mut self.key_uuid,
                    );
                    self.stage.observe(plan, column, value, checked);
                    checked
                }
            };
            if let Some(slot) = checked.open_slot() {
                let pending = match in_line {
                    Some((start, end)) => PendingValue {
                        slot,
                        in_line: true,
                        start,
                        end,
                    },
                    None => {
                        let start = self.pending_bytes.len();
                        if let FieldValue::String(text) = value {
                            self.pending_bytes.extend_from_slice(text);
                        }
                        PendingValue {
                            slot,
                            in_line: false,
                            start,
                            end: self.pending_bytes.len(),
                        }
                    }
                };
                self.pending.push(pending);
            }
        }
        self.unknown_names.clear();
        // Only a required column's absence is a finding.
        for &column in plan.required_columns(section == Section::Key) {
            if !self.seen.get(column).copied().unwrap_or(true) {
                plan.missing(column, &mut self.findings);
            }
        }
        self.stage.sections(in_key, !in_key);
        Ok(Presence::Object)
    }

    /// The general path to the next member of `key`/`value` (`first` right after the `{`): reads
    /// the separator and the name (taking `next_column` forward as [`CheckPlan::section_column`]
    /// does), marks a column seen (malformed when it was already), and reports and skips an
    /// unknown member. Out of the column loop, which it would only crowd: in a plainly written
    /// record it only reads the first member and the closing brace.
    #[inline(never)]
    fn member_in_general(
        &mut self,
        plan: &CheckPlan,
        s: &mut Scanner<'_>,
        section: Section,
        first: bool,
        next_column: &mut usize,
    ) -> Result<GeneralMember, SyntaxError> {
        if !s.next_member(first)? {
            return Ok(GeneralMember::End);
        }
        let in_key = section == Section::Key;
        let name_offset = s.offset();
        // Fast path: the column the schema order expects next, written plainly.
        let fast = plan
            .expected_members(in_key)
            .get(*next_column)
            .filter(|e| s.try_member(e.pattern()) || s.try_member_name(e.name()));
        let (column, name): (Option<usize>, &[u8]) = match fast {
            Some(e) => {
                *next_column += 1;
                (Some(e.column), e.name())
            }
            None => {
                let raw_name = s.member_name(&mut self.name_scratch)?;
                let name: &[u8] = match raw_name {
                    Some(raw) => raw,
                    None => &self.name_scratch,
                };
                (plan.section_column(in_key, name, next_column), name)
            }
        };
        let Some(column) = column else {
            unknown_column(
                plan,
                section,
                name,
                name_offset,
                &mut self.unknown_names,
                &mut self.findings,
            )?;
            s.skip_value(3, &mut self.scratch)?;
            return Ok(GeneralMember::Unknown);
        };
        if mark_seen(&mut self.seen, column) {
            return Err(duplicate_key(name_offset, name));
        }
        skip_one_space(s);
        Ok(GeneralMember::Column(column))
    }

    /// Counts the record's open-enum values (the record was readable).
    fn commit_open_values(&mut self, line: &[u8], tally: &mut crate::summary::OpenEnumTally) {
        for p in &self.pending {
            let source = if p.in_line { line } else { &self.pending_bytes };
            if let Some(text) = source.get(p.start..p.end) {
                tally.observe(p.slot, text);
            }
        }
    }

    /// The key fingerprint, when every key column held a valid value.
    fn complete_key(&self, plan: &CheckPlan) -> Option<(u128, Option<u128>)> {
        // Counted only for key columns that passed their check, each at most once per record.
        let needed = plan.key_columns().len();
        if !plan.checks_duplicates() || self.valid_key_columns != needed {
            return None;
        }
        let uuid = if needed == 1 { self.key_uuid } else { None };
        Some((self.key.finish(), uuid))
    }
}

/// A string of text column `column` measured without decoding (see
/// [`Scanner::measure_string`]) when its rule needs no more and it is within the column's
/// limit; otherwise moves nothing (then the general path decodes it and reports).
#[inline(never)]
fn measured_text(plan: &CheckPlan, column: usize, s: &mut Scanner<'_>) -> Option<Measure> {
    let limit = plan.measured_text(column)?;
    let start = s.offset();
    let measure = s.measure_string()?;
    if limit.is_none_or(|max| measure.chars <= max as usize) {
        Some(measure)
    } else {
        s.seek(start);
        None
    }
}

/// Checks a key column's value and adds a valid one to the record's key fingerprint (kept out
/// of the column loop, which it would only crowd: a key has one or two columns). A uuid key is
/// parsed once: a string that parses is exactly what the uuid check accepts.
#[inline(never)]
fn check_key_field(
    plan: &CheckPlan,
    column: usize,
    value: FieldValue<'_>,
    findings: &mut Findings,
    key: &mut KeyFingerprint,
    valid_key_columns: &mut usize,
    key_uuid: &mut Option<u128>,
) -> Checked {
    let is_uuid = matches!(
        plan.columns().get(column).map(|c| &c.rule),
        Some(Rule::Uuid)
    );
    let parsed = match value {
        FieldValue::String(text) if is_uuid => formats::parse_uuid(text),
        _ => None,
    };
    let checked = if parsed.is_some() {
        Checked::Valid
    } else {
        plan.check(column, value, findings)
    };
    if matches!(checked, Checked::Valid | Checked::Member(_))
        && let FieldValue::String(text) | FieldValue::Integer(text) = value
    {
        fingerprint_part(key, parsed, text);
        *valid_key_columns += 1;
        *key_uuid = parsed;
    }
    checked
}

/// The member of `key` or `value` at the scanner, written plainly: right after the brace
/// (`first`), or after a comma and at most one space (Python's `", "`), `"name":` with at most
/// one space after it, for a name in the section's [`MemberTable`]. Consumes it and returns the
/// member's position in the section, the offset of its name's quote and the member; otherwise
/// moves nothing. One path for every producer's member order and both separators: the member
/// the learnt order predicts costs one masked comparison, any other member in the table one
/// hash lookup more, whatever the order.
#[inline]
fn find_member<'p>(
    s: &mut Scanner<'_>,
    expected: &'p [ExpectedMember],
    table: &MemberTable,
    first: bool,
    hint: &mut usize,
) -> Option<(usize, usize, &'p ExpectedMember)> {
    let bytes = s.input();
    let mut at = s.offset();
    // Branches rather than arithmetic on the bytes: predicted, they keep the next member's
    // reading from waiting for these loads (5% of the time in the arithmetic). A space after
    // the colon is looked for only after a spaced comma (Python's separators) and at the
    // first member; the compact writers' records never pay for it (a value after an
    // unexpected space is read by the general value path).
    let mut spaced = first;
    if !first {
        if bytes.get(at) != Some(&b',') {
            return None;
        }
        at += 1;
        if bytes.get(at) == Some(&b' ') {
            at += 1;
            spaced = true;
        }
    }
    let (position, len) = table.find(bytes, at, hint)?;
    let e = expected.get(position)?;
    s.seek(at + len);
    if spaced {
        skip_one_space(s);
    }
    Some((position, at, e))
}

/// Steps over one space after a member's colon (`"name": value`), so that the value's fast
/// paths, which start at its first byte, apply. Only the paths that met another separator
/// than the compact one call it: in the compact column loop it cost 5% of the instructions.
#[inline]
fn skip_one_space(s: &mut Scanner<'_>) {
    if s.input().get(s.offset()) == Some(&b' ') {
        s.seek(s.offset() + 1);
    }
}

/// The usual `meta`, written plainly: `{`, then `"ts":"<plain ASCII string>"` and optionally
/// `"action":"U"` or `"action":"D"` in either order, separated by `,` (or Python's `", "` and
/// `": "`), then `}`, starting exactly at the scanner. When it matches in full, consumes it and
/// returns the timestamp's text and the action (valid by construction, so `check_meta_action`
/// would add nothing); otherwise moves nothing and the general path reads `meta` (and reports a
/// repeated member, an unknown one, another action or a value of another type). Nothing is
/// checked before the whole object matched, so a fall back starts clean.
#[inline]
fn plain_meta<'a>(s: &mut Scanner<'a>) -> Option<(&'a [u8], Option<Action>)> {
    let start = s.offset();
    let (mut ts, mut action) = (None, None);
    let mut open = s.try_member(b"{");
    while open {
        if ts.is_none() && s.try_member(b"\"ts\":") {
            skip_one_space(s);
            ts = s.plain_ascii_string().map(|(_, text)| text);
            open = ts.is_some();
        } else if action.is_none() && s.try_member(b"\"action\":") {
            skip_one_space(s);
            action = if s.try_member(b"\"U\"") {
                Some(Action::Upsert)
            } else if s.try_member(b"\"D\"") {
                Some(Action::Delete)
            } else {
                None
            };
            open = action.is_some();
        } else {
            open = false;
        }
        if open && s.try_member(b"}") {
            if let Some(ts) = ts {
                return Some((ts, action));
            }
            open = false;
        }
        open = open && s.try_member(b",");
        if open {
            skip_one_space(s);
        }
    }
    s.seek(start);
    None
}

/// Marks `column` seen in this record; returns whether it was seen already (a duplicate key).
#[inline]
fn mark_seen(seen: &mut [bool], column: usize) -> bool {
    match seen.get_mut(column) {
        Some(seen) => std::mem::replace(seen, true),
        None => false,
    }
}

/// The same member name twice in one object.
#[cold]
#[inline(never)]
fn duplicate_key(offset: usize, name: &[u8]) -> SyntaxError {
    SyntaxError {
        offset,
        kind: SyntaxErrorKind::DuplicateKey(String::from_utf8_lossy(name).into_owned()),
    }
}

/// A member of `key`/`value` that is no column of that section: `unknown_column` (saying where
/// it belongs when it is a column of the other section), or malformed when named twice. Kept
/// out of the column loop: it is rare, and its message building would crowd the loop.
#[cold]
#[inline(never)]
fn unknown_column(
    plan: &CheckPlan,
    section: Section,
    name: &[u8],
    name_offset: usize,
    unknown_names: &mut KeySet,
    findings: &mut Findings,
) -> Result<(), SyntaxError> {
    let owned = name.to_vec();
    if !unknown_names.insert(&owned) {
        return Err(SyntaxError {
            offset: name_offset,
            kind: SyntaxErrorKind::DuplicateKey(String::from_utf8_lossy(&owned).into_owned()),
        });
    }
    let shown = String::from_utf8_lossy(&owned).into_owned();
    let elsewhere = match section {
        Section::Key => plan.value_column(&owned).map(|_| envelope::VALUE),
        Section::Value => plan.key_column(&owned).map(|_| envelope::KEY),
    };
    let message = match elsewhere {
        Some(other) => format!(
            "`{shown}` is not a column of `{}`; it belongs in `{other}`",
            section.name()
        ),
        None => format!("`{shown}` is not a column of {}", plan.table()),
    };
    findings.push(
        ColumnRef::Named(shown.into()),
        Code::UnknownColumn,
        message,
        None,
    );
    Ok(())
}

/// What [`Walker::member_in_general`] found.
enum GeneralMember {
    /// The closing brace: no more members.
    End,
    /// An unknown member, reported and skipped.
    Unknown,
    /// The member of this column (now marked seen); its value is next.
    Column(usize),
}

/// A member of `meta`.
enum MetaMember {
    Ts,
    Action,
    Other(Vec<u8>),
}

/// Where a field's value is, so the caller can borrow it after the scanner moved on.
#[derive(Debug, Clone, Copy)]
enum Field {
    Null,
    Bool(bool),
    Integer(usize, usize),
    Number(usize, usize),
    RawString(usize, usize),
    DecodedString,
    Object(usize, usize),
    Array(usize, usize),
}

impl Field {
    fn value<'a>(self, line: &'a [u8], scratch: &'a [u8]) -> FieldValue<'a> {
        let span = |a: usize, b: usize| line.get(a..b).unwrap_or_default();
        match self {
            Field::Null => FieldValue::Null,
            Field::Bool(b) => FieldValue::Bool(b),
            Field::Integer(a, b) => FieldValue::Integer(span(a, b)),
            Field::Number(a, b) => FieldValue::Number(span(a, b)),
            Field::RawString(a, b) => FieldValue::String(span(a, b)),
            Field::DecodedString => FieldValue::String(scratch),
            Field::Object(a, b) => FieldValue::Object(span(a, b)),
            Field::Array(a, b) => FieldValue::Array(span(a, b)),
        }
    }
}

/// Reads one field value (a column's or meta's), at depth 3.
#[inline(always)]
fn read_field(
    s: &mut Scanner<'_>,
    line: &[u8],
    scratch: &mut Vec<u8>,
) -> Result<Field, SyntaxError> {
    let peek = s.peek();
    let start = s.offset();
    Ok(match peek {
        Peek::String => match s.string(scratch)? {
            Some(_) => Field::RawString(start + 1, s.offset() - 1),
            None => Field::DecodedString,
        },
        Peek::Number => {
            let n = s.number()?;
            if n.is_integer {
                Field::Integer(start, s.offset())
            } else {
                Field::Number(start, s.offset())
            }
        }
        Peek::Bool => Field::Bool(s.boolean()?),
        Peek::Null => {
            s.null()?;
            Field::Null
        }
        Peek::Object => {
            s.skip_value(3, scratch)?;
            Field::Object(start, s.offset())
        }
        Peek::Array => {
            s.skip_value(3, scratch)?;
            Field::Array(start, s.offset())
        }
        Peek::Invalid(b) => return Err(s.error(SyntaxErrorKind::UnexpectedByte(b))),
        Peek::End => {
            let _ = line;
            return Err(s.error(SyntaxErrorKind::UnexpectedEnd));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::WorkerState;

    const ID: &str = "0a1b2c3d-4e5f-4789-abcd-ef0123456789";

    fn plan() -> CheckPlan {
        crate::plan::web_logs_plan()
    }

    /// A valid value object with `extra` spliced in (`extra` starts with a comma or is empty).
    fn value(extra: &str) -> String {
        format!(
            "{{\"timestamp\":\"2024-05-01T10:00:00Z\",\"url\":\"/x\",\"http_method\":\"GET\",\
             \"http_status\":200,\"http_version\":\"1.1\",\"remote_ip\":\"10.0.0.1\",\
             \"interaction_micros\":5,\"participated\":false{extra}}}"
        )
    }

    fn record(meta: &str, value: &str) -> String {
        format!("{{\"meta\":{meta},\"key\":{{\"id\":\"{ID}\"}},\"value\":{value}}}")
    }

    /// (column, code) of every finding in a batch of lines.
    fn findings(batch: &str) -> Vec<(u64, Option<String>, &'static str)> {
        let plan = plan();
        let mut state = WorkerState::new(&plan);
        let mut out = BatchOutcome::default();
        JsonlFormat.check_batch(&plan, batch.as_bytes(), &[], &mut state, &mut out);
        out.findings
            .iter()
            .map(|f| {
                (
                    f.record,
                    plan.column_name(&f.finding.column),
                    f.finding.code.as_str(),
                )
            })
            .collect()
    }

    const META: &str = r#"{"ts":"2024-05-01T10:00:00Z","action":"U"}"#;

    #[test]
    fn a_valid_record_and_the_spellings_of_null() {
        assert_eq!(findings(&record(META, &value(""))), []);
        // Nullable columns: absent or null alike.
        assert_eq!(
            findings(&record(
                META,
                &value(",\"user_id\":null,\"user_agent\":null")
            )),
            []
        );
        // Required columns: absent or null are both not_null.
        let missing = record(META, &value("")).replace("\"url\":\"/x\",", "");
        let null = record(META, &value("")).replace("\"url\":\"/x\"", "\"url\":null");
        for line in [missing, null] {
            assert_eq!(findings(&line), [(0, Some("url".into()), "not_null")]);
        }
    }

    #[test]
    fn every_violation_of_a_record_is_reported() {
        let line = record(
            META,
            &value(",\"http_method\":\"get\"")
                .replace("\"http_method\":\"GET\",", "")
                .replace("200", "\"200\"")
                .replace(
                    "\"participated\":false",
                    "\"participated\":false,\"bogus\":1",
                ),
        );
        let got = findings(&line);
        assert_eq!(
            got,
            [
                (0, Some("http_status".into()), "type"),
                (0, Some("bogus".into()), "unknown_column"),
                (0, Some("http_method".into()), "enum"),
            ]
        );
    }

    #[test]
    fn deletes_order_and_envelope() {
        let delete = format!(
            r#"{{"meta":{{"ts":"2024-05-01T10:00:00Z","action":"D"}},"key":{{"id":"{ID}"}}}}"#
        );
        assert_eq!(findings(&delete), []);
        let delete_with_junk = format!(
            r#"{{"value":{{"url":5}},"key":{{"id":"{ID}"}},"meta":{{"action":"D","ts":"2024-05-01T10:00:00Z"}}}}"#
        );
        assert_eq!(findings(&delete_with_junk), []);
        let upsert_value_first =
            format!(r#"{{"value":{{"url":5}},"key":{{"id":"{ID}"}},"meta":{META}}}"#);
        let got = findings(&upsert_value_first);
        assert!(got.contains(&(0, Some("url".into()), "type")), "{got:?}");
        assert!(
            got.contains(&(0, Some("timestamp".into()), "not_null")),
            "{got:?}"
        );
        let no_value = format!(r#"{{"meta":{META},"key":{{"id":"{ID}"}}}}"#);
        assert_eq!(findings(&no_value), [(0, None, "not_null")]);
        let action_null = record(r#"{"ts":"2024-05-01T10:00:00Z","action":null}"#, &value(""));
        assert_eq!(
            findings(&action_null),
            [(0, Some("meta.action".into()), "type")]
        );
        let no_meta = format!(r#"{{"key":{{"id":"{ID}"}},"value":{}}}"#, value(""));
        assert_eq!(
            findings(&no_meta),
            [(0, Some("meta.ts".into()), "not_null")]
        );
        let key_null = format!(r#"{{"meta":{META},"key":null,"value":{}}}"#, value(""));
        assert_eq!(findings(&key_null), [(0, None, "type")]);
        let extra_meta = record(r#"{"ts":"2024-05-01T10:00:00Z","op":"x"}"#, &value(""));
        assert_eq!(
            findings(&extra_meta),
            [(0, Some("meta.op".into()), "unknown_column")]
        );
    }

    /// A batch framed by the reading lane checks exactly as one the checking thread frames.
    #[test]
    fn lane_framed_batches_check_as_self_framed_ones() {
        let plan = plan();
        let good = record(META, &value(""));
        let bad = record(META, &value(",\"http_status\":\"x\""));
        let batches = [
            format!("{good}\n{bad}\n"),
            format!("{good}\n\n  \n{bad}\r\n{good}"),
            format!("\n{good} \t\r\n{{\"meta\":\n{good}\n"),
            format!("{good}\n\n"),
            "\n".to_owned(),
            String::new(),
        ];
        for batch in &batches {
            let mut frames = Vec::new();
            JsonlFormat.frame(batch.as_bytes(), &mut frames);
            // One frame per line: each `\n` ends one, and bytes after the last start another.
            let newlines = batch.matches('\n').count();
            let lines = newlines + usize::from(!batch.is_empty() && !batch.ends_with('\n'));
            assert_eq!(frames.len(), lines, "{batch:?}");
            let check = |frames: &[LineFrame]| {
                let mut state = WorkerState::new(&plan);
                let mut out = BatchOutcome::default();
                JsonlFormat.check_batch(&plan, batch.as_bytes(), frames, &mut state, &mut out);
                out
            };
            let (lane, own) = (check(&frames), check(&[]));
            assert_eq!(lane.lines, own.lines, "{batch:?}");
            assert_eq!(lane.records, own.records, "{batch:?}");
            assert_eq!(lane.spans, own.spans, "{batch:?}");
            assert_eq!(lane.keys, own.keys, "{batch:?}");
            assert_eq!(lane.findings, own.findings, "{batch:?}");
            // The hash is the record's, trimmed: a record with trailing blanks hashes as one
            // without.
            for key in &lane.keys {
                assert_eq!(key.record_hash, crate::dedup::record_hash(good.as_bytes()));
            }
            // And it is the frame's: with every frame's hash made 7, every key's is 7.
            let marked: Vec<LineFrame> =
                frames.iter().map(|f| LineFrame { hash: 7, ..*f }).collect();
            let marked = check(&marked);
            assert_eq!(marked.keys.len(), lane.keys.len());
            assert!(marked.keys.iter().all(|k| k.record_hash == 7), "{batch:?}");
        }
    }

    #[test]
    fn lines_blank_lines_and_crlf() {
        let good = record(META, &value(""));
        let batch = format!("{good}\r\n\n   \n{good}\n{{\"meta\":1,,}}\n");
        assert_eq!(findings(&batch), [(2, None, "malformed")]);
        let plan = plan();
        let mut state = WorkerState::new(&plan);
        let mut out = BatchOutcome::default();
        JsonlFormat.check_batch(&plan, batch.as_bytes(), &[], &mut state, &mut out);
        assert_eq!((out.lines, out.records, out.invalid_records), (5, 3, 1));
        assert_eq!(out.findings[0].line, 4);
        assert_eq!(out.keys.len(), 2);
        assert_eq!(out.keys[0].key, out.keys[1].key);
        assert_eq!(
            out.keys[0].record_hash, out.keys[1].record_hash,
            "CR is not content"
        );
    }

    /// A record object's text without its outer braces.
    fn members(record: &str) -> &str {
        record
            .strip_prefix('{')
            .and_then(|r| r.strip_suffix('}'))
            .unwrap_or(record)
    }

    #[test]
    fn malformed_records_report_nothing_else() {
        for bad in [
            record(META, &value(",\"url\":\"again\"")),
            record(META, &value("")).replace("\"/x\"", "\"\\ud800\""),
            format!("{} x", record(META, &value(""))),
            "[1]".to_owned(),
            "{\"meta\":{\"ts\":\"2024-05-01T10:00:00Z\",\"ts\":\"2024-05-01T10:00:00Z\"}}"
                .to_owned(),
            "{\"key\":{\"id\":1},\"key\":{\"id\":2}}".to_owned(),
            // An unknown record member named twice, with `key` and `value` (whose own unknown
            // members are tracked separately) between the two.
            format!(
                "{{\"bogus\":1,{},\"bogus\":2}}",
                members(&record(META, &value(",\"extra\":1")))
            ),
        ] {
            assert_eq!(findings(&bad), [(0, None, "malformed")], "{bad}");
        }
        // Each object has its own names: the same unknown name in the record and in `value`
        // is two unknown members, not a duplicate.
        let twice = format!(
            "{{\"extra\":1,{}}}",
            members(&record(META, &value(",\"extra\":1")))
        );
        let found = findings(&twice);
        assert_eq!(found.len(), 2, "{twice}: {found:?}");
        assert!(found.iter().all(|f| f.2 == "unknown_column"), "{found:?}");
        let mut invalid_utf8 = record(META, &value("")).into_bytes();
        invalid_utf8.insert(20, 0xFF);
        let plan = plan();
        let mut walker = Walker::new(&plan);
        let error = walker.walk(&plan, &invalid_utf8).err();
        assert_eq!(error.map(|e| e.kind), Some(SyntaxErrorKind::InvalidUtf8));
    }

    /// Every finding of one record with its message and value (a malformed record's message
    /// holds a byte offset, so only its code is kept), and the counted open-enum values.
    fn full_findings(line: &str) -> Vec<(Option<String>, &'static str, Option<String>)> {
        let plan = plan();
        let mut state = WorkerState::new(&plan);
        let mut out = BatchOutcome::default();
        JsonlFormat.check_batch(&plan, line.as_bytes(), &[], &mut state, &mut out);
        let mut got: Vec<_> = out
            .findings
            .iter()
            .map(|f| {
                let code = f.finding.code.as_str();
                let detail = (code != "malformed")
                    .then(|| format!("{} {:?}", f.finding.message, f.finding.value));
                (plan.column_name(&f.finding.column), code, detail)
            })
            .collect();
        let (values, _) = state.profile.tally.sorted(0);
        got.extend(
            values
                .into_iter()
                .map(|(v, n)| (Some(v), "counted", Some(n.to_string()))),
        );
        got
    }

    /// A `value` before `meta` is walked at once: an upsert reports exactly what the usual
    /// order reports, in the same order, open values and profile included; a delete's `value`
    /// counts in nothing, however broken its columns.
    #[test]
    fn a_value_before_meta_reports_as_if_it_came_after() {
        let bad =
            value(",\"user_agent\":7,\"web_application_controller\":\"brand_new\",\"user_id\":1.5");
        let key = format!(r#""key":{{"id":"{ID}"}}"#);
        for (meta, delete) in [
            (r#"{"ts":"2024-05-01T10:00:00Z","action":"U"}"#, false),
            (r#"{"ts":"bad","action":"U"}"#, false),
            (r#"{"ts":"2024-05-01T10:00:00Z","action":"D"}"#, true),
            (r#"{"ts":"bad","action":"D"}"#, true),
        ] {
            let usual = format!("{{\"meta\":{meta},{key},\"value\":{bad}}}");
            let value_first = format!("{{\"value\":{bad},\"meta\":{meta},{key}}}");
            let middle = format!("{{{key},\"value\":{bad},\"meta\":{meta}}}");
            let expected = full_findings(&usual);
            assert_eq!(full_findings(&value_first), expected, "{value_first}");
            assert_eq!(full_findings(&middle), expected, "{middle}");
            let has_value_findings = expected
                .iter()
                .any(|(c, _, _)| c.as_deref() == Some("user_agent"));
            assert_eq!(has_value_findings, !delete, "{usual}: {expected:?}");
            for line in [&usual, &value_first, &middle] {
                let plan = plan();
                let mut state = WorkerState::new(&plan);
                state.switch_file(&plan, 0);
                let mut out = BatchOutcome::default();
                JsonlFormat.check_batch(&plan, line.as_bytes(), &[], &mut state, &mut out);
                let ua = plan.value_column(b"user_agent").unwrap_or(0);
                let url = plan.value_column(b"url").unwrap_or(0);
                let stats = &state.profile.columns;
                assert_eq!(state.profile.value_records, u64::from(!delete), "{line}");
                assert_eq!(stats[ua].invalid, u64::from(!delete), "{line}");
                assert_eq!(stats[url].values, u64::from(!delete), "{line}");
            }
        }
    }

    /// A text with escapes is measured, not decoded, and finds what its decoded spelling
    /// finds: `user_agent` (at most 255 characters) at 255 and 256 characters, with `\/`,
    /// `\u00e9` (two bytes, one character) and a surrogate pair, and with invalid escapes.
    #[test]
    fn measured_texts_find_what_decoded_ones_find() {
        for (plain, escaped) in [
            ("/".repeat(255), "\\/".repeat(255)),
            ("/".repeat(256), "\\/".repeat(256)),
            ("\u{e9}".repeat(255), "\\u00e9".repeat(255)),
            ("\u{e9}".repeat(256), "\\u00E9".repeat(256)),
            (
                format!("{}\u{1F600}", "a".repeat(254)),
                format!("{}\\ud83d\\ude00", "a".repeat(254)),
            ),
            (
                format!("{}\u{1F600}", "a".repeat(255)),
                format!("{}\\ud83d\\ude00", "a".repeat(255)),
            ),
        ] {
            let line = |text: &str| record(META, &value(&format!(",\"user_agent\":\"{text}\"")));
            let too_long = plain.chars().count() > 255;
            let (plain, escaped) = (line(&plain), line(&escaped));
            let found = full_findings(&escaped);
            assert_eq!(found, full_findings(&plain), "{escaped}");
            assert_eq!(found.len(), usize::from(too_long), "{escaped}: {found:?}");
        }
        for bad in ["a\\x", "\\ud800", "a\\u12", "\\ude00x"] {
            let line = record(META, &value(&format!(",\"user_agent\":\"{bad}\"")));
            let found = full_findings(&line);
            assert_eq!(found.len(), 1, "{line}: {found:?}");
            assert_eq!(found[0].1, "malformed", "{line}");
        }
    }

    #[test]
    fn the_fast_paths_agree_with_the_general_path() {
        let base = value("");
        let variants = [
            base.clone(),
            value(",\"user_id\":170000000024925,\"user_agent\":\"Mozilla/5.0 (X11)\""),
            base.replace("\"url\":\"/x\",", "") + "",
            base.replace("\"timestamp\"", "\"user_id\":7,\"timestamp\""),
            value(",\"web_application_controller\":\"courses\""),
            value(",\"url\":\"again\""),
            value(",\"bogus\":1,\"bogus\":2"),
            value(",\"bogus\":1"),
            base.replace("\"participated\":false", "\"participated\":null"),
            base.replace("\"participated\":false", "\"participated\":tru"),
            base.replace("\"/x\"", "\"/caf\u{e9}\""),
            base.replace("\"/x\"", "\"/a\\\"b\""),
            base.replace("\"/x\"", "\"/a\tb\""),
            base.replace("\"/x\"", "\"/x\"}"),
        ];
        let more = ["200.0", "-5", "\"5\"", "[5]", "[5,6]"];
        let numbers = crate::json::tests::NUMBER_EDGES.iter().chain(&more);
        let mut records: Vec<String> = variants.iter().map(|v| record(META, v)).collect();
        for n in numbers {
            records.push(record(
                META,
                &base.replace(
                    "\"interaction_micros\":5",
                    &format!("\"interaction_micros\":{n}"),
                ),
            ));
            records.push(record(
                META,
                &base.replace("\"http_status\":200", &format!("\"http_status\":{n}")),
            ));
        }
        records.push(format!(
            "{{\"meta\":{META},\"key\":{{\"id\":5}},\"value\":{base}}}"
        ));
        records.push(format!(
            "{{\"meta\":{META},\"key\":{{\"id\":\"{ID}\",\"id\":\"{ID}\"}},\"value\":{base}}}"
        ));
        records.push(format!(
            "{{\"meta\":{META},\"key\":{{\"id\":\"{ID}\",\"url\":\"/x\"}},\"value\":{base}}}"
        ));
        let mut reversed_checked = 0;
        for compact in &records {
            let expected = full_findings(compact);
            // Whitespace between the tokens, and escapes in the names, take the general path.
            let spaced = compact.replace(",\"", " ,\r\"").replace("\":", "\" :\t");
            let escaped = compact
                .replace("\"url\":", "\"u\\u0072l\":")
                .replace("\"participated\":", "\"participated\" :")
                .replace("\"user_id\":", "\"user\\u005fid\":")
                .replace("\"http_status\":", "\"http_st\\u0061tus\":")
                .replace("\"interaction_micros\":", "\"interaction_micros\": ");
            // Whitespace after the opening and before the closing brace of `value`.
            let braces = compact
                .replace("{\"timestamp\":", "{ \"timestamp\":")
                .replace("}}", " }\t}");
            // Python's json.dumps separators (the fast path), and two spaces (the general one).
            let python = compact.replace(",\"", ", \"").replace("\":", "\": ");
            let wider = compact.replace(",\"", ",  \"").replace("\":", "\":  ");
            for other in [spaced, escaped, braces, python, wider] {
                assert_eq!(full_findings(&other), expected, "{compact}\n{other}");
            }
            // The value's columns in reverse (the earlier-column search): the same findings,
            // reported in the order the members come. (Not for malformed records: serde_json
            // keeps one of two equal keys, so the rewrite would be another record.)
            let malformed = expected.iter().any(|(_, code, _)| *code == "malformed");
            let parsed =
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(compact);
            // Only where serde writes the record back byte for byte (it rewrites `-0`, `1E2`).
            let parsed = parsed
                .ok()
                .filter(|r| serde_json::to_string(r).is_ok_and(|text| text == *compact));
            if let (false, Some(mut record)) = (malformed, parsed)
                && let Some(serde_json::Value::Object(value)) = record.get_mut("value")
            {
                let reversed: serde_json::Map<String, serde_json::Value> =
                    std::mem::take(value).into_iter().rev().collect();
                *value = reversed;
                let other = serde_json::Value::Object(record).to_string();
                let (mut got, mut want) = (full_findings(&other), expected.clone());
                got.sort();
                want.sort();
                assert_eq!(got, want, "{compact}\n{other}");
                reversed_checked += 1;
            }
        }
        assert!(
            reversed_checked >= 20,
            "{reversed_checked} records reversed"
        );
    }

    #[test]
    fn the_plain_meta_agrees_with_the_general_path() {
        let base = value("");
        let metas = [
            META.to_owned(),
            META.replace(",\"action\":\"U\"", ",\"action\":\"D\""),
            META.replace(",\"action\":\"U\"", ""),
            META.replace("\"U\"", "\"X\""),
            META.replace("\"U\"", "\"UU\""),
            META.replace("\"U\"", "null"),
            META.replace("2024-05-01T10:00:00Z", "yesterday"),
            META.replace("2024-05-01T10:00:00Z", "2024-05-01T10:00:00\\u005a"),
            META.replace("2024-05-01T10:00:00Z", "caf\u{e9}"),
            META.replace("\"2024-05-01T10:00:00Z\"", "5"),
            META.replace("\"2024-05-01T10:00:00Z\"", "null"),
            r#"{"action":"U","ts":"2024-05-01T10:00:00Z"}"#.to_owned(),
            r#"{"action":"D","ts":"2024-05-01T10:00:00Z"}"#.to_owned(),
            r#"{"action":"U","ts":"2024-05-01T10:00:00Z","action":"U"}"#.to_owned(),
            r#"{"action":"U","ts":"yesterday"}"#.to_owned(),
            r#"{"action":"U"}"#.to_owned(),
            r#"{"ts":"2024-05-01T10:00:00Z",}"#.to_owned(),
            r#"{"ts":"2024-05-01T10:00:00Z","action":"U",}"#.to_owned(),
            r#"{"ts":"2024-05-01T10:00:00Z","action":"D","action":"D"}"#.to_owned(),
            r#"{"ts":"2024-05-01T10:00:00Z","ts":"2024-05-01T10:00:00Z"}"#.to_owned(),
            r#"{"ts":"2024-05-01T10:00:00Z","other":1}"#.to_owned(),
            r#"{"ts":"2024-05-01T10:00:00Z","action":"U","other":1}"#.to_owned(),
            r#"{"ts":"2024-05-01T10:00:00Z","action":"U""#.to_owned(),
            r#"{"ts":"2024-05-01T10:00:00Z""#.to_owned(),
            r#"{"ts":"2024-05-01T10:00:00Z"#.to_owned(),
            r#"{"ts":"#.to_owned(),
            r#"{"ts""#.to_owned(),
            "{}".to_owned(),
            "[]".to_owned(),
        ];
        for meta in &metas {
            same_findings_after_rewrites(
                &record(meta, &base),
                &[
                    ("{\"ts\":", "{ \"ts\":"),
                    ("{\"ts\":", "{\"t\\u0073\":"),
                    ("\"action\":", "\"action\" :"),
                    ("{\"action\":", "{ \"action\":"),
                    ("\"U\"}", "\"U\" }"),
                ],
            );
            // Python's separators take the fast path too, and agree with the general one.
            let compact = record(meta, &base);
            let spaced = compact
                .replace("{\"ts\":", "{\"ts\": ")
                .replace(",\"action\":", ", \"action\": ");
            assert_eq!(full_findings(&spaced), full_findings(&compact), "{spaced}");
            same_findings_after_rewrites(
                &spaced,
                &[
                    ("{\"ts\":", "{ \"ts\":"),
                    ("\"U\"}", "\"U\" }"),
                    ("\"ts\": ", "\"ts\":  "),
                ],
            );
        }
        // Also the truncated line, ending inside meta.
        for meta in &metas {
            let line = format!("{{\"meta\":{meta}");
            assert_eq!(full_findings(&line).len(), 1, "{line}");
        }
    }

    /// `compact` has the same findings after each `(from, to)` rewrite that applies: each sends
    /// the walker down the general path where `compact` takes a fast one.
    fn same_findings_after_rewrites(compact: &str, rewrites: &[(&str, &str)]) {
        let expected = full_findings(compact);
        for (from, to) in rewrites {
            let other = compact.replace(from, to);
            assert_eq!(full_findings(&other), expected, "{compact}\n{other}");
        }
    }

    #[test]
    fn the_plain_key_agrees_with_the_general_path() {
        let base = value("");
        let keys = [
            format!(r#"{{"id":"{ID}"}}"#),
            format!(r#"{{"id":"{}"}}"#, ID.to_uppercase()),
            r#"{"id":"not-a-uuid"}"#.to_owned(),
            r#"{"id":""}"#.to_owned(),
            r#"{"id":5}"#.to_owned(),
            r#"{"id":null}"#.to_owned(),
            r#"{"id":"café"}"#.to_owned(),
            "{\"id\":\"caf\u{e9}\"}".to_owned(),
            format!(r#"{{"id":"{ID}","id":"{ID}"}}"#),
            format!(r#"{{"id":"{ID}","url":"/x"}}"#),
            format!(r#"{{"id":"{ID}","bogus":1}}"#),
            format!(r#"{{"bogus":1,"id":"{ID}"}}"#),
            r#"{"url":"/x"}"#.to_owned(),
            "{}".to_owned(),
            "[]".to_owned(),
            "null".to_owned(),
            format!(r#"{{"id":"{ID}""#),
            format!(r#"{{"id":"{ID}"#),
        ];
        for key in &keys {
            same_findings_after_rewrites(
                &format!("{{\"meta\":{META},\"key\":{key},\"value\":{base}}}"),
                &[
                    ("\"key\":{", "\"key\":{ "),
                    ("{\"id\":", "{\"i\\u0064\":"),
                    ("{\"id\":", "{\"id\" :"),
                    ("},\"value\"", " },\"value\""),
                ],
            );
            // `": "` before the value takes the fast path too, and agrees with the general one.
            let compact = format!("{{\"meta\":{META},\"key\":{key},\"value\":{base}}}");
            let spaced = compact.replace("{\"id\":", "{\"id\": ");
            assert_eq!(full_findings(&spaced), full_findings(&compact), "{spaced}");
            same_findings_after_rewrites(
                &spaced,
                &[("{\"id\": ", "{ \"id\": "), ("{\"id\": ", "{\"id\":  ")],
            );
            // Key last, and a key that ends the line.
            let last = format!("{{\"meta\":{META},\"value\":{base},\"key\":{key}}}");
            let spaced_last = last.replace("\"key\":{", "\"key\":{ ");
            assert_eq!(full_findings(&last), full_findings(&spaced_last), "{last}");
            let cut = format!("{{\"meta\":{META},\"key\":{key}");
            assert_eq!(full_findings(&cut).len(), 1, "{cut}");
        }
    }

    /// Without the duplicate check no record is hashed and no key handed on; the findings
    /// are the same.
    #[test]
    fn without_the_duplicate_check_no_keys_are_handed_on() {
        let line = record(META, &value(""));
        let batch = format!("{line}\n{line}\n{{\"key\":{{}}}}\n");
        let outcome = |plan: &CheckPlan| {
            let mut state = WorkerState::new(plan);
            let mut out = BatchOutcome::default();
            JsonlFormat.check_batch(plan, batch.as_bytes(), &[], &mut state, &mut out);
            out
        };
        let with = outcome(&plan());
        let without = outcome(&plan().without_duplicate_check());
        assert_eq!(with.keys.len(), 2, "the two readable records with an id");
        assert!(without.keys.is_empty());
        assert_eq!(with.findings, without.findings);
        assert_eq!(without.records, 3);
    }

    #[test]
    fn open_enum_values_are_counted_only_for_readable_records() {
        let plan = plan();
        let mut state = WorkerState::new(&plan);
        let mut out = BatchOutcome::default();
        let known = record(
            META,
            &value(",\"web_application_controller\":\"__dap_unspecified__\""),
        );
        let unknown = record(META, &value(",\"web_application_controller\":\"courses\""));
        let escaped = record(
            META,
            &value(",\"web_application_controller\":\"c\\u006furses\""),
        );
        let broken = format!("{} x", unknown);
        let batch = format!("{known}\n{unknown}\n{escaped}\n{broken}\n");
        JsonlFormat.check_batch(&plan, batch.as_bytes(), &[], &mut state, &mut out);
        let (values, untracked) = state.profile.tally.sorted(0);
        assert_eq!(values, [("courses".to_owned(), 2)]);
        assert_eq!(untracked, 0);
    }
}
