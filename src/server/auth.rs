//! Bearer tokens. A token is kept only as its SHA-256 digest, so the server never holds (and so
//! can never log or print) the secret itself after start-up, and a presented token is compared
//! with it in constant time.
//!
//! Why digests and a hand-written loop rather than a crate: hashing both sides to 32 bytes removes
//! the length from the comparison (a byte-by-byte compare of the raw strings would leak it), and
//! the loop folds every byte's difference without branching, so its time does not depend on where
//! the first difference is. `std::hint::black_box` keeps the optimiser from turning the fold back
//! into an early exit. The `subtle` crate would add a dependency for these eight lines.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::Path;
use thiserror::Error;

/// A secret a client presents as `Authorization: Bearer <token>`.
#[derive(Clone)]
pub struct Token {
    digest: [u8; 32],
    /// Whose token it is: appends made with it are recorded as theirs.
    owner: Option<String>,
}

/// Why a token cannot be used.
#[derive(Debug, Error)]
pub enum TokenError {
    /// The token file cannot be read.
    #[error("cannot read the token file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The token is empty (or only whitespace).
    #[error("the token from {origin} is empty")]
    Empty {
        /// Where it came from (a file name or an environment variable).
        origin: String,
    },
    /// The token is not a valid header value.
    #[error("the token from {origin} has characters a bearer token cannot carry")]
    Invalid {
        /// Where it came from.
        origin: String,
    },
}

impl Token {
    /// A token from its text; surrounding whitespace (a file's final newline) is dropped.
    pub fn new(secret: &str, origin: &str) -> Result<Token, TokenError> {
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(TokenError::Empty {
                origin: origin.to_string(),
            });
        }
        if !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(TokenError::Invalid {
                origin: origin.to_string(),
            });
        }
        Ok(Token {
            digest: digest(secret.as_bytes()),
            owner: None,
        })
    }

    /// The token held in a file; its owner is the file's name without its extension
    /// (`/etc/dyad/ana.token` is Ana's).
    pub fn from_file(path: &Path) -> Result<Token, TokenError> {
        let read_error = |source| TokenError::Read {
            path: path.display().to_string(),
            source,
        };
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut std::io::Read::take(
                std::fs::File::open(path).map_err(read_error)?,
                MAX_TOKEN_FILE_BYTES + 1,
            ),
            &mut text,
        )
        .map_err(read_error)?;
        if text.len() as u64 > MAX_TOKEN_FILE_BYTES {
            return Err(read_error(std::io::Error::other(format!(
                "it is larger than {MAX_TOKEN_FILE_BYTES} bytes; a token file holds one token"
            ))));
        }
        let token = Token::new(&text, &path.display().to_string())?;
        Ok(Token {
            owner: path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned()),
            ..token
        })
    }

    /// Whose token it is, when known.
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// Whether `presented` is this token, in time independent of where they differ.
    pub fn matches(&self, presented: &str) -> bool {
        let presented = digest(presented.as_bytes());
        let mut difference = 0u8;
        for (a, b) in self.digest.iter().zip(presented.iter()) {
            difference |= a ^ b;
        }
        std::hint::black_box(difference) == 0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(..)")
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Read the log.
    Read,
    /// Append to it.
    Write,
}

/// Whether the request's bearer token grants `access`: writes need the write token when one is
/// configured; reads need the read token (or the write token) when a read token is configured.
pub(crate) fn allowed(
    headers: &HeaderMap,
    access: Access,
    write: Option<&Token>,
    read: Option<&Token>,
) -> bool {
    let presented = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer_token)
        .map(str::trim);
    let grants =
        |token: Option<&Token>| matches!((token, presented), (Some(t), Some(p)) if t.matches(p));
    match access {
        Access::Write => write.is_none() || grants(write),
        Access::Read => read.is_none() || grants(read) || grants(write),
    }
}

/// The token of an `Authorization` value: the scheme `Bearer` in any case (RFC 9110 makes auth
/// schemes case-insensitive), a space, the token.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

/// The largest token file read: a token is a line, never a megabyte (`/dev/zero` is refused).
const MAX_TOKEN_FILE_BYTES: u64 = 4096;

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn bearer(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_str(&format!("Bearer {token}")).expect("header");
        headers.insert(AUTHORIZATION, value);
        headers
    }

    #[test]
    fn only_the_exact_token_matches() {
        let token = Token::new("s3cret-token\n", "test").expect("token");
        assert!(token.matches("s3cret-token"));
        for wrong in ["", "s3cret-toke", "s3cret-token2", "S3cret-token"] {
            assert!(!token.matches(wrong), "{wrong}");
        }
    }

    #[test]
    fn empty_tokens_are_refused_and_debug_hides_the_digest() {
        assert!(matches!(
            Token::new(" \n", "x"),
            Err(TokenError::Empty { .. })
        ));
        let token = Token::new("abc", "x").expect("token");
        assert_eq!(format!("{token:?}"), "Token(..)");
    }

    #[test]
    fn the_scheme_bearer_in_lower_case_is_accepted() {
        let write = Token::new("w", "x").expect("token");
        for value in ["bearer w", "BEARER w", "Bearer w", "bEaReR w"] {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, HeaderValue::from_static(value));
            assert!(
                allowed(&headers, Access::Write, Some(&write), None),
                "{value}"
            );
        }
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic w"));
        assert!(!allowed(&headers, Access::Write, Some(&write), None));
    }

    #[test]
    fn writes_need_the_write_token_and_reads_accept_either() {
        let write = Token::new("w", "x").expect("token");
        let read = Token::new("r", "x").expect("token");
        let (w, r) = (Some(&write), Some(&read));
        assert!(allowed(&bearer("w"), Access::Write, w, r));
        assert!(!allowed(&bearer("r"), Access::Write, w, r));
        assert!(!allowed(&HeaderMap::new(), Access::Write, w, r));
        assert!(allowed(&bearer("r"), Access::Read, w, r));
        assert!(allowed(&bearer("w"), Access::Read, w, r));
        assert!(!allowed(&HeaderMap::new(), Access::Read, w, r));
        assert!(allowed(&HeaderMap::new(), Access::Read, w, None));
        assert!(allowed(&HeaderMap::new(), Access::Write, None, None));
    }
}
