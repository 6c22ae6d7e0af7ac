//! Parses a CoNLL-U file's sentences and scores the result against the file.
//!
//! ```sh
//! cargo run --release --example parse_eval -- FILE.conllu [--model PATH] [--write OUT.conllu]
//! ```
//!
//! Each sentence is parsed from its gold words (gold tokenisation, as in the CoNLL shared
//! tasks; multiword-token ranges and empty nodes skipped) with predicted tags. Compared, over
//! every word, punctuation included: `upos` (universal tag accuracy), `uas` (the gold head) and
//! `las` (the gold head and the gold relation, subtypes included: `obl` for a gold `obl:agent`
//! counts as wrong). Speed is measured on one thread, over tagging, lemmatizing and parsing
//! (not reading the file nor loading the model): the file is parsed three times and the fastest
//! pass counts, so that other work on a shared machine weighs less (the passes give the same
//! trees; the scores are the first pass's). The last line is exactly
//! `upos=0.xxx uas=0.xxx las=0.xxx sentences_per_s=N`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use dyad::parse::eval::Scores;
use dyad::parse::{Parser, conllu};

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut file = None;
    let mut model = None;
    let mut write = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--write" => {
                write = Some(
                    args.next()
                        .map(PathBuf::from)
                        .ok_or("--write needs a path")?,
                )
            }
            "--model" => {
                model = Some(
                    args.next()
                        .map(PathBuf::from)
                        .ok_or("--model needs a path")?,
                )
            }
            _ if file.is_none() => file = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    let file = file.ok_or("usage: parse_eval FILE.conllu [--model PATH] [--write OUT.conllu]")?;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let gold = conllu::read(&text).map_err(|e| e.to_string())?;
    let load_started = Instant::now();
    let loaded;
    let parser: &Parser = match model {
        Some(path) => {
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            loaded = Parser::from_bytes(&bytes).map_err(|e| e.to_string())?;
            &loaded
        }
        None => Parser::shipped().map_err(|e| e.to_string())?,
    };
    let load_time = load_started.elapsed();
    let words: Vec<Vec<&str>> = gold
        .iter()
        .map(|sentence| {
            sentence
                .tokens
                .iter()
                .map(|token| token.form.as_str())
                .collect()
        })
        .collect();
    let started = Instant::now();
    let parsed: Vec<_> = words
        .iter()
        .map(|words| parser.parse_words(words))
        .collect();
    let mut seconds = started.elapsed().as_secs_f64();
    for _ in 0..2 {
        let started = Instant::now();
        for words in &words {
            std::hint::black_box(parser.parse_words(words));
        }
        seconds = seconds.min(started.elapsed().as_secs_f64());
    }
    if let Some(path) = write {
        std::fs::write(&path, conllu::write(&parsed))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let mut scores = Scores::default();
    for (gold, parsed) in gold.iter().zip(&parsed) {
        scores.add(gold, parsed);
    }
    println!(
        "{} sentences, {} words; model loaded in {:.1} ms; parsed in {:.3} s ({:.0} words/s); xpos={:.4} lemma={:.4}",
        gold.len(),
        scores.words,
        load_time.as_secs_f64() * 1e3,
        seconds,
        scores.words as f64 / seconds,
        scores.xpos(),
        scores.lemma()
    );
    println!(
        "upos={:.3} uas={:.3} las={:.3} sentences_per_s={:.0}",
        scores.upos(),
        scores.uas(),
        scores.las(),
        gold.len() as f64 / seconds
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
