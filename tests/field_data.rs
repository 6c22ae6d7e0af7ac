//! The field's event data imported: `dyad import --format gdelt|icews|plover` on small files
//! written for these tests (real US–Russia events, and rows of other pairs that must be left out).

mod common;

use common::Cli;
use serde_json::Value;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/field")
        .join(name)
        .display()
        .to_string()
}

/// The log's reports as `export` writes them, in log order.
fn exported(cli: &Cli) -> Vec<Value> {
    cli.json_lines(&["export"])
}

/// (date, actor, target, action) of each report.
fn acts(events: &[Value]) -> Vec<(String, String, String, String)> {
    events
        .iter()
        .map(|e| {
            let text = |key: &str| e[key].as_str().expect(key).to_string();
            (
                text("occurred_on"),
                text("actor"),
                text("target"),
                text("action"),
            )
        })
        .collect()
}

fn act(date: &str, actor: &str, target: &str, action: &str) -> (String, String, String, String) {
    (date.into(), actor.into(), target.into(), action.into())
}

#[test]
fn gdelt_rows_between_the_two_states_become_events_in_either_direction() {
    let cli = Cli::new();
    let out = cli.ok(
        &["import", "--format", "gdelt", &fixture("gdelt2.tsv")],
        None,
    );
    assert!(
        out.contains("9 rows, 7 of USA-RUS: 6 events (1 repeated rows merged)"),
        "{out}"
    );
    let events = exported(&cli);
    assert_eq!(
        acts(&events),
        vec![
            act("2014-03-17", "USA", "RUS", "impose_sanctions"),
            // `1631` maps through its parent `163`; RUSGOV and USAGOV are the states.
            act("2014-03-20", "RUS", "USA", "impose_sanctions"),
            act("2016-12-29", "USA", "RUS", "expel_diplomats"),
            act("2018-07-16", "USA", "RUS", "hold_summit"),
            // No country codes on the row: the actor codes name the states.
            act("2021-02-03", "USA", "RUS", "sign_agreement"),
            act("2022-02-24", "USA", "RUS", "disapprove"),
        ],
        "Russia's strike on Ukraine and a US-China row are not the dyad's"
    );
    let sanctions = &events[0];
    assert_eq!(sanctions["intensity"], -8.0, "the Goldstein value");
    // Two rows of the same day, pair and code, with 3 and 2 sources: one event, five sources.
    assert_eq!(sanctions["confidence"], 0.95);
    assert!(
        sanctions["source"]["attribution"]
            .as_str()
            .expect("attribution")
            .contains("quad class 4; 5 sources, 13 articles")
    );
    assert_eq!(events[1]["confidence"], 0.5, "a single source");
    assert_eq!(sanctions["source"]["outlet"], "theguardian.com");
}

#[test]
fn gdelt_one_comma_separated_with_its_header_reads_the_same_way() {
    let cli = Cli::new();
    cli.ok(
        &["import", "--format", "gdelt", &fixture("gdelt1.csv")],
        None,
    );
    assert_eq!(
        acts(&exported(&cli)),
        vec![
            act("2019-02-01", "USA", "RUS", "reduce_relations"),
            act("2019-02-02", "RUS", "USA", "reduce_relations"),
            act("2019-05-14", "USA", "RUS", "consult"),
        ]
    );
}

#[test]
fn importing_the_same_file_again_adds_nothing() {
    let cli = Cli::new();
    cli.ok(
        &["import", "--format", "gdelt", &fixture("gdelt2.tsv")],
        None,
    );
    let again = cli.ok(
        &["import", "--format", "gdelt", &fixture("gdelt2.tsv")],
        None,
    );
    assert!(again.contains("0 appended, 6 already recorded"), "{again}");
    assert_eq!(exported(&cli).len(), 6);
}

#[test]
fn icews_countries_named_in_full_are_the_dyads_states() {
    let cli = Cli::new();
    cli.ok(
        &["import", "--format", "icews", &fixture("icews.tab")],
        None,
    );
    let events = exported(&cli);
    assert_eq!(
        acts(&events),
        vec![
            act("2017-07-07", "USA", "RUS", "hold_summit"),
            act("2017-07-07", "USA", "RUS", "sign_agreement"),
            act("2017-08-02", "USA", "RUS", "impose_sanctions"),
            act("2017-08-31", "USA", "RUS", "expel_diplomats"),
        ],
        "Russia's criticism of Germany is not the dyad's"
    );
    assert_eq!(events[2]["intensity"], -8.0, "ICEWS's intensity");
    assert_eq!(events[2]["source"]["outlet"], "Associated Press");
}

#[test]
fn plover_and_polecat_spellings_map_their_event_types() {
    let cli = Cli::new();
    cli.ok(
        &["import", "--format", "plover", &fixture("plover.jsonl")],
        None,
    );
    let events = exported(&cli);
    assert_eq!(
        acts(&events),
        vec![
            act("2023-02-21", "RUS", "USA", "reject"),
            act("2023-02-21", "USA", "RUS", "disapprove"),
            act("2022-12-08", "RUS", "USA", "yield"),
            act("2024-08-01", "USA", "RUS", "cooperate_materially"),
        ]
    );
    assert!(
        events.iter().all(|e| e.get("intensity").is_none()),
        "PLOVER has no Goldstein value: dyad's own intensity applies"
    );
    assert_eq!(events[3]["confidence"], 0.75, "two rows, two sources");
}

#[test]
fn an_unreadable_row_is_named_by_line_and_field_and_nothing_is_written() {
    let cli = Cli::new();
    let good = std::fs::read_to_string(fixture("gdelt2.tsv")).expect("fixture");
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    let mut fields: Vec<&str> = lines[1].split('\t').collect();
    fields[1] = "2014-13-45";
    lines[1] = fields.join("\t");
    let broken = cli.dir.path().join("broken.tsv");
    std::fs::write(&broken, lines.join("\n")).expect("write");
    let stderr = cli.refused(
        &["import", "--format", "gdelt", &broken.display().to_string()],
        None,
    );
    assert!(stderr.contains("line 2, field `SQLDATE`"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert!(exported(&cli).is_empty());
}

#[test]
fn a_dry_run_prints_the_events_and_the_coverage_and_writes_nothing() {
    let cli = Cli::new();
    let outcome = cli.run(
        &[
            "import",
            "--format",
            "gdelt",
            "--dry-run",
            &fixture("gdelt2.tsv"),
        ],
        None,
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let printed: Vec<Value> = outcome
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("an event"))
        .collect();
    assert_eq!(printed.len(), 6);
    assert!(
        outcome.stderr.contains("0 rows with no mapping"),
        "{}",
        outcome.stderr
    );
    assert!(exported(&cli).is_empty());
}

/// A report between `actor` and `target` on `date`, as `append` reads it.
fn report(date: &str, actor: &str, target: &str, action: &str, issue: &str) -> Value {
    serde_json::json!({
        "dyad": "USA-RUS", "kind": "action", "occurred_on": date,
        "actor": actor, "target": target, "action": action, "issue": issue,
        "summary": format!("{actor} {action} {target}"),
        "source": {"outlet": "Reuters", "url": format!("https://www.reuters.com/{date}")}
    })
}

#[test]
fn a_plover_export_read_back_gives_the_same_pairs_dates_and_actions_where_plover_can_say_them() {
    let cli = Cli::new();
    cli.append(
        &[
            report("2014-03-17", "USA", "RUS", "impose_sanctions", "ukraine"),
            report("2014-03-18", "RUS", "USA", "reject", "ukraine"),
            report("2016-02-22", "USA", "RUS", "intend_to_cooperate", "syria"),
            report("2021-06-16", "RUS", "USA", "yield", "bilateral"),
            // No exact inverse: a summit goes out as CONSULT, expulsions as SANCTION.
            report("2021-06-17", "USA", "RUS", "hold_summit", "bilateral"),
            report("2018-03-26", "USA", "RUS", "expel_diplomats", "bilateral"),
            // PLOVER has no type for an investigation: not exported.
            report("2017-03-20", "USA", "RUS", "investigate", "bilateral"),
            // Exported with Ukraine as the recipient; not a row of the dyad when read back.
            report("2022-02-24", "RUS", "UKR", "fight", "ukraine"),
            report("2020-05-21", "USA", "RUS", "reduce_relations", "bilateral"),
        ],
        &[],
    );
    let retracted = exported(&cli)
        .iter()
        .find(|e| e["action"] == "reduce_relations")
        .and_then(|e| e["id"].as_str().map(str::to_string))
        .expect("the report to retract");
    cli.ok(&["retract", &retracted, "--reason", "never happened"], None);

    let outcome = cli.run(&["export", "--format", "plover"], None);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("not exported, no PLOVER type: 1 reports (investigate ×1)"),
        "{}",
        outcome.stderr
    );
    let lines: Vec<Value> = outcome
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a PLOVER line"))
        .collect();
    assert_eq!(
        lines.len(),
        7,
        "the retracted report and the investigation left out"
    );
    let summit = lines
        .iter()
        .find(|l| l["dyad_action"] == "hold_summit")
        .expect("the summit");
    assert_eq!(summit["event_type"], "CONSULT");
    assert_eq!(summit["actor"]["country"], "USA");
    assert_eq!(summit["recipient"]["country"], "RUS");
    assert_eq!(summit["date"], "2021-06-17");
    assert_eq!(summit["publisher"], "Reuters");
    assert_eq!(summit["url"], "https://www.reuters.com/2021-06-17");

    let reader = Cli::new();
    let file = reader.write("export.jsonl", &outcome.stdout);
    let out = reader.ok(&["import", "--format", "plover", &file], None);
    assert!(out.contains("7 rows, 6 of USA-RUS: 6 events"), "{out}");
    assert_eq!(
        acts(&exported(&reader)),
        vec![
            act("2014-03-17", "USA", "RUS", "impose_sanctions"),
            act("2014-03-18", "RUS", "USA", "reject"),
            act("2016-02-22", "USA", "RUS", "intend_to_cooperate"),
            act("2021-06-16", "RUS", "USA", "yield"),
            act("2021-06-17", "USA", "RUS", "consult"),
            act("2018-03-26", "USA", "RUS", "impose_sanctions"),
        ]
    );
}
