//! Stages the real-news texts a manifest names (tests/news_real/README.md): the texts are not
//! ours, so they are never committed; each machine stages them from the stored pages.
//!
//! ```sh
//! # which articles are not staged yet, with the query and address that find each
//! cargo run --release --example stage_text -- --manifest tests/news_real/dev_a.json --missing
//! # stage one from a stored page's search answer saved as JSON (any object holding "excerpt")
//! cargo run --release --example stage_text -- --manifest tests/news_real/dev_a.json \
//!     dev_2014_pentagon_suspends_mil_ties answer.json [--headline "Its headline"]
//! ```
//!
//! A text is written only when its sha256 is the manifest's: the excerpt alone, or its headline
//! (the answer's `title`, or `--headline`) and a newline before it. Exit codes: 0 staged (or
//! listed), 1 no variant matched (nothing written), 2 bad arguments or files.

use dyad::ingest::evaluation::{GoldArticle, load_manifest, stage_text, staged_text};
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: stage_text --manifest FILE... [--texts DIR] \
                     (--missing | ID ANSWER.json [--headline H])";

struct Arguments {
    manifests: Vec<PathBuf>,
    texts: PathBuf,
    missing: bool,
    id: Option<String>,
    answer: Option<PathBuf>,
    headline: Option<String>,
}

fn arguments() -> Result<Arguments, String> {
    let mut parsed = Arguments {
        manifests: Vec::new(),
        texts: PathBuf::from("tests/news_real/texts"),
        missing: false,
        id: None,
        answer: None,
        headline: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--manifest" => parsed
                .manifests
                .push(PathBuf::from(args.next().ok_or("--manifest FILE")?)),
            "--texts" => parsed.texts = PathBuf::from(args.next().ok_or("--texts DIR")?),
            "--headline" => parsed.headline = Some(args.next().ok_or("--headline TEXT")?),
            "--missing" => parsed.missing = true,
            other if other.starts_with("--") => return Err(format!("unknown option `{other}`")),
            _ if parsed.id.is_none() => parsed.id = Some(arg),
            _ if parsed.answer.is_none() => parsed.answer = Some(PathBuf::from(arg)),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    if parsed.manifests.is_empty() {
        return Err("give at least one --manifest FILE".into());
    }
    if !parsed.missing && parsed.answer.is_none() {
        return Err("give --missing, or an article id and a saved search answer".into());
    }
    Ok(parsed)
}

/// Every object in the answer that holds an excerpt, with its title if it has one.
fn excerpts(value: &Value, out: &mut Vec<(String, Option<String>)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(excerpt)) = map.get("excerpt") {
                let title = map.get("title").and_then(Value::as_str).map(str::to_string);
                out.push((excerpt.clone(), title));
            }
            map.values().for_each(|v| excerpts(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| excerpts(v, out)),
        _ => {}
    }
}

fn candidates(answer: &Value, headline: Option<&str>) -> Vec<String> {
    let mut found = Vec::new();
    excerpts(answer, &mut found);
    let mut out = Vec::new();
    for (excerpt, title) in found {
        out.push(excerpt.clone());
        for head in [headline.map(str::to_string), title].into_iter().flatten() {
            out.push(format!("{head}\n{excerpt}"));
        }
    }
    out
}

fn run(arguments: &Arguments) -> Result<ExitCode, String> {
    let mut articles: Vec<GoldArticle> = Vec::new();
    for path in &arguments.manifests {
        articles.extend(load_manifest(path).map_err(|e| e.to_string())?.articles);
    }
    if arguments.missing {
        for article in &articles {
            if staged_text(article, &arguments.texts).is_ok_and(|t| t.is_none()) {
                println!("{}\t{}\t{}", article.id, article.query, article.url);
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let id = arguments.id.as_deref().unwrap_or_default();
    let article = articles
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| format!("no article `{id}` in the manifests given"))?;
    let answer_path = arguments.answer.as_ref().ok_or("no answer file")?;
    let text = std::fs::read_to_string(answer_path)
        .map_err(|e| format!("cannot read {}: {e}", answer_path.display()))?;
    let answer: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not JSON: {e}", answer_path.display()))?;
    let candidates = candidates(&answer, arguments.headline.as_deref());
    if candidates.is_empty() {
        return Err(format!("{}: holds no \"excerpt\"", answer_path.display()));
    }
    match stage_text(article, &arguments.texts, &candidates).map_err(|e| e.to_string())? {
        Some(path) => {
            println!("staged {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!(
                "{id}: none of the {} variants (excerpt, headline and excerpt) has the manifest's sha256; \
                 nothing written (try --headline with the page's exact headline)",
                candidates.len()
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn main() -> ExitCode {
    let arguments = match arguments() {
        Ok(a) => a,
        Err(problem) => {
            eprintln!("error: {problem}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    run(&arguments).unwrap_or_else(|problem| {
        eprintln!("error: {problem}");
        ExitCode::from(2)
    })
}
