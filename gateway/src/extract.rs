//! Extractors whose rejections are problems like every other error.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{StatusCode, header, request::Parts},
};
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::error::{ApiError, FieldError};

/// A JSON body. Broken JSON answers 400; JSON of the wrong shape (wrong
/// types, missing or unknown enum values) 422 with the field's path; a wrong
/// content type 415; an oversized body 413. All as problem+json.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
            let mime = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
        });
        if !json_type {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "send the body as application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", "the request body is too large")
            } else {
                ApiError::bad_request("the request body could not be read")
            }
        })?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => Ok(Json(v)),
            Err(e) => {
                // serde_json calls some shape errors "syntax"; if the bytes
                // are valid JSON, the shape was wrong.
                let valid_json = serde_json::from_slice::<IgnoredAny>(&bytes).is_ok();
                if !valid_json {
                    return Err(ApiError::bad_request(format!("the body is not valid JSON: {}", e.inner())));
                }
                let path = e.path().to_string();
                let message = e.inner().to_string();
                let mut err =
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_FAILED", format!("{path}: {message}"));
                if path != "." {
                    err.0.errors.push(FieldError { field: path, message });
                }
                Err(err)
            }
        }
    }
}

/// The `limit` query parameter: absent or blank means the service's default
/// (0 on the wire), otherwise an integer in 1..=`max`.
pub fn limit_param(value: Option<&str>, max: i32) -> Result<i32, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(0),
        Some(v) => v
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| ApiError::validation("limit", format!("must be an integer between 1 and {max}"))),
    }
}

/// A positive integer id from the path; anything else is "no such thing".
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found("no such resource"))?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Id)
            .ok_or_else(|| ApiError::not_found(format!("no resource has the id {raw:?}")))
    }
}
