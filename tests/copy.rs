//! `dyad copy` and `dyad backup` through the real binary: a copy keeps every position, version,
//! recorded time, recorder and hash (so `verify` prints the same head on both stores), copies
//! only what is new when run again, and refuses a target that diverged; a backup of a log in use
//! is a sound log with the same head.

mod common;

use common::*;
use dyad::store::{EventStore, LogStore, OpenMode, Scan, StoredEvent};
use std::ops::ControlFlow;
use std::path::Path;
use std::process::{Command, Output};

fn dyad(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(args)
        .env_remove("DYAD_DB")
        .env("DYAD_USER", "tester")
        .output()
        .expect("run dyad")
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 location")
}

/// The line `verify` prints for a sound log (it names the head hash).
fn verified(db: &Path) -> String {
    let output = dyad(&["--db", text(db), "verify"]);
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn rows(db: &Path) -> Vec<StoredEvent> {
    let store = LogStore::open_with(db, clock(), OpenMode::Read).expect("open");
    let mut rows = Vec::new();
    store
        .scan(&Scan::default(), &mut |row| {
            rows.push(row);
            ControlFlow::Continue(())
        })
        .expect("scan");
    rows
}

/// Appends `summaries`, one batch each, an hour apart after `hours` hours.
fn append(db: &TestDb, hours: i64, summaries: &[&str]) {
    let clock = clock();
    let mut tracker = db
        .open(clock.clone())
        .with_recorder(dyad::domain::recorder::Recorder::parse("desk-officer").expect("recorder"));
    for (n, summary) in summaries.iter().enumerate() {
        clock.set(start() + chrono::Duration::hours(hours + n as i64));
        tracker
            .append(vec![validate(&tracker, event_json(summary))], None)
            .expect("append");
    }
}

fn copy(from: &TestDb, to: &TestDb) -> String {
    let output = dyad(&[
        "copy",
        "--from",
        text(&from.location()),
        "--to",
        text(&to.location()),
    ]);
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// Copies source → middle → last, then more events the same way, and checks every row is equal.
fn copy_through(source: &TestDb, middle: &TestDb, last: &TestDb) {
    append(source, 0, &["one", "two", "three"]);
    assert!(copy(source, middle).starts_with("copied 3 events (0 were already there)"));
    assert!(copy(middle, last).starts_with("copied 3 events"));
    append(source, 10, &["four", "five"]);
    let again = copy(source, middle);
    assert!(
        again.starts_with("copied 2 events (3 were already there)"),
        "{again}"
    );
    copy(middle, last);
    assert!(copy(source, middle).starts_with("copied 0 events (5 were already there)"));
    let expected = rows(&source.location());
    assert_eq!(expected.len(), 5);
    assert_eq!(rows(&middle.location()), expected);
    assert_eq!(rows(&last.location()), expected);
    let head = verified(&source.location());
    assert!(head.contains(&expected[4].hash), "{head}");
    assert_eq!(verified(&middle.location()), head);
    assert_eq!(verified(&last.location()), head);
}

#[test]
fn copy_sqlite_to_sqlite_keeps_every_hash_and_copies_only_what_is_new() {
    copy_through(&TestDb::sqlite(), &TestDb::sqlite(), &TestDb::sqlite());
}

#[test]
fn copy_sqlite_to_postgres_and_back_keeps_every_hash() {
    let Some(postgres) = TestDb::postgres() else {
        return;
    };
    copy_through(&TestDb::sqlite(), &postgres, &TestDb::sqlite());
}

#[test]
fn copy_postgres_to_postgres_keeps_every_hash() {
    let (Some(source), Some(target)) = (TestDb::postgres(), TestDb::postgres()) else {
        return;
    };
    copy_through(&source, &TestDb::sqlite(), &target);
}

#[test]
fn copy_refuses_a_target_that_diverged() {
    let source = TestDb::sqlite();
    let target = TestDb::sqlite();
    append(&source, 0, &["one", "two"]);
    append(&target, 0, &["something else"]);
    let before = rows(&target.location());
    let output = dyad(&[
        "copy",
        "--from",
        text(&source.location()),
        "--to",
        text(&target.location()),
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("diverged"), "{stderr}");
    assert_eq!(rows(&target.location()), before, "the target is untouched");
}

#[test]
fn backup_copies_a_log_in_use() {
    let source = TestDb::sqlite();
    append(&source, 0, &["one", "two", "three"]);
    // A writer keeps the log open: what it wrote may still be in the write-ahead log.
    let writer = source.open(clock());
    let dir = tempfile::tempdir().expect("temp dir");
    let backup = dir.path().join("backup.db");
    let output = dyad(&["--db", text(&source.location()), "backup", text(&backup)]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(verified(&backup), verified(&source.location()));
    assert_eq!(rows(&backup), rows(&source.location()));
    let again = dyad(&["--db", text(&source.location()), "backup", text(&backup)]);
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
    drop(writer);
}

#[test]
fn a_password_never_reaches_the_output() {
    // Nothing listens on port 1: the connection fails, and the message names the URL.
    for args in [
        vec![
            "--db",
            "postgres://desk:topsecret@127.0.0.1:1/ministry",
            "status",
        ],
        vec![
            "copy",
            "--from",
            "postgres://desk:topsecret@127.0.0.1:1/ministry",
            "--to",
            "/nonexistent/dir/x.db",
        ],
    ] {
        let output = dyad(&args);
        assert_eq!(output.status.code(), Some(3), "{output:?}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!all.contains("topsecret"), "{all}");
        assert!(all.contains("desk:***@127.0.0.1:1"), "{all}");
    }
}

/// Everything `output` printed.
fn printed(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A server that answers a client's request for TLS with PostgreSQL's "no" (`N`), as a server
/// built or configured without TLS does; its address.
fn server_without_tls(clients: usize) -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(clients) {
            let Ok(mut stream) = stream else { continue };
            // The SSLRequest: a length of 8 and the code 80877103.
            let mut request = [0u8; 8];
            if stream.read_exact(&mut request).is_ok() {
                let _ = stream.write_all(b"N");
            }
        }
    });
    address
}

#[test]
fn tls_required_from_a_server_without_tls_is_refused_by_name() {
    let modes = ["require", "verify-ca", "verify-full"];
    let address = server_without_tls(modes.len());
    for mode in modes {
        let url = format!("postgres://desk:topsecret@{address}/ministry?sslmode={mode}");
        let output = dyad(&["--db", &url, "status"]);
        assert_eq!(output.status.code(), Some(3), "{mode}: {output:?}");
        let all = printed(&output);
        assert!(all.contains("server does not support TLS"), "{mode}: {all}");
        assert!(all.contains("desk:***@"), "{mode}: {all}");
        assert!(!all.contains("topsecret"), "{mode}: {all}");
        assert!(!all.contains("panicked"), "{mode}: {all}");
    }
}

/// The test database's URL for `db` with `sslmode` set, a password that must never show (the
/// test server trusts every local client, so ignores it) and an application name to find the
/// connection by.
fn with_sslmode(db: &TestDb, mode: &str, name: &str) -> String {
    let url = db.location().to_str().expect("a UTF-8 URL").to_string();
    let url = url.replacen("://postgres@", "://postgres:topsecret@", 1);
    format!("{url}&application_name={name}&sslmode={mode}")
}

/// Whether the test server's connection named `name` is encrypted.
fn encrypted(name: &str) -> bool {
    let base = std::env::var(TEST_POSTGRES).expect("set");
    let mut client = postgres::Client::connect(&base, postgres::NoTls).expect("connect");
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) \
             WHERE application_name = $1",
            &[&name],
        )
        .expect("the store's connection")
        .get(0)
}

#[test]
fn each_sslmode_on_the_test_server() {
    let Some(db) = TestDb::postgres() else { return };
    let base = std::env::var(TEST_POSTGRES).expect("set");
    let mut client = postgres::Client::connect(&base, postgres::NoTls).expect("connect");
    let offers_tls = client
        .query_one("SHOW ssl", &[])
        .expect("ssl")
        .get::<_, String>(0)
        == "on";
    let open = |mode: &str| {
        let name = format!("dyad_tls_{}", uuid::Uuid::new_v4().simple());
        let store = LogStore::open_with(
            Path::new(&with_sslmode(&db, mode, &name)),
            clock(),
            OpenMode::Create,
        );
        store.map(|store| (store, encrypted(&name)))
    };

    let (_store, tls) = open("disable").expect("disable connects");
    assert!(!tls, "disable: plain");
    let (_store, tls) = open("prefer").expect("prefer connects");
    assert_eq!(
        tls, offers_tls,
        "prefer: TLS exactly when the server offers it"
    );
    match open("require") {
        Ok((_store, tls)) => assert!(offers_tls && tls, "require: encrypted"),
        Err(e) => {
            assert!(!offers_tls, "require: {e}");
            assert!(e.to_string().contains("TLS"), "{e}");
        }
    }
    // The test server's certificate (if any) is its own, signed by no root dyad trusts.
    for mode in ["verify-ca", "verify-full"] {
        let Err(e) = open(mode) else {
            panic!("{mode}: a certificate no trusted root signed was taken")
        };
        let message = e.to_string();
        let named = if offers_tls {
            "invalid peer certificate"
        } else {
            "server does not support TLS"
        };
        assert!(message.contains(named), "{mode}: {message}");
        assert!(!message.contains("topsecret"), "{mode}: {message}");
    }
}
#[test]
fn an_unknown_sslmode_is_named_without_the_password() {
    let output = dyad(&[
        "--db",
        "postgres://desk:topsecret@127.0.0.1:1/ministry?sslmode=sometimes",
        "status",
    ]);
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let all = printed(&output);
    assert!(all.contains("invalid value for option `sslmode`"), "{all}");
    assert!(!all.contains("topsecret"), "{all}");
}
