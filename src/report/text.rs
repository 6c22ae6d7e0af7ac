//! Tables and lines for people reading a terminal. The status table colours its levels when
//! asked to (the CLI asks when standard output is a terminal and `NO_COLOR` is unset): red below
//! the level holding 0, green above it, bold at the ends of the scale; the level's name is always
//! printed, so nothing depends on seeing colour.

use crate::app::{
    Amended, AppendSummary, Diff, DiffAxis, DiffReading, ImportSummary, VerifyReport,
};
use crate::domain::event::{LoggedEvent, Report, short_id};
use crate::domain::framework::Framework;
use crate::domain::taxonomy::Taxonomy;
use crate::inbox::{Filing, InboxProposal};
use crate::ingest::coder::Proposal;
use crate::projection::{Explanation, Status};
use crate::report::{NO_DATA, level_name};
use crate::store::Appended;
use crate::store::inbox::Filed;
use anstyle::{AnsiColor, Style};
use comfy_table::{Attribute, Cell, CellAlignment, Color, Table, presets};
use std::ffi::OsStr;
use std::io::{self, Write};

/// Whether to colour output: only on a terminal, and never when `NO_COLOR` is set to anything
/// but the empty string (<https://no-color.org>).
pub fn colour_wanted(is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    is_terminal && no_color.is_none_or(OsStr::is_empty)
}

/// The terminal colour of a level by its tone ([`Framework::level_tone`]), and whether it is
/// bold (the ends of the scale).
fn tone_colour(tone: i32) -> Option<(AnsiColor, bool)> {
    match tone {
        ..=-3 => Some((AnsiColor::Red, true)),
        -2 => Some((AnsiColor::Red, false)),
        -1 => Some((AnsiColor::Yellow, false)),
        0 => None,
        1 | 2 => Some((AnsiColor::Green, false)),
        _ => Some((AnsiColor::Green, true)),
    }
}

/// A headline's level with its score, `GUTTER (-2.18)`; or `NO DATA (weight 0.04)` where the
/// evidence is too thin for a level.
fn reading(level: &Option<String>, score: f64, weight: f64) -> String {
    match level {
        Some(level) => format!("{} ({score:+.2})", level.to_uppercase()),
        None => format!("{} (weight {weight:.2})", NO_DATA.to_uppercase()),
    }
}

/// A score's cell: blank where there is no data (a gap, not a 0).
fn score_cell(level: &Option<String>, score: f64) -> String {
    match level {
        Some(_) => format!("{score:+.2}"),
        None => String::new(),
    }
}

/// A level's cell, coloured by its tone (styling is only rendered when the table is told to).
fn level_cell(framework: &Framework, level: &str) -> Cell {
    let cell = Cell::new(level);
    match tone_colour(framework.level_tone(level)) {
        None => cell,
        Some((colour, bold)) => {
            let colour = match colour {
                AnsiColor::Red => Color::DarkRed,
                AnsiColor::Yellow => Color::DarkYellow,
                _ => Color::DarkGreen,
            };
            let cell = cell.fg(colour);
            if bold {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }
    }
}

/// `text` styled like its level, or plain.
fn paint(framework: &Framework, level: &str, text: &str, colour: bool) -> String {
    match tone_colour(framework.level_tone(level)).filter(|_| colour) {
        None => text.to_string(),
        Some((ansi, bold)) => {
            let mut style = Style::new().fg_color(Some(ansi.into()));
            if bold {
                style = style.bold();
            }
            format!("{style}{text}{style:#}")
        }
    }
}

fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    // The caller decides about colour, not comfy-table's own look at standard output.
    table.force_no_tty();
    table.load_style(presets::NOTHING);
    table.set_header(header.iter().map(|h| h.to_uppercase()));
    table
}

fn align_right(table: &mut Table, columns: &[usize]) {
    for &index in columns {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// Text from the log cut to `max_chars` for a table cell, with its control characters made
/// visible: a cell is one line, and an escape sequence recorded in the log must never reach the
/// terminal (`ESC[2J` would clear it).
fn truncate(text: &str, max_chars: usize) -> String {
    let text = printable(text, |_| false);
    if text.chars().count() <= max_chars {
        return text;
    }
    let mut short: String = text.chars().take(max_chars - 1).collect();
    short.push('…');
    short
}

/// `text` with each control character not `kept` written as an escape (`\u{1b}`).
fn printable(text: &str, kept: impl Fn(char) -> bool) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && !kept(c) {
            shown.push_str(&c.escape_unicode().to_string());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// The status: overall line, a table of pillars and their issues, then each pillar's drivers.
pub fn status(out: &mut dyn Write, status: &Status, framework: &Framework) -> io::Result<()> {
    status_in_colour(out, status, framework, false)
}

/// [`status`], with the levels coloured when `colour` is set (ANSI escapes).
pub fn status_in_colour(
    out: &mut dyn Write,
    status: &Status,
    framework: &Framework,
    colour: bool,
) -> io::Result<()> {
    let known = status
        .known_at
        .map(|t| format!(" as known at {}", crate::store::format_recorded_at(t)))
        .unwrap_or_default();
    let overall = &status.overall;
    let painted = match &overall.level {
        Some(level) => format!(
            "{} ({:+.2})",
            paint(framework, level, &level.to_uppercase(), colour),
            overall.score
        ),
        None => reading(&None, overall.score, overall.weight),
    };
    writeln!(
        out,
        "{} as of {}{known}: {painted} from {} events",
        status.dyad, status.as_of, overall.events
    )?;
    writeln!(
        out,
        "framework: {} v{} ({})\n",
        status.framework.id, status.framework.version, framework.title
    )?;
    let mut pillars = table(&["pillar", "level", "score", "events"]);
    if colour {
        pillars.enforce_styling();
    }
    for pillar in &status.pillars {
        pillars.add_row(vec![
            Cell::new(&pillar.id),
            level_cell(framework, level_name(&pillar.level)),
            Cell::new(score_cell(&pillar.level, pillar.score)),
            Cell::new(pillar.events),
        ]);
        for issue in &pillar.issues {
            pillars.add_row(vec![
                Cell::new(format!("  {}", issue.id)),
                level_cell(framework, level_name(&issue.level)),
                Cell::new(score_cell(&issue.level, issue.score)),
                Cell::new(issue.events),
            ]);
        }
    }
    align_right(&mut pillars, &[2, 3]);
    writeln!(out, "{pillars}")?;
    if status.unplaced > 0 {
        writeln!(
            out,
            "\n{} events are coded under pillars this framework does not have; they are not counted.",
            status.unplaced
        )?;
    }
    for pillar in status.pillars.iter().filter(|p| !p.drivers.is_empty()) {
        writeln!(out, "\n{}: what drives it", pillar.title)?;
        for driver in &pillar.drivers {
            let attribution = driver
                .attribution
                .as_deref()
                .map(|a| format!(", {a}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:+6.2}  {}  {}  {}→{} {} ({:+.1})  {} [{}{}]",
                driver.contribution,
                short_id(driver.id),
                driver.occurred_on,
                driver.actor,
                driver.target,
                driver.action,
                driver.intensity,
                truncate(&driver.summary, 70),
                driver.outlet,
                attribution
            )?;
        }
    }
    Ok(())
}

/// The header of the event table `log` prints; rows follow one by one, so the log streams.
pub fn log_header(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{:>5}  {:<8}  {:<10}  {:<10}  {:<16}  {:<20}  {:>5}  {:<10}  {:<16}  {:<12}  SUMMARY",
        "POS", "ID", "OCCURRED", "KIND", "WHO", "ACTION", "INT", "PILLAR", "ISSUE", "RECORDED BY"
    )
}

/// One row of the event table.
pub fn log_row(
    out: &mut dyn Write,
    logged: &LoggedEvent,
    amended: Amended,
    framework: &Framework,
    taxonomy: &Taxonomy,
) -> io::Result<()> {
    let event = &logged.event;
    // The kind says what became of a report since: people scan this column.
    let kind = match (amended.retracted, amended.corrected) {
        (true, _) => format!("{}[R]", event.kind.as_str()),
        (false, true) => format!("{}[C]", event.kind.as_str()),
        (false, false) => event.kind.as_str().to_string(),
    };
    let (who, action, intensity, pillar, issue) = match Report::original(logged) {
        Some(report) => (
            format!("{}→{}", report.body.actor, report.body.target),
            report.body.action.clone(),
            format!("{:+.1}", report.intensity(taxonomy)),
            report.pillar(framework).to_string(),
            report.body.issue.clone().unwrap_or_else(|| "-".into()),
        ),
        None => (
            "-".into(),
            "-".into(),
            String::new(),
            "-".into(),
            "-".into(),
        ),
    };
    writeln!(
        out,
        "{:>5}  {:<8}  {:<10}  {:<10}  {:<16}  {:<20}  {:>5}  {:<10}  {:<16}  {:<12}  {}",
        logged.position,
        short_id(event.id),
        event.occurred_on,
        kind,
        truncate(&who, 16),
        truncate(&action, 20),
        intensity,
        truncate(&pillar, 10),
        truncate(&issue, 16),
        truncate(&logged.recorded_by, 12),
        truncate(&event.headline(), 70),
    )
}

/// One line per event, then a count.
pub fn append_summary(out: &mut dyn Write, summary: &AppendSummary) -> io::Result<()> {
    let recorded = append_lines(out, summary)?;
    append_count(out, recorded, summary.events.len() - recorded)
}

/// The count under [`append_summary`]'s lines.
pub fn append_count(out: &mut dyn Write, recorded: usize, already: usize) -> io::Result<()> {
    writeln!(out, "{recorded} recorded, {already} already recorded")
}

/// [`append_summary`]'s line for each event, without the count; returns how many were new.
pub fn append_lines(out: &mut dyn Write, summary: &AppendSummary) -> io::Result<usize> {
    let mut recorded = 0;
    for (event, outcome) in summary.events.iter().zip(&summary.receipt.outcomes) {
        let (label, position, version) = match *outcome {
            Appended::Recorded { position, version } => {
                recorded += 1;
                ("recorded        ", position, version)
            }
            Appended::AlreadyRecorded { position, version } => {
                ("already recorded", position, version)
            }
        };
        writeln!(
            out,
            "{label} #{position:<5} {} {} v{version:<4} {}  {}",
            short_id(event.id),
            event.dyad,
            event.occurred_on,
            truncate(&event.headline(), 60)
        )?;
    }
    Ok(recorded)
}

/// Whether the log is sound, and where it is not.
pub fn verify(out: &mut dyn Write, report: &VerifyReport) -> io::Result<()> {
    match &report.first_break {
        None => writeln!(
            out,
            "{}: {} events, hash chain intact; head hash {}",
            if report.is_sound() {
                "sound"
            } else {
                "NOT SOUND"
            },
            report.events,
            report.head_hash
        )?,
        Some(problem) => writeln!(
            out,
            "NOT SOUND at position {}: {}\n({} events before it are sound)",
            problem.position, problem.problem, report.events
        )?,
    }
    for problem in &report.problems {
        writeln!(out, "problem: {problem}")?;
    }
    Ok(())
}

/// The action taxonomy as a table.
pub fn actions(out: &mut dyn Write, taxonomy: &Taxonomy) -> io::Result<()> {
    let mut rows = table(&["code", "cameo", "plover", "intensity", "meaning"]);
    for action in taxonomy.actions() {
        rows.add_row(vec![
            action.code.clone(),
            action.cameo.clone(),
            action.plover.clone(),
            format!("{:+.1}", action.intensity),
            action.title.clone(),
        ]);
    }
    align_right(&mut rows, &[3]);
    writeln!(out, "{rows}")
}

/// The actor codes as a table.
pub fn actors(out: &mut dyn Write, taxonomy: &Taxonomy) -> io::Result<()> {
    let mut rows = table(&["code", "kind", "name"]);
    for actor in taxonomy.actors() {
        let kind = serde_json::to_value(actor.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        rows.add_row(vec![actor.code.clone(), kind, actor.name.clone()]);
    }
    writeln!(out, "{rows}")
}

/// The framework: pillars, issues with the pillar their rule gives, and levels.
pub fn framework(out: &mut dyn Write, framework: &Framework) -> io::Result<()> {
    writeln!(
        out,
        "{} v{}: {} ({})\n",
        framework.id, framework.version, framework.title, framework.dyad
    )?;
    let mut pillars = table(&["pillar", "weight", "title"]);
    for pillar in &framework.pillars {
        pillars.add_row(vec![
            pillar.id.clone(),
            format!("{}", pillar.weight),
            pillar.title.clone(),
        ]);
    }
    writeln!(out, "{pillars}\n")?;
    let mut issues = table(&["issue", "pillar", "title"]);
    for issue in &framework.issues {
        issues.add_row(vec![
            issue.id.clone(),
            framework.derive_pillar("", Some(&issue.id)).to_string(),
            issue.title.clone(),
        ]);
    }
    writeln!(out, "{issues}\n")?;
    let mut levels = table(&["level", "from", "title"]);
    for level in &framework.levels {
        levels.add_row(vec![
            level.id.clone(),
            format!("{:+.1}", level.from),
            level.title.clone(),
        ]);
    }
    writeln!(out, "{levels}")?;
    let method = &framework.method;
    writeln!(
        out,
        "\nmethod: half-life {} days, prior weight {}, {} drivers per pillar",
        method.half_life_days, method.prior_weight, method.drivers
    )
}

/// One row of a replay table (with the header first).
pub fn replay_row(out: &mut dyn Write, status: &Status, first: bool) -> io::Result<()> {
    if first {
        write!(out, "{:<10}  {:<24}", "DATE", "OVERALL")?;
        for pillar in &status.pillars {
            write!(out, "  {:<24}", pillar.id.to_uppercase())?;
        }
        writeln!(out)?;
    }
    let cell = |level: &Option<String>, score: f64, events: u64| match level {
        Some(level) => format!("{level} {score:+.2} ({events})"),
        None => format!("{NO_DATA} ({events})"),
    };
    write!(
        out,
        "{:<10}  {:<24}",
        status.as_of,
        cell(
            &status.overall.level,
            status.overall.score,
            status.overall.events
        )
    )?;
    for pillar in &status.pillars {
        write!(
            out,
            "  {:<24}",
            cell(&pillar.level, pillar.score, pillar.events)
        )?;
    }
    writeln!(out)
}

/// What makes up a score: each report's share, source and corrections; then the retracted ones.
/// Control characters from the log are made visible (only the layout's line feeds are kept).
pub fn explain(out: &mut dyn Write, explanation: &Explanation) -> io::Result<()> {
    let mut text = Vec::new();
    explain_raw(&mut text, explanation)?;
    out.write_all(printable(&String::from_utf8_lossy(&text), |c| c == '\n').as_bytes())
}

fn explain_raw(out: &mut dyn Write, explanation: &Explanation) -> io::Result<()> {
    let scope = match (&explanation.pillar, &explanation.issue) {
        (Some(pillar), Some(issue)) => format!("pillar {pillar}, issue {issue}"),
        (Some(pillar), None) => format!("pillar {pillar}"),
        (None, Some(issue)) => format!("issue {issue} across pillars"),
        (None, None) => "overall".to_string(),
    };
    let known = explanation
        .known_at
        .map(|t| format!(", as known at {}", crate::store::format_recorded_at(t)))
        .unwrap_or_default();
    writeln!(
        out,
        "{} {scope} as of {}{known}: {} from {} events",
        explanation.dyad,
        explanation.as_of,
        reading(&explanation.level, explanation.score, explanation.weight),
        explanation.events
    )?;
    writeln!(
        out,
        "the {} most important below; each share is decay × confidence × intensity over the \
         total weight (the shares of all events add up to the score)\n",
        explanation.contributions.len()
    )?;
    for driver in &explanation.contributions {
        writeln!(
            out,
            "{:+6.2}  {}  {}  {}→{} {} ({:+.1}, decay {:.2}{})  {}",
            driver.contribution,
            short_id(driver.id),
            driver.occurred_on,
            driver.actor,
            driver.target,
            driver.action,
            driver.intensity,
            driver.decay,
            if driver.confidence < 1.0 {
                format!(", confidence {:.2}", driver.confidence)
            } else {
                String::new()
            },
            driver.summary
        )?;
        let attribution = driver
            .attribution
            .as_deref()
            .map(|a| format!(", {a}"))
            .unwrap_or_default();
        let url = driver
            .url
            .as_deref()
            .map(|u| format!(" <{u}>"))
            .unwrap_or_default();
        writeln!(
            out,
            "        source: {}{attribution}{url}; recorded by {}",
            driver.outlet, driver.recorded_by
        )?;
        for other in &driver.corroborations {
            let url = other
                .source
                .url
                .as_deref()
                .map(|u| format!(" <{u}>"))
                .unwrap_or_default();
            writeln!(
                out,
                "        also reported by: {}{url} (recorded by {}: {})",
                other.source.outlet, other.recorded_by, other.reason
            )?;
        }
        for correction in &driver.corrections {
            let changes = crate::report::field_changes(&correction.changed);
            writeln!(
                out,
                "        corrected {} by {}: {} ({})",
                crate::store::format_recorded_at(correction.recorded_at),
                correction.recorded_by,
                changes,
                correction.reason
            )?;
        }
    }
    if !explanation.retracted.is_empty() {
        writeln!(out, "\nretracted, no longer counted:")?;
        for retracted in &explanation.retracted {
            writeln!(
                out,
                "  {}  {}  {} [{}] retracted {}: {}",
                short_id(retracted.id),
                retracted.occurred_on,
                retracted.summary,
                retracted.outlet,
                crate::store::format_recorded_at(retracted.retraction.recorded_at),
                retracted.retraction.reason
            )?;
        }
    }
    Ok(())
}

/// What changed between two answers: each scope's readings and change, then the events.
pub fn diff(out: &mut dyn Write, diff: &Diff) -> io::Result<()> {
    let (what, first, second) = match diff.axis {
        DiffAxis::AsOf { from, to, known_at } => (
            known_at
                .map(|t| format!(" as known at {}", crate::store::format_recorded_at(t)))
                .unwrap_or_default(),
            format!("as of {from}"),
            format!("as of {to}"),
        ),
        DiffAxis::KnownAt { from, to, as_of } => (
            format!(" as of {as_of}"),
            format!("known at {}", crate::store::format_recorded_at(from)),
            format!("known at {}", crate::store::format_recorded_at(to)),
        ),
    };
    writeln!(out, "{}{what}: {first} → {second}\n", diff.dyad)?;
    let mut rows = table(&["scope", "before", "after", "change", "events"]);
    let cell = |reading: &Option<DiffReading>| match reading {
        None => "-".to_string(),
        Some(DiffReading {
            level: Some(level),
            score,
            ..
        }) => format!("{level} {score:+.2}"),
        Some(DiffReading { level: None, .. }) => NO_DATA.to_string(),
    };
    for movement in &diff.movements {
        let scope = match movement.id.split_once('/') {
            Some((_, issue)) => format!("  {issue}"),
            None => movement.id.clone(),
        };
        rows.add_row(vec![
            scope,
            cell(&movement.before),
            cell(&movement.after),
            format!("{:+.2}", movement.change),
            format!("{:+}", movement.events_change),
        ]);
    }
    align_right(&mut rows, &[3, 4]);
    writeln!(out, "{rows}")?;
    let heading = match diff.axis {
        DiffAxis::AsOf { .. } => "reports that occurred in between, strongest first",
        DiffAxis::KnownAt { .. } => {
            "recorded in between (reports, corrections, retractions, corroborations), in log order"
        }
    };
    writeln!(
        out,
        "\n{heading} ({} of {}):",
        diff.events.len(),
        diff.events_total
    )?;
    for event in &diff.events {
        let scope = match (&event.pillar, &event.issue) {
            (Some(pillar), Some(issue)) => format!("{pillar}/{issue}"),
            (Some(pillar), None) => pillar.clone(),
            _ => "-".into(),
        };
        let weight = event
            .weighted_intensity
            .map(|w| format!("{w:+.2}"))
            .unwrap_or_default();
        writeln!(
            out,
            "  #{:<5} {}  {}  {:<13} {:>6}  {:<24}  {}  (recorded {} by {})",
            event.position,
            short_id(event.id),
            event.occurred_on,
            event.kind.as_str(),
            weight,
            truncate(&scope, 24),
            truncate(&event.headline, 70),
            crate::store::format_recorded_at(event.recorded_at),
            event.recorded_by
        )?;
    }
    Ok(())
}

/// What an import did (the refused lines go to stderr).
pub fn import_summary(out: &mut dyn Write, summary: &ImportSummary) -> io::Result<()> {
    writeln!(
        out,
        "{} lines: {} appended, {} already recorded, {} refused",
        summary.lines, summary.appended, summary.already_recorded, summary.refused
    )?;
    Ok(())
}

/// The coder's proposals as a table, then each one's sentence and notes.
pub fn proposals(
    out: &mut dyn Write,
    proposals: &[Proposal],
    framework: &Framework,
    explain: bool,
) -> io::Result<()> {
    if proposals.is_empty() {
        return writeln!(out, "no events about {} found", framework.dyad);
    }
    let mut rows = table(&[
        "#", "occurred", "kind", "who", "action", "pillar", "issue", "conf.",
    ]);
    for (index, proposal) in proposals.iter().enumerate() {
        let event = &proposal.event;
        let pillar = event.pillar.clone().unwrap_or_else(|| {
            framework
                .derive_pillar(&event.action, event.issue.as_deref())
                .to_string()
        });
        rows.add_row(vec![
            (index + 1).to_string(),
            event.occurred_on.clone(),
            event.kind.as_str().to_string(),
            format!("{}→{}", event.actor, event.target),
            event.action.clone(),
            pillar,
            event.issue.clone().unwrap_or_else(|| "-".into()),
            format!("{:.2}", event.confidence.unwrap_or(1.0)),
        ]);
    }
    writeln!(out, "{rows}\n")?;
    for (index, proposal) in proposals.iter().enumerate() {
        let source = &proposal.event.source;
        writeln!(
            out,
            "{:>2}. {}",
            index + 1,
            truncate(source.quote.as_deref().unwrap_or_default(), 160)
        )?;
        let attribution = source.attribution.as_deref().unwrap_or("no attribution");
        let note = if proposal.note.is_empty() {
            String::new()
        } else {
            format!("; {}", proposal.note)
        };
        writeln!(out, "    {attribution}{note}")?;
        if explain {
            for line in proposal.explanation.lines() {
                writeln!(out, "    | {line}")?;
            }
        }
    }
    Ok(())
}

/// What filing an article's proposals in the inbox did.
pub fn filing(out: &mut dyn Write, filing: &Filing) -> io::Result<()> {
    let count = |wanted: Filed| filing.filed.iter().filter(|(_, f)| *f == wanted).count();
    writeln!(
        out,
        "\ninbox, article {}: {} new, {} already pending, {} rejected before, {} already in the log; \
         review them with `dyad inbox`, or append them all with `dyad ingest ... --commit`",
        filing.article,
        count(Filed::Added),
        count(Filed::AlreadyPending),
        count(Filed::RejectedBefore),
        count(Filed::AlreadyLogged)
    )
}

/// The pending proposals, article by article.
pub fn inbox(
    out: &mut dyn Write,
    pending: &[InboxProposal],
    framework: &Framework,
) -> io::Result<()> {
    if pending.is_empty() {
        return writeln!(out, "the inbox is empty (`dyad ingest ARTICLE` fills it)");
    }
    let mut article = None;
    for proposal in pending {
        if article != Some(proposal.article.id) {
            article = Some(proposal.article.id);
            let source = [
                proposal.article.outlet.as_deref(),
                proposal.article.url.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            writeln!(
                out,
                "\narticle {}: {}{}",
                proposal.article.id,
                truncate(&proposal.article.title, 100),
                if source.is_empty() {
                    String::new()
                } else {
                    format!(" ({source})")
                }
            )?;
        }
        let event = &proposal.event;
        let pillar = event.pillar.clone().unwrap_or_else(|| {
            framework
                .derive_pillar(&event.action, event.issue.as_deref())
                .to_string()
        });
        writeln!(
            out,
            "  {}  {:<10}  {:<9}  {:<16}  {:<20}  {:<10}  {:<14}  {:.2}  {}",
            short_id(proposal.id),
            event.occurred_on,
            event.kind.as_str(),
            truncate(&format!("{}→{}", event.actor, event.target), 16),
            truncate(&event.action, 20),
            truncate(&pillar, 10),
            truncate(event.issue.as_deref().unwrap_or("-"), 14),
            event.confidence.unwrap_or(1.0),
            truncate(&event.summary, 70)
        )?;
        for duplicate in &proposal.duplicates {
            writeln!(
                out,
                "            {duplicate}: `dyad inbox accept {} --corroborates {}` counts it once",
                short_id(proposal.id),
                short_id(duplicate.id)
            )?;
        }
    }
    writeln!(
        out,
        "\n{} pending: `dyad inbox show ID`, `dyad inbox accept ID... [--set field=value]`, \
         `dyad inbox reject ID... --reason TEXT` (`--all` for a whole article)",
        pending.len()
    )
}

/// One proposal: its event, the sentence it comes from, the coder's note and explanation.
pub fn inbox_proposal(out: &mut dyn Write, proposal: &InboxProposal) -> io::Result<()> {
    writeln!(
        out,
        "proposal {} ({}), article {}: {}",
        proposal.id, proposal.status, proposal.article.id, proposal.article.title
    )?;
    if let Some(reason) = &proposal.reason {
        let (by, at) = proposal.decided.clone().unwrap_or_default();
        writeln!(out, "rejected by {by} at {at}: {reason}")?;
    }
    for duplicate in &proposal.duplicates {
        writeln!(
            out,
            "{duplicate}: `dyad inbox accept {} --corroborates {}` counts it once",
            short_id(proposal.id),
            short_id(duplicate.id)
        )?;
    }
    let event = serde_json::to_string_pretty(&proposal.event).map_err(io::Error::other)?;
    writeln!(out, "\n{event}\n")?;
    if let Some(quote) = &proposal.event.source.quote {
        writeln!(out, "sentence: {quote}")?;
    }
    if !proposal.note.is_empty() {
        writeln!(out, "note: {}", proposal.note)?;
    }
    for line in proposal.explanation.lines() {
        writeln!(out, "  | {line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour_wanted(true, None));
        assert!(colour_wanted(true, Some(OsStr::new(""))));
        assert!(!colour_wanted(true, Some(OsStr::new("1"))));
        assert!(!colour_wanted(false, None));
    }

    fn status_text(colour: bool) -> String {
        let framework = Framework::builtin();
        let ledger = crate::projection::Ledger::new(&framework, Taxonomy::builtin(), "USA-RUS");
        let mut status = ledger.evaluate(chrono::NaiveDate::MIN, &|_| None);
        status.overall.level = Some("gutter".into());
        status.pillars[0].level = Some("sewer".into());
        status.pillars[1].level = Some("warming".into());
        let mut out = Vec::new();
        status_in_colour(&mut out, &status, &framework, colour).unwrap_or_default();
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn levels_are_coloured_when_asked_and_plain_otherwise() {
        let plain = status_text(false);
        assert!(!plain.contains('\x1b'), "{plain}");
        let coloured = status_text(true);
        // Bold red for the sewer, red for the gutter, green for warming.
        assert!(coloured.contains("\x1b[31mGUTTER\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[1m"), "{coloured:?}");
        assert!(
            coloured.contains("\x1b[38;5;2m") || coloured.contains("\x1b[32m"),
            "{coloured:?}"
        );
        // Without the escapes, the text is the plain table.
        let stripped = strip_ansi(&coloured);
        assert_eq!(stripped, plain);
    }

    fn strip_ansi(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
