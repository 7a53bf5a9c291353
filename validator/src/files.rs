//! The files stage: the paths on the command line -> the ordered list of export files to check.
//!
//! - `-` is standard input (reported as `-`).
//! - A file named on the command line is always checked, whatever its name.
//! - A directory is walked recursively; only export files are taken: names ending in `.jsonl`,
//!   `.json`, `.csv` or `.tsv`, each optionally followed by `.gz`, or `.parquet`. Entries whose
//!   name starts with `.` are skipped, symbolic links to directories are not followed (links to
//!   files are), and each directory's entries are sorted by name (bytewise), so the order and
//!   therefore every report is deterministic.
//! - The format of each file comes from `--input-format`, or with `auto` from its name with any
//!   `.gz` removed (JSONL when the name says nothing, and for standard input). Compression is not
//!   decided here: the input stage looks at the magic bytes.

use crate::args::InputFormat;
use crate::error::{Error, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where an export's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file.
    Path(PathBuf),
    /// Standard input.
    Stdin,
}

/// A record format the run can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines.
    Jsonl,
    /// CSV.
    Csv,
    /// TSV.
    Tsv,
    /// Parquet.
    Parquet,
}

impl Format {
    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "JSONL",
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Parquet => "Parquet",
        }
    }
}

/// One file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// Where to read it.
    pub source: Source,
    /// How reports name it: the path as given or as joined while walking; `-` for stdin.
    pub display: Arc<str>,
    /// Its record format.
    pub format: Format,
    /// Whether it started with the gzip magic bytes when the paths were collected (`false` for
    /// standard input, which cannot be looked at twice). Only sizes things (the default thread
    /// count, the duplicate-key table); reading decides by the bytes it actually gets.
    pub gzip: bool,
}

impl ExportFile {
    /// The file at `path`, named `display` in reports, looked at for the gzip magic bytes.
    pub fn at_path(path: PathBuf, display: Arc<str>, format: Format) -> ExportFile {
        ExportFile {
            gzip: crate::input::is_gzip_file(&path),
            source: Source::Path(path),
            display,
            format,
        }
    }
}

/// Expands `paths` into the files to check, in order.
pub fn collect(paths: &[PathBuf], format: InputFormat) -> Result<Vec<ExportFile>, Error> {
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            files.push(ExportFile {
                source: Source::Stdin,
                display: "-".into(),
                format: resolve(format, None),
                gzip: false,
            });
            continue;
        }
        let display = path.display().to_string();
        let metadata =
            std::fs::metadata(path).map_err(|e| Error::io(ErrorKind::Path, &display, e))?;
        if metadata.is_dir() {
            let before = files.len();
            let mut skipped = Vec::new();
            walk(path, format, &mut files, &mut skipped)?;
            if files.len() == before {
                let more_skipped = skipped.len().saturating_sub(SKIPPED_NAMED);
                skipped.truncate(SKIPPED_NAMED);
                let kind = ErrorKind::NoExportFiles {
                    skipped,
                    more_skipped,
                };
                return Err(Error::at(kind, display));
            }
        } else {
            files.push(ExportFile::at_path(
                path.clone(),
                display.into(),
                resolve(format, Some(path)),
            ));
        }
    }
    Ok(files)
}

/// How many of the files a directory walk passed over an error names.
const SKIPPED_NAMED: usize = 3;

/// Adds the export files under `dir` to `files`, and the paths of the other files to `skipped`.
fn walk(
    dir: &Path,
    format: InputFormat,
    files: &mut Vec<ExportFile>,
    skipped: &mut Vec<String>,
) -> Result<(), Error> {
    let listing_error = |e| Error::io(ErrorKind::Path, dir.display().to_string(), e);
    let mut entries: Vec<(Vec<u8>, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(listing_error)? {
        let entry = entry.map_err(listing_error)?;
        let name = entry.file_name();
        let name_bytes = name.as_encoded_bytes().to_vec();
        if name_bytes.first() == Some(&b'.') {
            continue;
        }
        entries.push((name_bytes, entry.path()));
    }
    entries.sort();
    for (name, path) in entries {
        let Ok(link) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if link.is_dir() {
            walk(&path, format, files, skipped)?;
            continue;
        }
        let is_file = if link.file_type().is_symlink() {
            std::fs::metadata(&path).is_ok_and(|m| m.is_file())
        } else {
            link.is_file()
        };
        if is_file && export_format_of_name(&name).is_some() {
            let (format, display) = (resolve(format, Some(&path)), path.display().to_string());
            files.push(ExportFile::at_path(path, display.into(), format));
        } else if is_file {
            skipped.push(path.display().to_string());
        }
    }
    Ok(())
}

/// The format a file name announces, `None` when it is not an export file name.
pub fn export_format_of_name(name: &[u8]) -> Option<Format> {
    let name = name.strip_suffix(b".gz").unwrap_or(name);
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(b".jsonl") || lower.ends_with(b".json") {
        Some(Format::Jsonl)
    } else if lower.ends_with(b".csv") {
        Some(Format::Csv)
    } else if lower.ends_with(b".tsv") {
        Some(Format::Tsv)
    } else if lower.ends_with(b".parquet") {
        Some(Format::Parquet)
    } else {
        None
    }
}

fn resolve(format: InputFormat, path: Option<&Path>) -> Format {
    match format {
        InputFormat::Jsonl => Format::Jsonl,
        InputFormat::Csv => Format::Csv,
        InputFormat::Tsv => Format::Tsv,
        InputFormat::Parquet => Format::Parquet,
        InputFormat::Auto => path
            .and_then(Path::file_name)
            .and_then(|n| export_format_of_name(n.as_encoded_bytes()))
            .unwrap_or(Format::Jsonl),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_announce_formats() {
        assert_eq!(export_format_of_name(b"a.jsonl.gz"), Some(Format::Jsonl));
        assert_eq!(export_format_of_name(b"a.JSON"), Some(Format::Jsonl));
        assert_eq!(export_format_of_name(b"a.csv.gz"), Some(Format::Csv));
        assert_eq!(export_format_of_name(b"a.tsv"), Some(Format::Tsv));
        assert_eq!(export_format_of_name(b"a.parquet"), Some(Format::Parquet));
        assert_eq!(export_format_of_name(b"a.gz"), None);
        assert_eq!(export_format_of_name(b"README.md"), None);
    }

    #[test]
    fn directories_are_walked_sorted_and_filtered() {
        let dir = std::env::temp_dir().join(format!("dap-validate-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sub = dir.join("sub");
        std::fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
        for name in [
            "b.jsonl",
            "a.json.gz",
            "notes.txt",
            ".hidden.jsonl",
            "sub/c.jsonl",
        ] {
            std::fs::write(dir.join(name), b"").unwrap_or_else(|e| panic!("{e}"));
        }
        // The gzip flag comes from the bytes, not the name: this one is named plain.
        std::fs::write(sub.join("c.jsonl"), [0x1f, 0x8b, 8, 0]).unwrap_or_else(|e| panic!("{e}"));
        let files = collect(&[dir.clone(), PathBuf::from("-")], InputFormat::Auto)
            .unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<String> = files
            .iter()
            .map(|f| f.display.replace(&dir.display().to_string(), "D"))
            .collect();
        assert_eq!(names, ["D/a.json.gz", "D/b.jsonl", "D/sub/c.jsonl", "-"]);
        let gzip: Vec<bool> = files.iter().map(|f| f.gzip).collect();
        assert_eq!(gzip, [false, false, true, false]);
        let empty = dir.join("sub2");
        std::fs::create_dir_all(&empty).unwrap_or_else(|e| panic!("{e}"));
        let err = collect(std::slice::from_ref(&empty), InputFormat::Auto).err();
        assert!(matches!(
            err.as_ref().map(Error::kind),
            Some(ErrorKind::NoExportFiles { skipped, more_skipped: 0 }) if skipped.is_empty()
        ));
        for name in ["a.txt", "b.ndjson", "c.md", "d.log"] {
            std::fs::write(empty.join(name), b"").unwrap_or_else(|e| panic!("{e}"));
        }
        let err = collect(std::slice::from_ref(&empty), InputFormat::Auto).err();
        let named = match err.as_ref().map(Error::kind) {
            Some(ErrorKind::NoExportFiles {
                skipped,
                more_skipped,
            }) => (skipped.len(), *more_skipped),
            _ => (0, 0),
        };
        assert_eq!(named, (SKIPPED_NAMED, 1));
        let missing = collect(&[dir.join("missing.jsonl")], InputFormat::Auto).err();
        assert!(matches!(
            missing.as_ref().map(Error::kind),
            Some(ErrorKind::Path)
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
