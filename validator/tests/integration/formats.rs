//! One corpus, four formats: the same records written as JSONL, CSV, TSV and Parquet (flat
//! dotted columns and struct columns) must give the same violations (record, column, code).
//!
//! The corpus (built from the model, so a YAML change keeps it complete): every value of every
//! enum, every null spelling (JSONL absent and `null`; CSV empty and `NULL`; TSV `\N`; Parquet
//! null leaves and a null `value` struct), the empty string and the text `NULL`, boundary lengths
//! in multi-byte text, newlines, tabs, quotes, backslashes and commas in `url`, deletes, and one
//! invalid record for every code a row can break in every format. Two codes cannot be compared
//! row by row in all four formats, by design: `type` (a Parquet column has one type for the
//! whole file, checked once) is compared across JSONL, CSV and TSV on a second corpus, and
//! `unknown_column` (a header or schema property in CSV, TSV and Parquet) is covered by the CLI
//! cases. Parquet fixtures for the CLI cases are written here too (and checked for drift).
//!
//! Parquet variants: flat (INT64 integers, INT64 micros timestamps, gzip pages) and struct
//! (`meta.ts` as Spark's INT96, `http_status` as INT32, snappy pages); strings are BYTE_ARRAY
//! UTF8 in both, row groups of 40 rows.

use canvas_logs_codegen::model::{ColumnType, EnumRepr};
use parquet::basic::{
    Compression, Encoding, GzipLevel, LogicalType, Repetition, TimeUnit, Type as PhysicalType,
};
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, Int32Type, Int64Type, Int96, Int96Type,
};
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// One value as the corpus means it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    /// Text (possibly not UTF-8, to make a row malformed).
    Str(Vec<u8>),
    Int(i64),
    Bool(bool),
    /// A timestamp in microseconds since the epoch.
    Ts(i64),
    /// A literal written as is in JSON, CSV and TSV (the `type` corpus only).
    Lit(&'static str),
}

fn s(text: &str) -> Cell {
    Cell::Str(text.as_bytes().to_vec())
}

/// One record: meta, every column in table order, and what JSONL must report for it.
#[derive(Debug, Clone)]
struct Rec {
    ts: Cell,
    action: Option<&'static str>,
    cells: Vec<Cell>,
    expected: Vec<(&'static str, &'static str)>,
}

/// A column of the table: name, whether it is in the key, its Parquet leaf type.
#[derive(Debug, Clone)]
struct Col {
    name: String,
    in_key: bool,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// INT64 (flat layout) or, for `http_status` in the struct layout, INT32 (as Spark writes an
    /// `IntegerType`).
    Int,
    Bool,
    Ts,
}

struct Corpus {
    columns: Vec<Col>,
    records: Vec<Rec>,
}

impl Corpus {
    fn index(&self, name: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
}

const BASE_MICROS: i64 = 1_714_521_600_000_000; // 2024-05-01T00:00:00Z

fn uuid(n: u64) -> Cell {
    s(&format!("0a1b2c3d-4e5f-4789-abcd-{n:012x}"))
}

/// Valid records that together use every enum value, then the tricky and invalid ones.
fn corpus(with_type_cases: bool) -> Corpus {
    let namespace = canvas_logs_codegen::load_embedded();
    let table = namespace
        .table("web_logs")
        .unwrap_or_else(|| panic!("web_logs"));
    let mut columns = Vec::new();
    let mut enum_values: Vec<Vec<Cell>> = Vec::new();
    for (i, c) in table.columns().iter().enumerate() {
        let (kind, values) = match c.ty() {
            ColumnType::Timestamp => (Kind::Ts, Vec::new()),
            ColumnType::Int32 | ColumnType::Int64 => (Kind::Int, Vec::new()),
            ColumnType::Bool => (Kind::Bool, Vec::new()),
            ColumnType::Enum(id) => {
                let e = namespace.enum_by_id(id);
                match e.repr() {
                    EnumRepr::Integer => (
                        Kind::Int,
                        e.values()
                            .iter()
                            .filter_map(|v| v.value().as_i32())
                            .map(|v| Cell::Int(i64::from(v)))
                            .collect(),
                    ),
                    EnumRepr::String => (
                        Kind::Text,
                        e.values()
                            .iter()
                            .flat_map(|v| v.accepted_spellings())
                            .map(|v| s(&v))
                            .collect(),
                    ),
                }
            }
            _ => (Kind::Text, Vec::new()),
        };
        columns.push(Col {
            name: c.name().to_owned(),
            in_key: table.is_key_column(i),
            kind,
        });
        enum_values.push(values);
    }
    let rounds = enum_values.iter().map(Vec::len).max().unwrap_or(1).max(4);
    let mut records = Vec::new();
    for n in 0..rounds {
        let cells = table
            .columns()
            .iter()
            .zip(&enum_values)
            .map(|(c, values)| {
                if !values.is_empty() {
                    return values[n % values.len()].clone();
                }
                let nullable_null = c.nullable() && n % 3 == 1;
                if nullable_null {
                    return Cell::Null;
                }
                match c.ty() {
                    ColumnType::Uuid => uuid(n as u64 * 2 + if c.nullable() { 1 } else { 0 }),
                    ColumnType::Timestamp => Cell::Ts(BASE_MICROS + n as i64 * 1_001),
                    ColumnType::Int32 => Cell::Int(800 + n as i64),
                    ColumnType::Int64 => Cell::Int(170_000_000_000_000 + n as i64),
                    ColumnType::Bool => Cell::Bool(n % 2 == 0),
                    ColumnType::Ip if n % 5 == 0 => s("2001:db8::8a2e:370:7334"),
                    ColumnType::Ip => s(&format!("10.0.{}.1", n % 250)),
                    _ if c.name() == "url" => s(&format!("/courses/1/assignments/{n}")),
                    _ => s(&format!("text {n}")),
                }
            })
            .collect();
        records.push(Rec {
            ts: Cell::Ts(BASE_MICROS + n as i64),
            action: if n % 4 == 3 { None } else { Some("U") },
            cells,
            expected: Vec::new(),
        });
    }
    let mut corpus = Corpus { columns, records };
    let template = corpus.records[0].clone();
    let add = |corpus: &mut Corpus,
               expected: Vec<(&'static str, &'static str)>,
               change: &dyn Fn(&Corpus, &mut Rec)| {
        let mut rec = template.clone();
        let n = corpus.records.len() as u64;
        let id = corpus.index("id");
        rec.cells[id] = uuid(0x1000 + n);
        change(corpus, &mut rec);
        rec.expected = expected;
        corpus.records.push(rec);
    };
    let set = |name: &'static str, cell: Cell| {
        move |c: &Corpus, r: &mut Rec| {
            let i = c.index(name);
            r.cells[i] = cell.clone();
        }
    };
    // Tricky valid records.
    add(&mut corpus, vec![], &set("url", s("")));
    add(&mut corpus, vec![], &set("url", s("NULL")));
    add(&mut corpus, vec![], &set("user_agent", s("NULL")));
    add(
        &mut corpus,
        vec![],
        &set("url", s("/a,b\n\"quoted\"\ttab\\back\r\nend")),
    );
    add(&mut corpus, vec![], &set("url", s("\\N")));
    add(&mut corpus, vec![], &set("user_agent", s(&"é".repeat(255))));
    add(
        &mut corpus,
        vec![],
        &set("user_agent", s(&"😀".repeat(255))),
    );
    add(
        &mut corpus,
        vec![],
        &set("user_agent", s("__dap_oversized_truncated__")),
    );
    add(
        &mut corpus,
        vec![],
        &set("web_application_controller", s("brand_new_controller")),
    );
    add(
        &mut corpus,
        vec![],
        &set("interaction_micros", Cell::Int(-2_147_483_648)),
    );
    add(&mut corpus, vec![], &set("course_id", Cell::Int(i64::MAX)));
    add(
        &mut corpus,
        vec![],
        &set("id", s("0A1B2C3D-4E5F-4789-ABCD-EF0123456789")),
    );
    add(&mut corpus, vec![], &|c, r| {
        // A delete: NULL in every value column.
        r.action = Some("D");
        for (i, col) in c.columns.iter().enumerate() {
            if !col.in_key {
                r.cells[i] = Cell::Null;
            }
        }
    });
    // One invalid record per code (several for some).
    add(
        &mut corpus,
        vec![("url", "not_null")],
        &set("url", Cell::Null),
    );
    add(
        &mut corpus,
        vec![("participated", "not_null")],
        &set("participated", Cell::Null),
    );
    add(
        &mut corpus,
        vec![("id", "not_null")],
        &set("id", Cell::Null),
    );
    add(&mut corpus, vec![("meta.ts", "not_null")], &|_, r| {
        r.ts = Cell::Null
    });
    add(
        &mut corpus,
        vec![("id", "format")],
        &set("id", s("not-a-uuid")),
    );
    add(
        &mut corpus,
        vec![("session_id", "format")],
        &set("session_id", s("0a1b2c3d-4e5f-6789-abcd-ef012345678")),
    );
    add(
        &mut corpus,
        vec![("remote_ip", "format")],
        &set("remote_ip", s("999.1.1.1")),
    );
    add(
        &mut corpus,
        vec![("interaction_micros", "range")],
        &set("interaction_micros", Cell::Int(2_147_483_648)),
    );
    add(
        &mut corpus,
        vec![("http_method", "enum")],
        &set("http_method", s("get")),
    );
    add(
        &mut corpus,
        vec![("http_status", "enum")],
        &set("http_status", Cell::Int(299)),
    );
    add(
        &mut corpus,
        vec![("http_version", "enum")],
        &set("http_version", s("3.0")),
    );
    add(
        &mut corpus,
        vec![("web_application_context_type", "enum")],
        &set("web_application_context_type", s("course")),
    );
    add(&mut corpus, vec![("meta.action", "enum")], &|_, r| {
        r.action = Some("X")
    });
    add(
        &mut corpus,
        vec![("user_agent", "max_length")],
        &set("user_agent", s(&"😀".repeat(256))),
    );
    add(
        &mut corpus,
        vec![("user_agent", "max_length")],
        &set("user_agent", s(&"é".repeat(256))),
    );
    add(
        &mut corpus,
        vec![("(record)", "malformed")],
        &set("url", Cell::Str(b"/bad\xff".to_vec())),
    );
    add(
        &mut corpus,
        vec![
            ("url", "not_null"),
            ("remote_ip", "format"),
            ("http_status", "enum"),
        ],
        &|c, r| {
            set("url", Cell::Null)(c, r);
            set("remote_ip", s("10.0.0"))(c, r);
            set("http_status", Cell::Int(1))(c, r);
        },
    );
    // A redelivered key (conflicting content): a warning.
    let mut again = corpus.records[1].clone();
    let url = corpus.index("url");
    again.cells[url] = s("/redelivered");
    again.expected = vec![("id", "duplicate_key")];
    corpus.records.push(again);
    // A redelivered record (the same content): an identical duplicate in every format (Parquet
    // hashes a row's values, JSONL and CSV its text).
    let mut same = corpus.records[0].clone();
    assert!(same.expected.is_empty(), "the first record is valid");
    same.expected = vec![("id", "duplicate_key")];
    corpus.records.push(same);
    if with_type_cases {
        add(
            &mut corpus,
            vec![("participated", "type")],
            &set("participated", Cell::Lit("1")),
        );
        add(
            &mut corpus,
            vec![("user_id", "type")],
            &set("user_id", Cell::Lit("1.5")),
        );
        add(
            &mut corpus,
            vec![("http_status", "type")],
            &set("http_status", Cell::Lit("2e2")),
        );
        add(
            &mut corpus,
            vec![("interaction_micros", "type")],
            &set("interaction_micros", Cell::Lit("true")),
        );
    }
    corpus
}

fn micros_text(micros: i64) -> String {
    let days = micros.div_euclid(86_400_000_000);
    let of_day = micros.rem_euclid(86_400_000_000);
    // Days since 2024-05-01 stay within May 2024 in this corpus.
    let base_days = BASE_MICROS / 86_400_000_000;
    let day = 1 + (days - base_days);
    let seconds = of_day / 1_000_000;
    format!(
        "2024-05-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        seconds / 3600,
        (seconds / 60) % 60,
        seconds % 60,
        of_day % 1_000_000
    )
}

fn json_string(bytes: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let quoted = serde_json::to_string(text).unwrap_or_default();
            out.extend_from_slice(&quoted.as_bytes()[1..quoted.len() - 1]);
        }
        Err(_) => out.extend_from_slice(bytes),
    }
    out.push(b'"');
}

fn jsonl(corpus: &Corpus) -> Vec<u8> {
    let mut out = Vec::new();
    for (n, rec) in corpus.records.iter().enumerate() {
        let explicit_null = n % 2 == 1;
        let member = |out: &mut Vec<u8>, first: &mut bool, name: &str, cell: &Cell| {
            if *cell == Cell::Null && !explicit_null {
                return;
            }
            if !*first {
                out.push(b',');
            }
            *first = false;
            out.extend_from_slice(format!("\"{name}\":").as_bytes());
            match cell {
                Cell::Null => out.extend_from_slice(b"null"),
                Cell::Str(b) => json_string(b, out),
                Cell::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
                Cell::Bool(b) => out.extend_from_slice(b.to_string().as_bytes()),
                Cell::Ts(m) => json_string(micros_text(*m).as_bytes(), out),
                Cell::Lit(l) => out.extend_from_slice(l.as_bytes()),
            }
        };
        out.extend_from_slice(b"{\"meta\":{");
        let mut first = true;
        member(&mut out, &mut first, "ts", &rec.ts);
        if let Some(action) = rec.action {
            member(&mut out, &mut first, "action", &s(action));
        }
        out.extend_from_slice(b"},\"key\":{");
        let mut first = true;
        for (col, cell) in corpus.columns.iter().zip(&rec.cells) {
            if col.in_key {
                member(&mut out, &mut first, &col.name, cell);
            }
        }
        out.push(b'}');
        if rec.action != Some("D") {
            out.extend_from_slice(b",\"value\":{");
            let mut first = true;
            for (col, cell) in corpus.columns.iter().zip(&rec.cells) {
                if !col.in_key {
                    member(&mut out, &mut first, &col.name, cell);
                }
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"}\n");
    }
    out
}

fn header_names(corpus: &Corpus) -> Vec<String> {
    let mut names = vec!["meta.ts".to_owned(), "meta.action".to_owned()];
    for col in &corpus.columns {
        let section = if col.in_key { "key" } else { "value" };
        names.push(format!("{section}.{}", col.name));
    }
    names
}

/// The fields of a record in header order (meta.ts, meta.action, columns).
fn fields(rec: &Rec) -> Vec<Cell> {
    let mut out = vec![rec.ts.clone(), rec.action.map_or(Cell::Null, s)];
    out.extend(rec.cells.iter().cloned());
    out
}

fn csv(corpus: &Corpus) -> Vec<u8> {
    let mut out = header_names(corpus).join(",").into_bytes();
    out.push(b'\n');
    for (n, rec) in corpus.records.iter().enumerate() {
        for (i, cell) in fields(rec).iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match cell {
                Cell::Null if (n + i) % 2 == 0 => {}
                Cell::Null => out.extend_from_slice(b"NULL"),
                Cell::Str(b) => {
                    let quote = b.is_empty()
                        || b == b"NULL"
                        || b.iter()
                            .any(|c| matches!(c, b',' | b'"' | b'\n' | b'\r' | b'\t'));
                    if quote {
                        out.push(b'"');
                        for &c in b {
                            if c == b'"' {
                                out.push(b'"');
                            }
                            out.push(c);
                        }
                        out.push(b'"');
                    } else {
                        out.extend_from_slice(b);
                    }
                }
                Cell::Int(v) => out.extend_from_slice(v.to_string().as_bytes()),
                Cell::Bool(b) => out.extend_from_slice(b.to_string().as_bytes()),
                Cell::Ts(m) => out.extend_from_slice(micros_text(*m).as_bytes()),
                Cell::Lit(l) => out.extend_from_slice(l.as_bytes()),
            }
        }
        out.push(b'\n');
    }
    out
}

fn tsv(corpus: &Corpus) -> Vec<u8> {
    let mut out = header_names(corpus).join("\t").into_bytes();
    out.push(b'\n');
    for rec in &corpus.records {
        for (i, cell) in fields(rec).iter().enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            match cell {
                Cell::Null => out.extend_from_slice(b"\\N"),
                Cell::Str(b) => {
                    for &c in b {
                        match c {
                            b'\\' => out.extend_from_slice(b"\\\\"),
                            b'\n' => out.extend_from_slice(b"\\n"),
                            b'\r' => out.extend_from_slice(b"\\r"),
                            b'\t' => out.extend_from_slice(b"\\t"),
                            0x08 => out.extend_from_slice(b"\\b"),
                            0x0C => out.extend_from_slice(b"\\f"),
                            0x0B => out.extend_from_slice(b"\\v"),
                            other => out.push(other),
                        }
                    }
                }
                Cell::Int(v) => out.extend_from_slice(v.to_string().as_bytes()),
                Cell::Bool(b) => out.extend_from_slice(b.to_string().as_bytes()),
                Cell::Ts(m) => out.extend_from_slice(micros_text(*m).as_bytes()),
                Cell::Lit(l) => out.extend_from_slice(l.as_bytes()),
            }
        }
        out.push(b'\n');
    }
    out
}

/// How a Parquet file lays out the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Top-level leaves named `meta.ts`, `value.url`, ...
    Flat,
    /// Struct columns `meta`, `key`, `value`; `meta.ts` as Spark's INT96.
    Struct,
}

fn leaf(name: &str, kind: Kind, int96: bool) -> Arc<Type> {
    let builder = match kind {
        Kind::Text => Type::primitive_type_builder(name, PhysicalType::BYTE_ARRAY)
            .with_logical_type(Some(LogicalType::String)),
        Kind::Int => Type::primitive_type_builder(name, PhysicalType::INT64),
        Kind::Bool => Type::primitive_type_builder(name, PhysicalType::BOOLEAN),
        Kind::Ts if int96 => Type::primitive_type_builder(name, PhysicalType::INT96),
        Kind::Ts => Type::primitive_type_builder(name, PhysicalType::INT64)
            .with_logical_type(Some(LogicalType::timestamp(true, TimeUnit::MICROS))),
    };
    Arc::new(
        builder
            .with_repetition(Repetition::OPTIONAL)
            .build()
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

fn int32_leaf(name: &str) -> Arc<Type> {
    Arc::new(
        Type::primitive_type_builder(name, PhysicalType::INT32)
            .with_repetition(Repetition::OPTIONAL)
            .build()
            .unwrap_or_else(|e| panic!("{e}")),
    )
}

/// The leaves in file order: (dotted name, kind, section index or none, INT96).
fn parquet_leaves(corpus: &Corpus) -> Vec<(String, Kind)> {
    let mut leaves = vec![
        ("meta.ts".to_owned(), Kind::Ts),
        ("meta.action".to_owned(), Kind::Text),
    ];
    for section in [true, false] {
        for col in corpus.columns.iter().filter(|c| c.in_key == section) {
            let prefix = if col.in_key { "key" } else { "value" };
            leaves.push((format!("{prefix}.{}", col.name), col.kind));
        }
    }
    leaves
}

/// Writes the corpus as Parquet. `override_kind` replaces one leaf's type (a wrong-type file).
fn parquet(corpus: &Corpus, layout: Layout, override_kind: Option<(&str, Kind)>) -> Vec<u8> {
    parquet_with(corpus, layout, override_kind, None, Pages::Dictionary)
}

/// How a Parquet writer encodes the pages' values.
#[derive(Clone, Copy)]
enum Pages {
    /// parquet-rs's default: dictionaries, data pages v1.
    Dictionary,
    /// No dictionary, data pages v1: every value `PLAIN`.
    Plain,
    /// No dictionary, data pages v2: `DELTA_BINARY_PACKED` numbers, `DELTA_BYTE_ARRAY` text,
    /// `RLE` booleans (what a writer's v2 setting gives).
    Delta,
}

/// [`parquet`] with `codec` instead of the layout's usual one.
fn parquet_with(
    corpus: &Corpus,
    layout: Layout,
    override_kind: Option<(&str, Kind)>,
    codec: Option<Compression>,
    pages: Pages,
) -> Vec<u8> {
    let leaves: Vec<(String, Kind)> = parquet_leaves(corpus)
        .into_iter()
        .map(|(name, kind)| match override_kind {
            Some((over, k)) if over == name => (name, k),
            _ => (name, kind),
        })
        .collect();
    let int32 = |name: &str| layout == Layout::Struct && name == "value.http_status";
    let schema = match layout {
        Layout::Flat => Type::group_type_builder("spark_schema")
            .with_fields(leaves.iter().map(|(n, k)| leaf(n, *k, false)).collect())
            .build(),
        Layout::Struct => {
            let group = |section: &str| {
                let fields = leaves
                    .iter()
                    .filter_map(|(n, k)| {
                        let (sec, rest) = n.split_once('.')?;
                        (sec == section).then(|| {
                            if int32(n) {
                                int32_leaf(rest)
                            } else {
                                leaf(rest, *k, section == "meta")
                            }
                        })
                    })
                    .collect();
                Arc::new(
                    Type::group_type_builder(section)
                        .with_repetition(Repetition::OPTIONAL)
                        .with_fields(fields)
                        .build()
                        .unwrap_or_else(|e| panic!("{e}")),
                )
            };
            Type::group_type_builder("spark_schema")
                .with_fields(vec![group("meta"), group("key"), group("value")])
                .build()
        }
    };
    let schema = Arc::new(schema.unwrap_or_else(|e| panic!("{e}")));
    // Rows in header order, then reordered to leaf order (key before value).
    let names = header_names(corpus);
    let rows: Vec<Vec<Cell>> = corpus.records.iter().map(fields).collect();
    let mut out = Vec::new();
    let props = Arc::new(
        WriterProperties::builder()
            .set_dictionary_enabled(matches!(pages, Pages::Dictionary))
            .set_writer_version(match pages {
                Pages::Delta => WriterVersion::PARQUET_2_0,
                Pages::Dictionary | Pages::Plain => WriterVersion::PARQUET_1_0,
            })
            .set_max_row_group_row_count(Some(40))
            // Spark's default codec for the struct layout, gzip for the flat one.
            .set_compression(codec.unwrap_or(match layout {
                Layout::Struct => Compression::SNAPPY,
                Layout::Flat => Compression::GZIP(GzipLevel::default()),
            }))
            .build(),
    );
    let mut writer =
        SerializedFileWriter::new(&mut out, schema, props).unwrap_or_else(|e| panic!("{e}"));
    for chunk in rows.chunks(40) {
        let mut group = writer.next_row_group().unwrap_or_else(|e| panic!("{e}"));
        for (name, kind) in &leaves {
            let field = names
                .iter()
                .position(|n| n == name)
                .unwrap_or_else(|| panic!("{name}"));
            let in_value = name.starts_with("value.");
            let mut def = Vec::new();
            let max = if layout == Layout::Struct { 2 } else { 1 };
            let mut column = group
                .next_column()
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("no column {name}"));
            let mut texts: Vec<ByteArray> = Vec::new();
            let mut ints: Vec<i64> = Vec::new();
            let mut bools: Vec<bool> = Vec::new();
            let mut i96: Vec<Int96> = Vec::new();
            for row in chunk {
                let cell = &row[field];
                // A delete in the struct layout has no `value` struct at all.
                let is_delete = matches!(&row[1], Cell::Str(a) if a == b"D");
                if *cell == Cell::Null {
                    def.push(if layout == Layout::Struct && in_value && is_delete {
                        0
                    } else {
                        max - 1
                    });
                    continue;
                }
                def.push(max);
                match (kind, cell) {
                    (Kind::Text, Cell::Str(b)) => texts.push(ByteArray::from(b.clone())),
                    (Kind::Text, other) => {
                        texts.push(ByteArray::from(format!("{other:?}").into_bytes()))
                    }
                    (Kind::Int, Cell::Int(v)) => ints.push(*v),
                    (Kind::Bool, Cell::Bool(v)) => bools.push(*v),
                    (Kind::Ts, Cell::Ts(m)) if layout == Layout::Struct && name == "meta.ts" => {
                        let days = m.div_euclid(86_400_000_000) + 2_440_588;
                        let nanos = (m.rem_euclid(86_400_000_000) * 1000) as u64;
                        let mut v = Int96::new();
                        v.set_data(nanos as u32, (nanos >> 32) as u32, days as u32);
                        i96.push(v);
                    }
                    (Kind::Ts, Cell::Ts(m)) => ints.push(*m),
                    (Kind::Int, _) => ints.push(0),
                    (Kind::Bool, _) => bools.push(false),
                    (Kind::Ts, _) => ints.push(0),
                }
            }
            let written = match kind {
                Kind::Int if int32(name) => {
                    let narrow: Vec<i32> = ints.iter().map(|&v| v as i32).collect();
                    column
                        .typed::<Int32Type>()
                        .write_batch(&narrow, Some(&def), None)
                }
                Kind::Text => column
                    .typed::<ByteArrayType>()
                    .write_batch(&texts, Some(&def), None),
                Kind::Int => column
                    .typed::<Int64Type>()
                    .write_batch(&ints, Some(&def), None),
                Kind::Bool => column
                    .typed::<BoolType>()
                    .write_batch(&bools, Some(&def), None),
                Kind::Ts if !i96.is_empty() || (layout == Layout::Struct && name == "meta.ts") => {
                    column
                        .typed::<Int96Type>()
                        .write_batch(&i96, Some(&def), None)
                }
                Kind::Ts => column
                    .typed::<Int64Type>()
                    .write_batch(&ints, Some(&def), None),
            };
            written.unwrap_or_else(|e| panic!("{name}: {e}"));
            column.close().unwrap_or_else(|e| panic!("{e}"));
        }
        group.close().unwrap_or_else(|e| panic!("{e}"));
    }
    writer.close().unwrap_or_else(|e| panic!("{e}"));
    out
}

/// (record, column, code) of every violation `dap-validate --report json` prints for `path`,
/// and whether every violation had a `line`.
/// The JSON summary of a run over `path`, without what names the file.
/// The JSON summary of `path`, profile included, with the file names of the per-file profiles
/// taken out (the one thing that differs between formats).
fn summary_of(path: &Path) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_dap-validate"))
        .args(["--report", "json", "--jobs", "2"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let last = output
        .stdout
        .split(|&b| b == b'\n')
        .rfind(|l| !l.is_empty())
        .unwrap_or_default();
    let mut summary: serde_json::Value =
        serde_json::from_slice(last).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let shown = summary.to_string();
    let files = summary["profile"]["files"].as_array_mut();
    let files = files.unwrap_or_else(|| panic!("no per-file profile: {shown}"));
    for file in files {
        file.as_object_mut().map(|f| f.remove("file"));
    }
    summary
}

fn violations(path: &Path) -> (BTreeSet<(u64, String, String)>, bool) {
    let output = Command::new(env!("CARGO_BIN_EXE_dap-validate"))
        .args(["--report", "json", "--jobs", "2"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}: {:?} {}",
        path.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut found = BTreeSet::new();
    let mut all_have_lines = true;
    for line in output
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
    {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap_or_else(|e| panic!("{e}"));
        if v["type"] != "violation" {
            continue;
        }
        all_have_lines &= v["line"].is_u64();
        let record = v["record"]
            .as_u64()
            .unwrap_or_else(|| panic!("record in {v}"));
        let column = v["column"].as_str().unwrap_or("(record)").to_owned();
        let code = v["code"].as_str().unwrap_or_default().to_owned();
        found.insert((record, column, code));
    }
    (found, all_have_lines)
}

fn expected(corpus: &Corpus) -> BTreeSet<(u64, String, String)> {
    let mut out = BTreeSet::new();
    for (n, rec) in corpus.records.iter().enumerate() {
        for (column, code) in &rec.expected {
            out.insert((n as u64 + 1, (*column).to_owned(), (*code).to_owned()));
        }
    }
    out
}

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "dap-validate-formats-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
    encoder.finish().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn one_corpus_gives_the_same_violations_in_every_format() {
    let corpus = corpus(false);
    let want = expected(&corpus);
    assert!(want.len() >= 20, "the corpus breaks {} rules", want.len());
    let codes: BTreeSet<&str> = want.iter().map(|(_, _, c)| c.as_str()).collect();
    for code in [
        "malformed",
        "not_null",
        "format",
        "range",
        "enum",
        "max_length",
        "duplicate_key",
    ] {
        assert!(codes.contains(code), "no {code} in the corpus");
    }
    let dir = scratch_dir("corpus");
    let files = [
        ("web_logs.jsonl", jsonl(&corpus)),
        ("web_logs.csv", csv(&corpus)),
        ("web_logs.csv.gz", gzip(&csv(&corpus))),
        ("web_logs.tsv", tsv(&corpus)),
        ("web_logs.tsv.gz", gzip(&tsv(&corpus))),
        ("flat.parquet", parquet(&corpus, Layout::Flat, None)),
        ("struct.parquet", parquet(&corpus, Layout::Struct, None)),
        // Every other codec Spark, Databricks and DuckDB write.
        (
            "zstd.parquet",
            parquet_with(
                &corpus,
                Layout::Struct,
                None,
                Some(Compression::ZSTD(Default::default())),
                Pages::Dictionary,
            ),
        ),
        (
            "lz4_raw.parquet",
            parquet_with(
                &corpus,
                Layout::Struct,
                None,
                Some(Compression::LZ4_RAW),
                Pages::Dictionary,
            ),
        ),
        (
            "brotli.parquet",
            parquet_with(
                &corpus,
                Layout::Struct,
                None,
                Some(Compression::BROTLI(Default::default())),
                Pages::Dictionary,
            ),
        ),
        // Every value PLAIN (dap-validate's page decoder, text straight from the pages), and
        // the delta encodings of a writer's v2 setting (the parquet crate's column readers).
        (
            "plain.parquet",
            parquet_with(&corpus, Layout::Struct, None, None, Pages::Plain),
        ),
        (
            "delta.parquet",
            parquet_with(&corpus, Layout::Flat, None, None, Pages::Delta),
        ),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("{e}"));
    }
    // The pages are encoded as their names say.
    let url_encodings = |name: &str| -> Vec<Encoding> {
        let bytes = files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.clone());
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes.unwrap_or_default()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let group = reader.metadata().row_group(0);
        let url = group
            .columns()
            .iter()
            .find(|c| c.column_path().string().ends_with("url"))
            .unwrap_or_else(|| panic!("{name}: no url column"));
        url.encodings().collect()
    };
    assert!(url_encodings("struct.parquet").contains(&Encoding::RLE_DICTIONARY));
    assert!(!url_encodings("plain.parquet").contains(&Encoding::RLE_DICTIONARY));
    assert!(url_encodings("plain.parquet").contains(&Encoding::PLAIN));
    assert!(url_encodings("delta.parquet").contains(&Encoding::DELTA_BYTE_ARRAY));
    let (jsonl_found, jsonl_lines) = violations(&dir.join("web_logs.jsonl"));
    assert_eq!(jsonl_found, want, "JSONL against the corpus's expectations");
    assert!(jsonl_lines);
    // The same summary too: counts, codes, columns, duplicates, the open-enum tally and the
    // per-column profile (every statistic of every column).
    let jsonl_summary = summary_of(&dir.join("web_logs.jsonl"));
    let profile = &jsonl_summary["profile"]["run"]["columns"];
    assert_eq!(profile["user_agent"]["max_chars"], 255, "{profile}");
    assert_eq!(profile["http_method"]["values"]["SEARCH"], 31, "{profile}");
    assert_eq!(
        jsonl_summary["duplicates"],
        serde_json::json!({"identical": 1, "conflicting": 1}),
        "{jsonl_summary}"
    );
    let controllers = &jsonl_summary["open_enum_values"]["web_application_controller"]["values"];
    assert!(
        controllers.as_object().is_some_and(|m| !m.is_empty()),
        "{jsonl_summary}"
    );
    for (name, _) in &files[1..] {
        assert_eq!(
            summary_of(&dir.join(name)),
            jsonl_summary,
            "{name}: summary against JSONL"
        );
    }
    for (name, _) in &files[1..] {
        let (found, with_lines) = violations(&dir.join(name));
        assert_eq!(found, want, "{name} against JSONL");
        assert_eq!(
            with_lines,
            !name.ends_with(".parquet"),
            "{name}: line is null only for Parquet"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn type_violations_agree_across_the_text_formats() {
    let corpus = corpus(true);
    let want = expected(&corpus);
    assert!(want.iter().filter(|(_, _, c)| c == "type").count() >= 4);
    let dir = scratch_dir("types");
    for (name, bytes) in [
        ("t.jsonl", jsonl(&corpus)),
        ("t.csv", csv(&corpus)),
        ("t.tsv", tsv(&corpus)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(violations(&path).0, want, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The Parquet files of the CLI cases, from a small valid corpus: as is and gzip-compressed (for
/// standard input), one with `value.user_id` as text (a wrong type), and a truncated copy.
fn parquet_fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let mut small = corpus(false);
    small.records.truncate(3);
    let good = parquet(&small, Layout::Struct, None);
    let wrong = parquet(&small, Layout::Flat, Some(("value.user_id", Kind::Text)));
    let truncated = good[..good.len() * 2 / 3].to_vec();
    vec![
        ("fixtures/formats/web_logs.parquet.gz", gzip(&good)),
        ("fixtures/formats/web_logs.parquet", good),
        ("fixtures/formats/wrong-type.parquet", wrong),
        ("fixtures/formats/truncated.parquet", truncated),
    ]
}

#[test]
fn parquet_fixtures_are_fresh() {
    let dir = crate::tests_dir();
    let bless = std::env::var_os("DAP_VALIDATE_BLESS").is_some();
    for (path, bytes) in parquet_fixtures() {
        let full = dir.join(path);
        if bless {
            std::fs::write(&full, &bytes).unwrap_or_else(|e| panic!("{e}"));
        }
        let on_disk = std::fs::read(&full).unwrap_or_default();
        assert!(
            on_disk == bytes,
            "{path} is stale: DAP_VALIDATE_BLESS=1 cargo test -p dap-validate --test integration formats"
        );
    }
}
