//! `cargo xtask dist`: what ships beside the `dap-validate` binary, and the wheel that ships it.
//!
//! 1. The man page and the bash, zsh and fish completions are made from the validator's one clap
//!    definition (`dap_validate::args::command`), so they cannot disagree with `--help`. They are
//!    checked in under `validator/wheel/data/share/` (freshness is part of `cargo xtask codegen
//!    --check`), because maturin copies that folder into the wheel's `.data/data/` and pip then
//!    installs it under the environment's prefix: `share/man/man1/dap-validate.1`,
//!    `share/bash-completion/completions/dap-validate`, `share/zsh/site-functions/_dap-validate`,
//!    `share/fish/vendor_completions.d/dap-validate.fish`. Checked in, they are also in a plain
//!    `pip install .` of a checkout (the GitHub Action's way in), which runs no xtask.
//! 2. The wheel is built by maturin (`pyproject.toml` at the root: `bindings = "bin"`, the
//!    validator's manifest) into `target/wheels/`, linked through zig against glibc 2.17 and
//!    tagged manylinux2014; maturin's audit refuses the tag if the binary needs more.

use anyhow::{Context, Result, bail};
use canvas_logs_codegen::artifacts::Artifact;
use clap_complete::Shell;
use std::path::Path;
use std::process::{Command, ExitCode};

/// Where the wheel's data files live, relative to the workspace root (`data` in `pyproject.toml`).
pub const WHEEL_DATA: &str = "validator/wheel";

/// The man page and the completions, as checked-in artifacts.
pub fn artifacts() -> Vec<Artifact> {
    let mut out = vec![Artifact {
        path: format!("{WHEEL_DATA}/data/share/man/man1/dap-validate.1"),
        contents: man_page(),
    }];
    for (shell, path) in [
        (Shell::Bash, "bash-completion/completions/dap-validate"),
        (Shell::Zsh, "zsh/site-functions/_dap-validate"),
        (Shell::Fish, "fish/vendor_completions.d/dap-validate.fish"),
    ] {
        let mut bytes = Vec::new();
        clap_complete::generate(
            shell,
            &mut dap_validate::args::command(),
            "dap-validate",
            &mut bytes,
        );
        out.push(Artifact {
            path: format!("{WHEEL_DATA}/data/share/{path}"),
            contents: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    out
}

/// The man page: clap_mangen's page, its EXTRA section (the `--help` epilogue, which it would
/// run together as one paragraph) replaced by the same examples and exit statuses written as
/// roff sections, and a SEE ALSO.
pub fn man_page() -> String {
    let man = clap_mangen::Man::new(dap_validate::args::command());
    let mut roff = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = man.render(&mut roff);
    let page = String::from_utf8_lossy(&roff).into_owned();
    let mut sections = String::from(".SH EXAMPLES\n");
    for (command, what) in dap_validate::args::EXAMPLES {
        sections.push_str(&format!(
            ".TP\n.B {}\n{}\n",
            roff_escape(command),
            roff_escape(what)
        ));
    }
    sections.push_str(".SH \"EXIT STATUS\"\n");
    for (status, meaning) in dap_validate::args::EXIT_STATUS {
        sections.push_str(&format!(".TP\n.B {status}\n{}\n", roff_escape(meaning)));
    }
    sections.push_str(
        ".SH \"SEE ALSO\"\nREADME.md and ARCHITECTURE.md in the source repository: the codes, \
         the report formats and how each input format is read.\n",
    );
    let extra = page.find(".SH EXTRA\n");
    let version = page.find(".SH VERSION\n");
    match (extra, version) {
        (Some(extra), Some(version)) if extra < version => {
            // clap_mangen repeats its string definitions before each section; keep them.
            let before_extra = page.get(..extra).unwrap_or_default();
            let from_version = page.get(version..).unwrap_or_default();
            let preamble = page
                .get(..page.find(".TH").unwrap_or(0))
                .unwrap_or_default();
            let end = if from_version.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            format!("{before_extra}{sections}{preamble}{from_version}{end}")
        }
        _ => format!("{page}{sections}"),
    }
}

/// Escapes text for a roff line: backslashes, hyphens (so `--report` is not typeset as dashes),
/// and a leading `.` or `'` (which would start a request).
fn roff_escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// Builds the wheel with maturin into `target/wheels/` (after the data files are fresh) and
/// prints its path. It is linked through zig (`pip install 'maturin[zig]'`) against glibc 2.17,
/// so it is tagged manylinux2014 and installs on every Linux DAP users run it on (Amazon Linux
/// 2, older Databricks runtimes), not only on one as new as the build machine's.
pub fn build_wheel(root: &Path) -> Result<ExitCode> {
    for artifact in artifacts() {
        canvas_logs_codegen::artifacts::ensure(root, &artifact, false)
            .with_context(|| format!("writing {}", artifact.path))?;
    }
    let out = root.join("target").join("wheels");
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("emptying {}", out.display()))?;
    }
    let status = Command::new("maturin")
        .current_dir(root)
        .args(["build", "--release", "--locked", "--zig"])
        .args(["--compatibility", "manylinux2014", "--out"])
        .arg(&out)
        .status();
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => bail!(
            "maturin build failed ({status}); if it could not find zig, install it with \
             `pip install 'maturin[zig]'`"
        ),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "maturin is not on the PATH: install it with `pip install 'maturin[zig]'`, then run \
             `cargo xtask dist` again"
        ),
        Err(error) => return Err(error).context("running maturin"),
    }
    let mut wheels: Vec<_> = std::fs::read_dir(&out)
        .with_context(|| format!("listing {}", out.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "whl"))
        .collect();
    wheels.sort();
    let [wheel] = wheels.as_slice() else {
        bail!(
            "expected one wheel in {}, found {}",
            out.display(),
            wheels.len()
        );
    };
    println!("{}", wheel.display());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace_root() -> std::path::PathBuf {
        crate::workspace_root()
    }

    #[test]
    fn the_checked_in_man_page_and_completions_are_fresh() {
        let root = workspace_root();
        for artifact in artifacts() {
            let outcome = canvas_logs_codegen::artifacts::ensure(&root, &artifact, true)
                .unwrap_or_else(|e| panic!("{}: {e}", artifact.path));
            assert!(
                matches!(outcome, canvas_logs_codegen::artifacts::Outcome::Fresh),
                "{} is stale: run `cargo xtask codegen` and commit it",
                artifact.path
            );
        }
    }

    /// `--help` and the man page say the same: every option, its help line, every example and
    /// exit status, and the version with the schema.
    #[test]
    fn the_man_page_agrees_with_help() {
        let man = man_page();
        let plain = man
            .replace("\\-", "-")
            .replace("\\e", "\\")
            .replace("\\*(Aq", "'");
        let mut command = dap_validate::args::command();
        let help = command.render_long_help().to_string();
        let mut options = 0;
        for arg in command.get_arguments() {
            let Some(long) = arg.get_long().filter(|l| !["help", "version"].contains(l)) else {
                continue;
            };
            options += 1;
            assert!(help.contains(&format!("--{long}")), "--help lacks --{long}");
            assert!(
                plain.contains(&format!("--{long}")),
                "man page lacks --{long}"
            );
            if let Some(text) = arg.get_help().map(ToString::to_string) {
                let first = text.lines().next().unwrap_or_default();
                assert!(plain.contains(first), "man page lacks the help of --{long}");
            }
        }
        assert!(options >= 11, "{options}");
        for (line, what) in dap_validate::args::EXAMPLES {
            assert!(
                help.contains(line) && plain.contains(&format!(".B {line}")),
                "{line}"
            );
            assert!(help.contains(what) && plain.contains(what), "{what}");
        }
        for (status, meaning) in dap_validate::args::EXIT_STATUS {
            assert!(help.contains(&format!("  {status}  {meaning}")), "{status}");
            assert!(
                plain.contains(&format!(".B {status}\n{meaning}")),
                "{status}"
            );
        }
        assert!(plain.contains(dap_validate::args::version_text()));
        assert!(man.contains(".TH dap-validate 1") && !man.contains(".SH EXTRA"));
        let order = [
            ".SH OPTIONS",
            ".SH EXAMPLES",
            ".SH \"EXIT STATUS\"",
            ".SH VERSION",
        ];
        let at: Vec<Option<usize>> = order.iter().map(|s| man.find(s)).collect();
        assert!(
            at.windows(2).all(|w| w[0].is_some() && w[0] < w[1]),
            "{at:?}"
        );
        // No line of running text starts a roff request by accident.
        for line in man.lines() {
            assert!(!line.starts_with('\''), "{line}");
        }
    }

    #[test]
    fn every_completion_offers_every_long_option_and_report() {
        let longs: Vec<String> = dap_validate::args::command()
            .get_arguments()
            .filter_map(|a| a.get_long().map(String::from))
            .collect();
        for artifact in artifacts().iter().skip(1) {
            for long in &longs {
                assert!(
                    artifact.contents.contains(long.as_str()),
                    "{} lacks {long}",
                    artifact.path
                );
            }
            for report in ["human", "json", "github", "junit", "sarif"] {
                assert!(artifact.contents.contains(report), "{}", artifact.path);
            }
        }
    }

    #[test]
    fn roff_escapes_dashes_backslashes_and_requests() {
        assert_eq!(roff_escape("--report a\\b"), "\\-\\-report a\\eb");
        assert_eq!(roff_escape(".hidden"), "\\&.hidden");
        assert_eq!(roff_escape("'quote"), "\\&'quote");
    }
}
