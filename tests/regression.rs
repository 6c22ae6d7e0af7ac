//! Regressions, each named after the defect it pins (found in review).

mod common;

use common::*;
use dyad::app::{AppError, ImportOptions, LogFilter, When};
use dyad::store::Appended;
use serde_json::{Map, Value, json};
use std::ops::ControlFlow;

fn fields(value: Value) -> Map<String, Value> {
    value.as_object().expect("an object").clone()
}

fn shipped(log: &TempLog) -> dyad::app::Tracker {
    let mut tracker = log.open(clock());
    let file = std::fs::File::open(shipped_log()).expect("shipped log");
    tracker
        .append_ndjson(file, "shipped", None)
        .expect("append");
    tracker
}

const TALIBAN_ARMS: &str = "c68eb40e-4fe3-5f44-909b-40693f67deb4";

fn taliban_arms() -> uuid::Uuid {
    uuid::Uuid::parse_str(TALIBAN_ARMS).expect("uuid")
}

#[test]
fn a_correction_setting_a_required_field_to_null_cannot_make_the_log_unreadable() {
    let log = TempLog::new();
    let mut tracker = shipped(&log);
    tracker
        .correct(
            taliban_arms(),
            fields(json!({"confidence": null})),
            "reset",
            None,
        )
        .expect("null means the default");
    let status = tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("still readable");
    assert_eq!(status.overall.events, 18);
}

#[test]
fn correcting_back_to_an_earlier_value_is_a_new_correction_not_a_retry() {
    let log = TempLog::new();
    let mut tracker = shipped(&log);
    for day in ["2017-04-20", "2017-04-24", "2017-04-20"] {
        let summary = tracker
            .correct(
                taliban_arms(),
                fields(json!({"occurred_on": day})),
                "date",
                None,
            )
            .expect("correct");
        assert!(
            matches!(summary.receipt.outcomes[0], Appended::Recorded { .. }),
            "{day}: {:?}",
            summary.receipt.outcomes
        );
    }
    let status = tracker
        .status(None, When::on(date("2017-04-21")))
        .expect("status");
    let pushback = &status.pillars[0];
    assert!(
        pushback
            .drivers
            .iter()
            .any(|d| d.id == taliban_arms() && d.occurred_on == date("2017-04-20")),
        "the last correction (back to the 20th) holds: {:?}",
        pushback.drivers
    );
}

#[test]
fn an_event_without_id_keeps_the_id_schema_1_gave_it() {
    // Recorded with the schema-1 binary (commit 242ffce^) for exactly this input.
    let input = json!({
        "dyad": "USA-RUS", "kind": "action", "occurred_on": "2017-04-24", "actor": "RUS",
        "target": "TALIBAN", "action": "arm_adversary", "issue": "afghanistan",
        "summary": "Russia sends arms to the Taliban",
        "source": {"outlet": "BuzzFeed News", "published_on": "2017-06-19", "attribution": "a US official"}
    });
    let tracker = in_memory(clock());
    let event = validate(&tracker, input);
    assert_eq!(event.id.to_string(), "f458951e-2329-5c6f-9ace-964cde98462b");
}

#[test]
fn an_open_log_is_read_while_another_process_writes() {
    let log = TempLog::new();
    drop(shipped(&log));
    let writer = log.raw();
    writer
        .execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");
    let started = std::time::Instant::now();
    let reader = log.open(clock());
    let status = reader
        .status(None, When::on(date("2017-06-19")))
        .expect("read");
    assert_eq!(status.overall.events, 18);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "no wait for the writer"
    );
    writer.execute_batch("ROLLBACK").expect("release");
}

#[test]
fn an_atomic_import_with_a_clashing_id_writes_nothing() {
    let log = TempLog::new();
    let mut tracker = shipped(&log);
    let mut clash = event_json("other content under a recorded id");
    clash["id"] = json!(TALIBAN_ARMS);
    let lines = format!("{}\n{}\n", event_json("a new report"), clash);
    let options = ImportOptions {
        atomic: true,
        ..ImportOptions::default()
    };
    let err = tracker
        .import(lines.as_bytes(), options, |_| {})
        .expect_err("refused whole");
    assert!(
        matches!(
            err,
            AppError::Store(dyad::store::StoreError::IdConflict { .. })
        ),
        "{err}"
    );
    let mut count = 0;
    tracker
        .log(&LogFilter::default(), |_, _| {
            count += 1;
            ControlFlow::Continue(())
        })
        .expect("log");
    assert_eq!(count, 18, "nothing written");
}

#[test]
fn a_reversed_dyad_is_refused_rather_than_filed_apart() {
    let tracker = in_memory(clock());
    let mut reversed = event_json("reversed");
    reversed["dyad"] = json!("RUS-USA");
    let input = serde_json::from_value(reversed).expect("input");
    let err = tracker.validator().validate(input).expect_err("refused");
    assert_eq!(err.field, "dyad");
    assert!(err.problem.contains("USA-RUS"), "{err}");
}

#[test]
fn log_refuses_an_unknown_dyad_instead_of_listing_nothing() {
    let tracker = in_memory(clock());
    let filter = LogFilter {
        dyad: Some("usa-rus".into()),
        ..LogFilter::default()
    };
    assert!(
        tracker
            .log(&filter, |_, _| ControlFlow::Continue(()))
            .is_err()
    );
}

#[test]
fn an_imported_amendment_must_name_the_dyad_of_its_report() {
    let log = TempLog::new();
    let mut tracker = shipped(&log);
    let line = json!({
        "id": "0b7a2f3e-6a1f-4c4e-8a53-0f6f0c9d2b11", "dyad": "USA-CHN", "kind": "retraction",
        "occurred_on": "2026-11-25", "retracts": TALIBAN_ARMS, "reason": "wrong stream"
    });
    let summary = tracker
        .import(
            format!("{line}\n").as_bytes(),
            ImportOptions::default(),
            |_| {},
        )
        .expect("import runs");
    assert_eq!(summary.refused, 1);
    assert_eq!(summary.refusals[0].field.as_deref(), Some("dyad"));
}

#[test]
fn a_busy_log_still_answers_without_waiting_to_keep_a_checkpoint() {
    let log = TempLog::new();
    drop(shipped(&log));
    let reader = dyad::app::Tracker::open(
        &log.path(),
        dyad::domain::framework::Framework::builtin(),
        clock(),
    )
    .expect("open")
    .with_checkpoints(Some(1));
    // Another connection holds the write lock: saving the checkpoint fails, the answer does not.
    let writer = log.raw();
    writer
        .execute_batch("PRAGMA busy_timeout = 0; BEGIN IMMEDIATE")
        .expect("lock");
    let status = reader.status(None, When::on(date("2017-06-19")));
    writer.execute_batch("ROLLBACK").expect("release");
    assert_eq!(status.expect("answers").overall.events, 18);
}

#[test]
fn one_id_on_two_lines_with_other_content_names_the_lines() {
    let mut tracker = in_memory(clock());
    let mut first = event_json("one");
    first["id"] = json!("7d0b6c1e-54b5-4c2e-9d55-0f2f1d1c3a01");
    let mut second = first.clone();
    second["summary"] = json!("two");
    let text = format!("{first}\n{second}\n");
    let err = tracker
        .append_ndjson(text.as_bytes(), "test", None)
        .expect_err("refused");
    let AppError::Input(dyad::ingest::InputError::Refused { errors, .. }) = err else {
        panic!("a refusal naming lines, got {err}");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
    assert!(errors[0].problem.contains("line 1"), "{}", errors[0]);
}
