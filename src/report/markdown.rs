//! A briefing as Markdown: the headline table, the charts (SVG files written beside the
//! Markdown, linked as images, each followed by its numbered events), the drivers of each pillar
//! with links to their sources, what changed in the period, and a footer that makes the report
//! reproducible. Renders GitHub-flavoured Markdown (tables); [`super::render_briefing`] names
//! the chart files.

use super::{
    BriefingFormat, event_codes, level_name, movement_phrase, reading_score, regenerating_command,
    score, svg,
};
use crate::app::{AmendmentEntry, Briefing, Entry, Movement};
use crate::domain::event::short_id;
use crate::projection::Explanation;
use crate::projection::status::Driver;
use crate::store::format_recorded_at;
use std::io::{self, Write};

/// Escapes the characters Markdown would read as markup (tables included).
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~'
        ) {
            escaped.push('\\');
        }
        match c {
            '\n' | '\r' => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Codes as inline code (no escaping needed inside; codes hold no backtick, and any is dropped).
fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', ""))
}

/// A link to `url` reading `text`, or the text alone.
fn link(text: &str, url: Option<&str>) -> String {
    match url {
        // Angle brackets keep spaces and parentheses of a URL from ending the link.
        Some(url) => format!("[{}](<{}>)", escape(text), url.replace(['<', '>'], "")),
        None => escape(text),
    }
}

fn source(outlet: &str, attribution: Option<&str>, url: Option<&str>) -> String {
    let mut text = link(outlet, url);
    if let Some(attribution) = attribution {
        text.push_str(&format!(", {}", escape(attribution)));
    }
    text
}

/// Writes the Markdown report. `charts` names the file of each chart (in the order of
/// `briefing.charts`), relative to the Markdown file; `None` leaves the charts out (Markdown on
/// standard output). `output` is the path the report is written to, for the regenerating command.
pub fn write(
    out: &mut dyn Write,
    briefing: &Briefing,
    charts: Option<&[String]>,
    output: Option<&str>,
) -> io::Result<()> {
    writeln!(
        out,
        "# {}: the relationship from {} to {}\n",
        briefing.dyad, briefing.period.from, briefing.period.to
    )?;
    writeln!(
        out,
        "Read under *{}* ({} v{}) on **{}**, from the log as known at {}.\n",
        escape(&briefing.framework.title),
        briefing.framework.id,
        briefing.framework.version,
        briefing.as_of,
        format_recorded_at(briefing.known_at)
    )?;
    headline(out, briefing)?;
    charts_section(out, briefing, charts)?;
    drivers(out, briefing)?;
    changes(out, briefing)?;
    footer(out, briefing, BriefingFormat::Markdown, output)
}

fn headline(out: &mut dyn Write, briefing: &Briefing) -> io::Result<()> {
    writeln!(out, "## Headline\n")?;
    if let Some(overall) = briefing.headline.iter().find(|m| m.id == "overall") {
        writeln!(
            out,
            "**Overall: {} ({})** on {}, {} on {}.\n",
            level_name(&overall.end.level),
            reading_score(&overall.end),
            briefing.as_of,
            movement_phrase(overall),
            briefing.period.from
        )?;
    }
    writeln!(
        out,
        "| | level on {} | score | since {} | events |",
        briefing.as_of, briefing.period.from
    )?;
    writeln!(out, "|---|---|--:|---|--:|")?;
    for movement in &briefing.headline {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            movement_name(movement),
            level_name(&movement.end.level),
            reading_score(&movement.end),
            movement_phrase(movement),
            movement.end.events
        )?;
    }
    writeln!(out)
}

fn movement_name(movement: &Movement) -> String {
    match (&movement.pillar, &movement.issue) {
        (None, _) => "**Overall**".to_string(),
        (Some(pillar), None) => format!("**{}** ({pillar})", escape(&movement.title)),
        (Some(_), Some(issue)) => format!("↳ {} ({issue})", escape(&movement.title)),
    }
}

fn charts_section(
    out: &mut dyn Write,
    briefing: &Briefing,
    files: Option<&[String]>,
) -> io::Result<()> {
    writeln!(out, "## Charts\n")?;
    writeln!(
        out,
        "Each chart is the score on each {} from {} to {}, over the level bands; the numbers mark \
         the period's strongest reports.\n",
        match briefing.period.step {
            crate::app::SeriesStep::Day => "day",
            crate::app::SeriesStep::Week => "week",
            crate::app::SeriesStep::Month => "month",
        },
        briefing.period.from,
        briefing.period.to
    )?;
    if files.is_none() {
        writeln!(
            out,
            "*The chart images are written beside the report when it is written to a file \
             (`-o PATH`).*\n"
        )?;
    }
    for (index, chart) in briefing.charts.iter().enumerate() {
        let title = svg::chart_title(briefing, chart);
        writeln!(out, "### {}\n", escape(&title))?;
        if let Some(file) = files.and_then(|f| f.get(index)) {
            writeln!(
                out,
                "![{}](<{file}>)\n",
                escape(&svg::chart_description(briefing, chart, false))
            )?;
        }
        for (number, mark) in chart.marks.iter().enumerate() {
            writeln!(out, "{}. {}", number + 1, entry_line(mark))?;
        }
        if !chart.marks.is_empty() {
            writeln!(out)?;
        }
    }
    Ok(())
}

fn entry_line(entry: &Entry) -> String {
    let mut flags = String::new();
    if entry.retracted {
        flags.push_str(" *(retracted)*");
    } else if entry.corrected {
        flags.push_str(" *(corrected)*");
    }
    format!(
        "{} · {} · {} — {}{flags} — {}",
        code(&short_id(entry.id)),
        entry.occurred_on,
        code(&event_codes(entry)),
        escape(&entry.summary),
        source(
            &entry.outlet,
            entry.attribution.as_deref(),
            entry.url.as_deref()
        )
    )
}

fn drivers(out: &mut dyn Write, briefing: &Briefing) -> io::Result<()> {
    writeln!(out, "## What drives each pillar on {}\n", briefing.as_of)?;
    writeln!(
        out,
        "Each report's share of its pillar's score (decay × confidence × intensity over the total \
         weight), strongest first.\n"
    )?;
    for explanation in &briefing.drivers {
        explanation_section(out, briefing, explanation)?;
    }
    Ok(())
}

fn explanation_section(
    out: &mut dyn Write,
    briefing: &Briefing,
    explanation: &Explanation,
) -> io::Result<()> {
    let pillar = explanation.pillar.as_deref().unwrap_or("overall");
    let title = briefing.title_of(pillar);
    writeln!(
        out,
        "### {}: {} ({}) from {} events\n",
        escape(&title),
        level_name(&explanation.level),
        score(explanation.score),
        explanation.events
    )?;
    if explanation.contributions.is_empty() {
        writeln!(out, "No report counts under it.\n")?;
    }
    for (index, driver) in explanation.contributions.iter().enumerate() {
        writeln!(out, "{}. {}", index + 1, driver_line(driver))?;
        for correction in &driver.corrections {
            let changes = crate::report::field_changes(&correction.changed);
            writeln!(
                out,
                "   - corrected {} by {}: {} ({})",
                format_recorded_at(correction.recorded_at),
                escape(&correction.recorded_by),
                escape(&changes),
                escape(&correction.reason)
            )?;
        }
    }
    if !explanation.contributions.is_empty() {
        writeln!(out)?;
    }
    if !explanation.retracted.is_empty() {
        writeln!(out, "Retracted, no longer counted:\n")?;
        for retracted in &explanation.retracted {
            writeln!(
                out,
                "- {} · {} [{}] — retracted {}: {}",
                retracted.occurred_on,
                escape(&retracted.summary),
                escape(&retracted.outlet),
                format_recorded_at(retracted.retraction.recorded_at),
                escape(&retracted.retraction.reason)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn driver_line(driver: &Driver) -> String {
    let also: String = driver
        .corroborations
        .iter()
        .map(|c| format!(" · also reported by {}", escape(&c.source.outlet)))
        .collect();
    format!(
        "**{}** · {} · {} · {} — {} — {} · recorded by {}{also}",
        score(driver.contribution),
        code(&short_id(driver.id)),
        driver.occurred_on,
        code(&format!(
            "{}→{} {} ({:+.1})",
            driver.actor, driver.target, driver.action, driver.intensity
        )),
        escape(&driver.summary),
        source(
            &driver.outlet,
            driver.attribution.as_deref(),
            driver.url.as_deref()
        ),
        escape(&driver.recorded_by)
    )
}

fn changes(out: &mut dyn Write, briefing: &Briefing) -> io::Result<()> {
    let changes = &briefing.changes;
    writeln!(out, "## What changed in the period\n")?;
    let shown = |total: u64, listed: usize| {
        if total as usize > listed {
            format!(" ({listed} of {total} shown)")
        } else {
            String::new()
        }
    };
    writeln!(
        out,
        "### New events: {}{}\n",
        changes.new_events.total,
        shown(changes.new_events.total, changes.new_events.listed.len())
    )?;
    if changes.new_events.total == 0 {
        writeln!(out, "No report occurred in the period.\n")?;
    }
    for entry in &changes.new_events.listed {
        let scope = match &entry.issue {
            Some(issue) => format!("{}/{issue}", entry.pillar),
            None => entry.pillar.clone(),
        };
        writeln!(out, "- {} · {}", code(&scope), entry_line(entry))?;
    }
    if !changes.new_events.listed.is_empty() {
        writeln!(out)?;
    }
    writeln!(
        out,
        "### Corrections and retractions: {}{}\n",
        changes.amendments.total,
        shown(changes.amendments.total, changes.amendments.listed.len())
    )?;
    if changes.amendments.total == 0 {
        writeln!(out, "None were made in the period.\n")?;
    }
    for amendment in &changes.amendments.listed {
        writeln!(out, "- {}", amendment_line(amendment))?;
    }
    if !changes.amendments.listed.is_empty() {
        writeln!(out)?;
    }
    writeln!(
        out,
        "### Late reports: {}{}\n",
        changes.late_reports.total,
        shown(
            changes.late_reports.total,
            changes.late_reports.listed.len()
        )
    )?;
    if changes.late_reports.total == 0 {
        writeln!(
            out,
            "No report recorded in the period was about a day before it.\n"
        )?;
    }
    for entry in &changes.late_reports.listed {
        writeln!(
            out,
            "- recorded {} · {}",
            entry.recorded_at.date_naive(),
            entry_line(entry)
        )?;
    }
    if !changes.late_reports.listed.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

fn amendment_line(amendment: &AmendmentEntry) -> String {
    crate::report::amendment_line(amendment, escape, link)
}

fn footer(
    out: &mut dyn Write,
    briefing: &Briefing,
    format: BriefingFormat,
    output: Option<&str>,
) -> io::Result<()> {
    writeln!(out, "---\n")?;
    writeln!(out, "## Reproduce this report\n")?;
    writeln!(
        out,
        "- Log: {} events as known at {}; the hash of event {} is `{}`.",
        briefing.log.position,
        format_recorded_at(briefing.known_at),
        briefing.log.position,
        briefing.log.hash
    )?;
    writeln!(
        out,
        "- Framework: {} v{} (digest `{}`); made by dyad {}.\n",
        briefing.framework.id,
        briefing.framework.version,
        briefing.framework.digest,
        briefing.dyad_version
    )?;
    writeln!(
        out,
        "On a log that holds those events (`--db PATH`), this command writes this report again, \
         byte for byte:\n"
    )?;
    writeln!(
        out,
        "```sh\n{}\n```",
        regenerating_command(briefing, format, output)
    )
}
