//! Witnessed heads: a small signed statement that a log held a head (its hash) at a position at
//! a time, so that truncating the log's tail or rewriting its whole chain, which an unkeyed hash
//! chain cannot reveal by itself, is caught by anyone who kept a statement.
//!
//! `dyad keygen` makes an Ed25519 key (ed25519-dalek); `dyad head --sign KEYFILE` writes a
//! statement; `dyad verify --witness FILE…` checks that the log still holds each witnessed head
//! at its position; `dyad serve --head-key KEYFILE` publishes a freshly signed head at `/v1/head`.
//!
//! A statement is one JSON object: `{"format":"dyad-head-1","position":N,"head_hash":H,
//! "signed_at":T,"signer":K,"signature":S}`, `K` the signer's public key and `S` the signature,
//! both lower-case hex. What is signed is the text `dyad-head-1`, then position, head hash,
//! signed_at and signer, each on its own line ([`SignedHead::message`]).

use crate::store::chain::lower_hex;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::Path;
use thiserror::Error;

/// The format tag of a statement; a new shape gets a new tag.
pub const HEAD_FORMAT: &str = "dyad-head-1";

/// The largest key or statement file read: both are well under a kilobyte.
const MAX_FILE_BYTES: u64 = 4096;

/// Why a key or a statement cannot be used.
#[derive(Debug, Error)]
pub enum WitnessError {
    /// A file could not be read or written.
    #[error("{path}: {problem}")]
    File {
        /// The file.
        path: String,
        /// What went wrong.
        problem: String,
    },
    /// A key file does not hold a key.
    #[error(
        "{path} does not hold a dyad signing key (64 hex digits, as `dyad keygen` writes): {problem}"
    )]
    Key {
        /// The file.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// A statement is malformed, or its signature does not check.
    #[error("{origin}: {problem}")]
    Statement {
        /// Where it came from (a file, line).
        origin: String,
        /// What is wrong.
        problem: String,
    },
    /// The system gave no randomness for a new key.
    #[error("cannot draw a random key: {0}")]
    Random(String),
}

/// A head of the log as a signer saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedHead {
    /// [`HEAD_FORMAT`].
    pub format: String,
    /// The log's last position when it was signed.
    pub position: u64,
    /// The hash of the event at that position.
    pub head_hash: String,
    /// When it was signed (RFC 3339, UTC).
    pub signed_at: String,
    /// The signer's public key (64 hex digits).
    pub signer: String,
    /// The Ed25519 signature of [`SignedHead::message`] (128 hex digits).
    pub signature: String,
}

impl SignedHead {
    /// The bytes signed.
    pub fn message(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n{}",
            self.format, self.position, self.head_hash, self.signed_at, self.signer
        )
    }

    /// Reads a statement (one JSON object), checking its signature against the key it names.
    pub fn parse(text: &str, origin: &str) -> Result<Self, WitnessError> {
        let fail = |problem: String| WitnessError::Statement {
            origin: origin.to_string(),
            problem,
        };
        let head: SignedHead = serde_json::from_str(text.trim())
            .map_err(|e| fail(format!("not a signed head: {e}")))?;
        if head.format != HEAD_FORMAT {
            return Err(fail(format!(
                "format `{}` is not {HEAD_FORMAT}",
                head.format
            )));
        }
        let signer = VerifyingKey::from_bytes(
            &hex_bytes::<32>(&head.signer)
                .ok_or_else(|| fail("signer: not a public key".into()))?,
        )
        .map_err(|e| fail(format!("signer: {e}")))?;
        let signature = Signature::from_bytes(
            &hex_bytes::<64>(&head.signature)
                .ok_or_else(|| fail("signature: not 128 hex digits".into()))?,
        );
        signer
            .verify_strict(head.message().as_bytes(), &signature)
            .map_err(|_| fail("the signature does not match the statement".into()))?;
        Ok(head)
    }

    /// Reads a statement file.
    pub fn load(path: &Path) -> Result<Self, WitnessError> {
        Self::parse(&read_small(path)?, &path.display().to_string())
    }
}

/// An Ed25519 signing key.
pub struct WitnessKey(SigningKey);

impl WitnessKey {
    /// A new key from the system's randomness.
    pub fn generate() -> Result<Self, WitnessError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| WitnessError::Random(e.to_string()))?;
        Ok(Self(SigningKey::from_bytes(&seed)))
    }

    /// Reads a key file written by [`WitnessKey::save`].
    pub fn load(path: &Path) -> Result<Self, WitnessError> {
        let text = read_small(path)?;
        let seed = hex_bytes::<32>(text.trim()).ok_or_else(|| WitnessError::Key {
            path: path.display().to_string(),
            problem: "not 64 hex digits".into(),
        })?;
        Ok(Self(SigningKey::from_bytes(&seed)))
    }

    /// Writes the secret key to `path`, readable by its owner only, never over an existing file;
    /// and the public key beside it, in `path.pub`.
    pub fn save(&self, path: &Path) -> Result<(), WitnessError> {
        let fail = |path: &Path, e: std::io::Error| WitnessError::File {
            path: path.display().to_string(),
            problem: format!("cannot write it: {e}"),
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| fail(path, e))?;
        writeln!(file, "{}", lower_hex(&self.0.to_bytes())).map_err(|e| fail(path, e))?;
        let mut public = path.as_os_str().to_owned();
        public.push(".pub");
        let public = Path::new(&public);
        std::fs::write(public, format!("{}\n", self.public_key())).map_err(|e| fail(public, e))
    }

    /// The public key, in hex: what a statement names as its signer.
    pub fn public_key(&self) -> String {
        lower_hex(self.0.verifying_key().as_bytes())
    }

    /// Signs the head at `position` with hash `head_hash`, seen at `now`.
    pub fn sign(&self, position: u64, head_hash: &str, now: DateTime<Utc>) -> SignedHead {
        let mut head = SignedHead {
            format: HEAD_FORMAT.to_string(),
            position,
            head_hash: head_hash.to_string(),
            signed_at: crate::store::format_recorded_at(now),
            signer: self.public_key(),
            signature: String::new(),
        };
        head.signature = lower_hex(&self.0.sign(head.message().as_bytes()).to_bytes());
        head
    }
}

impl Clone for WitnessKey {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl std::fmt::Debug for WitnessKey {
    // The secret never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WitnessKey({})", self.public_key())
    }
}

/// A small file, refused beyond [`MAX_FILE_BYTES`] (a key or statement never is that long).
fn read_small(path: &Path) -> Result<String, WitnessError> {
    let fail = |problem: String| WitnessError::File {
        path: path.display().to_string(),
        problem,
    };
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| fail(format!("cannot read it: {e}")))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(format!("larger than {MAX_FILE_BYTES} bytes")));
    }
    Ok(text)
}

/// `N` bytes from exactly `2N` hex digits.
fn hex_bytes<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
        let pair = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_statement_checks_only_as_signed() {
        let key = WitnessKey(SigningKey::from_bytes(&[7; 32]));
        let now = Utc
            .with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
            .single()
            .expect("instant");
        let head = key.sign(18, &"ab".repeat(32), now);
        let text = serde_json::to_string(&head).expect("serialises");
        assert_eq!(SignedHead::parse(&text, "test").expect("checks"), head);
        let moved = text.replace("\"position\":18", "\"position\":17");
        assert!(SignedHead::parse(&moved, "test").is_err());
    }
}
