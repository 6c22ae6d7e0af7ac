//! JSON output. One object per line (NDJSON) for event lists, one object for a status.

use crate::app::{Amended, AppendSummary, VerifyReport};
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
/// values filled in (`derived` names which ones were derived rather than coded), and whether it
/// was since `corrected` or `retracted`.
pub fn logged_event(
    logged: &LoggedEvent,
    amended: Amended,
    framework: &Framework,
    taxonomy: &Taxonomy,
) -> Value {
    let event = &logged.event;
    let mut object = json!({
        "position": logged.position,
        "version": logged.version,
        "id": event.id,
        "recorded_at": format_recorded_at(logged.recorded_at),
        "recorded_by": logged.recorded_by,
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
        object["corrected"] = json!(amended.corrected);
        object["retracted"] = json!(amended.retracted);
    }
    object
}

/// One event of `dyad export`: the event as it was coded (what `import` reads back), with its
/// place in the log under `recorded` (informational: an import records events anew).
pub fn export_line(logged: &LoggedEvent) -> Value {
    let event = &logged.event;
    let mut object = match serde_json::from_str(&event.payload_json()) {
        Ok(Value::Object(fields)) => fields,
        _ => serde_json::Map::new(),
    };
    object.insert("id".into(), json!(event.id));
    object.insert("dyad".into(), json!(event.dyad.as_str()));
    object.insert("kind".into(), json!(event.kind));
    object.insert("occurred_on".into(), json!(event.occurred_on));
    object.insert(
        "recorded".into(),
        json!({
            "position": logged.position,
            "version": logged.version,
            "recorded_at": format_recorded_at(logged.recorded_at),
            "recorded_by": logged.recorded_by,
        }),
    );
    Value::Object(object)
}

/// One proposal of `dyad inbox --json`: its id, status, article, event (in the format `dyad
/// append` reads), note and explanation.
pub fn inbox_proposal(proposal: &crate::inbox::InboxProposal) -> Value {
    json!({
        "id": proposal.id,
        "status": proposal.status,
        "article": {
            "id": proposal.article.id,
            "title": proposal.article.title,
            "url": proposal.article.url,
            "outlet": proposal.article.outlet,
        },
        "event": proposal.event,
        "note": proposal.note,
        "explanation": proposal.explanation,
        "reason": proposal.reason,
        "likely_duplicates": proposal.duplicates.iter().map(|d| json!({
            "id": d.id,
            "position": d.position,
            "outlet": d.outlet,
            "summary": d.summary,
        })).collect::<Vec<_>>(),
    })
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
        None => json!({
            "sound": report.is_sound(),
            "events": report.events,
            "head_hash": report.head_hash,
            "problems": report.problems,
        }),
        Some(problem) => json!({
            "sound": false,
            "events_checked": report.events,
            "first_bad_position": problem.position,
            "problem": problem.problem,
            "problems": report.problems,
        }),
    };
    write_line(out, &value)
}

/// The briefing of `dyad report --format json`: indented, with arrays of plain values (the
/// series' dates and scores) kept on one line each so that the file stays short and diffs well.
pub fn briefing(out: &mut dyn Write, briefing: &crate::app::Briefing) -> io::Result<()> {
    let text = serde_json::to_string_pretty(briefing)?;
    out.write_all(inline_scalar_arrays(&text).as_bytes())?;
    out.write_all(b"\n")
}

/// Puts each array of `serde_json`'s pretty output whose elements are all plain values (no
/// object or array) on one line.
fn inline_scalar_arrays(pretty: &str) -> String {
    let lines: Vec<&str> = pretty.lines().collect();
    let mut joined = String::with_capacity(pretty.len());
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        if line.ends_with('[') {
            let mut end = index + 1;
            let mut values = Vec::new();
            while end < lines.len() {
                let item = lines[end].trim();
                if item.starts_with(']') {
                    break;
                }
                if item.ends_with('{') || item.ends_with('[') {
                    values.clear();
                    end = lines.len();
                    break;
                }
                values.push(item.trim_end_matches(','));
                end += 1;
            }
            if end < lines.len() {
                joined.push_str(line);
                joined.push_str(&values.join(", "));
                joined.push_str(lines[end].trim_start());
                joined.push('\n');
                index = end + 1;
                continue;
            }
        }
        joined.push_str(line);
        joined.push('\n');
        index += 1;
    }
    joined.pop();
    joined
}

#[cfg(test)]
mod tests {
    use super::inline_scalar_arrays;
    use serde_json::json;

    #[test]
    fn arrays_of_plain_values_go_on_one_line_and_the_json_is_unchanged() {
        let value = json!({
            "dates": ["2017-01-01", "2017-01-02"],
            "empty": [],
            "lines": [{"scores": [1.5, null, -2.0], "nested": [[1], [2]]}],
            "text": "ends with [",
        });
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
        let compact = inline_scalar_arrays(&pretty);
        assert!(
            compact.contains("\"dates\": [\"2017-01-01\", \"2017-01-02\"]"),
            "{compact}"
        );
        assert!(
            compact.contains("\"scores\": [1.5, null, -2.0]"),
            "{compact}"
        );
        assert!(compact.contains("\"empty\": []"), "{compact}");
        let reread: serde_json::Value = serde_json::from_str(&compact).unwrap_or_default();
        assert_eq!(reread, value);
    }
}
