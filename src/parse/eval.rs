//! Scoring a parse against a gold treebank: tagging and lemma accuracy and attachment scores.
//!
//! Owns the measures as the CoNLL shared tasks define them on gold tokenisation: UPOS, XPOS
//! and lemma accuracy, UAS (the share of words given their gold head) and LAS (the gold head
//! and the gold relation, subtypes included: `obl` for a gold `obl:agent` is wrong).
//! Punctuation counts like any other word. It must not parse: it compares two sentences.

use super::sentence::Sentence;

/// Counts of words and of correct predictions, summed over sentences.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Scores {
    /// Words compared.
    pub words: usize,
    /// Words with the gold universal tag.
    pub upos: usize,
    /// Words with the gold Penn Treebank tag.
    pub xpos: usize,
    /// Words with the gold lemma.
    pub lemmas: usize,
    /// Words with the gold head.
    pub heads: usize,
    /// Words with the gold head and the gold relation (subtypes included).
    pub labelled: usize,
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl Scores {
    /// Adds the comparison of one predicted sentence with its gold (the same words in the same
    /// order; extra words on either side are ignored).
    pub fn add(&mut self, gold: &Sentence, predicted: &Sentence) {
        for (gold, predicted) in gold.tokens.iter().zip(&predicted.tokens) {
            self.words += 1;
            self.upos += usize::from(gold.upos == predicted.upos);
            self.xpos += usize::from(gold.xpos == predicted.xpos);
            self.lemmas += usize::from(gold.lemma == predicted.lemma);
            let head = gold.head == predicted.head;
            self.heads += usize::from(head);
            self.labelled += usize::from(head && gold.deprel == predicted.deprel);
        }
    }

    /// Universal tag accuracy.
    pub fn upos(&self) -> f64 {
        share(self.upos, self.words)
    }

    /// Penn Treebank tag accuracy.
    pub fn xpos(&self) -> f64 {
        share(self.xpos, self.words)
    }

    /// Lemma accuracy.
    pub fn lemma(&self) -> f64 {
        share(self.lemmas, self.words)
    }

    /// Unlabelled attachment score.
    pub fn uas(&self) -> f64 {
        share(self.heads, self.words)
    }

    /// Labelled attachment score.
    pub fn las(&self) -> f64 {
        share(self.labelled, self.words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Token;

    fn token(upos: &str, head: usize, deprel: &str) -> Token {
        Token {
            form: "w".to_owned(),
            lemma: "w".to_owned(),
            upos: upos.to_owned(),
            xpos: "X".to_owned(),
            head,
            deprel: deprel.to_owned(),
            start: 0,
            end: 1,
        }
    }

    #[test]
    fn subtypes_count_and_labels_need_the_right_head() {
        let gold = Sentence {
            tokens: vec![
                token("NOUN", 2, "nsubj:pass"),
                token("VERB", 0, "root"),
                token("NOUN", 2, "obl:agent"),
            ],
        };
        let predicted = Sentence {
            tokens: vec![
                token("NOUN", 2, "nsubj"),
                token("VERB", 0, "root"),
                token("PROPN", 1, "obl:agent"),
            ],
        };
        let mut scores = Scores::default();
        scores.add(&gold, &predicted);
        assert_eq!(
            scores,
            Scores {
                words: 3,
                upos: 2,
                xpos: 3,
                lemmas: 3,
                heads: 2,
                labelled: 1
            }
        );
        assert!((scores.las() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(Scores::default().uas(), 0.0);
    }
}
