//! Who recorded each event: `--as`, `$DYAD_USER`, the system user, or the service token's owner;
//! shown by `log`, `explain` and the report; covered by the hash chain for new events, while
//! events recorded before dyad kept it read as `unknown` and verify unchanged.

mod common;

use common::{Cli, event_json};
use dyad::app::Tracker;
use dyad::domain::clock::SystemClock;
use dyad::domain::framework::Framework;
use dyad::server::{ServerConfig, Token};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

const V1_FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/log_schema_v1.db"
);

fn recorders(cli: &Cli) -> Vec<String> {
    cli.json_lines(&["log", "--json"])
        .iter()
        .map(|e| e["recorded_by"].as_str().expect("recorded_by").to_string())
        .collect()
}

#[test]
fn as_then_dyad_user_then_the_system_user_record_events() {
    let cli = Cli::new();
    cli.append(&[event_json("first")], &["--as", "ana"]);
    let mut command = cli.command(&["append", "-"]);
    command.env("DYAD_USER", "bo");
    let outcome = cli.run_with(command, Some(&event_json("second").to_string()));
    assert_eq!(outcome.code, 0, "{outcome:?}");
    cli.append(&[event_json("third")], &[]);
    assert_eq!(recorders(&cli), ["ana", "bo", "tester"]);

    let log = cli.ok(&["log"], None);
    assert!(
        log.lines()
            .next()
            .unwrap_or_default()
            .contains("RECORDED BY")
    );
    assert!(log.contains("ana") && log.contains("bo"), "{log}");

    let first_id = cli.json_lines(&["log", "--json"])[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    cli.ok(
        &[
            "correct",
            &first_id,
            "--reason",
            "a day later",
            "--as",
            "cy",
        ],
        Some(r#"{"occurred_on": "2017-04-23"}"#),
    );
    let explain = cli.ok(&["explain", "--as-of", "2017-06-19", "--limit", "0"], None);
    assert!(explain.contains("recorded by ana"), "{explain}");
    assert!(explain.contains("by cy: occurred_on"), "{explain}");
    let json: Value =
        serde_json::from_str(&cli.ok(&["explain", "--as-of", "2017-06-19", "--json"], None))
            .expect("JSON");
    let by: Vec<&str> = json["contributions"]
        .as_array()
        .expect("contributions")
        .iter()
        .filter_map(|c| c["recorded_by"].as_str())
        .collect();
    assert_eq!(by.len(), 3, "{json}");
    let report = cli.ok(
        &["report", "--from", "2017-01-01", "--to", "2017-06-19"],
        None,
    );
    assert!(report.contains("recorded by bo"), "{report}");
    cli.ok(&["verify"], None);
}

#[test]
fn a_blank_name_is_refused_and_nothing_is_written() {
    let cli = Cli::new();
    let refused = cli.refused(
        &["append", "-", "--as", "  "],
        Some(&event_json("x").to_string()),
    );
    assert!(refused.contains("blank"), "{refused}");
    assert!(!cli.db().exists(), "nothing was written, not even a log");
}

#[test]
fn the_name_is_in_the_hashed_envelope_of_new_events() {
    let cli = Cli::new();
    cli.append(
        &[event_json("first"), event_json("second")],
        &["--as", "ana"],
    );
    let raw = rusqlite::Connection::open(cli.db()).expect("raw");
    raw.execute_batch("DROP TRIGGER events_are_never_updated;")
        .expect("drop trigger");
    raw.execute(
        "UPDATE events SET recorded_by = 'mallory' WHERE position = 2",
        [],
    )
    .expect("tamper");
    let outcome = cli.run(&["verify"], None);
    assert_eq!(outcome.code, 1, "{outcome:?}");
    assert!(outcome.stdout.contains("position 2"), "{}", outcome.stdout);

    raw.execute(
        "UPDATE events SET recorded_by = NULL WHERE position = 2",
        [],
    )
    .expect("tamper");
    assert_eq!(
        cli.run(&["verify"], None).code,
        1,
        "removing the name breaks it too"
    );
}

#[test]
fn events_recorded_before_the_migration_read_as_unknown_and_verify() {
    let cli = Cli::new();
    std::fs::copy(Path::new(V1_FIXTURE), cli.db()).expect("copy the fixture");
    let before = cli.json_lines(&["log", "--json"]);
    assert!(!before.is_empty());
    assert!(before.iter().all(|e| e["recorded_by"] == "unknown"));
    cli.ok(&["verify"], None);
    cli.append(&[event_json("a new one")], &["--as", "ana"]);
    assert_eq!(recorders(&cli).last().map(String::as_str), Some("ana"));
    let verified = cli.ok(&["verify"], None);
    assert!(verified.starts_with("sound"), "{verified}");
}

#[tokio::test]
async fn the_service_records_appends_as_the_write_token_owners() {
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("ana.token");
    std::fs::write(&token_file, "s3cret\n").expect("token file");
    let db = dir.path().join("serve.db");
    let mut config = ServerConfig::new(db.clone());
    config.write_token = Some(Token::from_file(&token_file).expect("token"));
    let mut served = common::Served::start(dir, config).await;
    let response = reqwest::Client::new()
        .post(served.url("/v1/events"))
        .bearer_auth("s3cret")
        .body(event_json("over HTTP").to_string())
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status().as_u16(), 201);
    served
        .halt()
        .await
        .expect("stopped in time")
        .expect("stopped cleanly");

    let tracker = Tracker::open(&db, Framework::builtin(), Arc::new(SystemClock)).expect("open");
    let mut seen = Vec::new();
    tracker
        .log(&Default::default(), |logged, _| {
            seen.push(logged.recorded_by.clone());
            std::ops::ControlFlow::Continue(())
        })
        .expect("log");
    assert_eq!(seen, ["ana"]);
}
