//! Rendering: readable tables for people, JSON and CSV for scripts. Takes results from the
//! projection and the app layer and writes them to any `io::Write`; computes nothing of its own
//! and never touches the store.

pub mod json;
pub mod text;

use crate::projection::Status;
use std::io::{self, Write};

/// How `replay` prints its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayFormat {
    /// Aligned columns for people.
    Table,
    /// One `status --json` object per line.
    Json,
    /// Comma-separated values with a header line.
    Csv,
}

/// One step of a replay; `first` prints the header (tables and CSV) before it.
pub fn replay_row(
    out: &mut dyn Write,
    format: ReplayFormat,
    status: &Status,
    first: bool,
) -> io::Result<()> {
    match format {
        ReplayFormat::Json => json::status(out, status),
        ReplayFormat::Table => text::replay_row(out, status, first),
        ReplayFormat::Csv => {
            if first {
                let mut header = vec![
                    "date".to_string(),
                    "overall_level".into(),
                    "overall_score".into(),
                    "overall_events".into(),
                ];
                for pillar in &status.pillars {
                    for column in ["level", "score", "events"] {
                        header.push(format!("{}_{column}", pillar.id));
                    }
                }
                writeln!(out, "{}", header.join(","))?;
            }
            let mut row = vec![
                status.as_of.to_string(),
                status.overall.level.clone(),
                format!("{:.2}", status.overall.score),
                status.overall.events.to_string(),
            ];
            for pillar in &status.pillars {
                row.push(pillar.level.clone());
                row.push(format!("{:.2}", pillar.score));
                row.push(pillar.events.to_string());
            }
            writeln!(out, "{}", row.join(","))
        }
    }
}
