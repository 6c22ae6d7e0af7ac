//! NDJSON input: one event object per line, each read by the strict reader of [`super::json`]
//! (an object, no key twice, nothing after it). For `append`, a single event may also be written
//! over several lines (a pretty-printed object). Blank lines are skipped. For `import`, lines are
//! read one at a time, so memory does not grow with the file, and may also be corrections and
//! retractions (as `export` writes them).

use super::json::{self, strip_position};
use crate::domain::event::{AmendmentInput, Event, EventInput, Validator};
use serde_json::Value;
use std::fmt;
use std::io::{self, BufRead, Read};
use thiserror::Error;

/// Largest accepted event, in bytes (one line of NDJSON).
pub const MAX_EVENT_BYTES: usize = 64 * 1024;
/// Largest accepted input, in bytes.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;
/// How many line errors are listed before the rest are only counted.
const MAX_LISTED_ERRORS: usize = 20;

/// What is wrong with one line of input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineError {
    /// The line, from 1.
    pub line: usize,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub problem: String,
}

impl LineError {
    /// A validation error found on `line`.
    pub fn at(line: usize, error: crate::domain::ValidationError) -> Self {
        Self {
            line,
            field: Some(error.field),
            problem: error.problem,
        }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}, field `{field}`: {}", self.line, self.problem),
            None => write!(f, "line {}: {}", self.line, self.problem),
        }
    }
}

/// Input that was refused as a whole.
#[derive(Debug, Error)]
pub enum InputError {
    /// The input could not be read.
    #[error("cannot read {origin}: {source}")]
    Read {
        /// File name or `stdin`.
        origin: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("{origin} is larger than {MAX_INPUT_BYTES} bytes; split it")]
    TooLarge {
        /// File name or `stdin`.
        origin: String,
    },
    /// The input holds no event.
    #[error("{origin} holds no events")]
    Empty {
        /// File name or `stdin`.
        origin: String,
    },
    /// Some lines are invalid; nothing is appended.
    #[error("{}", refused_message(.errors, *.total))]
    Refused {
        /// The first errors, in line order.
        errors: Vec<LineError>,
        /// How many lines were refused in all.
        total: usize,
    },
}

fn refused_message(errors: &[LineError], total: usize) -> String {
    let mut message = String::new();
    for error in errors {
        message.push_str(&error.to_string());
        message.push('\n');
    }
    if total > errors.len() {
        message.push_str(&format!("... and {} more\n", total - errors.len()));
    }
    let noun = if total == 1 { "line" } else { "lines" };
    message.push_str(&format!("{total} {noun} refused; nothing was appended"));
    message
}

/// Reads and validates every event of `reader`; one bad line refuses the whole input.
pub fn read_events(
    reader: impl Read,
    origin: &str,
    validator: &Validator<'_>,
) -> Result<Vec<(usize, Event)>, InputError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Read {
            origin: origin.to_string(),
            source,
        })?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            origin: origin.to_string(),
        });
    }
    let bytes = json::without_bom(&bytes);
    let inputs = match single_multiline_object(bytes) {
        Some(input) => vec![(1, Ok(input))],
        None => split_lines(bytes),
    };
    if inputs.is_empty() {
        return Err(InputError::Empty {
            origin: origin.to_string(),
        });
    }
    let mut events = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    let mut total = 0;
    for (line, parsed) in inputs {
        let result = parsed.and_then(|input| {
            validator.validate(input).map_err(|e| LineError {
                line,
                field: Some(e.field),
                problem: e.problem,
            })
        });
        match result {
            Ok(event) => events.push((line, event)),
            Err(error) => {
                total += 1;
                if errors.len() < MAX_LISTED_ERRORS {
                    errors.push(error);
                }
            }
        }
    }
    if total > 0 {
        return Err(InputError::Refused { errors, total });
    }
    Ok(events)
}

/// A pretty-printed single event: the whole input is one JSON object spanning several lines.
fn single_multiline_object(bytes: &[u8]) -> Option<EventInput> {
    let text = std::str::from_utf8(bytes).ok()?;
    let trimmed = text.trim();
    if !trimmed.starts_with('{') || !trimmed.contains('\n') || trimmed.len() > MAX_EVENT_BYTES {
        return None;
    }
    // Only when the first line alone is not a complete object: otherwise it is NDJSON.
    let first_line = trimmed.lines().next()?;
    if json::read_object(first_line).is_ok() {
        return None;
    }
    serde_json::from_value(Value::Object(json::read_object(trimmed).ok()?)).ok()
}

fn split_lines(bytes: &[u8]) -> Vec<(usize, Result<EventInput, LineError>)> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(index, raw)| (index + 1, raw))
        .filter(|(_, raw)| !raw.iter().all(u8::is_ascii_whitespace))
        .map(|(line, raw)| (line, parse_line(line, raw)))
        .collect()
}

fn parse_line(line: usize, raw: &[u8]) -> Result<EventInput, LineError> {
    let refuse = |field: Option<String>, problem: String| LineError {
        line,
        field,
        problem,
    };
    if raw.len() > MAX_EVENT_BYTES {
        return Err(refuse(
            None,
            format!(
                "the line is {} bytes; an event may be at most {MAX_EVENT_BYTES} bytes",
                raw.len()
            ),
        ));
    }
    let text =
        std::str::from_utf8(raw).map_err(|e| refuse(None, format!("not valid UTF-8: {e}")))?;
    let object = json::read_object(text).map_err(|e| refuse(None, e.to_string()))?;
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|e| {
        let path = e.path().to_string();
        refuse(
            (path != ".").then_some(path),
            strip_position(&e.into_inner().to_string()),
        )
    })
}

/// Parses one line of `append`'s NDJSON, as [`read_events`] does (a byte-order mark before the
/// first line is skipped); `length` is the line's length, when it was too long to be kept.
pub fn parse_append_line(line: usize, raw: &[u8], length: usize) -> Result<EventInput, LineError> {
    if length > MAX_EVENT_BYTES {
        return Err(LineError {
            line,
            field: None,
            problem: format!(
                "the line is {length} bytes; an event may be at most {MAX_EVENT_BYTES} bytes"
            ),
        });
    }
    let raw = if line == 1 {
        json::without_bom(raw)
    } else {
        raw
    };
    parse_line(line, raw)
}

/// One line of an import.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "reports are nearly every line: boxing them would cost an allocation each"
)]
pub enum ImportLine {
    /// An action or a statement.
    Report(EventInput),
    /// A correction or a retraction.
    Amendment(AmendmentInput),
}

/// Reads lines of at most [`MAX_EVENT_BYTES`] without ever holding a longer one in memory.
pub struct Lines<R> {
    reader: R,
    number: usize,
    bytes: u64,
    length: usize,
    blank: bool,
}

impl<R: BufRead> Lines<R> {
    /// Lines of `reader`.
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            number: 0,
            bytes: 0,
            length: 0,
            blank: true,
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// The length in bytes of the last line returned, without its newline (also of a line too
    /// long to be kept).
    pub fn last_length(&self) -> usize {
        self.length
    }

    /// Whether the last line returned was only whitespace (a line too long to be kept may be).
    pub fn last_was_blank(&self) -> bool {
        self.blank
    }

    /// The next line that is not blank, into `line`: its number, and whether it fit the limit
    /// (a longer line is skipped to its end and reported as too long). `None` at the end.
    pub fn next_line(&mut self, line: &mut Vec<u8>) -> io::Result<Option<(usize, bool)>> {
        loop {
            line.clear();
            self.length = 0;
            self.blank = true;
            let mut fits = true;
            let mut ended = false;
            let mut any = false;
            while !ended {
                let chunk = self.reader.fill_buf()?;
                if chunk.is_empty() {
                    break;
                }
                any = true;
                let (take, consumed) = match chunk.iter().position(|&b| b == b'\n') {
                    Some(end) => {
                        ended = true;
                        (end, end + 1)
                    }
                    None => (chunk.len(), chunk.len()),
                };
                self.length += take;
                self.blank = self.blank && chunk[..take].iter().all(u8::is_ascii_whitespace);
                if fits && line.len() + take <= MAX_EVENT_BYTES {
                    line.extend_from_slice(&chunk[..take]);
                } else {
                    fits = false;
                    line.clear();
                }
                self.reader.consume(consumed);
                self.bytes += consumed as u64;
            }
            if !any {
                return Ok(None);
            }
            self.number += 1;
            if !fits || !line.iter().all(u8::is_ascii_whitespace) {
                return Ok(Some((self.number, fits)));
            }
        }
    }
}

/// Parses one import line: a report in the input format, or a correction, retraction or
/// corroboration as `export` writes it. The informational `recorded` object of exported lines is ignored.
pub fn parse_import_line(line: usize, raw: &[u8]) -> Result<ImportLine, LineError> {
    let raw = if line == 1 {
        json::without_bom(raw)
    } else {
        raw
    };
    // Most lines are plain reports: read them straight into the input type, as `append` does.
    let marked = |marker: &[u8]| raw.windows(marker.len()).any(|w| w == marker);
    if ![
        &b"\"recorded\""[..],
        b"\"correction\"",
        b"\"retraction\"",
        b"\"corroboration\"",
    ]
    .iter()
    .any(|m| marked(m))
    {
        return parse_line(line, raw).map(ImportLine::Report);
    }
    let refuse = |field: Option<String>, problem: String| LineError {
        line,
        field,
        problem,
    };
    let text =
        std::str::from_utf8(raw).map_err(|e| refuse(None, format!("not valid UTF-8: {e}")))?;
    let mut fields = json::read_object(text).map_err(|e| refuse(None, e.to_string()))?;
    fields.remove("recorded");
    let amendment = matches!(
        fields.get("kind").and_then(Value::as_str),
        Some("correction" | "retraction" | "corroboration")
    );
    let located = |e: serde_path_to_error::Error<serde_json::Error>| {
        let path = e.path().to_string();
        refuse(
            (path != ".").then_some(path),
            strip_position(&e.into_inner().to_string()),
        )
    };
    let value = Value::Object(fields);
    if amendment {
        serde_path_to_error::deserialize(value)
            .map(ImportLine::Amendment)
            .map_err(located)
    } else {
        serde_path_to_error::deserialize(value)
            .map(ImportLine::Report)
            .map_err(located)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::framework::Framework;
    use crate::domain::taxonomy::Taxonomy;
    use chrono::NaiveDate;

    const GOOD: &str = r#"{"dyad":"USA-RUS","kind":"action","occurred_on":"2017-04-24","actor":"RUS","target":"TALIBAN","action":"arm_adversary","summary":"Arms to the Taliban","source":{"outlet":"BuzzFeed News"}}"#;

    fn read(input: &str) -> Result<Vec<(usize, Event)>, InputError> {
        let framework = Framework::builtin();
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        let validator = Validator::new(Taxonomy::builtin(), &framework, today);
        read_events(input.as_bytes(), "test", &validator)
    }

    fn refused(input: &str) -> Vec<LineError> {
        match read(input) {
            Err(InputError::Refused { errors, .. }) => errors,
            other => panic!("expected refusal, got {other:?}"),
        }
    }

    #[test]
    fn lines_are_numbered_from_one_counting_blank_lines() {
        let input = format!("{GOOD}\n\n{}\n", GOOD.replace("2017-04-24", "2017-02-30"));
        let errors = refused(&input);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3);
        assert_eq!(errors[0].field.as_deref(), Some("occurred_on"));
    }

    #[test]
    fn malformed_json_names_the_line_and_column() {
        let errors = refused(&format!("{GOOD}\n{{\"dyad\": \"USA-RUS\",,}}"));
        assert_eq!(errors[0].line, 2);
        assert!(
            errors[0].problem.starts_with("malformed JSON at column"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn type_errors_name_the_nested_field() {
        let bad = GOOD.replace(
            r#""outlet":"BuzzFeed News""#,
            r#""outlet":"BuzzFeed News","published_on":20170619"#,
        );
        let errors = refused(&bad);
        assert_eq!(errors[0].field.as_deref(), Some("source.published_on"));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let bad = GOOD.replace(r#""kind""#, r#""mood":"grim","kind""#);
        let errors = refused(&bad);
        assert!(
            errors[0].problem.contains("unknown field `mood`"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn every_bad_line_is_listed() {
        let bad = GOOD.replace("RUS\",\"target", "XXX\",\"target");
        let errors = refused(&format!("{bad}\n{GOOD}\n{bad}"));
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [1, 3]);
    }

    #[test]
    fn oversized_lines_are_refused_without_parsing() {
        let long = GOOD.replace("Arms to the Taliban", &"x".repeat(MAX_EVENT_BYTES));
        let errors = refused(&long);
        assert!(errors[0].problem.contains("at most"), "{}", errors[0]);
    }

    #[test]
    fn a_pretty_printed_single_event_is_accepted() {
        let value: serde_json::Value = serde_json::from_str(GOOD).expect("json");
        let pretty = serde_json::to_string_pretty(&value).expect("json");
        assert_eq!(read(&pretty).expect("valid").len(), 1);
    }

    #[test]
    fn empty_input_is_refused() {
        assert!(matches!(read("\n \n"), Err(InputError::Empty { .. })));
    }
}
