//! Benchmark of `dyad serve` on PostgreSQL: 32 concurrent clients appending single events over
//! HTTP for 10 s, through one server and through two servers on the same log (the clients split
//! between them), each with group commit on and off, each run on a fresh schema. Reports the
//! throughput, the p50 and p99 latency of an acknowledged append, and the mean number of requests
//! per transaction (over the servers).
//!
//! Run: `cargo run --release --example bench_serve_postgres -- URL [SECONDS [CLIENTS]]`
//! (URL defaults to `$DYAD_TEST_POSTGRES`).

use dyad::server::{self, ServerConfig};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

#[path = "common/append_load.rs"]
mod append_load;

use append_load::{Measured, event, report};

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let url = match args.next() {
        Some(url) => url,
        None => std::env::var("DYAD_TEST_POSTGRES")
            .map_err(|_| "give a PostgreSQL URL or set DYAD_TEST_POSTGRES")?,
    };
    let seconds: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let clients: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(32);
    println!(
        "dyad serve bench on PostgreSQL: {clients} clients appending single events for {seconds} s per run"
    );
    let mut admin = postgres::Client::connect(&url, postgres::NoTls)?;
    for servers in [1, 2] {
        for (name, group_commit) in [("group commit", true), ("one transaction each", false)] {
            let schema = format!(
                "bench_serve_{}",
                &uuid::Uuid::new_v4().simple().to_string()[..8]
            );
            admin.batch_execute(&format!("CREATE SCHEMA {schema}"))?;
            let separator = if url.contains('?') { '&' } else { '?' };
            let log = format!("{url}{separator}options=-csearch_path%3D{schema}");
            let measured = measure(
                &log,
                servers,
                group_commit,
                clients,
                Duration::from_secs(seconds),
            );
            admin.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))?;
            report(&format!("{servers} server(s), {name}"), &measured?);
        }
    }
    Ok(())
}

/// Serves the log with `servers` servers on one runtime and drives them from another (as separate
/// processes would), the clients taking the servers in turn.
fn measure(
    log: &str,
    servers: usize,
    group_commit: bool,
    clients: usize,
    duration: Duration,
) -> Result<Measured, Failure> {
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("server")
        .enable_all()
        .build()?;
    let mut addrs = Vec::new();
    let mut running = Vec::new();
    for _ in 0..servers {
        let listener = server_runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        addrs.push(listener.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        let mut config = ServerConfig::new(log.into());
        config.group_commit = group_commit;
        let served = server_runtime.spawn(server::run(listener, config, async move {
            let _ = stopped.await;
        }));
        running.push((stop, served));
    }

    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("clients")
        .enable_all()
        .build()?;
    let measured = client_runtime.block_on(async {
        // Warm up: the log is created and every connection opened before the clock starts.
        let warm = reqwest::Client::new();
        for (n, addr) in addrs.iter().enumerate() {
            warm.post(format!("http://{addr}/v1/events"))
                .body(event(usize::MAX - n, 0))
                .send()
                .await?;
        }
        let began = Instant::now();
        let deadline = began + duration;
        let tasks: Vec<_> = (0..clients)
            .map(|c| {
                let url = format!("http://{}/v1/events", addrs[c % addrs.len()]);
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
                            return Err(Failure::from(format!("append answered {status}")));
                        }
                        latencies.push(sent.elapsed());
                        i += 1;
                    }
                    Ok(latencies)
                })
            })
            .collect();
        let mut latencies = Vec::new();
        for task in tasks {
            latencies.extend(task.await??);
        }
        let elapsed = began.elapsed();
        let (mut transactions, mut transaction_requests) = (0, 0);
        for addr in &addrs {
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
            transactions += counter("dyad_write_transactions_total");
            transaction_requests += counter("dyad_write_transaction_requests_total");
        }
        Ok::<_, Failure>(Measured {
            appends: latencies.len(),
            elapsed,
            latencies,
            transactions,
            transaction_requests,
        })
    });
    for (stop, served) in running {
        let _ = stop.send(());
        server_runtime.block_on(served)??;
    }
    measured
}
