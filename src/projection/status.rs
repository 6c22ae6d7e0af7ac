//! The status of a relationship under each pillar of a framework, as of a date.
//!
//! Method (documented in the README): each counted report (occurred on or before `as_of`) weighs
//! `w = c·d`, its confidence `c` times its decay `d = 0.5^(age_days / half_life_days)`. A set of
//! reports scores `Σ w·intensity / (Σ w + prior_weight)`: a decayed, confidence-weighted mean of
//! intensities, pulled towards 0 when evidence is thin or stale, so it stays on the −10…+10 scale.
//! A pillar scores its reports; an issue scores the pillar's reports filed under it; the overall
//! score pools all pillars, each report's weight multiplied by its pillar's weight. The level is
//! the one whose range holds the score rounded to two decimals.
//!
//! The [`Ledger`] is built in one pass over the reports and can then be evaluated at any date:
//! it keeps, per pillar and per day, the sums of `c·intensity` and of `c` (in fixed point, so
//! the result does not depend on the order reports are added in) and the day's strongest
//! reports. Evaluating decays each day's sums to the date. The ranking of drivers by
//! `|w·intensity|` does not depend on the date (decay is the same factor for all reports of a
//! day, and `2^(day/half_life)` orders days), so a day's strongest reports are all a later date
//! ever needs. `status --as-of D` and the row for D of a replay are the same evaluation.

use crate::domain::event::{AmendmentNote, CorroborationNote, EventKind, Report};
use crate::domain::framework::Framework;
use crate::domain::taxonomy::Taxonomy;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Fixed-point unit of intensities and confidences summed per day.
const MICRO: f64 = 1e6;
/// Fixed-point unit of decayed sums (1e-9).
const NANO: f64 = 1e9;

/// A score or share as printed: two decimals, and never `-0`.
pub(crate) fn round2(value: f64) -> f64 {
    let rounded = (value * 100.0).round() / 100.0;
    // Avoid printing -0.
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// One of the reports that weigh most on a pillar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    /// The report's id.
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
    /// The coder's confidence.
    pub confidence: f64,
    /// The issue, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Its share of the score: the score is the sum of all its reports' shares.
    pub contribution: f64,
    /// Its decay on `as_of`, 0…1.
    pub decay: f64,
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
    /// Who recorded it.
    pub recorded_by: String,
    /// The corrections that changed it, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<AmendmentNote>,
    /// The other sources of the same event, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corroborations: Vec<CorroborationNote>,
}

/// The status of one issue within a pillar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueStatus {
    /// The issue id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its level; `None` (no data) when its evidence weighs less than the method's
    /// `min_weight`.
    pub level: Option<String>,
    /// Its score, −10…+10.
    pub score: f64,
    /// The weight of its evidence: confidence times decay, summed.
    pub weight: f64,
    /// Reports counted.
    pub events: u64,
}

/// The status of one pillar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PillarStatus {
    /// The pillar id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its level; `None` (no data) when its evidence weighs less than the method's
    /// `min_weight`.
    pub level: Option<String>,
    /// Its score, −10…+10.
    pub score: f64,
    /// The weight of its evidence: confidence times decay, summed.
    pub weight: f64,
    /// Reports counted.
    pub events: u64,
    /// The reports that weigh most, strongest first.
    pub drivers: Vec<Driver>,
    /// Its issues that have reports, in the framework's order.
    pub issues: Vec<IssueStatus>,
}

/// The overall status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverallStatus {
    /// The level; `None` (no data) when the evidence weighs less than the method's
    /// `min_weight`.
    pub level: Option<String>,
    /// The score, −10…+10.
    pub score: f64,
    /// The weight of the evidence: confidence times decay (times the pillar's weight), summed.
    pub weight: f64,
    /// Reports counted.
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

/// The status of a relationship on a date, as the log stood at `known_at`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// The dyad.
    pub dyad: String,
    /// The date it is computed for (valid time).
    pub as_of: NaiveDate,
    /// The moment of the log it reads (transaction time); `None` for everything recorded.
    pub known_at: Option<DateTime<Utc>>,
    /// The framework.
    pub framework: FrameworkRef,
    /// The overall status.
    pub overall: OverallStatus,
    /// Each pillar, in the framework's order.
    pub pillars: Vec<PillarStatus>,
    /// Reports whose pillar this framework does not have (coded under another one).
    pub unplaced: u64,
}

/// Per-day sums of one pillar or issue, in fixed point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct DayTally {
    /// Σ confidence·intensity, in millionths.
    weighted_intensity: i64,
    /// Σ confidence, in millionths.
    confidence: i64,
    /// Reports counted.
    events: u64,
}

impl DayTally {
    fn add(&mut self, weighted_intensity: i64, confidence: i64) {
        self.weighted_intensity += weighted_intensity;
        self.confidence += confidence;
        self.events += 1;
    }
}

/// Decayed sums on the evaluation date, in nano-units.
#[derive(Debug, Clone, Copy, Default)]
struct Decayed {
    weighted_intensity: i128,
    weight: i128,
    events: u64,
}

impl Decayed {
    fn add(&mut self, day: &DayTally, decay: f64, pillar_weight: f64) {
        let factor = decay * pillar_weight * (NANO / MICRO);
        self.weighted_intensity += (day.weighted_intensity as f64 * factor).round() as i128;
        self.weight += (day.confidence as f64 * factor).round() as i128;
        self.events += day.events;
    }

    /// The total weight of the evidence, in units of one certain report of the day.
    fn weight(&self) -> f64 {
        self.weight as f64 / NANO
    }

    /// The level of `score`, unless the evidence is too thin to read one.
    fn level(&self, framework: &Framework, score: f64) -> Option<String> {
        (self.weight() >= framework.method.min_weight)
            .then(|| framework.level_for(score).id.clone())
    }

    /// The weight as reported: three decimals.
    fn rounded_weight(&self) -> f64 {
        (self.weight() * 1000.0).round() / 1000.0
    }

    fn denominator(&self, prior_weight: f64) -> f64 {
        self.weight as f64 + prior_weight * NANO
    }

    fn score(&self, prior_weight: f64) -> f64 {
        let denominator = self.denominator(prior_weight);
        if denominator <= 0.0 {
            return 0.0;
        }
        round2(self.weighted_intensity as f64 / denominator)
    }
}

/// A report offered as a driver, ranked by a key that does not depend on the evaluation date.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Candidate {
    /// log2(pillar_weight·|confidence·intensity|) + day/half_life.
    key: f64,
    /// confidence·intensity, in millionths.
    weighted_intensity: i64,
    intensity: f64,
    pillar_index: usize,
    day: i32,
    id: Uuid,
    /// Where the report is in the log, to read its details for the drivers chosen.
    position: u64,
}

impl Candidate {
    /// Whether `self` ranks before `other`: stronger, then later, then the smaller id.
    fn before(&self, other: &Candidate) -> bool {
        self.key
            .total_cmp(&other.key)
            .then(self.day.cmp(&other.day))
            .then(other.id.cmp(&self.id))
            .is_gt()
    }
}

/// Keeps the `limit` best candidates, in rank order.
fn offer(ranked: &mut Vec<Candidate>, limit: usize, candidate: Candidate) {
    let slot = ranked.partition_point(|c| c.before(&candidate));
    if slot < limit {
        ranked.insert(slot, candidate);
        ranked.truncate(limit);
    }
}

/// Reads the report at a position of the log, as amended: the ledger keeps drivers by position
/// only, so that it stays small, and reads the details of the few it reports.
pub type ReportAt<'a> = &'a dyn Fn(u64) -> Option<Report>;

#[derive(Debug, Default, Serialize, Deserialize)]
struct PillarLedger {
    days: BTreeMap<i32, DayTally>,
    issues: BTreeMap<(usize, i32), DayTally>,
    candidates: BTreeMap<i32, Vec<Candidate>>,
}

/// Which reports a ledger counts, for explanations of part of the status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// Only reports under this pillar.
    pub pillar: Option<String>,
    /// Only reports filed under this issue.
    pub issue: Option<String>,
}

/// How many drivers per pillar and day a ledger keeps, at least: enough for `explain`'s default.
pub const KEPT_DRIVERS: usize = 10;

/// Version of the ledger's serialised form, part of a checkpoint's key.
pub const LEDGER_FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct LedgerState {
    dyad: String,
    scope: Scope,
    driver_limit: usize,
    pillars: Vec<PillarLedger>,
    unplaced: u64,
}

/// The state the status is evaluated from; see the module documentation.
pub struct Ledger<'a> {
    framework: &'a Framework,
    taxonomy: &'a Taxonomy,
    state: LedgerState,
}

impl<'a> Ledger<'a> {
    /// An empty ledger of `dyad`, keeping enough drivers for `status` and `explain`.
    pub fn new(framework: &'a Framework, taxonomy: &'a Taxonomy, dyad: &str) -> Self {
        let limit = framework.method.drivers.max(KEPT_DRIVERS);
        Self::scoped(framework, taxonomy, dyad, Scope::default(), limit)
    }

    /// An empty ledger counting only the reports in `scope`, keeping `driver_limit` drivers.
    pub fn scoped(
        framework: &'a Framework,
        taxonomy: &'a Taxonomy,
        dyad: &str,
        scope: Scope,
        driver_limit: usize,
    ) -> Self {
        Self {
            framework,
            taxonomy,
            state: LedgerState {
                dyad: dyad.to_string(),
                scope,
                driver_limit,
                pillars: framework
                    .pillars
                    .iter()
                    .map(|_| PillarLedger::default())
                    .collect(),
                unplaced: 0,
            },
        }
    }

    /// How many drivers per pillar and day this ledger keeps.
    pub fn driver_limit(&self) -> usize {
        self.state.driver_limit
    }

    /// The ledger in its compact serialised form (for checkpoints).
    pub fn to_bytes(&self) -> Vec<u8> {
        // Plain data (numbers, strings, maps) always serialises.
        postcard::to_stdvec(&self.state).unwrap_or_else(|e| panic!("the ledger serialises: {e}"))
    }

    /// A ledger restored from [`Ledger::to_bytes`], if the bytes fit this framework.
    pub fn from_bytes(
        framework: &'a Framework,
        taxonomy: &'a Taxonomy,
        bytes: &[u8],
    ) -> Option<Self> {
        let state: LedgerState = postcard::from_bytes(bytes).ok()?;
        (state.pillars.len() == framework.pillars.len()).then_some(Self {
            framework,
            taxonomy,
            state,
        })
    }

    /// Counts a report (reports of other dyads, or outside the scope, are ignored).
    pub fn add(&mut self, report: &Report) {
        let state = &mut self.state;
        if report.dyad.as_str() != state.dyad {
            return;
        }
        let pillar_id = report.pillar(self.framework);
        let issue_id = report.body.issue.as_deref();
        if state
            .scope
            .pillar
            .as_deref()
            .is_some_and(|p| p != pillar_id)
            || state
                .scope
                .issue
                .as_deref()
                .is_some_and(|i| Some(i) != issue_id)
        {
            return;
        }
        let Some(pillar_index) = self.framework.pillar_index(pillar_id) else {
            state.unplaced += 1;
            return;
        };
        let intensity = report.intensity(self.taxonomy);
        // Counted once, however many outlets report it: corroborations raise its confidence.
        let confidence = report.confidence();
        let weighted_intensity = (confidence * intensity * MICRO).round() as i64;
        let confidence_micro = (confidence * MICRO).round() as i64;
        let day = report.occurred_on.num_days_from_ce();
        let issue_index =
            issue_id.and_then(|id| self.framework.issues.iter().position(|i| i.id == id));
        let pillar = &mut state.pillars[pillar_index];
        pillar
            .days
            .entry(day)
            .or_default()
            .add(weighted_intensity, confidence_micro);
        if let Some(issue_index) = issue_index {
            pillar
                .issues
                .entry((issue_index, day))
                .or_default()
                .add(weighted_intensity, confidence_micro);
        }
        let limit = state.driver_limit;
        if weighted_intensity == 0 || limit == 0 {
            return;
        }
        let pillar_weight = self.framework.pillars[pillar_index].weight;
        let key = (pillar_weight * (weighted_intensity as f64).abs()).log2()
            + f64::from(day) / self.framework.method.half_life_days;
        let candidate = Candidate {
            key,
            weighted_intensity,
            intensity,
            pillar_index,
            day,
            id: report.id,
            position: report.position,
        };
        offer(pillar.candidates.entry(day).or_default(), limit, candidate);
    }

    fn decay(&self, as_of: NaiveDate) -> impl Fn(i32) -> f64 + use<> {
        let last_day = as_of.num_days_from_ce();
        let half_life = self.framework.method.half_life_days;
        move |day: i32| 0.5_f64.powf(f64::from(last_day - day) / half_life)
    }

    /// The status on `as_of`, from the reports added that occurred by then; `report_at` reads
    /// the drivers' details.
    pub fn evaluate(&self, as_of: NaiveDate, report_at: ReportAt<'_>) -> Status {
        let framework = self.framework;
        let prior = framework.method.prior_weight;
        let decay = self.decay(as_of);
        let last_day = as_of.num_days_from_ce();
        let mut overall = Decayed::default();
        let mut pillars = Vec::with_capacity(self.state.pillars.len());
        for (pillar, ledger) in framework.pillars.iter().zip(&self.state.pillars) {
            let mut tally = Decayed::default();
            for (&day, sums) in ledger.days.range(..=last_day) {
                let d = decay(day);
                tally.add(sums, d, 1.0);
                overall.add(sums, d, pillar.weight);
            }
            let mut issues: BTreeMap<usize, Decayed> = BTreeMap::new();
            for (&(issue, day), sums) in &ledger.issues {
                if day <= last_day {
                    issues.entry(issue).or_default().add(sums, decay(day), 1.0);
                }
            }
            let score = tally.score(prior);
            let candidates = ledger.candidates.range(..=last_day).map(|(_, c)| c);
            let drivers = self.drivers(
                candidates,
                framework.method.drivers,
                &decay,
                tally.denominator(prior),
                false,
                report_at,
            );
            pillars.push(PillarStatus {
                id: pillar.id.clone(),
                title: pillar.title.clone(),
                level: tally.level(framework, score),
                score,
                weight: tally.rounded_weight(),
                events: tally.events,
                drivers,
                issues: issues
                    .into_iter()
                    .map(|(index, tally)| {
                        let score = tally.score(prior);
                        IssueStatus {
                            id: framework.issues[index].id.clone(),
                            title: framework.issues[index].title.clone(),
                            level: tally.level(framework, score),
                            score,
                            weight: tally.rounded_weight(),
                            events: tally.events,
                        }
                    })
                    .collect(),
            });
        }
        let overall_score = overall.score(prior);
        Status {
            dyad: self.state.dyad.clone(),
            as_of,
            known_at: None,
            framework: FrameworkRef {
                id: framework.id.clone(),
                version: framework.version,
            },
            overall: OverallStatus {
                level: overall.level(framework, overall_score),
                score: overall_score,
                weight: overall.rounded_weight(),
                events: overall.events,
            },
            pillars,
            unplaced: self.state.unplaced,
        }
    }

    /// The `limit` strongest reports among `lists` (each ranked), with their shares of a score
    /// whose denominator is `denominator`; `pooled` weighs each by its pillar's weight.
    fn drivers<'l>(
        &self,
        lists: impl Iterator<Item = &'l Vec<Candidate>>,
        limit: usize,
        decay: &dyn Fn(i32) -> f64,
        denominator: f64,
        pooled: bool,
        report_at: ReportAt<'_>,
    ) -> Vec<Driver> {
        let mut ranked: Vec<Candidate> = Vec::new();
        for candidates in lists {
            for candidate in candidates {
                if ranked.len() == limit
                    && ranked.last().is_some_and(|last| !candidate.before(last))
                {
                    // The list is ranked: no later candidate of it can enter.
                    break;
                }
                offer(&mut ranked, limit, candidate.clone());
            }
        }
        ranked
            .into_iter()
            .filter_map(|candidate| {
                let report = report_at(candidate.position)?;
                let confidence = report.confidence();
                let d = decay(candidate.day);
                let pillar_weight = if pooled {
                    self.framework.pillars[candidate.pillar_index].weight
                } else {
                    1.0
                };
                let share =
                    d * pillar_weight * candidate.weighted_intensity as f64 * (NANO / MICRO);
                Some(Driver {
                    id: report.id,
                    occurred_on: report.occurred_on,
                    kind: report.kind,
                    actor: report.body.actor,
                    target: report.body.target,
                    action: report.body.action,
                    intensity: candidate.intensity,
                    confidence,
                    issue: report.body.issue,
                    contribution: if denominator > 0.0 {
                        round2(share / denominator)
                    } else {
                        0.0
                    },
                    decay: (d * 1000.0).round() / 1000.0,
                    summary: report.body.summary,
                    outlet: report.body.source.outlet,
                    attribution: report.body.source.attribution,
                    url: report.body.source.url,
                    recorded_by: report.recorded_by,
                    corrections: report.corrections,
                    corroborations: report.corroborations,
                })
            })
            .collect()
    }

    /// What makes up a score on `as_of`: `pillar`'s when given, else the pooled score of the
    /// ledger's reports (the overall score, or an issue's across pillars in a scoped ledger),
    /// with its `limit` most important reports (at most [`Ledger::driver_limit`]).
    pub fn explain(
        &self,
        as_of: NaiveDate,
        pillar: Option<&str>,
        limit: usize,
        report_at: ReportAt<'_>,
    ) -> Explanation {
        let framework = self.framework;
        let prior = framework.method.prior_weight;
        let last_day = as_of.num_days_from_ce();
        let decay = self.decay(as_of);
        let chosen = pillar.and_then(|id| framework.pillar_index(id));
        let mut tally = Decayed::default();
        let mut lists: Vec<&Vec<Candidate>> = Vec::new();
        for (index, ledger) in self.state.pillars.iter().enumerate() {
            if chosen.is_some_and(|c| c != index) {
                continue;
            }
            let weight = if chosen.is_some() {
                1.0
            } else {
                framework.pillars[index].weight
            };
            for (&day, sums) in ledger.days.range(..=last_day) {
                tally.add(sums, decay(day), weight);
            }
            lists.extend(ledger.candidates.range(..=last_day).map(|(_, c)| c));
        }
        let score = tally.score(prior);
        let contributions = self.drivers(
            lists.into_iter(),
            limit.min(self.state.driver_limit),
            &decay,
            tally.denominator(prior),
            chosen.is_none(),
            report_at,
        );
        Explanation {
            dyad: self.state.dyad.clone(),
            as_of,
            known_at: None,
            pillar: pillar.map(str::to_string),
            issue: self.state.scope.issue.clone(),
            level: tally.level(framework, score),
            score,
            weight: tally.rounded_weight(),
            events: tally.events,
            contributions,
            retracted: Vec::new(),
        }
    }
}

/// A report that no longer counts because it was retracted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetractedReport {
    /// The report's id.
    pub id: Uuid,
    /// When it was said to have happened.
    pub occurred_on: NaiveDate,
    /// What it said.
    pub summary: String,
    /// The outlet.
    pub outlet: String,
    /// The retraction.
    pub retraction: AmendmentNote,
}

/// The reports that make up a score, most important first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The dyad.
    pub dyad: String,
    /// The date explained.
    pub as_of: NaiveDate,
    /// The moment of the log read.
    pub known_at: Option<DateTime<Utc>>,
    /// The pillar explained (the pooled score of the scope when `None`).
    pub pillar: Option<String>,
    /// Only reports filed under this issue.
    pub issue: Option<String>,
    /// The level of the score; `None` (no data) when its evidence weighs less than the
    /// method's `min_weight`.
    pub level: Option<String>,
    /// The score explained.
    pub score: f64,
    /// The weight of its evidence: confidence times decay, summed.
    pub weight: f64,
    /// Reports counted in it.
    pub events: u64,
    /// The reports with their shares of the score, most important first.
    pub contributions: Vec<Driver>,
    /// Reports in scope that were retracted and no longer count.
    pub retracted: Vec<RetractedReport>,
}
