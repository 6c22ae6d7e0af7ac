//! The news coder: proposes the events an article reports, reading each sentence's dependency
//! tree (the [`crate::parse`] module's tagger and parser) in the tradition of TABARI and
//! PETRARCH, and explainably so.
//!
//! A sentence is read clause by clause ([`super::clause`]): the actor is the clause's agent (its
//! subject, or the `by` agent of a passive), the target its object or the party it is done to;
//! places and topics (`in Syria`, `on North Korea`) set the issue, never the target. The verb's
//! lemma with its object gives the action (`strike` + `deal`, `close` + `consulate`) from the
//! dictionaries, which stay data (`data/dictionary.json`, extendable with `--dictionary FILE`).
//! Reported speech is its speaker's statement; conditionals, wishes, futures and negations are
//! not deeds; each clause is dated by its own time expression; one real-world event is one
//! proposal per article. The framework's rules give the pillar. The coder proposes; it never
//! writes to the log.

use super::article::{DateBasis, parse_article, phrase_date, sentence_case, split_sentences};
use super::clause::{Clause, Link, Mood, Tree, clauses, is_time_phrase, measured, repair};
pub use super::dictionary::{Dictionary, DictionaryError};
use super::dictionary::{Frame, MentionKind, match_pattern, tokenize};
use crate::domain::event::{EventInput, EventKind, SourceInput};
use crate::domain::framework::Framework;
use crate::domain::taxonomy::Taxonomy;
use crate::parse::{ParseError, Parser, Sentence};
use chrono::{Days, NaiveDate};
use std::collections::HashMap;
use thiserror::Error;
use uuid::Uuid;

/// Namespace of the ids the coder derives from a source and a sentence.
const PROPOSAL_NAMESPACE: Uuid = Uuid::from_u128(0x6479_6164_2d69_6e67_6573_742d_7631_0001);

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
    /// The clause, the roles and the dictionary entries that made it (`ingest --explain`).
    pub explanation: String,
}

/// Why an article cannot be coded.
#[derive(Debug, Error)]
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
    /// The dictionary names an action, issue or pillar that dyad does not know.
    #[error("the dictionary names codes this log does not know: {0}; fix or remove those entries")]
    UnknownCodes(String),
    /// The parser's model could not be loaded.
    #[error(transparent)]
    Parser(#[from] ParseError),
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
    let outlet = options
        .outlet
        .clone()
        .or(article.outlet.clone())
        .ok_or(CodingError::NoOutlet)?;
    let parser = Parser::shipped()?;
    let (side_a, side_b) = framework.dyad.split_once('-').unwrap_or(("USA", "RUS"));
    let mut reader = Reader {
        dictionary,
        framework,
        sides: [side_a.to_string(), side_b.to_string()],
        reference,
        context: Context::default(),
    };
    let body: Vec<&str> = article
        .paragraphs
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    // The title is parsed in sentence case and quoted as written.
    let title = sentence_case(&article.title, &body);
    let sentences: Vec<(usize, &str)> = std::iter::once((0, article.title.as_str()))
        .chain(
            article
                .paragraphs
                .iter()
                .enumerate()
                .flat_map(|(p, sentences)| sentences.iter().map(move |s| (p + 1, s.as_str()))),
        )
        .collect();
    let written: Vec<&str> = std::iter::once(title.as_str())
        .chain(sentences.iter().skip(1).map(|(_, s)| *s))
        .collect();
    let parsed: Vec<Vec<Sentence>> = read_article_as_coded(parser, &written, dictionary)
        .into_iter()
        .map(|readings| readings.into_iter().map(|(_, parsed)| parsed).collect())
        .collect();
    // Each sentence's names are found once, before any is coded: the sentences after one, too,
    // say which parties are near it.
    let names: Vec<Vec<Names>> = parsed
        .iter()
        .map(|readings| {
            readings
                .iter()
                .map(|sentence| reader.mentions(&Tree::new(sentence)))
                .collect()
        })
        .collect();
    // The title without the outlet it may end with (`… – BuzzFeed News`).
    let headline = match &article.outlet {
        Some(outlet) => title.strip_suffix(outlet.as_str()).unwrap_or(&title),
        None => &title,
    };
    let title_words: Vec<String> = tokenize(headline)
        .into_iter()
        .filter(|t| t.word)
        .map(|t| t.lower)
        .collect();
    reader.context.topic = reader.issue_of(&title_words);
    reader.context.paragraph = usize::MAX;
    let mut found = Vec::new();
    let mut reading = 0;
    for (index, ((readings, (paragraph, text)), own_names)) in
        parsed.iter().zip(&sentences).zip(&names).enumerate()
    {
        if *paragraph != reader.context.paragraph {
            reader.context.paragraph = *paragraph;
            reader.context.attribution = None;
        }
        reader.context.nearby = names[..1]
            .iter()
            .chain(&names[index.saturating_sub(2)..names.len().min(index + 3)])
            .flatten()
            .flat_map(|n| n.values())
            .map(|(code, _)| code.clone())
            .collect();
        for (sentence, own_names) in readings.iter().zip(own_names) {
            let tree = Tree::new(sentence);
            found.extend(reader.read_sentence(&tree, own_names, text, (index, reading)));
            reading += 1;
        }
    }
    let merged = merge(found, reference);
    let source = SourceFacts {
        dyad: &framework.dyad,
        outlet: &outlet,
        published: options.published.or(article.dateline),
        options,
        title: &article.title,
    };
    Ok(merged.into_iter().map(|f| propose(f, &source)).collect())
}

/// What is known of the article as it is read.
#[derive(Default)]
struct Context {
    /// The parties the title and the sentences from two before the one being read to two after
    /// it name: an unnamed target is the other side only when the text is about it there.
    nearby: Vec<String>,
    /// People named with a title that gives their side (`Deputy Foreign Minister Sergei
    /// Ryabkov`), by surname, for later bare mentions.
    people: HashMap<String, String>,
    /// The party acting in the clause being read: `its`, `their` there are it.
    clause_actor: Option<String>,
    /// The last person and the last party in subject position, for pronouns.
    last_person: Option<String>,
    last_subject: Option<String>,
    last_other: Option<String>,
    /// The issue of the last event coded: a sentence without a keyword of its own continues
    /// the topic.
    last_issue: Option<String>,
    /// The issue the title names: what the article is about.
    topic: Option<String>,
    /// The pillar of the last hostile event coded: a condemnation with no topic of its own is
    /// about it.
    last_hostile_pillar: Option<String>,
    /// The paragraph being read, and whom its content is attributed to so far.
    paragraph: usize,
    attribution: Option<String>,
}

/// A party resolved from a phrase, and how.
#[derive(Debug, Clone)]
struct Party {
    code: String,
    how: &'static str,
    /// Both sides at once ("the two countries").
    both: bool,
}

/// An event read from a clause, before merging and sourcing.
#[derive(Debug, Clone)]
struct Found {
    actor: String,
    target: String,
    action: String,
    kind: EventKind,
    issue: Option<String>,
    /// Set only for a statement with no issue of its own about the event before it, whose
    /// pillar it takes.
    pillar: Option<String>,
    date: NaiveDate,
    basis: DateBasis,
    background: bool,
    confidence: f64,
    attribution: Option<String>,
    sentence: String,
    sentence_index: usize,
    /// The reading it was found in: one speaker's words in one reading are one statement,
    /// while each sentence of a quotation is read on its own.
    reading: usize,
    /// Who said a statement, by the last word of its name (`obama`), when the text names them.
    voice: Option<String>,
    /// Whom the actor met, by the last word of the name (`putin`), when the clause names them:
    /// meeting one person and then another the same day are two meetings.
    counterpart: Option<String>,
    /// Done by both sides at once (`Trump and Putin agreed to …`): its mirror, one side
    /// toward the other or the other way round, is the same act.
    joint: bool,
    quotes: Vec<String>,
    explanation: Vec<String>,
    notes: Vec<&'static str>,
}

struct Reader<'a> {
    dictionary: &'a Dictionary,
    framework: &'a Framework,
    sides: [String; 2],
    reference: NaiveDate,
    context: Context,
}

/// What a clause means, before its parties are placed.
struct Meaning {
    action: String,
    kind: EventKind,
    /// Its subject undergoes it: only a speaker's word toward the subject.
    undergone: bool,
    /// Its negation is part of it (`will not tolerate`).
    refused: bool,
    /// The issue the frame itself says the event is about.
    issue: Option<String>,
    needs_target: bool,
    /// A noun carrying the event (`the expulsion of …`), whose modifiers may name the target.
    event_noun: Option<usize>,
    entry: String,
}

impl Meaning {
    /// A meaning that names no issue and no event noun, needs no target and is a deed or a
    /// statement of its subject's.
    fn new(action: impl Into<String>, kind: EventKind, entry: String) -> Self {
        Meaning {
            action: action.into(),
            kind,
            undergone: false,
            refused: false,
            issue: None,
            needs_target: false,
            event_noun: None,
            entry,
        }
    }
}

impl Reader<'_> {
    /// The dictionary names in the sentence: the code and kind of every token a name covers,
    /// longest names first.
    fn mentions(&self, tree: &Tree) -> Names {
        let words: Vec<String> = (0..tree.len()).map(|i| tree.lower(i)).collect();
        let mut out = Names::new();
        let mut i = 0;
        while i < words.len() {
            let matched = self.dictionary.phrases.iter().find(|phrase| {
                !phrase.words.is_empty()
                    && words
                        .get(i..i + phrase.words.len())
                        .is_some_and(|w| w.iter().zip(&phrase.words).all(|(a, b)| a == b))
            });
            match matched {
                Some(phrase) => {
                    for t in i..i + phrase.words.len() {
                        out.insert(t, (phrase.code.clone(), phrase.kind));
                    }
                    i += phrase.words.len();
                }
                None => i += 1,
            }
        }
        out
    }

    fn read_sentence(
        &mut self,
        tree: &Tree,
        names: &Names,
        text: &str,
        (index, reading): (usize, usize),
    ) -> Vec<Found> {
        if is_caption(text) {
            return Vec::new();
        }
        let all = clauses(tree);
        let scope = Scope {
            tree,
            names,
            clauses: &all,
            text,
            index,
            reading,
        };
        self.learn_people(&scope);
        let mut found = Vec::new();
        for clause in &all {
            match self.read_obligation(&scope, clause) {
                Some(demand) => found.extend(demand),
                None => found.extend(self.read_clause(&scope, clause)),
            }
        }
        found.extend(self.read_assessment(&scope));
        found.extend(self.read_possessed_events(&scope));
        found.extend(self.read_paired_meetings(&scope));
        found.extend(self.read_meetings_with(&scope));
        found.extend(self.read_reactions(&scope));
        found.extend(self.read_readiness(&scope));
        for event in &mut found {
            // A condemnation without a topic of its own is about the hostile deed before it; a
            // hostile event with no topic at all goes where the framework files hostility.
            if event.issue.is_none() && intensity(&event.action) < 0.0 {
                let context = self
                    .context
                    .last_hostile_pillar
                    .clone()
                    .filter(|_| is_verbal(&event.action));
                if context.is_some() || event.pillar.is_none() {
                    event.pillar = context.or_else(|| self.hostile_pillar());
                }
            }
            if event.pillar.is_none() {
                event.pillar = self.talks_pillar(&event.action, event.issue.as_deref());
            }
        }
        if let Some(event) = found.iter().find(|f| intensity(&f.action) < 0.0) {
            self.context.last_hostile_pillar = Some(event.pillar.clone().unwrap_or_else(|| {
                self.framework
                    .derive_pillar(&event.action, event.issue.as_deref())
                    .to_string()
            }));
        }
        if let Some(issue) = found.iter().find_map(|f| f.issue.clone()) {
            self.context.last_issue = Some(issue);
        }
        self.remember_subjects(&scope);
        found
    }

    /// Pronouns in the next sentences refer to this one's subjects.
    fn remember_subjects(&mut self, scope: &Scope) {
        let tree = scope.tree;
        for i in 0..tree.len() {
            if !tree.rel(i).starts_with("nsubj") {
                continue;
            }
            if tree.upos(i) == "PROPN" && self.party(scope, i).is_none() {
                // Someone of neither side (`Bout was arrested`): `he` is no longer the last
                // person of a side.
                self.context.last_person = None;
            }
            if let Some(party) = self.party(scope, i) {
                if party.both || party.code.is_empty() {
                    continue;
                }
                if tree.upos(i) == "PROPN" && party.how != "name" {
                    self.context.last_person = Some(party.code.clone());
                }
                if party.how == "person" {
                    self.context.last_person = Some(party.code.clone());
                }
                if self.sides.contains(&party.code) {
                    self.context.last_subject = Some(party.code.clone());
                } else {
                    self.context.last_other = Some(party.code.clone());
                }
            }
        }
    }

    /// The party a noun phrase names: the phrase itself (`Russia`, `the Kremlin`, `Putin`), a
    /// modifier that owns it (`Russian diplomats`, `Russia's Foreign Ministry`, `the head of the
    /// Russian delegation`), a known person, or a pronoun's antecedent.
    fn party(&self, scope: &Scope, head: usize) -> Option<Party> {
        self.party_within(scope, head, 0)
    }

    fn party_within(&self, scope: &Scope, head: usize, depth: usize) -> Option<Party> {
        let tree = scope.tree;
        if let Some((code, kind)) = scope.names.get(&head) {
            if *kind == MentionKind::Description
                && let Some(code) = self.earlier_in_sentence(scope, head, |kind, code| {
                    kind != MentionKind::Description
                        && !self.sides.iter().any(|s| s == code)
                        && self.context.clause_actor.as_deref() != Some(code)
                })
            {
                return Some(Party {
                    code,
                    how: "description",
                    both: false,
                });
            }
            return self.party_of_name(code, *kind);
        }
        if matches!(
            tree.lower(head).as_str(),
            "he" | "she" | "his" | "her" | "him"
        ) && let Some(code) =
            self.earlier_in_sentence(scope, head, |kind, _| kind == MentionKind::Person)
        {
            return Some(Party {
                code,
                how: "pronoun",
                both: false,
            });
        }
        let lower = tree.lower(head);
        if let Some(code) = self.context.people.get(&lower) {
            return Some(Party {
                code: code.clone(),
                how: "person",
                both: false,
            });
        }
        if tree.upos(head) == "PRON" {
            return self.pronoun(&lower);
        }
        // A name of several words: `Vladimir Putin`, `Secretary of State Mike Pompeo`.
        for flat in tree.kids(head, "flat") {
            if let Some((code, kind)) = scope.names.get(&flat) {
                return self.party_of_name(code, *kind);
            }
        }
        if depth >= 3 {
            return None;
        }
        let owners = tree
            .children(head)
            .iter()
            .copied()
            .filter(|&c| match tree.deprel(c) {
                "nmod:poss" | "amod" | "compound" | "flat" | "appos" | "nmod:desc" => true,
                // `Russian-based`, `Moscow-based`
                "obl:unmarked" | "obl:npmod" | "nmod:unmarked" => tree.lemma(head) == "base",
                "nmod" => tree
                    .kids(c, "case")
                    .any(|k| matches!(tree.lemma(k).as_str(), "of" | "from")),
                _ => false,
            });
        // The nearest owner first.
        let mut owners: Vec<usize> = owners.collect();
        owners.sort_by_key(|&c| c.abs_diff(head));
        owners
            .into_iter()
            .find_map(|c| self.party_within(scope, c, depth + 1))
            .or_else(|| self.institution(tree, head, depth))
    }

    /// `the department`, `the ministry`: an institution named by its kind alone.
    fn is_unnamed_institution(&self, tree: &Tree, head: usize) -> bool {
        self.dictionary.institutions.contains(&tree.lemma(head))
            && tree.kids(head, "det").any(|d| tree.lower(d) == "the")
            && tree
                .children(head)
                .iter()
                .all(|&c| !matches!(tree.deprel(c), "amod" | "compound" | "nmod:poss" | "flat"))
    }

    /// `the ministry said`: an institution without a name is the side last seen acting.
    fn institution(&self, tree: &Tree, head: usize, depth: usize) -> Option<Party> {
        let definite = tree
            .kids(head, "det")
            .any(|d| matches!(tree.lower(d).as_str(), "the" | "this" | "that"));
        (depth == 0 && definite && self.dictionary.institutions.contains(&tree.lemma(head)))
            .then(|| {
                self.context
                    .clause_actor
                    .clone()
                    .or(self.context.last_subject.clone())
            })
            .flatten()
            .map(|code| Party {
                code,
                how: "institution",
                both: false,
            })
    }

    /// Every party a phrase names, the head's own first: `the U.S. assets of seven Russian
    /// officials` names both sides.
    fn parties(&self, scope: &Scope, head: usize) -> Vec<Party> {
        let tree = scope.tree;
        let mut found: Vec<Party> = Vec::new();
        let add = |party: Option<Party>, found: &mut Vec<Party>| {
            if let Some(party) = party
                && !found.iter().any(|p| p.code == party.code)
            {
                found.push(party);
            }
        };
        add(self.party(scope, head), &mut found);
        for &c in tree.children(head) {
            let owner = match tree.deprel(c) {
                "nmod:poss" | "amod" | "compound" | "appos" => true,
                "nmod" => tree.kids(c, "case").any(|k| {
                    matches!(
                        tree.lemma(k).as_str(),
                        "of" | "from"
                            | "against"
                            | "on"
                            | "with"
                            | "to"
                            | "toward"
                            | "towards"
                            | "by"
                    )
                }),
                _ => false,
            };
            if owner {
                add(self.party(scope, c), &mut found);
            }
        }
        found
    }

    /// The nearest name before `token` in the sentence that `wanted` accepts.
    fn earlier_in_sentence(
        &self,
        scope: &Scope,
        token: usize,
        wanted: impl Fn(MentionKind, &str) -> bool,
    ) -> Option<String> {
        (0..token).rev().find_map(|t| {
            scope
                .names
                .get(&t)
                .filter(|(code, kind)| !code.is_empty() && wanted(*kind, code))
                .map(|(code, _)| code.clone())
        })
    }

    fn party_of_name(&self, code: &str, kind: MentionKind) -> Option<Party> {
        match kind {
            MentionKind::Name => Some(Party {
                code: code.to_string(),
                how: "name",
                both: false,
            }),
            MentionKind::Person => Some(Party {
                code: code.to_string(),
                how: "person",
                both: false,
            }),
            // `the two leaders` are the dyad's only where the text is about both sides.
            MentionKind::Pair => self
                .sides
                .iter()
                .all(|side| self.context.nearby.contains(side))
                .then(|| Party {
                    code: self.sides[1].clone(),
                    how: "both sides",
                    both: true,
                }),
            MentionKind::Description => self.context.last_other.clone().map(|code| Party {
                code,
                how: "description",
                both: false,
            }),
        }
    }

    fn pronoun(&self, lower: &str) -> Option<Party> {
        let code = match lower {
            "he" | "she" | "him" | "her" | "his" => self.context.last_person.clone()?,
            "its" | "their" => self
                .context
                .clause_actor
                .clone()
                .or_else(|| self.context.last_subject.clone())?,
            "it" | "they" | "them" | "we" | "us" | "our" => self.context.last_subject.clone()?,
            _ => return None,
        };
        Some(Party {
            code,
            how: "pronoun",
            both: false,
        })
    }

    /// Learns `Deputy Foreign Minister Sergei Ryabkov` as Russian, so `Ryabkov` alone is too.
    fn learn_person(&mut self, scope: &Scope, head: usize, party: &Party) {
        let tree = scope.tree;
        if tree.upos(head) != "PROPN" || matches!(party.how, "name" | "pronoun" | "speaker") {
            return;
        }
        let name = std::iter::once(head).chain(
            tree.children(head)
                .iter()
                .copied()
                .filter(|&c| tree.rel(c) == "flat" && tree.upos(c) == "PROPN"),
        );
        for token in name.collect::<Vec<_>>() {
            if !scope.names.contains_key(&token) {
                self.context
                    .people
                    .entry(tree.lower(token))
                    .or_insert_with(|| party.code.clone());
            }
        }
    }

    /// `White House press secretary Karine Jean-Pierre`: learns the people a sentence names
    /// with a title that gives their side, before its clauses are read.
    fn learn_people(&mut self, scope: &Scope) {
        let tree = scope.tree;
        for i in 0..tree.len() {
            if tree.upos(i) == "PROPN"
                && !scope.names.contains_key(&i)
                && !matches!(tree.rel(i), "flat" | "compound")
                && let Some(party) = self.party(scope, i)
                && !party.both
            {
                self.learn_person(scope, i, &party);
            }
        }
    }

    fn read_clause(&mut self, scope: &Scope, clause: &Clause) -> Vec<Found> {
        let tree = scope.tree;
        // `spoke about extending the treaty`: what a talk is about is its topic, not a deed.
        if tree
            .children(clause.verb)
            .iter()
            .any(|&c| matches!(tree.rel(c), "mark" | "case") && tree.lemma(c) == "about")
        {
            return Vec::new();
        }
        let Some(meaning) = self.meaning(scope, clause) else {
            return Vec::new();
        };
        // `will stop providing notifications`: ceasing to cooperate is the stopper's
        // reduction of relations, read where `stop` stands.
        if let Some((stop, Link::Control)) = clause.governor
            && CEASING.contains(&tree.lemma(stop).as_str())
            && intensity(&meaning.action) > 0.0
            && let Some(stopping) = scope.clause_at(stop)
        {
            let ceasing = Meaning {
                issue: meaning.issue.clone(),
                ..Meaning::new(
                    "reduce_relations",
                    EventKind::Action,
                    format!(
                        "`{}` … `{}` ({}): ceasing to cooperate → reduce_relations",
                        tree.lemma(stop),
                        tree.lemma(clause.verb),
                        meaning.entry
                    ),
                )
            };
            return self.read_meaning(scope, stopping, ceasing);
        }
        self.read_meaning(scope, clause, meaning)
    }

    /// The events of a clause whose meaning is known.
    fn read_meaning(&mut self, scope: &Scope, clause: &Clause, mut meaning: Meaning) -> Vec<Found> {
        let tree = scope.tree;
        let affirmed;
        let clause = if meaning.refused {
            affirmed = Clause {
                negated: false,
                ..clause.clone()
            };
            &affirmed
        } else {
            clause
        };
        if self.defers_to_its_infinitive(scope, clause, &meaning)
            || self.intends_no_event(scope, clause)
        {
            return Vec::new();
        }
        // `called for a ban on U.S. launches`: asking for a hostile deed is a demand.
        if meaning.action == "appeal" && self.asks_for_hostility(scope, clause) {
            meaning.action = "demand".into();
            meaning
                .entry
                .push_str("; what it asks for is hostile: a demand");
        }
        if meaning.action == "consult"
            && self.leaders_of_both_sides(scope, clause)
            && !by_telephone(scope.tree, clause)
            && !only_spoke(scope.tree, clause)
        {
            meaning.action = "hold_summit".into();
            meaning
                .entry
                .push_str("; the two sides' leaders meet: a summit");
        }
        let mut explanation = vec![format!(
            "clause: {} ({}); {}",
            tree.text(&tree.phrase(clause.verb)),
            tree.lemma(clause.verb),
            meaning.entry
        )];
        // How the clause stands to the facts, and whose word it is.
        let mut reading = self.reading(scope, clause, &meaning);
        // `the White House said Obama and Putin discussed the deal`: a side's account of a
        // friendly deed accuses no one; it is the report of the deed. Nor does its account of
        // a step the other side can only take in the open (`said Russia postponed the talks`).
        if let Reading::Allegation { verb, .. } = &reading
            && verb == "say"
            && (intensity(&meaning.action) > 0.0 || self.is_open_step_taken(tree, clause))
            && !clause.negated
            && clause.mood == Mood::Fact
        {
            reading = Reading::Deed;
        }
        if meaning.undergone {
            let deed = clause
                .subjects
                .first()
                .copied()
                .filter(|&s| self.is_hostile_deed(tree, s));
            match deed {
                Some(deed) => {
                    return self.consequence_of_a_deed(
                        scope,
                        clause,
                        deed,
                        &meaning,
                        &reading,
                        explanation,
                    );
                }
                None if !matches!(reading, Reading::Allegation { .. }) => return Vec::new(),
                None => {}
            }
        }
        if !is_verbal(&meaning.action) && is_a_rule(tree, clause) {
            return Vec::new();
        }
        let (action, kind) = match &reading {
            Reading::Deed => (meaning.action.clone(), meaning.kind),
            Reading::Intent if is_verbal(&meaning.action) => {
                (meaning.action.clone(), EventKind::Statement)
            }
            Reading::Intent => match intensity(&meaning.action) {
                x if x < 0.0 => ("threaten".to_string(), EventKind::Statement),
                x if x > 0.0 => ("intend_to_cooperate".to_string(), EventKind::Statement),
                _ => return Vec::new(),
            },
            Reading::Allegation { .. } => {
                // Saying the other side did something hostile, or failed to do its part,
                // accuses it; saying it did not do something hostile does not.
                let accuses = if clause.negated {
                    intensity(&meaning.action) > 0.0
                } else {
                    intensity(&meaning.action) < 0.0
                };
                if !accuses {
                    return Vec::new();
                }
                // `Russia will pay a price, Biden said`: what the subject undergoes is the
                // speaker's threat, not an accusation.
                let action = if meaning.undergone {
                    meaning.action.clone()
                } else {
                    "disapprove".to_string()
                };
                (action, EventKind::Statement)
            }
            Reading::Restraint
                if intensity(&meaning.action) < 0.0 && !is_verbal(&meaning.action) =>
            {
                ("yield".to_string(), EventKind::Statement)
            }
            Reading::Restraint => return Vec::new(),
            // `said they did not expect a breakthrough`: not saying something denies nothing.
            Reading::Denial if intensity(&meaning.action) < 0.0 && !is_verbal(&meaning.action) => {
                ("reject".to_string(), EventKind::Statement)
            }
            Reading::Denial => return Vec::new(),
            Reading::Not(why) => {
                explanation.push(format!("not coded: {why}"));
                return Vec::new();
            }
        };
        explanation.push(format!("reading: {}", reading.describe()));
        let mut actors = self.actors(scope, clause, &reading);
        for (head, party) in &actors {
            self.learn_person(scope, *head, party);
        }
        if actors.is_empty() && clause.passive && clause.agents.is_empty() {
            actors = self.unnamed_agent(scope, clause, &meaning);
        }
        self.context.clause_actor = actors.first().map(|(_, p)| p.code.clone());
        let encounter = self.reported_encounter(scope, clause, &meaning, &reading, &actors);
        if let Reading::Allegation { speaker, at, .. } = &reading {
            // The speaker accuses the one the content says acted.
            let accused: Vec<String> = actors.iter().map(|(_, p)| p.code.clone()).collect();
            let Some(accused) = accused.into_iter().find(|c| c != &speaker.code) else {
                return Vec::new();
            };
            actors = vec![(
                clause.verb,
                Party {
                    code: speaker.code.clone(),
                    how: "speaker",
                    both: false,
                },
            )];
            // The statement is dated by its saying, not by the deed it alleges.
            let said = match at {
                Some(speech) => scope
                    .clauses
                    .iter()
                    .find(|c| c.verb == *speech)
                    .and_then(|c| self.date(scope, c)),
                None => Some((self.reference, DateBasis::Report, false)),
            };
            let Some((date, basis, background)) = said else {
                return Vec::new();
            };
            let mut found = self.events(
                scope,
                clause,
                &actors,
                vec![(
                    Party {
                        code: accused,
                        how: "the accused",
                        both: false,
                    },
                    "the party the speaker accuses",
                )],
                &action,
                kind,
                &meaning,
                explanation,
            );
            for event in &mut found {
                (event.date, event.basis, event.background) = (date, basis, background);
                event
                    .explanation
                    .push(format!("date: {date} ({basis:?}), when it was said"));
            }
            found.extend(encounter);
            return found;
        }
        let targets = self.targets(scope, clause, &meaning);
        self.events(
            scope,
            clause,
            &actors,
            targets,
            &action,
            kind,
            &meaning,
            explanation,
        )
    }

    /// `further aggression will bring more sanctions, Blinken said`: what a deed will bring
    /// on its doer, in a side's words, is that side's threat toward the doer (the side the
    /// deed's phrase names, else the speaker's other side).
    fn consequence_of_a_deed(
        &self,
        scope: &Scope,
        clause: &Clause,
        deed: usize,
        meaning: &Meaning,
        reading: &Reading,
        mut explanation: Vec<String>,
    ) -> Vec<Found> {
        let to_come = matches!(reading, Reading::Intent)
            || matches!(clause.mood, Mood::Future | Mood::Modal) && !clause.negated;
        if !to_come {
            return Vec::new();
        }
        let Some(speaker) = self.speaker_of(scope, clause) else {
            return Vec::new();
        };
        let doer = self
            .parties(scope, deed)
            .into_iter()
            .map(|p| p.code)
            .find(|code| code != &speaker.code && self.sides.contains(code))
            .or_else(|| self.other_side(&speaker.code));
        let Some(doer) = doer else {
            return Vec::new();
        };
        explanation.push("reading: what a deed will bring on its doer, in a side's words".into());
        self.events(
            scope,
            clause,
            &[(clause.verb, speaker)],
            vec![(
                Party {
                    code: doer,
                    how: "the doer of the deed",
                    both: false,
                },
                "the doer of the deed",
            )],
            &meaning.action,
            EventKind::Statement,
            meaning,
            explanation,
        )
    }

    /// `further aggression`, `any annexation`: a noun naming a hostile deed.
    fn is_hostile_deed(&self, tree: &Tree, noun: usize) -> bool {
        let lemma = tree.lemma(noun);
        self.dictionary.hostile_deeds.contains(&lemma)
            || self
                .dictionary
                .nouns
                .iter()
                .any(|n| n.nouns.contains(&lemma) && intensity(&n.action) < 0.0)
    }

    /// The party whose words a clause is: the subject of the clause that governs it as its
    /// content (`Russia said it was suspending …`).
    fn governing_subject(&self, scope: &Scope, clause: &Clause) -> Option<Party> {
        // `announced that it will begin deploying`: the verb its subject controls speaks for it,
        // and `said we will expel … and close …`: the verb whose subject a conjunct shares.
        let mut clause = clause;
        while let Some((g, Link::Control | Link::Coordinated)) = clause.governor
            && let Some(controller) = scope.clause_at(g)
            && controller.subjects == clause.subjects
        {
            clause = controller;
        }
        let (governor, Link::Complement | Link::Parenthetical) = clause.governor? else {
            return None;
        };
        scope
            .clauses
            .iter()
            .find(|c| c.verb == governor)
            .and_then(|c| c.subjects.iter().find_map(|&s| self.party(scope, s)))
    }

    /// The side whose words a clause is, when it hangs from a verb of saying.
    fn speaker_of(&self, scope: &Scope, clause: &Clause) -> Option<Party> {
        let (speech, _) = clause.governor?;
        if !self.dictionary.speech.contains(&scope.tree.lemma(speech)) {
            return None;
        }
        let speaker = self.governing_subject(scope, clause)?;
        self.sides.contains(&speaker.code).then_some(Party {
            how: "speaker",
            ..speaker
        })
    }

    /// Whether a clause's subject is the side whose words it is (`Russia said it may …`).
    fn speaks_of_itself(&self, scope: &Scope, clause: &Clause) -> bool {
        let Some(speaker) = self.speaker_of(scope, clause) else {
            return false;
        };
        clause.subjects.first().is_some_and(|&subject| {
            scope.tree.upos(subject) == "PRON"
                || self
                    .party(scope, subject)
                    .is_some_and(|p| p.code == speaker.code)
        })
    }

    /// `a Russian jet intercepted a U.S. plane, the Pentagon said`: only the two militaries
    /// saw the encounter, so the report of the side it was done to is the news's account of
    /// it, and the encounter is coded beside that side's statement. Only a plain report (`say`,
    /// `according to`), never an accusation, and only a show of force against the speaker.
    fn reported_encounter(
        &self,
        scope: &Scope,
        clause: &Clause,
        meaning: &Meaning,
        reading: &Reading,
        actors: &[(usize, Party)],
    ) -> Vec<Found> {
        let Reading::Allegation { speaker, verb, .. } = reading else {
            return Vec::new();
        };
        let plain_report = matches!(verb.as_str(), "say" | "according to" | "report" | "state");
        if meaning.action != "show_force" || !plain_report {
            return Vec::new();
        }
        let targets: Vec<_> = self
            .targets(scope, clause, meaning)
            .into_iter()
            .filter(|(party, _)| party.code == speaker.code)
            .collect();
        if targets.is_empty() || actors.iter().all(|(_, p)| p.code == speaker.code) {
            return Vec::new();
        }
        let explanation = vec![format!(
            "clause: {} ({}); {}; reading: an encounter reported by the side it was done to",
            scope.tree.text(&scope.tree.phrase(clause.verb)),
            scope.tree.lemma(clause.verb),
            meaning.entry
        )];
        self.events(
            scope,
            clause,
            actors,
            targets,
            &meaning.action,
            meaning.kind,
            meaning,
            explanation,
        )
    }

    /// `said Moscow must de-escalate`, `told Washington it should return to the treaty`: what
    /// a side says the other side must do is its demand (to stop or undo) or appeal (to
    /// cooperate), not the other side's deed. `None` when the clause is not such a requirement.
    fn read_obligation(&mut self, scope: &Scope, clause: &Clause) -> Option<Vec<Found>> {
        let tree = scope.tree;
        if !clause.obliged || clause.negated {
            return None;
        }
        let (speech, Link::Complement | Link::Parenthetical) = clause.governor? else {
            return None;
        };
        let speech_lemma = tree.lemma(speech);
        if !(self.dictionary.speech.contains(&speech_lemma) || speech_lemma == "tell") {
            return None;
        }
        let governing = scope.clause_at(speech)?;
        if governing.negated || governing.mood != Mood::Fact {
            return None;
        }
        let speaker = governing
            .subjects
            .iter()
            .find_map(|&s| self.party(scope, s))
            .filter(|p| !p.both && self.sides.contains(&p.code))?;
        let obliged = clause
            .subjects
            .iter()
            .find_map(|&s| self.party(scope, s))
            .filter(|p| !p.both && p.code != speaker.code && self.sides.contains(&p.code))?;
        let lemma = tree.lemma(clause.verb);
        let (action, entry) = if STOPPING.contains(&lemma.as_str()) {
            (
                "demand",
                format!("`{speech_lemma}` … must `{lemma}`: a demand"),
            )
        } else {
            let meaning = self.meaning(scope, clause)?;
            if intensity(&meaning.action) <= 0.0 {
                return None;
            }
            (
                "appeal",
                format!(
                    "`{speech_lemma}` … must `{lemma}` ({}): an appeal",
                    meaning.entry
                ),
            )
        };
        let meaning = Meaning {
            needs_target: true,
            ..Meaning::new(action, EventKind::Statement, entry)
        };
        let explanation = vec![
            format!(
                "clause: {} ({lemma}); {}",
                tree.text(&tree.phrase(clause.verb)),
                meaning.entry
            ),
            format!("reading: required of {} by {}", obliged.code, speaker.code),
        ];
        let actors = [(speech, speaker)];
        let targets = vec![(obliged, "the side the speaker says must act")];
        Some(self.events(
            scope,
            clause,
            &actors,
            targets,
            action,
            EventKind::Statement,
            &meaning,
            explanation,
        ))
    }

    /// `urged Russia to stop backing Maduro`, `called on Moscow to withdraw`: asking the other
    /// side to stop or undo something is a demand, not an appeal.
    fn demand_to_stop(&self, tree: &Tree, clause: &Clause, lemma: &str) -> Option<Meaning> {
        let asks = self
            .dictionary
            .frames
            .iter()
            .any(|f| f.action == "appeal" && f.verbs.iter().any(|v| v == lemma))
            || lemma == "tell";
        if !asks {
            return None;
        }
        let stop = tree
            .children(clause.verb)
            .iter()
            .copied()
            .filter(|&c| matches!(tree.rel(c), "xcomp" | "advcl" | "ccomp"))
            .find(|&c| {
                // `urged Russia to stop`, and `told Putin not to meddle`.
                STOPPING.contains(&tree.lemma(c).as_str())
                    || tree
                        .kids(c, "advmod")
                        .any(|a| matches!(tree.lower(a).as_str(), "not" | "never") && a < c)
            })?;
        Some(Meaning::new(
            "demand",
            EventKind::Statement,
            format!("`{lemma}` … to `{}`: a demand", tree.lemma(stop)),
        ))
    }

    /// `intends to take steps`, `a measure intended to put Russia on an equal footing`: an
    /// intention to do what no entry names is no promise of cooperation.
    fn intends_no_event(&self, scope: &Scope, clause: &Clause) -> bool {
        matches!(scope.tree.lemma(clause.verb).as_str(), "intend" | "plan")
            && scope
                .clauses
                .iter()
                .any(|c| c.governor == Some((clause.verb, Link::Control)))
    }

    /// Whether the `for` phrase of a clause names a hostile deed (`a ban`, `sanctions`).
    fn asks_for_hostility(&self, scope: &Scope, clause: &Clause) -> bool {
        let tree = scope.tree;
        clause.obliques.iter().any(|(case, o)| {
            case == "for"
                && self
                    .dictionary
                    .nouns
                    .iter()
                    .any(|n| intensity(&n.action) < 0.0 && n.nouns.contains(&tree.lemma(*o)))
        })
    }

    /// Verbs whose object does what their infinitive says (`getting China to ban`, `urged
    /// Moscow to withdraw`), even where the parser reads the infinitive as one of purpose.
    fn makes_another_act(&self, lemma: &str) -> bool {
        matches!(lemma, "get" | "persuade" | "convince" | "push" | "lead")
            || self.dictionary.control.intent.iter().any(|v| v == lemma)
            || self.dictionary.control.ordering.iter().any(|v| v == lemma)
    }

    /// `pledged to defend its allies`, `agreed to extend the treaty`: the promise is coded from
    /// what is promised, not twice.
    fn defers_to_its_infinitive(&self, scope: &Scope, clause: &Clause, meaning: &Meaning) -> bool {
        let tree = scope.tree;
        let lemma = tree.lemma(clause.verb);
        !asks_of_another(tree, clause)
            && meaning.kind == EventKind::Statement
            && self.dictionary.control.intent.contains(&lemma)
            && scope.clauses.iter().any(|c| {
                c.governor == Some((clause.verb, Link::Control)) && self.meaning(scope, c).is_some()
            })
    }

    /// Whether the clause names a leader of each side (`Trump met Putin`).
    fn leaders_of_both_sides(&self, scope: &Scope, clause: &Clause) -> bool {
        let tree = scope.tree;
        let words: Vec<String> = tree
            .subtree(clause.verb)
            .into_iter()
            .filter(|&t| !in_other_clause(tree, t, clause.verb))
            .map(|t| tree.lower(t))
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        self.sides.iter().all(|side| {
            self.dictionary.leaders.iter().any(|(code, name)| {
                code == side
                    && (0..words.len()).any(|start| {
                        words
                            .get(start..start + name.len())
                            .is_some_and(|w| w.iter().zip(name).all(|(a, b)| a == b))
                    })
            })
        })
    }

    /// The action a clause's verb (with its object, particle or preposition) means, or the event
    /// noun a light verb carries.
    fn meaning(&self, scope: &Scope, clause: &Clause) -> Option<Meaning> {
        let tree = scope.tree;
        let lemma = tree.lemma(clause.verb);
        if self.is_non_answer(tree, clause, &lemma) {
            return None;
        }
        let verb_forms: Vec<String> = match &clause.particle {
            Some(_) => vec![phrasal_lemma(tree, clause), lemma.clone()],
            None => vec![lemma.clone()],
        };
        // Passives are done to their subject: it stands as the object.
        let object_heads: Vec<usize> = if clause.passive {
            clause
                .subjects
                .iter()
                .chain(&clause.objects)
                .copied()
                .collect()
        } else {
            clause.objects.clone()
        };
        // `vowed to retaliate`: an infinitive says what is vowed, as `vowed retaliation` does.
        let infinitives = tree.kids(clause.verb, "xcomp").filter(|&x| {
            tree.upos(x) == "VERB" && tree.kids(x, "mark").any(|m| tree.lower(m) == "to")
        });
        let object_words: Vec<String> = object_heads
            .iter()
            .flat_map(|&o| noun_words(tree, o))
            .chain(infinitives.map(|x| tree.lemma(x)))
            .collect();
        let oblique_words: Vec<String> = clause
            .obliques
            .iter()
            .flat_map(|&(_, o)| noun_words(tree, o))
            .collect();
        let preps: Vec<&str> = clause
            .obliques
            .iter()
            .map(|(case, _)| case.as_str())
            .collect();
        let unreal = matches!(clause.mood, Mood::Future | Mood::Modal | Mood::Conditional);
        let verb_matches = |frame: &Frame| {
            frame.verbs.iter().any(|v| verb_forms.contains(v))
                && (!frame.refused || clause.negated)
                && (!frame.promised || unreal)
        };
        let with_object = self.dictionary.frames.iter().find(|f| {
            !f.objects.is_empty()
                && verb_matches(f)
                && f.objects
                    .iter()
                    .any(|o| object_words.iter().any(|w| w == o))
        });
        // `called on Moscow to`, `withdrew from the treaty`; not `called it an assault on …`,
        // where the phrase belongs to the object.
        let with_prep = || {
            self.dictionary.frames.iter().find(|f| {
                f.objects.is_empty()
                    && object_heads.is_empty()
                    && f.preps.iter().any(|p| preps.contains(&p.as_str()))
                    && verb_matches(f)
            })
        };
        let bare = || {
            self.dictionary
                .frames
                .iter()
                .find(|f| f.objects.is_empty() && f.preps.is_empty() && verb_matches(f))
        };
        // A light verb carrying an event noun: `ordered the expulsion of`, `held talks`,
        // `announced that a truce will take effect`.
        let noun = || -> Option<Meaning> {
            if !self.dictionary.light_verbs.contains(&lemma) {
                return None;
            }
            let onsets = tree
                .kids(clause.verb, "ccomp")
                .filter(|&c| is_onset(tree, c))
                .flat_map(|c| tree.kids(c, "nsubj").collect::<Vec<_>>());
            // `cast Russia's invasion as a battle`: a named owner's deed, characterised.
            let characterised = tree
                .kids(clause.verb, "obl")
                .any(|c| tree.kids(c, "case").any(|k| tree.lemma(k) == "as"));
            let carried: Vec<usize> = object_heads.iter().copied().chain(onsets).collect();
            carried.into_iter().find_map(|o| {
                let named_owner = tree
                    .kids(o, "nmod")
                    .any(|p| tree.deprel(p) == "nmod:poss" && tree.upos(p) == "PROPN");
                if characterised && named_owner {
                    return None;
                }
                let noun = tree.lemma(o);
                let modifiers = noun_words(tree, o);
                // `announced a halt | to visa operations`: the phrase the parser hung on the
                // verb is the noun's.
                let words: Vec<String> = std::iter::once(o)
                    .chain(trailing_phrases(tree, o))
                    .flat_map(|t| phrase_words(tree, t))
                    .collect();
                self.dictionary
                    .nouns
                    .iter()
                    .find(|n| {
                        (n.nouns.contains(&noun)
                            || n.nouns
                                .iter()
                                .any(|w| modifiers.contains(w) && w.contains(' ')))
                            && (n.objects.is_empty() || n.objects.iter().any(|w| words.contains(w)))
                    })
                    .map(|n| Meaning {
                        event_noun: Some(o),
                        ..Meaning::new(
                            n.action.clone(),
                            EventKind::Action,
                            format!("light verb `{lemma}` + event noun `{noun}` → {}", n.action),
                        )
                    })
            })
        };
        if let Some(frame) = with_object {
            return Some(frame_meaning(frame, &lemma, Some(&object_words)));
        }
        if let Some(meaning) = self.demand_to_stop(tree, clause, &lemma) {
            return Some(meaning);
        }
        // `agreed on a deal`, `voted for the resolution`: the phrase stands for the object.
        if let Some(frame) = self.dictionary.frames.iter().find(|f| {
            !f.objects.is_empty()
                && verb_matches(f)
                && f.objects
                    .iter()
                    .any(|o| oblique_words.iter().any(|w| w == o))
        }) {
            return Some(frame_meaning(frame, &lemma, Some(&oblique_words)));
        }
        if let Some(meaning) = noun() {
            return Some(meaning);
        }
        with_prep()
            .or_else(bare)
            .map(|frame| frame_meaning(frame, &lemma, None))
    }

    /// `declined to comment`, `refused to say`: a refusal to speak rejects nothing.
    fn is_non_answer(&self, tree: &Tree, clause: &Clause, lemma: &str) -> bool {
        self.dictionary.control.negating.iter().any(|v| v == lemma)
            && tree
                .kids(clause.verb, "xcomp")
                .any(|x| self.dictionary.speech.contains(&tree.lemma(x)))
    }

    /// Whether the clause is a deed, a statement of intent, an allegation in someone's mouth, or
    /// nothing to code: its own mood, then each word it hangs from up to the root (a clause
    /// under `if`, under `refused to`, under `ready to`, in what someone says).
    fn reading(&self, scope: &Scope, clause: &Clause, meaning: &Meaning) -> Reading {
        let tree = scope.tree;
        if is_standing_description(tree, clause.verb) {
            return Reading::Not("a standing state told of its noun".into());
        }
        let mood = if self.reported_future(tree, clause) {
            Mood::Future
        } else {
            clause.mood
        };
        // A hedged or denied clause is not a deed, but it may still be someone's allegation
        // ("said Moscow might be supplying …") or a side's restraint ("would not expel").
        // `will impose sanctions if Russia invades`: a step promised on a condition is its
        // actor's threat (or promise), not a deed and not nothing; so is a hostile step a side
        // says it may take (`Lavrov said Russia could take painful measures`).
        let commits = !clause.negated && !clause.obliged;
        let conditional_commitment = commits
            && has_condition(tree, clause.verb)
            && matches!(mood, Mood::Future | Mood::Modal);
        let step_it_may_take = commits
            && mood == Mood::Modal
            && has_possibility(tree, clause.verb)
            && intensity(&meaning.action) < 0.0
            && !is_verbal(&meaning.action)
            && self.speaks_of_itself(scope, clause);
        let promised = conditional_commitment || step_it_may_take;
        let unreal = if clause.negated {
            Some("negated")
        } else if promised {
            None
        } else {
            match mood {
                Mood::Conditional => Some("conditional"),
                Mood::Modal => Some("modal (would, could, should…)"),
                _ => None,
            }
        };
        let mut reading = match mood {
            Mood::Future | Mood::Intended => Reading::Intent,
            _ => Reading::Deed,
        };
        if let Some(allegation) = self.according_to(scope, clause) {
            return hedge(allegation, unreal);
        }
        let mut child = clause.verb;
        let mut steps = 0;
        // Wanting and planning reach down a chain of infinitives only: `wants to reverse …
        // following success in getting China to ban` does not make the ban a wish.
        let mut direct = true;
        if promised {
            reading = Reading::Intent;
        }
        loop {
            if has_condition(tree, child) && !(conditional_commitment && child == clause.verb) {
                return Reading::Not("the consequence of a condition".into());
            }
            if let Some(speech) = self.parenthetical_speech(tree, child)
                && let Some(turned) = self.reported(scope, clause, speech, &mut reading)
            {
                return hedge(turned, unreal);
            }
            // A complement the clause reader re-attached (a misparse) hangs from its verb.
            let complement_of = scope
                .clauses
                .iter()
                .find(|c| c.verb == child)
                .and_then(|c| c.governor)
                .filter(|&(g, link)| link == Link::Complement && Some(g) != tree.head(child))
                .map(|(g, _)| g);
            let Some(head) = complement_of.or_else(|| tree.head(child)) else {
                break;
            };
            steps += 1;
            if steps > 12 {
                break;
            }
            let lemma = tree.lemma(head);
            let that_clause = tree.kids(child, "mark").any(|m| tree.lower(m) == "that");
            let rel = match tree.rel(child) {
                _ if complement_of.is_some() => "ccomp",
                "advcl" | "acl" | "parataxis" if that_clause && tree.upos(head) == "VERB" => {
                    "ccomp"
                }
                rel => rel,
            };
            let control = &self.dictionary.control;
            // `did not cite reasons, blaming Washington`: a participle set off by a comma is
            // not under the negation.
            let set_off = rel == "advcl"
                && tree.xpos(child) == "VBG"
                && (head + 1..child).any(|t| tree.lower(t) == ",");
            if let Some(g) = scope.clause_at(head) {
                if rel != "conj" && g.negated && !set_off {
                    return Reading::Not(format!("under negated `{lemma}`"));
                }
                if rel != "conj" && matches!(g.mood, Mood::Conditional | Mood::Modal) {
                    return Reading::Not(format!("under `{lemma}`, not a fact"));
                }
                if rel != "conj" && matches!(g.mood, Mood::Future) && rel == "xcomp" {
                    reading = Reading::Intent;
                }
            }
            // `approved a plan to send`: the approval makes the plan a deed, or an intent.
            let approved = self.approver_of_plan(scope, child);
            match approved.map(|approver| approver.mood) {
                Some(Mood::Fact) => reading = Reading::Deed,
                Some(Mood::Future | Mood::Intended) => reading = Reading::Intent,
                _ => {}
            }
            if matches!(rel, "acl" | "nmod")
                && tree.upos(head) == "NOUN"
                && self.dictionary.hypothetical_nouns.contains(&lemma)
                && approved.is_none()
            {
                return Reading::Not(format!("only a `{lemma}`"));
            }
            match rel {
                "xcomp" | "advcl" | "acl" | "obl" | "nmod" | "obj" => {
                    if control.negating.contains(&lemma) || has_short(tree, head) {
                        return Reading::Not(format!("under `{lemma}`"));
                    }
                    let wanted = rel == "xcomp" && control.intent.contains(&lemma);
                    if wanted
                        && let Some(asking) = scope.clause_at(head)
                        && asks_of_another(tree, asking)
                    {
                        return Reading::Not(format!("asked of another by `{lemma}`"));
                    }
                    if wanted && direct {
                        reading = Reading::Intent;
                    }
                    if !wanted && self.is_statement_verb(&lemma) && matches!(rel, "xcomp" | "advcl")
                    {
                        return Reading::Not(format!(
                            "content of `{lemma}`, coded as its statement"
                        ));
                    }
                }
                "ccomp" | "csubj" => {
                    if self.dictionary.speech.contains(&lemma) || self.is_statement_verb(&lemma) {
                        if let Some(turned) = self.reported(scope, clause, head, &mut reading) {
                            return hedge(turned, unreal);
                        }
                    } else {
                        // "concerned that B will invade", "believes that …": not a fact.
                        return Reading::Not(format!("content of `{lemma}`"));
                    }
                }
                _ => {}
            }
            direct &= matches!(rel, "xcomp" | "conj");
            child = head;
        }
        match unreal {
            None => reading,
            Some(_) if clause.negated && matches!(clause.mood, Mood::Modal | Mood::Future) => {
                Reading::Restraint
            }
            Some(_) if matches!(reading, Reading::Denial) => Reading::Denial,
            Some(why) => Reading::Not(why.into()),
        }
    }

    /// `Russia began testing the missiles in 2008, according to U.S. officials`: a side's
    /// account of the other side's deed is its allegation.
    /// `announced that the United States would impose sanctions`: `would` after a past verb
    /// of saying is the `will` of what was said, not a condition.
    fn reported_future(&self, tree: &Tree, clause: &Clause) -> bool {
        let modals: Vec<String> = tree
            .kids(clause.verb, "aux")
            .map(|a| tree.lower(a))
            .filter(|a| !matches!(a.as_str(), "be" | "have" | "been" | "not"))
            .collect();
        let only_would = clause.mood == Mood::Modal
            && modals.iter().all(|m| m == "would" || m == "'d")
            && !modals.is_empty();
        let Some((speech, Link::Complement | Link::Parenthetical)) = clause.governor else {
            return false;
        };
        only_would
            && !has_condition(tree, clause.verb)
            && tree.xpos(speech) == "VBD"
            && (self.dictionary.speech.contains(&tree.lemma(speech))
                || self.is_statement_verb(&tree.lemma(speech)))
    }

    fn according_to(&self, scope: &Scope, clause: &Clause) -> Option<Reading> {
        // On the clause, or on the verb whose infinitive it is (`began testing …, according to`).
        let governors = std::iter::successors(Some(clause), |c| match c.governor {
            Some((g, Link::Control)) => scope.clause_at(g),
            _ => None,
        });
        let source = governors.take(3).find_map(|c| {
            c.obliques
                .iter()
                .find_map(|(case, head)| case.starts_with("accord").then_some(*head))
        })?;
        let speaker = self
            .party(scope, source)
            .filter(|p| !p.both && self.sides.contains(&p.code))?;
        let actor = clause
            .subjects
            .iter()
            .find_map(|&s| self.party(scope, s))
            .filter(|a| !a.both)?;
        (actor.code != speaker.code).then(|| Reading::Allegation {
            speaker,
            verb: "according to".into(),
            at: None,
        })
    }

    /// `…, officials said`: a speech verb set beside the clause, after it.
    fn parenthetical_speech(&self, tree: &Tree, verb: usize) -> Option<usize> {
        tree.kids(verb, "parataxis").find(|&p| {
            p > verb
                && tree.upos(p) == "VERB"
                && self.dictionary.speech.contains(&tree.lemma(p))
                && tree.kids(p, "nsubj").next().is_some()
        })
    }

    /// A clause in what `speech`'s subject says: the speaker's own side's deed stays a deed (an
    /// announced decision too); another party's deed becomes the speaker's allegation; the
    /// content of an accusation or a warning is coded as that statement, not here.
    fn reported(
        &self,
        scope: &Scope,
        clause: &Clause,
        speech: usize,
        reading: &mut Reading,
    ) -> Option<Reading> {
        let tree = scope.tree;
        let lemma = tree.lemma(speech);
        let governing = scope.clause_at(speech)?;
        if governing.negated || matches!(governing.mood, Mood::Conditional | Mood::Modal) {
            return Some(Reading::Not(format!("under negated or modal `{lemma}`")));
        }
        if self.is_statement_verb(&lemma) {
            return Some(Reading::Not(format!(
                "content of `{lemma}`, coded as its statement"
            )));
        }
        let speaker = governing
            .subjects
            .iter()
            .find_map(|&s| self.party(scope, s));
        let actor = clause.subjects.iter().find_map(|&s| {
            if tree.upos(s) == "PRON" {
                return speaker.clone();
            }
            self.party(scope, s)
        });
        match (speaker, actor) {
            (Some(speaker), Some(actor))
                if speaker.code != actor.code
                    && self.sides.contains(&speaker.code)
                    && !actor.both =>
            {
                Some(Reading::Allegation {
                    speaker,
                    verb: lemma,
                    at: Some(speech),
                })
            }
            (speaker, actor) => {
                let own_side = speaker
                    .zip(actor)
                    .is_some_and(|(s, a)| s.code == a.code && self.sides.contains(&s.code));
                // `did not attack`, not `is not withdrawing yet` (a stance, not a denial).
                let done = scope.tree.xpos(clause.verb) != "VBG";
                if own_side && done && clause.negated && clause.mood == Mood::Fact {
                    *reading = Reading::Denial;
                } else if matches!(reading, Reading::Intent)
                    && announces(&lemma)
                    && !has_condition(tree, clause.verb)
                    && !has_possibility(tree, clause.verb)
                {
                    *reading = Reading::Deed;
                }
                None
            }
        }
    }

    /// `said Russia postponed the talks`, `had expelled`: a step taken, not one to come.
    fn is_open_step_taken(&self, tree: &Tree, clause: &Clause) -> bool {
        matches!(tree.xpos(clause.verb), "VBD" | "VBN")
            && !clause.passive
            && self
                .dictionary
                .open_steps
                .contains(&tree.lemma(clause.verb))
    }

    /// `approved a plan to send weapons`, `signed off on a decision to send`: the clause of the
    /// approving verb whose object is the plan the infinitive `verb` is the content of.
    fn approver_of_plan<'s>(&self, scope: &'s Scope, verb: usize) -> Option<&'s Clause> {
        let tree = scope.tree;
        let plan = tree.head(verb).filter(|&n| tree.upos(n) == "NOUN")?;
        let infinitive =
            tree.rel(verb) == "acl" && tree.kids(verb, "mark").any(|m| tree.lower(m) == "to");
        let approving = tree
            .head(plan)
            .filter(|_| matches!(tree.rel(plan), "obj" | "obl"))?;
        let approver = scope.clause_at(approving)?;
        (infinitive
            && self
                .dictionary
                .control
                .approving
                .contains(&phrasal_lemma(tree, approver)))
        .then_some(approver)
    }

    fn is_statement_verb(&self, lemma: &str) -> bool {
        self.dictionary.frames.iter().any(|f| {
            f.kind == EventKind::Statement
                && f.objects.is_empty()
                && f.verbs.iter().any(|v| v == lemma)
        }) || matches!(lemma, "warn" | "threaten" | "demand" | "accuse")
    }

    /// Who acts: the clause's agent, or for an ordering governor (`ordered B to close`) the
    /// governor's subject.
    fn actors(&self, scope: &Scope, clause: &Clause, reading: &Reading) -> Vec<(usize, Party)> {
        let tree = scope.tree;
        let mut heads: Vec<usize> = if clause.passive {
            clause.agents.clone()
        } else {
            clause.subjects.clone()
        };
        let to_infinitive = tree
            .kids(clause.verb, "mark")
            .any(|m| tree.lower(m) == "to");
        if let Some((governor, link)) = clause.governor
            && (link == Link::Control || link == Link::Adverbial && to_infinitive)
        {
            let lemma = tree.lemma(governor);
            if self.dictionary.control.ordering.contains(&lemma)
                && let Some(g) = scope.clause_at(governor)
            {
                heads = if g.passive {
                    g.agents.clone()
                } else {
                    g.subjects.clone()
                };
            } else if let Some(g) = scope.clause_at(governor)
                && !g.objects.is_empty()
                && clause.subjects == g.subjects
                && !matches!(reading, Reading::Allegation { .. })
                // `phoned Putin to offer help`: an infinitive of purpose is the subject's.
                && (link == Link::Control || self.makes_another_act(&lemma))
            {
                // Object control: `getting China to ban` — China bans.
                heads = g.objects.clone();
            }
        }
        if heads.is_empty()
            && let Some(approver) = self.approver_of_plan(scope, clause.verb)
        {
            heads = approver.subjects.clone();
        }
        if heads.is_empty() && !clause.passive && clause.governor.is_none() {
            // A misparse left the verb without a subject: the name just before it, if nothing
            // but modifiers stands between (`The two Cold War foes also maintain …`).
            heads.extend(self.name_just_before(scope, clause.verb));
        }
        // "Russia said it was suspending …": the pronoun is the speaker.
        let speaker = self.governing_subject(scope, clause);
        // `Kerry and Lavrov, who met …`: a relative pronoun stands for every noun of its
        // antecedent's coordination.
        let heads: Vec<usize> = heads
            .into_iter()
            .flat_map(|head| match tree.head(clause.verb) {
                Some(noun) if is_relative(tree, head) && tree.with_conjuncts(noun).len() > 1 => {
                    tree.with_conjuncts(noun)
                }
                _ => vec![head],
            })
            .flat_map(|head| self.coordinated_owners(scope, head).unwrap_or(vec![head]))
            .collect();
        let mut parties: Vec<(usize, Party)> = Vec::new();
        for head in heads {
            let party = match &speaker {
                _ if is_relative(tree, head) => self.antecedent(scope, clause.verb),
                // `…, the department will not tolerate …, spokesman Miller said`
                Some(speaker)
                    if tree.upos(head) == "PRON" || self.is_unnamed_institution(tree, head) =>
                {
                    Some(speaker.clone())
                }
                _ => self.party(scope, head),
            };
            if let Some(party) = party
                && !parties.iter().any(|(_, p)| p.code == party.code)
            {
                parties.push((head, party));
            }
        }
        parties
    }

    /// `US and Russian military leaders met`: a noun whose owner is coordinated with the other
    /// side's stands for both sides; the owners, when they name both.
    fn coordinated_owners(&self, scope: &Scope, noun: usize) -> Option<Vec<usize>> {
        let tree = scope.tree;
        let owning = |n: usize| {
            tree.children(n)
                .iter()
                .copied()
                .filter(|&c| matches!(tree.deprel(c), "amod" | "compound" | "nmod:poss"))
                .collect::<Vec<_>>()
        };
        // `US and Russian army chiefs`: the owner may own the noun's compound.
        let owner = owning(noun)
            .into_iter()
            .flat_map(|c| std::iter::once(c).chain(owning(c)))
            .find(|&c| tree.with_conjuncts(c).len() > 1)?;
        let mut owners = tree.with_conjuncts(owner);
        owners.sort_unstable();
        let codes: Vec<String> = owners
            .iter()
            .filter_map(|&o| self.party(scope, o))
            .map(|p| p.code)
            .collect();
        let both_sides = self.sides.iter().all(|side| codes.contains(side));
        both_sides.then_some(owners)
    }

    /// `Moscow's recent boost in trade with North Korea`: an event noun whose possessor is a
    /// party, told as recent (`recent`, `new`, `latest`) or dated by its own time; the
    /// possessor acts. An event noun without either is background with no date. `New US
    /// sanctions against Russia will take effect on August 19`: an event noun coming into
    /// force is its owner's step, taken when reported.
    fn read_possessed_events(&mut self, scope: &Scope) -> Vec<Found> {
        let tree = scope.tree;
        let mut out = Vec::new();
        // `the second round of US sanctions … will take effect`: the measured noun comes in.
        let coming_in: Vec<usize> = (0..tree.len())
            .filter(|&verb| is_onset(tree, verb))
            .flat_map(|verb| {
                tree.kids(verb, "nsubj")
                    .map(|s| measured(tree, s))
                    .collect::<Vec<_>>()
            })
            .collect();
        for noun in 0..tree.len() {
            if tree.upos(noun) != "NOUN" {
                continue;
            }
            let coming_into_force = coming_in.contains(&noun);
            let possessor = tree
                .kids(noun, "nmod")
                .find(|&c| tree.deprel(c) == "nmod:poss")
                .or_else(|| {
                    // `US sanctions`, `American sanctions`
                    coming_into_force
                        .then(|| {
                            tree.children(noun).iter().copied().find(|&c| {
                                matches!(tree.deprel(c), "compound" | "amod")
                                    && self.party(scope, c).is_some()
                            })
                        })
                        .flatten()
                });
            let Some(possessor) = possessor else {
                continue;
            };
            let lemma = tree.lemma(noun);
            let trailing = trailing_phrases(tree, noun);
            let words: Vec<String> = std::iter::once(noun)
                .chain(trailing.iter().copied())
                .flat_map(|t| phrase_words(tree, t))
                .collect();
            let Some(frame) = self.dictionary.nouns.iter().find(|n| {
                n.nouns.contains(&lemma)
                    && (n.objects.is_empty() || n.objects.iter().any(|w| words.contains(w)))
            }) else {
                continue;
            };
            let recent = tree.children(noun).iter().any(|&c| {
                matches!(
                    tree.lemma(c).as_str(),
                    "recent" | "new" | "latest" | "ongoing" | "continuing" | "growing" | "current"
                )
            });
            let times: Vec<usize> = tree
                .children(noun)
                .iter()
                .copied()
                .filter(|&c| is_time_phrase(tree, c))
                .collect();
            if !recent
                && times.is_empty()
                && !just_before_the_present(tree, noun)
                && !coming_into_force
            {
                continue;
            }
            let Some(actor) = self.party(scope, possessor) else {
                continue;
            };
            let clause = Clause {
                times,
                ..Clause::with_subject(noun, Some(possessor))
            };
            let meaning = Meaning {
                // "Russia's annexation of Crimea" is done to Crimea, not to the other side.
                needs_target: frame.action != "expel_diplomats",
                event_noun: Some(noun),
                ..Meaning::new(
                    frame.action.clone(),
                    EventKind::Action,
                    format!("event noun `{lemma}` with its possessor → {}", frame.action),
                )
            };
            let mut targets = self.targets(scope, &clause, &meaning);
            for &phrase in &trailing {
                for party in self.trailing_parties(scope, phrase) {
                    if !targets.iter().any(|(p, _)| p.code == party.code) {
                        targets.push((party, "a phrase after the event noun"));
                    }
                }
            }
            let explanation = vec![
                format!("noun phrase: {}", tree.text(&tree.phrase(noun))),
                meaning.entry.clone(),
            ];
            out.extend(self.events(
                scope,
                &clause,
                &[(possessor, actor)],
                targets,
                &frame.action,
                EventKind::Action,
                &meaning,
                explanation,
            ));
        }
        out
    }

    /// `his call with Putin`, `Lavrov's meeting with Kerry`, `spoke in a conversation with
    /// Blinken`: a meeting noun whose owner (possessor, or the subject of the clause it is in)
    /// and whose `with` party are the two sides is their joint meeting, unless only planned.
    fn read_meetings_with(&mut self, scope: &Scope) -> Vec<Found> {
        let tree = scope.tree;
        let mut out = Vec::new();
        for noun in 0..tree.len() {
            let lemma = tree.lemma(noun);
            if tree.upos(noun) != "NOUN"
                || !self
                    .dictionary
                    .nouns
                    .iter()
                    .any(|n| n.action == "consult" && n.nouns.contains(&lemma))
            {
                continue;
            }
            let side = |t: usize| {
                self.party(scope, t)
                    .filter(|p| !p.both && self.sides.contains(&p.code))
            };
            let in_clause = scope.clauses.iter().find(|c| {
                c.objects.contains(&noun)
                    || c.obliques.iter().any(|(_, o)| *o == noun)
                    // `in a 90-minute call on Saturday` reads as a time.
                    || c.times.contains(&noun)
            });
            let named_with = tree
                .kids(noun, "nmod")
                .filter(|&c| tree.kids(c, "case").any(|k| tree.lemma(k) == "with"))
                .find_map(|c| side(c).map(|p| (c, p)));
            // `In a 90-minute phone call, Obama expressed concern over Russia's …`: what was
            // said in a call with the other side, whom the sentence names, says the call was.
            let said_in = || {
                let clause = in_clause?;
                // A meeting may be with anyone; a call in the news of the dyad is its sides',
                // and so is `their meeting`.
                let theirs = tree
                    .kids(noun, "nmod")
                    .any(|c| tree.deprel(c) == "nmod:poss" && tree.lower(c) == "their");
                let setting = (matches!(lemma.as_str(), "call" | "conversation") || theirs)
                    && tree
                        .kids(noun, "case")
                        .any(|k| matches!(tree.lemma(k).as_str(), "in" | "during"));
                let speaker = clause.subjects.iter().find_map(|&s| side(s))?;
                let other = self.other_side(&speaker.code)?;
                let named = scope.names.values().any(|(code, _)| *code == other);
                (setting
                    && named
                    && !tree
                        .kids(noun, "nmod")
                        .any(|c| tree.kids(c, "case").any(|k| tree.lemma(k) == "with")))
                .then_some((
                    noun,
                    Party {
                        code: other,
                        how: "the other side, whom the sentence names",
                        both: false,
                    },
                ))
            };
            let Some((with, other)) = named_with.or_else(said_in) else {
                continue;
            };
            let owner = tree
                .kids(noun, "nmod")
                .find(|&c| tree.deprel(c) == "nmod:poss")
                .or_else(|| in_clause.and_then(|c| c.subjects.first().copied()))
                // `Kerry was in Geneva meeting with Lavrov`: the copular predicate's subject.
                .or_else(|| {
                    tree.head(noun)
                        .filter(|&h| tree.kids(h, "cop").next().is_some())
                        .and_then(|h| tree.kids(h, "nsubj").next())
                });
            let Some((owner, own)) = owner.and_then(|o| side(o).map(|p| (o, p))) else {
                continue;
            };
            let only_planned = tree
                .children(noun)
                .iter()
                .any(|&c| NOT_HELD.contains(&tree.lower(c).as_str()));
            // `suspended negotiations with Russia`, `would not hold a meeting with`: no meeting.
            let undone = in_clause.is_some_and(|c| {
                c.negated
                    || c.mood != Mood::Fact
                    || (c.objects.contains(&noun)
                        && self
                            .meaning(scope, c)
                            .is_some_and(|m| intensity(&m.action) < 0.0))
            });
            if own.code == other.code || only_planned || undone {
                continue;
            }
            let leaders = [owner, with].iter().all(|&t| {
                let word = tree.lower(t);
                self.dictionary
                    .leaders
                    .iter()
                    .any(|(_, name)| name.last() == Some(&word))
            });
            // Leaders meeting hold a summit; a phone call between them is a consultation.
            let face_to_face = matches!(lemma.as_str(), "meeting" | "summit" | "talks" | "talk");
            let action = if leaders && face_to_face {
                "hold_summit"
            } else {
                "consult"
            };
            let mut times: Vec<usize> = tree
                .children(noun)
                .iter()
                .copied()
                .filter(|&c| is_time_phrase(tree, c))
                .collect();
            if times.is_empty()
                && let Some(c) = in_clause
            {
                times = c.times.clone();
            }
            let clause = Clause {
                times,
                ..Clause::with_subject(noun, Some(owner))
            };
            let meaning = Meaning {
                event_noun: Some(noun),
                ..Meaning::new(
                    action,
                    EventKind::Action,
                    format!(
                        "meeting noun `{lemma}` with `with` {} → {action}",
                        other.code
                    ),
                )
            };
            let explanation = vec![
                format!("noun phrase: {}", tree.text(&tree.phrase(noun))),
                meaning.entry.clone(),
            ];
            let found = self.events(
                scope,
                &clause,
                &[(owner, own), (with, other)],
                Vec::new(),
                action,
                EventKind::Action,
                &meaning,
                explanation,
            );
            out.extend(found.into_iter().filter(|f| f.date <= self.reference));
        }
        out
    }

    /// `Russia's move drew harsh criticism from Haley`: the answer a deed brings on is its
    /// answerer's statement toward the doer.
    fn read_reactions(&mut self, scope: &Scope) -> Vec<Found> {
        let tree = scope.tree;
        let reactions = &self.dictionary.reactions;
        let mut out = Vec::new();
        for clause in scope.clauses {
            if clause.negated
                || clause.mood != Mood::Fact
                || !reactions.verbs.contains(&tree.lemma(clause.verb))
            {
                continue;
            }
            for &answer in &clause.objects {
                let lemma = tree.lemma(answer);
                let Some(frame) = reactions.answers.iter().find(|f| f.nouns.contains(&lemma))
                else {
                    continue;
                };
                let answerers = self.answerers(scope, clause, answer);
                let doers: Vec<(Party, &'static str)> = clause
                    .subjects
                    .iter()
                    .filter_map(|&s| self.subject_party(scope, clause, s))
                    .map(|p| (p, "the one whose deed drew the answer"))
                    .collect();
                if answerers.is_empty() || doers.is_empty() {
                    continue;
                }
                // What the answer is about is the deed, not who answers (`from the ambassador`).
                let deed_words: Vec<String> = clause
                    .subjects
                    .iter()
                    .flat_map(|&s| tree.phrase(s))
                    .map(|t| tree.lower(t))
                    .collect();
                let meaning = Meaning {
                    issue: self
                        .issue_of(&deed_words)
                        .or_else(|| self.context.topic.clone()),
                    ..Meaning::new(
                        frame.action.clone(),
                        EventKind::Statement,
                        format!(
                            "reaction `{}` + `{lemma}` → {}",
                            tree.lemma(clause.verb),
                            frame.action
                        ),
                    )
                };
                let explanation = vec![
                    format!("clause: {}", tree.text(&tree.phrase(clause.verb))),
                    meaning.entry.clone(),
                ];
                out.extend(self.events(
                    scope,
                    clause,
                    &answerers,
                    doers,
                    &frame.action,
                    EventKind::Statement,
                    &meaning,
                    explanation,
                ));
            }
        }
        out
    }

    /// The sides an answer comes `from`: the parser hangs the phrase on the noun or the verb.
    fn answerers(&self, scope: &Scope, clause: &Clause, answer: usize) -> Vec<(usize, Party)> {
        let tree = scope.tree;
        let from = |head: usize, rel: &str| {
            tree.kids(head, rel)
                .filter(|&c| tree.kids(c, "case").any(|k| tree.lemma(k) == "from"))
                .collect::<Vec<_>>()
        };
        from(answer, "nmod")
            .into_iter()
            .chain(from(clause.verb, "obl"))
            .flat_map(|h| tree.with_conjuncts(h))
            .filter_map(|h| {
                self.party(scope, h)
                    .filter(|p| self.sides.contains(&p.code))
                    .map(|p| (h, p))
            })
            .collect()
    }

    /// `U.S.-Russia talks`, `the Trump-Putin meeting`: a meeting noun after a hyphenated pair
    /// naming both sides is their joint meeting (a summit when both are leaders), unless it is
    /// only planned or possible. Headlines put it so, and the parser reads headlines poorly.
    fn read_paired_meetings(&mut self, scope: &Scope) -> Vec<Found> {
        let tree = scope.tree;
        let mut out = Vec::new();
        for noun in 3..tree.len() {
            let lemma = tree.lemma(noun);
            let Some(frame) = self.dictionary.nouns.iter().find(|n| {
                matches!(n.action.as_str(), "consult" | "hold_summit") && n.nouns.contains(&lemma)
            }) else {
                continue;
            };
            let (first, second) = (noun - 3, noun - 1);
            if !matches!(tree.lower(noun - 2).as_str(), "-" | "–" | "—") {
                continue;
            }
            let side = |t: usize| {
                scope
                    .names
                    .get(&t)
                    .and_then(|(code, kind)| self.party_of_name(code, *kind))
                    .filter(|p| !p.both && self.sides.contains(&p.code))
            };
            let (Some(a), Some(b)) = (side(first), side(second)) else {
                continue;
            };
            // Before a pair, `prospective`, `previous` and `last` also say the talks are not
            // the news (`the last U.S.-Russia talks`).
            let hypothetical = (first.saturating_sub(2)..first).any(|t| {
                let word = tree.lower(t);
                NOT_HELD.contains(&word.as_str())
                    || matches!(word.as_str(), "prospective" | "previous" | "last")
            });
            if a.code == b.code || hypothetical {
                continue;
            }
            let leaders = [first, second].iter().all(|&t| {
                let word = tree.lower(t);
                self.dictionary
                    .leaders
                    .iter()
                    .any(|(_, name)| name.len() == 1 && name[0] == word)
            });
            let action = if leaders {
                "hold_summit"
            } else {
                frame.action.as_str()
            }
            .to_string();
            let times = tree
                .head(noun)
                .and_then(|h| scope.clause_at(h))
                .map(|c| c.times.clone())
                .unwrap_or_default();
            let clause = Clause {
                times,
                ..Clause::with_subject(noun, None)
            };
            let meaning = Meaning {
                event_noun: Some(noun),
                ..Meaning::new(
                    action.clone(),
                    EventKind::Action,
                    format!(
                        "`{}-{}` + meeting noun `{lemma}` → {action}",
                        a.code, b.code
                    ),
                )
            };
            let explanation = vec![
                format!("noun phrase: {}", tree.text(&tree.phrase(noun))),
                meaning.entry.clone(),
            ];
            out.extend(self.events(
                scope,
                &clause,
                &[(first, a), (second, b)],
                Vec::new(),
                &action,
                EventKind::Action,
                &meaning,
                explanation,
            ));
        }
        out
    }

    /// `Washington is ready to find common ground`, `Moscow is open to contacts`: a side's
    /// stated readiness is its intent, to cooperate or (`ready to retaliate`) to strike back.
    fn read_readiness(&mut self, scope: &Scope) -> Vec<Found> {
        let tree = scope.tree;
        let mut out = Vec::new();
        for adjective in 0..tree.len() {
            // `stands ready to`, `remains committed to`: a verb of staying links it as `is` does.
            let staying = (tree.rel(adjective) == "xcomp")
                .then(|| tree.head(adjective))
                .flatten()
                .filter(|&verb| matches!(tree.lemma(verb).as_str(), "stand" | "remain" | "stay"));
            let ready = tree.upos(adjective) == "ADJ"
                && matches!(
                    tree.lemma(adjective).as_str(),
                    "ready" | "willing" | "prepared" | "open" | "eager" | "committed"
                )
                && (tree.kids(adjective, "cop").next().is_some() || staying.is_some())
                && tree
                    .kids(adjective, "advmod")
                    .chain(staying.into_iter().flat_map(|v| tree.kids(v, "advmod")))
                    .all(|a| !matches!(tree.lower(a).as_str(), "not" | "n't" | "never"));
            if !ready {
                continue;
            }
            let Some(subject) = tree
                .kids(adjective, "nsubj")
                .chain(staying.into_iter().flat_map(|v| tree.kids(v, "nsubj")))
                .next()
            else {
                continue;
            };
            let Some(actor) = self.party(scope, subject) else {
                continue;
            };
            let what = tree
                .children(adjective)
                .iter()
                .copied()
                .find(|&c| matches!(tree.rel(c), "xcomp" | "obl" | "advcl"));
            let hostile = what.is_some_and(|w| {
                let clause = scope.clause_at(w);
                clause
                    .and_then(|c| self.meaning(scope, c))
                    .is_some_and(|m| intensity(&m.action) < 0.0)
            });
            let action = if hostile {
                "threaten"
            } else {
                "intend_to_cooperate"
            };
            // Readiness looks ahead like `will`: on a condition (`willing to extend the treaty
            // if …`) it is still the offer, or the threat, of its speaker.
            let clause = Clause {
                governor: tree.head(adjective).map(|h| (h, Link::Complement)),
                mood: Mood::Future,
                ..Clause::with_subject(adjective, Some(subject))
            };
            let meaning = Meaning::new(
                action.to_string(),
                EventKind::Statement,
                format!("`{}` to …: readiness → {action}", tree.lemma(adjective)),
            );
            if matches!(self.reading(scope, &clause, &meaning), Reading::Not(_)) {
                continue;
            }
            let explanation = vec![format!(
                "readiness: {}",
                tree.text(&tree.subtree(adjective))
            )];
            out.extend(self.events(
                scope,
                &clause,
                &[(subject, actor)],
                Vec::new(),
                action,
                EventKind::Statement,
                &meaning,
                explanation,
            ));
        }
        out
    }

    /// The parties a trailing phrase names through its own `with`, `against`, `to` phrases
    /// (`in trade with North Korea`).
    fn trailing_parties(&self, scope: &Scope, phrase: usize) -> Vec<Party> {
        let tree = scope.tree;
        let mut found: Vec<Party> = Vec::new();
        for &c in std::iter::once(&phrase).chain(tree.children(phrase)) {
            let partnered = tree.kids(c, "case").any(|k| {
                matches!(
                    tree.lemma(k).as_str(),
                    "with" | "against" | "to" | "toward" | "towards"
                )
            });
            if partnered
                && let Some(party) = self.party(scope, c)
                && !found.iter().any(|p| p.code == party.code)
            {
                found.push(party);
            }
        }
        found
    }

    fn name_just_before(&self, scope: &Scope, verb: usize) -> Option<usize> {
        let tree = scope.tree;
        (verb.saturating_sub(6)..verb).rev().find(|&t| {
            // `Russia's planned action`: a possessor owns the noun, it does not act.
            let blocked = (t + 1..verb).any(|b| {
                matches!(tree.upos(b), "VERB" | "PUNCT" | "ADP" | "SCONJ" | "CCONJ")
                    || (tree.upos(b) == "PART" && tree.deprel(b) == "case")
            });
            !blocked && scope.names.contains_key(&t)
        })
    }

    /// The party a subject names: a relative pronoun's antecedent, or the subject's own.
    fn subject_party(&self, scope: &Scope, clause: &Clause, subject: usize) -> Option<Party> {
        if is_relative(scope.tree, subject) {
            self.antecedent(scope, clause.verb)
        } else {
            self.party(scope, subject)
        }
    }

    /// `Pompeo, who denounced …`: a relative clause's `who` is the noun it hangs from.
    fn antecedent(&self, scope: &Scope, verb: usize) -> Option<Party> {
        let tree = scope.tree;
        (tree.deprel(verb) == "acl:relcl")
            .then(|| tree.head(verb))
            .flatten()
            .and_then(|noun| self.party(scope, noun))
    }

    /// `an American reporter was detained`: a hostile deed done to one side, with no agent
    /// named, is taken as the other side's (with less confidence).
    fn unnamed_agent(
        &self,
        scope: &Scope,
        clause: &Clause,
        meaning: &Meaning,
    ) -> Vec<(usize, Party)> {
        // `The INF Treaty was signed in 1987 between the Soviet Union and the United States`,
        // `the deal, signed in 2000, …` between `both nuclear powers`: a joint act done by
        // the two sides the sentence names.
        if symmetric(&meaning.action) && meaning.action != "third_party_action" {
            let named = |side: &String| {
                scope.names.values().any(|(code, kind)| {
                    code == side
                        || *kind == MentionKind::Pair
                            && self.sides.iter().all(|s| self.context.nearby.contains(s))
                })
            };
            if self.sides.iter().all(named) {
                return self
                    .sides
                    .iter()
                    .map(|side| {
                        (
                            clause.verb,
                            Party {
                                code: side.clone(),
                                how: "a side the sentence names (a joint act with no agent)",
                                both: false,
                            },
                        )
                    })
                    .collect();
            }
            return Vec::new();
        }
        // `an American was detained`: by the state that holds them; but `a soldier was
        // killed` may be anyone's doing.
        let hostile_deed = meaning.kind == EventKind::Action
            && intensity(&meaning.action) < 0.0
            && !matches!(meaning.action.as_str(), "fight" | "assault" | "show_force");
        // `Two Americans were released`: by the side that held them.
        let released = meaning.action == "yield" && meaning.kind == EventKind::Action;
        if !hostile_deed && !released {
            return Vec::new();
        }
        // `was detained in France`: done where it happened, by a state that is neither side.
        let in_a_third_state = clause.obliques.iter().any(|(case, o)| {
            case == "in"
                && self
                    .party(scope, *o)
                    .is_some_and(|p| !self.sides.contains(&p.code))
        });
        if in_a_third_state {
            return Vec::new();
        }
        // `were released from Russia`: the side they leave released them.
        let holder = clause
            .obliques
            .iter()
            .filter(|(case, _)| released && case == "from")
            .find_map(|&(_, o)| self.party(scope, o));
        if let Some(holder) = holder {
            return vec![(
                clause.verb,
                Party {
                    how: "the side they were released from",
                    ..holder
                },
            )];
        }
        clause
            .subjects
            .iter()
            .find_map(|&s| {
                let done_to = self.subject_party(scope, clause, s)?;
                if self.done_at_home(scope, clause, &done_to.code) {
                    return None;
                }
                let other = self.other_side(&done_to.code)?;
                Some((
                    clause.verb,
                    Party {
                        code: other,
                        how: "the other side (a passive with no agent)",
                        both: false,
                    },
                ))
            })
            .into_iter()
            .collect()
    }

    /// `Navalny was arrested upon his return to Russia`: a deed done to someone in their own
    /// country is that country's own affair, not the other side's doing.
    fn done_at_home(&self, scope: &Scope, clause: &Clause, home: &str) -> bool {
        let tree = scope.tree;
        clause
            .obliques
            .iter()
            .flat_map(|&(_, o)| tree.subtree(o))
            .any(|t| {
                tree.kids(t, "case")
                    .any(|c| matches!(tree.lemma(c).as_str(), "in" | "to"))
                    && self.party(scope, t).is_some_and(|p| p.code == home)
            })
    }

    /// Whom it is done to, most likely first: the object (for a passive, the subject), the
    /// event noun's own modifiers, then `against`, `with`, `to` phrases; never a place or topic.
    fn targets(
        &self,
        scope: &Scope,
        clause: &Clause,
        meaning: &Meaning,
    ) -> Vec<(Party, &'static str)> {
        let tree = scope.tree;
        let mut heads: Vec<(usize, &'static str)> = Vec::new();
        if let Some((governor, Link::Control)) = clause.governor
            && self
                .dictionary
                .control
                .ordering
                .contains(&tree.lemma(governor))
            && let Some(g) = scope.clause_at(governor)
        {
            for &o in if g.passive { &g.subjects } else { &g.objects } {
                heads.push((o, "the one ordered"));
            }
        }
        if let Some(noun) = meaning.event_noun {
            // `an aid package for Ukraine`, `a package to support Ukraine`: whom aid serves.
            let serves = is_support(&meaning.action);
            for &c in tree.children(noun) {
                let case: Vec<String> = tree.kids(c, "case").map(|k| tree.lemma(k)).collect();
                let targetish = case.iter().any(|c| {
                    matches!(
                        c.as_str(),
                        "against" | "on" | "with" | "to" | "of" | "toward" | "towards" | "between"
                    ) || serves && c == "for"
                });
                if tree.rel(c) == "nmod" && targetish {
                    heads.push((c, "the event noun's object"));
                }
                if serves && tree.rel(c) == "acl" {
                    for served in tree.kids(c, "obj") {
                        heads.push((served, "whom the event noun serves"));
                    }
                }
                if matches!(tree.deprel(c), "amod" | "compound") {
                    heads.push((c, "the event noun's modifier"));
                }
            }
        }
        if clause.passive {
            for &s in &clause.subjects {
                match tree.head(clause.verb) {
                    Some(noun) if is_relative(tree, s) => {
                        heads.push((noun, "the passive's subject"))
                    }
                    _ => heads.push((s, "the passive's subject")),
                }
            }
        }
        for &o in &clause.objects {
            if Some(o) == meaning.event_noun {
                continue;
            }
            // `vetoed a UN Security Council resolution`: the body that votes on a text is not
            // the one it is done to; its sponsor is, where the text names it.
            if is_voted_text(&tree.lemma(o)) {
                for &c in tree.children(o) {
                    let parties = self.parties(scope, c);
                    let sponsor = matches!(tree.deprel(c), "amod" | "compound" | "nmod:poss")
                        && !parties.is_empty()
                        && parties.iter().all(|p| self.sides.contains(&p.code));
                    if sponsor {
                        heads.push((c, "the text's sponsor"));
                    }
                }
                continue;
            }
            if self.is_event_noun(&tree.lemma(o)) {
                // `launched its invasion of Ukraine`: the noun's `of` phrase is the one it is
                // done to; its possessor is the actor.
                for &c in tree.children(o) {
                    let patient = tree.rel(c) == "nmod"
                        && tree.kids(c, "case").any(|k| {
                            matches!(
                                tree.lemma(k).as_str(),
                                "of" | "against" | "on" | "with" | "to"
                            )
                        });
                    if patient || tree.deprel(c) == "amod" || tree.deprel(c) == "compound" {
                        heads.push((c, "the event's object"));
                    }
                }
            } else {
                heads.push((o, "the object"));
            }
        }
        let hostile = intensity(&meaning.action) < 0.0 && meaning.kind == EventKind::Action;
        for (case, head) in &clause.obliques {
            let is_target = match case.as_str() {
                "against" | "with" | "to" | "toward" | "towards" | "at" | "into" => true,
                // `flew within 25 feet of a U.S. plane`; `called on Congress`, `blames it on
                // Damascus`: the one addressed or blamed.
                "on" | "upon" => hostile || addresses_on(&meaning.action),
                "within" => hostile,
                "from" => meaning.action == "expel_diplomats",
                _ => false,
            };
            if is_target && !is_time_phrase(tree, *head) {
                heads.push((*head, "a prepositional object"));
            }
        }
        let mut out: Vec<(Party, &'static str)> = Vec::new();
        for (head, how) in heads {
            for party in self.parties(scope, head) {
                if !out.iter().any(|(p, _)| p.code == party.code) {
                    out.push((party, how));
                }
            }
        }
        out
    }

    /// The events of a clause: each actor toward its target, kept when it bears on the dyad.
    #[allow(
        clippy::too_many_arguments,
        reason = "the parts of one clause's reading, each distinct"
    )]
    fn events(
        &self,
        scope: &Scope,
        clause: &Clause,
        actors: &[(usize, Party)],
        targets: Vec<(Party, &'static str)>,
        action: &str,
        kind: EventKind,
        meaning: &Meaning,
        explanation: Vec<String>,
    ) -> Vec<Found> {
        let Some((date, basis, background)) = self.date(scope, clause) else {
            let mut explanation = explanation;
            explanation.push("not coded: background with no date of its own".into());
            return Vec::new();
        };
        // The issue of what the clause is about: a promise not to expel is about diplomats.
        let issue = meaning
            .issue
            .clone()
            .or_else(|| self.issue(scope, clause, &meaning.action))
            .or_else(|| self.issue(scope, clause, action));
        // Context between third parties is filed by its topic: China's ban on North Korean coal
        // is about North Korea, not about the dyad's sanctions.
        let context_issue = self.issue(scope, clause, "third_party_action");
        // "condemned the detention of …": a statement about a deed is filed where the deed is.
        let pillar = match &issue {
            None if is_verbal(action) => self.pillar_of_event_object(scope, clause),
            _ => None,
        };
        let issue = issue.or_else(|| {
            pillar
                .is_none()
                .then(|| self.context.last_issue.clone())
                .flatten()
        });
        let both_sides_named = self
            .sides
            .iter()
            .all(|side| scope.names.values().any(|(code, _)| code == side));
        let mut out = Vec::new();
        let joint_actors: Vec<&String> = actors.iter().map(|(_, p)| &p.code).collect();
        let coordinated_sides = self.sides.iter().all(|s| joint_actors.contains(&s));
        for (head, actor) in actors {
            // `India and Russia signed a deal`: what a side does jointly with a third party not
            // its partner, it does with that party, not by default to the other side (but `the
            // U.S. and Ukraine charged`).
            let with_third_party = joint_actors
                .iter()
                .any(|&c| !self.sides.contains(c) && !self.is_partner_of(&actor.code, c));
            let mut confidence: f64 = 0.8;
            let mut notes: Vec<&'static str> = Vec::new();
            let mut explained = explanation.clone();
            explained.push(format!("actor: {} ({})", actor.code, actor.how));
            if matches!(
                actor.how,
                "pronoun"
                    | "description"
                    | "institution"
                    | "the other side (a passive with no agent)"
            ) {
                confidence -= 0.1;
            }
            let target = if actor.both || coordinated_sides {
                // "The two countries agreed", "Russia and the US voted": a joint act.
                self.other_side(&actor.code)
                    .map(|o| (o, "the other side, acting jointly"))
            } else {
                targets
                    .iter()
                    .find(|(p, _)| p.code != actor.code)
                    .map(|(p, how)| (p.code.clone(), *how))
                    .or_else(|| {
                        // Reassurance is given to allies, never by default to the other side.
                        if meaning.needs_target || action == "reassure_allies" || with_third_party {
                            return None;
                        }
                        if self.addresses_own_side(scope, clause, &actor.code) {
                            return None;
                        }
                        let other = self.other_side(&actor.code)?;
                        self.context.nearby.contains(&other).then(|| {
                            confidence -= 0.1;
                            notes.push("target taken as the other side of the dyad");
                            (other, "the other side of the dyad (default)")
                        })
                    })
            };
            let Some((target, how)) = target else {
                continue;
            };
            // `assured Hagel that Russian troops would not invade Ukraine`: sparing the other
            // side's partner is a concession to the other side.
            let (target, how) = match self.other_side(&actor.code) {
                Some(other) if action == "yield" && self.is_partner_of(&other, &target) => {
                    (other, "the other side, whose partner is spared")
                }
                _ => (target, how),
            };
            explained.push(format!("target: {target} ({how})"));
            let Some(action) = self.in_scope(&actor.code, &target, action, both_sides_named) else {
                continue;
            };
            let issue = if action == "third_party_action" {
                context_issue.clone()
            } else if !self.sides.contains(&target) && !is_verbal(&action) {
                // Missiles fired at a Syrian airfield are about Syria, not missiles.
                self.issue_of_party(&target).or_else(|| issue.clone())
            } else {
                issue.clone()
            };
            if basis == DateBasis::Approximate {
                confidence -= 0.1;
                notes.push("approximate date");
            }
            if basis == DateBasis::Report {
                notes.push("dated by the report");
            }
            explained.push(format!("date: {date} ({basis:?})"));
            out.push(Found {
                actor: actor.code.clone(),
                target,
                action,
                kind,
                issue: issue.clone(),
                pillar: pillar.clone(),
                date,
                basis,
                background,
                confidence,
                attribution: self.attribution(scope, clause),
                sentence: scope.text.to_string(),
                sentence_index: scope.index,
                reading: scope.reading,
                voice: (kind == EventKind::Statement
                    && matches!(actor.how, "person" | "name" | "speaker"))
                .then(|| scope.tree.lower(*head)),
                counterpart: counterpart(scope.tree, clause),
                joint: actor.both || coordinated_sides,
                quotes: vec![scope.text.to_string()],
                explanation: explained,
                notes,
            });
            if coordinated_sides {
                break;
            }
        }
        out
    }

    /// `called on Congress`, `urged Americans`: the clause is addressed, by name, to its actor's
    /// own side (not merely to something of its side's, as `froze U.S. assets`).
    fn addresses_own_side(&self, scope: &Scope, clause: &Clause, actor: &str) -> bool {
        let addressed = clause.obliques.iter().filter_map(|(case, head)| {
            matches!(case.as_str(), "on" | "upon" | "to").then_some(*head)
        });
        clause.objects.iter().copied().chain(addressed).any(|head| {
            scope.names.get(&head).is_some_and(|(_, kind)| {
                *kind != MentionKind::Description
                    && self.party(scope, head).is_some_and(|p| p.code == actor)
            })
        })
    }

    /// The pillar of the deed a statement's object names (`the detention of`, `the invasion`).
    fn pillar_of_event_object(&self, scope: &Scope, clause: &Clause) -> Option<String> {
        let tree = scope.tree;
        clause.objects.iter().find_map(|&o| {
            let lemma = tree.lemma(o);
            let noun = self
                .dictionary
                .nouns
                .iter()
                .find(|n| n.nouns.contains(&lemma))?;
            let issue = self.dictionary.action_issues.get(&noun.action);
            Some(
                self.framework
                    .derive_pillar(&noun.action, issue.map(String::as_str))
                    .to_string(),
            )
        })
    }

    fn is_event_noun(&self, lemma: &str) -> bool {
        self.dictionary
            .nouns
            .iter()
            .any(|n| n.nouns.iter().any(|w| w == lemma))
    }

    /// The dictionary's pillar for hostility, when the framework has it.
    fn hostile_pillar(&self) -> Option<String> {
        self.dictionary
            .hostile_pillar
            .clone()
            .filter(|p| self.framework.pillar(p).is_some())
    }

    /// The dictionary's pillar for talk between the sides when the framework would file the
    /// talk's issue where hostility goes (talks about Ukraine are not the push back).
    fn talks_pillar(&self, action: &str, issue: Option<&str>) -> Option<String> {
        let talks = self.dictionary.talks_pillar.as_ref()?;
        let hostile = self.hostile_pillar()?;
        (talks.actions.iter().any(|a| a == action)
            && self.framework.derive_pillar(action, issue) == hostile
            && self.framework.pillar(&talks.pillar).is_some())
        .then(|| talks.pillar.clone())
    }

    /// Whether `code` is one of `side`'s partners in the dictionary.
    fn is_partner_of(&self, side: &str, code: &str) -> bool {
        self.dictionary
            .partners
            .get(side)
            .is_some_and(|p| p.iter().any(|c| c == code))
    }

    fn other_side(&self, code: &str) -> Option<String> {
        if code == self.sides[0] {
            Some(self.sides[1].clone())
        } else if code == self.sides[1] {
            Some(self.sides[0].clone())
        } else {
            None
        }
    }

    /// Whether an event bears on the dyad, and under which action: between the two sides;
    /// one side arming, backing or reassuring a third party, or fighting the other side's
    /// partner; between third parties only as context, when the sentence names both sides.
    fn in_scope(
        &self,
        actor: &str,
        target: &str,
        action: &str,
        both_sides_named: bool,
    ) -> Option<String> {
        let actor_side = self.sides.iter().any(|s| s == actor);
        let target_side = self.sides.iter().any(|s| s == target);
        if actor_side && target_side {
            // Supplies sent to the other side are aid, not arms for its adversary.
            return Some(match action {
                "arm_adversary" => "provide_aid".to_string(),
                "support_adversary" => "cooperate_materially".to_string(),
                _ => action.to_string(),
            });
        }
        if actor_side {
            let other = self.other_side(actor)?;
            let partner_of_other = self.is_partner_of(&other, target);
            let own_partner = self.is_partner_of(actor, target);
            return match action {
                "arm_adversary" | "support_adversary" | "reassure_allies" => {
                    Some(action.to_string())
                }
                // Forces sent to one's own ally reassure it against the other side.
                "show_force" if own_partner => Some("reassure_allies".to_string()),
                "fight" | "assault" | "coerce" if partner_of_other => Some(action.to_string()),
                "provide_aid" | "cooperate_materially" if partner_of_other => {
                    Some("support_adversary".to_string())
                }
                _ => None,
            };
        }
        if !target_side && both_sides_named {
            return Some("third_party_action".to_string());
        }
        None
    }

    /// The clause's date: its own time expression, else its governor's; without one, the
    /// report's, unless the clause is told as background (then it is left out: `None`).
    fn date(&self, scope: &Scope, clause: &Clause) -> Option<(NaiveDate, DateBasis, bool)> {
        let tree = scope.tree;
        let mut current = Some(clause);
        let mut hops = 0;
        while let Some(c) = current {
            let loose = tree
                .subtree(c.verb)
                .into_iter()
                .filter(|&t| {
                    !c.times.contains(&t)
                        && !in_other_clause(tree, t, c.verb)
                        && matches!(tree.rel(t), "obl" | "nmod")
                        && (tree.deprel(t) != "nmod:poss" || dates_an_occasion(tree, t))
                        && is_time_phrase(tree, t)
                })
                .collect::<Vec<_>>();
            for &time in c.times.iter().chain(&loose) {
                // `ordered a cut by Sept. 1`: a deadline is not when the deed was done, nor
                // `spoke for the first time since May` the start of a span.
                let bound = tree
                    .kids(time, "case")
                    .any(|k| matches!(tree.lower(k).as_str(), "by" | "until" | "till" | "since"));
                if bound {
                    continue;
                }
                let phrase = tree.text(&tree.subtree(time));
                // `will suspend … effective December 7`: when a step takes effect is not when
                // it was taken; the report dates its announcement.
                if let Some((date, basis)) = phrase_date(&phrase, self.reference)
                    && date <= self.reference
                {
                    let background = date + Days::new(10) < self.reference;
                    return Some((date, basis, background));
                }
            }
            hops += 1;
            if hops > 4 || (c.backdrop && !happens_with_governor(tree, c)) {
                break;
            }
            // An approved plan happens when approved.
            current = c.governor.and_then(|(g, link)| match link {
                Link::NounModifier => self.approver_of_plan(scope, c.verb),
                _ => scope.clause_at(g),
            });
        }
        if happens_with_governor(tree, clause)
            && let Some(governor) = clause.governor.and_then(|(g, _)| scope.clause_at(g))
        {
            return self.date(scope, governor);
        }
        // A lead says what has happened; further down, what has happened without a date is
        // the story so far (`Since the war, the US has imposed sanctions`).
        let past_the_lead = scope.index > LEAD_SENTENCES;
        let told_as_background = clause.past_perfect
            || clause.backdrop
            || precedes_a_past_event(tree, clause)
            // `he expelled … and ordered …`: the second verb shares the first's time.
            || clause.governor.is_some_and(|(g, link)| {
                link == Link::Coordinated
                    && scope
                        .clause_at(g)
                        .is_some_and(|first| precedes_a_past_event(tree, first))
            })
            || (clause.present_perfect
                && (past_the_lead || has_long(tree, clause.verb) || has_duration(tree, clause)))
            || tree.children(clause.verb).iter().any(|&c| {
                matches!(
                    tree.lower(c).as_str(),
                    "previously"
                        | "formerly"
                        | "once"
                        | "already"
                        | "earlier"
                        | "long"
                        | "repeatedly"
                ) && tree.rel(c) == "advmod"
            });
        if told_as_background {
            return None;
        }
        Some((self.reference, DateBasis::Report, false))
    }

    /// The issue: the action's own (a sanctions law is about sanctions, whatever else it names),
    /// else keywords of the clause's own words, else of the sentence.
    fn issue(&self, scope: &Scope, clause: &Clause, action: &str) -> Option<String> {
        if let Some(issue) = self.dictionary.action_issues.get(action) {
            return Some(issue.clone());
        }
        let tree = scope.tree;
        let words = |tokens: Vec<usize>| {
            tokens
                .into_iter()
                .map(|t| tree.lower(t))
                .collect::<Vec<_>>()
        };
        let phrases = |heads: &[usize]| {
            heads
                .iter()
                .flat_map(|&h| tree.phrase(h))
                .collect::<Vec<usize>>()
        };
        let mut what: Vec<usize> = phrases(&clause.objects);
        what.push(clause.verb);
        let own: Vec<usize> = tree
            .subtree(clause.verb)
            .into_iter()
            .filter(|&t| !in_other_clause(tree, t, clause.verb))
            .collect();
        // What it is done to first, then the rest of its clause, then who does it (an
        // ambassador's protest is about the incident it names, not about diplomats), then the
        // sentence.
        let subjects = phrases(&clause.subjects);
        let rest: Vec<usize> = own
            .iter()
            .copied()
            .filter(|t| !subjects.contains(t))
            .collect();
        // `slammed Washington for an incident involving a jet`: all of what it is for.
        let about: Vec<usize> = clause
            .obliques
            .iter()
            .flat_map(|&(_, o)| tree.subtree(o))
            .collect();
        // Talk between defence chiefs is a military channel whatever it is about.
        let channel = self
            .dictionary
            .talks_pillar
            .as_ref()
            .filter(|t| t.actions.iter().any(|a| a == action))
            .and_then(|t| t.channel.as_ref())
            .filter(|&channel| {
                self.issues_of(&words(subjects.clone()))
                    .any(|i| &i == channel)
            })
            .cloned();
        channel
            .or_else(|| self.issue_of(&words(what)))
            .or_else(|| self.issue_of(&words(about)))
            .or_else(|| self.issue_of(&words(rest)))
            .or_else(|| self.issue_of(&words(subjects)))
            // Another clause's topic is weaker than the article's: `ready to negotiate a
            // replacement to New START … while Russia is fighting in Ukraine`.
            .or_else(|| self.context.topic.clone())
            .or_else(|| self.issue_of(&words((0..tree.len()).collect())))
    }

    /// The issue a party's own name is a keyword of (`Syria`: syria).
    fn issue_of_party(&self, code: &str) -> Option<String> {
        self.dictionary
            .phrases
            .iter()
            .filter(|p| p.code == code)
            .find_map(|p| self.issue_of(&p.words))
    }

    fn issue_of(&self, words: &[String]) -> Option<String> {
        self.issues_of(words).next()
    }

    /// Every issue whose keywords the words hold, in the dictionary's order of priority.
    fn issues_of<'a>(&'a self, words: &'a [String]) -> impl Iterator<Item = String> + 'a {
        // Keywords are written as words: `arms-control` reads as `arms control`.
        let words: Vec<&str> = words
            .iter()
            .flat_map(|w| w.split('-'))
            .filter(|w| !w.is_empty())
            .collect();
        self.dictionary
            .issues
            .iter()
            .filter(move |(_, keywords)| {
                keywords.iter().any(|keyword| {
                    (0..words.len()).any(|start| match_pattern(keyword, &words, start).is_some())
                })
            })
            .map(|(issue, _)| issue.clone())
    }

    /// Whom the outlet attributes the clause to: its speech verb's subject, `according to X`,
    /// or the paragraph's earlier attribution.
    fn attribution(&self, scope: &Scope, clause: &Clause) -> Option<String> {
        let tree = scope.tree;
        let mut current = Some(clause);
        while let Some(c) = current {
            if let Some((g, Link::Complement | Link::Parenthetical)) = c.governor
                && self.dictionary.speech.contains(&tree.lemma(g))
                && let Some(governing) = scope.clause_at(g)
                && let Some(&subject) = governing.subjects.first()
            {
                return Some(tree.text(&tree.phrase(subject)));
            }
            current = c.governor.and_then(|(g, _)| scope.clause_at(g));
        }
        self.context.attribution.clone()
    }

    /// A speaker's assessment in a clause without an event verb: `relations are in the
    /// gutter`, `the talks were constructive` said by a side about the other; `called the
    /// steps a provocation`.
    fn read_assessment(&mut self, scope: &Scope) -> Vec<Found> {
        let tree = scope.tree;
        let mut out = Vec::new();
        for speech in scope.clauses {
            let lemma = tree.lemma(speech.verb);
            let naming = self.dictionary.naming_verbs.contains(&lemma);
            if !(self.dictionary.speech.contains(&lemma) || naming) || speech.negated {
                continue;
            }
            // `hacked because Putin believes aggression is worth it`: a reason told of someone
            // is not their word.
            if tree.deprel(speech.verb) == "advcl"
                && tree
                    .kids(speech.verb, "mark")
                    .any(|m| tree.lower(m) == "because")
            {
                continue;
            }
            let Some(speaker) = speech.subjects.iter().find_map(|&s| self.party(scope, s)) else {
                continue;
            };
            if speaker.both {
                continue;
            }
            let content: Vec<usize> = if naming {
                // `called the US steps a provocation`: the naming complement.
                tree.children(speech.verb)
                    .iter()
                    .copied()
                    .filter(|&c| {
                        matches!(tree.rel(c), "xcomp" | "obl" | "advcl" | "obj")
                            && tree.upos(c) != "VERB"
                    })
                    .collect()
            } else {
                // A copular clause the speech verb governs or sits beside.
                (0..tree.len())
                    .filter(|&t| {
                        tree.upos(t) != "VERB"
                            && (tree.head(t) == Some(speech.verb)
                                && matches!(tree.rel(t), "ccomp" | "parataxis" | "obl" | "advcl")
                                || tree.kids(t, "parataxis").any(|p| p == speech.verb))
                            && tree.kids(t, "cop").next().is_some()
                    })
                    .collect()
            };
            for head in content {
                if let Some(found) = self.assessment(scope, speech, &speaker, head, naming) {
                    out.push(found);
                }
            }
        }
        if let Some(first) = out.first() {
            self.context.attribution = first.attribution.clone();
        } else if let Some(attribution) = scope
            .clauses
            .iter()
            .filter(|c| self.dictionary.speech.contains(&tree.lemma(c.verb)))
            .find_map(|c| c.subjects.first())
        {
            self.context.attribution = Some(tree.text(&tree.phrase(*attribution)));
        }
        out
    }

    /// One assessment: its sign from the dictionary's words, its target the named thing's
    /// party or the other side.
    fn assessment(
        &self,
        scope: &Scope,
        speech: &Clause,
        speaker: &Party,
        head: usize,
        naming: bool,
    ) -> Option<Found> {
        let tree = scope.tree;
        let words: Vec<String> = tree.subtree(head).iter().map(|&t| tree.lower(t)).collect();
        let negative = words
            .iter()
            .any(|w| self.dictionary.disapproving.contains(w));
        let positive = words.iter().any(|w| self.dictionary.praising.contains(w));
        let action = match (negative, positive) {
            (true, false) => "disapprove",
            (false, true) => "praise",
            _ => return None,
        };
        let named = if naming {
            speech
                .objects
                .iter()
                .flat_map(|&o| self.parties(scope, o))
                .find(|p| p.code != speaker.code)
                .map(|p| p.code)
        } else {
            None
        };
        // `said that Manafort was a good man`: an assessment of someone who is neither side.
        let of_a_stranger = tree
            .kids(head, "nsubj")
            .any(|s| tree.upos(s) == "PROPN" && self.party(scope, s).is_none());
        if of_a_stranger && named.is_none() {
            return None;
        }
        let target = named.or_else(|| {
            self.other_side(&speaker.code)
                .filter(|o| self.context.nearby.contains(o))
        })?;
        self.in_scope(&speaker.code, &target, action, false)?;
        let attribution = Some(tree.text(&tree.phrase(speech.subjects[0])));
        let (date, basis, background) =
            self.date(scope, speech)
                .unwrap_or((self.reference, DateBasis::Report, false));
        let issue = self
            .issue_of(&words)
            .or_else(|| self.issue_of(&(0..tree.len()).map(|t| tree.lower(t)).collect::<Vec<_>>()));
        Some(Found {
            actor: speaker.code.clone(),
            target,
            action: action.to_string(),
            kind: EventKind::Statement,
            issue,
            pillar: None,
            date,
            basis,
            background,
            confidence: 0.7,
            attribution,
            sentence: scope.text.to_string(),
            sentence_index: scope.index,
            reading: scope.reading,
            voice: matches!(speaker.how, "person" | "name").then(|| tree.lower(speech.subjects[0])),
            counterpart: None,
            joint: false,
            quotes: vec![scope.text.to_string()],
            explanation: vec![format!(
                "assessment by `{}` ({}): `{}` → {action}",
                tree.text(&tree.phrase(speech.subjects[0])),
                speaker.code,
                tree.text(&tree.subtree(head))
            )],
            notes: vec!["an assessment"],
        })
    }
}

/// The dictionary names of a sentence: for each token a name covers, its code and kind.
type Names = HashMap<usize, (String, MentionKind)>;

/// The parts of one sentence a clause is read in.
struct Scope<'s> {
    tree: &'s Tree<'s>,
    names: &'s Names,
    clauses: &'s [Clause],
    text: &'s str,
    index: usize,
    /// Which reading of the article's sentences this is (`read_article_as_coded`).
    reading: usize,
}

impl<'s> Scope<'s> {
    /// The clause whose verb is `verb`.
    fn clause_at(&self, verb: usize) -> Option<&'s Clause> {
        self.clauses.iter().find(|c| c.verb == verb)
    }
}

/// Verbs of ceasing to do something (`stopped providing`).
const CEASING: [&str; 6] = ["stop", "cease", "halt", "suspend", "end", "discontinue"];

/// Verbs of stopping, undoing or withdrawing: asked of the other side, a demand.
const STOPPING: [&str; 15] = [
    "stop",
    "end",
    "cease",
    "halt",
    "withdraw",
    "remove",
    "pull",
    "release",
    "free",
    "leave",
    "de-escalate",
    "abandon",
    "drop",
    "quit",
    "reverse",
];

/// How a clause stands.
#[derive(Debug, Clone)]
enum Reading {
    /// Done (or announced as decided) by its actor.
    Deed,
    /// Planned, promised or threatened by its actor.
    Intent,
    /// Said by a side of another party: the speaker's statement.
    /// `at` is the speech verb, which dates the statement (none for `according to`: the
    /// report's).
    Allegation {
        speaker: Party,
        verb: String,
        at: Option<usize>,
    },
    /// A side's announced refusal of a hostile deed ("Russia would not expel"): a concession.
    Restraint,
    /// A side saying it did not do a hostile deed ("our jets did not touch the drone, the
    /// ministry said"): its denial, toward the other side.
    Denial,
    /// Nothing to code, and why.
    Not(String),
}

impl Reading {
    fn describe(&self) -> String {
        match self {
            Reading::Deed => "a deed".into(),
            Reading::Restraint => "a hostile deed its actor says it will not do".into(),
            Reading::Denial => "a hostile deed its actor's side says it did not do".into(),
            Reading::Intent => "an intention or threat of its actor".into(),
            Reading::Allegation { speaker, verb, .. } => {
                format!(
                    "an allegation: `{verb}` by {} ({})",
                    speaker.code, speaker.how
                )
            }
            Reading::Not(why) => format!("not coded: {why}"),
        }
    }
}

/// A clause of time without its own subject or tense (`after being summoned by …, Antonov
/// said`, `before meeting Putin, Kerry …`) happens when the clause it hangs from does: it is
/// the same moment's news, not what led to it. `since` reaches back to a start, so it stays
/// background.
fn happens_with_governor(tree: &Tree, clause: &Clause) -> bool {
    let non_finite = match tree.xpos(clause.verb) {
        "VBG" => true,
        "VBN" => tree
            .kids(clause.verb, "aux")
            .any(|a| tree.lower(a) == "being"),
        _ => false,
    };
    clause.backdrop
        && non_finite
        && tree.kids(clause.verb, "nsubj").next().is_none()
        && tree
            .kids(clause.verb, "mark")
            .any(|m| matches!(tree.lower(m).as_str(), "after" | "before" | "following"))
}

/// `Before Obama left office, he expelled …`: what happened before something past is past.
fn precedes_a_past_event(tree: &Tree, clause: &Clause) -> bool {
    tree.kids(clause.verb, "advcl")
        .any(|c| tree.xpos(c) == "VBD" && tree.kids(c, "mark").any(|m| tree.lower(m) == "before"))
}

/// `imposes sanctions on any country that trades with Russia`: what a law does to whoever
/// falls under it is a rule, not a deed done to anyone (while denying any role is a denial).
fn is_a_rule(tree: &Tree, clause: &Clause) -> bool {
    let objects_phrases = clause.objects.iter().flat_map(|&o| tree.kids(o, "nmod"));
    clause
        .objects
        .iter()
        .copied()
        .chain(objects_phrases)
        .chain(clause.obliques.iter().map(|&(_, o)| o))
        .any(|o| {
            tree.kids(o, "det")
                .any(|d| matches!(tree.lower(d).as_str(), "any" | "every"))
        })
}

/// Actions whose `on` phrase names the one addressed or blamed (`called on`, `blames on`).
fn addresses_on(action: &str) -> bool {
    matches!(action, "appeal" | "demand" | "disapprove")
}

/// Aid, arms and backing: done for someone, who is their target.
fn is_support(action: &str) -> bool {
    matches!(
        action,
        "arm_adversary" | "provide_aid" | "support_adversary" | "reassure_allies"
    )
}

/// Texts a council or an assembly votes on.
fn is_voted_text(lemma: &str) -> bool {
    matches!(lemma, "resolution" | "draft" | "motion" | "statement")
}

fn frame_meaning(frame: &Frame, lemma: &str, objects: Option<&[String]>) -> Meaning {
    let entry = match objects {
        Some(_) => format!(
            "frame `{lemma}` + object {:?} → {}",
            frame.objects.iter().take(4).collect::<Vec<_>>(),
            frame.action
        ),
        None if !frame.preps.is_empty() => {
            format!("frame `{lemma}` + {:?} → {}", frame.preps, frame.action)
        }
        None => format!("frame `{lemma}` → {}", frame.action),
    };
    Meaning {
        issue: frame.issue.clone(),
        action: frame.action.clone(),
        kind: frame.kind,
        needs_target: frame.needs_target,
        undergone: frame.undergone,
        refused: frame.refused,
        event_noun: None,
        entry,
    }
}

/// A clause's verb as the dictionary names it, with its particle (`sign off`, `call off`).
fn phrasal_lemma(tree: &Tree, clause: &Clause) -> String {
    let lemma = tree.lemma(clause.verb);
    match &clause.particle {
        Some(particle) => format!("{lemma} {particle}"),
        None => lemma,
    }
}

/// The lemmas of a noun phrase's head and its compounds (`the new sanctions bill` → `bill`,
/// `sanction`), and two-word compounds (`phone call`).
fn noun_words(tree: &Tree, head: usize) -> Vec<String> {
    let mut words = vec![tree.lemma(head), tree.lower(head)];
    for c in tree.children(head) {
        // `journalist Evan Gershkovich`: the title before a name says what it is.
        if matches!(
            tree.deprel(*c),
            "compound" | "amod" | "obj" | "xcomp" | "nmod:desc"
        ) {
            words.push(tree.lemma(*c));
            words.push(format!("{} {}", tree.lemma(*c), tree.lemma(head)));
        }
        if tree.deprel(*c) == "nmod" && tree.kids(*c, "case").any(|k| tree.lemma(k) == "of") {
            words.push(tree.lemma(*c));
        }
    }
    words
}

/// Prepositional phrases right after a noun that the parser hung on the verb instead
/// (`reverse Moscow's boost | in trade with North Korea`): they may be the noun's.
fn trailing_phrases(tree: &Tree, noun: usize) -> Vec<usize> {
    let Some(head) = tree.head(noun) else {
        return Vec::new();
    };
    let mut end = tree.phrase(noun).last().copied().unwrap_or(noun);
    let mut found = Vec::new();
    for &sibling in tree.children(head) {
        let phrase = tree.phrase(sibling);
        if sibling > noun
            && matches!(tree.rel(sibling), "obl" | "nmod")
            && phrase.first().is_some_and(|&first| first == end + 1)
        {
            end = phrase.last().copied().unwrap_or(sibling);
            found.push(sibling);
        }
    }
    found
}

/// `X has become … even after his endorsement of …`: an event cited as what the present state
/// holds despite, or follows from, is recent.
fn just_before_the_present(tree: &Tree, noun: usize) -> bool {
    let cited = tree.kids(noun, "case").any(|c| {
        matches!(
            tree.lemma(c).as_str(),
            "after" | "since" | "despite" | "following"
        )
    });
    let root = (0..tree.len()).find(|&t| tree.head(t).is_none());
    let present = root.is_some_and(|r| {
        std::iter::once(r)
            .chain(tree.children(r).iter().copied())
            .any(|t| matches!(tree.xpos(t), "VBZ" | "VBP"))
    });
    cited && present
}

/// The lemmas of a phrase without its clauses.
fn phrase_words(tree: &Tree, head: usize) -> Vec<String> {
    tree.phrase(head).iter().map(|&t| tree.lemma(t)).collect()
}

/// Whether token `t` belongs to a clause nested under `verb` rather than to `verb`'s own.
fn in_other_clause(tree: &Tree, t: usize, verb: usize) -> bool {
    let mut at = t;
    while at != verb {
        if matches!(
            tree.rel(at),
            "ccomp" | "advcl" | "acl" | "parataxis" | "xcomp" | "conj"
        ) && tree.upos(at) == "VERB"
        {
            return true;
        }
        match tree.head(at) {
            Some(h) => at = h,
            None => return false,
        }
    }
    false
}

/// How a hedged or denied clause stands once its speaker is known: an allegation stays one
/// when hedged ("might be supplying"), not when denied; anything else is not a deed.
fn hedge(turned: Reading, unreal: Option<&str>) -> Reading {
    match (unreal, turned) {
        (None, turned) => turned,
        // `claimed Moscow has not lived up to the deal` is still an accusation.
        (Some(_), allegation @ Reading::Allegation { .. }) => allegation,
        (Some(_), Reading::Not(why)) => Reading::Not(why),
        (Some(why), _) => Reading::Not(why.into()),
    }
}

/// `urged Russia to return`, `called on Moscow to`, `expects Russia to`: the infinitive is
/// wanted of the object, not done or intended by it; the clause is the asker's.
fn asks_of_another(tree: &Tree, clause: &Clause) -> bool {
    !clause.objects.is_empty()
        || clause
            .obliques
            .iter()
            .any(|(case, _)| case == "on" && tree.lemma(clause.verb) == "call")
}

/// `discussed by telephone`, `spoke in a phone call`: leaders who talk on the phone consult;
/// only meeting is a summit.
fn by_telephone(tree: &Tree, clause: &Clause) -> bool {
    tree.subtree(clause.verb).into_iter().any(|t| {
        matches!(
            tree.lemma(t).as_str(),
            "telephone" | "phone" | "call" | "videoconference" | "video"
        )
    })
}

/// Words before a meeting noun that say it did not take place (yet): `the planned summit`,
/// `no talks`.
const NOT_HELD: [&str; 10] = [
    "planned",
    "possible",
    "proposed",
    "potential",
    "upcoming",
    "future",
    "next",
    "expected",
    "no",
    "any",
];

/// The headline and the first sentences after it, which tell the news (a caption or a byline
/// may be among them).
const LEAD_SENTENCES: usize = 6;

/// `spoke with`, `discussed`: leaders talking, in person or not, consult; only a meeting is a
/// summit.
fn only_spoke(tree: &Tree, clause: &Clause) -> bool {
    matches!(
        tree.lemma(clause.verb).as_str(),
        "speak" | "talk" | "confer" | "discuss" | "chat" | "converse" | "consult"
    )
}

/// `who`, `which`, `that` as the subject of a relative clause.
fn is_relative(tree: &Tree, token: usize) -> bool {
    tree.deprel(tree.head(token).unwrap_or(token)) == "acl:relcl"
        && matches!(
            tree.lower(token).as_str(),
            "who" | "which" | "that" | "whom"
        )
}

/// Speech verbs that close a quotation (`"…," an official said.`).
const QUOTING_VERBS: [&str; 20] = [
    "said",
    "says",
    "told",
    "tells",
    "added",
    "adds",
    "stated",
    "wrote",
    "warned",
    "noted",
    "insisted",
    "declared",
    "explained",
    "stressed",
    "argued",
    "claimed",
    "continued",
    "replied",
    "tweeted",
    "writes",
];

/// An article's sentences as the coder reads them, in order, each with its readings
/// (`read_as_coded`). A quotation standing alone (`"A. B."`) is read sentence by sentence, as
/// said by the speaker of the sentence before it when that sentence names one: news runs a
/// quote on into the next paragraph without naming its speaker again.
pub fn read_article_as_coded(
    parser: &Parser,
    sentences: &[&str],
    dictionary: &Dictionary,
) -> Vec<Vec<(String, Sentence)>> {
    let mut speaker: Option<String> = None;
    sentences
        .iter()
        .map(|sentence| {
            let readings = match standing_quotation(sentence) {
                Some(quoted) => quoted
                    .iter()
                    .map(|quoted| {
                        let quoted = quoted.trim_end_matches(['.', '!', '?']);
                        let read = match &speaker {
                            Some(who) => format!("{who} said that {}.", lower_first_word(quoted)),
                            None => format!("{quoted}."),
                        };
                        parse_repaired(parser, read)
                    })
                    .collect(),
                None => read_as_coded(parser, sentence, dictionary),
            };
            speaker = readings
                .last()
                .and_then(|(_, parsed)| speaker_of_sentence(&Tree::new(parsed), dictionary));
            readings
        })
        .collect()
}

/// `"A. B."`, or a quotation running on into the next paragraph (`"A. B.` with no closing
/// mark): its sentences, when nothing but the quotation's own punctuation follows it.
fn standing_quotation(sentence: &str) -> Option<Vec<String>> {
    let (quoted, after) = opening_quotation(sentence)?;
    if after.is_some_and(|rest| {
        !rest
            .chars()
            .all(|c| matches!(c, '”' | '"' | '.' | '!' | '?'))
    }) {
        return None;
    }
    let sentences = split_sentences(quoted.trim());
    (!sentences.is_empty()).then_some(sentences)
}

/// A sentence that opens with a quotation: what is quoted, and what follows its closing mark
/// (none when the quotation runs on to the end without one).
fn opening_quotation(sentence: &str) -> Option<(&str, Option<&str>)> {
    let text = sentence.trim();
    let open = text.chars().next().filter(|c| matches!(c, '“' | '"'))?;
    let body = &text[open.len_utf8()..];
    Some(match body.find(['”', '"']) {
        Some(close) => {
            let closing = body[close..].chars().next().map_or(1, char::len_utf8);
            (&body[..close], Some(&body[close + closing..]))
        }
        None => (body, None),
    })
}

/// The longest quotation inside a sentence read as the writer's own words.
const SCARE_QUOTE_WORDS: usize = 3;

/// `held two hours of "very frank" talks`, `was "escalating tensions".`: a few quoted words
/// inside a sentence are the writer's words marked as another's; the parser, trained on text
/// with few such marks, reads the words around them wrong (`talks` as a verb), so it reads
/// them without the marks.
fn without_scare_quotes(read: &str) -> String {
    let mut out = String::with_capacity(read.len());
    let mut rest = read;
    while let Some(open) = rest.find(['“', '"']) {
        let mark = rest[open..].chars().next().map_or(1, char::len_utf8);
        let inner = &rest[open + mark..];
        let Some(close) = inner.find(['”', '"']) else {
            break;
        };
        let closing = inner[close..].chars().next().map_or(1, char::len_utf8);
        let end = open + mark + close + closing;
        let words = inner[..close].split_whitespace().count();
        let inside = open > 0 || !out.is_empty();
        if inside && (1..=SCARE_QUOTE_WORDS).contains(&words) {
            out.push_str(&rest[..open]);
            out.push_str(&inner[..close]);
        } else {
            out.push_str(&rest[..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Who speaks in a sentence whose main verb is a speech verb (`Lavrov said …`).
fn speaker_of_sentence(tree: &Tree, dictionary: &Dictionary) -> Option<String> {
    let root = (0..tree.len()).find(|&t| tree.head(t).is_none())?;
    if !dictionary.speech.contains(&tree.lemma(root)) {
        return None;
    }
    let subject = tree
        .kids(root, "nsubj")
        .find(|&s| !matches!(tree.lower(s).as_str(), "who" | "that" | "which"))?;
    Some(tree.text(&tree.phrase(subject)))
}

fn parse_repaired(parser: &Parser, read: String) -> (String, Sentence) {
    let read = without_scare_quotes(&read);
    let mut parsed = parser.parse_text(&read);
    repair(&mut parsed);
    (read, parsed)
}

/// A sentence as the coder reads it: the words it parses (reported speech put first: `…, a
/// spokesman said` reads `a spokesman said that …`) and their tree, with the parser's known
/// misreadings mended, one reading for each sentence of a quotation (`"A. B," Lavrov said.`
/// reads `Lavrov said that a.` and `Lavrov said that b.`). `dyad parse` prints the same.
fn read_as_coded(
    parser: &Parser,
    sentence: &str,
    dictionary: &Dictionary,
) -> Vec<(String, Sentence)> {
    let reads = speaker_headline(sentence, dictionary)
        .map(|read| vec![read])
        .or_else(|| quoted_speech_first(sentence))
        .or_else(|| attributed_speech_first(sentence).map(|read| vec![read]))
        .unwrap_or_else(|| vec![sentence.to_string()]);
    reads
        .into_iter()
        .map(|read| parse_repaired(parser, read))
        .collect()
}

/// `Carter: US moving tanks to NATO states`: a headline that opens with a person the
/// dictionary knows and a colon reports what that person said.
fn speaker_headline(sentence: &str, dictionary: &Dictionary) -> Option<String> {
    let (speaker, said) = sentence.split_once(": ")?;
    // `Quote from Peskov: "…"`
    let speaker = speaker.strip_prefix("Quote from ").unwrap_or(speaker);
    let words: Vec<String> = speaker.split_whitespace().map(str::to_lowercase).collect();
    let known = dictionary
        .phrases
        .iter()
        .any(|p| matches!(p.kind, MentionKind::Person | MentionKind::Name) && p.words == words);
    (known && !said.trim().is_empty())
        .then(|| format!("{speaker} said that {}", lower_first_word(said.trim())))
}

/// `The first pillar, a US official said, is …` and `Russia is arming them, a US official
/// said.` become `a US official said that …`: the same reordering for attributions set off by
/// commas.
fn attributed_speech_first(sentence: &str) -> Option<String> {
    let text = sentence.trim();
    let body = text.strip_suffix('.').unwrap_or(text);
    // `are “incredibly concerning,” a spokesman said`: the comma inside the quotation sets
    // the attribution off as well.
    let body = body.replace(",” ", "”, ").replace(",\" ", "\", ");
    let parts: Vec<&str> = body.split(", ").collect();
    if parts.len() < 2 {
        return None;
    }
    let attribution = (1..parts.len()).find(|&i| {
        let words: Vec<&str> = parts[i].split_whitespace().collect();
        (2..=9).contains(&words.len())
            && words.last().is_some_and(|w| QUOTING_VERBS.contains(w))
            && !words[..words.len() - 1]
                .iter()
                .any(|w| QUOTING_VERBS.contains(w) || matches!(*w, "that" | "and" | "but"))
    })?;
    let speaker = parts[attribution];
    let before = parts[..attribution].join(", ");
    let after = parts[attribution + 1..].join(", ");
    let content = if after.is_empty() {
        before
    } else {
        format!("{before} {after}")
    };
    let content = lower_first_word(content.trim_end_matches(['.', '!', '?']));
    Some(format!("{speaker} that {content}."))
}

/// A capital that only began the quotation would read as a name after `that`.
fn lower_first_word(text: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or_default();
    let common = matches!(
        first.to_lowercase().trim_end_matches(','),
        "right"
            | "now"
            | "we"
            | "the"
            | "this"
            | "it"
            | "there"
            | "our"
            | "they"
            | "i"
            | "he"
            | "she"
            | "a"
            | "an"
            | "in"
            | "on"
            | "at"
            | "for"
            | "if"
            | "when"
            | "as"
            | "today"
            | "these"
            | "those"
            | "that"
            | "such"
            | "all"
            | "no"
            | "any"
            | "their"
            | "its"
    );
    if common && first != "I" {
        let mut chars = text.chars();
        chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        text.to_string()
    }
}

/// `"Relations are in the gutter," a senior official told reporters.` becomes `a senior
/// official told reporters that relations are in the gutter.` for the parser: news quotes put
/// the speaker last, a shape a parser trained on web text often gets wrong, while the reported
/// form is one it reads well. A quotation of several sentences gives one reading for each, all
/// of them its speaker's: read as one, its sentences run together into a tree the parser
/// cannot build. The evidence kept is the sentence as written.
fn quoted_speech_first(sentence: &str) -> Option<Vec<String>> {
    let (quote, rest) = opening_quotation(sentence)?;
    let quote = quote.trim().trim_end_matches(',').trim();
    let rest = rest?.trim().trim_start_matches(',').trim();
    let rest = rest.strip_suffix('.')?.trim();
    let words: Vec<&str> = rest.split_whitespace().collect();
    if quote.is_empty() || rest.contains(['“', '"', '”']) || words.is_empty() {
        return None;
    }
    let verb_at = words.iter().position(|w| QUOTING_VERBS.contains(w))?;
    let (speaker, verb_phrase) = if verb_at == 0 {
        // `"…," said Putin.`
        (words[1..].join(" "), words[0].to_string())
    } else {
        (words[..verb_at].join(" "), words[verb_at..].join(" "))
    };
    if speaker.is_empty() {
        return None;
    }
    let reads = split_sentences(quote)
        .iter()
        .map(|quoted| {
            let quoted = lower_first_word(quoted.trim_end_matches(['.', '!', '?']));
            format!("{speaker} {verb_phrase} that {quoted}.")
        })
        .collect();
    Some(reads)
}

/// A photo caption or credit line: it shows a scene, it reports no event.
fn is_caption(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "file photo",
        "ap photo",
        "(photo",
        "photo:",
        "getty images",
        "/ reuters",
        "afp photo",
        "pictured",
        "in this photo",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
        || lower.starts_with("file -")
        || lower.starts_with("file:")
}

/// A clause with an `if` or `unless` clause of its own is that condition's consequence.
fn has_condition(tree: &Tree, verb: usize) -> bool {
    tree.kids(verb, "advcl").any(|a| {
        tree.kids(a, "mark")
            .any(|m| matches!(tree.lower(m).as_str(), "if" | "unless"))
    })
}

/// A verb of coming into force: `take effect`, `begin`, `start`, `enter into force`.
fn is_onset(tree: &Tree, verb: usize) -> bool {
    match tree.lemma(verb).as_str() {
        "begin" | "start" => true,
        "take" => tree.kids(verb, "obj").any(|o| tree.lemma(o) == "effect"),
        "enter" | "come" => tree.kids(verb, "obl").any(|o| tree.lemma(o) == "force"),
        _ => false,
    }
}

/// `blamed for last week's attack`: a time that owns a noun dates the noun, not the clause,
/// unless the noun is the occasion the clause happens at (`At last year's summit, he refused`).
fn dates_an_occasion(tree: &Tree, time: usize) -> bool {
    tree.head(time).is_some_and(|noun| {
        tree.rel(noun) == "obl"
            && tree
                .kids(noun, "case")
                .any(|c| matches!(tree.lower(c).as_str(), "at" | "during"))
    })
}

/// The person a clause names as met (`met Putin`, `talks with Lavrov`), by the last word of
/// the name.
fn counterpart(tree: &Tree, clause: &Clause) -> Option<String> {
    let with = clause
        .obliques
        .iter()
        .filter(|(case, _)| case == "with")
        .map(|(_, head)| *head);
    clause
        .objects
        .iter()
        .copied()
        .chain(with)
        .find(|&head| tree.upos(head) == "PROPN")
        .map(|head| tree.kids(head, "flat").last().unwrap_or(head))
        .map(|name| tree.lower(name))
}

/// `allegations that he denies`, `a treaty that bans …`: a relative clause in the simple
/// present tells what holds of its noun, not an event.
fn is_standing_description(tree: &Tree, verb: usize) -> bool {
    tree.deprel(verb) == "acl:relcl"
        && matches!(tree.xpos(verb), "VBZ" | "VBP")
        && tree.kids(verb, "aux").next().is_none()
}

/// `may`, `might`, `could`: a possibility, not an obligation or a wish.
fn has_possibility(tree: &Tree, verb: usize) -> bool {
    tree.kids(verb, "aux")
        .any(|a| matches!(tree.lower(a).as_str(), "may" | "might" | "could"))
}

/// `stopped short of`, `fell short of`.
fn has_short(tree: &Tree, verb: usize) -> bool {
    tree.children(verb)
        .iter()
        .any(|&c| tree.lower(c) == "short")
}

/// `has been working … for months`, `since 2014`: an ongoing state, not a dated event.
fn has_duration(tree: &Tree, clause: &Clause) -> bool {
    clause
        .times
        .iter()
        .chain(clause.obliques.iter().map(|(_, h)| h))
        .any(|&head| {
            let case = |word: &str| tree.kids(head, "case").any(|c| tree.lemma(c) == word);
            case("since")
                || case("for")
                    && matches!(
                        tree.lemma(head).as_str(),
                        "month" | "year" | "week" | "decade" | "day"
                    )
        })
}

/// `has long complained`.
fn has_long(tree: &Tree, verb: usize) -> bool {
    tree.children(verb)
        .iter()
        .any(|&c| matches!(tree.lower(c).as_str(), "long" | "repeatedly" | "previously"))
}

/// Speech verbs that announce a decision: a future under them is the decision itself.
fn announces(lemma: &str) -> bool {
    matches!(
        lemma,
        "announce"
            | "say"
            | "declare"
            | "confirm"
            | "tell"
            | "state"
            | "decide"
            | "write"
            | "tweet"
    )
}

/// Actions that are words, not deeds: promised or planned, they are still themselves.
fn is_verbal(action: &str) -> bool {
    matches!(
        action,
        "reassure_allies"
            | "intend_to_cooperate"
            | "appeal"
            | "demand"
            | "warn"
            | "threaten"
            | "praise"
            | "disapprove"
            | "reject"
            | "make_statement"
            | "protest"
    )
}

fn intensity(action: &str) -> f64 {
    Taxonomy::builtin()
        .action(action)
        .map(|a| a.intensity)
        .unwrap_or(0.0)
}

/// One real-world event is one proposal: the same actor, target and action (or the same
/// speaker's statements of one sign) within three days merge, keeping the best-dated clause and
/// every sentence as evidence.
fn merge(found: Vec<Found>, reference: NaiveDate) -> Vec<Found> {
    let mut kept: Vec<Found> = Vec::new();
    // A headline is dated by the report; the lead that restates it names the day, within the
    // week before.
    let recent = |f: &Found| (reference - f.date).num_days() <= 7 && !f.background;
    let said = |f: &Found| f.kind == EventKind::Statement || is_verbal(&f.action);
    // The readings each kept event was found in: a restatement's sentence is the event's too,
    // so the reason a lead gives for the deed its headline reports is the deed's.
    let mut read_in: Vec<Vec<usize>> = Vec::new();
    for event in found {
        let same = kept.iter().zip(&read_in).position(|(k, sentences)| {
            let same_sentence = sentences.contains(&event.reading);
            let undated_restatement = (k.basis == DateBasis::Report && recent(&event))
                || (event.basis == DateBasis::Report && recent(k));
            let close = (k.date - event.date).num_days().abs() <= 3 || undated_restatement;
            let meeting = |action: &str| matches!(action, "consult" | "hold_summit");
            let other_people = k.counterpart.is_some()
                && event.counterpart.is_some()
                && k.counterpart != event.counterpart;
            // `met Putin to seek agreement`: what a meeting is for is the meeting.
            let purpose_of_meeting = same_sentence
                && ((meeting(&k.action) && event.action == "intend_to_cooperate")
                    || (meeting(&event.action) && k.action == "intend_to_cooperate"));
            let pair = (k.actor == event.actor && k.target == event.target)
                || (k.actor == event.target
                    && k.target == event.actor
                    && ((symmetric(&k.action) && symmetric(&event.action))
                        || purpose_of_meeting
                        // Each side freeing the other's prisoners the same day: one swap.
                        || (k.action == "yield" && event.action == "yield")
                        || (k.joint && event.joint)));
            // A headline restates the lead's statement in its own verb (`slams` for
            // `accused`), and one speaker restates their own; another speaker's verb is another
            // statement (Trump's demand, then Pence's protest), and a denial answers an
            // accusation, never restates it.
            // The talks and the summit they were: one meeting.
            let same_kind = k.action == event.action
                || (meeting(&k.action) && meeting(&event.action))
                || purpose_of_meeting
                || (k.kind == EventKind::Statement
                    && event.kind == EventKind::Statement
                    && (k.sentence_index == 0
                        || event.sentence_index == 0
                        || (k.voice.is_some() && k.voice == event.voice))
                    && k.action != "reject"
                    && event.action != "reject"
                    && intensity(&k.action).signum() == intensity(&event.action).signum())
                // `dismissed the accusations, saying they are groundless`: one speaker's words
                // in one sentence are one statement.
                || (said(k) && said(&event) && same_sentence)
                // `withdrew from the treaty, saying Russia violated it`: the reason given for
                // a deed in its sentence is the deed's.
                || (same_sentence
                    && said(k) != said(&event)
                    && intensity(&k.action).signum() == intensity(&event.action).signum());
            let two_meetings = meeting(&k.action) && meeting(&event.action) && other_people;
            pair && same_kind && close && k.background == event.background && !two_meetings
        });
        match same {
            Some(index) => {
                read_in[index].push(event.reading);
                let k = &mut kept[index];
                let upgrade = (event.action == "hold_summit" && k.action != "hold_summit")
                    || (k.action == "intend_to_cooperate"
                        && matches!(event.action.as_str(), "consult" | "hold_summit"))
                    // `accused Russia of … and announced sanctions`: the deed, not its reason.
                    || (k.action == "disapprove"
                        && !said(&event)
                        && intensity(&event.action) < 0.0);
                if upgrade {
                    k.action = event.action.clone();
                    k.kind = event.kind;
                    k.actor = event.actor.clone();
                    k.target = event.target.clone();
                    k.issue = event.issue.clone();
                    k.pillar = event.pillar.clone();
                }
                // `raised concerns over Putin's decision`: the restatement names what about.
                if k.issue.is_none() && event.issue.is_some() && k.action == event.action {
                    k.issue = event.issue.clone();
                    k.pillar = event.pillar.clone();
                }
                if rank(event.basis) < rank(k.basis) {
                    k.date = event.date;
                    k.basis = event.basis;
                }
                if !k.quotes.contains(&event.sentence) {
                    k.quotes.push(event.sentence.clone());
                }
                k.confidence = k.confidence.max(event.confidence);
                k.explanation.push(format!(
                    "merged: the same event in sentence {}",
                    event.sentence_index
                ));
            }
            None => {
                read_in.push(vec![event.reading]);
                kept.push(event);
            }
        }
    }
    kept
}

fn rank(basis: DateBasis) -> u8 {
    match basis {
        DateBasis::Stated => 0,
        DateBasis::Approximate => 1,
        DateBasis::Report => 2,
    }
}

/// Acts both sides do together: either order is the same event.
fn symmetric(action: &str) -> bool {
    matches!(
        action,
        "consult"
            | "hold_summit"
            | "sign_agreement"
            | "cooperate_diplomatically"
            | "cooperate_materially"
            | "third_party_action"
    )
}

/// What every proposal of an article shares.
struct SourceFacts<'a> {
    dyad: &'a str,
    outlet: &'a str,
    published: Option<NaiveDate>,
    options: &'a CodingOptions,
    title: &'a str,
}

fn propose(found: Found, source: &SourceFacts) -> Proposal {
    let mut notes = found.notes;
    let mut summary: String = found.sentence.chars().take(300).collect();
    if found.basis == DateBasis::Report {
        summary.push_str(" (dated by the report)");
    }
    if found.quotes.len() > 1 {
        notes.push("reported in several sentences");
    }
    let source_key = source.options.url.clone().unwrap_or_else(|| {
        format!(
            "{}|{}|{}",
            source.outlet,
            source.title,
            source.published.map(|d| d.to_string()).unwrap_or_default()
        )
    });
    let id = Uuid::new_v5(
        &PROPOSAL_NAMESPACE,
        format!(
            "{source_key}\n{}\n{}\n{}\n{}",
            found.sentence, found.action, found.actor, found.target
        )
        .as_bytes(),
    );
    let quote = found
        .quotes
        .join(" … ")
        .chars()
        .take(4000)
        .collect::<String>();
    let (speaker, statement_quote) = match found.kind {
        EventKind::Statement => (
            Some(
                found
                    .attribution
                    .clone()
                    .unwrap_or_else(|| found.actor.clone())
                    .chars()
                    .take(200)
                    .collect(),
            ),
            Some(
                quoted(&found.sentence)
                    .unwrap_or_else(|| found.sentence.chars().take(4000).collect()),
            ),
        ),
        _ => (None, None),
    };
    let event = EventInput {
        id: Some(id.to_string()),
        dyad: source.dyad.to_string(),
        kind: found.kind,
        occurred_on: found.date.to_string(),
        actor: found.actor,
        target: found.target,
        action: found.action,
        intensity: None,
        confidence: Some((found.confidence.clamp(0.3, 0.95) * 100.0).round() / 100.0),
        issue: found.issue,
        pillar: found.pillar,
        summary,
        speaker,
        quote: statement_quote,
        source: SourceInput {
            outlet: source.outlet.to_string(),
            url: source.options.url.clone(),
            published_on: source.published.map(|d| d.to_string()),
            attribution: found.attribution.map(|a| a.chars().take(200).collect()),
            quote: Some(quote),
        },
    };
    Proposal {
        event,
        note: notes.join("; "),
        explanation: found.explanation.join("\n"),
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
