//! The use cases: append, correct and retract events, read the log, compute the status at any
//! date and moment, replay it, explain it, verify the log. A [`Tracker`]
//! composes the layers (ingest → domain → store → projection) and is the API the CLI, the
//! examples and the tests share. It holds no SQL and renders nothing.

use crate::domain::ValidationError;
use crate::domain::clock::Clock;
use crate::domain::event::{
    Dyad, Event, EventKind, LoggedEvent, Report, SCHEMA_VERSION, Validator,
};
use crate::domain::framework::{Framework, FrameworkError};
use crate::domain::taxonomy::Taxonomy;
use crate::ingest::{self, InputError};
use crate::projection::status::RetractedReport;
use crate::projection::{Amendments, Explanation, Ledger, Resolved, Scope, Status};
use crate::store::chain::{ChainBreak, ChainVerifier};
use crate::store::{
    AppendReceipt, EventStore, NewEvent, Scan, SqliteStore, StoreError, StoredEvent,
};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde_json::{Map, Value};
use std::io::Read;
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

/// Dates of a replay: `from`, then one step at a time while on or before `to`.
pub fn replay_dates(from: NaiveDate, to: NaiveDate, every: Every) -> Vec<NaiveDate> {
    (0..)
        .map_while(|step| every.nth(from, step).filter(|date| *date <= to))
        .collect()
}

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
        let receipt = self.store.append(&batch, expected_version, &same_content)?;
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
            kinds: Vec::new(),
            occurred_since: filter.since,
            occurred_until: filter.until,
            recorded_until: filter.known_at,
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

    /// The status of `dyad` (the framework's by default) on a date, as the log stood at a moment.
    pub fn status(&self, dyad: Option<&str>, when: When) -> Result<Status, AppError> {
        let dyad = self.dyad_or_default(dyad)?;
        let as_of = when.as_of.unwrap_or_else(|| self.today());
        let mut ledger = Ledger::new(&self.framework, self.taxonomy, dyad.as_str());
        self.resolved_reports(&dyad, as_of, when.known_at, |resolved| {
            if let Resolved::Standing(report) = resolved {
                ledger.add(&report);
            }
        })?;
        Ok(Status {
            known_at: when.known_at,
            ..ledger.evaluate(as_of)
        })
    }

    /// The status on each date of `dates` (ascending), in one pass over the log.
    pub fn replay(
        &self,
        dyad: Option<&str>,
        dates: &[NaiveDate],
        known_at: Option<DateTime<Utc>>,
        mut visit: impl FnMut(Status) -> ControlFlow<()>,
    ) -> Result<(), AppError> {
        let dyad = self.dyad_or_default(dyad)?;
        let Some(&last) = dates.last() else {
            return Ok(());
        };
        let mut ledger = Ledger::new(&self.framework, self.taxonomy, dyad.as_str());
        self.resolved_reports(&dyad, last, known_at, |resolved| {
            if let Resolved::Standing(report) = resolved {
                ledger.add(&report);
            }
        })?;
        for &date in dates {
            if visit(Status {
                known_at,
                ..ledger.evaluate(date)
            })
            .is_break()
            {
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
        let mut ledger = Ledger::scoped(
            &self.framework,
            self.taxonomy,
            dyad.as_str(),
            scope.clone(),
            limit,
        );
        let mut retracted = Vec::new();
        let in_scope = |report: &Report| {
            scope
                .pillar
                .as_deref()
                .is_none_or(|p| p == report.pillar(&self.framework))
                && scope
                    .issue
                    .as_deref()
                    .is_none_or(|i| Some(i) == report.body.issue.as_deref())
        };
        self.resolved_reports(&dyad, as_of, when.known_at, |resolved| match resolved {
            Resolved::Standing(report) => ledger.add(&report),
            Resolved::Retracted(report, retraction) => {
                if in_scope(&report) {
                    retracted.push(RetractedReport {
                        id: report.id,
                        occurred_on: report.occurred_on,
                        summary: report.body.summary.clone(),
                        outlet: report.body.source.outlet.clone(),
                        retraction,
                    });
                }
            }
        })?;
        Ok(Explanation {
            known_at: when.known_at,
            retracted,
            ..ledger.explain(as_of)
        })
    }

    /// Feeds `visit` every report of `dyad` that occurred by `until` once its amendments (as
    /// recorded by `known_at`) are applied: amendments are gathered first, then the reports are
    /// read in one pass.
    fn resolved_reports(
        &self,
        dyad: &Dyad,
        until: NaiveDate,
        known_at: Option<DateTime<Utc>>,
        mut visit: impl FnMut(Resolved),
    ) -> Result<(), AppError> {
        let amendments = self.amendments(dyad, known_at)?;
        let scan = Scan {
            stream: Some(dyad.as_str().to_string()),
            kinds: vec![
                EventKind::Action.as_str().into(),
                EventKind::Statement.as_str().into(),
            ],
            occurred_since: None,
            // A correction may move a report from after `until` to before it.
            occurred_until: (!amendments.moves_dates()).then_some(until),
            recorded_until: known_at,
        };
        let mut failure = None;
        self.store.scan(&scan, &mut |stored| {
            let resolved = decode(stored).and_then(|logged| {
                let original = Report::original(&logged).ok_or_else(|| AppError::Undecodable {
                    position: logged.position,
                    error: ValidationError::new("kind", "not a report"),
                })?;
                amendments
                    .resolve(original)
                    .map_err(|error| AppError::Undecodable {
                        position: logged.position,
                        error,
                    })
            });
            match resolved {
                Ok(resolved) => {
                    let occurred_on = match &resolved {
                        Resolved::Standing(report) | Resolved::Retracted(report, _) => {
                            report.occurred_on
                        }
                    };
                    if occurred_on <= until {
                        visit(resolved);
                    }
                    ControlFlow::Continue(())
                }
                Err(error) => {
                    failure = Some(error);
                    ControlFlow::Break(())
                }
            }
        })?;
        failure.map_or(Ok(()), Err)
    }

    /// The corrections and retractions of `dyad` recorded by `known_at`.
    fn amendments(
        &self,
        dyad: &Dyad,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Amendments, AppError> {
        let scan = Scan {
            stream: Some(dyad.as_str().to_string()),
            kinds: vec![
                EventKind::Correction.as_str().into(),
                EventKind::Retraction.as_str().into(),
            ],
            occurred_since: None,
            occurred_until: None,
            recorded_until: known_at,
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
            let amendments = self.amendments(&dyad, None)?;
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
