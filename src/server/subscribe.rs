//! `GET /v1/events/stream`: a catch-up subscription over Server-Sent Events.
//!
//! The order of steps is what makes the switch from stored to live events exact:
//!
//! 1. subscribe to the writer's broadcast of committed events, *first*;
//! 2. read the stored events after the client's position from a read connection, and send them;
//! 3. forward live events, skipping any at or before the last position sent.
//!
//! The writer publishes an event only after its commit, so an event committed before step 1 is
//! in the store when step 2 reads it, and one committed after step 1 is in the broadcast: none is
//! missed, and the overlap (committed before step 2's read, published after step 1) is dropped by
//! position. A live event beyond the next position (another process appended to the file, or the
//! broadcast lagged and dropped messages) makes the feed read the gap from the store first. Events
//! another process appends reach the feed within a second even when the server itself appends
//! nothing: the server watches the file's last position (see `watch_head`) and the feed catches
//! up when it passes what was sent. Each
//! SSE event's `id` is its position, so a reconnecting client's `Last-Event-ID` resumes exactly.

use super::AppState;
use super::writer::Committed;
use crate::app::LogFilter;
use crate::report;
use axum::response::sse::Event as SseEvent;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc};

/// Stored events read per round trip to a read connection.
const PAGE: usize = 500;
/// SSE events buffered per subscriber before the feed waits for the client.
const BUFFER: usize = 256;

/// Counts a subscriber while its stream lives.
pub(crate) struct SubscriberGuard {
    state: AppState,
}

impl SubscriberGuard {
    /// A place among the subscribers, if the limit allows one more.
    pub fn acquire(state: &AppState) -> Option<SubscriberGuard> {
        let metrics = &state.metrics;
        let limit = state.limits.max_subscribers as i64;
        let mut current = metrics.subscribers.load(Ordering::Relaxed);
        loop {
            if current >= limit {
                return None;
            }
            match metrics.subscribers.compare_exchange(
                current,
                current + 1,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Some(SubscriberGuard {
                        state: state.clone(),
                    });
                }
                Err(actual) => current = actual,
            }
        }
    }
}

impl Drop for SubscriberGuard {
    fn drop(&mut self) {
        self.state
            .metrics
            .subscribers
            .fetch_sub(1, Ordering::AcqRel);
    }
}

/// Starts the feed of events after `after`; the receiver yields the SSE events to send.
pub(crate) fn start(state: &AppState, after: u64) -> mpsc::Receiver<SseEvent> {
    let live = state.published.subscribe();
    let (sender, receiver) = mpsc::channel(BUFFER);
    tokio::spawn(feed(state.clone(), live, after, sender));
    receiver
}

/// Why the feed ended.
enum End {
    /// The client went away, or the server is stopping.
    Closed,
    /// The store could not be read.
    Failed(String),
}

async fn feed(
    state: AppState,
    mut live: broadcast::Receiver<Arc<[Committed]>>,
    after: u64,
    sender: mpsc::Sender<SseEvent>,
) {
    let mut stopping = state.stopping.clone();
    let mut head = state.head.clone();
    let mut last = after;
    let run = async {
        catch_up(&state, &mut last, None, &sender).await?;
        loop {
            let batch = tokio::select! {
                received = live.recv() => received,
                Ok(()) = head.changed() => {
                    // Another process appended to the file: read what it wrote.
                    if *head.borrow_and_update() > last {
                        catch_up(&state, &mut last, None, &sender).await?;
                    }
                    continue;
                }
                () = sender.closed() => return Err(End::Closed),
            };
            match batch {
                Ok(batch) => {
                    for committed in batch.iter() {
                        if committed.position <= last {
                            continue;
                        }
                        if committed.position > last + 1 {
                            catch_up(&state, &mut last, Some(committed.position - 1), &sender)
                                .await?;
                        }
                        send(&sender, committed.position, committed.json.clone()).await?;
                        last = committed.position;
                    }
                }
                Err(RecvError::Lagged(_)) => catch_up(&state, &mut last, None, &sender).await?,
                Err(RecvError::Closed) => return Err(End::Closed),
            }
        }
    };
    let ended: Result<(), End> = tokio::select! {
        ended = run => ended,
        _ = stopping.wait_for(|stop| *stop) => Err(End::Closed),
    };
    if let Err(End::Failed(problem)) = ended {
        // The client reconnects with Last-Event-ID and resumes where this feed stopped.
        eprintln!("dyad serve: an event stream ended: {problem}");
    }
}

/// Sends the stored events after `last` (up to `until`), page by page, advancing `last`.
async fn catch_up(
    state: &AppState,
    last: &mut u64,
    until: Option<u64>,
    sender: &mpsc::Sender<SseEvent>,
) -> Result<(), End> {
    loop {
        let after = *last;
        let page = state
            .reads
            .run(move |tracker| {
                let filter = LogFilter {
                    after_position: Some(after),
                    ..LogFilter::default()
                };
                let mut page = Vec::new();
                let (framework, taxonomy) = (tracker.framework(), tracker.taxonomy());
                tracker.log(&filter, |logged, amended| {
                    if until.is_some_and(|until| logged.position > until) {
                        return ControlFlow::Break(());
                    }
                    let json = report::json::logged_event(logged, amended, framework, taxonomy);
                    page.push((logged.position, json.to_string()));
                    if page.len() < PAGE {
                        ControlFlow::Continue(())
                    } else {
                        ControlFlow::Break(())
                    }
                })?;
                Ok(page)
            })
            .await
            .map_err(|e| End::Failed(e.to_string()))?;
        let full = page.len() == PAGE;
        for (position, json) in page {
            send(sender, position, json).await?;
            *last = position;
        }
        if !full {
            return Ok(());
        }
    }
}

async fn send(sender: &mpsc::Sender<SseEvent>, position: u64, json: String) -> Result<(), End> {
    let event = SseEvent::default().id(position.to_string()).data(json);
    sender.send(event).await.map_err(|_| End::Closed)
}
