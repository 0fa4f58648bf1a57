//! One error vocabulary for the three layers.
//!
//! A service answers errors as a `tonic::Status` whose details carry a
//! `google.rpc.ErrorInfo` (`reason` = one of the [`reason`] codes, plus
//! metadata such as `order_id`) and, for field errors, a
//! `google.rpc.BadRequest`. The gateway turns those back into problem+json, so
//! the code a REST client sees is the code the service chose.

use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The `ErrorInfo.domain` of every error this platform makes.
pub const DOMAIN: &str = "ec-platform";

/// Stable machine codes (`ErrorInfo.reason`, problem+json `code`).
pub mod reason {
    pub const VALIDATION_FAILED: &str = "VALIDATION_FAILED";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const ILLEGAL_TRANSITION: &str = "ILLEGAL_TRANSITION";
    pub const PAYMENT_REJECTED: &str = "PAYMENT_REJECTED";
    pub const PAYMENT_PENDING: &str = "PAYMENT_PENDING";
    pub const AMOUNT_OUT_OF_RANGE: &str = "AMOUNT_OUT_OF_RANGE";
    pub const DUPLICATE_PAYMENT: &str = "DUPLICATE_PAYMENT";
    pub const OVER_REFUND: &str = "OVER_REFUND";
    pub const IDEMPOTENCY_CONFLICT: &str = "IDEMPOTENCY_CONFLICT";
    pub const UNKNOWN_TEMPLATE: &str = "UNKNOWN_TEMPLATE";
    pub const MISSING_VARIABLE: &str = "MISSING_VARIABLE";
    pub const DEADLINE_EXCEEDED: &str = "DEADLINE_EXCEEDED";
    pub const UNAVAILABLE: &str = "UNAVAILABLE";
    pub const INTERNAL: &str = "INTERNAL";
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

impl FieldViolation {
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self { field: field.into(), description: description.into() }
    }
}

/// A platform error ready to travel as a `tonic::Status`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Fault {
    pub code: Code,
    pub reason: &'static str,
    pub message: String,
    pub metadata: HashMap<String, String>,
    pub fields: Vec<FieldViolation>,
}

impl Fault {
    pub fn new(code: Code, reason: &'static str, message: impl Into<String>) -> Self {
        Self { code, reason, message: message.into(), metadata: HashMap::new(), fields: Vec::new() }
    }

    /// INVALID_ARGUMENT with one violation per bad field.
    pub fn validation(fields: Vec<FieldViolation>) -> Self {
        let message = match fields.as_slice() {
            [one] => format!("{}: {}", one.field, one.description),
            many => format!("{} fields are invalid", many.len()),
        };
        Self { fields, ..Self::new(Code::InvalidArgument, reason::VALIDATION_FAILED, message) }
    }

    /// INVALID_ARGUMENT for one bad field.
    pub fn invalid(field: impl Into<String>, why: impl Into<String>) -> Self {
        Self::validation(vec![FieldViolation::new(field, why)])
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(Code::NotFound, reason::NOT_FOUND, what)
    }

    pub fn internal() -> Self {
        Self::new(Code::Internal, reason::INTERNAL, "internal error")
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.metadata.insert(key.to_owned(), value.to_string());
        self
    }
}

impl From<Fault> for Status {
    fn from(f: Fault) -> Self {
        let mut details = ErrorDetails::with_error_info(f.reason, DOMAIN, f.metadata);
        for v in f.fields {
            details.add_bad_request_violation(v.field, v.description);
        }
        Status::with_error_details(f.code, f.message, details)
    }
}

/// What a `Status` from another service says, decoded once.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub reason: Option<String>,
    pub metadata: HashMap<String, String>,
    pub fields: Vec<FieldViolation>,
}

/// Reads the ErrorInfo and BadRequest details of a `Status`, if any.
pub fn decode(status: &Status) -> Decoded {
    let details = status.get_error_details();
    let (reason, metadata) = match details.error_info() {
        Some(info) => (Some(info.reason.clone()), info.metadata.clone()),
        None => (None, HashMap::new()),
    };
    let fields = details
        .bad_request()
        .map(|br| {
            br.field_violations.iter().map(|v| FieldViolation::new(v.field.clone(), v.description.clone())).collect()
        })
        .unwrap_or_default();
    Decoded { reason, metadata, fields }
}

/// True when `status` is a timeout, whichever side noticed it: tonic's server
/// timeout answers `Cancelled("Timeout expired")`, not DEADLINE_EXCEEDED.
pub fn is_timeout(status: &Status) -> bool {
    status.code() == Code::DeadlineExceeded
        || (status.code() == Code::Cancelled && status.message().contains("Timeout expired"))
}

/// True when the callee could not be reached or did not answer in time: the
/// outcome of the call is unknown.
pub fn is_unreachable(status: &Status) -> bool {
    is_timeout(status) || matches!(status.code(), Code::Unavailable | Code::Unknown | Code::Cancelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_round_trips_through_status() {
        let fault = Fault::validation(vec![FieldViolation::new("items[0].quantity", "must be at least 1")])
            .with("order_id", 42);
        let status = Status::from(fault);
        assert_eq!(status.code(), Code::InvalidArgument);
        let d = decode(&status);
        assert_eq!(d.reason.as_deref(), Some(reason::VALIDATION_FAILED));
        assert_eq!(d.metadata.get("order_id").map(String::as_str), Some("42"));
        assert_eq!(d.fields, vec![FieldViolation::new("items[0].quantity", "must be at least 1")]);
    }

    #[test]
    fn server_timeout_counts_as_timeout() {
        assert!(is_timeout(&Status::cancelled("Timeout expired")));
        assert!(is_timeout(&Status::deadline_exceeded("late")));
        assert!(!is_timeout(&Status::cancelled("client went away")));
    }
}
