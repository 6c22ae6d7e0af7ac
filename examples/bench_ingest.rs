//! Benchmark: the news coder's speed, model load included, and that its time grows linearly
//! with the article. Articles are built from the seed article shipped in `examples/` (repeated
//! to the wanted length), plus one pathological "sentence" of 40,000 words with no full stop.
//!
//! Run: `cargo run --release --example bench_ingest`
//!
//! Prints the first-load time of the parser's model, then for each article its words, seconds
//! and words per second. `dyad ingest` adds only process start and file reading to these.

use dyad::domain::framework::Framework;
use dyad::ingest::coder::{CodingOptions, Dictionary, code};
use dyad::parse::Parser;
use std::time::Instant;

const SEED: &str = include_str!("tillerson_2017_article.txt");

/// The seed article's body repeated until it has `words` words, under its title.
fn article(words: usize) -> String {
    let (title, body) = SEED.split_once('\n').unwrap_or(("Title", SEED));
    let mut text = format!("{title}\n");
    let mut count = 0;
    while count < words {
        for paragraph in body.split("\n\n") {
            if count >= words {
                break;
            }
            text.push('\n');
            text.push_str(paragraph.trim());
            text.push('\n');
            count += paragraph.split_whitespace().count();
        }
    }
    text
}

/// One sentence of `words` words: the seed's words with their full stops removed.
fn one_sentence(words: usize) -> String {
    let vocabulary: Vec<String> = SEED
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, '.' | '?' | '!'))
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let body: Vec<&str> = vocabulary
        .iter()
        .cycle()
        .take(words)
        .map(String::as_str)
        .collect();
    format!("A long sentence – Test Wire\n\n{}.\n", body.join(" "))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    Parser::shipped()?;
    let load = started.elapsed().as_secs_f64();
    println!("model load: {load:.3} s");
    let dictionary = Dictionary::builtin();
    let framework = Framework::builtin();
    let options = CodingOptions {
        url: None,
        outlet: Some("Test Wire".into()),
        published: chrono::NaiveDate::from_ymd_opt(2017, 6, 19),
    };
    println!(
        "{:>28} {:>8} {:>9} {:>10} {:>10}",
        "article", "words", "seconds", "words/s", "events"
    );
    let cases = [
        ("seed article ×", article(1_000)),
        ("seed article ×", article(10_000)),
        ("seed article ×", article(40_000)),
        ("one sentence of", one_sentence(40_000)),
    ];
    for (name, text) in cases {
        let words = text.split_whitespace().count();
        let start = Instant::now();
        let proposals = code(&text, &dictionary, &framework, &options)?;
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "{:>28} {words:>8} {seconds:>9.3} {:>10.0} {:>10}",
            format!("{name} {words} words"),
            words as f64 / seconds,
            proposals.len()
        );
    }
    println!(
        "total with model load: {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
