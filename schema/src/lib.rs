//! Rust bindings for the Canvas Data 2 (DAP) `canvas_logs` namespace, generated at build time
//! from `schema/canvas_logs.yaml` (the project's single source of truth).
//!
//! - [`WebLogRecord`]: one line of a `web_logs` JSONL export (`key`, `value`, `meta`), read with
//!   `serde_json::from_str`; it converts into a [`WebLogChange`]: an upsert of a [`WebLog`] row or
//!   a delete of a [`WebLogKey`].
//! - [`WebLog`]: one row, all 23 columns; nullable columns are `Option`s, uuids are
//!   [`uuid::Uuid`], timestamps [`jiff::Timestamp`], `remote_ip` a [`std::net::IpAddr`].
//! - Closed enums ([`HttpMethod`], [`HttpVersion`], [`ContextType`]), the integer enum
//!   [`HttpStatus`] (a JSON number on the wire), open enums ([`Controller`], [`Action`]: the
//!   listed values plus `Other(String)`), and [`UserAgent`], text of at most 255 characters.
//!
//! Deserialization is as strict as the project's JSON Schema and validator: closed enum values,
//! integer widths, lengths in characters, hyphenated uuids, UTC timestamps with at most
//! microseconds, IP address syntax, no unknown fields. Every error names the column
//! (``column `user_agent`: text is 256 characters long; at most 255 are allowed at line 1 column
//! 812``). Every type implements `Debug, Clone, PartialEq, Serialize, Deserialize` and
//! [`schemars::JsonSchema`].
//!
//! # Reading an export
//!
//! A DAP job yields gzip-compressed JSONL files; this reads one into rows:
//!
//! ```
//! use canvas_logs::{WebLog, WebLogRecord};
//! use flate2::read::MultiGzDecoder;
//! use std::io::{BufRead, BufReader};
//!
//! fn read_export(path: &str) -> Result<Vec<WebLog>, Box<dyn std::error::Error>> {
//!     let reader = BufReader::new(MultiGzDecoder::new(std::fs::File::open(path)?));
//!     let mut rows = Vec::new();
//!     for line in reader.lines() {
//!         let record: WebLogRecord = serde_json::from_str(&line?)?;
//!         rows.extend(record.into_row()); // a delete carries no row
//!     }
//!     Ok(rows)
//! }
//! # let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/web_logs-sample.jsonl.gz");
//! # let rows = read_export(sample).unwrap();
//! # assert_eq!(rows.len(), 2);
//! # assert_eq!(rows[0].http_method, canvas_logs::HttpMethod::Get);
//! ```
//!
//! To apply deletes as well, match on [`WebLogRecord::into_change`].
//!
//! # Why `jiff::Timestamp`
//!
//! A DAP `timestamp` is an instant in UTC with microsecond precision. [`jiff::Timestamp`] is
//! exactly that: an absolute instant (no time zone or offset to carry or get wrong), nanosecond
//! resolution, RFC 3339 parsing and printing, and checked civil dates, from a crate that needs no
//! time-zone database for this use (built with `default-features = false`). `chrono` would need
//! `DateTime<Utc>` plus its `serde` feature and carries the legacy `Local`/`NaiveDateTime` split;
//! `time`'s `OffsetDateTime` keeps an offset DAP never sends and needs extra features for RFC 3339.
//! The bindings read and write the wire form themselves (UTC `Z`, at most six fractional digits),
//! so no serde feature of jiff is involved.
//!
//! # Generated code
//!
//! `build.rs` runs `canvas_logs_codegen::emit::rust::generate` on the YAML into `OUT_DIR`; this
//! crate `include!`s it. A rendered copy lives in `schema/generated/rust/canvas_logs.rs` for
//! review and vendoring (vendor it together with `src/support.rs` as a sibling module named
//! `support`); a test proves it is identical to [`GENERATED_SOURCE`].
#![deny(missing_docs)]

pub mod support;

pub use support::{MissingValue, ParseEnumError, RecordAction, RecordMeta, TextTooLong};

include!(concat!(env!("OUT_DIR"), "/canvas_logs.rs"));

#[cfg(test)]
#[allow(
    dead_code,
    reason = "a private test fixture: its tests exercise only part of the generated API"
)]
mod generator_fixture;

/// The generated source included by this crate, exactly as `build.rs` wrote it.
pub const GENERATED_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/canvas_logs.rs"));
