//! Splitting a sentence into words the way UD English EWT does, so that the models see the
//! tokens they were trained on.
//!
//! Owns the tokenisation conventions, checked against the treebank: clitics split (`don't` →
//! `do n't`, `Russia's` → `Russia 's`, `cannot` → `can not`), punctuation split off, abbreviations
//! kept whole inside a sentence (`U.S.`, `Gen.`, `Jan.`) but a sentence's final period split off
//! (`... in the U.S.` → `U.S` `.`, as the treebank does), hyphens split (`long-term` → `long - term`)
//! except after prefixes (`e-mail`, `non-stop`, `anti-American`), numbers kept whole (`1,000`,
//! `3.5`, `9/11`, `10:30`) but units and currency split (`$ 5`, `5 kg`, `50 %`), URLs and e-mail
//! addresses kept whole, typographic quotes and dashes treated like their ASCII forms. It works
//! in one pass over the text (each piece is looked at a bounded number of times), and must not
//! split sentences: the caller gives one.

/// Prefixes after which the treebank keeps a hyphenated word whole.
const HYPHEN_PREFIXES: &[&str] = &[
    "e", "non", "anti", "pre", "re", "mid", "post", "multi", "pro", "co", "ex", "sub", "cross",
    "neo", "psycho", "semi", "arch", "intra", "micro", "un", "inter", "counter", "extra", "ultra",
    "meta", "bi", "tri", "de", "mis", "over", "under", "pseudo", "quasi", "socio", "geo", "trans",
    "mega", "mini", "hyper", "vice",
];

/// Words that keep their final period inside a sentence (compared in lower case).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "vs", "etc", "inc", "co", "corp", "ltd", "jr", "sr", "gen",
    "lt", "col", "sgt", "capt", "cpt", "maj", "adm", "cmdr", "gov", "sen", "rep", "reps", "pres",
    "prof", "rev", "ft", "mt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "approx", "dept", "est", "fig", "vol", "ave", "blvd", "ph", "al", "cf", "pp", "ca", "lb",
    "ext", "drs", "sts", "pvt", "ps", "ect", "lbs", "oz", "univ", "assn", "bros", "messrs", "hon",
    "amb", "gens", "sens",
];

/// Contractions written without an apostrophe, and where the treebank splits them.
const GLUED_CONTRACTIONS: &[(&str, usize)] = &[
    ("cannot", 3),
    ("gonna", 3),
    ("wanna", 3),
    ("gotta", 3),
    ("dont", 2),
    ("doesnt", 4),
    ("didnt", 3),
    ("cant", 2),
    ("wont", 2),
    ("isnt", 2),
    ("wasnt", 3),
    ("arent", 3),
    ("werent", 4),
    ("couldnt", 5),
    ("wouldnt", 5),
    ("shouldnt", 6),
    ("havent", 4),
    ("hasnt", 3),
    ("hadnt", 3),
    ("aint", 2),
    ("im", 1),
    ("ive", 1),
    ("thats", 4),
    ("theres", 5),
    ("youre", 3),
    ("theyre", 4),
    ("whats", 4),
];

/// Clitics split off the end of a word (apostrophes normalised to `'`).
const CLITICS: &[&str] = &["'s", "'re", "'ve", "'ll", "'d", "'m"];

const EMOTICONS: &[&str] = &[
    ":)", ":(", ":-)", ":-(", ";)", ";-)", ":D", ":-D", ":P", ":-P", ":p", ";P", ":/", "<3",
];

fn is_apostrophe(ch: char) -> bool {
    matches!(ch, '\'' | '’' | '‘' | '`')
}

/// Punctuation split off the start of a word.
fn opens(ch: char) -> bool {
    matches!(
        ch,
        '(' | '['
            | '{'
            | '"'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '\''
            | '`'
            | '«'
            | '<'
            | '*'
            | '¿'
            | '¡'
            | '„'
            | ','
            | '%'
            | '~'
    )
}

/// Punctuation split off the end of a word (sentence-ending marks are handled apart).
fn closes(ch: char) -> bool {
    matches!(
        ch,
        ')' | ']'
            | '}'
            | '"'
            | '”'
            | '’'
            | '\''
            | '`'
            | '»'
            | '>'
            | '*'
            | ','
            | ';'
            | ':'
            | '%'
            | '/'
            | '#'
    )
}

/// An emoticon glued to the end of a word (`family:)`), as one token.
fn trailing_emoticon(text: &str) -> Option<usize> {
    EMOTICONS
        .iter()
        .find(|emoticon| text.len() > emoticon.len() && text.ends_with(**emoticon))
        .map(|emoticon| emoticon.len())
}

fn ends_sentence(ch: char) -> bool {
    matches!(ch, '.' | '!' | '?' | '…')
}

fn is_dash(ch: char) -> bool {
    matches!(ch, '—' | '–' | '―' | '‒')
}

/// The words of `sentence` as byte spans, in order.
pub fn tokenize(sentence: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut chunks = Vec::new();
    let mut start = None;
    for (offset, ch) in sentence.char_indices() {
        match (ch.is_whitespace(), start) {
            (true, Some(begin)) => {
                chunks.push((begin, offset));
                start = None;
            }
            (false, None) => start = Some(offset),
            _ => {}
        }
    }
    if let Some(begin) = start {
        chunks.push((begin, sentence.len()));
    }
    let last = chunks.len().saturating_sub(1);
    for (index, &(begin, end)) in chunks.iter().enumerate() {
        // "No." keeps its period before a number (No. 5), like the abbreviations.
        let number_follows = chunks
            .get(index + 1)
            .is_some_and(|&(next, _)| sentence[next..].starts_with(|c: char| c.is_ascii_digit()));
        let position = ChunkPosition {
            sentence_end: index == last,
            number_follows,
        };
        split_chunk(sentence, begin, end, position, &mut spans);
    }
    spans
}

/// Where a chunk sits, which decides what its final period is.
#[derive(Clone, Copy)]
struct ChunkPosition {
    sentence_end: bool,
    number_follows: bool,
}

/// A run of text without spaces.
fn split_chunk(
    text: &str,
    start: usize,
    end: usize,
    position: ChunkPosition,
    out: &mut Vec<(usize, usize)>,
) {
    let chunk = &text[start..end];
    if EMOTICONS.contains(&chunk)
        || is_clitic(chunk)
        || chunk.chars().all(|c| !c.is_alphanumeric()) && is_single_mark(chunk)
    {
        out.push((start, end));
        return;
    }
    let low = strip_opening(text, start, end, out);
    let is_url = looks_like_address(&text[low..end]);
    // Closing marks are found from the end, and emitted after the word.
    let mut closing = Vec::new();
    let high = strip_closing(text, low, end, position, is_url, &mut closing);
    if low < high {
        if is_url || EMOTICONS.contains(&&text[low..high]) {
            out.push((low, high));
        } else {
            split_word(text, low, high, out);
        }
    }
    out.extend(closing.into_iter().rev());
}

/// Splits opening marks off the front of `text[low..high]`; returns where the rest starts.
fn strip_opening(text: &str, mut low: usize, high: usize, out: &mut Vec<(usize, usize)>) -> usize {
    while low < high {
        let Some(width) = opening_mark(&text[low..high]) else {
            break;
        };
        out.push((low, low + width));
        low += width;
    }
    low
}

/// The width of the mark split off the start of `rest`, if any.
fn opening_mark(rest: &str) -> Option<usize> {
    let first = rest.chars().next()?;
    // A period glued to the next word (".thank").
    if first == '.' && rest[1..].starts_with(char::is_alphabetic) && !looks_like_address(rest) {
        return Some(1);
    }
    if rest.starts_with("<<") || rest.starts_with(">>") {
        return Some(2);
    }
    // A run of asterisks is one mark.
    let run = if first == '*' {
        rest.chars().take_while(|&c| c == '*').count()
    } else {
        1
    };
    let width = paired_quote(rest).unwrap_or(first.len_utf8() * run);
    // Nothing after it: the piece is all marks, and stays whole.
    let after = rest[width..].chars().next()?;
    // '90s, ’72: an apostrophe before digits is part of the number; 's is a clitic.
    let keeps =
        is_apostrophe(first) && (after.is_ascii_digit() || is_clitic(&rest[first.len_utf8()..]));
    ((opens(first) || paired_quote(rest).is_some()) && !keeps).then_some(width)
}

/// Splits closing marks off the end of `text[low..high]` into `closing` (the last first);
/// returns where the rest ends.
fn strip_closing(
    text: &str,
    low: usize,
    mut high: usize,
    position: ChunkPosition,
    is_url: bool,
    closing: &mut Vec<(usize, usize)>,
) -> usize {
    while low < high {
        let Some(mark) = closing_mark(&text[low..high], position, is_url) else {
            break;
        };
        closing.push((high - mark.width, high));
        high -= mark.width;
        if mark.last {
            break;
        }
    }
    high
}

/// A mark split off the end of a word.
struct ClosingMark {
    width: usize,
    /// No more marks are split off after this one.
    last: bool,
}

impl ClosingMark {
    fn of(width: usize) -> Option<ClosingMark> {
        Some(ClosingMark { width, last: false })
    }
}

/// The mark split off the end of `rest`, if any.
fn closing_mark(rest: &str, position: ChunkPosition, is_url: bool) -> Option<ClosingMark> {
    let last = rest.chars().next_back()?;
    if ends_sentence(last) {
        return sentence_mark(rest, position, is_url);
    }
    if let Some(width) = trailing_paired_quote(rest).or_else(|| trailing_emoticon(rest)) {
        return ClosingMark::of(width);
    }
    if last == '*' && rest.len() > 1 {
        let run = rest.chars().rev().take_while(|&c| c == '*').count();
        if run < rest.len() {
            return ClosingMark::of(run);
        }
    }
    let splits = closes(last)
        && !(is_url && last == '/')
        && !EMOTICONS.contains(&rest)
        && rest.len() > last.len_utf8()
        && (!is_apostrophe(last) || ends_with_plural_possessive_or_quote(rest));
    if splits {
        ClosingMark::of(last.len_utf8())
    } else {
        None
    }
}

/// The run of sentence marks ending `rest` ("." "?!" "..."), unless it is an abbreviation's
/// period inside a sentence.
fn sentence_mark(rest: &str, position: ChunkPosition, is_url: bool) -> Option<ClosingMark> {
    let run_start = rest
        .char_indices()
        .rev()
        .take_while(|&(_, ch)| ends_sentence(ch))
        .last()
        .map_or(0, |(offset, _)| offset);
    if run_start == 0 {
        return None; // the whole piece is marks ("...", "?!")
    }
    let (word, run) = rest.split_at(run_start);
    // "Inc.." ending a sentence: the abbreviation's period, then the sentence's.
    if run == ".." && keeps_period(word) && !is_url {
        return Some(ClosingMark {
            width: 1,
            last: true,
        });
    }
    // At the end of the sentence the treebank splits even an abbreviation's period off.
    let numbered = position.number_follows && matches!(word.to_lowercase().as_str(), "no" | "nos");
    let keeps = run == "." && !position.sentence_end && (numbered || !is_url && keeps_period(word));
    if keeps {
        None
    } else {
        ClosingMark::of(run.len())
    }
}

/// A chunk that is one punctuation mark, or a run of the same sentence marks ("!!!", "...").
fn is_single_mark(chunk: &str) -> bool {
    let mut chars = chunk.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    rest.is_empty()
        || chunk.chars().all(ends_sentence)
        || chunk.chars().all(|c| c == first)
        || paired_quote(chunk) == Some(chunk.len())
}

/// `‘’`, `’’`, `''` and ` `` ` are one token in the treebank.
fn paired_quote(text: &str) -> Option<usize> {
    ["‘’", "’’", "''", "``", "‘‘"]
        .iter()
        .find(|pair| text.starts_with(**pair) && text.len() > pair.len())
        .map(|pair| pair.len())
}

fn trailing_paired_quote(text: &str) -> Option<usize> {
    ["’’", "''", "‘’"]
        .iter()
        .find(|pair| text.ends_with(**pair) && text.len() > pair.len())
        .map(|pair| pair.len())
}

/// A final apostrophe is split off (a closing quote, or the possessive of a plural: `diplomats'`).
fn ends_with_plural_possessive_or_quote(rest: &str) -> bool {
    rest.chars()
        .rev()
        .nth(1)
        .is_some_and(|before| before.is_alphanumeric() || closes(before) || ends_sentence(before))
}

fn is_clitic(text: &str) -> bool {
    if text.len() > 5 {
        return false; // the longest, n’t and 'll, are five bytes at most
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if is_apostrophe(first) => {
            let rest = chars.as_str().to_lowercase();
            CLITICS.iter().any(|clitic| clitic[1..] == rest)
        }
        _ => {
            let lower = text.to_lowercase().replace('’', "'");
            lower == "n't"
        }
    }
}

fn looks_like_address(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("www.") {
        return true;
    }
    match lower.split_once('@') {
        Some((user, host)) => {
            !user.is_empty()
                && host.contains('.')
                && host.chars().next().is_some_and(char::is_alphanumeric)
        }
        None => false,
    }
}

/// Whether a word keeps its period inside a sentence: a known abbreviation, an initial (`J.`),
/// or letters separated by periods (`U.S.`, `p.m.`, `e.g.`).
fn keeps_period(word: &str) -> bool {
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    let mut chars = word.chars();
    if let (Some(only), None) = (chars.next(), chars.next()) {
        return only.is_alphabetic();
    }
    word.contains('.')
        && word.split('.').all(|part| {
            part.chars().count() <= 2 && part.chars().all(char::is_alphabetic) && !part.is_empty()
        })
}

/// A word without outer punctuation: clitics, glued contractions, then inner splits.
fn split_word(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let word = &text[start..end];
    let lower = word.to_lowercase().replace(['’', '`', '‘'], "'");
    // Byte offsets into the lower-cased word are the word's own only if lower-casing kept its
    // length (always for the ASCII contractions listed).
    let glued = GLUED_CONTRACTIONS.iter().find(|(glued, _)| *glued == lower);
    if let Some(&(_, cut)) = glued.filter(|_| lower.len() == word.len()) {
        out.push((start, start + cut));
        out.push((start + cut, end));
        return;
    }
    if let Some(clitic_start) = clitic_split(word) {
        split_inside(text, start, start + clitic_start, out);
        out.push((start + clitic_start, end));
        return;
    }
    split_inside(text, start, end, out);
}

/// Where a clitic starts in `word` (`don't` → at `n't`, `Russia's` → at `'s`), if it has one.
fn clitic_split(word: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let count = chars.len();
    let lower_at = |index: usize| chars[index].1.to_ascii_lowercase();
    // n't: the n, an apostrophe, the t; something before.
    if count >= 4
        && lower_at(count - 1) == 't'
        && is_apostrophe(chars[count - 2].1)
        && lower_at(count - 3) == 'n'
    {
        return Some(chars[count - 3].0);
    }
    for clitic in CLITICS {
        let length = clitic.chars().count();
        if count > length {
            let from = count - length;
            let matches = is_apostrophe(chars[from].1)
                && chars[from + 1..]
                    .iter()
                    .map(|&(_, c)| c.to_ascii_lowercase())
                    .eq(clitic.chars().skip(1))
                && chars[from - 1].1.is_alphabetic();
            if matches {
                return Some(chars[from].0);
            }
        }
    }
    None
}

/// Splits inside a word: dashes and ellipses, brackets, commas between letters, slashes between
/// words, hyphens (but not after a prefix nor inside a phone number), currency signs, units.
fn split_inside(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let word = &text[start..end];
    let chars: Vec<(usize, char)> = word
        .char_indices()
        .map(|(offset, ch)| (start + offset, ch))
        .collect();
    let mut piece_start = start;
    let mut index = 0;
    let char_end = |index: usize| chars.get(index + 1).map_or(end, |&(offset, _)| offset);
    while index < chars.len() {
        let (offset, ch) = chars[index];
        let previous = index.checked_sub(1).map(|i| chars[i].1);
        let next = chars.get(index + 1).map(|&(_, c)| c);
        // Marks that are always words of their own: dashes, runs of periods, brackets.
        let run_of = |test: &dyn Fn(char) -> bool| {
            chars[index..].iter().take_while(|&&(_, c)| test(c)).count()
        };
        let mark_length = if is_dash(ch) || ch == '…' {
            run_of(&|c| c == ch)
        } else if ch == '-' && next == Some('-') {
            run_of(&|c| c == '-')
        } else if ch == '.' && next == Some('.') {
            run_of(&|c| c == '.')
        } else {
            // One-character marks: brackets, a comma or colon after a letter (a missing space:
            // "citizen,21", "Price:3"), a slash between words, a hyphen not after a prefix.
            let single = matches!(ch, '(' | ')' | '[' | ']' | '{' | '}')
                || matches!(ch, ',' | ':')
                    && previous.is_some_and(char::is_alphabetic)
                    && next.is_some_and(char::is_alphanumeric)
                || ch == '/' && splits_at_slash(&chars, index)
                || ch == '-' && splits_at_hyphen(&chars, index, piece_start);
            usize::from(single)
        };
        if mark_length > 0 {
            push_piece(text, piece_start, offset, out);
            let mark_end = char_end(index + mark_length - 1);
            out.push((offset, mark_end));
            piece_start = mark_end;
            index += mark_length;
        } else {
            index += 1;
        }
    }
    push_piece(text, piece_start, end, out);
}

fn segment_around(chars: &[(usize, char)], index: usize, separator: char) -> (String, String) {
    let before: String = chars[..index]
        .iter()
        .rev()
        .take_while(|&&(_, c)| c != separator && c.is_alphanumeric())
        .map(|&(_, c)| c)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = chars[index + 1..]
        .iter()
        .take_while(|&&(_, c)| c != separator && c.is_alphanumeric())
        .map(|&(_, c)| c)
        .collect();
    (before, after)
}

/// `and/or`, `Newark/Houston` split; `9/11`, `w/o`, `I/S` stay whole.
fn splits_at_slash(chars: &[(usize, char)], index: usize) -> bool {
    let (before, after) = segment_around(chars, index, '/');
    let numeric = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    !before.is_empty()
        && !after.is_empty()
        && !numeric(&before)
        && !numeric(&after)
        && (before.chars().count() > 2 || after.chars().count() > 2)
}

/// A hyphen is split off unless it follows a prefix (`non-stop`) or joins digit groups of a
/// phone number (`555-0199`).
fn splits_at_hyphen(chars: &[(usize, char)], index: usize, piece_start: usize) -> bool {
    let (before, after) = segment_around(chars, index, '-');
    if before.is_empty() && after.is_empty() {
        return chars.len() > 1;
    }
    if before.is_empty() || after.is_empty() {
        return true; // "-Russia", "smuggling-"
    }
    let starts_piece = chars[..index]
        .iter()
        .rev()
        .take_while(|&&(_, c)| c.is_alphanumeric())
        .last()
        .is_none_or(|&(offset, _)| offset == piece_start);
    if starts_piece
        && HYPHEN_PREFIXES.contains(&before.to_lowercase().as_str())
        && after.chars().next().is_some_and(char::is_alphanumeric)
    {
        return false;
    }
    if starts_piece && is_designation(&before, &after) {
        return false;
    }
    // Phone numbers (555-0199, 713-654-0365) and extensions (3-5213) stay whole; ranges
    // (1969-1970, 400-500) do not.
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let continues_with_hyphen = chars
        .get(index + 1 + after.chars().count())
        .is_some_and(|&(_, c)| c == '-');
    let phone = digits(&before)
        && digits(&after)
        && (before.len() == 3 || before.len() == 1 && after.len() == 4)
        && (after.len() == 4 || after.len() == 3 && continues_with_hyphen);
    !phone
}

/// A type designation (`Su-27`, `EP-3`, `MiG-31K`, `S-400`, `COVID-19`) stays one word. The
/// treebank splits it, but its three pieces are then read as a phrase of their own (`EP` the
/// object, `3 spy plane` a fragment), losing the vehicle the sentence is about.
fn is_designation(before: &str, after: &str) -> bool {
    let letters = before.chars().count();
    (1..=5).contains(&letters)
        && before.chars().all(char::is_alphabetic)
        && before.chars().next().is_some_and(char::is_uppercase)
        && after.chars().next().is_some_and(|c| c.is_ascii_digit())
        && after.chars().count() <= 5
}

/// Pushes a piece, splitting a leading currency sign and a trailing unit (`$5`, `5kg`, `11:30am`;
/// but `9th`, `1980s` stay whole).
fn push_piece(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    if start >= end {
        return;
    }
    let piece = &text[start..end];
    let mut chars = piece.char_indices();
    let mut start = start;
    if let (Some((_, first)), Some((second_offset, second))) = (chars.next(), chars.next())
        && matches!(first, '$' | '£' | '€' | '¥' | '#')
        && second.is_ascii_digit()
    {
        out.push((start, start + second_offset));
        start += second_offset;
    }
    let piece = &text[start..end];
    let digits_end = piece
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | ':')))
        .unwrap_or(piece.len());
    let unit = &piece[digits_end..];
    let is_number_then_letters = digits_end > 0
        && piece.starts_with(|c: char| c.is_ascii_digit())
        && !unit.is_empty()
        && unit.chars().all(char::is_alphabetic)
        && !["st", "nd", "rd", "th", "s"].contains(&unit.to_lowercase().as_str());
    if is_number_then_letters {
        out.push((start, start + digits_end));
        out.push((start + digits_end, end));
    } else {
        out.push((start, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(sentence: &str) -> Vec<&str> {
        tokenize(sentence)
            .into_iter()
            .map(|(start, end)| &sentence[start..end])
            .collect()
    }

    #[test]
    fn clitics_split_as_in_the_treebank() {
        assert_eq!(
            words("Moscow doesn't agree."),
            ["Moscow", "does", "n't", "agree", "."]
        );
        assert_eq!(
            words("Russia's envoy won't go"),
            ["Russia", "'s", "envoy", "wo", "n't", "go"]
        );
        assert_eq!(
            words("We can't, they'll, I'm"),
            ["We", "ca", "n't", ",", "they", "'ll", ",", "I", "'m"]
        );
        assert_eq!(
            words("Russia’s envoy didn’t"),
            ["Russia", "’s", "envoy", "did", "n’t"]
        );
        assert_eq!(words("It cannot be"), ["It", "can", "not", "be"]);
        assert_eq!(
            words("the diplomats' families"),
            ["the", "diplomats", "'", "families"]
        );
        assert_eq!(
            words("the '90s and Shi'ite"),
            ["the", "'90s", "and", "Shi'ite"]
        );
    }

    #[test]
    fn abbreviations_keep_their_period_except_at_the_end() {
        assert_eq!(
            words("The U.S. and Gen. Smith met on Jan. 5."),
            [
                "The", "U.S.", "and", "Gen.", "Smith", "met", "on", "Jan.", "5", "."
            ]
        );
        assert_eq!(
            words("He moved to the U.S."),
            ["He", "moved", "to", "the", "U.S", "."]
        );
        assert_eq!(
            words("It ended at 5 p.m. on Friday."),
            ["It", "ended", "at", "5", "p.m.", "on", "Friday", "."]
        );
        assert_eq!(
            words("Sanctions (on Russia) began."),
            ["Sanctions", "(", "on", "Russia", ")", "began", "."]
        );
        assert_eq!(words("Really?!"), ["Really", "?!"]);
        assert_eq!(words("Wait... what"), ["Wait", "...", "what"]);
    }

    #[test]
    fn the_treebanks_smaller_conventions() {
        // Plurals of numbers keep their 's; a period after an abbreviation ending a sentence is
        // the sentence's own; phone extensions stay whole; missing spaces are restored.
        assert_eq!(words("in the 1970's"), ["in", "the", "1970's"]);
        assert_eq!(
            words("signed by CCNG, Inc.."),
            ["signed", "by", "CCNG", ",", "Inc.", "."]
        );
        assert_eq!(
            words("call ext. 3-5213 now"),
            ["call", "ext.", "3-5213", "now"]
        );
        assert_eq!(
            words("Price:3,40 for a citizen,21"),
            ["Price", ":", "3,40", "for", "a", "citizen", ",", "21"]
        );
        assert_eq!(
            words("thanks ,and .then %10"),
            ["thanks", ",", "and", ".", "then", "%", "10"]
        );
        assert_eq!(words("*****NOTICE*****"), ["*****", "NOTICE", "*****"]);
    }

    #[test]
    fn hyphens_numbers_and_units() {
        assert_eq!(
            words("a long-term, anti-American e-mail"),
            ["a", "long", "-", "term", ",", "anti-American", "e-mail"]
        );
        assert_eq!(words("a 26-year-old"), ["a", "26", "-", "year", "-", "old"]);
        assert_eq!(
            words("1,000 troops and 3.5 billion"),
            ["1,000", "troops", "and", "3.5", "billion"]
        );
        assert_eq!(
            words("$5 or 50% at 10:30am on 9/11"),
            ["$", "5", "or", "50", "%", "at", "10:30", "am", "on", "9/11"]
        );
        assert_eq!(
            words("the 9th in the 1990s, 5kg"),
            ["the", "9th", "in", "the", "1990s", ",", "5", "kg"]
        );
        assert_eq!(
            words("call 713-654-0365 in 1969-1970"),
            ["call", "713-654-0365", "in", "1969", "-", "1970"]
        );
        assert_eq!(
            words("dial 555-0199, not 400-500 or No. 5"),
            [
                "dial", "555-0199", ",", "not", "400", "-", "500", "or", "No.", "5"
            ]
        );
        assert_eq!(words("and/or w/o"), ["and", "/", "or", "w/o"]);
        assert_eq!(
            words("a Su-27 near an EP-3, MiG-31K and S-400s; US-Russia, Obama-era"),
            [
                "a", "Su-27", "near", "an", "EP-3", ",", "MiG-31K", "and", "S-400s", ";", "US",
                "-", "Russia", ",", "Obama", "-", "era"
            ]
        );
    }

    #[test]
    fn quotes_dashes_and_addresses() {
        assert_eq!(
            words("“We will respond,” he said — firmly."),
            [
                "“", "We", "will", "respond", ",", "”", "he", "said", "—", "firmly", "."
            ]
        );
        assert_eq!(
            words("\"No.\" Then--nothing"),
            ["\"", "No", ".", "\"", "Then", "--", "nothing"]
        );
        assert_eq!(
            words("See http://www.state.gov/r/pa. Or mail a.b@state.gov."),
            [
                "See",
                "http://www.state.gov/r/pa",
                ".",
                "Or",
                "mail",
                "a.b@state.gov",
                "."
            ]
        );
        assert_eq!(words("'Stop' :)"), ["'", "Stop", "'", ":)"]);
        assert_eq!(
            words("a great family:) and :-)."),
            ["a", "great", "family", ":)", "and", ":-)", "."]
        );
        assert_eq!(
            words("See http://www.state.gov/ now"),
            ["See", "http://www.state.gov/", "now"]
        );
    }

    #[test]
    fn spans_are_exact_byte_ranges() {
        let text = "  Russia’s  “talks”  ";
        let spans = tokenize(text);
        let pieces: Vec<&str> = spans.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(pieces, ["Russia", "’s", "“", "talks", "”"]);
        assert!(spans.windows(2).all(|pair| pair[0].1 <= pair[1].0));
        assert!(tokenize("").is_empty() && tokenize("   ").is_empty());
    }

    #[test]
    fn a_forty_thousand_word_sentence_is_linear() {
        let once = "Russia's long-term talks, on Jan. 5, didn't (really) end. ";
        let text = once.repeat(3_000);
        let spans = tokenize(&text);
        assert_eq!(tokenize(once).len(), 18);
        assert_eq!(spans.len(), 3_000 * 18);
        let glued = "-".repeat(40_000);
        assert_eq!(tokenize(&glued).len(), 1, "one run of dashes is one mark");
    }
}
