//! `schema/canvas_logs.yaml` holds the whole published definition of the namespace, and nothing
//! contradicts it: parsed from the published text (a copy in `fixtures/reference/`), every column
//! (order, type, nullability, reference, description), every enum and every value is compared
//! with the checked model.

use canvas_logs_codegen::model::{ColumnType, EnumLiteral, EnumRepr, Namespace};
use integration_tests::fixtures;

struct PublishedColumn {
    name: String,
    ty: String,
    description: String,
}

struct PublishedEnum {
    name: String,
    description: Option<String>,
    values: Vec<(String, String)>,
}

fn published() -> (String, Vec<PublishedColumn>, Vec<PublishedEnum>) {
    let text = std::fs::read_to_string(fixtures().join("reference/canvas_logs-published.txt"))
        .expect("the published reference is in the repo");
    let lines: Vec<&str> = text.lines().collect();
    let params = lines
        .iter()
        .position(|l| *l == "Parameters:")
        .expect("Parameters:");
    let types = lines
        .iter()
        .position(|l| l.starts_with("Types in "))
        .expect("Types in ...");
    let table_description = lines[4..params].join(" ");

    let mut columns: Vec<PublishedColumn> = Vec::new();
    let mut pending = String::new();
    for line in &lines[params + 1..types] {
        let Some((left, right)) = line
            .split_once(" – ")
            .or_else(|| line.strip_suffix(" –").map(|l| (l, "")))
        else {
            // A continuation line: `primary key`, or the rest of a description.
            if *line != "primary key" {
                pending.push_str(line);
            }
            continue;
        };
        // `left` ends with `name (type)`; find the `(` that balances the final `)`.
        let bytes = left.as_bytes();
        let mut depth = 0;
        let mut open = 0;
        for i in (0..bytes.len()).rev() {
            match bytes[i] {
                b')' => depth += 1,
                b'(' => {
                    depth -= 1;
                    if depth == 0 {
                        open = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let ty = left[open + 1..left.len() - 1].to_owned();
        let before = left[..open].trim_end();
        let name_start = before
            .rfind(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .map_or(0, |i| i + 1);
        // Text glued before the name ends the previous column's description.
        pending.push_str(&before[..name_start]);
        if let Some(previous) = columns.last_mut() {
            previous.description.push_str(&pending);
        }
        pending.clear();
        columns.push(PublishedColumn {
            name: before[name_start..].to_owned(),
            ty,
            description: right.to_owned(),
        });
    }

    let mut enums = Vec::new();
    let mut i = types + 1;
    while i < lines.len() {
        if lines.get(i + 1) == Some(&"Bases: Enum") {
            let mut e = PublishedEnum {
                name: lines[i].to_owned(),
                description: None,
                values: Vec::new(),
            };
            i += 2;
            while i < lines.len() && lines.get(i + 1) != Some(&"Bases: Enum") {
                match lines[i].split_once(" = ") {
                    Some((name, value)) => e.values.push((name.to_owned(), value.to_owned())),
                    None if lines[i] != "Last updated" => e.description = Some(lines[i].to_owned()),
                    None => {}
                }
                i += 1;
            }
            enums.push(e);
        } else {
            i += 1;
        }
    }
    (table_description, columns, enums)
}

/// The published page renders `__x__` as `_x_` (see the YAML's header comment).
fn canonical(published_value: &str) -> String {
    let unquoted = published_value.trim_matches('\'');
    if unquoted.starts_with("_dap_") && unquoted.ends_with('_') {
        format!("_{unquoted}_")
    } else {
        unquoted.to_owned()
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn model() -> Namespace {
    canvas_logs_codegen::load_embedded()
}

#[test]
fn every_published_column_is_in_the_yaml_in_order() {
    let namespace = model();
    let table = namespace.table("web_logs").unwrap();
    let (table_description, published, _) = published();
    assert_eq!(published.len(), 23);
    assert_eq!(
        normalise(table.description()),
        normalise(&table_description)
    );
    let names: Vec<&str> = table.columns().iter().map(|c| c.name()).collect();
    let published_names: Vec<&str> = published.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, published_names);
    assert_eq!(table.primary_key(), [0], "id is the primary key");

    for (column, p) in table.columns().iter().zip(&published) {
        assert_eq!(
            normalise(column.description()),
            normalise(&p.description),
            "description of {}",
            p.name
        );
        let members: Vec<&str> = p.ty.split(" | ").collect();
        assert_eq!(
            column.nullable(),
            members.contains(&"None"),
            "nullability of {}",
            p.name
        );
        let first = members[0];
        match column.ty() {
            ColumnType::Uuid => assert_eq!(first, "UUID", "{}", p.name),
            ColumnType::Timestamp => assert_eq!(first, "datetime", "{}", p.name),
            ColumnType::Int32 => assert_eq!(first, "int32", "{}", p.name),
            ColumnType::Bool => assert_eq!(first, "bool", "{}", p.name),
            ColumnType::Ip => assert_eq!(p.ty, "IPv4Address | IPv6Address"),
            ColumnType::Int64 => match column.references() {
                Some(reference) => {
                    assert_eq!(reference.namespace(), "canvas");
                    assert_eq!(first.trim_start_matches("canvas."), reference.table());
                }
                None => assert_eq!(first, "int64", "{}", p.name),
            },
            ColumnType::String => match column.max_length() {
                None => assert_eq!(first, "str", "{}", p.name),
                Some(max) => {
                    assert!(p.ty.contains(&format!("MaxLength *(*{max} )")), "{}", p.ty);
                    assert_eq!(
                        column.sentinels(),
                        ["__dap_oversized_truncated__"],
                        "the published literal is the truncation sentinel"
                    );
                    assert!(p.ty.contains("'_dap_oversized_truncated_'"));
                }
            },
            ColumnType::Enum(id) => {
                let e = namespace.enum_by_id(id);
                assert_eq!(first, e.name(), "{}", p.name);
                assert_eq!(
                    e.is_open(),
                    members.contains(&"str"),
                    "openness of {}",
                    e.name()
                );
            }
        }
    }
}

#[test]
fn every_published_enum_and_value_is_in_the_yaml() {
    let namespace = model();
    let (_, _, published) = published();
    let names: Vec<&str> = published.iter().map(|e| e.name.as_str()).collect();
    let model_names: Vec<&str> = namespace.enums().iter().map(|e| e.name()).collect();
    assert_eq!(model_names, names);
    let counts: Vec<(&str, usize)> = published
        .iter()
        .map(|e| (e.name.as_str(), e.values.len()))
        .collect();
    assert_eq!(
        counts,
        [
            ("HTTPVersion", 4),
            ("ContextType", 11),
            ("Action", 1),
            ("Controller", 1),
            ("HTTPMethod", 25),
            ("HTTPStatus", 62)
        ]
    );
    for p in &published {
        let e = namespace.enum_by_name(&p.name).unwrap();
        assert_eq!(
            e.description(),
            p.description.as_deref(),
            "description of {}",
            p.name
        );
        let members: Vec<(String, String)> = e
            .values()
            .iter()
            .map(|v| (v.name().to_owned(), v.value().to_string()))
            .collect();
        let expected: Vec<(String, String)> = p
            .values
            .iter()
            .map(|(n, v)| (n.clone(), canonical(v)))
            .collect();
        assert_eq!(members, expected, "values of {}", p.name);
        let integer = p.values.iter().all(|(_, v)| v.parse::<i32>().is_ok());
        assert_eq!(e.repr() == EnumRepr::Integer, integer, "{}", p.name);
        if integer {
            assert!(
                e.values()
                    .iter()
                    .all(|v| matches!(v.value(), EnumLiteral::Integer(_)))
            );
        }
    }
}

#[test]
fn sentinels_use_the_canonical_double_underscore_spelling() {
    let namespace = model();
    for name in ["Controller", "Action"] {
        let e = namespace.enum_by_name(name).unwrap();
        assert_eq!(e.values()[0].value().as_str(), Some("__dap_unspecified__"));
        assert_eq!(
            e.values()[0].accepted_spellings(),
            ["__dap_unspecified__", "_dap_unspecified_"]
        );
    }
}
