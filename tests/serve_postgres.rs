//! `dyad serve` on PostgreSQL: two servers on one database serve one log, and each one's event
//! stream delivers the events appended through the other, without gap or duplicate, announced
//! by LISTEN/NOTIFY (the servers poll only once a minute here; the latency is printed); many concurrent reads share the server's few connections, which are
//! reused, and replaced when the database ends them. Skipped, with a note, when
//! `$DYAD_TEST_POSTGRES` is unset.

mod common;

use common::{TestDb, event_json};
use dyad::server::{self, ServerConfig, ServerError};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

struct TestServer {
    base: String,
    stop: oneshot::Sender<()>,
    handle: JoinHandle<Result<(), ServerError>>,
}

async fn start_with(config: ServerConfig) -> TestServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    let handle = tokio::spawn(server::run(listener, config, async move {
        let _ = stopped.await;
    }));
    TestServer {
        base: format!("http://{addr}"),
        stop,
        handle,
    }
}

impl TestServer {
    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(10), self.handle)
            .await
            .expect("the server stops in time")
            .expect("server task")
            .expect("the server stopped cleanly");
    }
}

/// Reads the next SSE event's id (its position).
async fn next_id(response: &mut reqwest::Response, buffer: &mut String) -> u64 {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            if let Some(id) = block
                .lines()
                .find_map(|line| line.strip_prefix("id:"))
                .map(|id| id.trim().parse().expect("numeric id"))
            {
                return id;
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(20), response.chunk())
            .await
            .expect("an event within 20 s")
            .expect("stream read")
            .expect("the stream is open");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[test]
fn two_servers_on_one_database_deliver_each_others_events() {
    // The schema is made and dropped outside the runtime: the test's own client blocks.
    let Some(db) = TestDb::postgres() else {
        return;
    };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(two_servers(&db));
}

async fn two_servers(db: &TestDb) {
    // Polling a minute apart: an event that reaches the other server's stream within the 20 s
    // `next_id` waits was announced by NOTIFY, not found by polling.
    let slow_polling = || ServerConfig {
        watch_interval: Duration::from_secs(60),
        ..ServerConfig::new(db.location())
    };
    let first = start_with(slow_polling()).await;
    let second = start_with(slow_polling()).await;
    let client = reqwest::Client::new();
    let mut streams = Vec::new();
    for server in [&first, &second] {
        let response = client
            .get(format!("{}/v1/events/stream?after=0", server.base))
            .send()
            .await
            .expect("subscribe");
        assert_eq!(response.status(), StatusCode::OK);
        streams.push((response, String::new()));
    }
    let mut latencies = Vec::new();
    for n in 0..20u64 {
        let server = if n % 2 == 0 { &first } else { &second };
        let began = Instant::now();
        let body = event_json(&format!("event {n}")).to_string();
        let answer = client
            .post(format!("{}/v1/events", server.base))
            .body(body)
            .send()
            .await
            .expect("POST");
        assert_eq!(answer.status(), StatusCode::CREATED);
        let text = answer.text().await.expect("body");
        let _: Value = serde_json::from_str(&text).expect("JSON answer");
        for (response, buffer) in &mut streams {
            assert_eq!(
                next_id(response, buffer).await,
                n + 1,
                "no gap, no duplicate"
            );
        }
        latencies.push(began.elapsed());
    }
    latencies.sort();
    let median = latencies[latencies.len() / 2];
    println!(
        "append to both streams: median {median:?}, slowest {:?}",
        latencies[latencies.len() - 1]
    );
    drop(streams);
    first.stop().await;
    second.stop().await;
}

/// The server's connections to the database: the backends' process ids, by application name.
async fn backends(name: &str) -> Vec<i32> {
    let base = std::env::var(common::TEST_POSTGRES).expect("set");
    let name = name.to_string();
    tokio::task::spawn_blocking(move || {
        let mut client = postgres::Client::connect(&base, postgres::NoTls).expect("connect");
        let mut pids: Vec<i32> = client
            .query(
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
                &[&name],
            )
            .expect("pg_stat_activity")
            .iter()
            .map(|row| row.get(0))
            .collect();
        pids.sort_unstable();
        pids
    })
    .await
    .expect("query task")
}

/// Ends backends as a DBA (or a restart) would.
async fn terminate(pids: Vec<i32>) {
    let base = std::env::var(common::TEST_POSTGRES).expect("set");
    tokio::task::spawn_blocking(move || {
        let mut client = postgres::Client::connect(&base, postgres::NoTls).expect("connect");
        for pid in pids {
            client
                .execute("SELECT pg_terminate_backend($1)", &[&pid])
                .expect("terminate");
        }
    })
    .await
    .expect("terminate task");
}

/// `count` reads at once, each a status and a page of the log; every one must succeed.
async fn concurrent_reads(client: &reqwest::Client, base: &str, count: usize) {
    let reads = (0..count).map(|n| {
        let client = client.clone();
        let url = if n % 2 == 0 {
            format!("{base}/v1/status")
        } else {
            format!("{base}/v1/events?limit=5")
        };
        async move {
            let response = client.get(&url).send().await.expect("GET");
            let status = response.status();
            let body = response.text().await.expect("body");
            assert_eq!(status, StatusCode::OK, "{url}: {body}");
        }
    });
    futures_util::future::join_all(reads).await;
}

#[test]
fn many_concurrent_reads_share_a_few_connections_reused_and_replaced() {
    let Some(db) = TestDb::postgres() else {
        return;
    };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(pooled_reads(&db));
}

async fn pooled_reads(db: &TestDb) {
    // The server's connections carry a name of their own, to be told from other tests'.
    let name = format!("dyad_pool_{}", uuid::Uuid::new_v4().simple());
    let location = db.location();
    let url = location.to_str().expect("UTF-8 URL");
    let mut config = ServerConfig::new(format!("{url}&application_name={name}").into());
    config.read_connections = 4;
    let server = start_with(config).await;
    let client = reqwest::Client::new();
    for n in 0..3 {
        let answer = client
            .post(format!("{}/v1/events", server.base))
            .body(event_json(&format!("event {n}")).to_string())
            .send()
            .await
            .expect("POST");
        assert_eq!(answer.status(), StatusCode::CREATED);
    }

    concurrent_reads(&client, &server.base, 64).await;
    let first = backends(&name).await;
    // Four readers and the writer, whatever the number of reads.
    assert!(!first.is_empty() && first.len() <= 5, "{first:?}");
    concurrent_reads(&client, &server.base, 64).await;
    assert_eq!(backends(&name).await, first, "the same connections, reused");

    // The database ends them all: the next reads and writes open new ones, and none fails.
    terminate(first.clone()).await;
    concurrent_reads(&client, &server.base, 64).await;
    let answer = client
        .post(format!("{}/v1/events", server.base))
        .body(event_json("after the connections were ended").to_string())
        .send()
        .await
        .expect("POST");
    assert_eq!(answer.status(), StatusCode::CREATED);
    let replaced = backends(&name).await;
    assert!(!replaced.is_empty() && replaced.len() <= 5, "{replaced:?}");
    assert!(
        replaced.iter().all(|pid| !first.contains(pid)),
        "{first:?} then {replaced:?}"
    );
    server.stop().await;
}
