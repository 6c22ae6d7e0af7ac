//! The domain: what an event is, the codes it is written in, the framework that gives it a
//! pillar, and the rules that make an input a valid event.
//!
//! Owns validation and interpretation (derived pillar and intensity). Knows nothing of storage,
//! SQL, or output formats: the store hands it primitive parts, the report module renders it.

pub mod clock;
pub mod event;
pub mod framework;
pub mod recorder;
pub mod taxonomy;

use thiserror::Error;

/// Why an input is not a valid event: the field at fault and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("field `{field}`: {problem}")]
pub struct ValidationError {
    /// The JSON path of the field, e.g. `source.published_on`.
    pub field: String,
    /// What is wrong and what was expected.
    pub problem: String,
}

impl ValidationError {
    /// A validation error on `field`.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }
}
