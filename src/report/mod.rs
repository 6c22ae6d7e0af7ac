//! Rendering: readable tables for people and JSON for scripts. Takes results from the projection
//! and the app layer and writes them to any `io::Write`; computes nothing of its own and never
//! touches the store.

pub mod json;
pub mod text;
