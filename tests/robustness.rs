//! Whatever text arrives, the readers refuse it cleanly: no panic, errors on lines that exist,
//! and nothing invalid in the log.

mod common;

use common::*;
use dyad::app::{ImportOptions, LogFilter};
use dyad::domain::framework::Framework;
use dyad::ingest::InputError;
use dyad::ingest::coder::{CodingOptions, Dictionary, code};
use proptest::prelude::*;
use std::ops::ControlFlow;

/// Lines that look like events, with parts of them broken at random.
fn almost_events() -> impl Strategy<Value = String> {
    let valid = event_json("a report").to_string();
    let not_a_line_break = any::<char>().prop_filter("one line stays one line", |c| *c != '\n');
    (
        0usize..valid.len(),
        0usize..8,
        not_a_line_break,
        proptest::bool::ANY,
    )
        .prop_map(move |(at, cut, inserted, drop_tail)| {
            let mut line = valid.clone();
            let at = (0..=at)
                .rev()
                .find(|&i| line.is_char_boundary(i))
                .unwrap_or(0);
            line.insert(at, inserted);
            if drop_tail {
                let keep = line.len().saturating_sub(cut);
                let keep = (0..=keep)
                    .rev()
                    .find(|&i| line.is_char_boundary(i))
                    .unwrap_or(0);
                line.truncate(keep);
            }
            line
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn append_input_is_refused_by_line_never_panicking(
        lines in proptest::collection::vec(prop_oneof![almost_events(), "[^\n]{0,80}"], 1..8),
    ) {
        let text = lines.join("\n");
        let tracker = in_memory(clock());
        match dyad::ingest::read_events(text.as_bytes(), "test", &tracker.validator()) {
            Ok(events) => prop_assert!(!events.is_empty()),
            Err(InputError::Refused { errors, total }) => {
                prop_assert!(total >= errors.len() && !errors.is_empty());
                for error in errors {
                    prop_assert!(error.line >= 1 && error.line <= lines.len(), "{error}");
                }
            }
            Err(InputError::Empty { .. }) => prop_assert!(text.trim().is_empty()),
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }

    #[test]
    fn an_import_of_broken_lines_keeps_the_log_valid(
        lines in proptest::collection::vec(almost_events(), 1..12),
    ) {
        let mut tracker = in_memory(clock());
        let text = lines.join("\n");
        let summary = tracker
            .import(text.as_bytes(), ImportOptions { batch_size: 3, atomic: false }, |_| {})
            .expect("an import refuses lines, it does not fail");
        prop_assert_eq!(summary.lines as usize, lines.iter().filter(|l| !l.trim().is_empty()).count());
        prop_assert_eq!(
            summary.appended + summary.already_recorded + summary.refused,
            summary.lines
        );
        let mut stored = 0;
        tracker
            .log(&LogFilter::default(), |_, _| {
                stored += 1;
                ControlFlow::Continue(())
            })
            .expect("every stored event decodes");
        prop_assert_eq!(stored, summary.appended);
        prop_assert_eq!(tracker.verify().expect("verify").first_break, None);
    }

    #[test]
    fn the_coder_reads_any_text_without_panicking(body in "[A-Za-z ,.“”\"'—-]{0,400}") {
        let text = format!("A title\nMOSCOW, July 30, 2017 — {body}");
        let options = CodingOptions { outlet: Some("Wire".into()), ..CodingOptions::default() };
        let proposals = code(&text, &Dictionary::builtin(), &Framework::builtin(), &options)
            .expect("a dated article codes");
        let tracker = in_memory(clock());
        for proposal in proposals {
            // Proposals are well-formed: only their dates or lengths may fail validation.
            if let Err(error) = tracker.validator().validate(proposal.event) {
                prop_assert!(
                    ["occurred_on", "summary", "speaker", "quote", "source.quote", "source.attribution"]
                        .contains(&error.field.as_str()),
                    "{error}"
                );
            }
        }
    }
}

/// A line of input: an event (numbered, so that its summary is its own), the same event with
/// bytes after it, or any bytes at all.
#[derive(Debug, Clone)]
enum InputLine {
    Event(usize),
    Trailed(usize, Vec<u8>),
    Bytes(Vec<u8>),
}

impl InputLine {
    fn bytes(&self) -> Vec<u8> {
        let event = |n: usize| event_json(&format!("report {n}")).to_string().into_bytes();
        match self {
            InputLine::Event(n) => event(*n),
            InputLine::Trailed(n, tail) => [event(*n), tail.clone()].concat(),
            InputLine::Bytes(bytes) => bytes.clone(),
        }
    }
}

fn input_lines() -> impl Strategy<Value = Vec<InputLine>> {
    let not_newline = any::<u8>().prop_filter("one line", |b| *b != b'\n');
    let visible = proptest::collection::vec(not_newline, 1..40).prop_filter(
        "bytes after an event that are not only whitespace",
        |tail| !tail.iter().all(u8::is_ascii_whitespace),
    );
    let line = prop_oneof![
        4 => (0usize..1000).prop_map(InputLine::Event),
        1 => ((0usize..1000), visible).prop_map(|(n, tail)| InputLine::Trailed(n, tail)),
        1 => proptest::collection::vec(any::<u8>().prop_filter("one line", |b| *b != b'\n'), 0..60)
            .prop_map(InputLine::Bytes),
    ];
    proptest::collection::vec(line, 1..10)
}

/// The summaries the log holds, in log order.
fn recorded(tracker: &dyad::app::Tracker<impl dyad::store::EventStore>) -> Vec<String> {
    let mut summaries = Vec::new();
    tracker
        .log(&LogFilter::default(), |event, _| {
            summaries.push(event.event.headline());
            ControlFlow::Continue(())
        })
        .expect("every stored event decodes");
    summaries
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Issue 14: any byte string given to `append` or `import` either records exactly the objects
    /// it contains or records nothing and names the line.
    #[test]
    fn any_bytes_given_to_append_or_import_record_exactly_their_objects_or_nothing_naming_the_line(
        lines in input_lines(),
    ) {
        let text: Vec<u8> = lines.iter().map(InputLine::bytes).collect::<Vec<_>>().join(&b'\n');
        let blank = |line: &InputLine| line.bytes().iter().all(u8::is_ascii_whitespace);
        let events: Vec<(usize, usize)> = lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| match line {
                InputLine::Event(n) => Some((index + 1, *n)),
                _ => None,
            })
            .collect();
        let written = lines.iter().filter(|line| !blank(line)).count();

        let mut appending = in_memory(clock());
        match appending.append_ndjson(text.as_slice(), "test", None) {
            Ok(_) => {
                // Every line was an event: each is recorded once, in order (a repeated number is
                // the same event, recorded once).
                prop_assert_eq!(events.len(), written);
                let mut expected: Vec<String> = Vec::new();
                for (_, n) in &events {
                    let summary = format!("report {n}");
                    if !expected.contains(&summary) {
                        expected.push(summary);
                    }
                }
                prop_assert_eq!(recorded(&appending), expected);
            }
            Err(dyad::app::AppError::Input(InputError::Refused { errors, .. })) => {
                prop_assert!(recorded(&appending).is_empty(), "a refused append recorded");
                for error in &errors {
                    prop_assert!(
                        !events.iter().any(|(line, _)| *line == error.line),
                        "a whole event was refused: {}", error
                    );
                    prop_assert!(error.line >= 1 && error.line <= lines.len());
                    prop_assert!(!blank(&lines[error.line - 1]), "a blank line was named");
                }
            }
            Err(dyad::app::AppError::Input(InputError::Empty { .. })) => {
                prop_assert_eq!(written, 0);
            }
            Err(other) => prop_assert!(false, "unexpected {}", other),
        }

        let mut importing = in_memory(clock());
        match importing.import(text.as_slice(), ImportOptions { batch_size: 3, atomic: false }, |_| {}) {
            Ok(summary) => {
                prop_assert_eq!(summary.lines as usize, written);
                for refusal in &summary.refusals {
                    prop_assert!(!events.iter().any(|(line, _)| *line == refusal.line), "{}", refusal);
                }
                let kept = recorded(&importing);
                for (_, n) in &events {
                    let summary = format!("report {n}");
                    prop_assert!(kept.contains(&summary), "{} was not recorded", summary);
                }
                prop_assert_eq!(kept.len() as u64, summary.appended);
                let mut distinct: Vec<usize> = events.iter().map(|(_, n)| *n).collect();
                distinct.sort_unstable();
                distinct.dedup();
                prop_assert_eq!(kept.len(), distinct.len(), "only the events were recorded");
            }
            Err(dyad::app::AppError::Input(InputError::Empty { .. })) => prop_assert_eq!(written, 0),
            Err(other) => prop_assert!(false, "unexpected {}", other),
        }
    }
}
