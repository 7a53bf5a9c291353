//! Problems found in a schema definition: data with a kind, a position and the item's path.
//!
//! One line per problem when displayed:
//! `schema/canvas_logs.yaml:42:9: error: tables.web_logs.columns.user_id: unknown key `nulable`; did you mean `nullable`?`

use std::fmt;

/// A 1-based line and column in the YAML source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Position {
    /// A position from a 1-based line and column.
    pub fn new(line: usize, column: usize) -> Position {
        Position { line, column }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// What kind of problem a diagnostic reports. Tests match on these; messages may improve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagnosticKind {
    /// The text is not YAML, or uses anchors, aliases, tags or complex keys.
    YamlSyntax,
    /// A key the schema language does not define (usually a typo).
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value has the wrong YAML shape or scalar type.
    InvalidValue,
    /// A column type that is neither built in nor an enum name.
    UnknownType,
    /// A column type naming an enum that is not defined.
    UndefinedEnum,
    /// Two tables, columns, enums or enum values share a name or a value.
    Duplicate,
    /// `max_length` or `sentinels` on a column that is not `string`, or a non-positive length.
    InvalidMaxLength,
    /// A primary key that is missing, names an unknown column, or names a nullable column.
    InvalidPrimaryKey,
    /// An integer enum value outside the `i32` range.
    EnumValueOutOfRange,
    /// An enum without values.
    EmptyEnum,
    /// A name that cannot become a Rust or SQL identifier, or two names mapping to the same one.
    InvalidName,
}

impl DiagnosticKind {
    /// A stable, kebab-case code for the kind (`unknown-key`).
    pub fn code(self) -> &'static str {
        match self {
            DiagnosticKind::YamlSyntax => "yaml-syntax",
            DiagnosticKind::UnknownKey => "unknown-key",
            DiagnosticKind::MissingKey => "missing-key",
            DiagnosticKind::InvalidValue => "invalid-value",
            DiagnosticKind::UnknownType => "unknown-type",
            DiagnosticKind::UndefinedEnum => "undefined-enum",
            DiagnosticKind::Duplicate => "duplicate",
            DiagnosticKind::InvalidMaxLength => "invalid-max-length",
            DiagnosticKind::InvalidPrimaryKey => "invalid-primary-key",
            DiagnosticKind::EnumValueOutOfRange => "enum-value-out-of-range",
            DiagnosticKind::EmptyEnum => "empty-enum",
            DiagnosticKind::InvalidName => "invalid-name",
        }
    }
}

/// One problem in a schema definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    kind: DiagnosticKind,
    file: String,
    position: Position,
    path: String,
    message: String,
}

impl Diagnostic {
    /// A diagnostic at `position`, about the item at `path` (dotted, e.g.
    /// `tables.web_logs.columns.user_agent.max_length`; empty for the document itself).
    pub fn new(
        kind: DiagnosticKind,
        position: Position,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            kind,
            file: String::new(),
            position,
            path: path.into(),
            message: message.into(),
        }
    }

    /// The kind of problem.
    pub fn kind(&self) -> DiagnosticKind {
        self.kind
    }

    /// The file the problem is in (as given to the loader).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Where in the file.
    pub fn position(&self) -> Position {
        self.position
    }

    /// The dotted path of the offending item.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong and what to write instead.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn in_file(mut self, file: &str) -> Diagnostic {
        file.clone_into(&mut self.file);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = if self.file.is_empty() {
            "<schema>"
        } else {
            &self.file
        };
        write!(f, "{file}:{}: error: ", self.position)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Every problem found in one schema file, in source order. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn new(mut list: Vec<Diagnostic>, file: &str) -> Diagnostics {
        list.sort_by(|a, b| {
            (a.position, a.kind, &a.message).cmp(&(b.position, b.kind, &b.message))
        });
        list.dedup();
        Diagnostics(list.into_iter().map(|d| d.in_file(file)).collect())
    }

    /// The problems, in source order.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.0
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a `Diagnostics` holds at least one problem.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
