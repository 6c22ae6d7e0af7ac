//! The coder's dictionaries: actor names (with demonyms, capitals, metonyms and people), pairs
//! and descriptions, verb frames (a lemma with the object it needs) and event nouns mapped to
//! action codes, light verbs, control verbs, speech verbs, assessments and issue
//! keywords. Data (`data/dictionary.json`, shipped in the binary), extendable with
//! `--dictionary FILE`, compiled here into what the coder matches sentences against; and the
//! tokenizer and the pattern matcher they share.

use crate::domain::event::EventKind;
use crate::domain::framework::Framework;
use crate::domain::taxonomy::Taxonomy;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use thiserror::Error;

const BUILTIN_DICTIONARY: &str = include_str!("data/dictionary.json");

/// A dictionary could not be used.
#[derive(Debug, Error)]
pub enum DictionaryError {
    /// The file could not be read.
    #[error("cannot read dictionary {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a dictionary.
    #[error("dictionary {origin}: field `{field}`: {problem}")]
    Invalid {
        /// Where it came from.
        origin: String,
        /// The JSON path at fault.
        field: String,
        /// What is wrong.
        problem: String,
    },
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorEntry {
    code: String,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    people: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameEntry {
    action: String,
    verbs: Vec<String>,
    #[serde(default)]
    objects: Vec<String>,
    #[serde(default)]
    preps: Vec<String>,
    #[serde(default)]
    kind: Option<EventKind>,
    #[serde(default)]
    needs_target: bool,
    #[serde(default)]
    undergone: bool,
    #[serde(default)]
    refused: bool,
    #[serde(default)]
    promised: bool,
    #[serde(default)]
    issue: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NounEntry {
    action: String,
    nouns: Vec<String>,
    #[serde(default)]
    objects: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueEntry {
    issue: String,
    keywords: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlEntry {
    #[serde(default)]
    intent: Vec<String>,
    #[serde(default)]
    negating: Vec<String>,
    #[serde(default)]
    ordering: Vec<String>,
    #[serde(default)]
    approving: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReactionEntry {
    #[serde(default)]
    verbs: Vec<String>,
    #[serde(default)]
    nouns: Vec<AnswerEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerEntry {
    action: String,
    nouns: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssessmentEntry {
    #[serde(default)]
    disapprove: Vec<String>,
    #[serde(default)]
    praise: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DictionaryFile {
    #[serde(default)]
    actors: Vec<ActorEntry>,
    #[serde(default)]
    pairs: Vec<String>,
    #[serde(default)]
    descriptions: Vec<String>,
    #[serde(default)]
    frames: Vec<FrameEntry>,
    #[serde(default)]
    nouns: Vec<NounEntry>,
    #[serde(default)]
    light_verbs: Vec<String>,
    #[serde(default)]
    speech: Vec<String>,
    #[serde(default)]
    control: ControlEntry,
    #[serde(default)]
    assessments: AssessmentEntry,
    #[serde(default)]
    action_issues: BTreeMap<String, String>,
    #[serde(default)]
    partners: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    leaders: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    institutions: Vec<String>,
    #[serde(default)]
    naming_verbs: Vec<String>,
    #[serde(default)]
    hypothetical_nouns: Vec<String>,
    #[serde(default)]
    hostile_deeds: Vec<String>,
    #[serde(default)]
    open_steps: Vec<String>,
    #[serde(default)]
    reactions: ReactionEntry,
    #[serde(default)]
    issues: Vec<IssueEntry>,
    #[serde(default)]
    hostile_pillar: Option<String>,
    #[serde(default)]
    talks_pillar: Option<TalksPillar>,
}

/// Where talk between the two sides is filed when its issue is one the framework files under
/// hostility: under Tillerson's framework the sanctions are the push back, the talks about
/// Ukraine are engagement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TalksPillar {
    /// The pillar the talk goes to.
    pub(super) pillar: String,
    /// The actions that are talk (consulting, praising, promising to cooperate).
    pub(super) actions: Vec<String>,
    /// The issue of a channel: talk between those its keywords name (defence chiefs) is filed
    /// under it, whatever the talk is about.
    #[serde(default)]
    pub(super) channel: Option<String>,
}

/// What a mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MentionKind {
    Name,
    Person,
    Pair,
    Description,
}

#[derive(Debug, Clone)]
pub(super) struct Phrase {
    pub(super) words: Vec<String>,
    pub(super) code: String,
    pub(super) kind: MentionKind,
}

/// What a verb means, with the object or preposition it needs: `strike` + `deal` is an
/// agreement, `strike` + `base` an attack. Lemmas, lower-cased; a verb may carry its particle
/// (`pull out`).
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub(super) action: String,
    pub(super) verbs: Vec<String>,
    pub(super) objects: Vec<String>,
    /// Prepositions of which one must head a phrase of the clause (`withdraw from`).
    pub(super) preps: Vec<String>,
    pub(super) kind: EventKind,
    /// The event needs a party it is done to; it never defaults to the other side.
    pub(super) needs_target: bool,
    /// The subject undergoes it (`will pay a price`): it is only ever a speaker's threat
    /// toward the subject, never the subject's deed.
    pub(super) undergone: bool,
    /// It means what it does only when negated (`will not tolerate`), the negation being
    /// part of its meaning rather than a denial of it.
    pub(super) refused: bool,
    /// It means what it does only as what will or would be done (`will respond` is a
    /// threat); done, it is told by the deed it names (`responded by expelling`).
    pub(super) promised: bool,
    /// The issue the verb with these objects is about, whatever else the sentence names (a
    /// jet intercepting a drone is about military channels, over Syria or the Black Sea).
    pub(super) issue: Option<String>,
}

/// What an event noun means when a light verb carries it (`ordered the expulsion of`).
#[derive(Debug, Clone)]
pub(super) struct NounFrame {
    pub(super) action: String,
    pub(super) nouns: Vec<String>,
    pub(super) objects: Vec<String>,
}

/// How a verb governing an infinitive bears on it (any other verb passes its reading on:
/// `decided to expel` is an expulsion).
#[derive(Debug, Clone, Default)]
pub(super) struct Control {
    /// It is wanted or planned, not done (`plans to expel`).
    pub(super) intent: Vec<String>,
    /// It did not happen (`refused to expel`, `stopped short of expelling`).
    pub(super) negating: Vec<String>,
    /// It is the governor's subject's deed, done to the governor's object (`ordered B to close`).
    pub(super) ordering: Vec<String>,
    /// A plan to do it, once approved, is the approver's deed (`approved a plan to send`).
    pub(super) approving: Vec<String>,
}

/// Verbs by which a deed brings on an answer (`drew`, `sparked`), and the answers they bring
/// (`criticism` is disapproval); the answer's `from` phrase names who answers.
#[derive(Debug, Clone, Default)]
pub(super) struct Reactions {
    pub(super) verbs: Vec<String>,
    pub(super) answers: Vec<Answer>,
}

/// The nouns of an answer and the action they mean (`criticism`: `disapprove`).
#[derive(Debug, Clone)]
pub(super) struct Answer {
    pub(super) action: String,
    pub(super) nouns: Vec<String>,
}

/// The coder's dictionaries, compiled for matching.
#[derive(Debug, Clone)]
pub struct Dictionary {
    pub(super) phrases: Vec<Phrase>,
    pub(super) frames: Vec<Frame>,
    pub(super) nouns: Vec<NounFrame>,
    pub(super) light_verbs: Vec<String>,
    pub(super) speech: Vec<String>,
    pub(super) control: Control,
    pub(super) disapproving: Vec<String>,
    pub(super) praising: Vec<String>,
    pub(super) action_issues: BTreeMap<String, String>,
    pub(super) partners: BTreeMap<String, Vec<String>>,
    /// Nouns for a side's institutions and officials (`the ministry said`): without a name of
    /// their own, they are the side last seen acting.
    pub(super) institutions: Vec<String>,
    /// Verbs that name something as good or bad (`called the steps a provocation`).
    pub(super) naming_verbs: Vec<String>,
    /// Nouns under which a deed is only possible, asked for or feared (`the possibility of
    /// swapping`, `calls to expel`).
    pub(super) hypothetical_nouns: Vec<String>,
    /// Nouns that name a hostile deed without saying which (`further aggression`, `any such
    /// action`): what one will bring on its doer is a threat.
    pub(super) hostile_deeds: Vec<String>,
    /// Verbs of steps a side can only take in the open (expelling diplomats, imposing
    /// sanctions, calling off talks): the other side's report that one was taken is the report
    /// of a deed, not an accusation.
    pub(super) open_steps: Vec<String>,
    /// How a deed is answered: `drew criticism from Washington` is Washington's disapproval.
    pub(super) reactions: Reactions,
    /// Heads of state or government, by side: their meeting is a summit.
    pub(super) leaders: Vec<(String, Vec<String>)>,
    pub(super) issues: Vec<(String, Vec<Vec<String>>)>,
    /// The pillar of a hostile event whose issue is unknown (under Tillerson's framework, a
    /// hostile act is aggression or the push back against it).
    pub(super) hostile_pillar: Option<String>,
    /// Where talk between the sides on a hostile issue goes.
    pub(super) talks_pillar: Option<TalksPillar>,
}

impl Dictionary {
    /// The dictionary shipped in the binary (checked by the tests).
    pub fn builtin() -> Dictionary {
        let file: DictionaryFile = serde_json::from_str(BUILTIN_DICTIONARY)
            .unwrap_or_else(|e| panic!("the built-in dictionary is invalid: {e}"));
        Dictionary::compile(file)
    }

    /// The built-in dictionary extended with a file of the same format: its entries are tried
    /// before the built-in ones.
    pub fn extended(path: &Path) -> Result<Dictionary, DictionaryError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| DictionaryError::Read {
            path: origin.clone(),
            source,
        })?;
        let deserializer = &mut serde_json::Deserializer::from_str(&text);
        let mut extra: DictionaryFile =
            serde_path_to_error::deserialize(deserializer).map_err(|e| {
                DictionaryError::Invalid {
                    origin: origin.clone(),
                    field: e.path().to_string(),
                    problem: e.inner().to_string(),
                }
            })?;
        let builtin: DictionaryFile = serde_json::from_str(BUILTIN_DICTIONARY)
            .unwrap_or_else(|e| panic!("the built-in dictionary is invalid: {e}"));
        extra.actors.extend(builtin.actors);
        extra.pairs.extend(builtin.pairs);
        extra.descriptions.extend(builtin.descriptions);
        extra.frames.extend(builtin.frames);
        extra.nouns.extend(builtin.nouns);
        extra.light_verbs.extend(builtin.light_verbs);
        extra.speech.extend(builtin.speech);
        extra.control.intent.extend(builtin.control.intent);
        extra.control.negating.extend(builtin.control.negating);
        extra.control.ordering.extend(builtin.control.ordering);
        extra.control.approving.extend(builtin.control.approving);
        extra
            .assessments
            .disapprove
            .extend(builtin.assessments.disapprove);
        extra.assessments.praise.extend(builtin.assessments.praise);
        for (action, issue) in builtin.action_issues {
            extra.action_issues.entry(action).or_insert(issue);
        }
        for (side, partners) in builtin.partners {
            extra.partners.entry(side).or_default().extend(partners);
        }
        for (side, leaders) in builtin.leaders {
            extra.leaders.entry(side).or_default().extend(leaders);
        }
        extra.institutions.extend(builtin.institutions);
        extra.naming_verbs.extend(builtin.naming_verbs);
        extra.hypothetical_nouns.extend(builtin.hypothetical_nouns);
        extra.hostile_deeds.extend(builtin.hostile_deeds);
        extra.open_steps.extend(builtin.open_steps);
        extra.reactions.verbs.extend(builtin.reactions.verbs);
        extra.reactions.nouns.extend(builtin.reactions.nouns);
        extra.issues.extend(builtin.issues);
        extra.hostile_pillar = extra.hostile_pillar.or(builtin.hostile_pillar);
        extra.talks_pillar = extra.talks_pillar.or(builtin.talks_pillar);
        Ok(Dictionary::compile(extra))
    }

    fn compile(file: DictionaryFile) -> Dictionary {
        let mut phrases = Vec::new();
        for actor in &file.actors {
            for (names, kind) in [
                (&actor.names, MentionKind::Name),
                (&actor.people, MentionKind::Person),
            ] {
                for name in names {
                    phrases.push(Phrase {
                        words: words_of(name),
                        code: actor.code.clone(),
                        kind,
                    });
                }
            }
        }
        for (list, kind) in [
            (&file.pairs, MentionKind::Pair),
            (&file.descriptions, MentionKind::Description),
        ] {
            for phrase in list {
                phrases.push(Phrase {
                    words: words_of(phrase),
                    code: String::new(),
                    kind,
                });
            }
        }
        // Longest phrases first, so "Russian Foreign Ministry" wins over "Russian".
        phrases.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
        let lower = |words: &[String]| words.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>();
        let frames = file
            .frames
            .iter()
            .map(|entry| Frame {
                action: entry.action.clone(),
                verbs: lower(&entry.verbs),
                objects: lower(&entry.objects),
                preps: lower(&entry.preps),
                kind: entry.kind.unwrap_or(EventKind::Action),
                needs_target: entry.needs_target,
                undergone: entry.undergone,
                refused: entry.refused,
                promised: entry.promised,
                issue: entry.issue.clone(),
            })
            .collect();
        let nouns = file
            .nouns
            .iter()
            .map(|entry| NounFrame {
                action: entry.action.clone(),
                nouns: lower(&entry.nouns),
                objects: lower(&entry.objects),
            })
            .collect();
        Dictionary {
            phrases,
            frames,
            nouns,
            light_verbs: lower(&file.light_verbs),
            speech: lower(&file.speech),
            control: Control {
                intent: lower(&file.control.intent),
                negating: lower(&file.control.negating),
                ordering: lower(&file.control.ordering),
                approving: lower(&file.control.approving),
            },
            disapproving: lower(&file.assessments.disapprove),
            praising: lower(&file.assessments.praise),
            action_issues: file.action_issues,
            partners: file.partners,
            institutions: lower(&file.institutions),
            naming_verbs: lower(&file.naming_verbs),
            hypothetical_nouns: lower(&file.hypothetical_nouns),
            hostile_deeds: lower(&file.hostile_deeds),
            open_steps: lower(&file.open_steps),
            reactions: Reactions {
                verbs: lower(&file.reactions.verbs),
                answers: file
                    .reactions
                    .nouns
                    .iter()
                    .map(|entry| Answer {
                        action: entry.action.clone(),
                        nouns: lower(&entry.nouns),
                    })
                    .collect(),
            },
            leaders: file
                .leaders
                .iter()
                .flat_map(|(side, names)| names.iter().map(move |n| (side.clone(), words_of(n))))
                .collect(),
            issues: file
                .issues
                .into_iter()
                .map(|entry| {
                    (
                        entry.issue,
                        entry.keywords.iter().map(|k| keyword_words(k)).collect(),
                    )
                })
                .collect(),
            hostile_pillar: file.hostile_pillar,
            talks_pillar: file.talks_pillar,
        }
    }
}

impl Dictionary {
    /// The actions, issues and pillars the dictionary names that the taxonomy or the framework
    /// does not know, each with where it is named: such an entry could only propose events that
    /// `append` refuses.
    pub fn unknown_codes(&self, taxonomy: &Taxonomy, framework: &Framework) -> Vec<String> {
        let actions = self
            .frames
            .iter()
            .map(|f| ("frame", &f.action))
            .chain(self.nouns.iter().map(|n| ("noun", &n.action)))
            .chain(
                self.reactions
                    .answers
                    .iter()
                    .map(|n| ("reaction", &n.action)),
            )
            .chain(self.action_issues.keys().map(|a| ("action_issues", a)))
            .chain(
                self.talks_pillar
                    .iter()
                    .flat_map(|t| t.actions.iter().map(|a| ("talks_pillar", a))),
            );
        let mut unknown: Vec<String> = actions
            .filter(|(_, action)| taxonomy.action(action).is_none())
            .map(|(section, action)| format!("{section} action `{action}`"))
            .collect();
        let issues = self
            .frames
            .iter()
            .filter_map(|f| f.issue.as_ref().map(|i| ("frame", i)))
            .chain(self.action_issues.values().map(|i| ("action_issues", i)))
            .chain(self.issues.iter().map(|(i, _)| ("issues", i)));
        unknown.extend(
            issues
                .filter(|(_, issue)| framework.issue(issue).is_none())
                .map(|(section, issue)| format!("{section} issue `{issue}`")),
        );
        unknown.extend(
            self.talks_pillar
                .iter()
                .filter_map(|t| t.channel.as_ref())
                .filter(|issue| framework.issue(issue).is_none())
                .map(|issue| format!("talks_pillar channel `{issue}`")),
        );
        unknown.extend(
            self.hostile_pillar
                .iter()
                .filter(|p| framework.pillar(p).is_none())
                .map(|p| format!("hostile_pillar `{p}`")),
        );
        unknown.extend(
            self.talks_pillar
                .iter()
                .filter(|t| framework.pillar(&t.pillar).is_none())
                .map(|t| format!("talks_pillar `{}`", t.pillar)),
        );
        unknown.dedup();
        unknown
    }
}

/// A name as the words it is matched by.
fn words_of(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter(|t| t.word)
        .map(|t| t.lower)
        .collect()
}

/// A pattern's tokens: words, `word*` (any word starting so), `*` (any one word), `**` (up to
/// three words).
fn pattern_of(text: &str) -> Vec<String> {
    text.split_whitespace()
        .flat_map(|part| match part {
            "*" | "**" => vec![part.to_string()],
            _ if part.ends_with('*') => {
                let stem = words_of(part.trim_end_matches('*')).join(" ");
                vec![format!("{stem}*")]
            }
            _ => words_of(part),
        })
        .collect()
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) lower: String,
    pub(super) word: bool,
}

/// An issue keyword as the words it is matched against: written as words, so `arms-control`
/// reads as `arms control`.
fn keyword_words(keyword: &str) -> Vec<String> {
    pattern_of(keyword)
        .iter()
        .flat_map(|k| k.split('-'))
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect()
}

/// Words (letters, digits, inner hyphens, apostrophes and periods as in "U.S.") and punctuation.
/// A possessive "'s" is dropped: "Moscow's" reads as "moscow".
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, tokens: &mut Vec<Token>| {
        if current.is_empty() {
            return;
        }
        let mut word = current.trim_end_matches(['\'', '’']).to_string();
        let is_initialism = word.len() >= 2
            && word
                .split('.')
                .filter(|p| !p.is_empty())
                .all(|p| p.chars().count() == 1)
            && word.ends_with('.');
        if !is_initialism {
            word = word.trim_end_matches('.').to_string();
        }
        for suffix in ["'s", "’s"] {
            if let Some(stem) = word.strip_suffix(suffix) {
                word = stem.to_string();
            }
        }
        if !word.is_empty() {
            tokens.push(Token {
                lower: word.to_lowercase(),
                word: true,
            });
        }
        current.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || (!current.is_empty() && matches!(c, '-' | '\'' | '’' | '.')) {
            current.push(c);
        } else {
            flush(&mut current, &mut tokens);
            if !c.is_whitespace() {
                tokens.push(Token {
                    lower: c.to_string(),
                    word: false,
                });
            }
        }
    }
    flush(&mut current, &mut tokens);
    tokens
}

fn token_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => pattern == word,
    }
}

/// Whether `pattern` matches `words` at `start`; returns the end. `**` skips up to three words.
pub(super) fn match_pattern(pattern: &[String], words: &[&str], start: usize) -> Option<usize> {
    let Some((first, rest)) = pattern.split_first() else {
        return Some(start);
    };
    if first == "**" {
        return (0..=3).find_map(|skip| {
            (start + skip <= words.len())
                .then(|| match_pattern(rest, words, start + skip))
                .flatten()
        });
    }
    let word = words.get(start)?;
    (first == "*" || token_matches(first, word)).then(|| match_pattern(rest, words, start + 1))?
}
