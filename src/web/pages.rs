//! The pages: one handler per page, each reading through the same [`Tracker`] calls as the CLI
//! command it mirrors (`status`, `log`, `explain`, `diff`, `report`, `inbox`), and one template
//! per page. Every page reads `as_of` and `known_at` from its address and shows them at the top,
//! and carries them in its links, so a link shows a colleague the same answer later.

use super::session::{self, Session};
use super::users::Role;
use crate::app::{AppError, BriefingRequest, LogFilter, Tracker, When};
use crate::domain::event::{CORRECTABLE_FIELDS, SourceInput, short_id};
use crate::domain::recorder::Recorder;
use crate::inbox::{self, Edits, InboxError};
use crate::ingest::coder::{CodingOptions, Dictionary};
use crate::report;
use crate::server::AppState;
use crate::server::routes::ApiError;
use crate::server::subscribe::{self, SubscriberGuard};
use crate::server::writer::Message;
use crate::store::format_recorded_at;
use axum::Router;
use axum::extract::{Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware;
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Days, NaiveDate, Utc};
use minijinja::{Environment, Value as Tmpl, context};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::convert::Infallible;
use std::ops::ControlFlow;
use std::sync::LazyLock;
use tokio::sync::oneshot;

/// The policy of every page: scripts, styles and everything else only from dyad itself; no
/// inline script or style, no framing, forms post only here.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The policy of the standalone HTML report: its style sheet is inline and it has no script.
const REPORT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'";

/// Events a page of the log shows.
const LOG_PAGE: usize = 50;
/// Events the dashboard lists as last recorded.
const LAST_RECORDED: u64 = 10;
/// Largest article pasted into the inbox.
const MAX_ARTICLE_BYTES: usize = 1024 * 1024;

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_filter("score", |score: f64| format!("{score:+.2}"));
    // Names ending in .html are escaped automatically (minijinja's default).
    for (name, source) in [
        ("base.html", include_str!("templates/base.html")),
        ("dashboard.html", include_str!("templates/dashboard.html")),
        ("log.html", include_str!("templates/log.html")),
        ("event.html", include_str!("templates/event.html")),
        ("inbox.html", include_str!("templates/inbox.html")),
        ("proposal.html", include_str!("templates/proposal.html")),
        ("diff.html", include_str!("templates/diff.html")),
        ("report.html", include_str!("templates/report.html")),
        ("signin.html", include_str!("templates/signin.html")),
        ("error.html", include_str!("templates/error.html")),
    ] {
        if let Err(error) = env.add_template(name, source) {
            eprintln!("dyad serve: the template {name} is broken: {error}");
        }
    }
    env
});

const STYLE: &str = include_str!("static/desk.css");
const SCRIPT: &str = include_str!("static/desk.js");

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/log", get(log))
        .route("/event/{id}", get(event))
        .route("/event/{id}/correct", post(correct))
        .route("/event/{id}/retract", post(retract))
        .route("/event/{id}/corroborate", post(corroborate))
        .route("/inbox", get(inbox_page).post(inbox_paste))
        .route("/inbox/{id}", get(proposal))
        .route("/inbox/{id}/accept", post(accept))
        .route("/inbox/{id}/reject", post(reject))
        .route("/inbox/{id}/corroborate", post(accept_as_source))
        .route("/diff", get(diff))
        .route("/report", get(report_page))
        .route("/report/view", report_in(report::BriefingFormat::Html))
        .route(
            "/report/download.md",
            report_in(report::BriefingFormat::Markdown),
        )
        .route(
            "/report/download.json",
            report_in(report::BriefingFormat::Json),
        )
        .route("/signin", get(signin_page).post(signin))
        .route("/signout", post(signout))
        .route("/live", get(live))
        .route("/static/desk.css", get(style))
        .route("/static/desk.js", get(script))
        .layer(middleware::map_response(secure))
}

/// Adds the security headers to every answer of the desk (a handler may set a narrower policy).
async fn secure(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(POLICY),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    response
}

/// A page that cannot be shown, with its status and the reason in words.
#[derive(Debug)]
pub(super) struct PageError {
    status: StatusCode,
    message: String,
}

impl PageError {
    fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
        }
    }

    fn bad(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::BAD_REQUEST, message)
    }

    fn forbidden(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::FORBIDDEN, message)
    }
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        let api = ApiError::from_app(error);
        if api.status().is_server_error() {
            eprintln!("dyad serve: {}", api.message());
        }
        PageError::new(api.status(), api.message())
    }
}

impl From<InboxError> for PageError {
    fn from(error: InboxError) -> Self {
        match error {
            InboxError::App(error) => PageError::from(error),
            other => PageError::bad(other.to_string()),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = render_bare(
            "error.html",
            context! { title => "Not done", status => self.status.as_u16(), message => self.message },
        );
        (
            self.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}

type PageResult = Result<Response, PageError>;

/// What a page shows when its template fails (a bug, never the data's fault).
const UNRENDERED: &str =
    "<!doctype html><title>dyad</title><p>This page could not be rendered.</p>";

fn render(name: &str, ctx: Tmpl) -> Result<String, ()> {
    TEMPLATES
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|error| eprintln!("dyad serve: rendering {name} failed: {error:#}"))
}

fn render_bare(name: &str, ctx: Tmpl) -> String {
    render(name, ctx).unwrap_or_else(|()| UNRENDERED.into())
}

/// The date and moment a page is about, as given in its address.
#[derive(Debug, Clone, Default)]
struct Moment {
    as_of: Option<NaiveDate>,
    known_at: Option<DateTime<Utc>>,
    /// As typed, to show and carry in links.
    as_of_text: String,
    known_at_text: String,
}

impl Moment {
    fn when(&self) -> When {
        When {
            as_of: self.as_of,
            known_at: self.known_at,
        }
    }

    /// `as_of=..&known_at=..` for links, with only what was given.
    fn query(&self) -> String {
        let mut pairs = Vec::new();
        if !self.as_of_text.is_empty() {
            pairs.push(format!("as_of={}", encode(&self.as_of_text)));
        }
        if !self.known_at_text.is_empty() {
            pairs.push(format!("known_at={}", encode(&self.known_at_text)));
        }
        pairs.join("&")
    }
}

/// The parameters of a page's address, blank ones left out.
struct Params(HashMap<String, String>);

impl Params {
    fn of(query: HashMap<String, String>) -> Params {
        Params(
            query
                .into_iter()
                .map(|(k, v)| (k, v.trim().to_string()))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        )
    }

    fn text(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }

    fn date(&self, name: &str) -> Result<Option<NaiveDate>, PageError> {
        self.0
            .get(name)
            .map(|text| {
                crate::cli::parse_date(text).map_err(|e| PageError::bad(format!("{name}: {e}")))
            })
            .transpose()
    }

    fn instant(&self, name: &str) -> Result<Option<DateTime<Utc>>, PageError> {
        self.0
            .get(name)
            .map(|text| {
                crate::cli::parse_instant(text).map_err(|e| PageError::bad(format!("{name}: {e}")))
            })
            .transpose()
    }

    fn moment(&self) -> Result<Moment, PageError> {
        Ok(Moment {
            as_of: self.date("as_of")?,
            known_at: self.instant("known_at")?,
            as_of_text: self.text("as_of").unwrap_or_default(),
            known_at_text: self.text("known_at").unwrap_or_default(),
        })
    }
}

/// Percent-encodes a query value.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Who is asking, and the cookie to set when the open desk just opened their session.
struct Visitor {
    session: Session,
    set_cookie: Option<String>,
}

/// The visitor of a page: their session, or on the open desk (no users file) a new session
/// for the local analyst. On a desk with users, a visitor without a session is sent to sign in.
fn visitor(state: &AppState, headers: &HeaderMap, uri: &Uri) -> Result<Visitor, Box<Response>> {
    let desk = &state.desk;
    if let Some(session) = signed_in(state, headers) {
        return Ok(Visitor {
            session,
            set_cookie: None,
        });
    }
    if desk.users.is_some() {
        let next = uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string());
        return Err(Box::new(
            Redirect::to(&format!("/signin?next={}", encode(&next))).into_response(),
        ));
    }
    match desk.sessions.open(desk.local.clone(), Role::Write) {
        Some(session) => Ok(Visitor {
            set_cookie: Some(session::set_cookie(&session)),
            session,
        }),
        None => Err(Box::new(no_randomness("a session id").into_response())),
    }
}

/// A page's handler takes its visitor as an argument; a visitor who must sign in first, or
/// cannot be given a session, is answered before the handler runs.
impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        visitor(state, &parts.headers, &parts.uri).map_err(|response| *response)
    }
}

/// The open session a request's cookie names, if any.
fn signed_in(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    session::cookie_id(headers).and_then(|id| state.desk.sessions.find(&id))
}

/// The refusal when the operating system gives no randomness for a secret.
fn no_randomness(what: &str) -> PageError {
    PageError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("the system gave no randomness for {what}; try again"),
    )
}

/// The session behind a form: signed in, and the form's CSRF token is the session's.
fn form_session(
    state: &AppState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Session, PageError> {
    let session = signed_in(state, headers)
        .ok_or_else(|| PageError::forbidden("sign in first: this form needs a session"))?;
    let presented = form.get("csrf").map(String::as_str).unwrap_or("");
    if !session::same_token(presented, &session.csrf) {
        return Err(PageError::forbidden(
            "the form's CSRF token is missing or stale; reload the page and try again",
        ));
    }
    Ok(session)
}

/// The writer behind a form: its session's, which must have the role `write`.
fn writer(
    state: &AppState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Session, PageError> {
    let session = form_session(state, headers, form)?;
    if session.role != Role::Write {
        return Err(PageError::forbidden(format!(
            "{} may read but not record (role `read`)",
            session.name
        )));
    }
    Ok(session)
}

/// A page rendered for a visitor: the template with the desk's common context.
fn page(visitor: &Visitor, moment: &Moment, name: &str, title: &str, ctx: Tmpl) -> Response {
    let common = context! {
        title => title,
        person => visitor.session.name.as_str(),
        role => visitor.session.role.as_str(),
        can_write => visitor.session.role == Role::Write,
        csrf => visitor.session.csrf,
        as_of => moment.as_of_text,
        known_at => moment.known_at_text,
        when_query => moment.query(),
    };
    let Ok(body) = render(name, context! { ..ctx, ..common }) else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            UNRENDERED,
        )
            .into_response();
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response();
    if let Some(cookie) = &visitor.set_cookie
        && let Ok(value) = HeaderValue::from_str(cookie)
    {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Runs a read on the read pool.
async fn read<T: Send + 'static>(
    state: &AppState,
    read: impl FnOnce(&Tracker) -> Result<T, PageError> + Send + 'static,
) -> Result<T, PageError> {
    let (sender, receiver) = oneshot::channel();
    let done = state
        .reads
        .run(move |tracker| {
            let _ = sender.send(read(tracker));
            Ok(())
        })
        .await;
    if let Err(error) = done {
        return Err(PageError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            error.to_string(),
        ));
    }
    receiver
        .await
        .map_err(|_| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "a read stopped"))?
}

/// Runs a write on the writer thread, recorded by `who`.
async fn write<T: Send + 'static>(
    state: &AppState,
    who: Recorder,
    write: impl FnOnce(&mut Tracker) -> Result<T, PageError> + Send + 'static,
) -> Result<T, PageError> {
    let (sender, receiver) = oneshot::channel();
    let stopping = || {
        PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is stopping; nothing was written, retry",
        )
    };
    state
        .writer
        .send(Message::Run(Box::new(move |tracker| {
            tracker.set_recorder(who);
            let _ = sender.send(write(tracker));
        })))
        .await
        .map_err(|_| stopping())?;
    receiver.await.map_err(|_| stopping())?
}

fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

// ---- Static files ----

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

// ---- Sign in ----

async fn signin_page(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if state.desk.users.is_none() {
        return see_other("/");
    }
    let next = safe_next(query.get("next").map(String::as_str));
    signin_form(StatusCode::OK, &next, None)
}

/// The sign-in form, with a fresh token that its cookie must match when it is posted.
fn signin_form(status: StatusCode, next: &str, error: Option<&str>) -> Response {
    let Some(form_token) = session::random_hex() else {
        return no_randomness("a sign-in form").into_response();
    };
    let body = render_bare(
        "signin.html",
        context! { title => "Sign in", next => next, error => error, form => form_token },
    );
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&session::set_signin_cookie(&form_token)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Only a path of this site is followed after sign-in (never `//elsewhere`).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

async fn signin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(users) = &state.desk.users else {
        return see_other("/");
    };
    let next = safe_next(form.get("next").map(String::as_str));
    let given = form.get("form").map(String::as_str).unwrap_or("");
    let bound = session::cookie(&headers, session::SIGNIN_COOKIE).unwrap_or_default();
    if given.is_empty() || !session::same_token(given, &bound) {
        return signin_form(
            StatusCode::FORBIDDEN,
            &next,
            Some("This sign-in form was not given to this browser, or has expired: sign in again."),
        );
    }
    let token = form.get("token").map(String::as_str).unwrap_or("");
    let Some(person) = users.find(token) else {
        return signin_form(
            StatusCode::UNAUTHORIZED,
            &next,
            Some("That token is not on this desk's list."),
        );
    };
    let Some(session) = state.desk.sessions.open(person.name.clone(), person.role) else {
        return no_randomness("a session id").into_response();
    };
    let mut response = see_other(&next);
    if let Ok(value) = HeaderValue::from_str(&session::set_cookie(&session)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn signout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    let session = form_session(&state, &headers, &form)?;
    state.desk.sessions.close(&session.id);
    let mut response = see_other(if state.desk.users.is_some() {
        "/signin"
    } else {
        "/"
    });
    if let Ok(value) = HeaderValue::from_str(&session::clear_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

// ---- Dashboard ----

async fn dashboard(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    dashboard_page(&state, &visitor, Params::of(query))
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn dashboard_page(state: &AppState, visitor: &Visitor, params: Params) -> PageResult {
    let moment = params.moment()?;
    let since = params.date("since")?;
    // The report's charts cost a briefing of the year (a fold per point and the period's
    // events): on request only, so the dashboard itself never reads more than the status needs.
    let charts = params.text("charts").as_deref() == Some("on");
    let when = moment.when();
    let shared = state.clone();
    let data = read(state, move |tracker| {
        let (head, _) = tracker.head()?;
        let key = super::StatusKey {
            dyad: tracker.dyad_or_default(None)?.as_str().to_string(),
            as_of: when.as_of.unwrap_or_else(|| tracker.today()),
            known_at: when.known_at,
            head,
        };
        let status = match shared.desk.statuses.get(&key) {
            Some(status) => status,
            None => {
                let status = tracker.status(None, when)?;
                shared.desk.statuses.put(key, status.clone());
                status
            }
        };
        // The last events recorded: the log's tail, read by position alone (an index range
        // of ten rows; a filter by dyad or a look for amendments would read far more).
        let until = match when.known_at {
            Some(_) => tracker.position_at(when.known_at)?,
            None => head,
        };
        let mut last = Vec::new();
        tracker.events_after(until.saturating_sub(LAST_RECORDED), |logged| {
            if logged.position <= until {
                last.push(log_row(tracker, logged, crate::app::Amended::default()));
            }
        })?;
        last.reverse();
        let changes = match since {
            Some(since) => {
                let to = status.as_of;
                if since > to {
                    return Err(PageError::bad(format!(
                        "since: {since} is after the dashboard's date {to}"
                    )));
                }
                Some(
                    serde_json::to_value(tracker.diff_as_of(
                        None,
                        (since, to),
                        when.known_at,
                        10,
                    )?)
                    .unwrap_or(Value::Null),
                )
            }
            None => None,
        };
        let charts = if charts {
            let to = status.as_of;
            let from = to.checked_sub_days(Days::new(365)).unwrap_or(to);
            let briefing = tracker.briefing(&BriefingRequest {
                from: Some(from),
                to: Some(to),
                as_of: Some(to),
                known_at: when.known_at,
                issue_charts: Some(Vec::new()),
                ..BriefingRequest::default()
            })?;
            briefing
                .charts
                .iter()
                .map(|chart| {
                    json!({
                        "title": report::svg::chart_title(&briefing, chart),
                        "svg": report::svg::element(&briefing, chart),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok((status, head, last, changes, charts))
    })
    .await?;
    let (status, head, last, changes, charts) = data;
    let live = moment.known_at.is_none();
    Ok(page(
        visitor,
        &moment,
        "dashboard.html",
        "Dashboard",
        context! {
            status => Tmpl::from_serialize(&status),
            head => head,
            last => Tmpl::from_serialize(&last),
            changes => Tmpl::from_serialize(&changes),
            since => params.text("since").unwrap_or_default(),
            charts => Tmpl::from_serialize(&charts),
            live => live,
            charts_shown => charts,
        },
    ))
}

/// One event of a table: `log --json`'s object with its short id, headline and flags.
fn log_row(
    tracker: &Tracker,
    logged: &crate::domain::event::LoggedEvent,
    amended: crate::app::Amended,
) -> Value {
    let mut row =
        report::json::logged_event(logged, amended, tracker.framework(), tracker.taxonomy());
    row["short_id"] = json!(short_id(logged.event.id));
    row["headline"] = json!(logged.event.headline());
    row["recorded_at"] = json!(format_recorded_at(logged.recorded_at));
    row
}

// ---- Log ----

const LOG_FILTERS: [&str; 10] = [
    "pillar", "issue", "actor", "target", "action", "source", "grep", "since", "until", "dyad",
];

async fn log(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    log_page(&state, &visitor, Params::of(query))
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn log_page(state: &AppState, visitor: &Visitor, params: Params) -> PageResult {
    let moment = params.moment()?;
    let after = match params.text("after") {
        Some(text) => Some(
            text.parse::<u64>()
                .map_err(|_| PageError::bad(format!("after: `{text}` is not a position")))?,
        ),
        None => None,
    };
    let filter = LogFilter {
        dyad: params.text("dyad"),
        since: params.date("since")?,
        until: params.date("until")?.or(moment.as_of),
        known_at: moment.known_at,
        after_position: after,
        pillar: params.text("pillar"),
        issue: params.text("issue"),
        actor: params.text("actor"),
        target: params.text("target"),
        action: params.text("action"),
        outlet: params.text("source"),
        grep: params.text("grep"),
        limit: None,
    };
    let (rows, more) = read(state, move |tracker| {
        let mut rows = Vec::new();
        let mut more = false;
        tracker.log(&filter, |logged, amended| {
            if rows.len() == LOG_PAGE {
                more = true;
                return ControlFlow::Break(());
            }
            rows.push(log_row(tracker, logged, amended));
            ControlFlow::Continue(())
        })?;
        Ok((rows, more))
    })
    .await?;
    let mut filters = Map::new();
    let mut carried = Vec::new();
    for name in LOG_FILTERS {
        let value = params.text(name).unwrap_or_default();
        if !value.is_empty() {
            carried.push(format!("{name}={}", encode(&value)));
        }
        filters.insert(name.to_string(), json!(value));
    }
    let when = moment.query();
    if !when.is_empty() {
        carried.push(when);
    }
    let next = match (more, rows.last()) {
        (true, Some(last)) => {
            let mut query = carried.clone();
            query.push(format!("after={}", last["position"]));
            Some(format!("/log?{}", query.join("&")))
        }
        _ => None,
    };
    let first = after
        .is_some()
        .then(|| with_query("/log", &carried.join("&")));
    Ok(page(
        visitor,
        &moment,
        "log.html",
        "Log",
        context! {
            rows => Tmpl::from_serialize(&rows),
            filters => Tmpl::from_serialize(&filters),
            next => next,
            first => first,
        },
    ))
}

// ---- Event ----

async fn event(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    event_page(&state, &visitor, id, Params::of(query))
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn event_page(state: &AppState, visitor: &Visitor, id: String, params: Params) -> PageResult {
    let moment = params.moment()?;
    let known_at = moment.known_at;
    let view = read(state, move |tracker| {
        let id = tracker.resolve_id(&id)?;
        let Some(record) = tracker.event_record(id, known_at)? else {
            return Err(PageError::new(
                StatusCode::NOT_FOUND,
                format!("the log held no event {id} at that moment"),
            ));
        };
        let amended = crate::app::Amended {
            corrected: record
                .report
                .as_ref()
                .is_some_and(|r| !r.corrections.is_empty()),
            retracted: record.retraction.is_some(),
        };
        let mut view = log_row(tracker, &record.logged, amended);
        view["hash"] = json!(record.hash);
        view["prev_hash"] = json!(record.prev_hash);
        view["amends_id"] = json!(record.logged.event.amends().map(|id| id.to_string()));
        if let Some(report) = &record.report {
            view["now"] = json!({
                "occurred_on": report.occurred_on,
                "body": report.body,
                "corrections": report.corrections,
                "corroborations": report.corroborations,
            });
        }
        view["retraction"] = json!(record.retraction);
        view["amendments"] = json!(
            record
                .amendments
                .iter()
                .map(|a| {
                    let mut row = log_row(tracker, a, crate::app::Amended::default());
                    row["short_id"] = json!(short_id(a.event.id));
                    row
                })
                .collect::<Vec<_>>()
        );
        Ok(view)
    })
    .await?;
    let title = view["headline"].as_str().unwrap_or("Event").to_string();
    Ok(page(
        visitor,
        &moment,
        "event.html",
        &title,
        context! {
            event => Tmpl::from_serialize(&view),
            fields => correctable(),
        },
    ))
}

/// The fields a correction form may replace: every correctable field but the source, which
/// is an object a one-line form cannot hold.
fn correctable() -> Vec<&'static str> {
    CORRECTABLE_FIELDS
        .into_iter()
        .filter(|field| *field != "source")
        .collect()
}

/// A form's value in the input format: blank is `null`, numbers for numeric fields.
fn input_value(field: &str, text: &str) -> Result<Value, PageError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Value::Null);
    }
    if matches!(field, "intensity" | "confidence") {
        return text
            .parse::<f64>()
            .map(|n| json!(n))
            .map_err(|_| PageError::bad(format!("{field}: `{text}` is not a number")));
    }
    Ok(json!(text))
}

fn optional(form: &HashMap<String, String>, name: &str) -> Option<String> {
    form.get(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

async fn correct(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    let session = writer(&state, &headers, &form)?;
    let field = form.get("field").cloned().unwrap_or_default();
    let correctable = correctable();
    if !correctable.contains(&field.as_str()) {
        return Err(PageError::bad(format!(
            "field: `{field}` cannot be corrected here; expected one of {}",
            correctable.join(", ")
        )));
    }
    let value = input_value(&field, form.get("value").map(String::as_str).unwrap_or(""))?;
    let reason = form.get("reason").cloned().unwrap_or_default();
    let url = optional(&form, "source_url");
    let mut fields = Map::new();
    fields.insert(field, value);
    let target = write(&state, session.name, move |tracker| {
        let id = tracker.resolve_id(&id)?;
        tracker.correct(id, fields, &reason, url)?;
        Ok(id)
    })
    .await?;
    Ok(see_other(&format!("/event/{target}")))
}

async fn retract(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    let session = writer(&state, &headers, &form)?;
    let reason = form.get("reason").cloned().unwrap_or_default();
    let url = optional(&form, "source_url");
    let target = write(&state, session.name, move |tracker| {
        let id = tracker.resolve_id(&id)?;
        tracker.retract(id, &reason, url)?;
        Ok(id)
    })
    .await?;
    Ok(see_other(&format!("/event/{target}")))
}

async fn corroborate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    let session = writer(&state, &headers, &form)?;
    let source = SourceInput {
        outlet: form
            .get("outlet")
            .map(|v| v.trim().to_string())
            .unwrap_or_default(),
        url: optional(&form, "url"),
        published_on: optional(&form, "published_on"),
        attribution: optional(&form, "attribution"),
        quote: optional(&form, "quote"),
    };
    let reason = optional(&form, "reason")
        .unwrap_or_else(|| format!("the same event, as {} reports it", source.outlet));
    let target = write(&state, session.name, move |tracker| {
        let id = tracker.resolve_id(&id)?;
        tracker.corroborate(id, source, &reason)?;
        Ok(id)
    })
    .await?;
    Ok(see_other(&format!("/event/{target}")))
}

// ---- Inbox ----

fn proposal_json(proposal: &inbox::InboxProposal) -> Value {
    let mut value = report::json::inbox_proposal(proposal);
    value["short_id"] = json!(short_id(proposal.id));
    if let Some(duplicates) = value["likely_duplicates"].as_array_mut() {
        for duplicate in duplicates {
            if let Some(id) = duplicate["id"]
                .as_str()
                .and_then(|s| uuid::Uuid::parse_str(s).ok())
            {
                duplicate["short_id"] = json!(short_id(id));
            }
        }
    }
    value
}

async fn inbox_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let params = Params::of(query);
    let moment = match params.moment() {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let listed = read(&state, |tracker| {
        let pending = inbox::pending(tracker)?;
        Ok(pending.iter().map(proposal_json).collect::<Vec<_>>())
    })
    .await;
    let proposals = match listed {
        Ok(proposals) => proposals,
        Err(error) => return error.into_response(),
    };
    // Grouped by article, in the coder's order.
    let mut articles: Vec<Value> = Vec::new();
    for proposal in proposals {
        let article_id = proposal["article"]["id"].clone();
        match articles.last_mut() {
            Some(last) if last["id"] == article_id => {
                if let Some(list) = last["proposals"].as_array_mut() {
                    list.push(proposal);
                }
            }
            _ => articles.push(json!({
                "id": article_id,
                "title": proposal["article"]["title"],
                "url": proposal["article"]["url"],
                "outlet": proposal["article"]["outlet"],
                "proposals": [proposal],
            })),
        }
    }
    page(
        &visitor,
        &moment,
        "inbox.html",
        "Inbox",
        context! {
            articles => Tmpl::from_serialize(&articles),
            filed => params.text("filed"),
            refused => params.text("refused"),
        },
    )
}

async fn inbox_paste(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    let session = writer(&state, &headers, &form)?;
    let text = form.get("text").cloned().unwrap_or_default();
    if text.trim().is_empty() {
        return Err(PageError::bad("text: paste the article's text"));
    }
    if text.len() > MAX_ARTICLE_BYTES {
        return Err(PageError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("text: the article is larger than {MAX_ARTICLE_BYTES} bytes"),
        ));
    }
    let published = match optional(&form, "published") {
        Some(date) => Some(
            crate::cli::parse_date(&date).map_err(|e| PageError::bad(format!("published: {e}")))?,
        ),
        None => None,
    };
    let options = CodingOptions {
        url: optional(&form, "url"),
        outlet: optional(&form, "outlet"),
        published,
    };
    let (filed, refused) = write(&state, session.name, move |tracker| {
        let filing = inbox::ingest(tracker, &text, &Dictionary::builtin(), &options)?;
        Ok((filing.filed.len(), filing.refused.len()))
    })
    .await?;
    Ok(see_other(&format!(
        "/inbox?filed={filed}&refused={refused}"
    )))
}

async fn proposal(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let params = Params::of(query);
    let result = async {
        let moment = params.moment()?;
        let proposal = read(&state, move |tracker| {
            Ok(proposal_json(&inbox::find(tracker, &id)?))
        })
        .await?;
        Ok::<_, PageError>(page(
            &visitor,
            &moment,
            "proposal.html",
            "Edit a proposal",
            context! { proposal => Tmpl::from_serialize(&proposal), fields => EDITABLE },
        ))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The fields the edit form shows, as dotted paths of the input format.
const EDITABLE: [&str; 16] = [
    "occurred_on",
    "actor",
    "target",
    "action",
    "intensity",
    "confidence",
    "issue",
    "pillar",
    "summary",
    "speaker",
    "quote",
    "source.outlet",
    "source.url",
    "source.published_on",
    "source.attribution",
    "source.quote",
];

/// The edits a form makes to a proposal: each field given whose value differs from the
/// proposal's. The edited proposal is validated whole by the inbox, as `append` validates.
fn edits_of(form: &HashMap<String, String>, proposal: &Value) -> Result<Edits, PageError> {
    let mut edits = Edits::default();
    for field in EDITABLE {
        let Some(text) = form.get(&format!("f_{field}")) else {
            continue;
        };
        let leaf = field.rsplit('.').next().unwrap_or(field);
        let value = input_value(leaf, text)?;
        let mut current = &proposal["event"];
        for part in field.split('.') {
            current = &current[part];
        }
        let same = match (&value, current) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            (a, b) => a == b,
        };
        if !same {
            edits.set.push((field.to_string(), value));
        }
    }
    Ok(edits)
}

async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    let session = writer(&state, &headers, &form)?;
    let accepted = write(&state, session.name, move |tracker| {
        let proposal = proposal_json(&inbox::find(tracker, &id)?);
        let edits = edits_of(&form, &proposal)?;
        let accepted = inbox::accept(tracker, &[id], false, &edits)?;
        Ok(accepted.summary.events.first().map(|e| e.id))
    })
    .await?;
    Ok(see_other(&match accepted {
        Some(id) => format!("/event/{id}"),
        None => "/inbox".to_string(),
    }))
}

async fn accept_as_source(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    let session = writer(&state, &headers, &form)?;
    let report = form.get("report").cloned().unwrap_or_default();
    let target = write(&state, session.name, move |tracker| {
        inbox::corroborate(tracker, &id, &report, None, &Edits::default())?;
        Ok(tracker.resolve_id(&report)?)
    })
    .await?;
    Ok(see_other(&format!("/event/{target}")))
}

async fn reject(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    let session = writer(&state, &headers, &form)?;
    let reason = form.get("reason").cloned().unwrap_or_default();
    write(&state, session.name, move |tracker| {
        inbox::reject(tracker, &[id], false, &reason)?;
        Ok(())
    })
    .await?;
    Ok(see_other("/inbox"))
}

// ---- Diff ----

async fn diff(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    diff_page(&state, &visitor, Params::of(query))
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn diff_page(state: &AppState, visitor: &Visitor, params: Params) -> PageResult {
    let moment = params.moment()?;
    let (from, to) = (params.date("from")?, params.date("to")?);
    let (known_from, known_to) = (params.instant("known_from")?, params.instant("known_to")?);
    let limit = 50;
    let when = moment.when();
    let diff = match (from, to, known_from, known_to) {
        (Some(from), Some(to), None, None) => Some(
            read(state, move |tracker| {
                Ok(tracker.diff_as_of(None, (from, to), when.known_at, limit)?)
            })
            .await?,
        ),
        (None, None, Some(from), Some(to)) => Some(
            read(state, move |tracker| {
                Ok(tracker.diff_known_at(None, (from, to), when.as_of, limit)?)
            })
            .await?,
        ),
        (None, None, None, None) => None,
        _ => {
            return Err(PageError::bad(
                "give two dates (from and to) or two moments (known_from and known_to), not a mix",
            ));
        }
    };
    let rows: Option<Value> = diff.as_ref().map(|diff| {
        let mut value = serde_json::to_value(diff).unwrap_or(Value::Null);
        if let Some(events) = value["events"].as_array_mut() {
            for event in events {
                if let Some(id) = event["id"]
                    .as_str()
                    .and_then(|s| uuid::Uuid::parse_str(s).ok())
                {
                    event["short_id"] = json!(short_id(id));
                }
            }
        }
        value
    });
    Ok(page(
        visitor,
        &moment,
        "diff.html",
        "Diff",
        context! {
            diff => Tmpl::from_serialize(&rows),
            from => params.text("from").unwrap_or_default(),
            to => params.text("to").unwrap_or_default(),
            known_from => params.text("known_from").unwrap_or_default(),
            known_to => params.text("known_to").unwrap_or_default(),
        },
    ))
}

// ---- Report ----

/// The briefing a report page asks for: `from` and `to` (default: the 90 days to `as_of`).
fn briefing_request(params: &Params, moment: &Moment) -> Result<BriefingRequest, PageError> {
    Ok(BriefingRequest {
        from: params.date("from")?,
        to: params.date("to")?,
        as_of: moment.as_of,
        known_at: moment.known_at,
        ..BriefingRequest::default()
    })
}

async fn report_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let params = Params::of(query);
    let result = async {
        let moment = params.moment()?;
        let request = briefing_request(&params, &moment)?;
        let given = params.text("from").is_some() || params.text("to").is_some();
        let briefing = if given {
            Some(
                read(&state, move |tracker| {
                    let briefing = tracker.briefing(&request)?;
                    let charts: Vec<Value> = briefing
                        .charts
                        .iter()
                        .map(|chart| {
                            json!({
                                "title": report::svg::chart_title(&briefing, chart),
                                "svg": report::svg::element(&briefing, chart),
                            })
                        })
                        .collect();
                    Ok(json!({
                        "from": briefing.period.from,
                        "to": briefing.period.to,
                        "headline": briefing.headline,
                        "charts": charts,
                    }))
                })
                .await?,
            )
        } else {
            None
        };
        let mut query = Vec::new();
        for name in ["from", "to"] {
            if let Some(value) = params.text(name) {
                query.push(format!("{name}={}", encode(&value)));
            }
        }
        let when = moment.query();
        if !when.is_empty() {
            query.push(when);
        }
        Ok::<_, PageError>(page(
            &visitor,
            &moment,
            "report.html",
            "Report",
            context! {
                briefing => Tmpl::from_serialize(&briefing),
                from => params.text("from").unwrap_or_default(),
                to => params.text("to").unwrap_or_default(),
                report_query => query.join("&"),
            },
        ))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// A report in one format; `_visitor` is there to turn away whoever may not read.
async fn report_file(
    state: AppState,
    _visitor: Visitor,
    query: HashMap<String, String>,
    format: report::BriefingFormat,
) -> Response {
    let params = Params::of(query);
    let result = async {
        let moment = params.moment()?;
        let request = briefing_request(&params, &moment)?;
        let bytes = read(&state, move |tracker| {
            let briefing = tracker.briefing(&request)?;
            let files = report::render_briefing(&briefing, format, None)
                .map_err(|e| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
            Ok(files
                .into_iter()
                .last()
                .map(|f| f.bytes)
                .unwrap_or_default())
        })
        .await?;
        let (content_type, disposition, policy) = match format {
            report::BriefingFormat::Html => ("text/html; charset=utf-8", None, REPORT_POLICY),
            report::BriefingFormat::Markdown => (
                "text/markdown; charset=utf-8",
                Some("attachment; filename=\"dyad-report.md\""),
                POLICY,
            ),
            report::BriefingFormat::Json => (
                "application/json",
                Some("attachment; filename=\"dyad-report.json\""),
                POLICY,
            ),
        };
        let mut response = (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CONTENT_SECURITY_POLICY, policy),
            ],
            bytes,
        )
            .into_response();
        if let Some(disposition) = disposition {
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static(disposition),
            );
        }
        Ok::<_, PageError>(response)
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The route of the report in one format.
fn report_in(format: report::BriefingFormat) -> axum::routing::MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>,
              visitor: Visitor,
              Query(query): Query<HashMap<String, String>>| {
            report_file(state, visitor, query, format)
        },
    )
}

// ---- Live update ----

/// `GET /live?after=N`: the event stream for a signed-in page (the API's stream takes a
/// bearer token, which a browser's `EventSource` cannot send).
async fn live(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if signed_in(&state, &headers).is_none() {
        return PageError::forbidden("sign in first").into_response();
    }
    let after = query
        .get("after")
        .and_then(|a| a.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let Some(guard) = SubscriberGuard::acquire(&state) else {
        return PageError::new(StatusCode::SERVICE_UNAVAILABLE, "too many subscribers")
            .into_response();
    };
    let receiver = subscribe::start(&state, after);
    let events =
        futures_util::stream::unfold((receiver, guard), |(mut receiver, guard)| async move {
            let event = receiver.recv().await?;
            Some((Ok::<_, Infallible>(event), (receiver, guard)))
        });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}
