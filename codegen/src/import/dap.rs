//! DAP's served JSON Schema of one table -> a namespace model.
//!
//! Input: the wrapper `dap schema` writes (`{"schema": {...}, "version": N}`) or the bare schema
//! (its version then comes from the base namespace, or is 1). The mapping, encoding by encoding
//! (the reverse of [`crate::emit::dap_schema`]):
//!
//! | served | column type |
//! |---|---|
//! | `type: string`, `format: uuid` / `date-time` | `uuid` / `timestamp` |
//! | `type: integer`, `format: int32` / `int64` (no format: `int64`) | `int32` / `int64` |
//! | `type: boolean` | `bool` |
//! | `type: string` (`maxLength`: `max_length`) | `string` |
//! | `oneOf`/`anyOf` of `format: ipv4` and `format: ipv6` | `ip` |
//! | `oneOf`/`anyOf` of `const` strings and one `type: string` | `string` with those sentinels |
//! | `$ref: "#/definitions/<Name>"` (or `#/$defs/`) to `{type, enum}` | enum `<Name>` |
//! | inline `{type: string|integer, enum: [...]}` | enum named by the base column, else after the column |
//! | `oneOf`/`anyOf` of an enum and `{type: string}` | that enum, open |
//!
//! A column is nullable when its object's `required` does not list it; the primary key is the
//! `key` object's properties, in order; columns come in served order (`key`, then `value`).
//! DAP serves enum values but not member names, nor `references`, nor the namespace's name and
//! description: those come from the base namespace (the YAML being updated) where the enum,
//! value or column matches, and a new value gets a derived member name (listed in
//! [`Imported::derived_names`]). Anything else, an unknown `format`, a keyword that would change
//! the rule (`pattern`, `minimum`, ...), a `$ref` that resolves nowhere, a union the language
//! cannot express, is an [`ImportError`] naming the JSON pointer; every one is collected.

use crate::model::{
    Column, ColumnType, Enum, EnumId, EnumLiteral, EnumRepr, EnumValue, Namespace, Openness, Table,
};
use crate::names;
use serde_json::{Map, Value};
use std::fmt;

/// The error of a union other than the three the language has.
const UNION_NOT_EXPRESSIBLE: &str = "a union the language cannot express (expected `E | str`, `sentinel | str(n)` or `ipv4 | ipv6`)";

/// What to import and what to keep from the namespace being updated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The table's name; by default the schema's `title`, else the base namespace's only table.
    pub table: Option<&'a str>,
    /// The namespace being updated: its name, description, enum member names, column references
    /// and descriptions the served schema lacks.
    pub base: Option<&'a Namespace>,
}

/// The imported namespace and what the importer had to invent.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The namespace: the base's other tables are dropped (a served schema describes one table).
    pub namespace: Namespace,
    /// Enum member names derived for values the base does not name.
    pub derived_names: Vec<DerivedName>,
}

/// A member name the importer made up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedName {
    /// The enum.
    pub enum_name: String,
    /// The served value.
    pub value: String,
    /// The member name given to it.
    pub name: String,
}

/// Something in the served schema that cannot be mapped, at a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// RFC 6901 pointer into the file (`/schema/properties/value/properties/url`); empty for the
    /// whole document.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at {}: {}", self.pointer, self.message)
        }
    }
}

/// Whether `text` looks like a served DAP schema (a JSON object with a `schema`+`version`
/// wrapper, or a schema with `properties.key`), as opposed to a namespace YAML.
pub fn looks_like_dap_schema(text: &str) -> bool {
    let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let schema = match doc.get("schema") {
        Some(Value::Object(inner)) => inner,
        _ => &doc,
    };
    schema
        .get("properties")
        .and_then(|p| p.get("key"))
        .is_some()
}

/// Imports the served schema in `text`.
pub fn import(text: &str, options: Options<'_>) -> Result<Imported, Vec<ImportError>> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        vec![ImportError {
            pointer: String::new(),
            message: format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        }]
    })?;
    let mut importer = Importer {
        options,
        errors: Vec::new(),
        enums: Vec::new(),
        derived: Vec::new(),
        definitions: None,
        definitions_pointer: String::new(),
    };
    let namespace = importer.document(&doc);
    match namespace {
        Some(namespace) if importer.errors.is_empty() => {
            let header = "# Imported from DAP's served JSON Schema.";
            let yaml = crate::emit::yaml::render(&namespace, header);
            let checked = crate::check::load("imported", &yaml).map_err(|diagnostics| {
                diagnostics
                    .as_slice()
                    .iter()
                    .map(|d| ImportError {
                        pointer: String::new(),
                        message: format!("the imported model does not check: {d}"),
                    })
                    .collect::<Vec<_>>()
            })?;
            Ok(Imported {
                namespace: checked,
                derived_names: importer.derived,
            })
        }
        _ => Err(importer.errors),
    }
}

/// An enum as it is being built.
struct EnumDraft {
    name: String,
    description: Option<String>,
    repr: EnumRepr,
    open: Option<bool>,
    values: Vec<EnumLiteral>,
}

struct Importer<'a> {
    options: Options<'a>,
    errors: Vec<ImportError>,
    enums: Vec<EnumDraft>,
    derived: Vec<DerivedName>,
    definitions: Option<&'a Map<String, Value>>,
    definitions_pointer: String,
}

/// A resolved property type, before it becomes a column.
enum Resolved {
    Plain(ColumnType, Option<u32>, Vec<String>),
    Enum(usize, bool),
}

impl<'a> Importer<'a> {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.errors.push(ImportError {
            pointer: pointer.to_owned(),
            message: message.into(),
        });
    }

    fn document(&mut self, doc: &'a Value) -> Option<Namespace> {
        let Value::Object(top) = doc else {
            self.error(
                "",
                "expected a JSON object: the schema DAP serves, or its wrapper",
            );
            return None;
        };
        let base = self.options.base;
        let (schema, schema_pointer, version) = match (top.get("schema"), top.get("version")) {
            (Some(schema), Some(version)) => {
                let version = match version.as_u64().and_then(|v| u32::try_from(v).ok()) {
                    Some(v) => v,
                    None => {
                        self.error("/version", format!("expected a schema version (a non-negative integer), found {version}"));
                        return None;
                    }
                };
                (schema, "/schema", version)
            }
            (Some(_), None) => {
                self.error(
                    "",
                    "a wrapper with `schema` needs `version` too, as `dap schema` writes it",
                );
                return None;
            }
            _ => (doc, "", base.map_or(1, Namespace::version)),
        };
        let Value::Object(schema) = schema else {
            self.error(schema_pointer, "expected the table's schema, an object");
            return None;
        };
        for (key, pointer) in [("definitions", "definitions"), ("$defs", "$defs")] {
            if let Some(defs) = schema.get(key) {
                match defs {
                    Value::Object(map) => {
                        self.definitions = Some(map);
                        self.definitions_pointer = format!("{schema_pointer}/{pointer}");
                    }
                    _ => self.error(
                        &format!("{schema_pointer}/{pointer}"),
                        "expected an object of named types",
                    ),
                }
            }
        }
        let table_name = self.table_name(schema, schema_pointer)?;
        let properties = schema.get("properties").and_then(Value::as_object);
        let Some(properties) = properties else {
            self.error(
                schema_pointer,
                "no `properties`: expected `key`, `value` and `meta`",
            );
            return None;
        };
        let base_table = base.and_then(|b| b.table(&table_name));
        let mut columns = Vec::new();
        let mut primary_key = Vec::new();
        for section in ["key", "value"] {
            let pointer = format!("{schema_pointer}/properties/{section}");
            let Some(object) = properties.get(section) else {
                if section == "key" {
                    self.error(
                        &format!("{schema_pointer}/properties"),
                        "no `key` object: a DAP table has a primary key",
                    );
                }
                continue;
            };
            let Some(members) = object.get("properties").and_then(Value::as_object) else {
                self.error(&pointer, "expected an object schema with `properties`");
                continue;
            };
            let required: Vec<&str> = object
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (name, property) in members {
                let column_pointer = format!("{pointer}/properties/{}", escape_pointer(name));
                let base_column = base_table.and_then(|t| t.column(name));
                if let Some(column) = self.column(
                    name,
                    property,
                    &column_pointer,
                    !required.contains(&name.as_str()),
                    base_column,
                ) {
                    if section == "key" {
                        primary_key.push(columns.len());
                    }
                    columns.push(column);
                }
            }
        }
        let description = schema
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| base_table.map(|t| t.description().to_owned()))
            .unwrap_or_else(|| format!("The {table_name} table, as DAP serves it."));
        let (enums, position) = self.finish_enums();
        for column in &mut columns {
            if let ColumnType::Enum(EnumId(draft)) = column.ty {
                column.ty = ColumnType::Enum(EnumId(position.get(draft).copied().unwrap_or(draft)));
            }
        }
        Some(Namespace {
            name: base.map_or_else(|| "canvas_logs".to_owned(), |b| b.name().to_owned()),
            description: base.map_or_else(
                || "Imported from the JSON Schema DAP serves.".to_owned(),
                |b| b.description().to_owned(),
            ),
            version,
            enums,
            tables: vec![Table {
                name: table_name,
                description,
                columns,
                primary_key,
            }],
        })
    }

    fn table_name(&mut self, schema: &Map<String, Value>, pointer: &str) -> Option<String> {
        if let Some(name) = self.options.table {
            return Some(name.to_owned());
        }
        if let Some(title) = schema.get("title").and_then(Value::as_str)
            && names::snake_name_problem(title).is_none()
        {
            return Some(title.to_owned());
        }
        if let Some(base) = self.options.base
            && let [only] = base.tables()
        {
            return Some(only.name().to_owned());
        }
        self.error(
            pointer,
            "cannot tell which table this is (no snake_case `title`): name it with --table",
        );
        None
    }

    fn column(
        &mut self,
        name: &str,
        property: &'a Value,
        pointer: &str,
        nullable: bool,
        base: Option<&Column>,
    ) -> Option<Column> {
        if let Some(problem) = names::snake_name_problem(name) {
            self.error(
                pointer,
                format!("the column name cannot be used: {problem}"),
            );
            return None;
        }
        let resolved = self.resolve(name, property, pointer, base)?;
        let description = property
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| base.map(|c| c.description().to_owned()))
            .unwrap_or_else(|| name.replace('_', " "));
        let (ty, max_length, sentinels) = match resolved {
            Resolved::Plain(ty, max, sentinels) => (ty, max, sentinels),
            Resolved::Enum(index, open) => {
                let draft = self.enums.get_mut(index)?;
                match draft.open {
                    Some(was) if was != open => {
                        let name = draft.name.clone();
                        self.error(pointer, format!("enum {name} is used both open and closed; the language makes openness a property of the enum"));
                        return None;
                    }
                    _ => draft.open = Some(open),
                }
                (ColumnType::Enum(EnumId(index)), None, Vec::new())
            }
        };
        let references = base
            .filter(|c| c.ty() == ty)
            .and_then(|c| c.references().cloned());
        Some(Column {
            name: name.to_owned(),
            description,
            ty,
            nullable,
            max_length,
            sentinels,
            references,
        })
    }

    /// The type a property schema describes.
    fn resolve(
        &mut self,
        column: &str,
        property: &'a Value,
        pointer: &str,
        base: Option<&Column>,
    ) -> Option<Resolved> {
        let Value::Object(schema) = property else {
            self.error(pointer, "expected a schema object");
            return None;
        };
        const MEANINGFUL: [&str; 12] = [
            "pattern",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minLength",
            "multipleOf",
            "items",
            "properties",
            "allOf",
            "not",
            "if",
        ];
        if let Some(keyword) = MEANINGFUL.iter().find(|k| schema.contains_key(**k)) {
            self.error(
                &format!("{pointer}/{keyword}"),
                format!("`{keyword}` cannot be expressed in the namespace language"),
            );
            return None;
        }
        if let Some(target) = schema.get("$ref") {
            let index = self.reference(target, &format!("{pointer}/$ref"))?;
            return Some(Resolved::Enum(index, false));
        }
        for union in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(union) {
                return self.union(column, branches, &format!("{pointer}/{union}"), base);
            }
        }
        if schema.contains_key("enum") {
            let name = self.inline_enum_name(column, base);
            let index = self.enum_schema(&name, property, pointer, true)?;
            return Some(Resolved::Enum(index, false));
        }
        let ty = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str);
        let max_length = match schema.get("maxLength") {
            None => None,
            Some(max) => match max
                .as_u64()
                .and_then(|m| u32::try_from(m).ok())
                .filter(|m| *m > 0)
            {
                Some(m) => Some(m),
                None => {
                    self.error(
                        &format!("{pointer}/maxLength"),
                        format!("expected a positive length, found {max}"),
                    );
                    return None;
                }
            },
        };
        if max_length.is_some() && (ty != Some("string") || format.is_some()) {
            self.error(
                &format!("{pointer}/maxLength"),
                "`maxLength` applies to plain strings only",
            );
            return None;
        }
        let column_type = match (ty, format) {
            (Some("string"), Some("uuid")) => ColumnType::Uuid,
            (Some("string"), Some("date-time")) => ColumnType::Timestamp,
            (Some("string"), None) => ColumnType::String,
            (Some("integer"), Some("int32")) => ColumnType::Int32,
            (Some("integer"), Some("int64") | None) => ColumnType::Int64,
            (Some("boolean"), None) => ColumnType::Bool,
            (Some("string"), Some(f @ ("ipv4" | "ipv6"))) => {
                self.error(&format!("{pointer}/format"), format!("a column of `{f}` only cannot be expressed: the language's `ip` takes IPv4 and IPv6"));
                return None;
            }
            (Some(t), Some(f)) => {
                self.error(&format!("{pointer}/format"), format!("unknown format `{f}` for type `{t}` (known: uuid, date-time, int32, int64, and ipv4 | ipv6 as a union)"));
                return None;
            }
            (Some(t), None) => {
                self.error(
                    &format!("{pointer}/type"),
                    format!("type `{t}` cannot be a column (known: string, integer, boolean)"),
                );
                return None;
            }
            (None, _) => {
                self.error(
                    pointer,
                    "no `type`, `$ref`, `enum` or union: cannot tell the column's type",
                );
                return None;
            }
        };
        Some(Resolved::Plain(column_type, max_length, Vec::new()))
    }

    /// A `oneOf`/`anyOf`: ip, string with sentinels, or an open enum.
    fn union(
        &mut self,
        column: &str,
        branches: &'a Value,
        pointer: &str,
        base: Option<&Column>,
    ) -> Option<Resolved> {
        let Some(branches) = branches.as_array().filter(|b| b.len() >= 2) else {
            self.error(pointer, "expected an array of at least two schemas");
            return None;
        };
        let formats: Vec<Option<&str>> = branches
            .iter()
            .map(|b| {
                (b.get("type").and_then(Value::as_str) == Some("string"))
                    .then(|| b.get("format").and_then(Value::as_str))
                    .flatten()
            })
            .collect();
        if branches.len() == 2 && {
            let mut sorted = formats.clone();
            sorted.sort();
            sorted == [Some("ipv4"), Some("ipv6")]
        } {
            return Some(Resolved::Plain(ColumnType::Ip, None, Vec::new()));
        }
        let is_free_string = |b: &Value| {
            b.as_object().is_some_and(|o| {
                o.get("type").and_then(Value::as_str) == Some("string")
                    && o.keys()
                        .all(|k| matches!(k.as_str(), "type" | "maxLength" | "description"))
            })
        };
        let consts: Vec<&str> = branches
            .iter()
            .filter_map(|b| b.get("const").and_then(Value::as_str))
            .collect();
        let strings: Vec<usize> = (0..branches.len())
            .filter(|i| branches.get(*i).is_some_and(is_free_string))
            .collect();
        if consts.len() + strings.len() == branches.len()
            && strings.len() == 1
            && !consts.is_empty()
        {
            let text = strings.first().and_then(|i| branches.get(*i))?;
            let at = format!("{pointer}/{}", strings.first().copied().unwrap_or_default());
            let Resolved::Plain(ColumnType::String, max, _) =
                self.resolve(column, text, &at, base)?
            else {
                return None;
            };
            return Some(Resolved::Plain(
                ColumnType::String,
                max,
                consts.iter().map(|s| (*s).to_owned()).collect(),
            ));
        }
        let plain_string = branches
            .iter()
            .position(|b| b == &serde_json::json!({"type": "string"}));
        if let (2, Some(string_at)) = (branches.len(), plain_string) {
            let other = 1 - string_at;
            let at = format!("{pointer}/{other}");
            let enum_branch = branches.get(other)?;
            let index = if let Some(target) = enum_branch.get("$ref") {
                self.reference(target, &format!("{at}/$ref"))?
            } else if enum_branch.get("enum").is_some() {
                let name = self.inline_enum_name(column, base);
                self.enum_schema(&name, enum_branch, &at, true)?
            } else {
                self.error(pointer, UNION_NOT_EXPRESSIBLE);
                return None;
            };
            return Some(Resolved::Enum(index, true));
        }
        self.error(pointer, UNION_NOT_EXPRESSIBLE);
        None
    }

    /// The name of an enum served inline in `column`: the base column's enum, else one made
    /// from the column's name (`web_application_controller` -> `WebApplicationController`).
    fn inline_enum_name(&self, column: &str, base: Option<&Column>) -> String {
        let base_enum = base.and_then(|c| match c.ty() {
            ColumnType::Enum(id) => self
                .options
                .base
                .map(|b| b.enum_by_id(id).name().to_owned()),
            _ => None,
        });
        base_enum.unwrap_or_else(|| upper_camel(column))
    }

    /// Resolves `{"$ref": "#/definitions/Name"}` to an enum draft.
    fn reference(&mut self, target: &'a Value, pointer: &str) -> Option<usize> {
        let name = target.as_str().and_then(|t| {
            t.strip_prefix("#/definitions/")
                .or_else(|| t.strip_prefix("#/$defs/"))
        });
        let Some(name) = name else {
            self.error(
                pointer,
                format!("expected `#/definitions/<Name>`, found {target}"),
            );
            return None;
        };
        if let Some(index) = self.enums.iter().position(|e| e.name == name) {
            return Some(index);
        }
        let Some(definition) = self.definitions.and_then(|d| d.get(name)) else {
            self.error(
                pointer,
                format!("{target} resolves nowhere: no definition `{name}`"),
            );
            return None;
        };
        let at = format!("{}/{}", self.definitions_pointer, escape_pointer(name));
        self.enum_schema(name, definition, &at, false)
    }

    /// An enum schema (`{type, enum, description}`) named `name`. Served inline in a column,
    /// its `description` is the column's, so the enum's comes from the base (`inline`).
    fn enum_schema(
        &mut self,
        name: &str,
        schema: &'a Value,
        pointer: &str,
        inline: bool,
    ) -> Option<usize> {
        if let Some(problem) = names::enum_name_problem(name) {
            self.error(
                pointer,
                format!("the enum's name cannot be used: {problem}"),
            );
            return None;
        }
        let repr = match schema.get("type").and_then(Value::as_str) {
            Some("string") | None => EnumRepr::String,
            Some("integer") => EnumRepr::Integer,
            Some(other) => {
                self.error(
                    &format!("{pointer}/type"),
                    format!("an enum of `{other}` cannot be expressed (string or integer)"),
                );
                return None;
            }
        };
        let Some(listed) = schema
            .get("enum")
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty())
        else {
            self.error(pointer, "expected `enum`: a non-empty list of values");
            return None;
        };
        let mut values = Vec::new();
        for (i, value) in listed.iter().enumerate() {
            let literal = match (repr, value) {
                (EnumRepr::String, Value::String(s)) => EnumLiteral::String(s.clone()),
                (EnumRepr::Integer, Value::Number(n)) => {
                    match n.as_i64().and_then(|v| i32::try_from(v).ok()) {
                        Some(v) => EnumLiteral::Integer(v),
                        None => {
                            self.error(
                                &format!("{pointer}/enum/{i}"),
                                format!("{n} is not a 32-bit integer"),
                            );
                            continue;
                        }
                    }
                }
                _ => {
                    self.error(
                        &format!("{pointer}/enum/{i}"),
                        format!("{value} does not match the enum's type"),
                    );
                    continue;
                }
            };
            if values.contains(&literal) {
                self.error(
                    &format!("{pointer}/enum/{i}"),
                    format!("{value} is listed twice"),
                );
                continue;
            }
            values.push(literal);
        }
        if let Some(existing) = self.enums.iter().position(|e| e.name == name) {
            let same = self
                .enums
                .get(existing)
                .is_some_and(|e| e.values == values && e.repr == repr);
            if !same {
                self.error(
                    pointer,
                    format!("two different enums would both be named {name}"),
                );
                return None;
            }
            return Some(existing);
        }
        let description = schema
            .get("description")
            .filter(|_| !inline)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                self.options
                    .base
                    .and_then(|b| b.enum_by_name(name))
                    .and_then(|e| e.description().map(str::to_owned))
            });
        self.enums.push(EnumDraft {
            name: name.to_owned(),
            description,
            repr,
            open: None,
            values,
        });
        Some(self.enums.len() - 1)
    }

    /// The drafts as model enums: the base's enums first in its order, then new ones in the
    /// order of first use; member names from the base where the value matches, derived
    /// otherwise. Also returns, per draft, its position in the result.
    fn finish_enums(&mut self) -> (Vec<Enum>, Vec<usize>) {
        let drafts = std::mem::take(&mut self.enums);
        let base_rank = |name: &str| {
            self.options
                .base
                .and_then(|b| b.enums().iter().position(|e| e.name() == name))
                .unwrap_or(usize::MAX)
        };
        let mut order: Vec<usize> = (0..drafts.len()).collect();
        order.sort_by_key(|&i| (drafts.get(i).map_or(usize::MAX, |d| base_rank(&d.name)), i));
        let mut position = vec![0; drafts.len()];
        for (at, &draft) in order.iter().enumerate() {
            if let Some(slot) = position.get_mut(draft) {
                *slot = at;
            }
        }
        let mut drafts: Vec<Option<EnumDraft>> = drafts.into_iter().map(Some).collect();
        let mut out = Vec::with_capacity(drafts.len());
        for &index in &order {
            let Some(draft) = drafts.get_mut(index).and_then(Option::take) else {
                continue;
            };
            let base = self.options.base.and_then(|b| b.enum_by_name(&draft.name));
            let mut members: Vec<EnumValue> = Vec::new();
            for literal in &draft.values {
                let kept = base.and_then(|e| e.values().iter().find(|v| v.value() == literal));
                let name = match kept {
                    Some(v) => v.name().to_owned(),
                    None => {
                        let name = unique(derive_member_name(literal), &members);
                        self.derived.push(DerivedName {
                            enum_name: draft.name.clone(),
                            value: literal.to_string(),
                            name: name.clone(),
                        });
                        name
                    }
                };
                members.push(EnumValue {
                    rust_name: names::rust_variant_name(&name, literal.as_str()),
                    name,
                    value: literal.clone(),
                });
            }
            out.push(Enum {
                rust_name: names::rust_type_name(&draft.name),
                name: draft.name,
                description: draft.description,
                repr: draft.repr,
                openness: if draft.open == Some(true) {
                    Openness::Open
                } else {
                    Openness::Closed
                },
                values: members,
            });
        }
        (out, position)
    }
}

/// A member name for a value nobody named: the value itself when it is a valid name (`GET`,
/// `Course`), else its letters and digits joined by `_` (`quizzes/quizzes` ->
/// `quizzes_quizzes`), prefixed by `value_` when that starts with a digit or is empty (`3.0` ->
/// `value_3_0`; `-1` -> `minus_1`).
pub fn derive_member_name(value: &EnumLiteral) -> String {
    let text = match value {
        EnumLiteral::Integer(i) if *i < 0 => format!("minus_{}", i.unsigned_abs()),
        other => other.to_string(),
    };
    if names::enum_value_name_problem(&text).is_none() {
        return text;
    }
    let mut name = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_matches('_').to_owned();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("value_{name}")
    } else {
        name
    }
}

fn unique(name: String, taken: &[EnumValue]) -> String {
    if !taken.iter().any(|v| v.name() == name) {
        return name;
    }
    (2..)
        .map(|n| format!("{name}_{n}"))
        .find(|candidate| !taken.iter().any(|v| v.name() == candidate))
        .unwrap_or(name)
}

/// `web_application_controller` -> `WebApplicationController`.
fn upper_camel(column: &str) -> String {
    column
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// RFC 6901: `~` -> `~0`, `/` -> `~1`.
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn served_canvas_logs() -> (Namespace, Value) {
        let namespace = crate::load_embedded();
        let table = namespace
            .table("web_logs")
            .unwrap_or_else(|| panic!("web_logs"));
        let served = crate::emit::dap_schema::served(&namespace, table);
        (namespace, served)
    }

    fn errors_of(doc: &Value) -> Vec<String> {
        let base = crate::load_embedded();
        let options = Options {
            table: None,
            base: Some(&base),
        };
        match import(&doc.to_string(), options) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn the_served_canvas_logs_imports_back_to_the_same_model_and_file() {
        let (namespace, served) = served_canvas_logs();
        let options = Options {
            table: None,
            base: Some(&namespace),
        };
        let imported = import(&served.to_string(), options).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(imported.namespace, namespace);
        assert!(imported.derived_names.is_empty());
        let header = crate::emit::yaml::header_comment(crate::CANVAS_LOGS_YAML);
        let yaml = crate::emit::yaml::render(&imported.namespace, &header);
        assert_eq!(yaml, crate::CANVAS_LOGS_YAML);
        // The bare schema too, and with the table named.
        let options = Options {
            table: Some("web_logs"),
            base: Some(&namespace),
        };
        let bare = import(&served["schema"].to_string(), options);
        assert!(bare.is_ok_and(|i| i.namespace == namespace));
    }

    #[test]
    fn without_a_base_every_member_name_is_derived_and_listed() {
        let (namespace, served) = served_canvas_logs();
        let imported =
            import(&served.to_string(), Options::default()).unwrap_or_else(|e| panic!("{e:?}"));
        let members: usize = namespace.enums().iter().map(|e| e.values().len()).sum();
        assert_eq!(imported.derived_names.len(), members);
        let derived = |value: &str| {
            imported
                .derived_names
                .iter()
                .find(|d| d.value == value)
                .map(|d| d.name.clone())
        };
        assert_eq!(derived("GET").as_deref(), Some("GET"));
        assert_eq!(derived("0.9").as_deref(), Some("value_0_9"));
        assert_eq!(derived("404").as_deref(), Some("value_404"));
        assert_eq!(
            derived("Quizzes::QuizSubmission").as_deref(),
            Some("Quizzes_QuizSubmission")
        );
        let table = imported.namespace.table("web_logs");
        assert_eq!(table.map(|t| t.columns().len()), Some(23));
    }

    #[test]
    fn enums_served_inline_import_like_named_ones() {
        let (namespace, mut served) = served_canvas_logs();
        let definitions = served["schema"]["definitions"].clone();
        let value = &mut served["schema"]["properties"]["value"]["properties"];
        value["http_method"] = definitions["HTTPMethod"].clone();
        value["http_method"]["description"] =
            json!("HTTP method/verb (GET, POST, PUT, etc.) that was sent with the request.");
        value["web_application_action"]["oneOf"][0] = definitions["Action"].clone();
        let options = Options {
            table: None,
            base: Some(&namespace),
        };
        let imported = import(&served.to_string(), options).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            imported.namespace == namespace,
            "inline enums import differently"
        );
    }

    #[test]
    fn what_cannot_be_mapped_is_an_error_at_its_pointer() {
        let (_, served) = served_canvas_logs();
        let value = "/schema/properties/value/properties";
        /// An edit of the served document and the start of the error it must cause.
        type Case = (Box<dyn Fn(&mut Value)>, String);
        let cases: Vec<Case> = vec![
            (
                Box::new(|d| {
                    d["schema"]["properties"]["value"]["properties"]["url"]["format"] = json!("uri")
                }),
                format!("at {value}/url/format: unknown format `uri`"),
            ),
            (
                Box::new(|d| {
                    d["schema"]["properties"]["value"]["properties"]["http_method"]["$ref"] =
                        json!("#/definitions/Verb")
                }),
                format!("at {value}/http_method/$ref: \"#/definitions/Verb\" resolves nowhere"),
            ),
            (
                Box::new(|d| {
                    d["schema"]["properties"]["value"]["properties"]["participated"] =
                        json!({"oneOf": [{"type": "boolean"}, {"type": "integer"}]})
                }),
                format!("at {value}/participated/oneOf: a union the language cannot express"),
            ),
            (
                Box::new(|d| {
                    d["schema"]["properties"]["value"]["properties"]["remote_ip"] =
                        json!({"type": "string", "format": "ipv4"})
                }),
                format!("at {value}/remote_ip/format: a column of `ipv4` only cannot be expressed"),
            ),
            (
                Box::new(|d| {
                    d["schema"]["properties"]["value"]["properties"]["url"]["pattern"] = json!("^/")
                }),
                format!("at {value}/url/pattern: `pattern` cannot be expressed"),
            ),
            (
                Box::new(|d| d["version"] = json!(-1)),
                "at /version: expected a schema version".to_owned(),
            ),
            (
                Box::new(|d| {
                    d["schema"]["definitions"]["HTTPStatus"]["enum"][0] = json!(3_000_000_000_i64)
                }),
                "at /schema/definitions/HTTPStatus/enum/0: 3000000000 is not a 32-bit integer"
                    .to_owned(),
            ),
        ];
        for (edit, expected) in cases {
            let mut doc = served.clone();
            edit(&mut doc);
            let errors = errors_of(&doc);
            assert!(
                errors.iter().any(|e| e.starts_with(&expected)),
                "{expected}\n{errors:?}"
            );
        }
        let invalid = import("{\"schema\": ", Options::default()).err();
        let message = invalid.map(|e| e[0].to_string()).unwrap_or_default();
        assert!(
            message.starts_with("not valid JSON (line 1, column 11)"),
            "{message}"
        );
        // Every problem is collected, not only the first.
        let mut doc = served.clone();
        doc["schema"]["properties"]["value"]["properties"]["url"]["format"] = json!("uri");
        doc["schema"]["properties"]["value"]["properties"]["user_agent"]["pattern"] = json!("x");
        assert_eq!(errors_of(&doc).len(), 2);
    }

    #[test]
    fn derived_names_are_valid_and_unique() {
        for (value, name) in [
            (EnumLiteral::String("GET".into()), "GET"),
            (EnumLiteral::String("3.0".into()), "value_3_0"),
            (
                EnumLiteral::String("quizzes/quizzes".into()),
                "quizzes_quizzes",
            ),
            (EnumLiteral::String("--".into()), "value_"),
            (EnumLiteral::Integer(-7), "minus_7"),
            (EnumLiteral::Integer(299), "value_299"),
        ] {
            let derived = derive_member_name(&value);
            assert_eq!(derived, name);
            assert!(
                names::enum_value_name_problem(&derived).is_none(),
                "{derived}"
            );
        }
        let taken = vec![EnumValue {
            name: "a_b".into(),
            rust_name: "AB".into(),
            value: EnumLiteral::String("a b".into()),
        }];
        assert_eq!(unique("a_b".into(), &taken), "a_b_2");
    }
}
