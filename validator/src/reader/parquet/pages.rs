//! A column chunk's pages, read and decompressed here when the chunk is `SNAPPY` or
//! `UNCOMPRESSED` (what Spark, Databricks and DuckDB write by default), by the `parquet` crate's
//! page reader for the other codecs.
//!
//! Why: the crate reads each page into a new buffer and decompresses it into another, zeroed
//! first. Pages are megabytes (DuckDB writes one per column chunk), so each is a fresh mapping
//! of memory, faulted in page by page and given back when freed: on the 1,000,000-row bench
//! file, running with the allocator told to keep freed memory took 0.57 s against 0.64 s. Here
//! a file's column chunk is read a window of 1 MiB at a time (or a whole page, if larger) with
//! positioned reads into buffers of the lane's pool (a chunk in memory is sliced), and pages
//! are decompressed into buffers of the same pool, reused once nothing refers to them (a
//! `Bytes` that is unique again), without zeroing what they held: buffers come in size classes
//! of 256 KiB and are lent as slices, so a page a little larger than the last still fits.
//!
//! The page header is Thrift's compact protocol: only the fields the decoder needs are read,
//! every other field (statistics, page index, future ones) skipped by type. Hostile headers are
//! errors: sizes are checked against the chunk's bytes before anything is allocated, nesting is
//! bounded, and a snappy page must declare the size its header says.

use bytes::{Bytes, BytesMut};
use parquet::basic::{Compression, Encoding};
use parquet::column::page::{Page, PageReader};
use std::cell::RefCell;
use std::io;

fn corrupt(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// A page as the decoder reads it: its body decompressed (a v2 page's levels first) and what
/// its header says.
pub struct RawPage {
    pub buf: Bytes,
    pub kind: PageKind,
}

/// Where a column chunk's pages come from.
pub enum PageSource {
    /// Read here: the chunk's compressed bytes (all of them in memory, or a window of a file's
    /// chunk), the next page's offset in them, the codec, and the file a window comes from.
    Own {
        chunk: Bytes,
        at: usize,
        snappy: bool,
        file: Option<Window>,
    },
    /// The crate's page reader.
    Crate(Box<dyn PageReader>),
}

/// Whether pages of this codec are read here.
pub fn reads_own(codec: Compression) -> bool {
    matches!(codec, Compression::SNAPPY | Compression::UNCOMPRESSED)
}

thread_local! {
    /// The lane's buffers (at most [`POOL`]): each lent out as a slice of its first bytes, and
    /// free again once nothing but the pool refers to it.
    static POOL_BUFFERS: RefCell<Vec<Bytes>> = const { RefCell::new(Vec::new()) };
}

/// Buffers kept per thread.
const POOL: usize = 128;

/// Buffers are made in multiples of this, so a page a little larger than the last one still
/// fits a buffer that held it.
const SIZE_CLASS: usize = 1 << 18;

/// A buffer of at least `len` bytes (contents unspecified: a reused buffer keeps what it
/// held, so nothing is zeroed twice): the smallest free one of the pool, else a new one.
fn buffer(len: usize) -> BytesMut {
    let reused = POOL_BUFFERS.with(|pool| {
        let mut pool = pool.borrow_mut();
        let best = pool
            .iter()
            .enumerate()
            .filter(|(_, b)| b.len() >= len && b.is_unique())
            .min_by_key(|(_, b)| b.len())
            .map(|(i, _)| i)?;
        pool.swap_remove(best).try_into_mut().ok()
    });
    reused.unwrap_or_else(|| BytesMut::zeroed(len.next_multiple_of(SIZE_CLASS).max(len)))
}

/// The first `len` bytes of `buf`, which the pool keeps for reuse once they are dropped.
fn lend(buf: BytesMut, len: usize) -> Bytes {
    let full = buf.freeze();
    let part = full.slice(..len.min(full.len()));
    POOL_BUFFERS.with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.len() < POOL {
            pool.push(full);
        }
    });
    part
}

/// Bytes of a file's column chunk read at a time (more when a page is larger): a lane holds
/// one window per column, so a Spark row group of 128 MB is not read whole, while DuckDB's
/// one-page chunks are read with one call each.
#[cfg(not(test))]
const WINDOW: usize = 1 << 20;
/// Small in tests, so windows are refilled page by page.
#[cfg(test)]
const WINDOW: usize = 3000;

/// Where the window of a file's column chunk is: the file, the window's offset in it, and the
/// chunk's end.
pub struct Window {
    file: std::fs::File,
    start: u64,
    end: u64,
}

/// Reads `len` bytes at `offset` of `file` into a pooled buffer.
fn read_at(file: &std::fs::File, offset: u64, len: usize) -> io::Result<Bytes> {
    use std::os::unix::fs::FileExt as _;
    let mut buf = buffer(len);
    let target = buf
        .get_mut(..len)
        .ok_or_else(|| corrupt("a column chunk buffer is short"))?;
    file.read_exact_at(target, offset)
        .map_err(|e| corrupt(format!("a column chunk could not be read: {e}")))?;
    Ok(lend(buf, len))
}

impl PageSource {
    /// The pages of the `len` bytes of `file` from `start` (a column chunk), read a window at
    /// a time.
    pub fn from_file(
        file: &std::fs::File,
        start: u64,
        len: usize,
        snappy: bool,
    ) -> io::Result<PageSource> {
        let end = start
            .checked_add(len as u64)
            .filter(|&end| file.metadata().is_ok_and(|m| end <= m.len()))
            .ok_or_else(|| corrupt("a column chunk lies past the file's end"))?;
        let file = file.try_clone()?;
        Ok(PageSource::Own {
            chunk: Bytes::new(),
            at: 0,
            snappy,
            file: Some(Window { file, start, end }),
        })
    }

    /// Makes `need` bytes from `at` available in `chunk` if the chunk has them (reading the
    /// next window of a file); whether it could.
    fn ensure(
        chunk: &mut Bytes,
        at: &mut usize,
        file: &mut Option<Window>,
        need: usize,
    ) -> io::Result<bool> {
        if at.saturating_add(need) <= chunk.len() {
            return Ok(true);
        }
        let Some(window) = file else {
            return Ok(false);
        };
        let from = window.start + *at as u64;
        let left = usize::try_from(window.end.saturating_sub(from)).unwrap_or(usize::MAX);
        if need > left {
            return Ok(false);
        }
        *chunk = read_at(&window.file, from, need.max(WINDOW).min(left))?;
        window.start = from;
        *at = 0;
        Ok(true)
    }

    /// The next page (`None`: the chunk's pages are done).
    pub fn next(&mut self) -> io::Result<Option<RawPage>> {
        match self {
            PageSource::Crate(pages) => {
                let page = pages
                    .get_next_page()
                    .map_err(|e| super::parquet_error(&e))?;
                Ok(page.map(|page| match page {
                    Page::DictionaryPage {
                        buf,
                        num_values,
                        encoding,
                        ..
                    } => RawPage {
                        buf,
                        kind: PageKind::Dictionary {
                            num_values,
                            encoding,
                        },
                    },
                    Page::DataPage {
                        buf,
                        num_values,
                        encoding,
                        def_level_encoding,
                        ..
                    } => RawPage {
                        buf,
                        kind: PageKind::V1 {
                            num_values,
                            encoding,
                            def_encoding: def_level_encoding,
                        },
                    },
                    Page::DataPageV2 {
                        buf,
                        num_values,
                        encoding,
                        def_levels_byte_len,
                        rep_levels_byte_len,
                        is_compressed,
                        ..
                    } => RawPage {
                        buf,
                        kind: PageKind::V2 {
                            num_values,
                            encoding,
                            def_len: def_levels_byte_len,
                            rep_len: rep_levels_byte_len,
                            compressed: is_compressed,
                        },
                    },
                }))
            }
            PageSource::Own {
                chunk,
                at,
                snappy,
                file,
            } => loop {
                // A header, in what is left of the window, or else in a larger read.
                let mut want = 1 << 10;
                let (header, header_len) = loop {
                    if !Self::ensure(chunk, at, file, 1)? {
                        return Ok(None);
                    }
                    Self::ensure(chunk, at, file, want)?;
                    let rest = chunk.get(*at..).unwrap_or_default();
                    let available = rest.len();
                    let error = match PageHeader::parse(rest) {
                        Ok(parsed) => break parsed,
                        Err(e) => e,
                    };
                    // Cut short by the window (a header with large statistics): read more.
                    if want < (1 << 24) && Self::ensure(chunk, at, file, available + 1)? {
                        want = want.max(available + 1).saturating_mul(4);
                    } else {
                        return Err(error);
                    }
                };
                let total = header_len
                    .checked_add(header.compressed_size)
                    .ok_or_else(|| corrupt("a page runs past its column chunk"))?;
                if !Self::ensure(chunk, at, file, total)? {
                    return Err(corrupt("a page runs past its column chunk"));
                }
                let body_start = *at + header_len;
                let body_end = *at + total;
                *at = body_end;
                let body = chunk.slice(body_start..body_end);
                let (levels, compressed) = match header.kind {
                    PageKind::V2 {
                        def_len,
                        rep_len,
                        compressed,
                        ..
                    } => (
                        (def_len as usize).saturating_add(rep_len as usize),
                        compressed,
                    ),
                    _ => (0, true),
                };
                let buf = if !*snappy || !compressed {
                    if body.len() != header.uncompressed_size {
                        return Err(corrupt("an uncompressed page's sizes disagree"));
                    }
                    body
                } else {
                    let levels_bytes = body
                        .get(..levels)
                        .ok_or_else(|| corrupt("a page's levels run past its body"))?;
                    let values = body.get(levels..).unwrap_or_default();
                    let declared = snap::raw::decompress_len(values)
                        .map_err(|e| corrupt(format!("a snappy page: {e}")))?;
                    if levels.checked_add(declared) != Some(header.uncompressed_size) {
                        return Err(corrupt("a snappy page's size disagrees with its header"));
                    }
                    // Snappy expands at most about 21 times (a 3-byte copy of 64 bytes): a
                    // larger size is a lie, refused before it is allocated.
                    if declared > values.len().saturating_mul(32).saturating_add(64) {
                        return Err(corrupt("a snappy page claims more than it can hold"));
                    }
                    let mut out = buffer(header.uncompressed_size);
                    let page = out
                        .get_mut(..header.uncompressed_size)
                        .ok_or_else(|| corrupt("a page buffer is short"))?;
                    let (head, tail) = page.split_at_mut(levels);
                    head.copy_from_slice(levels_bytes);
                    snap::raw::Decoder::new()
                        .decompress(values, tail)
                        .map_err(|e| corrupt(format!("a snappy page: {e}")))?;
                    lend(out, header.uncompressed_size)
                };
                if matches!(header.kind, PageKind::Other) {
                    continue;
                }
                return Ok(Some(RawPage {
                    buf,
                    kind: header.kind,
                }));
            },
        }
    }
}

/// What a page header says.
struct PageHeader {
    uncompressed_size: usize,
    compressed_size: usize,
    kind: PageKind,
}

/// What a page is, by its header.
pub enum PageKind {
    Dictionary {
        num_values: u32,
        encoding: Encoding,
    },
    V1 {
        num_values: u32,
        encoding: Encoding,
        def_encoding: Encoding,
    },
    V2 {
        num_values: u32,
        encoding: Encoding,
        def_len: u32,
        rep_len: u32,
        compressed: bool,
    },
    /// An index page (or a kind this reader does not know): skipped.
    Other,
}

/// Nesting of Thrift structs and containers skipped before a header is refused.
const MAX_DEPTH: u32 = 16;

/// A cursor over compact-protocol bytes.
struct Thrift<'b> {
    bytes: &'b [u8],
    at: usize,
}

/// A compact-protocol field: its id and type.
struct Field {
    id: i16,
    kind: u8,
}

impl Thrift<'_> {
    fn byte(&mut self) -> io::Result<u8> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| corrupt("a page header ends early"))?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self) -> io::Result<u64> {
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(corrupt("a page header holds an overlong number"))
    }

    fn zigzag(&mut self) -> io::Result<i64> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn i32(&mut self) -> io::Result<i32> {
        i32::try_from(self.zigzag()?).map_err(|_| corrupt("a page header number is out of range"))
    }

    /// The next field of a struct (`None`: its end), `last` the previous field's id.
    fn field(&mut self, last: i16) -> io::Result<Option<Field>> {
        let b = self.byte()?;
        if b == 0 {
            return Ok(None);
        }
        let kind = b & 0x0F;
        let delta = i16::from(b >> 4);
        let id = if delta == 0 {
            i16::try_from(self.zigzag()?).map_err(|_| corrupt("a page header field id"))?
        } else {
            last.saturating_add(delta)
        };
        Ok(Some(Field { id, kind }))
    }

    /// A boolean field's value (compact protocol keeps it in the type).
    fn bool_of(field: &Field) -> bool {
        field.kind == 1
    }

    fn skip(&mut self, kind: u8, depth: u32) -> io::Result<()> {
        if depth > MAX_DEPTH {
            return Err(corrupt("a page header is nested too deeply"));
        }
        match kind {
            1 | 2 => Ok(()),
            3 => self.byte().map(drop),
            4..=6 => self.varint().map(drop),
            7 => self.advance(8),
            8 => {
                let len = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
                self.advance(len)
            }
            9 | 10 => {
                let head = self.byte()?;
                let size = match head >> 4 {
                    15 => usize::try_from(self.varint()?).unwrap_or(usize::MAX),
                    n => usize::from(n),
                };
                let elem = head & 0x0F;
                for _ in 0..size {
                    // A list's booleans take a byte each.
                    if matches!(elem, 1 | 2) {
                        self.byte()?;
                    } else {
                        self.skip(elem, depth + 1)?;
                    }
                }
                Ok(())
            }
            11 => {
                let size = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
                if size == 0 {
                    return Ok(());
                }
                let kinds = self.byte()?;
                for _ in 0..size {
                    self.skip(kinds >> 4, depth + 1)?;
                    self.skip(kinds & 0x0F, depth + 1)?;
                }
                Ok(())
            }
            12 => {
                let mut last = 0;
                while let Some(field) = self.field(last)? {
                    last = field.id;
                    self.skip(field.kind, depth + 1)?;
                }
                Ok(())
            }
            13 => self.advance(16),
            other => Err(corrupt(format!("a page header holds Thrift type {other}"))),
        }
    }

    fn advance(&mut self, n: usize) -> io::Result<()> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| corrupt("a page header ends early"))?;
        self.at = end;
        Ok(())
    }

    /// The i32 fields of a nested header struct, by id (up to 8), and its bool fields.
    fn small_struct(&mut self, depth: u32) -> io::Result<SmallStruct> {
        let mut ints = [None; 9];
        let mut bools = [None; 9];
        let mut last = 0;
        while let Some(field) = self.field(last)? {
            last = field.id;
            let slot = usize::try_from(field.id).ok().filter(|&i| i < 9);
            match (field.kind, slot) {
                (5, Some(i)) => {
                    if let Some(s) = ints.get_mut(i) {
                        *s = Some(self.i32()?);
                    }
                }
                (1 | 2, Some(i)) => {
                    if let Some(s) = bools.get_mut(i) {
                        *s = Some(Self::bool_of(&field));
                    }
                }
                (kind, _) => self.skip(kind, depth + 1)?,
            }
        }
        Ok((ints, bools))
    }
}

/// A header struct's i32 and bool fields by id (ids 1 to 8).
type SmallStruct = ([Option<i32>; 9], [Option<bool>; 9]);

fn encoding(code: Option<i32>) -> io::Result<Encoding> {
    #[allow(deprecated)] // BIT_PACKED: legacy definition levels.
    Ok(match code {
        Some(0) => Encoding::PLAIN,
        Some(2) => Encoding::PLAIN_DICTIONARY,
        Some(3) => Encoding::RLE,
        Some(4) => Encoding::BIT_PACKED,
        Some(5) => Encoding::DELTA_BINARY_PACKED,
        Some(6) => Encoding::DELTA_LENGTH_BYTE_ARRAY,
        Some(7) => Encoding::DELTA_BYTE_ARRAY,
        Some(8) => Encoding::RLE_DICTIONARY,
        Some(9) => Encoding::BYTE_STREAM_SPLIT,
        Some(other) => return Err(corrupt(format!("a page header names encoding {other}"))),
        None => return Err(corrupt("a page header names no encoding")),
    })
}

fn count(value: Option<i32>, what: &str) -> io::Result<u32> {
    value
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| corrupt(format!("a page header's {what} is missing or negative")))
}

impl PageHeader {
    /// Parses the header at the start of `bytes`: the header and its length.
    fn parse(bytes: &[u8]) -> io::Result<(PageHeader, usize)> {
        let mut t = Thrift { bytes, at: 0 };
        let (mut page_type, mut uncompressed, mut compressed) = (None, None, None);
        let mut kind = PageKind::Other;
        let mut last = 0;
        while let Some(field) = t.field(last)? {
            last = field.id;
            match (field.id, field.kind) {
                (1, 5) => page_type = Some(t.i32()?),
                (2, 5) => uncompressed = Some(t.i32()?),
                (3, 5) => compressed = Some(t.i32()?),
                (5, 12) => {
                    let (ints, _) = t.small_struct(1)?;
                    kind = PageKind::V1 {
                        num_values: count(ints[1], "value count")?,
                        encoding: encoding(ints[2])?,
                        def_encoding: encoding(ints[3])?,
                    };
                }
                (7, 12) => {
                    let (ints, _) = t.small_struct(1)?;
                    kind = PageKind::Dictionary {
                        num_values: count(ints[1], "value count")?,
                        encoding: encoding(ints[2])?,
                    };
                }
                (8, 12) => {
                    let (ints, bools) = t.small_struct(1)?;
                    kind = PageKind::V2 {
                        num_values: count(ints[1], "value count")?,
                        encoding: encoding(ints[4])?,
                        def_len: count(ints[5], "definition levels' length")?,
                        rep_len: count(ints[6], "repetition levels' length")?,
                        compressed: bools[7].unwrap_or(true),
                    };
                }
                (_, kind) => t.skip(kind, 1)?,
            }
        }
        // The kind must be the one the type names (0 data, 2 dictionary, 3 data v2).
        let kind = match (page_type, kind) {
            (Some(0), k @ PageKind::V1 { .. })
            | (Some(2), k @ PageKind::Dictionary { .. })
            | (Some(3), k @ PageKind::V2 { .. }) => k,
            (Some(0 | 2 | 3), _) => return Err(corrupt("a page header lacks its page's header")),
            (Some(_), _) => PageKind::Other,
            (None, _) => return Err(corrupt("a page header has no page type")),
        };
        let size = |v: Option<i32>, what| count(v, what).map(|v| v as usize);
        Ok((
            PageHeader {
                uncompressed_size: size(uncompressed, "uncompressed size")?,
                compressed_size: size(compressed, "compressed size")?,
                kind,
            },
            t.at,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::data_type::Int64Type;
    use parquet::file::properties::WriterProperties;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;

    /// A one-column snappy file of `rows` numbers, and its column chunk's bytes.
    fn chunk(rows: i64) -> (Bytes, Bytes) {
        chunk_paged(rows, usize::MAX)
    }

    /// [`chunk`] with data pages of at most `page_rows` rows.
    fn chunk_paged(rows: i64, page_rows: usize) -> (Bytes, Bytes) {
        let schema =
            Arc::new(parse_message_type("message m { required int64 n; }").expect("schema"));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_dictionary_enabled(false)
            .set_data_page_row_count_limit(page_rows)
            .set_write_batch_size(page_rows.min(1024))
            .build();
        let mut out = Vec::new();
        let mut writer =
            SerializedFileWriter::new(&mut out, schema, Arc::new(props)).expect("writer");
        let mut group = writer.next_row_group().expect("group");
        let mut column = group.next_column().expect("column").expect("a column");
        let values: Vec<i64> = (0..rows).map(|i| i * 7).collect();
        column
            .typed::<Int64Type>()
            .write_batch(&values, None, None)
            .expect("write");
        column.close().expect("close");
        group.close().expect("close");
        writer.close().expect("close");
        let file = Bytes::from(out);
        let reader = SerializedFileReader::new(file.clone()).expect("reader");
        let (start, len) = reader.metadata().row_group(0).column(0).byte_range();
        let chunk = file.slice(start as usize..(start + len) as usize);
        (file, chunk)
    }

    #[test]
    fn headers_read_as_the_crate_reads_them() {
        let (_, chunk) = chunk(1000);
        let mut pages = PageSource::Own {
            chunk,
            at: 0,
            snappy: true,
            file: None,
        };
        let Some(RawPage {
            buf,
            kind:
                PageKind::V1 {
                    num_values,
                    encoding,
                    def_encoding,
                },
        }) = pages.next().expect("page")
        else {
            panic!("a v1 data page first");
        };
        assert_eq!(
            (num_values, encoding, def_encoding),
            (1000, Encoding::PLAIN, Encoding::RLE)
        );
        let values: Vec<i64> = buf
            .chunks_exact(8)
            .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        assert_eq!(values, (0..1000).map(|i| i * 7).collect::<Vec<_>>());
        assert!(pages.next().expect("end").is_none());
    }

    /// Every page of a file's chunk, read through windows smaller than a page, is the page
    /// read from memory.
    #[test]
    fn windows_of_a_file_give_the_same_pages() {
        let (file_bytes, chunk) = chunk_paged(20_000, 700);
        let reader = SerializedFileReader::new(file_bytes.clone()).expect("reader");
        let (start, len) = reader.metadata().row_group(0).column(0).byte_range();
        let path = std::env::temp_dir().join(format!("dap-pages-{}.parquet", std::process::id()));
        std::fs::write(&path, &file_bytes).expect("write");
        let file = std::fs::File::open(&path).expect("open");
        let mut windowed = PageSource::from_file(&file, start, len as usize, true).expect("source");
        let mut memory = PageSource::Own {
            chunk,
            at: 0,
            snappy: true,
            file: None,
        };
        let mut pages = 0;
        loop {
            match (
                windowed.next().expect("windowed"),
                memory.next().expect("memory"),
            ) {
                (None, None) => break,
                (Some(a), Some(b)) => {
                    assert_eq!(a.buf, b.buf, "page {pages}");
                    pages += 1;
                }
                _ => panic!("page {pages}: one source ended early"),
            }
        }
        assert!(pages > 20, "{pages} pages");
        assert!(
            len as usize > 4 * WINDOW,
            "the chunk spans several windows: {len} bytes"
        );
        // A chunk said to run past the file's end is refused.
        assert!(PageSource::from_file(&file, start, file_bytes.len(), true).is_err());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn hostile_headers_are_errors() {
        let (_, chunk) = chunk(100);
        // Every truncation of the chunk: an error or fewer pages, never a panic.
        for cut in 0..chunk.len() {
            let mut pages = PageSource::Own {
                chunk: chunk.slice(..cut),
                at: 0,
                snappy: true,
                file: None,
            };
            assert!(!matches!(pages.next(), Ok(Some(_))), "cut at {cut}");
        }
        // Every byte of the header changed: an error or a page, never a panic.
        let header_len = PageHeader::parse(&chunk).expect("header").1;
        for at in 0..header_len {
            for b in [0x00, 0x0C, 0x15, 0x19, 0x1C, 0x7F, 0x80, 0xFF] {
                let mut bytes = chunk.to_vec();
                bytes[at] = b;
                let mut pages = PageSource::Own {
                    chunk: Bytes::from(bytes),
                    at: 0,
                    snappy: true,
                    file: None,
                };
                let _ = pages.next();
            }
        }
        // Structs nested past the bound.
        let mut deep = vec![0x1C; 40];
        deep.extend([0; 40]);
        assert!(PageHeader::parse(&[[0x9C].as_slice(), &deep].concat()).is_err());
        // A page claiming far more than its snappy body can hold.
        let mut t = Vec::new();
        t.extend([0x15, 0x00]); // type: data page
        t.extend([0x15, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F]); // uncompressed: i32::MAX
        t.extend([0x15, 0x0A]); // compressed: 5
        t.extend([0x2C, 0x15, 0x02, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00]); // v1 header
        t.push(0x00);
        t.extend([0xFF, 0xFF, 0xFF, 0xFF, 0x07]); // snappy preamble: 2^31 - 1 bytes
        let mut pages = PageSource::Own {
            chunk: Bytes::from(t),
            at: 0,
            snappy: true,
            file: None,
        };
        let error = pages
            .next()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("claims more"), "{error}");
    }
}
