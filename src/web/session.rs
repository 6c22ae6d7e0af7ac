//! Sessions of the desk: a random id (from the operating system, through `getrandom`) in a
//! cookie that scripts cannot read (HttpOnly) and that other sites' pages never send
//! (SameSite=Strict), and a CSRF token per session that every form carries and every POST must
//! give back. Sessions live in memory: a restart signs everyone out, which is the safe failure.

use super::users::Role;
use crate::domain::recorder::Recorder;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The cookie's name.
pub(crate) const COOKIE: &str = "dyad_session";
/// The cookie that binds the sign-in form to the browser it was given to: another site cannot
/// post a sign-in (and so sign a visitor in as someone else), since its request carries no such
/// cookie (SameSite=Strict).
pub(crate) const SIGNIN_COOKIE: &str = "dyad_signin";
/// How long a sign-in form may wait.
const SIGNIN_WAIT: Duration = Duration::from_secs(60 * 60);
/// How long a session lasts without being used.
const IDLE: Duration = Duration::from_secs(12 * 60 * 60);
/// Most sessions kept at once (the oldest are dropped first).
const MAX_SESSIONS: usize = 10_000;

/// Who is at the desk.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// The cookie's value.
    pub id: String,
    /// Their name, as their writes are recorded.
    pub name: Recorder,
    /// What they may do.
    pub role: Role,
    /// The token their forms carry.
    pub csrf: String,
    last_used: Instant,
}

/// The open sessions.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    open: Mutex<HashMap<String, Session>>,
}

/// 32 random bytes in hex; `None` when the system has no randomness to give (then nobody is
/// signed in, rather than with a guessable id).
pub(crate) fn random_hex() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Sessions {
    /// Opens a session for a person.
    pub fn open(&self, name: Recorder, role: Role) -> Option<Session> {
        let session = Session {
            id: random_hex()?,
            name,
            role,
            csrf: random_hex()?,
            last_used: Instant::now(),
        };
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.retain(|_, s| s.last_used.elapsed() < IDLE);
        if open.len() >= MAX_SESSIONS
            && let Some(oldest) = open
                .values()
                .min_by_key(|s| s.last_used)
                .map(|s| s.id.clone())
        {
            open.remove(&oldest);
        }
        open.insert(session.id.clone(), session.clone());
        Some(session)
    }

    /// The session of a cookie's id, if it is open and fresh.
    pub fn find(&self, id: &str) -> Option<Session> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let session = open.get_mut(id)?;
        if session.last_used.elapsed() >= IDLE {
            open.remove(id);
            return None;
        }
        session.last_used = Instant::now();
        Some(session.clone())
    }

    /// Ends a session.
    pub fn close(&self, id: &str) {
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }
}

/// The `Set-Cookie` value that opens a session.
pub(crate) fn set_cookie(session: &Session) -> String {
    format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        session.id,
        IDLE.as_secs()
    )
}

/// The `Set-Cookie` value that ends one.
pub(crate) fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The `Set-Cookie` value that goes with a sign-in form carrying `token`.
pub(crate) fn set_signin_cookie(token: &str) -> String {
    format!(
        "{SIGNIN_COOKIE}={token}; Path=/signin; HttpOnly; SameSite=Strict; Max-Age={}",
        SIGNIN_WAIT.as_secs()
    )
}

/// The session id a request's cookies carry.
pub(crate) fn cookie_id(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie(headers, COOKIE)
}

/// The value of the cookie `name` a request carries.
pub(crate) fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value.to_string())
}

/// Whether two tokens are equal, in time independent of where they differ.
pub(crate) fn same_token(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut difference = 0u8;
    for (x, y) in a.bytes().zip(b.bytes()) {
        difference |= x ^ y;
    }
    std::hint::black_box(difference) == 0
}
