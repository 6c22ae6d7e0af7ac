//! Property tests of the two time axes on random logs with late reports, corrections and
//! retractions: checkpointed and incremental folds equal a full rebuild, `as_of` equals the fold
//! of exactly the reports that occurred by then, `known_at` equals the log truncated at that
//! moment, and a replay's row for a date equals the status on that date. The properties run on
//! both stores (on PostgreSQL with fewer cases, each log a schema of its own).

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::*;
use dyad::app::{Every, LogFilter, Tracker, When, replay_dates};
use dyad::domain::clock::{Clock, ManualClock};
use dyad::domain::event::{Event, LoggedEvent, Report};
use dyad::domain::framework::Framework;
use dyad::domain::taxonomy::Taxonomy;
use dyad::projection::{Amendments, Ledger, Resolved, Status};
use dyad::store::{EventStore, LogStore, SqliteStore};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::ops::ControlFlow;
use std::sync::Arc;

const ACTIONS: [&str; 8] = [
    "consult",
    "arm_adversary",
    "expel_diplomats",
    "sign_agreement",
    "disapprove",
    "show_force",
    "cooperate_materially",
    "third_party_action",
];
const ISSUES: [&str; 5] = [
    "afghanistan",
    "syria",
    "north_korea",
    "arms_control",
    "diplomats",
];

/// One step of a writer's history.
#[derive(Debug, Clone)]
enum Step {
    /// Append reports (by their seeds) in one batch.
    Append(Vec<(u16, u8, u8, Option<i8>)>),
    /// Correct the n-th report appended so far (modulo), replacing one field.
    Correct(usize, Correction),
    /// Retract the n-th report appended so far (modulo).
    Retract(usize),
}

#[derive(Debug, Clone)]
enum Correction {
    Date(u16),
    Intensity(i8),
    Issue(u8),
}

fn step() -> impl Strategy<Value = Step> {
    let report = (
        0u16..1500,
        0u8..8,
        0u8..5,
        proptest::option::of(-100i8..=100),
    );
    prop_oneof![
        4 => proptest::collection::vec(report, 1..6).prop_map(Step::Append),
        1 => (any::<usize>(), prop_oneof![
            (0u16..1500).prop_map(Correction::Date),
            (-100i8..=100).prop_map(Correction::Intensity),
            (0u8..5).prop_map(Correction::Issue),
        ]).prop_map(|(n, c)| Step::Correct(n, c)),
        1 => any::<usize>().prop_map(Step::Retract),
    ]
}

fn day(offset: u16) -> NaiveDate {
    date("2016-01-01") + chrono::Duration::days(i64::from(offset))
}

/// The store a property runs on: every property holds on both.
#[derive(Debug, Clone, Copy)]
enum Backend {
    /// A SQLite log in memory.
    Sqlite,
    /// A schema of its own in `$DYAD_TEST_POSTGRES`.
    Postgres,
}

/// A history played on a log: the tracker, and the instant after each step.
struct Played {
    tracker: Tracker,
    instants: Vec<DateTime<Utc>>,
    checkpoints_used: usize,
    /// The PostgreSQL schema, dropped after the tracker.
    _db: Option<TestDb>,
}

/// A new empty log on `backend`, and the schema to drop after it.
fn new_log(backend: Backend, clock: Arc<ManualClock>) -> (Tracker, Option<TestDb>) {
    match backend {
        Backend::Sqlite => {
            let store = SqliteStore::open_in_memory(clock.clone()).expect("in-memory store");
            (
                Tracker::new(LogStore::Sqlite(store), Framework::builtin(), clock),
                None,
            )
        }
        Backend::Postgres => {
            let db = TestDb::postgres().expect("$DYAD_TEST_POSTGRES is set");
            (db.open(clock), Some(db))
        }
    }
}

/// Plays `steps`, asking for the status after each one so that checkpoints are written and
/// read along the way (interval 1: every fold saves one).
fn play(backend: Backend, steps: &[Step], interval: Option<u64>, probe: NaiveDate) -> Played {
    let clock: Arc<ManualClock> = clock();
    let (tracker, db) = new_log(backend, clock.clone());
    let mut tracker = tracker.with_checkpoints(interval);
    let mut reports: Vec<uuid::Uuid> = Vec::new();
    let mut instants = Vec::new();
    let mut checkpoints_used = 0;
    for (index, step) in steps.iter().enumerate() {
        clock.advance(chrono::Duration::minutes(1));
        match step {
            Step::Append(seeds) => {
                let events: Vec<Event> = seeds
                    .iter()
                    .enumerate()
                    .map(|(n, &(offset, action, issue, tenths))| {
                        let mut value = json!({
                            "dyad": "USA-RUS", "kind": "action",
                            "occurred_on": day(offset).to_string(),
                            "actor": "RUS", "target": "USA",
                            "action": ACTIONS[usize::from(action)],
                            "issue": ISSUES[usize::from(issue)],
                            "summary": format!("step {index} report {n}"),
                            "source": {"outlet": "Wire"}
                        });
                        if let Some(tenths) = tenths {
                            value["intensity"] = json!(f64::from(tenths) / 10.0);
                        }
                        validate(&tracker, value)
                    })
                    .collect();
                reports.extend(events.iter().map(|e| e.id));
                tracker.append(events, None).expect("append");
            }
            Step::Correct(n, correction) if !reports.is_empty() => {
                let id = reports[n % reports.len()];
                let mut fields = Map::new();
                match correction {
                    Correction::Date(offset) => {
                        fields.insert("occurred_on".into(), json!(day(*offset).to_string()))
                    }
                    Correction::Intensity(tenths) => {
                        fields.insert("intensity".into(), json!(f64::from(*tenths) / 10.0))
                    }
                    Correction::Issue(issue) => {
                        fields.insert("issue".into(), json!(ISSUES[usize::from(*issue)]))
                    }
                };
                // A correction of a retracted report is refused, and that is fine here.
                let _refused_if_retracted = tracker.correct(id, fields, "random correction", None);
            }
            Step::Retract(n) if !reports.is_empty() => {
                let id = reports[n % reports.len()];
                let _refused_if_retracted = tracker.retract(id, "random retraction", None);
            }
            Step::Correct(..) | Step::Retract(_) => {}
        }
        tracker.status(None, When::on(probe)).expect("status");
        checkpoints_used += usize::from(tracker.last_fold().checkpoint.is_some());
        instants.push(clock.now());
    }
    Played {
        tracker,
        instants,
        checkpoints_used,
        _db: db,
    }
}

fn logged<S: EventStore>(tracker: &Tracker<S>) -> Vec<LoggedEvent> {
    let mut events = Vec::new();
    tracker
        .log(&LogFilter::default(), |e, _| {
            events.push(e.clone());
            ControlFlow::Continue(())
        })
        .expect("log");
    events
}

/// The status by the definition: resolve every report with every amendment, keep those that
/// occurred by `as_of`, fold them.
fn by_definition(events: &[LoggedEvent], as_of: NaiveDate) -> Status {
    let mut amendments = Amendments::default();
    for event in events {
        amendments.add(event.clone());
    }
    let framework = Framework::builtin();
    let mut ledger = Ledger::new(&framework, Taxonomy::builtin(), "USA-RUS");
    let mut reports = Vec::new();
    for event in events {
        let Some(original) = Report::original(event) else {
            continue;
        };
        if let Resolved::Standing(report) = amendments.resolve(original).expect("resolves")
            && report.occurred_on <= as_of
        {
            ledger.add(&report);
            reports.push(report);
        }
    }
    let by_position = |position: u64| reports.iter().find(|r| r.position == position).cloned();
    ledger.evaluate(as_of, &by_position)
}

fn history() -> impl Strategy<Value = Vec<Step>> {
    proptest::collection::vec(step(), 1..14)
}

fn checkpointed_and_incremental_folds_equal_a_full_rebuild(
    backend: Backend,
    steps: &[Step],
    probe: u16,
    as_of: u16,
) -> Result<(), TestCaseError> {
    let incremental = play(backend, steps, Some(1), day(probe));
    let rebuilt = play(backend, steps, None, day(probe));
    let when = When::on(day(as_of));
    let expected = rebuilt.tracker.status(None, when).expect("status");
    prop_assert_eq!(
        &incremental.tracker.status(None, when).expect("status"),
        &expected
    );
    prop_assert_eq!(rebuilt.checkpoints_used, 0);
    Ok(())
}

fn as_of_equals_the_fold_of_exactly_the_reports_that_occurred_by_then(
    backend: Backend,
    steps: &[Step],
    as_of: u16,
) -> Result<(), TestCaseError> {
    let played = play(backend, steps, Some(1), day(as_of));
    let status = played
        .tracker
        .status(None, When::on(day(as_of)))
        .expect("status");
    prop_assert_eq!(status, by_definition(&logged(&played.tracker), day(as_of)));
    Ok(())
}

fn known_at_equals_the_log_truncated_at_that_moment(
    backend: Backend,
    steps: &[Step],
    cut: usize,
    as_of: u16,
) -> Result<(), TestCaseError> {
    let played = play(backend, steps, Some(1), day(as_of));
    let cut = cut % steps.len();
    let moment = played.instants[cut];
    let truncated = play(backend, &steps[..=cut], None, day(as_of));
    let known = played
        .tracker
        .status(
            None,
            When {
                as_of: Some(day(as_of)),
                known_at: Some(moment),
            },
        )
        .expect("status");
    let expected = truncated
        .tracker
        .status(None, When::on(day(as_of)))
        .expect("status");
    prop_assert_eq!(known.known_at, Some(moment));
    prop_assert_eq!(
        Status {
            known_at: None,
            ..known
        },
        expected
    );
    Ok(())
}

fn a_replay_row_equals_the_status_on_its_date(
    backend: Backend,
    steps: &[Step],
    from: u16,
    every: Every,
) -> Result<(), TestCaseError> {
    let played = play(backend, steps, Some(1), day(from));
    let dates = replay_dates(day(from), day(from) + chrono::Duration::days(200), every);
    let mut rows = Vec::new();
    played
        .tracker
        .replay(None, &dates, None, |status| {
            rows.push(status);
            ControlFlow::Continue(())
        })
        .expect("replay");
    prop_assert_eq!(rows.len(), dates.len());
    for (row, date) in rows.iter().zip(&dates) {
        prop_assert_eq!(
            row,
            &played
                .tracker
                .status(None, When::on(*date))
                .expect("status")
        );
    }
    Ok(())
}

fn every() -> impl Strategy<Value = Every> {
    prop_oneof![
        Just(Every::Day),
        Just(Every::Week),
        Just(Every::Month),
        Just(Every::Quarter)
    ]
}

/// The properties as proptests on one store, `cases` random histories each; on PostgreSQL they
/// pass with a note when `$DYAD_TEST_POSTGRES` is unset.
macro_rules! properties_on {
    ($store:ident, $backend:expr, $cases:expr) => {
        mod $store {
            use super::*;

            fn available() -> bool {
                match $backend {
                    Backend::Sqlite => true,
                    Backend::Postgres => {
                        let set = std::env::var(TEST_POSTGRES).is_ok();
                        if !set {
                            println!("skipped on PostgreSQL: {TEST_POSTGRES} is not set");
                        }
                        set
                    }
                }
            }

            proptest! {
                #![proptest_config(ProptestConfig::with_cases($cases))]

                #[test]
                fn checkpointed_and_incremental_folds_equal_a_full_rebuild(
                    steps in history(),
                    probe in 0u16..1600,
                    as_of in 0u16..1600,
                ) {
                    if available() {
                        super::checkpointed_and_incremental_folds_equal_a_full_rebuild(
                            $backend, &steps, probe, as_of,
                        )?;
                    }
                }

                #[test]
                fn as_of_equals_the_fold_of_exactly_the_reports_that_occurred_by_then(
                    steps in history(),
                    as_of in 0u16..1600,
                ) {
                    if available() {
                        super::as_of_equals_the_fold_of_exactly_the_reports_that_occurred_by_then(
                            $backend, &steps, as_of,
                        )?;
                    }
                }

                #[test]
                fn known_at_equals_the_log_truncated_at_that_moment(
                    steps in history(),
                    cut in any::<usize>(),
                    as_of in 0u16..1600,
                ) {
                    if available() {
                        super::known_at_equals_the_log_truncated_at_that_moment(
                            $backend, &steps, cut, as_of,
                        )?;
                    }
                }

                #[test]
                fn a_replay_row_equals_the_status_on_its_date(
                    steps in history(),
                    from in 0u16..1400,
                    every in every(),
                ) {
                    if available() {
                        super::a_replay_row_equals_the_status_on_its_date(
                            $backend, &steps, from, every,
                        )?;
                    }
                }
            }
        }
    };
}

properties_on!(sqlite, Backend::Sqlite, 48);
// Each case opens two or three schemas of their own on the server: fewer cases there.
properties_on!(postgres, Backend::Postgres, 24);

#[test]
fn deleting_checkpoints_changes_no_answer() {
    let log = TempLog::new();
    let mut tracker = log.open(clock()).with_checkpoints(Some(1));
    let file = std::fs::File::open(shipped_log()).expect("shipped log");
    tracker
        .append_ndjson(file, "shipped", None)
        .expect("append");
    let before = tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    let saved: i64 = log
        .raw()
        .query_row("SELECT COUNT(*) FROM checkpoints", [], |r| r.get(0))
        .expect("count");
    assert_eq!(saved, 1, "the fold saved a checkpoint");
    let again = tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    assert_eq!(
        tracker.last_fold().checkpoint,
        Some(18),
        "the second fold starts from it"
    );
    assert_eq!(tracker.last_fold().events_read, 0);
    assert_eq!(again, before);
    log.raw()
        .execute("DELETE FROM checkpoints", [])
        .expect("delete the cache");
    assert_eq!(
        tracker
            .status(None, When::on(date("2017-06-19")))
            .expect("status"),
        before
    );
    assert_eq!(tracker.last_fold().checkpoint, None);
}

#[test]
fn a_late_report_is_folded_on_top_and_a_correction_invalidates_exactly_what_it_affects() {
    let clock = clock();
    let mut tracker = in_memory(clock.clone()).with_checkpoints(Some(1));
    let file = std::fs::File::open(shipped_log()).expect("shipped log");
    tracker
        .append_ndjson(file, "shipped", None)
        .expect("append");
    tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    // A late report (occurred in 2017, recorded now) leaves the checkpoint usable.
    clock.advance(chrono::Duration::minutes(1));
    let mut late = event_json("A late report of an expulsion");
    late["occurred_on"] = "2017-05-01".into();
    late["action"] = "expel_diplomats".into();
    late["issue"] = "diplomats".into();
    let late = validate(&tracker, late);
    let late_id = late.id;
    tracker.append(vec![late], None).expect("append");
    tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    assert_eq!(tracker.last_fold().checkpoint, Some(18));
    assert_eq!(
        tracker.last_fold().events_read,
        1,
        "only the late report is read"
    );
    // Correcting the late report (after the checkpoint at 18) leaves checkpoint 19 usable...
    clock.advance(chrono::Duration::minutes(1));
    let mut fields = Map::new();
    fields.insert("intensity".into(), Value::from(-2.0));
    tracker
        .correct(late_id, fields.clone(), "milder", None)
        .expect("correct");
    tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    assert_eq!(
        tracker.last_fold().checkpoint,
        Some(18),
        "checkpoint 19 counted the corrected report, checkpoint 18 did not"
    );
    assert_eq!(tracker.last_fold().events_read, 1);
    // ...while correcting a report counted in every checkpoint invalidates them all.
    let first = logged(&tracker)[0].event.id;
    clock.advance(chrono::Duration::minutes(1));
    tracker
        .correct(first, fields, "milder", None)
        .expect("correct");
    let checkpointed = tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    assert_eq!(tracker.last_fold().checkpoint, None);
    assert_eq!(
        checkpointed,
        by_definition(&logged(&tracker), date("2017-06-19"))
    );
}
