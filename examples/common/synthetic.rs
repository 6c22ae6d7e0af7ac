//! Deterministic synthetic events for the benchmarks: dates spread over 2015–2024, actors,
//! actions and issues cycling through the taxonomy. Shared by `bench` and `bench_web`, so both
//! measure the same log.

use dyad::domain::event::{EventInput, EventKind, SourceInput};
use dyad::domain::taxonomy::Taxonomy;
use std::io::Write;
use std::path::Path;

const ACTORS: [&str; 8] = ["USA", "RUS", "CHN", "PRK", "NATO", "TALIBAN", "SYR", "UKR"];
const ISSUES: [&str; 8] = [
    "afghanistan",
    "diplomats",
    "sanctions",
    "syria",
    "north_korea",
    "cyber",
    "arms_control",
    "trade",
];

/// A log of `total` synthetic events, made one at a time.
pub struct Synthetic {
    actions: Vec<String>,
    total: usize,
}

impl Synthetic {
    /// The events of a log of `total` (their dates spread evenly over the ten years).
    pub fn new(total: usize) -> Synthetic {
        let actions = Taxonomy::builtin()
            .actions()
            .iter()
            .map(|a| a.code.clone())
            .collect();
        Synthetic { actions, total }
    }

    /// Event number `i`.
    pub fn event(&self, i: usize) -> EventInput {
        let mix = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let day = (i as u64 * 3653 / self.total.max(1) as u64) % 3653;
        let date = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).expect("date")
            + chrono::Duration::days(day as i64);
        let actor = (mix % 8) as usize;
        let target = (actor + 1 + (mix >> 8) as usize % 7) % 8;
        EventInput {
            id: None,
            dyad: "USA-RUS".into(),
            kind: EventKind::Action,
            occurred_on: date.to_string(),
            actor: ACTORS[actor].into(),
            target: ACTORS[target].into(),
            action: self.actions[(mix >> 16) as usize % self.actions.len()].clone(),
            intensity: None,
            confidence: None,
            issue: Some(ISSUES[(mix >> 24) as usize % 8].into()),
            pillar: None,
            summary: format!("Synthetic event number {i} for the benchmark"),
            speaker: None,
            quote: None,
            source: SourceInput {
                outlet: "Bench Wire".into(),
                url: Some(format!("https://example.org/wire/{i}")),
                published_on: Some(date.to_string()),
                attribution: Some("a synthetic official".into()),
                quote: None,
            },
        }
    }

    /// Writes all the events as NDJSON (as an analyst's file would hold them); returns its size.
    pub fn write_ndjson(&self, path: &Path) -> std::io::Result<u64> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for i in 0..self.total {
            serde_json::to_writer(&mut out, &self.event(i))?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(std::fs::metadata(path)?.len())
    }
}
