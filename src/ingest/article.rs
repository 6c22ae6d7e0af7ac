//! A news article as plain text: a title line, a dateline such as `MOSCOW, July 30, 2017 —`
//! when present, and paragraphs of sentences; and the dates its sentences mention.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// An article split into what the coder reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The first line.
    pub title: String,
    /// The outlet named at the end of the title (`… – BuzzFeed News`), if any.
    pub outlet: Option<String>,
    /// The date of the dateline, if the article has one.
    pub dateline: Option<NaiveDate>,
    /// Paragraphs, each a list of sentences (the title excluded).
    pub paragraphs: Vec<Vec<String>>,
}

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: [&str; 24] = [
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "sen", "rep", "gov", "sgt", "adm", "st", "jan",
    "feb", "aug", "sept", "sep", "oct", "nov", "dec", "u.s", "u.n", "no",
];

fn month(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_lowercase();
    MONTHS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|&(_, m)| m)
}

/// Splits plain text into an article.
pub fn parse_article(text: &str) -> Article {
    let mut blocks = text
        .split("\n\n")
        .map(|block| block.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|block| !block.is_empty());
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut title = lines.next().unwrap_or_default().to_string();
    // The title may share its block with the first paragraph when there is no blank line after it.
    let first_block = blocks.next().unwrap_or_default();
    let mut rest_of_first = first_block
        .strip_prefix(title.as_str())
        .unwrap_or("")
        .trim()
        .to_string();
    let mut dateline = None;
    // An archived page with no headline opens with its date stamp: its lead stands as the title.
    if let Some((date, lead)) = parse_date_stamp(&first_block) {
        let mut sentences = split_sentences(lead).into_iter();
        title = sentences.next().unwrap_or_default();
        rest_of_first = sentences.collect::<Vec<_>>().join(" ");
        dateline = Some(date);
    }
    let outlet = ["–", "—", "|"].iter().find_map(|separator| {
        title
            .rsplit_once(&format!(" {separator} "))
            .map(|(_, outlet)| outlet.trim().to_string())
            .filter(|outlet| !outlet.is_empty() && outlet.split_whitespace().count() <= 4)
    });
    let mut paragraphs = Vec::new();
    for (index, block) in std::iter::once(rest_of_first).chain(blocks).enumerate() {
        let mut body = block.as_str();
        if index <= 1
            && dateline.is_none()
            && let Some((date, rest)) = parse_dateline(body).or_else(|| parse_date_stamp(body))
        {
            dateline = Some(date);
            body = rest;
        }
        if index <= 1 {
            body = strip_wire_stamp(strip_repeated_title(body, &title));
        }
        // The first paragraph of the body may follow a subtitle or a byline.
        if index <= 3 {
            body = strip_place(body);
        }
        let sentences = split_sentences(body);
        if !sentences.is_empty() {
            paragraphs.push(sentences);
        }
    }
    Article {
        title,
        outlet,
        dateline,
        paragraphs,
    }
}

/// The sentences of a text, paragraph by paragraph (blank lines separate paragraphs), as the
/// coder reads them.
pub fn sentences(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|block| block.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|block| !block.is_empty())
        .flat_map(|block| split_sentences(&block))
        .collect()
}

/// `WASHINGTON --`, `MOSCOW (AP) —`: a dateline without a date, which is not the sentence's
/// subject.
fn strip_place(text: &str) -> &str {
    // `Moscow - A Russian warship …`: a place in title case, then a sentence.
    if let Some((place, rest)) = text.split_once(" - ")
        && is_titled_place(place)
        && rest.chars().next().is_some_and(char::is_uppercase)
    {
        return rest;
    }
    for separator in [" -- ", " — ", " – "] {
        if let Some((place, rest)) = text.split_once(separator) {
            let place = match place.split_once(" (") {
                Some((city, agency)) if agency.ends_with(')') => city,
                _ => place,
            };
            // `WASHINGTON, March 20 (UPI) --`: the wire's day goes with its place.
            let place = match place.split_once(", ") {
                Some((city, day)) if is_month_day(day) => city,
                _ => place,
            };
            if is_place(place) && !rest.is_empty() {
                return rest;
            }
        }
    }
    strip_wire_place(text)
}

/// `GENEVA, Sept 10 The United States …`: a wire's place and day with no dash after them.
fn strip_wire_place(text: &str) -> &str {
    let Some((place, rest)) = text.split_once(", ") else {
        return text;
    };
    let mut words = rest.splitn(3, ' ');
    let (Some(m), Some(d), Some(after)) = (words.next(), words.next(), words.next()) else {
        return text;
    };
    let opens_sentence = after.chars().next().is_some_and(char::is_uppercase);
    if is_place(place) && is_month_day(&format!("{m} {d}")) && opens_sentence {
        after
    } else {
        text
    }
}

/// An upper-case place name of four letters at least (`US — Russia talks` opens with none).
/// A page that prints its headline again above the story.
fn strip_repeated_title<'a>(body: &'a str, title: &str) -> &'a str {
    match body.strip_prefix(title) {
        Some(rest) if !title.is_empty() => rest.trim_start(),
        _ => body,
    }
}

/// `Reuters | Moscow | Updated: 28-11-2020 21:05 IST | Created: 28-11-2020 20:58 IST`: a
/// syndicating page's stamp before the story.
fn strip_wire_stamp(body: &str) -> &str {
    let head: String = body.chars().take(160).collect();
    if !head.contains("| Updated: ") {
        return body;
    }
    let Some(created) = body.find("| Created: ") else {
        return body;
    };
    let mut rest = &body[created + "| Created: ".len()..];
    for _ in 0..3 {
        let word_end = rest.find(' ').unwrap_or(rest.len());
        let word = &rest[..word_end];
        let is_stamp = word
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | '/'))
            || (word.len() <= 4 && word.chars().all(|c| c.is_ascii_uppercase()));
        if !is_stamp || word.is_empty() {
            break;
        }
        rest = rest[word_end..].trim_start();
    }
    rest
}

/// `Moscow`, `New York`: one or two capitalized words.
fn is_titled_place(place: &str) -> bool {
    let words: Vec<&str> = place.split_whitespace().collect();
    (1..=2).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().skip(1).all(char::is_lowercase)
                && w.len() >= 4
        })
}

fn is_place(place: &str) -> bool {
    place.chars().filter(|c| c.is_alphabetic()).count() >= 4
        && place
            .chars()
            .all(|c| c.is_uppercase() || matches!(c, ' ' | '.' | ',' | '\'' | '-'))
}

/// `March 20`, `Sept 10`: a month and a day.
fn is_month_day(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.len() == 2
        && month(words[0]).is_some()
        && words[1]
            .parse::<u32>()
            .is_ok_and(|day| (1..=31).contains(&day))
}

/// `date YYYY-MM-DD rest`, the stamp some archived pages open with → the date and the rest.
fn parse_date_stamp(text: &str) -> Option<(NaiveDate, &str)> {
    let rest = text.strip_prefix("date ")?;
    let stamp = rest.get(..10)?;
    let date = NaiveDate::parse_from_str(stamp, "%Y-%m-%d").ok()?;
    Some((date, rest[10..].trim_start()))
}

/// `PLACE, Month D, YYYY — rest` → the date and the rest.
fn parse_dateline(text: &str) -> Option<(NaiveDate, &str)> {
    let (head, rest) = text
        .split_once(" — ")
        .or_else(|| text.split_once(" -- "))
        .or_else(|| text.strip_suffix(" —").map(|head| (head, "")))?;
    let (_, date) = head.split_once(", ")?;
    let words: Vec<&str> = date.split_whitespace().collect();
    if words.len() != 3 {
        return None;
    }
    let month = month(words[0])?;
    let day: u32 = words[1].trim_end_matches(',').parse().ok()?;
    let year: i32 = words[2].parse().ok()?;
    Some((NaiveDate::from_ymd_opt(year, month, day)?, rest.trim()))
}

/// Splits a paragraph into sentences at `.`, `!` or `?` (and a closing quote after them),
/// followed by a space and a capital letter or an opening quote, unless the period ends a known
/// abbreviation or an initial.
pub fn split_sentences(paragraph: &str) -> Vec<String> {
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut in_quote = false;
    for (i, &(offset, c)) in chars.iter().enumerate() {
        match c {
            '“' => in_quote = true,
            '”' => in_quote = false,
            '"' => in_quote = !in_quote,
            _ => {}
        }
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let mut end = i + 1;
        while end < chars.len() && matches!(chars[end].1, '"' | '”' | '’' | '\'' | ')') {
            end += 1;
        }
        // A quotation of several sentences stays with the attribution that follows it; one that
        // closes with its sentence (`called it "a mistake." But …`) ends it.
        let closes_quote = chars[i + 1..end]
            .iter()
            .any(|&(_, c)| matches!(c, '"' | '”'));
        if in_quote && !closes_quote {
            continue;
        }
        let next_is_start = chars.get(end).is_some_and(|&(_, c)| c == ' ')
            && chars
                .get(end + 1)
                .is_some_and(|&(_, c)| c.is_uppercase() || matches!(c, '"' | '“' | '‘'));
        // `the activity".Moscow rejected`: pages copied without the space between sentences.
        let glued = chars.get(end).is_some_and(|&(_, c)| c.is_uppercase()) && {
            let before = paragraph[..offset].trim_end_matches(['"', '”', '’', '\'']);
            let word = before
                .rsplit(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or_default();
            word.chars().count() >= 3 && word.chars().all(|c| c.is_lowercase())
        };
        if !next_is_start && !glued {
            continue;
        }
        if c == '.' {
            let word_start = paragraph[..offset].rfind(' ').map_or(0, |p| p + 1);
            let word = paragraph[word_start..offset].to_lowercase();
            if ABBREVIATIONS.contains(&word.as_str()) || (word.len() == 1 && word != "i") {
                continue;
            }
        }
        let cut = chars.get(end).map_or(paragraph.len(), |&(o, _)| o);
        sentences.push(paragraph[start..cut].trim().to_string());
        start = cut;
    }
    let last = paragraph[start..].trim();
    if !last.is_empty() {
        sentences.push(last.to_string());
    }
    sentences
}

/// How a sentence's date was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBasis {
    /// The sentence names the date ("on July 28", "on Friday", "a day earlier").
    Stated,
    /// The sentence names an approximate time ("earlier this month", "last week").
    Approximate,
    /// No date in the sentence: the dateline's or the publication's.
    Report,
}

/// How far after the report a day named without its year is still read as to come.
const DAYS_AHEAD_A_DAY_IS_TO_COME: i64 = 60;

/// The date a sentence gives for what it reports, resolved against `reference` (the dateline or
/// the publication date).
pub fn sentence_date(sentence: &str, reference: NaiveDate) -> (NaiveDate, DateBasis) {
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, word) in words.iter().enumerate() {
        let previous = if i > 0 { words[i - 1] } else { "" };
        if let Some(weekday) = weekday(word) {
            if previous == "last" {
                let date = last_weekday(reference - Days::new(1), weekday);
                return (date, DateBasis::Stated);
            }
            if matches!(previous, "on" | "since" | "late" | "early") || i == 0 {
                return (last_weekday(reference, weekday), DateBasis::Stated);
            }
        }
        // `on Feb. 24`; a time phrase the parser found may open with it (`the Feb. 24 invasion`).
        if let Some(month) = month(word)
            && (matches!(previous, "on" | "since") || i == 0)
            && let Some(day) = words
                .get(i + 1)
                .and_then(|d| d.trim_end_matches('.').parse::<u32>().ok())
        {
            let year = words
                .get(i + 2)
                .and_then(|y| y.trim_end_matches('.').parse::<i32>().ok())
                .filter(|y| (1900..=2200).contains(y))
                .unwrap_or(reference.year());
            if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
                // A day without its year, soon after the report, is to come (`to meet on
                // November 11`, written in October); further on, it is last year's.
                let last_years = (date - reference).num_days() > DAYS_AHEAD_A_DAY_IS_TO_COME;
                let date =
                    if last_years && words.get(i + 2).is_none_or(|y| y.parse::<i32>().is_err()) {
                        NaiveDate::from_ymd_opt(year - 1, month, day).unwrap_or(date)
                    } else {
                        date
                    };
                return (date, DateBasis::Stated);
            }
        }
    }
    let days_before = [
        ("a day earlier", 1),
        ("the day before", 1),
        ("yesterday", 1),
        ("a day after", 0),
        ("two days earlier", 2),
        ("two days before", 2),
        ("a week earlier", 7),
    ];
    for (phrase, days) in days_before {
        if lower.contains(phrase) {
            return (reference - Days::new(days), DateBasis::Stated);
        }
    }
    if lower.contains("last week") {
        return (reference - Days::new(7), DateBasis::Approximate);
    }
    if lower.contains("earlier this month") || lower.contains("this month") {
        let first = reference.with_day(1).unwrap_or(reference);
        return (first, DateBasis::Approximate);
    }
    if lower.contains("last month") {
        let first = reference.with_day(1).unwrap_or(reference);
        let previous = (first - Days::new(1)).with_day(1).unwrap_or(first);
        return (previous, DateBasis::Approximate);
    }
    (reference, DateBasis::Report)
}

/// The date a time expression gives (`on Monday`, `in March 2014`, `two years ago`), resolved
/// against `reference`; `None` when the phrase names no time.
pub fn phrase_date(phrase: &str, reference: NaiveDate) -> Option<(NaiveDate, DateBasis)> {
    let (date, basis) = sentence_date(phrase, reference);
    if basis != DateBasis::Report {
        return Some(refine_month(phrase, reference).unwrap_or((date, basis)));
    }
    let lower = phrase.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    if has("today") || has("tonight") || has("now") {
        return Some((reference, DateBasis::Stated));
    }
    if has("this") && has("week") {
        return Some((reference - Days::new(2), DateBasis::Approximate));
    }
    if has("ago") {
        return ago(&words, reference);
    }
    if has("last") && has("year") {
        let year = reference.year() - 1;
        return NaiveDate::from_ymd_opt(year, 7, 2).map(|d| (d, DateBasis::Approximate));
    }
    let year = words.iter().find_map(|w| {
        w.trim_end_matches(['.', '\'', 's'])
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2100).contains(y) && w.len() >= 4)
    });
    let named_month = words.iter().find_map(|w| month(w));
    match (named_month, year) {
        (Some(m), Some(y)) => {
            NaiveDate::from_ymd_opt(y, m, 15).map(|d| (d.min(reference), DateBasis::Approximate))
        }
        (Some(m), None)
            if words.iter().any(|w| {
                matches!(
                    *w,
                    "in" | "since" | "until" | "by" | "early" | "late" | "mid"
                )
            }) =>
        {
            let this_year = NaiveDate::from_ymd_opt(reference.year(), m, 15)?;
            let date = if this_year > reference {
                NaiveDate::from_ymd_opt(reference.year() - 1, m, 15)?
            } else {
                this_year
            };
            Some((date, DateBasis::Approximate))
        }
        (None, Some(y)) if y < reference.year() => {
            NaiveDate::from_ymd_opt(y, 7, 2).map(|d| (d, DateBasis::Approximate))
        }
        (None, Some(_)) => Some((reference, DateBasis::Approximate)),
        _ => None,
    }
}

/// "earlier this month" is not the first of the month: the middle of what has passed of it.
fn refine_month(phrase: &str, reference: NaiveDate) -> Option<(NaiveDate, DateBasis)> {
    let lower = phrase.to_lowercase();
    if lower.contains("this month") {
        let first = reference.with_day(1)?;
        let middle = first + Days::new(u64::from(reference.day().saturating_sub(1) / 2));
        return Some((middle, DateBasis::Approximate));
    }
    if lower.contains("last month") {
        let first = reference.with_day(1)?;
        let previous = (first - Days::new(1)).with_day(15)?;
        return Some((previous, DateBasis::Approximate));
    }
    None
}

/// `two days ago`, `three years ago`.
fn ago(words: &[&str], reference: NaiveDate) -> Option<(NaiveDate, DateBasis)> {
    let at = words.iter().position(|w| *w == "ago")?;
    let unit = words.get(at.checked_sub(1)?)?;
    let count = at
        .checked_sub(2)
        .and_then(|i| words.get(i))
        .and_then(|w| number(w))
        .unwrap_or(1);
    let days = match unit.trim_end_matches('s') {
        "day" => count,
        "week" => count * 7,
        "month" => count * 30,
        "year" => count * 365,
        _ => return None,
    };
    let basis = if unit.starts_with("day") {
        DateBasis::Stated
    } else {
        DateBasis::Approximate
    };
    Some((reference - Days::new(days), basis))
}

fn number(word: &str) -> Option<u64> {
    const WORDS: [&str; 11] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    word.parse().ok().or_else(|| {
        WORDS
            .iter()
            .position(|w| *w == word)
            .map(|n| n as u64)
            .or((word == "a" || word == "an").then_some(1))
    })
}

fn weekday(word: &str) -> Option<Weekday> {
    Some(match word.trim_end_matches(['.', '\'', 's']) {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// The latest `weekday` on or before `date`.
fn last_weekday(date: NaiveDate, weekday: Weekday) -> NaiveDate {
    let back = (7 + date.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    date - Days::new(u64::from(back))
}

/// A Title Case headline (`Russia Halts US Inspections Under New START`) in sentence case, so
/// that the tagger reads its verbs and nouns as such: a capitalized word is lowered unless the
/// body writes it capitalized inside a sentence (a name), or it opens the title and the body
/// never writes it in lower case. Acronyms and mixed-case words stay. A title that is not in
/// Title Case is returned unchanged.
pub fn sentence_case(title: &str, body: &[&str]) -> String {
    let words: Vec<&str> = title.split(' ').collect();
    let long: Vec<&str> = words
        .iter()
        .skip(1)
        .map(|w| core_word(w))
        .filter(|w| w.chars().count() > 3)
        .collect();
    let capitalized = long.iter().filter(|w| is_capitalized(w)).count();
    if long.is_empty() || capitalized * 5 < long.len() * 3 {
        return title.to_string();
    }
    let mut inside = std::collections::HashSet::new();
    let mut lower = std::collections::HashSet::new();
    for sentence in body {
        for (i, word) in sentence.split_whitespace().enumerate() {
            let word = core_word(word);
            if is_capitalized(word) && i > 0 {
                inside.insert(word);
            } else if word.chars().next().is_some_and(char::is_lowercase) {
                lower.insert(word);
            }
        }
    }
    words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let core = core_word(word);
            let lowered = core.to_lowercase();
            let keep = !is_capitalized(core)
                || inside.contains(core)
                || (i == 0 && !lower.contains(lowered.as_str()));
            if keep {
                word.to_string()
            } else {
                word.replacen(core, &lowered, 1)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A word without the punctuation around it and a possessive `'s`.
fn core_word(word: &str) -> &str {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .unwrap_or(word)
}

/// An initial capital followed by lower-case letters only (`Halts`, not `US` or `McCain`).
fn is_capitalized(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.clone().next().is_some()
        && chars.all(|c| c.is_lowercase() || c == '-' || c == '\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_dateline_and_paragraphs_are_found() {
        let article = parse_article(
            "Putin says 755 must go\nMOSCOW, July 30, 2017 — Putin said on Sunday that staff must go. \
             It is a reply.\n\nOn Friday, the ministry ordered cuts.",
        );
        assert_eq!(article.title, "Putin says 755 must go");
        assert_eq!(article.dateline, Some(date("2017-07-30")));
        assert_eq!(article.paragraphs.len(), 2);
        assert_eq!(
            article.paragraphs[0][0],
            "Putin said on Sunday that staff must go."
        );
    }

    #[test]
    fn a_title_case_headline_is_read_in_sentence_case() {
        let body = [
            "Russia told Washington on Monday that it would halt inspections under the New START treaty.",
        ];
        assert_eq!(
            sentence_case(
                "Russia ‘Temporarily’ Halts US Inspections Under New START Treaty",
                &body
            ),
            "Russia ‘temporarily’ halts US inspections under New START treaty"
        );
        let plain = "Russia halts US inspections under New START";
        assert_eq!(sentence_case(plain, &body), plain);
    }

    #[test]
    fn a_repeated_headline_and_a_syndicating_pages_stamp_are_not_the_story() {
        let article = parse_article(
            "Russia scrambles jet - RIA\n date 2020-11-28 Russia scrambles jet - RIAReuters | \
             Moscow | Updated: 28-11-2020 21:05 IST | Created: 28-11-2020 20:58 IST\nRussia \
             scrambled a jet on Saturday.",
        );
        assert_eq!(article.dateline, Some(date("2020-11-28")));
        assert_eq!(
            article.paragraphs[0][0],
            "Russia scrambled a jet on Saturday."
        );
    }

    #[test]
    fn a_place_in_title_case_before_a_hyphen_is_a_dateline() {
        let article = parse_article("Warship chased off\n\nMoscow - A Russian warship chased it.");
        assert_eq!(article.paragraphs[0][0], "A Russian warship chased it.");
        let article = parse_article("Title\n\nPutin - who spoke first - left.");
        assert_eq!(article.paragraphs[0][0], "Putin - who spoke first - left.");
    }

    #[test]
    fn an_archived_page_that_opens_with_its_date_stamp_has_its_lead_for_a_title() {
        let article = parse_article(
            " date 2020-08-30 Two jets intercepted a bomber on Friday. The crew was safe.\n\nMore.",
        );
        assert_eq!(article.dateline, Some(date("2020-08-30")));
        assert_eq!(article.title, "Two jets intercepted a bomber on Friday.");
        assert_eq!(article.paragraphs[0], vec!["The crew was safe."]);
        assert_eq!(article.paragraphs[1], vec!["More."]);
    }

    #[test]
    fn an_archived_pages_date_stamp_is_its_dateline() {
        let article =
            parse_article("Envoy slams Washington\n date 2023-03-14 The envoy slammed Washington.");
        assert_eq!(article.dateline, Some(date("2023-03-14")));
        assert_eq!(article.paragraphs[0][0], "The envoy slammed Washington.");
    }

    #[test]
    fn a_place_without_a_date_is_not_the_first_sentences_subject() {
        let article = parse_article(
            "US finds a breach\n\nWASHINGTON -- The United States has concluded that Russia broke it.",
        );
        assert_eq!(
            article.paragraphs[0][0],
            "The United States has concluded that Russia broke it."
        );
        let article = parse_article(
            "Russia denies\n\nMOSCOW (AP) — Russia denied it. US - Russia talks go on.",
        );
        assert_eq!(
            article.paragraphs[0],
            ["Russia denied it.", "US - Russia talks go on."]
        );
        let article = parse_article("Talks\n\nUS — Russia talks go on.");
        assert_eq!(article.paragraphs[0], ["US — Russia talks go on."]);
    }

    #[test]
    fn sentences_glued_without_a_space_are_split() {
        let sentences = split_sentences(
            "\"It was the Russians that did this activity\".Moscow rejected the claims.The U.S.Army said nothing.",
        );
        assert_eq!(
            sentences,
            [
                "\"It was the Russians that did this activity\".",
                "Moscow rejected the claims.",
                "The U.S.Army said nothing."
            ]
        );
    }

    #[test]
    fn a_quotation_closing_with_its_sentence_ends_it() {
        let sentences = split_sentences(
            "He called it \"a false pretense.\" Tuesday's move followed. \"We will act. It is \
             final,\" Lavrov said. She called it “a mistake.” Moscow agreed.",
        );
        assert_eq!(
            sentences,
            [
                "He called it \"a false pretense.\"",
                "Tuesday's move followed.",
                "\"We will act. It is final,\" Lavrov said.",
                "She called it “a mistake.”",
                "Moscow agreed."
            ]
        );
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        let sentences = split_sentences(
            "The U.S. ambassador met Gen. Curtis Scaparrotti on Sept. 1 in St. Petersburg. Then he left.",
        );
        assert_eq!(sentences.len(), 2, "{sentences:?}");
    }

    #[test]
    fn relative_dates_resolve_against_the_reference() {
        let sunday = date("2017-07-30");
        assert_eq!(
            sentence_date("On Friday, the ministry acted.", sunday),
            (date("2017-07-28"), DateBasis::Stated)
        );
        assert_eq!(
            sentence_date("Putin said on Sunday that...", sunday),
            (sunday, DateBasis::Stated)
        );
        assert_eq!(
            sentence_date("It happened a day earlier.", sunday),
            (date("2017-07-29"), DateBasis::Stated)
        );
        assert_eq!(
            sentence_date("It was agreed on July 7.", sunday),
            (date("2017-07-07"), DateBasis::Stated)
        );
        assert_eq!(
            sentence_date("The attack earlier this month.", sunday).1,
            DateBasis::Approximate
        );
        assert_eq!(
            sentence_date("No date here.", sunday),
            (sunday, DateBasis::Report)
        );
    }

    #[test]
    fn a_day_without_its_year_is_to_come_when_near_and_last_years_when_far() {
        let october = date("2018-10-23");
        assert_eq!(
            sentence_date("Trump is to meet Putin on November 11.", october),
            (date("2018-11-11"), DateBasis::Stated)
        );
        assert_eq!(
            sentence_date(
                "The sanctions were imposed on December 29.",
                date("2019-01-05")
            ),
            (date("2018-12-29"), DateBasis::Stated)
        );
    }

    #[test]
    fn a_time_phrase_gives_its_own_date_or_none() {
        let friday = date("2018-03-30");
        assert_eq!(
            phrase_date("on Monday", friday),
            Some((date("2018-03-26"), DateBasis::Stated))
        );
        assert_eq!(
            phrase_date("in 2010", friday),
            Some((date("2010-07-02"), DateBasis::Approximate))
        );
        assert_eq!(
            phrase_date("in March 2014", friday),
            Some((date("2014-03-15"), DateBasis::Approximate))
        );
        assert_eq!(
            phrase_date("three years ago", friday),
            Some((date("2015-03-31"), DateBasis::Approximate))
        );
        assert_eq!(
            phrase_date("two days ago", friday),
            Some((date("2018-03-28"), DateBasis::Stated))
        );
        assert_eq!(phrase_date("the treaty", friday), None);
    }

    #[test]
    fn earlier_this_month_is_not_the_first_of_the_month() {
        let (day, basis) = phrase_date("earlier this month", date("2018-03-30")).expect("a date");
        assert_eq!(basis, DateBasis::Approximate);
        assert!(
            day > date("2018-03-01") && day < date("2018-03-30"),
            "{day}"
        );
    }
}
