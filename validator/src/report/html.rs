//! `--html-out PATH`: one self-contained HTML page of the run, beside any `--report` format.
//!
//! [`HtmlReport`] wraps the run's real reporter like the step summary does: it passes every call
//! on, keeps the first [`FIRST_VIOLATIONS`] violations and one row per file (at most
//! [`MAX_FILES`]), and when the run is over writes the page from the summary (profile and drift
//! included). The page has:
//!
//! - a verdict banner (passed, failed, incomplete) and the counts;
//! - violations by code and by column as bar charts; records per hour (`meta.ts`, else the
//!   first timestamp column) as a column chart, in buckets of several hours when the run covers
//!   more than [`MAX_BARS`] hours;
//! - the per-column profile as a table with null-rate bars; the top values of each open enum;
//! - drift against the baseline; the files; the first violations.
//!
//! Decisions: no network and nothing executable: inline CSS and SVG only, system fonts, and a
//! Content-Security-Policy of `default-src 'none'` with inline styles allowed, so even a bug in
//! escaping could not run a script. Every text from an export (values, names, file names,
//! messages) goes through [`super::escape::html`] (bidirectional overrides and controls shown as
//! `\u{..}`). The size is bounded whatever the input: fixed numbers of violations, files,
//! values and bars, and every text already bounded by the engine (values 200 characters,
//! messages 1000). Colour only where it means something: red for errors, amber for warnings
//! and drift, green for a pass; bars are neutral. Numbers are right-aligned in tabular figures.
//! Elements carry `id`s and `data-value`s with the raw numbers, which the browser test reads.

use super::escape::html;
use super::{FileTotals, Reporter};
use crate::profile::output::{Bound, ColumnProfile, ProfileReport};
use crate::summary::Summary;
use crate::violation::{LineNumber, Violation};
use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;

/// Violations listed on the page.
pub const FIRST_VIOLATIONS: usize = 50;
/// Files listed (the rest are counted).
pub const MAX_FILES: usize = 200;
/// Bars of the records-per-hour chart at most.
pub const MAX_BARS: usize = 240;
/// Top values shown per open enum.
pub const TOP_VALUES: usize = 10;
/// Columns in the by-column chart.
pub const MAX_COLUMN_BARS: usize = 30;

/// A reporter that also writes the HTML page.
pub struct HtmlReport<'a> {
    inner: Box<dyn Reporter + 'a>,
    path: PathBuf,
    redact: bool,
    violations: Vec<Violation>,
    files: Vec<FileRow>,
    more_files: u64,
}

struct FileRow {
    name: String,
    totals: Option<FileTotals>,
    error: Option<String>,
}

impl<'a> HtmlReport<'a> {
    /// Wraps `inner`; the page goes to `path`.
    pub fn new(inner: Box<dyn Reporter + 'a>, path: PathBuf, redact: bool) -> HtmlReport<'a> {
        HtmlReport {
            inner,
            path,
            redact,
            violations: Vec::new(),
            files: Vec::new(),
            more_files: 0,
        }
    }

    fn row(&mut self, row: FileRow) {
        if self.files.len() < MAX_FILES {
            self.files.push(row);
        } else {
            self.more_files += 1;
        }
    }
}

impl Reporter for HtmlReport<'_> {
    fn violation(&mut self, violation: &Violation) -> io::Result<()> {
        if self.violations.len() < FIRST_VIOLATIONS {
            self.violations.push(violation.clone());
        }
        self.inner.violation(violation)
    }

    fn file_done(&mut self, totals: &FileTotals) -> io::Result<()> {
        self.row(FileRow {
            name: totals.file.clone(),
            totals: Some(totals.clone()),
            error: None,
        });
        self.inner.file_done(totals)
    }

    fn file_failed(&mut self, file: &str, error: &str) -> io::Result<()> {
        self.row(FileRow {
            name: file.to_owned(),
            totals: None,
            error: Some(error.to_owned()),
        });
        self.inner.file_failed(file, error)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.inner.finish(summary)?;
        let page = Page {
            summary,
            violations: &self.violations,
            files: &self.files,
            more_files: self.more_files,
            redact: self.redact,
        }
        .render();
        std::fs::write(&self.path, page).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot write {}: {e}", self.path.display()),
            )
        })
    }
}

/// `n` with thousands separators (`1,234,567`).
fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".to_owned();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if p > 0.0 && p < 0.1 {
        "<0.1%".to_owned()
    } else {
        format!("{p:.1}%")
    }
}

const STYLE: &str = r#"
:root{--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--panel:#f6f8fa;--bar:#5a6b7d;
--bad:#b42318;--badbg:#fef3f2;--warn:#9a6700;--warnbg:#fff8c5;--ok:#1a7f37;--okbg:#dafbe1}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:20px;margin:0}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.banner{border-radius:8px;padding:14px 18px;margin-bottom:16px;border:1px solid}
.banner.passed{background:var(--okbg);border-color:var(--ok)}
.banner.failed{background:var(--badbg);border-color:var(--bad)}
.banner.incomplete{background:var(--warnbg);border-color:var(--warn)}
.banner .verdict{font-weight:700;letter-spacing:.04em}
.passed .verdict{color:var(--ok)}.failed .verdict{color:var(--bad)}.incomplete .verdict{color:var(--warn)}
.sub{color:var(--muted);font-size:14px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.card .label{color:var(--muted);font-size:13px}
.card .value{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.card.bad .value{color:var(--bad)}.card.warn .value{color:var(--warn)}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:16px}
@media (max-width:600px){.grid2{grid-template-columns:1fr}}
h3{font-size:15px;margin:12px 0 4px}
td.rate{white-space:nowrap}
#profile,#violations,#drift,#files{min-width:760px}
#profile td.v{white-space:nowrap;word-break:normal}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.v{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;word-break:break-all;max-width:420px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.err{color:var(--bad);font-weight:600}.warn{color:var(--warn);font-weight:600}
.none{color:var(--muted)}
svg text{font:12px -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--fg)}
svg .bar{fill:var(--bar)}svg .bad{fill:var(--bad)}svg .warn{fill:var(--warn)}svg .axis{stroke:var(--line)}
svg .muted{fill:var(--muted)}
.nullbar{display:inline-block;width:80px;height:8px;background:var(--panel);border:1px solid var(--line);border-radius:2px;vertical-align:middle;margin-right:6px}
.nullbar span{display:block;height:100%;background:var(--bar)}
footer{color:var(--muted);font-size:13px;margin:32px 0 8px}
@media (max-width:600px){main{padding:8px}.card .value{font-size:18px}th,td{padding:3px 5px}}
"#;

struct Page<'s> {
    summary: &'s Summary,
    violations: &'s [Violation],
    files: &'s [FileRow],
    more_files: u64,
    redact: bool,
}

impl Page<'_> {
    fn render(&self) -> String {
        let s = self.summary;
        let mut out = String::with_capacity(64 << 10);
        let (class, verdict) = if s.unreadable_files > 0 {
            ("incomplete", "INCOMPLETE")
        } else if s.has_errors() {
            ("failed", "FAILED")
        } else {
            ("passed", "PASSED")
        };
        let schema = html(&format!("{} version {}", s.schema, s.schema_version));
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
             <title>dap-validate: {verdict} – {schema}</title><style>{STYLE}</style></head><body><main>\n"
        );
        let _ = writeln!(
            out,
            "<div class=\"banner {class}\" id=\"verdict\" data-value=\"{class}\"><h1><span class=\"verdict\">{verdict}</span> \
             <span>dap-validate · {schema}</span></h1>\
             <div class=\"sub\">{} record(s) in {} file(s); {} with errors; {} error(s), {} warning(s){}</div></div>",
            number(s.records),
            number(s.files),
            number(s.invalid_records),
            number(s.errors),
            number(s.warnings),
            if s.drift.is_empty() {
                String::new()
            } else {
                format!("; {} drift warning(s)", number(s.drift.len() as u64))
            }
        );
        self.cards(&mut out);
        self.charts(&mut out);
        if let Some(profile) = &s.profile {
            hours_chart(&mut out, profile);
            profile_table(&mut out, profile);
            open_values(&mut out, profile, self.redact);
        }
        self.drift(&mut out);
        self.files_table(&mut out);
        self.violations_table(&mut out);
        let _ = write!(
            out,
            "<footer>Written by dap-validate {}. Self-contained: no scripts, no network.{}</footer>\n</main></body></html>\n",
            html(env!("CARGO_PKG_VERSION")),
            if self.redact {
                " Values are redacted."
            } else {
                ""
            }
        );
        out
    }

    fn cards(&self, out: &mut String) {
        let s = self.summary;
        out.push_str("<div class=\"cards\">");
        let cards: [(&str, &str, u64, &str); 7] = [
            ("files", "files", s.files, ""),
            ("records", "records", s.records, ""),
            ("valid_records", "valid records", s.valid_records, ""),
            (
                "invalid_records",
                "invalid records",
                s.invalid_records,
                if s.invalid_records > 0 { "bad" } else { "" },
            ),
            (
                "errors",
                "errors",
                s.errors,
                if s.errors > 0 { "bad" } else { "" },
            ),
            (
                "warnings",
                "warnings",
                s.warnings,
                if s.warnings > 0 { "warn" } else { "" },
            ),
            (
                "drift",
                "drift warnings",
                s.drift.len() as u64,
                if s.drift.is_empty() { "" } else { "warn" },
            ),
        ];
        for (id, label, n, class) in cards {
            let _ = write!(
                out,
                "<div class=\"card {class}\"><div class=\"label\">{label}</div>\
                 <div class=\"value\" id=\"count-{id}\" data-value=\"{n}\">{}</div></div>",
                number(n)
            );
        }
        out.push_str("</div>\n");
    }

    fn charts(&self, out: &mut String) {
        let s = self.summary;
        let codes: Vec<(String, u64, &str)> = s
            .codes()
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| {
                let class = if c.severity() == crate::Severity::Error {
                    "bad"
                } else {
                    "warn"
                };
                (c.as_str().to_owned(), n, class)
            })
            .collect();
        let mut columns: Vec<(String, u64, &str)> = s
            .by_column
            .iter()
            .map(|(c, n)| (c.clone(), *n, "bar"))
            .collect();
        columns.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        columns.truncate(MAX_COLUMN_BARS);
        out.push_str("<h2>Violations</h2>");
        if codes.is_empty() {
            out.push_str("<p class=\"none\" id=\"no-violations\">No violations.</p>\n");
            return;
        }
        out.push_str("<div class=\"grid2\"><div><h3>By code</h3>");
        bar_chart(out, "by-code", &codes);
        out.push_str("</div><div><h3>By column</h3>");
        bar_chart(out, "by-column", &columns);
        out.push_str("</div></div>\n");
    }

    fn drift(&self, out: &mut String) {
        let s = self.summary;
        if s.profile.is_none() {
            return;
        }
        out.push_str("<h2>Drift against the baseline</h2>");
        if s.drift.is_empty() {
            out.push_str("<p class=\"none\" id=\"no-drift\">No drift (or no baseline given: <code>--baseline</code>).</p>\n");
            return;
        }
        out.push_str("<div class=\"scroll\"><table id=\"drift\"><thead><tr><th>code</th><th>column</th><th>what</th><th>value</th><th class=\"n\">count</th></tr></thead><tbody>");
        for w in &s.drift {
            let _ = write!(
                out,
                "<tr><td class=\"warn\">{}</td><td>{}</td><td>{}</td><td class=\"v\">{}</td><td class=\"n\">{}</td></tr>",
                w.code.as_str(),
                html(w.column.as_deref().unwrap_or("")),
                html(&w.message),
                html(w.value.as_deref().unwrap_or("")),
                w.count.map(number).unwrap_or_default()
            );
        }
        out.push_str("</tbody></table></div>\n");
    }

    fn files_table(&self, out: &mut String) {
        out.push_str("<h2>Files</h2><div class=\"scroll\"><table id=\"files\"><thead><tr><th>file</th><th class=\"n\">records</th><th class=\"n\">invalid</th><th class=\"n\">errors</th><th class=\"n\">warnings</th></tr></thead><tbody>");
        for f in self.files {
            match (&f.totals, &f.error) {
                (Some(t), _) => {
                    let _ = write!(
                        out,
                        "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n{}\">{}</td><td class=\"n\">{}</td></tr>",
                        html(&f.name),
                        number(t.records),
                        number(t.invalid_records),
                        if t.errors > 0 { " err" } else { "" },
                        number(t.errors),
                        number(t.warnings)
                    );
                }
                (None, error) => {
                    let _ = write!(
                        out,
                        "<tr><td><code>{}</code></td><td colspan=\"4\" class=\"err\">unreadable: {}</td></tr>",
                        html(&f.name),
                        html(error.as_deref().unwrap_or(""))
                    );
                }
            }
        }
        if self.more_files > 0 {
            let _ = write!(
                out,
                "<tr><td colspan=\"5\" class=\"none\">and {} more file(s)</td></tr>",
                number(self.more_files)
            );
        }
        out.push_str("</tbody></table></div>\n");
    }

    fn violations_table(&self, out: &mut String) {
        if self.violations.is_empty() {
            return;
        }
        let _ = write!(
            out,
            "<h2>First violations</h2><p class=\"sub\">The first {} printed violation(s) of the run, in file and record order{}.</p>",
            self.violations.len(),
            if self.redact { "; values redacted" } else { "" }
        );
        out.push_str("<div class=\"scroll\"><table id=\"violations\"><thead><tr><th>file</th><th class=\"n\">line</th><th class=\"n\">record</th><th>column</th><th>code</th><th>message</th>");
        if !self.redact {
            out.push_str("<th>value</th>");
        }
        out.push_str("</tr></thead><tbody>");
        for v in self.violations {
            let class = if v.code.severity() == crate::Severity::Error {
                "err"
            } else {
                "warn"
            };
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"{class}\">{}</td><td>{}</td>",
                html(&v.file),
                v.line.map(LineNumber::get).map(number).unwrap_or_default(),
                v.record
                    .map(LineNumber::get)
                    .map(number)
                    .unwrap_or_default(),
                html(v.column.as_deref().unwrap_or("")),
                v.code.as_str(),
                html(&v.message)
            );
            if !self.redact {
                let _ = write!(
                    out,
                    "<td class=\"v\">{}</td>",
                    html(v.value.as_deref().unwrap_or(""))
                );
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div>\n");
    }
}

/// A horizontal bar chart: one row per item, label, bar (scaled to the largest) and count.
fn bar_chart(out: &mut String, id: &str, items: &[(String, u64, &str)]) {
    let max = items.iter().map(|i| i.1).max().unwrap_or(1).max(1);
    let row = 22;
    let height = items.len() * row + 4;
    let _ = write!(
        out,
        "<svg id=\"{id}\" role=\"img\" aria-label=\"{id}\" viewBox=\"0 0 560 {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">"
    );
    for (i, (label, n, class)) in items.iter().enumerate() {
        let y = i * row + 2;
        let width = (*n as f64 / max as f64 * 300.0).max(1.0);
        let shown: String = label.chars().take(28).collect();
        let shown = if shown.len() < label.len() {
            format!("{shown}…")
        } else {
            shown
        };
        let _ = write!(
            out,
            "<g data-label=\"{}\" data-value=\"{n}\"><text x=\"176\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"{class}\" x=\"184\" y=\"{}\" width=\"{width:.1}\" height=\"14\" rx=\"2\"></rect>\
             <text x=\"{:.1}\" y=\"{}\">{}</text></g>",
            html(label),
            y + 13,
            html(&shown),
            y + 2,
            184.0 + width + 6.0,
            y + 13,
            number(*n)
        );
    }
    out.push_str("</svg>");
}

/// The records-per-hour chart of `meta.ts` (or of the first timestamp column with hours).
fn hours_chart(out: &mut String, profile: &ProfileReport) {
    let column = profile
        .run
        .columns
        .iter()
        .filter(|c| c.kind == "timestamp" && !c.hours.is_empty())
        .max_by_key(|c| c.name == crate::profile::META_TS);
    let Some(column) = column else {
        return;
    };
    let hours: Vec<(i64, u64)> = column
        .hours
        .iter()
        .filter_map(|(h, n)| crate::formats::parse_hour(h).map(|h| (h, *n)))
        .collect();
    let (Some(first), Some(last)) = (hours.first(), hours.last()) else {
        return;
    };
    let span = usize::try_from(last.0 - first.0 + 1).unwrap_or(usize::MAX);
    let per_bar = span.div_ceil(MAX_BARS).max(1);
    let bars = span.div_ceil(per_bar);
    let mut counts = vec![0u64; bars];
    for (h, n) in &hours {
        let i = usize::try_from(h - first.0).unwrap_or(0) / per_bar;
        if let Some(c) = counts.get_mut(i) {
            *c += n;
        }
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1);
    let unit = if per_bar == 1 {
        "hour".to_owned()
    } else {
        format!("{per_bar} hours")
    };
    let _ = write!(
        out,
        "<h2>Records per {unit} (<code>{}</code>, UTC)</h2>",
        html(&column.name)
    );
    let (w, h, left, bottom) = (1000.0, 200.0, 56.0, 24.0);
    let plot = w - left - 8.0;
    let bar = plot / bars as f64;
    let _ = write!(
        out,
        "<svg id=\"hours\" role=\"img\" aria-label=\"records per {unit}\" viewBox=\"0 0 {w} {h}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\
         <line class=\"axis\" x1=\"{left}\" y1=\"{}\" x2=\"{w}\" y2=\"{}\"></line>\
         <text x=\"{}\" y=\"14\" text-anchor=\"end\" class=\"muted\">{}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"muted\">0</text>",
        h - bottom,
        h - bottom,
        left - 6.0,
        number(max),
        left - 6.0,
        h - bottom
    );
    for (i, n) in counts.iter().enumerate() {
        let height = *n as f64 / max as f64 * (h - bottom - 16.0);
        let start = first.0 + (i * per_bar) as i64;
        let label = crate::formats::format_hour(start);
        let class = if *n == 0 { "warn" } else { "bar" };
        let height = if *n == 0 { 2.0 } else { height.max(1.0) };
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{height:.2}\" data-hour=\"{label}\" data-value=\"{n}\"><title>{label}:00 UTC: {}</title></rect>",
            left + i as f64 * bar + bar * 0.1,
            h - bottom - height,
            (bar * 0.8).max(0.5),
            number(*n)
        );
    }
    let last_label = crate::formats::format_hour(first.0 + ((bars - 1) * per_bar) as i64);
    let _ = writeln!(
        out,
        "<text x=\"{left}\" y=\"{}\" class=\"muted\">{}:00</text><text x=\"{w}\" y=\"{}\" text-anchor=\"end\" class=\"muted\">{}:00</text></svg>",
        h - 6.0,
        crate::formats::format_hour(first.0),
        h - 6.0,
        last_label
    );
}

fn bound(b: &Bound) -> String {
    match b {
        Bound::Integer(i) => i.to_string(),
        Bound::Timestamp(t) => t.clone(),
    }
}

fn detail(c: &ColumnProfile) -> (String, String) {
    match (&c.range, c.lengths) {
        (Some((lo, hi)), _) => (html(&bound(lo)), html(&bound(hi))),
        (None, Some((chars, bytes))) => (
            String::new(),
            format!("{} chars / {} bytes", number(chars), number(bytes)),
        ),
        _ => (String::new(), String::new()),
    }
}

fn profile_table(out: &mut String, profile: &ProfileReport) {
    out.push_str("<h2>Columns</h2><div class=\"scroll\"><table id=\"profile\"><thead><tr><th>column</th><th>type</th><th class=\"n\">records</th><th class=\"n\">nulls</th><th>null rate</th><th class=\"n\">violations</th><th>min</th><th>max / longest</th></tr></thead><tbody>");
    for c in &profile.run.columns {
        let rate = c.null_rate();
        let (min, max) = detail(c);
        let kind = match &c.enum_name {
            Some(e) => format!("{} <span class=\"none\">{}</span>", c.kind, html(e)),
            None => c.kind.clone(),
        };
        let violations = c.violation_count();
        let _ = write!(
            out,
            "<tr data-column=\"{}\"><td><code>{}</code></td><td>{kind}</td><td class=\"n\" data-value=\"{}\">{}</td><td class=\"n\" data-value=\"{}\">{}</td>\
             <td class=\"rate\"><span class=\"nullbar\"><span style=\"width:{:.1}%\"></span></span>{}</td><td class=\"n{}\" data-value=\"{violations}\">{}</td><td class=\"v\">{min}</td><td class=\"v\">{max}</td></tr>",
            html(&c.name),
            html(&c.name),
            c.records,
            number(c.records),
            c.nulls,
            number(c.nulls),
            rate * 100.0,
            percent(c.nulls, c.records),
            if violations > 0 { " err" } else { "" },
            number(violations)
        );
    }
    out.push_str("</tbody></table></div>\n");
}

fn open_values(out: &mut String, profile: &ProfileReport, redact: bool) {
    let columns: Vec<&ColumnProfile> = profile
        .run
        .columns
        .iter()
        .filter(|c| c.kind == "open_enum" || c.kind == "enum")
        .filter(|c| c.values.iter().any(|(_, n)| *n > 0))
        .collect();
    if columns.is_empty() {
        return;
    }
    out.push_str("<h2>Top values</h2><div class=\"grid2\">");
    for c in columns {
        let mut values: Vec<(String, u64, &str)> = c
            .values
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(v, n)| (v.clone(), *n, "bar"))
            .collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let distinct = values.len();
        values.truncate(TOP_VALUES);
        let _ = write!(
            out,
            "<div><h3><code>{}</code> <span class=\"none\">{} · {} distinct{}</span></h3>",
            html(&c.name),
            html(c.enum_name.as_deref().unwrap_or("")),
            number(distinct as u64),
            if c.kind == "open_enum" && c.unlisted > 0 {
                format!(
                    "; {} unlisted occurrence(s){}",
                    number(c.unlisted),
                    if redact { ", values redacted" } else { "" }
                )
            } else {
                String::new()
            }
        );
        bar_chart(out, &format!("values-{}", html(&c.name)), &values);
        out.push_str("</div>");
    }
    out.push_str("</div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::violation::Code;

    #[test]
    fn numbers_and_percentages_read_well() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1,000");
        assert_eq!(number(1_234_567), "1,234,567");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(1, 100_000), "<0.1%");
        assert_eq!(percent(0, 0), "–");
    }

    #[test]
    fn the_page_has_no_script_and_escapes_every_text() {
        let hostile = "</style><script>document.title='x'</script>\u{202e}evil";
        let summary = Summary {
            records: 1,
            invalid_records: 1,
            errors: 1,
            ..Summary::default()
        };
        let violation = Violation {
            file: hostile.into(),
            line: Some(LineNumber::FIRST),
            record: Some(LineNumber::FIRST),
            column: Some(hostile.to_owned()),
            code: Code::MaxLength,
            severity: Code::MaxLength.severity(),
            message: hostile.to_owned(),
            value: Some(hostile.to_owned()),
        };
        let page = Page {
            summary: &summary,
            violations: std::slice::from_ref(&violation),
            files: &[],
            more_files: 0,
            redact: false,
        }
        .render();
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains('\u{202e}'));
        assert!(page.contains("&lt;/style&gt;&lt;script&gt;"));
        assert!(page.contains("\\u{202e}evil"));
        assert!(page.contains("id=\"count-errors\" data-value=\"1\""));
    }
}
