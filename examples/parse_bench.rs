//! Measures the parser: loading the shipped model, tokenising, and parsing running text.
//!
//! ```sh
//! cargo run --release --example parse_bench
//! ```
//!
//! Prints the time of the first `Parser::shipped()` (reading the embedded model, once per
//! process), then words per second and sentences per second of `parse_text` over a synthetic
//! article of about 1,000 words (sentences written for this benchmark, repeated), on one
//! thread, and the time of one 40,000-word "sentence" (the tokenizer and the parser are linear).

use std::time::Instant;

use dyad::parse::{Parser, tokenize};

const SENTENCES: &[&str] = &[
    "Russia expelled two American diplomats on Monday, the Foreign Ministry said in a statement.",
    "The sanctions, which were imposed by the Treasury in December, target Russia's energy sector.",
    "The Kremlin said Washington had violated the treaty and warned of a firm response.",
    "Moscow didn't respond to the proposal, but officials said talks would resume in Geneva.",
    "Russia and China vetoed the resolution at the United Nations Security Council on Friday.",
    "Secretary of State Rex Tillerson met Sergei Lavrov in Moscow to discuss Syria and Ukraine.",
    "“We will not tolerate interference in our elections,” the White House spokesman told reporters.",
    "NATO moved 4,000 troops to the Baltic states after Russia's annexation of Crimea in 2014.",
    "The U.S. Embassy in Moscow suspended visa services, citing cuts to its staff.",
    "A senior official, speaking on condition of anonymity, said the talks had been postponed.",
];

fn article() -> Vec<&'static str> {
    let mut sentences = Vec::new();
    let mut words = 0;
    while words < 1_000 {
        for sentence in SENTENCES {
            words += tokenize(sentence).len();
            sentences.push(*sentence);
        }
    }
    sentences
}

fn main() {
    let started = Instant::now();
    let parser = match Parser::shipped() {
        Ok(parser) => parser,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    };
    println!(
        "model load (first Parser::shipped()): {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let sentences = article();
    let words: usize = sentences
        .iter()
        .map(|sentence| tokenize(sentence).len())
        .sum();
    let started = Instant::now();
    let parsed: usize = sentences
        .iter()
        .map(|sentence| parser.parse_text(sentence).len())
        .sum();
    let first = started.elapsed().as_secs_f64();
    println!(
        "one article: {} sentences, {words} words parsed in {:.1} ms",
        sentences.len(),
        first * 1e3
    );

    let rounds = 20;
    let started = Instant::now();
    for _ in 0..rounds {
        for sentence in &sentences {
            std::hint::black_box(parser.parse_text(sentence));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "parse_text: {:.0} words/s, {:.0} sentences/s (one thread)",
        (words * rounds) as f64 / seconds,
        (sentences.len() * rounds) as f64 / seconds
    );

    let text: String = sentences.join(" ").repeat(40_000 / words.max(1) + 1);
    let started = Instant::now();
    let spans = tokenize(&text);
    let tokenized = started.elapsed().as_secs_f64();
    let long: Vec<&str> = spans
        .iter()
        .take(40_000)
        .map(|&(start, end)| &text[start..end])
        .collect();
    let started = Instant::now();
    let sentence = parser.parse_words(&long);
    println!(
        "one {}-word sentence: tokenised in {:.1} ms, parsed in {:.1} ms",
        sentence.len(),
        tokenized * 1e3,
        started.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(parsed, words);
}
