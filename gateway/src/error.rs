//! Problem details (RFC 9457), built from the platform's one error
//! vocabulary ([`ErrorCode`]: each code knows its HTTP status).
//!
//! 5xx answers never carry internal detail: the cause is logged instead.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use ec_common::error::{ErrorCode, FieldViolation, decode};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field (or query parameter, or header).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field, e.g. `items[0].quantity`.
    pub field: String,
    /// Why, as a machine code: required, too_long, out_of_range,
    /// invalid_email, invalid_phone, invalid_value, invalid_type, ...
    pub code: String,
    /// The same in English.
    pub message: String,
    /// What the code needs to be said in words (`min`, `max`, `allowed`,
    /// `expected`): numbers where they are numbers.
    #[serde(flatten)]
    #[schema(ignore)]
    pub params: Map<String, Value>,
}

impl From<FieldViolation> for FieldError {
    fn from(v: FieldViolation) -> Self {
        let params = v
            .params
            .into_iter()
            .map(|(k, v)| {
                let value = v.parse::<i64>().map(Value::from).unwrap_or(Value::String(v));
                (k, value)
            })
            .collect();
        Self { field: v.field, code: v.code.as_str().to_owned(), message: v.description, params }
    }
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
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        let status = code.http();
        Self(Box::new(Problem {
            type_: format!(
                "https://ec-platform.example/problems/{}",
                code.as_str().to_ascii_lowercase().replace('_', "-")
            ),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.as_str().to_owned(),
            errors: Vec::new(),
            order_id: None,
            trace_id: None,
            extra: Map::new(),
        }))
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::MalformedRequest, detail)
    }

    /// VALIDATION_FAILED for one field, query parameter or header.
    pub fn field(violation: FieldViolation) -> Self {
        Self::fields(vec![violation])
    }

    pub fn fields(violations: Vec<FieldViolation>) -> Self {
        let detail = match violations.as_slice() {
            [one] => format!("{}: {}", one.field, one.description),
            many => format!("{} fields are invalid", many.len()),
        };
        let mut e = Self::new(ErrorCode::ValidationFailed, detail);
        e.0.errors = violations.into_iter().map(FieldError::from).collect();
        e
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, detail)
    }

    pub fn internal() -> Self {
        Self::new(ErrorCode::Internal, "internal error")
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<tonic::Status> for ApiError {
    fn from(s: tonic::Status) -> Self {
        let d = decode(&s);
        let http = d.code.http();
        let detail = if !d.ours && http.is_server_error() {
            // Not one of ours (transport error, panic, timeout at the edge):
            // log it, say something generic.
            tracing::warn!(code = ?s.code(), message = s.message(), "upstream call failed");
            match d.code {
                ErrorCode::DeadlineExceeded => "a service did not answer in time".to_owned(),
                ErrorCode::Unavailable => "a service is unavailable; try again shortly".to_owned(),
                _ => "internal error".to_owned(),
            }
        } else if http == StatusCode::INTERNAL_SERVER_ERROR {
            "internal error".to_owned()
        } else {
            s.message().to_owned()
        };
        let mut e = ApiError::new(d.code, detail);
        e.0.errors = d.fields.into_iter().map(FieldError::from).collect();
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

/// A service answered without the message it must carry: never invent one
/// (a missing order would read as "order 0").
pub fn required<T>(value: Option<T>, what: &str) -> Result<T, ApiError> {
    value.ok_or_else(|| {
        tracing::error!(missing = what, "a service answered without it");
        ApiError::internal()
    })
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        let status = self.status();
        self.0.trace_id = ec_common::telemetry::current_trace_id();
        let body = serde_json::to_vec(&self.0).unwrap_or_else(|_| b"{}".to_vec());
        let mut res = (status, body).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
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
            assert_eq!(ApiError::from(s.clone()).0.status, want, "{s:?}");
        }
    }

    #[test]
    fn each_code_answers_its_own_status() {
        for code in ErrorCode::ALL {
            let s = tonic::Status::from(ec_common::error::Fault::new(*code, "x"));
            let e = ApiError::from(s);
            assert_eq!(e.0.status, code.http().as_u16(), "{code}");
            assert_eq!(e.0.code, code.as_str());
        }
    }

    #[test]
    fn internal_detail_is_not_leaked() {
        let e = ApiError::from(tonic::Status::internal("db password is hunter2"));
        assert_eq!(e.0.status, 500);
        assert!(!e.0.detail.contains("hunter2"));
    }

    #[test]
    fn field_errors_carry_code_and_parameters() {
        let e = ApiError::field(FieldViolation::out_of_range("items[0].quantity", 1, 10_000));
        let json = serde_json::to_value(&*e.0).expect("json");
        assert_eq!(
            json["errors"][0],
            serde_json::json!({"field": "items[0].quantity", "code": "out_of_range", "message": "must be between 1 and 10000", "min": 1, "max": 10000})
        );
    }
}
