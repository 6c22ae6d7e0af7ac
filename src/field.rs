//! The field's event data: GDELT 1.0 and 2.0 event files, ICEWS event files and PLOVER/POLECAT
//! JSON lines, read into dyad's events (`dyad import --format gdelt|icews|plover`).
//!
//! Conversion is pure: a file's rows become NDJSON in dyad's event format, which `import` then
//! validates and appends as it does its own. It streams: each row is read, kept or left out, and
//! dropped before the next, so memory grows with the dyad's events, never with the file's rows
//! (a GDELT day holds some 100,000 rows, of which a few hundred are between two given states). Only the rows between the dyad's two states count,
//! in either direction, their sub-actors included (`RUSGOV`, `USAMIL`). A row's action comes
//! from [`CAMEO_ACTIONS`] or [`PLOVER_ACTIONS`]; a row whose code neither table maps is not an
//! error but a gap in the mapping's coverage, counted by code. Rows repeated the way the field's
//! data repeats them (same day, same pair, same code) become one event whose sources add up.

use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

/// The formats `import --format` reads besides dyad's own NDJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldFormat {
    /// GDELT 1.0 (57 or 58 columns) or 2.0 (61 columns) event files, tab- or comma-separated,
    /// with or without the header row.
    Gdelt,
    /// ICEWS event files: tab-separated, with their header row.
    Icews,
    /// PLOVER or POLECAT events, one JSON object a line.
    Plover,
}

/// CAMEO codes to dyad's actions, the longest matching prefix wins (`1631` is `163`'s, `16`
/// alone is `reduce_relations`). It follows the CAMEO column of `dyad codes actions`; where
/// several dyad actions share a CAMEO root (`support_adversary` is an `06` against a third
/// party), a row between the dyad's own two states can only be the first.
pub const CAMEO_ACTIONS: &[(&str, &str)] = &[
    ("01", "make_statement"),
    ("02", "appeal"),
    ("03", "intend_to_cooperate"),
    ("04", "consult"),
    ("044", "hold_summit"),
    ("05", "cooperate_diplomatically"),
    ("051", "praise"),
    ("057", "sign_agreement"),
    ("06", "cooperate_materially"),
    ("07", "provide_aid"),
    ("08", "yield"),
    ("09", "investigate"),
    ("10", "demand"),
    ("11", "disapprove"),
    ("12", "reject"),
    ("13", "warn"),
    // Threats of force and ultimatums, not of other consequences.
    ("138", "threaten"),
    ("139", "threaten"),
    ("14", "protest"),
    ("15", "show_force"),
    ("16", "reduce_relations"),
    ("163", "impose_sanctions"),
    ("166", "expel_diplomats"),
    ("17", "coerce"),
    ("18", "assault"),
    ("19", "fight"),
    // Unconventional mass violence: dyad's scale has nothing beyond `fight`.
    ("20", "fight"),
];

/// PLOVER event types to dyad's actions.
pub const PLOVER_ACTIONS: &[(&str, &str)] = &[
    ("AGREE", "intend_to_cooperate"),
    ("CONSULT", "consult"),
    ("SUPPORT", "cooperate_diplomatically"),
    ("CONCEDE", "yield"),
    ("RETREAT", "yield"),
    ("COOPERATE", "cooperate_materially"),
    ("AID", "provide_aid"),
    ("REQUEST", "appeal"),
    ("ACCUSE", "disapprove"),
    ("REJECT", "reject"),
    ("THREATEN", "warn"),
    ("PROTEST", "protest"),
    ("SANCTION", "impose_sanctions"),
    ("MOBILIZE", "show_force"),
    ("COERCE", "coerce"),
    ("ASSAULT", "assault"),
];

/// dyad's actions to PLOVER event types, for `export --format plover`. Each action that
/// [`PLOVER_ACTIONS`] maps a type to gets that type back, so an export read again by `import
/// --format plover` gives the same action (`yield` goes out as `CONCEDE`, not `RETREAT`). The
/// actions the import table never gives go out as their nearest type, and come back as that
/// type's action (the rows after the comment below).
/// `make_statement`, `investigate` (PLOVER has no such types) and the actions aimed at a third
/// party (`support_adversary`, `arm_adversary`, `reassure_allies`, `third_party_action`, whose
/// PLOVER type would read as help to the other side) are not exported.
pub const PLOVER_TYPES: &[(&str, &str)] = &[
    ("intend_to_cooperate", "AGREE"),
    ("consult", "CONSULT"),
    ("cooperate_diplomatically", "SUPPORT"),
    ("yield", "CONCEDE"),
    ("cooperate_materially", "COOPERATE"),
    ("provide_aid", "AID"),
    ("appeal", "REQUEST"),
    ("disapprove", "ACCUSE"),
    ("reject", "REJECT"),
    ("warn", "THREATEN"),
    ("protest", "PROTEST"),
    ("impose_sanctions", "SANCTION"),
    ("show_force", "MOBILIZE"),
    ("coerce", "COERCE"),
    ("assault", "ASSAULT"),
    // Not invertible: these come back as the action of their type.
    ("praise", "SUPPORT"),
    ("hold_summit", "CONSULT"),
    ("sign_agreement", "AGREE"),
    ("demand", "REQUEST"),
    ("threaten", "THREATEN"),
    ("reduce_relations", "SANCTION"),
    ("expel_diplomats", "SANCTION"),
    ("harass_diplomats", "COERCE"),
    ("fight", "ASSAULT"),
];

/// The PLOVER event type a dyad action is exported as, if it has one.
pub fn plover_type(action: &str) -> Option<&'static str> {
    PLOVER_TYPES
        .iter()
        .find(|(dyad_action, _)| *dyad_action == action)
        .map(|(_, plover)| *plover)
}

/// A report as one PLOVER-style JSON object, or `None` when its action has no PLOVER type
/// (see [`PLOVER_TYPES`]). The fields are those `import --format plover` reads first (`id`,
/// `date`, `event_type`, `actor`, `recipient`, `publisher`, `url`), with dyad's own reading
/// beside them (`dyad_action`, `intensity`, `confidence`, `summary`) for tools that want it.
/// An actor's `country` is its code when that is a country's, and empty for a group.
pub fn plover_line(event: &crate::domain::event::Event) -> Option<Value> {
    let body = event.report_body()?;
    let event_type = plover_type(&body.action)?;
    // dyad's states are ISO 3166 alpha-3 codes, as PLOVER's countries are; a group (`TALIBAN`)
    // has none, and an empty country is how POLECAT's files say so.
    let party = |code: &str| {
        let is_country = code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
        json!({"name": code, "country": if is_country { code } else { "" }})
    };
    let mut line = json!({
        "id": event.id.to_string(),
        "date": event.occurred_on.to_string(),
        "event_type": event_type,
        "actor": party(&body.actor),
        "recipient": party(&body.target),
        "publisher": body.source.outlet,
        "dyad_action": body.action,
        "confidence": body.confidence,
        "summary": body.summary,
    });
    if let Some(url) = &body.source.url {
        line["url"] = json!(url);
    }
    if let Some(intensity) = body.intensity {
        line["intensity"] = json!(intensity);
    }
    Some(line)
}

/// The dyad action a CAMEO code maps to, at any level (`16`, `163`, `1631`).
pub fn cameo_action(code: &str) -> Option<&'static str> {
    CAMEO_ACTIONS
        .iter()
        .filter(|(prefix, _)| code.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, action)| *action)
}

/// The dyad action a PLOVER event type maps to.
pub fn plover_action(event_type: &str) -> Option<&'static str> {
    let wanted = event_type.trim().to_ascii_uppercase();
    PLOVER_ACTIONS
        .iter()
        .find(|(plover, _)| *plover == wanted)
        .map(|(_, action)| *action)
}

/// The confidence of a machine-coded row reported by `sources` outlets: one source counts 0.5,
/// and each further independent source halves the remaining doubt, up to 0.95, the way
/// corroboration raises a report's confidence.
pub fn confidence_from_sources(sources: u64) -> f64 {
    let further = sources.saturating_sub(1).min(64) as i32;
    (1.0 - 0.5 * 0.5_f64.powi(further)).min(0.95)
}

/// A row that could not be read, named by its line and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line of the file, from 1.
    pub line: u64,
    /// The field at fault.
    pub field: String,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, field `{}`: {}",
            self.line, self.field, self.reason
        )
    }
}

/// The refused rows a conversion names; the others are only counted, so that a file of a
/// million bad rows does not hold a million errors.
pub const NAMED_REFUSALS: usize = 100;

/// A file's rows as dyad events, with what was left out and why.
#[derive(Debug, Default)]
pub struct Conversion {
    /// The events' rows, repeats merged, in the file's order of first appearance.
    kept: Vec<Row>,
    /// The format's name in each event's summary and attribution.
    label: &'static str,
    /// The dyad the events are written for.
    dyad: String,
    /// Rows read (header and blank lines excepted).
    pub rows: u64,
    /// Rows between the dyad's two states.
    pub dyad_rows: u64,
    /// Of those, rows merged into an earlier one of the same day, pair and code.
    pub merged: u64,
    /// Of those, rows whose code no table maps, by code.
    pub unmapped: BTreeMap<String, u64>,
    /// Rows that could not be read.
    pub refused_rows: u64,
    /// The first [`NAMED_REFUSALS`] of them, named by line and field.
    pub refused: Vec<RowError>,
}

impl Conversion {
    /// The events the file gives, repeats merged.
    pub fn event_count(&self) -> usize {
        self.kept.len()
    }

    /// The events, one NDJSON line each (no newline), written as they are asked for.
    pub fn event_lines(&self) -> impl Iterator<Item = String> + '_ {
        self.kept
            .iter()
            .map(|row| event_line(row, &self.dyad, self.label))
    }

    /// The events as the NDJSON `import` reads, written as it reads them rather than joined
    /// into one string first.
    pub fn ndjson(&self) -> impl std::io::BufRead + Send + '_ {
        std::io::BufReader::new(LinesReader {
            lines: self.event_lines(),
            pending: Vec::new(),
            offset: 0,
        })
    }

    fn refuse(&mut self, error: RowError) {
        self.refused_rows += 1;
        if self.refused.len() < NAMED_REFUSALS {
            self.refused.push(error);
        }
    }

    /// Keeps a row if it is between the dyad's states and mapped, merging it into an earlier
    /// row of the same day, pair and code.
    fn keep(
        &mut self,
        row: Row,
        states: [&str; 2],
        merged: &mut HashMap<(chrono::NaiveDate, String, String, String), usize>,
    ) {
        let pair_in_dyad = row.actor != row.target
            && states.contains(&row.actor.as_str())
            && states.contains(&row.target.as_str());
        if !pair_in_dyad {
            return;
        }
        self.dyad_rows += 1;
        if row.action.is_none() {
            *self.unmapped.entry(row.code.clone()).or_default() += 1;
            return;
        }
        let key = (
            row.date,
            row.actor.clone(),
            row.target.clone(),
            row.code.clone(),
        );
        match merged.get(&key) {
            Some(&index) => {
                self.merged += 1;
                self.kept[index].sources += row.sources;
                self.kept[index].articles += row.articles;
            }
            None => {
                merged.insert(key, self.kept.len());
                self.kept.push(row);
            }
        }
    }

    /// Rows between the dyad's states whose code had no mapping.
    pub fn unmapped_rows(&self) -> u64 {
        self.unmapped.values().sum()
    }
}

/// Lines from an iterator as a byte stream, each followed by a newline.
struct LinesReader<I> {
    lines: I,
    pending: Vec<u8>,
    offset: usize,
}

impl<I: Iterator<Item = String>> std::io::Read for LinesReader<I> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        while self.offset == self.pending.len() {
            let Some(line) = self.lines.next() else {
                return Ok(0);
            };
            self.pending = line.into_bytes();
            self.pending.push(b'\n');
            self.offset = 0;
        }
        let count = buffer.len().min(self.pending.len() - self.offset);
        buffer[..count].copy_from_slice(&self.pending[self.offset..self.offset + count]);
        self.offset += count;
        Ok(count)
    }
}

/// One row read, before repeated rows are merged.
#[derive(Debug)]
struct Row {
    line: u64,
    id: String,
    date: chrono::NaiveDate,
    actor: String,
    target: String,
    actor_name: String,
    target_name: String,
    code: String,
    action: Option<&'static str>,
    intensity: Option<f64>,
    quad_class: Option<String>,
    sources: u64,
    articles: u64,
    outlet: String,
    url: Option<String>,
}

/// Reads `reader` in `format` and keeps the rows between the two states of `dyad` (`USA-RUS`),
/// row by row; `progress` hears the bytes read so far, every few thousand lines and at the end.
pub fn convert(
    format: FieldFormat,
    reader: impl BufRead,
    dyad: &str,
    mut progress: impl FnMut(u64),
) -> std::io::Result<Conversion> {
    let (left, right) = dyad.split_once('-').unwrap_or((dyad, ""));
    let states = [left, right];
    let mut conversion = Conversion {
        label: match format {
            FieldFormat::Gdelt => "GDELT",
            FieldFormat::Icews => "ICEWS",
            FieldFormat::Plover => "PLOVER",
        },
        dyad: dyad.to_string(),
        ..Conversion::default()
    };
    // (date, actor, target, code) -> the index of the merged row in `kept`.
    let mut merged = HashMap::new();
    // ICEWS names its columns in its header row.
    let mut icews_columns: Option<HashMap<String, usize>> = None;
    let mut bytes_read = 0;
    each_line(reader, |line, text, bytes| {
        bytes_read = bytes;
        if line % PROGRESS_EVERY_LINES == 0 {
            progress(bytes_read);
        }
        let row = match format {
            FieldFormat::Plover => {
                conversion.rows += 1;
                plover_row(line, text)
            }
            FieldFormat::Gdelt | FieldFormat::Icews => {
                // Tab-separated fields are never quoted: a split is enough, and a CSV parser
                // per line would be most of the conversion's time.
                let record: csv::StringRecord;
                let fields: Vec<&str> = if text.contains('\t') {
                    text.split('\t').collect()
                } else {
                    let Some(parsed) = split_commas(text) else {
                        conversion.refuse(RowError {
                            line,
                            field: "row".into(),
                            reason: "not a delimited row".into(),
                        });
                        return;
                    };
                    record = parsed;
                    record.iter().collect()
                };
                if format == FieldFormat::Gdelt {
                    if fields.first() == Some(&gdelt::NAMES[gdelt::ID]) {
                        return;
                    }
                    conversion.rows += 1;
                    gdelt_row(line, &fields)
                } else {
                    let Some(columns) = &icews_columns else {
                        icews_columns = Some(
                            fields
                                .iter()
                                .enumerate()
                                .map(|(i, name)| (name.trim().to_string(), i))
                                .collect(),
                        );
                        return;
                    };
                    conversion.rows += 1;
                    icews_row(line, &fields, columns)
                }
            }
        };
        match row {
            Ok(row) => conversion.keep(row, states, &mut merged),
            Err(error) => conversion.refuse(error),
        }
    })?;
    progress(bytes_read);
    Ok(conversion)
}

/// How often `convert` reports its progress.
const PROGRESS_EVERY_LINES: u64 = 4_096;

/// Calls `visit` with each non-blank line (numbered from 1, without its line ending) and the
/// bytes read up to its end, reusing one buffer.
fn each_line(
    mut reader: impl BufRead,
    mut visit: impl FnMut(u64, &str, u64),
) -> std::io::Result<()> {
    let mut buffer = String::new();
    let mut line = 0;
    let mut bytes = 0;
    loop {
        buffer.clear();
        let read = reader.read_line(&mut buffer)?;
        if read == 0 {
            return Ok(());
        }
        line += 1;
        bytes += read as u64;
        let text = buffer.trim_end_matches(['\n', '\r']);
        if !text.trim().is_empty() {
            visit(line, text, bytes);
        }
    }
}

/// A comma-separated line's fields, with CSV quoting.
fn split_commas(text: &str) -> Option<csv::StringRecord> {
    let mut parser = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    parser.records().next()?.ok()
}

fn event_line(row: &Row, dyad: &str, label: &str) -> String {
    let action = row.action.unwrap_or("make_statement");
    let mut attribution = format!("{label} event {}, line {}", row.id, row.line);
    if let Some(quad) = &row.quad_class {
        attribution.push_str(&format!("; quad class {quad}"));
    }
    attribution.push_str(&format!(
        "; {} sources, {} articles",
        row.sources, row.articles
    ));
    let mut source = json!({"outlet": row.outlet, "attribution": attribution});
    if let Some(url) = &row.url {
        source["url"] = json!(url);
    }
    let mut event = json!({
        "dyad": dyad,
        "kind": "action",
        "occurred_on": row.date.to_string(),
        "actor": row.actor,
        "target": row.target,
        "action": action,
        "confidence": confidence_from_sources(row.sources),
        "summary": format!(
            "{label}: {} → {}, code {} ({action})",
            row.actor_name, row.target_name, row.code
        ),
        "source": source,
    });
    if let Some(intensity) = row.intensity {
        event["intensity"] = json!(intensity);
    }
    event.to_string()
}

/// The state an actor code or country belongs to: `RUSGOV` and `RUS` are `RUS`; ICEWS names
/// its countries in full.
fn state_of(code: &str) -> String {
    let code = code.trim();
    match code {
        "United States" | "United States of America" => "USA".into(),
        "Russian Federation" | "Russia" => "RUS".into(),
        _ if code.len() >= 3 && code.is_char_boundary(3) => code[..3].to_ascii_uppercase(),
        _ => code.to_ascii_uppercase(),
    }
}

fn parse_date(text: &str, line: u64, field: &str) -> Result<chrono::NaiveDate, RowError> {
    let text = text.trim();
    chrono::NaiveDate::parse_from_str(text, "%Y%m%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .map_err(|_| RowError {
            line,
            field: field.into(),
            reason: format!("`{text}` is not a date (YYYYMMDD or YYYY-MM-DD)"),
        })
}

fn parse_number<T: std::str::FromStr>(text: &str, line: u64, field: &str) -> Result<T, RowError> {
    text.trim().parse().map_err(|_| RowError {
        line,
        field: field.into(),
        reason: format!("`{}` is not a number", text.trim()),
    })
}

/// An intensity on dyad's scale, or the row's error.
fn parse_intensity(text: &str, line: u64, field: &str) -> Result<Option<f64>, RowError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let value: f64 = parse_number(text, line, field)?;
    if !(-10.0..=10.0).contains(&value) {
        return Err(RowError {
            line,
            field: field.into(),
            reason: format!("{value} is outside -10 … +10"),
        });
    }
    Ok(Some(value))
}

/// The host of a URL, as the outlet of a row that names no publisher.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.trim_start_matches("www.").to_string())
}

/// GDELT columns, the same in 1.0 and 2.0 up to the geography; the source URL is the last
/// column of the files that have one (58 columns in 1.0, 61 in 2.0).
mod gdelt {
    pub const ID: usize = 0;
    pub const DATE: usize = 1;
    pub const ACTOR1_CODE: usize = 5;
    pub const ACTOR1_NAME: usize = 6;
    pub const ACTOR1_COUNTRY: usize = 7;
    pub const ACTOR2_CODE: usize = 15;
    pub const ACTOR2_NAME: usize = 16;
    pub const ACTOR2_COUNTRY: usize = 17;
    pub const EVENT_CODE: usize = 26;
    pub const QUAD_CLASS: usize = 29;
    pub const GOLDSTEIN: usize = 30;
    pub const NUM_SOURCES: usize = 32;
    pub const NUM_ARTICLES: usize = 33;
    pub const NAMES: [&str; 34] = [
        "GLOBALEVENTID",
        "SQLDATE",
        "MonthYear",
        "Year",
        "FractionDate",
        "Actor1Code",
        "Actor1Name",
        "Actor1CountryCode",
        "Actor1KnownGroupCode",
        "Actor1EthnicCode",
        "Actor1Religion1Code",
        "Actor1Religion2Code",
        "Actor1Type1Code",
        "Actor1Type2Code",
        "Actor1Type3Code",
        "Actor2Code",
        "Actor2Name",
        "Actor2CountryCode",
        "Actor2KnownGroupCode",
        "Actor2EthnicCode",
        "Actor2Religion1Code",
        "Actor2Religion2Code",
        "Actor2Type1Code",
        "Actor2Type2Code",
        "Actor2Type3Code",
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
    ];
    /// The fewest columns a row has (GDELT 1.0's historical files, without a URL).
    pub const MIN_COLUMNS: usize = 57;
    /// Rows with at least this many columns end with the source URL.
    pub const WITH_URL: usize = 58;
}

fn gdelt_row(line: u64, fields: &[&str]) -> Result<Row, RowError> {
    use gdelt::*;
    if fields.len() < MIN_COLUMNS {
        return Err(RowError {
            line,
            field: "row".into(),
            reason: format!(
                "{} columns; a GDELT event row has 57 or 58 (1.0) or 61 (2.0)",
                fields.len()
            ),
        });
    }
    let field = |index: usize| fields[index];
    let state = |country: usize, code: usize| {
        if field(country).trim().is_empty() {
            state_of(field(code))
        } else {
            state_of(field(country))
        }
    };
    let code = field(EVENT_CODE).trim().to_string();
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RowError {
            line,
            field: NAMES[EVENT_CODE].into(),
            reason: format!("`{code}` is not a CAMEO code"),
        });
    }
    let url = (fields.len() >= WITH_URL)
        .then(|| fields[fields.len() - 1].trim().to_string())
        .filter(|u| u.starts_with("http"));
    let sources: u64 = parse_number(field(NUM_SOURCES), line, NAMES[NUM_SOURCES])?;
    Ok(Row {
        line,
        id: field(ID).trim().to_string(),
        date: parse_date(field(DATE), line, NAMES[DATE])?,
        actor: state(ACTOR1_COUNTRY, ACTOR1_CODE),
        target: state(ACTOR2_COUNTRY, ACTOR2_CODE),
        actor_name: field(ACTOR1_NAME).trim().to_string(),
        target_name: field(ACTOR2_NAME).trim().to_string(),
        action: cameo_action(&code),
        code,
        intensity: parse_intensity(field(GOLDSTEIN), line, NAMES[GOLDSTEIN])?,
        quad_class: Some(field(QUAD_CLASS).trim().to_string()).filter(|q| !q.is_empty()),
        sources: sources.max(1),
        articles: parse_number(field(NUM_ARTICLES), line, NAMES[NUM_ARTICLES])?,
        outlet: url
            .as_deref()
            .and_then(host_of)
            .unwrap_or_else(|| "GDELT".into()),
        url,
    })
}

fn icews_row(
    line: u64,
    fields: &[&str],
    columns: &HashMap<String, usize>,
) -> Result<Row, RowError> {
    let field = |name: &str| -> Result<&str, RowError> {
        columns
            .get(name)
            .and_then(|&i| fields.get(i))
            .copied()
            .ok_or_else(|| RowError {
                line,
                field: name.into(),
                reason: "missing (an ICEWS file starts with its header row)".into(),
            })
    };
    let code = field("CAMEO Code")?.trim().to_string();
    let publisher = field("Publisher")?.trim();
    Ok(Row {
        line,
        id: field("Event ID")?.trim().to_string(),
        date: parse_date(field("Event Date")?, line, "Event Date")?,
        actor: state_of(field("Source Country")?),
        target: state_of(field("Target Country")?),
        actor_name: field("Source Name")?.trim().to_string(),
        target_name: field("Target Name")?.trim().to_string(),
        action: cameo_action(&code),
        code,
        intensity: parse_intensity(field("Intensity")?, line, "Intensity")?,
        quad_class: None,
        sources: 1,
        articles: 1,
        outlet: if publisher.is_empty() {
            "ICEWS".into()
        } else {
            publisher.to_string()
        },
        url: None,
    })
}

/// The first of `names` the object has, as text (PLOVER and POLECAT spell their fields
/// differently; an actor may be an object with a `country`).
fn text_field(value: &Value, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| {
        let (head, tail) = name.split_once('.').unwrap_or((name, ""));
        let found = if tail.is_empty() {
            value.get(head)?
        } else {
            value.get(head)?.get(tail)?
        };
        match found {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    })
}

fn plover_row(line: u64, text: &str) -> Result<Row, RowError> {
    let value: Value = serde_json::from_str(text).map_err(|e| RowError {
        line,
        field: "line".into(),
        reason: format!("not a JSON object: {e}"),
    })?;
    let required = |names: &[&str], field: &str| {
        text_field(&value, names).ok_or_else(|| RowError {
            line,
            field: field.into(),
            reason: "missing".into(),
        })
    };
    let event_type = required(&["event_type", "event", "Event Type"], "event_type")?;
    let actor = required(
        &["actor.country", "actor_country", "Actor Country"],
        "actor.country",
    )?;
    let recipient = required(
        &[
            "recipient.country",
            "recipient_country",
            "Recipient Country",
        ],
        "recipient.country",
    )?;
    let date = required(&["date", "event_date", "Event Date"], "date")?;
    let url = text_field(&value, &["url", "source_url", "URL"]).filter(|u| u.starts_with("http"));
    let publisher = text_field(&value, &["publisher", "Publisher"]);
    Ok(Row {
        line,
        id: text_field(&value, &["id", "event_id", "Event ID"]).unwrap_or_default(),
        date: parse_date(&date, line, "date")?,
        actor: state_of(&actor),
        target: state_of(&recipient),
        actor_name: text_field(&value, &["actor.name", "actor_name", "Actor Name"])
            .unwrap_or_else(|| actor.clone()),
        target_name: text_field(
            &value,
            &["recipient.name", "recipient_name", "Recipient Name"],
        )
        .unwrap_or_else(|| recipient.clone()),
        action: plover_action(&event_type),
        code: event_type.trim().to_ascii_uppercase(),
        intensity: None,
        quad_class: None,
        sources: 1,
        articles: 1,
        outlet: publisher
            .or_else(|| url.as_deref().and_then(host_of))
            .unwrap_or_else(|| "PLOVER".into()),
        url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cameo_codes_map_at_every_level() {
        assert_eq!(cameo_action("16"), Some("reduce_relations"));
        assert_eq!(cameo_action("163"), Some("impose_sanctions"));
        assert_eq!(cameo_action("1631"), Some("impose_sanctions"));
        assert_eq!(cameo_action("166"), Some("expel_diplomats"));
        assert_eq!(cameo_action("0431"), Some("consult"));
        assert_eq!(cameo_action("138"), Some("threaten"));
        assert_eq!(cameo_action("130"), Some("warn"));
        assert_eq!(cameo_action("21"), None);
    }

    #[test]
    fn a_file_of_bad_rows_names_the_first_hundred_counts_them_all_and_reports_every_byte() {
        let file = "not\ta\tGDELT\trow\n".repeat(150);
        let mut heard = 0;
        let conversion = convert(FieldFormat::Gdelt, file.as_bytes(), "USA-RUS", |bytes| {
            heard = bytes
        })
        .expect("read from memory");
        assert_eq!(conversion.refused_rows, 150);
        assert_eq!(conversion.refused.len(), NAMED_REFUSALS);
        assert_eq!(conversion.refused[0].line, 1);
        assert_eq!(heard, file.len() as u64);
    }

    #[test]
    fn the_events_read_as_ndjson_are_the_event_lines() {
        let row = |id: u32, sources: u32| {
            let mut columns = vec![""; 61];
            let id = id.to_string();
            let sources = sources.to_string();
            columns[0] = &id;
            columns[1] = "20180326";
            columns[7] = "USA";
            columns[17] = "RUS";
            columns[26] = "166";
            columns[30] = "-5.0";
            columns[32] = &sources;
            columns[33] = &sources;
            format!("{}\r\n", columns.join("\t"))
        };
        let file = format!("{}{}", row(1, 1), row(2, 2));
        let conversion = convert(FieldFormat::Gdelt, file.as_bytes(), "USA-RUS", |_| {})
            .expect("read from memory");
        assert_eq!((conversion.rows, conversion.merged), (2, 1));
        let mut ndjson = String::new();
        std::io::Read::read_to_string(&mut conversion.ndjson(), &mut ndjson).expect("in memory");
        let lines: Vec<String> = conversion.event_lines().collect();
        assert_eq!(ndjson, format!("{}\n", lines.join("\n")));
        assert!(lines[0].contains("\"expel_diplomats\""), "{}", lines[0]);
        assert!(lines[0].contains("3 sources"), "{}", lines[0]);
    }

    #[test]
    fn sources_raise_confidence_like_corroboration() {
        assert_eq!(confidence_from_sources(0), 0.5);
        assert_eq!(confidence_from_sources(1), 0.5);
        assert_eq!(confidence_from_sources(2), 0.75);
        assert_eq!(confidence_from_sources(1_000), 0.95);
    }

    #[test]
    fn the_export_table_inverts_the_import_table_where_it_can() {
        for (plover, action) in PLOVER_ACTIONS {
            let exported = plover_type(action).expect(action);
            assert_eq!(plover_action(exported), Some(*action), "{plover}");
        }
        for (action, plover) in PLOVER_TYPES {
            assert!(plover_action(plover).is_some(), "{action} → {plover}");
        }
    }

    #[test]
    fn every_mapped_action_is_one_of_dyads() {
        let taxonomy = crate::domain::taxonomy::Taxonomy::builtin();
        for action in CAMEO_ACTIONS
            .iter()
            .chain(PLOVER_ACTIONS)
            .map(|(_, action)| action)
            .chain(PLOVER_TYPES.iter().map(|(action, _)| action))
        {
            assert!(
                taxonomy.actions().iter().any(|a| a.code == *action),
                "{action}"
            );
        }
    }
}
