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
use fazhi::{CountyData, Diagnostics, Error, RuleSet, RuleSource};
use serde_json::{json, Value as Json_};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

type Shared = Arc<AppState>;

/// Every route over `state`, with the body limit, time limit, concurrency limit, request ids and
/// request logs.
pub fn router(state: Shared, body_limit: usize, timeout: Duration, concurrency: usize) -> Router {
    let routes = Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/rulesets", get(list_rulesets))
        .route("/rulesets/{id}", get(show_ruleset))
        .route("/rulesets/{id}/score", post(score))
        .route("/rulesets/{id}/gap", post(gap))
        .route("/rulesets/{id}/rank", post(rank))
        .route("/lint", post(lint))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state);
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
        let id = req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", request_id = %id, method = %req.method(), uri = %req.uri())
    });
    routes.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(Counter::default()))
            .layer(trace)
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(HandleErrorLayer::new(limits_error))
            .load_shed()
            // One semaphore for the whole server (`Router::layer` wraps each route apart).
            .layer(GlobalConcurrencyLimitLayer::new(concurrency))
            .timeout(timeout),
    )
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

fn ruleset(state: &AppState, id: &str) -> Result<Arc<RuleSet>, ApiError> {
    state
        .rulesets
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::NotFound(id.to_string()))
}

fn body_text(state: &AppState, body: Result<Bytes, BytesRejection>) -> Result<String, ApiError> {
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

/// Runs CPU-bound library work on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("the worker failed: {e}")))?
}

/// The counties in a body: one county object, `{"counties": [...]}` or an array. Returns the
/// counties and whether the body held one county (answered with one object, not an array).
fn counties(rules: &RuleSet, text: &str) -> Result<(Vec<CountyData>, bool), ApiError> {
    let value: Json_ = serde_json::from_str(text).map_err(|e| {
        Error::Data(Diagnostics(vec![fazhi::Diagnostic {
            severity: fazhi::Severity::Error,
            file: "request body".into(),
            line: e.line(),
            column: e.column(),
            message: format!("not valid JSON: {e}"),
            help: Some("send one county object ({\"county\": …, \"data\": …}), an array of them, or {\"counties\": [...]}".into()),
        }]))
    })?;
    let list = match value {
        Json_::Array(items) => items,
        Json_::Object(mut m) if m.contains_key("counties") && !m.contains_key("data") => {
            match m.remove("counties") {
                Some(Json_::Array(items)) => items,
                _ => {
                    return Err(ApiError::BadRequest(
                        "`counties` must be an array of county objects".into(),
                    ))
                }
            }
        }
        Json_::Object(_) => {
            // One county: parsed from the body itself, so lines and columns point into it.
            let county = CountyData::from_str("request body", text, rules)?;
            return Ok((vec![county], true));
        }
        _ => {
            return Err(ApiError::BadRequest(
                "the body must be a county object, an array of them, or {\"counties\": [...]}"
                    .into(),
            ))
        }
    };
    if list.is_empty() {
        return Err(ApiError::BadRequest("no counties in the request".into()));
    }
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let text = serde_json::to_string_pretty(item).unwrap_or_default();
        match CountyData::from_str(&format!("counties[{i}]"), &text, rules) {
            Ok(c) => out.push(c),
            Err(e) => diags.extend(e.diagnostics().iter().cloned()),
        }
    }
    if diags.is_empty() {
        Ok((out, false))
    } else {
        Err(Error::Data(Diagnostics(diags)).into())
    }
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
    json!({
        "id": r.id(),
        "title": r.title(),
        "version": r.version(),
        "hash": r.hash(),
        "total_points": r.total_points(),
        "bonus_cap": r.bonus_cap(),
        "fields": r.fields().len(),
        "items": r.items().count(),
    })
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
    let out = blocking(move || {
        let (counties, one) = counties(&rules, &text)?;
        let reports: Vec<_> = counties.iter().map(|c| rules.score(c)).collect();
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
    let out = blocking(move || {
        let (counties, one) = counties(&rules, &text)?;
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
    let out = blocking(move || {
        let (counties, _) = counties(&rules, &text)?;
        let reports = counties.iter().map(|c| rules.score(c)).collect();
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
    let diags = blocking(move || Ok(RuleSet::lint(&RuleSource::from_documents(pairs)))).await?;
    let errors = diags.errors().count();
    Ok(Json(json!({
        "ok": errors == 0,
        "errors": errors,
        "warnings": diags.0.len() - errors,
        "diagnostics": diags.0,
    })))
}
