//! The SQLite event store: one file, WAL mode, a busy timeout, and `BEGIN IMMEDIATE` for every
//! append so that several processes can append to the same file at once without losing,
//! duplicating or reordering events.

use super::chain::{GENESIS_HASH, Hashed, checkpoint_digest, event_hash};
use super::{
    AppendReceipt, Appended, BatchRequest, CheckpointProblem, EventStore, NewEvent, Scan,
    StoreError, StoredEvent, format_recorded_at, migrations,
};
use super::{Chunks, SameContent};
use crate::domain::clock::Clock;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// SQLite's page cache per connection, in KiB. Larger helps bulk appends keep the random-UUID
/// `id` index in memory (64 MiB: +7% on a million-event import), but every commit walks the
/// cache (`pcache1Truncate`), which cost small transactions, the service's, a fifth of their
/// throughput at 64 MiB.
pub const CACHE_KIB: i64 = 16 * 1024;

/// An event log in a SQLite file.
pub struct SqliteStore {
    conn: Connection,
    clock: Arc<dyn Clock>,
    /// The batch being appended in chunks, inside an open transaction.
    chunks: Option<Chunks>,
}

/// How a command opens the log: only commands that write may create one, and reads work on a
/// file the user cannot write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Open the log, creating it if the file is missing or an empty database (append, import,
    /// ingest, serve). A database with other tables is refused, never added to.
    Create,
    /// Open an existing log to write it (correct, retract, the inbox): a missing file is refused.
    Existing,
    /// Open an existing log to read it: read-write when the file allows, so that checkpoints are
    /// cached; else read-only.
    Read,
}

impl SqliteStore {
    /// Opens (creating if needed) the log at `path` and applies pending migrations.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        Self::open_with(path, clock, OpenMode::Create)
    }

    /// Opens the log at `path` as `mode` says; applies pending migrations when it can write.
    pub fn open_with(
        path: &Path,
        clock: Arc<dyn Clock>,
        mode: OpenMode,
    ) -> Result<Self, StoreError> {
        let no_log = || StoreError::NoLog {
            path: path.display().to_string(),
        };
        if mode != OpenMode::Create && !path.exists() {
            return Err(no_log());
        }
        let opening = |flags: OpenFlags| {
            Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
                path: path.display().to_string(),
                source,
            })
        };
        let mut flags = OpenFlags::default();
        if mode != OpenMode::Create {
            flags.remove(OpenFlags::SQLITE_OPEN_CREATE);
        }
        let writable = opening(flags).and_then(|conn| {
            if mode != OpenMode::Create && !migrations::is_dyad_log(&conn)? {
                return Err(no_log());
            }
            Self::init(conn, clock.clone(), true)
        });
        match writable {
            Err(error) if mode == OpenMode::Read && is_read_only(&error) => {
                Self::open_read_only(path, clock)
            }
            opened => opened,
        }
    }

    /// Opens a log the user cannot write (a read-only file or directory). SQLite reads a WAL
    /// file read-only when it can set up the shared memory beside it; in a directory it cannot
    /// write even that, the file is read as immutable: no writer can change it there either.
    fn open_read_only(path: &Path, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let uri = sqlite_uri(path);
        let mut last = None;
        for query in ["mode=ro", "mode=ro&immutable=1"] {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let opened = Connection::open_with_flags(format!("{uri}?{query}"), flags)
                .map_err(StoreError::from)
                .and_then(|conn| {
                    conn.busy_timeout(BUSY_TIMEOUT)?;
                    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
                    Ok((
                        migrations::is_dyad_log(&conn)?,
                        migrations::up_to_date(&conn)?,
                        conn,
                    ))
                });
            match opened {
                Ok((false, _, _)) => {
                    return Err(StoreError::NoLog {
                        path: path.display().to_string(),
                    });
                }
                Ok((true, false, _)) => {
                    return Err(StoreError::Migration(format!(
                        "the log at {} was written by an older dyad and must be upgraded, but it \
                         cannot be written here; run a command that writes to it (e.g. `dyad \
                         verify --repair-triggers`) where it can be written",
                        path.display()
                    )));
                }
                Ok((true, true, conn)) => {
                    return Ok(Self {
                        conn,
                        clock,
                        chunks: None,
                    });
                }
                Err(error) if is_read_only(&error) => last = Some(error),
                Err(error) => return Err(error),
            }
        }
        Err(last.unwrap_or_else(|| StoreError::NoLog {
            path: path.display().to_string(),
        }))
    }

    /// A log in memory, for tests and experiments.
    pub fn open_in_memory(clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?, clock, false)
    }

    fn init(mut conn: Connection, clock: Arc<dyn Clock>, wal: bool) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        if wal {
            enable_wal(&conn)?;
        }
        migrations::apply(&mut conn, &format_recorded_at(clock.now()))?;
        Ok(Self {
            conn,
            clock,
            chunks: None,
        })
    }
}

/// `path` as an SQLite URI (`file:` and the path, its `?`, `#` and `%` escaped).
fn sqlite_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            '%' => uri.push_str("%25"),
            c => uri.push(c),
        }
    }
    uri
}

/// Whether opening failed because the file or its directory cannot be written.
fn is_read_only(error: &StoreError) -> bool {
    matches!(
        error,
        StoreError::Database(rusqlite::Error::SqliteFailure(failure, _))
            if matches!(
                failure.code,
                rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen
            )
    )
}

impl SqliteStore {
    /// The connection, for the store's other tables (the inbox).
    pub(super) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The connection, to write the store's other tables.
    pub(super) fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Writes a consistent copy of the log, and everything beside it, to a new SQLite file at
    /// `path` with SQLite's online backup API: writers may go on meanwhile (a plain file copy
    /// would miss what is still in the write-ahead log). An existing file is never overwritten.
    pub fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        if path.exists() {
            return Err(StoreError::BackupExists {
                path: path.display().to_string(),
            });
        }
        let mut target = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut target)?;
            backup.run_to_completion(1024, Duration::from_millis(5), None)?;
        }
        enable_wal(&target)?;
        Ok(())
    }

    /// The clock the store stamps rows with.
    pub(super) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }
}

/// Switches the file to WAL mode. SQLite answers "busy" at once, without the busy handler, when
/// another process holds a lock during the switch (as when several processes open a new file at
/// the same moment), so the switch is retried here within the busy timeout.
fn enable_wal(conn: &Connection) -> Result<(), StoreError> {
    let began = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |row| {
            row.get::<_, String>(0)
        }) {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(mode) => {
                return Err(StoreError::Migration(format!(
                    "cannot put the log in WAL mode (SQLite kept `{mode}`)"
                )));
            }
            Err(rusqlite::Error::SqliteFailure(error, _))
                if error.code == rusqlite::ErrorCode::DatabaseBusy
                    && began.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// Where an event of the batch stands before anything is written.
enum Plan {
    Existing(Appended),
    Repeated,
    New,
}

impl EventStore for SqliteStore {
    fn append(
        &mut self,
        batch: &[NewEvent],
        expected_version: Option<u64>,
        same_content: SameContent<'_>,
    ) -> Result<AppendReceipt, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        refuse_unguarded(&tx)?;
        let receipt = append_batch(
            &tx,
            self.clock.as_ref(),
            batch,
            expected_version,
            same_content,
            None,
        )?;
        tx.commit()?;
        Ok(receipt)
    }

    fn append_group(
        &mut self,
        batches: &[BatchRequest<'_>],
        same_content: SameContent<'_>,
    ) -> Result<Vec<Result<AppendReceipt, StoreError>>, StoreError> {
        let mut tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        refuse_unguarded(&tx)?;
        let mut results = Vec::with_capacity(batches.len());
        for request in batches {
            if let [_] = request.events {
                // A lone event writes one row or nothing (a refusal comes before the insert, or
                // is the insert failing): it needs no savepoint, whose page copies cost more
                // than the insert.
                match append_batch(
                    &tx,
                    self.clock.as_ref(),
                    request.events,
                    request.expected_version,
                    same_content,
                    None,
                ) {
                    Err(error @ (StoreError::Database(_) | StoreError::Corrupt { .. })) => {
                        return Err(error);
                    }
                    outcome => results.push(outcome),
                }
                continue;
            }
            // Each batch of several in its own savepoint: a refused batch is rolled back alone.
            let savepoint = tx.savepoint()?;
            match append_batch(
                &savepoint,
                self.clock.as_ref(),
                request.events,
                request.expected_version,
                same_content,
                None,
            ) {
                Ok(receipt) => {
                    savepoint.commit()?;
                    results.push(Ok(receipt));
                }
                Err(error @ (StoreError::Database(_) | StoreError::Corrupt { .. })) => {
                    // The database itself failed: the whole group is rolled back (on drop).
                    return Err(error);
                }
                Err(refusal) => {
                    savepoint.finish()?;
                    results.push(Err(refusal));
                }
            }
        }
        tx.commit()?;
        Ok(results)
    }

    fn begin_chunks(&mut self, expected_version: Option<u64>) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let begun =
            refuse_unguarded(&self.conn).and_then(|()| next_head(&self.conn, self.clock.as_ref()));
        match begun {
            Ok((start, _, stamp)) => {
                self.chunks = Some(Chunks::new(start, stamp, expected_version));
                Ok(())
            }
            Err(error) => {
                self.conn.execute_batch("ROLLBACK")?;
                Err(error)
            }
        }
    }

    fn append_chunk(
        &mut self,
        chunk: &[NewEvent],
        same_content: SameContent<'_>,
    ) -> Result<AppendReceipt, StoreError> {
        let chunks = self.chunks.as_mut().ok_or(StoreError::NoBatchBegun)?;
        let expected = chunks.expected_for(chunk)?;
        let receipt = append_batch(
            &self.conn,
            self.clock.as_ref(),
            chunk,
            expected,
            same_content,
            Some(&chunks.stamp),
        )
        .map_err(|error| chunks.refusal(error))?;
        chunks.appended(&receipt);
        Ok(receipt)
    }

    fn end_chunks(&mut self, commit: bool) -> Result<(), StoreError> {
        if self.chunks.take().is_some() {
            self.conn
                .execute_batch(if commit { "COMMIT" } else { "ROLLBACK" })?;
        }
        Ok(())
    }

    fn stream_version(&self, stream: &str) -> Result<u64, StoreError> {
        stream_version(&self.conn, stream)
    }

    fn event_by_id(&self, id: Uuid) -> Result<Option<StoredEvent>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM events WHERE id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id.to_string()], stored_event)
            .optional()?)
    }

    fn event_at(&self, position: u64) -> Result<Option<StoredEvent>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM events WHERE position = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([position], stored_event)
            .optional()?)
    }

    fn events_with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        // A range rather than LIKE, so that the unique index on `id` answers: `~` sorts after
        // every character an id holds (hex digits and `-`).
        let sql =
            format!("SELECT {COLUMNS} FROM events WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT ?3");
        let upper = format!("{prefix}~");
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map((prefix, upper, limit as u64), stored_event)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn position_at(&self, known_at: Option<DateTime<Utc>>) -> Result<u64, StoreError> {
        let position: Option<u64> = match known_at {
            None => self
                .conn
                .prepare_cached("SELECT MAX(position) FROM events")?
                .query_row([], |row| row.get(0))?,
            Some(instant) => self
                .conn
                .prepare_cached("SELECT MAX(position) FROM events WHERE recorded_at <= ?1")?
                .query_row([format_recorded_at(instant)], |row| row.get(0))?,
        };
        Ok(position.unwrap_or(0))
    }

    fn latest_checkpoint(
        &self,
        stream: &str,
        projection: &str,
        max_position: u64,
    ) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {CHECKPOINT_COLUMNS} FROM checkpoints c LEFT JOIN events e ON e.position = c.position
             WHERE c.stream = ?1 AND c.projection = ?2 AND c.position <= ?3
             ORDER BY c.position DESC"
        ))?;
        let mut rows = statement.query((stream, projection, max_position))?;
        while let Some(row) = rows.next()? {
            let checkpoint = stored_checkpoint(row)?;
            if checkpoint.problem().is_none() {
                return Ok(Some((checkpoint.position, checkpoint.state)));
            }
        }
        Ok(None)
    }

    fn save_checkpoint(
        &self,
        stream: &str,
        projection: &str,
        position: u64,
        state: &[u8],
    ) -> Result<(), StoreError> {
        let Some(head_hash) = self
            .conn
            .prepare_cached("SELECT hash FROM events WHERE position = ?1")?
            .query_row([position], |row| row.get::<_, String>(0))
            .optional()?
        else {
            return Ok(());
        };
        let digest = checkpoint_digest(stream, projection, position, &head_hash, state);
        // A cache never waits for a writer: if the log is busy, this checkpoint is skipped.
        self.conn.busy_timeout(Duration::ZERO)?;
        let saved = self
            .conn
            .prepare_cached(
                "INSERT OR REPLACE INTO checkpoints
                     (stream, projection, position, created_at, state, head_hash, digest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut insert| {
                insert.execute((
                    stream,
                    projection,
                    position,
                    format_recorded_at(self.clock.now()),
                    state,
                    head_hash,
                    digest,
                ))
            });
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        saved?;
        Ok(())
    }

    fn checkpoint_problems(&self) -> Result<Vec<CheckpointProblem>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {CHECKPOINT_COLUMNS} FROM checkpoints c LEFT JOIN events e ON e.position = c.position
             ORDER BY c.stream, c.projection, c.position"
        ))?;
        let mut rows = statement.query([])?;
        let mut problems = Vec::new();
        while let Some(row) = rows.next()? {
            let checkpoint = stored_checkpoint(row)?;
            if let Some(problem) = checkpoint.problem() {
                problems.push(CheckpointProblem {
                    stream: checkpoint.stream,
                    projection: checkpoint.projection,
                    position: checkpoint.position,
                    problem,
                });
            }
        }
        Ok(problems)
    }

    fn database_problems(&self) -> Result<Vec<String>, StoreError> {
        let mut problems: Vec<String> = Vec::new();
        // A damaged file may fail the check itself: that is a finding, not a failure of verify.
        let checked: rusqlite::Result<Vec<String>> = self
            .conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut statement| {
                statement
                    .query_map([], |row| row.get::<_, String>(0))?
                    .collect()
            });
        match checked {
            Ok(lines) => problems.extend(
                lines
                    .into_iter()
                    .filter(|line| line != "ok")
                    .map(|line| format!("SQLite's integrity check: {line}")),
            ),
            Err(error) => problems.push(format!("SQLite's integrity check failed: {error}")),
        }
        problems.extend(guard_problems(&self.conn)?);
        Ok(problems)
    }

    fn repair_guards(&mut self) -> Result<Vec<String>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let present = migrations::triggers_of_the_log(&tx)?;
        let guards = migrations::log_guards()?;
        let mut repaired = Vec::new();
        for (name, sql) in &present {
            if !guards
                .iter()
                .any(|(guard, expected)| guard == name && expected == sql)
            {
                tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
                if !guards.iter().any(|(guard, _)| guard == name) {
                    repaired.push(format!("dropped trigger {name}, which dyad did not create"));
                }
            }
        }
        for (name, sql) in guards {
            if !present
                .iter()
                .any(|(found, text)| found == name && text == sql)
            {
                tx.execute_batch(sql)?;
                repaired.push(format!("restored trigger {name}"));
            }
        }
        tx.commit()?;
        Ok(repaired)
    }

    fn append_copied(&mut self, rows: &[StoredEvent]) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        refuse_unguarded(&tx)?;
        let (position, hash, _) = head(&tx)?;
        super::check_copied(position, &hash, rows)?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO events (position, stream, version, id, kind, schema_version,
                                 occurred_on, recorded_at, payload, prev_hash, hash, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for row in rows {
            insert.execute(params![
                row.position,
                row.stream,
                row.version,
                row.id,
                row.kind,
                row.schema_version,
                row.occurred_on,
                row.recorded_at,
                row.payload,
                row.prev_hash,
                row.hash,
                row.recorded_by
            ])?;
        }
        drop(insert);
        tx.commit()?;
        Ok(())
    }

    fn scan(
        &self,
        scan: &Scan,
        visit: &mut dyn FnMut(StoredEvent) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM events WHERE 1 = 1");
        let mut args: Vec<String> = Vec::new();
        fn condition(sql: &mut String, args: &mut Vec<String>, clause: &str, value: String) {
            args.push(value);
            sql.push_str(&format!(" AND {clause} ?{}", args.len()));
        }
        if let Some(stream) = &scan.stream {
            condition(&mut sql, &mut args, "stream =", stream.clone());
        }
        if !scan.kinds.is_empty() {
            let mut kinds = Vec::new();
            for kind in &scan.kinds {
                args.push(kind.clone());
                kinds.push(format!("?{}", args.len()));
            }
            sql.push_str(&format!(" AND kind IN ({})", kinds.join(", ")));
        }
        if let Some(since) = scan.occurred_since {
            condition(&mut sql, &mut args, "occurred_on >=", since.to_string());
        }
        if let Some(until) = scan.occurred_until {
            condition(&mut sql, &mut args, "occurred_on <=", until.to_string());
        }
        if let Some(after) = scan.after_position {
            condition(&mut sql, &mut args, "position >", after.to_string());
        }
        if let Some(until) = scan.until_position {
            condition(&mut sql, &mut args, "position <=", until.to_string());
        }
        if let Some(recorded_until) = scan.recorded_until {
            // Fixed-width text: string order is time order.
            let bound = format_recorded_at(recorded_until);
            condition(&mut sql, &mut args, "recorded_at <=", bound);
        }
        sql.push_str(" ORDER BY position");
        let mut statement = self.conn.prepare_cached(&sql)?;
        let mut rows = statement.query(rusqlite::params_from_iter(args.iter()))?;
        while let Some(row) = rows.next()? {
            let event = stored_event(row).map_err(|error| StoreError::Corrupt {
                position: row.get::<_, u64>(0).unwrap_or(0),
                detail: format!("a column holds a value of the wrong type: {error}"),
            })?;
            if visit(event).is_break() {
                break;
            }
        }
        Ok(())
    }
}

/// What is wrong with the log's append-only guards: each trigger the migrations create must be
/// there with its SQL, and no other trigger may sit on the log.
fn guard_problems(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let present = migrations::triggers_of_the_log(conn)?;
    let guards = migrations::log_guards()?;
    let mut problems = Vec::new();
    for (name, sql) in guards {
        match present.iter().find(|(found, _)| found == name) {
            None => problems.push(format!("the trigger {name} is missing")),
            Some((_, text)) if text != sql => {
                problems.push(format!("the trigger {name} was changed"));
            }
            Some(_) => {}
        }
    }
    for (name, _) in &present {
        if !guards.iter().any(|(guard, _)| guard == name) {
            problems.push(format!("the trigger {name} on the log is not dyad's"));
        }
    }
    Ok(problems)
}

/// Refuses to append while a guard is missing or changed: a log whose triggers were dropped
/// must be checked before it grows.
fn refuse_unguarded(conn: &Connection) -> Result<(), StoreError> {
    let problems = guard_problems(conn)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Unguarded(problems.join("; ")))
    }
}

/// Appends one batch inside the caller's transaction. New events are inserted directly: the
/// unique index on `id` finds the rare event already recorded, which is then compared (a lookup
/// per event before inserting cost a fifth of append time). With an expected version the batch
/// is sorted first, since a retry of a batch that landed must not be refused. A chunk of a larger
/// batch is recorded at the batch's `stamp`.
fn append_batch(
    conn: &Connection,
    clock: &dyn Clock,
    batch: &[NewEvent],
    expected_version: Option<u64>,
    same_content: SameContent<'_>,
    stamp: Option<&str>,
) -> Result<AppendReceipt, StoreError> {
    let planned = match expected_version {
        Some(expected) => {
            let plans = plan_batch(conn, batch, same_content)?;
            let new_events: Vec<&NewEvent> = batch
                .iter()
                .zip(&plans)
                .filter(|(_, plan)| matches!(plan, Plan::New))
                .map(|(event, _)| event)
                .collect();
            check_expected_version(conn, batch, &new_events, expected)?;
            Some(plans)
        }
        None => None,
    };
    let mut outcomes: Vec<Option<Appended>> = vec![None; batch.len()];
    let mut first_in_batch: HashMap<Uuid, usize> = HashMap::with_capacity(batch.len());
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    let mut head: Option<(u64, String, String)> = None;
    let mut versions: HashMap<&str, u64> = HashMap::new();
    let mut insert = conn.prepare_cached(
        "INSERT INTO events (position, stream, version, id, kind, schema_version,
                             occurred_on, recorded_at, payload, prev_hash, hash, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (index, event) in batch.iter().enumerate() {
        if let Some(&first) = first_in_batch.get(&event.id) {
            if batch[first] != *event {
                return Err(StoreError::IdRepeated { id: event.id });
            }
            repeats.push((index, first));
            continue;
        }
        first_in_batch.insert(event.id, index);
        if let Some(Plan::Existing(outcome)) = planned.as_ref().map(|plans| &plans[index]) {
            outcomes[index] = Some(*outcome);
            continue;
        }
        let (position, prev_hash, stamp) = match &mut head {
            Some(head) => head,
            None => head.insert(match stamp {
                Some(stamp) => {
                    let (position, prev_hash, _) = self::head(conn)?;
                    (position, prev_hash, stamp.to_string())
                }
                None => next_head(conn, clock)?,
            }),
        };
        let version = match versions.get(event.stream.as_str()) {
            Some(v) => v + 1,
            None => stream_version(conn, &event.stream)? + 1,
        };
        let id = event.id.to_string();
        let occurred_on = event.occurred_on.to_string();
        let next_position = *position + 1;
        let hash = event_hash(
            prev_hash,
            &Hashed {
                position: next_position,
                stream: &event.stream,
                version,
                id: &id,
                kind: &event.kind,
                schema_version: event.schema_version,
                occurred_on: &occurred_on,
                recorded_at: stamp,
                recorded_by: Some(&event.recorded_by),
                payload: &event.payload,
            },
        );
        let inserted = insert.execute(params![
            next_position,
            event.stream,
            version,
            id,
            event.kind,
            event.schema_version,
            occurred_on,
            stamp.as_str(),
            event.payload,
            prev_hash.as_str(),
            hash,
            event.recorded_by
        ]);
        match inserted {
            Ok(_) => {
                *position = next_position;
                *prev_hash = hash;
                versions.insert(&event.stream, version);
                outcomes[index] = Some(Appended::Recorded {
                    position: next_position,
                    version,
                });
            }
            Err(error) if is_id_clash(&error) => {
                outcomes[index] = Some(already_recorded(conn, event, same_content)?);
            }
            Err(error) => return Err(error.into()),
        }
    }
    drop(insert);
    for (index, first) in repeats {
        outcomes[index] = outcomes[first].map(|outcome| match outcome {
            Appended::Recorded { position, version }
            | Appended::AlreadyRecorded { position, version } => {
                Appended::AlreadyRecorded { position, version }
            }
        });
    }
    let recorded_at = match head {
        Some((position, _, stamp)) if !versions.is_empty() => Some(
            DateTime::parse_from_rfc3339(&stamp)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| StoreError::Corrupt {
                    position,
                    detail: format!("recorded_at `{stamp}`: {e}"),
                })?,
        ),
        _ => None,
    };
    Ok(AppendReceipt {
        outcomes: outcomes.into_iter().flatten().collect(),
        recorded_at,
    })
}

/// The log's last position and hash, and the transaction time of the events about to be
/// appended: the clock's, but always after the last recorded one (even if the clock went back),
/// so that `--known-at` tells any two batches apart.
fn next_head(conn: &Connection, clock: &dyn Clock) -> Result<(u64, String, String), StoreError> {
    let (position, prev_hash, last_recorded_at) = head(conn)?;
    let now = clock.now();
    let stamp = match last_recorded_at {
        Some(last) => {
            let last = DateTime::parse_from_rfc3339(&last)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| StoreError::Corrupt {
                    position,
                    detail: format!("recorded_at `{last}`: {e}"),
                })?;
            now.max(last + chrono::Duration::microseconds(1))
        }
        None => now,
    };
    Ok((position, prev_hash, format_recorded_at(stamp)))
}

/// Whether an insert failed because the event's id is already in the log: refused by the unique
/// constraint, or first by the trigger of migration 0007, whose message names `events.id` too.
fn is_id_clash(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, Some(message))
            if failure.code == rusqlite::ErrorCode::ConstraintViolation
                && message.contains("events.id")
    )
}

/// The outcome for an event whose id is already recorded: a no-op if the content is the same.
fn already_recorded(
    conn: &Connection,
    event: &NewEvent,
    same_content: SameContent<'_>,
) -> Result<Appended, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE id = ?1");
    let stored = conn
        .prepare_cached(&sql)?
        .query_row([event.id.to_string()], stored_event)?;
    if same_content(&stored, event) {
        Ok(Appended::AlreadyRecorded {
            position: stored.position,
            version: stored.version,
        })
    } else {
        Err(StoreError::IdConflict {
            id: event.id,
            position: stored.position,
        })
    }
}

const CHECKPOINT_COLUMNS: &str =
    "c.stream, c.projection, c.position, c.state, c.head_hash, c.digest, e.hash";

/// A checkpoint row with the hash of the event at its position in this log, if any.
pub(super) struct StoredCheckpoint {
    pub(super) stream: String,
    pub(super) projection: String,
    pub(super) position: u64,
    pub(super) state: Vec<u8>,
    pub(super) head_hash: String,
    pub(super) digest: String,
    pub(super) chain_hash: Option<String>,
}

impl StoredCheckpoint {
    /// Why it cannot be used, if it cannot.
    pub(super) fn problem(&self) -> Option<String> {
        let Some(chain_hash) = &self.chain_hash else {
            return Some(format!(
                "the log has no event at position {}: it was not folded from this log",
                self.position
            ));
        };
        if *chain_hash != self.head_hash {
            return Some(
                "it was folded from another chain than this log's (its head hash differs)".into(),
            );
        }
        let digest = checkpoint_digest(
            &self.stream,
            &self.projection,
            self.position,
            &self.head_hash,
            &self.state,
        );
        (digest != self.digest)
            .then(|| "its bytes do not match its digest (it was changed after it was saved)".into())
    }
}

fn stored_checkpoint(row: &rusqlite::Row<'_>) -> Result<StoredCheckpoint, StoreError> {
    let read = || -> rusqlite::Result<StoredCheckpoint> {
        Ok(StoredCheckpoint {
            stream: row.get(0)?,
            projection: row.get(1)?,
            position: row.get(2)?,
            state: row.get(3)?,
            head_hash: row.get(4)?,
            digest: row.get(5)?,
            chain_hash: row.get(6)?,
        })
    };
    read().map_err(|error| StoreError::Corrupt {
        position: row.get::<_, u64>(2).unwrap_or(0),
        detail: format!("a checkpoint's column holds a value of the wrong type: {error}"),
    })
}

const COLUMNS: &str = "position, stream, version, id, kind, schema_version, occurred_on, \
                       recorded_at, payload, prev_hash, hash, recorded_by";

fn stored_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        position: row.get(0)?,
        stream: row.get(1)?,
        version: row.get(2)?,
        id: row.get(3)?,
        kind: row.get(4)?,
        schema_version: row.get(5)?,
        occurred_on: row.get(6)?,
        recorded_at: row.get(7)?,
        payload: row.get(8)?,
        prev_hash: row.get(9)?,
        hash: row.get(10)?,
        recorded_by: row.get(11)?,
    })
}

/// Sorts each event of the batch into already recorded, repeated within the batch, or new; an id
/// recorded with other content refuses the whole batch.
fn plan_batch(
    conn: &Connection,
    batch: &[NewEvent],
    same_content: SameContent<'_>,
) -> Result<Vec<Plan>, StoreError> {
    let mut lookup = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM events WHERE id = ?1"))?;
    let mut first_in_batch: HashMap<Uuid, usize> = HashMap::new();
    let mut plans = Vec::with_capacity(batch.len());
    for (index, event) in batch.iter().enumerate() {
        if let Some(&first) = first_in_batch.get(&event.id) {
            if batch[first] != *event {
                return Err(StoreError::IdRepeated { id: event.id });
            }
            plans.push(Plan::Repeated);
            continue;
        }
        first_in_batch.insert(event.id, index);
        let existing = lookup
            .query_row([event.id.to_string()], stored_event)
            .optional()?;
        plans.push(match existing {
            None => Plan::New,
            Some(stored) if same_content(&stored, event) => {
                Plan::Existing(Appended::AlreadyRecorded {
                    position: stored.position,
                    version: stored.version,
                })
            }
            Some(stored) => {
                return Err(StoreError::IdConflict {
                    id: event.id,
                    position: stored.position,
                });
            }
        });
    }
    Ok(plans)
}

fn check_expected_version(
    conn: &Connection,
    batch: &[NewEvent],
    new_events: &[&NewEvent],
    expected: u64,
) -> Result<(), StoreError> {
    let mut streams: Vec<&str> = batch.iter().map(|e| e.stream.as_str()).collect();
    streams.sort_unstable();
    streams.dedup();
    if streams.len() > 1 {
        return Err(StoreError::ExpectedVersionNeedsOneStream {
            streams: streams.join(", "),
        });
    }
    // A retry of a batch that already landed is a no-op, whatever the stream's version now.
    let Some(first_new) = new_events.first() else {
        return Ok(());
    };
    let actual = stream_version(conn, &first_new.stream)?;
    if actual != expected {
        return Err(StoreError::VersionConflict {
            stream: first_new.stream.clone(),
            expected,
            actual,
        });
    }
    Ok(())
}

fn stream_version(conn: &Connection, stream: &str) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?1")?
        .query_row([stream], |row| row.get(0))?)
}

/// The last position, its hash, and its recorded time (position 0 and the genesis hash when the
/// log is empty).
fn head(conn: &Connection) -> Result<(u64, String, Option<String>), StoreError> {
    let last = conn
        .prepare_cached(
            "SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1",
        )?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    Ok(match last {
        Some((position, hash, recorded_at)) => (position, hash, Some(recorded_at)),
        None => (0, GENESIS_HASH.to_string(), None),
    })
}
