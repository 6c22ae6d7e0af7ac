//! The inbox: where the news coder's proposals wait for an analyst. `dyad ingest` (without
//! `--commit`) files each proposal here with its article, sentence and explanation; the analyst
//! lists, reads, edits, accepts or rejects them. Accepting goes through the same validation and
//! append as `dyad append`, all or nothing; an accepted proposal leaves the inbox (the log holds
//! it). A rejected one stays, with its reason, so that ingesting the article again does not
//! propose it again. The tables live beside the log ([`crate::store::inbox`]) and, unlike it,
//! are a workspace: nothing here is evidence until it is accepted.

use crate::app::{AppError, AppendSummary, LikelyDuplicate, Tracker};
use crate::domain::ValidationError;
use crate::domain::event::{Event, EventInput, IdRef};
use crate::ingest::coder::{CodingError, CodingOptions, Dictionary, Proposal};
use crate::store::chain::lower_hex;
use crate::store::inbox::{
    Filed, InboxArticle, InboxStore, NewArticle, NewProposal, PENDING, StoredProposal,
};
use crate::store::{EventStore, StoreError};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use thiserror::Error;
use uuid::Uuid;

/// Why an inbox command failed; nothing was written.
#[derive(Debug, Error)]
pub enum InboxError {
    /// The log or the inbox could not be read or written, or an append was refused.
    #[error(transparent)]
    App(#[from] AppError),
    /// The article cannot be coded.
    #[error(transparent)]
    Coding(#[from] CodingError),
    /// No proposal has the id given, or several start with the prefix given.
    #[error("{0}")]
    Id(String),
    /// The proposal was already decided.
    #[error("proposal {id} was rejected ({reason}); it is not pending")]
    NotPending {
        /// Its id.
        id: Uuid,
        /// Why it was rejected.
        reason: String,
    },
    /// An edit or an edited proposal is not valid.
    #[error("proposal {id}: {error}")]
    Invalid {
        /// The proposal.
        id: Uuid,
        /// The field at fault and what was expected.
        error: ValidationError,
    },
    /// The request itself does not hold together.
    #[error("{0}")]
    Usage(String),
}

impl From<StoreError> for InboxError {
    fn from(error: StoreError) -> Self {
        InboxError::App(AppError::Store(error))
    }
}

/// A proposal in the inbox, decoded.
#[derive(Debug, Clone)]
pub struct InboxProposal {
    /// The proposed event's id, as it will be in the log.
    pub id: Uuid,
    /// `pending` or `rejected`.
    pub status: String,
    /// Its article.
    pub article: InboxArticle,
    /// The proposal in the input format `dyad append` reads.
    pub event: EventInput,
    /// The coder's note (how the date was found, what to check).
    pub note: String,
    /// The clause, roles and dictionary entries behind it.
    pub explanation: String,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// Who rejected it, and when.
    pub decided: Option<(String, String)>,
    /// Reports of the log that likely tell the same event (empty for a rejected proposal).
    pub duplicates: Vec<LikelyDuplicate>,
}

/// What ingesting an article into the inbox did.
#[derive(Debug, Clone)]
pub struct Filing {
    /// The article's number in the inbox.
    pub article: u64,
    /// Each valid proposal with what became of it.
    pub filed: Vec<(Proposal, Filed)>,
    /// Proposals that do not validate, with the reason (not filed).
    pub refused: Vec<(Proposal, String)>,
}

/// What an analyst changes in proposals before accepting them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Edits {
    /// The whole proposal replaced (as `inbox show --json` prints it, edited); one proposal only.
    pub replaced: Option<Value>,
    /// Fields set, in order: a dotted path (`source.outlet`) and its new value.
    pub set: Vec<(String, Value)>,
}

impl Edits {
    /// Reads `--set field=value`: the value is JSON when it parses as JSON (numbers, `null`,
    /// quoted strings), else the text itself.
    pub fn parse_set(assignment: &str) -> Result<(String, Value), ValidationError> {
        let Some((field, value)) = assignment.split_once('=') else {
            return Err(ValidationError::new(
                "--set",
                format!("`{assignment}` is not field=value, e.g. --set confidence=0.8"),
            ));
        };
        let field = field.trim();
        if field.is_empty() {
            return Err(ValidationError::new("--set", "the field name is empty"));
        }
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::from(value));
        Ok((field.to_string(), value))
    }

    fn is_empty(&self) -> bool {
        self.replaced.is_none() && self.set.is_empty()
    }

    /// The proposal with the edits applied, validated as a whole.
    fn apply(&self, id: Uuid, event: &EventInput) -> Result<EventInput, InboxError> {
        let invalid = |error: ValidationError| InboxError::Invalid { id, error };
        let mut value = match &self.replaced {
            Some(replaced) => replaced.clone(),
            None => serde_json::to_value(event)
                .map_err(|e| invalid(ValidationError::new("proposal", e.to_string())))?,
        };
        for (path, new) in &self.set {
            set_path(&mut value, path, new.clone()).map_err(invalid)?;
        }
        let mut edited: EventInput = serde_path_to_error::deserialize(value).map_err(|e| {
            invalid(ValidationError::new(
                e.path().to_string(),
                e.into_inner().to_string(),
            ))
        })?;
        // The inbox's id is the proposal's: an edit cannot make it another event's.
        edited.id = Some(id.to_string());
        Ok(edited)
    }
}

/// Sets a dotted path of a JSON object, creating the objects on the way.
fn set_path(value: &mut Value, path: &str, new: Value) -> Result<(), ValidationError> {
    let mut target = value;
    let parts: Vec<&str> = path.split('.').collect();
    for (index, part) in parts.iter().enumerate() {
        let Value::Object(fields) = target else {
            return Err(ValidationError::new(
                path,
                "is not inside an object; expected a field such as `confidence` or `source.outlet`",
            ));
        };
        if index + 1 == parts.len() {
            if part.is_empty() {
                return Err(ValidationError::new(path, "the field name is empty"));
            }
            fields.insert((*part).to_string(), new);
            return Ok(());
        }
        target = fields
            .entry((*part).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    Ok(())
}

/// The article's identity in the inbox: the digest of its text, its first line as title.
fn article_of(text: &str, options: &CodingOptions, ingested_by: &str) -> NewArticle {
    let title = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("(untitled)")
        .chars()
        .take(300)
        .collect();
    NewArticle {
        digest: lower_hex(&Sha256::digest(text.as_bytes())),
        title,
        url: options.url.clone(),
        outlet: options.outlet.clone(),
        ingested_by: ingested_by.to_string(),
    }
}

/// Codes an article and files its valid proposals in the inbox.
pub fn ingest<S: EventStore + InboxStore>(
    tracker: &mut Tracker<S>,
    text: &str,
    dictionary: &Dictionary,
    options: &CodingOptions,
) -> Result<Filing, InboxError> {
    let proposals = tracker.propose(text, dictionary, options)?;
    let article = article_of(text, options, tracker.recorder().as_str());
    let valid = proposals.valid.into_iter().map(|(p, _)| p).collect();
    let mut filing = file(tracker, &article, valid)?;
    filing.refused = proposals.refused;
    Ok(filing)
}

/// Files proposals of an article (each already validated by the caller, or refused at accept).
pub fn file<S: EventStore + InboxStore>(
    tracker: &mut Tracker<S>,
    article: &NewArticle,
    proposals: Vec<Proposal>,
) -> Result<Filing, InboxError> {
    let validator = tracker.validator();
    let mut rows = Vec::with_capacity(proposals.len());
    for proposal in &proposals {
        // The id the log will give it: the coder's, or the one derived from its content.
        let event = validator
            .validate(proposal.event.clone())
            .map_err(|error| InboxError::Usage(format!("a proposal is not valid: {error}")))?;
        let mut input = proposal.event.clone();
        input.id = Some(event.id.to_string());
        rows.push(NewProposal {
            id: event.id.to_string(),
            event: serde_json::to_string(&input)
                .map_err(|e| InboxError::Usage(format!("a proposal cannot be stored: {e}")))?,
            note: proposal.note.clone(),
            explanation: proposal.explanation.clone(),
        });
    }
    let (article_id, outcomes) = tracker.store_mut().file_proposals(article, &rows)?;
    Ok(Filing {
        article: article_id,
        filed: proposals.into_iter().zip(outcomes).collect(),
        refused: Vec::new(),
    })
}

fn decode(
    tracker: &Tracker<impl EventStore + InboxStore>,
    stored: StoredProposal,
) -> Result<InboxProposal, InboxError> {
    let corrupt = |detail: String| {
        InboxError::App(AppError::Store(StoreError::Corrupt {
            position: 0,
            detail: format!("inbox proposal {}: {detail}", stored.id),
        }))
    };
    let id = Uuid::parse_str(&stored.id).map_err(|e| corrupt(e.to_string()))?;
    let event: EventInput =
        serde_json::from_str(&stored.event).map_err(|e| corrupt(e.to_string()))?;
    let article = tracker
        .store()
        .inbox_article(stored.article)?
        .ok_or_else(|| corrupt(format!("its article {} is missing", stored.article)))?;
    // Said before it is recorded: the log may already hold the event from another outlet.
    let duplicates = match tracker.validator().validate(event.clone()) {
        Ok(valid) if stored.status == PENDING => tracker
            .likely_duplicates(&[valid])?
            .into_iter()
            .map(|(_, duplicate)| duplicate)
            .collect(),
        _ => Vec::new(),
    };
    Ok(InboxProposal {
        duplicates,
        id,
        status: stored.status,
        article,
        event,
        note: stored.note,
        explanation: stored.explanation,
        reason: stored.reason,
        decided: stored.decided_by.zip(stored.decided_at),
    })
}

/// The pending proposals, article by article in the coder's order.
pub fn pending<S: EventStore + InboxStore>(
    tracker: &Tracker<S>,
) -> Result<Vec<InboxProposal>, InboxError> {
    tracker
        .store()
        .proposals(PENDING, None)?
        .into_iter()
        .map(|stored| decode(tracker, stored))
        .collect()
}

/// The proposal a person means by `text`: a whole id or a unique prefix of 6 or more digits.
pub fn find<S: EventStore + InboxStore>(
    tracker: &Tracker<S>,
    text: &str,
) -> Result<InboxProposal, InboxError> {
    let given = text.trim();
    let stored = match IdRef::parse(given).map_err(|e| InboxError::Id(e.problem))? {
        IdRef::Whole(id) => tracker.store().proposal(&id.to_string())?,
        IdRef::Prefix(prefix) => {
            let matches = tracker
                .store()
                .proposals_with_id_prefix(&prefix, LISTED_CANDIDATES + 1)?;
            if matches.len() > 1 {
                let listed: Vec<String> = matches
                    .iter()
                    .take(LISTED_CANDIDATES)
                    .map(|p| p.id.clone())
                    .collect();
                return Err(InboxError::Id(format!(
                    "`{given}` is the start of several proposals' ids; give more characters: {}",
                    listed.join(", ")
                )));
            }
            matches.into_iter().next()
        }
    };
    let stored = stored.ok_or_else(|| {
        InboxError::Id(format!(
            "no proposal in the inbox has an id starting with `{given}` (`dyad inbox` lists them)"
        ))
    })?;
    decode(tracker, stored)
}

/// How many proposals an ambiguous prefix lists.
const LISTED_CANDIDATES: usize = 10;

/// The pending proposals `ids` name; with `whole_articles`, every pending proposal of their
/// articles. Refuses one already rejected, and the same proposal twice is taken once.
fn chosen<S: EventStore + InboxStore>(
    tracker: &Tracker<S>,
    ids: &[String],
    whole_articles: bool,
) -> Result<Vec<InboxProposal>, InboxError> {
    if ids.is_empty() {
        return Err(InboxError::Usage(
            "name at least one proposal (`dyad inbox` lists them)".into(),
        ));
    }
    let mut chosen: Vec<InboxProposal> = Vec::new();
    for text in ids {
        let proposal = find(tracker, text)?;
        if proposal.status != PENDING {
            return Err(InboxError::NotPending {
                id: proposal.id,
                reason: proposal.reason.unwrap_or_default(),
            });
        }
        let taken = if whole_articles {
            tracker
                .store()
                .proposals(PENDING, Some(proposal.article.id))?
                .into_iter()
                .map(|stored| decode(tracker, stored))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            vec![proposal]
        };
        for proposal in taken {
            if !chosen.iter().any(|c| c.id == proposal.id) {
                chosen.push(proposal);
            }
        }
    }
    Ok(chosen)
}

/// What accepting proposals did.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// The append.
    pub summary: AppendSummary,
    /// The accepted proposals that were likely events the log already held, with the report.
    pub duplicates: Vec<(Uuid, LikelyDuplicate)>,
}

/// Accepts proposals into the log: each is edited, then all are validated as `dyad append`
/// validates and appended as one atomic batch; only then do they leave the inbox. An invalid
/// one refuses them all and writes nothing. Likely duplicates are appended, and returned so
/// that the caller says so (as `append` does).
pub fn accept<S: EventStore + InboxStore>(
    tracker: &mut Tracker<S>,
    ids: &[String],
    whole_articles: bool,
    edits: &Edits,
) -> Result<Accepted, InboxError> {
    let chosen = chosen(tracker, ids, whole_articles)?;
    if edits.replaced.is_some() && chosen.len() != 1 {
        return Err(InboxError::Usage(format!(
            "--edit replaces one proposal, but {} are chosen",
            chosen.len()
        )));
    }
    let validator = tracker.validator();
    let mut events: Vec<Event> = Vec::with_capacity(chosen.len());
    for proposal in &chosen {
        let input = if edits.is_empty() {
            proposal.event.clone()
        } else {
            edits.apply(proposal.id, &proposal.event)?
        };
        let event = validator
            .validate(input)
            .map_err(|error| InboxError::Invalid {
                id: proposal.id,
                error,
            })?;
        events.push(event);
    }
    let duplicates = tracker
        .likely_duplicates(&events)?
        .into_iter()
        .map(|(index, duplicate)| (events[index].id, duplicate))
        .collect();
    let summary = tracker.append(events, None)?;
    let accepted: Vec<String> = chosen.iter().map(|p| p.id.to_string()).collect();
    tracker.store_mut().remove_proposals(&accepted)?;
    Ok(Accepted {
        summary,
        duplicates,
    })
}

/// Records a proposal as another source of a report the log holds (the same event from another
/// outlet), rather than as a second report: its source, edited first if asked, becomes a
/// corroboration of `report`, and the proposal leaves the inbox.
pub fn corroborate<S: EventStore + InboxStore>(
    tracker: &mut Tracker<S>,
    proposal: &str,
    report: &str,
    reason: Option<&str>,
    edits: &Edits,
) -> Result<AppendSummary, InboxError> {
    let chosen = chosen(tracker, &[proposal.to_string()], false)?;
    let [proposal] = chosen.as_slice() else {
        return Err(InboxError::Usage(
            "name one proposal to record as a source".into(),
        ));
    };
    let input = if edits.is_empty() {
        proposal.event.clone()
    } else {
        edits.apply(proposal.id, &proposal.event)?
    };
    let report = tracker.resolve_id(report)?;
    let reason = reason.map_or_else(
        || format!("the same event, as {} reports it", input.source.outlet),
        str::to_string,
    );
    let summary = tracker.corroborate(report, input.source, &reason)?;
    tracker
        .store_mut()
        .remove_proposals(&[proposal.id.to_string()])?;
    Ok(summary)
}

/// Rejects proposals with a reason; they stay in the inbox as rejected and are not proposed
/// again. Returns the ids rejected.
pub fn reject<S: EventStore + InboxStore>(
    tracker: &mut Tracker<S>,
    ids: &[String],
    whole_articles: bool,
    reason: &str,
) -> Result<Vec<Uuid>, InboxError> {
    if reason.trim().is_empty() {
        return Err(InboxError::Usage(
            "say why with --reason TEXT: it is kept with the proposal".into(),
        ));
    }
    let chosen = chosen(tracker, ids, whole_articles)?;
    let rejected: Vec<String> = chosen.iter().map(|p| p.id.to_string()).collect();
    let by = tracker.recorder().to_string();
    tracker
        .store_mut()
        .reject_proposals(&rejected, reason.trim(), &by)?;
    Ok(chosen.iter().map(|p| p.id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_reads_json_values_and_plain_text() {
        assert_eq!(
            Edits::parse_set("confidence=0.8"),
            Ok(("confidence".into(), Value::from(0.8)))
        );
        assert_eq!(
            Edits::parse_set("source.outlet=Reuters, London"),
            Ok(("source.outlet".into(), Value::from("Reuters, London")))
        );
        assert!(Edits::parse_set("no equals sign").is_err());
        let mut value = serde_json::json!({"source": {"outlet": "A"}});
        set_path(&mut value, "source.outlet", Value::from("B")).expect("set");
        assert_eq!(value["source"]["outlet"], "B");
        assert!(set_path(&mut value, "source.outlet.name", Value::from("C")).is_err());
    }
}
