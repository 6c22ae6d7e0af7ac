//! The field's event data: GDELT 1.0 and 2.0 event files, ICEWS event files and PLOVER/POLECAT
//! JSON lines, read into dyad's events (`dyad import --format gdelt|icews|plover`).
//!
//! Conversion is pure: a file's rows become NDJSON in dyad's event format, which `import` then
//! validates and appends as it does its own. Only the rows between the dyad's two states count,
//! in either direction, their sub-actors included (`RUSGOV`, `USAMIL`). A row's action comes
//! from [`CAMEO_ACTIONS`] or [`PLOVER_ACTIONS`]; a row whose code neither table maps is not an
//! error but a gap in the mapping's coverage, counted by code. Rows repeated the way the field's
//! data repeats them (same day, same pair, same code) become one event whose sources add up.

use serde_json::{Value, json};
use std::collections::BTreeMap;
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

/// A file's rows as dyad events, with what was left out and why.
#[derive(Debug, Default)]
pub struct Conversion {
    /// The events, one NDJSON line each, in the file's order of first appearance.
    pub events: Vec<String>,
    /// Rows read (header and blank lines excepted).
    pub rows: u64,
    /// Rows between the dyad's two states.
    pub dyad_rows: u64,
    /// Of those, rows merged into an earlier one of the same day, pair and code.
    pub merged: u64,
    /// Of those, rows whose code no table maps, by code.
    pub unmapped: BTreeMap<String, u64>,
    /// Rows that could not be read.
    pub refused: Vec<RowError>,
}

impl Conversion {
    /// Rows between the dyad's states whose code had no mapping.
    pub fn unmapped_rows(&self) -> u64 {
        self.unmapped.values().sum()
    }
}

/// One row read, before repeated rows are merged.
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

/// Reads `reader` in `format` and keeps the rows between the two states of `dyad` (`USA-RUS`).
pub fn convert(
    format: FieldFormat,
    reader: impl BufRead,
    dyad: &str,
) -> std::io::Result<Conversion> {
    let (left, right) = dyad.split_once('-').unwrap_or((dyad, ""));
    let states = [left, right];
    let mut conversion = Conversion::default();
    let rows = match format {
        FieldFormat::Gdelt => read_gdelt(reader, &mut conversion)?,
        FieldFormat::Icews => read_icews(reader, &mut conversion)?,
        FieldFormat::Plover => read_plover(reader, &mut conversion)?,
    };
    let label = match format {
        FieldFormat::Gdelt => "GDELT",
        FieldFormat::Icews => "ICEWS",
        FieldFormat::Plover => "PLOVER",
    };
    // (date, actor, target, code) -> the merged row.
    let mut merged: BTreeMap<(chrono::NaiveDate, String, String, String), usize> = BTreeMap::new();
    let mut kept: Vec<Row> = Vec::new();
    for row in rows {
        let pair_in_dyad = row.actor != row.target
            && states.contains(&row.actor.as_str())
            && states.contains(&row.target.as_str());
        if !pair_in_dyad {
            continue;
        }
        conversion.dyad_rows += 1;
        if row.action.is_none() {
            *conversion.unmapped.entry(row.code.clone()).or_default() += 1;
            continue;
        }
        let key = (
            row.date,
            row.actor.clone(),
            row.target.clone(),
            row.code.clone(),
        );
        match merged.get(&key) {
            Some(&index) => {
                conversion.merged += 1;
                kept[index].sources += row.sources;
                kept[index].articles += row.articles;
            }
            None => {
                merged.insert(key, kept.len());
                kept.push(row);
            }
        }
    }
    conversion.events = kept
        .iter()
        .map(|row| event_line(row, dyad, label))
        .collect();
    Ok(conversion)
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

/// Splits delimited lines, with CSV quoting, keeping line numbers.
fn delimited_rows(
    reader: impl BufRead,
    conversion: &mut Conversion,
) -> std::io::Result<Vec<(u64, Vec<String>)>> {
    let mut rows = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let delimiter = if line.contains('\t') { b'\t' } else { b',' };
        let mut parser = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(delimiter)
            .quoting(delimiter == b',')
            .from_reader(line.as_bytes());
        let fields = match parser.records().next() {
            Some(Ok(record)) => record.iter().map(str::to_string).collect(),
            _ => {
                conversion.refused.push(RowError {
                    line: index as u64 + 1,
                    field: "row".into(),
                    reason: "not a delimited row".into(),
                });
                continue;
            }
        };
        rows.push((index as u64 + 1, fields));
    }
    Ok(rows)
}

fn read_gdelt(reader: impl BufRead, conversion: &mut Conversion) -> std::io::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (line, fields) in delimited_rows(reader, conversion)? {
        if fields.first().is_some_and(|f| f == gdelt::NAMES[gdelt::ID]) {
            continue;
        }
        conversion.rows += 1;
        match gdelt_row(line, &fields) {
            Ok(row) => rows.push(row),
            Err(error) => conversion.refused.push(error),
        }
    }
    Ok(rows)
}

fn gdelt_row(line: u64, fields: &[String]) -> Result<Row, RowError> {
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
    let field = |index: usize| fields[index].as_str();
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

fn read_icews(reader: impl BufRead, conversion: &mut Conversion) -> std::io::Result<Vec<Row>> {
    let mut rows = Vec::new();
    let mut columns: Option<BTreeMap<String, usize>> = None;
    for (line, fields) in delimited_rows(reader, conversion)? {
        let Some(columns) = &columns else {
            columns = Some(
                fields
                    .iter()
                    .enumerate()
                    .map(|(i, name)| (name.trim().to_string(), i))
                    .collect(),
            );
            continue;
        };
        conversion.rows += 1;
        match icews_row(line, &fields, columns) {
            Ok(row) => rows.push(row),
            Err(error) => conversion.refused.push(error),
        }
    }
    Ok(rows)
}

fn icews_row(
    line: u64,
    fields: &[String],
    columns: &BTreeMap<String, usize>,
) -> Result<Row, RowError> {
    let field = |name: &str| -> Result<&str, RowError> {
        columns
            .get(name)
            .and_then(|&i| fields.get(i))
            .map(String::as_str)
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

fn read_plover(reader: impl BufRead, conversion: &mut Conversion) -> std::io::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        conversion.rows += 1;
        match plover_row(index as u64 + 1, &line) {
            Ok(row) => rows.push(row),
            Err(error) => conversion.refused.push(error),
        }
    }
    Ok(rows)
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
