//! The lemmatizer: the dictionary form of a word given its Penn Treebank tag (`expelled/VBD` →
//! `expel`, `talks/NNS` → `talk`, `was/VBD` → `be`, `n't/RB` → `not`).
//!
//! Owns rules learned from the training data: per tag, whether the lemma is lower-cased, and
//! per tag and word ending (up to six letters), which letters to cut and to add; plus a table of
//! the training words those rules get wrong (irregular verbs, pronouns), and the training
//! lemmas, against which a rule's guess for an unseen word is checked. It must not tag: it
//! reads the tag the tagger chose.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use super::ParseError;
use super::codec::{Reader, Writer};
use super::sentence::{Sentence, Token};

/// The longest word ending a rule looks at.
const LONGEST_SUFFIX: usize = 6;

/// The shortest lemma a second guess may give.
const SHORTEST_GUESS: usize = 3;

/// How a lemma is made from a (case-adjusted) form: cut letters off the end, add some.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Edit {
    cut: usize,
    add: String,
}

impl Edit {
    fn between(base: &str, lemma: &str) -> Edit {
        let common = base
            .chars()
            .zip(lemma.chars())
            .take_while(|(a, b)| a == b)
            .count();
        Edit {
            cut: base.chars().count() - common,
            add: lemma.chars().skip(common).collect(),
        }
    }

    /// Whether the edit adds more letters than it cuts.
    fn grows(&self) -> bool {
        self.add.chars().count() > self.cut
    }

    fn apply(&self, base: &str) -> Option<String> {
        let length = base.chars().count();
        let keep = length.checked_sub(self.cut)?;
        let mut lemma: String = base.chars().take(keep).collect();
        lemma.push_str(&self.add);
        (!lemma.is_empty()).then_some(lemma)
    }
}

/// The trained lemmatizer.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Lemmatizer {
    /// Tags whose lemmas are lower-cased (`NNS`: `Sanctions` → `sanction`; not `NNP`).
    lowercased: Vec<String>,
    /// (tag, word ending) → edit; the longest ending found wins.
    rules: HashMap<(String, String), Edit>,
    /// (form, tag) → lemma, for training words the rules get wrong.
    exceptions: HashMap<(String, String), String>,
    /// Per word class (a tag's first two letters: `VB`, `NN`, `JJ`), the lemmas of the training
    /// words of lower-cased tags: the words a guess may land on (`sever` is no `JJ`).
    known: HashMap<String, HashSet<String>>,
}

fn suffix(lower: &str, length: usize) -> Option<String> {
    let count = lower.chars().count();
    (length <= count).then(|| lower.chars().skip(count - length).collect())
}

/// Most frequent value, ties to the smallest: the same answer on every run.
fn most_frequent<T: Ord + Clone>(counts: &BTreeMap<T, usize>) -> Option<T> {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(value, _)| value.clone())
}

/// Tags whose capitalised words mostly have lower-case lemmas (`Sanctions/NNS` → `sanction`,
/// but `Moscow/NNP` → `Moscow`).
fn lowercased_tags(tokens: &[&Token]) -> Vec<String> {
    let mut votes: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for token in tokens
        .iter()
        .filter(|token| token.form != token.form.to_lowercase())
    {
        let tag_votes = votes.entry(token.xpos.as_str()).or_default();
        let lower_edit = Edit::between(&token.form.to_lowercase(), &token.lemma);
        let kept_edit = Edit::between(&token.form, &token.lemma);
        if lower_edit.cut + lower_edit.add.len() < kept_edit.cut + kept_edit.add.len() {
            tag_votes.0 += 1;
        } else {
            tag_votes.1 += 1;
        }
    }
    votes
        .into_iter()
        .filter(|(_, (lower, kept))| lower > kept)
        .map(|(tag, _)| tag.to_owned())
        .collect()
}

impl Lemmatizer {
    /// Learns from the gold lemmas and tags of `sentences`.
    pub(crate) fn train(sentences: &[Sentence]) -> Lemmatizer {
        let tokens: Vec<&Token> = sentences
            .iter()
            .flat_map(|sentence| &sentence.tokens)
            .filter(|token| !token.lemma.is_empty())
            .collect();
        let mut lemmatizer = Lemmatizer {
            lowercased: lowercased_tags(&tokens),
            ..Lemmatizer::default()
        };
        lemmatizer.rules = lemmatizer.learn_rules(&tokens);
        lemmatizer.learn_vocabulary(&tokens);
        lemmatizer.exceptions = lemmatizer.learn_exceptions(&tokens);
        lemmatizer
    }

    /// Per tag and word ending, the most frequent edit; a rule that says what the next shorter
    /// ending already says adds nothing and is left out.
    ///
    /// A word teaches a rule only for an ending shorter than itself that holds all the letters
    /// its edit rewrites: a whole word's edit is that word's exception (the treebank's typo fix
    /// `here/VB` → `hear` is no rule for `adhere`), and an edit reaching past its ending
    /// rewrites letters the rule never saw (`Iranian`'s capital made `Ukrainian` `ukIranian`).
    fn learn_rules(&self, tokens: &[&Token]) -> HashMap<(String, String), Edit> {
        let mut edits: BTreeMap<(String, String), BTreeMap<Edit, usize>> = BTreeMap::new();
        for token in tokens {
            let edit = Edit::between(&self.base(&token.form, &token.xpos), &token.lemma);
            let lower = token.form.to_lowercase();
            let shorter = lower.chars().count().min(LONGEST_SUFFIX + 1);
            let endings = (edit.cut..shorter).filter_map(|length| suffix(&lower, length));
            for ending in endings {
                *edits
                    .entry((token.xpos.clone(), ending))
                    .or_default()
                    .entry(edit.clone())
                    .or_default() += 1;
            }
        }
        let best: BTreeMap<&(String, String), Edit> = edits
            .iter()
            .filter_map(|(key, counts)| Some((key, most_frequent(counts)?)))
            .collect();
        best.iter()
            .filter(|((tag, ending), edit)| {
                let parent = suffix(ending, ending.chars().count().saturating_sub(1))
                    .filter(|_| !ending.is_empty());
                let redundant = parent
                    .and_then(|parent| best.get(&(tag.clone(), parent)))
                    .is_some_and(|parent_edit| parent_edit == *edit);
                !redundant
            })
            .map(|(&key, edit)| (key.clone(), edit.clone()))
            .collect()
    }

    /// The lemmas of the training words of lower-cased tags.
    fn learn_vocabulary(&mut self, tokens: &[&Token]) {
        let mut known: HashMap<String, HashSet<String>> = HashMap::new();
        for token in tokens.iter().filter(|t| self.lowers(&t.xpos)) {
            known
                .entry(word_class(&token.xpos).to_owned())
                .or_default()
                .insert(token.lemma.to_lowercase());
        }
        self.known = known;
    }

    /// Whether the tag's lemmas are lower-cased (common words, not names).
    fn lowers(&self, tag: &str) -> bool {
        self.lowercased.iter().any(|lowered| lowered == tag)
    }

    /// The training words whose most frequent lemma the rules do not give.
    fn learn_exceptions(&self, tokens: &[&Token]) -> HashMap<(String, String), String> {
        let mut lemmas: BTreeMap<(String, String), BTreeMap<String, usize>> = BTreeMap::new();
        for token in tokens {
            *lemmas
                .entry((token.form.clone(), token.xpos.clone()))
                .or_default()
                .entry(token.lemma.clone())
                .or_default() += 1;
        }
        lemmas
            .iter()
            .filter_map(|(key, counts)| Some((key, most_frequent(counts)?)))
            .filter(|((form, tag), lemma)| {
                self.by_rule(form, tag).as_deref() != Some(lemma.as_str())
            })
            .map(|(key, lemma)| (key.clone(), lemma))
            .collect()
    }

    fn base(&self, form: &str, tag: &str) -> String {
        if self.lowers(tag) {
            form.to_lowercase()
        } else {
            form.to_owned()
        }
    }

    /// The longest ending's edit; for a common word where that cuts to no lemma the training
    /// data knows, a known one that cuts less or puts back an `e` (`blamed`: `-amed` cuts as in
    /// `dreamed` to `blam`; `blame` is known).
    fn by_rule(&self, form: &str, tag: &str) -> Option<String> {
        let base = self.base(form, tag);
        let edit = self
            .edits_by_ending(form, tag)
            .find(|e| e.apply(&base).is_some())?;
        let first = edit.apply(&base)?;
        let class = self.known.get(word_class(tag));
        let known = |guess: &String| class.is_some_and(|lemmas| lemmas.contains(guess));
        if edit.cut == 0
            || !self.lowers(tag)
            || known(&first)
            || !base.chars().all(char::is_alphabetic)
        {
            return Some(first);
        }
        let length = base.chars().count();
        let cut_less = (1..edit.cut)
            .rev()
            .map(|cut| base.chars().take(length - cut).collect());
        let second = cut_less
            .chain(std::iter::once(format!("{first}e")))
            .find(|guess: &String| guess.chars().count() >= SHORTEST_GUESS && known(guess));
        Some(second.unwrap_or(first))
    }

    /// The rules that match the word's endings, longest ending first.
    fn edits_by_ending<'l>(&'l self, form: &str, tag: &'l str) -> impl Iterator<Item = &'l Edit> {
        let lower = form.to_lowercase();
        let whole = lower.chars().count();
        let longest = whole.min(LONGEST_SUFFIX);
        (0..=longest).rev().filter_map(move |length| {
            let ending = suffix(&lower, length)?;
            let edit = self.rules.get(&(tag.to_owned(), ending))?;
            // A name's ending that grows (`Nov` → `November`) is an abbreviation, learned from
            // the whole word: `Antonov` is no month.
            let abbreviation = matches!(tag, "NNP" | "NNPS") && edit.grows();
            (!abbreviation || length == whole).then_some(edit)
        })
    }

    /// The lemma of `form` tagged `tag`.
    pub(crate) fn lemma(&self, form: &str, tag: &str) -> String {
        // The treebank writes apostrophes straight: `’re` is its `'re`.
        let straight = if form.contains('’') {
            Cow::Owned(form.replace('’', "'"))
        } else {
            Cow::Borrowed(form)
        };
        let form = straight.as_ref();
        if let Some(lemma) = self.exception(form, tag) {
            return lemma.clone();
        }
        if tag == "CD"
            && form.contains(',')
            && form
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            return form.replace(',', ""); // 1,000 → 1000, as the treebank writes numbers
        }
        self.by_rule(form, tag)
            .unwrap_or_else(|| self.base(form, tag))
    }

    /// A training word's own lemma; capitalised (`Flew` at the head of a sentence), the lower-case
    /// word's where the tag's lemmas are lower-cased.
    fn exception(&self, form: &str, tag: &str) -> Option<&String> {
        let exact = self.exceptions.get(&(form.to_owned(), tag.to_owned()));
        exact.or_else(|| {
            let lower = form.to_lowercase();
            (lower != form && self.lowers(tag))
                .then(|| self.exceptions.get(&(lower, tag.to_owned())))
                .flatten()
        })
    }

    /// How many rules and exceptions were learned.
    pub(crate) fn size(&self) -> (usize, usize) {
        (self.rules.len(), self.exceptions.len())
    }

    pub(crate) fn write(&self, writer: &mut Writer) {
        writer.strs(&self.lowercased);
        let mut rules: Vec<(&(String, String), &Edit)> = self.rules.iter().collect();
        rules.sort();
        writer.len(rules.len());
        for ((tag, ending), edit) in rules {
            writer.str(tag);
            writer.str(ending);
            writer.len(edit.cut);
            writer.str(&edit.add);
        }
        let mut exceptions: Vec<(&(String, String), &String)> = self.exceptions.iter().collect();
        exceptions.sort();
        writer.len(exceptions.len());
        for ((form, tag), lemma) in exceptions {
            writer.str(form);
            writer.str(tag);
            writer.str(lemma);
        }
        // Each as `class lemma`, sorted: the same model, the same bytes.
        let mut known: Vec<String> = self
            .known
            .iter()
            .flat_map(|(class, lemmas)| lemmas.iter().map(move |l| format!("{class} {l}")))
            .collect();
        known.sort();
        writer.strs(&known);
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Lemmatizer, ParseError> {
        let lowercased = reader.strs("lemma case rules")?;
        let count = reader.len(32, "lemma rules")?;
        let mut rules = HashMap::with_capacity(count);
        for _ in 0..count {
            let tag = reader.str("lemma rule")?;
            let ending = reader.str("lemma rule")?;
            let cut = usize::try_from(reader.u64("lemma rule")?)
                .map_err(|_| ParseError::Model("lemma rule too long".to_owned()))?;
            let add = reader.str("lemma rule")?;
            rules.insert((tag, ending), Edit { cut, add });
        }
        let count = reader.len(24, "lemma exceptions")?;
        let mut exceptions = HashMap::with_capacity(count);
        for _ in 0..count {
            let form = reader.str("lemma exception")?;
            let tag = reader.str("lemma exception")?;
            let lemma = reader.str("lemma exception")?;
            exceptions.insert((form, tag), lemma);
        }
        let mut known: HashMap<String, HashSet<String>> = HashMap::new();
        for entry in reader.strs("known lemmas")? {
            let (class, lemma) = entry
                .split_once(' ')
                .ok_or_else(|| ParseError::Model(format!("known lemma `{entry}` has no class")))?;
            known
                .entry(class.to_owned())
                .or_default()
                .insert(lemma.to_owned());
        }
        Ok(Lemmatizer {
            lowercased,
            rules,
            exceptions,
            known,
        })
    }
}

/// A tag's word class, its first two letters (`VBD` → `VB`).
fn word_class(tag: &str) -> &str {
    tag.char_indices()
        .nth(2)
        .map_or(tag, |(end, _)| &tag[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::sentence::Token;

    fn sentence(words: &[(&str, &str, &str)]) -> Sentence {
        Sentence {
            tokens: words
                .iter()
                .map(|&(form, lemma, xpos)| Token {
                    form: form.to_owned(),
                    lemma: lemma.to_owned(),
                    upos: String::new(),
                    xpos: xpos.to_owned(),
                    head: 0,
                    deprel: String::new(),
                    start: 0,
                    end: 0,
                })
                .collect(),
        }
    }

    fn trained() -> Lemmatizer {
        Lemmatizer::train(&[sentence(&[
            ("walked", "walk", "VBD"),
            ("talked", "talk", "VBD"),
            ("signed", "sign", "VBD"),
            ("hoped", "hope", "VBD"),
            ("went", "go", "VBD"),
            ("Sanctions", "sanction", "NNS"),
            ("talks", "talk", "NNS"),
            ("treaties", "treaty", "NNS"),
            ("parties", "party", "NNS"),
            ("Moscow", "Moscow", "NNP"),
            ("Kremlin", "Kremlin", "NNP"),
        ])])
    }

    #[test]
    fn learned_rules_reach_unseen_words() {
        let lemmatizer = trained();
        assert_eq!(
            lemmatizer.lemma("expelled", "VBD"),
            "expell",
            "the plain -ed rule, no doubling known"
        );
        assert_eq!(lemmatizer.lemma("blocked", "VBD"), "block");
        assert_eq!(lemmatizer.lemma("Diplomats", "NNS"), "diplomat");
        assert_eq!(lemmatizer.lemma("embassies", "NNS"), "embassy");
        assert_eq!(lemmatizer.lemma("Washington", "NNP"), "Washington");
        assert_eq!(lemmatizer.lemma("went", "VBD"), "go");
        assert_eq!(lemmatizer.lemma("hoped", "VBD"), "hope");
        assert_eq!(lemmatizer.lemma("1,000", "CD"), "1000");
    }

    #[test]
    fn a_whole_words_edit_is_no_rule_for_longer_words() {
        let lemmatizer = Lemmatizer::train(&[sentence(&[
            ("here", "hear", "VB"),
            ("interfere", "interfere", "VB"),
            ("revere", "revere", "VB"),
            ("Iranian", "Iranian", "JJ"),
            ("stayed", "stay", "VBD"),
        ])]);
        assert_eq!(
            lemmatizer.lemma("here", "VB"),
            "hear",
            "the training word's own lemma"
        );
        assert_eq!(lemmatizer.lemma("adhere", "VB"), "adhere");
        assert_eq!(lemmatizer.lemma("Ukrainian", "JJ"), "Ukrainian");
        assert_eq!(
            lemmatizer.lemma("played", "VBD"),
            "play",
            "an ending within the word"
        );
    }

    #[test]
    fn a_capitalised_or_curly_form_finds_its_training_word() {
        let lemmatizer = Lemmatizer::train(&[sentence(&[
            ("Signed", "sign", "VBD"),
            ("flew", "fly", "VBD"),
            ("grew", "grow", "VBD"),
            ("threw", "throw", "VBD"),
            ("'re", "be", "VBP"),
            ("sign", "sign", "VBP"),
        ])]);
        assert_eq!(lemmatizer.lemma("Flew", "VBD"), "fly");
        assert_eq!(lemmatizer.lemma("’re", "VBP"), "be");
    }

    #[test]
    fn a_cut_to_an_unknown_word_gives_way_to_a_known_one_of_its_class() {
        let lemmatizer = Lemmatizer::train(&[sentence(&[
            ("dreamed", "dream", "VBD"),
            ("screamed", "scream", "VBD"),
            ("tamed", "tame", "VBD"),
            ("Blame", "blame", "VB"),
            ("Severe", "severe", "JJ"),
            ("hovered", "hover", "VBD"),
            ("Covered", "cover", "VBD"),
        ])]);
        assert_eq!(
            lemmatizer.lemma("blamed", "VBD"),
            "blame",
            "`-amed` cuts to `blam`"
        );
        assert_eq!(
            lemmatizer.lemma("steamed", "VBD"),
            "steam",
            "nothing known: the rule's"
        );
        assert_eq!(
            lemmatizer.lemma("severed", "VBD"),
            "sever",
            "`severe` is no verb"
        );
    }

    #[test]
    fn reads_back_equal() {
        let lemmatizer = trained();
        let mut writer = Writer::default();
        lemmatizer.write(&mut writer);
        let bytes = writer.into_bytes();
        assert_eq!(
            Lemmatizer::read(&mut Reader::new(&bytes)).unwrap(),
            lemmatizer
        );
    }
}
