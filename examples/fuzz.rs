//! Mutation fuzzing of the two readers of untrusted text: the NDJSON reader (`append`,
//! `import`, the service) and the news coder (the article splitter, the tokenizer, the tagger and
//! parser, the clause reader and the coder), for a given time.
//!
//! Run: `cargo run --release --example fuzz -- [--seconds N] [--seed S]`
//!
//! Inputs start from what dyad ships (the seed log's lines, the seed article) and are mutated:
//! bytes flipped, inserted (control characters, quotes, braces, a byte-order mark, multi-byte
//! characters) or deleted, spans repeated, cut or spliced from another input. A panic is a
//! finding: the input is written to `target/fuzz-findings/` and counted. The readers may refuse
//! an input; they must never panic.

use dyad::domain::event::Validator;
use dyad::domain::framework::Framework;
use dyad::domain::taxonomy::Taxonomy;
use dyad::ingest::coder::{CodingOptions, Dictionary, code};
use dyad::ingest::ndjson::read_events;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

const LOG: &str = include_str!("tillerson_2017.ndjson");
const ARTICLE: &str = include_str!("tillerson_2017_article.txt");

/// Bytes worth inserting: structure, controls, escapes, a BOM and multi-byte characters.
const INSERTS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"\\",
    b":",
    b",",
    b"\n",
    b"\r",
    b"\t",
    b"\0",
    b"\x1b[2J",
    b"\x07",
    b"\xef\xbb\xbf",
    "“".as_bytes(),
    "—".as_bytes(),
    "’".as_bytes(),
    "é".as_bytes(),
    b"\xff",
    b"\xc3",
    b" ",
    b".",
    b"-",
    b"1e999",
    b"null",
    b"\"id\":",
    b" -- ",
    b"date 2020-01-01 ",
];

/// SplitMix64, seeded from the command line so a run can be repeated.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 if !bytes.is_empty() => {
                let i = at.min(bytes.len() - 1);
                bytes[i] ^= 1 << rng.below(8);
            }
            1 => {
                let insert = INSERTS[rng.below(INSERTS.len())];
                bytes.splice(at..at, insert.iter().copied());
            }
            2 if at < bytes.len() => {
                let end = (at + 1 + rng.below(16)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 if at < bytes.len() => {
                let end = (at + 1 + rng.below(64)).min(bytes.len());
                let span = bytes[at..end].to_vec();
                bytes.splice(at..at, span);
            }
            4 => bytes.truncate(at),
            _ => {
                let from = rng.below(other.len() + 1);
                let end = (from + rng.below(200)).min(other.len());
                bytes.splice(at..at, other[from..end].iter().copied());
            }
        }
    }
    bytes
}

fn record(kind: &str, input: &[u8]) {
    let dir = Path::new("target/fuzz-findings");
    let name = format!("{kind}-{:016x}.bin", fxhash(input));
    if std::fs::create_dir_all(dir).is_ok() {
        let _ = std::fs::write(dir.join(&name), input);
    }
    eprintln!("finding: {kind} panicked; input saved as target/fuzz-findings/{name}");
}

fn fxhash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let seconds = flag("--seconds", 60);
    let mut rng = Rng(flag("--seed", 1));
    let taxonomy = Taxonomy::builtin();
    let framework = Framework::builtin();
    let dictionary = Dictionary::builtin();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    let validator = Validator::new(taxonomy, &framework, today);
    let options = CodingOptions {
        outlet: Some("Fuzz".into()),
        published: chrono::NaiveDate::from_ymd_opt(2017, 6, 19),
        url: None,
    };
    // Panics are findings, reported by `record`; the default hook would print each twice.
    std::panic::set_hook(Box::new(|_| {}));
    let log = LOG.as_bytes();
    let article = ARTICLE.as_bytes();
    let (mut runs, mut findings, mut accepted) = ([0_u64; 2], 0_u64, 0_u64);
    let started = Instant::now();
    let mut reported = Instant::now();
    while started.elapsed() < Duration::from_secs(seconds) {
        let lines = mutate(&mut rng, log, article);
        match catch_unwind(AssertUnwindSafe(|| {
            read_events(lines.as_slice(), "fuzz", &validator).is_ok()
        })) {
            Ok(true) => accepted += 1,
            Ok(false) => {}
            Err(_) => {
                findings += 1;
                record("ndjson", &lines);
            }
        }
        runs[0] += 1;
        // An article is a thousand times the work of a line: one in twenty runs.
        if runs[0] % 20 == 0 {
            let text = mutate(&mut rng, article, log);
            let text = String::from_utf8_lossy(&text);
            if catch_unwind(AssertUnwindSafe(|| {
                let _ = code(&text, &dictionary, &framework, &options);
            }))
            .is_err()
            {
                findings += 1;
                record("article", text.as_bytes());
            }
            runs[1] += 1;
        }
        if reported.elapsed() > Duration::from_secs(30) {
            eprintln!(
                "{:>5} s: {} NDJSON inputs ({accepted} accepted whole), {} articles, {findings} findings",
                started.elapsed().as_secs(),
                runs[0],
                runs[1]
            );
            reported = Instant::now();
        }
    }
    println!(
        "fuzzed {} s: {} NDJSON inputs ({accepted} accepted whole), {} articles; findings={findings}",
        started.elapsed().as_secs(),
        runs[0],
        runs[1]
    );
    if findings > 0 {
        std::process::exit(1);
    }
}
