//! Regressions of issue 14, "Nothing slips past": what an attacker and an unlucky user got past
//! the log's promises, each pinned by a test named after it.

mod common;

use common::*;
use dyad::app::When;

fn shipped(log: &TempLog) -> dyad::app::Tracker {
    let mut tracker = log.open(clock()).with_checkpoints(Some(1));
    let file = std::fs::File::open(shipped_log()).expect("shipped log");
    tracker
        .append_ndjson(file, "shipped", None)
        .expect("append");
    tracker
}

/// Eighteen reports of the same hostile act: a log whose status is nothing like the shipped one's.
fn hostile(log: &TempLog) -> dyad::app::Tracker {
    let mut tracker = log.open(clock()).with_checkpoints(Some(1));
    let events = (0..18)
        .map(|n| validate(&tracker, event_json(&format!("arms shipment {n}"))))
        .collect();
    tracker.append(events, None).expect("append");
    tracker
}

#[test]
fn forged_checkpoint_is_reported_and_never_used() {
    let (log, other) = (TempLog::new(), TempLog::new());
    let tracker = shipped(&log);
    let honest = tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    let foreign = hostile(&other);
    foreign
        .status(None, When::on(date("2017-06-19")))
        .expect("status");

    // Another log's checkpoint, copied in over this log's own.
    let raw = log.raw();
    raw.execute("DELETE FROM checkpoints", []).expect("clear");
    raw.execute(
        "ATTACH DATABASE ?1 AS other",
        [other.path().to_str().expect("UTF-8 path")],
    )
    .expect("attach");
    let copied = raw
        .execute(
            "INSERT INTO checkpoints SELECT * FROM other.checkpoints",
            [],
        )
        .expect("copy");
    assert_eq!(copied, 1);
    raw.execute("DETACH DATABASE other", []).expect("detach");

    let report = tracker.verify().expect("verify");
    assert!(!report.is_sound());
    assert_eq!(report.first_break, None, "the chain itself is sound");
    assert!(
        report.problems[0].contains("position 18") && report.problems[0].contains("another chain"),
        "{:?}",
        report.problems
    );
    let read = tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    assert_eq!(read, honest, "the forged state changed the answer");
    assert_eq!(tracker.last_fold().checkpoint, None, "the forgery was used");

    // This log's own checkpoint, its state edited in place.
    raw.execute("DELETE FROM checkpoints", []).expect("clear");
    tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    raw.execute(
        "UPDATE checkpoints SET state = CAST(state || x'00' AS BLOB)",
        [],
    )
    .expect("edit");
    let report = tracker.verify().expect("verify");
    assert!(
        report.problems[0].contains("digest"),
        "{:?}",
        report.problems
    );
    assert_eq!(
        tracker
            .status(None, When::on(date("2017-06-19")))
            .expect("status"),
        honest
    );
    assert_eq!(tracker.last_fold().checkpoint, None);

    // A sound checkpoint is still used.
    raw.execute("DELETE FROM checkpoints", []).expect("clear");
    tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    tracker
        .status(None, When::on(date("2017-06-19")))
        .expect("status");
    assert_eq!(tracker.last_fold().checkpoint, Some(18));
    assert!(tracker.verify().expect("verify").is_sound());
}

/// The first three events of the shipped log, and a raw connection beside the tracker.
fn three(log: &TempLog) -> (dyad::app::Tracker, rusqlite::Connection) {
    let mut tracker = log.open(clock());
    let text = std::fs::read_to_string(shipped_log()).expect("shipped log");
    let first: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    tracker
        .append_ndjson(first.as_bytes(), "shipped", None)
        .expect("append");
    (tracker, log.raw())
}

#[test]
fn insert_or_replace_and_out_of_order_inserts_are_refused_by_the_database() {
    let log = TempLog::new();
    let (tracker, raw) = three(&log);
    let copy_of = |position: u64, new_position: &str, version: &str, id: &str| {
        format!(
            "INSERT OR REPLACE INTO events (position, stream, version, id, kind, schema_version,
                 occurred_on, recorded_at, payload, prev_hash, hash, recorded_by)
             SELECT {new_position}, stream, {version}, {id}, kind, schema_version, occurred_on,
                    recorded_at, payload, prev_hash, hash, recorded_by
             FROM events WHERE position = {position}"
        )
    };
    for (what, sql) in [
        ("a row replaced in place", copy_of(2, "2", "2", "'forged'")),
        ("an id replaced", copy_of(2, "4", "4", "id")),
        (
            "a stream version replaced",
            copy_of(2, "4", "2", "'forged'"),
        ),
        ("a position skipped", copy_of(2, "5", "4", "'forged'")),
        ("a version skipped", copy_of(2, "4", "5", "'forged'")),
        (
            "a position left to SQLite",
            copy_of(2, "NULL", "4", "'forged'"),
        ),
    ] {
        let refused = raw.execute(&sql, []).expect_err(what).to_string();
        assert!(refused.contains("append-only"), "{what}: {refused}");
    }
    let ignored = raw.execute(
        &copy_of(2, "2", "2", "id").replace("OR REPLACE", "OR IGNORE"),
        [],
    );
    assert!(ignored.is_err(), "INSERT OR IGNORE is refused too");
    let ids: Vec<String> = raw
        .prepare("SELECT id FROM events ORDER BY position")
        .expect("prepare")
        .query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("ids");
    assert_eq!(ids.len(), 3);
    assert!(tracker.verify().expect("verify").is_sound());

    // dyad's own appends, and its idempotent retries, go through.
    let mut tracker = tracker;
    let text = std::fs::read_to_string(shipped_log()).expect("shipped log");
    let receipt = tracker
        .append_ndjson(text.as_bytes(), "shipped", None)
        .expect("append");
    assert_eq!(receipt.events.len(), 18);
    assert!(tracker.verify().expect("verify").is_sound());
}

#[test]
fn verify_runs_integrity_checks_and_a_dropped_trigger_stops_appends_until_repaired() {
    let cli = Cli::new();
    let text = std::fs::read_to_string(shipped_log()).expect("shipped log");
    let lines: Vec<&str> = text.lines().collect();
    cli.ok(&["append", "-"], Some(lines[0]));
    assert!(cli.ok(&["verify"], None).starts_with("sound"));
    let raw = rusqlite::Connection::open(cli.db()).expect("raw");
    raw.execute_batch("DROP TRIGGER events_are_never_deleted")
        .expect("drop");

    let verdict = cli.run(&["verify"], None);
    assert_eq!(verdict.code, 1, "{verdict:?}");
    assert!(
        verdict
            .stdout
            .contains("the trigger events_are_never_deleted is missing"),
        "{}",
        verdict.stdout
    );
    let refused = cli.run(&["append", "-"], Some(lines[1]));
    assert_eq!(refused.code, 3, "{refused:?}");
    assert!(
        refused.stderr.contains("--repair-triggers")
            && refused.stderr.contains("nothing was written"),
        "{}",
        refused.stderr
    );

    // A trigger replaced by a harmless one of the same name is caught as well.
    raw.execute_batch(
        "CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events BEGIN SELECT 1; END;",
    )
    .expect("replace");
    assert!(
        cli.run(&["verify"], None)
            .stdout
            .contains("events_are_never_deleted was changed")
    );

    let repaired = cli.run(&["verify", "--repair-triggers"], None);
    assert_eq!(repaired.code, 0, "{repaired:?}");
    assert!(
        repaired
            .stderr
            .contains("restored trigger events_are_never_deleted")
    );
    cli.ok(&["append", "-"], Some(lines[1]));
    let delete = raw.execute("DELETE FROM events WHERE position = 1", []);
    assert!(delete.is_err(), "the restored trigger refuses a delete");
}

/// Changes one character of `id` where the index `index` stores it in the file (the index is one
/// page: a few events), so that looking the id up no longer finds its row.
fn damage_index_entry(path: &std::path::Path, index: &str, id: &str) {
    let (root, page_size): (u64, u64) = {
        let raw = rusqlite::Connection::open(path).expect("raw");
        raw.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("checkpoint the WAL into the file");
        let root = raw
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = ?1",
                [index],
                |row| row.get(0),
            )
            .expect("the index's page");
        let size = raw
            .query_row("PRAGMA page_size", [], |row| row.get(0))
            .expect("page size");
        (root, size)
    };
    let mut bytes = std::fs::read(path).expect("read the file");
    let page = ((root - 1) * page_size) as usize..(root * page_size) as usize;
    let at = bytes[page.clone()]
        .windows(id.len())
        .position(|window| window == id.as_bytes())
        .expect("the id is in the index's page")
        + page.start
        + id.len()
        - 1;
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(path, bytes).expect("write the file");
}

#[test]
fn verify_finds_a_damaged_index_and_the_duplicate_it_let_in() {
    let log = TempLog::new();
    let text = std::fs::read_to_string(shipped_log()).expect("shipped log");
    let first: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    let first_id = {
        let mut tracker = log.open(clock());
        let summary = tracker
            .append_ndjson(first.as_bytes(), "shipped", None)
            .expect("append");
        summary.events[0].id.to_string()
    };
    damage_index_entry(&log.path(), "sqlite_autoindex_events_1", &first_id);

    let mut tracker = log.open(clock());
    let report = tracker.verify().expect("verify");
    assert!(!report.is_sound());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("integrity check") && p.contains("sqlite_autoindex_events_1")),
        "{:?}",
        report.problems
    );
    // The damaged index no longer finds the id: a re-append records it twice, and verify,
    // which reads the rows themselves, names the second.
    tracker
        .append_ndjson(first.as_bytes(), "shipped", None)
        .expect("re-append");
    let report = tracker.verify().expect("verify");
    let problem = report.first_break.expect("the duplicate is found");
    assert!(problem.problem.contains("recorded twice"), "{problem:?}");
}

#[test]
fn a_cut_or_rewritten_log_fails_against_its_witnessed_head() {
    let cli = Cli::new();
    let key = cli.dir.path().join("witness.key");
    let key = key.to_str().expect("UTF-8 path");
    let public = cli.ok(&["keygen", key], None).trim().to_string();
    assert_eq!(public.len(), 64);
    assert_eq!(
        std::fs::read_to_string(format!("{key}.pub"))
            .expect("public key file")
            .trim(),
        public
    );
    assert_eq!(
        cli.run(&["keygen", key], None).code,
        1,
        "keygen never overwrites a key"
    );
    cli.append_shipped();
    let statement = cli.dir.path().join("head-18.json");
    let statement = statement.to_str().expect("UTF-8 path");
    cli.ok(&["head", "--sign", key, "-o", statement], None);
    let signed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(statement).expect("statement"))
            .expect("JSON");
    assert_eq!(signed["position"], 18);
    assert_eq!(signed["signer"], public.as_str());
    assert!(
        cli.ok(&["verify", "--witness", statement], None)
            .starts_with("sound")
    );
    cli.ok(
        &["verify", "--witness", statement, "--signer", &public],
        None,
    );
    let stranger = "ab".repeat(32);
    let refused = cli.run(
        &["verify", "--witness", statement, "--signer", &stranger],
        None,
    );
    assert_eq!(refused.code, 1, "{refused:?}");

    // Each log below is sound on its own: only the witness tells.
    let text = std::fs::read_to_string(shipped_log()).expect("shipped log");
    let cut = Cli::new();
    let first: String = text.lines().take(10).map(|l| format!("{l}\n")).collect();
    cut.ok(&["append", "-"], Some(&first));
    assert!(cut.ok(&["verify"], None).starts_with("sound"));
    let verdict = cut.run(&["verify", "--witness", statement], None);
    assert_eq!(verdict.code, 1, "{verdict:?}");
    assert!(
        verdict.stdout.contains("head-18.json")
            && verdict.stdout.contains("(position 18) is gone")
            && verdict.stdout.contains("ends at position 10"),
        "{}",
        verdict.stdout
    );

    let rewritten = Cli::new();
    rewritten.append_shipped();
    let verdict = rewritten.run(&["verify", "--witness", statement], None);
    assert_eq!(verdict.code, 1, "{verdict:?}");
    assert!(verdict.stdout.contains("rewritten"), "{}", verdict.stdout);

    // A statement edited after signing is refused.
    let forged = cli.write(
        "forged.json",
        &std::fs::read_to_string(statement)
            .expect("statement")
            .replace("\"position\":18", "\"position\":17"),
    );
    let verdict = cli.run(&["verify", "--witness", &forged], None);
    assert_eq!(verdict.code, 1);
    assert!(verdict.stdout.contains("signature"), "{}", verdict.stdout);
}

#[tokio::test]
async fn serve_publishes_its_signed_head() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key_path = dir.path().join("serve.key");
    let key = dyad::witness::WitnessKey::generate().expect("key");
    key.save(&key_path).expect("save");
    let mut config = dyad::server::ServerConfig::new(dir.path().join("serve.db"));
    config.head_key = Some(dyad::witness::WitnessKey::load(&key_path).expect("load"));
    let mut served = Served::start(dir, config).await;
    let base = served.base.clone();
    let client = reqwest::Client::new();
    let body = std::fs::read_to_string(shipped_log()).expect("shipped log");
    let posted = client
        .post(format!("{base}/v1/events"))
        .body(body)
        .send()
        .await
        .expect("POST");
    assert!(posted.status().is_success());
    let text = client
        .get(format!("{base}/v1/head"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let head = dyad::witness::SignedHead::parse(&text, "/v1/head").expect("a signed head");
    assert_eq!(head.position, 18);
    assert_eq!(head.signer, key.public_key());
    served
        .halt()
        .await
        .expect("stopped in time")
        .expect("stopped cleanly");
    let tracker = dyad::app::Tracker::open(
        &served.dir.path().join("serve.db"),
        dyad::domain::framework::Framework::builtin(),
        clock(),
    )
    .expect("open");
    assert_eq!(tracker.witness_problem(&head).expect("check"), None);
}

/// The number of events in a CLI test's log.
fn count(cli: &Cli) -> usize {
    cli.json_lines(&["log", "--json"]).len()
}

#[test]
fn text_after_the_first_json_value_is_refused() {
    let cli = Cli::new();
    let one = event_json("one").to_string();
    let two = event_json("two").to_string();
    for args in [&["append", "-"][..], &["import", "-"][..]] {
        let refused = cli.refused(args, Some(&format!("{one} {two}\n")));
        assert!(
            refused.contains("line 1") && refused.contains("trailing characters"),
            "{args:?}: {refused}"
        );
        let refused = cli.refused(args, Some(&format!("{one}x\n")));
        assert!(refused.contains("line 1"), "{args:?}: {refused}");
    }
    assert_eq!(count(&cli), 0, "nothing was recorded");
}

#[test]
fn arrays_and_repeated_keys_are_refused_on_every_path() {
    let cli = Cli::new();
    let one = event_json("one");
    let as_array: Vec<serde_json::Value> = one
        .as_object()
        .expect("an object")
        .values()
        .cloned()
        .collect();
    let as_array = serde_json::to_string(&as_array).expect("JSON");
    let refused = cli.refused(&["append", "-"], Some(&as_array));
    assert!(
        refused.contains("expected a JSON object, found an array"),
        "{refused}"
    );
    let repeated = one.to_string().replacen(
        "\"summary\":\"one\"",
        "\"summary\":\"one\",\"summary\":\"two\"",
        1,
    );
    assert!(repeated.contains("\"two\""));
    for args in [&["append", "-"][..], &["import", "-"][..]] {
        let refused = cli.refused(args, Some(&repeated));
        assert!(
            refused.contains("`summary` appears twice"),
            "{args:?}: {refused}"
        );
    }
    let summary = cli.append(&[one], &[]);
    let id = summary[0]["id"].as_str().expect("id").to_string();
    let refused = cli.refused(
        &["correct", &id, "-", "--reason", "typo"],
        Some(r#"{"summary": "a", "summary": "b"}"#),
    );
    assert!(refused.contains("appears twice"), "{refused}");
    assert_eq!(count(&cli), 1);
}

#[test]
fn control_characters_are_refused_in_one_line_fields_and_escaped_on_output() {
    let cli = Cli::new();
    let mut clearing = event_json("before\u{1b}[2Jafter");
    let refused = cli.refused(&["append", "-"], Some(&clearing.to_string()));
    assert!(
        refused.contains("field `summary`") && refused.contains("U+001B"),
        "{refused}"
    );
    clearing["summary"] = "a report".into();
    clearing["source"]["outlet"] = "Wire\u{0}".into();
    let refused = cli.refused(&["append", "-"], Some(&clearing.to_string()));
    assert!(refused.contains("field `source.outlet`"), "{refused}");
    let mut quoted = event_json("a quote over two lines");
    quoted["source"]["quote"] = "first line\nsecond line".into();
    cli.append(&[quoted], &[]);

    // A log written before the check may hold them: they are shown, never sent raw.
    let tracker = dyad::app::Tracker::open(
        &cli.db(),
        dyad::domain::framework::Framework::builtin(),
        clock(),
    )
    .expect("open");
    let mut tracker = tracker;
    let mut event = validate(&tracker, event_json("old"));
    if let dyad::domain::event::Payload::Report(body) = &mut event.payload {
        body.summary = "before\u{1b}[2Jafter\u{7}".into();
    }
    tracker.append(vec![event], None).expect("append");
    for args in [
        &["log"][..],
        &["status", "--as-of", "2017-06-19"][..],
        &["explain", "--as-of", "2017-06-19"][..],
    ] {
        let shown = cli.ok(args, None);
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{args:?}: {shown}"
        );
        assert!(shown.contains("\\u{1b}[2J"), "{args:?}: {shown}");
    }
}

#[test]
fn a_byte_order_mark_and_upper_case_schemes_are_accepted_and_empty_inputs_refused_alike() {
    let cli = Cli::new();
    let mut shouted = event_json("shouted");
    shouted["source"]["url"] = "HTTPS://Example.org/a".into();
    let with_bom = format!("\u{feff}{shouted}\n");
    cli.ok(&["append", "-"], Some(&with_bom));
    let file = cli.write(
        "bom.ndjson",
        &format!("\u{feff}{}\n", event_json("imported")),
    );
    cli.ok(&["import", &file], None);
    assert_eq!(count(&cli), 2);
    let mut other = event_json("other");
    other["source"]["url"] = "ftp://example.org".into();
    assert!(
        cli.refused(&["append", "-"], Some(&other.to_string()))
            .contains("source.url")
    );

    let empty = cli.write("empty.ndjson", "\n  \n");
    let append = cli.refused(&["append", &empty], None);
    let import = cli.refused(&["import", &empty], None);
    assert!(append.contains("holds no events"), "{append}");
    assert!(import.contains("holds no events"), "{import}");
}

#[tokio::test]
async fn the_service_reads_bodies_as_strictly_as_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dyad::server::ServerConfig::new(dir.path().join("serve.db"));
    let mut served = Served::start(dir, config).await;
    let url = served.url("/v1/events");
    let client = reqwest::Client::new();
    let one = event_json("one").to_string();
    let repeated = one.replacen(
        "\"summary\":\"one\"",
        "\"summary\":\"a\",\"summary\":\"b\"",
        1,
    );
    for body in [
        format!("{one} {}", event_json("two")),
        format!("[{repeated}]"),
        format!("[[{one}]]"),
        format!("[{one}] trailing"),
    ] {
        let answer = client
            .post(&url)
            .body(body.clone())
            .send()
            .await
            .expect("POST");
        assert_eq!(answer.status(), reqwest::StatusCode::BAD_REQUEST, "{body}");
    }
    let answer = client
        .post(&url)
        .body(format!("\u{feff}[{one}]"))
        .send()
        .await
        .expect("POST");
    assert_eq!(answer.status(), reqwest::StatusCode::CREATED);
    served
        .halt()
        .await
        .expect("stopped in time")
        .expect("stopped cleanly");
}

#[test]
fn only_writing_commands_create_a_log_and_foreign_databases_are_refused() {
    let cli = Cli::new();
    for args in [
        &["verify"][..],
        &["status"][..],
        &["log"][..],
        &["export"][..],
        &["head"][..],
        &["inbox"][..],
        &["retract", "abcdef12", "--reason", "x"][..],
    ] {
        let outcome = cli.run(args, None);
        assert_eq!(outcome.code, 3, "{args:?}: {outcome:?}");
        assert!(
            outcome.stderr.contains("no log at"),
            "{args:?}: {}",
            outcome.stderr
        );
        assert!(!cli.db().exists(), "{args:?} created the log");
    }
    // An empty file (an empty database) is no log to read, but a writer may make it one.
    std::fs::write(cli.db(), "").expect("empty file");
    assert!(cli.run(&["verify"], None).stderr.contains("no log at"));
    cli.append_shipped();
    assert!(cli.ok(&["verify"], None).starts_with("sound: 18 events"));

    let foreign = Cli::new();
    let raw = rusqlite::Connection::open(foreign.db()).expect("raw");
    raw.execute_batch("CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ana');")
        .expect("another program's database");
    let path = shipped_log();
    let refused = foreign.run(&["append", path.to_str().expect("UTF-8 path")], None);
    assert_eq!(refused.code, 3, "{refused:?}");
    assert!(
        refused.stderr.contains("not a dyad log (it holds people)"),
        "{}",
        refused.stderr
    );
    let tables: i64 = raw
        .query_row("SELECT COUNT(*) FROM sqlite_master", [], |row| row.get(0))
        .expect("count");
    assert_eq!(tables, 1, "dyad added nothing to it");
}

#[cfg(unix)]
#[test]
fn reads_work_on_a_read_only_log() {
    use std::os::unix::fs::PermissionsExt;
    let cli = Cli::new();
    cli.append_shipped();
    let expected = cli.ok(&["status", "--as-of", "2017-06-19", "--json"], None);
    let set_mode = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    set_mode(&cli.db(), 0o444);
    set_mode(cli.dir.path(), 0o555);
    // Root writes whatever the modes say: there, run dyad as `nobody`, as the user who found this.
    let as_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"));
    let run = |args: &[&str]| {
        let mut command = if as_root {
            let mut su = std::process::Command::new("su");
            let line = std::iter::once(env!("CARGO_BIN_EXE_dyad").to_string())
                .chain(["--db".to_string(), cli.db().display().to_string()])
                .chain(args.iter().map(|a| a.to_string()))
                .collect::<Vec<_>>()
                .join(" ");
            su.args(["nobody", "-s", "/bin/sh", "-c", &line]);
            su
        } else {
            cli.command(args)
        };
        command.env_remove("DYAD_DB");
        cli.run_with(command, None)
    };
    for args in [
        &["verify"][..],
        &["log"][..],
        &["export"][..],
        &["status", "--as-of", "2017-06-19", "--json"][..],
    ] {
        let outcome = run(args);
        assert_eq!(outcome.code, 0, "{args:?}: {outcome:?}");
        if args[0] == "status" {
            assert_eq!(outcome.stdout, expected);
        }
    }
    assert_eq!(
        run(&["append", "-"]).code,
        3,
        "appending needs a writable log"
    );
    set_mode(cli.dir.path(), 0o755);
    set_mode(&cli.db(), 0o644);
}

#[cfg(unix)]
#[test]
fn framework_and_token_files_are_read_within_a_bound() {
    let cli = Cli::new();
    let framework = cli.run(&["--framework", "/dev/zero", "codes", "framework"], None);
    assert_ne!(framework.code, 0);
    assert!(
        framework.stderr.contains("larger than"),
        "{}",
        framework.stderr
    );
    let token = cli.run(
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--token-file",
            "/dev/zero",
        ],
        None,
    );
    assert_ne!(token.code, 0);
    assert!(token.stderr.contains("larger than"), "{}", token.stderr);
}

#[tokio::test]
async fn a_huge_replay_range_is_refused_before_any_work() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dyad::server::ServerConfig::new(dir.path().join("serve.db"));
    let mut served = Served::start(dir, config).await;
    let base = served.base.clone();
    let client = reqwest::Client::new();
    let started = std::time::Instant::now();
    let answers = futures_util::future::join_all((0..8).map(|_| {
        client
            .get(format!(
                "{base}/v1/replay?from=0001-01-01&to=9999-12-31&every=day"
            ))
            .send()
    }))
    .await;
    for answer in answers {
        assert_eq!(
            answer.expect("GET").status(),
            reqwest::StatusCode::BAD_REQUEST
        );
    }
    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("GET");
    assert!(health.status().is_success());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    served
        .halt()
        .await
        .expect("stopped in time")
        .expect("stopped cleanly");
}

#[test]
fn replay_steps_never_undercount_the_dates() {
    use dyad::app::{Every, replay_dates, replay_steps};
    for (from, to) in [
        ("2017-01-31", "2017-12-31"),
        ("2017-01-01", "2017-01-01"),
        ("2016-02-29", "2020-03-01"),
        ("2017-06-19", "2017-06-18"),
    ] {
        for every in [Every::Day, Every::Week, Every::Month, Every::Quarter] {
            let dates = replay_dates(date(from), date(to), every).len() as u64;
            assert!(
                replay_steps(date(from), date(to), every) >= dates,
                "{from} {to}"
            );
        }
    }
}

#[tokio::test]
async fn events_appended_by_another_process_reach_subscribers_within_a_second() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("serve.db");
    let config = dyad::server::ServerConfig::new(db.clone());
    let mut served = Served::start(dir, config).await;
    let base = served.base.clone();
    let client = reqwest::Client::new();
    let mut stream = client
        .get(format!("{base}/v1/events/stream"))
        .send()
        .await
        .expect("subscribe");
    assert!(stream.status().is_success());
    // Give the feed its catch-up read of the (empty) log first.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let appended_at = std::time::Instant::now();
    tokio::task::spawn_blocking(move || {
        let mut other =
            dyad::app::Tracker::open(&db, dyad::domain::framework::Framework::builtin(), clock())
                .expect("another writer");
        let event = validate(&other, event_json("from another process"));
        other.append(vec![event], None).expect("append");
    })
    .await
    .expect("append task");
    let mut received = String::new();
    while !received.contains("from another process") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(2), stream.chunk())
            .await
            .expect("the event arrives within two seconds")
            .expect("read the stream")
            .expect("the stream stays open");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    let waited = appended_at.elapsed();
    assert!(waited < std::time::Duration::from_secs(1), "{waited:?}");
    assert!(received.contains("id: 1"), "{received}");
    drop(stream);
    served
        .halt()
        .await
        .expect("stopped in time")
        .expect("stopped cleanly");
}

#[tokio::test]
async fn slow_clients_are_timed_out_and_connections_are_limited() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = dyad::server::ServerConfig::new(dir.path().join("serve.db"));
    config.limits.max_connections = 4;
    config.limits.idle_timeout = std::time::Duration::from_millis(300);
    config.limits.body_timeout = std::time::Duration::from_millis(500);
    let mut served = Served::start(dir, config).await;
    let addr = served.base.trim_start_matches("http://").to_string();

    // Four clients stall in their headers and take every connection.
    let mut slow = Vec::new();
    for _ in 0..4 {
        let mut socket = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect");
        socket
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("write");
        slow.push(socket);
    }
    let started = std::time::Instant::now();
    let health = reqwest::Client::new()
        .get(format!("http://{addr}/healthz"))
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .expect("answered once the stalled clients are dropped");
    assert!(health.status().is_success());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    for mut socket in slow {
        let mut buffer = [0u8; 64];
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(2), socket.read(&mut buffer))
                .await
                .expect("the stalled connection is closed");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    }

    // A body that trickles in, a byte at a time, is cut off as a whole.
    let mut socket = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    socket
        .write_all(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
        .await
        .expect("write");
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    let cut_off = tokio::time::timeout(std::time::Duration::from_secs(3), async {
        loop {
            tokio::select! {
                read = socket.read(&mut buffer) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => answer.extend_from_slice(&buffer[..n]),
                },
                () = tokio::time::sleep(std::time::Duration::from_millis(100)) => {
                    let _ = socket.write_all(b" ").await;
                }
            }
            if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                return;
            }
        }
    })
    .await;
    assert!(cut_off.is_ok(), "the trickling body was not cut off");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    served
        .halt()
        .await
        .expect("stopped in time")
        .expect("stopped cleanly");
}

/// `n` events as NDJSON lines, each with its own id and a summary long enough that the file is
/// large, the line `bad` (from 1) replaced by `bad_line`.
fn large_input(n: usize, replace: Option<(usize, String)>) -> String {
    let filler = "a long summary of the same kind of report ".repeat(8);
    let mut text = String::new();
    for line in 1..=n {
        match &replace {
            Some((at, replacement)) if *at == line => text.push_str(replacement),
            _ => {
                let mut event = event_json(&format!("report {line}: {filler}"));
                event["id"] = serde_json::json!(uuid::Uuid::from_u128(line as u128).to_string());
                text.push_str(&event.to_string());
            }
        }
        text.push('\n');
    }
    text
}

/// The peak resident memory of a child, in kB: its `VmHWM`, read until it exits.
fn peak_memory_kb(mut child: std::process::Child) -> (u64, std::process::ExitStatus) {
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            let hwm = status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse().ok());
            peak = peak.max(hwm.unwrap_or(0));
        }
        if let Some(exit) = child.try_wait().expect("wait") {
            return (peak, exit);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn append_of_a_large_file_keeps_memory_flat() {
    let cli = Cli::new();
    let events = 100_000;
    let file = cli.dir.path().join("large.ndjson");
    std::fs::write(&file, large_input(events, None)).expect("write");
    let size = std::fs::metadata(&file).expect("size").len();
    assert!(size > 50_000_000, "a file of {size} bytes");
    let child = cli
        .command(&["append", file.to_str().expect("UTF-8 path")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn dyad");
    let (peak_kb, exit) = peak_memory_kb(child);
    assert!(exit.success(), "append failed");
    assert_eq!(count(&cli), events);
    // Holding the events took about 2 kB each (200 MB here, more than the file); streamed, what
    // is held per event is its outcome and its id, a few dozen bytes.
    assert!(
        peak_kb < 100_000,
        "append of {size} bytes peaked at {peak_kb} kB"
    );
}

#[test]
fn a_large_append_is_judged_whole_as_one_batch() {
    let cli = Cli::new();
    let events = 5_000;
    let file = cli.dir.path().join("large.ndjson");
    let path = file.to_str().expect("UTF-8 path");
    let write = |replace: Option<(usize, String)>| {
        let text = large_input(events, replace);
        assert!(text.len() > 2 * 1024 * 1024, "read line by line");
        std::fs::write(&file, text).expect("write");
    };

    // A bad line near the end, after several chunks were written: nothing stays.
    write(Some((4_500, "{\"dyad\": \"USA-RUS\"}".into())));
    let refused = cli.refused(&["append", path], None);
    assert!(refused.contains("line 4500"), "{refused}");
    assert_eq!(count(&cli), 0);

    // An id repeated with other content in a later chunk names both lines.
    let mut repeat = event_json("other content");
    repeat["id"] = serde_json::json!(uuid::Uuid::from_u128(10).to_string());
    write(Some((4_000, repeat.to_string())));
    let refused = cli.refused(&["append", path], None);
    assert!(
        refused.contains("line 4000, field `id`") && refused.contains("id of line 10,"),
        "{refused}"
    );
    assert_eq!(count(&cli), 0);

    // The expected version is checked once, for the whole batch; a retry is idempotent.
    write(None);
    let refused = cli.refused(&["append", path, "--expect-version", "3"], None);
    assert!(refused.contains("USA-RUS"), "{refused}");
    assert_eq!(count(&cli), 0);
    let out = cli.ok(&["append", path, "--expect-version", "0"], None);
    assert!(
        out.ends_with("5000 recorded, 0 already recorded\n"),
        "{out}"
    );
    let out = cli.ok(&["append", path, "--expect-version", "0"], None);
    assert!(
        out.ends_with("0 recorded, 5000 already recorded\n"),
        "{out}"
    );
    assert_eq!(count(&cli), events);
    let positions: Vec<u64> = cli
        .json_lines(&["append", path, "--json"])
        .iter()
        .map(|outcome| outcome["position"].as_u64().expect("position"))
        .collect();
    assert_eq!(positions, (1..=events as u64).collect::<Vec<_>>());

    // Likely duplicates are looked for in every chunk: refused with --strict-duplicates,
    // warned of without.
    let again = cli.dir.path().join("again.ndjson");
    let mut text = String::new();
    for line in 1..=events {
        let mut event = event_json(&format!("report {line} again"));
        event["id"] =
            serde_json::json!(uuid::Uuid::from_u128(1_000_000 + line as u128).to_string());
        if line < events {
            event["occurred_on"] = serde_json::json!("2010-01-01");
            event["source"]["published_on"] = serde_json::json!("2010-01-01");
        }
        text.push_str(&event.to_string());
        text.push('\n');
    }
    // A blank line longer than any event, skipped as a short one is.
    text.push_str(&" ".repeat(2 * 1024 * 1024));
    std::fs::write(&again, text).expect("write");
    let again = again.to_str().expect("UTF-8 path");
    let refused = cli.refused(&["append", again, "--strict-duplicates"], None);
    assert!(refused.contains("line 5000"), "{refused}");
    assert_eq!(count(&cli), events);
    let outcome = cli.run(&["append", again], None);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(outcome.stderr.contains("line 5000"), "{}", outcome.stderr);
    assert_eq!(count(&cli), 2 * events);
}
