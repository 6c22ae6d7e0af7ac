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
