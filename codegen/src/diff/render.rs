//! A diff as text: `human` (one block per change) and `json` (one document).

use super::{Change, DIALECTS, SqlImpact};
use crate::model::Namespace;
use serde_json::{Value, json};

/// The human report: a headline, then per change its code, subject, what changed and its impact
/// on the data contract, the Rust bindings and each SQL dialect.
pub fn human(old: &Namespace, new: &Namespace, changes: &[Change]) -> String {
    let breaking = changes.iter().filter(|c| c.is_breaking()).count();
    let mut out = format!(
        "{} version {} -> {} version {}: {} change(s), {breaking} breaking\n",
        old.name(),
        old.version(),
        new.name(),
        new.version(),
        changes.len()
    );
    for change in changes {
        let mark = if change.is_breaking() {
            "BREAKING"
        } else {
            "ok"
        };
        out.push_str(&format!(
            "\n{mark:<9}{} {}: {}\n",
            change.code(),
            change.subject,
            change.describe()
        ));
        let data = match (
            change.impact.old_data_valid_under_new,
            change.impact.new_data_valid_under_old,
        ) {
            (true, true) => "exports valid before stay valid, and the reverse",
            (true, false) => {
                "exports valid before stay valid; new exports may be refused by the old schema"
            }
            (false, true) => "exports valid before may be refused now",
            (false, false) => "exports valid before may be refused now, and the reverse",
        };
        out.push_str(&format!("         data: {data}\n"));
        let rust = if change.impact.rust_breaking {
            "semver-breaking"
        } else {
            "compatible"
        };
        out.push_str(&format!("         rust bindings: {rust}\n"));
        let sql: Vec<String> = DIALECTS
            .iter()
            .zip(change.impact.sql)
            .map(|(d, s)| format!("{d} {}", sql_words(s)))
            .collect();
        out.push_str(&format!("         sql: {}\n", sql.join("; ")));
    }
    if changes.is_empty() {
        out.push_str("no changes\n");
    }
    out
}

fn sql_words(impact: SqlImpact) -> &'static str {
    match impact {
        SqlImpact::Safe => "safe",
        SqlImpact::Rewrite => "rewrites the table",
        SqlImpact::MayFail => "may fail on existing data",
        SqlImpact::Destructive => "destructive",
    }
}

/// The JSON report: versions, counts and every change (see [`Change::to_json`]).
pub fn json(old: &Namespace, new: &Namespace, changes: &[Change]) -> Value {
    json!({
        "old": {"namespace": old.name(), "version": old.version()},
        "new": {"namespace": new.name(), "version": new.version()},
        "changes": changes.iter().map(Change::to_json).collect::<Vec<_>>(),
        "breaking": changes.iter().filter(|c| c.is_breaking()).count(),
    })
}
