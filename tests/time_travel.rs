//! End-to-end tests of valid time and transaction time through the real `dyad` binary: late
//! reports and `--known-at`, corrections and retractions, `replay` against `status`, `explain`
//! against `status`, and `log --known-at`/`--as-of`. Each test uses a fresh SQLite file.

use chrono::{DateTime, Days, Months, NaiveDate};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;
use tempfile::TempDir;

/// The day of the article the shipped log comes from.
const ARTICLE_DAY: &str = "2017-06-19";

/// A temporary directory holding one log, `x.db`.
struct Sandbox {
    dir: TempDir,
}

/// What a run of dyad returned.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Sandbox {
    fn new() -> Self {
        Self {
            dir: TempDir::new().expect("temp dir"),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("x.db")
    }

    /// Runs `dyad --db <tmp>/x.db <args>` with `DYAD_DB` removed, feeding `stdin` if given.
    fn run(&self, args: &[&str], stdin: Option<&str>) -> Outcome {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dyad"))
            .env_remove("DYAD_DB")
            .arg("--db")
            .arg(self.db())
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn dyad");
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            pipe.write_all(input.as_bytes()).expect("write stdin");
        }
        let output = child.wait_with_output().expect("wait for dyad");
        Outcome {
            code: output.status.code().expect("dyad exited with a code"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs dyad, which must succeed; returns its stdout.
    fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let outcome = self.run(args, stdin);
        assert_eq!(outcome.code, 0, "{args:?} failed: {}", outcome.stderr);
        outcome.stdout
    }

    /// Runs dyad, which must refuse with exit code 1; returns its stderr.
    fn refused(&self, args: &[&str], stdin: Option<&str>) -> String {
        let outcome = self.run(args, stdin);
        assert_eq!(
            outcome.code, 1,
            "{args:?}: {} {}",
            outcome.stdout, outcome.stderr
        );
        outcome.stderr
    }

    /// The one JSON object a successful command prints.
    fn json(&self, args: &[&str]) -> Value {
        parse(self.ok(args, None).trim())
    }

    /// The JSON receipt of a successful `retract` or `correct` (given `--json`).
    fn receipt(&self, args: &[&str], stdin: Option<&str>) -> Value {
        let receipt = parse(self.ok(args, stdin).trim());
        assert_eq!(receipt["status"], "recorded", "{receipt}");
        receipt
    }

    /// The JSON lines a successful command prints.
    fn json_lines(&self, args: &[&str]) -> Vec<Value> {
        self.ok(args, None).lines().map(parse).collect()
    }

    fn append_shipped(&self) {
        self.ok(&["append", shipped_path()], None);
    }

    fn append(&self, event: &Value) {
        self.ok(&["append", "-"], Some(&format!("{event}\n")));
    }

    /// `log --json <args>`, one value per event.
    fn log(&self, args: &[&str]) -> Vec<Value> {
        let mut full = vec!["log", "--json"];
        full.extend_from_slice(args);
        self.json_lines(&full)
    }

    /// `status --json <args>`.
    fn status(&self, args: &[&str]) -> Value {
        let mut full = vec!["status", "--json"];
        full.extend_from_slice(args);
        self.json(&full)
    }

    /// `explain --json <args>`.
    fn explain(&self, args: &[&str]) -> Value {
        let mut full = vec!["explain", "--json"];
        full.extend_from_slice(args);
        self.json(&full)
    }

    /// The `recorded_at` of the last event; waits a little so later appends are recorded after it.
    fn last_recorded_at(&self) -> String {
        let log = self.log(&[]);
        let last = log.last().expect("the log is not empty");
        thread::sleep(Duration::from_millis(5));
        last["recorded_at"]
            .as_str()
            .expect("recorded_at")
            .to_string()
    }
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn shipped_path() -> &'static str {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/tillerson_2017.ndjson"
    )
}

/// The id of the shipped event whose summary starts with `summary`.
fn shipped_id(summary: &str) -> String {
    let text = std::fs::read_to_string(shipped_path()).expect("read the shipped log");
    let event = text
        .lines()
        .map(parse)
        .find(|e| {
            e["summary"]
                .as_str()
                .is_some_and(|s| s.starts_with(summary))
        })
        .unwrap_or_else(|| panic!("no shipped event `{summary}`"));
    event["id"].as_str().expect("id").to_string()
}

/// A report, learned after the shipped log, of an expulsion that occurred before the article.
fn late_expulsion() -> Value {
    json!({
        "dyad": "USA-RUS", "kind": "action", "occurred_on": "2017-05-01",
        "actor": "RUS", "target": "USA", "action": "expel_diplomats", "issue": "diplomats",
        "summary": "Russia expels US diplomats (reported late)",
        "source": {"outlet": "Reuters", "published_on": "2017-07-01"}
    })
}

/// A status or explanation without its `known_at` field, to compare readings at other moments.
fn without_known_at(mut value: Value) -> Value {
    value
        .as_object_mut()
        .expect("a JSON object")
        .remove("known_at");
    value
}

fn assert_same_instant(printed: &Value, expected: &str) {
    let instant = |text: &str| DateTime::parse_from_rfc3339(text).expect("an RFC 3339 instant");
    let printed = printed
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {printed}"));
    assert_eq!(instant(printed), instant(expected));
}

fn events(status: &Value) -> u64 {
    status["overall"]["events"]
        .as_u64()
        .expect("overall.events")
}

fn pillar<'a>(status: &'a Value, id: &str) -> &'a Value {
    status["pillars"]
        .as_array()
        .expect("pillars")
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no pillar {id}: {status}"))
}

fn find<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|e| e["id"] == id)
}

/// The dates from `from`, one `step` at a time, while on or before `to`, then `to`.
fn steps(from: &str, to: &str, step: impl Fn(NaiveDate) -> NaiveDate) -> Vec<String> {
    let to: NaiveDate = to.parse().expect("date");
    let mut date: NaiveDate = from.parse().expect("date");
    let mut dates = Vec::new();
    while date <= to {
        dates.push(date.to_string());
        date = step(date);
    }
    // A replay ends with `--to` itself when the steps do not land on it.
    if dates.last() != Some(&to.to_string()) {
        dates.push(to.to_string());
    }
    dates
}

fn months(n: u32) -> impl Fn(NaiveDate) -> NaiveDate {
    move |date| date.checked_add_months(Months::new(n)).expect("date")
}

fn weeks(date: NaiveDate) -> NaiveDate {
    date.checked_add_days(Days::new(7)).expect("date")
}

/// The `as_of` dates of replay rows.
fn as_of_dates(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["as_of"].as_str().expect("as_of").to_string())
        .collect()
}

#[test]
fn a_late_report_counts_now_but_not_as_the_log_stood_before_it() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let t1 = sandbox.last_recorded_at();
    let before = sandbox.status(&["--as-of", ARTICLE_DAY]);

    sandbox.append(&late_expulsion());
    let now = sandbox.status(&["--as-of", ARTICLE_DAY]);
    assert_eq!(events(&now), events(&before) + 1, "{now}");

    let known = sandbox.status(&["--as-of", ARTICLE_DAY, "--known-at", &t1]);
    assert_eq!(known["as_of"], ARTICLE_DAY);
    assert_same_instant(&known["known_at"], &t1);
    assert_eq!(without_known_at(known), without_known_at(before));
}

#[test]
fn a_correction_is_an_event_and_the_status_before_it_stays_readable() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let arms = shipped_id("Russia sends arms to the Taliban in Afghanistan");
    let t1 = sandbox.last_recorded_at();
    let log_before = sandbox.log(&[]);
    let original = sandbox.status(&["--as-of", ARTICLE_DAY]);

    let fields = r#"{"intensity": -3.0}"#;
    let correct = ["correct", &arms, "-", "--reason", "overstated", "--json"];
    let receipt = sandbox.receipt(&correct, Some(fields));
    assert_eq!(receipt["kind"], "correction", "{receipt}");

    let log = sandbox.log(&[]);
    assert_eq!(log.len(), log_before.len() + 1);
    let find_in = |log: &[Value]| log.iter().find(|e| e["id"] == arms.as_str()).cloned();
    let report = find_in(&log_before).expect("the shipped report");
    assert_eq!(report["kind"], "action");
    assert_eq!(report["corrected"], false);
    let after = find_in(&log).expect("the report is still listed");
    assert_eq!(after["corrected"], true, "the log flags what became of it");
    // Every recorded field stays as it was; only the flag says a correction followed.
    let recorded = |mut event: Value| {
        event
            .as_object_mut()
            .map(|fields| fields.remove("corrected"));
        event
    };
    assert_eq!(
        recorded(after),
        recorded(report.clone()),
        "the original stays unchanged"
    );
    let correction = log.last().expect("the correction");
    assert_eq!(correction["kind"], "correction", "{correction}");
    assert_eq!(correction["id"], receipt["id"]);
    assert_eq!(correction["corrects"], arms.as_str(), "{correction}");
    assert_eq!(correction["fields"], parse(fields), "{correction}");
    assert_eq!(correction["reason"], "overstated", "{correction}");

    let corrected = sandbox.status(&["--as-of", ARTICLE_DAY]);
    let pushback_score = |status: &Value| pillar(status, "pushback")["score"].as_f64().unwrap();
    assert!(
        pushback_score(&corrected) > pushback_score(&original),
        "a milder intensity must raise the pushback score: {corrected}"
    );
    let known = sandbox.status(&["--as-of", ARTICLE_DAY, "--known-at", &t1]);
    assert_eq!(without_known_at(known), without_known_at(original));

    let explain_pushback = |extra: &[&str]| {
        let scope = [
            "--pillar",
            "pushback",
            "--as-of",
            ARTICLE_DAY,
            "--limit",
            "0",
        ];
        sandbox.explain(&[&scope[..], extra].concat())
    };
    let explained = explain_pushback(&[]);
    let contribution = find(&explained["contributions"], &arms).expect("listed");
    assert_eq!(contribution["intensity"], -3.0, "{contribution}");
    let notes = contribution["corrections"].as_array().expect("corrections");
    assert_eq!(notes.len(), 1, "{contribution}");
    assert_eq!(notes[0]["id"], receipt["id"]);
    assert_eq!(notes[0]["reason"], "overstated");
    assert_eq!(
        notes[0]["changed"],
        json!([{"field": "intensity", "before": null, "after": -3.0}])
    );

    let explained_before = explain_pushback(&["--known-at", &t1]);
    let contribution = find(&explained_before["contributions"], &arms).expect("listed");
    assert_eq!(
        contribution["intensity"], report["intensity"],
        "{contribution}"
    );
    assert!(contribution.get("corrections").is_none(), "{contribution}");
}

#[test]
fn a_retracted_report_stops_counting_and_cannot_be_amended() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let harassment = shipped_id("Russia harasses US diplomats in Moscow");
    let before = sandbox.status(&["--as-of", ARTICLE_DAY]);

    let retract = ["retract", harassment.as_str(), "--reason", "unconfirmed"];
    let receipt = sandbox.receipt(&[&retract[..], &["--json"]].concat(), None);
    assert_eq!(receipt["kind"], "retraction", "{receipt}");
    let after = sandbox.status(&["--as-of", ARTICLE_DAY]);
    assert_eq!(events(&after), events(&before) - 1, "{after}");

    let scope = [
        "--pillar",
        "pushback",
        "--as-of",
        ARTICLE_DAY,
        "--limit",
        "0",
    ];
    let explained = sandbox.explain(&scope);
    assert!(
        find(&explained["contributions"], &harassment).is_none(),
        "{explained}"
    );
    let retracted = find(&explained["retracted"], &harassment).expect("listed as retracted");
    assert_eq!(
        retracted["retraction"]["reason"], "unconfirmed",
        "{retracted}"
    );
    assert_eq!(retracted["retraction"]["id"], receipt["id"], "{retracted}");

    let log_length = sandbox.log(&[]).len();
    let again = sandbox.ok(&retract, None);
    assert!(again.contains("already recorded"), "{again}");

    let other_reason = ["retract", harassment.as_str(), "--reason", "fabricated"];
    let stderr = sandbox.refused(&other_reason, None);
    assert!(stderr.contains("retracted"), "{stderr}");
    let correct = |id: &str, fields: &str| {
        sandbox.refused(&["correct", id, "-", "--reason", "r"], Some(fields))
    };
    let stderr = correct(&harassment, r#"{"intensity": -1.0}"#);
    assert!(stderr.contains("retracted"), "{stderr}");

    let standing = shipped_id("Russia sends arms to the Taliban in Afghanistan");
    let unknown = "00000000-0000-4000-8000-000000000000";
    let stderr = correct(unknown, r#"{"intensity": -1.0}"#);
    assert!(stderr.contains(unknown), "{stderr}");
    let stderr = correct(&standing, r#"{"dyad": "USA-CHN"}"#);
    assert!(stderr.contains("`dyad`"), "{stderr}");
    let stderr = correct(&standing, r#"{"occurred_on": "2017-02-30"}"#);
    assert!(stderr.contains("`occurred_on`"), "{stderr}");
    assert_eq!(sandbox.log(&[]).len(), log_length, "refusals write nothing");

    let fix = [
        "correct",
        &standing,
        "-",
        "--reason",
        "overstated",
        "--json",
    ];
    let correction = sandbox.receipt(&fix, Some(r#"{"intensity": -3.0}"#));
    let correction_id = correction["id"].as_str().expect("id");
    sandbox.refused(&["retract", correction_id, "--reason", "wrong"], None);
    assert_eq!(sandbox.log(&[]).len(), log_length + 1);

    sandbox.ok(&["verify"], None);
}

#[test]
fn replay_rows_equal_status_on_their_dates() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let t1 = sandbox.last_recorded_at();
    sandbox.append(&late_expulsion());
    let (from, to) = ("2016-12-01", "2017-12-31");
    let replay = ["replay", "--from", from, "--to", to, "--every"];

    let monthly = steps(from, to, months(1));
    let mut events_on_last_date = Vec::new();
    for known_at in [&[][..], &["--known-at", t1.as_str()]] {
        let rows = sandbox.json_lines(&[&replay[..], &["month", "--json"], known_at].concat());
        assert_eq!(as_of_dates(&rows), monthly);
        for index in [0, rows.len() / 2, rows.len() - 1] {
            let status =
                sandbox.status(&[&["--as-of", monthly[index].as_str()], known_at].concat());
            assert_eq!(rows[index], status, "{known_at:?} on {}", monthly[index]);
        }
        events_on_last_date.push(events(&rows[rows.len() - 1]));
    }
    assert_eq!(
        events_on_last_date[0],
        events_on_last_date[1] + 1,
        "the late report counts only in the log as it now stands"
    );

    let json_rows = sandbox.json_lines(&[&replay[..], &["month", "--json"]].concat());
    let csv = sandbox.ok(&[&replay[..], &["month", "--csv"]].concat(), None);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let column = |name: &str| header.iter().position(|c| *c == name).expect(name);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), monthly.len(), "{csv}");
    for (row, json_row) in rows.iter().zip(&json_rows) {
        assert_eq!(row[column("date")], json_row["as_of"]);
        // No data is an empty cell (a gap), not a score of 0.
        if json_row["overall"]["level"].is_null() {
            assert_eq!(row[column("overall_score")], "", "{csv}");
            assert_eq!(row[column("overall_level")], "", "{csv}");
        } else {
            let score: f64 = row[column("overall_score")].parse().expect("a score");
            assert_eq!(Some(score), json_row["overall"]["score"].as_f64(), "{csv}");
        }
    }

    for (every, dates) in [
        ("week", steps(from, to, weeks)),
        ("quarter", steps(from, to, months(3))),
    ] {
        let rows = sandbox.json_lines(&[&replay[..], &[every, "--json"]].concat());
        assert_eq!(as_of_dates(&rows), dates, "--every {every}");
    }

    sandbox.refused(&["replay", "--from", to, "--to", from], None);
    let outcome = sandbox.run(&[&replay[..], &["fortnight"]].concat(), None);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
}

#[test]
fn explain_gives_the_scores_of_status() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let status = sandbox.status(&["--as-of", ARTICLE_DAY]);
    let engagement = pillar(&status, "engagement");
    let explain = |args: &[&str]| sandbox.explain(&[&["--as-of", ARTICLE_DAY], args].concat());

    let overall = explain(&[]);
    assert_eq!(overall["score"], status["overall"]["score"], "{overall}");
    assert_eq!(overall["events"], status["overall"]["events"], "{overall}");
    let explained = explain(&["--pillar", "engagement"]);
    assert_eq!(explained["score"], engagement["score"], "{explained}");
    assert_eq!(explained["events"], engagement["events"], "{explained}");
    let syria = find(&engagement["issues"], "syria").expect("syria is an issue of engagement");
    let explained = explain(&["--pillar", "engagement", "--issue", "syria"]);
    assert_eq!(explained["score"], syria["score"], "{explained}");

    let listed = |args: &[&str]| explain(args)["contributions"].as_array().unwrap().len();
    assert_eq!(listed(&["--limit", "2"]), 2);
    let counted = |pillar: Option<&str>| {
        sandbox
            .log(&["--as-of", ARTICLE_DAY])
            .iter()
            .filter(|e| pillar.is_none_or(|p| e["pillar"] == p))
            .filter(|e| e["intensity"].as_f64().unwrap() * e["confidence"].as_f64().unwrap() != 0.0)
            .count()
    };
    assert_eq!(listed(&["--limit", "0"]), counted(None));
    assert_eq!(
        listed(&["--limit", "0", "--pillar", "engagement"]),
        counted(Some("engagement"))
    );

    sandbox.refused(&["explain", "--pillar", "detente"], None);
}

#[test]
fn log_reads_the_log_as_it_stood_and_as_of_a_date() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let t1 = sandbox.last_recorded_at();
    let recorded_by_t1 = sandbox.log(&[]);
    sandbox.append(&late_expulsion());
    let everything = sandbox.log(&[]);
    assert_eq!(everything.len(), recorded_by_t1.len() + 1);
    assert_eq!(sandbox.log(&["--known-at", &t1]), recorded_by_t1);

    let as_of = "2017-01-01";
    let occurred: Vec<Value> = everything
        .iter()
        .filter(|e| e["occurred_on"].as_str().unwrap() <= as_of)
        .cloned()
        .collect();
    assert!(!occurred.is_empty() && occurred.len() < everything.len());
    assert_eq!(sandbox.log(&["--as-of", as_of]), occurred);
}

#[test]
fn an_unreadable_known_at_is_a_usage_error() {
    let sandbox = Sandbox::new();
    for command in [
        &["status"][..],
        &["log"],
        &["explain"],
        &["replay", "--from", "2017-01-01"],
    ] {
        let outcome = sandbox.run(&[command, &["--known-at", "not-a-time"]].concat(), None);
        assert_eq!(outcome.code, 2, "{command:?}: {}", outcome.stderr);
        assert!(outcome.stderr.contains("--known-at"), "{}", outcome.stderr);
    }
}
