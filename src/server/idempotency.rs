//! `Idempotency-Key`: a retried append request with the same key gets the first answer back,
//! byte for byte, instead of a second answer (which would say `already_recorded`).
//!
//! The map is in memory, per server process, and bounded by keys and by the bytes of the answers
//! it keeps (an answer to a batch of 10,000 events is megabytes): the oldest keys are forgotten
//! first, and an answer larger than the whole bound is not kept.
//! Event ids already make a retry write nothing; the key only makes the answer the same, so
//! losing the map on restart never duplicates an event.

use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// The longest key accepted.
pub(crate) const MAX_KEY_BYTES: usize = 200;

/// A recorded answer.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: String,
}

#[derive(Debug)]
enum Entry {
    Pending { request: [u8; 32] },
    Done { request: [u8; 32], answer: Answer },
}

/// What to do with a request carrying a key.
#[derive(Debug)]
pub(crate) enum Claim {
    /// First time: run it, then [`IdempotencyCache::complete`] or [`IdempotencyCache::abandon`].
    Run,
    /// Answered before: send this.
    Replay(Answer),
    /// The first request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

/// The bounded map of keys to answers.
#[derive(Debug)]
pub(crate) struct IdempotencyCache {
    capacity: usize,
    max_bytes: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    order: VecDeque<String>,
    /// The bytes of the answers kept, with their keys.
    bytes: usize,
}

impl Inner {
    fn forget(&mut self, key: &str) {
        if let Some(Entry::Done { answer, .. }) = self.entries.remove(key) {
            self.bytes -= key.len() + answer.body.len();
        }
    }

    fn forget_oldest(&mut self) -> bool {
        match self.order.pop_front() {
            Some(oldest) => {
                self.forget(&oldest);
                true
            }
            None => false,
        }
    }
}

/// A fingerprint of the request a key stands for: its query and its body.
pub(crate) fn fingerprint(query: &str, body: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(query.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    hasher.finalize().into()
}

impl IdempotencyCache {
    /// A map remembering at most `capacity` keys and `max_bytes` of answers.
    pub fn new(capacity: usize, max_bytes: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            max_bytes,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Claims `key` for the request `request`.
    pub fn claim(&self, key: &str, request: [u8; 32]) -> Claim {
        let mut inner = self.lock();
        match inner.entries.get(key) {
            Some(Entry::Pending { request: first }) if *first == request => Claim::InProgress,
            Some(Entry::Done {
                request: first,
                answer,
            }) if *first == request => Claim::Replay(answer.clone()),
            Some(_) => Claim::Mismatch,
            None => {
                while inner.order.len() >= self.capacity && inner.forget_oldest() {}
                inner.order.push_back(key.to_string());
                inner
                    .entries
                    .insert(key.to_string(), Entry::Pending { request });
                Claim::Run
            }
        }
    }

    /// Records the answer to the claimed key.
    pub fn complete(&self, key: &str, request: [u8; 32], answer: Answer) {
        let mut inner = self.lock();
        if !inner.entries.contains_key(key) {
            return;
        }
        let size = key.len() + answer.body.len();
        if size > self.max_bytes {
            // Too large to keep: a retry runs again, and finds its events already recorded.
            inner.entries.remove(key);
            inner.order.retain(|k| k != key);
            return;
        }
        inner.forget(key);
        inner
            .entries
            .insert(key.to_string(), Entry::Done { request, answer });
        inner.bytes += size;
        while inner.bytes > self.max_bytes && inner.forget_oldest() {}
    }

    /// Forgets a claimed key whose request did not get a final answer (the server failed or is
    /// stopping): a retry runs again.
    pub fn abandon(&self, key: &str) {
        let mut inner = self.lock();
        if matches!(inner.entries.get(key), Some(Entry::Pending { .. })) {
            inner.forget(key);
            inner.order.retain(|k| k != key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> Answer {
        Answer {
            status: StatusCode::CREATED,
            body: body.to_string(),
        }
    }

    #[test]
    fn a_key_replays_its_first_answer_and_refuses_other_requests() {
        let cache = IdempotencyCache::new(10, 1 << 20);
        let (a, b) = (fingerprint("", b"a"), fingerprint("", b"b"));
        assert!(matches!(cache.claim("k", a), Claim::Run));
        assert!(matches!(cache.claim("k", a), Claim::InProgress));
        cache.complete("k", a, answer("first"));
        assert!(matches!(cache.claim("k", a), Claim::Replay(x) if x.body == "first"));
        assert!(matches!(cache.claim("k", b), Claim::Mismatch));
    }

    #[test]
    fn the_oldest_keys_are_forgotten_and_abandoned_keys_run_again() {
        let cache = IdempotencyCache::new(2, 1 << 20);
        let r = fingerprint("", b"r");
        for key in ["1", "2", "3"] {
            assert!(matches!(cache.claim(key, r), Claim::Run));
            cache.complete(key, r, answer(key));
        }
        assert!(matches!(cache.claim("1", r), Claim::Run), "forgotten");
        cache.abandon("1");
        assert!(matches!(cache.claim("1", r), Claim::Run), "abandoned");
        assert!(matches!(cache.claim("3", r), Claim::Replay(_)));
    }

    #[test]
    fn the_idempotency_cache_is_bounded_by_bytes_as_well_as_keys() {
        let cache = IdempotencyCache::new(1000, 100);
        let r = fingerprint("", b"r");
        for key in ["a", "b", "c"] {
            assert!(matches!(cache.claim(key, r), Claim::Run));
            cache.complete(key, r, answer(&"x".repeat(40)));
        }
        assert!(cache.lock().bytes <= 100, "{}", cache.lock().bytes);
        assert!(
            matches!(cache.claim("a", r), Claim::Run),
            "the oldest was forgotten"
        );
        assert!(matches!(cache.claim("c", r), Claim::Replay(_)));
        assert!(matches!(cache.claim("huge", r), Claim::Run));
        cache.complete("huge", r, answer(&"x".repeat(200)));
        assert!(
            matches!(cache.claim("huge", r), Claim::Run),
            "too large to keep"
        );
        assert!(
            matches!(cache.claim("c", r), Claim::Replay(_)),
            "and it evicted nothing"
        );
    }
}
