//! Benchmark: append N synthetic events (default 1,000,000, spread over ten years) through the
//! library in batches; fold the status over all of them, as of a date in the middle with and
//! without a checkpoint, and replay it monthly; compare with plain rusqlite doing the same inserts
//! and a plain scan of the same rows in the same run; report peak memory.
//!
//! Run: `cargo run --release --example bench [-- EVENTS [BATCH]]`

use dyad::app::{Every, ImportOptions, Tracker, When, replay_dates};
use dyad::domain::clock::SystemClock;
use dyad::domain::event::Event;
use dyad::domain::framework::Framework;
use dyad::domain::taxonomy::Taxonomy;
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "common/synthetic.rs"]
mod synthetic;

use synthetic::Synthetic;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let total: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let batch: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(10_000);
    let events = Synthetic::new(total);
    let dir = tempfile::tempdir()?;
    println!(
        "dyad bench: {total} events in batches of {batch}, files in {}",
        dir.path().display()
    );

    let plain_insert = plain_rusqlite_inserts(&dir.path().join("plain.db"), &events, total, batch)?;
    report("plain rusqlite insert (ceiling)", total, plain_insert);

    let ndjson = dir.path().join("events.ndjson");
    let bytes = events.write_ndjson(&ndjson)?;
    let mut importer = Tracker::open(
        &dir.path().join("import.db"),
        Framework::builtin(),
        Arc::new(SystemClock),
    )?;
    let began = Instant::now();
    let options = ImportOptions {
        batch_size: batch,
        atomic: false,
    };
    let file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(&ndjson)?);
    let summary = importer.import(file, options, |_| {})?;
    let import_time = began.elapsed();
    assert_eq!(summary.appended as usize, total, "every line imported");
    report(
        &format!("dyad import from NDJSON ({} MB)", bytes / 1_000_000),
        total,
        import_time,
    );
    println!(
        "  import: {:.0}% of the plain insert rate; peak memory so far (VmHWM) {}",
        100.0 * plain_insert.as_secs_f64() / import_time.as_secs_f64(),
        peak_memory().unwrap_or_else(|| "unknown".into())
    );
    drop(importer);

    let clock = Arc::new(SystemClock);
    let path = dir.path().join("dyad.db");
    let mut tracker = Tracker::open(&path, Framework::builtin(), clock)?;
    let mut validate_time = Duration::ZERO;
    let mut append_time = Duration::ZERO;
    for start in (0..total).step_by(batch) {
        let end = (start + batch).min(total);
        let began = Instant::now();
        let events: Vec<Event> = (start..end)
            .map(|i| tracker.validator().validate(events.event(i)))
            .collect::<Result<_, _>>()?;
        validate_time += began.elapsed();
        let began = Instant::now();
        tracker.append(events, None)?;
        append_time += began.elapsed();
    }
    report("dyad validate", total, validate_time);
    report(
        "dyad append (idempotency, hash chain, insert)",
        total,
        append_time,
    );
    report("dyad validate + append", total, validate_time + append_time);

    let began = Instant::now();
    let rows = plain_scan(&path)?;
    let scan_time = began.elapsed();
    report("plain SQLite scan of the same rows", rows, scan_time);

    let end = date(2024, 12, 31)?;
    let middle = date(2019, 12, 31)?;
    let uncached = tracker.with_checkpoints(None);
    let began = Instant::now();
    let status = uncached.status(None, When::on(end))?;
    let fold_time = began.elapsed();
    report("dyad status, full fold, no checkpoint", total, fold_time);
    println!(
        "  overall {} ({:+.2}) from {} events",
        dyad::report::level_name(&status.overall.level),
        status.overall.score,
        status.overall.events
    );
    let began = Instant::now();
    uncached.status(None, When::on(middle))?;
    report(
        "dyad status --as-of 2019-12-31, no checkpoint",
        total,
        began.elapsed(),
    );

    let months = replay_dates(date(2015, 1, 31)?, end, Every::Month);
    let began = Instant::now();
    let mut steps = 0;
    uncached.replay(None, &months, None, |_| {
        steps += 1;
        std::ops::ControlFlow::Continue(())
    })?;
    let replay_time = began.elapsed();
    report(
        &format!("dyad replay --every month ({steps} steps)"),
        total,
        replay_time,
    );

    let began = Instant::now();
    let verdict = uncached.verify()?;
    report("dyad verify (hash chain)", total, began.elapsed());
    assert!(
        verdict.first_break.is_none(),
        "the benchmark log must verify"
    );
    drop(uncached);

    let checkpointed = Tracker::open(&path, Framework::builtin(), Arc::new(SystemClock))?;
    let began = Instant::now();
    checkpointed.status(None, When::on(middle))?;
    report(
        "dyad status, first fold, saves a checkpoint",
        total,
        began.elapsed(),
    );
    let mut times = Vec::new();
    for as_of in [
        middle,
        date(2016, 6, 30)?,
        end,
        date(2022, 2, 24)?,
        date(2018, 3, 26)?,
    ] {
        let began = Instant::now();
        checkpointed.status(None, When::on(as_of))?;
        times.push(began.elapsed());
        assert!(
            checkpointed.last_fold().checkpoint.is_some(),
            "the checkpoint is read"
        );
    }
    times.sort();
    println!(
        "{:<48} {:>8.1} ms median of 5 dates (max {:.1} ms)",
        "dyad status --as-of D, from the checkpoint",
        times[2].as_secs_f64() * 1000.0,
        times[4].as_secs_f64() * 1000.0
    );

    println!(
        "append: {:.0}% of the plain insert rate; full fold: {:.2}x the plain scan; \
         monthly replay: {:.2}x the full fold",
        100.0 * plain_insert.as_secs_f64() / (validate_time + append_time).as_secs_f64(),
        fold_time.as_secs_f64() / scan_time.as_secs_f64(),
        replay_time.as_secs_f64() / fold_time.as_secs_f64()
    );
    println!(
        "peak memory (VmHWM): {}",
        peak_memory().unwrap_or_else(|| "unknown".into())
    );
    Ok(())
}

fn date(year: i32, month: u32, day: u32) -> Result<chrono::NaiveDate, &'static str> {
    chrono::NaiveDate::from_ymd_opt(year, month, day).ok_or("a valid date")
}

fn report(what: &str, events: usize, time: Duration) {
    println!(
        "{what:<48} {:>8.2} s  {:>10.0} events/s",
        time.as_secs_f64(),
        events as f64 / time.as_secs_f64()
    );
}

/// The same rows as dyad stores, in a table with the same columns and indexes, inserted by plain
/// rusqlite with the same pragmas (WAL, page cache) and batches,
/// without validation, idempotency checks, the hash chain or triggers: the ceiling.
fn plain_rusqlite_inserts(
    path: &Path,
    events: &Synthetic,
    total: usize,
    batch: usize,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let mut conn = Connection::open(path)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    conn.pragma_update(None, "cache_size", -dyad::store::sqlite::CACHE_KIB)?;
    conn.execute_batch(
        "CREATE TABLE events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL,
             id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, schema_version INTEGER NOT NULL,
             occurred_on TEXT NOT NULL, recorded_at TEXT NOT NULL, payload TEXT NOT NULL,
             prev_hash TEXT NOT NULL, hash TEXT NOT NULL, UNIQUE (stream, version));
         CREATE INDEX events_by_stream_occurred_on ON events (stream, occurred_on);
         CREATE INDEX events_by_stream_kind ON events (stream, kind, position);
         CREATE INDEX events_by_recorded_at ON events (recorded_at);",
    )?;
    let framework = Framework::builtin();
    let validator = dyad::domain::event::Validator::new(
        Taxonomy::builtin(),
        &framework,
        chrono::Utc::now().date_naive(),
    );
    let mut elapsed = Duration::ZERO;
    for start in (0..total).step_by(batch) {
        let end = (start + batch).min(total);
        // Rows are prepared outside the timed section: only SQLite's work is measured.
        let rows: Vec<(String, String, String)> = (start..end)
            .map(|i| {
                let event = validator
                    .validate(events.event(i))
                    .expect("valid synthetic event");
                (
                    event.id.to_string(),
                    event.occurred_on.to_string(),
                    event.payload_json(),
                )
            })
            .collect();
        let began = Instant::now();
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events VALUES (?1, 'USA-RUS', ?1, ?2, 'action', 1, ?3, '2026-01-01T00:00:00.000000Z', ?4, ?5, ?5)",
            )?;
            for (offset, (id, occurred_on, payload)) in rows.iter().enumerate() {
                let position = (start + offset + 1) as i64;
                insert.execute(rusqlite::params![
                    position,
                    id,
                    occurred_on,
                    payload,
                    "0".repeat(64)
                ])?;
            }
        }
        tx.commit()?;
        elapsed += began.elapsed();
    }
    Ok(elapsed)
}

/// Reads every row's columns, as the fold does, without decoding anything.
fn plain_scan(path: &Path) -> Result<usize, Box<dyn std::error::Error>> {
    let conn = Connection::open(path)?;
    let mut statement = conn.prepare(
        "SELECT position, stream, version, id, kind, schema_version, occurred_on, recorded_at, payload, prev_hash, hash
         FROM events WHERE stream = 'USA-RUS' AND occurred_on <= '2024-12-31' ORDER BY position",
    )?;
    let mut rows = statement.query([])?;
    let mut count = 0;
    let mut bytes = 0;
    while let Some(row) = rows.next()? {
        bytes += row.get_ref(8)?.as_str()?.len();
        count += 1;
    }
    assert!(bytes > 0);
    Ok(count)
}

fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|line| line.starts_with("VmHWM"))
        .map(|line| line.trim_start_matches("VmHWM:").trim().to_string())
}
