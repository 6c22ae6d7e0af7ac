//! The diff use case: what changed between two answers of the log. Along valid time (two
//! `as_of` dates, the log as it stood at one moment): how each pillar and issue moved, and the
//! reports that occurred in between. Along transaction time (two `known_at` moments, one date):
//! how the log's answer for that date changed, and the recordings, corrections, retractions and
//! corroborations made in between that changed it. Each reading is the status's own, so a diff's
//! change is exactly the difference of the two statuses.

use super::{AppError, Tracker, When, decode};
use crate::domain::ValidationError;
use crate::domain::event::{EventKind, LoggedEvent, Report};
use crate::projection::status::round2;
use crate::projection::{Resolved, Status};
use crate::store::{EventStore, Scan};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::ops::ControlFlow;
use uuid::Uuid;

/// The two answers compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "axis", rename_all = "snake_case")]
pub enum DiffAxis {
    /// Two dates, the log as it stood at one moment (`None`: everything recorded).
    AsOf {
        /// The earlier date.
        from: NaiveDate,
        /// The later date.
        to: NaiveDate,
        /// The moment of the log read.
        known_at: Option<DateTime<Utc>>,
    },
    /// Two moments of the log, one date.
    KnownAt {
        /// The earlier moment.
        from: DateTime<Utc>,
        /// The later moment.
        to: DateTime<Utc>,
        /// The date asked about.
        as_of: NaiveDate,
    },
}

/// A reading of the status: level (`None`: no data), score, weight and events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReading {
    /// The level.
    pub level: Option<String>,
    /// The score.
    pub score: f64,
    /// The weight of the evidence.
    pub weight: f64,
    /// Reports counted.
    pub events: u64,
}

/// How one scope (overall, a pillar, an issue of a pillar) moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Movement {
    /// `overall`, a pillar id, or `pillar/issue`.
    pub id: String,
    /// The first answer (`None`: the issue had no report then).
    pub before: Option<DiffReading>,
    /// The second answer.
    pub after: Option<DiffReading>,
    /// `after.score − before.score` (a missing reading as 0), two decimals.
    pub change: f64,
    /// `after.events − before.events`.
    pub events_change: i64,
}

/// An event that moved the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffEvent {
    /// Its position in the log.
    pub position: u64,
    /// Its id.
    pub id: Uuid,
    /// Its kind.
    pub kind: EventKind,
    /// When it occurred (for an amendment, the day it was made).
    pub occurred_on: NaiveDate,
    /// When the log learned it.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
    /// What it says (a report's summary, or what an amendment does).
    pub headline: String,
    /// The pillar of the report it is or amends.
    pub pillar: Option<String>,
    /// The issue of the report it is or amends.
    pub issue: Option<String>,
    /// For a report: confidence × intensity, what it weighs on the day it occurred.
    pub weighted_intensity: Option<f64>,
}

/// What changed between two answers of the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The dyad.
    pub dyad: String,
    /// The two answers compared.
    #[serde(flatten)]
    pub axis: DiffAxis,
    /// Overall, then each pillar followed by its issues.
    pub movements: Vec<Movement>,
    /// The events that moved it, strongest first for reports, in log order for amendments.
    pub events: Vec<DiffEvent>,
    /// How many such events there were (more than listed when a limit applied).
    pub events_total: usize,
}

fn reading(level: &Option<String>, score: f64, weight: f64, events: u64) -> DiffReading {
    DiffReading {
        level: level.clone(),
        score,
        weight,
        events,
    }
}

/// Overall, each pillar, each issue: the readings of one status by scope id.
fn readings(status: &Status) -> Vec<(String, DiffReading)> {
    let overall = &status.overall;
    let mut all = vec![(
        "overall".to_string(),
        reading(
            &overall.level,
            overall.score,
            overall.weight,
            overall.events,
        ),
    )];
    for pillar in &status.pillars {
        all.push((
            pillar.id.clone(),
            reading(&pillar.level, pillar.score, pillar.weight, pillar.events),
        ));
        for issue in &pillar.issues {
            all.push((
                format!("{}/{}", pillar.id, issue.id),
                reading(&issue.level, issue.score, issue.weight, issue.events),
            ));
        }
    }
    all
}

/// How each scope moved from `before` to `after`, in the order of the framework.
fn movements(before: &Status, after: &Status) -> Vec<Movement> {
    let (before, after) = (readings(before), readings(after));
    let mut ids: Vec<&str> = after.iter().map(|(id, _)| id.as_str()).collect();
    for (id, _) in &before {
        if !ids.contains(&id.as_str()) {
            ids.push(id);
        }
    }
    // Keep the framework's order: overall, each pillar, then its issues.
    let order = |id: &str| {
        let pillar = id.split('/').next().unwrap_or(id);
        let rank = |list: &[(String, DiffReading)]| list.iter().position(|(i, _)| i == pillar);
        (
            rank(&after).or_else(|| rank(&before)).unwrap_or(usize::MAX),
            id.contains('/'),
        )
    };
    ids.sort_by_key(|id| order(id));
    ids.iter()
        .map(|id| {
            let find = |list: &[(String, DiffReading)]| {
                list.iter().find(|(i, _)| i == id).map(|(_, r)| r.clone())
            };
            let (was, now) = (find(&before), find(&after));
            let score = |r: &Option<DiffReading>| r.as_ref().map_or(0.0, |r| r.score);
            let events = |r: &Option<DiffReading>| r.as_ref().map_or(0, |r| r.events);
            Movement {
                id: (*id).to_string(),
                change: round2(score(&now) - score(&was)),
                events_change: i64::try_from(events(&now)).unwrap_or(i64::MAX)
                    - i64::try_from(events(&was)).unwrap_or(i64::MAX),
                before: was,
                after: now,
            }
        })
        .collect()
}

impl<S: EventStore> Tracker<S> {
    /// How the status moved between two dates, as the log stood at `known_at`, and the reports
    /// that occurred after `from` and by `to` (the strongest `limit`).
    pub fn diff_as_of(
        &self,
        dyad: Option<&str>,
        (from, to): (NaiveDate, NaiveDate),
        known_at: Option<DateTime<Utc>>,
        limit: usize,
    ) -> Result<Diff, AppError> {
        let dyad = self.dyad_or_default(dyad)?;
        if to < from {
            return Err(AppError::Argument(ValidationError::new(
                "--as-of",
                format!("{to} is before {from}; give the earlier date first"),
            )));
        }
        let before = self.status(
            Some(dyad.as_str()),
            When {
                as_of: Some(from),
                known_at,
            },
        )?;
        let after = self.status(
            Some(dyad.as_str()),
            When {
                as_of: Some(to),
                known_at,
            },
        )?;
        let position = self.store.position_at(known_at)?;
        let amendments = self.amendments(&dyad, position)?;
        let scan = Scan {
            stream: Some(dyad.as_str().to_string()),
            kinds: vec![
                EventKind::Action.as_str().into(),
                EventKind::Statement.as_str().into(),
            ],
            occurred_since: from.succ_opt(),
            until_position: Some(position),
            ..Scan::default()
        };
        let mut events = Vec::new();
        let mut failure = None;
        self.store.scan(&scan, &mut |stored| {
            let logged = match decode(stored) {
                Ok(logged) => logged,
                Err(error) => {
                    failure = Some(error);
                    return ControlFlow::Break(());
                }
            };
            let standing = Report::original(&logged)
                .and_then(|original| amendments.resolve(original).ok())
                .and_then(|resolved| match resolved {
                    Resolved::Standing(report) => Some(report),
                    Resolved::Retracted(..) => None,
                });
            if let Some(report) = standing.filter(|r| r.occurred_on > from && r.occurred_on <= to) {
                events.push(self.diff_event(&logged, Some(&report)));
            }
            ControlFlow::Continue(())
        })?;
        if let Some(error) = failure {
            return Err(error);
        }
        let strength = |e: &DiffEvent| e.weighted_intensity.unwrap_or(0.0).abs();
        events.sort_by(|a, b| {
            strength(b)
                .total_cmp(&strength(a))
                .then(a.position.cmp(&b.position))
        });
        let events_total = events.len();
        events.truncate(limit);
        Ok(Diff {
            dyad: dyad.to_string(),
            axis: DiffAxis::AsOf { from, to, known_at },
            movements: movements(&before, &after),
            events,
            events_total,
        })
    }

    /// How the log's answer for `as_of` changed between two moments, and the events recorded
    /// in between that bear on it: reports that occurred by `as_of`, and the corrections,
    /// retractions and corroborations of such reports (in log order, at most `limit`).
    pub fn diff_known_at(
        &self,
        dyad: Option<&str>,
        (from, to): (DateTime<Utc>, DateTime<Utc>),
        as_of: Option<NaiveDate>,
        limit: usize,
    ) -> Result<Diff, AppError> {
        let dyad = self.dyad_or_default(dyad)?;
        if to < from {
            return Err(AppError::Argument(ValidationError::new(
                "--known-at",
                format!("{to} is before {from}; give the earlier moment first"),
            )));
        }
        let as_of = as_of.unwrap_or_else(|| self.today());
        let before = self.status(
            Some(dyad.as_str()),
            When {
                as_of: Some(as_of),
                known_at: Some(from),
            },
        )?;
        let after = self.status(
            Some(dyad.as_str()),
            When {
                as_of: Some(as_of),
                known_at: Some(to),
            },
        )?;
        let (first, last) = (
            self.store.position_at(Some(from))?,
            self.store.position_at(Some(to))?,
        );
        let amendments = self.amendments(&dyad, last)?;
        let scan = Scan {
            stream: Some(dyad.as_str().to_string()),
            after_position: Some(first),
            until_position: Some(last),
            ..Scan::default()
        };
        let mut events = Vec::new();
        let mut failure = None;
        self.store.scan(&scan, &mut |stored| {
            let logged = match decode(stored) {
                Ok(logged) => logged,
                Err(error) => {
                    failure = Some(error);
                    return ControlFlow::Break(());
                }
            };
            // The report this event is, or amends, as first recorded and as it stands now.
            let original = match logged.event.amends() {
                None => Report::original(&logged),
                Some(target) => match self.store.event_by_id(target) {
                    Ok(Some(stored)) => decode(stored).ok().and_then(|l| Report::original(&l)),
                    Ok(None) => None,
                    Err(error) => {
                        failure = Some(error.into());
                        return ControlFlow::Break(());
                    }
                },
            };
            let Some(original) = original else {
                return ControlFlow::Continue(());
            };
            let current = match amendments.resolve(original.clone()) {
                Ok(Resolved::Standing(report) | Resolved::Retracted(report, _)) => report,
                Err(_) => original.clone(),
            };
            if original.occurred_on <= as_of || current.occurred_on <= as_of {
                let report = logged.event.kind.is_report().then_some(&current);
                let mut event = self.diff_event(&logged, report);
                event.pillar = Some(current.pillar(&self.framework).to_string());
                event.issue.clone_from(&current.body.issue);
                events.push(event);
            }
            ControlFlow::Continue(())
        })?;
        if let Some(error) = failure {
            return Err(error);
        }
        let events_total = events.len();
        events.truncate(limit);
        Ok(Diff {
            dyad: dyad.to_string(),
            axis: DiffAxis::KnownAt { from, to, as_of },
            movements: movements(&before, &after),
            events,
            events_total,
        })
    }

    fn diff_event(&self, logged: &LoggedEvent, report: Option<&Report>) -> DiffEvent {
        DiffEvent {
            position: logged.position,
            id: logged.event.id,
            kind: logged.event.kind,
            occurred_on: logged.event.occurred_on,
            recorded_at: logged.recorded_at,
            recorded_by: logged.recorded_by.clone(),
            headline: logged.event.headline(),
            pillar: report.map(|r| r.pillar(&self.framework).to_string()),
            issue: report.and_then(|r| r.body.issue.clone()),
            weighted_intensity: report.map(|r| round2(r.confidence() * r.intensity(self.taxonomy))),
        }
    }
}
