//! Events: the input an analyst writes ([`EventInput`]), the validated [`Event`], and the
//! [`LoggedEvent`] the log gives back with its position, version and recorded time.
//!
//! An event stores what the coder said. The derived values (a pillar from the framework's rules,
//! an intensity from the action's default) are computed when read, so the same log can be read
//! under another framework.

use super::ValidationError;
use super::framework::Framework;
use super::taxonomy::Taxonomy;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The version of the stored payload's shape. Bump it, and add an upcaster, when the shape of
/// [`EventBody`] changes; stored events are never rewritten.
pub const SCHEMA_VERSION: u32 = 1;

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
}

impl EventKind {
    /// The kind's name as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Action => "action",
            EventKind::Statement => "statement",
        }
    }

    /// The kind with this stored name.
    pub fn parse(name: &str) -> Option<EventKind> {
        match name {
            "action" => Some(EventKind::Action),
            "statement" => Some(EventKind::Statement),
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

/// A valid event, ready to append.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Its id.
    pub id: Uuid,
    /// The relationship (the stream).
    pub dyad: Dyad,
    /// Action or statement.
    pub kind: EventKind,
    /// When it happened (valid time).
    pub occurred_on: NaiveDate,
    /// What happened and where it was reported.
    pub body: EventBody,
}

impl Event {
    /// The payload as stored: the canonical JSON of the body.
    pub fn payload_json(&self) -> String {
        body_json(&self.body)
    }

    /// The intensity the event counts with: the coder's, else the action's default.
    pub fn intensity(&self, taxonomy: &Taxonomy) -> f64 {
        self.body
            .intensity
            .or_else(|| taxonomy.action(&self.body.action).map(|a| a.intensity))
            .unwrap_or(0.0)
    }

    /// The pillar the event counts under: the coder's, else the framework's rules.
    pub fn pillar<'a>(&'a self, framework: &'a Framework) -> &'a str {
        match &self.body.pillar {
            Some(pillar) => pillar,
            None => framework.derive_pillar(&self.body.action, self.body.issue.as_deref()),
        }
    }

    /// Rebuilds an event from the parts the log stores. Stored events were validated when
    /// appended, so only their shape is checked here, not the codes (a later taxonomy or framework
    /// may not know them).
    pub fn decode(
        id: &str,
        dyad: &str,
        kind: &str,
        schema_version: u32,
        occurred_on: &str,
        payload: &str,
    ) -> Result<Event, ValidationError> {
        if schema_version != SCHEMA_VERSION {
            return Err(ValidationError::new(
                "schema_version",
                format!(
                    "version {schema_version} is unknown to this dyad (it reads {SCHEMA_VERSION}); upgrade dyad"
                ),
            ));
        }
        let id = Uuid::parse_str(id)
            .map_err(|e| ValidationError::new("id", format!("`{id}` is not a UUID: {e}")))?;
        let kind = EventKind::parse(kind)
            .ok_or_else(|| ValidationError::new("kind", format!("unknown kind `{kind}`")))?;
        let occurred_on = NaiveDate::parse_from_str(occurred_on, "%Y-%m-%d").map_err(|e| {
            ValidationError::new("occurred_on", format!("`{occurred_on}` is not a date: {e}"))
        })?;
        let body: EventBody = serde_json::from_str(payload)
            .map_err(|e| ValidationError::new("payload", e.to_string()))?;
        Ok(Event {
            id,
            dyad: Dyad(dyad.to_string()),
            kind,
            occurred_on,
            body,
        })
    }
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
    /// The event.
    pub event: Event,
}

fn body_json(body: &EventBody) -> String {
    // A struct of strings, numbers and dates always serialises.
    serde_json::to_string(body).unwrap_or_else(|e| panic!("event body serialises: {e}"))
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
        let dyad = Dyad::parse(&input.dyad, self.taxonomy)?;
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
        self.check_framework_ids(&input)?;
        let summary = required_text("summary", &input.summary, MAX_SUMMARY_CHARS)?;
        let (speaker, quote) = self.check_statement(&input)?;
        let source = self.check_source(input.source, occurred_on)?;
        let body = EventBody {
            actor: input.actor,
            target: input.target,
            action: input.action,
            intensity: input.intensity,
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
            body,
        })
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
                    Some(required_text("quote", quote, MAX_QUOTE_CHARS)?),
                ))
            }
            EventKind::Action => {
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
        if let Some(url) = &source.url {
            let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
            if !scheme_ok || url.len() > MAX_URL_BYTES || url.contains(char::is_whitespace) {
                return Err(ValidationError::new(
                    "source.url",
                    format!(
                        "expected an http(s) URL without spaces, at most {MAX_URL_BYTES} bytes"
                    ),
                ));
            }
        }
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
            .map(|text| required_text("source.quote", text, MAX_QUOTE_CHARS))
            .transpose()?;
        Ok(Source {
            outlet,
            url: source.url,
            published_on,
            attribution,
            quote,
        })
    }

    fn past_date(&self, field: &str, text: &str) -> Result<NaiveDate, ValidationError> {
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|d| d.format("%Y-%m-%d").to_string() == text)
            .ok_or_else(|| {
                ValidationError::new(
                    field,
                    format!("`{text}` is not a calendar date; expected YYYY-MM-DD"),
                )
            })?;
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

fn required_text(field: &str, text: &str, max_chars: usize) -> Result<String, ValidationError> {
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

/// The id of an event given without one: a UUIDv5 of its content, so appending the same event
/// twice records it once.
fn content_id(dyad: &Dyad, kind: EventKind, occurred_on: NaiveDate, body: &EventBody) -> Uuid {
    let name = format!(
        "{}\n{}\n{}\n{}",
        dyad.as_str(),
        kind.as_str(),
        occurred_on,
        body_json(body)
    );
    Uuid::new_v5(&CONTENT_ID_NAMESPACE, name.as_bytes())
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

    #[test]
    fn derived_values_come_from_the_action_and_the_framework() {
        let event = validate(input()).expect("valid");
        assert_eq!(event.pillar(&Framework::builtin()), "pushback");
        assert_eq!(event.intensity(Taxonomy::builtin()), -7.0);
        assert_eq!(event.body.intensity, None, "the input's absence is kept");
    }

    #[test]
    fn the_same_content_gets_the_same_id() {
        let a = validate(input()).expect("valid");
        let b = validate(input()).expect("valid");
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
