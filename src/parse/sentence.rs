//! A parsed sentence: its words, their lemmas and tags, and the dependency tree over them.
//!
//! Owns the public result type the news coder reads and the questions it asks of a tree (the
//! children of a word, the root, a word's relation). It must not compute anything a model
//! predicts: the parser fills it in.

use std::fmt::Write as _;

/// One word of a parsed sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word as written (for `parse_text`, the exact slice `start..end` of the text).
    pub form: String,
    /// The dictionary form (`expelled` → `expel`, `diplomats` → `diplomat`, `n't` → `not`).
    pub lemma: String,
    /// The universal part of speech (`NOUN`, `VERB`, `AUX`...).
    pub upos: String,
    /// The Penn Treebank tag, which carries tense and modality (`VBD`, `VBN`, `VBZ`, `MD`...).
    pub xpos: String,
    /// The 1-based index of the head word; 0 for the root of the sentence.
    pub head: usize,
    /// The Universal Dependencies relation to the head, subtypes included (`nsubj:pass`).
    pub deprel: String,
    /// Byte offset where the word starts in the parsed text.
    pub start: usize,
    /// Byte offset just past the word's end in the parsed text.
    pub end: usize,
}

/// The words of one sentence and their dependency tree. Word ids are 1-based, as in CoNLL-U:
/// word `id` is `tokens[id - 1]`, and id 0 stands for the root above the sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentence {
    /// The words in order.
    pub tokens: Vec<Token>,
}

impl Sentence {
    /// How many words the sentence has.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether the sentence has no word.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The word with 1-based `id`, if there is one.
    pub fn token(&self, id: usize) -> Option<&Token> {
        id.checked_sub(1).and_then(|index| self.tokens.get(index))
    }

    /// The id of the word attached to the root (the main predicate), if any.
    pub fn root(&self) -> Option<usize> {
        self.tokens
            .iter()
            .position(|token| token.head == 0)
            .map(|index| index + 1)
    }

    /// The ids of the words whose head is `id` (0: the sentence's root word), in order.
    pub fn children(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        self.tokens
            .iter()
            .enumerate()
            .filter(move |(_, token)| token.head == id)
            .map(|(index, _)| index + 1)
    }

    /// The ids of the children of `id` attached with `deprel` exactly (`nsubj` does not match
    /// `nsubj:pass`).
    pub fn children_with<'a>(
        &'a self,
        id: usize,
        deprel: &'a str,
    ) -> impl Iterator<Item = usize> + 'a {
        self.children(id)
            .filter(move |&child| self.tokens[child - 1].deprel == deprel)
    }

    /// The ids of the words `id` dominates, itself included, in order (its subtree, e.g. the
    /// whole noun phrase headed by `id`).
    pub fn subtree(&self, id: usize) -> Vec<usize> {
        let mut inside = vec![false; self.tokens.len() + 1];
        if id == 0 || id > self.tokens.len() {
            return Vec::new();
        }
        inside[id] = true;
        // Each word is inside when its head is; walking up from each word with memory of the
        // answers keeps this linear in practice and bounded by the tree's depth.
        let mut known: Vec<Option<bool>> = vec![None; self.tokens.len() + 1];
        known[id] = Some(true);
        known[0] = Some(false);
        for start in 1..=self.tokens.len() {
            let mut path = Vec::new();
            let mut current = start;
            let answer = loop {
                if let Some(answer) = known[current] {
                    break answer;
                }
                if path.len() > self.tokens.len() {
                    break false; // a cycle: not a tree, nothing below `id` through it
                }
                path.push(current);
                current = self.tokens[current - 1].head.min(self.tokens.len());
            };
            for node in path {
                known[node] = Some(answer);
                inside[node] = answer;
            }
        }
        (1..=self.tokens.len())
            .filter(|&node| inside[node])
            .collect()
    }

    /// The sentence in CoNLL-U: one line per word (ten tab-separated fields) and a blank line.
    /// `SpaceAfter=No` marks words directly followed by the next one in the parsed text.
    pub fn to_conllu(&self) -> String {
        let mut out = String::new();
        for (index, token) in self.tokens.iter().enumerate() {
            let glued = self
                .tokens
                .get(index + 1)
                .is_some_and(|next| next.start == token.end && token.end > token.start);
            let field = |value: &str| {
                if value.is_empty() {
                    "_".to_owned()
                } else {
                    value.replace(['\t', '\n'], " ")
                }
            };
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t_\t{}\t{}\t_\t{}",
                index + 1,
                field(&token.form),
                field(&token.lemma),
                field(&token.upos),
                field(&token.xpos),
                token.head,
                field(&token.deprel),
                if glued { "SpaceAfter=No" } else { "_" },
            );
        }
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(form: &str, head: usize, deprel: &str) -> Token {
        Token {
            form: form.to_owned(),
            lemma: form.to_lowercase(),
            upos: "X".to_owned(),
            xpos: "X".to_owned(),
            head,
            deprel: deprel.to_owned(),
            start: 0,
            end: 0,
        }
    }

    #[test]
    fn tree_questions() {
        // Moscow recalled its ambassador .
        let sentence = Sentence {
            tokens: vec![
                token("Moscow", 2, "nsubj"),
                token("recalled", 0, "root"),
                token("its", 4, "nmod:poss"),
                token("ambassador", 2, "obj"),
                token(".", 2, "punct"),
            ],
        };
        assert_eq!(sentence.root(), Some(2));
        assert_eq!(sentence.children(2).collect::<Vec<_>>(), vec![1, 4, 5]);
        assert_eq!(
            sentence.children_with(2, "obj").collect::<Vec<_>>(),
            vec![4]
        );
        assert_eq!(sentence.subtree(4), vec![3, 4]);
        assert_eq!(sentence.subtree(2), vec![1, 2, 3, 4, 5]);
        assert_eq!(sentence.token(0), None);
        assert_eq!(sentence.token(1).map(|t| t.form.as_str()), Some("Moscow"));
        let conllu = sentence.to_conllu();
        assert!(conllu.starts_with("1\tMoscow\tmoscow\tX\tX\t_\t2\tnsubj\t_\t"));
        assert!(conllu.ends_with("\n\n"));
    }
}
