//! No evidence is not steady: a pillar, issue or overall score whose evidence weighs less than the
//! method's `min_weight` reads "no data" (JSON `"level": null` with its weight) in tables,
//! replays, CSV and reports, while balanced evidence still reads `steady`.

mod common;

use common::{Cli, clock, event_json};
use serde_json::{Value, json};

fn status(cli: &Cli, as_of: &str) -> Value {
    serde_json::from_str(&cli.ok(&["status", "--as-of", as_of, "--json"], None)).expect("JSON")
}

fn pillar<'a>(status: &'a Value, id: &str) -> &'a Value {
    status["pillars"]
        .as_array()
        .expect("pillars")
        .iter()
        .find(|p| p["id"] == id)
        .expect("pillar")
}

#[test]
fn an_empty_log_reads_no_data_everywhere() {
    let cli = Cli::new();
    // An empty log, as a writing command creates it (reads never create one).
    dyad::app::Tracker::open(
        &cli.db(),
        dyad::domain::framework::Framework::builtin(),
        clock(),
    )
    .expect("create the log");
    let json = status(&cli, "2017-06-19");
    assert_eq!(json["overall"]["level"], Value::Null, "{json}");
    assert_eq!(json["overall"]["weight"], 0.0);
    for pillar in json["pillars"].as_array().expect("pillars") {
        assert_eq!(pillar["level"], Value::Null, "{pillar}");
    }
    let text = cli.ok(&["status", "--as-of", "2017-06-19"], None);
    assert!(text.contains("NO DATA (weight 0.00)"), "{text}");
    assert!(!text.contains("steady"), "{text}");
    let replay = cli.ok(
        &["replay", "--from", "2017-01-01", "--to", "2017-02-01"],
        None,
    );
    assert!(replay.contains("no data (0)"), "{replay}");
    assert!(!replay.contains("+0.00"), "{replay}");
}

#[test]
fn balanced_evidence_is_steady_and_thin_evidence_is_no_data() {
    let cli = Cli::new();
    // Two opposite reports on the same day under pushback: their mean is 0, with weight 2.
    let mut warm = event_json("the US praises Russia");
    warm["action"] = json!("praise");
    warm["target"] = json!("RUS");
    warm["actor"] = json!("USA");
    warm["intensity"] = json!(4.0);
    warm["pillar"] = json!("pushback");
    let mut cold = warm.clone();
    cold["summary"] = json!("the US warns Russia");
    cold["action"] = json!("warn");
    cold["intensity"] = json!(-4.0);
    // A barely confident report under stability: its weight (0.05) is under the threshold.
    let mut faint = event_json("a faint rumour about missiles");
    faint["action"] = json!("show_force");
    faint["actor"] = json!("RUS");
    faint["target"] = json!("USA");
    faint["issue"] = json!("arms_control");
    faint["confidence"] = json!(0.05);
    cli.append(&[warm, cold, faint], &[]);

    let on_the_day = status(&cli, "2017-04-24");
    let pushback = pillar(&on_the_day, "pushback");
    assert_eq!(pushback["level"], "steady", "{pushback}");
    assert_eq!(pushback["score"], 0.0);
    assert_eq!(pushback["weight"], 2.0);
    let stability = pillar(&on_the_day, "stability");
    assert_eq!(stability["level"], Value::Null, "{stability}");
    assert_eq!(stability["weight"], 0.05);
    assert_eq!(
        stability["events"], 1,
        "the report is counted, but too thin to read"
    );
    assert_eq!(pillar(&on_the_day, "engagement")["level"], Value::Null);

    // Three years on, the balanced pair has decayed below the threshold too
    // (2 × 0.5^(1096/180) = 0.03).
    let later = status(&cli, "2020-04-24");
    assert_eq!(pillar(&later, "pushback")["level"], Value::Null);
    let table = cli.ok(&["status", "--as-of", "2020-04-24"], None);
    let pushback_row = table
        .lines()
        .find(|l| l.contains(" pushback "))
        .expect("a pushback row");
    assert!(pushback_row.contains("no data"), "{table}");
    assert!(
        !pushback_row.contains("+0.0"),
        "no score where there is no data: {table}"
    );
}

#[test]
fn a_report_charts_no_data_as_a_gap() {
    let cli = Cli::new();
    cli.append_shipped();
    let report: Value = serde_json::from_str(&cli.ok(
        &[
            "report",
            "--from",
            "2016-12-01",
            "--to",
            "2017-06-19",
            "--format",
            "json",
        ],
        None,
    ))
    .expect("JSON");
    let lines = report["series"]["lines"].as_array().expect("lines");
    let overall = lines
        .iter()
        .find(|l| l["id"] == "overall")
        .expect("overall");
    let scores = overall["scores"].as_array().expect("scores");
    assert_eq!(scores[0], Value::Null, "nothing had happened on 2016-12-01");
    assert!(scores.last().is_some_and(Value::is_number));
    let markdown = cli.ok(
        &["report", "--from", "2016-12-01", "--to", "2017-06-19"],
        None,
    );
    assert!(markdown.contains("from no data"), "{markdown}");
}
