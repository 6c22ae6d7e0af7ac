//! [`LogStore`]: the store a `--db` value names, SQLite or PostgreSQL, behind the one trait, so
//! that every command and the service run unchanged on either.

use super::inbox::{Filed, InboxArticle, InboxStore, NewArticle, NewProposal, StoredProposal};
use super::postgres::{PostgresStore, is_postgres_url};
use super::{
    AppendReceipt, BatchRequest, CheckpointProblem, EventStore, NewEvent, OpenMode, SameContent,
    Scan, SqliteStore, StoreError, StoredEvent,
};
use crate::domain::clock::Clock;
use chrono::{DateTime, Utc};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use uuid::Uuid;

/// A log in a SQLite file or a PostgreSQL database.
pub enum LogStore {
    /// A SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL database (boxed: its store is the larger by far).
    Postgres(Box<PostgresStore>),
}

impl LogStore {
    /// Opens the log `location` names: a `postgres://` (or `postgresql://`) URL, else a path.
    pub fn open_with(
        location: &Path,
        clock: Arc<dyn Clock>,
        mode: OpenMode,
    ) -> Result<Self, StoreError> {
        match location.to_str().filter(|text| is_postgres_url(text)) {
            Some(url) => Ok(Self::Postgres(Box::new(PostgresStore::open_with(
                url, clock, mode,
            )?))),
            None => Ok(Self::Sqlite(SqliteStore::open_with(location, clock, mode)?)),
        }
    }

    /// A consistent copy of a SQLite log in a new file ([`SqliteStore::backup_to`]).
    pub fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(store) => store.backup_to(path),
            Self::Postgres(_) => Err(StoreError::BackupOfSqliteOnly),
        }
    }
}

/// Calls the same method on whichever store it is.
macro_rules! each {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            LogStore::Sqlite($store) => $call,
            LogStore::Postgres($store) => $call,
        }
    };
}

impl EventStore for LogStore {
    fn append(
        &mut self,
        batch: &[NewEvent],
        expected_version: Option<u64>,
        same_content: SameContent<'_>,
    ) -> Result<AppendReceipt, StoreError> {
        each!(self, s => s.append(batch, expected_version, same_content))
    }

    fn append_group(
        &mut self,
        batches: &[BatchRequest<'_>],
        same_content: SameContent<'_>,
    ) -> Result<Vec<Result<AppendReceipt, StoreError>>, StoreError> {
        each!(self, s => s.append_group(batches, same_content))
    }

    fn begin_chunks(&mut self, expected_version: Option<u64>) -> Result<(), StoreError> {
        each!(self, s => s.begin_chunks(expected_version))
    }

    fn append_chunk(
        &mut self,
        chunk: &[NewEvent],
        same_content: SameContent<'_>,
    ) -> Result<AppendReceipt, StoreError> {
        each!(self, s => s.append_chunk(chunk, same_content))
    }

    fn end_chunks(&mut self, commit: bool) -> Result<(), StoreError> {
        each!(self, s => s.end_chunks(commit))
    }

    fn stream_version(&self, stream: &str) -> Result<u64, StoreError> {
        each!(self, s => s.stream_version(stream))
    }

    fn event_by_id(&self, id: Uuid) -> Result<Option<StoredEvent>, StoreError> {
        each!(self, s => s.event_by_id(id))
    }

    fn event_at(&self, position: u64) -> Result<Option<StoredEvent>, StoreError> {
        each!(self, s => s.event_at(position))
    }

    fn events_with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        each!(self, s => s.events_with_id_prefix(prefix, limit))
    }

    fn position_at(&self, known_at: Option<DateTime<Utc>>) -> Result<u64, StoreError> {
        each!(self, s => s.position_at(known_at))
    }

    fn latest_checkpoint(
        &self,
        stream: &str,
        projection: &str,
        max_position: u64,
    ) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        each!(self, s => s.latest_checkpoint(stream, projection, max_position))
    }

    fn save_checkpoint(
        &self,
        stream: &str,
        projection: &str,
        position: u64,
        state: &[u8],
    ) -> Result<(), StoreError> {
        each!(self, s => s.save_checkpoint(stream, projection, position, state))
    }

    fn checkpoint_problems(&self) -> Result<Vec<CheckpointProblem>, StoreError> {
        each!(self, s => s.checkpoint_problems())
    }

    fn database_problems(&self) -> Result<Vec<String>, StoreError> {
        each!(self, s => s.database_problems())
    }

    fn repair_guards(&mut self) -> Result<Vec<String>, StoreError> {
        each!(self, s => s.repair_guards())
    }

    fn append_copied(&mut self, rows: &[StoredEvent]) -> Result<(), StoreError> {
        each!(self, s => s.append_copied(rows))
    }

    fn scan(
        &self,
        scan: &Scan,
        visit: &mut dyn FnMut(StoredEvent) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        each!(self, s => s.scan(scan, visit))
    }
}

/// The inbox beside the log, on either store.
impl InboxStore for LogStore {
    fn file_proposals(
        &mut self,
        article: &NewArticle,
        proposals: &[NewProposal],
    ) -> Result<(u64, Vec<Filed>), StoreError> {
        each!(self, s => s.file_proposals(article, proposals))
    }

    fn proposals(
        &self,
        status: &str,
        article: Option<u64>,
    ) -> Result<Vec<StoredProposal>, StoreError> {
        each!(self, s => s.proposals(status, article))
    }

    fn proposal(&self, id: &str) -> Result<Option<StoredProposal>, StoreError> {
        each!(self, s => s.proposal(id))
    }

    fn proposals_with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<StoredProposal>, StoreError> {
        each!(self, s => s.proposals_with_id_prefix(prefix, limit))
    }

    fn inbox_article(&self, id: u64) -> Result<Option<InboxArticle>, StoreError> {
        each!(self, s => s.inbox_article(id))
    }

    fn reject_proposals(
        &mut self,
        ids: &[String],
        reason: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        each!(self, s => s.reject_proposals(ids, reason, by))
    }

    fn remove_proposals(&mut self, ids: &[String]) -> Result<(), StoreError> {
        each!(self, s => s.remove_proposals(ids))
    }
}
