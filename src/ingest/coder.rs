//! The news coder: proposes the events an article reports, in the tradition of TABARI and
//! PETRARCH, and explainably so. Dictionaries (data, `data/dictionary.json`, extendable with
//! `--dictionary FILE`) give actor names, demonyms, capitals and people; verb patterns mapped to
//! action codes; and issue keywords. For each verb pattern found in a sentence, the actor is the
//! nearest actor mentioned before it that is not the object of a preposition (or the speaker, for
//! statements), the target the first other actor after it (or the other side of the dyad). The
//! framework's rules give the pillar. The coder proposes; it never writes to the log.

use super::article::{Article, DateBasis, parse_article, sentence_date};
pub use super::dictionary::{Dictionary, DictionaryError};
use super::dictionary::{MentionKind, Token, VerbPattern, match_pattern, tokenize};
use crate::domain::event::{EventInput, EventKind, SourceInput};
use crate::domain::framework::Framework;
use chrono::NaiveDate;
use thiserror::Error;
use uuid::Uuid;

/// Namespace of the ids the coder derives from a source and a sentence.
const PROPOSAL_NAMESPACE: Uuid = Uuid::from_u128(0x6479_6164_2d69_6e67_6573_742d_7631_0001);

/// Words that may stand between parts of one name ("Russian President Vladimir Putin").
const TITLES: [&str; 14] = [
    "the",
    "president",
    "foreign",
    "minister",
    "secretary",
    "of",
    "state",
    "defense",
    "gen",
    "general",
    "prime",
    "leader",
    "chief",
    "former",
];

/// Words after which a mention is the object of a preposition, not a subject.
const PREPOSITIONS: [&str; 18] = [
    "in", "at", "of", "from", "with", "against", "on", "to", "for", "by", "into", "under", "over",
    "near", "about", "between", "toward", "towards",
];

#[derive(Debug, Clone)]
struct Mention {
    start: usize,
    end: usize,
    code: String,
    kind: MentionKind,
    prepositional: bool,
}

/// Options of a coding run.
#[derive(Debug, Clone, Default)]
pub struct CodingOptions {
    /// The article's URL.
    pub url: Option<String>,
    /// The outlet (default: the one named in the title).
    pub outlet: Option<String>,
    /// The publication date (default: the dateline's).
    pub published: Option<NaiveDate>,
}

/// An event the coder proposes, with how it came to it.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The event, in the input format `dyad append` reads.
    pub event: EventInput,
    /// How the date was found and anything the reader should check.
    pub note: String,
}

/// Why an article cannot be coded.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CodingError {
    /// Neither a dateline nor `--published` gives a date.
    #[error(
        "the article has no dateline with a valid date (such as `MOSCOW, July 30, 2017 —`): give \
         its publication date with --published YYYY-MM-DD"
    )]
    NoDate,
    /// Neither the title nor `--outlet` names the outlet.
    #[error("the title names no outlet: give it with --outlet NAME")]
    NoOutlet,
}

/// The article's state as it is read: the people and groups last mentioned resolve pronouns
/// and descriptions.
#[derive(Default)]
struct Context {
    last_person: Option<String>,
    last_other: Option<String>,
    attribution: Option<String>,
    /// Every party the article mentions.
    mentioned: Vec<String>,
}

/// Proposes the events `text` reports about `framework`'s dyad.
pub fn code(
    text: &str,
    dictionary: &Dictionary,
    framework: &Framework,
    options: &CodingOptions,
) -> Result<Vec<Proposal>, CodingError> {
    let article = parse_article(text);
    let reference = options
        .published
        .or(article.dateline)
        .ok_or(CodingError::NoDate)?;
    let published = options.published.or(article.dateline);
    let outlet = options
        .outlet
        .clone()
        .or(article.outlet.clone())
        .ok_or(CodingError::NoOutlet)?;
    let (side_a, side_b) = framework.dyad.split_once('-').unwrap_or(("USA", "RUS"));
    let sides = [side_a.to_string(), side_b.to_string()];
    let mut proposals: Vec<Proposal> = Vec::new();
    let mut context = Context::default();
    for sentence in article
        .paragraphs
        .iter()
        .flatten()
        .chain(std::iter::once(&article.title))
    {
        for mention in find_mentions(
            &tokenize(sentence),
            dictionary,
            &sides,
            &mut Context::default(),
        ) {
            if !context.mentioned.contains(&mention.code) {
                context.mentioned.push(mention.code);
            }
        }
    }
    for paragraph in &article.paragraphs {
        context.attribution = None;
        let mut previous: Vec<(String, String, String)> = Vec::new();
        for sentence in paragraph {
            let coded = code_sentence(sentence, dictionary, &sides, &mut context);
            let keys: Vec<(String, String, String)> = coded
                .iter()
                .map(|f| (f.actor.clone(), f.target.clone(), f.action.clone()))
                .collect();
            for found in coded {
                // A quotation running on into the next sentence is one statement.
                let continued = found.kind == EventKind::Statement
                    && previous.contains(&(
                        found.actor.clone(),
                        found.target.clone(),
                        found.action.clone(),
                    ));
                if continued {
                    continue;
                }
                let (occurred_on, basis) = sentence_date(sentence, reference);
                let proposal = propose(
                    found,
                    sentence,
                    occurred_on,
                    basis,
                    &framework.dyad,
                    &outlet,
                    published,
                    options,
                    &article,
                );
                proposals.push(proposal);
            }
            previous = keys;
        }
    }
    Ok(proposals)
}

/// The parties a sentence's content is attributed to: by the sentence itself, or by an earlier
/// sentence of its paragraph.
struct Speakers {
    here: Option<String>,
    carried: Option<String>,
}

/// An event found in a sentence, before it is dated and sourced.
struct Found {
    actor: String,
    target: String,
    action: String,
    kind: EventKind,
    issue: Option<String>,
    attribution: Option<String>,
    confidence: f64,
    notes: Vec<&'static str>,
}

fn code_sentence(
    sentence: &str,
    dictionary: &Dictionary,
    sides: &[String; 2],
    context: &mut Context,
) -> Vec<Found> {
    let tokens: Vec<Token> = tokenize(sentence);
    let words: Vec<&str> = tokens.iter().map(|t| t.lower.as_str()).collect();
    let mentions = find_mentions(&tokens, dictionary, sides, context);
    let code_of = |attribution: &str| {
        find_mentions(
            &tokenize(attribution),
            dictionary,
            sides,
            &mut Context::default(),
        )
        .into_iter()
        .find(|m| !m.code.is_empty())
        .map(|m| m.code)
    };
    let own = attribution(sentence, &tokens, dictionary);
    let speakers = Speakers {
        here: own.as_deref().and_then(code_of),
        carried: context.attribution.as_deref().and_then(code_of),
    };
    if let Some(own) = own {
        context.attribution = Some(own);
    }
    let mut found: Vec<(i32, Found)> = Vec::new();
    let mut covered: Vec<(usize, usize)> = Vec::new();
    for start in 0..words.len() {
        for verb in &dictionary.verbs {
            let Some(end) = match_pattern(&verb.tokens, &words, start) else {
                continue;
            };
            if covered.iter().any(|&(s, e)| start < e && s < end) {
                continue;
            }
            let negated = words[start.saturating_sub(3)..start]
                .iter()
                .any(|w| dictionary.negations.iter().any(|n| n == w));
            if negated {
                continue;
            }
            covered.push((start, end));
            let Some(event) = assemble(
                verb, start, end, &words, &mentions, &speakers, sides, context,
            ) else {
                continue;
            };
            let next_verb = (end..words.len())
                .find(|&i| {
                    dictionary
                        .verbs
                        .iter()
                        .any(|v| match_pattern(&v.tokens, &words, i).is_some())
                })
                .unwrap_or(words.len());
            let issue = issue_of(&words[start..next_verb], dictionary)
                .or_else(|| issue_of(&words, dictionary));
            let involves_dyad = sides.contains(&event.0) || sides.contains(&event.1);
            let mentions_both = sides
                .iter()
                .all(|side| mentions.iter().any(|m| &m.code == side));
            let (action, keep) = if involves_dyad {
                (verb.action.clone(), true)
            } else {
                ("third_party_action".to_string(), mentions_both)
            };
            if !keep {
                continue;
            }
            let (actor, target, mut confidence, notes) = event;
            if verb.kind == EventKind::Statement && context.attribution.is_some() {
                confidence += 0.05;
            }
            found.push((
                verb.priority,
                Found {
                    actor,
                    target,
                    action,
                    kind: verb.kind,
                    issue,
                    attribution: context.attribution.clone(),
                    confidence,
                    notes,
                },
            ));
        }
    }
    // One event per actor and target in a sentence: the most specific pattern's.
    found.sort_by_key(|(priority, _)| std::cmp::Reverse(*priority));
    let mut kept: Vec<Found> = Vec::new();
    for (_, event) in found {
        let same_pair = |k: &Found| {
            (k.actor == event.actor && k.target == event.target)
                || (k.actor == event.target && k.target == event.actor)
        };
        if !kept.iter().any(same_pair) {
            kept.push(event);
        }
    }
    if let Some(last) = mentions
        .iter()
        .rev()
        .find(|m| m.kind == MentionKind::Person)
    {
        context.last_person = Some(last.code.clone());
    }
    if let Some(last) = mentions
        .iter()
        .rev()
        .find(|m| !m.code.is_empty() && !sides.contains(&m.code))
    {
        context.last_other = Some(last.code.clone());
    }
    kept
}

/// Actor mentions of a sentence, longest phrase first; pronouns resolve to the last person
/// mentioned, descriptions ("the insurgents") to the last other party, pairs to the dyad.
fn find_mentions(
    tokens: &[Token],
    dictionary: &Dictionary,
    sides: &[String; 2],
    context: &mut Context,
) -> Vec<Mention> {
    let words: Vec<&str> = tokens.iter().map(|t| t.lower.as_str()).collect();
    let mut mentions = Vec::new();
    let mut i = 0;
    let mut last_person = context.last_person.clone();
    while i < words.len() {
        let matched = dictionary.phrases.iter().find(|phrase| {
            !phrase.words.is_empty()
                && words
                    .get(i..i + phrase.words.len())
                    .is_some_and(|w| w.iter().zip(&phrase.words).all(|(a, b)| a == b))
        });
        let previous = (0..i)
            .rev()
            .map(|j| words[j])
            .find(|w| *w != "the" && !w.chars().all(|c| c.is_ascii_digit()));
        let prepositional = previous.is_some_and(|p| PREPOSITIONS.contains(&p));
        let (len, code, kind) = match matched {
            Some(phrase) => {
                let code = match phrase.kind {
                    MentionKind::Pair => sides[1].clone(),
                    MentionKind::Description => context.last_other.clone().unwrap_or_default(),
                    MentionKind::Name | MentionKind::Person => phrase.code.clone(),
                };
                (phrase.words.len(), code, phrase.kind)
            }
            None if matches!(words[i], "he" | "his" | "she" | "her") => match &last_person {
                Some(code) => (1, code.clone(), MentionKind::Person),
                None => {
                    i += 1;
                    continue;
                }
            },
            None => {
                i += 1;
                continue;
            }
        };
        if kind == MentionKind::Person {
            last_person = Some(code.clone());
        }
        if !code.is_empty() {
            mentions.push(Mention {
                start: i,
                end: i + len,
                code,
                kind,
                prepositional,
            });
        }
        i += len;
    }
    mentions
}

/// The actor and target of a verb match, with a confidence and notes.
#[allow(
    clippy::too_many_arguments,
    reason = "the parts of one sentence the match is read in"
)]
fn assemble(
    verb: &VerbPattern,
    start: usize,
    end: usize,
    words: &[&str],
    mentions: &[Mention],
    speakers: &Speakers,
    sides: &[String; 2],
    context: &Context,
) -> Option<(String, String, f64, Vec<&'static str>)> {
    let mut confidence: f64 = 0.8;
    let mut notes = Vec::new();
    let mut subject_index = mentions
        .iter()
        .rposition(|m| m.end <= start && !m.prepositional);
    // "A and B met", "A, B and C agreed": the first of coordinated subjects acts; when the two
    // are the two sides of the dyad, the second is the target. "Russian President Vladimir
    // Putin" is one subject.
    let list_follows =
        subject_index.is_some_and(|i| words[mentions[i].end..start].contains(&"and"));
    let mut partner = None;
    while let Some(index) = subject_index {
        let Some(before) = index.checked_sub(1) else {
            break;
        };
        let gap = &words[mentions[before].end..mentions[index].start];
        let titles_only = gap.iter().all(|w| TITLES.contains(w));
        if mentions[before].code == mentions[index].code && titles_only {
            subject_index = Some(before);
            continue;
        }
        let joined = gap
            .iter()
            .all(|w| *w == "and" || *w == "," || TITLES.contains(w))
            && (gap.contains(&"and") || (gap.contains(&",") && list_follows));
        if !joined || mentions[before].prepositional {
            break;
        }
        partner.get_or_insert(mentions[index].code.clone());
        subject_index = Some(before);
    }
    let subject = subject_index.map(|i| &mentions[i]);
    // A statement is its sentence's speaker's; without one, its subject's; without either, the
    // speaker the paragraph last named. An action is its subject's, else a speaker's.
    let carried = speakers.carried.as_deref();
    let mut actor = match (verb.kind, speakers.here.as_deref(), subject) {
        (EventKind::Statement, Some(speaker), _) => speaker.to_string(),
        (_, _, Some(subject)) => {
            if subject.kind != MentionKind::Name {
                confidence -= 0.1;
            }
            subject.code.clone()
        }
        (_, here, None) => {
            let speaker = here.or(carried)?;
            confidence -= 0.15;
            notes.push("actor taken from the attribution");
            speaker.to_string()
        }
    };
    let passive = start > 0
        && matches!(
            words[start - 1],
            "was" | "were" | "been" | "be" | "is" | "are"
        )
        && words[start].ends_with("ed");
    let other_side = |actor: &str| {
        if actor == sides[0] {
            Some(sides[1].clone())
        } else if actor == sides[1] {
            Some(sides[0].clone())
        } else {
            None
        }
    };
    let mut target =
        if let Some(partner) = partner.filter(|p| other_side(&actor).as_ref() == Some(p)) {
            partner
        } else if verb.kind == EventKind::Statement
            && let Some(other) = other_side(&actor).filter(|o| context.mentioned.contains(o))
        {
            // What a side says in news of the dyad is about the other side.
            other
        } else if let Some(object) = mentions.iter().find(|m| m.start >= end && m.code != actor) {
            object.code.clone()
        } else if let Some(object) = mentions.iter().rev().find(|m| {
            m.end <= start
                && m.prepositional
                && m.code != actor
                && subject.is_none_or(|s| m.start >= s.end)
        }) {
            // "his endorsement of the alliance's principle of collective defense"
            object.code.clone()
        } else {
            // Only when the article is about the dyad at all.
            let other = other_side(&actor).filter(|o| context.mentioned.contains(o))?;
            confidence -= 0.1;
            notes.push("target taken as the other side of the dyad");
            other
        };
    if passive && verb.kind == EventKind::Action && subject.is_some() {
        // "The ambassador was summoned to the Foreign Ministry": the subject undergoes it.
        std::mem::swap(&mut actor, &mut target);
    }
    (actor != target).then_some((actor, target, confidence, notes))
}

/// The speaker the sentence attributes its content to: "…, a US official said",
/// "X said (that) …", "according to X".
fn attribution(sentence: &str, tokens: &[Token], dictionary: &Dictionary) -> Option<String> {
    let words: Vec<&str> = tokens.iter().map(|t| t.lower.as_str()).collect();
    let phrase =
        |from: usize, to: usize| sentence[tokens[from].start..tokens[to - 1].end].to_string();
    if let Some(at) =
        (0..words.len()).find(|&i| words[i] == "according" && words.get(i + 1) == Some(&"to"))
    {
        let end = (at + 2..tokens.len())
            .find(|&i| !tokens[i].word)
            .unwrap_or(tokens.len());
        return (end > at + 2).then(|| phrase(at + 2, end));
    }
    let speech = tokens
        .iter()
        .position(|t| t.word && dictionary.speech.contains(&t.lower))?;
    // The noun phrase before the speech verb, back to the previous punctuation.
    let first = (0..speech).rev().take_while(|&i| tokens[i].word).last()?;
    let length = speech - first;
    let pronoun = length == 1 && matches!(words[first], "it" | "he" | "she" | "they" | "we" | "i");
    (length <= 9 && !pronoun).then(|| phrase(first, speech))
}

fn issue_of(words: &[&str], dictionary: &Dictionary) -> Option<String> {
    dictionary.issues.iter().find_map(|(issue, keywords)| {
        let hit = keywords.iter().any(|keyword| {
            (0..words.len()).any(|start| match_pattern(keyword, words, start).is_some())
        });
        hit.then(|| issue.clone())
    })
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site, each argument a distinct part of the event"
)]
fn propose(
    found: Found,
    sentence: &str,
    occurred_on: NaiveDate,
    basis: DateBasis,
    dyad: &str,
    outlet: &str,
    published: Option<NaiveDate>,
    options: &CodingOptions,
    article: &Article,
) -> Proposal {
    let mut confidence = found.confidence;
    let mut notes = found.notes;
    let mut summary: String = sentence.chars().take(300).collect();
    match basis {
        DateBasis::Stated => {}
        DateBasis::Approximate => {
            confidence -= 0.1;
            notes.push("approximate date");
        }
        DateBasis::Report => {
            notes.push("dated by the report");
            summary.push_str(" (dated by the report)");
        }
    }
    let source_key = options.url.clone().unwrap_or_else(|| {
        format!(
            "{outlet}|{}|{}",
            article.title,
            published.map(|d| d.to_string()).unwrap_or_default()
        )
    });
    let id = Uuid::new_v5(
        &PROPOSAL_NAMESPACE,
        format!(
            "{source_key}\n{sentence}\n{}\n{}\n{}",
            found.action, found.actor, found.target
        )
        .as_bytes(),
    );
    let quote = sentence.chars().take(4000).collect::<String>();
    let (speaker, statement_quote) = match found.kind {
        EventKind::Statement => (
            Some(
                found
                    .attribution
                    .clone()
                    .unwrap_or_else(|| found.actor.clone()),
            ),
            Some(quoted(sentence).unwrap_or_else(|| quote.clone())),
        ),
        _ => (None, None),
    };
    let event = EventInput {
        id: Some(id.to_string()),
        dyad: dyad.to_string(),
        kind: found.kind,
        occurred_on: occurred_on.to_string(),
        actor: found.actor,
        target: found.target,
        action: found.action,
        intensity: None,
        confidence: Some((confidence.clamp(0.3, 0.95) * 100.0).round() / 100.0),
        issue: found.issue,
        pillar: None,
        summary,
        speaker,
        quote: statement_quote,
        source: SourceInput {
            outlet: outlet.to_string(),
            url: options.url.clone(),
            published_on: published.map(|d| d.to_string()),
            attribution: found.attribution,
            quote: Some(quote),
        },
    };
    Proposal {
        event,
        note: notes.join("; "),
    }
}

/// The text between the first pair of quotation marks, if any.
fn quoted(sentence: &str) -> Option<String> {
    let open = sentence.find(['“', '"'])?;
    let after = &sentence[open + sentence[open..].chars().next()?.len_utf8()..];
    let close = after.find(['”', '"'])?;
    let inner = after[..close].trim().trim_end_matches(',').trim();
    (!inner.is_empty()).then(|| inner.to_string())
}
