//! A strict RFC 8259 JSON scanner over bytes, the lexical layer of the JSONL reader.
//!
//! It does not build values: callers pull one token at a time and decide what to keep, which is
//! what makes the schema-directed parse in [`crate::reader::jsonl`] allocation-free in the common
//! case. Strict means:
//!
//! - strings: no raw control characters (U+0000..U+001F); escapes exactly `\" \\ \/ \b \f \n \r
//!   \t \uXXXX`; a `\uD800..\uDBFF` must be followed by `\uDC00..\uDFFF` (a surrogate pair),
//!   a lone surrogate is an error (UTF-8 cannot carry it); the bytes of a string must be UTF-8
//!   (checked only for strings holding a byte >= 0x80; outside strings such a byte is a syntax
//!   error, so a record that scans is valid UTF-8 without a separate pass);
//! - numbers: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`, nothing else (no `+1`, `01`,
//!   `.5`, `1.`, `NaN`);
//! - literals `true`, `false`, `null`; whitespace is space, tab, LF, CR;
//! - nesting deeper than [`MAX_DEPTH`] is an error, so hostile input cannot exhaust the stack;
//! - [`Scanner::skip_value`] checks a whole value, including duplicate keys in every object.

use crate::keyset::KeySet;
use std::fmt;

/// Objects and arrays nested deeper than this make a record malformed.
pub const MAX_DEPTH: usize = 128;

/// Why a record is not JSON, with the byte offset in the record where it was noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 0-based byte offset in the record.
    pub offset: usize,
    /// What was wrong.
    pub kind: SyntaxErrorKind,
}

/// The kinds of [`SyntaxError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The record ended inside a value.
    UnexpectedEnd,
    /// A byte that cannot start or continue what was expected.
    UnexpectedByte(u8),
    /// A raw control character inside a string.
    ControlCharacter(u8),
    /// A backslash escape that JSON does not define.
    InvalidEscape,
    /// A `\u` escape that encodes half of a surrogate pair alone.
    LoneSurrogate,
    /// A number that breaks the RFC 8259 grammar.
    InvalidNumber,
    /// More than [`MAX_DEPTH`] nested objects/arrays.
    TooDeep,
    /// The same key twice in one object (the text of the key).
    DuplicateKey(String),
    /// The record is not valid UTF-8.
    InvalidUtf8,
    /// Non-whitespace after the end of the record's value.
    TrailingCharacters,
    /// The record is a JSON value but not an object.
    NotAnObject(&'static str),
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.offset + 1;
        match &self.kind {
            SyntaxErrorKind::UnexpectedEnd => write!(f, "invalid JSON: record ends early"),
            SyntaxErrorKind::UnexpectedByte(b) => {
                write!(
                    f,
                    "invalid JSON: unexpected {} at byte {at}",
                    describe_byte(*b)
                )
            }
            SyntaxErrorKind::ControlCharacter(b) => write!(
                f,
                "invalid JSON: unescaped control character 0x{b:02X} in a string at byte {at}"
            ),
            SyntaxErrorKind::InvalidEscape => {
                write!(f, "invalid JSON: invalid escape in a string at byte {at}")
            }
            SyntaxErrorKind::LoneSurrogate => write!(
                f,
                "invalid JSON: \\u escape of a lone UTF-16 surrogate at byte {at}"
            ),
            SyntaxErrorKind::InvalidNumber => {
                write!(f, "invalid JSON: invalid number at byte {at}")
            }
            SyntaxErrorKind::TooDeep => write!(
                f,
                "invalid JSON: nested deeper than {MAX_DEPTH} levels at byte {at}"
            ),
            SyntaxErrorKind::DuplicateKey(key) => {
                write!(f, "duplicate key {key:?} in one object at byte {at}")
            }
            SyntaxErrorKind::InvalidUtf8 => write!(f, "invalid UTF-8 at byte {at}"),
            SyntaxErrorKind::TrailingCharacters => {
                write!(f, "invalid JSON: characters after the record at byte {at}")
            }
            SyntaxErrorKind::NotAnObject(found) => {
                write!(f, "the record is a JSON {found}, not an object")
            }
        }
    }
}

fn describe_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02X}")
    }
}

/// A number token: its text and whether it is an integer literal (no fraction, no exponent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberToken<'a> {
    /// The number exactly as written.
    pub text: &'a [u8],
    /// No `.` and no exponent.
    pub is_integer: bool,
}

/// What kind of value starts at the current position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peek {
    /// `{`
    Object,
    /// `[`
    Array,
    /// `"`
    String,
    /// `-` or a digit
    Number,
    /// `t` or `f`
    Bool,
    /// `n`
    Null,
    /// Anything else (an error when a value is expected).
    Invalid(u8),
    /// The end of the input.
    End,
}

/// A cursor over one record's bytes.
#[derive(Debug, Clone)]
pub struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

type Result<T> = std::result::Result<T, SyntaxError>;

impl<'a> Scanner<'a> {
    /// A scanner over `bytes` (any bytes: invalid UTF-8 inside a string is an error).
    pub fn new(bytes: &'a [u8]) -> Scanner<'a> {
        Scanner { bytes, pos: 0 }
    }

    /// The current byte offset.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Moves to `offset` (to re-read a value whose syntax was already checked).
    pub fn seek(&mut self, offset: usize) {
        self.pos = offset.min(self.bytes.len());
    }

    /// The whole input.
    pub fn input(&self) -> &'a [u8] {
        self.bytes
    }

    /// An error of `kind` at the current offset.
    pub fn error(&self, kind: SyntaxErrorKind) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            kind,
        }
    }

    /// Skips JSON whitespace.
    #[inline]
    pub fn skip_whitespace(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// Whether only whitespace remains.
    pub fn at_end_after_whitespace(&mut self) -> bool {
        self.skip_whitespace();
        self.pos >= self.bytes.len()
    }

    /// Skips whitespace and classifies the next value.
    #[inline]
    pub fn peek(&mut self) -> Peek {
        self.skip_whitespace();
        match self.bytes.get(self.pos) {
            None => Peek::End,
            Some(b'{') => Peek::Object,
            Some(b'[') => Peek::Array,
            Some(b'"') => Peek::String,
            Some(b'-' | b'0'..=b'9') => Peek::Number,
            Some(b't' | b'f') => Peek::Bool,
            Some(b'n') => Peek::Null,
            Some(&b) => Peek::Invalid(b),
        }
    }

    /// Skips whitespace and consumes `expected`.
    #[inline]
    pub fn expect(&mut self, expected: u8) -> Result<()> {
        self.skip_whitespace();
        match self.bytes.get(self.pos) {
            Some(&b) if b == expected => {
                self.pos += 1;
                Ok(())
            }
            Some(&b) => Err(self.error(SyntaxErrorKind::UnexpectedByte(b))),
            None => Err(self.error(SyntaxErrorKind::UnexpectedEnd)),
        }
    }

    /// After `{` or a member: skips whitespace and consumes `,` (returns `true`, another member
    /// follows) or `}` (returns `false`). `first` is for the position right after `{`, where `}`
    /// is allowed but `,` is not.
    #[inline]
    pub fn next_member(&mut self, first: bool) -> Result<bool> {
        self.skip_whitespace();
        match self.bytes.get(self.pos) {
            Some(b'}') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.pos += 1;
                self.skip_whitespace();
                match self.bytes.get(self.pos) {
                    Some(b'"') => Ok(true),
                    Some(&b) => Err(self.error(SyntaxErrorKind::UnexpectedByte(b))),
                    None => Err(self.error(SyntaxErrorKind::UnexpectedEnd)),
                }
            }
            Some(b'"') if first => Ok(true),
            Some(&b) => Err(self.error(SyntaxErrorKind::UnexpectedByte(b))),
            None => Err(self.error(SyntaxErrorKind::UnexpectedEnd)),
        }
    }

    /// If the input continues with exactly `pattern`, a member name written plainly with its
    /// colon (`"name":`, the name holding no `"`, `\\` or control character), consumes it and
    /// returns `true`; otherwise moves nothing. The common case of [`Scanner::try_member_name`]
    /// in a few word comparisons.
    #[inline]
    pub fn try_member(&mut self, pattern: &[u8]) -> bool {
        let end = self.pos + pattern.len();
        if self
            .bytes
            .get(self.pos..end)
            .is_some_and(|candidate| crate::plan::bytes_eq(candidate, pattern))
        {
            self.pos = end;
            true
        } else {
            false
        }
    }

    /// If the next member name is exactly `name` (which holds no `"`, `\\` or control
    /// character) followed by `:`, consumes both and returns `true`; otherwise moves nothing.
    /// A fast path for names known in advance: no scanning, no unescaping.
    #[inline]
    pub fn try_member_name(&mut self, name: &[u8]) -> bool {
        let start = self.pos;
        let end = start + 1 + name.len();
        let matches = self.bytes.get(start) == Some(&b'"')
            && self
                .bytes
                .get(start + 1..end)
                .is_some_and(|candidate| crate::plan::bytes_eq(candidate, name))
            && self.bytes.get(end) == Some(&b'"');
        if !matches {
            return false;
        }
        self.pos = end + 1;
        if self.bytes.get(self.pos) == Some(&b':') {
            self.pos += 1;
            return true;
        }
        self.skip_whitespace();
        if self.bytes.get(self.pos) == Some(&b':') {
            self.pos += 1;
            true
        } else {
            self.pos = start;
            false
        }
    }

    /// Reads a member name and the `:` after it. See [`Scanner::string`] for the result.
    #[inline]
    pub fn member_name(&mut self, scratch: &mut Vec<u8>) -> Result<Option<&'a [u8]>> {
        let name = self.string(scratch)?;
        self.expect(b':')?;
        Ok(name)
    }

    /// Reads a string (the current byte must be `"`). Returns `Some(raw)` when it has no escapes
    /// (the bytes between the quotes, borrowed from the input), or `None` when it had escapes
    /// and its decoded UTF-8 is in `scratch` (cleared first).
    #[inline]
    pub fn string(&mut self, scratch: &mut Vec<u8>) -> Result<Option<&'a [u8]>> {
        self.skip_whitespace();
        match self.bytes.get(self.pos) {
            Some(b'"') => self.pos += 1,
            Some(&b) => return Err(self.error(SyntaxErrorKind::UnexpectedByte(b))),
            None => return Err(self.error(SyntaxErrorKind::UnexpectedEnd)),
        }
        let start = self.pos;
        // The plain ASCII run first (16 bytes a step); past a byte >= 0x80, the scan that
        // only looks for the stops (and remembers that UTF-8 needs checking).
        let mut stop = ascii_string_end(self.bytes, start);
        let mut non_ascii = false;
        if self.bytes.get(stop).is_some_and(|&b| b >= 0x80) {
            stop = scan_string(self.bytes, stop).0;
            non_ascii = true;
        }
        match self.bytes.get(stop) {
            Some(b'"') => {
                let raw = self.bytes.get(start..stop).unwrap_or_default();
                // Only strings can hold non-ASCII bytes (anywhere else they are a syntax
                // error), so checking UTF-8 here, and only when needed, checks the record.
                if non_ascii && let Err(e) = std::str::from_utf8(raw) {
                    self.pos = start + e.valid_up_to();
                    return Err(self.error(SyntaxErrorKind::InvalidUtf8));
                }
                self.pos = stop + 1;
                Ok(Some(raw))
            }
            Some(b'\\') => {
                scratch.clear();
                scratch.extend_from_slice(self.bytes.get(start..stop).unwrap_or_default());
                self.pos = stop;
                // Escapes decode to valid UTF-8 (ASCII, or a `char`), and a raw run between
                // them ends at an ASCII byte, so the result needs checking only when a run
                // held bytes >= 0x80.
                let non_ascii = self.decode_rest(scratch)? | non_ascii;
                if non_ascii && std::str::from_utf8(scratch).is_err() {
                    self.pos = start;
                    return Err(self.error(SyntaxErrorKind::InvalidUtf8));
                }
                Ok(None)
            }
            Some(&b) => {
                self.pos = stop;
                Err(self.error(SyntaxErrorKind::ControlCharacter(b)))
            }
            None => {
                self.pos = self.bytes.len();
                Err(self.error(SyntaxErrorKind::UnexpectedEnd))
            }
        }
    }

    /// If a string starts exactly here (no whitespace first) and is plain ASCII without escapes
    /// or control characters, consumes it and returns the offset of its text and the text;
    /// otherwise moves nothing (then [`Scanner::string`] reads it, or reports what is wrong with
    /// it). The common case of a field value, without building a `Result`.
    #[inline(always)]
    pub fn plain_ascii_string(&mut self) -> Option<(usize, &'a [u8])> {
        // The quote is tested where the caller is, so a value of another type costs no call.
        if self.bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        self.plain_ascii_string_after_quote()
    }

    /// [`Scanner::plain_ascii_string`] once the current byte is known to be `"`.
    #[inline(never)]
    fn plain_ascii_string_after_quote(&mut self) -> Option<(usize, &'a [u8])> {
        let start = self.pos + 1;
        let rest = self.bytes.get(start..)?;
        let len = ascii_string_end(rest, 0);
        // Checking the closing quote first proves `len` in bounds, so the slice is free.
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        let text = rest.get(..len)?;
        self.pos = start + len + 1;
        Some((start, text))
    }

    /// If an integer literal (`-?(0|[1-9][0-9]*)`) starts exactly here (no whitespace first) and
    /// is followed directly by `,` or `}`, consumes it and returns its text; otherwise moves
    /// nothing (then [`Scanner::number`] reads it, or reports what is wrong with it). The common
    /// case of a numeric field, without building a `Result`.
    #[inline]
    pub fn plain_integer(&mut self) -> Option<&'a [u8]> {
        let rest = self.bytes.get(self.pos..)?;
        let mut i = usize::from(rest.first() == Some(&b'-'));
        match rest.get(i) {
            Some(b'1'..=b'9') => i = digits_end(rest, i + 1),
            Some(b'0') => i += 1,
            _ => return None,
        }
        // Checking the delimiter first proves `i` in bounds, so the slice is free.
        if !matches!(rest.get(i), Some(b',' | b'}')) {
            return None;
        }
        let text = rest.get(..i)?;
        self.pos += i;
        Some(text)
    }

    /// If a string starts here (the current byte is `"`) and is valid (escapes, UTF-8, no
    /// control byte), consumes it and returns its decoded length in bytes and in characters,
    /// without writing the text anywhere; otherwise moves nothing (then [`Scanner::string`]
    /// reads it and reports what is wrong). What a text column's rule and profile need of a
    /// string with escapes: in the `escaped` bench layout, decoding every URL and user agent
    /// was an eighth of the checking thread's time.
    ///
    /// ASCII text and its simple escapes (`\/`, `\"`, `\\`, `\n`...) are measured 16 bytes a
    /// step, every escape in a step taken from the step's mask without loading it again (each
    /// stands for one byte); anything else (a `\u` escape, a byte >= 0x80, the input's last 16
    /// bytes, an error) continues in `Scanner::decode_rest` from where the steps stopped. In
    /// the `escaped` bench layout (`\/` in every URL and user agent) the escape at a time cost
    /// 9% of the checking thread.
    pub fn measure_string(&mut self) -> Option<Measure> {
        let start = self.pos;
        if self.bytes.get(start) != Some(&b'"') {
            return None;
        }
        let mut pos = start + 1;
        // Simple escapes so far: each is two bytes of input for one of text.
        let mut escapes = 0usize;
        'steps: while let Some(chunk) = self.bytes.get(pos..pos + 16) {
            let mut step = [0u8; 16];
            step.copy_from_slice(chunk);
            let mut stops = ascii_stops16(&step);
            while stops != 0 {
                let i = stops.trailing_zeros() as usize;
                let stop = step.get(i).copied().unwrap_or(0);
                if stop == b'"' {
                    self.pos = pos + i + 1;
                    let len = pos + i - (start + 1) - escapes;
                    return Some(Measure {
                        bytes: len,
                        chars: len,
                        valid: true,
                    });
                }
                // One bit test rather than a match (a jump table, whose target mispredicts).
                let next = step.get(i + 1).copied().unwrap_or(0);
                let simple = next < 128 && (SIMPLE_ESCAPES >> next) & 1 == 1;
                if stop != b'\\' || !simple {
                    if stop == b'\\' && i == 15 {
                        // The escape's second byte is in the next step: start it there.
                        pos += 15;
                        continue 'steps;
                    }
                    // Anything else goes on in the general decoder.
                    pos += i;
                    break 'steps;
                }
                escapes += 1;
                stops &= !(3u32 << i);
            }
            pos += 16;
        }
        self.pos = pos;
        let len = pos - (start + 1) - escapes;
        let mut measure = Measure {
            bytes: len,
            chars: len,
            valid: true,
        };
        match self.decode_rest(&mut measure) {
            Ok(_) if measure.valid => Some(measure),
            _ => {
                self.pos = start;
                None
            }
        }
    }

    /// Continues a string at a backslash (or anywhere inside it), giving `out` the decoded
    /// text until the closing quote; whether a raw run between escapes held a byte >= 0x80.
    ///
    /// Raw runs go 16 bytes a step: decoding appends the step's bytes whole (a fixed-size copy,
    /// no `memcpy` call per run) and takes back the part past the run's stop. In the `escaped`
    /// bench layout (`\/` in every URL) this took the string reads from 112M to 90M
    /// instructions per 100k records.
    fn decode_rest(&mut self, out: &mut impl Decoded) -> Result<bool> {
        let mut non_ascii = false;
        loop {
            if let Some(chunk) = self.bytes.get(self.pos..self.pos + 16) {
                let mut step = [0u8; 16];
                step.copy_from_slice(chunk);
                let stops = ascii_stops16(&step);
                if stops == 0 {
                    out.step(&step, 16);
                    self.pos += 16;
                    continue;
                }
                let run = stops.trailing_zeros() as usize;
                out.step(&step, run);
                self.pos += run;
            }
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(non_ascii);
                }
                Some(b'\\') => self.escape(out)?,
                Some(_) => {
                    // The tail of the input (under 16 bytes left), or a byte >= 0x80: the
                    // scan that only looks for the stops.
                    let start = self.pos;
                    let (stop, high) = scan_string(self.bytes, start);
                    non_ascii |= high;
                    out.raw(self.bytes.get(start..stop).unwrap_or_default(), high);
                    self.pos = stop;
                    match self.bytes.get(stop) {
                        Some(b'"' | b'\\') => {}
                        Some(&b) => return Err(self.error(SyntaxErrorKind::ControlCharacter(b))),
                        None => return Err(self.error(SyntaxErrorKind::UnexpectedEnd)),
                    }
                }
                None => return Err(self.error(SyntaxErrorKind::UnexpectedEnd)),
            }
        }
    }

    /// Decodes the escape at the current backslash onto `out`.
    fn escape(&mut self, out: &mut impl Decoded) -> Result<()> {
        self.pos += 1;
        let Some(&e) = self.bytes.get(self.pos) else {
            return Err(self.error(SyntaxErrorKind::UnexpectedEnd));
        };
        self.pos += 1;
        let simple = match e {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(0x08),
            b'f' => Some(0x0C),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'u' => None,
            _ => {
                self.pos -= 1;
                return Err(self.error(SyntaxErrorKind::InvalidEscape));
            }
        };
        if let Some(byte) = simple {
            out.byte(byte);
            return Ok(());
        }
        let escape_start = self.pos - 2;
        let first = self.hex4()?;
        let ch = if (0xD800..0xDC00).contains(&first) {
            // A high surrogate: a low one must follow as another \u escape.
            let low = if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                self.pos += 2;
                self.hex4()?
            } else {
                0
            };
            if !(0xDC00..0xE000).contains(&low) {
                self.pos = escape_start;
                return Err(self.error(SyntaxErrorKind::LoneSurrogate));
            }
            0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..0xE000).contains(&first) {
            self.pos = escape_start;
            return Err(self.error(SyntaxErrorKind::LoneSurrogate));
        } else {
            first
        };
        let Some(c) = char::from_u32(ch) else {
            self.pos = escape_start;
            return Err(self.error(SyntaxErrorKind::LoneSurrogate));
        };
        out.char(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut value = 0u32;
        for _ in 0..4 {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error(SyntaxErrorKind::UnexpectedEnd));
            };
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.error(SyntaxErrorKind::InvalidEscape)),
            };
            value = value * 16 + u32::from(digit);
            self.pos += 1;
        }
        Ok(value)
    }

    /// Reads a number (the current byte must be `-` or a digit) by the RFC 8259 grammar.
    #[inline]
    pub fn number(&mut self) -> Result<NumberToken<'a>> {
        self.skip_whitespace();
        let start = self.pos;
        let b = self.bytes;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i = digits_end(b, i + 1),
            _ => {
                self.pos = i;
                return Err(self.error(SyntaxErrorKind::InvalidNumber));
            }
        }
        let mut is_integer = true;
        if b.get(i) == Some(&b'.') {
            is_integer = false;
            i += 1;
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                self.pos = i;
                return Err(self.error(SyntaxErrorKind::InvalidNumber));
            }
            i = digits_end(b, i);
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            is_integer = false;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                self.pos = i;
                return Err(self.error(SyntaxErrorKind::InvalidNumber));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        // A number must end at a delimiter: `01` or `1x` are not numbers.
        if let Some(&next) = b.get(i)
            && !matches!(next, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
        {
            self.pos = i;
            return Err(self.error(SyntaxErrorKind::InvalidNumber));
        }
        self.pos = i;
        Ok(NumberToken {
            text: b.get(start..i).unwrap_or_default(),
            is_integer,
        })
    }

    /// Reads `true` or `false`.
    pub fn boolean(&mut self) -> Result<bool> {
        self.skip_whitespace();
        if self.literal(b"true") {
            Ok(true)
        } else if self.literal(b"false") {
            Ok(false)
        } else {
            Err(self.unexpected())
        }
    }

    /// Reads `null`.
    pub fn null(&mut self) -> Result<()> {
        self.skip_whitespace();
        if self.literal(b"null") {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word) {
            // A literal must end at a delimiter too (`nullx` is not `null`).
            match self.bytes.get(self.pos + word.len()) {
                None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') => {
                    self.pos += word.len();
                    true
                }
                Some(_) => false,
            }
        } else {
            false
        }
    }

    fn unexpected(&self) -> SyntaxError {
        match self.bytes.get(self.pos) {
            Some(&b) => self.error(SyntaxErrorKind::UnexpectedByte(b)),
            None => self.error(SyntaxErrorKind::UnexpectedEnd),
        }
    }

    /// Checks and skips one whole value of any kind at nesting `depth` (the caller's depth; the
    /// record object is depth 1), including duplicate keys in every nested object.
    pub fn skip_value(&mut self, depth: usize, scratch: &mut Vec<u8>) -> Result<()> {
        match self.peek() {
            Peek::String => self.string(scratch).map(|_| ()),
            Peek::Number => self.number().map(|_| ()),
            Peek::Bool => self.boolean().map(|_| ()),
            Peek::Null => self.null(),
            Peek::Object => {
                if depth >= MAX_DEPTH {
                    return Err(self.error(SyntaxErrorKind::TooDeep));
                }
                self.pos += 1;
                // Keys of this object, kept only to detect duplicates (a rare, slow path:
                // objects never appear in a valid record's columns).
                let mut keys = KeySet::new();
                let mut first = true;
                while self.next_member(first)? {
                    first = false;
                    let key_offset = self.pos;
                    let key = match self.member_name(scratch)? {
                        Some(raw) => raw,
                        None => scratch.as_slice(),
                    };
                    if !keys.insert(key) {
                        return Err(SyntaxError {
                            offset: key_offset,
                            kind: SyntaxErrorKind::DuplicateKey(
                                String::from_utf8_lossy(key).into_owned(),
                            ),
                        });
                    }
                    self.skip_value(depth + 1, scratch)?;
                }
                Ok(())
            }
            Peek::Array => {
                if depth >= MAX_DEPTH {
                    return Err(self.error(SyntaxErrorKind::TooDeep));
                }
                self.pos += 1;
                self.skip_whitespace();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(());
                }
                loop {
                    self.skip_value(depth + 1, scratch)?;
                    self.skip_whitespace();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(());
                        }
                        Some(&b) => return Err(self.error(SyntaxErrorKind::UnexpectedByte(b))),
                        None => return Err(self.error(SyntaxErrorKind::UnexpectedEnd)),
                    }
                }
            }
            Peek::Invalid(b) => Err(self.error(SyntaxErrorKind::UnexpectedByte(b))),
            Peek::End => Err(self.error(SyntaxErrorKind::UnexpectedEnd)),
        }
    }
}

/// Where a string's decoded text goes (see `Scanner::decode_rest`): its bytes (`Vec<u8>`,
/// decoding) or only its length ([`Measure`]).
pub trait Decoded {
    /// A 16-byte step of the raw text of which the first `run` bytes are plain ASCII text.
    fn step(&mut self, step: &[u8; 16], run: usize);
    /// A raw run of text; `high`: it holds bytes >= 0x80 (UTF-8 not checked yet).
    fn raw(&mut self, bytes: &[u8], high: bool);
    /// The ASCII byte a simple escape stands for.
    fn byte(&mut self, byte: u8);
    /// The character a `\u` escape stands for.
    fn char(&mut self, c: char);
}

impl Decoded for Vec<u8> {
    #[inline]
    fn step(&mut self, step: &[u8; 16], run: usize) {
        self.extend_from_slice(step);
        self.truncate(self.len() - 16 + run);
    }

    #[inline]
    fn raw(&mut self, bytes: &[u8], _high: bool) {
        self.extend_from_slice(bytes);
    }

    #[inline]
    fn byte(&mut self, byte: u8) {
        self.push(byte);
    }

    #[inline]
    fn char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

/// A decoded string's length, in bytes and in characters (see [`Scanner::measure_string`]),
/// and whether its raw runs were valid UTF-8 (escapes always decode to valid UTF-8, and a raw
/// run between them ends at an ASCII byte, so the text is valid exactly when every run is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// Bytes of the decoded text.
    pub bytes: usize,
    /// Characters of the decoded text.
    pub chars: usize,
    /// Whether every raw run was valid UTF-8.
    valid: bool,
}

impl Default for Measure {
    fn default() -> Measure {
        Measure {
            bytes: 0,
            chars: 0,
            valid: true,
        }
    }
}

impl Decoded for Measure {
    #[inline]
    fn step(&mut self, _step: &[u8; 16], run: usize) {
        self.bytes += run;
        self.chars += run;
    }

    #[inline]
    fn raw(&mut self, bytes: &[u8], high: bool) {
        self.bytes += bytes.len();
        if high {
            self.valid &= std::str::from_utf8(bytes).is_ok();
            self.chars += crate::plan::count_chars(bytes);
        } else {
            self.chars += bytes.len();
        }
    }

    #[inline]
    fn byte(&mut self, _byte: u8) {
        self.bytes += 1;
        self.chars += 1;
    }

    #[inline]
    fn char(&mut self, c: char) {
        self.bytes += c.len_utf8();
        self.chars += 1;
    }
}

/// The bytes after a backslash that make a simple escape (`"`, `\\`, `/`, `b`, `f`, `n`, `r`,
/// `t`), as bits of a 128-bit word.
const SIMPLE_ESCAPES: u128 = (1 << b'"')
    | (1 << b'\\')
    | (1 << b'/')
    | (1 << b'b')
    | (1 << b'f')
    | (1 << b'n')
    | (1 << b'r')
    | (1 << b't');

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The index of the first byte at or after `start` that is not an ASCII digit, or `bytes.len()`.
///
/// Eight bytes at a time: with the high bits cleared, adding `0x80 - b'0'` sets a byte's high
/// bit when it is `>= b'0'` and adding `0x7F - b'9'` when it is `> b'9'`, with no carry between
/// bytes; a byte whose own high bit was set is not a digit either.
#[inline]
pub fn digits_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let low = w & !HIGHS;
        let digit = low.wrapping_add(ONES * (0x80 - u64::from(b'0')))
            & !low.wrapping_add(ONES * (0x7F - u64::from(b'9')))
            & !w;
        let other = !digit & HIGHS;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while matches!(bytes.get(i), Some(b'0'..=b'9')) {
        i += 1;
    }
    i
}

/// The index of the first `"`, `\` or control byte (< 0x20) at or after `start` (or
/// `bytes.len()`), and whether a byte >= 0x80 came before it.
///
/// Sixteen bytes (two words) per step while they last, then eight, then one at a time. A word's
/// stops are found with two "has a byte less than" tests instead of three: `x ^ 0x02` is below
/// `0x21` exactly when `x` is a control byte or `"` (`0x22 ^ 0x02 = 0x20`, and flipping bit 1
/// keeps `0x00..=0x1F` inside itself), and `x ^ b'\\'` is below 1 exactly when `x` is `\`.
#[inline]
pub fn scan_string(bytes: &[u8], start: usize) -> (usize, bool) {
    let mut i = start;
    let mut high = 0u64;
    while let Some(chunk) = bytes.get(i..i + 16) {
        let (a, b) = chunk.split_at(8);
        let (wa, wb) = (load_word(a), load_word(b));
        let (ha, hb) = (string_stops(wa), string_stops(wb));
        if ha | hb != 0 {
            let (w, hits, at) = if ha != 0 {
                (wa, ha, i)
            } else {
                high |= wa;
                (wb, hb, i + 8)
            };
            return finish_scan(w, hits, at, high);
        }
        high |= wa | wb;
        i += 16;
    }
    while let Some(chunk) = bytes.get(i..i + 8) {
        let w = load_word(chunk);
        let hits = string_stops(w);
        if hits != 0 {
            return finish_scan(w, hits, i, high);
        }
        high |= w;
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return (i, high & HIGHS != 0);
        }
        high |= u64::from(b);
        i += 1;
    }
    (bytes.len(), high & HIGHS != 0)
}

/// The index of the first byte at or after `start` that is `"`, `\`, a control byte (< 0x20) or
/// not ASCII (>= 0x80), or `bytes.len()`: where a plain ASCII string stops.
///
/// Sixteen bytes per step with SSE2 (`ascii_stops16`) while they last, then eight (a word,
/// `ascii_stops`), then one at a time. The string's closing quote is rarely within 16 bytes of
/// the record's end, so the slower steps are rare.
#[inline]
pub fn ascii_string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while let Some(chunk) = bytes.get(i..i + 16) {
        let stops = ascii_stops16(chunk);
        if stops != 0 {
            return i + stops.trailing_zeros() as usize;
        }
        i += 16;
    }
    if let Some(chunk) = bytes.get(i..i + 8) {
        let hits = ascii_stops(load_word(chunk));
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || !(0x20..0x80).contains(&b) {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// Bit `k` is set when byte `k` of the 16-byte `chunk` is `"`, `\`, a control byte or >= 0x80.
/// One signed comparison finds both of the last two: as `i8`, a byte >= 0x80 is negative, so
/// below 0x20 like a control byte. `wide` gives SSE2 without `unsafe`, which the workspace
/// forbids and `core::arch` calls need. Against the two-word SWAR step this replaced, the
/// bench's `--jobs 1` run took 630 ms instead of 659 (fastest of nine, taking turns).
#[inline]
fn ascii_stops16(chunk: &[u8]) -> u32 {
    use wide::{CmpEq, CmpLt, i8x16};
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(chunk);
    let v: i8x16 = bytemuck::cast(bytes);
    let stops = v.cmp_eq(i8x16::splat(b'"' as i8))
        | v.cmp_eq(i8x16::splat(b'\\' as i8))
        | v.cmp_lt(i8x16::splat(0x20));
    stops.move_mask() as u32
}

/// The high bit of the lowest byte of `w` that is `"`, `\`, a control byte or >= 0x80 is set,
/// and no lower bit. Below that byte every byte `x` is in `0x20..0x80` and neither `"` nor `\`,
/// so `x ^ 0x02` is in `0x21..0x80` and `x ^ b'\\'` in `1..0x80`: subtracting `0x21` and `1`
/// neither borrows nor sets a high bit. At the stop, a control byte or `"` (`x ^ 0x02 < 0x21`)
/// or `\` (`x ^ b'\\' = 0`) borrows and sets it, and a byte >= 0x80 has it already.
#[inline]
fn ascii_stops(w: u64) -> u64 {
    let quote_or_control = w ^ (ONES * 0x02);
    let backslash = w ^ (ONES * u64::from(b'\\'));
    (quote_or_control.wrapping_sub(ONES * 0x21) | backslash.wrapping_sub(ONES) | w) & HIGHS
}

/// An 8-byte chunk as a little-endian word.
#[inline]
fn load_word(chunk: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(chunk);
    u64::from_le_bytes(word)
}

/// The high bit of the lowest byte of `w` that is `"`, `\` or a control byte is set, and no
/// lower bit (false positives only appear above a true match).
#[inline]
fn string_stops(w: u64) -> u64 {
    let quote_or_control = w ^ (ONES * 0x02);
    let backslash = w ^ (ONES * u64::from(b'\\'));
    ((quote_or_control.wrapping_sub(ONES * 0x21) & !quote_or_control)
        | (backslash.wrapping_sub(ONES) & !backslash))
        & HIGHS
}

/// The stop at the lowest hit of word `w` (at index `at`), and whether a byte >= 0x80 came
/// before it (in `high`, the earlier words, or the bytes of `w` below the stop).
#[inline]
fn finish_scan(w: u64, hits: u64, at: usize, high: u64) -> (usize, bool) {
    let stop = (hits.trailing_zeros() / 8) as usize;
    let before = if stop == 0 {
        0
    } else {
        w & (u64::MAX >> (64 - 8 * stop))
    };
    (at + stop, (high | before) & HIGHS != 0)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn string_of(input: &str) -> Result<String> {
        let mut scratch = Vec::new();
        let mut s = Scanner::new(input.as_bytes());
        let raw = s.string(&mut scratch)?;
        let bytes = raw.map(<[u8]>::to_vec).unwrap_or(scratch);
        Ok(String::from_utf8(bytes).unwrap_or_default())
    }

    fn skip(input: &str) -> Result<()> {
        let mut s = Scanner::new(input.as_bytes());
        let mut scratch = Vec::new();
        s.skip_value(1, &mut scratch)?;
        if s.at_end_after_whitespace() {
            Ok(())
        } else {
            Err(s.error(SyntaxErrorKind::TrailingCharacters))
        }
    }

    #[test]
    fn strings_decode_every_escape() {
        assert_eq!(string_of(r#""plain""#).as_deref(), Ok("plain"));
        assert_eq!(
            string_of(r#""a\"b\\c\/d\be\ff\ng\rh\ti""#).as_deref(),
            Ok("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti")
        );
        assert_eq!(string_of(r#""\u00e9\u20AC""#).as_deref(), Ok("é€"));
        assert_eq!(string_of(r#""x\ud83d\ude00y""#).as_deref(), Ok("x😀y"));
        assert_eq!(string_of("\"é😀\"").as_deref(), Ok("é😀"));
    }

    #[test]
    fn strings_reject_what_json_forbids() {
        let kind = |s: &str| string_of(s).map_err(|e| e.kind);
        assert_eq!(kind(r#""\ud83d""#), Err(SyntaxErrorKind::LoneSurrogate));
        assert_eq!(kind(r#""\ud83dx""#), Err(SyntaxErrorKind::LoneSurrogate));
        assert_eq!(kind(r#""\ude00""#), Err(SyntaxErrorKind::LoneSurrogate));
        assert_eq!(
            kind(r#""\ud83d\u0041""#),
            Err(SyntaxErrorKind::LoneSurrogate)
        );
        assert_eq!(kind(r#""\x41""#), Err(SyntaxErrorKind::InvalidEscape));
        assert_eq!(kind(r#""\u12g4""#), Err(SyntaxErrorKind::InvalidEscape));
        assert_eq!(
            kind("\"a\tb\""),
            Err(SyntaxErrorKind::ControlCharacter(b'\t'))
        );
        assert_eq!(
            kind("\"aaaaaaaaaa\u{1}\""),
            Err(SyntaxErrorKind::ControlCharacter(1))
        );
        assert_eq!(kind(r#""abc"#), Err(SyntaxErrorKind::UnexpectedEnd));
        assert_eq!(kind(r#""ab\"#), Err(SyntaxErrorKind::UnexpectedEnd));
    }

    #[test]
    fn scan_string_matches_a_byte_loop_for_every_byte_at_every_position() {
        let reference = |bytes: &[u8]| {
            let stop = bytes
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(bytes.len());
            (stop, bytes[..stop].iter().any(|&b| b >= 0x80))
        };
        for len in 0..40 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(scan_string(&bytes, 0), reference(&bytes), "{len} {at} {b}");
                    if at + 1 < len {
                        bytes[at + 1] = 0xC3;
                        assert_eq!(scan_string(&bytes, 0), reference(&bytes), "{len} {at} {b}");
                        bytes[len - 1] = b'"';
                        assert_eq!(scan_string(&bytes, 0), reference(&bytes), "{len} {at} {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn ascii_string_end_matches_a_byte_loop_for_every_byte_at_every_position() {
        let reference = |bytes: &[u8]| {
            bytes
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || !b.is_ascii() || b < 0x20)
                .unwrap_or(bytes.len())
        };
        for len in 0..40 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(
                        ascii_string_end(&bytes, 0),
                        reference(&bytes),
                        "{len} {at} {b}"
                    );
                    if at + 1 < len {
                        bytes[at + 1] = b'"';
                        assert_eq!(
                            ascii_string_end(&bytes, 0),
                            reference(&bytes),
                            "{len} {at} {b}"
                        );
                        bytes[len - 1] = 0x1F;
                        assert_eq!(
                            ascii_string_end(&bytes, 0),
                            reference(&bytes),
                            "{len} {at} {b}"
                        );
                    }
                }
            }
        }
    }

    /// Number texts at the edges every integer reader must get right: signs, leading zeros,
    /// fractions, exponents and the `i64` bounds ±1. Shared with the JSONL walker's fast-path
    /// tests.
    pub(crate) const NUMBER_EDGES: &[&str] = &[
        "0",
        "-0",
        "01",
        "1.",
        "1e5",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "1234567890123456789",
        "12345678901234567890",
    ];

    /// Every fast path agrees with the general reader it stands in for: when it takes a token,
    /// the general reader takes the same one; when it declines, it moves nothing.
    #[test]
    fn fast_paths_agree_with_the_general_readers() {
        let mut scratch = Vec::new();
        let more = [
            "-01",
            "1.5",
            "1E+5",
            "-",
            "--1",
            "+1",
            "7",
            "170000000024925",
            "1x",
        ];
        let numbers: Vec<&str> = NUMBER_EDGES.iter().chain(&more).copied().collect();
        let strings = [
            r#""""#,
            r#""plain""#,
            r#""a\"b""#,
            r#""\u0041""#,
            "\"caf\u{e9}\"",
            "\"a\tb\"",
            r#""unterminated"#,
            r#""sixteen bytes ok, then more than sixteen""#,
        ];
        for token in numbers.iter().chain(&strings) {
            for prefix in ["", " "] {
                for suffix in ["", ",", "}", "]", " ,", "x", "\"", ":"] {
                    let input = format!("{prefix}{token}{suffix}");
                    let mut fast = Scanner::new(input.as_bytes());
                    let mut general = fast.clone();
                    if let Some(text) = fast.plain_integer() {
                        let n = general.number();
                        assert_eq!(
                            n.map(|n| (n.text, n.is_integer)),
                            Ok((text, true)),
                            "{input}"
                        );
                        assert_eq!(fast.offset(), general.offset(), "{input}");
                        assert!(matches!(
                            input.as_bytes().get(fast.offset()),
                            Some(b',' | b'}')
                        ));
                    } else {
                        assert_eq!(fast.offset(), 0, "{input}");
                    }
                    let mut fast = Scanner::new(input.as_bytes());
                    let mut general = fast.clone();
                    if let Some((start, text)) = fast.plain_ascii_string() {
                        let s = general.string(&mut scratch);
                        assert_eq!(s, Ok(Some(text)), "{input}");
                        assert_eq!(Some(text), input.as_bytes().get(start..start + text.len()));
                        assert_eq!(fast.offset(), general.offset(), "{input}");
                        assert!(text.is_ascii(), "{input}");
                    } else {
                        assert_eq!(fast.offset(), 0, "{input}");
                        let plain = general.string(&mut scratch).ok().flatten();
                        assert!(
                            prefix == " " || plain.is_none_or(|raw| !raw.is_ascii()),
                            "{input}"
                        );
                    }
                }
            }
        }
    }

    /// Measuring a string agrees with decoding it: it succeeds exactly when decoding does,
    /// with the decoded text's bytes and characters, and moves nothing when it fails; on every
    /// string of up to four pieces over escapes, raw UTF-8, invalid bytes, control bytes and
    /// runs longer than a 16-byte step.
    #[test]
    fn measuring_agrees_with_decoding() {
        let pieces: [&[u8]; 14] = [
            b"a",
            b"/courses/170000000000764/modules",
            b"\\/",
            b"\\u00e9",
            b"\\ud83d\\ude00",
            b"\\ud800",
            b"\\\"",
            b"\\\\",
            b"\\n",
            b"\\x",
            "caf\u{e9}".as_bytes(),
            b"\xff",
            b"\x01",
            b"\xe2\x82",
        ];
        let mut checked = 0;
        // Prefixes that put the pieces at every offset of the measuring's 16-byte steps,
        // escapes split across two steps included.
        let mut stack: Vec<(Vec<u8>, usize)> = (0..17)
            .map(|n| (b"a".repeat(n), usize::from(n > 0)))
            .collect();
        while let Some((body, depth)) = stack.pop() {
            for close in [true, false] {
                let mut input = b"\"".to_vec();
                input.extend_from_slice(&body);
                if close {
                    input.extend_from_slice(b"\",");
                }
                let mut scratch = Vec::new();
                let mut general = Scanner::new(&input);
                let decoded = match general.string(&mut scratch) {
                    Ok(Some(raw)) => Some(raw.to_vec()),
                    Ok(None) => Some(scratch.clone()),
                    Err(_) => None,
                };
                let mut fast = Scanner::new(&input);
                let measured = fast.measure_string();
                let expected = decoded
                    .as_ref()
                    .map(|d| (d.len(), crate::plan::count_chars(d)));
                assert_eq!(
                    measured.map(|m| (m.bytes, m.chars)),
                    expected,
                    "{}",
                    String::from_utf8_lossy(&input)
                );
                let end = if measured.is_some() {
                    general.offset()
                } else {
                    0
                };
                assert_eq!(fast.offset(), end, "{}", String::from_utf8_lossy(&input));
                checked += 1;
            }
            if depth < 4 {
                for piece in pieces {
                    let mut longer = body.clone();
                    longer.extend_from_slice(piece);
                    stack.push((longer, depth + 1));
                }
            }
        }
        assert!(checked > 150_000, "{checked}");
    }

    #[test]
    fn strings_must_be_utf8() {
        let mut scratch = Vec::new();
        for (input, ok) in [
            (&b"\"caf\xc3\xa9\""[..], true),
            (b"\"caf\xc3\"", false),
            (b"\"\xff\"", false),
            (b"\"aaaaaaaaaaaaaaaa\xed\xa0\x80\"", false),
            (b"\"\\n\xffxx\"", false),
            (b"\"\\n\xc3\xa9\"", true),
            // Raw runs around escapes: before, between, after, and longer than a 16-byte step.
            (b"\"\xff\\n\"", false),
            (b"\"\\u00e9\\/\xc3\"", false),
            (
                b"\"\\/aaaaaaaaaaaaaaaaaaaa\xc3\xa9\\/aaaaaaaaaaaaaaaaaaaa\"",
                true,
            ),
            (
                b"\"\\/aaaaaaaaaaaaaaaaaaaa\xc3\\/aaaaaaaaaaaaaaaaaaaa\"",
                false,
            ),
            (b"\"\\/courses\\/1\\u00e9\"", true),
        ] {
            let mut s = Scanner::new(input);
            let result = s.string(&mut scratch).map(|_| ());
            assert_eq!(result.is_ok(), ok, "{input:?}");
            if !ok {
                assert_eq!(
                    result.map_err(|e| e.kind),
                    Err(SyntaxErrorKind::InvalidUtf8)
                );
            }
        }
        for len in 0..20 {
            let mut bytes = vec![b'a'; len];
            bytes.push(b'"');
            bytes.push(0xff);
            assert_eq!(scan_string(&bytes, 0), (len, false));
            bytes.insert(0, 0xc3);
            assert_eq!(scan_string(&bytes, 0), (len + 1, true));
        }
    }

    #[test]
    fn digit_runs_end_at_every_position() {
        for len in 0..20 {
            for stop in [b',', b'/', b':', b'.', 0x80 | b'0', 0xFF, b'e', 0x00] {
                let mut bytes = vec![b'7'; len];
                bytes.push(stop);
                bytes.extend_from_slice(b"0123456789");
                assert_eq!(digits_end(&bytes, 0), len, "{len} {stop}");
            }
            assert_eq!(digits_end(&vec![b'0'; len], 0), len);
        }
    }

    #[test]
    fn numbers_follow_the_rfc_grammar() {
        let mut scratch = Vec::new();
        for ok in [
            "0",
            "-0",
            "12",
            "-12",
            "1.5",
            "1e5",
            "1E+5",
            "1e-5",
            "-0.0e0",
            "123456789012345678901234567890",
        ] {
            let mut s = Scanner::new(ok.as_bytes());
            let n = s.number();
            assert!(n.is_ok(), "{ok}");
            assert!(s.at_end_after_whitespace());
        }
        for bad in [
            "01", "-", "+1", ".5", "1.", "1e", "1e+", "--1", "1x", "0x10", "-a",
        ] {
            let mut s = Scanner::new(bad.as_bytes());
            assert!(
                s.skip_value(1, &mut scratch).is_err() || !s.at_end_after_whitespace(),
                "{bad}"
            );
        }
        let mut s = Scanner::new(b"42");
        assert_eq!(s.number().map(|n| n.is_integer), Ok(true));
        let mut s = Scanner::new(b"4.0");
        assert_eq!(s.number().map(|n| n.is_integer), Ok(false));
        let mut s = Scanner::new(b"4e0");
        assert_eq!(s.number().map(|n| n.is_integer), Ok(false));
    }

    #[test]
    fn values_are_checked_whole() {
        assert!(skip(r#"{"a":[1,2,{"b":null}],"c":true,"d":false,"e":"x"}"#).is_ok());
        assert!(skip(" [ ] ").is_ok());
        assert!(skip("{}").is_ok());
        assert_eq!(
            skip(r#"{"a":1,"a":2}"#).map_err(|e| e.kind),
            Err(SyntaxErrorKind::DuplicateKey("a".into()))
        );
        assert_eq!(
            skip(r#"{"a":{"b":1,"\u0062":2}}"#).map_err(|e| e.kind),
            Err(SyntaxErrorKind::DuplicateKey("b".into()))
        );
        for bad in [
            "[1,]",
            "{\"a\":1,}",
            "{,}",
            "[1 2]",
            "{\"a\" 1}",
            "nul",
            "tru",
            "nullx",
            "{\"a\":1",
            "[",
            "{1:2}",
        ] {
            assert!(skip(bad).is_err(), "{bad}");
        }
        let deep_ok = format!("{}{}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert!(skip(&deep_ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(
            skip(&deep).map_err(|e| e.kind),
            Err(SyntaxErrorKind::TooDeep)
        );
    }
}
