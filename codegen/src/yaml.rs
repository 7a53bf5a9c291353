//! A YAML document as a tree of nodes that remember where they came from.
//!
//! Built from `yaml-rust2`'s event stream rather than through serde, because the checker needs
//! three things serde's derive cannot give: the line and column of every key and value, every
//! duplicate key (serde keeps one, or stops at the first), and every unknown key in one run.
//! Anchors, aliases and tags are rejected: the schema language has no use for them and they would
//! make positions ambiguous.

use crate::diagnostic::{Diagnostic, DiagnosticKind, Position};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A YAML node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts (1-based line and column).
    pub position: Position,
    /// What the node holds.
    pub kind: NodeKind,
}

/// The three kinds of YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar: its text and whether it was quoted or a block scalar (which makes it a string
    /// whatever it looks like).
    Scalar {
        /// The scalar's text, after YAML unescaping and folding.
        text: String,
        /// `true` for plain (unquoted) scalars, whose YAML type depends on their text.
        plain: bool,
    },
    /// A sequence, in order.
    Sequence(Vec<Node>),
    /// A mapping with its entries in order, duplicates kept.
    Mapping(Vec<(Key, Node)>),
}

/// A mapping key: always a scalar here (complex keys are rejected).
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key's text.
    pub text: String,
    /// Where the key starts.
    pub position: Position,
}

impl Node {
    /// A short description of the node's kind for messages ("a mapping", "a string", ...).
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Sequence(_) => "a list",
            NodeKind::Mapping(_) => "a mapping",
        }
    }

    /// Whether this is a plain `null`/`~`/empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
}

/// Parses one YAML document. A syntax error (or an anchor, alias, tag or complex key) yields a
/// diagnostic with the position the parser stopped at.
pub fn parse(text: &str) -> Result<Node, Diagnostic> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(error) = parser.load(&mut builder, false) {
        let marker = error.marker();
        return Err(Diagnostic::new(
            DiagnosticKind::YamlSyntax,
            position(*marker),
            "",
            format!("YAML syntax error: {}", error.info()),
        ));
    }
    if let Some(problem) = builder.problem {
        return Err(problem);
    }
    builder.root.ok_or_else(|| {
        Diagnostic::new(
            DiagnosticKind::YamlSyntax,
            Position::new(1, 1),
            "",
            "the document is empty; expected a mapping with `namespace`, `version`, `enums` and `tables`",
        )
    })
}

fn position(marker: Marker) -> Position {
    // yaml-rust2 counts lines from 1 and columns from 0.
    Position::new(marker.line().max(1), marker.col() + 1)
}

/// A container under construction.
#[derive(Debug)]
enum Open {
    Sequence(Position, Vec<Node>),
    Mapping(Position, Vec<(Key, Node)>, Option<Key>),
}

#[derive(Debug, Default)]
struct Builder {
    stack: Vec<Open>,
    root: Option<Node>,
    problem: Option<Diagnostic>,
}

impl Builder {
    fn fail(&mut self, at: Position, message: &str) {
        if self.problem.is_none() {
            self.problem = Some(Diagnostic::new(
                DiagnosticKind::YamlSyntax,
                at,
                "",
                message.to_owned(),
            ));
        }
    }

    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Open::Sequence(_, items)) => items.push(node),
            Some(Open::Mapping(_, entries, pending_key)) => match pending_key.take() {
                Some(key) => entries.push((key, node)),
                None => match node.kind {
                    NodeKind::Scalar { text, .. } => {
                        *pending_key = Some(Key {
                            text,
                            position: node.position,
                        });
                    }
                    _ => self.fail(
                        node.position,
                        "mapping keys must be plain names, not lists or mappings",
                    ),
                },
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, marker: Marker) {
        if self.problem.is_some() {
            return;
        }
        let at = position(marker);
        match event {
            Event::Alias(_) => self.fail(at, "YAML aliases (`*name`) are not supported here"),
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    self.fail(at, "YAML anchors (`&name`) are not supported here");
                } else if tag.is_some() {
                    self.fail(at, "YAML tags (`!tag`) are not supported here");
                } else {
                    let plain = style == TScalarStyle::Plain;
                    self.push_node(Node {
                        position: at,
                        kind: NodeKind::Scalar { text, plain },
                    });
                }
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)
                if anchor != 0 || tag.is_some() =>
            {
                self.fail(at, "YAML anchors and tags are not supported here");
            }
            Event::SequenceStart(..) => self.stack.push(Open::Sequence(at, Vec::new())),
            Event::MappingStart(..) => self.stack.push(Open::Mapping(at, Vec::new(), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Open::Sequence(position, items)) => Node {
                        position,
                        kind: NodeKind::Sequence(items),
                    },
                    Some(Open::Mapping(position, entries, _)) => Node {
                        position,
                        kind: NodeKind::Mapping(entries),
                    },
                    None => return,
                };
                self.push_node(node);
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_duplicates_are_kept() {
        let node = parse("a: 1\nb:\n  c: x\n  c: y\n").unwrap();
        let NodeKind::Mapping(entries) = node.kind else {
            panic!("expected a mapping")
        };
        assert_eq!(entries[0].0.position, Position::new(1, 1));
        assert_eq!(entries[1].0.text, "b");
        let NodeKind::Mapping(inner) = &entries[1].1.kind else {
            panic!("expected a mapping")
        };
        assert_eq!(inner.len(), 2, "duplicate keys are kept for the checker");
        assert_eq!(inner[1].0.position, Position::new(4, 3));
    }

    #[test]
    fn quoted_scalars_are_not_plain() {
        let node = parse("a: \"1.0\"\nb: 1.0\n").unwrap();
        let NodeKind::Mapping(entries) = node.kind else {
            panic!("expected a mapping")
        };
        assert!(matches!(
            entries[0].1.kind,
            NodeKind::Scalar { plain: false, .. }
        ));
        assert!(matches!(
            entries[1].1.kind,
            NodeKind::Scalar { plain: true, .. }
        ));
    }

    #[test]
    fn syntax_errors_and_aliases_have_positions() {
        let error = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(error.kind(), DiagnosticKind::YamlSyntax);
        let error = parse("a: &x 1\nb: *x\n").unwrap_err();
        // The anchored value itself is where the parser reports it.
        assert_eq!(error.position(), Position::new(1, 7));
    }
}
