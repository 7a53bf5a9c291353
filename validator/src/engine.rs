//! The run: arguments -> plan -> files -> read -> check (here or on helpers) -> merge -> report.
//!
//! Threads, for `--jobs N` with L reading lanes (one large file and many files are handled
//! alike, batch by batch):
//!
//! ```text
//! L lanes:         next file not taken -> input (gzip decoded here) -> Batcher -> batch
//! calling thread:  batch -> a free helper, or else checked right here -> outcome
//!                  outcomes in file order -> violations, duplicate keys, counts -> reporter
//! N - 1 helpers:   batch -> RecordFormat::check_batch -> outcome -> back to the calling thread
//! ```
//!
//! L is one per gzip or Parquet file up to N, otherwise one ([`lanes`]); lanes and helpers talk to the
//! calling thread through one channel, so it waits on one thing and never idles while a batch
//! is queued. Reading and merging, which cannot be split, overlap with checking. With
//! `--jobs 1` there are no helpers and one lane: the lane reads (and decodes) the next batch
//! while the calling thread checks and merges this one. See `Pipeline` for the memory bound.

use crate::args::{Args, ReportFormat};
use crate::dedup::{DuplicateKeys, Estimate, Seen};
use crate::error::{Error, ErrorKind};
use crate::files::{self, ExportFile, Format};
use crate::plan::{CheckPlan, Finding, Rule};
use crate::profile::drift::{self, DriftOptions};
use crate::profile::output::{self as profile_output, ProfileReport, ViolationCounts};
use crate::profile::{FileProfiles, META_TS};
use crate::progress::Progress;
use crate::quarantine::{Quarantine, Verdict};
use crate::reader::dispatch::FileFormats;
use crate::reader::lanes::{self, BufferPool, Event, Farewell, Message};
use crate::reader::{Batch, BatchKind, BatchOutcome, KeyEntry, Limits, WorkerState, check_batch};
use crate::report::github::GithubReporter;
use crate::report::human::HumanReporter;
use crate::report::json::JsonReporter;
use crate::report::junit::JunitReporter;
use crate::report::sarif::SarifReporter;
use crate::report::step_summary::StepSummary;
use crate::report::{FileTotals, ReportOptions, Reporter};
use crate::summary::{OpenEnumTally, OpenEnumValues, Summary};
use crate::violation::{Code, LineNumber, Violation, truncate_value};
use canvas_logs_codegen::Namespace;
use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex, mpsc};

/// How a run ended, as the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No error-level violation (warnings allowed): exit 0.
    Clean,
    /// At least one error-level violation: exit 1.
    Findings,
    /// Some input could not be read to the end: exit 2 (what was read is reported).
    Incomplete,
}

impl Outcome {
    /// The process exit status.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Incomplete => 2,
        }
    }
}

/// Everything a validation needs besides the plan.
#[derive(Debug, Clone)]
pub struct Config {
    /// The files, in order.
    pub files: Vec<ExportFile>,
    /// Threads that check records: the calling thread and `jobs - 1` helpers (1: everything on
    /// the calling thread).
    pub jobs: usize,
    /// Violations printed per file.
    pub max_errors: Option<u64>,
    /// Never keep values.
    pub redact: bool,
    /// Buffer and record sizes.
    pub limits: Limits,
}

/// What a run does besides checking and reporting; [`Extras::default`] is what [`validate`]
/// uses: no quarantine, no progress bar. (Whether duplicate keys are looked for is the plan's:
/// [`CheckPlan::without_duplicate_check`].)
#[derive(Debug)]
pub struct Extras {
    /// `--valid-out`/`--invalid-out`.
    pub quarantine: Option<Quarantine>,
    /// The progress bar (hidden unless on a terminal).
    pub progress: Progress,
    /// `--baseline`: the earlier profile drift is measured against, with the thresholds.
    pub baseline: Option<(ProfileReport, DriftOptions)>,
}

impl Default for Extras {
    fn default() -> Self {
        Extras {
            quarantine: None,
            baseline: None,
            progress: Progress::hidden(),
        }
    }
}

/// The default number of checking threads: one per core, or, when every input is gzip, as many
/// as the cores the decoding lanes leave (one lane per gzip file up to the cores, [`lanes`]),
/// but never fewer than the lanes. A gzip stream decodes on one core (its lane) at about
/// 1.1-1.4 ns a byte of text, and checking JSONL takes about as long, CSV longer, so each lane
/// needs up to one checker of its own and no more threads than cores are useful: on 2 cores
/// one gzip file ran in 1.33 s with one checker and 1.50 s with two (three threads taking turns
/// for two cores), and four gzip parts kept both cores busy with two checkers beside two lanes
/// (CPU time / wall time 1.85-1.91; 1.73-1.90 with one). On 16 cores one gzip file gets 15
/// checkers, four get 12.
fn default_jobs(inputs: &[ExportFile]) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let gzip = inputs.iter().filter(|f| f.gzip).count();
    if inputs.is_empty() || gzip < inputs.len() {
        return cores;
    }
    let lanes = gzip.min(cores);
    lanes.max(cores - lanes)
}

/// A guess at the records in `files`, from their sizes, so that the duplicate-key table can be
/// reserved at the size it would grow to (see [`DuplicateKeys::with_expected_keys`]). JSONL
/// `web_logs` records average 760-790 bytes and CSV/TSV ones about 420; a gzip file counts as
/// four times its size (web_logs compresses about 7.5 to 1, and guessing low only leaves the
/// last doubling or two to growth, where guessing high would reserve a table twice too large).
/// A Parquet file counts the rows its footer states (not guessed before, its table grew by
/// doubling: 2% of `--jobs 1` in rehashing and as much in page faults on 1M rows); a gzip
/// Parquet file and standard input are not guessed. The estimate is rough when any gzip file
/// was guessed from its size (see [`Estimate`]).
fn expected_records(files: &[ExportFile]) -> (u64, Estimate) {
    let rough = files
        .iter()
        .any(|file| file.gzip && matches!(file.format, Format::Jsonl | Format::Csv | Format::Tsv));
    let estimate = if rough {
        Estimate::Rough
    } else {
        Estimate::Firm
    };
    let records = files
        .iter()
        .map(|file| {
            let (files::Source::Path(path), Some(bytes_per_record)) = (
                &file.source,
                match file.format {
                    Format::Jsonl => Some(760),
                    Format::Csv | Format::Tsv => Some(420),
                    Format::Parquet => None,
                },
            ) else {
                return match (&file.source, file.format) {
                    (files::Source::Path(path), Format::Parquet) if !file.gzip => {
                        crate::reader::parquet::stated_rows(path).unwrap_or(0)
                    }
                    _ => 0,
                };
            };
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            let size = if file.gzip {
                size.saturating_mul(4)
            } else {
                size
            };
            size / bytes_per_record
        })
        .fold(0, u64::saturating_add);
    (records, estimate)
}

/// Runs the command line: prints the report to standard output and file errors to standard
/// error. `Err` means nothing useful could be validated (exit 2).
pub fn run(args: &Args) -> Result<Outcome, Error> {
    let namespace = load_schema(args)?;
    let table = choose_table(&namespace, args.table.as_deref())?;
    let plan = CheckPlan::compile(&namespace, table);
    // `--no-duplicate-check`: the one check whose memory grows with the input (see
    // `crate::dedup`); off, no record is hashed and no key kept.
    let plan = if args.no_duplicate_check {
        plan.without_duplicate_check()
    } else {
        plan
    };
    let plan = if args.no_profile {
        plan.without_profile()
    } else {
        plan
    };
    let plan = match args.target {
        Some(target) => plan.with_target(target),
        None => plan,
    };
    let files = files::collect(&args.paths, args.input_format)?;
    let quarantine = crate::quarantine::open_for_run(args, &files)?;
    let jobs = match args.jobs {
        Some(n) => usize::from(n),
        None => default_jobs(&files),
    };
    let config = Config {
        files,
        jobs,
        max_errors: args.max_errors,
        redact: args.redact,
        limits: limits_for(args.max_record_bytes),
    };
    let progress = Progress::for_run(config.files.len());
    let stdout = io::stdout();
    let color = use_color(
        args.report,
        stdout.is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let options = ReportOptions {
        redact: args.redact,
        color,
    };
    // With a bar on the same terminal, report lines are written whole under `Progress::suspend`.
    let out: Box<dyn Write> = if progress.is_visible() && stdout.is_terminal() {
        Box::new(io::LineWriter::new(stdout.lock()))
    } else {
        Box::new(io::BufWriter::with_capacity(64 << 10, stdout.lock()))
    };
    let mut reporter: Box<dyn Reporter> = match args.report {
        ReportFormat::Json => Box::new(JsonReporter::new(out, options)),
        ReportFormat::Github => Box::new(GithubReporter::new(out, options)),
        ReportFormat::Junit => Box::new(JunitReporter::new(out, options)),
        ReportFormat::Sarif => Box::new(SarifReporter::new(out, options)),
        ReportFormat::Human => Box::new(HumanReporter::new(out, options)),
    };
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        reporter = Box::new(StepSummary::new(reporter, path.into()));
    }
    if let Some(path) = &args.html_out {
        reporter = Box::new(crate::report::html::HtmlReport::new(
            reporter,
            path.clone(),
            options.redact,
        ));
    }
    let baseline = match &args.baseline {
        Some(path) => Some((read_baseline(path)?, args.drift_options())),
        None => None,
    };
    let extras = Extras {
        quarantine,
        progress,
        baseline,
    };
    let mut stderr = io::stderr();
    let summary =
        validate_with(&plan, &config, extras, reporter.as_mut(), &mut stderr).map_err(|e| {
            if e.get_ref().is_some_and(|inner| inner.is::<LostBatches>()) {
                Error::new(ErrorKind::Internal(e.to_string()))
            } else {
                Error::io(ErrorKind::Output, "-", e)
            }
        })?;
    if let Some(path) = &args.profile_out
        && let Some(profile) = &summary.profile
    {
        let mut text = serde_json::to_string_pretty(&profile.to_json()).unwrap_or_default();
        text.push('\n');
        write_output(path, text.as_bytes())?;
    }
    let outcome = outcome_of(&summary);
    Ok(
        if args.fail_on_drift && !summary.drift.is_empty() && outcome == Outcome::Clean {
            Outcome::Findings
        } else {
            outcome
        },
    )
}

/// Writes a report file (`--profile-out`, `--html-out`) whole.
fn write_output(path: &std::path::Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes)
        .map_err(|e| Error::io(ErrorKind::Output, path.display().to_string(), e))
}

/// Reads a `--baseline` profile; a file that is not one is a usage error naming it.
fn read_baseline(path: &std::path::Path) -> Result<ProfileReport, Error> {
    let display = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(ErrorKind::Baseline, &display, e))?;
    // A JSON report: its summary is the last line.
    let text = String::from_utf8_lossy(&bytes);
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .or_else(|_| serde_json::from_str(last))
        .map_err(|e| {
            Error::new(ErrorKind::Usage(format!(
                "--baseline {display}: not JSON ({e}); give a file written by --profile-out"
            )))
        })?;
    ProfileReport::from_json(&value)
        .map_err(|e| Error::new(ErrorKind::Usage(format!("--baseline {display}: {e}"))))
}

/// The limits for `--max-record-bytes`: batches are never larger than the largest record, so a
/// record over the limit is caught whatever its neighbours.
pub fn limits_for(max_record_bytes: u64) -> Limits {
    let max = usize::try_from(max_record_bytes)
        .unwrap_or(usize::MAX)
        .max(1);
    let default = Limits::default();
    Limits {
        batch_bytes: default.batch_bytes.min(max),
        max_record_bytes: max,
    }
}

/// Whether the report gets ANSI colours: only the human format, only on a terminal, and never
/// when `NO_COLOR` is set to anything but the empty string (<https://no-color.org>).
pub fn use_color(
    report: ReportFormat,
    is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
) -> bool {
    report == ReportFormat::Human && is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// The exit outcome a summary implies.
pub fn outcome_of(summary: &Summary) -> Outcome {
    if summary.unreadable_files > 0 {
        Outcome::Incomplete
    } else if summary.has_errors() {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

fn load_schema(args: &Args) -> Result<Namespace, Error> {
    let Some(path) = &args.schema else {
        return Ok(canvas_logs_codegen::load_embedded());
    };
    let display = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(ErrorKind::SchemaFile, &display, e))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => text,
        _ => {
            let what = "it holds binary data, not text";
            return Err(Error::at(ErrorKind::NotASchema(what), display));
        }
    };
    if canvas_logs_codegen::import::dap::looks_like_dap_schema(&text) {
        // The schema DAP serves: imported through the same importer as `cargo xtask
        // import-dap`, with the embedded namespace's member names, references and descriptions.
        let base = canvas_logs_codegen::load_embedded();
        let options = canvas_logs_codegen::import::dap::Options {
            table: args.table.as_deref(),
            base: Some(&base),
        };
        return canvas_logs_codegen::import::dap::import(&text, options)
            .map(|imported| imported.namespace)
            .map_err(|errors| {
                let problems = errors.iter().map(ToString::to_string).collect();
                Error::at(ErrorKind::DapSchema(problems), display)
            });
    }
    if let Some(what) = not_a_namespace(&text) {
        return Err(Error::at(ErrorKind::NotASchema(what), display));
    }
    canvas_logs_codegen::load(&display, &text).map_err(|d| Error::at(ErrorKind::Schema(d), display))
}

/// Why `text` is certainly no attempt at a namespace definition (so per-key diagnostics would
/// only bury the point), or `None` to let the checker report what is wrong with it.
fn not_a_namespace(text: &str) -> Option<&'static str> {
    const KEYS: [&str; 5] = ["namespace", "version", "description", "enums", "tables"];
    let names_a_key = text.lines().any(|line| {
        let line = line.trim_end();
        KEYS.iter().any(|key| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
                || line.contains(&format!("\"{key}\""))
        })
    });
    let json_schema = [
        "\"$schema\"",
        "\"definitions\"",
        "\"properties\"",
        "\"$defs\"",
    ]
    .iter()
    .any(|key| text.contains(key));
    if json_schema && !text.contains("\"namespace\"") {
        Some(
            "it is a JSON Schema, but not of a DAP table (the schema `dap schema` writes has \
             `properties.key`)",
        )
    } else if names_a_key {
        None
    } else if text.trim().is_empty() {
        Some("it is empty")
    } else {
        Some("it has none of the keys `namespace`, `version`, `description`, `enums`, `tables`")
    }
}

fn choose_table<'n>(
    namespace: &'n Namespace,
    name: Option<&str>,
) -> Result<&'n canvas_logs_codegen::model::Table, Error> {
    let names = || {
        namespace
            .tables()
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(name) => namespace.table(name).ok_or_else(|| {
            Error::new(ErrorKind::Usage(format!(
                "no table `{name}` in namespace {} (tables: {})",
                namespace.name(),
                names()
            )))
        }),
        None => match namespace.tables() {
            [only] => Ok(only),
            _ => Err(Error::new(ErrorKind::Usage(format!(
                "namespace {} has {} tables ({}); choose one with --table",
                namespace.name(),
                namespace.tables().len(),
                names()
            )))),
        },
    }
}

/// Validates `config.files` with `plan`, reporting to `reporter`; file errors (unreadable,
/// corrupt) go to `errors` as `error: ...` lines. Returns the summary; `Err` only when writing
/// the report failed.
pub fn validate(
    plan: &CheckPlan,
    config: &Config,
    reporter: &mut dyn Reporter,
    errors: &mut dyn Write,
) -> io::Result<Summary> {
    validate_with(plan, config, Extras::default(), reporter, errors)
}

/// [`validate`] with [`Extras`]: the duplicate check switch, quarantine outputs (closed, and
/// their errors returned, at the end) and the progress bar.
pub fn validate_with(
    plan: &CheckPlan,
    config: &Config,
    extras: Extras,
    reporter: &mut dyn Reporter,
    errors: &mut dyn Write,
) -> io::Result<Summary> {
    let mut merger = Merger::new(plan, config, extras, reporter, errors);
    let formats = FileFormats::new(config.files.len());
    let profiles = run_batches(plan, config, &formats, &mut merger)?;
    merger.finish(profiles)
}

/// Reads, checks and merges: `lanes` reading threads ([`lanes`]) and `config.jobs - 1`
/// checking helpers feed the calling thread, which checks whatever no helper takes and merges
/// outcomes in file order (see [`Pipeline`]); returns the profiles the checking threads made.
fn run_batches(
    plan: &CheckPlan,
    config: &Config,
    formats: &FileFormats,
    merger: &mut Merger<'_>,
) -> io::Result<FileProfiles> {
    let helpers = config.jobs.max(1) - 1;
    let keeps_data = merger.extras.quarantine.is_some();
    let lanes = lanes::lanes_for(config, keeps_data);
    // Three batches queued per helper: with a free slot the calling thread hands the batch on,
    // with none it checks the batch itself. One slot per helper left the helpers idle while the
    // calling thread checked a batch (on 2 cores and 1M records: 0.56 s against 0.46 s).
    let (work_tx, work_rx) = mpsc::sync_channel::<Batch>(3 * helpers);
    let work_rx = Mutex::new(work_rx);
    // Four buffers per job and two more, and three for each lane (the batch it fills, the next
    // one, and an oversized record's part).
    let max_buffers = 4 * config.jobs.max(1) + 2 + 3 * lanes;
    // Bounded too: a message holds at most one buffer, but the batcher makes two of its own
    // around each oversized record, so with an unbounded channel a lane ran ahead on them
    // (60,000 oversized records: 179 MB). The calling thread never waits for anything but this
    // channel, so a full channel only ever waits for it.
    let (messages_tx, messages_rx) = mpsc::sync_channel::<Message>(max_buffers);
    let pool = BufferPool::new(
        max_buffers,
        config.limits.batch_bytes,
        lanes::ahead_limit(lanes),
    );
    let work = lanes::LaneWork::new(lanes, config.jobs.max(1));
    std::thread::scope(|scope| {
        let mut threads = Vec::with_capacity(helpers);
        for _ in 0..lanes {
            let messages = messages_tx.clone();
            let (pool, work) = (&pool, &work);
            scope.spawn(move || lanes::lane(plan, config, formats, work, pool, messages));
        }
        for _ in 0..helpers {
            let messages = messages_tx.clone();
            let work_rx = &work_rx;
            threads.push(scope.spawn(move || {
                let _farewell = Farewell {
                    messages: messages.clone(),
                    lane: false,
                };
                let mut state = WorkerState::new(plan);
                loop {
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok(batch) = next else { break };
                    let format = formats.get(batch.file);
                    let outcome = check_batch(format, plan, &batch, &mut state);
                    let (file, seq) = (batch.file, batch.seq);
                    let event = Event::Batch(batch, outcome);
                    if messages
                        .send(Message::Checked { file, seq, event })
                        .is_err()
                    {
                        break;
                    }
                }
                state.into_profiles()
            }));
        }
        drop(messages_tx);
        let mut pipeline = Pipeline {
            plan,
            formats,
            merger,
            state: WorkerState::new(plan),
            work: (helpers > 0).then_some(work_tx),
            queue: &work_rx,
            messages: messages_rx,
            waiting: BTreeMap::new(),
            next: (0, 0),
            ahead_bytes: 0,
            lent: 0,
            lanes,
            pool: &pool,
            keeps_data,
            error: None,
        };
        pipeline.run();
        let Pipeline {
            state,
            error,
            messages,
            ..
        } = pipeline;
        // The lanes have ended; the helpers end when the work queue is closed (done in `run`)
        // or the message channel is.
        pool.stop();
        drop(messages);
        let mut profiles = state.into_profiles();
        for thread in threads {
            if let Ok(helper_profiles) = thread.join() {
                profiles.merge(helper_profiles);
            }
        }
        match error {
            Some(e) => Err(e),
            None => Ok(profiles),
        }
    })
}

/// The error of a run whose helper died with batches unreturned.
#[derive(Debug)]
struct LostBatches;

impl std::fmt::Display for LostBatches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a checking thread stopped before returning its records")
    }
}

impl std::error::Error for LostBatches {}

/// The calling thread's side of a run: it takes the lanes' batches, hands each to a free helper
/// or checks it itself, and merges outcomes in file order as they become ready; with nothing
/// arrived, it checks a batch still queued for the helpers rather than wait.
///
/// With `--jobs 1` there are no helpers: every batch is checked and merged here, as the lane
/// reads the next. The report's order is the files' order and each file's event order,
/// restored from the numbers the events carry, so nothing in it depends on threads.
///
/// Memory is flat: buffers come from the [`BufferPool`] (a fixed number), and an outcome that
/// waits for an earlier file gives its buffer back at once unless the quarantine needs its
/// bytes (then there is one lane, and nothing waits for long). The one structure that grows is
/// the duplicate-key set ([`crate::dedup`]).
struct Pipeline<'a, 'm> {
    plan: &'a CheckPlan,
    formats: &'a FileFormats,
    merger: &'a mut Merger<'m>,
    /// Scratch state for the batches checked on this thread.
    state: WorkerState,
    /// The helpers' work queue (`None` without helpers, and once reading is over).
    work: Option<mpsc::SyncSender<Batch>>,
    /// Its receiving end, from which the calling thread takes batches back.
    queue: &'a Mutex<mpsc::Receiver<Batch>>,
    /// What the lanes and helpers send.
    messages: mpsc::Receiver<Message>,
    /// Events that came before their turn, by file and number, with their waiting bytes when
    /// they belong to a later file than the one being merged.
    waiting: BTreeMap<(usize, u64), (Event, usize)>,
    /// The file and event number the merge step takes next.
    next: (usize, u64),
    /// The waiting bytes of later files' events.
    ahead_bytes: usize,
    /// Batches with the helpers.
    lent: usize,
    /// Lanes still reading.
    lanes: usize,
    pool: &'a BufferPool,
    /// Whether the merge needs each batch's bytes (the quarantine).
    keeps_data: bool,
    /// The first error of the merge step (reporting); the run stops.
    error: Option<io::Error>,
}

impl Pipeline<'_, '_> {
    /// Handles messages until every lane has ended and every batch lent is back (or the run
    /// has stopped).
    fn run(&mut self) {
        while self.lanes > 0 || (self.lent > 0 && self.error.is_none()) {
            if self.lanes == 0 {
                // Reading is over: close the queue (the helpers end when it is empty).
                self.work = None;
            }
            let message = match self.messages.try_recv() {
                Ok(message) => message,
                Err(mpsc::TryRecvError::Empty) => {
                    if self.take_back() {
                        continue;
                    }
                    match self.messages.recv() {
                        Ok(message) => message,
                        Err(_) => break,
                    }
                }
                Err(mpsc::TryRecvError::Disconnected) => break,
            };
            self.receive(message);
        }
        self.work = None;
        // What is still waiting came after a gap left by a stopped run: nothing to merge.
        self.waiting.clear();
    }

    fn receive(&mut self, message: Message) {
        match message {
            Message::Read(batch) => self.dispatch(batch),
            Message::Event { file, seq, event } => self.arrive(file, seq, event),
            Message::Checked { file, seq, event } => {
                self.lent = self.lent.saturating_sub(1);
                self.arrive(file, seq, event);
            }
            Message::LaneDone => self.lanes = self.lanes.saturating_sub(1),
            Message::Lost => self.lost(),
        }
    }

    /// Hands `batch` to a helper with room in its queue, or else checks it here.
    fn dispatch(&mut self, batch: Batch) {
        if self.error.is_some() {
            self.pool.give(batch.data);
            return;
        }
        let batch = match &self.work {
            Some(work) => match work.try_send(batch) {
                Ok(()) => {
                    self.lent += 1;
                    return;
                }
                Err(mpsc::TrySendError::Full(batch) | mpsc::TrySendError::Disconnected(batch)) => {
                    batch
                }
            },
            None => batch,
        };
        self.check_here(batch);
    }

    /// Merges `event` (file `file`'s number `seq`) if it is next, or keeps it until it is; then
    /// merges whatever became ready.
    fn arrive(&mut self, file: usize, seq: u64, mut event: Event) {
        if self.error.is_some() {
            if let Event::Batch(batch, _) = event {
                self.pool.give(batch.data);
            }
            return;
        }
        if file < self.next.0 {
            // A file already ended (a Parquet row group after the group whose error ended it).
            if let Event::Batch(batch, _) = event {
                self.pool.give(batch.data);
            }
            return;
        }
        if (file, seq) != self.next {
            let mut bytes = 0;
            if let Event::Batch(batch, outcome) = &mut event
                && !self.keeps_data
            {
                // Only the quarantine reads a batch's bytes after its check; a buffer held
                // while the batch waits could leave the lane that holds the next one without.
                self.pool.give(std::mem::take(&mut batch.data));
                outcome.spans = Vec::new();
            }
            if file > self.next.0 {
                bytes = event.waiting_bytes();
                self.ahead_bytes += bytes;
                self.pool.progress(self.next.0, self.ahead_bytes);
            }
            self.waiting.insert((file, seq), (event, bytes));
            return;
        }
        self.merge(event);
        while self.error.is_none() {
            let Some((event, bytes)) = self.waiting.remove(&self.next) else {
                break;
            };
            self.ahead_bytes -= bytes;
            self.merge(event);
        }
    }

    fn merge(&mut self, event: Event) {
        let ends_file = event.ends_file();
        match self.merger.handle(event) {
            Ok(Some(buffer)) => self.pool.give(buffer),
            Ok(None) => {}
            Err(e) => {
                self.error = Some(e);
                self.pool.stop();
            }
        }
        if !ends_file {
            self.next.1 += 1;
            return;
        }
        // The next file's waiting events are no longer ahead of the merge.
        let file = self.next.0 + 1;
        self.next = (file, 0);
        for (_, (_, bytes)) in self.waiting.range_mut((file, 0)..(file + 1, 0)) {
            self.ahead_bytes -= std::mem::take(bytes);
        }
        self.pool.progress(file, self.ahead_bytes);
    }

    /// A helper is gone with batches unreturned: only a bug can do that, and the report would
    /// silently miss their records (or the run wait for them forever), so the run fails.
    fn lost(&mut self) {
        self.lent = 0;
        if self.error.is_none() {
            self.error = Some(io::Error::other(LostBatches));
        }
        self.pool.stop();
    }

    /// Checks `batch` on this thread and merges what that makes ready.
    fn check_here(&mut self, batch: Batch) {
        let format = self.formats.get(batch.file);
        let outcome = check_batch(format, self.plan, &batch, &mut self.state);
        self.arrive(batch.file, batch.seq, Event::Batch(batch, outcome));
    }

    /// Takes a batch still queued for the helpers and checks it here; `false` when there is
    /// none (or a helper holds the queue, waiting for work).
    fn take_back(&mut self) -> bool {
        if self.lent == 0 || self.error.is_some() {
            return false;
        }
        let batch = match self.queue.try_lock() {
            Ok(queue) => queue.try_recv().ok(),
            Err(_) => None,
        };
        let Some(batch) = batch else {
            return false;
        };
        self.lent -= 1;
        self.check_here(batch);
        true
    }
}

/// Per-file state of the merge step.
struct FileState {
    index: usize,
    name: Arc<str>,
    /// Whether the format has lines (Parquet has none: `line` is null).
    has_lines: bool,
    lines: u64,
    records: u64,
    invalid_records: u64,
    errors: u64,
    warnings: u64,
    printed: u64,
    omitted: u64,
}

/// The merge step: places batch outcomes in their files, finds duplicate keys, counts, reports.
struct Merger<'r> {
    plan: &'r CheckPlan,
    files: &'r [ExportFile],
    max_errors: Option<u64>,
    redact: bool,
    reporter: &'r mut dyn Reporter,
    errors: &'r mut dyn Write,
    summary: Summary,
    keys: DuplicateKeys,
    current: Option<FileState>,
    key_column: Option<String>,
    extras: Extras,
    /// Profiles made while reading (Parquet rows), not by the batch checks.
    reader_profiles: FileProfiles,
    /// Each file's name and violations per profile column, in file order.
    file_violations: Vec<(String, ViolationCounts)>,
    /// Profile column names (table columns, then `meta.ts`) to their index.
    profile_columns: BTreeMap<String, usize>,
}

impl<'r> Merger<'r> {
    fn new(
        plan: &'r CheckPlan,
        config: &'r Config,
        extras: Extras,
        reporter: &'r mut dyn Reporter,
        errors: &'r mut dyn Write,
    ) -> Merger<'r> {
        let key_column = match plan.key_columns() {
            [only] => plan.columns().get(*only).map(|c| c.name.to_string()),
            _ => None,
        };
        Merger {
            plan,
            files: &config.files,
            max_errors: config.max_errors,
            redact: config.redact,
            reporter,
            errors,
            summary: Summary {
                schema: format!("{}.{}", plan.namespace(), plan.table()),
                schema_version: plan.schema_version(),
                ..Summary::default()
            },
            keys: if plan.checks_duplicates() {
                let (records, estimate) = expected_records(&config.files);
                DuplicateKeys::with_expected_keys(records, estimate)
            } else {
                DuplicateKeys::new()
            },
            current: None,
            key_column,
            reader_profiles: FileProfiles::default(),
            file_violations: Vec::new(),
            profile_columns: plan
                .columns()
                .iter()
                .map(|c| c.name.to_string())
                .chain([META_TS.to_owned()])
                .enumerate()
                .map(|(i, name)| (name, i))
                .collect(),
            extras,
        }
    }

    /// Handles one event; returns the batch's buffer for reuse.
    fn handle(&mut self, event: Event) -> io::Result<Option<Vec<u8>>> {
        match event {
            Event::FileStart(index) => {
                let name = self
                    .files
                    .get(index)
                    .map_or_else(|| Arc::from("?"), |f| f.display.clone());
                let has_lines = self
                    .files
                    .get(index)
                    .is_none_or(|f| f.format != Format::Parquet);
                self.extras.progress.file(&name);
                if let Some(quarantine) = &mut self.extras.quarantine {
                    quarantine.file_start()?;
                }
                self.file_violations.push((
                    name.to_string(),
                    vec![[0; Code::ALL.len()]; self.profile_columns.len()],
                ));
                self.current = Some(FileState {
                    index,
                    name,
                    has_lines,
                    lines: 0,
                    records: 0,
                    invalid_records: 0,
                    errors: 0,
                    warnings: 0,
                    printed: 0,
                    omitted: 0,
                });
                Ok(None)
            }
            Event::Header(bytes) => {
                if let Some(quarantine) = &mut self.extras.quarantine {
                    let name = self.current.as_ref().map(|f| f.name.clone());
                    quarantine.header(name.as_deref().unwrap_or("?"), &bytes)?;
                }
                Ok(None)
            }
            Event::FileFindings(findings, lines) => {
                self.merge_file_findings(findings, lines)?;
                Ok(None)
            }
            Event::Profile(index, profile) => {
                let mut one = FileProfiles::default();
                one.files.insert(index, *profile);
                self.reader_profiles.merge(one);
                Ok(None)
            }
            Event::Batch(batch, outcome) => {
                self.extras
                    .progress
                    .batch(outcome.records, batch.len as u64);
                self.quarantine_batch(&batch, &outcome)?;
                self.merge_batch(outcome)?;
                Ok(Some(batch.data))
            }
            Event::FileEnd(index) => {
                let Some(file) = self.current.take_if(|f| f.index == index) else {
                    return Ok(None);
                };
                self.summary.files += 1;
                self.extras.progress.file_done();
                let reporter = &mut self.reporter;
                self.extras.progress.suspend(|| {
                    reporter.file_done(&FileTotals {
                        file: file.name.to_string(),
                        records: file.records,
                        invalid_records: file.invalid_records,
                        errors: file.errors,
                        warnings: file.warnings,
                        omitted: file.omitted,
                    })
                })?;
                Ok(None)
            }
            Event::FileError(index, error) => {
                let name = self
                    .files
                    .get(index)
                    .map_or_else(|| "?".to_owned(), |f| f.display.to_string());
                self.current = None;
                self.summary.files += 1;
                self.summary.unreadable_files += 1;
                let message = format!("cannot read {name}: {error}");
                self.extras.progress.file_done();
                let (errors, reporter) = (&mut self.errors, &mut self.reporter);
                self.extras.progress.suspend(|| {
                    let _ = writeln!(
                        errors,
                        "error: {}",
                        crate::report::escape::terminal(&message)
                    );
                    reporter.file_failed(&name, &message)
                })?;
                Ok(None)
            }
        }
    }

    /// Reports problems of the whole file (record `null`; line 1, where the header is, for
    /// formats with lines) and moves the line count past the header.
    fn merge_file_findings(&mut self, findings: Vec<Finding>, lines: u64) -> io::Result<()> {
        let Some(mut file) = self.current.take() else {
            return Ok(());
        };
        let mut result = Ok(());
        for finding in findings {
            let violation = Violation {
                file: file.name.clone(),
                line: file.has_lines.then_some(LineNumber::FIRST),
                record: None,
                // A member name comes from the export: bounded like a value.
                column: self
                    .plan
                    .column_name(&finding.column)
                    .map(|c| truncate_value(&c)),
                code: finding.code,
                severity: finding.code.severity(),
                message: bounded_message(finding.message),
                value: if self.redact { None } else { finding.value },
            };
            result = result.and_then(|()| self.emit(&mut file, &violation));
        }
        file.lines += lines;
        self.current = Some(file);
        result
    }

    /// Writes the batch's records to the quarantine outputs, by verdict.
    fn quarantine_batch(&mut self, batch: &Batch, outcome: &BatchOutcome) -> io::Result<()> {
        let Some(quarantine) = &mut self.extras.quarantine else {
            return Ok(());
        };
        let data = batch.data.get(..batch.len).unwrap_or_default();
        match batch.kind {
            BatchKind::OversizedPart => return quarantine.oversized_part(data),
            BatchKind::Oversized { .. } => return Ok(()),
            BatchKind::Records => {}
        }
        if outcome.spans.len() as u64 != outcome.records {
            return Err(io::Error::other(
                "this input format does not report record boundaries; --valid-out/--invalid-out cannot split it",
            ));
        }
        let mut findings = outcome.findings.iter().peekable();
        for (record, span) in (0u64..).zip(&outcome.spans) {
            let mut verdict = Verdict::Valid;
            while let Some(located) = findings.next_if(|f| f.record <= record) {
                if located.record == record
                    && located.finding.code.severity() == crate::violation::Severity::Error
                {
                    verdict = Verdict::Invalid;
                }
            }
            quarantine.record(data.get(span.clone()).unwrap_or_default(), verdict)?;
        }
        Ok(())
    }

    fn merge_batch(&mut self, outcome: BatchOutcome) -> io::Result<()> {
        let Some(mut file) = self.current.take() else {
            return Ok(());
        };
        self.keys.warm(outcome.keys.iter().map(|k| k.key));
        let mut keys = outcome.keys.iter().peekable();
        let mut result = Ok(());
        for located in outcome.findings {
            while let Some(key) = keys.next_if(|k| k.record < located.record) {
                result = result.and_then(|()| self.duplicate(&mut file, key));
            }
            let finding = located.finding;
            let violation = Violation {
                file: file.name.clone(),
                line: file
                    .has_lines
                    .then(|| LineNumber::from_zero_based(file.lines + located.line)),
                record: Some(LineNumber::from_zero_based(file.records + located.record)),
                // A member name comes from the export: bounded like a value.
                column: self
                    .plan
                    .column_name(&finding.column)
                    .map(|c| truncate_value(&c)),
                code: finding.code,
                severity: finding.code.severity(),
                message: bounded_message(finding.message),
                value: if self.redact { None } else { finding.value },
            };
            result = result.and_then(|()| self.emit(&mut file, &violation));
        }
        for key in keys {
            result = result.and_then(|()| self.duplicate(&mut file, key));
        }
        file.lines += outcome.lines;
        file.records += outcome.records;
        file.invalid_records += outcome.invalid_records;
        self.summary.records += outcome.records;
        self.summary.invalid_records += outcome.invalid_records;
        self.current = Some(file);
        result
    }

    fn duplicate(&mut self, file: &mut FileState, key: &KeyEntry) -> io::Result<()> {
        let (seen, message) = match self.keys.insert(key.key, key.record_hash) {
            Seen::First => return Ok(()),
            Seen::Identical => (
                Seen::Identical,
                "duplicate key: an earlier record in this run has the same key and identical content",
            ),
            Seen::Conflicting => (
                Seen::Conflicting,
                "duplicate key: an earlier record in this run has the same key and different content",
            ),
        };
        match seen {
            Seen::Identical => self.summary.identical_duplicates += 1,
            _ => self.summary.conflicting_duplicates += 1,
        }
        let violation = Violation {
            file: file.name.clone(),
            line: file
                .has_lines
                .then(|| LineNumber::from_zero_based(file.lines + key.line)),
            record: Some(LineNumber::from_zero_based(file.records + key.record)),
            column: self.key_column.clone(),
            code: Code::DuplicateKey,
            severity: Code::DuplicateKey.severity(),
            message: message.to_owned(),
            value: if self.redact {
                None
            } else {
                key.uuid.map(format_uuid)
            },
        };
        self.emit(file, &violation)
    }

    fn emit(&mut self, file: &mut FileState, violation: &Violation) -> io::Result<()> {
        self.summary.count(violation);
        if let Some(column) = violation.column.as_deref()
            && let Some(&index) = self.profile_columns.get(column)
            && let Some((_, counts)) = self.file_violations.last_mut()
            && let Some(slot) = counts
                .get_mut(index)
                .and_then(|c| c.get_mut(violation.code.index()))
        {
            *slot += 1;
        }
        match violation.severity {
            crate::violation::Severity::Error => file.errors += 1,
            crate::violation::Severity::Warning => file.warnings += 1,
        }
        if self.max_errors.is_none_or(|max| file.printed < max) {
            file.printed += 1;
            let reporter = &mut self.reporter;
            self.extras
                .progress
                .suspend(|| reporter.violation(violation))
        } else {
            file.omitted += 1;
            Ok(())
        }
    }

    fn finish(mut self, mut profiles: FileProfiles) -> io::Result<Summary> {
        profiles.merge(std::mem::take(&mut self.reader_profiles));
        // The run's open-enum values: every file's tally merged (which values are kept past
        // the bound depends only on the values, so this equals one tally of the whole run).
        let mut tally = OpenEnumTally::new(self.plan.open_enum_columns().len());
        for profile in profiles.files.values() {
            tally.merge(profile.tally.clone());
        }
        if self.plan.profiles() {
            let files = std::mem::take(&mut self.file_violations);
            let report = profile_output::build(self.plan, &profiles, &files, self.redact);
            if let Some((baseline, options)) = &self.extras.baseline {
                // Drift sees every value (a redacted profile lists no unlisted ones); the
                // warnings it makes leave values out under --redact.
                let full = if self.redact {
                    &profile_output::build(self.plan, &profiles, &files, false)
                } else {
                    &report
                };
                self.summary.drift = drift::compare(full, baseline, *options, self.redact);
            }
            self.summary.profile = Some(Box::new(report));
        }
        self.summary.valid_records = self.summary.records - self.summary.invalid_records;
        for (slot, &column) in self.plan.open_enum_columns().iter().enumerate() {
            let Some(plan) = self.plan.columns().get(column) else {
                continue;
            };
            let enum_name = match &plan.rule {
                Rule::StringEnum { name, .. } | Rule::IntegerEnum { name, .. } => name.to_string(),
                _ => String::new(),
            };
            let (values, untracked) = tally.sorted(slot);
            self.summary.open_enum_values.push(OpenEnumValues {
                column: plan.name.to_string(),
                enum_name,
                values,
                untracked,
            });
        }
        self.extras.progress.finish();
        if let Some(mut quarantine) = self.extras.quarantine.take() {
            for warning in quarantine.take_warnings() {
                let _ = writeln!(
                    self.errors,
                    "warning: {}",
                    crate::report::escape::terminal(&warning)
                );
            }
            quarantine.finish()?;
        }
        self.reporter.finish(&self.summary)?;
        Ok(self.summary)
    }
}

/// At most this many characters of a message are reported (a message can quote a member name
/// from the export, which can be as long as the record).
pub const MAX_MESSAGE_CHARS: usize = 1000;

fn bounded_message(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => message,
        Some((cut, _)) => format!("{}…", message.get(..cut).unwrap_or_default()),
    }
}

/// A uuid's canonical text (lower-case, hyphenated).
pub fn format_uuid(value: u128) -> String {
    let hex = format!("{value:032x}");
    let part = |a: usize, b: usize| hex.get(a..b).unwrap_or_default().to_owned();
    format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    )
}

#[cfg(test)]
mod color_tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn colour_only_for_humans_on_a_terminal_without_no_color() {
        assert!(use_color(ReportFormat::Human, true, None));
        assert!(use_color(ReportFormat::Human, true, Some(OsStr::new(""))));
        assert!(!use_color(ReportFormat::Human, true, Some(OsStr::new("1"))));
        assert!(!use_color(ReportFormat::Human, false, None));
        assert!(!use_color(ReportFormat::Json, true, None));
        assert!(!use_color(ReportFormat::Github, true, None));
    }
}

#[cfg(test)]
mod helper_tests {
    use super::*;

    /// A helper that panics says so before its channel end goes; one that ends normally says
    /// nothing; a lane says it is done either way.
    #[test]
    fn a_panicking_helper_reports_its_lost_batch() {
        let (tx, rx) = mpsc::sync_channel::<Message>(4);
        let farewell = |lane: bool| Farewell {
            messages: tx.clone(),
            lane,
        };
        let panicking = farewell(false);
        let result = std::thread::spawn(move || {
            let _farewell = panicking;
            panic!("a deliberate panic in a test helper");
        })
        .join();
        assert!(result.is_err());
        assert!(matches!(rx.try_recv(), Ok(Message::Lost)));
        let quiet = farewell(false);
        std::thread::spawn(move || {
            let _farewell = quiet;
        })
        .join()
        .unwrap_or_else(|_| panic!("the quiet helper does not panic"));
        assert!(matches!(rx.try_recv(), Err(mpsc::TryRecvError::Empty)));
        let lane = farewell(true);
        let result = std::thread::spawn(move || {
            let _farewell = lane;
            panic!("a deliberate panic in a test lane");
        })
        .join();
        assert!(result.is_err());
        assert!(matches!(rx.try_recv(), Ok(Message::Lost)));
        assert!(matches!(rx.try_recv(), Ok(Message::LaneDone)));
        drop(tx);
        assert!(matches!(
            rx.try_recv(),
            Err(mpsc::TryRecvError::Disconnected)
        ));
        // `run` tells the lost batches from an output error by the error inside.
        let error = io::Error::other(LostBatches);
        assert!(
            error
                .get_ref()
                .is_some_and(|inner| inner.is::<LostBatches>())
        );
        assert_eq!(
            Error::new(ErrorKind::Internal(error.to_string())).to_string(),
            "internal error: a checking thread stopped before returning its records; the \
             report is incomplete"
        );
    }
}

#[cfg(test)]
mod sizing_tests {
    use super::*;

    #[test]
    fn default_jobs_leave_the_lanes_their_cores_but_never_fewer_checkers_than_lanes() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let input = |gzip: bool| ExportFile {
            source: files::Source::Stdin,
            display: Arc::from("-"),
            format: Format::Jsonl,
            gzip,
        };
        // Lanes L = min(gzip files, cores); checkers max(L, cores - L).
        let expected = |files: usize| {
            let lanes = files.min(cores);
            lanes.max(cores - lanes)
        };
        assert_eq!(default_jobs(&[input(true)]), expected(1));
        assert_eq!(default_jobs(&[input(true)]), 1.max(cores - 1));
        assert_eq!(default_jobs(&[input(true), input(true)]), expected(2));
        let many = vec![input(true); cores + 3];
        assert_eq!(default_jobs(&many), cores);
        assert_eq!(default_jobs(&[input(true), input(false)]), cores);
        assert_eq!(default_jobs(&[input(false)]), cores);
        assert_eq!(default_jobs(&[]), cores);
    }

    #[test]
    fn expected_records_come_from_sizes_by_format_and_compression() {
        let dir = std::env::temp_dir().join(format!("dap-validate-sizing-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let file = |name: &str, bytes: &[u8], format: Format| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
            ExportFile::at_path(path, Arc::from(name), format)
        };
        let jsonl = file("a.jsonl", &[b'x'; 7600], Format::Jsonl);
        let csv = file("a.csv", &[b'x'; 4200], Format::Csv);
        let parquet = file("a.parquet", &[b'x'; 7600], Format::Parquet);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        // Bytes that do not compress, so the guess is not zero.
        let noise: Vec<u8> = (0..20_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        gz.write_all(&noise).unwrap_or_else(|e| panic!("{e}"));
        let gz = gz.finish().unwrap_or_else(|e| panic!("{e}"));
        let gz_len = gz.len() as u64;
        let gzip = file("a.jsonl.gz", &gz, Format::Jsonl);
        let stdin = ExportFile {
            source: files::Source::Stdin,
            display: Arc::from("-"),
            format: Format::Jsonl,
            gzip: false,
        };
        let firm = |n: u64| (n, Estimate::Firm);
        assert_eq!(expected_records(std::slice::from_ref(&jsonl)), firm(10));
        assert_eq!(expected_records(std::slice::from_ref(&csv)), firm(10));
        assert_eq!(expected_records(&[parquet, stdin.clone()]), firm(0));
        assert!(gz_len > 1000, "{gz_len}");
        assert_eq!(
            expected_records(std::slice::from_ref(&gzip)),
            (gz_len * 4 / 760, Estimate::Rough)
        );
        assert_eq!(
            expected_records(&[jsonl.clone(), gzip]),
            (10 + gz_len * 4 / 760, Estimate::Rough)
        );
        assert_eq!(expected_records(&[jsonl, csv, stdin]), firm(20));
        // A real Parquet file counts the rows its footer states (three), a truncated one none.
        let fixtures =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
        let parquet = |name: &str| {
            let path = fixtures.join(name);
            ExportFile::at_path(path, Arc::from(name), Format::Parquet)
        };
        let written = parquet("web_logs.parquet");
        let truncated = parquet("truncated.parquet");
        assert_eq!(expected_records(std::slice::from_ref(&written)), firm(3));
        assert_eq!(expected_records(&[written, truncated]), firm(3));
        std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    }
}
