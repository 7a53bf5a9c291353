//! `cargo xtask import-dap` and `cargo xtask diff`: following DAP's schema as it changes.
//!
//! - `import-dap FILE [--table NAME] [--out PATH]` reads a schema as DAP serves it and rewrites
//!   the namespace YAML (default `schema/canvas_logs.yaml`), keeping that file's header comment,
//!   the member names of its enums and the references of its columns; every derived member name
//!   is listed. Anything that cannot be mapped is an error at its JSON pointer (exit 2) and
//!   nothing is written.
//! - `diff OLD NEW [--format human|json]` compares two versions; each is a YAML path, a DAP JSON
//!   file (recognised by its content; member names from the project's YAML) or `REV:path` read
//!   from git. Exit 0 when nothing breaks, 1 when something does, 2 on bad input.

use anyhow::{Context, Result, bail};
use canvas_logs_codegen::Namespace;
use canvas_logs_codegen::diff::{self, render};
use canvas_logs_codegen::emit::yaml;
use canvas_logs_codegen::import::dap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// `import-dap FILE [--table NAME] [--out PATH]`.
pub fn import_dap(root: &Path, args: &[&str]) -> Result<ExitCode> {
    let mut file = None;
    let mut table = None;
    let mut out = root.join(canvas_logs_codegen::CANVAS_LOGS_YAML_PATH);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--table" => table = Some(*rest.next().context("--table needs a NAME")?),
            "--out" => out = PathBuf::from(rest.next().context("--out needs a PATH")?),
            flag if flag.starts_with("--") => bail!("unknown option {flag}"),
            path if file.is_none() => file = Some(path),
            extra => bail!("unexpected argument {extra}"),
        }
    }
    let file = file.context("usage: cargo xtask import-dap FILE [--table NAME] [--out PATH]")?;
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
    let base_text = match std::fs::read_to_string(&out) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", out.display())),
    };
    let base = match &base_text {
        Some(text) => match canvas_logs_codegen::load(&out.display().to_string(), text) {
            Ok(namespace) => Some(namespace),
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                eprintln!(
                    "error: {} does not check; fix it or name another --out",
                    out.display()
                );
                return Ok(ExitCode::from(2));
            }
        },
        None => None,
    };
    if let Some(base) = &base
        && base.tables().len() > 1
    {
        bail!(
            "{} holds {} tables; a served schema describes one, and importing it would drop the others",
            out.display(),
            base.tables().len()
        );
    }
    let options = dap::Options {
        table,
        base: base.as_ref(),
    };
    let imported = match dap::import(&text, options) {
        Ok(imported) => imported,
        Err(errors) => {
            for error in &errors {
                eprintln!("error: {file}: {error}");
            }
            eprintln!(
                "error: {} problem(s) in {file}; nothing was written",
                errors.len()
            );
            return Ok(ExitCode::from(2));
        }
    };
    let header = base_text
        .as_deref()
        .map(yaml::header_comment)
        .unwrap_or_default();
    let rendered = yaml::render(&imported.namespace, &header);
    for derived in &imported.derived_names {
        eprintln!(
            "derived member name {}.{} for the new value {:?}",
            derived.enum_name, derived.name, derived.value
        );
    }
    let table = &imported.namespace.tables()[0];
    if base_text.as_deref() == Some(rendered.as_str()) {
        eprintln!(
            "{} is up to date with {file} ({} version {})",
            out.display(),
            table.name(),
            imported.namespace.version()
        );
    } else {
        std::fs::write(&out, &rendered).with_context(|| format!("writing {}", out.display()))?;
        eprintln!(
            "wrote {} ({} version {}); next: cargo xtask diff HEAD:{} {}, then cargo xtask codegen",
            out.display(),
            table.name(),
            imported.namespace.version(),
            canvas_logs_codegen::CANVAS_LOGS_YAML_PATH,
            canvas_logs_codegen::CANVAS_LOGS_YAML_PATH,
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `diff OLD NEW [--format human|json]`.
pub fn diff(root: &Path, args: &[&str]) -> Result<ExitCode> {
    let mut sources = Vec::new();
    let mut json = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--format" => match rest.next().copied() {
                Some("human") => json = false,
                Some("json") => json = true,
                other => bail!("--format takes human or json, not {other:?}"),
            },
            flag if flag.starts_with("--") => bail!("unknown option {flag}"),
            source => sources.push(source),
        }
    }
    let [old_source, new_source] = sources.as_slice() else {
        bail!(
            "usage: cargo xtask diff OLD NEW [--format human|json] (each a YAML path, a DAP JSON file or REV:path)"
        );
    };
    let (Some(old), Some(new)) = (load(root, old_source)?, load(root, new_source)?) else {
        return Ok(ExitCode::from(2));
    };
    if let ([a], [b]) = (old.tables(), new.tables())
        && a.name() != b.name()
    {
        bail!(
            "{old_source} describes table {} and {new_source} table {}: a diff compares two versions of one table",
            a.name(),
            b.name()
        );
    }
    let changes = diff::diff(&old, &new);
    if json {
        let report = render::json(&old, &new, &changes);
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render::human(&old, &new, &changes));
    }
    Ok(if changes.iter().any(diff::Change::is_breaking) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `migrate OLD NEW --dialect postgresql|mysql|sqlite|mssql [--allow-destructive]`.
pub fn migrate(root: &Path, args: &[&str]) -> Result<ExitCode> {
    let mut sources = Vec::new();
    let mut dialect = None;
    let mut options = canvas_logs_codegen::emit::migration::Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--dialect" => dialect = Some(*rest.next().context("--dialect needs a name")?),
            "--allow-destructive" => options.allow_destructive = true,
            flag if flag.starts_with("--") => bail!("unknown option {flag}"),
            source => sources.push(source),
        }
    }
    let usage = "usage: cargo xtask migrate OLD NEW --dialect postgresql|mysql|sqlite|mssql [--allow-destructive]";
    let [old_source, new_source] = sources.as_slice() else {
        bail!("{usage}");
    };
    let stem = dialect.context(usage)?;
    let Some(migrator) = canvas_logs_codegen::emit::migration::migrator(stem) else {
        bail!("unknown dialect {stem:?}: postgresql, mysql, sqlite or mssql");
    };
    let (Some(old), Some(new)) = (load(root, old_source)?, load(root, new_source)?) else {
        return Ok(ExitCode::from(2));
    };
    print!(
        "{}",
        canvas_logs_codegen::emit::migration::render(migrator, &old, &new, options)
    );
    Ok(ExitCode::SUCCESS)
}

/// One side of a diff, `None` after its problems were printed.
fn load(root: &Path, source: &str) -> Result<Option<Namespace>> {
    let text = match source.split_once(':') {
        Some((rev, path)) if !Path::new(source).exists() && !rev.is_empty() => {
            let output = Command::new("git")
                .current_dir(root)
                .args(["show", &format!("{rev}:{path}")])
                .output()
                .context("running git")?;
            if !output.status.success() {
                bail!(
                    "git show {source}: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                );
            }
            String::from_utf8(output.stdout).with_context(|| format!("{source} is not UTF-8"))?
        }
        _ => std::fs::read_to_string(source).with_context(|| format!("reading {source}"))?,
    };
    if dap::looks_like_dap_schema(&text) || text.trim_start().starts_with('{') {
        let base = canvas_logs_codegen::load_embedded();
        let options = dap::Options {
            table: None,
            base: Some(&base),
        };
        return match dap::import(&text, options) {
            Ok(imported) => Ok(Some(imported.namespace)),
            Err(errors) => {
                for error in &errors {
                    eprintln!("error: {source}: {error}");
                }
                Ok(None)
            }
        };
    }
    match canvas_logs_codegen::load(source, &text) {
        Ok(namespace) => Ok(Some(namespace)),
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir()
            .join(format!("xtask-evolve-{}", std::process::id()))
            .join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    fn served_v1() -> serde_json::Value {
        let namespace = canvas_logs_codegen::load_embedded();
        canvas_logs_codegen::emit::dap_schema::served(&namespace, &namespace.tables()[0])
    }

    fn path_str(path: &Path) -> String {
        path.display().to_string()
    }

    #[test]
    fn import_dap_writes_nothing_when_something_cannot_be_mapped() {
        let dir = scratch("import-bad");
        let root = crate::workspace_root();
        let out = dir.join("canvas_logs.yaml");
        std::fs::write(&out, canvas_logs_codegen::CANVAS_LOGS_YAML)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut served = served_v1();
        served["version"] = serde_json::json!(2);
        served["schema"]["properties"]["value"]["properties"]["url"]["format"] =
            serde_json::json!("uri");
        let file = dir.join("web_logs_schema_version_2.json");
        std::fs::write(&file, served.to_string()).unwrap_or_else(|e| panic!("{e}"));
        let (file, out_arg) = (path_str(&file), path_str(&out));
        let code = import_dap(&root, &[&file, "--out", &out_arg]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(code, ExitCode::from(2));
        let after = std::fs::read_to_string(&out).unwrap_or_default();
        assert_eq!(after, canvas_logs_codegen::CANVAS_LOGS_YAML);
        // The same file without the bad format imports, and only the version changes.
        served["schema"]["properties"]["value"]["properties"]["url"]
            .as_object_mut()
            .map(|o| o.remove("format"));
        std::fs::write(&file, served.to_string()).unwrap_or_else(|e| panic!("{e}"));
        let code = import_dap(&root, &[&file, "--out", &out_arg]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(code, ExitCode::SUCCESS);
        let after = std::fs::read_to_string(&out).unwrap_or_default();
        assert_eq!(
            after,
            canvas_logs_codegen::CANVAS_LOGS_YAML.replacen("version: 1\n", "version: 2\n", 1)
        );
    }

    #[test]
    fn diff_exits_by_what_breaks_and_refuses_bad_input() {
        let dir = scratch("diff");
        let root = crate::workspace_root();
        let yaml = path_str(&root.join(canvas_logs_codegen::CANVAS_LOGS_YAML_PATH));
        let v2 = path_str(&root.join("tests/fixtures/evolution/web_logs.v2.served.json"));
        let run = |args: &[&str]| diff(&root, args).map_err(|e| e.to_string());
        assert_eq!(run(&[&yaml, &v2]), Ok(ExitCode::SUCCESS));
        // v2 -> v1 takes a column away: breaking.
        assert_eq!(
            run(&[&v2, &yaml, "--format", "json"]),
            Ok(ExitCode::from(1))
        );
        let invalid = dir.join("invalid.json");
        std::fs::write(&invalid, "{\"schema\": ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(run(&[&yaml, &path_str(&invalid)]), Ok(ExitCode::from(2)));
        let mut other = served_v1();
        other["schema"]["title"] = serde_json::json!("web_log_sources");
        let other_path = dir.join("other.json");
        std::fs::write(&other_path, other.to_string()).unwrap_or_else(|e| panic!("{e}"));
        let message = run(&[&v2, &path_str(&other_path)])
            .err()
            .unwrap_or_default();
        assert!(
            message.contains("describes table web_logs and")
                && message.contains("table web_log_sources"),
            "{message}"
        );
        let message = run(&["HEAD~0:no/such/file.yaml", &yaml])
            .err()
            .unwrap_or_default();
        assert!(
            message.starts_with("git show HEAD~0:no/such/file.yaml"),
            "{message}"
        );
        assert!(run(&[&yaml]).is_err());
        let migrate_run = |args: &[&str]| migrate(&root, args).map_err(|e| e.to_string());
        assert_eq!(
            migrate_run(&[&yaml, &v2, "--dialect", "sqlite"]),
            Ok(ExitCode::SUCCESS)
        );
        let message = migrate_run(&[&yaml, &v2, "--dialect", "oracle"])
            .err()
            .unwrap_or_default();
        assert!(
            message.starts_with("unknown dialect \"oracle\""),
            "{message}"
        );
        assert!(migrate_run(&[&yaml, &v2]).is_err());
        assert_eq!(
            migrate_run(&[&yaml, &path_str(&invalid), "--dialect", "mysql"]),
            Ok(ExitCode::from(2))
        );
        assert!(run(&[&yaml, &v2, "--format", "xml"]).is_err());
    }
}
