//! `--target`: values that are valid DAP data but that a named database refuses or changes,
//! reported under the code `target` on top of the DAP rules.
//!
//! The rules, each proven against the real database where the tests have one
//! (`tests/tests/sql_ddl/target.rs`: the value is loaded there, and reported here):
//!
//! - **PostgreSQL**: text holding U+0000 (`\u0000` in JSON). PostgreSQL text cannot contain the
//!   NUL character: `COPY` and `INSERT` refuse the row (`invalid byte sequence for encoding
//!   "UTF8": 0x00`, or `unsupported Unicode escape sequence` for `\u0000` in `jsonb`).
//! - **SQLite**: text holding U+0000. SQLite stores it, but its text functions stop at the NUL:
//!   `length()` counts only what comes before it, so the `STRICT` table's length and enum
//!   `CHECK`s judge a shorter value than the one stored, and most clients read it cut short.
//! - **MySQL / MariaDB**: a timestamp before `1000-01-01`. Both document `1000-01-01 00:00:00` to
//!   `9999-12-31 23:59:59.999999` as `DATETIME`'s supported range; MariaDB 10.11 stores earlier
//!   years without a word (the test pins that), MySQL promises nothing for them, and drivers
//!   differ in reading them back. Reported so that a load is never the first to find out.
//! - **SQL Server**: none. `datetime2` covers exactly DAP's years (0001-9999), `nvarchar` holds
//!   every Unicode scalar value including U+0000, `uniqueidentifier` every uuid; the generated
//!   DDL sizes `nvarchar` for supplementary characters (two UTF-16 units each). `--target mssql`
//!   is accepted and reports nothing, so a pipeline can name its database whatever it is.
//!
//! Checked only on values that pass their DAP rule: a value that is already a violation is not
//! also a `target` one.

use crate::plan::Rule;
use clap::ValueEnum;

/// A database `--target` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// PostgreSQL (any version).
    Postgresql,
    /// MySQL or MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
    /// Microsoft SQL Server.
    Mssql,
}

/// One rule a target adds to a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetRule {
    /// Text must not hold U+0000; the message says why.
    NoNul(&'static str),
    /// A timestamp must not be before this year (four ASCII digits); the message says why.
    MinYear([u8; 4], &'static str),
}

const POSTGRESQL_NUL: &str = "PostgreSQL cannot store U+0000 in text: the load fails (invalid byte sequence for encoding \"UTF8\": 0x00)";
const SQLITE_NUL: &str = "SQLite stores U+0000 but its text functions stop there: length() and the table's CHECKs see the text cut short";
const MYSQL_YEAR: &str = "before 1000-01-01: outside the DATETIME range MySQL and MariaDB support (1000-01-01 to 9999-12-31)";

impl Target {
    /// The rule this target adds to a column with `rule`, if any: the one exhaustive match of
    /// targets against column rules.
    pub fn rule_for(self, rule: &Rule) -> Option<TargetRule> {
        let text = matches!(
            rule,
            Rule::Text { .. }
                | Rule::StringEnum { .. }
                | Rule::IntegerEnum {
                    open_slot: Some(_),
                    ..
                }
        );
        match (self, rule) {
            (Target::Postgresql, _) if text => Some(TargetRule::NoNul(POSTGRESQL_NUL)),
            (Target::Sqlite, _) if text => Some(TargetRule::NoNul(SQLITE_NUL)),
            (Target::Mysql, Rule::Timestamp) => Some(TargetRule::MinYear(*b"1000", MYSQL_YEAR)),
            (Target::Postgresql | Target::Sqlite | Target::Mysql | Target::Mssql, _) => None,
        }
    }

    /// The name as written on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::Postgresql => "postgresql",
            Target::Mysql => "mysql",
            Target::Sqlite => "sqlite",
            Target::Mssql => "mssql",
        }
    }
}

impl TargetRule {
    /// The message when the string value `text` (already valid DAP data) breaks the rule.
    pub fn check(self, text: &[u8]) -> Option<&'static str> {
        match self {
            TargetRule::NoNul(message) => memchr::memchr(0, text).map(|_| message),
            TargetRule::MinYear(year, message) => {
                // A valid timestamp starts with four digits: they compare as the year does.
                (text.get(..4).is_some_and(|y| y < &year[..])).then_some(message)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::CheckPlan;

    fn plan() -> CheckPlan {
        let namespace = canvas_logs_codegen::load_embedded();
        CheckPlan::compile(&namespace, namespace.table("web_logs").unwrap())
    }

    fn rule(target: Target, column: &str) -> Option<TargetRule> {
        let plan = plan();
        let c = plan.columns().iter().find(|c| &*c.name == column).unwrap();
        target.rule_for(&c.rule)
    }

    #[test]
    fn nul_is_refused_in_every_text_column_for_postgresql_and_sqlite() {
        for target in [Target::Postgresql, Target::Sqlite] {
            for column in [
                "url",
                "user_agent",
                "web_application_controller",
                "web_application_action",
            ] {
                let r = rule(target, column).unwrap();
                assert!(r.check(b"a\0b").is_some(), "{target:?} {column}");
                assert!(r.check(b"ab").is_none());
                assert!(r.check(b"").is_none());
            }
            // Types whose valid values hold no NUL carry no rule.
            for column in [
                "id",
                "timestamp",
                "remote_ip",
                "user_id",
                "participated",
                "http_status",
            ] {
                assert_eq!(rule(target, column), None, "{target:?} {column}");
            }
        }
    }

    #[test]
    fn mysql_refuses_years_before_1000_only() {
        let r = rule(Target::Mysql, "timestamp").unwrap();
        assert!(r.check(b"0001-01-01T00:00:00Z").is_some());
        assert!(r.check(b"0999-12-31T23:59:59.999999Z").is_some());
        assert!(r.check(b"1000-01-01T00:00:00Z").is_none());
        assert!(r.check(b"9999-12-31T23:59:59.999999Z").is_none());
        assert_eq!(rule(Target::Mysql, "url"), None);
    }

    #[test]
    fn mssql_has_no_rule() {
        for column in plan().columns() {
            assert_eq!(
                Target::Mssql.rule_for(&column.rule),
                None,
                "{}",
                column.name
            );
        }
    }
}
