//! `dyad serve` on PostgreSQL: two servers on one database serve one log, and each one's event
//! stream delivers the events appended through the other, without gap or duplicate, within
//! 100 ms (LISTEN/NOTIFY). Skipped, with a note, when `$DYAD_TEST_POSTGRES` is unset.

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

async fn start(db: &TestDb) -> TestServer {
    let config = ServerConfig::new(db.location());
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
    let first = start(db).await;
    let second = start(db).await;
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
    // Announced by NOTIFY, not found by the 250 ms polling (whose median would be ~125 ms).
    assert!(median < Duration::from_millis(100), "median {median:?}");
    drop(streams);
    first.stop().await;
    second.stop().await;
}
