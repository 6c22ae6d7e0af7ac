//! The use cases: append, correct and retract events, read the log, compute the status at any
//! date and moment, replay it, explain it, verify the log. A [`Tracker`]
//! composes the layers (ingest → domain → store → projection) and is the API the CLI, the
//! examples and the tests share. It holds no SQL and renders nothing. [`Tracker::briefing`] is the
//! report use case (in `app/briefing.rs`).

mod briefing;
mod copy;
mod diff;
mod record;

pub use briefing::{
    AmendmentEntry, Briefing, BriefingRequest, Changes, Chart, DEFAULT_ISSUE_CHARTS, Direction,
    Entry, FrameworkInfo, LISTED_CHANGES, LevelBand, Line, Listed, LogHead, Movement,
    NOTABLE_EVENTS, Period, Reading, STEADY_WITHIN, Series, SeriesStep,
};
pub use copy::{CopyReport, copy_log};
pub use diff::{Diff, DiffAxis, DiffEvent, DiffReading, Movement as DiffMovement};
pub use record::EventRecord;

use crate::domain::ValidationError;
use crate::domain::clock::Clock;
use crate::domain::event::{
    AmendmentInput, Dyad, Event, EventKind, IdRef, LoggedEvent, Report, SCHEMA_VERSION,
    SourceInput, Validator,
};
use crate::domain::framework::{Framework, FrameworkError};
use crate::domain::recorder::{Recorder, UNKNOWN_RECORDER};
use crate::domain::taxonomy::Taxonomy;
use crate::ingest::coder::{self, CodingError, CodingOptions, Dictionary, Proposal};
use crate::ingest::ndjson::MAX_EVENT_BYTES;
use crate::ingest::{self, ImportLine, InputError, LineError, Lines, parse_import_line};
use crate::projection::status::{KEPT_DRIVERS, LEDGER_FORMAT, RetractedReport};
use crate::projection::{Amendments, Explanation, Ledger, Resolved, Scope, Status};
use crate::store::chain::{ChainBreak, ChainVerifier};
use crate::store::{
    AppendReceipt, Appended, BatchRequest, EventStore, LogStore, NewEvent, OpenMode, Scan,
    StoreError, StoredEvent,
};
use crate::witness::{SignedHead, WitnessKey};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Read};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use thiserror::Error;
use uuid::Uuid;

/// Why a use case failed.
#[derive(Debug, Error)]
pub enum AppError {
    /// The input was refused; nothing was written.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The framework file is unusable.
    #[error(transparent)]
    Framework(#[from] FrameworkError),
    /// An argument is not valid (e.g. an unknown dyad).
    #[error("{0}")]
    Argument(ValidationError),
    /// A correction or retraction cannot be made.
    #[error("{0}")]
    Amendment(String),
    /// The log is not sound, so the use case was not carried out.
    #[error("{0}")]
    Unsound(String),
    /// No event has the id given, or several start with the prefix given.
    #[error("{0}")]
    Id(String),
    /// A stored event cannot be decoded.
    #[error("the event at position {position} cannot be read: {error} (run `dyad verify`)")]
    Undecodable {
        /// Its position.
        position: u64,
        /// What is wrong.
        error: ValidationError,
    },
}

/// Which events `log` lists.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// Only this dyad (all dyads when `None`).
    pub dyad: Option<String>,
    /// Only events that occurred on or after this date.
    pub since: Option<NaiveDate>,
    /// Only events that occurred on or before this date (amendments occur the day they are made).
    pub until: Option<NaiveDate>,
    /// Only events the log had recorded by this instant.
    pub known_at: Option<DateTime<Utc>>,
    /// Only events after this position.
    pub after_position: Option<u64>,
    /// Only reports counted under this pillar (coded, or derived by the framework's rules).
    pub pillar: Option<String>,
    /// Only reports filed under this issue.
    pub issue: Option<String>,
    /// Only reports by this actor.
    pub actor: Option<String>,
    /// Only reports with this target.
    pub target: Option<String>,
    /// Only reports of this action code.
    pub action: Option<String>,
    /// Only reports from an outlet whose name holds this text (any case).
    pub outlet: Option<String>,
    /// Only reports whose summary or quotes hold this text (any case).
    pub grep: Option<String>,
    /// At most this many events, the first in log order.
    pub limit: Option<usize>,
}

impl LogFilter {
    /// Whether the filter selects reports by their content; then amendments are listed only
    /// with the reports they amend.
    fn selects_reports(&self) -> bool {
        self.pillar.is_some()
            || self.issue.is_some()
            || self.actor.is_some()
            || self.target.is_some()
            || self.action.is_some()
            || self.outlet.is_some()
            || self.grep.is_some()
    }

    /// Whether a report, as recorded, passes the content filters.
    fn matches(&self, report: &Report, framework: &Framework) -> bool {
        let body = &report.body;
        let holds = |text: Option<&str>, wanted: &str| {
            text.is_some_and(|t| t.to_lowercase().contains(&wanted.to_lowercase()))
        };
        self.pillar
            .as_deref()
            .is_none_or(|p| report.pillar(framework) == p)
            && self
                .issue
                .as_deref()
                .is_none_or(|i| body.issue.as_deref() == Some(i))
            && self.actor.as_deref().is_none_or(|a| body.actor == a)
            && self.target.as_deref().is_none_or(|t| body.target == t)
            && self.action.as_deref().is_none_or(|a| body.action == a)
            && self
                .outlet
                .as_deref()
                .is_none_or(|o| holds(Some(&body.source.outlet), o))
            && self.grep.as_deref().is_none_or(|g| {
                holds(Some(&body.summary), g)
                    || holds(body.quote.as_deref(), g)
                    || holds(body.source.quote.as_deref(), g)
            })
    }

    /// Refuses codes the taxonomy or the framework does not know, naming the flag.
    fn check(&self, framework: &Framework, taxonomy: &Taxonomy) -> Result<(), AppError> {
        let unknown = |flag: &str, value: &str, expected: String| {
            Err(AppError::Argument(ValidationError::new(
                flag,
                format!("unknown code `{value}`; expected one of: {expected}"),
            )))
        };
        if let Some(pillar) = &self.pillar
            && framework.pillar(pillar).is_none()
        {
            return unknown("--pillar", pillar, framework.pillar_ids());
        }
        if let Some(issue) = &self.issue
            && framework.issue(issue).is_none()
        {
            return unknown("--issue", issue, framework.issue_ids());
        }
        for (flag, code) in [("--actor", &self.actor), ("--target", &self.target)] {
            if let Some(code) = code
                && taxonomy.actor(code).is_none()
            {
                return unknown(flag, code, "the codes `dyad codes actors` lists".into());
            }
        }
        if let Some(action) = &self.action
            && taxonomy.action(action).is_none()
        {
            return unknown("--action", action, taxonomy.action_codes());
        }
        Ok(())
    }
}

/// What amendments known at the log's moment did to a report `log` lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amended {
    /// At least one correction replaced some of its fields.
    pub corrected: bool,
    /// It was retracted: it no longer counts.
    pub retracted: bool,
}

/// The date and the moment of the log a question is asked about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct When {
    /// Valid time: count reports that occurred on or before this date (default: today).
    pub as_of: Option<NaiveDate>,
    /// Transaction time: read the log as it stood at this instant (default: everything).
    pub known_at: Option<DateTime<Utc>>,
}

impl When {
    /// On `as_of`, by everything the log holds.
    pub fn on(as_of: NaiveDate) -> When {
        When {
            as_of: Some(as_of),
            known_at: None,
        }
    }
}

/// The step of a replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// Each day.
    Day,
    /// Each week.
    Week,
    /// Each month (the same day of the month, or its last day).
    Month,
    /// Each quarter.
    Quarter,
}

impl Every {
    /// The `step`-th date after `from`.
    fn nth(self, from: NaiveDate, step: u32) -> Option<NaiveDate> {
        match self {
            Every::Day => from.checked_add_days(chrono::Days::new(u64::from(step))),
            Every::Week => from.checked_add_days(chrono::Days::new(7 * u64::from(step))),
            Every::Month => from.checked_add_months(Months::new(step)),
            Every::Quarter => from.checked_add_months(Months::new(3 * step)),
        }
    }
}

/// How many dates [`replay_dates`] gives, computed without making them, so that a service can
/// refuse a huge range before any work (`to` before `from`: none).
pub fn replay_steps(from: NaiveDate, to: NaiveDate, every: Every) -> u64 {
    if to < from {
        return 0;
    }
    let days = u64::try_from((to - from).num_days()).unwrap_or(0);
    let months = || {
        let whole = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month0())
            - i64::from(from.month0());
        // A month step from the 31st can fall short: count the last whole one at most.
        u64::try_from(whole).unwrap_or(0)
    };
    let steps = match every {
        Every::Day => days,
        Every::Week => days / 7,
        Every::Month => months(),
        Every::Quarter => months() / 3,
    };
    // `from`, each step after it, and `to` when the steps do not land on it.
    steps + 2
}

/// Dates of a replay: `from`, then one step at a time while on or before `to`, then `to` itself
/// when the steps do not land on it (a replay answers for the day it was asked to reach).
pub fn replay_dates(from: NaiveDate, to: NaiveDate, every: Every) -> Vec<NaiveDate> {
    let mut dates: Vec<NaiveDate> = (0..)
        .map_while(|step| every.nth(from, step).filter(|date| *date <= to))
        .collect();
    if from <= to && dates.last() != Some(&to) {
        dates.push(to);
    }
    dates
}

/// What the coder proposed for an article.
#[derive(Debug, Clone, Default)]
pub struct Proposals {
    /// Proposals `append` accepts, with the event they validate to.
    pub valid: Vec<(Proposal, Event)>,
    /// Proposals that do not validate (a date in the future...), with the reason.
    pub refused: Vec<(Proposal, String)>,
}

/// How `import` batches its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    /// Events per transaction.
    pub batch_size: usize,
    /// One transaction for the whole input, refused whole if a line is refused.
    pub atomic: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            batch_size: 5_000,
            atomic: false,
        }
    }
}

/// How far an import has gone, reported as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    /// Lines read.
    pub lines: u64,
    /// Bytes read.
    pub bytes: u64,
}

/// How many lines the reading thread of an import hands over at a time (and how often progress
/// is reported).
const LINES_PER_CHUNK: usize = 1_000;

/// Events of an import waiting for their batch, with their lines.
#[derive(Default)]
struct PendingImport {
    lines: Vec<usize>,
    events: Vec<NewEvent>,
}

impl PendingImport {
    fn push(&mut self, line: usize, event: NewEvent) {
        self.lines.push(line);
        self.events.push(event);
    }

    /// Refuses the lines holding `id`, but for the first `keep` of them.
    fn refuse(&mut self, id: Uuid, keep: usize, problem: &str, summary: &mut ImportSummary) {
        let mut seen = 0;
        let mut index = 0;
        while index < self.events.len() {
            if self.events[index].id == id {
                seen += 1;
                if seen > keep {
                    summary.refuse(LineError {
                        line: self.lines.remove(index),
                        field: Some("id".into()),
                        problem: problem.to_string(),
                    });
                    self.events.remove(index);
                    continue;
                }
            }
            index += 1;
        }
    }
}

/// A line of an import, read and checked.
enum Checked {
    /// A valid report, already in the store's form (built on the reading thread).
    Event(usize, NewEvent),
    /// A correction, retraction or corroboration: rare, so boxed to keep lines small.
    Amendment(usize, Box<AmendmentInput>),
    Refused(LineError),
}

/// Lines handed from the reading thread of an import to the appending one.
struct CheckedChunk {
    lines: Vec<Checked>,
    bytes_read: u64,
}

/// What [`Tracker::append_ndjson_streamed`] did.
#[derive(Debug, Clone, Default)]
pub struct StreamedAppend {
    /// What the store did with each event, in input order.
    pub outcomes: Vec<Appended>,
    /// When the new events were recorded (`None` when nothing was new).
    pub recorded_at: Option<DateTime<Utc>>,
    /// The likely duplicates, by line.
    pub duplicates: Vec<(usize, LikelyDuplicate)>,
}

/// What a streamed append keeps from one chunk to the next.
struct StreamedBatch {
    /// The log's head before the append: duplicates are looked for among these events.
    start: u64,
    expected_version: Option<u64>,
    /// Whether the store's chunked batch is open.
    begun: bool,
    outcomes: Vec<Appended>,
    recorded_at: Option<DateTime<Utc>>,
    duplicates: Vec<(usize, LikelyDuplicate)>,
    /// The first line of each id, and the later lines holding it again.
    first_lines: HashMap<Uuid, usize>,
    repeats: HashMap<Uuid, (usize, Vec<usize>)>,
    /// Every stream of the input (few), to name them all when one was expected.
    streams: std::collections::BTreeSet<String>,
    origin_for_empty: String,
}

impl StreamedBatch {
    fn new(start: u64, expected_version: Option<u64>, origin: &str) -> Self {
        Self {
            start,
            expected_version,
            begun: false,
            outcomes: Vec::new(),
            recorded_at: None,
            duplicates: Vec::new(),
            first_lines: HashMap::new(),
            repeats: HashMap::new(),
            streams: Default::default(),
            origin_for_empty: origin.to_string(),
        }
    }

    /// Notes an accepted line's id and stream.
    fn note(&mut self, line: usize, event: &Event) {
        match self.first_lines.get(&event.id) {
            Some(&first) => self
                .repeats
                .entry(event.id)
                .or_insert_with(|| (first, Vec::new()))
                .1
                .push(line),
            None => {
                self.first_lines.insert(event.id, line);
            }
        }
        if !self.streams.contains(event.dyad.as_str()) {
            self.streams.insert(event.dyad.as_str().to_string());
        }
    }
}

/// The refusal of `--strict-duplicates`, naming each line.
fn duplicates_refused(duplicates: &[(usize, LikelyDuplicate)]) -> AppError {
    let errors: Vec<LineError> = duplicates
        .iter()
        .map(|(line, duplicate)| LineError {
            line: *line,
            field: None,
            problem: format!(
                "{duplicate}; record this source with `dyad corroborate {}`, or append \
                 without --strict-duplicates",
                crate::domain::event::short_id(duplicate.id)
            ),
        })
        .collect();
    AppError::Input(InputError::Refused {
        total: errors.len(),
        errors,
    })
}

/// How many refused lines `append` lists (the rest are counted), as [`ingest::read_events`].
const MAX_LISTED_LINE_ERRORS: usize = 20;

/// Inputs up to this size are read whole, as [`ingest::read_events`] reads them (a single event
/// may be pretty-printed over several lines); larger ones line by line.
const READ_WHOLE_BYTES: usize = 1024 * 1024;

/// A chunk of `append`'s lines, validated, or why the input fails as a whole.
type AppendChunk = Result<Vec<Result<(usize, Event), LineError>>, InputError>;

/// The reading half of a streamed append: reads, parses and validates lines, and sends them on
/// in chunks until the input ends, fails, or the appending half stops listening.
fn read_append_lines(
    reader: impl BufRead,
    origin: &str,
    validator: &Validator<'_>,
    sender: std::sync::mpsc::SyncSender<AppendChunk>,
) {
    let mut reader = reader.take(ingest::ndjson::MAX_INPUT_BYTES + 1);
    let mut start = Vec::new();
    if let Err(source) = (&mut reader)
        .take(READ_WHOLE_BYTES as u64 + 1)
        .read_to_end(&mut start)
    {
        let _stopped = sender.send(Err(InputError::Read {
            origin: origin.to_string(),
            source,
        }));
        return;
    }
    if start.len() <= READ_WHOLE_BYTES {
        let _stopped = sender.send(
            ingest::read_events(start.as_slice(), origin, validator)
                .map(|events| events.into_iter().map(Ok).collect()),
        );
        return;
    }
    let mut lines = Lines::new(std::io::Cursor::new(start).chain(reader));
    let mut line = Vec::new();
    let mut chunk = Vec::with_capacity(LINES_PER_CHUNK);
    loop {
        let (number, fits) = match lines.next_line(&mut line) {
            Ok(Some(next)) => next,
            Ok(None) => break,
            Err(source) => {
                let _stopped = sender.send(Err(InputError::Read {
                    origin: origin.to_string(),
                    source,
                }));
                return;
            }
        };
        if !fits && lines.last_was_blank() {
            // Blank lines are skipped, however long, as `read_events` skips them.
            continue;
        }
        chunk.push(
            ingest::parse_append_line(number, &line, lines.last_length()).and_then(|input| {
                validator
                    .validate(input)
                    .map(|event| (number, event))
                    .map_err(|error| LineError::at(number, error))
            }),
        );
        if chunk.len() == LINES_PER_CHUNK {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(LINES_PER_CHUNK));
            if sender.send(Ok(full)).is_err() {
                return;
            }
        }
    }
    if lines.bytes_read() > ingest::ndjson::MAX_INPUT_BYTES {
        let _stopped = sender.send(Err(InputError::TooLarge {
            origin: origin.to_string(),
        }));
        return;
    }
    let _stopped = sender.send(Ok(chunk));
}

/// The reading half of an import: reads, parses and validates lines, and sends them on in
/// chunks until the input ends, reading fails, or the appending half stops listening.
fn read_checked(
    reader: impl BufRead,
    validator: &Validator<'_>,
    recorder: &Recorder,
    sender: std::sync::mpsc::SyncSender<std::io::Result<CheckedChunk>>,
) {
    let mut lines = Lines::new(reader);
    let mut line = Vec::new();
    let mut chunk = Vec::with_capacity(LINES_PER_CHUNK);
    loop {
        let next = match lines.next_line(&mut line) {
            Ok(next) => next,
            Err(error) => {
                let _stopped = sender.send(Err(error));
                return;
            }
        };
        let Some((number, fits)) = next else { break };
        let parsed = if fits {
            parse_import_line(number, &line)
        } else {
            Err(LineError {
                line: number,
                field: None,
                problem: format!("the line is longer than {MAX_EVENT_BYTES} bytes"),
            })
        };
        chunk.push(match parsed {
            Err(error) => Checked::Refused(error),
            Ok(ImportLine::Report(input)) => match validator.validate(input) {
                Ok(event) => Checked::Event(number, new_event(&event, recorder)),
                Err(error) => Checked::Refused(LineError::at(number, error)),
            },
            Ok(ImportLine::Amendment(input)) => Checked::Amendment(number, Box::new(input)),
        });
        if chunk.len() == LINES_PER_CHUNK {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(LINES_PER_CHUNK));
            let sent = sender.send(Ok(CheckedChunk {
                lines: full,
                bytes_read: lines.bytes_read(),
            }));
            if sent.is_err() {
                return;
            }
        }
    }
    let _stopped = sender.send(Ok(CheckedChunk {
        lines: chunk,
        bytes_read: lines.bytes_read(),
    }));
}

/// How many refused lines an import lists (the rest are counted).
const MAX_LISTED_REFUSALS: usize = 100;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportSummary {
    /// Lines read (blank lines excepted).
    pub lines: u64,
    /// Events appended.
    pub appended: u64,
    /// Events already in the log with the same content (skipped).
    pub already_recorded: u64,
    /// Lines refused.
    pub refused: u64,
    /// The first refused lines, in line order, with the reason.
    pub refusals: Vec<LineError>,
}

impl ImportSummary {
    fn refuse(&mut self, error: LineError) {
        self.refused += 1;
        if self.refusals.len() < MAX_LISTED_REFUSALS {
            self.refusals.push(error);
        }
    }

    fn count(&mut self, receipt: &AppendReceipt) {
        for outcome in &receipt.outcomes {
            match outcome {
                crate::store::Appended::Recorded { .. } => self.appended += 1,
                crate::store::Appended::AlreadyRecorded { .. } => self.already_recorded += 1,
            }
        }
    }
}

/// What an append does about reports the log likely already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateCheck {
    /// Do not look (imports, the service).
    Skip,
    /// Append, and return them so that the caller can warn.
    Warn,
    /// Refuse the batch.
    Refuse,
}

/// How far apart two reports of the same event may be dated (news dates events loosely).
pub const DUPLICATE_WINDOW_DAYS: u64 = 3;

/// The CAMEO roots of actions two sides do together (intend to cooperate, consult, cooperate
/// diplomatically or materially): for them, A→B and B→A are the same event.
const JOINT_FAMILIES: [&str; 4] = ["03", "04", "05", "06"];

/// A report of the log that likely tells the same event as a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikelyDuplicate {
    /// The report's id.
    pub id: Uuid,
    /// Its position.
    pub position: u64,
    /// Its outlet.
    pub outlet: String,
    /// What it says.
    pub summary: String,
}

impl std::fmt::Display for LikelyDuplicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "likely the same event as #{} {} (reported by {})",
            self.position,
            crate::domain::event::short_id(self.id),
            self.outlet
        )
    }
}

/// How many events an ambiguous id prefix lists.
const LISTED_CANDIDATES: usize = 10;

/// How many times an amendment is retried when another writer appends in between.
const AMENDMENT_ATTEMPTS: usize = 10;

/// The outcome of an append, beside the events it was given.
#[derive(Debug, Clone)]
pub struct AppendSummary {
    /// The validated events, in input order.
    pub events: Vec<Event>,
    /// What the store did with each.
    pub receipt: AppendReceipt,
}

/// The result of `verify`.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyReport {
    /// Events checked before the first problem (all of them when sound).
    pub events: u64,
    /// The hash of the last sound event.
    pub head_hash: String,
    /// The first problem of the chain, if any.
    pub first_break: Option<ChainBreak>,
    /// What else is wrong beside the chain (the database's integrity, missing triggers,
    /// checkpoints that cannot be used), in the order found.
    pub problems: Vec<String>,
}

impl VerifyReport {
    /// Whether nothing is wrong.
    pub fn is_sound(&self) -> bool {
        self.first_break.is_none() && self.problems.is_empty()
    }
}

/// A relationship's log with the framework it is read under.
pub struct Tracker<S: EventStore = LogStore> {
    store: S,
    framework: Framework,
    taxonomy: &'static Taxonomy,
    clock: Arc<dyn Clock>,
    checkpoint_interval: Option<u64>,
    last_fold: Cell<FoldTrace>,
    /// The name of this tracker's checkpoints (framework and taxonomy never change in it).
    projection: String,
    /// Who the events this tracker appends are recorded by.
    recorder: Recorder,
}

/// Names the projection a checkpoint holds: the framework, the taxonomy and the ledger's format.
/// A checkpoint of another projection is never read.
fn projection_id(framework: &Framework, taxonomy: &Taxonomy) -> String {
    let mut hasher = Sha256::new();
    hasher.update(LEDGER_FORMAT.to_le_bytes());
    hasher.update(serde_json::to_vec(framework).unwrap_or_default());
    hasher.update(serde_json::to_vec(taxonomy.actions()).unwrap_or_default());
    let digest = hasher.finalize();
    let short: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("status-{short}")
}

/// How many events a fold reads past the latest checkpoint before it saves a new one.
pub const CHECKPOINT_INTERVAL: u64 = 10_000;

/// What a fold read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FoldTrace {
    /// The position of the checkpoint it started from.
    pub checkpoint: Option<u64>,
    /// The events it read from the log after it.
    pub events_read: u64,
}

impl Tracker<LogStore> {
    /// Opens the log at `path` (creating it) under `framework`: a SQLite file, or a PostgreSQL
    /// database when `path` is a `postgres://` URL.
    pub fn open(
        path: &Path,
        framework: Framework,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AppError> {
        Self::open_with(path, framework, clock, OpenMode::Create)
    }

    /// Opens the log at `path` (a file or a `postgres://` URL) as `mode` says (creating it, or only an existing one,
    /// or reading it) under `framework`.
    pub fn open_with(
        path: &Path,
        framework: Framework,
        clock: Arc<dyn Clock>,
        mode: OpenMode,
    ) -> Result<Self, AppError> {
        let store = LogStore::open_with(path, clock.clone(), mode)?;
        Ok(Tracker::new(store, framework, clock))
    }
}

impl<S: EventStore> Tracker<S> {
    /// A tracker over any store.
    pub fn new(store: S, framework: Framework, clock: Arc<dyn Clock>) -> Self {
        let projection = projection_id(&framework, Taxonomy::builtin());
        Self {
            store,
            framework,
            taxonomy: Taxonomy::builtin(),
            clock,
            checkpoint_interval: Some(CHECKPOINT_INTERVAL),
            last_fold: Cell::new(FoldTrace::default()),
            projection,
            recorder: Recorder::unknown(),
        }
    }

    /// Records the events this tracker appends as `recorder`'s (by default
    /// [`crate::domain::recorder::UNKNOWN_RECORDER`]).
    pub fn with_recorder(mut self, recorder: Recorder) -> Self {
        self.recorder = recorder;
        self
    }

    /// Records what this tracker appends from now on as `recorder`'s (the server's writer
    /// records each person's writes under their name).
    pub fn set_recorder(&mut self, recorder: Recorder) {
        self.recorder = recorder;
    }

    /// Who the events this tracker appends are recorded by.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// The store, for the workspaces beside the log (the inbox).
    pub(crate) fn store(&self) -> &S {
        &self.store
    }

    /// The store, to write the workspaces beside the log.
    pub(crate) fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// The framework in use.
    pub fn framework(&self) -> &Framework {
        &self.framework
    }

    /// The taxonomy in use.
    pub fn taxonomy(&self) -> &'static Taxonomy {
        self.taxonomy
    }

    /// Today, by the injected clock.
    pub fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    /// A validator for inputs, refusing dates after today.
    pub fn validator(&self) -> Validator<'_> {
        Validator::new(self.taxonomy, &self.framework, self.today())
    }

    /// Reads NDJSON events from `reader` and appends them as one atomic batch.
    pub fn append_ndjson(
        &mut self,
        reader: impl Read,
        origin: &str,
        expected_version: Option<u64>,
    ) -> Result<AppendSummary, AppError> {
        self.append_ndjson_checked(reader, origin, expected_version, DuplicateCheck::Skip)
            .map(|(summary, _)| summary)
    }

    /// [`Tracker::append_ndjson`], first looking for reports the log likely already holds
    /// ([`Tracker::likely_duplicates`]): they are returned with their lines, or with
    /// [`DuplicateCheck::Refuse`] refuse the batch, naming the lines, before anything is written.
    pub fn append_ndjson_checked(
        &mut self,
        reader: impl Read,
        origin: &str,
        expected_version: Option<u64>,
        check: DuplicateCheck,
    ) -> Result<(AppendSummary, Vec<(usize, LikelyDuplicate)>), AppError> {
        let (lines, events): (Vec<usize>, Vec<Event>) =
            ingest::read_events(reader, origin, &self.validator())?
                .into_iter()
                .unzip();
        let duplicates: Vec<(usize, LikelyDuplicate)> = match check {
            DuplicateCheck::Skip => Vec::new(),
            DuplicateCheck::Warn | DuplicateCheck::Refuse => self
                .likely_duplicates(&events)?
                .into_iter()
                .map(|(index, duplicate)| (lines[index], duplicate))
                .collect(),
        };
        if check == DuplicateCheck::Refuse && !duplicates.is_empty() {
            return Err(duplicates_refused(&duplicates));
        }
        self.append_read(lines, events, expected_version)
            .map(|summary| (summary, duplicates))
    }

    /// Reads NDJSON events from `reader` and appends them as one atomic batch, as
    /// [`Tracker::append_ndjson_checked`] does, in one pass: a second thread reads, parses and
    /// validates lines while this one checks them for likely duplicates and appends them, chunk
    /// by chunk, inside one transaction that commits only if every line is accepted. Memory does
    /// not grow with the events (the outcomes, a few words each, and the ids, to name a line
    /// repeating an earlier line's id, excepted): [`Tracker::appended_events`] reads the events
    /// back for printing.
    pub fn append_ndjson_streamed(
        &mut self,
        reader: impl BufRead + Send,
        origin: &str,
        expected_version: Option<u64>,
        check: DuplicateCheck,
    ) -> Result<StreamedAppend, AppError> {
        let framework = self.framework.clone();
        let taxonomy = self.taxonomy;
        let today = self.today();
        std::thread::scope(|scope| {
            let (sender, chunks) = std::sync::mpsc::sync_channel(4);
            scope.spawn(move || {
                let validator = Validator::new(taxonomy, &framework, today);
                read_append_lines(reader, origin, &validator, sender);
            });
            let mut batch =
                StreamedBatch::new(self.store.position_at(None)?, expected_version, origin);
            let outcome = self.append_chunks(chunks, &mut batch, check);
            if batch.begun {
                // Committed only when every chunk was accepted; otherwise nothing stays.
                let commit = matches!(outcome, Ok(()));
                self.store.end_chunks(commit)?;
            }
            outcome?;
            Ok(StreamedAppend {
                outcomes: batch.outcomes,
                recorded_at: batch.recorded_at,
                duplicates: batch.duplicates,
            })
        })
    }

    /// The appending half of [`Tracker::append_ndjson_streamed`]: judges the chunks in the order
    /// `append` judges a batch (the input, then duplicates, then the store), reading to the end
    /// once something is refused so that the refusal is the one `append` gives.
    fn append_chunks(
        &mut self,
        chunks: std::sync::mpsc::Receiver<AppendChunk>,
        batch: &mut StreamedBatch,
        check: DuplicateCheck,
    ) -> Result<(), AppError> {
        let mut refused: Vec<LineError> = Vec::new();
        let mut total_refused = 0;
        let mut store_refusal: Option<StoreError> = None;
        let mut any = false;
        for chunk in chunks {
            let chunk = chunk.map_err(AppError::Input)?;
            let mut lines = Vec::with_capacity(chunk.len());
            let mut events = Vec::with_capacity(chunk.len());
            for item in chunk {
                any = true;
                match item {
                    Ok((line, event)) => {
                        batch.note(line, &event);
                        lines.push(line);
                        events.push(event);
                    }
                    Err(error) => {
                        total_refused += 1;
                        if refused.len() < MAX_LISTED_LINE_ERRORS {
                            refused.push(error);
                        }
                    }
                }
            }
            if total_refused > 0 {
                self.stop(batch)?;
                continue;
            }
            if check != DuplicateCheck::Skip {
                let found = self.likely_duplicates_before(&events, batch.start)?;
                batch
                    .duplicates
                    .extend(found.into_iter().map(|(index, d)| (lines[index], d)));
                if check == DuplicateCheck::Refuse && !batch.duplicates.is_empty() {
                    self.stop(batch)?;
                    continue;
                }
            }
            if store_refusal.is_some() || events.is_empty() {
                continue;
            }
            if !batch.begun {
                self.store.begin_chunks(batch.expected_version)?;
                batch.begun = true;
            }
            let new = new_events(&events, &self.recorder);
            match self.store.append_chunk(&new, &same_content) {
                Ok(receipt) => {
                    batch.outcomes.extend(receipt.outcomes);
                    batch.recorded_at = batch.recorded_at.or(receipt.recorded_at);
                }
                Err(error @ (StoreError::Database(_) | StoreError::Postgres(_))) => {
                    return Err(error.into());
                }
                Err(refusal) => {
                    self.stop(batch)?;
                    store_refusal = Some(refusal);
                }
            }
        }
        if total_refused > 0 {
            return Err(AppError::Input(InputError::Refused {
                errors: refused,
                total: total_refused,
            }));
        }
        if !any {
            return Err(AppError::Input(InputError::Empty {
                origin: batch.origin_for_empty.clone(),
            }));
        }
        if check == DuplicateCheck::Refuse && !batch.duplicates.is_empty() {
            return Err(duplicates_refused(&batch.duplicates));
        }
        match store_refusal {
            None => Ok(()),
            Some(StoreError::IdRepeated { id }) => {
                let (first, repeats) = batch.repeats.remove(&id).unwrap_or_default();
                let errors: Vec<LineError> = repeats
                    .into_iter()
                    .map(|line| LineError {
                        line,
                        field: Some("id".into()),
                        problem: format!("{id} is also the id of line {first}, with other content"),
                    })
                    .collect();
                Err(AppError::Input(InputError::Refused {
                    total: errors.len(),
                    errors,
                }))
            }
            Some(StoreError::ExpectedVersionNeedsOneStream { .. }) => {
                Err(AppError::Store(StoreError::ExpectedVersionNeedsOneStream {
                    streams: batch.streams.iter().cloned().collect::<Vec<_>>().join(", "),
                }))
            }
            Some(refusal) => Err(refusal.into()),
        }
    }

    /// Rolls back what a chunked batch wrote, once a line or a chunk is refused.
    fn stop(&mut self, batch: &mut StreamedBatch) -> Result<(), AppError> {
        if batch.begun {
            batch.begun = false;
            self.store.end_chunks(false)?;
        }
        batch.outcomes.clear();
        batch.recorded_at = None;
        Ok(())
    }

    /// The events of `outcomes` (of one append), read back from the log, to print them.
    pub fn appended_events(&self, outcomes: &[Appended]) -> Result<Vec<Event>, AppError> {
        let position = |outcome: &Appended| match *outcome {
            Appended::Recorded { position, .. } | Appended::AlreadyRecorded { position, .. } => {
                position
            }
        };
        let recorded: Vec<u64> = outcomes
            .iter()
            .filter(|o| matches!(o, Appended::Recorded { .. }))
            .map(position)
            .collect();
        let mut found: HashMap<u64, Event> = HashMap::with_capacity(outcomes.len());
        if let (Some(&first), Some(&last)) = (recorded.iter().min(), recorded.iter().max()) {
            // The new events of one append are consecutive: one scan reads them.
            let scan = Scan {
                after_position: Some(first - 1),
                until_position: Some(last),
                ..Scan::default()
            };
            let mut failure = None;
            self.store.scan(&scan, &mut |stored| match decode(stored) {
                Ok(logged) => {
                    found.insert(logged.position, logged.event);
                    ControlFlow::Continue(())
                }
                Err(error) => {
                    failure = Some(error);
                    ControlFlow::Break(())
                }
            })?;
            if let Some(error) = failure {
                return Err(error);
            }
        }
        outcomes
            .iter()
            .map(|outcome| {
                let position = position(outcome);
                if let Some(event) = found.get(&position) {
                    return Ok(event.clone());
                }
                let stored =
                    self.store
                        .event_at(position)?
                        .ok_or(AppError::Store(StoreError::Corrupt {
                            position,
                            detail: "an event just appended is missing".into(),
                        }))?;
                Ok(decode(stored)?.event)
            })
            .collect()
    }

    /// Appends events read from lines, naming the lines of an id repeated with other content.
    fn append_read(
        &mut self,
        lines: Vec<usize>,
        events: Vec<Event>,
        expected_version: Option<u64>,
    ) -> Result<AppendSummary, AppError> {
        let ids: Vec<Uuid> = events.iter().map(|event| event.id).collect();
        match self.append(events, expected_version) {
            // Name the lines, which the store does not know.
            Err(AppError::Store(StoreError::IdRepeated { id })) => {
                let mut holding = lines
                    .iter()
                    .zip(&ids)
                    .filter(|(_, i)| **i == id)
                    .map(|(l, _)| *l);
                let first = holding.next().unwrap_or_default();
                let errors: Vec<LineError> = holding
                    .map(|line| LineError {
                        line,
                        field: Some("id".into()),
                        problem: format!("{id} is also the id of line {first}, with other content"),
                    })
                    .collect();
                Err(AppError::Input(InputError::Refused {
                    total: errors.len(),
                    errors,
                }))
            }
            outcome => outcome,
        }
    }

    /// Appends validated events as one atomic batch.
    pub fn append(
        &mut self,
        events: Vec<Event>,
        expected_version: Option<u64>,
    ) -> Result<AppendSummary, AppError> {
        let receipt = self.append_batch(&events, expected_version)?;
        Ok(AppendSummary { events, receipt })
    }

    fn append_batch(
        &mut self,
        events: &[Event],
        expected_version: Option<u64>,
    ) -> Result<AppendReceipt, AppError> {
        let batch = new_events(events, &self.recorder);
        Ok(self.store.append(&batch, expected_version, &same_content)?)
    }

    /// The events the coder proposes for a news article, each checked as `append` would check
    /// it: the valid ones with their validated event, the others with the reason.
    pub fn propose(
        &self,
        article: &str,
        dictionary: &Dictionary,
        options: &CodingOptions,
    ) -> Result<Proposals, CodingError> {
        let unknown = dictionary.unknown_codes(self.taxonomy, &self.framework);
        if !unknown.is_empty() {
            return Err(CodingError::UnknownCodes(unknown.join(", ")));
        }
        let proposals = coder::code(article, dictionary, &self.framework, options)?;
        let validator = self.validator();
        let mut sorted = Proposals::default();
        for proposal in proposals {
            match validator.validate(proposal.event.clone()) {
                Ok(event) => sorted.valid.push((proposal, event)),
                Err(error) => sorted.refused.push((proposal, error.to_string())),
            }
        }
        Ok(sorted)
    }

    /// Imports NDJSON (reports, and corrections and retractions as `export` writes them) line by
    /// line, in batches of `options.batch_size` events, each its own transaction: memory does not
    /// grow with the input, an interrupted import leaves the batches committed so far, and
    /// running it again completes it (ids make it idempotent). A refused line is counted and
    /// skipped; with `options.atomic` it refuses the whole input instead, which is then one batch.
    pub fn import(
        &mut self,
        reader: impl BufRead + Send,
        options: ImportOptions,
        mut progress: impl FnMut(&ImportProgress),
    ) -> Result<ImportSummary, AppError> {
        // A second thread reads, parses and validates while this one appends: the two halves
        // of the work overlap, and the channel's bound keeps memory flat.
        let framework = self.framework.clone();
        let taxonomy = self.taxonomy;
        let today = self.today();
        let recorder = self.recorder.clone();
        std::thread::scope(|scope| {
            let (sender, chunks) = std::sync::mpsc::sync_channel(4);
            scope.spawn(move || {
                let validator = Validator::new(taxonomy, &framework, today);
                read_checked(reader, &validator, &recorder, sender);
            });
            let mut pending = PendingImport::default();
            let mut summary = ImportSummary::default();
            for chunk in chunks {
                let chunk: CheckedChunk = chunk.map_err(|source| {
                    AppError::Input(InputError::Read {
                        origin: "the import".into(),
                        source,
                    })
                })?;
                for item in chunk.lines {
                    summary.lines += 1;
                    match item {
                        Checked::Refused(error) => summary.refuse(error),
                        Checked::Event(number, event) => pending.push(number, event),
                        Checked::Amendment(number, _) if options.atomic => {
                            summary.refuse(LineError {
                                line: number,
                                field: Some("kind".into()),
                                problem: "corrections and retractions are imported in their own \
                                      transactions: import without --atomic"
                                    .into(),
                            })
                        }
                        Checked::Amendment(number, input) => {
                            self.flush_import(&mut pending, &mut summary)?;
                            self.import_amendment(number, *input, &mut summary)?;
                        }
                    }
                    if !options.atomic && pending.events.len() >= options.batch_size.max(1) {
                        self.flush_import(&mut pending, &mut summary)?;
                    }
                }
                progress(&ImportProgress {
                    lines: summary.lines,
                    bytes: chunk.bytes_read,
                });
            }
            if options.atomic && summary.refused > 0 {
                return Err(AppError::Input(InputError::Refused {
                    total: summary.refused as usize,
                    errors: summary.refusals,
                }));
            }
            if options.atomic {
                // One batch, refused whole: an id recorded with other content refuses it all.
                let receipt = self.store.append(&pending.events, None, &same_content)?;
                summary.count(&receipt);
                pending = PendingImport::default();
            }
            self.flush_import(&mut pending, &mut summary)?;
            if summary.lines == 0 {
                // As `append` refuses an empty input: an empty file is more likely the wrong
                // file than a batch of nothing.
                return Err(AppError::Input(InputError::Empty {
                    origin: "the input".into(),
                }));
            }
            summary.refusals.sort_by_key(|e| e.line);
            Ok(summary)
        })
    }

    /// Appends the pending events of an import as one batch. An id already recorded with other
    /// content refuses its line only, and the rest of the batch is appended.
    fn flush_import(
        &mut self,
        pending: &mut PendingImport,
        summary: &mut ImportSummary,
    ) -> Result<(), AppError> {
        while !pending.events.is_empty() {
            match self
                .store
                .append(&pending.events, None, &same_content)
                .map_err(AppError::from)
            {
                Ok(receipt) => {
                    summary.count(&receipt);
                    pending.lines.clear();
                    pending.events.clear();
                }
                Err(AppError::Store(StoreError::IdConflict { id, position })) => {
                    let problem = format!(
                        "id {id} is already recorded (position {position}) with different content"
                    );
                    pending.refuse(id, 0, &problem, summary);
                }
                Err(AppError::Store(StoreError::IdRepeated { id })) => {
                    let problem = format!("id {id} is on an earlier line with different content");
                    pending.refuse(id, 1, &problem, summary);
                }
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// Imports one correction or retraction, keeping its id and day.
    fn import_amendment(
        &mut self,
        line: usize,
        input: AmendmentInput,
        summary: &mut ImportSummary,
    ) -> Result<(), AppError> {
        let envelope = match self.validator().check_amendment(&input) {
            Ok(envelope) => envelope,
            Err(error) => {
                summary.refuse(LineError::at(line, error));
                return Ok(());
            }
        };
        let reason = input.reason.clone();
        let source_url = input.source_url.clone();
        let fields = input.fields.clone();
        let other_source = input.source.clone();
        let kind = input.kind;
        let dyad = input.dyad.clone();
        let amended = self.amend(envelope.target, |validator, report| {
            if report.dyad.as_str() != dyad {
                return Err(ValidationError::new(
                    "dyad",
                    format!(
                        "`{dyad}` is not the dyad of the report amended ({})",
                        report.dyad
                    ),
                ));
            }
            let made = match (kind, &fields, &other_source) {
                (EventKind::Corroboration, _, Some(source)) => {
                    validator.validate_corroboration(report, source.clone(), &reason)
                }
                (_, Some(fields), _) => validator.validate_correction(
                    report,
                    fields.clone(),
                    &reason,
                    source_url.clone(),
                ),
                _ => validator.validate_retraction(report, &reason, source_url.clone()),
            }?;
            Ok(Event {
                id: envelope.id,
                occurred_on: envelope.occurred_on,
                ..made
            })
        });
        match amended {
            Ok(appended) => summary.count(&appended.receipt),
            Err(AppError::Argument(error)) => summary.refuse(LineError::at(line, error)),
            Err(AppError::Amendment(problem)) => summary.refuse(LineError {
                line,
                field: None,
                problem,
            }),
            Err(AppError::Store(conflict @ StoreError::IdConflict { .. })) => {
                summary.refuse(LineError {
                    line,
                    field: Some("id".into()),
                    problem: conflict.to_string(),
                })
            }
            Err(error) => return Err(error),
        }
        Ok(())
    }

    /// Appends several independent batches of validated events, each with its own expected
    /// version, in one transaction (a group commit): each batch is recorded or refused on its
    /// own, as [`Tracker::append`] would judge it after the batches before it. The outer `Err`
    /// means the log failed and nothing was written.
    pub fn append_group(
        &mut self,
        batches: Vec<(Vec<Event>, Option<u64>)>,
    ) -> Result<Vec<Result<AppendSummary, AppError>>, AppError> {
        let stored: Vec<Vec<NewEvent>> = batches
            .iter()
            .map(|(events, _)| new_events(events, &self.recorder))
            .collect();
        let requests: Vec<BatchRequest<'_>> = stored
            .iter()
            .zip(&batches)
            .map(|(events, (_, expected_version))| BatchRequest {
                events,
                expected_version: *expected_version,
            })
            .collect();
        let receipts = self.store.append_group(&requests, &same_content)?;
        Ok(batches
            .into_iter()
            .zip(receipts)
            .map(|((events, _), receipt)| {
                receipt
                    .map(|receipt| AppendSummary { events, receipt })
                    .map_err(AppError::from)
            })
            .collect())
    }

    /// The version of a dyad's stream.
    pub fn stream_version(&self, dyad: &str) -> Result<u64, AppError> {
        Ok(self.store.stream_version(dyad)?)
    }

    /// Visits the events `filter` selects, in log order, decoded, each with what the amendments
    /// the log holds (at `filter.known_at`) did to it. Content filters read reports as recorded;
    /// an amendment is listed when the report it amends is.
    pub fn log(
        &self,
        filter: &LogFilter,
        mut visit: impl FnMut(&LoggedEvent, Amended) -> ControlFlow<()>,
    ) -> Result<(), AppError> {
        self.check_log_filter(filter)?;
        let amended = self.amended_reports(filter)?;
        let scan = Scan {
            stream: filter.dyad.clone(),
            kinds: Vec::new(),
            occurred_since: filter.since,
            occurred_until: filter.until,
            recorded_until: filter.known_at,
            after_position: filter.after_position,
            ..Scan::default()
        };
        let selects_reports = filter.selects_reports();
        let mut listed_reports: HashSet<Uuid> = HashSet::new();
        let mut listed = 0;
        let mut failure = None;
        self.store.scan(&scan, &mut |stored| {
            let logged = match decode(stored) {
                Ok(logged) => logged,
                Err(error) => {
                    failure = Some(error);
                    return ControlFlow::Break(());
                }
            };
            if selects_reports {
                let wanted = match (Report::original(&logged), logged.event.amends()) {
                    (Some(report), _) => filter.matches(&report, &self.framework),
                    (None, Some(target)) => listed_reports.contains(&target),
                    (None, None) => false,
                };
                if !wanted {
                    return ControlFlow::Continue(());
                }
                if logged.event.kind.is_report() {
                    listed_reports.insert(logged.event.id);
                }
            }
            listed += 1;
            let flow = visit(
                &logged,
                amended.get(&logged.event.id).copied().unwrap_or_default(),
            );
            if filter.limit.is_some_and(|limit| listed >= limit) {
                return ControlFlow::Break(());
            }
            flow
        })?;
        failure.map_or(Ok(()), Err)
    }

    /// Refuses a filter naming a dyad, pillar, issue, actor or action dyad does not know.
    pub fn check_log_filter(&self, filter: &LogFilter) -> Result<(), AppError> {
        if let Some(dyad) = &filter.dyad {
            self.dyad_or_default(Some(dyad))?;
        }
        filter.check(&self.framework, self.taxonomy)
    }

    /// The reports amended by the corrections and retractions `filter`'s moment knows.
    fn amended_reports(&self, filter: &LogFilter) -> Result<HashMap<Uuid, Amended>, AppError> {
        let scan = Scan {
            stream: filter.dyad.clone(),
            kinds: vec![
                EventKind::Correction.as_str().into(),
                EventKind::Retraction.as_str().into(),
                EventKind::Corroboration.as_str().into(),
            ],
            recorded_until: filter.known_at,
            ..Scan::default()
        };
        let mut amended: HashMap<Uuid, Amended> = HashMap::new();
        let mut failure = None;
        self.store.scan(&scan, &mut |stored| match decode(stored) {
            Ok(logged) => {
                if let Some(target) = logged.event.amends() {
                    let entry = amended.entry(target).or_default();
                    match logged.event.kind {
                        EventKind::Retraction => entry.retracted = true,
                        EventKind::Correction => entry.corrected = true,
                        // Another source changes none of what the report says.
                        _ => {}
                    }
                }
                ControlFlow::Continue(())
            }
            Err(error) => {
                failure = Some(error);
                ControlFlow::Break(())
            }
        })?;
        failure.map_or(Ok(amended), Err)
    }

    /// The status of `dyad` (the framework's by default) on a date, as the log stood at a moment.
    pub fn status(&self, dyad: Option<&str>, when: When) -> Result<Status, AppError> {
        let dyad = self.dyad_or_default(dyad)?;
        let as_of = when.as_of.unwrap_or_else(|| self.today());
        let position = self.store.position_at(when.known_at)?;
        let (ledger, amendments) = self.ledger_at(&dyad, position)?;
        let report_at = |position: u64| self.report_at(position, &amendments);
        Ok(Status {
            known_at: when.known_at,
            ..ledger.evaluate(as_of, &report_at)
        })
    }

    /// The status on each date of `dates`, in one pass over the log.
    pub fn replay(
        &self,
        dyad: Option<&str>,
        dates: &[NaiveDate],
        known_at: Option<DateTime<Utc>>,
        mut visit: impl FnMut(Status) -> ControlFlow<()>,
    ) -> Result<(), AppError> {
        let dyad = self.dyad_or_default(dyad)?;
        let position = self.store.position_at(known_at)?;
        let (ledger, amendments) = self.ledger_at(&dyad, position)?;
        let report_at = |position: u64| self.report_at(position, &amendments);
        for &date in dates {
            let status = Status {
                known_at,
                ..ledger.evaluate(date, &report_at)
            };
            if visit(status).is_break() {
                break;
            }
        }
        Ok(())
    }

    /// The reports that make up a score (a pillar's, an issue's, or the overall), most important
    /// first, at most `limit` of them, with the retracted reports of the scope.
    pub fn explain(
        &self,
        dyad: Option<&str>,
        scope: Scope,
        limit: usize,
        when: When,
    ) -> Result<Explanation, AppError> {
        let dyad = self.dyad_or_default(dyad)?;
        if let Some(pillar) = &scope.pillar
            && self.framework.pillar(pillar).is_none()
        {
            return Err(AppError::Argument(ValidationError::new(
                "--pillar",
                format!(
                    "unknown pillar `{pillar}`; expected one of: {}",
                    self.framework.pillar_ids()
                ),
            )));
        }
        if let Some(issue) = &scope.issue
            && self.framework.issue(issue).is_none()
        {
            return Err(AppError::Argument(ValidationError::new(
                "--issue",
                format!(
                    "unknown issue `{issue}`; expected one of: {}",
                    self.framework.issue_ids()
                ),
            )));
        }
        let as_of = when.as_of.unwrap_or_else(|| self.today());
        let position = self.store.position_at(when.known_at)?;
        let (ledger, amendments) = if scope.issue.is_none() && limit <= KEPT_DRIVERS {
            self.ledger_at(&dyad, position)?
        } else {
            // The shared ledger keeps neither issues' drivers nor long lists: fold the scope.
            let amendments = self.amendments(&dyad, position)?;
            let mut ledger = Ledger::scoped(
                &self.framework,
                self.taxonomy,
                dyad.as_str(),
                scope.clone(),
                limit,
            );
            self.fold_reports(&dyad, 0, position, &amendments, |report| ledger.add(report))?;
            (ledger, amendments)
        };
        let report_at = |position: u64| self.report_at(position, &amendments);
        let explanation = ledger.explain(as_of, scope.pillar.as_deref(), limit, &report_at);
        let retracted = self.retracted_in(&amendments, &scope, as_of)?;
        Ok(Explanation {
            known_at: when.known_at,
            retracted,
            ..explanation
        })
    }

    /// Reads checkpoints when on (`Some(interval)`: save one after folding at least `interval`
    /// events past the latest), or never (`None`).
    pub fn with_checkpoints(mut self, interval: Option<u64>) -> Self {
        self.checkpoint_interval = interval;
        self
    }

    /// What the last status, replay or explain read: the checkpoint it started from and the
    /// events it folded.
    pub fn last_fold(&self) -> FoldTrace {
        self.last_fold.get()
    }

    /// The ledger of `dyad`'s reports among the first `position` events of the log, from the
    /// latest usable checkpoint, and the amendments it was resolved with.
    fn ledger_at(&self, dyad: &Dyad, position: u64) -> Result<(Ledger<'_>, Amendments), AppError> {
        let amendments = self.amendments(dyad, position)?;
        let restored = match self.checkpoint_interval {
            Some(_) => self.usable_checkpoint(dyad, position, &amendments)?,
            None => None,
        };
        let (mut ledger, start) = match restored {
            Some((start, ledger)) => (ledger, start),
            None => (
                Ledger::new(&self.framework, self.taxonomy, dyad.as_str()),
                0,
            ),
        };
        let read = self.fold_reports(dyad, start, position, &amendments, |report| {
            ledger.add(report)
        })?;
        self.last_fold.set(FoldTrace {
            checkpoint: (start > 0).then_some(start),
            events_read: read,
        });
        if let Some(interval) = self.checkpoint_interval
            && read >= interval.max(1)
        {
            let projection = &self.projection;
            // A checkpoint is a cache: a log that cannot take one (a read-only copy, a writer
            // holding the lock) still answers, only without speeding up the next question.
            let _cached =
                self.store
                    .save_checkpoint(dyad.as_str(), projection, position, &ledger.to_bytes());
        }
        Ok((ledger, amendments))
    }

    /// The latest checkpoint at or before `position` that no later amendment invalidates: one is
    /// invalid when an amendment recorded after it applies to a report it already counted. Late
    /// reports invalidate nothing: they are folded on top.
    fn usable_checkpoint(
        &self,
        dyad: &Dyad,
        position: u64,
        amendments: &Amendments,
    ) -> Result<Option<(u64, Ledger<'_>)>, AppError> {
        let projection = &self.projection;
        // The oldest position an amendment after each checkpoint reaches back to.
        let mut amended: Vec<(u64, u64)> = Vec::new();
        for (target, amended_at) in amendments.targets() {
            if let Some(report) = self.store.event_by_id(target)? {
                amended.push((amended_at, report.position));
            }
        }
        let mut bound = position;
        while let Some((start, bytes)) =
            self.store
                .latest_checkpoint(dyad.as_str(), projection, bound)?
        {
            let invalid = amended
                .iter()
                .any(|&(amended_at, target)| amended_at > start && target <= start);
            if !invalid
                && let Some(ledger) = Ledger::from_bytes(&self.framework, self.taxonomy, &bytes)
            {
                return Ok(Some((start, ledger)));
            }
            let Some(older) = start.checked_sub(1) else {
                break;
            };
            bound = older;
        }
        Ok(None)
    }

    /// Folds `dyad`'s reports at positions in (`after`, `until`], resolved with `amendments`;
    /// returns how many events were read.
    fn fold_reports(
        &self,
        dyad: &Dyad,
        after: u64,
        until: u64,
        amendments: &Amendments,
        mut add: impl FnMut(&Report),
    ) -> Result<u64, AppError> {
        let scan = Scan {
            stream: Some(dyad.as_str().to_string()),
            kinds: vec![
                EventKind::Action.as_str().into(),
                EventKind::Statement.as_str().into(),
            ],
            after_position: Some(after),
            until_position: Some(until),
            ..Scan::default()
        };
        let mut read = 0;
        let mut failure = None;
        self.store.scan(&scan, &mut |stored| {
            read += 1;
            match resolve(stored, amendments) {
                Ok(Resolved::Standing(report)) => {
                    add(&report);
                    ControlFlow::Continue(())
                }
                Ok(Resolved::Retracted(..)) => ControlFlow::Continue(()),
                Err(error) => {
                    failure = Some(error);
                    ControlFlow::Break(())
                }
            }
        })?;
        failure.map_or(Ok(read), Err)
    }

    /// The report at `position` as `amendments` leave it, if it stands.
    fn report_at(&self, position: u64, amendments: &Amendments) -> Option<Report> {
        let stored = self.store.event_at(position).ok()??;
        match resolve(stored, amendments).ok()? {
            Resolved::Standing(report) => Some(report),
            Resolved::Retracted(..) => None,
        }
    }

    /// The retracted reports in `scope` that occurred by `as_of`.
    fn retracted_in(
        &self,
        amendments: &Amendments,
        scope: &Scope,
        as_of: NaiveDate,
    ) -> Result<Vec<RetractedReport>, AppError> {
        let mut retracted = Vec::new();
        for id in amendments.retracted() {
            let Some(stored) = self.store.event_by_id(id)? else {
                continue;
            };
            if let Resolved::Retracted(report, retraction) = resolve(stored, amendments)? {
                let in_scope = scope
                    .pillar
                    .as_deref()
                    .is_none_or(|p| p == report.pillar(&self.framework))
                    && scope
                        .issue
                        .as_deref()
                        .is_none_or(|i| Some(i) == report.body.issue.as_deref());
                if in_scope && report.occurred_on <= as_of {
                    retracted.push(RetractedReport {
                        id: report.id,
                        occurred_on: report.occurred_on,
                        summary: report.body.summary.clone(),
                        outlet: report.body.source.outlet.clone(),
                        retraction,
                    });
                }
            }
        }
        retracted.sort_by_key(|r| (r.occurred_on, r.id));
        Ok(retracted)
    }

    /// The corrections and retractions of `dyad` among the first `position` events of the log.
    fn amendments(&self, dyad: &Dyad, position: u64) -> Result<Amendments, AppError> {
        let scan = Scan {
            stream: Some(dyad.as_str().to_string()),
            kinds: vec![
                EventKind::Correction.as_str().into(),
                EventKind::Retraction.as_str().into(),
                EventKind::Corroboration.as_str().into(),
            ],
            until_position: Some(position),
            ..Scan::default()
        };
        let mut amendments = Amendments::default();
        let mut failure = None;
        self.store.scan(&scan, &mut |stored| match decode(stored) {
            Ok(logged) => {
                amendments.add(logged);
                ControlFlow::Continue(())
            }
            Err(error) => {
                failure = Some(error);
                ControlFlow::Break(())
            }
        })?;
        failure.map_or(Ok(amendments), Err)
    }

    /// Retracts the report `id` (it proved false).
    pub fn retract(
        &mut self,
        id: Uuid,
        reason: &str,
        source_url: Option<String>,
    ) -> Result<AppendSummary, AppError> {
        self.amend(id, |validator, report| {
            validator.validate_retraction(report, reason, source_url.clone())
        })
    }

    /// Records another source of the report `id`'s event: the event still counts once, with a
    /// confidence raised by independent sources.
    pub fn corroborate(
        &mut self,
        id: Uuid,
        source: SourceInput,
        reason: &str,
    ) -> Result<AppendSummary, AppError> {
        self.amend(id, |validator, report| {
            validator.validate_corroboration(report, source.clone(), reason)
        })
    }

    /// For each event of a batch not yet in the log, the standing reports of the log that
    /// likely tell the same real-world event: the same dyad, the same pair of actors (in either
    /// order for joint actions), the same action family (one's CAMEO code is the other's or
    /// its root), dates within [`DUPLICATE_WINDOW_DAYS`]. Returns (index in `events`, the
    /// report). One scan per dyad reads the reports of the batch's dates, each decoded once, so a
    /// large batch costs at most a fold of the dyad.
    pub fn likely_duplicates(
        &self,
        events: &[Event],
    ) -> Result<Vec<(usize, LikelyDuplicate)>, AppError> {
        self.likely_duplicates_before(events, self.store.position_at(None)?)
    }

    /// [`Tracker::likely_duplicates`] among the log's first `head` events: the log as it was
    /// before an append whose earlier chunks are already written.
    fn likely_duplicates_before(
        &self,
        events: &[Event],
        head: u64,
    ) -> Result<Vec<(usize, LikelyDuplicate)>, AppError> {
        let mut by_dyad: HashMap<&Dyad, Vec<usize>> = HashMap::new();
        for (index, event) in events.iter().enumerate() {
            let recorded_before = self
                .store
                .event_by_id(event.id)?
                .is_some_and(|stored| stored.position <= head);
            if event.report_body().is_some() && !recorded_before {
                by_dyad.entry(&event.dyad).or_default().push(index);
            }
        }
        let mut found = Vec::new();
        for (dyad, indexes) in by_dyad {
            let dates = indexes.iter().map(|&i| events[i].occurred_on);
            let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
                continue;
            };
            let standing = self.standing_reports(dyad, head, (first, last))?;
            for index in indexes {
                let event = &events[index];
                let window = chrono::Days::new(DUPLICATE_WINDOW_DAYS);
                let (Some(from), Some(to)) = (
                    event.occurred_on.checked_sub_days(window),
                    event.occurred_on.checked_add_days(window),
                ) else {
                    continue;
                };
                for report in standing.range(from..=to).flat_map(|(_, reports)| reports) {
                    if report.id != event.id && self.tells_the_same_event(report, event) {
                        found.push((
                            index,
                            LikelyDuplicate {
                                id: report.id,
                                position: report.position,
                                outlet: report.body.source.outlet.clone(),
                                summary: report.body.summary.clone(),
                            },
                        ));
                    }
                }
            }
        }
        found.sort_by_key(|(index, duplicate)| (*index, duplicate.position));
        Ok(found)
    }

    /// The standing reports of `dyad` among the first `position` events that occurred within
    /// [`DUPLICATE_WINDOW_DAYS`] of `dates`, by date.
    fn standing_reports(
        &self,
        dyad: &Dyad,
        position: u64,
        (first, last): (NaiveDate, NaiveDate),
    ) -> Result<std::collections::BTreeMap<NaiveDate, Vec<Report>>, AppError> {
        let amendments = self.amendments(dyad, position)?;
        let window = chrono::Days::new(DUPLICATE_WINDOW_DAYS);
        let scan = Scan {
            stream: Some(dyad.as_str().to_string()),
            kinds: vec![
                EventKind::Action.as_str().into(),
                EventKind::Statement.as_str().into(),
            ],
            occurred_since: first.checked_sub_days(window),
            occurred_until: last.checked_add_days(window),
            until_position: Some(position),
            ..Scan::default()
        };
        let mut standing: std::collections::BTreeMap<NaiveDate, Vec<Report>> = Default::default();
        let mut failure = None;
        self.store.scan(&scan, &mut |stored| {
            match resolve(stored, &amendments) {
                Ok(Resolved::Standing(report)) => {
                    standing.entry(report.occurred_on).or_default().push(report);
                }
                Ok(Resolved::Retracted(..)) => {}
                Err(error) => {
                    failure = Some(error);
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        })?;
        failure.map_or(Ok(standing), Err)
    }

    /// Whether a report of the log and a new event tell the same real-world event (the dates are
    /// checked by the caller).
    fn tells_the_same_event(&self, report: &Report, event: &Event) -> bool {
        let Some(body) = event.report_body() else {
            return false;
        };
        let code = |action: &str| self.cameo_code(action);
        let joint = JOINT_FAMILIES
            .iter()
            .any(|root| code(&body.action).starts_with(root));
        let other = &report.body;
        let same_pair = (other.actor == body.actor && other.target == body.target)
            || (joint && other.actor == body.target && other.target == body.actor);
        let (a, b) = (code(&other.action), code(&body.action));
        same_pair && (a.starts_with(&b) || b.starts_with(&a))
    }

    /// An action's CAMEO code, or the action's own code when it has no CAMEO anchor. Two
    /// actions are of one family when one's code is the other's or its root (`16` reduce
    /// relations and `166` expel diplomats; not `163` sanctions and `166`).
    fn cameo_code(&self, action: &str) -> String {
        match self.taxonomy.action(action) {
            Some(known) if known.cameo != "-" => known.cameo.clone(),
            _ => action.to_string(),
        }
    }

    /// Corrects the report `id`: `fields` replace its fields (in the input format).
    pub fn correct(
        &mut self,
        id: Uuid,
        fields: Map<String, Value>,
        reason: &str,
        source_url: Option<String>,
    ) -> Result<AppendSummary, AppError> {
        self.amend(id, |validator, report| {
            validator.validate_correction(report, fields.clone(), reason, source_url.clone())
        })
    }

    /// Appends an amendment of the report `id` as it now stands, checked against the stream's
    /// version so that two writers cannot amend the same report from the same state.
    fn amend(
        &mut self,
        id: Uuid,
        make: impl Fn(&Validator<'_>, &Report) -> Result<Event, ValidationError>,
    ) -> Result<AppendSummary, AppError> {
        for _ in 0..AMENDMENT_ATTEMPTS {
            let stored = self
                .store
                .event_by_id(id)?
                .ok_or_else(|| AppError::Amendment(format!("no event {id} in the log")))?;
            let logged = decode(stored)?;
            let Some(original) = Report::original(&logged) else {
                let target = logged
                    .event
                    .amends()
                    .map(|t| t.to_string())
                    .unwrap_or_default();
                return Err(AppError::Amendment(format!(
                    "{id} is a {}, not a report; amend the report it applies to ({target})",
                    logged.event.kind.as_str()
                )));
            };
            let dyad = original.dyad.clone();
            let version = self.store.stream_version(dyad.as_str())?;
            let amendments = self.amendments(&dyad, self.store.position_at(None)?)?;
            let resolved = amendments
                .resolve(original)
                .map_err(|error| AppError::Undecodable {
                    position: logged.position,
                    error,
                })?;
            let (report, retraction) = match resolved {
                Resolved::Standing(report) => (report, None),
                Resolved::Retracted(report, note) => (report, Some(note)),
            };
            let amendment = make(&self.validator(), &report).map_err(AppError::Argument)?;
            let repeated = amendments.of(id).iter().any(|a| a.event.id == amendment.id);
            if let Some(note) = retraction
                && !repeated
            {
                return Err(AppError::Amendment(format!(
                    "report {id} was retracted at {} ({}); a retracted report cannot be amended",
                    note.recorded_at.format(crate::store::RECORDED_AT_FORMAT),
                    note.reason
                )));
            }
            match self.append(vec![amendment], Some(version)) {
                Err(AppError::Store(StoreError::VersionConflict { .. })) => continue,
                outcome => return outcome,
            }
        }
        Err(AppError::Amendment(format!(
            "the log kept changing while amending {id}; try again"
        )))
    }

    /// The log's head: its last position and that event's hash (0 and the genesis hash when it
    /// is empty).
    pub fn head(&self) -> Result<(u64, String), AppError> {
        let position = self.store.position_at(None)?;
        let hash = match self.store.event_at(position)? {
            Some(event) => event.hash,
            None => crate::store::chain::GENESIS_HASH.to_string(),
        };
        Ok((position, hash))
    }

    /// Signs the log's head with `key`, after checking the whole log: a head is witnessed only
    /// when the log is sound.
    pub fn sign_head(&self, key: &WitnessKey) -> Result<SignedHead, AppError> {
        let verdict = self.verify()?;
        if !verdict.is_sound() {
            return Err(AppError::Unsound(
                "the log is not sound, so its head is not signed; run `dyad verify`".into(),
            ));
        }
        Ok(key.sign(verdict.events, &verdict.head_hash, self.clock.now()))
    }

    /// What is wrong with a witnessed head in this log, if anything: the log must still hold
    /// that hash at that position.
    pub fn witness_problem(&self, head: &SignedHead) -> Result<Option<String>, AppError> {
        let seen = format!(
            "the head signed by {} at {} (position {})",
            head.signer, head.signed_at, head.position
        );
        if head.position == 0 {
            return Ok(None);
        }
        Ok(match self.store.event_at(head.position)? {
            None => Some(format!(
                "{seen} is gone: the log ends at position {}, so it was cut",
                self.store.position_at(None)?
            )),
            Some(event) if event.hash != head.head_hash => Some(format!(
                "{seen} is not this log's: it holds another event there, so it was rewritten at \
                 or below that position"
            )),
            Some(_) => None,
        })
    }

    /// Restores the log's append-only guards (its triggers) as the migrations made them; says
    /// what it restored. `verify` says whether any is missing.
    pub fn repair_guards(&mut self) -> Result<Vec<String>, AppError> {
        Ok(self.store.repair_guards()?)
    }

    /// Checks the hash chain and the invariants of the whole log (ids unique, positions and
    /// versions gapless), that every event decodes, the database's own integrity check, that the
    /// append-only triggers are in place, and that every checkpoint is tied to this chain and
    /// unchanged.
    pub fn verify(&self) -> Result<VerifyReport, AppError> {
        let mut verifier = ChainVerifier::default();
        let mut first_break = None;
        let scanned = self.store.scan(&Scan::default(), &mut |stored| {
            let position = stored.position;
            let checked = verifier.check(&stored).and_then(|()| {
                decode(stored).map(drop).map_err(|error| ChainBreak {
                    position,
                    problem: error.to_string(),
                })
            });
            match checked {
                Ok(()) => ControlFlow::Continue(()),
                Err(problem) => {
                    first_break = Some(problem);
                    ControlFlow::Break(())
                }
            }
        });
        match scanned {
            Ok(()) => {}
            // A row the store cannot even read is a problem verify reports, not a failure of it.
            Err(StoreError::Corrupt { position, detail }) if first_break.is_none() => {
                first_break = Some(ChainBreak {
                    position,
                    problem: detail,
                });
            }
            Err(error) => return Err(error.into()),
        }
        let mut problems = self.store.database_problems()?;
        problems.extend(
            self.store
                .checkpoint_problems()?
                .iter()
                .map(|problem| format!("{problem} (it is never used; deleting it is safe)")),
        );
        Ok(VerifyReport {
            events: verifier.events(),
            head_hash: verifier.head_hash().to_string(),
            first_break,
            problems,
        })
    }

    /// The event a person means by `text`: a whole id, or a prefix of at least
    /// [`crate::domain::event::MIN_ID_PREFIX`] hex digits that only one event's id starts with. An ambiguous prefix is
    /// refused, listing the events it matches.
    pub fn resolve_id(&self, text: &str) -> Result<Uuid, AppError> {
        let prefix = match IdRef::parse(text).map_err(AppError::Argument)? {
            IdRef::Whole(id) => return Ok(id),
            IdRef::Prefix(prefix) => prefix,
        };
        let matches = self
            .store
            .events_with_id_prefix(&prefix, LISTED_CANDIDATES + 1)?;
        match matches.as_slice() {
            [] => Err(AppError::Id(format!(
                "no event in the log has an id starting with `{}` (`dyad log` shows ids)",
                text.trim()
            ))),
            [only] => Uuid::parse_str(&only.id).map_err(|e| AppError::Undecodable {
                position: only.position,
                error: ValidationError::new("id", e.to_string()),
            }),
            several => {
                let mut listed: Vec<String> = several
                    .iter()
                    .take(LISTED_CANDIDATES)
                    .map(|c| {
                        format!(
                            "{} ({} of {}, #{})",
                            c.id, c.kind, c.occurred_on, c.position
                        )
                    })
                    .collect();
                if several.len() > LISTED_CANDIDATES {
                    listed.push("and more".into());
                }
                Err(AppError::Id(format!(
                    "`{}` is the start of several ids; give more characters: {}",
                    text.trim(),
                    listed.join(", ")
                )))
            }
        }
    }

    /// The dyad named, checked, or the framework's.
    pub fn dyad_or_default(&self, dyad: Option<&str>) -> Result<Dyad, AppError> {
        Dyad::parse(dyad.unwrap_or(&self.framework.dyad), self.taxonomy).map_err(AppError::Argument)
    }
}

/// A stored report, decoded, as `amendments` leave it.
fn resolve(stored: StoredEvent, amendments: &Amendments) -> Result<Resolved, AppError> {
    let logged = decode(stored)?;
    let original = Report::original(&logged).ok_or_else(|| AppError::Undecodable {
        position: logged.position,
        error: ValidationError::new("kind", "expected a report (action or statement)"),
    })?;
    amendments
        .resolve(original)
        .map_err(|error| AppError::Undecodable {
            position: logged.position,
            error,
        })
}

/// The store's envelopes of validated events.
fn new_events(events: &[Event], recorder: &Recorder) -> Vec<NewEvent> {
    events
        .iter()
        .map(|event| new_event(event, recorder))
        .collect()
}

/// An event in the store's form: the envelope and the canonical payload.
fn new_event(event: &Event, recorder: &Recorder) -> NewEvent {
    NewEvent {
        id: event.id,
        stream: event.dyad.as_str().to_string(),
        kind: event.kind.as_str().to_string(),
        schema_version: SCHEMA_VERSION,
        occurred_on: event.occurred_on,
        payload: event.payload_json(),
        recorded_by: recorder.as_str().to_string(),
    }
}

/// Whether a recorded event says the same as a new one: byte equality within a schema version,
/// else equality once the recorded payload is upcast.
fn same_content(stored: &StoredEvent, new: &NewEvent) -> bool {
    if stored.schema_version == new.schema_version {
        return crate::store::same_bytes(stored, new);
    }
    let decode = |schema_version: u32, occurred_on: &str, payload: &str| {
        Event::decode(
            &stored.id,
            &stored.stream,
            &stored.kind,
            schema_version,
            occurred_on,
            payload,
        )
        .ok()
    };
    let recorded = decode(stored.schema_version, &stored.occurred_on, &stored.payload);
    let written = decode(
        new.schema_version,
        &new.occurred_on.to_string(),
        &new.payload,
    );
    stored.stream == new.stream
        && stored.kind == new.kind
        && recorded.is_some()
        && recorded == written
}

fn decode(stored: StoredEvent) -> Result<LoggedEvent, AppError> {
    let recorded_at = stored.recorded_at()?;
    let event = Event::decode(
        &stored.id,
        &stored.stream,
        &stored.kind,
        stored.schema_version,
        &stored.occurred_on,
        &stored.payload,
    )
    .map_err(|error| AppError::Undecodable {
        position: stored.position,
        error,
    })?;
    Ok(LoggedEvent {
        position: stored.position,
        version: stored.version,
        recorded_at,
        recorded_by: stored
            .recorded_by
            .unwrap_or_else(|| UNKNOWN_RECORDER.to_string()),
        event,
    })
}

/// Loads `--framework FILE`, or the built-in framework.
pub fn load_framework(path: Option<&Path>) -> Result<Framework, AppError> {
    Ok(match path {
        Some(path) => Framework::load(path, Taxonomy::builtin())?,
        None => Framework::builtin(),
    })
}
