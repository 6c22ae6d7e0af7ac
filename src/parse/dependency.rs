//! The dependency parser: a greedy arc-eager parser whose moves (with their labels) are chosen
//! by an averaged perceptron over the rich non-local features of Zhang and Nivre (2011), trained
//! with a dynamic oracle and exploration of its own mistakes (Goldberg and Nivre 2012).
//!
//! Owns the parser's features, its vocabulary (frequent words; rarer ones are read through
//! their shape and ending), its label set and its training loop. The transition system and the
//! oracle live in [`super::arc_eager`]; tags come from the tagger. It must not tag or lemmatize.

use super::ParseError;
use super::arc_eager::{Gold, Move, NONE, State};
use super::codec::{Reader, Writer};
use super::hash::{combine, finish};
use super::perceptron::{ClassScores, Classifier, MAX_CLASSES, Perceptron, Pruning, best};
use super::rng::Rng;
use super::tagger::Guess;
use super::words::{PAD_END, ROOT_WORD, Word};

/// A word is in the parser's vocabulary if seen this often in training.
const KNOWN_WORD_MIN_COUNT: usize = 2;
const NO_WORD: u64 = PAD_END;
const ROOT_TAG: u64 = 0xF000;
const NO_TAG: u64 = 0xF001;
const NO_LABEL: u64 = 0xF002;
const UNKNOWN_WORD: u64 = 0x554E_4B57;

/// The trained parser.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DependencyParser {
    labels: Vec<String>,
    root_label: u16,
    /// The label given to words the parser left without a head.
    fallback_label: u16,
    /// Lower-case hashes of the words seen at least twice, sorted.
    known_words: Vec<u64>,
    /// The tagger's tags, coarsened: the universal tag of each joint tag, for backoff features.
    coarse: CoarseTags,
    /// Tagger margins below which its runner-up tag is shown to the features, at three levels.
    doubt: [f32; 3],
    model: Classifier,
}

/// Per joint tag, the id of its universal tag, and which universal tag is punctuation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CoarseTags {
    pub(crate) of_tag: Vec<u16>,
    pub(crate) punctuation: u16,
}

impl CoarseTags {
    /// From joint tags written `UPOS|XPOS`.
    pub(crate) fn new(tags: &[String]) -> CoarseTags {
        let universal = |tag: &String| tag.split('|').next().unwrap_or_default().to_owned();
        let mut names: Vec<String> = tags.iter().map(universal).collect();
        names.sort();
        names.dedup();
        let id = |name: &str| {
            names
                .iter()
                .position(|known| known == name)
                .unwrap_or(names.len()) as u16
        };
        CoarseTags {
            of_tag: tags.iter().map(|tag| id(&universal(tag))).collect(),
            punctuation: id("PUNCT"),
        }
    }

    fn of(&self, tag: u16) -> u16 {
        self.of_tag
            .get(usize::from(tag))
            .copied()
            .unwrap_or(u16::MAX)
    }
}

/// One training sentence: words, predicted tags, gold tree.
pub(crate) struct Example {
    words: Vec<Word>,
    guesses: Vec<Guess>,
    gold: Gold,
}

impl Example {
    /// `heads` are 1-based (0 for the root), `labels` index the label set.
    pub(crate) fn new(
        words: Vec<Word>,
        guesses: Vec<Guess>,
        heads: &[usize],
        labels: &[u16],
    ) -> Example {
        Example {
            words,
            guesses,
            gold: Gold::new(heads, labels),
        }
    }
}

/// How the parser is trained.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParserTraining {
    /// Epochs before the parser starts following its own predictions.
    pub(crate) explore_after: usize,
    /// Once exploring, the chance of following a wrong prediction rather than the oracle.
    pub(crate) explore_probability: f64,
    pub(crate) seed: u64,
    /// What the trained model leaves out.
    pub(crate) pruning: Pruning,
}

/// A parser being trained, one epoch at a time.
pub(crate) struct DependencyTrainer {
    labels: Vec<String>,
    root_label: u16,
    fallback_label: u16,
    known_words: Vec<u64>,
    coarse: CoarseTags,
    doubt: [f32; 3],
    perceptron: Perceptron,
    rng: Rng,
    options: ParserTraining,
    epochs_done: usize,
}

/// The words of a sentence as the parser's features see them; index 0 is the root.
struct Context {
    words: Vec<u64>,
    tags: Vec<u64>,
    coarse: Vec<u64>,
    /// `punctuation[i]`: how many of words 1..=i are punctuation.
    punctuation: Vec<u32>,
    /// The tagger's runner-up tag and how doubtful its choice was, or nothing when it was sure.
    alternatives: Vec<u64>,
}

/// The runner-up tag with the doubt level (0 most doubtful) when the tagger's margin is below
/// one of the `doubt` thresholds; `NO_TAG` when it was sure.
fn alternative(guess: &Guess, doubt: &[f32; 3]) -> u64 {
    match doubt.iter().position(|&threshold| guess.margin < threshold) {
        Some(level) => u64::from(guess.runner_up) | (level as u64) << 16,
        None => NO_TAG,
    }
}

impl Context {
    /// Index 0 is unused (words are 1-based) and index n + 1 is the artificial root.
    fn new(
        known_words: &[u64],
        coarse: &CoarseTags,
        doubt: &[f32; 3],
        words: &[Word],
        guesses: &[Guess],
    ) -> Context {
        let size = words.len() + 2;
        let mut context = Context {
            words: Vec::with_capacity(size),
            tags: Vec::with_capacity(size),
            coarse: Vec::with_capacity(size),
            punctuation: Vec::with_capacity(size),
            alternatives: Vec::with_capacity(size),
        };
        context.alternatives.push(NO_TAG);
        context.words.push(NO_WORD);
        context.tags.push(NO_TAG);
        context.coarse.push(NO_TAG);
        context.punctuation.push(0);
        for (word, guess) in words.iter().zip(guesses) {
            let tag = guess.tag;
            context.alternatives.push(alternative(guess, doubt));
            let coarse_tag = coarse.of(tag);
            context.coarse.push(u64::from(coarse_tag));
            let before = context.punctuation.last().copied().unwrap_or(0);
            context
                .punctuation
                .push(before + u32::from(coarse_tag == coarse.punctuation));
            let identity = if known_words.binary_search(&word.lower).is_ok() {
                word.lower
            } else {
                finish(combine(
                    combine(UNKNOWN_WORD, word.short_shape),
                    word.suffixes[1],
                ))
            };
            context.words.push(identity);
            context.tags.push(u64::from(tag));
        }
        context.words.push(ROOT_WORD);
        context.tags.push(ROOT_TAG);
        context.coarse.push(ROOT_TAG);
        context.alternatives.push(NO_TAG);
        context
    }

    fn word(&self, index: u32) -> u64 {
        self.words.get(index as usize).copied().unwrap_or(NO_WORD)
    }

    fn tag(&self, index: u32) -> u64 {
        self.tags.get(index as usize).copied().unwrap_or(NO_TAG)
    }

    fn alternative(&self, index: u32) -> u64 {
        self.alternatives
            .get(index as usize)
            .copied()
            .unwrap_or(NO_TAG)
    }

    fn coarse(&self, index: u32) -> u64 {
        self.coarse.get(index as usize).copied().unwrap_or(NO_TAG)
    }

    /// Punctuation marks strictly between words `left` and `right` (`left` < `right`), 0, 1 or 2
    /// for more.
    fn punctuation_between(&self, left: u32, right: u32) -> u64 {
        match (
            self.punctuation.get(left as usize),
            (right as usize)
                .checked_sub(1)
                .and_then(|i| self.punctuation.get(i)),
        ) {
            (Some(&before), Some(&until)) => u64::from(until.saturating_sub(before).min(2)),
            _ => 3,
        }
    }
}

fn feature(template: u64, values: &[u64]) -> u64 {
    let mut state = combine(0x9E37_79B9, template);
    for &value in values {
        state = combine(state, value);
    }
    finish(state)
}

fn distance_bucket(distance: usize) -> u64 {
    match distance {
        0..=5 => distance as u64,
        6..=9 => 6,
        10..=14 => 7,
        _ => 8,
    }
}

fn label_set(set: u128) -> u64 {
    finish((set as u64) ^ finish((set >> 64) as u64))
}

/// The features of a configuration (Zhang and Nivre 2011, plus the second stack word).
fn features(state: &State, context: &Context, out: &mut Vec<u64>) {
    let s0 = state.stack(0);
    let s1 = state.stack(1);
    let n0 = state.buffer(0);
    let n1 = state.buffer(1);
    let n2 = state.buffer(2);
    let child = |of: &[u32], word: u32| {
        if word == NONE {
            NONE
        } else {
            of[word as usize]
        }
    };
    let s0h = state.head(s0);
    let s0h2 = state.head(s0h);
    let s0l = child(&state.leftmost, s0);
    let s0l2 = child(&state.second_leftmost, s0);
    let s0r = child(&state.rightmost, s0);
    let s0r2 = child(&state.second_rightmost, s0);
    let n0l = child(&state.leftmost, n0);
    let n0l2 = child(&state.second_leftmost, n0);
    let w = |word: u32| context.word(word);
    let p = |word: u32| context.tag(word);
    let c = |word: u32| context.coarse(word);
    let a = |word: u32| context.alternative(word);
    let l = |word: u32| state.label(word).map_or(NO_LABEL, u64::from);
    let n3 = state.buffer(3);
    let distance = if s0 != NONE && n0 != NONE {
        distance_bucket((n0 - s0) as usize)
    } else {
        0
    };
    let punctuation = if s0 != NONE && n0 != NONE {
        context.punctuation_between(s0, n0)
    } else {
        4
    };
    let (s0c, n0c) = (c(s0), c(n0));
    let count = |counts: &[u16], word: u32| {
        if word == NONE {
            99
        } else {
            u64::from(counts[word as usize].min(8))
        }
    };
    let set = |sets: &[u128], word: u32| {
        if word == NONE {
            NO_LABEL
        } else {
            label_set(sets[word as usize])
        }
    };
    let (s0w, s0p, n0w, n0p) = (w(s0), p(s0), w(n0), p(n0));
    let (s0vr, s0vl, n0vl) = (
        count(&state.right_count, s0),
        count(&state.left_count, s0),
        count(&state.left_count, n0),
    );
    let (s0sr, s0sl, n0sl) = (
        set(&state.right_labels, s0),
        set(&state.left_labels, s0),
        set(&state.left_labels, n0),
    );

    let templates: [&[u64]; 98] = [
        &[s0w, s0p],
        &[s0w],
        &[s0p],
        &[n0w, n0p],
        &[n0w],
        &[n0p],
        &[w(n1), p(n1)],
        &[w(n1)],
        &[p(n1)],
        &[w(n2), p(n2)],
        &[w(n2)],
        &[p(n2)],
        &[s0w, s0p, n0w, n0p],
        &[s0w, s0p, n0w],
        &[s0w, n0w, n0p],
        &[s0w, s0p, n0p],
        &[s0p, n0w, n0p],
        &[s0w, n0w],
        &[s0p, n0p],
        &[n0p, p(n1)],
        &[n0p, p(n1), p(n2)],
        &[s0p, n0p, p(n1)],
        &[p(s0h), s0p, n0p],
        &[s0p, p(s0l), n0p],
        &[s0p, p(s0r), n0p],
        &[s0p, n0p, p(n0l)],
        &[s0w, distance],
        &[s0p, distance],
        &[n0w, distance],
        &[n0p, distance],
        &[s0w, n0w, distance],
        &[s0p, n0p, distance],
        &[s0w, s0vr],
        &[s0p, s0vr],
        &[s0w, s0vl],
        &[s0p, s0vl],
        &[n0w, n0vl],
        &[n0p, n0vl],
        &[w(s0h)],
        &[p(s0h)],
        &[l(s0)],
        &[w(s0l)],
        &[p(s0l)],
        &[l(s0l)],
        &[w(s0r)],
        &[p(s0r)],
        &[l(s0r)],
        &[w(n0l)],
        &[p(n0l)],
        &[l(n0l)],
        &[w(s0h2)],
        &[p(s0h2)],
        &[l(s0h)],
        &[w(s0l2)],
        &[p(s0l2)],
        &[l(s0l2)],
        &[w(s0r2)],
        &[p(s0r2)],
        &[l(s0r2)],
        &[w(n0l2)],
        &[p(n0l2)],
        &[l(n0l2)],
        &[s0p, p(s0l), p(s0l2)],
        &[s0p, p(s0r), p(s0r2)],
        &[s0p, p(s0h), p(s0h2)],
        &[n0p, p(n0l), p(n0l2)],
        &[s0w, s0sr],
        &[s0p, s0sr],
        &[s0w, s0sl],
        &[s0p, s0sl],
        &[n0w, n0sl],
        &[n0p, n0sl],
        &[w(s1)],
        &[p(s1)],
        &[w(s1), p(s1)],
        &[p(s1), s0p, n0p],
        &[p(s1), s0p],
        &[l(s0), s0p, n0p],
        &[],
        // Backoff to universal tags, and punctuation between the two focus words.
        &[s0c, n0c],
        &[s0c, n0c, c(n1)],
        &[n0c, c(n1), c(n2)],
        &[s0c, n0c, distance],
        &[s0c, c(s0h), n0c],
        &[s0c, c(s0l), c(s0r), n0c],
        &[s0w, n0c],
        &[s0c, n0w],
        &[s0c, n0c, punctuation],
        &[s0p, n0p, punctuation],
        // The second stack word against the buffer, and further lookahead.
        &[p(s1), n0p],
        &[p(s1), l(s1), s0p],
        &[n0p, p(n1), p(n2), p(n3)],
        // Where the tagger hesitated: its runner-up tags.
        &[n0p, a(n0)],
        &[s0p, a(s0)],
        &[s0p, a(n0)],
        &[a(s0), n0p],
        &[p(n1), a(n1)],
        &[a(s0), a(n0)],
    ];
    for (template, values) in templates.iter().enumerate() {
        out.push(feature(template as u64, values));
    }
}

/// The allowed move with the highest score.
fn best_legal<T: PartialOrd + Copy>(state: &State, scores: &[T]) -> usize {
    best(scores, |class| state.is_legal(Move::from_class(class))).unwrap_or(0)
}

impl DependencyParser {
    /// Heads (1-based, 0 for the root) and label ids of `words` tagged `tags`.
    pub(crate) fn parse(&self, words: &[Word], guesses: &[Guess]) -> (Vec<usize>, Vec<u16>) {
        let context = Context::new(&self.known_words, &self.coarse, &self.doubt, words, guesses);
        let mut state = State::new(words.len(), self.root_label);
        let mut features_now = Vec::with_capacity(96);
        let mut scores: ClassScores = [0; 256];
        let classes = self.model.classes();
        while !state.is_terminal() {
            features_now.clear();
            features(&state, &context, &mut features_now);
            self.model.score(&features_now, &mut scores);
            state.apply(Move::from_class(best_legal(&state, &scores[..classes])));
        }
        state.finish(self.fallback_label)
    }

    /// The label set, indexed by label id.
    pub(crate) fn labels(&self) -> &[String] {
        &self.labels
    }

    /// How many features and weights the model holds.
    pub(crate) fn size(&self) -> (usize, usize) {
        (self.model.features(), self.model.weights())
    }

    pub(crate) fn write(&self, writer: &mut Writer) {
        writer.strs(&self.labels);
        writer.u32(u32::from(self.root_label));
        writer.u32(u32::from(self.fallback_label));
        writer.u64s(&self.known_words);
        writer.u16s(&self.coarse.of_tag);
        writer.u32(u32::from(self.coarse.punctuation));
        for threshold in self.doubt {
            writer.u32(threshold.to_bits());
        }
        self.model.write(writer);
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<DependencyParser, ParseError> {
        let labels = reader.strs("label set")?;
        let label_id = |value: u32| {
            u16::try_from(value)
                .ok()
                .filter(|&id| usize::from(id) < labels.len())
                .ok_or_else(|| ParseError::Model(format!("label {value} is not in the label set")))
        };
        let root_label = label_id(reader.u32("root label")?)?;
        let fallback_label = label_id(reader.u32("fallback label")?)?;
        let known_words = reader.u64s("parser vocabulary")?;
        if !known_words.windows(2).all(|pair| pair[0] < pair[1]) {
            return Err(ParseError::Model(
                "the parser's vocabulary is not sorted".to_owned(),
            ));
        }
        let of_tag = reader.u16s("coarse tags")?;
        let punctuation = u16::try_from(reader.u32("punctuation tag")?)
            .map_err(|_| ParseError::Model("punctuation tag out of range".to_owned()))?;
        let mut doubt = [0.0_f32; 3];
        for threshold in &mut doubt {
            *threshold = f32::from_bits(reader.u32("doubt thresholds")?);
        }
        let model = Classifier::read(reader)?;
        if model.classes() != Move::classes(labels.len()) {
            return Err(ParseError::Model(
                "the parser's classes do not match its labels".to_owned(),
            ));
        }
        Ok(DependencyParser {
            labels,
            root_label,
            fallback_label,
            known_words,
            coarse: CoarseTags {
                of_tag,
                punctuation,
            },
            doubt,
            model,
        })
    }
}

impl DependencyTrainer {
    /// A parser to train on `examples`' label set and vocabulary (`word_counts`: lower-case hash
    /// → how often it occurs in training).
    pub(crate) fn new(
        labels: Vec<String>,
        coarse: CoarseTags,
        doubt: [f32; 3],
        word_counts: &super::perceptron::FeatureMap<usize>,
        options: ParserTraining,
    ) -> Result<DependencyTrainer, ParseError> {
        let classes = Move::classes(labels.len());
        if classes > MAX_CLASSES {
            return Err(ParseError::Training(format!(
                "{} labels make {classes} moves, more than {MAX_CLASSES}",
                labels.len()
            )));
        }
        let find = |name: &str| {
            labels
                .iter()
                .position(|label| label == name)
                .map(|id| id as u16)
        };
        let root_label = find("root").ok_or_else(|| {
            ParseError::Training("no `root` label in the training data".to_owned())
        })?;
        let fallback_label = find("parataxis")
            .or_else(|| find("dep"))
            .unwrap_or(root_label);
        let mut known_words: Vec<u64> = word_counts
            .iter()
            .filter(|&(_, &count)| count >= KNOWN_WORD_MIN_COUNT)
            .map(|(&word, _)| word)
            .collect();
        known_words.sort_unstable();
        Ok(DependencyTrainer {
            labels,
            root_label,
            fallback_label,
            known_words,
            coarse,
            doubt,
            perceptron: Perceptron::new(classes),
            rng: Rng::new(options.seed),
            options,
            epochs_done: 0,
        })
    }

    /// One pass over `examples` in a shuffled order.
    pub(crate) fn epoch(&mut self, examples: &[Example]) {
        let explore = self.epochs_done >= self.options.explore_after;
        let mut order: Vec<usize> = (0..examples.len()).collect();
        self.rng.shuffle(&mut order);
        let classes = Move::classes(self.labels.len());
        let mut scores = vec![0_i64; classes];
        let mut costs = vec![u32::MAX; classes];
        let mut features_now = Vec::with_capacity(96);
        for index in order {
            let example = &examples[index];
            let context = Context::new(
                &self.known_words,
                &self.coarse,
                &self.doubt,
                &example.words,
                &example.guesses,
            );
            let mut state = State::new(example.words.len(), self.root_label);
            while !state.is_terminal() {
                features_now.clear();
                features(&state, &context, &mut features_now);
                self.perceptron.score(&features_now, &mut scores);
                let mut cheapest = u32::MAX;
                for (class, cost) in costs.iter_mut().enumerate() {
                    let step = Move::from_class(class);
                    *cost = if state.is_legal(step) {
                        example.gold.cost(&state, step)
                    } else {
                        u32::MAX
                    };
                    cheapest = cheapest.min(*cost);
                }
                let predicted = best_legal(&state, &scores);
                let right = best(&scores, |class| costs[class] == cheapest).unwrap_or(predicted);
                let next = if costs[predicted] == cheapest {
                    predicted
                } else {
                    self.perceptron.update(&features_now, right, predicted);
                    if explore && self.rng.chance(self.options.explore_probability) {
                        predicted
                    } else {
                        right
                    }
                };
                self.perceptron.tick();
                state.apply(Move::from_class(next));
            }
        }
        self.epochs_done += 1;
    }

    /// The averaged parser as it stands.
    pub(crate) fn snapshot(&self) -> DependencyParser {
        DependencyParser {
            labels: self.labels.clone(),
            root_label: self.root_label,
            fallback_label: self.fallback_label,
            known_words: self.known_words.clone(),
            coarse: self.coarse.clone(),
            doubt: self.doubt,
            model: self.perceptron.averaged(self.options.pruning),
        }
    }

    /// How many features have weights so far.
    pub(crate) fn features(&self) -> usize {
        self.perceptron.features()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::conllu;
    use crate::parse::perceptron::FeatureMap;
    use crate::parse::sentence::Sentence;

    fn treebank() -> Vec<Sentence> {
        conllu::read(include_str!("../../tests/fixtures/parse/diplomacy.conllu")).unwrap()
    }

    fn sorted<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
        let mut values: Vec<String> = values.map(str::to_owned).collect();
        values.sort();
        values.dedup();
        values
    }

    /// A parser trained on the gold tags of the small treebank.
    fn trained(sentences: &[Sentence]) -> (DependencyParser, Vec<String>) {
        let tokens = || sentences.iter().flat_map(|sentence| &sentence.tokens);
        let tags = sorted(tokens().map(|t| t.xpos.as_str()));
        let labels = sorted(tokens().map(|t| t.deprel.as_str()));
        let mut counts: FeatureMap<usize> = FeatureMap::default();
        let examples: Vec<Example> = sentences
            .iter()
            .map(|sentence| {
                let words: Vec<Word> = sentence.tokens.iter().map(|t| Word::new(&t.form)).collect();
                for word in &words {
                    *counts.entry(word.lower).or_default() += 1;
                }
                let guesses = gold_guesses(sentence, &tags);
                let heads: Vec<usize> = sentence.tokens.iter().map(|t| t.head).collect();
                let label_ids: Vec<u16> = sentence
                    .tokens
                    .iter()
                    .map(|t| labels.iter().position(|l| *l == t.deprel).unwrap() as u16)
                    .collect();
                Example::new(words, guesses, &heads, &label_ids)
            })
            .collect();
        let options = ParserTraining {
            explore_after: 1,
            explore_probability: 0.9,
            seed: 7,
            pruning: Pruning {
                min_updates: 1,
                min_weight: 1,
            },
        };
        let coarse = CoarseTags::new(&tags);
        let mut trainer =
            DependencyTrainer::new(labels.clone(), coarse, [0.0; 3], &counts, options).unwrap();
        for _ in 0..15 {
            trainer.epoch(&examples);
        }
        (trainer.snapshot(), tags)
    }

    fn gold_guesses(sentence: &Sentence, tags: &[String]) -> Vec<Guess> {
        sentence
            .tokens
            .iter()
            .map(|t| {
                let tag = tags.iter().position(|x| *x == t.xpos).unwrap_or(0) as u16;
                Guess {
                    tag,
                    runner_up: tag,
                    margin: f32::MAX,
                }
            })
            .collect()
    }

    #[test]
    fn learns_a_small_treebank_exactly() {
        let sentences = treebank();
        let (parser, tags) = trained(&sentences);
        for sentence in &sentences {
            let words: Vec<Word> = sentence.tokens.iter().map(|t| Word::new(&t.form)).collect();
            let (heads, labels) = parser.parse(&words, &gold_guesses(sentence, &tags));
            for (index, token) in sentence.tokens.iter().enumerate() {
                assert_eq!(
                    (
                        heads[index],
                        parser.labels()[usize::from(labels[index])].as_str()
                    ),
                    (token.head, token.deprel.as_str()),
                    "{} in {:?}",
                    token.form,
                    sentence
                        .tokens
                        .iter()
                        .map(|t| t.form.as_str())
                        .collect::<Vec<_>>()
                );
            }
        }
    }

    #[test]
    fn parses_a_new_sentence_of_a_shape_it_has_seen() {
        let sentences = treebank();
        let (parser, tags) = trained(&sentences);
        // China expelled two British diplomats on Friday .
        let forms = [
            "China",
            "expelled",
            "two",
            "British",
            "diplomats",
            "on",
            "Friday",
            ".",
        ];
        let xpos = ["NNP", "VBD", "CD", "JJ", "NNS", "IN", "NNP", "."];
        let words: Vec<Word> = forms.iter().map(|form| Word::new(form)).collect();
        let guesses: Vec<Guess> = xpos
            .iter()
            .map(|x| {
                let tag = tags.iter().position(|t| t == x).unwrap() as u16;
                Guess {
                    tag,
                    runner_up: tag,
                    margin: f32::MAX,
                }
            })
            .collect();
        let (heads, labels) = parser.parse(&words, &guesses);
        let named: Vec<(usize, &str)> = heads
            .iter()
            .zip(&labels)
            .map(|(&head, &label)| (head, parser.labels()[usize::from(label)].as_str()))
            .collect();
        assert_eq!(
            named,
            [
                (2, "nsubj"),
                (0, "root"),
                (5, "nummod"),
                (5, "amod"),
                (2, "obj"),
                (7, "case"),
                (2, "obl"),
                (2, "punct")
            ]
        );
    }

    #[test]
    fn reads_back_equal() {
        let (parser, _) = trained(&treebank()[..3]);
        let mut writer = Writer::default();
        parser.write(&mut writer);
        let bytes = writer.into_bytes();
        assert_eq!(
            DependencyParser::read(&mut Reader::new(&bytes)).unwrap(),
            parser
        );
    }
}
