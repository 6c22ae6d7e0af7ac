//! The hash chain: each event's hash is SHA-256 over the previous event's hash and the event's
//! canonical bytes, so any stored row changed, removed or reordered after the fact breaks the chain
//! from that row on.
//!
//! Canonical bytes: the JSON array
//! `[position, stream, version, id, kind, schema_version, occurred_on, recorded_at, recorded_by,
//! payload]` serialised compactly (no spaces, `payload` embedded as a JSON string of the stored
//! text). Events recorded before dyad kept `recorded_by` have none, and their array is the one
//! they were hashed with, without it: so old logs verify unchanged, while a name added to an old
//! row, or removed from a new one, changes the bytes and breaks the chain. The hashed message is
//! the previous hash in lower-case hex, a line feed, then the canonical bytes. The first event's
//! previous hash is [`GENESIS_HASH`].

use super::StoredEvent;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The previous hash of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an event the hash covers.
pub struct Hashed<'a> {
    /// Global position.
    pub position: u64,
    /// Stream.
    pub stream: &'a str,
    /// Stream version.
    pub version: u64,
    /// Id, text form.
    pub id: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Payload shape version.
    pub schema_version: u32,
    /// Valid time, `YYYY-MM-DD`.
    pub occurred_on: &'a str,
    /// Transaction time.
    pub recorded_at: &'a str,
    /// Who recorded it (`None` for events recorded before dyad kept it).
    pub recorded_by: Option<&'a str>,
    /// Payload text.
    pub payload: &'a str,
}

/// The hash of an event following `prev_hash`.
pub fn event_hash(prev_hash: &str, event: &Hashed<'_>) -> String {
    // A tuple serialises as the compact JSON array the format specifies, without building a
    // `Value` per event.
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    // Numbers and strings always serialise; the hasher takes the bytes as they are written.
    let written = match event.recorded_by {
        None => serde_json::to_writer(
            HashWriter(&mut hasher),
            &(
                event.position,
                event.stream,
                event.version,
                event.id,
                event.kind,
                event.schema_version,
                event.occurred_on,
                event.recorded_at,
                event.payload,
            ),
        ),
        Some(recorded_by) => serde_json::to_writer(
            HashWriter(&mut hasher),
            &(
                event.position,
                event.stream,
                event.version,
                event.id,
                event.kind,
                event.schema_version,
                event.occurred_on,
                event.recorded_at,
                recorded_by,
                event.payload,
            ),
        ),
    };
    written.unwrap_or_else(|e| panic!("canonical event bytes serialise: {e}"));
    lower_hex(&hasher.finalize())
}

/// The digest of a checkpoint's own bytes: SHA-256 over a format tag, its stream, projection,
/// position and the head hash it was folded up to, each on its own line, then its state. Stream
/// and projection are codes without line feeds, so the fields cannot run into each other.
pub fn checkpoint_digest(
    stream: &str,
    projection: &str,
    position: u64,
    head_hash: &str,
    state: &[u8],
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!(
        "dyad-checkpoint-1\n{stream}\n{projection}\n{position}\n{head_hash}\n"
    ));
    hasher.update(state);
    lower_hex(&hasher.finalize())
}

/// Feeds what is written to a hasher.
struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Bytes as lower-case hexadecimal.
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

impl StoredEvent {
    /// The fields of this row the hash covers.
    pub fn hashed(&self) -> Hashed<'_> {
        Hashed {
            position: self.position,
            stream: &self.stream,
            version: self.version,
            id: &self.id,
            kind: &self.kind,
            schema_version: self.schema_version,
            occurred_on: &self.occurred_on,
            recorded_at: &self.recorded_at,
            recorded_by: self.recorded_by.as_deref(),
            payload: &self.payload,
        }
    }
}

/// The first thing wrong with a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The first bad position.
    pub position: u64,
    /// What is wrong there.
    pub problem: String,
}

/// Checks a log row by row, in position order: positions gapless from 1, stream versions gapless
/// from 1, ids unique, each row linked to the previous hash, each hash matching the row's
/// content. It reads the rows themselves, never an index, so a damaged index cannot hide a
/// repeated id from it.
#[derive(Debug)]
pub struct ChainVerifier {
    next_position: u64,
    head_hash: String,
    stream_versions: HashMap<String, u64>,
    last_recorded_at: String,
    /// Every id seen, as 16 bytes rather than text: a million ids take tens of megabytes.
    ids: HashSet<u128>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            next_position: 1,
            head_hash: GENESIS_HASH.to_string(),
            stream_versions: HashMap::new(),
            last_recorded_at: String::new(),
            ids: HashSet::new(),
        }
    }
}

impl ChainVerifier {
    /// Checks the next row.
    pub fn check(&mut self, row: &StoredEvent) -> Result<(), ChainBreak> {
        let fail = |problem: String| ChainBreak {
            position: self.next_position.min(row.position),
            problem,
        };
        if row.position != self.next_position {
            return Err(fail(format!(
                "expected position {}, found {} (an event is missing)",
                self.next_position, row.position
            )));
        }
        let expected_version = self.stream_versions.get(&row.stream).copied().unwrap_or(0) + 1;
        if row.version != expected_version {
            return Err(fail(format!(
                "stream {} should be at version {expected_version}, found {}",
                row.stream, row.version
            )));
        }
        let Ok(id) = Uuid::parse_str(&row.id) else {
            return Err(fail(format!("the id `{}` is not a UUID", row.id)));
        };
        if self.ids.contains(&id.as_u128()) {
            return Err(fail(format!(
                "the id {} is recorded twice (an earlier position holds it)",
                row.id
            )));
        }
        if row.prev_hash != self.head_hash {
            return Err(fail(
                "the link to the previous event's hash is broken".to_string(),
            ));
        }
        if event_hash(&row.prev_hash, &row.hashed()) != row.hash {
            return Err(fail(
                "the hash does not match the event's content (the row was changed after it was recorded)"
                    .to_string(),
            ));
        }
        if row.recorded_at < self.last_recorded_at {
            return Err(fail(format!(
                "recorded_at {} goes back in time (previous {})",
                row.recorded_at, self.last_recorded_at
            )));
        }
        self.next_position += 1;
        self.head_hash.clone_from(&row.hash);
        self.stream_versions.insert(row.stream.clone(), row.version);
        self.last_recorded_at.clone_from(&row.recorded_at);
        self.ids.insert(id.as_u128());
        Ok(())
    }

    /// How many rows were checked.
    pub fn events(&self) -> u64 {
        self.next_position - 1
    }

    /// The hash of the last row checked (the genesis hash for an empty log).
    pub fn head_hash(&self) -> &str {
        &self.head_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical form is a documented format (a PostgreSQL store must reproduce it): pin it.
    #[test]
    fn the_canonical_form_is_the_documented_json_array() {
        let event = Hashed {
            position: 1,
            stream: "USA-RUS",
            version: 1,
            id: "6f1c7f4e-0000-4000-8000-000000000001",
            kind: "action",
            schema_version: 2,
            occurred_on: "2017-04-24",
            recorded_at: "2026-11-25T09:00:00.000000Z",
            recorded_by: None,
            payload: r#"{"actor":"RUS","summary":"a \"quoted\" word"}"#,
        };
        let canonical = r#"[1,"USA-RUS",1,"6f1c7f4e-0000-4000-8000-000000000001","action",2,"2017-04-24","2026-11-25T09:00:00.000000Z","{\"actor\":\"RUS\",\"summary\":\"a \\\"quoted\\\" word\"}"]"#;
        let mut expected = Sha256::new();
        expected.update(format!("{GENESIS_HASH}\n{canonical}").as_bytes());
        assert_eq!(
            event_hash(GENESIS_HASH, &event),
            lower_hex(&expected.finalize())
        );

        let recorded = Hashed {
            recorded_by: Some("ana"),
            ..event
        };
        let canonical = r#"[1,"USA-RUS",1,"6f1c7f4e-0000-4000-8000-000000000001","action",2,"2017-04-24","2026-11-25T09:00:00.000000Z","ana","{\"actor\":\"RUS\",\"summary\":\"a \\\"quoted\\\" word\"}"]"#;
        let mut expected = Sha256::new();
        expected.update(format!("{GENESIS_HASH}\n{canonical}").as_bytes());
        assert_eq!(
            event_hash(GENESIS_HASH, &recorded),
            lower_hex(&expected.finalize())
        );
    }
}
