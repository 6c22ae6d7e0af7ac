//! Schema migrations: the numbered files of `migrations/`, embedded by `build.rs`, applied in
//! order when a database is opened. The database records each one with a checksum, so a landed
//! migration edited afterwards is caught rather than silently diverging.

use super::StoreError;
use rusqlite::{Connection, TransactionBehavior};
use sha2::{Digest, Sha256};

/// One migration file.
pub struct Migration {
    /// Its number, from 1.
    pub version: u32,
    /// Its file name.
    pub name: &'static str,
    /// Its SQL.
    pub sql: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

pub(super) fn checksum(sql: &str) -> String {
    super::chain::lower_hex(&Sha256::digest(sql.as_bytes()))
}

/// Whether every migration this binary knows is recorded in the database with its checksum: a
/// plain read, so that opening an up-to-date log never waits for another process's write.
pub fn up_to_date(conn: &Connection) -> Result<bool, StoreError> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |row| row.get(0),
    )?;
    if !exists {
        return Ok(false);
    }
    let applied: Vec<(u32, String)> = conn
        .prepare("SELECT version, checksum FROM schema_migrations ORDER BY version")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let known: Vec<(u32, String)> = MIGRATIONS
        .iter()
        .map(|m| (m.version, checksum(m.sql)))
        .collect();
    Ok(applied == known)
}

/// Whether the database is a dyad log: it records its migrations.
pub fn is_dyad_log(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |row| row.get(0),
    )?)
}

/// Refuses a database that holds anything but a dyad log: a mistyped path must not grow dyad's
/// tables inside another program's file.
fn refuse_foreign(conn: &Connection) -> Result<(), StoreError> {
    if is_dyad_log(conn)? {
        return Ok(());
    }
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 6",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    if names.is_empty() {
        return Ok(());
    }
    Err(StoreError::Foreign {
        tables: names.join(", "),
    })
}

/// Brings the database up to date, in one immediate transaction so that processes opening a new
/// file at the same time do not both migrate it. An up-to-date log is only read.
pub fn apply(conn: &mut Connection, applied_at: &str) -> Result<(), StoreError> {
    if up_to_date(conn)? {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    refuse_foreign(&tx)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             checksum   TEXT NOT NULL,
             applied_at TEXT NOT NULL
         );",
    )?;
    let applied: Vec<(u32, String, String)> = tx
        .prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (version, name, recorded_checksum) in &applied {
        let Some(known) = MIGRATIONS.iter().find(|m| m.version == *version) else {
            return Err(StoreError::Migration(format!(
                "the log was written by a newer dyad (it has migration {version} {name}); upgrade dyad"
            )));
        };
        if checksum(known.sql) != *recorded_checksum {
            return Err(StoreError::Migration(format!(
                "migration {} was edited after it was applied to this log; landed migrations \
                 must never change (add a new numbered migration instead)",
                known.name
            )));
        }
    }
    for migration in MIGRATIONS
        .iter()
        .filter(|m| !applied.iter().any(|(v, _, _)| *v == m.version))
    {
        tx.execute_batch(migration.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
            (
                migration.version,
                migration.name,
                checksum(migration.sql),
                applied_at,
            ),
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The triggers that keep the log append-only, each with its SQL, as the migrations create
/// them: read from a database migrated in memory, so that they are never written out twice.
pub fn log_guards() -> Result<&'static [(String, String)], StoreError> {
    static GUARDS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    if let Some(guards) = GUARDS.get() {
        return Ok(guards);
    }
    let mut conn = Connection::open_in_memory()?;
    apply(&mut conn, "")?;
    let guards = triggers_of_the_log(&conn)?;
    Ok(GUARDS.get_or_init(|| guards))
}

/// The triggers on `events` in a database, by name, with their SQL.
pub fn triggers_of_the_log(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events' \
             ORDER BY name",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Landed migrations are never edited: their checksums are pinned here when they land.
    #[test]
    fn landed_migrations_are_unchanged() {
        let pinned = [
            (
                1,
                "0001_events.sql",
                "6a0477d7419cbb75c4b129b5876d08e9d3c9d5fdc46f6d611eab963c557cfd74",
            ),
            (
                2,
                "0002_amendments_index.sql",
                "bd8e9d64e6f943dcc56c933afa0a7ddb6d6f127bfdeec81b8bfa410fda26f8b8",
            ),
            (
                3,
                "0003_checkpoints.sql",
                "b31685c334778842affd3dad2efa37f150573ac434506d1e1ba539dcbf1f5d42",
            ),
        ];
        for (version, name, sum) in pinned {
            let migration = MIGRATIONS
                .iter()
                .find(|m| m.version == version)
                .unwrap_or_else(|| panic!("migration {version} is missing"));
            assert_eq!(migration.name, name);
            assert_eq!(checksum(migration.sql), sum, "{name} was edited");
        }
    }
}
