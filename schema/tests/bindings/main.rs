//! Integration tests of the generated `canvas_logs` bindings, in one test binary.

/// Shared record corpus: valid records of every shape, rejections, documented differences.
mod corpus;
/// Reading a gzip-compressed JSONL export, as the crate docs show.
mod export_reading;
/// The checked-in rendered copy equals what build.rs generated; shared constants agree.
mod generated_copy;
/// Invalid records fail to deserialize with a message naming the column.
mod rejections;
/// Deserialize -> serialize -> deserialize round trips; serialized JSON checked by the schema.
mod round_trip;
/// The schemars-derived schema, the emitted JSON Schema and the deserializer agree.
mod schema_agreement;
/// Enum, text and row APIs.
mod types;
