//! A briefing as one self-contained HTML file: the same sections as the Markdown report, the
//! charts inline as SVG, the style sheet inline; no script, font or other file is fetched. It is
//! well-formed XML (XHTML syntax: every tag closed, only XML's own entities) so that any XML
//! parser reads it, it reflows on a phone (the charts scale, wide tables scroll), it prints (no
//! backgrounds lost on the level bands, links spelled out), and it is accessible: one `h1`, a
//! heading per section, tables with captions and header cells, each chart an image with a title
//! and a description, text contrast of at least 7:1.

use super::{
    BriefingFormat, event_codes, level_name, movement_phrase, reading_score, regenerating_command,
    score, svg, tone_fill, xml_escape as esc,
};
use crate::app::{AmendmentEntry, Briefing, Entry, Movement};
use crate::domain::event::short_id;
use crate::projection::Explanation;
use crate::store::format_recorded_at;
use std::io::{self, Write};

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
  background: #ffffff; margin: 0 auto; max-width: 58rem; padding: 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #bbbbbb; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
a { color: #0b4fa8; }
.meta, .note { color: #3d3d3d; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: #3d3d3d; padding-bottom: 0.3rem; }
th, td { padding: 0.3rem 0.5rem; border-bottom: 1px solid #d0d0d0; text-align: left;
  vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.issue th { padding-left: 1.6rem; font-weight: normal; }
.level { padding: 0 0.35em; border-radius: 0.25em; white-space: nowrap; }
figure { margin: 0; }
svg { display: block; width: 100%; height: auto; }
ol, ul { padding-left: 1.6rem; }
li { margin: 0.25rem 0; }
.codes { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
.flag { font-style: italic; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f3f3f3; padding: 0.75rem;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
footer { margin-top: 2.5rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; padding: 0.6rem; }
  table { font-size: 0.85rem; }
  th, td { padding: 0.25rem; }
  th .codes, .events { display: none; }
  .chart .scroll svg { min-width: 36rem; }
}
@media print {
  body { max-width: none; font-size: 10.5pt; padding: 0; }
  a { color: inherit; }
  a[href]::after { content: " (" attr(href) ")"; font-size: 0.8em; overflow-wrap: anywhere; }
  section.chart, tr, li { break-inside: avoid; }
  .level, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Writes the HTML report; `output` is the path it is written to, for the regenerating command.
pub fn write(out: &mut dyn Write, briefing: &Briefing, output: Option<&str>) -> io::Result<()> {
    let title = format!(
        "{}: the relationship from {} to {}",
        briefing.dyad, briefing.period.from, briefing.period.to
    );
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(
        out,
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" xml:lang=\"en\">"
    )?;
    writeln!(out, "<head>\n<meta charset=\"utf-8\"/>")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
    )?;
    writeln!(out, "<title>{}</title>", esc(&title))?;
    write!(out, "<style>{STYLE}")?;
    for tone in -3..=3 {
        writeln!(
            out,
            ".{} {{ background: {}; }}",
            tone_class(tone),
            tone_fill(tone)
        )?;
    }
    writeln!(out, "</style>\n</head>\n<body>")?;
    writeln!(out, "<header>\n<h1>{}</h1>", esc(&title))?;
    writeln!(
        out,
        "<p class=\"meta\">Read under <cite>{}</cite> ({} v{}) on <strong>{}</strong>, from the \
         log as known at <time datetime=\"{k}\">{k}</time>.</p>\n</header>\n<main>",
        esc(&briefing.framework.title),
        esc(&briefing.framework.id),
        briefing.framework.version,
        briefing.as_of,
        k = format_recorded_at(briefing.known_at)
    )?;
    headline(out, briefing)?;
    charts(out, briefing)?;
    drivers(out, briefing)?;
    changes(out, briefing)?;
    writeln!(out, "</main>")?;
    footer(out, briefing, output)?;
    writeln!(out, "</body>\n</html>")
}

fn tone_class(tone: i32) -> String {
    match tone.clamp(-3, 3) {
        t if t < 0 => format!("tone-m{}", -t),
        t => format!("tone-p{t}"),
    }
}

/// A level as a badge tinted like its band (the name carries it; the tint only helps).
fn level(briefing: &Briefing, id: &str) -> String {
    let tone = briefing.level(id).map_or(0, |l| l.tone);
    format!(
        "<span class=\"level {}\">{}</span>",
        tone_class(tone),
        esc(id)
    )
}

fn link(text: &str, url: Option<&str>) -> String {
    match url {
        Some(url) => format!("<a href=\"{}\">{}</a>", esc(url), esc(text)),
        None => esc(text),
    }
}

fn source(outlet: &str, attribution: Option<&str>, url: Option<&str>) -> String {
    let mut text = link(outlet, url);
    if let Some(attribution) = attribution {
        text.push_str(&format!(", {}", esc(attribution)));
    }
    text
}

fn headline(out: &mut dyn Write, briefing: &Briefing) -> io::Result<()> {
    writeln!(
        out,
        "<section aria-labelledby=\"headline\">\n<h2 id=\"headline\">Headline</h2>"
    )?;
    if let Some(overall) = briefing.headline.iter().find(|m| m.id == "overall") {
        writeln!(
            out,
            "<p><strong>Overall: {} ({})</strong> on {}, {} on {}.</p>",
            level(briefing, level_name(&overall.end.level)),
            reading_score(&overall.end),
            briefing.as_of,
            esc(&movement_phrase(overall)),
            briefing.period.from
        )?;
    }
    writeln!(
        out,
        "<div class=\"scroll\"><table>\n<caption>Each pillar and issue on {} and how it moved \
         since {}.</caption>",
        briefing.as_of, briefing.period.from
    )?;
    writeln!(
        out,
        "<thead><tr><th scope=\"col\">Pillar or issue</th><th scope=\"col\">Level</th>\
         <th scope=\"col\">Score</th><th scope=\"col\">Since {}</th>\
         <th scope=\"col\" class=\"events\">Events</th></tr></thead>\n<tbody>",
        briefing.period.from
    )?;
    for movement in &briefing.headline {
        writeln!(
            out,
            "<tr{}><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td><td>{}</td>\
             <td class=\"num events\">{}</td></tr>",
            if movement.issue.is_some() {
                " class=\"issue\""
            } else {
                ""
            },
            movement_name(movement),
            level(briefing, level_name(&movement.end.level)),
            reading_score(&movement.end),
            esc(&movement_phrase(movement)),
            movement.end.events
        )?;
    }
    writeln!(out, "</tbody>\n</table></div>\n</section>")
}

fn movement_name(movement: &Movement) -> String {
    match (&movement.pillar, &movement.issue) {
        (None, _) => "Overall".to_string(),
        (Some(pillar), None) => format!(
            "{} <span class=\"codes\">({})</span>",
            esc(&movement.title),
            esc(pillar)
        ),
        (Some(_), Some(issue)) => format!(
            "{} <span class=\"codes\">({})</span>",
            esc(&movement.title),
            esc(issue)
        ),
    }
}

fn charts(out: &mut dyn Write, briefing: &Briefing) -> io::Result<()> {
    writeln!(
        out,
        "<section aria-labelledby=\"charts\">\n<h2 id=\"charts\">Charts</h2>"
    )?;
    writeln!(
        out,
        "<p class=\"note\">Each chart is the score from {} to {} over the level bands; the \
         numbers mark the period's strongest reports (listed under each chart; hover for \
         details).</p>",
        briefing.period.from, briefing.period.to
    )?;
    for chart in &briefing.charts {
        let id = svg::chart_id(chart);
        writeln!(
            out,
            "<section class=\"chart\" aria-labelledby=\"{id}-heading\">\n<h3 id=\"{id}-heading\">{}</h3>\n<figure>",
            esc(&svg::chart_title(briefing, chart))
        )?;
        // Wide enough to read on a phone, scrolled sideways there.
        writeln!(out, "<div class=\"scroll\">")?;
        out.write_all(svg::element(briefing, chart).as_bytes())?;
        writeln!(out, "</div>")?;
        if !chart.marks.is_empty() {
            writeln!(out, "<figcaption><ol>")?;
            for mark in &chart.marks {
                writeln!(out, "<li>{}</li>", entry_html(mark))?;
            }
            writeln!(out, "</ol></figcaption>")?;
        }
        writeln!(out, "</figure>\n</section>")?;
    }
    writeln!(out, "</section>")
}

fn entry_html(entry: &Entry) -> String {
    let flag = if entry.retracted {
        " <span class=\"flag\">(retracted)</span>"
    } else if entry.corrected {
        " <span class=\"flag\">(corrected)</span>"
    } else {
        ""
    };
    format!(
        "<code>{}</code> · <time datetime=\"{d}\">{d}</time> · <span class=\"codes\">{}</span> — {}{flag} — {}",
        short_id(entry.id),
        esc(&event_codes(entry)),
        esc(&entry.summary),
        source(
            &entry.outlet,
            entry.attribution.as_deref(),
            entry.url.as_deref()
        ),
        d = entry.occurred_on
    )
}

fn drivers(out: &mut dyn Write, briefing: &Briefing) -> io::Result<()> {
    writeln!(
        out,
        "<section aria-labelledby=\"drivers\">\n<h2 id=\"drivers\">What drives each pillar on {}</h2>",
        briefing.as_of
    )?;
    writeln!(
        out,
        "<p class=\"note\">Each report's share of its pillar's score (decay × confidence × \
         intensity over the total weight), strongest first.</p>"
    )?;
    for explanation in &briefing.drivers {
        explanation_html(out, briefing, explanation)?;
    }
    writeln!(out, "</section>")
}

fn explanation_html(
    out: &mut dyn Write,
    briefing: &Briefing,
    explanation: &Explanation,
) -> io::Result<()> {
    let pillar = explanation.pillar.as_deref().unwrap_or("overall");
    let title = briefing.title_of(pillar);
    writeln!(
        out,
        "<h3>{}: {} ({}) from {} events</h3>",
        esc(&title),
        level(briefing, level_name(&explanation.level)),
        score(explanation.score),
        explanation.events
    )?;
    if explanation.contributions.is_empty() {
        writeln!(out, "<p>No report counts under it.</p>")?;
    } else {
        writeln!(out, "<ol>")?;
        for driver in &explanation.contributions {
            write!(
                out,
                "<li><strong>{}</strong> · <code>{}</code> · <time datetime=\"{d}\">{d}</time> · <span class=\"codes\">{}→{} {} ({:+.1})</span> — {} — {} · recorded by {}{}",
                score(driver.contribution),
                short_id(driver.id),
                esc(&driver.actor),
                esc(&driver.target),
                esc(&driver.action),
                driver.intensity,
                esc(&driver.summary),
                source(
                    &driver.outlet,
                    driver.attribution.as_deref(),
                    driver.url.as_deref()
                ),
                esc(&driver.recorded_by),
                driver
                    .corroborations
                    .iter()
                    .map(|c| format!(" · also reported by {}", esc(&c.source.outlet)))
                    .collect::<String>(),
                d = driver.occurred_on
            )?;
            if !driver.corrections.is_empty() {
                writeln!(out, "<ul>")?;
                for correction in &driver.corrections {
                    let changes = crate::report::field_changes(&correction.changed);
                    writeln!(
                        out,
                        "<li>corrected {} by {}: {} ({})</li>",
                        format_recorded_at(correction.recorded_at),
                        esc(&correction.recorded_by),
                        esc(&changes),
                        esc(&correction.reason)
                    )?;
                }
                write!(out, "</ul>")?;
            }
            writeln!(out, "</li>")?;
        }
        writeln!(out, "</ol>")?;
    }
    if !explanation.retracted.is_empty() {
        writeln!(out, "<p>Retracted, no longer counted:</p>\n<ul>")?;
        for retracted in &explanation.retracted {
            writeln!(
                out,
                "<li>{} · {} [{}] — retracted {}: {}</li>",
                retracted.occurred_on,
                esc(&retracted.summary),
                esc(&retracted.outlet),
                format_recorded_at(retracted.retraction.recorded_at),
                esc(&retracted.retraction.reason)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    Ok(())
}

fn changes(out: &mut dyn Write, briefing: &Briefing) -> io::Result<()> {
    let changes = &briefing.changes;
    writeln!(
        out,
        "<section aria-labelledby=\"changes\">\n<h2 id=\"changes\">What changed in the period</h2>"
    )?;
    let shown = |total: u64, listed: usize| {
        if total as usize > listed {
            format!(" ({listed} of {total} shown)")
        } else {
            String::new()
        }
    };
    writeln!(
        out,
        "<h3>New events: {}{}</h3>",
        changes.new_events.total,
        shown(changes.new_events.total, changes.new_events.listed.len())
    )?;
    if changes.new_events.listed.is_empty() {
        writeln!(out, "<p>No report occurred in the period.</p>")?;
    } else {
        writeln!(out, "<ul>")?;
        for entry in &changes.new_events.listed {
            let scope = match &entry.issue {
                Some(issue) => format!("{}/{issue}", entry.pillar),
                None => entry.pillar.clone(),
            };
            writeln!(
                out,
                "<li><span class=\"codes\">{}</span> · {}</li>",
                esc(&scope),
                entry_html(entry)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(
        out,
        "<h3>Corrections and retractions: {}{}</h3>",
        changes.amendments.total,
        shown(changes.amendments.total, changes.amendments.listed.len())
    )?;
    if changes.amendments.listed.is_empty() {
        writeln!(out, "<p>None were made in the period.</p>")?;
    } else {
        writeln!(out, "<ul>")?;
        for amendment in &changes.amendments.listed {
            writeln!(out, "<li>{}</li>", amendment_html(amendment))?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(
        out,
        "<h3>Late reports: {}{}</h3>",
        changes.late_reports.total,
        shown(
            changes.late_reports.total,
            changes.late_reports.listed.len()
        )
    )?;
    if changes.late_reports.listed.is_empty() {
        writeln!(
            out,
            "<p>No report recorded in the period was about a day before it.</p>"
        )?;
    } else {
        writeln!(out, "<ul>")?;
        for entry in &changes.late_reports.listed {
            writeln!(
                out,
                "<li>recorded {} · {}</li>",
                entry.recorded_at.date_naive(),
                entry_html(entry)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(out, "</section>")
}

fn amendment_html(amendment: &AmendmentEntry) -> String {
    crate::report::amendment_line(amendment, esc, link)
}

fn footer(out: &mut dyn Write, briefing: &Briefing, output: Option<&str>) -> io::Result<()> {
    writeln!(
        out,
        "<footer aria-labelledby=\"reproduce\">\n<h2 id=\"reproduce\">Reproduce this report</h2>\n<ul>"
    )?;
    writeln!(
        out,
        "<li>Log: {} events as known at {}; the hash of event {} is <code>{}</code>.</li>",
        briefing.log.position,
        format_recorded_at(briefing.known_at),
        briefing.log.position,
        esc(&briefing.log.hash)
    )?;
    writeln!(
        out,
        "<li>Framework: {} v{} (digest <code>{}</code>); made by dyad {}.</li>\n</ul>",
        esc(&briefing.framework.id),
        briefing.framework.version,
        esc(&briefing.framework.digest),
        esc(&briefing.dyad_version)
    )?;
    writeln!(
        out,
        "<p>On a log that holds those events (<code>--db PATH</code>), this command writes this \
         report again, byte for byte:</p>"
    )?;
    writeln!(
        out,
        "<pre><code>{}</code></pre>\n</footer>",
        esc(&regenerating_command(
            briefing,
            BriefingFormat::Html,
            output
        ))
    )
}
