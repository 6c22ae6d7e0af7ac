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
