//! Charts of a briefing as plain SVG: one line of scores over the period, the framework's level
//! bands drawn behind it, the notable events marked on it (numbered, each with a `<title>`
//! tooltip), axis labels, and a `<title>`/`<desc>` naming what it shows for screen readers.
//!
//! Written by hand rather than with a plotting crate: the charts need accessibility markup
//! (`role`, `aria-labelledby`, `<title>` on each mark) that plotters' SVG backend cannot emit, and
//! plotters lays out text only with a font library (`ttf`, which needs fontconfig) or a font file
//! shipped in the binary. Plain SVG leaves text to the viewer, and every number is printed with a
//! fixed precision, so the same briefing always gives the same bytes.
//!
//! Every chart of a briefing shares one score scale (the level bands that hold all its lines), so
//! charts compare at a glance.

use super::{event_codes, score, tone_fill, xml_escape};
use crate::app::{Briefing, Chart, Entry, Line};
use chrono::{Datelike, Months, NaiveDate};
use std::fmt::Write as _;

/// The chart's size in SVG units.
pub const WIDTH: f64 = 720.0;
/// The chart's height.
pub const HEIGHT: f64 = 300.0;

const LEFT: f64 = 48.0;
const RIGHT: f64 = WIDTH - 104.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = HEIGHT - 40.0;
const LINE_COLOUR: &str = "#1f3a93";
const TEXT_COLOUR: &str = "#1a1a1a";
const MARK_RADIUS: f64 = 8.0;
/// Moves a 12-unit label's baseline so that its middle sits on the point (set by hand rather
/// than with `dominant-baseline`, which not every renderer honours).
const BASELINE: f64 = 4.0;

/// The scores a briefing's charts show: from a level boundary below every line to one above it
/// (and 0 always in view).
pub fn score_range(briefing: &Briefing) -> (f64, f64) {
    let mut low: f64 = 0.0;
    let mut high: f64 = 0.0;
    for chart in &briefing.charts {
        if let Some(line) = briefing.line(&chart.line) {
            for score in line.scores.iter().flatten() {
                low = low.min(*score);
                high = high.max(*score);
            }
        }
    }
    let boundaries: Vec<f64> = briefing
        .levels
        .iter()
        .map(|level| level.from.max(-10.0))
        .chain([10.0])
        .collect();
    let margin = 0.25;
    let below = boundaries
        .iter()
        .copied()
        .filter(|b| *b <= low - margin)
        .fold(-10.0, f64::max);
    let above = boundaries
        .iter()
        .copied()
        .filter(|b| *b >= high + margin)
        .fold(10.0, f64::min);
    (below, above)
}

/// Maps dates and scores to the plot area.
struct Frame {
    from: NaiveDate,
    days: f64,
    low: f64,
    high: f64,
}

impl Frame {
    fn x(&self, date: NaiveDate) -> f64 {
        LEFT + (date - self.from).num_days() as f64 / self.days * (RIGHT - LEFT)
    }

    fn y(&self, score: f64) -> f64 {
        let clamped = score.clamp(self.low, self.high);
        BOTTOM - (clamped - self.low) / (self.high - self.low) * (BOTTOM - TOP)
    }
}

/// A number for an SVG attribute: one decimal, never `-0.0`.
fn n(value: f64) -> String {
    let text = format!("{value:.1}");
    if text == "-0.0" { "0.0".into() } else { text }
}

/// The id a chart's elements are prefixed with (unique within an HTML report).
pub fn chart_id(chart: &Chart) -> String {
    let safe: String = chart
        .line
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("chart-{safe}")
}

/// The chart's title, for its heading and its alt text.
pub fn chart_title(briefing: &Briefing, chart: &Chart) -> String {
    let line = briefing.line(&chart.line);
    match line.and_then(|l| l.issue.as_deref().zip(l.pillar.as_deref())) {
        Some((_, pillar)) => format!("{} ({pillar} issue)", chart.title),
        None => chart.title.clone(),
    }
}

/// Sentences describing the chart: where the line starts and ends, its extremes, and (with
/// `marks`) the events marked.
pub fn chart_description(briefing: &Briefing, chart: &Chart, marks: bool) -> String {
    let Some(line) = briefing.line(&chart.line) else {
        return String::new();
    };
    let dates = &briefing.series.dates;
    let readings: Vec<(NaiveDate, f64)> = dates
        .iter()
        .zip(&line.scores)
        .filter_map(|(date, score)| score.map(|s| (*date, s)))
        .collect();
    let level = |value: f64| {
        briefing
            .levels
            .iter()
            .rev()
            .find(|l| value >= l.from)
            .map_or("", |l| l.id.as_str())
    };
    let mut text = format!(
        "Score of {} from {} to {}, on a scale of -10 (most hostile) to +10 (most cooperative), \
         over the level bands.",
        chart.title, briefing.period.from, briefing.period.to
    );
    if let (Some(first), Some(last)) = (readings.first(), readings.last()) {
        let lowest = readings
            .iter()
            .fold(*first, |a, b| if b.1 < a.1 { *b } else { a });
        let highest = readings
            .iter()
            .fold(*first, |a, b| if b.1 > a.1 { *b } else { a });
        let _ = write!(
            text,
            " It reads {} ({}) on {} and {} ({}) on {}; lowest {} on {}, highest {} on {}.",
            score(first.1),
            level(first.1),
            first.0,
            score(last.1),
            level(last.1),
            last.0,
            score(lowest.1),
            lowest.0,
            score(highest.1),
            highest.0
        );
    } else {
        text.push_str(" No report counts under it in the period.");
    }
    if marks && !chart.marks.is_empty() {
        let _ = write!(text, " Marked events:");
        for (index, mark) in chart.marks.iter().enumerate() {
            let _ = write!(
                text,
                " {}. {} {};",
                index + 1,
                mark.occurred_on,
                mark.summary
            );
        }
        text.pop();
        text.push('.');
    }
    text
}

/// The chart as a standalone SVG document (for a file beside a Markdown report).
pub fn document(briefing: &Briefing, chart: &Chart) -> String {
    let mut svg = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.push_str(&element(briefing, chart));
    svg
}

/// The chart as an `<svg>` element (inline in HTML).
pub fn element(briefing: &Briefing, chart: &Chart) -> String {
    let id = chart_id(chart);
    let (low, high) = score_range(briefing);
    let frame = Frame {
        from: briefing.period.from,
        days: ((briefing.period.to - briefing.period.from).num_days() as f64).max(1.0),
        low,
        high,
    };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
         height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\" \
         font-size=\"12\" fill=\"{TEXT_COLOUR}\">",
        w = WIDTH,
        h = HEIGHT,
    );
    let title = chart_title(briefing, chart);
    let _ = writeln!(
        svg,
        "<title id=\"{id}-title\">{}: score from {} to {}</title>",
        xml_escape(&title),
        briefing.period.from,
        briefing.period.to
    );
    let _ = writeln!(
        svg,
        "<desc id=\"{id}-desc\">{}</desc>",
        xml_escape(&chart_description(briefing, chart, true))
    );
    let _ = writeln!(
        svg,
        "<rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#ffffff\"/>"
    );
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>",
        n(LEFT),
        xml_escape(&title)
    );
    bands(&mut svg, briefing, &frame);
    x_axis(&mut svg, &frame, briefing.period.to);
    if let Some(line) = briefing.line(&chart.line) {
        path(&mut svg, &briefing.series.dates, line, &frame);
        marks(&mut svg, &briefing.series.dates, line, &chart.marks, &frame);
    }
    svg.push_str("</svg>\n");
    svg
}

/// The level bands behind the line, their names at the right, the score axis at the left.
fn bands(svg: &mut String, briefing: &Briefing, frame: &Frame) {
    svg.push_str("<g aria-hidden=\"true\">\n");
    for level in &briefing.levels {
        let bottom = level.from.max(frame.low);
        let top = level.to.unwrap_or(10.0).min(frame.high);
        if top <= bottom {
            continue;
        }
        let (y_top, y_bottom) = (frame.y(top), frame.y(bottom));
        let _ = writeln!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            n(LEFT),
            n(y_top),
            n(RIGHT - LEFT),
            n(y_bottom - y_top),
            tone_fill(level.tone)
        );
        if y_bottom - y_top >= 12.0 {
            let _ = writeln!(
                svg,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                n(RIGHT + 14.0),
                n((y_top + y_bottom) / 2.0 + BASELINE),
                xml_escape(&level.id)
            );
        }
    }
    let mut ticks: Vec<f64> = briefing
        .levels
        .iter()
        .map(|l| l.from)
        .chain([0.0, frame.low, frame.high])
        .filter(|v| *v >= frame.low && *v <= frame.high)
        .collect();
    ticks.sort_by(f64::total_cmp);
    ticks.dedup();
    for tick in ticks {
        let y = frame.y(tick);
        let _ = writeln!(
            svg,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#ffffff\" stroke-width=\"1\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            n(LEFT),
            n(RIGHT),
            n(LEFT - 6.0),
            n(y + BASELINE),
            format_tick(tick),
            y = n(y),
        );
    }
    let zero = frame.y(0.0);
    let _ = writeln!(
        svg,
        "<line x1=\"{}\" y1=\"{z}\" x2=\"{}\" y2=\"{z}\" stroke=\"#555555\" stroke-width=\"1\" \
         stroke-dasharray=\"4 3\"/>",
        n(LEFT),
        n(RIGHT),
        z = n(zero),
    );
    let _ = writeln!(
        svg,
        "<text x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">score</text>",
        n((TOP + BOTTOM) / 2.0),
        n((TOP + BOTTOM) / 2.0)
    );
    svg.push_str("</g>\n");
}

fn format_tick(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:+.0}").replace("+0", "0")
    } else {
        format!("{value:+.1}")
    }
}

/// The date axis: the first of every month (or year) at a spacing that keeps labels apart.
fn x_axis(svg: &mut String, frame: &Frame, to: NaiveDate) {
    svg.push_str("<g aria-hidden=\"true\">\n");
    let _ = writeln!(
        svg,
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{TEXT_COLOUR}\" stroke-width=\"1\"/>",
        n(LEFT),
        n(RIGHT),
        b = n(BOTTOM),
    );
    for (date, label) in date_ticks(frame.from, to) {
        let x = n(frame.x(date));
        let _ = writeln!(
            svg,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{TEXT_COLOUR}\" \
             stroke-width=\"1\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            n(BOTTOM),
            n(BOTTOM + 5.0),
            n(BOTTOM + 19.0),
        );
    }
    svg.push_str("</g>\n");
}

/// Dates to label on the axis, with their labels: month starts (every 1, 2, 3 or 6 months) for
/// periods up to about five years, else year starts; the period's ends when fewer than two fall
/// inside it.
pub fn date_ticks(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, String)> {
    const MAX_TICKS: usize = 8;
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let month_steps = [1u32, 2, 3, 6, 12, 24, 60, 120, 240, 600];
    let step = month_steps
        .iter()
        .copied()
        .find(|step| (months.max(0) as usize) / (*step as usize) < MAX_TICKS)
        .unwrap_or(1200);
    let mut ticks = Vec::new();
    let Some(mut date) = NaiveDate::from_ymd_opt(from.year(), from.month(), 1) else {
        return ticks;
    };
    if date < from {
        date = date.checked_add_months(Months::new(1)).unwrap_or(date);
    }
    while date <= to {
        let aligned = if step >= 12 {
            date.month() == 1 && date.year().rem_euclid((step / 12) as i32) == 0
        } else {
            (date.month0()) % step == 0
        };
        if aligned {
            let label = if step >= 12 || date.month() == 1 {
                date.format("%b %Y").to_string()
            } else {
                date.format("%b").to_string()
            };
            let label = if step >= 12 {
                date.year().to_string()
            } else {
                label
            };
            ticks.push((date, label));
        }
        match date.checked_add_months(Months::new(1)) {
            Some(next) => date = next,
            None => break,
        }
    }
    if ticks.len() < 2 {
        ticks = vec![(from, from.to_string()), (to, to.to_string())];
        ticks.dedup_by_key(|t| t.0);
    } else if let Some(first) = ticks.first_mut()
        && !first.1.contains(' ')
        && step < 12
    {
        // The first label carries the year.
        first.1 = first.0.format("%b %Y").to_string();
    }
    ticks
}

/// The line of scores; an issue's line starts at its first report.
fn path(svg: &mut String, dates: &[NaiveDate], line: &Line, frame: &Frame) {
    let mut d = String::new();
    let mut segment: Vec<(f64, f64)> = Vec::new();
    let mut dots = String::new();
    let mut end_segment = |segment: &mut Vec<(f64, f64)>| {
        if let [(x, y)] = segment.as_slice() {
            // A lone reading draws no line: show it as a dot.
            let _ = write!(
                dots,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{LINE_COLOUR}\" aria-hidden=\"true\"/>",
                n(*x),
                n(*y)
            );
        }
        for (index, (x, y)) in segment.iter().enumerate() {
            let _ = write!(
                d,
                "{}{},{} ",
                if index == 0 { "M" } else { "L" },
                n(*x),
                n(*y)
            );
        }
        segment.clear();
    };
    for (date, score) in dates.iter().zip(&line.scores) {
        match score {
            Some(score) => segment.push((frame.x(*date), frame.y(*score))),
            None => end_segment(&mut segment),
        }
    }
    end_segment(&mut segment);
    svg.push_str(&dots);
    if d.is_empty() {
        return;
    }
    let _ = writeln!(
        svg,
        "<path d=\"{}\" fill=\"none\" stroke=\"{LINE_COLOUR}\" stroke-width=\"2.5\" \
         stroke-linejoin=\"round\" aria-hidden=\"true\"/>",
        d.trim_end()
    );
}

/// The score of `line` on `date`, between the series' dates if it falls between two.
pub fn score_on(dates: &[NaiveDate], line: &Line, date: NaiveDate) -> Option<f64> {
    match dates.binary_search(&date) {
        Ok(index) => line.scores[index],
        Err(0) => None,
        Err(index) if index >= dates.len() => line.scores[dates.len() - 1],
        Err(index) => {
            let (d0, d1) = (dates[index - 1], dates[index]);
            let (s0, s1) = (line.scores[index - 1]?, line.scores[index]?);
            let t = (date - d0).num_days() as f64 / (d1 - d0).num_days() as f64;
            Some(s0 + (s1 - s0) * t)
        }
    }
}

/// The numbered marks, each moved off the others when they would overlap, with a leader to the
/// point on the line.
fn marks(svg: &mut String, dates: &[NaiveDate], line: &Line, marks: &[Entry], frame: &Frame) {
    let mut placed: Vec<(f64, f64)> = Vec::new();
    for (index, mark) in marks.iter().enumerate() {
        let x = frame.x(mark.occurred_on);
        let y = frame.y(score_on(dates, line, mark.occurred_on).unwrap_or(0.0));
        let gap = 2.0 * MARK_RADIUS + 2.0;
        let free = |cy: f64| {
            (TOP + MARK_RADIUS..=BOTTOM - MARK_RADIUS).contains(&cy)
                && placed
                    .iter()
                    .all(|(px, py)| (px - x).powi(2) + (py - cy).powi(2) >= gap * gap)
        };
        let cy = (1..12)
            .flat_map(|k| [y - gap * k as f64, y + gap * k as f64])
            .find(|cy| free(*cy))
            .unwrap_or(y);
        placed.push((x, cy));
        let number = index + 1;
        let tooltip = format!(
            "{number}. {} {}: {} [{}{}]",
            mark.occurred_on,
            event_codes(mark),
            mark.summary,
            mark.outlet,
            mark.attribution
                .as_deref()
                .map(|a| format!(", {a}"))
                .unwrap_or_default()
        );
        let _ = writeln!(
            svg,
            "<g><title>{}</title>\
             <line x1=\"{x}\" y1=\"{y}\" x2=\"{x}\" y2=\"{cy}\" stroke=\"{LINE_COLOUR}\" stroke-width=\"1\"/>\
             <circle cx=\"{x}\" cy=\"{y}\" r=\"2.5\" fill=\"{LINE_COLOUR}\"/>\
             <circle cx=\"{x}\" cy=\"{cy}\" r=\"{r}\" fill=\"#ffffff\" stroke=\"{LINE_COLOUR}\" stroke-width=\"1.5\"/>\
             <text x=\"{x}\" y=\"{ty}\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"bold\">{number}</text></g>",
            xml_escape(&tooltip),
            x = n(x),
            y = n(y),
            cy = n(cy),
            ty = n(cy + 3.5),
            r = n(MARK_RADIUS),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn month_ticks_stay_few_and_carry_the_year() {
        let ticks = date_ticks(date("2016-12-01"), date("2017-06-19"));
        let labels: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(
            labels,
            ["Dec 2016", "Jan 2017", "Feb", "Mar", "Apr", "May", "Jun"]
        );
        let long = date_ticks(date("2010-01-01"), date("2024-12-31"));
        assert!(long.len() <= 8 && long.len() >= 2, "{long:?}");
        assert!(long.iter().all(|t| t.1.len() == 4), "{long:?}");
    }

    #[test]
    fn a_short_period_labels_its_ends() {
        let ticks = date_ticks(date("2017-06-02"), date("2017-06-19"));
        assert_eq!(
            ticks,
            vec![
                (date("2017-06-02"), "2017-06-02".to_string()),
                (date("2017-06-19"), "2017-06-19".to_string())
            ]
        );
    }

    #[test]
    fn scores_between_dates_are_interpolated() {
        let dates = [date("2017-01-01"), date("2017-01-11")];
        let line = Line {
            id: "x".into(),
            title: "x".into(),
            pillar: None,
            issue: None,
            scores: vec![Some(0.0), Some(-2.0)],
            events: vec![0, 1],
        };
        assert_eq!(score_on(&dates, &line, date("2017-01-06")), Some(-1.0));
        assert_eq!(score_on(&dates, &line, date("2016-12-31")), None);
        assert_eq!(score_on(&dates, &line, date("2017-02-01")), Some(-2.0));
    }

    #[test]
    fn numbers_never_print_negative_zero() {
        assert_eq!(n(-0.01), "0.0");
        assert_eq!(n(12.345), "12.3");
        assert_eq!(format_tick(-5.0), "-5");
        assert_eq!(format_tick(0.0), "0");
        assert_eq!(format_tick(2.0), "+2");
    }
}
