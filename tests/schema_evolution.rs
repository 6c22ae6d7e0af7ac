//! A log written by an older dyad opens, reads and verifies without any of its rows being
//! rewritten: old payloads are upcast when read.

mod common;

use common::*;
use dyad::app::{Tracker, When};
use dyad::domain::framework::Framework;
use std::path::Path;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/log_schema_v1.db"
);
const FIXTURE_STATUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/log_schema_v1.status_2017-06-19.json"
);

/// A copy of the fixture, since opening a log applies pending migrations to it.
fn copy_of_v1_log() -> TempLog {
    let log = TempLog::new();
    std::fs::copy(Path::new(FIXTURE), log.path()).expect("copy the fixture");
    log
}

/// The built-in framework as it was when the fixture was written: version 1, whose method
/// decayed reports with a 180-day half-life (version 2 uses 120 days; see the README).
fn framework_version_1() -> Framework {
    let mut framework = Framework::builtin();
    assert_eq!(
        framework.version, 2,
        "the built-in framework this test knows"
    );
    framework.version = 1;
    framework.method.half_life_days = 180.0;
    framework
}

fn rows(log: &TempLog) -> Vec<(i64, i64, String, String)> {
    let raw = log.raw();
    let mut statement = raw
        .prepare("SELECT position, schema_version, payload, hash FROM events ORDER BY position")
        .expect("prepare");
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn a_version_1_log_reads_as_it_did_and_is_never_rewritten() {
    let log = copy_of_v1_log();
    let before = rows(&log);
    assert!(
        before.iter().all(|(_, version, _, _)| *version == 1),
        "the fixture is schema 1"
    );
    // The fixture's status was computed under version 1 of the built-in framework (a 180-day
    // half-life); read under that method, the old rows must give exactly the old numbers.
    let tracker = Tracker::open(&log.path(), framework_version_1(), clock()).expect("open log");
    let status = tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(FIXTURE_STATUS).expect("fixture status"))
            .expect("json");
    let actual = serde_json::to_value(&status).expect("json");
    // Every field the version-1 binary wrote reads the same (readings have since gained a
    // `weight`, which it did not write).
    let same_as_then = |now: &serde_json::Value, then: &serde_json::Value, what: &str| {
        for (key, value) in then.as_object().expect("an object") {
            assert_eq!(&now[key], value, "{what}.{key}");
        }
    };
    for key in ["as_of", "dyad"] {
        assert_eq!(actual[key], expected[key], "{key}");
    }
    same_as_then(&actual["overall"], &expected["overall"], "overall");
    for (now, then) in actual["pillars"]
        .as_array()
        .expect("pillars")
        .iter()
        .zip(expected["pillars"].as_array().expect("pillars"))
    {
        for key in ["id", "level", "score", "events"] {
            assert_eq!(now[key], then[key], "{key}");
        }
        let (now_issues, then_issues) = (
            now["issues"].as_array().expect("issues"),
            then["issues"].as_array().expect("issues"),
        );
        assert_eq!(now_issues.len(), then_issues.len());
        for (now, then) in now_issues.iter().zip(then_issues) {
            same_as_then(now, then, "issue");
        }
    }
    assert_eq!(tracker.verify().expect("verify").first_break, None);
    assert_eq!(rows(&log), before, "no stored row was rewritten");
}

#[test]
fn re_appending_the_same_events_to_a_version_1_log_is_a_no_op() {
    let log = copy_of_v1_log();
    let mut tracker = log.open(clock());
    let file = std::fs::File::open(shipped_log()).expect("shipped log");
    let summary = tracker
        .append_ndjson(file, "tillerson_2017.ndjson", None)
        .expect("the same content, in the new schema, is already recorded");
    assert!(
        summary
            .receipt
            .outcomes
            .iter()
            .all(|o| matches!(o, dyad::store::Appended::AlreadyRecorded { .. }))
    );
    assert_eq!(rows(&log).len(), 18);
}

#[test]
fn new_events_beside_old_ones_carry_the_current_schema_version() {
    let log = copy_of_v1_log();
    let mut tracker = log.open(clock());
    let event = validate(&tracker, event_json("a new report"));
    tracker.append(vec![event], None).expect("append");
    let all = rows(&log);
    assert_eq!(
        all.last().map(|r| r.1),
        Some(i64::from(dyad::domain::event::SCHEMA_VERSION))
    );
    assert!(
        all.last()
            .is_some_and(|r| r.2.contains("\"confidence\":1.0"))
    );
    assert_eq!(tracker.verify().expect("verify").first_break, None);
}
