//! The PostgreSQL event store: the same rows, guarantees and hash chain as the SQLite store, for
//! a log that many processes on several machines write at once.
//!
//! - Appends are serialised by `LOCK TABLE events IN EXCLUSIVE MODE`, taken in the writer's own
//!   transaction: the database holds the lock, so writers anywhere take turns, and readers (who
//!   take no conflicting lock) never wait. Under the lock the writer reads the head, so positions
//!   and versions stay gapless.
//! - The append-only guards are triggers (`migrations/postgres/0004_guards_per_statement.sql`,
//!   which replaced `0002_guards.sql`'s row trigger by one per statement); the store
//!   refuses to append while one is missing, disabled or changed.
//! - Each store holds one connection; the service opens one store per worker, so a server's
//!   connections are its workers' (its readers are a pool of stores, lent one read at a time).
//!   A connection found closed (the server restarted, a DBA ended it) is opened again before
//!   the next use, and a read that found it closed runs once more on the new one: a read has no
//!   effect to repeat, while a write is never retried (its commit may have landed). Reads that stream the log fetch it in pages by position, up to
//!   the head seen when the scan began, so a visitor may use the store while it runs.
//! - TLS as the URL's `sslmode` asks ([`TlsMode`]), through rustls and the Mozilla roots; no
//!   `sslmode` stays plain, as it always was.
//! - Text columns hold exactly the text the hash covers, so the same events hash the same here
//!   and on SQLite, and `dyad copy` carries a log between them unchanged.

use super::chain::{GENESIS_HASH, checkpoint_digest, event_hash};
use super::migrations::{Migration, POSTGRES_MIGRATIONS, checksum};
use super::sqlite::{OpenMode, StoredCheckpoint};
use super::{
    AppendReceipt, Appended, BatchRequest, CheckpointProblem, EventStore, NewEvent, Scan,
    StoreError, StoredEvent, format_recorded_at,
};
use super::{Chunks, SameContent};
use crate::domain::clock::Clock;
use chrono::{DateTime, Utc};
use postgres::types::ToSql;
use postgres::{Client, GenericClient, NoTls, Row};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;
use uuid::Uuid;

/// How long a write waits for the check that its connection is alive.
const VALIDATION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// How many rows a scan fetches at a time.
const PAGE: i64 = 2_000;

/// The columns of a row of the log, in [`StoredEvent`]'s order.
const COLUMNS: &str = "position, stream, version, id, kind, schema_version, occurred_on, \
                       recorded_at, payload, prev_hash, hash, recorded_by";

/// Whether a `--db` value names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// The URL with its password replaced by `***`: what an error may print.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    // A password may also be given as a query parameter.
    let tail = tail
        .split('&')
        .map(|part| match part.split_once("password=") {
            Some((before, _)) if before.is_empty() || before.ends_with('?') => {
                format!("{before}password=***")
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{scheme}://{authority}{tail}")
}

/// How a connection uses TLS, as the URL's `sslmode` asks, with libpq's meanings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// `sslmode=disable`, or no `sslmode`: plain TCP, as before dyad spoke TLS. (libpq's default
    /// is `prefer`; dyad keeps a URL without `sslmode` meaning what it always meant.)
    Disable,
    /// `sslmode=prefer`: TLS if the server offers it, plain otherwise; the certificate is not
    /// checked.
    Prefer,
    /// `sslmode=require`: TLS or no connection. Encrypts, but like libpq does not check the
    /// certificate, so it does not prove who the server is.
    Require,
    /// `sslmode=verify-ca`: TLS, and the certificate must chain to a trusted root; its name is
    /// not compared with the host.
    VerifyCa,
    /// `sslmode=verify-full`: TLS, the certificate must chain to a trusted root and name the host.
    VerifyFull,
}

/// The TLS mode `url` asks for, and the URL as the `postgres` crate can parse it (which knows
/// no `verify-ca` or `verify-full`, so `sslmode` is taken out and set on the config instead).
/// An `sslmode` dyad does not know stays in the URL, so the crate's parser refuses it by name.
pub fn tls_mode(url: &str) -> (TlsMode, String) {
    let Some((base, query)) = url.split_once('?') else {
        return (TlsMode::Disable, url.to_string());
    };
    let mut mode = TlsMode::Disable;
    let mut kept = Vec::new();
    for part in query.split('&') {
        match part.split_once('=') {
            // As in libpq and the `postgres` crate, the last `sslmode` wins.
            Some(("sslmode", "disable")) => mode = TlsMode::Disable,
            Some(("sslmode", "prefer")) => mode = TlsMode::Prefer,
            Some(("sslmode", "require")) => mode = TlsMode::Require,
            Some(("sslmode", "verify-ca")) => mode = TlsMode::VerifyCa,
            Some(("sslmode", "verify-full")) => mode = TlsMode::VerifyFull,
            _ => kept.push(part),
        }
    }
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (mode, url)
}

/// Connects to `url` with the TLS its `sslmode` asks for; `name` may set the application name.
/// The password comes from the URL or `PGPASSWORD`; errors show the URL without it.
fn connect(url: &str, name: impl FnOnce(&mut postgres::Config)) -> Result<Client, StoreError> {
    let opening = |source: postgres::Error| StoreError::OpenPostgres {
        location: redacted(url),
        source,
    };
    let (mode, plain_url) = tls_mode(url);
    let mut config: postgres::Config = plain_url.parse().map_err(opening)?;
    if config.get_password().is_none()
        && let Ok(password) = std::env::var("PGPASSWORD")
    {
        config.password(password);
    }
    name(&mut config);
    let client = match mode {
        TlsMode::Disable => {
            config.ssl_mode(postgres::config::SslMode::Disable);
            config.connect(NoTls)
        }
        TlsMode::Prefer => {
            config.ssl_mode(postgres::config::SslMode::Prefer);
            config.connect(tls::connector(mode))
        }
        TlsMode::Require | TlsMode::VerifyCa | TlsMode::VerifyFull => {
            config.ssl_mode(postgres::config::SslMode::Require);
            config.connect(tls::connector(mode))
        }
    };
    client.map_err(opening)
}

/// TLS by rustls (no system OpenSSL), trusting the Mozilla roots that `webpki-roots` carries.
mod tls {
    use super::TlsMode;
    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{WebPkiSupportedAlgorithms, ring};
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{
        CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    };
    use std::sync::Arc;
    use tokio_postgres_rustls::MakeRustlsConnect;

    /// The connector for `mode` (never [`TlsMode::Disable`], which connects without one).
    pub(super) fn connector(mode: TlsMode) -> MakeRustlsConnect {
        let provider = Arc::new(ring::default_provider());
        let roots = Arc::new(RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        });
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            // ring offers the safe default versions, so this cannot fail.
            .unwrap_or_else(|_| unreachable!("ring supports TLS 1.2 and 1.3"));
        let config = match mode {
            TlsMode::VerifyFull => builder.with_root_certificates(roots).with_no_client_auth(),
            TlsMode::VerifyCa => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyName(
                    WebPkiServerVerifier::builder_with_provider(roots, provider)
                        .build()
                        .unwrap_or_else(|_| unreachable!("the Mozilla roots are not empty")),
                )))
                .with_no_client_auth(),
            TlsMode::Disable | TlsMode::Prefer | TlsMode::Require => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyCertificate(
                    provider.signature_verification_algorithms,
                )))
                .with_no_client_auth(),
        };
        MakeRustlsConnect::new(config)
    }

    /// `verify-ca`: the chain must lead to a trusted root, but the certificate need not name the
    /// host (libpq's meaning).
    #[derive(Debug)]
    struct AnyName(Arc<WebPkiServerVerifier>);

    impl ServerCertVerifier for AnyName {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            match self.0.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                // webpki checks the name only after the chain, so this error means the chain
                // held.
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.supported_verify_schemes()
        }
    }

    /// `prefer` and `require`: any certificate is taken (libpq's meaning: encryption, not proof
    /// of who the server is); the handshake's signatures are still checked against it.
    #[derive(Debug)]
    struct AnyCertificate(WebPkiSupportedAlgorithms);

    impl ServerCertVerifier for AnyCertificate {
        fn verify_server_cert(
            &self,
            _end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _server_name: &ServerName<'_>,
            _ocsp_response: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.supported_schemes()
        }
    }
}

/// An event log in a PostgreSQL database (in the schema the connection's `search_path` names
/// first, `public` by default).
pub struct PostgresStore {
    /// `None` only while the store is dropped.
    client: RefCell<Option<Client>>,
    /// Where to connect again when the connection is lost.
    url: String,
    clock: Arc<dyn Clock>,
    /// The batch being appended in chunks, inside an open transaction.
    chunks: Option<Chunks>,
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        if let Some(client) = self.client.get_mut().take() {
            close(client);
        }
    }
}

/// A client closes its connection by blocking on its own runtime, which tokio forbids on a
/// thread that drives async tasks (where the service may drop its last reader): there, it is
/// closed on a thread of its own.
fn close(client: Client) {
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::spawn(move || drop(client));
    } else {
        drop(client);
    }
}

/// Names a store's connections `dyad` unless the URL names them.
fn name_store_connection(config: &mut postgres::Config) {
    if config.get_application_name().is_none() {
        config.application_name("dyad");
    }
}

impl PostgresStore {
    /// Connects to `url` and opens the log there as `mode` says; applies pending migrations.
    /// The password comes from the URL or `PGPASSWORD`, and is never printed.
    pub fn open_with(url: &str, clock: Arc<dyn Clock>, mode: OpenMode) -> Result<Self, StoreError> {
        let mut client = connect(url, name_store_connection)?;
        if mode != OpenMode::Create && !is_dyad_log(&mut client)? {
            return Err(StoreError::NoLog {
                path: redacted(url),
            });
        }
        apply_migrations(&mut client, &format_recorded_at(clock.now()))?;
        Ok(Self {
            client: RefCell::new(Some(client)),
            url: url.to_string(),
            clock,
            chunks: None,
        })
    }

    /// Opens (creating if needed) the log at `url`.
    pub fn open(url: &str, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        Self::open_with(url, clock, OpenMode::Create)
    }

    /// The store's connection (also for the inbox's tables beside the log, [`super::inbox`]),
    /// opened again first if it was found closed, unless a batch in chunks holds a transaction
    /// on it. If it cannot be opened again the closed one is kept, and its use fails saying the
    /// connection is closed.
    pub(super) fn client(&self) -> std::cell::RefMut<'_, Client> {
        let mut slot = self.client.borrow_mut();
        if self.chunks.is_none()
            && slot.as_ref().is_some_and(Client::is_closed)
            && let Ok(fresh) = connect(&self.url, name_store_connection)
            && let Some(closed) = slot.replace(fresh)
        {
            close(closed);
        }
        std::cell::RefMut::map(slot, |client| {
            client
                .as_mut()
                .expect("the client lives until the store is dropped")
        })
    }

    /// The connection for a write: checked first by an empty query, so that a connection lost
    /// while idle is replaced before the write begins (as a pool tests a connection it lends)
    /// instead of failing it. One round trip, small beside an append's.
    pub(super) fn client_for_write(&self) -> std::cell::RefMut<'_, Client> {
        {
            let mut client = self.client();
            if self.chunks.is_some() || client.is_valid(VALIDATION_TIMEOUT).is_ok() {
                return client;
            }
        }
        self.client()
    }

    /// Runs a read; if it failed because the connection was closed, once more on a new one.
    fn read<T>(
        &self,
        mut query: impl FnMut(&mut Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let first = query(&mut self.client());
        match first {
            Err(_)
                if self.chunks.is_none()
                    && self.client.borrow().as_ref().is_some_and(Client::is_closed) =>
            {
                query(&mut self.client())
            }
            other => other,
        }
    }

    /// The store's clock.
    pub(super) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }
}

/// Whether the schema holds a dyad log: it records its migrations.
fn is_dyad_log(client: &mut impl GenericClient) -> Result<bool, StoreError> {
    Ok(client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() \
             AND tablename = 'schema_migrations')",
            &[],
        )?
        .get(0))
}

/// Whether every migration this binary knows is recorded with its checksum.
fn up_to_date(client: &mut impl GenericClient) -> Result<bool, StoreError> {
    if !is_dyad_log(client)? {
        return Ok(false);
    }
    let applied: Vec<(i64, String)> = client
        .query(
            "SELECT version, checksum FROM schema_migrations ORDER BY version",
            &[],
        )?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let known: Vec<(i64, String)> = POSTGRES_MIGRATIONS
        .iter()
        .map(|m| (i64::from(m.version), checksum(m.sql)))
        .collect();
    Ok(applied == known)
}

/// Brings the schema up to date in one transaction, under an advisory lock on the schema's name
/// so that processes opening a new database at once do not both migrate it; the same checksum
/// discipline as on SQLite.
fn apply_migrations(client: &mut Client, applied_at: &str) -> Result<(), StoreError> {
    if up_to_date(client)? {
        return Ok(());
    }
    let mut tx = client.transaction()?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('dyad migrations ' || current_schema()))",
        &[],
    )?;
    if !is_dyad_log(&mut tx)? {
        let names: Vec<String> = tx
            .query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
                 ORDER BY tablename LIMIT 6",
                &[],
            )?
            .iter()
            .map(|row| row.get(0))
            .collect();
        if !names.is_empty() {
            return Err(StoreError::Foreign {
                tables: names.join(", "),
            });
        }
        tx.batch_execute(
            "CREATE TABLE schema_migrations (
                 version    BIGINT PRIMARY KEY,
                 name       TEXT NOT NULL,
                 checksum   TEXT NOT NULL,
                 applied_at TEXT NOT NULL
             );",
        )?;
    }
    let applied: Vec<(i64, String, String)> = tx
        .query(
            "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
            &[],
        )?
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    for (version, name, recorded) in &applied {
        let Some(known) = POSTGRES_MIGRATIONS
            .iter()
            .find(|m| i64::from(m.version) == *version)
        else {
            return Err(StoreError::Migration(format!(
                "the log was written by a newer dyad (it has migration {version} {name}); upgrade dyad"
            )));
        };
        if checksum(known.sql) != *recorded {
            return Err(StoreError::Migration(format!(
                "migration postgres/{} was edited after it was applied to this log; landed \
                 migrations must never change (add a new numbered migration instead)",
                known.name
            )));
        }
    }
    for migration in POSTGRES_MIGRATIONS
        .iter()
        .filter(|m| !applied.iter().any(|(v, _, _)| *v == i64::from(m.version)))
    {
        tx.batch_execute(migration.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) \
             VALUES ($1, $2, $3, $4)",
            &[
                &i64::from(migration.version),
                &migration.name,
                &checksum(migration.sql),
                &applied_at,
            ],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The migration that defines the guards as they are now; run again to restore them.
fn guards_migration() -> &'static Migration {
    POSTGRES_MIGRATIONS
        .iter()
        .find(|m| m.name == "0004_guards_per_statement.sql")
        .unwrap_or(&POSTGRES_MIGRATIONS[0])
}

/// The guard triggers as `pg_get_triggerdef` prints them (the table's schema removed).
const GUARD_TRIGGERS: &[(&str, &str)] = &[
    (
        "events_are_appended_in_order",
        "CREATE TRIGGER events_are_appended_in_order AFTER INSERT ON events REFERENCING NEW \
         TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION dyad_events_in_order()",
    ),
    (
        "events_are_never_deleted",
        "CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events FOR EACH ROW EXECUTE \
         FUNCTION dyad_events_refuse_change()",
    ),
    (
        "events_are_never_truncated",
        "CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events FOR EACH \
         STATEMENT EXECUTE FUNCTION dyad_events_refuse_change()",
    ),
    (
        "events_are_never_updated",
        "CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events FOR EACH ROW EXECUTE \
         FUNCTION dyad_events_refuse_change()",
    ),
];

/// The guard functions, each with its body as the guards migration writes it.
fn guard_functions() -> Vec<(&'static str, &'static str)> {
    // The bodies are the text between each pair of `$$` in the migration, in order.
    let bodies: Vec<&'static str> = guards_migration()
        .sql
        .split("$$")
        .skip(1)
        .step_by(2)
        .collect();
    ["dyad_events_refuse_change", "dyad_events_in_order"]
        .into_iter()
        .zip(bodies)
        .collect()
}

/// What is wrong with the append-only guards: each trigger must be there, enabled, as the
/// migration made it, each function unchanged, and no other trigger may sit on the log.
fn guard_problems(client: &mut impl GenericClient) -> Result<Vec<String>, StoreError> {
    let present: Vec<(String, String, i8)> = client
        .query(
            "SELECT t.tgname::text, \
                    replace(pg_get_triggerdef(t.oid), ' ON ' || quote_ident(current_schema()) \
                            || '.events ', ' ON events '), \
                    t.tgenabled::\"char\" \
             FROM pg_trigger t \
             WHERE t.tgrelid = to_regclass(quote_ident(current_schema()) || '.events') \
               AND NOT t.tgisinternal ORDER BY 1",
            &[],
        )?
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    let mut problems = Vec::new();
    for (name, definition) in GUARD_TRIGGERS {
        match present.iter().find(|(found, _, _)| found == name) {
            None => problems.push(format!("the trigger {name} is missing")),
            Some((_, text, _)) if text != definition => {
                problems.push(format!("the trigger {name} was changed"));
            }
            Some((_, _, enabled)) if *enabled == b'D' as i8 => {
                problems.push(format!("the trigger {name} is disabled"));
            }
            Some(_) => {}
        }
    }
    for (name, _, _) in &present {
        if !GUARD_TRIGGERS.iter().any(|(guard, _)| guard == name) {
            problems.push(format!("the trigger {name} on the log is not dyad's"));
        }
    }
    for (function, body) in guard_functions() {
        let found = client.query_opt(
            "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
             WHERE n.nspname = current_schema() AND p.proname = $1",
            &[&function],
        )?;
        match found {
            None => problems.push(format!("the function {function} is missing")),
            Some(row) if row.get::<_, String>(0) != body => {
                problems.push(format!("the function {function} was changed"));
            }
            Some(_) => {}
        }
    }
    Ok(problems)
}

fn refuse_unguarded(client: &mut impl GenericClient) -> Result<(), StoreError> {
    let problems = guard_problems(client)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Unguarded(problems.join("; ")))
    }
}

/// Takes the log's write lock for the rest of the transaction: other writers, in any process,
/// wait; readers do not.
fn lock_the_log(client: &mut impl GenericClient) -> Result<(), StoreError> {
    client.batch_execute("LOCK TABLE events IN EXCLUSIVE MODE")?;
    Ok(())
}

pub(super) fn to_u64(value: i64, position: u64, column: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        position,
        detail: format!("{column} is negative ({value})"),
    })
}

pub(super) fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt {
        position: value,
        detail: format!("{value} is beyond PostgreSQL's BIGINT"),
    })
}

fn stored_event(row: &Row) -> Result<StoredEvent, StoreError> {
    let position_raw: i64 = row.try_get(0)?;
    let position = to_u64(position_raw, 0, "position")?;
    let schema_version: i64 = row.try_get(5)?;
    Ok(StoredEvent {
        position,
        stream: row.try_get(1)?,
        version: to_u64(row.try_get(2)?, position, "version")?,
        id: row.try_get(3)?,
        kind: row.try_get(4)?,
        schema_version: u32::try_from(schema_version).map_err(|_| StoreError::Corrupt {
            position,
            detail: format!("schema_version {schema_version} is out of range"),
        })?,
        occurred_on: row.try_get(6)?,
        recorded_at: row.try_get(7)?,
        payload: row.try_get(8)?,
        prev_hash: row.try_get(9)?,
        hash: row.try_get(10)?,
        recorded_by: row.try_get(11)?,
    })
}

fn event_by_id(
    client: &mut impl GenericClient,
    id: &str,
) -> Result<Option<StoredEvent>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE id = $1");
    client
        .query_opt(&sql, &[&id])?
        .map(|row| stored_event(&row))
        .transpose()
}

fn stream_version(client: &mut impl GenericClient, stream: &str) -> Result<u64, StoreError> {
    let version: i64 = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM events WHERE stream = $1",
            &[&stream],
        )?
        .get(0);
    to_u64(version, 0, "version")
}

/// The last position, its hash and its recorded time (0 and the genesis hash when empty).
fn head(client: &mut impl GenericClient) -> Result<(u64, String, Option<String>), StoreError> {
    let last = client.query_opt(
        "SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1",
        &[],
    )?;
    Ok(match last {
        Some(row) => {
            let position = to_u64(row.try_get(0)?, 0, "position")?;
            (position, row.try_get(1)?, Some(row.try_get(2)?))
        }
        None => (0, GENESIS_HASH.to_string(), None),
    })
}

/// The transaction time of events appended after `last_recorded_at`: the clock's, but always
/// after the last recorded one, as on SQLite.
fn next_stamp(
    clock: &dyn Clock,
    position: u64,
    last_recorded_at: Option<&str>,
) -> Result<String, StoreError> {
    let now = clock.now();
    let stamp = match last_recorded_at {
        Some(last) => {
            let last = DateTime::parse_from_rfc3339(last)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| StoreError::Corrupt {
                    position,
                    detail: format!("recorded_at `{last}`: {e}"),
                })?;
            now.max(last + chrono::Duration::microseconds(1))
        }
        None => now,
    };
    Ok(format_recorded_at(stamp))
}

/// The head and the transaction time of the events about to be appended.
fn next_head(
    client: &mut impl GenericClient,
    clock: &dyn Clock,
) -> Result<(u64, String, String), StoreError> {
    let (position, prev_hash, last_recorded_at) = head(client)?;
    let stamp = next_stamp(clock, position, last_recorded_at.as_deref())?;
    Ok((position, prev_hash, stamp))
}

/// The log as a writer's transaction (holding the log's lock) sees it while it judges batches:
/// the head, the versions of the streams the batches name and the events recorded under their
/// ids, read in three queries, then kept up to date in memory as batches are accepted. A group
/// commit's batches are judged one after the other this way, without a savepoint or a round trip
/// each, and go in with one insert.
struct Judge {
    position: u64,
    prev_hash: String,
    last_recorded_at: Option<String>,
    versions: HashMap<String, u64>,
    recorded: HashMap<String, StoredEvent>,
    /// The rows of the accepted batches, in order, to insert.
    rows: Vec<StoredEvent>,
}

impl Judge {
    fn read<'a>(
        client: &mut impl GenericClient,
        batches: impl Iterator<Item = &'a [NewEvent]> + Clone,
    ) -> Result<Self, StoreError> {
        let ids: Vec<String> = batches
            .clone()
            .flatten()
            .map(|event| event.id.to_string())
            .collect();
        let recorded: HashMap<String, StoredEvent> = client
            .query(
                &format!("SELECT {COLUMNS} FROM events WHERE id = ANY($1)"),
                &[&ids],
            )?
            .iter()
            .map(|row| stored_event(row).map(|event| (event.id.clone(), event)))
            .collect::<Result<_, _>>()?;
        let mut streams: Vec<&str> = batches.flatten().map(|e| e.stream.as_str()).collect();
        streams.sort_unstable();
        streams.dedup();
        // One MAX per stream, each answered from the end of the (stream, version) index.
        let versions = client
            .query(
                "SELECT s, (SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = s)::BIGINT \
                 FROM unnest($1::text[]) AS s",
                &[&streams],
            )?
            .iter()
            .map(|row| Ok((row.try_get(0)?, to_u64(row.try_get(1)?, 0, "version")?)))
            .collect::<Result<_, StoreError>>()?;
        let (position, prev_hash, last_recorded_at) = head(client)?;
        Ok(Self {
            position,
            prev_hash,
            last_recorded_at,
            versions,
            recorded,
            rows: Vec::new(),
        })
    }

    /// Judges one batch against the log and the batches accepted before it: every event is
    /// looked up by id, and the whole batch is judged before any row is added, so a refusal
    /// changes nothing. A chunk of a larger batch is recorded at the batch's `stamp`.
    fn judge(
        &mut self,
        clock: &dyn Clock,
        batch: &[NewEvent],
        expected_version: Option<u64>,
        same_content: SameContent<'_>,
        stamp: Option<&str>,
    ) -> Result<AppendReceipt, StoreError> {
        let mut outcomes: Vec<Option<Appended>> = vec![None; batch.len()];
        let mut first_in_batch: HashMap<Uuid, usize> = HashMap::with_capacity(batch.len());
        let mut repeats: Vec<(usize, usize)> = Vec::new();
        let mut new_events: Vec<usize> = Vec::new();
        let ids: Vec<String> = batch.iter().map(|event| event.id.to_string()).collect();
        for (index, event) in batch.iter().enumerate() {
            if let Some(&first) = first_in_batch.get(&event.id) {
                if batch[first] != *event {
                    return Err(StoreError::IdRepeated { id: event.id });
                }
                repeats.push((index, first));
                continue;
            }
            first_in_batch.insert(event.id, index);
            match self.recorded.get(&ids[index]) {
                None => new_events.push(index),
                Some(stored) if same_content(stored, event) => {
                    outcomes[index] = Some(Appended::AlreadyRecorded {
                        position: stored.position,
                        version: stored.version,
                    });
                }
                Some(stored) => {
                    return Err(StoreError::IdConflict {
                        id: event.id,
                        position: stored.position,
                    });
                }
            }
        }
        let version_of = |versions: &HashMap<String, u64>, stream: &str| {
            versions.get(stream).copied().unwrap_or(0)
        };
        if let Some(expected) = expected_version {
            let mut streams: Vec<&str> = batch.iter().map(|e| e.stream.as_str()).collect();
            streams.sort_unstable();
            streams.dedup();
            if streams.len() > 1 {
                return Err(StoreError::ExpectedVersionNeedsOneStream {
                    streams: streams.join(", "),
                });
            }
            if let Some(&first_new) = new_events.first() {
                let stream = &batch[first_new].stream;
                let actual = version_of(&self.versions, stream);
                if actual != expected {
                    return Err(StoreError::VersionConflict {
                        stream: stream.clone(),
                        expected,
                        actual,
                    });
                }
            }
        }
        let mut recorded_at = None;
        if !new_events.is_empty() {
            let stamp = match stamp {
                Some(stamp) => stamp.to_string(),
                None => next_stamp(clock, self.position, self.last_recorded_at.as_deref())?,
            };
            let instant = DateTime::parse_from_rfc3339(&stamp)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| StoreError::Corrupt {
                    position: self.position,
                    detail: format!("recorded_at `{stamp}`: {e}"),
                })?;
            for index in new_events {
                let event = &batch[index];
                let version = version_of(&self.versions, &event.stream) + 1;
                self.position += 1;
                let mut row = StoredEvent {
                    position: self.position,
                    stream: event.stream.clone(),
                    version,
                    id: ids[index].clone(),
                    kind: event.kind.clone(),
                    schema_version: event.schema_version,
                    occurred_on: event.occurred_on.to_string(),
                    recorded_at: stamp.clone(),
                    recorded_by: Some(event.recorded_by.clone()),
                    payload: event.payload.clone(),
                    prev_hash: std::mem::take(&mut self.prev_hash),
                    hash: String::new(),
                };
                row.hash = event_hash(&row.prev_hash, &row.hashed());
                self.prev_hash = row.hash.clone();
                self.versions.insert(event.stream.clone(), version);
                self.recorded.insert(row.id.clone(), row.clone());
                self.rows.push(row);
                outcomes[index] = Some(Appended::Recorded {
                    position: self.position,
                    version,
                });
            }
            self.last_recorded_at = Some(stamp);
            recorded_at = Some(instant);
        }
        for (index, first) in repeats {
            outcomes[index] = outcomes[first].map(|outcome| match outcome {
                Appended::Recorded { position, version }
                | Appended::AlreadyRecorded { position, version } => {
                    Appended::AlreadyRecorded { position, version }
                }
            });
        }
        Ok(AppendReceipt {
            outcomes: outcomes.into_iter().flatten().collect(),
            recorded_at,
        })
    }
}

/// Appends one batch inside the caller's transaction, which holds the log's lock: judged whole
/// first ([`Judge`]), so a refusal writes nothing, then inserted. A chunk of a larger batch is
/// recorded at the batch's `stamp`.
fn append_batch(
    client: &mut impl GenericClient,
    clock: &dyn Clock,
    batch: &[NewEvent],
    expected_version: Option<u64>,
    same_content: SameContent<'_>,
    stamp: Option<&str>,
) -> Result<AppendReceipt, StoreError> {
    let mut judge = Judge::read(client, std::iter::once(batch))?;
    let receipt = judge.judge(clock, batch, expected_version, same_content, stamp)?;
    insert_rows(client, &judge.rows)?;
    Ok(receipt)
}

/// The channel on which every append announces the log's new head, as `schema position`: the
/// signal that wakes the servers of the log (the table stays the truth they read).
const HEAD_CHANNEL: &str = "dyad_events";

/// Announces the head to the listeners, delivered when the transaction commits (and never if it
/// rolls back).
fn notify_head(client: &mut impl GenericClient) -> Result<(), StoreError> {
    client.execute(
        "SELECT pg_notify($1, current_schema() || ' ' || \
                (SELECT COALESCE(MAX(position), 0) FROM events)::text)",
        &[&HEAD_CHANNEL],
    )?;
    Ok(())
}

/// Hears the heads that appends by any process announce on the log's database
/// (LISTEN/NOTIFY): lets `dyad serve` forward other servers' events at once instead of polling.
pub struct HeadListener {
    client: Client,
    schema: String,
}

impl HeadListener {
    /// Connects to `url` and listens to the log there.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let mut client = connect(url, |config| {
            config.application_name("dyad listener");
        })?;
        let schema: String = client
            .query_one("SELECT current_schema()::text", &[])?
            .get(0);
        client.batch_execute(&format!("LISTEN {HEAD_CHANNEL}"))?;
        Ok(Self { client, schema })
    }

    /// Waits at most `timeout` for announcements; the highest head announced for this log, if
    /// any was.
    pub fn wait(&mut self, timeout: std::time::Duration) -> Result<Option<u64>, StoreError> {
        use postgres::fallible_iterator::FallibleIterator;
        let mut notifications = self.client.notifications();
        let Some(first) = notifications.timeout_iter(timeout).next()? else {
            return Ok(None);
        };
        // After the first, take what has already arrived, without waiting.
        let mut heard = vec![first];
        let mut pending = notifications.iter();
        while let Some(notification) = pending.next()? {
            heard.push(notification);
        }
        Ok(heard
            .iter()
            .filter_map(|notification| {
                notification
                    .payload()
                    .rsplit_once(' ')
                    .filter(|(schema, _)| *schema == self.schema)
                    .and_then(|(_, position)| position.parse::<u64>().ok())
            })
            .max())
    }
}
/// Inserts rows in one statement (one round trip): the guard trigger checks, once for the
/// statement, that they are the next positions and versions.
fn insert_rows(client: &mut impl GenericClient, rows: &[StoredEvent]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut positions = Vec::with_capacity(rows.len());
    let mut versions = Vec::with_capacity(rows.len());
    let mut schema_versions = Vec::with_capacity(rows.len());
    for row in rows {
        positions.push(to_i64(row.position)?);
        versions.push(to_i64(row.version)?);
        schema_versions.push(i64::from(row.schema_version));
    }
    let text =
        |column: fn(&StoredEvent) -> &str| -> Vec<&str> { rows.iter().map(column).collect() };
    let recorded_by: Vec<Option<&str>> =
        rows.iter().map(|row| row.recorded_by.as_deref()).collect();
    client.execute(
        "INSERT INTO events (position, stream, version, id, kind, schema_version,
                             occurred_on, recorded_at, payload, prev_hash, hash, recorded_by)
         SELECT position, stream, version, id, kind, schema_version,
                occurred_on, recorded_at, payload, prev_hash, hash, recorded_by
         FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                     $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[],
                     $11::text[], $12::text[])
              WITH ORDINALITY AS r (position, stream, version, id, kind, schema_version,
                                    occurred_on, recorded_at, payload, prev_hash, hash,
                                    recorded_by, ordinal)
         ORDER BY ordinal",
        &[
            &positions,
            &text(|row| &row.stream),
            &versions,
            &text(|row| &row.id),
            &text(|row| &row.kind),
            &schema_versions,
            &text(|row| &row.occurred_on),
            &text(|row| &row.recorded_at),
            &text(|row| &row.payload),
            &text(|row| &row.prev_hash),
            &text(|row| &row.hash),
            &recorded_by,
        ],
    )?;
    Ok(())
}

/// Whether an error is the database failing rather than a batch being refused.
fn is_failure(error: &StoreError) -> bool {
    matches!(
        error,
        StoreError::Database(_) | StoreError::Postgres(_) | StoreError::Corrupt { .. }
    )
}

const CHECKPOINT_COLUMNS: &str =
    "c.stream, c.projection, c.position, c.state, c.head_hash, c.digest, e.hash";

fn stored_checkpoint(row: &Row) -> Result<StoredCheckpoint, StoreError> {
    let position: i64 = row.try_get(2)?;
    Ok(StoredCheckpoint {
        stream: row.try_get(0)?,
        projection: row.try_get(1)?,
        position: to_u64(position, 0, "a checkpoint's position")?,
        state: row.try_get(3)?,
        head_hash: row.try_get(4)?,
        digest: row.try_get(5)?,
        chain_hash: row.try_get(6)?,
    })
}

impl EventStore for PostgresStore {
    fn append(
        &mut self,
        batch: &[NewEvent],
        expected_version: Option<u64>,
        same_content: SameContent<'_>,
    ) -> Result<AppendReceipt, StoreError> {
        let mut client = self.client_for_write();
        let mut tx = client.transaction()?;
        lock_the_log(&mut tx)?;
        refuse_unguarded(&mut tx)?;
        let receipt = append_batch(
            &mut tx,
            self.clock.as_ref(),
            batch,
            expected_version,
            same_content,
            None,
        )?;
        if receipt.recorded_at.is_some() {
            notify_head(&mut tx)?;
        }
        tx.commit()?;
        Ok(receipt)
    }

    fn append_group(
        &mut self,
        batches: &[BatchRequest<'_>],
        same_content: SameContent<'_>,
    ) -> Result<Vec<Result<AppendReceipt, StoreError>>, StoreError> {
        let mut client = self.client_for_write();
        let mut tx = client.transaction()?;
        lock_the_log(&mut tx)?;
        refuse_unguarded(&mut tx)?;
        // Each batch judged on its own against the log and the batches accepted before it; a
        // refused one leaves nothing behind. The accepted ones go in with one insert.
        let mut judge = Judge::read(&mut tx, batches.iter().map(|request| request.events))?;
        let mut results = Vec::with_capacity(batches.len());
        for request in batches {
            match judge.judge(
                self.clock.as_ref(),
                request.events,
                request.expected_version,
                same_content,
                None,
            ) {
                Err(error) if is_failure(&error) => return Err(error),
                judged => results.push(judged),
            }
        }
        insert_rows(&mut tx, &judge.rows)?;
        if !judge.rows.is_empty() {
            notify_head(&mut tx)?;
        }
        tx.commit()?;
        Ok(results)
    }

    fn begin_chunks(&mut self, expected_version: Option<u64>) -> Result<(), StoreError> {
        let mut client = self.client_for_write();
        // A transaction the client does not track: reads through the store between chunks
        // (on this one connection) see the chunks appended so far.
        client.batch_execute("BEGIN")?;
        let begun = lock_the_log(&mut *client)
            .and_then(|()| refuse_unguarded(&mut *client))
            .and_then(|()| next_head(&mut *client, self.clock.as_ref()));
        match begun {
            Ok((start, _, stamp)) => {
                drop(client);
                self.chunks = Some(Chunks::new(start, stamp, expected_version));
                Ok(())
            }
            Err(error) => {
                client.batch_execute("ROLLBACK")?;
                Err(error)
            }
        }
    }

    fn append_chunk(
        &mut self,
        chunk: &[NewEvent],
        same_content: SameContent<'_>,
    ) -> Result<AppendReceipt, StoreError> {
        let chunks = self.chunks.as_mut().ok_or(StoreError::NoBatchBegun)?;
        let expected = chunks.expected_for(chunk)?;
        let client = self
            .client
            .get_mut()
            .as_mut()
            .ok_or(StoreError::NoBatchBegun)?;
        let receipt = append_batch(
            client,
            self.clock.as_ref(),
            chunk,
            expected,
            same_content,
            Some(&chunks.stamp),
        )
        .map_err(|error| chunks.refusal(error))?;
        chunks.appended(&receipt);
        Ok(receipt)
    }

    fn end_chunks(&mut self, commit: bool) -> Result<(), StoreError> {
        let Some(chunks) = self.chunks.take() else {
            return Ok(());
        };
        let mut client = self.client();
        if commit {
            if chunks.recorded {
                notify_head(&mut *client)?;
            }
            client.batch_execute("COMMIT")?;
        } else {
            client.batch_execute("ROLLBACK")?;
        }
        Ok(())
    }

    fn stream_version(&self, stream: &str) -> Result<u64, StoreError> {
        self.read(|client| stream_version(client, stream))
    }

    fn event_by_id(&self, id: Uuid) -> Result<Option<StoredEvent>, StoreError> {
        let id = id.to_string();
        self.read(|client| event_by_id(client, &id))
    }

    fn event_at(&self, position: u64) -> Result<Option<StoredEvent>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM events WHERE position = $1");
        let position = to_i64(position)?;
        self.read(|client| {
            client
                .query_opt(&sql, &[&position])?
                .map(|row| stored_event(&row))
                .transpose()
        })
    }

    fn events_with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        // A range of the unique index on `id` (byte order: `~` sorts after hex digits and `-`).
        let sql =
            format!("SELECT {COLUMNS} FROM events WHERE id >= $1 AND id < $2 ORDER BY id LIMIT $3");
        let upper = format!("{prefix}~");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|client| {
            client
                .query(&sql, &[&prefix, &upper, &limit])?
                .iter()
                .map(stored_event)
                .collect()
        })
    }

    fn position_at(&self, known_at: Option<DateTime<Utc>>) -> Result<u64, StoreError> {
        let known_at = known_at.map(format_recorded_at);
        self.read(|client| {
            let row = match &known_at {
                None => client.query_one("SELECT MAX(position) FROM events", &[])?,
                Some(instant) => client.query_one(
                    "SELECT MAX(position) FROM events WHERE recorded_at <= $1",
                    &[instant],
                )?,
            };
            let position: Option<i64> = row.try_get(0)?;
            to_u64(position.unwrap_or(0), 0, "position")
        })
    }

    fn latest_checkpoint(
        &self,
        stream: &str,
        projection: &str,
        max_position: u64,
    ) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        let sql = format!(
            "SELECT {CHECKPOINT_COLUMNS} FROM checkpoints c LEFT JOIN events e ON e.position = c.position
             WHERE c.stream = $1 AND c.projection = $2 AND c.position <= $3
             ORDER BY c.position DESC"
        );
        let max_position = to_i64(max_position)?;
        let rows =
            self.read(|client| Ok(client.query(&sql, &[&stream, &projection, &max_position])?))?;
        for row in &rows {
            let checkpoint = stored_checkpoint(row)?;
            if checkpoint.problem().is_none() {
                return Ok(Some((checkpoint.position, checkpoint.state)));
            }
        }
        Ok(None)
    }

    fn save_checkpoint(
        &self,
        stream: &str,
        projection: &str,
        position: u64,
        state: &[u8],
    ) -> Result<(), StoreError> {
        let mut client = self.client();
        let Some(row) = client.query_opt(
            "SELECT hash FROM events WHERE position = $1",
            &[&to_i64(position)?],
        )?
        else {
            return Ok(());
        };
        let head_hash: String = row.try_get(0)?;
        let digest = checkpoint_digest(stream, projection, position, &head_hash, state);
        client.execute(
            "INSERT INTO checkpoints (stream, projection, position, created_at, state, head_hash, digest)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (stream, projection, position) DO UPDATE
             SET created_at = EXCLUDED.created_at, state = EXCLUDED.state,
                 head_hash = EXCLUDED.head_hash, digest = EXCLUDED.digest",
            &[
                &stream,
                &projection,
                &to_i64(position)?,
                &format_recorded_at(self.clock.now()),
                &state,
                &head_hash,
                &digest,
            ],
        )?;
        Ok(())
    }

    fn checkpoint_problems(&self) -> Result<Vec<CheckpointProblem>, StoreError> {
        let sql = format!(
            "SELECT {CHECKPOINT_COLUMNS} FROM checkpoints c LEFT JOIN events e ON e.position = c.position
             ORDER BY c.stream, c.projection, c.position"
        );
        let rows = self.read(|client| Ok(client.query(&sql, &[])?))?;
        let mut problems = Vec::new();
        for row in &rows {
            let checkpoint = stored_checkpoint(row)?;
            if let Some(problem) = checkpoint.problem() {
                problems.push(CheckpointProblem {
                    stream: checkpoint.stream,
                    projection: checkpoint.projection,
                    position: checkpoint.position,
                    problem,
                });
            }
        }
        Ok(problems)
    }

    fn database_problems(&self) -> Result<Vec<String>, StoreError> {
        // PostgreSQL checks its pages itself (and `amcheck` is an extension a DBA may not
        // have): what dyad checks here are its guards.
        self.read(guard_problems)
    }

    fn repair_guards(&mut self) -> Result<Vec<String>, StoreError> {
        let mut client = self.client_for_write();
        let mut tx = client.transaction()?;
        lock_the_log(&mut tx)?;
        let problems = guard_problems(&mut tx)?;
        if problems.is_empty() {
            return Ok(Vec::new());
        }
        let foreign: Vec<String> = tx
            .query(
                "SELECT t.tgname::text FROM pg_trigger t \
                 WHERE t.tgrelid = to_regclass(quote_ident(current_schema()) || '.events') \
                   AND NOT t.tgisinternal ORDER BY 1",
                &[],
            )?
            .iter()
            .map(|row| row.get::<_, String>(0))
            .filter(|name| !GUARD_TRIGGERS.iter().any(|(guard, _)| guard == name))
            .collect();
        let mut repaired = Vec::new();
        for name in foreign {
            tx.batch_execute(&format!(
                "DROP TRIGGER \"{}\" ON events",
                name.replace('"', "\"\"")
            ))?;
            repaired.push(format!("dropped trigger {name}, which dyad did not create"));
        }
        tx.batch_execute(guards_migration().sql)?;
        repaired.extend(
            problems
                .into_iter()
                .filter(|problem| !problem.ends_with("is not dyad's"))
                .map(|problem| format!("restored: {problem}")),
        );
        tx.commit()?;
        Ok(repaired)
    }

    fn append_copied(&mut self, rows: &[StoredEvent]) -> Result<(), StoreError> {
        let mut client = self.client_for_write();
        let mut tx = client.transaction()?;
        lock_the_log(&mut tx)?;
        refuse_unguarded(&mut tx)?;
        let (position, hash, _) = head(&mut tx)?;
        super::check_copied(position, &hash, rows)?;
        insert_rows(&mut tx, rows)?;
        if !rows.is_empty() {
            notify_head(&mut tx)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn scan(
        &self,
        scan: &Scan,
        visit: &mut dyn FnMut(StoredEvent) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        // The head now bounds the scan, as one statement's snapshot does on SQLite.
        let head = self.position_at(None)?;
        let mut until = head;
        if let Some(bound) = scan.until_position {
            until = until.min(bound);
        }
        let mut after = scan.after_position.unwrap_or(0);
        let mut sql =
            format!("SELECT {COLUMNS} FROM events WHERE position > $1 AND position <= $2");
        let mut args: Vec<Box<dyn ToSql + Sync>> = Vec::new();
        let mut condition = |sql: &mut String, clause: &str, value: Box<dyn ToSql + Sync>| {
            args.push(value);
            sql.push_str(&format!(" AND {clause} ${}", args.len() + 2));
        };
        if let Some(stream) = &scan.stream {
            condition(&mut sql, "stream =", Box::new(stream.clone()));
        }
        if !scan.kinds.is_empty() {
            condition(&mut sql, "kind = ANY(", Box::new(scan.kinds.clone()));
            sql.push(')');
        }
        if let Some(since) = scan.occurred_since {
            condition(&mut sql, "occurred_on >=", Box::new(since.to_string()));
        }
        if let Some(until) = scan.occurred_until {
            condition(&mut sql, "occurred_on <=", Box::new(until.to_string()));
        }
        if let Some(recorded_until) = scan.recorded_until {
            condition(
                &mut sql,
                "recorded_at <=",
                Box::new(format_recorded_at(recorded_until)),
            );
        }
        sql.push_str(&format!(" ORDER BY position LIMIT {PAGE}"));
        let until = to_i64(until)?;
        while after < head {
            let from = to_i64(after)?;
            let mut params: Vec<&(dyn ToSql + Sync)> = vec![&from, &until];
            params.extend(args.iter().map(|arg| arg.as_ref()));
            // The page is read before any visit, so a visitor may use the store.
            let rows = self.read(|client| Ok(client.query(sql.as_str(), &params)?))?;
            let Some(last) = rows.last() else {
                break;
            };
            after = to_u64(last.try_get(0)?, 0, "position")?;
            for row in &rows {
                if visit(stored_event(row)?).is_break() {
                    return Ok(());
                }
            }
            if rows.len() < PAGE as usize {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_chooses_the_tls_mode_and_leaves_the_rest_of_the_url() {
        let base = "postgres://desk:pw@db.example:5432/ministry";
        for (query, mode, rest) in [
            ("", TlsMode::Disable, ""),
            ("?sslmode=disable", TlsMode::Disable, ""),
            ("?sslmode=prefer", TlsMode::Prefer, ""),
            ("?sslmode=require", TlsMode::Require, ""),
            ("?sslmode=verify-ca", TlsMode::VerifyCa, ""),
            ("?sslmode=verify-full", TlsMode::VerifyFull, ""),
            (
                "?options=-csearch_path%3Dx&sslmode=require&connect_timeout=5",
                TlsMode::Require,
                "?options=-csearch_path%3Dx&connect_timeout=5",
            ),
            // The last `sslmode` wins, as in libpq.
            ("?sslmode=require&sslmode=disable", TlsMode::Disable, ""),
            (
                "?application_name=desk",
                TlsMode::Disable,
                "?application_name=desk",
            ),
        ] {
            let (got, url) = tls_mode(&format!("{base}{query}"));
            assert_eq!(got, mode, "{query}");
            assert_eq!(url, format!("{base}{rest}"), "{query}");
            assert!(url.parse::<postgres::Config>().is_ok(), "{query}");
        }
    }

    #[test]
    fn an_unknown_sslmode_is_left_for_the_parser_to_refuse() {
        let url = "postgres://desk@db.example/ministry?sslmode=allow";
        let (mode, kept) = tls_mode(url);
        assert_eq!((mode, kept.as_str()), (TlsMode::Disable, url));
        let error = kept.parse::<postgres::Config>().expect_err("refused");
        let cause = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(
            cause.as_deref(),
            Some("invalid value for option `sslmode`"),
            "{error}"
        );
    }

    #[test]
    fn a_password_is_never_shown() {
        for (url, shown) in [
            (
                "postgres://desk:s3cret@db.example:5432/ministry",
                "postgres://desk:***@db.example:5432/ministry",
            ),
            (
                "postgresql://desk:p@ss@db.example/ministry?sslmode=require",
                "postgresql://desk:***@db.example/ministry?sslmode=require",
            ),
            (
                "postgres://desk@db.example/ministry?password=s3cret&sslmode=require",
                "postgres://desk@db.example/ministry?password=***&sslmode=require",
            ),
            (
                "postgres://desk@db.example/ministry",
                "postgres://desk@db.example/ministry",
            ),
        ] {
            assert_eq!(redacted(url), shown);
        }
    }

    #[test]
    fn postgres_urls_are_told_from_paths() {
        assert!(is_postgres_url("postgres://localhost/dyad"));
        assert!(is_postgres_url("postgresql://localhost/dyad"));
        assert!(!is_postgres_url("postgres.db"));
        assert!(!is_postgres_url("./postgres://x"));
    }
}
