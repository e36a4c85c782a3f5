//! The routes, one handler each, and the middleware stack around them.

use super::error::ApiError;
use super::AppState;
use axum::body::Bytes;
use axum::error_handling::HandleErrorLayer;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{BoxError, Json, Router};
use fazhi::analyse::change::rank::rank_reports;
use fazhi::analyse::gap::GapAnalysis;
use fazhi::{CountyData, RuleSet, RuleSource};
use serde_json::{json, Value as Json_};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};

type Shared = Arc<AppState>;

/// Every route over `state` (the JSON API's and `more`: the workbench's), with the body limit,
/// time limit, concurrency limit, request ids and request logs.
pub fn router(
    state: Shared,
    more: Router<Shared>,
    body_limit: usize,
    timeout: Duration,
    concurrency: usize,
) -> Router {
    let routes = Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/rulesets", get(list_rulesets))
        .route("/rulesets/{id}", get(show_ruleset))
        .route("/rulesets/{id}/score", post(score))
        .route("/rulesets/{id}/gap", post(gap))
        .route("/rulesets/{id}/rank", post(rank))
        .route("/lint", post(lint))
        .merge(more)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state);
    routes.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(Counter::default()))
            .layer(axum::middleware::from_fn(log_line))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(HandleErrorLayer::new(limits_error))
            .load_shed()
            // One semaphore for the whole server (`Router::layer` wraps each route apart).
            .layer(GlobalConcurrencyLimitLayer::new(concurrency))
            .timeout(timeout),
    )
}

/// The error kind of a response, for its log line (set by [`ApiError`]).
#[derive(Clone, Copy)]
pub struct ErrorKind(pub &'static str);

/// One log line per request, written when the answer is ready or when the request is dropped
/// unanswered (the client went away: status 499): request id, method, route (the route's
/// pattern, never the client's URI), request body size, status, milliseconds and error kind.
/// The error itself goes to the client only, so a hostile request cannot grow the log by more
/// than a line (issue 23: one 269 KB request wrote 1.88 MB of log).
async fn log_line(req: Request<axum::body::Body>, next: axum::middleware::Next) -> Response {
    let mut line = LogLine {
        started: std::time::Instant::now(),
        id: req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(64).collect())
            .unwrap_or_else(|| "-".into()),
        method: req.method().to_string(),
        route: req
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map_or("(no route)".into(), |p| p.as_str().to_string()),
        size: req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok()),
        answer: None,
    };
    let response = next.run(req).await;
    line.answer = Some((
        response.status().as_u16(),
        response
            .extensions()
            .get::<ErrorKind>()
            .map_or("-", |k| k.0),
    ));
    response
}

struct LogLine {
    started: std::time::Instant,
    id: String,
    method: String,
    route: String,
    size: Option<u64>,
    answer: Option<(u16, &'static str)>,
}

impl Drop for LogLine {
    fn drop(&mut self) {
        let (status, kind) = self.answer.unwrap_or((499, "client_closed"));
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        let size = self.size.map_or("-".to_string(), |n| n.to_string());
        if status >= 500 {
            tracing::warn!(request_id = %self.id, method = %self.method, route = %self.route, size = %size, status, ms = format!("{ms:.1}"), kind, "request");
        } else {
            tracing::info!(request_id = %self.id, method = %self.method, route = %self.route, size = %size, status, ms = format!("{ms:.1}"), kind, "request");
        }
    }
}

/// Request ids `fazhi-1`, `fazhi-2`, … for requests that come without an `x-request-id`.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicU64>);

impl MakeRequestId for Counter {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        HeaderValue::from_str(&format!("fazhi-{n}"))
            .ok()
            .map(RequestId::new)
    }
}

async fn limits_error(err: BoxError) -> ApiError {
    if err.is::<tower::timeout::error::Elapsed>() {
        ApiError::Timeout
    } else if err.is::<tower::load_shed::error::Overloaded>() {
        ApiError::Overloaded
    } else {
        ApiError::Internal(format!("unhandled error: {err}"))
    }
}

async fn not_found() -> ApiError {
    ApiError::NoRoute
}

/// A JSON text rendered by the library (byte for byte what the CLI writes).
fn json_text(text: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response()
}

pub(super) fn ruleset(state: &AppState, id: &str) -> Result<Arc<RuleSet>, ApiError> {
    state
        .rulesets
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::NotFound(id.to_string()))
}

pub(super) fn body_text(
    state: &AppState,
    body: Result<Bytes, BytesRejection>,
) -> Result<String, ApiError> {
    let bytes = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(state.body_limit)
        } else {
            ApiError::BadRequest(format!("cannot read the request body: {r}"))
        }
    })?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::BadRequest("the request body is not UTF-8 text".into()))
}

/// Runs CPU-bound library work on the blocking pool under the request's token: it stops at the
/// request's time limit, when the request is dropped (the time-limit layer answered first, or
/// the client went away: hyper drops the handler) and when the server shuts down (issue 23).
pub(super) async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&fazhi::Cancel) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let token = state
        .shutdown
        .child(std::time::Instant::now().checked_add(state.timeout));
    let guard = CancelOnDrop(token.clone());
    let shutdown = state.shutdown.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let answer = token.run(|| f(&token));
        if answer.is_err() {
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            tracing::debug!(
                ms = format!("{ms:.1}"),
                "work stopped: its answer is no longer wanted"
            );
        }
        answer
    })
    .await
    .map_err(|e| ApiError::Internal(format!("the worker failed: {e}")))?;
    drop(guard);
    match answer {
        Ok(r) => r,
        Err(fazhi::Cancelled) if shutdown.is_cancelled() => Err(ApiError::ShuttingDown),
        Err(fazhi::Cancelled) => Err(ApiError::Timeout),
    }
}

/// Cancels a request's token when the request's future is dropped before its answer.
struct CancelOnDrop(fazhi::Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// The counties in a body (one county object, an array of them or `{"counties": [...]}`),
/// read by the library as every embedding reads them; whether it held one county.
fn counties(
    rules: &RuleSet,
    text: &str,
    max_counties: usize,
) -> Result<(Vec<CountyData>, bool), ApiError> {
    let body = fazhi::scoring::batch::read_json_counties(text, rules, max_counties)?;
    // issue 27 shape 6: relative items are scored within the request's counties.
    Ok((rules.with_group(body.counties)?, body.one))
}

async fn health(State(state): State<Shared>) -> Json<Json_> {
    Json(json!({
        "status": "ok",
        "engine": fazhi::EngineInfo::current(),
        "rulesets": state.rulesets.keys().collect::<Vec<_>>(),
    }))
}

async fn openapi() -> Json<Json_> {
    Json(super::openapi::document())
}

fn header_json(r: &RuleSet) -> Json_ {
    let mut j = json!({
        "id": r.id(),
        "title": r.title(),
        "version": r.version(),
        "hash": r.hash(),
        "total_points": r.total_points(),
        "bonus_cap": r.bonus_cap(),
        "fields": r.fields().len(),
        "items": r.items().count(),
    });
    if let Some(a) = r.additional_points() {
        j["additional_points"] = json!(a);
    }
    if let Some(w) = r.written_out_of() {
        j["written_out_of"] = json!(w);
    }
    j
}

async fn list_rulesets(State(state): State<Shared>) -> Json<Json_> {
    Json(Json_::Array(
        state.rulesets.values().map(|r| header_json(r)).collect(),
    ))
}

async fn show_ruleset(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Json_>, ApiError> {
    let r = ruleset(&state, &id)?;
    let mut v = header_json(&r);
    v["dictionary"] = json!(r.fields());
    v["tree"] = json!(r.nodes());
    v["vetoes"] = json!(r.vetoes());
    v["bonuses"] = json!(r.bonuses());
    v["penalties"] = json!(r.penalties());
    v["pass_lines"] = json!(r.pass_lines());
    v["checks"] = json!(r.checks());
    Ok(Json(v))
}

async fn score(
    State(state): State<Shared>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let rules = ruleset(&state, &id)?;
    let text = body_text(&state, body)?;
    let max = state.max_counties;
    let out = blocking(&state, move |cancel| {
        let (counties, one) = counties(&rules, &text, max)?;
        // Once stopped, no county more (the answer is dropped anyway).
        let reports: Vec<_> = counties
            .iter()
            .take_while(|_| !cancel.is_cancelled())
            .map(|c| rules.score(c))
            .collect();
        if reports.is_empty() {
            return Err(ApiError::Timeout);
        }
        Ok(if one {
            fazhi::render::json(&reports[0])
        } else {
            fazhi::render::to_json(&reports)
        })
    })
    .await?;
    Ok(json_text(out))
}

async fn gap(
    State(state): State<Shared>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let rules = ruleset(&state, &id)?;
    let text = body_text(&state, body)?;
    let max = state.max_counties;
    let out = blocking(&state, move |_| {
        let (counties, one) = counties(&rules, &text, max)?;
        if !one {
            return Err(ApiError::BadRequest(
                "gap analyses one county per request: send one county object".into(),
            ));
        }
        Ok(fazhi::render::to_json(&GapAnalysis::new(
            &rules,
            &counties[0],
        )))
    })
    .await?;
    Ok(json_text(out))
}

async fn rank(
    State(state): State<Shared>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let rules = ruleset(&state, &id)?;
    let text = body_text(&state, body)?;
    let max = state.max_counties;
    let out = blocking(&state, move |cancel| {
        let (counties, _) = counties(&rules, &text, max)?;
        let reports = counties
            .iter()
            .take_while(|_| !cancel.is_cancelled())
            .map(|c| rules.score(c))
            .collect();
        Ok(fazhi::render::to_json(&rank_reports(&rules, reports)))
    })
    .await?;
    Ok(json_text(out))
}

async fn lint(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Json_>, ApiError> {
    let text = body_text(&state, body)?;
    let value: Json_ = serde_json::from_str(&text)
        .map_err(|e| ApiError::BadRequest(format!("not valid JSON: {e}")))?;
    let Some(docs) = value.get("documents").and_then(Json_::as_object) else {
        return Err(ApiError::BadRequest(
            "send {\"documents\": {\"ruleset.yaml\": \"<YAML text>\", …}}".into(),
        ));
    };
    let mut pairs = Vec::new();
    for (name, text) in docs {
        let Some(t) = text.as_str() else {
            return Err(ApiError::BadRequest(format!(
                "documents.{name} must be the file's YAML text as a string"
            )));
        };
        pairs.push((name.clone(), t.to_string()));
    }
    let diags = blocking(&state, move |_| {
        Ok(RuleSet::lint(&RuleSource::from_documents(pairs)))
    })
    .await?;
    let errors = diags.errors().count();
    Ok(Json(json!({
        "ok": errors == 0,
        "errors": errors,
        "warnings": diags.0.len() - errors,
        "diagnostics": diags.0,
    })))
}
