//! The part-of-speech tagger: an averaged perceptron reading words left to right and predicting
//! one joint tag per word, the universal tag and the Penn Treebank tag together (`VERB|VBD`).
//!
//! Owns the tag set, the tag dictionary (which tags each frequent word was seen with) and the
//! tagger's features: the word, its affixes and shape, the words around it, the two tags it
//! predicted before, and what the dictionary says of the next words. Predicting both tags at once
//! keeps them consistent (never `AUX|NN`). It must not know about trees or lemmas.

use std::collections::HashMap;

use super::ParseError;
use super::codec::{Reader, Writer};
use super::hash::{combine, feature1, feature2, feature3, finish};
use super::perceptron::{
    ClassScores, Classifier, FeatureMap, MAX_CLASSES, Perceptron, Pruning, best,
};
use super::rng::Rng;
use super::sentence::Sentence;
use super::words::{HAS_LETTER, PAD_END, PAD_START, STARTS_UPPER, Word};

/// A word needs this many sightings before its tag set is trusted as a feature; rarer words are
/// treated like unknown ones, so that training sees unknown words too.
const DICTIONARY_MIN_COUNT: usize = 3;
/// A tag is part of a word's tag set when it covers at least this share of its sightings.
const DICTIONARY_MIN_SHARE: f64 = 0.05;
/// A word needs this many sightings inside sentences before its capitalisation is trusted.
const CASE_MIN_COUNT: usize = 2;
/// The tag set of a word the dictionary does not know.
const UNKNOWN_TAG_SET: u64 = 0x554E_4B4E_4F57_4E00;
/// Tag values standing for the positions before the sentence.
const START_TAG: u64 = 0x1_0000;
const START_TAG_2: u64 = 0x1_0001;

/// The trained tagger.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tagger {
    /// Joint tags, `UPOS|XPOS`; a tag id indexes this list.
    tags: Vec<String>,
    /// What the training data says of each word.
    lexicon: Lexicon,
    /// The model reading left to right, seeing the tags it chose for the previous words...
    forward: Classifier,
    /// ...and the one reading right to left, seeing the tags of the next words. A word's tag
    /// is the best under both models' scores added.
    backward: Classifier,
}

/// The tagger's choice for one word.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Guess {
    /// The best tag.
    pub(crate) tag: u16,
    /// The second best.
    pub(crate) runner_up: u16,
    /// How much higher the best tag scored (in the perceptron's units).
    pub(crate) margin: f32,
}

/// Which way a tagging model reads a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Forward,
    Backward,
}

impl Direction {
    /// The positions of a sentence of `length` words in reading order.
    fn positions(self, length: usize) -> Box<dyn Iterator<Item = usize>> {
        match self {
            Direction::Forward => Box::new(0..length),
            Direction::Backward => Box::new((0..length).rev()),
        }
    }

    /// One step in reading order.
    fn step(self) -> isize {
        match self {
            Direction::Forward => 1,
            Direction::Backward => -1,
        }
    }
}

/// How a tagger is trained.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaggerTraining {
    pub(crate) epochs: usize,
    pub(crate) seed: u64,
    /// What the trained model leaves out.
    pub(crate) pruning: Pruning,
}

/// The joint tag of a gold word.
pub(crate) fn joint_tag(upos: &str, xpos: &str) -> String {
    format!("{upos}|{xpos}")
}

impl Tagger {
    /// Trains on gold-tagged sentences; `tags` is the tag set (joint tags not in it are skipped
    /// as training targets but still read as context).
    pub(crate) fn train(
        sentences: &[Sentence],
        tags: &[String],
        options: TaggerTraining,
    ) -> Result<Tagger, ParseError> {
        if tags.len() > MAX_CLASSES {
            return Err(ParseError::Training(format!(
                "{} tags, more than {MAX_CLASSES}",
                tags.len()
            )));
        }
        let index: HashMap<&str, u16> = tags
            .iter()
            .enumerate()
            .map(|(id, tag)| (tag.as_str(), id as u16))
            .collect();
        let examples: Vec<(Vec<Word>, Vec<Option<u16>>)> = sentences
            .iter()
            .map(|sentence| {
                let words = sentence
                    .tokens
                    .iter()
                    .map(|token| Word::new(&token.form))
                    .collect();
                let gold = sentence
                    .tokens
                    .iter()
                    .map(|token| {
                        index
                            .get(joint_tag(&token.upos, &token.xpos).as_str())
                            .copied()
                    })
                    .collect();
                (words, gold)
            })
            .collect();
        let lexicon = Lexicon::build(&examples);
        let forward = train_direction(&examples, &lexicon, tags.len(), options, Direction::Forward);
        let backward = train_direction(
            &examples,
            &lexicon,
            tags.len(),
            options,
            Direction::Backward,
        );
        Ok(Tagger {
            tags: tags.to_vec(),
            lexicon,
            forward,
            backward,
        })
    }

    /// Each word's tag, with the runner-up and how far behind it is.
    pub(crate) fn tag_with_doubts(&self, words: &[Word]) -> Vec<Guess> {
        let known = self.lexicon.look_up(words);
        let classes = self.tags.len();
        let forward = read_scores(&self.forward, words, &known, classes, Direction::Forward);
        let backward = read_scores(&self.backward, words, &known, classes, Direction::Backward);
        let (forward_unit, backward_unit) =
            (1.0 / self.forward.scale(), 1.0 / self.backward.scale());
        let punctuation: Vec<bool> = self.tags.iter().map(|t| t.starts_with("PUNCT|")).collect();
        let mut combined = vec![0.0_f32; classes];
        forward
            .chunks_exact(classes)
            .zip(backward.chunks_exact(classes))
            .zip(words)
            .map(|((ahead, behind), word)| {
                for ((sum, &a), &b) in combined.iter_mut().zip(ahead).zip(behind) {
                    *sum = a as f32 * forward_unit + b as f32 * backward_unit;
                }
                // A word with a letter is never punctuation (`EP-3`, whose suffix `-3` looks
                // like a dash and a number).
                let allowed = |class: usize| word.flags & HAS_LETTER == 0 || !punctuation[class];
                let tag = best(&combined, allowed).unwrap_or(0);
                let runner_up =
                    best(&combined, |class| class != tag && allowed(class)).unwrap_or(tag);
                Guess {
                    tag: tag as u16,
                    runner_up: runner_up as u16,
                    margin: combined[tag] - combined[runner_up],
                }
            })
            .collect()
    }

    /// The joint tags, indexed by tag id.
    pub(crate) fn tags(&self) -> &[String] {
        &self.tags
    }

    /// The universal and the Penn Treebank tag of a tag id.
    pub(crate) fn split(&self, tag: u16) -> (&str, &str) {
        let joint = self
            .tags
            .get(usize::from(tag))
            .map_or("X|_", String::as_str);
        joint.split_once('|').unwrap_or((joint, ""))
    }

    /// How many features and weights the model holds.
    pub(crate) fn size(&self) -> (usize, usize) {
        (
            self.forward.features() + self.backward.features(),
            self.forward.weights() + self.backward.weights(),
        )
    }

    pub(crate) fn write(&self, writer: &mut Writer) {
        writer.strs(&self.tags);
        self.lexicon.write(writer);
        self.forward.write(writer);
        self.backward.write(writer);
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Tagger, ParseError> {
        let tags = reader.strs("tag set")?;
        let lexicon = Lexicon::read(reader)?;
        let forward = Classifier::read(reader)?;
        let backward = Classifier::read(reader)?;
        if forward.classes() != tags.len() || backward.classes() != tags.len() || tags.is_empty() {
            return Err(ParseError::Model(
                "the tagger's classes do not match its tag set".to_owned(),
            ));
        }
        Ok(Tagger {
            tags,
            lexicon,
            forward,
            backward,
        })
    }
}

/// Trains the model of one reading direction.
fn train_direction(
    examples: &[(Vec<Word>, Vec<Option<u16>>)],
    lexicon: &Lexicon,
    classes: usize,
    options: TaggerTraining,
    direction: Direction,
) -> Classifier {
    let mut perceptron = Perceptron::new(classes);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let seed = options.seed
        ^ if direction == Direction::Backward {
            0xBAC4
        } else {
            0
        };
    let mut rng = Rng::new(seed);
    let mut features = Vec::with_capacity(64);
    let mut scores = vec![0_i64; classes];
    for _ in 0..options.epochs {
        rng.shuffle(&mut order);
        for &example in &order {
            let (words, gold) = &examples[example];
            let known = lexicon.look_up(words);
            let (mut prev, mut prev2) = (START_TAG, START_TAG_2);
            for position in direction.positions(words.len()) {
                features.clear();
                features_at(
                    words,
                    &known,
                    position,
                    direction,
                    prev,
                    prev2,
                    &mut features,
                );
                perceptron.score(&features, &mut scores);
                let guess = best(&scores, |_| true).unwrap_or(0);
                if let Some(gold) = gold[position].filter(|&gold| usize::from(gold) != guess) {
                    perceptron.update(&features, usize::from(gold), guess);
                }
                perceptron.tick();
                (prev2, prev) = (prev, guess as u64);
            }
        }
    }
    perceptron.averaged(options.pruning)
}

/// Tags greedily in one direction and returns every word's scores (`classes` per word, in
/// sentence order).
fn read_scores(
    model: &Classifier,
    words: &[Word],
    known: &[Known],
    classes: usize,
    direction: Direction,
) -> Vec<i32> {
    let mut all = vec![0; words.len() * classes];
    let mut features = Vec::with_capacity(64);
    let mut scores: ClassScores = [0; 256];
    let (mut prev, mut prev2) = (START_TAG, START_TAG_2);
    for position in direction.positions(words.len()) {
        features.clear();
        features_at(
            words,
            known,
            position,
            direction,
            prev,
            prev2,
            &mut features,
        );
        model.score(&features, &mut scores);
        let guess = best(&scores[..classes], |_| true).unwrap_or(0);
        all[position * classes..(position + 1) * classes].copy_from_slice(&scores[..classes]);
        (prev2, prev) = (prev, guess as u64);
    }
    all
}

/// What the training data says of a word, looked up once per sentence.
#[derive(Debug, Clone, Copy)]
struct Known {
    /// The tags its lower-case form was seen with.
    tag_set: u64,
    /// The tags its exact form was seen with.
    form_tag_set: u64,
    /// How often it is capitalised inside a sentence.
    capitalisation: u64,
}

/// The tagger's dictionaries, learned from its training data.
#[derive(Debug, Clone, PartialEq, Default)]
struct Lexicon {
    /// Lower-case form → hash of its tag set.
    tag_sets: FeatureMap<u64>,
    /// Exact normalised form → hash of its tag set (`US` is not `us`).
    form_tag_sets: FeatureMap<u64>,
    /// Lower-case form → share of its occurrences past a sentence's first word that are
    /// capitalised, in five steps: a strong hint of a proper noun.
    capitalisation: FeatureMap<u64>,
}

/// Keys of words seen often enough, with the hash of the tags each was seen with.
fn tag_set_map(sightings: impl Iterator<Item = (u64, u16)>) -> FeatureMap<u64> {
    let mut counts: FeatureMap<Vec<(u16, usize)>> = FeatureMap::default();
    for (key, tag) in sightings {
        let seen = counts.entry(key).or_default();
        match seen.iter_mut().find(|(seen_tag, _)| *seen_tag == tag) {
            Some((_, count)) => *count += 1,
            None => seen.push((tag, 1)),
        }
    }
    counts
        .into_iter()
        .filter_map(|(key, mut seen)| {
            let total: usize = seen.iter().map(|(_, count)| count).sum();
            if total < DICTIONARY_MIN_COUNT {
                return None;
            }
            seen.retain(|&(_, count)| count as f64 >= DICTIONARY_MIN_SHARE * total as f64);
            seen.sort_unstable();
            let set = seen.iter().fold(0x5345_5400, |state, &(tag, _)| {
                combine(state, u64::from(tag))
            });
            Some((key, finish(set)))
        })
        .collect()
}

fn write_map(writer: &mut Writer, map: &FeatureMap<u64>) {
    let mut entries: Vec<(u64, u64)> = map.iter().map(|(&k, &v)| (k, v)).collect();
    entries.sort_unstable();
    writer.u64s(&entries.iter().map(|&(key, _)| key).collect::<Vec<_>>());
    writer.u64s(&entries.iter().map(|&(_, value)| value).collect::<Vec<_>>());
}

fn read_map(reader: &mut Reader<'_>, what: &str) -> Result<FeatureMap<u64>, ParseError> {
    let keys = reader.u64s(what)?;
    let values = reader.u64s(what)?;
    if keys.len() != values.len() {
        return Err(ParseError::Model(format!(
            "{what}: keys and values differ in number"
        )));
    }
    Ok(keys.into_iter().zip(values).collect())
}

impl Lexicon {
    fn build(examples: &[(Vec<Word>, Vec<Option<u16>>)]) -> Lexicon {
        let tagged = || {
            examples
                .iter()
                .flat_map(|(words, gold)| words.iter().zip(gold))
                .filter_map(|(word, tag)| tag.map(|tag| (word, tag)))
        };
        let mut case_counts: FeatureMap<(usize, usize)> = FeatureMap::default();
        for (words, _) in examples {
            for word in words.iter().skip(1) {
                let counts = case_counts.entry(word.lower).or_default();
                counts.0 += usize::from(word.flags & STARTS_UPPER != 0);
                counts.1 += 1;
            }
        }
        let capitalisation = case_counts
            .into_iter()
            .filter(|&(_, (_, total))| total >= CASE_MIN_COUNT)
            .map(|(word, (capitalised, total))| {
                let share = capitalised as f64 / total as f64;
                let step = match share {
                    0.0 => 0,
                    s if s < 0.25 => 1,
                    s if s < 0.75 => 2,
                    s if s < 1.0 => 3,
                    _ => 4,
                };
                (word, step)
            })
            .collect();
        Lexicon {
            tag_sets: tag_set_map(tagged().map(|(word, tag)| (word.lower, tag))),
            form_tag_sets: tag_set_map(tagged().map(|(word, tag)| (word.form, tag))),
            capitalisation,
        }
    }

    fn look_up(&self, words: &[Word]) -> Vec<Known> {
        words
            .iter()
            .map(|word| Known {
                tag_set: self
                    .tag_sets
                    .get(&word.lower)
                    .copied()
                    .unwrap_or(UNKNOWN_TAG_SET),
                form_tag_set: self
                    .form_tag_sets
                    .get(&word.form)
                    .copied()
                    .unwrap_or(UNKNOWN_TAG_SET),
                capitalisation: self
                    .capitalisation
                    .get(&word.lower)
                    .copied()
                    .unwrap_or(UNKNOWN_TAG_SET),
            })
            .collect()
    }

    fn write(&self, writer: &mut Writer) {
        write_map(writer, &self.tag_sets);
        write_map(writer, &self.form_tag_sets);
        write_map(writer, &self.capitalisation);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Lexicon, ParseError> {
        Ok(Lexicon {
            tag_sets: read_map(reader, "tag dictionary")?,
            form_tag_sets: read_map(reader, "form tag dictionary")?,
            capitalisation: read_map(reader, "capitalisation profile")?,
        })
    }
}

/// The features of the word at `position`, given the two tags predicted before it in reading
/// order; "previous" and "next" words are in reading order too.
fn features_at(
    words: &[Word],
    known: &[Known],
    position: usize,
    direction: Direction,
    prev: u64,
    prev2: u64,
    out: &mut Vec<u64>,
) {
    let word = &words[position];
    let step = direction.step();
    let lower_at = |offset: isize| -> u64 {
        match position.checked_add_signed(offset * step) {
            Some(index) if index < words.len() => words[index].lower,
            Some(_) => PAD_END ^ offset as u64,
            None => PAD_START ^ offset as u64,
        }
    };
    let word_at = |offset: isize| -> Option<&Word> {
        position
            .checked_add_signed(offset * step)
            .and_then(|index| words.get(index))
    };
    let set_at = |offset: isize| -> u64 {
        position
            .checked_add_signed(offset * step)
            .and_then(|index| known.get(index))
            .map_or(PAD_END ^ offset as u64, |known| known.tag_set)
    };
    let here = known[position];
    let next_case = position
        .checked_add_signed(step)
        .and_then(|index| known.get(index))
        .map_or(PAD_END, |known| known.capitalisation);
    let first = u64::from(position == 0);
    out.push(feature1(0, 0));
    out.push(feature1(1, word.form));
    out.push(feature1(2, word.lower));
    for (length, suffix) in word.suffixes.iter().enumerate() {
        out.push(feature1(3 + length as u64, *suffix));
    }
    for (length, prefix) in word.prefixes.iter().enumerate() {
        out.push(feature1(8 + length as u64, *prefix));
    }
    out.push(feature1(11, word.shape));
    out.push(feature2(12, word.flags, first));
    out.push(feature1(13, lower_at(-1)));
    out.push(feature1(14, lower_at(-2)));
    out.push(feature1(15, lower_at(1)));
    out.push(feature1(16, lower_at(2)));
    let previous = word_at(-1);
    let next = word_at(1);
    out.push(feature1(17, previous.map_or(PAD_START, |w| w.suffixes[2])));
    out.push(feature1(18, next.map_or(PAD_END, |w| w.suffixes[2])));
    out.push(feature1(19, previous.map_or(PAD_START, |w| w.shape)));
    out.push(feature1(20, next.map_or(PAD_END, |w| w.shape)));
    out.push(feature1(21, prev));
    out.push(feature1(22, prev2));
    out.push(feature2(23, prev, prev2));
    out.push(feature2(24, prev, word.lower));
    out.push(feature2(25, lower_at(-1), word.lower));
    out.push(feature2(26, word.lower, lower_at(1)));
    out.push(feature1(27, set_at(0)));
    out.push(feature1(28, set_at(1)));
    out.push(feature1(29, set_at(2)));
    out.push(feature2(30, prev, set_at(1)));
    out.push(feature2(31, set_at(0), set_at(1)));
    out.push(feature2(32, prev, word.suffixes[2]));
    out.push(feature2(33, word.lower, set_at(1)));
    out.push(feature3(34, prev, set_at(0), set_at(1)));
    out.push(feature2(35, lower_at(1), lower_at(2)));
    out.push(feature2(36, prev, word.shape));
    out.push(feature1(37, here.capitalisation));
    out.push(feature2(38, here.capitalisation, first));
    out.push(feature2(39, here.capitalisation, prev));
    out.push(feature2(40, here.capitalisation, word.flags));
    out.push(feature1(41, here.form_tag_set));
    out.push(feature2(42, here.form_tag_set, prev));
    out.push(feature2(43, next_case, word.flags));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::conllu;

    fn trained() -> (Tagger, Vec<Sentence>) {
        let sentences =
            conllu::read(include_str!("../../tests/fixtures/parse/diplomacy.conllu")).unwrap();
        let mut tags: Vec<String> = sentences
            .iter()
            .flat_map(|sentence| &sentence.tokens)
            .map(|token| joint_tag(&token.upos, &token.xpos))
            .collect();
        tags.sort();
        tags.dedup();
        let options = TaggerTraining {
            epochs: 10,
            seed: 3,
            pruning: Pruning {
                min_updates: 1,
                min_weight: 1,
            },
        };
        (
            Tagger::train(&sentences, &tags, options).unwrap(),
            sentences,
        )
    }

    fn tag(tagger: &Tagger, forms: &[&str]) -> Vec<String> {
        let words: Vec<Word> = forms.iter().map(|form| Word::new(form)).collect();
        tagger
            .tag_with_doubts(&words)
            .iter()
            .map(|guess| tagger.tags()[usize::from(guess.tag)].clone())
            .collect()
    }

    #[test]
    fn learns_a_small_treebank_and_tags_a_new_sentence() {
        let (tagger, sentences) = trained();
        for sentence in &sentences {
            let forms: Vec<&str> = sentence.tokens.iter().map(|t| t.form.as_str()).collect();
            let gold: Vec<String> = sentence
                .tokens
                .iter()
                .map(|t| joint_tag(&t.upos, &t.xpos))
                .collect();
            assert_eq!(tag(&tagger, &forms), gold);
        }
        let tagged = tag(
            &tagger,
            &[
                "China",
                "expelled",
                "two",
                "British",
                "diplomats",
                "on",
                "Friday",
                ".",
            ],
        );
        assert_eq!(
            tagged,
            [
                "PROPN|NNP",
                "VERB|VBD",
                "NUM|CD",
                "ADJ|JJ",
                "NOUN|NNS",
                "ADP|IN",
                "PROPN|NNP",
                "PUNCT|."
            ]
        );
    }

    #[test]
    fn doubts_come_with_a_runner_up() {
        let (tagger, _) = trained();
        let words: Vec<Word> = ["Officials", "said", "the", "talks"]
            .iter()
            .map(|f| Word::new(f))
            .collect();
        for guess in tagger.tag_with_doubts(&words) {
            assert_ne!(guess.tag, guess.runner_up);
            assert!(guess.margin >= 0.0);
        }
    }

    #[test]
    fn reads_back_equal() {
        let (tagger, _) = trained();
        let mut writer = Writer::default();
        tagger.write(&mut writer);
        let bytes = writer.into_bytes();
        assert_eq!(Tagger::read(&mut Reader::new(&bytes)).unwrap(), tagger);
    }

    #[test]
    fn the_tag_dictionary_keeps_frequent_words_and_their_common_tags() {
        let word = Word::new("sanctions");
        let rare = Word::new("démarche");
        let mut gold = vec![Some(1_u16); 20];
        gold.push(Some(2));
        let examples = vec![
            (vec![word.clone(); 21], gold),
            (vec![rare.clone(); 2], vec![Some(1), Some(1)]),
        ];
        let lexicon = Lexicon::build(&examples);
        let dictionary = &lexicon.tag_sets;
        assert!(dictionary.contains_key(&word.lower));
        assert!(
            !dictionary.contains_key(&rare.lower),
            "seen twice: treated as unknown"
        );
        let alone = Lexicon::build(&[(vec![word.clone(); 3], vec![Some(1); 3])]).tag_sets;
        assert_eq!(
            alone.get(&word.lower),
            dictionary.get(&word.lower),
            "a tag seen once in 21 is dropped"
        );
        // Capitalised inside sentences every time it is seen (past the first word).
        let kremlin = Word::new("Kremlin");
        let profile = Lexicon::build(&[(vec![kremlin.clone(); 3], vec![Some(1); 3])]);
        assert_eq!(profile.capitalisation.get(&kremlin.lower), Some(&4));
        assert_eq!(profile.capitalisation.get(&word.lower), None);
    }
}
