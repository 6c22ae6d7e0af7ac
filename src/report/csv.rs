//! CSV for spreadsheets and scripts, written with the `csv` crate so that ids, summaries and
//! titles holding commas, quotes or line breaks are quoted right. `log --csv` has one row per
//! event; `replay --csv` one row per date (wide: a column triple per pillar, and per issue with
//! `--issues`) or one row per date and pillar or issue (`--long`).

use crate::app::Amended;
use crate::domain::event::{LoggedEvent, Report};
use crate::domain::framework::Framework;
use crate::domain::taxonomy::Taxonomy;
use crate::projection::Status;
use crate::store::format_recorded_at;
use std::io::{self, Write};

/// The shape of `replay --csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReplayCsv {
    /// Add each issue's level, score and events.
    pub issues: bool,
    /// One row per date and pillar (and issue), instead of one row per date.
    pub long: bool,
}

/// Writes records to `out`, quoting as CSV needs.
fn write_records<I, R>(out: &mut dyn Write, records: I) -> io::Result<()>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    for record in records {
        writer.write_record(record)?;
    }
    writer.flush()
}

/// The header of `log --csv`.
pub fn log_header(out: &mut dyn Write) -> io::Result<()> {
    write_records(
        out,
        [[
            "position",
            "id",
            "recorded_at",
            "recorded_by",
            "dyad",
            "kind",
            "occurred_on",
            "actor",
            "target",
            "action",
            "intensity",
            "confidence",
            "pillar",
            "issue",
            "summary",
            "outlet",
            "url",
            "corrected",
            "retracted",
            "amends",
        ]],
    )
}

/// One event of `log --csv`; a report's pillar and intensity are derived when not coded.
pub fn log_row(
    out: &mut dyn Write,
    logged: &LoggedEvent,
    amended: Amended,
    framework: &Framework,
    taxonomy: &Taxonomy,
) -> io::Result<()> {
    let event = &logged.event;
    let mut row = vec![
        logged.position.to_string(),
        event.id.to_string(),
        format_recorded_at(logged.recorded_at),
        logged.recorded_by.clone(),
        event.dyad.to_string(),
        event.kind.as_str().to_string(),
        event.occurred_on.to_string(),
    ];
    match Report::original(logged) {
        Some(report) => {
            let body = &report.body;
            row.extend([
                body.actor.clone(),
                body.target.clone(),
                body.action.clone(),
                format!("{}", report.intensity(taxonomy)),
                format!("{}", body.confidence),
                report.pillar(framework).to_string(),
                body.issue.clone().unwrap_or_default(),
                body.summary.clone(),
                body.source.outlet.clone(),
                body.source.url.clone().unwrap_or_default(),
                amended.corrected.to_string(),
                amended.retracted.to_string(),
                String::new(),
            ]);
        }
        None => {
            row.extend(std::iter::repeat_n(String::new(), 7));
            row.push(event.headline());
            row.extend([String::new(), String::new(), String::new(), String::new()]);
            row.push(event.amends().map(|id| id.to_string()).unwrap_or_default());
        }
    }
    write_records(out, [row])
}

/// A level, score and events as CSV cells; no level and no score where there is no data, so
/// that a plot of the column has a gap rather than a flat line at 0.
fn cells(level: &Option<String>, score: f64, events: u64) -> [String; 3] {
    match level {
        Some(level) => [level.clone(), format!("{score:.2}"), events.to_string()],
        None => [String::new(), String::new(), events.to_string()],
    }
}

/// The issues a wide replay has columns for: each pillar's issues by the framework's rules.
fn wide_issues(framework: &Framework) -> Vec<(&str, &str)> {
    framework
        .pillars
        .iter()
        .flat_map(|pillar| {
            framework
                .issues
                .iter()
                .filter(|issue| framework.derive_pillar("", Some(&issue.id)) == pillar.id)
                .map(|issue| (pillar.id.as_str(), issue.id.as_str()))
        })
        .collect()
}

/// One step of `replay --csv`, with the header before the first.
pub fn replay_row(
    out: &mut dyn Write,
    status: &Status,
    framework: &Framework,
    shape: ReplayCsv,
    first: bool,
) -> io::Result<()> {
    let mut records: Vec<Vec<String>> = Vec::new();
    let date = status.as_of.to_string();
    let overall = &status.overall;
    if shape.long {
        if first {
            records.push(
                ["date", "pillar", "issue", "level", "score", "events"]
                    .map(String::from)
                    .to_vec(),
            );
        }
        let row = |pillar: &str, issue: &str, values: [String; 3]| {
            let mut row = vec![date.clone(), pillar.to_string(), issue.to_string()];
            row.extend(values);
            row
        };
        records.push(row(
            "overall",
            "",
            cells(&overall.level, overall.score, overall.events),
        ));
        for pillar in &status.pillars {
            records.push(row(
                &pillar.id,
                "",
                cells(&pillar.level, pillar.score, pillar.events),
            ));
            if shape.issues {
                for issue in &pillar.issues {
                    records.push(row(
                        &pillar.id,
                        &issue.id,
                        cells(&issue.level, issue.score, issue.events),
                    ));
                }
            }
        }
        return write_records(out, records);
    }
    let issues = if shape.issues {
        wide_issues(framework)
    } else {
        Vec::new()
    };
    if first {
        let mut header = vec!["date".to_string()];
        let mut triple = |name: &str| {
            for column in ["level", "score", "events"] {
                header.push(format!("{name}_{column}"));
            }
        };
        triple("overall");
        for pillar in &status.pillars {
            triple(&pillar.id);
        }
        for (pillar, issue) in &issues {
            triple(&format!("{pillar}_{issue}"));
        }
        records.push(header);
    }
    let mut row = vec![date.clone()];
    row.extend(cells(&overall.level, overall.score, overall.events));
    for pillar in &status.pillars {
        row.extend(cells(&pillar.level, pillar.score, pillar.events));
    }
    for (pillar, issue) in &issues {
        let found = status
            .pillars
            .iter()
            .find(|p| p.id == *pillar)
            .and_then(|p| p.issues.iter().find(|i| i.id == *issue));
        match found {
            Some(issue) => row.extend(cells(&issue.level, issue.score, issue.events)),
            // No report under it yet: no level and no score, rather than a made-up 0.
            None => row.extend([String::new(), String::new(), "0".to_string()]),
        }
    }
    records.push(row);
    write_records(out, records)
}
