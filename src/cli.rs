//! The command line: parses arguments (clap), calls the [`crate::app`] use cases, hands results
//! to [`crate::report`], and turns errors into exit codes. No domain logic lives here.
//!
//! Exit codes: 0 success; 1 input refused or a check failed (validation, version or id conflict,
//! `verify` found a problem); 2 usage error; 3 the log could not be read or written (I/O, a
//! locked or damaged database file).

use crate::app::{AppError, LogFilter, Tracker, load_framework};
use crate::domain::clock::SystemClock;
use crate::report;
use crate::store::StoreError;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

const AFTER_HELP: &str = "\
Exit codes: 0 success; 1 input refused or check failed; 2 usage error;
            3 the log could not be read or written.

Example:
  dyad --db tillerson.db append examples/tillerson_2017.ndjson
  dyad --db tillerson.db status --as-of 2017-06-19";

/// Track the relationship between two states as an append-only, hash-chained log of events.
#[derive(Debug, Parser)]
#[command(name = "dyad", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// The log's SQLite file (created if missing).
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
        /// Print one JSON object per event instead of lines of text.
        #[arg(long)]
        json: bool,
    },
    /// List events in log order.
    Log {
        /// Only events that occurred on or after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: Option<NaiveDate>,
        /// Only events that occurred on or before this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        until: Option<NaiveDate>,
        /// Only this dyad (default: all).
        #[arg(long, value_name = "DYAD")]
        dyad: Option<String>,
        /// One JSON object per event, with position, version, id, recorded_at and derived fields.
        #[arg(long)]
        json: bool,
    },
    /// The relationship's status under each pillar, and overall.
    Status {
        /// Count events that occurred on or before this date (default: today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
        /// The dyad (default: the framework's, USA-RUS).
        #[arg(long, value_name = "DYAD")]
        dyad: Option<String>,
        /// One JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Check the hash chain, positions and versions; exit 1 at the first bad position.
    Verify {
        /// One JSON object instead of a line of text.
        #[arg(long)]
        json: bool,
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
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Self {
        match &error {
            AppError::Store(StoreError::Open { .. } | StoreError::Database(_))
            | AppError::Store(StoreError::Corrupt { .. } | StoreError::Migration(_))
            | AppError::Undecodable { .. } => Failure::Storage(error.to_string()),
            _ => Failure::Refused(error.to_string()),
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
    }
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitCode, Failure> {
    let framework = load_framework(cli.framework.as_deref())?;
    if let Command::Codes { list, json } = cli.command {
        print_codes(out, list, json, &framework)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut tracker = Tracker::open(&cli.db, framework, Arc::new(SystemClock))?;
    match cli.command {
        Command::Append {
            file,
            expect_version,
            json,
        } => {
            let summary = if file == "-" {
                tracker.append_ndjson(io::stdin().lock(), "stdin", expect_version)?
            } else {
                let reader = std::fs::File::open(&file)
                    .map_err(|e| Failure::Refused(format!("cannot read {file}: {e}")))?;
                tracker.append_ndjson(io::BufReader::new(reader), &file, expect_version)?
            };
            if json {
                report::json::append_summary(out, &summary)?;
            } else {
                report::text::append_summary(out, &summary)?;
            }
        }
        Command::Log {
            since,
            until,
            dyad,
            json,
        } => print_log(out, &tracker, LogFilter { dyad, since, until }, json)?,
        Command::Status { as_of, dyad, json } => {
            let status = tracker.status(dyad.as_deref(), as_of)?;
            if json {
                report::json::status(out, &status)?;
            } else {
                report::text::status(out, &status, tracker.framework())?;
            }
        }
        Command::Verify { json } => {
            let verdict = tracker.verify()?;
            if json {
                report::json::verify(out, &verdict)?;
            } else {
                report::text::verify(out, &verdict)?;
            }
            if verdict.first_break.is_some() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Codes { .. } => unreachable!("handled before opening the log"),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_log(
    out: &mut dyn Write,
    tracker: &Tracker,
    filter: LogFilter,
    json: bool,
) -> Result<(), Failure> {
    if !json {
        report::text::log_header(out)?;
    }
    let (framework, taxonomy) = (tracker.framework(), tracker.taxonomy());
    let mut write_error = None;
    tracker.log(&filter, |event| {
        let written = if json {
            report::json::write_line(out, &report::json::logged_event(event, framework, taxonomy))
        } else {
            report::text::log_row(out, event, framework, taxonomy)
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
