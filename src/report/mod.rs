//! Rendering: readable tables for people, JSON and CSV for scripts, and the reports of
//! `dyad report` (Markdown with SVG charts beside it, one self-contained HTML file, JSON). Takes
//! results from the projection and the app layer and writes them to any `io::Write`; computes
//! nothing of its own and never touches the store.

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod svg;
pub mod text;

use crate::app::{Briefing, Entry, Movement};
use crate::projection::Status;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The formats of `dyad report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BriefingFormat {
    /// Markdown, with one SVG file per chart beside it.
    Markdown,
    /// One self-contained HTML file, charts inline.
    Html,
    /// The briefing as JSON.
    Json,
}

impl BriefingFormat {
    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            BriefingFormat::Markdown => "md",
            BriefingFormat::Html => "html",
            BriefingFormat::Json => "json",
        }
    }
}

/// A file of a rendered report: `path` is `None` for standard output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Where it goes (`None`: standard output).
    pub path: Option<PathBuf>,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A briefing rendered in `format`, as the files to write: with `output`, the report there (and,
/// for Markdown, each chart beside it, charts first); without, the report alone, for standard
/// output (Markdown then links no chart).
pub fn render_briefing(
    briefing: &Briefing,
    format: BriefingFormat,
    output: Option<&Path>,
) -> io::Result<Vec<Rendered>> {
    let shown = output.map(|path| path.to_string_lossy().into_owned());
    let mut files = Vec::new();
    let mut report = Vec::new();
    match format {
        BriefingFormat::Json => json::briefing(&mut report, briefing)?,
        BriefingFormat::Html => html::write(&mut report, briefing, shown.as_deref())?,
        BriefingFormat::Markdown => match output {
            None => markdown::write(&mut report, briefing, None, None)?,
            Some(path) => {
                let stem = path
                    .file_stem()
                    .map_or_else(|| "report".into(), |s| s.to_string_lossy().into_owned());
                let dir = path.parent().unwrap_or(Path::new(""));
                let names: Vec<String> = briefing
                    .charts
                    .iter()
                    .map(|chart| chart_file_name(&stem, &chart.line))
                    .collect();
                for (chart, name) in briefing.charts.iter().zip(&names) {
                    files.push(Rendered {
                        path: Some(dir.join(name)),
                        bytes: svg::document(briefing, chart).into_bytes(),
                    });
                }
                markdown::write(&mut report, briefing, Some(&names), shown.as_deref())?;
            }
        },
    }
    files.push(Rendered {
        path: output.map(Path::to_path_buf),
        bytes: report,
    });
    Ok(files)
}

/// The command that regenerates a report in `format`, written to `output` if given.
pub fn regenerating_command(
    briefing: &Briefing,
    format: BriefingFormat,
    output: Option<&str>,
) -> String {
    let mut words: Vec<String> = briefing.command.clone();
    words.extend(["--format".to_string(), format.as_str().to_string()]);
    if let Some(output) = output {
        words.extend(["-o".to_string(), output.to_string()]);
    }
    words
        .iter()
        .map(|word| shell_word(word))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A word as a POSIX shell reads it back: quoted only when it needs to be.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:,=+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// How a level reads where the evidence is too thin to have one.
pub const NO_DATA: &str = "no data";

/// A level's name, or [`NO_DATA`].
pub fn level_name(level: &Option<String>) -> &str {
    level.as_deref().unwrap_or(NO_DATA)
}

/// A score as reports print it: sign and two decimals.
pub(crate) fn score(value: f64) -> String {
    format!("{value:+.2}")
}

/// A reading's score: `-2.18`, or a dash where there is no data.
pub(crate) fn reading_score(reading: &crate::app::Reading) -> String {
    match reading.level {
        Some(_) => score(reading.score),
        None => "–".to_string(),
    }
}

/// How a score moved, in words: `down 1.20 from strained (-0.98)`, `steady (from steady
/// +0.12)`, or `from no data` when there was none at the start.
pub(crate) fn movement_phrase(movement: &Movement) -> String {
    let start = &movement.start;
    let Some(level) = &start.level else {
        return format!("from {NO_DATA}");
    };
    match movement.direction {
        crate::app::Direction::Steady => format!("steady (from {level} {})", score(start.score)),
        direction => format!(
            "{} {:.2} from {level} ({})",
            direction.as_str(),
            movement.change.abs(),
            score(start.score)
        ),
    }
}

/// What a report says happened, in codes: `RUS→TALIBAN arm_adversary (-7.0)`.
pub(crate) fn event_codes(entry: &Entry) -> String {
    format!(
        "{}→{} {} ({:+.1}{})",
        entry.actor,
        entry.target,
        entry.action,
        entry.intensity,
        if entry.confidence < 1.0 {
            format!(", confidence {:.2}", entry.confidence)
        } else {
            String::new()
        }
    )
}

/// The file name of a chart written beside a Markdown report whose file stem is `stem`:
/// `stem_pushback.svg`, `stem_engagement_syria.svg`. Only ASCII letters, digits, `-` and `_`
/// survive from the ids, so no framework can make it name another directory.
pub fn chart_file_name(stem: &str, line: &str) -> String {
    let safe: String = line
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{stem}_{safe}.svg")
}

/// Escapes text for XML and HTML (text and attribute values).
pub(crate) fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            // Characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// The fill of a level band by its tone (distance from the level holding 0): light tints of red
/// below, grey at 0, green above, each with a contrast of at least 7:1 against the dark text
/// drawn on it.
pub(crate) fn tone_fill(tone: i32) -> &'static str {
    match tone {
        ..=-3 => "#f4b6b0",
        -2 => "#f8cfc4",
        -1 => "#fce6d2",
        0 => "#eeeeee",
        1 => "#e2f1dc",
        2 => "#c9e7c0",
        _ => "#acd9a2",
    }
}

/// What a correction changed, one `field before → after` per field.
pub(crate) fn field_changes(changed: &[crate::domain::event::FieldChange]) -> String {
    let changes: Vec<String> = changed
        .iter()
        .map(|c| format!("{} {} → {}", c.field, c.before, c.after))
        .collect();
    changes.join("; ")
}

/// One line about a correction or retraction made in a report's period, in a markup given by its
/// escaping and its links.
pub(crate) fn amendment_line(
    amendment: &crate::app::AmendmentEntry,
    escape: fn(&str) -> String,
    link: fn(&str, Option<&str>) -> String,
) -> String {
    let what = if amendment.changed.is_empty() {
        String::new()
    } else {
        format!(": {}", escape(&field_changes(&amendment.changed)))
    };
    let source = amendment
        .source_url
        .as_deref()
        .map(|url| format!(" — {}", link("source", Some(url))))
        .unwrap_or_default();
    format!(
        "{} · {} of “{}”{what} ({}){source}",
        crate::store::format_recorded_at(amendment.recorded_at),
        amendment.kind.as_str(),
        escape(&amendment.summary),
        escape(&amendment.reason)
    )
}

/// How `replay` prints its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayFormat {
    /// Aligned columns for people.
    Table,
    /// One `status --json` object per line.
    Json,
    /// Comma-separated values with a header line.
    Csv(csv::ReplayCsv),
}

/// One step of a replay; `first` prints the header (tables and CSV) before it.
pub fn replay_row(
    out: &mut dyn Write,
    format: ReplayFormat,
    status: &Status,
    framework: &crate::domain::framework::Framework,
    first: bool,
) -> io::Result<()> {
    match format {
        ReplayFormat::Json => json::status(out, status),
        ReplayFormat::Table => text::replay_row(out, status, first),
        ReplayFormat::Csv(shape) => csv::replay_row(out, status, framework, shape, first),
    }
}
