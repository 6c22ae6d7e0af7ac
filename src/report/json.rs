//! JSON output. One object per line (NDJSON) for event lists, one object for a status.

use crate::app::{AppendSummary, VerifyReport};
use crate::domain::event::{LoggedEvent, Report};
use crate::domain::framework::Framework;
use crate::domain::taxonomy::Taxonomy;
use crate::projection::Status;
use crate::store::Appended;
use crate::store::format_recorded_at;
use serde::Serialize;
use serde_json::{Value, json};
use std::io::{self, Write};

/// One event of `dyad log --json`: the envelope and every field; for a report, the derived
/// values filled in (`derived` names which ones were derived rather than coded).
pub fn logged_event(logged: &LoggedEvent, framework: &Framework, taxonomy: &Taxonomy) -> Value {
    let event = &logged.event;
    let mut object = json!({
        "position": logged.position,
        "version": logged.version,
        "id": event.id,
        "recorded_at": format_recorded_at(logged.recorded_at),
        "dyad": event.dyad.as_str(),
        "kind": event.kind,
        "occurred_on": event.occurred_on,
    });
    let payload: Value = serde_json::from_str(&event.payload_json()).unwrap_or(Value::Null);
    if let (Value::Object(fields), Value::Object(payload)) = (&mut object, payload) {
        fields.extend(payload);
    }
    if let Some(report) = Report::original(logged) {
        let mut derived = Vec::new();
        if report.body.pillar.is_none() {
            derived.push("pillar");
        }
        if report.body.intensity.is_none() {
            derived.push("intensity");
        }
        object["intensity"] = json!(report.intensity(taxonomy));
        object["pillar"] = json!(report.pillar(framework));
        object["derived"] = json!(derived);
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
    for outcome in append_outcomes(summary) {
        write_line(out, &outcome)?;
    }
    Ok(())
}

/// One object per appended event, as `append --json` prints them (and `dyad serve` answers).
pub fn append_outcomes(summary: &AppendSummary) -> Vec<Value> {
    summary
        .events
        .iter()
        .zip(&summary.receipt.outcomes)
        .map(|(event, outcome)| {
            let (status, position, version) = match *outcome {
                Appended::Recorded { position, version } => ("recorded", position, version),
                Appended::AlreadyRecorded { position, version } => {
                    ("already_recorded", position, version)
                }
            };
            json!({
                "status": status,
                "position": position,
                "version": version,
                "id": event.id,
                "dyad": event.dyad.as_str(),
                "occurred_on": event.occurred_on,
                "kind": event.kind,
                "summary": event.headline(),
            })
        })
        .collect()
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
