//! PostgreSQL: the generated DDL on a real, throwaway server, loaded with `COPY` of DAP TSV.
//!
//! The server comes from the Debian packages (`initdb`, `pg_ctl`, `postgres` under
//! `/usr/lib/postgresql/<version>/bin`, or `$PG_BIN_DIR`) and runs in a temporary directory,
//! listening only on a Unix socket there. PostgreSQL refuses to run as root, so as root the
//! server runs as `nobody`.

use crate::corpus::{self, InvalidCase, Row};
use crate::server::{
    TempDir, describe, find_program, nobody_ids, run_with_input, running_as_root, skip_or_fail,
};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The directory holding `initdb`, `pg_ctl` and `postgres`: `$PG_BIN_DIR`, else the newest
/// `/usr/lib/postgresql/<version>/bin`, else the directory of `initdb` on `PATH`.
fn server_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BIN_DIR") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    find_program("initdb", &[]).and_then(|p| p.parent().map(Path::to_path_buf))
}

/// A running throwaway server; stopped and deleted on drop.
struct PostgresServer {
    dir: TempDir,
    bin: PathBuf,
    psql: PathBuf,
    /// The account the server runs as, when we are root.
    account: Option<(u32, u32)>,
}

impl PostgresServer {
    fn start(bin: &Path, psql: &Path) -> Result<PostgresServer, String> {
        let dir = TempDir::new("ddl-postgres").map_err(|e| format!("temporary directory: {e}"))?;
        let account = if running_as_root() {
            let ids = nobody_ids().ok_or("running as root and there is no `nobody` account")?;
            std::os::unix::fs::chown(dir.path(), Some(ids.0), Some(ids.1))
                .map_err(|e| format!("chown {}: {e}", dir.path().display()))?;
            Some(ids)
        } else {
            None
        };
        let server = PostgresServer {
            dir,
            bin: bin.to_path_buf(),
            psql: psql.to_path_buf(),
            account,
        };
        let data = server.data_dir();
        let initdb = server
            .server_command("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--no-locale",
                "-E",
                "UTF8",
                "--no-sync",
            ])
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !initdb.status.success() {
            return Err(format!("initdb failed: {}", describe(&initdb)));
        }
        let options = format!(
            "-k {} -c listen_addresses= -c fsync=off -c full_page_writes=off",
            server.dir.path().display()
        );
        let start = server
            .server_command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(server.dir.path().join("server.log"))
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .output()
            .map_err(|e| format!("pg_ctl start: {e}"))?;
        if !start.status.success() {
            let log =
                std::fs::read_to_string(server.dir.path().join("server.log")).unwrap_or_default();
            return Err(format!(
                "pg_ctl start failed: {}\nlog:\n{log}",
                describe(&start)
            ));
        }
        Ok(server)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A server program, run as the unprivileged account when we are root.
    fn server_command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.join(program));
        command.current_dir(self.dir.path());
        if let Some((uid, gid)) = self.account {
            command.uid(uid).gid(gid);
        }
        command
    }

    /// `psql` connected to the server, stopping at the first error.
    fn psql(&self, extra: &[&str], stdin: &str) -> Output {
        let mut command = Command::new(&self.psql);
        command
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-U",
                "postgres",
                "-d",
                "postgres",
            ])
            .arg("-h")
            .arg(self.dir.path())
            .args(extra)
            .env("PGCLIENTENCODING", "UTF8")
            .env_remove("PGPASSWORD");
        run_with_input(&mut command, stdin.as_bytes())
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.psql.display()))
    }

    /// The single value a query returns (unaligned, tuples only).
    fn query_value(&self, sql: &str) -> String {
        let output = self.psql(&["-A", "-t", "-c", sql], "");
        assert!(output.status.success(), "{sql}: {}", describe(&output));
        String::from_utf8_lossy(&output.stdout)
            .trim_end_matches('\n')
            .to_owned()
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        let _ = self
            .server_command("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

#[test]
fn postgresql_loads_every_valid_row_through_copy_and_refuses_every_invalid_one() {
    const TEST: &str = "postgresql";
    let Some(bin) = server_bin_dir().filter(|b| b.join("pg_ctl").is_file()) else {
        skip_or_fail(
            TEST,
            "PostgreSQL server binaries (initdb, pg_ctl) not found",
        );
        return;
    };
    let Some(psql) = find_program("psql", std::slice::from_ref(&bin)) else {
        skip_or_fail(TEST, "psql not found");
        return;
    };
    let server = PostgresServer::start(&bin, &psql).unwrap_or_else(|e| panic!("{e}"));
    let (namespace, table) = crate::web_logs();
    let ddl = crate::checked_in_ddl("postgresql");

    // The DDL applies to an empty database, and again on top of itself.
    for attempt in ["first", "second"] {
        let applied = server.psql(&["-f", "-"], &ddl);
        assert!(
            applied.status.success(),
            "{attempt} application of the DDL failed: {}",
            describe(&applied)
        );
    }

    // Descriptions and foreign-key notes are in the catalog.
    let comments = server.query_value(
        "SELECT attname || '=' || coalesce(col_description(attrelid, attnum), '') \
         FROM pg_attribute WHERE attrelid = 'canvas_logs.web_logs'::regclass \
         AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
    );
    assert_eq!(comments, crate::expected_column_comments(&table));
    let table_comment =
        server.query_value("SELECT obj_description('canvas_logs.web_logs'::regclass, 'pg_class')");
    assert_eq!(table_comment, table.description().trim());

    let copy = format!(
        "COPY \"canvas_logs\".\"web_logs\" ({}) FROM STDIN (FORMAT text)",
        table
            .columns()
            .iter()
            .map(|c| format!("\"{}\"", c.name()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let load = |rows: &[&Row]| -> Output {
        let text: String = rows.iter().map(|r| corpus::copy_text_line(r)).collect();
        server.psql(&["-c", &copy], &text)
    };

    let valid = corpus::valid_rows(&namespace, &table);
    let loaded = load(&valid.iter().collect::<Vec<_>>());
    assert!(
        loaded.status.success(),
        "valid rows refused: {}",
        describe(&loaded)
    );
    let count = server.query_value("SELECT count(*) FROM canvas_logs.web_logs");
    assert_eq!(count, valid.len().to_string());

    // Microseconds survive, and 255 emoji are 255 characters.
    let micros = server.query_value(
        "SELECT count(*) FROM canvas_logs.web_logs \
         WHERE \"timestamp\" = '2024-05-01T12:34:56.123456Z'",
    );
    assert_ne!(micros, "0", "no row kept the timestamp's microseconds");
    let emoji = server.query_value(&format!(
        "SELECT DISTINCT char_length(user_agent) FROM canvas_logs.web_logs WHERE user_agent = '{}'",
        "😀".repeat(255)
    ));
    assert_eq!(emoji, "255");
    let controller_length = server.query_value(
        "SELECT max(char_length(web_application_controller)) FROM canvas_logs.web_logs",
    );
    assert!(
        controller_length.parse::<usize>().unwrap_or(0) > 64,
        "open enum values longer than 64 characters must load, longest was {controller_length}"
    );

    let problems = crate::refusal_problems(
        &corpus::invalid_cases(&namespace, &table),
        |_case: &InvalidCase| true,
        |row: &Row| {
            let output = load(&[row]);
            if output.status.success() {
                Ok(())
            } else {
                Err(String::from_utf8_lossy(&output.stderr).into_owned())
            }
        },
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    let count = server.query_value("SELECT count(*) FROM canvas_logs.web_logs");
    assert_eq!(count, valid.len().to_string(), "an invalid row was stored");

    // `--target postgresql`: U+0000 (`\0` in the DAP TSV form) is refused by COPY; the control
    // values load and read back unchanged.
    crate::target::assert_reported(&namespace, &table, dap_validate::target::Target::Postgresql);
    for (i, case) in crate::target::cases(dap_validate::target::Target::Postgresql)
        .iter()
        .enumerate()
    {
        let mut row = crate::target::row_with(&table, &valid[0], case);
        let key = format!("00000000-0000-4000-8000-{:012}", 900 + i);
        row.fields[0] = Some(key.clone());
        let line = corpus::copy_text_line(&row).replace('\u{0}', "\\0");
        let output = server.psql(&["-c", &copy], &line);
        if case.breaks_rule {
            assert!(
                !output.status.success()
                    && String::from_utf8_lossy(&output.stderr).contains("0x00"),
                "{}: PostgreSQL should refuse U+0000: {}",
                row.label,
                describe(&output)
            );
        } else {
            assert!(
                output.status.success(),
                "{}: {}",
                row.label,
                describe(&output)
            );
            let stored = server.query_value(&format!(
                "SELECT \"{}\" FROM canvas_logs.web_logs WHERE id = '{key}'",
                case.column
            ));
            assert_eq!(stored, case.text, "{}", row.label);
        }
    }
}

/// What the catalogue says of the migrated or fresh table: columns (by name: a migration appends
/// added columns, so positions differ), constraints, the enum types with their labels in order,
/// and the comments.
fn catalogue(server: &PostgresServer) -> String {
    let queries = [
        "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' NOT NULL' ELSE '' END || ' -- ' || coalesce(col_description(attrelid, attnum), ''), E'\\n' ORDER BY attname) \
         FROM pg_attribute WHERE attrelid = 'canvas_logs.web_logs'::regclass AND attnum > 0 AND NOT attisdropped",
        "SELECT string_agg(conname || ': ' || pg_get_constraintdef(oid), E'\\n' ORDER BY conname) \
         FROM pg_constraint WHERE conrelid = 'canvas_logs.web_logs'::regclass",
        "SELECT coalesce(string_agg(t.typname || ' (' || coalesce(obj_description(t.oid, 'pg_type'), '') || '): ' || \
         (SELECT string_agg(enumlabel, ', ' ORDER BY enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), E'\\n' ORDER BY t.typname), '') \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'canvas_logs' AND t.typtype = 'e'",
        "SELECT obj_description('canvas_logs.web_logs'::regclass, 'pg_class')",
    ];
    queries
        .iter()
        .map(|q| server.query_value(q))
        .collect::<Vec<_>>()
        .join("\n---\n")
}

/// The shared migration proof on the throwaway server.
struct PostgresTarget<'s>(&'s PostgresServer);

impl crate::migration_proof::Target for PostgresTarget<'_> {
    fn migrator(&self) -> &'static dyn canvas_logs_codegen::emit::migration::Migrator {
        &canvas_logs_codegen::emit::migration::postgresql::PostgreSqlMigrator
    }

    fn reset(&self) {
        let _ = self.run("DROP SCHEMA IF EXISTS canvas_logs CASCADE;");
    }

    fn run(&self, script: &str) -> Result<(), String> {
        let output = self.0.psql(&["-f", "-"], script);
        if output.status.success() {
            Ok(())
        } else {
            Err(describe(&output))
        }
    }

    fn dump(&self, columns: &[String]) -> String {
        let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"::text")).collect();
        self.0.query_value(&format!(
            "SELECT coalesce(string_agg(concat_ws('|', {}), E'\\n' ORDER BY \"id\"), '') FROM canvas_logs.web_logs",
            list.join(", ")
        ))
    }

    fn catalogue(&self) -> String {
        catalogue(self.0)
    }

    fn load(
        &self,
        _namespace: &canvas_logs_codegen::Namespace,
        table: &canvas_logs_codegen::model::Table,
        rows: &[&Row],
    ) -> Result<(), String> {
        let columns: Vec<String> = table
            .columns()
            .iter()
            .map(|c| format!("\"{}\"", c.name()))
            .collect();
        let copy = format!(
            "COPY \"canvas_logs\".\"web_logs\" ({}) FROM STDIN (FORMAT text)",
            columns.join(", ")
        );
        let text: String = rows.iter().map(|r| corpus::copy_text_line(r)).collect();
        let output = self.0.psql(&["-c", &copy], &text);
        if output.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    fn is_guard_error(&self, error: &str) -> bool {
        error.contains("migration stopped (stop_")
    }
}

#[test]
fn postgresql_migrations_keep_every_row_and_end_as_a_fresh_new_table() {
    const TEST: &str = "postgresql migrations";
    let Some(bin) = server_bin_dir().filter(|b| b.join("pg_ctl").is_file()) else {
        skip_or_fail(
            TEST,
            "PostgreSQL server binaries (initdb, pg_ctl) not found",
        );
        return;
    };
    let Some(psql) = find_program("psql", std::slice::from_ref(&bin)) else {
        skip_or_fail(TEST, "psql not found");
        return;
    };
    let server = PostgresServer::start(&bin, &psql).unwrap_or_else(|e| panic!("{e}"));
    crate::migration_proof::prove(&PostgresTarget(&server));
}
