//! Bulk import and export through the real binary: an export imported into a new log gives the
//! same status and verifies; refused lines do not take valid ones down (unless --atomic); an
//! import killed midway leaves a sound log that rerunning the import completes.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn dyad(db: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_dyad"))
        .env_remove("DYAD_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run dyad");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("utf-8"),
        String::from_utf8(output.stderr).expect("utf-8"),
    )
}

fn shipped() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/tillerson_2017.ndjson"
    )
    .to_string()
}

fn event(n: usize) -> Value {
    json!({
        "dyad": "USA-RUS", "kind": "action", "occurred_on": "2017-04-24",
        "actor": "RUS", "target": "USA", "action": "expel_diplomats", "issue": "diplomats",
        "summary": format!("Synthetic report {n}"), "source": {"outlet": "Wire"}
    })
}

fn write_lines(path: &Path, lines: impl Iterator<Item = String>) {
    let text: String = lines.map(|l| l + "\n").collect();
    std::fs::write(path, text).expect("write input");
}

fn count(db: &Path) -> usize {
    let (code, stdout, stderr) = dyad(db, &["log", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    stdout.lines().count()
}

fn status(db: &Path) -> Value {
    let (code, stdout, stderr) = dyad(db, &["status", "--as-of", "2017-06-19", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("json")
}

fn without_recorded_at(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(key, _)| key != "recorded_at")
                .map(|(key, value)| (key, without_recorded_at(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_recorded_at).collect()),
        other => other,
    }
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Self(tempfile::tempdir().expect("temp dir"))
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

#[test]
fn an_export_imported_into_a_new_log_gives_the_same_status_and_verifies() {
    let dir = Dir::new();
    let (source, copy, file) = (
        dir.path("a.db"),
        dir.path("b.db"),
        dir.path("export.ndjson"),
    );
    assert_eq!(dyad(&source, &["append", &shipped()]).0, 0);
    let (_, log, _) = dyad(&source, &["log", "--json"]);
    let ids: Vec<String> = log
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["id"]
                .as_str()
                .expect("id")
                .to_string()
        })
        .collect();
    let fields = dir.path("fields.json");
    std::fs::write(
        &fields,
        r#"{"intensity": -3.0, "occurred_on": "2017-04-20"}"#,
    )
    .expect("write");
    let path = fields.to_string_lossy().to_string();
    assert_eq!(
        dyad(
            &source,
            &["correct", &ids[8], &path, "--reason", "overstated"]
        )
        .0,
        0
    );
    assert_eq!(
        dyad(&source, &["retract", &ids[9], "--reason", "proved false"]).0,
        0
    );

    let out = file.to_string_lossy().to_string();
    assert_eq!(dyad(&source, &["export", &out]).0, 0);
    let exported = std::fs::read_to_string(&file).expect("export");
    assert_eq!(
        exported.lines().count(),
        20,
        "18 reports, a correction, a retraction"
    );
    let (code, stdout, stderr) = dyad(&copy, &["import", &out, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(summary["appended"], 20, "{summary}");
    // Transaction times are the new log's own (no input sets them); everything else is equal.
    assert_eq!(
        without_recorded_at(status(&copy)),
        without_recorded_at(status(&source))
    );
    assert_eq!(dyad(&copy, &["verify"]).0, 0);

    // Importing the export again is a no-op; so is exporting the copy.
    let (_, again, _) = dyad(&copy, &["import", &out, "--json"]);
    let again: Value = serde_json::from_str(&again).expect("json");
    assert_eq!(
        (again["appended"].clone(), again["already_recorded"].clone()),
        (json!(0), json!(20))
    );
    let (_, exported_again, _) = dyad(&copy, &["export"]);
    let strip = |text: &str| -> Vec<Value> {
        text.lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).expect("json");
                v.as_object_mut().expect("object").remove("recorded");
                v
            })
            .collect()
    };
    assert_eq!(
        strip(&exported_again),
        strip(&exported),
        "the same events, ids and days"
    );
}

#[test]
fn a_refused_line_does_not_take_valid_ones_down_unless_atomic() {
    let dir = Dir::new();
    let input = dir.path("input.ndjson");
    let mut lines: Vec<String> = (0..10).map(|n| event(n).to_string()).collect();
    lines[3] = event(3).to_string().replace("2017-04-24", "2017-02-30");
    lines[7] = "{not json".to_string();
    write_lines(&input, lines.into_iter());
    let path = input.to_string_lossy().to_string();

    let atomic = dir.path("atomic.db");
    let (code, _, stderr) = dyad(&atomic, &["import", &path, "--atomic"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("line 4") && stderr.contains("line 8"),
        "{stderr}"
    );
    assert_eq!(count(&atomic), 0, "--atomic writes nothing");

    let db = dir.path("lenient.db");
    let (code, stdout, stderr) = dyad(&db, &["import", &path, "--batch", "3", "--json"]);
    assert_eq!(code, 1, "some lines were refused");
    let summary: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(summary["appended"], 8);
    assert_eq!(summary["refused"], 2);
    assert_eq!(summary["refusals"][0]["line"], 4);
    assert_eq!(summary["refusals"][0]["field"], "occurred_on");
    assert_eq!(summary["refusals"][1]["line"], 8);
    assert!(stderr.contains("line 8"), "{stderr}");
    assert_eq!(count(&db), 8);
}

#[test]
fn an_id_recorded_with_other_content_refuses_only_its_line() {
    let dir = Dir::new();
    let db = dir.path("x.db");
    let mut first = event(0);
    first["id"] = json!("7d0b6c1e-54b5-4c2e-9d55-0f2f1d1c3a01");
    let seed = dir.path("seed.ndjson");
    write_lines(&seed, std::iter::once(first.to_string()));
    assert_eq!(dyad(&db, &["import", &seed.to_string_lossy()]).0, 0);
    let mut clash = first.clone();
    clash["summary"] = json!("Other content under the same id");
    let input = dir.path("input.ndjson");
    write_lines(
        &input,
        [
            event(1).to_string(),
            clash.to_string(),
            event(2).to_string(),
        ]
        .into_iter(),
    );
    let (code, stdout, _) = dyad(&db, &["import", &input.to_string_lossy(), "--json"]);
    assert_eq!(code, 1);
    let summary: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(summary["appended"], 2, "{summary}");
    assert_eq!(summary["refusals"][0]["line"], 2);
    assert_eq!(summary["refusals"][0]["field"], "id");
}

#[test]
fn an_import_killed_midway_leaves_a_sound_log_and_rerunning_completes_it() {
    const TOTAL: usize = 30_000;
    let dir = Dir::new();
    let db = dir.path("x.db");
    let input = dir.path("big.ndjson");
    write_lines(&input, (0..TOTAL).map(|n| event(n).to_string()));
    // Create the log first (as a writing command does; reads never create one), so that polling
    // it never races the import's own creation.
    dyad::app::Tracker::open(
        &db,
        dyad::domain::framework::Framework::builtin(),
        std::sync::Arc::new(dyad::domain::clock::SystemClock),
    )
    .expect("create the log");
    assert_eq!(count(&db), 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_dyad"))
        .env_remove("DYAD_DB")
        .arg("--db")
        .arg(&db)
        .args(["import", &input.to_string_lossy(), "--batch", "500"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn import");
    let raw = rusqlite::Connection::open(&db).expect("open");
    let started = Instant::now();
    loop {
        let committed: i64 = raw
            .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
            .expect("count");
        if committed >= 1000 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let partial = count(&db);
    assert!(partial > 0, "some batches were committed before the kill");
    assert_eq!(
        partial % 500,
        0,
        "only whole batches are committed: {partial}"
    );
    assert_eq!(
        dyad(&db, &["verify"]).0,
        0,
        "the log is sound after kill -9"
    );
    if partial < TOTAL {
        let (code, stdout, stderr) = dyad(&db, &["import", &input.to_string_lossy(), "--json"]);
        assert_eq!(code, 0, "{stderr}");
        let summary: Value = serde_json::from_str(&stdout).expect("json");
        assert_eq!(summary["already_recorded"], partial as u64);
        assert_eq!(summary["appended"], (TOTAL - partial) as u64);
    }
    assert_eq!(count(&db), TOTAL, "no event lost or duplicated");
    assert_eq!(dyad(&db, &["verify"]).0, 0);
}
