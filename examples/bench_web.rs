//! Benchmark of the web desk: time to first byte of the dashboard (`GET /`), on the shipped
//! decade (287 lines) and on a synthetic log of N events (default 1,000,000, spread over ten
//! years), one reader at a time and with 32 readers at once. The dashboard reads the status
//! through the checkpointed ledger (the first request after a large import folds the log once
//! and saves a checkpoint; later ones fold only what came after it) and keeps it until the
//! log's head moves, and the last events by position; it never scans the whole log per
//! request. The report's charts (`charts=on`) are a briefing of the year, measured apart.
//!
//! Run: `cargo run --release --example bench_web [-- EVENTS [READERS [REQUESTS]]]`

use dyad::app::{ImportOptions, Tracker};
use dyad::domain::clock::SystemClock;
use dyad::domain::framework::Framework;
use dyad::server::{self, ServerConfig};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type Failure = Box<dyn std::error::Error + Send + Sync>;

#[path = "common/synthetic.rs"]
mod synthetic;

use synthetic::Synthetic;

fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let events: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let readers: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(32);
    let requests: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5);
    let dir = tempfile::tempdir()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;

    let decade = dir.path().join("decade.db");
    import(
        &decade,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/usa_rus_2014_2024.ndjson"),
    )?;
    println!("the shipped decade (287 lines):");
    runtime.block_on(measure(&decade, readers, requests))?;

    let synthetic = dir.path().join("synthetic.db");
    let ndjson = dir.path().join("synthetic.ndjson");
    Synthetic::new(events).write_ndjson(&ndjson)?;
    let started = Instant::now();
    import(&synthetic, &ndjson)?;
    println!(
        "a synthetic log of {events} events (imported in {:.1} s):",
        started.elapsed().as_secs_f64()
    );
    runtime.block_on(measure(&synthetic, readers, requests))?;
    Ok(())
}

fn import(db: &Path, file: &Path) -> Result<(), Failure> {
    let mut tracker = Tracker::open(db, Framework::builtin(), Arc::new(SystemClock))?;
    let reader = std::io::BufReader::new(std::fs::File::open(file)?);
    tracker.import(reader, ImportOptions::default(), |_| {})?;
    Ok(())
}

/// Serves `db` and times the dashboard: the first request, then one reader at a time, then
/// `readers` at once, each making `requests` requests.
async fn measure(db: &Path, readers: usize, requests: usize) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::run(
        listener,
        ServerConfig::new(db.to_path_buf()),
        async move {
            let _ = stopped.await;
        },
    ));
    // `/` again and again: after the first, the status comes from the desk's memory until the
    // log's head moves. Each request of the second kind asks for another date, so its status is
    // folded from the checkpoint every time (as after every append). The charts are a briefing
    // of the year: measured with fewer requests.
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    for (name, kind, rounds) in [
        ("dashboard", Kind::Same, 1),
        ("each a new date", Kind::NewDate, 1),
        ("with charts", Kind::Charts, 5),
    ] {
        let (alone_count, requests) = (20 / rounds, requests.div_ceil(rounds));
        let path = {
            let next = next.clone();
            move || kind.path(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
        };
        let first = match first_byte(addr, &path()).await {
            Ok(first) => first,
            Err(error) => {
                println!(
                    "  {name:<15} no answer: {error} (the server closes a connection silent for 30 s)"
                );
                continue;
            }
        };
        let measured = async {
            let mut alone = Vec::new();
            for _ in 0..alone_count {
                alone.push(first_byte(addr, &path()).await?);
            }
            let started = Instant::now();
            let tasks: Vec<_> = (0..readers)
                .map(|_| {
                    let path = path.clone();
                    tokio::spawn(async move {
                        let mut times = Vec::new();
                        for _ in 0..requests {
                            times.push(first_byte(addr, &path()).await?);
                        }
                        Ok::<_, Failure>(times)
                    })
                })
                .collect();
            let mut together = Vec::new();
            for task in tasks {
                together.extend(task.await??);
            }
            Ok::<_, Failure>((alone, together, started.elapsed()))
        }
        .await;
        let (mut alone, mut together, elapsed) = match measured {
            Ok(measured) => measured,
            Err(error) => {
                println!(
                    "  {name:<15} first request {:>7.1} ms, then no answer: {error} (the server closes a connection silent for 30 s)",
                    ms(first)
                );
                continue;
            }
        };
        println!(
            "  {name:<15} first request {:>7.1} ms · alone p50 {:>7.1} ms p95 {:>7.1} ms · \
             {readers} readers p50 {:>7.1} ms p99 {:>7.1} ms ({:.0} pages/s)",
            ms(first),
            ms(percentile(&mut alone, 0.50)),
            ms(percentile(&mut alone, 0.95)),
            ms(percentile(&mut together, 0.50)),
            ms(percentile(&mut together, 0.99)),
            together.len() as f64 / elapsed.as_secs_f64()
        );
    }
    let _ = stop.send(());
    server.await??;
    Ok(())
}

/// Which dashboard a request asks for.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// `/`: the present.
    Same,
    /// `/?as_of=D` with a date no request asked before.
    NewDate,
    /// `/?charts=on`.
    Charts,
}

impl Kind {
    fn path(self, n: u64) -> String {
        match self {
            Kind::Same => "/".to_string(),
            Kind::NewDate => {
                let date = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).expect("date")
                    + chrono::Duration::days((n % 3650) as i64);
                format!("/?as_of={date}")
            }
            Kind::Charts => "/?charts=on".to_string(),
        }
    }
}

/// Time from sending `GET path` to the first byte of the answer, reading it to the end.
async fn first_byte(addr: std::net::SocketAddr, path: &str) -> Result<Duration, Failure> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let started = Instant::now();
    stream.write_all(request.as_bytes()).await?;
    let mut first = [0u8; 1];
    stream.read_exact(&mut first).await?;
    let elapsed = started.elapsed();
    if &first != b"H" {
        return Err("not an HTTP answer".into());
    }
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await?;
    if !rest.starts_with(b"TTP/1.1 200") {
        return Err(format!(
            "{path}: {}",
            String::from_utf8_lossy(&rest[..rest.len().min(200)])
        )
        .into());
    }
    Ok(elapsed)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    let index = ((times.len() as f64 - 1.0) * p).round() as usize;
    times.get(index).copied().unwrap_or_default()
}
