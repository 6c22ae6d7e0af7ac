//! Training a [`Parser`] from a treebank: the tagger, then the lemmatizer, then the dependency
//! parser on tags predicted by jackknifing, so that it learns to cope with the tagger's mistakes.
//!
//! Owns the training recipe and its reproducibility: a fixed seed, a fixed order of work, and
//! threads that each own their data (the folds' taggers train in parallel), so the same data
//! gives the same model bytes. It reports progress through a callback and must not print or
//! touch files: `examples/train_parser.rs` does.

use std::collections::BTreeSet;
use std::time::Instant;

use super::ParseError;
use super::dependency::{CoarseTags, DependencyParser, DependencyTrainer, Example, ParserTraining};
use super::eval::Scores;
use super::lemma::Lemmatizer;
use super::model::Parser;
use super::perceptron::{FeatureMap, Pruning};
use super::sentence::Sentence;
use super::tagger::{Guess, Tagger, TaggerTraining, joint_tag};
use super::words::Word;

/// The knobs of training; the defaults made the shipped model.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingOptions {
    /// Passes of the tagger over the training data.
    pub tagger_epochs: usize,
    /// Passes of the dependency parser over the training data.
    pub parser_epochs: usize,
    /// Folds of the jackknife: each fold is tagged by a tagger trained on the others.
    pub folds: usize,
    /// Epochs during which the parser only follows the oracle.
    pub explore_after: usize,
    /// Once exploring, the chance of following a wrong prediction.
    pub explore_probability: f64,
    /// The seed of every shuffle and coin flip.
    pub seed: u64,
    /// Features of the parser updated fewer times than this in training are left out of the
    /// model: its size against its accuracy.
    pub parser_min_updates: u32,
    /// Likewise for the tagger.
    pub tagger_min_updates: u32,
}

impl Default for TrainingOptions {
    fn default() -> Self {
        TrainingOptions {
            tagger_epochs: 10,
            parser_epochs: 20,
            folds: 4,
            explore_after: 1,
            explore_probability: 0.9,
            seed: 2017,
            parser_min_updates: 2,
            tagger_min_updates: 2,
        }
    }
}

fn tag_set(sentences: &[Sentence]) -> Vec<String> {
    let tags: BTreeSet<String> = sentences
        .iter()
        .flat_map(|sentence| &sentence.tokens)
        .map(|token| joint_tag(&token.upos, &token.xpos))
        .collect();
    tags.into_iter().collect()
}

fn label_set(sentences: &[Sentence]) -> Vec<String> {
    let mut labels: BTreeSet<String> = sentences
        .iter()
        .flat_map(|sentence| &sentence.tokens)
        .map(|token| token.deprel.clone())
        .collect();
    labels.insert("root".to_owned());
    labels.into_iter().collect()
}

fn words_of(sentence: &Sentence) -> Vec<Word> {
    sentence
        .tokens
        .iter()
        .map(|token| Word::new(&token.form))
        .collect()
}

/// A tagger, and the sentences it tagged that it had not seen (by index).
type FoldResult = (Tagger, Vec<(usize, Vec<Guess>)>);

/// Tags every training sentence with a tagger that never saw it (`folds` taggers, each trained
/// on the other folds), and trains the final tagger on everything; all in parallel threads.
fn jackknife(
    train: &[Sentence],
    tags: &[String],
    options: &TrainingOptions,
) -> Result<(Tagger, Vec<Vec<Guess>>), ParseError> {
    let folds = options.folds.max(2);
    let tagger_options = |fold: usize| TaggerTraining {
        epochs: options.tagger_epochs,
        seed: options.seed.wrapping_add(fold as u64 + 1),
        pruning: Pruning {
            min_updates: options.tagger_min_updates,
            min_weight: 1,
        },
    };
    let results: Vec<Result<FoldResult, ParseError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..=folds)
            .map(|fold| {
                scope.spawn(move || {
                    // Fold `folds` is no fold: the final tagger, trained on everything.
                    let in_fold = |index: usize| fold < folds && index % folds == fold;
                    let training: Vec<Sentence> = train
                        .iter()
                        .enumerate()
                        .filter(|&(index, _)| !in_fold(index))
                        .map(|(_, sentence)| sentence.clone())
                        .collect();
                    let tagger = Tagger::train(&training, tags, tagger_options(fold))?;
                    let tagged = (0..train.len())
                        .filter(|&index| in_fold(index))
                        .map(|index| (index, tagger.tag_with_doubts(&words_of(&train[index]))))
                        .collect();
                    Ok((tagger, tagged))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(ParseError::Training("a tagger thread panicked".to_owned()))
                })
            })
            .collect()
    });
    let mut predicted = vec![Vec::new(); train.len()];
    let mut final_tagger = None;
    for result in results {
        let (tagger, tagged) = result?;
        if tagged.is_empty() {
            final_tagger = Some(tagger);
        }
        for (index, tags) in tagged {
            predicted[index] = tags;
        }
    }
    let tagger = final_tagger.ok_or_else(|| ParseError::Training("no final tagger".to_owned()))?;
    Ok((tagger, predicted))
}

/// The tagger margins under which the parser is shown the runner-up tag: those of the 5%, 10%
/// and 20% least certain words of the (jackknifed) training data.
fn doubt_thresholds(guesses: &[Vec<Guess>]) -> [f32; 3] {
    let mut margins: Vec<f32> = guesses.iter().flatten().map(|guess| guess.margin).collect();
    margins.sort_by(f32::total_cmp);
    let at = |share: f64| {
        let index = ((margins.len() as f64 * share) as usize).min(margins.len().saturating_sub(1));
        margins.get(index).copied().unwrap_or(0.0)
    };
    [at(0.05), at(0.10), at(0.20)]
}

fn label_ids(sentence: &Sentence, labels: &[String]) -> Vec<u16> {
    sentence
        .tokens
        .iter()
        .map(|token| {
            labels
                .iter()
                .position(|label| *label == token.deprel)
                .unwrap_or(0) as u16
        })
        .collect()
}

fn heads_of(sentence: &Sentence) -> Vec<usize> {
    sentence.tokens.iter().map(|token| token.head).collect()
}

/// Attachment scores of a dependency parser on tagged sentences.
fn attachment(parser: &DependencyParser, dev: &[Tagged<'_>]) -> Scores {
    let mut scores = Scores::default();
    for (words, tags, gold) in dev {
        let (heads, labels) = parser.parse(words, tags);
        for (index, token) in gold.tokens.iter().enumerate() {
            scores.words += 1;
            if heads[index] == token.head {
                scores.heads += 1;
                if parser.labels()[usize::from(labels[index])] == token.deprel {
                    scores.labelled += 1;
                }
            }
        }
    }
    scores
}

/// A dev sentence with its words and the tagger's guesses.
type Tagged<'a> = (Vec<Word>, Vec<Guess>, &'a Sentence);

/// Trains a parser on `train`, reporting progress (and the scores on `dev` after each parser
/// epoch) through `report`. The parser of the epoch with the best labelled score on `dev` is
/// kept (the last one when `dev` is empty).
pub fn train(
    train: &[Sentence],
    dev: &[Sentence],
    options: &TrainingOptions,
    report: &mut dyn FnMut(String),
) -> Result<Parser, ParseError> {
    if train.is_empty() {
        return Err(ParseError::Training("no training sentences".to_owned()));
    }
    let started = Instant::now();
    let tags = tag_set(train);
    let (tagger, predicted_tags) = jackknife(train, &tags, options)?;
    let dev_tagged: Vec<Tagged<'_>> = dev
        .iter()
        .map(|sentence| {
            let words = words_of(sentence);
            let guesses = tagger.tag_with_doubts(&words);
            (words, guesses, sentence)
        })
        .collect();
    let tagging = tagging_scores(&tagger, &dev_tagged);
    report(format!(
        "tagger: {} tags, {} folds; dev UPOS {:.4} XPOS {:.4} ({:.1} s)",
        tags.len(),
        options.folds,
        tagging.upos(),
        tagging.xpos(),
        started.elapsed().as_secs_f64()
    ));
    let lemmatizer = Lemmatizer::train(train);
    let dependencies =
        train_dependencies(train, &tags, predicted_tags, &dev_tagged, options, report)?;
    Ok(Parser {
        tagger,
        lemmatizer,
        dependencies,
    })
}

/// `parser` with its lemmatizer learned again from `train`, its tagger and dependency parser
/// kept: the lemmatizer reads only words, tags and lemmas, so its rules can change without
/// retraining the rest.
pub fn retrain_lemmatizer(parser: Parser, train: &[Sentence]) -> Parser {
    Parser {
        lemmatizer: Lemmatizer::train(train),
        ..parser
    }
}

fn tagging_scores(tagger: &Tagger, tagged: &[Tagged<'_>]) -> Scores {
    let mut scores = Scores::default();
    for (_, predicted, gold) in tagged {
        for (guess, token) in predicted.iter().zip(&gold.tokens) {
            let (upos, xpos) = tagger.split(guess.tag);
            scores.words += 1;
            scores.upos += usize::from(upos == token.upos);
            scores.xpos += usize::from(xpos == token.xpos);
        }
    }
    scores
}

/// Trains the dependency parser on the training trees with the tags of the jackknife, one
/// epoch at a time, and keeps the epoch with the best labelled score on the dev set.
fn train_dependencies(
    train: &[Sentence],
    tags: &[String],
    predicted_tags: Vec<Vec<Guess>>,
    dev_tagged: &[Tagged<'_>],
    options: &TrainingOptions,
    report: &mut dyn FnMut(String),
) -> Result<DependencyParser, ParseError> {
    let labels = label_set(train);
    let doubt = doubt_thresholds(&predicted_tags);
    let mut word_counts: FeatureMap<usize> = FeatureMap::default();
    let examples: Vec<Example> = train
        .iter()
        .zip(predicted_tags)
        .map(|(sentence, guesses)| {
            let words = words_of(sentence);
            for word in &words {
                *word_counts.entry(word.lower).or_default() += 1;
            }
            Example::new(
                words,
                guesses,
                &heads_of(sentence),
                &label_ids(sentence, &labels),
            )
        })
        .collect();
    let training = ParserTraining {
        explore_after: options.explore_after,
        explore_probability: options.explore_probability,
        seed: options.seed,
        pruning: Pruning {
            min_updates: options.parser_min_updates,
            min_weight: 1,
        },
    };
    let mut trainer =
        DependencyTrainer::new(labels, CoarseTags::new(tags), doubt, &word_counts, training)?;
    let mut best: Option<(usize, DependencyParser)> = None;
    for epoch in 1..=options.parser_epochs {
        let epoch_started = Instant::now();
        trainer.epoch(&examples);
        let parser = trainer.snapshot();
        let scores = attachment(&parser, dev_tagged);
        report(format!(
            "parser epoch {epoch}: dev UAS {:.4} LAS {:.4} ({} features, {:.1} s)",
            scores.uas(),
            scores.las(),
            trainer.features(),
            epoch_started.elapsed().as_secs_f64()
        ));
        let better = best
            .as_ref()
            .is_none_or(|(labelled, _)| scores.labelled > *labelled || dev_tagged.is_empty());
        if better {
            best = Some((scores.labelled, parser));
        }
    }
    best.map(|(_, parser)| parser)
        .ok_or_else(|| ParseError::Training("no parser epoch was run".to_owned()))
}
