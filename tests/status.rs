//! The status projection: the shipped log reads as the article says, and the fold is a pure
//! function of the events (property tests on random logs).

mod common;

use common::*;
use dyad::app::{LogFilter, Tracker, When};
use dyad::domain::event::{Event, LoggedEvent, Report};
use dyad::domain::framework::Framework;
use dyad::domain::taxonomy::Taxonomy;
use dyad::projection::{Ledger, Status};
use dyad::store::SqliteStore;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::ops::ControlFlow;

fn at(as_of: chrono::NaiveDate) -> When {
    When::on(as_of)
}

fn shipped_tracker() -> Tracker<SqliteStore> {
    let mut tracker = in_memory(clock());
    let file = std::fs::File::open(shipped_log()).expect("shipped log");
    tracker
        .append_ndjson(file, "tillerson_2017.ndjson", None)
        .expect("the shipped log is valid");
    tracker
}

fn logged<S: dyad::store::EventStore>(tracker: &Tracker<S>) -> Vec<LoggedEvent> {
    let mut events = Vec::new();
    tracker
        .log(&LogFilter::default(), |e, _| {
            events.push(e.clone());
            ControlFlow::Continue(())
        })
        .expect("log");
    events
}

fn fold(events: &[LoggedEvent], as_of: chrono::NaiveDate) -> Status {
    let framework = Framework::builtin();
    let mut ledger = Ledger::new(&framework, Taxonomy::builtin(), "USA-RUS");
    let reports: Vec<Report> = events
        .iter()
        .map(|event| Report::original(event).expect("only reports in these logs"))
        .collect();
    for report in &reports {
        ledger.add(report);
    }
    let by_position = |position: u64| reports.iter().find(|r| r.position == position).cloned();
    ledger.evaluate(as_of, &by_position)
}

#[test]
fn the_shipped_log_replayed_to_the_article_reads_gutter() {
    let status = shipped_tracker()
        .status(None, at(date("2017-06-19")))
        .expect("status");
    assert_eq!(
        status.overall.level.as_deref(),
        Some("gutter"),
        "{status:#?}"
    );
    let pushback = &status.pillars[0];
    assert_eq!(pushback.id, "pushback");
    assert_eq!(pushback.level.as_deref(), Some("gutter"));
    assert_eq!(
        pushback.drivers[0].action, "arm_adversary",
        "arms to the Taliban drive the pushback pillar"
    );
    let engagement = &status.pillars[1];
    let issues: Vec<&str> = engagement.issues.iter().map(|i| i.id.as_str()).collect();
    for required in ["syria", "north_korea", "cyber"] {
        assert!(
            issues.contains(&required),
            "engagement lacks {required}: {issues:?}"
        );
    }
}

#[test]
fn the_relationship_is_not_yet_in_the_sewer() {
    // "We want to make sure it doesn't flush into the sewer": no day of the shipped log does.
    let tracker = shipped_tracker();
    let mut day = date("2016-12-29");
    while day <= date("2017-12-31") {
        let status = tracker.status(None, at(day)).expect("status");
        assert_ne!(status.overall.level.as_deref(), Some("sewer"), "on {day}");
        day = day.succ_opt().expect("next day");
    }
}

#[test]
fn the_status_equals_the_pure_fold_of_the_logged_events() {
    // Checkpoints on at every fold, so that the second and later answers come from one.
    let tracker = shipped_tracker().with_checkpoints(Some(1));
    let events = logged(&tracker);
    for as_of in ["2016-12-31", "2017-04-12", "2017-06-19", "2020-01-01"] {
        let as_of = date(as_of);
        assert_eq!(
            tracker.status(None, at(as_of)).expect("status"),
            fold(&events, as_of)
        );
    }
}

#[test]
fn events_after_as_of_do_not_count() {
    let tracker = shipped_tracker();
    let events = logged(&tracker);
    let as_of = date("2017-04-12");
    let expected = events
        .iter()
        .filter(|e| e.event.occurred_on <= as_of)
        .count() as u64;
    let status = tracker.status(None, at(as_of)).expect("status");
    assert_eq!(status.overall.events, expected);
    assert!(expected < events.len() as u64, "the date splits the log");
}

#[test]
fn a_retold_event_in_another_dyad_does_not_move_this_one() {
    let mut tracker = shipped_tracker();
    let before = tracker
        .status(None, at(date("2017-06-19")))
        .expect("status");
    let mut china = event_json("China and North Korea talk");
    china["dyad"] = "CHN-PRK".into();
    china["actor"] = "CHN".into();
    china["target"] = "PRK".into();
    let event = validate(&tracker, china);
    tracker.append(vec![event], None).expect("append");
    assert_eq!(
        tracker
            .status(None, at(date("2017-06-19")))
            .expect("status"),
        before
    );
}

const ACTORS: [&str; 6] = ["USA", "RUS", "CHN", "PRK", "NATO", "TALIBAN"];
const ISSUES: [&str; 6] = [
    "afghanistan",
    "diplomats",
    "syria",
    "north_korea",
    "cyber",
    "arms_control",
];

fn event_strategy() -> impl Strategy<Value = Value> {
    let actions: Vec<String> = Taxonomy::builtin()
        .actions()
        .iter()
        .map(|a| a.code.clone())
        .collect();
    (
        0u32..2500,
        (0usize..ACTORS.len(), 1usize..ACTORS.len()),
        proptest::sample::select(actions),
        proptest::option::of(-100i32..=100),
        proptest::option::of(proptest::sample::select(ISSUES.to_vec())),
        proptest::option::of(proptest::sample::select(vec![
            "pushback",
            "engagement",
            "stability",
        ])),
        any::<bool>(),
    )
        .prop_map(
            |(day, (actor, shift), action, tenths, issue, pillar, statement)| {
                let occurred_on = date("2015-01-01") + chrono::Duration::days(i64::from(day));
                let mut value = json!({
                    "dyad": "USA-RUS",
                    "kind": if statement { "statement" } else { "action" },
                    "occurred_on": occurred_on.to_string(),
                    "actor": ACTORS[actor],
                    "target": ACTORS[(actor + shift) % ACTORS.len()],
                    "action": action,
                    "summary": "placeholder",
                    "source": {"outlet": "Wire"}
                });
                if statement {
                    value["speaker"] = "a spokesperson".into();
                    value["quote"] = "We said something.".into();
                }
                if let Some(tenths) = tenths {
                    value["intensity"] = json!(f64::from(tenths) / 10.0);
                }
                if let Some(issue) = issue {
                    value["issue"] = issue.into();
                }
                if let Some(pillar) = pillar {
                    value["pillar"] = pillar.into();
                }
                value
            },
        )
}

/// Random distinct events (each summary unique, so each id is).
fn events_strategy(max: usize) -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(event_strategy(), 1..max).prop_map(|mut events| {
        for (index, event) in events.iter_mut().enumerate() {
            event["summary"] = format!("event {index}").into();
        }
        events
    })
}

fn validated(values: &[Value]) -> Vec<Event> {
    let tracker = in_memory(clock());
    values
        .iter()
        .map(|v| validate(&tracker, v.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn status_does_not_depend_on_append_order(
        values in events_strategy(40),
        seed in any::<u64>(),
        batch_size in 1usize..8,
        as_of_day in 0u32..3000,
    ) {
        let events = validated(&values);
        let mut shuffled = events.clone();
        // A deterministic shuffle from the seed (Fisher-Yates with a simple LCG).
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let mut in_order = in_memory(clock());
        in_order.append(events, None).expect("append");
        let mut reordered = in_memory(clock());
        for batch in shuffled.chunks(batch_size) {
            reordered.append(batch.to_vec(), None).expect("append");
        }
        let as_of = date("2015-01-01") + chrono::Duration::days(i64::from(as_of_day));
        prop_assert_eq!(
            in_order.status(None, at(as_of)).expect("status"),
            reordered.status(None, at(as_of)).expect("status")
        );
    }

    #[test]
    fn as_of_counts_exactly_the_events_that_occurred_by_then(
        values in events_strategy(40),
        as_of_day in 0u32..3000,
    ) {
        let mut tracker = in_memory(clock());
        tracker.append(validated(&values), None).expect("append");
        let as_of = date("2015-01-01") + chrono::Duration::days(i64::from(as_of_day));
        let by_then: Vec<LoggedEvent> = logged(&tracker)
            .into_iter()
            .filter(|e| e.event.occurred_on <= as_of)
            .collect();
        let status = tracker.status(None, at(as_of)).expect("status");
        prop_assert_eq!(status.overall.events, by_then.len() as u64);
        prop_assert_eq!(&status, &fold(&by_then, as_of));
    }

    #[test]
    fn scores_stay_on_the_scale_and_levels_match_scores(
        values in events_strategy(40),
        as_of_day in 0u32..3000,
    ) {
        let mut tracker = in_memory(clock());
        tracker.append(validated(&values), None).expect("append");
        let as_of = date("2015-01-01") + chrono::Duration::days(i64::from(as_of_day));
        let status = tracker.status(None, at(as_of)).expect("status");
        let framework = Framework::builtin();
        prop_assert!((-10.0..=10.0).contains(&status.overall.score));
        let level_matches = |level: &Option<String>, score: f64, weight: f64| {
            // Weights are printed to three decimals; the level is decided on the exact sum.
            let min_weight = framework.method.min_weight;
            match level {
                Some(level) => *level == framework.level_for(score).id && weight >= min_weight - 5e-4,
                None => weight <= min_weight + 5e-4,
            }
        };
        prop_assert!(level_matches(&status.overall.level, status.overall.score, status.overall.weight));
        let mut pillar_events = 0;
        for pillar in &status.pillars {
            prop_assert!((-10.0..=10.0).contains(&pillar.score));
            prop_assert!(level_matches(&pillar.level, pillar.score, pillar.weight));
            for issue in &pillar.issues {
                prop_assert!(level_matches(&issue.level, issue.score, issue.weight));
            }
            prop_assert!(pillar.drivers.len() <= framework.method.drivers);
            let issue_events: u64 = pillar.issues.iter().map(|i| i.events).sum();
            prop_assert!(issue_events <= pillar.events);
            pillar_events += pillar.events;
        }
        prop_assert_eq!(pillar_events, status.overall.events);
    }

    #[test]
    fn the_log_stays_gapless_and_sound_under_retries(
        values in events_strategy(30),
        batch_size in 1usize..6,
        retry_every in 1usize..4,
    ) {
        let events = validated(&values);
        let mut tracker = in_memory(clock());
        for (index, batch) in events.chunks(batch_size).enumerate() {
            tracker.append(batch.to_vec(), None).expect("append");
            if index % retry_every == 0 {
                tracker.append(batch.to_vec(), None).expect("an idempotent retry");
            }
        }
        let logged = logged(&tracker);
        prop_assert_eq!(logged.len(), events.len());
        for (index, event) in logged.iter().enumerate() {
            prop_assert_eq!(event.position, index as u64 + 1);
            prop_assert_eq!(event.version, index as u64 + 1);
        }
        let report = tracker.verify().expect("verify");
        prop_assert_eq!(report.first_break, None);
        prop_assert_eq!(report.events, events.len() as u64);
    }
}
