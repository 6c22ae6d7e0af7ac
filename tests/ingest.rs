//! The news coder: what it must find in the seed article, and its precision and recall on short
//! factual news items it was not written against (`tests/fixtures/news/`).

use dyad::domain::framework::Framework;
use dyad::ingest::coder::{CodingOptions, Dictionary, Proposal, code};
use serde::Deserialize;
use std::path::Path;

const NEWS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/news");
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seeds/000_9dde15d29b8f3f0d.txt"
);

#[derive(Debug, Deserialize)]
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

fn sign(proposal: &Proposal) -> &'static str {
    let taxonomy = dyad::domain::taxonomy::Taxonomy::builtin();
    let intensity = proposal
        .event
        .intensity
        .or_else(|| taxonomy.action(&proposal.event.action).map(|a| a.intensity))
        .unwrap_or(0.0);
    if intensity < 0.0 {
        "negative"
    } else if intensity > 0.0 {
        "positive"
    } else {
        "zero"
    }
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

#[test]
fn precision_and_recall_on_news_it_was_not_written_against() {
    let mut files: Vec<_> = std::fs::read_dir(NEWS)
        .expect("news fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "at least 12 news items");
    let (mut expected_total, mut proposed_total, mut matched_total) = (0, 0, 0);
    let (mut pillar_right, mut issue_right) = (0, 0);
    let mut report = String::new();
    for file in &files {
        let expected: Vec<Expected> = serde_json::from_str(
            &std::fs::read_to_string(file.with_extension("expected.json")).expect("expected"),
        )
        .expect("expected json");
        let mut proposals = code_file(file);
        let framework = Framework::builtin();
        expected_total += expected.len();
        proposed_total += proposals.len();
        for want in &expected {
            match proposals.iter().position(|p| matches(p, want)) {
                Some(index) => {
                    let found = proposals.remove(index);
                    matched_total += 1;
                    let pillar = found.event.pillar.clone().unwrap_or_else(|| {
                        framework
                            .derive_pillar(&found.event.action, found.event.issue.as_deref())
                            .to_string()
                    });
                    pillar_right += usize::from(pillar == want.pillar);
                    issue_right += usize::from(found.event.issue == want.issue);
                }
                None => report.push_str(&format!(
                    "missed   {}: {} {}→{} {} ({})\n",
                    file.file_name().unwrap_or_default().to_string_lossy(),
                    want.kind,
                    want.actor,
                    want.target,
                    want.action,
                    want.sentence
                )),
            }
        }
        for extra in &proposals {
            report.push_str(&format!(
                "spurious {}: {}→{} {} ({})\n",
                file.file_name().unwrap_or_default().to_string_lossy(),
                extra.event.actor,
                extra.event.target,
                extra.event.action,
                extra.event.source.quote.as_deref().unwrap_or_default()
            ));
        }
        let _ = (&expected
            .first()
            .map(|e| (&e.occurred_on, &e.attribution, &e.action, &e.kind)),);
    }
    let recall = matched_total as f64 / expected_total as f64;
    let precision = matched_total as f64 / proposed_total.max(1) as f64;
    println!(
        "recall {recall:.2} ({matched_total}/{expected_total}), precision {precision:.2} ({matched_total}/{proposed_total}); \
         of the matches, pillar right {pillar_right}, issue right {issue_right}\n{report}"
    );
    assert!(recall >= 0.8, "recall {recall:.2} below 0.80\n{report}");
    assert!(
        precision >= 0.6,
        "precision {precision:.2} below 0.60\n{report}"
    );
}
