//! dyad: an event-sourced tracker of the relationship between two states.
//!
//! Every reported statement or action is an immutable event in an append-only, hash-chained log.
//! Projections fold the log into the relationship's status under each pillar of a framework.
//!
//! Data flows one way, and the modules follow it:
//!
//! - [`field`]: the field's event data (GDELT, ICEWS, PLOVER/POLECAT) read into dyad's events,
//!   through a documented mapping of CAMEO codes and PLOVER types to dyad's actions.
//! - [`ingest`]: reads input into domain inputs: NDJSON of events (naming the line at fault,
//!   line by line for imports) and news articles (the coder proposes events).
//! - [`domain`]: what an event is, the actor and action codes, the framework, validation, the clock.
//! - [`store`]: the [`store::EventStore`] trait and its SQLite implementation, migrations, the
//!   hash chain, checkpoints, and the inbox's tables beside the log. The only module that speaks
//!   SQL.
//! - [`projection`]: pure folds of events into status (at any date), explanations, amendments.
//! - [`report`]: renders results: tables for people, JSON and CSV for scripts, reports in
//!   Markdown and HTML with SVG charts.
//! - [`parse`]: the tagger, lemmatizer and dependency parser (trained on UD English EWT) whose
//!   trees the news coder reads.
//! - [`inbox`]: the coder's proposals waiting for review beside the log: list, edit, accept
//!   (through the same validation and append as `dyad append`), reject (remembered).
//! - [`app`]: the use cases (append, import, ingest, correct, retract, corroborate, log, export,
//!   status, replay, explain, diff, report, verify) composing the layers above.
//! - [`witness`]: signed heads (Ed25519): a statement that the log held a hash at a position,
//!   which `verify --witness` checks, so that a cut or rewritten log is caught.
//! - [`server`]: `dyad serve`, the HTTP service over the same use cases.
//! - [`web`]: the web desk `dyad serve` answers at `/`: pages for analysts, sign-in, sessions,
//!   roles and CSRF tokens, over the same use cases as the CLI.
//! - [`cli`]: argument parsing and exit codes; `main.rs` only calls it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod app;
pub mod cli;
pub mod domain;
pub mod field;
pub mod inbox;
pub mod ingest;
pub mod parse;
pub mod projection;
pub mod report;
pub mod server;
pub mod store;
pub mod web;
pub mod witness;
