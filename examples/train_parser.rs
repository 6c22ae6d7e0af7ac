//! Trains the parser on UD English EWT and writes the model.
//!
//! ```sh
//! cargo run --release --example train_parser -- DIR [--out PATH] [--parser-epochs N] [--tagger-epochs N] [--folds N]
//! cargo run --release --example train_parser -- DIR --lemmatizer-only [--out PATH]
//! ```
//!
//! DIR holds `en_ewt-ud-train.conllu` (trained on) and `en_ewt-ud-dev.conllu` (scored after each
//! parser epoch; the best epoch is kept). The model goes to PATH, by default the embedded model
//! `src/parse/model/en_ewt.bin`. The same data and options give the same bytes.
//!
//! `--lemmatizer-only` learns the lemmatizer again and keeps the tagger and the dependency parser
//! of the model already at PATH: a change to the lemma rules then changes no tag and no tree.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use dyad::parse::conllu;
use dyad::parse::train::{TrainingOptions, retrain_lemmatizer, train};
use dyad::parse::{Parser, Sentence};

fn read(path: &Path) -> Result<Vec<Sentence>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    conllu::read(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn number(value: Option<String>, flag: &str) -> Result<usize, String> {
    value
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("{flag} needs a number"))
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut out = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/parse/model/en_ewt.bin"
    ));
    let mut options = TrainingOptions::default();
    let mut lemmatizer_only = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lemmatizer-only" => lemmatizer_only = true,
            "--out" => out = args.next().map(PathBuf::from).ok_or("--out needs a path")?,
            "--parser-epochs" => options.parser_epochs = number(args.next(), "--parser-epochs")?,
            "--folds" => options.folds = number(args.next(), "--folds")?,
            "--tagger-epochs" => options.tagger_epochs = number(args.next(), "--tagger-epochs")?,
            "--parser-min-updates" => {
                options.parser_min_updates = number(args.next(), "--parser-min-updates")? as u32
            }
            "--tagger-min-updates" => {
                options.tagger_min_updates = number(args.next(), "--tagger-min-updates")? as u32
            }
            "--help" | "-h" => {
                println!(
                    "usage: train_parser DIR [--out PATH] [--parser-epochs N] [--tagger-epochs N] [--folds N]\n       train_parser DIR --lemmatizer-only [--out PATH]"
                );
                return Ok(());
            }
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    let dir =
        dir.ok_or("usage: train_parser DIR [--out PATH]  (DIR: the UD English EWT folder)")?;
    let started = Instant::now();
    let train_set = read(&dir.join("en_ewt-ud-train.conllu"))?;
    let parser = if lemmatizer_only {
        println!("read {} training sentences", train_set.len());
        let bytes =
            std::fs::read(&out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
        let model = Parser::from_bytes(&bytes).map_err(|e| format!("{}: {e}", out.display()))?;
        retrain_lemmatizer(model, &train_set)
    } else {
        let dev_set = read(&dir.join("en_ewt-ud-dev.conllu"))?;
        println!(
            "read {} training and {} dev sentences",
            train_set.len(),
            dev_set.len()
        );
        train(&train_set, &dev_set, &options, &mut |line| {
            println!("{line}")
        })
        .map_err(|e| e.to_string())?
    };
    let bytes = parser.to_bytes();
    // What is written must read back as the same model.
    let reread = Parser::from_bytes(&bytes).map_err(|e| e.to_string())?;
    if reread != parser {
        return Err("the model did not read back equal to itself".to_owned());
    }
    std::fs::write(&out, &bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("{}", parser.describe());
    println!(
        "wrote {} ({:.2} MB) in {:.1} s",
        out.display(),
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
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
