//! The log's guarantees, through the library, on every store (each test runs on a temporary
//! SQLite file and on a schema of its own in `$DYAD_TEST_POSTGRES`): append-only under raw SQL,
//! the hash chain, optimistic concurrency, idempotency, atomic batches, transaction time,
//! migrations, group commits, writers in parallel, writers killed mid-batch, and the same chain
//! on both stores.

mod common;

use common::*;
use dyad::app::{AppError, LogFilter};
use dyad::store::{Appended, StoreError};
use std::ops::ControlFlow;

on_every_store!(
    update_and_delete_fail_from_any_client,
    verify_finds_a_row_inserted_by_hand,
    verify_finds_the_first_row_edited_behind_dyads_back,
    verify_finds_a_deleted_row,
    a_rehashed_edit_still_breaks_the_link_to_the_next_event,
    an_expect_version_conflict_writes_nothing,
    re_appending_is_a_no_op_even_with_a_stale_expected_version,
    the_same_id_with_other_content_refuses_the_whole_batch,
    a_batch_repeating_an_event_records_it_once,
    recorded_at_comes_from_the_clock_and_never_goes_back,
    streams_keep_their_own_gapless_versions,
    reopening_keeps_the_log_and_applies_no_migration_twice,
    a_log_from_a_newer_dyad_is_refused_untouched,
    an_edited_landed_migration_is_detected,
    a_group_commit_judges_each_batch_on_its_own,
    a_group_of_refused_batches_writes_nothing,
    a_missing_guard_stops_appends_until_repaired,
    writers_in_parallel_keep_positions_gapless,
    eight_processes_appending_at_once_keep_the_log_gapless,
    known_at_and_checkpoints_answer_the_same,
    an_append_in_chunks_is_one_batch_in_one_transaction,
    a_writer_killed_mid_batch_loses_nothing_acknowledged,
);

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

fn three_events(db: &TestDb) -> dyad::app::Tracker {
    let mut tracker = db.open(clock());
    let events = ["one", "two", "three"]
        .map(|s| validate(&tracker, event_json(s)))
        .to_vec();
    tracker.append(events, None).expect("append");
    tracker
}

fn update_and_delete_fail_from_any_client(db: &TestDb) {
    three_events(db);
    for refused in [
        "UPDATE events SET payload = '{}' WHERE position = 2",
        "DELETE FROM events WHERE position = 3",
        // A row beyond the next position.
        "INSERT INTO events (position, stream, version, id, kind, schema_version, occurred_on,
                             recorded_at, payload, prev_hash, hash)
         SELECT 5, stream, 4, 'gap', kind, schema_version, occurred_on, recorded_at, payload,
                prev_hash, hash FROM events WHERE position = 3",
    ] {
        let message = db.sql(refused).expect_err(refused);
        assert!(message.contains("append-only"), "{refused}: {message}");
    }
    // A copy of a row: refused by the guards on SQLite; on PostgreSQL by the unique keys, which
    // are checked before the guard that runs once per statement.
    let message = db
        .sql("INSERT INTO events SELECT * FROM events WHERE position = 3")
        .expect_err("a copied row must fail");
    assert!(
        message.contains("append-only") || (db.is_postgres() && message.contains("duplicate key")),
        "{message}"
    );
    if db.is_postgres() {
        let message = db.sql("TRUNCATE events").expect_err("TRUNCATE must fail");
        assert!(message.contains("append-only"), "{message}");
    }
    assert_eq!(db.count("SELECT COUNT(*) FROM events"), 3);
}

fn verify_finds_a_row_inserted_by_hand(db: &TestDb) {
    let tracker = three_events(db);
    // The next position and version: the guards let it in, the chain catches it.
    db.sql(
        "INSERT INTO events (position, stream, version, id, kind, schema_version, occurred_on,
                             recorded_at, payload, prev_hash, hash)
         SELECT 4, stream, 4, 'forged', kind, schema_version, occurred_on, recorded_at,
                payload, hash, hash FROM events WHERE position = 3",
    )
    .expect("raw insert");
    let problem = tracker
        .verify()
        .expect("verify")
        .first_break
        .expect("forgery found");
    assert_eq!(problem.position, 4);
}

fn verify_finds_the_first_row_edited_behind_dyads_back(db: &TestDb) {
    let tracker = three_events(db);
    assert_eq!(tracker.verify().expect("verify").first_break, None);
    db.sql(&format!(
        "{} UPDATE events SET occurred_on = '2017-04-25' WHERE position = 2",
        db.drop_trigger("events_are_never_updated")
    ))
    .expect("tamper");
    let report = tracker.verify().expect("verify");
    let problem = report.first_break.expect("tampering detected");
    assert_eq!(problem.position, 2);
    assert!(problem.problem.contains("hash"), "{}", problem.problem);
    assert_eq!(report.events, 1, "only position 1 is sound");
}

fn verify_finds_a_deleted_row(db: &TestDb) {
    let tracker = three_events(db);
    db.sql(&format!(
        "{} DELETE FROM events WHERE position = 2;",
        db.drop_trigger("events_are_never_deleted")
    ))
    .expect("tamper");
    let problem = tracker
        .verify()
        .expect("verify")
        .first_break
        .expect("gap found");
    assert_eq!(problem.position, 2);
}

fn a_rehashed_edit_still_breaks_the_link_to_the_next_event(db: &TestDb) {
    let tracker = three_events(db);
    // An attacker who edits a row and recomputes its hash is caught at the following row.
    let rows = tracker_rows(db);
    let mut edited = rows[1].clone();
    edited.payload = edited.payload.replace("two", "TWO");
    let forged_hash = dyad::store::chain::event_hash(&edited.prev_hash, &edited.hashed());
    db.sql(&format!(
        "{} UPDATE events SET payload = '{}', hash = '{forged_hash}' WHERE position = 2",
        db.drop_trigger("events_are_never_updated"),
        edited.payload.replace('\'', "''")
    ))
    .expect("tamper");
    let problem = tracker
        .verify()
        .expect("verify")
        .first_break
        .expect("detected");
    assert_eq!(problem.position, 3);
    assert!(problem.problem.contains("previous"), "{}", problem.problem);
}

fn tracker_rows(db: &TestDb) -> Vec<dyad::store::StoredEvent> {
    use dyad::store::{EventStore, LogStore, OpenMode, Scan};
    let store = LogStore::open_with(&db.location(), clock(), OpenMode::Read).expect("open");
    let mut rows = Vec::new();
    store
        .scan(&Scan::default(), &mut |row| {
            rows.push(row);
            ControlFlow::Continue(())
        })
        .expect("scan");
    rows
}

fn an_expect_version_conflict_writes_nothing(db: &TestDb) {
    let mut tracker = three_events(db);
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

fn re_appending_is_a_no_op_even_with_a_stale_expected_version(db: &TestDb) {
    let mut tracker = db.open(clock());
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

fn the_same_id_with_other_content_refuses_the_whole_batch(db: &TestDb) {
    let mut tracker = three_events(db);
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

fn a_batch_repeating_an_event_records_it_once(db: &TestDb) {
    let mut tracker = db.open(clock());
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

fn recorded_at_comes_from_the_clock_and_never_goes_back(db: &TestDb) {
    let clock = clock();
    let mut tracker = db.open(clock.clone());
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

fn streams_keep_their_own_gapless_versions(db: &TestDb) {
    let mut tracker = db.open(clock());
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

fn reopening_keeps_the_log_and_applies_no_migration_twice(db: &TestDb) {
    three_events(db);
    let tracker = db.open(clock());
    assert_eq!(positions(&tracker), [1, 2, 3]);
    let applied = db.count("SELECT COUNT(*) FROM schema_migrations");
    let folder = if db.is_postgres() {
        "migrations/postgres"
    } else {
        "migrations"
    };
    let files = std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder))
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

fn a_log_from_a_newer_dyad_is_refused_untouched(db: &TestDb) {
    three_events(db);
    db.sql("INSERT INTO schema_migrations VALUES (999, '0999_future.sql', 'x', '2030-01-01')")
        .expect("simulate newer schema");
    let err = dyad::app::Tracker::open(
        &db.location(),
        dyad::domain::framework::Framework::builtin(),
        clock(),
    )
    .err()
    .expect("refused");
    assert!(err.to_string().contains("newer dyad"), "{err}");
}

fn an_edited_landed_migration_is_detected(db: &TestDb) {
    three_events(db);
    db.sql("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        .expect("simulate an edited migration file");
    let err = dyad::app::Tracker::open(
        &db.location(),
        dyad::domain::framework::Framework::builtin(),
        clock(),
    )
    .err()
    .expect("refused");
    assert!(err.to_string().contains("edited"), "{err}");
}

fn a_group_commit_judges_each_batch_on_its_own(db: &TestDb) {
    let mut tracker = three_events(db);
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

fn a_group_of_refused_batches_writes_nothing(db: &TestDb) {
    let mut tracker = three_events(db);
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

/// SQLite only: PostgreSQL's typed columns refuse such a value.
#[test]
fn verify_reports_a_row_whose_column_has_the_wrong_type() {
    let db = &TestDb::sqlite();
    let tracker = three_events(db);
    db.sql(
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

fn a_missing_guard_stops_appends_until_repaired(db: &TestDb) {
    let mut tracker = three_events(db);
    db.sql(&db.drop_trigger("events_are_never_deleted"))
        .expect("drop a guard");
    let refused = tracker
        .append(vec![validate(&tracker, event_json("four"))], None)
        .expect_err("an unguarded log does not grow");
    assert!(
        matches!(refused, AppError::Store(StoreError::Unguarded(_))),
        "{refused}"
    );
    assert!(!tracker.verify().expect("verify").is_sound());
    let repaired = tracker.repair_guards().expect("repair");
    assert!(!repaired.is_empty());
    assert!(tracker.verify().expect("verify").is_sound());
    tracker
        .append(vec![validate(&tracker, event_json("four"))], None)
        .expect("guarded again");
    assert_eq!(positions(&tracker), [1, 2, 3, 4]);
}

fn writers_in_parallel_keep_positions_gapless(db: &TestDb) {
    // Each writer its own connection (as another process would be), all at once.
    drop(db.open(clock()));
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let location = db.location();
            std::thread::spawn(move || {
                let mut tracker = dyad::app::Tracker::open(
                    &location,
                    dyad::domain::framework::Framework::builtin(),
                    clock(),
                )
                .expect("open");
                for batch in 0..5 {
                    let events = (0..3)
                        .map(|n| validate(&tracker, event_json(&format!("w{writer} b{batch} {n}"))))
                        .collect();
                    tracker.append(events, None).expect("append");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer");
    }
    let tracker = db.open(clock());
    assert_eq!(positions(&tracker), (1..=120).collect::<Vec<_>>());
    assert_eq!(tracker.stream_version("USA-RUS").expect("version"), 120);
    assert!(tracker.verify().expect("verify").is_sound());
}

fn eight_processes_appending_at_once_keep_the_log_gapless(db: &TestDb) {
    drop(db.open(clock()));
    let dir = tempfile::tempdir().expect("temp dir");
    let children: Vec<_> = (0..8)
        .map(|process| {
            let file = dir.path().join(format!("p{process}.ndjson"));
            let lines: Vec<String> = (0..25)
                .map(|n| event_json(&format!("process {process} event {n}")).to_string())
                .collect();
            std::fs::write(&file, lines.join("\n")).expect("write events");
            std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
                .arg("--db")
                .arg(db.location())
                .arg("import")
                .arg(&file)
                .env("DYAD_USER", "tester")
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("spawn dyad")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    let tracker = db.open(clock());
    assert_eq!(positions(&tracker), (1..=200).collect::<Vec<_>>());
    assert_eq!(tracker.stream_version("USA-RUS").expect("version"), 200);
    assert!(tracker.verify().expect("verify").is_sound());
}

fn known_at_and_checkpoints_answer_the_same(db: &TestDb) {
    use dyad::app::When;
    let clock = clock();
    let mut tracker = db.open(clock.clone()).with_checkpoints(Some(2));
    for (hour, summary) in ["one", "two", "three", "four", "five"].iter().enumerate() {
        clock.set(start() + chrono::Duration::hours(hour as i64));
        tracker
            .append(vec![validate(&tracker, event_json(summary))], None)
            .expect("append");
    }
    let as_of = date("2026-11-30");
    let then = When {
        as_of: Some(as_of),
        known_at: Some(start() + chrono::Duration::minutes(90)),
    };
    let early = tracker.status(None, then).expect("status then");
    let now = tracker.status(None, When::on(as_of)).expect("status now");
    assert_ne!(format!("{early:?}"), format!("{now:?}"));
    // Folded again, from the checkpoints the first folds saved: the same answers.
    assert_eq!(
        format!(
            "{:?}",
            tracker.status(None, When::on(as_of)).expect("again")
        ),
        format!("{now:?}")
    );
    assert!(
        tracker.last_fold().checkpoint.is_some(),
        "a checkpoint was used"
    );
    assert_eq!(
        format!("{:?}", tracker.status(None, then).expect("then again")),
        format!("{early:?}")
    );
    assert!(tracker.verify().expect("verify").is_sound());
}

/// The same events at the same instants make the same chain on SQLite and on PostgreSQL.
#[test]
fn the_same_events_give_the_same_head_on_both_stores() {
    let Some(postgres) = TestDb::postgres() else {
        return;
    };
    let sqlite = TestDb::sqlite();
    let heads: Vec<(u64, String)> = [&sqlite, &postgres]
        .into_iter()
        .map(|db| {
            let clock = clock();
            let mut tracker = db.open(clock.clone()).with_recorder(
                dyad::domain::recorder::Recorder::parse("analyst").expect("recorder"),
            );
            let mut id = 0u128;
            for batch in 0..4 {
                clock.set(start() + chrono::Duration::minutes(batch));
                let events = (0..3)
                    .map(|n| {
                        id += 1;
                        let mut event = event_json(&format!("batch {batch} event {n}"));
                        event["id"] = uuid::Uuid::from_u128(id).to_string().into();
                        validate(&tracker, event)
                    })
                    .collect();
                tracker.append(events, None).expect("append");
            }
            tracker.head().expect("head")
        })
        .collect();
    assert_eq!(heads[0].0, 12);
    assert_eq!(heads[0], heads[1]);
}

/// `n` events as NDJSON, large enough to be read line by line and appended in chunks; the line
/// `at` replaced by `replacement`.
fn chunked_input(n: usize, replace: Option<(usize, String)>) -> String {
    let filler = "a summary long enough to make the input large ".repeat(6);
    let mut text = String::new();
    for line in 1..=n {
        match &replace {
            Some((at, replacement)) if *at == line => text.push_str(replacement),
            _ => {
                let mut event = event_json(&format!("report {line}: {filler}"));
                event["id"] = serde_json::json!(uuid::Uuid::from_u128(line as u128).to_string());
                text.push_str(&event.to_string());
            }
        }
        text.push('\n');
    }
    assert!(text.len() > 1024 * 1024 + 1, "read line by line");
    text
}

fn an_append_in_chunks_is_one_batch_in_one_transaction(db: &TestDb) {
    use dyad::app::DuplicateCheck;
    let mut tracker = db.open(clock());
    let n = 3_000;
    let streamed = |tracker: &mut dyad::app::Tracker, text: String, expected: Option<u64>| {
        tracker.append_ndjson_streamed(
            std::io::Cursor::new(text.into_bytes()),
            "input",
            expected,
            DuplicateCheck::Warn,
        )
    };

    // An id repeated with other content in a later chunk: the earlier chunks are rolled back.
    let mut repeat = event_json("other content");
    repeat["id"] = serde_json::json!(uuid::Uuid::from_u128(7).to_string());
    let refused = streamed(
        &mut tracker,
        chunked_input(n, Some((2_500, repeat.to_string()))),
        None,
    )
    .expect_err("refused");
    assert!(
        refused.to_string().contains("line 2500, field `id`"),
        "{refused}"
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM events"), 0);

    let conflict = streamed(&mut tracker, chunked_input(n, None), Some(4)).expect_err("conflict");
    assert!(
        matches!(
            conflict,
            AppError::Store(StoreError::VersionConflict { .. })
        ),
        "{conflict}"
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM events"), 0);

    let appended = streamed(&mut tracker, chunked_input(n, None), Some(0)).expect("append");
    assert_eq!(appended.outcomes.len(), n);
    assert!(appended.outcomes.iter().enumerate().all(|(i, o)| *o
        == Appended::Recorded {
            position: i as u64 + 1,
            version: i as u64 + 1
        }));
    assert_eq!(
        db.count("SELECT COUNT(DISTINCT recorded_at) FROM events"),
        1,
        "one transaction time"
    );
    let events = tracker
        .appended_events(&appended.outcomes[..2])
        .expect("read back");
    assert!(events[1].headline().starts_with("report 2:"));
    assert!(tracker.verify().expect("verify").is_sound());

    // A retry with the same expected version lands nowhere new.
    let again = streamed(&mut tracker, chunked_input(n, None), Some(0)).expect("retry");
    assert!(
        again
            .outcomes
            .iter()
            .all(|o| matches!(o, Appended::AlreadyRecorded { .. }))
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM events"), n as i64);
}

/// Events in one batch of the killed writer: enough, with the padding, to be streamed in chunks
/// of a thousand (more than 1 MiB), so that a kill can land between two chunks.
const KILLED_BATCH: usize = 2_000;

/// The batch and event numbers a summary of [`killed_batch_file`] names.
fn batch_of(summary: &str) -> (usize, usize) {
    let mut words = summary.split(' ');
    let mut number = |after: &str| -> usize {
        assert_eq!(words.next(), Some(after), "{summary}");
        words
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{summary}"))
    };
    (number("batch"), number("event"))
}

fn killed_batch_file(dir: &std::path::Path, batch: usize) -> std::path::PathBuf {
    let padding = "p".repeat(400);
    let text: String = (0..KILLED_BATCH)
        .map(|n| {
            format!(
                "{}\n",
                event_json(&format!("batch {batch} event {n} {padding}"))
            )
        })
        .collect();
    assert!(text.len() > 1024 * 1024, "streamed in chunks");
    let path = dir.join(format!("b{batch}.ndjson"));
    std::fs::write(&path, text).expect("write a batch");
    path
}

/// A writer killed with SIGKILL at several moments while it appends batch after batch: the
/// test is the loop, running the real binary for each batch and counting a batch acknowledged
/// when `dyad append` exited 0; every few batches it kills one mid-way (`Child::kill`, SIGKILL
/// to that one process). Every acknowledged batch is in the log whole, no batch is there in
/// part, positions stay gapless, the chain verifies, and the next writer is not kept waiting by
/// the dead one's lock.
fn a_writer_killed_mid_batch_loses_nothing_acknowledged(db: &TestDb) {
    drop(db.open(clock()));
    let dir = tempfile::tempdir().expect("temp dir");
    // Kill at different moments of a batch: on PostgreSQL, counted from when the writer holds
    // the log's lock, inside its transaction (between its chunks, as it commits); on SQLite,
    // from its start.
    let kill_after_ms = [0u64, 100, 300];
    let mut acknowledged = Vec::new();
    let mut killed = Vec::new();
    let mut batch = 0;
    let append = |batch: usize| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
            .arg("--db")
            .arg(db.location())
            .arg("append")
            .arg(killed_batch_file(dir.path(), batch))
            .env("DYAD_USER", "tester")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn dyad")
    };
    for delay in kill_after_ms {
        let status = append(batch).wait().expect("wait for dyad");
        assert!(status.success(), "batch {batch}: {status}");
        acknowledged.push(batch);
        batch += 1;

        let mut writer = append(batch);
        if db.is_postgres() {
            let began = std::time::Instant::now();
            while db.write_lock_held() != Some(true) && writer.try_wait().expect("poll").is_none() {
                assert!(
                    began.elapsed().as_secs() < 60,
                    "the writer never took the lock"
                );
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        } else {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        std::thread::sleep(std::time::Duration::from_millis(delay));
        writer.kill().expect("SIGKILL");
        let status = writer.wait().expect("wait for dyad");
        if status.success() {
            acknowledged.push(batch);
        } else {
            killed.push(batch);
        }
        batch += 1;
    }
    // The next writer gets the log: the dead one's transaction was rolled back, its lock freed.
    let mut tracker = db.open(clock());
    let after = validate(&tracker, event_json("after the kills"));
    tracker
        .append(vec![after], None)
        .expect("append after the kills");

    let mut events_per_batch = std::collections::BTreeMap::<usize, usize>::new();
    let mut positions = Vec::new();
    tracker
        .log(&LogFilter::default(), |logged, _| {
            positions.push(logged.position);
            let summary = logged.event.headline();
            if summary != "after the kills" {
                let (batch, _) = batch_of(&summary);
                *events_per_batch.entry(batch).or_default() += 1;
            }
            ControlFlow::Continue(())
        })
        .expect("log");
    assert_eq!(positions, (1..=positions.len() as u64).collect::<Vec<_>>());
    for batch in &acknowledged {
        assert_eq!(
            events_per_batch.get(batch),
            Some(&KILLED_BATCH),
            "acknowledged batch {batch} is whole"
        );
    }
    for (batch, count) in &events_per_batch {
        assert_eq!(*count, KILLED_BATCH, "batch {batch} is whole or absent");
    }
    println!(
        "acknowledged batches {acknowledged:?}, killed {killed:?}; in the log {:?}",
        events_per_batch.keys().collect::<Vec<_>>()
    );
    assert!(tracker.verify().expect("verify").is_sound());
}
