//! Builds the log of the June 2017 article through the library API (the same calls the CLI
//! makes), adds an event written in code, and prints the status on the article's day and after.
//!
//! Run: `cargo run --example tillerson`

use dyad::app::{AppError, Tracker, When};
use dyad::domain::clock::SystemClock;
use dyad::domain::event::{EventInput, EventKind, SourceInput};
use dyad::domain::framework::Framework;
use dyad::report;
use dyad::store::SqliteStore;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let clock = Arc::new(SystemClock);
    let store = SqliteStore::open_in_memory(clock.clone())?;
    let mut tracker = Tracker::new(store, Framework::builtin(), clock);

    let shipped = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/tillerson_2017.ndjson"
    );
    let summary = tracker.append_ndjson(std::fs::File::open(shipped)?, shipped, None)?;
    println!("appended {} events from {shipped}\n", summary.events.len());

    let stdout = &mut std::io::stdout();
    let on_the_day = tracker.status(None, When::on(date("2017-06-19")))?;
    report::text::status(stdout, &on_the_day, tracker.framework())?;

    // A later event, written in code rather than JSON. Appending it with the stream version we
    // read makes the append fail, writing nothing, if someone else appended in between.
    let caatsa = EventInput {
        id: None,
        dyad: "USA-RUS".into(),
        kind: EventKind::Action,
        occurred_on: "2017-08-02".into(),
        actor: "USA".into(),
        target: "RUS".into(),
        action: "impose_sanctions".into(),
        intensity: None,
        confidence: None,
        issue: Some("sanctions".into()),
        pillar: None,
        summary: "Trump signs the Countering America's Adversaries Through Sanctions Act (CAATSA)"
            .into(),
        speaker: None,
        quote: None,
        source: SourceInput {
            outlet: "The White House".into(),
            url: None,
            published_on: Some("2017-08-02".into()),
            attribution: None,
            quote: None,
        },
    };
    let event = tracker
        .validator()
        .validate(caatsa)
        .map_err(AppError::Argument)?;
    let version = tracker.stream_version("USA-RUS")?;
    tracker.append(vec![event], Some(version))?;

    println!("\nafter CAATSA:\n");
    let later = tracker.status(None, When::on(date("2017-08-31")))?;
    report::text::status(stdout, &later, tracker.framework())?;
    let verdict = tracker.verify()?;
    println!(
        "\nverify: {} events, first problem: {:?}",
        verdict.events, verdict.first_break
    );
    Ok(())
}

fn date(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a literal date")
}
