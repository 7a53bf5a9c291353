//! The bench's producer layouts (issue 13): the same record written the ways other producers
//! write it, for `cargo xtask bench --layouts` and for the tests that hold the JSONL reader to
//! every layout (the allocation test). One rewriter, so the tests meet exactly the bench's
//! bytes.
//!
//! | layout | what changes |
//! |---|---|
//! | `compact` | nothing: the generator's own (`meta`, `key`, `value`, no spaces) |
//! | `action-first` | `meta` as `{"action":..,"ts":..}` |
//! | `value-reversed` | the `value` columns in reverse order |
//! | `python-dumps` | Python's `json.dumps` defaults: `", "` and `": "` separators, non-ASCII as `\uXXXX` |
//! | `meta-last` | `key`, `value`, `meta` |
//! | `explicit-nulls` | every absent nullable column written as `null` |
//! | `escaped` | `/` as `\/` and non-ASCII as `\uXXXX` in every string (PHP's and Java's encoders) |
//! | `six-digits` | every timestamp with six fraction digits |
//! | `ipv6` | every `remote_ip` an IPv6 address |
//! | `mixed` | line by line, each of the layouts above in turn |

use serde_json::{Map, Value};
use std::fmt::Write as _;

/// The layouts, in the order the bench prints them; `mixed` is the last.
pub const LAYOUTS: [&str; 10] = [
    "compact",
    "action-first",
    "value-reversed",
    "python-dumps",
    "meta-last",
    "explicit-nulls",
    "escaped",
    "six-digits",
    "ipv6",
    "mixed",
];

/// Rewrites `web_logs` lines into a layout.
#[derive(Debug, Clone)]
pub struct Rewriter {
    /// The value columns in table order (for `explicit-nulls`).
    value_columns: Vec<String>,
}

impl Rewriter {
    /// A rewriter for `table`'s records.
    pub fn new(table: &canvas_logs_codegen::model::Table) -> Rewriter {
        Rewriter {
            value_columns: table
                .columns()
                .iter()
                .enumerate()
                .filter(|(i, _)| !table.is_key_column(*i))
                .map(|(_, c)| c.name().to_owned())
                .collect(),
        }
    }

    /// Line `n` (from 0) of a file in `layout`, from its compact text. A line that is not a
    /// JSON object (a malformed record) is kept as it is in every layout; `mixed` takes the
    /// other layouts in turn.
    pub fn rewrite_line(&self, line: &str, layout: &str, n: usize) -> String {
        let layout = match layout {
            "mixed" => LAYOUTS[n % (LAYOUTS.len() - 1)],
            other => other,
        };
        match serde_json::from_str::<Map<String, Value>>(line) {
            Ok(record) => rewrite(&record, layout, &self.value_columns),
            Err(_) => line.to_owned(),
        }
    }
}

/// How strings and separators are written.
#[derive(Clone, Copy)]
struct Style {
    /// `", "` and `": "` instead of `,` and `:`.
    spaced: bool,
    /// Non-ASCII as `\uXXXX`.
    ascii: bool,
    /// `/` as `\/`.
    solidus: bool,
}

const PLAIN: Style = Style {
    spaced: false,
    ascii: false,
    solidus: false,
};

fn rewrite(record: &Map<String, Value>, layout: &str, value_columns: &[String]) -> String {
    let mut record = record.clone();
    let mut style = PLAIN;
    let reorder = |map: &mut Map<String, Value>, order: &[&str]| {
        let mut out = Map::new();
        for key in order {
            if let Some(v) = map.remove(*key) {
                out.insert((*key).to_owned(), v);
            }
        }
        out.append(map);
        *map = out;
    };
    match layout {
        "action-first" => {
            if let Some(Value::Object(meta)) = record.get_mut("meta") {
                reorder(meta, &["action", "ts"]);
            }
        }
        "value-reversed" => {
            if let Some(Value::Object(value)) = record.get_mut("value") {
                let reversed: Map<String, Value> =
                    std::mem::take(value).into_iter().rev().collect();
                *value = reversed;
            }
        }
        "python-dumps" => {
            style = Style {
                spaced: true,
                ascii: true,
                solidus: false,
            }
        }
        "meta-last" => reorder(&mut record, &["key", "value", "meta"]),
        "explicit-nulls" => {
            if let Some(Value::Object(value)) = record.get_mut("value") {
                let mut full = Map::new();
                for column in value_columns {
                    full.insert(column.clone(), value.remove(column).unwrap_or(Value::Null));
                }
                full.append(value);
                *value = full;
            }
        }
        "escaped" => {
            style = Style {
                spaced: false,
                ascii: true,
                solidus: true,
            }
        }
        "six-digits" => {
            if let Some(Value::Object(meta)) = record.get_mut("meta") {
                six_digits(meta.get_mut("ts"));
            }
            if let Some(Value::Object(value)) = record.get_mut("value") {
                six_digits(value.get_mut("timestamp"));
            }
        }
        "ipv6" => {
            if let Some(Value::Object(value)) = record.get_mut("value")
                && let Some(Value::String(ip)) = value.get_mut("remote_ip")
                && let Ok(v4) = ip.parse::<std::net::Ipv4Addr>()
            {
                let [a, b, c, d] = v4.octets();
                *ip = format!(
                    "2001:db8:{:x}:{:x}::{:x}",
                    u16::from(a) << 8 | u16::from(b),
                    c,
                    u16::from(d) * 257
                );
            }
        }
        _ => {}
    }
    let mut out = String::with_capacity(1024);
    write_value(&Value::Object(record), style, &mut out);
    out
}

/// A DAP timestamp with its fraction padded to six digits.
fn six_digits(value: Option<&mut Value>) {
    let Some(Value::String(ts)) = value else {
        return;
    };
    let Some(stem) = ts.strip_suffix('Z') else {
        return;
    };
    let (clock, fraction) = stem.split_once('.').unwrap_or((stem, ""));
    if fraction.len() <= 6 && fraction.bytes().all(|b| b.is_ascii_digit()) {
        *ts = format!("{clock}.{fraction:0<6}Z");
    }
}

fn write_value(value: &Value, style: Style, out: &mut String) {
    let (item, pair) = if style.spaced {
        (", ", ": ")
    } else {
        (",", ":")
    };
    match value {
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(item);
                }
                write_string(k, style, out);
                out.push_str(pair);
                write_value(v, style, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item);
                }
                write_value(v, style, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, style, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(s: &str, style: Style, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if style.solidus => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if style.ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
