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

/// The full log as `log --json` gives it.
fn full_log(cli: &Cli) -> Vec<Value> {
    cli.json_lines(&["log", "--json"])
}

fn ids_of(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn log_filters_select_the_reports_they_name() {
    let cli = Cli::new();
    cli.append_shipped();
    let all = full_log(&cli);
    let lower = |v: &Value| v.as_str().unwrap_or_default().to_lowercase();
    type Wanted = Box<dyn Fn(&Value) -> bool>;
    let cases: Vec<(Vec<&str>, Wanted)> = vec![
        (vec!["--actor", "RUS"], Box::new(|e| e["actor"] == "RUS")),
        (
            vec!["--target", "TALIBAN"],
            Box::new(|e| e["target"] == "TALIBAN"),
        ),
        (
            vec!["--pillar", "engagement"],
            Box::new(|e| e["pillar"] == "engagement"),
        ),
        (
            vec!["--issue", "syria"],
            Box::new(|e| e["issue"] == "syria"),
        ),
        (
            vec!["--action", "expel_diplomats"],
            Box::new(|e| e["action"] == "expel_diplomats"),
        ),
        (
            vec!["--source", "white HOUSE"],
            Box::new(move |e| lower(&e["source"]["outlet"]).contains("white house")),
        ),
        (
            vec!["--grep", "Taliban"],
            Box::new(|e| {
                [&e["summary"], &e["quote"], &e["source"]["quote"]]
                    .iter()
                    .any(|v| {
                        v.as_str()
                            .unwrap_or_default()
                            .to_lowercase()
                            .contains("taliban")
                    })
            }),
        ),
        (
            vec!["--actor", "USA", "--pillar", "pushback"],
            Box::new(|e| e["actor"] == "USA" && e["pillar"] == "pushback"),
        ),
    ];
    for (flags, wanted) in cases {
        let expected: Vec<Value> = all.iter().filter(|e| wanted(e)).cloned().collect();
        assert!(
            !expected.is_empty(),
            "{flags:?} selects something in the shipped log"
        );
        assert!(expected.len() < all.len(), "{flags:?} leaves something out");
        let listed = cli.json_lines(&[&["log", "--json"][..], &flags].concat());
        assert_eq!(ids_of(&listed), ids_of(&expected), "{flags:?}");
        let table = cli.ok(&[&["log"][..], &flags].concat(), None);
        assert_eq!(
            table.lines().count(),
            expected.len() + 1,
            "{flags:?}: {table}"
        );
    }
    let limited = cli.json_lines(&["log", "--json", "--actor", "USA", "--limit", "2"]);
    assert_eq!(
        ids_of(&limited),
        ids_of(
            &all.iter()
                .filter(|e| e["actor"] == "USA")
                .take(2)
                .cloned()
                .collect::<Vec<_>>()
        )
    );

    for (flag, value) in [
        ("--pillar", "detente"),
        ("--issue", "mars"),
        ("--actor", "XXX"),
        ("--action", "hug"),
    ] {
        let refused = cli.refused(&["log", flag, value], None);
        assert!(
            refused.contains(flag) && refused.contains(value),
            "{refused}"
        );
    }
}

#[test]
fn corrected_and_retracted_reports_are_flagged_and_their_amendments_follow_them() {
    let cli = Cli::new();
    cli.append_shipped();
    let all = full_log(&cli);
    assert!(
        all.iter()
            .all(|e| e["corrected"] == false && e["retracted"] == false)
    );
    let taliban = all
        .iter()
        .find(|e| e["target"] == "TALIBAN")
        .expect("arms report");
    let sanctions = all
        .iter()
        .find(|e| e["action"] == "impose_sanctions")
        .expect("sanctions");
    let (taliban_id, sanctions_id) = (
        taliban["id"].as_str().expect("id"),
        sanctions["id"].as_str().expect("id"),
    );
    cli.ok(
        &["retract", &taliban_id[..8], "--reason", "proved false"],
        None,
    );
    cli.ok(
        &["correct", &sanctions_id[..8], "--reason", "a typo"],
        Some(r#"{"intensity": -5.5}"#),
    );
    let flagged = |id: &str| -> Value {
        full_log(&cli)
            .into_iter()
            .find(|e| e["id"] == id)
            .expect("listed")
    };
    assert_eq!(flagged(taliban_id)["retracted"], true);
    assert_eq!(flagged(taliban_id)["corrected"], false);
    assert_eq!(flagged(sanctions_id)["corrected"], true);
    let table = cli.ok(&["log", "--target", "TALIBAN"], None);
    assert!(table.contains("action[R]"), "{table}");
    assert_eq!(
        table.lines().count(),
        3,
        "the report and its retraction: {table}"
    );
    let table = cli.ok(&["log", "--action", "impose_sanctions"], None);
    assert!(table.contains("action[C]"), "{table}");

    // As the log stood before the amendments, nothing was flagged.
    let before = all.last().expect("events")["recorded_at"]
        .as_str()
        .expect("t")
        .to_string();
    let then = cli.json_lines(&["log", "--json", "--known-at", &before]);
    assert!(
        then.iter()
            .all(|e| e["corrected"] == false && e["retracted"] == false)
    );
}

#[test]
fn log_csv_quotes_whatever_the_fields_hold() {
    let cli = Cli::new();
    let mut tricky = event_json(r#"Russia says "no", then "yes, maybe", to the US"#);
    tricky["source"]["outlet"] = json!("Reuters, London");
    cli.append(&[tricky, event_json("plain")], &[]);
    let text = cli.ok(&["log", "--csv"], None);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let column = |name: &str| header.iter().position(|c| c == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    let json = full_log(&cli);
    assert_eq!(rows.len(), json.len());
    for (row, event) in rows.iter().zip(&json) {
        assert_eq!(row.len(), header.len());
        assert_eq!(
            Some(row[column("id")].to_string()),
            event["id"].as_str().map(String::from)
        );
        assert_eq!(Some(&row[column("summary")]), event["summary"].as_str());
        assert_eq!(
            Some(&row[column("outlet")]),
            event["source"]["outlet"].as_str()
        );
        assert_eq!(Some(&row[column("pillar")]), event["pillar"].as_str());
    }
}

/// The score CSV holds for a reading of `status --json`: none where there is no data.
fn csv_score(reading: &Value) -> Option<f64> {
    if reading["level"].is_null() {
        None
    } else {
        reading["score"].as_f64()
    }
}

#[test]
fn replay_csv_long_and_with_issues_equals_the_json_rows() {
    let cli = Cli::new();
    cli.append_shipped();
    let range = [
        "replay",
        "--from",
        "2017-01-01",
        "--to",
        "2017-06-19",
        "--every",
        "month",
    ];
    let json = cli.json_lines(&[&range[..], &["--json"]].concat());

    let long = cli.ok(
        &[&range[..], &["--csv", "--long", "--issues"]].concat(),
        None,
    );
    let mut reader = csv::Reader::from_reader(long.as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        ["date", "pillar", "issue", "level", "score", "events"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    let mut expected_rows = 0;
    for status in &json {
        let date = status["as_of"].as_str().expect("date");
        let on_date: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == date).collect();
        let overall = on_date
            .iter()
            .find(|r| &r[1] == "overall")
            .expect("overall row");
        assert_eq!(
            overall[4].parse::<f64>().ok(),
            status["overall"]["score"].as_f64()
        );
        expected_rows += 1;
        for pillar in status["pillars"].as_array().expect("pillars") {
            expected_rows += 1 + pillar["issues"].as_array().expect("issues").len();
            let id = pillar["id"].as_str().expect("id");
            let row = on_date
                .iter()
                .find(|r| &r[1] == id && r[2].is_empty())
                .expect("pillar row");
            assert_eq!(row[4].parse::<f64>().ok(), csv_score(pillar), "{date} {id}");
            assert_eq!(&row[3], pillar["level"].as_str().unwrap_or_default());
            assert_eq!(
                row[5].parse::<u64>().ok(),
                pillar["events"].as_u64(),
                "{date} {id}"
            );
            for issue in pillar["issues"].as_array().expect("issues") {
                let issue_id = issue["id"].as_str().expect("id");
                let row = on_date
                    .iter()
                    .find(|r| &r[1] == id && &r[2] == issue_id)
                    .expect("issue row");
                assert_eq!(row[4].parse::<f64>().ok(), csv_score(issue));
            }
        }
    }
    assert_eq!(rows.len(), expected_rows);

    let wide = cli.ok(&[&range[..], &["--csv", "--issues"]].concat(), None);
    let mut reader = csv::Reader::from_reader(wide.as_bytes());
    let header = reader.headers().expect("header").clone();
    let column = |name: &str| header.iter().position(|c| c == name).expect(name);
    let last = reader.records().last().expect("rows").expect("record");
    let status = json.last().expect("rows");
    let syria = status["pillars"][1]["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .find(|i| i["id"] == "syria")
        .expect("syria has reports by the article's day");
    assert_eq!(
        last[column("engagement_syria_score")].parse::<f64>().ok(),
        csv_score(syria)
    );
    let refused = cli.run(&[&range[..], &["--long"]].concat(), None);
    assert_eq!(refused.code, 2, "--long needs --csv");
}
