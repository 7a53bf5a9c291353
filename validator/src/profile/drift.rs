//! Drift: this run's profile against a baseline profile (`--baseline`, a file written by
//! `--profile-out` on an earlier run, or that run's JSON summary). Warnings of the run, not of a
//! record: each has a stable code, a column where it has one, a message, the value and a count.
//!
//! | code | when | threshold (option, default) |
//! |---|---|---|
//! | `drift_new_value` | an open-enum value this run that the baseline never saw, with its count | — |
//! | `drift_null_rate` | a column's null share moved by more than the threshold (in absolute terms: 0.10 is ten percentage points) and by more than three standard errors of the difference of two shares, so a small day is not flagged for noise | `--drift-null-rate`, 0.10 |
//! | `drift_volume` | records per day (over the UTC days `meta.ts` covers) outside `[1 - t, 1 + t]` times the baseline's | `--drift-volume`, 0.5 |
//! | `drift_gap` | hours with no records between the first and the last hour of a timestamp column (consecutive empty hours are one warning) | — |
//! | `drift_missing_column` | a column with values in the baseline is all null now, in enough records that chance would leave it all null less than once in a thousand days at the baseline's share of values (`(1 - share)^records < 0.001`; a column with values in 1% of records is not "missing" from 60 records); reported instead of `drift_null_rate` | — |
//!
//! Decisions: only the run sections are compared (file names change from day to day). A
//! baseline column whose open-enum tally was incomplete (`untracked` > 0) or written with
//! `--redact` (its values do not add up to its valid values) cannot say which values are new,
//! so it gets no `drift_new_value`. At most [`MAX_NEW_VALUES`] new values are listed per column,
//! the rest counted in one more warning. Drift never changes the exit status unless
//! `--fail-on-drift` is given.

use super::output::{ColumnProfile, ProfileReport, Section};
use std::collections::{BTreeMap, BTreeSet};

/// New values listed per column; the rest are summed in one warning.
pub const MAX_NEW_VALUES: usize = 100;

/// The thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DriftOptions {
    /// Largest accepted move of a column's null share (0.10: ten percentage points).
    pub null_rate: f64,
    /// Records per day may be between `1 - volume` and `1 + volume` times the baseline's.
    pub volume: f64,
}

impl Default for DriftOptions {
    fn default() -> Self {
        DriftOptions {
            null_rate: 0.10,
            volume: 0.5,
        }
    }
}

/// A drift code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DriftCode {
    /// `drift_new_value`.
    NewValue,
    /// `drift_null_rate`.
    NullRate,
    /// `drift_volume`.
    Volume,
    /// `drift_gap`.
    Gap,
    /// `drift_missing_column`.
    MissingColumn,
}

impl DriftCode {
    /// Every code, in documentation order.
    pub const ALL: [DriftCode; 5] = [
        DriftCode::NewValue,
        DriftCode::NullRate,
        DriftCode::Volume,
        DriftCode::Gap,
        DriftCode::MissingColumn,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            DriftCode::NewValue => "drift_new_value",
            DriftCode::NullRate => "drift_null_rate",
            DriftCode::Volume => "drift_volume",
            DriftCode::Gap => "drift_gap",
            DriftCode::MissingColumn => "drift_missing_column",
        }
    }
}

/// One drift warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftWarning {
    /// The rule.
    pub code: DriftCode,
    /// The column, if the warning is about one.
    pub column: Option<String>,
    /// What moved, in words with the numbers.
    pub message: String,
    /// The new value (`drift_new_value`; absent with `--redact`), or the hour range of a gap.
    pub value: Option<String>,
    /// How many: occurrences of a new value, records this run, empty hours.
    pub count: Option<u64>,
}

/// Compares `current` with `baseline` (run sections only); warnings in code order, then column
/// order of the current profile.
pub fn compare(
    current: &ProfileReport,
    baseline: &ProfileReport,
    options: DriftOptions,
    redact: bool,
) -> Vec<DriftWarning> {
    let (now, base) = (&current.run, &baseline.run);
    let base_columns: BTreeMap<&str, &ColumnProfile> =
        base.columns.iter().map(|c| (c.name.as_str(), c)).collect();
    let mut out = Vec::new();
    for column in &now.columns {
        if let Some(old) = base_columns.get(column.name.as_str()) {
            new_values(column, old, redact, &mut out);
        }
    }
    for column in &now.columns {
        let Some(old) = base_columns.get(column.name.as_str()) else {
            continue;
        };
        if column.records == 0 || old.records == 0 || is_missing(column, old) {
            continue;
        }
        let (was, is) = (old.null_rate(), column.null_rate());
        // The standard error of the difference of two proportions, from the pooled share.
        let (n1, n2) = (old.records as f64, column.records as f64);
        let pooled = (old.nulls + column.nulls) as f64 / (n1 + n2);
        let error = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
        if (is - was).abs() > options.null_rate && (is - was).abs() > 3.0 * error {
            out.push(DriftWarning {
                code: DriftCode::NullRate,
                column: Some(column.name.clone()),
                message: format!(
                    "null share {} (baseline {}), moved more than {} points",
                    percent(is),
                    percent(was),
                    trim(options.null_rate * 100.0)
                ),
                value: None,
                count: Some(column.nulls),
            });
        }
    }
    if let Some(w) = volume(now, base, options) {
        out.push(w);
    }
    for column in &now.columns {
        gaps(column, &mut out);
    }
    for column in &now.columns {
        if let Some(old) = base_columns.get(column.name.as_str())
            && is_missing(column, old)
        {
            out.push(DriftWarning {
                code: DriftCode::MissingColumn,
                column: Some(column.name.clone()),
                message: format!(
                    "all {} records are null; the baseline had {} values",
                    column.records,
                    old.records - old.nulls
                ),
                value: None,
                count: Some(column.records),
            });
        }
    }
    out.sort_by_key(|w| w.code);
    out
}

fn is_missing(column: &ColumnProfile, old: &ColumnProfile) -> bool {
    if old.records <= old.nulls || column.records == 0 || column.nulls != column.records {
        return false;
    }
    let share = (old.records - old.nulls) as f64 / old.records as f64;
    // The chance of no value at all in this many records at the baseline's share.
    (column.records as f64) * (1.0 - share).ln() < 0.001f64.ln()
}

fn new_values(
    column: &ColumnProfile,
    old: &ColumnProfile,
    redact: bool,
    out: &mut Vec<DriftWarning>,
) {
    if column.kind != "open_enum" || old.untracked > 0 {
        return;
    }
    let valid = old.records - old.nulls.min(old.records);
    let valid = valid.saturating_sub(old.violation_count());
    if old.values.iter().map(|(_, n)| n).sum::<u64>() < valid {
        // A redacted baseline: its unlisted values are not in it.
        return;
    }
    let known: BTreeSet<&str> = old.values.iter().map(|(v, _)| v.as_str()).collect();
    let fresh: Vec<&(String, u64)> = column
        .values
        .iter()
        .filter(|(v, _)| !known.contains(v.as_str()))
        .collect();
    for (value, n) in fresh.iter().take(MAX_NEW_VALUES) {
        out.push(DriftWarning {
            code: DriftCode::NewValue,
            column: Some(column.name.clone()),
            message: format!("a value the baseline never saw, {n} time(s)"),
            value: (!redact).then(|| value.clone()),
            count: Some(*n),
        });
    }
    if fresh.len() > MAX_NEW_VALUES {
        let rest: u64 = fresh.iter().skip(MAX_NEW_VALUES).map(|(_, n)| n).sum();
        out.push(DriftWarning {
            code: DriftCode::NewValue,
            column: Some(column.name.clone()),
            message: format!(
                "{} more values the baseline never saw, {rest} time(s) in all",
                fresh.len() - MAX_NEW_VALUES
            ),
            value: None,
            count: Some(rest),
        });
    }
}

/// Records per covered day of a section: its records over the UTC days `meta.ts` has records
/// in (one day when it has none).
pub fn records_per_day(section: &Section) -> f64 {
    let days: BTreeSet<&str> = section
        .columns
        .iter()
        .find(|c| c.name == super::META_TS)
        .map(|c| c.hours.iter().filter_map(|(h, _)| h.get(..10)).collect())
        .unwrap_or_default();
    section.records as f64 / days.len().max(1) as f64
}

fn volume(now: &Section, base: &Section, options: DriftOptions) -> Option<DriftWarning> {
    let (is, was) = (records_per_day(now), records_per_day(base));
    if was <= 0.0 {
        return None;
    }
    let ratio = is / was;
    let (lo, hi) = (1.0 - options.volume, 1.0 + options.volume);
    if (lo..=hi).contains(&ratio) {
        return None;
    }
    Some(DriftWarning {
        code: DriftCode::Volume,
        column: None,
        message: format!(
            "{} records per day against the baseline's {} ({}x; the band is {}x to {}x)",
            trim(is),
            trim(was),
            trim(ratio),
            trim(lo.max(0.0)),
            trim(hi)
        ),
        value: None,
        count: Some(now.records),
    })
}

fn gaps(column: &ColumnProfile, out: &mut Vec<DriftWarning>) {
    let hours: Vec<i64> = column
        .hours
        .iter()
        .filter_map(|(h, _)| crate::formats::parse_hour(h))
        .collect();
    for pair in hours.windows(2) {
        let [a, b] = pair else { continue };
        if b - a > 1 {
            let (from, to) = (a + 1, b - 1);
            let empty = (to - from + 1) as u64;
            let span = if from == to {
                crate::formats::format_hour(from)
            } else {
                format!(
                    "{}..{}",
                    crate::formats::format_hour(from),
                    crate::formats::format_hour(to)
                )
            };
            out.push(DriftWarning {
                code: DriftCode::Gap,
                column: Some(column.name.clone()),
                message: format!(
                    "no records in {empty} hour(s) of the covered range: {span} (UTC)"
                ),
                value: Some(span),
                count: Some(empty),
            });
        }
    }
}

fn percent(share: f64) -> String {
    format!("{}%", trim(share * 100.0))
}

/// A number with at most two decimals, trailing zeros dropped.
fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}
