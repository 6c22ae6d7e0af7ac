//! Benchmark: `import --format gdelt` of N synthetic GDELT 2.0 rows (default 1,000,000) through
//! the library, the same calls the command makes: the file is converted as it is read, then
//! its events are imported in one transaction. Prints the conversion's and the import's rows/s
//! and the peak memory (VmHWM, Linux), with the file's size beside it.
//!
//! Run: `cargo run --release --example bench_field [-- ROWS]`
//!
//! The rows are generated here, not copied from GDELT: 61 tab-separated columns as in GDELT
//! 2.0's event files, dates over ten years (2015–2024), actors drawn from six countries (the
//! USA and Russia twice as often) so that one row in eight is between the USA and Russia
//! (either direction), CAMEO codes drawn from 24 (one, `213`, unmapped), a Goldstein value and
//! 1 to 9 sources a row. As in the field's data, rows of the same day, pair and code repeat,
//! and are merged.

use dyad::app::{ImportOptions, Tracker};
use dyad::domain::clock::SystemClock;
use dyad::domain::framework::Framework;
use dyad::field::{self, FieldFormat};
use std::io::{BufWriter, Write};
use std::sync::Arc;
use std::time::Instant;

const COUNTRIES: [&str; 8] = ["USA", "RUS", "USA", "RUS", "CHN", "GBR", "UKR", "FRA"];
const CODES: [&str; 24] = [
    "010", "020", "036", "040", "043", "051", "057", "061", "071", "080", "090", "100", "111",
    "120", "130", "138", "141", "150", "163", "166", "172", "180", "190", "213",
];

/// A small, seeded generator (xorshift64*): the same rows on every run, no dependency.
struct Rows(u64);

impl Rows {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % below
    }
}

fn write_rows(path: &std::path::Path, rows: u64) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut random = Rows(0x9E37_79B9_7F4A_7C15);
    let first_day = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
    for id in 1..=rows {
        let day = first_day + chrono::Days::new(random.next(3_653));
        let actor = COUNTRIES[random.next(8) as usize];
        let target = COUNTRIES[random.next(8) as usize];
        let code = CODES[random.next(CODES.len() as u64) as usize];
        let goldstein = random.next(201) as f64 / 10.0 - 10.0;
        let sources = 1 + random.next(9);
        let mut columns = vec![String::new(); 61];
        columns[0] = id.to_string();
        columns[1] = day.format("%Y%m%d").to_string();
        columns[2] = day.format("%Y%m").to_string();
        columns[3] = day.format("%Y").to_string();
        columns[5] = format!("{actor}GOV");
        columns[6] = actor.to_string();
        columns[7] = actor.to_string();
        columns[15] = format!("{target}GOV");
        columns[16] = target.to_string();
        columns[17] = target.to_string();
        columns[25] = "1".into();
        columns[26] = code.to_string();
        columns[27] = code.to_string();
        columns[28] = code[..2].to_string();
        columns[29] = "1".into();
        columns[30] = format!("{goldstein:.1}");
        columns[31] = (sources * 2).to_string();
        columns[32] = sources.to_string();
        columns[33] = (sources * 2).to_string();
        columns[59] = format!("{}000000", columns[1]);
        columns[60] = format!("https://news.example.org/{id}");
        writeln!(out, "{}", columns.join("\t"))?;
    }
    out.flush()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u64 = match std::env::args().nth(1) {
        Some(text) => text.parse()?,
        None => 1_000_000,
    };
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("events.tsv");
    let started = Instant::now();
    write_rows(&path, rows)?;
    let size = std::fs::metadata(&path)?.len();
    println!(
        "wrote {rows} rows, {:.0} MB, in {:.2} s",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    println!(
        "peak memory before the import (VmHWM): {}",
        peak_memory().unwrap_or_else(|| "unknown".into())
    );

    let mut tracker = Tracker::open(
        &dir.path().join("dyad.db"),
        Framework::builtin(),
        Arc::new(SystemClock),
    )?;
    let dyad = tracker.framework().dyad.clone();
    let started = Instant::now();
    let file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(&path)?);
    let conversion = field::convert(FieldFormat::Gdelt, file, &dyad, |_| {})?;
    let converted = started.elapsed();
    assert_eq!(conversion.refused_rows, 0, "{:?}", conversion.refused);
    println!(
        "converted: {} rows, {} of {dyad}, {} events ({} merged, {} unmapped) in {:.2} s: \
         {:.0} rows/s; peak memory (VmHWM) {}",
        conversion.rows,
        conversion.dyad_rows,
        conversion.event_count(),
        conversion.merged,
        conversion.unmapped_rows(),
        converted.as_secs_f64(),
        conversion.rows as f64 / converted.as_secs_f64(),
        peak_memory().unwrap_or_else(|| "unknown".into())
    );
    let options = ImportOptions {
        atomic: true,
        ..ImportOptions::default()
    };
    let imported_at = Instant::now();
    let summary = tracker.import(conversion.ndjson(), options, |_| {})?;
    let imported = imported_at.elapsed();
    let total = started.elapsed();
    println!(
        "imported: {} events appended in {:.2} s ({:.0} events/s)",
        summary.appended,
        imported.as_secs_f64(),
        summary.appended as f64 / imported.as_secs_f64()
    );
    println!(
        "import --format gdelt, whole: {:.2} s, {:.0} rows/s; peak memory (VmHWM) {}",
        total.as_secs_f64(),
        rows as f64 / total.as_secs_f64(),
        peak_memory().unwrap_or_else(|| "unknown".into())
    );
    Ok(())
}

/// The process's peak resident memory, where Linux reports it.
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|line| line.starts_with("VmHWM"))
        .map(|line| line.trim_start_matches("VmHWM:").trim().to_string())
}
