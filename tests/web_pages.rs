//! The web desk over HTTP: every page answers, carries its security headers, escapes hostile
//! text wherever it shows it, and lets only signed-in writers with the form's CSRF token write.
//! A real server on 127.0.0.1:0, driven with plain requests (cookies and forms by hand).

mod common;

use dyad::app::{LogFilter, Tracker};
use dyad::domain::clock::SystemClock;
use dyad::domain::event::EventInput;
use dyad::domain::framework::Framework;
use dyad::domain::recorder::Recorder;
use dyad::server::{self, ServerConfig};
use dyad::web::{Users, token_hash};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;
use tokio::sync::oneshot;

const HOSTILE: &str = "<script>alert(1)</script>";
/// The start of the escaped text (minijinja also escapes `/`, as `&#x2f;`).
const ESCAPED: &str = "&lt;script&gt;alert(1)";
/// Breaks out of an attribute if it is not escaped.
const ATTRIBUTE_BREAK: &str = "\"><script>alert(2)</script>";

struct Desk {
    served: common::Served,
    client: reqwest::Client,
}

/// A page's answer.
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn csrf(&self) -> String {
        self.hidden("csrf")
    }

    /// The value of a form's hidden field.
    fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker).expect("a form with the field") + marker.len();
        let end = self.body[start..].find('"').expect("end of the value");
        self.body[start..start + end].to_string()
    }

    fn cookie(&self) -> Option<String> {
        let value = self.headers.get("set-cookie")?.to_str().ok()?;
        Some(value.split(';').next()?.to_string())
    }

    fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

/// Hostile text in every field of a report a page shows.
fn hostile_event(summary: &str) -> Value {
    json!({
        "dyad": "USA-RUS", "kind": "statement", "occurred_on": "2017-04-24",
        "actor": "RUS", "target": "USA", "action": "protest",
        "issue": "afghanistan",
        "summary": format!("{summary} {HOSTILE} {ATTRIBUTE_BREAK}"),
        "speaker": format!("Speaker {HOSTILE}"),
        "quote": format!("Quote {HOSTILE}"),
        "source": {
            "outlet": format!("Outlet {HOSTILE} {ATTRIBUTE_BREAK}"),
            "published_on": "2017-06-19",
            "attribution": format!("Attribution {HOSTILE}"),
            "quote": format!("Source quote {HOSTILE}")
        }
    })
}

impl Desk {
    /// A desk over a log holding the seed events and a hostile one (corrected, corroborated),
    /// with a users file when `users` is given.
    async fn start(users: Option<&str>) -> (Desk, String) {
        let dir = TempDir::new().expect("temp dir");
        let db = dir.path().join("desk.db");
        let hostile_id = {
            let mut tracker = common::seeded_log(&db);
            let input: EventInput =
                serde_json::from_value(hostile_event("Hostile")).expect("input");
            let event = tracker.validator().validate(input).expect("valid");
            let id = event.id;
            tracker.append(vec![event], None).expect("appended");
            let mut fields = serde_json::Map::new();
            fields.insert("intensity".into(), json!(-3.0));
            tracker
                .correct(id, fields, &format!("Reason {HOSTILE}"), None)
                .expect("corrected");
            let source: dyad::domain::event::SourceInput = serde_json::from_value(json!({
                "outlet": format!("Second {HOSTILE}"),
                "attribution": format!("Who {HOSTILE}")
            }))
            .expect("source");
            tracker
                .corroborate(id, source, &format!("Same {HOSTILE}"))
                .expect("corroborated");
            id.to_string()
        };
        let mut config = ServerConfig::new(db);
        config.recorder = Recorder::parse("local").expect("name");
        config.users = users.map(|text| Users::parse(text).expect("users"));
        let served = common::Served::start(dir, config).await;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let desk = Desk { served, client };
        (desk, hostile_id)
    }

    fn db(&self) -> PathBuf {
        self.served.dir.path().join("desk.db")
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Page {
        let mut request = self.client.get(self.served.url(path));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("GET");
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        }
    }

    async fn post(&self, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Page {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = self
            .client
            .post(self.served.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("POST");
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        }
    }

    /// Signs in with a token; returns the session cookie.
    async fn sign_in(&self, token: &str) -> String {
        let page = self.try_sign_in(token).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        page.cookie().expect("a session cookie")
    }

    /// Posts the sign-in form this browser was given, with a token.
    async fn try_sign_in(&self, token: &str) -> Page {
        let form = self.get("/signin", None).await;
        let bound = form.cookie().expect("the sign-in form's cookie");
        self.post(
            "/signin",
            Some(&bound),
            &[
                ("token", token),
                ("next", "/"),
                ("form", &form.hidden("form")),
            ],
        )
        .await
    }

    async fn stop(mut self) {
        self.served
            .halt()
            .await
            .expect("stops in time")
            .expect("stopped cleanly");
    }

    /// The events of the log, as `dyad log --json` has them.
    fn log(&self) -> Vec<dyad::domain::event::LoggedEvent> {
        let tracker =
            Tracker::open(&self.db(), Framework::builtin(), Arc::new(SystemClock)).expect("log");
        let mut events = Vec::new();
        tracker
            .log(&LogFilter::default(), |logged, _| {
                events.push(logged.clone());
                ControlFlow::Continue(())
            })
            .expect("read");
        events
    }
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn users_file() -> String {
    format!(
        "# the desk\nana write {}\nboris read {}\n",
        token_hash("ana-token"),
        token_hash("boris-token")
    )
}

const ARTICLE: &str = "US expels Russian diplomats over spying\n\n\
    The United States expelled 60 Russian diplomats on Monday, the White House said. \
    Russia warned the United States that it would retaliate, the Kremlin said on Tuesday. \
    The United States imposed new sanctions on Russian banks on Wednesday.";

fn assert_safe(page: &Page, what: &str) {
    assert!(
        !page.body.contains(HOSTILE),
        "{what} shows hostile text unescaped"
    );
    assert!(
        !page.body.contains("<script>alert(2)"),
        "{what} lets hostile text out of an attribute"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_answers_with_its_security_headers() {
    let (desk, id) = Desk::start(None).await;
    let first = desk.get("/", None).await;
    assert_eq!(first.status, StatusCode::OK);
    let set_cookie = first.headers["set-cookie"].to_str().expect("cookie");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    let cookie = first.cookie().expect("cookie");
    let short = &id[..8];
    for path in [
        "/".to_string(),
        "/?as_of=2017-06-19&known_at=2030-01-01&since=2017-01-01".to_string(),
        "/?charts=on&as_of=2017-06-19".to_string(),
        "/log".to_string(),
        "/log?pillar=pushback&grep=taliban&as_of=2017-06-30".to_string(),
        format!("/event/{id}"),
        format!("/event/{short}?known_at=2030-01-01"),
        "/inbox".to_string(),
        "/diff".to_string(),
        "/diff?from=2017-01-01&to=2017-06-19".to_string(),
        "/diff?known_from=2017-01-01&known_to=2030-01-01&as_of=2017-06-19".to_string(),
        "/report".to_string(),
        "/report?from=2017-01-01&to=2017-06-30".to_string(),
    ] {
        let page = desk.get(&path, Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        let policy = page.headers["content-security-policy"]
            .to_str()
            .expect("policy");
        assert!(policy.contains("script-src 'self'"), "{path}: {policy}");
        assert!(!policy.contains("unsafe"), "{path}: {policy}");
        assert!(page.body.contains("As of"), "{path} shows its moment");
        assert!(
            !page.body.contains("<script>"),
            "{path} has an inline script"
        );
    }
    let moment = desk
        .get("/log?as_of=2017-06-30&known_at=2030-01-01", Some(&cookie))
        .await;
    assert!(moment.body.contains("2017-06-30") && moment.body.contains("2030-01-01"));
    assert!(
        moment
            .body
            .contains("/log?as_of=2017-06-30&amp;known_at=2030-01-01"),
        "links carry the moment"
    );
    for (path, kind) in [
        ("/report/view?from=2017-01-01&to=2017-06-30", "text/html"),
        (
            "/report/download.md?from=2017-01-01&to=2017-06-30",
            "text/markdown",
        ),
        (
            "/report/download.json?from=2017-01-01&to=2017-06-30",
            "application/json",
        ),
        ("/static/desk.css", "text/css"),
        ("/static/desk.js", "text/javascript"),
    ] {
        let page = desk.get(path, Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.headers["content-type"]
                .to_str()
                .expect("type")
                .starts_with(kind),
            "{path}"
        );
    }
    let bad_date = desk.get("/?as_of=19/06/2017", Some(&cookie)).await;
    assert_eq!(bad_date.status, StatusCode::BAD_REQUEST);
    assert!(bad_date.body.contains("expected YYYY-MM-DD"));
    let missing = desk.get("/event/ffffffffffff", Some(&cookie)).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    let mixed = desk
        .get("/diff?from=2017-01-01&known_to=2030-01-01", Some(&cookie))
        .await;
    assert_eq!(mixed.status, StatusCode::BAD_REQUEST);
    // The API is as it was.
    let api = desk.get("/v1/status", None).await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(api.body.starts_with('{'));
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_is_escaped_on_every_page() {
    let (desk, id) = Desk::start(None).await;
    let cookie = desk.get("/", None).await.cookie().expect("cookie");
    // An article whose outlet, address and text are hostile, filed in the inbox.
    let form = desk.get("/inbox", Some(&cookie)).await;
    let hostile_article = format!("Russia {HOSTILE} news {ARTICLE} {HOSTILE}");
    let outlet = format!("Outlet {HOSTILE} {ATTRIBUTE_BREAK}");
    let filed = desk
        .post(
            "/inbox",
            Some(&cookie),
            &[
                ("csrf", &form.csrf()),
                ("text", &hostile_article),
                ("outlet", &outlet),
                ("published", "2018-03-27"),
            ],
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let inbox = desk.get("/inbox", Some(&cookie)).await;
    assert!(inbox.body.contains("proposal-"), "{}", inbox.body);
    assert_safe(&inbox, "the inbox");
    assert!(inbox.body.contains(ESCAPED));
    let proposal_start = inbox.body.find("/inbox/").expect("a proposal link") + "/inbox/".len();
    let proposal: String = inbox.body[proposal_start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
        .collect();
    let edit = desk.get(&format!("/inbox/{proposal}"), Some(&cookie)).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert_safe(&edit, "the proposal's form");
    for path in [
        "/".to_string(),
        "/?as_of=2017-06-30&since=2017-01-01&charts=on".to_string(),
        "/log".to_string(),
        "/log?grep=hostile".to_string(),
        format!("/event/{id}"),
        "/diff?from=2017-01-01&to=2017-06-30".to_string(),
        "/diff?known_from=2017-01-01&known_to=2030-01-01&as_of=2017-06-30".to_string(),
        "/report?from=2017-01-01&to=2017-06-30".to_string(),
        format!("/log?grep={}", encode(HOSTILE)),
        format!("/log?as_of={}", encode(HOSTILE)),
        format!("/?known_at={}", encode(HOSTILE)),
        format!("/event/{}", encode(HOSTILE)),
    ] {
        let page = desk.get(&path, Some(&cookie)).await;
        assert_safe(&page, &path);
    }
    let event = desk.get(&format!("/event/{id}"), Some(&cookie)).await;
    for shown in [
        "Speaker &lt;script&gt;",
        "Quote &lt;script&gt;",
        "Attribution &lt;script&gt;",
        "Reason &lt;script&gt;",
        "Second &lt;script&gt;",
        "Same &lt;script&gt;",
        "Outlet &lt;script&gt;",
    ] {
        assert!(event.body.contains(shown), "the event page shows {shown}");
    }
    let report = desk
        .get("/report/view?from=2017-01-01&to=2017-06-30", Some(&cookie))
        .await;
    assert_safe(&report, "the HTML report");
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_read_writers_write_and_every_write_needs_its_csrf_token() {
    let users = users_file();
    let (desk, id) = Desk::start(Some(&users)).await;
    // Without a session every page sends to the sign-in form.
    let away = desk.get("/log?pillar=pushback", None).await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert!(
        away.location().starts_with("/signin?next="),
        "{}",
        away.location()
    );
    assert_eq!(desk.get("/signin", None).await.status, StatusCode::OK);
    let wrong = desk.try_sign_in("guess").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        !wrong
            .cookie()
            .unwrap_or_default()
            .starts_with("dyad_session=")
    );
    // Another site's page posting a sign-in has neither the form's token nor its cookie: a
    // visitor is never signed in as someone else (login CSRF).
    let forged = desk
        .post("/signin", None, &[("token", "boris-token"), ("next", "/")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert!(
        !forged
            .cookie()
            .unwrap_or_default()
            .starts_with("dyad_session=")
    );
    let form = desk.get("/signin", None).await;
    let stale = desk
        .post(
            "/signin",
            Some("dyad_signin=0000"),
            &[("token", "boris-token"), ("form", &form.hidden("form"))],
        )
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "{}", stale.body);
    let live = desk.get("/live", None).await;
    assert_eq!(live.status, StatusCode::FORBIDDEN);

    // A reader reads, and cannot write even with the right token.
    let boris = desk.sign_in("boris-token").await;
    let page = desk.get(&format!("/event/{id}"), Some(&boris)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("boris (read)"));
    assert!(
        !page.body.contains("/retract\""),
        "no write forms for a reader"
    );
    let csrf = page.csrf();
    let refused = desk
        .post(
            &format!("/event/{id}/retract"),
            Some(&boris),
            &[("csrf", &csrf), ("reason", "no")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let inbox = desk
        .post(
            "/inbox",
            Some(&boris),
            &[("csrf", &csrf), ("text", ARTICLE)],
        )
        .await;
    assert_eq!(inbox.status, StatusCode::FORBIDDEN);

    // A writer without the token, with another's, or without a session, is refused.
    let ana = desk.sign_in("ana-token").await;
    let page = desk.get(&format!("/event/{id}"), Some(&ana)).await;
    let ana_csrf = page.csrf();
    let path = format!("/event/{id}/retract");
    for (cookie, form) in [
        (Some(ana.as_str()), vec![("reason", "proved false")]),
        (
            Some(ana.as_str()),
            vec![("csrf", csrf.as_str()), ("reason", "proved false")],
        ),
        (
            None,
            vec![("csrf", ana_csrf.as_str()), ("reason", "proved false")],
        ),
    ] {
        let page = desk.post(&path, cookie, &form).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    }
    let before = desk.log().len();
    assert_eq!(before, desk.log().len());

    // With it, the write is recorded under the writer's name.
    let done = desk
        .post(
            &path,
            Some(&ana),
            &[("csrf", &ana_csrf), ("reason", "proved false")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let log = desk.log();
    assert_eq!(log.len(), before + 1);
    assert_eq!(log.last().expect("last").recorded_by, "ana");
    let shown = desk.get(&format!("/event/{id}"), Some(&ana)).await;
    assert!(shown.body.contains("Retracted by ana"), "{}", shown.body);

    // Signing out ends the session.
    let out = desk
        .post("/signout", Some(&ana), &[("csrf", &ana_csrf)])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        desk.get("/", Some(&ana)).await.status,
        StatusCode::SEE_OTHER
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_open_desk_needs_a_session_and_its_token_to_write() {
    let (desk, id) = Desk::start(None).await;
    let page = desk.get(&format!("/event/{id}"), None).await;
    let cookie = page.cookie().expect("cookie");
    let csrf = page.csrf();
    let path = format!("/event/{id}/correct");
    let form = [
        ("csrf", csrf.as_str()),
        ("field", "intensity"),
        ("value", "-2.5"),
        ("reason", "a milder word"),
    ];
    assert_eq!(
        desk.post(&path, None, &form).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        desk.post(&path, Some(&cookie), &form[1..]).await.status,
        StatusCode::FORBIDDEN
    );
    let done = desk.post(&path, Some(&cookie), &form).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let log = desk.log();
    assert_eq!(log.last().expect("last").recorded_by, "local");
    // A correction the domain refuses is refused with its reason, nothing written.
    let bad = desk
        .post(
            &path,
            Some(&cookie),
            &[
                ("csrf", csrf.as_str()),
                ("field", "occurred_on"),
                ("value", "2017-02-30"),
                ("reason", "typo"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("2017-02-30"), "{}", bad.body);
    assert_eq!(desk.log().len(), log.len());
    // A corroboration from another outlet.
    let done = desk
        .post(
            &format!("/event/{id}/corroborate"),
            Some(&cookie),
            &[
                ("csrf", csrf.as_str()),
                ("outlet", "Reuters"),
                ("published_on", "2017-06-20"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let event = desk.get(&format!("/event/{id}"), Some(&cookie)).await;
    assert!(event.body.contains("Reuters"));
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_proposes_accepts_edits_and_rejects() {
    let (desk, _) = Desk::start(None).await;
    let cookie = desk.get("/", None).await.cookie().expect("cookie");
    let csrf = desk.get("/inbox", Some(&cookie)).await.csrf();
    let filed = desk
        .post(
            "/inbox",
            Some(&cookie),
            &[
                ("csrf", &csrf),
                ("text", ARTICLE),
                ("outlet", "BuzzFeed News"),
                ("url", "https://example.com/a"),
                ("published", "2018-03-27"),
            ],
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let inbox = desk.get(&filed.location(), Some(&cookie)).await;
    let ids: Vec<String> = inbox
        .body
        .match_indices("action=\"/inbox/")
        .map(|(at, m)| {
            inbox.body[at + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
                .collect()
        })
        .collect::<std::collections::BTreeSet<String>>()
        .into_iter()
        .collect();
    assert!(ids.len() >= 2, "two proposals at least: {}", inbox.body);
    assert!(inbox.body.contains("Why the coder proposes it"));
    let before = desk.log().len();

    // Accept the first as it is.
    let accepted = desk
        .post(
            &format!("/inbox/{}/accept", ids[0]),
            Some(&cookie),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert!(accepted.location().starts_with("/event/"));
    assert_eq!(desk.log().len(), before + 1);

    // An edit that does not validate is refused, naming the field; nothing is written.
    let bad = desk
        .post(
            &format!("/inbox/{}/accept", ids[1]),
            Some(&cookie),
            &[("csrf", &csrf), ("f_occurred_on", "2017-13-01")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("occurred_on"), "{}", bad.body);
    assert_eq!(desk.log().len(), before + 1);
    // A valid edit is recorded as edited.
    let edited = desk
        .post(
            &format!("/inbox/{}/accept", ids[1]),
            Some(&cookie),
            &[
                ("csrf", &csrf),
                ("f_summary", "Edited on the desk"),
                ("f_confidence", "0.6"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let log = desk.log();
    let last = log.last().expect("last");
    assert_eq!(last.event.headline(), "Edited on the desk");
    assert_eq!(last.recorded_by, "local");

    // The rest are rejected with a reason, and leave the list.
    for id in &ids[2..] {
        let rejected = desk
            .post(
                &format!("/inbox/{id}/reject"),
                Some(&cookie),
                &[("csrf", &csrf), ("reason", "not news")],
            )
            .await;
        assert_eq!(rejected.status, StatusCode::SEE_OTHER, "{}", rejected.body);
    }
    let inbox = desk.get("/inbox", Some(&cookie)).await;
    assert!(inbox.body.contains("No proposal waits"), "{}", inbox.body);

    // Another outlet's account of a report the log holds (the seed's expulsions of December
    // 2016) is shown beside it, and can be recorded as another source of it.
    let again = desk
        .post(
            "/inbox",
            Some(&cookie),
            &[
                ("csrf", &csrf),
                (
                    "text",
                    "Washington expels Russians\n\nThe United States expelled 35 Russian \
                     diplomats on Thursday, officials said.",
                ),
                ("outlet", "Reuters"),
                ("published", "2016-12-30"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let inbox = desk.get("/inbox", Some(&cookie)).await;
    assert!(
        inbox.body.contains("Likely the same event as"),
        "{}",
        inbox.body
    );
    let marker = "name=\"report\" value=\"";
    let at = inbox.body.find(marker).expect("the report it repeats") + marker.len();
    let report: String = inbox.body[at..].chars().take(36).collect();
    let action_end = inbox.body[..at].rfind("/corroborate\"").expect("its form");
    let action_start = inbox.body[..action_end]
        .rfind("/inbox/")
        .expect("its proposal");
    let path = format!("{}/corroborate", &inbox.body[action_start..action_end]);
    let before = desk.log().len();
    let done = desk
        .post(
            &path,
            Some(&cookie),
            &[("csrf", &csrf), ("report", &report)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let log = desk.log();
    assert_eq!(log.len(), before + 1);
    assert_eq!(
        log.last()
            .expect("last")
            .event
            .amends()
            .map(|id| id.to_string()),
        Some(report.clone())
    );
    let event = desk.get(&format!("/event/{report}"), Some(&cookie)).await;
    assert!(event.body.contains("Reuters"), "{}", event.body);
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_pages_through_the_decade_and_flags_amended_reports() {
    let (desk, id) = Desk::start(None).await;
    let decade =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/usa_rus_2014_2024.ndjson");
    let imported = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
        .arg("--db")
        .arg(desk.db())
        .arg("import")
        .arg(decade)
        .output()
        .expect("import");
    assert!(imported.status.success(), "{imported:?}");
    let cookie = desk.get("/", None).await.cookie().expect("cookie");
    let first = desk.get("/log", Some(&cookie)).await;
    assert_eq!(first.body.matches("<tr").count() - 1, 50, "a page of 50");
    assert!(first.body.contains(&id[..8]));
    assert!(
        first.body.contains("class=\"flag\">corrected"),
        "amended flagged"
    );
    let link_end = first.body.find("\" rel=\"next\"").expect("a next page");
    let link_start = first.body[..link_end]
        .rfind("href=\"")
        .expect("its address")
        + 6;
    let next = first.body[link_start..link_end]
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    assert!(next.starts_with("/log?after=50"), "{next}");
    let second = desk.get(&next, Some(&cookie)).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.body.contains("First page"));
    assert!(
        second.body.contains("<td class=\"num\">52</td>"),
        "positions go on"
    );
    let filtered = desk
        .get("/log?pillar=stability&actor=RUS&grep=treaty", Some(&cookie))
        .await;
    assert!(
        filtered.body.matches("<tr").count() > 1,
        "{}",
        filtered.body
    );
    assert!(!filtered.body.contains("Next page"));
    let unknown = desk.get("/log?pillar=nowhere", Some(&cookie)).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    desk.stop().await;
}

#[test]
fn token_hash_prints_what_a_users_file_holds() {
    let cli = common::Cli::new();
    let out = cli.ok(&["token-hash"], Some("s3cret\n"));
    assert_eq!(out.trim(), token_hash("s3cret"));
    assert_eq!(out.trim().len(), 64);
    let users = Users::parse(&format!("ana write {}\n", out.trim())).expect("users");
    assert!(users.find("s3cret").is_some());
}

#[test]
fn on_postgresql_the_pages_answer_and_the_inbox_files_an_article() {
    // The schema is made and dropped outside the runtime: the test's own client blocks.
    let Some(db) = common::TestDb::postgres() else {
        return;
    };
    let location = db.location();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("address");
            let (stop, stopped) = oneshot::channel::<()>();
            let handle = tokio::spawn(server::run(
                listener,
                ServerConfig::new(location),
                async move {
                    let _ = stopped.await;
                },
            ));
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            let base = format!("http://{addr}");
            let appended = client
                .post(format!("{base}/v1/events"))
                .body(common::event_json("On PostgreSQL").to_string())
                .send()
                .await
                .expect("append");
            assert_eq!(appended.status(), StatusCode::CREATED);
            let dashboard = client.get(format!("{base}/")).send().await.expect("GET /");
            assert_eq!(dashboard.status(), StatusCode::OK);
            let cookie = dashboard.headers()["set-cookie"]
                .to_str()
                .expect("cookie")
                .split(';')
                .next()
                .expect("pair")
                .to_string();
            let body = dashboard.text().await.expect("body");
            assert!(body.contains("On PostgreSQL"), "{body}");
            let inbox = client
                .get(format!("{base}/inbox"))
                .header("cookie", &cookie)
                .send()
                .await
                .expect("GET /inbox");
            assert_eq!(inbox.status(), StatusCode::OK);
            let body = inbox.text().await.expect("body");
            assert!(
                body.contains("id=\"paste\""),
                "a form to paste into: {body}"
            );
            let page = Page {
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                body,
            };
            let filed = client
                .post(format!("{base}/inbox"))
                .header("cookie", &cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "csrf={}&published=2018-03-27&outlet=Reuters&text={}",
                    encode(&page.csrf()),
                    encode(ARTICLE)
                ))
                .send()
                .await
                .expect("POST /inbox");
            let status = filed.status();
            let body = filed.text().await.expect("body");
            assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
            let inbox = client
                .get(format!("{base}/inbox"))
                .header("cookie", &cookie)
                .send()
                .await
                .expect("GET /inbox");
            let body = inbox.text().await.expect("body");
            assert!(
                body.contains("proposal-"),
                "the article's proposals: {body}"
            );
            let _ = stop.send(());
            let _ = tokio::time::timeout(Duration::from_secs(10), handle).await;
        });
}
