//! The status of a relationship under each pillar of a framework, as of a date.
//!
//! Method (documented in the README): each event counted (occurred on or before `as_of`) weighs
//! `d = 0.5^(age_days / half_life_days)`. A set of events scores
//! `Σ d·intensity / (Σ d + prior_weight)`: a decayed mean of intensities, pulled towards 0 when
//! evidence is thin or stale, so it stays on the −10…+10 scale. A pillar scores its events; an
//! issue scores the pillar's events filed under it; the overall score pools all pillars, each
//! event's weight multiplied by its pillar's weight. The level is the one whose range holds the
//! score rounded to two decimals.
//!
//! Sums are kept in fixed point (1e-9) so that the result does not depend on the order events are
//! folded in: floating-point addition is not associative, integer addition is.

use crate::domain::event::{EventKind, LoggedEvent};
use crate::domain::framework::Framework;
use crate::domain::taxonomy::Taxonomy;
use chrono::NaiveDate;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use uuid::Uuid;

const FIXED_POINT: f64 = 1e9;

/// A decayed sum of intensities and of weights, in fixed point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    weighted_intensity: i128,
    weight: i128,
    events: u64,
}

impl Tally {
    fn add(&mut self, weighted_intensity: i128, weight: i128) {
        self.weighted_intensity += weighted_intensity;
        self.weight += weight;
        self.events += 1;
    }

    fn denominator(&self, prior_weight: f64) -> f64 {
        self.weight as f64 + prior_weight * FIXED_POINT
    }

    fn score(&self, prior_weight: f64) -> f64 {
        let denominator = self.denominator(prior_weight);
        if denominator <= 0.0 {
            return 0.0;
        }
        round2(self.weighted_intensity as f64 / denominator)
    }
}

fn round2(value: f64) -> f64 {
    let rounded = (value * 100.0).round() / 100.0;
    // Avoid printing -0.
    if rounded == 0.0 { 0.0 } else { rounded }
}

fn to_fixed(value: f64) -> i128 {
    (value * FIXED_POINT).round() as i128
}

/// One of the events that weigh most on a pillar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    /// The event's id.
    pub id: Uuid,
    /// When it happened.
    pub occurred_on: NaiveDate,
    /// Action or statement.
    pub kind: EventKind,
    /// Who.
    pub actor: String,
    /// To whom.
    pub target: String,
    /// The action code.
    pub action: String,
    /// The intensity it counts with.
    pub intensity: f64,
    /// The issue, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Its share of the pillar's score: the pillar score is the sum of all its events' shares.
    pub contribution: f64,
    /// Its decay weight on `as_of`, 0…1.
    pub weight: f64,
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
    #[serde(skip)]
    magnitude: i128,
    #[serde(skip)]
    weighted_intensity: i128,
}

impl Driver {
    /// Strongest first; ties broken by the later event, then the id, so the order is total.
    fn rank(&self, other: &Driver) -> Ordering {
        other
            .magnitude
            .cmp(&self.magnitude)
            .then(other.occurred_on.cmp(&self.occurred_on))
            .then(self.id.cmp(&other.id))
    }
}

/// The status of one issue within a pillar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueStatus {
    /// The issue id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its level.
    pub level: String,
    /// Its score, −10…+10.
    pub score: f64,
    /// Events counted.
    pub events: u64,
}

/// The status of one pillar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PillarStatus {
    /// The pillar id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its level.
    pub level: String,
    /// Its score, −10…+10.
    pub score: f64,
    /// Events counted.
    pub events: u64,
    /// The events that weigh most, strongest first.
    pub drivers: Vec<Driver>,
    /// Its issues that have events, in the framework's order.
    pub issues: Vec<IssueStatus>,
}

/// The overall status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverallStatus {
    /// The level.
    pub level: String,
    /// The score, −10…+10.
    pub score: f64,
    /// Events counted.
    pub events: u64,
}

/// Which framework a status was computed under.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkRef {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
}

/// The status of a relationship on a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// The dyad.
    pub dyad: String,
    /// The date it is computed for.
    pub as_of: NaiveDate,
    /// The framework.
    pub framework: FrameworkRef,
    /// The overall status.
    pub overall: OverallStatus,
    /// Each pillar, in the framework's order.
    pub pillars: Vec<PillarStatus>,
    /// Events of the dyad whose pillar this framework does not have (coded under another one).
    pub unplaced: u64,
}

#[derive(Debug, Default)]
struct PillarTally {
    tally: Tally,
    issues: BTreeMap<usize, Tally>,
    drivers: Vec<Driver>,
}

/// Folds events into a [`Status`]; feed it with [`StatusFold::apply`] in any order.
pub struct StatusFold<'a> {
    framework: &'a Framework,
    taxonomy: &'a Taxonomy,
    dyad: String,
    as_of: NaiveDate,
    pillars: Vec<PillarTally>,
    overall: Tally,
    unplaced: u64,
}

impl<'a> StatusFold<'a> {
    /// An empty fold of `dyad` as of `as_of`.
    pub fn new(
        framework: &'a Framework,
        taxonomy: &'a Taxonomy,
        dyad: &str,
        as_of: NaiveDate,
    ) -> Self {
        Self {
            framework,
            taxonomy,
            dyad: dyad.to_string(),
            as_of,
            pillars: framework
                .pillars
                .iter()
                .map(|_| PillarTally::default())
                .collect(),
            overall: Tally::default(),
            unplaced: 0,
        }
    }

    /// Counts one event (events of other dyads, or after `as_of`, are ignored).
    pub fn apply(&mut self, logged: &LoggedEvent) {
        let event = &logged.event;
        if event.dyad.as_str() != self.dyad || event.occurred_on > self.as_of {
            return;
        }
        let Some(pillar_index) = self.framework.pillar_index(event.pillar(self.framework)) else {
            self.unplaced += 1;
            return;
        };
        let method = &self.framework.method;
        let age_days = (self.as_of - event.occurred_on).num_days() as f64;
        let decay = 0.5_f64.powf(age_days / method.half_life_days);
        let intensity = event.intensity(self.taxonomy);
        let pillar_weight = self.framework.pillars[pillar_index].weight;

        let weighted_intensity = to_fixed(decay * intensity);
        let weight = to_fixed(decay);
        let pillar = &mut self.pillars[pillar_index];
        pillar.tally.add(weighted_intensity, weight);
        if let Some(issue_index) = event
            .body
            .issue
            .as_deref()
            .and_then(|id| self.framework.issues.iter().position(|i| i.id == id))
        {
            pillar
                .issues
                .entry(issue_index)
                .or_default()
                .add(weighted_intensity, weight);
        }
        self.overall.add(
            to_fixed(pillar_weight * decay * intensity),
            to_fixed(pillar_weight * decay),
        );
        if weighted_intensity != 0 {
            offer_driver(
                &mut pillar.drivers,
                method.drivers,
                logged,
                intensity,
                decay,
                weighted_intensity,
            );
        }
    }

    /// The status of everything applied.
    pub fn finish(self) -> Status {
        let framework = self.framework;
        let prior = framework.method.prior_weight;
        let pillars = framework
            .pillars
            .iter()
            .zip(self.pillars)
            .map(|(pillar, tally)| {
                let score = tally.tally.score(prior);
                let denominator = tally.tally.denominator(prior);
                let issues = tally
                    .issues
                    .iter()
                    .map(|(&index, issue_tally)| {
                        let score = issue_tally.score(prior);
                        IssueStatus {
                            id: framework.issues[index].id.clone(),
                            title: framework.issues[index].title.clone(),
                            level: framework.level_for(score).id.clone(),
                            score,
                            events: issue_tally.events,
                        }
                    })
                    .collect();
                let drivers = tally
                    .drivers
                    .into_iter()
                    .map(|mut driver| {
                        driver.contribution = if denominator > 0.0 {
                            round2(driver.weighted_intensity as f64 / denominator)
                        } else {
                            0.0
                        };
                        driver
                    })
                    .collect();
                PillarStatus {
                    id: pillar.id.clone(),
                    title: pillar.title.clone(),
                    level: framework.level_for(score).id.clone(),
                    score,
                    events: tally.tally.events,
                    drivers,
                    issues,
                }
            })
            .collect();
        let overall_score = self.overall.score(prior);
        Status {
            dyad: self.dyad,
            as_of: self.as_of,
            framework: FrameworkRef {
                id: framework.id.clone(),
                version: framework.version,
            },
            overall: OverallStatus {
                level: framework.level_for(overall_score).id.clone(),
                score: overall_score,
                events: self.overall.events,
            },
            pillars,
            unplaced: self.unplaced,
        }
    }
}

/// Keeps the `limit` strongest drivers, cloning an event only when it makes the cut.
fn offer_driver(
    drivers: &mut Vec<Driver>,
    limit: usize,
    logged: &LoggedEvent,
    intensity: f64,
    decay: f64,
    weighted_intensity: i128,
) {
    let event = &logged.event;
    let magnitude = weighted_intensity.abs();
    let beats = |d: &Driver| {
        d.magnitude
            .cmp(&magnitude)
            .then(d.occurred_on.cmp(&event.occurred_on))
            .then(event.id.cmp(&d.id))
            .is_gt()
    };
    let slot = drivers.partition_point(beats);
    if slot >= limit {
        return;
    }
    let body = &event.body;
    let driver = Driver {
        id: event.id,
        occurred_on: event.occurred_on,
        kind: event.kind,
        actor: body.actor.clone(),
        target: body.target.clone(),
        action: body.action.clone(),
        intensity,
        issue: body.issue.clone(),
        contribution: 0.0,
        weight: (decay * 1000.0).round() / 1000.0,
        summary: body.summary.clone(),
        outlet: body.source.outlet.clone(),
        attribution: body.source.attribution.clone(),
        url: body.source.url.clone(),
        magnitude,
        weighted_intensity,
    };
    drivers.insert(slot, driver);
    drivers.truncate(limit);
    debug_assert!(drivers.windows(2).all(|w| w[0].rank(&w[1]).is_lt()));
}
