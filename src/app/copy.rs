//! `dyad copy`: a log carried to another store exactly as it is, so that `verify` prints the same
//! head on both and `--known-at` answers the same (export and import would stamp new recorded
//! times). Incremental: a target that already holds a prefix of the source receives only what
//! follows; a target whose chain differs from the source's is refused untouched.

use super::AppError;
use crate::store::{EventStore, Scan, StoreError, StoredEvent};
use std::ops::ControlFlow;

/// How many rows go to the target in one transaction.
const CHUNK: usize = 1_000;

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// The events the target already had.
    pub already: u64,
    /// The events copied now.
    pub copied: u64,
    /// The target's head after the copy: its position and hash.
    pub head: (u64, String),
}

/// Copies every event of `from` that `to` does not have yet, in chunks, each one transaction.
pub fn copy_log(from: &impl EventStore, to: &mut impl EventStore) -> Result<CopyReport, AppError> {
    let source_head = from.position_at(None)?;
    let already = to.position_at(None)?;
    if already > 0 {
        let target_last = to.event_at(already)?;
        let source_same = from.event_at(already)?;
        match (target_last, source_same) {
            (Some(target), Some(source)) if target.hash == source.hash => {}
            (Some(_), Some(_)) => {
                return Err(StoreError::Diverged(format!(
                    "the target's event at position {already} differs from the source's: the \
                     logs have diverged"
                ))
                .into());
            }
            _ => {
                return Err(StoreError::Diverged(format!(
                    "the target holds {already} events, the source {source_head}: the target \
                     is not a copy of the source"
                ))
                .into());
            }
        }
    }
    let scan = Scan {
        after_position: Some(already),
        until_position: Some(source_head),
        ..Scan::default()
    };
    let mut chunk: Vec<StoredEvent> = Vec::with_capacity(CHUNK);
    let mut copied = 0u64;
    let mut failed = None;
    from.scan(&scan, &mut |row| {
        chunk.push(row);
        if chunk.len() == CHUNK {
            match to.append_copied(&chunk) {
                Ok(()) => copied += chunk.len() as u64,
                Err(error) => {
                    failed = Some(error);
                    return ControlFlow::Break(());
                }
            }
            chunk.clear();
        }
        ControlFlow::Continue(())
    })?;
    if let Some(error) = failed {
        return Err(error.into());
    }
    if !chunk.is_empty() {
        to.append_copied(&chunk)?;
        copied += chunk.len() as u64;
    }
    let position = to.position_at(None)?;
    let hash = match to.event_at(position)? {
        Some(event) => event.hash,
        None => crate::store::chain::GENESIS_HASH.to_string(),
    };
    Ok(CopyReport {
        already,
        copied,
        head: (position, hash),
    })
}
