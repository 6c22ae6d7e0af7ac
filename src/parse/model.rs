//! [`Parser`]: the tagger, the lemmatizer and the dependency parser together, their binary form,
//! and the model trained on UD English EWT that ships inside the binary.
//!
//! Owns the pipeline from words to a [`Sentence`] and the model file's layout (a magic number,
//! a version, then each part). The shipped model is read once, on first use, from bytes
//! embedded at compile time. It must not train: see [`super::train`].

use std::sync::OnceLock;

use super::ParseError;
use super::codec::{Reader, Writer};
use super::dependency::DependencyParser;
use super::lemma::Lemmatizer;
use super::sentence::{Sentence, Token};
use super::tagger::Tagger;
use super::tokenize::tokenize;
use super::words::Word;

/// The first bytes of every model file, the format's version in the last two.
const MAGIC: &[u8; 8] = b"DYADPS02";

/// The model trained on UD English EWT by `cargo run --release --example train_parser`.
static SHIPPED_BYTES: &[u8] = include_bytes!("model/en_ewt.bin");

/// A tagger, a lemmatizer and a dependency parser, trained together.
#[derive(Clone, PartialEq)]
pub struct Parser {
    pub(crate) tagger: Tagger,
    pub(crate) lemmatizer: Lemmatizer,
    pub(crate) dependencies: DependencyParser,
}

impl std::fmt::Debug for Parser {
    /// The model's size, not its millions of weights.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Parser").field(&self.describe()).finish()
    }
}

impl Parser {
    /// The model shipped in the binary (trained on UD English EWT), read on first use and kept
    /// for the life of the process.
    pub fn shipped() -> Result<&'static Parser, ParseError> {
        static SHIPPED: OnceLock<Result<Parser, ParseError>> = OnceLock::new();
        SHIPPED
            .get_or_init(|| Parser::read(Reader::lasting(SHIPPED_BYTES)))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Reads a model written by [`Parser::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Parser, ParseError> {
        Parser::read(Reader::new(bytes))
    }

    fn read(mut reader: Reader<'_>) -> Result<Parser, ParseError> {
        if reader.raw(MAGIC.len(), "the header").ok() != Some(MAGIC.as_slice()) {
            return Err(ParseError::Model(
                "not a dyad parser model (or another version of the format)".to_owned(),
            ));
        }
        let tagger = Tagger::read(&mut reader)?;
        let lemmatizer = Lemmatizer::read(&mut reader)?;
        let dependencies = DependencyParser::read(&mut reader)?;
        if !reader.is_at_end() {
            return Err(ParseError::Model(
                "unexpected bytes after the model".to_owned(),
            ));
        }
        Ok(Parser {
            tagger,
            lemmatizer,
            dependencies,
        })
    }

    /// The model's binary form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut writer = Writer::default();
        writer.raw(MAGIC);
        self.tagger.write(&mut writer);
        self.lemmatizer.write(&mut writer);
        self.dependencies.write(&mut writer);
        writer.into_bytes()
    }

    /// Tags, lemmatizes and parses words already split (as in a treebank). Spans are offsets in
    /// the words joined by single spaces.
    pub fn parse_words(&self, words: &[&str]) -> Sentence {
        let mut spans = Vec::with_capacity(words.len());
        let mut offset = 0;
        for word in words {
            spans.push((offset, offset + word.len()));
            offset += word.len() + 1;
        }
        self.annotate(words, &spans)
    }

    /// Splits one sentence into words with [`tokenize`], then parses them. Spans are offsets in
    /// `sentence`.
    pub fn parse_text(&self, sentence: &str) -> Sentence {
        let spans = tokenize(sentence);
        let words: Vec<&str> = spans
            .iter()
            .map(|&(start, end)| &sentence[start..end])
            .collect();
        self.annotate(&words, &spans)
    }

    fn annotate(&self, forms: &[&str], spans: &[(usize, usize)]) -> Sentence {
        let words = Word::all(forms);
        let guesses = self.tagger.tag_with_doubts(&words);
        let (heads, labels) = self.dependencies.parse(&words, &guesses);
        let label_names = self.dependencies.labels();
        let tokens = forms
            .iter()
            .enumerate()
            .map(|(index, form)| {
                let (upos, xpos) = self.tagger.split(guesses[index].tag);
                Token {
                    form: (*form).to_owned(),
                    lemma: self.lemmatizer.lemma(form, xpos),
                    upos: upos.to_owned(),
                    xpos: xpos.to_owned(),
                    head: heads[index],
                    deprel: label_names
                        .get(usize::from(labels[index]))
                        .cloned()
                        .unwrap_or_default(),
                    start: spans[index].0,
                    end: spans[index].1,
                }
            })
            .collect();
        Sentence { tokens }
    }

    /// A one-line account of the model's size, for training reports.
    pub fn describe(&self) -> String {
        let (tagger_features, tagger_weights) = self.tagger.size();
        let (parser_features, parser_weights) = self.dependencies.size();
        let (rules, exceptions) = self.lemmatizer.size();
        format!(
            "tagger: {} tags, {tagger_features} features, {tagger_weights} weights; lemmatizer: {rules} rules, {exceptions} exceptions; parser: {} labels, {parser_features} features, {parser_weights} weights",
            self.tagger.tags().len(),
            self.dependencies.labels().len(),
        )
    }
}
