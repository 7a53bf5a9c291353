//! The check stage: lowers the raw mirror into the model, collecting every problem.
//!
//! Nothing here stops at the first problem: each item is checked on its own, a broken item is
//! left out of the model being built, and checking goes on, so one run reports everything. Only
//! when no problem was found is a [`Namespace`] returned.

use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, Position};
use crate::model::{
    BUILTIN_TYPE_NAMES, Column, ColumnType, Enum, EnumId, EnumLiteral, EnumRepr, EnumValue,
    Namespace, Openness, Reference, Table,
};
use crate::names;
use crate::raw::{RawColumn, RawEnum, RawNamespace, RawTable, Scalar, Spanned};
use crate::yaml::Key;
use std::collections::BTreeMap;

/// Parses and checks a schema definition. `file` names the source in diagnostics.
pub fn load(file: &str, text: &str) -> Result<Namespace, Diagnostics> {
    let mut diagnostics = Vec::new();
    let root = match crate::yaml::parse(text) {
        Ok(root) => root,
        Err(error) => return Err(Diagnostics::new(vec![error], file)),
    };
    let raw = crate::raw::lower(&root, &mut diagnostics);
    let namespace = check(&raw, root.position, &mut diagnostics);
    match namespace {
        Some(namespace) if diagnostics.is_empty() => Ok(namespace),
        _ => {
            if diagnostics.is_empty() {
                // Defensive: `check` only returns `None` after recording why.
                diagnostics.push(Diagnostic::new(
                    DiagnosticKind::InvalidValue,
                    root.position,
                    "",
                    "the schema is incomplete",
                ));
            }
            Err(Diagnostics::new(diagnostics, file))
        }
    }
}

const RENAME_OR_REMOVE: &str = "rename or remove one";

struct Checker<'d> {
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn report(
        &mut self,
        kind: DiagnosticKind,
        at: Position,
        path: &str,
        message: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::new(kind, at, path, message));
    }

    fn required<'a, T>(
        &mut self,
        value: Option<&'a Spanned<T>>,
        owner: Position,
        path: &str,
        key: &str,
        example: &str,
    ) -> Option<&'a Spanned<T>> {
        if value.is_none() {
            let at = if path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            };
            self.report(
                DiagnosticKind::MissingKey,
                owner,
                &at,
                format!("missing `{key}`; add it, e.g. `{key}: {example}`"),
            );
        }
        value
    }

    fn text(&mut self, value: &Spanned<Scalar>, path: &str) -> Option<String> {
        if value.value.plain && value.value.text.is_empty() {
            self.report(
                DiagnosticKind::InvalidValue,
                value.position,
                path,
                "expected text, found nothing; write the text or quote an empty string",
            );
            return None;
        }
        Some(value.value.text.clone())
    }

    fn boolean(&mut self, value: &Spanned<Scalar>, path: &str) -> Option<bool> {
        match (value.value.plain, value.value.text.as_str()) {
            (true, "true") => Some(true),
            (true, "false") => Some(false),
            _ => {
                self.report(
                    DiagnosticKind::InvalidValue,
                    value.position,
                    path,
                    format!("expected `true` or `false`, found `{}`", value.value.text),
                );
                None
            }
        }
    }

    /// A plain decimal integer, or `None` (with no report) when the text is not one.
    fn integer(value: &Spanned<Scalar>) -> Option<i128> {
        let text = value.value.text.as_str();
        let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
        if !value.value.plain
            || digits.is_empty()
            || digits.len() > 30
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        text.parse::<i128>().ok()
    }

    fn name(
        &mut self,
        key: &Key,
        path: &str,
        problem: fn(&str) -> Option<String>,
    ) -> Option<String> {
        match problem(&key.text) {
            Some(message) => {
                self.report(DiagnosticKind::InvalidName, key.position, path, message);
                None
            }
            None => Some(key.text.clone()),
        }
    }

    /// Reports every key after the first that `identity` maps to an already-seen value.
    fn duplicates<I: Ord + std::fmt::Display>(
        &mut self,
        kind: DiagnosticKind,
        items: impl IntoIterator<Item = (I, Position, String)>,
        what: &str,
        advice: &str,
    ) -> Vec<bool> {
        let mut seen: BTreeMap<I, Position> = BTreeMap::new();
        let mut unique = Vec::new();
        for (identity, at, path) in items {
            if let Some(first) = seen.get(&identity) {
                self.report(
                    kind,
                    at,
                    &path,
                    format!(
                        "duplicate {what} `{identity}` (first defined at line {}); {advice}",
                        first.line
                    ),
                );
                unique.push(false);
            } else {
                seen.insert(identity, at);
                unique.push(true);
            }
        }
        unique
    }
}

fn check(
    raw: &RawNamespace,
    root: Position,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Namespace> {
    let mut c = Checker { diagnostics };
    let name = c
        .required(raw.namespace.as_ref(), root, "", "namespace", "canvas_logs")
        .and_then(|n| {
            let key = Key {
                text: n.value.text.clone(),
                position: n.position,
            };
            c.name(&key, "namespace", names::snake_name_problem)
        });
    let version = c
        .required(raw.version.as_ref(), root, "", "version", "1")
        .and_then(|v| match Checker::integer(v) {
            Some(n) if n >= 1 && n <= i128::from(u32::MAX) => Some(n as u32),
            _ => {
                c.report(
                    DiagnosticKind::InvalidValue,
                    v.position,
                    "version",
                    format!(
                        "expected a positive integer schema version (as DAP numbers them), found `{}`",
                        v.value.text
                    ),
                );
                None
            }
        });
    let description = c
        .required(raw.description.as_ref(), root, "", "description", "...")
        .and_then(|d| c.text(d, "description"));

    let enums = check_enums(&mut c, &raw.enums);
    let enum_index: BTreeMap<&str, EnumId> = enums
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.as_ref().map(|e| (e.name.as_str(), EnumId(i))))
        .collect();
    let all_enum_names: Vec<&str> = raw.enums.iter().map(|(k, _)| k.text.as_str()).collect();

    if raw.tables_position.is_none() {
        c.report(
            DiagnosticKind::MissingKey,
            root,
            "tables",
            "missing `tables`; define at least one table under `tables:`",
        );
    } else if raw.tables.is_empty() {
        c.report(
            DiagnosticKind::MissingKey,
            raw.tables_position.unwrap_or(root),
            "tables",
            "`tables` is empty; define at least one table",
        );
    }
    let unique_tables = c.duplicates(
        DiagnosticKind::Duplicate,
        raw.tables
            .iter()
            .map(|(k, _)| (k.text.clone(), k.position, format!("tables.{}", k.text))),
        "table",
        RENAME_OR_REMOVE,
    );
    let mut tables = Vec::new();
    for ((key, table), unique) in raw.tables.iter().zip(unique_tables) {
        let checked = check_table(&mut c, key, table, &enum_index, &all_enum_names);
        if unique {
            tables.push(checked);
        }
    }
    check_rust_type_collisions(&mut c, raw, &enums);

    let enums: Option<Vec<Enum>> = enums.into_iter().collect();
    let tables: Option<Vec<Table>> = tables.into_iter().collect();
    Some(Namespace {
        name: name?,
        description: description?,
        version: version?,
        enums: enums?,
        tables: tables?,
    })
}

fn check_enums(c: &mut Checker<'_>, raw: &[(Key, RawEnum)]) -> Vec<Option<Enum>> {
    let unique = c.duplicates(
        DiagnosticKind::Duplicate,
        raw.iter()
            .map(|(k, _)| (k.text.clone(), k.position, format!("enums.{}", k.text))),
        "enum",
        RENAME_OR_REMOVE,
    );
    // A duplicate stays in the list as `None` so positions line up with `raw`.
    raw.iter()
        .zip(unique)
        .map(|((key, e), unique)| check_enum(c, key, e).filter(|_| unique))
        .collect()
}

fn check_enum(c: &mut Checker<'_>, key: &Key, raw: &RawEnum) -> Option<Enum> {
    let path = format!("enums.{}", key.text);
    let name = c.name(key, &path, names::enum_name_problem);
    let description = match &raw.description {
        Some(d) => Some(c.text(d, &format!("{path}.description"))?),
        None => None,
    };
    let repr = match &raw.ty {
        None => Some(EnumRepr::String),
        Some(t) if t.value.plain && t.value.text == "string" => Some(EnumRepr::String),
        Some(t) if t.value.plain && t.value.text == "integer" => Some(EnumRepr::Integer),
        Some(t) => {
            c.report(
                DiagnosticKind::InvalidValue,
                t.position,
                &format!("{path}.type"),
                format!(
                    "unknown enum type `{}`; write `string` (the default) or `integer`",
                    t.value.text
                ),
            );
            None
        }
    };
    let openness = match &raw.open {
        None => Some(Openness::Closed),
        Some(o) => c.boolean(o, &format!("{path}.open")).map(|open| {
            if open {
                Openness::Open
            } else {
                Openness::Closed
            }
        }),
    };
    if let (Some(EnumRepr::Integer), Some(Openness::Open)) = (repr, openness) {
        c.report(
            DiagnosticKind::InvalidValue,
            raw.open.as_ref().map_or(raw.position, |o| o.position),
            &format!("{path}.open"),
            "an integer enum cannot be open (open enums admit any string); remove `open: true` or use `type: string`",
        );
    }
    let values_path = format!("{path}.values");
    let Some(values) = &raw.values else {
        c.report(
            DiagnosticKind::MissingKey,
            raw.position,
            &values_path,
            "missing `values`; list the members as `name: value` under `values:`",
        );
        return None;
    };
    if values.value.is_empty() {
        c.report(
            DiagnosticKind::EmptyEnum,
            values.position,
            &values_path,
            format!(
                "enum `{}` has no values; list at least one member as `name: value`",
                key.text
            ),
        );
        return None;
    }
    let repr = repr?;
    let mut members = Vec::new();
    let mut all_ok = true;
    for (value_key, value) in &values.value {
        let item_path = format!("{values_path}.{}", value_key.text);
        let member_name = c.name(value_key, &item_path, names::enum_value_name_problem);
        let literal = check_enum_literal(c, repr, value, &item_path);
        match (member_name, literal) {
            (Some(member_name), Some(literal)) => {
                let rust_name = names::rust_variant_name(&member_name, literal.as_str());
                members.push((
                    value_key,
                    value,
                    EnumValue {
                        name: member_name,
                        rust_name,
                        value: literal,
                    },
                ));
            }
            _ => all_ok = false,
        }
    }
    let unique_names = c.duplicates(
        DiagnosticKind::Duplicate,
        members.iter().map(|(k, _, m)| {
            (
                m.name.clone(),
                k.position,
                format!("{values_path}.{}", m.name),
            )
        }),
        "enum value name",
        RENAME_OR_REMOVE,
    );
    let unique_values = c.duplicates(
        DiagnosticKind::Duplicate,
        members.iter().map(|(k, v, m)| {
            (
                m.value.clone(),
                v.position,
                format!("{values_path}.{}", k.text),
            )
        }),
        "enum value",
        RENAME_OR_REMOVE,
    );
    let unique_variants = c.duplicates(
        DiagnosticKind::InvalidName,
        members.iter().map(|(k, _, m)| {
            (
                m.rust_name.clone(),
                k.position,
                format!("{values_path}.{}", k.text),
            )
        }),
        "Rust variant name",
        "variant names are the UpperCamelCase of the value, or of the member name when the value is not identifier-like (codegen/src/names.rs); rename one member",
    );
    let open = openness == Some(Openness::Open);
    for (k, _, m) in &members {
        if open && m.rust_name == "Other" {
            c.report(
                DiagnosticKind::InvalidName,
                k.position,
                &format!("{values_path}.{}", k.text),
                "this member's Rust variant would be `Other`, which open enums reserve for unlisted values; rename the member",
            );
            all_ok = false;
        }
    }
    let all_unique = unique_names
        .iter()
        .chain(&unique_values)
        .chain(&unique_variants)
        .all(|u| *u);
    let name = name?;
    if !all_ok || !all_unique {
        return None;
    }
    Some(Enum {
        rust_name: names::rust_type_name(&name),
        name,
        description,
        repr,
        openness: openness?,
        values: members.into_iter().map(|(_, _, m)| m).collect(),
    })
}

fn check_enum_literal(
    c: &mut Checker<'_>,
    repr: EnumRepr,
    value: &Spanned<Scalar>,
    path: &str,
) -> Option<EnumLiteral> {
    match repr {
        EnumRepr::Integer => match Checker::integer(value) {
            Some(n) => match i32::try_from(n) {
                Ok(n) => Some(EnumLiteral::Integer(n)),
                Err(_) => {
                    c.report(
                        DiagnosticKind::EnumValueOutOfRange,
                        value.position,
                        path,
                        format!(
                            "integer enum value {n} is outside the 32-bit range {}..={}; use a smaller value",
                            i32::MIN,
                            i32::MAX
                        ),
                    );
                    None
                }
            },
            None => {
                c.report(
                    DiagnosticKind::InvalidValue,
                    value.position,
                    path,
                    format!(
                        "expected an unquoted whole number for an integer enum, found `{}`",
                        value.value.text
                    ),
                );
                None
            }
        },
        EnumRepr::String => {
            let text = &value.value.text;
            if value.value.plain && plain_scalar_is_not_a_string(text) {
                c.report(
                    DiagnosticKind::InvalidValue,
                    value.position,
                    path,
                    format!(
                        "`{text}` would be read by YAML as a number, boolean or null; quote it (`\"{text}\"`) to make it a string value"
                    ),
                );
                return None;
            }
            if text.is_empty() {
                c.report(
                    DiagnosticKind::InvalidValue,
                    value.position,
                    path,
                    "an enum value cannot be empty",
                );
                return None;
            }
            Some(EnumLiteral::String(text.clone()))
        }
    }
}

/// Whether YAML 1.2's core schema would resolve a plain scalar to something other than a string.
fn plain_scalar_is_not_a_string(text: &str) -> bool {
    matches!(
        text,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
    ) || text.parse::<f64>().is_ok()
        || text
            .strip_prefix("0x")
            .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
        || text
            .strip_prefix("0o")
            .is_some_and(|o| !o.is_empty() && o.bytes().all(|b| (b'0'..=b'7').contains(&b)))
}

fn check_table(
    c: &mut Checker<'_>,
    key: &Key,
    raw: &RawTable,
    enum_index: &BTreeMap<&str, EnumId>,
    all_enum_names: &[&str],
) -> Option<Table> {
    let path = format!("tables.{}", key.text);
    let name = c.name(key, &path, names::snake_name_problem);
    let description = c
        .required(
            raw.description.as_ref(),
            raw.position,
            &path,
            "description",
            "...",
        )
        .and_then(|d| c.text(d, &format!("{path}.description")));
    let columns_path = format!("{path}.columns");
    let raw_columns: &[(Key, RawColumn)] = match &raw.columns {
        None => {
            c.report(
                DiagnosticKind::MissingKey,
                raw.position,
                &columns_path,
                "missing `columns`; define the table's columns under `columns:`",
            );
            &[]
        }
        Some(columns) if columns.value.is_empty() => {
            c.report(
                DiagnosticKind::MissingKey,
                columns.position,
                &columns_path,
                "`columns` is empty; define at least one column",
            );
            &[]
        }
        Some(columns) => &columns.value,
    };
    let unique = c.duplicates(
        DiagnosticKind::Duplicate,
        raw_columns.iter().map(|(k, _)| {
            (
                k.text.clone(),
                k.position,
                format!("{columns_path}.{}", k.text),
            )
        }),
        "column",
        RENAME_OR_REMOVE,
    );
    let mut columns = Vec::new();
    let mut all_ok = !raw_columns.is_empty();
    for ((column_key, column), unique) in raw_columns.iter().zip(unique) {
        let checked = check_column(
            c,
            column_key,
            column,
            &columns_path,
            enum_index,
            all_enum_names,
        );
        match checked {
            Some(column) if unique => columns.push(column),
            _ => all_ok = false,
        }
    }

    let pk_path = format!("{path}.primary_key");
    let mut primary_key = Vec::new();
    match &raw.primary_key {
        None => {
            c.report(
                DiagnosticKind::InvalidPrimaryKey,
                raw.position,
                &pk_path,
                "missing `primary_key`; name the key columns, e.g. `primary_key: [id]`",
            );
            all_ok = false;
        }
        Some(pk) if pk.value.is_empty() => {
            c.report(
                DiagnosticKind::InvalidPrimaryKey,
                pk.position,
                &pk_path,
                "`primary_key` is empty; name at least one column, e.g. `primary_key: [id]`",
            );
            all_ok = false;
        }
        Some(pk) => {
            for item in &pk.value {
                let column_name = item.value.text.as_str();
                let raw_column = raw_columns.iter().find(|(k, _)| k.text == column_name);
                match raw_column {
                    None => {
                        let known: Vec<&str> =
                            raw_columns.iter().map(|(k, _)| k.text.as_str()).collect();
                        let hint = match names::suggest(column_name, known.iter().copied()) {
                            Some(close) => format!("; did you mean `{close}`?"),
                            None => format!("; the columns are {}", known.join(", ")),
                        };
                        c.report(
                            DiagnosticKind::InvalidPrimaryKey,
                            item.position,
                            &pk_path,
                            format!("primary key column `{column_name}` is not a column of this table{hint}"),
                        );
                        all_ok = false;
                    }
                    Some((_, column)) => {
                        let nullable = column
                            .nullable
                            .as_ref()
                            .is_some_and(|n| n.value.plain && n.value.text == "true");
                        if nullable {
                            c.report(
                                DiagnosticKind::InvalidPrimaryKey,
                                item.position,
                                &pk_path,
                                format!("primary key column `{column_name}` is nullable; key columns must be `nullable: false`"),
                            );
                            all_ok = false;
                        }
                        let index = raw_columns
                            .iter()
                            .position(|(k, _)| k.text == column_name)
                            .unwrap_or(0);
                        if primary_key.contains(&index) {
                            c.report(
                                DiagnosticKind::InvalidPrimaryKey,
                                item.position,
                                &pk_path,
                                format!("`{column_name}` is listed twice in the primary key"),
                            );
                            all_ok = false;
                        }
                        primary_key.push(index);
                    }
                }
            }
        }
    }
    if !all_ok {
        return None;
    }
    Some(Table {
        name: name?,
        description: description?,
        columns,
        primary_key,
    })
}

fn check_column(
    c: &mut Checker<'_>,
    key: &Key,
    raw: &RawColumn,
    columns_path: &str,
    enum_index: &BTreeMap<&str, EnumId>,
    all_enum_names: &[&str],
) -> Option<Column> {
    let path = format!("{columns_path}.{}", key.text);
    let name = c.name(key, &path, names::snake_name_problem);
    let description = c
        .required(
            raw.description.as_ref(),
            raw.position,
            &path,
            "description",
            "...",
        )
        .and_then(|d| c.text(d, &format!("{path}.description")));
    let ty = c
        .required(raw.ty.as_ref(), raw.position, &path, "type", "string")
        .and_then(|t| check_type(c, t, &format!("{path}.type"), enum_index, all_enum_names));
    let nullable = match &raw.nullable {
        None => Some(false),
        Some(n) => c.boolean(n, &format!("{path}.nullable")),
    };
    let is_string = raw
        .ty
        .as_ref()
        .is_some_and(|t| t.value.plain && t.value.text == "string");
    let type_text = raw.ty.as_ref().map_or("", |t| t.value.text.as_str());
    let max_length = match &raw.max_length {
        None => Some(None),
        Some(m) => {
            let m_path = format!("{path}.max_length");
            if !is_string {
                c.report(
                    DiagnosticKind::InvalidMaxLength,
                    m.position,
                    &m_path,
                    format!("`max_length` applies only to `string` columns, and this column is `{type_text}`; remove it"),
                );
                None
            } else {
                match Checker::integer(m) {
                    Some(n) if n >= 1 && n <= i128::from(u32::MAX) => Some(Some(n as u32)),
                    _ => {
                        c.report(
                            DiagnosticKind::InvalidMaxLength,
                            m.position,
                            &m_path,
                            format!(
                                "`max_length` must be a positive whole number of characters, found `{}`",
                                m.value.text
                            ),
                        );
                        None
                    }
                }
            }
        }
    };
    let sentinels = match &raw.sentinels {
        None => Some(Vec::new()),
        Some(s) if !is_string => {
            c.report(
                DiagnosticKind::InvalidValue,
                s.position,
                &format!("{path}.sentinels"),
                format!("`sentinels` apply only to `string` columns, and this column is `{type_text}`; remove them"),
            );
            None
        }
        Some(s) => {
            let mut out: Vec<String> = Vec::new();
            let mut ok = true;
            for item in &s.value {
                if item.value.text.is_empty() {
                    c.report(
                        DiagnosticKind::InvalidValue,
                        item.position,
                        &format!("{path}.sentinels"),
                        "a sentinel cannot be empty",
                    );
                    ok = false;
                } else if out.contains(&item.value.text) {
                    c.report(
                        DiagnosticKind::Duplicate,
                        item.position,
                        &format!("{path}.sentinels"),
                        format!("duplicate sentinel `{}`; list it once", item.value.text),
                    );
                    ok = false;
                } else {
                    out.push(item.value.text.clone());
                }
            }
            ok.then_some(out)
        }
    };
    let references = match &raw.references {
        None => Some(None),
        Some(r) => {
            let parts: Vec<&str> = r.value.text.split('.').collect();
            let valid =
                parts.len() == 2 && parts.iter().all(|p| names::snake_name_problem(p).is_none());
            if valid {
                Some(Some(Reference {
                    namespace: parts[0].to_owned(),
                    table: parts[1].to_owned(),
                }))
            } else {
                c.report(
                    DiagnosticKind::InvalidValue,
                    r.position,
                    &format!("{path}.references"),
                    format!(
                        "expected `namespace.table` in snake_case (e.g. `canvas.users`), found `{}`",
                        r.value.text
                    ),
                );
                None
            }
        }
    };
    Some(Column {
        name: name?,
        description: description?,
        ty: ty?,
        nullable: nullable?,
        max_length: max_length?,
        sentinels: sentinels?,
        references: references?,
    })
}

fn check_type(
    c: &mut Checker<'_>,
    ty: &Spanned<Scalar>,
    path: &str,
    enum_index: &BTreeMap<&str, EnumId>,
    all_enum_names: &[&str],
) -> Option<ColumnType> {
    let text = ty.value.text.as_str();
    if let Some(builtin) = ColumnType::from_builtin_name(text) {
        return Some(builtin);
    }
    if let Some(id) = enum_index.get(text) {
        return Some(ColumnType::Enum(*id));
    }
    // An enum that exists but failed its own checks was already reported there.
    if all_enum_names.contains(&text) {
        return None;
    }
    let starts_upper = text
        .chars()
        .next()
        .is_some_and(|ch| ch.is_ascii_uppercase());
    if starts_upper {
        let hint = match names::suggest(text, all_enum_names.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None if all_enum_names.is_empty() => {
                "no enums are defined; add it under `enums:`".to_owned()
            }
            None => format!(
                "define it under `enums:` or use one of {}",
                all_enum_names.join(", ")
            ),
        };
        c.report(
            DiagnosticKind::UndefinedEnum,
            ty.position,
            path,
            format!("enum `{text}` is not defined; {hint}"),
        );
    } else {
        let hint = match names::suggest(text, BUILTIN_TYPE_NAMES) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "expected one of {}, or an enum name",
                BUILTIN_TYPE_NAMES.join(", ")
            ),
        };
        c.report(
            DiagnosticKind::UnknownType,
            ty.position,
            path,
            format!("unknown column type `{text}`; {hint}"),
        );
    }
    None
}

/// Enum and row type names share one Rust module: `HTTPMethod` and `HttpMethod`, or an enum named
/// like a table's row type (`WebLog`), would collide in the generated code.
fn check_rust_type_collisions(c: &mut Checker<'_>, raw: &RawNamespace, enums: &[Option<Enum>]) {
    let mut items: Vec<(String, Position, String)> = Vec::new();
    let mut tables_seen: Vec<&str> = Vec::new();
    for (key, _) in &raw.tables {
        // A duplicate table was reported as such; its row types would only repeat that.
        if tables_seen.contains(&key.text.as_str()) {
            continue;
        }
        tables_seen.push(&key.text);
        if names::snake_name_problem(&key.text).is_none() {
            let row = names::rust_row_type_name(&key.text);
            items.push((
                format!("{row}Record"),
                key.position,
                format!("tables.{}", key.text),
            ));
            items.push((row, key.position, format!("tables.{}", key.text)));
        }
    }
    for ((key, _), checked) in raw.enums.iter().zip(enums) {
        if checked.is_some() {
            items.push((
                names::rust_type_name(&key.text),
                key.position,
                format!("enums.{}", key.text),
            ));
        }
    }
    c.duplicates(
        DiagnosticKind::InvalidName,
        items,
        "Rust type name",
        "enum types are the UpperCamelCase of the enum name and a table `t` makes `T` and `TRecord` (codegen/src/names.rs); rename one",
    );
}
