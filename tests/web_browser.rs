//! The web desk in a real browser: headless Chromium driven through WebDriver (chromedriver,
//! started here on a free port) with `fantoccini`. Each test saves a screenshot of its page
//! under `target/ui-screenshots/`. Without chromium or chromedriver the tests say they are
//! skipped, in one line, and pass.

mod common;

use dyad::app::{LogFilter, Tracker};
use dyad::domain::clock::SystemClock;
use dyad::domain::framework::Framework;
use dyad::domain::recorder::Recorder;
use dyad::server::ServerConfig;
use dyad::web::{Users, token_hash};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// One browser at a time: the machine has two cores.
static BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const WAIT: Duration = Duration::from_secs(20);

const ARTICLE: &str = "US expels Russian diplomats over spying\n\n\
    The United States expelled 60 Russian diplomats on Monday, the White House said. \
    Russia warned the United States that it would retaliate, the Kremlin said on Tuesday. \
    The United States imposed new sanctions on Russian banks on Wednesday.";

/// chromedriver and chromium, where Debian's packages put them.
fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())?;
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())?;
    Some((driver, chromium))
}

/// A chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start_driver(driver: &Path) -> Driver {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(started.elapsed() < WAIT, "chromedriver did not listen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    driver
}

async fn browser(driver: &Driver, chromium: &Path) -> Client {
    // Both of rustls's providers are built into the tests (dyad's ring, the driver client's
    // default): name one for the process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1100,1400"]
        }),
    );
    ClientBuilder::rustls()
        .expect("a WebDriver client")
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

/// The desk: a server over the seed log on 127.0.0.1:0, with the users ana (write) and boris
/// (read).
struct Desk {
    served: common::Served,
}

impl Desk {
    async fn start(with_users: bool) -> Desk {
        let dir = TempDir::new().expect("temp dir");
        let db = dir.path().join("desk.db");
        common::seeded_log(&db);
        let mut config = ServerConfig::new(db);
        config.recorder = Recorder::parse("local").expect("name");
        if with_users {
            let users = format!(
                "ana write {}\nboris read {}\n",
                token_hash("ana-token"),
                token_hash("boris-token")
            );
            config.users = Some(Users::parse(&users).expect("users"));
        }
        Desk {
            served: common::Served::start(dir, config).await,
        }
    }

    fn url(&self, path: &str) -> String {
        self.served.url(path)
    }

    fn log(&self) -> Vec<dyad::domain::event::LoggedEvent> {
        let tracker = Tracker::open(
            &self.served.dir.path().join("desk.db"),
            Framework::builtin(),
            Arc::new(SystemClock),
        )
        .expect("log");
        let mut events = Vec::new();
        tracker
            .log(&LogFilter::default(), |logged, _| {
                events.push(logged.clone());
                ControlFlow::Continue(())
            })
            .expect("read");
        events
    }

    async fn stop(mut self) {
        let _ = self.served.halt().await;
    }
}

/// Saves the page as `target/ui-screenshots/NAME.png`.
/// The element `locator` finds once the page shows it, within `WAIT`; the test fails naming
/// `what` otherwise.
async fn wait_for(client: &Client, locator: Locator<'_>, what: &str) -> Element {
    client
        .wait()
        .at_most(WAIT)
        .for_element(locator)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

async fn screenshot(client: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
}

async fn sign_in(client: &Client, desk: &Desk, token: &str) {
    client.goto(&desk.url("/")).await.expect("goto");
    let field = wait_for(client, Locator::Id("token"), "the sign-in form").await;
    field.send_keys(token).await.expect("type");
    client
        .find(Locator::Css("form[action='/signin'] button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("sign in");
    wait_for(client, Locator::Id("now"), "the dashboard after sign-in").await;
}

async fn body_text(client: &Client) -> String {
    client
        .find(Locator::Css("body"))
        .await
        .expect("body")
        .text()
        .await
        .expect("text")
}

/// Runs a browser test when the browser is here; says it is skipped otherwise.
macro_rules! with_browser {
    ($name:literal, |$client:ident, $chromium:ident, $driver:ident| $body:block) => {{
        let Some((driver_path, $chromium)) = browser_tools() else {
            println!(
                "{}: skipped: chromium or chromedriver is not installed (apt-get install chromium chromium-driver)",
                $name
            );
            return;
        };
        let _one = BROWSER.lock().await;
        let $driver = start_driver(&driver_path).await;
        let $client = browser(&$driver, &$chromium).await;
        $body
        let _ = $client.close().await;
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_and_read_the_dashboard() {
    with_browser!(
        "sign_in_and_read_the_dashboard",
        |client, chromium, driver| {
            let desk = Desk::start(true).await;
            client.goto(&desk.url("/log")).await.expect("goto");
            let url = client.current_url().await.expect("url");
            assert_eq!(url.path(), "/signin", "a visitor is asked to sign in");
            sign_in(&client, &desk, "ana-token").await;
            let text = body_text(&client).await;
            assert!(text.contains("ana (write)"), "{text}");
            assert!(
                text.contains("Push back against Russian aggression"),
                "{text}"
            );
            assert!(text.contains("Last recorded"));
            let tables = client
                .find_all(Locator::Css("table"))
                .await
                .expect("tables");
            assert!(tables.len() >= 2);
            // The moment travels in the address.
            client
                .goto(&desk.url("/?as_of=2017-06-19"))
                .await
                .expect("goto");
            let shown = client
                .find(Locator::Id("as-of"))
                .await
                .expect("the date shown")
                .text()
                .await
                .expect("text");
            assert_eq!(shown, "2017-06-19");
            screenshot(&client, "dashboard").await;
            desk.stop().await;
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_the_log() {
    with_browser!("filter_the_log", |client, chromium, driver| {
        let desk = Desk::start(false).await;
        client.goto(&desk.url("/log")).await.expect("goto");
        let grep = wait_for(
            &client,
            Locator::Css("input[name='grep']"),
            "the text filter",
        )
        .await;
        grep.send_keys("Taliban").await.expect("type");
        client
            .find(Locator::Css("form.filters button[type='submit']"))
            .await
            .expect("filter button")
            .click()
            .await
            .expect("filter");
        let started = Instant::now();
        while !client
            .current_url()
            .await
            .expect("url")
            .query()
            .unwrap_or("")
            .contains("grep=Taliban")
        {
            assert!(started.elapsed() < WAIT, "the filter was not applied");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let rows = client
            .find_all(Locator::Css("#log tbody tr"))
            .await
            .expect("rows");
        // The text filter reads summaries and quotes: every row holds the word in one of them,
        // and the seed log's other reports are gone.
        assert!(!rows.is_empty() && rows.len() < 10, "{} rows", rows.len());
        let mut shown = String::new();
        for row in &rows {
            shown.push_str(&row.text().await.expect("row"));
        }
        assert!(shown.to_lowercase().contains("taliban"), "{shown}");
        screenshot(&client, "log_filtered").await;
        desk.stop().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paste_an_article_accept_one_proposal_and_edit_another() {
    with_browser!("paste_an_article", |client, chromium, driver| {
        let desk = Desk::start(true).await;
        sign_in(&client, &desk, "ana-token").await;
        client.goto(&desk.url("/inbox")).await.expect("goto");
        let form = client
            .form(Locator::Id("paste"))
            .await
            .expect("the paste form");
        form.set_by_name("outlet", "Reuters").await.expect("outlet");
        form.set_by_name("published", "2018-03-27")
            .await
            .expect("date");
        client
            .find(Locator::Id("text"))
            .await
            .expect("text field")
            .send_keys(ARTICLE)
            .await
            .expect("paste");
        form.submit_with(Locator::Css("#paste button[type='submit']"))
            .await
            .expect("propose");
        wait_for(&client, Locator::Css("article.proposal"), "proposals").await;
        let proposals = client
            .find_all(Locator::Css("article.proposal"))
            .await
            .expect("proposals");
        assert!(proposals.len() >= 2, "two proposals at least");
        let text = body_text(&client).await;
        assert!(text.contains("Why the coder proposes it"));
        screenshot(&client, "inbox").await;
        let before = desk.log().len();

        // Accept the first.
        client
            .find(Locator::Css("article.proposal button.accept"))
            .await
            .expect("accept")
            .click()
            .await
            .expect("accept");
        wait_for(&client, Locator::Css("dl.fields"), "the event page").await;
        assert!(body_text(&client).await.contains("by ana"));
        assert_eq!(desk.log().len(), before + 1);

        // Edit the next, then accept it.
        client.goto(&desk.url("/inbox")).await.expect("goto");
        wait_for(&client, Locator::Css("a.edit"), "edit link")
            .await
            .click()
            .await
            .expect("edit");
        let summary = wait_for(
            &client,
            Locator::Css("textarea[name='f_summary']"),
            "the summary field",
        )
        .await;
        summary.clear().await.expect("clear");
        summary
            .send_keys("Russia promises to answer the expulsions (edited)")
            .await
            .expect("type");
        client
            .find(Locator::Css("#edit button[type='submit']"))
            .await
            .expect("accept as edited")
            .click()
            .await
            .expect("submit");
        wait_for(&client, Locator::Css("dl.fields"), "the event page").await;
        assert!(body_text(&client).await.contains("(edited)"));
        let log = desk.log();
        assert_eq!(log.len(), before + 2);
        assert_eq!(
            log.last().expect("last").event.headline(),
            "Russia promises to answer the expulsions (edited)"
        );
        assert_eq!(log.last().expect("last").recorded_by, "ana");
        screenshot(&client, "edited_proposal").await;
        desk.stop().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_changes_without_a_reload() {
    with_browser!(
        "the_dashboard_changes_without_a_reload",
        |client, chromium, driver| {
            let desk = Desk::start(false).await;
            client.goto(&desk.url("/")).await.expect("goto");
            wait_for(&client, Locator::Css("[data-live]"), "a live dashboard").await;
            // A mark that a reload would wipe.
            client
                .execute("window.dyadMark = 'still here'; return true;", vec![])
                .await
                .expect("mark");
            // Give the page's event stream a moment to connect.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let event = json!({
                "dyad": "USA-RUS", "kind": "action", "occurred_on": "2017-06-20",
                "actor": "USA", "target": "RUS", "action": "impose_sanctions",
                "issue": "sanctions", "summary": "Live update: new sanctions on Russian banks",
                "source": {"outlet": "Reuters", "published_on": "2017-06-20"}
            });
            let response = reqwest::Client::new()
                .post(desk.url("/v1/events"))
                .body(event.to_string())
                .send()
                .await
                .expect("append");
            assert_eq!(response.status(), reqwest::StatusCode::CREATED);
            let started = Instant::now();
            loop {
                let text = body_text(&client).await;
                if text.contains("Live update: new sanctions") {
                    break;
                }
                assert!(
                    started.elapsed() < WAIT,
                    "the dashboard did not show the new event: {text}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            let mark: Value = client
                .execute("return window.dyadMark || null;", vec![])
                .await
                .expect("mark");
            assert_eq!(mark, json!("still here"), "the page was not reloaded");
            screenshot(&client, "dashboard_live").await;
            desk.stop().await;
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_cannot_write_and_a_write_without_its_token_is_refused() {
    with_browser!("a_reader_cannot_write", |client, chromium, driver| {
        let desk = Desk::start(true).await;
        let id = desk.log()[0].event.id;
        sign_in(&client, &desk, "boris-token").await;
        client
            .goto(&desk.url(&format!("/event/{id}")))
            .await
            .expect("goto");
        let forms = client
            .find_all(Locator::Css("form[action$='/retract']"))
            .await
            .expect("forms");
        assert!(forms.is_empty(), "no write forms for a reader");
        client.goto(&desk.url("/inbox")).await.expect("goto");
        assert!(
            client
                .find_all(Locator::Id("paste"))
                .await
                .expect("forms")
                .is_empty()
        );
        // A forged write from the reader's page, with the page's own CSRF token.
        let status = client
            .execute_async(
                &format!(
                    "const done = arguments[0];
                     const csrf = document.querySelector('input[name=csrf]').value;
                     fetch('/event/{id}/retract', {{method: 'POST',
                       headers: {{'content-type': 'application/x-www-form-urlencoded'}},
                       body: 'csrf=' + encodeURIComponent(csrf) + '&reason=forged'}})
                       .then(r => done(r.status));"
                ),
                vec![],
            )
            .await
            .expect("fetch");
        assert_eq!(status, json!(403));
        screenshot(&client, "reader").await;

        // A writer's write without the CSRF token is refused too.
        client.goto(&desk.url("/signin")).await.expect("goto");
        let _ = client.delete_all_cookies().await;
        sign_in(&client, &desk, "ana-token").await;
        let status = client
            .execute_async(
                &format!(
                    "const done = arguments[0];
                     fetch('/event/{id}/retract', {{method: 'POST',
                       headers: {{'content-type': 'application/x-www-form-urlencoded'}},
                       body: 'reason=forged'}})
                       .then(r => done(r.status));"
                ),
                vec![],
            )
            .await
            .expect("fetch");
        assert_eq!(status, json!(403));
        let log = desk.log();
        assert!(
            log.iter().all(|e| e.event.amends() != Some(id)),
            "nothing was written"
        );
        desk.stop().await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_file_fills_the_article_field() {
    with_browser!(
        "a_text_file_fills_the_article_field",
        |client, chromium, driver| {
            let desk = Desk::start(false).await;
            let file = desk.served.dir.path().join("article.txt");
            std::fs::write(&file, ARTICLE).expect("article file");
            client.goto(&desk.url("/inbox")).await.expect("goto");
            wait_for(&client, Locator::Id("article-file"), "the file field")
                .await
                .send_keys(&file.to_string_lossy())
                .await
                .expect("choose the file");
            let started = Instant::now();
            loop {
                let value = client
                    .execute("return document.getElementById('text').value;", vec![])
                    .await
                    .expect("the text field");
                if value.as_str().is_some_and(|v| v.starts_with("US expels")) {
                    break;
                }
                assert!(started.elapsed() < WAIT, "the file was not read: {value}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            screenshot(&client, "inbox_file").await;
            desk.stop().await;
        }
    );
}
