//! Finding things in the log: short ids and their prefixes wherever an id is taken, dates in
//! flags, `replay --to`, and (property) a prefix resolves exactly when one id starts with it.

mod common;

use common::{Cli, event_json, in_memory, validate};
use dyad::app::AppError;
use proptest::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

const FIRST: &str = "6bfb64d9-0000-4000-8000-000000000001";
const SECOND: &str = "6bfb64aa-0000-4000-8000-000000000002";

fn with_id(id: &str, summary: &str) -> Value {
    let mut event = event_json(summary);
    event["id"] = json!(id);
    event
}

#[test]
fn log_explain_and_status_show_the_short_ids_that_retract_and_correct_accept() {
    let cli = Cli::new();
    cli.append(
        &[
            with_id(FIRST, "Russia arms the Taliban"),
            with_id(SECOND, "Russia arms the Taliban again"),
        ],
        &[],
    );
    let log = cli.ok(&["log"], None);
    assert!(
        log.lines().next().unwrap_or_default().contains("ID"),
        "{log}"
    );
    assert!(
        log.contains("6bfb64d9") && log.contains("6bfb64aa"),
        "{log}"
    );
    let explain = cli.ok(&["explain", "--as-of", "2017-06-19"], None);
    assert!(explain.contains("6bfb64d9"), "{explain}");
    let status = cli.ok(&["status", "--as-of", "2017-06-19"], None);
    assert!(status.contains("6bfb64aa"), "{status}");

    // The 8 characters dyad prints are accepted, and so is any unique prefix of 6 or more.
    cli.ok(&["retract", "6bfb64d9", "--reason", "proved false"], None);
    let corrected = cli.ok(
        &["correct", "6BFB64A", "--reason", "a day later", "--json"],
        Some(r#"{"occurred_on": "2017-04-25"}"#),
    );
    let corrected: Value = serde_json::from_str(corrected.trim()).expect("JSON");
    assert_eq!(corrected["status"], "recorded", "{corrected}");
    let log = cli.json_lines(&["log", "--json"]);
    assert_eq!(log[2]["retracts"], FIRST, "{:?}", log[2]);
    assert_eq!(log[3]["corrects"], SECOND, "{:?}", log[3]);
}

#[test]
fn an_ambiguous_or_short_prefix_is_refused_naming_the_candidates() {
    let cli = Cli::new();
    cli.append(
        &[
            with_id(FIRST, "one report"),
            with_id(SECOND, "another report"),
        ],
        &[],
    );
    let ambiguous = cli.refused(&["retract", "6bfb64", "--reason", "x"], None);
    assert!(
        ambiguous.contains(FIRST) && ambiguous.contains(SECOND),
        "the candidates are listed: {ambiguous}"
    );
    let short = cli.refused(&["retract", "6bfb6", "--reason", "x"], None);
    assert!(short.contains("at least 6 characters"), "{short}");
    let unknown = cli.refused(&["retract", "abcdef12", "--reason", "x"], None);
    assert!(unknown.contains("no event"), "{unknown}");
    let not_hex = cli.refused(&["retract", "not-an-id", "--reason", "x"], None);
    assert!(not_hex.contains("is not an id"), "{not_hex}");
    assert_eq!(
        cli.json_lines(&["log", "--json"]).len(),
        2,
        "nothing written"
    );
}

#[test]
fn a_bad_date_in_a_flag_gets_the_message_append_gives() {
    let cli = Cli::new();
    let outcome = cli.run(&["status", "--as-of", "19/06/2017"], None);
    assert_eq!(outcome.code, 2, "a usage error: {outcome:?}");
    assert!(
        outcome
            .stderr
            .contains("`19/06/2017` is not a calendar date; expected YYYY-MM-DD"),
        "{}",
        outcome.stderr
    );
    let mut event = event_json("a bad date");
    event["occurred_on"] = json!("19/06/2017");
    let appended = cli.refused(&["append", "-"], Some(&event.to_string()));
    assert!(
        appended.contains("`19/06/2017` is not a calendar date; expected YYYY-MM-DD"),
        "{appended}"
    );
}

#[test]
fn known_at_a_bare_date_reads_the_log_at_the_end_of_that_day() {
    let cli = Cli::new();
    cli.append_shipped();
    let today = cli.json_lines(&["log", "--json"])[0]["recorded_at"]
        .as_str()
        .expect("recorded_at")[..10]
        .to_string();
    let yesterday = (chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").expect("date")
        - chrono::Days::new(1))
    .to_string();
    let status = |known_at: &str| -> Value {
        let text = cli.ok(
            &[
                "status",
                "--as-of",
                "2017-06-19",
                "--known-at",
                known_at,
                "--json",
            ],
            None,
        );
        serde_json::from_str(&text).expect("JSON")
    };
    assert_eq!(status(&today)["overall"]["events"], 18);
    assert_eq!(
        status(&today)["known_at"],
        format!("{today}T23:59:59.999999Z")
    );
    assert_eq!(status(&yesterday)["overall"]["events"], 0);
}

#[test]
fn replay_to_a_date_between_steps_ends_with_that_date() {
    let cli = Cli::new();
    cli.append_shipped();
    let rows = cli.json_lines(&[
        "replay",
        "--from",
        "2017-01-01",
        "--to",
        "2017-06-19",
        "--every",
        "month",
        "--json",
    ]);
    let dates: Vec<&str> = rows.iter().filter_map(|r| r["as_of"].as_str()).collect();
    assert_eq!(
        dates,
        [
            "2017-01-01",
            "2017-02-01",
            "2017-03-01",
            "2017-04-01",
            "2017-05-01",
            "2017-06-01",
            "2017-06-19"
        ]
    );
    let status: Value =
        serde_json::from_str(&cli.ok(&["status", "--as-of", "2017-06-19", "--json"], None))
            .expect("JSON");
    assert_eq!(rows[6], status, "the last row is the status on --to");
}

/// Ids drawn from a few shared stems and a few variants after them, so that prefixes of 6 to 14
/// digits are often shared.
fn ids() -> impl Strategy<Value = Vec<Uuid>> {
    let stem = prop::sample::select(vec![
        0x6bfb_64d9_u128,
        0x6bfb_64aa,
        0x6bfb_6400,
        0x1234_5678,
    ]);
    prop::collection::btree_set(
        (stem, 0u128..4, any::<u128>()).prop_map(|(stem, variant, rest)| {
            Uuid::from_u128(stem << 96 | variant << 80 | (rest & ((1 << 80) - 1)))
        }),
        1..12,
    )
    .prop_map(|set| set.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn short_ids_resolve_exactly_when_unique(ids in ids(), length in 6usize..=14, hyphenated in any::<bool>()) {
        let clock = common::clock();
        let mut tracker = in_memory(clock);
        let events = ids
            .iter()
            .map(|id| validate(&tracker, with_id(&id.to_string(), &format!("report {id}"))))
            .collect();
        tracker.append(events, None).expect("append");
        for id in &ids {
            let simple = id.simple().to_string();
            let prefix = &simple[..length];
            let typed = if hyphenated {
                id.to_string()[..length + usize::from(length > 8) + usize::from(length > 12)].to_string()
            } else {
                prefix.to_string()
            };
            let sharing = ids.iter().filter(|other| other.simple().to_string().starts_with(prefix)).count();
            match tracker.resolve_id(&typed) {
                Ok(found) => {
                    prop_assert_eq!(sharing, 1, "{} resolved though {} ids start with it", typed, sharing);
                    prop_assert_eq!(found, *id);
                }
                Err(AppError::Id(message)) => {
                    prop_assert!(sharing > 1, "{} refused though unique: {}", typed, message);
                    prop_assert!(message.contains(&id.to_string()), "{}", message);
                }
                Err(other) => prop_assert!(false, "{}: {}", typed, other),
            }
        }
    }
}
