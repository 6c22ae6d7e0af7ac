//! One event, many sources: `append` says when a report is likely an event the log holds
//! (`--strict-duplicates` refuses it); `corroborate` links another source to the report, which
//! counts once with a confidence raised by independent outlets (capped); `explain` lists the
//! sources; export and import carry corroborations; the inbox records a proposal as a source.
//! Property: corroborations never change the count of events a pillar reports.

mod common;

use common::{Cli, clock, date, event_json, in_memory, validate};
use dyad::app::When;
use dyad::domain::event::{CORROBORATED_CONFIDENCE_CAP, SourceInput, corroborated_confidence};
use proptest::prelude::*;
use serde_json::{Value, json};

fn expulsion(day: &str, outlet: &str) -> Value {
    let mut event = event_json(&format!("The US expels Russian diplomats ({outlet})"));
    event["occurred_on"] = json!(day);
    event["actor"] = json!("USA");
    event["target"] = json!("RUS");
    event["action"] = json!("expel_diplomats");
    event["issue"] = json!("diplomats");
    event["source"]["outlet"] = json!(outlet);
    event
}

fn log(cli: &Cli) -> Vec<Value> {
    cli.json_lines(&["log", "--json"])
}

#[test]
fn append_warns_of_a_likely_duplicate_and_strict_refuses_it() {
    let cli = Cli::new();
    let first = cli.append(&[expulsion("2017-04-10", "BuzzFeed News")], &[]);
    let first_id = first[0]["id"].as_str().expect("id").to_string();

    let again = expulsion("2017-04-12", "Reuters").to_string();
    let outcome = cli.run(&["append", "-"], Some(&again));
    assert_eq!(outcome.code, 0, "{outcome:?}");
    assert!(
        outcome.stderr.contains(&format!(
            "likely the same event as #1 {} (reported by BuzzFeed News)",
            &first_id[..8]
        )),
        "{}",
        outcome.stderr
    );
    assert_eq!(
        log(&cli).len(),
        2,
        "the analyst may know better: it is appended"
    );

    let third = expulsion("2017-04-11", "AP").to_string();
    let refused = cli.refused(&["append", "-", "--strict-duplicates"], Some(&third));
    assert!(
        refused.contains("line 1") && refused.contains("likely the same event"),
        "{refused}"
    );
    assert_eq!(log(&cli).len(), 2, "nothing was written");

    // Four days apart, or another action family, is another event.
    let later = expulsion("2017-04-16", "AP").to_string();
    let outcome = cli.run(&["append", "-", "--strict-duplicates"], Some(&later));
    assert_eq!(outcome.code, 0, "{outcome:?}");
    let mut sanctions = expulsion("2017-04-10", "AP");
    sanctions["action"] = json!("impose_sanctions");
    sanctions["issue"] = json!("sanctions");
    let outcome = cli.run(
        &["append", "-", "--strict-duplicates"],
        Some(&sanctions.to_string()),
    );
    assert_eq!(outcome.code, 0, "{outcome:?}");
}

#[test]
fn a_joint_action_is_the_same_event_in_either_order() {
    let cli = Cli::new();
    let mut talks = event_json("US and Russian diplomats meet in Geneva");
    talks["actor"] = json!("USA");
    talks["target"] = json!("RUS");
    talks["action"] = json!("consult");
    talks["issue"] = json!("strategic_dialogue");
    cli.append(&[talks.clone()], &[]);
    talks["actor"] = json!("RUS");
    talks["target"] = json!("USA");
    talks["summary"] = json!("Russia and the US hold talks in Geneva");
    let refused = cli.refused(
        &["append", "-", "--strict-duplicates"],
        Some(&talks.to_string()),
    );
    assert!(refused.contains("likely the same event"), "{refused}");
    // A one-sided deed in the other direction is another event.
    let mut warning = expulsion("2017-04-24", "AP");
    warning["actor"] = json!("RUS");
    warning["target"] = json!("USA");
    cli.append(&[expulsion("2017-04-24", "BuzzFeed News")], &[]);
    let outcome = cli.run(
        &["append", "-", "--strict-duplicates"],
        Some(&warning.to_string()),
    );
    assert_eq!(outcome.code, 0, "{outcome:?}");
}

#[test]
fn corroborations_count_once_raise_confidence_and_are_listed_by_explain() {
    let cli = Cli::new();
    let mut report = expulsion("2017-04-10", "BuzzFeed News");
    report["confidence"] = json!(0.6);
    let id = cli.append(&[report], &[])[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let status = |cli: &Cli| -> Value {
        serde_json::from_str(&cli.ok(&["status", "--as-of", "2017-04-10", "--json"], None))
            .expect("JSON")
    };
    let explain = |cli: &Cli| -> Value {
        serde_json::from_str(&cli.ok(
            &[
                "explain",
                "--pillar",
                "pushback",
                "--as-of",
                "2017-04-10",
                "--json",
            ],
            None,
        ))
        .expect("JSON")
    };
    let before = status(&cli);
    assert_eq!(explain(&cli)["contributions"][0]["confidence"], 0.6);

    let corroborate = |outlet: &str| {
        cli.ok(
            &[
                "corroborate",
                &id[..8],
                "--outlet",
                outlet,
                "--reason",
                "the same expulsion",
            ],
            None,
        )
    };
    corroborate("Reuters");
    assert_eq!(explain(&cli)["contributions"][0]["confidence"], 0.8);
    corroborate("buzzfeed news"); // the report's own outlet: not independent
    corroborate("REUTERS"); // already counted
    assert_eq!(explain(&cli)["contributions"][0]["confidence"], 0.8);
    corroborate("AP");
    corroborate("AFP");
    corroborate("TASS");
    let after = explain(&cli);
    assert_eq!(
        after["contributions"][0]["confidence"],
        CORROBORATED_CONFIDENCE_CAP
    );
    assert_eq!(
        after["contributions"][0]["corroborations"]
            .as_array()
            .map(Vec::len),
        Some(6)
    );

    let now = status(&cli);
    assert_eq!(
        now["overall"]["events"], before["overall"]["events"],
        "counted once"
    );
    assert_eq!(now["pillars"][0]["events"], 1);
    let text = cli.ok(
        &["explain", "--pillar", "pushback", "--as-of", "2017-04-10"],
        None,
    );
    assert!(text.contains("also reported by: Reuters"), "{text}");
    assert!(text.contains("also reported by: TASS"), "{text}");

    // Repeating a corroboration is a no-op.
    let repeated = corroborate("AP");
    assert!(
        repeated.contains("0 recorded, 1 already recorded"),
        "{repeated}"
    );

    // Export and import carry them: the same status in a new log.
    let exported = cli.ok(&["export"], None);
    assert_eq!(
        exported
            .lines()
            .filter(|l| l.contains("\"corroboration\""))
            .count(),
        6
    );
    let copy = Cli::new();
    copy.ok(&["import", "-"], Some(&exported));
    let imported = status(&copy);
    // The same numbers (an import records events anew, so recorded times differ).
    assert_eq!(imported["overall"], now["overall"]);
    for key in ["score", "events", "weight", "level"] {
        assert_eq!(imported["pillars"][0][key], now["pillars"][0][key], "{key}");
    }
    assert_eq!(
        imported["pillars"][0]["drivers"][0]["corroborations"]
            .as_array()
            .map(Vec::len),
        Some(6)
    );
    copy.ok(&["verify"], None);
    let reimported = copy.ok(&["import", "-"], Some(&exported));
    assert!(reimported.contains("0 appended"), "{reimported}");
}

#[test]
fn the_inbox_says_so_and_records_a_proposal_as_a_source() {
    let cli = Cli::new();
    let article = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/tillerson_2017_article.txt");
    let article = article.to_str().expect("path");
    // The log already holds the arms report from another outlet.
    let mut arms = event_json("Russia supplies weapons to the Taliban");
    arms["occurred_on"] = json!("2017-06-18");
    arms["source"]["outlet"] = json!("Reuters");
    let report = cli.append(&[arms], &[])[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    cli.ok(&["ingest", article, "--published", "2017-06-19"], None);
    let pending = cli.json_lines(&["inbox", "--json"]);
    let proposal = pending
        .iter()
        .find(|p| p["event"]["action"] == "arm_adversary")
        .expect("the arms proposal");
    assert_eq!(
        proposal["likely_duplicates"][0]["id"],
        report.as_str(),
        "{proposal}"
    );
    let listed = cli.ok(&["inbox"], None);
    assert!(listed.contains("likely the same event as #1"), "{listed}");

    let proposal_id = &proposal["id"].as_str().expect("id")[..8];
    cli.ok(
        &[
            "inbox",
            "accept",
            proposal_id,
            "--corroborates",
            &report[..8],
        ],
        None,
    );
    let log = log(&cli);
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["kind"], "corroboration");
    assert_eq!(log[1]["corroborates"], report.as_str());
    assert_eq!(log[1]["source"]["outlet"], "BuzzFeed News");
    assert_eq!(
        cli.json_lines(&["inbox", "--json"]).len(),
        pending.len() - 1
    );
}

#[test]
fn the_confidence_formula_halves_the_doubt_and_stops_at_the_cap() {
    assert_eq!(corroborated_confidence(0.6, 0), 0.6);
    assert!((corroborated_confidence(0.6, 1) - 0.8).abs() < 1e-12);
    assert!((corroborated_confidence(0.6, 2) - 0.9).abs() < 1e-12);
    assert_eq!(
        corroborated_confidence(0.6, 10),
        CORROBORATED_CONFIDENCE_CAP
    );
    assert_eq!(
        corroborated_confidence(1.0, 3),
        1.0,
        "never below the coder's"
    );
    assert_eq!(corroborated_confidence(0.0, 1), 0.5);
}

const ACTIONS: [&str; 4] = ["expel_diplomats", "consult", "warn", "arm_adversary"];
const OUTLETS: [&str; 4] = ["Reuters", "AP", "TASS", "BuzzFeed News"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn corroborations_never_change_how_many_events_a_pillar_counts(
        reports in prop::collection::vec((0u32..400, prop::sample::select(ACTIONS.to_vec()), 1u32..=10), 1..15),
        corroborations in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(OUTLETS.to_vec())), 0..20),
        as_of_day in 0u32..500,
    ) {
        let mut tracker = in_memory(clock());
        let events: Vec<_> = reports
            .iter()
            .enumerate()
            .map(|(index, (day, action, tenths))| {
                let mut value = event_json(&format!("report {index}"));
                value["occurred_on"] = json!((date("2016-01-01") + chrono::Duration::days(i64::from(*day))).to_string());
                value["action"] = json!(action);
                value["actor"] = json!("RUS");
                value["target"] = json!("USA");
                value["confidence"] = json!(f64::from(*tenths) / 10.0);
                validate(&tracker, value)
            })
            .collect();
        let ids: Vec<_> = events.iter().map(|e| e.id).collect();
        tracker.append(events, None).expect("append");
        let when = When::on(date("2016-01-01") + chrono::Duration::days(i64::from(as_of_day)));
        let before = tracker.status(None, when).expect("status");
        for (index, outlet) in &corroborations {
            let source = SourceInput {
                outlet: outlet.to_string(),
                url: None,
                published_on: None,
                attribution: None,
                quote: None,
            };
            tracker
                .corroborate(*index.get(&ids), source, "the same event")
                .expect("corroborate");
        }
        let after = tracker.status(None, when).expect("status");
        prop_assert_eq!(after.overall.events, before.overall.events);
        for (now, then) in after.pillars.iter().zip(&before.pillars) {
            prop_assert_eq!(now.events, then.events, "{}", now.id);
            for (now, then) in now.issues.iter().zip(&then.issues) {
                prop_assert_eq!(now.events, then.events);
            }
            prop_assert!(now.weight >= then.weight, "confidence only rises");
        }
    }
}

#[test]
fn accepting_or_committing_a_likely_duplicate_says_so() {
    let article = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/tillerson_2017_article.txt");
    let article = article.to_str().expect("path");
    let mut arms = event_json("Russia supplies weapons to the Taliban");
    arms["occurred_on"] = json!("2017-06-18");
    arms["source"]["outlet"] = json!("Reuters");

    let cli = Cli::new();
    cli.append(&[arms.clone()], &[]);
    cli.ok(&["ingest", article, "--published", "2017-06-19"], None);
    let proposal = cli
        .json_lines(&["inbox", "--json"])
        .into_iter()
        .find(|p| p["event"]["action"] == "arm_adversary")
        .expect("the arms proposal");
    let id = &proposal["id"].as_str().expect("id")[..8];
    let outcome = cli.run(&["inbox", "accept", id], None);
    assert_eq!(outcome.code, 0, "{outcome:?}");
    assert!(
        outcome
            .stderr
            .contains(&format!("proposal {id}: likely the same event as #1")),
        "{}",
        outcome.stderr
    );

    let committed = Cli::new();
    committed.append(&[arms], &[]);
    let outcome = committed.run(
        &["ingest", article, "--published", "2017-06-19", "--commit"],
        None,
    );
    assert_eq!(outcome.code, 0, "{outcome:?}");
    assert!(
        outcome.stderr.contains("likely the same event as #1"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_corroboration_invalidates_the_checkpoints_that_counted_its_report() {
    let clock = clock();
    let mut cached = in_memory(clock.clone()).with_checkpoints(Some(1));
    let mut report = event_json("Russia arms the Taliban");
    report["confidence"] = json!(0.5);
    let event = validate(&cached, report);
    let id = event.id;
    cached.append(vec![event], None).expect("append");
    let when = When::on(date("2017-06-19"));
    let before = cached.status(None, when).expect("status");
    let source = SourceInput {
        outlet: "Reuters".into(),
        url: None,
        published_on: None,
        attribution: None,
        quote: None,
    };
    cached
        .corroborate(id, source, "the same shipment")
        .expect("corroborate");
    let after = cached.status(None, when).expect("status");
    let uncached = cached.with_checkpoints(None);
    assert_eq!(after, uncached.status(None, when).expect("status"));
    assert!(after.overall.weight > before.overall.weight, "{after:?}");
    assert_eq!(after.overall.events, before.overall.events);
}
