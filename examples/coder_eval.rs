//! Measures the news coder on real articles: a gold manifest (tests/news_real/README.md) and the
//! folder its texts are staged in.
//!
//! ```sh
//! cargo run --release --example coder_eval -- --manifest tests/news_real/dev_a.json \
//!     --texts tests/news_real/texts [--verbose]
//! ```
//!
//! Several `--manifest` are pooled. Prints each article's proposals and misses with `--verbose`,
//! then one line per manifest and, last, the pooled figures:
//! `precision=… recall=… recall_news=… main=… irrelevant_events=…`.

use dyad::domain::framework::Framework;
use dyad::ingest::coder::Dictionary;
use dyad::ingest::evaluation::{Evaluator, Figures, describe, load_manifest};
use std::path::PathBuf;
use std::process::ExitCode;

struct Arguments {
    manifests: Vec<PathBuf>,
    texts: PathBuf,
    verbose: bool,
}

fn arguments() -> Result<Arguments, String> {
    let mut manifests = Vec::new();
    let mut texts = None;
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--manifest" => manifests.push(PathBuf::from(args.next().ok_or("--manifest FILE")?)),
            "--texts" => texts = Some(PathBuf::from(args.next().ok_or("--texts DIR")?)),
            "--verbose" | "-v" => verbose = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if manifests.is_empty() {
        return Err("give at least one --manifest FILE".into());
    }
    Ok(Arguments {
        manifests,
        texts: texts.unwrap_or_else(|| PathBuf::from("tests/news_real/texts")),
        verbose,
    })
}

fn main() -> ExitCode {
    let arguments = match arguments() {
        Ok(a) => a,
        Err(problem) => {
            eprintln!(
                "error: {problem}\nusage: coder_eval --manifest FILE... [--texts DIR] [--verbose]"
            );
            return ExitCode::from(2);
        }
    };
    let framework = Framework::builtin();
    let dictionary = Dictionary::builtin();
    let evaluator = Evaluator {
        dictionary: &dictionary,
        framework: &framework,
        today: chrono::Utc::now().date_naive(),
    };
    let mut pooled = Figures::default();
    for path in &arguments.manifests {
        let outcome = load_manifest(path)
            .and_then(|manifest| evaluator.evaluate(&manifest, &arguments.texts));
        let (figures, results) = match outcome {
            Ok(outcome) => outcome,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        };
        if arguments.verbose {
            for result in &results {
                print!("{}", describe(result));
            }
        }
        if figures.unstaged > 0 {
            eprintln!(
                "{}: {} articles not staged in {} (skipped)",
                path.display(),
                figures.unstaged,
                arguments.texts.display()
            );
        }
        println!("{}: {}", path.display(), figures.line());
        pooled.merge(&figures);
    }
    println!("{}", pooled.line());
    ExitCode::SUCCESS
}
