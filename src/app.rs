//! The use cases: append events, read the log, compute the status, verify the log. A [`Tracker`]
//! composes the layers (ingest → domain → store → projection) and is the API the CLI, the
//! examples and the tests share. It holds no SQL and renders nothing.

use crate::domain::ValidationError;
use crate::domain::clock::Clock;
use crate::domain::event::{Dyad, Event, LoggedEvent, SCHEMA_VERSION, Validator};
use crate::domain::framework::{Framework, FrameworkError};
use crate::domain::taxonomy::Taxonomy;
use crate::ingest::{self, InputError};
use crate::projection::{Status, StatusFold};
use crate::store::chain::{ChainBreak, ChainVerifier};
use crate::store::{
    AppendReceipt, EventStore, NewEvent, Scan, SqliteStore, StoreError, StoredEvent,
};
use chrono::NaiveDate;
use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use thiserror::Error;

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
    /// Only events that occurred on or before this date.
    pub until: Option<NaiveDate>,
}

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
    /// The first problem, if any.
    pub first_break: Option<ChainBreak>,
}

/// A relationship's log with the framework it is read under.
pub struct Tracker<S: EventStore = SqliteStore> {
    store: S,
    framework: Framework,
    taxonomy: &'static Taxonomy,
    clock: Arc<dyn Clock>,
}

impl Tracker<SqliteStore> {
    /// Opens the SQLite log at `path` (creating it) under `framework`.
    pub fn open(
        path: &Path,
        framework: Framework,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AppError> {
        let store = SqliteStore::open(path, clock.clone())?;
        Ok(Tracker::new(store, framework, clock))
    }
}

impl<S: EventStore> Tracker<S> {
    /// A tracker over any store.
    pub fn new(store: S, framework: Framework, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            framework,
            taxonomy: Taxonomy::builtin(),
            clock,
        }
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
        let events: Vec<Event> = ingest::read_events(reader, origin, &self.validator())?
            .into_iter()
            .map(|(_, event)| event)
            .collect();
        self.append(events, expected_version)
    }

    /// Appends validated events as one atomic batch.
    pub fn append(
        &mut self,
        events: Vec<Event>,
        expected_version: Option<u64>,
    ) -> Result<AppendSummary, AppError> {
        let batch: Vec<NewEvent> = events
            .iter()
            .map(|event| NewEvent {
                id: event.id,
                stream: event.dyad.as_str().to_string(),
                kind: event.kind.as_str().to_string(),
                schema_version: SCHEMA_VERSION,
                occurred_on: event.occurred_on,
                payload: event.payload_json(),
            })
            .collect();
        let receipt = self.store.append(&batch, expected_version)?;
        Ok(AppendSummary { events, receipt })
    }

    /// The version of a dyad's stream.
    pub fn stream_version(&self, dyad: &str) -> Result<u64, AppError> {
        Ok(self.store.stream_version(dyad)?)
    }

    /// Visits the events `filter` selects, in log order, decoded.
    pub fn log(
        &self,
        filter: &LogFilter,
        mut visit: impl FnMut(&LoggedEvent) -> ControlFlow<()>,
    ) -> Result<(), AppError> {
        let scan = Scan {
            stream: filter.dyad.clone(),
            occurred_since: filter.since,
            occurred_until: filter.until,
        };
        let mut failure = None;
        self.store.scan(&scan, &mut |stored| match decode(stored) {
            Ok(logged) => visit(&logged),
            Err(error) => {
                failure = Some(error);
                ControlFlow::Break(())
            }
        })?;
        failure.map_or(Ok(()), Err)
    }

    /// The status of `dyad` (the framework's by default) as of `as_of` (today by default).
    pub fn status(&self, dyad: Option<&str>, as_of: Option<NaiveDate>) -> Result<Status, AppError> {
        let dyad = self.dyad_or_default(dyad)?;
        let as_of = as_of.unwrap_or_else(|| self.today());
        let mut fold = StatusFold::new(&self.framework, self.taxonomy, dyad.as_str(), as_of);
        let filter = LogFilter {
            dyad: Some(dyad.as_str().to_string()),
            since: None,
            until: Some(as_of),
        };
        self.log(&filter, |event| {
            fold.apply(event);
            ControlFlow::Continue(())
        })?;
        Ok(fold.finish())
    }

    /// Checks the hash chain and the invariants of the whole log, and that every event decodes.
    pub fn verify(&self) -> Result<VerifyReport, AppError> {
        let mut verifier = ChainVerifier::default();
        let mut first_break = None;
        self.store.scan(&Scan::default(), &mut |stored| {
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
        })?;
        Ok(VerifyReport {
            events: verifier.events(),
            head_hash: verifier.head_hash().to_string(),
            first_break,
        })
    }

    /// The dyad named, checked, or the framework's.
    pub fn dyad_or_default(&self, dyad: Option<&str>) -> Result<Dyad, AppError> {
        Dyad::parse(dyad.unwrap_or(&self.framework.dyad), self.taxonomy).map_err(AppError::Argument)
    }
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
