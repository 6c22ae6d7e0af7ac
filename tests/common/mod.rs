//! Helpers shared by the integration tests: a fixed clock, temporary logs, event builders.
#![allow(dead_code)] // each test binary uses its own subset

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use dyad::app::Tracker;
use dyad::domain::clock::ManualClock;
use dyad::domain::event::{Event, EventInput};
use dyad::domain::framework::Framework;
use dyad::store::SqliteStore;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The instant every test starts at.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
        .single()
        .expect("valid instant")
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(start()))
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

/// A temporary directory holding a log file.
pub struct TempLog {
    pub dir: tempfile::TempDir,
}

impl TempLog {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("dyad.db")
    }

    pub fn open(&self, clock: Arc<ManualClock>) -> Tracker {
        Tracker::open(&self.path(), Framework::builtin(), clock).expect("open log")
    }

    pub fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.path()).expect("raw connection")
    }
}

pub fn in_memory(clock: Arc<ManualClock>) -> Tracker<SqliteStore> {
    let store = SqliteStore::open_in_memory(clock.clone()).expect("in-memory store");
    Tracker::new(store, Framework::builtin(), clock)
}

/// A valid event as JSON; tests change fields before validating it.
pub fn event_json(summary: &str) -> Value {
    json!({
        "dyad": "USA-RUS", "kind": "action", "occurred_on": "2017-04-24",
        "actor": "RUS", "target": "TALIBAN", "action": "arm_adversary",
        "issue": "afghanistan", "summary": summary,
        "source": {"outlet": "BuzzFeed News", "published_on": "2017-06-19"}
    })
}

pub fn validate<S: dyad::store::EventStore>(tracker: &Tracker<S>, value: Value) -> Event {
    let input: EventInput = serde_json::from_value(value).expect("input shape");
    tracker.validator().validate(input).expect("valid event")
}

pub fn shipped_log() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tillerson_2017.ndjson")
}
