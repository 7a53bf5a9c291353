//! MariaDB (standing in for MySQL): the generated DDL on a real, throwaway server.
//!
//! The server comes from the Debian packages (`mariadb-server`, `mariadb-client`):
//! `mariadb-install-db` creates a data directory in a temporary directory and `mariadbd` serves
//! it on a Unix socket there, without networking; the system service is never used. Rows are
//! written as a loader would write DAP text: integers and booleans as SQL numbers and
//! `TRUE`/`FALSE`, timestamps without DAP's trailing `Z` (the column holds UTC), everything else
//! as quoted text.

use crate::corpus::{self, InvalidCase, Row};
use crate::server::{
    TempDir, describe, find_program, run_with_input, running_as_root, skip_or_fail, wait_until,
};
use canvas_logs_codegen::model::{Column, ColumnType, EnumRepr, Namespace, Table};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;

fn sbin_dirs() -> Vec<PathBuf> {
    ["/usr/sbin", "/usr/local/sbin", "/usr/bin"]
        .iter()
        .map(PathBuf::from)
        .collect()
}

/// A running throwaway server; killed and deleted on drop.
struct MariaDbServer {
    // Dropped after `child` is killed (fields drop in order, after `Drop::drop`).
    dir: TempDir,
    child: Mutex<Child>,
    server: PathBuf,
    client: PathBuf,
}

impl MariaDbServer {
    fn start(server: &Path, install_db: &Path, client: &Path) -> Result<Self, String> {
        let dir = TempDir::new("ddl-mariadb").map_err(|e| format!("temporary directory: {e}"))?;
        let data = dir.path().join("data");
        let mut install = Command::new(install_db);
        install
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"]);
        if running_as_root() {
            install.arg("--user=root");
        }
        let installed = install
            .output()
            .map_err(|e| format!("{}: {e}", install_db.display()))?;
        if !installed.status.success() {
            return Err(format!(
                "mariadb-install-db failed: {}",
                describe(&installed)
            ));
        }
        let child = Self::launch(server, dir.path())?;
        let started = MariaDbServer {
            dir,
            child: Mutex::new(child),
            server: server.to_path_buf(),
            client: client.to_path_buf(),
        };
        started.wait_ready()?;
        Ok(started)
    }

    /// Starts `mariadbd` on the data directory under `dir`.
    fn launch(server: &Path, dir: &Path) -> Result<Child, String> {
        let mut command = Command::new(server);
        command
            .arg("--no-defaults")
            .arg(format!("--datadir={}", dir.join("data").display()))
            .arg(format!("--socket={}", dir.join("mariadbd.sock").display()))
            .arg(format!("--pid-file={}", dir.join("mariadbd.pid").display()))
            .arg(format!("--log-error={}", dir.join("server.log").display()))
            .args([
                "--skip-networking",
                "--innodb-buffer-pool-size=32M",
                "--innodb-log-file-size=16M",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if running_as_root() {
            command.arg("--user=root");
        }
        command
            .spawn()
            .map_err(|e| format!("{}: {e}", server.display()))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn wait_ready(&self) -> Result<(), String> {
        let ready = wait_until(60, || {
            let alive = self
                .child
                .lock()
                .map(|mut c| c.try_wait().ok().flatten().is_none())
                .unwrap_or(false);
            alive && self.sql_once(None, "SELECT 1").status.success()
        });
        if ready {
            Ok(())
        } else {
            Err(format!("mariadbd did not start\nlog:\n{}", self.log()))
        }
    }

    /// Runs `sql` through the client (in `database` if given), stopping at the first error. A
    /// read-only statement that loses the server under it (CI saw `ERROR 2013 ... Lost
    /// connection to server during query` once, on `information_schema.CHECK_CONSTRAINTS`, in
    /// a run where every other test passed) restarts the server on the same data, says so with
    /// the server's log, and is tried once more; anything else stands as it failed.
    fn sql(&self, database: Option<&str>, sql: &str) -> Output {
        let output = self.sql_once(database, sql);
        let read_only = ["SELECT", "SET SESSION", "SHOW"]
            .iter()
            .any(|verb| sql.trim_start().to_ascii_uppercase().starts_with(verb));
        let stderr = String::from_utf8_lossy(&output.stderr);
        // 2013: lost during the query; 2006: gone away; 2002: not there to connect to.
        let lost = ["ERROR 2013", "ERROR 2006", "ERROR 2002"]
            .iter()
            .any(|code| stderr.contains(code));
        if output.status.success() || !read_only || !lost {
            return output;
        }
        eprintln!(
            "mariadbd went away under a query ({}); restarting it on the same data. Its log:\n{}",
            stderr.trim(),
            self.log()
        );
        if let Ok(mut child) = self.child.lock() {
            let _ = child.kill();
            let _ = child.wait();
            match Self::launch(&self.server, self.dir.path()) {
                Ok(next) => *child = next,
                Err(e) => panic!("restarting mariadbd: {e}"),
            }
        }
        if let Err(e) = self.wait_ready() {
            panic!("{e}");
        }
        self.sql_once(database, sql)
    }

    fn sql_once(&self, database: Option<&str>, sql: &str) -> Output {
        let mut command = Command::new(&self.client);
        command
            .arg("--no-defaults")
            .arg(format!(
                "--socket={}",
                self.dir.path().join("mariadbd.sock").display()
            ))
            .args([
                "-u",
                "root",
                "--default-character-set=utf8mb4",
                "--batch",
                "--skip-column-names",
            ]);
        if let Some(database) = database {
            command.arg(format!("--database={database}"));
        }
        run_with_input(&mut command, sql.as_bytes())
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.client.display()))
    }

    fn query_value(&self, sql: &str) -> String {
        let output = self.sql(Some(DATABASE), sql);
        assert!(output.status.success(), "{sql}: {}", describe(&output));
        String::from_utf8_lossy(&output.stdout)
            .trim_end_matches('\n')
            .to_owned()
    }
}

impl Drop for MariaDbServer {
    fn drop(&mut self) {
        if let Ok(child) = self.child.get_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

const DATABASE: &str = "dap";

/// A MySQL string literal: `\` and `'` escaped (the default, without `NO_BACKSLASH_ESCAPES`).
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

/// The SQL literal a loader writes for a DAP text value in `column`.
fn literal(namespace: &Namespace, column: &Column, field: Option<&str>) -> String {
    let Some(text) = field else {
        return "NULL".to_owned();
    };
    let integer_like = match column.ty() {
        ColumnType::Int32 | ColumnType::Int64 => true,
        ColumnType::Enum(id) => namespace.enum_by_id(id).repr() == EnumRepr::Integer,
        _ => false,
    };
    let is_integer_text = {
        let digits = text.strip_prefix('-').unwrap_or(text);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    match (column.ty(), text) {
        (ColumnType::Bool, "true") => "TRUE".to_owned(),
        (ColumnType::Bool, "false") => "FALSE".to_owned(),
        (ColumnType::Timestamp, _) => quoted(text.strip_suffix('Z').unwrap_or(text)),
        _ if integer_like && is_integer_text => text.to_owned(),
        _ => quoted(text),
    }
}

fn insert_statement(namespace: &Namespace, table: &Table, row: &Row) -> String {
    let columns: Vec<String> = table
        .columns()
        .iter()
        .map(|c| format!("`{}`", c.name()))
        .collect();
    let values: Vec<String> = table
        .columns()
        .iter()
        .zip(&row.fields)
        .map(|(column, field)| literal(namespace, column, field.as_deref()))
        .collect();
    format!(
        "INSERT INTO `canvas_logs__web_logs` ({}) VALUES ({});\n",
        columns.join(", "),
        values.join(", ")
    )
}

/// A throwaway server for test `test`, or `None` (skipped, or failed under `CI`) when the
/// MariaDB binaries are not installed.
fn started(test: &str) -> Option<MariaDbServer> {
    let sbin = sbin_dirs();
    let server = find_program("mariadbd", &sbin).or_else(|| find_program("mysqld", &sbin));
    let install_db = find_program("mariadb-install-db", &sbin)
        .or_else(|| find_program("mysql_install_db", &sbin));
    let client = find_program("mariadb", &sbin);
    let (Some(server), Some(install_db), Some(client)) = (server, install_db, client) else {
        skip_or_fail(
            test,
            "MariaDB binaries (mariadbd, mariadb-install-db, mariadb) not found; \
             apt-get install mariadb-server mariadb-client",
        );
        return None;
    };
    Some(MariaDbServer::start(&server, &install_db, &client).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn mariadb_loads_every_valid_row_and_refuses_every_invalid_one() {
    const TEST: &str = "mariadb";
    let Some(server) = started(TEST) else {
        return;
    };
    let (namespace, table) = crate::web_logs();
    let ddl = crate::checked_in_ddl("mysql");

    let created = server.sql(
        None,
        &format!("CREATE DATABASE `{DATABASE}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"),
    );
    assert!(created.status.success(), "{}", describe(&created));
    for attempt in ["first", "second"] {
        let applied = server.sql(Some(DATABASE), &ddl);
        assert!(
            applied.status.success(),
            "{attempt} application of the DDL failed: {}",
            describe(&applied)
        );
    }
    // Descriptions and foreign-key notes are in the catalog, non-ASCII text intact.
    let comments = server.query_value(&format!(
        "SELECT CONCAT(COLUMN_NAME, '=', COLUMN_COMMENT) FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = '{DATABASE}' AND TABLE_NAME = 'canvas_logs__web_logs' \
         ORDER BY ORDINAL_POSITION"
    ));
    assert_eq!(comments, crate::expected_column_comments(&table));
    let strict = server.query_value("SELECT @@sql_mode");
    assert!(
        strict.contains("STRICT_TRANS_TABLES"),
        "sql_mode is {strict}"
    );

    let valid = corpus::valid_rows(&namespace, &table);
    let script: String = valid
        .iter()
        .map(|row| insert_statement(&namespace, &table, row))
        .collect();
    let loaded = server.sql(Some(DATABASE), &script);
    assert!(
        loaded.status.success(),
        "valid rows refused: {}",
        describe(&loaded)
    );
    let count = server.query_value("SELECT count(*) FROM canvas_logs__web_logs");
    assert_eq!(count, valid.len().to_string());

    // Microseconds survive (the official client's `datetime` would drop them), 255 emoji are
    // 255 characters, and open enum values are not cut at 64 characters.
    let micros = server.query_value(
        "SELECT count(*) FROM canvas_logs__web_logs \
         WHERE `timestamp` = '2024-05-01 12:34:56.123456'",
    );
    assert_ne!(micros, "0", "no row kept the timestamp's microseconds");
    let emoji = server.query_value(&format!(
        "SELECT DISTINCT CHAR_LENGTH(user_agent) FROM canvas_logs__web_logs WHERE user_agent = {}",
        quoted(&"😀".repeat(255))
    ));
    assert_eq!(emoji, "255");
    let controller_length = server.query_value(
        "SELECT MAX(CHAR_LENGTH(web_application_controller)) FROM canvas_logs__web_logs",
    );
    assert!(
        controller_length.parse::<usize>().unwrap_or(0) > 64,
        "open enum values longer than 64 characters must load, longest was {controller_length}"
    );

    let problems = crate::refusal_problems(
        &corpus::invalid_cases(&namespace, &table),
        |_case: &InvalidCase| true,
        |row: &Row| {
            let output = server.sql(Some(DATABASE), &insert_statement(&namespace, &table, row));
            if output.status.success() {
                Ok(())
            } else {
                Err(String::from_utf8_lossy(&output.stderr).into_owned())
            }
        },
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    let after = server.query_value("SELECT count(*) FROM canvas_logs__web_logs");
    assert_eq!(after, count, "an invalid row was stored");

    // `--target mysql`: years before 1000 are outside the DATETIME range MySQL and MariaDB
    // document. MariaDB 10.11 stores them without a warning and reads them back unchanged: the
    // rule rests on the documented range (and on MySQL, which promises nothing there), not on a
    // refusal. Pinned here, so that a MariaDB that starts refusing them is noticed.
    crate::target::assert_reported(&namespace, &table, dap_validate::target::Target::Mysql);
    for (i, case) in crate::target::cases(dap_validate::target::Target::Mysql)
        .iter()
        .enumerate()
    {
        let mut row = crate::target::row_with(&table, &valid[0], case);
        let key = format!("00000000-0000-4000-8000-{:012}", 900 + i);
        row.fields[0] = Some(key.clone());
        let output = server.sql(Some(DATABASE), &insert_statement(&namespace, &table, &row));
        assert!(
            output.status.success(),
            "{}: {}",
            row.label,
            describe(&output)
        );
        let stored = server.query_value(&format!(
            "SELECT DATE_FORMAT(`timestamp`, '%Y-%m-%dT%H:%i:%s.%fZ') FROM canvas_logs__web_logs WHERE id = '{key}'"
        ));
        let expected = match case.text.split_once('.') {
            Some(_) => case.text.clone(),
            None => case.text.replace('Z', ".000000Z"),
        };
        assert_eq!(stored, expected, "{}", row.label);
    }
}

#[test]
fn loader_literals_follow_the_column_type() {
    let (namespace, table) = crate::web_logs();
    let column = |name: &str| {
        table
            .column(name)
            .cloned()
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    assert_eq!(
        literal(
            &namespace,
            &column("timestamp"),
            Some("2024-05-01T12:00:00.5Z")
        ),
        "'2024-05-01T12:00:00.5'"
    );
    assert_eq!(
        literal(&namespace, &column("participated"), Some("true")),
        "TRUE"
    );
    assert_eq!(
        literal(&namespace, &column("http_status"), Some("200")),
        "200"
    );
    assert_eq!(
        literal(&namespace, &column("http_status"), Some("OK")),
        "'OK'"
    );
    assert_eq!(
        literal(&namespace, &column("url"), Some("a'\\")),
        "'a''\\\\'"
    );
    assert_eq!(literal(&namespace, &column("user_id"), None), "NULL");
}

/// What the catalogue says of the table: columns by name (type, nullability, comment), `CHECK`
/// constraints, the primary key and the table comment.
fn catalogue(server: &MariaDbServer) -> String {
    let filter = format!("TABLE_SCHEMA = '{DATABASE}' AND TABLE_NAME = 'canvas_logs__web_logs'");
    [
        format!(
            "SELECT CONCAT(COLUMN_NAME, ' ', COLUMN_TYPE, ' ', IS_NULLABLE, ' ', IFNULL(CHARACTER_SET_NAME, ''), ' ', \
             IFNULL(COLLATION_NAME, ''), ' -- ', COLUMN_COMMENT) FROM information_schema.COLUMNS WHERE {filter} ORDER BY COLUMN_NAME"
        ),
        format!(
            "SELECT CONCAT(CONSTRAINT_NAME, ': ', CHECK_CLAUSE) FROM information_schema.CHECK_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = '{DATABASE}' AND TABLE_NAME = 'canvas_logs__web_logs' ORDER BY CONSTRAINT_NAME"
        ),
        format!(
            "SELECT CONCAT(CONSTRAINT_NAME, ' ', COLUMN_NAME, ' ', ORDINAL_POSITION) FROM information_schema.KEY_COLUMN_USAGE \
             WHERE {filter} ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION"
        ),
        format!("SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE {filter}"),
    ]
    .iter()
    .map(|q| server.query_value(q))
    .collect::<Vec<_>>()
    .join("\n---\n")
}

/// The shared migration proof on the throwaway server.
struct MariaDbTarget<'s>(&'s MariaDbServer);

impl crate::migration_proof::Target for MariaDbTarget<'_> {
    fn migrator(&self) -> &'static dyn canvas_logs_codegen::emit::migration::Migrator {
        &canvas_logs_codegen::emit::migration::mysql::MySqlMigrator
    }

    fn reset(&self) {
        let reset = format!(
            "DROP DATABASE IF EXISTS `{DATABASE}`; CREATE DATABASE `{DATABASE}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
        );
        let output = self.0.sql(None, &reset);
        assert!(output.status.success(), "{}", describe(&output));
    }

    fn run(&self, script: &str) -> Result<(), String> {
        let output = self.0.sql(Some(DATABASE), script);
        if output.status.success() {
            Ok(())
        } else {
            Err(describe(&output))
        }
    }

    fn dump(&self, columns: &[String]) -> String {
        let list: Vec<String> = columns
            .iter()
            .map(|c| format!("IFNULL(CAST(`{c}` AS CHAR), '\\\\N')"))
            .collect();
        self.0.query_value(&format!(
            "SET SESSION group_concat_max_len = 1 << 26; SELECT IFNULL(GROUP_CONCAT(CONCAT_WS('|', {}) ORDER BY `id` SEPARATOR '\\n'), '') FROM canvas_logs__web_logs",
            list.join(", ")
        ))
    }

    fn catalogue(&self) -> String {
        catalogue(self.0)
    }

    fn load(&self, namespace: &Namespace, table: &Table, rows: &[&Row]) -> Result<(), String> {
        let script: String = rows
            .iter()
            .map(|row| insert_statement(namespace, table, row))
            .collect();
        let output = self.0.sql(Some(DATABASE), &script);
        if output.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    fn is_guard_error(&self, error: &str) -> bool {
        error.contains("CONSTRAINT `stop_") && error.contains("failed")
    }
}

#[test]
fn mariadb_migrations_keep_every_row_and_end_as_a_fresh_new_table() {
    const TEST: &str = "mariadb migrations";
    let Some(server) = started(TEST) else {
        return;
    };
    crate::migration_proof::prove(&MariaDbTarget(&server));
}

/// The helper's answer to a server that goes away under a read-only query: the server is
/// killed here as a crash would end it, and the next `SELECT` restarts it on the same data
/// and finds what was committed before.
#[test]
fn mariadb_helper_restarts_a_server_lost_under_a_query() {
    const TEST: &str = "mariadb restart";
    let Some(server) = started(TEST) else {
        return;
    };
    let created = server.sql(
        None,
        &format!(
            "CREATE DATABASE `{DATABASE}`; CREATE TABLE `{DATABASE}`.t (n INT) ENGINE=InnoDB; \
             INSERT INTO `{DATABASE}`.t VALUES (41), (1);"
        ),
    );
    assert!(created.status.success(), "{}", describe(&created));
    if let Ok(mut child) = server.child.lock() {
        let _ = child.kill();
        let _ = child.wait();
    }
    assert_eq!(server.query_value("SELECT SUM(n) FROM t"), "42");
    // A statement that writes is not tried again: it fails as it failed.
    if let Ok(mut child) = server.child.lock() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let insert = server.sql(Some(DATABASE), "INSERT INTO t VALUES (1);");
    assert!(!insert.status.success(), "an insert into a dead server");
}
