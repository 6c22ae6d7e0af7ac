//! The report use case: everything `dyad report` shows, computed in one place and returned as a
//! plain, serialisable [`Briefing`] that `crate::report` renders as Markdown, HTML, SVG or JSON.
//!
//! A briefing reads the log once as it stood at `known_at`: one fold gives the ledger, evaluated
//! at every date of the period (the series of the charts, the same evaluation as `replay`) and
//! explained for each pillar on the report date (the drivers, as `explain` gives them); one scan
//! of the dyad's events gives what changed in the period. Nothing in it depends on the wall clock
//! except the defaults of dates a caller leaves out, and the resolved dates are part of it, so
//! the regenerating command it carries reproduces it byte for byte.

use super::{AppError, Tracker, decode};
use crate::domain::ValidationError;
use crate::domain::event::{EventKind, FieldChange, LoggedEvent, Payload, Report};
use crate::projection::status::round2;
use crate::projection::{Explanation, Resolved, Status};
use crate::store::chain::GENESIS_HASH;
use crate::store::{EventStore, Scan, format_recorded_at};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::ops::ControlFlow;
use uuid::Uuid;

/// The pillars whose issues get a chart each when a request names none (those the framework
/// has): engagement is the pillar made of separate issues (Syria, North Korea, cyber...), whose
/// score alone hides that they move apart.
pub const DEFAULT_ISSUE_CHARTS: &[&str] = &["engagement"];

/// How many notable events each chart marks.
pub const NOTABLE_EVENTS: usize = 5;

/// How many entries each list of changes shows at most (the strongest new events, the latest late
/// reports and amendments); the totals are always given.
pub const LISTED_CHANGES: usize = 50;

/// A change of score smaller than this (in either direction) reads as steady.
pub const STEADY_WITHIN: f64 = 0.1;

/// What a report covers. Every field is optional; [`Tracker::briefing`] documents the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BriefingRequest {
    /// The dyad (default: the framework's).
    pub dyad: Option<String>,
    /// The first day of the period.
    pub from: Option<NaiveDate>,
    /// The last day of the period.
    pub to: Option<NaiveDate>,
    /// The report date: the headline and the drivers are read on it.
    pub as_of: Option<NaiveDate>,
    /// Read the log as it stood at this moment.
    pub known_at: Option<DateTime<Utc>>,
    /// The pillars whose issues get a chart each (default: [`DEFAULT_ISSUE_CHARTS`]).
    pub issue_charts: Option<Vec<String>>,
    /// How the framework was named on the command line (`--framework FILE`), for the command that
    /// regenerates the report; `None` for the built-in one.
    pub framework_file: Option<String>,
}

/// Everything a report shows; see the module documentation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Briefing {
    /// The dyad.
    pub dyad: String,
    /// The framework it is read under.
    pub framework: FrameworkInfo,
    /// The period the charts and the changes cover.
    pub period: Period,
    /// The report date (valid time) of the headline and the drivers.
    pub as_of: NaiveDate,
    /// The moment of the log read (transaction time): the one asked for, else the `recorded_at`
    /// of the last event in the log.
    pub known_at: DateTime<Utc>,
    /// The log's last position and hash at `known_at`: publish them, and anyone can check the
    /// log a report was made from.
    pub log: LogHead,
    /// The framework's levels, lowest first, each with the range of scores it holds.
    pub levels: Vec<LevelBand>,
    /// Overall, each pillar and each issue with reports: its reading on `from` and on `as_of`.
    pub headline: Vec<Movement>,
    /// The scores at each date of the period.
    pub series: Series,
    /// The charts: one per pillar, and one per issue of the pillars asked for.
    pub charts: Vec<Chart>,
    /// What drives each pillar on `as_of`, as `explain --pillar` gives it.
    pub drivers: Vec<Explanation>,
    /// What changed in the period.
    pub changes: Changes,
    /// The `dyad` arguments that regenerate this report (the format and output are added by
    /// whoever writes it).
    pub command: Vec<String>,
    /// The version of dyad that made it.
    pub dyad_version: String,
}

/// Which framework a briefing was read under.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkInfo {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Its title.
    pub title: String,
    /// The first 16 hex digits of the SHA-256 of its JSON: tells two files of the same id and
    /// version apart.
    pub digest: String,
}

/// The period of a briefing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
    /// The step between the dates of the series.
    pub step: SeriesStep,
}

/// The step between the dates of a series, chosen by the length of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeriesStep {
    /// Each day (periods up to two years).
    Day,
    /// Each week (up to ten years).
    Week,
    /// Each month.
    Month,
}

impl SeriesStep {
    /// The step for a period of `days` days.
    pub fn for_days(days: i64) -> SeriesStep {
        match days {
            ..=731 => SeriesStep::Day,
            732..=3653 => SeriesStep::Week,
            _ => SeriesStep::Month,
        }
    }

    fn every(self) -> super::Every {
        match self {
            SeriesStep::Day => super::Every::Day,
            SeriesStep::Week => super::Every::Week,
            SeriesStep::Month => super::Every::Month,
        }
    }
}

/// The log's position and hash at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogHead {
    /// The last position recorded by then (0 for an empty log).
    pub position: u64,
    /// Its hash (64 zeros for an empty log).
    pub hash: String,
}

/// A level of the framework and the scores it holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelBand {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its lowest score.
    pub from: f64,
    /// The next level's lowest score (`None` for the highest level).
    pub to: Option<f64>,
    /// How far it is from the level holding 0: negative below, positive above (for colours).
    pub tone: i32,
}

/// A score on a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    /// The level; `None` (no data) when the evidence is too thin for one.
    pub level: Option<String>,
    /// The score.
    pub score: f64,
    /// Reports counted.
    pub events: u64,
}

/// Which way a score moved over the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Up by [`STEADY_WITHIN`] or more.
    Up,
    /// Down by [`STEADY_WITHIN`] or more.
    Down,
    /// Less than [`STEADY_WITHIN`] either way.
    Steady,
}

impl Direction {
    /// The direction of a change of score.
    pub fn of(change: f64) -> Direction {
        if change >= STEADY_WITHIN {
            Direction::Up
        } else if change <= -STEADY_WITHIN {
            Direction::Down
        } else {
            Direction::Steady
        }
    }

    /// The word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Steady => "steady",
        }
    }
}

/// How a score moved from the start of the period to the report date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Movement {
    /// `overall`, a pillar id, or `pillar/issue`.
    pub id: String,
    /// The title.
    pub title: String,
    /// For a pillar or an issue, its pillar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pillar: Option<String>,
    /// For an issue, its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// The reading on `from` (an issue without reports yet reads 0, like the method's prior).
    pub start: Reading,
    /// The reading on `as_of`.
    pub end: Reading,
    /// `end.score - start.score`, rounded to two decimals.
    pub change: f64,
    /// Which way it went.
    pub direction: Direction,
}

/// The scores of the period, one line per overall, pillar and issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// The dates: `from`, then one step at a time, with `as_of` and `to` added.
    pub dates: Vec<NaiveDate>,
    /// One line per overall, pillar and issue (issues with reports by `to`).
    pub lines: Vec<Line>,
}

/// One score over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// `overall`, a pillar id, or `pillar/issue`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// For a pillar or an issue, its pillar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pillar: Option<String>,
    /// For an issue, its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// The score on each date (`None` for an issue before its first report).
    pub scores: Vec<Option<f64>>,
    /// The reports counted on each date.
    pub events: Vec<u64>,
}

/// A chart of one line, with its notable events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// The id of the line it draws (`pushback`, `engagement/syria`).
    pub line: String,
    /// Its title.
    pub title: String,
    /// The strongest standing reports of the period in its scope, numbered by date.
    pub marks: Vec<Entry>,
}

/// A report as it stands at `known_at`, as a report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The report's id.
    pub id: Uuid,
    /// When it happened (as corrected).
    pub occurred_on: NaiveDate,
    /// When the log learned it.
    pub recorded_at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// To whom.
    pub target: String,
    /// The action code.
    pub action: String,
    /// The intensity it counts with.
    pub intensity: f64,
    /// The coder's confidence.
    pub confidence: f64,
    /// The pillar it counts under.
    pub pillar: String,
    /// The issue, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// What happened.
    pub summary: String,
    /// The outlet.
    pub outlet: String,
    /// Whom the outlet attributes it to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// The article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Corrected at least once.
    pub corrected: bool,
    /// Retracted: it no longer counts.
    pub retracted: bool,
}

/// A correction or retraction made in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmendmentEntry {
    /// The amendment's id.
    pub id: Uuid,
    /// `correction` or `retraction`.
    pub kind: EventKind,
    /// When the log learned it.
    pub recorded_at: DateTime<Utc>,
    /// The report it amends.
    pub report: Uuid,
    /// That report's summary (as it stood after the amendment).
    pub summary: String,
    /// Why.
    pub reason: String,
    /// The fields a correction replaced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<FieldChange>,
    /// Where the amendment comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
}

/// Some entries of a longer list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listed<T> {
    /// How many there are.
    pub total: u64,
    /// At most [`LISTED_CHANGES`] of them.
    pub listed: Vec<T>,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Self {
            total: 0,
            listed: Vec::new(),
        }
    }
}

/// What changed in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changes {
    /// Reports that occurred in the period (the strongest, by date).
    pub new_events: Listed<Entry>,
    /// Reports recorded in the period about days before it: they moved the past (the latest).
    pub late_reports: Listed<Entry>,
    /// Corrections and retractions made in the period (the latest, in log order).
    pub amendments: Listed<AmendmentEntry>,
}

/// Keeps the `limit` entries with the largest keys (ties: the later in the log).
struct Strongest<T> {
    limit: usize,
    kept: Vec<(f64, u64, T)>,
}

impl<T> Strongest<T> {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            kept: Vec::new(),
        }
    }

    fn offer(&mut self, key: f64, position: u64, item: T) {
        let slot = self
            .kept
            .partition_point(|(k, p, _)| k.total_cmp(&key).then(p.cmp(&position)).is_gt());
        if slot < self.limit {
            self.kept.insert(slot, (key, position, item));
            self.kept.truncate(self.limit);
        }
    }

    fn into_vec(self) -> Vec<T> {
        self.kept.into_iter().map(|(_, _, item)| item).collect()
    }
}

/// Keeps the last `limit` items offered.
fn keep_last<T>(list: &mut VecDeque<T>, item: T) {
    if list.len() == LISTED_CHANGES {
        list.pop_front();
    }
    list.push_back(item);
}

/// The resolved dates of a request.
struct Dates {
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
}

impl<S: EventStore> Tracker<S> {
    /// Everything a report shows. Defaults: `as_of` is `to`, else the day of `known_at`, else
    /// today; `to` is `as_of`; `from` is a year before `to`; `known_at` is the `recorded_at` of
    /// the last event in the log (the moment of the clock for an empty log). `from ≤ as_of ≤ to`.
    pub fn briefing(&self, request: &BriefingRequest) -> Result<Briefing, AppError> {
        let dyad = self.dyad_or_default(request.dyad.as_deref())?;
        let position = self.store.position_at(request.known_at)?;
        let head = match position {
            0 => None,
            _ => self.store.event_at(position)?,
        };
        let known_at = match (request.known_at, &head) {
            (Some(instant), _) => instant,
            (None, Some(stored)) => stored.recorded_at()?,
            (None, None) => self.clock.now(),
        };
        let log = LogHead {
            position,
            hash: head.map_or_else(|| GENESIS_HASH.to_string(), |stored| stored.hash),
        };
        let dates = self.briefing_dates(request)?;
        let issue_pillars = self.issue_chart_pillars(request)?;

        let (ledger, amendments) = self.ledger_at(&dyad, position)?;
        let step = SeriesStep::for_days((dates.to - dates.from).num_days());
        let mut series_dates = super::replay_dates(dates.from, dates.to, step.every());
        series_dates.extend([dates.as_of, dates.to]);
        series_dates.sort_unstable();
        series_dates.dedup();
        // Scores do not depend on drivers: read none for the series.
        let no_details = |_: u64| None;
        let statuses: Vec<Status> = series_dates
            .iter()
            .map(|&date| ledger.evaluate(date, &no_details))
            .collect();
        let series = self.series(&series_dates, &statuses);
        let headline = self.headline(&series, &series_dates, &dates);

        let report_at = |position: u64| self.report_at(position, &amendments);
        let mut drivers = Vec::new();
        for pillar in &self.framework.pillars {
            let scope = crate::projection::Scope {
                pillar: Some(pillar.id.clone()),
                issue: None,
            };
            let explanation = ledger.explain(
                dates.as_of,
                Some(&pillar.id),
                self.framework.method.drivers,
                &report_at,
            );
            drivers.push(Explanation {
                known_at: Some(known_at),
                retracted: self.retracted_in(&amendments, &scope, dates.as_of)?,
                ..explanation
            });
        }

        let chart_lines: Vec<&Line> = series
            .lines
            .iter()
            .filter(|line| match (&line.pillar, &line.issue) {
                (Some(_), None) => true,
                (Some(pillar), Some(_)) => issue_pillars.contains(pillar),
                _ => false,
            })
            .collect();
        let (changes, marks) = self.changes(&dyad, position, &dates, &amendments, &chart_lines)?;
        let charts = chart_lines
            .iter()
            .zip(marks)
            .map(|(line, marks)| Chart {
                line: line.id.clone(),
                title: line.title.clone(),
                marks,
            })
            .collect();

        Ok(Briefing {
            dyad: dyad.as_str().to_string(),
            framework: self.framework_info(),
            period: Period {
                from: dates.from,
                to: dates.to,
                step,
            },
            as_of: dates.as_of,
            known_at,
            log,
            levels: self.level_bands(),
            headline,
            series,
            charts,
            drivers,
            changes,
            command: self.regenerating_command(request, &dates, known_at),
            dyad_version: env!("CARGO_PKG_VERSION").to_string(),
        })
    }

    fn briefing_dates(&self, request: &BriefingRequest) -> Result<Dates, AppError> {
        let default = request
            .known_at
            .map_or_else(|| self.today(), |instant| instant.date_naive());
        let as_of = request.as_of.or(request.to).unwrap_or(default);
        let to = request.to.unwrap_or(as_of);
        let from = match request.from {
            Some(from) => from,
            None => to.checked_sub_months(Months::new(12)).ok_or_else(|| {
                AppError::Argument(ValidationError::new("--to", "is too early a date"))
            })?,
        };
        let refuse = |field: &str, problem: String| {
            Err(AppError::Argument(ValidationError::new(field, problem)))
        };
        if to < from {
            return refuse("--to", format!("{to} is before --from {from}"));
        }
        if as_of < from || as_of > to {
            return refuse(
                "--as-of",
                format!("{as_of} is outside the period {from} to {to}"),
            );
        }
        Ok(Dates { from, to, as_of })
    }

    fn issue_chart_pillars(&self, request: &BriefingRequest) -> Result<Vec<String>, AppError> {
        match &request.issue_charts {
            None => Ok(DEFAULT_ISSUE_CHARTS
                .iter()
                .filter(|id| self.framework.pillar(id).is_some())
                .map(|id| id.to_string())
                .collect()),
            Some(pillars) => {
                // `--issue-charts ''` asks for none.
                let pillars: Vec<String> =
                    pillars.iter().filter(|p| !p.is_empty()).cloned().collect();
                for pillar in &pillars {
                    if self.framework.pillar(pillar).is_none() {
                        return Err(AppError::Argument(ValidationError::new(
                            "--issue-charts",
                            format!(
                                "unknown pillar `{pillar}`; expected one of: {}",
                                self.framework.pillar_ids()
                            ),
                        )));
                    }
                }
                Ok(pillars)
            }
        }
    }

    /// The lines of the series: overall, then each pillar followed by its issues.
    fn series(&self, dates: &[NaiveDate], statuses: &[Status]) -> Series {
        let mut lines = vec![Line {
            id: "overall".into(),
            title: "Overall".into(),
            pillar: None,
            issue: None,
            // No data is a gap in the chart, not a flat line at 0.
            scores: statuses
                .iter()
                .map(|s| s.overall.level.as_ref().map(|_| s.overall.score))
                .collect(),
            events: statuses.iter().map(|s| s.overall.events).collect(),
        }];
        for (index, pillar) in self.framework.pillars.iter().enumerate() {
            let pillar_of = |status: &Status| status.pillars.get(index).cloned();
            lines.push(Line {
                id: pillar.id.clone(),
                title: pillar.title.clone(),
                pillar: Some(pillar.id.clone()),
                issue: None,
                scores: statuses
                    .iter()
                    .map(|s| pillar_of(s).and_then(|p| p.level.map(|_| p.score)))
                    .collect(),
                events: statuses
                    .iter()
                    .map(|s| pillar_of(s).map_or(0, |p| p.events))
                    .collect(),
            });
            for issue in &self.framework.issues {
                let reading = |status: &Status| {
                    status
                        .pillars
                        .get(index)
                        .and_then(|p| p.issues.iter().find(|i| i.id == issue.id))
                        .map(|i| (i.level.as_ref().map(|_| i.score), i.events))
                };
                if statuses
                    .iter()
                    .all(|s| reading(s).is_none_or(|(score, _)| score.is_none()))
                {
                    continue;
                }
                lines.push(Line {
                    id: format!("{}/{}", pillar.id, issue.id),
                    title: issue.title.clone(),
                    pillar: Some(pillar.id.clone()),
                    issue: Some(issue.id.clone()),
                    scores: statuses
                        .iter()
                        .map(|s| reading(s).and_then(|r| r.0))
                        .collect(),
                    events: statuses
                        .iter()
                        .map(|s| reading(s).map_or(0, |r| r.1))
                        .collect(),
                });
            }
        }
        debug_assert!(lines.iter().all(|l| l.scores.len() == dates.len()));
        Series {
            dates: dates.to_vec(),
            lines,
        }
    }

    /// Each line's reading on `from` and on `as_of`.
    fn headline(&self, series: &Series, dates: &[NaiveDate], period: &Dates) -> Vec<Movement> {
        let at = |date: NaiveDate| dates.binary_search(&date).ok();
        let (Some(start), Some(end)) = (at(period.from), at(period.as_of)) else {
            return Vec::new();
        };
        let reading = |line: &Line, index: usize| Reading {
            level: line.scores[index].map(|score| self.framework.level_for(score).id.clone()),
            score: line.scores[index].unwrap_or(0.0),
            events: line.events[index],
        };
        series
            .lines
            .iter()
            .filter(|line| {
                line.issue.is_none() || line.scores[start].is_some() || line.scores[end].is_some()
            })
            .map(|line| {
                let (start, end) = (reading(line, start), reading(line, end));
                let change = round2(end.score - start.score);
                Movement {
                    id: line.id.clone(),
                    title: line.title.clone(),
                    pillar: line.pillar.clone(),
                    issue: line.issue.clone(),
                    start,
                    end,
                    change,
                    direction: Direction::of(change),
                }
            })
            .collect()
    }

    /// What changed in the period, and the notable events of each chart line, from one scan of
    /// the dyad's events up to `position`.
    fn changes(
        &self,
        dyad: &crate::domain::event::Dyad,
        position: u64,
        dates: &Dates,
        amendments: &crate::projection::Amendments,
        chart_lines: &[&Line],
    ) -> Result<(Changes, Vec<Vec<Entry>>), AppError> {
        let in_period = |date: NaiveDate| dates.from <= date && date <= dates.to;
        let mut changes = Changes {
            new_events: Listed::default(),
            late_reports: Listed::default(),
            amendments: Listed::default(),
        };
        let mut new_events = Strongest::new(LISTED_CHANGES);
        let mut late = VecDeque::new();
        let mut amended: VecDeque<LoggedEvent> = VecDeque::new();
        let mut marks: Vec<Strongest<Entry>> = chart_lines
            .iter()
            .map(|_| Strongest::new(NOTABLE_EVENTS))
            .collect();
        let mut failure = None;
        let mut visit = |logged: LoggedEvent| -> Result<(), AppError> {
            if logged.event.kind.is_report() {
                let Some(original) = Report::original(&logged) else {
                    return Ok(());
                };
                let resolved =
                    amendments
                        .resolve(original)
                        .map_err(|error| AppError::Undecodable {
                            position: logged.position,
                            error,
                        })?;
                let (report, retracted) = match resolved {
                    Resolved::Standing(report) => (report, false),
                    Resolved::Retracted(report, _) => (report, true),
                };
                let entry = self.entry(&report, retracted);
                let strength = (entry.confidence * entry.intensity).abs();
                if in_period(report.occurred_on) {
                    changes.new_events.total += 1;
                    if !retracted {
                        for (line, kept) in chart_lines.iter().zip(marks.iter_mut()) {
                            let pillar_matches = line.pillar.as_deref() == Some(&entry.pillar);
                            let issue_matches = line.issue.is_none() || line.issue == entry.issue;
                            if pillar_matches && issue_matches && strength > 0.0 {
                                kept.offer(strength, report.position, entry.clone());
                            }
                        }
                    }
                    new_events.offer(strength, report.position, entry);
                } else if report.occurred_on < dates.from
                    && in_period(report.recorded_at.date_naive())
                {
                    changes.late_reports.total += 1;
                    keep_last(&mut late, entry);
                }
            } else if in_period(logged.event.occurred_on) {
                changes.amendments.total += 1;
                keep_last(&mut amended, logged);
            }
            Ok(())
        };
        let scan = Scan {
            stream: Some(dyad.as_str().to_string()),
            until_position: Some(position),
            ..Scan::default()
        };
        self.store.scan(
            &scan,
            &mut |stored| match decode(stored).and_then(&mut visit) {
                Ok(()) => ControlFlow::Continue(()),
                Err(error) => {
                    failure = Some(error);
                    ControlFlow::Break(())
                }
            },
        )?;
        if let Some(error) = failure {
            return Err(error);
        }
        let by_date = |mut entries: Vec<Entry>| {
            entries.sort_by_key(|e| (e.occurred_on, e.recorded_at, e.id));
            entries
        };
        changes.new_events.listed = by_date(new_events.into_vec());
        changes.late_reports.listed = late.into();
        for logged in amended {
            if let Some(entry) = self.amendment_entry(&logged, amendments)? {
                changes.amendments.listed.push(entry);
            }
        }
        let marks = marks.into_iter().map(|m| by_date(m.into_vec())).collect();
        Ok((changes, marks))
    }

    fn entry(&self, report: &Report, retracted: bool) -> Entry {
        let body = &report.body;
        Entry {
            id: report.id,
            occurred_on: report.occurred_on,
            recorded_at: report.recorded_at,
            actor: body.actor.clone(),
            target: body.target.clone(),
            action: body.action.clone(),
            intensity: report.intensity(self.taxonomy),
            confidence: report.confidence(),
            pillar: report.pillar(&self.framework).to_string(),
            issue: body.issue.clone(),
            summary: body.summary.clone(),
            outlet: body.source.outlet.clone(),
            attribution: body.source.attribution.clone(),
            url: body.source.url.clone(),
            corrected: !report.corrections.is_empty(),
            retracted,
        }
    }

    /// An amendment with what it changed, read from the report it applies to.
    fn amendment_entry(
        &self,
        logged: &LoggedEvent,
        amendments: &crate::projection::Amendments,
    ) -> Result<Option<AmendmentEntry>, AppError> {
        let (target, source_url) = match &logged.event.payload {
            Payload::Correction(c) => (c.corrects, c.source_url.clone()),
            Payload::Retraction(r) => (r.retracts, r.source_url.clone()),
            // A corroboration adds a source; the report's changes list what altered it.
            Payload::Report(_) | Payload::Corroboration(_) => return Ok(None),
        };
        let Some(stored) = self.store.event_by_id(target)? else {
            return Ok(None);
        };
        let Some(original) = Report::original(&decode(stored)?) else {
            return Ok(None);
        };
        let position = original.position;
        let resolved = amendments
            .resolve(original)
            .map_err(|error| AppError::Undecodable { position, error })?;
        let (report, note) = match resolved {
            Resolved::Standing(report) => {
                let note = report
                    .corrections
                    .iter()
                    .find(|n| n.id == logged.event.id)
                    .cloned();
                (report, note)
            }
            Resolved::Retracted(report, note) => {
                let note = std::iter::once(note)
                    .chain(report.corrections.iter().cloned())
                    .find(|n| n.id == logged.event.id);
                (report, note)
            }
        };
        Ok(note.map(|note| AmendmentEntry {
            id: note.id,
            kind: note.kind,
            recorded_at: note.recorded_at,
            report: report.id,
            summary: report.body.summary.clone(),
            reason: note.reason,
            changed: note.changed,
            source_url,
        }))
    }

    fn framework_info(&self) -> FrameworkInfo {
        let digest = Sha256::digest(serde_json::to_vec(&self.framework).unwrap_or_default());
        FrameworkInfo {
            id: self.framework.id.clone(),
            version: self.framework.version,
            title: self.framework.title.clone(),
            digest: digest.iter().take(8).map(|b| format!("{b:02x}")).collect(),
        }
    }

    fn level_bands(&self) -> Vec<LevelBand> {
        let levels = &self.framework.levels;
        levels
            .iter()
            .enumerate()
            .map(|(index, level)| LevelBand {
                id: level.id.clone(),
                title: level.title.clone(),
                from: level.from,
                to: levels.get(index + 1).map(|next| next.from),
                tone: self.framework.level_tone(&level.id),
            })
            .collect()
    }

    fn regenerating_command(
        &self,
        request: &BriefingRequest,
        dates: &Dates,
        known_at: DateTime<Utc>,
    ) -> Vec<String> {
        let mut command = vec!["dyad".to_string()];
        if let Some(file) = &request.framework_file {
            command.extend(["--framework".to_string(), file.clone()]);
        }
        command.push("report".into());
        if let Some(dyad) = &request.dyad {
            command.extend(["--dyad".to_string(), dyad.clone()]);
        }
        command.extend([
            "--from".to_string(),
            dates.from.to_string(),
            "--to".into(),
            dates.to.to_string(),
            "--as-of".into(),
            dates.as_of.to_string(),
            "--known-at".into(),
            format_recorded_at(known_at),
        ]);
        if let Some(pillars) = &request.issue_charts {
            command.extend(["--issue-charts".to_string(), pillars.join(",")]);
        }
        command
    }
}

impl Briefing {
    /// The title of the line with this id (the id itself when there is none).
    pub fn title_of(&self, id: &str) -> String {
        self.line(id)
            .map_or(id.to_string(), |line| line.title.clone())
    }

    /// The series' line with this id.
    pub fn line(&self, id: &str) -> Option<&Line> {
        self.series.lines.iter().find(|line| line.id == id)
    }

    /// The level band with this id.
    pub fn level(&self, id: &str) -> Option<&LevelBand> {
        self.levels.iter().find(|level| level.id == id)
    }
}
