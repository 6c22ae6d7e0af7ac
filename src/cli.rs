//! The command line: parses arguments (clap), calls the [`crate::app`] use cases, hands results
//! to [`crate::report`], and turns errors into exit codes. `serve` builds a tokio runtime and
//! hands over to [`crate::server`]. No domain logic lives here.
//!
//! Exit codes: 0 success; 1 input refused or a check failed (validation, version or id conflict,
//! `verify` found a problem); 2 usage error; 3 the log could not be read or written (I/O, a
//! locked or damaged database file).

use crate::app::{
    AppError, BriefingRequest, DuplicateCheck, Every, ImportOptions, LogFilter, Tracker, When,
    load_framework, replay_dates,
};
use crate::domain::clock::SystemClock;
use crate::domain::event::{SourceInput, calendar_date, short_id};
use crate::domain::recorder::Recorder;
use crate::field::{self, FieldFormat};
use crate::inbox::{Edits, InboxError};
use crate::ingest::InputError;
use crate::ingest::article;
use crate::ingest::coder::{CodingOptions, Dictionary, read_article_as_coded};
use crate::parse;
use crate::projection::Scope;
use crate::report;
use crate::server::{self, ServerConfig, ServerError, Token};
use crate::store::{LogStore, OpenMode, StoreError};
use crate::witness::{SignedHead, WitnessKey};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

const AFTER_HELP: &str = "\
Exit codes: 0 success; 1 input refused or check failed; 2 usage error;
            3 the log could not be read or written.

Examples:
  dyad --db tillerson.db append examples/tillerson_2017.ndjson
  dyad --db tillerson.db status --as-of 2017-06-19
  dyad --db tillerson.db replay --from 2017-01-01 --to 2017-12-31 --every month
  dyad --db tillerson.db explain --pillar engagement --as-of 2017-06-19
  dyad --db tillerson.db ingest article.txt && dyad --db tillerson.db inbox
  dyad --db tillerson.db diff --as-of 2017-01-01 --as-of 2017-06-19
  dyad --db tillerson.db report --from 2016-12-01 --to 2017-06-19 --format html -o report.html";

/// Track the relationship between two states as an append-only, hash-chained log of events.
#[derive(Debug, Parser)]
#[command(name = "dyad", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// The log: a SQLite file (created if missing), or a PostgreSQL database as
    /// `postgres://user@host:port/dbname` (password from the URL or $PGPASSWORD).
    #[arg(
        long,
        global = true,
        env = "DYAD_DB",
        default_value = "dyad.db",
        value_name = "PATH"
    )]
    db: PathBuf,
    /// Read the log under this framework (JSON) instead of the built-in Tillerson 2017 one.
    #[arg(long, global = true, value_name = "FILE")]
    framework: Option<PathBuf>,
    /// Record appended events as this person's (default: $DYAD_USER, else the system user).
    #[arg(long = "as", global = true, env = "DYAD_USER", value_name = "NAME")]
    recorder: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Append events (one JSON object, or NDJSON) as one atomic batch.
    ///
    /// Every line is validated first; one bad line refuses the whole batch and nothing is
    /// written. Events whose id is already recorded with the same content are skipped.
    Append {
        /// NDJSON file of events, or `-` for stdin.
        #[arg(value_name = "FILE|-", default_value = "-")]
        file: String,
        /// Refuse the batch unless the dyad's stream is at this version.
        #[arg(long, value_name = "N")]
        expect_version: Option<u64>,
        /// Refuse the batch, writing nothing, when a report is likely an event the log already
        /// holds (by default it is appended, with a warning on stderr).
        #[arg(long)]
        strict_duplicates: bool,
        /// Print one JSON object per event instead of lines of text.
        #[arg(long)]
        json: bool,
    },
    /// Propose the events a news article reports: into the inbox for review, or with --commit
    /// straight into the log.
    ///
    /// The article is plain text: a title line, a dateline such as `MOSCOW, July 30, 2017 —`
    /// when present, and paragraphs. Proposals are filed in the inbox (`dyad inbox`) and printed
    /// as a table, or with --json as NDJSON that `dyad append` accepts unchanged. Ids derive from
    /// the source and the sentence, so ingesting an article twice never duplicates events, and a
    /// proposal rejected in the inbox is not proposed again.
    Ingest {
        /// The article (plain text), or `-` for stdin.
        #[arg(value_name = "ARTICLE|-")]
        article: String,
        /// The article's URL.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// The outlet (default: named at the end of the title, as in `… – BuzzFeed News`).
        #[arg(long, value_name = "NAME")]
        outlet: Option<String>,
        /// The publication date (default: the dateline's).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        published: Option<NaiveDate>,
        /// Extend the built-in dictionaries with this file (same format; its entries first).
        #[arg(long, value_name = "FILE")]
        dictionary: Option<PathBuf>,
        /// Print NDJSON that `dyad append` accepts unchanged.
        #[arg(long)]
        json: bool,
        /// Append the proposals to the log at once, without the inbox.
        #[arg(long)]
        commit: bool,
        /// Show, under each proposal, the clause, the roles and the dictionary entries that
        /// made it (`dyad parse` shows the tree they were read from).
        #[arg(long, conflicts_with = "json")]
        explain: bool,
    },
    /// The inbox: the coder's proposals waiting for review. Alone, lists the pending ones.
    ///
    /// Accepting goes through the same validation and append as `dyad append` (all or
    /// nothing); a rejected proposal is remembered and not proposed again.
    Inbox {
        #[command(subcommand)]
        command: Option<InboxCommand>,
        /// List the pending proposals as JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Print each sentence's dependency tree in CoNLL-U (Universal Dependencies), as the news
    /// coder reads it: to see why a sentence was coded as it was.
    ///
    /// The text is split into sentences as `ingest` splits an article's paragraphs; `# text`
    /// shows the words the coder parses (reported speech put first, each sentence of a
    /// quotation on its own as its speaker's). Columns: id, form, lemma, universal tag, Penn
    /// tag, (features), head, relation.
    Parse {
        /// The text to parse; `-` or nothing reads stdin.
        #[arg(value_name = "TEXT|-")]
        text: Option<String>,
    },
    /// Import NDJSON in batches: a bad line is refused and reported, the others are appended.
    ///
    /// Reads reports and, as `export` writes them, corrections and retractions. Each batch is
    /// its own transaction: an interrupted import keeps what it committed, and running it again
    /// completes it without duplicates. Exit 1 when any line was refused, or the input holds no
    /// events (as for `append`).
    Import {
        /// NDJSON file, or `-` for stdin.
        #[arg(value_name = "FILE|-", default_value = "-")]
        file: String,
        /// What the file holds: dyad's NDJSON, or the field's event data (GDELT 1.0/2.0,
        /// ICEWS, PLOVER/POLECAT), of which the rows between the dyad's two states are
        /// imported in one transaction (any unreadable row refuses the file).
        #[arg(long, value_enum, default_value = "ndjson")]
        format: ImportFormat,
        /// With --format gdelt|icews|plover: print the events that would be imported (NDJSON,
        /// on stdout) and the mapping's coverage (on stderr), and import nothing.
        #[arg(long)]
        dry_run: bool,
        /// One transaction for the whole file: any refused line refuses it all.
        #[arg(long)]
        atomic: bool,
        /// Events per transaction.
        #[arg(long, value_name = "N", default_value_t = 5_000)]
        batch: usize,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the log as NDJSON that `import` reads back (ids and recorded times included), or
    /// its reports as PLOVER-style JSON lines for the field's tools.
    Export {
        /// Output file (default: stdout).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// dyad's own NDJSON (every event), or PLOVER JSON lines: the reports that stand
        /// (retracted ones left out), each action as its PLOVER event type; actions with no
        /// type are left out and counted on stderr.
        #[arg(long, value_enum, default_value = "ndjson")]
        format: ExportFormat,
        /// Only events that occurred on or before this date.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Only events the log had recorded by this moment (a date: the end of that day, UTC; or RFC 3339).
        #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
        known_at: Option<DateTime<Utc>>,
        /// Only this dyad (default: all).
        #[arg(long, value_name = "DYAD")]
        dyad: Option<String>,
    },
    /// List events in log order.
    Log {
        /// Only events that occurred on or after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        since: Option<NaiveDate>,
        /// Only events that occurred on or before this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", visible_alias = "as-of", value_parser = parse_date)]
        until: Option<NaiveDate>,
        /// Only events the log had recorded by this moment (a date: the end of that day, UTC; or RFC 3339, e.g. 2017-06-20T00:00:00Z).
        #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
        known_at: Option<DateTime<Utc>>,
        /// Only this dyad (default: all).
        #[arg(long, value_name = "DYAD")]
        dyad: Option<String>,
        /// Only reports counted under this pillar (with their corrections and retractions).
        #[arg(long, value_name = "ID")]
        pillar: Option<String>,
        /// Only reports filed under this issue.
        #[arg(long, value_name = "ID")]
        issue: Option<String>,
        /// Only reports by this actor (a code, e.g. RUS).
        #[arg(long, value_name = "CODE")]
        actor: Option<String>,
        /// Only reports whose target is this actor.
        #[arg(long, value_name = "CODE")]
        target: Option<String>,
        /// Only reports of this action code.
        #[arg(long, value_name = "CODE")]
        action: Option<String>,
        /// Only reports from an outlet whose name holds this text (any case).
        #[arg(long, value_name = "OUTLET")]
        source: Option<String>,
        /// Only reports whose summary or quotes hold this text (any case).
        #[arg(long, value_name = "TEXT")]
        grep: Option<String>,
        /// At most N events (the first in log order).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// One JSON object per event, with position, version, id, recorded_at, recorded_by,
        /// derived fields, and whether a report was corrected or retracted.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// CSV with a header: one row per event.
        #[arg(long)]
        csv: bool,
    },
    /// The relationship's status under each pillar, and overall.
    Status {
        /// Count events that occurred on or before this date (default: today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Read the log as it stood at this moment (a date: the end of that day, UTC; or RFC 3339): later records are ignored.
        #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
        known_at: Option<DateTime<Utc>>,
        /// The dyad (default: the framework's, USA-RUS).
        #[arg(long, value_name = "DYAD")]
        dyad: Option<String>,
        /// One JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The status at each step between two dates, in one pass over the log.
    ///
    /// The row for a date equals `status --as-of` that date.
    Replay {
        /// First date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        from: NaiveDate,
        /// Last date (default: today); the last row is for this date, whatever the step.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: Option<NaiveDate>,
        /// The step between rows.
        #[arg(long, value_enum, default_value = "month")]
        every: Step,
        /// Read the log as it stood at this moment (a date: the end of that day, UTC; or RFC 3339).
        #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
        known_at: Option<DateTime<Utc>>,
        /// The dyad (default: the framework's).
        #[arg(long, value_name = "DYAD")]
        dyad: Option<String>,
        /// One JSON object per step, each shaped as `status --json`.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// CSV: one row per step, level, score and events of overall and each pillar.
        #[arg(long)]
        csv: bool,
        /// With --csv: each issue's level, score and events too.
        #[arg(long, requires = "csv")]
        issues: bool,
        /// With --csv: one row per date and pillar (and issue), not one row per date.
        #[arg(long, requires = "csv")]
        long: bool,
    },
    /// What changed between two answers of the log: two dates (`--as-of A --as-of B`), or two
    /// moments of the log for one date (`--known-at T1 --known-at T2 [--as-of D]`).
    ///
    /// Shows how overall, each pillar and each issue moved, then the events that moved them:
    /// the reports that occurred between the dates, or the recordings, corrections, retractions
    /// and corroborations made between the moments that bear on the date.
    Diff {
        /// A date (give two to compare dates; one with two --known-at: the date asked about).
        #[arg(long, value_name = "DATE", value_parser = parse_date, action = clap::ArgAction::Append)]
        as_of: Vec<NaiveDate>,
        /// A moment of the log (give two to compare moments; one with two --as-of: the log read).
        #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant, action = clap::ArgAction::Append)]
        known_at: Vec<DateTime<Utc>>,
        /// How many events to list (0: all).
        #[arg(long, value_name = "N", default_value_t = 20)]
        limit: usize,
        /// The dyad (default: the framework's).
        #[arg(long, value_name = "DYAD")]
        dyad: Option<String>,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The events that make up a score, with their contributions, sources and corrections.
    Explain {
        /// Explain this pillar's score (default: the overall score).
        #[arg(long, value_name = "ID")]
        pillar: Option<String>,
        /// Only events filed under this issue.
        #[arg(long, value_name = "ID")]
        issue: Option<String>,
        /// Count events that occurred on or before this date (default: today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Read the log as it stood at this moment (a date: the end of that day, UTC; or RFC 3339).
        #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
        known_at: Option<DateTime<Utc>>,
        /// How many events to list, most important first (0: all).
        #[arg(long, value_name = "N", default_value_t = 10)]
        limit: usize,
        /// The dyad (default: the framework's).
        #[arg(long, value_name = "DYAD")]
        dyad: Option<String>,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// A report people read: the headline, a chart of each pillar over the period, the drivers,
    /// what changed, and the command that regenerates it byte for byte.
    ///
    /// Markdown writes one SVG chart per pillar (and per issue of --issue-charts) beside the file
    /// of -o; HTML is one self-contained file; JSON is the data. Dates default to: --as-of the
    /// --to, else the day of --known-at, else today; --to the --as-of; --from a year before
    /// --to; --known-at the moment of the log's last event.
    Report {
        /// First day of the period (YYYY-MM-DD; default: a year before --to).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// Last day of the period (default: --as-of).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: Option<NaiveDate>,
        /// The report date of the headline and the drivers (default: --to, else today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Read the log as it stood at this moment (a date: the end of that day, UTC; or RFC 3339; default: its last event).
        #[arg(long, value_name = "TIMESTAMP", value_parser = parse_instant)]
        known_at: Option<DateTime<Utc>>,
        /// Markdown (charts as SVG files beside -o), one HTML file, or JSON.
        #[arg(long, value_enum, default_value = "md")]
        format: ReportFormat,
        /// Write the report to this file (and, for Markdown, the charts beside it).
        #[arg(short = 'o', long = "output", value_name = "PATH")]
        output: Option<PathBuf>,
        /// Chart each issue of these pillars too (comma-separated; default: engagement).
        #[arg(long, value_name = "PILLAR,...", value_delimiter = ',')]
        issue_charts: Option<Vec<String>>,
        /// The dyad (default: the framework's).
        #[arg(long, value_name = "DYAD")]
        dyad: Option<String>,
    },
    /// Retract a report that proved false; it stops counting (the original stays in the log).
    Retract {
        /// The report's id, or its first 6 or more characters.
        id: String,
        /// Why it is retracted.
        #[arg(long)]
        reason: String,
        /// Where the retraction comes from.
        #[arg(long, value_name = "URL")]
        source_url: Option<String>,
        /// Print a JSON object instead of a line of text.
        #[arg(long)]
        json: bool,
    },
    /// Correct fields of a report (a wrong date, actor, action or intensity...).
    ///
    /// FILE holds a JSON object of the replaced fields, e.g. {"occurred_on": "2017-04-20"}.
    Correct {
        /// The report's id, or its first 6 or more characters.
        id: String,
        /// JSON object of the replaced fields, or `-` for stdin.
        #[arg(value_name = "FILE|-", default_value = "-")]
        file: String,
        /// Why it is corrected.
        #[arg(long)]
        reason: String,
        /// Where the correction comes from.
        #[arg(long, value_name = "URL")]
        source_url: Option<String>,
        /// Print a JSON object instead of a line of text.
        #[arg(long)]
        json: bool,
    },
    /// Record another source of a report's event: it counts once, with a confidence raised by
    /// independent sources.
    Corroborate {
        /// The report's id, or its first 6 or more characters.
        id: String,
        /// The other outlet.
        #[arg(long)]
        outlet: String,
        /// Its article's URL.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// When it was published.
        #[arg(long, value_name = "DATE")]
        published: Option<String>,
        /// Whom the outlet attributes it to.
        #[arg(long)]
        attribution: Option<String>,
        /// The sentence of its article.
        #[arg(long)]
        quote: Option<String>,
        /// Why it is the same event.
        #[arg(long)]
        reason: String,
        /// Print a JSON object instead of a line of text.
        #[arg(long)]
        json: bool,
    },
    /// Check the log: hash chain, positions, versions and ids, the database's integrity, the
    /// append-only triggers, the checkpoints; exit 1 when anything is wrong.
    Verify {
        /// One JSON object instead of a line of text.
        #[arg(long)]
        json: bool,
        /// First restore the append-only triggers if any is missing or changed (appends are
        /// refused until they are).
        #[arg(long)]
        repair_triggers: bool,
        /// Check that the log still holds each head these statements (`dyad head --sign`)
        /// witnessed: a log cut or rewritten below one fails, naming it.
        #[arg(long, value_name = "FILE", num_args = 1..)]
        witness: Vec<PathBuf>,
        /// Accept witnesses signed by this public key only (64 hex digits, as `dyad keygen`
        /// prints; repeatable). Without it, any valid signature is accepted.
        #[arg(long, value_name = "KEY", requires = "witness")]
        signer: Vec<String>,
    },
    /// Copy the log from one store to another exactly: positions, versions, recorded times,
    /// recorders and hashes, so `verify` prints the same head on both. Run again, it copies only
    /// what is new; a target that diverged from the source is refused untouched.
    ///
    /// Either side is a SQLite file or a `postgres://` URL: `dyad copy --from desk.db --to
    /// postgres://dyad@db.example/ministry`. Checkpoints (a cache) and the inbox are not copied.
    Copy {
        /// The log to copy (a file or a `postgres://` URL).
        #[arg(long, value_name = "DB")]
        from: PathBuf,
        /// The log to copy to (created if missing).
        #[arg(long, value_name = "DB")]
        to: PathBuf,
    },
    /// Write a consistent copy of the SQLite log (`--db`) to a new file while it is in use
    /// (SQLite's online backup API; a plain `cp` misses what is still in the write-ahead log).
    Backup {
        /// The new file.
        path: PathBuf,
    },
    /// Make an Ed25519 key for signing heads: the secret in KEYFILE (readable by you only), the
    /// public key in KEYFILE.pub and on stdout.
    Keygen {
        /// Where to write the secret key (never over an existing file).
        #[arg(value_name = "KEYFILE")]
        file: PathBuf,
    },
    /// The SHA-256 of a token read from stdin (its first line), as a users file of `dyad serve
    /// --users` holds it: `NAME ROLE HASH`.
    TokenHash,
    /// The log's head: its last position and hash. With --sign, a signed statement of it, to
    /// keep elsewhere and check later with `dyad verify --witness`.
    ///
    /// The whole log is verified before a head is signed.
    Head {
        /// Sign the head with this key (from `dyad keygen`) and print the statement (one JSON
        /// line).
        #[arg(long, value_name = "KEYFILE")]
        sign: Option<PathBuf>,
        /// Write the statement to this file instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE", requires = "sign")]
        output: Option<PathBuf>,
        /// Print the unsigned head as JSON.
        #[arg(long, conflicts_with = "sign")]
        json: bool,
    },
    /// Print a shell completion script: `dyad completions bash > /etc/bash_completion.d/dyad`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page (roff): `dyad man > dyad.1 && man ./dyad.1`.
    Man,
    /// Serve the log over HTTP (JSON API under /v1, live event stream, metrics).
    ///
    /// Binds to loopback by default. Appends need the write token when one is given
    /// (--token-file or DYAD_TOKEN); without one, only a loopback address is allowed. Reads are
    /// open unless --read-token-file is given. Prints `listening on ADDR` once ready; stops
    /// gracefully on Ctrl-C or SIGTERM.
    Serve {
        /// The address to listen on (port 0: any free port).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878")]
        addr: std::net::SocketAddr,
        /// A file holding the token appends need (else the DYAD_TOKEN environment variable).
        #[arg(long, value_name = "PATH")]
        token_file: Option<PathBuf>,
        /// A file holding the token reads need (reads are open without it).
        #[arg(long, value_name = "PATH")]
        read_token_file: Option<PathBuf>,
        /// One transaction per append request instead of group commit (for comparison).
        #[arg(long)]
        no_group_commit: bool,
        /// Publish the log's head at /v1/head signed with this key (from `dyad keygen`).
        #[arg(long, value_name = "KEYFILE")]
        head_key: Option<PathBuf>,
        /// The people of the web desk at `/`: one `NAME ROLE SHA256-OF-TOKEN` a line, role
        /// `read` or `write` (`dyad token-hash` makes the hash). Without it the pages are open
        /// to one analyst, on a loopback address only.
        #[arg(long, value_name = "FILE")]
        users: Option<PathBuf>,
    },
    /// List the codes events are written in.
    Codes {
        /// Which list.
        #[arg(value_enum)]
        list: CodeList,
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum InboxCommand {
    /// One proposal: its event, sentence, note and explanation (any status).
    Show {
        /// The proposal's id, or its first 6 or more characters.
        id: String,
        /// Print the proposal in the format `dyad append` reads (what --edit takes back).
        #[arg(long)]
        json: bool,
    },
    /// Accept proposals into the log, edited first if asked: validated and appended as one
    /// atomic batch, as `dyad append` does.
    Accept {
        /// The proposals' ids (or prefixes of 6 or more characters).
        #[arg(required = true)]
        ids: Vec<String>,
        /// Take every pending proposal of the articles of the proposals named.
        #[arg(long)]
        all: bool,
        /// Replace a field before accepting, e.g. --set confidence=0.8 --set source.outlet=Reuters
        /// (the value is read as JSON when it parses, else as text).
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// Replace the proposal by this file (as `dyad inbox show ID --json` prints it, edited);
        /// one proposal only.
        #[arg(long, value_name = "FILE")]
        edit: Option<String>,
        /// Record the proposal's source as a corroboration of this report (the same event from
        /// another outlet) instead of appending a second report.
        #[arg(long, value_name = "REPORT", conflicts_with = "all")]
        corroborates: Option<String>,
        /// With --corroborates: why it is the same event.
        #[arg(long, requires = "corroborates")]
        reason: Option<String>,
        /// Print one JSON object per event instead of lines of text.
        #[arg(long)]
        json: bool,
    },
    /// Reject proposals, saying why: they stay in the inbox as rejected and are not proposed
    /// again when the article is ingested again.
    Reject {
        /// The proposals' ids (or prefixes of 6 or more characters).
        #[arg(required = true)]
        ids: Vec<String>,
        /// Take every pending proposal of the articles of the proposals named.
        #[arg(long)]
        all: bool,
        /// Why (kept with the proposal).
        #[arg(long)]
        reason: String,
    },
}

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// dyad's own events, one JSON object a line, as `import` reads them.
    Ndjson,
    /// PLOVER-style events, one JSON object a line, as `import --format plover` reads them.
    Plover,
}

/// What `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ImportFormat {
    /// dyad's own events, one JSON object a line.
    Ndjson,
    /// GDELT 1.0 or 2.0 event files.
    Gdelt,
    /// ICEWS event files.
    Icews,
    /// PLOVER or POLECAT JSON lines.
    Plover,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

impl From<CompletionShell> for clap_complete::Shell {
    fn from(shell: CompletionShell) -> Self {
        match shell {
            CompletionShell::Bash => clap_complete::Shell::Bash,
            CompletionShell::Zsh => clap_complete::Shell::Zsh,
            CompletionShell::Fish => clap_complete::Shell::Fish,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Step {
    Day,
    Week,
    Month,
    Quarter,
}

impl From<Step> for Every {
    fn from(step: Step) -> Every {
        match step {
            Step::Day => Every::Day,
            Step::Week => Every::Week,
            Step::Month => Every::Month,
            Step::Quarter => Every::Quarter,
        }
    }
}

/// A `--known-at` moment: an RFC 3339 timestamp, or a bare date meaning the end of that day (UTC),
/// so that `--known-at 2017-06-20` counts everything recorded on the 20th.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(date) = calendar_date(text) {
        return date
            .and_hms_micro_opt(23, 59, 59, 999_999)
            .map(|end| end.and_utc())
            .ok_or_else(|| format!("`{text}` has no end of day"));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!(
                "`{text}` is not a moment ({e}); expected YYYY-MM-DD (the end of that day, UTC) or \
                 an RFC 3339 timestamp such as 2017-06-20T00:00:00Z"
            )
        })
}

/// A date flag, refused with the message `append` gives a bad date.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    calendar_date(text)
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// Markdown, with the charts as SVG files beside it.
    Md,
    /// One self-contained HTML file.
    Html,
    /// JSON.
    Json,
}

impl From<ReportFormat> for report::BriefingFormat {
    fn from(format: ReportFormat) -> Self {
        match format {
            ReportFormat::Md => report::BriefingFormat::Markdown,
            ReportFormat::Html => report::BriefingFormat::Html,
            ReportFormat::Json => report::BriefingFormat::Json,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CodeList {
    /// Action codes with their CAMEO/PLOVER anchors and default intensities.
    Actions,
    /// Actor codes: ISO 3166-1 alpha-3 states, organisations, armed groups.
    Actors,
    /// The framework's pillars, issues, pillar rules and levels.
    Framework,
}

/// Why a command failed, and the exit code it maps to.
enum Failure {
    /// Input refused or a check failed.
    Refused(String),
    /// The log could not be read or written.
    Storage(String),
    /// Writing the output failed (a closed pipe is not an error).
    Output(io::Error),
    /// The flags do not make a request (exit 2, as clap's own usage errors).
    Usage(String),
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Self {
        match &error {
            AppError::Store(
                StoreError::Open { .. }
                | StoreError::OpenPostgres { .. }
                | StoreError::NoLog { .. }
                | StoreError::Foreign { .. }
                | StoreError::Database(_)
                | StoreError::Postgres(_),
            )
            | AppError::Store(
                StoreError::Corrupt { .. } | StoreError::Migration(_) | StoreError::Unguarded(_),
            )
            | AppError::Undecodable { .. } => Failure::Storage(error.to_string()),
            _ => Failure::Refused(error.to_string()),
        }
    }
}

impl From<InboxError> for Failure {
    fn from(error: InboxError) -> Self {
        match error {
            InboxError::App(error) => Failure::from(error),
            other => Failure::Refused(other.to_string()),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Failure::Output(error)
    }
}

/// Runs the command line; `main` only calls this.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = run(cli, &mut out).and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        Err(Failure::Output(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(Failure::Output(error)) => {
            eprintln!("error: cannot write output: {error}");
            ExitCode::from(1)
        }
        Err(Failure::Refused(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Storage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(3)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\nFor more information, try '--help'.");
            ExitCode::from(2)
        }
    }
}

/// Who records: `--as` (or `$DYAD_USER`, which clap reads for it), else the system user name.
fn recorder(given: Option<String>) -> Result<Recorder, Failure> {
    let system_user = || {
        ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    };
    match given.or_else(system_user) {
        Some(name) => Recorder::parse(&name).map_err(|e| Failure::Refused(e.to_string())),
        None => Ok(Recorder::unknown()),
    }
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitCode, Failure> {
    let framework = load_framework(cli.framework.as_deref())?;
    let recorder = recorder(cli.recorder)?;
    let framework_file = cli.framework.map(|path| path.display().to_string());
    let tracker = match cli.command {
        Command::Codes { list, json } => {
            print_codes(out, list, json, &framework)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Parse { text } => {
            parse_text(out, text.as_deref())?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(clap_complete::Shell::from(shell), &mut command, "dyad", out);
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(out)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Copy { from, to } => {
            let clock: Arc<dyn crate::domain::clock::Clock> = Arc::new(SystemClock);
            let source = LogStore::open_with(&from, clock.clone(), OpenMode::Read)
                .map_err(AppError::from)?;
            let mut target =
                LogStore::open_with(&to, clock, OpenMode::Create).map_err(AppError::from)?;
            let report = crate::app::copy_log(&source, &mut target)?;
            writeln!(
                out,
                "copied {} events ({} were already there); head at position {}, hash {}",
                report.copied, report.already, report.head.0, report.head.1
            )?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Backup { path } => {
            let store = LogStore::open_with(&cli.db, Arc::new(SystemClock), OpenMode::Read)
                .map_err(AppError::from)?;
            store.backup_to(&path).map_err(AppError::from)?;
            writeln!(out, "backed up the log to {}", path.display())?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::TokenHash => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            if line.trim().is_empty() {
                return Err(Failure::Refused(
                    "no token on stdin; e.g. `printf '%s' \"$TOKEN\" | dyad token-hash`".into(),
                ));
            }
            writeln!(out, "{}", crate::web::token_hash(&line))?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Keygen { file } => {
            let key = WitnessKey::generate().map_err(|e| Failure::Refused(e.to_string()))?;
            key.save(&file)
                .map_err(|e| Failure::Refused(e.to_string()))?;
            eprintln!(
                "wrote the secret key to {} (keep it private) and the public key to {}.pub",
                file.display(),
                file.display()
            );
            writeln!(out, "{}", key.public_key())?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Serve {
            addr,
            token_file,
            read_token_file,
            no_group_commit,
            head_key,
            users,
        } => {
            let users = users
                .map(|path| crate::web::Users::load(&path))
                .transpose()
                .map_err(Failure::Refused)?;
            let head_key = head_key
                .map(|path| WitnessKey::load(&path))
                .transpose()
                .map_err(|e| Failure::Refused(e.to_string()))?;
            let config = ServerConfig {
                recorder,
                head_key,
                users,
                ..server_config(
                    framework,
                    cli.db,
                    token_file,
                    read_token_file,
                    no_group_commit,
                )?
            };
            serve(addr, config, out)?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => Tracker::open_with(
            &cli.db,
            framework,
            Arc::new(SystemClock),
            open_mode(&cli.command),
        )?
        .with_recorder(recorder),
    };
    run_on_log(cli.command, tracker, framework_file, out)
}

/// How a command opens the log: only the commands that write events create one.
fn open_mode(command: &Command) -> OpenMode {
    match command {
        Command::Append { .. } | Command::Import { .. } | Command::Ingest { .. } => {
            OpenMode::Create
        }
        Command::Correct { .. }
        | Command::Retract { .. }
        | Command::Corroborate { .. }
        | Command::Inbox {
            command: Some(InboxCommand::Accept { .. } | InboxCommand::Reject { .. }),
            ..
        }
        | Command::Verify {
            repair_triggers: true,
            ..
        } => OpenMode::Existing,
        _ => OpenMode::Read,
    }
}

/// The commands that read or write the log.
fn run_on_log(
    command: Command,
    mut tracker: Tracker,
    framework_file: Option<String>,
    out: &mut dyn Write,
) -> Result<ExitCode, Failure> {
    match command {
        Command::Append {
            file,
            expect_version,
            strict_duplicates,
            json,
        } => {
            let check = if strict_duplicates {
                DuplicateCheck::Refuse
            } else {
                DuplicateCheck::Warn
            };
            let appended = if file == "-" {
                tracker.append_ndjson_streamed(
                    io::BufReader::new(io::stdin()),
                    "stdin",
                    expect_version,
                    check,
                )?
            } else {
                let reader = std::fs::File::open(&file)
                    .map_err(|e| Failure::Refused(format!("cannot read {file}: {e}")))?;
                tracker.append_ndjson_streamed(
                    io::BufReader::new(reader),
                    &file,
                    expect_version,
                    check,
                )?
            };
            let duplicates = &appended.duplicates;
            for (line, duplicate) in duplicates.iter().take(LISTED_WARNINGS) {
                warn_duplicate(&format!("line {line}"), duplicate);
            }
            if duplicates.len() > LISTED_WARNINGS {
                eprintln!(
                    "warning: ... and {} more likely duplicates",
                    duplicates.len() - LISTED_WARNINGS
                );
            }
            print_streamed_append(out, &tracker, &appended, json)?;
        }
        Command::Corroborate {
            id,
            outlet,
            url,
            published,
            attribution,
            quote,
            reason,
            json,
        } => {
            let id = tracker.resolve_id(&id)?;
            let source = SourceInput {
                outlet,
                url,
                published_on: published,
                attribution,
                quote,
            };
            let summary = tracker.corroborate(id, source, &reason)?;
            print_append(out, &summary, json)?;
        }
        Command::Ingest {
            article,
            url,
            outlet,
            published,
            dictionary,
            json,
            commit,
            explain,
        } => {
            let options = CodingOptions {
                url,
                outlet,
                published,
            };
            let output = IngestOutput {
                json,
                commit,
                explain,
            };
            ingest(out, &mut tracker, &article, dictionary, &options, output)?;
        }
        Command::Import {
            file,
            format,
            dry_run,
            atomic,
            batch,
            json,
        } => {
            let options = ImportOptions {
                batch_size: batch,
                atomic,
            };
            let field_format = match format {
                ImportFormat::Ndjson if dry_run => {
                    return Err(Failure::Usage(
                        "--dry-run goes with --format gdelt|icews|plover".into(),
                    ));
                }
                ImportFormat::Ndjson => return import(out, &mut tracker, &file, options, json),
                ImportFormat::Gdelt => FieldFormat::Gdelt,
                ImportFormat::Icews => FieldFormat::Icews,
                ImportFormat::Plover => FieldFormat::Plover,
            };
            return import_field(out, &mut tracker, &file, field_format, dry_run, json);
        }
        Command::Export {
            file,
            format,
            as_of,
            known_at,
            dyad,
        } => {
            let filter = LogFilter {
                dyad,
                until: as_of,
                known_at,
                ..LogFilter::default()
            };
            match file {
                Some(path) => {
                    let created = std::fs::File::create(&path).map_err(|e| {
                        Failure::Refused(format!("cannot write {}: {e}", path.display()))
                    })?;
                    let mut writer = io::BufWriter::new(created);
                    export(&mut writer, &tracker, &filter, format)?;
                    writer.flush()?;
                }
                None => export(out, &tracker, &filter, format)?,
            }
        }
        Command::Log {
            since,
            until,
            known_at,
            dyad,
            pillar,
            issue,
            actor,
            target,
            action,
            source,
            grep,
            limit,
            json,
            csv,
        } => {
            let filter = LogFilter {
                dyad,
                since,
                until,
                known_at,
                after_position: None,
                pillar,
                issue,
                actor,
                target,
                action,
                outlet: source,
                grep,
                limit,
            };
            let format = match (json, csv) {
                (true, _) => LogFormat::Json,
                (_, true) => LogFormat::Csv,
                _ => LogFormat::Table,
            };
            print_log(out, &tracker, filter, format)?;
        }
        Command::Status {
            as_of,
            known_at,
            dyad,
            json,
        } => {
            let status = tracker.status(dyad.as_deref(), When { as_of, known_at })?;
            if json {
                report::json::status(out, &status)?;
            } else {
                let colour = report::text::colour_wanted(
                    io::stdout().is_terminal(),
                    std::env::var_os("NO_COLOR").as_deref(),
                );
                report::text::status_in_colour(out, &status, tracker.framework(), colour)?;
            }
        }
        Command::Replay {
            from,
            to,
            every,
            known_at,
            dyad,
            json,
            csv,
            issues,
            long,
        } => {
            let format = if json {
                report::ReplayFormat::Json
            } else if csv {
                report::ReplayFormat::Csv(report::csv::ReplayCsv { issues, long })
            } else {
                report::ReplayFormat::Table
            };
            replay(
                out,
                &tracker,
                dyad.as_deref(),
                (from, to, every.into()),
                known_at,
                format,
            )?;
        }
        Command::Explain {
            pillar,
            issue,
            as_of,
            known_at,
            limit,
            dyad,
            json,
        } => {
            let limit = if limit == 0 { usize::MAX } else { limit };
            let explanation = tracker.explain(
                dyad.as_deref(),
                Scope { pillar, issue },
                limit,
                When { as_of, known_at },
            )?;
            if json {
                report::json::write_line(out, &explanation)?;
            } else {
                report::text::explain(out, &explanation)?;
            }
        }
        Command::Report {
            from,
            to,
            as_of,
            known_at,
            format,
            output,
            issue_charts,
            dyad,
        } => {
            let request = BriefingRequest {
                dyad,
                from,
                to,
                as_of,
                known_at,
                issue_charts,
                framework_file,
            };
            write_report(out, &tracker, &request, format.into(), output.as_deref())?;
        }
        Command::Retract {
            id,
            reason,
            source_url,
            json,
        } => {
            let id = tracker.resolve_id(&id)?;
            let summary = tracker.retract(id, &reason, source_url)?;
            print_append(out, &summary, json)?;
        }
        Command::Correct {
            id,
            file,
            reason,
            source_url,
            json,
        } => {
            let id = tracker.resolve_id(&id)?;
            let fields = read_fields(&file)?;
            let summary = tracker.correct(id, fields, &reason, source_url)?;
            print_append(out, &summary, json)?;
        }
        Command::Inbox { command, json } => inbox(out, &mut tracker, command, json)?,
        Command::Diff {
            as_of,
            known_at,
            limit,
            dyad,
            json,
        } => {
            let limit = if limit == 0 { usize::MAX } else { limit };
            let diff = match (as_of.as_slice(), known_at.as_slice()) {
                ([from, to], [] | [_]) => tracker.diff_as_of(
                    dyad.as_deref(),
                    (*from, *to),
                    known_at.first().copied(),
                    limit,
                )?,
                ([] | [_], [from, to]) => tracker.diff_known_at(
                    dyad.as_deref(),
                    (*from, *to),
                    as_of.first().copied(),
                    limit,
                )?,
                _ => {
                    return Err(Failure::Usage(
                        "give two --as-of dates (and at most one --known-at), or two --known-at \
                         moments (and at most one --as-of)"
                            .into(),
                    ));
                }
            };
            if json {
                report::json::write_line(out, &diff)?;
            } else {
                report::text::diff(out, &diff)?;
            }
        }
        Command::Verify {
            json,
            repair_triggers,
            witness,
            signer,
        } => {
            if repair_triggers {
                for repaired in tracker.repair_guards()? {
                    eprintln!("repaired: {repaired}");
                }
            }
            let mut verdict = tracker.verify()?;
            for file in &witness {
                let problem = match SignedHead::load(file) {
                    Err(error) => Some(error.to_string()),
                    Ok(head) if !signer.is_empty() && !signer.contains(&head.signer) => {
                        Some(format!(
                            "{}: signed by {}, not a --signer given",
                            file.display(),
                            head.signer
                        ))
                    }
                    Ok(head) => tracker
                        .witness_problem(&head)?
                        .map(|problem| format!("witness {}: {problem}", file.display())),
                };
                verdict.problems.extend(problem);
            }
            if json {
                report::json::verify(out, &verdict)?;
            } else {
                report::text::verify(out, &verdict)?;
            }
            if !verdict.is_sound() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Head { sign, output, json } => {
            let Some(keyfile) = sign else {
                let (position, hash) = tracker.head()?;
                if json {
                    report::json::write_line(
                        out,
                        &serde_json::json!({"position": position, "head_hash": hash}),
                    )?;
                } else {
                    writeln!(out, "position {position}, head hash {hash}")?;
                }
                return Ok(ExitCode::SUCCESS);
            };
            let key = WitnessKey::load(&keyfile).map_err(|e| Failure::Refused(e.to_string()))?;
            let head = tracker.sign_head(&key)?;
            match output {
                None => report::json::write_line(out, &head)?,
                Some(path) => {
                    let mut line = Vec::new();
                    report::json::write_line(&mut line, &head)?;
                    std::fs::write(&path, line).map_err(|e| {
                        Failure::Refused(format!("cannot write {}: {e}", path.display()))
                    })?;
                }
            }
        }
        Command::Codes { .. }
        | Command::Copy { .. }
        | Command::Backup { .. }
        | Command::Keygen { .. }
        | Command::TokenHash
        | Command::Serve { .. }
        | Command::Parse { .. }
        | Command::Completions { .. }
        | Command::Man => {
            unreachable!("handled before opening the log")
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The service's settings from the command line and `DYAD_TOKEN`.
fn server_config(
    framework: crate::domain::framework::Framework,
    db: PathBuf,
    token_file: Option<PathBuf>,
    read_token_file: Option<PathBuf>,
    no_group_commit: bool,
) -> Result<ServerConfig, Failure> {
    let write_token = match (token_file, std::env::var("DYAD_TOKEN")) {
        (Some(path), _) => Some(Token::from_file(&path)),
        (None, Ok(secret)) => Some(Token::new(&secret, "DYAD_TOKEN")),
        (None, Err(_)) => None,
    };
    Ok(ServerConfig {
        framework,
        write_token: write_token.transpose().map_err(ServerError::from)?,
        read_token: read_token_file
            .map(|path| Token::from_file(&path))
            .transpose()
            .map_err(ServerError::from)?,
        group_commit: !no_group_commit,
        ..ServerConfig::new(db)
    })
}

/// `dyad inbox` and its subcommands.
fn inbox(
    out: &mut dyn Write,
    tracker: &mut Tracker,
    command: Option<InboxCommand>,
    json: bool,
) -> Result<(), Failure> {
    match command {
        None => {
            let pending = crate::inbox::pending(tracker)?;
            if json {
                for proposal in &pending {
                    report::json::write_line(out, &report::json::inbox_proposal(proposal))?;
                }
            } else {
                report::text::inbox(out, &pending, tracker.framework())?;
            }
        }
        Some(InboxCommand::Show { id, json }) => {
            let proposal = crate::inbox::find(tracker, &id)?;
            if json {
                report::json::write_line(out, &proposal.event)?;
            } else {
                report::text::inbox_proposal(out, &proposal)?;
            }
        }
        Some(InboxCommand::Accept {
            ids,
            all,
            set,
            edit,
            corroborates,
            reason,
            json,
        }) => {
            let mut edits = Edits::default();
            for assignment in &set {
                edits.set.push(
                    Edits::parse_set(assignment).map_err(|e| Failure::Refused(e.to_string()))?,
                );
            }
            if let Some(file) = edit {
                let text = read_bounded(&file, crate::ingest::ndjson::MAX_EVENT_BYTES as u64)?;
                let object = crate::ingest::json::read_object(&text)
                    .map_err(|e| Failure::Refused(format!("{file}: {e}")))?;
                edits.replaced = Some(
                    serde_json::from_value(serde_json::Value::Object(object))
                        .map_err(|e| Failure::Refused(format!("{file}: {e}")))?,
                );
            }
            let summary = match (corroborates, ids.as_slice()) {
                (Some(report), [proposal]) => crate::inbox::corroborate(
                    tracker,
                    proposal,
                    &report,
                    reason.as_deref(),
                    &edits,
                )?,
                (Some(_), _) => {
                    return Err(Failure::Refused(
                        "--corroborates records one proposal as a source; name one".into(),
                    ));
                }
                (None, _) => {
                    let accepted = crate::inbox::accept(tracker, &ids, all, &edits)?;
                    for (id, duplicate) in &accepted.duplicates {
                        warn_duplicate(&format!("proposal {}", short_id(*id)), duplicate);
                    }
                    accepted.summary
                }
            };
            print_append(out, &summary, json)?;
        }
        Some(InboxCommand::Reject { ids, all, reason }) => {
            let rejected = crate::inbox::reject(tracker, &ids, all, &reason)?;
            for id in &rejected {
                writeln!(out, "rejected {}", short_id(*id))?;
            }
            writeln!(
                out,
                "{} rejected; they will not be proposed again",
                rejected.len()
            )?;
        }
    }
    Ok(())
}

/// Proposes the article's events: files them in the inbox and prints them, or appends them at
/// once with `commit`.
fn ingest(
    out: &mut dyn Write,
    tracker: &mut Tracker,
    article: &str,
    dictionary: Option<PathBuf>,
    options: &CodingOptions,
    output: IngestOutput,
) -> Result<(), Failure> {
    let IngestOutput {
        json,
        commit,
        explain,
    } = output;
    let text = read_bounded(article, MAX_ARTICLE_BYTES)?;
    let dictionary = match dictionary {
        Some(path) => Dictionary::extended(&path).map_err(|e| Failure::Refused(e.to_string()))?,
        None => Dictionary::builtin(),
    };
    if commit {
        let proposals = tracker
            .propose(&text, &dictionary, options)
            .map_err(|e| Failure::Refused(e.to_string()))?;
        for (proposal, problem) in &proposals.refused {
            eprintln!("skipped a proposal ({}): {problem}", proposal.event.summary);
        }
        let events: Vec<_> = proposals
            .valid
            .iter()
            .map(|(_, event)| event.clone())
            .collect();
        for (index, duplicate) in tracker.likely_duplicates(&events)? {
            warn_duplicate(
                &format!("proposal {}", short_id(events[index].id)),
                &duplicate,
            );
        }
        let summary = tracker.append(events, None)?;
        print_append(out, &summary, json)?;
        return Ok(());
    }
    let filing = crate::inbox::ingest(tracker, &text, &dictionary, options)?;
    for (proposal, problem) in &filing.refused {
        eprintln!("skipped a proposal ({}): {problem}", proposal.event.summary);
    }
    let listed: Vec<_> = filing.filed.iter().map(|(p, _)| p.clone()).collect();
    if json {
        for proposal in &listed {
            report::json::write_line(out, &proposal.event)?;
        }
        // Scripts read stdout as NDJSON: the inbox's tally goes to stderr.
        let mut tally = Vec::new();
        report::text::filing(&mut tally, &filing)?;
        eprint!("{}", String::from_utf8_lossy(&tally));
    } else {
        report::text::proposals(out, &listed, tracker.framework(), explain)?;
        report::text::filing(out, &filing)?;
    }
    Ok(())
}

/// How `ingest` shows its proposals.
struct IngestOutput {
    json: bool,
    commit: bool,
    explain: bool,
}

/// `dyad parse`: each sentence of the text as CoNLL-U.
fn parse_text(out: &mut dyn Write, text: Option<&str>) -> Result<(), Failure> {
    let text = match text {
        None | Some("-") => read_bounded("-", MAX_ARTICLE_BYTES)?,
        Some(text) => text.to_string(),
    };
    let parser = parse::Parser::shipped().map_err(|e| Failure::Refused(e.to_string()))?;
    let dictionary = Dictionary::builtin();
    let sentences = article::sentences(&text);
    let sentences: Vec<&str> = sentences.iter().map(String::as_str).collect();
    for readings in read_article_as_coded(parser, &sentences, &dictionary) {
        for (read, parsed) in readings {
            writeln!(out, "# text = {}", read.replace('\n', " "))?;
            write!(out, "{}", parsed.to_conllu())?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// The status on each step from `from` to `to` (default today), one row at a time.
fn replay(
    out: &mut dyn Write,
    tracker: &Tracker,
    dyad: Option<&str>,
    (from, to, every): (NaiveDate, Option<NaiveDate>, Every),
    known_at: Option<DateTime<Utc>>,
    format: report::ReplayFormat,
) -> Result<(), Failure> {
    let to = to.unwrap_or_else(|| tracker.today());
    if to < from {
        return Err(Failure::Refused(format!(
            "--to {to} is before --from {from}"
        )));
    }
    let dates = replay_dates(from, to, every);
    let mut written = Ok(());
    let mut first = true;
    tracker.replay(dyad, &dates, known_at, |status| {
        written = report::replay_row(out, format, &status, tracker.framework(), first);
        first = false;
        if written.is_ok() {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    })?;
    Ok(written?)
}

/// Writes a report: to stdout, or to `output` with its charts beside it.
fn write_report(
    out: &mut dyn Write,
    tracker: &Tracker,
    request: &BriefingRequest,
    format: report::BriefingFormat,
    output: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let briefing = tracker.briefing(request)?;
    for file in report::render_briefing(&briefing, format, output)? {
        match file.path {
            None => out.write_all(&file.bytes)?,
            Some(path) => std::fs::write(&path, &file.bytes)
                .map_err(|e| Failure::Refused(format!("cannot write {}: {e}", path.display())))?,
        }
    }
    Ok(())
}

/// Binds, says where it listens, and serves until Ctrl-C or SIGTERM.
fn serve(
    addr: std::net::SocketAddr,
    config: ServerConfig,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    server::check_exposure(addr, &config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Refused(format!("cannot start the server's runtime: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Failure::Refused(format!("cannot listen on {addr}: {e}")))?;
        let bound = listener.local_addr().map_err(ServerError::from)?;
        eprintln!(
            "dyad serve: log {}, group commit {}, appends need a token: {}, reads need a token: {}",
            config.db.display(),
            if config.group_commit { "on" } else { "off" },
            if config.write_token.is_some() {
                "yes"
            } else {
                "no"
            },
            if config.read_token.is_some() {
                "yes"
            } else {
                "no"
            },
        );
        eprintln!(
            "dyad serve: the web desk at http://{bound}/ ({})",
            if config.users.is_some() {
                "sign in with a token of the users file"
            } else {
                "open to one analyst: no users file"
            }
        );
        writeln!(out, "listening on {bound}")?;
        out.flush()?;
        server::run(listener, config, server::shutdown_signal()).await?;
        eprintln!("dyad serve: stopped");
        Ok(())
    })
}

impl From<ServerError> for Failure {
    fn from(error: ServerError) -> Self {
        match error {
            ServerError::App(error) => Failure::from(error),
            other => Failure::Refused(other.to_string()),
        }
    }
}

fn print_append(
    out: &mut dyn Write,
    summary: &crate::app::AppendSummary,
    json: bool,
) -> io::Result<()> {
    if json {
        report::json::append_summary(out, summary)
    } else {
        report::text::append_summary(out, summary)
    }
}

/// Prints a streamed append as [`print_append`] prints a batch, reading the events back from
/// the log a few at a time so that memory stays flat.
fn print_streamed_append(
    out: &mut dyn Write,
    tracker: &Tracker,
    appended: &crate::app::StreamedAppend,
    json: bool,
) -> Result<(), Failure> {
    let mut recorded = 0;
    for outcomes in appended.outcomes.chunks(PRINTED_AT_ONCE) {
        let summary = crate::app::AppendSummary {
            events: tracker.appended_events(outcomes)?,
            receipt: crate::store::AppendReceipt {
                outcomes: outcomes.to_vec(),
                recorded_at: appended.recorded_at,
            },
        };
        if json {
            report::json::append_summary(out, &summary)?;
        } else {
            recorded += report::text::append_lines(out, &summary)?;
        }
    }
    if !json {
        report::text::append_count(out, recorded, appended.outcomes.len() - recorded)?;
    }
    Ok(())
}

/// How many appended events are read back and printed at a time.
const PRINTED_AT_ONCE: usize = 1_000;

/// Says on stderr that `what` was likely an event the log already held, and what to do.
fn warn_duplicate(what: &str, duplicate: &crate::app::LikelyDuplicate) {
    eprintln!(
        "warning: {what}: {duplicate}; to count it once, record its source with `dyad \
         corroborate {}` (or use --strict-duplicates to refuse such batches)",
        short_id(duplicate.id)
    );
}

/// How many likely duplicates `append` lists (as it lists refused lines: the first 20, then a
/// count).
const LISTED_WARNINGS: usize = 20;

/// The largest article `ingest` reads.
const MAX_ARTICLE_BYTES: u64 = 4 * 1024 * 1024;

/// A whole file, or stdin for `-`, refused beyond `limit` bytes.
fn read_bounded(file: &str, limit: u64) -> Result<String, Failure> {
    let mut text = String::new();
    let read = if file == "-" {
        io::Read::read_to_string(
            &mut io::Read::take(io::stdin().lock(), limit + 1),
            &mut text,
        )
    } else {
        std::fs::File::open(file)
            .and_then(|f| io::Read::read_to_string(&mut io::Read::take(f, limit + 1), &mut text))
    };
    read.map_err(|e| Failure::Refused(format!("cannot read {file}: {e}")))?;
    if text.len() as u64 > limit {
        return Err(Failure::Refused(format!(
            "{file} is larger than {limit} bytes"
        )));
    }
    // Editors on Windows begin files with a byte-order mark: it is not part of the text.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// The JSON object of replaced fields `dyad correct` reads.
fn read_fields(file: &str) -> Result<serde_json::Map<String, serde_json::Value>, Failure> {
    let text = read_bounded(file, crate::ingest::ndjson::MAX_EVENT_BYTES as u64)?;
    match crate::ingest::json::read_object(&text) {
        Ok(fields) => Ok(fields),
        Err(crate::ingest::json::JsonError::NotAnObject { .. }) => Err(Failure::Refused(format!(
            "{file}: expected a JSON object of the replaced fields, e.g. {{\"occurred_on\": \"2017-04-20\"}}"
        ))),
        Err(e) => Err(Failure::Refused(format!("{file}: {e}"))),
    }
}

/// Imports `file` with a progress bar on a terminal (events/s and ETA from the file's size),
/// prints the summary, and lists the refused lines on stderr (exit 1 when there are any).
fn import(
    out: &mut dyn Write,
    tracker: &mut Tracker,
    file: &str,
    options: ImportOptions,
    json: bool,
) -> Result<ExitCode, Failure> {
    let (reader, size): (Box<dyn io::BufRead + Send>, Option<u64>) = if file == "-" {
        (Box::new(io::BufReader::new(io::stdin())), None)
    } else {
        let opened = std::fs::File::open(file)
            .map_err(|e| Failure::Refused(format!("cannot read {file}: {e}")))?;
        let size = opened.metadata().ok().map(|m| m.len());
        (
            Box::new(io::BufReader::with_capacity(1 << 16, opened)),
            size,
        )
    };
    let bar = progress_bar(size);
    let started = std::time::Instant::now();
    let summary = tracker.import(reader, options, |progress| {
        bar.set_position(progress.bytes);
        let rate = progress.lines as f64 / started.elapsed().as_secs_f64().max(1e-3);
        bar.set_message(format!("{} lines, {rate:.0} events/s", progress.lines));
    });
    bar.finish_and_clear();
    let summary = summary.map_err(|error| match error {
        // Name the file, which the import does not know.
        AppError::Input(InputError::Empty { .. }) => {
            Failure::Refused(format!("{file} holds no events; nothing was imported"))
        }
        other => Failure::from(other),
    })?;
    if json {
        report::json::write_line(out, &summary)?;
    } else {
        report::text::import_summary(out, &summary)?;
    }
    if summary.refused == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    for refusal in &summary.refusals {
        eprintln!("refused: {refusal}");
    }
    let unlisted = summary.refused as usize - summary.refusals.len();
    if unlisted > 0 {
        eprintln!("refused: ... and {unlisted} more lines");
    }
    Ok(ExitCode::from(1))
}

/// `import --format gdelt|icews|plover`: the file's rows between the dyad's states, converted
/// as they are read, then imported as one transaction through the same validation as dyad's own
/// NDJSON. One progress bar covers both: the file's bytes, then the events.
fn import_field(
    out: &mut dyn Write,
    tracker: &mut Tracker,
    file: &str,
    format: FieldFormat,
    dry_run: bool,
    json: bool,
) -> Result<ExitCode, Failure> {
    let (reader, file_size): (Box<dyn io::BufRead>, Option<u64>) = if file == "-" {
        (Box::new(io::BufReader::new(io::stdin())), None)
    } else {
        let opened = std::fs::File::open(file)
            .map_err(|e| Failure::Refused(format!("cannot read {file}: {e}")))?;
        let size = opened.metadata().ok().map(|m| m.len());
        (
            Box::new(io::BufReader::with_capacity(1 << 16, opened)),
            size,
        )
    };
    let dyad = tracker.framework().dyad.clone();
    let bar = progress_bar(file_size);
    bar.set_message("reading");
    let conversion = field::convert(format, reader, &dyad, |bytes| bar.set_position(bytes));
    let conversion = match conversion {
        Ok(conversion) => conversion,
        Err(error) => {
            bar.finish_and_clear();
            return Err(Failure::Refused(format!("cannot read {file}: {error}")));
        }
    };
    if conversion.refused_rows > 0 || dry_run {
        bar.finish_and_clear();
    }
    if conversion.refused_rows > 0 {
        for refusal in &conversion.refused {
            eprintln!("refused: {refusal}");
        }
        let unnamed = conversion.refused_rows - conversion.refused.len() as u64;
        if unnamed > 0 {
            eprintln!("refused: ... and {unnamed} more rows");
        }
        return Err(Failure::Refused(format!(
            "{} of {} rows of {file} could not be read; nothing was imported",
            conversion.refused_rows, conversion.rows
        )));
    }
    let coverage = field_coverage(&conversion, &dyad);
    if dry_run {
        for event in conversion.event_lines() {
            writeln!(out, "{event}")?;
        }
        eprintln!("{coverage}");
        return Ok(ExitCode::SUCCESS);
    }
    if conversion.event_count() == 0 {
        bar.finish_and_clear();
        eprintln!("{coverage}");
        return Err(Failure::Refused(format!(
            "{file} holds no {dyad} events dyad can map; nothing was imported"
        )));
    }
    let options = ImportOptions {
        atomic: true,
        ..ImportOptions::default()
    };
    // The bar's second part: one step per event, after the file's bytes.
    let read = bar.position();
    bar.set_length(read + conversion.event_count() as u64);
    bar.set_message("importing");
    let summary = tracker.import(conversion.ndjson(), options, |progress| {
        bar.set_position(read + progress.lines);
    });
    bar.finish_and_clear();
    let summary = summary?;
    if json {
        report::json::write_line(out, &summary)?;
    } else {
        report::text::import_summary(out, &summary)?;
        writeln!(out, "{coverage}")?;
    }
    if summary.refused == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    for refusal in &summary.refusals {
        eprintln!("refused: {refusal}");
    }
    Ok(ExitCode::from(1))
}

/// One line on what a field file gave: rows read, rows of the dyad, repeated rows merged, and
/// the rows whose code had no mapping, by code.
fn field_coverage(conversion: &field::Conversion, dyad: &str) -> String {
    let mut line = format!(
        "{} rows, {} of {dyad}: {} events ({} repeated rows merged), {} rows with no mapping",
        conversion.rows,
        conversion.dyad_rows,
        conversion.event_count(),
        conversion.merged,
        conversion.unmapped_rows()
    );
    if !conversion.unmapped.is_empty() {
        let codes: Vec<String> = conversion
            .unmapped
            .iter()
            .map(|(code, n)| format!("{code} ×{n}"))
            .collect();
        line.push_str(&format!(" ({})", codes.join(", ")));
    }
    line
}

fn progress_bar(size: Option<u64>) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    match size {
        Some(size) => ProgressBar::new(size).with_style(
            ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} (ETA {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    }
}

fn export(
    out: &mut dyn Write,
    tracker: &Tracker,
    filter: &LogFilter,
    format: ExportFormat,
) -> Result<(), Failure> {
    let mut write_error = None;
    // Actions PLOVER has no type for, by action: said on stderr, not silently dropped.
    let mut without_type: std::collections::BTreeMap<String, u64> = Default::default();
    tracker.log(filter, |logged, amended| {
        let line = match format {
            ExportFormat::Ndjson => report::json::export_line(logged),
            // PLOVER has no amendments: a retracted report no longer stands, and corrections,
            // retractions and corroborations are not events of the field's kind.
            ExportFormat::Plover if amended.retracted => return ControlFlow::Continue(()),
            ExportFormat::Plover => match field::plover_line(&logged.event) {
                Some(line) => line,
                None => {
                    if let Some(body) = logged.event.report_body() {
                        *without_type.entry(body.action.clone()).or_default() += 1;
                    }
                    return ControlFlow::Continue(());
                }
            },
        };
        match report::json::write_line(out, &line) {
            Ok(()) => ControlFlow::Continue(()),
            Err(error) => {
                write_error = Some(error);
                ControlFlow::Break(())
            }
        }
    })?;
    if let Some(error) = write_error {
        return Err(Failure::Output(error));
    }
    if !without_type.is_empty() {
        let actions: Vec<String> = without_type
            .iter()
            .map(|(action, n)| format!("{action} ×{n}"))
            .collect();
        eprintln!(
            "not exported, no PLOVER type: {} reports ({})",
            without_type.values().sum::<u64>(),
            actions.join(", ")
        );
    }
    Ok(())
}

/// How `log` prints its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogFormat {
    Table,
    Json,
    Csv,
}

fn print_log(
    out: &mut dyn Write,
    tracker: &Tracker,
    filter: LogFilter,
    format: LogFormat,
) -> Result<(), Failure> {
    tracker.check_log_filter(&filter)?;
    match format {
        LogFormat::Table => report::text::log_header(out)?,
        LogFormat::Csv => report::csv::log_header(out)?,
        LogFormat::Json => {}
    }
    let (framework, taxonomy) = (tracker.framework(), tracker.taxonomy());
    let mut write_error = None;
    tracker.log(&filter, |event, amended| {
        let written = match format {
            LogFormat::Json => report::json::write_line(
                out,
                &report::json::logged_event(event, amended, framework, taxonomy),
            ),
            LogFormat::Table => report::text::log_row(out, event, amended, framework, taxonomy),
            LogFormat::Csv => report::csv::log_row(out, event, amended, framework, taxonomy),
        };
        match written {
            Ok(()) => ControlFlow::Continue(()),
            Err(error) => {
                write_error = Some(error);
                ControlFlow::Break(())
            }
        }
    })?;
    write_error.map_or(Ok(()), |e| Err(Failure::Output(e)))
}

fn print_codes(
    out: &mut dyn Write,
    list: CodeList,
    json: bool,
    framework: &crate::domain::framework::Framework,
) -> Result<(), Failure> {
    let taxonomy = crate::domain::taxonomy::Taxonomy::builtin();
    match (list, json) {
        (CodeList::Framework, true) => report::json::write_line(out, framework)?,
        (CodeList::Framework, false) => report::text::framework(out, framework)?,
        (CodeList::Actions, true) => {
            for action in taxonomy.actions() {
                report::json::write_line(out, action)?;
            }
        }
        (CodeList::Actions, false) => report::text::actions(out, taxonomy)?,
        (CodeList::Actors, true) => {
            for actor in taxonomy.actors() {
                report::json::write_line(out, actor)?;
            }
        }
        (CodeList::Actors, false) => report::text::actors(out, taxonomy)?,
    }
    Ok(())
}
