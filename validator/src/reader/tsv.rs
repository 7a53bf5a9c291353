//! The TSV reader: DAP's PostgreSQL `COPY ... (FORMAT text)` exports (plain or gzip).
//!
//! Decisions, in the order a file meets them (the shared header and value rules are in
//! [`super::text`]):
//!
//! - Line 1 is the header of TAB-separated dotted names, mapped once per file. An empty file
//!   has no header and no records; a header-only file has no records.
//! - One record per line, fields separated by TAB. A line ends at `\n`; a `\r` just before it is
//!   part of the line end (CRLF files read like LF files, as PostgreSQL's `COPY FROM` reads them);
//!   a `\r` anywhere else is data that should have been written `\r`: `malformed`. An empty line
//!   is not a record (as in the JSONL and CSV readers).
//! - A field that is exactly `\N` is NULL; an empty field is the empty string.
//! - Escapes are exactly `\\` `\b` `\f` `\n` `\r` `\t` `\v`. `\0` (NUL) cannot be stored in a
//!   text column, and any other backslash sequence (octal, hex, `\N` inside a longer field, a
//!   backslash ending the line) is `malformed`: the record gets that one violation, nothing else.
//! - A field count other than the header's, or invalid UTF-8, is `malformed` too.
//! - Fields without a backslash are borrowed from the batch; escaped ones are decoded into one
//!   reusable buffer, so checking allocates nothing per field.

use super::bytescan::Positions;
use super::text::{self, Header, RecordFields, TextField};
use super::{BatchOutcome, KeyEntry, LineFrame, LocatedFinding, RecordFormat, WorkerState};
use crate::dedup::record_hash;
use crate::plan::{CheckPlan, Finding, Findings};

/// TSV with a mapped header (one per file).
#[derive(Debug)]
pub struct TsvFormat {
    header: Header,
}

impl TsvFormat {
    /// Reads the header line `bytes` (with or without its line end) and maps it; returns the
    /// format and the header's problems.
    pub fn from_header(plan: &CheckPlan, bytes: &[u8]) -> (TsvFormat, Vec<Finding>) {
        let line = strip_line_end(bytes);
        let names: Vec<&[u8]> = if line.is_empty() {
            Vec::new()
        } else {
            line.split(|&b| b == b'\t').collect()
        };
        let (header, findings) = Header::map(plan, &names);
        (TsvFormat { header }, findings)
    }
}

/// `line` without its `\n` and one `\r` before it.
fn strip_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl RecordFormat for TsvFormat {
    fn last_boundary(&self, bytes: &[u8]) -> Option<usize> {
        memchr::memrchr(b'\n', bytes).map(|i| i + 1)
    }

    fn next_boundary(&self, bytes: &[u8]) -> Option<usize> {
        memchr::memchr(b'\n', bytes).map(|i| i + 1)
    }

    fn check_batch(
        &self,
        plan: &CheckPlan,
        batch: &[u8],
        _frames: &[LineFrame],
        state: &mut WorkerState,
        out: &mut BatchOutcome,
    ) {
        let fields = self.header.fields();
        let mut spans: Vec<Span> = Vec::with_capacity(fields);
        let mut decoded: Vec<u8> = Vec::new();
        let mut findings = Findings::default();
        let mut start = 0usize;
        let mut line = 0u64;
        while start < batch.len() {
            let rest = batch.get(start..).unwrap_or_default();
            let end = memchr::memchr(b'\n', rest).map_or(batch.len(), |i| start + i);
            let text = strip_line_end(batch.get(start..end).unwrap_or_default());
            if !text.is_empty() {
                let record = out.records;
                out.records += 1;
                out.spans.push(start..(end + 1).min(batch.len()));
                findings.clear();
                match split_fields(text, fields, &mut spans, &mut decoded) {
                    Err(message) => {
                        out.invalid_records += 1;
                        out.findings.push(LocatedFinding {
                            line,
                            record,
                            finding: text::malformed(message, text),
                        });
                    }
                    Ok(()) => {
                        let view = TsvFields {
                            line: text,
                            decoded: &decoded,
                            spans: &spans,
                        };
                        let key = text::check_record(
                            plan,
                            &self.header,
                            &view,
                            &mut findings,
                            &mut state.profile,
                            &mut state.stage,
                        );
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
                        if let Some((key, uuid)) = key {
                            out.keys.push(KeyEntry {
                                line,
                                record,
                                key,
                                record_hash: record_hash(text),
                                uuid,
                            });
                        }
                    }
                }
            }
            line += 1;
            start = end + 1;
        }
        // One pass of the loop per line, the last one's without a `\n` included.
        out.lines = line;
        state.profile.absorb(&mut state.stage);
    }
}

/// Where a field's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    /// `\N`.
    Null,
    /// `line[start..end]`, no escapes.
    Raw(usize, usize),
    /// `decoded[start..end]`.
    Decoded(usize, usize),
}

/// Splits `line` into fields (decoding escapes into `decoded`); `Err` says why the record is
/// malformed.
fn split_fields(
    line: &[u8],
    expected: usize,
    spans: &mut Vec<Span>,
    decoded: &mut Vec<u8>,
) -> Result<(), String> {
    spans.clear();
    decoded.clear();
    // One pass finds the tabs, the backslashes and any raw carriage return, and whether the
    // line is all ASCII (then it is UTF-8 without looking again).
    let mut positions = Positions::new(line, [b'\t', b'\\', b'\r']);
    // Invalid UTF-8 is named first, wherever it is in the line: the rest is scanned to know.
    let utf8_first = |mut positions: Positions<'_, 3>, other: String| {
        let _ = positions.by_ref().count();
        utf8_error(line, &positions).unwrap_or(other)
    };
    let mut start = 0usize;
    let mut escaped = false;
    loop {
        let at = positions.next();
        match at.and_then(|at| line.get(at)) {
            Some(b'\\') => {
                escaped = true;
                continue;
            }
            Some(b'\r') => {
                let message = "a raw carriage return inside the line (write it as \\r)";
                return Err(utf8_first(positions, message.to_owned()));
            }
            _ => {}
        }
        let at = at.unwrap_or(line.len());
        let field = line.get(start..at).unwrap_or_default();
        let span = if !escaped {
            Span::Raw(start, at)
        } else if field == b"\\N" {
            Span::Null
        } else {
            let from = decoded.len();
            if let Err(message) = unescape(field, decoded) {
                return Err(utf8_first(positions, message));
            }
            Span::Decoded(from, decoded.len())
        };
        spans.push(span);
        start = at + 1;
        escaped = false;
        if at == line.len() {
            break;
        }
    }
    if let Some(message) = utf8_error(line, &positions) {
        return Err(message);
    }
    if spans.len() != expected {
        return Err(format!(
            "wrong number of fields: {} in this record, {expected} in the header",
            spans.len()
        ));
    }
    Ok(())
}

/// Why `line` is not UTF-8, once `positions` has scanned all of it (an all-ASCII line is).
fn utf8_error(line: &[u8], positions: &Positions<'_, 3>) -> Option<String> {
    if !positions.non_ascii() {
        return None;
    }
    std::str::from_utf8(line)
        .err()
        .map(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1))
}

/// Appends `field` with its escapes decoded to `out`.
fn unescape(field: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let mut rest = field;
    while let Some(at) = memchr::memchr(b'\\', rest) {
        out.extend_from_slice(rest.get(..at).unwrap_or_default());
        let byte = match rest.get(at + 1) {
            Some(b'\\') => b'\\',
            Some(b'b') => 0x08,
            Some(b'f') => 0x0C,
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b't') => b'\t',
            Some(b'v') => 0x0B,
            Some(b'0') => {
                return Err("`\\0` (NUL) cannot be stored in a text column".to_owned());
            }
            Some(&other) => {
                let shown: String = String::from_utf8_lossy(&[other]).into_owned();
                return Err(format!(
                    "invalid escape `\\{shown}` (the escapes are \\\\ \\b \\f \\n \\r \\t \\v, and \\N alone for NULL)"
                ));
            }
            None => return Err("a backslash ends the field (escape it as \\\\)".to_owned()),
        };
        out.push(byte);
        rest = rest.get(at + 2..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    Ok(())
}

/// A split record.
struct TsvFields<'r> {
    line: &'r [u8],
    decoded: &'r [u8],
    spans: &'r [Span],
}

impl RecordFields for TsvFields<'_> {
    #[inline]
    fn field(&self, index: usize) -> TextField<'_> {
        match self.spans.get(index) {
            Some(Span::Raw(a, b)) => TextField::Text(self.line.get(*a..*b).unwrap_or_default()),
            Some(Span::Decoded(a, b)) => {
                TextField::Text(self.decoded.get(*a..*b).unwrap_or_default())
            }
            Some(Span::Null) | None => TextField::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str, expected: usize) -> Result<Vec<Option<Vec<u8>>>, String> {
        let mut spans = Vec::new();
        let mut decoded = Vec::new();
        split_fields(line.as_bytes(), expected, &mut spans, &mut decoded)?;
        let view = TsvFields {
            line: line.as_bytes(),
            decoded: &decoded,
            spans: &spans,
        };
        Ok((0..expected)
            .map(|i| match view.field(i) {
                TextField::Null => None,
                TextField::Text(t) => Some(t.to_vec()),
            })
            .collect())
    }

    #[test]
    fn null_empty_and_escapes() {
        let got = split("\\N\t\ta\\tb\t\\\\N\tx\\\\", 5);
        assert_eq!(
            got,
            Ok(vec![
                None,
                Some(b"".to_vec()),
                Some(b"a\tb".to_vec()),
                Some(b"\\N".to_vec()),
                Some(b"x\\".to_vec()),
            ])
        );
        let all = split("\\b\\f\\n\\r\\t\\v\\\\", 1);
        assert_eq!(all, Ok(vec![Some(b"\x08\x0c\n\r\t\x0b\\".to_vec())]));
    }

    #[test]
    fn bad_escapes_and_counts_are_malformed() {
        for bad in ["a\\x41", "\\101", "a\\Nb", "a\\", "\\0", "a\\ b"] {
            assert!(split(bad, 1).is_err(), "{bad}");
        }
        assert!(split("a\tb", 3).is_err());
        assert!(split("a\rb", 1).is_err());
        assert!(split_fields(b"\xff", 1, &mut Vec::new(), &mut Vec::new()).is_err());
    }

    #[test]
    fn crlf_header_is_stripped() {
        assert_eq!(strip_line_end(b"a\tb\r\n"), b"a\tb");
        assert_eq!(strip_line_end(b"a\tb"), b"a\tb");
    }

    /// Without the duplicate check no record is hashed and no key handed on; the findings
    /// are the same.
    #[test]
    fn without_the_duplicate_check_no_keys_are_handed_on() {
        let id = "0a1b2c3d-4e5f-4789-abcd-ef0123456789";
        let row = format!("2024-05-01T10:00:00Z\t{id}\n");
        let batch = format!("{row}{row}2024-05-01T10:00:00Z\tnot-a-uuid\n");
        let outcome = |plan: &CheckPlan| {
            let (format, _) = TsvFormat::from_header(plan, b"meta.ts\tkey.id\n");
            let mut state = WorkerState::new(plan);
            let mut out = BatchOutcome::default();
            format.check_batch(plan, batch.as_bytes(), &[], &mut state, &mut out);
            out
        };
        let with = outcome(&crate::plan::web_logs_plan());
        let without = outcome(&crate::plan::web_logs_plan().without_duplicate_check());
        assert_eq!(with.keys.len(), 2, "the two valid ids");
        assert!(without.keys.is_empty());
        assert_eq!(with.findings, without.findings);
        assert_eq!(with.records, 3);
        assert_eq!(without.records, 3);
    }
}
