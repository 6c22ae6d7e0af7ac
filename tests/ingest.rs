//! The news coder: what it must find in the seed article, and its precision and recall on short
//! factual news items (`tests/fixtures/news/`; written alongside the dictionary, not held out).

use dyad::domain::framework::Framework;
use dyad::domain::taxonomy::Taxonomy;
use dyad::ingest::coder::{CodingOptions, Dictionary, Proposal, code};
use dyad::ingest::evaluation::sign_of as sign;
use serde::Deserialize;
use std::path::Path;

const NEWS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/news");
const DEV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/news_dev");
const DEV2: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/news_dev2");
const HELD_OUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/news_heldout");
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/tillerson_2017_article.txt"
);

/// An expected event of a news fixture (its format: tests/fixtures/news/README.md). The test
/// matches on the sentence, actor, target and sign; it reports pillar and issue agreement.
#[derive(Debug, Deserialize)]
#[allow(
    dead_code,
    reason = "the fixture format has fields this test reads only in messages"
)]
struct Expected {
    sentence: String,
    actor: String,
    target: String,
    kind: String,
    action: String,
    sign: String,
    pillar: String,
    issue: Option<String>,
    occurred_on: String,
    attribution: Option<String>,
}

fn matches(proposal: &Proposal, expected: &Expected) -> bool {
    let quote = proposal.event.source.quote.as_deref().unwrap_or_default();
    quote.contains(&expected.sentence)
        && proposal.event.actor == expected.actor
        && proposal.event.target == expected.target
        && sign(proposal) == expected.sign
}

fn code_file(path: &Path) -> Vec<Proposal> {
    let text = std::fs::read_to_string(path).expect("fixture");
    let options = CodingOptions {
        outlet: Some("Test Wire".into()),
        ..CodingOptions::default()
    };
    code(
        &text,
        &Dictionary::builtin(),
        &Framework::builtin(),
        &options,
    )
    .expect("codes")
}

/// How the coder does on a folder of news items and their expected events.
struct Score {
    items: usize,
    recall: f64,
    precision: f64,
    summary: String,
    report: String,
}

fn score(folder: &str) -> Score {
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .expect("news fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let framework = Framework::builtin();
    let (mut expected_total, mut proposed_total, mut matched_total) = (0, 0, 0);
    let (mut pillar_right, mut issue_right) = (0, 0);
    let mut report = String::new();
    for file in &files {
        let expected: Vec<Expected> = serde_json::from_str(
            &std::fs::read_to_string(file.with_extension("expected.json")).expect("expected"),
        )
        .expect("expected json");
        let proposals = code_file(file);
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        expected_total += expected.len();
        proposed_total += proposals.len();
        // One proposal stands for one real-world event however many sentences restate it (its
        // quote keeps them all): it may answer every expected event that restates the one it
        // first answered (same actor, target and action), and nothing else.
        let mut answered: Vec<Option<(String, String, String)>> = vec![None; proposals.len()];
        for want in &expected {
            let key = (want.actor.clone(), want.target.clone(), want.action.clone());
            let available = |i: usize| answered[i].as_ref().is_none_or(|k| *k == key);
            match (0..proposals.len()).find(|&i| available(i) && matches(&proposals[i], want)) {
                Some(index) => {
                    let restatement = answered[index].is_some();
                    answered[index] = Some(key);
                    matched_total += 1;
                    if restatement {
                        continue;
                    }
                    let found = &proposals[index];
                    let pillar = found.event.pillar.clone().unwrap_or_else(|| {
                        framework
                            .derive_pillar(&found.event.action, found.event.issue.as_deref())
                            .to_string()
                    });
                    pillar_right += usize::from(pillar == want.pillar);
                    issue_right += usize::from(found.event.issue == want.issue);
                }
                None => report.push_str(&format!(
                    "missed   {name}: {} {}→{} {} ({})\n",
                    want.kind, want.actor, want.target, want.action, want.sentence
                )),
            }
        }
        for (extra, _) in proposals
            .iter()
            .zip(&answered)
            .filter(|(_, answered)| answered.is_none())
        {
            report.push_str(&format!(
                "spurious {name}: {}→{} {} ({})\n",
                extra.event.actor,
                extra.event.target,
                extra.event.action,
                extra.event.source.quote.as_deref().unwrap_or_default()
            ));
        }
    }
    let recall = matched_total as f64 / expected_total.max(1) as f64;
    let precision = matched_total as f64 / proposed_total.max(1) as f64;
    let summary = format!(
        "{} items: recall {recall:.2} ({matched_total}/{expected_total}), precision {precision:.2} \
         ({matched_total}/{proposed_total}); of the matches, pillar right {pillar_right}, issue \
         right {issue_right}",
        files.len()
    );
    Score {
        items: files.len(),
        recall,
        precision,
        summary,
        report,
    }
}

/// Scores a folder and fails below the floors, printing every miss.
fn assert_scores(folder: &str, min_items: usize, min_recall: f64, min_precision: f64) {
    let score = score(folder);
    println!("{}\n{}", score.summary, score.report);
    let details = format!("{}\n{}", score.summary, score.report);
    assert!(score.items >= min_items, "at least {min_items} news items");
    assert!(score.recall >= min_recall, "{details}");
    assert!(score.precision >= min_precision, "{details}");
}

/// Written alongside the keyword coder's dictionary, which reached 0.90 recall and 0.88
/// precision on it. The coder that reads the tree (issue 10) was built on real articles instead
/// and reads 0.51 / 0.74 here; the floors guard that, as regressions.
#[test]
fn precision_and_recall_on_factual_news_items() {
    assert_scores(NEWS, 12, 0.45, 0.65);
}

/// Written blind (0.36 recall, 0.92 precision), then used to extend the keyword coder's
/// dictionary (0.64 / 0.84). The coder that reads the tree was not fitted to it and reads 0.48 /
/// 0.70; the floors guard that, as regressions.
#[test]
fn precision_and_recall_on_the_dev_news_items() {
    assert_scores(DEV, 10, 0.42, 0.62);
}

/// Written blind (0.37 recall, 0.55 precision), then read (see its README): the floors guard
/// what the general fixes it led to reached.
#[test]
fn precision_and_recall_on_the_second_dev_news_items() {
    assert_scores(DEV2, 10, 0.35, 0.5);
}

/// Written blind and never read or used to change the rules: the honest figure (recall 0.34,
/// precision 0.61 when measured). The floors guard against regressions only.
#[test]
fn precision_and_recall_on_held_out_news_items() {
    assert_scores(HELD_OUT, 10, 0.3, 0.5);
}

fn seed_proposals() -> Vec<Proposal> {
    let text = std::fs::read_to_string(SEED).expect("the seed article");
    let options = CodingOptions {
        published: chrono::NaiveDate::from_ymd_opt(2017, 6, 19),
        ..CodingOptions::default()
    };
    code(
        &text,
        &Dictionary::builtin(),
        &Framework::builtin(),
        &options,
    )
    .expect("codes")
}

/// What the seed article must yield: (actor, target, pillar, issue, sign, attribution contains).
#[test]
fn the_seed_article_yields_what_it_reports() {
    let proposals = seed_proposals();
    let framework = Framework::builtin();
    let must_find = [
        (
            "RUS",
            "TALIBAN",
            "pushback",
            Some("afghanistan"),
            "negative",
            "US official",
        ),
        (
            "RUS",
            "USA",
            "pushback",
            Some("diplomats"),
            "negative",
            "US official",
        ),
        (
            "RUS",
            "PRK",
            "engagement",
            Some("north_korea"),
            "negative",
            "US official",
        ),
        (
            "CHN",
            "PRK",
            "engagement",
            Some("north_korea"),
            "zero",
            "US official",
        ),
        (
            "USA",
            "RUS",
            "engagement",
            Some("syria"),
            "positive",
            "US official",
        ),
        (
            "RUS",
            "USA",
            "engagement",
            Some("cyber"),
            "negative",
            "US official",
        ),
        (
            "USA",
            "RUS",
            "engagement",
            Some("bilateral"),
            "negative",
            "senior State Department official",
        ),
        ("USA", "NATO", "pushback", Some("nato"), "negative", ""),
    ];
    for (actor, target, pillar, issue, expected_sign, attribution) in must_find {
        let found = proposals.iter().find(|p| {
            let event = &p.event;
            let derived = framework.derive_pillar(&event.action, event.issue.as_deref());
            event.actor == actor
                && event.target == target
                && derived == pillar
                && event.issue.as_deref() == issue
                && sign(p) == expected_sign
                && event
                    .source
                    .attribution
                    .as_deref()
                    .unwrap_or_default()
                    .contains(attribution)
        });
        assert!(
            found.is_some(),
            "missing {actor}→{target} {pillar} {issue:?} in {:#?}",
            proposals.iter().map(|p| &p.event).collect::<Vec<_>>()
        );
    }
    let gutter = proposals
        .iter()
        .find(|p| {
            p.event
                .source
                .quote
                .as_deref()
                .is_some_and(|q| q.contains("gutter"))
        })
        .expect("the gutter statement");
    assert_eq!(gutter.event.kind, dyad::domain::event::EventKind::Statement);
    assert!(
        gutter
            .event
            .quote
            .as_deref()
            .is_some_and(|q| q.contains("in the gutter"))
    );
    assert!(
        gutter.event.source.outlet.contains("BuzzFeed News"),
        "the outlet comes from the title"
    );
}

#[test]
fn a_text_about_something_else_yields_nothing() {
    for noise in [
        "10_us_tax_overhaul_signed.txt",
        "14_russia_pension_reform_signed.txt",
    ] {
        let proposals = code_file(&Path::new(NEWS).join(noise));
        assert!(
            proposals.is_empty(),
            "{noise}: {:?}",
            proposals
                .iter()
                .map(|p| &p.event.summary)
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn ids_derive_from_the_source_and_the_sentence() {
    let first: Vec<_> = seed_proposals().into_iter().map(|p| p.event.id).collect();
    let again: Vec<_> = seed_proposals().into_iter().map(|p| p.event.id).collect();
    assert_eq!(first, again);
    let unique: std::collections::HashSet<_> = first.iter().collect();
    assert_eq!(unique.len(), first.len());
}

#[test]
fn a_users_dictionary_extends_the_builtin_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("extra.json");
    std::fs::write(
        &path,
        r#"{"actors": [{"code": "RUS", "names": ["Rosatom"]}], "frames": [{"action": "coerce", "verbs": ["seize"], "objects": ["control"]}]}"#,
    )
    .expect("write");
    let text = "Rosatom seizes a plant\nKYIV, March 4, 2022 — Rosatom seized control of an American company's plant on Friday.";
    let options = CodingOptions {
        outlet: Some("Wire".into()),
        ..CodingOptions::default()
    };
    let extended = Dictionary::extended(&path).expect("a valid dictionary");
    let proposals = code(text, &extended, &Framework::builtin(), &options).expect("codes");
    assert!(
        proposals
            .iter()
            .any(|p| p.event.actor == "RUS" && p.event.action == "coerce"),
        "{proposals:#?}"
    );
    let builtin = code(
        text,
        &Dictionary::builtin(),
        &Framework::builtin(),
        &options,
    )
    .expect("codes");
    assert!(!builtin.iter().any(|p| p.event.action == "coerce"));
    std::fs::write(
        &path,
        r#"{"frames": [{"action": "coerce", "verbs": "not a list"}]}"#,
    )
    .expect("write");
    let error = Dictionary::extended(&path).expect_err("invalid");
    assert!(error.to_string().contains("frames[0].verbs"), "{error}");
}

#[test]
fn every_code_the_dictionary_names_is_known_to_the_taxonomy_and_the_framework() {
    let (taxonomy, framework) = (Taxonomy::builtin(), Framework::builtin());
    assert_eq!(
        Dictionary::builtin().unknown_codes(taxonomy, &framework),
        Vec::<String>::new()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("extra.json");
    std::fs::write(
        &path,
        r#"{"frames": [{"action": "coerse", "verbs": ["seize"], "issue": "crimea"}], "hostile_pillar": "pushbak"}"#,
    )
    .expect("write");
    let unknown = Dictionary::extended(&path)
        .expect("well formed")
        .unknown_codes(taxonomy, &framework);
    assert_eq!(
        unknown,
        [
            "frame action `coerse`",
            "frame issue `crimea`",
            "hostile_pillar `pushbak`"
        ]
    );
}

#[test]
fn proposals_go_through_append_unchanged_and_twice_is_a_no_op() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("x.db");
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
            .env_remove("DYAD_DB")
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .expect("run dyad");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).to_string(),
        )
    };
    let (code, proposals) = run(&["ingest", SEED, "--published", "2017-06-19", "--json"]);
    assert_eq!(code, Some(0));
    let file = dir.path().join("p.ndjson");
    std::fs::write(&file, &proposals).expect("write");
    let (code, appended) = run(&["append", &file.to_string_lossy()]);
    assert_eq!(code, Some(0), "{appended}");
    let count = proposals.lines().count();
    assert!(
        appended.contains(&format!("{count} recorded")),
        "{appended}"
    );
    let (code, again) = run(&["ingest", SEED, "--published", "2017-06-19", "--commit"]);
    assert_eq!(code, Some(0));
    assert!(
        again.contains(&format!("0 recorded, {count} already recorded")),
        "{again}"
    );
    let (code, _) = run(&["ingest", SEED]);
    assert_eq!(code, Some(1), "no dateline and no --published: refused");
}
