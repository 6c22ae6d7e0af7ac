//! JSON output. One object per line (NDJSON) for event lists, one object for a status.

use crate::app::{AppendSummary, VerifyReport};
use crate::domain::event::{EventBody, LoggedEvent};
use crate::domain::framework::Framework;
use crate::domain::taxonomy::Taxonomy;
use crate::projection::Status;
use crate::store::Appended;
use serde::Serialize;
use serde_json::{Value, json};
use std::io::{self, Write};

/// One event of `dyad log --json`: the envelope, every field, and the derived values filled in
/// (`derived` names which ones were derived rather than coded).
pub fn logged_event(event: &LoggedEvent, framework: &Framework, taxonomy: &Taxonomy) -> Value {
    let e = &event.event;
    let body: &EventBody = &e.body;
    let mut derived = Vec::new();
    if body.pillar.is_none() {
        derived.push("pillar");
    }
    if body.intensity.is_none() {
        derived.push("intensity");
    }
    let mut object = json!({
        "position": event.position,
        "version": event.version,
        "id": e.id,
        "recorded_at": event.recorded_at.format(crate::store::RECORDED_AT_FORMAT).to_string(),
        "dyad": e.dyad.as_str(),
        "kind": e.kind,
        "occurred_on": e.occurred_on,
        "actor": body.actor,
        "target": body.target,
        "action": body.action,
        "intensity": e.intensity(taxonomy),
        "pillar": e.pillar(framework),
        "summary": body.summary,
        "source": body.source,
        "derived": derived,
    });
    for (key, value) in [
        ("issue", &body.issue),
        ("speaker", &body.speaker),
        ("quote", &body.quote),
    ] {
        if let Some(value) = value {
            object[key] = json!(value);
        }
    }
    object
}

/// Writes one JSON value on its own line.
pub fn write_line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// The status as one JSON object.
pub fn status(out: &mut dyn Write, status: &Status) -> io::Result<()> {
    write_line(out, status)
}

/// One line per appended event: `recorded` or `already_recorded`, with position and version.
pub fn append_summary(out: &mut dyn Write, summary: &AppendSummary) -> io::Result<()> {
    for (event, outcome) in summary.events.iter().zip(&summary.receipt.outcomes) {
        let (status, position, version) = match *outcome {
            Appended::Recorded { position, version } => ("recorded", position, version),
            Appended::AlreadyRecorded { position, version } => {
                ("already_recorded", position, version)
            }
        };
        write_line(
            out,
            &json!({
                "status": status,
                "position": position,
                "version": version,
                "id": event.id,
                "dyad": event.dyad.as_str(),
                "occurred_on": event.occurred_on,
                "summary": event.body.summary,
            }),
        )?;
    }
    Ok(())
}

/// The verify report as one JSON object.
pub fn verify(out: &mut dyn Write, report: &VerifyReport) -> io::Result<()> {
    let value = match &report.first_break {
        None => json!({"sound": true, "events": report.events, "head_hash": report.head_hash}),
        Some(problem) => json!({
            "sound": false,
            "events_checked": report.events,
            "first_bad_position": problem.position,
            "problem": problem.problem,
        }),
    };
    write_line(out, &value)
}
