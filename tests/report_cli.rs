//! `dyad report` and the coloured `dyad status` through the real binary: the report's numbers
//! equal `status`, `replay` and `explain` for the same dates; a report `--known-at` a past moment
//! is byte-identical whenever it is regenerated, by the same command or by the one in its footer;
//! colour only on a terminal without `NO_COLOR`. Each test uses a fresh SQLite file.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::Duration;
use tempfile::TempDir;

const FROM: &str = "2016-12-01";
const ARTICLE_DAY: &str = "2017-06-19";

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

    /// Runs `dyad --db <tmp>/x.db <args>` in `cwd` (the sandbox by default), without `DYAD_DB`
    /// and `NO_COLOR`.
    fn run_in(&self, cwd: &Path, args: &[&str], stdin: Option<&str>) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dyad"));
        command
            .current_dir(cwd)
            .env_remove("DYAD_DB")
            .env_remove("NO_COLOR")
            .arg("--db")
            .arg(self.db())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match stdin {
            None => command.stdin(Stdio::null()).output().expect("run dyad"),
            Some(input) => {
                command.stdin(Stdio::piped());
                let mut child = command.spawn().expect("spawn dyad");
                let mut pipe = child.stdin.take().expect("stdin");
                std::io::Write::write_all(&mut pipe, input.as_bytes()).expect("write stdin");
                drop(pipe);
                child.wait_with_output().expect("wait for dyad")
            }
        }
    }

    fn ok_in(&self, cwd: &Path, args: &[&str]) -> String {
        let output = self.run_in(cwd, args, None);
        assert!(
            output.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8")
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_in(self.dir.path(), args)
    }

    fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    fn append_shipped(&self) {
        self.ok(&[
            "append",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/tillerson_2017.ndjson"
            ),
        ]);
    }

    fn append(&self, event: &Value) {
        let output = self.run_in(
            self.dir.path(),
            &["append", "-"],
            Some(&format!("{event}\n")),
        );
        assert!(output.status.success());
    }

    /// The `recorded_at` of the last event; waits a little so later appends are recorded after it.
    fn last_recorded_at(&self) -> String {
        let log = self.ok(&["log", "--json"]);
        let last: Value =
            serde_json::from_str(log.lines().last().expect("an event")).expect("JSON");
        thread::sleep(Duration::from_millis(5));
        last["recorded_at"]
            .as_str()
            .expect("recorded_at")
            .to_string()
    }

    /// A new directory in the sandbox.
    fn subdir(&self, name: &str) -> PathBuf {
        let dir = self.dir.path().join(name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        dir
    }
}

fn late_report(summary: &str) -> Value {
    json!({
        "dyad": "USA-RUS", "kind": "action", "occurred_on": "2017-05-01",
        "actor": "RUS", "target": "USA", "action": "expel_diplomats", "issue": "diplomats",
        "summary": summary, "source": {"outlet": "Reuters", "published_on": "2017-07-01"}
    })
}

/// Every file of a directory, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("read"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_reports_numbers_equal_status_replay_and_explain() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    sandbox.append(&late_report("Russia expels US diplomats (reported late)"));
    let known_at = sandbox.last_recorded_at();
    let at = ["--known-at", known_at.as_str()];
    let report = sandbox.json(&[
        "report",
        "--from",
        FROM,
        "--to",
        ARTICLE_DAY,
        "--format",
        "json",
        at[0],
        at[1],
    ]);
    let replay: Vec<Value> = sandbox
        .ok(&[
            "replay",
            "--from",
            FROM,
            "--to",
            ARTICLE_DAY,
            "--every",
            "day",
            "--json",
            at[0],
            at[1],
        ])
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    let dates = report["series"]["dates"].as_array().expect("dates");
    assert_eq!(dates.len(), replay.len());
    let lines = report["series"]["lines"].as_array().expect("lines");
    let line = |id: &str| {
        lines
            .iter()
            .find(|l| l["id"] == id)
            .unwrap_or_else(|| panic!("no line {id}"))
    };
    // A chart's score is the replay's where there is data, and a gap (null) where there is none.
    let charted = |reading: &Value| {
        if reading["level"].is_null() {
            Value::Null
        } else {
            reading["score"].clone()
        }
    };
    for (index, row) in replay.iter().enumerate() {
        assert_eq!(dates[index], row["as_of"]);
        let overall = line("overall");
        assert_eq!(
            overall["scores"][index],
            charted(&row["overall"]),
            "{index}"
        );
        assert_eq!(overall["events"][index], row["overall"]["events"]);
        for pillar in row["pillars"].as_array().expect("pillars") {
            let id = pillar["id"].as_str().expect("id");
            assert_eq!(line(id)["scores"][index], charted(pillar), "{id} {index}");
            assert_eq!(line(id)["events"][index], pillar["events"]);
            for issue in pillar["issues"].as_array().expect("issues") {
                let id = format!("{id}/{}", issue["id"].as_str().expect("id"));
                assert_eq!(line(&id)["scores"][index], charted(issue), "{id} {index}");
                assert_eq!(line(&id)["events"][index], issue["events"]);
            }
        }
    }
    // The headline reads `status` on the period's first day and on the report date.
    let start = sandbox.json(&["status", "--json", "--as-of", FROM, at[0], at[1]]);
    let end = sandbox.json(&["status", "--json", "--as-of", ARTICLE_DAY, at[0], at[1]]);
    for movement in report["headline"].as_array().expect("headline") {
        let pick = |status: &Value| match (movement["pillar"].as_str(), movement["issue"].as_str())
        {
            (None, _) => Some(status["overall"].clone()),
            (Some(pillar), issue) => {
                let pillar = status["pillars"]
                    .as_array()?
                    .iter()
                    .find(|p| p["id"] == pillar)?;
                match issue {
                    None => Some(pillar.clone()),
                    Some(issue) => pillar["issues"]
                        .as_array()?
                        .iter()
                        .find(|i| i["id"] == issue)
                        .cloned(),
                }
            }
        };
        for (reading, status) in [(&movement["start"], &start), (&movement["end"], &end)] {
            match pick(status) {
                Some(expected) => {
                    assert_eq!(reading["score"], expected["score"], "{movement}");
                    assert_eq!(reading["level"], expected["level"], "{movement}");
                    assert_eq!(reading["events"], expected["events"], "{movement}");
                }
                // An issue without reports yet reads 0, as the method's prior.
                None => assert_eq!(reading["events"], 0, "{movement}"),
            }
        }
    }
    // The drivers are what `explain --pillar` gives.
    for explanation in report["drivers"].as_array().expect("drivers") {
        let pillar = explanation["pillar"].as_str().expect("pillar");
        let explained = sandbox.json(&[
            "explain",
            "--json",
            "--pillar",
            pillar,
            "--as-of",
            ARTICLE_DAY,
            "--limit",
            "5",
            at[0],
            at[1],
        ]);
        assert_eq!(explanation, &explained, "{pillar}");
    }
}

#[test]
fn a_report_known_at_a_past_moment_is_byte_identical_whenever_it_is_regenerated() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let t1 = sandbox.last_recorded_at();
    let args = |format: &'static str, output: &'static str| {
        vec![
            "report".to_string(),
            "--from".into(),
            FROM.into(),
            "--to".into(),
            ARTICLE_DAY.into(),
            "--known-at".into(),
            t1.clone(),
            "--format".into(),
            format.into(),
            "-o".into(),
            output.into(),
        ]
    };
    let generate = |dir: &Path| {
        for (format, output) in [("md", "r.md"), ("html", "r.html"), ("json", "r.json")] {
            let args = args(format, output);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            sandbox.ok_in(dir, &args);
        }
        files(dir)
    };
    let first = generate(&sandbox.subdir("first"));
    assert!(
        first.len() > 3,
        "{:?}",
        first.iter().map(|f| &f.0).collect::<Vec<_>>()
    );

    // The log moves on: a late report about a day of the period.
    sandbox.append(&late_report("Russia expels US diplomats (reported late)"));
    thread::sleep(Duration::from_millis(5));
    let second = generate(&sandbox.subdir("second"));
    assert!(first == second, "the regenerated report differs");

    // Read now, the report changes.
    let now = sandbox.ok(&[
        "report",
        "--from",
        FROM,
        "--to",
        ARTICLE_DAY,
        "--format",
        "json",
    ]);
    let first_json = &first.iter().find(|f| f.0 == "r.json").expect("r.json").1;
    assert_ne!(now.as_bytes(), first_json.as_slice());

    // The command in the footer writes the same report again.
    let markdown = String::from_utf8(first.iter().find(|f| f.0 == "r.md").expect("md").1.clone())
        .expect("UTF-8");
    let command = markdown
        .rsplit("```sh\n")
        .next()
        .and_then(|tail| tail.split("\n```").next())
        .expect("a command in the footer");
    let words: Vec<&str> = command.split(' ').collect();
    assert_eq!(words[..2], ["dyad", "report"], "{command}");
    assert!(
        command.contains("--as-of 2017-06-19") && command.contains(&t1),
        "{command}"
    );
    let footer = sandbox.subdir("footer");
    sandbox.ok_in(&footer, &words[1..]);
    let regenerated = files(&footer);
    let markdown_files: Vec<_> = first
        .iter()
        .filter(|f| f.0.ends_with(".md") || f.0.ends_with(".svg"))
        .cloned()
        .collect();
    assert!(
        regenerated == markdown_files,
        "the footer's command wrote another report"
    );
}

#[test]
fn a_report_known_at_a_moment_is_dated_that_day_by_default() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let t1 = sandbox.last_recorded_at();
    let first = sandbox.ok(&["report", "--known-at", &t1, "--format", "json"]);
    sandbox.append(&late_report("Russia expels US diplomats (reported late)"));
    let second = sandbox.ok(&["report", "--known-at", &t1, "--format", "json"]);
    assert_eq!(first, second);
    let report: Value = serde_json::from_str(&first).expect("JSON");
    assert_eq!(report["as_of"].as_str(), t1.get(..10));
    assert_eq!(report["period"]["to"], report["as_of"]);
}

#[test]
fn html_goes_to_standard_output_without_a_file() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let html = sandbox.ok(&[
        "report",
        "--from",
        FROM,
        "--to",
        ARTICLE_DAY,
        "--format",
        "html",
    ]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(
        html.matches("<svg ").count(),
        7,
        "3 pillars and 4 engagement issues"
    );
    let only_pillars = sandbox.ok(&[
        "report",
        "--from",
        FROM,
        "--to",
        ARTICLE_DAY,
        "--format",
        "html",
        "--issue-charts",
        "",
    ]);
    assert_eq!(only_pillars.matches("<svg ").count(), 3);
}

#[test]
fn report_refusals_name_what_to_change() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let refused = |args: &[&str]| {
        let output = sandbox.run_in(sandbox.dir.path(), args, None);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        String::from_utf8(output.stderr).expect("UTF-8")
    };
    let message = refused(&["report", "--from", "2017-07-01", "--to", ARTICLE_DAY]);
    assert!(message.contains("before --from"), "{message}");
    let message = refused(&["report", "--to", ARTICLE_DAY, "--as-of", "2018-01-01"]);
    assert!(message.contains("--as-of"), "{message}");
    let message = refused(&["report", "--issue-charts", "detente"]);
    assert!(message.contains("unknown pillar `detente`"), "{message}");
    let message = refused(&["report", "-o", "no/such/dir/r.md"]);
    assert!(message.contains("cannot write"), "{message}");
}

#[test]
fn status_is_coloured_on_a_terminal_only_and_never_with_no_color() {
    let sandbox = Sandbox::new();
    sandbox.append_shipped();
    let piped = sandbox.ok(&["status", "--as-of", ARTICLE_DAY]);
    assert!(!piped.contains('\x1b'), "{piped}");
    assert!(piped.contains("gutter"));

    // A terminal, through `script` (util-linux, on every Debian machine).
    let script = which("script").expect("`script` (util-linux) gives this test a terminal");
    let on_terminal = |no_color: Option<&str>| {
        let inner = format!(
            "{} --db {} status --as-of {ARTICLE_DAY}",
            env!("CARGO_BIN_EXE_dyad"),
            sandbox.db().display()
        );
        let mut command = Command::new(&script);
        command
            .args(["-qec", &inner, "/dev/null"])
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        let output = command.output().expect("run script");
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let coloured = on_terminal(None);
    assert!(coloured.contains("\x1b[31mGUTTER\x1b[0m"), "{coloured:?}");
    let plain = on_terminal(Some("1"));
    assert!(!plain.contains('\x1b'), "{plain:?}");
}

fn which(program: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(program))
                .find(|path| path.is_file())
        })
        .ok_or(())
}
