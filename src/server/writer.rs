//! The writer: one thread that owns the log's write connection and is the only one to append.
//!
//! Requests arrive on a channel. With group commit on, the writer takes the first request, then
//! everything else already queued (up to a cap), and appends them all in one transaction
//! ([`Tracker::append_group`]: each request's batch recorded or refused on its own, all made
//! durable by one commit and so one WAL sync). Only then is each request answered, so a `201`
//! always follows a durable commit. Appends arriving while a transaction commits wait in the
//! queue and form the next group: under load the group grows by itself, and a lone request is
//! committed at once (no timer, no added latency).
//!
//! With group commit off, each request is its own transaction (the naive way, for comparison).
//!
//! After each commit the newly recorded events are published on a `broadcast` channel for the
//! event-stream subscribers, in log order.

use super::metrics::Metrics;
use crate::app::{Amended, AppError, AppendSummary, Tracker};
use crate::domain::event::{Event, LoggedEvent};
use crate::report;
use crate::store::Appended;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::{broadcast, mpsc, oneshot};

/// Most append requests in one group commit.
pub const MAX_GROUP_REQUESTS: usize = 512;
/// A group stops growing once it holds this many events.
const MAX_GROUP_EVENTS: usize = 20_000;

/// An event just committed, as `log --json` prints it.
#[derive(Debug, Clone)]
pub(crate) struct Committed {
    /// Its position.
    pub position: u64,
    /// Its JSON.
    pub json: String,
}

/// What the writer answers an append with.
pub(crate) type AppendResult = Result<AppendSummary, WriteError>;

/// Why an append was not recorded.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// This request was refused or failed on its own.
    App(AppError),
    /// The transaction of its group failed (the database failed): nothing of it was written.
    Group(String),
}

/// One append request.
pub(crate) struct AppendJob {
    pub events: Vec<Event>,
    pub expected_version: Option<u64>,
    pub reply: oneshot::Sender<AppendResult>,
}

/// A write the web desk makes on the writer thread (a correction, an inbox decision...), with
/// the writer's tracker; it answers through its own channel. The events it records are
/// published to the subscribers like those of an append.
pub(crate) type Task = Box<dyn FnOnce(&mut Tracker) + Send>;

pub(crate) enum Message {
    Append(AppendJob),
    /// Run a task alone, between two groups.
    Run(Task),
    /// Answer everything queued before this, then stop.
    Stop,
}

/// The writer thread.
pub(crate) struct Writer {
    tracker: Tracker,
    queue: mpsc::Receiver<Message>,
    group_commit: bool,
    published: broadcast::Sender<Arc<[Committed]>>,
    metrics: Arc<Metrics>,
}

impl Writer {
    pub fn new(
        tracker: Tracker,
        queue: mpsc::Receiver<Message>,
        group_commit: bool,
        published: broadcast::Sender<Arc<[Committed]>>,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            tracker,
            queue,
            group_commit,
            published,
            metrics,
        }
    }

    /// Runs until `Stop` arrives or every sender is gone, answering every request queued before.
    pub fn run(mut self) {
        let mut stopping = false;
        while !stopping {
            let mut jobs = match self.queue.blocking_recv() {
                Some(Message::Append(job)) => vec![job],
                Some(Message::Run(task)) => {
                    self.run_task(task);
                    continue;
                }
                Some(Message::Stop) | None => break,
            };
            if self.group_commit {
                let mut events = jobs[0].events.len();
                while jobs.len() < MAX_GROUP_REQUESTS && events < MAX_GROUP_EVENTS {
                    match self.queue.try_recv() {
                        Ok(Message::Append(job)) => {
                            events += job.events.len();
                            jobs.push(job);
                        }
                        Ok(Message::Run(task)) => {
                            // Kept in order: the group so far commits first.
                            self.commit(std::mem::take(&mut jobs));
                            self.run_task(task);
                            break;
                        }
                        Ok(Message::Stop) => {
                            stopping = true;
                            break;
                        }
                        Err(_) => break,
                    }
                }
            }
            if !jobs.is_empty() {
                self.commit(jobs);
            }
        }
    }

    /// Runs a task, then publishes the events it recorded (read back from the log, with the
    /// names they were recorded under).
    fn run_task(&mut self, task: Task) {
        let before = self.tracker.head().map(|(position, _)| position);
        let recorder = self.tracker.recorder().clone();
        task(&mut self.tracker);
        // A task may record under another name; the API's appends stay the server's.
        self.tracker.set_recorder(recorder);
        let Ok(before) = before else {
            return;
        };
        let mut committed = Vec::new();
        let (framework, taxonomy) = (self.tracker.framework(), self.tracker.taxonomy());
        let read = self.tracker.events_after(before, |logged| {
            // As the appends above publish them: a report is never amended in the
            // transaction that records it, and an amendment carries no flags.
            let json = report::json::logged_event(logged, Amended::default(), framework, taxonomy);
            committed.push(Committed {
                position: logged.position,
                json: json.to_string(),
            });
        });
        if read.is_err() || committed.is_empty() {
            return;
        }
        self.metrics
            .events_appended
            .fetch_add(committed.len() as u64, Ordering::Relaxed);
        self.metrics.transactions.fetch_add(1, Ordering::Relaxed);
        let _ = self.published.send(committed.into());
    }

    /// Appends the jobs in one transaction (a lone job through the plain append), publishes what
    /// was recorded, and answers each job.
    fn commit(&mut self, jobs: Vec<AppendJob>) {
        let (batches, replies): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .map(|job| ((job.events, job.expected_version), job.reply))
            .unzip();
        let requests = replies.len() as u64;
        let results: Vec<AppendResult> = if batches.len() == 1 {
            batches
                .into_iter()
                .map(|(events, expected)| {
                    self.tracker
                        .append(events, expected)
                        .map_err(WriteError::App)
                })
                .collect()
        } else {
            match self.tracker.append_group(batches) {
                Ok(results) => results
                    .into_iter()
                    .map(|r| r.map_err(WriteError::App))
                    .collect(),
                Err(error) => {
                    let message = error.to_string();
                    eprintln!("dyad serve: a group commit failed: {message}");
                    (0..requests)
                        .map(|_| Err(WriteError::Group(message.clone())))
                        .collect()
                }
            }
        };
        if results.iter().any(Result::is_ok) {
            self.metrics.transactions.fetch_add(1, Ordering::Relaxed);
            self.metrics
                .transaction_requests
                .fetch_add(requests, Ordering::Relaxed);
        }
        self.publish(&results);
        for (reply, result) in replies.into_iter().zip(results) {
            // A requester that went away (its client disconnected) needs no answer.
            let _ = reply.send(result);
        }
    }

    /// Sends the newly recorded events to the subscribers (when there are any).
    fn publish(&self, results: &[AppendResult]) {
        let mut recorded = 0;
        let mut committed = Vec::new();
        let listening = self.published.receiver_count() > 0;
        for summary in results.iter().flatten() {
            let Some(recorded_at) = summary.receipt.recorded_at else {
                continue;
            };
            for (event, outcome) in summary.events.iter().zip(&summary.receipt.outcomes) {
                let Appended::Recorded { position, version } = *outcome else {
                    continue;
                };
                recorded += 1;
                if listening {
                    let logged = LoggedEvent {
                        position,
                        version,
                        recorded_at,
                        recorded_by: self.tracker.recorder().to_string(),
                        event: event.clone(),
                    };
                    // A report is never amended in the transaction that records it.
                    let json = report::json::logged_event(
                        &logged,
                        Amended::default(),
                        self.tracker.framework(),
                        self.tracker.taxonomy(),
                    );
                    committed.push(Committed {
                        position,
                        json: json.to_string(),
                    });
                }
            }
        }
        self.metrics
            .events_appended
            .fetch_add(recorded, Ordering::Relaxed);
        if !committed.is_empty() {
            committed.sort_by_key(|c| c.position);
            // No receiver left is not an error: nobody is listening.
            let _ = self.published.send(committed.into());
        }
    }
}
