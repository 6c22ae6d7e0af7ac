//! The HTTP API: routes, parameters, auth checks, limits, and the mapping of the app's errors to
//! status codes. Answers are the CLI's `--json` output, written by [`crate::report::json`].

use super::AppState;
use super::auth::{self, Access};
use super::idempotency::{self, Answer, Claim, MAX_KEY_BYTES};
use super::reads::ReadError;
use super::subscribe::{self, SubscriberGuard};
use super::writer::{AppendJob, Message, WriteError};
use crate::app::{AppError, Every, LogFilter, Tracker, When, replay_dates, replay_steps};
use crate::domain::event::{Event, Validator};
use crate::domain::taxonomy::Taxonomy;
use crate::ingest;
use crate::projection::Scope;
use crate::report;
use crate::store::StoreError;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::convert::Infallible;
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::time::Instant;
use tokio::sync::oneshot;

/// Most events `GET /v1/events` answers with at once.
pub const MAX_PAGE: usize = 10_000;
/// The page size of `GET /v1/events` without `limit`.
const DEFAULT_PAGE: usize = 1_000;
/// Most dates one replay answers for.
pub const MAX_REPLAY_STEPS: usize = 10_000;
/// Bodies larger than this are validated on the blocking pool, off the runtime's threads.
const INLINE_VALIDATION_BYTES: usize = 64 * 1024;

const NDJSON: &str = "application/x-ndjson";
const JSON: &str = "application/json";

/// The service's routes.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/v1/events", get(list_events).post(append))
        .route("/v1/events/stream", get(stream))
        .route("/v1/status", get(status))
        .route("/v1/replay", get(replay))
        .route("/v1/explain", get(explain))
        .route("/v1/head", get(head))
        .merge(crate::web::router())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// A refusal or failure, answered as `{"error": "..."}`.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// 400: bad JSON, a validation error, a bad parameter.
    BadRequest(String),
    /// 401: no valid bearer token.
    Unauthorized,
    /// 404: no such route.
    NotFound,
    /// 408: the body took too long to arrive.
    Timeout(String),
    /// 409: a version or id conflict, or a key still in use.
    Conflict(String),
    /// 413: a body or batch over the limits.
    TooLarge(String),
    /// 422: an `Idempotency-Key` reused for another request.
    Unprocessable(String),
    /// 503: too many subscribers, or the server is stopping.
    Unavailable(String),
    /// 500: the log could not be read or written.
    Internal(String),
}

impl ApiError {
    /// The app's error with the status it deserves; the message is the CLI's.
    pub(crate) fn from_app(error: AppError) -> ApiError {
        let message = error.to_string();
        match error {
            AppError::Store(StoreError::VersionConflict { .. } | StoreError::IdConflict { .. }) => {
                ApiError::Conflict(message)
            }
            AppError::Store(
                StoreError::Open { .. }
                | StoreError::OpenPostgres { .. }
                | StoreError::NoLog { .. }
                | StoreError::Foreign { .. }
                | StoreError::Database(_)
                | StoreError::Postgres(_)
                | StoreError::Diverged(_)
                | StoreError::BackupExists { .. }
                | StoreError::BackupOfSqliteOnly
                | StoreError::Corrupt { .. }
                | StoreError::Migration(_)
                | StoreError::NoBatchBegun,
            )
            | AppError::Undecodable { .. }
            | AppError::Unsound(_) => ApiError::Internal(message),
            AppError::Store(StoreError::Unguarded(_)) => ApiError::Unavailable(message),
            AppError::Store(
                StoreError::ExpectedVersionNeedsOneStream { .. } | StoreError::IdRepeated { .. },
            )
            | AppError::Input(_)
            | AppError::Framework(_)
            | AppError::Argument(_)
            | AppError::Amendment(_)
            | AppError::Id(_) => ApiError::BadRequest(message),
        }
    }

    fn from_read(error: ReadError) -> ApiError {
        match error {
            ReadError::App(error) => ApiError::from_app(error),
            ReadError::Aborted(problem) => ApiError::Internal(problem),
        }
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub(crate) fn message(&self) -> &str {
        match self {
            ApiError::Unauthorized => {
                "a valid bearer token is needed (header `Authorization: Bearer TOKEN`)"
            }
            ApiError::NotFound => "no such endpoint; see the README for the API (under /v1)",
            ApiError::BadRequest(m)
            | ApiError::Timeout(m)
            | ApiError::Conflict(m)
            | ApiError::TooLarge(m)
            | ApiError::Unprocessable(m)
            | ApiError::Unavailable(m)
            | ApiError::Internal(m) => m,
        }
    }

    fn answer(&self) -> Answer {
        if let ApiError::Internal(problem) = self {
            eprintln!("dyad serve: {problem}");
        }
        Answer {
            status: self.status(),
            body: format!("{}\n", json!({ "error": self.message() })),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = respond(self.answer(), JSON);
        if matches!(self, ApiError::Unauthorized) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

fn respond(answer: Answer, content_type: &'static str) -> Response {
    (
        answer.status,
        [(header::CONTENT_TYPE, content_type)],
        answer.body,
    )
        .into_response()
}

fn ok_body(body: Vec<u8>, content_type: &'static str) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Records each request's latency and status, by route.
async fn observe(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let route = matched.map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

fn authorize(state: &AppState, headers: &HeaderMap, access: Access) -> Result<(), ApiError> {
    if auth::allowed(
        headers,
        access,
        state.write_token.as_ref(),
        state.read_token.as_ref(),
    ) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized)
    }
}

fn query<P: DeserializeOwned>(uri: &Uri) -> Result<P, ApiError> {
    Query::<P>::try_from_uri(uri)
        .map(|Query(params)| params)
        .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
}

/// Runs a read on a pooled read connection, off the runtime's threads.
async fn read<T: Send + 'static>(
    state: &AppState,
    read: impl FnOnce(&Tracker) -> Result<T, AppError> + Send + 'static,
) -> Result<T, ApiError> {
    state.reads.run(read).await.map_err(ApiError::from_read)
}

/// Lines of JSON, as the CLI prints them.
fn lines<T>(
    items: &[T],
    write: impl Fn(&mut Vec<u8>, &T) -> std::io::Result<()>,
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    for item in items {
        write(&mut out, item).map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    Ok(out)
}

async fn healthz() -> Response {
    respond(
        Answer {
            status: StatusCode::OK,
            body: "{\"status\":\"ok\"}\n".to_string(),
        },
        JSON,
    )
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    authorize(&state, &headers, Access::Read)?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AppendParams {
    expected_version: Option<u64>,
}

/// `POST /v1/events`: one event, an array of events, or NDJSON, appended as one atomic batch.
async fn append(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    authorize(&state, &parts.headers, Access::Write)?;
    let params: AppendParams = query(&parts.uri)?;
    let key = idempotency_key(&parts.headers)?;
    let limit = state.limits.max_body_bytes;
    let too_large = || {
        ApiError::TooLarge(format!(
            "the request body is larger than {limit} bytes; split the batch"
        ))
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let timeout = state.limits.body_timeout;
    let body = tokio::time::timeout(timeout, axum::body::to_bytes(body, limit))
        .await
        .map_err(|_| {
            ApiError::Timeout(format!(
                "the request body did not arrive within {} s; nothing was written",
                timeout.as_secs()
            ))
        })?
        .map_err(|_| too_large())?;
    let claimed = match key {
        Some(key) => {
            let request = idempotency::fingerprint(parts.uri.query().unwrap_or(""), &body);
            match state.idempotency.claim(&key, request) {
                Claim::Run => Some((key, request)),
                Claim::Replay(answer) => return Ok(respond(answer, JSON)),
                Claim::InProgress => {
                    return Err(ApiError::Conflict(
                        "a request with this Idempotency-Key is still running; retry it later"
                            .into(),
                    ));
                }
                Claim::Mismatch => {
                    return Err(ApiError::Unprocessable(
                        "this Idempotency-Key was used for another request; use a new key".into(),
                    ));
                }
            }
        }
        None => None,
    };
    let has_key = claimed.is_some();
    let run = async move {
        let answer = match append_events(&state, body, params.expected_version).await {
            Ok(answer) => answer,
            Err(error) => error.answer(),
        };
        let counter = match answer.status.as_u16() {
            200..=299 => &state.metrics.appends_ok,
            400..=499 => &state.metrics.appends_refused,
            _ => &state.metrics.appends_failed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if let Some((key, request)) = claimed {
            if answer.status.is_server_error() {
                state.idempotency.abandon(&key);
            } else {
                state.idempotency.complete(&key, request, answer.clone());
            }
        }
        answer
    };
    let answer = if has_key {
        // With a key the append runs in its own task: once the request reached the writer, it
        // completes and its answer is remembered for the key even if this client goes away.
        tokio::spawn(run)
            .await
            .map_err(|e| ApiError::Internal(format!("the append task failed: {e}")))?
    } else {
        run.await
    };
    Ok(respond(answer, JSON))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if !key.trim().is_empty() && key.len() <= MAX_KEY_BYTES => {
            Ok(Some(key.trim().to_string()))
        }
        _ => Err(ApiError::BadRequest(format!(
            "Idempotency-Key must be 1 to {MAX_KEY_BYTES} visible ASCII characters"
        ))),
    }
}

/// Validates the body, hands the batch to the writer, and waits for its durable answer.
async fn append_events(
    state: &AppState,
    body: Bytes,
    expected_version: Option<u64>,
) -> Result<Answer, ApiError> {
    let events = if body.len() <= INLINE_VALIDATION_BYTES {
        parse_events(state, &body)?
    } else {
        let state = state.clone();
        tokio::task::spawn_blocking(move || parse_events(&state, &body))
            .await
            .map_err(|e| ApiError::Internal(format!("validation failed: {e}")))??
    };
    let max = state.limits.max_batch_events;
    if events.len() > max {
        return Err(ApiError::TooLarge(format!(
            "the batch has {} events; at most {max} per request",
            events.len()
        )));
    }
    let (reply, answer) = oneshot::channel();
    let stopping =
        || ApiError::Unavailable("the server is stopping; nothing was written, retry".to_string());
    state
        .writer
        .send(Message::Append(AppendJob {
            events,
            expected_version,
            reply,
        }))
        .await
        .map_err(|_| stopping())?;
    let summary = match answer.await.map_err(|_| stopping())? {
        Ok(summary) => summary,
        Err(WriteError::App(error)) => return Err(ApiError::from_app(error)),
        Err(WriteError::Group(problem)) => return Err(ApiError::Internal(problem)),
    };
    let outcomes = report::json::append_outcomes(&summary);
    let recorded = outcomes
        .iter()
        .filter(|o| o["status"] == "recorded")
        .count();
    let body = json!({
        "recorded": recorded,
        "already_recorded": outcomes.len() - recorded,
        "events": outcomes,
    });
    Ok(Answer {
        status: if recorded > 0 {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        body: format!("{body}\n"),
    })
}

/// The events of a body: NDJSON or one object (read exactly as `dyad append` reads a file), or a
/// JSON array of objects (element N is reported as line N).
fn parse_events(state: &AppState, body: &[u8]) -> Result<Vec<Event>, ApiError> {
    let today = state.clock.now().date_naive();
    let validator = Validator::new(Taxonomy::builtin(), &state.framework, today);
    let body = ingest::json::without_bom(body);
    let is_array = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let joined;
    let input: &[u8] = if is_array {
        // The same strict reader as every other path: objects only, no key twice.
        let text = std::str::from_utf8(body)
            .map_err(|e| ApiError::BadRequest(format!("request body: not valid UTF-8: {e}")))?;
        let objects = ingest::json::read_array_of_objects(text)
            .map_err(|e| ApiError::BadRequest(format!("request body: {e}")))?;
        joined = objects
            .into_iter()
            .map(|object| serde_json::Value::Object(object).to_string())
            .collect::<Vec<_>>()
            .join("\n");
        joined.as_bytes()
    } else {
        body
    };
    let events = ingest::read_events(input, "request body", &validator)
        .map_err(|error| ApiError::from_app(AppError::Input(error)))?;
    Ok(events.into_iter().map(|(_, event)| event).collect())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsParams {
    after: Option<u64>,
    limit: Option<usize>,
    dyad: Option<String>,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    known_at: Option<DateTime<Utc>>,
    pillar: Option<String>,
    issue: Option<String>,
    actor: Option<String>,
    target: Option<String>,
    action: Option<String>,
    source: Option<String>,
    grep: Option<String>,
}

/// `GET /v1/events`: `dyad log --json` after a position, at most `limit` events, with the same
/// filters.
async fn list_events(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    authorize(&state, request.headers(), Access::Read)?;
    let params: EventsParams = query(request.uri())?;
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be from 1 to {MAX_PAGE}"
        )));
    }
    let filter = LogFilter {
        dyad: params.dyad,
        since: params.since,
        until: params.until,
        known_at: params.known_at,
        after_position: params.after,
        pillar: params.pillar,
        issue: params.issue,
        actor: params.actor,
        target: params.target,
        action: params.action,
        outlet: params.source,
        grep: params.grep,
        limit: None,
    };
    let events = read(&state, move |tracker| {
        let mut events = Vec::new();
        tracker.log(&filter, |logged, amended| {
            events.push((logged.clone(), amended));
            if events.len() < limit {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        })?;
        Ok(events)
    })
    .await?;
    let taxonomy = Taxonomy::builtin();
    let body = lines(&events, |out, (logged, amended)| {
        report::json::write_line(
            out,
            &report::json::logged_event(logged, *amended, &state.framework, taxonomy),
        )
    })?;
    Ok(ok_body(body, NDJSON))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusParams {
    as_of: Option<NaiveDate>,
    known_at: Option<DateTime<Utc>>,
    dyad: Option<String>,
}

/// `GET /v1/status`: `dyad status --json`.
async fn status(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    authorize(&state, request.headers(), Access::Read)?;
    let params: StatusParams = query(request.uri())?;
    let status = read(&state, move |tracker| {
        let when = When {
            as_of: params.as_of,
            known_at: params.known_at,
        };
        tracker.status(params.dyad.as_deref(), when)
    })
    .await?;
    let body = lines(&[status], |out, status| report::json::status(out, status))?;
    Ok(ok_body(body, JSON))
}

/// `GET /v1/head`: the log's head, signed with the server's key when it has one (as `dyad head
/// --sign` prints it, without verifying the whole log first), else `{"position", "head_hash"}`.
async fn head(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    authorize(&state, request.headers(), Access::Read)?;
    let (position, hash) = read(&state, |tracker| tracker.head()).await?;
    let value = match &state.head_key {
        Some(key) => serde_json::to_value(key.sign(position, &hash, state.clock.now()))
            .map_err(|e| ApiError::Internal(e.to_string()))?,
        None => json!({"position": position, "head_hash": hash}),
    };
    let body = lines(&[value], |out, value| report::json::write_line(out, value))?;
    Ok(ok_body(body, JSON))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplayParams {
    from: NaiveDate,
    to: Option<NaiveDate>,
    every: Option<String>,
    known_at: Option<DateTime<Utc>>,
    dyad: Option<String>,
}

/// `GET /v1/replay`: `dyad replay --json`, one status per line.
async fn replay(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    authorize(&state, request.headers(), Access::Read)?;
    let params: ReplayParams = query(request.uri())?;
    let every = match params.every.as_deref().unwrap_or("month") {
        "day" => Every::Day,
        "week" => Every::Week,
        "month" => Every::Month,
        "quarter" => Every::Quarter,
        other => {
            return Err(ApiError::BadRequest(format!(
                "every: `{other}` is not a step; expected day, week, month or quarter"
            )));
        }
    };
    let from = params.from;
    let to = params.to.unwrap_or_else(|| state.clock.now().date_naive());
    if to < from {
        return Err(ApiError::BadRequest(format!(
            "--to {to} is before --from {from}"
        )));
    }
    // Counted before any date is made: a range of thousands of years must cost nothing.
    let steps = replay_steps(from, to, every);
    if steps > MAX_REPLAY_STEPS as u64 + 1 {
        return Err(ApiError::BadRequest(format!(
            "the replay has about {steps} steps; at most {MAX_REPLAY_STEPS} per request (use a longer step or a shorter range)"
        )));
    }
    let dates = replay_dates(from, to, every);
    if dates.len() > MAX_REPLAY_STEPS {
        return Err(ApiError::BadRequest(format!(
            "the replay has {} steps; at most {MAX_REPLAY_STEPS} per request (use a longer step or a shorter range)",
            dates.len()
        )));
    }
    let rows = read(&state, move |tracker| {
        let mut rows = Vec::with_capacity(dates.len());
        tracker.replay(params.dyad.as_deref(), &dates, params.known_at, |status| {
            rows.push(status);
            ControlFlow::Continue(())
        })?;
        Ok(rows)
    })
    .await?;
    let body = lines(&rows, |out, status| report::json::status(out, status))?;
    Ok(ok_body(body, NDJSON))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExplainParams {
    pillar: Option<String>,
    issue: Option<String>,
    as_of: Option<NaiveDate>,
    known_at: Option<DateTime<Utc>>,
    limit: Option<usize>,
    dyad: Option<String>,
}

/// `GET /v1/explain`: `dyad explain --json`.
async fn explain(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    authorize(&state, request.headers(), Access::Read)?;
    let params: ExplainParams = query(request.uri())?;
    let limit = match params.limit.unwrap_or(10) {
        0 => usize::MAX,
        limit => limit,
    };
    let explanation = read(&state, move |tracker| {
        let scope = Scope {
            pillar: params.pillar,
            issue: params.issue,
        };
        let when = When {
            as_of: params.as_of,
            known_at: params.known_at,
        };
        tracker.explain(params.dyad.as_deref(), scope, limit, when)
    })
    .await?;
    let body = lines(&[explanation], |out, e| report::json::write_line(out, e))?;
    Ok(ok_body(body, JSON))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamParams {
    after: Option<u64>,
}

/// `GET /v1/events/stream`: the events after `after` (or `Last-Event-ID`), then live ones.
async fn stream(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    authorize(&state, request.headers(), Access::Read)?;
    let params: StreamParams = query(request.uri())?;
    let after = match request.headers().get("last-event-id") {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| {
                ApiError::BadRequest("Last-Event-ID must be a position (a whole number)".into())
            })?,
        None => params.after.unwrap_or(0),
    };
    let guard = SubscriberGuard::acquire(&state).ok_or_else(|| {
        ApiError::Unavailable(format!(
            "too many subscribers (at most {}); retry later",
            state.limits.max_subscribers
        ))
    })?;
    let receiver = subscribe::start(&state, after);
    // The guard lives as long as the stream: dropped when the client goes away.
    let events =
        futures_util::stream::unfold((receiver, guard), |(mut receiver, guard)| async move {
            let event = receiver.recv().await?;
            Some((Ok::<_, Infallible>(event), (receiver, guard)))
        });
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response())
}
