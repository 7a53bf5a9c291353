//! MySQL/MariaDB: `ALTER TABLE ... MODIFY COLUMN` with NEW's whole column definition (type,
//! nullability, comment and the column's `CHECK` in one statement). DDL is not transactional
//! here, so the script has no transaction: the guards run before the first change instead.
//! Proven on MariaDB; `ADD/DROP COLUMN IF [NOT] EXISTS` are MariaDB's (MySQL 8 has neither).

use super::{Migrator, Options};
use crate::emit::sql::mysql::MySql;
use crate::emit::sql::{self, Dialect};
use crate::model::{Column, Namespace, Table};

/// The MySQL/MariaDB migrator.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySqlMigrator;

const DDL: MySql = MySql;

impl Migrator for MySqlMigrator {
    fn ddl(&self) -> &'static dyn Dialect {
        &DDL
    }

    fn impact_index(&self) -> usize {
        1
    }

    fn begin(&self) -> Vec<String> {
        vec!["SET NAMES utf8mb4;".to_owned()]
    }

    fn commit(&self) -> Vec<String> {
        Vec::new()
    }

    fn redefine_column(
        &self,
        table: &str,
        _old: &Namespace,
        _old_column: &Column,
        new: &Namespace,
        new_column: &Column,
        _options: Options,
    ) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {table} MODIFY COLUMN {};",
            sql::column_definition(&DDL, new, new_column)
        )]
    }

    fn after_changes(
        &self,
        old: &Namespace,
        new: &Namespace,
        table: &Table,
        _options: Options,
    ) -> Vec<String> {
        let was = old.table(table.name()).map(|t| DDL.table_options(old, t));
        let now = DDL.table_options(new, table);
        match was {
            Some(was) if was != now => {
                let comment = now.split("COMMENT=").nth(1).unwrap_or("''");
                vec![format!(
                    "ALTER TABLE {} COMMENT={comment};",
                    DDL.table_name(new, table)
                )]
            }
            _ => Vec::new(),
        }
    }
}
