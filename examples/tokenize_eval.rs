//! Scores the tokenizer against a treebank's own tokenisation.
//!
//! ```sh
//! cargo run --release --example tokenize_eval -- FILE.conllu [--all]
//! ```
//!
//! For each sentence with a `# text` comment, splits the text with `dyad::parse::tokenize` and
//! compares the words (as byte spans) with the treebank's words, located in the text in order
//! (multiword tokens such as `don't` give their words `do` `n't` the span of their parts).
//! Prints the first 20 sentences split differently (`--all`: every one), then the precision
//! and recall of word spans and the share of sentences split exactly. Most differences on UD
//! English EWT are the treebank repairing typos (`Its` → `It s`, `alot` → `a lot`), which a
//! tokenizer cannot know.

use std::process::ExitCode;

use dyad::parse::tokenize;

/// The gold words of each sentence with its text: (text, words).
fn sentences(conllu: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut text = None;
    let mut words = Vec::new();
    for line in conllu.lines().chain(std::iter::once("")) {
        if line.is_empty() {
            if let Some(text) = text.take() {
                out.push((text, std::mem::take(&mut words)));
            }
            words.clear();
        } else if let Some(rest) = line.strip_prefix("# text = ") {
            text = Some(rest.to_owned());
        } else if !line.starts_with('#') {
            let mut fields = line.split('\t');
            let id = fields.next().unwrap_or_default();
            let form = fields.next().unwrap_or_default();
            if !id.contains('-') && !id.contains('.') {
                words.push(form.to_owned());
            }
        }
    }
    out
}

/// Spans of `words` in `text`, found left to right (a word missing from the text ends the
/// search: the treebank spells a few words otherwise than its text).
fn gold_spans(text: &str, words: &[String]) -> Option<Vec<(usize, usize)>> {
    let mut spans = Vec::new();
    let mut from = 0;
    for word in words {
        let start = from + text[from..].find(word.as_str())?;
        spans.push((start, start + word.len()));
        from = start + word.len();
    }
    Some(spans)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_all = args.iter().any(|arg| arg == "--all");
    let Some(path) = args.iter().find(|arg| !arg.starts_with("--")) else {
        eprintln!("usage: tokenize_eval FILE.conllu [--all]");
        return ExitCode::FAILURE;
    };
    let conllu = match std::fs::read_to_string(path) {
        Ok(conllu) => conllu,
        Err(error) => {
            eprintln!("error: cannot read {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let (mut gold_total, mut predicted_total, mut matched, mut exact, mut compared) =
        (0, 0, 0, 0, 0);
    let mut shown = 0;
    for (text, words) in sentences(&conllu) {
        let Some(gold) = gold_spans(&text, &words) else {
            continue;
        };
        let predicted = tokenize(&text);
        compared += 1;
        gold_total += gold.len();
        predicted_total += predicted.len();
        let gold_set: std::collections::HashSet<_> = gold.iter().collect();
        matched += predicted
            .iter()
            .filter(|span| gold_set.contains(span))
            .count();
        if predicted == gold {
            exact += 1;
        } else if show_all || shown < 20 {
            shown += 1;
            let show = |spans: &[(usize, usize)]| {
                spans
                    .iter()
                    .map(|&(a, b)| &text[a..b])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!("gold: {}\n ours: {}\n", show(&gold), show(&predicted));
        }
    }
    println!(
        "{compared} sentences: precision {:.4}, recall {:.4}, {:.1}% split exactly",
        matched as f64 / predicted_total as f64,
        matched as f64 / gold_total as f64,
        exact as f64 * 100.0 / compared as f64
    );
    ExitCode::SUCCESS
}
