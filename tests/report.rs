//! `dyad report` through the library: golden files of the Markdown and JSON of the shipped log
//! (with a fixed clock, so the log's hashes and times are fixed too), the HTML and SVG parsed as
//! XML, what a report lists as changed in its period, and the README's chart kept in step with
//! the code that draws it.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use dyad::app::{Briefing, BriefingRequest, Tracker};
use dyad::domain::clock::ManualClock;
use dyad::report::{self, BriefingFormat, Rendered};
use dyad::store::SqliteStore;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

/// The period of the README's report: from before the first shipped event to the article.
fn article_request() -> BriefingRequest {
    BriefingRequest {
        from: Some(date("2016-12-01")),
        to: Some(date("2017-06-19")),
        ..BriefingRequest::default()
    }
}

fn shipped(clock: Arc<ManualClock>) -> Tracker<SqliteStore> {
    let mut tracker = in_memory(clock);
    let file = std::fs::File::open(shipped_log()).expect("shipped log");
    tracker
        .append_ndjson(file, "tillerson_2017.ndjson", None)
        .expect("the shipped log is valid");
    tracker
}

fn render(briefing: &Briefing, format: BriefingFormat, output: Option<&str>) -> Vec<Rendered> {
    report::render_briefing(briefing, format, output.map(Path::new)).expect("renders")
}

/// The report file itself (the last one rendered), as text.
fn report_text(files: &[Rendered]) -> String {
    let last = files.last().expect("a report");
    String::from_utf8(last.bytes.clone()).expect("UTF-8")
}

#[test]
fn golden_markdown_of_the_shipped_log() {
    let briefing = shipped(clock())
        .briefing(&article_request())
        .expect("briefing");
    let files = render(
        &briefing,
        BriefingFormat::Markdown,
        Some("tillerson_2017.md"),
    );
    let names: Vec<String> = files
        .iter()
        .filter_map(|f| f.path.as_ref())
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "tillerson_2017_pushback.svg",
            "tillerson_2017_engagement.svg",
            "tillerson_2017_engagement_syria.svg",
            "tillerson_2017_engagement_north_korea.svg",
            "tillerson_2017_engagement_cyber.svg",
            "tillerson_2017_engagement_bilateral.svg",
            "tillerson_2017_stability.svg",
            "tillerson_2017.md",
        ]
    );
    insta::assert_snapshot!("shipped_log_markdown", report_text(&files));
}

#[test]
fn golden_json_of_the_shipped_log() {
    let briefing = shipped(clock())
        .briefing(&article_request())
        .expect("briefing");
    let text = report_text(&render(&briefing, BriefingFormat::Json, None));
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value, serde_json::to_value(&briefing).expect("serialises"));
    insta::assert_snapshot!("shipped_log_json", text);
}

#[test]
fn the_html_and_every_chart_are_well_formed_xml() {
    let briefing = shipped(clock())
        .briefing(&article_request())
        .expect("briefing");
    let html = report_text(&render(&briefing, BriefingFormat::Html, Some("r.html")));
    let document = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("the HTML is not well-formed: {e}"));
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "html");
    assert_eq!(root.attribute("lang"), Some("en"));
    for chart in &briefing.charts {
        let svg = report::svg::document(&briefing, chart);
        roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("the chart of {} is not well-formed: {e}", chart.line));
    }
}

#[test]
fn the_html_is_self_contained_and_accessible() {
    let briefing = shipped(clock())
        .briefing(&article_request())
        .expect("briefing");
    let html = report_text(&render(&briefing, BriefingFormat::Html, None));
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(&html, options).expect("well-formed");
    let named = |name: &str| {
        document
            .descendants()
            .filter(|n| n.tag_name().name() == name)
            .collect::<Vec<_>>()
    };
    // Nothing is fetched: no script, no linked style sheet or font, no image or frame source.
    for tag in ["script", "link", "img", "iframe", "object", "embed"] {
        assert!(named(tag).is_empty(), "the report has a <{tag}>");
    }
    for node in document.descendants() {
        assert!(node.attribute("src").is_none(), "{node:?} has a src");
    }
    let style: String = named("style").iter().filter_map(|s| s.text()).collect();
    assert!(
        !style.contains("url(") && !style.contains("@import"),
        "{style}"
    );
    // One h1, sections under h2, charts under h3; each chart an image with a title and a
    // description that it is labelled by.
    assert_eq!(named("h1").len(), 1);
    assert!(named("h2").len() >= 4);
    let svgs = named("svg");
    assert_eq!(svgs.len(), briefing.charts.len());
    for svg in svgs {
        assert_eq!(svg.attribute("role"), Some("img"));
        let labels = svg.attribute("aria-labelledby").expect("labelled");
        for id in labels.split(' ') {
            let label = document
                .descendants()
                .find(|n| n.attribute("id") == Some(id))
                .unwrap_or_else(|| panic!("no element #{id}"));
            assert!(["title", "desc"].contains(&label.tag_name().name()));
            assert!(!label.text().unwrap_or_default().is_empty());
        }
        // Each mark has a tooltip.
        let marks = svg
            .descendants()
            .filter(|n| n.tag_name().name() == "g" && n.first_element_child().is_some())
            .filter(|g| g.first_element_child().map(|c| c.tag_name().name()) == Some("title"))
            .count();
        assert!(marks <= dyad::app::NOTABLE_EVENTS);
    }
    // Ids are unique across the inline charts.
    let mut ids: Vec<&str> = document
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate ids");
    // Tables have captions and header cells.
    for table in named("table") {
        assert!(table.children().any(|c| c.tag_name().name() == "caption"));
    }
    assert!(html.contains("<meta name=\"viewport\""));
    assert!(html.contains("@media print"));
}

#[test]
fn a_report_lists_new_events_late_reports_corrections_and_retractions_of_its_period() {
    let clock = clock();
    let mut tracker = shipped(clock.clone());
    let later = |days: i64| start() + Duration::days(days);
    clock.set(later(1));
    // A late report: recorded now, about a day before the period.
    let late = validate(
        &tracker,
        json!({
            "dyad": "USA-RUS", "kind": "action", "occurred_on": "2017-05-01",
            "actor": "RUS", "target": "USA", "action": "expel_diplomats", "issue": "diplomats",
            "summary": "Russia expels US diplomats (reported late)",
            "source": {"outlet": "Reuters", "url": "https://example.org/late"}
        }),
    );
    tracker.append(vec![late], None).expect("append");
    let events = {
        let mut list = Vec::new();
        tracker
            .log(&dyad::app::LogFilter::default(), |e, _| {
                list.push(e.clone());
                std::ops::ControlFlow::Continue(())
            })
            .expect("log");
        list
    };
    let id_of = |prefix: &str| {
        events
            .iter()
            .find(|e| e.event.headline().starts_with(prefix))
            .map(|e| e.event.id)
            .unwrap_or_else(|| panic!("no event {prefix}"))
    };
    clock.set(later(2));
    let mut fields = serde_json::Map::new();
    fields.insert("intensity".into(), json!(-2.0));
    tracker
        .correct(
            id_of("Trump endorses"),
            fields,
            "mild, not a warning",
            Some("https://example.org/correction".into()),
        )
        .expect("correct");
    tracker
        .retract(id_of("China bans"), "not about the dyad", None)
        .expect("retract");

    // The period of the last two days: the shipped log was recorded before it.
    let briefing = tracker
        .briefing(&BriefingRequest {
            from: Some(later(1).date_naive()),
            to: Some(later(2).date_naive()),
            ..BriefingRequest::default()
        })
        .expect("briefing");
    let changes = &briefing.changes;
    assert_eq!(changes.new_events.total, 0);
    // The late report was recorded in the period about a day before it.
    assert_eq!(changes.late_reports.total, 1);
    assert_eq!(
        changes.late_reports.listed[0].summary,
        "Russia expels US diplomats (reported late)"
    );
    // Both amendments were made in the period, in log order, with what they changed.
    let kinds: Vec<&str> = changes
        .amendments
        .listed
        .iter()
        .map(|a| a.kind.as_str())
        .collect();
    assert_eq!(kinds, ["correction", "retraction"]);
    let correction = &changes.amendments.listed[0];
    assert_eq!(correction.changed[0].field, "intensity");
    assert_eq!(correction.changed[0].after, json!(-2.0));
    assert_eq!(
        correction.source_url.as_deref(),
        Some("https://example.org/correction")
    );
    assert_eq!(
        changes.amendments.listed[1].summary,
        "China bans imports of North Korean coal"
    );

    // June 2017, read now: its events as amended; nothing was recorded or amended in it.
    let june = tracker
        .briefing(&BriefingRequest {
            from: Some(date("2017-06-01")),
            to: Some(date("2017-06-30")),
            ..BriefingRequest::default()
        })
        .expect("briefing");
    assert_eq!(june.changes.new_events.total, 9);
    let nato = june
        .changes
        .new_events
        .listed
        .iter()
        .find(|e| e.summary.starts_with("Trump endorses"))
        .expect("listed");
    assert!(nato.corrected && !nato.retracted);
    assert_eq!(nato.intensity, -2.0);
    assert_eq!(june.changes.late_reports.total, 0);
    assert_eq!(june.changes.amendments.total, 0);
    let february = tracker
        .briefing(&BriefingRequest {
            from: Some(date("2017-02-01")),
            to: Some(date("2017-02-28")),
            ..BriefingRequest::default()
        })
        .expect("briefing");
    let coal = february
        .changes
        .new_events
        .listed
        .iter()
        .find(|e| e.summary.starts_with("China bans"))
        .expect("listed");
    assert!(coal.retracted);
    assert!(
        february
            .charts
            .iter()
            .all(|c| c.marks.iter().all(|m| m.id != coal.id)),
        "a retracted report is never marked"
    );

    // Every renderer shows them, and links the sources it has.
    let markdown = report_text(&render(&briefing, BriefingFormat::Markdown, None));
    assert!(markdown.contains("### Late reports: 1"), "{markdown}");
    assert!(markdown.contains("[Reuters](<https://example.org/late>)"));
    assert!(markdown.contains("correction of “Trump endorses"));
    assert!(markdown.contains("[source](<https://example.org/correction>)"));
    let html = report_text(&render(&briefing, BriefingFormat::Html, None));
    assert!(html.contains("<a href=\"https://example.org/late\">Reuters</a>"));
    assert!(html.contains("retraction of “China bans imports of North Korean coal”"));
}

#[test]
fn a_report_known_at_a_past_moment_ignores_what_came_after() {
    let clock = clock();
    let mut tracker = shipped(clock.clone());
    let first = tracker.briefing(&article_request()).expect("briefing");
    clock.advance(Duration::days(1));
    let late = validate(&tracker, event_json("A later report about April"));
    tracker.append(vec![late], None).expect("append");
    let now = tracker.briefing(&article_request()).expect("briefing");
    assert_ne!(now.log, first.log);
    let then = tracker
        .briefing(&BriefingRequest {
            known_at: Some(first.known_at),
            ..article_request()
        })
        .expect("briefing");
    // The first report resolved its known_at to the moment of the log's last event: asked for
    // it, the log reads the same, later records and all.
    assert_eq!(then, first);
    for format in [
        BriefingFormat::Markdown,
        BriefingFormat::Html,
        BriefingFormat::Json,
    ] {
        assert_eq!(
            render(&then, format, Some("r.out")),
            render(&first, format, Some("r.out")),
            "{format:?}"
        );
    }
}

#[test]
fn an_empty_log_reports_no_data_with_the_genesis_hash() {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2017, 6, 19, 12, 0, 0)
            .single()
            .expect("instant"),
    ));
    let tracker = in_memory(clock);
    let briefing = tracker
        .briefing(&BriefingRequest::default())
        .expect("briefing");
    assert_eq!(briefing.log.position, 0);
    assert_eq!(briefing.log.hash, "0".repeat(64));
    assert_eq!(briefing.as_of, date("2017-06-19"));
    assert_eq!(briefing.period.from, date("2016-06-19"));
    // No evidence is not a steady relationship.
    assert!(!briefing.headline.is_empty());
    assert!(briefing.headline.iter().all(|m| m.end.level.is_none()));
    assert!(
        briefing
            .series
            .lines
            .iter()
            .all(|line| line.scores.iter().all(Option::is_none)),
        "the charts have nothing to draw"
    );
    for format in [
        BriefingFormat::Markdown,
        BriefingFormat::Html,
        BriefingFormat::Json,
    ] {
        assert!(!report_text(&render(&briefing, format, None)).is_empty());
    }
}

#[test]
fn dates_outside_the_period_and_unknown_pillars_are_refused() {
    let tracker = shipped(clock());
    let refused =
        |request: BriefingRequest| tracker.briefing(&request).expect_err("refused").to_string();
    let message = refused(BriefingRequest {
        as_of: Some(date("2018-01-01")),
        ..article_request()
    });
    assert!(message.contains("--as-of"), "{message}");
    let message = refused(BriefingRequest {
        from: Some(date("2017-07-01")),
        ..article_request()
    });
    assert!(message.contains("before --from"), "{message}");
    let message = refused(BriefingRequest {
        issue_charts: Some(vec!["detente".into()]),
        ..article_request()
    });
    assert!(message.contains("unknown pillar `detente`"), "{message}");
}

/// The sample report under examples/report/ (the README shows one of its charts) is what the
/// report command writes for the shipped log; regenerate it with the command in the README when
/// this fails. Only the moment the log was recorded (its `known_at` and hashes) and who recorded
/// it (whoever ran the README's commands; this test's log is recorded by `unknown`) may differ.
#[test]
fn the_sample_report_in_examples_is_what_the_report_writes() {
    let briefing = shipped(clock())
        .briefing(&article_request())
        .expect("briefing");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = render(
        &briefing,
        BriefingFormat::Markdown,
        Some("examples/report/tillerson_2017.md"),
    );
    let stale = "(run the README's report command to regenerate it)";
    for file in &files {
        let path = root.join(file.path.as_ref().expect("a path"));
        let committed =
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} {stale}", path.display()));
        let fresh = if path.extension().is_some_and(|e| e == "md") {
            let committed = String::from_utf8(committed.clone()).expect("UTF-8");
            let known_at = committed
                .split("--known-at ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .expect("the committed footer names --known-at");
            let hash = committed
                .split(&format!("the hash of event {} is `", briefing.log.position))
                .nth(1)
                .and_then(|rest| rest.split('`').next())
                .expect("the committed footer names the hash");
            let recorder = committed
                .split("recorded by ")
                .nth(1)
                .and_then(|rest| rest.lines().next())
                .expect("the committed drivers name who recorded them");
            String::from_utf8(file.bytes.clone())
                .expect("UTF-8")
                .replace(
                    &dyad::store::format_recorded_at(briefing.known_at),
                    known_at,
                )
                .replace(&briefing.log.hash, hash)
                .replace("recorded by unknown", &format!("recorded by {recorder}"))
                .into_bytes()
        } else {
            file.bytes.clone()
        };
        assert!(
            committed == fresh,
            "{} differs from what the report writes now {stale}",
            path.display()
        );
    }
}
