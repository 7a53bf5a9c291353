//! The namespace YAML of a model: what `cargo xtask import-dap` writes.
//!
//! The layout is the one `schema/canvas_logs.yaml` is written in, so that importing the schema DAP
//! serves for an unchanged namespace rewrites that file byte for byte (a test holds it):
//! `namespace`, `version`, `description`, then `enums` (one blank line between them; keys
//! `description`, `type`, `open`, `values`) and `tables` (keys `description`, `primary_key`,
//! `columns`; a column's keys `type`, `nullable`, `max_length`, `sentinels`, `references`,
//! `description`). A description is a plain scalar when it fits in [`WIDTH`] columns and reads
//! back unchanged, otherwise a folded `>-` block wrapped at [`WIDTH`]. An enum value is quoted
//! (JSON escaping, which YAML's double-quoted style shares) unless plain YAML would read it back
//! as the same string. The header comment is passed in: the model has no place for comments.

use crate::model::{Column, Enum, EnumLiteral, EnumRepr, Namespace, Table};
use std::fmt::Write;

/// The widest line written (where words allow).
pub const WIDTH: usize = 100;

/// The YAML text of `namespace`, after `header` (comment lines, each starting with `#`, written
/// as given, followed by one blank line when not empty).
pub fn render(namespace: &Namespace, header: &str) -> String {
    let mut out = String::new();
    let header = header.trim_end();
    if !header.is_empty() {
        out.push_str(header);
        out.push_str("\n\n");
    }
    let _ = writeln!(out, "namespace: {}", namespace.name());
    let _ = writeln!(out, "version: {}", namespace.version());
    description(&mut out, 0, namespace.description());
    if !namespace.enums().is_empty() {
        out.push_str("\nenums:\n");
        for (i, e) in namespace.enums().iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            render_enum(&mut out, e);
        }
    }
    out.push_str("\ntables:\n");
    for (i, table) in namespace.tables().iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_table(&mut out, namespace, table);
    }
    out
}

/// The leading comment block of a YAML text: its first lines up to the first line that is not
/// a comment (blank lines inside the block are kept; trailing ones are not).
pub fn header_comment(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            lines.push(line);
        } else {
            break;
        }
    }
    lines.join("\n").trim_end().to_owned()
}

fn render_enum(out: &mut String, e: &Enum) {
    let _ = writeln!(out, "  {}:", e.name());
    if let Some(text) = e.description() {
        description(out, 4, text);
    }
    if e.repr() == EnumRepr::Integer {
        out.push_str("    type: integer\n");
    }
    if e.is_open() {
        out.push_str("    open: true\n");
    }
    out.push_str("    values:\n");
    for value in e.values() {
        let literal = match value.value() {
            EnumLiteral::String(s) => scalar(s),
            EnumLiteral::Integer(i) => i.to_string(),
        };
        let _ = writeln!(out, "      {}: {literal}", value.name());
    }
}

fn render_table(out: &mut String, namespace: &Namespace, table: &Table) {
    let _ = writeln!(out, "  {}:", table.name());
    description(out, 4, table.description());
    let key: Vec<&str> = table.key_columns().map(Column::name).collect();
    let _ = writeln!(out, "    primary_key: [{}]", key.join(", "));
    out.push_str("    columns:\n");
    for column in table.columns() {
        let _ = writeln!(out, "      {}:", column.name());
        let ty = match column.ty().builtin_name() {
            Some(name) => name.to_owned(),
            None => match column.ty() {
                crate::model::ColumnType::Enum(id) => namespace.enum_by_id(id).name().to_owned(),
                _ => String::new(),
            },
        };
        let _ = writeln!(out, "        type: {ty}");
        if column.nullable() {
            out.push_str("        nullable: true\n");
        }
        if let Some(max) = column.max_length() {
            let _ = writeln!(out, "        max_length: {max}");
        }
        if !column.sentinels().is_empty() {
            let items: Vec<String> = column.sentinels().iter().map(|s| flow_scalar(s)).collect();
            let _ = writeln!(out, "        sentinels: [{}]", items.join(", "));
        }
        if let Some(reference) = column.references() {
            let _ = writeln!(out, "        references: {reference}");
        }
        description(out, 8, column.description());
    }
}

/// `description: ...` at `indent`: plain when it fits and is safe, else a folded block.
fn description(out: &mut String, indent: usize, text: &str) {
    let pad = " ".repeat(indent);
    let plain = format!("{pad}description: {text}");
    if plain.chars().count() <= WIDTH && is_plain_safe(text) {
        out.push_str(&plain);
        out.push('\n');
        return;
    }
    let _ = writeln!(out, "{pad}description: >-");
    let inner = " ".repeat(indent + 2);
    for line in wrap(text, WIDTH - inner.len()) {
        let _ = writeln!(out, "{inner}{line}");
    }
}

/// Splits `text` at single spaces into lines of at most `width` characters (a longer word gets
/// a line of its own). Folding joins the lines with one space again, so the text reads back
/// unchanged as long as it has no line breaks, no runs of spaces and no edge spaces; the
/// importer's round-trip test holds that for every description.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// A string scalar: plain when YAML reads it back as the same string, else double-quoted.
fn scalar(text: &str) -> String {
    if is_plain_safe(text) && !text.contains(':') {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

/// A string scalar inside a flow sequence (`[a, b]`), where `,[]{}` end a plain scalar too.
fn flow_scalar(text: &str) -> String {
    if text.contains([',', '[', ']', '{', '}']) {
        serde_json::to_string(text).unwrap_or_default()
    } else {
        scalar(text)
    }
}

/// Whether `text` written as a plain scalar reads back as the same string (conservatively: some
/// safe texts are quoted anyway).
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let indicator = "-?:,[]{}#&*!|>'\"%@`".contains(first);
    let number_like = first.is_ascii_digit() || matches!(first, '+' | '.');
    let lower = text.to_ascii_lowercase();
    let reserved = [
        "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n",
    ]
    .contains(&lower.as_str());
    !indicator
        && !number_like
        && !reserved
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with([':', ' '])
        && !text.starts_with(' ')
        && !text.contains("  ")
        && !text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_yaml_is_written_back_byte_for_byte() {
        let namespace = crate::load_embedded();
        let header = header_comment(crate::CANVAS_LOGS_YAML);
        let text = render(&namespace, &header);
        if text != crate::CANVAS_LOGS_YAML {
            let first = text
                .lines()
                .zip(crate::CANVAS_LOGS_YAML.lines())
                .position(|(a, b)| a != b);
            panic!("differs first at line {first:?}:\n{text}");
        }
    }

    #[test]
    fn every_scalar_reads_back_as_written() {
        let texts = [
            "plain",
            "0.9",
            "1.0",
            "Quizzes::QuizSubmission",
            "true",
            "NO",
            "~",
            "- dash",
            "a: b",
            "a #b",
            "trailing ",
            "[x]",
            "quizzes/quizzes",
            "\"quoted\"",
            "tab\there",
            "é ünïcödé",
            "__dap_unspecified__",
            "%percent",
            "@at",
        ];
        for text in texts {
            let yaml = format!("k: {}\nl: [{}]\n", scalar(text), flow_scalar(text));
            let docs = yaml_rust2::YamlLoader::load_from_str(&yaml)
                .unwrap_or_else(|e| panic!("{text:?}: {e}\n{yaml}"));
            assert_eq!(docs[0]["k"].as_str(), Some(text), "{yaml}");
            assert_eq!(docs[0]["l"][0].as_str(), Some(text), "{yaml}");
        }
    }

    #[test]
    fn long_descriptions_fold_within_the_width_and_read_back() {
        let long = "word ".repeat(60).trim_end().to_owned() + " a-very-long-unbreakable-token";
        let mut out = String::new();
        description(&mut out, 8, &long);
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        let yaml = format!("x:\n{out}");
        let docs = yaml_rust2::YamlLoader::load_from_str(&yaml).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(docs[0]["x"]["description"].as_str(), Some(long.as_str()));
    }
}
