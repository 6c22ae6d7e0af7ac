//! `dyad serve` against a real server on an ephemeral loopback port: started in-process with
//! `server::run` (or as the real binary for the kill -9 and SIGTERM tests), driven over HTTP.

mod common;

use common::{event_json, shipped_log};
use dyad::app::{LogFilter, Tracker};
use dyad::domain::clock::SystemClock;
use dyad::domain::framework::Framework;
use dyad::server::{self, ServerConfig, Token};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

/// A server on 127.0.0.1:0 over a log in a temporary directory.
struct TestServer {
    served: common::Served,
}

impl TestServer {
    async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    async fn start_with(configure: impl FnOnce(&mut ServerConfig)) -> Self {
        let dir = TempDir::new().expect("temp dir");
        let mut config = ServerConfig::new(dir.path().join("serve.db"));
        configure(&mut config);
        Self {
            served: common::Served::start(dir, config).await,
        }
    }

    fn url(&self, path: &str) -> String {
        self.served.url(path)
    }

    fn db(&self) -> PathBuf {
        self.served.dir.path().join("serve.db")
    }

    /// Stops the server; it must stop within a few seconds.
    async fn stop(mut self) -> TempDir {
        self.served
            .halt()
            .await
            .expect("the server stops in time")
            .expect("the server stopped cleanly");
        self.served.dir
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

async fn post(client: &reqwest::Client, url: &str, body: String) -> (StatusCode, Value) {
    let response = client.post(url).body(body).send().await.expect("POST");
    let status = response.status();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).expect("JSON answer"))
}

async fn get_text(client: &reqwest::Client, url: &str) -> (StatusCode, String) {
    let response = client.get(url).send().await.expect("GET");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

fn parse_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect()
}

fn positions(events: &[Value]) -> Vec<u64> {
    events
        .iter()
        .map(|e| e["position"].as_u64().expect("position"))
        .collect()
}

/// The whole log as `GET /v1/events` pages it.
async fn all_events(client: &reqwest::Client, server: &TestServer) -> Vec<Value> {
    let mut events = Vec::new();
    loop {
        let after = events
            .last()
            .map_or(0, |e: &Value| e["position"].as_u64().unwrap());
        let url = server.url(&format!("/v1/events?after={after}&limit=100"));
        let (status, text) = get_text(client, &url).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let page = parse_lines(&text);
        if page.is_empty() {
            return events;
        }
        events.extend(page);
    }
}

/// Reads Server-Sent Events from a response.
struct SseReader {
    response: reqwest::Response,
    buffer: String,
}

impl SseReader {
    async fn open(client: &reqwest::Client, url: &str, last_event_id: Option<u64>) -> SseReader {
        let mut request = client.get(url);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.expect("subscribe");
        assert_eq!(response.status(), StatusCode::OK);
        SseReader {
            response,
            buffer: String::new(),
        }
    }

    /// The next event's id and data.
    async fn next(&mut self) -> (u64, Value) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut id = None;
                let mut data = None;
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("id:") {
                        id = Some(value.trim().parse().expect("numeric id"));
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data = Some(serde_json::from_str(value.trim()).expect("JSON data"));
                    }
                }
                if let (Some(id), Some(data)) = (id, data) {
                    return (id, data);
                }
                continue; // a keep-alive comment
            }
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.response.chunk())
                .await
                .expect("an event within 20 s")
                .expect("stream read")
                .expect("the stream is still open");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

fn event(summary: &str) -> String {
    event_json(summary).to_string()
}

/// `dyad <args>` on `db`, with stdin; returns (exit code, stdout, stderr).
fn cli(db: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dyad"))
        .env_remove("DYAD_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dyad");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

fn open_log(db: &Path) -> Tracker {
    Tracker::open(db, Framework::builtin(), Arc::new(SystemClock)).expect("open the log")
}

fn logged_ids(tracker: &Tracker) -> HashMap<String, u64> {
    let mut ids = HashMap::new();
    tracker
        .log(&LogFilter::default(), |e, _| {
            ids.insert(e.event.id.to_string(), e.position);
            ControlFlow::Continue(())
        })
        .expect("log");
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_lose_nothing_and_positions_stay_gapless() {
    let server = TestServer::start().await;
    let client = client();
    const WRITERS: usize = 16;
    const EACH: usize = 20;
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (client, url) = (client.clone(), server.url("/v1/events"));
            tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                for i in 0..EACH {
                    let (status, answer) =
                        post(&client, &url, event(&format!("writer {w} event {i}"))).await;
                    assert_eq!(status, StatusCode::CREATED, "{answer}");
                    let outcome = &answer["events"][0];
                    assert_eq!(outcome["status"], "recorded");
                    acknowledged.push((
                        outcome["id"].as_str().unwrap().to_string(),
                        outcome["position"].as_u64().unwrap(),
                    ));
                }
                acknowledged
            })
        })
        .collect();
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.expect("writer"));
    }

    let events = all_events(&client, &server).await;
    let total = (WRITERS * EACH) as u64;
    assert_eq!(positions(&events), (1..=total).collect::<Vec<_>>());
    let at: HashMap<&str, u64> = events
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e["position"].as_u64().unwrap()))
        .collect();
    assert_eq!(at.len(), events.len(), "duplicate ids");
    for (id, position) in &acknowledged {
        assert_eq!(at.get(id.as_str()), Some(position), "{id}");
    }
    let (_, metrics) = get_text(&client, &server.url("/metrics")).await;
    assert!(
        metrics.contains(&format!("dyad_events_appended_total {total}")),
        "{metrics}"
    );
    assert!(metrics.contains(
        "dyad_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/events\""
    ));

    let dir = server.stop().await;
    let tracker = open_log(&dir.path().join("serve.db"));
    assert_eq!(tracker.verify().expect("verify").first_break, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_answer_like_the_cli_and_batches_are_all_or_nothing() {
    let server = TestServer::start().await;
    let client = client();
    let url = server.url("/v1/events");
    let (status, _) = post(&client, &url, event("seed")).await;
    assert_eq!(status, StatusCode::CREATED);

    // One bad event refuses the batch, with the message `dyad append` prints.
    let mut bad = event_json("bad date");
    bad["occurred_on"] = json!("2017-02-30");
    let ndjson = format!("{}\n{bad}\n", event("fine"));
    let (status, answer) = post(&client, &url, ndjson.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (code, _, stderr) = cli(&server.db(), &["append", "-"], &ndjson);
    assert_eq!(code, 1);
    let message = answer["error"].as_str().expect("error message");
    assert_eq!(format!("error: {message}\n"), stderr);
    assert!(message.contains("line 2, field `occurred_on`"), "{message}");

    // The same as a JSON array: element N is line N.
    let array = format!("[{}, {bad}]", event("fine"));
    let (status, answer) = post(&client, &url, array).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"], message);

    let (status, answer) = post(&client, &url, "{\"dyad\": ".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["error"].as_str().unwrap().contains("malformed JSON"),
        "{answer}"
    );

    // A good array lands whole; the retry records nothing and says where each event is.
    let batch = format!("[{}, {}]", event("two"), event("three"));
    let (status, first) = post(&client, &url, batch.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(positions(first["events"].as_array().unwrap()), [2, 3]);
    let (status, retry) = post(&client, &url, batch).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(retry["recorded"], 0);
    assert_eq!(retry["already_recorded"], 2);
    assert_eq!(positions(retry["events"].as_array().unwrap()), [2, 3]);

    // Optimistic concurrency: 409 with the CLI's message, nothing written.
    let (status, answer) = post(&client, &format!("{url}?expected_version=1"), event("four")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        answer["error"].as_str().unwrap().contains("at version 3"),
        "{answer}"
    );
    let (status, _) = post(&client, &format!("{url}?expected_version=3"), event("four")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(all_events(&client, &server).await.len(), 4);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_returns_the_first_answer() {
    let server = TestServer::start().await;
    let client = client();
    let url = server.url("/v1/events");
    let send = |key: &'static str, body: String| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let response = client
                .post(&url)
                .header("Idempotency-Key", key)
                .body(body)
                .send()
                .await
                .expect("POST");
            (response.status(), response.text().await.expect("body"))
        }
    };
    let first = send("k-1", event("once")).await;
    assert_eq!(first.0, StatusCode::CREATED);
    assert_eq!(
        send("k-1", event("once")).await,
        first,
        "the first answer, again"
    );
    // Without the key, the retry is still a no-op, but says so.
    let (status, answer) = post(&client, &url, event("once")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["already_recorded"], 1);
    let (status, _) = send("k-1", event("another")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(all_events(&client, &server).await.len(), 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_answer_what_the_cli_prints() {
    let server = TestServer::start().await;
    let client = client();
    let shipped = std::fs::read_to_string(shipped_log()).expect("shipped log");
    let (status, answer) = post(&client, &server.url("/v1/events"), shipped).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["recorded"], 18);

    let db = server.db();
    let cases: [(&str, &[&str]); 7] = [
        ("/v1/events", &["log", "--json"]),
        (
            "/v1/events?actor=RUS&grep=taliban",
            &["log", "--json", "--actor", "RUS", "--grep", "taliban"],
        ),
        ("/v1/events?after=10&limit=3", &[]),
        (
            "/v1/status?as_of=2017-06-19",
            &["status", "--as-of", "2017-06-19", "--json"],
        ),
        (
            "/v1/replay?from=2017-01-01&to=2017-06-30&every=month",
            &[
                "replay",
                "--from",
                "2017-01-01",
                "--to",
                "2017-06-30",
                "--every",
                "month",
                "--json",
            ],
        ),
        (
            "/v1/explain?pillar=pushback&as_of=2017-06-19&limit=0",
            &[
                "explain",
                "--pillar",
                "pushback",
                "--as-of",
                "2017-06-19",
                "--limit",
                "0",
                "--json",
            ],
        ),
        (
            "/v1/status?as_of=2017-06-19&known_at=2000-01-01T00:00:00Z",
            &[
                "status",
                "--as-of",
                "2017-06-19",
                "--known-at",
                "2000-01-01T00:00:00Z",
                "--json",
            ],
        ),
    ];
    for (path, args) in cases {
        let (status, body) = get_text(&client, &server.url(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        if args.is_empty() {
            assert_eq!(positions(&parse_lines(&body)), [11, 12, 13], "{path}");
            continue;
        }
        let (code, stdout, stderr) = cli(&db, args, "");
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(body, stdout, "{path}");
    }

    for path in [
        "/v1/status?as_of=not-a-date",
        "/v1/status?asof=2017-06-19",
        "/v1/explain?pillar=detente",
        "/v1/replay?from=2017-06-01&to=2017-01-01",
        "/v1/events?limit=0",
        "/v1/events?action=hug",
    ] {
        let (status, body) = get_text(&client, &server.url(path)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        let answer: Value = serde_json::from_str(&body).expect("JSON error");
        assert!(answer["error"].is_string(), "{path}: {body}");
    }
    let (status, body) = get_text(&client, &server.url("/v1/explain?pillar=detente")).await;
    let (_, _, stderr) = cli(&db, &["explain", "--pillar", "detente", "--json"], "");
    let answer: Value = serde_json::from_str(&body).expect("JSON error");
    assert_eq!(
        (
            status,
            format!("error: {}\n", answer["error"].as_str().unwrap())
        ),
        (StatusCode::BAD_REQUEST, stderr)
    );
    let (status, body) = get_text(&client, &server.url("/healthz")).await;
    assert_eq!(
        (status, body.trim()),
        (StatusCode::OK, "{\"status\":\"ok\"}")
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_switches_from_stored_to_live_events_without_gap_or_duplicate() {
    let server = TestServer::start().await;
    let client = client();
    let url = server.url("/v1/events");
    for i in 0..40 {
        assert_eq!(
            post(&client, &url, event(&format!("before {i}"))).await.0,
            StatusCode::CREATED
        );
    }
    // Writers keep appending while subscribers join at different moments and positions.
    const WRITERS: usize = 4;
    const EACH: usize = 40;
    let total = 40 + (WRITERS * EACH) as u64;
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                for i in 0..EACH {
                    let body = if i % 5 == 0 {
                        format!(
                            "[{}, {}]",
                            event(&format!("w{w} {i} a")),
                            event(&format!("w{w} {i} b"))
                        )
                    } else {
                        event(&format!("w{w} {i}"))
                    };
                    let (status, answer) = post(&client, &url, body).await;
                    assert_eq!(status, StatusCode::CREATED, "{answer}");
                    // Spread the appends over the moments the subscribers join.
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            })
        })
        .collect();
    let total = total + (WRITERS * EACH / 5) as u64;
    let subscribers: Vec<_> = [0u64, 20, 40, 0, 35, 10, 0, 39]
        .into_iter()
        .enumerate()
        .map(|(n, after)| {
            let (client, url) = (
                client.clone(),
                server.url(&format!("/v1/events/stream?after={after}")),
            );
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(25 * n as u64)).await;
                let mut stream = SseReader::open(&client, &url, None).await;
                let mut received = Vec::new();
                while received.last().map_or(after, |(p, _)| *p) < total {
                    let (id, data) = stream.next().await;
                    assert_eq!(data["position"].as_u64(), Some(id));
                    received.push((id, data));
                }
                (after, received)
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer");
    }
    let stored = all_events(&client, &server).await;
    assert_eq!(positions(&stored), (1..=total).collect::<Vec<_>>());
    for subscriber in subscribers {
        let (after, received) = subscriber.await.expect("subscriber");
        let ids: Vec<u64> = received.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids,
            (after + 1..=total).collect::<Vec<_>>(),
            "after {after}"
        );
        // Live events carry exactly what the log holds.
        for (id, data) in &received {
            assert_eq!(data, &stored[*id as usize - 1], "position {id}");
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnecting_subscriber_resumes_after_last_event_id() {
    let server = TestServer::start().await;
    let client = client();
    let url = server.url("/v1/events");
    for i in 0..8 {
        post(&client, &url, event(&format!("event {i}"))).await;
    }
    let stream_url = server.url("/v1/events/stream?after=0");
    let mut first = SseReader::open(&client, &stream_url, None).await;
    for expected in 1..=5 {
        assert_eq!(first.next().await.0, expected);
    }
    drop(first);
    let mut resumed = SseReader::open(&client, &stream_url, Some(5)).await;
    assert_eq!(resumed.next().await.0, 6);
    assert_eq!(resumed.next().await.0, 7);
    assert_eq!(resumed.next().await.0, 8);
    post(&client, &url, event("live")).await;
    let (id, data) = resumed.next().await;
    assert_eq!((id, data["summary"].as_str()), (9, Some("live")));
    // The server stops even with a stream open.
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_and_limits_are_enforced() {
    let server = TestServer::start_with(|config| {
        config.write_token = Some(Token::new("write-secret", "test").unwrap());
        config.read_token = Some(Token::new("read-secret", "test").unwrap());
        config.limits.max_body_bytes = 8 * 1024;
        config.limits.max_batch_events = 3;
        config.limits.max_subscribers = 1;
    })
    .await;
    let client = client();
    let url = server.url("/v1/events");
    let append = |token: Option<&'static str>, body: String| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let mut request = client.post(&url).body(body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("POST");
            let challenge = response.headers().get("www-authenticate").cloned();
            (response.status(), challenge)
        }
    };
    let (status, challenge) = append(None, event("a")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        challenge.as_ref().map(|v| v.to_str().unwrap()),
        Some("Bearer")
    );
    assert_eq!(
        append(Some("wrong"), event("a")).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        append(Some("read-secret"), event("a")).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        append(Some("write-secret"), event("a")).await.0,
        StatusCode::CREATED
    );

    let batch = |n: usize| {
        format!(
            "[{}]",
            (0..n)
                .map(|i| event(&format!("b{i}")))
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    assert_eq!(
        append(Some("write-secret"), batch(4)).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        append(Some("write-secret"), event(&"x".repeat(9000)))
            .await
            .0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        append(Some("write-secret"), batch(3)).await.0,
        StatusCode::CREATED
    );

    let read = |token: Option<&'static str>, path: &'static str| {
        let (client, url) = (client.clone(), server.url(path));
        async move {
            let mut request = client.get(&url);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send().await.expect("GET")
        }
    };
    assert_eq!(
        read(None, "/v1/status").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        read(Some("wrong"), "/metrics").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        read(Some("read-secret"), "/v1/status").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        read(Some("write-secret"), "/v1/events").await.status(),
        StatusCode::OK
    );
    assert_eq!(read(None, "/healthz").await.status(), StatusCode::OK);

    let first = read(Some("read-secret"), "/v1/events/stream").await;
    assert_eq!(first.status(), StatusCode::OK);
    let second = read(Some("read-secret"), "/v1/events/stream").await;
    assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
    drop(first);
    let mut freed = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if read(Some("read-secret"), "/v1/events/stream")
            .await
            .status()
            == StatusCode::OK
        {
            freed = true;
            break;
        }
    }
    assert!(freed, "a closed stream frees its place");
    let dir = server.stop().await;
    assert_eq!(logged_ids(&open_log(&dir.path().join("serve.db"))).len(), 4);
}

#[test]
fn without_a_write_token_only_loopback_is_served() {
    let mut config = ServerConfig::new(PathBuf::from("unused.db"));
    let open: SocketAddr = "0.0.0.0:7878".parse().unwrap();
    let message = server::check_exposure(open, &config)
        .expect_err("refused")
        .to_string();
    assert!(message.contains("write token"), "{message}");
    for loopback in ["127.0.0.1:7878", "[::1]:7878"] {
        assert!(server::check_exposure(loopback.parse().unwrap(), &config).is_ok());
    }
    config.write_token = Some(Token::new("t", "test").unwrap());
    assert!(server::check_exposure(open, &config).is_ok());

    let (code, _, stderr) = cli(
        Path::new("unused.db"),
        &["serve", "--addr", "0.0.0.0:0"],
        "",
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("write token"), "{stderr}");
}

/// `dyad serve --addr 127.0.0.1:0` as a child process, and the address it printed.
fn spawn_server(db: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dyad"))
        .env_remove("DYAD_DB")
        .env_remove("DYAD_TOKEN")
        .arg("--db")
        .arg(db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dyad serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the address");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();
    (child, format!("http://{addr}"))
}

/// Appends from several clients until `stop`; returns every acknowledged (id, position).
async fn append_until(
    base: &str,
    clients: usize,
    stop: impl Fn(usize) -> bool + Clone + Send + 'static,
) -> Vec<(String, u64)> {
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let (client, url, stop) = (client(), format!("{base}/v1/events"), stop.clone());
            tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                for i in 0.. {
                    if stop(i) {
                        break;
                    }
                    let body = event(&format!("client {c} event {i}"));
                    let Ok(response) = client.post(&url).body(body).send().await else {
                        break; // the server is gone
                    };
                    if response.status() != StatusCode::CREATED {
                        break;
                    }
                    let Ok(answer) = response.json_text().await else {
                        break;
                    };
                    let outcome = &answer["events"][0];
                    acknowledged.push((
                        outcome["id"].as_str().unwrap().to_string(),
                        outcome["position"].as_u64().unwrap(),
                    ));
                }
                acknowledged
            })
        })
        .collect();
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.extend(task.await.expect("client"));
    }
    acknowledged
}

trait JsonText {
    async fn json_text(self) -> Result<Value, String>;
}

impl JsonText for reqwest::Response {
    async fn json_text(self) -> Result<Value, String> {
        let text = self.text().await.map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }
}

fn assert_acknowledged_are_logged(db: &Path, acknowledged: &[(String, u64)]) {
    let tracker = open_log(db);
    let logged = logged_ids(&tracker);
    for (id, position) in acknowledged {
        assert_eq!(logged.get(id), Some(position), "acknowledged {id} is lost");
    }
    let unique: HashSet<&String> = acknowledged.iter().map(|(id, _)| id).collect();
    assert_eq!(unique.len(), acknowledged.len());
    assert_eq!(tracker.verify().expect("verify").first_break, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_after_acknowledgement_loses_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("killed.db");
    let (mut child, base) = spawn_server(&db);
    let acknowledged = append_until(&base, 8, |i| i >= 15).await;
    assert_eq!(acknowledged.len(), 8 * 15);
    child.kill().expect("kill -9"); // SIGKILL on Unix: no shutdown code runs
    child.wait().expect("reap");
    assert_acknowledged_are_logged(&db, &acknowledged);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_answers_in_flight_appends_and_stops() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("stopped.db");
    let (mut child, base) = spawn_server(&db);
    let pid = child.id().to_string();
    let clients = tokio::spawn({
        let base = base.clone();
        async move { append_until(&base, 8, |i| i >= 2_000).await }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill -TERM");
    assert!(sent.success());
    let acknowledged = clients.await.expect("clients");
    let status = child.wait().expect("wait for the server");
    assert!(status.success(), "{status:?}");
    assert!(!acknowledged.is_empty());
    assert_acknowledged_are_logged(&db, &acknowledged);
}
