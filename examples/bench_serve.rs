//! Benchmark of `dyad serve`: 32 concurrent clients appending single events over HTTP for 10 s,
//! first with group commit, then with one transaction per request, in the same run, each on a
//! fresh log on local disk (WAL, `synchronous=FULL`: every commit waits for the disk). Reports
//! the throughput, the p50 and p99 latency of an acknowledged append, and the mean number of
//! requests per transaction. Then the same comparison without HTTP, through the library: groups
//! of 32 single-event batches in one `append_group` each, against one transaction per event.
//!
//! Run: `cargo run --release --example bench_serve [-- SECONDS [CLIENTS [both|group|naive]]]`

use dyad::app::Tracker;
use dyad::domain::clock::SystemClock;
use dyad::domain::event::{Event, EventInput};
use dyad::domain::framework::Framework;
use dyad::server::{self, ServerConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

#[path = "common/append_load.rs"]
mod append_load;

use append_load::{Measured, event, report};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let clients: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(32);
    let modes = args.next().unwrap_or_else(|| "both".to_string());
    let dir = tempfile::tempdir()?;
    println!(
        "dyad serve bench: {clients} clients appending single events for {seconds} s per mode; \
         logs in {}",
        dir.path().display()
    );
    let mut results = Vec::new();
    for (name, group_commit) in [
        ("group commit", true),
        ("one transaction per request", false),
    ] {
        if (modes == "group" && !group_commit) || (modes == "naive" && group_commit) {
            continue;
        }
        let mut config = ServerConfig::new(dir.path().join(format!("{}.db", group_commit)));
        config.group_commit = group_commit;
        let measured = measure(config, clients, Duration::from_secs(seconds))?;
        report(name, &measured);
        results.push(measured);
    }
    let throughput = |m: &Measured| m.appends as f64 / m.elapsed.as_secs_f64();
    if let [group, naive] = &results[..] {
        println!(
            "group commit / one transaction per request: {:.1}x the throughput",
            throughput(group) / throughput(naive)
        );
    }
    store_alone(&dir.path().join("store.db"), clients)?;
    Ok(())
}

/// The store's side alone: `clients` single-event batches per transaction, against one each.
fn store_alone(path: &std::path::Path, group: usize) -> Result<(), Box<dyn std::error::Error>> {
    const GROUPS: usize = 250;
    let mut tracker = Tracker::open(path, Framework::builtin(), Arc::new(SystemClock))?;
    let mut next = 0;
    let mut batch = |tracker: &Tracker| -> Result<Vec<Event>, Box<dyn std::error::Error>> {
        next += 1;
        let input: EventInput = serde_json::from_str(&event(usize::MAX - 1, next))?;
        Ok(vec![tracker.validator().validate(input)?])
    };
    let mut groups = Vec::with_capacity(GROUPS);
    for _ in 0..GROUPS {
        let requests = (0..group)
            .map(|_| Ok((batch(&tracker)?, None)))
            .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
        groups.push(requests);
    }
    let singles = (0..GROUPS * group)
        .map(|_| batch(&tracker))
        .collect::<Result<Vec<_>, _>>()?;
    let began = Instant::now();
    for requests in groups {
        for result in tracker.append_group(requests)? {
            result?;
        }
    }
    let grouped = began.elapsed();
    let began = Instant::now();
    for events in singles {
        tracker.append(events, None)?;
    }
    let single = began.elapsed();
    let per_second = |elapsed: Duration| (GROUPS * group) as f64 / elapsed.as_secs_f64();
    println!(
        "store alone, {group} single-event batches per transaction: {:>7.0} appends/s ({:.2} ms per \
         transaction); one transaction each: {:>6.0} appends/s ({:.2} ms); {:.1}x",
        per_second(grouped),
        grouped.as_secs_f64() * 1000.0 / GROUPS as f64,
        per_second(single),
        single.as_secs_f64() * 1000.0 / (GROUPS * group) as f64,
        single.as_secs_f64() / grouped.as_secs_f64()
    );
    Ok(())
}

/// Serves `config` on its own runtime and drives it from another (as separate processes would).
fn measure(
    config: ServerConfig,
    clients: usize,
    duration: Duration,
) -> Result<Measured, Box<dyn std::error::Error>> {
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("server")
        .enable_all()
        .build()?;
    let listener = server_runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let served = server_runtime.spawn(server::run(listener, config, async move {
        let _ = stopped.await;
    }));

    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("clients")
        .enable_all()
        .build()?;
    let measured = client_runtime.block_on(async {
        // Warm up: the log is created and every connection opened before the clock starts.
        let warm = reqwest::Client::new();
        let url = format!("http://{addr}/v1/events");
        warm.post(&url).body(event(usize::MAX, 0)).send().await?;
        let began = Instant::now();
        let deadline = began + duration;
        let tasks: Vec<_> = (0..clients)
            .map(|c| {
                let url = url.clone();
                tokio::spawn(async move {
                    let client = reqwest::Client::new();
                    let mut latencies = Vec::new();
                    let mut i = 0;
                    while Instant::now() < deadline {
                        let sent = Instant::now();
                        let response = client.post(&url).body(event(c, i)).send().await?;
                        let status = response.status();
                        response.bytes().await?;
                        if status != reqwest::StatusCode::CREATED {
                            return Err(format!("append answered {status}").into());
                        }
                        latencies.push(sent.elapsed());
                        i += 1;
                    }
                    Ok::<_, Box<dyn std::error::Error + Send + Sync>>(latencies)
                })
            })
            .collect();
        let mut latencies = Vec::new();
        for task in tasks {
            latencies.extend(task.await??);
        }
        let elapsed = began.elapsed();
        let metrics = warm
            .get(format!("http://{addr}/metrics"))
            .send()
            .await?
            .text()
            .await?;
        let counter = |name: &str| {
            metrics
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{name} ")))
                .and_then(|value| value.parse::<u64>().ok())
                .unwrap_or(0)
        };
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(Measured {
            appends: latencies.len(),
            elapsed,
            latencies,
            transactions: counter("dyad_write_transactions_total"),
            transaction_requests: counter("dyad_write_transaction_requests_total"),
        })
    });
    let _ = stop.send(());
    server_runtime.block_on(served)??;
    measured.map_err(|e| e.to_string().into())
}
