//! `dyad serve`: the log as an HTTP service for a team (tokio and axum), with live subscriptions
//! and group commit.
//!
//! What this module owns: the HTTP API under `/v1` ([`routes`]), bearer-token auth ([`auth`]),
//! request limits, the single writer thread and its group commit ([`writer`]), the pool of read
//! connections ([`reads`]), the catch-up event stream ([`subscribe`]), `Idempotency-Key` answers
//! ([`idempotency`]), the Prometheus metrics ([`metrics`]) and the signed head at `/v1/head`.
//!
//! What it must not touch: SQL (it goes through [`crate::app::Tracker`]; all SQL stays in
//! [`crate::store`]), validation rules (the domain's, through [`crate::ingest`]), and the JSON
//! shapes (written by [`crate::report::json`], so the API answers what the CLI's `--json`
//! prints). rusqlite is blocking: it is never called on the runtime's threads, only on the writer
//! thread and in `spawn_blocking` tasks.
//!
//! [`run`] takes a bound listener and a shutdown future, so tests start a real server on
//! `127.0.0.1:0` and stop it when they like.

pub mod auth;
mod connections;
mod idempotency;
mod metrics;
pub(crate) mod reads;
pub(crate) mod routes;
pub(crate) mod subscribe;
pub(crate) mod writer;

pub use auth::{Token, TokenError};
pub use routes::{MAX_PAGE, MAX_REPLAY_STEPS};
pub use writer::MAX_GROUP_REQUESTS;

use crate::app::{AppError, Tracker};
use crate::domain::clock::{Clock, SystemClock};
use crate::domain::framework::Framework;
use crate::domain::recorder::Recorder;
use crate::witness::WitnessKey;
use idempotency::IdempotencyCache;
use metrics::Metrics;
use reads::ReadPool;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc, watch};
use writer::{Committed, Message, Writer};

/// The limits a client cannot go past.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body, in bytes (`413` beyond).
    pub max_body_bytes: usize,
    /// Most events in one append request (`413` beyond).
    pub max_batch_events: usize,
    /// Most open event streams (`503` beyond).
    pub max_subscribers: usize,
    /// Most `Idempotency-Key`s remembered (the oldest are forgotten first).
    pub idempotency_keys: usize,
    /// Most bytes of answers remembered for `Idempotency-Key`s (the oldest are forgotten first).
    pub idempotency_bytes: usize,
    /// Most append requests waiting for the writer (senders wait beyond).
    pub queue: usize,
    /// Most connections open at once (new ones wait to be accepted beyond).
    pub max_connections: usize,
    /// A connection on which the client sends nothing and the server writes nothing for this
    /// long is closed (a client stalling in its headers holds nothing for long).
    pub idle_timeout: std::time::Duration,
    /// Longest time a request body may take to arrive (`408` beyond).
    pub body_timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 16 * 1024 * 1024,
            max_batch_events: 10_000,
            max_subscribers: 256,
            idempotency_keys: 10_000,
            idempotency_bytes: 64 * 1024 * 1024,
            queue: 4096,
            max_connections: 1024,
            idle_timeout: std::time::Duration::from_secs(30),
            body_timeout: std::time::Duration::from_secs(60),
        }
    }
}

/// How to serve.
#[derive(Clone)]
pub struct ServerConfig {
    /// The log's SQLite file (created if missing).
    pub db: PathBuf,
    /// The framework reads are made under.
    pub framework: Framework,
    /// The clock (`recorded_at`, and "today" for validation and defaults).
    pub clock: Arc<dyn Clock>,
    /// Needed for appends; without one the server serves only on a loopback address.
    pub write_token: Option<Token>,
    /// Needed for reads when set (the write token is accepted too).
    pub read_token: Option<Token>,
    /// Append the requests queued together in one transaction (on by default); off, each request
    /// is its own transaction.
    pub group_commit: bool,
    /// Read connections in the pool.
    pub read_connections: usize,
    /// The limits.
    pub limits: Limits,
    /// Who appends are recorded by when the write token has no owner (or there is no token).
    pub recorder: Recorder,
    /// The key `/v1/head` signs the log's head with; without one it answers the head unsigned.
    pub head_key: Option<WitnessKey>,
    /// The people of the web desk and their roles (`serve --users FILE`); without them the
    /// pages are open to one analyst on a loopback address.
    pub users: Option<crate::web::Users>,
    /// How often the log is looked at, while anyone subscribes, for events other processes
    /// appended (on PostgreSQL a safety net behind LISTEN/NOTIFY, which announces them at once).
    pub watch_interval: std::time::Duration,
}

impl ServerConfig {
    /// The defaults for a log file: the built-in framework, the system clock, no tokens, group
    /// commit on, four read connections.
    pub fn new(db: PathBuf) -> Self {
        Self {
            db,
            framework: Framework::builtin(),
            clock: Arc::new(SystemClock),
            write_token: None,
            read_token: None,
            group_commit: true,
            read_connections: 4,
            limits: Limits::default(),
            recorder: Recorder::unknown(),
            head_key: None,
            users: None,
            watch_interval: WATCH_INTERVAL,
        }
    }
}

/// Why the server could not start or stopped badly.
#[derive(Debug, Error)]
pub enum ServerError {
    /// Serving beyond loopback needs a write token.
    #[error(
        "refusing to serve on {addr} without a write token: anyone who can reach it could append. \
         Give one with --token-file PATH or DYAD_TOKEN, or bind to a loopback address (127.0.0.1)"
    )]
    Exposed {
        /// The address.
        addr: SocketAddr,
    },
    /// The log could not be opened.
    #[error(transparent)]
    App(#[from] AppError),
    /// A token could not be read.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The network failed.
    #[error("the server's socket failed: {0}")]
    Io(#[from] std::io::Error),
    /// A blocking task or the writer thread died.
    #[error("{0}")]
    Task(String),
}

/// Refuses a non-loopback address when no write token is configured.
pub fn check_exposure(addr: SocketAddr, config: &ServerConfig) -> Result<(), ServerError> {
    if config.write_token.is_none() && !addr.ip().is_loopback() {
        return Err(ServerError::Exposed { addr });
    }
    Ok(())
}

/// What the handlers share.
pub(crate) struct Shared {
    pub(crate) framework: Framework,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) write_token: Option<Token>,
    pub(crate) read_token: Option<Token>,
    pub(crate) limits: Limits,
    pub(crate) writer: mpsc::Sender<Message>,
    pub(crate) published: broadcast::Sender<Arc<[Committed]>>,
    pub(crate) reads: Arc<ReadPool>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) idempotency: IdempotencyCache,
    pub(crate) head_key: Option<WitnessKey>,
    /// Turns true when the server starts to stop: event streams end.
    pub(crate) stopping: watch::Receiver<bool>,
    /// The log's last position as last seen in the file, which other processes may append to:
    /// event streams catch up when it passes what they sent.
    pub(crate) head: watch::Receiver<u64>,
    /// The web desk's people, sessions and templates.
    pub(crate) desk: crate::web::Desk,
}

/// How often, by default, the log is looked at for events appended by other processes (while
/// anyone subscribes): well within the second a subscriber may wait for them. The PostgreSQL
/// listener wakes as often to see whether the server is stopping.
const WATCH_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);

/// Publishes the log's last position while there are subscribers: the writer publishes its own
/// appends at once, this finds those of other processes on the same file. One indexed lookup
/// (the largest position) per interval, on the read pool.
async fn watch_head(
    reads: Arc<ReadPool>,
    metrics: Arc<Metrics>,
    head: Arc<watch::Sender<u64>>,
    mut stopping: watch::Receiver<bool>,
    every: std::time::Duration,
) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        if metrics
            .subscribers
            .load(std::sync::atomic::Ordering::Relaxed)
            == 0
        {
            continue;
        }
        // A failed look is tried again at the next tick; the streams stay as they are.
        if let Ok((position, _)) = reads.run(|tracker| tracker.head()).await {
            head.send_if_modified(|seen| {
                let moved = *seen != position;
                *seen = position;
                moved
            });
        }
    }
}

/// On PostgreSQL, publishes the heads that every append announces (LISTEN/NOTIFY), so that
/// events other servers and processes append reach this server's streams at once; the polling
/// of `watch_head` stays as the safety net (a notification lost with a dropped connection).
fn listen_for_heads(
    url: &str,
    head: Arc<watch::Sender<u64>>,
    stopping: watch::Receiver<bool>,
) -> Result<(), ServerError> {
    let url = url.to_string();
    std::thread::Builder::new()
        .name("dyad-listener".into())
        .spawn(move || {
            // Connected here, off the runtime (the client blocks); without it, the polling
            // goes on alone.
            let Ok(mut listener) = crate::store::postgres::HeadListener::connect(&url) else {
                return;
            };
            while !*stopping.borrow() {
                match listener.wait(WATCH_INTERVAL) {
                    Ok(Some(position)) => {
                        head.send_if_modified(|seen| {
                            let moved = *seen < position;
                            *seen = (*seen).max(position);
                            moved
                        });
                    }
                    Ok(None) => {}
                    // The connection is gone: the polling goes on alone.
                    Err(_) => return,
                }
            }
        })?;
    Ok(())
}

/// The state every handler (API and pages) shares.
pub(crate) type AppState = Arc<Shared>;

/// Serves on `listener` until `shutdown` completes, then stops gracefully: it stops accepting,
/// ends the event streams, lets in-flight requests finish (the writer answers every append it was
/// given, after its commit), and closes the log.
pub async fn run(
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    check_exposure(listener.local_addr()?, &config)?;
    let ServerConfig {
        db,
        framework,
        clock,
        write_token,
        read_token,
        group_commit,
        read_connections,
        limits,
        recorder,
        head_key,
        users,
        watch_interval,
    } = config;
    // Appends are the write token's owner's: only its holder can make them.
    let recorder = match write_token.as_ref().and_then(Token::owner) {
        Some(owner) => Recorder::parse(owner).map_err(AppError::Argument)?,
        None => recorder,
    };

    let desk = crate::web::Desk::new(users, recorder.clone()).map_err(ServerError::Task)?;
    let opened = {
        let (db, framework, clock) = (db.clone(), framework.clone(), clock.clone());
        tokio::task::spawn_blocking(move || {
            let tracker =
                Tracker::open(&db, framework.clone(), clock.clone())?.with_recorder(recorder);
            let reads = ReadPool::open(db, framework, clock, read_connections)?;
            Ok::<_, AppError>((tracker, reads))
        })
        .await
        .map_err(|e| ServerError::Task(format!("opening the log failed: {e}")))??
    };
    let (tracker, reads) = opened;

    let metrics = Arc::new(Metrics::default());
    let (published, _) = broadcast::channel(1024);
    let (sender, queue) = mpsc::channel(limits.queue.max(1));
    let writer = Writer::new(
        tracker,
        queue,
        group_commit,
        published.clone(),
        metrics.clone(),
    );
    let writer_thread = std::thread::Builder::new()
        .name("dyad-writer".into())
        .spawn(move || writer.run())?;

    let (stop, stopping) = watch::channel(false);
    let reads = Arc::new(reads);
    let (head_sender, head) = watch::channel(0);
    let head_sender = Arc::new(head_sender);
    if let Some(url) = db
        .to_str()
        .filter(|db| crate::store::postgres::is_postgres_url(db))
    {
        listen_for_heads(url, head_sender.clone(), stopping.clone())?;
    }
    tokio::spawn(watch_head(
        reads.clone(),
        metrics.clone(),
        head_sender,
        stopping.clone(),
        watch_interval,
    ));
    let state: AppState = Arc::new(Shared {
        framework,
        clock,
        write_token,
        read_token,
        idempotency: IdempotencyCache::new(limits.idempotency_keys, limits.idempotency_bytes),
        head_key,
        limits,
        writer: sender.clone(),
        published,
        reads,
        metrics,
        stopping,
        head,
        desk,
    });
    let app = routes::router(state.clone());
    let listener = connections::GuardedListener::new(
        listener,
        state.limits.max_connections,
        state.limits.idle_timeout,
    );
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Event streams never end by themselves: tell them to.
            let _ = stop.send(true);
        })
        .await;
    drop(state);

    // Every request has been answered; anything still queued (an append whose client went away)
    // is committed before the writer stops.
    let _ = sender.send(Message::Stop).await;
    drop(sender);
    let joined = tokio::task::spawn_blocking(move || writer_thread.join())
        .await
        .map_err(|e| ServerError::Task(e.to_string()))?;
    if joined.is_err() {
        return Err(ServerError::Task("the writer thread panicked".into()));
    }
    served?;
    Ok(())
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
