//! Who records an event: the analyst at the command line (`--as NAME`, else `$DYAD_USER`, else
//! the system user), or the owner of the service's token. The store keeps the name beside
//! `recorded_at`, in the envelope the hash chain covers; like `recorded_at`, no event input can
//! set it. Events recorded before dyad kept it read as [`UNKNOWN_RECORDER`].

use super::ValidationError;
use serde::Serialize;

/// How an event recorded before dyad kept names reads (and who records when nobody is named).
pub const UNKNOWN_RECORDER: &str = "unknown";

/// The longest name kept.
pub const MAX_RECORDER_CHARS: usize = 100;

/// A checked name of whoever records events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Recorder(String);

impl Recorder {
    /// A name: not blank, at most [`MAX_RECORDER_CHARS`] characters, no control characters.
    pub fn parse(name: &str) -> Result<Recorder, ValidationError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ValidationError::new(
                "--as",
                "the name of who records is blank; give a name with --as or $DYAD_USER",
            ));
        }
        if name.chars().count() > MAX_RECORDER_CHARS {
            return Err(ValidationError::new(
                "--as",
                format!("the name is longer than {MAX_RECORDER_CHARS} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "--as",
                "the name holds a control character",
            ));
        }
        Ok(Recorder(name.to_string()))
    }

    /// Nobody named.
    pub fn unknown() -> Recorder {
        Recorder(UNKNOWN_RECORDER.to_string())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(Recorder::parse(" ana ").map(|r| r.0), Ok("ana".to_string()));
        assert!(Recorder::parse("  ").is_err());
        assert!(Recorder::parse("a\nb").is_err());
        assert!(Recorder::parse(&"x".repeat(MAX_RECORDER_CHARS + 1)).is_err());
    }
}
