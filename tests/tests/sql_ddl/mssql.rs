//! SQL Server: no server can run here, so the checked-in DDL is parsed with sqlparser.
//!
//! sqlparser 0.64 parses every statement of the script: the `IF SCHEMA_ID(...) IS NULL EXEC(...)`
//! guard (and the `CREATE SCHEMA` inside the `EXEC` string, parsed separately), the
//! `IF OBJECT_ID(...) IS NULL BEGIN ... END` block, the `CREATE TABLE` with its collations and
//! `CHECK`s, and the `EXEC sys.sp_addextendedproperty` calls with named parameters. What parsing
//! cannot prove (that SQL Server accepts the collations, that `LEN` under an `_SC` collation
//! counts 255 emoji as 255) is argued in `codegen/src/emit/sql/mssql.rs`; the checked-in file is
//! the golden copy, kept fresh by `cargo xtask codegen --check`.

use sqlparser::ast::{ColumnOption, CreateTable, Expr, Statement, Value};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::parser::Parser;

fn parse(sql: &str) -> Vec<Statement> {
    Parser::parse_sql(&MsSqlDialect {}, sql)
        .unwrap_or_else(|e| panic!("sqlparser's MsSqlDialect cannot parse the DDL: {e}\n{sql}"))
}

/// The statements guarded by an `IF`.
fn guarded(statement: &Statement) -> &[Statement] {
    match statement {
        Statement::If(if_statement) => if_statement.if_block.conditional_statements.statements(),
        other => panic!("expected an IF guard, found: {other}"),
    }
}

/// The text of a `N'...'` (or `'...'`) literal.
fn string_value(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::NationalStringLiteral(s) | Value::SingleQuotedString(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

#[test]
fn mssql_ddl_parses_and_declares_every_column_as_the_model_says() {
    let (namespace, table) = crate::web_logs();
    let ddl = crate::checked_in_ddl("mssql");
    let statements = parse(&ddl);
    assert_eq!(statements.len(), 2, "a schema guard and a table guard");

    // The schema is created through EXEC (CREATE SCHEMA must start a batch).
    let [Statement::Execute { parameters, .. }] = guarded(&statements[0]) else {
        panic!("the schema guard should hold one EXEC: {}", statements[0]);
    };
    let inner = parameters
        .first()
        .and_then(string_value)
        .unwrap_or_else(|| panic!("EXEC without a string: {}", statements[0]));
    let inner = parse(inner);
    assert!(
        matches!(&inner[..], [Statement::CreateSchema { .. }]),
        "{inner:?}"
    );

    let block = guarded(&statements[1]);
    let Some(Statement::CreateTable(CreateTable {
        name,
        columns,
        constraints,
        ..
    })) = block.first()
    else {
        panic!(
            "the table guard should start with CREATE TABLE: {}",
            statements[1]
        );
    };
    assert_eq!(
        name.to_string(),
        format!("[{}].[{}]", namespace.name(), table.name())
    );
    assert_eq!(
        columns
            .iter()
            .map(|c| c.name.value.as_str())
            .collect::<Vec<_>>(),
        table.columns().iter().map(|c| c.name()).collect::<Vec<_>>(),
        "column names and order"
    );
    for (parsed, column) in columns.iter().zip(table.columns()) {
        let not_null = parsed
            .options
            .iter()
            .any(|o| matches!(o.option, ColumnOption::NotNull));
        assert_eq!(
            not_null,
            !column.nullable(),
            "NOT NULL on {}",
            column.name()
        );
        let definition = parsed.to_string();
        let checked = parsed
            .options
            .iter()
            .any(|o| matches!(o.option, ColumnOption::Check(_)));
        let must_check = match column.ty() {
            canvas_logs_codegen::model::ColumnType::Enum(id) => !namespace.enum_by_id(id).is_open(),
            canvas_logs_codegen::model::ColumnType::Ip => true,
            canvas_logs_codegen::model::ColumnType::String => column.max_length().is_some(),
            _ => false,
        };
        assert_eq!(checked, must_check, "CHECK on {definition}");
    }
    let primary_key = constraints
        .iter()
        .map(ToString::to_string)
        .find(|c| c.starts_with("PRIMARY KEY"))
        .unwrap_or_default();
    assert_eq!(primary_key, "PRIMARY KEY ([id])");

    let user_agent = columns
        .iter()
        .find(|c| c.name.value == "user_agent")
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        user_agent.starts_with("[user_agent] NVARCHAR(510) COLLATE Latin1_General_100_CS_AS_SC")
            || user_agent
                .starts_with("[user_agent] nvarchar(510) COLLATE Latin1_General_100_CS_AS_SC"),
        "{user_agent}"
    );

    // One MS_Description for the table, then one per column in order.
    let described: Vec<String> = block[1..]
        .iter()
        .map(|statement| {
            let Statement::Execute {
                name: Some(name),
                parameters,
                ..
            } = statement
            else {
                panic!("expected EXEC sys.sp_addextendedproperty, found: {statement}");
            };
            assert_eq!(name.to_string(), "sys.sp_addextendedproperty");
            parameters
                .iter()
                .filter_map(|p| match p {
                    Expr::BinaryOp { left, right, .. } if left.to_string() == "@level2name" => {
                        string_value(right).map(str::to_owned)
                    }
                    _ => None,
                })
                .next()
                .unwrap_or_default()
        })
        .collect();
    let mut expected = vec![String::new()];
    expected.extend(table.columns().iter().map(|c| c.name().to_owned()));
    assert_eq!(described, expected);
}

/// SQL Server cannot run here: every scenario's migration script parses, and holds one statement
/// per step (a guard for each change that may fail, an `ALTER` per changed column).
#[test]
fn mssql_migrations_parse_for_every_scenario() {
    use canvas_logs_codegen::emit::migration::{self, Options, mssql::MsSqlMigrator};
    use integration_tests::scenarios::SCENARIOS;
    let old = canvas_logs_codegen::load_embedded();
    for scenario in SCENARIOS {
        let new = scenario.new_namespace();
        for allow_destructive in [false, true] {
            let options = Options { allow_destructive };
            let script = migration::render(&MsSqlMigrator, &old, &new, options);
            // sqlparser does not know T-SQL's `ALTER COLUMN c <type> [NOT] NULL`: those lines are
            // held to that shape here, the rest of the script is parsed.
            let (alter_columns, rest): (Vec<&str>, Vec<&str>) = script
                .lines()
                .partition(|l| l.starts_with("ALTER TABLE") && l.contains(" ALTER COLUMN "));
            for line in &alter_columns {
                let tail = line.split(" ALTER COLUMN ").nth(1).unwrap_or_default();
                assert!(
                    tail.starts_with('[')
                        && (tail.ends_with(" NOT NULL;") || tail.ends_with(" NULL;")),
                    "{}: {line}",
                    scenario.name
                );
            }
            let statements = parse(&rest.join("\n"));
            let guards = migration::guards(&MsSqlMigrator, &old, &new, options).len();
            let raised = statements
                .iter()
                .filter(|s| matches!(s, Statement::If(_)) && s.to_string().contains("RAISERROR"))
                .count();
            assert_eq!(raised, guards, "{}: {script}", scenario.name);
            assert!(
                statements.len() + alter_columns.len() >= 2,
                "{}: {script}",
                scenario.name
            );
        }
    }
}
