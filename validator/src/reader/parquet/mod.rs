//! The Parquet reader: DAP's Spark-written files, checked row by row with the same plan and
//! record rules as CSV and TSV. The `parquet` crate (no arrow) reads the footer; `pages.rs`
//! reads and decompresses snappy and uncompressed pages (the crate the other codecs'), and
//! `decode.rs` decodes their values in place (the crate's column readers for the encodings it
//! does not decode).
//!
//! Decisions:
//!
//! - **Layout.** `meta`, `key` and `value` may be struct columns (leaf paths `value` → `url`)
//!   or flat columns with dotted names (`value.url`); both give the same dotted name, and the
//!   names are mapped exactly like a CSV header ([`super::text::Header`]): unknown, duplicated
//!   and missing required columns are reported once per file (record and line `null`).
//! - **Schema.** Each mapped column's physical and logical type is checked against the model
//!   once per file. A column whose type cannot hold the model's values is one `type` violation
//!   (record and line `null`) and is not read; the other columns are still checked row by row.
//!
//!   | model type | accepted Parquet columns |
//!   |---|---|
//!   | uuid | `BYTE_ARRAY` (String or unannotated), `FIXED_LEN_BYTE_ARRAY(16)` (UUID) |
//!   | timestamp (and `meta.ts`) | `INT64` TIMESTAMP (millis, micros, nanos), `INT96` (Spark's legacy form), `BYTE_ARRAY` text |
//!   | int32, int64, integer enum | `INT32`, `INT64` (signed; the model's width is checked per value: `range`) |
//!   | bool | `BOOLEAN` |
//!   | ip, string, string enum, `meta.action` | `BYTE_ARRAY` (String, Enum or unannotated) |
//!
//!   Repeated columns are never accepted.
//! - **Values** valid by their type alone (an int32 column's number within `i32`, a member of an
//!   integer enum, a time in years 0001-9999 to the microsecond, a boolean, a 16-byte uuid) are
//!   kept as what they are ([`Typed`]) and checked and profiled without text. Any other value
//!   is rendered as the text the CSV/TSV readers would see (timestamps as
//!   `YYYY-MM-DDThh:mm:ss.ffffffZ`, with nine fractional digits when a nanosecond value is not a
//!   whole microsecond, so it is a `format` violation; uuids hyphenated) and checked by the same
//!   rules, so every format reports the same violations for the same data. Text stays in the
//!   decoder's buffers; UTF-8 is checked only for text that is not ASCII. A null (a definition
//!   level below the maximum, also when a parent struct is null) is NULL. A string that is not
//!   UTF-8 makes its row `malformed` (one violation, nothing else for that row).
//! - **Positions.** `record` is the 1-based row ordinal in the file; `line` is `null`.
//! - **Input.** A plain file is read in place (Parquet needs random access); standard input and a
//!   gzip-compressed file are read into memory first. A file whose footer or pages cannot be
//!   decoded (truncated, corrupt, an unsupported codec) ends with exit status 2 and a message
//!   naming it; the rows checked before are reported. The decoder runs under `catch_unwind`, so
//!   even a decoder bug on hostile input is a file error, never a crash.
//! - **Row groups on every lane.** A file's layout is found once ([`ParquetLayout`]); each row
//!   group is then checked, 2,048 rows at a time, by whichever lane takes it, through its own
//!   reader of the file ([`super::lanes`]: the events are numbered in advance from the groups'
//!   sizes, so the report is the same for any `--jobs`). The 1,000,000 bench records as one
//!   DuckDB file (9 row groups): 0.36–0.43 s with 2 jobs against 0.60–0.70 s with one; the
//!   `parquet` crate's bare read of the same columns takes 0.41–0.50 s (`cargo xtask bench
//!   --parquet`).

mod decode;
mod pages;

use super::text::{self, Header, RecordFields, Slot, TextField};
use super::{BatchOutcome, KeyEntry, LocatedFinding};
use crate::dedup::record_hash;
use crate::plan::{CheckPlan, ColumnRef, Finding, Findings, IntegerMembers, Rule, Typed};
use crate::profile::{Profile, RecordStage};
use crate::violation::Code;
use decode::{ChunkBytes, ColumnDecoder, Decoded, TextValues};
use parquet::basic::{ConvertedType, LogicalType, TimeUnit, Type as PhysicalType};
use parquet::file::reader::{FileReader, RowGroupReader, SerializedFileReader};
use parquet::schema::types::ColumnDescriptor;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Rows decoded and checked at a time.
const CHUNK_ROWS: usize = 2048;

/// Cells between a column's and the next's in a [`RowChunk`]: not a power of two, so a row's cells
/// (one per column, read together) do not all fall in one set of the L1 cache.
const STRIDE: usize = CHUNK_ROWS + 5;

fn corrupt(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

fn parquet_error(error: &parquet::errors::ParquetError) -> io::Error {
    corrupt(format!("not a readable Parquet file: {error}"))
}

/// How a mapped column's values become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Render {
    /// UTF-8 bytes as they are (checked for UTF-8).
    Text,
    /// A 16-byte uuid, written hyphenated.
    Uuid16,
    /// An integer.
    Integer,
    /// A boolean.
    Bool,
    /// An `INT64` timestamp of this many nanoseconds per unit.
    Timestamp(i64),
    /// Spark's `INT96` timestamp (nanoseconds of the day, Julian day).
    Int96,
}

/// One leaf column to read.
#[derive(Debug, Clone)]
struct Leaf {
    /// Index among the file's leaf columns (= the header field index).
    index: usize,
    render: Render,
    max_def: i16,
    /// Which values are kept as what they are ([`Typed`]) rather than rendered as text.
    typed: TypedRule,
}

/// The values of a leaf that are valid by their type alone, and so are checked without text:
/// the rest (an int32 column's larger numbers, a number that is no member of an integer enum,
/// a time outside years 0001-9999 or finer than a microsecond, a key that is not a uuid) are
/// rendered as text and checked like any other format's, violations included.
#[derive(Debug, Clone)]
enum TypedRule {
    /// Always text.
    Text,
    /// Integers of `i32`.
    Int32,
    /// Any integer.
    Int64,
    /// The members of an integer enum, sorted.
    Members(IntegerMembers),
    /// Timestamps.
    Micros,
    /// Booleans.
    Bool,
    /// Uuids.
    Uuid,
}

/// The first and last microsecond of years 0001-9999 (what `is_timestamp` accepts).
const MICROS_RANGE: (i64, i64) = (-62_135_596_800_000_000, 253_402_300_799_999_999);

impl TypedRule {
    fn for_leaf(rule: Option<&Rule>, render: Render, in_key: bool) -> TypedRule {
        match (rule, render) {
            (_, Render::Uuid16) => TypedRule::Uuid,
            _ if in_key => TypedRule::Text,
            (Some(Rule::Int32), Render::Integer) => TypedRule::Int32,
            (Some(Rule::Int64), Render::Integer) => TypedRule::Int64,
            (Some(Rule::IntegerEnum { members, .. }), Render::Integer) => {
                TypedRule::Members(members.clone())
            }
            (_, Render::Timestamp(_) | Render::Int96) => TypedRule::Micros,
            (Some(Rule::Bool), Render::Bool) => TypedRule::Bool,
            _ => TypedRule::Text,
        }
    }

    /// An integer as a [`Typed`] value, when it is valid by type alone.
    #[inline]
    fn int(&self, value: i64) -> Option<Typed> {
        let member = match self {
            TypedRule::Int32 if i32::try_from(value).is_ok() => None,
            TypedRule::Int64 => None,
            TypedRule::Members(members) => Some(members.index_of(value)? as u32),
            _ => return None,
        };
        Some(Typed::Int { value, member })
    }

    /// A time (nanoseconds since the epoch) as a [`Typed`] value, when it is valid as one.
    #[inline]
    fn time(&self, nanos: i128) -> Option<Typed> {
        if !matches!(self, TypedRule::Micros) || nanos % 1000 != 0 {
            return None;
        }
        self.micros(i64::try_from(nanos / 1000).ok()?)
    }

    /// A time in microseconds since the epoch (`INT64` micros: no 128-bit division) as a
    /// [`Typed`] value, when it is valid as one.
    #[inline]
    fn micros(&self, micros: i64) -> Option<Typed> {
        (matches!(self, TypedRule::Micros) && MICROS_RANGE.0 <= micros && micros <= MICROS_RANGE.1)
            .then_some(Typed::Micros(micros))
    }
}

/// Where a Parquet file's bytes are: a plain file, read in place by each reader (Parquet needs
/// random access; each reader opens its own handle, so no two share a file offset), or bytes
/// in memory (standard input, gzip), shared.
#[derive(Debug, Clone)]
pub enum ParquetSource {
    /// A plain file.
    Path(std::path::PathBuf),
    /// The whole file in memory.
    Bytes(bytes::Bytes),
}

/// One reader of a Parquet file's row groups.
pub enum ParquetReader {
    /// Of a plain file, through its own handle (the second one, for positioned reads of
    /// column chunks, shares it).
    File(SerializedFileReader<std::fs::File>, std::fs::File),
    /// Of bytes in memory.
    Bytes(SerializedFileReader<bytes::Bytes>, bytes::Bytes),
}

impl ParquetReader {
    /// Opens `source` and reads its footer.
    pub fn open(source: &ParquetSource) -> io::Result<ParquetReader> {
        guarded(|| match source {
            ParquetSource::Path(path) => {
                let file = std::fs::File::open(path)?;
                let chunks = file.try_clone()?;
                let reader = SerializedFileReader::new(file).map_err(|e| parquet_error(&e))?;
                Ok(ParquetReader::File(reader, chunks))
            }
            ParquetSource::Bytes(bytes) => {
                let reader =
                    SerializedFileReader::new(bytes.clone()).map_err(|e| parquet_error(&e))?;
                Ok(ParquetReader::Bytes(reader, bytes.clone()))
            }
        })
    }

    fn metadata(&self) -> &parquet::file::metadata::ParquetMetaData {
        match self {
            ParquetReader::File(r, _) => r.metadata(),
            ParquetReader::Bytes(r, _) => r.metadata(),
        }
    }

    fn chunk_bytes(&self) -> ChunkBytes<'_> {
        match self {
            ParquetReader::File(_, file) => ChunkBytes::File(file),
            ParquetReader::Bytes(_, bytes) => ChunkBytes::Memory(bytes),
        }
    }

    fn row_group(&self, group: usize) -> io::Result<Box<dyn RowGroupReader + '_>> {
        match self {
            ParquetReader::File(r, _) => r.get_row_group(group),
            ParquetReader::Bytes(r, _) => r.get_row_group(group),
        }
        .map_err(|e| parquet_error(&e))
    }
}

/// Runs the decoder under `catch_unwind`: a decoder bug on hostile input is a file error.
fn guarded<T>(work: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(_) => Err(corrupt("the Parquet decoder failed on this file's data")),
    }
}

/// The rows `path`'s footer states (a guess for the duplicate-key table's size, made before
/// the file is read; a file whose footer cannot be read states none, and is reported when it
/// is read).
pub fn stated_rows(path: &std::path::Path) -> Option<u64> {
    let source = ParquetSource::Path(path.to_path_buf());
    let reader = ParquetReader::open(&source).ok()?;
    u64::try_from(reader.metadata().file_metadata().num_rows()).ok()
}

/// What a Parquet file is to the checks: its columns mapped like a CSV header, the leaf columns
/// to read (only those the plan checks) and its row groups' sizes. Found once per file, shared
/// by every reader of its row groups.
#[derive(Debug)]
pub struct ParquetLayout {
    header: Header,
    leaves: Vec<Leaf>,
    /// Rows per row group.
    groups: Vec<usize>,
    fields: usize,
}

impl ParquetLayout {
    /// Maps `reader`'s schema; the findings are the file's own (names and types).
    pub fn map(plan: &CheckPlan, reader: &ParquetReader) -> (ParquetLayout, Vec<Finding>) {
        let metadata = reader.metadata();
        let schema = metadata.file_metadata().schema_descr_ptr();
        let names: Vec<String> = schema
            .columns()
            .iter()
            .map(|c| c.path().parts().join("."))
            .collect();
        let (header, mut findings) = Header::map(plan, &names);
        let mut slots: Vec<Slot> = header.slots().to_vec();
        let mut leaves = Vec::new();
        for (index, slot) in slots.iter_mut().enumerate() {
            let Some(descriptor) = schema.columns().get(index) else {
                continue;
            };
            let (rule, column_ref, in_key) = match *slot {
                Slot::Ignored => continue,
                Slot::MetaTs => (Some(&Rule::Timestamp), ColumnRef::MetaTs, false),
                Slot::MetaAction => (None, ColumnRef::MetaAction, false),
                Slot::Column(column) => (
                    plan.columns().get(column).map(|c| &c.rule),
                    ColumnRef::Column(column),
                    plan.columns().get(column).is_some_and(|c| c.in_key),
                ),
            };
            match render_for(rule, descriptor) {
                Ok(render) => leaves.push(Leaf {
                    index,
                    render,
                    max_def: descriptor.max_def_level(),
                    typed: TypedRule::for_leaf(rule, render, in_key),
                }),
                Err(expected) => {
                    findings.push(Finding {
                        column: column_ref,
                        code: Code::Type,
                        message: format!(
                            "column `{}` is {} in the file; {expected}",
                            names.get(index).map_or("", String::as_str),
                            describe(descriptor)
                        ),
                        value: None,
                    });
                    *slot = Slot::Ignored;
                }
            }
        }
        let groups = metadata
            .row_groups()
            .iter()
            .map(|g| usize::try_from(g.num_rows()).unwrap_or(0))
            .collect();
        let layout = ParquetLayout {
            header: header.with_slots(slots),
            leaves,
            groups,
            fields: names.len(),
        };
        (layout, findings)
    }

    /// Rows per row group.
    pub fn groups(&self) -> &[usize] {
        &self.groups
    }

    /// How many row outcomes row group `group` gives (chunks of 2,048 rows).
    pub fn chunks(&self, group: usize) -> usize {
        self.groups
            .get(group)
            .map_or(0, |rows| rows.div_ceil(CHUNK_ROWS))
    }

    /// Checks row group `group` of the file `reader` reads, chunk by chunk in order, handing
    /// each chunk's outcome to `emit` (which returns `false` to stop: then `Ok(false)`). The
    /// profile (open-enum values included) goes to `profile`. `Err`: the group could not be
    /// read to its end (the chunks handed over before stand).
    pub fn check_group(
        &self,
        plan: &CheckPlan,
        reader: &ParquetReader,
        group: usize,
        profile: &mut Profile,
        emit: &mut dyn FnMut(BatchOutcome) -> bool,
    ) -> io::Result<bool> {
        guarded(|| {
            let group_reader = reader.row_group(group)?;
            let total = self.groups.get(group).copied().unwrap_or(0);
            let mut columns = Vec::with_capacity(self.leaves.len());
            for leaf in &self.leaves {
                let column = ColumnDecoder::new(
                    &*group_reader,
                    leaf.index,
                    leaf.max_def,
                    reader.chunk_bytes(),
                )?;
                columns.push((leaf, column, Decoded::default()));
            }
            let mut stage = RecordStage::new(plan);
            let mut rows = RowChunk::new(self.fields);
            let mut done = 0usize;
            while done < total {
                let want = (total - done).min(CHUNK_ROWS);
                rows.clear(want);
                for (slot, (leaf, column, buffers)) in columns.iter_mut().enumerate() {
                    read_chunk(leaf, slot, column, buffers, want, &mut rows)?;
                }
                let outcome = rows.check(plan, &self.header, profile, &mut stage);
                done += want;
                if !emit(outcome) {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    }
}

/// The accepted Parquet columns for a model rule (`None`: `meta.action`, a string); `Err`
/// says what the column should have been.
fn render_for(rule: Option<&Rule>, c: &ColumnDescriptor) -> Result<Render, String> {
    if c.max_rep_level() > 0 {
        return Err("a repeated column cannot hold a DAP value".to_owned());
    }
    let physical = c.physical_type();
    let logical = c.logical_type_ref();
    let converted = c.converted_type();
    let stringy = physical == PhysicalType::BYTE_ARRAY
        && matches!(
            logical,
            None | Some(LogicalType::String | LogicalType::Enum)
        )
        && matches!(
            converted,
            ConvertedType::NONE | ConvertedType::UTF8 | ConvertedType::ENUM
        );
    let integer = matches!(physical, PhysicalType::INT32 | PhysicalType::INT64)
        && match logical {
            None => {
                converted == ConvertedType::NONE
                    || matches!(
                        converted,
                        ConvertedType::INT_8
                            | ConvertedType::INT_16
                            | ConvertedType::INT_32
                            | ConvertedType::INT_64
                    )
            }
            Some(LogicalType::Integer(t)) => t.is_signed,
            Some(_) => false,
        };
    let text_or = |expected: &str| {
        if stringy {
            Ok(Render::Text)
        } else {
            Err(expected.to_owned())
        }
    };
    match rule {
        None | Some(Rule::Ip | Rule::Text { .. } | Rule::StringEnum { .. }) => {
            text_or("a text column needs BYTE_ARRAY (String)")
        }
        Some(Rule::Uuid) => {
            let fixed = physical == PhysicalType::FIXED_LEN_BYTE_ARRAY
                && c.type_length() == 16
                && matches!(logical, None | Some(LogicalType::Uuid));
            if fixed {
                Ok(Render::Uuid16)
            } else {
                text_or(
                    "a uuid column needs BYTE_ARRAY (String) or FIXED_LEN_BYTE_ARRAY(16) (UUID)",
                )
            }
        }
        Some(Rule::Timestamp) => {
            let unit = match (physical, logical, converted) {
                (PhysicalType::INT96, _, _) => return Ok(Render::Int96),
                (PhysicalType::INT64, Some(LogicalType::Timestamp(t)), _) => Some(match t.unit {
                    TimeUnit::MILLIS => 1_000_000,
                    TimeUnit::MICROS => 1_000,
                    TimeUnit::NANOS => 1,
                }),
                (PhysicalType::INT64, None, ConvertedType::TIMESTAMP_MILLIS) => Some(1_000_000),
                (PhysicalType::INT64, None, ConvertedType::TIMESTAMP_MICROS) => Some(1_000),
                _ => None,
            };
            match unit {
                Some(nanos) => Ok(Render::Timestamp(nanos)),
                None => text_or(
                    "a timestamp column needs INT64 (TIMESTAMP), INT96 or BYTE_ARRAY (String)",
                ),
            }
        }
        Some(Rule::Int32 | Rule::Int64 | Rule::IntegerEnum { .. }) => {
            if integer {
                Ok(Render::Integer)
            } else {
                Err("an integer column needs INT32 or INT64 (signed)".to_owned())
            }
        }
        Some(Rule::Bool) => {
            if physical == PhysicalType::BOOLEAN {
                Ok(Render::Bool)
            } else {
                Err("a boolean column needs BOOLEAN".to_owned())
            }
        }
    }
}

/// `INT64 (TIMESTAMP(MICROS,true))`, `BYTE_ARRAY (String)`, ...
fn describe(c: &ColumnDescriptor) -> String {
    let physical = c.physical_type().to_string();
    let repeated = if c.max_rep_level() > 0 {
        "repeated "
    } else {
        ""
    };
    match (c.logical_type_ref(), c.converted_type()) {
        (Some(logical), _) => format!("{repeated}{physical} ({logical:?})"),
        (None, ConvertedType::NONE) => format!("{repeated}{physical}"),
        (None, converted) => format!("{repeated}{physical} ({converted})"),
    }
}

/// Decodes `want` rows of one column (the `slot`th read) into `rows`: text stays in the
/// decoder's buffers (handed to `rows`), values valid by type are kept as they are, the rest
/// rendered as text.
fn read_chunk(
    leaf: &Leaf,
    slot: usize,
    column: &mut ColumnDecoder,
    d: &mut Decoded,
    want: usize,
    rows: &mut RowChunk,
) -> io::Result<()> {
    column.read(want, d)?;
    // One loop per kind of column (the kind decided once, not per value).
    match leaf.render {
        Render::Text => place_values(leaf, slot, d, want, rows, |d, k| {
            d.text
                .get_checked(k)
                .map(|(text, hash, utf8)| Value::Text(text, hash, utf8))
        })?,
        Render::Uuid16 => place_values(leaf, slot, d, want, rows, |d, k| {
            d.text.get(k).map(|v| match <[u8; 16]>::try_from(v) {
                Ok(bytes) => Value::Uuid(bytes),
                Err(_) => Value::Text(b"", record_hash(b""), true),
            })
        })?,
        Render::Integer => place_values(leaf, slot, d, want, rows, |d, k| {
            d.ints.get(k).copied().map(Value::Int)
        })?,
        Render::Bool => place_values(leaf, slot, d, want, rows, |d, k| {
            d.bools.get(k).map(|v| Value::Bool(*v))
        })?,
        Render::Timestamp(1_000) => place_values(leaf, slot, d, want, rows, |d, k| {
            d.ints.get(k).copied().map(Value::Micros)
        })?,
        Render::Timestamp(unit) => place_values(leaf, slot, d, want, rows, |d, k| {
            d.ints
                .get(k)
                .map(|v| Value::Time(i128::from(*v) * i128::from(unit)))
        })?,
        Render::Int96 => place_values(leaf, slot, d, want, rows, |d, k| {
            d.int96.get(k).map(|data| {
                let nanos_of_day = u64::from(data[0]) | (u64::from(data[1]) << 32);
                let julian_day = i128::from(data[2]);
                Value::Time(
                    (julian_day - 2_440_588) * 86_400_000_000_000 + i128::from(nanos_of_day),
                )
            })
        })?,
    }
    // The chunk's text stays where the decoder put it: the rows take the buffer (and give
    // back the previous chunk's, reused for the next).
    if leaf.render == Render::Text {
        rows.take_bytes(slot, &mut d.text);
    }
    Ok(())
}

/// Puts each of the chunk's `want` rows of one column into `rows`: NULL, or value `k` as
/// `value_of` reads it from `d`, kept as what it is or (text, or a value that breaks a rule)
/// as text. When every row holds a value (no NULL in the chunk), row `k` is value `k`.
#[inline(always)]
fn place_values<'d>(
    leaf: &Leaf,
    slot: usize,
    d: &'d Decoded,
    want: usize,
    rows: &mut RowChunk,
    value_of: impl Fn(&'d Decoded, usize) -> Option<Value<'d>>,
) -> io::Result<()> {
    let values = d.values();
    let ended = || corrupt("a column chunk ended early");
    if leaf.max_def == 0 || values == want {
        for row in 0..want {
            let value = value_of(d, row).ok_or_else(ended)?;
            place(leaf, slot, row, row, value, rows);
        }
        return Ok(());
    }
    let mut next_value = 0usize;
    for row in 0..want {
        if d.def.get(row) != Some(&leaf.max_def) {
            rows.set_null(row, leaf.index);
            continue;
        }
        let k = next_value;
        next_value += 1;
        if k >= values {
            return Err(corrupt(format!(
                "column {} of a row group has fewer values than its definition levels say",
                leaf.index + 1
            )));
        }
        let value = value_of(d, k).ok_or_else(ended)?;
        place(leaf, slot, row, k, value, rows);
    }
    Ok(())
}

/// Puts value `k` of the `slot`th column read into row `row`.
#[inline(always)]
fn place(leaf: &Leaf, slot: usize, row: usize, k: usize, value: Value<'_>, rows: &mut RowChunk) {
    let typed = match value {
        Value::Text(_, hash, utf8) => {
            rows.set_bytes(row, leaf.index, slot, k, hash, utf8);
            return;
        }
        Value::Int(v) => leaf.typed.int(v),
        Value::Time(nanos) => leaf.typed.time(nanos),
        Value::Micros(micros) => leaf.typed.micros(micros),
        Value::Bool(v) if matches!(leaf.typed, TypedRule::Bool) => Some(Typed::Bool(v)),
        Value::Uuid(bytes) if matches!(leaf.typed, TypedRule::Uuid) => {
            Some(Typed::Uuid(u128::from_be_bytes(bytes)))
        }
        _ => None,
    };
    if let Some(typed) = typed {
        rows.set_typed(row, leaf.index, typed);
        return;
    }
    let out = rows.start_value();
    match value {
        Value::Text(text, ..) => out.extend_from_slice(text),
        Value::Uuid(bytes) => write_uuid(&bytes, out),
        Value::Int(v) => write_int(v, out),
        Value::Bool(v) => out.extend_from_slice(if v { b"true" } else { b"false" }),
        Value::Time(nanos) => write_timestamp(nanos, out),
        Value::Micros(micros) => write_timestamp(i128::from(micros) * 1000, out),
    }
    rows.end_value(row, leaf.index);
}

/// A decoded value, before it is kept typed or rendered as text.
#[derive(Clone, Copy)]
enum Value<'b> {
    /// Text, its hash, and whether it is UTF-8.
    Text(&'b [u8], u64, bool),
    Uuid([u8; 16]),
    Int(i64),
    Bool(bool),
    /// Nanoseconds since the Unix epoch.
    Time(i128),
    /// Microseconds since the Unix epoch (`INT64` micros, as Spark and DuckDB write times).
    Micros(i64),
}

/// An integer's decimal text, without `core::fmt` (which took a tenth of a Parquet run: every
/// integer and timestamp field is rendered to text for the shared checks).
fn write_int(value: i64, out: &mut Vec<u8>) {
    if value < 0 {
        out.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut n = value.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(at..).unwrap_or_default());
}

/// `value` as exactly `width` decimal digits (zero-padded; `value` is below `10^width`).
fn write_fixed(value: u64, width: u32, out: &mut Vec<u8>) {
    let mut scale = 10u64.pow(width.saturating_sub(1));
    let mut rest = value;
    for _ in 0..width {
        out.push(b'0' + (rest / scale % 10) as u8);
        rest %= scale.max(1);
        scale /= 10;
    }
}

fn write_uuid(bytes: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push(b'-');
        }
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0x0F)]);
    }
}

/// Nanoseconds since the Unix epoch as `YYYY-MM-DDThh:mm:ss.ffffffZ` (nine digits when the value
/// is not a whole microsecond; a year outside 0001-9999 is written as it is and fails the check).
fn write_timestamp(nanos: i128, out: &mut Vec<u8>) {
    use std::io::Write as _;
    let per_day: i128 = 86_400_000_000_000;
    // Days from 64-bit nanoseconds (or an INT96's day number) always fit in an i64; a value
    // that did not would be written as a far year and fail the check.
    let days = i64::try_from(nanos.div_euclid(per_day)).unwrap_or(i64::MAX / 2);
    let of_day = nanos.rem_euclid(per_day);
    let (year, month, day) = crate::formats::civil_from_days(days);
    let seconds = (of_day / 1_000_000_000) as u64;
    let fraction = (of_day % 1_000_000_000) as u64;
    // Digit by digit rather than through `write!` (a quarter of a Parquet run's instructions).
    match u64::try_from(year) {
        Ok(y) if y <= 9999 => write_fixed(y, 4, out),
        _ => {
            let _ = write!(out, "{year:04}");
        }
    }
    out.push(b'-');
    write_fixed(month.unsigned_abs(), 2, out);
    out.push(b'-');
    write_fixed(day.unsigned_abs(), 2, out);
    out.push(b'T');
    write_fixed(seconds / 3600, 2, out);
    out.push(b':');
    write_fixed((seconds / 60) % 60, 2, out);
    out.push(b':');
    write_fixed(seconds % 60, 2, out);
    out.push(b'.');
    if fraction.is_multiple_of(1000) {
        write_fixed(fraction / 1000, 6, out);
    } else {
        write_fixed(fraction, 9, out);
    }
    out.push(b'Z');
}

/// A chunk of rows, one cell per header field: NULL, a value kept as what it is, or text.
struct RowChunk {
    fields: usize,
    rows: usize,
    /// `fields × STRIDE` cells, column by column.
    cells: Vec<Cell>,
    /// Whether a row holds text that is not UTF-8.
    bad_utf8: Vec<bool>,
    /// Rendered values (a value that breaks its column's rule by type).
    text: Vec<u8>,
    start: usize,
    /// Per column read, its text values as the decoder left them.
    bytes: Vec<TextValues>,
    /// Per row, the hash the duplicate check compares, built a column at a time as the cells
    /// are set (each field's value, in the file's column order).
    hashes: Vec<u64>,
}

/// The row hash's step: the 128-bit product of the hash so far (with the field's own hash
/// mixed in) and an odd constant, folded to 64 bits (as `foldhash` mixes). Order-sensitive,
/// so the same values in other columns give another hash.
#[inline(always)]
fn mix(hash: u64, field: u64) -> u64 {
    let product = u128::from(hash ^ field) * 0x9E37_79B9_7F4A_7C15_u128;
    (product as u64) ^ ((product >> 64) as u64)
}

/// A NULL field's hash.
const NULL_HASH: u64 = 0x1E1E_1E1E_1E1E_1E1E;

impl RowChunk {
    fn new(fields: usize) -> RowChunk {
        RowChunk {
            fields,
            rows: 0,
            cells: Vec::new(),
            bad_utf8: Vec::new(),
            text: Vec::new(),
            start: 0,
            bytes: Vec::new(),
            hashes: Vec::new(),
        }
    }

    fn clear(&mut self, rows: usize) {
        self.rows = rows;
        // Column by column (each column's decoder writes its cells in a row); every read
        // column writes each of its cells, the others stay NULL from the start.
        if self.cells.len() < self.fields * STRIDE {
            self.cells.resize(self.fields * STRIDE, Cell::Null);
        }
        self.bad_utf8.clear();
        self.bad_utf8.resize(rows, false);
        self.text.clear();
        self.hashes.clear();
        self.hashes.resize(rows, 0);
    }

    /// Mixes a field's hash into row `row`'s.
    #[inline(always)]
    fn hash(&mut self, row: usize, field: u64) {
        if let Some(hash) = self.hashes.get_mut(row) {
            *hash = mix(*hash, field);
        }
    }

    fn set_null(&mut self, row: usize, field: usize) {
        self.hash(row, NULL_HASH);
        if let Some(cell) = self.cells.get_mut(field * STRIDE + row) {
            *cell = Cell::Null;
        }
    }

    fn set_typed(&mut self, row: usize, field: usize, value: Typed) {
        // A typed value's bits, told from another kind's by a constant per kind.
        let bits = match value {
            Typed::Int { value, .. } => value as u64,
            Typed::Micros(micros) => (micros as u64) ^ 0x2222_2222_2222_2222,
            Typed::Bool(b) => u64::from(b) ^ 0x3333_3333_3333_3333,
            Typed::Uuid(u) => mix(u as u64, (u >> 64) as u64) ^ 0x4444_4444_4444_4444,
        };
        self.hash(row, bits);
        if let Some(cell) = self.cells.get_mut(field * STRIDE + row) {
            *cell = Cell::Typed(value);
        }
    }

    fn start_value(&mut self) -> &mut Vec<u8> {
        self.start = self.text.len();
        &mut self.text
    }

    fn end_value(&mut self, row: usize, field: usize) {
        let span = (self.start, self.text.len());
        let text_hash = record_hash(self.text.get(span.0..span.1).unwrap_or_default());
        self.hash(row, text_hash);
        if let Some(cell) = self.cells.get_mut(field * STRIDE + row) {
            *cell = Cell::Text(span.0, span.1);
        }
    }

    /// Field `field` of row `row` is value `k` of the `slot`th column read, whose hash is
    /// `hash` (`utf8`: whether it is UTF-8; a row holding text that is not is `malformed`).
    #[inline]
    fn set_bytes(
        &mut self,
        row: usize,
        field: usize,
        slot: usize,
        k: usize,
        hash: u64,
        utf8: bool,
    ) {
        if !utf8 && let Some(bad) = self.bad_utf8.get_mut(row) {
            *bad = true;
        }
        self.hash(row, hash);
        if let Some(cell) = self.cells.get_mut(field * STRIDE + row) {
            *cell = Cell::Bytes(slot as u32, k as u32);
        }
    }

    /// Takes the `slot`th column's decoded text values, giving back what it held before.
    fn take_bytes(&mut self, slot: usize, values: &mut TextValues) {
        if self.bytes.len() <= slot {
            self.bytes.resize_with(slot + 1, TextValues::default);
        }
        if let Some(mine) = self.bytes.get_mut(slot) {
            std::mem::swap(mine, values);
        }
    }

    /// Checks every row of the chunk.
    fn check(
        &self,
        plan: &CheckPlan,
        header: &Header,
        profile: &mut Profile,
        stage: &mut RecordStage,
    ) -> BatchOutcome {
        let mut out = BatchOutcome::default();
        let mut findings = Findings::default();
        for row in 0..self.rows {
            let record = row as u64;
            out.records += 1;
            let view = RowView { chunk: self, row };
            if self.bad_utf8.get(row).copied().unwrap_or(false) {
                out.invalid_records += 1;
                out.findings.push(LocatedFinding {
                    line: 0,
                    record,
                    finding: text::malformed(
                        "a text column holds bytes that are not UTF-8".to_owned(),
                        &view.text(),
                    ),
                });
                continue;
            }
            findings.clear();
            let key = text::check_record(plan, header, &view, &mut findings, profile, stage);
            if !findings.is_empty() {
                out.invalid_records += 1;
                for finding in findings.drain() {
                    out.findings.push(LocatedFinding {
                        line: 0,
                        record,
                        finding,
                    });
                }
            }
            if let Some((key, uuid)) = key {
                out.keys.push(KeyEntry {
                    line: 0,
                    record,
                    key,
                    // The fields' hashes folded once more (the last field's spread to every bit).
                    record_hash: mix(self.hashes.get(row).copied().unwrap_or(0), NULL_HASH),
                    uuid,
                });
            }
        }
        profile.absorb(stage);
        out
    }
}

/// One row of a [`RowChunk`].
struct RowView<'c> {
    chunk: &'c RowChunk,
    row: usize,
}

impl RowView<'_> {
    fn cell(&self, index: usize) -> Cell {
        self.chunk
            .cells
            .get(index * STRIDE + self.row)
            .copied()
            .unwrap_or(Cell::Null)
    }

    /// The row as text, fields ended by `0x1F` (NULL: `0x1E`), typed values rendered: a
    /// `malformed` row's value.
    #[cold]
    fn text(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for field in 0..self.chunk.fields {
            match self.cell(field) {
                Cell::Null => {
                    out.push(0x1E);
                    continue;
                }
                Cell::Text(..) | Cell::Bytes(..) => {
                    if let TextField::Text(t) = self.field(field) {
                        out.extend_from_slice(t);
                    }
                }
                Cell::Typed(Typed::Int { value, .. }) => write_int(value, &mut out),
                Cell::Typed(Typed::Micros(micros)) => {
                    write_timestamp(i128::from(micros) * 1000, &mut out);
                }
                Cell::Typed(Typed::Bool(b)) => {
                    out.extend_from_slice(if b { b"true" } else { b"false" });
                }
                Cell::Typed(Typed::Uuid(u)) => write_uuid(&u.to_be_bytes(), &mut out),
            }
            out.push(0x1F);
        }
        out
    }
}

/// One field of a [`RowChunk`] row.
#[derive(Debug, Clone, Copy)]
enum Cell {
    Null,
    /// `text[start..end]`.
    Text(usize, usize),
    /// Value `k` of the `slot`th column read, in the decoder's buffer.
    Bytes(u32, u32),
    Typed(Typed),
}

impl<'c> RowView<'c> {
    /// A cell's text (NULL for a typed one).
    #[inline]
    fn text_of(&self, cell: Cell) -> TextField<'c> {
        match cell {
            Cell::Text(a, b) => TextField::Text(self.chunk.text.get(a..b).unwrap_or_default()),
            Cell::Bytes(slot, k) => TextField::Text(
                self.chunk
                    .bytes
                    .get(slot as usize)
                    .and_then(|values| values.get(k as usize))
                    .unwrap_or_default(),
            ),
            Cell::Null | Cell::Typed(_) => TextField::Null,
        }
    }
}

impl RecordFields for RowView<'_> {
    #[inline]
    fn field(&self, index: usize) -> TextField<'_> {
        self.text_of(self.cell(index))
    }

    #[inline]
    fn typed(&self, index: usize) -> Option<Typed> {
        match self.cell(index) {
            Cell::Typed(value) => Some(value),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timestamp(nanos: i128) -> String {
        let mut out = Vec::new();
        write_timestamp(nanos, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn timestamps_render_in_the_dap_form() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            timestamp(1_714_521_600_123_456_000),
            "2024-05-01T00:00:00.123456Z"
        );
        assert_eq!(
            timestamp(951_782_400_000_000_000),
            "2000-02-29T00:00:00.000000Z"
        );
        assert_eq!(timestamp(-1_000), "1969-12-31T23:59:59.999999Z");
        assert_eq!(timestamp(1), "1970-01-01T00:00:00.000000001Z");
        assert!(!crate::formats::is_timestamp(timestamp(1).as_bytes()));
        assert!(crate::formats::is_timestamp(timestamp(1_000).as_bytes()));
    }

    #[test]
    fn digits_are_written_as_core_fmt_would() {
        for value in [
            0,
            1,
            -1,
            9,
            10,
            -10,
            i64::from(i32::MAX),
            i64::from(i32::MAX) + 1,
            i64::MAX,
            i64::MIN,
            170_000_000_267_045,
        ] {
            let mut out = Vec::new();
            write_int(value, &mut out);
            assert_eq!(String::from_utf8_lossy(&out), value.to_string());
        }
        // The year's boundaries, and years that fail the check, as `{:04}` writes them.
        let per_day: i128 = 86_400_000_000_000;
        let days_from_epoch_to_0001 = -719_162;
        assert_eq!(
            timestamp(days_from_epoch_to_0001 * per_day),
            "0001-01-01T00:00:00.000000Z"
        );
        assert_eq!(
            timestamp((days_from_epoch_to_0001 - 1) * per_day),
            "0000-12-31T00:00:00.000000Z"
        );
        assert_eq!(
            timestamp(253_402_300_799_999_999_000),
            "9999-12-31T23:59:59.999999Z"
        );
        assert_eq!(
            timestamp(253_402_300_800_000_000_000),
            "10000-01-01T00:00:00.000000Z"
        );
        assert!(timestamp((days_from_epoch_to_0001 - 400) * per_day).starts_with("-001-"));
    }

    fn column(
        physical: PhysicalType,
        logical: Option<LogicalType>,
        length: i32,
        repeated: bool,
    ) -> ColumnDescriptor {
        use parquet::basic::Repetition;
        use parquet::schema::types::{ColumnPath, Type};
        let mut builder = Type::primitive_type_builder("c", physical)
            .with_repetition(if repeated {
                Repetition::REPEATED
            } else {
                Repetition::OPTIONAL
            })
            .with_logical_type(logical);
        if length > 0 {
            builder = builder.with_length(length);
        }
        let ty = builder.build().unwrap_or_else(|e| panic!("{e}"));
        ColumnDescriptor::new(
            std::sync::Arc::new(ty),
            1,
            i16::from(repeated),
            ColumnPath::new(vec!["c".to_owned()]),
        )
    }

    #[test]
    fn schema_types_are_accepted_as_documented() {
        use PhysicalType::{
            BOOLEAN, BYTE_ARRAY, DOUBLE, FIXED_LEN_BYTE_ARRAY, INT32, INT64, INT96,
        };
        let micros = LogicalType::timestamp(true, TimeUnit::MICROS);
        let nanos = LogicalType::timestamp(false, TimeUnit::NANOS);
        let text = Rule::Text {
            max_chars: None,
            sentinels: crate::plan::LiteralSet::default(),
        };
        let ok = |rule: Option<&Rule>, c: ColumnDescriptor| render_for(rule, &c).ok();
        let s = Some(LogicalType::String);
        assert_eq!(
            ok(Some(&Rule::Uuid), column(BYTE_ARRAY, s.clone(), 0, false)),
            Some(Render::Text)
        );
        assert_eq!(
            ok(
                Some(&Rule::Uuid),
                column(FIXED_LEN_BYTE_ARRAY, Some(LogicalType::Uuid), 16, false)
            ),
            Some(Render::Uuid16)
        );
        assert_eq!(ok(Some(&Rule::Uuid), column(INT64, None, 0, false)), None);
        assert_eq!(
            ok(
                Some(&Rule::Timestamp),
                column(INT64, Some(micros), 0, false)
            ),
            Some(Render::Timestamp(1_000))
        );
        assert_eq!(
            ok(Some(&Rule::Timestamp), column(INT64, Some(nanos), 0, false)),
            Some(Render::Timestamp(1))
        );
        assert_eq!(
            ok(Some(&Rule::Timestamp), column(INT96, None, 0, false)),
            Some(Render::Int96)
        );
        assert_eq!(
            ok(Some(&Rule::Timestamp), column(INT64, None, 0, false)),
            None
        );
        assert_eq!(
            ok(Some(&Rule::Int32), column(INT64, None, 0, false)),
            Some(Render::Integer)
        );
        assert_eq!(
            ok(Some(&Rule::Int64), column(INT32, None, 0, false)),
            Some(Render::Integer)
        );
        assert_eq!(
            ok(
                Some(&Rule::Int64),
                column(INT64, Some(LogicalType::integer(64, false)), 0, false)
            ),
            None,
            "unsigned 64-bit integers can exceed int64"
        );
        assert_eq!(ok(Some(&Rule::Int64), column(DOUBLE, None, 0, false)), None);
        assert_eq!(
            ok(Some(&Rule::Bool), column(BOOLEAN, None, 0, false)),
            Some(Render::Bool)
        );
        assert_eq!(ok(Some(&Rule::Bool), column(INT32, None, 0, false)), None);
        assert_eq!(
            ok(Some(&text), column(BYTE_ARRAY, None, 0, false)),
            Some(Render::Text)
        );
        assert_eq!(
            ok(
                Some(&text),
                column(BYTE_ARRAY, Some(LogicalType::Json), 0, false)
            ),
            None
        );
        assert_eq!(
            ok(None, column(BYTE_ARRAY, s.clone(), 0, false)),
            Some(Render::Text)
        );
        assert_eq!(
            ok(Some(&text), column(BYTE_ARRAY, s, 0, true)),
            None,
            "repeated"
        );
    }

    /// Values are kept typed exactly when the text path would find them valid: at every
    /// boundary, one side typed and the other rendered (and then a violation).
    #[test]
    fn typed_values_are_those_the_text_checks_accept() {
        let plan = crate::plan::web_logs_plan();
        let accepts = |column: &str, text: &str| {
            let c = plan.columns().iter().position(|c| &*c.name == column);
            let c = c.unwrap_or_else(|| panic!("{column}"));
            let field = TextField::Text(text.as_bytes());
            let mut stage = crate::profile::RecordStage::new(&plan);
            text::check_text_field(&plan, c, field, &mut Findings::default(), &mut stage).is_valid()
        };
        for v in [
            i64::from(i32::MIN) - 1,
            i64::from(i32::MIN),
            -1,
            0,
            i64::from(i32::MAX),
            i64::from(i32::MAX) + 1,
        ] {
            let typed = TypedRule::Int32.int(v).is_some();
            assert_eq!(typed, accepts("interaction_micros", &v.to_string()), "{v}");
            assert!(TypedRule::Int64.int(v).is_some());
        }
        let statuses = TypedRule::Members(IntegerMembers::new(vec![200, 404]));
        assert_eq!(
            statuses.int(404),
            Some(Typed::Int {
                value: 404,
                member: Some(1)
            })
        );
        assert_eq!(statuses.int(405), None);
        let per_micro = 1_000i128;
        for micros in [
            MICROS_RANGE.0 - 1,
            MICROS_RANGE.0,
            0,
            1_714_521_600_123_456,
            MICROS_RANGE.1,
            MICROS_RANGE.1 + 1,
        ] {
            let nanos = i128::from(micros) * per_micro;
            let typed = TypedRule::Micros.time(nanos);
            // `INT64` micros take the direct path to the same verdict.
            assert_eq!(TypedRule::Micros.micros(micros), typed, "{micros}");
            assert_eq!(
                typed.is_some(),
                crate::formats::is_timestamp(timestamp(nanos).as_bytes()),
                "{micros}"
            );
            if let Some(Typed::Micros(m)) = typed {
                assert_eq!(
                    Some(m),
                    crate::formats::timestamp_micros(timestamp(nanos).as_bytes())
                );
            }
        }
        assert_eq!(TypedRule::Micros.time(1_714_521_600_123_456_001), None);
        assert_eq!(TypedRule::Text.time(0), None);
        assert_eq!(TypedRule::Text.micros(0), None);
        assert_eq!(TypedRule::Text.int(0), None);
        // A uuid's number is the one its text parses to (key fingerprints agree across formats).
        let bytes: [u8; 16] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0xA5);
        let mut text = Vec::new();
        write_uuid(&bytes, &mut text);
        assert_eq!(
            crate::formats::parse_uuid(&text),
            Some(u128::from_be_bytes(bytes))
        );
    }

    #[test]
    fn uuids_render_hyphenated() {
        let mut out = Vec::new();
        write_uuid(&[0xAB; 16], &mut out);
        assert_eq!(out, b"abababab-abab-abab-abab-abababababab");
        assert!(crate::formats::parse_uuid(&out).is_some());
    }
}
