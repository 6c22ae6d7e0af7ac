//! Corrections and retractions, gathered before the reports they amend and applied to each report
//! in log order. Which amendments are gathered decides what a reader sees: all of them for the
//! best current knowledge, only those recorded by `known_at` to see the log as it then stood.

use crate::domain::ValidationError;
use crate::domain::event::{AmendmentNote, EventKind, LoggedEvent, Payload, Report};
use std::collections::HashMap;
use uuid::Uuid;

/// A report once its amendments are applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// The report stands, as corrected.
    Standing(Report),
    /// The report was retracted (as it stood when retracted, and the retraction).
    Retracted(Report, AmendmentNote),
}

/// The amendments of a stream, by the report they amend, in log order.
#[derive(Debug, Default)]
pub struct Amendments {
    by_report: HashMap<Uuid, Vec<LoggedEvent>>,
    moves_dates: bool,
}

impl Amendments {
    /// Gathers an amendment; reports are ignored.
    pub fn add(&mut self, logged: LoggedEvent) {
        let Some(target) = logged.event.amends() else {
            return;
        };
        if let Payload::Correction(correction) = &logged.event.payload
            && correction.fields.contains_key("occurred_on")
        {
            self.moves_dates = true;
        }
        self.by_report.entry(target).or_default().push(logged);
    }

    /// Whether some correction changes when a report occurred (so a report outside a date range
    /// may be corrected into it).
    pub fn moves_dates(&self) -> bool {
        self.moves_dates
    }

    /// The amendments of one report, in log order.
    pub fn of(&self, report: Uuid) -> &[LoggedEvent] {
        self.by_report.get(&report).map_or(&[], Vec::as_slice)
    }

    /// Applies the report's amendments in log order; a retraction ends it.
    pub fn resolve(&self, original: Report) -> Result<Resolved, ValidationError> {
        let mut report = original;
        for amendment in self.of(report.id) {
            match &amendment.event.payload {
                Payload::Correction(correction) => {
                    report =
                        report.corrected(correction, amendment.event.id, amendment.recorded_at)?;
                }
                Payload::Retraction(retraction) => {
                    let note = AmendmentNote {
                        id: amendment.event.id,
                        kind: EventKind::Retraction,
                        recorded_at: amendment.recorded_at,
                        reason: retraction.reason.clone(),
                        changed: Vec::new(),
                    };
                    return Ok(Resolved::Retracted(report, note));
                }
                Payload::Report(_) => {}
            }
        }
        Ok(Resolved::Standing(report))
    }
}
