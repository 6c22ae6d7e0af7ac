//! The read side: a small pool of read connections (each a [`Tracker`] on its own SQLite
//! connection, WAL mode, so reads never wait for the writer), used only from the blocking pool.
//!
//! A `Tracker` is `Send` but not `Sync` (a rusqlite connection may move between threads, not be
//! shared), so each is lent to one blocking task at a time: a semaphore counts the lendable
//! trackers, and a `std::sync::Mutex` guards the stack they are taken from (held only to push or
//! pop, never across a query or an `.await`).

use crate::app::{AppError, Tracker};
use crate::domain::clock::Clock;
use crate::domain::framework::Framework;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Why a read could not run.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// The use case failed.
    #[error(transparent)]
    App(AppError),
    /// The blocking task panicked or was cancelled.
    #[error("a read task stopped: {0}")]
    Aborted(String),
}

/// The pool of read trackers.
pub(crate) struct ReadPool {
    db: PathBuf,
    framework: Framework,
    clock: Arc<dyn Clock>,
    idle: Mutex<Vec<Tracker>>,
    permits: Semaphore,
}

impl ReadPool {
    /// Opens `size` read trackers on `db` (blocking: call off the runtime).
    pub fn open(
        db: PathBuf,
        framework: Framework,
        clock: Arc<dyn Clock>,
        size: usize,
    ) -> Result<Self, AppError> {
        let size = size.max(1);
        let idle = (0..size)
            .map(|_| Tracker::open(&db, framework.clone(), clock.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            db,
            framework,
            clock,
            idle: Mutex::new(idle),
            permits: Semaphore::new(size),
        })
    }

    /// Runs `read` with a tracker of the pool on the blocking pool, waiting for a free one.
    pub async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        read: impl FnOnce(&Tracker) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, ReadError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ReadError::Aborted(e.to_string()))?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let tracker = pool.take()?;
            let result = read(&tracker);
            pool.put(tracker);
            result
        })
        .await
        .map_err(|e| ReadError::Aborted(e.to_string()))?
        .map_err(ReadError::App)
    }

    fn take(&self) -> Result<Tracker, AppError> {
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        match taken {
            Some(tracker) => Ok(tracker),
            // A read that panicked lost its tracker: open a new one in its place.
            None => Tracker::open(&self.db, self.framework.clone(), self.clock.clone()),
        }
    }

    fn put(&self, tracker: Tracker) {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(tracker);
    }
}
