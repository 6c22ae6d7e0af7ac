//! Ingest: turns outside input into domain events: NDJSON (validated, naming the line and field
//! at fault) and news articles (the coder proposes events; a person or `--commit` appends them).
//!
//! Owns input formats and their limits (NDJSON today, line by line for imports). Validation rules themselves belong to the
//! domain; this module only locates errors in the input. It never writes to the store.

pub mod article;
pub mod clause;
pub mod coder;
pub mod dictionary;
pub mod evaluation;
pub mod json;
pub mod ndjson;

pub use ndjson::{
    ImportLine, InputError, LineError, Lines, parse_append_line, parse_import_line, read_events,
};
