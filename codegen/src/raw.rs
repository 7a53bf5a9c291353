//! The raw stage: a permissive mirror of the YAML, every item with its position.
//!
//! This stage knows the *shape* of the schema language (which keys exist at each level, which
//! hold mappings, lists or scalars) and nothing of its meaning: scalars stay text, names are not
//! yet validated, references are not resolved. Shape problems (unknown keys, duplicate keys, a list
//! where a mapping belongs) are collected, never fatal: the checker still sees everything else.
//!
//! # The schema language
//!
//! ```yaml
//! namespace: canvas_logs          # snake_case name (required)
//! version: 1                      # DAP schema version, a positive integer (required)
//! description: ...                # free text (required)
//! enums:                          # optional; in order
//!   HTTPMethod:                   # enum name: UpperCamel-ish, starts upper-case
//!     description: ...            # optional
//!     type: string                # string (default) | integer
//!     open: false                 # default false; true admits any other string too
//!     values:                     # member name: wire value, in order (at least one)
//!       GET: GET
//! tables:                         # required; in order
//!   web_logs:                     # snake_case name
//!     description: ...            # required
//!     primary_key: [id]           # required: non-nullable columns
//!     columns:                    # required; in order
//!       id:                       # snake_case name
//!         type: uuid              # uuid|timestamp|int32|int64|bool|string|ip, or an enum name
//!         description: ...        # required
//!         nullable: false         # default false
//!         max_length: 255         # string columns only: characters (Unicode scalar values)
//!         sentinels: [...]        # string columns only: values valid whatever the length
//!         references: canvas.users  # optional `namespace.table`, documentation and FK comments
//! ```

use crate::diagnostic::{Diagnostic, DiagnosticKind, Position};
use crate::names::suggest;
use crate::yaml::{Key, Node, NodeKind};

/// A value with the position it was read at.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it starts in the YAML.
    pub position: Position,
}

/// The text of a scalar and whether it was plain (unquoted), which decides its YAML type.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The scalar's text.
    pub text: String,
    /// Whether it was written without quotes.
    pub plain: bool,
}

/// The top level of a schema file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawNamespace {
    /// `namespace:`
    pub namespace: Option<Spanned<Scalar>>,
    /// `version:`
    pub version: Option<Spanned<Scalar>>,
    /// `description:`
    pub description: Option<Spanned<Scalar>>,
    /// `enums:` entries, duplicates kept.
    pub enums: Vec<(Key, RawEnum)>,
    /// `tables:` entries, duplicates kept.
    pub tables: Vec<(Key, RawTable)>,
    /// Where `tables:` is, when present.
    pub tables_position: Option<Position>,
}

/// One `enums.<Name>` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEnum {
    /// Where the enum's name is.
    pub position: Position,
    /// `description:`
    pub description: Option<Spanned<Scalar>>,
    /// `type:`
    pub ty: Option<Spanned<Scalar>>,
    /// `open:`
    pub open: Option<Spanned<Scalar>>,
    /// `values:` entries, duplicates kept; `None` when the key is absent.
    pub values: Option<Spanned<Vec<RawEnumValue>>>,
}

/// One `values.<member>: <value>` entry of an enum.
pub type RawEnumValue = (Key, Spanned<Scalar>);

/// One `tables.<name>` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTable {
    /// Where the table's name is.
    pub position: Position,
    /// `description:`
    pub description: Option<Spanned<Scalar>>,
    /// `primary_key:` as a list of names.
    pub primary_key: Option<Spanned<Vec<Spanned<Scalar>>>>,
    /// `columns:` entries, duplicates kept.
    pub columns: Option<Spanned<Vec<(Key, RawColumn)>>>,
}

/// One `columns.<name>` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct RawColumn {
    /// Where the column's name is.
    pub position: Position,
    /// `type:`
    pub ty: Option<Spanned<Scalar>>,
    /// `description:`
    pub description: Option<Spanned<Scalar>>,
    /// `nullable:`
    pub nullable: Option<Spanned<Scalar>>,
    /// `max_length:`
    pub max_length: Option<Spanned<Scalar>>,
    /// `sentinels:` as a list.
    pub sentinels: Option<Spanned<Vec<Spanned<Scalar>>>>,
    /// `references:`
    pub references: Option<Spanned<Scalar>>,
}

const NAMESPACE_KEYS: &[&str] = &["namespace", "version", "description", "enums", "tables"];
const ENUM_KEYS: &[&str] = &["description", "type", "open", "values"];
const TABLE_KEYS: &[&str] = &["description", "primary_key", "columns"];
const COLUMN_KEYS: &[&str] = &[
    "type",
    "description",
    "nullable",
    "max_length",
    "sentinels",
    "references",
];

/// Lowers a parsed document into the raw mirror, appending shape problems to `diagnostics`.
pub fn lower(root: &Node, diagnostics: &mut Vec<Diagnostic>) -> RawNamespace {
    let mut out = RawNamespace::default();
    let Some(mut fields) = Fields::of(root, "", NAMESPACE_KEYS, diagnostics) else {
        return out;
    };
    out.namespace = fields.scalar("namespace", diagnostics);
    out.version = fields.scalar("version", diagnostics);
    out.description = fields.scalar("description", diagnostics);
    if let Some(node) = fields.take("enums") {
        out.enums = entries(node, "enums", diagnostics)
            .into_iter()
            .filter_map(|(key, value)| {
                let path = format!("enums.{}", key.text);
                lower_enum(key, value, &path, diagnostics).map(|e| (key.clone(), e))
            })
            .collect();
    }
    if let Some(node) = fields.take("tables") {
        out.tables_position = Some(node.position);
        out.tables = entries(node, "tables", diagnostics)
            .into_iter()
            .filter_map(|(key, value)| {
                let path = format!("tables.{}", key.text);
                lower_table(key, value, &path, diagnostics).map(|t| (key.clone(), t))
            })
            .collect();
    }
    fields.finish(diagnostics);
    out
}

fn lower_enum(
    key: &Key,
    node: &Node,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RawEnum> {
    let mut fields = Fields::of(node, path, ENUM_KEYS, diagnostics)?;
    let out = RawEnum {
        position: key.position,
        description: fields.scalar("description", diagnostics),
        ty: fields.scalar("type", diagnostics),
        open: fields.scalar("open", diagnostics),
        values: fields.take("values").map(|values| {
            let values_path = format!("{path}.values");
            let list = entries(values, &values_path, diagnostics)
                .into_iter()
                .filter_map(|(key, value)| {
                    let item_path = format!("{values_path}.{}", key.text);
                    scalar(value, &item_path, diagnostics).map(|s| (key.clone(), s))
                })
                .collect();
            Spanned {
                value: list,
                position: values.position,
            }
        }),
    };
    fields.finish(diagnostics);
    Some(out)
}

fn lower_table(
    key: &Key,
    node: &Node,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RawTable> {
    let mut fields = Fields::of(node, path, TABLE_KEYS, diagnostics)?;
    let description = fields.scalar("description", diagnostics);
    let primary_key = fields.list("primary_key", diagnostics);
    let columns = fields.take("columns").map(|columns| {
        let columns_path = format!("{path}.columns");
        let list = entries(columns, &columns_path, diagnostics)
            .into_iter()
            .filter_map(|(key, value)| {
                let column_path = format!("{columns_path}.{}", key.text);
                lower_column(key, value, &column_path, diagnostics).map(|c| (key.clone(), c))
            })
            .collect();
        Spanned {
            value: list,
            position: columns.position,
        }
    });
    fields.finish(diagnostics);
    Some(RawTable {
        position: key.position,
        description,
        primary_key,
        columns,
    })
}

fn lower_column(
    key: &Key,
    node: &Node,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RawColumn> {
    let mut fields = Fields::of(node, path, COLUMN_KEYS, diagnostics)?;
    let out = RawColumn {
        position: key.position,
        ty: fields.scalar("type", diagnostics),
        description: fields.scalar("description", diagnostics),
        nullable: fields.scalar("nullable", diagnostics),
        max_length: fields.scalar("max_length", diagnostics),
        sentinels: fields.list("sentinels", diagnostics),
        references: fields.scalar("references", diagnostics),
    };
    fields.finish(diagnostics);
    Some(out)
}

/// The entries of a mapping whose keys are user-chosen names (enums, tables, columns, values).
fn entries<'a>(
    node: &'a Node,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(&'a Key, &'a Node)> {
    match &node.kind {
        NodeKind::Mapping(entries) => entries.iter().map(|(k, v)| (k, v)).collect(),
        _ if node.is_null() => Vec::new(),
        _ => {
            diagnostics.push(Diagnostic::new(
                DiagnosticKind::InvalidValue,
                node.position,
                path,
                format!(
                    "expected a mapping of `name: ...` entries, found {}",
                    node.kind_name()
                ),
            ));
            Vec::new()
        }
    }
}

fn scalar(node: &Node, path: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Spanned<Scalar>> {
    match &node.kind {
        NodeKind::Scalar { text, plain } => Some(Spanned {
            value: Scalar {
                text: text.clone(),
                plain: *plain,
            },
            position: node.position,
        }),
        _ => {
            diagnostics.push(Diagnostic::new(
                DiagnosticKind::InvalidValue,
                node.position,
                path,
                format!("expected a single value, found {}", node.kind_name()),
            ));
            None
        }
    }
}

/// The fixed keys of one mapping: hands out known keys, reports unknown and repeated ones.
struct Fields<'a> {
    path: String,
    known: &'static [&'static str],
    entries: Vec<(&'a Key, &'a Node, bool)>,
}

impl<'a> Fields<'a> {
    fn of(
        node: &'a Node,
        path: &str,
        known: &'static [&'static str],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Fields<'a>> {
        let NodeKind::Mapping(entries) = &node.kind else {
            let expected = known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            diagnostics.push(Diagnostic::new(
                DiagnosticKind::InvalidValue,
                node.position,
                path,
                format!(
                    "expected a mapping with the keys {expected}, found {}",
                    node.kind_name()
                ),
            ));
            return None;
        };
        Some(Fields {
            path: path.to_owned(),
            known,
            entries: entries.iter().map(|(k, v)| (k, v, false)).collect(),
        })
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The first entry for `key`, marking every entry with that key as seen.
    fn take(&mut self, key: &str) -> Option<&'a Node> {
        let mut found = None;
        for entry in &mut self.entries {
            if entry.0.text == key && !entry.2 {
                entry.2 = true;
                if found.is_none() {
                    found = Some(entry.1);
                    // Later entries with the same key stay unseen and are reported as duplicates.
                    break;
                }
            }
        }
        found
    }

    fn scalar(&mut self, key: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Spanned<Scalar>> {
        let node = self.take(key)?;
        scalar(node, &self.child_path(key), diagnostics)
    }

    /// A list of scalars; a single scalar is accepted as a list of one.
    fn list(
        &mut self,
        key: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Spanned<Vec<Spanned<Scalar>>>> {
        let node = self.take(key)?;
        let path = self.child_path(key);
        let items = match &node.kind {
            NodeKind::Sequence(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| scalar(item, &format!("{path}[{i}]"), diagnostics))
                .collect(),
            NodeKind::Scalar { .. } => scalar(node, &path, diagnostics).into_iter().collect(),
            NodeKind::Mapping(_) => {
                diagnostics.push(Diagnostic::new(
                    DiagnosticKind::InvalidValue,
                    node.position,
                    path,
                    "expected a list such as `[a, b]`, found a mapping",
                ));
                return None;
            }
        };
        Some(Spanned {
            value: items,
            position: node.position,
        })
    }

    fn finish(self, diagnostics: &mut Vec<Diagnostic>) {
        for (key, _, seen) in &self.entries {
            if *seen {
                continue;
            }
            let path = self.child_path(&key.text);
            if self.known.contains(&key.text.as_str()) {
                diagnostics.push(Diagnostic::new(
                    DiagnosticKind::Duplicate,
                    key.position,
                    path,
                    format!("`{}` is given more than once; keep only one", key.text),
                ));
                continue;
            }
            let expected = self
                .known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let message = match suggest(&key.text, self.known.iter().copied()) {
                Some(close) => format!("unknown key `{}`; did you mean `{close}`?", key.text),
                None => format!("unknown key `{}`; expected one of {expected}", key.text),
            };
            diagnostics.push(Diagnostic::new(
                DiagnosticKind::UnknownKey,
                key.position,
                path,
                message,
            ));
        }
    }
}
