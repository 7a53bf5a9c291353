//! A column chunk's values, decoded from its pages without a per-value allocation or refcount.
//!
//! The `parquet` crate's column readers hand text out as one `ByteArray` per value, each a
//! refcounted `Bytes` (its clone and drop were 15% of a Parquet run, its dictionary gather 4%).
//! Here the pages come from `pages.rs` (read and decompressed there for snappy and
//! uncompressed chunks, by the crate's page reader for other codecs) and their bodies are
//! decoded in place: definition levels, then values as typed numbers or as spans into the
//! page's (or its dictionary page's) buffer, each text value with its hash and UTF-8 verdict.
//!
//! Decisions:
//!
//! - **Encodings decoded here**: `PLAIN` (every physical type), `PLAIN_DICTIONARY` and
//!   `RLE_DICTIONARY` (dictionary pages `PLAIN`), `RLE` booleans, definition levels `RLE` and
//!   the legacy `BIT_PACKED`, data pages v1 and v2. These are what Spark, Databricks, DuckDB,
//!   pyarrow and parquet-rs write by default.
//! - **The rest** (`DELTA_BINARY_PACKED`, `DELTA_LENGTH_BYTE_ARRAY`, `DELTA_BYTE_ARRAY`,
//!   `BYTE_STREAM_SPLIT`; a writer's v2 settings) go through the crate's column reader, chosen
//!   per column chunk from the encodings its metadata lists, and land in the same
//!   [`Decoded`] form (text copied into one buffer per chunk): one row path after decoding.
//! - **Hostile pages** are errors, never panics or unbounded allocations: every read is
//!   bounds-checked, a run or dictionary longer than its bytes is corrupt, vectors grow with
//!   the bytes actually present.

use super::pages::{PageKind, PageSource, RawPage};
use crate::dedup::record_hash;
use bytes::Bytes;
use parquet::basic::{Encoding, Type as PhysicalType};
use parquet::column::reader::ColumnReader;
use parquet::data_type::{ByteArray, FixedLenByteArray, Int96};
use std::io;

fn corrupt(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

fn parquet_error(error: &parquet::errors::ParquetError) -> io::Error {
    super::parquet_error(error)
}

/// Text values of one column in one chunk: spans into buffers the chunk keeps alive (pages,
/// dictionary pages, or a copy), no refcount per value.
#[derive(Default)]
pub struct TextValues {
    bufs: Vec<Bytes>,
    spans: Vec<TextSpan>,
}

/// One text value: where it is, its hash (what the duplicate check mixes into its row's) and
/// whether it is UTF-8, found by the decoder (once per dictionary entry for a dictionary's).
#[derive(Debug, Clone, Copy, Default)]
struct TextSpan {
    hash: u64,
    buf: u32,
    start: u32,
    end: u32,
    utf8: bool,
}

impl TextSpan {
    /// A `FIXED_LEN_BYTE_ARRAY` value (a uuid: kept as a number, never read as text, so
    /// neither hashed nor tested) of `width` bytes from byte `from` of buffer `id`.
    #[inline]
    fn fixed(id: u32, from: usize, width: usize) -> TextSpan {
        TextSpan {
            hash: 0,
            buf: id,
            start: from as u32,
            end: (from + width) as u32,
            utf8: true,
        }
    }

    /// `buf[start..end]` of buffer `id`, hashed and tested (no UTF-8 test when `ascii`: its
    /// buffer is all ASCII).
    #[inline]
    fn of(id: u32, buf: &[u8], start: u32, end: u32, ascii: bool) -> TextSpan {
        let text = buf.get(start as usize..end as usize).unwrap_or_default();
        TextSpan {
            hash: record_hash(text),
            buf: id,
            start,
            end,
            utf8: ascii || text.is_ascii() || std::str::from_utf8(text).is_ok(),
        }
    }
}

impl TextValues {
    fn clear(&mut self) {
        self.bufs.clear();
        self.spans.clear();
    }

    /// Keeps `buf` alive for this chunk; its number for spans.
    fn keep(&mut self, buf: &Bytes) -> u32 {
        self.bufs.push(buf.clone());
        (self.bufs.len() - 1) as u32
    }

    /// Value `k`.
    #[inline]
    pub fn get(&self, k: usize) -> Option<&[u8]> {
        let span = self.spans.get(k)?;
        self.bufs
            .get(span.buf as usize)?
            .get(span.start as usize..span.end as usize)
    }

    /// Value `k`, its hash, and whether it is UTF-8.
    #[inline]
    pub fn get_checked(&self, k: usize) -> Option<(&[u8], u64, bool)> {
        let span = self.spans.get(k)?;
        let text = self
            .bufs
            .get(span.buf as usize)?
            .get(span.start as usize..span.end as usize)?;
        Some((text, span.hash, span.utf8))
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }
}

/// One chunk of a column: definition levels (one per row; empty when the column cannot be
/// null) and the present values, in the vector of the column's kind.
#[derive(Default)]
pub struct Decoded {
    pub def: Vec<i16>,
    pub bools: Vec<bool>,
    /// `INT32` (widened) and `INT64`.
    pub ints: Vec<i64>,
    /// `INT96`: nanoseconds of the day (low, high 32 bits), Julian day.
    pub int96: Vec<[u32; 3]>,
    /// `BYTE_ARRAY` and `FIXED_LEN_BYTE_ARRAY`.
    pub text: TextValues,
}

impl Decoded {
    fn clear(&mut self) {
        self.def.clear();
        self.bools.clear();
        self.ints.clear();
        self.int96.clear();
        self.text.clear();
    }

    /// How many values (not NULLs) the chunk holds.
    pub fn values(&self) -> usize {
        self.bools.len() + self.ints.len() + self.int96.len() + self.text.len()
    }
}

/// The physical kinds of value read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Int32,
    Int64,
    Int96,
    Bytes,
    Fixed(usize),
}

/// A column chunk's reader: pages decoded here, or the crate's column reader.
pub enum ColumnDecoder {
    Pages(Box<PageDecoder>),
    Crate(Box<CrateDecoder>),
}

impl ColumnDecoder {
    /// The decoder for column `index` of `group`: pages decoded here when every encoding the
    /// chunk lists is one of ours.
    pub fn new(
        group: &dyn parquet::file::reader::RowGroupReader,
        index: usize,
        max_def: i16,
        bytes: ChunkBytes<'_>,
    ) -> io::Result<ColumnDecoder> {
        let meta = group.metadata().column(index);
        let descriptor = meta.column_descr();
        let kind = match descriptor.physical_type() {
            PhysicalType::BOOLEAN => Some(Kind::Bool),
            PhysicalType::INT32 => Some(Kind::Int32),
            PhysicalType::INT64 => Some(Kind::Int64),
            PhysicalType::INT96 => Some(Kind::Int96),
            PhysicalType::BYTE_ARRAY => Some(Kind::Bytes),
            PhysicalType::FIXED_LEN_BYTE_ARRAY => usize::try_from(descriptor.type_length())
                .ok()
                .map(Kind::Fixed),
            PhysicalType::FLOAT | PhysicalType::DOUBLE => None,
        };
        #[allow(deprecated)] // BIT_PACKED: legacy definition levels, decoded here.
        let ours = meta.encodings().all(|e| {
            matches!(
                e,
                Encoding::PLAIN
                    | Encoding::PLAIN_DICTIONARY
                    | Encoding::RLE_DICTIONARY
                    | Encoding::RLE
                    | Encoding::BIT_PACKED
            )
        });
        match kind {
            Some(kind) if ours => {
                let pages = if super::pages::reads_own(meta.compression()) {
                    let (start, len) = meta.byte_range();
                    let len = usize::try_from(len)
                        .map_err(|_| corrupt("a column chunk is larger than memory"))?;
                    let snappy = meta.compression() == parquet::basic::Compression::SNAPPY;
                    match bytes {
                        ChunkBytes::File(file) => PageSource::from_file(file, start, len, snappy)?,
                        ChunkBytes::Memory(all) => {
                            let start = usize::try_from(start).unwrap_or(usize::MAX);
                            let end = start
                                .checked_add(len)
                                .filter(|&end| end <= all.len())
                                .ok_or_else(|| {
                                    corrupt("a column chunk lies past the file's end")
                                })?;
                            PageSource::Own {
                                chunk: all.slice(start..end),
                                at: 0,
                                snappy,
                                file: None,
                            }
                        }
                    }
                } else {
                    PageSource::Crate(
                        group
                            .get_column_page_reader(index)
                            .map_err(|e| parquet_error(&e))?,
                    )
                };
                Ok(ColumnDecoder::Pages(Box::new(PageDecoder::new(
                    pages, kind, max_def,
                ))))
            }
            _ => {
                let reader = group
                    .get_column_reader(index)
                    .map_err(|e| parquet_error(&e))?;
                Ok(ColumnDecoder::Crate(Box::new(CrateDecoder {
                    reader,
                    max_def,
                    buffers: CrateBuffers::default(),
                })))
            }
        }
    }

    /// Reads the next `rows` rows into `out` (cleared first). `Err`: the chunk ends early or
    /// cannot be decoded.
    pub fn read(&mut self, rows: usize, out: &mut Decoded) -> io::Result<()> {
        out.clear();
        match self {
            ColumnDecoder::Pages(pages) => pages.read(rows, out),
            ColumnDecoder::Crate(reader) => reader.read(rows, out),
        }
    }
}

/// Where a column chunk's bytes can be read from, for the pages read here.
#[derive(Clone, Copy)]
pub enum ChunkBytes<'a> {
    File(&'a std::fs::File),
    Memory(&'a Bytes),
}

/// The dictionary of a column chunk, decoded once.
enum Dictionary {
    None,
    Bools(Vec<bool>),
    Ints(Vec<i64>),
    Int96(Vec<[u32; 3]>),
    /// The dictionary page's buffer and its entries (spans in buffer 0, hashed and tested).
    Text(Bytes, Vec<TextSpan>),
}

/// How a data page's values are encoded.
enum Values {
    /// `PLAIN`, from this byte (and, for booleans, bit) of the page.
    Plain { at: usize, bit: u8 },
    /// Dictionary indices.
    Dict(Hybrid),
    /// `RLE` booleans.
    Rle(Hybrid),
}

/// The data page being read.
struct DataPage {
    buf: Bytes,
    /// Whether the page is all ASCII (found when a text value is first taken from it): then
    /// so is each value in it, and none needs a UTF-8 test of its own (a page of short values,
    /// length prefixes included, usually is).
    ascii: Option<bool>,
    /// Rows (levels) not yet read.
    left: usize,
    /// Definition levels (`None`: the column cannot be null).
    def: Option<Levels>,
    values: Values,
}

enum Levels {
    Rle(Hybrid),
    /// Legacy `BIT_PACKED`: `width`-bit values from bit `bit` on.
    Packed {
        bit: usize,
        end: usize,
        width: u8,
    },
}

/// A column chunk's pages, decoded here.
pub struct PageDecoder {
    pages: PageSource,
    kind: Kind,
    max_def: i16,
    def_width: u8,
    dictionary: Dictionary,
    page: Option<DataPage>,
}

/// Bits needed for values up to `max`.
fn bit_width(max: u64) -> u8 {
    (64 - max.leading_zeros()) as u8
}

impl PageDecoder {
    fn new(pages: PageSource, kind: Kind, max_def: i16) -> PageDecoder {
        PageDecoder {
            pages,
            kind,
            max_def,
            def_width: bit_width(u64::from(max_def.unsigned_abs())),
            dictionary: Dictionary::None,
            page: None,
        }
    }

    fn read(&mut self, rows: usize, out: &mut Decoded) -> io::Result<()> {
        // This chunk's text spans name these buffers (kept alive by `out`).
        let mut dict_buf: Option<u32> = None;
        let mut page_buf: Option<u32> = None;
        let mut need = rows;
        while need > 0 {
            let page = match &mut self.page {
                Some(page) if page.left > 0 => page,
                _ => {
                    self.next_page()?;
                    page_buf = None;
                    continue;
                }
            };
            let n = need.min(page.left);
            page.left -= n;
            need -= n;
            // Definition levels, and how many of the `n` rows hold a value.
            let present = match &mut page.def {
                None => n,
                Some(levels) => read_levels(levels, &page.buf, n, self.max_def, &mut out.def)?,
            };
            if present == 0 {
                continue;
            }
            let buf = &page.buf;
            match &mut page.values {
                Values::Plain { at, bit } => match self.kind {
                    Kind::Bool => {
                        for _ in 0..present {
                            let byte = buf
                                .get(*at)
                                .ok_or_else(|| corrupt("a boolean page ended early"))?;
                            out.bools.push(byte >> *bit & 1 == 1);
                            *bit += 1;
                            if *bit == 8 {
                                *bit = 0;
                                *at += 1;
                            }
                        }
                    }
                    Kind::Int32 => {
                        let bytes = plain_fixed(buf, at, present, 4)?;
                        out.ints.extend(
                            bytes
                                .chunks_exact(4)
                                .map(|b| i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
                        );
                    }
                    Kind::Int64 => {
                        let bytes = plain_fixed(buf, at, present, 8)?;
                        out.ints.extend(bytes.chunks_exact(8).map(|b| {
                            i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
                        }));
                    }
                    Kind::Int96 => {
                        let bytes = plain_fixed(buf, at, present, 12)?;
                        out.int96.extend(bytes.chunks_exact(12).map(int96));
                    }
                    Kind::Bytes => {
                        let ascii = *page.ascii.get_or_insert_with(|| buf.is_ascii());
                        let id = *page_buf.get_or_insert_with(|| out.text.keep(buf));
                        for _ in 0..present {
                            let (start, end) = plain_text(buf, at)?;
                            out.text
                                .spans
                                .push(TextSpan::of(id, buf, start, end, ascii));
                        }
                    }
                    Kind::Fixed(width) => {
                        let id = *page_buf.get_or_insert_with(|| out.text.keep(buf));
                        let start = *at;
                        plain_fixed(buf, at, present, width)?;
                        out.text.spans.extend(
                            (0..present).map(|i| TextSpan::fixed(id, start + i * width, width)),
                        );
                    }
                },
                Values::Rle(hybrid) => hybrid.fill(buf, present, &mut BoolSink(&mut out.bools))?,
                Values::Dict(hybrid) => match &self.dictionary {
                    Dictionary::None => {
                        return Err(corrupt(
                            "a dictionary-encoded page comes without a dictionary page",
                        ));
                    }
                    Dictionary::Bools(values) => {
                        lookup(hybrid, buf, present, values, |v| v, &mut out.bools)?;
                    }
                    Dictionary::Ints(values) => {
                        lookup(hybrid, buf, present, values, |v| v, &mut out.ints)?;
                    }
                    Dictionary::Int96(values) => {
                        lookup(hybrid, buf, present, values, |v| v, &mut out.int96)?;
                    }
                    Dictionary::Text(dict, entries) => {
                        let id = *dict_buf.get_or_insert_with(|| out.text.keep(dict));
                        let map = |entry: TextSpan| TextSpan { buf: id, ..entry };
                        lookup(hybrid, buf, present, entries, map, &mut out.text.spans)?;
                    }
                },
            }
        }
        Ok(())
    }

    /// Moves to the next data page (decoding a dictionary page on the way).
    fn next_page(&mut self) -> io::Result<()> {
        loop {
            let RawPage { buf, kind } = self
                .pages
                .next()?
                .ok_or_else(|| corrupt("a column chunk holds fewer rows than its row group"))?;
            // A data page's rows, definition levels, and where and how its values start.
            let (rows, def, at, encoding) = match kind {
                // Index pages (never handed over by either source) hold no values.
                PageKind::Other => continue,
                PageKind::Dictionary {
                    num_values,
                    encoding,
                } => {
                    if !matches!(encoding, Encoding::PLAIN | Encoding::PLAIN_DICTIONARY) {
                        return Err(corrupt(format!(
                            "a dictionary page is {encoding}; only PLAIN dictionaries exist"
                        )));
                    }
                    self.dictionary = self.decode_dictionary(buf, num_values as usize)?;
                    continue;
                }
                PageKind::V1 {
                    num_values,
                    encoding,
                    def_encoding,
                } => {
                    let rows = num_values as usize;
                    let (def, at) = if self.max_def > 0 {
                        self.v1_levels(def_encoding, &buf, rows)?
                    } else {
                        (None, 0)
                    };
                    (rows, def, at, encoding)
                }
                PageKind::V2 {
                    num_values,
                    encoding,
                    def_len,
                    rep_len,
                    ..
                } => {
                    let start = rep_len as usize;
                    let end = start
                        .checked_add(def_len as usize)
                        .filter(|&end| end <= buf.len())
                        .ok_or_else(|| corrupt("definition levels past the page"))?;
                    let def = (self.max_def > 0)
                        .then(|| Levels::Rle(Hybrid::new(start, end, self.def_width)));
                    (num_values as usize, def, end, encoding)
                }
            };
            let values = self.values(encoding, &buf, at)?;
            self.page = Some(DataPage {
                buf,
                ascii: None,
                left: rows,
                def,
                values,
            });
            return Ok(());
        }
    }

    /// A v1 page's definition levels (`RLE` with a length, or legacy `BIT_PACKED`) and where
    /// its values start.
    fn v1_levels(
        &self,
        encoding: Encoding,
        buf: &[u8],
        rows: usize,
    ) -> io::Result<(Option<Levels>, usize)> {
        match encoding {
            Encoding::RLE => {
                let len = u32_at(buf, 0)? as usize;
                let end = 4usize
                    .checked_add(len)
                    .filter(|&end| end <= buf.len())
                    .ok_or_else(|| corrupt("definition levels past the page"))?;
                Ok((Some(Levels::Rle(Hybrid::new(4, end, self.def_width))), end))
            }
            #[allow(deprecated)] // legacy levels, still read
            Encoding::BIT_PACKED => {
                let bytes = (rows * usize::from(self.def_width)).div_ceil(8);
                if bytes > buf.len() {
                    return Err(corrupt("definition levels past the page"));
                }
                let levels = Levels::Packed {
                    bit: 0,
                    end: bytes,
                    width: self.def_width,
                };
                Ok((Some(levels), bytes))
            }
            other => Err(corrupt(format!("definition levels encoded as {other}"))),
        }
    }

    /// The value decoder of a data page whose values start at byte `at`.
    fn values(&self, encoding: Encoding, buf: &Bytes, at: usize) -> io::Result<Values> {
        match encoding {
            Encoding::PLAIN => Ok(Values::Plain { at, bit: 0 }),
            Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY => {
                let width = *buf
                    .get(at)
                    .ok_or_else(|| corrupt("a dictionary-encoded page has no bit width"))?;
                if width > 32 {
                    return Err(corrupt(format!("dictionary indices of {width} bits")));
                }
                Ok(Values::Dict(Hybrid::new(at + 1, buf.len(), width)))
            }
            Encoding::RLE if self.kind == Kind::Bool => {
                let len = u32_at(buf, at)? as usize;
                let end = (at + 4)
                    .checked_add(len)
                    .filter(|&end| end <= buf.len())
                    .ok_or_else(|| corrupt("RLE booleans past the page"))?;
                Ok(Values::Rle(Hybrid::new(at + 4, end, 1)))
            }
            other => Err(corrupt(format!(
                "a page's values are {other}, not listed in its column chunk's encodings"
            ))),
        }
    }

    fn decode_dictionary(&self, buf: Bytes, count: usize) -> io::Result<Dictionary> {
        let short = || corrupt("a dictionary page holds fewer values than it says");
        let mut at = 0;
        Ok(match self.kind {
            Kind::Bool => {
                let mut values = Vec::with_capacity(count.min(buf.len() * 8));
                for i in 0..count {
                    let byte = buf.get(i / 8).ok_or_else(short)?;
                    values.push(byte >> (i % 8) & 1 == 1);
                }
                Dictionary::Bools(values)
            }
            Kind::Int32 => Dictionary::Ints(
                plain_fixed(&buf, &mut at, count, 4)?
                    .chunks_exact(4)
                    .map(|b| i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                    .collect(),
            ),
            Kind::Int64 => Dictionary::Ints(
                plain_fixed(&buf, &mut at, count, 8)?
                    .chunks_exact(8)
                    .map(|b| i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
                    .collect(),
            ),
            Kind::Int96 => Dictionary::Int96(
                plain_fixed(&buf, &mut at, count, 12)?
                    .chunks_exact(12)
                    .map(int96)
                    .collect(),
            ),
            Kind::Bytes => {
                let ascii = buf.is_ascii();
                let mut entries = Vec::with_capacity(count.min(buf.len() / 4));
                for _ in 0..count {
                    let (start, end) = plain_text(&buf, &mut at)?;
                    entries.push(TextSpan::of(0, &buf, start, end, ascii));
                }
                Dictionary::Text(buf, entries)
            }
            Kind::Fixed(width) => {
                plain_fixed(&buf, &mut at, count, width)?;
                let entries = (0..count)
                    .map(|i| TextSpan::fixed(0, i * width, width))
                    .collect();
                Dictionary::Text(buf, entries)
            }
        })
    }
}

/// `count` values of `width` bytes from byte `*at` (moved past them).
fn plain_fixed<'b>(
    buf: &'b [u8],
    at: &mut usize,
    count: usize,
    width: usize,
) -> io::Result<&'b [u8]> {
    let end = count
        .checked_mul(width)
        .and_then(|len| at.checked_add(len))
        .filter(|&end| end <= buf.len())
        .ok_or_else(|| corrupt("a page holds fewer values than its levels say"))?;
    let bytes = buf.get(*at..end).unwrap_or_default();
    *at = end;
    Ok(bytes)
}

/// One `PLAIN` byte array at `*at` (moved past it): its span.
#[inline]
fn plain_text(buf: &[u8], at: &mut usize) -> io::Result<(u32, u32)> {
    let len = u32_at(buf, *at)? as usize;
    let start = *at + 4;
    let end = start
        .checked_add(len)
        .filter(|&end| end <= buf.len() && end <= u32::MAX as usize)
        .ok_or_else(|| corrupt("a byte array runs past its page"))?;
    *at = end;
    Ok((start as u32, end as u32))
}

#[inline]
fn u32_at(buf: &[u8], at: usize) -> io::Result<u32> {
    let bytes = buf
        .get(at..at.wrapping_add(4))
        .ok_or_else(|| corrupt("a page ended inside a length"))?;
    Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

fn int96(b: &[u8]) -> [u32; 3] {
    let word = |i: usize| {
        b.get(i * 4..i * 4 + 4)
            .map_or(0, |w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
    };
    [word(0), word(1), word(2)]
}

/// Reads `n` definition levels into `out`; how many are `max` (a value present).
fn read_levels(
    levels: &mut Levels,
    buf: &[u8],
    n: usize,
    max: i16,
    out: &mut Vec<i16>,
) -> io::Result<usize> {
    let mut sink = LevelSink {
        out,
        max,
        present: 0,
    };
    match levels {
        Levels::Rle(hybrid) => hybrid.fill(buf, n, &mut sink)?,
        Levels::Packed { bit, end, width } => {
            let region = buf.get(..*end).unwrap_or_default();
            let w = usize::from(*width);
            if (*bit + n * w).div_ceil(8) > region.len() {
                return Err(corrupt("bit-packed levels run past their page"));
            }
            let mask = (1u64 << w) - 1;
            for i in 0..n {
                let at = *bit + i * w;
                sink.one(((word_at(region, at / 8) >> (at % 8)) & mask) as u32);
            }
            *bit += n * w;
        }
    }
    Ok(sink.present)
}

/// The eight bytes from byte `at` of `buf` (zeros past its end), little-endian.
#[inline]
fn word_at(buf: &[u8], at: usize) -> u64 {
    match buf.get(at..at + 8) {
        Some(b) => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        None => {
            let mut padded = [0u8; 8];
            for (to, from) in padded.iter_mut().zip(buf.get(at..).unwrap_or_default()) {
                *to = *from;
            }
            u64::from_le_bytes(padded)
        }
    }
}

/// Where the hybrid decoder's values go.
trait Sink {
    fn one(&mut self, value: u32);
    /// `value`, `n` times.
    fn run(&mut self, value: u32, n: usize) {
        for _ in 0..n {
            self.one(value);
        }
    }
}

/// Definition levels, counting those at the maximum (a value present).
struct LevelSink<'a> {
    out: &'a mut Vec<i16>,
    max: i16,
    present: usize,
}

impl Sink for LevelSink<'_> {
    #[inline]
    fn one(&mut self, value: u32) {
        let level = value as i16;
        self.present += usize::from(level == self.max);
        self.out.push(level);
    }

    fn run(&mut self, value: u32, n: usize) {
        let level = value as i16;
        if level == self.max {
            self.present += n;
        }
        self.out.extend(std::iter::repeat_n(level, n));
    }
}

/// Values looked up in a dictionary, as `map` makes them (`missing`: an index past its end
/// was met).
struct DictSink<'a, T, U, F> {
    values: &'a [T],
    map: F,
    out: &'a mut Vec<U>,
    missing: bool,
}

impl<T: Copy, U: Copy + Default, F: Fn(T) -> U> DictSink<'_, T, U, F> {
    #[inline]
    fn get(&mut self, index: u32) -> U {
        match self.values.get(index as usize) {
            Some(v) => (self.map)(*v),
            None => {
                self.missing = true;
                U::default()
            }
        }
    }
}

impl<T: Copy, U: Copy + Default, F: Fn(T) -> U> Sink for DictSink<'_, T, U, F> {
    #[inline]
    fn one(&mut self, index: u32) {
        let value = self.get(index);
        self.out.push(value);
    }

    fn run(&mut self, index: u32, n: usize) {
        let value = self.get(index);
        self.out.extend(std::iter::repeat_n(value, n));
    }
}

/// Reads `n` dictionary indices, pushing `map` of their entries to `out`.
fn lookup<T: Copy, U: Copy + Default>(
    hybrid: &mut Hybrid,
    buf: &[u8],
    n: usize,
    values: &[T],
    map: impl Fn(T) -> U,
    out: &mut Vec<U>,
) -> io::Result<()> {
    let mut sink = DictSink {
        values,
        map,
        out,
        missing: false,
    };
    hybrid.fill(buf, n, &mut sink)?;
    if sink.missing {
        return Err(corrupt("a dictionary index is past the dictionary's end"));
    }
    Ok(())
}

/// `RLE` booleans.
struct BoolSink<'a>(&'a mut Vec<bool>);

impl Sink for BoolSink<'_> {
    fn one(&mut self, value: u32) {
        self.0.push(value == 1);
    }
}

/// The RLE / bit-packing hybrid (levels, dictionary indices, RLE booleans) over
/// `buf[at..end]`.
struct Hybrid {
    at: usize,
    end: usize,
    width: u8,
    run: Run,
}

enum Run {
    /// Between runs.
    Next,
    Repeat {
        value: u32,
        left: u32,
    },
    /// `left` values at bit `bit` of the buffer.
    Packed {
        bit: usize,
        left: u32,
    },
}

impl Hybrid {
    fn new(at: usize, end: usize, width: u8) -> Hybrid {
        Hybrid {
            at,
            end,
            width,
            run: Run::Next,
        }
    }

    /// Hands the next `n` values to `sink`, a run at a time.
    fn fill(&mut self, buf: &[u8], n: usize, sink: &mut impl Sink) -> io::Result<()> {
        let region = buf.get(..self.end).unwrap_or_default();
        let width = usize::from(self.width);
        let mut n = n;
        while n > 0 {
            match &mut self.run {
                Run::Repeat { value, left } if *left > 0 => {
                    let take = n.min(*left as usize);
                    sink.run(*value, take);
                    *left -= take as u32;
                    n -= take;
                }
                Run::Packed { bit, left } if *left > 0 => {
                    let take = n.min(*left as usize);
                    let start = *bit;
                    if (start + take * width).div_ceil(8) > region.len() {
                        return Err(corrupt("bit-packed values run past their page"));
                    }
                    if width == 0 {
                        sink.run(0, take);
                    } else {
                        let mask = (1u64 << width) - 1;
                        for i in 0..take {
                            let at = start + i * width;
                            sink.one(((word_at(region, at / 8) >> (at % 8)) & mask) as u32);
                        }
                    }
                    *bit += take * width;
                    *left -= take as u32;
                    n -= take;
                }
                _ => self.start_run(region)?,
            }
        }
        Ok(())
    }

    fn start_run(&mut self, region: &[u8]) -> io::Result<()> {
        let mut header = 0u64;
        let mut shift = 0;
        loop {
            let byte = *region
                .get(self.at)
                .ok_or_else(|| corrupt("RLE-encoded values ended early"))?;
            self.at += 1;
            header |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
            if shift > 35 {
                return Err(corrupt("an RLE run header is too long"));
            }
        }
        let width = usize::from(self.width);
        if header & 1 == 1 {
            let groups = usize::try_from(header >> 1).unwrap_or(usize::MAX);
            // A value past the page's end is an error when it is read, not before (a last
            // run's padding may be cut short).
            let bytes = groups.saturating_mul(width);
            self.run = Run::Packed {
                bit: self.at * 8,
                left: u32::try_from(groups.saturating_mul(8)).unwrap_or(u32::MAX),
            };
            self.at = self.at.saturating_add(bytes).min(region.len());
        } else {
            let count = u32::try_from(header >> 1)
                .map_err(|_| corrupt("an RLE run is longer than a page can be"))?;
            let value_bytes = width.div_ceil(8);
            let bytes = region
                .get(self.at..self.at + value_bytes)
                .ok_or_else(|| corrupt("an RLE run ended early"))?;
            let mut value = 0u32;
            for (i, b) in bytes.iter().enumerate() {
                value |= u32::from(*b) << (8 * i);
            }
            self.at += value_bytes;
            if count == 0 {
                return Err(corrupt("an RLE run of no values"));
            }
            self.run = Run::Repeat { value, left: count };
        }
        Ok(())
    }
}

/// The crate's column reader, for the encodings not decoded here.
pub struct CrateDecoder {
    reader: ColumnReader,
    max_def: i16,
    buffers: CrateBuffers,
}

#[derive(Default)]
struct CrateBuffers {
    i32s: Vec<i32>,
    i96s: Vec<Int96>,
    bytes: Vec<ByteArray>,
    fixed: Vec<FixedLenByteArray>,
}

impl CrateDecoder {
    fn read(&mut self, rows: usize, out: &mut Decoded) -> io::Result<()> {
        let b = &mut self.buffers;
        let def = if self.max_def > 0 {
            Some(&mut out.def)
        } else {
            None
        };
        let read = match &mut self.reader {
            ColumnReader::BoolColumnReader(r) => r.read_records(rows, def, None, &mut out.bools),
            ColumnReader::Int32ColumnReader(r) => {
                b.i32s.clear();
                r.read_records(rows, def, None, &mut b.i32s)
            }
            ColumnReader::Int64ColumnReader(r) => r.read_records(rows, def, None, &mut out.ints),
            ColumnReader::Int96ColumnReader(r) => {
                b.i96s.clear();
                r.read_records(rows, def, None, &mut b.i96s)
            }
            ColumnReader::ByteArrayColumnReader(r) => {
                b.bytes.clear();
                r.read_records(rows, def, None, &mut b.bytes)
            }
            ColumnReader::FixedLenByteArrayColumnReader(r) => {
                b.fixed.clear();
                r.read_records(rows, def, None, &mut b.fixed)
            }
            ColumnReader::FloatColumnReader(_) | ColumnReader::DoubleColumnReader(_) => {
                Ok((rows, 0, 0))
            }
        };
        let (records, _, _) = read.map_err(|e| parquet_error(&e))?;
        if records != rows {
            return Err(corrupt(format!(
                "a column chunk holds {records} rows where its row group says {rows}"
            )));
        }
        out.ints.extend(b.i32s.drain(..).map(i64::from));
        out.int96.extend(b.i96s.drain(..).map(|v| {
            let d = v.data();
            [0, 1, 2].map(|i| d.get(i).copied().unwrap_or(0))
        }));
        // Text copied into one buffer for the chunk.
        let texts: Vec<&[u8]> = if b.bytes.is_empty() {
            b.fixed.iter().map(|v| v.data()).collect()
        } else {
            b.bytes.iter().map(ByteArray::data).collect()
        };
        if !texts.is_empty() {
            let mut copy = Vec::with_capacity(texts.iter().map(|t| t.len()).sum());
            let mut spans = Vec::with_capacity(texts.len());
            for text in texts {
                let start = copy.len() as u32;
                copy.extend_from_slice(text);
                spans.push((start, copy.len() as u32));
            }
            let copy = Bytes::from(copy);
            let id = out.text.keep(&copy);
            out.text.spans.extend(
                spans
                    .into_iter()
                    .map(|(start, end)| TextSpan::of(id, &copy, start, end, false)),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! The decoder against the `parquet` crate's own column readers, on files the crate's
    //! writer makes in every page version, encoding and dictionary state a writer chooses.
    use super::*;
    use parquet::basic::Compression;
    use parquet::data_type::{
        BoolType, ByteArrayType, FixedLenByteArrayType, Int32Type, Int64Type, Int96Type,
    };
    use parquet::file::properties::{WriterProperties, WriterVersion};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use parquet::schema::types::ColumnPath;
    use std::sync::Arc;

    const ROWS: usize = 5000;
    const SCHEMA: &str = "message m {
        optional group value {
            optional int64 a;
            optional int32 b;
            optional binary s (STRING);
            optional binary wide (STRING);
            optional boolean f;
            optional fixed_len_byte_array(16) u;
            optional int96 t;
        }
        required binary r (STRING);
        required int64 q;
    }";

    /// A deterministic stream of numbers.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            self.0 >> 17
        }
    }

    /// Definition levels of a leaf under `value` (0: `value` NULL, 1: the leaf NULL, 2: a
    /// value), in runs and scattered, and the values present.
    fn levels(rng: &mut Lcg) -> Vec<i16> {
        (0..ROWS)
            .map(|row| match row {
                100..=399 => 2,
                400..=499 => 0,
                _ => match rng.next() % 10 {
                    0 => 0,
                    1 | 2 => 1,
                    _ => 2,
                },
            })
            .collect()
    }

    fn write(props: WriterProperties) -> Bytes {
        let schema = Arc::new(parse_message_type(SCHEMA).expect("schema"));
        let mut out = Vec::new();
        let mut writer =
            SerializedFileWriter::new(&mut out, schema, Arc::new(props)).expect("writer");
        let mut rng = Lcg(7);
        let mut group = writer.next_row_group().expect("row group");
        let mut leaf = 0;
        while let Some(mut column) = group.next_column().expect("column") {
            let def = levels(&mut rng);
            let present = def.iter().filter(|&&d| d == 2).count();
            let n = |rng: &mut Lcg| rng.next();
            match leaf {
                0 => {
                    let values: Vec<i64> = (0..present)
                        .map(|i| match i % 4 {
                            0 => i64::MIN + i as i64,
                            1 => i64::MAX - i as i64,
                            _ => n(&mut rng) as i64 - (1 << 40),
                        })
                        .collect();
                    column
                        .typed::<Int64Type>()
                        .write_batch(&values, Some(&def), None)
                }
                1 => {
                    let values: Vec<i32> =
                        (0..present).map(|_| (n(&mut rng) % 7) as i32 - 3).collect();
                    column
                        .typed::<Int32Type>()
                        .write_batch(&values, Some(&def), None)
                }
                2 | 3 => {
                    let distinct = if leaf == 2 { 13 } else { 1 << 30 };
                    let values: Vec<ByteArray> = (0..present)
                        .map(|_| {
                            let k = n(&mut rng) % distinct;
                            ByteArray::from(
                                format!("{k}-é-{}", "x".repeat((k % 40) as usize)).as_str(),
                            )
                        })
                        .collect();
                    column
                        .typed::<ByteArrayType>()
                        .write_batch(&values, Some(&def), None)
                }
                4 => {
                    let values: Vec<bool> = (0..present)
                        .map(|i| i % 3 == 0 || n(&mut rng) % 2 == 0)
                        .collect();
                    column
                        .typed::<BoolType>()
                        .write_batch(&values, Some(&def), None)
                }
                5 => {
                    let values: Vec<FixedLenByteArray> = (0..present)
                        .map(|_| {
                            let v = (u128::from(n(&mut rng) % 50) << 64) | 7;
                            FixedLenByteArray::from(v.to_be_bytes().to_vec())
                        })
                        .collect();
                    column
                        .typed::<FixedLenByteArrayType>()
                        .write_batch(&values, Some(&def), None)
                }
                6 => {
                    let values: Vec<Int96> = (0..present)
                        .map(|_| {
                            let mut v = Int96::new();
                            let x = n(&mut rng);
                            v.set_data(
                                x as u32,
                                (x >> 32) as u32 % 3,
                                2_440_588 + (x % 100) as u32,
                            );
                            v
                        })
                        .collect();
                    column
                        .typed::<Int96Type>()
                        .write_batch(&values, Some(&def), None)
                }
                7 => {
                    let values: Vec<ByteArray> = (0..ROWS)
                        .map(|i| ByteArray::from(format!("r{}", i % 97).as_str()))
                        .collect();
                    column
                        .typed::<ByteArrayType>()
                        .write_batch(&values, None, None)
                }
                _ => {
                    let values: Vec<i64> = (0..ROWS as i64).map(|i| i * 1_000_003).collect();
                    column.typed::<Int64Type>().write_batch(&values, None, None)
                }
            }
            .expect("write");
            column.close().expect("close column");
            leaf += 1;
        }
        group.close().expect("close group");
        writer.close().expect("close file");
        Bytes::from(out)
    }

    /// Every leaf read both ways, in chunks of `chunk` rows: the same levels and values.
    fn same_as_the_crate(file: Bytes, chunk: usize, expect_own: bool) {
        let reader = SerializedFileReader::new(file.clone()).expect("reader");
        let group = reader.get_row_group(0).expect("group");
        let leaves = reader
            .metadata()
            .file_metadata()
            .schema_descr()
            .num_columns();
        for index in 0..leaves {
            let max_def = group
                .metadata()
                .column(index)
                .column_descr()
                .max_def_level();
            let mut ours = ColumnDecoder::new(&*group, index, max_def, ChunkBytes::Memory(&file))
                .expect("decoder");
            let own_pages = matches!(&ours, ColumnDecoder::Pages(p) if matches!(p.pages, PageSource::Own { .. }));
            let mut theirs = ColumnDecoder::Crate(Box::new(CrateDecoder {
                reader: group.get_column_reader(index).expect("column reader"),
                max_def,
                buffers: CrateBuffers::default(),
            }));
            if expect_own && index != 0 {
                assert!(own_pages, "column {index} should be decoded here");
            }
            let (mut a, mut b) = (Decoded::default(), Decoded::default());
            let mut done = 0;
            while done < ROWS {
                let want = chunk.min(ROWS - done);
                ours.read(want, &mut a).expect("ours");
                theirs.read(want, &mut b).expect("theirs");
                assert_eq!(a.def, b.def, "column {index}, rows from {done}");
                assert_eq!(a.ints, b.ints, "column {index}, rows from {done}");
                assert_eq!(a.bools, b.bools, "column {index}, rows from {done}");
                assert_eq!(a.int96, b.int96, "column {index}, rows from {done}");
                let texts = |d: &Decoded| -> Vec<Vec<u8>> {
                    (0..d.text.len())
                        .map(|k| d.text.get(k).expect("span").to_vec())
                        .collect()
                };
                assert_eq!(texts(&a), texts(&b), "column {index}, rows from {done}");
                if max_def > 0 {
                    assert_eq!(a.def.len(), want);
                }
                assert_eq!(
                    a.values(),
                    a.def
                        .iter()
                        .filter(|&&d| d == max_def)
                        .count()
                        .max(if max_def == 0 { want } else { 0 })
                );
                done += want;
            }
            // Past the chunk's rows: an error, not a panic or an invented row.
            assert!(
                ours.read(1, &mut a).is_err(),
                "column {index} read past its end"
            );
        }
    }

    fn page_kinds(file: &Bytes) -> Vec<(String, Vec<Encoding>)> {
        let reader = SerializedFileReader::new(file.clone()).expect("reader");
        let group = reader.get_row_group(0).expect("group");
        (0..group.num_columns())
            .map(|i| {
                let mut pages = group.get_column_page_reader(i).expect("pages");
                let mut kinds = Vec::new();
                while let Some(page) = pages.get_next_page().expect("page") {
                    kinds.push(page.encoding());
                }
                (
                    format!("{:?}", group.metadata().column(i).column_path()),
                    kinds,
                )
            })
            .collect()
    }

    #[test]
    fn v1_pages_with_dictionaries_falling_back_to_plain() {
        let props = WriterProperties::builder()
            .set_writer_version(WriterVersion::PARQUET_1_0)
            .set_compression(Compression::SNAPPY)
            .set_data_page_row_count_limit(700)
            .set_write_batch_size(700)
            .set_dictionary_page_size_limit(256)
            .build();
        let file = write(props);
        let kinds = page_kinds(&file);
        // The wide strings' dictionary overflows: dictionary pages, then PLAIN ones.
        let wide = &kinds[3].1;
        assert!(
            wide.contains(&Encoding::PLAIN_DICTIONARY) || wide.contains(&Encoding::RLE_DICTIONARY),
            "{kinds:?}"
        );
        assert!(wide.contains(&Encoding::PLAIN), "{kinds:?}");
        assert!(
            kinds.iter().all(|(_, k)| k.len() > 3),
            "several pages per column: {kinds:?}"
        );
        for chunk in [1, 7, 512, 2048, ROWS] {
            same_as_the_crate(file.clone(), chunk, true);
        }
    }

    #[test]
    fn v2_pages_plain_and_rle_booleans() {
        let mut props = WriterProperties::builder()
            .set_writer_version(WriterVersion::PARQUET_2_0)
            .set_dictionary_enabled(false);
        for path in [
            &["value", "a"][..],
            &["value", "b"],
            &["value", "s"],
            &["value", "wide"],
            &["value", "u"],
            &["r"],
            &["q"],
        ] {
            let path = ColumnPath::from(path.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>());
            props = props.set_column_encoding(path, Encoding::PLAIN);
        }
        let props = props
            .set_data_page_row_count_limit(900)
            .set_write_batch_size(900)
            .build();
        let file = write(props);
        let kinds = page_kinds(&file);
        assert_eq!(
            kinds[4].1.first(),
            Some(&Encoding::RLE),
            "v2 booleans: {kinds:?}"
        );
        for chunk in [1, 333, 2048] {
            same_as_the_crate(file.clone(), chunk, true);
        }
    }

    #[test]
    fn v2_dictionaries_and_delta_encodings_the_crate_decodes() {
        let props = WriterProperties::builder()
            .set_writer_version(WriterVersion::PARQUET_2_0)
            .set_compression(Compression::SNAPPY)
            .set_column_dictionary_enabled(
                ColumnPath::from(vec!["value".to_owned(), "wide".to_owned()]),
                false,
            )
            .set_column_encoding(
                ColumnPath::from(vec!["value".to_owned(), "wide".to_owned()]),
                Encoding::DELTA_BYTE_ARRAY,
            )
            .set_column_dictionary_enabled(ColumnPath::from(vec!["q".to_owned()]), false)
            .set_column_encoding(
                ColumnPath::from(vec!["q".to_owned()]),
                Encoding::DELTA_BINARY_PACKED,
            )
            .set_data_page_row_count_limit(1000)
            .set_write_batch_size(1000)
            .build();
        let file = write(props);
        let reader = SerializedFileReader::new(file.clone()).expect("reader");
        let group = reader.get_row_group(0).expect("group");
        let own: Vec<bool> = (0..group.num_columns())
            .map(|i| {
                let max_def = group.metadata().column(i).column_descr().max_def_level();
                matches!(
                    ColumnDecoder::new(&*group, i, max_def, ChunkBytes::Memory(&file))
                        .expect("decoder"),
                    ColumnDecoder::Pages(_)
                )
            })
            .collect();
        // The delta-encoded columns go through the crate, the rest are decoded here.
        assert_eq!(
            own,
            [true, true, true, false, true, true, true, true, false]
        );
        same_as_the_crate(file, 2048, false);
    }
}
