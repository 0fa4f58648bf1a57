//! Problem details (RFC 9457) and the one place where gRPC statuses become
//! HTTP statuses (the grpc-gateway table, with DESIGN.md's choices).
//!
//! 5xx answers never carry internal detail: the cause is logged instead.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use ec_common::error::{decode, is_timeout, reason};
use serde::Serialize;
use serde_json::{Map, Value};
use tonic::Code;
use utoipa::ToSchema;

/// One invalid field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field, e.g. `items[0].quantity`.
    pub field: String,
    pub message: String,
}

/// An `application/problem+json` body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. VALIDATION_FAILED, PAYMENT_REJECTED.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The order concerned, when one was kept (e.g. a rejected payment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<i64>,
    /// The trace of this request, to look up in Jaeger (when tracing is on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Other members the service attached (e.g. `payment_id`, `refundable`).
    #[serde(flatten)]
    #[schema(ignore)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct ApiError(pub Box<Problem>);

impl ApiError {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self(Box::new(Problem {
            type_: format!("https://ec-platform.example/problems/{}", code.to_ascii_lowercase().replace('_', "-")),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            errors: Vec::new(),
            order_id: None,
            trace_id: None,
            extra: Map::new(),
        }))
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "MALFORMED_REQUEST", detail)
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e =
            Self::new(StatusCode::UNPROCESSABLE_ENTITY, reason::VALIDATION_FAILED, format!("{field}: {message}"));
        e.0.errors.push(FieldError { field: field.to_owned(), message });
        e
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, reason::NOT_FOUND, detail)
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The HTTP status for a gRPC status.
pub fn http_status(status: &tonic::Status) -> StatusCode {
    if is_timeout(status) {
        return StatusCode::GATEWAY_TIMEOUT;
    }
    match status.code() {
        Code::Ok => StatusCode::OK,
        Code::InvalidArgument | Code::OutOfRange => StatusCode::UNPROCESSABLE_ENTITY,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted | Code::FailedPrecondition => StatusCode::CONFLICT,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::Unavailable | Code::Cancelled => StatusCode::SERVICE_UNAVAILABLE,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<tonic::Status> for ApiError {
    fn from(s: tonic::Status) -> Self {
        let http = http_status(&s);
        let d = decode(&s);
        let code = d.reason.clone().unwrap_or_else(|| match http {
            StatusCode::GATEWAY_TIMEOUT => reason::DEADLINE_EXCEEDED.to_owned(),
            StatusCode::SERVICE_UNAVAILABLE => reason::UNAVAILABLE.to_owned(),
            StatusCode::NOT_FOUND => reason::NOT_FOUND.to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY => reason::VALIDATION_FAILED.to_owned(),
            _ => reason::INTERNAL.to_owned(),
        });
        let detail = if http.is_server_error() && d.reason.is_none() {
            // Not one of ours (transport error, panic, timeout at the edge):
            // log it, say something generic.
            tracing::warn!(code = ?s.code(), message = s.message(), "upstream call failed");
            match http {
                StatusCode::GATEWAY_TIMEOUT => "a service did not answer in time".to_owned(),
                StatusCode::SERVICE_UNAVAILABLE => "a service is unavailable; try again shortly".to_owned(),
                _ => "internal error".to_owned(),
            }
        } else if http == StatusCode::INTERNAL_SERVER_ERROR {
            "internal error".to_owned()
        } else {
            s.message().to_owned()
        };
        let mut e = ApiError::new(http, &code, detail);
        e.0.errors = d.fields.into_iter().map(|f| FieldError { field: f.field, message: f.description }).collect();
        for (k, v) in d.metadata {
            if k == "order_id" {
                e.0.order_id = v.parse().ok();
            } else if let Ok(n) = v.parse::<i64>() {
                e.0.extra.insert(k, Value::from(n));
            } else {
                e.0.extra.insert(k, Value::from(v));
            }
        }
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        let status = self.status();
        self.0.trace_id = ec_common::telemetry::current_trace_id();
        let body = serde_json::to_vec(&self.0).unwrap_or_else(|_| b"{}".to_vec());
        let mut res = (status, body).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_statuses_map_to_http() {
        let cases = [
            (tonic::Status::invalid_argument("x"), 422),
            (tonic::Status::not_found("x"), 404),
            (tonic::Status::already_exists("x"), 409),
            (tonic::Status::failed_precondition("x"), 409),
            (tonic::Status::aborted("x"), 409),
            (tonic::Status::resource_exhausted("x"), 429),
            (tonic::Status::deadline_exceeded("x"), 504),
            (tonic::Status::cancelled("Timeout expired"), 504),
            (tonic::Status::unavailable("x"), 503),
            (tonic::Status::unauthenticated("x"), 401),
            (tonic::Status::permission_denied("x"), 403),
            (tonic::Status::internal("secret"), 500),
        ];
        for (s, want) in cases {
            assert_eq!(http_status(&s).as_u16(), want, "{s:?}");
        }
    }

    #[test]
    fn internal_detail_is_not_leaked() {
        let e = ApiError::from(tonic::Status::internal("db password is hunter2"));
        assert_eq!(e.0.status, 500);
        assert!(!e.0.detail.contains("hunter2"));
    }
}
