//! What the models see of a word: its normalised spellings, affixes and shape, hashed once per
//! sentence and shared by the tagger and the dependency parser.
//!
//! Owns word normalisation (curly quotes and dashes to their ASCII forms, digits to `0`), which is
//! why a news article typed with typographic quotes reads like the web text the models learned
//! from. It must not pick features: each model combines these values in its own templates.

use super::hash::{combine, finish, hash_str};

/// Hashes standing for positions outside the sentence and for the artificial root.
pub(crate) const PAD_START: u64 = 0x5354_4152_5421_0001;
pub(crate) const PAD_END: u64 = 0x454E_4421_0000_0002;
pub(crate) const ROOT_WORD: u64 = 0x524F_4F54_2100_0003;

/// The precomputed values of one word.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    /// The normalised form, case kept.
    pub(crate) form: u64,
    /// The normalised form in lower case: the word's identity for most features.
    pub(crate) lower: u64,
    /// Hashes of the first 1, 2 and 3 characters of `lower`.
    pub(crate) prefixes: [u64; 3],
    /// Hashes of the last 1 to 5 characters of `lower`.
    pub(crate) suffixes: [u64; 5],
    /// Letter classes with runs cut at four (`Xxxxx` for `Moscow`, `dd,ddd` for `1,000`).
    pub(crate) shape: u64,
    /// Letter classes with every run cut to one (`Xx`, `d,d`).
    pub(crate) short_shape: u64,
    /// A few yes/no facts (digits, capitals, hyphen) packed as bits.
    pub(crate) flags: u64,
}

/// Spells typographic punctuation the way most of the training text does, and every digit `0`.
pub(crate) fn normalize(form: &str) -> String {
    let mut out = String::with_capacity(form.len());
    for ch in form.chars() {
        match ch {
            '“' | '”' | '„' | '‟' | '«' | '»' | '″' => out.push('"'),
            '‘' | '’' | '‚' | '‛' | '′' | '`' => out.push('\''),
            '—' | '–' | '―' | '‒' => out.push_str("--"),
            '…' => out.push_str("..."),
            c if c.is_ascii_digit() => out.push('0'),
            c => out.push(c),
        }
    }
    // Two single quotes typed as one character pair are a double quote in the training text.
    if out == "''" {
        out.clear();
        out.push('"');
    }
    out
}

fn shape(text: &str, longest_run: usize) -> String {
    let mut out = String::new();
    let mut last = '\0';
    let mut run = 0;
    for ch in text.chars() {
        let class = if ch.is_uppercase() {
            'X'
        } else if ch.is_lowercase() {
            'x'
        } else if ch.is_numeric() {
            'd'
        } else {
            ch
        };
        if class == last {
            run += 1;
        } else {
            last = class;
            run = 1;
        }
        if run <= longest_run {
            out.push(class);
        }
    }
    out
}

const HAS_DIGIT: u64 = 1;
const HAS_UPPER: u64 = 2;
const ALL_UPPER: u64 = 4;
const HAS_HYPHEN: u64 = 8;
pub(crate) const HAS_LETTER: u64 = 16;
/// The first character is upper case.
pub(crate) const STARTS_UPPER: u64 = 32;

fn flags(form: &str) -> u64 {
    let mut flags = 0;
    let mut lower_letters = false;
    for ch in form.chars() {
        if ch.is_numeric() {
            flags |= HAS_DIGIT;
        }
        if ch.is_uppercase() {
            flags |= HAS_UPPER;
        }
        if ch.is_lowercase() {
            lower_letters = true;
        }
        if ch.is_alphabetic() {
            flags |= HAS_LETTER;
        }
        if ch == '-' {
            flags |= HAS_HYPHEN;
        }
    }
    if flags & HAS_UPPER != 0 && !lower_letters {
        flags |= ALL_UPPER;
    }
    if form.chars().next().is_some_and(char::is_uppercase) {
        flags |= STARTS_UPPER;
    }
    flags
}

/// Hash of the first or last `count` characters; the whole word when it is shorter, marked so
/// that the prefix `ab` of `abc` differs from the word `ab`.
fn affix(chars: &[char], count: usize, from_end: bool) -> u64 {
    let whole = chars.len() <= count;
    let slice = if whole {
        chars
    } else if from_end {
        &chars[chars.len() - count..]
    } else {
        &chars[..count]
    };
    let mut state = combine(count as u64, u64::from(whole) + 2 * u64::from(from_end));
    for &ch in slice {
        state = combine(state, u64::from(ch));
    }
    finish(state)
}

impl Word {
    /// Computes the values of `form`.
    pub(crate) fn new(form: &str) -> Word {
        let normal = normalize(form);
        let lower_text = normal.to_lowercase();
        let chars: Vec<char> = lower_text.chars().collect();
        Word {
            form: hash_str(&normal),
            lower: hash_str(&lower_text),
            prefixes: [1, 2, 3].map(|count| affix(&chars, count, false)),
            suffixes: [1, 2, 3, 4, 5].map(|count| affix(&chars, count, true)),
            shape: hash_str(&shape(form, 4)),
            short_shape: hash_str(&shape(form, 1)),
            flags: flags(form),
        }
    }

    /// The values of every word of a sentence.
    pub(crate) fn all(words: &[&str]) -> Vec<Word> {
        words.iter().map(|word| Word::new(word)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typographic_punctuation_reads_as_ascii() {
        assert_eq!(normalize("“"), "\"");
        assert_eq!(normalize("’s"), "'s");
        assert_eq!(normalize("n’t"), "n't");
        assert_eq!(normalize("—"), "--");
        assert_eq!(normalize("2017"), "0000");
        assert_eq!(Word::new("Russia’s").lower, Word::new("russia's").lower);
    }

    #[test]
    fn shapes_keep_letter_classes_and_cut_runs() {
        assert_eq!(shape("Moscow", 4), "Xxxxx");
        assert_eq!(shape("1,000", 4), "d,ddd");
        assert_eq!(shape("U.S.", 1), "X.X.");
        assert_eq!(shape("McCain", 1), "XxXx");
    }

    #[test]
    fn a_short_word_is_its_own_affix_and_differs_from_a_longer_words_affix() {
        let ab = Word::new("ab");
        let abc = Word::new("abc");
        assert_ne!(ab.prefixes[1], abc.prefixes[1]);
        assert_eq!(
            Word::new("Kremlin").suffixes[2],
            Word::new("goblin").suffixes[2]
        );
        assert!(Word::new("NATO").flags & ALL_UPPER != 0);
        assert!(Word::new("Nato").flags & ALL_UPPER == 0);
    }
}
