//! One event as the log holds it, for a page that shows it whole: its envelope and place in the
//! chain, and, for a report, every amendment recorded against it by a moment (corrections,
//! retraction, corroborations, each with who recorded it, when and why) and the report as they
//! leave it. The same reads `explain` and `status` make; no SQL here.

use super::{AppError, Tracker, decode};
use crate::domain::event::{AmendmentNote, LoggedEvent, Report};
use crate::projection::Resolved;
use crate::store::{EventStore, Scan};
use chrono::{DateTime, Utc};
use std::ops::ControlFlow;
use uuid::Uuid;

/// One event of the log with what amends it.
#[derive(Debug, Clone)]
pub struct EventRecord {
    /// The event as recorded (position, version, recorded_at, recorded_by).
    pub logged: LoggedEvent,
    /// Its hash in the chain.
    pub hash: String,
    /// The previous event's hash.
    pub prev_hash: String,
    /// The amendments of this report recorded by the moment asked about, in log order (empty
    /// for an amendment itself).
    pub amendments: Vec<LoggedEvent>,
    /// For a report: as its amendments leave it (corrected, with its corroborations).
    pub report: Option<Report>,
    /// For a retracted report: the retraction.
    pub retraction: Option<AmendmentNote>,
}

impl<S: EventStore> Tracker<S> {
    /// The event `id` as the log stood at `known_at` (everything when `None`); `None` when the
    /// log held no such event then.
    pub fn event_record(
        &self,
        id: Uuid,
        known_at: Option<DateTime<Utc>>,
    ) -> Result<Option<EventRecord>, AppError> {
        let Some(stored) = self.store.event_by_id(id)? else {
            return Ok(None);
        };
        let position = self.store.position_at(known_at)?;
        if stored.position > position {
            return Ok(None);
        }
        let (hash, prev_hash) = (stored.hash.clone(), stored.prev_hash.clone());
        let logged = decode(stored)?;
        let mut record = EventRecord {
            logged,
            hash,
            prev_hash,
            amendments: Vec::new(),
            report: None,
            retraction: None,
        };
        if let Some(original) = Report::original(&record.logged) {
            let amendments = self.amendments(&record.logged.event.dyad, position)?;
            record.amendments = amendments.of(id).to_vec();
            match amendments
                .resolve(original)
                .map_err(|error| AppError::Undecodable {
                    position: record.logged.position,
                    error,
                })? {
                Resolved::Standing(report) => record.report = Some(report),
                Resolved::Retracted(report, note) => {
                    record.report = Some(report);
                    record.retraction = Some(note);
                }
            }
        }
        Ok(Some(record))
    }

    /// Visits the events recorded after `position`, in log order, decoded as recorded (no
    /// amendment is looked up: a reader of what was just written, such as the server's event
    /// stream, reads only the log's tail by its position).
    pub fn events_after(
        &self,
        position: u64,
        mut visit: impl FnMut(&LoggedEvent),
    ) -> Result<(), AppError> {
        let scan = Scan {
            after_position: Some(position),
            ..Scan::default()
        };
        let mut failure = None;
        self.store.scan(&scan, &mut |stored| match decode(stored) {
            Ok(logged) => {
                visit(&logged);
                ControlFlow::Continue(())
            }
            Err(error) => {
                failure = Some(error);
                ControlFlow::Break(())
            }
        })?;
        failure.map_or(Ok(()), Err)
    }

    /// The log's last position at `known_at` (its head when `None`); 0 for none.
    pub fn position_at(&self, known_at: Option<DateTime<Utc>>) -> Result<u64, AppError> {
        Ok(self.store.position_at(known_at)?)
    }
}
