//! The log's guarantees, through the library on temporary SQLite files: append-only under raw
//! SQL, the hash chain, optimistic concurrency, idempotency, atomic batches, transaction time.

mod common;

use common::*;
use dyad::app::{AppError, LogFilter};
use dyad::store::{Appended, StoreError};
use std::ops::ControlFlow;

fn positions(tracker: &dyad::app::Tracker) -> Vec<u64> {
    let mut positions = Vec::new();
    tracker
        .log(&LogFilter::default(), |e, _| {
            positions.push(e.position);
            ControlFlow::Continue(())
        })
        .expect("log");
    positions
}

fn three_events(log: &TempLog) -> dyad::app::Tracker {
    let mut tracker = log.open(clock());
    let events = ["one", "two", "three"]
        .map(|s| validate(&tracker, event_json(s)))
        .to_vec();
    tracker.append(events, None).expect("append");
    tracker
}

#[test]
fn update_and_delete_fail_from_any_sqlite_client() {
    let log = TempLog::new();
    three_events(&log);
    let raw = log.raw();
    let update = raw.execute("UPDATE events SET payload = '{}' WHERE position = 2", []);
    let message = update.expect_err("UPDATE must fail").to_string();
    assert!(message.contains("append-only"), "{message}");
    let delete = raw.execute("DELETE FROM events WHERE position = 3", []);
    assert!(
        delete
            .expect_err("DELETE must fail")
            .to_string()
            .contains("append-only")
    );
    let count: i64 = raw
        .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
        .expect("count");
    assert_eq!(count, 3);
}

#[test]
fn verify_finds_a_row_inserted_by_hand() {
    let log = TempLog::new();
    let tracker = three_events(&log);
    log.raw()
        .execute(
            "INSERT INTO events (position, stream, version, id, kind, schema_version, occurred_on,
                                 recorded_at, payload, prev_hash, hash)
             SELECT 4, stream, 4, 'forged', kind, schema_version, occurred_on, recorded_at,
                    payload, hash, hash FROM events WHERE position = 3",
            [],
        )
        .expect("raw insert");
    let problem = tracker
        .verify()
        .expect("verify")
        .first_break
        .expect("forgery found");
    assert_eq!(problem.position, 4);
}

#[test]
fn verify_finds_the_first_row_edited_behind_dyads_back() {
    let log = TempLog::new();
    let tracker = three_events(&log);
    assert_eq!(tracker.verify().expect("verify").first_break, None);
    let raw = log.raw();
    raw.execute_batch("DROP TRIGGER events_are_never_updated;")
        .expect("drop trigger");
    raw.execute(
        "UPDATE events SET occurred_on = '2017-04-25' WHERE position = 2",
        [],
    )
    .expect("tamper");
    let report = tracker.verify().expect("verify");
    let problem = report.first_break.expect("tampering detected");
    assert_eq!(problem.position, 2);
    assert!(problem.problem.contains("hash"), "{}", problem.problem);
    assert_eq!(report.events, 1, "only position 1 is sound");
}

#[test]
fn verify_finds_a_deleted_row() {
    let log = TempLog::new();
    let tracker = three_events(&log);
    let raw = log.raw();
    raw.execute_batch(
        "DROP TRIGGER events_are_never_deleted; DELETE FROM events WHERE position = 2;",
    )
    .expect("tamper");
    let problem = tracker
        .verify()
        .expect("verify")
        .first_break
        .expect("gap found");
    assert_eq!(problem.position, 2);
}

#[test]
fn a_rehashed_edit_still_breaks_the_link_to_the_next_event() {
    let log = TempLog::new();
    let tracker = three_events(&log);
    // An attacker who edits a row and recomputes its hash is caught at the following row.
    let mut rows = Vec::new();
    tracker_rows(&log, &mut rows);
    let mut edited = rows[1].clone();
    edited.payload = edited.payload.replace("two", "TWO");
    let forged_hash = dyad::store::chain::event_hash(&edited.prev_hash, &edited.hashed());
    let raw = log.raw();
    raw.execute_batch("DROP TRIGGER events_are_never_updated;")
        .expect("drop trigger");
    raw.execute(
        "UPDATE events SET payload = ?1, hash = ?2 WHERE position = 2",
        (&edited.payload, &forged_hash),
    )
    .expect("tamper");
    let problem = tracker
        .verify()
        .expect("verify")
        .first_break
        .expect("detected");
    assert_eq!(problem.position, 3);
    assert!(problem.problem.contains("previous"), "{}", problem.problem);
}

fn tracker_rows(log: &TempLog, rows: &mut Vec<dyad::store::StoredEvent>) {
    use dyad::store::{EventStore, Scan, SqliteStore};
    let store = SqliteStore::open(&log.path(), clock()).expect("open");
    store
        .scan(&Scan::default(), &mut |row| {
            rows.push(row);
            ControlFlow::Continue(())
        })
        .expect("scan");
}

#[test]
fn an_expect_version_conflict_writes_nothing() {
    let log = TempLog::new();
    let mut tracker = three_events(&log);
    let event = validate(&tracker, event_json("four"));
    let err = tracker
        .append(vec![event.clone()], Some(2))
        .expect_err("stale version");
    assert!(matches!(
        err,
        AppError::Store(StoreError::VersionConflict {
            expected: 2,
            actual: 3,
            ..
        })
    ));
    assert_eq!(positions(&tracker), [1, 2, 3]);
    let summary = tracker
        .append(vec![event], Some(3))
        .expect("current version");
    assert_eq!(
        summary.receipt.outcomes,
        [Appended::Recorded {
            position: 4,
            version: 4
        }]
    );
}

#[test]
fn re_appending_is_a_no_op_even_with_a_stale_expected_version() {
    let log = TempLog::new();
    let mut tracker = log.open(clock());
    let events = vec![
        validate(&tracker, event_json("one")),
        validate(&tracker, event_json("two")),
    ];
    tracker.append(events.clone(), Some(0)).expect("first");
    let again = tracker.append(events, Some(0)).expect("retry is a no-op");
    assert_eq!(
        again.receipt.outcomes,
        [
            Appended::AlreadyRecorded {
                position: 1,
                version: 1
            },
            Appended::AlreadyRecorded {
                position: 2,
                version: 2
            }
        ]
    );
    assert_eq!(again.receipt.recorded_at, None);
    assert_eq!(positions(&tracker), [1, 2]);
}

#[test]
fn the_same_id_with_other_content_refuses_the_whole_batch() {
    let log = TempLog::new();
    let mut tracker = three_events(&log);
    let existing_id = {
        let mut id = None;
        tracker
            .log(&LogFilter::default(), |e, _| {
                id = Some(e.event.id);
                ControlFlow::Break(())
            })
            .expect("log");
        id.expect("an event")
    };
    let fresh = validate(&tracker, event_json("a new one"));
    let mut clash = event_json("one, edited");
    clash["id"] = serde_json::json!(existing_id.to_string());
    let clash = validate(&tracker, clash);
    let err = tracker
        .append(vec![fresh, clash], None)
        .expect_err("id clash");
    assert!(matches!(
        err,
        AppError::Store(StoreError::IdConflict { position: 1, .. })
    ));
    assert_eq!(
        positions(&tracker),
        [1, 2, 3],
        "the valid event was not written either"
    );
}

#[test]
fn a_batch_repeating_an_event_records_it_once() {
    let mut tracker = in_memory(clock());
    let event = validate(&tracker, event_json("one"));
    let summary = tracker
        .append(vec![event.clone(), event], None)
        .expect("append");
    assert_eq!(
        summary.receipt.outcomes,
        [
            Appended::Recorded {
                position: 1,
                version: 1
            },
            Appended::AlreadyRecorded {
                position: 1,
                version: 1
            }
        ]
    );
}

#[test]
fn recorded_at_comes_from_the_clock_and_never_goes_back() {
    let clock = clock();
    let mut tracker = in_memory(clock.clone());
    let first = tracker
        .append(vec![validate(&tracker, event_json("one"))], None)
        .expect("append");
    assert_eq!(first.receipt.recorded_at, Some(start()));
    clock.set(start() - chrono::Duration::hours(5));
    let second = tracker
        .append(vec![validate(&tracker, event_json("two"))], None)
        .expect("append");
    assert_eq!(
        second.receipt.recorded_at,
        Some(start() + chrono::Duration::microseconds(1)),
        "a clock set back neither reorders transaction time nor merges two batches' times"
    );
    clock.set(start() + chrono::Duration::minutes(1));
    let third = tracker
        .append(vec![validate(&tracker, event_json("three"))], None)
        .expect("append");
    assert_eq!(
        third.receipt.recorded_at,
        Some(start() + chrono::Duration::minutes(1))
    );
    assert_eq!(tracker.verify().expect("verify").first_break, None);
}

#[test]
fn streams_keep_their_own_gapless_versions() {
    let mut tracker = in_memory(clock());
    let mut china = event_json("US-China talks");
    china["dyad"] = "USA-CHN".into();
    china["target"] = "CHN".into();
    china["action"] = "consult".into();
    china["issue"] = serde_json::Value::Null;
    let events = vec![
        validate(&tracker, event_json("one")),
        validate(&tracker, china),
        validate(&tracker, event_json("two")),
    ];
    let summary = tracker.append(events, None).expect("append");
    assert_eq!(
        summary.receipt.outcomes,
        [
            Appended::Recorded {
                position: 1,
                version: 1
            },
            Appended::Recorded {
                position: 2,
                version: 1
            },
            Appended::Recorded {
                position: 3,
                version: 2
            }
        ]
    );
    assert_eq!(tracker.stream_version("USA-RUS").expect("version"), 2);
    assert_eq!(tracker.stream_version("USA-CHN").expect("version"), 1);
}

#[test]
fn reopening_keeps_the_log_and_applies_no_migration_twice() {
    let log = TempLog::new();
    three_events(&log);
    let tracker = log.open(clock());
    assert_eq!(positions(&tracker), [1, 2, 3]);
    let applied: i64 = log
        .raw()
        .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
        .expect("count");
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations directory")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count();
    assert_eq!(
        applied as usize, files,
        "each migration applied exactly once"
    );
}

#[test]
fn a_log_from_a_newer_dyad_is_refused_untouched() {
    let log = TempLog::new();
    three_events(&log);
    log.raw()
        .execute(
            "INSERT INTO schema_migrations VALUES (999, '0999_future.sql', 'x', '2030-01-01')",
            [],
        )
        .expect("simulate newer schema");
    let err = dyad::app::Tracker::open(
        &log.path(),
        dyad::domain::framework::Framework::builtin(),
        clock(),
    )
    .err()
    .expect("refused");
    assert!(err.to_string().contains("newer dyad"), "{err}");
}

#[test]
fn an_edited_landed_migration_is_detected() {
    let log = TempLog::new();
    three_events(&log);
    log.raw()
        .execute(
            "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1",
            [],
        )
        .expect("simulate an edited migration file");
    let err = dyad::app::Tracker::open(
        &log.path(),
        dyad::domain::framework::Framework::builtin(),
        clock(),
    )
    .err()
    .expect("refused");
    assert!(err.to_string().contains("edited"), "{err}");
}

#[test]
fn a_group_commit_judges_each_batch_on_its_own() {
    let log = TempLog::new();
    let mut tracker = three_events(&log);
    let ev = |tracker: &dyad::app::Tracker, s: &str| validate(tracker, event_json(s));
    let mut clash = event_json("the same id, other content");
    clash["id"] = serde_json::json!(ev(&tracker, "one").id.to_string());
    let batches = vec![
        // Lands: the stream is at 3.
        (vec![ev(&tracker, "four"), ev(&tracker, "five")], Some(3)),
        // Refused: the batch before moved the stream to 5.
        (vec![ev(&tracker, "stale")], Some(3)),
        // Refused as a whole: one id is recorded with other content.
        (vec![ev(&tracker, "six"), validate(&tracker, clash)], None),
        // A retry of the first batch: already recorded, whatever its expected version.
        (vec![ev(&tracker, "four"), ev(&tracker, "five")], Some(3)),
        // Lands after the first, at the next version.
        (vec![ev(&tracker, "seven")], Some(5)),
    ];
    let results = tracker.append_group(batches).expect("group commit");
    let outcomes: Vec<Result<Vec<Appended>, String>> = results
        .into_iter()
        .map(|r| r.map(|s| s.receipt.outcomes).map_err(|e| e.to_string()))
        .collect();
    let recorded = |position, version| Appended::Recorded { position, version };
    let already = |position, version| Appended::AlreadyRecorded { position, version };
    assert_eq!(outcomes[0], Ok(vec![recorded(4, 4), recorded(5, 5)]));
    assert!(
        matches!(&outcomes[1], Err(m) if m.contains("version 5")),
        "{outcomes:?}"
    );
    assert!(
        matches!(&outcomes[2], Err(m) if m.contains("different content")),
        "{outcomes:?}"
    );
    assert_eq!(outcomes[3], Ok(vec![already(4, 4), already(5, 5)]));
    assert_eq!(outcomes[4], Ok(vec![recorded(6, 6)]));
    assert_eq!(positions(&tracker), (1..=6).collect::<Vec<_>>());
    assert_eq!(tracker.verify().expect("verify").first_break, None);
}

#[test]
fn a_group_of_refused_batches_writes_nothing() {
    let log = TempLog::new();
    let mut tracker = three_events(&log);
    let stale = vec![validate(&tracker, event_json("stale"))];
    let results = tracker
        .append_group(vec![(stale.clone(), Some(0)), (stale, Some(1))])
        .expect("group commit");
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(AppError::Store(StoreError::VersionConflict { .. }))))
    );
    assert_eq!(positions(&tracker), [1, 2, 3]);
}

#[test]
fn verify_reports_a_row_whose_column_has_the_wrong_type() {
    let log = TempLog::new();
    let tracker = three_events(&log);
    log.raw()
        .execute_batch(
            "DROP TRIGGER events_are_never_updated;
             UPDATE events SET version = 'two' WHERE position = 2;",
        )
        .expect("tamper");
    let report = tracker.verify().expect("verify reports, it does not fail");
    let problem = report.first_break.expect("found");
    assert_eq!(problem.position, 2);
    assert!(
        problem.problem.contains("wrong type"),
        "{}",
        problem.problem
    );
}
