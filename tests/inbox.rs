//! The inbox: `ingest` without `--commit` files proposals for review; `inbox` lists them, `show`
//! reads one, `accept` (with `--set` and `--edit`) appends them as `append` would, `reject`
//! remembers them. Property: accepting proposals equals appending them.

mod common;

use common::{Cli, TestDb, clock, date, in_memory, validate};
use dyad::app::Tracker;
use dyad::domain::event::EventInput;
use dyad::inbox::{self, Edits};
use dyad::ingest::coder::Proposal;
use dyad::store::EventStore;
use dyad::store::inbox::{InboxStore, NewArticle};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::path::Path;

on_every_store!(
    ingest_fills_the_inbox_and_accepting_appends_as_append_does,
    an_invalid_edit_writes_nothing_and_names_the_field,
    an_edited_file_replaces_the_proposal_as_a_whole,
    a_rejected_proposal_is_remembered_and_not_proposed_again,
    commit_still_appends_at_once_without_the_inbox,
    reject_all_takes_the_whole_article_and_its_reason,
);

fn seed_article() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/tillerson_2017_article.txt")
        .to_string_lossy()
        .into_owned()
}

/// How many events the coder proposes for the seed article: what the inbox must hold.
fn seed_count() -> usize {
    let text = std::fs::read_to_string(seed_article()).expect("the seed article");
    let options = dyad::ingest::coder::CodingOptions {
        published: chrono::NaiveDate::from_ymd_opt(2017, 6, 19),
        ..Default::default()
    };
    dyad::ingest::coder::code(
        &text,
        &dyad::ingest::coder::Dictionary::builtin(),
        &dyad::domain::framework::Framework::builtin(),
        &options,
    )
    .expect("codes")
    .len()
}

fn ingest(cli: &Cli) -> String {
    cli.ok(
        &["ingest", &seed_article(), "--published", "2017-06-19"],
        None,
    )
}

fn pending(cli: &Cli) -> Vec<Value> {
    cli.json_lines(&["inbox", "--json"])
}

fn short(proposal: &Value) -> String {
    proposal["id"].as_str().expect("id")[..8].to_string()
}

fn ingest_fills_the_inbox_and_accepting_appends_as_append_does(db: &TestDb) {
    let cli = Cli::on(db);
    let printed = ingest(&cli);
    assert!(
        printed.contains(&format!("{} new", seed_count())),
        "{printed}"
    );
    assert!(
        cli.json_lines(&["log", "--json"]).is_empty(),
        "nothing is in the log yet"
    );
    let proposals = pending(&cli);
    assert_eq!(proposals.len(), seed_count());
    assert!(proposals.iter().all(|p| p["status"] == "pending"));
    assert!(
        proposals
            .iter()
            .all(|p| !p["explanation"].as_str().unwrap_or_default().is_empty())
    );
    let listed = cli.ok(&["inbox"], None);
    assert!(listed.contains(&short(&proposals[0])), "{listed}");

    let shown = cli.ok(&["inbox", "show", &short(&proposals[0])], None);
    assert!(shown.contains("sentence: "), "{shown}");
    assert!(
        shown.contains(proposals[0]["id"].as_str().expect("id")),
        "{shown}"
    );

    let first = short(&proposals[0]);
    let accepted = cli.ok(
        &[
            "inbox",
            "accept",
            &first,
            "--set",
            "confidence=0.55",
            "--set",
            "source.attribution=a diplomat",
            "--as",
            "ana",
        ],
        None,
    );
    assert!(accepted.contains("1 recorded"), "{accepted}");
    let log = cli.json_lines(&["log", "--json"]);
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0]["id"], proposals[0]["id"],
        "the proposal's id is the event's"
    );
    assert_eq!(log[0]["confidence"], 0.55);
    assert_eq!(log[0]["source"]["attribution"], "a diplomat");
    assert_eq!(log[0]["recorded_by"], "ana");
    assert_eq!(
        pending(&cli).len(),
        seed_count() - 1,
        "an accepted proposal leaves the inbox"
    );

    // The whole of the article's remaining proposals, in one batch.
    let rest = pending(&cli);
    let accepted = cli.ok(&["inbox", "accept", "--all", &short(&rest[0])], None);
    assert!(
        accepted.contains(&format!("{} recorded", seed_count() - 1)),
        "{accepted}"
    );
    assert!(pending(&cli).is_empty());
    cli.ok(&["verify"], None);
    let again = ingest(&cli);
    assert!(
        again.contains("0 new") && again.contains(&format!("{} already in the log", seed_count())),
        "{again}"
    );
}

fn an_invalid_edit_writes_nothing_and_names_the_field(db: &TestDb) {
    let cli = Cli::on(db);
    ingest(&cli);
    let proposals = pending(&cli);
    let (a, b) = (short(&proposals[0]), short(&proposals[1]));
    for (args, field) in [
        (vec!["--set", "occurred_on=2099-01-01"], "occurred_on"),
        (vec!["--set", "actor=XXX"], "actor"),
        (vec!["--set", "colour=red"], "colour"),
        (vec!["--set", "source.outlet="], "source.outlet"),
    ] {
        let refused = cli.refused(&[&["inbox", "accept", &a, &b][..], &args].concat(), None);
        assert!(refused.contains(field), "{args:?}: {refused}");
    }
    assert!(
        cli.json_lines(&["log", "--json"]).is_empty(),
        "nothing was appended"
    );
    assert_eq!(pending(&cli).len(), seed_count(), "nothing left the inbox");
    let refused = cli.refused(&["inbox", "accept", "--edit", "x.json", &a, &b], None);
    assert!(
        refused.contains("x.json") || refused.contains("one proposal"),
        "{refused}"
    );
}

fn an_edited_file_replaces_the_proposal_as_a_whole(db: &TestDb) {
    let cli = Cli::on(db);
    ingest(&cli);
    let id = short(&pending(&cli)[2]);
    let shown = cli.ok(&["inbox", "show", &id, "--json"], None);
    let mut proposal: Value = serde_json::from_str(shown.trim()).expect("JSON");
    proposal["summary"] = json!("Russia arms the Taliban, as edited by the desk");
    proposal["intensity"] = json!(-6.5);
    let file = cli.write("edited.json", &proposal.to_string());
    cli.ok(&["inbox", "accept", &id, "--edit", &file], None);
    let log = cli.json_lines(&["log", "--json"]);
    assert_eq!(
        log[0]["summary"],
        "Russia arms the Taliban, as edited by the desk"
    );
    assert_eq!(log[0]["intensity"], -6.5);
    assert_eq!(log[0]["id"], proposal["id"]);
}

fn a_rejected_proposal_is_remembered_and_not_proposed_again(db: &TestDb) {
    let cli = Cli::on(db);
    ingest(&cli);
    let proposals = pending(&cli);
    let rejected = short(&proposals[3]);
    let refused = cli.refused(&["inbox", "reject", &rejected, "--reason", " "], None);
    assert!(refused.contains("--reason"), "{refused}");
    cli.ok(
        &[
            "inbox",
            "reject",
            &rejected,
            "--reason",
            "context, not a deed",
        ],
        None,
    );
    assert_eq!(pending(&cli).len(), seed_count() - 1);
    let again = ingest(&cli);
    assert!(
        again.contains("0 new")
            && again.contains(&format!("{} already pending", seed_count() - 1))
            && again.contains("1 rejected before"),
        "{again}"
    );
    assert_eq!(pending(&cli).len(), seed_count() - 1, "not proposed again");
    let shown = cli.ok(&["inbox", "show", &rejected], None);
    assert!(
        shown.contains("rejected by tester") && shown.contains("context, not a deed"),
        "{shown}"
    );
    let refused = cli.refused(&["inbox", "accept", &rejected], None);
    assert!(refused.contains("not pending"), "{refused}");
    let unknown = cli.refused(&["inbox", "accept", "abcdef99"], None);
    assert!(unknown.contains("no proposal"), "{unknown}");
}

fn commit_still_appends_at_once_without_the_inbox(db: &TestDb) {
    let cli = Cli::on(db);
    let printed = cli.ok(
        &[
            "ingest",
            &seed_article(),
            "--published",
            "2017-06-19",
            "--commit",
        ],
        None,
    );
    assert!(
        printed.contains(&format!("{} recorded", seed_count())),
        "{printed}"
    );
    assert!(pending(&cli).is_empty());
}

const ACTORS: [&str; 4] = ["USA", "RUS", "TALIBAN", "PRK"];
const ACTIONS: [&str; 5] = [
    "consult",
    "warn",
    "expel_diplomats",
    "praise",
    "arm_adversary",
];

fn proposal_strategy() -> impl Strategy<Value = Value> {
    (0u32..900, 0usize..4, 1usize..4, prop::sample::select(ACTIONS.to_vec()), 1u32..=10)
        .prop_map(|(day, actor, shift, action, tenths)| {
            json!({
                "dyad": "USA-RUS", "kind": "action",
                "occurred_on": (date("2016-01-01") + chrono::Duration::days(i64::from(day))).to_string(),
                "actor": ACTORS[actor], "target": ACTORS[(actor + shift) % ACTORS.len()],
                "action": action, "confidence": f64::from(tenths) / 10.0,
                "summary": "placeholder", "source": {"outlet": "Wire"}
            })
        })
}

/// Files `values` as one article's proposals in `reviewed` and accepts them `chunk` at a time
/// (with the confidence set to `new_confidence`), while `appended` receives the same events by
/// plain appends: the two logs and their status must be the same.
fn accepting_equals_appending<S: EventStore + InboxStore>(
    mut reviewed: Tracker<S>,
    mut appended: Tracker<S>,
    mut values: Vec<Value>,
    chunk: usize,
    new_confidence: Option<u32>,
) -> Result<(), TestCaseError> {
    for (index, value) in values.iter_mut().enumerate() {
        value["summary"] = json!(format!("proposal {index}"));
    }
    let proposals: Vec<Proposal> = values
        .iter()
        .map(|value| Proposal {
            event: serde_json::from_value::<EventInput>(value.clone()).expect("input"),
            note: String::new(),
            explanation: String::new(),
        })
        .collect();
    let article = NewArticle {
        digest: "a".repeat(64),
        title: "wire copy".into(),
        url: None,
        outlet: Some("Wire".into()),
        ingested_by: "tester".into(),
    };
    inbox::file(&mut reviewed, &article, proposals).expect("file");
    let ids: Vec<String> = inbox::pending(&reviewed)
        .expect("pending")
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    prop_assert_eq!(ids.len(), values.len());
    let edits = Edits {
        replaced: None,
        set: new_confidence
            .map(|c| ("confidence".to_string(), json!(f64::from(c) / 10.0)))
            .into_iter()
            .collect(),
    };
    for (ids, values) in ids.chunks(chunk).zip(values.chunks(chunk)) {
        inbox::accept(&mut reviewed, ids, false, &edits).expect("accept");
        let events = values
            .iter()
            .zip(ids)
            .map(|(value, id)| {
                let mut value = value.clone();
                if let Some(c) = new_confidence {
                    value["confidence"] = json!(f64::from(c) / 10.0);
                }
                // An edited proposal keeps the id the inbox gave it.
                value["id"] = json!(id);
                validate(&appended, value)
            })
            .collect();
        appended.append(events, None).expect("append");
    }
    prop_assert!(inbox::pending(&reviewed).expect("pending").is_empty());
    let log = |tracker: &Tracker<S>| {
        let mut events = Vec::new();
        tracker
            .log(&Default::default(), |logged, _| {
                events.push((logged.position, logged.version, logged.event.clone()));
                std::ops::ControlFlow::Continue(())
            })
            .expect("log");
        events
    };
    prop_assert_eq!(log(&reviewed), log(&appended));
    let as_of = dyad::app::When::on(date("2019-01-01"));
    prop_assert_eq!(
        reviewed.status(None, as_of).expect("status"),
        appended.status(None, as_of).expect("status")
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn accepting_proposals_equals_appending_them(
        values in prop::collection::vec(proposal_strategy(), 1..20),
        chunk in 1usize..6,
        new_confidence in prop::option::of(1u32..=10),
    ) {
        let clock = clock();
        accepting_equals_appending(
            in_memory(clock.clone()), in_memory(clock), values, chunk, new_confidence,
        )?;
    }
}

proptest! {
    // Each case opens two schemas of their own: fewer cases on the server.
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn accepting_proposals_equals_appending_them_on_postgres(
        values in prop::collection::vec(proposal_strategy(), 1..20),
        chunk in 1usize..6,
        new_confidence in prop::option::of(1u32..=10),
    ) {
        if let (Some(reviewed), Some(appended)) = (TestDb::postgres(), TestDb::postgres()) {
            let clock = clock();
            accepting_equals_appending(
                reviewed.open(clock.clone()), appended.open(clock), values, chunk, new_confidence,
            )?;
        }
    }
}

fn reject_all_takes_the_whole_article_and_its_reason(db: &TestDb) {
    let cli = Cli::on(db);
    ingest(&cli);
    let first = short(&pending(&cli)[0]);
    let said = cli.ok(
        &[
            "inbox",
            "reject",
            "--all",
            &first,
            "--reason",
            "an opinion piece",
        ],
        None,
    );
    assert!(
        said.contains(&format!("{} rejected", seed_count())),
        "{said}"
    );
    assert!(pending(&cli).is_empty());
    let again = ingest(&cli);
    assert!(
        again.contains("0 new") && again.contains(&format!("{} rejected before", seed_count())),
        "{again}"
    );
    assert!(cli.json_lines(&["log", "--json"]).is_empty());
}
