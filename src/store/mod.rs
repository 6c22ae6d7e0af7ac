//! The event store: the [`EventStore`] trait every backend implements, its SQLite and
//! PostgreSQL implementations, and [`LogStore`], the one a `--db` value names; beside the log,
//! the inbox's tables ([`inbox::InboxStore`]). This is the only module that speaks SQL.
//!
//! A store deals in envelopes ([`NewEvent`], [`StoredEvent`]): positions, versions, ids, times,
//! hashes and an opaque JSON payload. It knows nothing of actors, pillars or scores; the domain
//! decodes payloads. It owns the guarantees of the log: append-only, atomic batches, gapless
//! positions and versions, optimistic concurrency, idempotency by id, and the hash chain.

pub mod any;
pub mod chain;
pub mod inbox;
mod migrations;
pub mod postgres;
pub mod sqlite;

pub use any::LogStore;
pub use postgres::PostgresStore;
pub use sqlite::{OpenMode, SqliteStore};

use chrono::{DateTime, NaiveDate, Utc};
use std::ops::ControlFlow;
use thiserror::Error;
use uuid::Uuid;

/// The format of `recorded_at`: fixed width, so text order is time order.
pub const RECORDED_AT_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// An instant in the stored `recorded_at` format.
pub fn format_recorded_at(instant: DateTime<Utc>) -> String {
    // The same text as RECORDED_AT_FORMAT, without parsing a format string each time.
    instant.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// An event to append: the envelope and the canonical payload.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The event's id; appending an id already in the log is a no-op if the content is equal.
    pub id: Uuid,
    /// The stream (the dyad, e.g. `USA-RUS`).
    pub stream: String,
    /// The event's kind, e.g. `action`.
    pub kind: String,
    /// The version of the payload's shape.
    pub schema_version: u32,
    /// When it happened (valid time).
    pub occurred_on: NaiveDate,
    /// The payload, canonical JSON.
    pub payload: String,
    /// Who is recording it (an analyst, or a service token's owner); covered by the hash.
    pub recorded_by: String,
}

/// A row of the log, exactly as stored: text columns are not parsed, so that a row edited behind
/// the store's back is still readable by `verify`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Global position, from 1.
    pub position: u64,
    /// The stream.
    pub stream: String,
    /// Version within the stream, from 1.
    pub version: u64,
    /// The id (a UUID in text form).
    pub id: String,
    /// The kind.
    pub kind: String,
    /// The version of the payload's shape.
    pub schema_version: u32,
    /// When it happened, `YYYY-MM-DD`.
    pub occurred_on: String,
    /// When the log learned it, in [`RECORDED_AT_FORMAT`].
    pub recorded_at: String,
    /// Who recorded it; `None` for events recorded before dyad kept it (migration 0004).
    pub recorded_by: Option<String>,
    /// The payload, JSON.
    pub payload: String,
    /// The previous event's hash (or the genesis hash).
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

impl StoredEvent {
    /// `recorded_at` parsed.
    pub fn recorded_at(&self) -> Result<DateTime<Utc>, StoreError> {
        DateTime::parse_from_rfc3339(&self.recorded_at)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| StoreError::Corrupt {
                position: self.position,
                detail: format!("recorded_at `{}` is not a timestamp: {e}", self.recorded_at),
            })
    }
}

/// What happened to one event of an appended batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// Newly written at this position and stream version.
    Recorded {
        /// Its position.
        position: u64,
        /// Its stream version.
        version: u64,
    },
    /// Already in the log with the same content (an idempotent retry): nothing written.
    AlreadyRecorded {
        /// Where it already is.
        position: u64,
        /// Its stream version.
        version: u64,
    },
}

/// The result of an append: one outcome per event of the batch, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct AppendReceipt {
    /// Outcome of each event.
    pub outcomes: Vec<Appended>,
    /// When the newly recorded events were recorded (`None` when nothing was new).
    pub recorded_at: Option<DateTime<Utc>>,
}

/// One batch of a group commit: its events and its own expected version.
#[derive(Debug, Clone, Copy)]
pub struct BatchRequest<'a> {
    /// The events, appended all or nothing.
    pub events: &'a [NewEvent],
    /// Refuse this batch unless its stream is at this version.
    pub expected_version: Option<u64>,
}

/// What a batch appended in chunks carries from one chunk to the next, so that the chunks
/// together are judged as one batch.
#[derive(Debug)]
pub(crate) struct Chunks {
    /// The last position before the batch: an id found at a later one is repeated in the batch.
    pub(crate) start: u64,
    /// The batch's one transaction time.
    pub(crate) stamp: String,
    /// The expected version, until the first new event has been checked against it.
    pub(crate) expected: Option<u64>,
    /// With an expected version, the batch's one stream.
    pub(crate) stream: Option<String>,
    /// Whether the batch had an expected version (then it must hold one stream).
    pub(crate) one_stream: bool,
    /// Whether any event of the batch is new.
    pub(crate) recorded: bool,
}

impl Chunks {
    /// A batch after `start`, recorded at `stamp`.
    pub(crate) fn new(start: u64, stamp: String, expected_version: Option<u64>) -> Self {
        Self {
            start,
            stamp,
            expected: expected_version,
            stream: None,
            one_stream: expected_version.is_some(),
            recorded: false,
        }
    }

    /// The expected version to check this chunk against, once its streams are checked.
    pub(crate) fn expected_for(&mut self, chunk: &[NewEvent]) -> Result<Option<u64>, StoreError> {
        if self.one_stream {
            for event in chunk {
                match &self.stream {
                    None => self.stream = Some(event.stream.clone()),
                    Some(stream) if *stream == event.stream => {}
                    Some(stream) => {
                        let mut streams = [stream.as_str(), event.stream.as_str()];
                        streams.sort_unstable();
                        return Err(StoreError::ExpectedVersionNeedsOneStream {
                            streams: streams.join(", "),
                        });
                    }
                }
            }
        }
        Ok(self.expected)
    }

    /// Takes a chunk's outcome: once an event is new, the version has been checked.
    pub(crate) fn appended(&mut self, receipt: &AppendReceipt) {
        if receipt
            .outcomes
            .iter()
            .any(|outcome| matches!(outcome, Appended::Recorded { .. }))
        {
            self.expected = None;
            self.recorded = true;
        }
    }

    /// An id found recorded with other content after the batch began is repeated in it.
    pub(crate) fn refusal(&self, error: StoreError) -> StoreError {
        match error {
            StoreError::IdConflict { id, position } if position > self.start => {
                StoreError::IdRepeated { id }
            }
            other => other,
        }
    }
}

/// Which events a scan visits, always in log order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scan {
    /// Only this stream.
    pub stream: Option<String>,
    /// Only events of these kinds (all kinds when empty).
    pub kinds: Vec<String>,
    /// Only events the log had recorded by this instant (transaction time).
    pub recorded_until: Option<DateTime<Utc>>,
    /// Only events after this position.
    pub after_position: Option<u64>,
    /// Only events at or before this position.
    pub until_position: Option<u64>,
    /// Only events that occurred on or after this date.
    pub occurred_since: Option<NaiveDate>,
    /// Only events that occurred on or before this date.
    pub occurred_until: Option<NaiveDate>,
}

/// Judges whether a recorded event and a new one with the same id say the same thing. The store
/// cannot judge it alone: a payload recorded under an older schema version differs in bytes from
/// the same content written today.
pub type SameContent<'a> = &'a dyn Fn(&StoredEvent, &NewEvent) -> bool;

/// Byte equality of the envelope and payload: right when both have the same schema version.
pub fn same_bytes(stored: &StoredEvent, new: &NewEvent) -> bool {
    stored.stream == new.stream
        && stored.kind == new.kind
        && stored.schema_version == new.schema_version
        && stored.occurred_on == new.occurred_on.to_string()
        && stored.payload == new.payload
}

/// What a store can do. Kept small on purpose: a PostgreSQL store implements the same.
pub trait EventStore {
    /// Appends a batch atomically: every new event is written, or none is.
    ///
    /// With `expected_version`, the batch (of one stream) is refused unless that stream is at
    /// this version, except when every event is already recorded (a retry of a batch that
    /// landed). Events whose id is already recorded with the same content, as `same_content`
    /// judges it, are skipped; an id recorded with other content refuses the batch.
    fn append(
        &mut self,
        batch: &[NewEvent],
        expected_version: Option<u64>,
        same_content: SameContent<'_>,
    ) -> Result<AppendReceipt, StoreError>;

    /// Appends several independent batches in one transaction (a group commit): each batch
    /// succeeds or is refused on its own, exactly as [`EventStore::append`] would judge it after
    /// the batches before it, and the accepted ones become durable together, at one commit.
    ///
    /// The outer `Err` means the database failed and nothing of the group was written; the
    /// inner results are each batch's outcome.
    fn append_group(
        &mut self,
        batches: &[BatchRequest<'_>],
        same_content: SameContent<'_>,
    ) -> Result<Vec<Result<AppendReceipt, StoreError>>, StoreError>;

    /// Opens one transaction for a batch too large to hold at once, appended chunk by chunk
    /// with [`EventStore::append_chunk`] and closed by [`EventStore::end_chunks`]: the chunks
    /// together are judged as [`EventStore::append`] judges one batch (one `expected_version`,
    /// one transaction time, an id repeated with other content refused), and are written all or
    /// none. Reads in between see the chunks appended so far.
    fn begin_chunks(&mut self, expected_version: Option<u64>) -> Result<(), StoreError>;

    /// Appends the next chunk of the batch begun by [`EventStore::begin_chunks`]. After an
    /// `Err`, the caller ends the batch without committing.
    fn append_chunk(
        &mut self,
        chunk: &[NewEvent],
        same_content: SameContent<'_>,
    ) -> Result<AppendReceipt, StoreError>;

    /// Commits the chunked batch (`commit`), or rolls all of it back.
    fn end_chunks(&mut self, commit: bool) -> Result<(), StoreError>;

    /// The stream's version: the number of events in it.
    fn stream_version(&self, stream: &str) -> Result<u64, StoreError>;

    /// The event with this id, if the log has it.
    fn event_by_id(&self, id: Uuid) -> Result<Option<StoredEvent>, StoreError>;

    /// The event at this position, if the log has it.
    fn event_at(&self, position: u64) -> Result<Option<StoredEvent>, StoreError>;

    /// At most `limit` events whose id (hyphenated, lower case) starts with `prefix`, in id order.
    fn events_with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, StoreError>;

    /// The last position recorded by `known_at` (the head when `None`); 0 for none.
    fn position_at(&self, known_at: Option<DateTime<Utc>>) -> Result<u64, StoreError>;

    /// The latest sound checkpoint of `projection` on `stream` at or before `max_position`: its
    /// position and state. A checkpoint not tied to this log's chain, or whose bytes do not
    /// match its digest, is never returned (`checkpoint_problems` reports it).
    fn latest_checkpoint(
        &self,
        stream: &str,
        projection: &str,
        max_position: u64,
    ) -> Result<Option<(u64, Vec<u8>)>, StoreError>;

    /// Saves a checkpoint (a cache entry: it may be lost or deleted without changing answers),
    /// tied to the hash of the event at `position`; nothing is saved if there is none.
    fn save_checkpoint(
        &self,
        stream: &str,
        projection: &str,
        position: u64,
        state: &[u8],
    ) -> Result<(), StoreError>;

    /// Every checkpoint that is not sound: not tied to the event at its position in this log's
    /// chain, or changed since it was saved.
    fn checkpoint_problems(&self) -> Result<Vec<CheckpointProblem>, StoreError>;

    /// What the database finds wrong with itself: its own integrity check (pages, indexes
    /// against rows), and the append-only guards (the triggers of the log) missing or changed.
    /// While a guard is missing the store refuses to append.
    fn database_problems(&self) -> Result<Vec<String>, StoreError>;

    /// Restores the append-only guards as the migrations made them; says what it restored.
    fn repair_guards(&mut self) -> Result<Vec<String>, StoreError>;

    /// Appends rows copied from another log exactly as they are (positions, versions, times,
    /// recorders and hashes), atomically: they must continue this log's chain, each hashing to
    /// its stored hash, or nothing is written ([`StoreError::Diverged`]). `dyad copy` uses it.
    fn append_copied(&mut self, rows: &[StoredEvent]) -> Result<(), StoreError>;

    /// Visits the events `scan` selects, in log order, streaming (never the whole log in memory).
    /// The visitor stops the scan by returning `ControlFlow::Break`.
    fn scan(
        &self,
        scan: &Scan,
        visit: &mut dyn FnMut(StoredEvent) -> ControlFlow<()>,
    ) -> Result<(), StoreError>;
}

/// Checks that copied `rows` continue a log whose head is `position` with `hash`: consecutive
/// positions, each linked to the one before and hashing to its stored hash.
pub(crate) fn check_copied(
    position: u64,
    hash: &str,
    rows: &[StoredEvent],
) -> Result<(), StoreError> {
    let (mut position, mut hash) = (position, hash.to_string());
    for row in rows {
        if row.position != position + 1 || row.prev_hash != hash {
            return Err(StoreError::Diverged(format!(
                "the event copied to position {} does not follow this log's head (position \
                 {position}, hash {hash})",
                row.position
            )));
        }
        if chain::event_hash(&row.prev_hash, &row.hashed()) != row.hash {
            return Err(StoreError::Diverged(format!(
                "the event at position {} of the source does not hash to its stored hash (run \
                 `dyad verify` on the source)",
                row.position
            )));
        }
        position = row.position;
        hash.clone_from(&row.hash);
    }
    Ok(())
}

/// A checkpoint that cannot be trusted, and why; it is never used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointProblem {
    /// The stream it folds.
    pub stream: String,
    /// The projection it holds.
    pub projection: String,
    /// The position it was folded up to.
    pub position: u64,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for CheckpointProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "checkpoint of {} ({}) at position {}: {}",
            self.stream, self.projection, self.position, self.problem
        )
    }
}

/// Why the store refused or failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database file could not be opened.
    #[error("cannot open the log at {path}: {source}")]
    Open {
        /// The path.
        path: String,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// There is no log at the path, and the command does not create one.
    #[error(
        "no log at {path} (check --db or $DYAD_DB; only commands that write, such as append and \
         import, create a log)"
    )]
    NoLog {
        /// The path.
        path: String,
    },
    /// The database holds tables of something else: dyad adds nothing to it.
    #[error(
        "the database is not a dyad log (it holds {tables}); dyad adds nothing to it: give the \
         path of a dyad log, or of a new file"
    )]
    Foreign {
        /// Some of its tables.
        tables: String,
    },
    /// The PostgreSQL database could not be reached or logged into.
    #[error("cannot open the log at {location}: {}", with_causes(source))]
    OpenPostgres {
        /// The URL, its password replaced by `***`.
        location: String,
        /// The PostgreSQL error.
        source: ::postgres::Error,
    },
    /// A chunk appended with no chunked batch begun: a mistake of the caller's.
    #[error("a chunk was appended with no batch begun")]
    NoBatchBegun,
    /// SQLite failed while reading or writing.
    #[error("the log's database failed: {0}")]
    Database(#[from] rusqlite::Error),
    /// PostgreSQL failed while reading or writing.
    #[error("the log's database failed: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// Optimistic concurrency: the stream moved on.
    #[error(
        "stream {stream} is at version {actual}, not the expected {expected}; nothing was written \
         (read the log again and retry with --expect-version {actual})"
    )]
    VersionConflict {
        /// The stream.
        stream: String,
        /// The version the writer expected.
        expected: u64,
        /// The stream's version.
        actual: u64,
    },
    /// An id is already recorded with different content.
    #[error(
        "event {id} is already recorded at position {position} with different content; nothing \
         was written (events are immutable: append a correction instead)"
    )]
    IdConflict {
        /// The id.
        id: Uuid,
        /// Where the recorded event is.
        position: u64,
    },
    /// A batch holds the same id twice with different content.
    #[error(
        "the batch holds event {id} twice with different content; nothing was written (give \
         each event its own id)"
    )]
    IdRepeated {
        /// The id.
        id: Uuid,
    },
    /// `expected_version` was given for a batch spanning several streams.
    #[error("an expected version applies to one stream, but the batch has events of {streams}")]
    ExpectedVersionNeedsOneStream {
        /// The streams in the batch.
        streams: String,
    },
    /// A stored row cannot be read back.
    #[error("the log is damaged at position {position}: {detail}")]
    Corrupt {
        /// The position.
        position: u64,
        /// What is wrong.
        detail: String,
    },
    /// The append-only guards are missing or changed: the store refuses to append.
    #[error(
        "the log's append-only guards are damaged ({0}); nothing was written. Check the log with \
         `dyad verify`, then restore them with `dyad verify --repair-triggers`"
    )]
    Unguarded(String),
    /// `dyad backup` never overwrites a file.
    #[error("{path} exists; a backup is written to a new file")]
    BackupExists {
        /// The path.
        path: String,
    },
    /// `dyad backup` copies a SQLite file.
    #[error(
        "`dyad backup` copies a SQLite log; back up PostgreSQL with its own tools (pg_dump, \
         replicas), or copy the log to a SQLite file with `dyad copy`"
    )]
    BackupOfSqliteOnly,
    /// Copied rows do not continue this log's chain: the logs have diverged.
    #[error("{0}; nothing was copied")]
    Diverged(String),
    /// The database's migrations do not match this binary's.
    #[error("{0}")]
    Migration(String),
}

/// An error and what caused it, as one line: the `postgres` crate's message alone says only what
/// kind of step failed ("error performing TLS handshake"), its cause says why ("invalid peer
/// certificate: UnknownIssuer"). None of them holds the password.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        let text = error.to_string();
        // Some errors repeat their cause in their own message.
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        cause = error.source();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn recorded_at_is_written_in_its_documented_format() {
        for instant in [
            Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).single(),
            Utc.timestamp_opt(1_500_000_000, 123_456_789).single(),
            Utc.with_ymd_and_hms(1999, 1, 2, 3, 4, 5).single(),
        ] {
            let instant = instant.expect("a valid instant");
            assert_eq!(
                format_recorded_at(instant),
                instant.format(RECORDED_AT_FORMAT).to_string()
            );
        }
    }
}
