//! The profile as reports carry it: names instead of indexes, values as text, sorted; its JSON
//! form (the summary's `"profile"` and the `--profile-out` file), and that form read back (a
//! `--baseline`).
//!
//! ```text
//! {"profile_version":1,"schema":{"name":"canvas_logs.web_logs","version":1},
//!  "run":{"records":1000,"columns":{
//!    "id":{"type":"uuid","records":1000,"nulls":0,"violations":{}},
//!    "user_id":{"type":"int64","records":990,"nulls":12,"violations":{"range":1},"min":1,"max":9},
//!    "timestamp":{"type":"timestamp",...,"min":"2026-12-04T00:00:01Z","max":"...",
//!                 "hours":{"2026-12-04T00":41,...}},
//!    "user_agent":{"type":"string",...,"max_chars":212,"max_bytes":230},
//!    "http_method":{"type":"enum","enum":"HTTPMethod",...,"values":{"GET":900,"POST":90,...}},
//!    "web_application_controller":{"type":"open_enum","enum":"Controller",...,
//!       "values":{"courses":12,...},"unlisted":40,"untracked":0,"complete":true},
//!    "meta.ts":{"type":"timestamp",...}}},
//!  "files":[{"file":"part-0.jsonl.gz","records":1000,"columns":{...}}]}
//! ```
//!
//! - `records`: readable records in which the column was read; `nulls`: of those, null or
//!   absent; `violations`: the column's violations by code (codes with none omitted).
//! - `min`/`max`: JSON numbers for integer columns, DAP timestamps for timestamp columns; absent
//!   when there is no valid value.
//! - closed enum `values`: every member in schema order, zeros included; open enum `values`:
//!   listed members seen and tracked unlisted values, most frequent first (ties by value); with
//!   `--redact` unlisted values are left out (counted in `unlisted`).
//! - `hours`: records per UTC hour `YYYY-MM-DDThh`, in order, hours without records omitted.

use super::{FileProfiles, META_TS, Profile};
use crate::formats;
use crate::plan::{CheckPlan, Rule};
use crate::violation::Code;
use serde_json::{Map, Value, json};

/// The wire form's version (`profile_version`); a baseline of another version is refused.
pub const PROFILE_VERSION: u64 = 1;

/// The profile of a run: the run as a whole, then each file in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileReport {
    /// `namespace.table`.
    pub schema: String,
    /// The schema version.
    pub schema_version: u32,
    /// Every file together.
    pub run: Section,
    /// One per file, in the run's order.
    pub files: Vec<Section>,
}

/// The profile of some records (a file, or the run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// The file as reports name it (`None` for the run).
    pub file: Option<String>,
    /// Readable records.
    pub records: u64,
    /// Table columns in schema order, then `meta.ts`.
    pub columns: Vec<ColumnProfile>,
}

/// A minimum or maximum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// Of an integer column.
    Integer(i64),
    /// Of a timestamp column, as DAP writes it.
    Timestamp(String),
}

/// One column's profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnProfile {
    /// The column (`meta.ts` for the envelope's timestamp).
    pub name: String,
    /// `uuid`, `timestamp`, `int32`, `int64`, `bool`, `ip`, `string`, `enum` or `open_enum`.
    pub kind: String,
    /// The enum's name, for the enum kinds.
    pub enum_name: Option<String>,
    /// Readable records in which the column was read.
    pub records: u64,
    /// Of those, null or absent.
    pub nulls: u64,
    /// Violations by code, in the contract's order, codes with none left out.
    pub violations: Vec<(String, u64)>,
    /// Smallest and largest valid value.
    pub range: Option<(Bound, Bound)>,
    /// Longest valid string in characters and in bytes.
    pub lengths: Option<(u64, u64)>,
    /// Enum values (closed: every member; open: seen values, most frequent first), or
    /// `true`/`false` for a bool.
    pub values: Vec<(String, u64)>,
    /// Open enums: occurrences of unlisted values (tracked or not).
    pub unlisted: u64,
    /// Open enums: occurrences of values past the tally's bound.
    pub untracked: u64,
    /// Records per hour `YYYY-MM-DDThh`, in order.
    pub hours: Vec<(String, u64)>,
}

impl ColumnProfile {
    /// Null share of the records that read the column (0 when none did).
    pub fn null_rate(&self) -> f64 {
        if self.records == 0 {
            0.0
        } else {
            self.nulls as f64 / self.records as f64
        }
    }

    /// Violations of every code.
    pub fn violation_count(&self) -> u64 {
        self.violations.iter().map(|(_, n)| n).sum()
    }
}

/// Violations per column (table columns, then `meta.ts`) per code, counted by the merge step.
pub type ViolationCounts = Vec<[u64; Code::ALL.len()]>;

/// Builds the report from the merged per-file profiles.
///
/// `files` names each file of the run with its violation counts; a file without a profile (no
/// readable record) gets an empty one. The run section is the merge of the files' profiles.
pub fn build(
    plan: &CheckPlan,
    profiles: &FileProfiles,
    files: &[(String, ViolationCounts)],
    redact: bool,
) -> ProfileReport {
    let mut run = Profile::new(plan);
    let mut run_violations: ViolationCounts = vec![[0; Code::ALL.len()]; plan.columns().len() + 1];
    let mut sections = Vec::with_capacity(files.len());
    for (index, (name, violations)) in files.iter().enumerate() {
        let profile = profiles
            .files
            .get(&index)
            .cloned()
            .unwrap_or_else(|| Profile::new(plan));
        let mut section = section(plan, &profile, violations, redact);
        section.file = Some(name.clone());
        sections.push(section);
        run.merge(profile);
        for (total, counts) in run_violations.iter_mut().zip(violations) {
            for (t, n) in total.iter_mut().zip(counts) {
                *t += n;
            }
        }
    }
    ProfileReport {
        schema: format!("{}.{}", plan.namespace(), plan.table()),
        schema_version: plan.schema_version(),
        run: section(plan, &run, &run_violations, redact),
        files: sections,
    }
}

fn section(
    plan: &CheckPlan,
    profile: &Profile,
    violations: &ViolationCounts,
    redact: bool,
) -> Section {
    let mut columns = Vec::with_capacity(profile.columns.len());
    for (index, stats) in profile.columns.iter().enumerate() {
        let rule = plan.columns().get(index);
        let name = rule.map_or(META_TS.to_owned(), |c| c.name.to_string());
        let (kind, enum_name) = match rule.map(|c| &c.rule) {
            None | Some(Rule::Timestamp) => ("timestamp", None),
            Some(Rule::Uuid) => ("uuid", None),
            Some(Rule::Int32) => ("int32", None),
            Some(Rule::Int64) => ("int64", None),
            Some(Rule::Bool) => ("bool", None),
            Some(Rule::Ip) => ("ip", None),
            Some(Rule::Text { .. }) => ("string", None),
            Some(
                Rule::StringEnum {
                    name, open_slot, ..
                }
                | Rule::IntegerEnum {
                    name, open_slot, ..
                },
            ) => (
                if open_slot.is_some() {
                    "open_enum"
                } else {
                    "enum"
                },
                Some(name.to_string()),
            ),
        };
        let counts = violations
            .get(index)
            .copied()
            .unwrap_or([0; Code::ALL.len()]);
        let records = profile.records_of(plan, index);
        let mut column = ColumnProfile {
            name,
            kind: kind.to_owned(),
            enum_name,
            records,
            nulls: records.saturating_sub(stats.values + stats.invalid),
            violations: Code::ALL
                .iter()
                .zip(counts)
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| (c.as_str().to_owned(), n))
                .collect(),
            ..ColumnProfile::default()
        };
        match rule.map(|c| &c.rule) {
            Some(Rule::Int32 | Rule::Int64) => {
                column.range = stats
                    .range
                    .map(|(lo, hi)| (Bound::Integer(lo), Bound::Integer(hi)));
            }
            None | Some(Rule::Timestamp) => {
                column.range = stats.range.map(|(lo, hi)| {
                    (
                        Bound::Timestamp(formats::format_micros(lo)),
                        Bound::Timestamp(formats::format_micros(hi)),
                    )
                });
                column.hours = stats
                    .hours
                    .sorted()
                    .into_iter()
                    .map(|(h, n)| (formats::format_hour(h), n))
                    .collect();
            }
            Some(Rule::Text { .. }) => {
                column.lengths = (stats.values > 0)
                    .then_some((u64::from(stats.max_chars), u64::from(stats.max_bytes)));
            }
            Some(Rule::Bool) => {
                let n = |i: usize| stats.counts.get(i).copied().unwrap_or(0);
                column.values = vec![("true".to_owned(), n(1)), ("false".to_owned(), n(0))];
            }
            Some(Rule::StringEnum {
                canonical,
                open_slot,
                ..
            }) => {
                let names = canonical.iter().map(|v| v.to_string());
                let listed = names.zip(stats.counts.iter().copied());
                enum_values(
                    &mut column,
                    listed,
                    *open_slot,
                    stats.unlisted,
                    profile,
                    redact,
                );
            }
            Some(Rule::IntegerEnum {
                members, open_slot, ..
            }) => {
                let names = members.iter().map(i64::to_string);
                let listed = names.zip(stats.counts.iter().copied());
                enum_values(
                    &mut column,
                    listed,
                    *open_slot,
                    stats.unlisted,
                    profile,
                    redact,
                );
            }
            Some(Rule::Uuid | Rule::Ip) => {}
        }
        columns.push(column);
    }
    Section {
        file: None,
        records: profile.records,
        columns,
    }
}

fn enum_values(
    column: &mut ColumnProfile,
    listed: impl Iterator<Item = (String, u64)>,
    open_slot: Option<usize>,
    unlisted: u64,
    profile: &Profile,
    redact: bool,
) {
    let Some(slot) = open_slot else {
        column.values = listed.collect();
        return;
    };
    let (tracked, untracked) = profile.tally.sorted(slot);
    let mut values: Vec<(String, u64)> = listed.filter(|(_, n)| *n > 0).collect();
    if !redact {
        values.extend(tracked);
    }
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    column.values = values;
    column.unlisted = unlisted;
    column.untracked = untracked;
}

impl ProfileReport {
    /// The JSON form (see the module docs).
    pub fn to_json(&self) -> Value {
        json!({
            "profile_version": PROFILE_VERSION,
            "schema": {"name": self.schema, "version": self.schema_version},
            "run": section_json(&self.run),
            "files": self.files.iter().map(section_json).collect::<Vec<_>>(),
        })
    }

    /// Reads the JSON form back (a `--baseline`): the profile file itself, or a JSON summary
    /// object (`"type":"summary"`) or a JSON report's last line carrying one under `"profile"`.
    pub fn from_json(value: &Value) -> Result<ProfileReport, String> {
        let value = match value.get("profile") {
            Some(inner) if value.get("type").and_then(Value::as_str) == Some("summary") => inner,
            _ => value,
        };
        let version = value.get("profile_version").and_then(Value::as_u64);
        if version != Some(PROFILE_VERSION) {
            return Err(match version {
                Some(v) => format!(
                    "profile_version {v} is not supported (this tool writes {PROFILE_VERSION})"
                ),
                None => "not a profile: no \"profile_version\" (write one with --profile-out)"
                    .to_owned(),
            });
        }
        let schema = value.get("schema");
        let run = value.get("run").ok_or("no \"run\" section")?;
        let files = match value.get("files").and_then(Value::as_array) {
            Some(files) => files
                .iter()
                .map(section_from_json)
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        Ok(ProfileReport {
            schema: schema
                .and_then(|s| s.get("name"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            schema_version: schema
                .and_then(|s| s.get("version"))
                .and_then(Value::as_u64)
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(0),
            run: section_from_json(run)?,
            files,
        })
    }
}

fn pairs(items: &[(String, u64)]) -> Value {
    Value::Object(
        items
            .iter()
            .map(|(k, n)| (k.clone(), Value::from(*n)))
            .collect(),
    )
}

fn bound_json(bound: &Bound) -> Value {
    match bound {
        Bound::Integer(i) => Value::from(*i),
        Bound::Timestamp(t) => Value::from(t.as_str()),
    }
}

fn section_json(section: &Section) -> Value {
    let mut object = Map::new();
    if let Some(file) = &section.file {
        object.insert("file".into(), file.as_str().into());
    }
    object.insert("records".into(), section.records.into());
    let mut columns = Map::new();
    for c in &section.columns {
        let mut o = Map::new();
        o.insert("type".into(), c.kind.as_str().into());
        if let Some(e) = &c.enum_name {
            o.insert("enum".into(), e.as_str().into());
        }
        o.insert("records".into(), c.records.into());
        o.insert("nulls".into(), c.nulls.into());
        o.insert("violations".into(), pairs(&c.violations));
        if let Some((lo, hi)) = &c.range {
            o.insert("min".into(), bound_json(lo));
            o.insert("max".into(), bound_json(hi));
        }
        if let Some((chars, bytes)) = c.lengths {
            o.insert("max_chars".into(), chars.into());
            o.insert("max_bytes".into(), bytes.into());
        }
        match c.kind.as_str() {
            "enum" | "bool" => {
                o.insert("values".into(), pairs(&c.values));
            }
            "open_enum" => {
                o.insert("values".into(), pairs(&c.values));
                o.insert("unlisted".into(), c.unlisted.into());
                o.insert("untracked".into(), c.untracked.into());
                o.insert("complete".into(), (c.untracked == 0).into());
            }
            _ => {}
        }
        if c.kind == "timestamp" {
            o.insert("hours".into(), pairs(&c.hours));
        }
        columns.insert(c.name.clone(), Value::Object(o));
    }
    object.insert("columns".into(), Value::Object(columns));
    Value::Object(object)
}

fn pairs_from(value: Option<&Value>, what: &str) -> Result<Vec<(String, u64)>, String> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let object = value
        .as_object()
        .ok_or_else(|| format!("{what} is not an object"))?;
    object
        .iter()
        .map(|(k, v)| {
            v.as_u64()
                .map(|n| (k.clone(), n))
                .ok_or_else(|| format!("{what}.{k} is not a count"))
        })
        .collect()
}

fn bound_from(value: Option<&Value>) -> Option<Bound> {
    match value? {
        Value::String(s) => Some(Bound::Timestamp(s.clone())),
        v => v.as_i64().map(Bound::Integer),
    }
}

fn section_from_json(value: &Value) -> Result<Section, String> {
    let count = |v: &Value, key: &str| v.get(key).and_then(Value::as_u64).unwrap_or(0);
    let columns = value
        .get("columns")
        .and_then(Value::as_object)
        .ok_or("a section has no \"columns\" object")?;
    let mut out = Vec::with_capacity(columns.len());
    for (name, c) in columns {
        let what = format!("columns.{name}");
        let range = match (bound_from(c.get("min")), bound_from(c.get("max"))) {
            (Some(lo), Some(hi)) => Some((lo, hi)),
            _ => None,
        };
        out.push(ColumnProfile {
            name: name.clone(),
            kind: c
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            enum_name: c.get("enum").and_then(Value::as_str).map(str::to_owned),
            records: count(c, "records"),
            nulls: count(c, "nulls"),
            violations: pairs_from(c.get("violations"), &format!("{what}.violations"))?,
            range,
            lengths: c
                .get("max_chars")
                .and_then(Value::as_u64)
                .map(|chars| (chars, count(c, "max_bytes"))),
            values: pairs_from(c.get("values"), &format!("{what}.values"))?,
            unlisted: count(c, "unlisted"),
            untracked: count(c, "untracked"),
            hours: pairs_from(c.get("hours"), &format!("{what}.hours"))?,
        });
    }
    Ok(Section {
        file: value.get("file").and_then(Value::as_str).map(str::to_owned),
        records: count(value, "records"),
        columns: out,
    })
}
