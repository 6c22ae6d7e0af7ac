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
