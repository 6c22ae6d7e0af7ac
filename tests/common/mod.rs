//! Helpers shared by the integration tests: a fixed clock, temporary logs, event builders.
#![allow(dead_code)] // each test binary uses its own subset

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use dyad::app::Tracker;
use dyad::domain::clock::ManualClock;
use dyad::domain::event::{Event, EventInput};
use dyad::domain::framework::Framework;
use dyad::store::SqliteStore;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The instant every test starts at.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
        .single()
        .expect("valid instant")
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(start()))
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

/// A temporary directory holding a log file.
pub struct TempLog {
    pub dir: tempfile::TempDir,
}

impl TempLog {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("dyad.db")
    }

    pub fn open(&self, clock: Arc<ManualClock>) -> Tracker {
        Tracker::open(&self.path(), Framework::builtin(), clock).expect("open log")
    }

    pub fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.path()).expect("raw connection")
    }
}

pub fn in_memory(clock: Arc<ManualClock>) -> Tracker<SqliteStore> {
    let store = SqliteStore::open_in_memory(clock.clone()).expect("in-memory store");
    Tracker::new(store, Framework::builtin(), clock)
}

/// A valid event as JSON; tests change fields before validating it.
pub fn event_json(summary: &str) -> Value {
    json!({
        "dyad": "USA-RUS", "kind": "action", "occurred_on": "2017-04-24",
        "actor": "RUS", "target": "TALIBAN", "action": "arm_adversary",
        "issue": "afghanistan", "summary": summary,
        "source": {"outlet": "BuzzFeed News", "published_on": "2017-06-19"}
    })
}

pub fn validate<S: dyad::store::EventStore>(tracker: &Tracker<S>, value: Value) -> Event {
    let input: EventInput = serde_json::from_value(value).expect("input shape");
    tracker.validator().validate(input).expect("valid event")
}

pub fn shipped_log() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tillerson_2017.ndjson")
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The real `dyad` binary on a log in its own temporary directory, with the variables that
/// change its behaviour (`DYAD_DB`, `DYAD_USER`, `DYAD_TOKEN`, `NO_COLOR`) removed, and `USER`
/// fixed, so outputs do not depend on who runs the tests.
pub struct Cli {
    pub dir: tempfile::TempDir,
    /// The log, when it is not the sandbox's `x.db`.
    pub store: Option<PathBuf>,
}

impl Cli {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            store: None,
        }
    }

    /// The binary on the log `db` names (a SQLite file or a PostgreSQL schema), which the
    /// caller keeps until the test ends.
    pub fn on(db: &TestDb) -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            store: Some(db.location()),
        }
    }

    pub fn db(&self) -> PathBuf {
        match &self.store {
            Some(location) => location.clone(),
            None => self.dir.path().join("x.db"),
        }
    }

    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"));
        command
            .env_remove("DYAD_DB")
            .env_remove("DYAD_USER")
            .env_remove("DYAD_TOKEN")
            .env("USER", "tester")
            .arg("--db")
            .arg(self.db())
            .args(args);
        command
    }

    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Outcome {
        self.run_with(self.command(args), stdin)
    }

    pub fn run_with(&self, mut command: std::process::Command, stdin: Option<&str>) -> Outcome {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = command
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn dyad");
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            // dyad may refuse its arguments and exit before reading its input: a broken pipe
            // then is the child's answer, not the test's failure (its exit code is checked).
            if let Err(error) = pipe.write_all(input.as_bytes()) {
                assert_eq!(
                    error.kind(),
                    std::io::ErrorKind::BrokenPipe,
                    "write stdin: {error}"
                );
            }
        }
        let output = child.wait_with_output().expect("wait for dyad");
        Outcome {
            code: output.status.code().expect("dyad exited with a code"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs a command that must succeed; its stdout.
    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let outcome = self.run(args, stdin);
        assert_eq!(outcome.code, 0, "dyad {args:?} failed: {}", outcome.stderr);
        outcome.stdout
    }

    /// Runs a command that must be refused (exit 1); its stderr.
    pub fn refused(&self, args: &[&str], stdin: Option<&str>) -> String {
        let outcome = self.run(args, stdin);
        assert_eq!(outcome.code, 1, "dyad {args:?}: {outcome:?}");
        outcome.stderr
    }

    /// One JSON value per line of a command's stdout.
    pub fn json_lines(&self, args: &[&str]) -> Vec<Value> {
        self.ok(args, None)
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    /// Appends events as NDJSON; the `append --json` outcomes.
    pub fn append(&self, events: &[Value], extra: &[&str]) -> Vec<Value> {
        let ndjson: String = events.iter().map(|e| format!("{e}\n")).collect();
        let mut args = vec!["append", "-", "--json"];
        args.extend_from_slice(extra);
        self.ok(&args, Some(&ndjson))
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    pub fn append_shipped(&self) {
        let path = shipped_log();
        self.ok(&["append", path.to_str().expect("UTF-8 path")], None);
    }

    /// Writes a file in the sandbox; its path.
    pub fn write(&self, name: &str, contents: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write a file");
        path.to_str().expect("UTF-8 path").to_string()
    }
}

/// A log under test on one of the stores: a temporary SQLite file, or a schema of its own in the
/// PostgreSQL database `$DYAD_TEST_POSTGRES` names, dropped afterwards. The store test suite runs
/// each of its tests on both.
pub enum TestDb {
    Sqlite(TempLog),
    Postgres { url: String, schema: String },
}

/// The variable that names the PostgreSQL database tests may use.
pub const TEST_POSTGRES: &str = "DYAD_TEST_POSTGRES";

impl TestDb {
    pub fn sqlite() -> Self {
        TestDb::Sqlite(TempLog::new())
    }

    /// A fresh schema in the test database; `None`, with a note, when `$DYAD_TEST_POSTGRES` is
    /// unset.
    pub fn postgres() -> Option<Self> {
        let Ok(base) = std::env::var(TEST_POSTGRES) else {
            println!("skipped on PostgreSQL: {TEST_POSTGRES} is not set");
            return None;
        };
        let schema = format!("dyad_test_{}", uuid::Uuid::new_v4().simple());
        let mut client = postgres::Client::connect(&base, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot reach {TEST_POSTGRES}: {e}"));
        client
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .expect("create schema");
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-csearch_path%3D{schema}");
        Some(TestDb::Postgres { url, schema })
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }

    /// What `--db` is given for this log.
    pub fn location(&self) -> PathBuf {
        match self {
            TestDb::Sqlite(log) => log.path(),
            TestDb::Postgres { url, .. } => PathBuf::from(url),
        }
    }

    pub fn open(&self, clock: Arc<ManualClock>) -> Tracker {
        Tracker::open(&self.location(), Framework::builtin(), clock).expect("open log")
    }

    /// Runs SQL as another client would, behind dyad's back.
    pub fn sql(&self, sql: &str) -> Result<(), String> {
        match self {
            TestDb::Sqlite(log) => log.raw().execute_batch(sql).map_err(|e| e.to_string()),
            TestDb::Postgres { url, .. } => postgres::Client::connect(url, postgres::NoTls)
                .and_then(|mut client| client.batch_execute(sql))
                .map_err(|e| match e.as_db_error() {
                    Some(db) => db.message().to_string(),
                    None => e.to_string(),
                }),
        }
    }

    /// The first column of the first row of a query returning a count.
    pub fn count(&self, sql: &str) -> i64 {
        match self {
            TestDb::Sqlite(log) => log.raw().query_row(sql, [], |r| r.get(0)).expect(sql),
            TestDb::Postgres { url, .. } => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                client.query_one(sql, &[]).expect(sql).get(0)
            }
        }
    }

    /// On PostgreSQL, whether a writer holds the log's write lock (inside an append's
    /// transaction); `None` on SQLite.
    pub fn write_lock_held(&self) -> Option<bool> {
        let TestDb::Postgres { url, schema } = self else {
            return None;
        };
        let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
        let held: bool = client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = to_regclass($1) \
                 AND mode = 'ExclusiveLock' AND granted)",
                &[&format!("{schema}.events")],
            )
            .expect("pg_locks")
            .get(0);
        Some(held)
    }

    /// SQL that drops one of the log's triggers.
    pub fn drop_trigger(&self, name: &str) -> String {
        match self {
            TestDb::Sqlite(_) => format!("DROP TRIGGER {name};"),
            TestDb::Postgres { .. } => format!("DROP TRIGGER {name} ON events;"),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let (TestDb::Postgres { schema, .. }, Ok(base)) = (&*self, std::env::var(TEST_POSTGRES))
            && let Ok(mut client) = postgres::Client::connect(&base, postgres::NoTls)
        {
            let _ = client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
        }
    }
}

/// Runs each named test, a `fn(&TestDb)`, once on SQLite and once on PostgreSQL (skipped with a
/// note when `$DYAD_TEST_POSTGRES` is unset): one suite for every store. A test that drives the
/// binary wraps the log in [`Cli::on`].
#[macro_export]
macro_rules! on_every_store {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&super::TestDb::sqlite());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(db) = super::TestDb::postgres() {
                        super::$name(&db);
                    }
                }
            )*
        }
    };
}

/// A dyad server on 127.0.0.1:0 for one test, over a log in a temporary directory it keeps
/// alive; its tests stop it when they are done.
pub struct Served {
    pub dir: tempfile::TempDir,
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<Result<(), dyad::server::ServerError>>,
}

impl Served {
    pub async fn start(dir: tempfile::TempDir, config: dyad::server::ServerConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(dyad::server::run(listener, config, async move {
            let _ = stopped.await;
        }));
        Self {
            dir,
            base: format!("http://{addr}"),
            stop: Some(stop),
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Asks the server to stop and waits up to ten seconds for it: whether it stopped in time
    /// and cleanly.
    pub async fn halt(&mut self) -> Result<Result<(), dyad::server::ServerError>, String> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match tokio::time::timeout(std::time::Duration::from_secs(10), &mut self.handle).await {
            Ok(joined) => joined.map_err(|e| format!("server task: {e}")),
            Err(_) => Err("the server did not stop in time".into()),
        }
    }
}

/// A log at `db` holding the shipped decade, recorded by `seed`.
pub fn seeded_log(db: &Path) -> Tracker {
    let mut tracker = Tracker::open(
        db,
        Framework::builtin(),
        Arc::new(dyad::domain::clock::SystemClock),
    )
    .expect("log")
    .with_recorder(dyad::domain::recorder::Recorder::parse("seed").expect("name"));
    tracker
        .append_ndjson(
            std::fs::File::open(shipped_log()).expect("seed"),
            "seed",
            None,
        )
        .expect("seed appended");
    tracker
}
