//! Clauses: what a parsed sentence says, read off its dependency tree (Universal Dependencies)
//! before any dictionary is consulted: each verb's subjects and objects, whether it is passive,
//! negated, hypothetical or future, the clause that governs it (a speech verb, a control verb),
//! and its time expressions.
//!
//! Owns grammar only. It knows no actor, action or issue (the coder maps clauses to events with
//! the dictionaries) and never looks at words beyond the closed classes grammar is made of
//! (auxiliaries, negation, subordinators), so it holds for any relationship and any language
//! domain the parser covers.

use crate::parse::Sentence;

/// How a clause stands to the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mood {
    /// Stated as having happened or happening.
    Fact,
    /// `will`, `shall`, `is going to`: a future the speaker commits to.
    Future,
    /// `would`, `could`, `might`, `may`, `should`, `must`, `can`: possible, wished or required,
    /// not done.
    Modal,
    /// Under `if` or `unless`.
    Conditional,
    /// An infinitive of purpose or an intention ("to combat", "plans to expel").
    Intended,
}

/// A verb of the sentence with its grammatical roles (token indices, 0-based).
#[derive(Debug, Clone)]
pub struct Clause {
    /// The verb.
    pub verb: usize,
    /// Its subjects (coordinated ones included); for a passive, the party it is done to.
    pub subjects: Vec<usize>,
    /// The `by` agents of a passive.
    pub agents: Vec<usize>,
    /// Direct and indirect objects (coordinated ones included).
    pub objects: Vec<usize>,
    /// Prepositional phrases: the preposition's lemma and the phrase's head.
    pub obliques: Vec<(String, usize)>,
    /// A verb particle (`pull out`, `sign off`).
    pub particle: Option<String>,
    /// Passive voice.
    pub passive: bool,
    /// Negated (`not`, `never`), on the verb or its auxiliaries.
    pub negated: bool,
    /// How it stands to the facts.
    pub mood: Mood,
    /// Required of its subject (`must`, `should`, `ought to`): in someone's words, a demand.
    pub obliged: bool,
    /// Past perfect (`had signed`): told as background.
    pub past_perfect: bool,
    /// Present perfect (`has long complained`).
    pub present_perfect: bool,
    /// The clause that governs this one, and how.
    pub governor: Option<(usize, Link)>,
    /// Heads of time expressions attached to the verb.
    pub times: Vec<usize>,
    /// A subordinator of time or cause (`since`, `after`, `because`): the clause tells what
    /// led to the news, not the news.
    pub backdrop: bool,
}

/// How a clause hangs from the one that governs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// A complement clause (`said that …`).
    Complement,
    /// Reported speech set beside the clause (`…, officials said`): the governor is the clause's
    /// speech verb.
    Parenthetical,
    /// An infinitive complement whose subject is the governor's (`decided to expel`).
    Control,
    /// Another verb coordinated with the governor, sharing its subject.
    Coordinated,
    /// An adverbial clause (`after expelling`, `to combat`).
    Adverbial,
    /// A clause modifying a noun (`a plan to expel`, `which was signed`).
    NounModifier,
}

/// The base relation of a UD label (`nsubj:pass` → `nsubj`).
fn base(deprel: &str) -> &str {
    deprel.split(':').next().unwrap_or(deprel)
}

/// A parsed sentence with its tree walked once.
pub struct Tree<'a> {
    /// The sentence.
    pub sentence: &'a Sentence,
    children: Vec<Vec<usize>>,
}

impl<'a> Tree<'a> {
    /// Indexes the tree's children.
    pub fn new(sentence: &'a Sentence) -> Tree<'a> {
        let mut children = vec![Vec::new(); sentence.tokens.len()];
        for (i, token) in sentence.tokens.iter().enumerate() {
            if token.head > 0 && token.head <= sentence.tokens.len() {
                children[token.head - 1].push(i);
            }
        }
        Tree { sentence, children }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.sentence.tokens.len()
    }

    /// Whether the sentence has no token.
    pub fn is_empty(&self) -> bool {
        self.sentence.tokens.is_empty()
    }

    /// The head of token `i` (0-based), none for the root.
    pub fn head(&self, i: usize) -> Option<usize> {
        let head = self.sentence.tokens[i].head;
        (head > 0 && head <= self.len()).then(|| head - 1)
    }

    /// The full relation of token `i` to its head.
    pub fn deprel(&self, i: usize) -> &str {
        &self.sentence.tokens[i].deprel
    }

    /// The base relation of token `i` to its head.
    pub fn rel(&self, i: usize) -> &str {
        base(&self.sentence.tokens[i].deprel)
    }

    /// The lemma of token `i`, lower-cased.
    pub fn lemma(&self, i: usize) -> String {
        self.sentence.tokens[i].lemma.to_lowercase()
    }

    /// The form of token `i`, lower-cased.
    pub fn lower(&self, i: usize) -> String {
        self.sentence.tokens[i].form.to_lowercase()
    }

    /// The UPOS of token `i`.
    pub fn upos(&self, i: usize) -> &str {
        &self.sentence.tokens[i].upos
    }

    /// The XPOS of token `i`.
    pub fn xpos(&self, i: usize) -> &str {
        &self.sentence.tokens[i].xpos
    }

    /// The children of token `i`.
    pub fn children(&self, i: usize) -> &[usize] {
        &self.children[i]
    }

    /// The children of `i` whose base relation is `rel`.
    pub fn kids<'t>(&'t self, i: usize, rel: &'t str) -> impl Iterator<Item = usize> + 't {
        self.children[i]
            .iter()
            .copied()
            .filter(move |&c| self.rel(c) == rel)
    }

    /// `i` and the tokens coordinated with it (`Russia and China`).
    pub fn with_conjuncts(&self, i: usize) -> Vec<usize> {
        let mut all = vec![i];
        let mut at = 0;
        while at < all.len() {
            let next: Vec<usize> = self.kids(all[at], "conj").collect();
            all.extend(next);
            at += 1;
        }
        all
    }

    /// The tokens of the subtree under `i`, in order, bounded so that a runaway sentence stays
    /// linear in practice.
    pub fn subtree(&self, i: usize) -> Vec<usize> {
        let mut all = vec![i];
        let mut at = 0;
        while at < all.len() {
            all.extend_from_slice(&self.children[all[at]]);
            at += 1;
        }
        all.sort_unstable();
        all
    }

    /// The noun phrase under `i` without its clauses (relative clauses, appositions' clauses,
    /// coordinated phrases), in order: what a mention or an object is read from.
    pub fn phrase(&self, i: usize) -> Vec<usize> {
        let mut all = vec![i];
        let mut at = 0;
        while at < all.len() {
            for &c in &self.children[all[at]] {
                if !matches!(
                    self.rel(c),
                    "acl" | "advcl" | "conj" | "cc" | "parataxis" | "ccomp" | "punct" | "appos"
                ) {
                    all.push(c);
                }
            }
            at += 1;
        }
        all.sort_unstable();
        all
    }

    /// The text of tokens `from..=to` as they stand in the sentence.
    pub fn text(&self, tokens: &[usize]) -> String {
        tokens
            .iter()
            .map(|&t| self.sentence.tokens[t].form.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Words of grammar the reading depends on.
const NEGATIONS: [&str; 4] = ["not", "n't", "never", "no"];
const FUTURE: [&str; 3] = ["will", "shall", "'ll"];
const OBLIGATIONS: [&str; 3] = ["must", "should", "ought"];
const MODALS: [&str; 9] = [
    "would", "could", "might", "may", "should", "must", "can", "ought", "'d",
];
/// Nouns that measure what their `of` phrase names: `held three hours of talks` held talks.
const MEASURES: [&str; 9] = [
    "hour", "day", "minute", "week", "round", "series", "couple", "number", "lot",
];
const CONDITIONS: [&str; 4] = ["if", "unless", "whether", "lest"];
const BACKDROPS: [&str; 6] = ["since", "after", "before", "because", "following", "until"];

/// Every clause of the sentence, in order of its verbs.
pub fn clauses(tree: &Tree) -> Vec<Clause> {
    let mut found: Vec<Clause> = (0..tree.len())
        .filter(|&i| is_predicate(tree, i))
        .map(|i| read_clause(tree, i))
        .collect();
    read_headlines(tree, &mut found);
    inherit_subjects(tree, &mut found);
    found
}

/// A verb, or an adjective or noun that heads a clause with a copula is not an event; only
/// verbs are predicates here (event nouns are read by the coder through their verbs).
fn is_predicate(tree: &Tree, i: usize) -> bool {
    tree.upos(i) == "VERB"
}

impl Clause {
    /// A clause headed by `head` with only a subject: what an event noun with its possessor, or
    /// an adjective of readiness with its subject, stands for.
    pub fn with_subject(head: usize, subject: Option<usize>) -> Clause {
        Clause {
            verb: head,
            subjects: subject.into_iter().collect(),
            agents: Vec::new(),
            objects: Vec::new(),
            obliques: Vec::new(),
            particle: None,
            passive: false,
            negated: false,
            mood: Mood::Fact,
            obliged: false,
            past_perfect: false,
            present_perfect: false,
            governor: None,
            times: Vec::new(),
            backdrop: false,
        }
    }
}

fn read_clause(tree: &Tree, verb: usize) -> Clause {
    let mut clause = Clause::with_subject(verb, None);
    for &child in tree.children(verb) {
        let lower = tree.lower(child);
        // `a week before Russia launched`: the parser hangs the subordinator on the subject as
        // a preposition; a subject never takes one.
        if tree.deprel(child) == "nsubj"
            && tree
                .kids(child, "case")
                .any(|c| c < child && BACKDROPS.contains(&tree.lower(c).as_str()))
        {
            clause.backdrop = true;
        }
        match tree.deprel(child) {
            // One subject (with its conjuncts); a second is a misparse, of a coordination when
            // an `and` stands between them (`Trump and Putin held`).
            "nsubj" | "csubj"
                if clause.subjects.is_empty()
                    || coordinated_with(tree, &clause.subjects, child) =>
            {
                clause.subjects.extend(tree.with_conjuncts(child))
            }
            // Of two subjects that are not coordinated, the one nearer the verb is its own
            // ("The first pillar, a US official said, is …").
            // Unless a preposition opens it: `the ambassador to the U.S. slammed` is one subject.
            "nsubj" | "csubj"
                if child.abs_diff(verb) < clause.subjects[0].abs_diff(verb)
                    && !opened_by_preposition(tree, child) =>
            {
                clause.subjects = tree.with_conjuncts(child)
            }
            "nsubj:pass" | "csubj:pass" if clause.subjects.is_empty() => {
                clause.passive = true;
                clause.subjects.extend(tree.with_conjuncts(child));
            }
            "obj" | "iobj" => {
                // `offered no details`, `has seen no proof`: nothing was done.
                clause.negated |= tree.kids(child, "det").any(|d| tree.lower(d) == "no");
                clause.objects.extend(
                    tree.with_conjuncts(child)
                        .into_iter()
                        .map(|o| measured(tree, o)),
                )
            }
            "obl:agent" => clause.agents.extend(tree.with_conjuncts(child)),
            // UD 2.14 merged `obl:tmod` and `obl:npmod` into `obl:unmarked`.
            "obl:tmod" | "nmod:tmod" | "obl:npmod" | "obl:unmarked" | "nmod:unmarked"
                if is_time_phrase(tree, child) =>
            {
                clause.times.push(child)
            }
            "compound:prt" => clause.particle = Some(lower.clone()),
            // `push back`, `pull out` read as an adverb by the parser.
            "advmod"
                if child == verb + 1
                    && matches!(
                        lower.as_str(),
                        "back" | "out" | "off" | "down" | "away" | "up"
                    ) =>
            {
                clause.particle = Some(lower.clone())
            }
            "aux:pass" => clause.passive = true,
            "advmod" if NEGATIONS.contains(&lower.as_str()) => clause.negated = true,
            "advmod" if is_time_word(&lower) => clause.times.push(child),
            "aux" => read_auxiliary(tree, child, &mut clause),
            "mark" if CONDITIONS.contains(&lower.as_str()) => clause.mood = Mood::Conditional,
            "mark" if BACKDROPS.contains(&lower.as_str()) => clause.backdrop = true,
            // `… when he met his counterparts`: UD makes the `when` of a clause of time its
            // adverb, not its subordinator.
            "advmod" if lower == "when" && tree.deprel(verb) == "advcl" && child < verb => {
                clause.backdrop = true
            }
            _ => {}
        }
        if tree.rel(child) == "obl"
            && tree.deprel(child) != "obl:agent"
            && !clause.times.contains(&child)
        {
            if is_time_phrase(tree, child) {
                clause.times.push(child);
            } else {
                let case = tree
                    .kids(child, "case")
                    .map(|c| tree.lemma(c))
                    .collect::<Vec<_>>()
                    .join(" ");
                for head in tree.with_conjuncts(child) {
                    clause.obliques.push((case.clone(), head));
                }
            }
        }
    }
    // `The United States has concluded`: a subject misattached to the auxiliary.
    if clause.subjects.is_empty()
        && let Some(subject) = tree
            .kids(verb, "aux")
            .find_map(|aux| tree.kids(aux, "nsubj").next())
    {
        clause.subjects = tree.with_conjuncts(subject);
    }
    // `Asked how he would …, Trump said`: a bare past participle set before its clause is
    // done to the clause's subject and only sets the scene.
    if tree.deprel(verb) == "advcl"
        && (tree.xpos(verb) == "VBN" || (tree.xpos(verb) == "VBD" && verb == 0))
        && tree.head(verb).is_some_and(|h| verb < h)
        && clause.subjects.is_empty()
        && tree.kids(verb, "aux").next().is_none()
        && tree.kids(verb, "mark").next().is_none()
    {
        clause.passive = true;
        clause.backdrop = true;
    }
    // An agent in a passive's `by` phrase.
    if clause.passive && clause.agents.is_empty() {
        for (case, head) in &clause.obliques {
            if case == "by" {
                clause.agents.push(*head);
            }
        }
    }
    // A finite verb parsed as a clause on the noun before it (`A senior general suggested
    // …` read as a noun phrase) is that noun's predicate.
    if clause.subjects.is_empty()
        && tree.deprel(verb) == "acl"
        && (matches!(tree.xpos(verb), "VBD" | "VBZ" | "VBP")
            || tree.xpos(verb) == "VBN"
                && (tree.kids(verb, "ccomp").next().is_some() || reports_on(tree, verb)))
        && let Some(noun) = tree.head(verb)
    {
        clause.subjects = vec![noun];
    }
    clause.governor = governor(tree, verb);
    if clause.mood == Mood::Fact && is_infinitive_purpose(tree, verb) {
        clause.mood = Mood::Intended;
    }
    clause
}

/// `US journalist detained in Russia`: a headline without a finite verb tells a passive as a
/// noun with its participle; the noun is what the participle was done to. `US embassy to halt
/// visas`: it tells a step announced as decided as the noun with an infinitive; the noun takes
/// it, as the lead will say (`the embassy will halt …`).
fn read_headlines(tree: &Tree, clauses: &mut [Clause]) {
    if (0..tree.len()).any(|t| matches!(tree.xpos(t), "VBD" | "VBZ" | "VBP" | "MD")) {
        return;
    }
    for clause in clauses {
        if let Some(noun) = headline_passive(tree, clause.verb) {
            clause.subjects = vec![noun];
            clause.passive = true;
            clause.governor = None;
        } else if let Some(noun) = headline_infinitive(tree, clause.verb) {
            clause.subjects = vec![noun];
            clause.mood = Mood::Fact;
            clause.governor = None;
        }
    }
}

/// The noun at the root of a sentence without a finite verb that an infinitive hangs from.
fn headline_infinitive(tree: &Tree, verb: usize) -> Option<usize> {
    let noun = tree.head(verb)?;
    let fragment = matches!(tree.upos(noun), "NOUN" | "PROPN")
        && tree.head(noun).is_none()
        && tree.deprel(verb) == "acl"
        && tree.xpos(verb) == "VB"
        && tree.kids(verb, "mark").any(|m| tree.lower(m) == "to")
        && tree.kids(verb, "nsubj").next().is_none();
    fragment.then_some(noun)
}

/// The noun a participle of a sentence without a finite verb was done to.
fn headline_passive(tree: &Tree, verb: usize) -> Option<usize> {
    let noun = tree.head(verb)?;
    let fragment = matches!(tree.upos(noun), "NOUN" | "PROPN")
        && tree.deprel(verb) == "acl"
        && tree.xpos(verb) == "VBN"
        && tree.kids(verb, "nsubj").next().is_none()
        // `Russian forces detained two Russians`: a past tense misread as a participle.
        && tree.kids(verb, "obj").next().is_none()
        // `The INF treaty, signed by Reagan …, banned …`: a sentence whose verb the tagger
        // missed, not a headline.
        && !tree
            .kids(verb, "punct")
            .any(|p| p < verb && tree.lower(p) == ",");
    fragment.then_some(noun)
}

/// Whether a later `that` clause hangs from the same noun as `verb` (`an official confirmed
/// Wednesday that …` misread as a noun phrase): `verb` is the one who reports it.
fn reports_on(tree: &Tree, verb: usize) -> bool {
    tree.head(verb).is_some_and(|noun| {
        tree.children(noun).iter().any(|&c| {
            c > verb
                && tree.deprel(c) == "acl"
                && tree.kids(c, "mark").any(|m| tree.lower(m) == "that")
        })
    })
}

/// Whether the phrase headed by `head` follows a preposition (`to the U.S.`).
fn opened_by_preposition(tree: &Tree, head: usize) -> bool {
    let start = tree.phrase(head).into_iter().min().unwrap_or(head);
    start > 0
        && matches!(
            tree.lower(start - 1).as_str(),
            "to" | "of" | "in" | "for" | "from"
        )
}

/// Whether `and` stands between the last subject found and `next`.
fn coordinated_with(tree: &Tree, subjects: &[usize], next: usize) -> bool {
    let joined = |from: usize, to: usize| {
        (from.min(to)..from.max(to)).any(|t| tree.upos(t) == "CCONJ" && tree.lower(t) == "and")
    };
    // `Minister Sergei Lavrov and U.S. Secretary of State Rex Tillerson met`: the parser joins
    // the title to the first name and leaves the second name a subject of its own.
    let titled_second = |first: usize| {
        next > first
            && joined(first, next)
            && (first..next).all(|t| !matches!(tree.upos(t), "VERB" | "AUX" | "PUNCT"))
    };
    subjects.last().is_some_and(|&last| joined(last, next))
        || subjects.first().is_some_and(|&first| titled_second(first))
}

fn read_auxiliary(tree: &Tree, aux: usize, clause: &mut Clause) {
    let lower = tree.lower(aux);
    let lemma = tree.lemma(aux);
    if FUTURE.contains(&lower.as_str()) || lemma == "will" || lemma == "shall" {
        clause.mood = clause.mood.max_with(Mood::Future);
    } else if MODALS.contains(&lower.as_str()) {
        clause.mood = clause.mood.max_with(Mood::Modal);
        clause.obliged |= OBLIGATIONS.contains(&lower.as_str());
    } else if lemma == "have" {
        if matches!(lower.as_str(), "had" | "'d") {
            clause.past_perfect = true;
        } else {
            clause.present_perfect = true;
        }
    }
    // "did not", "has not": negation may hang from the auxiliary.
    if tree
        .children(aux)
        .iter()
        .any(|&c| NEGATIONS.contains(&tree.lower(c).as_str()))
    {
        clause.negated = true;
    }
}

impl Mood {
    /// The weaker of two readings: a modal future is modal.
    fn max_with(self, other: Mood) -> Mood {
        fn rank(m: Mood) -> u8 {
            match m {
                Mood::Fact => 0,
                Mood::Future => 1,
                Mood::Intended => 2,
                Mood::Modal => 3,
                Mood::Conditional => 4,
            }
        }
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// `to combat` as an adverbial clause or a noun's clause: a purpose or plan, not a deed.
fn is_infinitive_purpose(tree: &Tree, verb: usize) -> bool {
    let infinitive = tree.kids(verb, "mark").any(|m| tree.lower(m) == "to")
        || tree.xpos(verb) == "VB" && tree.kids(verb, "aux").any(|a| tree.lower(a) == "to");
    infinitive && matches!(tree.rel(verb), "advcl" | "acl")
}

fn governor(tree: &Tree, verb: usize) -> Option<(usize, Link)> {
    // "…, officials said": the speech verb hangs from the clause as parataxis.
    if let Some(speech) = tree
        .kids(verb, "parataxis")
        .find(|&p| tree.upos(p) == "VERB" && !tree.kids(p, "nsubj").collect::<Vec<_>>().is_empty())
        .filter(|&p| p > verb)
    {
        return Some((speech, Link::Parenthetical));
    }
    let head = tree.head(verb)?;
    let that_clause = tree.kids(verb, "mark").any(|m| tree.lower(m) == "that");
    // `A U.S. official confirmed Wednesday that Russia has deployed …` read as a noun phrase:
    // both verbs hang from the noun, and the `that` clause belongs to the finite verb before it.
    if that_clause
        && tree.deprel(verb) == "acl"
        && tree.upos(head) != "VERB"
        && let Some(predicate) = tree.children(head).iter().copied().find(|&c| {
            c < verb
                && tree.deprel(c) == "acl"
                && matches!(tree.xpos(c), "VBD" | "VBZ" | "VBP" | "VBN")
        })
    {
        return Some((predicate, Link::Complement));
    }
    let link = match tree.deprel(verb) {
        "ccomp" => Link::Complement,
        // `notified Washington that it was suspending …` misread as an adverbial clause.
        "advcl" | "acl"
            if tree.upos(head) == "VERB"
                && tree.kids(verb, "mark").any(|m| tree.lower(m) == "that") =>
        {
            Link::Complement
        }
        "xcomp" => Link::Control,
        "conj" => Link::Coordinated,
        "advcl" => Link::Adverbial,
        "acl" | "acl:relcl" => Link::NounModifier,
        // `told her counterpart, …, that Moscow must de-escalate` misread as parataxis.
        "parataxis" if tree.kids(verb, "mark").any(|m| tree.lower(m) == "that") => Link::Complement,
        // `…, blaming Washington for …` hung on whatever word precedes it: a participle without
        // a subject is the doing of the sentence's subject.
        "parataxis"
            if head < verb
                && tree.xpos(verb) == "VBG"
                && tree.kids(verb, "nsubj").next().is_none() =>
        {
            let root = (0..tree.len()).find(|&t| tree.deprel(t) == "root")?;
            return (root != verb && tree.upos(root) == "VERB").then_some((root, Link::Adverbial));
        }
        "parataxis" if head < verb => return None,
        "parataxis" => Link::Complement,
        _ => return None,
    };
    Some((head, link))
}

/// Words that are times on their own ("yesterday", "previously").
fn is_time_word(word: &str) -> bool {
    matches!(
        word,
        "yesterday"
            | "today"
            | "tonight"
            | "earlier"
            | "previously"
            | "recently"
            | "already"
            | "once"
            | "formerly"
            | "later"
            | "ago"
            | "now"
            | "currently"
            | "long"
            | "since"
    )
}

/// A prepositional phrase that is a time: a weekday, a month, a year, `week`, `day`...
pub fn is_time_phrase(tree: &Tree, head: usize) -> bool {
    let word = tree.lower(head);
    // `February 24` may hang from its number.
    let named_day = tree.upos(head) == "NUM"
        && tree
            .children(head)
            .iter()
            .any(|&c| is_time_noun(&tree.lower(c)) && tree.upos(c) != "NUM");
    // `the 1987 treaty`, `its 2014 annexation`: a year after a determiner names a thing.
    let names_a_thing = head
        .checked_sub(1)
        .is_some_and(|before| matches!(tree.upos(before), "DET" | "PRON"));
    named_day
        || is_time_noun(&word)
        || (tree.upos(head) == "NUM"
            && word.len() == 4
            && word.parse::<u32>().is_ok_and(|y| (1900..2100).contains(&y))
            && !names_a_thing)
}

fn is_time_noun(word: &str) -> bool {
    const NOUNS: [&str; 32] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "weekend",
        "morning",
        "evening",
        "night",
        "afternoon",
    ];
    NOUNS.contains(&word)
        || matches!(
            word,
            "jan." | "feb." | "aug." | "sept." | "oct." | "nov." | "dec."
        )
}

/// Subjects a verb shares with the one it hangs from: a controlled infinitive (`decided to
/// expel`), a coordinated verb (`expelled … and closed …`), a participle.
fn inherit_subjects(tree: &Tree, clauses: &mut [Clause]) {
    let index_of = |verb: usize, clauses: &[Clause]| clauses.iter().position(|c| c.verb == verb);
    // Governors come before what they govern in most trees but not all: repeat to a fixpoint,
    // bounded by the depth of the tree.
    for _ in 0..4 {
        let mut changed = false;
        for i in 0..clauses.len() {
            if !clauses[i].subjects.is_empty() {
                continue;
            }
            let Some((governor, link)) = clauses[i].governor else {
                continue;
            };
            // A participle complement (`said, warning that …`) is its governor's too.
            let participle = link == Link::Complement && tree.xpos(clauses[i].verb) == "VBG";
            if !matches!(
                link,
                Link::Control | Link::Coordinated | Link::Adverbial | Link::NounModifier
            ) && !participle
            {
                continue;
            }
            // `signed a bill imposing sanctions`: a participle on a clause's object is that
            // clause's subject's doing.
            // `used the speech to denounce`: so is an infinitive of purpose on it.
            let purpose = tree.xpos(clauses[i].verb) == "VB"
                && tree
                    .kids(clauses[i].verb, "mark")
                    .any(|m| tree.lower(m) == "to");
            let governor = if link == Link::NounModifier {
                // `sanctions on firms aiding the FSB`: a participle after the object's own
                // phrase may be that phrase's, and the firms aid, not the one who sanctions.
                let verb = clauses[i].verb;
                let after_a_phrase = tree
                    .kids(governor, "nmod")
                    .any(|n| governor < n && n < verb);
                match clauses.iter().find(|c| c.objects.contains(&governor)) {
                    Some(c) if (tree.xpos(verb) == "VBG" || purpose) && !after_a_phrase => c.verb,
                    _ => continue,
                }
            } else {
                governor
            };
            let Some(g) = index_of(governor, clauses) else {
                // `Burns was in Turkey meeting his counterpart`: a participle on a copular
                // predicate is its subject's doing.
                let predicate_subjects: Vec<usize> = tree.kids(governor, "nsubj").collect();
                if link == Link::Adverbial
                    && tree.xpos(clauses[i].verb) == "VBG"
                    && tree.kids(governor, "cop").next().is_some()
                    && !predicate_subjects.is_empty()
                {
                    clauses[i].subjects = predicate_subjects;
                    changed = true;
                }
                continue;
            };
            let inherited = if clauses[g].passive && link == Link::Control {
                // "was ordered to leave": the one ordered leaves.
                clauses[g].subjects.clone()
            } else if link == Link::Coordinated && clauses[g].passive && !clauses[i].passive {
                Vec::new()
            } else {
                clauses[g].subjects.clone()
            };
            if !inherited.is_empty() {
                clauses[i].subjects = inherited;
                changed = true;
            }
            if link == Link::Coordinated && clauses[i].mood == Mood::Fact {
                // `caught a US destroyer … and chased it off`: the pronoun is the first object.
                let pronoun_object = !clauses[i].objects.is_empty()
                    && clauses[i]
                        .objects
                        .iter()
                        .all(|&o| matches!(tree.lower(o).as_str(), "it" | "them"));
                if pronoun_object && !clauses[g].objects.is_empty() {
                    clauses[i].objects = clauses[g].objects.clone();
                }
                // "will expel … and close …": the auxiliary is shared.
                clauses[i].mood = clauses[g].mood;
                clauses[i].negated |=
                    clauses[g].negated && tree.kids(clauses[i].verb, "aux").next().is_none();
            }
        }
        if !changed {
            break;
        }
    }
}

/// What an object measures (`hours of talks`: the talks), else the object itself.
pub fn measured(tree: &Tree, object: usize) -> usize {
    if !MEASURES.contains(&tree.lemma(object).as_str()) {
        return object;
    }
    tree.kids(object, "nmod")
        .find(|&n| tree.kids(n, "case").any(|c| tree.lemma(c) == "of"))
        .unwrap_or(object)
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn is_weekday(form: &str) -> bool {
    WEEKDAYS.contains(&form.to_lowercase().as_str())
}

/// Mends misreadings the parser makes on news and the coder cannot read past: a noun
/// swallowed by the day after it (`barring them from entry Thursday`: `entry` is not part of
/// the day; `A Russian court Monday sentenced`: the court is the subject), a day read as a
/// verb's subject or object (`The United States on Tuesday announced`, `said Friday`), the
/// verb's phrase hung on its day (`spoke on Monday with Lavrov`), a preposition hung inside a
/// name (`with … Sergei | Shoigu`), a
/// gerund after a verb read as an adjective on its object (`is considering sending weapons`),
/// a particle read as a preposition (`brushed off the claims`), an adjective in -ing read
/// as a verb (`unveiled sweeping sanctions`), and a title torn from its name (`met Deputy |
/// Foreign Minister Sergei Ryabkov`), two names opening a headline read as one in
/// apposition (`Russia, US begin consultations`: they are coordinated), and the infinitive of
/// a verb of intent read as one of purpose (`agreed on Thursday to provide`).
pub fn repair(sentence: &mut Sentence) {
    repair_broken_titles(sentence);
    repair_headline_pairs(sentence);
    repair_infinitives_read_as_adverbials(sentence);
    repair_swallowing_days(sentence);
    repair_days_as_arguments(sentence);
    repair_phrases_hung_on_days(sentence);
    repair_prepositions_inside_names(sentence);
    repair_gerunds_read_as_adjectives(sentence);
    repair_particles_read_as_prepositions(sentence);
    repair_adjectives_read_as_gerunds(sentence);
}

/// The words a title before a name opens with (`Deputy Foreign Minister`, `Secretary of State`).
const TITLE_WORDS: [&str; 16] = [
    "deputy",
    "foreign",
    "minister",
    "secretary",
    "undersecretary",
    "under",
    "assistant",
    "ambassador",
    "envoy",
    "president",
    "prime",
    "defense",
    "defence",
    "general",
    "admiral",
    "spokesman",
];

/// `met Deputy Foreign Minister Sergei Ryabkov`: the parser reads the title's first word as
/// the argument and hangs the name from the verb apart; the name is the argument, with its
/// whole title.
fn repair_broken_titles(sentence: &mut Sentence) {
    let tokens = &mut sentence.tokens;
    let capitalized = |form: &str| form.chars().next().is_some_and(char::is_uppercase);
    for title in 0..tokens.len() {
        let verb = tokens[title].head;
        let is_argument = matches!(
            tokens[title].deprel.as_str(),
            "obj" | "iobj" | "obl" | "nsubj" | "nsubj:pass"
        );
        if verb == 0
            || !is_argument
            || !capitalized(&tokens[title].form)
            || !TITLE_WORDS.contains(&tokens[title].form.to_lowercase().as_str())
        {
            continue;
        }
        // The run of capitalized words after the title, all hanging inside it, up to a name
        // that hangs from the title's verb.
        let mut name = None;
        for (next, token) in tokens.iter().enumerate().skip(title + 1) {
            if !capitalized(&token.form) {
                break;
            }
            if token.head == verb && token.upos == "PROPN" {
                name = Some(next);
                break;
            }
            if token.head <= title + 1 || token.head == verb {
                break;
            }
        }
        let Some(name) = name else {
            continue;
        };
        tokens[name].deprel = tokens[title].deprel.clone();
        tokens[title].head = name + 1;
        tokens[title].deprel = "nmod:desc".to_string();
        // `with Deputy …`: the preposition was the title's; it is the name's.
        for token in tokens.iter_mut() {
            if token.head == title + 1 && token.deprel == "case" {
                token.head = name + 1;
            }
        }
    }
}

/// Words in -ing that news uses as adjectives before a noun (`unveiled sweeping sanctions`).
const ING_ADJECTIVES: [&str; 16] = [
    "sweeping",
    "crippling",
    "punishing",
    "biting",
    "damaging",
    "growing",
    "mounting",
    "increasing",
    "existing",
    "remaining",
    "ongoing",
    "continuing",
    "lingering",
    "outstanding",
    "far-reaching",
    "wide-ranging",
];

/// `unveiled sweeping sanctions`: an adjective in -ing read as a verb whose object is the
/// noun it describes; the noun is the first verb's object.
fn repair_adjectives_read_as_gerunds(sentence: &mut Sentence) {
    let tokens = &mut sentence.tokens;
    for adjective in 1..tokens.len().saturating_sub(1) {
        let verb = tokens[adjective].head;
        let noun = adjective + 1;
        let misread = ING_ADJECTIVES.contains(&tokens[adjective].form.to_lowercase().as_str())
            && tokens[adjective].deprel == "xcomp"
            && verb > 0
            && verb - 1 < adjective
            && tokens[noun].head == adjective + 1
            && tokens[noun].deprel == "obj";
        if !misread {
            continue;
        }
        tokens[noun].head = verb;
        tokens[adjective].head = noun + 1;
        tokens[adjective].deprel = "amod".to_string();
        tokens[adjective].upos = "ADJ".to_string();
        // The noun's phrases were the gerund's; they are the verb's now.
        for token in tokens.iter_mut() {
            if token.head == adjective + 1 && matches!(token.deprel.as_str(), "obl" | "advcl") {
                token.head = verb;
            }
        }
    }
}

/// `brushed off the claims`, `waved aside the report`: the particle of a phrasal verb read as
/// the preposition of its object.
fn repair_particles_read_as_prepositions(sentence: &mut Sentence) {
    let tokens = &mut sentence.tokens;
    for particle in 1..tokens.len() {
        let verb = particle - 1;
        let noun = tokens[particle].head;
        let is_misread = matches!(
            tokens[particle].form.to_lowercase().as_str(),
            "off" | "aside" | "away"
        ) && tokens[particle].deprel == "case"
            && tokens[verb].upos == "VERB"
            && noun > particle + 1
            && tokens[noun - 1].head == verb + 1
            && tokens[noun - 1].deprel == "obl";
        let alone = || {
            tokens
                .iter()
                .enumerate()
                .all(|(t, token)| t == particle || token.head != noun || token.deprel != "case")
        };
        if is_misread && alone() {
            tokens[particle].head = verb + 1;
            tokens[particle].deprel = "compound:prt".to_string();
            tokens[noun - 1].deprel = "obj".to_string();
        }
    }
}

fn repair_swallowing_days(sentence: &mut Sentence) {
    let tokens = &mut sentence.tokens;
    for day in 0..tokens.len() {
        if !is_weekday(&tokens[day].form) {
            continue;
        }
        for noun in 0..day {
            if tokens[noun].head == day + 1
                && tokens[noun].deprel == "compound"
                && tokens[noun].upos == "NOUN"
            {
                tokens[noun].head = tokens[day].head;
                tokens[noun].deprel = tokens[day].deprel.clone();
                // `A Russian court Monday sentenced`: the court is the subject, not the day.
                if tokens[day].deprel.starts_with("nsubj") {
                    tokens[day].deprel = "obl:tmod".to_string();
                }
            }
        }
    }
}

/// In news a weekday is when, never who or what: the parser's subject or object day becomes a
/// time modifier, and an `on` before it its case.
fn repair_days_as_arguments(sentence: &mut Sentence) {
    let tokens = &mut sentence.tokens;
    for day in 0..tokens.len() {
        // `India and Russia today concluded`: a relative day only where it swallowed the
        // subject.
        let relative_day = matches!(
            tokens[day].form.to_lowercase().as_str(),
            "today" | "yesterday"
        ) && tokens[day].deprel.starts_with("nsubj")
            && (0..day).any(|t| tokens[t].head == day + 1 && tokens[t].upos == "PROPN");
        if !is_weekday(&tokens[day].form) && !relative_day {
            continue;
        }
        // `released from Russia Thursday`: the day read as part of the name before it.
        let name = tokens[day].head;
        if tokens[day].deprel == "flat" && name > 0 && tokens[name - 1].upos == "PROPN" {
            tokens[day].head = tokens[name - 1].head;
            tokens[day].deprel = "obl:tmod".to_string();
            continue;
        }
        let is_argument = matches!(
            tokens[day].deprel.as_str(),
            "nsubj" | "nsubj:pass" | "obj" | "iobj"
        );
        if !is_argument {
            continue;
        }
        if tokens[day].deprel.starts_with("nsubj") {
            // `Sergey Lavrov earlier Friday called`: the name the day swallowed is the subject.
            let swallowed = (0..day).find(|&t| {
                tokens[t].head == day + 1 && matches!(tokens[t].upos.as_str(), "PROPN" | "NOUN")
            });
            if let Some(subject) = swallowed {
                tokens[subject].head = tokens[day].head;
                tokens[subject].deprel = tokens[day].deprel.clone();
            }
        }
        let on = day
            .checked_sub(1)
            .filter(|&p| tokens[p].form.eq_ignore_ascii_case("on"));
        match on {
            Some(on) => {
                tokens[on].head = day + 1;
                tokens[on].deprel = "case".to_string();
                tokens[on].upos = "ADP".to_string();
                tokens[day].deprel = "obl".to_string();
            }
            None => tokens[day].deprel = "obl:tmod".to_string(),
        }
    }
}

/// `spoke on Monday with Lavrov`, `met Tuesday in Geneva`: a day does not take a phrase of
/// its own (but `Monday of last week`); the phrase the parser hung on it is its verb's.
fn repair_phrases_hung_on_days(sentence: &mut Sentence) {
    let tokens = &mut sentence.tokens;
    for day in 0..tokens.len() {
        let verb = tokens[day].head;
        if !is_weekday(&tokens[day].form) || !tokens[day].deprel.starts_with("obl") || verb == 0 {
            continue;
        }
        for phrase in day + 1..tokens.len() {
            if tokens[phrase].head != day + 1 || tokens[phrase].deprel != "nmod" {
                continue;
            }
            let case = (day + 1..phrase)
                .find(|&c| tokens[c].head == phrase + 1 && tokens[c].deprel == "case")
                .map(|c| tokens[c].form.to_lowercase());
            if case.as_deref().is_some_and(|c| c != "of") {
                tokens[phrase].head = verb;
                tokens[phrase].deprel = "obl".to_string();
            }
        }
    }
}

/// `with Russian Defense Minister Sergei Shoigu`: the parser may hang the preposition on a
/// word inside the name (`Sergei`, a compound of `Shoigu`); it is the whole name's.
fn repair_prepositions_inside_names(sentence: &mut Sentence) {
    let tokens = &mut sentence.tokens;
    for case in 0..tokens.len() {
        let word = tokens[case].head;
        if tokens[case].deprel != "case" || word == 0 {
            continue;
        }
        let name = tokens[word - 1].head;
        let inside = matches!(tokens[word - 1].deprel.as_str(), "compound" | "flat")
            && tokens[word - 1].upos == "PROPN"
            && name > word
            && tokens[name - 1].upos == "PROPN";
        if inside {
            tokens[case].head = name;
        }
    }
}

/// `Russia, US begin …`, `US, Russian military leaders meet …`: a headline's subject of two
/// names joined by a comma names both; the parser, trained on text that writes `and`, reads
/// the second as the first's apposition or as a second subject, or the first as a vocative.
fn repair_headline_pairs(sentence: &mut Sentence) {
    let tokens = &mut sentence.tokens;
    if tokens.len() < 4 || tokens[1].form != "," || tokens[0].upos != "PROPN" {
        return;
    }
    // Each name's dependents, the comma aside.
    let dependents = |name: usize| {
        tokens
            .iter()
            .enumerate()
            .filter(|(_, k)| k.head == name + 1 && k.deprel != "punct")
            .map(|(t, _)| t)
            .collect::<Vec<_>>()
    };
    let apposition = tokens[0].deprel == "nsubj"
        && tokens[2].upos == "PROPN"
        && tokens[2].deprel == "appos"
        && dependents(0) == [2]
        && dependents(2).is_empty();
    // `Russian` in `Russian army chiefs`: a modifier of the subject or of its compound.
    let mut owner = tokens[2].head;
    while owner > 0 && tokens[owner - 1].deprel == "compound" {
        owner = tokens[owner - 1].head;
    }
    let vocative = tokens[0].deprel == "vocative"
        && dependents(0).is_empty()
        && matches!(tokens[2].deprel.as_str(), "amod" | "compound")
        && owner > 0
        && tokens[owner - 1].deprel == "nsubj"
        && tokens[owner - 1].head == tokens[0].head;
    let two_subjects = tokens[0].deprel == "nsubj"
        && tokens[2].deprel == "nsubj"
        && tokens[2].upos == "PROPN"
        && tokens[0].head == tokens[2].head
        && dependents(2).is_empty();
    if apposition || two_subjects {
        tokens[2].head = 1;
        tokens[2].deprel = "conj".to_string();
    } else if vocative {
        // Heads count from 1: the first name becomes a conjunct of the second.
        tokens[0].head = 2 + 1;
        tokens[0].deprel = "conj".to_string();
    }
}

/// Verbs whose infinitive is their own subject's intent (`agreed to provide`, `vowed to
/// respond`).
const SUBJECT_CONTROL: [&str; 18] = [
    "agree", "vow", "pledge", "promise", "plan", "intend", "decide", "threaten", "offer", "refuse",
    "decline", "seek", "want", "try", "aim", "hope", "prepare", "fail",
];

/// `agreed on Thursday to provide weapons`: with a time between them, the parser reads the
/// infinitive of a verb of intent as one of purpose; it is what the verb intends.
fn repair_infinitives_read_as_adverbials(sentence: &mut Sentence) {
    let tokens = &mut sentence.tokens;
    for infinitive in 0..tokens.len() {
        let verb = tokens[infinitive].head;
        if tokens[infinitive].deprel != "advcl" || verb == 0 || verb > infinitive {
            continue;
        }
        let own = |relation: &str, form: Option<&str>| {
            tokens.iter().any(|k| {
                k.head == infinitive + 1
                    && k.deprel.starts_with(relation)
                    && form.is_none_or(|f| k.form == f)
            })
        };
        let intends = SUBJECT_CONTROL.contains(&tokens[verb - 1].lemma.to_lowercase().as_str())
            && !tokens
                .iter()
                .any(|k| k.head == verb && matches!(k.deprel.as_str(), "obj" | "ccomp" | "xcomp"));
        if intends && own("mark", Some("to")) && !own("nsubj", None) {
            tokens[infinitive].deprel = "xcomp".to_string();
        }
    }
}

fn repair_gerunds_read_as_adjectives(sentence: &mut Sentence) {
    let tokens = &mut sentence.tokens;
    for gerund in 0..tokens.len() {
        let object = tokens[gerund].head;
        let is_gerund = tokens[gerund].xpos == "VBG"
            && tokens[gerund].upos == "VERB"
            && tokens[gerund].deprel == "amod"
            && object == gerund + 2;
        let Some(verb) = is_gerund
            .then(|| tokens[object - 1].head)
            .filter(|&v| v == gerund)
        else {
            continue;
        };
        if tokens[object - 1].deprel != "obj" || tokens[verb - 1].upos != "VERB" {
            continue;
        }
        tokens[gerund].head = verb;
        tokens[gerund].deprel = "xcomp".to_string();
        tokens[object - 1].head = gerund + 1;
        // Its `to` and `for` phrases go with the verb now: `sending weapons to Pyongyang`.
        for token in tokens.iter_mut() {
            if token.head == object && token.deprel == "nmod" {
                token.head = gerund + 1;
                token.deprel = "obl".to_string();
            }
        }
    }
}
