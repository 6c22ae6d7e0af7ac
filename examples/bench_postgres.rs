//! Benchmark: bulk import of N synthetic events (default 1,000,000) into a PostgreSQL log through
//! the library, as `dyad import` does (validation, idempotency by id, the hash chain, the lock,
//! the guard triggers), against plain `COPY` of the same rows into a table with the same columns
//! and indexes and no triggers (the ceiling), in the same run on the same server. Each log is a
//! schema of its own, dropped at the end.
//!
//! Run: `cargo run --release --example bench_postgres -- URL [EVENTS [BATCH]]`
//! (URL defaults to `$DYAD_TEST_POSTGRES`).

use dyad::app::{ImportOptions, Tracker};
use dyad::domain::clock::SystemClock;
use dyad::domain::framework::Framework;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const ACTORS: [&str; 8] = ["USA", "RUS", "CHN", "PRK", "NATO", "TALIBAN", "SYR", "UKR"];
const ACTIONS: [&str; 6] = [
    "consult",
    "warn",
    "expel_diplomats",
    "praise",
    "arm_adversary",
    "sign_agreement",
];
const ISSUES: [&str; 5] = [
    "afghanistan",
    "diplomats",
    "syria",
    "north_korea",
    "arms_control",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = match args.next() {
        Some(url) => url,
        None => std::env::var("DYAD_TEST_POSTGRES")
            .map_err(|_| "give a PostgreSQL URL or set DYAD_TEST_POSTGRES")?,
    };
    let total: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let batch: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5_000);
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let (log_schema, copy_schema) = (
        format!("bench_{}", &tag[..8]),
        format!("ceiling_{}", &tag[..8]),
    );
    let mut admin = postgres::Client::connect(&url, postgres::NoTls)?;
    admin.batch_execute(&format!(
        "CREATE SCHEMA {log_schema}; CREATE SCHEMA {copy_schema}"
    ))?;
    let result = run(&url, &mut admin, &log_schema, &copy_schema, total, batch);
    admin.batch_execute(&format!(
        "DROP SCHEMA {log_schema} CASCADE; DROP SCHEMA {copy_schema} CASCADE"
    ))?;
    result
}

fn run(
    url: &str,
    admin: &mut postgres::Client,
    log_schema: &str,
    copy_schema: &str,
    total: usize,
    batch: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let ndjson = dir.path().join("events.ndjson");
    let bytes = write_ndjson(&ndjson, total)?;
    println!(
        "dyad bench_postgres: {total} events ({} MB of NDJSON) in batches of {batch}",
        bytes / 1_000_000
    );

    let separator = if url.contains('?') { '&' } else { '?' };
    let log_url = format!("{url}{separator}options=-csearch_path%3D{log_schema}");
    let mut importer = Tracker::open(
        Path::new(&log_url),
        Framework::builtin(),
        Arc::new(SystemClock),
    )?;
    let began = Instant::now();
    let file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(&ndjson)?);
    let options = ImportOptions {
        batch_size: batch,
        atomic: false,
    };
    let summary = importer.import(file, options, |_| {})?;
    let import_time = began.elapsed();
    assert_eq!(summary.appended as usize, total, "every line imported");
    report(
        "dyad import (library, as `dyad import`)",
        total,
        import_time,
    );
    let began = Instant::now();
    let verified = importer.verify()?;
    assert!(verified.is_sound(), "the imported log verifies");
    report("dyad verify", total, began.elapsed());
    drop(importer);

    // The same rows, copied out of dyad's table (not timed), then into a bare table.
    let mut rows = Vec::new();
    admin
        .copy_out(&format!("COPY {log_schema}.events TO STDOUT"))?
        .read_to_end(&mut rows)?;
    admin.batch_execute(&format!(
        "SET search_path = {copy_schema}; {}; SET search_path = public",
        events_table_without_guards()
    ))?;
    let began = Instant::now();
    let mut writer = admin.copy_in(&format!("COPY {copy_schema}.events FROM STDIN"))?;
    writer.write_all(&rows)?;
    let copied = writer.finish()?;
    let copy_time = began.elapsed();
    assert_eq!(copied as usize, total, "every row copied");
    report(
        "plain COPY, same table and indexes (ceiling)",
        total,
        copy_time,
    );
    println!(
        "  dyad import: {:.0}% of COPY's rate ({:.1}x its time)",
        100.0 * copy_time.as_secs_f64() / import_time.as_secs_f64(),
        import_time.as_secs_f64() / copy_time.as_secs_f64()
    );
    Ok(())
}

/// The log's table and indexes as the first migration makes them, without the guards.
fn events_table_without_guards() -> &'static str {
    include_str!("../migrations/postgres/0001_events.sql")
}

fn report(what: &str, events: usize, time: Duration) {
    println!(
        "{what:<48} {:>8.2} s  {:>10.0} events/s",
        time.as_secs_f64(),
        events as f64 / time.as_secs_f64()
    );
}

/// Writes `total` synthetic actions over ten years as NDJSON; returns the file's size.
fn write_ndjson(path: &Path, total: usize) -> Result<u64, Box<dyn std::error::Error>> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let start = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).ok_or("a date")?;
    for i in 0..total {
        let mix = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let day = (i as u64 * 3653 / total.max(1) as u64) % 3653;
        let date = start + chrono::Duration::days(day as i64);
        let actor = (mix % 8) as usize;
        let target = (actor + 1 + (mix >> 8) as usize % 7) % 8;
        let event = serde_json::json!({
            "dyad": "USA-RUS", "kind": "action", "occurred_on": date.to_string(),
            "actor": ACTORS[actor], "target": ACTORS[target],
            "action": ACTIONS[(mix >> 16) as usize % ACTIONS.len()],
            "issue": ISSUES[(mix >> 24) as usize % ISSUES.len()],
            "summary": format!("Synthetic event number {i} for the benchmark"),
            "source": {"outlet": "Bench Wire", "url": format!("https://example.org/wire/{i}"),
                       "published_on": date.to_string()}
        });
        serde_json::to_writer(&mut out, &event)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}
