//! One error vocabulary for the three layers.
//!
//! - [`ErrorCode`]: every machine code an error can carry. Each code knows its
//!   gRPC code and its HTTP status, so a service, the gateway and the
//!   documentation cannot disagree.
//! - [`FieldViolation`]: one bad field, with a [`FieldCode`] and its
//!   parameters (`{code: out_of_range, min: 1, max: 10000}`), so a client can
//!   say it in its own language; the English `description` is derived from
//!   them in one place.
//!
//! On the wire a service answers a `tonic::Status` whose details carry a
//! `google.rpc.ErrorInfo` (`reason` = the code, plus metadata such as
//! `order_id`) and, for field errors, a `google.rpc.BadRequest` (each
//! violation's `reason` is its field code; its parameters travel in the
//! ErrorInfo metadata). The gateway turns those back into problem+json.

use std::{collections::HashMap, fmt};

use http::StatusCode;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The `ErrorInfo.domain` of every error this platform makes.
pub const DOMAIN: &str = "ec-platform";

macro_rules! error_codes {
    ($($variant:ident = $name:literal, $grpc:ident, $http:ident;)*) => {
        /// Stable machine codes (`ErrorInfo.reason`, problem+json `code`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)*
                }
            }

            /// The gRPC status code a service answers with.
            pub fn grpc(self) -> Code {
                match self {
                    $(ErrorCode::$variant => Code::$grpc,)*
                }
            }

            /// The HTTP status the gateway answers with.
            pub fn http(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::$http,)*
                }
            }
        }
    };
}

error_codes! {
    ValidationFailed = "VALIDATION_FAILED", InvalidArgument, UNPROCESSABLE_ENTITY;
    MalformedRequest = "MALFORMED_REQUEST", InvalidArgument, BAD_REQUEST;
    NotFound = "NOT_FOUND", NotFound, NOT_FOUND;
    IllegalTransition = "ILLEGAL_TRANSITION", FailedPrecondition, CONFLICT;
    PaymentRejected = "PAYMENT_REJECTED", InvalidArgument, UNPROCESSABLE_ENTITY;
    PaymentPending = "PAYMENT_PENDING", FailedPrecondition, CONFLICT;
    AmountOutOfRange = "AMOUNT_OUT_OF_RANGE", InvalidArgument, UNPROCESSABLE_ENTITY;
    AmountMismatch = "AMOUNT_MISMATCH", InvalidArgument, UNPROCESSABLE_ENTITY;
    OrderNotPayable = "ORDER_NOT_PAYABLE", FailedPrecondition, CONFLICT;
    DuplicatePayment = "DUPLICATE_PAYMENT", AlreadyExists, CONFLICT;
    OverRefund = "OVER_REFUND", FailedPrecondition, CONFLICT;
    IdempotencyConflict = "IDEMPOTENCY_CONFLICT", AlreadyExists, CONFLICT;
    NotDeadLettered = "NOT_DEAD_LETTERED", FailedPrecondition, CONFLICT;
    UnknownTemplate = "UNKNOWN_TEMPLATE", InvalidArgument, UNPROCESSABLE_ENTITY;
    MissingVariable = "MISSING_VARIABLE", InvalidArgument, UNPROCESSABLE_ENTITY;
    NotificationNotFailed = "NOTIFICATION_NOT_FAILED", FailedPrecondition, CONFLICT;
    TooManyRows = "TOO_MANY_ROWS", InvalidArgument, UNPROCESSABLE_ENTITY;
    PayloadTooLarge = "PAYLOAD_TOO_LARGE", InvalidArgument, PAYLOAD_TOO_LARGE;
    UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE", InvalidArgument, UNSUPPORTED_MEDIA_TYPE;
    MethodNotAllowed = "METHOD_NOT_ALLOWED", Unimplemented, METHOD_NOT_ALLOWED;
    Unauthenticated = "UNAUTHENTICATED", Unauthenticated, UNAUTHORIZED;
    Forbidden = "FORBIDDEN", PermissionDenied, FORBIDDEN;
    TooManyRequests = "TOO_MANY_REQUESTS", ResourceExhausted, TOO_MANY_REQUESTS;
    Conflict = "CONFLICT", AlreadyExists, CONFLICT;
    WebhookDisabled = "WEBHOOK_DISABLED", Unavailable, SERVICE_UNAVAILABLE;
    DeadlineExceeded = "DEADLINE_EXCEEDED", DeadlineExceeded, GATEWAY_TIMEOUT;
    Unavailable = "UNAVAILABLE", Unavailable, SERVICE_UNAVAILABLE;
    Internal = "INTERNAL", Internal, INTERNAL_SERVER_ERROR;
}

impl ErrorCode {
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The code for a status that carries none of ours (a transport error,
    /// a timeout noticed by tonic, another service's plain status).
    pub fn of_status(status: &Status) -> Self {
        if is_timeout(status) {
            return Self::DeadlineExceeded;
        }
        match status.code() {
            Code::Ok | Code::Unknown | Code::Internal | Code::DataLoss | Code::Unimplemented => Self::Internal,
            Code::InvalidArgument | Code::OutOfRange => Self::ValidationFailed,
            Code::NotFound => Self::NotFound,
            Code::AlreadyExists | Code::Aborted => Self::Conflict,
            Code::FailedPrecondition => Self::Conflict,
            Code::ResourceExhausted => Self::TooManyRequests,
            Code::DeadlineExceeded => Self::DeadlineExceeded,
            Code::Unavailable | Code::Cancelled => Self::Unavailable,
            Code::Unauthenticated => Self::Unauthenticated,
            Code::PermissionDenied => Self::Forbidden,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! field_codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// Why a field is bad, as a machine code (problem+json `errors[].code`,
        /// lower snake case; CSV row errors use the same codes).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FieldCode {
            $($(#[$doc])* $variant,)*
        }

        impl FieldCode {
            pub const ALL: &[FieldCode] = &[$(FieldCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(FieldCode::$variant => $name,)*
                }
            }
        }
    };
}

field_codes! {
    Required = "required",
    TooLong = "too_long",
    TooFew = "too_few",
    TooMany = "too_many",
    OutOfRange = "out_of_range",
    InvalidEmail = "invalid_email",
    InvalidPhone = "invalid_phone",
    ControlCharacters = "control_characters",
    InvalidValue = "invalid_value",
    InvalidType = "invalid_type",
    InvalidFormat = "invalid_format",
    InvalidEncoding = "invalid_encoding",
    MalformedRow = "malformed_row",
    Conflict = "conflict",
    /// A placeholder of the chosen template has no value (which ones a
    /// template has is data: templates are edited).
    MissingVariable = "missing_variable",
}

impl FieldCode {
    pub fn parse(s: &str) -> Option<Self> {
        let lower = s.to_ascii_lowercase();
        Self::ALL.iter().copied().find(|c| c.as_str() == lower)
    }
}

/// One invalid field of a request (or one cell of an imported file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub code: FieldCode,
    /// What the code needs to be said in words: `min`, `max`, `allowed`...
    pub params: Vec<(String, String)>,
    /// The same in English.
    pub description: String,
}

impl FieldViolation {
    /// A violation whose description is derived from its code and parameters.
    pub fn new(field: impl Into<String>, code: FieldCode, params: &[(&str, &dyn fmt::Display)]) -> Self {
        let params: Vec<(String, String)> = params.iter().map(|(k, v)| ((*k).to_owned(), v.to_string())).collect();
        let description = describe(code, &params);
        Self { field: field.into(), code, params, description }
    }

    /// A violation with its own English description (the code still says
    /// what kind of problem it is).
    pub fn described(field: impl Into<String>, code: FieldCode, description: impl Into<String>) -> Self {
        Self { field: field.into(), code, params: Vec::new(), description: description.into() }
    }

    pub fn required(field: impl Into<String>) -> Self {
        Self::new(field, FieldCode::Required, &[])
    }

    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        Self::new(field, FieldCode::TooLong, &[("max", &max)])
    }

    pub fn out_of_range(field: impl Into<String>, min: i64, max: i64) -> Self {
        Self::new(field, FieldCode::OutOfRange, &[("min", &min), ("max", &max)])
    }

    pub fn at_least(field: impl Into<String>, min: i64) -> Self {
        Self::new(field, FieldCode::OutOfRange, &[("min", &min)])
    }

    pub fn one_of(field: impl Into<String>, allowed: &[&str]) -> Self {
        Self::new(field, FieldCode::InvalidValue, &[("allowed", &allowed.join(", "))])
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The English sentence for a field code: the one place it is worded.
fn describe(code: FieldCode, params: &[(String, String)]) -> String {
    let p = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    match (code, p("min"), p("max")) {
        (FieldCode::Required, _, _) => "is required".into(),
        (FieldCode::TooLong, _, Some(max)) => format!("must be at most {max} characters"),
        (FieldCode::TooFew, Some(min), _) => format!("must contain at least {min}"),
        (FieldCode::TooMany, _, Some(max)) => format!("must contain at most {max}"),
        (FieldCode::OutOfRange, Some(min), Some(max)) => format!("must be between {min} and {max}"),
        (FieldCode::OutOfRange, Some(min), None) => format!("must be at least {min}"),
        (FieldCode::OutOfRange, None, Some(max)) => format!("must be at most {max}"),
        (FieldCode::InvalidEmail, _, _) => "must be an e-mail address".into(),
        (FieldCode::InvalidPhone, _, _) => "must be a phone number (6 to 20 digits)".into(),
        (FieldCode::ControlCharacters, _, _) => "must not contain control characters".into(),
        (FieldCode::InvalidValue, _, _) => match p("allowed") {
            Some(allowed) => format!("must be one of: {allowed}"),
            None => "is not an accepted value".into(),
        },
        (FieldCode::InvalidType, _, _) => match p("expected") {
            Some(expected) => format!("must be {expected}"),
            None => "has the wrong type".into(),
        },
        (FieldCode::MissingVariable, _, _) => match p("template") {
            Some(t) => format!("has no value, and template {t} uses it"),
            None => "has no value, and the template uses it".into(),
        },
        (code, _, _) => code.as_str().replace('_', " "),
    }
}

/// A platform error ready to travel as a `tonic::Status`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Fault {
    pub code: ErrorCode,
    pub message: String,
    pub metadata: HashMap<String, String>,
    pub fields: Vec<FieldViolation>,
}

impl Fault {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), metadata: HashMap::new(), fields: Vec::new() }
    }

    /// VALIDATION_FAILED with one violation per bad field.
    pub fn validation(fields: Vec<FieldViolation>) -> Self {
        let message = match fields.as_slice() {
            [one] => format!("{}: {}", one.field, one.description),
            many => format!("{} fields are invalid", many.len()),
        };
        Self { fields, ..Self::new(ErrorCode::ValidationFailed, message) }
    }

    /// VALIDATION_FAILED for one bad field.
    pub fn field(violation: FieldViolation) -> Self {
        Self::validation(vec![violation])
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, what)
    }

    pub fn internal() -> Self {
        Self::new(ErrorCode::Internal, "internal error")
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.metadata.insert(key.to_owned(), value.to_string());
        self
    }

    /// The field errors' parameters travel in the ErrorInfo metadata under
    /// this prefix and the violation's index.
    const PARAMS: &str = "field_params.";
}

impl From<Fault> for Status {
    fn from(f: Fault) -> Self {
        let mut metadata = f.metadata;
        let mut details = ErrorDetails::new();
        let mut violations = Vec::with_capacity(f.fields.len());
        for (i, v) in f.fields.into_iter().enumerate() {
            if !v.params.is_empty() {
                // Pairs, in order, as a JSON array.
                let params = serde_json::to_string(&v.params).unwrap_or_default();
                metadata.insert(format!("{}{i}", Fault::PARAMS), params);
            }
            violations.push(tonic_types::FieldViolation {
                field: v.field,
                description: v.description,
                reason: v.code.as_str().to_ascii_uppercase(),
                localized_message: None,
            });
        }
        details.set_error_info(f.code.as_str(), DOMAIN, metadata);
        if !violations.is_empty() {
            details.set_bad_request(violations);
        }
        Status::with_error_details(f.code.grpc(), f.message, details)
    }
}

/// What a `Status` from another service says, decoded once.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Ours, or the nearest code for a status that carries none.
    pub code: ErrorCode,
    /// False when the status carried no code of ours.
    pub ours: bool,
    pub metadata: HashMap<String, String>,
    pub fields: Vec<FieldViolation>,
}

/// Reads the ErrorInfo and BadRequest details of a `Status`, if any.
pub fn decode(status: &Status) -> Decoded {
    let details = status.get_error_details();
    let (code, mut metadata) = match details.error_info() {
        Some(info) if info.domain == DOMAIN => (ErrorCode::parse(&info.reason), info.metadata.clone()),
        _ => (None, HashMap::new()),
    };
    let fields = details
        .bad_request()
        .map(|br| {
            br.field_violations
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let params = metadata
                        .remove(&format!("{}{i}", Fault::PARAMS))
                        .and_then(|json| serde_json::from_str::<Vec<(String, String)>>(&json).ok())
                        .unwrap_or_default();
                    FieldViolation {
                        field: v.field.clone(),
                        code: FieldCode::parse(&v.reason).unwrap_or(FieldCode::InvalidValue),
                        params,
                        description: v.description.clone(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Decoded { code: code.unwrap_or_else(|| ErrorCode::of_status(status)), ours: code.is_some(), metadata, fields }
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
        let fault =
            Fault::validation(vec![FieldViolation::out_of_range("items[0].quantity", 1, 10_000)]).with("order_id", 42);
        let status = Status::from(fault);
        assert_eq!(status.code(), Code::InvalidArgument);
        let d = decode(&status);
        assert_eq!(d.code, ErrorCode::ValidationFailed);
        assert!(d.ours);
        assert_eq!(d.metadata.get("order_id").map(String::as_str), Some("42"));
        assert_eq!(d.metadata.len(), 1, "the field parameters are read back out of the metadata");
        assert_eq!(d.fields, vec![FieldViolation::out_of_range("items[0].quantity", 1, 10_000)]);
        assert_eq!(d.fields[0].description, "must be between 1 and 10000");
        assert_eq!(d.fields[0].param("max"), Some("10000"));
    }

    #[test]
    fn a_plain_status_gets_the_nearest_code() {
        let d = decode(&Status::unavailable("connection refused"));
        assert_eq!((d.code, d.ours), (ErrorCode::Unavailable, false));
        assert_eq!(decode(&Status::cancelled("Timeout expired")).code, ErrorCode::DeadlineExceeded);
    }

    #[test]
    fn server_timeout_counts_as_timeout() {
        assert!(is_timeout(&Status::cancelled("Timeout expired")));
        assert!(is_timeout(&Status::deadline_exceeded("late")));
        assert!(!is_timeout(&Status::cancelled("client went away")));
    }

    #[test]
    fn codes_parse_back() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(*c));
        }
        for c in FieldCode::ALL {
            assert_eq!(FieldCode::parse(c.as_str()), Some(*c));
            assert_eq!(FieldCode::parse(&c.as_str().to_ascii_uppercase()), Some(*c));
        }
    }

    /// The proto comments name error codes as `GRPC_CODE (REASON)`; each must
    /// be what the code is sent as.
    #[test]
    fn proto_comments_agree_with_the_codes() {
        let protos = [
            include_str!("../../../proto/ec/order/v1/order.proto"),
            include_str!("../../../proto/ec/payment/v1/payment.proto"),
            include_str!("../../../proto/ec/notification/v1/notification.proto"),
        ];
        let mut checked = 0;
        for text in protos {
            let comments: String =
                text.lines().filter_map(|l| l.trim().strip_prefix("//")).collect::<Vec<_>>().join(" ");
            let words: Vec<&str> = comments.split_whitespace().collect();
            for pair in words.windows(2) {
                let grpc = pair[0].trim_matches(|c: char| !c.is_ascii_uppercase() && c != '_');
                let Some(reason) = pair[1].strip_prefix('(') else { continue };
                let reason = reason.trim_matches(|c: char| !c.is_ascii_uppercase() && c != '_');
                let Some(code) = ErrorCode::parse(reason) else { continue };
                let Some(documented) = grpc_code_named(grpc) else { continue };
                assert_eq!(documented, code.grpc(), "the proto documents {reason} as {grpc}");
                checked += 1;
            }
        }
        assert!(checked >= 5, "only {checked} documented codes found");
    }

    fn grpc_code_named(name: &str) -> Option<Code> {
        Some(match name {
            "INVALID_ARGUMENT" => Code::InvalidArgument,
            "NOT_FOUND" => Code::NotFound,
            "ALREADY_EXISTS" => Code::AlreadyExists,
            "FAILED_PRECONDITION" => Code::FailedPrecondition,
            "ABORTED" => Code::Aborted,
            "RESOURCE_EXHAUSTED" => Code::ResourceExhausted,
            "DEADLINE_EXCEEDED" => Code::DeadlineExceeded,
            "UNAVAILABLE" => Code::Unavailable,
            "PERMISSION_DENIED" => Code::PermissionDenied,
            "UNAUTHENTICATED" => Code::Unauthenticated,
            _ => return None,
        })
    }
}
