//! Events: the input an analyst writes ([`EventInput`]), the validated [`Event`], the
//! [`LoggedEvent`] the log gives back with its position, version and recorded time, and the
//! [`Report`] an action or statement becomes once its corrections are applied.
//!
//! Two families of events share the log. *Reports* (`action`, `statement`) say what happened.
//! *Amendments* (`correction`, `retraction`) fix a report without touching it: nothing in the log
//! is ever changed, and a reader sees the original or the amended report depending on when it
//! looks (`known_at`).
//!
//! An event stores what the coder said. The derived values (a pillar from the framework's rules,
//! an intensity from the action's default) are computed when read, so the same log can be read
//! under another framework.
//!
//! Stored payloads carry their schema version and are upcast when read, never rewritten:
//! version 1 reports had no `confidence`; they read as fully confident (1.0).

use super::ValidationError;
use super::framework::Framework;
use super::taxonomy::Taxonomy;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// The version of the stored payload's shape. Bump it, and extend [`upcast`], when the shape of
/// a payload changes; stored events are never rewritten.
pub const SCHEMA_VERSION: u32 = 2;

/// The fields of a report a correction may replace.
pub const CORRECTABLE_FIELDS: [&str; 12] = [
    "occurred_on",
    "actor",
    "target",
    "action",
    "intensity",
    "confidence",
    "issue",
    "pillar",
    "summary",
    "speaker",
    "quote",
    "source",
];

/// Longest accepted reason for an amendment, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// Longest accepted summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 500;
/// Longest accepted quote, in characters.
pub const MAX_QUOTE_CHARS: usize = 4000;
/// Longest accepted short text (names, outlet, attribution), in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest accepted source URL, in bytes.
pub const MAX_URL_BYTES: usize = 2048;

/// Namespace of the ids dyad derives from an event's content when the input has none.
const CONTENT_ID_NAMESPACE: Uuid = Uuid::from_u128(0x6479_6164_2d65_7665_6e74_2d69_642d_7631);

/// Whether an event reports something done or something said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Something an actor did.
    Action,
    /// Something an actor's speaker said; carries `speaker` and `quote`.
    Statement,
    /// Replaces fields of an earlier report.
    Correction,
    /// Withdraws an earlier report (it proved false).
    Retraction,
    /// Links another source to an earlier report of the same real-world event: the event counts
    /// once, with a confidence raised by independent sources.
    Corroboration,
}

impl EventKind {
    /// The kind's name as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Action => "action",
            EventKind::Statement => "statement",
            EventKind::Correction => "correction",
            EventKind::Retraction => "retraction",
            EventKind::Corroboration => "corroboration",
        }
    }

    /// Whether events of this kind report what happened (rather than amend a report).
    pub fn is_report(self) -> bool {
        matches!(self, EventKind::Action | EventKind::Statement)
    }

    /// The kind with this stored name.
    pub fn parse(name: &str) -> Option<EventKind> {
        match name {
            "action" => Some(EventKind::Action),
            "statement" => Some(EventKind::Statement),
            "correction" => Some(EventKind::Correction),
            "retraction" => Some(EventKind::Retraction),
            "corroboration" => Some(EventKind::Corroboration),
            _ => None,
        }
    }
}

/// The relationship an event belongs to, e.g. `USA-RUS`: two distinct actor codes. It names the
/// event's stream in the log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Dyad(String);

impl Dyad {
    /// Checks `text` is two distinct known actor codes joined by `-`.
    pub fn parse(text: &str, taxonomy: &Taxonomy) -> Result<Dyad, ValidationError> {
        let expected = "expected two actor codes joined by `-`, e.g. `USA-RUS`";
        let Some((a, b)) = text.split_once('-') else {
            return Err(ValidationError::new(
                "dyad",
                format!("`{text}`: {expected}"),
            ));
        };
        for side in [a, b] {
            if taxonomy.actor(side).is_none() {
                return Err(ValidationError::new(
                    "dyad",
                    format!("`{side}` is not a known actor code ({expected})"),
                ));
            }
        }
        if a == b {
            return Err(ValidationError::new(
                "dyad",
                format!("`{text}` names the same actor twice"),
            ));
        }
        Ok(Dyad(text.to_string()))
    }

    /// The dyad as written, e.g. `USA-RUS`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Dyad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An event as an analyst writes it (one JSON object). Every string is checked by
/// [`Validator::validate`]; unknown fields are refused.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// A UUID; when absent, one is derived from the content so re-appending is a no-op.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The relationship, e.g. `USA-RUS`.
    pub dyad: String,
    /// `action` or `statement`.
    pub kind: EventKind,
    /// When it happened, `YYYY-MM-DD`.
    pub occurred_on: String,
    /// Who did or said it.
    pub actor: String,
    /// To whom.
    pub target: String,
    /// An action code of the taxonomy.
    pub action: String,
    /// −10 … +10 as it bears on the dyad; defaults to the action's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity: Option<f64>,
    /// How sure the coder is, 0 … 1; defaults to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// An issue of the framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// A pillar of the framework; derived by its rules when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pillar: Option<String>,
    /// One line saying what happened.
    pub summary: String,
    /// Who spoke (statements only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// What was said (statements only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Where it was reported.
    pub source: SourceInput,
}

/// The source of an event as written in input.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    /// The outlet, e.g. `BuzzFeed News`.
    pub outlet: String,
    /// The article's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it was published, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<String>,
    /// Whom the outlet attributes it to, e.g. `a US official`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// The sentence of the article the event comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// A correction or retraction as `export` writes it and `import` reads it. Unlike `dyad correct`
/// and `dyad retract`, which make a new amendment today, it keeps the amendment's own id and day,
/// so importing an export twice is a no-op.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendmentInput {
    /// The amendment's id.
    pub id: String,
    /// The relationship.
    pub dyad: String,
    /// `correction` or `retraction`.
    pub kind: EventKind,
    /// The day the amendment was made.
    pub occurred_on: String,
    /// The report corrected (corrections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<String>,
    /// The report retracted (retractions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retracts: Option<String>,
    /// The report corroborated (corroborations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corroborates: Option<String>,
    /// The replaced fields (corrections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Map<String, Value>>,
    /// The other source of the same event (corroborations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceInput>,
    /// Why.
    pub reason: String,
    /// Where the amendment comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
}

/// An amendment's envelope, checked: its id, its day and the report it amends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmendmentEnvelope {
    /// The amendment's id.
    pub id: Uuid,
    /// The day it was made.
    pub occurred_on: NaiveDate,
    /// The report it amends.
    pub target: Uuid,
}

/// The stored payload of an event: who did what to whom, as the coder wrote it, and the source.
/// Its field order is its canonical serialisation; see [`SCHEMA_VERSION`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// Who did or said it.
    pub actor: String,
    /// To whom.
    pub target: String,
    /// The action code.
    pub action: String,
    /// The coder's intensity, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity: Option<f64>,
    /// How sure the coder is, 0 … 1 (schema 2; version 1 reports read as 1.0).
    pub confidence: f64,
    /// The issue, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// The coder's pillar, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pillar: Option<String>,
    /// One line saying what happened.
    pub summary: String,
    /// Who spoke (statements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// What was said (statements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Where it was reported.
    pub source: Source,
}

/// Where an event was reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The outlet.
    pub outlet: String,
    /// The article's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<NaiveDate>,
    /// Whom the outlet attributes it to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// The sentence it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// A correction: fields of an earlier report replaced, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The id of the report corrected.
    pub corrects: Uuid,
    /// The replaced fields, in the input format (see [`CORRECTABLE_FIELDS`]).
    pub fields: Map<String, Value>,
    /// Why.
    pub reason: String,
    /// Where the correction comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
}

/// A retraction: an earlier report withdrawn, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retraction {
    /// The id of the report retracted.
    pub retracts: Uuid,
    /// Why (e.g. the report proved false).
    pub reason: String,
    /// Where the retraction comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
}

/// A corroboration: another source of the same real-world event as an earlier report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corroboration {
    /// The id of the report corroborated.
    pub corroborates: Uuid,
    /// The other source.
    pub source: Source,
    /// Why it is the same event (e.g. `the same expulsion, reported by Reuters`).
    pub reason: String,
}

/// The most a report's confidence rises to from corroborations alone: several outlets repeating
/// one claim are rarely fully independent.
pub const CORROBORATED_CONFIDENCE_CAP: f64 = 0.95;

/// The confidence a report counts with, given the coder's `confidence` and the number of
/// independent corroborating outlets (other than the report's own, each counted once): each
/// halves the remaining doubt, up to [`CORROBORATED_CONFIDENCE_CAP`]; never below the coder's.
pub fn corroborated_confidence(confidence: f64, independent_sources: usize) -> f64 {
    if independent_sources == 0 {
        return confidence;
    }
    let exponent = i32::try_from(independent_sources).unwrap_or(i32::MAX);
    let raised = 1.0 - (1.0 - confidence) * 0.5_f64.powi(exponent);
    confidence.max(raised.min(CORROBORATED_CONFIDENCE_CAP))
}

/// A corroboration applied to a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorroborationNote {
    /// The corroboration's id.
    pub id: Uuid,
    /// When the log learned it.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
    /// The other source.
    pub source: Source,
    /// Why it is the same event.
    pub reason: String,
}

/// What an event says, by family.
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "reports are nearly every event: boxing them would cost an allocation each"
)]
pub enum Payload {
    /// An action or a statement.
    Report(EventBody),
    /// A correction of a report.
    Correction(Correction),
    /// A retraction of a report.
    Retraction(Retraction),
    /// A corroboration of a report.
    Corroboration(Corroboration),
}

/// A valid event, ready to append.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Its id.
    pub id: Uuid,
    /// The relationship (the stream).
    pub dyad: Dyad,
    /// Its kind; always matches the payload.
    pub kind: EventKind,
    /// When it happened (valid time); for an amendment, the day it was made.
    pub occurred_on: NaiveDate,
    /// What it says.
    pub payload: Payload,
}

impl Event {
    /// The payload as stored: canonical JSON.
    pub fn payload_json(&self) -> String {
        let json = match &self.payload {
            Payload::Report(body) => serde_json::to_string(body),
            Payload::Correction(correction) => serde_json::to_string(correction),
            Payload::Retraction(retraction) => serde_json::to_string(retraction),
            Payload::Corroboration(corroboration) => serde_json::to_string(corroboration),
        };
        // Structs of strings, numbers, dates and JSON values always serialise.
        json.unwrap_or_else(|e| panic!("event payload serialises: {e}"))
    }

    /// The report's body, for actions and statements.
    pub fn report_body(&self) -> Option<&EventBody> {
        match &self.payload {
            Payload::Report(body) => Some(body),
            Payload::Correction(_) | Payload::Retraction(_) | Payload::Corroboration(_) => None,
        }
    }

    /// One line saying what the event is: a report's summary, or what an amendment does.
    pub fn headline(&self) -> String {
        match &self.payload {
            Payload::Report(body) => body.summary.clone(),
            Payload::Correction(correction) => {
                let fields: Vec<&str> = correction.fields.keys().map(String::as_str).collect();
                format!(
                    "corrects {} ({}): {}",
                    short_id(correction.corrects),
                    fields.join(", "),
                    correction.reason
                )
            }
            Payload::Retraction(retraction) => format!(
                "retracts {}: {}",
                short_id(retraction.retracts),
                retraction.reason
            ),
            Payload::Corroboration(corroboration) => format!(
                "corroborates {} ({}): {}",
                short_id(corroboration.corroborates),
                corroboration.source.outlet,
                corroboration.reason
            ),
        }
    }

    /// The report an amendment applies to.
    pub fn amends(&self) -> Option<Uuid> {
        match &self.payload {
            Payload::Report(_) => None,
            Payload::Correction(correction) => Some(correction.corrects),
            Payload::Retraction(retraction) => Some(retraction.retracts),
            Payload::Corroboration(corroboration) => Some(corroboration.corroborates),
        }
    }

    /// Rebuilds an event from the parts the log stores, upcasting older payload versions.
    /// Stored events were validated when appended, so only their shape is checked here, not the
    /// codes (a later taxonomy or framework may not know them).
    pub fn decode(
        id: &str,
        dyad: &str,
        kind: &str,
        schema_version: u32,
        occurred_on: &str,
        payload: &str,
    ) -> Result<Event, ValidationError> {
        let id = Uuid::parse_str(id)
            .map_err(|e| ValidationError::new("id", format!("`{id}` is not a UUID: {e}")))?;
        let kind = EventKind::parse(kind)
            .ok_or_else(|| ValidationError::new("kind", format!("unknown kind `{kind}`")))?;
        let occurred_on = NaiveDate::parse_from_str(occurred_on, "%Y-%m-%d").map_err(|e| {
            ValidationError::new("occurred_on", format!("`{occurred_on}` is not a date: {e}"))
        })?;
        let value: Value = serde_json::from_str(payload)
            .map_err(|e| ValidationError::new("payload", e.to_string()))?;
        let value = upcast(kind, schema_version, value)?;
        let invalid = |e: serde_json::Error| ValidationError::new("payload", e.to_string());
        let payload = match kind {
            EventKind::Action | EventKind::Statement => {
                Payload::Report(serde_json::from_value(value).map_err(invalid)?)
            }
            EventKind::Correction => {
                Payload::Correction(serde_json::from_value(value).map_err(invalid)?)
            }
            EventKind::Retraction => {
                Payload::Retraction(serde_json::from_value(value).map_err(invalid)?)
            }
            EventKind::Corroboration => {
                Payload::Corroboration(serde_json::from_value(value).map_err(invalid)?)
            }
        };
        Ok(Event {
            id,
            dyad: Dyad(dyad.to_string()),
            kind,
            occurred_on,
            payload,
        })
    }
}

/// Brings a stored payload of `schema_version` to the current shape. Each step takes one version
/// to the next, so a payload of any past version reads as the current one.
pub fn upcast(
    kind: EventKind,
    schema_version: u32,
    mut value: Value,
) -> Result<Value, ValidationError> {
    if schema_version == 0 || schema_version > SCHEMA_VERSION {
        return Err(ValidationError::new(
            "schema_version",
            format!(
                "version {schema_version} is unknown to this dyad (it reads 1 to {SCHEMA_VERSION}); \
                 upgrade dyad"
            ),
        ));
    }
    if schema_version < 2 && kind.is_report() {
        // Version 2 added `confidence`; reports coded before it were taken as certain.
        if let Value::Object(fields) = &mut value {
            fields.entry("confidence").or_insert(Value::from(1.0));
        }
    }
    Ok(value)
}

/// An event as the log holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedEvent {
    /// Global position in the log, from 1, gapless.
    pub position: u64,
    /// Version of its stream (dyad) after it, from 1, gapless.
    pub version: u64,
    /// When the log learned it (transaction time), set by the store.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it (`unknown` for events recorded before dyad kept it).
    pub recorded_by: String,
    /// The event.
    pub event: Event,
}

/// An amendment applied to a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmendmentNote {
    /// The amendment's id.
    pub id: Uuid,
    /// `correction` or `retraction`.
    pub kind: EventKind,
    /// When the log learned it.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
    /// Why.
    pub reason: String,
    /// The fields it replaced, each with its value before (empty for a retraction).
    pub changed: Vec<FieldChange>,
}

/// An amendment's place in the log, as the report it applies to records it.
#[derive(Debug, Clone, Copy)]
pub struct AmendmentStamp<'a> {
    /// The amendment's id.
    pub id: Uuid,
    /// When the log learned it.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: &'a str,
}

/// One field a correction replaced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field.
    pub field: String,
    /// Its value before the correction (`null` when it was absent).
    pub before: Value,
    /// Its value after.
    pub after: Value,
}

/// An action or statement as it stands once its corrections are applied: what projections fold.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The report's id.
    pub id: Uuid,
    /// The relationship.
    pub dyad: Dyad,
    /// Action or statement.
    pub kind: EventKind,
    /// When it happened, as last corrected.
    pub occurred_on: NaiveDate,
    /// What happened, as last corrected.
    pub body: EventBody,
    /// The report's position in the log.
    pub position: u64,
    /// When the log learned the report.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded the report.
    pub recorded_by: String,
    /// The corrections applied, in log order.
    pub corrections: Vec<AmendmentNote>,
    /// The other sources of the same event, in log order.
    pub corroborations: Vec<CorroborationNote>,
}

impl Report {
    /// The report as first recorded, for a logged action or statement.
    pub fn original(logged: &LoggedEvent) -> Option<Report> {
        let body = logged.event.report_body()?;
        Some(Report {
            id: logged.event.id,
            dyad: logged.event.dyad.clone(),
            kind: logged.event.kind,
            occurred_on: logged.event.occurred_on,
            body: body.clone(),
            position: logged.position,
            recorded_at: logged.recorded_at,
            recorded_by: logged.recorded_by.clone(),
            corrections: Vec::new(),
            corroborations: Vec::new(),
        })
    }

    /// The outlets that corroborate the report independently: other than its own, each once
    /// (names compared without case).
    pub fn independent_sources(&self) -> usize {
        let own = self.body.source.outlet.to_lowercase();
        let mut outlets: Vec<String> = self
            .corroborations
            .iter()
            .map(|c| c.source.outlet.to_lowercase())
            .filter(|outlet| *outlet != own)
            .collect();
        outlets.sort_unstable();
        outlets.dedup();
        outlets.len()
    }

    /// The confidence the report counts with: the coder's, raised by independent corroborating
    /// sources ([`corroborated_confidence`]).
    pub fn confidence(&self) -> f64 {
        corroborated_confidence(self.body.confidence, self.independent_sources())
    }

    /// The report with a corroboration applied.
    pub fn corroborated(&self, corroboration: &Corroboration, by: &AmendmentStamp<'_>) -> Report {
        let mut report = self.clone();
        report.corroborations.push(CorroborationNote {
            id: by.id,
            recorded_at: by.recorded_at,
            recorded_by: by.recorded_by.to_string(),
            source: corroboration.source.clone(),
            reason: corroboration.reason.clone(),
        });
        report
    }

    /// The intensity the report counts with: the coder's, else the action's default.
    pub fn intensity(&self, taxonomy: &Taxonomy) -> f64 {
        self.body
            .intensity
            .or_else(|| taxonomy.action(&self.body.action).map(|a| a.intensity))
            .unwrap_or(0.0)
    }

    /// The pillar the report counts under: the coder's, else the framework's rules.
    pub fn pillar<'a>(&'a self, framework: &'a Framework) -> &'a str {
        match &self.body.pillar {
            Some(pillar) => pillar,
            None => framework.derive_pillar(&self.body.action, self.body.issue.as_deref()),
        }
    }

    /// The report in the input format, without its id: what corrections replace fields of.
    fn as_fields(&self) -> Map<String, Value> {
        let mut fields = match serde_json::to_value(&self.body) {
            Ok(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        fields.insert(
            "occurred_on".into(),
            Value::from(self.occurred_on.to_string()),
        );
        fields
    }

    /// The report with a correction applied (already validated when it was appended); `by` is
    /// the correction as logged (its id, when and by whom it was recorded).
    pub fn corrected(
        &self,
        correction: &Correction,
        by: &AmendmentStamp<'_>,
    ) -> Result<Report, ValidationError> {
        let before = self.as_fields();
        let mut after = before.clone();
        let mut changed = Vec::new();
        for (field, value) in &correction.fields {
            changed.push(FieldChange {
                field: field.clone(),
                before: before.get(field).cloned().unwrap_or(Value::Null),
                after: value.clone(),
            });
            after.insert(field.clone(), value.clone());
        }
        let occurred_on = after
            .remove("occurred_on")
            .and_then(|v| {
                v.as_str()
                    .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            })
            .ok_or_else(|| {
                ValidationError::new("occurred_on", "the corrected date is not a date")
            })?;
        let body: EventBody = serde_json::from_value(Value::Object(after))
            .map_err(|e| ValidationError::new("fields", e.to_string()))?;
        let mut corrections = self.corrections.clone();
        corrections.push(AmendmentNote {
            id: by.id,
            kind: EventKind::Correction,
            recorded_at: by.recorded_at,
            recorded_by: by.recorded_by.to_string(),
            reason: correction.reason.clone(),
            changed,
        });
        Ok(Report {
            occurred_on,
            body,
            corrections,
            ..self.clone()
        })
    }

    /// The report in the input format with its id and dyad: a correction is validated by
    /// validating this with the replaced fields, as if it were appended anew.
    fn as_input_value(&self) -> Value {
        let mut fields = self.as_fields();
        fields.insert("id".into(), Value::from(self.id.to_string()));
        fields.insert("dyad".into(), Value::from(self.dyad.as_str()));
        fields.insert("kind".into(), Value::from(self.kind.as_str()));
        Value::Object(fields)
    }
}

/// Checks inputs against the codes, the framework and today's date.
#[derive(Clone, Copy)]
pub struct Validator<'a> {
    taxonomy: &'a Taxonomy,
    framework: &'a Framework,
    today: NaiveDate,
}

impl<'a> Validator<'a> {
    /// A validator refusing events dated after `today`.
    pub fn new(taxonomy: &'a Taxonomy, framework: &'a Framework, today: NaiveDate) -> Self {
        Self {
            taxonomy,
            framework,
            today,
        }
    }

    /// Turns an input into a valid event, or names the first field at fault.
    pub fn validate(&self, input: EventInput) -> Result<Event, ValidationError> {
        if !input.kind.is_report() {
            return Err(ValidationError::new(
                "kind",
                format!(
                    "a {} is made with `dyad {}`, not appended as input; expected `action` or `statement`",
                    input.kind.as_str(),
                    if input.kind == EventKind::Correction {
                        "correct"
                    } else {
                        "retract"
                    }
                ),
            ));
        }
        let dyad = Dyad::parse(&input.dyad, self.taxonomy)?;
        if let Some((a, b)) = input.dyad.split_once('-')
            && self.framework.dyad == format!("{b}-{a}")
        {
            return Err(ValidationError::new(
                "dyad",
                format!(
                    "`{}` is tracked as `{}`: write it in that order, or its events form a stream of their own",
                    input.dyad, self.framework.dyad
                ),
            ));
        }
        let occurred_on = self.past_date("occurred_on", &input.occurred_on)?;
        self.check_actor("actor", &input.actor)?;
        self.check_actor("target", &input.target)?;
        if self.taxonomy.action(&input.action).is_none() {
            return Err(ValidationError::new(
                "action",
                format!(
                    "unknown action code `{}`; expected one of: {}",
                    input.action,
                    self.taxonomy.action_codes()
                ),
            ));
        }
        if let Some(intensity) = input.intensity
            && !(intensity.is_finite() && (-10.0..=10.0).contains(&intensity))
        {
            return Err(ValidationError::new(
                "intensity",
                format!("{intensity} is outside the scale; expected a number from -10 to 10"),
            ));
        }
        let confidence = input.confidence.unwrap_or(1.0);
        if !(confidence.is_finite() && (0.0..=1.0).contains(&confidence)) {
            return Err(ValidationError::new(
                "confidence",
                format!("{confidence} is outside 0 to 1"),
            ));
        }
        self.check_framework_ids(&input)?;
        let summary = required_text("summary", &input.summary, MAX_SUMMARY_CHARS)?;
        let (speaker, quote) = self.check_statement(&input)?;
        let source = self.check_source(input.source, occurred_on)?;
        let body = EventBody {
            actor: input.actor,
            target: input.target,
            action: input.action,
            intensity: input.intensity,
            confidence,
            issue: input.issue,
            pillar: input.pillar,
            summary,
            speaker,
            quote,
            source,
        };
        let id = match input.id {
            Some(id) => Uuid::parse_str(&id)
                .map_err(|_| ValidationError::new("id", format!("`{id}` is not a UUID")))?,
            None => content_id(&dyad, input.kind, occurred_on, &body),
        };
        Ok(Event {
            id,
            dyad,
            kind: input.kind,
            occurred_on,
            payload: Payload::Report(body),
        })
    }

    /// A correction of `target` (the report as it now stands) replacing `fields`. The corrected
    /// report must be valid as a whole, as if it were appended anew.
    pub fn validate_correction(
        &self,
        target: &Report,
        fields: Map<String, Value>,
        reason: &str,
        source_url: Option<String>,
    ) -> Result<Event, ValidationError> {
        if fields.is_empty() {
            return Err(ValidationError::new(
                "fields",
                format!(
                    "a correction replaces at least one of: {}",
                    CORRECTABLE_FIELDS.join(", ")
                ),
            ));
        }
        if let Some(field) = fields
            .keys()
            .find(|f| !CORRECTABLE_FIELDS.contains(&f.as_str()))
        {
            return Err(ValidationError::new(
                field.clone(),
                format!(
                    "cannot be corrected; a correction replaces: {}",
                    CORRECTABLE_FIELDS.join(", ")
                ),
            ));
        }
        let mut corrected = target.as_input_value();
        if let Value::Object(all) = &mut corrected {
            all.extend(fields.clone());
        }
        let input: EventInput = serde_path_to_error::deserialize(corrected)
            .map_err(|e| ValidationError::new(e.path().to_string(), e.inner().to_string()))?;
        let valid = self.validate(input)?;
        // Store each replaced field as validation left it (defaults filled in), so that reading
        // the correction back can never fail where appending it succeeded.
        let mut as_validated = match valid.report_body().map(serde_json::to_value) {
            Some(Ok(Value::Object(body))) => body,
            _ => Map::new(),
        };
        as_validated.insert(
            "occurred_on".into(),
            Value::from(valid.occurred_on.to_string()),
        );
        let fields = fields
            .into_iter()
            .map(|(field, _)| {
                let value = as_validated.get(&field).cloned().unwrap_or(Value::Null);
                (field, value)
            })
            .collect();
        let correction = Correction {
            corrects: target.id,
            fields,
            reason: required_text("reason", reason, MAX_REASON_CHARS)?,
            source_url: self.check_url("source_url", source_url)?,
        };
        let content = serde_json::to_string(&correction)
            .map_err(|e| ValidationError::new("fields", e.to_string()))?;
        Ok(self.amendment(
            target,
            EventKind::Correction,
            &content,
            Payload::Correction(correction),
        ))
    }

    /// A retraction of `target`.
    pub fn validate_retraction(
        &self,
        target: &Report,
        reason: &str,
        source_url: Option<String>,
    ) -> Result<Event, ValidationError> {
        let retraction = Retraction {
            retracts: target.id,
            reason: required_text("reason", reason, MAX_REASON_CHARS)?,
            source_url: self.check_url("source_url", source_url)?,
        };
        let content = serde_json::to_string(&retraction)
            .map_err(|e| ValidationError::new("reason", e.to_string()))?;
        Ok(self.amendment(
            target,
            EventKind::Retraction,
            &content,
            Payload::Retraction(retraction),
        ))
    }

    /// A corroboration of `target` by another source of the same event.
    pub fn validate_corroboration(
        &self,
        target: &Report,
        source: SourceInput,
        reason: &str,
    ) -> Result<Event, ValidationError> {
        let corroboration = Corroboration {
            corroborates: target.id,
            source: self.check_source(source, target.occurred_on)?,
            reason: required_text("reason", reason, MAX_REASON_CHARS)?,
        };
        let content = serde_json::to_string(&corroboration)
            .map_err(|e| ValidationError::new("source", e.to_string()))?;
        Ok(self.amendment(
            target,
            EventKind::Corroboration,
            &content,
            Payload::Corroboration(corroboration),
        ))
    }

    /// Checks an imported amendment's envelope; its content is checked against the report it
    /// amends by [`Validator::validate_correction`], [`Validator::validate_retraction`] or
    /// [`Validator::validate_corroboration`].
    pub fn check_amendment(
        &self,
        input: &AmendmentInput,
    ) -> Result<AmendmentEnvelope, ValidationError> {
        let id = Uuid::parse_str(&input.id)
            .map_err(|_| ValidationError::new("id", format!("`{}` is not a UUID", input.id)))?;
        let occurred_on = self.past_date("occurred_on", &input.occurred_on)?;
        let targets = [
            ("corrects", &input.corrects),
            ("retracts", &input.retracts),
            ("corroborates", &input.corroborates),
        ];
        let field = match input.kind {
            EventKind::Correction => "corrects",
            EventKind::Retraction => "retracts",
            EventKind::Corroboration => "corroborates",
            EventKind::Action | EventKind::Statement => {
                return Err(ValidationError::new(
                    "kind",
                    "expected `correction`, `retraction` or `corroboration`",
                ));
            }
        };
        let target = targets
            .iter()
            .find(|(name, _)| *name == field)
            .and_then(|(_, target)| target.as_ref());
        if let Some((other, _)) = targets
            .iter()
            .find(|(name, target)| *name != field && target.is_some())
        {
            return Err(ValidationError::new(
                *other,
                format!(
                    "a {} names the report it amends in `{field}`",
                    input.kind.as_str()
                ),
            ));
        }
        match (input.kind, &input.source) {
            (EventKind::Corroboration, None) => {
                return Err(ValidationError::new(
                    "source",
                    "a corroboration needs the other source",
                ));
            }
            (EventKind::Correction | EventKind::Retraction, Some(_)) => {
                return Err(ValidationError::new(
                    "source",
                    "only a corroboration names another source",
                ));
            }
            _ => {}
        }
        let target = target.ok_or_else(|| {
            ValidationError::new(field, "the id of the report amended is missing")
        })?;
        let target = Uuid::parse_str(target)
            .map_err(|_| ValidationError::new(field, format!("`{target}` is not a UUID")))?;
        match (input.kind, &input.fields) {
            (EventKind::Correction, None) => {
                return Err(ValidationError::new(
                    "fields",
                    "a correction needs the replaced fields",
                ));
            }
            (EventKind::Retraction | EventKind::Corroboration, Some(_)) => {
                return Err(ValidationError::new(
                    "fields",
                    format!("a {} replaces no fields", input.kind.as_str()),
                ));
            }
            _ => {}
        }
        Ok(AmendmentEnvelope {
            id,
            occurred_on,
            target,
        })
    }

    /// An amendment made today, its id derived from its content so that retrying it is a no-op.
    fn amendment(
        &self,
        target: &Report,
        kind: EventKind,
        content: &str,
        payload: Payload,
    ) -> Event {
        // The report's state is part of the id: the same correction made again after another
        // one is a new event, a retry of the same one is not.
        let state = target
            .corrections
            .last()
            .map(|c| c.id.to_string())
            .unwrap_or_default();
        let name = format!("{}\n{}\n{state}\n{content}", target.dyad, kind.as_str());
        Event {
            id: Uuid::new_v5(&CONTENT_ID_NAMESPACE, name.as_bytes()),
            dyad: target.dyad.clone(),
            kind,
            occurred_on: self.today,
            payload,
        }
    }

    fn check_url(
        &self,
        field: &str,
        url: Option<String>,
    ) -> Result<Option<String>, ValidationError> {
        if let Some(url) = &url {
            // Schemes are case-insensitive (RFC 3986): `HTTPS://` is as good as `https://`.
            let scheme = url.split_once("://").map(|(scheme, _)| scheme);
            let scheme_ok = scheme
                .is_some_and(|s| s.eq_ignore_ascii_case("https") || s.eq_ignore_ascii_case("http"));
            if !scheme_ok
                || url.len() > MAX_URL_BYTES
                || url.contains(char::is_whitespace)
                || url.contains(char::is_control)
            {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "expected an http(s) URL without spaces, at most {MAX_URL_BYTES} bytes"
                    ),
                ));
            }
        }
        Ok(url)
    }

    fn check_actor(&self, field: &str, code: &str) -> Result<(), ValidationError> {
        if self.taxonomy.actor(code).is_some() {
            return Ok(());
        }
        Err(ValidationError::new(
            field,
            format!(
                "unknown actor code `{code}`; expected an ISO 3166-1 alpha-3 code for a state \
                 (USA, RUS, PRK...) or a documented code such as NATO, UN, TALIBAN, ISIS"
            ),
        ))
    }

    fn check_framework_ids(&self, input: &EventInput) -> Result<(), ValidationError> {
        if let Some(issue) = &input.issue
            && self.framework.issue(issue).is_none()
        {
            return Err(ValidationError::new(
                "issue",
                format!(
                    "unknown issue `{issue}`; expected one of: {}",
                    self.framework.issue_ids()
                ),
            ));
        }
        if let Some(pillar) = &input.pillar
            && self.framework.pillar(pillar).is_none()
        {
            return Err(ValidationError::new(
                "pillar",
                format!(
                    "unknown pillar `{pillar}`; expected one of: {}",
                    self.framework.pillar_ids()
                ),
            ));
        }
        Ok(())
    }

    fn check_statement(
        &self,
        input: &EventInput,
    ) -> Result<(Option<String>, Option<String>), ValidationError> {
        match input.kind {
            EventKind::Statement => {
                let speaker = input.speaker.as_deref().ok_or_else(|| {
                    ValidationError::new("speaker", "a statement needs the speaker who made it")
                })?;
                let quote = input.quote.as_deref().ok_or_else(|| {
                    ValidationError::new("quote", "a statement needs the quote of what was said")
                })?;
                Ok((
                    Some(required_text("speaker", speaker, MAX_NAME_CHARS)?),
                    Some(quoted_text("quote", quote, MAX_QUOTE_CHARS)?),
                ))
            }
            EventKind::Action
            | EventKind::Correction
            | EventKind::Retraction
            | EventKind::Corroboration => {
                for (field, value) in [("speaker", &input.speaker), ("quote", &input.quote)] {
                    if value.is_some() {
                        return Err(ValidationError::new(
                            field,
                            "only a statement carries a speaker and a quote; put the article's \
                             sentence in `source.quote`",
                        ));
                    }
                }
                Ok((None, None))
            }
        }
    }

    fn check_source(
        &self,
        source: SourceInput,
        occurred_on: NaiveDate,
    ) -> Result<Source, ValidationError> {
        let outlet = required_text("source.outlet", &source.outlet, MAX_NAME_CHARS)?;
        let url = self.check_url("source.url", source.url)?;
        let published_on = match &source.published_on {
            Some(text) => {
                let date = self.past_date("source.published_on", text)?;
                if date < occurred_on {
                    return Err(ValidationError::new(
                        "source.published_on",
                        format!("{date} is before the event occurred ({occurred_on})"),
                    ));
                }
                Some(date)
            }
            None => None,
        };
        let attribution = source
            .attribution
            .as_deref()
            .map(|text| required_text("source.attribution", text, MAX_NAME_CHARS))
            .transpose()?;
        let quote = source
            .quote
            .as_deref()
            .map(|text| quoted_text("source.quote", text, MAX_QUOTE_CHARS))
            .transpose()?;
        Ok(Source {
            outlet,
            url,
            published_on,
            attribution,
            quote,
        })
    }

    fn past_date(&self, field: &str, text: &str) -> Result<NaiveDate, ValidationError> {
        let date = calendar_date(text).map_err(|problem| ValidationError::new(field, problem))?;
        if date > self.today {
            return Err(ValidationError::new(
                field,
                format!("{date} is in the future (today is {})", self.today),
            ));
        }
        if date.year() < 1800 {
            return Err(ValidationError::new(
                field,
                format!("{date} is before 1800; is the year mistyped?"),
            ));
        }
        Ok(date)
    }
}

/// A one-line text field: no control character at all (no line feed, tab, escape or NUL), since
/// it is printed on one line of a table or a terminal.
fn required_text(field: &str, text: &str, max_chars: usize) -> Result<String, ValidationError> {
    refuse_control_characters(field, text, |_| false)?;
    bounded_text(field, text, max_chars)
}

/// A quotation: it may span lines and hold tabs, as the text quoted did; no other control
/// character.
fn quoted_text(field: &str, text: &str, max_chars: usize) -> Result<String, ValidationError> {
    refuse_control_characters(field, text, |c| c == '\n' || c == '\t')?;
    bounded_text(field, text, max_chars)
}

fn refuse_control_characters(
    field: &str,
    text: &str,
    allowed: impl Fn(char) -> bool,
) -> Result<(), ValidationError> {
    match text
        .char_indices()
        .find(|&(_, c)| c.is_control() && !allowed(c))
    {
        Some((at, c)) => Err(ValidationError::new(
            field,
            format!(
                "holds the control character U+{:04X} at byte {at}; remove it (a text field holds \
                 printable characters only)",
                u32::from(c)
            ),
        )),
        None => Ok(()),
    }
}

fn bounded_text(field: &str, text: &str, max_chars: usize) -> Result<String, ValidationError> {
    if text.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(ValidationError::new(
            field,
            format!("{chars} characters is too long; expected at most {max_chars}"),
        ));
    }
    Ok(text.to_string())
}

/// A `YYYY-MM-DD` calendar date, strictly: the message says what was wrong, the same in event
/// input and in command-line flags.
pub fn calendar_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| d.format("%Y-%m-%d").to_string() == text)
        .ok_or_else(|| format!("`{text}` is not a calendar date; expected YYYY-MM-DD"))
}

/// The first eight hex digits of an id, as people quote it.
pub fn short_id(id: Uuid) -> String {
    id.simple().to_string()[..8].to_string()
}

/// The fewest hex digits of an id that dyad looks up: fewer would often match several events.
pub const MIN_ID_PREFIX: usize = 6;

/// An id as a person gives it: whole, or its first hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdRef {
    /// A whole UUID.
    Whole(Uuid),
    /// The start of an id, in the stored (hyphenated, lower-case) form.
    Prefix(String),
}

impl IdRef {
    /// Reads a whole id or a prefix of at least [`MIN_ID_PREFIX`] hex digits (hyphens and case
    /// as the user likes).
    pub fn parse(text: &str) -> Result<IdRef, ValidationError> {
        let trimmed = text.trim();
        let digits: String = trimmed
            .chars()
            .filter(|c| *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ValidationError::new(
                "id",
                format!("`{trimmed}` is not an id; expected hex digits such as `6bfb64d9`"),
            ));
        }
        if digits.len() < MIN_ID_PREFIX {
            return Err(ValidationError::new(
                "id",
                format!(
                    "`{trimmed}` is too short: give at least {MIN_ID_PREFIX} characters of the id"
                ),
            ));
        }
        if digits.len() >= 32 {
            return Uuid::parse_str(&digits).map(IdRef::Whole).map_err(|e| {
                ValidationError::new("id", format!("`{trimmed}` is not a UUID: {e}"))
            });
        }
        // The stored form has hyphens after the 8th, 12th, 16th and 20th digit.
        let mut prefix = String::with_capacity(digits.len() + 4);
        for (index, digit) in digits.chars().enumerate() {
            if matches!(index, 8 | 12 | 16 | 20) {
                prefix.push('-');
            }
            prefix.push(digit);
        }
        Ok(IdRef::Prefix(prefix))
    }
}

fn body_json(body: &EventBody) -> String {
    // A struct of strings, numbers and dates always serialises.
    serde_json::to_string(body).unwrap_or_else(|e| panic!("event body serialises: {e}"))
}

/// The id of an event given without one: a UUIDv5 of its content, so appending the same event
/// twice records it once.
fn content_id(dyad: &Dyad, kind: EventKind, occurred_on: NaiveDate, body: &EventBody) -> Uuid {
    // With the default confidence the body is hashed as schema 1 wrote it, so an event appended
    // without an id before and after schema 2 gets the same id.
    let hashed = if body.confidence == 1.0 {
        serde_json::to_string(&VersionOneBody::of(body))
            .unwrap_or_else(|e| panic!("event body serialises: {e}"))
    } else {
        body_json(body)
    };
    let name = format!(
        "{}\n{}\n{}\n{hashed}",
        dyad.as_str(),
        kind.as_str(),
        occurred_on
    );
    Uuid::new_v5(&CONTENT_ID_NAMESPACE, name.as_bytes())
}

/// The body as schema 1 serialised it (no `confidence`), field for field.
#[derive(Serialize)]
struct VersionOneBody<'a> {
    actor: &'a str,
    target: &'a str,
    action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    intensity: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issue: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pillar: Option<&'a str>,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    speaker: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quote: Option<&'a str>,
    source: &'a Source,
}

impl<'a> VersionOneBody<'a> {
    fn of(body: &'a EventBody) -> Self {
        Self {
            actor: &body.actor,
            target: &body.target,
            action: &body.action,
            intensity: body.intensity,
            issue: body.issue.as_deref(),
            pillar: body.pillar.as_deref(),
            summary: &body.summary,
            speaker: body.speaker.as_deref(),
            quote: body.quote.as_deref(),
            source: &body.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EventInput {
        serde_json::from_value(serde_json::json!({
            "dyad": "USA-RUS", "kind": "action", "occurred_on": "2017-04-24",
            "actor": "RUS", "target": "TALIBAN", "action": "arm_adversary",
            "issue": "afghanistan", "summary": "Russia sends arms to the Taliban",
            "source": {"outlet": "BuzzFeed News", "published_on": "2017-06-19"}
        }))
        .expect("valid input shape")
    }

    fn validate(input: EventInput) -> Result<Event, ValidationError> {
        let framework = Framework::builtin();
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        Validator::new(Taxonomy::builtin(), &framework, today).validate(input)
    }

    fn report(event: Event) -> Report {
        Report::original(&LoggedEvent {
            position: 1,
            version: 1,
            recorded_at: DateTime::<Utc>::MIN_UTC,
            recorded_by: crate::domain::recorder::UNKNOWN_RECORDER.to_string(),
            event,
        })
        .expect("a report")
    }

    #[test]
    fn derived_values_come_from_the_action_and_the_framework() {
        let report = report(validate(input()).expect("valid"));
        assert_eq!(report.pillar(&Framework::builtin()), "pushback");
        assert_eq!(report.intensity(Taxonomy::builtin()), -7.0);
        assert_eq!(report.body.intensity, None, "the input's absence is kept");
        assert_eq!(report.body.confidence, 1.0);
    }

    #[test]
    fn version_1_reports_are_upcast_as_fully_confident() {
        let event = validate(input()).expect("valid");
        let mut v1: Value = serde_json::from_str(&event.payload_json()).expect("json");
        v1.as_object_mut().expect("object").remove("confidence");
        let decoded = Event::decode(
            &event.id.to_string(),
            "USA-RUS",
            "action",
            1,
            "2017-04-24",
            &v1.to_string(),
        )
        .expect("a version 1 payload decodes");
        assert_eq!(decoded, event);
        assert!(
            Event::decode(
                &event.id.to_string(),
                "USA-RUS",
                "action",
                3,
                "2017-04-24",
                &v1.to_string()
            )
            .is_err()
        );
    }

    #[test]
    fn a_correction_must_leave_a_valid_report() {
        let framework = Framework::builtin();
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        let validator = Validator::new(Taxonomy::builtin(), &framework, today);
        let target = report(validate(input()).expect("valid"));
        let fields = |value: Value| value.as_object().expect("object").clone();
        let bad_date = validator
            .validate_correction(
                &target,
                fields(serde_json::json!({"occurred_on": "2017-02-30"})),
                "typo",
                None,
            )
            .expect_err("impossible date");
        assert_eq!(bad_date.field, "occurred_on");
        let not_correctable = validator
            .validate_correction(
                &target,
                fields(serde_json::json!({"dyad": "USA-CHN"})),
                "typo",
                None,
            )
            .expect_err("dyad is fixed");
        assert_eq!(not_correctable.field, "dyad");
        let correction = validator
            .validate_correction(
                &target,
                fields(serde_json::json!({"intensity": -5.0})),
                "overstated",
                None,
            )
            .expect("valid correction");
        let Payload::Correction(body) = &correction.payload else {
            panic!("a correction payload");
        };
        let corrected = target
            .corrected(
                body,
                &AmendmentStamp {
                    id: correction.id,
                    recorded_at: DateTime::<Utc>::MIN_UTC,
                    recorded_by: crate::domain::recorder::UNKNOWN_RECORDER,
                },
            )
            .expect("applies");
        assert_eq!(corrected.body.intensity, Some(-5.0));
        assert_eq!(corrected.corrections[0].changed[0].before, Value::Null);
    }

    #[test]
    fn the_same_content_gets_the_same_id() {
        let a = validate(input()).expect("valid");
        let b = validate(input()).expect("valid");
        assert_eq!(a.kind, EventKind::Action);
        assert_eq!(a.id, b.id);
        let mut other = input();
        other.summary.push('.');
        assert_ne!(validate(other).expect("valid").id, a.id);
    }

    #[test]
    fn impossible_and_future_dates_are_refused() {
        for (date, expected) in [
            ("2017-02-30", "not a calendar date"),
            ("2017-2-3", "not a calendar date"),
            ("2031-01-01", "in the future"),
            ("0217-01-01", "before 1800"),
        ] {
            let mut bad = input();
            bad.occurred_on = date.into();
            let err = validate(bad).expect_err(date);
            assert_eq!(err.field, "occurred_on");
            assert!(err.problem.contains(expected), "{date}: {err}");
        }
    }

    #[test]
    fn a_source_cannot_precede_the_event() {
        let mut bad = input();
        bad.source.published_on = Some("2017-01-01".into());
        assert_eq!(
            validate(bad).expect_err("early").field,
            "source.published_on"
        );
    }

    #[test]
    fn statements_need_a_speaker_and_quote_and_actions_have_none() {
        let mut statement = input();
        statement.kind = EventKind::Statement;
        assert_eq!(
            validate(statement.clone()).expect_err("no speaker").field,
            "speaker"
        );
        statement.speaker = Some("a US official".into());
        assert_eq!(
            validate(statement.clone()).expect_err("no quote").field,
            "quote"
        );
        statement.quote = Some("We will push back.".into());
        assert!(validate(statement).is_ok());
        let mut action = input();
        action.speaker = Some("someone".into());
        assert_eq!(
            validate(action).expect_err("speaker on action").field,
            "speaker"
        );
    }
}
