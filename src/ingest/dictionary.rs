//! The coder's dictionaries: actor names (with demonyms, capitals, metonyms and people), pairs
//! and descriptions, verb patterns mapped to action codes, negations, speech verbs and issue
//! keywords. Data (`data/dictionary.json`, shipped in the binary), extendable with
//! `--dictionary FILE`, compiled here into what the coder matches sentences against; and the
//! tokenizer and the pattern matcher they share.

use crate::domain::event::EventKind;
use serde::Deserialize;
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
struct VerbEntry {
    action: String,
    #[serde(default)]
    priority: i32,
    #[serde(default)]
    kind: Option<EventKind>,
    patterns: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueEntry {
    issue: String,
    keywords: Vec<String>,
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
    verbs: Vec<VerbEntry>,
    #[serde(default)]
    negations: Vec<String>,
    #[serde(default)]
    speech: Vec<String>,
    #[serde(default)]
    issues: Vec<IssueEntry>,
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

#[derive(Debug, Clone)]
pub(super) struct VerbPattern {
    pub(super) tokens: Vec<String>,
    pub(super) action: String,
    pub(super) priority: i32,
    pub(super) kind: EventKind,
}

/// The coder's dictionaries, compiled for matching.
#[derive(Debug, Clone)]
pub struct Dictionary {
    pub(super) phrases: Vec<Phrase>,
    pub(super) verbs: Vec<VerbPattern>,
    pub(super) negations: Vec<String>,
    pub(super) speech: Vec<String>,
    pub(super) issues: Vec<(String, Vec<Vec<String>>)>,
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
        extra.verbs.extend(builtin.verbs);
        extra.negations.extend(builtin.negations);
        extra.speech.extend(builtin.speech);
        extra.issues.extend(builtin.issues);
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
        let verbs = file
            .verbs
            .iter()
            .flat_map(|entry| {
                entry.patterns.iter().map(move |pattern| VerbPattern {
                    tokens: pattern_of(pattern),
                    action: entry.action.clone(),
                    priority: entry.priority,
                    kind: entry.kind.unwrap_or(EventKind::Action),
                })
            })
            .collect();
        Dictionary {
            phrases,
            verbs,
            negations: file.negations,
            speech: file.speech,
            issues: file
                .issues
                .into_iter()
                .map(|entry| {
                    (
                        entry.issue,
                        entry.keywords.iter().map(|k| pattern_of(k)).collect(),
                    )
                })
                .collect(),
        }
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
    /// Byte offsets of the token in the text it was read from.
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Words (letters, digits, inner hyphens, apostrophes and periods as in "U.S.") and punctuation.
/// A possessive "'s" is dropped: "Moscow's" reads as "moscow".
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut current_start = 0;
    let flush = |current: &mut String, start: usize, tokens: &mut Vec<Token>| {
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
        let end = start + word.len();
        for suffix in ["'s", "’s"] {
            if let Some(stem) = word.strip_suffix(suffix) {
                word = stem.to_string();
            }
        }
        if !word.is_empty() {
            tokens.push(Token {
                lower: word.to_lowercase(),
                word: true,
                start,
                end,
            });
        }
        current.clear();
    };
    for (offset, c) in text.char_indices() {
        if c.is_alphanumeric() || (!current.is_empty() && matches!(c, '-' | '\'' | '’' | '.')) {
            if current.is_empty() {
                current_start = offset;
            }
            current.push(c);
        } else {
            flush(&mut current, current_start, &mut tokens);
            if !c.is_whitespace() {
                tokens.push(Token {
                    lower: c.to_string(),
                    word: false,
                    start: offset,
                    end: offset + c.len_utf8(),
                });
            }
        }
    }
    flush(&mut current, current_start, &mut tokens);
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
