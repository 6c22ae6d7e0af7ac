//! End-to-end tests of the `dyad` binary: each test drives the real executable against a fresh
//! SQLite file in its own temporary directory.

use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use tempfile::TempDir;

/// A temporary directory holding one log, `x.db`.
struct Sandbox {
    dir: TempDir,
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

    /// `dyad --db <tmp>/x.db <args>`, with `DYAD_DB` removed from the environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dyad"));
        command
            .env_remove("DYAD_DB")
            .arg("--db")
            .arg(self.db())
            .args(args);
        command
    }

    /// Runs dyad to completion; returns (exit code, stdout, stderr).
    fn run(&self, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
        let mut child = self
            .command(args)
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
        (
            output.status.code().expect("dyad exited with a code"),
            String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        )
    }

    /// Writes `contents` to a file of the sandbox and returns its path.
    fn write(&self, name: &str, contents: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write input file");
        path.to_str().expect("UTF-8 path").to_string()
    }

    /// `append -` with `events` as NDJSON on stdin, plus `extra` arguments.
    fn append(&self, events: &[Value], extra: &[&str]) -> (i32, String, String) {
        let mut args = vec!["append", "-"];
        args.extend_from_slice(extra);
        self.run(&args, Some(&ndjson(events)))
    }

    /// Appends the shipped example log, which must succeed.
    fn append_shipped(&self) -> (i32, String, String) {
        let result = self.run(&["append", shipped_path()], None);
        assert_eq!(
            result.0, 0,
            "append of the shipped log failed: {}",
            result.2
        );
        result
    }

    /// `log --json <args>` parsed, one value per event.
    fn log(&self, args: &[&str]) -> Vec<Value> {
        let mut full = vec!["log", "--json"];
        full.extend_from_slice(args);
        let (code, stdout, stderr) = self.run(&full, None);
        assert_eq!(code, 0, "log failed: {stderr}");
        stdout.lines().map(parse).collect()
    }

    /// One JSON object printed by dyad (`status --json`, `verify --json`).
    fn json(&self, args: &[&str]) -> (i32, Value) {
        let (code, stdout, stderr) = self.run(args, None);
        assert!(
            !stdout.trim().is_empty(),
            "no output from {args:?}: {stderr}"
        );
        (code, parse(stdout.trim()))
    }
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn ndjson(events: &[Value]) -> String {
    events.iter().map(|event| format!("{event}\n")).collect()
}

fn shipped_path() -> &'static str {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/tillerson_2017.ndjson"
    )
}

fn shipped_events() -> Vec<Value> {
    let text = std::fs::read_to_string(shipped_path()).expect("read the shipped log");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse)
        .collect()
}

/// A valid action event with this summary (its id is derived from its content).
fn event(summary: &str) -> Value {
    json!({
        "dyad": "USA-RUS", "kind": "action", "occurred_on": "2017-04-24",
        "actor": "RUS", "target": "TALIBAN", "action": "arm_adversary",
        "issue": "afghanistan", "summary": summary,
        "source": {"outlet": "BuzzFeed News", "published_on": "2017-06-19"}
    })
}

/// A valid event with one field set to `value`.
fn event_with(field: &str, value: Value) -> Value {
    let mut event = event("Russia sends arms to the Taliban");
    event[field] = value;
    event
}

fn ids(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["id"].as_str().expect("id"))
        .collect()
}

fn positions(events: &[Value]) -> Vec<u64> {
    events
        .iter()
        .map(|e| e["position"].as_u64().expect("position"))
        .collect()
}

#[test]
fn appending_the_shipped_log_twice_records_it_once() {
    let sandbox = Sandbox::new();
    let (_, stdout, _) = sandbox.append_shipped();
    assert!(
        stdout.contains("18 recorded, 0 already recorded"),
        "{stdout}"
    );

    let (_, stdout, _) = sandbox.append_shipped();
    assert!(
        stdout.contains("0 recorded, 18 already recorded"),
        "{stdout}"
    );
    let event_lines: Vec<&str> = stdout.lines().filter(|l| l.contains("USA-RUS")).collect();
    assert_eq!(event_lines.len(), 18, "{stdout}");
    assert!(
        event_lines
            .iter()
            .all(|l| l.starts_with("already recorded")),
        "{stdout}"
    );

    let log = sandbox.log(&[]);
    assert_eq!(positions(&log), (1..=18).collect::<Vec<_>>());
}

#[test]
fn every_invalid_line_refuses_the_whole_batch() {
    let field_cases = [
        ("mood", json!("grim"), "unknown field `mood`"),
        ("actor", json!("XXX"), "`actor`"),
        ("action", json!("hug"), "`action`"),
        ("issue", json!("weather"), "`issue`"),
        ("pillar", json!("détente"), "`pillar`"),
        ("occurred_on", json!("2017-02-30"), "`occurred_on`"),
        ("occurred_on", json!("2999-01-01"), "`occurred_on`"),
        ("intensity", json!(11), "`intensity`"),
        ("intensity", json!(-10.5), "`intensity`"),
        ("summary", json!("  "), "`summary`"),
        (
            "summary",
            json!("x".repeat(64 * 1024)),
            "at most 65536 bytes",
        ),
        ("id", json!("not-a-uuid"), "`id`"),
    ];
    let mut statement_without_speaker = event_with("kind", json!("statement"));
    statement_without_speaker["quote"] = json!("We will push back.");
    let mut cases: Vec<(String, String, &str)> = field_cases
        .into_iter()
        .map(|(field, value, expected)| {
            let name = format!("{field} = {:.40}", value.to_string());
            (name, event_with(field, value).to_string(), expected)
        })
        .collect();
    cases.push((
        "malformed".into(),
        r#"{"dyad": "USA-RUS",,}"#.into(),
        "malformed JSON",
    ));
    cases.push((
        "no speaker".into(),
        statement_without_speaker.to_string(),
        "`speaker`",
    ));

    let sandbox = Sandbox::new();
    let (code, _, stderr) = sandbox.append(&[event("seed")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let before = sandbox.log(&[]);
    for (name, bad_line, expected) in cases {
        let input = format!("{}\n{bad_line}\n", event("a valid first line"));
        let (code, stdout, stderr) = sandbox.run(&["append", "-"], Some(&input));
        assert_eq!(code, 1, "{name}: {stdout} {stderr}");
        assert!(stderr.contains("line 2"), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(stderr.contains("nothing was appended"), "{name}: {stderr}");
        assert_eq!(sandbox.log(&[]), before, "{name}: the log changed");
    }
}

#[test]
fn an_id_reused_with_other_content_is_refused() {
    let sandbox = Sandbox::new();
    let id = "0b8e3c6e-4c55-4b8e-9a49-6f1f2f3c4d5e";
    let mut original = event("the original");
    original["id"] = json!(id);
    assert_eq!(sandbox.append(&[original], &[]).0, 0);
    let before = sandbox.log(&[]);

    let mut changed = event("the same id, other content");
    changed["id"] = json!(id);
    let batch = [event("an unrelated new event"), changed];
    let (code, _, stderr) = sandbox.append(&batch, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(id), "{stderr}");
    assert!(stderr.contains("different content"), "{stderr}");
    assert_eq!(sandbox.log(&[]), before, "nothing may be written");
}

#[test]
fn expect_version_guards_the_append() {
    let sandbox = Sandbox::new();
    let three = [event("one"), event("two"), event("three")];
    assert_eq!(sandbox.append(&three, &[]).0, 0);

    let (code, _, stderr) = sandbox.append(&[event("four")], &["--expect-version", "2"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("version 3"), "{stderr}");
    assert_eq!(sandbox.log(&[]).len(), 3, "nothing may be written");

    let (code, _, stderr) = sandbox.append(&[event("four")], &["--expect-version", "3"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(sandbox.log(&[]).len(), 4);
}

#[test]
fn usage_errors_exit_2() {
    let sandbox = Sandbox::new();
    for args in [
        &["frobnicate"][..],
        &["status", "--as-of", "not-a-date"],
        &["codes"],
    ] {
        let (code, _, stderr) = sandbox.run(args, None);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(!stderr.is_empty(), "{args:?}: no explanation");
    }
}

#[test]
fn log_json_carries_the_envelope_and_derived_values() {
    let sandbox = Sandbox::new();
    let mut expulsion = event("The US expels Russian diplomats");
    for (field, value) in [
        ("actor", "USA"),
        ("target", "RUS"),
        ("action", "expel_diplomats"),
        ("issue", "diplomats"),
    ] {
        expulsion[field] = json!(value);
    }
    let mut coded = event("coded by hand");
    coded["pillar"] = json!("stability");
    coded["intensity"] = json!(-2.5);
    assert_eq!(sandbox.append(&[expulsion, coded], &[]).0, 0);

    let log = sandbox.log(&[]);
    assert_eq!(log.len(), 2);
    for key in [
        "position",
        "version",
        "id",
        "recorded_at",
        "dyad",
        "kind",
        "occurred_on",
        "actor",
        "target",
        "action",
        "intensity",
        "pillar",
        "summary",
        "source",
    ] {
        assert!(
            log.iter().all(|e| e.get(key).is_some()),
            "`{key}` missing: {log:?}"
        );
    }
    assert_eq!(log[0]["pillar"], "pushback");
    assert_eq!(log[0]["intensity"], -5.0);
    let derived: HashSet<&str> = log[0]["derived"]
        .as_array()
        .expect("derived is a list")
        .iter()
        .map(|v| v.as_str().expect("field name"))
        .collect();
    assert_eq!(derived, HashSet::from(["pillar", "intensity"]));
    assert_eq!(log[1]["pillar"], "stability");
    assert_eq!(log[1]["intensity"], -2.5);
    assert_eq!(log[1]["derived"], json!([]));
}

#[test]
fn log_since_and_until_are_inclusive() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let (since, until) = ("2017-04-12", "2017-06-09");
    let shipped = shipped_events();
    let in_range = |e: &&Value| {
        let date = e["occurred_on"].as_str().expect("date");
        (since..=until).contains(&date)
    };
    let expected: Vec<&Value> = shipped.iter().filter(in_range).collect();
    let dates: HashSet<&str> = expected
        .iter()
        .map(|e| e["occurred_on"].as_str().unwrap())
        .collect();
    assert!(
        dates.contains(since) && dates.contains(until),
        "the bounds must hold events"
    );

    let log = sandbox.log(&["--since", since, "--until", until]);
    let got: HashSet<&str> = ids(&log).into_iter().collect();
    let want: HashSet<&str> = expected.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(got, want);
}

#[test]
fn status_json_on_the_shipped_log() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let (code, status) = sandbox.json(&["status", "--as-of", "2017-06-19", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(status["dyad"], "USA-RUS");
    assert_eq!(status["as_of"], "2017-06-19");
    assert!(status["overall"]["score"].is_f64(), "{status}");
    assert_eq!(status["overall"]["level"], "gutter", "{status}");

    let pillars = status["pillars"].as_array().expect("pillars");
    let pillar_ids: Vec<&str> = pillars.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(pillar_ids, ["pushback", "engagement", "stability"]);
    for pillar in pillars {
        for key in [
            "id", "title", "level", "score", "events", "drivers", "issues",
        ] {
            assert!(pillar.get(key).is_some(), "`{key}` missing: {pillar}");
        }
        let magnitudes: Vec<f64> = pillar["drivers"]
            .as_array()
            .expect("drivers")
            .iter()
            .map(|d| d["contribution"].as_f64().expect("contribution").abs())
            .collect();
        assert!(
            magnitudes.windows(2).all(|w| w[0] >= w[1]),
            "drivers of {} are not strongest first: {magnitudes:?}",
            pillar["id"]
        );
    }
    let pillar_events: u64 = pillars.iter().map(|p| p["events"].as_u64().unwrap()).sum();
    assert_eq!(Some(pillar_events), status["overall"]["events"].as_u64());
}

#[test]
fn status_counts_only_events_that_occurred_by_as_of() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let as_of = "2016-12-31";
    let expected = shipped_events()
        .iter()
        .filter(|e| e["occurred_on"].as_str().expect("date") <= as_of)
        .count() as u64;
    assert!(expected > 0 && expected < 18, "the date must split the log");

    let (code, status) = sandbox.json(&["status", "--as-of", as_of, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(
        status["overall"]["events"].as_u64(),
        Some(expected),
        "{status}"
    );
}

#[test]
fn verify_finds_a_tampered_payload() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let (code, stdout, _) = sandbox.run(&["verify"], None);
    assert_eq!(code, 0);
    assert!(stdout.contains("sound"), "{stdout}");
    let (code, report) = sandbox.json(&["verify", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(report["sound"], true);
    assert_eq!(report["events"], 18);

    let conn = rusqlite::Connection::open(sandbox.db()).expect("open the db");
    conn.execute_batch("DROP TRIGGER events_are_never_updated")
        .expect("drop trigger");
    let changed = conn
        .execute(
            "UPDATE events SET payload = json_set(payload, '$.summary', 'tampered') \
             WHERE position = 5",
            [],
        )
        .expect("tamper");
    assert_eq!(changed, 1);
    drop(conn);

    let (code, stdout, _) = sandbox.run(&["verify"], None);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("position 5"), "{stdout}");
    let (code, report) = sandbox.json(&["verify", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(report["sound"], false);
    assert_eq!(report["first_bad_position"], 5, "{report}");
}

#[test]
fn append_reads_a_pretty_printed_event_from_stdin() {
    let sandbox = Sandbox::new();
    let pretty = serde_json::to_string_pretty(&event("pretty")).expect("json");
    assert!(pretty.lines().count() > 1);
    let (code, _, stderr) = sandbox.run(&["append", "-"], Some(&pretty));
    assert_eq!(code, 0, "{stderr}");
    let log = sandbox.log(&[]);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["summary"], "pretty");
}

#[test]
fn help_lists_every_subcommand() {
    let (code, stdout, _) = Sandbox::new().run(&["--help"], None);
    assert_eq!(code, 0);
    for subcommand in ["append", "log", "status", "verify", "codes"] {
        assert!(stdout.contains(subcommand), "{subcommand}: {stdout}");
    }
}

#[test]
fn a_reader_closing_the_pipe_early_is_not_a_panic() {
    let sandbox = Sandbox::new();
    let events: Vec<Value> = (0..2000).map(|i| event(&format!("event {i}"))).collect();
    let file = sandbox.write("big.ndjson", &ndjson(&events));
    assert_eq!(sandbox.run(&["append", &file], None).0, 0);

    for args in [&["log"][..], &["log", "--json"]] {
        let mut child = sandbox
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn dyad");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut first = String::new();
        reader.read_line(&mut first).expect("read one line");
        assert!(!first.is_empty());
        drop(reader);
        let output = child.wait_with_output().expect("wait for dyad");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// Regression: SQLite refuses the switch to WAL mode at once, without waiting, while another
/// process holds a lock, so processes opening a new file together failed with "database is
/// locked". The race is intermittent: repeat the scenario, each time on a new db.
#[test]
fn concurrent_appenders_on_a_fresh_db_keep_the_log_gapless() {
    for _ in 0..20 {
        concurrent_appenders_keep_the_log_gapless(Sandbox::new());
    }
}

#[test]
fn concurrent_appenders_on_an_existing_db_keep_the_log_gapless() {
    let sandbox = Sandbox::new();
    // An empty log, made as a writing command makes it (reads never create one).
    dyad::app::Tracker::open(
        &sandbox.db(),
        dyad::domain::framework::Framework::builtin(),
        std::sync::Arc::new(dyad::domain::clock::SystemClock),
    )
    .expect("create the log");
    assert_eq!(sandbox.log(&[]).len(), 0);
    concurrent_appenders_keep_the_log_gapless(sandbox);
}

/// Six `dyad append` processes started at once, each with its own batch of 25 events.
fn concurrent_appenders_keep_the_log_gapless(sandbox: Sandbox) {
    const WRITERS: usize = 6;
    const EACH: usize = 25;
    let files: Vec<String> = (0..WRITERS)
        .map(|w| {
            let events: Vec<Value> = (0..EACH)
                .map(|i| event(&format!("writer {w} event {i}")))
                .collect();
            sandbox.write(&format!("writer{w}.ndjson"), &ndjson(&events))
        })
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|file| {
            sandbox
                .command(&["append", file])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn dyad")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait for dyad");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
    }

    let log = sandbox.log(&[]);
    let total = (WRITERS * EACH) as u64;
    assert_eq!(positions(&log), (1..=total).collect::<Vec<_>>());
    let versions: Vec<u64> = log.iter().map(|e| e["version"].as_u64().unwrap()).collect();
    assert_eq!(versions, (1..=total).collect::<Vec<_>>());
    let unique: HashSet<&str> = ids(&log).into_iter().collect();
    assert_eq!(unique.len(), log.len(), "duplicate ids");
    // Each writer's batch is one transaction, so its events are contiguous.
    for chunk in log.chunks(EACH) {
        let writer = |e: &Value| {
            e["summary"]
                .as_str()
                .unwrap()
                .split(" event")
                .next()
                .map(str::to_owned)
        };
        assert!(
            chunk.iter().all(|e| writer(e) == writer(&chunk[0])),
            "interleaved batches"
        );
    }
    assert_eq!(sandbox.run(&["verify"], None).0, 0);
}

#[test]
fn codes_lists_actions_and_the_framework() {
    let sandbox = Sandbox::new();
    let (code, stdout, stderr) = sandbox.run(&["codes", "actions", "--json"], None);
    assert_eq!(code, 0, "{stderr}");
    let arm = stdout
        .lines()
        .map(parse)
        .find(|a| a["code"] == "arm_adversary")
        .expect("arm_adversary is listed");
    assert!(arm["intensity"].as_f64().expect("intensity") < 0.0, "{arm}");

    let (code, stdout, stderr) = sandbox.run(&["codes", "framework"], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("pushback"), "{stdout}");
}
