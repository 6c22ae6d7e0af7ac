//! Parse: a part-of-speech tagger, a lemmatizer and a dependency parser for English, in pure
//! Rust, trained on Universal Dependencies English EWT; the news coder reads its trees to find
//! who did what to whom.
//!
//! Owns everything from a sentence's text to its labelled dependency tree: tokenisation
//! ([`tokenize`]), tagging, lemmatisation, parsing ([`Parser`]), the trained model shipped in
//! the binary ([`Parser::shipped`]), training ([`train`]), evaluation ([`eval`]) and the CoNLL-U
//! format ([`conllu`]). It must not know about events, actors or the log: the coder in
//! [`crate::ingest`] builds on this API, never the reverse.
//!
//! The pieces, each testable alone:
//! - `words`: what the models see of a word (normalised spellings, affixes, shape).
//! - `perceptron`: the averaged perceptron, and the compact weight table a model ships as.
//! - `tagger`, `lemma`: the tagger (joint universal and Penn tags) and the lemmatizer.
//! - `arc_eager`: the transition system and its dynamic oracle; `dependency`: the parser's
//!   features, model and training loop.
//! - `model`: [`Parser`], the three models together, and their binary form.

mod arc_eager;
mod codec;
pub mod conllu;
mod dependency;
pub mod eval;
mod hash;
mod lemma;
mod model;
mod perceptron;
mod rng;
mod sentence;
mod tagger;
mod tokenize;
pub mod train;
mod words;

pub use model::Parser;
pub use sentence::{Sentence, Token};
pub use tokenize::tokenize;

use thiserror::Error;

/// What can go wrong in this layer.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ParseError {
    /// A model's bytes cannot be read (truncated, damaged, or another format).
    #[error("the parser model is unusable: {0}")]
    Model(String),
    /// A CoNLL-U text is malformed.
    #[error("CoNLL-U line {line}: {message}")]
    Conllu {
        /// The 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// Training data cannot train a model.
    #[error("cannot train: {0}")]
    Training(String),
}
