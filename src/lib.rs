//! dyad: an event-sourced tracker of the relationship between two states.
//!
//! Every reported statement or action is an immutable event in an append-only, hash-chained log.
//! Projections fold the log into the relationship's status under each pillar of a framework.
//!
//! Data flows one way, and the modules follow it:
//!
//! - [`ingest`]: reads input (NDJSON of events) into domain inputs, naming the line at fault.
//! - [`domain`]: what an event is, the actor and action codes, the framework, validation, the clock.
//! - [`store`]: the [`store::EventStore`] trait and its SQLite implementation, migrations, the
//!   hash chain. The only module that speaks SQL.
//! - [`projection`]: pure folds of events into status.
//! - [`report`]: renders results as tables for people and JSON for scripts.
//! - [`app`]: the use cases (append, log, status, verify) composing the layers above.
//! - [`cli`]: argument parsing and exit codes; `main.rs` only calls it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod app;
pub mod cli;
pub mod domain;
pub mod ingest;
pub mod projection;
pub mod report;
pub mod server;
pub mod store;
