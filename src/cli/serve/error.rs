//! One error type for every handler, turned into a JSON body and the status that fits.
//!
//! Body: `{"error": {"kind", "message", "diagnostics": [{severity, file, line, column, message,
//! help}]}}`, the same diagnostics the CLI prints as `file:line:col: error: message`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use fazhi::{Diagnostic, Error};
use serde_json::json;

/// What went wrong in a request.
#[derive(Debug)]
pub enum ApiError {
    /// A library error: rules, data or scenario diagnostics, or an invalid request (400).
    Fazhi(Error),
    /// The body is not what the endpoint takes (400).
    BadRequest(String),
    /// No rule set with that id (404).
    NotFound(String),
    /// No such endpoint (404).
    NoRoute,
    /// No such workbench data set or county (404), the message says why.
    Gone(String),
    /// The body is over the limit (413).
    TooLarge(usize),
    /// Too many requests at once (503).
    Overloaded,
    /// The request took longer than its time limit (503).
    Timeout,
    /// The server is shutting down and stopped the request's work (503).
    ShuttingDown,
    /// A failure that is not the client's fault (500), logged.
    Internal(String),
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::Fazhi(e)
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, String, &[Diagnostic]) {
        match self {
            ApiError::Fazhi(e) => {
                // One to one with the library's error kinds (and the Python exceptions).
                let kind = e.kind().as_str();
                let status = if e.kind() == fazhi::ErrorKind::Io {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::BAD_REQUEST
                };
                (status, kind, e.to_string(), e.diagnostics())
            }
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "invalid_request", m.clone(), &[]),
            ApiError::NotFound(id) => (
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no rule set `{id}` is served; GET /rulesets lists them"),
                &[],
            ),
            ApiError::NoRoute => (
                StatusCode::NOT_FOUND,
                "not_found",
                "no such endpoint; GET /openapi.json describes the API".into(),
                &[],
            ),
            ApiError::Gone(m) => (StatusCode::NOT_FOUND, "not_found", m.clone(), &[]),
            ApiError::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the request body is larger than {limit} bytes; send fewer counties per request or start the server with a larger --body-limit"),
                &[],
            ),
            ApiError::Overloaded => (
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "too many requests at once; retry shortly".into(),
                &[],
            ),
            ApiError::Timeout => (
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "the request took longer than the server's time limit; send fewer counties per request".into(),
                &[],
            ),
            ApiError::ShuttingDown => (
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "the server is shutting down; retry on another instance or once it is back".into(),
                &[],
            ),
            ApiError::Internal(m) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                m.clone(),
                &[],
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // No log here: the request's one log line names the kind (routes::log_line); the
        // message and diagnostics go to the client only.
        let (status, kind, message, diagnostics) = self.parts();
        let body = json!({
            "error": {
                "kind": kind,
                "message": message,
                "diagnostics": diagnostics,
            }
        });
        let mut response = (status, Json(body)).into_response();
        response
            .extensions_mut()
            .insert(super::routes::ErrorKind(kind));
        response
    }
}
