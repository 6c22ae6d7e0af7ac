//! Corrections and retractions, gathered before the reports they amend and applied to each report
//! in log order. Which amendments are gathered decides what a reader sees: all of them for the
//! best current knowledge, only those recorded by `known_at` to see the log as it then stood.

use crate::domain::ValidationError;
use crate::domain::event::{
    AmendmentNote, AmendmentStamp, EventKind, LoggedEvent, Payload, Report,
};
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
}

impl Amendments {
    /// Gathers an amendment; reports are ignored.
    pub fn add(&mut self, logged: LoggedEvent) {
        let Some(target) = logged.event.amends() else {
            return;
        };
        self.by_report.entry(target).or_default().push(logged);
    }

    /// The amendments of one report, in log order.
    pub fn of(&self, report: Uuid) -> &[LoggedEvent] {
        self.by_report.get(&report).map_or(&[], Vec::as_slice)
    }

    /// Each amended report, with the position of its latest amendment.
    pub fn targets(&self) -> impl Iterator<Item = (Uuid, u64)> + '_ {
        self.by_report.iter().map(|(target, amendments)| {
            (
                *target,
                amendments.iter().map(|a| a.position).max().unwrap_or(0),
            )
        })
    }

    /// The reports retracted.
    pub fn retracted(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.by_report.iter().filter_map(|(target, amendments)| {
            amendments
                .iter()
                .any(|a| a.event.kind == EventKind::Retraction)
                .then_some(*target)
        })
    }

    /// Applies the report's amendments in log order; a retraction ends it.
    pub fn resolve(&self, original: Report) -> Result<Resolved, ValidationError> {
        let mut report = original;
        for amendment in self.of(report.id) {
            match &amendment.event.payload {
                Payload::Correction(correction) => {
                    let stamp = AmendmentStamp {
                        id: amendment.event.id,
                        recorded_at: amendment.recorded_at,
                        recorded_by: &amendment.recorded_by,
                    };
                    report = report.corrected(correction, &stamp)?;
                }
                Payload::Retraction(retraction) => {
                    let note = AmendmentNote {
                        id: amendment.event.id,
                        kind: EventKind::Retraction,
                        recorded_at: amendment.recorded_at,
                        recorded_by: amendment.recorded_by.clone(),
                        reason: retraction.reason.clone(),
                        changed: Vec::new(),
                    };
                    return Ok(Resolved::Retracted(report, note));
                }
                Payload::Corroboration(corroboration) => {
                    let stamp = AmendmentStamp {
                        id: amendment.event.id,
                        recorded_at: amendment.recorded_at,
                        recorded_by: &amendment.recorded_by,
                    };
                    report = report.corroborated(corroboration, &stamp);
                }
                Payload::Report(_) => {}
            }
        }
        Ok(Resolved::Standing(report))
    }
}
