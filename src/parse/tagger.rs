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
use super::perceptron::{Classifier, FeatureMap, MAX_CLASSES, Perceptron, best};
use super::rng::Rng;
use super::sentence::Sentence;
use super::words::{PAD_END, PAD_START, Word};

/// A word needs this many sightings before its tag set is trusted as a feature; rarer words are
/// treated like unknown ones, so that training sees unknown words too.
const DICTIONARY_MIN_COUNT: usize = 3;
/// A tag is part of a word's tag set when it covers at least this share of its sightings.
const DICTIONARY_MIN_SHARE: f64 = 0.05;
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
    /// Lower-case form hash → hash of the word's tag set.
    dictionary: FeatureMap<u64>,
    model: Classifier,
}

/// How a tagger is trained.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaggerTraining {
    pub(crate) epochs: usize,
    pub(crate) seed: u64,
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
        let dictionary = build_dictionary(&examples);
        let mut perceptron = Perceptron::new(tags.len());
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng = Rng::new(options.seed);
        let mut features = Vec::with_capacity(64);
        let mut scores = vec![0_i64; tags.len()];
        for _ in 0..options.epochs {
            rng.shuffle(&mut order);
            for &example in &order {
                let (words, gold) = &examples[example];
                let tag_sets = tag_sets(&dictionary, words);
                let (mut prev, mut prev2) = (START_TAG, START_TAG_2);
                for position in 0..words.len() {
                    features.clear();
                    features_at(words, &tag_sets, position, prev, prev2, &mut features);
                    perceptron.score(&features, &mut scores);
                    let guess = best(&scores, |_| true).unwrap_or(0);
                    if let Some(gold) = gold[position] {
                        if guess != usize::from(gold) {
                            perceptron.update(&features, usize::from(gold), guess);
                        }
                    }
                    perceptron.tick();
                    (prev2, prev) = (prev, guess as u64);
                }
            }
        }
        Ok(Tagger {
            tags: tags.to_vec(),
            dictionary,
            model: perceptron.averaged(),
        })
    }

    /// The tag id of each word.
    pub(crate) fn tag(&self, words: &[Word]) -> Vec<u16> {
        let tag_sets = tag_sets(&self.dictionary, words);
        let mut features = Vec::with_capacity(64);
        let mut scores = vec![0_i32; self.tags.len()];
        let mut tags = Vec::with_capacity(words.len());
        let (mut prev, mut prev2) = (START_TAG, START_TAG_2);
        for position in 0..words.len() {
            features.clear();
            features_at(words, &tag_sets, position, prev, prev2, &mut features);
            self.model.score(&features, &mut scores);
            let guess = best(&scores, |_| true).unwrap_or(0);
            tags.push(guess as u16);
            (prev2, prev) = (prev, guess as u64);
        }
        tags
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
        (self.model.features(), self.model.weights())
    }

    pub(crate) fn write(&self, writer: &mut Writer) {
        writer.strs(&self.tags);
        let mut entries: Vec<(u64, u64)> = self.dictionary.iter().map(|(&k, &v)| (k, v)).collect();
        entries.sort_unstable();
        writer.u64s(&entries.iter().map(|&(word, _)| word).collect::<Vec<_>>());
        writer.u64s(&entries.iter().map(|&(_, set)| set).collect::<Vec<_>>());
        self.model.write(writer);
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Tagger, ParseError> {
        let tags = reader.strs("tag set")?;
        let words = reader.u64s("tag dictionary")?;
        let sets = reader.u64s("tag dictionary")?;
        if words.len() != sets.len() {
            return Err(ParseError::Model(
                "tag dictionary halves differ in length".to_owned(),
            ));
        }
        let dictionary = words.into_iter().zip(sets).collect();
        let model = Classifier::read(reader)?;
        if model.classes() != tags.len() || tags.is_empty() {
            return Err(ParseError::Model(
                "the tagger's classes do not match its tag set".to_owned(),
            ));
        }
        Ok(Tagger {
            tags,
            dictionary,
            model,
        })
    }
}

fn build_dictionary(examples: &[(Vec<Word>, Vec<Option<u16>>)]) -> FeatureMap<u64> {
    let mut counts: FeatureMap<Vec<(u16, usize)>> = FeatureMap::default();
    for (words, gold) in examples {
        for (word, tag) in words.iter().zip(gold) {
            if let Some(tag) = *tag {
                let seen = counts.entry(word.lower).or_default();
                match seen.iter_mut().find(|(seen_tag, _)| *seen_tag == tag) {
                    Some((_, count)) => *count += 1,
                    None => seen.push((tag, 1)),
                }
            }
        }
    }
    counts
        .into_iter()
        .filter_map(|(word, mut seen)| {
            let total: usize = seen.iter().map(|(_, count)| count).sum();
            if total < DICTIONARY_MIN_COUNT {
                return None;
            }
            seen.retain(|&(_, count)| count as f64 >= DICTIONARY_MIN_SHARE * total as f64);
            seen.sort_unstable();
            let set = seen.iter().fold(0x5345_5400, |state, &(tag, _)| {
                combine(state, u64::from(tag))
            });
            Some((word, finish(set)))
        })
        .collect()
}

fn tag_sets(dictionary: &FeatureMap<u64>, words: &[Word]) -> Vec<u64> {
    words
        .iter()
        .map(|word| {
            dictionary
                .get(&word.lower)
                .copied()
                .unwrap_or(UNKNOWN_TAG_SET)
        })
        .collect()
}

/// The features of the word at `position`, given the two tags predicted before it.
fn features_at(
    words: &[Word],
    tag_sets: &[u64],
    position: usize,
    prev: u64,
    prev2: u64,
    out: &mut Vec<u64>,
) {
    let word = &words[position];
    let lower_at = |offset: isize| -> u64 {
        match position.checked_add_signed(offset) {
            Some(index) if index < words.len() => words[index].lower,
            Some(_) => PAD_END ^ offset as u64,
            None => PAD_START ^ offset as u64,
        }
    };
    let word_at = |offset: isize| -> Option<&Word> {
        position
            .checked_add_signed(offset)
            .and_then(|index| words.get(index))
    };
    let set_at = |offset: isize| -> u64 {
        position
            .checked_add_signed(offset)
            .and_then(|index| tag_sets.get(index).copied())
            .unwrap_or(PAD_END ^ offset as u64)
    };
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let dictionary = build_dictionary(&examples);
        assert!(dictionary.contains_key(&word.lower));
        assert!(
            !dictionary.contains_key(&rare.lower),
            "seen twice: treated as unknown"
        );
        let alone = build_dictionary(&[(vec![word.clone(); 3], vec![Some(1); 3])]);
        assert_eq!(
            alone.get(&word.lower),
            dictionary.get(&word.lower),
            "a tag seen once in 21 is dropped"
        );
    }
}
