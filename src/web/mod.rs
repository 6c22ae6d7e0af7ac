//! The web desk: the pages `dyad serve` answers at `/` for analysts who do not use a terminal
//! (dashboard, log, event, inbox, diff, report), sign-in, sessions and roles.
//!
//! What this module owns: the pages' routes and handlers ([`pages`]), their templates (rendered
//! by `minijinja` with automatic HTML escaping, from files compiled into the binary), the style
//! sheet and the one small script (live update through the event stream), the people and roles
//! of a users file ([`users`]), sessions and CSRF tokens ([`session`]), and the security headers
//! of every page (a Content-Security-Policy that allows only dyad's own script and style).
//!
//! What it must not touch: SQL (everything goes through [`crate::app::Tracker`] and
//! [`crate::inbox`], the calls the CLI makes, so a page and the CLI never disagree), validation
//! rules (the domain's), the JSON API under `/v1` and its bearer tokens ([`crate::server`]).
//! Reads run on the server's read pool, writes on its single writer thread (as [`crate::server`]
//! tasks), so the pages add no connection of their own.

mod pages;
pub mod session;
pub mod users;

pub use users::{Role, Users, token_hash};

use crate::domain::recorder::Recorder;
use crate::server::AppState;
use axum::Router;
use session::Sessions;

/// The desk's state inside the server: its people (or the one local analyst) and sessions.
pub(crate) struct Desk {
    /// The people of the users file; `None`: the desk is open to one analyst (loopback only).
    pub users: Option<Users>,
    /// Whom the open desk records writes by (the server's recorder).
    pub local: Recorder,
    /// Open sessions.
    pub sessions: Sessions,
    /// The statuses the dashboard showed last, by the question and the log's head.
    pub statuses: StatusCache,
}

/// What a status depends on: the dyad, the date, the moment, and the log's last position (any
/// append, amendment or late report moves it, whoever made it; a checkpoint does not change an
/// answer). The same key gives the same status, so the dashboard answers it from memory instead
/// of folding the ledger again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatusKey {
    /// The dyad.
    pub dyad: String,
    /// The date (today resolved).
    pub as_of: chrono::NaiveDate,
    /// The moment.
    pub known_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The log's last position when it was read.
    pub head: u64,
}

/// The last few statuses the dashboard read.
#[derive(Debug, Default)]
pub(crate) struct StatusCache {
    kept: std::sync::Mutex<std::collections::VecDeque<(StatusKey, crate::projection::Status)>>,
}

/// Statuses kept (the present moment, and a few dates colleagues look at).
const KEPT_STATUSES: usize = 16;

impl StatusCache {
    /// The status for `key`, if kept.
    pub fn get(&self, key: &StatusKey) -> Option<crate::projection::Status> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter().find(|(k, _)| k == key).map(|(_, s)| s.clone())
    }

    /// Keeps a status, forgetting the oldest beyond [`KEPT_STATUSES`].
    pub fn put(&self, key: StatusKey, status: crate::projection::Status) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.retain(|(k, _)| *k != key);
        kept.push_back((key, status));
        while kept.len() > KEPT_STATUSES {
            kept.pop_front();
        }
    }
}

impl Desk {
    /// The desk for a server.
    pub fn new(users: Option<Users>, local: Recorder) -> Result<Desk, String> {
        Ok(Desk {
            users,
            local,
            sessions: Sessions::default(),
            statuses: StatusCache::default(),
        })
    }
}

/// The pages' routes, merged into the server's router.
pub(crate) fn router() -> Router<AppState> {
    pages::router()
}
