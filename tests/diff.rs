//! `dyad diff`: two dates (how each pillar and issue moved, and the reports in between) or two
//! moments of the log (how the answer for a date changed, and what was recorded in between).
//! Property: a diff between two known-at moments equals the difference of the two statuses.

mod common;

use common::{Cli, clock, date, event_json, in_memory, validate};
use dyad::app::{Diff, When};
use dyad::domain::clock::Clock;
use dyad::projection::Status;
use proptest::prelude::*;
use serde_json::{Value, json};

fn status(cli: &Cli, args: &[&str]) -> Value {
    serde_json::from_str(&cli.ok(&[&["status", "--json"][..], args].concat(), None)).expect("JSON")
}

fn diff(cli: &Cli, args: &[&str]) -> Value {
    serde_json::from_str(&cli.ok(
        &[&["diff", "--json", "--limit", "0"][..], args].concat(),
        None,
    ))
    .expect("JSON")
}

fn movement<'a>(diff: &'a Value, id: &str) -> &'a Value {
    diff["movements"]
        .as_array()
        .expect("movements")
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no movement {id}: {diff}"))
}

#[test]
fn a_diff_of_two_dates_is_the_two_statuses_and_the_reports_in_between() {
    let cli = Cli::new();
    cli.append_shipped();
    let (from, to) = ("2017-01-01", "2017-06-19");
    let diff = diff(&cli, &["--as-of", from, "--as-of", to]);
    let (before, after) = (
        status(&cli, &["--as-of", from]),
        status(&cli, &["--as-of", to]),
    );
    let overall = movement(&diff, "overall");
    assert_eq!(overall["before"]["score"], before["overall"]["score"]);
    assert_eq!(overall["after"]["score"], after["overall"]["score"]);
    for pillar in after["pillars"].as_array().expect("pillars") {
        let id = pillar["id"].as_str().expect("id");
        assert_eq!(
            movement(&diff, id)["after"]["level"],
            pillar["level"],
            "{id}"
        );
        for issue in pillar["issues"].as_array().expect("issues") {
            let scope = format!("{id}/{}", issue["id"].as_str().expect("id"));
            assert_eq!(
                movement(&diff, &scope)["after"]["score"],
                issue["score"],
                "{scope}"
            );
        }
    }
    let between = cli
        .json_lines(&["log", "--json"])
        .iter()
        .filter(|e| {
            let day = e["occurred_on"].as_str().unwrap_or_default();
            day > from && day <= to
        })
        .count();
    assert_eq!(diff["events_total"], between);
    let events = overall["events_change"].as_i64().expect("count");
    assert_eq!(
        events,
        i64::try_from(between).expect("small"),
        "every report in between is new"
    );
    let text = cli.ok(
        &["diff", "--as-of", from, "--as-of", to, "--limit", "3"],
        None,
    );
    assert!(text.contains("strongest first (3 of 16)"), "{text}");
}

#[test]
fn a_diff_of_two_moments_lists_late_reports_corrections_and_retractions() {
    let cli = Cli::new();
    cli.append_shipped();
    let log = cli.json_lines(&["log", "--json"]);
    let t1 = log.last().expect("events")["recorded_at"]
        .as_str()
        .expect("t")
        .to_string();
    let arms = log.iter().find(|e| e["target"] == "TALIBAN").expect("arms")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let sanctions = log
        .iter()
        .find(|e| e["action"] == "impose_sanctions")
        .expect("sanctions")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let mut late = event_json("A late report of more arms");
    late["occurred_on"] = json!("2017-05-01");
    cli.append(&[late], &[]);
    cli.ok(
        &["correct", &arms[..8], "--reason", "overstated"],
        Some(r#"{"intensity": -3.0}"#),
    );
    cli.ok(&["retract", &sanctions[..8], "--reason", "wrong"], None);
    let mut after_the_date = event_json("Something in 2018");
    after_the_date["occurred_on"] = json!("2018-01-01");
    after_the_date["source"] = json!({"outlet": "Wire"});
    cli.append(&[after_the_date], &[]);
    let t2 = cli.json_lines(&["log", "--json"]).last().expect("events")["recorded_at"]
        .as_str()
        .expect("t")
        .to_string();

    let day = "2017-06-19";
    let diff = diff(
        &cli,
        &["--known-at", &t1, "--known-at", &t2, "--as-of", day],
    );
    let kinds: Vec<&str> = diff["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["action", "correction", "retraction"], "{diff}");
    let (before, after) = (
        status(&cli, &["--as-of", day, "--known-at", &t1]),
        status(&cli, &["--as-of", day, "--known-at", &t2]),
    );
    let overall = movement(&diff, "overall");
    assert_eq!(overall["before"]["score"], before["overall"]["score"]);
    assert_eq!(overall["after"]["score"], after["overall"]["score"]);
    assert_eq!(
        overall["events_change"], 0,
        "one late report in, one retracted out"
    );

    let usage = cli.run(&["diff", "--as-of", day], None);
    assert_eq!(usage.code, 2, "{usage:?}");
    let reversed = cli.refused(&["diff", "--as-of", day, "--as-of", "2017-01-01"], None);
    assert!(reversed.contains("before"), "{reversed}");
}

fn scores(status: &Status) -> Vec<(String, f64, u64)> {
    let mut all = vec![(
        "overall".to_string(),
        status.overall.score,
        status.overall.events,
    )];
    for pillar in &status.pillars {
        all.push((pillar.id.clone(), pillar.score, pillar.events));
        for issue in &pillar.issues {
            all.push((
                format!("{}/{}", pillar.id, issue.id),
                issue.score,
                issue.events,
            ));
        }
    }
    all
}

const ACTIONS: [&str; 4] = ["expel_diplomats", "consult", "warn", "praise"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn a_diff_between_two_moments_is_the_difference_of_the_two_statuses(
        batches in prop::collection::vec(
            prop::collection::vec((0u32..600, prop::sample::select(ACTIONS.to_vec())), 1..4),
            2..6,
        ),
        retract_first in any::<bool>(),
        picks in (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
        as_of_day in 0u32..700,
    ) {
        let clock = clock();
        let mut tracker = in_memory(clock.clone());
        let mut moments = vec![clock.now()];
        let mut first_id = None;
        for (batch_index, batch) in batches.iter().enumerate() {
            clock.advance(chrono::Duration::hours(1));
            let events: Vec<_> = batch
                .iter()
                .enumerate()
                .map(|(index, (day, action))| {
                    let mut value = event_json(&format!("report {batch_index}.{index}"));
                    value["occurred_on"] = json!((date("2016-01-01") + chrono::Duration::days(i64::from(*day))).to_string());
                    value["action"] = json!(action);
                    value["actor"] = json!("USA");
                    value["target"] = json!("RUS");
                    value["source"] = json!({"outlet": "Wire"});
                    validate(&tracker, value)
                })
                .collect();
            first_id.get_or_insert(events[0].id);
            tracker.append(events, None).expect("append");
            moments.push(clock.now());
            if retract_first && batch_index == 1 {
                clock.advance(chrono::Duration::hours(1));
                tracker.retract(first_id.expect("a report"), "wrong", None).expect("retract");
                moments.push(clock.now());
            }
        }
        let (a, b) = (*picks.0.get(&moments), *picks.1.get(&moments));
        let (t1, t2) = (a.min(b), a.max(b));
        let as_of = date("2016-01-01") + chrono::Duration::days(i64::from(as_of_day));
        let diff: Diff = tracker.diff_known_at(None, (t1, t2), Some(as_of), usize::MAX).expect("diff");
        let before = tracker.status(None, When { as_of: Some(as_of), known_at: Some(t1) }).expect("status");
        let after = tracker.status(None, When { as_of: Some(as_of), known_at: Some(t2) }).expect("status");
        let (before, after) = (scores(&before), scores(&after));
        for movement in &diff.movements {
            let find = |list: &[(String, f64, u64)]| list.iter().find(|(id, ..)| *id == movement.id).map(|(_, s, e)| (*s, *e));
            let (was, now) = (find(&before), find(&after));
            let score = |r: Option<(f64, u64)>| r.map_or(0.0, |r| r.0);
            let events = |r: Option<(f64, u64)>| r.map_or(0, |r| r.1) as i64;
            prop_assert!((movement.change - (score(now) - score(was))).abs() < 0.0051, "{}", movement.id);
            prop_assert_eq!(movement.events_change, events(now) - events(was), "{}", &movement.id);
            prop_assert_eq!(movement.before.as_ref().map(|r| r.score), was.map(|r| r.0));
            prop_assert_eq!(movement.after.as_ref().map(|r| r.score), now.map(|r| r.0));
        }
        prop_assert_eq!(diff.movements.len(), {
            let mut ids: Vec<&String> = before.iter().chain(&after).map(|(id, ..)| id).collect();
            ids.sort();
            ids.dedup();
            ids.len()
        });
        if diff.events.is_empty() {
            prop_assert_eq!(before, after, "nothing recorded in between bears on the date");
        }
    }
}
