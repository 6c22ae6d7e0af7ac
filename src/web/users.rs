//! The people of the web desk: a file naming each person, their role and the SHA-256 of their
//! token. The file never holds a token, so reading it (or a backup of it) gives no one a way in.
//!
//! One person a line, three fields separated by spaces or tabs; `#` starts a comment:
//!
//! ```text
//! # name   role   sha256 of the token (64 hex digits)
//! ana      write  9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//! boris    read   60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752
//! ```
//!
//! `read` may open every page; `write` may also record (append, correct, retract,
//! corroborate, decide the inbox). A name is what the person's writes are recorded by
//! (`recorded_by`), so it follows the rules of `--as`. The hash of a token is what
//! `printf '%s' "$TOKEN" | sha256sum` prints (or `dyad token-hash`, which reads it from stdin).

use crate::domain::recorder::Recorder;
use sha2::{Digest, Sha256};
use std::path::Path;

/// What a person may do on the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Read every page.
    Read,
    /// Read, and record.
    Write,
}

impl Role {
    /// `read` or `write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
        }
    }
}

/// One person of the desk.
#[derive(Debug, Clone)]
pub struct Person {
    /// Their name, as their writes are recorded.
    pub name: Recorder,
    /// What they may do.
    pub role: Role,
    digest: [u8; 32],
}

/// The people of the desk, from a users file.
#[derive(Debug, Clone, Default)]
pub struct Users {
    people: Vec<Person>,
}

/// The SHA-256 of a token in lower-case hex, as a users file holds it.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Users {
    /// Reads a users file; a line that does not follow the format is refused, naming it.
    pub fn load(path: &Path) -> Result<Users, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the users file {}: {e}", path.display()))?;
        Users::parse(&text).map_err(|e| format!("the users file {}: {e}", path.display()))
    }

    /// Reads the text of a users file.
    pub fn parse(text: &str) -> Result<Users, String> {
        let mut people: Vec<Person> = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [name, role, hash] = fields.as_slice() else {
                return Err(format!(
                    "line {number}: expected `NAME ROLE SHA256` (three fields), found {}",
                    fields.len()
                ));
            };
            let name = Recorder::parse(name).map_err(|e| format!("line {number}: {e}"))?;
            let role = match *role {
                "read" => Role::Read,
                "write" => Role::Write,
                other => {
                    return Err(format!(
                        "line {number}: the role `{other}` is not `read` or `write`"
                    ));
                }
            };
            let digest = parse_digest(hash).ok_or_else(|| {
                format!("line {number}: `{hash}` is not a SHA-256 (64 hex digits)")
            })?;
            if people.iter().any(|p| p.name == name) {
                return Err(format!("line {number}: {name} is named twice"));
            }
            if people.iter().any(|p| p.digest == digest) {
                return Err(format!(
                    "line {number}: this hash is another person's too; give each a token of their own"
                ));
            }
            people.push(Person { name, role, digest });
        }
        if people.is_empty() {
            return Err("it names nobody".into());
        }
        Ok(Users { people })
    }

    /// The person whose token this is, compared in time independent of where digests differ.
    pub fn find(&self, token: &str) -> Option<&Person> {
        let presented: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
        let mut found = None;
        for person in &self.people {
            let mut difference = 0u8;
            for (a, b) in person.digest.iter().zip(presented.iter()) {
                difference |= a ^ b;
            }
            if std::hint::black_box(difference) == 0 {
                found = Some(person);
            }
        }
        found
    }
}

fn parse_digest(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut digest = [0u8; 32];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_users_file_names_people_by_the_hash_of_their_token() {
        let text = format!(
            "# desk\nana write {}\n\nboris\tread {}  # reader\n",
            token_hash("ana-secret"),
            token_hash("boris-secret")
        );
        let users = Users::parse(&text).expect("users");
        let ana = users.find("ana-secret").expect("ana");
        assert_eq!((ana.name.as_str(), ana.role), ("ana", Role::Write));
        assert_eq!(users.find("boris-secret").map(|p| p.role), Some(Role::Read));
        assert!(users.find("ana-secre").is_none());
    }

    #[test]
    fn a_bad_line_is_refused_with_its_number() {
        for (text, wanted) in [
            ("ana write\n", "line 1: expected"),
            ("ana admin 00\n", "is not `read` or `write`"),
            ("ana write abc\n", "is not a SHA-256"),
            ("# nobody\n", "names nobody"),
        ] {
            let error = Users::parse(text).expect_err(text);
            assert!(error.contains(wanted), "{error}");
        }
        let hash = token_hash("t");
        let twice = format!("ana write {hash}\nbob read {hash}\n");
        assert!(Users::parse(&twice).is_err());
    }
}
